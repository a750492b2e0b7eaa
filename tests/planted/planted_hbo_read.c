/* planted_hbo_read — planted bug for measuring `chainfuzz triage`: a
 * heap-buffer-overflow READ.
 *
 * Input: "HBOR", a length byte L, then a value. The value is copied into a
 * record of exactly its size; hbo_read_sum_value() then reads L bytes of it
 * without checking L against the record's size.
 *
 * Triage must produce exactly one bucket:
 *   type Heap-buffer-overflow, access READ, first state frame
 *   hbo_read_sum_value, severity Medium. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t g_sink;

/* hbo_read_sum_value sums the first |len| bytes of |value|. PLANTED: |len|
 * comes from the input and is never checked against the value's size. */
__attribute__((noinline)) static uint32_t hbo_read_sum_value(
    const uint8_t *value, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i < len; i++) {
    sum = sum * 31 + value[i];
  }
  return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 5 || data[0] != 'H' || data[1] != 'B' || data[2] != 'O' ||
      data[3] != 'R') {
    return 0;
  }
  size_t value_len = size - 5;
  uint8_t *value = malloc(value_len + 1); /* +1: never malloc(0) */
  if (value == NULL) {
    return 0;
  }
  memcpy(value, data + 5, value_len);
  /* The bug needs L > value_len + 1: one more byte than a record of
   * exactly the value's size, so the allocation's spare byte is read too. */
  g_sink = hbo_read_sum_value(value, data[4]);
  free(value);
  return 0;
}
