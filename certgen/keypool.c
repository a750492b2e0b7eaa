/* keypool.c — the named key pool (keypool.h). */
#include "keypool.h"

#include "build.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#define SLOT_KEYS(slot)                                   \
  {slot "-rsa1024", CF_KT_RSA, 1024, 65537},              \
  {slot "-rsa2048", CF_KT_RSA, 2048, 65537},              \
  {slot "-rsa3072", CF_KT_RSA, 3072, 65537},              \
  {slot "-rsa4096", CF_KT_RSA, 4096, 65537},              \
  {slot "-rsa2048e3", CF_KT_RSA, 2048, 3},                \
  {slot "-p256", CF_KT_EC, 256, 0},                       \
  {slot "-p384", CF_KT_EC, 384, 0},                       \
  {slot "-p521", CF_KT_EC, 521, 0},                       \
  {slot "-ed25519", CF_KT_ED25519, 256, 0}

static const struct cf_pool_info kPool[] = {
    SLOT_KEYS("root"),     SLOT_KEYS("root2"), SLOT_KEYS("intermediate"),
    SLOT_KEYS("intermediate2"), SLOT_KEYS("leaf"), SLOT_KEYS("attacker"),
    {"weak-rsa1024", CF_KT_RSA, 1024, 65537},
};

_Static_assert(sizeof(kPool) / sizeof(kPool[0]) <= CF_POOL_MAX,
               "raise CF_POOL_MAX");

size_t cf_pool_count(void) { return sizeof(kPool) / sizeof(kPool[0]); }

const struct cf_pool_info *cf_pool_get(int idx) {
  if (idx < 0 || (size_t)idx >= cf_pool_count()) {
    return NULL;
  }
  return &kPool[idx];
}

int cf_pool_index(const char *name) {
  for (size_t i = 0; i < cf_pool_count(); i++) {
    if (strcmp(kPool[i].name, name) == 0) {
      return (int)i;
    }
  }
  return -1;
}

void cf_pool_free(struct cf_pool *pool) {
  if (pool == NULL) {
    return;
  }
  cf_sign_cache_clear(); /* a freed key's address may come back */
  for (size_t i = 0; i < CF_POOL_MAX; i++) {
    EVP_PKEY_free(pool->key[i]);
    pool->key[i] = NULL;
    OPENSSL_free(pool->spki[i]);
    pool->spki[i] = NULL;
    pool->spki_len[i] = 0;
  }
}

/* check_facts says whether |key| is what |info| says it is. */
static int check_facts(const EVP_PKEY *key, const struct cf_pool_info *info) {
  switch (info->type) {
    case CF_KT_RSA: {
      const RSA *rsa = EVP_PKEY_get0_RSA(key);
      return rsa != NULL && RSA_bits(rsa) == info->bits &&
             BN_is_word(RSA_get0_e(rsa), info->rsa_e);
    }
    case CF_KT_EC: {
      const EC_KEY *ec = EVP_PKEY_get0_EC_KEY(key);
      const EC_GROUP *g = ec != NULL ? EC_KEY_get0_group(ec) : NULL;
      return g != NULL && EC_GROUP_get_degree(g) == info->bits;
    }
    case CF_KT_ED25519:
      return EVP_PKEY_id(key) == EVP_PKEY_ED25519;
  }
  return 0;
}

/* take_key checks |key| (read from |where|) against key |i|'s facts and
 * stores it with its SPKI in |out|; it takes ownership of |key|. */
static int take_key(struct cf_pool *out, size_t i, EVP_PKEY *key,
                    const char *where, char *err, size_t err_len) {
  CBB cbb;
  if (key == NULL) {
    snprintf(err, err_len,
             "%s: cannot read a private key (is certgen/keys complete? "
             "see certgen/keys/README.md)",
             where);
    return 0;
  }
  out->key[i] = key;
  if (!check_facts(key, &kPool[i])) {
    snprintf(err, err_len, "%s: not the key its name says (%s, %u bits)",
             where,
             kPool[i].type == CF_KT_RSA  ? "RSA"
             : kPool[i].type == CF_KT_EC ? "EC"
                                         : "Ed25519",
             kPool[i].bits);
    return 0;
  }
  if (!CBB_init(&cbb, 600) || !EVP_marshal_public_key(&cbb, key) ||
      !CBB_finish(&cbb, &out->spki[i], &out->spki_len[i])) {
    CBB_cleanup(&cbb);
    snprintf(err, err_len, "%s: cannot encode the public key", where);
    return 0;
  }
  return 1;
}

int cf_pool_load(struct cf_pool *out, const char *dir, char *err,
                 size_t err_len) {
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < cf_pool_count(); i++) {
    char path[4096];
    BIO *bio;
    EVP_PKEY *key = NULL;
    snprintf(path, sizeof(path), "%s/%s.pem", dir, kPool[i].name);
    bio = BIO_new_file(path, "r");
    if (bio != NULL) {
      key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
      BIO_free(bio);
    }
    if (!take_key(out, i, key, path, err, err_len)) {
      goto err;
    }
  }
  ERR_clear_error();
  return 1;

err:
  ERR_clear_error();
  cf_pool_free(out);
  return 0;
}

int cf_pool_load_embedded(struct cf_pool *out, char *err, size_t err_len) {
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < cf_pool_count(); i++) {
    const struct cf_pool_pem *e = cf_pool_pems;
    EVP_PKEY *key = NULL;
    char where[96];
    while (e->name != NULL && strcmp(e->name, kPool[i].name) != 0) {
      e++;
    }
    snprintf(where, sizeof(where), "embedded key %s", kPool[i].name);
    if (e->name != NULL) {
      BIO *bio = BIO_new_mem_buf(e->pem, (int)strlen(e->pem));
      if (bio != NULL) {
        key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
        BIO_free(bio);
      }
    }
    if (!take_key(out, i, key, where, err, err_len)) {
      ERR_clear_error();
      cf_pool_free(out);
      return 0;
    }
  }
  ERR_clear_error();
  return 1;
}

int cf_pool_find_spki(const struct cf_pool *pool, const uint8_t *spki,
                      size_t spki_len) {
  for (size_t i = 0; i < cf_pool_count(); i++) {
    if (pool->spki[i] != NULL && pool->spki_len[i] == spki_len &&
        memcmp(pool->spki[i], spki, spki_len) == 0) {
      return (int)i;
    }
  }
  return -1;
}
