/* chain_verify — the device-side validation path of a BoringSSL device.
 *
 * Input: a chainfuzz case (include/chainfuzz/case.h): the trust anchors of
 * the device, the chain the server presents and the device profile (clock,
 * expected DNS name or IP, purpose, max depth, flags). A malformed case is
 * rejected by the decoder and ends the run for that input.
 *
 * Feeds: cf_boringssl_verify (validators/boringssl.c), i.e. X509_verify_cert
 * on an X509_STORE_CTX set up as BoringSSL's TLS client does ("ssl_server"
 * defaults, the expected name on the verify param), at the profile's fixed
 * time. No verify callback.
 *
 * Checks, besides memory safety:
 *  - the verdict is consistent: X509_verify_cert never returns success with
 *    an error code, nor failure without one;
 *  - an accepted path starts at the presented leaf and ends at one of the
 *    profile's trust anchors.
 * A violation is an "invariant" finding (include/chainfuzz/finding.h).
 * It does not yet judge whether accepting was right: that is the oracles'
 * job (spec and signed-bytes oracles, chain_oracle_* targets). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "chainfuzz/case.h"
#include "chainfuzz/finding.h"
#include "chainfuzz/validator.h"

/* verbose is CHAINFUZZ_VERBOSE, read once: getenv is not for the hot path. */
static int verbose = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cf_case c;
  struct cf_verdict v;

  if (verbose < 0) {
    verbose = getenv("CHAINFUZZ_VERBOSE") != NULL;
  }
  if (cf_case_parse(&c, NULL, data, size) != CF_CASE_OK) {
    return 0;
  }
  cf_boringssl_verify(&v, &c);
  if (verbose) {
    fprintf(stderr, "chain_verify: %s %s (%ld: %s)\n",
            cf_decision_name(v.decision), cf_reason_name(v.reason),
            v.native_code, v.native_text);
  }
  if (v.decision == CF_ERROR) {
    cf_report_finding(CF_FINDING_INVARIANT, "boringssl", "consistency",
                      v.reason, data, size, v.native_text);
  }
  return 0;
}
