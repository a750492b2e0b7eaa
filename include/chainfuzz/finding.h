/* finding.h — how every target reports a logic bug (not a crash): one
 * machine-readable line on stderr, e.g.
 *
 *   ==chainfuzz== FINDING kind=accept-when-should-reject validator=boringssl
 *       oracle=spec reason=EXPIRED case=<sha1 of the input>
 *
 * (on one line), then "FuzzerSecurityIssueHigh" for accept-when-should-reject,
 * then abort() through a never-inlined function named after the kind and the
 * reason (cf_finding_<kind>_<REASON>), so stack-based crash states differ per
 * class too. Triage reads the line first and the stack second. */
#ifndef CHAINFUZZ_FINDING_H
#define CHAINFUZZ_FINDING_H

#include <stddef.h>
#include <stdint.h>

#include "chainfuzz/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cf_finding_kind is what went wrong. Append only. */
enum cf_finding_kind {
  /* The validator accepted a chain the oracle says it must reject. */
  CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT = 0,
  /* The validator rejected a chain the oracle says it must accept. */
  CF_FINDING_REJECT_WHEN_SHOULD_ACCEPT = 1,
  /* The library broke one of its own invariants (a round trip that does not
   * round-trip, a verify result that contradicts its error code, ...). */
  CF_FINDING_INVARIANT = 2,
  /* Validators disagree and no allow-list entry covers it. */
  CF_FINDING_DISAGREEMENT = 3,
};

/* cf_finding_kind_name returns the kind as printed in the finding line. */
const char *cf_finding_kind_name(enum cf_finding_kind kind);

/* cf_report_finding prints the finding line for the input |in| (|in_len|
 * bytes; the case= field is its SHA-1), then |detail| if not NULL, then
 * aborts. It does not return. */
void cf_report_finding(enum cf_finding_kind kind, const char *validator,
                       const char *oracle, enum cf_reason reason,
                       const uint8_t *in, size_t in_len, const char *detail)
    __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_FINDING_H */
