/* validator.c — the validator registry (validator.h). One line per
 * validator; the order is the order `certgen check` reports them in. */
#include <string.h>

#include "chainfuzz/validator.h"

static const struct cf_validator kValidators[] = {
    {"boringssl", cf_boringssl_verify, NULL},
    {"mbedtls", cf_mbedtls_verify, NULL},
    {"openssl", cf_openssl_verify, NULL},
    {"wolfssl", cf_wolfssl_verify, NULL},
};

const struct cf_validator *cf_validators(size_t *out_num) {
  *out_num = sizeof(kValidators) / sizeof(kValidators[0]);
  return kValidators;
}

/* kCanaries: deliberately lax validators (validators/lax.c); the build
 * makes a *_negative target of each (mk/chainfuzz.mk, CANARIES). */
static const struct cf_validator kCanaries[] = {
    {"expiry_negative", cf_expiry_negative_verify, "boringssl"},
    {"ca_negative", cf_ca_negative_verify, "boringssl"},
    {"suffix_negative", cf_suffix_negative_verify, "boringssl"},
    {"signature_negative", cf_signature_negative_verify, "boringssl"},
};

const struct cf_validator *cf_canaries(size_t *out_num) {
  *out_num = sizeof(kCanaries) / sizeof(kCanaries[0]);
  return kCanaries;
}

const struct cf_validator *cf_validator_find(const char *name) {
  for (size_t i = 0; i < sizeof(kValidators) / sizeof(kValidators[0]); i++) {
    if (strcmp(kValidators[i].name, name) == 0) {
      return &kValidators[i];
    }
  }
  for (size_t i = 0; i < sizeof(kCanaries) / sizeof(kCanaries[0]); i++) {
    if (strcmp(kCanaries[i].name, name) == 0) {
      return &kCanaries[i];
    }
  }
  return NULL;
}
