/* anchor_cert_parse — the shape of BoringSSL's own fuzz/cert.cc (parse only:
 * d2i_X509, the public key, the extension cache, re-serialise), written
 * here because Debian's Android snapshot ships no fuzz/ directory. make
 * bench runs it beside x509_parse so our target's cost per input is seen
 * against the minimal parse-only target the anchor figure (6,862
 * exec/s with ASan) came from. Not a chainfuzz target: no invariants. */
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *p = data;
  X509 *x = d2i_X509(NULL, &p, (long)size);
  if (x != NULL) {
    EVP_PKEY_free(X509_get_pubkey(x));
    X509_check_ca(x); /* fills the extension cache, as x509v3_cache_extensions */
    uint8_t *der = NULL;
    i2d_X509(x, &der);
    OPENSSL_free(der);
    X509_free(x);
  }
  return 0;
}
