/* finding_target.c — reports chainfuzz findings through the real
 * lib/finding.c ('A': accept-when-should-reject, 'I': an invariant), for
 * the finding samples regenerate.sh saves here. */
#include <stdint.h>
#include <stddef.h>

#include "chainfuzz/finding.h"

CF_DEFINE_INVARIANT(reencode_roundtrip, "boringssl")

__attribute__((noinline)) static void check_verdict(const uint8_t *data,
                                                    size_t size) {
  cf_report_finding(CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT, "boringssl", "spec",
                    CF_REASON_EXPIRED, data, size,
                    "leaf notAfter 2020-01-01 is before the clock 2026-01-01");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cf_finding_set_input(data, size);
  if (size > 0 && data[0] == 'A') {
    check_verdict(data, size);
  }
  if (size > 0 && data[0] == 'I') {
    reencode_roundtrip("re-encoded %zu bytes differ from the input", size);
  }
  return 0;
}
