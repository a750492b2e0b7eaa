#!/usr/bin/env bash
# certgen_generations_test.sh — (slow tier: make test-all) certgen's bytes
# do not depend on the BoringSSL linked (certgen/sign.h): the whole
# catalogue (corpus/chain_oracle, one binary recipe per scenario) is built
# by chain_oracle_boringssl of two OSS-Fuzz-mode builds, one against
# Debian's snapshot and one against upstream main
# (../shared/upstream/boringssl-main-*.tar.xz, or
# $CHAINFUZZ_UPSTREAM_BORINGSSL: a tree or .tar.xz), and every case
# (CHAINFUZZ_WRITE_CASE) must be byte-identical. Skipped, and says so,
# when no upstream tree is there. Builds with harness/ossfuzz.sh
# --no-check (cached after the first run). TAP output.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
n=0 failed=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
up=${CHAINFUZZ_UPSTREAM_BORINGSSL:-}
if [[ -z $up ]]; then
  up=$(ls "$ROOT"/../shared/upstream/boringssl-main-*.tar.xz 2>/dev/null | head -n 1)
fi
if [[ -z $up || ! -e $up ]]; then
  echo "ok 1 - certgen output across BoringSSL generations # SKIP no upstream BoringSSL (../shared/upstream or CHAINFUZZ_UPSTREAM_BORINGSSL)"
  echo "1..1"
  exit 0
fi
dir=$BUILD/ossfuzz-gen
mkdir -p "$dir"
export CHAINFUZZ_CACHE_DIR=${CHAINFUZZ_CACHE_DIR:-$BUILD/cache}
"$ROOT/harness/ossfuzz.sh" --no-check --dir "$dir" >"$dir/snapshot.log" 2>&1
ok $? "OSS-Fuzz-mode build against Debian's snapshot"
"$ROOT/harness/ossfuzz.sh" --no-check --dir "$dir" --boringssl "$up" >"$dir/upstream.log" 2>&1
ok $? "OSS-Fuzz-mode build against $(basename "$up")"
a=$(ls -d "$dir"/debian-libfuzzer-address/out 2>/dev/null)
b=$(ls -d "$dir"/boringssl-main-*-libfuzzer-address/out 2>/dev/null | head -n 1)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
same=0 differ=0 missing=0
for seed in "$ROOT"/corpus/chain_oracle/*; do
  s=$(basename "$seed")
  for side in a b; do
    bin=${!side}/chain_oracle_boringssl
    rm -f "$tmp/$side"
    CHAINFUZZ_WRITE_CASE=$tmp/$side CHAINFUZZ_REJECT_FINDINGS=0 \
      ASAN_OPTIONS=detect_leaks=0 timeout 120 "$bin" "$seed" >/dev/null 2>&1 || true
  done
  if [[ ! -f $tmp/a || ! -f $tmp/b ]]; then missing=$((missing + 1)); echo "#   no case from $s"
  elif cmp -s "$tmp/a" "$tmp/b"; then same=$((same + 1))
  else differ=$((differ + 1)); echo "#   $s: the two generations build different bytes"; fi
done
ok "$([[ $differ == 0 && $missing == 0 && $same -gt 0 ]]; echo $?)" \
  "every catalogue scenario builds byte-identical cases with both generations ($same same, $differ differ, $missing not built)"
printf '1..%d\n' "$n"
[[ $failed == 0 ]]
