/* report.c — summaries, report.txt, SARIF, the triage table (see report.h). */
#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cf_report_state_top(char *out, size_t out_len, const char *state) {
  const char *nl = strchr(state, '\n');
  size_t len = nl ? (size_t)(nl - state) : strlen(state);
  if (len == 0) {
    snprintf(out, out_len, "-");
    return;
  }
  snprintf(out, out_len, "%.*s", (int)len, state);
}

void cf_report_summary(char *out, size_t out_len, const struct cf_crash *c) {
  char top[256];
  if (c->is_finding) {
    snprintf(out, out_len, "Finding %s: validator %s, oracle %s, reason %s",
             c->finding_kind, c->finding_validator, c->finding_oracle,
             c->finding_reason);
    return;
  }
  cf_report_state_top(top, sizeof(top), c->state);
  if (c->state[0] == '\0') {
    snprintf(out, out_len, "%s%s%s", c->type, c->access[0] ? " " : "",
             c->access);
  } else if (c->access[0] != '\0' && c->access_size > 0) {
    snprintf(out, out_len, "%s %s %u in %s", c->type, c->access,
             c->access_size, top);
  } else if (c->access[0] != '\0') {
    snprintf(out, out_len, "%s %s in %s", c->type, c->access, top);
  } else {
    snprintf(out, out_len, "%s in %s", c->type, top);
  }
}

const struct cf_frame *cf_report_top_frame(const struct cf_bucket *b) {
  for (size_t i = 0; i < b->num_frames; i++) {
    if (!cf_frame_is_ignored(&b->frames[i]) && b->frames[i].file[0] != '\0') {
      return &b->frames[i];
    }
  }
  return NULL;
}

int cf_shell_quote(char *out, size_t out_len, const char *arg) {
  static const char kSafe[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
      "_-./=:,+@%";
  size_t len = strlen(out);
  int plain = arg[0] != '\0' && strspn(arg, kSafe) == strlen(arg);

  if (plain) {
    if (len + strlen(arg) + 1 > out_len) {
      return 0;
    }
    memcpy(out + len, arg, strlen(arg) + 1);
    return 1;
  }
  /* 'it'\''s' */
  if (len + 1 >= out_len) {
    return 0;
  }
  out[len++] = '\'';
  for (const char *p = arg; *p != '\0'; p++) {
    if (*p == '\'') {
      if (len + 4 >= out_len) {
        return 0;
      }
      memcpy(out + len, "'\\''", 4);
      len += 4;
    } else {
      if (len + 1 >= out_len) {
        return 0;
      }
      out[len++] = *p;
    }
  }
  if (len + 2 > out_len) {
    return 0;
  }
  out[len++] = '\'';
  out[len] = '\0';
  return 1;
}

/* buf is a growable string for report.txt. */
struct buf {
  char *s;
  size_t len, cap;
  int failed;
};

__attribute__((format(printf, 2, 3))) static void bprintf(struct buf *b,
                                                          const char *fmt,
                                                          ...) {
  va_list ap;
  int n;
  if (b->failed) {
    return;
  }
  for (;;) {
    va_start(ap, fmt);
    n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0,
                  fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->failed = 1;
      return;
    }
    if (b->s != NULL && b->len + (size_t)n < b->cap) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = (b->cap + (size_t)n + 1) * 2;
    char *ns = realloc(b->s, cap);
    if (ns == NULL) {
      b->failed = 1;
      return;
    }
    b->s = ns;
    b->cap = cap;
  }
}

char *cf_report_text(const struct cf_bucket *b) {
  struct buf o = {0};
  int no_repro = strcmp(b->bucket, CF_NO_REPRO) == 0;

  bprintf(&o, "chainfuzz crash report (schema %d)\n\n", CF_REPORT_SCHEMA);
  bprintf(&o, "target:     %s\n", b->target);
  bprintf(&o, "bucket:     %s\n", b->bucket);
  bprintf(&o, "type:       %s\n", b->type);
  if (no_repro) {
    bprintf(&o,
            "            These artifacts did not crash the target in any "
            "run at triage.\n"
            "            They are kept (originals/) in case the crash "
            "depends on state\n"
            "            or timing; `chainfuzz regress` replays them.\n");
  }
  if (b->access[0] != '\0') {
    bprintf(&o, "access:     %s of %u byte%s\n", b->access, b->access_size,
            b->access_size == 1 ? "" : "s");
  }
  if (b->is_finding) {
    bprintf(&o, "finding:    kind=%s validator=%s oracle=%s reason=%s\n",
            b->finding_kind, b->finding_validator, b->finding_oracle,
            b->finding_reason);
  }
  if (!no_repro) {
    const char *p = b->state;
    bprintf(&o, "state:      ");
    if (*p == '\0') {
      bprintf(&o, "(empty: no symbolized frame outside the ignore list)\n");
    }
    while (*p != '\0') {
      const char *nl = strchr(p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen(p);
      bprintf(&o, "%.*s\n", (int)len, p);
      p += len;
      if (*p == '\n') {
        p++;
        bprintf(&o, "            ");
      }
    }
    bprintf(&o, "severity:   %s%s\n", b->severity,
            b->security ? " (security issue)" : " (not a security issue)");
    bprintf(&o, "flaky:      %s (reproduced in %u of %u runs)\n",
            b->flaky ? "yes" : "no", b->reproduced_k, b->reproduced_n);
  }
  bprintf(&o, "status:     %s%s\n", b->fixed ? "fixed" : "open",
          b->expected_failing ? " (expected failing: make test stays green "
                                "while it fails)"
                              : " (make test fails if it crashes)");
  bprintf(&o, "count:      %zu distinct artifact%s\n", b->num_originals,
          b->num_originals == 1 ? "" : "s");
  bprintf(&o, "first seen: %s\n", b->first_seen);
  bprintf(&o, "last seen:  %s\n", b->last_seen);
  if (!no_repro) {
    bprintf(&o, "sizes:      original %llu bytes, reproducer %llu bytes",
            (unsigned long long)b->original_size,
            (unsigned long long)b->reproducer_size);
    bprintf(&o, " (minimized: %s)\n", b->minimized[0] ? b->minimized : "-");
  }
  bprintf(&o, "summary:    %s\n", b->summary);
  if (b->sanitizer_summary[0] != '\0') {
    bprintf(&o, "sanitizer:  %s\n", b->sanitizer_summary);
  }
  if (b->reproduce_argc > 0) {
    char cmd[8192] = "";
    for (size_t i = 0; i < b->reproduce_argc; i++) {
      if (i > 0) {
        strncat(cmd, " ", sizeof(cmd) - strlen(cmd) - 1);
      }
      cf_shell_quote(cmd, sizeof(cmd), b->reproduce_argv[i]);
    }
    bprintf(&o, "\nreproduce (from the repository root):\n  %s\n", cmd);
    bprintf(&o, "  or: chainfuzz repro %s %s\n", b->target,
            b->reproduce_argv[b->reproduce_argc - 1]);
  }
  if (b->num_frames > 0) {
    bprintf(&o, "\nframes:\n");
    for (size_t i = 0; i < b->num_frames; i++) {
      const struct cf_frame *f = &b->frames[i];
      bprintf(&o, "  #%-2zu %s", i, f->function[0] ? f->function : "??");
      if (f->file[0] != '\0') {
        bprintf(&o, " %s:%u", f->file, f->line);
      } else if (f->module[0] != '\0') {
        bprintf(&o, " (%s)", f->module);
      }
      bprintf(&o, "%s\n", cf_frame_is_ignored(f) ? "  [ignored]" : "");
    }
  }
  bprintf(&o, "\noriginals:\n");
  for (size_t i = 0; i < b->num_originals; i++) {
    bprintf(&o, "  originals/%s\n", b->originals[i]);
  }
  if (o.failed) {
    free(o.s);
    return NULL;
  }
  return o.s;
}

/* ------------------------------------------------------------- SARIF -- */

json_t *cf_sarif_new(void) {
  return json_pack(
      "{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:[]}}, s:[], s:s}]}",
      "$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version",
      "2.1.0", "runs", "tool", "driver", "name", "chainfuzz",
      "informationUri", "https://github.com/chainfuzz/chainfuzz",
      "semanticVersion", "1.0.0", "rules", "results", "columnKind",
      "utf16CodeUnits");
}

/* rule_index returns the index of the rule |id| in |rules|, adding it. */
static int rule_index(json_t *rules, const char *id, size_t *out) {
  size_t i;
  json_t *r;
  json_array_foreach(rules, i, r) {
    if (strcmp(json_string_value(json_object_get(r, "id")), id) == 0) {
      *out = i;
      return 1;
    }
  }
  r = json_pack("{s:s, s:{s:s}, s:{s:s}}", "id", id, "shortDescription",
                "text", id, "help", "text",
                "Triaged by chainfuzz: see crashes/<target>/<bucket>/"
                "report.txt, and README.md (Reproducing a crash).");
  if (r == NULL || json_array_append_new(rules, r) != 0) {
    return 0;
  }
  *out = json_array_size(rules) - 1;
  return 1;
}

int cf_sarif_add(json_t *sarif, const struct cf_bucket *b,
                 const char *bucket_path, const char *root) {
  json_t *run = json_array_get(json_object_get(sarif, "runs"), 0);
  json_t *rules = json_object_get(
      json_object_get(json_object_get(run, "tool"), "driver"), "rules");
  json_t *results = json_object_get(run, "results");
  const struct cf_frame *top = cf_report_top_frame(b);
  json_t *result, *locations;
  size_t idx;
  char msg[1024];

  if (run == NULL || rules == NULL || results == NULL ||
      !rule_index(rules, b->type, &idx)) {
    return 0;
  }
  snprintf(msg, sizeof(msg), "%s", b->summary);
  locations = json_array();
  if (locations == NULL) {
    return 0;
  }
  if (top != NULL) {
    char uri[PATH_MAX];
    cf_display_path(uri, sizeof(uri), root, top->file);
    json_t *loc = json_pack("{s:{s:{s:s}}}", "physicalLocation",
                            "artifactLocation", "uri", uri);
    if (loc != NULL && top->line > 0) {
      json_object_set_new(json_object_get(loc, "physicalLocation"), "region",
                          json_pack("{s:i}", "startLine",
                                    (json_int_t)top->line));
    }
    if (loc == NULL || json_array_append_new(locations, loc) != 0) {
      json_decref(locations);
      return 0;
    }
  }
  result = json_pack(
      "{s:s, s:i, s:s, s:{s:s}, s:o, s:{s:s}, s:{s:s, s:s, s:s, s:b, s:i}}",
      "ruleId", b->type, "ruleIndex", (json_int_t)idx, "level",
      b->security ? "error" : "warning", "message", "text", msg, "locations",
      locations, "partialFingerprints", "chainfuzzBucket/v1", b->bucket,
      "properties", "target", b->target, "bucketPath", bucket_path,
      "severity", b->severity, "flaky", b->flaky, "count",
      (json_int_t)b->num_originals);
  if (result == NULL) {
    return 0;
  }
  return json_array_append_new(results, result) == 0;
}

int cf_sarif_write(const json_t *sarif, const char *path) {
  char *s = json_dumps(sarif, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  int ok;
  if (s == NULL) {
    errno = ENOMEM;
    return 0;
  }
  ok = cf_write_file_atomic(path, s, strlen(s), 0644);
  free(s);
  return ok;
}

/* ------------------------------------------------------------- table -- */

void cf_table_header(FILE *out) {
  fprintf(out, "%-12s  %-16s  %-24s  %-32s  %-8s  %5s  %-5s  %s\n", "bucket",
          "target", "type", "state", "severity", "count", "flaky", "");
}

void cf_table_row(FILE *out, const struct cf_bucket *b, const char *what) {
  char top[256];
  cf_report_state_top(top, sizeof(top), b->state);
  if (b->is_finding) {
    snprintf(top, sizeof(top), "%s/%s/%s", b->finding_validator,
             b->finding_oracle, b->finding_reason);
  }
  fprintf(out, "%-12s  %-16s  %-24s  %-32.32s  %-8s  %5zu  %-5s  %s\n",
          b->bucket, b->target, b->type, top,
          strcmp(b->bucket, CF_NO_REPRO) == 0 ? "-" : b->severity,
          b->num_originals, b->flaky ? "yes" : "no", what);
}
