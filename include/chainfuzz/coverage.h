/* coverage.h — keeping work a cache may skip out of the fuzzing engine's
 * coverage map (issue 19).
 *
 * certgen remembers the signatures it made and the certificates it found
 * honest (build.c, signed_bytes.c), the handshake judge the chains that
 * passed and the last signature that verified (handshake/judge.c,
 * sigcheck.c): a fuzzer re-runs the same certificates, and an RSA
 * private-key operation costs ~10 ms under ASan.
 * But a cache hit skips instrumented code a miss runs, so the same input
 * takes another path the second time: AFL++ measured 70 % stability on
 * chain_oracle_boringssl, 91 % with the caches emptied before every input
 * at 41 % fewer exec/s (BENCHMARKS.md). Between cf_coverage_pause and
 * cf_coverage_resume nothing is recorded under AFL++ (its selective
 * coverage: __afl_coverage_off / __afl_coverage_on, PCGUARD mode, the afl
 * flavor), so hit and miss look the same and the caches stay. Elsewhere
 * (libFuzzer, replay, plain) both are no-ops: libFuzzer has no such switch,
 * and a fixed -seed run stays reproducible because the cache's state is a
 * function of the inputs run before. Calls nest.
 *
 * The same switch keeps out work that only resets state between inputs
 * (cf_wolfssl_forget_fp_cache). Other sources of run-to-run difference
 * have their own fix: one-time initialisation runs before the engine
 * starts (certgen/warm_up.h), and the BoringSSL handshake client makes its
 * SSL_CTX on every run (handshake/boringssl.c). */
#ifndef CHAINFUZZ_COVERAGE_H
#define CHAINFUZZ_COVERAGE_H

#ifdef __cplusplus
extern "C" {
#endif

void cf_coverage_pause(void);
void cf_coverage_resume(void);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_COVERAGE_H */
