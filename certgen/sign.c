/* sign.c — deterministic signatures for certgen (sign.h). */
#include "sign.h"

#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <string.h>

/* kPssSaltLen is the RSASSA-PSS salt length certgen writes in its
 * AlgorithmIdentifiers (build.c) and uses here. */
#define kPssSaltLen 32

/* --- ECDSA ---------------------------------------------------------------- */

/* digest_scalar sets |e| to the ECDSA integer of |digest| for an order of
 * |order_bits| bits (SEC 1 4.1.3 step 5: the leftmost bits). */
static int digest_scalar(BIGNUM *e, const uint8_t *digest, size_t digest_len,
                         unsigned order_bits) {
  if (BN_bin2bn(digest, digest_len, e) == NULL) {
    return 0;
  }
  if (digest_len * 8 > order_bits) {
    return BN_rshift(e, e, (int)(digest_len * 8 - order_bits));
  }
  return 1;
}

/* The nonce k is derived, RFC 6979 in spirit, from SHA-512 of a label, the
 * private scalar (or Q), the digest and a counter, twice, reduced mod n: no
 * RAND, no thread, the same bytes on every run, machine and library. */
int cf_sign_ecdsa_digest(uint8_t *out, size_t *out_len, size_t max_out,
                         const char **out_err, const EVP_PKEY *key,
                         int explicit_generator, const uint8_t *digest,
                         size_t digest_len) {
  const EC_KEY *ec = EVP_PKEY_get0_EC_KEY(key);
  const EC_GROUP *g = ec != NULL ? EC_KEY_get0_group(ec) : NULL;
  const EC_POINT *q = ec != NULL ? EC_KEY_get0_public_key(ec) : NULL;
  const BIGNUM *priv = ec != NULL ? EC_KEY_get0_private_key(ec) : NULL;
  BN_CTX *bn = BN_CTX_new();
  BIGNUM *k = BN_new(), *e = BN_new(), *x = BN_new(), *r = BN_new(),
         *s = BN_new(), *kinv = BN_new(), *rd = BN_new();
  EC_POINT *kb = NULL;
  ECDSA_SIG *sig = ECDSA_SIG_new();
  uint8_t seed[2 * SHA512_DIGEST_LENGTH], secret[160];
  size_t secret_len = 0;
  CBB cbb;
  int ok = 0;
  *out_err = "out of memory";
  if (g == NULL || q == NULL || (!explicit_generator && priv == NULL)) {
    *out_err = explicit_generator
                   ? "spki explicit-generator on the issuer needs an EC issuer key"
                   : "ECDSA signing needs an EC private key";
    goto err;
  }
  const BIGNUM *n = EC_GROUP_get0_order(g);
  kb = EC_POINT_new(g);
  if (bn == NULL || k == NULL || e == NULL || x == NULL || r == NULL ||
      s == NULL || kinv == NULL || rd == NULL || kb == NULL || sig == NULL ||
      !digest_scalar(e, digest, digest_len, BN_num_bits(n))) {
    goto err;
  }
  if (explicit_generator) {
    secret_len = EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED,
                                    secret, sizeof(secret), bn);
  } else if (BN_num_bytes(priv) <= sizeof(secret)) {
    secret_len = BN_bn2bin(priv, secret);
  }
  if (secret_len == 0) {
    *out_err = "cannot encode the ECDSA key";
    goto err;
  }
  for (uint8_t ctr = 0;; ctr++) {
    if (ctr == 16) {
      *out_err = "cannot find an ECDSA nonce";
      goto err;
    }
    for (uint8_t half = 0; half < 2; half++) {
      SHA512_CTX h;
      SHA512_Init(&h);
      if (explicit_generator) {
        SHA512_Update(&h, "chainfuzz cve-2020-0601 k", 25);
      } else {
        SHA512_Update(&h, "chainfuzz ecdsa k", 17);
      }
      SHA512_Update(&h, &ctr, 1);
      SHA512_Update(&h, &half, 1);
      SHA512_Update(&h, secret, secret_len);
      SHA512_Update(&h, digest, digest_len);
      SHA512_Final(seed + half * SHA512_DIGEST_LENGTH, &h);
    }
    /* 1024 bits mod n: uniform enough for every curve up to P-521. */
    if (BN_bin2bn(seed, sizeof(seed), k) == NULL || !BN_nnmod(k, k, n, bn)) {
      goto err;
    }
    if (BN_is_zero(k)) {
      continue;
    }
    if (!(explicit_generator ? EC_POINT_mul(g, kb, NULL, q, k, bn)
                             : EC_POINT_mul(g, kb, k, NULL, NULL, bn)) ||
        !EC_POINT_get_affine_coordinates_GFp(g, kb, x, NULL, bn) ||
        !BN_nnmod(r, x, n, bn) || BN_mod_inverse(kinv, k, n, bn) == NULL ||
        (explicit_generator ? !BN_copy(rd, r)
                            : !BN_mod_mul(rd, r, priv, n, bn)) ||
        !BN_mod_add(s, e, rd, n, bn) || !BN_mod_mul(s, s, kinv, n, bn)) {
      *out_err = "ECDSA signing failed";
      goto err;
    }
    if (!BN_is_zero(r) && !BN_is_zero(s)) {
      break;
    }
  }
  BIGNUM *r2 = BN_dup(r), *s2 = BN_dup(s);
  if (r2 == NULL || s2 == NULL || !ECDSA_SIG_set0(sig, r2, s2)) {
    BN_free(r2);
    BN_free(s2);
    goto err;
  }
  if (!CBB_init_fixed(&cbb, out, max_out) || !ECDSA_SIG_marshal(&cbb, sig) ||
      !CBB_finish(&cbb, NULL, out_len)) {
    *out_err = "cannot encode the signature";
    goto err;
  }
  ok = 1;

err:
  BN_CTX_free(bn);
  BN_free(k);
  BN_free(e);
  BN_free(x);
  BN_free(r);
  BN_free(s);
  BN_free(kinv);
  BN_free(rd);
  EC_POINT_free(kb);
  ECDSA_SIG_free(sig);
  ERR_clear_error();
  return ok;
}

/* --- RSA-PSS -------------------------------------------------------------- */

/* mgf1_xor XORs MGF1(|seed|) with hash |md| (RFC 8017 B.2.1) into |out|. */
static int mgf1_xor(uint8_t *out, size_t out_len, const EVP_MD *md,
                    const uint8_t *seed, size_t seed_len) {
  uint8_t block[EVP_MAX_MD_SIZE];
  unsigned block_len;
  for (uint32_t ctr = 0; out_len > 0; ctr++) {
    uint8_t c[4] = {(uint8_t)(ctr >> 24), (uint8_t)(ctr >> 16),
                    (uint8_t)(ctr >> 8), (uint8_t)ctr};
    EVP_MD_CTX h;
    EVP_MD_CTX_init(&h);
    int ok = EVP_DigestInit_ex(&h, md, NULL) &&
             EVP_DigestUpdate(&h, seed, seed_len) &&
             EVP_DigestUpdate(&h, c, sizeof(c)) &&
             EVP_DigestFinal_ex(&h, block, &block_len);
    EVP_MD_CTX_cleanup(&h);
    if (!ok) {
      return 0;
    }
    size_t n = block_len < out_len ? block_len : out_len;
    for (size_t i = 0; i < n; i++) {
      *out++ ^= block[i];
    }
    out_len -= n;
  }
  return 1;
}

/* pss_sign makes an RSASSA-PSS signature of |in| (RFC 8017 8.1.1) whose
 * salt is the first kPssSaltLen bytes of
 *   SHA-512("chainfuzz pss salt" || n || mHash). */
static int pss_sign(uint8_t *out, size_t *out_len, size_t max_out,
                    const char **out_err, const EVP_PKEY *key,
                    const EVP_MD *md, const uint8_t *in, size_t in_len) {
  const RSA *rsa = EVP_PKEY_get0_RSA(key);
  uint8_t mhash[EVP_MAX_MD_SIZE], h[EVP_MAX_MD_SIZE], salt[SHA512_DIGEST_LENGTH];
  uint8_t em[1024], n_bytes[1024];
  unsigned mhash_len, h_len;
  static const uint8_t kZeros[8] = {0};
  *out_err = "RSA-PSS signing failed";
  if (rsa == NULL || md == NULL) {
    *out_err = "RSA-PSS signing needs an RSA key";
    return 0;
  }
  size_t k = RSA_size(rsa);
  unsigned mod_bits = BN_num_bits(RSA_get0_n(rsa));
  size_t em_bits = mod_bits - 1, em_len = (em_bits + 7) / 8;
  size_t hlen = EVP_MD_size(md);
  if (k > sizeof(em) || k > max_out || BN_num_bytes(RSA_get0_n(rsa)) > sizeof(n_bytes) ||
      em_len < hlen + kPssSaltLen + 2 ||
      !EVP_Digest(in, in_len, mhash, &mhash_len, md, NULL)) {
    return 0;
  }
  size_t n_len = BN_bn2bin(RSA_get0_n(rsa), n_bytes);
  SHA512_CTX sh;
  SHA512_Init(&sh);
  SHA512_Update(&sh, "chainfuzz pss salt", 18);
  SHA512_Update(&sh, n_bytes, n_len);
  SHA512_Update(&sh, mhash, mhash_len);
  SHA512_Final(salt, &sh);
  /* H = Hash(0x00 * 8 || mHash || salt) */
  EVP_MD_CTX c;
  EVP_MD_CTX_init(&c);
  int ok = EVP_DigestInit_ex(&c, md, NULL) &&
           EVP_DigestUpdate(&c, kZeros, sizeof(kZeros)) &&
           EVP_DigestUpdate(&c, mhash, mhash_len) &&
           EVP_DigestUpdate(&c, salt, kPssSaltLen) &&
           EVP_DigestFinal_ex(&c, h, &h_len);
  EVP_MD_CTX_cleanup(&c);
  if (!ok) {
    return 0;
  }
  /* EM = maskedDB || H || 0xbc, left-padded with zeros to k bytes for the
   * raw RSA operation (em_len is k or k - 1). */
  memset(em, 0, sizeof(em));
  uint8_t *e = em + (k - em_len);
  size_t db_len = em_len - hlen - 1;
  e[db_len - kPssSaltLen - 1] = 0x01; /* DB = PS || 0x01 || salt */
  memcpy(e + db_len - kPssSaltLen, salt, kPssSaltLen);
  if (!mgf1_xor(e, db_len, md, h, h_len)) {
    return 0;
  }
  e[0] &= (uint8_t)(0xff >> (8 * em_len - em_bits));
  memcpy(e + db_len, h, h_len);
  e[em_len - 1] = 0xbc;
  if (!RSA_sign_raw((RSA *)rsa, out_len, out, max_out, em, k,
                    RSA_NO_PADDING)) {
    ERR_clear_error();
    return 0;
  }
  return 1;
}

/* --- dispatch ------------------------------------------------------------- */

int cf_sign(uint8_t *out, size_t *out_len, size_t max_out,
            const char **out_err, const EVP_PKEY *key, enum cf_sig_kind kind,
            const EVP_MD *md, const uint8_t *in, size_t in_len) {
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned digest_len;
  EVP_MD_CTX ctx;
  int ok;
  /* An EC key signs ECDSA whatever |kind| says (a recipe may name an RSA
   * algorithm for an EC issuer): never EVP's random-nonce ECDSA. */
  if (EVP_PKEY_id(key) == EVP_PKEY_EC) {
    kind = CF_SIG_ECDSA;
  }
  switch (kind) {
    case CF_SIG_ECDSA:
      if (md == NULL || !EVP_Digest(in, in_len, digest, &digest_len, md, NULL)) {
        *out_err = "cannot hash the message";
        return 0;
      }
      return cf_sign_ecdsa_digest(out, out_len, max_out, out_err, key, 0,
                                  digest, digest_len);
    case CF_SIG_RSA_PSS:
      return pss_sign(out, out_len, max_out, out_err, key, md, in, in_len);
    case CF_SIG_RSA_PKCS1:
    case CF_SIG_ED25519:
      /* Deterministic by design (RSA blinding draws from RAND but does not
       * change the result). */
      EVP_MD_CTX_init(&ctx);
      *out_len = max_out;
      ok = EVP_PKEY_size(key) <= (int)max_out &&
           EVP_DigestSignInit(&ctx, NULL, md, NULL, (EVP_PKEY *)key) &&
           EVP_DigestSign(&ctx, out, out_len, in, in_len);
      EVP_MD_CTX_cleanup(&ctx);
      ERR_clear_error();
      if (!ok) {
        *out_err = "signing failed";
      }
      return ok;
  }
  *out_err = "unknown signature kind";
  return 0;
}
