/* repro.c — `chainfuzz repro`: run one input once through a target's
 * replay build (or its libFuzzer build when there is no replay build, as
 * ClusterFuzz reproduces with the fuzzing binary), print the child's
 * (symbolized) report, the classification, and which bucket of crashes/ it
 * belongs to. Builds the target's replay flavor first when neither binary
 * exists (or with --build). Works on any file, e.g. a testcase downloaded
 * from OSS-Fuzz. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "cli.h"
#include "minimize.h"
#include "report.h"
#include "run.h"
#include "store.h"

static void usage(FILE *out) {
  fprintf(out,
"usage: chainfuzz repro [options] TARGET FILE\n"
"       chainfuzz repro [options] --target BIN FILE\n"
"\n"
"Runs FILE once through the target with the same sanitizer settings as\n"
"triage, prints the target's output (the symbolized sanitizer report), then\n"
"the classification (type, crash state, severity, or the chainfuzz FINDING)\n"
"and the bucket of the crash directory it belongs to: an existing bucket\n"
"id, or \"new\". FILE can be anything, e.g. a testcase downloaded from\n"
"OSS-Fuzz.\n"
"\n"
"The binary is <build>/replay/bin/TARGET, or <build>/libfuzzer/bin/TARGET\n"
"when only the libFuzzer flavor of TARGET is built (make fuzz; ClusterFuzz,\n"
"too, reproduces with the fuzzing binary); with --bin-dir, BIN_DIR/TARGET.\n"
"\n"
"If neither build of TARGET exists (and no --bin-dir is given), or with\n"
"--build, ./build.sh --flavor replay --targets TARGET runs first.\n"
"\n"
"Options:\n"
"  --target BIN      run this libFuzzer-compatible binary (target name =\n"
"                    its file name)\n"
"  --build           run ./build.sh --flavor replay --targets TARGET first\n"
"                    (with --target BIN: ./build.sh --flavor replay)\n"
"  --dir DIR         crash directory to look up buckets in (default:\n"
"                    $CHAINFUZZ_CRASHES_DIR or <repo>/crashes)\n"
"  --bin-dir DIR     where target binaries are (default: <build>/replay/bin,\n"
"                    else <build>/libfuzzer/bin)\n"
"  --timeout SECS    -timeout= for the target (default 25)\n"
"  --rss-limit-mb N  -rss_limit_mb= for the target (default 2560)\n"
"  -h, --help        this help\n"
"\n"
"Exit status: 0 the input runs cleanly, 1 it crashes (reproduced), 2 usage\n"
"or environment error (no binary, build failed, unreadable FILE).\n"
"\n"
"Example:\n"
"  chainfuzz repro chain_verify ~/Downloads/clusterfuzz-testcase-minimized-"
"chain_verify-123\n");
}

/* build_replay runs ./build.sh --flavor replay, with --targets |target|
 * unless it is NULL (argv, no shell), and shows its output when it
 * fails. */
static int build_replay(const struct cf_paths *p, const char *target) {
  char script[PATH_MAX];
  const char *argv[6];
  struct cf_run_opts o;
  struct cf_run_result r;
  int ok;

  if (!cf_path_join(script, sizeof(script), p->root, "build.sh")) {
    return 0;
  }
  argv[0] = script;
  argv[1] = "--flavor";
  argv[2] = "replay";
  argv[3] = target != NULL ? "--targets" : NULL;
  argv[4] = target;
  argv[5] = NULL;
  memset(&o, 0, sizeof(o));
  o.argv = (char *const *)argv;
  o.timeout_ms = 3600u * 1000u;
  fprintf(stderr, "repro: building: %s --flavor replay%s%s\n", script,
          target != NULL ? " --targets " : "", target != NULL ? target : "");
  if (!cf_run(&r, &o)) {
    return 0;
  }
  ok = r.spawned && r.exited && r.exit_code == 0;
  if (!ok) {
    fwrite(r.output, 1, r.output_len, stderr);
    if (!r.spawned) {
      fprintf(stderr, "repro: cannot run %s: %s\n", script,
              strerror(r.spawn_errno));
    }
  }
  cf_run_result_free(&r);
  return ok;
}

int cf_cmd_repro(int argc, char **argv) {
  static const struct option kOpts[] = {
      {"target", required_argument, NULL, 't'},
      {"build", no_argument, NULL, 'b'},
      {"dir", required_argument, NULL, 'd'},
      {"bin-dir", required_argument, NULL, 'B'},
      {"timeout", required_argument, NULL, 'T'},
      {"rss-limit-mb", required_argument, NULL, 'm'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  const char *target_bin = NULL, *dir = NULL, *bin_dir = NULL;
  unsigned timeout = 25, rss = 2560;
  int build = 0, c, have_root, status = CF_EXIT_USAGE;
  struct cf_paths paths;
  struct cf_target *t = NULL;
  struct cf_crash *crash = NULL;
  struct cf_run_result r;
  struct cf_store store;
  char err[PATH_MAX + 256], why[PATH_MAX + 64], name[128], bin[PATH_MAX];
  char crashes[PATH_MAX], work[PATH_MAX] = "", input[PATH_MAX];
  uint8_t *data = NULL;
  size_t len = 0;
  const char *file;

  memset(&r, 0, sizeof(r));
  memset(&store, 0, sizeof(store));
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", kOpts, NULL)) != -1) {
    int ok = 1;
    switch (c) {
      case 't': target_bin = optarg; break;
      case 'b': build = 1; break;
      case 'd': dir = optarg; break;
      case 'B': bin_dir = optarg; break;
      case 'T':
        ok = cf_parse_u32_arg(&timeout, "repro", "--timeout", optarg, 1,
                              86400);
        break;
      case 'm':
        ok = cf_parse_u32_arg(&rss, "repro", "--rss-limit-mb", optarg, 0,
                              1u << 20);
        break;
      case 'h': usage(stdout); return CF_EXIT_OK;
      default:
        fprintf(stderr, "chainfuzz repro: unknown option or missing value: "
                "%s\nRun 'chainfuzz repro --help' for the options.\n",
                argv[optind - 1]);
        return CF_EXIT_USAGE;
    }
    if (!ok) {
      return CF_EXIT_USAGE;
    }
  }
  if (argc - optind != (target_bin != NULL ? 1 : 2)) {
    fprintf(stderr, "chainfuzz repro: give %s\nRun 'chainfuzz repro --help' "
            "for the usage.\n",
            target_bin != NULL ? "one FILE" : "a TARGET and one FILE");
    return CF_EXIT_USAGE;
  }
  file = argv[argc - 1];
  have_root = cf_paths_init(&paths, err, sizeof(err));

  if (target_bin != NULL) {
    const char *base = strrchr(target_bin, '/');
    base = base != NULL ? base + 1 : target_bin;
    if (!cf_valid_target_name(base)) {
      fprintf(stderr, "chainfuzz repro: --target %s: the file name is the "
              "target name and may only hold [A-Za-z0-9_-]\n", target_bin);
      return CF_EXIT_USAGE;
    }
    snprintf(name, sizeof(name), "%s", base);
    snprintf(bin, sizeof(bin), "%s", target_bin);
    if (build) {
      if (!have_root) {
        fprintf(stderr, "chainfuzz repro: --build: %s\n", err);
        return CF_EXIT_USAGE;
      }
      if (!build_replay(&paths, NULL)) {
        fprintf(stderr, "chainfuzz repro: the build failed (output above); "
                "fix it and run again\n");
        return CF_EXIT_USAGE;
      }
    }
  } else {
    snprintf(name, sizeof(name), "%s", argv[optind]);
    if (!cf_valid_target_name(name)) {
      fprintf(stderr, "chainfuzz repro: '%s' is not a target name "
              "([A-Za-z0-9_-]); to run a binary, use --target BIN\n", name);
      return CF_EXIT_USAGE;
    }
    if (bin_dir == NULL && !have_root) {
      fprintf(stderr, "chainfuzz repro: %s (or give --bin-dir or --target)\n",
              err);
      return CF_EXIT_USAGE;
    }
    /* The replay build, else the libFuzzer build, else (neither) the
     * replay path: the one to build. */
    if (bin_dir != NULL ? !cf_path_join(bin, sizeof(bin), bin_dir, name)
                        : !cf_target_bin(bin, sizeof(bin), &paths, name)) {
      fprintf(stderr, "chainfuzz repro: the binary's path is too long\n");
      return CF_EXIT_USAGE;
    }
    /* Building helps only when the binary comes from the build tree. */
    if (build || (bin_dir == NULL && access(bin, F_OK) != 0)) {
      if (!have_root) {
        fprintf(stderr, "chainfuzz repro: %s is missing and %s\n", bin, err);
        return CF_EXIT_USAGE;
      }
      if (!build_replay(&paths, name)) {
        fprintf(stderr, "chainfuzz repro: the build failed (output above); "
                "fix it and run again\n");
        return CF_EXIT_USAGE;
      }
      if (bin_dir == NULL && !cf_target_bin(bin, sizeof(bin), &paths, name)) {
        fprintf(stderr, "chainfuzz repro: the binary's path is too long\n");
        return CF_EXIT_USAGE;
      }
    }
  }
  if (!cf_target_check(bin, why, sizeof(why))) {
    fprintf(stderr, "chainfuzz repro: target binary %s%s\n", why,
            target_bin == NULL ? " (is the target name right? ./build.sh "
                                 "--list-targets)"
                               : "");
    return CF_EXIT_USAGE;
  }

  if (!cf_read_file(&data, &len, file, CF_MAX_ARTIFACT_LEN)) {
    fprintf(stderr, "chainfuzz repro: %s: cannot read: %s\n", file,
            errno == EINVAL ? "not a regular file" : strerror(errno));
    return CF_EXIT_USAGE;
  }
  t = calloc(1, sizeof(*t));
  crash = malloc(sizeof(*crash));
  if (t == NULL || crash == NULL ||
      !cf_target_init(t, bin, name, timeout, rss)) {
    fprintf(stderr, "chainfuzz repro: out of memory\n");
    goto done;
  }
  /* Run a private copy: the file's name is not passed to the target. */
  {
    const char *tmp = getenv("TMPDIR");
    snprintf(work, sizeof(work), "%s/chainfuzz-repro-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(work) == NULL) {
      fprintf(stderr, "chainfuzz repro: cannot create %s: %s; set TMPDIR\n",
              work, strerror(errno));
      work[0] = '\0';
      goto done;
    }
  }
  if (!cf_path_join(input, sizeof(input), work, "input") ||
      !cf_write_file_atomic(input, data, len, 0600)) {
    fprintf(stderr, "chainfuzz repro: cannot write %s: %s\n", input,
            strerror(errno));
    goto done;
  }
  {
    char sha1[CF_SHA1_HEX_LEN + 1];
    cf_sha1_hex(sha1, data, len);
    printf("repro: %s -timeout=%u -rss_limit_mb=%u %s  (%zu bytes, sha1 "
           "%s)\n", bin, timeout, rss, file, len, sha1);
    fflush(stdout);
  }
  if (!cf_target_run(t, input, &r, crash)) {
    fprintf(stderr, "chainfuzz repro: cannot run the target (internal "
            "error)\n");
    goto done;
  }
  if (!r.spawned) {
    fprintf(stderr, "chainfuzz repro: cannot start %s: %s\n", bin,
            strerror(r.spawn_errno));
    goto done;
  }
  printf("---- target output%s ----\n",
         r.output_truncated ? " (middle cut, too long)" : "");
  fwrite(r.output, 1, r.output_len, stdout);
  if (r.output_len > 0 && r.output[r.output_len - 1] != '\n') {
    printf("\n");
  }
  printf("---- chainfuzz ----\n");
  if (r.exited) {
    printf("exit:      status %d", r.exit_code);
  } else if (r.signaled) {
    printf("exit:      signal %d", r.term_signal);
  }
  printf("%s%s, %.0f ms\n", r.timed_out ? " (killed: timeout)" : "",
         r.rss_exceeded ? " (killed: memory limit)" : "", r.wall_ms);
  if (!crash->crashed) {
    printf("result:    no crash\n");
    status = CF_EXIT_OK;
    goto done;
  }
  {
    char summary[512];
    const char *p = crash->state;
    cf_report_summary(summary, sizeof(summary), crash);
    printf("result:    crash\n");
    printf("type:      %s\n", crash->type);
    if (crash->access[0] != '\0') {
      printf("access:    %s of %u byte%s\n", crash->access,
             crash->access_size, crash->access_size == 1 ? "" : "s");
    }
    printf("state:     ");
    if (*p == '\0') {
      printf("(empty)\n");
    }
    while (*p != '\0') {
      const char *nl = strchr(p, '\n');
      size_t l = nl ? (size_t)(nl - p) : strlen(p);
      printf("%.*s\n", (int)l, p);
      p += l;
      if (*p == '\n') {
        p++;
        printf("           ");
      }
    }
    printf("severity:  %s%s\n", cf_severity_name(crash->severity),
           crash->security ? " (security issue)" : "");
    printf("summary:   %s\n", summary);
  }
  status = CF_EXIT_FAIL;

  /* Which bucket. */
  if (dir != NULL) {
    snprintf(crashes, sizeof(crashes), "%s", dir);
  } else if (have_root) {
    snprintf(crashes, sizeof(crashes), "%s", paths.crashes);
  } else {
    printf("bucket:    unknown (no crash directory: give --dir)\n");
    goto done;
  }
  if (!cf_store_load(&store, crashes, name, 0, err, sizeof(err))) {
    printf("bucket:    unknown (%s)\n", err);
    goto done;
  }
  {
    char sha1[CF_SHA1_HEX_LEN + 1], id[CF_BUCKET_ID_LEN + 1];
    struct cf_bucket *known, *b;
    cf_sha1_hex(sha1, data, len);
    known = cf_store_find_original(&store, sha1);
    b = cf_store_match(&store, crash);
    if (b != NULL) {
      printf("bucket:    %s/%s/%s (existing, status %s%s)%s\n", crashes, name,
             b->bucket, b->fixed ? "fixed" : "open",
             b->fixed ? ": the bug came back" : "",
             known == b ? ", this very file is one of its originals" : "");
    } else {
      cf_bucket_id(id, name, crash->type, crash->state);
      printf("bucket:    new (would be %s/%s/%s); file it with: chainfuzz "
             "triage %s %s\n", crashes, name, id, name, file);
    }
  }

done:
  fflush(stdout);
  cf_run_result_free(&r);
  cf_store_free(&store);
  if (work[0] != '\0') {
    cf_remove_tree(work);
  }
  free(data);
  free(t);
  free(crash);
  return status;
}
