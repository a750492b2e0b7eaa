/* minimize.c — running a target on an input, and shrinking crashing inputs
 * (see minimize.h). */
#include "minimize.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "symbolize.h"

volatile sig_atomic_t cf_interrupted;

static void on_interrupt(int sig) {
  cf_interrupted = sig;
}

void cf_install_interrupt_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: blocking calls return EINTR */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

int cf_target_check(const char *bin, char *err, size_t err_len) {
  struct stat st;
  if (stat(bin, &st) != 0) {
    snprintf(err, err_len, "%s: %s", bin, strerror(errno));
    return 0;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(err, err_len, "%s: not a regular file", bin);
    return 0;
  }
  if (access(bin, X_OK) != 0) {
    snprintf(err, err_len, "%s: not executable (%s)", bin, strerror(errno));
    return 0;
  }
  return 1;
}

int cf_target_find_symbolizer(char *out, size_t out_len) {
  static const char *const kNames[] = {"llvm-symbolizer", "llvm-symbolizer-14"};
  const char *path = getenv("PATH");
  for (size_t n = 0; n < sizeof(kNames) / sizeof(kNames[0]); n++) {
    const char *p = path != NULL ? path : "/usr/local/bin:/usr/bin:/bin";
    while (*p != '\0') {
      const char *colon = strchr(p, ':');
      size_t len = colon ? (size_t)(colon - p) : strlen(p);
      char cand[PATH_MAX];
      if (len > 0 && snprintf(cand, sizeof(cand), "%.*s/%s", (int)len, p,
                              kNames[n]) < (int)sizeof(cand) &&
          access(cand, X_OK) == 0) {
        snprintf(out, out_len, "%s", cand);
        return 1;
      }
      p += len;
      if (*p == ':') {
        p++;
      }
    }
  }
  if (access("/usr/lib/llvm-14/bin/llvm-symbolizer", X_OK) == 0) {
    snprintf(out, out_len, "/usr/lib/llvm-14/bin/llvm-symbolizer");
    return 1;
  }
  return 0;
}

/* contains returns 1 if |needle| occurs in |hay| (memmem is not POSIX). */
static int contains(const uint8_t *hay, size_t hay_len, const char *needle,
                    size_t needle_len) {
  const uint8_t *p = hay, *end = hay + hay_len;
  while (needle_len > 0 && (size_t)(end - p) >= needle_len) {
    p = memchr(p, needle[0], (size_t)(end - p) - needle_len + 1);
    if (p == NULL) {
      return 0;
    }
    if (memcmp(p, needle, needle_len) == 0) {
      return 1;
    }
    p++;
  }
  return 0;
}

/* binary_contains looks for |needle| in the file |bin|: libFuzzer's flag
 * table has "minimize_crash" (the replay driver and AFL++'s driver do
 * not); AFL++'s persistent-mode driver carries "##SIG_AFL_PERSISTENT##". */
static int binary_contains(const char *bin, const char *needle) {
  struct stat st;
  int fd = open(bin, O_RDONLY | O_CLOEXEC);
  int found = 0;
  if (fd < 0) {
    return 0;
  }
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      (uint64_t)st.st_size < ((uint64_t)1 << 32)) {
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED) {
      found = contains(m, (size_t)st.st_size, needle, strlen(needle));
      munmap(m, (size_t)st.st_size);
    }
  }
  close(fd);
  return found;
}

int cf_target_init(struct cf_target *t, const char *bin, const char *name,
                   uint32_t timeout_secs, uint32_t rss_limit_mb) {
  char sym[PATH_MAX];
  size_t n = 0;

  memset(t, 0, sizeof(*t));
  if (snprintf(t->name, sizeof(t->name), "%s", name) >= (int)sizeof(t->name) ||
      snprintf(t->bin, sizeof(t->bin), "%s", bin) >= (int)sizeof(t->bin)) {
    return 0;
  }
  t->timeout_secs = timeout_secs;
  t->rss_limit_mb = rss_limit_mb;
  t->libfuzzer = binary_contains(bin, "minimize_crash");
  t->afl_driver = !t->libfuzzer && binary_contains(bin, "##SIG_AFL_PERSISTENT##");
  snprintf(t->env_buf[n], sizeof(t->env_buf[n]), "%s",
           "ASAN_OPTIONS=symbolize=1:detect_leaks=1:"
           "allocator_may_return_null=1:handle_abort=1");
  n++;
  snprintf(t->env_buf[n], sizeof(t->env_buf[n]), "%s",
           "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1");
  n++;
  if (cf_target_find_symbolizer(sym, sizeof(sym))) {
    snprintf(t->env_buf[n], sizeof(t->env_buf[n]), "ASAN_SYMBOLIZER_PATH=%s",
             sym);
    n++;
  }
  for (size_t i = 0; i < n; i++) {
    t->env[i] = t->env_buf[i];
  }
  t->env[n] = NULL;
  return 1;
}

void cf_target_argv(const char *argv[5], char buf[2][64],
                    const struct cf_target *t, const char *input) {
  snprintf(buf[0], 64, "-timeout=%u", t->timeout_secs);
  snprintf(buf[1], 64, "-rss_limit_mb=%u", t->rss_limit_mb);
  argv[0] = t->bin;
  if (t->afl_driver) {
    /* Our run limits (cf_run_opts) are its only timeout and RSS limit. */
    argv[1] = input;
    argv[2] = NULL;
    return;
  }
  argv[1] = buf[0];
  argv[2] = buf[1];
  argv[3] = input;
  argv[4] = NULL;
}

int cf_target_parent_symbolize(struct cf_target *t) {
  char sym[PATH_MAX];
  if (!cf_target_find_symbolizer(sym, sizeof(sym)) ||
      !cf_symbolizer_start(sym)) {
    return 0;
  }
  snprintf(t->env_nosym_buf[0], sizeof(t->env_nosym_buf[0]), "%s",
           "ASAN_OPTIONS=symbolize=0:detect_leaks=1:"
           "allocator_may_return_null=1:handle_abort=1");
  snprintf(t->env_nosym_buf[1], sizeof(t->env_nosym_buf[1]), "%s",
           "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:symbolize=0");
  t->env_nosym[0] = t->env_nosym_buf[0];
  t->env_nosym[1] = t->env_nosym_buf[1];
  t->env_nosym[2] = NULL;
  t->parent_symbolize = 1;
  return 1;
}

/* run_limits fills the limits of |o| for |t|: the target's own timeout and
 * RSS checks fire first (with a report); ours are the backstop. |nosym|:
 * the symbolize=0 environment. */
static void run_limits(struct cf_run_opts *o, const struct cf_target *t,
                       uint32_t extra_secs, int nosym) {
  o->env_extra = nosym ? t->env_nosym : t->env;
  o->timeout_ms = (t->timeout_secs * 2 + 10 + extra_secs) * 1000u;
  o->rss_limit_mb = t->rss_limit_mb > 0 ? t->rss_limit_mb + 512 : 0;
  o->max_output = 0;
}

/* use_nosym says whether runs of |t| go unsymbolized now. */
static int use_nosym(const struct cf_target *t) {
  return t->parent_symbolize && cf_symbolizer_ok();
}

/* run_opts sets |o| to run |t| on |input| with its limits; |argv| and
 * |buf| hold the argument vector and must outlive |o|. */
static void run_opts(struct cf_run_opts *o, const char *argv[5],
                     char buf[2][64], const struct cf_target *t,
                     const char *input, int nosym) {
  memset(o, 0, sizeof(*o));
  cf_target_argv(argv, buf, t, input);
  o->argv = (char *const *)argv;
  run_limits(o, t, 0, nosym);
}

int cf_target_run_begin(struct cf_run_proc **p, const struct cf_target *t,
                        const char *input, struct cf_run_result *r) {
  const char *argv[5];
  char buf[2][64];
  struct cf_run_opts o;

  run_opts(&o, argv, buf, t, input, use_nosym(t));
  if (!cf_run_begin(p, r, &o)) {
    return 0;
  }
  r->unsymbolized = o.env_extra == t->env_nosym;
  return 1;
}

/* run_sync runs |t| on |input| into |res| and waits. */
static int run_sync(const struct cf_target *t, const char *input,
                    struct cf_run_result *res, int nosym) {
  const char *argv[5];
  char buf[2][64];
  struct cf_run_opts o;

  run_opts(&o, argv, buf, t, input, nosym);
  if (!cf_run(res, &o)) {
    return 0;
  }
  res->unsymbolized = nosym;
  return 1;
}

int cf_target_run_finish(const struct cf_target *t, const char *input,
                         struct cf_run_result *r, struct cf_crash *c) {
  if (r->unsymbolized && r->spawned && r->output != NULL &&
      !cf_symbolize_report(&r->output, &r->output_len)) {
    /* The shared symbolizer failed (it stays off from now on): run again
     * the way it was done before, the sanitizer symbolizing. */
    cf_run_result_free(r);
    if (!run_sync(t, input, r, 0)) {
      return 0;
    }
  }
  return cf_classify(c, r);
}

int cf_target_run(const struct cf_target *t, const char *input,
                  struct cf_run_result *r, struct cf_crash *c) {
  struct cf_run_result local;
  struct cf_run_result *res = r != NULL ? r : &local;
  int ok;

  if (!run_sync(t, input, res, use_nosym(t))) {
    return 0;
  }
  ok = cf_target_run_finish(t, input, res, c);
  if (r == NULL) {
    cf_run_result_free(&local);
  }
  return ok;
}

int cf_same_bucket(const struct cf_crash *a, const struct cf_crash *b) {
  if (!a->crashed || !b->crashed || strcmp(a->type, b->type) != 0) {
    return 0;
  }
  return strcmp(a->state, b->state) == 0 || cf_crashes_similar(a, b);
}

/* ------------------------------------------------------------- ddmin -- */

int cf_ddmin(uint8_t **out, size_t *out_len, size_t *tests_run,
             const uint8_t *in, size_t in_len, cf_ddmin_test test, void *ctx,
             size_t max_tests) {
  uint8_t *cur = malloc(in_len + 1), *cand = malloc(in_len + 1);
  size_t len = in_len, n = 2, tests = 0;
  int r;

  *out = NULL;
  *out_len = 0;
  *tests_run = 0;
  if (cur == NULL || cand == NULL) {
    free(cur);
    free(cand);
    return 0;
  }
  memcpy(cur, in, in_len);

  /* The empty input first: one cheap test that sometimes wins outright. */
  if (len > 0 && tests < max_tests) {
    tests++;
    r = test(ctx, cand, 0);
    if (r == 1) {
      len = 0;
    }
    if (r < 0) {
      goto done;
    }
  }

  while (len >= 2 && tests < max_tests) {
    int reduced = 0;
    if (n > len) {
      n = len;
    }
    /* Subsets: keep only part i. */
    for (size_t i = 0; i < n && !reduced; i++) {
      size_t lo = i * len / n, hi = (i + 1) * len / n;
      if (tests >= max_tests) {
        goto done;
      }
      tests++;
      r = test(ctx, cur + lo, hi - lo);
      if (r < 0) {
        goto done;
      }
      if (r == 1) {
        memmove(cur, cur + lo, hi - lo);
        len = hi - lo;
        n = 2;
        reduced = 1;
      }
    }
    /* Complements: drop part i (with n == 2 these are the subsets). */
    for (size_t i = 0; i < n && !reduced && n > 2; i++) {
      size_t lo = i * len / n, hi = (i + 1) * len / n;
      if (tests >= max_tests) {
        goto done;
      }
      memcpy(cand, cur, lo);
      memcpy(cand + lo, cur + hi, len - hi);
      tests++;
      r = test(ctx, cand, len - (hi - lo));
      if (r < 0) {
        goto done;
      }
      if (r == 1) {
        len -= hi - lo;
        memcpy(cur, cand, len);
        n = n - 1 > 2 ? n - 1 : 2;
        reduced = 1;
      }
    }
    if (!reduced) {
      if (n >= len) {
        break;
      }
      n = 2 * n < len ? 2 * n : len;
    }
  }

done:
  free(cand);
  *out = cur;
  *out_len = len;
  *tests_run = tests;
  return 1;
}

/* min_ctx is what the ddmin test of a target needs. */
struct min_ctx {
  const struct cf_target *t;
  const struct cf_crash *want;
  char path[PATH_MAX];
  struct timespec deadline;
  struct cf_crash *got;
};

static int past(const struct timespec *deadline) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec > deadline->tv_sec ||
         (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

static int target_test(void *vctx, const uint8_t *data, size_t len) {
  struct min_ctx *ctx = vctx;
  if (cf_interrupted || past(&ctx->deadline)) {
    return -1;
  }
  if (!cf_write_file_atomic(ctx->path, data, len, 0600)) {
    return -1;
  }
  if (!cf_target_run(ctx->t, ctx->path, NULL, ctx->got)) {
    return -1;
  }
  return cf_same_bucket(ctx->want, ctx->got);
}

/* libfuzzer_minimize runs the binary's own -minimize_crash=1; on success
 * |*out| holds a smaller input that still lands in the same bucket. */
static int libfuzzer_minimize(uint8_t **out, size_t *out_len,
                              const struct cf_target *t,
                              const struct cf_crash *want, const uint8_t *in,
                              size_t in_len, const struct cf_min_opts *opts,
                              struct cf_crash *got) {
  char in_path[PATH_MAX], out_path[PATH_MAX];
  char f_runs[64], f_time[64], f_timeout[64], f_rss[64], f_out[PATH_MAX + 32];
  const char *argv[10];
  struct cf_run_opts o;
  struct cf_run_result r;
  uint8_t *data = NULL;
  size_t len = 0;

  *out = NULL;
  if (!cf_path_join(in_path, sizeof(in_path), opts->work_dir, "lf-in") ||
      !cf_path_join(out_path, sizeof(out_path), opts->work_dir, "lf-out")) {
    return 0;
  }
  unlink(out_path);
  if (!cf_write_file_atomic(in_path, in, in_len, 0600)) {
    return 0;
  }
  snprintf(f_runs, sizeof(f_runs), "-runs=%u", opts->max_runs);
  snprintf(f_time, sizeof(f_time), "-max_total_time=%u", opts->max_seconds);
  snprintf(f_timeout, sizeof(f_timeout), "-timeout=%u", t->timeout_secs);
  snprintf(f_rss, sizeof(f_rss), "-rss_limit_mb=%u", t->rss_limit_mb);
  snprintf(f_out, sizeof(f_out), "-exact_artifact_path=%s", out_path);
  argv[0] = t->bin;
  argv[1] = "-minimize_crash=1";
  argv[2] = f_runs;
  argv[3] = f_time;
  argv[4] = f_timeout;
  argv[5] = f_rss;
  argv[6] = f_out;
  argv[7] = in_path;
  argv[8] = NULL;
  memset(&o, 0, sizeof(o));
  o.argv = (char *const *)argv;
  run_limits(&o, t, opts->max_seconds + 30, 0);
  if (!cf_run(&r, &o)) {
    return 0;
  }
  cf_run_result_free(&r);
  if (cf_interrupted) {
    return 0;
  }
  if (!cf_read_file(&data, &len, out_path, CF_MAX_ARTIFACT_LEN)) {
    return 0;
  }
  if (len >= in_len || !cf_target_run(t, out_path, NULL, got) ||
      !cf_same_bucket(want, got)) {
    free(data);
    return 0;
  }
  *out = data;
  *out_len = len;
  return 1;
}

/* no_minimize_reason says why |c| is not minimised, or NULL. */
static const char *no_minimize_reason(const struct cf_crash *c) {
  static const char *const kSkip[] = {"Timeout", "Out-of-memory",
                                      "Malloc-limit", "No-start"};
  if (!c->crashed) {
    return "does not crash";
  }
  for (size_t i = 0; i < sizeof(kSkip) / sizeof(kSkip[0]); i++) {
    if (strcmp(c->type, kSkip[i]) == 0) {
      return "resource crashes are not minimised";
    }
  }
  return NULL;
}

int cf_minimize(uint8_t **out, size_t *out_len, char *method,
                size_t method_len, const struct cf_target *t,
                const struct cf_crash *want, const uint8_t *in, size_t in_len,
                const struct cf_min_opts *opts) {
  struct min_ctx ctx;
  const char *why = no_minimize_reason(want);
  size_t tests = 0;
  int ok = 0;

  *out = NULL;
  *out_len = 0;
  memset(&ctx, 0, sizeof(ctx));
  ctx.got = malloc(sizeof(*ctx.got));
  if (ctx.got == NULL) {
    return 0;
  }
  if (why != NULL || in_len <= 1) {
    snprintf(method, method_len, "none: %s",
             why != NULL ? why : "already 1 byte or less");
    goto copy;
  }
  if (t->libfuzzer &&
      libfuzzer_minimize(out, out_len, t, want, in, in_len, opts, ctx.got)) {
    snprintf(method, method_len, "libfuzzer");
    ok = 1;
    goto done;
  }
  if (cf_interrupted) {
    snprintf(method, method_len, "none: interrupted");
    goto copy;
  }
  ctx.t = t;
  ctx.want = want;
  if (!cf_path_join(ctx.path, sizeof(ctx.path), opts->work_dir, "ddmin")) {
    goto done;
  }
  clock_gettime(CLOCK_MONOTONIC, &ctx.deadline);
  ctx.deadline.tv_sec += opts->max_seconds;
  if (!cf_ddmin(out, out_len, &tests, in, in_len, target_test, &ctx,
                opts->max_runs)) {
    goto done;
  }
  snprintf(method, method_len, "ddmin (%zu runs)", tests);
  ok = 1;
  goto done;

copy:
  *out = malloc(in_len + 1);
  if (*out != NULL) {
    memcpy(*out, in, in_len);
    *out_len = in_len;
    ok = 1;
  }

done:
  free(ctx.got);
  return ok;
}
