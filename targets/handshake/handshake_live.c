/* handshake_live_<lib> — a chain served by a real server of the library to
 * the device's TLS client of the same library, in process, judged when the
 * handshake completes. Built by mk/chainfuzz.mk once per TLS library with
 * CF_HS_LIB, CF_HS_RUN, CF_HS_RECORD (cf_hs_<lib>_record),
 * CF_TARGET_VERIFY and CF_HS_NEWEST (the newest TLS version the library
 * speaks). Seeds: corpus/chain_verify.
 *
 * Why: in the handshake_client_<lib> targets (verifying mode) a mutated
 * server flight almost never completes, because the Finished MAC covers
 * every handshake message; their verdict bugs come from the recorded seeds
 * only. Here the input is a chainfuzz case (the device's anchors and
 * profile, the chain the server sends), mutated by the engine and by the
 * structural case mutator (certgen/case_mutator.h: add, drop, reorder
 * certificates, edit one DER field and re-sign), and the server is real:
 * it signs its handshake and computes its Finished for whatever chain it
 * was given, as an attacker who is the server would. Every mutated chain
 * therefore reaches the device client's verification, in TLS 1.3 and TLS
 * 1.2, and every handshake that completes meets the same oracles as the
 * handshake_client targets (handshake/judge.c: the chain must pass the
 * library's chain adapter and the signed-bytes oracle; the ServerKeyExchange
 * or CertificateVerify must verify under the leaf's key).
 *
 * Per run: hsrecord's recording (a server of the library against a client
 * that verifies nothing, handshake/<lib>.c), then the device client on the
 * recorded server flight. Slower than a client target (the server signs),
 * but each run is a full handshake on a new chain. A chain whose leaf key
 * is not in the key pool, or that the server cannot serve, ends the run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "case_mutator.h"
#include "chainfuzz/case.h"
#include "chainfuzz/finding.h"
#include "chainfuzz/handshake.h"
#include "chainfuzz/transcript.h"
#include "chainfuzz/validator.h"
#include "keypool.h"
#include "warm_up.h"

CF_CASE_CUSTOM_MUTATOR()

#if !defined(CF_HS_LIB) || !defined(CF_HS_RUN) || !defined(CF_HS_RECORD) || \
    !defined(CF_TARGET_VERIFY) || !defined(CF_HS_NEWEST)
#error "built by mk/chainfuzz.mk with CF_HS_LIB, CF_HS_RUN, CF_HS_RECORD, CF_TARGET_VERIFY, CF_HS_NEWEST"
#endif

static int g_verbose;
static struct cf_transcript g_transcript;
static struct cf_hs_result g_result;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  struct cf_pool pool;
  char err[256];
  /* One-time initialisation before the engine starts (warm_up.h): a
   * handshake per warm-up chain. */
  if (!cf_pool_load_embedded(&pool, err, sizeof(err)) ||
      !cf_warm_up(err, sizeof(err), &pool, CF_WARM_UP_CASE,
                  LLVMFuzzerTestOneInput)) {
    fprintf(stderr, "handshake_live_%s: %s\n", CF_HS_LIB, err);
    abort();
  }
  cf_pool_free(&pool);
  g_verbose = getenv("CHAINFUZZ_VERBOSE") != NULL;
  return 0;
}

/* one_version serves |c| in TLS |version| and judges the device client. */
static void one_version(const struct cf_case *c, uint16_t version,
                        const uint8_t *data, size_t size) {
  struct cf_hs_server_config srv = {.version = version,
                                    .client = CF_HS_MISCONF_VERIFY_NONE};
  uint8_t *t = NULL;
  size_t t_len = 0;
  char err[256];

  if (!CF_HS_RECORD(&t, &t_len, c, 0, &srv, err, sizeof(err))) {
    if (g_verbose) {
      fprintf(stderr, "handshake_live_%s: TLS %04x not served: %s\n",
              CF_HS_LIB, version, err);
    }
    return;
  }
  if (cf_transcript_parse(&g_transcript, NULL, t, t_len) !=
      CF_TRANSCRIPT_OK) {
    fprintf(stderr, "handshake_live_%s: the recorder wrote a transcript "
                    "that does not parse\n", CF_HS_LIB);
    abort();
  }
  if (!CF_HS_RUN(&g_result, &g_transcript, CF_HS_DEVICE)) {
    fprintf(stderr, "handshake_live_%s: the client could not be set up\n",
            CF_HS_LIB);
    abort();
  }
  if (g_verbose) {
    fprintf(stderr, "handshake_live_%s: TLS %04x %s, %zu certificate(s) (%d: %s)\n",
            CF_HS_LIB, version, g_result.completed ? "completed" : "failed",
            g_result.num_peer_certs, g_result.native_code,
            g_result.native_text);
  }
  if (g_result.completed) {
    cf_hs_judge_chain(CF_HS_LIB, CF_TARGET_VERIFY, &g_transcript, &g_result,
                      data, size);
    cf_hs_judge_signature(CF_HS_LIB, &g_result, data, size);
  }
  cf_hs_result_reset(&g_result);
  free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cf_case c;

  /* A mutation record left by a crash inside the mutator: replay it. */
  CF_CASE_MUTATION_REPLAY(data, size);

  if (cf_case_parse(&c, NULL, data, size) != CF_CASE_OK) {
    return 0;
  }
  cf_finding_set_input(data, size);
  one_version(&c, CF_HS_NEWEST, data, size);
  if (CF_HS_NEWEST != 0x0303) {
    one_version(&c, 0x0303, data, size);
  }
  return 0;
}
