/* warm_up.c — see warm_up.h. */
#include "warm_up.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "recipe.h"
#include "recipe_bytes.h"

/* One honest root -> intermediate -> leaf chain per key type of the pool
 * (P-256, P-384, P-521, Ed25519, RSA 2048/3072/4096 and e=3) and per
 * signature family (ECDSA with SHA-256/384/512, RSA PKCS#1 v1.5 with
 * SHA-256/384/512, RSA-PSS): every one accepted by a correct device, so no
 * target reports anything on them. */
static const char *const kRecipes[] = {
    "recipe 1\nid warm-up::p256\nexpect accept\n"
    "cert root root\n  key root-p256\n"
    "cert ica ica\n  key intermediate-p256\n  issuer root\n"
    "cert leaf leaf\n  key leaf-p256\n  issuer ica\n"
    "device\n  anchors root\n  chain leaf ica\n",

    "recipe 1\nid warm-up::p384\nexpect accept\n"
    "cert root root\n  key root-p384\n"
    "cert ica ica\n  key intermediate-p384\n  issuer root\n"
    "cert leaf leaf\n  key leaf-p384\n  issuer ica\n"
    "device\n  anchors root\n  chain leaf ica\n",

    "recipe 1\nid warm-up::p521\nexpect accept\n"
    "cert root root\n  key root-p521\n"
    "cert ica ica\n  key intermediate-p521\n  issuer root\n"
    "  sig-alg ecdsa-sha512\n"
    "cert leaf leaf\n  key leaf-p521\n  issuer ica\n"
    "device\n  anchors root\n  chain leaf ica\n",

    "recipe 1\nid warm-up::ed25519\nexpect accept\n"
    "cert root root\n  key root-ed25519\n"
    "cert ica ica\n  key intermediate-ed25519\n  issuer root\n"
    "cert leaf leaf\n  key leaf-ed25519\n  issuer ica\n"
    "device\n  anchors root\n  chain leaf ica\n",

    "recipe 1\nid warm-up::rsa\nexpect accept\n"
    "cert root root\n  key root-rsa4096\n"
    "cert ica ica\n  key intermediate-rsa3072\n  issuer root\n"
    "  sig-alg rsa-pkcs1-sha512\n"
    "cert leaf leaf\n  key leaf-rsa2048\n  issuer ica\n"
    "  sig-alg rsa-pkcs1-sha384\n"
    "device\n  anchors root\n  chain leaf ica\n",

    "recipe 1\nid warm-up::rsa-pss\nexpect accept\n"
    "cert root root\n  key root-rsa2048\n  sig-alg rsa-pss-sha256\n"
    "cert ica ica\n  key intermediate-rsa2048e3\n  issuer root\n"
    "  sig-alg rsa-pss-sha256\n"
    "cert leaf leaf\n  key leaf-p256\n  issuer ica\n"
    "  sig-alg rsa-pss-sha256\n"
    "device\n  anchors root\n  chain leaf ica\n",

    "recipe 1\nid warm-up::mixed\nexpect accept\n"
    "cert root root\n  key root-p384\n"
    "cert ica ica\n  key intermediate-rsa2048\n  issuer root\n"
    "cert leaf leaf\n  key leaf-p256\n  issuer ica\n"
    "device\n  anchors root\n  chain leaf ica\n",
};

size_t cf_warm_up_count(void) { return sizeof(kRecipes) / sizeof(kRecipes[0]); }

/* encode_one builds recipe |i| and encodes it in |form| into |*out|. */
static int encode_one(uint8_t **out, size_t *out_len, char *err,
                      size_t err_len, const struct cf_pool *pool,
                      enum cf_warm_up_form form, size_t i) {
  struct cf_recipe r;
  struct cf_recipe_error perr;
  struct cf_built built;
  char why[256];
  int ok = 0;

  *out = NULL;
  if (!cf_recipe_parse(&r, &perr, kRecipes[i], strlen(kRecipes[i]),
                       "warm-up")) {
    cf_recipe_error_format(err, err_len, &perr);
    return 0;
  }
  if (form == CF_WARM_UP_RECIPE_BYTES) {
    if (!cf_recipe_to_bytes_why(out, out_len, &r, why, sizeof(why))) {
      snprintf(err, err_len, "warm-up recipe %zu: not encodable: %s", i, why);
      return 0;
    }
    return 1;
  }
  if (!cf_build_certs(&built, &r, pool, why, sizeof(why))) {
    snprintf(err, err_len, "warm-up recipe %zu: %s", i, why);
    return 0;
  }
  ok = cf_build_case(out, out_len, &r, &built);
  if (!ok) {
    snprintf(err, err_len, "warm-up recipe %zu: no case", i);
  }
  cf_built_free(&built);
  return ok;
}

size_t cf_warm_up(char *err, size_t err_len, const struct cf_pool *pool,
                  enum cf_warm_up_form form,
                  int (*one)(const uint8_t *data, size_t size)) {
  size_t n = cf_warm_up_count();
  const char *env = getenv("CHAINFUZZ_WARM_UP");
  if (env != NULL && strcmp(env, "0") == 0) {
    return n;
  }
  for (size_t i = 0; i < n; i++) {
    uint8_t *in;
    size_t in_len;
    if (!encode_one(&in, &in_len, err, err_len, pool, form, i)) {
      return 0;
    }
    one(in, in_len);
    free(in);
  }
  return n;
}
