/* build.h — turns a recipe (recipe.h) into DER certificates and a case.
 *
 * DER is built with BoringSSL's CBB, keys and signatures with EVP and BN.
 * Signatures are deterministic: RSA PKCS#1 v1.5 and Ed25519 by design;
 * ECDSA with a nonce derived from SHA-512 of the private key and the digest
 * (RFC 6979 in spirit); RSA-PSS salts from BoringSSL's RAND, deterministic
 * in chainfuzz builds and reset per signature. Same recipe + same key pool
 * → byte-identical output (build_test checks it). */
#ifndef CHAINFUZZ_CERTGEN_BUILD_H
#define CHAINFUZZ_CERTGEN_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "keypool.h"
#include "recipe.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cf_built holds the DER of every cert block of a recipe, by index. */
struct cf_built {
  uint8_t *der[CF_RECIPE_MAX_CERTS];
  size_t der_len[CF_RECIPE_MAX_CERTS];
  /* tbs_digest[i]: SHA-256 of the TBSCertificate bytes that were signed
   * for cert i (the signed-bytes oracle's table, issue 5). */
  uint8_t tbs_sha256[CF_RECIPE_MAX_CERTS][32];
};

/* cf_build_certs builds every cert block of |r| with the keys of |pool|. It
 * returns 1 on success; on failure 0, an empty |*out| and a message naming
 * the cert block in |err|. */
int cf_build_certs(struct cf_built *out, const struct cf_recipe *r,
                   const struct cf_pool *pool, char *err, size_t err_len);

/* cf_built_free frees |b|'s certificates; a no-op on an empty one. */
void cf_built_free(struct cf_built *b);

/* cf_build_case serializes |r|'s device block over the built certificates
 * into a case (chainfuzz/case.h) labelled with the recipe id: anchors, the
 * leaf (chain[0]), the rest of chain in order, and the profile. It returns 1
 * and a malloc'd buffer in |*out|, or 0 (too many certificates for the case
 * format, allocation failure). */
int cf_build_case(uint8_t **out, size_t *out_len, const struct cf_recipe *r,
                  const struct cf_built *b);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_BUILD_H */
