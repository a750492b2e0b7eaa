/* mutation_record_test — mutation records (certgen/case_mutator.h, issue
 * 18): the format round-trips and refuses what is not a record; the record
 * file is "." + $CHAINFUZZ_MUTATION_RECORD + "mutation-<pid>", holds
 * exactly the record while a call runs and nothing once it returns, keeps
 * the record when the process dies inside the call, and is removed by a
 * normal exit; CF_CASE_CUSTOM_MUTATOR's hooks leave it empty once they
 * return; and a record replayed through CF_CASE_MUTATION_REPLAY makes the
 * same output as the call it records (mutations and crossovers over the
 * seeds of corpus/chain_verify). tests/mutator_record_test.sh covers a real crash
 * inside a mutator, libFuzzer and triage. Run from the repository root. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tests/tap.h"
#include "case_mutator.h"

CF_CASE_CUSTOM_MUTATOR()

/* The target: it keeps what it is given (the replayed call's output). */
static uint8_t *g_seen;
static size_t g_seen_len;
static int g_seen_calls;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  CF_CASE_MUTATION_REPLAY(data, size);
  free(g_seen);
  g_seen = malloc(size > 0 ? size : 1);
  memcpy(g_seen, data, size);
  g_seen_len = size;
  g_seen_calls++;
  return 0;
}

static int read_all(uint8_t **out, size_t *out_len, const char *path) {
  FILE *f = fopen(path, "rb");
  uint8_t buf[1 << 16];
  if (f == NULL) {
    return 0;
  }
  *out_len = fread(buf, 1, sizeof(buf), f);
  fclose(f);
  *out = malloc(*out_len > 0 ? *out_len : 1);
  memcpy(*out, buf, *out_len);
  return 1;
}

/* files_in counts the entries of |dir| but . and .. */
static int files_in(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  if (d == NULL) {
    return -1;
  }
  while ((e = readdir(d)) != NULL) {
    n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  }
  closedir(d);
  return n;
}

static void test_format(void) {
  static const uint8_t kA[] = {'C', 'F', 'Z', 'C', 1, 2, 3};
  static const uint8_t kB[] = {9, 8};
  struct cf_mutation_record r = {CF_MUTATION_OP_MUTATE, 0, 0xdeadbeefu,
                                 4096, kA, sizeof(kA), NULL, 0};
  struct cf_mutation_record back;
  size_t len;
  uint8_t *enc = cf_mutation_record_encode(&len, &r);
  tap_ok(enc != NULL && len == CF_MUTATION_RECORD_HEADER_LEN + sizeof(kA) &&
             memcmp(enc, "CFMR\x01\x00\x00\x00\xde\xad\xbe\xef", 12) == 0 &&
             cf_mutation_record_parse(&back, enc, len) &&
             back.op == CF_MUTATION_OP_MUTATE && back.seed == 0xdeadbeefu &&
             back.max_size == 4096 && back.size1 == sizeof(kA) &&
             memcmp(back.data1, kA, sizeof(kA)) == 0 && back.data2 == NULL,
         "a mutate record round-trips (%zu bytes, big-endian seed)", len);
  int refused = 0, tries = 0;
  /* Each header byte changed, and every truncation, is refused. */
  for (size_t i = 0; enc != NULL && i < 8; i++) {
    enc[i] ^= 0x40;
    refused += !cf_mutation_record_parse(&back, enc, len);
    tries++;
    enc[i] ^= 0x40;
  }
  for (size_t n = 0; enc != NULL && n < len; n++) {
    refused += !cf_mutation_record_parse(&back, enc, n);
    tries++;
  }
  tap_ok(tries > 0 && refused == tries,
         "%d of %d damaged or truncated records are refused", refused, tries);
  free(enc);

  struct cf_mutation_record x = {CF_MUTATION_OP_CROSSOVER,
                                 CF_MUTATION_FLAG_NO_BYTE_MUTATE,
                                 7,
                                 100,
                                 kA,
                                 sizeof(kA),
                                 kB,
                                 sizeof(kB)};
  enc = cf_mutation_record_encode(&len, &x);
  tap_ok(enc != NULL && cf_mutation_record_parse(&back, enc, len) &&
             back.op == CF_MUTATION_OP_CROSSOVER &&
             back.flags == CF_MUTATION_FLAG_NO_BYTE_MUTATE &&
             back.size1 == sizeof(kA) && back.size2 == sizeof(kB) &&
             memcmp(back.data2, kB, sizeof(kB)) == 0,
         "a crossover record round-trips, both inputs and the flags");
  free(enc);
  tap_ok(!cf_mutation_record_parse(&back, kA, sizeof(kA)),
         "a case is not a record");
}

/* file_size returns the size of |path|, or -1 if it does not exist. */
static long file_size(const char *path) {
  struct stat st;
  return path != NULL && stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_file(const char *dir) {
  static const uint8_t kIn[] = {'C', 'F', 'Z', 'C', 0, 1};
  struct cf_mutation_record r = {CF_MUTATION_OP_MUTATE, 0, 42, 64,
                                 kIn, sizeof(kIn), NULL, 0};
  char want[4096];
  snprintf(want, sizeof(want), "%s/.p-mutation-%ld", dir, (long)getpid());
  const char *path = cf_mutation_record_path();
  tap_ok(path != NULL && strcmp(path, want) == 0 && file_size(path) == 0,
         "the record file is the prefix's directory + \".\" + the rest + "
         "mutation-<pid>, empty before a call (%s)",
         path != NULL ? path : "(off)");
  cf_mutation_record_begin(&r);
  uint8_t *got = NULL, *enc;
  size_t got_len = 0, enc_len;
  enc = cf_mutation_record_encode(&enc_len, &r);
  int present = path != NULL && read_all(&got, &got_len, path);
  tap_ok(present && got_len == enc_len && memcmp(got, enc, enc_len) == 0 &&
             files_in(dir) == 1,
         "while a call runs, the file is exactly its record (%zu bytes)",
         got_len);
  free(got);
  cf_mutation_record_end();
  tap_ok(file_size(path) == 0 && files_in(dir) == 1,
         "when the call returns, the file is empty");
  free(enc);
}

static void test_hooks(const char *dir, const char *seed_dir) {
  DIR *d = opendir(seed_dir);
  struct dirent *e;
  char *names[64];
  size_t n = 0;
  while (d != NULL && (e = readdir(d)) != NULL && n < 64) {
    if (e->d_name[0] != '.') {
      names[n++] = strdup(e->d_name);
    }
  }
  if (d != NULL) {
    closedir(d);
  }
  size_t max_size = 1 << 16, calls = 0, same = 0, leftovers = 0;
  uint8_t *buf = malloc(max_size), *prev = NULL;
  size_t prev_len = 0;
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    uint8_t *in;
    size_t in_len;
    snprintf(path, sizeof(path), "%s/%s", seed_dir, names[i]);
    if (!read_all(&in, &in_len, path) || in_len > max_size) {
      continue;
    }
    for (unsigned k = 0; k < 3; k++) {
      unsigned seed = (unsigned)(i * 40 + k) * CF_CASE_STRUCTURAL_ONE_IN;
      int cross = prev != NULL && k == 2;
      struct cf_mutation_record r;
      size_t out_len, enc_len;
      if (cross) {
        out_len = LLVMFuzzerCustomCrossOver(in, in_len, prev, prev_len, buf,
                                            max_size, seed);
        struct cf_mutation_record x = {CF_MUTATION_OP_CROSSOVER, 0, seed,
                                       max_size, in, in_len, prev, prev_len};
        r = x;
      } else {
        memcpy(buf, in, in_len);
        out_len = LLVMFuzzerCustomMutator(buf, in_len, max_size, seed);
        struct cf_mutation_record x = {CF_MUTATION_OP_MUTATE,
                                       CF_MUTATION_FLAG_NO_BYTE_MUTATE,
                                       seed, max_size, in, in_len, NULL, 0};
        r = x;
      }
      calls++;
      leftovers += file_size(cf_mutation_record_path()) > 0;
      /* Replayed: the target sees the same output. */
      uint8_t *enc = cf_mutation_record_encode(&enc_len, &r);
      int before = g_seen_calls;
      LLVMFuzzerTestOneInput(enc, enc_len);
      same += g_seen_calls == before + 1 && g_seen_len == out_len &&
              memcmp(g_seen, buf, out_len) == 0;
      free(enc);
    }
    free(prev);
    prev = in;
    prev_len = in_len;
  }
  tap_ok(calls >= 60 && leftovers == 0 &&
             file_size(cf_mutation_record_path()) == 0,
         "%zu calls of CF_CASE_CUSTOM_MUTATOR's hooks leave the record file "
         "empty when they return (%zu did not)",
         calls, leftovers);
  tap_ok(calls >= 60 && same == calls,
         "%zu of %zu records replayed through CF_CASE_MUTATION_REPLAY give "
         "the target the output of the call they record",
         same, calls);
  tap_ok(file_size(cf_mutation_record_path()) <= 0,
         "replaying writes no record");
  free(prev);
  free(buf);
  for (size_t i = 0; i < n; i++) {
    free(names[i]);
  }
}

/* test_fork: a process that dies inside a call keeps the record; one that
 * exits normally removes the file. (Children share the parent's file:
 * this runs last.) */
static void test_fork(void) {
  static const uint8_t kIn[] = {'C', 'F', 'Z', 'C', 0, 2};
  struct cf_mutation_record r = {CF_MUTATION_OP_MUTATE, 0, 43, 64,
                                 kIn, sizeof(kIn), NULL, 0};
  const char *path = cf_mutation_record_path();
  uint8_t *got = NULL, *enc;
  size_t got_len = 0, enc_len;
  int status;
  enc = cf_mutation_record_encode(&enc_len, &r);
  pid_t pid = fork();
  if (pid == 0) {
    cf_mutation_record_begin(&r);
    _exit(0); /* as a crash would: no atexit */
  }
  waitpid(pid, &status, 0);
  int present = read_all(&got, &got_len, path);
  tap_ok(present && got_len == enc_len && memcmp(got, enc, enc_len) == 0,
         "a process that dies inside the call leaves its record (%zu bytes)",
         got_len);
  free(got);
  free(enc);
  cf_mutation_record_begin(&r); /* and empty it again */
  cf_mutation_record_end();
  pid = fork();
  if (pid == 0) {
    exit(0);
  }
  waitpid(pid, &status, 0);
  tap_ok(file_size(path) == -1, "a normal exit removes the file");
}

int main(int argc, char **argv) {
  char dir[] = "/tmp/mutation_record_test.XXXXXX";
  char prefix[64];
  if (mkdtemp(dir) == NULL) {
    tap_ok(0, "mkdtemp");
    return tap_done();
  }
  /* Read once, on the first record: set before any. */
  snprintf(prefix, sizeof(prefix), "%s/p-", dir);
  setenv("CHAINFUZZ_MUTATION_RECORD", prefix, 1);
  test_format();
  test_file(dir);
  test_hooks(dir, argc > 1 ? argv[1] : "corpus/chain_verify");
  test_fork();
  rmdir(dir);
  free(g_seen);
  return tap_done();
}
