/* transcript_test.c — the transcript format (include/chainfuzz/transcript.h):
 * writer and decoder agree, every malformed shape gets its own status, and
 * the server stream is the SERVER_DATA records concatenated per
 * connection. */
#include <stdlib.h>
#include <string.h>

#include "chainfuzz/case.h"
#include "chainfuzz/transcript.h"
#include "tap.h"

static const uint8_t kLeaf[] = {0x30, 0x03, 0x02, 0x01, 0x01};
static const uint8_t kAnchor[] = {0x30, 0x03, 0x02, 0x01, 0x02};

/* device_case serializes a small case with a DNS name. */
static int device_case(uint8_t **out, size_t *out_len) {
  struct cf_case c;
  memset(&c, 0, sizeof(c));
  cf_profile_init(&c.profile);
  c.leaf.data = kLeaf;
  c.leaf.len = sizeof(kLeaf);
  c.anchors[0].data = kAnchor;
  c.anchors[0].len = sizeof(kAnchor);
  c.num_anchors = 1;
  cf_profile_set_dns_name(&c.profile, "device.example.com", 18);
  return cf_case_serialize(out, out_len, &c);
}

/* raw builds magic || version || the given record bytes. */
static size_t raw(uint8_t *out, uint8_t version, const uint8_t *records,
                  size_t records_len) {
  memcpy(out, "CFZT", 4);
  out[4] = version;
  if (records_len > 0) {
    memcpy(out + 5, records, records_len);
  }
  return 5 + records_len;
}

static size_t put_record(uint8_t *out, uint8_t tag, const uint8_t *v,
                         size_t len) {
  out[0] = tag;
  out[1] = (uint8_t)(len >> 16);
  out[2] = (uint8_t)(len >> 8);
  out[3] = (uint8_t)len;
  if (len > 0) {
    memcpy(out + 4, v, len);
  }
  return 4 + len;
}

int main(void) {
  uint8_t *dev = NULL, *t = NULL, *stream = NULL;
  size_t dev_len = 0, t_len = 0, stream_len = 0, off = 0;
  struct cf_transcript *tr = malloc(sizeof(*tr));
  struct cf_transcript_writer w;

  tap_ok(tr != NULL && device_case(&dev, &dev_len), "a device case serializes");

  /* Round trip: two connections, records split. */
  tap_ok(cf_transcript_begin(&w, dev, dev_len, CF_HS_OPT_MAX_TLS12),
         "writer begins");
  cf_transcript_add_server_data(&w, (const uint8_t *)"\x16\x03\x03", 3);
  cf_transcript_add_server_data(&w, (const uint8_t *)"abc", 3);
  cf_transcript_next_connection(&w);
  cf_transcript_add_server_data(&w, (const uint8_t *)"xyz!", 4);
  tap_ok(cf_transcript_finish(&t, &t_len, &w), "writer finishes");
  tap_ok(cf_transcript_parse(tr, &off, t, t_len) == CF_TRANSCRIPT_OK,
         "the writer's output parses");
  tap_ok(tr->options == CF_HS_OPT_MAX_TLS12, "options survive");
  tap_ok(tr->num_connections == 2, "two connections");
  tap_ok(tr->num_server_data[0] == 2 && tr->num_server_data[1] == 1 &&
             tr->server_bytes[0] == 6 && tr->server_bytes[1] == 4,
         "SERVER_DATA records land in their connection");
  tap_ok(tr->device.profile.name_type == CF_NAME_DNS &&
             strcmp(tr->device.profile.dns_name, "device.example.com") == 0 &&
             tr->device.num_anchors == 1,
         "the DEVICE case carries name and anchors");
  tap_ok(cf_transcript_server_stream(&stream, &stream_len, tr, 0) &&
             stream_len == 6 && memcmp(stream, "\x16\x03\x03" "abc", 6) == 0,
         "the stream of connection 0 is its records concatenated");
  free(stream);
  tap_ok(cf_transcript_server_stream(&stream, &stream_len, tr, 1) &&
             stream_len == 4 && memcmp(stream, "xyz!", 4) == 0,
         "the stream of connection 1");
  free(stream);
  tap_ok(!cf_transcript_server_stream(&stream, &stream_len, tr, 2),
         "no third connection");
  free(t);

  /* Malformed shapes, one status each. */
  uint8_t buf[4096], rec[2048];
  size_t n, r;
  tap_ok(cf_transcript_parse(tr, NULL, (const uint8_t *)"CFZC\x01", 5) ==
             CF_TRANSCRIPT_BAD_MAGIC,
         "a case is not a transcript");
  n = raw(buf, 2, NULL, 0);
  tap_ok(cf_transcript_parse(tr, NULL, buf, n) == CF_TRANSCRIPT_BAD_VERSION,
         "version 2 is unknown");
  n = raw(buf, 1, NULL, 0);
  tap_ok(cf_transcript_parse(tr, NULL, buf, n) == CF_TRANSCRIPT_NO_DEVICE,
         "no DEVICE record");
  r = put_record(rec, CF_TT_DEVICE, dev, dev_len);
  n = raw(buf, 1, rec, r - 1);
  tap_ok(cf_transcript_parse(tr, &off, buf, n) == CF_TRANSCRIPT_TRUNCATED &&
             off == 5,
         "a truncated record stops at its offset");
  r = put_record(rec, CF_TT_DEVICE, dev, dev_len);
  r += put_record(rec + r, CF_TT_DEVICE, dev, dev_len);
  n = raw(buf, 1, rec, r);
  tap_ok(cf_transcript_parse(tr, NULL, buf, n) == CF_TRANSCRIPT_DUPLICATE,
         "two DEVICE records");
  r = put_record(rec, CF_TT_DEVICE, dev, dev_len - 1);
  n = raw(buf, 1, rec, r);
  tap_ok(cf_transcript_parse(tr, NULL, buf, n) == CF_TRANSCRIPT_BAD_DEVICE,
         "a DEVICE record that is not a case");
  r = put_record(rec, CF_TT_DEVICE, dev, dev_len);
  r += put_record(rec + r, 0x7f, NULL, 0);
  n = raw(buf, 1, rec, r);
  tap_ok(cf_transcript_parse(tr, NULL, buf, n) == CF_TRANSCRIPT_UNKNOWN_TAG,
         "an unknown tag");
  r = put_record(rec, CF_TT_DEVICE, dev, dev_len);
  r += put_record(rec + r, CF_TT_CLIENT_OPTIONS, (const uint8_t *)"\0\0\0\x08", 4);
  n = raw(buf, 1, rec, r);
  tap_ok(cf_transcript_parse(tr, NULL, buf, n) == CF_TRANSCRIPT_BAD_VALUE,
         "an unknown option bit");
  r = put_record(rec, CF_TT_DEVICE, dev, dev_len);
  r += put_record(rec + r, CF_TT_CLIENT_OPTIONS, (const uint8_t *)"\0\0\0\x03", 4);
  n = raw(buf, 1, rec, r);
  tap_ok(cf_transcript_parse(tr, NULL, buf, n) == CF_TRANSCRIPT_BAD_VALUE,
         "TLS 1.2 only and TLS 1.3 only at once");
  r = put_record(rec, CF_TT_DEVICE, dev, dev_len);
  r += put_record(rec + r, CF_TT_NEXT_CONNECTION, (const uint8_t *)"x", 1);
  n = raw(buf, 1, rec, r);
  tap_ok(cf_transcript_parse(tr, NULL, buf, n) == CF_TRANSCRIPT_BAD_VALUE,
         "NEXT_CONNECTION is empty");
  r = put_record(rec, CF_TT_DEVICE, dev, dev_len);
  for (int i = 0; i <= CF_HS_MAX_SERVER_DATA; i++) {
    r += put_record(rec + r, CF_TT_SERVER_DATA, (const uint8_t *)"s", 1);
  }
  n = raw(buf, 1, rec, r);
  tap_ok(cf_transcript_parse(tr, NULL, buf, n) == CF_TRANSCRIPT_TOO_MANY,
         "more SERVER_DATA records than the limit");

  /* The writer refuses what would not parse back. */
  tap_ok(cf_transcript_begin(&w, dev, dev_len, 0), "writer begins again");
  for (int i = 0; i <= CF_HS_MAX_SERVER_DATA; i++) {
    cf_transcript_add_server_data(&w, (const uint8_t *)"s", 1);
  }
  tap_ok(!cf_transcript_finish(&t, &t_len, &w) || (free(t), 0),
         "the writer refuses too many records");

  /* Every prefix of a valid transcript either parses or fails cleanly. */
  int clean = 1;
  tap_ok(cf_transcript_begin(&w, dev, dev_len, 0), "writer for prefixes");
  cf_transcript_add_server_data(&w, (const uint8_t *)"hello", 5);
  uint8_t *full = NULL;
  size_t full_len = 0;
  tap_ok(cf_transcript_finish(&full, &full_len, &w), "prefix source");
  for (size_t k = 0; k < full_len; k++) {
    uint8_t *copy = malloc(k + 1);
    memcpy(copy, full, k);
    enum cf_transcript_status s = cf_transcript_parse(tr, NULL, copy, k);
    /* Only the prefix that ends right after the DEVICE record is whole. */
    if ((s == CF_TRANSCRIPT_OK) != (k == 5 + 4 + dev_len)) {
      clean = 0;
    }
    free(copy);
  }
  tap_ok(clean, "of the strict prefixes of %zu bytes only the one ending at a record boundary parses",
         full_len);
  free(full);
  free(dev);
  free(tr);
  return tap_done();
}
