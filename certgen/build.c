/* build.c — turns a recipe into DER certificates and a case (build.h).
 *
 * Every byte of DER goes through CBB (the deliberate malformations too: a
 * non-minimal or indefinite outer length is written with CBB_add_u8 around
 * contents CBB built). Nothing here depends on the order of the cert blocks:
 * what one certificate needs of another (its issuer's subject DN, key, key
 * identifier, generator) comes from the recipe and the key pool, never from
 * the other's built DER, so issuer cycles (A signs B signs A) build too.
 *
 * Signatures are deterministic and independent of the linked BoringSSL
 * (sign.h: no RAND anywhere); the e=3 forgery comes from hashes of its
 * input. */
#include "chainfuzz/coverage.h"
#include "build.h"

#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainfuzz/case.h"
#include "sign.h"

/* kPadOid is the private extension `pad` writes (chainfuzz's arc). */
static const char kPadOid[] = "1.3.6.1.4.1.55738.666.1";

/* --- errors ----------------------------------------------------------------
 */

/* build_ctx is the state of one cf_build_certs call. */
struct build_ctx {
  const struct cf_recipe *r;
  const struct cf_pool *pool;
  const struct cf_rcert *c; /* the cert being built, for messages */
  char *err;
  size_t err_len;
  int failed; /* an error message has been written */
};

/* fail writes "cert 'NAME': MSG" to the context's error (once: the first,
 * most specific message wins) and returns 0. */
static int fail(struct build_ctx *b, const char *fmt, ...) {
  char msg[200];
  va_list ap;
  if (b->failed) {
    return 0;
  }
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (b->err != NULL && b->err_len > 0) {
    snprintf(b->err, b->err_len, "cert '%s': %s",
             b->c != NULL ? b->c->name : "?", msg);
  }
  b->failed = 1;
  return 0;
}

/* --- small encoders --------------------------------------------------------
 */

/* days_from_civil, civil_from_days: H. Hinnant's proleptic Gregorian
 * conversions (as in certgen.c). */
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

/* add_time writes |t| as the Time of RFC 5280 4.1.2.5 (or the forced or raw
 * form |t->enc| says). */
static int add_time(struct build_ctx *b, CBB *cbb, const struct cf_rtime *t,
                    const char *what) {
  CBB child;
  char buf[32];
  int64_t days, secs, year;
  int month, day, utc, n;
  if (t->enc == CF_TIME_RAW_UTC || t->enc == CF_TIME_RAW_GEN) {
    if (!CBB_add_asn1(cbb, &child,
                      t->enc == CF_TIME_RAW_UTC ? CBS_ASN1_UTCTIME
                                                : CBS_ASN1_GENERALIZEDTIME) ||
        !CBB_add_bytes(&child, (const uint8_t *)t->raw,
                       strnlen(t->raw, sizeof(t->raw))) ||
        !CBB_flush(cbb)) {
      return fail(b, "cannot encode %s", what);
    }
    return 1;
  }
  days = t->t / 86400;
  secs = t->t % 86400;
  if (secs < 0) {
    secs += 86400;
    days--;
  }
  civil_from_days(days, &year, &month, &day);
  if (year < 0 || year > 9999) {
    return fail(b, "%s: year %lld cannot be encoded", what, (long long)year);
  }
  utc = t->enc == CF_TIME_UTC ||
        (t->enc == CF_TIME_AUTO && year >= 1950 && year < 2050);
  if (t->enc == CF_TIME_UTC && (year < 1950 || year >= 2050)) {
    return fail(b, "%s: utc: needs a year in 1950..2049, not %lld", what,
                (long long)year);
  }
  n = snprintf(buf, sizeof(buf), "%0*d%02d%02d%02d%02d%02dZ", utc ? 2 : 4,
               (int)(utc ? year % 100 : year), month, day, (int)(secs / 3600),
               (int)(secs / 60 % 60), (int)(secs % 60));
  if (!CBB_add_asn1(cbb, &child,
                    utc ? CBS_ASN1_UTCTIME : CBS_ASN1_GENERALIZEDTIME) ||
      !CBB_add_bytes(&child, (const uint8_t *)buf, (size_t)n) ||
      !CBB_flush(cbb)) {
    return fail(b, "cannot encode %s", what);
  }
  return 1;
}

/* add_oid writes the OBJECT IDENTIFIER of dotted text |oid|. */
static int add_oid(CBB *cbb, const char *oid) {
  CBB child;
  return CBB_add_asn1(cbb, &child, CBS_ASN1_OBJECT) &&
         CBB_add_asn1_oid_from_text(&child, oid, strlen(oid)) && CBB_flush(cbb);
}

/* add_oid_checked is add_oid with a message naming the bad OID. */
static int add_oid_checked(struct build_ctx *b, CBB *cbb, const char *oid) {
  if (!add_oid(cbb, oid)) {
    return fail(b, "cannot encode OID \"%s\"", oid);
  }
  return 1;
}

/* add_tagged_uint writes |v| as an INTEGER with implicit tag |tag|. */
static int add_tagged_uint(CBB *cbb, unsigned tag, uint64_t v) {
  uint8_t buf[16];
  CBB tmp, child;
  CBS in, content;
  size_t len;
  if (!CBB_init_fixed(&tmp, buf, sizeof(buf)) ||
      !CBB_add_asn1_uint64(&tmp, v) || !CBB_finish(&tmp, NULL, &len)) {
    return 0;
  }
  CBS_init(&in, buf, len);
  return CBS_get_asn1(&in, &content, CBS_ASN1_INTEGER) &&
         CBB_add_asn1(cbb, &child, tag) &&
         CBB_add_bytes(&child, CBS_data(&content), CBS_len(&content)) &&
         CBB_flush(cbb);
}

/* utf8_next decodes one code point of |in| (strict UTF-8: no overlongs, no
 * surrogates, at most U+10FFFF). It returns 0 on malformed input. */
static int utf8_next(uint32_t *out, CBS *in) {
  uint8_t c, cont;
  uint32_t v, min;
  size_t n;
  if (!CBS_get_u8(in, &c)) {
    return 0;
  }
  if (c < 0x80) {
    *out = c;
    return 1;
  }
  if ((c & 0xe0) == 0xc0) {
    v = c & 0x1f;
    n = 1;
    min = 0x80;
  } else if ((c & 0xf0) == 0xe0) {
    v = c & 0x0f;
    n = 2;
    min = 0x800;
  } else if ((c & 0xf8) == 0xf0) {
    v = c & 0x07;
    n = 3;
    min = 0x10000;
  } else {
    return 0;
  }
  for (size_t i = 0; i < n; i++) {
    if (!CBS_get_u8(in, &cont) || (cont & 0xc0) != 0x80) {
      return 0;
    }
    v = (v << 6) | (cont & 0x3f);
  }
  if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
    return 0;
  }
  *out = v;
  return 1;
}

/* add_name writes Name |n|: each attribute in its own RDN, in order. */
static int add_name(struct build_ctx *b, CBB *cbb, const struct cf_rname *n) {
  CBB name, rdn, atv, str;
  if (!CBB_add_asn1(cbb, &name, CBS_ASN1_SEQUENCE)) {
    return fail(b, "out of memory");
  }
  for (size_t i = 0; i < n->num_attrs && i < CF_RECIPE_MAX_ATTRS; i++) {
    const struct cf_rattr *a = &n->attrs[i];
    size_t len =
        a->value_len < CF_RECIPE_MAX_VALUE ? a->value_len : CF_RECIPE_MAX_VALUE;
    if (!CBB_add_asn1(&name, &rdn, CBS_ASN1_SET) ||
        !CBB_add_asn1(&rdn, &atv, CBS_ASN1_SEQUENCE) ||
        !add_oid_checked(b, &atv, a->oid) ||
        !CBB_add_asn1(&atv, &str, (unsigned)a->type)) {
      return fail(b, "cannot encode a name");
    }
    if (a->type == CF_STR_BMP || a->type == CF_STR_UNIVERSAL) {
      CBS in;
      uint32_t cp;
      CBS_init(&in, a->value, len);
      while (CBS_len(&in) > 0) {
        if (!utf8_next(&cp, &in)) {
          return fail(b, "attribute %s: value is not UTF-8", a->oid);
        }
        if (a->type == CF_STR_BMP) {
          if (cp > 0xffff) {
            return fail(b, "attribute %s: U+%X does not fit a BMPString",
                        a->oid, (unsigned)cp);
          }
          if (!CBB_add_u16(&str, (uint16_t)cp)) {
            return fail(b, "out of memory");
          }
        } else if (!CBB_add_u32(&str, cp)) {
          return fail(b, "out of memory");
        }
      }
    } else if (!CBB_add_bytes(&str, a->value, len)) {
      return fail(b, "out of memory");
    }
    if (!CBB_flush(&name)) {
      return fail(b, "out of memory");
    }
  }
  if (!CBB_flush(cbb)) {
    return fail(b, "out of memory");
  }
  return 1;
}

/* add_gn writes one GeneralName. */
static int add_gn(struct build_ctx *b, CBB *cbb, const struct cf_gn *gn) {
  CBB child;
  unsigned tag;
  size_t len =
      gn->value_len < CF_RECIPE_MAX_VALUE ? gn->value_len : CF_RECIPE_MAX_VALUE;
  switch (gn->type) {
    case CF_GN_EMAIL:
      tag = CBS_ASN1_CONTEXT_SPECIFIC | 1;
      break;
    case CF_GN_DNS:
      tag = CBS_ASN1_CONTEXT_SPECIFIC | 2;
      break;
    case CF_GN_URI:
      tag = CBS_ASN1_CONTEXT_SPECIFIC | 6;
      break;
    case CF_GN_IP:
      tag = CBS_ASN1_CONTEXT_SPECIFIC | 7;
      break;
    case CF_GN_DN:
      if (!CBB_add_asn1(cbb, &child,
                        CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 4) ||
          !add_name(b, &child, &gn->dn) || !CBB_flush(cbb)) {
        return fail(b, "cannot encode a directoryName");
      }
      return 1;
    case CF_GN_RAW:
      if (!CBB_add_bytes(cbb, gn->value, len)) {
        return fail(b, "out of memory");
      }
      return 1;
    default:
      return fail(b, "unknown GeneralName type %d", (int)gn->type);
  }
  if (!CBB_add_asn1(cbb, &child, tag) ||
      !CBB_add_bytes(&child, gn->value, len) || !CBB_flush(cbb)) {
    return fail(b, "out of memory");
  }
  return 1;
}

/* --- keys ------------------------------------------------------------------
 */

/* spki_bits points |*out| at the subjectPublicKey contents (after the
 * unused-bits byte) of |key|'s SubjectPublicKeyInfo, in |*der| (free with
 * OPENSSL_free). */
static int spki_bits(uint8_t **der, CBS *out, const EVP_PKEY *key) {
  CBB cbb;
  CBS spki, seq, alg;
  size_t der_len;
  uint8_t unused;
  *der = NULL;
  if (!CBB_init(&cbb, 128) || !EVP_marshal_public_key(&cbb, key) ||
      !CBB_finish(&cbb, der, &der_len)) {
    CBB_cleanup(&cbb);
    return 0;
  }
  CBS_init(&spki, *der, der_len);
  if (!CBS_get_asn1(&spki, &seq, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&seq, &alg, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&seq, out, CBS_ASN1_BITSTRING) ||
      !CBS_get_u8(out, &unused)) {
    OPENSSL_free(*der);
    *der = NULL;
    return 0;
  }
  return 1;
}

/* key_id sets |out| to the SHA-1 of the subjectPublicKey BIT STRING value of
 * |key| (RFC 5280 4.2.1.2 method 1; the same for named and explicit
 * parameters, which change the algorithm, not the point). */
static int key_id(uint8_t out[SHA_DIGEST_LENGTH], const EVP_PKEY *key) {
  uint8_t *der;
  CBS bits;
  if (!spki_bits(&der, &bits, key)) {
    return 0;
  }
  SHA1(CBS_data(&bits), CBS_len(&bits), out);
  OPENSSL_free(der);
  return 1;
}

/* add_explicit_spki writes an id-ecPublicKey SubjectPublicKeyInfo of EC key
 * |key| with explicit ECParameters (RFC 3279 2.3.5) of its curve: version 1,
 * prime field, a, b, the standard base point or, if |own_generator|, the
 * key's public point, order, cofactor 1. */
static int add_explicit_spki(struct build_ctx *b, CBB *cbb, const EVP_PKEY *key,
                             int own_generator) {
  const EC_KEY *ec = EVP_PKEY_get0_EC_KEY(key);
  const EC_GROUP *g = ec != NULL ? EC_KEY_get0_group(ec) : NULL;
  BIGNUM *p = BN_new(), *a = BN_new(), *bb = BN_new();
  CBB spki, alg, params, field, curve, child, bits;
  size_t field_len;
  int ok = 0;
  if (g == NULL) {
    fail(b, "spki explicit-params/explicit-generator needs an EC key");
    goto err;
  }
  if (p == NULL || a == NULL || bb == NULL ||
      !EC_GROUP_get_curve_GFp(g, p, a, bb, NULL)) {
    fail(b, "cannot read the curve parameters");
    goto err;
  }
  field_len = BN_num_bytes(p);
  if (!CBB_add_asn1(cbb, &spki, CBS_ASN1_SEQUENCE) ||
      !CBB_add_asn1(&spki, &alg, CBS_ASN1_SEQUENCE) ||
      !add_oid(&alg, "1.2.840.10045.2.1") ||
      !CBB_add_asn1(&alg, &params, CBS_ASN1_SEQUENCE) ||
      !CBB_add_asn1_uint64(&params, 1) ||
      !CBB_add_asn1(&params, &field, CBS_ASN1_SEQUENCE) ||
      !add_oid(&field, "1.2.840.10045.1.1") || !BN_marshal_asn1(&field, p) ||
      !CBB_add_asn1(&params, &curve, CBS_ASN1_SEQUENCE) ||
      !CBB_add_asn1(&curve, &child, CBS_ASN1_OCTETSTRING) ||
      !BN_bn2cbb_padded(&child, field_len, a) ||
      !CBB_add_asn1(&curve, &child, CBS_ASN1_OCTETSTRING) ||
      !BN_bn2cbb_padded(&child, field_len, bb) ||
      !CBB_add_asn1(&params, &child, CBS_ASN1_OCTETSTRING) ||
      !EC_POINT_point2cbb(&child, g,
                          own_generator ? EC_KEY_get0_public_key(ec)
                                        : EC_GROUP_get0_generator(g),
                          POINT_CONVERSION_UNCOMPRESSED, NULL) ||
      !BN_marshal_asn1(&params, EC_GROUP_get0_order(g)) ||
      !CBB_add_asn1_uint64(&params, 1) ||
      !CBB_add_asn1(&spki, &bits, CBS_ASN1_BITSTRING) ||
      !CBB_add_u8(&bits, 0) ||
      !EC_POINT_point2cbb(&bits, g, EC_KEY_get0_public_key(ec),
                          POINT_CONVERSION_UNCOMPRESSED, NULL) ||
      !CBB_flush(cbb)) {
    fail(b, "cannot encode explicit EC parameters");
    goto err;
  }
  ok = 1;

err:
  BN_free(p);
  BN_free(a);
  BN_free(bb);
  return ok;
}

/* --- signature algorithms --------------------------------------------------
 */


/* alg_info describes algorithm |a| (not DEFAULT or OID). */
static int alg_info(enum cf_sig_alg a, enum cf_sig_kind *out_kind,
                    const EVP_MD **out_md, const char **out_oid) {
  switch (a) {
    case CF_ALG_RSA_PKCS1_MD5:
      *out_kind = CF_SIG_RSA_PKCS1;
      *out_md = EVP_md5();
      *out_oid = "1.2.840.113549.1.1.4";
      return 1;
    case CF_ALG_RSA_PKCS1_SHA1:
      *out_kind = CF_SIG_RSA_PKCS1;
      *out_md = EVP_sha1();
      *out_oid = "1.2.840.113549.1.1.5";
      return 1;
    case CF_ALG_RSA_PKCS1_SHA256:
      *out_kind = CF_SIG_RSA_PKCS1;
      *out_md = EVP_sha256();
      *out_oid = "1.2.840.113549.1.1.11";
      return 1;
    case CF_ALG_RSA_PKCS1_SHA384:
      *out_kind = CF_SIG_RSA_PKCS1;
      *out_md = EVP_sha384();
      *out_oid = "1.2.840.113549.1.1.12";
      return 1;
    case CF_ALG_RSA_PKCS1_SHA512:
      *out_kind = CF_SIG_RSA_PKCS1;
      *out_md = EVP_sha512();
      *out_oid = "1.2.840.113549.1.1.13";
      return 1;
    case CF_ALG_RSA_PSS_SHA256:
      *out_kind = CF_SIG_RSA_PSS;
      *out_md = EVP_sha256();
      *out_oid = "1.2.840.113549.1.1.10";
      return 1;
    case CF_ALG_ECDSA_SHA1:
      *out_kind = CF_SIG_ECDSA;
      *out_md = EVP_sha1();
      *out_oid = "1.2.840.10045.4.1";
      return 1;
    case CF_ALG_ECDSA_SHA256:
      *out_kind = CF_SIG_ECDSA;
      *out_md = EVP_sha256();
      *out_oid = "1.2.840.10045.4.3.2";
      return 1;
    case CF_ALG_ECDSA_SHA384:
      *out_kind = CF_SIG_ECDSA;
      *out_md = EVP_sha384();
      *out_oid = "1.2.840.10045.4.3.3";
      return 1;
    case CF_ALG_ECDSA_SHA512:
      *out_kind = CF_SIG_ECDSA;
      *out_md = EVP_sha512();
      *out_oid = "1.2.840.10045.4.3.4";
      return 1;
    case CF_ALG_ED25519:
      *out_kind = CF_SIG_ED25519;
      *out_md = NULL;
      *out_oid = "1.3.101.112";
      return 1;
    default:
      return 0;
  }
}

/* default_alg returns the algorithm |key| signs with by default. */
static enum cf_sig_alg default_alg(const EVP_PKEY *key) {
  switch (EVP_PKEY_id(key)) {
    case EVP_PKEY_RSA:
      return CF_ALG_RSA_PKCS1_SHA256;
    case EVP_PKEY_EC: {
      const EC_GROUP *g = EC_KEY_get0_group(EVP_PKEY_get0_EC_KEY(key));
      int nid = g != NULL ? EC_GROUP_get_curve_name(g) : NID_undef;
      return nid == NID_secp384r1   ? CF_ALG_ECDSA_SHA384
             : nid == NID_secp521r1 ? CF_ALG_ECDSA_SHA512
                                    : CF_ALG_ECDSA_SHA256;
    }
    case EVP_PKEY_ED25519:
      return CF_ALG_ED25519;
  }
  return CF_ALG_DEFAULT;
}

/* key_can_make says whether |key| can make signatures of kind |kind|. */
static int key_can_make(const EVP_PKEY *key, enum cf_sig_kind kind) {
  switch (kind) {
    case CF_SIG_RSA_PKCS1:
    case CF_SIG_RSA_PSS:
      return EVP_PKEY_id(key) == EVP_PKEY_RSA;
    case CF_SIG_ECDSA:
      return EVP_PKEY_id(key) == EVP_PKEY_EC;
    case CF_SIG_ED25519:
      return EVP_PKEY_id(key) == EVP_PKEY_ED25519;
  }
  return 0;
}

/* add_hash_alg writes AlgorithmIdentifier { id-sha256, NULL }. */
static int add_sha256_alg(CBB *cbb) {
  CBB seq, null;
  return CBB_add_asn1(cbb, &seq, CBS_ASN1_SEQUENCE) &&
         add_oid(&seq, "2.16.840.1.101.3.4.2.1") &&
         CBB_add_asn1(&seq, &null, CBS_ASN1_NULL) && CBB_flush(cbb);
}

/* add_alg_id writes the signature AlgorithmIdentifier of |a| (|oid| for
 * CF_ALG_OID, absent parameters): NULL parameters for RSA PKCS#1,
 * RSASSA-PSS-params (SHA-256, MGF1 with SHA-256, salt 32) for PSS, none for
 * ECDSA and Ed25519. */
static int add_alg_id(struct build_ctx *b, CBB *cbb, enum cf_sig_alg a,
                      const char *oid) {
  enum cf_sig_kind kind;
  const EVP_MD *md;
  const char *alg_oid;
  CBB seq, child, params, tagged, mgf;
  if (a == CF_ALG_OID) {
    if (!CBB_add_asn1(cbb, &seq, CBS_ASN1_SEQUENCE) ||
        !add_oid_checked(b, &seq, oid) || !CBB_flush(cbb)) {
      return fail(b, "cannot encode signature algorithm oid:%s", oid);
    }
    return 1;
  }
  if (!alg_info(a, &kind, &md, &alg_oid)) {
    return fail(b, "unknown signature algorithm %d", (int)a);
  }
  if (!CBB_add_asn1(cbb, &seq, CBS_ASN1_SEQUENCE) || !add_oid(&seq, alg_oid)) {
    return fail(b, "out of memory");
  }
  if (kind == CF_SIG_RSA_PKCS1 && !CBB_add_asn1(&seq, &child, CBS_ASN1_NULL)) {
    return fail(b, "out of memory");
  }
  if (kind == CF_SIG_RSA_PSS &&
      (!CBB_add_asn1(&seq, &params, CBS_ASN1_SEQUENCE) ||
       !CBB_add_asn1(&params, &tagged,
                     CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
       !add_sha256_alg(&tagged) ||
       !CBB_add_asn1(&params, &tagged,
                     CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 1) ||
       !CBB_add_asn1(&tagged, &mgf, CBS_ASN1_SEQUENCE) ||
       !add_oid(&mgf, "1.2.840.113549.1.1.8") || !add_sha256_alg(&mgf) ||
       !CBB_add_asn1(&params, &tagged,
                     CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 2) ||
       !CBB_add_asn1_uint64(&tagged, 32))) {
    return fail(b, "out of memory");
  }
  if (!CBB_flush(cbb)) {
    return fail(b, "out of memory");
  }
  return 1;
}

/* --- extensions ------------------------------------------------------------
 */

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
  size_t n;
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

/* add_subtrees writes GeneralSubtrees [tag] of |list| (base only: minimum
 * 0 by DEFAULT, no maximum). */
static int add_subtrees(struct build_ctx *b, CBB *cbb, unsigned tag,
                        const struct cf_gn_list *list) {
  CBB subtrees, subtree;
  if (list->num == 0) {
    return 1;
  }
  if (!CBB_add_asn1(cbb, &subtrees,
                    CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | tag)) {
    return fail(b, "out of memory");
  }
  for (size_t i = 0; i < list->num && i < CF_RECIPE_MAX_GNS; i++) {
    if (!CBB_add_asn1(&subtrees, &subtree, CBS_ASN1_SEQUENCE) ||
        !add_gn(b, &subtree, &list->names[i]) || !CBB_flush(&subtrees)) {
      return fail(b, "cannot encode a name constraint");
    }
  }
  if (!CBB_flush(cbb)) {
    return fail(b, "out of memory");
  }
  return 1;
}

/* add_one_ext writes extension |id| of |c| once. |aki_key| is the key whose
 * SKI-auto value `aki auto` writes. */
static int add_one_ext(struct build_ctx *b, CBB *exts, enum cf_ext_id id,
                       const struct cf_rcert *c, const EVP_PKEY *subject_key,
                       const EVP_PKEY *aki_key) {
  CBB ext, val, seq, child;
  uint8_t kid[SHA_DIGEST_LENGTH];
  switch (id) {
    case CF_EXT_BC:
      if (!begin_ext(exts, &ext, &val, "2.5.29.19", c->bc_critical) ||
          !CBB_add_asn1(&val, &seq, CBS_ASN1_SEQUENCE) ||
          (c->bc == CF_RBC_CA && !CBB_add_asn1_bool(&seq, 1)) ||
          (c->bc == CF_RBC_EE && c->bc_explicit_false &&
           !CBB_add_asn1_bool(&seq, 0)) ||
          (c->bc_path_len >= 0 &&
           !CBB_add_asn1_uint64(&seq, (uint64_t)c->bc_path_len))) {
        return fail(b, "cannot encode basicConstraints");
      }
      break;
    case CF_EXT_KU:
      if (!begin_ext(exts, &ext, &val, "2.5.29.15", c->ku_critical) ||
          !add_key_usage(&val, c->ku)) {
        return fail(b, "cannot encode keyUsage");
      }
      break;
    case CF_EXT_EKU:
      if (!begin_ext(exts, &ext, &val, "2.5.29.37", c->eku_critical) ||
          !CBB_add_asn1(&val, &seq, CBS_ASN1_SEQUENCE)) {
        return fail(b, "out of memory");
      }
      for (size_t i = 0; i < c->num_eku && i < CF_RECIPE_MAX_EKU; i++) {
        if (!add_oid_checked(b, &seq, c->eku[i])) {
          return 0;
        }
      }
      break;
    case CF_EXT_SAN:
      if (!begin_ext(exts, &ext, &val, "2.5.29.17", c->san_critical) ||
          !CBB_add_asn1(&val, &seq, CBS_ASN1_SEQUENCE)) {
        return fail(b, "out of memory");
      }
      for (size_t i = 0; i < c->san.num && i < CF_RECIPE_MAX_GNS; i++) {
        if (!add_gn(b, &seq, &c->san.names[i])) {
          return 0;
        }
      }
      break;
    case CF_EXT_NC:
      if (!begin_ext(exts, &ext, &val, "2.5.29.30", c->nc_critical) ||
          !CBB_add_asn1(&val, &seq, CBS_ASN1_SEQUENCE) ||
          !add_subtrees(b, &seq, 0, &c->permitted) ||
          !add_subtrees(b, &seq, 1, &c->excluded)) {
        return fail(b, "cannot encode nameConstraints");
      }
      break;
    case CF_EXT_SKI:
      if (c->ski_mode == 1 && !key_id(kid, subject_key)) {
        return fail(b, "cannot compute the subject key identifier");
      }
      if (!begin_ext(exts, &ext, &val, "2.5.29.14", 0) ||
          !CBB_add_asn1_octet_string(
              &val, c->ski_mode == 1 ? kid : c->ski,
              c->ski_mode == 1
                  ? sizeof(kid)
                  : (c->ski_len < CF_RECIPE_MAX_HEX ? c->ski_len
                                                    : CF_RECIPE_MAX_HEX))) {
        return fail(b, "out of memory");
      }
      break;
    case CF_EXT_AKI:
      if (c->aki_mode == 1 && !key_id(kid, aki_key)) {
        return fail(b, "cannot compute the authority key identifier");
      }
      if (!begin_ext(exts, &ext, &val, "2.5.29.35", 0) ||
          !CBB_add_asn1(&val, &seq, CBS_ASN1_SEQUENCE) ||
          !CBB_add_asn1(&seq, &child, CBS_ASN1_CONTEXT_SPECIFIC | 0) ||
          !CBB_add_bytes(&child, c->aki_mode == 1 ? kid : c->aki,
                         c->aki_mode == 1 ? sizeof(kid)
                                          : (c->aki_len < CF_RECIPE_MAX_HEX
                                                 ? c->aki_len
                                                 : CF_RECIPE_MAX_HEX))) {
        return fail(b, "out of memory");
      }
      break;
    case CF_EXT_POLICIES:
      if (!begin_ext(exts, &ext, &val, "2.5.29.32", c->policies_critical)) {
        return fail(b, "out of memory");
      }
      if (c->policies_malformed) {
        /* SEQUENCE { INTEGER 0 }: DER, but not a sequence of
         * PolicyInformation. */
        static const uint8_t kBad[] = {0x30, 0x03, 0x02, 0x01, 0x00};
        if (!CBB_add_bytes(&val, kBad, sizeof(kBad))) {
          return fail(b, "out of memory");
        }
        break;
      }
      if (!CBB_add_asn1(&val, &seq, CBS_ASN1_SEQUENCE)) {
        return fail(b, "out of memory");
      }
      for (size_t i = 0; i < c->num_policies && i < CF_RECIPE_MAX_POLICIES;
           i++) {
        const char *oid =
            strcmp(c->policies[i], "any") == 0 ? "2.5.29.32.0" : c->policies[i];
        if (!CBB_add_asn1(&seq, &child, CBS_ASN1_SEQUENCE) ||
            !add_oid_checked(b, &child, oid) || !CBB_flush(&seq)) {
          return fail(b, "cannot encode certificatePolicies");
        }
      }
      break;
    default:
      return fail(b, "unknown extension %d", (int)id);
  }
  if (!CBB_flush(exts)) {
    return fail(b, "out of memory");
  }
  return 1;
}


/* add_extensions writes [3] Extensions of |c| in the fixed order BC, KU,
 * EKU, SAN, NC, SKI, AKI, policies, policyMappings, policyConstraints,
 * inhibitAnyPolicy, raw
 * extensions, pad; nothing when |c| has none. */
static int add_extensions(struct build_ctx *b, CBB *tbs,
                          const struct cf_rcert *c, const EVP_PKEY *subject_key,
                          const EVP_PKEY *aki_key) {
  CBB wrap, exts, ext, val, seq, pad;
  int any = c->num_policy_maps > 0 || c->pc_present ||
            c->inhibit_any_policy >= 0 ||
            c->num_raw_exts > 0 || c->pad > 0;
  for (int id = 0; id < CF_EXT_COUNT; id++) {
    any |= cf_rcert_has_ext(c, (enum cf_ext_id)id);
  }
  if (!any) {
    return 1;
  }
  if (!CBB_add_asn1(tbs, &wrap,
                    CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 3) ||
      !CBB_add_asn1(&wrap, &exts, CBS_ASN1_SEQUENCE)) {
    return fail(b, "out of memory");
  }
  for (int id = 0; id < CF_EXT_COUNT; id++) {
    if (!cf_rcert_has_ext(c, (enum cf_ext_id)id)) {
      continue;
    }
    int times = (c->duplicate & (1u << id)) ? 2 : 1;
    for (int n = 0; n < times; n++) {
      if (!add_one_ext(b, &exts, (enum cf_ext_id)id, c, subject_key, aki_key)) {
        return 0;
      }
    }
  }
  if (c->num_policy_maps > 0) {
    /* RFC 5280 4.2.1.5: SEQUENCE SIZE (1..MAX) OF SEQUENCE {
     * issuerDomainPolicy, subjectDomainPolicy }. */
    if (!begin_ext(&exts, &ext, &val, "2.5.29.33", c->policy_maps_critical) ||
        !CBB_add_asn1(&val, &seq, CBS_ASN1_SEQUENCE)) {
      return fail(b, "out of memory");
    }
    for (size_t i = 0; i < c->num_policy_maps && i < CF_RECIPE_MAX_POLICIES;
         i++) {
      CBB pair;
      if (!CBB_add_asn1(&seq, &pair, CBS_ASN1_SEQUENCE) ||
          !add_oid_checked(b, &pair, c->policy_maps[i].issuer) ||
          !add_oid_checked(b, &pair, c->policy_maps[i].subject) ||
          !CBB_flush(&seq)) {
        return fail(b, "cannot encode policyMappings");
      }
    }
    if (!CBB_flush(&exts)) {
      return fail(b, "out of memory");
    }
  }
  if (c->pc_present) {
    if (!begin_ext(&exts, &ext, &val, "2.5.29.36", 1) ||
        !CBB_add_asn1(&val, &seq, CBS_ASN1_SEQUENCE) ||
        (c->pc_require_explicit >= 0 &&
         !add_tagged_uint(&seq, CBS_ASN1_CONTEXT_SPECIFIC | 0,
                          (uint64_t)c->pc_require_explicit)) ||
        (c->pc_inhibit_mapping >= 0 &&
         !add_tagged_uint(&seq, CBS_ASN1_CONTEXT_SPECIFIC | 1,
                          (uint64_t)c->pc_inhibit_mapping)) ||
        !CBB_flush(&exts)) {
      return fail(b, "cannot encode policyConstraints");
    }
  }
  if (c->inhibit_any_policy >= 0) {
    /* RFC 5280 4.2.1.14: conforming CAs MUST mark it critical. */
    if (!begin_ext(&exts, &ext, &val, "2.5.29.54", 1) ||
        !CBB_add_asn1_uint64(&val, (uint64_t)c->inhibit_any_policy) ||
        !CBB_flush(&exts)) {
      return fail(b, "cannot encode inhibitAnyPolicy");
    }
  }
  for (size_t i = 0; i < c->num_raw_exts && i < CF_RECIPE_MAX_RAW_EXTS; i++) {
    const struct cf_rext *x = &c->raw_exts[i];
    size_t len = x->value_len < CF_RECIPE_MAX_RAW_EXT_LEN
                     ? x->value_len
                     : CF_RECIPE_MAX_RAW_EXT_LEN;
    if (!CBB_add_asn1(&exts, &ext, CBS_ASN1_SEQUENCE) ||
        !add_oid_checked(b, &ext, x->oid) ||
        (x->critical && !CBB_add_asn1_bool(&ext, 1)) ||
        !CBB_add_asn1(&ext, &val, CBS_ASN1_OCTETSTRING) ||
        !CBB_add_bytes(&val, x->value, len) || !CBB_flush(&exts)) {
      return fail(b, "cannot encode extension %s", x->oid);
    }
  }
  if (c->pad > 0) {
    /* The extnValue is an OCTET STRING of exactly |pad| zero bytes, so the
     * certificate grows by |pad| plus about 20 bytes of headers (OID 13,
     * tags and lengths 4..12): close enough for buffer-limit scenarios. */
    if (!begin_ext(&exts, &ext, &val, kPadOid, 0) ||
        !CBB_add_asn1(&val, &pad, CBS_ASN1_OCTETSTRING) ||
        !CBB_add_zeros(&pad, c->pad) || !CBB_flush(&exts)) {
      return fail(b, "cannot encode %zu bytes of padding", c->pad);
    }
  }
  if (!CBB_flush(tbs)) {
    return fail(b, "out of memory");
  }
  return 1;
}

/* --- signing ---------------------------------------------------------------
 */

/* sig_buf is a signature value being made and damaged. */
struct sig_buf {
  uint8_t v[1024];
  size_t len;
};

/* evp_sign signs |in| with |key| (sign.h: deterministic, no RAND). */
static int evp_sign(struct build_ctx *b, struct sig_buf *out, EVP_PKEY *key,
                    const EVP_MD *md, enum cf_sig_kind kind, const uint8_t *in,
                    size_t in_len) {
  const char *err = NULL;
  if (!cf_sign(out->v, &out->len, sizeof(out->v), &err, key, kind, md, in,
               in_len)) {
    return fail(b, "%s", err != NULL ? err : "signing failed");
  }
  return 1;
}

/* ecdsa_sign_det makes a deterministic ECDSA signature of |digest| with
 * |key|, honest or CVE-2020-0601 (|explicit_generator|; sign.h). */
static int ecdsa_sign_det(struct build_ctx *b, struct sig_buf *out,
                          const EVP_PKEY *key, int explicit_generator,
                          const uint8_t *digest, size_t digest_len) {
  const char *err = NULL;
  if (!cf_sign_ecdsa_digest(out->v, &out->len, sizeof(out->v), &err, key,
                            explicit_generator, digest, digest_len)) {
    return fail(b, "%s", err != NULL ? err : "ECDSA signing failed");
  }
  return 1;
}

/* e3_forgery makes a Bleichenbacher-style signature for RSA key |key| with
 * e = 3: sig^3 (an exact cube, below n) is
 *   00 01 FF*8 00 DigestInfo(md, digest) AA AA ... <garbage>
 * A verifier that parses the DigestInfo and ignores what follows accepts
 * it; a correct one (which compares the whole block) rejects it. The cube
 * root of the block with AA.. fill is rounded up, so the first garbage
 * bytes stay AA and the rest is whatever the cube gives. */
static int e3_forgery(struct build_ctx *b, struct sig_buf *out,
                      const EVP_PKEY *key, const EVP_MD *md,
                      const uint8_t *digest, size_t digest_len) {
  const RSA *rsa = EVP_PKEY_get0_RSA(key);
  uint8_t *prefix = NULL, block[1024];
  size_t prefix_len = 0, k_len, pos;
  int alloced = 0, ok = 0;
  BN_CTX *bn = BN_CTX_new();
  BIGNUM *target = BN_new(), *x = BN_new(), *y = BN_new(), *t = BN_new();
  if (rsa == NULL || !BN_is_word(RSA_get0_e(rsa), 3)) {
    fail(b, "sig-e3-forgery needs an e=3 RSA signer");
    goto err;
  }
  k_len = RSA_size(rsa);
  if (bn == NULL || target == NULL || x == NULL || y == NULL || t == NULL ||
      !RSA_add_pkcs1_prefix(&prefix, &prefix_len, &alloced, EVP_MD_type(md),
                            digest, digest_len)) {
    fail(b, "cannot build the DigestInfo");
    goto err;
  }
  /* The cube of the rounded-up root exceeds the target by less than
   * 3·x^2, about 2/3 of the block: the DigestInfo must end before. */
  if (k_len > sizeof(block) || 11 + prefix_len + (2 * k_len) / 3 + 2 > k_len) {
    fail(b, "sig-e3-forgery: the key is too small for this digest");
    goto err;
  }
  pos = 0;
  block[pos++] = 0x00;
  block[pos++] = 0x01;
  memset(block + pos, 0xff, 8);
  pos += 8;
  block[pos++] = 0x00;
  memcpy(block + pos, prefix, prefix_len);
  pos += prefix_len;
  memset(block + pos, 0xaa, k_len - pos);
  if (BN_bin2bn(block, k_len, target) == NULL) {
    fail(b, "out of memory");
    goto err;
  }
  /* Integer cube root by Newton's method from above: x0 = 2^ceil(bits/3),
   * x' = (2x + N/x^2) / 3 until it stops decreasing; then round up. */
  if (!BN_set_word(x, 0) || !BN_set_bit(x, (BN_num_bits(target) + 2) / 3)) {
    fail(b, "out of memory");
    goto err;
  }
  for (;;) {
    if (!BN_sqr(t, x, bn) || !BN_div(y, NULL, target, t, bn) ||
        !BN_lshift1(t, x) || !BN_add(y, y, t) ||
        BN_div_word(y, 3) == (BN_ULONG)-1) {
      fail(b, "cube root failed");
      goto err;
    }
    if (BN_cmp(y, x) >= 0) {
      break;
    }
    if (!BN_copy(x, y)) {
      fail(b, "out of memory");
      goto err;
    }
  }
  /* x = floor(cbrt(target)); make it the ceiling. */
  if (!BN_sqr(t, x, bn) || !BN_mul(t, t, x, bn)) {
    fail(b, "out of memory");
    goto err;
  }
  if (BN_cmp(t, target) < 0 && !BN_add_word(x, 1)) {
    fail(b, "out of memory");
    goto err;
  }
  if (!BN_bn2bin_padded(out->v, k_len, x)) {
    fail(b, "cube root too large");
    goto err;
  }
  out->len = k_len;
  ok = 1;

err:
  if (alloced) {
    OPENSSL_free(prefix);
  }
  BN_CTX_free(bn);
  BN_free(target);
  BN_free(x);
  BN_free(y);
  BN_free(t);
  return ok;
}

/* zero_ecdsa_part replaces r (|which| 0) or s (1) of the ECDSA signature in
 * |sig| by 0. */
static int zero_ecdsa_part(struct build_ctx *b, struct sig_buf *sig,
                           int which) {
  ECDSA_SIG *es = ECDSA_SIG_from_bytes(sig->v, sig->len);
  const BIGNUM *r, *s;
  BIGNUM *nr = NULL, *ns = NULL;
  CBB cbb;
  int ok = 0;
  if (es == NULL) {
    ERR_clear_error();
    return fail(b, "sig-zero-%s needs an ECDSA signature", which ? "s" : "r");
  }
  ECDSA_SIG_get0(es, &r, &s);
  nr = which == 0 ? BN_new() : BN_dup(r);
  ns = which == 1 ? BN_new() : BN_dup(s);
  if (nr == NULL || ns == NULL || !ECDSA_SIG_set0(es, nr, ns)) {
    BN_free(nr);
    BN_free(ns);
    fail(b, "out of memory");
    goto err;
  }
  if (!CBB_init_fixed(&cbb, sig->v, sizeof(sig->v)) ||
      !ECDSA_SIG_marshal(&cbb, es) || !CBB_finish(&cbb, NULL, &sig->len)) {
    fail(b, "cannot encode the signature");
    goto err;
  }
  ok = 1;

err:
  ECDSA_SIG_free(es);
  return ok;
}

/* --- signature cache -------------------------------------------------------
 * A fuzz target builds a recipe per input, and most inputs keep most
 * certificates (the root, the intermediates) unchanged: their signatures
 * are the same bytes every time (deterministic signing), so they are made
 * once. Keyed by the signer key object, the algorithm and SHA-256 of the
 * signed bytes; cf_pool_free empties it (a freed key's address may be
 * reused). Direct-mapped; not thread-safe (one build at a time per
 * process, as everywhere in certgen). */
/* Sized for a whole fuzzing corpus: libFuzzer picks a random input of
 * thousands, each with up to six certificates, so a cache of 256 kept only
 * a few percent of the unchanged certificates' signatures and most inputs
 * re-signed them (an RSA-2048 signature costs more than the rest of a run;
 * issue 13). 16384 entries: 17 MB of zero pages until used. */
#define SIG_CACHE_SIZE 16384
static struct {
  const EVP_PKEY *key;
  int alg, explicit_gen;
  uint8_t tbs_sha256[SHA256_DIGEST_LENGTH];
  size_t len;
  uint8_t v[1024];
} g_sig_cache[SIG_CACHE_SIZE];

void cf_sign_cache_clear(void) { memset(g_sig_cache, 0, sizeof(g_sig_cache)); }

static size_t sig_slot(const uint8_t h[SHA256_DIGEST_LENGTH], int alg) {
  return (((size_t)h[0] << 16 | (size_t)h[1] << 8 | h[2]) + (size_t)alg) %
         SIG_CACHE_SIZE;
}

static int sig_cache_get(struct sig_buf *out, const EVP_PKEY *key, int alg,
                         int explicit_gen, const uint8_t h[SHA256_DIGEST_LENGTH]) {
  size_t i = sig_slot(h, alg);
  if (g_sig_cache[i].key != key || g_sig_cache[i].alg != alg ||
      g_sig_cache[i].explicit_gen != explicit_gen ||
      memcmp(g_sig_cache[i].tbs_sha256, h, SHA256_DIGEST_LENGTH) != 0) {
    return 0;
  }
  memcpy(out->v, g_sig_cache[i].v, g_sig_cache[i].len);
  out->len = g_sig_cache[i].len;
  return 1;
}

static void sig_cache_put(const struct sig_buf *sig, const EVP_PKEY *key,
                          int alg, int explicit_gen,
                          const uint8_t h[SHA256_DIGEST_LENGTH]) {
  size_t i = sig_slot(h, alg);
  if (sig->len > sizeof(g_sig_cache[i].v)) {
    return;
  }
  g_sig_cache[i].key = key;
  g_sig_cache[i].alg = alg;
  g_sig_cache[i].explicit_gen = explicit_gen;
  memcpy(g_sig_cache[i].tbs_sha256, h, SHA256_DIGEST_LENGTH);
  memcpy(g_sig_cache[i].v, sig->v, sig->len);
  g_sig_cache[i].len = sig->len;
}

/* --- one certificate -------------------------------------------------------
 */

/* default_serial sets |out| to 8 bytes from SHA-256 of the recipe id and the
 * cert name: positive (top bit clear) and minimal (second-highest bit set,
 * so the first byte is never 00). */
static void default_serial(uint8_t out[8], const struct cf_recipe *r,
                           const struct cf_rcert *c) {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX h;
  SHA256_Init(&h);
  SHA256_Update(&h, "chainfuzz serial", 17);
  SHA256_Update(&h, r->id, strnlen(r->id, sizeof(r->id)));
  SHA256_Update(&h, "", 1);
  SHA256_Update(&h, c->name, strnlen(c->name, sizeof(c->name)));
  SHA256_Final(digest, &h);
  memcpy(out, digest, 8);
  out[0] = (uint8_t)((out[0] & 0x7f) | 0x40);
}

/* build_tbs encodes the TBSCertificate of cert |c|. */
/* add_unique_id writes issuerUniqueID ([1]) or subjectUniqueID ([2]):
 * IMPLICIT BIT STRING, no unused bits, |len| bytes (RFC 5280 4.1). */
static int add_unique_id(struct build_ctx *b, CBB *tbs, int present,
                         unsigned tag, const uint8_t *bytes, size_t len) {
  CBB child;
  if (!present) {
    return 1;
  }
  if (!CBB_add_asn1(tbs, &child, CBS_ASN1_CONTEXT_SPECIFIC | tag) ||
      !CBB_add_u8(&child, 0) ||
      !CBB_add_bytes(&child, bytes,
                     len < CF_RECIPE_MAX_HEX ? len : CF_RECIPE_MAX_HEX) ||
      !CBB_flush(tbs)) {
    return fail(b, "out of memory");
  }
  return 1;
}

static int build_tbs(struct build_ctx *b, uint8_t **out, size_t *out_len,
                     const struct cf_rcert *c, const struct cf_rname *issuer,
                     const EVP_PKEY *subject_key, const EVP_PKEY *aki_key,
                     enum cf_sig_alg tbs_alg) {
  CBB cbb, tbs, child, validity;
  uint8_t serial[8];
  const uint8_t *ser = c->serial;
  size_t ser_len =
      c->serial_len < CF_RECIPE_MAX_HEX ? c->serial_len : CF_RECIPE_MAX_HEX;
  if (ser_len == 0) {
    default_serial(serial, b->r, c);
    ser = serial;
    ser_len = sizeof(serial);
  }
  if (!CBB_init(&cbb, 1024) || !CBB_add_asn1(&cbb, &tbs, CBS_ASN1_SEQUENCE)) {
    fail(b, "out of memory");
    goto err;
  }
  if (c->version != 1 &&
      (!CBB_add_asn1(&tbs, &child,
                     CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
       !CBB_add_asn1_uint64(&child, (uint64_t)(c->version - 1)))) {
    fail(b, "out of memory");
    goto err;
  }
  if (!CBB_add_asn1(&tbs, &child, CBS_ASN1_INTEGER) ||
      ((c->defects & (1u << CF_DEF_NONMINIMAL_SERIAL)) &&
       !CBB_add_u8(&child, 0)) ||
      !CBB_add_bytes(&child, ser, ser_len) || !CBB_flush(&tbs)) {
    fail(b, "out of memory");
    goto err;
  }
  if (!add_alg_id(b, &tbs, tbs_alg, c->tbs_alg_oid) ||
      !add_name(b, &tbs, issuer) ||
      !CBB_add_asn1(&tbs, &validity, CBS_ASN1_SEQUENCE) ||
      !add_time(b, &validity, &c->not_before, "not-before") ||
      !add_time(b, &validity, &c->not_after, "not-after") || !CBB_flush(&tbs) ||
      !add_name(b, &tbs, &c->subject)) {
    fail(b, "cannot encode the TBSCertificate");
    goto err;
  }
  if (c->spki == CF_SPKI_NAMED) {
    if (!EVP_marshal_public_key(&tbs, subject_key)) {
      fail(b, "cannot encode the public key");
      goto err;
    }
  } else if (!add_explicit_spki(b, &tbs, subject_key,
                                c->spki == CF_SPKI_EXPLICIT_GENERATOR)) {
    goto err;
  }
  if (!add_unique_id(b, &tbs, c->has_issuer_uid, 1, c->issuer_uid,
                     c->issuer_uid_len) ||
      !add_unique_id(b, &tbs, c->has_subject_uid, 2, c->subject_uid,
                     c->subject_uid_len)) {
    goto err;
  }
  if (c->version == 3 && !add_extensions(b, &tbs, c, subject_key, aki_key)) {
    goto err;
  }
  if ((c->defects & (1u << CF_DEF_TBS_TRAILING)) &&
      !CBB_add_asn1(&tbs, &child, CBS_ASN1_NULL)) {
    fail(b, "out of memory");
    goto err;
  }
  if (!CBB_finish(&cbb, out, out_len)) {
    fail(b, "out of memory");
    goto err;
  }
  return 1;

err:
  CBB_cleanup(&cbb);
  return 0;
}

/* add_outer writes the Certificate around |tbs|, |alg_id| and |sig| with the
 * outer-encoding defects of |defects|. */
static int add_outer(CBB *cbb, uint32_t defects, const uint8_t *content,
                     size_t content_len) {
  CBB child;
  int wrong = (defects & (1u << CF_DEF_WRONG_OUTER_TAG)) != 0;
  /* The identifier octet as a byte, for the forms CBB_add_asn1 cannot
   * write (CBS tag numbers are not identifier octets). */
  uint8_t tag = wrong ? 0x31 : 0x30;
  if (!(defects &
        ((1u << CF_DEF_INDEFINITE_LENGTH) | (1u << CF_DEF_LONG_LENGTH)))) {
    return CBB_add_asn1(cbb, &child,
                        wrong ? CBS_ASN1_SET : CBS_ASN1_SEQUENCE) &&
           CBB_add_bytes(&child, content, content_len) && CBB_flush(cbb);
  }
  if (!CBB_add_u8(cbb, tag)) {
    return 0;
  }
  if (defects & (1u << CF_DEF_INDEFINITE_LENGTH)) {
    return CBB_add_u8(cbb, 0x80) && CBB_add_bytes(cbb, content, content_len) &&
           CBB_add_u16(cbb, 0x0000);
  }
  if (defects & (1u << CF_DEF_LONG_LENGTH)) {
    /* Long form with one redundant leading 00 length octet. */
    uint8_t len_bytes[9];
    size_t n = 0;
    for (size_t v = content_len; v != 0; v >>= 8) {
      n++;
    }
    for (size_t i = 0; i < n; i++) {
      len_bytes[n - 1 - i] = (uint8_t)(content_len >> (8 * i));
    }
    return CBB_add_u8(cbb, (uint8_t)(0x80 | (n + 1))) && CBB_add_u8(cbb, 0) &&
           CBB_add_bytes(cbb, len_bytes, n) &&
           CBB_add_bytes(cbb, content, content_len);
  }
  return 0;
}

/* sign_remembered signs |tbs| (|digest|: its hash with |*md|) for a
 * certificate without a signature defect, or takes the signature from the
 * cache when the same key made it over the same bytes before; then
 * remembers it. 1 on success. */
static int sign_remembered(struct build_ctx *b, struct sig_buf *sig,
                           EVP_PKEY *signer_key, EVP_PKEY *issuer_key,
                           enum cf_sig_alg sign_alg, int explicit_gen,
                           const uint8_t tbs_sha256[SHA256_DIGEST_LENGTH],
                           enum cf_sig_kind *kind, const EVP_MD **md,
                           const char **oid, const uint8_t *tbs,
                           size_t tbs_len, uint8_t *digest,
                           unsigned digest_len) {
  EVP_PKEY *key = explicit_gen ? issuer_key : signer_key;
  if (sig_cache_get(sig, key, (int)sign_alg, explicit_gen, tbs_sha256)) {
    return 1; /* made before, byte for byte */
  }
  if (explicit_gen) {
    if (*kind != CF_SIG_ECDSA) {
      /* The issuer's key is EC, so this is only an OID or default mix-up:
       * sign with the key's default hash. */
      if (!alg_info(default_alg(issuer_key), kind, md, oid) ||
          !EVP_Digest(tbs, tbs_len, digest, &digest_len, *md, NULL)) {
        fail(b, "cannot hash the TBSCertificate");
        return 0;
      }
    }
    if (!ecdsa_sign_det(b, sig, issuer_key, 1, digest, digest_len)) {
      return 0;
    }
  } else if (*kind == CF_SIG_ECDSA) {
    if (!ecdsa_sign_det(b, sig, signer_key, 0, digest, digest_len)) {
      return 0;
    }
  } else if (!evp_sign(b, sig, signer_key, *md, *kind, tbs, tbs_len)) {
    return 0;
  }
  sig_cache_put(sig, key, (int)sign_alg, explicit_gen, tbs_sha256);
  return 1;
}

/* build_one builds cert |idx| of the recipe into |out|. */
static int build_one(struct build_ctx *b, struct cf_built *out, size_t idx) {
  const struct cf_recipe *r = b->r;
  const struct cf_rcert *c = &r->certs[idx];
  const struct cf_rcert *ic;
  EVP_PKEY *subject_key, *signer_key, *issuer_key;
  enum cf_sig_alg tbs_alg, outer_alg, sign_alg;
  enum cf_sig_kind kind;
  const EVP_MD *md;
  const char *oid;
  int explicit_gen;
  uint8_t *tbs = NULL, digest[EVP_MAX_MD_SIZE];
  unsigned digest_len = 0;
  size_t tbs_len = 0;
  struct sig_buf sig;
  CBB body, cert, bits;
  uint8_t *body_der = NULL;
  size_t body_len;
  int ok = 0;

  b->c = c;
  CBB_zero(&body);
  CBB_zero(&cert);
  if (c->key < 0 || (size_t)c->key >= cf_pool_count() ||
      b->pool->key[c->key] == NULL) {
    return fail(b, "key %d is not in the pool", c->key);
  }
  if (c->issuer < 0 || (size_t)c->issuer >= r->num_certs) {
    return fail(b, "issuer %d is not a cert block", c->issuer);
  }
  if (c->signed_by >= 0 && ((size_t)c->signed_by >= cf_pool_count() ||
                            b->pool->key[c->signed_by] == NULL)) {
    return fail(b, "signed-by key %d is not in the pool", c->signed_by);
  }
  if (c->version < 1 || c->version > 3) {
    return fail(b, "version %d", c->version);
  }
  ic = &r->certs[c->issuer];
  if (ic->key < 0 || (size_t)ic->key >= cf_pool_count() ||
      b->pool->key[ic->key] == NULL) {
    return fail(b, "issuer '%s' has no key", ic->name);
  }
  subject_key = b->pool->key[c->key];
  issuer_key = b->pool->key[ic->key];
  signer_key = c->signed_by >= 0 ? b->pool->key[c->signed_by] : issuer_key;
  /* signed-by overrides everything: an explicit signer signs normally, even
   * under an explicit-generator issuer. `aki auto` always names the issuer
   * cert's key (what a forger copies), not the signed-by key. */
  explicit_gen = ic->spki == CF_SPKI_EXPLICIT_GENERATOR && c->signed_by < 0;
  if (explicit_gen && EVP_PKEY_id(issuer_key) != EVP_PKEY_EC) {
    return fail(b, "issuer '%s' has spki explicit-generator but no EC key",
                ic->name);
  }

  /* Algorithms: identifiers as asked; the signature with the outer one when
   * the key can make it, else the key's default. */
  tbs_alg = c->tbs_alg == CF_ALG_DEFAULT ? default_alg(signer_key) : c->tbs_alg;
  outer_alg =
      c->outer_alg == CF_ALG_DEFAULT ? default_alg(signer_key) : c->outer_alg;
  sign_alg = outer_alg;
  if (sign_alg == CF_ALG_OID || !alg_info(sign_alg, &kind, &md, &oid) ||
      !key_can_make(signer_key, kind)) {
    sign_alg = default_alg(signer_key);
  }
  if (!alg_info(sign_alg, &kind, &md, &oid)) {
    return fail(b, "the signer key has no signature algorithm");
  }

  if (!build_tbs(b, &tbs, &tbs_len, c,
                 c->has_issuer_name ? &c->issuer_name : &ic->subject,
                 subject_key, issuer_key, tbs_alg)) {
    goto err;
  }
  SHA256(tbs, tbs_len, out->tbs_sha256[idx]);
  if (md != NULL && !EVP_Digest(tbs, tbs_len, digest, &digest_len, md, NULL)) {
    fail(b, "cannot hash the TBSCertificate");
    goto err;
  }

  /* The signature value. */
  memset(&sig, 0, sizeof(sig));
  if (c->defects & (1u << CF_DEF_SIG_E3_FORGERY)) {
    if (kind != CF_SIG_RSA_PKCS1) {
      md = EVP_sha256();
      if (!EVP_Digest(tbs, tbs_len, digest, &digest_len, md, NULL)) {
        fail(b, "cannot hash the TBSCertificate");
        goto err;
      }
    }
    if (!e3_forgery(b, &sig, signer_key, md, digest, digest_len)) {
      goto err;
    }
  } else if (c->defects & (1u << CF_DEF_SIG_ZERO_RS)) {
    static const uint8_t kZeroRS[] = {0x30, 0x06, 0x02, 0x01,
                                      0x00, 0x02, 0x01, 0x00};
    memcpy(sig.v, kZeroRS, sizeof(kZeroRS));
    sig.len = sizeof(kZeroRS);
  } else {
    /* Made now or remembered: the same coverage either way (coverage.h). */
    cf_coverage_pause();
    int made = sign_remembered(b, &sig, signer_key, issuer_key, sign_alg,
                               explicit_gen, out->tbs_sha256[idx], &kind, &md,
                               &oid, tbs, tbs_len, digest, digest_len);
    cf_coverage_resume();
    if (!made) {
      goto err;
    }
  }
  if ((c->defects & (1u << CF_DEF_SIG_ZERO_R)) &&
      !zero_ecdsa_part(b, &sig, 0)) {
    goto err;
  }
  if ((c->defects & (1u << CF_DEF_SIG_ZERO_S)) &&
      !zero_ecdsa_part(b, &sig, 1)) {
    goto err;
  }
  if ((c->defects & (1u << CF_DEF_SIG_BITFLIP)) && sig.len > 0) {
    sig.v[sig.len / 2] ^= 0x01;
  }
  if ((c->defects & (1u << CF_DEF_SIG_TRUNCATE)) && sig.len > 0) {
    sig.len--;
  }
  if (c->defects & (1u << CF_DEF_SIG_EMPTY)) {
    sig.len = 0;
  }

  /* The Certificate: contents first, then the outer TLV. */
  if (!CBB_init(&body, tbs_len + sig.len + 64) ||
      !CBB_add_bytes(&body, tbs, tbs_len) ||
      !add_alg_id(b, &body, outer_alg, c->outer_alg_oid) ||
      !CBB_add_asn1(&body, &bits, CBS_ASN1_BITSTRING) ||
      !CBB_add_u8(&bits,
                  (c->defects & (1u << CF_DEF_BITSTRING_UNUSED)) ? 1 : 0) ||
      !CBB_add_bytes(&bits, sig.v, sig.len) ||
      !CBB_finish(&body, &body_der, &body_len)) {
    fail(b, "cannot encode the certificate");
    goto err;
  }
  if (!CBB_init(&cert, body_len + 16) ||
      !add_outer(&cert, c->defects, body_der, body_len) ||
      ((c->defects & (1u << CF_DEF_TRAILING_DATA)) &&
       !CBB_add_u16(&cert, 0x0000)) ||
      !CBB_finish(&cert, &out->der[idx], &out->der_len[idx])) {
    fail(b, "cannot encode the certificate");
    goto err;
  }
  ok = 1;

err:
  CBB_cleanup(&body);
  CBB_cleanup(&cert);
  OPENSSL_free(tbs);
  OPENSSL_free(body_der);
  ERR_clear_error();
  return ok;
}

/* --- API -------------------------------------------------------------------
 */

void cf_built_free(struct cf_built *b) {
  if (b == NULL) {
    return;
  }
  for (size_t i = 0; i < CF_RECIPE_MAX_CERTS; i++) {
    OPENSSL_free(b->der[i]);
  }
  memset(b, 0, sizeof(*b));
}

int cf_build_certs(struct cf_built *out, const struct cf_recipe *r,
                   const struct cf_pool *pool, char *err, size_t err_len) {
  struct build_ctx b;
  memset(out, 0, sizeof(*out));
  memset(&b, 0, sizeof(b));
  b.r = r;
  b.pool = pool;
  b.err = err;
  b.err_len = err_len;
  if (r->num_certs > CF_RECIPE_MAX_CERTS) {
    snprintf(err, err_len, "too many cert blocks (%zu)", r->num_certs);
    return 0;
  }
  for (size_t i = 0; i < r->num_certs; i++) {
    if (!build_one(&b, out, i)) {
      if (!b.failed) {
        fail(&b, "cannot build the certificate");
      }
      cf_built_free(out);
      return 0;
    }
  }
  return 1;
}

int cf_build_case(uint8_t **out, size_t *out_len, const struct cf_recipe *r,
                  const struct cf_built *b) {
  struct cf_case c;
  const struct cf_rdevice *d = &r->device;
  *out = NULL;
  *out_len = 0;
  memset(&c, 0, sizeof(c));
  if (d->num_anchors > CF_MAX_ANCHORS || d->num_chain < 1 ||
      d->num_chain - 1 > CF_MAX_INTERMEDIATES ||
      d->num_anchors > CF_RECIPE_MAX_CERTS ||
      d->num_chain > CF_RECIPE_MAX_CERTS) {
    return 0;
  }
  for (size_t i = 0; i < d->num_anchors; i++) {
    int idx = d->anchors[i];
    if (idx < 0 || (size_t)idx >= r->num_certs || b->der[idx] == NULL) {
      return 0;
    }
    c.anchors[i].data = b->der[idx];
    c.anchors[i].len = b->der_len[idx];
  }
  c.num_anchors = d->num_anchors;
  for (size_t i = 0; i < d->num_chain; i++) {
    int idx = d->chain[i];
    struct cf_blob *blob = i == 0 ? &c.leaf : &c.intermediates[i - 1];
    if (idx < 0 || (size_t)idx >= r->num_certs || b->der[idx] == NULL) {
      return 0;
    }
    blob->data = b->der[idx];
    blob->len = b->der_len[idx];
  }
  c.num_intermediates = d->num_chain - 1;
  c.label.data = (const uint8_t *)r->id;
  c.label.len = strnlen(r->id, sizeof(r->id));
  c.profile = d->profile;
  return cf_case_serialize(out, out_len, &c);
}

/* --- honest signatures outside a recipe ------------------------------------
 */

/* alg_from_der returns the algorithm whose AlgorithmIdentifier, as
 * add_alg_id writes it, is |der|; CF_ALG_OID for anything else. */
static enum cf_sig_alg alg_from_der(const uint8_t *der, size_t der_len) {
  for (int a = CF_ALG_DEFAULT + 1; a < CF_ALG_OID; a++) {
    struct build_ctx b;
    uint8_t buf[128];
    size_t len;
    CBB cbb;
    memset(&b, 0, sizeof(b));
    if (CBB_init_fixed(&cbb, buf, sizeof(buf)) &&
        add_alg_id(&b, &cbb, (enum cf_sig_alg)a, NULL) &&
        CBB_finish(&cbb, NULL, &len) && len == der_len &&
        memcmp(buf, der, len) == 0) {
      return (enum cf_sig_alg)a;
    }
  }
  return CF_ALG_OID;
}

int cf_sign_tbs(uint8_t *out_sig, size_t *out_sig_len, size_t max_sig_len,
                const struct cf_pool *pool, int key_idx, const uint8_t *alg_der,
                size_t alg_len, const uint8_t *tbs, size_t tbs_len) {
  struct build_ctx b;
  struct sig_buf sig;
  enum cf_sig_kind kind;
  const EVP_MD *md;
  const char *oid;
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned digest_len = 0;
  EVP_PKEY *key;
  int ok;

  if (key_idx < 0 || (size_t)key_idx >= cf_pool_count() ||
      pool->key[key_idx] == NULL) {
    return 0;
  }
  key = pool->key[key_idx];
  memset(&b, 0, sizeof(b));
  /* build_one's choice: the outer algorithm when the key can make it, else
   * the key's default. */
  enum cf_sig_alg a = alg_from_der(alg_der, alg_len);
  if (a == CF_ALG_OID || !alg_info(a, &kind, &md, &oid) ||
      !key_can_make(key, kind)) {
    a = default_alg(key);
  }
  if (!alg_info(a, &kind, &md, &oid)) {
    return 0;
  }
  memset(&sig, 0, sizeof(sig));
  if (kind == CF_SIG_ECDSA) {
    ok = EVP_Digest(tbs, tbs_len, digest, &digest_len, md, NULL) &&
         ecdsa_sign_det(&b, &sig, key, 0, digest, digest_len);
  } else {
    ok = evp_sign(&b, &sig, key, md, kind, tbs, tbs_len);
  }
  ERR_clear_error();
  if (!ok || sig.len > max_sig_len) {
    return 0;
  }
  memcpy(out_sig, sig.v, sig.len);
  *out_sig_len = sig.len;
  return 1;
}

int cf_resign_cert(uint8_t **out, size_t *out_len, const struct cf_pool *pool,
                   int key_idx, const uint8_t *alg_der, size_t alg_len,
                   const uint8_t *tbs, size_t tbs_len) {
  uint8_t sig[1024];
  size_t sig_len;
  CBB cbb, cert, bits;
  if (!cf_sign_tbs(sig, &sig_len, sizeof(sig), pool, key_idx, alg_der,
                   alg_len, tbs, tbs_len)) {
    return 0;
  }
  if (!CBB_init(&cbb, tbs_len + alg_len + sig_len + 16) ||
      !CBB_add_asn1(&cbb, &cert, CBS_ASN1_SEQUENCE) ||
      !CBB_add_bytes(&cert, tbs, tbs_len) ||
      !CBB_add_bytes(&cert, alg_der, alg_len) ||
      !CBB_add_asn1(&cert, &bits, CBS_ASN1_BITSTRING) ||
      !CBB_add_u8(&bits, 0) || !CBB_add_bytes(&bits, sig, sig_len) ||
      !CBB_finish(&cbb, out, out_len)) {
    CBB_cleanup(&cbb);
    return 0;
  }
  return 1;
}
