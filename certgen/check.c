/* check.c — one scenario through the oracle and a validator (check.h). */
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "chainfuzz/case.h"
#include "chainfuzz/validator.h"

static const char *const kStatusNames[] = {
    [CF_CHECK_AGREE] = "agree",
    [CF_CHECK_AGREE_OTHER_REASON] = "agree-other-reason",
    [CF_CHECK_DIVERGENCE] = "known-divergence",
    [CF_CHECK_DISAGREE] = "DISAGREE",
    [CF_CHECK_STALE] = "STALE-DIVERGENCE",
    [CF_CHECK_ORACLE_MISMATCH] = "ORACLE-MISMATCH",
    [CF_CHECK_ERROR] = "ERROR",
};

const char *cf_check_status_name(enum cf_check_status s) {
  if ((int)s < 0 || (size_t)s >= sizeof(kStatusNames) / sizeof(kStatusNames[0])) {
    return "?";
  }
  return kStatusNames[s];
}

int cf_check_failed(enum cf_check_status s) {
  return s == CF_CHECK_DISAGREE || s == CF_CHECK_STALE ||
         s == CF_CHECK_ORACLE_MISMATCH || s == CF_CHECK_ERROR;
}

void cf_divergences_free(struct cf_divergences *d) {
  if (d == NULL) {
    return;
  }
  free(d->items);
  d->items = NULL;
  d->num = 0;
}

/* next_field cuts the tab-separated field at |*p|. */
static char *next_field(char **p) {
  char *start = *p, *tab;
  if (start == NULL) {
    return NULL;
  }
  tab = strchr(start, '\t');
  if (tab != NULL) {
    *tab = '\0';
    *p = tab + 1;
  } else {
    *p = NULL;
  }
  return start;
}

int cf_divergences_load(struct cf_divergences *out, const char *path,
                        char *err, size_t err_len) {
  FILE *f;
  char line[2048];
  unsigned lineno = 0;
  memset(out, 0, sizeof(*out));
  f = fopen(path, "r");
  if (f == NULL) {
    if (errno == ENOENT) {
      return 1;
    }
    snprintf(err, err_len, "%s: %s", path, strerror(errno));
    return 0;
  }
  while (fgets(line, sizeof(line), f) != NULL) {
    char *p = line, *fields[5];
    struct cf_divergence *d, *grown;
    size_t n;
    lineno++;
    n = strcspn(line, "\r\n");
    if (line[n] == '\0' && !feof(f)) {
      snprintf(err, err_len, "%s:%u: line longer than %zu bytes", path,
               lineno, sizeof(line) - 2);
      goto err;
    }
    line[n] = '\0';
    if (line[0] == '#' || line[0] == '\0') {
      continue;
    }
    for (size_t i = 0; i < 5; i++) {
      fields[i] = next_field(&p);
    }
    if (fields[4] == NULL || fields[4][0] == '\0' || p != NULL) {
      snprintf(err, err_len,
               "%s:%u: expected 5 tab-separated fields: SCENARIO VALIDATOR "
               "DECISION REASON WHY (WHY not empty)",
               path, lineno);
      goto err;
    }
    grown = realloc(out->items, (out->num + 1) * sizeof(*out->items));
    if (grown == NULL) {
      snprintf(err, err_len, "%s: out of memory", path);
      goto err;
    }
    out->items = grown;
    d = &out->items[out->num];
    memset(d, 0, sizeof(*d));
    d->line = lineno;
    if (strlen(fields[0]) > CF_RECIPE_MAX_ID ||
        strlen(fields[1]) >= sizeof(d->validator)) {
      snprintf(err, err_len, "%s:%u: scenario id or validator too long", path,
               lineno);
      goto err;
    }
    snprintf(d->id, sizeof(d->id), "%s", fields[0]);
    snprintf(d->validator, sizeof(d->validator), "%s", fields[1]);
    if (strcmp(fields[2], "ACCEPT") == 0) {
      d->decision = CF_ACCEPT;
    } else if (strcmp(fields[2], "REJECT") == 0) {
      d->decision = CF_REJECT;
    } else {
      snprintf(err, err_len, "%s:%u: decision '%s': expected ACCEPT or REJECT",
               path, lineno, fields[2]);
      goto err;
    }
    if (strcmp(fields[3], "-") == 0) {
      d->reason = -1;
    } else {
      d->reason = cf_reason_from_name(fields[3]);
      if (d->reason < 0) {
        snprintf(err, err_len, "%s:%u: unknown reason '%s' (see verdict.h)",
                 path, lineno, fields[3]);
        goto err;
      }
    }
    snprintf(d->why, sizeof(d->why), "%s", fields[4]);
    out->num++;
  }
  if (ferror(f)) {
    snprintf(err, err_len, "%s: read error", path);
    goto err;
  }
  fclose(f);
  return 1;

err:
  fclose(f);
  cf_divergences_free(out);
  return 0;
}

static struct cf_divergence *find_divergence(struct cf_divergences *divs,
                                             const char *id,
                                             const char *validator) {
  if (divs == NULL) {
    return NULL;
  }
  for (size_t i = 0; i < divs->num; i++) {
    if (strcmp(divs->items[i].id, id) == 0 &&
        strcmp(divs->items[i].validator, validator) == 0) {
      return &divs->items[i];
    }
  }
  return NULL;
}

static const char *expect_name(enum cf_expect_kind k) {
  return k == CF_EXPECT_ACCEPT ? "ACCEPT"
         : k == CF_EXPECT_REJECT ? "REJECT"
                                 : "EITHER";
}

/* judge compares validator |v|'s verdict (already in |out|) with the
 * oracle's and looks the scenario up in the divergence file. */
static void judge(struct cf_check_result *out, const struct cf_recipe *r,
                  const struct cf_validator *v, struct cf_divergences *divs) {
  struct cf_divergence *div;
  int agree;
  switch (out->oracle.expect) {
    case CF_EXPECT_ACCEPT:
      agree = out->verdict.decision == CF_ACCEPT;
      break;
    case CF_EXPECT_REJECT:
      agree = out->verdict.decision == CF_REJECT;
      break;
    default:
      agree = out->verdict.decision != CF_ERROR;
      break;
  }
  div = find_divergence(divs, r->id, v->name);
  if (div != NULL) {
    div->used = 1;
  }
  if (agree) {
    if (div != NULL) {
      out->status = CF_CHECK_STALE;
      snprintf(out->msg, sizeof(out->msg),
               "listed at %s line %u but %s now agrees with the oracle",
               CF_DIVERGENCES_FILE, div->line, v->name);
    } else if (out->oracle.expect == CF_EXPECT_REJECT &&
               out->verdict.reason != out->oracle.reason) {
      out->status = CF_CHECK_AGREE_OTHER_REASON;
    } else {
      out->status = CF_CHECK_AGREE;
    }
  } else if (div != NULL && div->decision == out->verdict.decision &&
             (div->reason < 0 || (enum cf_reason)div->reason == out->verdict.reason)) {
    out->status = CF_CHECK_DIVERGENCE;
    out->divergence = div;
  } else {
    out->status = CF_CHECK_DISAGREE;
    snprintf(out->msg, sizeof(out->msg), "oracle %s %s (%s), %s %s %s (%ld %s)",
             expect_name(out->oracle.expect), cf_reason_name(out->oracle.reason),
             out->oracle.rule, v->name,
             cf_decision_name(out->verdict.decision),
             cf_reason_name(out->verdict.reason), out->verdict.native_code,
             out->verdict.native_text);
  }
}

void cf_check_one(struct cf_check_result *out, const struct cf_recipe *r,
                  const struct cf_pool *pool, const struct cf_validator *vals,
                  size_t num_vals, struct cf_divergences *divs) {
  struct cf_built built;
  struct cf_case c;
  uint8_t *case_der = NULL;
  size_t case_len = 0;
  char err[256];
  struct cf_check_result first;

  memset(&first, 0, sizeof(first));
  memset(&built, 0, sizeof(built));
  if (!cf_build_certs(&built, r, pool, err, sizeof(err))) {
    first.status = CF_CHECK_ERROR;
    snprintf(first.msg, sizeof(first.msg), "build: %s", err);
    goto done;
  }
  if (!cf_oracle_judge(&first.oracle, r, &built)) {
    first.status = CF_CHECK_ERROR;
    snprintf(first.msg, sizeof(first.msg), "the oracle found the recipe "
             "inconsistent");
    goto done;
  }
  /* The scenario's own expectation must be the oracle's. */
  if (first.oracle.expect != r->expect ||
      (r->expect == CF_EXPECT_REJECT && first.oracle.reason != r->expect_reason)) {
    first.status = CF_CHECK_ORACLE_MISMATCH;
    snprintf(first.msg, sizeof(first.msg),
             "scenario says %s %s, oracle says %s %s (rule %s: %s)",
             expect_name(r->expect), cf_reason_name(r->expect_reason),
             expect_name(first.oracle.expect),
             cf_reason_name(first.oracle.reason), first.oracle.rule,
             first.oracle.detail);
    goto done;
  }
  if (!cf_build_case(&case_der, &case_len, r, &built)) {
    first.status = CF_CHECK_ERROR;
    snprintf(first.msg, sizeof(first.msg),
             "cannot make a case (too many certificates for the case format?)");
    goto done;
  }
  if (cf_case_parse(&c, NULL, case_der, case_len) != CF_CASE_OK) {
    first.status = CF_CHECK_ERROR;
    snprintf(first.msg, sizeof(first.msg), "the built case does not parse");
    goto done;
  }
  for (size_t i = 0; i < num_vals; i++) {
    out[i] = first;
    vals[i].verify(&out[i].verdict, &c);
    judge(&out[i], r, &vals[i], divs);
  }
  free(case_der);
  cf_built_free(&built);
  return;

done:
  for (size_t i = 0; i < num_vals; i++) {
    out[i] = first;
  }
  free(case_der);
  cf_built_free(&built);
}
