/* chain_diff — the differential oracle: every registered validator
 * (cf_validators()) on the same case. When some accept and others reject,
 * that is a finding (kind=disagreement oracle=diff, validator=<the one that
 * accepted>, reason=<the rejecter's reason>) unless certgen/diff-allow.tsv,
 * a reviewed allow-list compiled in by mk/chainfuzz.mk, covers every
 * (accepter, rejecter, rejecter's reason) pair of it. Each allow-list entry
 * names the validators, the reason, why the difference is legitimate and a
 * catalogue scenario that shows it; the list is derived from the reviewed
 * divergences by `certgen check --diff-allow` and tests/certgen_cli_test.sh
 * fails when it is out of date (so an entry that stops being true goes).
 *
 * Built as chain_diff, and as chain_diff_<canary> for each canary
 * (-DCF_CANARY="<name>"): the canary joins the validators, and only
 * disagreements that involve it are reported (the real validators' own
 * differences are chain_diff's business); the signed-bytes check is off
 * there, so the canary shows what the differential oracle alone catches.
 *
 * Input: a case, as chain_verify_<validator> (seeds: corpus/chain_verify).
 * Also checks the signed-bytes oracle on every accepted path, and that no
 * validator returns ERROR (consistency).
 *
 * Libraries: all */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainfuzz/case.h"
#include "chainfuzz/finding.h"
#include "chainfuzz/validator.h"
#include "diff_allow.h"
#include "case_mutator.h"
#include "keypool.h"
#include "signed_bytes.h"
#include "warm_up.h"

/* Structural mutations (add/drop/reorder certificates, edit one DER field
 * and re-sign with the pool key) on one call in CF_CASE_STRUCTURAL_ONE_IN;
 * libFuzzer's byte-level ones on the others. */
CF_CASE_CUSTOM_MUTATOR()

#define MAX_VALIDATORS 16

static const struct cf_validator *g_vals[MAX_VALIDATORS];
static size_t g_num_vals;
static const struct cf_validator *g_canary;
static struct cf_pool g_pool;
static int g_verbose;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  char err[256];
  size_t num;
  const struct cf_validator *all = cf_validators(&num);
  for (size_t i = 0; i < num && g_num_vals < MAX_VALIDATORS - 1; i++) {
    g_vals[g_num_vals++] = &all[i];
  }
#ifdef CF_CANARY
  g_canary = cf_validator_find(CF_CANARY);
  if (g_canary == NULL) {
    fprintf(stderr, "chain_diff: no canary named %s\n", CF_CANARY);
    abort();
  }
  g_vals[g_num_vals++] = g_canary;
#endif
  if (!cf_pool_load_embedded(&g_pool, err, sizeof(err))) {
    fprintf(stderr, "chain_diff: %s\n", err);
    abort();
  }
  /* One-time initialisation before the engine starts (warm_up.h). */
  if (!cf_warm_up(err, sizeof(err), &g_pool, CF_WARM_UP_CASE,
                  LLVMFuzzerTestOneInput)) {
    fprintf(stderr, "chain_diff: %s\n", err);
    abort();
  }
  g_verbose = getenv("CHAINFUZZ_VERBOSE") != NULL;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cf_case c;
  struct cf_verdict v[MAX_VALIDATORS];
  char detail[512];
  size_t pos;

  /* A mutation record left by a crash inside the mutator: replay it. */
  CF_CASE_MUTATION_REPLAY(data, size);

  if (cf_case_parse(&c, NULL, data, size) != CF_CASE_OK) {
    return 0;
  }
  cf_finding_set_input(data, size);
  for (size_t i = 0; i < g_num_vals; i++) {
    g_vals[i]->verify(&v[i], &c);
    if (g_verbose) {
      fprintf(stderr, "chain_diff: %-18s %s %s (%ld: %s)\n", g_vals[i]->name,
              cf_decision_name(v[i].decision), cf_reason_name(v[i].reason),
              v[i].native_code, v[i].native_text);
    }
    if (v[i].decision == CF_ERROR) {
      cf_report_finding(CF_FINDING_INVARIANT, g_vals[i]->name, "consistency",
                        v[i].reason, data, size, v[i].native_text);
    }
    /* A canary build tests the differential oracle alone: the
     * signed-bytes oracle would catch the signature canary first. */
    if (g_canary == NULL && v[i].decision == CF_ACCEPT &&
        !cf_signed_bytes_check(&pos, detail, sizeof(detail), &g_pool, &c, &v[i])) {
      cf_report_finding(CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT, g_vals[i]->name,
                        "signed-bytes", CF_REASON_SIGNATURE, data, size, detail);
    }
  }
  for (size_t a = 0; a < g_num_vals; a++) {
    if (v[a].decision != CF_ACCEPT) {
      continue;
    }
    for (size_t b = 0; b < g_num_vals; b++) {
      if (v[b].decision != CF_REJECT) {
        continue;
      }
      if (g_canary != NULL && g_vals[a] != g_canary && g_vals[b] != g_canary) {
        continue;
      }
      if (cf_diff_allowed(cf_validator_known_as(g_vals[a]),
                          cf_validator_known_as(g_vals[b]), v[b].reason)) {
        continue;
      }
      snprintf(detail, sizeof(detail), "%s accepts; %s rejects: %s (%ld: %s)",
               g_vals[a]->name, g_vals[b]->name, cf_reason_name(v[b].reason),
               v[b].native_code, v[b].native_text);
      cf_report_finding(CF_FINDING_DISAGREEMENT, g_vals[a]->name, "diff",
                        v[b].reason, data, size, detail);
    }
  }
  return 0;
}
