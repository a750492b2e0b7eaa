/* harness_overhead — what chainfuzz's harness costs on the hottest path.
 *
 * Loads the given case files once, then alternates, for ROUNDS rounds of
 * SECS seconds each:
 *   harness: LLVMFuzzerTestOneInput of targets/per-validator/chain_verify.c (as chain_verify_boringssl) (case decoder,
 *            BoringSSL adapter, path check) on each input, as a fuzzer calls
 *            it;
 *   bare:    the same BoringSSL calls (d2i_X509, X509_STORE, X509_verify_cert
 *            with the same profile) written inline, on inputs decoded
 *            beforehand: the least any harness could do.
 * and prints exec/s of both and their ratio (harness / bare; 1.0 = free).
 *
 * usage: harness_overhead [-seconds=S] [-rounds=N] CASE_FILE...
 * Built in the plain flavor (-O2, no sanitizer) by mk/chainfuzz.mk. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "chainfuzz/bssl_compat.h"
#include "chainfuzz/case.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

struct input {
  uint8_t *data;
  size_t len;
  struct cf_case c; /* decoded beforehand, for the bare loop */
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int read_file(const char *path, uint8_t **out, size_t *out_len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return 0;
  }
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0, n;
  do {
    if (len == cap) {
      cap = cap ? 2 * cap : 4096;
      uint8_t *nb = realloc(buf, cap);
      if (nb == NULL) {
        free(buf);
        fclose(f);
        return 0;
      }
      buf = nb;
    }
    n = fread(buf + len, 1, cap - len, f);
    len += n;
  } while (n > 0);
  int ok = !ferror(f);
  fclose(f);
  if (!ok) {
    free(buf);
    return 0;
  }
  *out = buf;
  *out_len = len;
  return 1;
}

/* bare_verify is the baseline: the BoringSSL calls a device makes, nothing
 * else. It mirrors validators/boringssl.c on purpose. */
static int bare_verify(const struct cf_case *c) {
  X509_STORE *store = X509_STORE_new();
  STACK_OF(X509) *untrusted = sk_X509_new_null();
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  X509 *leaf = NULL;
  int ret = -1;
  for (size_t i = 0; i < c->num_anchors; i++) {
    const uint8_t *p = c->anchors[i].data;
    X509 *x = d2i_X509(NULL, &p, (long)c->anchors[i].len);
    if (x != NULL) {
      X509_STORE_add_cert(store, x);
      X509_free(x);
    }
  }
  const uint8_t *p = c->leaf.data;
  leaf = d2i_X509(NULL, &p, (long)c->leaf.len);
  if (leaf == NULL) {
    goto done;
  }
  for (size_t i = 0; i < c->num_intermediates; i++) {
    p = c->intermediates[i].data;
    X509 *x = d2i_X509(NULL, &p, (long)c->intermediates[i].len);
    if (x == NULL) {
      goto done;
    }
    sk_X509_push(untrusted, x);
  }
  X509_STORE_CTX_init(ctx, store, leaf, untrusted);
  X509_STORE_CTX_set_default(ctx, "ssl_server");
  X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_time(param, (time_t)cf_profile_effective_time(&c->profile));
  X509_VERIFY_PARAM_set_depth(param, cf_bssl_verify_depth((int)c->profile.max_depth));
  if (c->profile.name_type == CF_NAME_DNS) {
    X509_VERIFY_PARAM_set1_host(param, c->profile.dns_name, c->profile.dns_name_len);
  } else if (c->profile.name_type == CF_NAME_IP) {
    X509_VERIFY_PARAM_set1_ip(param, c->profile.ip, c->profile.ip_len);
  }
  ret = X509_verify_cert(ctx);
done:
  X509_STORE_CTX_free(ctx);
  sk_X509_pop_free(untrusted, X509_free);
  X509_free(leaf);
  X509_STORE_free(store);
  ERR_clear_error();
  return ret;
}

int main(int argc, char **argv) {
  double secs = 2.0;
  int rounds = 5;
  struct input *in = calloc((size_t)argc, sizeof(*in));
  size_t n = 0;
  if (in == NULL) {
    return 1;
  }
  if (LLVMFuzzerInitialize(&argc, &argv) != 0) {
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "-seconds=", 9) == 0) {
      secs = atof(argv[i] + 9);
    } else if (strncmp(argv[i], "-rounds=", 8) == 0) {
      rounds = atoi(argv[i] + 8);
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "harness_overhead: unknown flag %s\n"
                      "usage: harness_overhead [-seconds=S] [-rounds=N] CASE_FILE...\n",
              argv[i]);
      return 2;
    } else {
      if (!read_file(argv[i], &in[n].data, &in[n].len)) {
        fprintf(stderr, "harness_overhead: cannot read %s: %s\n", argv[i],
                strerror(errno));
        return 2;
      }
      if (cf_case_parse(&in[n].c, NULL, in[n].data, in[n].len) != CF_CASE_OK) {
        fprintf(stderr, "harness_overhead: %s is not a valid case\n", argv[i]);
        return 2;
      }
      n++;
    }
  }
  if (n == 0 || secs <= 0 || rounds <= 0) {
    fprintf(stderr, "usage: harness_overhead [-seconds=S] [-rounds=N] CASE_FILE...\n");
    return 2;
  }
  double t_harness = 0, t_bare = 0;
  uint64_t n_harness = 0, n_bare = 0;
  for (int r = 0; r < rounds; r++) {
    double t0 = now();
    while (now() - t0 < secs) {
      for (size_t i = 0; i < n; i++) {
        LLVMFuzzerTestOneInput(in[i].data, in[i].len);
      }
      n_harness += n;
    }
    t_harness += now() - t0;
    t0 = now();
    while (now() - t0 < secs) {
      for (size_t i = 0; i < n; i++) {
        bare_verify(&in[i].c);
      }
      n_bare += n;
    }
    t_bare += now() - t0;
  }
  double eh = (double)n_harness / t_harness, eb = (double)n_bare / t_bare;
  printf("inputs %zu\nharness_exec_per_sec %.0f\nbare_exec_per_sec %.0f\nratio %.3f\n",
         n, eh, eb, eh / eb);
  for (size_t i = 0; i < n; i++) {
    free(in[i].data);
  }
  free(in);
  return 0;
}
