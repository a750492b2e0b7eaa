/* case_mutator_test — the structure-aware case mutator (case_mutator.h) over
 * the seeds of corpus/chain_verify (or the directory in argv[1]; tests run
 * from the repository root): outputs parse, every kind happens, re-signed
 * certificates are honest (cf_sign_tbs with the issuer's pool key gives
 * their signature) and parse with BoringSSL, same input and seed give the
 * same output, outputs fit max_size, and garbage does not crash it; and
 * the nameConstraints edit on values without permittedSubtrees, without
 * excludedSubtrees or with both (issue 18). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bytestring.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "../tests/tap.h"
#include "build.h"
#include "case_mutator.h"
#include "chainfuzz/case.h"
#include "keypool.h"
#include "recipe.h"

#define MAX_SEEDS 120     /* seed files used (sorted by name) */
#define SEEDS_PER_FILE 16 /* mutation seeds per file */

struct input {
  uint8_t *data;
  size_t len;
};

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* load_seeds reads up to MAX_SEEDS files of |dir|, in name order. */
static size_t load_seeds(struct input *out, const char *dir) {
  DIR *d = opendir(dir);
  char *names[4096];
  size_t n = 0, got = 0;
  struct dirent *e;
  if (d == NULL) {
    return 0;
  }
  while ((e = readdir(d)) != NULL && n < 4096) {
    if (e->d_name[0] != '.') {
      names[n++] = strdup(e->d_name);
    }
  }
  closedir(d);
  qsort(names, n, sizeof(names[0]), cmp_str);
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    if (got < MAX_SEEDS && (f = fopen(path, "rb")) != NULL) {
      uint8_t buf[1 << 16];
      size_t len = fread(buf, 1, sizeof(buf), f);
      fclose(f);
      out[got].data = malloc(len);
      memcpy(out[got].data, buf, len);
      out[got].len = len;
      got++;
    }
    free(names[i]);
  }
  return got;
}

/* byte_mutate is a deterministic stand-in for LLVMFuzzerMutate: it flips
 * one byte and sometimes drops the last one. */
static size_t byte_mutate(uint8_t *data, size_t size, size_t max_size) {
  uint32_t h = 2166136261u;
  if (size == 0) {
    return 0;
  }
  for (size_t i = 0; i < size; i++) {
    h = (h ^ data[i]) * 16777619u;
  }
  data[h % size] ^= (uint8_t)(1u << (h >> 29));
  return (h & 0x100) && size > 1 ? size - 1 : size;
}

/* split_cert gives the TBS element, the outer algorithm and the signature
 * bits of a DER certificate, and the issuer and SPKI inside the TBS. */
static int split_cert(CBS *tbs, CBS *alg, CBS *sig, CBS *issuer, CBS *subject,
                      CBS *spki, const uint8_t *der, size_t len) {
  CBS in, cert, t, skip;
  uint8_t unused;
  CBS_init(&in, der, len);
  if (!CBS_get_asn1(&in, &cert, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1_element(&cert, tbs, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1_element(&cert, alg, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&cert, sig, CBS_ASN1_BITSTRING) ||
      !CBS_get_u8(sig, &unused)) {
    return 0;
  }
  t = *tbs;
  if (!CBS_get_asn1(&t, &t, CBS_ASN1_SEQUENCE) ||
      !CBS_get_optional_asn1(
          &t, NULL, NULL,
          CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
      !CBS_get_any_asn1_element(&t, &skip, NULL, NULL) || /* serial */
      !CBS_get_any_asn1_element(&t, &skip, NULL, NULL) || /* signature */
      !CBS_get_any_asn1_element(&t, issuer, NULL, NULL) ||
      !CBS_get_any_asn1_element(&t, &skip, NULL, NULL) || /* validity */
      !CBS_get_any_asn1_element(&t, subject, NULL, NULL) ||
      !CBS_get_any_asn1_element(&t, spki, NULL, NULL)) {
    return 0;
  }
  return 1;
}

static int cbs_eq(const CBS *a, const CBS *b) {
  return CBS_len(a) == CBS_len(b) &&
         memcmp(CBS_data(a), CBS_data(b), CBS_len(a)) == 0;
}

/* resigned_cert returns the certificate |m| names in case |c|. */
static const struct cf_blob *resigned_cert(const struct cf_case *c,
                                           const struct cf_mutation *m) {
  if (m->role == CF_MUT_ROLE_LEAF) {
    return &c->leaf;
  }
  if (m->role == CF_MUT_ROLE_ANCHOR) {
    return m->index < c->num_anchors ? &c->anchors[m->index] : NULL;
  }
  return m->index < c->num_intermediates ? &c->intermediates[m->index] : NULL;
}

/* issuer_key finds, independently of the mutator, the pool key of the first
 * certificate of |c| whose subject is |issuer|; -1 if none is in the pool,
 * -2 if no certificate of the case has that subject. */
static int issuer_key(const struct cf_pool *pool, const struct cf_case *c,
                      const CBS *issuer) {
  const struct cf_blob *all[CF_MAX_ANCHORS + 1 + CF_MAX_INTERMEDIATES];
  size_t n = 0;
  int seen = 0;
  for (size_t i = 0; i < c->num_anchors; i++) {
    all[n++] = &c->anchors[i];
  }
  all[n++] = &c->leaf;
  for (size_t i = 0; i < c->num_intermediates; i++) {
    all[n++] = &c->intermediates[i];
  }
  for (size_t i = 0; i < n; i++) {
    CBS tbs, alg, sig, iss, subj, spki;
    if (!split_cert(&tbs, &alg, &sig, &iss, &subj, &spki, all[i]->data,
                    all[i]->len) ||
        !cbs_eq(&subj, issuer)) {
      continue;
    }
    seen = 1;
    int k = cf_pool_find_spki(pool, CBS_data(&spki), CBS_len(&spki));
    if (k >= 0) {
      return k;
    }
  }
  return seen ? -1 : -2;
}

/* --- nameConstraints without permittedSubtrees (issue 18) -----------------
 *
 * Through the public API: the recipes below give the anchor nameConstraints
 * values without permittedSubtrees, without excludedSubtrees, or both; every
 * NAME_CONSTRAINTS mutation of the anchor must keep the subtrees it had (one
 * dropped at most) and add one at most. The bug itself (an absent [0]
 * walked as an uninitialised CBS) shows here only by chance, through what
 * earlier frames left on the stack; case_mutator_internal_test calls
 * nc_value on a painted stack, where it shows every time. */

/* nc_subtrees finds the nameConstraints of DER certificate |der| and lists
 * its GeneralSubtrees (whole elements) in |trees[which]|; 1 if the value is
 * a well-formed NameConstraints, 0 if not or if it has none. */
static int nc_subtrees(CBS trees[2][16], size_t n[2], const uint8_t *der,
                       size_t len) {
  static const uint8_t kNcOid[] = {0x55, 0x1d, 0x1e};
  CBS in, cert, tbs, exts, seq;
  n[0] = n[1] = 0;
  CBS_init(&in, der, len);
  if (!CBS_get_asn1(&in, &cert, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&cert, &tbs, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  while (CBS_len(&tbs) > 0) {
    CBS elem;
    unsigned tag;
    if (!CBS_get_any_asn1(&tbs, &elem, &tag)) {
      return 0;
    }
    if (tag != (CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 3) ||
        !CBS_get_asn1(&elem, &exts, CBS_ASN1_SEQUENCE)) {
      continue;
    }
    while (CBS_len(&exts) > 0) {
      CBS ext, oid, value;
      int critical;
      if (!CBS_get_asn1(&exts, &ext, CBS_ASN1_SEQUENCE) ||
          !CBS_get_asn1(&ext, &oid, CBS_ASN1_OBJECT)) {
        return 0;
      }
      if (!CBS_mem_equal(&oid, kNcOid, sizeof(kNcOid))) {
        continue;
      }
      if ((CBS_peek_asn1_tag(&ext, CBS_ASN1_BOOLEAN) &&
           !CBS_get_asn1_bool(&ext, &critical)) ||
          !CBS_get_asn1(&ext, &value, CBS_ASN1_OCTETSTRING) ||
          !CBS_get_asn1(&value, &seq, CBS_ASN1_SEQUENCE) ||
          CBS_len(&value) != 0) {
        return 0;
      }
      for (unsigned which = 0; which < 2; which++) {
        CBS sub;
        int present = 0;
        if (!CBS_get_optional_asn1(
                &seq, &sub, &present,
                CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | which)) {
          return 0;
        }
        while (present && CBS_len(&sub) > 0) {
          if (n[which] == 16 ||
              !CBS_get_asn1_element(&sub, &trees[which][n[which]++],
                                    CBS_ASN1_SEQUENCE)) {
            return 0;
          }
        }
      }
      return CBS_len(&seq) == 0;
    }
  }
  return 0;
}

static void test_nc_absent_subtrees(const struct cf_pool *pool) {
  static const struct {
    const char *name, *nc_lines;
  } kCases[] = {
      {"excluded only", "  exclude dns:bar.example.com ip:192.0.2.0/24\n"},
      {"permitted only", "  permit dns:example.com\n"},
      {"both", "  permit dns:example.com\n  exclude dns:bar.example.com\n"},
  };
  uint8_t *buf = malloc(1 << 16);
  for (size_t k = 0; k < sizeof(kCases) / sizeof(kCases[0]); k++) {
    char text[1024];
    struct cf_recipe *r = malloc(sizeof(*r));
    struct cf_recipe_error rerr;
    struct cf_built built;
    char err[256];
    uint8_t *der = NULL;
    size_t der_len = 0;
    struct cf_case in;
    memset(&built, 0, sizeof(built));
    snprintf(text, sizeof(text),
             "recipe 1\nid test::nc\nexpect either\n"
             "cert root root\n  key root-p256\n%s"
             "cert leaf leaf\n  key leaf-p256\n  issuer root\n"
             "  san dns:foo.example.com\n"
             "device\n  anchors root\n  chain leaf\n"
             "  dns foo.example.com\n",
             kCases[k].nc_lines);
    int built_ok = r != NULL &&
                   cf_recipe_parse(r, &rerr, text, strlen(text), "nc") &&
                   cf_build_certs(&built, r, pool, err, sizeof(err)) &&
                   cf_build_case(&der, &der_len, r, &built) &&
                   cf_case_parse(&in, NULL, der, der_len) == CF_CASE_OK;
    CBS in_trees[2][16];
    size_t in_n[2];
    built_ok = built_ok && in.num_anchors == 1 &&
               nc_subtrees(in_trees, in_n, in.anchors[0].data,
                           in.anchors[0].len);
    tap_ok(built_ok && (in_n[0] > 0) == (k != 0) &&
               (in_n[1] > 0) == (k != 1),
           "nameConstraints %s: the anchor has %zu permitted and %zu "
           "excluded subtrees",
           kCases[k].name, built_ok ? in_n[0] : 0, built_ok ? in_n[1] : 0);
    size_t hits = 0, good = 0;
    for (unsigned seed = 0; built_ok && seed < 3000 && hits < 40; seed++) {
      struct cf_mutation m;
      struct cf_case out;
      memcpy(buf, der, der_len);
      size_t len = cf_case_mutate_ex(&m, buf, der_len, 1 << 16, seed, pool,
                                     NULL);
      if (m.kind != CF_MUT_NAME_CONSTRAINTS || !m.resigned ||
          m.role != CF_MUT_ROLE_ANCHOR) {
        continue;
      }
      hits++;
      CBS out_trees[2][16];
      size_t out_n[2], added = 0, dropped = 0;
      if (cf_case_parse(&out, NULL, buf, len) != CF_CASE_OK ||
          out.num_anchors != 1 ||
          !nc_subtrees(out_trees, out_n, out.anchors[0].data,
                       out.anchors[0].len)) {
        printf("# seed %u: no well-formed nameConstraints in the output\n",
               seed);
        continue;
      }
      /* Each list: the input's, in order, one dropped at most, then one
       * new subtree at most. */
      for (unsigned w = 0; w < 2; w++) {
        size_t i = 0, j = 0;
        while (i < in_n[w] && j < out_n[w]) {
          if (cbs_eq(&in_trees[w][i], &out_trees[w][j])) {
            i++, j++;
          } else {
            i++, dropped++;
          }
        }
        dropped += in_n[w] - i;
        added += out_n[w] - j;
      }
      if (added <= 1 && dropped <= 1) {
        good++;
      } else {
        printf("# seed %u: %zu subtrees added, %zu dropped\n", seed, added,
               dropped);
      }
    }
    tap_ok(hits >= 10 && good == hits,
           "nameConstraints %s: %zu of %zu edits of the anchor's keep its "
           "subtrees and add or drop one at most",
           kCases[k].name, good, hits);
    free(der);
    cf_built_free(&built);
    free(r);
  }
  free(buf);
}

int main(int argc, char **argv) {
  static struct input seeds[MAX_SEEDS];
  const char *dir = argc > 1 ? argv[1] : "corpus/chain_verify";
  const struct cf_pool *pool = cf_case_mutator_pool();
  size_t nseeds = load_seeds(seeds, dir);
  size_t total = 0, parsed = 0, by_kind[CF_MUT_KIND_COUNT] = {0};
  size_t resigned = 0, honest_ok = 0, honest_total = 0, kept_sig = 0;
  size_t wrong_total = 0, wrong_ok = 0, x509_ok = 0, x509_total = 0;
  size_t x509_bad_by_kind[CF_MUT_KIND_COUNT] = {0};
  size_t fallback = 0, deterministic = 1, fits = 1;
  size_t max_size = 1 << 16;
  uint8_t *buf = malloc(max_size), *buf2 = malloc(max_size);
  clock_t t0;

  tap_ok(nseeds >= 20, "loaded %zu seed cases from %s", nseeds, dir);
  test_nc_absent_subtrees(pool);

  t0 = clock();
  for (size_t s = 0; s < nseeds; s++) {
    for (unsigned seed = 0; seed < SEEDS_PER_FILE; seed++) {
      struct cf_mutation m;
      struct cf_case c;
      unsigned sd = seed * 7919u + (unsigned)s;
      memcpy(buf, seeds[s].data, seeds[s].len);
      size_t n = cf_case_mutate_ex(&m, buf, seeds[s].len, max_size, sd, pool,
                                   byte_mutate);
      total++;
      by_kind[m.kind]++;
      if (n > max_size) {
        fits = 0;
      }
      if (cf_case_parse(&c, NULL, buf, n) != CF_CASE_OK) {
        continue;
      }
      parsed++;
      /* Determinism, on one mutation in four (the signatures dominate). */
      if (seed % 4 == 0) {
        memcpy(buf2, seeds[s].data, seeds[s].len);
        size_t n2 = cf_case_mutate(buf2, seeds[s].len, max_size, sd, pool,
                                   byte_mutate);
        if (n2 != n || memcmp(buf, buf2, n) != 0) {
          deterministic = 0;
        }
      }
      if (!m.resigned) {
        continue;
      }
      resigned++;
      const struct cf_blob *cert = resigned_cert(&c, &m);
      CBS tbs, alg, sig, iss, subj, spki;
      if (cert == NULL || !split_cert(&tbs, &alg, &sig, &iss, &subj, &spki,
                                      cert->data, cert->len)) {
        /* A byte-level TBS edit may leave a TBS without an issuer. */
        if (m.kind != CF_MUT_TBS_BYTES) {
          honest_total++;
        }
        continue;
      }
      if (m.key_idx < 0) {
        kept_sig++;
        continue;
      }
      uint8_t want[1024];
      size_t want_len = 0;
      int signed_by_k =
          cf_sign_tbs(want, &want_len, sizeof(want), pool, m.key_idx,
                      CBS_data(&alg), CBS_len(&alg), CBS_data(&tbs),
                      CBS_len(&tbs)) &&
          want_len == CBS_len(&sig) &&
          memcmp(want, CBS_data(&sig), want_len) == 0;
      int ik = issuer_key(pool, &c, &iss);
      if (m.kind == CF_MUT_WRONG_KEY) {
        wrong_total++;
        wrong_ok += signed_by_k && ik != m.key_idx &&
                    strncmp(cf_pool_get(m.key_idx)->name, "attacker-", 9) == 0;
      } else {
        honest_total++;
        /* Honest: our signer's bytes with the issuer's pool key, or (no
         * issuer of the case is a pool key: a partial chain) with the key
         * that signed the original. */
        if (ik < 0) {
          fallback++;
        }
        honest_ok += signed_by_k && (ik == m.key_idx || ik < 0);
      }
      if (m.kind != CF_MUT_TBS_BYTES) {
        const uint8_t *p = cert->data;
        X509 *x = d2i_X509(NULL, &p, (long)cert->len);
        x509_total++;
        if (x != NULL && p == cert->data + cert->len) {
          x509_ok++;
        } else {
          x509_bad_by_kind[m.kind]++;
        }
        X509_free(x);
        ERR_clear_error();
      }
    }
  }
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;

  tap_ok(total > 0 && parsed * 100 >= total * 99,
         "%zu of %zu mutated cases parse (>= 99%%)", parsed, total);
  for (int k = 0; k < CF_MUT_NONE; k++) {
    tap_ok(by_kind[k] > 0, "mutation kind %s happened (%zu times)",
           cf_mut_kind_name((enum cf_mut_kind)k), by_kind[k]);
  }
  tap_ok(by_kind[CF_MUT_NONE] * 100 <= total,
         "the input came back unchanged %zu times (<= 1%%)",
         by_kind[CF_MUT_NONE]);
  tap_ok(honest_total > 100 && honest_ok == honest_total,
         "%zu of %zu re-signed certificates are honest: cf_sign_tbs with "
         "the issuer's pool key gives their signature (%zu by the original "
         "signer: issuer not in the case; %zu kept their signature: no pool "
         "key signed them)",
         honest_ok, honest_total, fallback, kept_sig);
  tap_ok(wrong_total > 0 && wrong_ok == wrong_total,
         "%zu of %zu wrong-key certificates are signed by an attacker-* key "
         "that is not the issuer's",
         wrong_ok, wrong_total);
  tap_ok(x509_total > 0 && x509_ok * 100 >= x509_total * 90,
         "%zu of %zu re-signed certificates parse with d2i_X509 (>= 90%%)",
         x509_ok, x509_total);
  for (int k = 0; k < CF_MUT_NONE; k++) {
    if (x509_bad_by_kind[k] > 0) {
      printf("# d2i_X509 refused %zu after %s\n", x509_bad_by_kind[k],
             cf_mut_kind_name((enum cf_mut_kind)k));
    }
  }
  tap_ok(deterministic, "same input and seed give the same output");
  tap_ok(fits, "no output exceeds max_size");
  printf("# %zu mutations in %.2f s CPU: %.0f mutations/s (%zu re-signed)\n",
         total, secs, total / secs, resigned);

  /* Tight max_size: the output fits or the input comes back. */
  int tight_ok = 1;
  for (size_t s = 0; s < nseeds && s < 40; s++) {
    for (unsigned seed = 0; seed < 8; seed++) {
      size_t limit = seeds[s].len + (seed % 3) * 8;
      memcpy(buf, seeds[s].data, seeds[s].len);
      size_t n = cf_case_mutate(buf, seeds[s].len, limit, seed, pool, NULL);
      struct cf_case c;
      if (n > limit || cf_case_parse(&c, NULL, buf, n) != CF_CASE_OK) {
        tight_ok = 0;
      }
    }
  }
  tap_ok(tight_ok, "with max_size at the input's size (+0/8/16), outputs "
                   "fit and parse");

  /* Garbage in: no crash; unchanged without byte_mutate. */
  static const uint8_t kGarbage[][12] = {
      {0}, {'C', 'F', 'Z', 'C'}, {'C', 'F', 'Z', 'C', 1, 2, 0, 0, 9},
      {0xff, 0xfe, 0x30, 0x82, 0x01}};
  static const size_t kGarbageLen[] = {0, 4, 9, 5};
  int garbage_ok = 1;
  for (size_t g = 0; g < 4; g++) {
    for (unsigned seed = 0; seed < 32; seed++) {
      memcpy(buf, kGarbage[g], kGarbageLen[g]);
      size_t n = cf_case_mutate(buf, kGarbageLen[g], 64, seed, pool, NULL);
      garbage_ok &= n == kGarbageLen[g] &&
                    memcmp(buf, kGarbage[g], kGarbageLen[g]) == 0;
      n = cf_case_mutate(buf, kGarbageLen[g], 64, seed, pool, byte_mutate);
      garbage_ok &= n <= 64;
    }
  }
  tap_ok(garbage_ok, "empty and garbage inputs come back unchanged (or "
                     "byte-mutated) when a built case does not fit, without "
                     "a crash");

  /* Bootstrap: with room, an even seed turns a non-case into the case
   * certgen builds from it as recipe bytes (an empty corpus's first
   * input); an odd seed does not. */
  {
    static uint8_t big[1 << 16];
    struct cf_mutation info;
    struct cf_case c;
    int boot_ok = 1, odd_ok = 1;
    for (size_t g = 0; g < 4; g++) {
      memcpy(big, kGarbage[g], kGarbageLen[g]);
      size_t n = cf_case_mutate_ex(&info, big, kGarbageLen[g], sizeof(big), 2,
                                   pool, NULL);
      boot_ok &= info.kind == CF_MUT_BOOTSTRAP && n > 0 &&
                 cf_case_parse(&c, NULL, big, n) == CF_CASE_OK &&
                 c.num_anchors > 0;
      memcpy(big, kGarbage[g], kGarbageLen[g]);
      n = cf_case_mutate_ex(&info, big, kGarbageLen[g], sizeof(big), 3, pool,
                            NULL);
      odd_ok &= info.kind == CF_MUT_NONE && n == kGarbageLen[g];
    }
    tap_ok(boot_ok, "an empty or garbage input with room becomes a built "
                    "case for an even seed (bootstrap)");
    tap_ok(odd_ok, "and stays as it is for an odd seed without byte_mutate");
  }

  /* Crossover: outputs parse. */
  size_t cross_total = 0, cross_ok = 0;
  for (size_t s = 0; s + 1 < nseeds && s < 60; s++) {
    for (unsigned seed = 0; seed < 4; seed++) {
      size_t n = cf_case_crossover(seeds[s].data, seeds[s].len,
                                   seeds[s + 1].data, seeds[s + 1].len, buf,
                                   max_size, seed, pool);
      struct cf_case c;
      cross_total++;
      cross_ok += n > 0 && cf_case_parse(&c, NULL, buf, n) == CF_CASE_OK;
    }
  }
  tap_ok(cross_total > 0 && cross_ok == cross_total,
         "%zu of %zu crossovers parse", cross_ok, cross_total);

  for (size_t s = 0; s < nseeds; s++) {
    free(seeds[s].data);
  }
  free(buf);
  free(buf2);
  return tap_done();
}
