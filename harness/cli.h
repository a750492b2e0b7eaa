/* cli.h — the subcommands of the chainfuzz CLI (harness/chainfuzz.c
 * dispatches to them). Each takes the arguments after its own name
 * (argv[0] is the subcommand name), prints its --help on request, and
 * returns the process exit status. */
#ifndef CHAINFUZZ_HARNESS_CLI_H
#define CHAINFUZZ_HARNESS_CLI_H

/* Exit statuses shared by every subcommand. */
#define CF_EXIT_OK 0
#define CF_EXIT_FAIL 1      /* a finding, a failure, a regression */
#define CF_EXIT_USAGE 2     /* usage or environment error */
#define CF_EXIT_INTERRUPTED 130

/* cf_cmd_triage: reproduce, classify, bucket, minimise artifacts into
 * crashes/<target>/<bucket>/ (harness/triage.c). */
int cf_cmd_triage(int argc, char **argv);

/* cf_cmd_repro: run one file and say what it is and where it belongs
 * (harness/repro.c). */
int cf_cmd_repro(int argc, char **argv);

/* cf_cmd_regress: replay every bucket's reproducer, TAP output
 * (harness/regress.c). */
int cf_cmd_regress(int argc, char **argv);

/* cf_cmd_conform: an x509-limbo suite (and certgen's catalogue) through
 * every validator, a pass / wrong-accept / wrong-reject / skipped matrix
 * and x509-limbo result files (harness/conform.c). */
int cf_cmd_conform(int argc, char **argv);

/* cf_parse_u32_arg parses a decimal option value in [min, max]; on error it
 * prints "chainfuzz CMD: OPTION needs ..." and returns 0. */
int cf_parse_u32_arg(unsigned *out, const char *cmd, const char *option,
                     const char *value, unsigned min, unsigned max);

#endif /* CHAINFUZZ_HARNESS_CLI_H */
