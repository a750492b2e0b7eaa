/* regress.c — `chainfuzz regress`: replay every bucket's reproducer with
 * the replay build of its target (its libFuzzer build when there is no
 * replay build) and say, one TAP line per bucket, whether
 * it still fails (expected while the bucket is open), is fixed, came back
 * after being fixed, or crashes differently now. Raw artifacts lying
 * directly in DIR/<target>/ are failures until triaged. tests/run.sh
 * counts the lines; exit 1 if any is "not ok". */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify.h"
#include "cli.h"
#include "minimize.h"
#include "report.h"
#include "run.h"
#include "store.h"

static void usage(FILE *out) {
  fprintf(out,
"usage: chainfuzz regress [options] [TARGET...]\n"
"\n"
"Replays the reproducer of every bucket in DIR (DIR/<target>/<bucket>/,\n"
"written by chainfuzz triage) with the target's binary and prints one TAP\n"
"line per bucket, then the plan (\"1..N\"):\n"
"  ok      open bucket, still fails the same way (expected: a known bug)\n"
"  ok      the reproducer passes now: fixed (--update records it)\n"
"  not ok  a bucket marked fixed fails again (regression)\n"
"  not ok  the reproducer crashes differently now (changed)\n"
"  not ok  a raw artifact lies in DIR/<target>/ (untriaged)\n"
"  not ok  a broken bucket (unreadable report.json, no reproducer) or no\n"
"          binary for the target\n"
"DIR/<target>/no-repro/ (artifacts that never reproduced) is replayed too\n"
"and always ok; the line says if one crashes now.\n"
"With TARGET names, only those targets' buckets.\n"
"\n"
"The binary of a target is <build>/replay/bin/<target>, or\n"
"<build>/libfuzzer/bin/<target> when only the libFuzzer flavor of it is\n"
"built (make fuzz), chosen per target; with --bin-dir, BIN_DIR/<target>.\n"
"The first line says which; \"binaries: per target\" is followed by a\n"
"\"# <target>: <binary>\" line before each target's lines.\n"
"\n"
"Options:\n"
"  --dir DIR        crash directory (default: $CHAINFUZZ_CRASHES_DIR or\n"
"                   <repo>/crashes)\n"
"  --bin-dir DIR    where target binaries are (default, per target:\n"
"                   <build>/replay/bin, else <build>/libfuzzer/bin)\n"
"  --update         write what changed back to report.json (atomically):\n"
"                   a fixed bucket gets status \"fixed\" and\n"
"                   expected_failing false, so that it fails make test\n"
"                   if it ever crashes again\n"
"  --timeout SECS   -timeout= for every replay (default: the one each\n"
"                   bucket was triaged with)\n"
"  -h, --help       this help\n"
"\n"
"Exit status: 0 every line ok, 1 a \"not ok\" line, 2 usage or environment\n"
"error.\n"
"\n"
"Example:\n"
"  chainfuzz regress                 # what make test runs\n"
"  chainfuzz regress --update chain_verify\n");
}

/* regress holds the state of one run. */
struct regress {
  char dir[PATH_MAX];   /* DIR, absolute or as given */
  char shown[PATH_MAX]; /* DIR as printed */
  char bin_dir[PATH_MAX]; /* --bin-dir, or "": cf_target_bin per target */
  struct cf_paths paths;  /* valid when have_root */
  int have_root;
  int per_target;       /* binaries from more than one directory */
  unsigned timeout;     /* 0: per bucket */
  int update;
  int n;                /* TAP lines so far */
  int failed;
  struct cf_crash *now, *was;
};

/* clean copies |in| to |out| with control characters and '#' (a TAP
 * directive) replaced: names of raw files come from fuzzers. */
static void clean(char *out, size_t out_len, const char *in) {
  size_t i = 0;
  for (; *in != '\0' && i + 1 < out_len; in++) {
    unsigned char ch = (unsigned char)*in;
    out[i++] = (ch < 0x20 || ch == 0x7f || ch == '#') ? '?' : (char)ch;
  }
  out[i] = '\0';
}

__attribute__((format(printf, 3, 4))) static void tap(struct regress *rg,
                                                      int ok,
                                                      const char *fmt, ...) {
  va_list ap;
  char line[4096];
  char safe[4096];
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  /* One line, no stray directive. The caller adds "# SKIP" itself. */
  for (char *p = line; *p != '\0'; p++) {
    if (*p == '\n' || *p == '\r') {
      *p = ' ';
    }
  }
  snprintf(safe, sizeof(safe), "%s", line);
  rg->n++;
  if (!ok) {
    rg->failed++;
  }
  printf("%sok %d - %s\n", ok ? "" : "not ", rg->n, safe);
  fflush(stdout);
}

/* diag prints up to |max| lines of a run's output as TAP diagnostics,
 * from the first line of the report (sanitizer ERROR, runtime error,
 * finding, timeout) or else its last lines. */
static void diag(const char *text, size_t len, int max) {
  static const char *const kStarts[] = {"ERROR: ", "runtime error:",
                                        "==chainfuzz== ", "==replay== "};
  const char *p = NULL, *end = text + len;
  for (size_t i = 0; i < sizeof(kStarts) / sizeof(kStarts[0]) && p == NULL;
       i++) {
    p = strstr(text, kStarts[i]);
  }
  if (p != NULL) {
    while (p > text && p[-1] != '\n') {
      p--;
    }
  } else {
    int lines = 0;
    p = end;
    while (p > text && lines <= max) {
      p--;
      if (*p == '\n' && p + 1 < end) {
        lines++;
      }
    }
    if (lines > max) {
      p++;
    }
  }
  for (int n = 0; p < end && n < max; n++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
    printf("#   | %.*s\n", (int)l, p);
    p += l + (nl ? 1 : 0);
  }
}

/* still_same says whether the new crash |now| is still the bucket's
 * |was|. A resource crash (timeout, out-of-memory) is stopped wherever the
 * program happens to be, so its stack moves between runs: the type alone
 * decides for those. */
static int still_same(const struct cf_crash *was, const struct cf_crash *now) {
  static const char *const kResource[] = {"Timeout", "Out-of-memory",
                                          "Malloc-limit"};
  if (cf_same_bucket(was, now)) {
    return 1;
  }
  for (size_t i = 0; i < sizeof(kResource) / sizeof(kResource[0]); i++) {
    if (strcmp(was->type, kResource[i]) == 0) {
      return strcmp(now->type, kResource[i]) == 0;
    }
  }
  return 0;
}

/* replay_bucket replays one bucket. */
static void replay_bucket(struct regress *rg, const struct cf_store *s,
                          struct cf_bucket *b, const char *bin) {
  char bdir[PATH_MAX], repro[PATH_MAX], name[PATH_MAX + 64];
  char was_sum[512], now_sum[512];
  struct cf_target *t = calloc(1, sizeof(*t));
  struct cf_run_result r;
  int crashed_same = 0, crashed_other = 0;
  unsigned runs, timeout;

  memset(&r, 0, sizeof(r));
  snprintf(name, sizeof(name), "%s/%s/%s", rg->shown, s->target, b->bucket);
  if (t == NULL || !cf_path_join(bdir, sizeof(bdir), s->dir, b->bucket) ||
      !cf_path_join(repro, sizeof(repro), bdir, "reproducer")) {
    tap(rg, 0, "%s: internal error", name);
    free(t);
    return;
  }
  if (access(repro, R_OK) != 0) {
    tap(rg, 0, "%s: broken bucket: no readable reproducer (%s)", name,
        strerror(errno));
    free(t);
    return;
  }
  timeout = rg->timeout != 0 ? rg->timeout
                             : (b->timeout_secs > 0 ? b->timeout_secs : 25);
  cf_target_init(t, bin, s->target, timeout, b->rss_limit_mb);
  cf_bucket_to_crash(rg->was, b);
  cf_report_summary(was_sum, sizeof(was_sum), rg->was);
  /* A flaky bucket gets a few chances to show it still fails. */
  runs = b->flaky ? (b->reproduced_n > 3 ? b->reproduced_n : 3) : 1;
  for (unsigned i = 0; i < runs && !crashed_same; i++) {
    cf_run_result_free(&r);
    if (!cf_target_run(t, repro, &r, rg->now) || !r.spawned) {
      tap(rg, 0, "%s: cannot run %s: %s", name, bin,
          r.spawned ? "internal error" : strerror(r.spawn_errno));
      cf_run_result_free(&r);
      free(t);
      return;
    }
    if (rg->now->crashed) {
      if (still_same(rg->was, rg->now)) {
        crashed_same = 1;
      } else {
        crashed_other = 1;
        cf_report_summary(now_sum, sizeof(now_sum), rg->now);
      }
    }
  }
  if (crashed_same) {
    if (b->expected_failing && !b->fixed) {
      tap(rg, 1, "%s: open, still failing (expected): %s", name, was_sum);
    } else {
      tap(rg, 0, "%s: REGRESSION: marked fixed, fails again: %s", name,
          was_sum);
      printf("#   reproduce: chainfuzz repro %s %s\n", s->target, repro);
      diag(r.output, r.output_len, 14);
    }
  } else if (crashed_other) {
    tap(rg, 0, "%s: changed: now %s (was %s)", name, now_sum, was_sum);
    printf("#   the bug moved or a new one hides it; look with: chainfuzz "
           "repro %s %s\n", s->target, repro);
    diag(r.output, r.output_len, 14);
  } else if (b->fixed) {
    tap(rg, 1, "%s: fixed, still passes", name);
  } else if (rg->update) {
    b->fixed = 1;
    b->expected_failing = 0;
    if (cf_bucket_write_reports(b, bdir)) {
      tap(rg, 1, "%s: fixed (reproducer passes); recorded: status fixed",
          name);
    } else {
      tap(rg, 0, "%s: fixed (reproducer passes), but report.json could not "
          "be updated: %s", name, strerror(errno));
    }
  } else {
    tap(rg, 1, "%s: fixed (reproducer passes); record it with chainfuzz "
        "regress --update", name);
  }
  cf_run_result_free(&r);
  free(t);
}

/* replay_no_repro replays the originals that never reproduced. */
static void replay_no_repro(struct regress *rg, const struct cf_store *s,
                            const struct cf_bucket *b, const char *bin) {
  char name[PATH_MAX + 64], path[PATH_MAX], first[PATH_MAX] = "";
  struct cf_target *t = calloc(1, sizeof(*t));
  size_t crashing = 0;

  snprintf(name, sizeof(name), "%s/%s/%s", rg->shown, s->target, b->bucket);
  if (t == NULL) {
    tap(rg, 0, "%s: internal error", name);
    return;
  }
  cf_target_init(t, bin, s->target,
                 rg->timeout != 0 ? rg->timeout : (b->timeout_secs ? b->timeout_secs : 25),
                 b->rss_limit_mb);
  for (size_t i = 0; i < b->num_originals; i++) {
    char rel[64];
    snprintf(rel, sizeof(rel), "%s/originals/%s", b->bucket, b->originals[i]);
    if (!cf_path_join(path, sizeof(path), s->dir, rel) ||
        !cf_target_run(t, path, NULL, rg->now)) {
      continue;
    }
    if (rg->now->crashed) {
      if (crashing++ == 0) {
        snprintf(first, sizeof(first), "%s/%s/%s", rg->shown, s->target, rel);
      }
    }
  }
  if (crashing == 0) {
    tap(rg, 1, "%s: %zu artifact%s that did not reproduce at triage; none "
        "crashes now", name, b->num_originals,
        b->num_originals == 1 ? "" : "s");
  } else {
    tap(rg, 1, "%s: %zu of %zu artifacts that did not reproduce at triage "
        "crash now (flaky or state-dependent?); look with: chainfuzz repro "
        "%s %s", name, crashing, b->num_originals, s->target, first);
  }
  free(t);
}

/* target_bin writes the binary of |target|: BIN_DIR/|target| with
 * --bin-dir, else the replay build's or, when there is none, the libFuzzer
 * build's (cf_target_bin). 0 if the path is too long. */
static int target_bin(const struct regress *rg, char *out, size_t out_len,
                      const char *target) {
  if (rg->bin_dir[0] != '\0' || !rg->have_root) {
    return cf_path_join(out, out_len, rg->bin_dir, target);
  }
  return cf_target_bin(out, out_len, &rg->paths, target);
}

/* bin_dir_of writes the directory of target |target|'s binary to |out|
 * ("" if the path is too long). */
static void bin_dir_of(const struct regress *rg, char *out, size_t out_len,
                       const char *target) {
  char *slash;
  if (!target_bin(rg, out, out_len, target)) {
    out[0] = '\0';
    return;
  }
  slash = strrchr(out, '/');
  if (slash != NULL) {
    *slash = '\0';
  }
}

/* regress_target replays the buckets of one target. */
static void regress_target(struct regress *rg, const char *target) {
  struct cf_store s;
  char err[PATH_MAX + 256], bin[PATH_MAX], why[PATH_MAX + 64];
  char name[PATH_MAX + 64], safe[PATH_MAX];
  int have_bin;

  if (!cf_store_load(&s, rg->dir, target, 0, err, sizeof(err))) {
    tap(rg, 0, "%s/%s: cannot read: %s", rg->shown, target, err);
    return;
  }
  snprintf(why, sizeof(why), "path too long");
  have_bin = target_bin(rg, bin, sizeof(bin), target) &&
             cf_target_check(bin, why, sizeof(why));
  if (rg->per_target && (s.num_buckets > 0 || s.num_raw > 0 ||
                         s.num_broken > 0)) {
    printf("# %s: %s\n", target, bin);
  }
  for (size_t i = 0; i < s.num_buckets; i++) {
    struct cf_bucket *b = s.buckets[i];
    if (!have_bin) {
      tap(rg, 0, "%s/%s/%s: cannot replay: no target binary (%s); build it "
          "with ./build.sh --flavor replay --targets %s, or remove the "
          "bucket if the target is gone", rg->shown, target, b->bucket, why,
          target);
      continue;
    }
    if (strcmp(b->bucket, CF_NO_REPRO) == 0) {
      replay_no_repro(rg, &s, b, bin);
    } else {
      replay_bucket(rg, &s, b, bin);
    }
  }
  for (size_t i = 0; i < s.num_raw; i++) {
    clean(safe, sizeof(safe), s.raw[i]);
    snprintf(name, sizeof(name), "%s/%s/%s", rg->shown, target, safe);
    tap(rg, 0, "%s: untriaged: run chainfuzz triage %s %s/%s/", name, target,
        rg->shown, target);
  }
  for (size_t i = 0; i < s.num_broken; i++) {
    clean(safe, sizeof(safe), s.broken[i]);
    tap(rg, 0, "%s/%s/%s (broken bucket; fix or remove it)", rg->shown,
        target, safe);
  }
  cf_store_free(&s);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int cf_cmd_regress(int argc, char **argv) {
  static const struct option kOpts[] = {
      {"dir", required_argument, NULL, 'd'},
      {"bin-dir", required_argument, NULL, 'B'},
      {"update", no_argument, NULL, 'u'},
      {"timeout", required_argument, NULL, 'T'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  struct regress rg;
  struct cf_paths paths;
  const char *dir = NULL, *bin_dir = NULL;
  char err[PATH_MAX + 256];
  char **names = NULL;
  size_t num_names = 0;
  int c, have_root, lock_fd = -1;

  memset(&rg, 0, sizeof(rg));
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", kOpts, NULL)) != -1) {
    switch (c) {
      case 'd': dir = optarg; break;
      case 'B': bin_dir = optarg; break;
      case 'u': rg.update = 1; break;
      case 'T':
        if (!cf_parse_u32_arg(&rg.timeout, "regress", "--timeout", optarg, 1,
                              86400)) {
          return CF_EXIT_USAGE;
        }
        break;
      case 'h': usage(stdout); return CF_EXIT_OK;
      default:
        fprintf(stderr, "chainfuzz regress: unknown option or missing value: "
                "%s\nRun 'chainfuzz regress --help' for the options.\n",
                argv[optind - 1]);
        return CF_EXIT_USAGE;
    }
  }
  for (int i = optind; i < argc; i++) {
    if (!cf_valid_target_name(argv[i])) {
      fprintf(stderr, "chainfuzz regress: '%s' is not a target name "
              "([A-Za-z0-9_-])\n", argv[i]);
      return CF_EXIT_USAGE;
    }
  }
  have_root = cf_paths_init(&paths, err, sizeof(err));
  if (!have_root && (dir == NULL || bin_dir == NULL)) {
    fprintf(stderr, "chainfuzz regress: %s (or give --dir and --bin-dir)\n",
            err);
    return CF_EXIT_USAGE;
  }
  snprintf(rg.dir, sizeof(rg.dir), "%s", dir != NULL ? dir : paths.crashes);
  if (bin_dir != NULL) {
    snprintf(rg.bin_dir, sizeof(rg.bin_dir), "%s", bin_dir);
  }
  rg.have_root = have_root;
  if (have_root) {
    rg.paths = paths;
  }
  {
    char cwd[PATH_MAX];
    if (dir != NULL) {
      snprintf(rg.shown, sizeof(rg.shown), "%s", dir);
    } else if (getcwd(cwd, sizeof(cwd)) != NULL) {
      cf_display_path(rg.shown, sizeof(rg.shown), cwd, rg.dir);
    } else {
      snprintf(rg.shown, sizeof(rg.shown), "%s", rg.dir);
    }
    size_t l = strlen(rg.shown);
    while (l > 1 && rg.shown[l - 1] == '/') {
      rg.shown[--l] = '\0';
    }
  }
  rg.now = malloc(sizeof(*rg.now));
  rg.was = malloc(sizeof(*rg.was));
  if (rg.now == NULL || rg.was == NULL) {
    free(rg.now);
    free(rg.was);
    return CF_EXIT_USAGE;
  }

  /* The targets: those named, or every directory in DIR. */
  if (optind < argc) {
    for (int i = optind; i < argc; i++) {
      char **nv = realloc(names, (num_names + 1) * sizeof(char *));
      if (nv == NULL) {
        break;
      }
      names = nv;
      names[num_names++] = strdup(argv[i]);
    }
  } else {
    DIR *d = opendir(rg.dir);
    struct dirent *e;
    if (d == NULL && errno != ENOENT) {
      fprintf(stderr, "chainfuzz regress: %s: %s\n", rg.dir, strerror(errno));
      free(rg.now);
      free(rg.was);
      return CF_EXIT_USAGE;
    }
    while (d != NULL && (e = readdir(d)) != NULL) {
      char p[PATH_MAX];
      struct stat st;
      if (e->d_name[0] == '.' || !cf_path_join(p, sizeof(p), rg.dir, e->d_name) ||
          lstat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
        continue; /* triage.sarif, .lock, ... */
      }
      char **nv = realloc(names, (num_names + 1) * sizeof(char *));
      if (nv == NULL) {
        break;
      }
      names = nv;
      names[num_names++] = strdup(e->d_name);
    }
    if (d != NULL) {
      closedir(d);
    }
  }
  for (size_t i = 0; i < num_names; i++) {
    if (names[i] == NULL) {
      fprintf(stderr, "chainfuzz regress: out of memory\n");
      return CF_EXIT_USAGE;
    }
  }
  if (num_names > 1) {
    qsort(names, num_names, sizeof(char *), cmp_str);
  }

  if (rg.update) {
    lock_fd = cf_lock_dir(rg.dir);
    if (lock_fd < 0) {
      fprintf(stderr, "chainfuzz regress: cannot lock %s: %s\n", rg.dir,
              strerror(errno));
      for (size_t i = 0; i < num_names; i++) {
        free(names[i]);
      }
      free(names);
      free(rg.now);
      free(rg.was);
      return CF_EXIT_USAGE;
    }
  }
  /* Which binaries: one directory for all targets, or per target (the
   * replay build of some, the libFuzzer build of others). */
  {
    char first[PATH_MAX] = "", one[PATH_MAX];
    int have_first = 0;
    if (rg.bin_dir[0] != '\0') {
      snprintf(first, sizeof(first), "%s", rg.bin_dir);
      have_first = 1;
    }
    for (size_t i = 0; rg.bin_dir[0] == '\0' && i < num_names; i++) {
      if (!cf_valid_target_name(names[i])) {
        continue;
      }
      bin_dir_of(&rg, one, sizeof(one), names[i]);
      if (!have_first) {
        snprintf(first, sizeof(first), "%s", one);
        have_first = 1;
      } else if (strcmp(first, one) != 0) {
        rg.per_target = 1;
      }
    }
    if (!have_first) {
      /* No target: where binaries would come from first. */
      snprintf(first, sizeof(first), "%s/replay/bin", rg.paths.build);
    }
    if (rg.per_target) {
      printf("# chainfuzz regress: %s (binaries: per target, from "
             "%s/replay/bin or else %s/libfuzzer/bin)\n", rg.shown,
             rg.paths.build, rg.paths.build);
    } else {
      printf("# chainfuzz regress: %s (binaries: %s)\n", rg.shown, first);
    }
  }
  for (size_t i = 0; i < num_names; i++) {
    if (!cf_valid_target_name(names[i])) {
      char safe[PATH_MAX];
      clean(safe, sizeof(safe), names[i]);
      tap(&rg, 0, "%s/%s: not a target name ([A-Za-z0-9_-]); move it away",
          rg.shown, safe);
      continue;
    }
    int before = rg.n;
    regress_target(&rg, names[i]);
    if (rg.n == before) {
      printf("ok %d - %s/%s: no buckets # SKIP nothing to replay\n", ++rg.n,
             rg.shown, names[i]);
    }
  }
  if (rg.n == 0) {
    printf("ok %d - %s: no buckets # SKIP nothing to replay\n", ++rg.n,
           rg.shown);
  }
  printf("1..%d\n", rg.n);
  if (rg.failed > 0) {
    printf("# %d of %d failed\n", rg.failed, rg.n);
  }
  fflush(stdout);
  if (lock_fd >= 0) {
    close(lock_fd);
  }
  for (size_t i = 0; i < num_names; i++) {
    free(names[i]);
  }
  free(names);
  free(rg.now);
  free(rg.was);
  return rg.failed > 0 ? CF_EXIT_FAIL : CF_EXIT_OK;
}
