/* triage.c — `chainfuzz triage`: reproduce each crash artifact N times,
 * classify it, put it in a bucket of crashes/<target>/ (new, or joined by
 * crash state), minimise the first reproducer of a new bucket, write
 * report.json / report.txt and one SARIF file for the run, and print a
 * table of the buckets touched. Everything written goes through a
 * temporary name and a rename; SIGINT/SIGTERM abandon the current artifact
 * and exit 130 with crashes/ consistent, and the next run skips artifacts
 * already stored (by content SHA-1). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>

#include "case_mutator.h"
#include "classify.h"
#include "cli.h"
#include "minimize.h"
#include "report.h"
#include "run.h"
#include "store.h"
#include "symbolize.h"

#define DEFAULT_RUNS 3
#define DEFAULT_TIMEOUT 25
#define DEFAULT_RSS_MB 2560
#define DEFAULT_MIN_RUNS 500
#define DEFAULT_MIN_SECS 30
#define DEFAULT_HANG_SLOTS 0

int cf_parse_u32_arg(unsigned *out, const char *cmd, const char *option,
                     const char *value, unsigned min, unsigned max) {
  char *end;
  unsigned long v;
  errno = 0;
  v = strtoul(value, &end, 10);
  if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 ||
      v < min || v > max) {
    fprintf(stderr, "chainfuzz %s: %s needs a whole number from %u to %u, "
            "not '%s'\n", cmd, option, min, max, value);
    return 0;
  }
  *out = (unsigned)v;
  return 1;
}

static void usage(FILE *out) {
  fprintf(out,
"usage: chainfuzz triage [options] [TARGET] ARTIFACT|DIR...\n"
"       chainfuzz triage [options] --target BIN ARTIFACT|DIR...\n"
"\n"
"Reproduces each crash artifact with the target's replay build (its\n"
"libFuzzer build when there is none), classifies the crash (type, access,\n"
"crash state from the top frames, severity, or the chainfuzz FINDING line),\n"
"and files it into a bucket:\n"
"  OUT/<target>/<bucket>/reproducer          minimised input\n"
"  OUT/<target>/<bucket>/originals/<sha1>    every artifact, named by content\n"
"  OUT/<target>/<bucket>/report.json, report.txt\n"
"  OUT/<target>/no-repro/originals/<sha1>    artifacts that never crashed\n"
"  OUT/triage.sarif                          this run's buckets, SARIF 2.1.0\n"
"Same target + type + crash state = same bucket (near-identical states are\n"
"folded). A bucket id is the first 12 hex digits of SHA-256 over\n"
"\"target\\ntype\\nstate\". Runs accumulate: an artifact whose content is\n"
"already stored is skipped; a new one joins its bucket (count, last_seen).\n"
"A new bucket is 'expected failing': `chainfuzz regress` (make test) keeps\n"
"passing while it fails and reports when it is fixed.\n"
"\n"
"ARTIFACT is any file: libFuzzer's crash-/leak-/timeout-/oom-/slow-unit-\n"
"files, AFL++'s crashes/id:* and hangs/id:* (give the crashes/ or hangs/\n"
"directory, or the AFL++ output directory), an OSS-Fuzz testcase. Directories\n"
"are walked; names starting with '.' and README.txt are skipped. Raw\n"
"artifacts lying in OUT/<target>/ (where make fuzz puts them) are removed\n"
"once stored in a bucket. A crash inside a custom mutator leaves libFuzzer an\n"
"empty artifact, and a mutation record beside it (.mutation-<pid>, hidden\n"
"but read: the call's input, seed and size limit; certgen/case_mutator.h):\n"
"the target replays the call, so the record is filed as a \"mutator crash\"\n"
"(not minimised) while the empty artifact goes to no-repro.\n"
"\n"
"TARGET is a target name: its binary is <build>/replay/bin/TARGET, or\n"
"<build>/libfuzzer/bin/TARGET when only the libFuzzer flavor is built (make\n"
"fuzz), chosen per target; with --bin-dir, BIN_DIR/TARGET. Without TARGET\n"
"or --target, each artifact's target is the nearest directory above it\n"
"named like a built target (crashes/<target>/..., work/fuzz/afl/<target>/).\n"
"\n"
"Options:\n"
"  --target BIN        run this libFuzzer-compatible binary; the target name\n"
"                      is its file name ([A-Za-z0-9_-])\n"
"  --out DIR           bucket directory (default: $CHAINFUZZ_CRASHES_DIR or\n"
"                      <repo>/crashes)\n"
"  --bin-dir DIR       where target binaries are (default, per target:\n"
"                      <build>/replay/bin, else <build>/libfuzzer/bin)\n"
"  --runs N            reproduce each artifact N times (default %d); flaky =\n"
"                      not all N runs give the same type and state. An\n"
"                      artifact whose first run lands exactly in a known,\n"
"                      non-flaky bucket is not run again\n"
"  --timeout SECS      per-run limit passed as -timeout= (default %d)\n"
"  --rss-limit-mb N    memory limit passed as -rss_limit_mb= (default %d)\n"
"  --no-minimize       keep the first artifact as the reproducer\n"
"  --minimize-runs N   at most N target runs to minimise (default %d)\n"
"  --minimize-time S   at most S seconds to minimise (default %d)\n"
"  --jobs N            reproduce with up to N target processes at once\n"
"                      (default: the number of CPUs); the first run of the\n"
"                      next artifacts starts while earlier ones are still\n"
"                      running, but results are filed in artifact order, so\n"
"                      buckets and counts are those of --jobs 1\n"
"  --hang-slots N      a run still going after 1 s (usually a hang waiting\n"
"                      for --timeout) stops holding a --jobs slot, up to N\n"
"                      such runs, and is reniced (default %d)\n"
"  --sanitizer-symbolize  let every run symbolize its own report (slower;\n"
"                      default: runs print raw frames and triage symbolizes\n"
"                      them with one shared llvm-symbolizer, same result)\n"
"  -h, --help          this help\n"
"\n"
"Minimising: a libFuzzer binary minimises with -minimize_crash=1, any other\n"
"binary by delta debugging over bytes; a candidate is kept only if it lands\n"
"in the same bucket. Timeouts and out-of-memory crashes are not minimised.\n"
"\n"
"Exit status: 0 nothing new (every artifact known, joined an open bucket or\n"
"did not reproduce); 1 a new bucket, a fixed bug that crashes again, or an\n"
"artifact that could not be read or stored; 2 usage or environment error\n"
"(no target binary, no repository); 130 interrupted (OUT stays consistent;\n"
"run again to resume).\n"
"\n"
"Example:\n"
"  chainfuzz triage chain_verify crashes/chain_verify/\n"
"  chainfuzz triage --target ./my_fuzzer --out /tmp/crashes crash-1234\n",
          DEFAULT_RUNS, DEFAULT_TIMEOUT, DEFAULT_RSS_MB, DEFAULT_MIN_RUNS,
          DEFAULT_MIN_SECS, DEFAULT_HANG_SLOTS);
}

/* One artifact to triage. */
struct artifact {
  char *path;
  int target; /* index into targets */
};

/* One target taking part in this run. */
struct tgt {
  struct cf_target t;
  struct cf_store store;
  int loaded;
};

/* A bucket touched by this run, for the table and SARIF. */
struct touched {
  struct cf_bucket *b;
  int tgt;
  int rank; /* 3 new, 2 regressed, 1 existing, 0 known */
};

struct triage {
  struct cf_paths paths;
  int have_root;
  char out_dir[PATH_MAX];
  char bin_dir[PATH_MAX]; /* --bin-dir, or "": cf_target_bin per target */
  char work_dir[PATH_MAX];
  unsigned runs, timeout, rss, min_runs, min_secs;
  int minimize;
  /* Each target on its own allocation: a cf_target points into itself (its
   * environment), so the targets must not move when the array grows. */
  struct tgt **tgts;
  size_t num_tgts;
  struct artifact *arts;
  size_t num_arts;
  struct touched *touched;
  size_t num_touched;
  size_t processed; /* artifacts finished (stored, known or failed) */
  int errors;
  int news;
  int regressions;
  int env_error;
  /* The pool of running reproductions (--jobs). */
  unsigned jobs;      /* runs at once */
  unsigned hang_slots; /* extra runs allowed once jobs are long-running */
  int sanitizer_symbolize; /* 1: every run symbolizes itself (old way) */
  struct job **pool;
  size_t num_pool;
  unsigned char *spec; /* per artifact: 1 its first run was started ahead */
  unsigned char *prepared; /* per artifact: input-<idx> written */
};

static const char *kRankName[] = {"known", "existing", "REGRESSED", "new"};

/* disp writes |path| for the user: relative to the working directory when
 * under it. */
static void disp(char *out, size_t out_len, const char *path) {
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof(cwd)) != NULL) {
    cf_display_path(out, out_len, cwd, path);
  } else {
    snprintf(out, out_len, "%s", path);
  }
}

/* add_target returns the index of target |name| with binary |bin|. */
static int add_target(struct triage *tr, const char *name, const char *bin) {
  for (size_t i = 0; i < tr->num_tgts; i++) {
    if (strcmp(tr->tgts[i]->t.name, name) == 0) {
      return (int)i;
    }
  }
  char abs[PATH_MAX];
  struct tgt **nv = realloc(tr->tgts, (tr->num_tgts + 1) * sizeof(*nv));
  struct tgt *g;
  if (nv == NULL) {
    return -1;
  }
  tr->tgts = nv;
  /* Absolute, so that report.json's reproduce command works from the root
   * (it is made root-relative when the binary is in the repository). */
  if (realpath(bin, abs) != NULL) {
    bin = abs;
  }
  g = calloc(1, sizeof(*g));
  if (g == NULL) {
    return -1;
  }
  if (!cf_target_init(&g->t, bin, name, tr->timeout, tr->rss)) {
    free(g);
    return -1;
  }
  if (!tr->sanitizer_symbolize) {
    cf_target_parent_symbolize(&g->t);
  }
  nv[tr->num_tgts] = g;
  return (int)tr->num_tgts++;
}

static int add_artifact(struct triage *tr, const char *path, int target) {
  struct artifact *nv = realloc(tr->arts, (tr->num_arts + 1) * sizeof(*nv));
  if (nv == NULL) {
    return 0;
  }
  tr->arts = nv;
  nv[tr->num_arts].path = strdup(path);
  nv[tr->num_arts].target = target;
  if (nv[tr->num_arts].path == NULL) {
    return 0;
  }
  tr->num_arts++;
  return 1;
}

/* bin_of writes the binary of target |name|: BIN_DIR/|name| with
 * --bin-dir, else the replay build's or, when there is none, the libFuzzer
 * build's (cf_target_bin). 0: no repository and no --bin-dir, or too
 * long. */
static int bin_of(const struct triage *tr, char *out, size_t out_len,
                      const char *name) {
  if (tr->bin_dir[0] != '\0') {
    return cf_path_join(out, out_len, tr->bin_dir, name);
  }
  return tr->have_root && cf_target_bin(out, out_len, &tr->paths, name);
}

/* bin_places writes where target binaries are looked for, for messages. */
static void bin_places(const struct triage *tr, char *out, size_t out_len) {
  char shown[PATH_MAX];
  if (tr->bin_dir[0] != '\0') {
    snprintf(out, out_len, "%s", tr->bin_dir);
  } else if (tr->have_root) {
    cf_display_path(shown, sizeof(shown), tr->paths.root, tr->paths.build);
    snprintf(out, out_len, "%s/replay/bin or %s/libfuzzer/bin", shown, shown);
  } else {
    snprintf(out, out_len, "(no binary directory)");
  }
}

/* infer_target finds the target of |path|: the nearest ancestor directory
 * named like a target whose binary exists (bin_of). -1: none. */
static int infer_target(struct triage *tr, const char *path) {
  char abs[PATH_MAX], dir[PATH_MAX], bin[PATH_MAX], why[PATH_MAX + 64];
  snprintf(dir, sizeof(dir), "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash == NULL) {
    snprintf(dir, sizeof(dir), ".");
  } else if (slash == dir) {
    dir[1] = '\0';
  } else {
    *slash = '\0';
  }
  if (realpath(dir, abs) == NULL) {
    return -1;
  }
  for (;;) {
    char *base = strrchr(abs, '/');
    if (base == NULL || base[1] == '\0') {
      return -1;
    }
    base++;
    if (cf_valid_target_name(base) &&
        bin_of(tr, bin, sizeof(bin), base) &&
        cf_target_check(bin, why, sizeof(why))) {
      return add_target(tr, base, bin);
    }
    base[-1] = '\0';
    if (abs[0] == '\0') {
      return -1;
    }
  }
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int same_file(const char *a, const char *b) {
  struct stat sa, sb;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

/* walk adds the files under |dir| (sorted, recursively). */
static int walk(struct triage *tr, const char *dir, int target, int depth) {
  DIR *d;
  struct dirent *e;
  char **names = NULL;
  size_t n = 0;
  char p[PATH_MAX], shown[PATH_MAX];
  int is_out_root = same_file(dir, tr->out_dir);
  int afl_instance;

  if (depth > 32) {
    disp(shown, sizeof(shown), dir);
    fprintf(stderr, "chainfuzz triage: %s: too deep, skipped\n", shown);
    tr->errors++;
    return 1;
  }
  /* A bucket directory of ours (report.json) is not input. */
  if ((cf_path_join(p, sizeof(p), dir, "report.json") &&
       access(p, F_OK) == 0) ||
      (cf_path_join(p, sizeof(p), dir, "no-repro.json") &&
       access(p, F_OK) == 0)) {
    return 1;
  }
  afl_instance = cf_path_join(p, sizeof(p), dir, "fuzzer_stats") &&
                 access(p, F_OK) == 0;
  d = opendir(dir);
  if (d == NULL) {
    disp(shown, sizeof(shown), dir);
    fprintf(stderr, "chainfuzz triage: %s: cannot read directory: %s\n",
            shown, strerror(errno));
    tr->errors++;
    return 1;
  }
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' && strstr(e->d_name, "mutation-") != NULL &&
        strcmp(e->d_name, ".") != 0 && !is_out_root) {
      /* A mutation record file (case_mutator.h): its record is an
       * artifact; empty, it is the leftover of a crash elsewhere (removed
       * when it lies in OUT/<target>/, where make fuzz puts artifacts). */
      struct stat st;
      if (cf_path_join(p, sizeof(p), dir, e->d_name) && lstat(p, &st) == 0 &&
          S_ISREG(st.st_mode) && st.st_size == 0) {
        char parent[PATH_MAX];
        snprintf(parent, sizeof(parent), "%s/..", dir);
        if (same_file(parent, tr->out_dir)) {
          unlink(p);
        }
        continue;
      }
    } else if (e->d_name[0] == '.' || strcmp(e->d_name, "README.txt") == 0) {
      continue;
    }
    char **nv = realloc(names, (n + 1) * sizeof(char *));
    if (nv == NULL || (nv[n] = strdup(e->d_name)) == NULL) {
      free(nv != NULL ? nv : names);
      closedir(d);
      return 0;
    }
    names = nv;
    n++;
  }
  closedir(d);
  if (n > 1) {
    qsort(names, n, sizeof(char *), cmp_str);
  }
  int ok = 1;
  for (size_t i = 0; i < n && ok; i++) {
    struct stat st;
    if (!cf_path_join(p, sizeof(p), dir, names[i]) || lstat(p, &st) != 0) {
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      if (afl_instance && strcmp(names[i], "crashes") != 0 &&
          strcmp(names[i], "hangs") != 0) {
        continue; /* AFL++'s queue/ etc. are not artifacts */
      }
      if (strcmp(names[i], CF_NO_REPRO) == 0 ||
          (depth > 0 && is_out_root)) {
        continue;
      }
      ok = walk(tr, p, target, depth + 1);
      continue;
    }
    if (is_out_root) {
      continue; /* triage.sarif and the like: raw artifacts are one below */
    }
    if (S_ISLNK(st.st_mode) && stat(p, &st) != 0) {
      disp(shown, sizeof(shown), p);
      fprintf(stderr, "chainfuzz triage: %s: dangling symlink (%s)\n",
              shown, strerror(errno));
      tr->errors++;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      continue; /* a symlink to a directory: not followed (loops) */
    }
    if (!S_ISREG(st.st_mode)) {
      disp(shown, sizeof(shown), p);
      fprintf(stderr, "chainfuzz triage: %s: not a regular file, skipped\n",
              shown);
      tr->errors++;
      continue;
    }
    int t = target >= 0 ? target : infer_target(tr, p);
    if (t < 0) {
      char places[2 * PATH_MAX + 32];
      disp(shown, sizeof(shown), p);
      bin_places(tr, places, sizeof(places));
      fprintf(stderr,
              "chainfuzz triage: %s: cannot tell which target it is for (no "
              "directory above it is named after a binary in %s); give the "
              "target: chainfuzz triage TARGET %s\n",
              shown, places, shown);
      tr->env_error = 1;
      continue;
    }
    ok = add_artifact(tr, p, t);
  }
  for (size_t i = 0; i < n; i++) {
    free(names[i]);
  }
  free(names);
  return ok;
}

/* touch records that |b| was touched with |rank|. */
static void touch(struct triage *tr, struct cf_bucket *b, int tgt, int rank) {
  for (size_t i = 0; i < tr->num_touched; i++) {
    if (tr->touched[i].b == b) {
      if (rank > tr->touched[i].rank) {
        tr->touched[i].rank = rank;
      }
      return;
    }
  }
  struct touched *nv =
      realloc(tr->touched, (tr->num_touched + 1) * sizeof(*nv));
  if (nv == NULL) {
    return;
  }
  tr->touched = nv;
  nv[tr->num_touched].b = b;
  nv[tr->num_touched].tgt = tgt;
  nv[tr->num_touched].rank = rank;
  tr->num_touched++;
}

/* remove_if_raw removes |path| if it is a raw artifact lying directly in
 * OUT/<target>/ (it is now stored by content in a bucket). */
static void remove_if_raw(const struct tgt *g, const char *path) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof(dir), "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash == NULL) {
    snprintf(dir, sizeof(dir), ".");
  } else {
    *slash = '\0';
  }
  if (same_file(dir, g->store.dir)) {
    unlink(path);
  }
}

/* rel writes |path| relative to the repository root when it is under it. */
static void rel(const struct triage *tr, char *out, size_t out_len,
                const char *path) {
  if (tr->have_root) {
    cf_display_path(out, out_len, tr->paths.root, path);
  } else {
    snprintf(out, out_len, "%s", path);
  }
}

/* fill_new fills a new bucket from the primary crash. */
static int fill_new(const struct triage *tr, const struct tgt *g,
                    struct cf_bucket *b, const struct cf_crash *c,
                    const char *bucket_dir) {
  char bin[PATH_MAX], repro[PATH_MAX], path[PATH_MAX];
  const char *argv[2];

  snprintf(b->target, sizeof(b->target), "%s", g->t.name);
  if (c != NULL) {
    if (!cf_bucket_set_crash(b, c)) {
      return 0;
    }
    cf_bucket_id(b->bucket, g->t.name, c->type, c->state);
    char dir[PATH_MAX];
    if (!cf_path_join(dir, sizeof(dir), bucket_dir, b->bucket) ||
        !cf_path_join(path, sizeof(path), dir, "reproducer")) {
      return 0;
    }
    rel(tr, bin, sizeof(bin), g->t.bin);
    rel(tr, repro, sizeof(repro), path);
    argv[0] = bin;
    argv[1] = repro;
    if (!cf_bucket_set_argv(b, argv, 2)) {
      return 0;
    }
    b->expected_failing = 1;
  } else {
    snprintf(b->bucket, sizeof(b->bucket), "%s", CF_NO_REPRO);
    snprintf(b->type, sizeof(b->type), "%s", CF_TYPE_NO_REPRO);
    snprintf(b->severity, sizeof(b->severity), "None");
    snprintf(b->summary, sizeof(b->summary),
             "artifacts that did not crash %s in any run", g->t.name);
    snprintf(b->minimized, sizeof(b->minimized), "none: no reproducer");
    b->expected_failing = 0;
  }
  cf_now_utc(b->first_seen);
  snprintf(b->last_seen, sizeof(b->last_seen), "%s", b->first_seen);
  b->timeout_secs = tr->timeout;
  b->rss_limit_mb = tr->rss;
  return 1;
}

/* crash_class_eq says whether two runs gave the same (type, state); a run
 * that did not crash is its own class. */
static int crash_class_eq(const struct cf_crash *a, const struct cf_crash *b) {
  if (a->crashed != b->crashed) {
    return 0;
  }
  if (!a->crashed) {
    return 1;
  }
  return strcmp(a->type, b->type) == 0 && strcmp(a->state, b->state) == 0;
}

/* store_into joins |b| (existing) or creates it, with the original |data|.
 * Returns 1 on success. */
static int store_join(struct triage *tr, struct tgt *g, struct cf_bucket *b,
                      const uint8_t *data, size_t len, const char *sha1) {
  char dir[PATH_MAX], shown[PATH_MAX];
  if (!cf_path_join(dir, sizeof(dir), g->store.dir, b->bucket) ||
      !cf_bucket_join(b, dir, data, len, sha1)) {
    disp(shown, sizeof(shown), dir);
    fprintf(stderr, "chainfuzz triage: %s: cannot add the artifact: %s\n",
            shown, strerror(errno));
    tr->errors++;
    return 0;
  }
  return 1;
}


/* ------------------------------------------------------------ pool -- */
/* Reproductions run in a pool of up to tr->jobs children: the runs the
 * artifact being triaged needs, and, while slots are free, the first run of
 * the next artifacts (LOOKAHEAD at most), started ahead. Everything else —
 * reading the results, matching, storing — stays in this loop, artifact by
 * artifact, in order: a run started ahead is just a run whose result waits
 * until its artifact's turn, so the buckets, counts and first-seen
 * artifacts are those of one run after the other. Results of runs started
 * ahead for an artifact that turns out to be known are dropped. */

/* How far ahead first runs may be started, per job slot. */
#define LOOKAHEAD_PER_JOB 8
/* A run older than this counts as a hang (it mostly waits for -timeout)
 * and, with --hang-slots, no longer holds one of the --jobs slots. */
#define HANG_MS 1000

struct job {
  size_t art;
  unsigned run;
  int running, done, ok, hang;
  struct cf_run_proc *proc;
  struct cf_run_result r;
  struct cf_crash *c;
};

/* input_path writes the private copy's path of artifact |idx|. */
static int input_path(const struct triage *tr, char *out, size_t out_len,
                      size_t idx) {
  char name[64], dir[PATH_MAX];
  /* <work>/<idx>/input: the file is still called "input", as reports
   * (a timeout's summary) name it. */
  snprintf(name, sizeof(name), "%zu", idx);
  if (!cf_path_join(dir, sizeof(dir), tr->work_dir, name) ||
      (mkdir(dir, 0700) != 0 && errno != EEXIST)) {
    return 0;
  }
  return cf_path_join(out, out_len, dir, "input");
}

static void job_free(struct job *j) {
  if (j == NULL) {
    return;
  }
  if (j->proc != NULL) {
    /* Still running: kill it (cf_run_end kills the group and reaps). */
    kill(-cf_run_pid(j->proc), SIGKILL);
    cf_run_end(j->proc);
    j->proc = NULL;
  }
  cf_run_result_free(&j->r);
  free(j->c);
  free(j);
}

static void pool_remove(struct triage *tr, size_t i) {
  job_free(tr->pool[i]);
  tr->pool[i] = tr->pool[--tr->num_pool];
}

/* pool_find returns the job for run |run| of artifact |art|, or NULL. */
static struct job *pool_find(struct triage *tr, size_t art, unsigned run) {
  for (size_t i = 0; i < tr->num_pool; i++) {
    if (tr->pool[i]->art == art && tr->pool[i]->run == run) {
      return tr->pool[i];
    }
  }
  return NULL;
}

/* pool_add queues run |run| of artifact |art| (not started yet). */
static struct job *pool_add(struct triage *tr, size_t art, unsigned run) {
  struct job *j = calloc(1, sizeof(*j));
  struct job **nv;
  if (j == NULL || (j->c = calloc(1, sizeof(*j->c))) == NULL) {
    free(j);
    return NULL;
  }
  nv = realloc(tr->pool, (tr->num_pool + 1) * sizeof(*nv));
  if (nv == NULL) {
    free(j->c);
    free(j);
    return NULL;
  }
  tr->pool = nv;
  j->art = art;
  j->run = run;
  tr->pool[tr->num_pool++] = j;
  return j;
}

/* job_start starts |j|. Returns 0 on an internal error. */
static int job_start(struct triage *tr, struct job *j) {
  char input[PATH_MAX];
  const struct tgt *g = tr->tgts[tr->arts[j->art].target];
  if (!input_path(tr, input, sizeof(input), j->art) ||
      !cf_target_run_begin(&j->proc, &g->t, input, &j->r)) {
    j->done = 1;
    j->ok = 0;
    return 0;
  }
  if (j->proc == NULL) {
    j->done = 1; /* did not start: r.spawned is 0 */
    j->ok = 1;
    return 1;
  }
  j->running = 1;
  return 1;
}

/* job_finish collects the finished |j|. */
static void job_finish(struct triage *tr, struct job *j) {
  char input[PATH_MAX];
  const struct tgt *g = tr->tgts[tr->arts[j->art].target];
  j->ok = cf_run_end(j->proc);
  j->proc = NULL;
  j->running = 0;
  j->done = 1;
  if (j->ok) {
    j->ok = input_path(tr, input, sizeof(input), j->art) &&
            cf_target_run_finish(&g->t, input, &j->r, j->c);
  }
}

/* prepare writes artifact |idx|'s private copy for a run started ahead.
 * Returns 1 when it may run: readable and not already stored. */
static int prepare_ahead(struct triage *tr, size_t idx) {
  const struct artifact *a = &tr->arts[idx];
  const struct tgt *g = tr->tgts[a->target];
  char input[PATH_MAX], sha1[CF_SHA1_HEX_LEN + 1];
  uint8_t *data = NULL;
  size_t len = 0;
  int ok;
  if (!cf_read_file(&data, &len, a->path, CF_MAX_ARTIFACT_LEN)) {
    return 0;
  }
  cf_sha1_hex(sha1, data, len);
  ok = cf_store_find_original(&g->store, sha1) == NULL &&
       input_path(tr, input, sizeof(input), idx) &&
       cf_write_file_atomic(input, data, len, 0600);
  free(data);
  if (ok) {
    tr->prepared[idx] = 1;
  }
  return ok;
}

/* pool_fill starts queued runs of the current artifact |cur|, then first
 * runs of the artifacts after it, while slots are free. |ahead|: 0 to
 * start none ahead. */
static void pool_fill(struct triage *tr, size_t cur, int ahead) {
  size_t busy = 0, hangs = 0;
  for (size_t i = 0; i < tr->num_pool; i++) {
    struct job *j = tr->pool[i];
    if (!j->running) {
      continue;
    }
    if (!j->hang && tr->hang_slots > 0 &&
        cf_run_elapsed_ms(j->proc) >= HANG_MS) {
      j->hang = 1;
      /* It keeps running to its timeout; fresh runs go first. */
      (void)setpriority(PRIO_PROCESS, (id_t)cf_run_pid(j->proc), 19);
    }
    if (j->hang && hangs < tr->hang_slots) {
      hangs++;
    } else {
      busy++;
    }
  }
  for (size_t i = 0; i < tr->num_pool && busy < tr->jobs; i++) {
    struct job *j = tr->pool[i];
    if (j->art == cur && !j->running && !j->done) {
      job_start(tr, j);
      busy += j->running;
    }
  }
  if (!ahead) {
    return;
  }
  size_t limit = cur + 1 + (size_t)tr->jobs * LOOKAHEAD_PER_JOB;
  for (size_t a = cur + 1; a < tr->num_arts && a < limit && busy < tr->jobs;
       a++) {
    if (tr->spec[a]) {
      continue;
    }
    tr->spec[a] = 1;
    if (!prepare_ahead(tr, a)) {
      continue;
    }
    struct job *j = pool_add(tr, a, 0);
    if (j == NULL) {
      return;
    }
    job_start(tr, j);
    busy += j->running;
  }
}

/* pool_service waits up to one tick for the running jobs and collects the
 * finished ones. */
static void pool_service(struct triage *tr) {
  struct pollfd pfds[256];
  size_t idx[256], n = 0;
  int wait = 25;
  for (size_t i = 0; i < tr->num_pool && n < 256; i++) {
    struct job *j = tr->pool[i];
    if (!j->running) {
      continue;
    }
    int w = cf_run_wait_ms(j->proc);
    if (w < wait) {
      wait = w;
    }
    pfds[n].fd = cf_run_fd(j->proc);
    pfds[n].events = POLLIN;
    pfds[n].revents = 0;
    idx[n++] = i;
  }
  if (n == 0) {
    return;
  }
  (void)poll(pfds, n, wait);
  for (size_t k = 0; k < n; k++) {
    struct job *j = tr->pool[idx[k]];
    if (cf_run_check(j->proc, pfds[k].revents != 0)) {
      job_finish(tr, j);
    }
  }
}

/* pool_drain waits until nothing runs (before a synchronous phase such as
 * minimisation, which would otherwise leave the runs unattended). */
static void pool_drain(struct triage *tr) {
  for (;;) {
    int any = 0;
    for (size_t i = 0; i < tr->num_pool; i++) {
      any |= tr->pool[i]->running;
    }
    if (!any) {
      return;
    }
    pool_service(tr);
  }
}

/* pool_drop frees every job of artifact |art| (killing running ones). */
static void pool_drop(struct triage *tr, size_t art) {
  for (size_t i = 0; i < tr->num_pool;) {
    if (tr->pool[i]->art == art) {
      pool_remove(tr, i);
    } else {
      i++;
    }
  }
}

/* pool_clear kills and frees everything. */
static void pool_clear(struct triage *tr) {
  while (tr->num_pool > 0) {
    pool_remove(tr, tr->num_pool - 1);
  }
}

/* queue_runs queues runs [from, to) of |art| that are not there yet. */
static int queue_runs(struct triage *tr, size_t art, unsigned from,
                      unsigned to) {
  for (unsigned r = from; r < to; r++) {
    if (pool_find(tr, art, r) == NULL && pool_add(tr, art, r) == NULL) {
      return 0;
    }
  }
  return 1;
}

/* get_run waits for run |run| of artifact |art| and moves its result to
 * |*r| and |*c|. Returns 1 on success, 0 on an internal error, -1 when
 * interrupted. */
static int get_run(struct triage *tr, size_t art, unsigned run,
                   struct cf_run_result *r, struct cf_crash *c) {
  struct job *j = pool_find(tr, art, run);
  if (j == NULL && (j = pool_add(tr, art, run)) == NULL) {
    return 0;
  }
  for (;;) {
    if (j->done) {
      int ok = j->ok;
      *r = j->r;
      memset(&j->r, 0, sizeof(j->r));
      memcpy(c, j->c, sizeof(*c));
      for (size_t i = 0; i < tr->num_pool; i++) {
        if (tr->pool[i] == j) {
          pool_remove(tr, i);
          break;
        }
      }
      return ok;
    }
    if (cf_interrupted) {
      return -1;
    }
    pool_fill(tr, art, tr->jobs > 1);
    if (!j->done) {
      pool_service(tr);
    }
  }
}

/* triage_one triages artifact |idx|. Returns 1 when it is finished
 * (stored, known, or reported as an error), 0 when it was abandoned
 * (interrupt, environment error): then the run stops. */
static int triage_one(struct triage *tr, size_t idx) {
  struct artifact *a = &tr->arts[idx];
  struct tgt *g = tr->tgts[a->target];
  char shown[PATH_MAX], input[PATH_MAX], sha1[CF_SHA1_HEX_LEN + 1];
  uint8_t *data = NULL, *repro = NULL;
  size_t len = 0, repro_len = 0;
  struct cf_crash *runs = NULL;
  struct cf_bucket *b = NULL, *nb = NULL;
  size_t k = 0, best = 0, best_votes = 0;
  int flaky = 0, ret = 1;

  disp(shown, sizeof(shown), a->path);
  fprintf(stderr, "triage: [%zu/%zu] %s: ", idx + 1, tr->num_arts, shown);
  if (!cf_read_file(&data, &len, a->path, CF_MAX_ARTIFACT_LEN)) {
    fprintf(stderr, "cannot read: %s\n",
            errno == EINVAL ? "not a regular file" : strerror(errno));
    tr->errors++;
    pool_drop(tr, idx);
    return 1;
  }
  /* A mutation record (case_mutator.h): the input of a custom mutator
   * call that crashed before it made one; the target replays the call. */
  struct cf_mutation_record mrec;
  int is_record = cf_mutation_record_parse(&mrec, data, len);
  if (is_record) {
    fprintf(stderr, "mutation record (%s, seed %u, max_size %zu): ",
            mrec.op == CF_MUTATION_OP_MUTATE ? "LLVMFuzzerCustomMutator"
                                             : "LLVMFuzzerCustomCrossOver",
            mrec.seed, mrec.max_size);
  }
  cf_sha1_hex(sha1, data, len);
  b = cf_store_find_original(&g->store, sha1);
  if (b != NULL) {
    fprintf(stderr, "known (%s/%s), skipped\n", g->t.name, b->bucket);
    touch(tr, b, a->target, 0);
    remove_if_raw(g, a->path);
    goto done;
  }
  /* Run a private copy: the artifact's name is never passed to the target
   * (it could start with '-', or change under us). */
  if (!input_path(tr, input, sizeof(input), idx) ||
      (!tr->prepared[idx] && !cf_write_file_atomic(input, data, len, 0600))) {
    fprintf(stderr, "cannot write a work copy: %s\n", strerror(errno));
    tr->env_error = 1;
    ret = 0;
    goto done;
  }
  runs = calloc(tr->runs, sizeof(*runs));
  if (runs == NULL) {
    fprintf(stderr, "out of memory\n");
    tr->errors++;
    goto done;
  }
  /* n_runs: how many runs this artifact gets. All tr->runs for a new crash,
   * but one run settles an artifact whose first run lands exactly (same
   * type and state) in an existing bucket that is neither flaky nor
   * no-repro: the bucket's first artifact already measured flakiness, and
   * re-running every duplicate was most of triage's time. */
  unsigned n_runs = tr->runs;
  for (size_t i = 0; i < n_runs; i++) {
    struct cf_run_result r;
    if (cf_interrupted) {
      fprintf(stderr, "interrupted, abandoned\n");
      ret = 0;
      goto done;
    }
    int got = get_run(tr, idx, (unsigned)i, &r, &runs[i]);
    if (got < 0) {
      fprintf(stderr, "interrupted, abandoned\n");
      ret = 0;
      goto done;
    }
    if (!got) {
      fprintf(stderr, "cannot run the target (internal error)\n");
      tr->env_error = 1;
      ret = 0;
      goto done;
    }
    if (!r.spawned) {
      fprintf(stderr, "cannot start %s: %s\n", g->t.bin,
              strerror(r.spawn_errno));
      cf_run_result_free(&r);
      tr->env_error = 1;
      ret = 0;
      goto done;
    }
    cf_run_result_free(&r);
    if (runs[i].crashed) {
      k++;
    }
    if (!crash_class_eq(&runs[0], &runs[i])) {
      flaky = 1;
    }
    if (i == 0 && runs[0].crashed) {
      const struct cf_bucket *known = cf_store_match(&g->store, &runs[0]);
      if (known != NULL && !known->flaky &&
          strcmp(known->type, runs[0].type) == 0 &&
          strcmp(known->state, runs[0].state) == 0) {
        n_runs = 1;
      }
      /* The other runs of a new crash (or of no crash) at once. */
      if (n_runs > 1 && !queue_runs(tr, idx, 1, n_runs)) {
        fprintf(stderr, "out of memory\n");
        tr->errors++;
        goto done;
      }
    }
    if (i == 0 && !runs[0].crashed && n_runs > 1 &&
        !queue_runs(tr, idx, 1, n_runs)) {
      fprintf(stderr, "out of memory\n");
      tr->errors++;
      goto done;
    }
  }
  if (cf_interrupted) {
    fprintf(stderr, "interrupted, abandoned\n");
    ret = 0;
    goto done;
  }
  /* The primary crash: the (type, state) most runs gave. */
  for (size_t i = 0; i < n_runs; i++) {
    size_t votes = 0;
    if (!runs[i].crashed) {
      continue;
    }
    for (size_t j = 0; j < n_runs; j++) {
      votes += crash_class_eq(&runs[i], &runs[j]);
    }
    if (votes > best_votes) {
      best_votes = votes;
      best = i;
    }
  }

  if (k == 0) {
    for (size_t i = 0; i < g->store.num_buckets && b == NULL; i++) {
      if (strcmp(g->store.buckets[i]->bucket, CF_NO_REPRO) == 0) {
        b = g->store.buckets[i];
      }
    }
    fprintf(stderr, "did not crash in %u runs%s -> %s/%s\n", n_runs,
            is_record ? " (the mutator call replays cleanly)"
            : len == 0 ? " (an empty input: a crash before the target ran, "
                         "e.g. inside a custom mutator; its .mutation-<pid> "
                         "record beside it reproduces that)"
                       : "",
            g->t.name, CF_NO_REPRO);
    if (b != NULL) {
      if (store_join(tr, g, b, data, len, sha1)) {
        touch(tr, b, a->target, 1);
        remove_if_raw(g, a->path);
      }
      goto done;
    }
    nb = cf_bucket_new();
    if (nb == NULL || !fill_new(tr, g, nb, NULL, g->store.dir) ||
        !cf_bucket_add_original(nb, sha1)) {
      tr->errors++;
      goto done;
    }
    nb->reproduced_n = n_runs;
    nb->original_size = len;
  } else {
    const struct cf_crash *c = &runs[best];
    char summary[512];
    cf_report_summary(summary, sizeof(summary), c);
    fprintf(stderr, "%s%s (%zu/%u runs%s)", is_record ? "mutator crash: " : "",
            summary, k, n_runs, flaky ? ", flaky" : "");
    b = cf_store_match(&g->store, c);
    if (b != NULL) {
      fprintf(stderr, " -> %s/%s%s\n", g->t.name, b->bucket,
              b->fixed ? " (marked fixed: REGRESSED)" : "");
      if (store_join(tr, g, b, data, len, sha1)) {
        if (flaky && !b->flaky) {
          b->flaky = 1;
          char dir[PATH_MAX];
          if (cf_path_join(dir, sizeof(dir), g->store.dir, b->bucket)) {
            cf_bucket_write_reports(b, dir);
          }
        }
        if (b->fixed) {
          tr->regressions++;
        }
        touch(tr, b, a->target, b->fixed ? 2 : 1);
        remove_if_raw(g, a->path);
      }
      goto done;
    }
    nb = cf_bucket_new();
    if (nb == NULL || !fill_new(tr, g, nb, c, g->store.dir) ||
        !cf_bucket_add_original(nb, sha1)) {
      fprintf(stderr, "\n");
      tr->errors++;
      goto done;
    }
    nb->flaky = flaky;
    nb->reproduced_k = (uint32_t)k;
    nb->reproduced_n = n_runs;
    nb->original_size = len;
    fprintf(stderr, " -> new bucket %s/%s", g->t.name, nb->bucket);
    if (tr->minimize && !flaky && !is_record) {
      pool_drain(tr); /* runs started ahead must not wait unattended */
      struct cf_min_opts mo = {tr->min_runs, tr->min_secs, tr->work_dir};
      if (!cf_minimize(&repro, &repro_len, nb->minimized,
                       sizeof(nb->minimized), &g->t, c, data, len, &mo)) {
        repro = NULL;
      }
      if (cf_interrupted) {
        /* A partial minimisation is still a verified reproducer; storing it
         * finishes this artifact cleanly. */
        fprintf(stderr, " (minimisation interrupted)");
      }
    } else {
      snprintf(nb->minimized, sizeof(nb->minimized), "none: %s",
               flaky       ? "flaky crash"
               : is_record ? "mutation record (its header must stay whole)"
                           : "--no-minimize");
    }
    if (repro == NULL) {
      repro = malloc(len + 1);
      if (repro == NULL) {
        tr->errors++;
        goto done;
      }
      memcpy(repro, data, len);
      repro_len = len;
      if (nb->minimized[0] == '\0' || strncmp(nb->minimized, "none", 4) != 0) {
        snprintf(nb->minimized, sizeof(nb->minimized), "none: failed");
      }
    }
    nb->reproducer_size = repro_len;
    fprintf(stderr, ", reproducer %zu -> %zu bytes (%s)\n", len, repro_len,
            nb->minimized);
  }

  /* A new bucket (or the first no-repro artifact). */
  if (!cf_bucket_create(nb, g->store.dir, k > 0 ? repro : NULL, repro_len,
                        data, len, sha1)) {
    disp(shown, sizeof(shown), g->store.dir);
    fprintf(stderr,
            "chainfuzz triage: %s/%s: cannot create the bucket: %s (the "
            "artifact stays where it is)\n",
            shown, nb->bucket, strerror(errno));
    tr->errors++;
    goto done;
  }
  if (!cf_store_add(&g->store, nb)) {
    tr->errors++;
    goto done;
  }
  b = nb;
  nb = NULL;
  if (k > 0) {
    tr->news++; /* (a new no-repro entry is no finding) */
  }
  touch(tr, b, a->target, 3);
  remove_if_raw(g, a->path);

done:
  pool_drop(tr, idx);
  if (input_path(tr, input, sizeof(input), idx)) {
    unlink(input);
    *strrchr(input, '/') = '\0';
    rmdir(input);
  }
  cf_bucket_free(nb);
  free(runs);
  free(data);
  free(repro);
  return ret;
}

/* write_sarif writes OUT/triage.sarif for the buckets touched. */
static void write_sarif(struct triage *tr) {
  json_t *sarif = cf_sarif_new();
  char path[PATH_MAX], shown[PATH_MAX];
  int ok = sarif != NULL;
  for (size_t i = 0; ok && i < tr->num_touched; i++) {
    const struct cf_bucket *b = tr->touched[i].b;
    char bdir[PATH_MAX], brel[PATH_MAX];
    if (strcmp(b->bucket, CF_NO_REPRO) == 0) {
      continue;
    }
    if (!cf_path_join(bdir, sizeof(bdir),
                      tr->tgts[tr->touched[i].tgt]->store.dir, b->bucket)) {
      continue;
    }
    rel(tr, brel, sizeof(brel), bdir);
    ok = cf_sarif_add(sarif, b, brel, tr->have_root ? tr->paths.root : "");
  }
  ok = ok && cf_path_join(path, sizeof(path), tr->out_dir, "triage.sarif") &&
       cf_sarif_write(sarif, path);
  if (!ok) {
    fprintf(stderr, "chainfuzz triage: cannot write %s/triage.sarif: %s\n",
            tr->out_dir, strerror(errno));
    tr->errors++;
  } else {
    disp(shown, sizeof(shown), path);
    fprintf(stderr, "triage: SARIF: %s\n", shown);
  }
  json_decref(sarif);
}

static int cmp_touched(const void *va, const void *vb) {
  const struct touched *a = va, *b = vb;
  int c = strcmp(a->b->target, b->b->target);
  return c != 0 ? c : strcmp(a->b->bucket, b->b->bucket);
}

static void print_table(struct triage *tr) {
  char shown[PATH_MAX];
  if (tr->num_touched > 1) {
    qsort(tr->touched, tr->num_touched, sizeof(*tr->touched), cmp_touched);
  }
  printf("\n");
  cf_table_header(stdout);
  for (size_t i = 0; i < tr->num_touched; i++) {
    cf_table_row(stdout, tr->touched[i].b, kRankName[tr->touched[i].rank]);
  }
  disp(shown, sizeof(shown), tr->out_dir);
  printf("\n%zu of %zu artifact%s, %zu bucket%s (%d new), %d error%s; "
         "reports in %s/<target>/<bucket>/report.txt\n",
         tr->processed, tr->num_arts, tr->num_arts == 1 ? "" : "s",
         tr->num_touched,
         tr->num_touched == 1 ? "" : "s", tr->news, tr->errors,
         tr->errors == 1 ? "" : "s", shown);
  fflush(stdout);
}

static void triage_free(struct triage *tr) {
  pool_clear(tr);
  free(tr->pool);
  free(tr->spec);
  free(tr->prepared);
  cf_symbolizer_stop();
  for (size_t i = 0; i < tr->num_tgts; i++) {
    cf_store_free(&tr->tgts[i]->store);
    free(tr->tgts[i]);
  }
  free(tr->tgts);
  for (size_t i = 0; i < tr->num_arts; i++) {
    free(tr->arts[i].path);
  }
  free(tr->arts);
  free(tr->touched);
  if (tr->work_dir[0] != '\0') {
    cf_remove_tree(tr->work_dir);
  }
}

int cf_cmd_triage(int argc, char **argv) {
  static const struct option kOpts[] = {
      {"target", required_argument, NULL, 't'},
      {"out", required_argument, NULL, 'o'},
      {"bin-dir", required_argument, NULL, 'B'},
      {"runs", required_argument, NULL, 'r'},
      {"timeout", required_argument, NULL, 'T'},
      {"rss-limit-mb", required_argument, NULL, 'm'},
      {"no-minimize", no_argument, NULL, 'n'},
      {"minimize-runs", required_argument, NULL, 'R'},
      {"minimize-time", required_argument, NULL, 'S'},
      {"jobs", required_argument, NULL, 'j'},
      {"hang-slots", required_argument, NULL, 'H'},
      {"sanitizer-symbolize", no_argument, NULL, 'Y'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  struct triage tr;
  const char *target_bin = NULL, *out = NULL, *bin_dir = NULL;
  char err[PATH_MAX + 256], why[PATH_MAX + 64];
  int c, status = CF_EXIT_OK, lock_fd = -1, explicit_target = -1, first;

  memset(&tr, 0, sizeof(tr));
  tr.runs = DEFAULT_RUNS;
  tr.timeout = DEFAULT_TIMEOUT;
  tr.rss = DEFAULT_RSS_MB;
  tr.min_runs = DEFAULT_MIN_RUNS;
  tr.min_secs = DEFAULT_MIN_SECS;
  tr.minimize = 1;
  {
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    tr.jobs = ncpu < 1 ? 1 : ncpu > 64 ? 64 : (unsigned)ncpu;
  }
  tr.hang_slots = DEFAULT_HANG_SLOTS;
  optind = 1;
  opterr = 0;
  /* GNU getopt permutes: options may follow operands; "--" ends them. */
  while ((c = getopt_long(argc, argv, "h", kOpts, NULL)) != -1) {
    int ok = 1;
    switch (c) {
      case 't': target_bin = optarg; break;
      case 'o': out = optarg; break;
      case 'B': bin_dir = optarg; break;
      case 'r':
        ok = cf_parse_u32_arg(&tr.runs, "triage", "--runs", optarg, 1, 100);
        break;
      case 'T':
        ok = cf_parse_u32_arg(&tr.timeout, "triage", "--timeout", optarg, 1,
                              86400);
        break;
      case 'm':
        ok = cf_parse_u32_arg(&tr.rss, "triage", "--rss-limit-mb", optarg, 0,
                              1u << 20);
        break;
      case 'n': tr.minimize = 0; break;
      case 'R':
        ok = cf_parse_u32_arg(&tr.min_runs, "triage", "--minimize-runs",
                              optarg, 1, 1000000);
        break;
      case 'S':
        ok = cf_parse_u32_arg(&tr.min_secs, "triage", "--minimize-time",
                              optarg, 1, 86400);
        break;
      case 'j':
        ok = cf_parse_u32_arg(&tr.jobs, "triage", "--jobs", optarg, 1, 64);
        break;
      case 'H':
        ok = cf_parse_u32_arg(&tr.hang_slots, "triage", "--hang-slots",
                              optarg, 0, 64);
        break;
      case 'Y': tr.sanitizer_symbolize = 1; break;
      case 'h': usage(stdout); return CF_EXIT_OK;
      default:
        fprintf(stderr, "chainfuzz triage: unknown option or missing value: "
                "%s\nRun 'chainfuzz triage --help' for the options.\n",
                argv[optind - 1]);
        return CF_EXIT_USAGE;
    }
    if (!ok) {
      return CF_EXIT_USAGE;
    }
  }
  first = optind;

  tr.have_root = cf_paths_init(&tr.paths, err, sizeof(err));
  if (!tr.have_root &&
      (out == NULL || (target_bin == NULL && bin_dir == NULL))) {
    fprintf(stderr, "chainfuzz triage: %s (or give --out DIR and --target "
            "BIN)\n", err);
    return CF_EXIT_USAGE;
  }
  if (bin_dir != NULL) {
    snprintf(tr.bin_dir, sizeof(tr.bin_dir), "%s", bin_dir);
  }
  snprintf(tr.out_dir, sizeof(tr.out_dir), "%s",
           out != NULL ? out : tr.paths.crashes);

  /* The target: --target BIN, or a first operand naming a built target. */
  if (target_bin != NULL) {
    const char *base = strrchr(target_bin, '/');
    base = base != NULL ? base + 1 : target_bin;
    if (!cf_target_check(target_bin, why, sizeof(why))) {
      fprintf(stderr, "chainfuzz triage: target binary %s; build it (for our "
              "targets: ./build.sh --flavor replay --targets %s) or fix "
              "--target\n", why, base);
      return CF_EXIT_USAGE;
    }
    if (!cf_valid_target_name(base)) {
      fprintf(stderr, "chainfuzz triage: --target %s: the file name '%s' is "
              "the target name and may only hold [A-Za-z0-9_-]; copy or link "
              "the binary under such a name\n", target_bin, base);
      return CF_EXIT_USAGE;
    }
    explicit_target = add_target(&tr, base, target_bin);
    if (explicit_target < 0) {
      fprintf(stderr, "chainfuzz triage: out of memory\n");
      triage_free(&tr);
      return CF_EXIT_USAGE;
    }
  } else if (first < argc && cf_valid_target_name(argv[first])) {
    char bin[PATH_MAX];
    struct stat st;
    int is_path = stat(argv[first], &st) == 0;
    int have_bin = bin_of(&tr, bin, sizeof(bin), argv[first]) &&
                   access(bin, F_OK) == 0;
    if (have_bin || !is_path) {
      snprintf(why, sizeof(why), "no binary directory");
      if (!bin_of(&tr, bin, sizeof(bin), argv[first]) ||
          !cf_target_check(bin, why, sizeof(why))) {
        fprintf(stderr, "chainfuzz triage: no usable binary for target '%s' "
                "(%s); build it with ./build.sh --flavor replay --targets "
                "%s, or give a binary with --target BIN\n", argv[first], why,
                argv[first]);
        triage_free(&tr);
        return CF_EXIT_USAGE;
      }
      explicit_target = add_target(&tr, argv[first], bin);
      if (explicit_target < 0) {
        fprintf(stderr, "chainfuzz triage: out of memory\n");
        triage_free(&tr);
        return CF_EXIT_USAGE;
      }
      first++;
    }
  }
  if (first >= argc) {
    fprintf(stderr, "chainfuzz triage: no artifact given\nRun 'chainfuzz "
            "triage --help' for the usage.\n");
    triage_free(&tr);
    return CF_EXIT_USAGE;
  }
  if (!cf_mkdir_p(tr.out_dir) || realpath(tr.out_dir, err) == NULL) {
    fprintf(stderr, "chainfuzz triage: cannot create the output directory "
            "%s: %s\n", tr.out_dir, strerror(errno));
    triage_free(&tr);
    return CF_EXIT_USAGE;
  }
  snprintf(tr.out_dir, sizeof(tr.out_dir), "%s", err);

  /* Collect the artifacts (nothing is written yet). */
  for (int i = first; i < argc; i++) {
    struct stat st;
    char shown[PATH_MAX];
    disp(shown, sizeof(shown), argv[i]);
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "chainfuzz triage: %s: %s\n", shown, strerror(errno));
      tr.errors++;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      if (!walk(&tr, argv[i], explicit_target, 0)) {
        fprintf(stderr, "chainfuzz triage: out of memory\n");
        tr.env_error = 1;
      }
      continue;
    }
    int t = explicit_target >= 0 ? explicit_target
                                 : infer_target(&tr, argv[i]);
    if (t < 0) {
      fprintf(stderr,
              "chainfuzz triage: %s: cannot tell which target it is for; "
              "give the target: chainfuzz triage TARGET %s (or --target "
              "BIN)\n", shown, shown);
      tr.env_error = 1;
      continue;
    }
    if (!add_artifact(&tr, argv[i], t)) {
      tr.env_error = 1;
    }
  }
  if (tr.env_error) {
    triage_free(&tr);
    return CF_EXIT_USAGE;
  }
  if (tr.num_arts == 0) {
    fprintf(stderr, "triage: no artifact files found\n");
    triage_free(&tr);
    return tr.errors ? CF_EXIT_FAIL : CF_EXIT_OK;
  }

  /* A private work directory, the lock, the stores. */
  {
    const char *tmp = getenv("TMPDIR");
    snprintf(tr.work_dir, sizeof(tr.work_dir), "%s/chainfuzz-triage-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(tr.work_dir) == NULL) {
      fprintf(stderr, "chainfuzz triage: cannot create a work directory "
              "(%s): %s; set TMPDIR\n", tr.work_dir, strerror(errno));
      tr.work_dir[0] = '\0';
      triage_free(&tr);
      return CF_EXIT_USAGE;
    }
  }
  cf_install_interrupt_handlers();
  lock_fd = cf_lock_dir(tr.out_dir);
  if (lock_fd < 0) {
    fprintf(stderr, "chainfuzz triage: cannot lock %s/.lock: %s\n",
            tr.out_dir, strerror(errno));
    triage_free(&tr);
    return cf_interrupted ? CF_EXIT_INTERRUPTED : CF_EXIT_USAGE;
  }
  for (size_t i = 0; i < tr.num_tgts; i++) {
    struct tgt *g = tr.tgts[i];
    if (!cf_store_load(&g->store, tr.out_dir, g->t.name, 1, err,
                       sizeof(err))) {
      fprintf(stderr, "chainfuzz triage: %s\n", err);
      close(lock_fd);
      triage_free(&tr);
      return CF_EXIT_USAGE;
    }
    for (size_t j = 0; j < g->store.num_broken; j++) {
      fprintf(stderr, "chainfuzz triage: warning: %s/%s (left alone)\n",
              g->t.name, g->store.broken[j]);
    }
    fprintf(stderr, "triage: %s: %s (%s), %zu bucket%s so far\n", g->t.name,
            g->t.bin, g->t.libfuzzer ? "libFuzzer" : "not libFuzzer",
            g->store.num_buckets, g->store.num_buckets == 1 ? "" : "s");
  }

  tr.spec = calloc(tr.num_arts, 1);
  tr.prepared = calloc(tr.num_arts, 1);
  if (tr.spec == NULL || tr.prepared == NULL) {
    fprintf(stderr, "chainfuzz triage: out of memory\n");
    close(lock_fd);
    triage_free(&tr);
    return CF_EXIT_USAGE;
  }
  for (size_t i = 0; i < tr.num_arts; i++) {
    if (!triage_one(&tr, i)) {
      break;
    }
    tr.processed++;
    if (cf_interrupted) {
      break;
    }
  }
  pool_clear(&tr); /* runs started ahead of an interrupt or error */
  write_sarif(&tr);
  print_table(&tr);
  close(lock_fd);

  if (cf_interrupted) {
    fprintf(stderr, "triage: interrupted; %s is consistent, run the same "
            "command again to resume\n", tr.out_dir);
    status = CF_EXIT_INTERRUPTED;
  } else if (tr.env_error) {
    status = CF_EXIT_USAGE;
  } else if (tr.errors > 0 || tr.news > 0 || tr.regressions > 0) {
    status = CF_EXIT_FAIL;
  }
  triage_free(&tr);
  return status;
}
