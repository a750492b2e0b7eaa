/* boringssl.c — the BoringSSL device validation path: what a device built on
 * BoringSSL runs when its TLS client receives the server's chain
 * (ssl_crypto_x509_session_verify_cert_chain: X509_STORE_CTX with
 * X509_STORE_CTX_set_default("ssl_server"), the verify param carrying the
 * expected host, then X509_verify_cert). */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "chainfuzz/bssl_compat.h"
#include "chainfuzz/validator.h"

/* kBoringsslReasons maps X509_V_ERR_* codes to the taxonomy. Codes missing
 * here map to CF_REASON_OTHER; tests/validator_test.c checks every entry. */
static const struct {
  long code;
  enum cf_reason reason;
} kBoringsslReasons[] = {
    {X509_V_ERR_UNSPECIFIED, CF_REASON_INTERNAL},
    {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, CF_REASON_UNTRUSTED},
    {X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE, CF_REASON_SIGNATURE},
    {X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY, CF_REASON_SIGNATURE},
    {X509_V_ERR_CERT_SIGNATURE_FAILURE, CF_REASON_SIGNATURE},
    {X509_V_ERR_CERT_NOT_YET_VALID, CF_REASON_NOT_YET_VALID},
    {X509_V_ERR_CERT_HAS_EXPIRED, CF_REASON_EXPIRED},
    {X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD, CF_REASON_PARSE},
    {X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD, CF_REASON_PARSE},
    {X509_V_ERR_OUT_OF_MEM, CF_REASON_INTERNAL},
    {X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, CF_REASON_UNTRUSTED},
    {X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, CF_REASON_UNTRUSTED},
    {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, CF_REASON_UNTRUSTED},
    {X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, CF_REASON_UNTRUSTED},
    {X509_V_ERR_CERT_CHAIN_TOO_LONG, CF_REASON_PATH_LENGTH},
    {X509_V_ERR_INVALID_CA, CF_REASON_NOT_CA},
    {X509_V_ERR_PATH_LENGTH_EXCEEDED, CF_REASON_PATH_LENGTH},
    {X509_V_ERR_INVALID_PURPOSE, CF_REASON_EKU},
    {X509_V_ERR_CERT_UNTRUSTED, CF_REASON_UNTRUSTED},
    {X509_V_ERR_CERT_REJECTED, CF_REASON_UNTRUSTED},
    {X509_V_ERR_KEYUSAGE_NO_CERTSIGN, CF_REASON_KEY_USAGE},
    {X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION, CF_REASON_CRITICAL_EXTENSION},
    {X509_V_ERR_INVALID_NON_CA, CF_REASON_NOT_CA},
    {X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE, CF_REASON_KEY_USAGE},
    {X509_V_ERR_INVALID_EXTENSION, CF_REASON_PARSE},
    {X509_V_ERR_INVALID_POLICY_EXTENSION, CF_REASON_POLICY},
    {X509_V_ERR_NO_EXPLICIT_POLICY, CF_REASON_POLICY},
    {X509_V_ERR_PERMITTED_VIOLATION, CF_REASON_NAME_CONSTRAINTS},
    {X509_V_ERR_EXCLUDED_VIOLATION, CF_REASON_NAME_CONSTRAINTS},
    {X509_V_ERR_SUBTREE_MINMAX, CF_REASON_NAME_CONSTRAINTS},
    {X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE, CF_REASON_NAME_CONSTRAINTS},
    {X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX, CF_REASON_NAME_CONSTRAINTS},
    {X509_V_ERR_UNSUPPORTED_NAME_SYNTAX, CF_REASON_NAME_CONSTRAINTS},
    {X509_V_ERR_NAME_CONSTRAINTS_WITHOUT_SANS, CF_REASON_NAME_CONSTRAINTS},
    {X509_V_ERR_HOSTNAME_MISMATCH, CF_REASON_NAME_MISMATCH},
    {X509_V_ERR_EMAIL_MISMATCH, CF_REASON_NAME_MISMATCH},
    {X509_V_ERR_IP_ADDRESS_MISMATCH, CF_REASON_NAME_MISMATCH},
    {X509_V_ERR_INVALID_CALL, CF_REASON_INTERNAL},
    {X509_V_ERR_STORE_LOOKUP, CF_REASON_INTERNAL},
};

enum cf_reason cf_boringssl_reason(long x509_v_err) {
  for (size_t i = 0; i < sizeof(kBoringsslReasons) / sizeof(kBoringsslReasons[0]);
       i++) {
    if (kBoringsslReasons[i].code == x509_v_err) {
      return kBoringsslReasons[i].reason;
    }
  }
  return CF_REASON_OTHER;
}

/* parse_cert decodes one certificate record. Like BoringSSL's TLS stack
 * (which reads each entry of the Certificate message with CBS), bytes after
 * the certificate inside its record are an error. */
static X509 *parse_cert(const struct cf_blob *b) {
  const uint8_t *p = b->data;
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

/* is_anchor says whether |x| is one of the device's trust anchors. */
static int is_anchor(X509 *x, X509 **anchors, size_t num_anchors) {
  for (size_t i = 0; i < num_anchors; i++) {
    if (anchors[i] != NULL && X509_cmp(x, anchors[i]) == 0) {
      return 1;
    }
  }
  return 0;
}

/* path_trust_len checks the path X509_verify_cert accepted: it starts at
 * the presented leaf and ends at one of the device's trust anchors, and it
 * returns the length of the path to report; 0 when the path is not so, a
 * library bug whatever an oracle says. One exception: with
 * X509_V_FLAG_PARTIAL_CHAIN, a leaf that is itself in the store (a pinned
 * leaf) is trusted as it is; check_trust swaps it for the store's copy but
 * leaves the untrusted issuers it had already chained after it, so the
 * path to report is the leaf alone. */
static size_t path_trust_len(X509_STORE_CTX *ctx, X509 *leaf, X509 **anchors,
                             size_t num_anchors) {
  STACK_OF(X509) *path = X509_STORE_CTX_get0_chain(ctx);
  if (path == NULL || sk_X509_num(path) == 0 ||
      X509_cmp(sk_X509_value(path, 0), leaf) != 0) {
    return 0;
  }
  size_t num = sk_X509_num(path);
  if ((X509_VERIFY_PARAM_get_flags(X509_STORE_CTX_get0_param(ctx)) &
       X509_V_FLAG_PARTIAL_CHAIN) &&
      is_anchor(sk_X509_value(path, 0), anchors, num_anchors)) {
    return 1;
  }
  if (num > CF_MAX_PATH) {
    /* The snapshot's chain builder does not stop at a certificate it has
     * already chained: names that chain in a loop (an empty subject
     * issued under an empty issuer) fill the chain up to the depth limit
     * before it ends at an anchor. Report it up to the first anchor. */
    for (size_t i = 1; i < CF_MAX_PATH; i++) {
      if (is_anchor(sk_X509_value(path, i), anchors, num_anchors)) {
        return i + 1;
      }
    }
    return 0;
  }
  if (is_anchor(sk_X509_value(path, num - 1), anchors, num_anchors)) {
    return num;
  }
  return 0;
}

/* report_path copies the first |len| certificates of the accepted path
 * (path_trust_len) into |out| as certificates of |c|, by object identity:
 * X509_verify_cert builds it from the very X509 objects the adapter parsed
 * from the case (leaf, |untrusted|, |anchors|); a pinned leaf is the
 * store's copy, so the first certificate is the leaf by content. */
static int report_path(struct cf_verdict *out, X509_STORE_CTX *ctx,
                       const struct cf_case *c, X509 *leaf,
                       STACK_OF(X509) *untrusted, X509 **anchors,
                       size_t len) {
  STACK_OF(X509) *path = X509_STORE_CTX_get0_chain(ctx);
  for (size_t i = 0; path != NULL && i < sk_X509_num(path) && i < len; i++) {
    X509 *x = sk_X509_value(path, i);
    int ok = 0;
    if (i == 0) { /* path_trust_len: the leaf, by content */
      ok = cf_verdict_add_entry(out, CF_ROLE_LEAF, 0);
    }
    for (size_t j = 0; !ok && j < sk_X509_num(untrusted); j++) {
      if (x == sk_X509_value(untrusted, j)) {
        ok = cf_verdict_add_entry(out, CF_ROLE_INTERMEDIATE, j);
      }
    }
    for (size_t j = 0; !ok && j < c->num_anchors; j++) {
      if (x == anchors[j]) {
        ok = cf_verdict_add_entry(out, CF_ROLE_ANCHOR, j);
      }
    }
    if (!ok) {
      return 0;
    }
  }
  return 1;
}

/* apply_profile configures |ctx| as the device described by |p|. */
static int apply_profile(X509_STORE_CTX *ctx, const struct cf_profile *p) {
  X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
  unsigned long vflags = 0;
  unsigned int hostflags = 0;

  if (p->purpose == CF_PURPOSE_SERVER_AUTH &&
      !X509_STORE_CTX_set_default(ctx, "ssl_server")) {
    return 0;
  }
  if (p->purpose == CF_PURPOSE_CLIENT_AUTH &&
      !X509_STORE_CTX_set_default(ctx, "ssl_client")) {
    return 0;
  }
  X509_VERIFY_PARAM_set_time(param, (time_t)cf_profile_effective_time(p));
  /* The profile counts intermediates only, as OpenSSL 1.1+ and upstream
   * BoringSSL do; the Android snapshot counts the trust anchor too
   * (bssl_compat.h). */
  X509_VERIFY_PARAM_set_depth(param, cf_bssl_verify_depth((int)p->max_depth));
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
  if (p->name_type == CF_NAME_DNS &&
      !X509_VERIFY_PARAM_set1_host(param, p->dns_name, p->dns_name_len)) {
    return 0;
  }
  if (p->name_type == CF_NAME_IP &&
      !X509_VERIFY_PARAM_set1_ip(param, p->ip, p->ip_len)) {
    return 0;
  }
  return 1;
}

void cf_boringssl_verify(struct cf_verdict *out, const struct cf_case *c) {
  cf_boringssl_verify_lax(out, c, NULL, 1);
}

void cf_boringssl_verify_lax(struct cf_verdict *out, const struct cf_case *c,
                             int (*verify_cb)(int ok, X509_STORE_CTX *ctx),
                             int check_name) {
  X509_STORE *store = NULL;
  X509_STORE_CTX *ctx = NULL;
  STACK_OF(X509) *untrusted = NULL;
  X509 *leaf = NULL;
  X509 *anchors[CF_MAX_ANCHORS] = {NULL};

  cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, 0, "setup failed");
  store = X509_STORE_new();
  untrusted = sk_X509_new_null();
  ctx = X509_STORE_CTX_new();
  if (store == NULL || untrusted == NULL || ctx == NULL) {
    goto done;
  }
  /* A device loads its bundle at boot and skips entries it cannot parse. */
  for (size_t i = 0; i < c->num_anchors; i++) {
    anchors[i] = parse_cert(&c->anchors[i]);
    if (anchors[i] != NULL) {
      X509_STORE_add_cert(store, anchors[i]); /* fails only on duplicates */
    }
  }
  leaf = parse_cert(&c->leaf);
  if (leaf == NULL) {
    cf_verdict_set(out, CF_REJECT, CF_REASON_PARSE, 0, "leaf does not parse");
    goto done;
  }
  /* The TLS client decodes the leaf's key before any verification
   * (ssl_parse_cert_chain -> ssl_cert_parse_pubkey -> EVP_parse_public_key)
   * and fails the handshake if it cannot; X509_verify_cert alone never
   * decodes the leaf's key (e.g. explicit EC parameters with a chosen
   * generator, which EC_KEY_parse_parameters refuses). */
  EVP_PKEY *leaf_key = X509_get_pubkey(leaf);
  if (leaf_key == NULL) {
    cf_verdict_set(out, CF_REJECT, CF_REASON_PARSE, 0,
                   "SSL_R_CANNOT_PARSE_LEAF_CERT (leaf key does not parse)");
    goto done;
  }
  EVP_PKEY_free(leaf_key);
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
  struct cf_profile profile = c->profile;
  if (!check_name) {
    profile.name_type = CF_NAME_NONE;
  }
  if (!X509_STORE_CTX_init(ctx, store, leaf, untrusted) ||
      !apply_profile(ctx, &profile)) {
    goto done;
  }
  if (verify_cb != NULL) {
    X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
  }
  int ret = X509_verify_cert(ctx);
  long err = X509_STORE_CTX_get_error(ctx);
  size_t trust_len = ret == 1 && err == X509_V_OK
                         ? path_trust_len(ctx, leaf, anchors, c->num_anchors)
                         : 0;
  if (ret == 1 && err == X509_V_OK && trust_len == 0) {
    cf_verdict_set(out, CF_ERROR, CF_REASON_UNTRUSTED, 0,
                "accepted path does not run from the leaf to a trust anchor");
  } else if (ret == 1 && err == X509_V_OK &&
             X509_get_key_usage(leaf) != UINT32_MAX &&
             (X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE) == 0) {
    /* The TLS client checks the leaf's keyUsage itself, whatever
     * X509_verify_cert decided (which skips purpose checks on a leaf found
     * in the store): TLS 1.3 always signs with the certificate key
     * (tls13_both.cc, ssl_cert_check_key_usage). */
    cf_verdict_set(out, CF_REJECT, CF_REASON_KEY_USAGE, 0,
                   "SSL_R_KEY_USAGE_BIT_INCORRECT (ssl_cert_check_key_usage: "
                   "leaf keyUsage without digitalSignature)");
  } else if (ret == 1 && err == X509_V_OK) {
    cf_verdict_set(out, CF_ACCEPT, CF_REASON_NONE, 0, "");
    if (!report_path(out, ctx, c, leaf, untrusted, anchors, trust_len)) {
      cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, 0,
                     "accepted path holds a certificate that is not in the case");
    }
  } else if (ret == 1) {
    /* Success with an error code set would be a library bug: say so. */
    cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, err,
                X509_verify_cert_error_string(err));
  } else if (err == X509_V_OK) {
    cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, 0,
                "X509_verify_cert failed without an error code");
  } else {
    cf_verdict_set(out, CF_REJECT, cf_boringssl_reason(err), err,
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
