/* verdict.c — names of the verdict taxonomy (include/chainfuzz/verdict.h). */
#include "chainfuzz/verdict.h"

#include "chainfuzz/case.h"

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
  out->path_len = 0;
}

_Static_assert(CF_MAX_PATH == 1 + CF_MAX_INTERMEDIATES + 1,
               "a path is the leaf, every intermediate and one anchor");

int cf_blob_match(const struct cf_blob *b, const uint8_t *der, size_t len) {
  if (len == 0 || b->len < len || memcmp(b->data, der, len) != 0) {
    return 0;
  }
  return b->len == len ? 2 : 1;
}

int cf_case_is_anchor(const struct cf_case *c, const uint8_t *der,
                      size_t der_len) {
  for (size_t i = 0; i < c->num_anchors; i++) {
    if (cf_blob_match(&c->anchors[i], der, der_len) != 0) {
      return 1;
    }
  }
  return 0;
}

int cf_verdict_add_entry(struct cf_verdict *out, enum cf_cert_role role,
                         size_t index) {
  if (out->path_len >= CF_MAX_PATH || index > UINT8_MAX) {
    return 0;
  }
  out->path[out->path_len].role = (uint8_t)role;
  out->path[out->path_len].index = (uint8_t)index;
  out->path_len++;
  return 1;
}

int cf_verdict_add_path(struct cf_verdict *out, const struct cf_case *c,
                        const uint8_t *der, size_t der_len) {
  /* Exact matches first, then prefixes, each in leaf / intermediates /
   * anchors order. */
  for (int want = 2; want >= 1; want--) {
    if (cf_blob_match(&c->leaf, der, der_len) == want) {
      return cf_verdict_add_entry(out, CF_ROLE_LEAF, 0);
    }
    for (size_t i = 0; i < c->num_intermediates; i++) {
      if (cf_blob_match(&c->intermediates[i], der, der_len) == want) {
        return cf_verdict_add_entry(out, CF_ROLE_INTERMEDIATE, i);
      }
    }
    for (size_t i = 0; i < c->num_anchors; i++) {
      if (cf_blob_match(&c->anchors[i], der, der_len) == want) {
        return cf_verdict_add_entry(out, CF_ROLE_ANCHOR, i);
      }
    }
  }
  return 0;
}

int cf_path_entry_der(const uint8_t **out_der, size_t *out_len,
                      const struct cf_case *c, struct cf_path_entry e) {
  const struct cf_blob *b = NULL;
  if (e.role == CF_ROLE_LEAF && e.index == 0) {
    b = &c->leaf;
  } else if (e.role == CF_ROLE_INTERMEDIATE && e.index < c->num_intermediates) {
    b = &c->intermediates[e.index];
  } else if (e.role == CF_ROLE_ANCHOR && e.index < c->num_anchors) {
    b = &c->anchors[e.index];
  }
  if (b == NULL) {
    return 0;
  }
  *out_der = b->data;
  *out_len = b->len;
  return 1;
}
