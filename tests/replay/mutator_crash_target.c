/* mutator_crash_target.c — a target whose custom mutator has a planted
 * bug, for tests/mutator_record_test.sh (issue 18: a crash inside a custom
 * mutator must leave something reproducible).
 *
 * Its hooks are written like CF_CASE_CUSTOM_MUTATOR's (certgen/
 * case_mutator.h): the mutation runs between cf_mutation_record_begin and
 * cf_mutation_record_end, and LLVMFuzzerTestOneInput starts with
 * CF_CASE_MUTATION_REPLAY. The planted bug: planted_mutate reads past a
 * copy of the input (ASan heap-buffer-overflow READ) when the input starts
 * with "BUG" and the seed is a multiple of 3; otherwise it flips one bit
 * after the first three bytes. The target itself never crashes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "case_mutator.h"

__attribute__((noinline)) static size_t planted_mutate(uint8_t *data,
                                                       size_t size,
                                                       size_t max_size,
                                                       unsigned int seed) {
  (void)max_size;
  if (size >= 3 && memcmp(data, "BUG", 3) == 0 && seed % 3 == 0) {
    uint8_t *copy = malloc(size);
    if (copy != NULL) {
      memcpy(copy, data, size);
      volatile uint8_t past = copy[size + 7]; /* planted: past the copy */
      data[size - 1] ^= past;
      free(copy);
    }
  }
  if (size > 3) {
    data[3 + seed % (size - 3)] ^= (uint8_t)(1u << (seed % 8));
  }
  return size;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed) {
  struct cf_mutation_record rec = {CF_MUTATION_OP_MUTATE, 0, seed, max_size,
                                   data, size, NULL, 0};
  cf_mutation_record_begin(&rec);
  size_t n = planted_mutate(data, size, max_size, seed);
  cf_mutation_record_end();
  return n;
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
                                 const uint8_t *data2, size_t size2,
                                 uint8_t *out, size_t max_out_size,
                                 unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
                                 const uint8_t *data2, size_t size2,
                                 uint8_t *out, size_t max_out_size,
                                 unsigned int seed) {
  (void)data2;
  (void)size2;
  (void)seed;
  size_t n = size1 < max_out_size ? size1 : max_out_size;
  memcpy(out, data1, n);
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  CF_CASE_MUTATION_REPLAY(data, size);
  return 0;
}
