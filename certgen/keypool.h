/* keypool.h — the named key pool recipes refer to (`key root-p256`).
 *
 * Keys are committed PEM files, certgen/keys/<name>.pem (public test keys,
 * see certgen/keys/README.md), so every run on every machine signs with the
 * same keys. A name is <slot>-<type>:
 *   slot: root root2 intermediate intermediate2 leaf attacker
 *   type: rsa1024 rsa2048 rsa3072 rsa4096 rsa2048e3 (public exponent 3)
 *         p256 p384 p521 ed25519
 * plus "weak-rsa1024" (kept for the first seeds). The table in keypool.c is
 * the one list; facts about a key (type, bits, exponent) come from its name,
 * so the oracle can reason without loading keys. */
#ifndef CHAINFUZZ_CERTGEN_KEYPOOL_H
#define CHAINFUZZ_CERTGEN_KEYPOOL_H

#include <stddef.h>

#include <openssl/base.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CF_POOL_MAX 64

enum cf_key_type {
  CF_KT_RSA = 0,
  CF_KT_EC,
  CF_KT_ED25519,
};

/* cf_pool_info is what the pool knows about a key without loading it. */
struct cf_pool_info {
  const char *name; /* "root-p256" */
  enum cf_key_type type;
  unsigned bits;    /* RSA modulus bits; EC field bits (256, 384, 521);
                     * 256 for Ed25519 */
  unsigned rsa_e;   /* 65537 or 3; 0 for non-RSA */
};

/* cf_pool_count returns the number of keys in the pool. */
size_t cf_pool_count(void);

/* cf_pool_get returns the facts of key |idx|, or NULL if out of range. */
const struct cf_pool_info *cf_pool_get(int idx);

/* cf_pool_index returns the index of the key named |name|, or -1. */
int cf_pool_index(const char *name);

/* cf_pool is a loaded pool. */
struct cf_pool {
  EVP_PKEY *key[CF_POOL_MAX];
};

/* cf_pool_load reads every key of the pool from |dir| and checks each
 * against its facts (type, bits, exponent). It returns 1 on success; on
 * failure 0, an empty |*out| and a message in |err|. */
int cf_pool_load(struct cf_pool *out, const char *dir, char *err,
                 size_t err_len);

/* cf_pool_free frees the keys; a no-op on an empty pool. */
void cf_pool_free(struct cf_pool *pool);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_KEYPOOL_H */
