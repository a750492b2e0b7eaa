/* minimize.h — running a target on one input the way triage, repro and
 * regress all do (same argv, same sanitizer environment, same limits), and
 * shrinking a crashing input while it keeps its bucket: libFuzzer's own
 * -minimize_crash=1 for libFuzzer binaries, otherwise delta debugging
 * (ddmin) over bytes. */
#ifndef CHAINFUZZ_HARNESS_MINIMIZE_H
#define CHAINFUZZ_HARNESS_MINIMIZE_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "run.h"

/* cf_interrupted is set by the SIGINT/SIGTERM handler that
 * cf_install_interrupt_handlers installs; long loops check it. */
extern volatile sig_atomic_t cf_interrupted;

/* cf_install_interrupt_handlers makes SIGINT and SIGTERM set
 * cf_interrupted (without SA_RESTART) instead of killing the process. */
void cf_install_interrupt_handlers(void);

/* cf_target is a binary to run inputs through. */
struct cf_target {
  char name[128];     /* target name ([A-Za-z0-9_-]) */
  char bin[PATH_MAX]; /* path of the binary */
  uint32_t timeout_secs;  /* -timeout= for the target */
  uint32_t rss_limit_mb;  /* -rss_limit_mb= and cf_run's limit; 0: none */
  int libfuzzer;      /* 1: linked with libFuzzer (can -minimize_crash) */
  int afl_driver;     /* 1: AFL++'s driver, which takes no flags: an argument
                       * starting with '-' turns it to reading stdin */
  char *env[5];       /* the sanitizer environment, NULL-terminated */
  char env_buf[5][PATH_MAX + 64];
  /* 1: runs use env_nosym (symbolize=0) and the report is symbolized in
   * this process (symbolize.h); see cf_target_parent_symbolize. */
  int parent_symbolize;
  char *env_nosym[5];
  char env_nosym_buf[2][128];
};

/* cf_target_check returns 1 if |bin| is an executable regular file; else
 * it writes why to |err| (missing, not executable, ...). */
int cf_target_check(const char *bin, char *err, size_t err_len);

/* cf_target_init fills |t| for the binary |bin| named |name|: the
 * sanitizer environment (ASAN_OPTIONS, UBSAN_OPTIONS, and
 * ASAN_SYMBOLIZER_PATH when llvm-symbolizer is found in PATH) and whether
 * it is a libFuzzer binary. */
int cf_target_init(struct cf_target *t, const char *bin, const char *name,
                   uint32_t timeout_secs, uint32_t rss_limit_mb);

/* cf_target_find_symbolizer writes the path of llvm-symbolizer (searched
 * in PATH, then as llvm-symbolizer-14 and /usr/lib/llvm-14/bin) to |out|;
 * 0 when none is found. */
int cf_target_find_symbolizer(char *out, size_t out_len);

/* cf_target_argv fills |argv| (room for 5) with {bin, -timeout=,
 * -rss_limit_mb=, input, NULL}, using |buf| for the flag strings; for
 * AFL++'s driver (afl_driver), {bin, input, NULL}. */
void cf_target_argv(const char *argv[5], char buf[2][64],
                    const struct cf_target *t, const char *input);

/* cf_target_run runs |t| once on the file |input| and classifies the run.
 * |r| may be NULL (the output is then freed); else the caller frees it
 * with cf_run_result_free. Returns 0 on an internal error. */
int cf_target_run(const struct cf_target *t, const char *input,
                  struct cf_run_result *r, struct cf_crash *c);

/* cf_target_parent_symbolize makes |t|'s runs symbolize=0, their reports
 * symbolized by one shared llvm-symbolizer child of this process (faster:
 * a run no longer starts its own), when llvm-symbolizer is found. The
 * classification is the same. Returns 1 if enabled. */
int cf_target_parent_symbolize(struct cf_target *t);

/* cf_target_run_begin starts |t| on |input| without waiting (run.h's
 * cf_run_begin); cf_target_run_finish classifies the finished |r| into |c|
 * (symbolizing it first if needed; if the shared symbolizer failed, the
 * input is run again with the sanitizer's own symbolization). */
int cf_target_run_begin(struct cf_run_proc **p, const struct cf_target *t,
                        const char *input, struct cf_run_result *r);
int cf_target_run_finish(const struct cf_target *t, const char *input,
                         struct cf_run_result *r, struct cf_crash *c);

/* cf_same_bucket returns 1 if |b| lands where |a| is: same type and the
 * same state, or states cf_crashes_similar folds together. */
int cf_same_bucket(const struct cf_crash *a, const struct cf_crash *b);

/* cf_ddmin_test says whether a candidate still "fails" (1) or not (0);
 * -1 stops the minimisation (interrupted, or an error). */
typedef int (*cf_ddmin_test)(void *ctx, const uint8_t *data, size_t len);

/* cf_ddmin shrinks |in| (which must fail |test|) by Zeller's ddmin over
 * bytes, calling |test| at most |max_tests| times. The smallest failing
 * input found is returned in a malloc'd |*out| (at worst a copy of |in|).
 * |*tests_run| counts the calls. Returns 0 on an internal error only. */
int cf_ddmin(uint8_t **out, size_t *out_len, size_t *tests_run,
             const uint8_t *in, size_t in_len, cf_ddmin_test test, void *ctx,
             size_t max_tests);

/* cf_min_opts bounds a minimisation. */
struct cf_min_opts {
  uint32_t max_runs;    /* target runs for ddmin; -runs for libFuzzer */
  uint32_t max_seconds; /* wall clock in all */
  const char *work_dir; /* private directory for temporary files */
};

/* cf_minimize shrinks |in|, which |t| crashes as |want|, keeping only
 * candidates that land in the same bucket (cf_same_bucket). |*out| is
 * malloc'd; on no progress it is a copy of |in|. |method| receives
 * "libfuzzer", "ddmin" or "none: <why>". Returns 0 on an internal error. */
int cf_minimize(uint8_t **out, size_t *out_len, char *method,
                size_t method_len, const struct cf_target *t,
                const struct cf_crash *want, const uint8_t *in, size_t in_len,
                const struct cf_min_opts *opts);

#endif /* CHAINFUZZ_HARNESS_MINIMIZE_H */
