/* record_cli.c — hsrecord, the seed recorder of the handshake targets.
 *
 *   hsrecord --lib boringssl|mbedtls|wolfssl --out DIR [--cases DIR]
 *            [--client noverify|device|nohost] [--label PREFIX]...
 *            [--verbose]
 *
 * For every chainfuzz case in --cases (default corpus/chain_verify: the
 * scenario catalogue and seedgen's chains, sorted by file name), it runs a
 * real server of the library serving the case's chain against the device
 * client configured by the case (cf_hs_<lib>_record), over memory, and
 * writes the transcript of what the server sent to DIR/<sha1 of it>
 * (atomically; existing files are left alone). Every case is recorded in
 * the library's newest version (TLS 1.3; mbedTLS 2.28: TLS 1.2); the iot::
 * and valid:: ones in TLS 1.2 as well; and a few valid chains through a
 * matrix: HelloRetryRequest to P-256 and P-384, each signature scheme the
 * key allows, resumption in both versions, a client that offers TLS 1.2
 * only. A failing chain gives the server's flight up to the client's alert,
 * which is a seed too. Combinations the server cannot do (an Ed25519 key in
 * mbedTLS, ...) are skipped and counted.
 *
 * The recording client (--client) is by default the device client with
 * verification off: the server plays the attacker, who completes its side
 * of the handshake whatever the client thinks of the chain. In TLS 1.2 the
 * server's ChangeCipherSpec and Finished come only after the client's
 * second flight, so a verifying client that aborts on a bad chain would
 * leave them out, and a misconfigured device (a canary) could not complete
 * the handshake on replay. Turning verification off changes nothing in the
 * client's messages, so the transcript replays against the device client
 * (which must reject it) as well as against a misconfigured one (which
 * completes, and the oracle must catch). mbedTLS 2.28 sends no SNI when no
 * host name is set, so its no-host-name canary gets its own seeds
 * (--client nohost). --client device records what a verifying client sees.
 *
 * --label PREFIX (repeatable) records only the cases whose label starts
 * with one of the prefixes (the no-host-name seeds need only the name
 * scenarios).
 *
 * Deterministic: the same cases give byte-identical transcripts on every
 * machine (tests/seeds_committed_test.sh checks the committed ones).
 * hsrecord-fuzzer-mode is the same program linked with BoringSSL's
 * fuzzer-mode libssl: its BoringSSL transcripts seed
 * handshake_client_boringssl_fuzzer. harness/record-seeds.sh regenerates
 * every handshake corpus with one command.
 *
 * Exit: 0 when at least one transcript was recorded and all were written;
 * 1 on a write or setup failure; 2 on a usage error. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/sha.h>

#include "chainfuzz/case.h"
#include "chainfuzz/fileio.h"
#include "chainfuzz/handshake.h"

typedef int (*record_fn)(uint8_t **out, size_t *out_len,
                         const struct cf_case *device, uint32_t options,
                         const struct cf_hs_server_config *srv, char *err,
                         size_t err_len);

struct lib {
  const char *name;
  record_fn record;
  uint16_t newest; /* the version every case is recorded in */
};

static const struct lib kLibs[] = {
    {"boringssl", cf_hs_boringssl_record, 0x0304},
    {"mbedtls", cf_hs_mbedtls_record, 0x0303},
    {"wolfssl", cf_hs_wolfssl_record, 0x0304},
};

/* kMatrixLabels: the valid chains recorded through the whole matrix. */
static const char *const kMatrixLabels[] = {
    "valid::p256::ica1",   "valid::p384::ica1",
    "valid::rsa2048::ica1", "valid::ed25519::ica1",
    "valid::long::eight-icas-at-limit", "valid::misc::chain-20k-no-limit",
};

/* kMatrix: the extra runs of a matrix chain. */
static const struct {
  struct cf_hs_server_config srv;
  uint32_t options;
} kMatrix[] = {
    {{.version = 0x0304, .group = 0x0017, .sigalg = 0, .resume = 0}, 0},      /* HRR to P-256 */
    {{.version = 0x0304, .group = 0x0018, .sigalg = 0, .resume = 0}, 0},      /* HRR to P-384 */
    {{.version = 0x0304, .group = 0, .sigalg = 0, .resume = 1}, 0},           /* TLS 1.3 resumption */
    {{.version = 0x0303, .group = 0, .sigalg = 0, .resume = 1}, 0},           /* TLS 1.2 resumption */
    {{.version = 0x0303, .group = 0, .sigalg = 0, .resume = 0}, CF_HS_OPT_MAX_TLS12},
    {{.version = 0x0304, .group = 0, .sigalg = 0, .resume = 0}, CF_HS_OPT_MIN_TLS13},
    {{.version = 0x0304, .group = 0, .sigalg = 0x0804, .resume = 0}, 0},      /* rsa_pss_rsae_sha256 */
    {{.version = 0x0304, .group = 0, .sigalg = 0x0805, .resume = 0}, 0},      /* rsa_pss_rsae_sha384 */
    {{.version = 0x0304, .group = 0, .sigalg = 0x0806, .resume = 0}, 0},      /* rsa_pss_rsae_sha512 */
    {{.version = 0x0303, .group = 0, .sigalg = 0x0401, .resume = 0}, 0},      /* rsa_pkcs1_sha256 */
    {{.version = 0x0303, .group = 0, .sigalg = 0x0501, .resume = 0}, 0},      /* rsa_pkcs1_sha384 */
    {{.version = 0x0303, .group = 0, .sigalg = 0x0804, .resume = 0}, 0},      /* rsa_pss_rsae_sha256 in TLS 1.2 */
    {{.version = 0x0304, .group = 0, .sigalg = 0x0403, .resume = 0}, 0},      /* ecdsa_secp256r1_sha256 */
    {{.version = 0x0303, .group = 0, .sigalg = 0x0403, .resume = 0}, 0},
    {{.version = 0x0304, .group = 0, .sigalg = 0x0503, .resume = 0}, 0},      /* ecdsa_secp384r1_sha384 */
    {{.version = 0x0303, .group = 0, .sigalg = 0x0503, .resume = 0}, 0},
    {{.version = 0x0304, .group = 0, .sigalg = 0x0807, .resume = 0}, 0},      /* ed25519 */
    {{.version = 0x0303, .group = 0, .sigalg = 0x0807, .resume = 0}, 0},
};

struct stats {
  size_t recorded, written, skipped, unreadable;
};

static void usage(const char *msg) {
  fprintf(stderr,
          "hsrecord: %s\n"
          "usage: hsrecord --lib boringssl|mbedtls|wolfssl --out DIR "
          "[--cases DIR] [--client noverify|device|nohost] [--label PREFIX]... [--verbose]\n"
          "Records the server's side of a handshake for every case in "
          "--cases (default corpus/chain_verify). Run from the repository "
          "root; see README.md (\"Handshake targets\").\n",
          msg);
  exit(2);
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint8_t *read_file(const char *path, size_t *out_len) {
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  size_t cap = 0, len = 0;
  if (f == NULL) {
    return NULL;
  }
  for (;;) {
    if (len == cap) {
      cap = cap == 0 ? 65536 : cap * 2;
      uint8_t *nb = realloc(buf, cap);
      if (nb == NULL) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = nb;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0) {
      break;
    }
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    return NULL;
  }
  *out_len = len;
  return buf;
}

static int is_matrix(const struct cf_case *c) {
  for (size_t i = 0; i < sizeof(kMatrixLabels) / sizeof(kMatrixLabels[0]);
       i++) {
    if (c->label.len == strlen(kMatrixLabels[i]) &&
        memcmp(c->label.data, kMatrixLabels[i], c->label.len) == 0) {
      return 1;
    }
  }
  return 0;
}

static int label_has_prefix(const struct cf_case *c, const char *prefix) {
  size_t n = strlen(prefix);
  return c->label.len >= n && memcmp(c->label.data, prefix, n) == 0;
}

/* record_one records one run and writes it; returns 0 only on a write
 * failure. */
static int record_one(struct stats *st, const struct lib *lib,
                      const char *out_dir, const char *case_name,
                      const struct cf_case *c, uint32_t options,
                      const struct cf_hs_server_config *srv_in,
                      enum cf_hs_config client, int verbose) {
  struct cf_hs_server_config srv_copy = *srv_in;
  const struct cf_hs_server_config *srv = &srv_copy;
  srv_copy.client = client;
  uint8_t *t = NULL, digest[SHA_DIGEST_LENGTH];
  size_t t_len = 0;
  char err[256] = "", path[4096], hex[2 * SHA_DIGEST_LENGTH + 1];

  if (!lib->record(&t, &t_len, c, options, srv, err, sizeof(err))) {
    st->skipped++;
    if (verbose) {
      fprintf(stderr, "hsrecord: skipped %s (%.*s) v%04x group %04x sigalg "
                      "%04x resume %d: %s\n",
              case_name, (int)c->label.len, (const char *)c->label.data,
              srv->version, srv->group, srv->sigalg, srv->resume, err);
    }
    return 1;
  }
  st->recorded++;
  SHA1(t, t_len, digest);
  for (size_t i = 0; i < SHA_DIGEST_LENGTH; i++) {
    snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  }
  snprintf(path, sizeof(path), "%s/%s", out_dir, hex);
  if (!cf_write_file_atomic(path, t, t_len, 0644)) {
    fprintf(stderr, "hsrecord: cannot write %s: %s\n", path, strerror(errno));
    free(t);
    return 0;
  }
  st->written++;
  free(t);
  return 1;
}

int main(int argc, char **argv) {
  const char *lib_name = NULL, *out_dir = NULL, *cases_dir = "corpus/chain_verify";
  const struct lib *lib = NULL;
  int verbose = 0;
  enum cf_hs_config client = CF_HS_MISCONF_VERIFY_NONE;
  const char *labels[8];
  size_t num_labels = 0;
  struct stats st = {0, 0, 0, 0};

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--lib") == 0 && i + 1 < argc) {
      lib_name = argv[++i];
    } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc) {
      cases_dir = argv[++i];
    } else if (strcmp(argv[i], "--client") == 0 && i + 1 < argc) {
      const char *v = argv[++i];
      if (strcmp(v, "noverify") == 0) {
        client = CF_HS_MISCONF_VERIFY_NONE;
      } else if (strcmp(v, "device") == 0) {
        client = CF_HS_DEVICE;
      } else if (strcmp(v, "nohost") == 0) {
        client = CF_HS_MISCONF_NO_HOSTNAME;
      } else {
        usage("--client must be noverify, device or nohost");
      }
    } else if (strcmp(argv[i], "--label") == 0 && i + 1 < argc) {
      if (num_labels == sizeof(labels) / sizeof(labels[0])) {
        usage("at most 8 --label prefixes");
      }
      labels[num_labels++] = argv[++i];
    } else if (strcmp(argv[i], "--verbose") == 0) {
      verbose = 1;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      printf("usage: hsrecord --lib boringssl|mbedtls|wolfssl --out DIR "
             "[--cases DIR] [--client noverify|device|nohost] [--label PREFIX]... [--verbose]\n");
      return 0;
    } else {
      char msg[256];
      snprintf(msg, sizeof(msg), "unknown or incomplete argument '%s'",
               argv[i]);
      usage(msg);
    }
  }
  if (lib_name == NULL || out_dir == NULL) {
    usage("--lib and --out are required");
  }
  for (size_t i = 0; i < sizeof(kLibs) / sizeof(kLibs[0]); i++) {
    if (strcmp(kLibs[i].name, lib_name) == 0) {
      lib = &kLibs[i];
    }
  }
  if (lib == NULL) {
    usage("--lib must be boringssl, mbedtls or wolfssl");
  }
  DIR *d = opendir(cases_dir);
  if (d == NULL) {
    fprintf(stderr, "hsrecord: cannot open --cases %s: %s\n", cases_dir,
            strerror(errno));
    return 2;
  }
  if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "hsrecord: cannot create --out %s: %s\n", out_dir,
            strerror(errno));
    closedir(d);
    return 1;
  }
  char **names = NULL;
  size_t num = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') {
      continue;
    }
    if (num == cap) {
      cap = cap == 0 ? 512 : cap * 2;
      char **nn = realloc(names, cap * sizeof(*names));
      if (nn == NULL) {
        fprintf(stderr, "hsrecord: out of memory\n");
        return 1;
      }
      names = nn;
    }
    names[num] = strdup(e->d_name);
    if (names[num] == NULL) {
      fprintf(stderr, "hsrecord: out of memory\n");
      return 1;
    }
    num++;
  }
  closedir(d);
  if (num > 0) {
    qsort(names, num, sizeof(*names), cmp_names);
  }

  int ok = 1;
  for (size_t i = 0; i < num && ok; i++) {
    char path[4096];
    size_t len = 0;
    struct cf_case c;
    snprintf(path, sizeof(path), "%s/%s", cases_dir, names[i]);
    uint8_t *buf = read_file(path, &len);
    if (buf == NULL || cf_case_parse(&c, NULL, buf, len) != CF_CASE_OK) {
      st.unreadable++;
      free(buf);
      continue;
    }
    int wanted = num_labels == 0;
    for (size_t l = 0; l < num_labels; l++) {
      wanted |= label_has_prefix(&c, labels[l]);
    }
    if (!wanted) {
      free(buf);
      continue;
    }
    struct cf_hs_server_config srv = {.version = lib->newest};
    ok = record_one(&st, lib, out_dir, names[i], &c, 0, &srv, client,
                    verbose);
    if (ok && lib->newest == 0x0304 &&
        (label_has_prefix(&c, "iot::") || label_has_prefix(&c, "valid::"))) {
      srv.version = 0x0303;
      ok = record_one(&st, lib, out_dir, names[i], &c, 0, &srv, client,
                    verbose);
    }
    if (ok && is_matrix(&c)) {
      for (size_t m = 0; m < sizeof(kMatrix) / sizeof(kMatrix[0]) && ok; m++) {
        ok = record_one(&st, lib, out_dir, names[i], &c, kMatrix[m].options,
                        &kMatrix[m].srv, client, verbose);
      }
    }
    free(buf);
  }
  for (size_t i = 0; i < num; i++) {
    free(names[i]);
  }
  free(names);
  fprintf(stderr,
          "hsrecord: %s: %zu case(s), %zu transcript(s) recorded and written "
          "to %s, %zu combination(s) the server could not do%s, %zu "
          "unreadable case(s)\n",
          lib->name, num, st.written, out_dir, st.skipped,
          verbose ? "" : " (--verbose lists them)", st.unreadable);
  if (!ok) {
    return 1;
  }
  return st.written > 0 ? 0 : 1;
}
