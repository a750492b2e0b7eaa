/* signed_bytes.c — the signed-bytes oracle (signed_bytes.h). */
#include "signed_bytes.h"

#include "chainfuzz/coverage.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bytestring.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "build.h"

/* cert_parts are the three fields of a Certificate, as bytes. */
struct cert_parts {
  CBS tbs;   /* the whole TBSCertificate element, header included */
  CBS alg;   /* the whole outer AlgorithmIdentifier element */
  CBS sig;   /* the BIT STRING's contents, unused-bits octet included */
};

/* split_cert finds the parts of |der|. The outer SEQUENCE may be BER (a
 * long-form or indefinite length is outside the signature: a library that
 * tolerates it accepts honestly signed bytes); the TBS and algorithm are
 * taken as the exact elements that follow, the BIT STRING must be DER. */
static int split_cert(struct cert_parts *out, const uint8_t *der,
                      size_t der_len) {
  CBS cbs, outer, body;
  unsigned tag;
  size_t header_len;
  int indefinite;
  CBS_init(&cbs, der, der_len);
  if (!CBS_get_any_ber_asn1_element(&cbs, &outer, &tag, &header_len, NULL,
                                    &indefinite) ||
      tag != CBS_ASN1_SEQUENCE) {
    return 0;
  }
  if (indefinite) {
    body = cbs; /* contents run to the end-of-contents octets */
  } else {
    body = outer;
    if (!CBS_skip(&body, header_len)) {
      return 0;
    }
  }
  return CBS_get_any_ber_asn1_element(&body, &out->tbs, &tag, NULL, NULL,
                                      &indefinite) &&
         !indefinite && tag == CBS_ASN1_SEQUENCE &&
         CBS_get_any_ber_asn1_element(&body, &out->alg, &tag, NULL, NULL,
                                      &indefinite) &&
         !indefinite && tag == CBS_ASN1_SEQUENCE &&
         CBS_get_asn1(&body, &out->sig, CBS_ASN1_BITSTRING);
}

int cf_cert_spki(struct cf_blob *out, const uint8_t *der, size_t der_len) {
  struct cert_parts parts;
  CBS tbs;
  if (!split_cert(&parts, der, der_len) ||
      !CBS_get_asn1(&parts.tbs, &tbs, CBS_ASN1_SEQUENCE) ||
      !CBS_get_optional_asn1(
          &tbs, NULL, NULL,
          CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
      !CBS_get_any_asn1_element(&tbs, NULL, NULL, NULL) || /* serial */
      !CBS_get_any_asn1_element(&tbs, NULL, NULL, NULL) || /* signature */
      !CBS_get_any_asn1_element(&tbs, NULL, NULL, NULL) || /* issuer */
      !CBS_get_any_asn1_element(&tbs, NULL, NULL, NULL) || /* validity */
      !CBS_get_any_asn1_element(&tbs, NULL, NULL, NULL)) { /* subject */
    return 0;
  }
  CBS spki;
  if (!CBS_get_asn1_element(&tbs, &spki, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  out->data = CBS_data(&spki);
  out->len = CBS_len(&spki);
  return 1;
}

/* ecdsa_verifies says whether |sig| is a DER ECDSA signature of |tbs|
 * under EC pool key |key|, with the digest the outer algorithm names (or
 * the key's default when it names no ECDSA digest, as cf_sign_tbs does). */
static int ecdsa_verifies(const EVP_PKEY *key, const CBS *alg,
                          const uint8_t *tbs, size_t tbs_len,
                          const uint8_t *sig, size_t sig_len) {
  static const struct {
    uint8_t oid_der[10];
    const EVP_MD *(*md)(void);
  } kEcdsa[] = {
      {{0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01}, EVP_sha1},
      {{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02}, EVP_sha256},
      {{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03}, EVP_sha384},
      {{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04}, EVP_sha512},
  };
  const EC_KEY *ec = EVP_PKEY_get0_EC_KEY(key);
  const EVP_MD *md = NULL;
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned digest_len;
  CBS a = *alg, seq;
  if (ec == NULL) {
    return 0;
  }
  if (CBS_get_asn1(&a, &seq, CBS_ASN1_SEQUENCE)) {
    for (size_t i = 0; i < sizeof(kEcdsa) / sizeof(kEcdsa[0]); i++) {
      size_t n = 2 + kEcdsa[i].oid_der[1];
      if (CBS_len(&seq) == n && memcmp(CBS_data(&seq), kEcdsa[i].oid_der, n) == 0) {
        md = kEcdsa[i].md();
      }
    }
  }
  if (md == NULL) {
    int bits = EC_GROUP_get_degree(EC_KEY_get0_group(ec));
    md = bits == 384 ? EVP_sha384() : bits == 521 ? EVP_sha512() : EVP_sha256();
  }
  ECDSA_SIG *s = ECDSA_SIG_from_bytes(sig, sig_len); /* DER only */
  int ok = s != NULL &&
           EVP_Digest(tbs, tbs_len, digest, &digest_len, md, NULL) &&
           ECDSA_do_verify(digest, digest_len, s, ec);
  ECDSA_SIG_free(s);
  ERR_clear_error();
  return ok;
}

/* The honest-signature cache: (SHA-256 of a certificate, pool key) pairs
 * already found honest. A fuzzer re-runs the same certificates over and
 * over (most mutations leave them alone) and re-signing costs a private-key
 * operation each time, ~10 ms for RSA under ASan and coverage. Only
 * positive answers are kept and each is a pure function of the bytes and
 * the key, so a cached answer is the answer. Direct-mapped, not
 * thread-safe (targets run one input at a time). */
#define HONEST_CACHE_SIZE 4096
static struct {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  int key; /* pool index + 1; 0: empty */
} g_honest[HONEST_CACHE_SIZE];

static size_t honest_slot(const uint8_t digest[SHA256_DIGEST_LENGTH], int k) {
  return (((size_t)digest[0] << 8 | digest[1]) + (size_t)k * 31) % HONEST_CACHE_SIZE;
}

static int honest_cached(const uint8_t digest[SHA256_DIGEST_LENGTH], int k) {
  size_t i = honest_slot(digest, k);
  return g_honest[i].key == k + 1 &&
         memcmp(g_honest[i].digest, digest, SHA256_DIGEST_LENGTH) == 0;
}

static void honest_remember(const uint8_t digest[SHA256_DIGEST_LENGTH], int k) {
  size_t i = honest_slot(digest, k);
  memcpy(g_honest[i].digest, digest, SHA256_DIGEST_LENGTH);
  g_honest[i].key = k + 1;
}

/* honest_by_pool_key says whether a pool key among |spkis| made the
 * signature of the certificate |parts| (SHA-256 |whole|), from the cache or
 * by signing its TBS again; |*any_key| says whether |spkis| held one. */
static int honest_by_pool_key(const struct cf_pool *pool,
                              const uint8_t whole[SHA256_DIGEST_LENGTH],
                              const struct cert_parts *p,
                              const struct cf_blob *spkis, size_t num_spkis,
                              int *any_key) {
  int tried[CF_POOL_MAX] = {0};
  uint8_t mine[1024];
  size_t mine_len;
  struct cert_parts parts = *p;
  for (size_t i = 0; i < num_spkis; i++) {
    int k = cf_pool_find_spki(pool, spkis[i].data, spkis[i].len);
    if (k < 0 || tried[k]) {
      continue;
    }
    tried[k] = 1;
    *any_key = 1;
    if (honest_cached(whole, k)) {
      return 1;
    }
    if ((cf_sign_tbs(mine, &mine_len, sizeof(mine), pool, k,
                     CBS_data(&parts.alg), CBS_len(&parts.alg),
                     CBS_data(&parts.tbs), CBS_len(&parts.tbs)) &&
         mine_len == CBS_len(&parts.sig) &&
         memcmp(mine, CBS_data(&parts.sig), mine_len) == 0) ||
        (EVP_PKEY_id(pool->key[k]) == EVP_PKEY_EC &&
         ecdsa_verifies(pool->key[k], &parts.alg, CBS_data(&parts.tbs),
                        CBS_len(&parts.tbs), CBS_data(&parts.sig),
                        CBS_len(&parts.sig)))) {
      honest_remember(whole, k);
      return 1;
    }
  }
  return 0;
}

int cf_cert_is_honest(char *detail, size_t detail_len,
                      const struct cf_pool *pool, const uint8_t *der,
                      size_t der_len, const struct cf_blob *spkis,
                      size_t num_spkis) {
  struct cert_parts parts;
  uint8_t unused;
  int any_key = 0;

  if (!split_cert(&parts, der, der_len)) {
    snprintf(detail, detail_len,
             "not a Certificate { tbs, algorithm, BIT STRING }: no signed "
             "bytes to check");
    return 0;
  }
  if (!CBS_get_u8(&parts.sig, &unused) || unused != 0) {
    snprintf(detail, detail_len,
             "signature BIT STRING is empty or has unused bits: not a "
             "signature certgen made");
    return 0;
  }
  uint8_t whole[SHA256_DIGEST_LENGTH];
  SHA256(der, der_len, whole);
  /* Remembered or checked now: the same coverage either way (coverage.h). */
  cf_coverage_pause();
  int honest =
      honest_by_pool_key(pool, whole, &parts, spkis, num_spkis, &any_key);
  cf_coverage_resume();
  if (honest) {
    return 1;
  }
  uint8_t h[SHA256_DIGEST_LENGTH];
  SHA256(CBS_data(&parts.tbs), CBS_len(&parts.tbs), h);
  snprintf(detail, detail_len,
           "signature over TBS sha256:%02x%02x%02x%02x... (%zu bytes) is %s",
           h[0], h[1], h[2], h[3], CBS_len(&parts.tbs),
           any_key ? "not one certgen made with any pool key of the case"
                   : "unverifiable: no certificate of the case has a pool key");
  return 0;
}

/* entry_is_anchor: |e| is an anchor, or byte-identical to one. */
static int entry_is_anchor(const struct cf_case *c, const uint8_t *der,
                           size_t der_len, struct cf_path_entry e) {
  if (e.role == CF_ROLE_ANCHOR) {
    return 1;
  }
  for (size_t i = 0; i < c->num_anchors; i++) {
    if (c->anchors[i].len == der_len &&
        memcmp(c->anchors[i].data, der, der_len) == 0) {
      return 1;
    }
  }
  return 0;
}

/* has_pool_key says whether |der| is a certificate whose key is a pool
 * key. */
static int has_pool_key(const struct cf_pool *pool, const struct cf_blob *der) {
  struct cf_blob spki;
  return cf_cert_spki(&spki, der->data, der->len) &&
         cf_pool_find_spki(pool, spki.data, spki.len) >= 0;
}

/* case_has_pool_key: some certificate of |c| has a pool key. */
static int case_has_pool_key(const struct cf_pool *pool,
                             const struct cf_case *c) {
  if (has_pool_key(pool, &c->leaf)) {
    return 1;
  }
  for (size_t i = 0; i < c->num_intermediates; i++) {
    if (has_pool_key(pool, &c->intermediates[i])) {
      return 1;
    }
  }
  for (size_t i = 0; i < c->num_anchors; i++) {
    if (has_pool_key(pool, &c->anchors[i])) {
      return 1;
    }
  }
  return 0;
}

/* contains says whether |needle| occurs in |hay| (memmem is not POSIX). */
static int contains(const uint8_t *hay, size_t hay_len, const uint8_t *needle,
                    size_t needle_len) {
  for (size_t i = 0; needle_len > 0 && i + needle_len <= hay_len; i++) {
    if (hay[i] == needle[0] && memcmp(hay + i, needle, needle_len) == 0) {
      return 1;
    }
  }
  return 0;
}

/* add_keys appends to |spkis| (|*n| used of |cap|) the key of the
 * certificate |der|: its SubjectPublicKeyInfo; with |by_bits|, when that is
 * no pool key's or the certificate does not parse, also every pool key
 * whose public key bits are among its bytes (a mutated anchor a lenient
 * library still loads: wolfSSL reads the key of an anchor whose
 * SubjectPublicKeyInfo header is broken). */
static void add_keys(struct cf_blob *spkis, size_t *n, size_t cap,
                     const struct cf_pool *pool, const uint8_t *der,
                     size_t der_len, int by_bits) {
  if (*n < cap && cf_cert_spki(&spkis[*n], der, der_len)) {
    (*n)++;
    if (!by_bits ||
        cf_pool_find_spki(pool, spkis[*n - 1].data, spkis[*n - 1].len) >= 0) {
      return;
    }
  }
  for (size_t k = 0; by_bits && k < cf_pool_count() && *n < cap; k++) {
    /* The subjectPublicKey BIT STRING, the key itself: a mutation of the
     * SubjectPublicKeyInfo's own header (its length, say) leaves it. */
    CBS spki, seq, key;
    if (pool->spki[k] == NULL) {
      continue;
    }
    CBS_init(&spki, pool->spki[k], pool->spki_len[k]);
    if (CBS_get_asn1(&spki, &seq, CBS_ASN1_SEQUENCE) &&
        CBS_get_any_asn1_element(&seq, NULL, NULL, NULL) &&
        CBS_get_asn1_element(&seq, &key, CBS_ASN1_BITSTRING) &&
        contains(der, der_len, CBS_data(&key), CBS_len(&key))) {
      spkis[*n].data = pool->spki[k];
      spkis[*n].len = pool->spki_len[k];
      (*n)++;
    }
  }
}

/* candidate_keys fills |spkis| with the keys that may have signed path
 * entry |pos|: the next certificate of the path first, then every
 * certificate of the case (add_keys, |by_bits| as there). It returns how
 * many. */
static size_t candidate_keys(struct cf_blob *spkis, size_t cap,
                             const struct cf_pool *pool,
                             const struct cf_case *c,
                             const struct cf_verdict *v, size_t pos,
                             int by_bits) {
  const uint8_t *next;
  size_t next_len, n = 0;
  if (pos + 1 < v->path_len &&
      cf_path_entry_der(&next, &next_len, c, v->path[pos + 1])) {
    add_keys(spkis, &n, cap, pool, next, next_len, by_bits);
  }
  for (size_t i = 0; i < c->num_anchors; i++) {
    add_keys(spkis, &n, cap, pool, c->anchors[i].data, c->anchors[i].len,
             by_bits);
  }
  for (size_t i = 0; i < c->num_intermediates; i++) {
    add_keys(spkis, &n, cap, pool, c->intermediates[i].data,
             c->intermediates[i].len, by_bits);
  }
  add_keys(spkis, &n, cap, pool, c->leaf.data, c->leaf.len, by_bits);
  return n;
}

int cf_signed_bytes_check(size_t *out_pos, char *detail, size_t detail_len,
                          const struct cf_pool *pool, const struct cf_case *c,
                          const struct cf_verdict *v) {
  /* Each certificate of the case gives one key, a broken one up to four. */
  struct cf_blob spkis[4 * (1 + CF_MAX_INTERMEDIATES + CF_MAX_ANCHORS + 1)];
  const uint8_t *der;
  size_t der_len;

  /* An external case whose certificates hold no pool key has no signature
   * certgen made: nothing to vouch for. A certgen case that a mutation
   * marked external still holds pool keys and is judged. */
  if ((c->profile.flags & CF_PROFILE_FLAG_EXTERNAL) &&
      !case_has_pool_key(pool, c)) {
    return 1;
  }

  for (size_t pos = 0; pos < v->path_len; pos++) {
    if (!cf_path_entry_der(&der, &der_len, c, v->path[pos])) {
      *out_pos = pos;
      snprintf(detail, detail_len, "path entry %zu names no certificate", pos);
      return 0;
    }
    if (entry_is_anchor(c, der, der_len, v->path[pos])) {
      continue;
    }
    /* The keys by their SubjectPublicKeyInfo; by their bits only when
     * that finds no honest signature (off the common path: it scans every
     * certificate for every pool key). */
    const size_t cap = sizeof(spkis) / sizeof(spkis[0]);
    size_t n = candidate_keys(spkis, cap, pool, c, v, pos, 0);
    if (!cf_cert_is_honest(detail, detail_len, pool, der, der_len, spkis, n) &&
        !cf_cert_is_honest(detail, detail_len, pool, der, der_len, spkis,
                           candidate_keys(spkis, cap, pool, c, v, pos, 1))) {
      *out_pos = pos;
      return 0;
    }
  }
  return 1;
}
