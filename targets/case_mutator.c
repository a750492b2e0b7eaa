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
 * Checks, besides memory safety (each an invariant finding,
 * validator=case_mutator, oracle=<check>):
 *  - mutator_output_too_big: the output is longer than max_size;
 *  - mutator_output_not_a_case: a case (or, for a crossover, two) went in
 *    and what came out does not parse (cf_case_parse);
 *  - mutator_not_deterministic: the same call twice gives other bytes;
 *  - mutator_resign_dishonest: a certificate the mutator says it re-signed
 *    with pool key K does not carry a signature K made over its TBS
 *    (cf_cert_is_honest), except after a byte-level TBS edit, whose TBS
 *    need not parse. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_mutator.h"
#include "chainfuzz/case.h"
#include "chainfuzz/finding.h"
#include "keypool.h"
#include "signed_bytes.h"

CF_DEFINE_INVARIANT(mutator_output_too_big, "case_mutator")
CF_DEFINE_INVARIANT(mutator_output_not_a_case, "case_mutator")
CF_DEFINE_INVARIANT(mutator_not_deterministic, "case_mutator")
CF_DEFINE_INVARIANT(mutator_resign_dishonest, "case_mutator")

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
  struct cf_case in1, in2, out;
  struct cf_mutation info, again;
  /* Not a record, too big, or outside the hooks' contract (libFuzzer and
   * AFL++ never hand over more than max_size bytes). */
  if (!cf_mutation_record_parse(&r, data, size) ||
      r.max_size > CF_MUTATION_REPLAY_MAX_SIZE ||
      (r.op == CF_MUTATION_OP_MUTATE && r.size1 > r.max_size)) {
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
  int case2 = r.op == CF_MUTATION_OP_CROSSOVER &&
              cf_case_parse(&in2, NULL, r.data2, r.size2) == CF_CASE_OK;
  if (n > r.max_size) {
    mutator_output_too_big("%s returned %zu bytes, max_size %zu",
                           r.op == CF_MUTATION_OP_MUTATE ? "cf_case_mutate"
                                                         : "cf_case_crossover",
                           n, r.max_size);
  }
  int parsed = cf_case_parse(&out, NULL, buf, n) == CF_CASE_OK;
  if (r.op == CF_MUTATION_OP_MUTATE ? case1 && !parsed
                                    : (case1 || case2) && n > 0 && !parsed) {
    mutator_output_not_a_case(
        "%s made %zu bytes that do not parse as a case (mutation %s)",
        r.op == CF_MUTATION_OP_MUTATE ? "cf_case_mutate" : "cf_case_crossover",
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
