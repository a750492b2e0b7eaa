/* openssl.c — the OpenSSL 3.0 device validation path: what a device built
 * on OpenSSL 3.0 runs when its TLS client (SSL_VERIFY_PEER, no verify
 * callback) receives the server's chain:
 *
 *  - tls_process_server_certificate (ssl/statem/statem_clnt.c) decodes each
 *    entry of the Certificate message with d2i_X509; bytes after the
 *    certificate inside its entry are SSL_R_CERT_LENGTH_MISMATCH, and an
 *    entry that does not decode fails the handshake: REJECT PARSE;
 *  - ssl_verify_cert_chain (ssl/ssl_cert.c): X509_STORE_CTX_init with the
 *    leaf and the whole received chain (leaf included) as untrusted
 *    certificates, X509_VERIFY_PARAM_set_auth_level(param,
 *    SSL_get_security_level(s)), X509_STORE_CTX_set_default(ctx,
 *    "ssl_server"), the SSL's own param (the expected name) on top, then
 *    X509_verify_cert;
 *  - tls_post_process_server_certificate: the leaf's public key must decode
 *    with its parameters (SSL_R_UNABLE_TO_FIND_PUBLIC_KEY_PARAMETERS) and be
 *    of a type TLS can use (ssl_cert_lookup_by_pkey: RSA, RSA-PSS, DSA, EC,
 *    Ed25519, Ed448, GOST; else SSL_R_UNKNOWN_CERTIFICATE_TYPE).
 *
 * Device profile mapping:
 *  - anchors: the device's CA bundle, loaded at boot into an X509_STORE;
 *    entries that do not decode are skipped;
 *  - clock: X509_VERIFY_PARAM_set_time(cf_profile_effective_time) — the
 *    case's time, or CF_CLOCK_UNSET_TIME when the clock is unset;
 *  - name: a DNS name goes through what SSL_set1_host does in 3.0 (a name
 *    that parses as an IP address is set with X509_VERIFY_PARAM_set1_ip_asc,
 *    else X509_VERIFY_PARAM_set1_host); an IP address with
 *    X509_VERIFY_PARAM_set1_ip; no name: no check (OpenSSL checks a name
 *    only when the client sets one, bug class B17). Host flags:
 *    CF_PROFILE_FLAG_NO_WILDCARDS -> X509_CHECK_FLAG_NO_WILDCARDS,
 *    CF_PROFILE_FLAG_NO_CN_FALLBACK -> X509_CHECK_FLAG_NEVER_CHECK_SUBJECT
 *    (else OpenSSL's default: the subject CN only when there is no DNS SAN);
 *  - purpose: serverAuth -> X509_STORE_CTX_set_default("ssl_server")
 *    (purpose sslserver, trust SSL_SERVER), clientAuth -> "ssl_client",
 *    none -> neither;
 *  - max depth: X509_VERIFY_PARAM_set_depth(max_depth): in OpenSSL 1.1+ the
 *    depth counts intermediates only, as the profile does;
 *  - flags: partial chain -> X509_V_FLAG_PARTIAL_CHAIN, strict ->
 *    X509_V_FLAG_X509_STRICT. X509_V_FLAG_TRUSTED_FIRST is on (3.0's
 *    default param); X509_V_FLAG_POLICY_CHECK is off, as on the TLS path;
 *  - security level: the TLS client's auth level is its security level,
 *    OPENSSL_TLS_SECURITY_LEVEL of the build (1 for upstream 3.0, and for
 *    this build, configured with OpenSSL's own target; Debian's packaged
 *    libssl is built with 2). At level 1, X509_verify_cert refuses keys
 *    under 80 bits of security (RSA/DSA < 1024 bits: EE_ / CA_KEY_TOO_SMALL)
 *    and signatures under 80 bits (MD5 and, since 3.0, SHA-1:
 *    CA_MD_TOO_WEAK) on every certificate but the trust anchor.
 *
 * The library's config file is never read (OPENSSL_INIT_NO_LOAD_CONFIG;
 * mk/openssl.mk also points OPENSSLDIR into the build): a device's
 * openssl.cnf could change the verdict.
 *
 * Codes: kOpensslCodes maps every X509_V_ERR_* of OpenSSL 3.0's
 * x509_vfy.h to the taxonomy (tests/openssl_symbols_test.sh checks that
 * the table lists them all; tests/openssl_validator_test.c checks rows):
 *  - UNTRUSTED: the path does not end at an anchor (UNABLE_TO_GET_ISSUER_
 *    CERT[_LOCALLY], UNABLE_TO_VERIFY_LEAF_SIGNATURE, DEPTH_ZERO_SELF_SIGNED,
 *    SELF_SIGNED_CERT_IN_CHAIN, CERT_UNTRUSTED, CERT_REJECTED, PATH_LOOP,
 *    SUBJECT_ISSUER_MISMATCH, AKID_*_MISMATCH, DANE_NO_MATCH);
 *  - SIGNATURE: a signature that does not verify or cannot be checked with
 *    the issuer's key (UNABLE_TO_DECRYPT_CERT_SIGNATURE, UNABLE_TO_DECODE_
 *    ISSUER_PUBLIC_KEY, NO_ISSUER_PUBLIC_KEY, CERT_SIGNATURE_FAILURE,
 *    SIGNATURE_ALGORITHM_MISMATCH);
 *  - validity: CERT_NOT_YET_VALID, CERT_HAS_EXPIRED; a validity field that
 *    does not decode is PARSE;
 *  - NOT_CA: INVALID_CA, INVALID_NON_CA, PATHLEN_INVALID_FOR_NON_CA,
 *    CA_BCONS_NOT_CRITICAL (strict); PATH_LENGTH: CERT_CHAIN_TOO_LONG (max
 *    depth), PATH_LENGTH_EXCEEDED, PROXY_PATH_LENGTH_EXCEEDED;
 *  - KEY_USAGE: KEYUSAGE_NO_CERTSIGN, KEYUSAGE_NO_DIGITAL_SIGNATURE,
 *    PATHLEN_WITHOUT_KU_KEY_CERT_SIGN, KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA,
 *    CA_CERT_MISSING_KEY_USAGE; EKU: INVALID_PURPOSE;
 *  - NAME_MISMATCH: HOSTNAME_/EMAIL_/IP_ADDRESS_MISMATCH; NAME_CONSTRAINTS:
 *    PERMITTED_/EXCLUDED_VIOLATION, SUBTREE_MINMAX, UNSUPPORTED_CONSTRAINT_*,
 *    UNSUPPORTED_NAME_SYNTAX;
 *  - CRITICAL_EXTENSION: UNHANDLED_CRITICAL_EXTENSION; POLICY:
 *    INVALID_POLICY_EXTENSION, NO_EXPLICIT_POLICY;
 *  - WEAK_ALGORITHM: CA_MD_TOO_WEAK, UNSUPPORTED_SIGNATURE_ALGORITHM,
 *    SUITE_B_*; WEAK_KEY: EE_KEY_TOO_SMALL, CA_KEY_TOO_SMALL;
 *  - PARSE: the certificate's own encoding or profile (INVALID_EXTENSION,
 *    SIGNATURE_ALGORITHM_INCONSISTENCY, EC_KEY_EXPLICIT_PARAMS, and the
 *    strict-mode RFC 5280 profile checks: empty names, missing or critical
 *    AKID/SKID, empty SAN, SAN not critical, extensions in v1/v2);
 *  - INTERNAL: what the adapter never asks for or a library failure (CRL
 *    and OCSP codes, APPLICATION_VERIFICATION, OUT_OF_MEM, INVALID_CALL,
 *    STORE_LOOKUP, UNSPECIFIED);
 *  - OTHER: revocation, proxy certificates, RFC 3779 resources, SCTs. */

/* Before any OpenSSL header: every OpenSSL name becomes ossl3_<name>, the
 * symbols of the renamed libcrypto.a (mk/openssl.mk). */
#include "cf_ossl_prefix.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/tls1.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "chainfuzz/validator.h"

#if OPENSSL_VERSION_MAJOR != 3 || OPENSSL_VERSION_MINOR != 0
#error "validators/openssl.c is written against OpenSSL 3.0.x"
#endif
#ifndef CF_OSSL_PREFIX
#error "cf_ossl_prefix.h (mk/openssl.mk) was not included: OpenSSL would clash with BoringSSL"
#endif

#define CF_CODE(name, reason) {name, reason, #name}

static const struct cf_openssl_code kOpensslCodes[] = {
    CF_CODE(X509_V_ERR_UNSPECIFIED, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, CF_REASON_UNTRUSTED),
    CF_CODE(X509_V_ERR_UNABLE_TO_GET_CRL, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE, CF_REASON_SIGNATURE),
    CF_CODE(X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY, CF_REASON_SIGNATURE),
    CF_CODE(X509_V_ERR_CERT_SIGNATURE_FAILURE, CF_REASON_SIGNATURE),
    CF_CODE(X509_V_ERR_CRL_SIGNATURE_FAILURE, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_CERT_NOT_YET_VALID, CF_REASON_NOT_YET_VALID),
    CF_CODE(X509_V_ERR_CERT_HAS_EXPIRED, CF_REASON_EXPIRED),
    CF_CODE(X509_V_ERR_CRL_NOT_YET_VALID, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_CRL_HAS_EXPIRED, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD, CF_REASON_PARSE),
    CF_CODE(X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD, CF_REASON_PARSE),
    CF_CODE(X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_OUT_OF_MEM, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, CF_REASON_UNTRUSTED),
    CF_CODE(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, CF_REASON_UNTRUSTED),
    CF_CODE(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, CF_REASON_UNTRUSTED),
    CF_CODE(X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, CF_REASON_UNTRUSTED),
    CF_CODE(X509_V_ERR_CERT_CHAIN_TOO_LONG, CF_REASON_PATH_LENGTH),
    CF_CODE(X509_V_ERR_CERT_REVOKED, CF_REASON_OTHER),
    CF_CODE(X509_V_ERR_NO_ISSUER_PUBLIC_KEY, CF_REASON_SIGNATURE),
    CF_CODE(X509_V_ERR_PATH_LENGTH_EXCEEDED, CF_REASON_PATH_LENGTH),
    CF_CODE(X509_V_ERR_INVALID_PURPOSE, CF_REASON_EKU),
    CF_CODE(X509_V_ERR_CERT_UNTRUSTED, CF_REASON_UNTRUSTED),
    CF_CODE(X509_V_ERR_CERT_REJECTED, CF_REASON_UNTRUSTED),
    CF_CODE(X509_V_ERR_SUBJECT_ISSUER_MISMATCH, CF_REASON_UNTRUSTED),
    CF_CODE(X509_V_ERR_AKID_SKID_MISMATCH, CF_REASON_UNTRUSTED),
    CF_CODE(X509_V_ERR_AKID_ISSUER_SERIAL_MISMATCH, CF_REASON_UNTRUSTED),
    CF_CODE(X509_V_ERR_KEYUSAGE_NO_CERTSIGN, CF_REASON_KEY_USAGE),
    CF_CODE(X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION, CF_REASON_CRITICAL_EXTENSION),
    CF_CODE(X509_V_ERR_KEYUSAGE_NO_CRL_SIGN, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_INVALID_NON_CA, CF_REASON_NOT_CA),
    CF_CODE(X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED, CF_REASON_PATH_LENGTH),
    CF_CODE(X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE, CF_REASON_KEY_USAGE),
    CF_CODE(X509_V_ERR_PROXY_CERTIFICATES_NOT_ALLOWED, CF_REASON_OTHER),
    CF_CODE(X509_V_ERR_INVALID_EXTENSION, CF_REASON_PARSE),
    CF_CODE(X509_V_ERR_INVALID_POLICY_EXTENSION, CF_REASON_POLICY),
    CF_CODE(X509_V_ERR_NO_EXPLICIT_POLICY, CF_REASON_POLICY),
    CF_CODE(X509_V_ERR_DIFFERENT_CRL_SCOPE, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_UNSUPPORTED_EXTENSION_FEATURE, CF_REASON_OTHER),
    CF_CODE(X509_V_ERR_UNNESTED_RESOURCE, CF_REASON_OTHER),
    CF_CODE(X509_V_ERR_PERMITTED_VIOLATION, CF_REASON_NAME_CONSTRAINTS),
    CF_CODE(X509_V_ERR_EXCLUDED_VIOLATION, CF_REASON_NAME_CONSTRAINTS),
    CF_CODE(X509_V_ERR_SUBTREE_MINMAX, CF_REASON_NAME_CONSTRAINTS),
    CF_CODE(X509_V_ERR_APPLICATION_VERIFICATION, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE, CF_REASON_NAME_CONSTRAINTS),
    CF_CODE(X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX, CF_REASON_NAME_CONSTRAINTS),
    CF_CODE(X509_V_ERR_UNSUPPORTED_NAME_SYNTAX, CF_REASON_NAME_CONSTRAINTS),
    CF_CODE(X509_V_ERR_CRL_PATH_VALIDATION_ERROR, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_PATH_LOOP, CF_REASON_UNTRUSTED),
    CF_CODE(X509_V_ERR_SUITE_B_INVALID_VERSION, CF_REASON_WEAK_ALGORITHM),
    CF_CODE(X509_V_ERR_SUITE_B_INVALID_ALGORITHM, CF_REASON_WEAK_ALGORITHM),
    CF_CODE(X509_V_ERR_SUITE_B_INVALID_CURVE, CF_REASON_WEAK_ALGORITHM),
    CF_CODE(X509_V_ERR_SUITE_B_INVALID_SIGNATURE_ALGORITHM, CF_REASON_WEAK_ALGORITHM),
    CF_CODE(X509_V_ERR_SUITE_B_LOS_NOT_ALLOWED, CF_REASON_WEAK_ALGORITHM),
    CF_CODE(X509_V_ERR_SUITE_B_CANNOT_SIGN_P_384_WITH_P_256, CF_REASON_WEAK_ALGORITHM),
    CF_CODE(X509_V_ERR_HOSTNAME_MISMATCH, CF_REASON_NAME_MISMATCH),
    CF_CODE(X509_V_ERR_EMAIL_MISMATCH, CF_REASON_NAME_MISMATCH),
    CF_CODE(X509_V_ERR_IP_ADDRESS_MISMATCH, CF_REASON_NAME_MISMATCH),
    CF_CODE(X509_V_ERR_DANE_NO_MATCH, CF_REASON_UNTRUSTED),
    CF_CODE(X509_V_ERR_EE_KEY_TOO_SMALL, CF_REASON_WEAK_KEY),
    CF_CODE(X509_V_ERR_CA_KEY_TOO_SMALL, CF_REASON_WEAK_KEY),
    CF_CODE(X509_V_ERR_CA_MD_TOO_WEAK, CF_REASON_WEAK_ALGORITHM),
    CF_CODE(X509_V_ERR_INVALID_CALL, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_STORE_LOOKUP, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_NO_VALID_SCTS, CF_REASON_OTHER),
    CF_CODE(X509_V_ERR_PROXY_SUBJECT_NAME_VIOLATION, CF_REASON_OTHER),
    CF_CODE(X509_V_ERR_OCSP_VERIFY_NEEDED, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_OCSP_VERIFY_FAILED, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_OCSP_CERT_UNKNOWN, CF_REASON_INTERNAL),
    CF_CODE(X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM, CF_REASON_WEAK_ALGORITHM),
    CF_CODE(X509_V_ERR_SIGNATURE_ALGORITHM_MISMATCH, CF_REASON_SIGNATURE),
    CF_CODE(X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY, CF_REASON_PARSE),
    CF_CODE(X509_V_ERR_INVALID_CA, CF_REASON_NOT_CA),
    CF_CODE(X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA, CF_REASON_NOT_CA),
    CF_CODE(X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN, CF_REASON_KEY_USAGE),
    CF_CODE(X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA, CF_REASON_KEY_USAGE),
    CF_CODE(X509_V_ERR_ISSUER_NAME_EMPTY, CF_REASON_PARSE),
    CF_CODE(X509_V_ERR_SUBJECT_NAME_EMPTY, CF_REASON_PARSE),
    CF_CODE(X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER, CF_REASON_PARSE),
    CF_CODE(X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER, CF_REASON_PARSE),
    CF_CODE(X509_V_ERR_EMPTY_SUBJECT_ALT_NAME, CF_REASON_PARSE),
    CF_CODE(X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL, CF_REASON_PARSE),
    CF_CODE(X509_V_ERR_CA_BCONS_NOT_CRITICAL, CF_REASON_NOT_CA),
    CF_CODE(X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL, CF_REASON_PARSE),
    CF_CODE(X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL, CF_REASON_PARSE),
    CF_CODE(X509_V_ERR_CA_CERT_MISSING_KEY_USAGE, CF_REASON_KEY_USAGE),
    CF_CODE(X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3, CF_REASON_PARSE),
    CF_CODE(X509_V_ERR_EC_KEY_EXPLICIT_PARAMS, CF_REASON_PARSE),
};

const struct cf_openssl_code *cf_openssl_code_table(size_t *out_num) {
  *out_num = sizeof(kOpensslCodes) / sizeof(kOpensslCodes[0]);
  return kOpensslCodes;
}

enum cf_reason cf_openssl_reason(long x509_v_err) {
  for (size_t i = 0; i < sizeof(kOpensslCodes) / sizeof(kOpensslCodes[0]); i++) {
    if (kOpensslCodes[i].code == x509_v_err) {
      return kOpensslCodes[i].reason;
    }
  }
  return CF_REASON_OTHER;
}

const char *cf_openssl_version(void) { return OpenSSL_version(OPENSSL_VERSION); }

/* parse_cert decodes one certificate record as tls_process_server_
 * certificate does: d2i_X509, and the whole entry must be consumed. */
static X509 *parse_cert(const struct cf_blob *b) {
  const unsigned char *p = b->data;
  if (b->len > LONG_MAX) {
    return NULL;
  }
  X509 *x = d2i_X509(NULL, &p, (long)b->len);
  if (x != NULL && p != b->data + b->len) {
    X509_free(x);
    return NULL;
  }
  return x;
}

/* report_path copies the accepted path into |out| as certificates of |c|:
 * by object identity where X509_verify_cert used the X509 objects the
 * adapter parsed (the leaf, the untrusted chain, the store's anchors), else
 * by bytes. check_trust swaps a leaf that is itself in the store for the
 * store's copy (a pinned self-signed leaf): the path's first certificate is
 * then the leaf by content, not by identity. */
static int report_path(struct cf_verdict *out, X509_STORE_CTX *ctx,
                       const struct cf_case *c, X509 *leaf,
                       STACK_OF(X509) *untrusted, X509 **anchors) {
  STACK_OF(X509) *path = X509_STORE_CTX_get0_chain(ctx);
  if (path == NULL || sk_X509_num(path) <= 0 ||
      X509_cmp(sk_X509_value(path, 0), leaf) != 0) {
    return 0;
  }
  for (int i = 0; i < sk_X509_num(path); i++) {
    X509 *x = sk_X509_value(path, i);
    int ok = 0;
    if (i == 0) {
      ok = cf_verdict_add_entry(out, CF_ROLE_LEAF, 0);
    }
    /* untrusted[0] is the leaf, as on the TLS path. */
    for (int j = 1; !ok && j < sk_X509_num(untrusted); j++) {
      if (x == sk_X509_value(untrusted, j)) {
        ok = cf_verdict_add_entry(out, CF_ROLE_INTERMEDIATE, (size_t)(j - 1));
      }
    }
    for (size_t j = 0; !ok && j < c->num_anchors; j++) {
      if (x == anchors[j]) {
        ok = cf_verdict_add_entry(out, CF_ROLE_ANCHOR, j);
      }
    }
    if (!ok) {
      unsigned char *der = NULL;
      int der_len = i2d_X509(x, &der);
      ok = der_len > 0 && cf_verdict_add_path(out, c, der, (size_t)der_len);
      OPENSSL_free(der);
    }
    if (!ok) {
      return 0;
    }
  }
  return 1;
}

/* apply_profile configures |ctx| as ssl_verify_cert_chain does for a client
 * of the device described by |p|. */
static int apply_profile(X509_STORE_CTX *ctx, const struct cf_profile *p) {
  X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
  unsigned long vflags = 0;
  unsigned int hostflags = 0;

  X509_VERIFY_PARAM_set_auth_level(param, OPENSSL_TLS_SECURITY_LEVEL);
  if (p->purpose == CF_PURPOSE_SERVER_AUTH &&
      !X509_STORE_CTX_set_default(ctx, "ssl_server")) {
    return 0;
  }
  if (p->purpose == CF_PURPOSE_CLIENT_AUTH &&
      !X509_STORE_CTX_set_default(ctx, "ssl_client")) {
    return 0;
  }
  X509_VERIFY_PARAM_set_time(param, (time_t)cf_profile_effective_time(p));
  X509_VERIFY_PARAM_set_depth(param, (int)p->max_depth);
  if (p->flags & CF_PROFILE_FLAG_PARTIAL_CHAIN) {
    vflags |= X509_V_FLAG_PARTIAL_CHAIN;
  }
  if (p->flags & CF_PROFILE_FLAG_X509_STRICT) {
    vflags |= X509_V_FLAG_X509_STRICT;
  }
  if (vflags != 0 && !X509_VERIFY_PARAM_set_flags(param, vflags)) {
    return 0;
  }
  if (p->flags & CF_PROFILE_FLAG_NO_WILDCARDS) {
    hostflags |= X509_CHECK_FLAG_NO_WILDCARDS;
  }
  if (p->flags & CF_PROFILE_FLAG_NO_CN_FALLBACK) {
    hostflags |= X509_CHECK_FLAG_NEVER_CHECK_SUBJECT;
  }
  X509_VERIFY_PARAM_set_hostflags(param, hostflags);
  if (p->name_type == CF_NAME_DNS) {
    /* SSL_set1_host: a name that parses as an IP address is one. */
    if (X509_VERIFY_PARAM_set1_ip_asc(param, p->dns_name) != 1 &&
        !X509_VERIFY_PARAM_set1_host(param, p->dns_name, p->dns_name_len)) {
      return 0;
    }
  }
  if (p->name_type == CF_NAME_IP &&
      !X509_VERIFY_PARAM_set1_ip(param, p->ip, p->ip_len)) {
    return 0;
  }
  return 1;
}

/* tls_key_type_known is ssl_cert_lookup_by_pkey: the key types a 3.0 TLS
 * client can authenticate a server with. */
static int tls_key_type_known(const EVP_PKEY *pkey) {
  static const char *const kTypes[] = {
      "RSA", "RSA-PSS", "DSA", "EC", "ED25519", "ED448",
      "gost2001", "gost2012_256", "gost2012_512",
  };
  for (size_t i = 0; i < sizeof(kTypes) / sizeof(kTypes[0]); i++) {
    if (EVP_PKEY_is_a(pkey, kTypes[i])) {
      return 1;
    }
  }
  return 0;
}

/* g_lax: the canary's mask (cf_openssl_verify_lax), read by lax_cb. */
static _Thread_local uint32_t g_lax;

/* lax_cb is a device's verify callback that lets the errors of the lax
 * reasons pass. */
static int lax_cb(int ok, X509_STORE_CTX *ctx) {
  int err = X509_STORE_CTX_get_error(ctx);
  if (!ok && (g_lax & (1u << cf_openssl_reason(err))) != 0) {
    X509_STORE_CTX_set_error(ctx, X509_V_OK);
    return 1;
  }
  return ok;
}

void cf_openssl_verify(struct cf_verdict *out, const struct cf_case *c) {
  cf_openssl_verify_lax(out, c, 0);
}

/* The canaries of this base (lib/validator.c, kCanaries). */
CF_DEFINE_CANARY(openssl, expiry, CF_LAX_EXPIRY)
CF_DEFINE_CANARY(openssl, name, CF_LAX_NAME)
CF_DEFINE_CANARY(openssl, ca, CF_LAX_CA)
CF_DEFINE_CANARY(openssl, pathlen, CF_LAX_PATHLEN)
CF_DEFINE_CANARY(openssl, eku, CF_LAX_EKU)

void cf_openssl_verify_lax(struct cf_verdict *out, const struct cf_case *c,
                           uint32_t lax) {
  X509_STORE *store = NULL;
  X509_STORE_CTX *ctx = NULL;
  STACK_OF(X509) *untrusted = NULL;
  X509 *leaf = NULL;
  X509 *anchors[CF_MAX_ANCHORS] = {NULL};

  cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, 0, "setup failed");
  if (!OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL)) {
    goto done;
  }
  store = X509_STORE_new();
  untrusted = sk_X509_new_null();
  ctx = X509_STORE_CTX_new();
  if (store == NULL || untrusted == NULL || ctx == NULL) {
    goto done;
  }
  for (size_t i = 0; i < c->num_anchors; i++) {
    anchors[i] = parse_cert(&c->anchors[i]);
    if (anchors[i] != NULL) {
      X509_STORE_add_cert(store, anchors[i]); /* a duplicate is no error */
    }
  }
  leaf = parse_cert(&c->leaf);
  if (leaf == NULL) {
    cf_verdict_set(out, CF_REJECT, CF_REASON_PARSE, 0, "leaf does not parse");
    goto done;
  }
  /* The received chain, leaf first, is the untrusted set (TLS passes the
   * whole peer chain). */
  if (!X509_up_ref(leaf)) {
    goto done;
  }
  if (!sk_X509_push(untrusted, leaf)) {
    X509_free(leaf);
    goto done;
  }
  for (size_t i = 0; i < c->num_intermediates; i++) {
    X509 *x = parse_cert(&c->intermediates[i]);
    if (x == NULL) {
      cf_verdict_set(out, CF_REJECT, CF_REASON_PARSE, 0,
                     "intermediate does not parse");
      goto done;
    }
    if (!sk_X509_push(untrusted, x)) {
      X509_free(x);
      goto done;
    }
  }
  if (!X509_STORE_CTX_init(ctx, store, leaf, untrusted) ||
      !apply_profile(ctx, &c->profile)) {
    goto done;
  }
  g_lax = lax;
  if (lax != 0) {
    X509_STORE_CTX_set_verify_cb(ctx, lax_cb);
  }
  int ret = X509_verify_cert(ctx);
  long err = X509_STORE_CTX_get_error(ctx);
  if (ret == 1 && err == X509_V_OK) {
    EVP_PKEY *pkey = X509_get0_pubkey(leaf);
    if (pkey == NULL || EVP_PKEY_missing_parameters(pkey)) {
      cf_verdict_set(out, CF_REJECT, CF_REASON_PARSE, 0,
                     "SSL_R_UNABLE_TO_FIND_PUBLIC_KEY_PARAMETERS (leaf key)");
    } else if (!tls_key_type_known(pkey)) {
      cf_verdict_set(out, CF_REJECT, CF_REASON_WEAK_ALGORITHM, 0,
                     "SSL_R_UNKNOWN_CERTIFICATE_TYPE (leaf key type TLS cannot use)");
    } else {
      cf_verdict_set(out, CF_ACCEPT, CF_REASON_NONE, 0, "");
      if (!report_path(out, ctx, c, leaf, untrusted, anchors)) {
        cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, 0,
                       "accepted path holds a certificate that is not in the case");
      }
    }
  } else if (ret == 1) {
    /* Success with an error code set would be a library bug: say so. */
    cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, err,
                   X509_verify_cert_error_string(err));
  } else if (err == X509_V_OK) {
    cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, 0,
                   "X509_verify_cert failed without an error code");
  } else {
    /* The library's failures (OUT_OF_MEM, ...) could not decide: ERROR. */
    int failed = err == X509_V_ERR_OUT_OF_MEM || err == X509_V_ERR_INVALID_CALL ||
                 err == X509_V_ERR_STORE_LOOKUP;
    cf_verdict_set(out, failed ? CF_ERROR : CF_REJECT, cf_openssl_reason(err), err,
                   X509_verify_cert_error_string(err));
  }

done:
  X509_STORE_CTX_free(ctx);
  sk_X509_pop_free(untrusted, X509_free);
  X509_free(leaf);
  X509_STORE_free(store);
  for (size_t i = 0; i < c->num_anchors; i++) {
    X509_free(anchors[i]);
  }
  ERR_clear_error();
}
