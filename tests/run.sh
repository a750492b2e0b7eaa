#!/usr/bin/env bash
# tests/run.sh — `make test` (and so CI): builds the replay flavor (which
# installs and fetches what is missing), then runs
#   1. unit tests: every binary build/replay/tests/* and every script
#      tests/*_test.sh, each printing TAP lines ("ok N - ..." / "not ok N");
#   2. replay of every target's seed corpus, corpus/<seeds>/ (one test per
#      target; per-validator targets share their template's seeds: the
#      whole directory must replay without a crash, finding, leak, UBSan
#      report or timeout; an empty or missing corpus fails);
#   3. `chainfuzz regress` over crashes/: one test per bucket (an open bucket
#      that still fails is expected; one marked fixed that fails again, or a
#      raw untriaged artifact, is a failure).
# Closing line: "N passed, N failed". Exit 1 if anything failed. Every
# test prints its seconds; the table is written to build/test-logs/times.tsv
# (BENCHMARKS.md keeps the figures).
#
# Tiers: `make test` (CHAINFUZZ_TEST_TIER=fast, the default) is what CI
# runs and what a contributor runs before pushing; `make test-all`
# (CHAINFUZZ_TEST_TIER=all) adds the slow tier, SLOW_TESTS below. No test
# asserts on time: each is bounded by work (runs, seeds, inputs); timeouts
# (CHAINFUZZ_TEST_TIMEOUT, default 1800 s per test) are hang backstops.
#
# Environment: CHAINFUZZ_CRASHES_DIR (default crashes/), CHAINFUZZ_SKIP_E2E=1
# skips the end-to-end tests that run `make fuzz` / `make test` themselves
# (set by those tests for their inner runs, to avoid recursion), and the
# script tests listed in INNER_SKIP, which the outer run runs.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
CRASHES=${CHAINFUZZ_CRASHES_DIR:-$ROOT/crashes}
REPLAY=$BUILD/replay
LOGS=$BUILD/test-logs
TIMEOUT=${CHAINFUZZ_TEST_TIMEOUT:-1800}
TIER=${CHAINFUZZ_TEST_TIER:-fast}
[[ $TIER == fast || $TIER == all ]] ||
  { echo "tests/run.sh: CHAINFUZZ_TEST_TIER must be fast or all, not '$TIER'" >&2; exit 2; }
# The slow tier (make test-all): tests whose cost does not fit make test's
# budget (BENCHMARKS.md, "make test"), each still bounded by work:
#   e2e_planted_bug_test   a make fuzz and three make test runs on a copy
#                          of the tree (~10 min)
#   seeds_committed_test   regenerates every committed seed, the handshake
#                          transcripts included (~4 min), to prove they are
#                          what seedgen, certgen and hsrecord make now
SLOW_TESTS="e2e_planted_bug_test seeds_committed_test"

passed=0
failed=0
skipped=0
failures=()

pass() { passed=$((passed + 1)); printf 'PASS %s\n' "$1"; }
fail() {
  failed=$((failed + 1)); failures+=("$1")
  printf 'FAIL %s\n' "$1"
  [[ -n ${2:-} && -f $2 ]] && tail -n 30 "$2" | sed 's/^/     | /'
}

# run_tap NAME LOG CMD...: runs a TAP-printing test program and counts each
# "ok" / "not ok" line; a program that exits non-zero without a "not ok", or
# prints no result at all, counts as one failure.
# times.tsv: "SECONDS NAME" per test, in the order run.
TIMES=$LOGS/times.tsv
took() { printf '%s\t%s\n' "$1" "$2" >>"$TIMES"; }

run_tap() {
  local name=$1 log=$2; shift 2
  local t0=$SECONDS
  timeout -k 10 "$TIMEOUT" "$@" >"$log" 2>&1
  local rc=$? oks nots skips secs=$((SECONDS - t0))
  took "$secs" "$name"
  oks=$(grep -E '^ok [0-9]+' "$log" | grep -cv '# SKIP')
  skips=$(grep -E '^ok [0-9]+' "$log" | grep -c '# SKIP')
  nots=$(grep -cE '^not ok [0-9]+' "$log")
  passed=$((passed + oks))
  skipped=$((skipped + skips))
  grep -E '^ok [0-9]+.*# SKIP' "$log" | while read -r line; do printf 'SKIP %s: %s\n' "$name" "$line"; done
  failed=$((failed + nots))
  grep -E '^not ok [0-9]+' "$log" | while read -r line; do printf 'FAIL %s: %s\n' "$name" "$line"; done
  [[ $nots -gt 0 ]] && failures+=("$name") && tail -n 30 "$log" | sed 's/^/     | /'
  if [[ $rc -ne 0 && $nots -eq 0 ]]; then
    fail "$name (exit $rc, no 'not ok' line)" "$log"
  elif [[ $oks -eq 0 && $nots -eq 0 && $skips -eq 0 ]]; then
    fail "$name (no test results printed)" "$log"
  else
    printf '%s: %d ok, %d not ok, %d skipped (%ds)\n' "$name" "$oks" "$nots" "$skips" "$secs"
  fi
}

mkdir -p "$LOGS"
: >"$TIMES"
echo "== build (replay flavor; tier: $TIER)"
t0=$SECONDS
if ! ./build.sh --flavor replay; then
  fail "build.sh --flavor replay"
  printf '%d passed, %d failed\n' "$passed" "$failed"
  exit 1
fi
took $((SECONDS - t0)) "build.sh --flavor replay"
TARGET_LIST=$(cat "$REPLAY/targets.txt")

INNER_SKIP="canaries_test conform_test certgen_cli_test triage_cli_test planted_buckets_test seeds_committed_test docs_figures_test"

echo "== unit tests"
for t in "$REPLAY"/tests/*; do
  [[ -x $t ]] || continue
  run_tap "$(basename "$t")" "$LOGS/$(basename "$t").log" "$t"
done
for t in "$ROOT"/tests/*_test.sh; do
  [[ -f $t ]] || continue
  base=$(basename "$t" .sh)
  if [[ ${CHAINFUZZ_SKIP_E2E:-0} == 1 && $base == e2e_* ]]; then
    echo "$base: not run (inner run of an end-to-end test)"
    continue
  fi
  # An end-to-end test runs make test three times on a copy of this tree
  # that differs only by a planted target and its crashes/ bucket; the
  # script tests below read neither, and the outer run has just run them on
  # the same sources: the inner runs skip them (each takes minutes).
  if [[ ${CHAINFUZZ_SKIP_E2E:-0} == 1 && " $INNER_SKIP " == *" $base "* ]]; then
    echo "$base: not run (inner run of an end-to-end test; the outer run has it)"
    continue
  fi
  if [[ $TIER == fast && " $SLOW_TESTS " == *" $base "* ]]; then
    echo "$base: not run (slow tier: make test-all)"
    continue
  fi
  # An end-to-end test builds, fuzzes and runs an inner make test: it gets
  # its own, longer limit.
  saved_timeout=$TIMEOUT
  [[ $base == e2e_* ]] && TIMEOUT=${CHAINFUZZ_E2E_TIMEOUT:-5400}
  run_tap "$base" "$LOGS/$base.log" env CHAINFUZZ_BUILD_DIR="$BUILD" bash "$t"
  TIMEOUT=$saved_timeout
done

echo "== replay corpus/"
# templates.txt: "TARGET TEMPLATE SEEDS"; per-validator targets share the
# seeds of their template (corpus/chain_verify, corpus/chain_oracle).
declare -A SEEDS
while read -r t tpl seeds; do SEEDS[$t]=$seeds; done <"$REPLAY/templates.txt"
for t in $TARGET_LIST; do
  log=$LOGS/corpus-$t.log
  seeds=${SEEDS[$t]:-$t}
  if [[ ! -d corpus/$seeds ]]; then
    fail "corpus/$seeds: missing (every target needs seeds; $t reads them)"
    continue
  fi
  t0=$SECONDS
  if timeout -k 10 "$TIMEOUT" "$REPLAY/bin/$t" -timeout=25 "corpus/$seeds" >"$log" 2>&1; then
    pass "corpus/$seeds through $t: $(grep -E '^replay: ' "$log" | tail -n 1) ($((SECONDS - t0))s)"
  else
    fail "corpus/$seeds through $t ($((SECONDS - t0))s)" "$log"
  fi
  took $((SECONDS - t0)) "corpus $t"
done
for d in corpus/*/; do
  d=$(basename "$d")
  used=0
  for t in "${!SEEDS[@]}"; do [[ ${SEEDS[$t]} == "$d" ]] && used=1 && break; done
  (( used )) || fail "corpus/$d: no target reads it (targets/$d.c, or a template's seeds)"
done

echo "== regress crashes/ (chainfuzz regress)"
# One TAP line per bucket: an open bucket still failing is expected (xfail,
# ok); a bucket marked fixed that fails again, a changed crash, or a raw
# untriaged artifact is "not ok".
if [[ -d $CRASHES ]]; then
  run_tap "chainfuzz regress" "$LOGS/regress.log" \
    env CHAINFUZZ_BUILD_DIR="$BUILD" "$REPLAY/bin/chainfuzz" regress --dir "$CRASHES"
  # Every bucket's status is worth seeing, not only the failures.
  grep -E '^(ok|not ok) [0-9]+' "$LOGS/regress.log" | sed 's/^/  regress: /'
fi

echo
echo "slowest (seconds; all in $TIMES):"
sort -rn "$TIMES" | head -n 8 | sed 's/^/  /'
printf '  total: %ds\n' "$SECONDS"
echo
if (( failed > 0 )); then
  printf 'failed:\n'; printf '  %s\n' "${failures[@]}"
  echo "logs: $LOGS/"
fi
if (( skipped > 0 )); then
  printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
else
  printf '%d passed, %d failed\n' "$passed" "$failed"
fi
(( failed == 0 ))
