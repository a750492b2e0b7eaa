/* seedgen — writes the seed corpora of the first fuzz targets from the
 * scenario table (seeds.h):
 *
 *   CORPUS/chain_verify/<sha1>  one case per scenario
 *   CORPUS/x509_parse/<sha1>    every distinct DER certificate
 *   CORPUS/hostname/<sha1>      flags (u8, 0) || name length n (u8) || name
 *                               || DER leaf; per leaf a name it matches and a
 *                               near miss (IPs as text, and as raw bytes)
 *   CORPUS/pem_bundle/<sha1>    per scenario its anchors and intermediates as
 *                               PEM; one bundle with junk between blocks, one
 *                               with CRLF line endings
 *
 * Every file is named by the SHA-1 of its content and written atomically
 * (temp file in the same directory, fsync, rename). Exit 0 on success, 1 on
 * a generation or write error, 2 on a usage error. */
#define _POSIX_C_SOURCE 200809L /* inet_pton */

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "certgen.h"
#include "chainfuzz/case.h"
#include "chainfuzz/fileio.h"
#include "seeds.h"

static const char kUsage[] =
    "usage: seedgen [--keys DIR] [--prune] --out CORPUS_DIR\n"
    "       seedgen --list\n"
    "       seedgen --help\n"
    "\n"
    "Writes the seed corpora of chain_verify, x509_parse, hostname and\n"
    "pem_bundle under CORPUS_DIR (one directory each), every file named by\n"
    "the SHA-1 of its content.\n"
    "\n"
    "  --keys DIR  key pool to sign with (default " CF_DEFAULT_KEYS_DIR ")\n"
    "  --out DIR   corpus root, e.g. corpus\n"
    "  --prune     then delete files in those four directories that look like\n"
    "              seeds (40 hex digits) but were not written by this run:\n"
    "              use it only while seedgen owns those directories\n"
    "  --list      print every scenario with its expected verdict and reason\n"
    "  --help      print this text\n";

enum target { T_CHAIN, T_X509, T_HOST, T_PEM, T_COUNT };
static const char *const kTargets[T_COUNT] = {"chain_verify", "x509_parse",
                                              "hostname", "pem_bundle"};
/* The bundle that also gets a junk and a CRLF variant. */
static const char kVariantSeed[] = "valid-extra-cert";

/* written holds the names this run wrote per target (for dedup and prune). */
struct written {
  char (*names)[SHA_DIGEST_LENGTH * 2 + 1];
  size_t num, cap;
};

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "seedgen: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(run 'seedgen --help' for usage; e.g. "
                  "'seedgen --out corpus')\n");
  return 2;
}

static int is_seed_name(const char *name) {
  size_t n = strlen(name);
  return n == SHA_DIGEST_LENGTH * 2 &&
         strspn(name, "0123456789abcdef") == n;
}

/* write_atomic writes |len| bytes to DIR/NAME (cf_write_file_atomic). */
static int write_atomic(const char *dir, const char *name, const uint8_t *data,
                        size_t len) {
  char path[4096];
  if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
    fprintf(stderr, "seedgen: path too long: %s/%s\n", dir, name);
    return 0;
  }
  if (!cf_write_file_atomic(path, data, len, 0644)) {
    fprintf(stderr, "seedgen: cannot write %s: %s\n", path, strerror(errno));
    return 0;
  }
  return 1;
}

/* emit writes one input of target |t| named by its SHA-1, once per run. */
static int emit(const char *out_dir, struct written *w, enum target t,
                const uint8_t *data, size_t len) {
  uint8_t digest[SHA_DIGEST_LENGTH];
  char name[SHA_DIGEST_LENGTH * 2 + 1], dir[4096];
  SHA1(data, len, digest);
  for (size_t i = 0; i < SHA_DIGEST_LENGTH; i++) {
    snprintf(name + 2 * i, 3, "%02x", digest[i]);
  }
  for (size_t i = 0; i < w[t].num; i++) {
    if (strcmp(w[t].names[i], name) == 0) {
      return 1;
    }
  }
  if (w[t].num == w[t].cap) {
    size_t cap = w[t].cap ? 2 * w[t].cap : 64;
    void *p = realloc(w[t].names, cap * sizeof(w[t].names[0]));
    if (p == NULL) {
      return 0;
    }
    w[t].names = p;
    w[t].cap = cap;
  }
  memcpy(w[t].names[w[t].num++], name, sizeof(name));
  snprintf(dir, sizeof(dir), "%s/%s", out_dir, kTargets[t]);
  return write_atomic(dir, name, data, len);
}

/* emit_hostname writes flags 0 || n || name (n bytes) || DER leaf. */
static int emit_hostname(const char *out_dir, struct written *w,
                         const void *name, size_t n,
                         const struct cf_blob *leaf) {
  uint8_t *buf = malloc(2 + n + leaf->len);
  if (buf == NULL || n > 255) {
    free(buf);
    return 0;
  }
  buf[0] = 0;
  buf[1] = (uint8_t)n;
  memcpy(buf + 2, name, n);
  memcpy(buf + 2 + n, leaf->data, leaf->len);
  int ok = emit(out_dir, w, T_HOST, buf, 2 + n + leaf->len);
  free(buf);
  return ok;
}

/* emit_bundles writes the PEM bundle of |c|'s anchors and intermediates and,
 * if |variants|, a copy with junk between blocks and a CRLF copy. */
static int emit_bundles(const char *out_dir, struct written *w,
                        const struct cf_case *c, int variants) {
  BIO *plain = BIO_new(BIO_s_mem()), *junk = BIO_new(BIO_s_mem());
  const uint8_t *data;
  size_t len, n = 0;
  int ok = plain != NULL && junk != NULL &&
           BIO_puts(junk, "# device CA bundle, generated by chainfuzz\n") > 0;
  const struct cf_blob *certs[CF_MAX_ANCHORS + CF_MAX_INTERMEDIATES];
  for (size_t i = 0; i < c->num_anchors; i++) {
    certs[n++] = &c->anchors[i];
  }
  for (size_t i = 0; i < c->num_intermediates; i++) {
    certs[n++] = &c->intermediates[i];
  }
  for (size_t i = 0; ok && i < n; i++) {
    ok = PEM_write_bio(plain, "CERTIFICATE", "", certs[i]->data,
                       (long)certs[i]->len) > 0 &&
         BIO_printf(junk, "\nsubject: entry %zu (text outside blocks)\n", i) >
             0 &&
         PEM_write_bio(junk, "CERTIFICATE", "", certs[i]->data,
                       (long)certs[i]->len) > 0 &&
         BIO_puts(junk, "-----END JUNK-----\n\n") > 0;
  }
  if (ok && BIO_mem_contents(plain, &data, &len)) {
    ok = emit(out_dir, w, T_PEM, data, len);
    if (ok && variants) {
      uint8_t *crlf = malloc(2 * len);
      size_t m = 0;
      for (size_t i = 0; crlf != NULL && i < len; i++) {
        if (data[i] == '\n') {
          crlf[m++] = '\r';
        }
        crlf[m++] = data[i];
      }
      ok = crlf != NULL && emit(out_dir, w, T_PEM, crlf, m) &&
           BIO_mem_contents(junk, &data, &len) &&
           emit(out_dir, w, T_PEM, data, len);
      free(crlf);
    }
  }
  BIO_free(plain);
  BIO_free(junk);
  return ok;
}

/* emit_seed writes every input scenario |i| contributes. */
static int emit_seed(const char *out_dir, struct written *w, size_t i,
                     const struct cf_keys *keys) {
  uint8_t *bytes = NULL;
  size_t len;
  struct cf_seed_expect e;
  struct cf_case c;
  int ok = 0;
  if (!cf_seed_build(&bytes, &len, &e, i, keys)) {
    fprintf(stderr, "seedgen: cannot build scenario %s\n", cf_seed_name(i));
    return 0;
  }
  if (cf_case_parse(&c, NULL, bytes, len) != CF_CASE_OK) {
    fprintf(stderr, "seedgen: scenario %s: case does not parse\n",
            cf_seed_name(i));
    goto done;
  }
  if (!emit(out_dir, w, T_CHAIN, bytes, len) ||
      !emit(out_dir, w, T_X509, c.leaf.data, c.leaf.len) ||
      !emit_hostname(out_dir, w, e.leaf_match, strlen(e.leaf_match),
                     &c.leaf) ||
      !emit_hostname(out_dir, w, e.leaf_mismatch, strlen(e.leaf_mismatch),
                     &c.leaf) ||
      !emit_bundles(out_dir, w, &c,
                    strcmp(cf_seed_name(i), kVariantSeed) == 0)) {
    goto done;
  }
  /* An IP leaf also gets its names as raw 4 or 16 bytes (X509_check_ip). */
  uint8_t ip[16];
  int af = strchr(e.leaf_match, ':') != NULL ? AF_INET6 : AF_INET;
  size_t ip_len = af == AF_INET6 ? 16 : 4;
  if (inet_pton(af, e.leaf_match, ip) == 1 &&
      (!emit_hostname(out_dir, w, ip, ip_len, &c.leaf) ||
       inet_pton(af, e.leaf_mismatch, ip) != 1 ||
       !emit_hostname(out_dir, w, ip, ip_len, &c.leaf))) {
    goto done;
  }
  for (size_t j = 0; j < c.num_anchors; j++) {
    if (!emit(out_dir, w, T_X509, c.anchors[j].data, c.anchors[j].len)) {
      goto done;
    }
  }
  for (size_t j = 0; j < c.num_intermediates; j++) {
    if (!emit(out_dir, w, T_X509, c.intermediates[j].data,
              c.intermediates[j].len)) {
      goto done;
    }
  }
  ok = 1;

done:
  free(bytes);
  return ok;
}

/* prune deletes seed-named files (and our stale temp files) in |dir| that
 * this run did not write. */
static int prune(const char *dir, const struct written *w, size_t *removed) {
  DIR *d = opendir(dir);
  struct dirent *ent;
  char path[4096];
  int ok = d != NULL;
  while (ok && (ent = readdir(d)) != NULL) {
    int ours = strncmp(ent->d_name, ".seedgen.", 9) == 0;
    if (!ours && is_seed_name(ent->d_name)) {
      ours = 1;
      for (size_t i = 0; ours && i < w->num; i++) {
        ours = strcmp(w->names[i], ent->d_name) != 0;
      }
    }
    if (ours) {
      snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
      ok = unlink(path) == 0;
      *removed += ok;
    }
  }
  if (d != NULL) {
    closedir(d);
  }
  if (!ok) {
    fprintf(stderr, "seedgen: cannot prune %s: %s\n", dir, strerror(errno));
  }
  return ok;
}

static int make_dir(const char *path) {
  if (mkdir(path, 0755) == 0 || errno == EEXIST) {
    return 1;
  }
  fprintf(stderr, "seedgen: cannot create %s: %s\n", path, strerror(errno));
  return 0;
}

static void list_seeds(void) {
  struct cf_seed_expect e;
  printf("%-26s %-7s %-14s %-4s %s\n", "NAME", "VERDICT", "REASON", "BUG",
         "WHAT");
  for (size_t i = 0; cf_seed_get_expect(&e, i); i++) {
    printf("%-26s %-7s %-14s %-4s %s\n", cf_seed_name(i),
           cf_decision_name(e.decision), cf_reason_name(e.reason),
           e.bug[0] ? e.bug : "-", e.what);
  }
}

int main(int argc, char **argv) {
  const char *keys_dir = CF_DEFAULT_KEYS_DIR, *out_dir = NULL;
  int do_prune = 0, rc = 1;
  struct cf_keys keys;
  struct written w[T_COUNT];
  char err[4200], dir[4096];

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(kUsage, stdout);
      return 0;
    } else if (strcmp(a, "--list") == 0) {
      list_seeds();
      return 0;
    } else if (strcmp(a, "--prune") == 0) {
      do_prune = 1;
    } else if (strcmp(a, "--keys") == 0 || strcmp(a, "--out") == 0) {
      if (i + 1 >= argc || argv[i + 1][0] == '\0') {
        return usage_error("%s needs a directory argument", a);
      }
      *(a[2] == 'k' ? &keys_dir : &out_dir) = argv[++i];
    } else if (strncmp(a, "--keys=", 7) == 0 && a[7] != '\0') {
      keys_dir = a + 7;
    } else if (strncmp(a, "--out=", 6) == 0 && a[6] != '\0') {
      out_dir = a + 6;
    } else {
      return usage_error("unknown argument '%s'", a);
    }
  }
  if (out_dir == NULL) {
    return usage_error("%s", "missing --out CORPUS_DIR (where to write seeds)");
  }
  if (!cf_keys_load(&keys, keys_dir, err, sizeof(err))) {
    fprintf(stderr, "seedgen: %s (pass --keys DIR, default %s)\n", err,
            CF_DEFAULT_KEYS_DIR);
    return 2;
  }
  memset(w, 0, sizeof(w));
  if (!make_dir(out_dir)) {
    goto done;
  }
  for (size_t t = 0; t < T_COUNT; t++) {
    snprintf(dir, sizeof(dir), "%s/%s", out_dir, kTargets[t]);
    if (!make_dir(dir)) {
      goto done;
    }
  }
  for (size_t i = 0; i < cf_seed_count(); i++) {
    if (!emit_seed(out_dir, w, i, &keys)) {
      goto done;
    }
  }
  for (size_t t = 0; t < T_COUNT; t++) {
    size_t removed = 0;
    snprintf(dir, sizeof(dir), "%s/%s", out_dir, kTargets[t]);
    if (do_prune && !prune(dir, &w[t], &removed)) {
      goto done;
    }
    int fd = open(dir, O_RDONLY); /* make the renames durable */
    if (fd >= 0) {
      fsync(fd);
      close(fd);
    }
    printf("%s: %zu files", dir, w[t].num);
    if (do_prune) {
      printf(", %zu stale removed", removed);
    }
    printf("\n");
  }
  rc = 0;

done:
  for (size_t t = 0; t < T_COUNT; t++) {
    free(w[t].names);
  }
  cf_keys_free(&keys);
  return rc;
}
