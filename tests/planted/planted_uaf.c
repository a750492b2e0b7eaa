/* planted_uaf — planted bug for measuring `chainfuzz triage`: a
 * heap-use-after-free.
 *
 * Input: "UAF!", a flags byte, then a peer name. When the flags byte has
 * bit 0 set, the session is closed (freed) on an error path and then its
 * peer name is still read by uaf_read_peer_name().
 *
 * Triage must produce exactly one bucket:
 *   type Heap-use-after-free, access READ, first state frame
 *   uaf_read_peer_name, severity High. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct uaf_session {
  uint32_t flags;
  uint8_t peer[32];
};

static volatile uint32_t g_sink;

__attribute__((noinline)) static struct uaf_session *uaf_session_open(
    const uint8_t *peer, size_t peer_len, uint8_t flags) {
  struct uaf_session *s = calloc(1, sizeof(*s));
  if (s == NULL) {
    return NULL;
  }
  s->flags = flags;
  memcpy(s->peer, peer, peer_len < sizeof(s->peer) ? peer_len : sizeof(s->peer));
  return s;
}

__attribute__((noinline)) static void uaf_session_close(struct uaf_session *s) {
  free(s);
}

/* uaf_read_peer_name hashes the session's peer name. */
__attribute__((noinline)) static uint32_t uaf_read_peer_name(
    const struct uaf_session *s) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < sizeof(s->peer); i++) {
    h = (h ^ s->peer[i]) * 16777619u;
  }
  return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 5 || data[0] != 'U' || data[1] != 'A' || data[2] != 'F' ||
      data[3] != '!') {
    return 0;
  }
  struct uaf_session *s = uaf_session_open(data + 5, size - 5, data[4]);
  if (s == NULL) {
    return 0;
  }
  if (s->flags & 1) {
    uaf_session_close(s); /* error path frees ... */
  }
  g_sink = uaf_read_peer_name(s); /* PLANTED: ... and this still reads it */
  if (!(data[4] & 1)) {
    uaf_session_close(s);
  }
  return 0;
}
