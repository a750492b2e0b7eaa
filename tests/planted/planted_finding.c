/* planted_finding — planted verdict finding for measuring `chainfuzz
 * triage`: not a memory bug but a logic bug, reported the chainfuzz way
 * (include/chainfuzz/finding.h): the finding line, FuzzerSecurityIssueHigh,
 * then abort() through cf_finding_accept_when_should_reject_EXPIRED.
 *
 * Input: "FIND", then a 4-byte big-endian notAfter and a 4-byte
 * big-endian "now". finding_check_validity() is a planted validator whose
 * expiry check compares the wrong way round: it accepts a certificate
 * whose notAfter is before now, while the spec oracle says REJECT/EXPIRED.
 *
 * Triage must produce exactly one bucket:
 *   type Finding, state validator/oracle/reason = planted, spec, EXPIRED
 *   (so the first state "frame" is "planted"), finding.kind
 *   accept-when-should-reject, severity High. */
#include <stddef.h>
#include <stdint.h>

#include "chainfuzz/finding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t finding_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         (uint32_t)p[3];
}

/* finding_check_validity returns 1 (accept) if a certificate with
 * |not_after| is valid at |now|. PLANTED: the comparison is reversed for
 * notAfter, so it accepts expired certificates (and rejects good ones,
 * which the oracle does not look at here). */
__attribute__((noinline)) static int finding_check_validity(uint32_t not_after,
                                                            uint32_t now) {
  return not_after < now;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 12 || data[0] != 'F' || data[1] != 'I' || data[2] != 'N' ||
      data[3] != 'D') {
    return 0;
  }
  uint32_t not_after = finding_be32(data + 4);
  uint32_t now = finding_be32(data + 8);
  int accepted = finding_check_validity(not_after, now);
  int oracle_rejects = now > not_after; /* the spec oracle: expired */
  if (accepted && oracle_rejects) {
    cf_report_finding(CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT, "planted", "spec",
                      CF_REASON_EXPIRED, data, size, "planted finding");
  }
  return 0;
}
