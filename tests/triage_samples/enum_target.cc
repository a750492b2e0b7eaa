// enum_target.cc — loads an out-of-range enum value (UBSan's -fsanitize=enum
// exists for C++ only), for the Invalid-enum-value sample regenerate.sh
// saves here.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// No fixed underlying type: only 0 and 1 are valid values.
enum Purpose { kServerAuth = 0, kClientAuth = 1 };

__attribute__((noinline)) static int purpose_code(const Purpose *p) {
  return *p == kClientAuth ? 2 : 1;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Purpose p = kServerAuth;
  if (size < 1) {
    return 0;
  }
  memcpy(&p, data, 1);  // the low byte, on little-endian machines
  return purpose_code(&p) == 0;
}
