/* store.c — triaged crashes on disk (see store.h). */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "report.h"

/* ------------------------------------------------------------ hashes -- */

static void hex(char *out, const uint8_t *in, size_t len) {
  static const char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < len; i++) {
    out[2 * i] = kHex[in[i] >> 4];
    out[2 * i + 1] = kHex[in[i] & 15];
  }
  out[2 * len] = '\0';
}

void cf_sha1_hex(char out[CF_SHA1_HEX_LEN + 1], const uint8_t *data,
                 size_t len) {
  uint8_t md[SHA_DIGEST_LENGTH];
  SHA1(data, len, md);
  hex(out, md, sizeof(md));
}

void cf_sha256_hex(char out[CF_SHA256_HEX_LEN + 1], const uint8_t *data,
                   size_t len) {
  uint8_t md[SHA256_DIGEST_LENGTH];
  SHA256(data, len, md);
  hex(out, md, sizeof(md));
}

void cf_bucket_id(char out[CF_BUCKET_ID_LEN + 1], const char *target,
                  const char *type, const char *state) {
  SHA256_CTX ctx;
  uint8_t md[SHA256_DIGEST_LENGTH];
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, target, strlen(target));
  SHA256_Update(&ctx, "\n", 1);
  SHA256_Update(&ctx, type, strlen(type));
  SHA256_Update(&ctx, "\n", 1);
  SHA256_Update(&ctx, state, strlen(state));
  SHA256_Final(md, &ctx);
  hex(out, md, CF_BUCKET_ID_LEN / 2);
}

static int is_lower_hex(const char *s, size_t len) {
  if (strlen(s) != len) {
    return 0;
  }
  for (size_t i = 0; i < len; i++) {
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
      return 0;
    }
  }
  return 1;
}

int cf_is_bucket_id(const char *name) {
  return is_lower_hex(name, CF_BUCKET_ID_LEN);
}

int cf_is_sha1_hex(const char *name) {
  return is_lower_hex(name, CF_SHA1_HEX_LEN);
}

int cf_valid_target_name(const char *name) {
  size_t len = strlen(name);
  if (len == 0 || len > 100) {
    return 0;
  }
  for (size_t i = 0; i < len; i++) {
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      return 0;
    }
  }
  return 1;
}

/* ------------------------------------------------------------- files -- */

int cf_mkdir_p(const char *path) {
  char buf[PATH_MAX];
  size_t len = strlen(path);

  if (len == 0 || len >= sizeof(buf)) {
    errno = ENAMETOOLONG;
    return 0;
  }
  memcpy(buf, path, len + 1);
  for (size_t i = 1; i <= len; i++) {
    if (buf[i] == '/' || buf[i] == '\0') {
      char saved = buf[i];
      buf[i] = '\0';
      if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
        return 0;
      }
      buf[i] = saved;
    }
  }
  struct stat st;
  if (stat(path, &st) != 0) {
    return 0;
  }
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return 0;
  }
  return 1;
}

int cf_remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) {
    return errno == ENOENT;
  }
  if (!S_ISDIR(st.st_mode)) {
    return unlink(path) == 0 || errno == ENOENT;
  }
  DIR *d = opendir(path);
  if (d == NULL) {
    return 0;
  }
  struct dirent *e;
  int ok = 1;
  while ((e = readdir(d)) != NULL) {
    char child[PATH_MAX];
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
      continue;
    }
    if (!cf_path_join(child, sizeof(child), path, e->d_name) ||
        !cf_remove_tree(child)) {
      ok = 0;
    }
  }
  closedir(d);
  return rmdir(path) == 0 && ok;
}

void cf_now_utc(char out[32]) {
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int cf_path_join(char *out, size_t out_len, const char *a, const char *b) {
  size_t la = strlen(a);
  int n;
  if (la > 0 && a[la - 1] == '/') {
    n = snprintf(out, out_len, "%s%s", a, b);
  } else {
    n = snprintf(out, out_len, "%s/%s", a, b);
  }
  return n >= 0 && (size_t)n < out_len;
}

/* ------------------------------------------------------------- paths -- */

/* has_build_sh returns 1 if |dir|/build.sh is a regular file. */
static int has_build_sh(const char *dir) {
  char p[PATH_MAX];
  struct stat st;
  return cf_path_join(p, sizeof(p), dir, "build.sh") && stat(p, &st) == 0 &&
         S_ISREG(st.st_mode);
}

/* find_upwards sets |out| to the first directory from |start| upwards that
 * holds build.sh. */
static int find_upwards(char *out, size_t out_len, const char *start) {
  char dir[PATH_MAX];
  if (realpath(start, dir) == NULL) {
    return 0;
  }
  for (;;) {
    if (has_build_sh(dir)) {
      return snprintf(out, out_len, "%s", dir) < (int)out_len;
    }
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir) {
      return 0;
    }
    *slash = '\0';
  }
}

static int env_path(char *out, size_t out_len, const char *name,
                    const char *root, const char *dflt) {
  const char *v = getenv(name);
  if (v != NULL && v[0] != '\0') {
    if (v[0] == '/') {
      return snprintf(out, out_len, "%s", v) < (int)out_len;
    }
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd)) == NULL) {
      return 0;
    }
    return cf_path_join(out, out_len, cwd, v);
  }
  return cf_path_join(out, out_len, root, dflt);
}

int cf_paths_init(struct cf_paths *p, char *err, size_t err_len) {
  const char *env = getenv("CHAINFUZZ_ROOT");
  char exe[PATH_MAX];
  ssize_t n;

  memset(p, 0, sizeof(*p));
  if (env != NULL && env[0] != '\0') {
    if (realpath(env, p->root) == NULL || !has_build_sh(p->root)) {
      snprintf(err, err_len,
               "CHAINFUZZ_ROOT=%s is not the chainfuzz repository (no "
               "build.sh there); unset it or point it at the checkout",
               env);
      return 0;
    }
  } else {
    int found = 0;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
      exe[n] = '\0';
      char *slash = strrchr(exe, '/');
      if (slash != NULL && slash != exe) {
        *slash = '\0';
        found = find_upwards(p->root, sizeof(p->root), exe);
      }
    }
    if (!found && !find_upwards(p->root, sizeof(p->root), ".")) {
      snprintf(err, err_len,
               "cannot find the chainfuzz repository (a directory with "
               "build.sh) above the chainfuzz binary or the working "
               "directory; run from the checkout or set CHAINFUZZ_ROOT");
      return 0;
    }
  }
  if (!env_path(p->build, sizeof(p->build), "CHAINFUZZ_BUILD_DIR", p->root,
                "build") ||
      !env_path(p->crashes, sizeof(p->crashes), "CHAINFUZZ_CRASHES_DIR",
                p->root, "crashes")) {
    snprintf(err, err_len, "path too long");
    return 0;
  }
  return 1;
}

/* is_file returns 1 if |path| is a regular file (symlinks followed). */
static int is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int cf_target_bin(char *out, size_t out_len, const struct cf_paths *p,
                  const char *name) {
  char dir[PATH_MAX], lf[PATH_MAX];

  if (!cf_path_join(dir, sizeof(dir), p->build, "replay/bin") ||
      !cf_path_join(out, out_len, dir, name)) {
    return 0;
  }
  if (is_file(out)) {
    return 1;
  }
  /* No replay build of it: the libFuzzer binary runs one input the same
   * way (same -timeout= and -rss_limit_mb= flags). */
  if (cf_path_join(dir, sizeof(dir), p->build, "libfuzzer/bin") &&
      cf_path_join(lf, sizeof(lf), dir, name) && strlen(lf) < out_len &&
      is_file(lf)) {
    memcpy(out, lf, strlen(lf) + 1);
  }
  /* Else |out| keeps the replay path, for "build it" messages. */
  return 1;
}

void cf_display_path(char *out, size_t out_len, const char *base,
                     const char *path) {
  size_t bl = strlen(base);
  if (bl > 0 && strncmp(path, base, bl) == 0 && path[bl] == '/') {
    snprintf(out, out_len, "%s", path + bl + 1);
    return;
  }
  snprintf(out, out_len, "%s", path);
}

/* ----------------------------------------------------------- buckets -- */

struct cf_bucket *cf_bucket_new(void) {
  return calloc(1, sizeof(struct cf_bucket));
}

static void free_strv(char **v, size_t n) {
  if (v == NULL) {
    return;
  }
  for (size_t i = 0; i < n; i++) {
    free(v[i]);
  }
  free(v);
}

void cf_bucket_free(struct cf_bucket *b) {
  if (b == NULL) {
    return;
  }
  free(b->frames);
  free_strv(b->originals, b->num_originals);
  free_strv(b->reproduce_argv, b->reproduce_argc);
  json_decref(b->json);
  free(b);
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

int cf_bucket_set_crash(struct cf_bucket *b, const struct cf_crash *c) {
  COPY(b->type, c->type);
  COPY(b->access, c->access);
  b->access_size = c->access_size;
  COPY(b->state, c->state);
  free(b->frames);
  b->frames = NULL;
  b->num_frames = 0;
  if (c->num_frames > 0) {
    size_t n = c->num_frames < CF_MAX_FRAMES ? c->num_frames : CF_MAX_FRAMES;
    b->frames = malloc(n * sizeof(*b->frames));
    if (b->frames == NULL) {
      return 0;
    }
    memcpy(b->frames, c->frames, n * sizeof(*b->frames));
    b->num_frames = n;
  }
  b->security = c->security;
  COPY(b->severity, cf_severity_name(c->severity));
  b->is_finding = c->is_finding;
  COPY(b->finding_kind, c->finding_kind);
  COPY(b->finding_validator, c->finding_validator);
  COPY(b->finding_oracle, c->finding_oracle);
  COPY(b->finding_reason, c->finding_reason);
  cf_report_summary(b->summary, sizeof(b->summary), c);
  COPY(b->sanitizer_summary, c->summary);
  return 1;
}

static enum cf_severity severity_from_name(const char *s) {
  for (int i = CF_SEVERITY_NONE; i <= CF_SEVERITY_CRITICAL; i++) {
    if (strcmp(s, cf_severity_name((enum cf_severity)i)) == 0) {
      return (enum cf_severity)i;
    }
  }
  return CF_SEVERITY_NONE;
}

void cf_bucket_to_crash(struct cf_crash *out, const struct cf_bucket *b) {
  memset(out, 0, sizeof(*out));
  out->crashed = strcmp(b->type, CF_TYPE_NO_REPRO) != 0;
  COPY(out->type, b->type);
  COPY(out->access, b->access);
  out->access_size = b->access_size;
  out->is_finding = b->is_finding;
  COPY(out->finding_kind, b->finding_kind);
  COPY(out->finding_validator, b->finding_validator);
  COPY(out->finding_oracle, b->finding_oracle);
  COPY(out->finding_reason, b->finding_reason);
  out->num_frames = b->num_frames < CF_MAX_FRAMES ? b->num_frames
                                                  : CF_MAX_FRAMES;
  if (out->num_frames > 0) {
    memcpy(out->frames, b->frames, out->num_frames * sizeof(*b->frames));
  }
  COPY(out->state, b->state);
  out->security = b->security;
  out->severity = severity_from_name(b->severity);
  COPY(out->summary, b->sanitizer_summary);
}

int cf_bucket_has_original(const struct cf_bucket *b, const char *sha1) {
  for (size_t i = 0; i < b->num_originals; i++) {
    if (strcmp(b->originals[i], sha1) == 0) {
      return 1;
    }
  }
  return 0;
}

int cf_bucket_add_original(struct cf_bucket *b, const char *sha1) {
  char **nv;
  if (cf_bucket_has_original(b, sha1)) {
    return 1;
  }
  nv = realloc(b->originals, (b->num_originals + 1) * sizeof(*nv));
  if (nv == NULL) {
    return 0;
  }
  b->originals = nv;
  nv[b->num_originals] = strdup(sha1);
  if (nv[b->num_originals] == NULL) {
    return 0;
  }
  b->num_originals++;
  return 1;
}

int cf_bucket_set_argv(struct cf_bucket *b, const char *const *argv,
                       size_t argc) {
  free_strv(b->reproduce_argv, b->reproduce_argc);
  b->reproduce_argv = NULL;
  b->reproduce_argc = 0;
  if (argc == 0) {
    return 1;
  }
  b->reproduce_argv = calloc(argc, sizeof(char *));
  if (b->reproduce_argv == NULL) {
    return 0;
  }
  for (size_t i = 0; i < argc; i++) {
    b->reproduce_argv[i] = strdup(argv[i]);
    if (b->reproduce_argv[i] == NULL) {
      b->reproduce_argc = i;
      return 0;
    }
  }
  b->reproduce_argc = argc;
  return 1;
}

/* set_new puts |v| (a new reference) into |o| under |k|. */
static int set_new(json_t *o, const char *k, json_t *v) {
  return v != NULL && json_object_set_new(o, k, v) == 0;
}

json_t *cf_bucket_to_json(const struct cf_bucket *b) {
  json_t *o = b->json != NULL ? json_deep_copy(b->json) : json_object();
  json_t *state = json_array(), *frames = json_array(),
         *originals = json_array(), *finding, *reproduce;
  char buf[64], cmd[8192];
  int ok = 1;

  if (o == NULL || state == NULL || frames == NULL || originals == NULL) {
    goto err;
  }
  /* state: the "\n"-joined lines as an array. */
  if (b->state[0] != '\0') {
    const char *p = b->state;
    for (;;) {
      const char *nl = strchr(p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen(p);
      ok &= json_array_append_new(state, json_stringn(p, len)) == 0;
      if (nl == NULL) {
        break;
      }
      p = nl + 1;
    }
  }
  for (size_t i = 0; i < b->num_frames; i++) {
    const struct cf_frame *f = &b->frames[i];
    ok &= json_array_append_new(
              frames, json_pack("{s:s, s:s, s:i, s:s}", "function",
                                f->function, "file", f->file, "line",
                                (json_int_t)f->line, "module", f->module)) ==
          0;
  }
  for (size_t i = 0; i < b->num_originals; i++) {
    char rel[64];
    snprintf(rel, sizeof(rel), "originals/%s", b->originals[i]);
    ok &= json_array_append_new(originals, json_string(rel)) == 0;
  }
  if (b->is_finding) {
    finding = json_pack("{s:s, s:s, s:s, s:s}", "kind", b->finding_kind,
                        "validator", b->finding_validator, "oracle",
                        b->finding_oracle, "reason", b->finding_reason);
  } else {
    finding = json_null();
  }
  if (b->reproduce_argc > 0) {
    json_t *argv = json_array();
    cmd[0] = '\0';
    for (size_t i = 0; argv != NULL && i < b->reproduce_argc; i++) {
      ok &= json_array_append_new(argv, json_string(b->reproduce_argv[i])) ==
            0;
      if (i > 0) {
        strncat(cmd, " ", sizeof(cmd) - strlen(cmd) - 1);
      }
      ok &= cf_shell_quote(cmd, sizeof(cmd), b->reproduce_argv[i]);
    }
    reproduce = json_pack("{s:o, s:s}", "argv", argv, "command", cmd);
  } else {
    reproduce = json_null();
  }
  snprintf(buf, sizeof(buf), "%u/%u", b->reproduced_k, b->reproduced_n);
  ok &= set_new(o, "schema", json_integer(CF_REPORT_SCHEMA));
  ok &= set_new(o, "target", json_string(b->target));
  ok &= set_new(o, "bucket", json_string(b->bucket));
  ok &= set_new(o, "type", json_string(b->type));
  ok &= set_new(o, "access", json_string(b->access));
  ok &= set_new(o, "access_size", json_integer(b->access_size));
  ok &= set_new(o, "state", state);
  state = NULL;
  ok &= set_new(o, "frames", frames);
  frames = NULL;
  ok &= set_new(o, "security", json_boolean(b->security));
  ok &= set_new(o, "severity", json_string(b->severity));
  ok &= set_new(o, "finding", finding);
  ok &= set_new(o, "flaky", json_boolean(b->flaky));
  ok &= set_new(o, "reproduced", json_string(buf));
  ok &= set_new(o, "first_seen", json_string(b->first_seen));
  ok &= set_new(o, "last_seen", json_string(b->last_seen));
  ok &= set_new(o, "count", json_integer((json_int_t)b->num_originals));
  ok &= set_new(o, "original_size", json_integer((json_int_t)b->original_size));
  ok &= set_new(o, "reproducer_size",
                json_integer((json_int_t)b->reproducer_size));
  ok &= set_new(o, "minimized", json_string(b->minimized));
  ok &= set_new(o, "originals", originals);
  originals = NULL;
  ok &= set_new(o, "reproduce", reproduce);
  ok &= set_new(o, "timeout_secs", json_integer(b->timeout_secs));
  ok &= set_new(o, "rss_limit_mb", json_integer(b->rss_limit_mb));
  ok &= set_new(o, "status", json_string(b->fixed ? "fixed" : "open"));
  ok &= set_new(o, "expected_failing", json_boolean(b->expected_failing));
  ok &= set_new(o, "summary", json_string(b->summary));
  ok &= set_new(o, "sanitizer_summary", json_string(b->sanitizer_summary));
  if (!ok) {
    goto err;
  }
  return o;

err:
  json_decref(o);
  json_decref(state);
  json_decref(frames);
  json_decref(originals);
  return NULL;
}

/* get_str copies the string field |k| of |j| to |out|. */
static int get_str(char *out, size_t out_len, const json_t *j, const char *k,
                   char *err, size_t err_len) {
  json_t *v = json_object_get(j, k);
  if (!json_is_string(v)) {
    snprintf(err, err_len, "field \"%s\" missing or not a string", k);
    return 0;
  }
  snprintf(out, out_len, "%s", json_string_value(v));
  return 1;
}

static int get_u32(uint32_t *out, const json_t *j, const char *k, char *err,
                   size_t err_len) {
  json_t *v = json_object_get(j, k);
  if (!json_is_integer(v) || json_integer_value(v) < 0 ||
      json_integer_value(v) > UINT32_MAX) {
    snprintf(err, err_len, "field \"%s\" missing or not a number", k);
    return 0;
  }
  *out = (uint32_t)json_integer_value(v);
  return 1;
}

static int get_u64(uint64_t *out, const json_t *j, const char *k, char *err,
                   size_t err_len) {
  json_t *v = json_object_get(j, k);
  if (!json_is_integer(v) || json_integer_value(v) < 0) {
    snprintf(err, err_len, "field \"%s\" missing or not a number", k);
    return 0;
  }
  *out = (uint64_t)json_integer_value(v);
  return 1;
}

static int get_bool(int *out, const json_t *j, const char *k, char *err,
                    size_t err_len) {
  json_t *v = json_object_get(j, k);
  if (!json_is_boolean(v)) {
    snprintf(err, err_len, "field \"%s\" missing or not true/false", k);
    return 0;
  }
  *out = json_is_true(v);
  return 1;
}

int cf_bucket_from_json(struct cf_bucket *b, const json_t *j, char *err,
                        size_t err_len) {
  json_t *v, *e;
  size_t i;
  char status[16], reproduced[32];
  uint32_t schema;

  if (!json_is_object(j)) {
    snprintf(err, err_len, "not a JSON object");
    return 0;
  }
  if (!get_u32(&schema, j, "schema", err, err_len)) {
    return 0;
  }
  if (schema != CF_REPORT_SCHEMA) {
    snprintf(err, err_len, "schema %u, this chainfuzz reads schema %d",
             schema, CF_REPORT_SCHEMA);
    return 0;
  }
  if (!get_str(b->target, sizeof(b->target), j, "target", err, err_len) ||
      !get_str(b->bucket, sizeof(b->bucket), j, "bucket", err, err_len) ||
      !get_str(b->type, sizeof(b->type), j, "type", err, err_len) ||
      !get_str(b->access, sizeof(b->access), j, "access", err, err_len) ||
      !get_u32(&b->access_size, j, "access_size", err, err_len) ||
      !get_bool(&b->security, j, "security", err, err_len) ||
      !get_str(b->severity, sizeof(b->severity), j, "severity", err,
               err_len) ||
      !get_bool(&b->flaky, j, "flaky", err, err_len) ||
      !get_str(reproduced, sizeof(reproduced), j, "reproduced", err,
               err_len) ||
      !get_str(b->first_seen, sizeof(b->first_seen), j, "first_seen", err,
               err_len) ||
      !get_str(b->last_seen, sizeof(b->last_seen), j, "last_seen", err,
               err_len) ||
      !get_u64(&b->original_size, j, "original_size", err, err_len) ||
      !get_u64(&b->reproducer_size, j, "reproducer_size", err, err_len) ||
      !get_str(status, sizeof(status), j, "status", err, err_len) ||
      !get_bool(&b->expected_failing, j, "expected_failing", err, err_len) ||
      !get_str(b->summary, sizeof(b->summary), j, "summary", err, err_len)) {
    return 0;
  }
  if (!cf_valid_target_name(b->target) ||
      !(cf_is_bucket_id(b->bucket) || strcmp(b->bucket, CF_NO_REPRO) == 0)) {
    snprintf(err, err_len, "bad target or bucket name");
    return 0;
  }
  if (sscanf(reproduced, "%u/%u", &b->reproduced_k, &b->reproduced_n) != 2) {
    snprintf(err, err_len, "field \"reproduced\" is not k/N");
    return 0;
  }
  if (strcmp(status, "open") == 0) {
    b->fixed = 0;
  } else if (strcmp(status, "fixed") == 0) {
    b->fixed = 1;
  } else {
    snprintf(err, err_len, "field \"status\" is neither open nor fixed");
    return 0;
  }
  /* Optional fields (absent in hand-written reports). */
  v = json_object_get(j, "minimized");
  COPY(b->minimized, json_is_string(v) ? json_string_value(v) : "");
  v = json_object_get(j, "sanitizer_summary");
  COPY(b->sanitizer_summary, json_is_string(v) ? json_string_value(v) : "");
  v = json_object_get(j, "timeout_secs");
  b->timeout_secs = json_is_integer(v) ? (uint32_t)json_integer_value(v) : 25;
  v = json_object_get(j, "rss_limit_mb");
  b->rss_limit_mb =
      json_is_integer(v) ? (uint32_t)json_integer_value(v) : 2560;

  v = json_object_get(j, "state");
  if (!json_is_array(v)) {
    snprintf(err, err_len, "field \"state\" missing or not an array");
    return 0;
  }
  b->state[0] = '\0';
  json_array_foreach(v, i, e) {
    if (!json_is_string(e)) {
      snprintf(err, err_len, "field \"state\" holds a non-string");
      return 0;
    }
    if (i > 0) {
      strncat(b->state, "\n", sizeof(b->state) - strlen(b->state) - 1);
    }
    strncat(b->state, json_string_value(e),
            sizeof(b->state) - strlen(b->state) - 1);
  }

  v = json_object_get(j, "frames");
  if (!json_is_array(v)) {
    snprintf(err, err_len, "field \"frames\" missing or not an array");
    return 0;
  }
  free(b->frames);
  b->frames = NULL;
  b->num_frames = 0;
  if (json_array_size(v) > 0) {
    size_t n = json_array_size(v);
    if (n > CF_MAX_FRAMES) {
      n = CF_MAX_FRAMES;
    }
    b->frames = calloc(n, sizeof(*b->frames));
    if (b->frames == NULL) {
      snprintf(err, err_len, "out of memory");
      return 0;
    }
    for (i = 0; i < n; i++) {
      struct cf_frame *f = &b->frames[i];
      const char *fn = "", *file = "", *mod = "";
      json_int_t line = 0;
      e = json_array_get(v, i);
      if (json_unpack(e, "{s?s, s?s, s?I, s?s}", "function", &fn, "file",
                      &file, "line", &line, "module", &mod) != 0) {
        snprintf(err, err_len, "frame %zu is malformed", i);
        return 0;
      }
      COPY(f->function, fn);
      COPY(f->file, file);
      f->line = (uint32_t)line;
      COPY(f->module, mod);
    }
    b->num_frames = n;
  }

  v = json_object_get(j, "finding");
  b->is_finding = 0;
  if (json_is_object(v)) {
    const char *kind = "", *val = "", *orc = "", *rsn = "";
    if (json_unpack(v, "{s:s, s:s, s:s, s:s}", "kind", &kind, "validator",
                    &val, "oracle", &orc, "reason", &rsn) != 0) {
      snprintf(err, err_len, "field \"finding\" is malformed");
      return 0;
    }
    b->is_finding = 1;
    COPY(b->finding_kind, kind);
    COPY(b->finding_validator, val);
    COPY(b->finding_oracle, orc);
    COPY(b->finding_reason, rsn);
  } else if (!json_is_null(v)) {
    snprintf(err, err_len, "field \"finding\" missing (null or an object)");
    return 0;
  }

  v = json_object_get(j, "originals");
  if (!json_is_array(v)) {
    snprintf(err, err_len, "field \"originals\" missing or not an array");
    return 0;
  }
  json_array_foreach(v, i, e) {
    const char *s = json_string_value(e);
    if (s == NULL || strncmp(s, "originals/", 10) != 0 ||
        !cf_is_sha1_hex(s + 10)) {
      snprintf(err, err_len, "originals[%zu] is not originals/<sha1>", i);
      return 0;
    }
    if (!cf_bucket_add_original(b, s + 10)) {
      snprintf(err, err_len, "out of memory");
      return 0;
    }
  }

  v = json_object_get(j, "reproduce");
  if (json_is_object(v)) {
    json_t *argv = json_object_get(v, "argv");
    const char *tmp[16];
    size_t n = json_array_size(argv);
    if (!json_is_array(argv) || n == 0 || n > 16) {
      snprintf(err, err_len, "field \"reproduce.argv\" is malformed");
      return 0;
    }
    json_array_foreach(argv, i, e) {
      if (!json_is_string(e)) {
        snprintf(err, err_len, "field \"reproduce.argv\" is malformed");
        return 0;
      }
      tmp[i] = json_string_value(e);
    }
    if (!cf_bucket_set_argv(b, tmp, n)) {
      snprintf(err, err_len, "out of memory");
      return 0;
    }
  } else if (!json_is_null(v)) {
    snprintf(err, err_len, "field \"reproduce\" missing (null or an object)");
    return 0;
  }

  json_decref(b->json);
  b->json = json_deep_copy(j);
  return 1;
}

const char *cf_report_json_name(const struct cf_bucket *b) {
  return strcmp(b->bucket, CF_NO_REPRO) == 0 ? "no-repro.json"
                                             : "report.json";
}

const char *cf_report_txt_name(const struct cf_bucket *b) {
  return strcmp(b->bucket, CF_NO_REPRO) == 0 ? "no-repro.txt" : "report.txt";
}

int cf_bucket_load(struct cf_bucket **out, const char *dir, char *err,
                   size_t err_len) {
  char path[PATH_MAX];
  json_error_t jerr;
  json_t *j;
  struct cf_bucket *b;
  const char *slash = strrchr(dir, '/');
  const char *name = (slash != NULL && strcmp(slash + 1, CF_NO_REPRO) == 0)
                         ? "no-repro.json"
                         : "report.json";

  *out = NULL;
  if (!cf_path_join(path, sizeof(path), dir, name)) {
    snprintf(err, err_len, "path too long");
    return 0;
  }
  j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  if (j == NULL) {
    snprintf(err, err_len, "%s: %s (line %d)", name, jerr.text, jerr.line);
    return 0;
  }
  b = cf_bucket_new();
  if (b == NULL) {
    json_decref(j);
    snprintf(err, err_len, "out of memory");
    return 0;
  }
  char why[256];
  if (!cf_bucket_from_json(b, j, why, sizeof(why))) {
    snprintf(err, err_len, "%s: %s", name, why);
    json_decref(j);
    cf_bucket_free(b);
    return 0;
  }
  json_decref(j);
  *out = b;
  return 1;
}

int cf_bucket_write_reports(const struct cf_bucket *b, const char *dir) {
  char path[PATH_MAX];
  json_t *j = cf_bucket_to_json(b);
  char *s = NULL, *txt = NULL;
  int ok = 0;

  if (j == NULL) {
    errno = ENOMEM;
    return 0;
  }
  s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  txt = cf_report_text(b);
  if (s == NULL || txt == NULL) {
    errno = ENOMEM;
    goto done;
  }
  size_t slen = strlen(s);
  char *s2 = realloc(s, slen + 2);
  if (s2 == NULL) {
    goto done;
  }
  s = s2;
  s[slen] = '\n';
  s[slen + 1] = '\0';
  if (!cf_path_join(path, sizeof(path), dir, cf_report_json_name(b)) ||
      !cf_write_file_atomic(path, s, slen + 1, 0644)) {
    goto done;
  }
  if (!cf_path_join(path, sizeof(path), dir, cf_report_txt_name(b)) ||
      !cf_write_file_atomic(path, txt, strlen(txt), 0644)) {
    goto done;
  }
  ok = 1;

done:
  json_decref(j);
  free(s);
  free(txt);
  return ok;
}

int cf_bucket_create(const struct cf_bucket *b, const char *target_dir,
                     const uint8_t *repro, size_t repro_len,
                     const uint8_t *orig, size_t orig_len,
                     const char *orig_sha1) {
  char tmp[PATH_MAX], final[PATH_MAX], path[PATH_MAX], name[64];
  int saved;

  snprintf(name, sizeof(name), ".tmp-%s-%ld", b->bucket, (long)getpid());
  if (!cf_mkdir_p(target_dir) ||
      !cf_path_join(tmp, sizeof(tmp), target_dir, name) ||
      !cf_path_join(final, sizeof(final), target_dir, b->bucket)) {
    return 0;
  }
  cf_remove_tree(tmp);
  if (mkdir(tmp, 0755) != 0) {
    return 0;
  }
  snprintf(name, sizeof(name), "originals/%s", orig_sha1);
  if (!cf_path_join(path, sizeof(path), tmp, "originals") ||
      mkdir(path, 0755) != 0 || !cf_path_join(path, sizeof(path), tmp, name) ||
      !cf_write_file_atomic(path, orig, orig_len, 0644)) {
    goto err;
  }
  if (repro != NULL &&
      (!cf_path_join(path, sizeof(path), tmp, "reproducer") ||
       !cf_write_file_atomic(path, repro, repro_len, 0644))) {
    goto err;
  }
  if (!cf_bucket_write_reports(b, tmp)) {
    goto err;
  }
  if (rename(tmp, final) != 0) {
    if (errno == ENOTEMPTY) {
      errno = EEXIST;
    }
    goto err;
  }
  /* Make the rename itself durable. */
  int dfd = open(target_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return 1;

err:
  saved = errno;
  cf_remove_tree(tmp);
  errno = saved;
  return 0;
}

int cf_bucket_join(struct cf_bucket *b, const char *bucket_dir,
                   const uint8_t *orig, size_t orig_len, const char *sha1) {
  char path[PATH_MAX], name[64];
  snprintf(name, sizeof(name), "originals/%s", sha1);
  if (!cf_path_join(path, sizeof(path), bucket_dir, "originals") ||
      !cf_mkdir_p(path) ||
      !cf_path_join(path, sizeof(path), bucket_dir, name) ||
      !cf_write_file_atomic(path, orig, orig_len, 0644)) {
    return 0;
  }
  if (!cf_bucket_add_original(b, sha1)) {
    errno = ENOMEM;
    return 0;
  }
  cf_now_utc(b->last_seen);
  return cf_bucket_write_reports(b, bucket_dir);
}

/* ------------------------------------------------------------- store -- */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push_str(char ***v, size_t *n, const char *s) {
  char **nv = realloc(*v, (*n + 1) * sizeof(char *));
  if (nv == NULL) {
    return 0;
  }
  *v = nv;
  nv[*n] = strdup(s);
  if (nv[*n] == NULL) {
    return 0;
  }
  (*n)++;
  return 1;
}

static int push_broken(struct cf_store *s, const char *name, const char *why) {
  char buf[PATH_MAX + 300];
  snprintf(buf, sizeof(buf), "%s: %s", name, why);
  return push_str(&s->broken, &s->num_broken, buf);
}

/* remove_stale_tmp removes ".tmp-*" entries in |dir| (caller holds the
 * lock, so they belong to an interrupted run). */
static void remove_stale_tmp(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  if (d == NULL) {
    return;
  }
  while ((e = readdir(d)) != NULL) {
    char p[PATH_MAX];
    if (strncmp(e->d_name, ".tmp-", 5) == 0 &&
        cf_path_join(p, sizeof(p), dir, e->d_name)) {
      cf_remove_tree(p);
    }
  }
  closedir(d);
}

/* repair_bucket records originals found on disk but not in |b|'s report
 * (a run stopped between the two writes of cf_bucket_join). */
static void repair_bucket(struct cf_bucket *b, const char *bucket_dir) {
  char odir[PATH_MAX];
  DIR *d;
  struct dirent *e;
  int changed = 0;

  remove_stale_tmp(bucket_dir);
  if (!cf_path_join(odir, sizeof(odir), bucket_dir, "originals")) {
    return;
  }
  remove_stale_tmp(odir);
  d = opendir(odir);
  if (d == NULL) {
    return;
  }
  while ((e = readdir(d)) != NULL) {
    if (cf_is_sha1_hex(e->d_name) && !cf_bucket_has_original(b, e->d_name)) {
      changed |= cf_bucket_add_original(b, e->d_name);
    }
  }
  closedir(d);
  if (changed) {
    fprintf(stderr,
            "chainfuzz: %s: recorded originals left by an interrupted run\n",
            bucket_dir);
    cf_now_utc(b->last_seen);
    cf_bucket_write_reports(b, bucket_dir);
  }
}

int cf_store_load(struct cf_store *s, const char *out_dir, const char *target,
                  int repair, char *err, size_t err_len) {
  DIR *d;
  struct dirent *e;
  char **names = NULL;
  size_t num_names = 0;

  memset(s, 0, sizeof(*s));
  COPY(s->target, target);
  if (!cf_path_join(s->dir, sizeof(s->dir), out_dir, target)) {
    snprintf(err, err_len, "path too long");
    return 0;
  }
  d = opendir(s->dir);
  if (d == NULL) {
    if (errno == ENOENT) {
      return 1;
    }
    snprintf(err, err_len, "%s: %s", s->dir, strerror(errno));
    return 0;
  }
  if (repair) {
    remove_stale_tmp(s->dir);
    rewinddir(d);
  }
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') {
      continue;
    }
    if (!push_str(&names, &num_names, e->d_name)) {
      closedir(d);
      snprintf(err, err_len, "out of memory");
      free_strv(names, num_names);
      return 0;
    }
  }
  closedir(d);
  if (num_names > 1) {
    qsort(names, num_names, sizeof(char *), cmp_str);
  }

  for (size_t i = 0; i < num_names; i++) {
    char p[PATH_MAX], why[512];
    struct stat st;
    struct cf_bucket *b;
    if (!cf_path_join(p, sizeof(p), s->dir, names[i]) || lstat(p, &st) != 0) {
      push_broken(s, names[i], "cannot stat");
      continue;
    }
    if (S_ISREG(st.st_mode)) {
      push_str(&s->raw, &s->num_raw, names[i]);
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      push_broken(s, names[i], "neither a file nor a bucket directory");
      continue;
    }
    if (!cf_is_bucket_id(names[i]) && strcmp(names[i], CF_NO_REPRO) != 0) {
      push_broken(s, names[i], "a directory that is not a bucket");
      continue;
    }
    if (!cf_bucket_load(&b, p, why, sizeof(why))) {
      push_broken(s, names[i], why);
      continue;
    }
    if (strcmp(b->bucket, names[i]) != 0 || strcmp(b->target, target) != 0) {
      push_broken(s, names[i], "report.json names another bucket or target");
      cf_bucket_free(b);
      continue;
    }
    if (repair) {
      repair_bucket(b, p);
    }
    if (!cf_store_add(s, b)) {
      cf_bucket_free(b);
      snprintf(err, err_len, "out of memory");
      free_strv(names, num_names);
      return 0;
    }
  }
  free_strv(names, num_names);
  return 1;
}

void cf_store_free(struct cf_store *s) {
  for (size_t i = 0; i < s->num_buckets; i++) {
    cf_bucket_free(s->buckets[i]);
  }
  free(s->buckets);
  free_strv(s->raw, s->num_raw);
  free_strv(s->broken, s->num_broken);
  memset(s, 0, sizeof(*s));
}

struct cf_bucket *cf_store_find_original(const struct cf_store *s,
                                         const char *sha1) {
  for (size_t i = 0; i < s->num_buckets; i++) {
    if (cf_bucket_has_original(s->buckets[i], sha1)) {
      return s->buckets[i];
    }
  }
  return NULL;
}

struct cf_bucket *cf_store_match(const struct cf_store *s,
                                 const struct cf_crash *c) {
  struct cf_crash *other;
  struct cf_bucket *found = NULL;

  for (size_t i = 0; i < s->num_buckets; i++) {
    const struct cf_bucket *b = s->buckets[i];
    if (strcmp(b->bucket, CF_NO_REPRO) != 0 && strcmp(b->type, c->type) == 0 &&
        strcmp(b->state, c->state) == 0) {
      return s->buckets[i];
    }
  }
  other = malloc(sizeof(*other));
  if (other == NULL) {
    return NULL;
  }
  for (size_t i = 0; i < s->num_buckets && found == NULL; i++) {
    const struct cf_bucket *b = s->buckets[i];
    if (strcmp(b->bucket, CF_NO_REPRO) == 0 || strcmp(b->type, c->type) != 0) {
      continue;
    }
    cf_bucket_to_crash(other, b);
    if (cf_crashes_similar(other, c)) {
      found = s->buckets[i];
    }
  }
  free(other);
  return found;
}

int cf_store_add(struct cf_store *s, struct cf_bucket *b) {
  struct cf_bucket **nv =
      realloc(s->buckets, (s->num_buckets + 1) * sizeof(*nv));
  if (nv == NULL) {
    return 0;
  }
  s->buckets = nv;
  nv[s->num_buckets++] = b;
  return 1;
}

int cf_lock_dir(const char *dir) {
  char path[PATH_MAX];
  int fd;
  if (!cf_mkdir_p(dir) || !cf_path_join(path, sizeof(path), dir, ".lock")) {
    return -1;
  }
  fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return -1;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      close(fd);
      return -1;
    }
    fprintf(stderr, "chainfuzz: %s is in use by another chainfuzz; waiting\n",
            dir);
    /* EINTR (SIGINT/SIGTERM while waiting) is returned to the caller. */
    if (flock(fd, LOCK_EX) != 0) {
      int saved = errno;
      close(fd);
      errno = saved;
      return -1;
    }
  }
  return fd;
}
