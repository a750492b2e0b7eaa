/* sample_target — a libFuzzer-style target for tests/replay_driver_test.sh.
 * Its behaviour is chosen by the exact input bytes:
 *   "ok" -> 0, "reject" -> -1, "bad-ret" -> 7, "crash" -> abort(),
 *   "hang" -> endless loop, "slow" -> sleeps 1.5 s then 0,
 *   "overread" -> reads one byte past the end (ASan must report it),
 *   "write" -> writes to its const input, "exit" -> exit(0);
 *   anything else -> 0.
 * An empty input must come with a non-NULL pointer (abort otherwise); with
 * SAMPLE_READ_EMPTY=1 in the environment it reads data[0], which ASan must
 * report. Every call writes "sample: call SIZE" to stderr, and
 * LLVMFuzzerInitialize writes "sample: init"; a call before init aborts. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int g_initialized;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  fprintf(stderr, "sample: init argc=%d argv0=%s\n", *argc,
          *argc > 0 ? (*argv)[0] : "(none)");
  g_initialized = 1;
  return 0;
}

/* is_input returns 1 if |data| is exactly the string |want|. */
static int is_input(const uint8_t *data, size_t size, const char *want) {
  return size == strlen(want) && memcmp(data, want, size) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  volatile uint8_t sink;
  volatile uint64_t spin = 0;

  fprintf(stderr, "sample: call %zu\n", size);
  if (!g_initialized) {
    fprintf(stderr, "sample: called before LLVMFuzzerInitialize\n");
    abort();
  }
  if (data == NULL) {
    fprintf(stderr, "sample: NULL data\n");
    abort();
  }
  if (size == 0) {
    if (getenv("SAMPLE_READ_EMPTY") != NULL) {
      sink = data[0];
    }
    return 0;
  }
  if (is_input(data, size, "reject")) {
    return -1;
  }
  if (is_input(data, size, "bad-ret")) {
    return 7;
  }
  if (is_input(data, size, "crash")) {
    abort();
  }
  if (is_input(data, size, "hang")) {
    for (;;) {
      spin++;
    }
  }
  if (is_input(data, size, "slow")) {
    struct timespec ts = {1, 500000000L};
    nanosleep(&ts, NULL);
  }
  if (is_input(data, size, "overread")) {
    sink = data[size];
  }
  if (is_input(data, size, "write")) {
    ((uint8_t *)data)[0] = 'W';
  }
  if (is_input(data, size, "exit")) {
    exit(0);
  }
  (void)sink;
  return 0;
}
