/* noinit_target — a libFuzzer-style target with no LLVMFuzzerInitialize
 * (the driver's weak reference must then be NULL and skipped) and with a
 * custom mutator that calls LLVMFuzzerMutate (the driver must provide it so
 * such targets link). Every call writes "noinit: call SIZE" to stderr. */
#include <stdint.h>
#include <stdio.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed) {
  (void)seed;
  return LLVMFuzzerMutate(data, size, max_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  (void)data;
  fprintf(stderr, "noinit: call %zu\n", size);
  return 0;
}
