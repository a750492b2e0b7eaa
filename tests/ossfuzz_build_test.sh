#!/usr/bin/env bash
# ossfuzz_build_test.sh — (slow tier: make test-all) builds chainfuzz the
# way OSS-Fuzz does, ASan + libFuzzer, against the local BoringSSL snapshot
# (harness/ossfuzz.sh, a full library build with OSS-Fuzz's flags: about
# 10 minutes on 2 cores, over the fast tier's budget), then requires
# harness/check-build.sh to pass on every target the local build lists.
# TAP output. Upstream main: harness/ossfuzz.sh --boringssl ... (docs/building.md).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
n=0 failed=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
dir=$BUILD/ossfuzz-test
log=$dir.log
mkdir -p "$dir"
rc=0
CHAINFUZZ_CACHE_DIR=${CHAINFUZZ_CACHE_DIR:-$BUILD/cache} \
  "$ROOT/harness/ossfuzz.sh" --dir "$dir" --sanitizer address --engine libfuzzer >"$log" 2>&1 || rc=$?
ok "$rc" "harness/ossfuzz.sh (address, libfuzzer, Debian's snapshot) builds and check-build passes"
[[ $rc == 0 ]] || tail -n 25 "$log" | sed 's/^/#   | /'
check=$dir/debian-libfuzzer-address/check.txt
missing=0
while read -r t; do
  grep -qE "^$t +ok .* PASS$" "$check" 2>/dev/null || { missing=$((missing + 1)); echo "#   no PASS row for $t"; }
done < <("$ROOT/build.sh" --list-targets)
ok "$missing" "every target of ./build.sh --list-targets has a PASS row ($missing missing)"
grep -q 'built in' "$log"; ok $? "the summary line gives the build time"
printf '1..%d\n' "$n"
[[ $failed == 0 ]]
