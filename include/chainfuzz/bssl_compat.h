/* bssl_compat.h — the BoringSSL API differences chainfuzz bridges, in one
 * place.
 *
 * chainfuzz builds against two generations of BoringSSL: the Android
 * snapshot Debian packages (android-platform-external-boringssl, the local
 * default) and upstream main (OSS-Fuzz and ClusterFuzzLite build from it;
 * ../shared/upstream holds one). Each difference is detected by capability —
 * a macro the headers define, a declaration build.sh's feature test finds
 * (CF_BSSL_HAVE_* on the command line: build.sh bssl_features), or the
 * library's behaviour probed once at run time — never by a version number.
 *
 *  what                        Android 13 snapshot      upstream main 2026
 *  XN_FLAG_MULTILINE           defined                  removed
 *  fuzzer mode (libssl)        compile time:            run time:
 *                              -DBORINGSSL_UNSAFE_      CRYPTO_set_fuzzer_mode(1)
 *                              FUZZER_MODE              (CF_BSSL_HAVE_SET_FUZZER_MODE)
 *  deterministic RAND          -DBORINGSSL_UNSAFE_      -DFUZZING_BUILD_MODE_
 *                              DETERMINISTIC_MODE       UNSAFE_FOR_PRODUCTION
 *                              (build.sh defines both everywhere)
 *  X509_VERIFY_PARAM_set_depth counts the anchor:       counts intermediates
 *                              N allows N-1             only (as OpenSSL 1.1+)
 *                              intermediates            (cf_bssl_verify_depth)
 *
 * Per-thread DRBG state, which the handshake client once reset through
 * libcrypto internals (C in the snapshot, C++ namespace bssl upstream), is
 * no longer touched: handshake/boringssl.c runs each party on its own
 * thread instead. */
#ifndef CHAINFUZZ_BSSL_COMPAT_H
#define CHAINFUZZ_BSSL_COMPAT_H

#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CF_XN_FLAG_MULTILINE is XN_FLAG_MULTILINE where the library has it, else
 * XN_FLAG_ONELINE (the flag sets printed are then one fewer, not wrong). */
#if defined(XN_FLAG_MULTILINE)
#define CF_XN_FLAG_MULTILINE XN_FLAG_MULTILINE
#else
#define CF_XN_FLAG_MULTILINE XN_FLAG_ONELINE
#endif

/* cf_bssl_verify_depth returns the X509_VERIFY_PARAM_set_depth value that
 * allows exactly |max_intermediates| intermediate certificates in this
 * BoringSSL (probed once, thread-safely, without drawing randomness). */
int cf_bssl_verify_depth(int max_intermediates);

/* cf_bssl_depth_counts_anchor returns 1 if this BoringSSL counts the trust
 * anchor in the verify depth (the snapshot), 0 if not (upstream). */
int cf_bssl_depth_counts_anchor(void);

/* cf_bssl_set_fuzzer_mode turns BoringSSL's fuzzer mode on for the process
 * where it is a run-time switch and returns 1; 0 where it is not (then the
 * build links a libssl compiled in fuzzer mode: build.sh). */
int cf_bssl_set_fuzzer_mode(void);

#ifdef __cplusplus
}
#endif

#endif
