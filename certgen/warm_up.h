/* warm_up.h — run a fuzz target on a few well-formed inputs before the
 * engine starts (issue 19).
 *
 * Libraries initialise lazily: the first input that verifies a P-384
 * signature sets up the curve, the first error allocates the thread's error
 * queue, the BoringSSL adapter probes its depth convention once
 * (validators/bssl_compat.c). Under AFL++ the fork server forks after
 * LLVMFuzzerInitialize and every child runs many inputs, so whichever input
 * comes first in a child takes those one-time paths and the same input
 * run later does not: AFL++ counts every such edge as unstable (it measured
 * 66 % stability on chain_verify_boringssl, BENCHMARKS.md). Running one
 * honest chain per key type and signature family from LLVMFuzzerInitialize
 * does that initialisation once, before the fork, in every engine.
 *
 * The inputs are built here, from recipe text and the embedded key pool:
 * nothing is read from disk, so OSS-Fuzz builds warm up the same way.
 * CHAINFUZZ_WARM_UP=0 skips it; the replay driver sets that (it checks
 * verdicts, not coverage, and a handshake target's warm-up takes up to a
 * second). */
#ifndef CHAINFUZZ_CERTGEN_WARM_UP_H
#define CHAINFUZZ_CERTGEN_WARM_UP_H

#include <stddef.h>
#include <stdint.h>

#include "keypool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The form a target reads. */
enum cf_warm_up_form {
  CF_WARM_UP_CASE,         /* a chainfuzz case (chainfuzz/case.h) */
  CF_WARM_UP_RECIPE_BYTES, /* recipe bytes (recipe_bytes.h): chain_oracle */
};

/* cf_warm_up builds each warm-up chain with |pool|'s keys, encodes it in
 * |form| and passes it to |one| (the target's LLVMFuzzerTestOneInput). It
 * returns the number of inputs (also when CHAINFUZZ_WARM_UP=0 skips them),
 * or 0, with a message in |err|, when one could not be built (a bug in the
 * recipes of warm_up.c or in the builder). */
size_t cf_warm_up(char *err, size_t err_len, const struct cf_pool *pool,
                  enum cf_warm_up_form form,
                  int (*one)(const uint8_t *data, size_t size));

/* cf_warm_up_count is the number of inputs cf_warm_up runs. */
size_t cf_warm_up_count(void);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_WARM_UP_H */
