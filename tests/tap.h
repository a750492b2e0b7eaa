/* tap.h — a minimal TAP producer for our C unit tests: tests/run.sh counts
 * the "ok N - ..." and "not ok N - ..." lines. */
#ifndef CHAINFUZZ_TESTS_TAP_H
#define CHAINFUZZ_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_count;
static int tap_failed;

/* tap_ok records one result; |cond| is the check, the rest a description. */
static int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int tap_ok(int cond, const char *fmt, ...) {
  va_list ap;
  tap_count++;
  if (!cond) {
    tap_failed++;
  }
  printf("%sok %d - ", cond ? "" : "not ", tap_count);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
  return cond;
}

/* tap_done prints the plan and returns the exit status for main. */
static int tap_done(void) {
  printf("1..%d\n", tap_count);
  return tap_failed == 0 ? 0 : 1;
}

#endif
