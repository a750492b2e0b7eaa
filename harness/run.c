/* run.c — cf_run (run.h): one child process, bounded in time, memory and
 * output, started with posix_spawn from an argv array (never a shell).
 *
 * How it works:
 *  - The child gets its own process group (POSIX_SPAWN_SETPGROUP), stdin
 *    from /dev/null, stdout and stderr on one pipe, an empty signal mask and
 *    default signal dispositions, and the parent's environment merged with
 *    env_extra.
 *  - The parent polls the pipe in slices of at most CF_RUN_TICK_MS, and
 *    between reads checks the clock, the child's VmRSS in /proc/<pid>/status
 *    (RLIMIT_AS would break ASan's shadow memory) and whether it exited
 *    (waitid WNOHANG|WNOWAIT): a child that exits while a grandchild still
 *    holds the pipe is noticed without waiting for EOF.
 *  - Once the child has exited, or on timeout or RSS excess, the whole
 *    group gets SIGKILL (so background grandchildren die too) while the
 *    child is still unreaped, which keeps its pid, the group's id, from
 *    being reused by another process; then the child is reaped (EINTR-safe)
 *    and the pipe drained for at most CF_RUN_DRAIN_MS (a process that left
 *    the group may keep it open forever).
 *  - The RSS watched is the child's own, not its descendants'.
 *  - Output is kept bounded: the first half of max_output as it arrives,
 *    the last half in a ring buffer; what falls between is counted and
 *    replaced with "\n...[N bytes dropped]...\n". */
#if !defined(_POSIX_C_SOURCE) || _POSIX_C_SOURCE < 200809L
#undef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* wait4, O_CLOEXEC with pipe2 */
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2 */
#endif

#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define CF_RUN_DEFAULT_MAX_OUTPUT ((size_t)1 << 20)
/* The longest poll() slice: how often the clock, VmRSS and the child's exit
 * are checked while it prints nothing. */
#define CF_RUN_TICK_MS 25
/* How long the pipe is drained after the child is gone. */
#define CF_RUN_DRAIN_MS 500
#define CF_RUN_READ_CHUNK 65536
#define CF_RUN_READ_BURST 16

/* out_buf keeps the head and the tail of a stream. */
struct out_buf {
  char *head;
  size_t head_cap, head_len;
  char *tail; /* ring buffer */
  size_t tail_cap, tail_len, tail_pos; /* tail_pos: next write index */
  size_t total;
};

/* now_ms returns a monotonic clock in milliseconds, with fractions. */
static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* out_buf_init allocates room for |max_output| bytes, half head, half tail.
 * It returns 1 on success. */
static int out_buf_init(struct out_buf *b, size_t max_output) {
  memset(b, 0, sizeof(*b));
  b->head_cap = max_output - max_output / 2;
  b->tail_cap = max_output / 2;
  b->head = malloc(b->head_cap > 0 ? b->head_cap : 1);
  b->tail = malloc(b->tail_cap > 0 ? b->tail_cap : 1);
  return b->head != NULL && b->tail != NULL;
}

static void out_buf_cleanup(struct out_buf *b) {
  free(b->head);
  free(b->tail);
  memset(b, 0, sizeof(*b));
}

/* out_buf_append adds |len| bytes of |data|: to the head while it has room,
 * then to the tail ring, overwriting its oldest bytes. */
static void out_buf_append(struct out_buf *b, const char *data, size_t len) {
  b->total += len;
  if (b->head_len < b->head_cap) {
    size_t n = b->head_cap - b->head_len;
    if (n > len) {
      n = len;
    }
    memcpy(b->head + b->head_len, data, n);
    b->head_len += n;
    data += n;
    len -= n;
  }
  if (len == 0 || b->tail_cap == 0) {
    return;
  }
  if (len >= b->tail_cap) {
    /* Only the last tail_cap bytes survive. */
    memcpy(b->tail, data + len - b->tail_cap, b->tail_cap);
    b->tail_pos = 0;
    b->tail_len = b->tail_cap;
    return;
  }
  while (len > 0) {
    size_t n = b->tail_cap - b->tail_pos;
    if (n > len) {
      n = len;
    }
    memcpy(b->tail + b->tail_pos, data, n);
    b->tail_pos = (b->tail_pos + n) % b->tail_cap;
    b->tail_len = b->tail_len + n > b->tail_cap ? b->tail_cap : b->tail_len + n;
    data += n;
    len -= n;
  }
}

/* out_buf_finish sets |out|'s output fields from |b|. It returns 1 on
 * success, 0 if out of memory. */
static int out_buf_finish(struct cf_run_result *out, const struct out_buf *b) {
  char marker[64];
  size_t marker_len = 0, dropped = b->total - b->head_len - b->tail_len;
  size_t len, pos, start;
  char *s;

  if (dropped > 0) {
    snprintf(marker, sizeof(marker), "\n...[%zu bytes dropped]...\n", dropped);
    marker_len = strlen(marker);
  }
  len = b->head_len + marker_len + b->tail_len;
  s = malloc(len + 1);
  if (s == NULL) {
    return 0;
  }
  memcpy(s, b->head, b->head_len);
  pos = b->head_len;
  memcpy(s + pos, marker, marker_len);
  pos += marker_len;
  /* The ring's oldest byte is at tail_pos once it has wrapped. */
  start = b->tail_len == b->tail_cap ? b->tail_pos : 0;
  for (size_t i = 0; i < b->tail_len; i++) {
    s[pos++] = b->tail[(start + i) % b->tail_cap];
  }
  s[pos] = '\0';
  out->output = s;
  out->output_len = len;
  out->output_total = b->total;
  out->output_truncated = dropped > 0;
  return 1;
}

/* env_name_len returns the length of the NAME in "NAME=value". */
static size_t env_name_len(const char *entry) {
  const char *eq = strchr(entry, '=');
  return eq != NULL ? (size_t)(eq - entry) : strlen(entry);
}

/* build_env returns a malloc'd NULL-terminated array: environ without the
 * names that |extra| sets, then |extra|. The strings are not copied. */
static char **build_env(char *const *extra) {
  size_t n_env = 0, n_extra = 0, n = 0;
  char **envp;

  for (char **e = environ; e != NULL && *e != NULL; e++) {
    n_env++;
  }
  for (char *const *e = extra; e != NULL && *e != NULL; e++) {
    n_extra++;
  }
  envp = calloc(n_env + n_extra + 1, sizeof(char *));
  if (envp == NULL) {
    return NULL;
  }
  for (size_t i = 0; i < n_env; i++) {
    const char *entry = environ[i];
    size_t name_len = env_name_len(entry);
    int overridden = 0;
    for (size_t j = 0; j < n_extra; j++) {
      if (env_name_len(extra[j]) == name_len &&
          strncmp(extra[j], entry, name_len) == 0) {
        overridden = 1;
        break;
      }
    }
    if (!overridden) {
      envp[n++] = (char *)entry;
    }
  }
  for (size_t j = 0; j < n_extra; j++) {
    /* A later duplicate in |extra| wins over an earlier one. */
    size_t name_len = env_name_len(extra[j]);
    int later = 0;
    for (size_t k = j + 1; k < n_extra; k++) {
      if (env_name_len(extra[k]) == name_len &&
          strncmp(extra[k], extra[j], name_len) == 0) {
        later = 1;
        break;
      }
    }
    if (!later) {
      envp[n++] = extra[j];
    }
  }
  envp[n] = NULL;
  return envp;
}

/* read_rss_kb returns the VmRSS of |pid| in KiB, or 0 if unknown (the
 * process is gone or a zombie). */
static uint64_t read_rss_kb(pid_t pid) {
  char path[64], buf[4096];
  uint64_t kb = 0;
  ssize_t n;
  size_t len = 0;
  const char *p;
  int fd;

  snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  while (len < sizeof(buf) - 1) {
    n = read(fd, buf + len, sizeof(buf) - 1 - len);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    len += (size_t)n;
  }
  close(fd);
  buf[len] = '\0';
  p = strstr(buf, "\nVmRSS:");
  if (p != NULL) {
    p += strlen("\nVmRSS:");
    while (*p == ' ' || *p == '\t') {
      p++;
    }
    while (*p >= '0' && *p <= '9') {
      kb = kb * 10 + (uint64_t)(*p - '0');
      p++;
    }
  }
  return kb;
}

/* kill_group sends SIGKILL to the process group |pgid|. */
static void kill_group(pid_t pgid) {
  /* ESRCH (the group is already empty) is fine. */
  (void)kill(-pgid, SIGKILL);
}

/* child_exited returns 1 if |pid| has ended, without reaping it: its
 * zombie keeps the pid, and so the process group id, from being reused
 * until reap() runs, which makes kill_group() safe in between. */
static int child_exited(pid_t pid) {
  siginfo_t info;
  for (;;) {
    memset(&info, 0, sizeof(info));
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0) {
      return info.si_pid != 0;
    }
    if (errno != EINTR) {
      return 1; /* ECHILD: already reaped elsewhere (SIGCHLD ignored) */
    }
  }
}

/* reap waits for |pid|, EINTR-safe, and fills the exit fields of |out|. */
static void reap(struct cf_run_result *out, pid_t pid) {
  struct rusage ru;
  int status = 0;
  pid_t got;

  for (;;) {
    memset(&ru, 0, sizeof(ru));
    got = wait4(pid, &status, 0, &ru);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    break;
  }
  if (got < 0) {
    /* ECHILD: someone else reaped it (SIGCHLD ignored); nothing to learn. */
    return;
  }
  if (WIFEXITED(status)) {
    out->exited = 1;
    out->exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    out->signaled = 1;
    out->term_signal = WTERMSIG(status);
  }
  if (ru.ru_maxrss > 0 && (uint64_t)ru.ru_maxrss > out->max_rss_kb) {
    out->max_rss_kb = (uint64_t)ru.ru_maxrss;
  }
}

/* read_some reads what is available on |fd| into |b|, at most
 * CF_RUN_READ_BURST chunks so that a child printing without pause cannot
 * starve the clock and RSS checks. It returns 0 at EOF or on a read error,
 * 1 otherwise. */
static int read_some(struct out_buf *b, int fd) {
  char chunk[CF_RUN_READ_CHUNK];
  for (int i = 0; i < CF_RUN_READ_BURST; i++) {
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n > 0) {
      out_buf_append(b, chunk, (size_t)n);
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return 1;
    }
    return 0;
  }
  return 1;
}

/* wait_readable polls |fd| for up to |ms| milliseconds, EINTR-safe in the
 * sense that an interrupted poll just returns early. It returns the poll
 * revents (0 on timeout or interruption). */
static short wait_readable(int fd, int ms) {
  struct pollfd pfd;
  pfd.fd = fd;
  pfd.events = POLLIN;
  pfd.revents = 0;
  if (poll(&pfd, 1, ms < 0 ? 0 : ms) <= 0) {
    return 0;
  }
  return pfd.revents;
}

/* spawn_child starts |opts| with its output on |out_fd| and sets |*out_pid|.
 * It returns 0 or the errno of the failure. */
static int spawn_child(pid_t *out_pid, const struct cf_run_opts *opts,
                       int out_fd) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t none, all;
  char **envp = NULL;
  int err;

  envp = build_env(opts->env_extra);
  if (envp == NULL) {
    return ENOMEM;
  }
  err = posix_spawn_file_actions_init(&fa);
  if (err != 0) {
    free(envp);
    return err;
  }
  err = posix_spawnattr_init(&attr);
  if (err != 0) {
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    return err;
  }
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  if ((err = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
                                              O_RDONLY, 0)) != 0 ||
      (err = posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO)) !=
          0 ||
      (err = posix_spawn_file_actions_adddup2(&fa, out_fd, STDERR_FILENO)) !=
          0 ||
      (err = posix_spawnattr_setpgroup(&attr, 0)) != 0 ||
      (err = posix_spawnattr_setsigmask(&attr, &none)) != 0 ||
      (err = posix_spawnattr_setsigdefault(&attr, &all)) != 0 ||
      (err = posix_spawnattr_setflags(
           &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                      POSIX_SPAWN_SETSIGDEF)) != 0) {
    goto done;
  }
  /* posix_spawn, not posix_spawnp: argv[0] is a path, never searched. With
   * glibc >= 2.24 an exec failure comes back here as the error. */
  err = posix_spawn(out_pid, opts->argv[0], &fa, &attr, opts->argv, envp);

done:
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  free(envp);
  return err;
}

/* cf_run_proc is one running child (run.h). */
struct cf_run_proc {
  struct cf_run_result *out;
  struct out_buf buf;
  int fd;
  pid_t pid;
  double start, next_rss;
  int eof;
  uint32_t timeout_ms, rss_limit_mb;
};

int cf_run_begin(struct cf_run_proc **pp, struct cf_run_result *out,
                 const struct cf_run_opts *opts) {
  int fds[2] = {-1, -1}, err;
  size_t max_output;
  struct cf_run_proc *p;

  *pp = NULL;
  memset(out, 0, sizeof(*out));
  if (opts == NULL || opts->argv == NULL || opts->argv[0] == NULL) {
    out->spawn_errno = EINVAL;
    return 1;
  }
  p = calloc(1, sizeof(*p));
  if (p == NULL) {
    return 0;
  }
  p->out = out;
  p->fd = -1;
  p->timeout_ms = opts->timeout_ms;
  p->rss_limit_mb = opts->rss_limit_mb;
  max_output = opts->max_output != 0 ? opts->max_output
                                     : CF_RUN_DEFAULT_MAX_OUTPUT;
  if (!out_buf_init(&p->buf, max_output)) {
    out_buf_cleanup(&p->buf);
    free(p);
    return 0;
  }
  if (pipe2(fds, O_CLOEXEC) != 0) {
    out_buf_cleanup(&p->buf);
    free(p);
    return 0;
  }
  p->start = now_ms();
  err = spawn_child(&p->pid, opts, fds[1]);
  close(fds[1]);
  if (err != 0) {
    int ok;
    close(fds[0]);
    out->spawn_errno = err;
    out->wall_ms = now_ms() - p->start;
    ok = out_buf_finish(out, &p->buf);
    out_buf_cleanup(&p->buf);
    free(p);
    return ok;
  }
  p->fd = fds[0];
  out->spawned = 1;
  /* The child already did setpgid(0, 0); this only closes the window in
   * which we could signal the group before it exists. Harmless if late. */
  setpgid(p->pid, p->pid);
  if (fcntl(p->fd, F_SETFL, fcntl(p->fd, F_GETFL) | O_NONBLOCK) != 0) {
    kill_group(p->pid);
    reap(out, p->pid);
    close(p->fd);
    out_buf_cleanup(&p->buf);
    free(p);
    return 0;
  }
  p->next_rss = p->start;
  *pp = p;
  return 1;
}

int cf_run_fd(const struct cf_run_proc *p) { return p->eof ? -1 : p->fd; }

pid_t cf_run_pid(const struct cf_run_proc *p) { return p->pid; }

double cf_run_elapsed_ms(const struct cf_run_proc *p) {
  return now_ms() - p->start;
}

int cf_run_check(struct cf_run_proc *p, int readable) {
  double now = now_ms();
  if (readable && !p->eof && !read_some(&p->buf, p->fd)) {
    p->eof = 1;
  }
  if (child_exited(p->pid)) {
    return 1;
  }
  if (p->timeout_ms != 0 && now - p->start >= (double)p->timeout_ms) {
    p->out->timed_out = 1;
    return 1;
  }
  if (now >= p->next_rss) {
    uint64_t rss = read_rss_kb(p->pid);
    if (rss > p->out->max_rss_kb) {
      p->out->max_rss_kb = rss;
    }
    if (p->rss_limit_mb != 0 && rss > (uint64_t)p->rss_limit_mb * 1024) {
      p->out->rss_exceeded = 1;
      return 1;
    }
    p->next_rss = now + CF_RUN_TICK_MS;
  }
  return 0;
}

int cf_run_wait_ms(const struct cf_run_proc *p) {
  int wait = CF_RUN_TICK_MS;
  if (p->timeout_ms != 0) {
    double left = (double)p->timeout_ms - (now_ms() - p->start);
    if (left < wait) {
      wait = left < 1 ? 1 : (int)left;
    }
  }
  return wait;
}

int cf_run_end(struct cf_run_proc *p) {
  struct cf_run_result *out = p->out;
  int ok;
  /* Whether it ended or we stop it: kill the whole group (what is left of
   * it once the child has exited: background processes it started) while
   * the child is not yet reaped, then reap it and drain the pipe for a
   * bounded time. */
  kill_group(p->pid);
  reap(out, p->pid);
  out->wall_ms = now_ms() - p->start;
  if (!p->eof) {
    double deadline = now_ms() + CF_RUN_DRAIN_MS;
    for (;;) {
      double left = deadline - now_ms();
      if (left <= 0) {
        break;
      }
      if (wait_readable(p->fd, (int)left + 1) != 0 &&
          !read_some(&p->buf, p->fd)) {
        break;
      }
    }
  }
  ok = out_buf_finish(out, &p->buf);
  close(p->fd);
  out_buf_cleanup(&p->buf);
  free(p);
  return ok;
}

int cf_run(struct cf_run_result *out, const struct cf_run_opts *opts) {
  struct cf_run_proc *p;
  if (!cf_run_begin(&p, out, opts)) {
    return 0;
  }
  if (p == NULL) {
    return 1; /* did not start: out says why */
  }
  for (;;) {
    int wait;
    if (cf_run_check(p, 0)) {
      break;
    }
    wait = cf_run_wait_ms(p);
    if (!p->eof) {
      if (wait_readable(p->fd, wait) != 0 && !read_some(&p->buf, p->fd)) {
        p->eof = 1;
      }
    } else {
      /* Output closed but the child still runs: just wait a tick. */
      poll(NULL, 0, wait);
    }
  }
  return cf_run_end(p);
}

void cf_run_result_free(struct cf_run_result *r) {
  if (r == NULL) {
    return;
  }
  free(r->output);
  r->output = NULL;
  r->output_len = 0;
}
