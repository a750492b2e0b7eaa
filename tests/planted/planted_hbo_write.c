/* planted_hbo_write — planted bug for measuring `chainfuzz triage`: a
 * heap-buffer-overflow WRITE.
 *
 * Input: "HBOW" then a name. hbo_write_store_name() copies the name into a
 * 16-byte heap buffer, one byte at a time, without checking its length.
 *
 * Triage must produce exactly one bucket:
 *   type Heap-buffer-overflow, access WRITE, first state frame
 *   hbo_write_store_name, severity High. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HBO_WRITE_NAME_MAX 16

static volatile uint8_t g_sink;

/* hbo_write_store_name copies |name_len| bytes of |name| into |dst|, which
 * holds HBO_WRITE_NAME_MAX bytes. PLANTED: no check of |name_len|. The
 * volatile destination keeps the compiler from turning the loop into a
 * memcpy call, so the faulting frame is this function itself. */
__attribute__((noinline)) static void hbo_write_store_name(
    uint8_t *dst, const uint8_t *name, size_t name_len) {
  volatile uint8_t *out = dst;
  for (size_t i = 0; i < name_len; i++) {
    out[i] = name[i];
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4 || data[0] != 'H' || data[1] != 'B' || data[2] != 'O' ||
      data[3] != 'W') {
    return 0;
  }
  uint8_t *name = malloc(HBO_WRITE_NAME_MAX);
  if (name == NULL) {
    return 0;
  }
  hbo_write_store_name(name, data + 4, size - 4);
  g_sink = name[0];
  free(name);
  return 0;
}
