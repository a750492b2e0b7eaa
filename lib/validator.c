/* validator.c — the validator registry (validator.h). One line per
 * validator; the order is the order `certgen check` reports them in. */
#include <string.h>

#include "chainfuzz/validator.h"

static const struct cf_validator kValidators[] = {
    {"boringssl", cf_boringssl_verify},
    {"mbedtls", cf_mbedtls_verify},
};

const struct cf_validator *cf_validators(size_t *out_num) {
  *out_num = sizeof(kValidators) / sizeof(kValidators[0]);
  return kValidators;
}

const struct cf_validator *cf_validator_find(const char *name) {
  for (size_t i = 0; i < sizeof(kValidators) / sizeof(kValidators[0]); i++) {
    if (strcmp(kValidators[i].name, name) == 0) {
      return &kValidators[i];
    }
  }
  return NULL;
}
