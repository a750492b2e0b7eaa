#!/usr/bin/env bash
# e2e_afl_test.sh — the end-to-end promise of `make fuzz ENGINE=afl`
# (issue 19), on a copy of this tree with the planted bug of
# tests/e2e_lib.sh (hostname_planted: the expected name copied into a
# 64-byte stack buffer):
#   1. make fuzz ENGINE=afl JOBS=2 CMPLOG=1, bounded by AFL++ executions
#      (FUZZ_RUNS: -E), runs a main and a secondary instance, the secondary
#      with the CMPLOG binary, and finds it; every crash AFL++ saved
#      (out/*/crashes/id:*) reaches crashes/hostname_planted/ and triage
#      (the table's artifacts column counts them) and lands in one
#      Stack-buffer-overflow bucket;
#   2. `chainfuzz regress` (what make test runs over crashes/) keeps the new
#      open bucket green, fails once the bucket is marked fixed while the bug
#      is still there, and reports it fixed once the bug is fixed.
# The copy shares this tree's library sources and cache: it builds the afl
# and afl-cmplog flavors of BoringSSL (the only library hostname_planted
# links; cached afterwards) and chainfuzz's own code. Slow tier (make test-all): the afl
# BoringSSL build alone takes minutes. Time limits are hang backstops
# only. Output: TAP.
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

# 1. make fuzz ENGINE=afl, bounded by executions (the seconds are a
#    backstop). AFL++ finds the overflow within a few thousand executions
#    (the first crash at 544 in one run, 2026-12-07).
RUNS=100000
(cd "$tree" && timeout -k 10 3600 make fuzz ENGINE=afl JOBS=2 CMPLOG=1 TARGETS=hostname_planted \
  FUZZ_RUNS=$RUNS FUZZ_SECONDS=1200) >"$tmp/fuzz.log" 2>&1
rc=$?
outs=$tree/work/fuzz/afl/hostname_planted/out
cmd_of() { sed -nE 's/^command_line +: //p' "$outs/$1/fuzzer_stats" 2>/dev/null; }
main_cmd=$(cmd_of default) sec_cmd=$(cmd_of secondary1)
ok $([[ $main_cmd == *" -M default "* && $sec_cmd == *" -S secondary1 "* ]]; echo $?) \
  "JOBS=2 with one target: a main and a secondary afl-fuzz instance ('$main_cmd' / '$sec_cmd')"
ok $([[ $sec_cmd == *" -c $tree/build/afl-cmplog/bin/hostname_planted "* && $main_cmd != *" -c "* ]]; echo $?) \
  "CMPLOG=1: the secondary alone gets the afl-cmplog binary (-c)"
saved=$(find "$outs"/*/crashes -maxdepth 1 -type f -name 'id*' 2>/dev/null | wc -l)
hangs=$(find "$outs"/*/hangs -maxdepth 1 -type f -name 'id*' 2>/dev/null | wc -l)
ok $([[ $saved -gt 0 ]]; echo $?) \
  "afl-fuzz saves crashes of the planted bug within $RUNS executions ($saved saved, $hangs hangs; make fuzz exit $rc)"
[[ $saved -gt 0 ]] || { sed 's/^/# /' "$tmp/fuzz.log" | tail -n 40; finish; }
# AFL++'s crashes differ by path, not always by content: the distinct ones.
distinct=$(find "$outs"/*/crashes "$outs"/*/hangs -maxdepth 1 -type f -name 'id*' -exec sha1sum {} + 2>/dev/null |
  cut -c1-40 | sort -u | wc -l)
row=$(grep -E '^hostname_planted ' "$tmp/fuzz.log" | tail -n 1)
header=$(grep -E '^target +exec/s ' "$tmp/fuzz.log" | tail -n 1)
col=$(awk '{for (i = 1; i <= NF; i++) if ($i == "artifacts") print i}' <<<"$header")
artifacts=$(awk -v c="${col:-0}" '{print $c}' <<<"$row")
crashes_col=$(awk '{for (i = 1; i <= NF; i++) if ($i == "crashes") print i}' <<<"$header")
shown=$(awk -v c="${crashes_col:-0}" '{print $c}' <<<"$row")
ok $([[ $shown == "$saved" ]]; echo $?) "the table shows AFL++'s saved crashes ($shown of $saved) and stability ('$header')"
ok $([[ $artifacts == "$distinct" ]]; echo $?) \
  "the table counts every distinct crash and hang AFL++ saved ($artifacts of $distinct: '$row')"
# make turns the script's exit 1 ("new artifacts") into its own 2.
ok $([[ $rc != 0 ]]; echo $?) "make fuzz says new artifacts were found (exit $rc)"
mapfile -t reports < <(find "$tree/crashes/hostname_planted" -mindepth 2 -maxdepth 2 -name report.json)
ok $([[ ${#reports[@]} == 1 ]]; echo $?) \
  "triage files them into one bucket (${#reports[@]}: $(ls "$tree/crashes/hostname_planted" | tr '\n' ' '))"
[[ ${#reports[@]} -ge 1 ]] || { sed 's/^/# /' "$tmp/fuzz.log" | tail -n 40; finish; }
report=${reports[0]}
bucket=$(dirname "$report")
grep -q '"Stack-buffer-overflow"' "$report" && grep -q 'LLVMFuzzerTestOneInput' "$report"
ok $? "its type is the planted Stack-buffer-overflow, the planted frame in its state"
stored=$(find "$tree/crashes/hostname_planted" -path '*/originals/*' -type f | wc -l)
left=$(find "$tree/crashes/hostname_planted" -maxdepth 1 -type f ! -name '.*' | wc -l)
ok $([[ $stored == "$distinct" && $left == 0 ]]; echo $?) \
  "every artifact is stored in a bucket ($stored of $distinct), none left raw ($left)"

# 2. What make test does with it: build the replay flavor, then chainfuzz
#    regress over crashes/.
(cd "$tree" && ./build.sh --flavor replay --targets hostname_planted) >"$tmp/build.log" 2>&1
ok $? "the replay flavor of hostname_planted builds (what make test replays with)"
regress() {
  (cd "$tree" && CHAINFUZZ_BUILD_DIR=$tree/build timeout -k 10 600 \
    "$tree/build/replay/bin/chainfuzz" regress --dir "$tree/crashes" "$@") >"$tmp/regress.log" 2>&1
}
regress
rc=$?
ok $([[ $rc == 0 ]] && grep -q 'open, still failing' "$tmp/regress.log"; echo $?) \
  "regress keeps the open bucket green (exit $rc: $(grep -E '^(ok|not ok) ' "$tmp/regress.log" | head -n 1))"
cp "$report" "$tmp/report.json"
sed -i -E 's/"expected_failing":([[:space:]]*)true/"expected_failing":\1false/; s/"status":([[:space:]]*)"open"/"status":\1"fixed"/' "$report"
regress
rc=$?
ok $([[ $rc != 0 ]] && grep -q '^not ok.*REGRESSION' "$tmp/regress.log"; echo $?) \
  "regress fails once the bucket is marked fixed while the bug is there (exit $rc: $(grep -E '^not ok' "$tmp/regress.log" | head -n 1 | cut -c1-160))"
cp "$tmp/report.json" "$report"
e2e_fix_hostname "$tree"
(cd "$tree" && ./build.sh --flavor replay --targets hostname_planted) >"$tmp/build.log" 2>&1 ||
  { sed 's/^/# /' "$tmp/build.log" | tail -n 20; }
regress --update
rc=$?
ok $([[ $rc == 0 ]] && grep -q 'fixed (reproducer passes)' "$tmp/regress.log"; echo $?) \
  "after the fix regress reports the bucket fixed (exit $rc)"
[[ $failed == 0 ]] || { echo "# regress:"; sed 's/^/# /' "$tmp/regress.log" | tail -n 10; }
finish
