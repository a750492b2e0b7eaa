/* classify_test.c — unit tests of harness/classify.c on the real sanitizer,
 * libFuzzer, replay-driver and finding reports saved in tests/triage_samples/
 * (regenerate.sh there made them; status.txt says how each run ended), plus
 * synthetic outputs for the cases a real run cannot show cheaply.
 *
 * Usage: classify_test [SAMPLES_DIR]  (default: triage_samples/ beside this
 * source file, as the build names it, i.e. tests/triage_samples from the
 * repository root, where `make test` runs it). TAP output. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/classify.h"
#include "tap.h"

/* expect is what one saved sample must classify as. */
struct expect {
  const char *name;
  const char *type;
  const char *access;
  uint32_t access_size;
  const char *state; /* NULL: checked separately */
  int security;
  enum cf_severity severity;
};

static const struct expect kExpect[] = {
    {"asan_heap_buffer_overflow_read", "Heap-buffer-overflow", "READ", 1,
     "parse_len\nheap_read\nLLVMFuzzerTestOneInput", 1, CF_SEVERITY_MEDIUM},
    {"asan_stack_buffer_overflow_write", "Stack-buffer-overflow", "WRITE", 1,
     "stack_write\nLLVMFuzzerTestOneInput", 1, CF_SEVERITY_HIGH},
    {"asan_global_buffer_overflow_read", "Global-buffer-overflow", "READ", 1,
     "global_read\nLLVMFuzzerTestOneInput", 1, CF_SEVERITY_MEDIUM},
    {"asan_heap_use_after_free_read", "Heap-use-after-free", "READ", 4,
     "uaf\nLLVMFuzzerTestOneInput", 1, CF_SEVERITY_HIGH},
    {"asan_double_free", "Heap-double-free", "", 0,
     "release\ndouble_free\nLLVMFuzzerTestOneInput", 1, CF_SEVERITY_HIGH},
    {"asan_bad_free", "Bad-free", "", 0, "bad_free\nLLVMFuzzerTestOneInput", 1,
     CF_SEVERITY_HIGH},
    {"asan_segv_wild_write", "Segv on unknown address", "WRITE", 0,
     "wild_write\nLLVMFuzzerTestOneInput", 1, CF_SEVERITY_HIGH},
    {"asan_null_dereference", "Null-dereference", "READ", 0,
     "cert_version\nnull_field\nLLVMFuzzerTestOneInput", 0, CF_SEVERITY_NONE},
    {"asan_stack_overflow", "Stack-overflow", "", 0, "recurse", 0,
     CF_SEVERITY_NONE},
    {"asan_use_after_poison", "Use-after-poison", "READ", 1,
     "poison\nLLVMFuzzerTestOneInput", 1, CF_SEVERITY_HIGH},
    {"asan_stack_use_after_return", "Stack-use-after-return", "READ", 4,
     "use_after_return\nLLVMFuzzerTestOneInput", 1, CF_SEVERITY_MEDIUM},
    {"asan_stack_use_after_scope", "Stack-use-after-scope", "WRITE", 4,
     "use_after_scope\nLLVMFuzzerTestOneInput", 1, CF_SEVERITY_HIGH},
    {"asan_abrt", "Abrt", "", 0, "do_abort\nLLVMFuzzerTestOneInput", 0,
     CF_SEVERITY_NONE},
    {"asan_unsymbolized", "Heap-buffer-overflow", "READ", 1, NULL, 1,
     CF_SEVERITY_MEDIUM},
    {"asan_no_debug_info", "Heap-use-after-free", "READ", 4,
     "uaf\nLLVMFuzzerTestOneInput", 1, CF_SEVERITY_HIGH},
    {"libfuzzer_heap_buffer_overflow_write", "Heap-buffer-overflow", "WRITE",
     11, "copy_name\nheap_write\nLLVMFuzzerTestOneInput", 1, CF_SEVERITY_HIGH},
    {"lsan_leak", "Direct-leak", "", 0, "make_list\nleak\nLLVMFuzzerTestOneInput",
     0, CF_SEVERITY_NONE},
    {"libfuzzer_leak", "Direct-leak", "", 0,
     "make_list\nleak\nLLVMFuzzerTestOneInput", 0, CF_SEVERITY_NONE},
    {"ubsan_shift", "Shift", "", 0, "shift_by\nLLVMFuzzerTestOneInput", 0,
     CF_SEVERITY_NONE},
    {"ubsan_shift_no_stack", "Shift", "", 0, NULL, 0, CF_SEVERITY_NONE},
    {"ubsan_integer_overflow", "Integer-overflow", "", 0,
     "add_len\nLLVMFuzzerTestOneInput", 0, CF_SEVERITY_NONE},
    {"ubsan_divide_by_zero", "Divide-by-zero", "", 0,
     "divide\nLLVMFuzzerTestOneInput", 0, CF_SEVERITY_NONE},
    {"ubsan_index_out_of_bounds", "Index-out-of-bounds", "", 0,
     "index_tbl\nLLVMFuzzerTestOneInput", 1, CF_SEVERITY_MEDIUM},
    {"ubsan_misaligned", "Misaligned-address", "", 0,
     "load_misaligned\nLLVMFuzzerTestOneInput", 0, CF_SEVERITY_NONE},
    {"ubsan_null_reference", "Null-reference", "", 0,
     "cert_version\nnull_deref\nLLVMFuzzerTestOneInput", 0, CF_SEVERITY_NONE},
    {"ubsan_invalid_bool", "Invalid-bool-value", "", 0,
     "is_ca\nLLVMFuzzerTestOneInput", 0, CF_SEVERITY_NONE},
    {"ubsan_invalid_enum", "Invalid-enum-value", "", 0,
     "purpose_code\nLLVMFuzzerTestOneInput", 0, CF_SEVERITY_NONE},
    {"libfuzzer_timeout", "Timeout", "", 0, "spin\nLLVMFuzzerTestOneInput", 0,
     CF_SEVERITY_NONE},
    {"libfuzzer_oom_rss", "Out-of-memory", "", 0,
     "hog\nLLVMFuzzerTestOneInput", 0, CF_SEVERITY_NONE},
    {"libfuzzer_malloc_limit", "Malloc-limit", "", 0,
     "big_malloc\nLLVMFuzzerTestOneInput", 0, CF_SEVERITY_NONE},
    {"libfuzzer_abort", "Abrt", "", 0, "do_abort\nLLVMFuzzerTestOneInput", 0,
     CF_SEVERITY_NONE},
    {"libfuzzer_assert", "Assert", "", 0,
     "check_depth\nLLVMFuzzerTestOneInput", 0, CF_SEVERITY_NONE},
    {"libfuzzer_segv_no_asan_handler", "Fatal-signal", "", 0,
     "cert_version\nnull_field\nLLVMFuzzerTestOneInput", 0, CF_SEVERITY_NONE},
    {"replay_timeout", "Timeout", "", 0, "spin\nLLVMFuzzerTestOneInput", 0,
     CF_SEVERITY_NONE},
    {"replay_assert", "Assert", "", 0, "check_depth", 0, CF_SEVERITY_NONE},
    {"replay_abort", "Abrt", "", 0, "", 0, CF_SEVERITY_NONE},
    {"replay_exit", "Exit 3", "", 0, "", 0, CF_SEVERITY_NONE},
    {"replay_segv_no_asan_handler", "Signal 11", "", 0, "", 0,
     CF_SEVERITY_NONE},
    {"finding_replay", "Finding", "", 0, "boringssl\nspec\nEXPIRED", 1,
     CF_SEVERITY_HIGH},
    {"finding_libfuzzer", "Finding", "", 0, "boringssl\nspec\nEXPIRED", 1,
     CF_SEVERITY_HIGH},
    {"finding_invariant_replay", "Finding", "", 0,
     "boringssl\nreencode_roundtrip\nINTERNAL", 0, CF_SEVERITY_NONE},
};
#define NUM_EXPECT (sizeof(kExpect) / sizeof(kExpect[0]))

static const char *g_dir;
/* One classification per sample, indexed like kExpect; NULL if unread. */
static struct cf_crash *g_crash[NUM_EXPECT];

/* read_all returns the malloc'd contents of |path| (NUL-terminated) and
 * its length in |*out_len|, or NULL. */
static char *read_all(size_t *out_len, const char *path) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t len = 0, cap = 0, n;

  if (f == NULL) {
    return NULL;
  }
  for (;;) {
    if (cap - len < 4096) {
      char *grown;
      cap = cap == 0 ? 65536 : 2 * cap;
      grown = realloc(buf, cap + 1);
      if (grown == NULL) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = grown;
    }
    n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0) {
      break;
    }
  }
  fclose(f);
  buf[len] = '\0';
  *out_len = len;
  return buf;
}

/* sample_status finds |name| in status.txt and sets |*exit_code| or
 * |*term_signal|. It returns 0 if the sample is not listed. */
static int sample_status(int *exit_code, int *term_signal, const char *name) {
  char path[4096], line[512], what[32];
  int ret = 0, value;
  FILE *f;

  snprintf(path, sizeof(path), "%s/status.txt", g_dir);
  f = fopen(path, "r");
  if (f == NULL) {
    return 0;
  }
  *exit_code = 0;
  *term_signal = 0;
  while (fgets(line, sizeof(line), f) != NULL) {
    char got[256];
    if (sscanf(line, "%255s %31s %d", got, what, &value) != 3 ||
        strcmp(got, name) != 0) {
      continue;
    }
    if (strcmp(what, "exit") == 0) {
      *exit_code = value;
      ret = 1;
    } else if (strcmp(what, "signal") == 0) {
      *term_signal = value;
      ret = 1;
    }
    break;
  }
  fclose(f);
  return ret;
}

/* classify_sample reads and classifies sample |name| into a new cf_crash,
 * or returns NULL after a failed TAP line. */
static struct cf_crash *classify_sample(const char *name) {
  char path[4096];
  size_t len = 0;
  int exit_code, term_signal;
  char *text;
  struct cf_crash *c;

  snprintf(path, sizeof(path), "%s/%s.txt", g_dir, name);
  text = read_all(&len, path);
  if (!tap_ok(text != NULL, "%s: read %s", name, path) ||
      !tap_ok(sample_status(&exit_code, &term_signal, name),
              "%s: listed in status.txt", name)) {
    free(text);
    return NULL;
  }
  c = malloc(sizeof(*c));
  if (c == NULL || !cf_classify_text(c, text, len, exit_code, term_signal, 0,
                                     0)) {
    tap_ok(0, "%s: cf_classify_text", name);
    free(c);
    free(text);
    return NULL;
  }
  free(text);
  return c;
}

/* show_state returns |state| with "\n" shown as "|", in a static buffer. */
static const char *show_state(const char *state) {
  static char buf[4][1024];
  static int which;
  char *out = buf[which++ % 4];
  size_t i = 0;
  for (; state[i] != '\0' && i + 1 < sizeof(buf[0]); i++) {
    out[i] = state[i] == '\n' ? '|' : state[i];
  }
  out[i] = '\0';
  return out;
}

static void test_samples(void) {
  for (size_t i = 0; i < NUM_EXPECT; i++) {
    const struct expect *e = &kExpect[i];
    struct cf_crash *c = classify_sample(e->name);
    g_crash[i] = c;
    if (c == NULL) {
      continue;
    }
    tap_ok(c->crashed, "%s: crashed", e->name);
    tap_ok(strcmp(c->type, e->type) == 0, "%s: type '%s' (want '%s')",
           e->name, c->type, e->type);
    tap_ok(strcmp(c->access, e->access) == 0 && c->access_size == e->access_size,
           "%s: access '%s' size %u (want '%s' %u)", e->name, c->access,
           c->access_size, e->access, e->access_size);
    if (e->state != NULL) {
      tap_ok(strcmp(c->state, e->state) == 0, "%s: state [%s] (want [%s])",
             e->name, show_state(c->state), show_state(e->state));
    }
    tap_ok(c->security == e->security && c->severity == e->severity,
           "%s: security %d severity %s (want %d %s)", e->name, c->security,
           cf_severity_name(c->severity), e->security,
           cf_severity_name(e->severity));
    tap_ok(c->summary[0] != '\0' || c->state[0] == '\0',
           "%s: summary '%s'", e->name, c->summary);
  }
}

/* sample returns the classification of sample |name| (NULL if unread). */
static const struct cf_crash *sample(const char *name) {
  for (size_t i = 0; i < NUM_EXPECT; i++) {
    if (strcmp(kExpect[i].name, name) == 0) {
      return g_crash[i];
    }
  }
  return NULL;
}

/* find_function returns the first frame of |c| named |fn|, or NULL. */
static const struct cf_frame *find_function(const struct cf_crash *c,
                                            const char *fn) {
  for (size_t i = 0; i < c->num_frames; i++) {
    if (strcmp(c->frames[i].function, fn) == 0) {
      return &c->frames[i];
    }
  }
  return NULL;
}

static int ends_with(const char *s, const char *suffix) {
  size_t s_len = strlen(s), suffix_len = strlen(suffix);
  return s_len >= suffix_len && strcmp(s + s_len - suffix_len, suffix) == 0;
}

/* test_sample_details checks frames, addresses and finding fields. */
static void test_sample_details(void) {
  const struct cf_crash *c;
  const struct cf_frame *f;

  if ((c = sample("asan_heap_buffer_overflow_read")) != NULL) {
    f = &c->frames[0];
    tap_ok(c->num_frames >= 4 && strcmp(f->function, "parse_len") == 0 &&
               ends_with(f->file, "/bugs.c") && f->line > 0 && f->pc != 0 &&
               f->module[0] == '\0',
           "heap read: frame #0 is parse_len at %s:%u", f->file, f->line);
    tap_ok(find_function(c, "call_target") != NULL &&
               find_function(c, "main") != NULL,
           "heap read: the replay driver's frames are parsed (and ignored)");
    tap_ok(find_function(c, "__interceptor_malloc") == NULL,
           "heap read: only the first stack (not 'allocated by')");
    tap_ok(c->address != 0 && c->address < UINT64_MAX,
           "heap read: address 0x%llx", (unsigned long long)c->address);
  }
  if ((c = sample("asan_null_dereference")) != NULL) {
    tap_ok(c->address == 0x10, "null dereference: address 0x%llx < 4096",
           (unsigned long long)c->address);
  }
  if ((c = sample("asan_segv_wild_write")) != NULL) {
    tap_ok(c->address == 0x414141414141ULL,
           "wild write: address 0x%llx, not a null dereference",
           (unsigned long long)c->address);
  }
  if ((c = sample("asan_stack_overflow")) != NULL) {
    tap_ok(c->num_frames == CF_MAX_FRAMES,
           "stack overflow: frames capped at %d", CF_MAX_FRAMES);
  }
  if ((c = sample("asan_unsymbolized")) != NULL) {
    size_t lines = 1;
    for (const char *p = c->state; *p != '\0'; p++) {
      lines += *p == '\n';
    }
    f = &c->frames[0];
    tap_ok(f->function[0] == '\0' && ends_with(f->module, "/bugs_replay") &&
               f->module_offset != 0 && f->file[0] == '\0',
           "unsymbolized: frame #0 is module %s + 0x%llx", f->module,
           (unsigned long long)f->module_offset);
    tap_ok(strncmp(c->state, "bugs_replay+0x", 14) == 0 && lines == 3,
           "unsymbolized: state by module+offset [%s]", show_state(c->state));
    tap_ok(find_function(c, "") != NULL &&
               cf_frame_is_ignored(&c->frames[c->num_frames - 3]),
           "unsymbolized: libc frames ignored by module");
  }
  if ((c = sample("asan_no_debug_info")) != NULL) {
    f = find_function(c, "LLVMFuzzerTestOneInput");
    tap_ok(f != NULL && f->file[0] == '\0' &&
               ends_with(f->module, "/bugs_replay_nodebug") &&
               f->module_offset != 0,
           "no debug info: 'in FUNC (MODULE+0xOFF)' parsed");
    f = find_function(c, "uaf");
    tap_ok(f != NULL && strcmp(f->file, "bugs.c") == 0 && f->line == 0,
           "no debug info: 'in FUNC FILE' parsed");
  }
  if ((c = sample("ubsan_invalid_enum")) != NULL) {
    tap_ok(find_function(c, "purpose_code") != NULL,
           "C++ frame 'purpose_code(Purpose const*)': arguments stripped");
    tap_ok(find_function(c, "fuzzer::Fuzzer::ExecuteCallback") != NULL,
           "libFuzzer frame with arguments and module: arguments stripped");
  }
  if ((c = sample("ubsan_shift_no_stack")) != NULL) {
    tap_ok(c->num_frames == 0 && strncmp(c->state, "bugs.c:", 7) == 0,
           "UBSan without a stack: state is the location [%s]", c->state);
  }
  if ((c = sample("finding_replay")) != NULL) {
    tap_ok(c->is_finding && strcmp(c->finding_kind,
                                   "accept-when-should-reject") == 0 &&
               strcmp(c->finding_validator, "boringssl") == 0 &&
               strcmp(c->finding_oracle, "spec") == 0 &&
               strcmp(c->finding_reason, "EXPIRED") == 0 &&
               strlen(c->finding_case) == 40,
           "finding: fields kind=%s validator=%s oracle=%s reason=%s case=%s",
           c->finding_kind, c->finding_validator, c->finding_oracle,
           c->finding_reason, c->finding_case);
  }
  if ((c = sample("finding_libfuzzer")) != NULL) {
    tap_ok(find_function(c, "cf_finding_accept_when_should_reject_EXPIRED") !=
                   NULL &&
               find_function(c, "check_verdict") != NULL,
           "finding under libFuzzer: the abort's stack is kept as frames");
  }
  if ((c = sample("finding_invariant_replay")) != NULL) {
    tap_ok(strcmp(c->finding_kind, "invariant") == 0,
           "invariant finding: kind %s", c->finding_kind);
  }
}

/* frame returns a cf_frame with the given fields. */
static struct cf_frame frame(const char *function, const char *file,
                             const char *module) {
  struct cf_frame f;
  memset(&f, 0, sizeof(f));
  snprintf(f.function, sizeof(f.function), "%s", function);
  snprintf(f.file, sizeof(f.file), "%s", file);
  snprintf(f.module, sizeof(f.module), "%s", module);
  f.module_offset = module[0] != '\0' ? 0x1234 : 0;
  return f;
}

static void test_ignore_list(void) {
  static const struct {
    const char *function, *file, *module;
    int ignored;
  } kCases[] = {
      {"__interceptor_malloc", "", "/bin/t", 1},
      {"___interceptor_free", "", "", 1},
      {"malloc", "", "/bin/t", 1},
      {"operator new", "", "/bin/t", 1},
      {"operator delete[]", "", "/bin/t", 1},
      {"__asan_memcpy", "", "/bin/t", 1},
      {"__sanitizer_print_stack_trace", "", "/bin/t", 1},
      {"__ubsan_handle_shift_out_of_bounds", "", "/bin/t", 1},
      {"__lsan::Allocate", "", "/bin/t", 1},
      {"memcpy", "", "/bin/t", 1},
      {"__memcpy_avx_unaligned_erms", "", "", 1},
      {"abort", "stdlib/abort.c", "", 1},
      {"raise", "", "", 1},
      {"__GI_raise", "", "", 1},
      {"__assert_fail", "", "", 1},
      {"__pthread_kill_implementation", "nptl/pthread_kill.c", "", 1},
      {"__libc_start_main", "", "", 1},
      {"fuzzer::Fuzzer::ExecuteCallback", "", "/bin/t", 1},
      {"fuzzer::RunOneTest", "/src/FuzzerDriver.cpp", "", 1},
      {"LLVMFuzzerRunDriver", "", "/bin/t", 1},
      {"LLVMFuzzerTestOneInput", "targets/chain_verify.c", "", 0},
      {"LLVMFuzzerInitialize", "targets/chain_verify.c", "", 0},
      {"main", "/work/main/harness/replay_driver.c", "", 1},
      {"replay_file", "/work/main/harness/replay_driver.c", "", 1},
      {"call_target", "", "/bin/t", 1},
      {"ExecuteFilesOnyByOne", "aflpp_driver.o", "", 1},
      {"ExecuteFilesOnyByOne aflpp_driver.o", "", "", 1},
      {"cf_finding_accept_when_should_reject_EXPIRED", "lib/finding.c", "", 1},
      {"cf_report_finding", "", "", 1},
      {"cf_invariant_vreport", "", "", 1},
      {"abort_for", "/work/main/lib/finding.c", "", 1},
      {"", "", "/lib/x86_64-linux-gnu/libc.so.6", 1},
      {"foo", "", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", 1},
      {"", "", "", 1},
      {"X509_verify_cert", "crypto/x509/x509_vfy.c", "", 0},
      {"free_cert_list", "lib/x.c", "", 0},
      {"strength_of_key", "lib/x.c", "", 0},
      {"new_session", "lib/x.c", "", 0},
      {"", "", "/out/chain_verify", 0},
  };
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
    struct cf_frame f =
        frame(kCases[i].function, kCases[i].file, kCases[i].module);
    tap_ok(cf_frame_is_ignored(&f) == kCases[i].ignored,
           "ignore list: '%s' file '%s' module '%s' %s", kCases[i].function,
           kCases[i].file, kCases[i].module,
           kCases[i].ignored ? "ignored" : "kept");
  }
}

/* classify_str classifies |text| with the given ending into |c|. */
static int classify_str(struct cf_crash *c, const char *text, int exit_code,
                        int term_signal, int timed_out, int rss_exceeded) {
  return cf_classify_text(c, text, strlen(text), exit_code, term_signal,
                          timed_out, rss_exceeded);
}

static void test_synthetic(void) {
  static struct cf_crash c;
  struct cf_run_result r;

  tap_ok(classify_str(&c, "", 0, 0, 0, 0) && !c.crashed && c.type[0] == '\0',
         "exit 0, no output: not a crash");
  tap_ok(classify_str(&c, "Running: x\nExecuted x in 1 ms\n", 0, 0, 0, 0) &&
             !c.crashed,
         "exit 0, clean replay output: not a crash");
  tap_ok(cf_classify_text(&c, NULL, 0, 0, 0, 0, 0) && !c.crashed,
         "NULL text: not a crash");
  tap_ok(classify_str(&c, "some text\n", 2, 0, 0, 0) && c.crashed &&
             strcmp(c.type, "Exit 2") == 0 && !c.security,
         "exit 2 without a report: 'Exit 2' (%s)", c.type);
  tap_ok(classify_str(&c, "", 0, SIGKILL, 1, 0) &&
             strcmp(c.type, "Timeout") == 0 && !c.security,
         "killed by cf_run for time: Timeout (%s)", c.type);
  tap_ok(classify_str(&c, "", 0, SIGKILL, 0, 1) &&
             strcmp(c.type, "Out-of-memory") == 0 && !c.security,
         "killed by cf_run for RSS: Out-of-memory (%s)", c.type);
  tap_ok(classify_str(&c, "", 0, SIGSEGV, 0, 0) &&
             strcmp(c.type, "Signal 11") == 0,
         "signal without a report: 'Signal 11' (%s)", c.type);
  tap_ok(classify_str(&c, "", 0, SIGABRT, 0, 0) &&
             strcmp(c.type, "Abrt") == 0,
         "SIGABRT without a report: Abrt (%s)", c.type);
  tap_ok(classify_str(&c,
                      "x.c:3:5: runtime error: left shift of negative value "
                      "-1\nSUMMARY: UndefinedBehaviorSanitizer: "
                      "undefined-behavior x.c:3:5 in\n",
                      0, 0, 0, 0) &&
             c.crashed && strcmp(c.type, "Shift") == 0 &&
             strcmp(c.state, "x.c:3:5") == 0,
         "UBSan in recover mode (exit 0) is still a crash: %s [%s]", c.type,
         c.state);
  tap_ok(classify_str(&c,
                      "a/b.c:9:1: runtime error: null pointer passed as "
                      "argument 1, which is declared to never be null\n",
                      1, 0, 0, 0) &&
             strcmp(c.type, "Undefined-behavior") == 0,
         "UBSan null argument: Undefined-behavior, not Null-reference (%s)",
         c.type);
  tap_ok(classify_str(&c,
                      "a.c:1:1: runtime error: negation of -2147483648 cannot "
                      "be represented in type 'int'\n",
                      1, 0, 0, 0) &&
             strcmp(c.type, "Integer-overflow") == 0,
         "UBSan negation overflow: Integer-overflow (%s)", c.type);
  tap_ok(classify_str(&c,
                      "a.c:1:1: runtime error: execution reached an "
                      "unreachable program point\n",
                      1, 0, 0, 0) &&
             strcmp(c.type, "Undefined-behavior") == 0,
         "other UBSan: Undefined-behavior (%s)", c.type);

  /* Frame formats the saved samples do not show. */
  tap_ok(classify_str(
             &c,
             "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address "
             "0x602000000010 at pc 0x1 bp 0x2 sp 0x3\n"
             "WRITE of size 8 at 0x602000000010 thread T0\n"
             "    #0 0x4f1 in (anonymous namespace)::Parser::next(unsigned "
             "char const*, unsigned long) const /src/p.cc:10:3\n"
             "    #1 0x4f2 in std::vector<int, std::allocator<int> "
             ">::at(unsigned long) /usr/include/c++/12/bits/stl_vector.h:1120\n"
             "    #2 0x4f3 in Visitor::operator()(int) const (/bin/t+0x4f3)\n"
             "    #3 0x4f4 in parse_der+0x1f (/bin/t+0x4f4)\n"
             "    #4 0x4f5 in operator new(unsigned long) (/bin/t+0x4f5)\n"
             "\nSUMMARY: AddressSanitizer: heap-buffer-overflow /src/p.cc:10:3 "
             "in next\n",
             1, 0, 0, 0) &&
             c.num_frames == 5,
         "synthetic C++ report: 5 frames (%zu)", c.num_frames);
  tap_ok(strcmp(c.frames[0].function, "Parser::next") == 0 &&
             strcmp(c.frames[0].file, "/src/p.cc") == 0 &&
             c.frames[0].line == 10,
         "anonymous namespace, arguments and const stripped: '%s' %s:%u",
         c.frames[0].function, c.frames[0].file, c.frames[0].line);
  tap_ok(strcmp(c.frames[1].function,
                "std::vector<int, std::allocator<int> >::at") == 0 &&
             c.frames[1].line == 1120,
         "template kept, FILE:LINE without column: '%s' line %u",
         c.frames[1].function, c.frames[1].line);
  tap_ok(strcmp(c.frames[2].function, "Visitor::operator()") == 0 &&
             strcmp(c.frames[2].module, "/bin/t") == 0 &&
             c.frames[2].module_offset == 0x4f3,
         "operator() kept, module parsed: '%s' %s+0x%llx",
         c.frames[2].function, c.frames[2].module,
         (unsigned long long)c.frames[2].module_offset);
  tap_ok(strcmp(c.frames[3].function, "parse_der") == 0,
         "function offset stripped: '%s'", c.frames[3].function);
  tap_ok(strcmp(c.frames[4].function, "operator new") == 0 &&
             cf_frame_is_ignored(&c.frames[4]),
         "'operator new(unsigned long)': '%s', ignored", c.frames[4].function);
  tap_ok(strcmp(c.state,
                "Parser::next\nstd::vector<int, std::allocator<int> >::at\n"
                "Visitor::operator()") == 0,
         "synthetic C++ report: state [%s]", show_state(c.state));
  tap_ok(c.security && c.severity == CF_SEVERITY_HIGH &&
             c.access_size == 8,
         "heap-buffer-overflow WRITE: High (%s)", cf_severity_name(c.severity));

  /* Severity rules. */
  tap_ok(classify_str(&c,
                      "==1==ERROR: AddressSanitizer: heap-use-after-free on "
                      "address 0x6 at pc 0x1 bp 0x2 sp 0x3\n"
                      "WRITE of size 4 at 0x6 thread T0\n"
                      "    #0 0x1 in f /a.c:1:1\n",
                      1, 0, 0, 0) &&
             c.severity == CF_SEVERITY_HIGH,
         "use-after-free WRITE stays High, never Critical (ClusterFuzz): %s",
         cf_severity_name(c.severity));
  tap_ok(classify_str(&c,
                      "==1==ERROR: AddressSanitizer: SEGV on unknown address "
                      "0x000000000000 (pc 0x000000000000 bp 0x1 sp 0x2 T0)\n"
                      "==1==The signal is caused by a READ memory access.\n"
                      "    #0 0x0  (<unknown module>)\n"
                      "    #1 0x5 in call_through /a.c:3:3\n",
                      1, 0, 0, 0) &&
             strcmp(c.type, "Null-dereference") == 0 && c.security &&
             strcmp(c.state, "call_through") == 0,
         "jump to a NULL function pointer (pc 0) is a security issue: %s %s",
         c.type, cf_severity_name(c.severity));
  tap_ok(classify_str(&c,
                      "==1==ERROR: AddressSanitizer: SEGV on unknown address "
                      "(pc 0x55 bp 0x1 sp 0x2 T0)\n"
                      "==1==The signal is caused by a READ memory access.\n"
                      "==1==Hint: this fault was caused by a dereference of a "
                      "high value address\n",
                      1, 0, 0, 0) &&
             strcmp(c.type, "Segv on unknown address") == 0 && c.security,
         "SEGV without an address (high value): not a null dereference (%s)",
         c.type);
  tap_ok(classify_str(&c,
                      "==1==ERROR: AddressSanitizer: SEGV on unknown address "
                      "0x000000000008 (pc 0x55 bp 0x1 sp 0x2 T0)\n"
                      "==1==The signal is caused by a READ memory access.\n"
                      "FuzzerSecurityIssueLow\n",
                      1, 0, 0, 0) &&
             c.security && c.severity == CF_SEVERITY_LOW,
         "FuzzerSecurityIssueLow marker sets the severity: %s",
         cf_severity_name(c.severity));
  tap_ok(classify_str(&c,
                      "==1==ERROR: AddressSanitizer: alloc-dealloc-mismatch "
                      "(operator new vs free) on 0x602000000010\n",
                      1, 0, 0, 0) &&
             strcmp(c.type, "Alloc-dealloc-mismatch") == 0 && c.security,
         "unnamed ASan error: capitalized type, security (%s)", c.type);
  tap_ok(classify_str(&c,
                      "==1==ERROR: AddressSanitizer: requested allocation "
                      "size 0xffffffffffffffff (0x800 after adjustments for "
                      "alignment, red zones etc.) exceeds maximum supported "
                      "size of 0x10000000000 (thread T0)\n",
                      1, 0, 0, 0) &&
             strcmp(c.type, "Out-of-memory") == 0 && !c.security,
         "allocation-size-too-big: Out-of-memory (%s)", c.type);
  tap_ok(classify_str(&c,
                      "==9== ERROR: libFuzzer: out-of-memory (used: 2100Mb; "
                      "exceeds: 2048Mb)\n",
                      71, 0, 0, 0) &&
             strcmp(c.type, "Out-of-memory") == 0,
         "libFuzzer OOM with 'exceeds': Out-of-memory (%s)", c.type);
  tap_ok(classify_str(&c, "==9== ERROR: libFuzzer: fuzz target exited\n", 1, 0,
                      0, 0) &&
             strcmp(c.type, "Unexpected-exit") == 0,
         "libFuzzer 'fuzz target exited': Unexpected-exit (%s)", c.type);

  /* A finding wins over the abort that carries it, in any output. */
  tap_ok(classify_str(&c,
                      "==chainfuzz== FINDING kind=disagreement "
                      "validator=mbedtls oracle=differential reason=EKU "
                      "case=00\nAddressSanitizer:DEADLYSIGNAL\n"
                      "==1==ERROR: AddressSanitizer: ABRT on unknown address "
                      "0x1 (pc 0x2 bp 0x3 sp 0x4 T0)\n",
                      1, 0, 0, 0) &&
             c.is_finding && strcmp(c.state, "mbedtls\ndifferential\nEKU") == 0 &&
             !c.security,
         "disagreement finding: state [%s], not security",
         show_state(c.state));

  /* cf_classify on a run that did not start. */
  memset(&r, 0, sizeof(r));
  r.spawn_errno = ENOENT;
  tap_ok(cf_classify(&c, &r) && c.crashed && strcmp(c.type, "No-start") == 0 &&
             strstr(c.summary, strerror(ENOENT)) != NULL,
         "a run that did not start: No-start (%s)", c.summary);
  memset(&r, 0, sizeof(r));
  r.spawned = 1;
  r.signaled = 1;
  r.term_signal = SIGKILL;
  r.timed_out = 1;
  tap_ok(cf_classify(&c, &r) && strcmp(c.type, "Timeout") == 0,
         "cf_classify: timed out run with no output: Timeout (%s)", c.type);

  tap_ok(strcmp(cf_severity_name(CF_SEVERITY_NONE), "None") == 0 &&
             strcmp(cf_severity_name(CF_SEVERITY_LOW), "Low") == 0 &&
             strcmp(cf_severity_name(CF_SEVERITY_MEDIUM), "Medium") == 0 &&
             strcmp(cf_severity_name(CF_SEVERITY_HIGH), "High") == 0 &&
             strcmp(cf_severity_name(CF_SEVERITY_CRITICAL), "Critical") == 0,
         "cf_severity_name");
}

/* crash_with returns a crash of |type| with |state|. */
static struct cf_crash crash_with(const char *type, const char *state) {
  struct cf_crash c;
  memset(&c, 0, sizeof(c));
  c.crashed = 1;
  snprintf(c.type, sizeof(c.type), "%s", type);
  snprintf(c.state, sizeof(c.state), "%s", state);
  return c;
}

static void test_similar(void) {
  static const struct {
    const char *type_a, *state_a, *type_b, *state_b;
    int similar;
  } kCases[] = {
      {"Heap-buffer-overflow", "a\nb\nc", "Heap-buffer-overflow", "a\nb\nc", 1},
      {"Heap-buffer-overflow", "a\nb\nc", "Heap-use-after-free", "a\nb\nc", 0},
      {"Heap-buffer-overflow",
       "parse_len\nheap_read\nLLVMFuzzerTestOneInput", "Heap-buffer-overflow",
       "parse_len\nheap_read.cold\nLLVMFuzzerTestOneInput", 1},
      {"Heap-buffer-overflow", "Vec<int>::at\nparse\nLLVMFuzzerTestOneInput",
       "Heap-buffer-overflow", "Vec<long>::at\nparse\nLLVMFuzzerTestOneInput",
       1},
      {"Heap-buffer-overflow", "cbs_get_u8.isra.0\nparse_name\nx509_parse",
       "Heap-buffer-overflow", "cbs_get_u8\nparse_name\nx509_parse", 1},
      {"Heap-buffer-overflow", "X509_parse\nfoo\nLLVMFuzzerTestOneInput",
       "Heap-buffer-overflow", "ASN1_get_object\nfoo\nLLVMFuzzerTestOneInput",
       0},
      {"Heap-buffer-overflow", "parse_name\nLLVMFuzzerTestOneInput",
       "Heap-buffer-overflow", "check_validity\nLLVMFuzzerTestOneInput", 0},
      /* Fuzzy by design: names two letters apart in ten (ratio 0.9) merge,
       * as in ClusterFuzz. */
      {"Heap-buffer-overflow", "parse_name\nLLVMFuzzerTestOneInput",
       "Heap-buffer-overflow", "parse_date\nLLVMFuzzerTestOneInput", 1},
      {"Heap-buffer-overflow", "parse_name", "Heap-buffer-overflow",
       "parse_name\nx509_parse\nLLVMFuzzerTestOneInput", 0},
      {"Abrt", "", "Abrt", "", 1},
      {"Abrt", "", "Abrt", "do_abort", 0},
  };
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
    struct cf_crash a = crash_with(kCases[i].type_a, kCases[i].state_a);
    struct cf_crash b = crash_with(kCases[i].type_b, kCases[i].state_b);
    tap_ok(cf_crashes_similar(&a, &b) == kCases[i].similar &&
               cf_crashes_similar(&b, &a) == kCases[i].similar,
           "similar(%s [%s], %s [%s]) == %d", kCases[i].type_a,
           show_state(kCases[i].state_a), kCases[i].type_b,
           show_state(kCases[i].state_b), kCases[i].similar);
  }

  /* On the saved reports: one bug seen through both drivers is one bug. */
  static const struct {
    const char *a, *b;
    int similar;
  } kSamples[] = {
      {"lsan_leak", "libfuzzer_leak", 1},
      {"libfuzzer_abort", "asan_abrt", 1},
      {"libfuzzer_timeout", "replay_timeout", 1},
      {"finding_replay", "finding_libfuzzer", 1},
      {"finding_replay", "finding_invariant_replay", 0},
      {"asan_null_dereference", "ubsan_null_reference", 0},
      {"asan_heap_buffer_overflow_read", "libfuzzer_heap_buffer_overflow_write",
       0},
      {"asan_heap_use_after_free_read", "asan_no_debug_info", 1},
      {"asan_heap_buffer_overflow_read", "asan_unsymbolized", 0},
  };
  for (size_t i = 0; i < sizeof(kSamples) / sizeof(kSamples[0]); i++) {
    const struct cf_crash *a = sample(kSamples[i].a);
    const struct cf_crash *b = sample(kSamples[i].b);
    tap_ok(a != NULL && b != NULL &&
               cf_crashes_similar(a, b) == kSamples[i].similar,
           "samples similar(%s, %s) == %d", kSamples[i].a, kSamples[i].b,
           kSamples[i].similar);
  }
}

int main(int argc, char **argv) {
  static char dir[4096];
  const char *slash = strrchr(__FILE__, '/');

  if (argc > 1) {
    g_dir = argv[1];
  } else {
    /* __FILE__ is "tests/classify_test.c" as the build compiles it. */
    snprintf(dir, sizeof(dir), "%.*s%striage_samples",
             slash != NULL ? (int)(slash - __FILE__) : 0, __FILE__,
             slash != NULL ? "/" : "");
    g_dir = dir;
  }
  test_samples();
  test_sample_details();
  test_ignore_list();
  test_synthetic();
  test_similar();
  for (size_t i = 0; i < NUM_EXPECT; i++) {
    free(g_crash[i]);
  }
  return tap_done();
}
