/* cmd_check.c — `certgen check`: the catalogue through the oracle and
 * BoringSSL's device path (check.h), one line per scenario and a summary.
 * Exit 0 when every scenario agrees or is a reviewed divergence, 1 on any
 * disagreement, stale divergence, oracle/scenario mismatch or error, 2 on
 * usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "check.h"
#include "cli.h"
#include "keypool.h"
#include "recipe.h"

static void check_usage(void) {
  printf(
      "usage: certgen check [--dir DIR] [--keys DIR] [--divergences FILE]\n"
      "                     [--quiet] [ID | NAMESPACE:: ...]\n"
      "\n"
      "Builds every scenario of the catalogue (DIR, default %s; or only the\n"
      "given ids and namespaces), asks the oracle what a correct device\n"
      "decides, and runs BoringSSL's device path on the built case. One line\n"
      "per scenario:\n"
      "  STATUS  ID  oracle=VERDICT (RULE)  boringssl=VERDICT [native]\n"
      "STATUS is agree, agree-other-reason (both reject, for different\n"
      "reasons), known-divergence (listed in FILE, default %s, with\n"
      "why), or a failure: DISAGREE, STALE-DIVERGENCE (listed but agrees now),\n"
      "ORACLE-MISMATCH (the scenario's `expect` is not the oracle's), ERROR.\n"
      "--quiet prints only the lines that are not agree.\n"
      "Exit status: 0 no failure, 1 some failure, 2 usage or environment.\n",
      CF_CATALOGUE_DEFAULT_DIR, CF_DIVERGENCES_FILE);
}

/* selected says whether |id| is named by the filters (all when none). */
static int selected(const char *id, char **filters, size_t num_filters) {
  if (num_filters == 0) {
    return 1;
  }
  for (size_t i = 0; i < num_filters; i++) {
    size_t n = strlen(filters[i]);
    if (n >= 2 && strcmp(filters[i] + n - 2, "::") == 0
            ? strncmp(id, filters[i], n) == 0
            : strcmp(id, filters[i]) == 0) {
      return 1;
    }
  }
  return 0;
}

static void verdict_text(char *out, size_t out_len, enum cf_expect_kind k,
                         enum cf_reason reason) {
  if (k == CF_EXPECT_ACCEPT) {
    snprintf(out, out_len, "ACCEPT");
  } else if (k == CF_EXPECT_REJECT) {
    snprintf(out, out_len, "REJECT/%s", cf_reason_name(reason));
  } else {
    snprintf(out, out_len, "EITHER");
  }
}

static void report_error(void *ctx, const struct cf_recipe_error *err) {
  char msg[1024];
  int *errors = ctx;
  cf_recipe_error_format(msg, sizeof(msg), err);
  fprintf(stderr, "certgen check: %s\n", msg);
  (*errors)++;
}

int cf_cmd_check(int argc, char **argv) {
  const char *dir = CF_CATALOGUE_DEFAULT_DIR, *keys_dir = "certgen/keys";
  const char *div_path = CF_DIVERGENCES_FILE;
  char **filters = NULL;
  size_t num_filters = 0;
  int quiet = 0, catalogue_errors = 0, ret = 2;
  size_t counts[CF_CHECK_ERROR + 1] = {0}, total = 0, failures = 0;
  struct cf_catalogue cat = {0};
  struct cf_divergences divs = {0};
  struct cf_pool pool;
  struct cf_recipe *r = NULL;
  char err[1024];

  memset(&pool, 0, sizeof(pool));
  filters = calloc((size_t)argc, sizeof(*filters));
  if (filters == NULL) {
    fprintf(stderr, "certgen check: out of memory\n");
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (cf_cli_is_help(a)) {
      check_usage();
      free(filters);
      return 0;
    }
    if (strcmp(a, "--dir") == 0 || strcmp(a, "--keys") == 0 ||
        strcmp(a, "--divergences") == 0) {
      if (i + 1 >= argc) {
        free(filters);
        return cf_cli_usage_error("check", "%s needs a value", a);
      }
      const char *v = argv[++i];
      if (strcmp(a, "--dir") == 0) {
        dir = v;
      } else if (strcmp(a, "--keys") == 0) {
        keys_dir = v;
      } else {
        div_path = v;
      }
    } else if (strcmp(a, "--quiet") == 0) {
      quiet = 1;
    } else if (a[0] == '-') {
      free(filters);
      return cf_cli_usage_error("check", "unknown option '%s'", a);
    } else {
      filters[num_filters++] = argv[i];
    }
  }

  if (!cf_pool_load(&pool, keys_dir, err, sizeof(err))) {
    fprintf(stderr, "certgen check: %s\n", err);
    goto done;
  }
  if (!cf_divergences_load(&divs, div_path, err, sizeof(err))) {
    fprintf(stderr, "certgen check: %s\n", err);
    goto done;
  }
  cf_catalogue_scan(&cat, dir, report_error, &catalogue_errors);
  r = malloc(sizeof(*r));
  if (r == NULL) {
    fprintf(stderr, "certgen check: out of memory\n");
    goto done;
  }
  ret = 0;
  for (size_t i = 0; i < cat.num; i++) {
    struct cf_recipe_error rerr;
    struct cf_check_result res;
    char want[64], got[64];
    if (!selected(cat.entries[i].id, filters, num_filters)) {
      continue;
    }
    total++;
    if (!cf_recipe_load(r, &rerr, cat.entries[i].path)) {
      report_error(&catalogue_errors, &rerr);
      counts[CF_CHECK_ERROR]++;
      failures++;
      continue;
    }
    cf_check_one(&res, r, &pool, &divs);
    counts[res.status]++;
    failures += cf_check_failed(res.status);
    if (quiet && (res.status == CF_CHECK_AGREE ||
                  res.status == CF_CHECK_AGREE_OTHER_REASON ||
                  res.status == CF_CHECK_DIVERGENCE)) {
      continue;
    }
    verdict_text(want, sizeof(want), res.oracle.expect, res.oracle.reason);
    if (res.status == CF_CHECK_ERROR || res.status == CF_CHECK_ORACLE_MISMATCH) {
      printf("%-18s  %s  %s\n", cf_check_status_name(res.status), r->id,
             res.msg);
      continue;
    }
    snprintf(got, sizeof(got), "%s%s%s", cf_decision_name(res.verdict.decision),
             res.verdict.decision == CF_ACCEPT ? "" : "/",
             res.verdict.decision == CF_ACCEPT
                 ? ""
                 : cf_reason_name(res.verdict.reason));
    printf("%-18s  %s  oracle=%s (%s)  boringssl=%s [%ld %s]%s%s\n",
           cf_check_status_name(res.status), r->id, want, res.oracle.rule, got,
           res.verdict.native_code,
           res.verdict.native_text != NULL ? res.verdict.native_text : "",
           res.status == CF_CHECK_STALE ? "  " : "",
           res.status == CF_CHECK_STALE ? res.msg : "");
  }
  /* A divergence for a scenario that no longer exists is stale too. */
  if (num_filters == 0) {
    for (size_t i = 0; i < divs.num; i++) {
      if (!divs.items[i].used &&
          cf_catalogue_find(&cat, divs.items[i].id) == NULL) {
        printf("%-18s  %s  %s line %u names a scenario that is not in %s\n",
               cf_check_status_name(CF_CHECK_STALE), divs.items[i].id,
               div_path, divs.items[i].line, dir);
        counts[CF_CHECK_STALE]++;
        failures++;
      }
    }
  }
  printf("\n%zu scenarios: %zu agree, %zu agree with another reason, %zu "
         "known divergences, %zu disagree, %zu stale divergences, %zu "
         "oracle mismatches, %zu errors; %d catalogue problems\n",
         total, counts[CF_CHECK_AGREE], counts[CF_CHECK_AGREE_OTHER_REASON],
         counts[CF_CHECK_DIVERGENCE], counts[CF_CHECK_DISAGREE],
         counts[CF_CHECK_STALE], counts[CF_CHECK_ORACLE_MISMATCH],
         counts[CF_CHECK_ERROR], catalogue_errors);
  if (num_filters > 0 && total == 0) {
    fprintf(stderr, "certgen check: no scenario matches the given ids\n");
    ret = 1;
  }
  if (failures > 0 || catalogue_errors > 0) {
    ret = 1;
  }

done:
  free(r);
  free(filters);
  cf_catalogue_free(&cat);
  cf_divergences_free(&divs);
  cf_pool_free(&pool);
  return ret;
}
