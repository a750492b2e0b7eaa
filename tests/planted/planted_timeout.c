/* planted_timeout — planted bug for measuring `chainfuzz triage`: an
 * infinite loop (timeout).
 *
 * Input: "SPIN" then a byte with bit 7 set. timeout_wait_for_peer() waits
 * for a "peer ready" flag that nothing ever sets.
 *
 * Triage must produce exactly one bucket:
 *   type Timeout, first state frame timeout_wait_for_peer (the frame the
 *   timeout interrupted), severity None. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t g_peer_ready;
static volatile uint32_t g_spins;

/* timeout_wait_for_peer spins until the peer is ready. PLANTED: with
 * |blocking| set, nothing ever makes it ready. */
__attribute__((noinline)) static void timeout_wait_for_peer(int blocking) {
  while (blocking && !g_peer_ready) {
    g_spins++;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 5 || data[0] != 'S' || data[1] != 'P' || data[2] != 'I' ||
      data[3] != 'N') {
    return 0;
  }
  timeout_wait_for_peer((data[4] & 0x80) != 0);
  g_spins = 0;
  return 0;
}
