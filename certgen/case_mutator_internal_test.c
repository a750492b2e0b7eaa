/* case_mutator_internal_test — the case mutator's static helpers, called
 * directly: this file includes certgen/case_mutator.c (so the test binary
 * links this copy, not libcertgen's; mk/chainfuzz.mk rebuilds it when
 * case_mutator.c changes).
 *
 * nc_value (issue 18): it read the subtrees of an existing nameConstraints
 * value with CBS_get_optional_asn1, which returns 1 when the element is
 * absent and leaves its output CBS untouched, and then walked that CBS: a
 * value without permittedSubtrees walked an uninitialised CBS (found by
 * chain_verify_boringssl -seed=1 as an ASan stack-buffer-overflow, after
 * whatever earlier frames had left there). Through the public API the
 * garbage is whatever the mutator's own earlier calls left on the stack, so
 * the bug shows only by chance; here stack_paint fills the stack below this
 * frame with CBS-shaped {pointer to a freed block, 64} pairs right before
 * each call, so walking an unset CBS is an ASan heap-use-after-free every
 * time. On the fixed code each output must be a well-formed NameConstraints
 * that keeps the input's subtrees (one dropped at most) and adds one at
 * most. */
#include "case_mutator.c"

#include "../tests/tap.h"

#define PAINT_BYTES (48 * 1024)

static uint8_t *g_freed; /* freed: ASan keeps it poisoned (quarantine) */

__attribute__((noinline)) static void stack_paint(void) {
  struct {
    const uint8_t *data;
    size_t len;
  } volatile slots[PAINT_BYTES / 16];
  for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
    slots[i].data = g_freed;
    slots[i].len = 64;
  }
  __asm__ volatile("" : : "r"(slots) : "memory");
}

/* nc_build writes a NameConstraints value: |nperm| dNSName subtrees in
 * permittedSubtrees (absent when -1) and |nexcl| in excludedSubtrees
 * (absent when -1). */
static int nc_build(uint8_t **out, size_t *out_len, int nperm, int nexcl) {
  static const char *kNames[] = {"example.com", "bar.example.com",
                                 "example.net"};
  CBB cbb, seq, trees, tree, gn;
  if (!CBB_init(&cbb, 64) || !CBB_add_asn1(&cbb, &seq, CBS_ASN1_SEQUENCE)) {
    CBB_cleanup(&cbb);
    return 0;
  }
  for (unsigned which = 0; which < 2; which++) {
    int n = which == 0 ? nperm : nexcl;
    if (n < 0) {
      continue;
    }
    if (!CBB_add_asn1(&seq, &trees, TAG_EXPLICIT(which))) {
      CBB_cleanup(&cbb);
      return 0;
    }
    for (int i = 0; i < n; i++) {
      const char *name = kNames[(i + which) % 3];
      if (!CBB_add_asn1(&trees, &tree, CBS_ASN1_SEQUENCE) ||
          !CBB_add_asn1(&tree, &gn, CBS_ASN1_CONTEXT_SPECIFIC | 2) ||
          !CBB_add_bytes(&gn, (const uint8_t *)name, strlen(name)) ||
          !CBB_flush(&trees)) {
        CBB_cleanup(&cbb);
        return 0;
      }
    }
    if (!CBB_flush(&seq)) {
      CBB_cleanup(&cbb);
      return 0;
    }
  }
  return CBB_finish(&cbb, out, out_len);
}

/* nc_list lists the GeneralSubtrees (whole elements) of NameConstraints
 * value |v|; 1 if it is well formed (each part at most once, in order,
 * nothing else). */
static int nc_list(CBS trees[2][16], size_t n[2], CBS v) {
  CBS seq;
  n[0] = n[1] = 0;
  if (!CBS_get_asn1(&v, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&v) != 0) {
    return 0;
  }
  for (unsigned which = 0; which < 2; which++) {
    CBS sub;
    int present = 0;
    if (!CBS_get_optional_asn1(&seq, &sub, &present, TAG_EXPLICIT(which))) {
      return 0;
    }
    while (present && CBS_len(&sub) > 0) {
      if (n[which] == 16 || !CBS_get_asn1_element(&sub, &trees[which][n[which]++],
                                                   CBS_ASN1_SEQUENCE)) {
        return 0;
      }
    }
  }
  return CBS_len(&seq) == 0;
}

/* kept_and_added says whether |out| is |in| with one subtree dropped at
 * most and one added at most (over both lists). */
static int kept_and_added(CBS in[2][16], const size_t in_n[2],
                          CBS out[2][16], const size_t out_n[2]) {
  size_t added = 0, dropped = 0;
  for (unsigned w = 0; w < 2; w++) {
    size_t i = 0, j = 0;
    while (i < in_n[w] && j < out_n[w]) {
      if (CBS_len(&in[w][i]) == CBS_len(&out[w][j]) &&
          memcmp(CBS_data(&in[w][i]), CBS_data(&out[w][j]),
                 CBS_len(&in[w][i])) == 0) {
        j++;
      } else {
        dropped++;
      }
      i++;
    }
    dropped += in_n[w] - i;
    added += out_n[w] - j;
  }
  return added <= 1 && dropped <= 1;
}

/* call_nc_value runs nc_value on |old| (NULL: no extension yet) with rng
 * seed |seed|, on a painted stack; 1 if it succeeded, with the value in
 * |*out| (free it). */
__attribute__((noinline)) static int call_nc_value(uint8_t **out,
                                                   size_t *out_len,
                                                   const CBS *old,
                                                   uint64_t seed) {
  static struct mctx m; /* an empty case: collect_names gives example.com */
  CBB cbb;
  memset(&m, 0, sizeof(m));
  m.rng.s = (seed + 1) * UINT64_C(0x2545f4914f6cdd1d);
  if (!CBB_init(&cbb, 64)) {
    return 0;
  }
  stack_paint();
  if (!nc_value(&m, &cbb, old) || !CBB_finish(&cbb, out, out_len)) {
    CBB_cleanup(&cbb);
    return 0;
  }
  return 1;
}

int main(void) {
  static const struct {
    const char *name;
    int nperm, nexcl;
  } kValues[] = {
      {"excludedSubtrees only", -1, 2},
      {"permittedSubtrees only", 2, -1},
      {"both", 1, 1},
      {"neither (an empty SEQUENCE)", -1, -1},
      {"an empty permittedSubtrees, no excludedSubtrees", 0, -1},
  };
  g_freed = malloc(256);
  memset(g_freed, 0x30, 256);
  free(g_freed);

  for (size_t k = 0; k < sizeof(kValues) / sizeof(kValues[0]); k++) {
    uint8_t *in_der = NULL;
    size_t in_len = 0, ok = 0, runs = 64;
    CBS old, in_trees[2][16];
    size_t in_n[2];
    if (!nc_build(&in_der, &in_len, kValues[k].nperm, kValues[k].nexcl)) {
      tap_ok(0, "nc_value, %s: could not build the input", kValues[k].name);
      continue;
    }
    CBS_init(&old, in_der, in_len);
    int in_ok = nc_list(in_trees, in_n, old);
    for (uint64_t seed = 0; in_ok && seed < runs; seed++) {
      uint8_t *out = NULL;
      size_t out_len = 0;
      CBS v, out_trees[2][16];
      size_t out_n[2];
      if (call_nc_value(&out, &out_len, &old, seed)) {
        CBS_init(&v, out, out_len);
        if (nc_list(out_trees, out_n, v) &&
            kept_and_added(in_trees, in_n, out_trees, out_n)) {
          ok++;
        } else {
          printf("# seed %llu: output is not the input +-1 subtree\n",
                 (unsigned long long)seed);
        }
      }
      OPENSSL_free(out);
    }
    tap_ok(in_ok && ok == runs,
           "nc_value, %s: %zu of %zu outputs are well formed, keep the "
           "input's subtrees (one dropped at most) and add one at most",
           kValues[k].name, ok, runs);
    OPENSSL_free(in_der);
  }

  /* A malformed permittedSubtrees (its length runs past the value): the
   * scan stops there; the output is still a well-formed NameConstraints. */
  static const uint8_t kTruncated[] = {0x30, 0x04, 0xa0, 0x10, 0x30, 0x00};
  CBS old;
  size_t ok = 0;
  CBS_init(&old, kTruncated, sizeof(kTruncated));
  for (uint64_t seed = 0; seed < 16; seed++) {
    uint8_t *out = NULL;
    size_t out_len = 0, n[2];
    CBS v, trees[2][16];
    if (call_nc_value(&out, &out_len, &old, seed)) {
      CBS_init(&v, out, out_len);
      ok += nc_list(trees, n, v) && n[0] + n[1] <= 1;
    }
    OPENSSL_free(out);
  }
  tap_ok(ok == 16,
         "nc_value, a truncated permittedSubtrees: %zu of 16 outputs are "
         "well formed with one new subtree at most",
         ok);

  /* No nameConstraints yet: one new subtree. */
  ok = 0;
  for (uint64_t seed = 0; seed < 16; seed++) {
    uint8_t *out = NULL;
    size_t out_len = 0, n[2];
    CBS v, trees[2][16];
    if (call_nc_value(&out, &out_len, NULL, seed)) {
      CBS_init(&v, out, out_len);
      ok += nc_list(trees, n, v) && n[0] + n[1] <= 1;
    }
    OPENSSL_free(out);
  }
  tap_ok(ok == 16,
         "nc_value, no nameConstraints yet: %zu of 16 outputs are well "
         "formed with one new subtree at most",
         ok);

  /* mcase_load on a case without a label (label.data NULL): memcpy from
   * NULL was undefined behaviour (UBSan; found by the case_mutator
   * target). */
  {
    static const uint8_t kLeaf[] = {0x30, 0x00};
    struct cf_case c;
    struct mcase mc;
    memset(&c, 0, sizeof(c));
    cf_profile_init(&c.profile);
    c.leaf.data = kLeaf;
    c.leaf.len = sizeof(kLeaf);
    int loaded = mcase_load(&mc, &c);
    tap_ok(loaded && mc.label_len == 0 && mc.leaf.len == sizeof(kLeaf),
           "mcase_load takes a case without a label");
    if (loaded) {
      mcase_free(&mc);
    }
  }
  return tap_done();
}
