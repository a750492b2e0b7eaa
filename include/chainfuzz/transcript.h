/* transcript.h — the input of every handshake target (handshake_client_*):
 * what the device is configured with, plus the bytes the server sends. This
 * header is the only place that defines its tag numbers.
 *
 * Wire format, version 1 (all integers big-endian), built like the case
 * format (case.h) it embeds:
 *
 *   transcript = magic "CFZT" (4 bytes) || version (u8, = 1) || record*
 *   record     = tag (u8) || length (u24) || value (length bytes)
 *
 * Records:
 *   DEVICE (exactly one): a chainfuzz case (case.h). Its trust anchors and
 *     profile (clock, expected DNS name or IP, purpose, depth, flags) are the
 *     device client's configuration; its LEAF and INTERMEDIATE records are the
 *     chain the recorder's server was given (documentation for a reader and
 *     seeds for chain targets: the oracle judges only what the server
 *     actually presented in the handshake).
 *   CLIENT_OPTIONS (at most one): u32, CF_HS_OPT_* bits; unknown bits are an
 *     error.
 *   SERVER_DATA (0..CF_HS_MAX_SERVER_DATA per connection): bytes the server
 *     sends on the current connection, in order. The recorder writes one
 *     record per TLS record; a reader concatenates them. The client gets them
 *     all as its input stream; when they run out, its next read fails (the
 *     server closed the connection).
 *   NEXT_CONNECTION (at most one, empty): the SERVER_DATA records after it
 *     belong to a second connection, on which the client offers the session
 *     the first one established (resumption).
 *
 * An unknown tag is an error. Within version 1, tags are only ever added;
 * a change to the meaning of a record needs a new version. */
#ifndef CHAINFUZZ_TRANSCRIPT_H
#define CHAINFUZZ_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "chainfuzz/case.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CF_TRANSCRIPT_MAGIC "CFZT"
#define CF_TRANSCRIPT_MAGIC_LEN 4
#define CF_TRANSCRIPT_VERSION 1
#define CF_TRANSCRIPT_HEADER_LEN (CF_TRANSCRIPT_MAGIC_LEN + 1)

/* cf_transcript_tag is the record type. Never renumber; never reuse. */
enum cf_transcript_tag {
  CF_TT_DEVICE = 0x01,
  CF_TT_CLIENT_OPTIONS = 0x02,
  CF_TT_SERVER_DATA = 0x03,
  CF_TT_NEXT_CONNECTION = 0x04,
};

/* Client options (CF_TT_CLIENT_OPTIONS). Only ever add bits. Without any,
 * the device client offers TLS 1.2 and TLS 1.3. */
/* CF_HS_OPT_MAX_TLS12: the client offers TLS 1.2 only. */
#define CF_HS_OPT_MAX_TLS12 0x00000001u
/* CF_HS_OPT_MIN_TLS13: the client offers TLS 1.3 only. */
#define CF_HS_OPT_MIN_TLS13 0x00000002u
#define CF_HS_OPTS_ALL 0x00000003u

/* CF_HS_MAX_CONNECTIONS: a transcript drives one connection, or two when
 * it resumes. */
#define CF_HS_MAX_CONNECTIONS 2
/* CF_HS_MAX_SERVER_DATA: SERVER_DATA records per connection. */
#define CF_HS_MAX_SERVER_DATA 64

/* cf_transcript_status is the result of cf_transcript_parse. */
enum cf_transcript_status {
  CF_TRANSCRIPT_OK = 0,
  CF_TRANSCRIPT_BAD_MAGIC,   /* does not start with "CFZT" */
  CF_TRANSCRIPT_BAD_VERSION, /* a version this reader does not know */
  CF_TRANSCRIPT_TRUNCATED,   /* a record runs past the end */
  CF_TRANSCRIPT_UNKNOWN_TAG, /* a tag not in enum cf_transcript_tag */
  CF_TRANSCRIPT_BAD_VALUE,   /* wrong length or value (unknown option bit) */
  CF_TRANSCRIPT_DUPLICATE,   /* a single-valued record appears twice */
  CF_TRANSCRIPT_TOO_MANY,    /* more SERVER_DATA records than the limit */
  CF_TRANSCRIPT_NO_DEVICE,   /* no DEVICE record */
  CF_TRANSCRIPT_BAD_DEVICE,  /* the DEVICE record is not a valid case */
};

/* cf_transcript is a parsed transcript. Nothing is copied: every pointer
 * is into the buffer given to cf_transcript_parse, which must outlive it. */
struct cf_transcript {
  struct cf_case device;
  uint32_t options; /* CF_HS_OPT_* */
  size_t num_connections; /* 1 or 2 */
  struct cf_blob server_data[CF_HS_MAX_CONNECTIONS][CF_HS_MAX_SERVER_DATA];
  size_t num_server_data[CF_HS_MAX_CONNECTIONS];
  size_t server_bytes[CF_HS_MAX_CONNECTIONS]; /* sum of the lengths */
};

/* cf_transcript_parse decodes |in_len| bytes at |in| into |out|. On
 * anything but CF_TRANSCRIPT_OK, |*out| is unspecified and, if
 * |out_offset| is not NULL, |*out_offset| is where decoding stopped. */
enum cf_transcript_status cf_transcript_parse(struct cf_transcript *out,
                                              size_t *out_offset,
                                              const uint8_t *in, size_t in_len);

/* cf_transcript_status_string returns a short, static description. */
const char *cf_transcript_status_string(enum cf_transcript_status status);

/* cf_transcript_server_stream concatenates the SERVER_DATA of connection
 * |conn| into a newly allocated buffer (free with free(); NULL with
 * |*out_len| 0 when there is none). Returns 1, or 0 on allocation failure
 * or a bad |conn|. */
int cf_transcript_server_stream(uint8_t **out, size_t *out_len,
                                const struct cf_transcript *t, size_t conn);

/* cf_transcript_writer builds a transcript (the recorder's side). */
struct cf_transcript_writer {
  uint8_t *buf;
  size_t len, cap;
  int failed; /* an allocation failed: cf_transcript_finish returns 0 */
};

/* cf_transcript_begin starts a transcript with its DEVICE record (a case,
 * serialized with cf_case_serialize) and, if |options| is not 0, its
 * CLIENT_OPTIONS record. Returns 1 or 0 on allocation failure. */
int cf_transcript_begin(struct cf_transcript_writer *w, const uint8_t *device,
                        size_t device_len, uint32_t options);
/* cf_transcript_add_server_data appends one SERVER_DATA record. */
void cf_transcript_add_server_data(struct cf_transcript_writer *w,
                                   const uint8_t *data, size_t data_len);
/* cf_transcript_next_connection appends the NEXT_CONNECTION record. */
void cf_transcript_next_connection(struct cf_transcript_writer *w);
/* cf_transcript_finish hands over the encoding (free with free()) and
 * checks it parses back. Returns 1, or 0 (and frees it) if anything failed
 * or the result would not parse (too many records, ...). */
int cf_transcript_finish(uint8_t **out, size_t *out_len,
                         struct cf_transcript_writer *w);
/* cf_transcript_writer_cleanup frees an unfinished writer. */
void cf_transcript_writer_cleanup(struct cf_transcript_writer *w);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_TRANSCRIPT_H */
