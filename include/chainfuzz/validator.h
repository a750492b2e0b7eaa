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
  /* Canaries only: the real validator they make lax ("boringssl"). Its
   * reviewed differences (known rules, diff allow-list) are theirs too, so
   * a canary is caught for its own laxness, not for its base's. */
  const char *base;
};

/* cf_validator_known_as is the name reviewed tables use for |v|: its base
 * for a canary, else its name. (Inline: a per-validator target must not
 * pull in the registry, which links every library.) */
static inline const char *cf_validator_known_as(const struct cf_validator *v) {
  return v->base != NULL ? v->base : v->name;
}

/* cf_validators returns the registered validators, in a fixed order, and
 * their number in |*out_num|. */
const struct cf_validator *cf_validators(size_t *out_num);

/* cf_validator_find returns the validator named |name|, or NULL. */
const struct cf_validator *cf_validator_find(const char *name);

/* cf_boringssl_verify is the BoringSSL device path: X509_verify_cert with
 * the profile's anchors, time, depth, purpose and expected name (set on the
 * X509_VERIFY_PARAM, as SSL_set1_host does). validators/boringssl.c. */
void cf_boringssl_verify(struct cf_verdict *out, const struct cf_case *c);

/* --- canaries -------------------------------------------------------------
 * Deliberately lax validators (validators/lax.c) that the oracles must
 * catch: the *_negative targets wrap them and `make test` fails unless each
 * is caught (tests/canaries_test.sh). They are found by cf_validator_find
 * but never listed by cf_validators(): no tool runs them as a real device. */

/* cf_canaries returns the canary validators and their number. */
const struct cf_validator *cf_canaries(size_t *out_num);

/* cf_boringssl_verify_lax is cf_boringssl_verify with |verify_cb| installed
 * (NULL: none) and, if |check_name| is 0, no expected name on the verify
 * param. Only canaries use it. */
struct x509_store_ctx_st;
void cf_boringssl_verify_lax(struct cf_verdict *out, const struct cf_case *c,
                             int (*verify_cb)(int ok,
                                              struct x509_store_ctx_st *ctx),
                             int check_name);

/* The canaries: BoringSSL's device path made lax in one way each. */
void cf_expiry_negative_verify(struct cf_verdict *out, const struct cf_case *c);
void cf_ca_negative_verify(struct cf_verdict *out, const struct cf_case *c);
void cf_suffix_negative_verify(struct cf_verdict *out, const struct cf_case *c);
void cf_signature_negative_verify(struct cf_verdict *out,
                                  const struct cf_case *c);
void cf_pathlen_negative_verify(struct cf_verdict *out, const struct cf_case *c);
void cf_eku_negative_verify(struct cf_verdict *out, const struct cf_case *c);

/* Lax masks for the other bases' canaries: the checks a device path lets
 * pass, as a mask of (1u << CF_REASON_*). Each adapter's
 * cf_<lib>_verify_lax(out, c, mask) is its device path with the library's
 * errors of those reasons cleared the way device code clears them (a
 * verify callback that returns "ok" for them; Mbed TLS: flags cleared in
 * the verify callback); where the library has no such error (Mbed TLS
 * checks cA and pathLen while it looks for a parent), the adapter makes
 * the parsed certificates say what a parser that skips the field would. */
#define CF_LAX_EXPIRY \
  ((1u << CF_REASON_EXPIRED) | (1u << CF_REASON_NOT_YET_VALID))
#define CF_LAX_NAME (1u << CF_REASON_NAME_MISMATCH)
#define CF_LAX_CA (1u << CF_REASON_NOT_CA)
#define CF_LAX_PATHLEN (1u << CF_REASON_PATH_LENGTH)
#define CF_LAX_EKU (1u << CF_REASON_EKU)

/* CF_DEFINE_CANARY(lib, check, mask) defines cf_<lib>_<check>_negative_verify
 * as cf_<lib>_verify_lax with |mask| (beside each adapter). */
#define CF_DEFINE_CANARY(lib, check, mask)                             \
  void cf_##lib##_##check##_negative_verify(struct cf_verdict *out,    \
                                            const struct cf_case *c) { \
    cf_##lib##_verify_lax(out, c, (mask));                             \
  }
#define CF_DECLARE_CANARY(lib, check)                               \
  void cf_##lib##_##check##_negative_verify(struct cf_verdict *out, \
                                            const struct cf_case *c)

/* cf_boringssl_reason maps an X509_V_ERR_* code to the taxonomy. */
enum cf_reason cf_boringssl_reason(long x509_v_err);

/* cf_mbedtls_verify is the mbedTLS 2.28 device path: the TLS client's
 * ssl_parse_certificate_verify (mbedtls_x509_crt_verify_with_profile with
 * the default profile, the case's clock, the expected name; then the curve
 * and key/extended key usage checks). validators/mbedtls.c documents how
 * each profile field maps. */
void cf_mbedtls_verify(struct cf_verdict *out, const struct cf_case *c);
void cf_mbedtls_verify_lax(struct cf_verdict *out, const struct cf_case *c,
                           uint32_t lax);
/* cf_mbedtls3_verify is the same device path on Mbed TLS 3.6 LTS, the
 * current generation (validators/mbedtls3.c builds validators/mbedtls.c
 * against it; what differs is marked CF_MBED3 there). */
void cf_mbedtls3_verify(struct cf_verdict *out, const struct cf_case *c);
CF_DECLARE_CANARY(mbedtls, expiry);
CF_DECLARE_CANARY(mbedtls, name);
CF_DECLARE_CANARY(mbedtls, ca);
CF_DECLARE_CANARY(mbedtls, pathlen);
CF_DECLARE_CANARY(mbedtls, eku);

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

/* cf_wolfssl_verify is the wolfSSL 5.5 device path: a TLS 1.2 client's
 * ProcessPeerCerts on the case's chain (anchors loaded into the CTX, the
 * case's clock through wc_SetTimeCb, wolfSSL_check_domain_name).
 * validators/wolfssl.c documents how each profile field maps. */
void cf_wolfssl_verify(struct cf_verdict *out, const struct cf_case *c);
void cf_wolfssl_verify_lax(struct cf_verdict *out, const struct cf_case *c,
                           uint32_t lax);
CF_DECLARE_CANARY(wolfssl, expiry);
CF_DECLARE_CANARY(wolfssl, name);
CF_DECLARE_CANARY(wolfssl, eku);

/* cf_wolfssl_code is one row of the wolfSSL error-code table. */
struct cf_wolfssl_code {
  int code; /* a wolfCrypt or wolfSSL error code (negative) */
  enum cf_reason reason;
};

/* cf_wolfssl_code_table returns the table and its length in |*out_num|. */
const struct cf_wolfssl_code *cf_wolfssl_code_table(size_t *out_num);

/* cf_wolfssl_reason maps a wolfSSL error code to the taxonomy (OTHER when
 * the table does not know it). */
enum cf_reason cf_wolfssl_reason(int code);

/* cf_wolfssl_code_text returns wolfSSL's static text for |code|. */
const char *cf_wolfssl_code_text(int code);

/* cf_wolfssl_forget_fp_cache empties wolfSSL's fixed-point ECC cache
 * (FP_ECC, on in Debian's build) for the calling thread, outside the
 * engine's coverage (chainfuzz/coverage.h). The cache builds a table for a
 * base point after its second use and takes a faster path from then on, so
 * the same case would run differently depending on what ran before it
 * (AFL++ stability 80 % on chain_verify_wolfssl). The device paths call it
 * first, so every case runs as the first one of a process does. */
void cf_wolfssl_forget_fp_cache(void);

/* cf_openssl_verify is the OpenSSL 3.0 device path: a TLS client's
 * ssl_verify_cert_chain (X509_verify_cert with "ssl_server" defaults, the
 * security level as auth level, the case's time, depth, flags and the
 * expected name as SSL_set1_host sets it), then the leaf key checks of
 * tls_post_process_server_certificate. OpenSSL's symbols are renamed
 * ossl3_* (mk/openssl.mk), so it runs next to BoringSSL in one process.
 * validators/openssl.c documents how each profile field and code maps. */
void cf_openssl_verify(struct cf_verdict *out, const struct cf_case *c);
void cf_openssl_verify_lax(struct cf_verdict *out, const struct cf_case *c,
                           uint32_t lax);
CF_DECLARE_CANARY(openssl, expiry);
CF_DECLARE_CANARY(openssl, name);
CF_DECLARE_CANARY(openssl, ca);
CF_DECLARE_CANARY(openssl, pathlen);
CF_DECLARE_CANARY(openssl, eku);

/* cf_openssl_code is one row of the OpenSSL X509_V_ERR_* table. */
struct cf_openssl_code {
  long code; /* OpenSSL 3.0's X509_V_ERR_* value */
  enum cf_reason reason;
  const char *name; /* static: "X509_V_ERR_..." */
};

/* cf_openssl_code_table returns the table and its length in |*out_num|. */
const struct cf_openssl_code *cf_openssl_code_table(size_t *out_num);

/* cf_openssl_reason maps an OpenSSL 3.0 X509_V_ERR_* code to the taxonomy
 * (OTHER when the table does not know it). Its codes are OpenSSL's, not
 * BoringSSL's: the two numberings differ. */
enum cf_reason cf_openssl_reason(long x509_v_err);

/* cf_openssl_version returns OpenSSL's OpenSSL_version(OPENSSL_VERSION),
 * e.g. "OpenSSL 3.0.20 ...": which OpenSSL the adapter calls. */
const char *cf_openssl_version(void);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_VALIDATOR_H */
