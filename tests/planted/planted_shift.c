/* planted_shift — planted bug for measuring `chainfuzz triage`: undefined
 * behaviour, a shift by too many bits (UBSan's shift check; the flavors
 * build with -fno-sanitize-recover=undefined, so it aborts).
 *
 * Input: "SHFT" then a window-size exponent. shift_window_size() computes
 * 1 << exponent for a 32-bit type without checking exponent < 32.
 *
 * Triage must produce exactly one bucket:
 *   type Shift, first state frame shift_window_size, severity None.
 * (UBSan prints a stack only with UBSAN_OPTIONS=print_stacktrace=1, which
 * triage must set, as ClusterFuzz does.) */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t g_sink;

/* shift_window_size returns 2^|exponent|. PLANTED: |exponent| is not
 * checked against 32. */
__attribute__((noinline)) static uint32_t shift_window_size(uint32_t exponent) {
  return (uint32_t)1 << exponent;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 5 || data[0] != 'S' || data[1] != 'H' || data[2] != 'F' ||
      data[3] != 'T') {
    return 0;
  }
  g_sink = shift_window_size(data[4]);
  return 0;
}
