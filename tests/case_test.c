/* case_test — unit tests of the case decoder and encoder (lib/case.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chainfuzz/case.h"
#include "tap.h"

/* buf is a tiny growable byte buffer for building test inputs by hand, so
 * the tests do not depend on the encoder they test. */
struct buf {
  uint8_t data[1 << 16];
  size_t len;
};

static void put(struct buf *b, const void *p, size_t n) {
  if (n == 0) {
    return;
  }
  if (b->len + n > sizeof(b->data)) {
    abort();
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

static void header(struct buf *b, uint8_t version) {
  b->len = 0;
  put(b, "CFZC", 4);
  put(b, &version, 1);
}

static void record(struct buf *b, uint8_t tag, const void *v, size_t n) {
  uint8_t h[4] = {tag, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
  put(b, h, 4);
  put(b, v, n);
}

static const uint8_t kFakeCert[] = {0x30, 0x03, 0x02, 0x01, 0x01};

static enum cf_case_status parse(struct cf_case *c, const struct buf *b) {
  return cf_case_parse(c, NULL, b->data, b->len);
}

static void test_header(void) {
  struct cf_case c;
  struct buf b;
  tap_ok(cf_case_parse(&c, NULL, (const uint8_t *)"", 0) == CF_CASE_BAD_MAGIC,
         "empty input is BAD_MAGIC");
  tap_ok(cf_case_parse(&c, NULL, (const uint8_t *)"CFZX\x01", 5) ==
             CF_CASE_BAD_MAGIC,
         "wrong magic is BAD_MAGIC");
  tap_ok(cf_case_parse(&c, NULL, (const uint8_t *)"CFZC", 4) ==
             CF_CASE_TRUNCATED,
         "magic without version is TRUNCATED");
  header(&b, 2);
  record(&b, CF_TAG_LEAF, kFakeCert, sizeof(kFakeCert));
  tap_ok(parse(&c, &b) == CF_CASE_BAD_VERSION, "version 2 is BAD_VERSION");
  header(&b, 1);
  tap_ok(parse(&c, &b) == CF_CASE_NO_LEAF, "header alone is NO_LEAF");
}

static void test_defaults_and_fields(void) {
  struct cf_case c;
  struct buf b;
  header(&b, 1);
  record(&b, CF_TAG_LEAF, kFakeCert, sizeof(kFakeCert));
  tap_ok(parse(&c, &b) == CF_CASE_OK, "leaf only parses");
  tap_ok(c.leaf.len == sizeof(kFakeCert) && c.leaf.data == b.data + 9,
         "leaf points into the input, not a copy");
  tap_ok(c.profile.clock == CF_CLOCK_SET && c.profile.time == CF_DEFAULT_TIME &&
             c.profile.purpose == CF_PURPOSE_SERVER_AUTH &&
             c.profile.max_depth == CF_DEFAULT_MAX_DEPTH &&
             c.profile.name_type == CF_NAME_NONE && c.profile.flags == 0,
         "fields left out get the default profile");

  header(&b, 1);
  record(&b, CF_TAG_TRUST_ANCHOR, "A1", 2);
  record(&b, CF_TAG_INTERMEDIATE, "I1", 2);
  record(&b, CF_TAG_TRUST_ANCHOR, "A2", 2);
  record(&b, CF_TAG_LEAF, kFakeCert, sizeof(kFakeCert));
  record(&b, CF_TAG_INTERMEDIATE, "I2", 2);
  record(&b, CF_TAG_DNS_NAME, "device.example.com", 18);
  record(&b, CF_TAG_TIME, "\xff\xff\xff\xff\xff\xff\xff\xfe", 8);
  record(&b, CF_TAG_PURPOSE, "\x02", 1);
  record(&b, CF_TAG_MAX_DEPTH, "\x00", 1);
  record(&b, CF_TAG_FLAGS, "\x00\x00\x00\x05", 4);
  record(&b, CF_TAG_LABEL, "iot::x", 6);
  tap_ok(parse(&c, &b) == CF_CASE_OK, "every tag once parses");
  tap_ok(c.num_anchors == 2 && memcmp(c.anchors[1].data, "A2", 2) == 0,
         "anchors kept in order");
  tap_ok(c.num_intermediates == 2 &&
             memcmp(c.intermediates[0].data, "I1", 2) == 0 &&
             memcmp(c.intermediates[1].data, "I2", 2) == 0,
         "intermediates kept in sending order around the leaf");
  tap_ok(c.profile.name_type == CF_NAME_DNS &&
             strcmp(c.profile.dns_name, "device.example.com") == 0 &&
             c.profile.dns_name_len == 18,
         "DNS name decoded and NUL-terminated");
  tap_ok(c.profile.time == -2, "TIME is a signed big-endian i64");
  tap_ok(c.profile.purpose == CF_PURPOSE_CLIENT_AUTH, "PURPOSE decoded");
  tap_ok(c.profile.max_depth == 0, "MAX_DEPTH 0 allowed");
  tap_ok(c.profile.flags == (CF_PROFILE_FLAG_PARTIAL_CHAIN |
                             CF_PROFILE_FLAG_NO_WILDCARDS),
         "FLAGS decoded");
  tap_ok(c.label.len == 6 && memcmp(c.label.data, "iot::x", 6) == 0,
         "LABEL decoded");

  header(&b, 1);
  record(&b, CF_TAG_LEAF, kFakeCert, sizeof(kFakeCert));
  record(&b, CF_TAG_CLOCK_UNSET, NULL, 0);
  record(&b, CF_TAG_IP_ADDRESS, "\x0a\x00\x00\x01", 4);
  tap_ok(parse(&c, &b) == CF_CASE_OK && c.profile.clock == CF_CLOCK_UNSET &&
             cf_profile_effective_time(&c.profile) == CF_CLOCK_UNSET_TIME &&
             c.profile.name_type == CF_NAME_IP && c.profile.ip_len == 4 &&
             c.profile.ip[0] == 10,
         "CLOCK_UNSET and an IPv4 address");
}

/* expect_status builds header + leaf + the given record and checks. */
static void expect_status(enum cf_case_status want, uint8_t tag, const void *v,
                          size_t n, const char *what) {
  struct cf_case c;
  struct buf b;
  header(&b, 1);
  record(&b, CF_TAG_LEAF, kFakeCert, sizeof(kFakeCert));
  record(&b, tag, v, n);
  enum cf_case_status got = parse(&c, &b);
  tap_ok(got == want, "%s -> %s (got %s)", what, cf_case_status_string(want),
         cf_case_status_string(got));
}

static void test_bad_values(void) {
  char long_name[CF_MAX_DNS_NAME_LEN + 1];
  char long_label[CF_MAX_LABEL_LEN + 1];
  memset(long_name, 'a', sizeof(long_name));
  memset(long_label, 'l', sizeof(long_label));
  expect_status(CF_CASE_BAD_VALUE, CF_TAG_DNS_NAME, "", 0, "empty DNS name");
  expect_status(CF_CASE_BAD_VALUE, CF_TAG_DNS_NAME, "a\0b", 3,
                "DNS name with NUL");
  expect_status(CF_CASE_BAD_VALUE, CF_TAG_DNS_NAME, long_name,
                sizeof(long_name), "254-byte DNS name");
  expect_status(CF_CASE_OK, CF_TAG_DNS_NAME, long_name, sizeof(long_name) - 1,
                "253-byte DNS name");
  expect_status(CF_CASE_BAD_VALUE, CF_TAG_IP_ADDRESS, "12345", 5,
                "5-byte IP");
  expect_status(CF_CASE_OK, CF_TAG_IP_ADDRESS, "0123456789abcdef", 16,
                "16-byte IP");
  expect_status(CF_CASE_BAD_VALUE, CF_TAG_TIME, "1234567", 7, "7-byte TIME");
  expect_status(CF_CASE_BAD_VALUE, CF_TAG_CLOCK_UNSET, "x", 1,
                "non-empty CLOCK_UNSET");
  expect_status(CF_CASE_BAD_VALUE, CF_TAG_PURPOSE, "\x03", 1,
                "unknown PURPOSE");
  expect_status(CF_CASE_BAD_VALUE, CF_TAG_PURPOSE, "\x00\x01", 2,
                "2-byte PURPOSE");
  expect_status(CF_CASE_BAD_VALUE, CF_TAG_MAX_DEPTH, "", 0, "empty MAX_DEPTH");
  expect_status(CF_CASE_BAD_VALUE, CF_TAG_FLAGS, "\x00\x00\x00\x20", 4,
                "unknown FLAGS bit");
  expect_status(CF_CASE_BAD_VALUE, CF_TAG_LABEL, long_label,
                sizeof(long_label), "256-byte LABEL");
  expect_status(CF_CASE_UNKNOWN_TAG, 0x00, "", 0, "tag 0x00");
  expect_status(CF_CASE_UNKNOWN_TAG, 0x0c, "", 0, "tag 0x0c");
  expect_status(CF_CASE_UNKNOWN_TAG, 0xff, "", 0, "tag 0xff");
  expect_status(CF_CASE_DUPLICATE, CF_TAG_LEAF, kFakeCert, sizeof(kFakeCert),
                "second LEAF");
  expect_status(CF_CASE_OK, CF_TAG_CLOCK_UNSET, NULL, 0,
                "CLOCK_UNSET without a TIME record is fine");
}

static void test_structure_errors(void) {
  struct cf_case c;
  struct buf b;
  size_t off = 0;

  header(&b, 1);
  record(&b, CF_TAG_LEAF, kFakeCert, sizeof(kFakeCert));
  size_t good_len = b.len;
  put(&b, "\x03\x00", 2);
  tap_ok(cf_case_parse(&c, &off, b.data, b.len) == CF_CASE_TRUNCATED &&
             off == good_len,
         "truncated record header: TRUNCATED at the record's offset (%zu)",
         off);
  b.len = good_len;
  put(&b, "\x03\x00\x00\x09" "abc", 7);
  tap_ok(cf_case_parse(&c, &off, b.data, b.len) == CF_CASE_TRUNCATED &&
             off == good_len,
         "value past the end: TRUNCATED");
  b.len = good_len;
  record(&b, CF_TAG_TIME, "\0\0\0\0\0\0\0\1", 8);
  record(&b, CF_TAG_TIME, "\0\0\0\0\0\0\0\2", 8);
  tap_ok(cf_case_parse(&c, &off, b.data, b.len) == CF_CASE_DUPLICATE &&
             off == good_len + 12,
         "second TIME: DUPLICATE at its offset");

  header(&b, 1);
  record(&b, CF_TAG_LEAF, kFakeCert, sizeof(kFakeCert));
  for (int i = 0; i < CF_MAX_ANCHORS; i++) {
    record(&b, CF_TAG_TRUST_ANCHOR, "A", 1);
  }
  tap_ok(parse(&c, &b) == CF_CASE_OK, "CF_MAX_ANCHORS anchors accepted");
  record(&b, CF_TAG_TRUST_ANCHOR, "A", 1);
  tap_ok(parse(&c, &b) == CF_CASE_TOO_MANY, "one anchor more: TOO_MANY");

  header(&b, 1);
  record(&b, CF_TAG_LEAF, kFakeCert, sizeof(kFakeCert));
  for (int i = 0; i <= CF_MAX_INTERMEDIATES; i++) {
    record(&b, CF_TAG_INTERMEDIATE, "I", 1);
  }
  tap_ok(parse(&c, &b) == CF_CASE_TOO_MANY, "too many intermediates");

  header(&b, 1);
  record(&b, CF_TAG_LEAF, kFakeCert, sizeof(kFakeCert));
  record(&b, CF_TAG_TIME, "\0\0\0\0\0\0\0\1", 8);
  record(&b, CF_TAG_CLOCK_UNSET, NULL, 0);
  tap_ok(parse(&c, &b) == CF_CASE_CONFLICT, "TIME with CLOCK_UNSET: CONFLICT");

  header(&b, 1);
  record(&b, CF_TAG_LEAF, kFakeCert, sizeof(kFakeCert));
  record(&b, CF_TAG_DNS_NAME, "a.example", 9);
  record(&b, CF_TAG_IP_ADDRESS, "\1\2\3\4", 4);
  tap_ok(parse(&c, &b) == CF_CASE_CONFLICT, "DNS_NAME with IP: CONFLICT");
}

static void test_names(void) {
  int named = 1;
  for (int tag = 1; tag <= CF_TAG_LABEL; tag++) {
    named &= cf_case_tag_name((uint8_t)tag) != NULL;
  }
  tap_ok(named, "every tag 0x01..0x0b has a name");
  tap_ok(cf_case_tag_name(0) == NULL && cf_case_tag_name(CF_TAG_LABEL + 1) == NULL,
         "tags outside the list have none");
  int distinct = 1;
  for (int s = CF_CASE_OK; s <= CF_CASE_CONFLICT; s++) {
    distinct &= strcmp(cf_case_status_string((enum cf_case_status)s),
                       "unknown status") != 0;
  }
  tap_ok(distinct, "every status has a description");
}

/* xorshift is a deterministic PRNG for the property tests. */
static uint32_t rng_state = 0x9e3779b9u;
static uint32_t xorshift(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static int profiles_equal(const struct cf_profile *a, const struct cf_profile *b) {
  return a->clock == b->clock &&
         (a->clock == CF_CLOCK_UNSET || a->time == b->time) &&
         a->name_type == b->name_type &&
         (a->name_type != CF_NAME_DNS ||
          (a->dns_name_len == b->dns_name_len &&
           memcmp(a->dns_name, b->dns_name, a->dns_name_len) == 0)) &&
         (a->name_type != CF_NAME_IP ||
          (a->ip_len == b->ip_len && memcmp(a->ip, b->ip, a->ip_len) == 0)) &&
         a->purpose == b->purpose && a->max_depth == b->max_depth &&
         a->flags == b->flags;
}

static int blobs_equal(const struct cf_blob *a, const struct cf_blob *b) {
  return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static void test_round_trip(void) {
  static uint8_t pool[4096];
  int ok_all = 1, canonical_all = 1;
  for (size_t i = 0; i < sizeof(pool); i++) {
    pool[i] = (uint8_t)xorshift();
  }
  for (int iter = 0; iter < 2000; iter++) {
    struct cf_case c, back;
    memset(&c, 0, sizeof(c));
    cf_profile_init(&c.profile);
    c.num_anchors = xorshift() % (CF_MAX_ANCHORS + 1);
    c.num_intermediates = xorshift() % (CF_MAX_INTERMEDIATES + 1);
    for (size_t i = 0; i < c.num_anchors; i++) {
      c.anchors[i].data = pool + xorshift() % 2048;
      c.anchors[i].len = xorshift() % 2048;
    }
    for (size_t i = 0; i < c.num_intermediates; i++) {
      c.intermediates[i].data = pool + xorshift() % 2048;
      c.intermediates[i].len = xorshift() % 2048;
    }
    c.leaf.data = pool + xorshift() % 2048;
    c.leaf.len = xorshift() % 2048;
    switch (xorshift() % 3) {
      case 1: {
        char name[64];
        size_t n = 1 + xorshift() % 60;
        for (size_t i = 0; i < n; i++) {
          name[i] = (char)('a' + xorshift() % 26);
        }
        cf_profile_set_dns_name(&c.profile, name, n);
        break;
      }
      case 2:
        cf_profile_set_ip(&c.profile, pool + xorshift() % 64,
                          xorshift() % 2 ? 4 : 16);
        break;
    }
    if (xorshift() % 4 == 0) {
      c.profile.clock = CF_CLOCK_UNSET;
    } else if (xorshift() % 2) {
      c.profile.time = (int64_t)(((uint64_t)xorshift() << 32) | xorshift());
    }
    c.profile.purpose = (enum cf_purpose)(xorshift() % (CF_PURPOSE_MAX + 1));
    c.profile.max_depth = (uint8_t)xorshift();
    c.profile.flags = xorshift() & CF_PROFILE_FLAGS_ALL;
    if (xorshift() % 2) {
      c.label.data = pool;
      c.label.len = xorshift() % (CF_MAX_LABEL_LEN + 1);
    }

    uint8_t *enc = NULL, *enc2 = NULL;
    size_t enc_len = 0, enc2_len = 0;
    int ok = cf_case_serialize(&enc, &enc_len, &c) &&
             cf_case_parse(&back, NULL, enc, enc_len) == CF_CASE_OK &&
             back.num_anchors == c.num_anchors &&
             back.num_intermediates == c.num_intermediates &&
             blobs_equal(&back.leaf, &c.leaf) && blobs_equal(&back.label, &c.label) &&
             profiles_equal(&back.profile, &c.profile);
    for (size_t i = 0; ok && i < c.num_anchors; i++) {
      ok = blobs_equal(&back.anchors[i], &c.anchors[i]);
    }
    for (size_t i = 0; ok && i < c.num_intermediates; i++) {
      ok = blobs_equal(&back.intermediates[i], &c.intermediates[i]);
    }
    /* The encoding is canonical: re-encoding the parsed case is identical. */
    int canonical = ok && cf_case_serialize(&enc2, &enc2_len, &back) &&
                    enc2_len == enc_len && memcmp(enc, enc2, enc_len) == 0;
    ok_all &= ok;
    canonical_all &= canonical;
    free(enc);
    free(enc2);
  }
  tap_ok(ok_all, "2000 random cases survive serialize -> parse");
  tap_ok(canonical_all, "serialize(parse(serialize(c))) == serialize(c)");

  struct cf_case bad;
  uint8_t *out = NULL;
  size_t out_len = 0;
  memset(&bad, 0, sizeof(bad));
  cf_profile_init(&bad.profile);
  tap_ok(!cf_case_serialize(&out, &out_len, &bad), "no leaf: not serialized");
  bad.leaf.data = kFakeCert;
  bad.leaf.len = sizeof(kFakeCert);
  bad.profile.flags = 0x80000000u;
  tap_ok(!cf_case_serialize(&out, &out_len, &bad),
         "unknown flag bit: not serialized");
}

static void test_garbage(void) {
  /* Random records after a valid header: the decoder never reads out of
   * bounds (ASan) and whatever it accepts re-encodes to something it
   * accepts again with the same content. */
  static uint8_t in[128];
  int stable = 1, accepted = 0;
  for (int iter = 0; iter < 20000; iter++) {
    /* Structured garbage: a leaf, then up to 6 records with random tags,
     * lengths and bytes, then sometimes one corrupted or truncated byte. */
    size_t n = 0;
    memcpy(in, "CFZC\x01\x02\x00\x00\x01L", 10);
    n = 10;
    int records = (int)(xorshift() % 7);
    for (int r = 0; r < records; r++) {
      size_t len = xorshift() % 3 == 0 ? 8 : xorshift() % 10;
      if (n + 4 + len > sizeof(in)) {
        break;
      }
      in[n++] = (uint8_t)(xorshift() % 13);
      in[n++] = 0;
      in[n++] = 0;
      in[n++] = (uint8_t)len;
      for (size_t i = 0; i < len; i++) {
        in[n++] = (uint8_t)(xorshift() % 4 == 0 ? 'a' : xorshift() % 3);
      }
    }
    if (xorshift() % 4 == 0) {
      in[5 + xorshift() % (n - 5)] ^= (uint8_t)(1u << (xorshift() % 8));
    }
    if (xorshift() % 4 == 0) {
      n -= xorshift() % (n - 4);
    }
    uint8_t *dyn = malloc(n);
    memcpy(dyn, in, n);
    struct cf_case c, back;
    if (cf_case_parse(&c, NULL, dyn, n) == CF_CASE_OK) {
      uint8_t *enc = NULL;
      size_t enc_len = 0;
      accepted++;
      stable &= cf_case_serialize(&enc, &enc_len, &c) &&
                cf_case_parse(&back, NULL, enc, enc_len) == CF_CASE_OK &&
                profiles_equal(&c.profile, &back.profile) &&
                blobs_equal(&c.leaf, &back.leaf);
      free(enc);
    }
    free(dyn);
  }
  tap_ok(stable && accepted > 1000,
         "random inputs: accepted ones re-encode stably (%d of 20000 accepted)",
         accepted);
}

int main(void) {
  test_header();
  test_defaults_and_fields();
  test_bad_values();
  test_structure_errors();
  test_names();
  test_round_trip();
  test_garbage();
  return tap_done();
}
