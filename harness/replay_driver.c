/* replay_driver.c — a main() for libFuzzer-style targets, without a fuzzing
 * engine: it replays saved inputs (corpus/, crashes/) under the sanitizers,
 * which is how `make test` and CI run every target.
 *
 * Link it with any target that defines
 *   int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
 * and optionally
 *   int LLVMFuzzerInitialize(int *argc, char ***argv);
 * Plain C11 + POSIX, no dependencies.
 *
 * Usage: TARGET [-timeout=SECS] [-runs=N] [-help=1] PATH...
 *
 * Flags use libFuzzer's syntax and may appear anywhere; the last of a repeated
 * flag wins:
 *   -timeout=SECS  wall-clock limit for each call of LLVMFuzzerTestOneInput,
 *                  in seconds (default 25; 0 disables it).
 *   -runs=N        call LLVMFuzzerTestOneInput N times on each input, each
 *                  time on a fresh copy of it (default 1; N >= 1).
 *   -help=1        print the usage on stdout and exit 0.
 *   -NAME=VALUE    any other flag (-rss_limit_mb, -print_final_stats, ...)
 *                  is accepted and ignored with one note on stderr, so that
 *                  OSS-Fuzz and chainfuzz triage can pass libFuzzer flags.
 * Every other argument is a PATH, a file or a directory; write a path that
 * starts with '-' as ./-name. A bare -foo (no '='), a -timeout, -runs or
 * -help value that is not a number in range, or no PATH at all prints the
 * usage on stderr and exits 2, before any target code runs.
 *
 * What happens, in order:
 *  1. LLVMFuzzerInitialize, if the target defines it (weak symbol), is
 *     called once with &argc and &argv, before any input. The command line
 *     is already parsed then; changes the target makes to it are not read.
 *     CHAINFUZZ_WARM_UP is set to 0 first unless the environment has it:
 *     the targets' warm-up (certgen/warm_up.h) is for fuzzing engines, and
 *     would add up to a second to every handshake replay.
 *  2. Each PATH, in command-line order. A directory is walked recursively,
 *     its entries sorted by name with strcmp (not the locale's order), so
 *     the order is the same on every machine. Entries whose name starts with
 *     '.' are skipped with a note (a PATH given on the command line always
 *     runs). Symlinks are followed; a directory that links back to one of
 *     its ancestors is a failure, not a loop.
 *  3. For each input file: "Running: PATH" on stderr; the file is read and
 *     each run gets a fresh malloc'd copy of exactly its size, so ASan
 *     catches a one-byte overread (an empty file gives a valid non-NULL
 *     pointer with size 0, as in libFuzzer, placed so that ASan catches a
 *     read of data[0] too); LLVMFuzzerTestOneInput; then
 *     "Executed PATH in N ms" (N: all runs of that input).
 *  4. The list of failures, then "replay: N inputs, N passed, N failed" on
 *     stderr.
 *
 * Failures that are reported and counted, after which the run goes on:
 *  - a path that cannot be read (nonexistent, dangling symlink, permission
 *    denied, read error) or that is neither a regular file nor a directory
 *    (reading a FIFO or a device could block or never end);
 *  - a directory with no input file in it, recursively: each such directory
 *    (a subdirectory too) is one failure, never a silent skip;
 *  - LLVMFuzzerTestOneInput returned something other than 0 or -1 (-1 is
 *    libFuzzer's "reject this input from the corpus", which is fine);
 *  - the target wrote to its const input (libFuzzer checks this too).
 * Each of these counts as one input, so inputs = passed + failed.
 *
 * Failures that end the run at once, because the state of the process is
 * unknown after them (the remaining inputs do not run, no summary):
 *  - a crash: the sanitizer (or, without one, the signal) reports it and the
 *    process exits non-zero;
 *  - a timeout: a SIGALRM handler (setitimer, wall clock) writes
 *    "==replay== TIMEOUT: PATH took more than N seconds", the stack trace if
 *    a sanitizer runtime is linked, and exits 70 like libFuzzer;
 *  - the target calling exit(): "==replay== ERROR: ..." and exit 1, so that
 *    a target cannot end a replay early with status 0.
 * "Running: PATH" is printed first, so the last such line names the input.
 *
 * Exit status: 0 if every input passed (and there was at least one); 1 if
 * any failed; 2 on a usage error; 70 on a timeout; on a crash, the status
 * the sanitizer or the signal gives (LeakSanitizer's, at exit, on a leak). */
#if !defined(_POSIX_C_SOURCE) || _POSIX_C_SOURCE < 200809L
#undef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* The target's entry points; LLVMFuzzerInitialize is optional. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

/* __sanitizer_print_stack_trace is defined by the sanitizer runtimes, when
 * one is linked; the timeout handler prints the target's stack with it. */
__attribute__((weak)) void __sanitizer_print_stack_trace(void);

/* LLVMFuzzerMutate is libFuzzer's mutator, which a target's
 * LLVMFuzzerCustomMutator may call. The replay driver runs no mutator, so
 * this is never called; it only lets such targets link. Weak, so a
 * definition elsewhere wins. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
__attribute__((weak)) size_t LLVMFuzzerMutate(uint8_t *data, size_t size,
                                              size_t max_size) {
  (void)data;
  (void)max_size;
  return size;
}

#define REPLAY_DEFAULT_TIMEOUT_S 25
#define REPLAY_MAX_TIMEOUT_S INT32_MAX
#define REPLAY_EXIT_FAILURE 1
#define REPLAY_EXIT_USAGE 2
#define REPLAY_EXIT_TIMEOUT 70

/* replay_config is what the command line asks for. */
struct replay_config {
  uint32_t timeout_s; /* per call; 0: no timeout */
  uint32_t runs;      /* calls per input, >= 1 */
  int help;
};

/* replay_state counts the inputs and keeps the failures for the report. */
struct replay_state {
  const struct replay_config *config;
  uint64_t passed;
  uint64_t failed;
  char **failures; /* "PATH: reason", malloc'd */
  size_t failures_len;
  size_t failures_cap;
};

/* dir_frame is one directory on the walk's current path, to detect a
 * symlink back to an ancestor. */
struct dir_frame {
  dev_t dev;
  ino_t ino;
  const struct dir_frame *parent;
};

/* What the signal and exit handlers need; set before the target is called. */
static const char *g_current_path = "";
static size_t g_current_path_len;
static uint32_t g_timeout_s;
static volatile sig_atomic_t g_in_target;

/* write_str writes |len| bytes of |s| to stderr; async-signal-safe. */
static void write_str(const char *s, size_t len) {
  while (len > 0) {
    ssize_t n = write(STDERR_FILENO, s, len);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    s += n;
    len -= (size_t)n;
  }
}

/* format_u32 writes |v| in decimal to |out| (at least 11 bytes, not
 * NUL-terminated) and returns its length; async-signal-safe. */
static size_t format_u32(char *out, uint32_t v) {
  char tmp[10];
  size_t len = 0;
  do {
    tmp[len++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (size_t i = 0; i < len; i++) {
    out[i] = tmp[len - 1 - i];
  }
  return len;
}

/* on_timeout is the SIGALRM handler: it reports the input that ran too long
 * and exits; async-signal-safe except for the sanitizer's stack printer,
 * which libFuzzer calls from its timeout handler as well. */
static void on_timeout(int sig) {
  static const char kPrefix[] = "==replay== TIMEOUT: ";
  static const char kMiddle[] = " took more than ";
  static const char kSuffix[] = " seconds\n";
  char num[11];
  size_t num_len = format_u32(num, g_timeout_s);

  (void)sig;
  write_str(kPrefix, sizeof(kPrefix) - 1);
  write_str(g_current_path, g_current_path_len);
  write_str(kMiddle, sizeof(kMiddle) - 1);
  write_str(num, num_len);
  write_str(kSuffix, sizeof(kSuffix) - 1);
  if (__sanitizer_print_stack_trace != NULL) {
    __sanitizer_print_stack_trace();
  }
  _exit(REPLAY_EXIT_TIMEOUT);
}

/* on_exit_check runs at exit(): an exit from inside the target would
 * otherwise end the replay early, possibly with status 0. */
static void on_exit_check(void) {
  static const char kMsg[] =
      "==replay== ERROR: the target called exit() while running ";
  if (!g_in_target) {
    return;
  }
  write_str(kMsg, sizeof(kMsg) - 1);
  write_str(g_current_path, g_current_path_len);
  write_str("\n", 1);
  _exit(REPLAY_EXIT_FAILURE);
}

/* set_timer arms the wall-clock timer for |secs| seconds; 0 disarms it. */
static int set_timer(uint32_t secs) {
  struct itimerval it;
  memset(&it, 0, sizeof(it));
  it.it_value.tv_sec = (time_t)secs;
  return setitimer(ITIMER_REAL, &it, NULL) == 0;
}

/* install_handlers sets up the timeout and exit handlers. */
static int install_handlers(const struct replay_config *config) {
  struct sigaction sa;

  g_timeout_s = config->timeout_s;
  if (atexit(on_exit_check) != 0) {
    return 0;
  }
  if (config->timeout_s == 0) {
    return 1;
  }
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_timeout;
  sigemptyset(&sa.sa_mask);
  return sigaction(SIGALRM, &sa, NULL) == 0;
}

/* now_ms returns a monotonic clock in milliseconds. */
static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* usage prints how to call |argv0| to |out|. */
static void usage(FILE *out, const char *argv0) {
  fprintf(out,
          "usage: %s [-timeout=SECS] [-runs=N] [-help=1] PATH...\n"
          "Replays each input file through the target's "
          "LLVMFuzzerTestOneInput, without a\n"
          "fuzzing engine. PATH is a file or a directory (walked "
          "recursively, in strcmp\n"
          "order; names starting with '.' are skipped).\n"
          "  -timeout=SECS  wall-clock limit per run (default %d; 0 "
          "disables)\n"
          "  -runs=N        run each input N times (default 1)\n"
          "  -help=1        print this help\n"
          "Other libFuzzer flags (-NAME=VALUE) are accepted and ignored. "
          "Write a path that\n"
          "starts with '-' as ./PATH.\n"
          "Exit status: 0 all inputs passed, 1 a failure, 2 usage error, "
          "70 timeout;\n"
          "on a crash, the sanitizer's status.\n"
          "Example: %s -timeout=25 corpus/TARGET crashes/TARGET\n",
          argv0, REPLAY_DEFAULT_TIMEOUT_S, argv0);
}

/* parse_u32 sets |*out| to the decimal number |s| and returns 1 if |s| is
 * only digits and the number is within [min, max]; 0 otherwise. */
static int parse_u32(uint32_t *out, const char *s, uint32_t min,
                     uint32_t max) {
  uint64_t v = 0;

  if (*s == '\0') {
    return 0;
  }
  for (; *s != '\0'; s++) {
    if (*s < '0' || *s > '9') {
      return 0;
    }
    v = v * 10 + (uint64_t)(*s - '0');
    if (v > max) {
      return 0;
    }
  }
  if (v < min) {
    return 0;
  }
  *out = (uint32_t)v;
  return 1;
}

/* flag_is returns 1 if the flag name |name| (|name_len| bytes, not
 * NUL-terminated) is |want|. */
static int flag_is(const char *name, size_t name_len, const char *want) {
  return strlen(want) == name_len && memcmp(name, want, name_len) == 0;
}

/* parse_flag applies the flag |arg| ("-NAME=VALUE") to |config|. It returns
 * 0, after saying what is wrong, if |arg| is not a valid flag. */
static int parse_flag(struct replay_config *config, const char *arg) {
  const char *name = arg + 1;
  const char *eq = strchr(name, '=');
  const char *value;
  size_t name_len;
  uint32_t v;

  if (eq == NULL || eq == name) {
    fprintf(stderr,
            "replay: %s: not a flag; flags are -NAME=VALUE, and a path that "
            "starts with '-' is written ./PATH\n",
            arg);
    return 0;
  }
  name_len = (size_t)(eq - name);
  value = eq + 1;
  if (flag_is(name, name_len, "timeout")) {
    if (!parse_u32(&config->timeout_s, value, 0, REPLAY_MAX_TIMEOUT_S)) {
      fprintf(stderr,
              "replay: %s: -timeout takes whole seconds, e.g. -timeout=25 "
              "(0 disables it)\n",
              arg);
      return 0;
    }
  } else if (flag_is(name, name_len, "runs")) {
    if (!parse_u32(&config->runs, value, 1, UINT32_MAX)) {
      fprintf(stderr,
              "replay: %s: -runs takes a count of 1 or more, e.g. -runs=3\n",
              arg);
      return 0;
    }
  } else if (flag_is(name, name_len, "help")) {
    if (!parse_u32(&v, value, 0, UINT32_MAX)) {
      fprintf(stderr, "replay: %s: write -help=1\n", arg);
      return 0;
    }
    config->help = v != 0;
  } else {
    fprintf(stderr, "replay: note: ignoring flag %s (not used by the replay "
                    "driver)\n",
            arg);
  }
  return 1;
}

/* parse_args applies the flags in |argv| to |config| and collects the other
 * arguments in |paths| (room for |argc| entries), their number in
 * |*out_paths_len|. It returns 0 on a usage error. */
static int parse_args(struct replay_config *config, const char **paths,
                      size_t *out_paths_len, int argc, char **argv) {
  size_t paths_len = 0;

  for (int i = 1; i < argc; i++) {
    if (argv[i][0] != '-') {
      paths[paths_len++] = argv[i];
    } else if (!parse_flag(config, argv[i])) {
      return 0;
    }
  }
  *out_paths_len = paths_len;
  return 1;
}

/* out_of_memory ends the process: the driver's own bookkeeping failed. */
__attribute__((noreturn)) static void out_of_memory(void) {
  fprintf(stderr, "replay: out of memory\n");
  exit(REPLAY_EXIT_FAILURE);
}

/* record_failure counts a failure of |path|, prints it and keeps it for the
 * final report. */
__attribute__((format(printf, 3, 4))) static void record_failure(
    struct replay_state *r, const char *path, const char *fmt, ...) {
  char reason[512];
  size_t entry_len;
  char *entry;
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(reason, sizeof(reason), fmt, ap);
  va_end(ap);
  fprintf(stderr, "replay: FAILED: %s: %s\n", path, reason);
  r->failed++;

  if (r->failures_len == r->failures_cap) {
    size_t cap = r->failures_cap == 0 ? 16 : 2 * r->failures_cap;
    char **grown = realloc(r->failures, cap * sizeof(char *));
    if (grown == NULL) {
      out_of_memory();
    }
    r->failures = grown;
    r->failures_cap = cap;
  }
  entry_len = strlen(path) + 2 + strlen(reason) + 1;
  entry = malloc(entry_len);
  if (entry == NULL) {
    out_of_memory();
  }
  snprintf(entry, entry_len, "%s: %s", path, reason);
  r->failures[r->failures_len++] = entry;
}

/* alloc_input returns a malloc'd block for a |len|-byte input (NULL if out
 * of memory) and sets |*out_data| to where the input goes: the block itself,
 * or, for |len| 0, the end of a 1-byte block. That is a valid non-NULL
 * pointer of which every byte is out of bounds, so ASan reports even a read
 * of data[0]; libFuzzer's new[0] would not catch it, as ASan gives a
 * zero-size allocation one addressable byte. */
static uint8_t *alloc_input(uint8_t **out_data, size_t len) {
  uint8_t *block = malloc(len > 0 ? len : 1);
  if (block != NULL) {
    *out_data = len > 0 ? block : block + 1;
  }
  return block;
}

/* read_file sets |*out| to a malloc'd buffer holding the file at |path|,
 * exactly |*out_len| bytes, and returns 1. On error it sets |*out_why| to a
 * static string and returns 0. */
static int read_file(uint8_t **out, size_t *out_len, const char **out_why,
                     const char *path) {
  int ret = 0;
  uint8_t *buf = NULL;
  size_t len, done = 0;
  struct stat st;
  /* O_NONBLOCK: opening a FIFO must not block; no effect on regular files. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0 || fstat(fd, &st) != 0) {
    *out_why = strerror(errno);
    goto err;
  }
  if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > SIZE_MAX) {
    *out_why = "not a regular file";
    goto err;
  }
  len = (size_t)st.st_size;
  buf = malloc(len > 0 ? len : 1);
  if (buf == NULL) {
    *out_why = "out of memory";
    goto err;
  }
  while (done < len) {
    ssize_t n = read(fd, buf + done, len - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      *out_why = n < 0 ? strerror(errno) : "the file shrank while read";
      goto err;
    }
    done += (size_t)n;
  }
  *out = buf;
  *out_len = len;
  buf = NULL;
  ret = 1;

err:
  free(buf);
  if (fd >= 0) {
    close(fd);
  }
  return ret;
}

/* call_target runs LLVMFuzzerTestOneInput once on a fresh copy of |data|,
 * under the timeout. It returns 1 if the target returned 0 or -1 and left
 * its input alone; otherwise 0, with the reason in |why|. */
static int call_target(char *why, size_t why_len, const uint8_t *data,
                       size_t data_len, uint32_t timeout_s) {
  int ret = 0, rv;
  uint8_t *copy = NULL;
  uint8_t *block = alloc_input(&copy, data_len);

  if (block == NULL) {
    snprintf(why, why_len, "out of memory for a %zu-byte input", data_len);
    goto err;
  }
  if (data_len > 0) {
    memcpy(copy, data, data_len);
  }
  if (!set_timer(timeout_s)) {
    snprintf(why, why_len, "setitimer: %s", strerror(errno));
    goto err;
  }
  g_in_target = 1;
  rv = LLVMFuzzerTestOneInput(copy, data_len);
  g_in_target = 0;
  set_timer(0);
  if (rv != 0 && rv != -1) {
    snprintf(why, why_len,
             "LLVMFuzzerTestOneInput returned %d (must be 0, or -1 to reject "
             "the input)",
             rv);
    goto err;
  }
  if (data_len > 0 && memcmp(copy, data, data_len) != 0) {
    snprintf(why, why_len, "the target wrote to its const input");
    goto err;
  }
  ret = 1;

err:
  free(block);
  return ret;
}

/* replay_file runs the input file |path| config->runs times and counts the
 * result. */
static void replay_file(struct replay_state *r, const char *path) {
  uint8_t *data = NULL;
  size_t data_len = 0;
  const char *read_why = "";
  char why[256] = "";
  uint64_t start_ms;
  int ok = 1;

  fprintf(stderr, "Running: %s\n", path);
  if (!read_file(&data, &data_len, &read_why, path)) {
    record_failure(r, path, "cannot read: %s", read_why);
    return;
  }
  g_current_path = path;
  g_current_path_len = strlen(path);
  start_ms = now_ms();
  for (uint32_t i = 0; ok && i < r->config->runs; i++) {
    ok = call_target(why, sizeof(why), data, data_len, r->config->timeout_s);
  }
  fprintf(stderr, "Executed %s in %" PRIu64 " ms\n", path,
          now_ms() - start_ms);
  g_current_path = "";
  g_current_path_len = 0;
  free(data);
  if (ok) {
    r->passed++;
  } else {
    record_failure(r, path, "%s", why);
  }
}

/* join_path returns "DIR/NAME", malloc'd. */
static char *join_path(const char *dir, const char *name) {
  size_t dir_len = strlen(dir);
  const char *sep = (dir_len > 0 && dir[dir_len - 1] == '/') ? "" : "/";
  size_t out_len = dir_len + strlen(sep) + strlen(name) + 1;
  char *out = malloc(out_len);

  if (out == NULL) {
    out_of_memory();
  }
  snprintf(out, out_len, "%s%s%s", dir, sep, name);
  return out;
}

/* compare_names orders directory entries by strcmp, for qsort. */
static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* free_names frees |names_len| strings and the array |names|. */
static void free_names(char **names, size_t names_len) {
  for (size_t i = 0; i < names_len; i++) {
    free(names[i]);
  }
  free(names);
}

/* list_dir sets |*out_names| to the sorted entry names of directory |path|
 * (without "." and ".."), their number in |*out_names_len|, and returns 1;
 * on error it returns 0 with errno set. */
static int list_dir(char ***out_names, size_t *out_names_len,
                    const char *path) {
  int ret = 0, saved_errno = 0;
  char **names = NULL;
  size_t names_len = 0, names_cap = 0;
  struct dirent *de;
  DIR *dir = opendir(path);

  if (dir == NULL) {
    return 0;
  }
  for (;;) {
    errno = 0;
    de = readdir(dir);
    if (de == NULL) {
      saved_errno = errno;
      break;
    }
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
      continue;
    }
    if (names_len == names_cap) {
      size_t cap = names_cap == 0 ? 32 : 2 * names_cap;
      char **grown = realloc(names, cap * sizeof(char *));
      if (grown == NULL) {
        saved_errno = ENOMEM;
        goto err;
      }
      names = grown;
      names_cap = cap;
    }
    names[names_len] = strdup(de->d_name);
    if (names[names_len] == NULL) {
      saved_errno = ENOMEM;
      goto err;
    }
    names_len++;
  }
  if (saved_errno != 0) {
    goto err;
  }
  if (names_len > 1) {
    qsort(names, names_len, sizeof(char *), compare_names);
  }
  *out_names = names;
  *out_names_len = names_len;
  names = NULL;
  names_len = 0;
  ret = 1;

err:
  free_names(names, names_len);
  closedir(dir);
  errno = saved_errno;
  return ret;
}

static uint64_t replay_path(struct replay_state *r, const char *path,
                            const struct dir_frame *parent);

/* is_ancestor returns 1 if |st| is one of the directories in |frame|. */
static int is_ancestor(const struct dir_frame *frame, const struct stat *st) {
  for (; frame != NULL; frame = frame->parent) {
    if (frame->dev == st->st_dev && frame->ino == st->st_ino) {
      return 1;
    }
  }
  return 0;
}

/* replay_dir replays every non-hidden entry of directory |path| (whose stat
 * is |st|), in strcmp order, recursively; a directory that yields no input
 * is a failure. */
static void replay_dir(struct replay_state *r, const char *path,
                       const struct stat *st, const struct dir_frame *parent) {
  struct dir_frame frame = {st->st_dev, st->st_ino, parent};
  char **names = NULL;
  size_t names_len = 0, hidden = 0;
  uint64_t inputs = 0;

  if (is_ancestor(parent, st)) {
    record_failure(r, path, "directory cycle (a symlink to an ancestor)");
    return;
  }
  if (!list_dir(&names, &names_len, path)) {
    record_failure(r, path, "cannot read directory: %s", strerror(errno));
    return;
  }
  for (size_t i = 0; i < names_len; i++) {
    char *child = join_path(path, names[i]);
    if (names[i][0] == '.') {
      fprintf(stderr, "replay: note: skipping hidden %s\n", child);
      hidden++;
    } else {
      inputs += replay_path(r, child, &frame);
    }
    free(child);
  }
  free_names(names, names_len);
  if (inputs == 0) {
    record_failure(r, path,
                   "no input files in this directory (%zu hidden entries "
                   "skipped); an empty corpus is an error",
                   hidden);
  }
}

/* replay_path replays the file or directory |path| and returns how many
 * inputs it counted (passed or failed). */
static uint64_t replay_path(struct replay_state *r, const char *path,
                            const struct dir_frame *parent) {
  uint64_t before = r->passed + r->failed;
  struct stat st;

  if (stat(path, &st) != 0) {
    record_failure(r, path, "cannot read: %s", strerror(errno));
  } else if (S_ISDIR(st.st_mode)) {
    replay_dir(r, path, &st, parent);
  } else if (S_ISREG(st.st_mode)) {
    replay_file(r, path);
  } else {
    record_failure(r, path, "not a regular file or directory");
  }
  return r->passed + r->failed - before;
}

/* report prints the failures and the summary line, and frees the list. */
static void report(struct replay_state *r) {
  if (r->failures_len > 0) {
    fprintf(stderr, "replay: failures:\n");
  }
  for (size_t i = 0; i < r->failures_len; i++) {
    fprintf(stderr, "replay:   %s\n", r->failures[i]);
  }
  fprintf(stderr,
          "replay: %" PRIu64 " inputs, %" PRIu64 " passed, %" PRIu64
          " failed\n",
          r->passed + r->failed, r->passed, r->failed);
  free_names(r->failures, r->failures_len);
  r->failures = NULL;
  r->failures_len = r->failures_cap = 0;
}

int main(int argc, char **argv) {
  struct replay_config config = {REPLAY_DEFAULT_TIMEOUT_S, 1, 0};
  struct replay_state r;
  const char *argv0 = argc > 0 ? argv[0] : "TARGET";
  const char **paths = NULL;
  size_t paths_len = 0;
  int ret = REPLAY_EXIT_USAGE;

  memset(&r, 0, sizeof(r));
  r.config = &config;
  paths = calloc((size_t)(argc > 0 ? argc : 1), sizeof(char *));
  if (paths == NULL) {
    out_of_memory();
  }
  if (!parse_args(&config, paths, &paths_len, argc, argv)) {
    usage(stderr, argv0);
    goto err;
  }
  if (config.help) {
    usage(stdout, argv0);
    ret = 0;
    goto err;
  }
  if (paths_len == 0) {
    fprintf(stderr, "replay: no PATH given: name the input files or corpus "
                    "directories to replay\n");
    usage(stderr, argv0);
    goto err;
  }
  if (!install_handlers(&config)) {
    fprintf(stderr, "replay: cannot install handlers: %s\n", strerror(errno));
    goto err;
  }

  if (LLVMFuzzerInitialize != NULL) {
    setenv("CHAINFUZZ_WARM_UP", "0", 0);
    LLVMFuzzerInitialize(&argc, &argv);
  }
  for (size_t i = 0; i < paths_len; i++) {
    replay_path(&r, paths[i], NULL);
  }
  ret = (r.failed == 0 && r.passed > 0) ? 0 : REPLAY_EXIT_FAILURE;
  report(&r);

err:
  free(paths);
  return ret;
}
