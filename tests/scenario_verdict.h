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

static int cf_test_scenario_verdict(struct cf_verdict *v,
                                    const struct cf_pool *pool, const char *id,
                                    cf_validator_fn verify,
                                    void (*mutate)(struct cf_case *)) {
  char path[512], err[256];
  size_t n = 0;
  struct cf_recipe *r = malloc(sizeof(*r));
  struct cf_recipe_error rerr;
  struct cf_built built;
  struct cf_case c;
  uint8_t *der = NULL;
  size_t der_len = 0;
  int ok = 0;

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
      cf_build_case(&der, &der_len, r, &built) &&
      cf_case_parse(&c, NULL, der, der_len) == CF_CASE_OK) {
    if (mutate != NULL) {
      mutate(&c);
    }
    verify(v, &c);
    ok = 1;
  }
  free(der);
  cf_built_free(&built);
  free(r);
  return ok;
}

#endif /* CHAINFUZZ_TESTS_SCENARIO_VERDICT_H */
