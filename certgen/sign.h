/* sign.h — certgen's signatures: the same bytes whichever BoringSSL is
 * linked.
 *
 * Every signature certgen, seedgen and the case mutator make comes from
 * here, and none draws from the linked library's RNG (whose stream differs
 * between BoringSSL generations, and which upstream makes deterministic only
 * in fuzzing builds):
 *  - RSA PKCS#1 v1.5 and Ed25519 are deterministic by design;
 *  - ECDSA uses a nonce derived from a hash of the key and the digest
 *    (cf_sign_ecdsa_digest);
 *  - RSA-PSS uses a salt derived from a hash of the key's modulus and the
 *    message hash, encoded here (EMSA-PSS, RFC 8017 section 9.1.1) and
 *    signed with the raw RSA private-key operation.
 * The keys are public test keys (certgen/keys/): a nonce or salt only has to
 * be unique per (key, message). A change here changes committed seeds
 * (tests/seeds_committed_test.sh says so). */
#ifndef CHAINFUZZ_CERTGEN_SIGN_H
#define CHAINFUZZ_CERTGEN_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/base.h>

#ifdef __cplusplus
extern "C" {
#endif

/* cf_sig_kind is a signature scheme family. */
enum cf_sig_kind {
  CF_SIG_RSA_PKCS1,
  CF_SIG_RSA_PSS, /* MGF1 with the same hash, salt length 32 */
  CF_SIG_ECDSA,
  CF_SIG_ED25519
};

/* cf_sign signs |in| with |key| as |kind| with hash |md| (NULL for
 * Ed25519), writing at most |max_out| bytes to |out|. It returns 1, or 0
 * and sets |*out_err| to a short message. */
int cf_sign(uint8_t *out, size_t *out_len, size_t max_out,
            const char **out_err, const EVP_PKEY *key, enum cf_sig_kind kind,
            const EVP_MD *md, const uint8_t *in, size_t in_len);

/* cf_sign_ecdsa_digest makes an ECDSA signature (DER Ecdsa-Sig-Value) of
 * |digest| with EC key |key|: r = x(k*B) mod n, s = k^-1 (e + r*d) mod n,
 * where
 *  - |explicit_generator| 0 (honest): B is the curve's generator, d the
 *    private key;
 *  - |explicit_generator| 1 (CVE-2020-0601): B is the key's public point Q
 *    and d = 1: the signature a verifier accepts under the explicit curve
 *    whose generator is Q; only the public key is used.
 * Returns 1, or 0 and sets |*out_err|. */
int cf_sign_ecdsa_digest(uint8_t *out, size_t *out_len, size_t max_out,
                         const char **out_err, const EVP_PKEY *key,
                         int explicit_generator, const uint8_t *digest,
                         size_t digest_len);

#ifdef __cplusplus
}
#endif

#endif
