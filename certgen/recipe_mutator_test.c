/* recipe_mutator_test — the recipe mutator (recipe_mutator.h): from the
 * empty input (a root and a leaf) it reaches, in two or three mutations,
 * the chain shapes the CA-flag and path-length checks are about, as the
 * oracle judges them (a non-CA intermediate: REJECT NOT_CA; a pathLen-0
 * intermediate above another: REJECT PATH_LENGTH), names at the length
 * limits, a full SAN and self-issued intermediates; on walks from the seeds
 * of corpus/chain_oracle (or argv[1]; tests run from the repository root)
 * every output fits max_size, builds and is judged, every kind happens and
 * says which certificate it changed; same input and seed give the same
 * output; the crossover cuts at record boundaries. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/tap.h"
#include "build.h"
#include "keypool.h"
#include "oracle.h"
#include "recipe.h"
#include "recipe_bytes.h"
#include "recipe_mutator.h"

#define MAX_SIZE 4096
#define SEED_FILES 12 /* walks from this many seed files (name order) */
#define WALK 40       /* mutations per walk */

static struct cf_pool g_pool;
static struct cf_recipe g_r;

/* judge decodes, builds and judges |data| as chain_oracle does; 1 if it
 * builds and the oracle judges it. */
static int judge(struct cf_oracle_result *o, const uint8_t *data, size_t len) {
  struct cf_built b;
  char err[256];
  cf_recipe_from_bytes(&g_r, data, len);
  g_r.device.min_rsa_bits = 2048;
  g_r.device.algorithms = cf_default_algorithms();
  g_r.device.max_chain_bytes = 0;
  if (!cf_build_certs(&b, &g_r, &g_pool, err, sizeof(err))) {
    printf("# build: %s\n", err);
    return 0;
  }
  int ok = cf_oracle_judge(o, &g_r, &b);
  cf_built_free(&b);
  return ok;
}

/* find_step looks for a seed (0..999) whose mutation of |in| is of |kind|
 * on cert |cert| (-2: any) and, if |reason| >= 0, makes the oracle say
 * REJECT for |reason| (ACCEPT when |reason| is CF_REASON_NONE). The
 * output goes to |out|; returns its size, or 0. */
static size_t find_step(uint8_t *out, const uint8_t *in, size_t in_len,
                        enum cf_rmut_kind kind, int cert, int reason) {
  for (unsigned seed = 0; seed < 1000; seed++) {
    struct cf_rmutation mu;
    struct cf_oracle_result o;
    if (in_len > 0) {
      memcpy(out, in, in_len);
    }
    size_t n = cf_recipe_mutate_ex(&mu, out, in_len, MAX_SIZE, seed);
    if (mu.kind != kind || (cert != -2 && mu.cert != cert)) {
      continue;
    }
    if (reason < 0) {
      return n;
    }
    if (judge(&o, out, n) &&
        o.expect == (reason == CF_REASON_NONE ? CF_EXPECT_ACCEPT
                                              : CF_EXPECT_REJECT) &&
        (int)o.reason == reason) {
      return n;
    }
  }
  return 0;
}

static void test_canary_shapes(void) {
  static uint8_t one[MAX_SIZE], two[MAX_SIZE], three[MAX_SIZE];
  struct cf_oracle_result o;
  /* root0 -> leaf1, then root0 -> ica1 -> leaf2. */
  size_t n1 = find_step(one, NULL, 0, CF_RMUT_INSERT_ICA, 1, CF_REASON_NONE);
  tap_ok(n1 > 0, "insert-ica on the empty input gives a chain the oracle accepts");
  if (n1 == 0) {
    return;
  }
  cf_recipe_from_bytes(&g_r, one, n1);
  tap_ok(g_r.num_certs == 3 && g_r.device.num_chain == 2 &&
             g_r.device.chain[0] == 2 && g_r.device.chain[1] == 1 &&
             g_r.certs[2].issuer == 1 && g_r.certs[1].issuer == 0 &&
             g_r.certs[1].tpl == CF_TPL_ICA,
         "root0 -> ica1 -> leaf2, the intermediate sent (%zu certs, chain of %zu)",
         g_r.num_certs, g_r.device.num_chain);
  size_t n2 = find_step(two, one, n1, CF_RMUT_BASIC_CONSTRAINTS, 1,
                        CF_REASON_NOT_CA);
  tap_ok(n2 > 0, "basic-constraints on the intermediate: the oracle says REJECT NOT_CA");
  /* root0 -> ica1 (pathLen 0) -> ica2 -> leaf3. */
  size_t n3 = find_step(three, one, n1, CF_RMUT_INSERT_ICA, 2, CF_REASON_NONE);
  tap_ok(n3 > 0, "a second insert-ica gives root -> ica -> ica -> leaf, accepted");
  if (n3 == 0) {
    return;
  }
  cf_recipe_from_bytes(&g_r, three, n3);
  tap_ok(g_r.num_certs == 4 && g_r.device.num_chain == 3,
         "four certs, three sent (%zu, %zu)", g_r.num_certs,
         g_r.device.num_chain);
  size_t n4 = find_step(two, three, n3, CF_RMUT_BASIC_CONSTRAINTS, 1,
                        CF_REASON_PATH_LENGTH);
  tap_ok(n4 > 0, "pathLen 0 on the upper intermediate: the oracle says REJECT PATH_LENGTH");
  /* The compound inserts: either shape in one step from the empty input. */
  tap_ok(find_step(two, NULL, 0, CF_RMUT_INSERT_ICA, -2, CF_REASON_NOT_CA) > 0,
         "one insert-ica can add an intermediate that is no CA: REJECT NOT_CA");
  tap_ok(find_step(two, NULL, 0, CF_RMUT_INSERT_ICA, -2, CF_REASON_PATH_LENGTH) > 0,
         "one insert-ica can add a pair under pathLen 0: REJECT PATH_LENGTH");
  /* Policies: the mapping shape in one step, judged both ways (RFC 5280
   * 6.1.4 (b): under a DV-to-OV mapping the leaf's OV is valid, its DV
   * is not unless the intermediate asserts anyPolicy). */
  size_t shapes = 0, rejected = 0, accepted = 0;
  for (unsigned seed = 0; seed < 1000; seed++) {
    struct cf_rmutation mu;
    memcpy(two, one, n1);
    size_t n = cf_recipe_mutate_ex(&mu, two, n1, MAX_SIZE, seed);
    cf_recipe_from_bytes(&g_r, two, n);
    const struct cf_rcert *ica = &g_r.certs[1];
    if (mu.kind != CF_RMUT_POLICY || ica->num_policy_maps != 1 ||
        ica->pc_require_explicit != 0 || ica->policy_maps_critical ||
        strcmp(ica->policies[0], "2.23.140.1.2.1") != 0) {
      continue;
    }
    int ov = strcmp(g_r.certs[2].policies[0], "2.23.140.1.2.2") == 0;
    shapes++;
    if (!judge(&o, two, n)) {
      continue;
    }
    accepted += ov && o.expect == CF_EXPECT_ACCEPT;
    rejected += !ov && o.expect == CF_EXPECT_REJECT &&
                o.reason == CF_REASON_POLICY;
  }
  tap_ok(accepted > 0 && rejected > 0 && accepted + rejected == shapes,
         "policy makes DV mapped to OV under an explicit policy: %zu shapes, "
         "leaf OV accepted %zu, leaf DV REJECT POLICY %zu",
         shapes, accepted, rejected);
  /* And the device side: purpose none is still judged. */
  size_t n5 = find_step(two, one, n1, CF_RMUT_PURPOSE, -1, -1);
  tap_ok(n5 > 0 && judge(&o, two, n5), "purpose mutation builds and is judged");
}

/* san_long returns the length of the leaf's one SAN name (0 if not one). */
static size_t san_one_len(const struct cf_recipe *r) {
  const struct cf_rcert *leaf = &r->certs[r->device.chain[0]];
  return leaf->san_present && leaf->san.num == 1 ? leaf->san.names[0].value_len
                                                 : 0;
}

/* test_name_shapes: the name mutation reaches names at the length limits
 * and a full SAN, and the oracle judges each (a near miss past the 64th
 * byte is a mismatch; the name of 253 matches itself). */
static void test_name_shapes(void) {
  static uint8_t out[MAX_SIZE];
  size_t long_match = 0, long_miss = 0, max_len = 0, full_match = 0,
         full_miss = 0, wrong = 0;
  for (unsigned seed = 0; seed < 3000; seed++) {
    struct cf_rmutation mu;
    struct cf_oracle_result o;
    size_t n = cf_recipe_mutate_ex(&mu, out, 0, MAX_SIZE, seed);
    if (mu.kind != CF_RMUT_NAME) {
      continue;
    }
    cf_recipe_from_bytes(&g_r, out, n);
    const struct cf_profile *p = &g_r.device.profile;
    const struct cf_rcert *leaf = &g_r.certs[g_r.device.chain[0]];
    size_t one = san_one_len(&g_r);
    int is_long = p->name_type == CF_NAME_DNS && p->dns_name_len > 64 &&
                  one == p->dns_name_len;
    int is_full = leaf->san_present && leaf->san.num == CF_RECIPE_MAX_GNS;
    if (!is_long && !is_full) {
      continue;
    }
    if (!judge(&o, out, n)) {
      wrong++;
      continue;
    }
    int same = is_long && memcmp(leaf->san.names[0].value, p->dns_name, one) == 0;
    if (is_full) {
      const struct cf_gn *last = &leaf->san.names[CF_RECIPE_MAX_GNS - 1];
      same = p->name_type == CF_NAME_DNS && last->value_len == p->dns_name_len &&
             memcmp(last->value, p->dns_name, last->value_len) == 0;
      full_match += same && o.expect == CF_EXPECT_ACCEPT;
      full_miss += !same && o.expect == CF_EXPECT_REJECT &&
                   o.reason == CF_REASON_NAME_MISMATCH;
      wrong += same != (o.expect == CF_EXPECT_ACCEPT);
      continue;
    }
    max_len = p->dns_name_len > max_len ? p->dns_name_len : max_len;
    if (same) {
      long_match += o.expect == CF_EXPECT_ACCEPT;
    } else {
      long_miss += o.expect == CF_EXPECT_REJECT &&
                   o.reason == CF_REASON_NAME_MISMATCH;
    }
  }
  tap_ok(long_match > 0 && long_miss > 0,
         "names over 64 bytes: %zu matched and accepted, %zu missed past byte 64 and rejected",
         long_match, long_miss);
  tap_ok(max_len == CF_MAX_DNS_NAME_LEN, "the longest is %zu bytes (RFC 1035's 253)", max_len);
  tap_ok(full_match > 0 && full_miss > 0,
         "eight SANs: %zu with the device's name last accepted, %zu without rejected",
         full_match, full_miss);
  tap_ok(wrong == 0, "and every one is judged as its names say (%zu not)", wrong);
}

/* is_self_issued_ica says whether cert |i| of g_r has its issuer's subject
 * under another key. */
static int is_self_issued_ica(size_t i) {
  const struct cf_rcert *c = &g_r.certs[i];
  return c->issuer != (int)i &&
         cf_rname_identical(&c->subject, &g_r.certs[c->issuer].subject) &&
         c->key != g_r.certs[c->issuer].key;
}

/* judge_recipe encodes g_r and judges it. */
static int judge_recipe(struct cf_oracle_result *o) {
  uint8_t *bytes = NULL;
  size_t len = 0;
  int ok = cf_recipe_to_bytes(&bytes, &len, &g_r) && judge(o, bytes, len);
  free(bytes);
  return ok;
}

/* test_self_issued: insert-ica sometimes makes a self-issued intermediate
 * (its issuer's subject under another key); the oracle accepts the chain,
 * and a pathLen 0 above it is not exceeded by it (RFC 5280 6.1.4 (l)),
 * while the same chain with a name of its own is REJECT PATH_LENGTH. */
static void test_self_issued(void) {
  static uint8_t one[MAX_SIZE], two[MAX_SIZE];
  size_t made = 0, accepted = 0, n1 = 0;
  struct cf_oracle_result o;
  /* root0 -> ica1 (its own name) -> leaf2 */
  for (unsigned seed = 0; seed < 1000 && n1 == 0; seed++) {
    struct cf_rmutation mu;
    size_t n = cf_recipe_mutate_ex(&mu, one, 0, MAX_SIZE, seed);
    if (mu.kind == CF_RMUT_INSERT_ICA) {
      cf_recipe_from_bytes(&g_r, one, n);
      n1 = is_self_issued_ica((size_t)mu.cert) ? 0 : n;
      /* An accepted chain: not the insert's no-CA or pathLen variants. */
      n1 = n1 > 0 && judge(&o, one, n) && o.expect == CF_EXPECT_ACCEPT ? n : 0;
      /* An accepted chain: not the insert's no-CA or pathLen variants. */
      n1 = n1 > 0 && judge(&o, one, n) && o.expect == CF_EXPECT_ACCEPT ? n : 0;
    }
  }
  int not_counted = 0, counted = 0;
  for (unsigned seed = 0; seed < 2000 && n1 > 0; seed++) {
    struct cf_rmutation mu;
    memcpy(two, one, n1);
    size_t n = cf_recipe_mutate_ex(&mu, two, n1, MAX_SIZE, seed);
    if (mu.kind != CF_RMUT_INSERT_ICA) {
      continue;
    }
    cf_recipe_from_bytes(&g_r, two, n);
    if (!is_self_issued_ica((size_t)mu.cert)) {
      continue;
    }
    made++;
    accepted += judge(&o, two, n) && o.expect == CF_EXPECT_ACCEPT;
    /* root0 -> ica1 (pathLen 0) -> ica2 (self-issued) -> leaf3 */
    if (g_r.num_certs != 4 || mu.cert != 2 || not_counted) {
      continue;
    }
    g_r.certs[1].bc = CF_RBC_CA;
    g_r.certs[1].bc_path_len = 0;
    not_counted = judge_recipe(&o) && o.expect == CF_EXPECT_ACCEPT;
    memcpy(g_r.certs[2].subject.attrs[0].value, "other", 5);
    g_r.certs[2].subject.attrs[0].value_len = 5;
    counted = judge_recipe(&o) && o.expect == CF_EXPECT_REJECT &&
              o.reason == CF_REASON_PATH_LENGTH;
  }
  tap_ok(n1 > 0 && made > 0 && accepted == made,
         "insert-ica made %zu self-issued intermediates, %zu accepted", made, accepted);
  tap_ok(not_counted && counted,
         "a pathLen 0 above a self-issued intermediate is not exceeded, above one "
         "with its own name it is (RFC 5280 6.1.4 (l); %d, %d)", not_counted, counted);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* load_seed reads the |k|-th file (name order) of |dir| into |out|. */
static size_t load_seed(uint8_t *out, const char *dir, size_t k) {
  DIR *d = opendir(dir);
  char *names[8192];
  size_t n = 0, len = 0;
  struct dirent *e;
  if (d == NULL) {
    return 0;
  }
  while ((e = readdir(d)) != NULL && n < 8192) {
    if (e->d_name[0] != '.') {
      names[n++] = strdup(e->d_name);
    }
  }
  closedir(d);
  qsort(names, n, sizeof(names[0]), cmp_str);
  if (n > 0) {
    char path[4096];
    /* Spread over the directory: every (n / SEED_FILES)-th file. */
    snprintf(path, sizeof(path), "%s/%s", dir,
             names[(k * (n / SEED_FILES + 1)) % n]);
    FILE *f = fopen(path, "rb");
    if (f != NULL) {
      len = fread(out, 1, MAX_SIZE, f);
      fclose(f);
    }
  }
  for (size_t i = 0; i < n; i++) {
    free(names[i]);
  }
  return len;
}

static void test_walks(const char *dir) {
  static uint8_t buf[MAX_SIZE], again[MAX_SIZE];
  size_t seen[CF_RMUT_KIND_COUNT] = {0};
  size_t steps = 0, too_big = 0, unjudged = 0, nondet = 0, bad_cert = 0;
  size_t walks = 0;
  for (size_t k = 0; k <= SEED_FILES; k++) {
    /* k == SEED_FILES: the empty input. */
    size_t len = k < SEED_FILES ? load_seed(buf, dir, k) : 0;
    if (k < SEED_FILES && len == 0) {
      continue;
    }
    walks++;
    for (unsigned i = 0; i < WALK; i++) {
      struct cf_rmutation mu;
      struct cf_oracle_result o;
      unsigned seed = (unsigned)(k * 7919 + i);
      memcpy(again, buf, len);
      size_t n = cf_recipe_mutate_ex(&mu, buf, len, MAX_SIZE, seed);
      size_t m = cf_recipe_mutate(again, len, MAX_SIZE, seed);
      nondet += m != n || memcmp(again, buf, n) != 0;
      too_big += n > MAX_SIZE;
      seen[mu.kind]++;
      steps++;
      cf_recipe_from_bytes(&g_r, buf, n);
      bad_cert += mu.cert >= (int)g_r.num_certs;
      /* Building signs every cert: judge every third output. */
      if (i % 3 == 0 && !judge(&o, buf, n)) {
        unjudged++;
      }
      len = n;
    }
  }
  tap_ok(walks >= 2, "%zu walks (seeds from %s and the empty input)", walks, dir);
  tap_ok(too_big == 0, "every output fits max_size (%zu over)", too_big);
  tap_ok(unjudged == 0, "every output builds and is judged (%zu not)", unjudged);
  tap_ok(nondet == 0, "same input and seed, same output (%zu differ)", nondet);
  tap_ok(bad_cert == 0, "the certificate a mutation names exists (%zu not)", bad_cert);
  tap_ok(seen[CF_RMUT_NONE] * 10 < steps,
         "nearly every call changes the recipe (%zu of %zu did not)",
         seen[CF_RMUT_NONE], steps);
  for (int kind = 0; kind < CF_RMUT_NONE; kind++) {
    tap_ok(seen[kind] > 0, "kind %s happens (%zu of %zu)",
           cf_rmut_kind_name((enum cf_rmut_kind)kind), seen[kind], steps);
  }
}

static void test_small_room(void) {
  static uint8_t buf[MAX_SIZE], orig[MAX_SIZE];
  size_t len = 0, unchanged = 0;
  /* A root and a leaf, encoded: no room for a longer recipe. */
  len = find_step(buf, NULL, 0, CF_RMUT_PURPOSE, -1, -1);
  memcpy(orig, buf, len);
  int fits = 1;
  for (unsigned seed = 0; seed < 200; seed++) {
    struct cf_rmutation mu;
    memcpy(buf, orig, len);
    size_t n = cf_recipe_mutate_ex(&mu, buf, len, len, seed);
    fits &= n <= len;
    if (mu.kind == CF_RMUT_NONE) {
      unchanged += n == len && memcmp(buf, orig, len) == 0;
    }
  }
  tap_ok(len > 0 && fits, "with max_size = size every output fits (%zu bytes)", len);
  tap_ok(unchanged > 0, "and when nothing fits the input comes back unchanged (%zu)", unchanged);
}

/* is_cut says whether |out| is records of |a| up to a record end followed
 * by the records of |b| from a record start. */
static int is_cut(const uint8_t *out, size_t n, const uint8_t *a, size_t a_len,
                  const uint8_t *b, size_t b_len) {
  size_t pa = 0;
  for (;;) {
    size_t rest = n - pa;
    size_t pb = 0;
    if (pa <= a_len && memcmp(out, a, pa) == 0) {
      for (;;) {
        if (b_len - pb == rest && memcmp(out + pa, b + pb, rest) == 0) {
          return 1;
        }
        if (pb >= b_len) {
          break;
        }
        pb += 2 + (pb + 1 < b_len ? b[pb + 1] : 0);
        if (pb > b_len) {
          break;
        }
      }
    }
    if (pa >= a_len || pa >= n) {
      return 0;
    }
    pa += 2 + (pa + 1 < a_len ? a[pa + 1] : 0);
    if (pa > a_len) {
      pa = a_len;
    }
  }
}

static void test_crossover(const char *dir) {
  static uint8_t a[MAX_SIZE], b[MAX_SIZE], out[MAX_SIZE];
  size_t a_len = load_seed(a, dir, 1), b_len = load_seed(b, dir, 2);
  size_t bad = 0, made = 0;
  for (unsigned seed = 0; seed < 50; seed++) {
    size_t n = cf_recipe_crossover(a, a_len, b, b_len, out, MAX_SIZE, seed);
    if (n > 0) {
      made++;
      bad += !is_cut(out, n, a, a_len, b, b_len);
    }
  }
  tap_ok(a_len > 0 && b_len > 0 && made > 0 && bad == 0,
         "crossover cuts at record boundaries (%zu made, %zu not cuts)", made, bad);
  size_t n = cf_recipe_crossover(a, a_len, b, b_len, out, 1, 3);
  tap_ok(n <= 1, "crossover respects max_out_size (%zu)", n);
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "corpus/chain_oracle";
  char err[256];
  if (!cf_pool_load_embedded(&g_pool, err, sizeof(err))) {
    printf("Bail out! %s\n", err);
    return 1;
  }
  test_canary_shapes();
  test_name_shapes();
  test_self_issued();
  test_walks(dir);
  test_small_room();
  test_crossover(dir);
  return tap_done();
}
