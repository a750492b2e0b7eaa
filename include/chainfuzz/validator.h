/* validator.h — one interface for every device validation path: a case (its
 * chain and device profile) in, a verdict out. One C file per validator in
 * validators/; the libraries it needs are built and linked by build.sh.
 *
 * Adding a validator is one C file in validators/ (its cf_<name>_verify,
 * declared here) plus one line in the table of lib/validator.c; tools that
 * run "every validator" (certgen check) go through cf_validators(). Keep
 * this header the one place that declares them. */
#ifndef CHAINFUZZ_VALIDATOR_H
#define CHAINFUZZ_VALIDATOR_H

#include <stddef.h>
#include <stdint.h>

#include "chainfuzz/case.h"
#include "chainfuzz/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cf_validator_fn validates |c| as a device configured with c->profile would
 * and writes the verdict to |*out|. It never accepts unless the library's
 * own verification accepted: no callback that overrides the library. */
typedef void (*cf_validator_fn)(struct cf_verdict *out, const struct cf_case *c);

/* cf_validator is one registered validator. |name| is what reports,
 * divergences.tsv and `certgen check --validator` use: lower case, no
 * spaces ("boringssl", "mbedtls"). */
struct cf_validator {
  const char *name;
  cf_validator_fn verify;
};

/* cf_validators returns the registered validators, in a fixed order, and
 * their number in |*out_num|. */
const struct cf_validator *cf_validators(size_t *out_num);

/* cf_validator_find returns the validator named |name|, or NULL. */
const struct cf_validator *cf_validator_find(const char *name);

/* cf_boringssl_verify is the BoringSSL device path: X509_verify_cert with
 * the profile's anchors, time, depth, purpose and expected name (set on the
 * X509_VERIFY_PARAM, as SSL_set1_host does). validators/boringssl.c. */
void cf_boringssl_verify(struct cf_verdict *out, const struct cf_case *c);

/* cf_boringssl_reason maps an X509_V_ERR_* code to the taxonomy. */
enum cf_reason cf_boringssl_reason(long x509_v_err);

/* cf_mbedtls_verify is the mbedTLS 2.28 device path: the TLS client's
 * ssl_parse_certificate_verify (mbedtls_x509_crt_verify_with_profile with
 * the default profile, the case's clock, the expected name; then the curve
 * and key/extended key usage checks). validators/mbedtls.c documents how
 * each profile field maps. */
void cf_mbedtls_verify(struct cf_verdict *out, const struct cf_case *c);

/* cf_mbedtls_flag is one row of the mbedTLS verify-flag table. */
struct cf_mbedtls_flag {
  uint32_t flag;          /* MBEDTLS_X509_BADCERT_* / _BADCRL_* */
  enum cf_reason reason;
  const char *text;       /* static: the flag's name */
};

/* cf_mbedtls_flag_table returns the table in priority order (the first set
 * flag names the verdict) and its length in |*out_num|. */
const struct cf_mbedtls_flag *cf_mbedtls_flag_table(size_t *out_num);

/* cf_mbedtls_top_flag returns the row of the highest-priority flag set in
 * |flags|, or NULL if none of them is known. */
const struct cf_mbedtls_flag *cf_mbedtls_top_flag(uint32_t flags);

/* cf_mbedtls_parse_reason maps the error of mbedtls_x509_crt_parse_der to
 * the taxonomy and a static text naming it. */
enum cf_reason cf_mbedtls_parse_reason(int ret, const char **out_text);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_VALIDATOR_H */
