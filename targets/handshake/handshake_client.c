/* handshake_client_<lib> — the device's TLS client (handshake/<lib>.c) fed
 * the server's side of a handshake, judged when it completes. Built by
 * mk/chainfuzz.mk once per TLS library (boringssl, mbedtls, wolfssl), with
 *   CF_HS_LIB          the library's name ("boringssl"): finding lines
 *   CF_HS_RUN          its client: cf_hs_<lib>_client_run
 *   CF_TARGET_VERIFY   its chain adapter (validators/): cf_<lib>_verify
 *   CF_HS_CONFIG       CF_HS_DEVICE, or a misconfiguration for the
 *                      *_negative canaries (CF_HS_VALIDATOR names them)
 *   CF_HS_FUZZER_MODE  1 for handshake_client_boringssl_fuzzer: BoringSSL's
 *                      fuzzer mode (handshake signatures, Finished and
 *                      record MACs are checked but ignored, records are not
 *                      encrypted): the fuzzer gets deep, the signature
 *                      oracle is off. Upstream switches it on at run time
 *                      (CRYPTO_set_fuzzer_mode, in LLVMFuzzerInitialize);
 *                      the snapshot links a libssl built with
 *                      BORINGSSL_UNSAFE_FUZZER_MODE (build.sh; bssl_compat.h).
 * Seeds: corpus/handshake_client_<lib>[_fuzzer] (recorded by hsrecord).
 *
 * Input: a transcript (include/chainfuzz/transcript.h): the device's
 * anchors and profile, client options, the server's bytes. One that does
 * not decode ends the run for that input.
 *
 * Checks, besides memory safety, when the handshake completes:
 *  - chain oracle (handshake/judge.c): the chain the server presented, with
 *    the device's anchors and profile, must be accepted by the library's own
 *    chain adapter, and pass the signed-bytes oracle on that path;
 *  - signature oracle (verifying mode, where the library's messages are
 *    available: handshake/sigcheck.c): the ServerKeyExchange or
 *    CertificateVerify must verify under the presented leaf's key.
 * Either failure is an accept-when-should-reject finding. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "chainfuzz/bssl_compat.h"
#include "chainfuzz/finding.h"
#include "chainfuzz/handshake.h"
#include "chainfuzz/transcript.h"
#include "chainfuzz/validator.h"
#include "keypool.h"
#include "warm_up.h"

#if !defined(CF_HS_LIB) || !defined(CF_HS_RUN) || !defined(CF_TARGET_VERIFY) || \
    !defined(CF_HS_RECORD)
#error "built by mk/chainfuzz.mk with CF_HS_LIB, CF_HS_RUN, CF_HS_RECORD and CF_TARGET_VERIFY"
#endif
#ifndef CF_HS_CONFIG
#define CF_HS_CONFIG CF_HS_DEVICE
#endif
#ifndef CF_HS_VALIDATOR
#define CF_HS_VALIDATOR CF_HS_LIB
#endif
#ifndef CF_HS_FUZZER_MODE
#define CF_HS_FUZZER_MODE 0
#endif
/* CF_HS_NO_ORACLE: the benchmark baseline (bench/handshake_anycert_<lib>,
 * CF_HS_BASELINE_ACCEPT_ANY): the run and nothing else. */
#ifndef CF_HS_NO_ORACLE
#define CF_HS_NO_ORACLE 0
#endif

static int g_verbose;
/* One transcript and one result, reused: the transcript struct is large and
 * the result keeps its message buffer between runs. */
static struct cf_transcript g_transcript;
static struct cf_hs_result g_result;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* warm_up_case records the library's own server serving the warm-up case
 * |data| in TLS 1.3 and 1.2, each with a resumed second connection, and
 * runs the target on each transcript (a version the library does not serve
 * is skipped). */
static int warm_up_case(const uint8_t *data, size_t size) {
  static const uint16_t kVersions[] = {0x0304, 0x0303};
  struct cf_case c;
  if (cf_case_parse(&c, NULL, data, size) != CF_CASE_OK) {
    return 0;
  }
  for (size_t i = 0; i < sizeof(kVersions) / sizeof(kVersions[0]); i++) {
    struct cf_hs_server_config srv = {.version = kVersions[i],
                                      .resume = 1,
                                      .client = CF_HS_MISCONF_VERIFY_NONE};
    uint8_t *t = NULL;
    size_t t_len = 0;
    char err[256];
    if (CF_HS_RECORD(&t, &t_len, &c, 0, &srv, err, sizeof(err))) {
      LLVMFuzzerTestOneInput(t, t_len);
    }
    free(t);
  }
  return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  struct cf_pool pool;
  char err[256];
  if (CF_HS_FUZZER_MODE) {
    (void)cf_bssl_set_fuzzer_mode(); /* 0: the libssl is built that way */
  }
  /* One-time initialisation before the engine starts (warm_up.h). */
  if (!cf_pool_load_embedded(&pool, err, sizeof(err)) ||
      !cf_warm_up(err, sizeof(err), &pool, CF_WARM_UP_CASE, warm_up_case)) {
    fprintf(stderr, "handshake_client_%s: %s\n", CF_HS_LIB, err);
    abort();
  }
  cf_pool_free(&pool);
  g_verbose = getenv("CHAINFUZZ_VERBOSE") != NULL;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cf_hs_result *r = &g_result;

  if (cf_transcript_parse(&g_transcript, NULL, data, size) !=
      CF_TRANSCRIPT_OK) {
    return 0;
  }
  cf_finding_set_input(data, size);
  if (!CF_HS_RUN(r, &g_transcript, CF_HS_CONFIG)) {
    fprintf(stderr, "handshake_client_%s: the client could not be set up\n",
            CF_HS_LIB);
    abort();
  }
  if (g_verbose) {
    fprintf(stderr,
            "handshake_client_%s: %s, version %04x, cipher %04x, %zu "
            "certificate(s), %zu message(s)%s (%d: %s)\n",
            CF_HS_LIB, r->completed ? "completed" : "failed", r->version,
            r->cipher, r->num_peer_certs, r->msgs.num_msgs,
            r->msgs_complete ? "" : " (incomplete)", r->native_code,
            r->native_text);
  }
  if (r->completed && !CF_HS_NO_ORACLE) {
    cf_hs_judge_chain(CF_HS_VALIDATOR, CF_TARGET_VERIFY, &g_transcript, r,
                      data, size);
    if (!CF_HS_FUZZER_MODE) {
      cf_hs_judge_signature(CF_HS_VALIDATOR, r, data, size);
    }
  }
  cf_hs_result_reset(r);
  return 0;
}
