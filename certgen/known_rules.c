/* known_rules.c — lookup in the generated known-rules table (known_rules.h). */
#include "known_rules.h"

#include <string.h>

/* has_part says whether the '+'-separated feature |f| has the part of
 * |len| bytes at |part|. */
static int has_part(const char *f, const char *part, size_t len) {
  while (*f != '\0') {
    size_t n = strcspn(f, "+");
    if (n == len && strncmp(f, part, len) == 0) {
      return 1;
    }
    f += n + (f[n] == '+');
  }
  return 0;
}

/* covers says whether a reviewed entry for feature |known| explains a
 * finding with feature |f| (both "-" for none). Features are sets of
 * '+'-separated parts (oracle.h: "dns+inherited+noncritical"): an entry
 * covers every feature that has all of its parts, since what explains the
 * difference is still there (Mbed TLS ignores a non-critical
 * nameConstraints, inherited or not; a defect taken on the path is taken
 * off it, "+unused"). An entry without a feature covers only none and
 * "unused": it must not cover the features that name a class of its own. */
static int covers(const char *known, const char *f) {
  if (strcmp(known, "-") == 0) {
    return strcmp(f, "-") == 0 || strcmp(f, "unused") == 0;
  }
  if (strcmp(f, "-") == 0) {
    return 0;
  }
  for (const char *k = known; *k != '\0';) {
    size_t n = strcspn(k, "+");
    if (!has_part(f, k, n)) {
      return 0;
    }
    k += n + (k[n] == '+');
  }
  return 1;
}

const struct cf_known_rule *cf_known_rule_find(const char *validator,
                                               const char *rule,
                                               const char *feature,
                                               enum cf_decision decision,
                                               enum cf_reason reason) {
  const char *d = cf_decision_name(decision);
  const char *r = decision == CF_ACCEPT ? "-" : cf_reason_name(reason);
  const char *f = feature == NULL || feature[0] == '\0' ? "-" : feature;
  for (const struct cf_known_rule *k = cf_known_rules_table;
       k->validator != NULL; k++) {
    if (strcmp(k->validator, validator) == 0 && strcmp(k->rule, rule) == 0 &&
        covers(k->feature, f) && strcmp(k->decision, d) == 0 &&
        (strcmp(k->reason, "-") == 0 || strcmp(k->reason, r) == 0)) {
      return k;
    }
  }
  return NULL;
}
