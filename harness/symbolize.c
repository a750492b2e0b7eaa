/* symbolize.c — the parent-side symbolizer (symbolize.h).
 *
 * The sanitizer with symbolize=0 prints a frame as
 *     #N 0xADDR  (MODULE+0xOFF) (BuildId: HEX)
 * ("%n %p %F %L" with an empty %F), and with symbolize=1, for each of the
 * (inlined) functions llvm-symbolizer returns for MODULE+OFF, innermost
 * first, a frame of its own with the same address:
 *     #N 0xADDR in FUNC FILE:LINE:COL        (source known)
 *     #N 0xADDR in FUNC (MODULE+0xOFF) (BuildId: HEX)   (function only)
 *     #N 0xADDR  (MODULE+0xOFF) (BuildId: HEX)          (nothing known)
 * the frames of one stack numbered from 0 again. Its SUMMARY line ends in
 * "%L %F" of the crash frame (the innermost inlined function). We ask
 * llvm-symbolizer exactly what the sanitizer would ask ("CODE "MODULE"
 * 0xOFF"; same --inlines and --default-arch flags) and print the answer
 * the way the sanitizer's RenderFrame does, so the text — and so the
 * classification — is what a symbolize=1 run gives. */
#if !defined(_POSIX_C_SOURCE) || _POSIX_C_SOURCE < 200809L
#undef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2 */
#endif

#include "symbolize.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* How long one answer may take (the first one loads the debug info). */
#define SYM_ANSWER_MS 60000

/* One answer: |n| frames, innermost first. */
struct sym_frame {
  char *function; /* NULL: unknown ("??") */
  char *file;     /* NULL: unknown ("??") */
  unsigned line, column;
};

struct sym_entry {
  struct sym_entry *next;
  char *module;
  uint64_t offset;
  struct sym_frame *frames;
  size_t n;
};

#define SYM_BUCKETS 4096

static struct {
  char path[PATH_MAX];
  int configured, broken, started;
  pid_t pid;
  int to_fd, from_fd;
  char rbuf[65536];
  size_t rlen, rpos;
  struct sym_entry *table[SYM_BUCKETS];
} S = {.to_fd = -1, .from_fd = -1};

/* growable output buffer */
struct sbuf {
  char *p;
  size_t len, cap;
  int oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n) {
  if (b->oom) {
    return;
  }
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (b->len + n + 1 > cap) {
      cap *= 2;
    }
    char *np = realloc(b->p, cap);
    if (np == NULL) {
      b->oom = 1;
      return;
    }
    b->p = np;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_fmt_uint(struct sbuf *b, unsigned long v) {
  char tmp[32];
  snprintf(tmp, sizeof(tmp), "%lu", v);
  sb_str(b, tmp);
}

int cf_symbolizer_start(const char *path) {
  if (S.configured) {
    return !S.broken;
  }
  if (path == NULL || path[0] == '\0' ||
      snprintf(S.path, sizeof(S.path), "%s", path) >= (int)sizeof(S.path) ||
      access(path, X_OK) != 0) {
    return 0;
  }
  S.configured = 1;
  /* A dead symbolizer must give EPIPE, not kill us. */
  signal(SIGPIPE, SIG_IGN);
  return 1;
}

int cf_symbolizer_ok(void) { return S.configured && !S.broken; }

static void sym_kill(void) {
  if (S.to_fd >= 0) {
    close(S.to_fd);
    S.to_fd = -1;
  }
  if (S.from_fd >= 0) {
    close(S.from_fd);
    S.from_fd = -1;
  }
  if (S.started && S.pid > 0) {
    int st;
    kill(S.pid, SIGKILL);
    while (waitpid(S.pid, &st, 0) < 0 && errno == EINTR) {
    }
  }
  S.started = 0;
  S.pid = -1;
}

static int sym_spawn(void) {
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t none, def;
  char *argv[] = {S.path, "--inlines", "--default-arch=x86_64", NULL};

  if (pipe2(in, O_CLOEXEC) != 0) {
    return 0;
  }
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    return 0;
  }
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  sigemptyset(&none);
  sigemptyset(&def);
  sigaddset(&def, SIGPIPE);
  sigaddset(&def, SIGINT);
  sigaddset(&def, SIGTERM);
  posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY,
                                   0);
  /* Its own process group: a Ctrl-C for triage does not kill it mid-way. */
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &def);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
                                      POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  err = posix_spawn(&S.pid, S.path, &fa, &attr, argv, environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  if (err != 0) {
    close(in[1]);
    close(out[0]);
    S.pid = -1;
    return 0;
  }
  S.to_fd = in[1];
  S.from_fd = out[0];
  S.rlen = S.rpos = 0;
  S.started = 1;
  return 1;
}

/* sym_read_line reads one line (without "\n") into |line|; 0 on EOF,
 * error or timeout. */
static int sym_read_line(char *line, size_t cap) {
  size_t n = 0;
  for (;;) {
    while (S.rpos < S.rlen) {
      char ch = S.rbuf[S.rpos++];
      if (ch == '\n') {
        line[n] = '\0';
        return 1;
      }
      if (n + 1 < cap) {
        line[n++] = ch;
      }
    }
    struct pollfd pfd = {S.from_fd, POLLIN, 0};
    int pr = poll(&pfd, 1, SYM_ANSWER_MS);
    if (pr < 0 && errno == EINTR) {
      continue;
    }
    if (pr <= 0) {
      return 0;
    }
    ssize_t r = read(S.from_fd, S.rbuf, sizeof(S.rbuf));
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r <= 0) {
      return 0;
    }
    S.rlen = (size_t)r;
    S.rpos = 0;
  }
}

static int write_all(int fd, const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w < 0 && errno == EINTR) {
      continue;
    }
    if (w <= 0) {
      return 0;
    }
    s += w;
    n -= (size_t)w;
  }
  return 1;
}

static void entry_free(struct sym_entry *e) {
  if (e == NULL) {
    return;
  }
  for (size_t i = 0; i < e->n; i++) {
    free(e->frames[i].function);
    free(e->frames[i].file);
  }
  free(e->frames);
  free(e->module);
  free(e);
}

/* parse_location splits "FILE:LINE:COL" (or "FILE:LINE") into |f|. */
static int parse_location(struct sym_frame *f, const char *s) {
  const char *c2 = strrchr(s, ':');
  unsigned long a = 0, b = 0;
  const char *file_end = s + strlen(s);
  if (c2 != NULL) {
    char *end;
    b = strtoul(c2 + 1, &end, 10);
    if (*end == '\0' && c2[1] != '\0') {
      file_end = c2;
      const char *c1 = NULL;
      for (const char *p = c2 - 1; p >= s; p--) {
        if (*p == ':') {
          c1 = p;
          break;
        }
      }
      if (c1 != NULL) {
        a = strtoul(c1 + 1, &end, 10);
        if (end == c2 && c1[1] != ':') {
          file_end = c1;
        } else {
          a = b;
          b = 0;
        }
      } else {
        a = b;
        b = 0;
      }
    } else {
      b = 0;
    }
  }
  f->line = (unsigned)a;
  f->column = (unsigned)b;
  if ((size_t)(file_end - s) == 2 && strncmp(s, "??", 2) == 0) {
    f->file = NULL;
    return 1;
  }
  f->file = strndup(s, (size_t)(file_end - s));
  return f->file != NULL;
}

/* sym_query asks the symbolizer about |module|+|offset|. NULL on failure
 * (the symbolizer is then marked broken). */
static struct sym_entry *sym_query(const char *module, size_t module_len,
                                   uint64_t offset) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < module_len; i++) {
    h = (h ^ (unsigned char)module[i]) * 1099511628211ull;
  }
  h = (h ^ offset) * 1099511628211ull;
  size_t slot = (size_t)(h % SYM_BUCKETS);
  for (struct sym_entry *e = S.table[slot]; e != NULL; e = e->next) {
    if (e->offset == offset && strlen(e->module) == module_len &&
        memcmp(e->module, module, module_len) == 0) {
      return e;
    }
  }
  if (S.broken || !S.configured) {
    return NULL;
  }
  if (!S.started && !sym_spawn()) {
    S.broken = 1;
    return NULL;
  }
  struct sym_entry *e = calloc(1, sizeof(*e));
  char *req = NULL, line[8192];
  size_t req_cap = module_len + 64;
  if (e == NULL || (e->module = strndup(module, module_len)) == NULL ||
      (req = malloc(req_cap)) == NULL) {
    free(req);
    entry_free(e);
    return NULL;
  }
  e->offset = offset;
  int req_len = snprintf(req, req_cap, "CODE \"%s\" 0x%llx\n", e->module,
                         (unsigned long long)offset);
  int ok = req_len > 0 && write_all(S.to_fd, req, (size_t)req_len);
  free(req);
  while (ok) {
    if (!sym_read_line(line, sizeof(line))) {
      ok = 0;
      break;
    }
    if (line[0] == '\0') {
      break;
    }
    struct sym_frame f;
    memset(&f, 0, sizeof(f));
    if (strcmp(line, "??") != 0 && (f.function = strdup(line)) == NULL) {
      ok = 0;
      break;
    }
    if (!sym_read_line(line, sizeof(line)) || !parse_location(&f, line)) {
      free(f.function);
      ok = 0;
      break;
    }
    struct sym_frame *nf = realloc(e->frames, (e->n + 1) * sizeof(*nf));
    if (nf == NULL) {
      free(f.function);
      free(f.file);
      ok = 0;
      break;
    }
    e->frames = nf;
    e->frames[e->n++] = f;
  }
  if (!ok || e->n == 0) {
    entry_free(e);
    sym_kill();
    S.broken = 1;
    return NULL;
  }
  e->next = S.table[slot];
  S.table[slot] = e;
  return e;
}

/* parse_module_loc parses "(MODULE+0xOFF)" at |p| (up to |end|), followed
 * by nothing, " ", or " (BuildId: HEX)" and optional spaces. On success it
 * sets the module span, the offset and |*loc_end| (the end of the location
 * including the BuildId part, without trailing blanks). */
static int parse_module_loc(const char *p, const char *end, const char **mod,
                            size_t *mod_len, uint64_t *off,
                            const char **loc_end) {
  if (p >= end || *p != '(') {
    return 0;
  }
  /* The location's ")" : the first ")" followed by end, blanks or
   * " (BuildId: ". */
  for (const char *q = p + 1; q < end; q++) {
    if (*q != ')') {
      continue;
    }
    const char *after = q + 1;
    const char *le = after;
    if ((size_t)(end - after) >= 11 && memcmp(after, " (BuildId: ", 11) == 0) {
      const char *cl = memchr(after + 11, ')', (size_t)(end - after - 11));
      if (cl == NULL) {
        continue;
      }
      le = cl + 1;
    }
    const char *r = le;
    while (r < end && (*r == ' ' || *r == '\r')) {
      r++;
    }
    if (r != end) {
      continue;
    }
    /* "+0xHEX" right before q */
    const char *h = q;
    while (h > p + 1 && ((h[-1] >= '0' && h[-1] <= '9') ||
                         (h[-1] >= 'a' && h[-1] <= 'f') ||
                         (h[-1] >= 'A' && h[-1] <= 'F'))) {
      h--;
    }
    if (h == q || h - p < 4 || h[-1] != 'x' || h[-2] != '0' || h[-3] != '+') {
      return 0;
    }
    *mod = p + 1;
    *mod_len = (size_t)(h - 3 - (p + 1));
    if (*mod_len == 0) {
      return 0;
    }
    *off = strtoull(h, NULL, 16);
    *loc_end = le;
    return 1;
  }
  return 0;
}

/* render_F appends the sanitizer's "%F" ("in FUNC", or nothing). */
static void render_F(struct sbuf *b, const struct sym_frame *f) {
  if (f->function != NULL) {
    sb_str(b, "in ");
    sb_str(b, f->function);
  }
}

/* render_L appends "%L": the source location, or the module location
 * |ml| (|ml_len| bytes, copied from the unsymbolized line). */
static void render_L(struct sbuf *b, const struct sym_frame *f,
                     const char *ml, size_t ml_len) {
  if (f->file != NULL) {
    /* The sanitizer's StripPathPrefix drops one leading "./". */
    sb_str(b, f->file[0] == '.' && f->file[1] == '/' ? f->file + 2 : f->file);
    if (f->line > 0) {
      sb_str(b, ":");
      sb_fmt_uint(b, f->line);
      if (f->column > 0) {
        sb_str(b, ":");
        sb_fmt_uint(b, f->column);
      }
    }
  } else {
    sb_add(b, ml, ml_len);
  }
}

/* frame_line recognises "<blanks>#N 0xADDR  (" at |s|; sets the prefix
 * length (up to '#'), the frame number, and the span of "0xADDR". */
static int frame_line(const char *s, const char *end, size_t *prefix,
                      unsigned long *num, const char **addr,
                      size_t *addr_len, const char **rest) {
  const char *p = s;
  while (p < end && (*p == ' ' || *p == '\t')) {
    p++;
  }
  if (p >= end || *p != '#') {
    return 0;
  }
  *prefix = (size_t)(p - s);
  p++;
  if (p >= end || *p < '0' || *p > '9') {
    return 0;
  }
  unsigned long n = 0;
  while (p < end && *p >= '0' && *p <= '9') {
    n = n * 10 + (unsigned long)(*p - '0');
    p++;
  }
  if (end - p < 4 || p[0] != ' ' || p[1] != '0' || p[2] != 'x') {
    return 0;
  }
  p++;
  *addr = p;
  p += 2;
  while (p < end && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) {
    p++;
  }
  *addr_len = (size_t)(p - *addr);
  *num = n;
  *rest = p;
  return 1;
}

int cf_symbolize_report(char **text, size_t *len) {
  struct sbuf out = {0};
  const char *s = *text, *end = *text + *len;
  unsigned long next_no = 0;
  int in_stack = 0;

  if (!cf_symbolizer_ok()) {
    return 0;
  }
  while (s < end) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    const char *le = nl != NULL ? nl : end;
    const char *next = nl != NULL ? nl + 1 : end;
    size_t prefix, addr_len, mod_len;
    unsigned long num;
    const char *addr, *rest, *mod, *loc_end;
    uint64_t off;

    if (frame_line(s, le, &prefix, &num, &addr, &addr_len, &rest)) {
      if (num == 0 || !in_stack) {
        next_no = 0;
      }
      in_stack = 1;
      if ((size_t)(le - rest) >= 3 && rest[0] == ' ' && rest[1] == ' ' &&
          parse_module_loc(rest + 2, le, &mod, &mod_len, &off, &loc_end)) {
        struct sym_entry *e = sym_query(mod, mod_len, off);
        if (e == NULL) {
          free(out.p);
          return 0;
        }
        const char *ml = rest + 2;
        size_t ml_len = (size_t)(loc_end - ml);
        for (size_t i = 0; i < e->n; i++) {
          sb_add(&out, s, prefix);
          sb_str(&out, "#");
          sb_fmt_uint(&out, next_no++);
          sb_str(&out, " ");
          sb_add(&out, addr, addr_len);
          sb_str(&out, " ");
          render_F(&out, &e->frames[i]);
          sb_str(&out, " ");
          render_L(&out, &e->frames[i], ml, ml_len);
          sb_add(&out, loc_end, (size_t)(le - loc_end)); /* trailing blanks */
          if (nl != NULL || i + 1 < e->n) {
            sb_str(&out, "\n");
          }
        }
      } else {
        /* Not symbolizable (unknown module, ...): kept, renumbered. */
        const char *hash = s + prefix;
        const char *digits_end = hash + 1;
        while (digits_end < le && *digits_end >= '0' && *digits_end <= '9') {
          digits_end++;
        }
        sb_add(&out, s, prefix);
        sb_str(&out, "#");
        sb_fmt_uint(&out, next_no++);
        sb_add(&out, digits_end, (size_t)(next - digits_end));
      }
      s = next;
      continue;
    }
    in_stack = 0;
    /* "SUMMARY: <Tool>: <type> (MODULE+0xOFF) (BuildId: ..) " */
    const char *sum = s;
    while (sum < le && *sum == ' ') {
      sum++;
    }
    if ((size_t)(le - sum) > 9 && memcmp(sum, "SUMMARY: ", 9) == 0) {
      const char *paren = NULL;
      for (const char *q = sum; q + 1 < le; q++) {
        if (q[0] == ' ' && q[1] == '(' &&
            parse_module_loc(q + 1, le, &mod, &mod_len, &off, &loc_end)) {
          paren = q + 1;
          break;
        }
      }
      if (paren != NULL) {
        struct sym_entry *e = sym_query(mod, mod_len, off);
        if (e == NULL) {
          free(out.p);
          return 0;
        }
        sb_add(&out, s, (size_t)(paren - s));
        render_L(&out, &e->frames[0], paren, (size_t)(loc_end - paren));
        sb_str(&out, " ");
        render_F(&out, &e->frames[0]);
        if (nl != NULL) {
          sb_str(&out, "\n");
        }
        s = next;
        continue;
      }
    }
    sb_add(&out, s, (size_t)(next - s));
    s = next;
  }
  if (out.oom) {
    free(out.p);
    return 0;
  }
  if (out.p == NULL) {
    sb_add(&out, "", 0);
    if (out.oom) {
      return 0;
    }
  }
  free(*text);
  *text = out.p;
  *len = out.len;
  return 1;
}

void cf_symbolizer_stop(void) {
  sym_kill();
  for (size_t i = 0; i < SYM_BUCKETS; i++) {
    struct sym_entry *e = S.table[i];
    while (e != NULL) {
      struct sym_entry *n = e->next;
      entry_free(e);
      e = n;
    }
    S.table[i] = NULL;
  }
}
