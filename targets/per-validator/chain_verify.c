/* chain_verify_<validator> — a device's validation path fed mutated cases,
 * judged by the signed-bytes oracle. Built once per validator of the
 * registry (lib/validator.c) and for the signature canary
 * (chain_verify_signature_negative), by mk/chainfuzz.mk, which defines
 * CF_TARGET_VALIDATOR to the validator's name. Seeds: corpus/chain_verify.
 *
 * Input: a chainfuzz case (include/chainfuzz/case.h): the trust anchors of
 * the device, the chain the server presents and the device profile (clock,
 * expected DNS name or IP, purpose, max depth, flags). A malformed case is
 * rejected by the decoder and ends the run for that input. Mutations: byte
 * level (the engine's), plus the structural case mutator
 * (certgen/case_mutator.h) where it is linked: it adds, drops and reorders
 * certificates, edits one DER field and re-signs with the pool key, so
 * mutants get past signature checks.
 *
 * Checks, besides memory safety:
 *  - signed-bytes oracle (certgen/signed_bytes.h): when the validator
 *    accepts, every certificate of the path it built, except the anchor,
 *    carries a signature certgen made over exactly its TBS bytes with a pool
 *    key. Anything else is a signature bypass: finding
 *    kind=accept-when-should-reject oracle=signed-bytes reason=SIGNATURE.
 *  - consistency: an ERROR verdict (the library contradicted itself: success
 *    with an error code, a path that does not end at an anchor or holds a
 *    certificate the case does not have) is an invariant finding; an
 *    accepted verdict must name its path.
 * It does not judge anything else about accepting: the spec oracle
 * (chain_oracle_<validator>) and the differential one (chain_diff) do. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "chainfuzz/case.h"
#include "chainfuzz/finding.h"
#include "chainfuzz/validator.h"
#include "case_mutator.h"
#include "keypool.h"
#include "signed_bytes.h"
#include "warm_up.h"

/* Structural mutations (add/drop/reorder certificates, edit one DER field
 * and re-sign with the pool key) on one call in CF_CASE_STRUCTURAL_ONE_IN;
 * libFuzzer's byte-level ones on the others. */
CF_CASE_CUSTOM_MUTATOR()

#if !defined(CF_TARGET_VALIDATOR) || !defined(CF_TARGET_VERIFY)
#error "built by mk/chainfuzz.mk with CF_TARGET_VALIDATOR and CF_TARGET_VERIFY"
#endif
#ifndef CF_TARGET_BASE
#define CF_TARGET_BASE NULL
#endif

/* The validator, named directly (not through the registry) so that only
 * its library is linked in; see mk/chainfuzz.mk, pv_target. */
static const struct cf_validator g_self = {CF_TARGET_VALIDATOR,
                                           CF_TARGET_VERIFY, CF_TARGET_BASE};
static const struct cf_validator *const g_validator = &g_self;
static struct cf_pool g_pool;
/* verbose is CHAINFUZZ_VERBOSE, read once: getenv is not for the hot path. */
static int g_verbose;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  char err[256];
  if (!cf_pool_load_embedded(&g_pool, err, sizeof(err))) {
    fprintf(stderr, "chain_verify: %s\n", err);
    abort();
  }
  /* One-time initialisation before the engine starts (warm_up.h). */
  if (!cf_warm_up(err, sizeof(err), &g_pool, CF_WARM_UP_CASE,
                  LLVMFuzzerTestOneInput)) {
    fprintf(stderr, "chain_verify: %s\n", err);
    abort();
  }
  g_verbose = getenv("CHAINFUZZ_VERBOSE") != NULL;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cf_case c;
  struct cf_verdict v;
  char detail[320];
  size_t pos;

  /* A mutation record left by a crash inside the mutator: replay it. */
  CF_CASE_MUTATION_REPLAY(data, size);

  if (cf_case_parse(&c, NULL, data, size) != CF_CASE_OK) {
    return 0;
  }
  cf_finding_set_input(data, size);
  g_validator->verify(&v, &c);
  if (g_verbose) {
    fprintf(stderr, "chain_verify_%s: %s %s (%ld: %s) path of %zu\n",
            g_validator->name, cf_decision_name(v.decision),
            cf_reason_name(v.reason), v.native_code, v.native_text, v.path_len);
  }
  if (v.decision == CF_ERROR) {
    cf_report_finding(CF_FINDING_INVARIANT, g_validator->name, "consistency",
                      v.reason, data, size, v.native_text);
  }
  if (v.decision != CF_ACCEPT) {
    return 0;
  }
  if (v.path_len == 0) {
    cf_report_finding(CF_FINDING_INVARIANT, g_validator->name, "consistency",
                      CF_REASON_INTERNAL, data, size,
                      "accepted without naming the path it built");
  }
  if (!cf_signed_bytes_check(&pos, detail, sizeof(detail), &g_pool, &c, &v)) {
    char line[400];
    snprintf(line, sizeof(line), "path[%zu] (%s %u): %s", pos,
             v.path[pos].role == CF_ROLE_LEAF           ? "leaf"
             : v.path[pos].role == CF_ROLE_INTERMEDIATE ? "intermediate"
                                                        : "anchor",
             v.path[pos].index, detail);
    cf_report_finding(CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT, g_validator->name,
                      "signed-bytes", CF_REASON_SIGNATURE, data, size, line);
  }
  return 0;
}
