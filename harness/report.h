/* report.h — what triage tells people and tools about a bucket: the
 * one-line summary, report.txt, the SARIF 2.1.0 file of a run, and the
 * bucket table printed at the end of triage. */
#ifndef CHAINFUZZ_HARNESS_REPORT_H
#define CHAINFUZZ_HARNESS_REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "classify.h"
#include "store.h"

/* cf_report_summary writes a one-line summary of |c| to |out|, e.g.
 * "Heap-buffer-overflow READ 1 in parse_name" or
 * "Finding accept-when-should-reject: boringssl, oracle spec, EXPIRED". */
void cf_report_summary(char *out, size_t out_len, const struct cf_crash *c);

/* cf_report_state_top returns the first line of |state| in |out| ("-"
 * when empty). */
void cf_report_state_top(char *out, size_t out_len, const char *state);

/* cf_report_top_frame returns the first frame of |b| that is not on the
 * ignore list and has a source file, or NULL. */
const struct cf_frame *cf_report_top_frame(const struct cf_bucket *b);

/* cf_report_text returns report.txt for |b| (malloc'd), or NULL. */
char *cf_report_text(const struct cf_bucket *b);

/* cf_shell_quote appends |arg| to |out| quoted for a POSIX shell when it
 * needs it; 0 if it does not fit. */
int cf_shell_quote(char *out, size_t out_len, const char *arg);

/* cf_sarif_new returns an empty SARIF 2.1.0 log with one run whose tool is
 * "chainfuzz", or NULL. */
json_t *cf_sarif_new(void);

/* cf_sarif_add adds one result for |b| to |sarif|: ruleId = type (the rule
 * is declared once), level "error" for a security issue else "warning",
 * message = summary, a location from the top frame (|root| is stripped
 * from its path to give a repository-relative URI), partialFingerprints
 * with the bucket id. Target, |bucket_path| (e.g. "crashes/T/B"),
 * severity, flaky and count go into the result's properties. */
int cf_sarif_add(json_t *sarif, const struct cf_bucket *b,
                 const char *bucket_path, const char *root);

/* cf_sarif_write writes |sarif| to |path| atomically. */
int cf_sarif_write(const json_t *sarif, const char *path);

/* cf_table_header / cf_table_row print the bucket table of triage. |what|
 * is "new", "existing", "known", "regressed" or the like. */
void cf_table_header(FILE *out);
void cf_table_row(FILE *out, const struct cf_bucket *b, const char *what);

#endif /* CHAINFUZZ_HARNESS_REPORT_H */
