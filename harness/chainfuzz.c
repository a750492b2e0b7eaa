/* chainfuzz.c — the chainfuzz CLI: main() and subcommand dispatch. Each
 * subcommand lives in its own file (triage.c, repro.c, regress.c,
 * conform.c) behind
 * harness/cli.h. Exit status everywhere: 0 success, 1 a finding or a
 * failure, 2 usage or environment error. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* cf_command is one subcommand. */
struct cf_command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
};

static const struct cf_command kCommands[] = {
    {"triage", cf_cmd_triage,
     "reproduce, classify, bucket and minimise crash artifacts into "
     "crashes/<target>/<bucket>/"},
    {"repro", cf_cmd_repro,
     "run one input (e.g. an OSS-Fuzz testcase) and say which bucket it is"},
    {"regress", cf_cmd_regress,
     "replay every bucket's reproducer: still failing, fixed, regressed "
     "(TAP; make test)"},
    {"conform", cf_cmd_conform,
     "run an x509-limbo suite (and certgen's catalogue) through every "
     "validator: pass / wrong-accept / wrong-reject / skipped"},
};

#define NUM_COMMANDS (sizeof(kCommands) / sizeof(kCommands[0]))

static void usage(FILE *out) {
  fprintf(out,
          "usage: chainfuzz COMMAND [options] [args]\n"
          "       chainfuzz help COMMAND   (= chainfuzz COMMAND --help)\n"
          "\n"
          "Crash triage for chainfuzz's fuzz targets (and any "
          "libFuzzer-compatible binary).\n"
          "\n"
          "Commands:\n");
  for (size_t i = 0; i < NUM_COMMANDS; i++) {
    fprintf(out, "  %-8s  %s\n", kCommands[i].name, kCommands[i].summary);
  }
  fprintf(out,
          "\n"
          "Fuzzing itself is `make fuzz` (harness/fuzz.sh) for now.\n"
          "\n"
          "The repository root is found from the binary's location or the "
          "working\n"
          "directory (the directory holding build.sh), or $CHAINFUZZ_ROOT. "
          "Also read:\n"
          "$CHAINFUZZ_BUILD_DIR (default <root>/build) and "
          "$CHAINFUZZ_CRASHES_DIR\n"
          "(default <root>/crashes).\n"
          "\n"
          "Exit status: 0 success, 1 a finding or failure, 2 usage or "
          "environment\n"
          "error, 130 interrupted.\n");
}

static const struct cf_command *find_command(const char *name) {
  for (size_t i = 0; i < NUM_COMMANDS; i++) {
    if (strcmp(kCommands[i].name, name) == 0) {
      return &kCommands[i];
    }
  }
  return NULL;
}

static int unknown(const char *name) {
  fprintf(stderr,
          "chainfuzz: unknown command '%s'\nRun 'chainfuzz --help' for the "
          "commands.\n",
          name);
  return CF_EXIT_USAGE;
}

int main(int argc, char **argv) {
  const struct cf_command *cmd;

  if (argc < 2) {
    usage(stderr);
    return CF_EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage(stdout);
    return CF_EXIT_OK;
  }
  if (strcmp(argv[1], "help") == 0) {
    char help[] = "--help";
    char *sub_argv[3];
    if (argc == 2) {
      usage(stdout);
      return CF_EXIT_OK;
    }
    if (argc > 3) {
      fprintf(stderr, "usage: chainfuzz help [COMMAND]\n");
      return CF_EXIT_USAGE;
    }
    cmd = find_command(argv[2]);
    if (cmd == NULL) {
      return unknown(argv[2]);
    }
    sub_argv[0] = argv[2];
    sub_argv[1] = help;
    sub_argv[2] = NULL;
    return cmd->run(2, sub_argv);
  }
  cmd = find_command(argv[1]);
  if (cmd == NULL) {
    if (argv[1][0] == '-') {
      fprintf(stderr, "chainfuzz: unknown option '%s' (options go after the "
              "command)\nRun 'chainfuzz --help' for the commands.\n",
              argv[1]);
      return CF_EXIT_USAGE;
    }
    return unknown(argv[1]);
  }
  return cmd->run(argc - 1, argv + 1);
}
