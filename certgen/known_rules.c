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
   * certificate no path uses too: an entry for feature F (or none) covers
   * "F+unused" (or "unused"), oracle.h. */
  size_t f_len = strlen(f), base_len = f_len;
  static const char kUnused[] = "unused";
  if (strcmp(f, kUnused) == 0) {
    base_len = 0;
  } else if (f_len > sizeof(kUnused) &&
             strcmp(f + f_len - sizeof(kUnused) + 1, kUnused) == 0 &&
             f[f_len - sizeof(kUnused)] == '+') {
    base_len = f_len - sizeof(kUnused);
  }
  for (const struct cf_known_rule *k = cf_known_rules_table;
       k->validator != NULL; k++) {
    int covers_unused =
        base_len < f_len &&
        (base_len == 0 ? strcmp(k->feature, "-") == 0
                       : strlen(k->feature) == base_len &&
                             strncmp(k->feature, f, base_len) == 0);
    if (strcmp(k->validator, validator) == 0 && strcmp(k->rule, rule) == 0 &&
        (strcmp(k->feature, f) == 0 || covers_unused) &&
        strcmp(k->decision, d) == 0 &&
        (strcmp(k->reason, "-") == 0 || strcmp(k->reason, r) == 0)) {
      return k;
    }
  }
  return NULL;
}
