/* scenario_verdict.h — for adapter tests: build catalogue scenario |id|
 * (certgen/scenarios/<a>/<b>.recipe for "a::b") with the key pool, let
 * |mutate| (may be NULL) change the parsed case, and run |verify| on it.
 * Returns 1 with the verdict in |*v|, or 0 if the scenario could not be
 * loaded or built. Tests run from the repository root. */
#ifndef CHAINFUZZ_TESTS_SCENARIO_VERDICT_H
#define CHAINFUZZ_TESTS_SCENARIO_VERDICT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "chainfuzz/case.h"
#include "chainfuzz/validator.h"
#include "recipe.h"

/* cf_test_scenario_case builds catalogue scenario |id| into |*c|;
 * |*out_der| backs it (free it). Returns 1, or 0 if it could not be loaded
 * or built. */
__attribute__((unused)) static int cf_test_scenario_case(struct cf_case *c, uint8_t **out_der,
                                 const struct cf_pool *pool, const char *id) {
  char path[512], err[256];
  size_t n = 0, der_len = 0;
  struct cf_recipe *r = malloc(sizeof(*r));
  struct cf_recipe_error rerr;
  struct cf_built built;
  int ok = 0;

  *out_der = NULL;
  memset(&built, 0, sizeof(built));
  n = (size_t)snprintf(path, sizeof(path), "certgen/scenarios/");
  for (const char *p = id; *p != '\0' && n + 2 < sizeof(path); p++) {
    if (p[0] == ':' && p[1] == ':') {
      path[n++] = '/';
      p++;
    } else {
      path[n++] = *p;
    }
  }
  snprintf(path + n, sizeof(path) - n, ".recipe");
  if (r != NULL && cf_recipe_load(r, &rerr, path) &&
      cf_build_certs(&built, r, pool, err, sizeof(err)) &&
      cf_build_case(out_der, &der_len, r, &built) &&
      cf_case_parse(c, NULL, *out_der, der_len) == CF_CASE_OK) {
    ok = 1;
  }
  cf_built_free(&built);
  free(r);
  return ok;
}

/* cf_test_scenario_verdict builds scenario |id|, lets |mutate| (may be
 * NULL) change the case and runs |verify| on it: 1 with the verdict in
 * |*v|, or 0 if the scenario could not be built. */
__attribute__((unused)) static int cf_test_scenario_verdict(struct cf_verdict *v,
                                    const struct cf_pool *pool, const char *id,
                                    cf_validator_fn verify,
                                    void (*mutate)(struct cf_case *)) {
  struct cf_case c;
  uint8_t *der = NULL;
  int ok = cf_test_scenario_case(&c, &der, pool, id);
  if (ok) {
    if (mutate != NULL) {
      mutate(&c);
    }
    verify(v, &c);
  }
  free(der);
  return ok;
}

#endif /* CHAINFUZZ_TESTS_SCENARIO_VERDICT_H */
