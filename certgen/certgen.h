/* certgen.h — the test key pool and a small X.509 v3 certificate builder.
 *
 * Certificates are DER built with BoringSSL's CBB and signed by sign.h.
 * Output is a pure function of the spec and the committed keys
 * (certgen/keys/), the same bytes whichever BoringSSL is linked: no
 * signature draws from the library's RNG (sign.h).
 */
#ifndef CHAINFUZZ_CERTGEN_H
#define CHAINFUZZ_CERTGEN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/base.h>

#ifdef __cplusplus
extern "C" {
#endif

/* cf_key_id names a key of the pool: role (root, intermediate, leaf) and
 * type. The file of each is certgen/keys/<role>-<type>.pem. */
enum cf_key_id {
  CF_KEY_ROOT_RSA2048 = 0,
  CF_KEY_ROOT_P256,
  CF_KEY_ROOT_P384,
  CF_KEY_ROOT_ED25519,
  CF_KEY_ICA_RSA2048,
  CF_KEY_ICA_P256,
  CF_KEY_ICA_P384,
  CF_KEY_ICA_ED25519,
  CF_KEY_LEAF_RSA2048,
  CF_KEY_LEAF_P256,
  CF_KEY_LEAF_P384,
  CF_KEY_LEAF_ED25519,
  CF_KEY_WEAK_RSA1024, /* too small for any policy: for WEAK_KEY seeds */
  CF_KEY_COUNT,
};

#define CF_DEFAULT_KEYS_DIR "certgen/keys"

/* cf_keys is the loaded key pool. */
struct cf_keys {
  EVP_PKEY *key[CF_KEY_COUNT];
};

/* cf_keys_load reads every key of the pool from |dir| with
 * PEM_read_bio_PrivateKey. It returns 1 on success; on failure it returns 0,
 * leaves |*out| empty and writes what is missing to |err| (|err_len| bytes,
 * NUL-terminated). */
int cf_keys_load(struct cf_keys *out, const char *dir, char *err,
                 size_t err_len);

/* cf_keys_free frees the pool; cf_keys_free of an empty pool is a no-op. */
void cf_keys_free(struct cf_keys *keys);

/* cf_key_file_name returns "root-rsa2048.pem" etc. for |id|. */
const char *cf_key_file_name(enum cf_key_id id);

/* Basic constraints of a certificate. */
enum cf_bc {
  CF_BC_ABSENT = 0, /* no basicConstraints extension */
  CF_BC_CA,         /* critical, cA TRUE (pathLen from path_len) */
  CF_BC_NOT_CA,     /* critical, cA FALSE (an empty SEQUENCE in DER) */
};

/* keyUsage bits (RFC 5280 4.2.1.3): bit n of the mask is KeyUsage bit n. */
#define CF_KU_DIGITAL_SIGNATURE (1u << 0)
#define CF_KU_KEY_ENCIPHERMENT (1u << 2)
#define CF_KU_KEY_CERT_SIGN (1u << 5)
#define CF_KU_CRL_SIGN (1u << 6)

/* extKeyUsage purposes (0 = no extKeyUsage extension). */
#define CF_EKU_SERVER_AUTH (1u << 0)
#define CF_EKU_CLIENT_AUTH (1u << 1)

#define CF_CERT_MAX_SANS 4

/* cf_cert_spec describes one certificate. Zero is a sensible default for
 * most fields (no extension, serial derived from the contents). */
struct cf_cert_spec {
  int version;     /* 1 or 3: X.509 v1 (no extensions written) or v3 */
  uint64_t serial; /* 0: derived from a hash of the TBS, so equal specs give
                    * equal certificates and different ones differ */
  const char *subject_cn, *subject_o; /* NULL: attribute left out */
  const char *issuer_cn, *issuer_o;
  int64_t not_before, not_after; /* Unix times; UTCTime before 2050, else
                                  * GeneralizedTime (RFC 5280 4.1.2.5) */
  const EVP_PKEY *subject_key;   /* public half goes in the certificate */
  const EVP_PKEY *issuer_key;    /* signs; picks the signature algorithm */
  enum cf_bc basic_constraints;
  int path_len;       /* -1: no pathLenConstraint */
  uint32_t key_usage; /* CF_KU_* mask; 0: no keyUsage extension */
  uint32_t eku;       /* CF_EKU_* mask; 0: no extKeyUsage extension */
  const char *dns_sans[CF_CERT_MAX_SANS]; /* NULL-terminated early */
  uint8_t ip_sans[CF_CERT_MAX_SANS][16];
  size_t ip_san_lens[CF_CERT_MAX_SANS]; /* 4 or 16; 0 ends the list */
  int ski; /* subjectKeyIdentifier: SHA-1 of the subject public key */
  int aki; /* authorityKeyIdentifier: the same hash of the issuer key */
  int corrupt_signature; /* flip the low bit of the signature's last byte */
};

/* cf_cert_spec_init sets |spec| to an empty v3 spec (no pathLen). */
void cf_cert_spec_init(struct cf_cert_spec *spec);

/* cf_cert_build encodes and signs |spec|. It returns 1 and a DER certificate
 * in |*out| (free with OPENSSL_free) and |*out_len|, or 0 on error (bad spec,
 * unsupported key type, allocation failure). Signature algorithm from the
 * issuer key: RSA → sha256WithRSAEncryption, P-256 → ecdsa-with-SHA256,
 * P-384 → ecdsa-with-SHA384, Ed25519 → Ed25519. */
int cf_cert_build(uint8_t **out, size_t *out_len,
                  const struct cf_cert_spec *spec);

/* cf_time_from_civil returns the Unix time of a UTC date and time. */
int64_t cf_time_from_civil(int year, int month, int day, int hour, int min,
                           int sec);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_H */
