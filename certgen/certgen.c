/* certgen.c — key pool and certificate builder (certgen.h). Every byte of
 * DER goes through CBB; there is no encoder of our own. */
#include "certgen.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bytestring.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "sign.h"

/* kKeyFiles is indexed by enum cf_key_id. */
static const char *const kKeyFiles[CF_KEY_COUNT] = {
    "root-rsa2048.pem",         "root-p256.pem",
    "root-p384.pem",            "root-ed25519.pem",
    "intermediate-rsa2048.pem", "intermediate-p256.pem",
    "intermediate-p384.pem",    "intermediate-ed25519.pem",
    "leaf-rsa2048.pem",         "leaf-p256.pem",
    "leaf-p384.pem",            "leaf-ed25519.pem",
    "weak-rsa1024.pem",
};

const char *cf_key_file_name(enum cf_key_id id) {
  return (unsigned)id < CF_KEY_COUNT ? kKeyFiles[id] : NULL;
}

void cf_keys_free(struct cf_keys *keys) {
  for (size_t i = 0; i < CF_KEY_COUNT; i++) {
    EVP_PKEY_free(keys->key[i]);
    keys->key[i] = NULL;
  }
}

int cf_keys_load(struct cf_keys *out, const char *dir, char *err,
                 size_t err_len) {
  char path[4096];
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < CF_KEY_COUNT; i++) {
    snprintf(path, sizeof(path), "%s/%s", dir, kKeyFiles[i]);
    BIO *bio = BIO_new_file(path, "r");
    if (bio != NULL) {
      out->key[i] = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
      BIO_free(bio);
    }
    if (out->key[i] == NULL) {
      snprintf(err, err_len, "cannot read private key %s", path);
      cf_keys_free(out);
      ERR_clear_error();
      return 0;
    }
  }
  return 1;
}

void cf_cert_spec_init(struct cf_cert_spec *spec) {
  memset(spec, 0, sizeof(*spec));
  spec->version = 3;
  spec->path_len = -1;
}

/* days_from_civil and civil_from_days are H. Hinnant's proleptic Gregorian
 * conversions (days relative to 1970-01-01). */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int64_t cf_time_from_civil(int year, int month, int day, int hour, int min,
                           int sec) {
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 +
         sec;
}

/* add_time writes |t| as UTCTime for 1950..2049 and as GeneralizedTime
 * otherwise (RFC 5280 4.1.2.5). Years outside 0..9999 are an error. */
static int add_time(CBB *cbb, int64_t t) {
  int64_t days = t / 86400, secs = t % 86400, year;
  int month, day;
  char buf[32];
  CBB child;
  if (secs < 0) {
    secs += 86400;
    days--;
  }
  civil_from_days(days, &year, &month, &day);
  if (year < 0 || year > 9999) {
    return 0;
  }
  int utc = year >= 1950 && year < 2050;
  int n = snprintf(buf, sizeof(buf), "%0*d%02d%02d%02d%02d%02dZ", utc ? 2 : 4,
                   (int)(utc ? year % 100 : year), month, day,
                   (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
  return CBB_add_asn1(cbb, &child,
                      utc ? CBS_ASN1_UTCTIME : CBS_ASN1_GENERALIZEDTIME) &&
         CBB_add_bytes(&child, (const uint8_t *)buf, (size_t)n) &&
         CBB_flush(cbb);
}

static int add_oid(CBB *cbb, const char *oid) {
  CBB child;
  return CBB_add_asn1(cbb, &child, CBS_ASN1_OBJECT) &&
         CBB_add_asn1_oid_from_text(&child, oid, strlen(oid)) &&
         CBB_flush(cbb);
}

static int add_rdn(CBB *name, const char *oid, const char *value) {
  CBB rdn, atv, str;
  return CBB_add_asn1(name, &rdn, CBS_ASN1_SET) &&
         CBB_add_asn1(&rdn, &atv, CBS_ASN1_SEQUENCE) && add_oid(&atv, oid) &&
         CBB_add_asn1(&atv, &str, CBS_ASN1_UTF8STRING) &&
         CBB_add_bytes(&str, (const uint8_t *)value, strlen(value)) &&
         CBB_flush(name);
}

/* add_name writes a Name of at most O and CN (in that order). */
static int add_name(CBB *cbb, const char *cn, const char *o) {
  CBB name;
  return CBB_add_asn1(cbb, &name, CBS_ASN1_SEQUENCE) &&
         (o == NULL || add_rdn(&name, "2.5.4.10", o)) &&
         (cn == NULL || add_rdn(&name, "2.5.4.3", cn)) && CBB_flush(cbb);
}

/* sig_alg picks the signature algorithm of |key|. */
static int sig_alg(const EVP_PKEY *key, const char **out_oid,
                   const EVP_MD **out_md, int *out_null_params) {
  *out_null_params = 0;
  switch (EVP_PKEY_id(key)) {
    case EVP_PKEY_RSA:
      *out_oid = "1.2.840.113549.1.1.11";
      *out_md = EVP_sha256();
      *out_null_params = 1;
      return 1;
    case EVP_PKEY_EC: {
      const EC_GROUP *g = EC_KEY_get0_group(EVP_PKEY_get0_EC_KEY(key));
      int nid = g != NULL ? EC_GROUP_get_curve_name(g) : NID_undef;
      if (nid == NID_X9_62_prime256v1) {
        *out_oid = "1.2.840.10045.4.3.2";
        *out_md = EVP_sha256();
        return 1;
      }
      if (nid == NID_secp384r1) {
        *out_oid = "1.2.840.10045.4.3.3";
        *out_md = EVP_sha384();
        return 1;
      }
      return 0;
    }
    case EVP_PKEY_ED25519:
      *out_oid = "1.3.101.112";
      *out_md = NULL;
      return 1;
  }
  return 0;
}

static int add_alg_id(CBB *cbb, const EVP_PKEY *issuer_key) {
  const char *oid;
  const EVP_MD *md;
  int null_params;
  CBB seq, null;
  return sig_alg(issuer_key, &oid, &md, &null_params) &&
         CBB_add_asn1(cbb, &seq, CBS_ASN1_SEQUENCE) && add_oid(&seq, oid) &&
         (!null_params || CBB_add_asn1(&seq, &null, CBS_ASN1_NULL)) &&
         CBB_flush(cbb);
}

/* key_id sets |out| to the SHA-1 of the subjectPublicKey BIT STRING value of
 * |key| (RFC 5280 4.2.1.2, method 1). */
static int key_id(uint8_t out[SHA_DIGEST_LENGTH], const EVP_PKEY *key) {
  CBB cbb;
  CBS spki, seq, alg, bits;
  uint8_t *der = NULL;
  size_t der_len;
  uint8_t unused;
  int ok = 0;
  if (!CBB_init(&cbb, 128) || !EVP_marshal_public_key(&cbb, key) ||
      !CBB_finish(&cbb, &der, &der_len)) {
    CBB_cleanup(&cbb);
    return 0;
  }
  CBS_init(&spki, der, der_len);
  if (CBS_get_asn1(&spki, &seq, CBS_ASN1_SEQUENCE) &&
      CBS_get_asn1(&seq, &alg, CBS_ASN1_SEQUENCE) &&
      CBS_get_asn1(&seq, &bits, CBS_ASN1_BITSTRING) &&
      CBS_get_u8(&bits, &unused)) {
    SHA1(CBS_data(&bits), CBS_len(&bits), out);
    ok = 1;
  }
  OPENSSL_free(der);
  return ok;
}

/* begin_ext opens one Extension in |exts| and returns its extnValue
 * contents in |*value|; the caller fills it, then flushes |exts|. */
static int begin_ext(CBB *exts, CBB *ext, CBB *value, const char *oid,
                     int critical) {
  return CBB_add_asn1(exts, ext, CBS_ASN1_SEQUENCE) && add_oid(ext, oid) &&
         (!critical || CBB_add_asn1_bool(ext, 1)) &&
         CBB_add_asn1(ext, value, CBS_ASN1_OCTETSTRING);
}

/* add_key_usage writes the KeyUsage BIT STRING of |mask| in DER: trailing
 * zero bits dropped, the count of unused bits in front. */
static int add_key_usage(CBB *cbb, uint32_t mask) {
  uint8_t bytes[2] = {0, 0};
  size_t n = 0;
  int last = -1;
  CBB bits;
  for (int i = 0; i < 9; i++) {
    if (mask & (1u << i)) {
      bytes[i / 8] |= (uint8_t)(0x80 >> (i % 8));
      last = i;
    }
  }
  n = last < 0 ? 0 : (size_t)(last / 8 + 1);
  return CBB_add_asn1(cbb, &bits, CBS_ASN1_BITSTRING) &&
         CBB_add_u8(&bits, (uint8_t)(last < 0 ? 0 : 7 - last % 8)) &&
         CBB_add_bytes(&bits, bytes, n) && CBB_flush(cbb);
}

static int add_extensions(CBB *tbs, const struct cf_cert_spec *s) {
  CBB wrap, exts, ext, val, seq, child;
  uint8_t id[SHA_DIGEST_LENGTH];
  int has_san = s->dns_sans[0] != NULL || s->ip_san_lens[0] != 0;
  if (s->basic_constraints == CF_BC_ABSENT && s->key_usage == 0 &&
      s->eku == 0 && !has_san && !s->ski && !s->aki) {
    return 1;
  }
  if (!CBB_add_asn1(tbs, &wrap,
                    CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 3) ||
      !CBB_add_asn1(&wrap, &exts, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  if (s->basic_constraints != CF_BC_ABSENT &&
      (!begin_ext(&exts, &ext, &val, "2.5.29.19", 1) ||
       !CBB_add_asn1(&val, &seq, CBS_ASN1_SEQUENCE) ||
       (s->basic_constraints == CF_BC_CA && !CBB_add_asn1_bool(&seq, 1)) ||
       (s->basic_constraints == CF_BC_CA && s->path_len >= 0 &&
        !CBB_add_asn1_uint64(&seq, (uint64_t)s->path_len)) ||
       !CBB_flush(&exts))) {
    return 0;
  }
  if (s->key_usage != 0 && (!begin_ext(&exts, &ext, &val, "2.5.29.15", 1) ||
                            !add_key_usage(&val, s->key_usage) ||
                            !CBB_flush(&exts))) {
    return 0;
  }
  if (s->eku != 0 &&
      (!begin_ext(&exts, &ext, &val, "2.5.29.37", 0) ||
       !CBB_add_asn1(&val, &seq, CBS_ASN1_SEQUENCE) ||
       ((s->eku & CF_EKU_SERVER_AUTH) && !add_oid(&seq, "1.3.6.1.5.5.7.3.1")) ||
       ((s->eku & CF_EKU_CLIENT_AUTH) && !add_oid(&seq, "1.3.6.1.5.5.7.3.2")) ||
       !CBB_flush(&exts))) {
    return 0;
  }
  if (has_san) {
    /* Critical only when the subject is empty (RFC 5280 4.2.1.6). */
    int critical = s->subject_cn == NULL && s->subject_o == NULL;
    if (!begin_ext(&exts, &ext, &val, "2.5.29.17", critical) ||
        !CBB_add_asn1(&val, &seq, CBS_ASN1_SEQUENCE)) {
      return 0;
    }
    for (size_t i = 0; i < CF_CERT_MAX_SANS && s->dns_sans[i] != NULL; i++) {
      if (!CBB_add_asn1(&seq, &child, CBS_ASN1_CONTEXT_SPECIFIC | 2) ||
          !CBB_add_bytes(&child, (const uint8_t *)s->dns_sans[i],
                         strlen(s->dns_sans[i]))) {
        return 0;
      }
    }
    for (size_t i = 0; i < CF_CERT_MAX_SANS && s->ip_san_lens[i] != 0; i++) {
      if (!CBB_add_asn1(&seq, &child, CBS_ASN1_CONTEXT_SPECIFIC | 7) ||
          !CBB_add_bytes(&child, s->ip_sans[i], s->ip_san_lens[i])) {
        return 0;
      }
    }
    if (!CBB_flush(&exts)) {
      return 0;
    }
  }
  if (s->ski && (!key_id(id, s->subject_key) ||
                 !begin_ext(&exts, &ext, &val, "2.5.29.14", 0) ||
                 !CBB_add_asn1_octet_string(&val, id, sizeof(id)) ||
                 !CBB_flush(&exts))) {
    return 0;
  }
  if (s->aki && (!key_id(id, s->issuer_key) ||
                 !begin_ext(&exts, &ext, &val, "2.5.29.35", 0) ||
                 !CBB_add_asn1(&val, &seq, CBS_ASN1_SEQUENCE) ||
                 !CBB_add_asn1(&seq, &child, CBS_ASN1_CONTEXT_SPECIFIC | 0) ||
                 !CBB_add_bytes(&child, id, sizeof(id)) || !CBB_flush(&exts))) {
    return 0;
  }
  return CBB_flush(tbs);
}

/* build_tbs encodes the TBSCertificate of |s| with serial |serial|. */
static int build_tbs(uint8_t **out, size_t *out_len,
                     const struct cf_cert_spec *s, uint64_t serial) {
  CBB cbb, tbs, child, validity;
  if (!CBB_init(&cbb, 512)) {
    return 0;
  }
  if (!CBB_add_asn1(&cbb, &tbs, CBS_ASN1_SEQUENCE) ||
      (s->version == 3 &&
       (!CBB_add_asn1(&tbs, &child,
                      CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
        !CBB_add_asn1_uint64(&child, 2))) ||
      !CBB_add_asn1_uint64(&tbs, serial) ||
      !add_alg_id(&tbs, s->issuer_key) ||
      !add_name(&tbs, s->issuer_cn, s->issuer_o) ||
      !CBB_add_asn1(&tbs, &validity, CBS_ASN1_SEQUENCE) ||
      !add_time(&validity, s->not_before) ||
      !add_time(&validity, s->not_after) ||
      !add_name(&tbs, s->subject_cn, s->subject_o) ||
      !EVP_marshal_public_key(&tbs, s->subject_key) ||
      (s->version == 3 && !add_extensions(&tbs, s)) ||
      !CBB_finish(&cbb, out, out_len)) {
    CBB_cleanup(&cbb);
    return 0;
  }
  return 1;
}

int cf_cert_build(uint8_t **out, size_t *out_len,
                  const struct cf_cert_spec *s) {
  uint8_t *tbs = NULL;
  size_t tbs_len;
  uint64_t serial = s->serial;
  const EVP_MD *md;
  const char *oid, *err;
  uint8_t sig[1024];
  size_t sig_len = 0;
  int null_params, ok = 0;
  CBB cbb, cert, bits;

  *out = NULL;
  *out_len = 0;
  if ((s->version != 1 && s->version != 3) || s->subject_key == NULL ||
      s->issuer_key == NULL ||
      !sig_alg(s->issuer_key, &oid, &md, &null_params)) {
    return 0;
  }
  if (serial == 0) {
    /* Serial from the contents: hash the TBS built with serial 1. */
    uint8_t digest[SHA256_DIGEST_LENGTH];
    if (!build_tbs(&tbs, &tbs_len, s, 1)) {
      return 0;
    }
    SHA256(tbs, tbs_len, digest);
    OPENSSL_free(tbs);
    tbs = NULL;
    for (size_t i = 0; i < 8; i++) {
      serial = (serial << 8) | digest[i];
    }
    serial = (serial >> 1) | 1; /* positive, non-zero, at most 63 bits */
  }
  if (!build_tbs(&tbs, &tbs_len, s, serial)) {
    return 0;
  }
  /* sign.h: deterministic, whichever BoringSSL is linked. */
  if (!cf_sign(sig, &sig_len, sizeof(sig), &err, s->issuer_key,
               EVP_PKEY_id(s->issuer_key) == EVP_PKEY_EC    ? CF_SIG_ECDSA
               : EVP_PKEY_id(s->issuer_key) == EVP_PKEY_RSA ? CF_SIG_RSA_PKCS1
                                                            : CF_SIG_ED25519,
               md, tbs, tbs_len) ||
      sig_len == 0) {
    goto done;
  }
  if (s->corrupt_signature) {
    sig[sig_len - 1] ^= 0x01;
  }
  if (!CBB_init(&cbb, tbs_len + sig_len + 64)) {
    goto done;
  }
  if (!CBB_add_asn1(&cbb, &cert, CBS_ASN1_SEQUENCE) ||
      !CBB_add_bytes(&cert, tbs, tbs_len) ||
      !add_alg_id(&cert, s->issuer_key) ||
      !CBB_add_asn1(&cert, &bits, CBS_ASN1_BITSTRING) ||
      !CBB_add_u8(&bits, 0) || !CBB_add_bytes(&bits, sig, sig_len) ||
      !CBB_finish(&cbb, out, out_len)) {
    CBB_cleanup(&cbb);
    goto done;
  }
  ok = 1;

done:
  OPENSSL_free(tbs);
  return ok;
}
