/* afl_case_mutator.c — the case mutator (case_mutator.h) as an AFL++ custom
 * mutator library (AFL++ 4.04c API, docs/custom_mutators.md), built by
 * mk/chainfuzz.mk as $(OUT)/lib/chainfuzz_case_mutator.so in the afl
 * flavor. harness/fuzz.sh sets AFL_CUSTOM_MUTATOR_LIBRARY to it for chain_*
 * targets; AFL's own mutations stay on (AFL_CUSTOM_MUTATOR_ONLY unset).
 *
 * The library runs inside afl-fuzz, not the target: it is compiled with the
 * plain compiler (no ASan, no AFL instrumentation, which afl-fuzz does not
 * provide) and links its own uninstrumented BoringSSL (the plain flavor's
 * build, which is position-independent: clang defaults to PIE here) with
 * every symbol hidden but the afl_custom_* entry points. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_mutator.h"

#define CF_AFL_EXPORT __attribute__((visibility("default")))

/* afl_mutator is the state afl_custom_init returns. */
struct afl_mutator {
  const struct cf_pool *pool;
  unsigned int seed; /* advanced on every call */
  uint8_t *buf;
  size_t buf_len;
  unsigned long calls;
  unsigned long unchanged;
};

CF_AFL_EXPORT void *afl_custom_init(void *afl, unsigned int seed);
CF_AFL_EXPORT size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size,
                                     uint8_t **out_buf, uint8_t *add_buf,
                                     size_t add_buf_size, size_t max_size);
CF_AFL_EXPORT const char *afl_custom_describe(void *data,
                                              size_t max_description_len);
CF_AFL_EXPORT void afl_custom_deinit(void *data);

void *afl_custom_init(void *afl, unsigned int seed) {
  struct afl_mutator *m = calloc(1, sizeof(*m));
  if (m == NULL) {
    return NULL;
  }
  m->pool = cf_case_mutator_pool(); /* aborts with a message on failure */
  m->seed = seed;
  fprintf(stderr,
          "chainfuzz case mutator: loaded (%zu pool keys, seed %u): "
          "structural case mutations with honest re-signing\n",
          cf_pool_count(), seed);
  return m;
}

/* grow makes m->buf hold at least |len| bytes. */
static int grow(struct afl_mutator *m, size_t len) {
  if (m->buf_len >= len) {
    return 1;
  }
  uint8_t *p = realloc(m->buf, len);
  if (p == NULL) {
    return 0;
  }
  m->buf = p;
  m->buf_len = len;
  return 1;
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size,
                       uint8_t **out_buf, uint8_t *add_buf,
                       size_t add_buf_size, size_t max_size) {
  struct afl_mutator *m = data;
  size_t n;
  unsigned int seed = m->seed;
  m->seed = m->seed * 1103515245u + 12345u;
  m->calls++;
  if (!grow(m, max_size > buf_size ? max_size : buf_size)) {
    *out_buf = buf;
    return buf_size;
  }
  /* One call in eight splices in a certificate of the other test case AFL
   * hands over (add_buf), when it is a case too. */
  if (add_buf != NULL && add_buf_size > 0 && (seed & 7) == 0) {
    /* A record while it runs (case_mutator.h): a crash here kills afl-fuzz
     * and leaves .mutation-<pid> in its working directory, which the target
     * replays. */
    struct cf_mutation_record rec = {CF_MUTATION_OP_CROSSOVER, 0,
                                     seed >> 3, max_size, buf, buf_size,
                                     add_buf, add_buf_size};
    cf_mutation_record_begin(&rec);
    n = cf_case_crossover(buf, buf_size, add_buf, add_buf_size, m->buf,
                          max_size, seed >> 3, m->pool);
    cf_mutation_record_end();
    if (n > 0) {
      *out_buf = m->buf;
      return n;
    }
  }
  memcpy(m->buf, buf, buf_size);
  /* No byte_mutate: AFL's havoc stage does byte-level mutations itself. */
  struct cf_mutation_record rec = {CF_MUTATION_OP_MUTATE,
                                   CF_MUTATION_FLAG_NO_BYTE_MUTATE, seed,
                                   max_size, buf, buf_size, NULL, 0};
  cf_mutation_record_begin(&rec);
  n = cf_case_mutate(m->buf, buf_size, max_size, seed, m->pool, NULL);
  cf_mutation_record_end();
  if (n == buf_size && memcmp(m->buf, buf, n) == 0) {
    m->unchanged++;
  }
  *out_buf = m->buf;
  return n;
}

const char *afl_custom_describe(void *data, size_t max_description_len) {
  static const char kName[] = "cfcase";
  return max_description_len >= sizeof(kName) ? kName : "";
}

void afl_custom_deinit(void *data) {
  struct afl_mutator *m = data;
  if (m == NULL) {
    return;
  }
  fprintf(stderr, "chainfuzz case mutator: %lu calls, %lu inputs unchanged\n",
          m->calls, m->unchanged);
  free(m->buf);
  free(m);
}
