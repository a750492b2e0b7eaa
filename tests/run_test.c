/* run_test.c — unit tests of harness/run.c (cf_run) on real programs from
 * the base system: exit status, start failures, the wall-clock limit on a
 * process and on a whole process group, bounded output, the RSS limit,
 * environment merging, argv without a shell, EINTR and reaping. The shell
 * appears only as a target (a program that forks), never as our launcher.
 * TAP output. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../harness/run.h"
#include "tap.h"

/* run runs |argv| with the given limits into |r|; it returns cf_run's
 * result. */
static int run(struct cf_run_result *r, char *const *argv,
               char *const *env_extra, uint32_t timeout_ms,
               uint32_t rss_limit_mb, size_t max_output) {
  struct cf_run_opts opts;
  memset(&opts, 0, sizeof(opts));
  opts.argv = argv;
  opts.env_extra = env_extra;
  opts.timeout_ms = timeout_ms;
  opts.rss_limit_mb = rss_limit_mb;
  opts.max_output = max_output;
  return cf_run(r, &opts);
}

/* is_gone reports whether process |pid| has ended (no /proc entry, or a
 * zombie waiting for a parent that may never reap it). It waits up to
 * |ms| milliseconds for that. */
static int is_gone(long pid, int ms) {
  char path[64], buf[512];
  for (int waited = 0;; waited += 10) {
    FILE *f;
    char *close_paren;
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    f = fopen(path, "r");
    if (f == NULL) {
      return 1;
    }
    buf[0] = '\0';
    if (fgets(buf, sizeof(buf), f) == NULL) {
      buf[0] = '\0';
    }
    fclose(f);
    close_paren = strrchr(buf, ')');
    if (close_paren != NULL && (close_paren[2] == 'Z' || close_paren[2] == 'X')) {
      return 1;
    }
    if (waited >= ms) {
      return 0;
    }
    usleep(10 * 1000);
  }
}

static void test_exit_status(void) {
  struct cf_run_result r;
  char *true_argv[] = {"/bin/true", NULL};
  char *false_argv[] = {"/bin/false", NULL};
  char *sh_argv[] = {"/bin/sh", "-c", "exit 42", NULL};

  tap_ok(run(&r, true_argv, NULL, 5000, 0, 0) && r.spawned && r.exited &&
             r.exit_code == 0 && !r.signaled && !r.timed_out &&
             !r.rss_exceeded && r.output != NULL && r.output_len == 0 &&
             r.output_total == 0 && !r.output_truncated,
         "/bin/true: exit 0, no output");
  tap_ok(r.max_rss_kb > 0 && r.wall_ms >= 0 && r.wall_ms < 5000,
         "/bin/true: peak RSS %llu kB, %.1f ms",
         (unsigned long long)r.max_rss_kb, r.wall_ms);
  cf_run_result_free(&r);
  tap_ok(r.output == NULL && r.output_len == 0,
         "cf_run_result_free clears the output");
  cf_run_result_free(&r);
  cf_run_result_free(NULL);
  tap_ok(1, "cf_run_result_free twice, and on NULL, is a no-op");

  tap_ok(run(&r, false_argv, NULL, 5000, 0, 0) && r.spawned && r.exited &&
             r.exit_code == 1 && !r.signaled,
         "/bin/false: exit 1");
  cf_run_result_free(&r);
  tap_ok(run(&r, sh_argv, NULL, 5000, 0, 0) && r.exited && r.exit_code == 42,
         "exit 42 comes back as 42 (%d)", r.exit_code);
  cf_run_result_free(&r);
}

static void test_signals(void) {
  struct cf_run_result r;
  char *argv[] = {"/bin/sh", "-c", "kill -SEGV $$", NULL};
  tap_ok(run(&r, argv, NULL, 5000, 0, 0) && r.spawned && r.signaled &&
             r.term_signal == SIGSEGV && !r.exited && !r.timed_out,
         "a child killed by SIGSEGV: signaled, term_signal %d",
         r.term_signal);
  cf_run_result_free(&r);
}

static void test_start_failures(void) {
  struct cf_run_result r;
  char missing[] = "/nonexistent/chainfuzz-no-such-program";
  char *missing_argv[] = {missing, NULL};
  char plain[] = "/tmp/chainfuzz-run-test-XXXXXX";
  char dir[] = "/tmp";
  char *dir_argv[] = {dir, NULL};
  char *plain_argv[] = {plain, NULL};
  struct cf_run_opts opts;
  int fd;

  tap_ok(run(&r, missing_argv, NULL, 5000, 0, 0) == 1 && !r.spawned &&
             r.spawn_errno == ENOENT && !r.exited && r.output != NULL,
         "a missing program: returns 1, spawned 0, ENOENT (%s)",
         strerror(r.spawn_errno));
  cf_run_result_free(&r);

  fd = mkstemp(plain);
  if (fd >= 0) {
    static const char kText[] = "#!/bin/sh\necho should not run\n";
    tap_ok(write(fd, kText, sizeof(kText) - 1) == (ssize_t)(sizeof(kText) - 1) &&
               fchmod(fd, 0644) == 0,
           "made a non-executable file %s", plain);
    close(fd);
    tap_ok(run(&r, plain_argv, NULL, 5000, 0, 0) == 1 && !r.spawned &&
               r.spawn_errno == EACCES,
           "a non-executable file: spawned 0, EACCES (%s)",
           strerror(r.spawn_errno));
    cf_run_result_free(&r);
    unlink(plain);
  } else {
    tap_ok(0, "mkstemp: %s", strerror(errno));
  }

  tap_ok(run(&r, dir_argv, NULL, 5000, 0, 0) == 1 && !r.spawned &&
             r.spawn_errno == EACCES,
         "a directory: spawned 0, EACCES (%s)", strerror(r.spawn_errno));
  cf_run_result_free(&r);

  memset(&opts, 0, sizeof(opts));
  tap_ok(cf_run(&r, &opts) == 1 && !r.spawned && r.spawn_errno == EINVAL,
         "no argv: spawned 0, EINVAL");
  cf_run_result_free(&r);
}

static void test_timeout(void) {
  struct cf_run_result r;
  char *sleep_argv[] = {"/bin/sleep", "10", NULL};
  char *group_argv[] = {"/bin/sh", "-c",
                        "echo $$; sleep 30 & echo $!; sleep 30", NULL};
  char *orphan_argv[] = {"/bin/sh", "-c", "sleep 30 & echo $!", NULL};
  long shell_pid = 0, bg_pid = 0;

  tap_ok(run(&r, sleep_argv, NULL, 300, 0, 0) && r.spawned && r.timed_out &&
             r.signaled && r.term_signal == SIGKILL && !r.exited,
         "sleep 10 with a 300 ms limit: timed out, SIGKILL");
  tap_ok(r.wall_ms >= 290 && r.wall_ms < 1500,
         "sleep 10 with a 300 ms limit: killed after %.0f ms", r.wall_ms);
  cf_run_result_free(&r);

  /* The shell forks a background sleep that holds the output pipe too:
   * both must die at the timeout, and cf_run must not wait for them. */
  tap_ok(run(&r, group_argv, NULL, 500, 0, 0) && r.timed_out &&
             r.wall_ms < 2000,
         "sh -c 'sleep 30 & sleep 30', 500 ms limit: timed out after %.0f ms",
         r.wall_ms);
  tap_ok(sscanf(r.output, "%ld %ld", &shell_pid, &bg_pid) == 2 &&
             shell_pid > 0 && bg_pid > 0,
         "the shell printed its pid %ld and the background pid %ld",
         shell_pid, bg_pid);
  tap_ok(bg_pid > 0 && is_gone(bg_pid, 1000),
         "the background sleep (another process of the group) is killed");
  tap_ok(shell_pid > 0 && is_gone(shell_pid, 0), "the shell is reaped");
  cf_run_result_free(&r);

  /* The shell exits at once; its background child keeps the pipe open. */
  bg_pid = 0;
  tap_ok(run(&r, orphan_argv, NULL, 10000, 0, 0) && r.exited &&
             r.exit_code == 0 && !r.timed_out && r.wall_ms < 2000,
         "sh exits, leaving 'sleep 30 &' on the pipe: done in %.0f ms",
         r.wall_ms);
  tap_ok(sscanf(r.output, "%ld", &bg_pid) == 1 && bg_pid > 0 &&
             is_gone(bg_pid, 1000),
         "the leftover background process (pid %ld) is killed", bg_pid);
  cf_run_result_free(&r);
}

static void test_output(void) {
  struct cf_run_result r;
  char *zero_argv[] = {"/usr/bin/head", "-c", "20000000", "/dev/zero", NULL};
  char *seq_argv[] = {"/usr/bin/seq", "1", "200000", NULL};
  char *mixed_argv[] = {"/bin/sh", "-c", "echo out; echo err >&2; echo out2",
                        NULL};
  char *echo_argv[] = {"/bin/echo", "a  b", "$HOME", ";", "`id`", "*", NULL};
  char *cat_argv[] = {"/bin/cat", NULL};
  char marker[64];
  int zeros = 1;

  tap_ok(run(&r, zero_argv, NULL, 30000, 0, 4096) && r.exited &&
             r.exit_code == 0 && r.output_total == 20000000 &&
             r.output_truncated,
         "20 MB of output with max_output 4096: all %zu bytes counted, "
         "truncated",
         r.output_total);
  snprintf(marker, sizeof(marker), "\n...[%d bytes dropped]...\n",
           20000000 - 4096);
  tap_ok(r.output_len == 4096 + strlen(marker) &&
             memcmp(r.output + 2048, marker, strlen(marker)) == 0 &&
             r.output[r.output_len] == '\0',
         "kept 2048 + 2048 bytes around the marker (%zu bytes)", r.output_len);
  for (size_t i = 0; i < 2048; i++) {
    zeros &= r.output[i] == '\0' &&
             r.output[2048 + strlen(marker) + i] == '\0';
  }
  tap_ok(zeros, "head and tail hold the child's bytes");
  cf_run_result_free(&r);

  tap_ok(run(&r, seq_argv, NULL, 30000, 0, 64) && r.output_truncated &&
             strncmp(r.output, "1\n2\n3\n4\n", 8) == 0 &&
             r.output_len >= 8 &&
             strcmp(r.output + r.output_len - 14, "199999\n200000\n") == 0,
         "seq 1 200000, max_output 64: the first and the last lines kept");
  cf_run_result_free(&r);

  tap_ok(run(&r, seq_argv, NULL, 30000, 0, 0) && r.output_truncated &&
             r.output_total == 1288895 &&
             r.output_len > (1u << 20) && r.output_len < (1u << 20) + 64,
         "1.2 MB of output, default max_output: 1 MiB kept (%zu of %zu)",
         r.output_len, r.output_total);
  cf_run_result_free(&r);

  tap_ok(run(&r, mixed_argv, NULL, 5000, 0, 0) &&
             strcmp(r.output, "out\nerr\nout2\n") == 0,
         "stdout and stderr share one stream, in order");
  cf_run_result_free(&r);

  tap_ok(run(&r, echo_argv, NULL, 5000, 0, 0) &&
             strcmp(r.output, "a  b $HOME ; `id` *\n") == 0,
         "argv reaches the program verbatim, no shell: '%s'", r.output);
  cf_run_result_free(&r);

  tap_ok(run(&r, cat_argv, NULL, 5000, 0, 0) && r.exited &&
             r.exit_code == 0 && r.output_len == 0 && !r.timed_out,
         "stdin is /dev/null: cat ends at once");
  cf_run_result_free(&r);
}

static void test_rss(void) {
  struct cf_run_result r;
  char *hog_argv[] = {"/usr/bin/python3", "-c",
                      "x = b'x' * (400 << 20); import time; time.sleep(5)",
                      NULL};
  char *small_argv[] = {"/bin/sleep", "0.2", NULL};

  if (access(hog_argv[0], X_OK) != 0) {
    tap_ok(1, "# SKIP no %s", hog_argv[0]);
    return;
  }
  tap_ok(run(&r, hog_argv, NULL, 20000, 100, 0) && r.rss_exceeded &&
             !r.timed_out && r.signaled && r.term_signal == SIGKILL,
         "a 400 MiB hog with rss_limit_mb 100: rss_exceeded, SIGKILL");
  tap_ok(r.max_rss_kb > 100 * 1024 && r.wall_ms < 4000,
         "killed at %llu kB after %.0f ms, before its 5 s sleep",
         (unsigned long long)r.max_rss_kb, r.wall_ms);
  cf_run_result_free(&r);
  tap_ok(run(&r, small_argv, NULL, 5000, 100, 0) && !r.rss_exceeded &&
             r.exited && r.exit_code == 0,
         "a small program under rss_limit_mb 100 runs to the end");
  cf_run_result_free(&r);
}

static void test_env(void) {
  struct cf_run_result r;
  char *env_argv[] = {"/usr/bin/env", NULL};
  char *extra[] = {"CHAINFUZZ_RUN_TEST_NEW=one", "CHAINFUZZ_RUN_TEST_OLD=new",
                   "CHAINFUZZ_RUN_TEST_DUP=first",
                   "CHAINFUZZ_RUN_TEST_DUP=second", NULL};
  const char *p;
  int count = 0;

  setenv("CHAINFUZZ_RUN_TEST_OLD", "old", 1);
  setenv("CHAINFUZZ_RUN_TEST_KEPT", "kept", 1);
  tap_ok(run(&r, env_argv, extra, 5000, 0, 0) && r.exited &&
             r.exit_code == 0,
         "/usr/bin/env ran");
  tap_ok(strstr(r.output, "\nCHAINFUZZ_RUN_TEST_NEW=one\n") != NULL ||
             strncmp(r.output, "CHAINFUZZ_RUN_TEST_NEW=one\n", 27) == 0,
         "env_extra adds a variable");
  for (p = r.output; (p = strstr(p, "CHAINFUZZ_RUN_TEST_OLD=")) != NULL; p++) {
    count++;
  }
  tap_ok(strstr(r.output, "CHAINFUZZ_RUN_TEST_OLD=new\n") != NULL &&
             strstr(r.output, "CHAINFUZZ_RUN_TEST_OLD=old") == NULL &&
             count == 1,
         "env_extra overrides an inherited variable (once)");
  tap_ok(strstr(r.output, "CHAINFUZZ_RUN_TEST_KEPT=kept\n") != NULL,
         "the rest of the environment is inherited");
  tap_ok(strstr(r.output, "CHAINFUZZ_RUN_TEST_DUP=second\n") != NULL &&
             strstr(r.output, "CHAINFUZZ_RUN_TEST_DUP=first") == NULL,
         "of two env_extra entries for one name, the last wins");
  cf_run_result_free(&r);
  unsetenv("CHAINFUZZ_RUN_TEST_OLD");
  unsetenv("CHAINFUZZ_RUN_TEST_KEPT");
}

static volatile sig_atomic_t g_alarms;

static void on_alarm(int sig) {
  (void)sig;
  g_alarms++;
}

static void test_eintr(void) {
  struct cf_run_result r;
  char *argv[] = {"/bin/sh", "-c", "sleep 0.3; echo done", NULL};
  struct sigaction sa, old_sa;
  struct itimerval it, off;

  /* A signal every 5 ms without SA_RESTART interrupts poll, read and
   * waitpid over and over. */
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, &old_sa);
  memset(&it, 0, sizeof(it));
  it.it_interval.tv_usec = 5000;
  it.it_value.tv_usec = 5000;
  memset(&off, 0, sizeof(off));
  setitimer(ITIMER_REAL, &it, NULL);
  tap_ok(run(&r, argv, NULL, 5000, 0, 0) && r.exited && r.exit_code == 0 &&
             !r.timed_out && strcmp(r.output, "done\n") == 0,
         "interrupted %d times by a signal: still the right result",
         (int)g_alarms);
  setitimer(ITIMER_REAL, &off, NULL);
  sigaction(SIGALRM, &old_sa, NULL);
  tap_ok(g_alarms > 10 && r.wall_ms >= 290 && r.wall_ms < 2000,
         "signals arrived (%d) and the run took %.0f ms", (int)g_alarms,
         r.wall_ms);
  cf_run_result_free(&r);
}

static void test_no_zombies(void) {
  errno = 0;
  tap_ok(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
         "every child was reaped (waitpid: %s)", strerror(errno));
}

int main(void) {
  test_exit_status();
  test_signals();
  test_start_failures();
  test_timeout();
  test_output();
  test_rss();
  test_env();
  test_eintr();
  test_no_zombies();
  return tap_done();
}
