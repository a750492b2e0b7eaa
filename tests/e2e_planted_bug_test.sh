#!/usr/bin/env bash
# e2e_planted_bug_test.sh — the end-to-end promise of make fuzz, triage and
# make test, checked on a copy of this tree:
#   1. a bug planted by hand in a copy of a target (hostname_planted: a
#      device copying the expected name into a 64-byte stack buffer) is found
#      by `make fuzz` within a budget of runs (FUZZ_RUNS; libFuzzer finds it
#      in a few thousand) and triaged into a bucket with the fuzzing binary;
#   2. the new bucket is an open, expected-failing bug: make test stays green;
#   3. the raw artifact put in crashes/ untriaged fails make test, and so
#      does the bucket once marked fixed while the bug is still there;
#   4. once the bug is fixed, make test passes and reports the bucket fixed.
# The copy shares this tree's library sources and cache, so it builds only
# chainfuzz's own code: hostname_planted needs BoringSSL alone (build.sh
# --targets), whose libfuzzer build is the replay flavor's. In the slow
# tier (make test-all): it builds the copy's replay flavor and runs make
# test three times. Time limits are hang backstops only. Output: TAP.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
. "$ROOT/tests/tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tree=$tmp/tree
. "$ROOT/tests/e2e_lib.sh"
e2e_planted_tree "$ROOT" "$BUILD" "$tree" || {
  ok 1 "targets/hostname.c and corpus/hostname exist to plant a bug in"; finish; }

# 1. make fuzz, bounded by runs (the seconds are a backstop): it finds the
#    bug and triages it.
t0=$(date +%s)
(cd "$tree" && timeout -k 10 2700 make fuzz TARGETS=hostname_planted FUZZ_RUNS=2000000 FUZZ_SECONDS=1200) \
  >"$tmp/fuzz.log" 2>&1
rc=$?
t1=$(date +%s)
report=$(find "$tree/crashes/hostname_planted" -mindepth 2 -maxdepth 2 -name report.json 2>/dev/null | head -n 1)
# make turns the script's exit 1 ("new artifacts") into its own 2.
ok $([[ $rc != 0 && -n $report ]]; echo $?) \
  "make fuzz finds the planted bug within 2,000,000 runs and triages it (exit $rc, $((t1 - t0)) s incl. build)"
[[ -n $report ]] || { sed 's/^/# /' "$tmp/fuzz.log" | tail -n 40; finish; }
grep -q '"Stack-buffer-overflow"' "$report"
ok $? "its bucket's type is the planted Stack-buffer-overflow"
bucket=$(dirname "$report")
grep -q 'LLVMFuzzerTestOneInput' "$report" && [[ -s $bucket/reproducer ]]
ok $? "the bucket has a reproducer and the planted frame in its state"

# 2. A new bucket is a known open bug: make test stays green.
(cd "$tree" && CHAINFUZZ_SKIP_E2E=1 timeout -k 10 2700 make test) >"$tmp/test1.log" 2>&1
rc=$?
ok $([[ $rc == 0 ]]; echo $?) "make test passes with the open bucket expected-failing (exit $rc: $(grep -E '^[0-9]+ passed' "$tmp/test1.log" | tail -n 1))"

# 3. The raw artifact put in crashes/ untriaged, and the bucket claimed
#    fixed while the bug is still there: each turns make test red.
original=$(find "$bucket/originals" -type f | head -n 1)
cp "$original" "$tree/crashes/hostname_planted/crash-untriaged"
sed -i -E 's/"expected_failing":([[:space:]]*)true/"expected_failing":\1false/; s/"status":([[:space:]]*)"open"/"status":\1"fixed"/' "$report"
(cd "$tree" && CHAINFUZZ_SKIP_E2E=1 timeout -k 10 2700 make test) >"$tmp/test2.log" 2>&1
rc=$?
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/test2.log" | tail -n 1)
ok $([[ $rc != 0 ]]; echo $?) "make test fails with an untriaged artifact and a regressed bucket (exit $rc)"
ok $([[ $last =~ ^[0-9]+\ passed,\ 2\ failed ]]; echo $?) "exactly those two failures: '$last'"
grep -q 'crash-untriaged' "$tmp/test2.log"
ok $? "the failure names the untriaged artifact"
rm -f "$tree/crashes/hostname_planted/crash-untriaged"

# 4. Fix the bug: the bucket replays cleanly and make test passes again.
e2e_fix_hostname "$tree"
(cd "$tree" && CHAINFUZZ_SKIP_E2E=1 timeout -k 10 2700 make test) >"$tmp/test3.log" 2>&1
rc=$?
ok $([[ $rc == 0 ]]; echo $?) "after the fix make test passes (exit $rc: $(grep -E '^[0-9]+ passed' "$tmp/test3.log" | tail -n 1))"
grep -qi "hostname_planted.*fixed" "$tmp/test3.log"
ok $? "the bucket is reported fixed"
[[ $failed == 0 ]] || { echo "# make test outputs:"; for f in "$tmp"/test*.log; do echo "# -- $f"; grep -vE '^PASS' "$f" | tail -n 25 | sed 's/^/# /'; done; }
finish
