/* lax.c — canaries: BoringSSL's device path (boringssl.c) made lax in one
 * way each, the way real device code goes wrong. The *_negative targets wrap
 * them and `make test` fails unless the oracles catch every one
 * (tests/canaries_test.sh), so an oracle that stops working cannot pass
 * silently (s2n's *_negative tests).
 *
 *   expiry_negative     ignores notBefore/notAfter (a verify callback that
 *                       clears CERT_HAS_EXPIRED / CERT_NOT_YET_VALID: the
 *                       "clock not set yet, let it pass" fix);
 *   ca_negative         accepts CA:FALSE (or no basicConstraints) issuers
 *                       (clears INVALID_CA / INVALID_NON_CA: B01);
 *   suffix_negative     where BoringSSL refuses the name, the expected
 *                       name still passes when it ends with any dNSName of
 *                       the leaf, without a label boundary
 *                       (evil-example.com matches example.com);
 *   signature_negative  skips the leaf's signature (clears
 *                       CERT_SIGNATURE_FAILURE at depth 0);
 *   pathlen_negative    ignores pathLenConstraint (clears
 *                       PATH_LENGTH_EXCEEDED);
 *   eku_negative        ignores the purpose (clears INVALID_PURPOSE).
 * The other bases' canaries (expiry, name, CA flag, path length, EKU of
 * Mbed TLS, wolfSSL and OpenSSL) are beside their adapters
 * (CF_DEFINE_CANARY, chainfuzz/validator.h).
 * Never use these outside canaries. */
#include <string.h>
#include <strings.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "chainfuzz/validator.h"

/* clear_if lets verification go on past |err1| / |err2|. */
static int clear_if(int ok, X509_STORE_CTX *ctx, int err1, int err2) {
  int err = X509_STORE_CTX_get_error(ctx);
  if (!ok && (err == err1 || err == err2)) {
    X509_STORE_CTX_set_error(ctx, X509_V_OK);
    return 1;
  }
  return ok;
}

static int lax_expiry_cb(int ok, X509_STORE_CTX *ctx) {
  return clear_if(ok, ctx, X509_V_ERR_CERT_HAS_EXPIRED,
                  X509_V_ERR_CERT_NOT_YET_VALID);
}

static int lax_ca_cb(int ok, X509_STORE_CTX *ctx) {
  return clear_if(ok, ctx, X509_V_ERR_INVALID_CA, X509_V_ERR_INVALID_NON_CA);
}

static int lax_signature_cb(int ok, X509_STORE_CTX *ctx) {
  if (X509_STORE_CTX_get_error_depth(ctx) != 0) {
    return ok;
  }
  return clear_if(ok, ctx, X509_V_ERR_CERT_SIGNATURE_FAILURE,
                  X509_V_ERR_CERT_SIGNATURE_FAILURE);
}

static int lax_pathlen_cb(int ok, X509_STORE_CTX *ctx) {
  return clear_if(ok, ctx, X509_V_ERR_PATH_LENGTH_EXCEEDED,
                  X509_V_ERR_PATH_LENGTH_EXCEEDED);
}

static int lax_eku_cb(int ok, X509_STORE_CTX *ctx) {
  return clear_if(ok, ctx, X509_V_ERR_INVALID_PURPOSE,
                  X509_V_ERR_INVALID_PURPOSE);
}

void cf_pathlen_negative_verify(struct cf_verdict *out, const struct cf_case *c) {
  cf_boringssl_verify_lax(out, c, lax_pathlen_cb, 1);
}

void cf_eku_negative_verify(struct cf_verdict *out, const struct cf_case *c) {
  cf_boringssl_verify_lax(out, c, lax_eku_cb, 1);
}

void cf_expiry_negative_verify(struct cf_verdict *out, const struct cf_case *c) {
  cf_boringssl_verify_lax(out, c, lax_expiry_cb, 1);
}

void cf_ca_negative_verify(struct cf_verdict *out, const struct cf_case *c) {
  cf_boringssl_verify_lax(out, c, lax_ca_cb, 1);
}

void cf_signature_negative_verify(struct cf_verdict *out,
                                  const struct cf_case *c) {
  cf_boringssl_verify_lax(out, c, lax_signature_cb, 1);
}

/* suffix_match: the device's own name check, done wrong. */
static int suffix_match(const struct cf_case *c) {
  const struct cf_profile *p = &c->profile;
  const uint8_t *der = c->leaf.data;
  X509 *leaf;
  GENERAL_NAMES *sans;
  int match = 0;
  if (p->name_type != CF_NAME_DNS) {
    return 1; /* only DNS names are checked (wrongly) */
  }
  leaf = d2i_X509(NULL, &der, (long)c->leaf.len);
  if (leaf == NULL) {
    return 0;
  }
  sans = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
  for (size_t i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
    const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
    if (gn->type != GEN_DNS) {
      continue;
    }
    const char *s = (const char *)ASN1_STRING_get0_data(gn->d.dNSName);
    size_t len = (size_t)ASN1_STRING_length(gn->d.dNSName);
    if (len >= 2 && s[0] == '*' && s[1] == '.') {
      s += 2;
      len -= 2;
    }
    if (len > 0 && len <= p->dns_name_len &&
        strncasecmp(p->dns_name + p->dns_name_len - len, s, len) == 0) {
      match = 1;
    }
  }
  GENERAL_NAMES_free(sans);
  X509_free(leaf);
  return match;
}

/* cf_suffix_negative_verify accepts what BoringSSL accepts and, where
 * BoringSSL refuses the name, what its own suffix check lets through: laxer
 * than its base, never stricter (a stricter canary made a disagreement of
 * its own, issue 13). */
void cf_suffix_negative_verify(struct cf_verdict *out, const struct cf_case *c) {
  cf_boringssl_verify_lax(out, c, NULL, 1);
  if (out->decision != CF_REJECT || out->reason != CF_REASON_NAME_MISMATCH) {
    return;
  }
  cf_boringssl_verify_lax(out, c, NULL, 0);
  if (out->decision == CF_ACCEPT && !suffix_match(c)) {
    cf_verdict_set(out, CF_REJECT, CF_REASON_NAME_MISMATCH, 0,
                   "no dNSName is a suffix of the expected name");
  }
}
