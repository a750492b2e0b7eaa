/* case.h — the chainfuzz *case*: one chain to validate plus the device
 * profile it is validated under. It is the input of every chain target, the
 * unit certgen writes and the thing triage stores. This header is the only
 * place that defines its tag numbers.
 *
 * Wire format, version 1 (all integers big-endian):
 *
 *   case    = magic "CFZC" (4 bytes) || version (u8, = 1) || record*
 *   record  = tag (u8) || length (u24) || value (length bytes)
 *
 * Records may come in any order, except that CF_TAG_INTERMEDIATE records keep
 * their relative order: it is the order in which the server sends them, after
 * the leaf. Single-valued records (every tag except TRUST_ANCHOR and
 * INTERMEDIATE) may appear at most once. An unknown tag is an error: a reader
 * of version 1 cannot know whether an unknown record changes the verdict.
 * Within version 1, tags are only ever added; a tag that is retired keeps its
 * number here with a comment and is never reused. A change to the meaning of
 * an existing record needs a new version. */
#ifndef CHAINFUZZ_CASE_H
#define CHAINFUZZ_CASE_H

#include <stddef.h>
#include <stdint.h>

#include "chainfuzz/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CF_CASE_MAGIC "CFZC"
#define CF_CASE_MAGIC_LEN 4
#define CF_CASE_VERSION 1
#define CF_CASE_HEADER_LEN (CF_CASE_MAGIC_LEN + 1)

/* cf_case_tag is the record type. Never renumber; never reuse a number. */
enum cf_case_tag {
  /* A DER certificate the device trusts (its CA bundle). 0..CF_MAX_ANCHORS. */
  CF_TAG_TRUST_ANCHOR = 0x01,
  /* The DER end-entity certificate the server presents. Exactly one. */
  CF_TAG_LEAF = 0x02,
  /* A DER certificate the server presents after its leaf, in sending order.
   * 0..CF_MAX_INTERMEDIATES. */
  CF_TAG_INTERMEDIATE = 0x03,
  /* The DNS name the device expects (what it connected to), 1..253 bytes, no
   * NUL. Mutually exclusive with CF_TAG_IP_ADDRESS. */
  CF_TAG_DNS_NAME = 0x04,
  /* The IP address the device expects: 4 (IPv4) or 16 (IPv6) bytes. */
  CF_TAG_IP_ADDRESS = 0x05,
  /* The device's clock: signed seconds since the Unix epoch (i64). Mutually
   * exclusive with CF_TAG_CLOCK_UNSET. */
  CF_TAG_TIME = 0x06,
  /* Empty value: the device's clock was never set (it reads the epoch plus
   * its uptime); see CF_CLOCK_UNSET_TIME. */
  CF_TAG_CLOCK_UNSET = 0x07,
  /* The purpose the chain is checked for (u8, enum cf_purpose). */
  CF_TAG_PURPOSE = 0x08,
  /* Maximum number of intermediates allowed between leaf and anchor (u8). */
  CF_TAG_MAX_DEPTH = 0x09,
  /* Policy flags (u32, CF_PROFILE_FLAG_*); unknown bits are an error. */
  CF_TAG_FLAGS = 0x0a,
  /* Free text naming where the case came from (a scenario id such as
   * "iot::expired-leaf"); 0..255 bytes; never changes the verdict. */
  CF_TAG_LABEL = 0x0b,
};

#define CF_MAX_ANCHORS 16
#define CF_MAX_INTERMEDIATES 16
/* CF_MAX_RECORD_LEN is the largest value a u24 length can carry. */
#define CF_MAX_RECORD_LEN 0xffffffu
#define CF_MAX_LABEL_LEN 255

/* cf_case_status is the result of cf_case_parse. */
enum cf_case_status {
  CF_CASE_OK = 0,
  CF_CASE_BAD_MAGIC,       /* does not start with "CFZC" */
  CF_CASE_BAD_VERSION,     /* a version this reader does not know */
  CF_CASE_TRUNCATED,       /* a record header or value runs past the end */
  CF_CASE_UNKNOWN_TAG,     /* a tag not listed in enum cf_case_tag */
  CF_CASE_BAD_VALUE,       /* wrong length or out-of-range value for its tag */
  CF_CASE_DUPLICATE,       /* a single-valued record appears twice */
  CF_CASE_TOO_MANY,        /* more anchors or intermediates than the limits */
  CF_CASE_NO_LEAF,         /* no CF_TAG_LEAF record */
  CF_CASE_CONFLICT,        /* TIME with CLOCK_UNSET, or DNS_NAME with IP */
};

/* cf_blob is a byte range inside the buffer the case was parsed from. */
struct cf_blob {
  const uint8_t *data;
  size_t len;
};

/* cf_case is a parsed case. Certificates are not copied: they point into the
 * buffer given to cf_case_parse, which must outlive the cf_case. */
struct cf_case {
  struct cf_blob anchors[CF_MAX_ANCHORS];
  size_t num_anchors;
  struct cf_blob leaf;
  struct cf_blob intermediates[CF_MAX_INTERMEDIATES];
  size_t num_intermediates;
  struct cf_blob label; /* empty when absent */
  struct cf_profile profile;
};

/* cf_case_parse decodes |in_len| bytes at |in| into |out|. Fields of the
 * profile that the case does not set get their defaults (cf_profile_init).
 * On anything but CF_CASE_OK, |*out| is unspecified and, if |out_offset| is
 * not NULL, |*out_offset| is the byte offset where decoding stopped. */
enum cf_case_status cf_case_parse(struct cf_case *out, size_t *out_offset,
                                  const uint8_t *in, size_t in_len);

/* cf_case_status_string returns a short, static description of |status|. */
const char *cf_case_status_string(enum cf_case_status status);

/* cf_case_tag_name returns the name of |tag| ("LEAF", ...) or NULL if it is
 * not a tag of this version. */
const char *cf_case_tag_name(uint8_t tag);

/* cf_case_serialize encodes |c| (certificates, label and every profile field
 * that differs from its default, in a canonical order: anchors, leaf,
 * intermediates, then profile records in tag order, then label) into a newly
 * allocated buffer. It returns 1 and sets |*out| (free with free()) and
 * |*out_len| on success, 0 on allocation failure or if |c| could not be
 * parsed back (a name with a NUL, too many certificates, ...). */
int cf_case_serialize(uint8_t **out, size_t *out_len, const struct cf_case *c);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CASE_H */
