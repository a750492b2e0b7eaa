/* cmd_check.c — `certgen check`: the catalogue through the oracle and every
 * registered validator's device path (check.h; validator.h's registry), one
 * line per (scenario, validator), a summary per validator and a total.
 * Exit 0 when every scenario agrees or is a reviewed divergence, 1 on any
 * disagreement, stale divergence, oracle/scenario mismatch or error, 2 on
 * usage. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "chainfuzz/fileio.h"
#include "check.h"
#include "cli.h"
#include "keypool.h"
#include "recipe.h"

static void check_usage(void) {
  char names[256] = "";
  size_t num;
  const struct cf_validator *all = cf_validators(&num);
  for (size_t i = 0; i < num; i++) {
    size_t used = strlen(names);
    snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
             all[i].name);
  }
  printf(
      "usage: certgen check [--dir DIR] [--keys DIR] [--divergences FILE]\n"
      "                     [--validator NAME]... [--quiet] [ID | NAMESPACE:: ...]\n"
      "                     [--known-rules OUT] [--diff-allow OUT]\n"
      "\n"
      "Builds every scenario of the catalogue (DIR, default %s; or only the\n"
      "given ids and namespaces), asks the oracle what a correct device\n"
      "decides, and runs each validator's device path on the built case\n"
      "(--validator, repeatable; default every registered one: %s).\n"
      "One line per scenario and validator:\n"
      "  STATUS  ID  oracle=VERDICT (RULE)  VALIDATOR=VERDICT [native]\n"
      "STATUS is agree, agree-other-reason (both reject, for different\n"
      "reasons), known-divergence (listed in FILE, default %s, with\n"
      "why), or a failure: DISAGREE, STALE-DIVERGENCE (listed but agrees now),\n"
      "ORACLE-MISMATCH (the scenario's `expect` is not the oracle's), ERROR.\n"
      "--quiet prints only the lines that are not agree.\n"
      "A summary line per validator, then the total, end the output.\n"
      "--known-rules OUT writes the reviewed divergences keyed by oracle rule\n"
      "(VALIDATOR RULE DECISION REASON SCENARIO) for the fuzz targets\n"
      "(certgen/known-rules.tsv); --diff-allow OUT writes the differential\n"
      "oracle's allow-list (certgen/diff-allow.tsv): every pair of validators\n"
      "that disagree on a scenario, with the reviewed divergence or the\n"
      "oracle's EITHER rule that explains it. Both need the whole catalogue,\n"
      "every validator and a clean check; written atomically.\n"
      "Exit status: 0 no failure, 1 some failure, 2 usage or environment.\n",
      CF_CATALOGUE_DEFAULT_DIR, names, CF_DIVERGENCES_FILE);
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

static void print_summary(const char *what, const size_t *counts,
                          size_t total) {
  printf("%s%zu: %zu agree, %zu agree with another reason, %zu known "
         "divergences, %zu disagree, %zu stale divergences, %zu oracle "
         "mismatches, %zu errors\n",
         what, total, counts[CF_CHECK_AGREE], counts[CF_CHECK_AGREE_OTHER_REASON],
         counts[CF_CHECK_DIVERGENCE], counts[CF_CHECK_DISAGREE],
         counts[CF_CHECK_STALE], counts[CF_CHECK_ORACLE_MISMATCH],
         counts[CF_CHECK_ERROR]);
}

static void report_error(void *ctx, const struct cf_recipe_error *err) {
  char msg[1024];
  int *errors = ctx;
  cf_recipe_error_format(msg, sizeof(msg), err);
  fprintf(stderr, "certgen check: %s\n", msg);
  (*errors)++;
}

/* A divergence for a validator that is not registered is an error: its
 * line would never be checked. */
static int check_divergence_validators(const struct cf_divergences *divs,
                                       const char *path) {
  for (size_t i = 0; i < divs->num; i++) {
    if (cf_validator_find(divs->items[i].validator) == NULL) {
      fprintf(stderr, "certgen check: %s:%u: unknown validator '%s'\n", path,
              divs->items[i].line, divs->items[i].validator);
      return 0;
    }
  }
  return 1;
}

/* lines is a growing set of generated TSV lines, unique by their first
 * |key_fields| fields (the first one seen wins). */
struct lines {
  char **v;
  size_t num, cap;
};

static const char *x_rule_or(const struct cf_check_result *x) {
  return x->oracle.rule != NULL ? x->oracle.rule : "?";
}

static int key_equal(const char *a, const char *b, int key_fields) {
  int fields = 0;
  for (;; a++, b++) {
    if (*a != *b) {
      return 0;
    }
    if (*a == '\t' && ++fields == key_fields) {
      return 1;
    }
    if (*a == '\0' || *a == '\n') {
      return 1;
    }
  }
}

static int lines_add(struct lines *l, int key_fields, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int lines_add(struct lines *l, int key_fields, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  for (size_t i = 0; i < l->num; i++) {
    if (key_equal(l->v[i], buf, key_fields)) {
      return 1;
    }
  }
  if (l->num == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 64;
    char **v = realloc(l->v, cap * sizeof(*v));
    if (v == NULL) {
      return 0;
    }
    l->v = v;
    l->cap = cap;
  }
  l->v[l->num] = strdup(buf);
  return l->v[l->num++] != NULL;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* lines_write sorts |l| and writes |header| then the lines to |path|. */
static int lines_write(struct lines *l, const char *path, const char *header) {
  size_t len = strlen(header), off;
  char *buf;
  int ok;
  qsort(l->v, l->num, sizeof(*l->v), cmp_str);
  for (size_t i = 0; i < l->num; i++) {
    len += strlen(l->v[i]) + 1;
  }
  buf = malloc(len + 1);
  if (buf == NULL) {
    return 0;
  }
  off = (size_t)sprintf(buf, "%s", header);
  for (size_t i = 0; i < l->num; i++) {
    off += (size_t)sprintf(buf + off, "%s\n", l->v[i]);
  }
  ok = cf_write_file_atomic(path, buf, off, 0644);
  free(buf);
  if (!ok) {
    fprintf(stderr, "certgen check: cannot write %s: %s\n", path, strerror(errno));
  }
  return ok;
}

static void lines_free(struct lines *l) {
  for (size_t i = 0; i < l->num; i++) {
    free(l->v[i]);
  }
  free(l->v);
}

/* collect adds scenario |r|'s contributions to the generated tables. */
static int collect(struct lines *known, struct lines *allow,
                   const struct cf_recipe *r, const struct cf_validator *vals,
                   const struct cf_check_result *res, size_t num_vals) {
  for (size_t v = 0; v < num_vals; v++) {
    const struct cf_check_result *x = &res[v];
    if (x->status == CF_CHECK_DIVERGENCE &&
        !lines_add(known, 5, "%s\t%s\t%s\t%s\t%s\t%s", vals[v].name,
                   x->oracle.rule,
                   x->oracle.feature[0] != '\0' ? x->oracle.feature : "-",
                   cf_decision_name(x->verdict.decision),
                   x->verdict.decision == CF_ACCEPT
                       ? "-"
                       : cf_reason_name(x->verdict.reason),
                   r->id)) {
      return 0;
    }
  }
  for (size_t a = 0; a < num_vals; a++) {
    for (size_t b = 0; b < num_vals; b++) {
      const struct cf_check_result *xa = &res[a], *xb = &res[b];
      const char *why;
      char either[320];
      if (xa->verdict.decision != CF_ACCEPT || xb->verdict.decision != CF_REJECT) {
        continue;
      }
      if (xa->status == CF_CHECK_DIVERGENCE) {
        why = xa->divergence->why;
      } else if (xb->status == CF_CHECK_DIVERGENCE) {
        why = xb->divergence->why;
      } else {
        snprintf(either, sizeof(either),
                 "The oracle leaves it to the implementation (EITHER, rule "
                 "%s): %s",
                 x_rule_or(xa), xa->oracle.detail);
        why = either;
      }
      if (!lines_add(allow, 3, "%s\t%s\t%s\t%s\t%s: %s", vals[a].name,
                     vals[b].name, cf_reason_name(xb->verdict.reason), r->id,
                     xa->status == CF_CHECK_DIVERGENCE   ? vals[a].name
                     : xb->status == CF_CHECK_DIVERGENCE ? vals[b].name
                                                         : "oracle",
                     why)) {
        return 0;
      }
    }
  }
  return 1;
}

int cf_cmd_check(int argc, char **argv) {
  const char *dir = CF_CATALOGUE_DEFAULT_DIR, *keys_dir = "certgen/keys";
  const char *div_path = CF_DIVERGENCES_FILE;
  char **filters = NULL;
  size_t num_filters = 0, num_all = 0, num_vals = 0;
  int quiet = 0, catalogue_errors = 0, ret = 2;
  size_t counts[CF_CHECK_ERROR + 1] = {0}, total = 0, failures = 0;
  size_t(*val_counts)[CF_CHECK_ERROR + 1] = NULL;
  const struct cf_validator *all = cf_validators(&num_all);
  struct cf_validator *vals = NULL;
  struct cf_check_result *res = NULL;
  struct cf_catalogue cat = {0};
  struct cf_divergences divs = {0};
  const char *known_path = NULL, *allow_path = NULL;
  struct lines known = {0}, allow = {0};
  struct cf_pool pool;
  struct cf_recipe *r = NULL;
  char err[1024];

  memset(&pool, 0, sizeof(pool));
  filters = calloc((size_t)argc, sizeof(*filters));
  vals = calloc(num_all, sizeof(*vals));
  res = calloc(num_all, sizeof(*res));
  val_counts = calloc(num_all, sizeof(*val_counts));
  if (filters == NULL || vals == NULL || res == NULL || val_counts == NULL) {
    fprintf(stderr, "certgen check: out of memory\n");
    goto done;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (cf_cli_is_help(a)) {
      check_usage();
      ret = 0;
      goto done;
    }
    if (strcmp(a, "--dir") == 0 || strcmp(a, "--keys") == 0 ||
        strcmp(a, "--divergences") == 0 || strcmp(a, "--validator") == 0 ||
        strcmp(a, "--known-rules") == 0 || strcmp(a, "--diff-allow") == 0) {
      if (i + 1 >= argc) {
        ret = cf_cli_usage_error("check", "%s needs a value", a);
        goto done;
      }
      const char *v = argv[++i];
      if (strcmp(a, "--dir") == 0) {
        dir = v;
      } else if (strcmp(a, "--keys") == 0) {
        keys_dir = v;
      } else if (strcmp(a, "--divergences") == 0) {
        div_path = v;
      } else if (strcmp(a, "--known-rules") == 0) {
        known_path = v;
      } else if (strcmp(a, "--diff-allow") == 0) {
        allow_path = v;
      } else {
        const struct cf_validator *found = cf_validator_find(v);
        if (found == NULL) {
          ret = cf_cli_usage_error("check", "unknown validator '%s'", v);
          goto done;
        }
        int dup = 0;
        for (size_t j = 0; j < num_vals; j++) {
          dup |= strcmp(vals[j].name, v) == 0;
        }
        if (!dup) {
          vals[num_vals++] = *found;
        }
      }
    } else if (strcmp(a, "--quiet") == 0) {
      quiet = 1;
    } else if (a[0] == '-') {
      ret = cf_cli_usage_error("check", "unknown option '%s'", a);
      goto done;
    } else {
      filters[num_filters++] = argv[i];
    }
  }
  if ((known_path != NULL || allow_path != NULL) &&
      (num_filters > 0 || num_vals > 0)) {
    ret = cf_cli_usage_error("check", "--known-rules and --diff-allow need "
                             "the whole catalogue and every validator: drop "
                             "the ids and --validator");
    goto done;
  }
  if (num_vals == 0) {
    memcpy(vals, all, num_all * sizeof(*vals));
    num_vals = num_all;
  }

  if (!cf_pool_load(&pool, keys_dir, err, sizeof(err))) {
    fprintf(stderr, "certgen check: %s\n", err);
    goto done;
  }
  if (!cf_divergences_load(&divs, div_path, err, sizeof(err))) {
    fprintf(stderr, "certgen check: %s\n", err);
    goto done;
  }
  if (!check_divergence_validators(&divs, div_path)) {
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
    cf_check_one(res, r, &pool, vals, num_vals, &divs);
    if (res[0].status == CF_CHECK_ERROR ||
        res[0].status == CF_CHECK_ORACLE_MISMATCH) {
      /* Not about a validator: one line and one count per scenario. */
      counts[res[0].status]++;
      failures++;
      for (size_t v = 0; v < num_vals; v++) {
        val_counts[v][res[0].status]++;
      }
      printf("%-18s  %s  %s\n", cf_check_status_name(res[0].status), r->id,
             res[0].msg);
      continue;
    }
    if (!collect(&known, &allow, r, vals, res, num_vals)) {
      fprintf(stderr, "certgen check: out of memory\n");
      ret = 2;
      goto done;
    }
    for (size_t v = 0; v < num_vals; v++) {
      const struct cf_check_result *x = &res[v];
      counts[x->status]++;
      val_counts[v][x->status]++;
      failures += cf_check_failed(x->status);
      if (quiet && (x->status == CF_CHECK_AGREE ||
                    x->status == CF_CHECK_AGREE_OTHER_REASON ||
                    x->status == CF_CHECK_DIVERGENCE)) {
        continue;
      }
      verdict_text(want, sizeof(want), x->oracle.expect, x->oracle.reason);
      snprintf(got, sizeof(got), "%s%s%s", cf_decision_name(x->verdict.decision),
               x->verdict.decision == CF_ACCEPT ? "" : "/",
               x->verdict.decision == CF_ACCEPT
                   ? ""
                   : cf_reason_name(x->verdict.reason));
      printf("%-18s  %s  oracle=%s (%s)  %s=%s [%ld %s]%s%s\n",
             cf_check_status_name(x->status), r->id, want, x->oracle.rule,
             vals[v].name, got, x->verdict.native_code,
             x->verdict.native_text != NULL ? x->verdict.native_text : "",
             x->status == CF_CHECK_STALE ? "  " : "",
             x->status == CF_CHECK_STALE ? x->msg : "");
    }
  }
  /* A divergence for a scenario that no longer exists is stale too; so is
   * one for a selected validator that no scenario used (checked with every
   * scenario only). */
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
  printf("\n");
  for (size_t v = 0; v < num_vals; v++) {
    char what[64];
    snprintf(what, sizeof(what), "%s: scenarios ", vals[v].name);
    print_summary(what, val_counts[v], total);
  }
  printf("%zu scenarios, %zu validators: %zu agree, %zu agree with another "
         "reason, %zu known divergences, %zu disagree, %zu stale divergences, "
         "%zu oracle mismatches, %zu errors; %d catalogue problems\n",
         total, num_vals, counts[CF_CHECK_AGREE],
         counts[CF_CHECK_AGREE_OTHER_REASON], counts[CF_CHECK_DIVERGENCE],
         counts[CF_CHECK_DISAGREE], counts[CF_CHECK_STALE],
         counts[CF_CHECK_ORACLE_MISMATCH], counts[CF_CHECK_ERROR],
         catalogue_errors);
  if (num_filters > 0 && total == 0) {
    fprintf(stderr, "certgen check: no scenario matches the given ids\n");
    ret = 1;
  }
  if (failures > 0 || catalogue_errors > 0) {
    ret = 1;
  }
  if ((known_path != NULL || allow_path != NULL) && ret != 0) {
    fprintf(stderr, "certgen check: not writing the generated tables: the "
            "check is not clean\n");
  } else if ((known_path != NULL &&
              !lines_write(&known, known_path,
                           "# certgen/known-rules.tsv: GENERATED by `certgen check "
                           "--known-rules` from certgen/divergences.tsv\n"
                           "# (certgen/known_rules.h). Do not edit: change the "
                           "divergences and regenerate.\n"
                           "# VALIDATOR\tRULE\tFEATURE\tDECISION\tREASON\tSCENARIO\n")) ||
             (allow_path != NULL &&
              !lines_write(&allow, allow_path,
                           "# certgen/diff-allow.tsv: GENERATED by `certgen check "
                           "--diff-allow` (certgen/diff_allow.h).\n"
                           "# Each line: two validators that disagree on a "
                           "catalogue scenario, explained by the reviewed\n"
                           "# divergence (certgen/divergences.tsv) of one of "
                           "them or by the oracle's EITHER rule.\n"
                           "# Do not edit: review the divergences and "
                           "regenerate.\n"
                           "# ACCEPTER\tREJECTER\tREASON\tSCENARIO\tWHY\n"))) {
    ret = 2;
  }

done:
  lines_free(&known);
  lines_free(&allow);
  free(r);
  free(filters);
  free(vals);
  free(res);
  free(val_counts);
  cf_catalogue_free(&cat);
  cf_divergences_free(&divs);
  cf_pool_free(&pool);
  return ret;
}
