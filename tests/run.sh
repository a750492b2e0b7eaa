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
# Closing line: "N passed, N failed". Exit 1 if anything failed. Tests run
# CHAINFUZZ_TEST_JOBS at a time (default: cores); each prints its seconds; the table is written to build/test-logs/times.tsv
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
#   ossfuzz_build_test     an OSS-Fuzz-flags build of every library and
#                          target, then harness/check-build.sh (~10 min:
#                          over the fast tier's budget, issue 12)
#   e2e_afl_test           make fuzz ENGINE=afl on the planted bug: AFL++'s
#                          crashes reach triage and regress (~3 min: the
#                          afl flavor's BoringSSL build is not make test's)
#   certgen_generations_test  the catalogue built by certgen linked with
#                          the snapshot and with upstream BoringSSL, byte
#                          for byte (two OSS-Fuzz builds; skips without
#                          ../shared/upstream)
SLOW_TESTS="e2e_planted_bug_test e2e_afl_test seeds_committed_test ossfuzz_build_test certgen_generations_test"

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

# times.tsv: "SECONDS NAME" per test.
TIMES=$LOGS/times.tsv
took() { printf '%s\t%s\n' "$1" "$2" >>"$TIMES"; }

# tap_result NAME LOG RC SECS: counts each "ok" / "not ok" line of a
# TAP-printing test's log; a program that exits non-zero without a "not
# ok", or prints no result at all, counts as one failure.
tap_result() {
  local name=$1 log=$2 rc=$3 secs=$4 oks nots skips
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

# replay_result NAME LOG RC SECS: a corpus replay passes when the replay
# driver exits 0 (no crash, finding, leak, UBSan report or timeout).
replay_result() {
  local name=$1 log=$2 rc=$3 secs=$4
  if [[ $rc == 0 ]]; then
    pass "$name: $(grep -E '^replay: ' "$log" | tail -n 1) (${secs}s)"
  else
    fail "$name (exit $rc, ${secs}s)" "$log"
  fi
}

# The job pool: tests are independent (each has its own temporary
# directories; the builds tests start, canaries_test's and
# fuzz_check_test's, share the libfuzzer flavor directory and take turns:
# build.sh locks it), so they run CHAINFUZZ_TEST_JOBS at a time (default:
# the number of cores); results are printed in the order queued.
# queue KIND NAME LOG TIMEOUT CMD...: KIND is tap or replay.
TEST_JOBS=${CHAINFUZZ_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
[[ $TEST_JOBS =~ ^[1-9][0-9]*$ ]] ||
  { echo "tests/run.sh: CHAINFUZZ_TEST_JOBS must be a positive number, not '$TEST_JOBS'" >&2; exit 2; }
J_KIND=() J_NAME=() J_LOG=() J_TIMEOUT=() J_CMD=()
queue() {
  J_KIND+=("$1") J_NAME+=("$2") J_LOG+=("$3") J_TIMEOUT+=("$4")
  shift 4
  J_CMD+=("$(printf '%q ' "$@")")
}
# start_job I: runs job I in the background; LOG.rc gets "EXIT SECONDS".
start_job() {
  local i=$1 log=${J_LOG[$1]}
  rm -f "$log.rc"
  (
    t0=$SECONDS
    eval "timeout -k 10 ${J_TIMEOUT[i]} ${J_CMD[i]}" >"$log" 2>&1
    rc=$?
    printf '%s %s\n' "$rc" "$((SECONDS - t0))" >"$log.rc.tmp" && mv -f "$log.rc.tmp" "$log.rc"
  ) &
  J_PIDS+=($!)
}
# run_queue: runs every queued job, at most TEST_JOBS at once, and reports
# each, in queue order, as soon as it and those before it are done.
run_queue() {
  local next=0 report=0 n=${#J_NAME[@]} rc secs done_pid
  J_PIDS=()
  while (( report < n )); do
    while (( ${#J_PIDS[@]} < TEST_JOBS && next < n )); do start_job "$next"; next=$((next + 1)); done
    while (( report < next )) && [[ -f ${J_LOG[report]}.rc ]]; do
      read -r rc secs <"${J_LOG[report]}.rc"
      took "$secs" "${J_NAME[report]}"
      "${J_KIND[report]}_result" "${J_NAME[report]}" "${J_LOG[report]}" "$rc" "$secs"
      report=$((report + 1))
    done
    (( report >= n )) && break
    if (( ${#J_PIDS[@]} > 0 )); then
      done_pid=""
      wait -n -p done_pid "${J_PIDS[@]}"
      mapfile -t J_PIDS < <(for p in "${J_PIDS[@]}"; do [[ $p != "$done_pid" ]] && kill -0 "$p" 2>/dev/null && echo "$p"; done)
    elif [[ ! -f ${J_LOG[report]}.rc ]]; then
      # Its process is gone without a result (killed from outside).
      printf '125 0\n' >"${J_LOG[report]}.rc"
    fi
  done
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

INNER_SKIP="canaries_test conform_test certgen_cli_test triage_cli_test planted_buckets_test seeds_committed_test docs_figures_test fuzz_check_test"

# Script tests first (the longest), then the corpus replays, then the unit
# test binaries (short: they fill the last slots).
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
  limit=$TIMEOUT
  [[ $base == e2e_* ]] && limit=${CHAINFUZZ_E2E_TIMEOUT:-5400}
  queue tap "$base" "$LOGS/$base.log" "$limit" env CHAINFUZZ_BUILD_DIR="$BUILD" bash "$t"
done

# Corpus replays: templates.txt has "TARGET TEMPLATE SEEDS"; per-validator
# targets share the seeds of their template (corpus/chain_verify,
# corpus/chain_oracle).
declare -A SEEDS
while read -r t tpl seeds; do SEEDS[$t]=$seeds; done <"$REPLAY/templates.txt"
for t in $TARGET_LIST; do
  seeds=${SEEDS[$t]:-$t}
  if [[ ! -d corpus/$seeds ]]; then
    fail "corpus/$seeds: missing (every target needs seeds; $t reads them)"
    continue
  fi
  queue replay "corpus/$seeds through $t" "$LOGS/corpus-$t.log" "$TIMEOUT" \
    "$REPLAY/bin/$t" -timeout=25 "corpus/$seeds"
done
for d in corpus/*/; do
  d=$(basename "$d")
  used=0
  for t in "${!SEEDS[@]}"; do [[ ${SEEDS[$t]} == "$d" ]] && used=1 && break; done
  (( used )) || fail "corpus/$d: no target reads it (targets/$d.c, or a template's seeds)"
done

for t in "$REPLAY"/tests/*; do
  [[ -x $t ]] || continue
  queue tap "$(basename "$t")" "$LOGS/$(basename "$t").log" "$TIMEOUT" "$t"
done

echo "== tests, $TEST_JOBS at a time: script tests, corpus/ replays, unit tests"
run_queue

echo "== regress crashes/ (chainfuzz regress)"
# One TAP line per bucket: an open bucket still failing is expected (xfail,
# ok); a bucket marked fixed that fails again, a changed crash, or a raw
# untriaged artifact is "not ok".
if [[ -d $CRASHES ]]; then
  J_KIND=() J_NAME=() J_LOG=() J_TIMEOUT=() J_CMD=()
  queue tap "chainfuzz regress" "$LOGS/regress.log" "$TIMEOUT" \
    env CHAINFUZZ_BUILD_DIR="$BUILD" "$REPLAY/bin/chainfuzz" regress --dir "$CRASHES"
  run_queue
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
