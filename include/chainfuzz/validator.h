/* validator.h — one interface for every device validation path: a case (its
 * chain and device profile) in, a verdict out. One C file per validator in
 * validators/; the libraries it needs are linked by build.sh.
 *
 * This is the first cut (BoringSSL only). The registration table, the other
 * libraries and the native-code mapping tests for them come with the
 * validators issue; keep this header the one place that declares them. */
#ifndef CHAINFUZZ_VALIDATOR_H
#define CHAINFUZZ_VALIDATOR_H

#include "chainfuzz/case.h"
#include "chainfuzz/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cf_validator_fn validates |c| as a device configured with c->profile would
 * and writes the verdict to |*out|. It never accepts unless the library's
 * own verification accepted: no callback that overrides the library. */
typedef void (*cf_validator_fn)(struct cf_verdict *out, const struct cf_case *c);

/* cf_boringssl_verify is the BoringSSL device path: X509_verify_cert with
 * the profile's anchors, time, depth, purpose and expected name (set on the
 * X509_VERIFY_PARAM, as SSL_set1_host does). validators/boringssl.c. */
void cf_boringssl_verify(struct cf_verdict *out, const struct cf_case *c);

/* cf_boringssl_reason maps an X509_V_ERR_* code to the taxonomy. */
enum cf_reason cf_boringssl_reason(long x509_v_err);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_VALIDATOR_H */
