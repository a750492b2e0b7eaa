/* planted_sigkill — planted robustness case for `chainfuzz triage`: the
 * target kills itself with SIGKILL, as the kernel's OOM killer or a
 * watchdog would. No sanitizer report, no stack: triage has only the
 * signal to go by. (libFuzzer cannot save an input whose process was
 * SIGKILLed, so fuzzing makes no artifacts for it; its committed input in
 * tests/planted/inputs/ is made by hand.)
 *
 * Input: "KILL" then anything.
 *
 * Triage must produce exactly one bucket:
 *   type "Signal 9", empty state (no first frame), severity None. */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* sigkill_watchdog_fires kills the process. */
__attribute__((noinline)) static void sigkill_watchdog_fires(void) {
  raise(SIGKILL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4 || data[0] != 'K' || data[1] != 'I' || data[2] != 'L' ||
      data[3] != 'L') {
    return 0;
  }
  sigkill_watchdog_fires();
  return 0;
}
