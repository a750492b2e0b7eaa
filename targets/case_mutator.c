/* case_mutator — the structure-aware case mutator (certgen/case_mutator.h)
 * as a fuzz target of its own (issue 18): a crash inside the mutator
 * reproduces from this target's artifact, and its promises are checked on
 * every output. Seeds: corpus/case_mutator, mutation records of the cases
 * of corpus/chain_verify (harness/mutation-seeds.py writes them).
 *
 * Input: a mutation record (case_mutator.h: "CFMR", op, flags, seed,
 * max_size, the input(s)): one call of the mutator as the libFuzzer hooks
 * (CF_CASE_CUSTOM_MUTATOR) or the AFL++ mutator make it. So a record a
 * crashed campaign left behind (.mutation-<pid>) is an input here too. An
 * input that is not a record, asks for more than
 * CF_MUTATION_REPLAY_MAX_SIZE bytes, or gives the mutator more than
 * max_size bytes (no engine does) ends the run. LLVMFuzzerMutate is
 * replaced by a deterministic byte flipper seeded by the record (none when
 * the record's flags say the call had none).
 *
 * Built twice: case_mutator calls the mutator as the libFuzzer hooks do
 * (cf_case_mutate_ex, cf_case_crossover); case_mutator_afl
 * (targets/case_mutator_afl.c, CF_MUTATOR_ENTRY_AFL) goes through the AFL++
 * library's entry points (certgen/afl_case_mutator.c, afl_custom_fuzz with
 * the record's seed; a crossover record's second input is add_buf).
 *
 * Checks, besides memory safety (each an invariant finding,
 * validator=case_mutator or afl_case_mutator, oracle=<check>):
 *  - mutator_output_too_big: the output is longer than max_size;
 *  - mutator_output_not_a_case: a case (or, for a crossover, two) went in
 *    and what came out does not parse (cf_case_parse);
 *  - mutator_not_deterministic: the same call twice gives other bytes;
 *  - mutator_resign_dishonest: a certificate the mutator says it re-signed
 *    with pool key K does not carry a signature K made over its TBS
 *    (cf_cert_is_honest), except after a byte-level TBS edit, whose TBS
 *    need not parse (case_mutator only: afl_custom_fuzz does not say what
 *    it did). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_mutator.h"
#include "chainfuzz/case.h"
#include "chainfuzz/finding.h"
#include "keypool.h"
#include "signed_bytes.h"

#ifdef CF_MUTATOR_ENTRY_AFL
#define CF_MUTATOR_NAME "afl_case_mutator"
#else
#define CF_MUTATOR_NAME "case_mutator"
#endif
CF_DEFINE_INVARIANT(mutator_output_too_big, CF_MUTATOR_NAME)
CF_DEFINE_INVARIANT(mutator_output_not_a_case, CF_MUTATOR_NAME)
CF_DEFINE_INVARIANT(mutator_not_deterministic, CF_MUTATOR_NAME)
CF_DEFINE_INVARIANT(mutator_resign_dishonest, CF_MUTATOR_NAME)

#ifdef CF_MUTATOR_ENTRY_AFL
/* The AFL++ library's code, compiled into this target (ASan, coverage). */
#include "afl_case_mutator.c"

static struct afl_mutator *g_afl;

/* run makes the recorded call through afl_custom_fuzz, as afl-fuzz makes
 * it: |r|'s seed is the mutator's seed for this call, a crossover record's
 * second input is add_buf. afl_custom_fuzz says nothing of what it did, so
 * |info| stays CF_MUT_NONE (no re-signing check). */
static size_t run(uint8_t *buf, size_t cap, struct cf_mutation *info,
                  const struct cf_mutation_record *r,
                  const struct cf_pool *pool) {
  (void)pool;
  memset(info, 0, sizeof(*info));
  info->kind = CF_MUT_NONE;
  if (g_afl == NULL) {
    /* No .mutation-<pid> files: the input is the record already. */
    setenv("CHAINFUZZ_MUTATION_RECORD", "0", 1);
    g_afl = afl_custom_init(NULL, 0);
    if (g_afl == NULL) {
      abort();
    }
  }
  g_afl->seed = r->seed;
  /* afl-fuzz's own buffers: the input is writable memory of its own. */
  uint8_t *in = malloc(r->size1 > 0 ? r->size1 : 1);
  if (in == NULL) {
    abort();
  }
  memcpy(in, r->data1, r->size1);
  uint8_t *out = NULL;
  size_t n = afl_custom_fuzz(
      g_afl, in, r->size1, &out, (uint8_t *)r->data2,
      r->op == CF_MUTATION_OP_CROSSOVER ? r->size2 : 0, r->max_size);
  /* Past cap is reported (mutator_output_too_big); only cap bytes kept. */
  memcpy(buf, out, n < cap ? n : cap);
  free(in);
  return n;
}
#else
static uint32_t g_flip_seed;

/* flip is the byte-level mutator: the replay stand-in with the record's
 * seed (LLVMFuzzerMutate's choices cannot be replayed). */
static size_t flip(uint8_t *data, size_t size, size_t max_size) {
  (void)max_size;
  return cf_mutation_flip(g_flip_seed, data, size);
}

/* run makes the recorded call into |buf| (room for |cap| bytes). */
static size_t run(uint8_t *buf, size_t cap, struct cf_mutation *info,
                  const struct cf_mutation_record *r,
                  const struct cf_pool *pool) {
  g_flip_seed = r->seed;
  if (r->op == CF_MUTATION_OP_CROSSOVER) {
    memset(info, 0, sizeof(*info));
    info->kind = CF_MUT_NONE;
    return cf_case_crossover(r->data1, r->size1, r->data2, r->size2, buf,
                             r->max_size, r->seed, pool);
  }
  (void)cap;
  memcpy(buf, r->data1, r->size1);
  return cf_case_mutate_ex(
      info, buf, r->size1, r->max_size, r->seed, pool,
      (r->flags & CF_MUTATION_FLAG_NO_BYTE_MUTATE) ? NULL : flip);
}
#endif

/* resigned returns the certificate |m| says it re-signed in case |c|. */
static const struct cf_blob *resigned(const struct cf_case *c,
                                      const struct cf_mutation *m) {
  if (m->role == CF_MUT_ROLE_LEAF) {
    return &c->leaf;
  }
  if (m->role == CF_MUT_ROLE_ANCHOR) {
    return m->index < c->num_anchors ? &c->anchors[m->index] : NULL;
  }
  return m->index < c->num_intermediates ? &c->intermediates[m->index] : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cf_mutation_record r;
  struct cf_case in1, out;
  struct cf_mutation info, again;
  /* Not a record, too big, or outside the hooks' contract: libFuzzer hands
   * LLVMFuzzerCustomMutator at most max_size bytes (a crossover's inputs
   * may be longer than its output room); afl-fuzz hands afl_custom_fuzz a
   * buf of at most max_size bytes (MAX_FILE) whatever it does with it. */
  if (!cf_mutation_record_parse(&r, data, size) ||
      r.max_size > CF_MUTATION_REPLAY_MAX_SIZE) {
    return 0;
  }
#ifdef CF_MUTATOR_ENTRY_AFL
  int size_bound = 1;
#else
  int size_bound = r.op == CF_MUTATION_OP_MUTATE;
#endif
  if (size_bound && r.size1 > r.max_size) {
    return 0;
  }
  cf_finding_set_input(data, size);
  const struct cf_pool *pool = cf_case_mutator_pool();
  /* The hook's buffer: room for max_size bytes. */
  size_t cap = r.max_size;
  uint8_t *buf = malloc(cap > 0 ? cap : 1);
  uint8_t *buf2 = malloc(cap > 0 ? cap : 1);
  if (buf == NULL || buf2 == NULL) {
    free(buf);
    free(buf2);
    return 0;
  }
  size_t n = run(buf, cap, &info, &r, pool);
  int case1 = cf_case_parse(&in1, NULL, r.data1, r.size1) == CF_CASE_OK;
  if (n > r.max_size) {
    mutator_output_too_big("%s returned %zu bytes, max_size %zu",
#ifdef CF_MUTATOR_ENTRY_AFL
                           "afl_custom_fuzz",
#else
                           r.op == CF_MUTATION_OP_MUTATE ? "cf_case_mutate"
                                                         : "cf_case_crossover",
#endif
                           n, r.max_size);
  }
  int parsed = cf_case_parse(&out, NULL, buf, n) == CF_CASE_OK;
#ifdef CF_MUTATOR_ENTRY_AFL
  /* afl_custom_fuzz splices add_buf in one call in eight and mutates buf
   * otherwise (or when the splice gives nothing): a case in buf must come
   * out a case either way; a case in add_buf alone promises nothing. */
  int must_parse = case1;
  const char *entry = "afl_custom_fuzz";
#else
  struct cf_case in2;
  int case2 = r.op == CF_MUTATION_OP_CROSSOVER &&
              cf_case_parse(&in2, NULL, r.data2, r.size2) == CF_CASE_OK;
  int must_parse = r.op == CF_MUTATION_OP_MUTATE ? case1
                                                 : (case1 || case2) && n > 0;
  const char *entry = r.op == CF_MUTATION_OP_MUTATE ? "cf_case_mutate"
                                                    : "cf_case_crossover";
#endif
  if (must_parse && !parsed) {
    mutator_output_not_a_case(
        "%s made %zu bytes that do not parse as a case (mutation %s)", entry,
        n, cf_mut_kind_name(info.kind));
  }
  size_t n2 = run(buf2, cap, &again, &r, pool);
  if (n2 != n || memcmp(buf, buf2, n) != 0) {
    mutator_not_deterministic("the same call gave %zu and %zu bytes (%s)", n,
                              n2, cf_mut_kind_name(info.kind));
  }
  if (parsed && info.resigned && info.key_idx >= 0 &&
      info.kind != CF_MUT_TBS_BYTES) {
    const struct cf_blob *cert = resigned(&out, &info);
    char detail[256] = "";
    struct cf_blob spki = {pool->spki[info.key_idx],
                           pool->spki_len[info.key_idx]};
    if (cert == NULL || !cf_cert_is_honest(detail, sizeof(detail), pool,
                                           cert->data, cert->len, &spki, 1)) {
      mutator_resign_dishonest(
          "after %s, the certificate re-signed with pool key %d (%s) is not "
          "signed by it: %s",
          cf_mut_kind_name(info.kind), info.key_idx,
          cf_pool_get(info.key_idx) != NULL ? cf_pool_get(info.key_idx)->name
                                            : "?",
          cert == NULL ? "no such certificate in the output" : detail);
    }
  }
  free(buf);
  free(buf2);
  return 0;
}
