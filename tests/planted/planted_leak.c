/* planted_leak — planted bug for measuring `chainfuzz triage`: a memory
 * leak.
 *
 * Input: "LEAK" then anything. leak_keep_chain() copies the input into a
 * heap buffer and forgets to free it on one path.
 *
 * Triage must produce exactly one bucket:
 *   type Direct-leak, first state frame leak_keep_chain (the allocating
 *   function), severity None. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t g_sink;

/* leak_keep_chain returns a checksum of a heap copy of |data|. PLANTED: the
 * copy is never freed. */
__attribute__((noinline)) static uint32_t leak_keep_chain(const uint8_t *data,
                                                          size_t size) {
  uint8_t *copy = malloc(size + 16);
  if (copy == NULL) {
    return 0;
  }
  memcpy(copy, data, size);
  uint32_t sum = 0;
  for (size_t i = 0; i < size; i++) {
    sum += copy[i];
  }
  /* The pointer escapes through the asm, so the allocation is not
   * optimised away, and it is not stored anywhere LSan would find it. */
  __asm__ volatile("" : : "r"(copy) : "memory");
  return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4 || data[0] != 'L' || data[1] != 'E' || data[2] != 'A' ||
      data[3] != 'K') {
    return 0;
  }
  g_sink = leak_keep_chain(data, size);
  return 0;
}
