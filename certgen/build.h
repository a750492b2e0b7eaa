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

/* cf_sign_cache_clear forgets every signature cf_build_certs remembered
 * (keypool.c calls it when keys are freed). */
void cf_sign_cache_clear(void);

/* cf_sign_tbs makes the signature certgen's builder puts on an honest
 * certificate (no signature defect) with TBSCertificate |tbs| and outer
 * signatureAlgorithm |alg_der| (the whole AlgorithmIdentifier), signed by
 * pool key |key_idx|: with that algorithm when the key can make it, else
 * the key's default one, exactly as cf_build_certs chooses. Deterministic:
 * the same inputs give the same bytes in every process. It writes at most
 * |max_sig_len| bytes to |out_sig| and returns 1, or 0 on failure. The
 * signed-bytes oracle compares a certificate's signature to it. */
int cf_sign_tbs(uint8_t *out_sig, size_t *out_sig_len, size_t max_sig_len,
                const struct cf_pool *pool, int key_idx, const uint8_t *alg_der,
                size_t alg_len, const uint8_t *tbs, size_t tbs_len);

/* cf_resign_cert builds the DER Certificate { |tbs|, |alg_der|, honest
 * signature by pool key |key_idx| (cf_sign_tbs) } into a new buffer
 * (OPENSSL_free). It returns 1, or 0 on failure. For mutators that edit a
 * TBSCertificate and must keep the certificate honestly signed. */
int cf_resign_cert(uint8_t **out, size_t *out_len, const struct cf_pool *pool,
                   int key_idx, const uint8_t *alg_der, size_t alg_len,
                   const uint8_t *tbs, size_t tbs_len);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_BUILD_H */
