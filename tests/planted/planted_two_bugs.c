/* planted_two_bugs — planted bugs for measuring `chainfuzz triage`: TWO
 * distinct bugs in one function, tb_parse_record(), reached by different
 * paths. Triage must keep them apart.
 *
 * Input: "TWO", a path byte, a length byte, then a record body.
 *   path byte odd ('A', a trust anchor): tb_load_anchor -> tb_parse_record
 *     stores the body's first |length| bytes as the serial number, by
 *     tb_store_serial, into a 20-byte buffer without checking the length:
 *     heap-buffer-overflow WRITE when length and body both exceed 20.
 *   path byte even ('L', a leaf): tb_check_leaf -> tb_parse_record scans
 *     the extensions, then tb_peek_extension reads the byte at offset
 *     |length| without checking it against the body: heap-buffer-overflow
 *     READ when length > body size.
 * (The path is the parity of one byte, so that every corpus entry is one
 * mutation away from both paths and fuzzing finds both about as often.)
 * The two crash states share only tb_parse_record (the helpers and the
 * callers are named so that even a fuzzy state comparison keeps them
 * apart: one common frame, mean per-frame similarity 0.75), and their
 * access types differ.
 *
 * Triage must produce exactly two buckets:
 *   type Heap-buffer-overflow, access WRITE, first state frame
 *     tb_store_serial, severity High;
 *   type Heap-buffer-overflow, access READ, first state frame
 *     tb_peek_extension, severity Medium. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TB_SERIAL_MAX 20

static volatile uint32_t g_sink;

/* tb_store_serial copies |len| bytes of |src| into |dst|, one byte at a
 * time (volatile: no memcpy call, so this is the faulting frame). */
__attribute__((noinline)) static void tb_store_serial(uint8_t *dst,
                                                      const uint8_t *src,
                                                      size_t len) {
  volatile uint8_t *out = dst;
  for (size_t i = 0; i < len; i++) {
    out[i] = src[i];
  }
}

/* tb_peek_extension returns the byte at |off| of |rec|. */
__attribute__((noinline)) static uint8_t tb_peek_extension(const uint8_t *rec,
                                                           size_t off) {
  return rec[off];
}

/* tb_parse_record parses one record (a length byte, then the body) of an
 * anchor or of a leaf. It holds both planted bugs. */
__attribute__((noinline)) static uint32_t tb_parse_record(const uint8_t *in,
                                                          size_t in_len,
                                                          int is_anchor) {
  if (in_len < 1) {
    return 0;
  }
  size_t len = in[0];
  size_t body_len = in_len - 1;
  uint8_t *body = malloc(body_len + 1);
  if (body == NULL) {
    return 0;
  }
  memcpy(body, in + 1, body_len);
  uint32_t out = 0;
  if (is_anchor) {
    uint8_t *serial = malloc(TB_SERIAL_MAX);
    if (serial != NULL) {
      /* PLANTED 1: the serial's length is not checked against
       * TB_SERIAL_MAX (it is clamped to the bytes present, so the only
       * fault is the write). */
      tb_store_serial(serial, body, len < body_len ? len : body_len);
      out = serial[0];
      free(serial);
    }
  } else {
    /* The extensions up to an 0xff terminator. */
    for (size_t i = 0; i < body_len && body[i] != 0xff; i++) {
      out += body[i];
    }
    /* PLANTED 2: the offset is not checked against the body's length (the
     * buffer has one spare byte, so it takes length > body_len). */
    out += tb_peek_extension(body, len);
  }
  free(body);
  return out;
}

__attribute__((noinline)) static uint32_t tb_load_anchor(const uint8_t *in,
                                                         size_t in_len) {
  uint32_t r = tb_parse_record(in, in_len, 1);
  g_sink = r; /* keeps the call out of tail position */
  return r + 1;
}

__attribute__((noinline)) static uint32_t tb_check_leaf(const uint8_t *in,
                                                        size_t in_len) {
  uint32_t r = tb_parse_record(in, in_len, 0);
  g_sink = r;
  return r + 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4 || data[0] != 'T' || data[1] != 'W' || data[2] != 'O') {
    return 0;
  }
  if (data[3] & 1) {
    g_sink = tb_load_anchor(data + 4, size - 4);
  } else {
    g_sink = tb_check_leaf(data + 4, size - 4);
  }
  return 0;
}
