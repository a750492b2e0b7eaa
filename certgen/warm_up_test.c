/* warm_up_test.c — the targets' warm-up inputs (warm_up.h):
 *  1. in recipe-bytes form (chain_oracle), each decodes to a recipe that
 *     builds and that the spec oracle accepts;
 *  2. in case form (chain_verify, chain_diff, handshake), each parses and
 *     every registered validator accepts it, or rejects it with a reviewed
 *     difference (known-rules.tsv: Mbed TLS 2.28 has no Ed25519), as
 *     chain_oracle judges: a target that reported a finding on its warm-up
 *     would abort before fuzzing;
 *  3. CHAINFUZZ_WARM_UP=0 runs none of them and still succeeds.
 *
 * Usage: warm_up_test (no arguments; the key pool is the embedded one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/tap.h"
#include "build.h"
#include "chainfuzz/case.h"
#include "chainfuzz/validator.h"
#include "keypool.h"
#include "known_rules.h"
#include "oracle.h"
#include "recipe_bytes.h"
#include "warm_up.h"

static struct cf_pool g_pool;
static size_t g_calls;

static int judge_recipe_bytes(const uint8_t *data, size_t size) {
  struct cf_recipe r;
  struct cf_built built;
  struct cf_oracle_result o;
  char err[256];
  g_calls++;
  memset(&built, 0, sizeof(built));
  int ok = cf_recipe_from_bytes(&r, data, size) &&
           cf_build_certs(&built, &r, &g_pool, err, sizeof(err)) &&
           cf_oracle_judge(&o, &r, &built);
  tap_ok(ok && o.expect == CF_EXPECT_ACCEPT,
         "warm-up recipe %zu builds and the oracle accepts it (%s)", g_calls,
         ok ? o.rule : "did not build");
  cf_built_free(&built);
  return 0;
}

static int verify_case(const uint8_t *data, size_t size) {
  struct cf_case c;
  size_t num;
  const struct cf_validator *vals = cf_validators(&num);
  g_calls++;
  if (!tap_ok(cf_case_parse(&c, NULL, data, size) == CF_CASE_OK,
              "warm-up case %zu parses", g_calls)) {
    return 0;
  }
  for (size_t i = 0; i < num; i++) {
    struct cf_verdict v;
    vals[i].verify(&v, &c);
    int known = v.decision == CF_REJECT &&
                cf_known_rule_find(vals[i].name, "accept", "", v.decision,
                                   v.reason) != NULL;
    tap_ok(v.decision == CF_ACCEPT || known,
           "%s accepts warm-up case %zu%s (%s %s: %s)", vals[i].name, g_calls,
           known ? " or rejects it as reviewed" : "",
           cf_decision_name(v.decision), cf_reason_name(v.reason),
           v.native_text);
  }
  return 0;
}

static int count_only(const uint8_t *data, size_t size) {
  g_calls++;
  return 0;
}

int main(void) {
  char err[256];
  size_t n = cf_warm_up_count();
  if (!tap_ok(cf_pool_load_embedded(&g_pool, err, sizeof(err)),
              "embedded key pool loads")) {
    return tap_done();
  }
  unsetenv("CHAINFUZZ_WARM_UP");
  g_calls = 0;
  size_t ran = cf_warm_up(err, sizeof(err), &g_pool, CF_WARM_UP_RECIPE_BYTES,
                          judge_recipe_bytes);
  tap_ok(ran == n && g_calls == n, "recipe bytes: %zu of %zu run (%s)",
         g_calls, n, ran == n ? "ok" : err);
  g_calls = 0;
  ran = cf_warm_up(err, sizeof(err), &g_pool, CF_WARM_UP_CASE, verify_case);
  tap_ok(ran == n && g_calls == n, "cases: %zu of %zu run (%s)", g_calls, n,
         ran == n ? "ok" : err);
  setenv("CHAINFUZZ_WARM_UP", "0", 1);
  g_calls = 0;
  ran = cf_warm_up(err, sizeof(err), &g_pool, CF_WARM_UP_CASE, count_only);
  tap_ok(ran == n && g_calls == 0, "CHAINFUZZ_WARM_UP=0: none run, %zu returned",
         ran);
  cf_pool_free(&g_pool);
  return tap_done();
}
