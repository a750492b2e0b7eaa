/* cli.h — subcommands of the `certgen` tool (certgen_cli.c has main and the
 * table). Each cf_cmd_* gets the subcommand's own argv (argv[0] is its
 * name), handles --help, and returns the exit status: 0 success, 1 the
 * command ran and found a problem, 2 a usage error (after a message on
 * stderr that says what to do). To add a subcommand, write cf_cmd_NAME in
 * certgen/cmd_NAME.c, declare it here and add a row to kCommands in
 * certgen_cli.c. */
#ifndef CHAINFUZZ_CERTGEN_CLI_H
#define CHAINFUZZ_CERTGEN_CLI_H

#ifdef __cplusplus
extern "C" {
#endif

/* cf_cmd_lint parses each FILE and prints "FILE: ok" or its error. */
int cf_cmd_lint(int argc, char **argv);

/* cf_cmd_list prints one line per scenario of the catalogue. */
int cf_cmd_list(int argc, char **argv);

/* cf_cmd_show dumps the parsed model of one recipe. */
int cf_cmd_show(int argc, char **argv);

/* cf_cmd_build builds a recipe into a case (or the catalogue into a corpus);
 * cmd_build.c. */
int cf_cmd_build(int argc, char **argv);

/* cf_cmd_check runs the catalogue through the oracle and BoringSSL;
 * cmd_check.c. */
int cf_cmd_check(int argc, char **argv);

/* cf_cmd_bench measures certificates per second; cmd_bench.c. */
int cf_cmd_bench(int argc, char **argv);

/* cf_cmd_seeds encodes the catalogue into chain_oracle seeds
 * (recipe_bytes.h); cmd_seeds.c. */
int cf_cmd_seeds(int argc, char **argv);

/* cf_cli_usage_error prints "certgen CMD: MSG" and a pointer to --help on
 * stderr and returns 2. */
int cf_cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* cf_cli_is_help reports whether |arg| is -h or --help. */
int cf_cli_is_help(const char *arg);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_CLI_H */
