/* mbedtls3.c — the Mbed TLS 3.6 LTS device path (validator "mbedtls3"):
 * validators/mbedtls.c built against 3.6, the generation devices ship
 * today, beside 2.28 (validator "mbedtls"). What differs between the two
 * is marked CF_MBED3 there: TLS 1.3's Certificate message, no host name
 * no handshake (3.6.3), private struct fields, psa_crypto_init. The 3.6
 * library's symbols are renamed (mk/mbedtls.mk PREFIX); mk/chainfuzz.mk
 * compiles this file with its headers and the renaming header first. */
#define CF_MBEDTLS_GEN 3
#include "mbedtls.c"
