/* verdict.h — what a validator decided, and why, in one taxonomy shared by
 * every validator, oracle and report. */
#ifndef CHAINFUZZ_VERDICT_H
#define CHAINFUZZ_VERDICT_H

#ifdef __cplusplus
extern "C" {
#endif

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

/* cf_verdict is a validator's answer with the library's own words. */
struct cf_verdict {
  enum cf_decision decision;
  enum cf_reason reason;
  long native_code;        /* the library's error code, 0 when accepted */
  const char *native_text; /* static string from the library, or "" */
};

/* cf_decision_name returns "ACCEPT", "REJECT" or "ERROR". */
const char *cf_decision_name(enum cf_decision d);

/* cf_reason_name returns the taxonomy name ("EXPIRED", ...) of |r|. */
const char *cf_reason_name(enum cf_reason r);

/* cf_verdict_set fills |out| (every validator adapter reports this way). */
void cf_verdict_set(struct cf_verdict *out, enum cf_decision decision,
                    enum cf_reason reason, long native_code,
                    const char *native_text);

/* cf_reason_from_name returns the reason named |name|, or -1. */
int cf_reason_from_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_VERDICT_H */
