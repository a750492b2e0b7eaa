/* verdict.h — what a validator decided, and why, in one taxonomy shared by
 * every validator, oracle and report. */
#ifndef CHAINFUZZ_VERDICT_H
#define CHAINFUZZ_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cf_blob;
struct cf_case;

/* cf_decision is the outcome of validating one case. */
enum cf_decision {
  CF_ACCEPT = 0,
  CF_REJECT = 1,
  CF_ERROR = 2, /* the validator could not decide (allocation, bad case) */
};

/* cf_reason says why a chain was rejected. Append only; never renumber: the
 * names (cf_reason_name) are what reports and allow-lists store. */
enum cf_reason {
  CF_REASON_NONE = 0, /* accepted */
  CF_REASON_PARSE,
  CF_REASON_SIGNATURE,
  CF_REASON_UNTRUSTED,
  CF_REASON_EXPIRED,
  CF_REASON_NOT_YET_VALID,
  CF_REASON_NOT_CA,
  CF_REASON_PATH_LENGTH,
  CF_REASON_NAME_MISMATCH,
  CF_REASON_NAME_CONSTRAINTS,
  CF_REASON_KEY_USAGE,
  CF_REASON_EKU,
  CF_REASON_CRITICAL_EXTENSION,
  CF_REASON_WEAK_ALGORITHM,
  CF_REASON_WEAK_KEY,
  CF_REASON_POLICY,
  CF_REASON_RESOURCE_LIMIT,
  CF_REASON_INTERNAL,
  CF_REASON_OTHER,
};
#define CF_REASON_COUNT (CF_REASON_OTHER + 1)

/* cf_cert_role says where in a case a certificate of a path came from. */
enum cf_cert_role {
  CF_ROLE_LEAF = 0,
  CF_ROLE_INTERMEDIATE = 1,
  CF_ROLE_ANCHOR = 2,
};

/* cf_path_entry names one certificate of the case: its role and, for
 * intermediates and anchors, its index in the case's array. */
struct cf_path_entry {
  uint8_t role;  /* enum cf_cert_role */
  uint8_t index; /* 0 for the leaf */
};

/* CF_MAX_PATH: leaf + every intermediate + one anchor. */
#define CF_MAX_PATH (1 + 16 + 1)

/* cf_verdict is a validator's answer with the library's own words. When it
 * accepts, an adapter also reports the path the library built, leaf first,
 * as certificates of the case (cf_verdict_add_path): the signed-bytes oracle
 * checks every non-anchor certificate of it. |path_len| is 0 when the
 * verdict is not ACCEPT or the library does not say which path it used;
 * an adapter that cannot tell the exact path reports every certificate the
 * library relied on, in the order it used them. */
struct cf_verdict {
  enum cf_decision decision;
  enum cf_reason reason;
  long native_code;        /* the library's error code, 0 when accepted */
  const char *native_text; /* static string from the library, or "" */
  size_t path_len;
  struct cf_path_entry path[CF_MAX_PATH];
};

/* cf_decision_name returns "ACCEPT", "REJECT" or "ERROR". */
const char *cf_decision_name(enum cf_decision d);

/* cf_reason_name returns the taxonomy name ("EXPIRED", ...) of |r|. */
const char *cf_reason_name(enum cf_reason r);

/* cf_verdict_set fills |out| (every validator adapter reports this way). */
void cf_verdict_set(struct cf_verdict *out, enum cf_decision decision,
                    enum cf_reason reason, long native_code,
                    const char *native_text);

/* cf_verdict_add_entry appends certificate |index| of |role| to
 * |out->path|: for adapters that know which case certificate the library
 * used (by object identity). It returns 1, or 0 if the path is full. */
int cf_verdict_add_entry(struct cf_verdict *out, enum cf_cert_role role,
                         size_t index);

/* cf_verdict_add_path appends the certificate |der| (|der_len| bytes, as the
 * library kept it) to |out->path|, naming it by where it sits in |c|: the
 * first byte-identical certificate (leaf, then intermediates, then anchors),
 * else the first one that |der| is a proper prefix of (a library that keeps
 * only the parsed bytes of a certificate with trailing data). It returns 1,
 * or 0 if |der| is no certificate of |c| or the path is full. */
int cf_verdict_add_path(struct cf_verdict *out, const struct cf_case *c,
                        const uint8_t *der, size_t der_len);

/* cf_blob_match is how cf_verdict_add_path names a certificate: 2 if the
 * |der_len| bytes at |der| are |b|, 1 if they are a proper prefix of it
 * (the library parsed the certificate and left trailing bytes aside), 0
 * otherwise (and for an empty |der|). */
int cf_blob_match(const struct cf_blob *b, const uint8_t *der, size_t der_len);

/* cf_case_is_anchor says whether |der| is one of |c|'s trust anchors by
 * cf_blob_match (its bytes, or the start of an anchor blob with bytes after
 * the certificate, which wolfSSL's loader ignores). */
int cf_case_is_anchor(const struct cf_case *c, const uint8_t *der,
                      size_t der_len);

/* cf_path_entry_der returns the bytes of entry |e| of case |c| in |*out_der|
 * and |*out_len|; 0 if |e| names no certificate of |c|. */
int cf_path_entry_der(const uint8_t **out_der, size_t *out_len,
                      const struct cf_case *c, struct cf_path_entry e);

/* cf_reason_from_name returns the reason named |name|, or -1. */
int cf_reason_from_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_VERDICT_H */
