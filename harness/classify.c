/* classify.c — what a reproduced run means (classify.h): the crash type,
 * the frames of the report, the crash state and the severity, computed the
 * way ClusterFuzz does (crash_analyzer.py, stack_analyzer, severity_
 * analyzer.py, crash_comparer.py), for the outputs our flavors produce:
 * AddressSanitizer, LeakSanitizer, UBSan (with or without
 * print_stacktrace=1), libFuzzer, our replay driver and our finding line.
 *
 * Which report wins when the output holds several, in order:
 *  1. a chainfuzz finding line (the abort that follows it is its vehicle);
 *  2. the first "strong" report: an ASan error other than ABRT, a leak, a
 *     UBSan runtime error, libFuzzer's timeout / out-of-memory / exit /
 *     const-input errors, the replay driver's TIMEOUT or exit() error;
 *  3. a glibc assertion message ("Assertion `...' failed.");
 *  4. a "weak" report: ASan's ABRT, libFuzzer's "deadly signal" (Abrt when
 *     abort() is on its stack, so that the libFuzzer and replay flavors give
 *     an abort the same type; Fatal-signal otherwise);
 *  5. how the process ended: killed by cf_run for time (Timeout) or memory
 *     (Out-of-memory), by SIGABRT (Abrt) or another signal ("Signal N"), a
 *     non-zero exit ("Exit N"); exit 0 with no report is not a crash.
 * A strong report marks a crash even when the exit status is 0 (UBSan in
 * recover mode exits 0).
 *
 * The frames are those of the first stack after the winning report's line
 * (for a leak, after the first "Direct leak of", else "Indirect leak of"):
 * the crashing access, never the "allocated by" / "freed by" stacks. The
 * state is the first CF_STATE_FRAMES frames that cf_frame_is_ignored keeps
 * (consecutive repeats folded for a stack overflow); a frame without a
 * function name is named "module+0xOFFSET". With no usable frame, a UBSan
 * report falls back to its source location and an assertion to the
 * function named in its message.
 *
 * Security and severity follow ClusterFuzz's rules, with these choices
 * where its tables say nothing or we deliberately differ:
 *  - FuzzerSecurityIssue{Critical,High,Medium,Low} in the output sets the
 *    severity (ClusterFuzz's manual marker); a finding of kind
 *    accept-when-should-reject is High even without it; other findings are
 *    not security issues.
 *  - High: Heap-use-after-free, Heap-double-free, Use-after-poison (as in
 *    ClusterFuzz), Bad-free (ClusterFuzz marks it security without a
 *    severity). Medium: Heap-/Stack-buffer-overflow, Container-overflow,
 *    Index-out-of-bounds (a UBSan type ClusterFuzz counts as security),
 *    Segv on unknown address (ClusterFuzz's UNKNOWN), and, where
 *    ClusterFuzz gives no severity, Global-buffer-overflow,
 *    Stack-use-after-return/-scope, Dynamic-stack-buffer-overflow and any
 *    other ASan memory error we do not name. A WRITE raises Medium to High;
 *    like ClusterFuzz, a WRITE never raises to Critical.
 *  - Not security: Null-dereference (unless the pc itself is 0),
 *    Stack-overflow, Timeout, Out-of-memory, Malloc-limit, leaks, UBSan
 *    other than Index-out-of-bounds, Abrt, Fatal-signal, and Assert
 *    (ClusterFuzz counts ASSERTs as security by default; a glibc assert in a
 *    TLS library is a controlled stop, so we do not). */
#include "classify.h"

#include <ctype.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Addresses below this are a NULL dereference (ClusterFuzz's boundary). */
#define CF_NULL_DEREF_BOUNDARY 0x1000
/* cf_crashes_similar's threshold on the mean per-frame similarity. */
#define CF_SIMILAR_THRESHOLD 0.8
#define CF_LINE_MAX 2048
/* The longest cycle of frames looked for in a stack overflow. */
#define CF_MAX_CYCLE 10

/* report_kind is what one line of output starts. */
enum report_kind {
  REPORT_NONE = 0,
  REPORT_ASAN,
  REPORT_ASAN_ABRT,
  REPORT_LSAN,
  REPORT_UBSAN,
  REPORT_LIBFUZZER_TIMEOUT,
  REPORT_LIBFUZZER_OOM,
  REPORT_LIBFUZZER_MALLOC_LIMIT,
  REPORT_LIBFUZZER_DEADLY_SIGNAL,
  REPORT_LIBFUZZER_EXIT,
  REPORT_LIBFUZZER_CONST_INPUT,
  REPORT_REPLAY_TIMEOUT,
  REPORT_REPLAY_EXIT,
};

/* lines is the output split into NUL-terminated lines. */
struct lines {
  char *buf;
  char **v;
  size_t n;
};

/* copy_str copies |src_len| bytes of |src| into |dst| (|dst_len| bytes),
 * truncating, always NUL-terminated. */
static void copy_str(char *dst, size_t dst_len, const char *src,
                     size_t src_len) {
  if (dst_len == 0) {
    return;
  }
  if (src_len >= dst_len) {
    src_len = dst_len - 1;
  }
  memcpy(dst, src, src_len);
  dst[src_len] = '\0';
}

static int starts_with(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ends_with(const char *s, const char *suffix) {
  size_t s_len = strlen(s), suffix_len = strlen(suffix);
  return s_len >= suffix_len && strcmp(s + s_len - suffix_len, suffix) == 0;
}

static const char *skip_blanks(const char *s) {
  while (*s == ' ' || *s == '\t') {
    s++;
  }
  return s;
}

/* rtrim removes trailing blanks from |s| in place. */
static void rtrim(char *s) {
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1])) {
    s[--n] = '\0';
  }
}

/* split_lines copies |text| into |l| as lines ('\n' and "\r\n"). It
 * returns 0 if out of memory. */
static int split_lines(struct lines *l, const char *text, size_t text_len) {
  size_t n = 1;

  memset(l, 0, sizeof(*l));
  for (size_t i = 0; i < text_len; i++) {
    n += text[i] == '\n';
  }
  l->buf = malloc(text_len + 1);
  l->v = calloc(n, sizeof(char *));
  if (l->buf == NULL || l->v == NULL) {
    free(l->buf);
    free(l->v);
    memset(l, 0, sizeof(*l));
    return 0;
  }
  if (text_len > 0) {
    memcpy(l->buf, text, text_len);
  }
  l->buf[text_len] = '\0';
  l->v[l->n++] = l->buf;
  for (size_t i = 0; i < text_len; i++) {
    if (l->buf[i] == '\n') {
      l->buf[i] = '\0';
      if (i > 0 && l->buf[i - 1] == '\r') {
        l->buf[i - 1] = '\0';
      }
      l->v[l->n++] = l->buf + i + 1;
    }
  }
  return 1;
}

static void lines_free(struct lines *l) {
  free(l->buf);
  free(l->v);
  memset(l, 0, sizeof(*l));
}

/* parse_hex parses "0x..." at |s| into |*out|; it returns 1 on success. */
static int parse_hex(uint64_t *out, const char *s) {
  char *end;
  if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
      !isxdigit((unsigned char)s[2])) {
    return 0;
  }
  *out = strtoull(s + 2, &end, 16);
  return 1;
}

/* strip_anonymous_namespace removes every "(anonymous namespace)::" from
 * |s| in place. */
static void strip_anonymous_namespace(char *s) {
  static const char kAnon[] = "(anonymous namespace)::";
  char *p;
  while ((p = strstr(s, kAnon)) != NULL) {
    memmove(p, p + sizeof(kAnon) - 1, strlen(p + sizeof(kAnon) - 1) + 1);
  }
}

/* normalize_function turns a symbolizer's function name into what the
 * state shows: no "(anonymous namespace)::", no argument list (nor the
 * " const" after it), no "+0x..." offset. Templates are kept. */
static void normalize_function(char *s) {
  size_t n, angle = 0;
  char *plus;

  strip_anonymous_namespace(s);
  /* "func+0x1f": the symbolizer's offset into the function. */
  plus = strstr(s, "+0x");
  if (plus != NULL && strchr(plus, '(') == NULL) {
    *plus = '\0';
  }
  n = strlen(s);
  for (size_t i = 0; i < n; i++) {
    if (starts_with(s + i, "operator") &&
        (i == 0 || s[i - 1] == ':' || s[i - 1] == ' ')) {
      /* Skip the operator's symbol, which may hold '(' '<' '>'. */
      i += strlen("operator");
      if (starts_with(s + i, "()")) {
        i += 1;
        continue;
      }
      while (i < n && s[i] != '(' && strchr("<>=!+-*/%^&|~[],", s[i]) != NULL) {
        i++;
      }
      if (i < n && s[i] == '(') {
        s[i] = '\0';
        break;
      }
      continue;
    }
    if (s[i] == '<') {
      angle++;
    } else if (s[i] == '>' && angle > 0) {
      angle--;
    } else if (s[i] == '(' && angle == 0 && i > 0) {
      s[i] = '\0';
      break;
    }
  }
  rtrim(s);
}

/* parse_module fills |f|'s module and offset from "(path+0xOFF)" at |s|. */
static void parse_module(struct cf_frame *f, const char *s, size_t len) {
  char tmp[CF_LINE_MAX];
  char *plus;

  if (len >= 2 && s[0] == '(' && s[len - 1] == ')') {
    s++;
    len -= 2;
  }
  copy_str(tmp, sizeof(tmp), s, len);
  plus = strstr(tmp, "+0x");
  if (plus != NULL) {
    char *next;
    while ((next = strstr(plus + 1, "+0x")) != NULL) {
      plus = next;
    }
    parse_hex(&f->module_offset, plus + 1);
    *plus = '\0';
  }
  copy_str(f->module, sizeof(f->module), tmp, strlen(tmp));
}

/* looks_like_location reports whether |tok| is a "file[:line[:col]]". */
static int looks_like_location(const char *tok) {
  static const char *const kExts[] = {".c",  ".cc", ".cpp", ".cxx", ".h",
                                      ".hh", ".hpp", ".hxx", ".inc", ".S"};
  char tmp[CF_LINE_MAX];
  char *colon;

  if (strchr(tok, '/') != NULL) {
    return 1;
  }
  copy_str(tmp, sizeof(tmp), tok, strlen(tok));
  colon = strchr(tmp, ':');
  if (colon != NULL) {
    *colon = '\0';
  }
  for (size_t i = 0; i < sizeof(kExts) / sizeof(kExts[0]); i++) {
    if (ends_with(tmp, kExts[i])) {
      return 1;
    }
  }
  return 0;
}

/* parse_location fills |f|'s file and line from "file[:line[:col]]". */
static void parse_location(struct cf_frame *f, const char *tok) {
  char tmp[CF_LINE_MAX];
  uint32_t nums[2] = {0, 0};
  size_t num_count = 0;

  copy_str(tmp, sizeof(tmp), tok, strlen(tok));
  while (num_count < 2) {
    char *colon = strrchr(tmp, ':');
    char *p;
    if (colon == NULL || colon[1] == '\0') {
      break;
    }
    for (p = colon + 1; *p != '\0' && isdigit((unsigned char)*p); p++) {
    }
    if (*p != '\0') {
      break;
    }
    nums[num_count++] = (uint32_t)strtoul(colon + 1, NULL, 10);
    *colon = '\0';
  }
  /* With "file:line:col" the line was parsed second. */
  f->line = num_count == 2 ? nums[1] : nums[0];
  copy_str(f->file, sizeof(f->file), tmp, strlen(tmp));
}

/* parse_frame_body fills |f| from what follows "in " in a frame line:
 * "FUNC", "FUNC FILE:LINE:COL" or "FUNC (MODULE+0xOFF)". */
static void parse_frame_body(struct cf_frame *f, const char *body) {
  size_t n = strlen(body), last_space = (size_t)-1;
  int paren = 0, angle = 0;
  char func[CF_LINE_MAX];

  if (n > 0 && body[n - 1] == ')') {
    size_t i = n;
    int depth = 0;
    while (i > 0) {
      i--;
      if (body[i] == ')') {
        depth++;
      } else if (body[i] == '(' && --depth == 0) {
        break;
      }
    }
    if (depth == 0 && i > 0 && body[i - 1] == ' ' &&
        (strstr(body + i, "+0x") != NULL || strchr(body + i, '/') != NULL ||
         strstr(body + i, "<unknown module>") != NULL)) {
      parse_module(f, body + i, n - i);
      copy_str(func, sizeof(func), body, i - 1);
      normalize_function(func);
      copy_str(f->function, sizeof(f->function), func, strlen(func));
      return;
    }
  }
  for (size_t i = 0; i < n; i++) {
    if (body[i] == '(') {
      paren++;
    } else if (body[i] == ')' && paren > 0) {
      paren--;
    } else if (body[i] == '<') {
      angle++;
    } else if (body[i] == '>' && angle > 0) {
      angle--;
    } else if (body[i] == ' ' && paren == 0 && angle == 0) {
      last_space = i;
    }
  }
  if (last_space != (size_t)-1 && looks_like_location(body + last_space + 1)) {
    parse_location(f, body + last_space + 1);
    n = last_space;
  }
  copy_str(func, sizeof(func), body, n);
  rtrim(func);
  normalize_function(func);
  copy_str(f->function, sizeof(f->function), func, strlen(func));
}

/* parse_frame parses a sanitizer stack frame line,
 *   "    #N 0xPC in FUNC FILE:LINE:COL", "#N 0xPC in FUNC (MODULE+0xOFF)",
 *   "#N 0xPC  (MODULE+0xOFF)", each maybe followed by "(BuildId: ...)",
 * into |*f| and its number into |*out_num|. It returns 0 if |line| is not a
 * frame. */
static int parse_frame(struct cf_frame *f, unsigned long *out_num,
                       const char *line) {
  const char *p = skip_blanks(line);
  char body[CF_LINE_MAX];
  char *build_id, *b;
  char *end;

  if (p[0] != '#' || !isdigit((unsigned char)p[1])) {
    return 0;
  }
  *out_num = strtoul(p + 1, &end, 10);
  if (*end != ' ' && *end != '\t') {
    return 0;
  }
  p = skip_blanks(end);
  memset(f, 0, sizeof(*f));
  if (!parse_hex(&f->pc, p)) {
    return 0;
  }
  while (isxdigit((unsigned char)*p) || *p == 'x' || *p == 'X') {
    p++;
  }
  copy_str(body, sizeof(body), p, strlen(p));
  build_id = strstr(body, " (BuildId: ");
  if (build_id != NULL) {
    *build_id = '\0';
  }
  rtrim(body);
  b = (char *)skip_blanks(body);
  if (starts_with(b, "in ")) {
    parse_frame_body(f, skip_blanks(b + 3));
  } else if (b[0] == '(') {
    parse_module(f, b, strlen(b));
  } else if (b[0] != '\0') {
    parse_frame_body(f, b);
  }
  return 1;
}

/* collect_frames reads the first stack after line |start| (a run of frames
 * numbered from #0) into |c|. A "SUMMARY:" line before any frame ends the
 * search: the report had no stack. */
static void collect_frames(struct cf_crash *c, const struct lines *l,
                           size_t start) {
  struct cf_frame f;
  unsigned long num;
  size_t i = start + 1;

  c->num_frames = 0;
  for (; i < l->n; i++) {
    if (parse_frame(&f, &num, l->v[i]) && num == 0) {
      break;
    }
    if (starts_with(skip_blanks(l->v[i]), "SUMMARY: ") ||
        strstr(l->v[i], "==chainfuzz== FINDING ") != NULL) {
      return;
    }
  }
  for (; i < l->n && c->num_frames < CF_MAX_FRAMES; i++) {
    if (!parse_frame(&f, &num, l->v[i])) {
      break;
    }
    c->frames[c->num_frames++] = f;
  }
}

/* name_in reports whether |s| is one of the NULL-terminated |names|. */
static int name_in(const char *s, const char *const *names) {
  for (; *names != NULL; names++) {
    if (strcmp(s, *names) == 0) {
      return 1;
    }
  }
  return 0;
}

/* prefix_in reports whether |s| starts with one of |prefixes|. */
static int prefix_in(const char *s, const char *const *prefixes) {
  for (; *prefixes != NULL; prefixes++) {
    if (starts_with(s, *prefixes)) {
      return 1;
    }
  }
  return 0;
}

/* substr_in reports whether |s| contains one of |needles|. */
static int substr_in(const char *s, const char *const *needles) {
  for (; *needles != NULL; needles++) {
    if (strstr(s, *needles) != NULL) {
      return 1;
    }
  }
  return 0;
}

/* The ignore list (ClusterFuzz's STACK_FRAME_IGNORE_REGEXES, cut to what
 * our builds print, plus our own driver and finding helpers). */
static const char *const kIgnoredNames[] = {
    "abort", "exit", "_exit", "raise", "gsignal", "tgkill", "pthread_kill",
    "pthread_create", "main", "_start", "__chk_fail", "__fortify_fail",
    "__stack_chk_fail", "malloc", "calloc", "realloc", "reallocarray",
    "free", "cfree", "memalign", "posix_memalign", "aligned_alloc", "valloc",
    "pvalloc", "<null>", "<unknown>", "cf_report_finding",
    "cf_invariant_vreport", NULL};
static const char *const kIgnoredPrefixes[] = {
    "__asan", "__lsan", "__ubsan", "__msan", "__tsan", "__hwasan",
    "__sanitizer", "_sanitizer_", "__interceptor_", "___interceptor_",
    "__GI_", "__libc_", "__assert_", "__pthread_kill", "__run_exit_handlers",
    "__cxa_throw", "__cxa_rethrow", "__cxa_atexit", "operator new",
    "operator delete", "fuzzer::", "cf_finding_", "std::__terminate", NULL};
/* libc string and memory functions, with or without leading "__". */
static const char *const kIgnoredMemPrefixes[] = {
    "memcpy", "memmove", "memset", "memcmp", "bcmp", "strcmp", "strncmp",
    "strcpy", "strncpy", "strcat", "strncat", "strlen", "strnlen", "strdup",
    "strndup", "strchr", "strrchr", "strstr", NULL};
/* LLVMFuzzer* functions that are the target's, not the driver's. */
static const char *const kTargetEntryPoints[] = {
    "LLVMFuzzerTestOneInput", "LLVMFuzzerInitialize",
    "LLVMFuzzerCustomMutator", "LLVMFuzzerCustomCrossOver", NULL};
/* The replay driver's (harness/replay_driver.c) frames, for when the
 * symbolizer names the function but not the file. */
static const char *const kReplayDriverNames[] = {
    "call_target", "replay_file", "replay_path", "replay_dir", "on_timeout",
    NULL};
/* AFL++'s driver (utils/aflpp_driver/aflpp_driver.c, libAFLDriver.a: what
 * the afl flavor links), which runs inputs given as files (4.04c's
 * spelling). Its other frames are LLVMFuzzerRunDriver and main. */
static const char *const kAflDriverNames[] = {"ExecuteFilesOnyByOne", NULL};
/* Runtime libraries (module paths) and runtime sources (file paths). */
static const char *const kIgnoredModules[] = {
    "libc.so",     "libc-2.",   "libstdc++",  "libc++",       "ld-linux",
    "libpthread",  "libgcc_s",  "libclang_rt", "linux-vdso",  "[vdso]",
    "<unknown module>", NULL};
static const char *const kIgnoredFiles[] = {
    "/compiler-rt/lib/", "/sanitizer_common/", "/glibc-", "libc++/",
    "/libcxx/", NULL};

int cf_frame_is_ignored(const struct cf_frame *f) {
  const char *fn = f->function;

  if (f->module[0] != '\0' && substr_in(f->module, kIgnoredModules)) {
    return 1;
  }
  if (f->file[0] != '\0' &&
      (substr_in(f->file, kIgnoredFiles) || ends_with(f->file, "replay_driver.c") ||
       ends_with(f->file, "lib/finding.c"))) {
    return 1;
  }
  if (fn[0] == '\0') {
    /* Unsymbolized: named by module+offset, if there is a module. */
    return f->module[0] == '\0';
  }
  if (name_in(fn, kIgnoredNames) || prefix_in(fn, kIgnoredPrefixes)) {
    return 1;
  }
  if (prefix_in(fn + (starts_with(fn, "__") ? 2 : 0), kIgnoredMemPrefixes)) {
    return 1;
  }
  if (starts_with(fn, "LLVMFuzzer") && !name_in(fn, kTargetEntryPoints)) {
    return 1;
  }
  /* Prefix: without line tables the symbolizer names it "FUNC OBJECT.o". */
  if (prefix_in(fn, kAflDriverNames)) {
    return 1;
  }
  if (f->file[0] == '\0' &&
      (name_in(fn, kReplayDriverNames) || strcmp(fn, "abort_for") == 0)) {
    return 1;
  }
  return 0;
}

/* frame_state_name writes the name |f| has in a crash state. */
static void frame_state_name(char *out, size_t out_len,
                             const struct cf_frame *f) {
  const char *base;
  if (f->function[0] != '\0') {
    snprintf(out, out_len, "%s", f->function);
    return;
  }
  base = strrchr(f->module, '/');
  base = base != NULL ? base + 1 : f->module;
  snprintf(out, out_len, "%s+0x%" PRIx64, base, f->module_offset);
}

/* state_append adds |name| as one more line of |c|'s state. */
static void state_append(struct cf_crash *c, const char *name) {
  size_t len = strlen(c->state);
  snprintf(c->state + len, sizeof(c->state) - len, "%s%s",
           len > 0 ? "\n" : "", name);
}

/* compute_state sets |c|'s state from its frames: the first
 * CF_STATE_FRAMES frames not ignored. For a stack overflow, whose stack is
 * one cycle of calls repeated, the state is that cycle, once (ClusterFuzz
 * looks for cycles of up to 10 frames too). */
static void compute_state(struct cf_crash *c) {
  char names[CF_MAX_FRAMES][256];
  size_t count = 0, take;

  c->state[0] = '\0';
  for (size_t i = 0; i < c->num_frames; i++) {
    if (!cf_frame_is_ignored(&c->frames[i])) {
      frame_state_name(names[count], sizeof(names[count]), &c->frames[i]);
      count++;
    }
  }
  take = count < CF_STATE_FRAMES ? count : CF_STATE_FRAMES;
  if (strcmp(c->type, "Stack-overflow") == 0) {
    for (size_t cycle = 1; cycle <= CF_MAX_CYCLE && 2 * cycle <= count;
         cycle++) {
      size_t i;
      for (i = 0; i + cycle < count; i++) {
        if (strcmp(names[i], names[i + cycle]) != 0) {
          break;
        }
      }
      if (i + cycle == count) {
        take = cycle < take ? cycle : take;
        break;
      }
    }
  }
  for (size_t i = 0; i < take; i++) {
    state_append(c, names[i]);
  }
}

/* set_type sets |c|'s type (printf-style). */
__attribute__((format(printf, 2, 3))) static void set_type(
    struct cf_crash *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->type, sizeof(c->type), fmt, ap);
  va_end(ap);
}

/* set_summary sets |c|'s summary to |line| without a leading "==PID==". */
static void set_summary(struct cf_crash *c, const char *line) {
  const char *p = skip_blanks(line);
  char *build_id;
  if (p[0] == '=' && p[1] == '=') {
    const char *end = strstr(p + 2, "==");
    if (end != NULL && end[2] != '\0') {
      p = skip_blanks(end + 2);
    }
  }
  copy_str(c->summary, sizeof(c->summary), p, strlen(p));
  if ((build_id = strstr(c->summary, " (BuildId: ")) != NULL) {
    /* Some lines go on after it ("... (BuildId: ...) in free"). */
    const char *close = strchr(build_id, ')');
    if (close != NULL) {
      memmove(build_id, close + 1, strlen(close + 1) + 1);
    } else {
      *build_id = '\0';
    }
  }
  rtrim(c->summary);
}

/* summary_from sets the summary to the first "SUMMARY: " line after
 * |start|, or to line |start| itself. */
static void summary_from(struct cf_crash *c, const struct lines *l,
                         size_t start) {
  for (size_t i = start; i < l->n; i++) {
    const char *p = skip_blanks(l->v[i]);
    if (starts_with(p, "SUMMARY: ")) {
      set_summary(c, p + strlen("SUMMARY: "));
      return;
    }
  }
  set_summary(c, l->v[start]);
}

/* is_ubsan_line reports whether |line| is "FILE:LINE:COL: runtime error:". */
static int is_ubsan_line(const char *line) {
  return strstr(line, ": runtime error: ") != NULL;
}

/* is_assert_line reports whether |line| is glibc's assertion message,
 * "PROG: FILE:LINE: FUNC: Assertion `EXPR' failed." */
static int is_assert_line(const char *line) {
  const char *a = strstr(line, ": Assertion `");
  return a != NULL && strstr(a, "' failed") != NULL;
}

/* line_report_kind says which report, if any, |line| starts. */
static enum report_kind line_report_kind(const char *line) {
  const char *p;

  if ((p = strstr(line, "ERROR: AddressSanitizer: ")) != NULL ||
      (p = strstr(line, "ERROR: HWAddressSanitizer: ")) != NULL) {
    p = strstr(p, "Sanitizer: ") + strlen("Sanitizer: ");
    return starts_with(p, "ABRT ") ? REPORT_ASAN_ABRT : REPORT_ASAN;
  }
  if (strstr(line, "ERROR: LeakSanitizer: ") != NULL) {
    return REPORT_LSAN;
  }
  if ((p = strstr(line, "ERROR: libFuzzer: ")) != NULL) {
    p += strlen("ERROR: libFuzzer: ");
    if (starts_with(p, "timeout")) {
      return REPORT_LIBFUZZER_TIMEOUT;
    }
    if (starts_with(p, "out-of-memory (malloc(")) {
      return REPORT_LIBFUZZER_MALLOC_LIMIT;
    }
    if (starts_with(p, "out-of-memory")) {
      return REPORT_LIBFUZZER_OOM;
    }
    if (starts_with(p, "deadly signal")) {
      return REPORT_LIBFUZZER_DEADLY_SIGNAL;
    }
    if (starts_with(p, "fuzz target exited")) {
      return REPORT_LIBFUZZER_EXIT;
    }
    if (starts_with(p, "fuzz target overwrites its const input")) {
      return REPORT_LIBFUZZER_CONST_INPUT;
    }
    return REPORT_NONE;
  }
  if (starts_with(line, "==replay== TIMEOUT")) {
    return REPORT_REPLAY_TIMEOUT;
  }
  if (starts_with(line, "==replay== ERROR: the target called exit()")) {
    return REPORT_REPLAY_EXIT;
  }
  if (is_ubsan_line(line)) {
    return REPORT_UBSAN;
  }
  return REPORT_NONE;
}

/* find_address sets |c|'s address from an ASan error line's
 * "address 0x...", "on 0x..." or ": 0x..." (not from "(pc 0x..."). */
static void find_address(struct cf_crash *c, const char *what) {
  static const char *const kMarks[] = {" address 0x", " on 0x", "-ed: 0x",
                                       NULL};
  for (size_t i = 0; kMarks[i] != NULL; i++) {
    const char *p = strstr(what, kMarks[i]);
    if (p != NULL) {
      parse_hex(&c->address, strstr(p, "0x"));
      return;
    }
  }
}

/* find_access sets |c|'s access and size from the lines after an ASan
 * error line: "READ of size N at ..." or, for a SEGV, "The signal is caused
 * by a READ memory access." */
static void find_access(struct cf_crash *c, const struct lines *l,
                        size_t start) {
  for (size_t i = start + 1; i < l->n && i <= start + 4; i++) {
    const char *p = skip_blanks(l->v[i]);
    const char *q;
    if (starts_with(p, "READ of size ") || starts_with(p, "WRITE of size ")) {
      copy_str(c->access, sizeof(c->access), p, (size_t)(strchr(p, ' ') - p));
      c->access_size = (uint32_t)strtoul(strstr(p, "size ") + 5, NULL, 10);
      return;
    }
    if ((q = strstr(p, "The signal is caused by a ")) != NULL) {
      q += strlen("The signal is caused by a ");
      if (starts_with(q, "READ ") || starts_with(q, "WRITE ")) {
        copy_str(c->access, sizeof(c->access), q,
                 (size_t)(strchr(q, ' ') - q));
      }
      return;
    }
  }
}

/* kAsanTypes maps ASan's bug names to ClusterFuzz's crash types; other
 * names are capitalized ("container-overflow" -> "Container-overflow"). */
static const struct {
  const char *asan;
  const char *type;
} kAsanTypes[] = {
    {"attempting double-free", "Heap-double-free"},
    {"attempting free on address which was not malloc()-ed", "Bad-free"},
    {"requested allocation size", "Out-of-memory"},
    {"allocator is out of memory", "Out-of-memory"},
    {"out of memory", "Out-of-memory"},
    {"calloc parameters overflow", "Out-of-memory"},
    {"allocation-size-too-big", "Out-of-memory"},
    {"rss limit exhausted", "Out-of-memory"},
    {"unknown-crash", "UNKNOWN"},
    {"FPE ", "Floating-point-exception"},
    {"ILL ", "Ill"},
    {"BUS ", "Bus-error"},
    {"ABRT ", "Abrt"},
};

/* classify_asan fills |c| from the ASan error at line |at|. */
static void classify_asan(struct cf_crash *c, const struct lines *l,
                          size_t at) {
  const char *line = l->v[at];
  const char *what = strstr(line, "Sanitizer: ") + strlen("Sanitizer: ");
  size_t i, len;

  find_access(c, l, at);
  find_address(c, what);
  for (i = 0; i < sizeof(kAsanTypes) / sizeof(kAsanTypes[0]); i++) {
    if (starts_with(what, kAsanTypes[i].asan)) {
      set_type(c, "%s", kAsanTypes[i].type);
      break;
    }
  }
  if (i == sizeof(kAsanTypes) / sizeof(kAsanTypes[0])) {
    if (starts_with(what, "SEGV on unknown address")) {
      int known = strstr(what, "address 0x") != NULL;
      if (known && c->address < CF_NULL_DEREF_BOUNDARY) {
        set_type(c, "Null-dereference");
      } else {
        set_type(c, "Segv on unknown address");
      }
    } else {
      for (len = 0; what[len] != '\0' && what[len] != ' ' && what[len] != ':';
           len++) {
      }
      copy_str(c->type, sizeof(c->type), what, len);
      c->type[0] = (char)toupper((unsigned char)c->type[0]);
    }
  }
  collect_frames(c, l, at);
  summary_from(c, l, at);
}

/* classify_lsan fills |c| from the LeakSanitizer report at line |at|. */
static void classify_lsan(struct cf_crash *c, const struct lines *l,
                          size_t at) {
  size_t leak = at;
  set_type(c, "Direct-leak");
  for (size_t i = at; i < l->n; i++) {
    if (starts_with(l->v[i], "Direct leak of ")) {
      leak = i;
      break;
    }
  }
  if (leak == at) {
    set_type(c, "Indirect-leak");
    for (size_t i = at; i < l->n; i++) {
      if (starts_with(l->v[i], "Indirect leak of ")) {
        leak = i;
        break;
      }
    }
  }
  collect_frames(c, l, leak);
  summary_from(c, l, at);
}

/* kUbsanTypes maps a UBSan message to a type; the first match wins, so the
 * broad patterns come last (ClusterFuzz's UBSAN_CRASH_TYPES_MAP order). */
static const struct {
  const char *needle;
  const char *type;
} kUbsanTypes[] = {
    {"division by zero", "Divide-by-zero"},
    {"out of bounds for type", "Index-out-of-bounds"},
    {"misaligned address", "Misaligned-address"},
    {"load of null pointer", "Null-reference"},
    {"store to null pointer", "Null-reference"},
    {"binding to null pointer", "Null-reference"},
    {"access within null pointer", "Null-reference"},
    {"call on null pointer", "Null-reference"},
    {"shift", "Shift"},
    {"not a valid value for type", "Invalid-enum-value"},
    {"integer overflow", "Integer-overflow"},
    {"cannot be represented in type", "Integer-overflow"},
};

/* ubsan_type returns the crash type of the UBSan message |msg| (what
 * follows "runtime error: "). */
static const char *ubsan_type(const char *msg) {
  const char *p = strstr(msg, "not a valid value for type '");
  if (p != NULL && (strstr(p, "bool'") != NULL || strstr(p, "Bool'") != NULL ||
                    strstr(p, "BOOL'") != NULL)) {
    /* 'bool', 'const bool', C's '_Bool', Objective-C's 'BOOL'. */
    return "Invalid-bool-value";
  }
  if (strstr(msg, "passed as argument") != NULL ||
      strstr(msg, "returned from function") != NULL) {
    /* "null pointer passed as argument N, which is declared to never be
     * null" is not a dereference. */
    return "Undefined-behavior";
  }
  for (size_t i = 0; i < sizeof(kUbsanTypes) / sizeof(kUbsanTypes[0]); i++) {
    if (strstr(msg, kUbsanTypes[i].needle) != NULL) {
      return kUbsanTypes[i].type;
    }
  }
  return "Undefined-behavior";
}

/* classify_ubsan fills |c| from the UBSan runtime error at line |at|. */
static void classify_ubsan(struct cf_crash *c, const struct lines *l,
                           size_t at) {
  const char *line = l->v[at];
  const char *msg = strstr(line, ": runtime error: ") +
                    strlen(": runtime error: ");

  set_type(c, "%s", ubsan_type(msg));
  collect_frames(c, l, at);
  set_summary(c, line);
  compute_state(c);
  if (c->state[0] == '\0') {
    /* No stack (UBSAN_OPTIONS without print_stacktrace=1): the location,
     * "file.c:LINE:COL" without the directory, which differs between
     * build trees. */
    const char *loc = skip_blanks(line);
    const char *end = strstr(loc, ": runtime error: ");
    for (const char *p = loc; p < end; p++) {
      if (*p == '/') {
        loc = p + 1;
      }
    }
    copy_str(c->state, sizeof(c->state), loc, (size_t)(end - loc));
  }
}

/* assert_function writes the function named in glibc's assertion message
 * |line| ("PROG: FILE:LINE: FUNC: Assertion `...' failed.") into |out|:
 * no return type, no arguments. */
static void assert_function(char *out, size_t out_len, const char *line) {
  const char *end = strstr(line, ": Assertion `");
  const char *start = NULL;
  char tmp[CF_LINE_MAX];
  char *space;

  out[0] = '\0';
  /* FUNC starts after the last ":LINE: " before the message. */
  for (const char *p = line; p < end; p++) {
    if (*p == ':' && isdigit((unsigned char)p[1])) {
      const char *q = p + 1;
      while (isdigit((unsigned char)*q)) {
        q++;
      }
      if (q[0] == ':' && q[1] == ' ') {
        start = q + 2;
      }
    }
  }
  if (start == NULL || start >= end) {
    return;
  }
  copy_str(tmp, sizeof(tmp), start, (size_t)(end - start));
  normalize_function(tmp);
  space = strrchr(tmp, ' ');
  snprintf(out, out_len, "%s", space != NULL ? space + 1 : tmp);
}

/* frames_have_abort reports whether abort() is on |c|'s stack. */
static int frames_have_abort(const struct cf_crash *c) {
  for (size_t i = 0; i < c->num_frames; i++) {
    if (strcmp(c->frames[i].function, "abort") == 0 ||
        strcmp(c->frames[i].function, "__GI_abort") == 0) {
      return 1;
    }
  }
  return 0;
}

/* finding_field copies the value of "key=" in |line| into |out|. */
static void finding_field(char *out, size_t out_len, const char *line,
                          const char *key) {
  char pattern[32];
  const char *p;
  size_t len = 0;

  snprintf(pattern, sizeof(pattern), " %s=", key);
  p = strstr(line, pattern);
  out[0] = '\0';
  if (p == NULL) {
    return;
  }
  p += strlen(pattern);
  while (p[len] != '\0' && p[len] != ' ' && p[len] != '\t') {
    len++;
  }
  copy_str(out, out_len, p, len);
}

/* classify_finding fills |c| from the finding line at line |at|. */
static void classify_finding(struct cf_crash *c, const struct lines *l,
                             size_t at) {
  const char *line = l->v[at];
  set_type(c, "Finding");
  c->is_finding = 1;
  finding_field(c->finding_kind, sizeof(c->finding_kind), line, "kind");
  finding_field(c->finding_validator, sizeof(c->finding_validator), line,
                "validator");
  finding_field(c->finding_oracle, sizeof(c->finding_oracle), line, "oracle");
  finding_field(c->finding_reason, sizeof(c->finding_reason), line, "reason");
  finding_field(c->finding_case, sizeof(c->finding_case), line, "case");
  collect_frames(c, l, at);
  set_summary(c, line);
  snprintf(c->state, sizeof(c->state), "%s\n%s\n%s", c->finding_validator,
           c->finding_oracle, c->finding_reason);
}

/* classify_report fills |c| from the strong or weak report of |kind| at
 * line |at|. */
static void classify_report(struct cf_crash *c, const struct lines *l,
                            size_t at, enum report_kind kind) {
  switch (kind) {
    case REPORT_ASAN:
    case REPORT_ASAN_ABRT:
      classify_asan(c, l, at);
      break;
    case REPORT_LSAN:
      classify_lsan(c, l, at);
      break;
    case REPORT_UBSAN:
      classify_ubsan(c, l, at);
      return; /* its state has a fallback */
    case REPORT_LIBFUZZER_TIMEOUT:
    case REPORT_REPLAY_TIMEOUT:
      set_type(c, "Timeout");
      break;
    case REPORT_LIBFUZZER_OOM:
      set_type(c, "Out-of-memory");
      break;
    case REPORT_LIBFUZZER_MALLOC_LIMIT:
      set_type(c, "Malloc-limit");
      break;
    case REPORT_LIBFUZZER_DEADLY_SIGNAL:
      collect_frames(c, l, at);
      set_type(c, frames_have_abort(c) ? "Abrt" : "Fatal-signal");
      break;
    case REPORT_LIBFUZZER_EXIT:
    case REPORT_REPLAY_EXIT:
      set_type(c, "Unexpected-exit");
      break;
    case REPORT_LIBFUZZER_CONST_INPUT:
      set_type(c, "Overwrites-const-input");
      break;
    case REPORT_NONE:
      break;
  }
  if (kind != REPORT_ASAN && kind != REPORT_ASAN_ABRT &&
      kind != REPORT_LSAN) {
    collect_frames(c, l, at);
    set_summary(c, l->v[at]);
  }
  compute_state(c);
}

/* kSeverities is the base severity of the security crash types. */
static const struct {
  const char *type;
  enum cf_severity severity;
} kSeverities[] = {
    {"Heap-use-after-free", CF_SEVERITY_HIGH},
    {"Heap-double-free", CF_SEVERITY_HIGH},
    {"Use-after-poison", CF_SEVERITY_HIGH},
    {"Bad-free", CF_SEVERITY_HIGH},
    {"Heap-buffer-overflow", CF_SEVERITY_MEDIUM},
    {"Stack-buffer-overflow", CF_SEVERITY_MEDIUM},
    {"Global-buffer-overflow", CF_SEVERITY_MEDIUM},
    {"Dynamic-stack-buffer-overflow", CF_SEVERITY_MEDIUM},
    {"Stack-use-after-return", CF_SEVERITY_MEDIUM},
    {"Stack-use-after-scope", CF_SEVERITY_MEDIUM},
    {"Container-overflow", CF_SEVERITY_MEDIUM},
    {"Memcpy-param-overlap", CF_SEVERITY_MEDIUM},
    {"Index-out-of-bounds", CF_SEVERITY_MEDIUM},
    {"Segv on unknown address", CF_SEVERITY_MEDIUM},
    {"UNKNOWN", CF_SEVERITY_MEDIUM},
};

/* Types that are never security issues (beyond the "Signal N" / "Exit N"
 * and UBSan families, handled in set_security). */
static const char *const kNotSecurity[] = {
    "Null-dereference", "Stack-overflow", "Timeout", "Out-of-memory",
    "Malloc-limit", "Direct-leak", "Indirect-leak", "Abrt", "Assert",
    "Fatal-signal", "Floating-point-exception", "Ill", "Bus-error",
    "Unexpected-exit", "Overwrites-const-input", "Integer-overflow", "Shift",
    "Divide-by-zero", "Misaligned-address", "Null-reference",
    "Invalid-bool-value", "Invalid-enum-value", "Undefined-behavior",
    "Finding", "No-start", NULL};

/* set_security sets |c|'s security and severity (see the file comment). */
static void set_security(struct cf_crash *c, const struct lines *l,
                         int from_asan) {
  static const char *const kMarkers[] = {"Low", "Medium", "High", "Critical"};
  static const enum cf_severity kMarkerSeverity[] = {
      CF_SEVERITY_LOW, CF_SEVERITY_MEDIUM, CF_SEVERITY_HIGH,
      CF_SEVERITY_CRITICAL};

  c->security = 0;
  c->severity = CF_SEVERITY_NONE;
  for (size_t i = 0; i < l->n; i++) {
    const char *m = strstr(l->v[i], "FuzzerSecurityIssue");
    if (m == NULL) {
      continue;
    }
    m += strlen("FuzzerSecurityIssue");
    for (size_t j = 0; j < 4; j++) {
      if (starts_with(m, kMarkers[j])) {
        c->security = 1;
        c->severity = kMarkerSeverity[j];
        return;
      }
    }
  }
  if (c->is_finding) {
    if (strcmp(c->finding_kind, "accept-when-should-reject") == 0) {
      c->security = 1;
      c->severity = CF_SEVERITY_HIGH;
    }
    return;
  }
  for (size_t i = 0; i < sizeof(kSeverities) / sizeof(kSeverities[0]); i++) {
    if (strcmp(c->type, kSeverities[i].type) == 0) {
      c->security = 1;
      c->severity = kSeverities[i].severity;
      break;
    }
  }
  if (!c->security && from_asan && !name_in(c->type, kNotSecurity)) {
    /* An ASan memory error we do not name: ClusterFuzz calls anything it
     * does not understand a security issue. */
    c->security = 1;
    c->severity = CF_SEVERITY_MEDIUM;
  }
  if (!c->security && strcmp(c->type, "Null-dereference") == 0) {
    /* A jump to address 0 (pc 0) is exploitable, a read of it is not. */
    for (size_t i = 0; i < l->n; i++) {
      if (strstr(l->v[i], "SEGV on unknown address") != NULL &&
          (strstr(l->v[i], "(pc 0x000000000000 ") != NULL ||
           strstr(l->v[i], "(pc (nil) ") != NULL)) {
        c->security = 1;
        c->severity = CF_SEVERITY_MEDIUM;
        break;
      }
    }
  }
  if (c->security && strcmp(c->access, "WRITE") == 0 &&
      c->severity < CF_SEVERITY_HIGH) {
    c->severity++;
  }
}

int cf_classify_text(struct cf_crash *out, const char *text, size_t text_len,
                     int exit_code, int term_signal, int timed_out,
                     int rss_exceeded) {
  struct lines l;
  size_t at_finding = 0, at_strong = 0, at_weak = 0, at_assert = 0;
  int have_finding = 0, have_strong = 0, have_weak = 0, have_assert = 0;
  enum report_kind strong = REPORT_NONE, weak = REPORT_NONE;
  int from_asan = 0;

  memset(out, 0, sizeof(*out));
  if (!split_lines(&l, text != NULL ? text : "", text != NULL ? text_len : 0)) {
    return 0;
  }
  for (size_t i = 0; i < l.n; i++) {
    const char *line = l.v[i];
    enum report_kind kind;
    if (!have_finding && strstr(line, "==chainfuzz== FINDING ") != NULL) {
      have_finding = 1;
      at_finding = i;
    }
    if (!have_assert && is_assert_line(line)) {
      have_assert = 1;
      at_assert = i;
    }
    kind = line_report_kind(line);
    if (kind == REPORT_ASAN_ABRT || kind == REPORT_LIBFUZZER_DEADLY_SIGNAL) {
      if (!have_weak) {
        have_weak = 1;
        at_weak = i;
        weak = kind;
      }
    } else if (kind != REPORT_NONE && !have_strong) {
      have_strong = 1;
      at_strong = i;
      strong = kind;
    }
  }

  out->crashed = 1;
  if (have_finding) {
    classify_finding(out, &l, at_finding);
  } else if (have_strong) {
    classify_report(out, &l, at_strong, strong);
    from_asan = strong == REPORT_ASAN;
  } else if (have_assert) {
    set_type(out, "Assert");
    /* The stack, if any, follows the message (libFuzzer, ASan ABRT). */
    collect_frames(out, &l, at_assert);
    set_summary(out, l.v[at_assert]);
    compute_state(out);
    if (out->state[0] == '\0') {
      assert_function(out->state, sizeof(out->state), l.v[at_assert]);
    }
  } else if (have_weak) {
    classify_report(out, &l, at_weak, weak);
  } else if (timed_out) {
    set_type(out, "Timeout");
  } else if (rss_exceeded) {
    set_type(out, "Out-of-memory");
  } else if (term_signal == SIGABRT) {
    set_type(out, "Abrt");
  } else if (term_signal != 0) {
    set_type(out, "Signal %d", term_signal);
  } else if (exit_code != 0) {
    set_type(out, "Exit %d", exit_code);
  } else {
    out->crashed = 0;
  }
  if (out->crashed) {
    set_security(out, &l, from_asan);
  }
  lines_free(&l);
  return 1;
}

int cf_classify(struct cf_crash *out, const struct cf_run_result *r) {
  if (!r->spawned) {
    memset(out, 0, sizeof(*out));
    out->crashed = 1;
    set_type(out, "No-start");
    snprintf(out->summary, sizeof(out->summary), "could not start: %s",
             strerror(r->spawn_errno));
    return 1;
  }
  return cf_classify_text(out, r->output, r->output_len,
                          r->exited ? r->exit_code : 0,
                          r->signaled ? r->term_signal : 0, r->timed_out,
                          r->rss_exceeded);
}

const char *cf_severity_name(enum cf_severity s) {
  switch (s) {
    case CF_SEVERITY_NONE:
      return "None";
    case CF_SEVERITY_LOW:
      return "Low";
    case CF_SEVERITY_MEDIUM:
      return "Medium";
    case CF_SEVERITY_HIGH:
      return "High";
    case CF_SEVERITY_CRITICAL:
      return "Critical";
  }
  return "None";
}

/* normalize_for_compare rewrites a state line for the fuzzy comparison:
 * no template arguments, no anonymous namespace, no compiler clone suffix
 * (".cold", ".isra.0", ".part.1", ".constprop.0", ".llvm.123"). */
static void normalize_for_compare(char *out, size_t out_len, const char *in,
                                  size_t in_len) {
  static const char *const kClones[] = {".cold", ".isra.", ".part.",
                                        ".constprop.", ".llvm.", NULL};
  char tmp[256];
  size_t n = 0, depth = 0;

  copy_str(tmp, sizeof(tmp), in, in_len);
  strip_anonymous_namespace(tmp);
  for (size_t i = 0; tmp[i] != '\0' && n + 1 < out_len; i++) {
    if (tmp[i] == '<') {
      depth++;
    } else if (tmp[i] == '>' && depth > 0) {
      depth--;
    } else if (depth == 0) {
      out[n++] = tmp[i];
    }
  }
  out[n] = '\0';
  for (size_t i = 0; kClones[i] != NULL; i++) {
    char *p = strstr(out, kClones[i]);
    if (p != NULL) {
      *p = '\0';
    }
  }
}

/* levenshtein returns the edit distance of |a| and |b| (each < 256). */
static size_t levenshtein(const char *a, const char *b) {
  size_t a_len = strlen(a), b_len = strlen(b);
  size_t row[256];

  for (size_t j = 0; j <= b_len; j++) {
    row[j] = j;
  }
  for (size_t i = 1; i <= a_len; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b_len; j++) {
      size_t up = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = diag + cost;
      if (up + 1 < best) {
        best = up + 1;
      }
      if (row[j - 1] + 1 < best) {
        best = row[j - 1] + 1;
      }
      row[j] = best;
      diag = up;
    }
  }
  return row[b_len];
}

/* similarity_ratio is ClusterFuzz's (len_a + len_b - distance) /
 * (len_a + len_b): 1.0 for equal strings. */
static double similarity_ratio(const char *a, const char *b) {
  size_t sum = strlen(a) + strlen(b);
  if (sum == 0) {
    return 1.0;
  }
  return (double)(sum - levenshtein(a, b)) / (double)sum;
}

/* state_line returns the start of line |index| of |state| and its length
 * in |*out_len|, or NULL if there is no such line. */
static const char *state_line(size_t *out_len, const char *state,
                              size_t index) {
  const char *p = state;
  const char *nl;
  if (*p == '\0') {
    return NULL;
  }
  for (size_t i = 0; i < index; i++) {
    nl = strchr(p, '\n');
    if (nl == NULL) {
      return NULL;
    }
    p = nl + 1;
  }
  nl = strchr(p, '\n');
  *out_len = nl != NULL ? (size_t)(nl - p) : strlen(p);
  return p;
}

/* cf_crashes_similar: same type required. Findings compare exactly (kind
 * and state). Two empty states of the same type are one bucket (nothing
 * tells them apart); an empty and a non-empty one are not. Otherwise each
 * state line is normalized (normalize_for_compare) and compared with the
 * line at the same position by ClusterFuzz's Levenshtein similarity ratio
 * (a missing line scores 0), and both the top frame's ratio and the mean
 * over the longer state's lines must exceed 0.8 (CrashComparer's
 * COMPARE_THRESHOLD). We differ from CrashComparer in two ways, both
 * because we keep LLVMFuzzerTestOneInput in the state and our targets are
 * thin, so unrelated bugs often share their last two frames: its "2 frames
 * in common" rule is left out, and its mean alone would merge different
 * top frames (X509_parse and ASN1_get_object under the same callers). */
int cf_crashes_similar(const struct cf_crash *a, const struct cf_crash *b) {
  size_t lines = 0;
  double sum = 0.0, top = 0.0;

  if (!a->crashed || !b->crashed || strcmp(a->type, b->type) != 0) {
    return 0;
  }
  if (a->is_finding || b->is_finding) {
    return a->is_finding == b->is_finding &&
           strcmp(a->finding_kind, b->finding_kind) == 0 &&
           strcmp(a->state, b->state) == 0;
  }
  if (a->state[0] == '\0' || b->state[0] == '\0') {
    return a->state[0] == '\0' && b->state[0] == '\0';
  }
  if (strcmp(a->state, b->state) == 0) {
    return 1;
  }
  for (size_t i = 0;; i++) {
    size_t a_len = 0, b_len = 0;
    const char *a_line = state_line(&a_len, a->state, i);
    const char *b_line = state_line(&b_len, b->state, i);
    char na[256], nb[256];
    if (a_line == NULL && b_line == NULL) {
      break;
    }
    lines++;
    if (a_line == NULL || b_line == NULL) {
      continue;
    }
    normalize_for_compare(na, sizeof(na), a_line, a_len);
    normalize_for_compare(nb, sizeof(nb), b_line, b_len);
    if (i == 0) {
      top = similarity_ratio(na, nb);
      sum += top;
    } else {
      sum += similarity_ratio(na, nb);
    }
  }
  return lines > 0 && top > CF_SIMILAR_THRESHOLD &&
         sum / (double)lines > CF_SIMILAR_THRESHOLD;
}
