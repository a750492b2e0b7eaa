/* validator.c — the validator registry (validator.h). One line per
 * validator; the order is the order `certgen check` reports them in. */
#include <string.h>

#include "chainfuzz/validator.h"

static const struct cf_validator kValidators[] = {
    {"boringssl", cf_boringssl_verify, NULL},
    {"mbedtls", cf_mbedtls_verify, NULL},
    {"mbedtls3", cf_mbedtls3_verify, NULL},
    {"openssl", cf_openssl_verify, NULL},
    {"wolfssl", cf_wolfssl_verify, NULL},
};

const struct cf_validator *cf_validators(size_t *out_num) {
  *out_num = sizeof(kValidators) / sizeof(kValidators[0]);
  return kValidators;
}

/* kCanaries: deliberately lax validators (validators/lax.c for BoringSSL,
 * CF_DEFINE_CANARY beside the other adapters), one per check the adapters
 * rely on the library for; the build makes *_negative targets of each
 * (mk/chainfuzz.mk, CANARY_TARGETS). */
static const struct cf_validator kCanaries[] = {
    {"expiry_negative", cf_expiry_negative_verify, "boringssl"},
    {"ca_negative", cf_ca_negative_verify, "boringssl"},
    {"suffix_negative", cf_suffix_negative_verify, "boringssl"},
    {"signature_negative", cf_signature_negative_verify, "boringssl"},
    {"pathlen_negative", cf_pathlen_negative_verify, "boringssl"},
    {"eku_negative", cf_eku_negative_verify, "boringssl"},
    {"mbedtls_expiry_negative", cf_mbedtls_expiry_negative_verify, "mbedtls"},
    {"mbedtls_name_negative", cf_mbedtls_name_negative_verify, "mbedtls"},
    {"mbedtls_ca_negative", cf_mbedtls_ca_negative_verify, "mbedtls"},
    {"mbedtls_pathlen_negative", cf_mbedtls_pathlen_negative_verify, "mbedtls"},
    {"mbedtls_eku_negative", cf_mbedtls_eku_negative_verify, "mbedtls"},
    {"openssl_expiry_negative", cf_openssl_expiry_negative_verify, "openssl"},
    {"openssl_name_negative", cf_openssl_name_negative_verify, "openssl"},
    {"openssl_ca_negative", cf_openssl_ca_negative_verify, "openssl"},
    {"openssl_pathlen_negative", cf_openssl_pathlen_negative_verify, "openssl"},
    {"openssl_eku_negative", cf_openssl_eku_negative_verify, "openssl"},
    {"wolfssl_expiry_negative", cf_wolfssl_expiry_negative_verify, "wolfssl"},
    {"wolfssl_name_negative", cf_wolfssl_name_negative_verify, "wolfssl"},
    {"wolfssl_eku_negative", cf_wolfssl_eku_negative_verify, "wolfssl"},
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
