/* known_rules.h — reviewed divergences by oracle rule, for fuzz targets.
 *
 * certgen/divergences.tsv lists, per catalogue scenario, where a validator
 * differs from the oracle and why. A fuzz target sees new inputs, not
 * scenarios, so it needs the same knowledge keyed by what it can compute:
 * (validator, oracle rule, the rule's feature, the validator's decision and
 * reason). The feature (cf_oracle_result.feature) keeps a reviewed
 * difference to its cause: Mbed TLS accepting "*.com" for example.com is
 * known as name.dns-mismatch with feature "wildcard", so an Mbed TLS device
 * that skips the name check altogether is still reported on a plain
 * mismatch (feature "", written "-" in the table). That table
 * is certgen/known-rules.tsv, generated from the divergence file by
 * `certgen check --known-rules FILE` (each line is backed by at least one
 * reviewed scenario; tests/certgen_cli_test.sh checks it is up to date) and
 * compiled into every binary by mk/chainfuzz.mk. */
#ifndef CHAINFUZZ_CERTGEN_KNOWN_RULES_H
#define CHAINFUZZ_CERTGEN_KNOWN_RULES_H

#include "chainfuzz/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cf_known_rule is one line of certgen/known-rules.tsv. */
struct cf_known_rule {
  const char *validator;
  const char *rule;     /* oracle rule id, "accept" for ACCEPT */
  const char *feature;  /* the rule's feature, "-" for none */
  const char *decision; /* "ACCEPT" / "REJECT" */
  const char *reason;   /* reason name, "-" for ACCEPT */
  const char *scenario; /* one reviewed scenario that shows it */
};

/* cf_known_rules_table is the generated table, ended by a NULL validator. */
extern const struct cf_known_rule cf_known_rules_table[];

/* cf_known_rule_find returns the entry covering |validator| deciding
 * |decision|/|reason| where the oracle's rule is |rule| with |feature|
 * ("" or "-" for none; an entry covers a feature that has all of its
 * '+'-separated parts, and an entry without a feature covers none and
 * "unused" only: a validator that takes a defect on the path takes it off
 * the path too), or NULL. */
const struct cf_known_rule *cf_known_rule_find(const char *validator,
                                               const char *rule,
                                               const char *feature,
                                               enum cf_decision decision,
                                               enum cf_reason reason);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_KNOWN_RULES_H */
