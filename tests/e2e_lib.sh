# tests/e2e_lib.sh — sourced by the end-to-end tests (tests/e2e_*_test.sh):
# a copy of the tree with a bug planted in a copy of a target, built from
# the outer run's library sources and cache.
#
# e2e_copy_tree ROOT TREE: TREE gets the tree as a fresh clone would have
#   it (tracked and new files, nothing ignored), with an empty crashes/.
# e2e_plant_hostname TREE: adds targets/hostname_planted.c, the hostname
#   target with a stack buffer overflow (the expected name, data[1] bytes
#   from data + 2, copied into 64 bytes without a check), and its seeds
#   (corpus/hostname_planted, a copy of corpus/hostname). Returns 1 when
#   the tree has no hostname target to copy.
# e2e_fix_hostname TREE: the same copy with the length checked.
# e2e_use_outer_build BUILD: the copy builds with BUILD's library cache and
#   fetched sources, and none of the outer run's settings.
# e2e_planted_tree ROOT BUILD TREE: the three above, what every end-to-end
#   test starts with; returns 1 when there is no hostname target to copy.

e2e_copy_tree() {
  local root=$1 tree=$2
  mkdir -p "$tree"
  if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$root" && git ls-files -z -co --exclude-standard | tar --null -cf - -T -) | tar -xf - -C "$tree"
  else
    (cd "$root" && tar --exclude=./build --exclude=./work -cf - .) | tar -xf - -C "$tree"
  fi
  rm -rf "$tree/crashes"
  mkdir -p "$tree/crashes"
}

e2e_plant_hostname() {
  local tree=$1
  [[ -f $tree/targets/hostname.c && -d $tree/corpus/hostname ]] || return 1
  cat >"$tree/targets/hostname_planted.c" <<'PLANT'
/* hostname_planted — a copy of the hostname target with a bug planted by
 * the end-to-end tests (tests/e2e_lib.sh): the expected name is copied into
 * a 64-byte stack buffer without a length check. */
#include <string.h>
#define LLVMFuzzerTestOneInput hostname_original
#include "hostname.c"
#undef LLVMFuzzerTestOneInput

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size >= 2 && (size_t)data[1] <= size - 2) {
    char name[64];
    volatile char sink;
    memcpy(name, data + 2, data[1]); /* PLANTED: no check against sizeof(name) */
    sink = name[0];
    (void)sink;
  }
  return hostname_original(data, size);
}
PLANT
  cp -r "$tree/corpus/hostname" "$tree/corpus/hostname_planted"
}

e2e_fix_hostname() {
  sed -i 's|memcpy(name, data + 2, data\[1\]); /\* PLANTED.*|memcpy(name, data + 2, data[1] < sizeof(name) ? data[1] : sizeof(name));|' \
    "$1/targets/hostname_planted.c"
}

e2e_use_outer_build() {
  local build=$1
  export CHAINFUZZ_CACHE_DIR=${CHAINFUZZ_CACHE_DIR:-$build/cache}
  [[ -f $build/src/boringssl/.chainfuzz-source ]] && export BORINGSSL_SRC=$build/src/boringssl
  [[ -f $build/src/mbedtls/library/x509_crt.c ]] && export MBEDTLS_SRC=$build/src/mbedtls
  [[ -f $build/src/wolfssl/.chainfuzz-source ]] && export WOLFSSL_SRC=$build/src/wolfssl
  [[ -f $build/src/openssl/.chainfuzz-source ]] && export OPENSSL_SRC=$build/src/openssl
  unset CHAINFUZZ_BUILD_DIR CHAINFUZZ_WORK_DIR CHAINFUZZ_CRASHES_DIR FUZZ_SECONDS FUZZ_RUNS FUZZ_SEED TARGETS ENGINE JOBS CMPLOG
}

e2e_planted_tree() {
  e2e_copy_tree "$1" "$3"
  e2e_plant_hostname "$3" || return 1
  e2e_use_outer_build "$2"
}
