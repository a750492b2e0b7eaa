/* bssl_compat.c — run-time side of the BoringSSL compatibility layer
 * (include/chainfuzz/bssl_compat.h). */
#include "chainfuzz/bssl_compat.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bytestring.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/x509.h>

/* --- verify depth ---------------------------------------------------------
 *
 * The probe: three version-1 certificates, root -> ica -> leaf, names only
 * (every key is the P-256 generator, every signature a placeholder), the
 * root trusted, depth 1. A BoringSSL whose depth counts intermediates only
 * builds the whole path (and then fails on the placeholder signatures); one
 * that counts the anchor stops after the intermediate and reports the
 * issuer missing. Nothing draws randomness, so running the probe inside a
 * fuzzed run changes no stream. */

static const uint8_t kEcdsaSha256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
static const uint8_t kEcPublicKey[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
static const uint8_t kP256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const uint8_t kCommonName[] = {0x55, 0x04, 0x03};

static int add_oid(CBB *cbb, const uint8_t *oid, size_t len) {
  CBB o;
  return CBB_add_asn1(cbb, &o, CBS_ASN1_OBJECT) && CBB_add_bytes(&o, oid, len) &&
         CBB_flush(cbb);
}

static int add_name(CBB *cbb, const char *cn) {
  CBB name, rdn, atv, value;
  return CBB_add_asn1(cbb, &name, CBS_ASN1_SEQUENCE) &&
         CBB_add_asn1(&name, &rdn, CBS_ASN1_SET) &&
         CBB_add_asn1(&rdn, &atv, CBS_ASN1_SEQUENCE) &&
         add_oid(&atv, kCommonName, sizeof(kCommonName)) &&
         CBB_add_asn1(&atv, &value, CBS_ASN1_UTF8STRING) &&
         CBB_add_bytes(&value, (const uint8_t *)cn, strlen(cn)) &&
         CBB_flush(cbb);
}

static int add_time(CBB *cbb, const char *t) {
  CBB v;
  return CBB_add_asn1(cbb, &v, CBS_ASN1_UTCTIME) &&
         CBB_add_bytes(&v, (const uint8_t *)t, strlen(t)) && CBB_flush(cbb);
}

/* probe_cert returns a parsed certificate |subject| issued by |issuer| with
 * public point |point| (NULL on failure). */
static X509 *probe_cert(const char *subject, const char *issuer,
                        const uint8_t *point, size_t point_len, uint8_t serial) {
  static const uint8_t kPlaceholderSig[] = {0x30, 0x06, 0x02, 0x01, 0x01,
                                            0x02, 0x01, 0x01};
  CBB cbb, cert, tbs, alg, validity, spki, bits, sig;
  uint8_t *der = NULL;
  size_t der_len;
  X509 *x = NULL;
  if (CBB_init(&cbb, 512) && CBB_add_asn1(&cbb, &cert, CBS_ASN1_SEQUENCE) &&
      CBB_add_asn1(&cert, &tbs, CBS_ASN1_SEQUENCE) &&
      CBB_add_asn1_uint64(&tbs, serial) &&
      CBB_add_asn1(&tbs, &alg, CBS_ASN1_SEQUENCE) &&
      add_oid(&alg, kEcdsaSha256, sizeof(kEcdsaSha256)) &&
      add_name(&tbs, issuer) &&
      CBB_add_asn1(&tbs, &validity, CBS_ASN1_SEQUENCE) &&
      add_time(&validity, "200101000000Z") &&
      add_time(&validity, "400101000000Z") && add_name(&tbs, subject) &&
      CBB_add_asn1(&tbs, &spki, CBS_ASN1_SEQUENCE) &&
      CBB_add_asn1(&spki, &alg, CBS_ASN1_SEQUENCE) &&
      add_oid(&alg, kEcPublicKey, sizeof(kEcPublicKey)) &&
      add_oid(&alg, kP256, sizeof(kP256)) &&
      CBB_add_asn1(&spki, &bits, CBS_ASN1_BITSTRING) &&
      CBB_add_u8(&bits, 0) && CBB_add_bytes(&bits, point, point_len) &&
      CBB_add_asn1(&cert, &alg, CBS_ASN1_SEQUENCE) &&
      add_oid(&alg, kEcdsaSha256, sizeof(kEcdsaSha256)) &&
      CBB_add_asn1(&cert, &sig, CBS_ASN1_BITSTRING) && CBB_add_u8(&sig, 0) &&
      CBB_add_bytes(&sig, kPlaceholderSig, sizeof(kPlaceholderSig)) &&
      CBB_finish(&cbb, &der, &der_len)) {
    const uint8_t *p = der;
    x = d2i_X509(NULL, &p, (long)der_len);
  } else {
    CBB_cleanup(&cbb);
  }
  OPENSSL_free(der);
  return x;
}

static int g_issuer_missing;

static int probe_callback(int ok, X509_STORE_CTX *ctx) {
  int err = X509_STORE_CTX_get_error(ctx);
  if (err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
      err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
      err == X509_V_ERR_CERT_CHAIN_TOO_LONG) {
    g_issuer_missing = 1;
  }
  return 1; /* go on: only the path matters */
}

static int g_counts_anchor = -1;

static void probe_depth(void) {
  EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  uint8_t point[65];
  size_t point_len = 0;
  X509 *root = NULL, *ica = NULL, *leaf = NULL;
  X509_STORE *store = X509_STORE_new();
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  STACK_OF(X509) *untrusted = sk_X509_new_null();
  if (group != NULL) {
    point_len = EC_POINT_point2oct(group, EC_GROUP_get0_generator(group),
                                   POINT_CONVERSION_UNCOMPRESSED, point,
                                   sizeof(point), NULL);
  }
  if (point_len == sizeof(point)) {
    root = probe_cert("chainfuzz depth probe root", "chainfuzz depth probe root",
                      point, point_len, 1);
    ica = probe_cert("chainfuzz depth probe ica", "chainfuzz depth probe root",
                     point, point_len, 2);
    leaf = probe_cert("chainfuzz depth probe leaf", "chainfuzz depth probe ica",
                      point, point_len, 3);
  }
  if (root != NULL && ica != NULL && leaf != NULL && store != NULL &&
      ctx != NULL && untrusted != NULL && X509_STORE_add_cert(store, root) &&
      sk_X509_push(untrusted, ica) &&
      X509_STORE_CTX_init(ctx, store, leaf, untrusted)) {
    ica = NULL; /* owned by |untrusted| */
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_time(param, 1700000000);
    X509_VERIFY_PARAM_set_depth(param, 1);
    X509_STORE_CTX_set_verify_cb(ctx, probe_callback);
    g_issuer_missing = 0;
    (void)X509_verify_cert(ctx);
    g_counts_anchor = g_issuer_missing;
  }
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  sk_X509_pop_free(untrusted, X509_free);
  X509_free(root);
  X509_free(ica);
  X509_free(leaf);
  EC_GROUP_free(group);
  ERR_clear_error();
}

int cf_bssl_depth_counts_anchor(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, probe_depth);
  if (g_counts_anchor < 0) {
    fprintf(stderr, "chainfuzz: the BoringSSL verify-depth probe could not "
                    "run (out of memory?)\n");
    abort();
  }
  return g_counts_anchor;
}

int cf_bssl_verify_depth(int max_intermediates) {
  return max_intermediates + cf_bssl_depth_counts_anchor();
}

/* --- fuzzer mode ---------------------------------------------------------- */

int cf_bssl_set_fuzzer_mode(void) {
#if defined(CF_BSSL_HAVE_SET_FUZZER_MODE)
  CRYPTO_set_fuzzer_mode(1);
  return 1;
#else
  return 0;
#endif
}
