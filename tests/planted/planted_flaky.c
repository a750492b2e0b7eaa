/* planted_flaky — planted unreliable crash for measuring `chainfuzz
 * triage`: a heap-buffer-overflow READ that happens only on every other run
 * of the same input, as a race would.
 *
 * Input: "FLKY" then anything. flaky_should_crash() keeps a run counter per
 * input (by FNV-1a hash, in 256 one-byte slots of the file
 * $TMPDIR/chainfuzz-planted-flaky.<uid>, or /tmp when TMPDIR is unset),
 * locked with fcntl so that parallel runs count correctly; the input
 * crashes when its counter becomes odd. So of any two consecutive runs of
 * one input exactly one crashes: a triage that reproduces an input at
 * least twice always sees both outcomes. (Parity of getpid() would not do:
 * a crashing run spawns llvm-symbolizer, so pids after a crash advance by
 * two and the parity can lock in.) Without the file it falls back to the
 * parity of the clock's nanoseconds. Set TMPDIR to a fresh directory to
 * start every counter at zero (the first run then crashes).
 *
 * Triage must produce exactly one bucket, flagged flaky:
 *   type Heap-buffer-overflow, access READ, first state frame
 *   flaky_read_cached_len, severity Medium, flaky true. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t g_sink;

/* flaky_should_crash returns 1 on every other run of the input |data|. */
__attribute__((noinline)) static int flaky_should_crash(const uint8_t *data,
                                                        size_t size) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < size; i++) {
    h = (h ^ data[i]) * 16777619u;
  }
  const char *tmp = getenv("TMPDIR");
  char path[512];
  snprintf(path, sizeof(path), "%s/chainfuzz-planted-flaky.%u",
           tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp", (unsigned)getuid());
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ts.tv_nsec / 1000) & 1;
  }
  struct flock lk;
  memset(&lk, 0, sizeof(lk));
  lk.l_type = F_WRLCK;
  lk.l_whence = SEEK_SET;
  (void)fcntl(fd, F_SETLKW, &lk);
  off_t slot = (off_t)(h & 0xff);
  uint8_t count = 0;
  if (pread(fd, &count, 1, slot) != 1) {
    count = 0;
  }
  count++;
  (void)pwrite(fd, &count, 1, slot);
  lk.l_type = F_UNLCK;
  (void)fcntl(fd, F_SETLK, &lk);
  close(fd);
  return count & 1;
}

/* flaky_read_cached_len reads the length cached at the end of |buf|.
 * PLANTED: it reads one byte past the buffer's |len| bytes. */
__attribute__((noinline)) static uint8_t flaky_read_cached_len(
    const uint8_t *buf, size_t len) {
  return buf[len];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4 || data[0] != 'F' || data[1] != 'L' || data[2] != 'K' ||
      data[3] != 'Y') {
    return 0;
  }
  uint8_t *buf = malloc(size);
  if (buf == NULL) {
    return 0;
  }
  memcpy(buf, data, size);
  if (flaky_should_crash(data, size)) {
    g_sink = flaky_read_cached_len(buf, size);
  }
  free(buf);
  return 0;
}
