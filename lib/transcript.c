/* transcript.c — decoder and writer of the transcript format
 * (include/chainfuzz/transcript.h), on BoringSSL's CBS/CBB. The decoder is
 * on every handshake target's per-input path: it copies nothing. */
#include "chainfuzz/transcript.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bytestring.h>

const char *cf_transcript_status_string(enum cf_transcript_status status) {
  switch (status) {
    case CF_TRANSCRIPT_OK:
      return "ok";
    case CF_TRANSCRIPT_BAD_MAGIC:
      return "bad magic (not a chainfuzz transcript)";
    case CF_TRANSCRIPT_BAD_VERSION:
      return "unsupported transcript version";
    case CF_TRANSCRIPT_TRUNCATED:
      return "truncated record";
    case CF_TRANSCRIPT_UNKNOWN_TAG:
      return "unknown record tag";
    case CF_TRANSCRIPT_BAD_VALUE:
      return "bad record value";
    case CF_TRANSCRIPT_DUPLICATE:
      return "duplicate single-valued record";
    case CF_TRANSCRIPT_TOO_MANY:
      return "too many SERVER_DATA records";
    case CF_TRANSCRIPT_NO_DEVICE:
      return "no DEVICE record";
    case CF_TRANSCRIPT_BAD_DEVICE:
      return "DEVICE record is not a valid case";
  }
  return "unknown status";
}

/* apply_record stores one record. |seen| is a bit set of the single-valued
 * tags already stored. */
static enum cf_transcript_status apply_record(struct cf_transcript *out,
                                              uint32_t *seen, uint8_t tag,
                                              CBS *value) {
  size_t conn = out->num_connections - 1;
  uint32_t u32;

  switch (tag) {
    case CF_TT_SERVER_DATA:
      if (out->num_server_data[conn] == CF_HS_MAX_SERVER_DATA) {
        return CF_TRANSCRIPT_TOO_MANY;
      }
      out->server_data[conn][out->num_server_data[conn]].data = CBS_data(value);
      out->server_data[conn][out->num_server_data[conn]].len = CBS_len(value);
      out->num_server_data[conn]++;
      out->server_bytes[conn] += CBS_len(value);
      return CF_TRANSCRIPT_OK;
    case CF_TT_DEVICE:
    case CF_TT_CLIENT_OPTIONS:
    case CF_TT_NEXT_CONNECTION:
      break;
    default:
      return CF_TRANSCRIPT_UNKNOWN_TAG;
  }
  if (*seen & (1u << tag)) {
    return CF_TRANSCRIPT_DUPLICATE;
  }
  *seen |= 1u << tag;
  switch (tag) {
    case CF_TT_DEVICE:
      return cf_case_parse(&out->device, NULL, CBS_data(value),
                           CBS_len(value)) == CF_CASE_OK
                 ? CF_TRANSCRIPT_OK
                 : CF_TRANSCRIPT_BAD_DEVICE;
    case CF_TT_CLIENT_OPTIONS:
      if (CBS_len(value) != 4 || !CBS_get_u32(value, &u32) ||
          (u32 & ~CF_HS_OPTS_ALL) != 0 ||
          (u32 & (CF_HS_OPT_MAX_TLS12 | CF_HS_OPT_MIN_TLS13)) ==
              (CF_HS_OPT_MAX_TLS12 | CF_HS_OPT_MIN_TLS13)) {
        return CF_TRANSCRIPT_BAD_VALUE;
      }
      out->options = u32;
      return CF_TRANSCRIPT_OK;
    case CF_TT_NEXT_CONNECTION:
      if (CBS_len(value) != 0) {
        return CF_TRANSCRIPT_BAD_VALUE;
      }
      out->num_connections = 2;
      return CF_TRANSCRIPT_OK;
  }
  return CF_TRANSCRIPT_UNKNOWN_TAG;
}

enum cf_transcript_status cf_transcript_parse(struct cf_transcript *out,
                                              size_t *out_offset,
                                              const uint8_t *in,
                                              size_t in_len) {
  CBS cbs, magic;
  uint8_t version;
  uint32_t seen = 0;
  enum cf_transcript_status status = CF_TRANSCRIPT_OK;

  /* Not a memset of the whole struct: server_data is 2 KiB and this runs
   * once per input. Only the counters need zeroing. */
  out->options = 0;
  out->num_connections = 1;
  memset(out->num_server_data, 0, sizeof(out->num_server_data));
  memset(out->server_bytes, 0, sizeof(out->server_bytes));
  CBS_init(&cbs, in, in_len);

  if (!CBS_get_bytes(&cbs, &magic, CF_TRANSCRIPT_MAGIC_LEN) ||
      memcmp(CBS_data(&magic), CF_TRANSCRIPT_MAGIC,
             CF_TRANSCRIPT_MAGIC_LEN) != 0) {
    status = CF_TRANSCRIPT_BAD_MAGIC;
    goto done;
  }
  if (!CBS_get_u8(&cbs, &version)) {
    status = CF_TRANSCRIPT_TRUNCATED;
    goto done;
  }
  if (version != CF_TRANSCRIPT_VERSION) {
    status = CF_TRANSCRIPT_BAD_VERSION;
    goto done;
  }
  while (CBS_len(&cbs) > 0) {
    uint8_t tag;
    CBS value;
    size_t record_offset = in_len - CBS_len(&cbs);
    if (!CBS_get_u8(&cbs, &tag) ||
        !CBS_get_u24_length_prefixed(&cbs, &value)) {
      status = CF_TRANSCRIPT_TRUNCATED;
    } else {
      status = apply_record(out, &seen, tag, &value);
    }
    if (status != CF_TRANSCRIPT_OK) {
      CBS_init(&cbs, in + record_offset, in_len - record_offset);
      goto done;
    }
  }
  if (!(seen & (1u << CF_TT_DEVICE))) {
    status = CF_TRANSCRIPT_NO_DEVICE;
  }

done:
  if (out_offset != NULL) {
    *out_offset = in_len - CBS_len(&cbs);
  }
  return status;
}

int cf_transcript_server_stream(uint8_t **out, size_t *out_len,
                                const struct cf_transcript *t, size_t conn) {
  size_t i, n = 0;

  *out = NULL;
  *out_len = 0;
  if (conn >= t->num_connections) {
    return 0;
  }
  if (t->server_bytes[conn] == 0) {
    return 1;
  }
  *out = malloc(t->server_bytes[conn]);
  if (*out == NULL) {
    return 0;
  }
  for (i = 0; i < t->num_server_data[conn]; i++) {
    memcpy(*out + n, t->server_data[conn][i].data,
           t->server_data[conn][i].len);
    n += t->server_data[conn][i].len;
  }
  *out_len = n;
  return 1;
}

/* --- writer ------------------------------------------------------------ */

/* put appends |len| bytes, growing the buffer. */
static void put(struct cf_transcript_writer *w, const uint8_t *data,
                size_t len) {
  if (w->failed) {
    return;
  }
  if (w->cap - w->len < len) {
    size_t cap = w->cap == 0 ? 4096 : w->cap;
    while (cap - w->len < len) {
      cap *= 2;
    }
    uint8_t *buf = realloc(w->buf, cap);
    if (buf == NULL) {
      w->failed = 1;
      return;
    }
    w->buf = buf;
    w->cap = cap;
  }
  if (len > 0) {
    memcpy(w->buf + w->len, data, len);
  }
  w->len += len;
}

/* put_record appends tag || u24 length || |data|. */
static void put_record(struct cf_transcript_writer *w, uint8_t tag,
                       const uint8_t *data, size_t len) {
  uint8_t hdr[4] = {tag, (uint8_t)(len >> 16), (uint8_t)(len >> 8),
                    (uint8_t)len};
  if (len > 0xffffff) {
    w->failed = 1;
    return;
  }
  put(w, hdr, sizeof(hdr));
  put(w, data, len);
}

int cf_transcript_begin(struct cf_transcript_writer *w, const uint8_t *device,
                        size_t device_len, uint32_t options) {
  uint8_t version = CF_TRANSCRIPT_VERSION;
  memset(w, 0, sizeof(*w));
  put(w, (const uint8_t *)CF_TRANSCRIPT_MAGIC, CF_TRANSCRIPT_MAGIC_LEN);
  put(w, &version, 1);
  put_record(w, CF_TT_DEVICE, device, device_len);
  if (options != 0) {
    uint8_t o[4] = {(uint8_t)(options >> 24), (uint8_t)(options >> 16),
                    (uint8_t)(options >> 8), (uint8_t)options};
    put_record(w, CF_TT_CLIENT_OPTIONS, o, sizeof(o));
  }
  return !w->failed;
}

void cf_transcript_add_server_data(struct cf_transcript_writer *w,
                                   const uint8_t *data, size_t data_len) {
  put_record(w, CF_TT_SERVER_DATA, data, data_len);
}

void cf_transcript_next_connection(struct cf_transcript_writer *w) {
  put_record(w, CF_TT_NEXT_CONNECTION, NULL, 0);
}

int cf_transcript_finish(uint8_t **out, size_t *out_len,
                         struct cf_transcript_writer *w) {
  struct cf_transcript *check = NULL;
  int ok = 0;

  *out = NULL;
  *out_len = 0;
  if (!w->failed && (check = malloc(sizeof(*check))) != NULL &&
      cf_transcript_parse(check, NULL, w->buf, w->len) == CF_TRANSCRIPT_OK) {
    *out = w->buf;
    *out_len = w->len;
    w->buf = NULL;
    ok = 1;
  }
  free(check);
  cf_transcript_writer_cleanup(w);
  return ok;
}

void cf_transcript_writer_cleanup(struct cf_transcript_writer *w) {
  free(w->buf);
  memset(w, 0, sizeof(*w));
}
