#!/usr/bin/env bash
# e2e_planted_bug_test.sh — the foundation's end-to-end promise, checked on a
# copy of this tree:
#   1. a bug planted by hand in a copy of a target (hostname_planted: a
#      device copying the expected name into a 64-byte stack buffer) is found
#      by `make fuzz` within its default budget (FUZZ_SECONDS);
#   2. its artifact, left in crashes/, makes `make test` fail, and only that;
#   3. once the bug is fixed, the same artifact replays cleanly and
#      `make test` passes again.
# The copy shares this tree's BoringSSL source and library cache, so it
# builds only chainfuzz's own code. Output: TAP.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
n=0
failed=0
ok() {
  n=$((n + 1))
  if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}
finish() { echo "1..$n"; exit $failed; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tree=$tmp/tree
mkdir -p "$tree"

# A copy of the tree as a fresh clone would have it (tracked and new files,
# nothing ignored), then the planted target beside the original.
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$ROOT" && git ls-files -z -co --exclude-standard | tar --null -cf - -T -) | tar -xf - -C "$tree"
else
  (cd "$ROOT" && tar --exclude=./build --exclude=./work -cf - .) | tar -xf - -C "$tree"
fi
rm -rf "$tree/crashes"
mkdir -p "$tree/crashes"
[[ -f $tree/targets/hostname.c && -d $tree/corpus/hostname ]] || {
  ok 1 "targets/hostname.c and corpus/hostname exist to plant a bug in"; finish; }

cat >"$tree/targets/hostname_planted.c" <<'EOF'
/* hostname_planted — a copy of the hostname target with a bug planted by
 * tests/e2e_planted_bug_test.sh: the expected name is copied into a 64-byte
 * stack buffer without a length check. */
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
EOF
cp -r "$tree/corpus/hostname" "$tree/corpus/hostname_planted"

export CHAINFUZZ_CACHE_DIR=$BUILD/cache
[[ -f $BUILD/src/boringssl/.chainfuzz-source ]] && export BORINGSSL_SRC=$BUILD/src/boringssl
unset CHAINFUZZ_BUILD_DIR CHAINFUZZ_WORK_DIR CHAINFUZZ_CRASHES_DIR FUZZ_SECONDS TARGETS ENGINE

# 1. make fuzz with its default budget.
t0=$(date +%s)
(cd "$tree" && timeout -k 10 900 make fuzz TARGETS=hostname_planted) >"$tmp/fuzz.log" 2>&1
rc=$?
t1=$(date +%s)
artifact=$(find "$tree/crashes/hostname_planted" -type f -name 'crash-*' 2>/dev/null | head -n 1)
# make turns the script's exit 1 ("new artifacts") into its own 2.
ok $([[ $rc != 0 && -n $artifact ]]; echo $?) \
  "make fuzz finds the planted bug within the default budget (exit $rc, $((t1 - t0)) s incl. build)"
[[ -n $artifact ]] || { sed 's/^/# /' "$tmp/fuzz.log" | tail -n 40; finish; }
grep -q 'stack-buffer-overflow' "$tree/work/fuzz/libfuzzer/hostname_planted/log"
ok $? "the fuzzer's report is the planted stack-buffer-overflow"

# 2. make test fails on the artifact, and on nothing else.
(cd "$tree" && CHAINFUZZ_SKIP_E2E=1 timeout -k 10 1800 make test) >"$tmp/test1.log" 2>&1
rc=$?
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/test1.log" | tail -n 1)
ok $([[ $rc != 0 ]]; echo $?) "make test fails with the artifact in crashes/ (exit $rc)"
grep -q "^FAIL crashes/hostname_planted/crash-" "$tmp/test1.log"
ok $? "the failing test names the artifact"
ok $([[ $last =~ ^[0-9]+\ passed,\ 1\ failed$ ]]; echo $?) "exactly one failure: '$last'"

# 3. Fix the bug: the artifact now replays cleanly and make test passes.
sed -i 's|memcpy(name, data + 2, data\[1\]); /\* PLANTED.*|memcpy(name, data + 2, data[1] < sizeof(name) ? data[1] : sizeof(name));|' \
  "$tree/targets/hostname_planted.c"
(cd "$tree" && CHAINFUZZ_SKIP_E2E=1 timeout -k 10 1800 make test) >"$tmp/test2.log" 2>&1
rc=$?
ok $([[ $rc == 0 ]]; echo $?) "after the fix make test passes (exit $rc: $(grep -E '^[0-9]+ passed' "$tmp/test2.log" | tail -n 1))"
grep -q "^PASS crashes/hostname_planted/crash-.*fixed" "$tmp/test2.log"
ok $? "the artifact is reported fixed"
[[ $failed == 0 ]] || { echo "# last make test output:"; tail -n 30 "$tmp/test1.log" | sed 's/^/# /'; }
finish
