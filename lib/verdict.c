/* verdict.c — names of the verdict taxonomy (include/chainfuzz/verdict.h). */
#include "chainfuzz/verdict.h"

#include <string.h>

static const char *const kReasonNames[CF_REASON_COUNT] = {
    [CF_REASON_NONE] = "NONE",
    [CF_REASON_PARSE] = "PARSE",
    [CF_REASON_SIGNATURE] = "SIGNATURE",
    [CF_REASON_UNTRUSTED] = "UNTRUSTED",
    [CF_REASON_EXPIRED] = "EXPIRED",
    [CF_REASON_NOT_YET_VALID] = "NOT_YET_VALID",
    [CF_REASON_NOT_CA] = "NOT_CA",
    [CF_REASON_PATH_LENGTH] = "PATH_LENGTH",
    [CF_REASON_NAME_MISMATCH] = "NAME_MISMATCH",
    [CF_REASON_NAME_CONSTRAINTS] = "NAME_CONSTRAINTS",
    [CF_REASON_KEY_USAGE] = "KEY_USAGE",
    [CF_REASON_EKU] = "EKU",
    [CF_REASON_CRITICAL_EXTENSION] = "CRITICAL_EXTENSION",
    [CF_REASON_WEAK_ALGORITHM] = "WEAK_ALGORITHM",
    [CF_REASON_WEAK_KEY] = "WEAK_KEY",
    [CF_REASON_POLICY] = "POLICY",
    [CF_REASON_RESOURCE_LIMIT] = "RESOURCE_LIMIT",
    [CF_REASON_INTERNAL] = "INTERNAL",
    [CF_REASON_OTHER] = "OTHER",
};

const char *cf_decision_name(enum cf_decision d) {
  switch (d) {
    case CF_ACCEPT:
      return "ACCEPT";
    case CF_REJECT:
      return "REJECT";
    case CF_ERROR:
      return "ERROR";
  }
  return "UNKNOWN";
}

const char *cf_reason_name(enum cf_reason r) {
  if ((unsigned)r >= CF_REASON_COUNT || kReasonNames[r] == NULL) {
    return "UNKNOWN";
  }
  return kReasonNames[r];
}

int cf_reason_from_name(const char *name) {
  for (int i = 0; i < CF_REASON_COUNT; i++) {
    if (kReasonNames[i] != NULL && strcmp(kReasonNames[i], name) == 0) {
      return i;
    }
  }
  return -1;
}

void cf_verdict_set(struct cf_verdict *out, enum cf_decision decision,
                    enum cf_reason reason, long native_code,
                    const char *native_text) {
  out->decision = decision;
  out->reason = reason;
  out->native_code = native_code;
  out->native_text = native_text;
}
