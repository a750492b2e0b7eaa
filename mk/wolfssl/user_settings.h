/* user_settings.h — the wolfSSL 5.5 configuration chainfuzz builds
 * (mk/wolfssl.mk compiles with WOLFSSL_USER_SETTINGS, so wolfSSL's
 * settings.h includes this file instead of a configure-generated options.h).
 *
 * It is Debian bookworm's build of wolfssl 5.5.4 (debian/rules:
 * ./configure --enable-distro --enable-pkcs11, i.e. --enable-all; the
 * defines below are those of libwolfssl-dev's wolfssl/options.h) as far as
 * certificate verification goes, minus the OpenSSL compatibility layer:
 *
 *  - kept: every signature, key and hash algorithm Debian enables (RSA up
 *    to RSA_MAX_SIZE 4096 bits, RSA-PSS, every ECC curve incl. Brainpool,
 *    Koblitz and SECPR2/3, Ed25519, Ed448, SHA-1/2/3, MD5), the default
 *    minimum key sizes (RSA 1024 bits, ECC 224 bits), and the certificate
 *    options: ALT_CERT_CHAINS (Debian gets it through --enable-curl),
 *    ALT_NAMES, CERT_EXT, CERT_GEN/REQ, SEP, FPKI, SUBJ_DIR_ATTR,
 *    SUBJ_INFO_ACC, CERT_NAME_ALL, HAVE_ISSUER_NAMES, AKID_NAME,
 *    SIGNER_DER_CERT, KEEP_PEER_CERT, SESSION_CERTS, ASN_BER_TO_DER,
 *    WOLFSSL_TRUST_PEER_CERT, ALWAYS_VERIFY_CB / VERIFY_CB_ALL_CERTS;
 *  - left out: OPENSSL_EXTRA, OPENSSL_ALL, OPENSSL_COMPATIBLE_DEFAULTS and
 *    the application layers that need them (NGINX, LIGHTY, QT, OPENVPN,
 *    ...): their OpenSSL-named API would sit next to BoringSSL's in one
 *    binary. What they change on the client's certificate path is named in
 *    validators/wolfssl.c (X509_V_ERR bookkeeping, a depth limit above
 *    MAX_CHAIN_DEPTH, SSL_VERIFY_NONE as the CTX default, which a device
 *    overrides with wolfSSL_CTX_set_verify anyway). WOLFSSL_IP_ALT_NAME
 *    stands in for OPENSSL_ALL where the latter makes CheckForAltNames
 *    compare iPAddress SANs by their text form;
 *  - left out, not about certificates: PKCS#11 (dlopen), CRL/OCSP I/O,
 *    the x86_64 assembly of SP math (WOLFSSL_SP_X86_64; C SP math instead,
 *    same results), the system CA store, persistent caches.
 *
 * HAVE___UINT128_T comes from the command line (build.sh's WOLFSSL_DEFS),
 * given to the library and to every file of ours: it changes ecc_key's and
 * sp_int's layout. */
#ifndef CHAINFUZZ_WOLFSSL_USER_SETTINGS_H
#define CHAINFUZZ_WOLFSSL_USER_SETTINGS_H

/* Platform. */
#define HAVE_THREAD_LS
#if defined(__x86_64__)
#define WOLFSSL_X86_64_BUILD
#endif
#define WOLFSSL_USE_ALIGN
#define NO_DO178
#define WC_NO_ASYNC_THREADING
#define HAVE_REPRODUCIBLE_BUILD
#define WOLFSSL_IGNORE_FILE_WARN

/* Math: SP math for all sizes, as Debian, capped like Debian's build. */
#define WOLFSSL_SP_MATH_ALL
#define SP_INT_BITS 4096
#define FP_MAX_BITS 8192
#define RSA_MAX_SIZE 4096
#define HAVE_WOLF_BIGINT
#define WOLFSSL_PUBLIC_MP
#define TFM_TIMING_RESISTANT
#define ECC_TIMING_RESISTANT
#define WC_RSA_BLINDING

/* Public-key algorithms. */
#define WC_RSA_PSS
#define WOLFSSL_PSS_LONG_SALT
#define WC_RSA_NO_PADDING
#define HAVE_ECC
#define ECC_SHAMIR
#define FP_ECC
#define TFM_ECC256
#define HAVE_COMP_KEY
#define HAVE_ECC_CDH
#define HAVE_ECC_ENCRYPT
#define WOLFSSL_CUSTOM_CURVES
#define HAVE_ECC_BRAINPOOL
#define HAVE_ECC_KOBLITZ
#define HAVE_ECC_SECPR2
#define HAVE_ECC_SECPR3
#define HAVE_CURVE25519
#define HAVE_CURVE448
#define HAVE_ED25519
#define HAVE_ED448
#define WOLFSSL_ED25519_STREAMING_VERIFY
#define WOLFSSL_ED448_STREAMING_VERIFY
#define WOLFSSL_KEY_GEN
#define HAVE_FFDHE_2048
#define HAVE_FFDHE_3072
#define HAVE_DH_DEFAULT_PARAMS
#define WOLFSSL_DH_EXTRA

/* Hashes, ciphers, RNG. */
#define WOLFSSL_SHA224
#define WOLFSSL_SHA384
#define WOLFSSL_SHA512
#define WOLFSSL_SHA3
#define WOLFSSL_SHAKE256
#define WOLFSSL_NO_SHAKE128
#define WOLFSSL_RIPEMD
#define WOLFSSL_MD2
#define HAVE_BLAKE2
#define HAVE_BLAKE2B
#define HAVE_BLAKE2S
#define WOLFSSL_HASH_FLAGS
#define HAVE_HASHDRBG
/* Fuzzing build only: a constant seed. wc_GenerateSeed (random.c) returns
 * cf_wolfssl_fixed_seed's pattern instead of /dev/urandom, and nothing else
 * (no time, no pid; _InitRng passes no nonce) goes into the Hash_DRBG, so
 * every RNG instance (each WOLFSSL object has one) gets the same stream and
 * a handshake transcript replays byte for byte (handshake/wolfssl.c).
 * Validators are unaffected: certificate verification draws no randomness.
 * The pattern must pass wc_RNG_TestSeed (no two consecutive
 * SEED_BLOCK_SZ-byte blocks equal). Never ship a build with this. */
static inline int cf_wolfssl_fixed_seed(unsigned char *output,
                                        unsigned int sz) {
  for (unsigned int i = 0; i < sz; i++) {
    output[i] = (unsigned char)(0xA5u ^ (i * 131u));
  }
  return 0;
}
#define CUSTOM_RAND_GENERATE_SEED cf_wolfssl_fixed_seed
#define HAVE_AESGCM
#define GCM_TABLE_4BIT
#define HAVE_AESCCM
#define HAVE_AES_DECRYPT
#define HAVE_AES_ECB
#define WOLFSSL_AES_DIRECT
#define WOLFSSL_AES_COUNTER
#define HAVE_CHACHA
#define HAVE_POLY1305
#define HAVE_HKDF
#define WOLFSSL_CMAC
#define WOLFSSL_BASE64_ENCODE
#define WOLFSSL_BASE16

/* Certificates (what matters for verification). */
#define WOLFSSL_ALT_CERT_CHAINS
#define WOLFSSL_ALT_NAMES
#define WOLFSSL_IP_ALT_NAME
#define WOLFSSL_CERT_EXT
#define WOLFSSL_CERT_GEN
#define WOLFSSL_CERT_REQ
#define WOLFSSL_SEP
#define WOLFSSL_FPKI
#define WOLFSSL_SUBJ_DIR_ATTR
#define WOLFSSL_SUBJ_INFO_ACC
#define WOLFSSL_CERT_NAME_ALL
#define WOLFSSL_MULTI_ATTRIB
#define WOLFSSL_HAVE_ISSUER_NAMES
#define WOLFSSL_AKID_NAME
#define WOLFSSL_SIGNER_DER_CERT
#define WOLFSSL_DER_LOAD
#define WOLFSSL_TRUST_PEER_CERT
#define ASN_BER_TO_DER
#define KEEP_PEER_CERT
#define KEEP_OUR_CERT
#define SESSION_CERTS
#define WOLFSSL_ALWAYS_VERIFY_CB
#define WOLFSSL_VERIFY_CB_ALL_CERTS

/* TLS (the client whose certificate path the adapter runs). */
#define WOLFSSL_TLS13
/* wolfSSL_CTX_set_cipher_list_bytes, for the handshake targets' device
 * client (handshake/wolfssl.c): the text form, wolfSSL_CTX_set_cipher_list,
 * ends its parse loop with `while (next++)` on a NULL pointer
 * (SetCipherList, src/internal.c), undefined behaviour UBSan aborts on. */
#define WOLFSSL_SET_CIPHER_BYTES
#define HAVE_TLS_EXTENSIONS
#define HAVE_SUPPORTED_CURVES
#define HAVE_SNI
#define HAVE_EXTENDED_MASTER
#define HAVE_ENCRYPT_THEN_MAC
#define HAVE_SERVER_RENEGOTIATION_INFO
#define HAVE_PK_CALLBACKS
#define HAVE_EX_DATA
#define WOLFSSL_EXTRA_ALERTS
#define WOLFSSL_VERBOSE_ERRORS
#define NO_OLD_RNGNAME
#define NO_OLD_WC_NAMES
#define NO_OLD_SSL_NAMES
#define NO_OLD_SHA_NAMES
#define NO_OLD_MD5_NAME

#endif /* CHAINFUZZ_WOLFSSL_USER_SETTINGS_H */
