/* diff_allow.c — lookup in the generated allow-list (diff_allow.h). */
#include "diff_allow.h"

#include <string.h>

int cf_diff_allowed(const char *accepter, const char *rejecter,
                    enum cf_reason reason) {
  const char *r = cf_reason_name(reason);
  for (const struct cf_diff_allow *a = cf_diff_allow_table; a->accepter != NULL;
       a++) {
    if (strcmp(a->accepter, accepter) == 0 &&
        strcmp(a->rejecter, rejecter) == 0 && strcmp(a->reason, r) == 0) {
      return 1;
    }
  }
  return 0;
}
