/* pem_bundle — loading a device's CA bundle from PEM, as devices do at boot.
 *
 * Input: the bytes of a PEM bundle file (any bytes; PEM blocks of any type,
 * text between them, headers, encrypted blocks).
 *
 * Feeds, each from a fresh read-only memory BIO over the input:
 *  1. PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL) and every certificate and
 *     CRL it returns into a fresh X509_STORE with X509_STORE_add_cert /
 *     X509_STORE_add_crl: what SSL_CTX_load_verify_locations and
 *     X509_STORE_load_locations do (X509_load_cert_crl_file);
 *  2. PEM_read_bio_X509_AUX in a loop until it fails, without a password:
 *     what X509_load_cert_file and chain-file loaders do;
 *  3. PEM_read_bio_X509 in a loop with the fixed password kPassword, so that
 *     encrypted blocks reach the PEM decryption code too.
 *
 * Invariants checked (each failure prints the finding line of finding.h,
 * kind=invariant oracle=<check name>, and aborts through a never-inlined
 * function named after it):
 *  - every certificate loaded re-encodes (PEM_write_bio_X509) and reads back
 *    (PEM_read_bio_X509) to identical DER (pem_bundle_reencode_failed,
 *    pem_bundle_roundtrip_mismatch); the same with the _AUX functions and
 *    i2d_X509_AUX for the certificates of loop 2, and with the _X509_CRL
 *    functions for every CRL;
 *  - the two bundle loaders agree: when PEM_X509_INFO_read_bio succeeds, the
 *    certificates the PEM_read_bio_X509_AUX loop reads are, in order, the
 *    first certificates PEM_X509_INFO_read_bio read, with the same DER (both
 *    accept the same three block names and parse with d2i_X509; the loop
 *    stops early where d2i_X509_AUX rejects data after a certificate)
 *    (pem_bundle_loaders_disagree);
 *  - every certificate added to the store is found again by its subject
 *    (X509_STORE_get1_certs returns a certificate equal under X509_cmp): the
 *    lookup a verifier does to find an issuer or trust anchor
 *    (pem_bundle_store_lookup). */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainfuzz/finding.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* kPassword is the fixed password loop 3 offers for encrypted blocks. */
static char kPassword[] = "chainfuzz";

/* kMaxCerts bounds the iterations of loop 2; an input within max_len holds
 * far fewer certificates. */
static const size_t kMaxCerts = 1024;

/* Each invariant aborts through its own function (finding.h). */
CF_DEFINE_INVARIANT(pem_bundle_reencode_failed, "boringssl")
CF_DEFINE_INVARIANT(pem_bundle_roundtrip_mismatch, "boringssl")
CF_DEFINE_INVARIANT(pem_bundle_loaders_disagree, "boringssl")
CF_DEFINE_INVARIANT(pem_bundle_store_lookup, "boringssl")

/* same_der returns 1 if |a| (|a_len| bytes, negative on error) and |b|
 * (|b_len| bytes) are both encodings and identical, 0 otherwise. */
static int same_der(const uint8_t *a, int a_len, const uint8_t *b,
                    int b_len) {
  return a_len >= 0 && a_len == b_len &&
         memcmp(a, b, (size_t)a_len) == 0;
}

/* check_x509_roundtrip writes |x509| as PEM, reads it back and checks that
 * the DER is unchanged. |where| names the loader that produced |x509|. */
static void check_x509_roundtrip(X509 *x509, const char *where) {
  BIO *bio = NULL;
  X509 *back = NULL;
  uint8_t *der = NULL;
  uint8_t *back_der = NULL;

  int der_len = i2d_X509(x509, &der);
  bio = BIO_new(BIO_s_mem());
  if (bio == NULL) {
    goto err;
  }
  if (der_len < 0 || !PEM_write_bio_X509(bio, x509)) {
    pem_bundle_reencode_failed("%s: a loaded certificate does not re-encode "
                               "(i2d_X509 gives %d)", where, der_len);
  }
  back = PEM_read_bio_X509(bio, NULL, NULL, NULL);
  if (back == NULL) {
    pem_bundle_roundtrip_mismatch("%s: PEM_read_bio_X509 rejects what "
                                  "PEM_write_bio_X509 wrote (%d bytes of DER)",
                                  where, der_len);
  }
  int back_der_len = i2d_X509(back, &back_der);
  if (!same_der(der, der_len, back_der, back_der_len)) {
    pem_bundle_roundtrip_mismatch("%s: certificate DER changed through PEM: "
                                  "%d bytes, %d bytes after write and read",
                                  where, der_len, back_der_len);
  }

err:
  OPENSSL_free(back_der);
  OPENSSL_free(der);
  X509_free(back);
  BIO_free(bio);
}

/* check_x509_aux_roundtrip is check_x509_roundtrip for the trusted
 * certificate form (certificate plus trust settings). */
static void check_x509_aux_roundtrip(X509 *x509) {
  BIO *bio = NULL;
  X509 *back = NULL;
  uint8_t *der = NULL;
  uint8_t *back_der = NULL;

  int der_len = i2d_X509_AUX(x509, &der);
  bio = BIO_new(BIO_s_mem());
  if (bio == NULL) {
    goto err;
  }
  if (der_len < 0 || !PEM_write_bio_X509_AUX(bio, x509)) {
    pem_bundle_reencode_failed("PEM_read_bio_X509_AUX loop: a loaded trusted "
                               "certificate does not re-encode "
                               "(i2d_X509_AUX gives %d)", der_len);
  }
  back = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL);
  if (back == NULL) {
    pem_bundle_roundtrip_mismatch("PEM_read_bio_X509_AUX rejects what "
                                  "PEM_write_bio_X509_AUX wrote (%d bytes)",
                                  der_len);
  }
  int back_der_len = i2d_X509_AUX(back, &back_der);
  if (!same_der(der, der_len, back_der, back_der_len)) {
    pem_bundle_roundtrip_mismatch("trusted certificate DER changed through "
                                  "PEM: %d bytes, %d bytes after write and "
                                  "read", der_len, back_der_len);
  }

err:
  OPENSSL_free(back_der);
  OPENSSL_free(der);
  X509_free(back);
  BIO_free(bio);
}

/* check_crl_roundtrip is check_x509_roundtrip for a CRL. */
static void check_crl_roundtrip(X509_CRL *crl) {
  BIO *bio = NULL;
  X509_CRL *back = NULL;
  uint8_t *der = NULL;
  uint8_t *back_der = NULL;

  int der_len = i2d_X509_CRL(crl, &der);
  bio = BIO_new(BIO_s_mem());
  if (bio == NULL) {
    goto err;
  }
  if (der_len < 0 || !PEM_write_bio_X509_CRL(bio, crl)) {
    pem_bundle_reencode_failed("a loaded CRL does not re-encode "
                               "(i2d_X509_CRL gives %d)", der_len);
  }
  back = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
  if (back == NULL) {
    pem_bundle_roundtrip_mismatch("PEM_read_bio_X509_CRL rejects what "
                                  "PEM_write_bio_X509_CRL wrote (%d bytes)",
                                  der_len);
  }
  int back_der_len = i2d_X509_CRL(back, &back_der);
  if (!same_der(der, der_len, back_der, back_der_len)) {
    pem_bundle_roundtrip_mismatch("CRL DER changed through PEM: %d bytes, "
                                  "%d bytes after write and read",
                                  der_len, back_der_len);
  }

err:
  OPENSSL_free(back_der);
  OPENSSL_free(der);
  X509_CRL_free(back);
  BIO_free(bio);
}

/* check_store_lookup checks that |x509|, added to |store|, is found again by
 * its subject name through |ctx| (initialised on |store|). */
static void check_store_lookup(X509_STORE_CTX *ctx, X509 *x509) {
  STACK_OF(X509) *found = X509_STORE_get1_certs(ctx,
                                                X509_get_subject_name(x509));
  int match = 0;
  for (size_t i = 0; i < sk_X509_num(found); i++) {
    if (X509_cmp(sk_X509_value(found, i), x509) == 0) {
      match = 1;
      break;
    }
  }
  if (!match) {
    char subject[256];
    X509_NAME_oneline(X509_get_subject_name(x509), subject, sizeof(subject));
    pem_bundle_store_lookup("a certificate added to the store is not found "
                            "by its subject \"%s\" (%zu candidates)",
                            subject, sk_X509_num(found));
  }
  sk_X509_pop_free(found, X509_free);
}

/* load_info loads |data| (|data_len| bytes) the way X509_load_cert_crl_file
 * does into |store|, checks the round trips and the store lookups, and
 * returns the X509_INFO list (NULL if PEM_X509_INFO_read_bio failed). */
static STACK_OF(X509_INFO) *load_info(X509_STORE *store, const uint8_t *data,
                                      size_t data_len) {
  BIO *bio = NULL;
  X509_STORE_CTX *ctx = NULL;
  STACK_OF(X509_INFO) *infos = NULL;

  bio = BIO_new_mem_buf(data, (int)data_len);
  if (bio == NULL) {
    goto err;
  }
  infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
  if (infos == NULL) {
    goto err;
  }
  for (size_t i = 0; i < sk_X509_INFO_num(infos); i++) {
    X509_INFO *info = sk_X509_INFO_value(infos, i);
    if (info->x509 != NULL) {
      check_x509_roundtrip(info->x509, "PEM_X509_INFO_read_bio");
      if (!X509_STORE_add_cert(store, info->x509)) {
        goto err;
      }
    }
    if (info->crl != NULL) {
      check_crl_roundtrip(info->crl);
      if (!X509_STORE_add_crl(store, info->crl)) {
        goto err;
      }
    }
  }

  ctx = X509_STORE_CTX_new();
  if (ctx == NULL || !X509_STORE_CTX_init(ctx, store, NULL, NULL)) {
    goto err;
  }
  for (size_t i = 0; i < sk_X509_INFO_num(infos); i++) {
    X509_INFO *info = sk_X509_INFO_value(infos, i);
    if (info->x509 != NULL) {
      check_store_lookup(ctx, info->x509);
    }
  }

err:
  X509_STORE_CTX_free(ctx);
  BIO_free(bio);
  return infos;
}

/* info_cert returns the |n|th certificate (from 0) in |infos|, or NULL. */
static X509 *info_cert(const STACK_OF(X509_INFO) *infos, size_t n) {
  for (size_t i = 0; i < sk_X509_INFO_num(infos); i++) {
    X509 *x509 = sk_X509_INFO_value(infos, i)->x509;
    if (x509 == NULL) {
      continue;
    }
    if (n == 0) {
      return x509;
    }
    n--;
  }
  return NULL;
}

/* compare_loaders checks that |x509|, the |n|th certificate (from 0) the
 * PEM_read_bio_X509_AUX loop read, is the |n|th certificate of |infos|. */
static void compare_loaders(const STACK_OF(X509_INFO) *infos, size_t n,
                            X509 *x509) {
  uint8_t *der = NULL;
  uint8_t *info_der = NULL;

  X509 *info_x509 = info_cert(infos, n);
  if (info_x509 == NULL) {
    pem_bundle_loaders_disagree("PEM_read_bio_X509_AUX read certificate #%zu "
                                "but PEM_X509_INFO_read_bio read only %zu",
                                n + 1, n);
  }
  int der_len = i2d_X509(x509, &der);
  int info_der_len = i2d_X509(info_x509, &info_der);
  if (!same_der(der, der_len, info_der, info_der_len)) {
    pem_bundle_loaders_disagree("certificate #%zu differs: %d bytes from "
                                "PEM_read_bio_X509_AUX, %d from "
                                "PEM_X509_INFO_read_bio",
                                n + 1, der_len, info_der_len);
  }
  OPENSSL_free(info_der);
  OPENSSL_free(der);
}

/* load_aux_loop reads |data| (|data_len| bytes) with PEM_read_bio_X509_AUX
 * until it fails, checking each certificate's round trips and, if |infos| is
 * not NULL, that it matches the other loader. */
static void load_aux_loop(const STACK_OF(X509_INFO) *infos,
                          const uint8_t *data, size_t data_len) {
  BIO *bio = NULL;
  X509 *x509 = NULL;

  bio = BIO_new_mem_buf(data, (int)data_len);
  if (bio == NULL) {
    goto err;
  }
  for (size_t n = 0; n < kMaxCerts; n++) {
    x509 = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL);
    if (x509 == NULL) {
      break;
    }
    check_x509_roundtrip(x509, "PEM_read_bio_X509_AUX loop");
    check_x509_aux_roundtrip(x509);
    if (infos != NULL) {
      compare_loaders(infos, n, x509);
    }
    X509_free(x509);
    x509 = NULL;
  }

err:
  X509_free(x509);
  BIO_free(bio);
}

/* load_password_loop reads |data| (|data_len| bytes) with PEM_read_bio_X509
 * and the password kPassword until it fails, checking each round trip. */
static void load_password_loop(const uint8_t *data, size_t data_len) {
  BIO *bio = NULL;
  X509 *x509 = NULL;

  bio = BIO_new_mem_buf(data, (int)data_len);
  if (bio == NULL) {
    goto err;
  }
  for (;;) {
    x509 = PEM_read_bio_X509(bio, NULL, NULL, kPassword);
    if (x509 == NULL) {
      break;
    }
    check_x509_roundtrip(x509, "PEM_read_bio_X509 loop");
    X509_free(x509);
    x509 = NULL;
  }

err:
  X509_free(x509);
  BIO_free(bio);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cf_finding_set_input(data, size);

  X509_STORE *store = NULL;
  STACK_OF(X509_INFO) *infos = NULL;

  if (size > INT_MAX) {
    return 0;
  }
  store = X509_STORE_new();
  if (store == NULL) {
    goto err;
  }
  infos = load_info(store, data, size);
  ERR_clear_error();
  load_aux_loop(infos, data, size);
  ERR_clear_error();
  load_password_loop(data, size);

err:
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  X509_STORE_free(store);
  ERR_clear_error();
  return 0;
}
