/* run.h — running a target on one input in a child process, bounded: the
 * only way the chainfuzz CLI executes anything. No shell: an argv array
 * through posix_spawn (or fork+exec), in its own process group so that a
 * target that forks is cleaned up whole. The child's stdin is /dev/null;
 * its stdout and stderr go, interleaved as written, to one pipe. */
#ifndef CHAINFUZZ_HARNESS_RUN_H
#define CHAINFUZZ_HARNESS_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* cf_run_opts says what to run and within which limits. */
struct cf_run_opts {
  /* argv[0] is the program path (not searched in PATH); NULL-terminated. */
  char *const *argv;
  /* Extra "NAME=value" entries added to (or overriding) the environment;
   * NULL-terminated, or NULL. */
  char *const *env_extra;
  /* Wall-clock limit in milliseconds; the whole process group is killed
   * (SIGKILL) when it passes. 0: no limit. */
  uint32_t timeout_ms;
  /* Resident-set limit in MiB, checked by polling /proc while the child
   * runs (RLIMIT_AS would break ASan's shadow memory); the group is killed
   * when it passes. 0: no limit. */
  uint32_t rss_limit_mb;
  /* Bytes of combined stdout+stderr kept: the first half and the last half
   * of what the child printed when it printed more, joined by a
   * "\n...[N bytes dropped]...\n" marker. 0: 1 MiB. */
  size_t max_output;
};

/* cf_run_result is what happened. */
struct cf_run_result {
  int spawned;         /* 0: the program could not be started (see spawn_errno) */
  int spawn_errno;     /* errno of the failed start (ENOENT, EACCES, ...) */
  int exited;          /* 1: exit() with exit_code */
  int exit_code;
  int signaled;        /* 1: killed by term_signal */
  int term_signal;
  int timed_out;       /* 1: killed by us for timeout_ms */
  int rss_exceeded;    /* 1: killed by us for rss_limit_mb */
  uint64_t max_rss_kb; /* peak resident set seen */
  double wall_ms;
  char *output;        /* NUL-terminated; free with cf_run_result_free */
  size_t output_len;
  size_t output_total; /* bytes the child printed in all */
  int output_truncated;
  int unsymbolized;    /* set by the caller: ran with symbolize=0 */
};

/* cf_run runs |opts| and fills |*out|. It returns 1 when it could try (even
 * if the program did not start: then out->spawned is 0) and 0 on an
 * internal error (pipe, memory). Never uses a shell. */
int cf_run(struct cf_run_result *out, const struct cf_run_opts *opts);

/* The same, one step at a time, for running several children at once:
 * cf_run_begin starts the child and sets |*p| (NULL when it did not start:
 * then |*out| is final, spawned 0); returns 0 on an internal error. While
 * it runs, poll cf_run_fd(p) (-1 once at EOF) for POLLIN, for at most
 * cf_run_wait_ms(p), then call cf_run_check(p, readable): 1 means the run
 * is over (exited, timed out, RSS exceeded) and cf_run_end(p) must follow,
 * which kills what is left of the group, reaps, drains, fills |*out| and
 * frees |p| (returns 0 if out of memory). |out| must stay valid until
 * then. */
struct cf_run_proc;
int cf_run_begin(struct cf_run_proc **p, struct cf_run_result *out,
                 const struct cf_run_opts *opts);
int cf_run_fd(const struct cf_run_proc *p);
int cf_run_wait_ms(const struct cf_run_proc *p);
int cf_run_check(struct cf_run_proc *p, int readable);
int cf_run_end(struct cf_run_proc *p);
/* The child's pid (= its process group) and how long it has run. */
pid_t cf_run_pid(const struct cf_run_proc *p);
double cf_run_elapsed_ms(const struct cf_run_proc *p);

/* cf_run_result_free frees |r|'s output. cf_run_result_free(NULL) is a
 * no-op. */
void cf_run_result_free(struct cf_run_result *r);

#endif /* CHAINFUZZ_HARNESS_RUN_H */
