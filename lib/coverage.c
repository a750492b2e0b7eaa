/* coverage.c — see include/chainfuzz/coverage.h. */
#include "chainfuzz/coverage.h"

#ifdef __AFL_COMPILER
/* AFL++'s selective coverage: this definition (what __AFL_COVERAGE()
 * expands to) tells its runtime to honour __afl_coverage_off/on; coverage
 * starts on. */
int __afl_selective_coverage = 1;
void __afl_coverage_on(void);
void __afl_coverage_off(void);
#define CF_COVERAGE_OFF() __afl_coverage_off()
#define CF_COVERAGE_ON() __afl_coverage_on()
#else
#define CF_COVERAGE_OFF() ((void)0)
#define CF_COVERAGE_ON() ((void)0)
#endif

static unsigned g_paused; /* nesting depth; targets run one input at a time */

void cf_coverage_pause(void) {
  if (g_paused++ == 0) {
    CF_COVERAGE_OFF();
  }
}

void cf_coverage_resume(void) {
  if (g_paused > 0 && --g_paused == 0) {
    CF_COVERAGE_ON();
  }
}
