/* cmd_bench.c — `certgen bench`: certificates per second, one core, against
 * making the same certificates with the openssl command line, one process
 * per certificate (how test certificates are usually made). */
#define _GNU_SOURCE /* posix_spawnp, environ */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "chainfuzz/fileio.h"
#include "cli.h"
#include "keypool.h"
#include "recipe.h"

extern char **environ;

/* kLeaves is how many leaves one recipe of the benchmark holds (plus their
 * CA): cf_build_certs builds them all in one call. */
#define BENCH_LEAVES 16

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* bench_recipe fills |r| with a CA (key |ca_key|) issuing BENCH_LEAVES
 * leaves (key |leaf_key|), each with its own name. */
static void bench_recipe(struct cf_recipe *r, const char *ca_key,
                         const char *leaf_key) {
  cf_recipe_init(r);
  snprintf(r->id, sizeof(r->id), "bench::%s", leaf_key);
  cf_rcert_init(&r->certs[0], CF_TPL_ROOT, "ca", 0, cf_pool_index(ca_key));
  for (int i = 1; i <= BENCH_LEAVES; i++) {
    char name[32];
    struct cf_rcert *c = &r->certs[i];
    snprintf(name, sizeof(name), "leaf%d", i);
    cf_rcert_init(c, CF_TPL_LEAF, name, i, cf_pool_index(leaf_key));
    c->issuer = 0;
    c->san.names[0].value_len = (size_t)snprintf(
        (char *)c->san.names[0].value, sizeof(c->san.names[0].value),
        "device%d.example.com", i);
  }
  r->num_certs = BENCH_LEAVES + 1;
  r->device.anchors[0] = 0;
  r->device.num_anchors = 1;
  r->device.chain[0] = 1;
  r->device.num_chain = 1;
}

/* run_certgen builds the recipe for |seconds| and returns certificates/s,
 * or a negative number on a build error. */
static double run_certgen(const struct cf_recipe *r, const struct cf_pool *pool,
                          double seconds, size_t *out_certs) {
  double start = now_seconds(), elapsed;
  size_t certs = 0;
  char err[512];
  do {
    struct cf_built b;
    if (!cf_build_certs(&b, r, pool, err, sizeof(err))) {
      fprintf(stderr, "certgen bench: %s\n", err);
      return -1;
    }
    cf_built_free(&b);
    certs += r->num_certs;
    elapsed = now_seconds() - start;
  } while (elapsed < seconds);
  *out_certs = certs;
  return (double)certs / elapsed;
}

/* run_cmd runs argv (no shell) with stdout/stderr to /dev/null; 1 if it
 * exited 0. */
static int run_cmd(char *const argv[]) {
  posix_spawn_file_actions_t fa;
  pid_t pid;
  int status, rc;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    return 0;
  }
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return 0;
    }
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* run_openssl makes |runs| leaves with `openssl x509 -req`, one process
 * each, with the same extensions as certgen's leaf template, and returns
 * certificates/s (negative if openssl is missing or fails). */
static double run_openssl(const char *keys_dir, const char *ca_key,
                          const char *leaf_key, int runs) {
  char tmpl[] = "/tmp/certgen-bench-XXXXXX", ca[512], cakey[512], lkey[512];
  char csr[512], ext[512], out[512], serial[32];
  static const char kExt[] =
      "basicConstraints=critical,CA:FALSE\n"
      "keyUsage=critical,digitalSignature\n"
      "extendedKeyUsage=serverAuth\n"
      "subjectAltName=DNS:device.example.com\n"
      "subjectKeyIdentifier=hash\n"
      "authorityKeyIdentifier=keyid\n";
  double start, rate = -1;
  const char *tmp = mkdtemp(tmpl);
  if (tmp == NULL) {
    return -1;
  }
  snprintf(cakey, sizeof(cakey), "%s/%s.pem", keys_dir, ca_key);
  snprintf(lkey, sizeof(lkey), "%s/%s.pem", keys_dir, leaf_key);
  snprintf(ca, sizeof(ca), "%s/ca.pem", tmp);
  snprintf(csr, sizeof(csr), "%s/leaf.csr", tmp);
  snprintf(ext, sizeof(ext), "%s/ext.cnf", tmp);
  snprintf(out, sizeof(out), "%s/leaf.pem", tmp);
  if (!cf_write_file_atomic(ext, kExt, sizeof(kExt) - 1, 0644)) {
    goto done;
  }
  {
    char *mk_ca[] = {"openssl", "req", "-x509", "-new", "-key", cakey,
                     "-subj", "/CN=chainfuzz bench CA", "-days", "3650",
                     "-out", ca, NULL};
    char *mk_csr[] = {"openssl", "req", "-new", "-key", lkey, "-subj",
                      "/CN=device.example.com", "-out", csr, NULL};
    if (!run_cmd(mk_ca) || !run_cmd(mk_csr)) {
      goto done;
    }
  }
  start = now_seconds();
  for (int i = 0; i < runs; i++) {
    snprintf(serial, sizeof(serial), "%d", i + 1);
    char *sign[] = {"openssl", "x509", "-req", "-in", csr, "-CA", ca,
                    "-CAkey", cakey, "-set_serial", serial, "-days", "365",
                    "-extfile", ext, "-out", out, NULL};
    if (!run_cmd(sign)) {
      goto done;
    }
  }
  rate = runs / (now_seconds() - start);

done:
  unlink(ca);
  unlink(csr);
  unlink(ext);
  unlink(out);
  rmdir(tmp);
  return rate;
}

int cf_cmd_bench(int argc, char **argv) {
  static const struct {
    const char *what, *ca_key, *leaf_key;
  } kCases[] = {
      {"ECDSA P-256", "intermediate-p256", "leaf-p256"},
      {"RSA-2048", "intermediate-rsa2048", "leaf-rsa2048"},
  };
  const char *keys_dir = "certgen/keys";
  double seconds = 3;
  int openssl_runs = 100, ret = 1;
  struct cf_pool pool;
  struct cf_recipe *r = NULL;
  char err[512];

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (cf_cli_is_help(a)) {
      printf(
          "usage: certgen bench [--seconds S] [--openssl-runs N] [--keys DIR]\n"
          "\n"
          "Measures how many certificates per second certgen makes on one core\n"
          "(a CA issuing %d leaves per build, rebuilt for S seconds, default\n"
          "3), for ECDSA P-256 and RSA-2048 leaves, and how many the openssl\n"
          "command line makes with one `openssl x509 -req` process per\n"
          "certificate (N runs, default 100; 0 skips it). Run it from the\n"
          "plain flavor (build/plain/bin/certgen): sanitizers slow it down.\n"
          "Prints one Markdown table row per key type. Exit 0, 1 on a build\n"
          "error, 2 on usage.\n",
          BENCH_LEAVES);
      return 0;
    }
    if (i + 1 >= argc) {
      return cf_cli_usage_error("bench", "unknown option '%s'", a);
    }
    if (strcmp(a, "--seconds") == 0) {
      char *end;
      seconds = strtod(argv[++i], &end);
      if (*end != '\0' || !(seconds > 0 && seconds <= 3600)) {
        return cf_cli_usage_error("bench", "--seconds wants 0 < S <= 3600");
      }
    } else if (strcmp(a, "--openssl-runs") == 0) {
      char *end;
      long n = strtol(argv[++i], &end, 10);
      if (*end != '\0' || n < 0 || n > 100000) {
        return cf_cli_usage_error("bench", "--openssl-runs wants 0..100000");
      }
      openssl_runs = (int)n;
    } else if (strcmp(a, "--keys") == 0) {
      keys_dir = argv[++i];
    } else {
      return cf_cli_usage_error("bench", "unknown option '%s'", a);
    }
  }
  if (!cf_pool_load(&pool, keys_dir, err, sizeof(err))) {
    fprintf(stderr, "certgen bench: %s\n", err);
    return 2;
  }
  r = malloc(sizeof(*r));
  if (r == NULL) {
    goto done;
  }
  printf("| leaf key | certgen certs/s (1 core) | certs built | openssl CLI "
         "certs/s (1 process each) | ratio |\n|---|---:|---:|---:|---:|\n");
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
    size_t certs = 0;
    double rate, cli = -1;
    bench_recipe(r, kCases[i].ca_key, kCases[i].leaf_key);
    rate = run_certgen(r, &pool, seconds, &certs);
    if (rate < 0) {
      goto done;
    }
    if (openssl_runs > 0) {
      cli = run_openssl(keys_dir, kCases[i].ca_key, kCases[i].leaf_key,
                        openssl_runs);
    }
    if (cli > 0) {
      printf("| %s | %.0f | %zu | %.1f | %.0fx |\n", kCases[i].what, rate,
             certs, cli, rate / cli);
    } else {
      printf("| %s | %.0f | %zu | %s | - |\n", kCases[i].what, rate, certs,
             openssl_runs > 0 ? "failed (is the openssl command installed?)"
                              : "skipped");
    }
    fflush(stdout);
  }
  ret = 0;

done:
  free(r);
  cf_pool_free(&pool);
  return ret;
}
