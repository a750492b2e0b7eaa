/* known_rules.c — lookup in the generated known-rules table (known_rules.h). */
#include "known_rules.h"

#include <string.h>

const struct cf_known_rule *cf_known_rule_find(const char *validator,
                                               const char *rule,
                                               const char *feature,
                                               enum cf_decision decision,
                                               enum cf_reason reason) {
  const char *d = cf_decision_name(decision);
  const char *r = decision == CF_ACCEPT ? "-" : cf_reason_name(reason);
  const char *f = feature == NULL || feature[0] == '\0' ? "-" : feature;
  /* A validator known to take a defect on the path takes it in a
   * certificate no path uses too: an entry without a feature covers
   * "unused" (oracle.h). */
  int unused = strcmp(f, "unused") == 0;
  for (const struct cf_known_rule *k = cf_known_rules_table;
       k->validator != NULL; k++) {
    if (strcmp(k->validator, validator) == 0 && strcmp(k->rule, rule) == 0 &&
        (strcmp(k->feature, f) == 0 ||
         (unused && strcmp(k->feature, "-") == 0)) &&
        strcmp(k->decision, d) == 0 &&
        (strcmp(k->reason, "-") == 0 || strcmp(k->reason, r) == 0)) {
      return k;
    }
  }
  return NULL;
}
