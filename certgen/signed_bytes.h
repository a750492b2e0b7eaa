/* signed_bytes.h — the signed-bytes oracle (../shared/DESIGN.md, Oracle).
 *
 * A fuzzer that mutates bytes cannot forge a signature: every honestly
 * signed certificate in chainfuzz's inputs was signed by certgen with a key
 * of the pool (keypool.h). So when a validator accepts a chain, every
 * certificate of the path it built, except the trust anchor, must carry a
 * signature certgen's signer made over exactly its TBSCertificate bytes with
 * a pool key. Anything else accepted is a signature bypass, whatever the
 * certificate says.
 *
 * "Made by our signer" is checked without a table: certgen's signatures are
 * deterministic (build.h), so the oracle re-signs the TBS bytes with the
 * candidate pool key (cf_sign_tbs) and compares the bytes. The candidate
 * keys are the public keys of the case's certificates that are pool keys:
 * first the next certificate of the path (its issuer), then every other
 * certificate of the case. ECDSA signatures are not unique ((r, -s) is as
 * valid as (r, s), and the first seeds were made with random nonces), so an
 * ECDSA signature that is not byte-identical to ours is still honest if it
 * verifies under the pool key (DER-strict ECDSA_do_verify): only the
 * private key's holder — certgen — can make one. */
#ifndef CHAINFUZZ_CERTGEN_SIGNED_BYTES_H
#define CHAINFUZZ_CERTGEN_SIGNED_BYTES_H

#include <stddef.h>
#include <stdint.h>

#include "chainfuzz/case.h"
#include "chainfuzz/verdict.h"
#include "keypool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cf_signed_bytes_check judges the path of |v| (an ACCEPT verdict on case
 * |c|). It returns 1 when every non-anchor certificate of the path is
 * honestly signed (or the path is empty, or |c| is an external case,
 * CF_PROFILE_FLAG_EXTERNAL, none of whose certificates has a pool key:
 * nothing to check); 0 otherwise,
 * with the path position of the first dishonest certificate in |*out_pos|
 * and a line saying what is wrong with it in |detail|. A certificate
 * byte-identical to one of the case's anchors counts as an anchor. */
int cf_signed_bytes_check(size_t *out_pos, char *detail, size_t detail_len,
                          const struct cf_pool *pool, const struct cf_case *c,
                          const struct cf_verdict *v);

/* cf_cert_is_honest says whether the DER certificate |der| carries a
 * signature certgen made over its TBS with the pool key of one of the
 * |num_spkis| SubjectPublicKeyInfos in |spkis| (tried in order). On 0,
 * |detail| says why. */
int cf_cert_is_honest(char *detail, size_t detail_len,
                      const struct cf_pool *pool, const uint8_t *der,
                      size_t der_len, const struct cf_blob *spkis,
                      size_t num_spkis);

/* cf_cert_spki finds the SubjectPublicKeyInfo element of the DER
 * certificate |der|: 1 and |*out| on success, 0 if it does not parse. */
int cf_cert_spki(struct cf_blob *out, const uint8_t *der, size_t der_len);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_SIGNED_BYTES_H */
