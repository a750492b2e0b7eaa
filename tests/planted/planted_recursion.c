/* planted_recursion — planted bug for measuring `chainfuzz triage`:
 * unbounded recursion (stack overflow).
 *
 * Input: "DEEP" then a table of one-byte links. recursion_follow_link()
 * follows link after link with no depth limit and no loop detection, so a
 * link that points back (e.g. byte 4 = 4, a record that names itself)
 * recurses until the stack runs out.
 *
 * Triage must produce exactly one bucket:
 *   type Stack-overflow, first state frame recursion_follow_link,
 *   severity None (not a security issue by ClusterFuzz's rules). */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t g_sink;

/* recursion_follow_link returns the length of the chain of links starting
 * at |off|. PLANTED: no depth limit. |parent| is the caller's scratch
 * buffer; passing a local's address down keeps the compiler from turning
 * the recursion into a loop. */
__attribute__((noinline)) static uint32_t recursion_follow_link(
    const uint8_t *data, size_t size, size_t off, volatile uint8_t *parent) {
  volatile uint8_t scratch[64];
  if (off >= size) {
    return 0;
  }
  scratch[0] = data[off];
  scratch[63] = parent != NULL ? parent[0] : 0;
  size_t next = data[off];
  if (next == 0) {
    return 1;
  }
  return 1 + recursion_follow_link(data, size, next, scratch) + scratch[63];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 5 || data[0] != 'D' || data[1] != 'E' || data[2] != 'E' ||
      data[3] != 'P') {
    return 0;
  }
  g_sink = recursion_follow_link(data, size, 4, NULL);
  return 0;
}
