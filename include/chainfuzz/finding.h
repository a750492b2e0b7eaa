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

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

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

/* cf_finding_set_input records the input being run, so that a finding
 * reported from deep inside a target (CF_DEFINE_INVARIANT) can name it by
 * SHA-1. Targets call it first thing in LLVMFuzzerTestOneInput; it only
 * stores the pointer. */
void cf_finding_set_input(const uint8_t *in, size_t in_len);

/* cf_invariant_vreport prints the finding line for an invariant of
 * |validator| named |check| (kind=invariant oracle=<check>), for the input
 * given to cf_finding_set_input, then |fmt| as the DETAIL line. It returns;
 * the caller aborts in its own, named frame. */
void cf_invariant_vreport(const char *validator, const char *check,
                          const char *fmt, va_list args);

/* CF_DEFINE_INVARIANT(name, validator) defines
 *   static void name(const char *fmt, ...)  (never inlined, never returns)
 * which reports the invariant |name| of |validator| and aborts, so each
 * invariant a target checks has its own crash state. */
#define CF_DEFINE_INVARIANT(name, validator)                                \
  __attribute__((noinline, noreturn, format(printf, 1, 2))) static void     \
  name(const char *fmt, ...) {                                              \
    va_list args;                                                           \
    va_start(args, fmt);                                                    \
    cf_invariant_vreport(validator, #name, fmt, args);                      \
    va_end(args);                                                           \
    __asm__ volatile("");                                                   \
    abort();                                                                \
  }

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_FINDING_H */
