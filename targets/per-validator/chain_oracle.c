/* chain_oracle_<validator> — structure-aware: the input's bytes decode to a
 * certgen recipe (certgen/recipe_bytes.h: which certificates, fields,
 * extensions and defects, and the device), certgen builds and signs it
 * honestly with the key pool, its oracle (certgen/oracle.h) says what a
 * correct device decides, and the validator decides. Built once per
 * validator and for every canary (chain_oracle_<canary>) by
 * mk/chainfuzz.mk, with CF_TARGET_VALIDATOR set. Seeds: corpus/chain_oracle
 * (the catalogue, encoded: `certgen seeds --oracle-corpus`). Mutations:
 * libFuzzer's, with chain_oracle.dict, and on one call in
 * CF_RECIPE_STRUCTURAL_ONE_IN the recipe mutator's
 * (certgen/recipe_mutator.h: whole certificates and fields).
 *
 * Findings (include/chainfuzz/finding.h), oracle=spec:
 *  - accept-when-should-reject: the validator accepts what the oracle says
 *    a device must reject (reason = the oracle's);
 *  - reject-when-should-accept: the validator rejects a chain the oracle
 *    says must be accepted (a device that goes offline). Reported unless
 *    CHAINFUZZ_REJECT_FINDINGS=0 (switch it off to hunt accept bugs only);
 *    the default when the variable is unset is compiled in
 *    (CF_REJECT_FINDINGS_DEFAULT, from CHAINFUZZ_REJECT_FINDINGS at build
 *    time: OSS-Fuzz passes no environment to targets, oss-fuzz/build.sh);
 *  - EITHER verdicts are never findings;
 *  - the recipe's algorithm list, minimum RSA size and chain-size limit are
 *    reset to the defaults: the case cannot carry them to a validator;
 *  - a disagreement listed in certgen/known-rules.tsv (reviewed policy
 *    differences and known bugs, by oracle rule) is not reported again;
 *  - the signed-bytes oracle on every accepted path, and consistency
 *    (ERROR verdicts) as in chain_verify_<validator>;
 *  - CHAINFUZZ_WRITE_CASE=FILE writes the case built from the input, to
 *    replay the same chain elsewhere (chain_verify_<v>, chain_diff);
 *  - an input that certgen cannot build or the oracle cannot judge is a bug
 *    of certgen (the decoder promises every input builds): invariant
 *    finding with validator=certgen. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "chainfuzz/case.h"
#include "chainfuzz/fileio.h"
#include "chainfuzz/finding.h"
#include "chainfuzz/validator.h"
#include "keypool.h"
#include "known_rules.h"
#include "oracle.h"
#include "recipe_bytes.h"
#include "recipe_mutator.h"
#include "signed_bytes.h"
#include "warm_up.h"

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
static int g_verbose;
static int g_report_rejects = 1;
/* CHAINFUZZ_WRITE_CASE=FILE: write the case built from the input there
 * (triage: the same chain through chain_verify_<v>, chain_diff, conform or
 * `openssl x509`). */
static const char *g_write_case;

#ifndef CF_REJECT_FINDINGS_DEFAULT
#define CF_REJECT_FINDINGS_DEFAULT 1
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Structural mutations of the recipe (certgen/recipe_mutator.h): an
 * intermediate inserted, basicConstraints or EKU changed, the device's
 * purpose or name, ... next to libFuzzer's byte-level ones. */
CF_RECIPE_CUSTOM_MUTATOR()

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  char err[256];
  const char *rejects = getenv("CHAINFUZZ_REJECT_FINDINGS");
  if (!cf_pool_load_embedded(&g_pool, err, sizeof(err))) {
    fprintf(stderr, "chain_oracle: %s\n", err);
    abort();
  }
  g_report_rejects = rejects == NULL ? CF_REJECT_FINDINGS_DEFAULT
                                     : strcmp(rejects, "0") != 0;
  /* One-time initialisation before the engine starts (warm_up.h). */
  if (!cf_warm_up(err, sizeof(err), &g_pool, CF_WARM_UP_RECIPE_BYTES,
                  LLVMFuzzerTestOneInput)) {
    fprintf(stderr, "chain_oracle: %s\n", err);
    abort();
  }
  g_verbose = getenv("CHAINFUZZ_VERBOSE") != NULL;
  g_write_case = getenv("CHAINFUZZ_WRITE_CASE");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cf_recipe r;
  struct cf_built built;
  struct cf_oracle_result o;
  struct cf_case c;
  struct cf_verdict v;
  uint8_t *case_der = NULL;
  size_t case_len = 0, pos;
  char err[256], detail[512];

  CF_CASE_MUTATION_REPLAY(data, size);
  cf_finding_set_input(data, size);
  memset(&built, 0, sizeof(built));
  if (!cf_recipe_from_bytes(&r, data, size)) {
    return 0; /* the decoder refuses nothing it can reduce; see its header */
  }
  /* The device's accepted algorithms, minimum RSA size and chain-size limit
   * have no record in the case format, so no validator can be told them:
   * judge with the defaults every validator's reviewed differences were
   * made against (certgen/divergences.tsv), not with a policy only the
   * oracle sees. */
  r.device.min_rsa_bits = 2048;
  r.device.algorithms = cf_default_algorithms();
  r.device.max_chain_bytes = 0;
  if (!cf_build_certs(&built, &r, &g_pool, err, sizeof(err))) {
    cf_report_finding(CF_FINDING_INVARIANT, "certgen", "recipe-builds",
                      CF_REASON_INTERNAL, data, size, err);
  }
  if (!cf_oracle_judge(&o, &r, &built) ||
      !cf_build_case(&case_der, &case_len, &r, &built) ||
      cf_case_parse(&c, NULL, case_der, case_len) != CF_CASE_OK) {
    cf_report_finding(CF_FINDING_INVARIANT, "certgen", "recipe-builds",
                      CF_REASON_INTERNAL, data, size,
                      "the oracle or the case encoder refused a decoded recipe");
  }
  if (g_write_case != NULL &&
      !cf_write_file_atomic(g_write_case, case_der, case_len, 0644)) {
    fprintf(stderr, "chain_oracle: cannot write %s\n", g_write_case);
  }
  g_validator->verify(&v, &c);
  if (g_verbose) {
    fprintf(stderr, "chain_oracle_%s: oracle %s %s (%s: %s); %s %s %s (%ld: %s)\n",
            g_validator->name,
            o.expect == CF_EXPECT_ACCEPT   ? "ACCEPT"
            : o.expect == CF_EXPECT_REJECT ? "REJECT"
                                           : "EITHER",
            cf_reason_name(o.reason), o.rule, o.detail, g_validator->name,
            cf_decision_name(v.decision), cf_reason_name(v.reason),
            v.native_code, v.native_text);
  }
  if (v.decision == CF_ERROR) {
    cf_report_finding(CF_FINDING_INVARIANT, g_validator->name, "consistency",
                      v.reason, data, size, v.native_text);
  }
  if (v.decision == CF_ACCEPT && o.expect == CF_EXPECT_REJECT &&
      cf_known_rule_find(cf_validator_known_as(g_validator), o.rule, o.feature, v.decision, v.reason) == NULL) {
    snprintf(detail, sizeof(detail), "oracle rule %s: %s", o.rule, o.detail);
    cf_report_finding(CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT, g_validator->name,
                      "spec", o.reason, data, size, detail);
  }
  if (v.decision == CF_REJECT && o.expect == CF_EXPECT_ACCEPT &&
      g_report_rejects &&
      cf_known_rule_find(cf_validator_known_as(g_validator), o.rule, o.feature, v.decision, v.reason) == NULL) {
    snprintf(detail, sizeof(detail), "oracle accepts; %s says %ld: %s",
             g_validator->name, v.native_code, v.native_text);
    cf_report_finding(CF_FINDING_REJECT_WHEN_SHOULD_ACCEPT, g_validator->name,
                      "spec", v.reason, data, size, detail);
  }
  if (v.decision == CF_ACCEPT &&
      !cf_signed_bytes_check(&pos, detail, sizeof(detail), &g_pool, &c, &v)) {
    cf_report_finding(CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT, g_validator->name,
                      "signed-bytes", CF_REASON_SIGNATURE, data, size, detail);
  }
  free(case_der);
  cf_built_free(&built);
  return 0;
}
