/* classify.h — what a reproduced run means: crash type, the frames of the
 * report, the crash state and severity (as ClusterFuzz computes them), or a
 * chainfuzz finding line (include/chainfuzz/finding.h). Pure functions of a
 * run's output and exit: unit-tested on saved sanitizer reports. */
#ifndef CHAINFUZZ_HARNESS_CLASSIFY_H
#define CHAINFUZZ_HARNESS_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"

#define CF_MAX_FRAMES 64
#define CF_STATE_FRAMES 3

/* cf_frame is one symbolized stack frame. Unknown parts are "". */
struct cf_frame {
  uint64_t pc;
  char function[256]; /* "X509_verify_cert", without arguments */
  char file[512];     /* source path, or "" */
  uint32_t line;
  char module[512];   /* binary or library path, when no source is known */
  uint64_t module_offset; /* the "+0x..." after module, 0 when not printed */
};

/* cf_severity as ClusterFuzz scores it. */
enum cf_severity {
  CF_SEVERITY_NONE = 0, /* not a security issue */
  CF_SEVERITY_LOW,
  CF_SEVERITY_MEDIUM,
  CF_SEVERITY_HIGH,
  CF_SEVERITY_CRITICAL,
};

/* cf_crash is the classification of one run. */
struct cf_crash {
  int crashed;  /* 0: the run passed (exit 0, no report) */
  /* ClusterFuzz-style type: "Heap-buffer-overflow", "Heap-use-after-free",
   * "Heap-double-free", "Bad-free", "Stack-buffer-overflow",
   * "Global-buffer-overflow", "Stack-overflow", "Null-dereference",
   * "Segv on unknown address", "Use-after-poison", "Direct-leak",
   * "Indirect-leak", "Timeout", "Out-of-memory", "Malloc-limit",
   * "Integer-overflow", "Shift", "Divide-by-zero", "Index-out-of-bounds",
   * "Misaligned-address", "Null-reference", "Invalid-bool-value",
   * "Invalid-enum-value", "Undefined-behavior" (other UBSan), "Abrt",
   * "Assert", "Fatal-signal", "Signal <N>", "Exit <N>" (non-zero exit with
   * no report), "Finding" (our finding line), "No-start" (could not run). */
  char type[64];
  char access[8];       /* "READ", "WRITE" or "" */
  uint32_t access_size; /* bytes, 0 when unknown */
  uint64_t address;     /* the faulting address when the report names one */
  /* For a finding: the fields of the finding line. */
  int is_finding;
  char finding_kind[64];
  char finding_validator[64];
  char finding_oracle[128];
  char finding_reason[64];
  char finding_case[64]; /* the case= field: SHA-1 of the input, in hex */
  /* The crashing thread's frames as printed, in order (frame #0 first). */
  struct cf_frame frames[CF_MAX_FRAMES];
  size_t num_frames;
  /* Crash state: up to CF_STATE_FRAMES function names left after the
   * ignore list (sanitizer runtime, libFuzzer, libc, allocator, our abort
   * helpers cf_finding_*), "\n"-joined, as ClusterFuzz prints it. For a
   * finding: "validator\noracle\nreason". */
  char state[CF_STATE_FRAMES * 256];
  int security;         /* 1: a security issue by ClusterFuzz's rules */
  enum cf_severity severity;
  char summary[512];    /* the report's SUMMARY line or first error line */
};

/* cf_classify fills |*out| from a finished run. It returns 1 on success. */
int cf_classify(struct cf_crash *out, const struct cf_run_result *r);

/* cf_classify_text classifies a report given as text plus how the process
 * ended (exit_code, or term_signal when signaled, timed_out, rss_exceeded):
 * what cf_classify does, for tests on saved reports. */
int cf_classify_text(struct cf_crash *out, const char *text, size_t text_len,
                     int exit_code, int term_signal, int timed_out,
                     int rss_exceeded);

/* cf_frame_is_ignored reports whether a frame's function/module is on the
 * ignore list used for the crash state. */
int cf_frame_is_ignored(const struct cf_frame *f);

/* cf_severity_name returns "None", "Low", "Medium", "High", "Critical". */
const char *cf_severity_name(enum cf_severity s);

/* cf_crashes_similar is the fuzzy comparison (ClusterFuzz's CrashComparer):
 * 1 when two crashes of the same type have states close enough to be one
 * bug (per-frame similarity of function names after stripping templates,
 * anonymous-namespace and clone suffixes like ".cold"/".isra.0", with a
 * threshold). Findings compare exactly. */
int cf_crashes_similar(const struct cf_crash *a, const struct cf_crash *b);

#endif /* CHAINFUZZ_HARNESS_CLASSIFY_H */
