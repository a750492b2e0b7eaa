/* capture.c — runs a command through cf_run (harness/run.c), the way the
 * chainfuzz CLI does, saves its output to OUT and prints how it ended as
 * one line of status.txt: "NAME exit N", "NAME signal N", "NAME timeout".
 *
 * Usage: capture OUT NAME [NAME=VALUE...] -- PROGRAM [ARG...] */
#include <stdio.h>
#include <string.h>

#include "../../harness/run.h"

int main(int argc, char **argv) {
  char *env[32];
  size_t env_len = 0;
  int i = 3;
  struct cf_run_opts opts;
  struct cf_run_result r;
  FILE *f;

  if (argc < 5) {
    fprintf(stderr, "usage: capture OUT NAME [NAME=VALUE...] -- PROGRAM [ARG...]\n");
    return 2;
  }
  for (; i < argc && strcmp(argv[i], "--") != 0 && env_len < 31; i++) {
    env[env_len++] = argv[i];
  }
  env[env_len] = NULL;
  if (i + 1 >= argc) {
    fprintf(stderr, "capture: no PROGRAM after --\n");
    return 2;
  }
  memset(&opts, 0, sizeof(opts));
  opts.argv = argv + i + 1;
  opts.env_extra = env;
  opts.timeout_ms = 60000;
  if (!cf_run(&r, &opts) || !r.spawned) {
    fprintf(stderr, "capture: cannot run %s\n", argv[i + 1]);
    return 2;
  }
  f = fopen(argv[1], "wb");
  if (f == NULL || fwrite(r.output, 1, r.output_len, f) != r.output_len ||
      fclose(f) != 0) {
    fprintf(stderr, "capture: cannot write %s\n", argv[1]);
    return 2;
  }
  if (r.timed_out) {
    printf("%s timeout\n", argv[2]);
  } else if (r.signaled) {
    printf("%s signal %d\n", argv[2], r.term_signal);
  } else {
    printf("%s exit %d\n", argv[2], r.exit_code);
  }
  cf_run_result_free(&r);
  return 0;
}
