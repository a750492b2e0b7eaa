#!/usr/bin/env bash
# mutator_record_test.sh — a crash inside a custom mutator leaves something
# reproducible (issue 18; mutation records: certgen/case_mutator.h).
#
# tests/replay/mutator_crash_target.c has a custom mutator with a planted
# heap over-read (planted_mutate: an input starting "BUG", a seed that is a
# multiple of 3), hooked like CF_CASE_CUSTOM_MUTATOR's. Built from the
# replay flavor's flags and libraries (build/replay/flavor.env) twice: with
# the replay driver, and with libFuzzer when this clang has it. Then:
#   - libFuzzer fuzzing it from a "BUG..." seed (bounded by -runs) dies
#     inside the mutator: its artifact is the empty input, and the mutation
#     record .mutation-<pid> lies beside it (-artifact_prefix), exactly the
#     record of the call;
#   - the record alone reproduces the crash with the replay binary, in
#     planted_mutate under LLVMFuzzerCustomMutator;
#   - chainfuzz triage files the record as a "mutator crash" in a bucket
#     whose crash state is planted_mutate, and the empty artifact in
#     no-repro with a hint;
#   - a run without a crash leaves no record file; CHAINFUZZ_MUTATION_RECORD=0
#     writes none.
# Without libFuzzer the record is written by hand (the format of
# case_mutator.h) and the libFuzzer checks are skipped. Output: TAP.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
R=$BUILD/replay
CLI=$R/bin/chainfuzz
n=0; failed=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
finish() { echo "1..$n"; exit $failed; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

for need in "$R/flavor.env" "$R/libcertgen.a" "$R/libchainfuzz.a" "$R/obj/harness/replay_driver.o" "$CLI"; do
  if [[ ! -e $need ]]; then
    ok 1 "$need missing: run ./build.sh --flavor replay"; finish
  fi
done
# shellcheck disable=SC1091
source "$R/flavor.env"
SRC=$ROOT/tests/replay/mutator_crash_target.c
# CFLAGS and LDFLAGS are word lists (flavor.env), split on purpose.
# shellcheck disable=SC2086,SC2206
CF=(-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $CFLAGS -Wall -Wextra -Werror
    -Wno-unused-parameter -I"$ROOT/include" -I"$ROOT/certgen" -I"$BSSL_INC")
LIBS=("$R/libcertgen.a" "$R/libchainfuzz.a" "$BSSL_LIB/libcrypto.a")
# shellcheck disable=SC2086
$CC "${CF[@]}" -c "$SRC" -o "$tmp/t.o" 2>"$tmp/cc.err" &&
  $CXX $CFLAGS "$tmp/t.o" "$R/obj/harness/replay_driver.o" "${LIBS[@]}" $LDFLAGS -lpthread \
    -o "$tmp/mutator_crash_target" 2>>"$tmp/cc.err"
ok $? "the planted target builds with the replay driver"
[[ -x $tmp/mutator_crash_target ]] || { sed 's/^/# /' "$tmp/cc.err" | head -n 20; finish; }
REPLAY=$tmp/mutator_crash_target
have_lf=0
# shellcheck disable=SC2086
if $CC "${CF[@]}" -fsanitize=fuzzer -c "$SRC" -o "$tmp/tlf.o" 2>/dev/null &&
   $CXX $CFLAGS -fsanitize=fuzzer "$tmp/tlf.o" "${LIBS[@]}" $LDFLAGS -lpthread \
     -o "$tmp/lf" 2>/dev/null; then
  have_lf=1
fi

mkdir -p "$tmp/seeds" "$tmp/art/mutator_crash_target"
printf 'BUG-planted-mutator-seed' >"$tmp/seeds/bug"
ART=$tmp/art/mutator_crash_target
if [[ $have_lf == 1 ]]; then
  (cd "$tmp" && ./lf -runs=2000 -seed=1 -artifact_prefix="$ART/" seeds >"$tmp/lf.log" 2>&1)
  rc=$?
  empty=$(find "$ART" -name 'crash-*' -size 0 | wc -l)
  records=$(find "$ART" -name '.mutation-*' -size +0 | wc -l)
  ok "$([[ $rc != 0 && $empty == 1 && $records == 1 ]]; echo $?)" \
    "libFuzzer dies inside the mutator (exit $rc): its artifact is the empty input ($empty), the record .mutation-<pid> lies beside it ($records)"
  grep -q 'planted_mutate' "$tmp/lf.log"
  ok $? "libFuzzer's report names planted_mutate"
  rec=$(find "$ART" -name '.mutation-*' | head -n 1)
  # The input must start with "BUG" for the planted bug to fire.
  ok "$([[ -n $rec && $(head -c 4 "$rec") == CFMR && $(tail -c +21 "$rec" | head -c 3) == BUG ]]; echo $?)" \
    "the record is a record of the crashing call: its input starts with BUG (${rec##*/})"
else
  skip "libFuzzer dies inside the mutator, leaving the empty input and a record" "no libFuzzer in this clang"
  skip "libFuzzer's report names planted_mutate" "no libFuzzer"
  skip "the record is a record of the crashing call" "no libFuzzer"
  # The record the hook would have written (case_mutator.h's format):
  # "CFMR" 1 op=0 flags=0 0, seed 3, max_size 4096, size 24, the input.
  : >"$ART/crash-da39a3ee5e6b4b0d3255bfef95601890afd80709"
  { printf 'CFMR\001\000\000\000\000\000\000\003\000\000\020\000\000\000\000\030'
    cat "$tmp/seeds/bug"; } >"$ART/.mutation-1"
fi
rec=$(find "$ART" -name '.mutation-*' | head -n 1)
if [[ -n $rec ]]; then
  "$REPLAY" "$rec" >"$tmp/replay.out" 2>&1
  rc=$?
  grep -q 'heap-buffer-overflow' "$tmp/replay.out" && grep -q 'planted_mutate' "$tmp/replay.out" &&
    grep -q 'LLVMFuzzerCustomMutator' "$tmp/replay.out"
  said=$?
  ok "$([[ $rc != 0 && $said == 0 ]]; echo $?)" \
    "the record alone reproduces the crash with the replay binary (exit $rc; heap-buffer-overflow in planted_mutate under LLVMFuzzerCustomMutator)"

  "$CLI" triage --target "$REPLAY" --out "$tmp/out" "$tmp/art" >"$tmp/triage.out" 2>"$tmp/triage.err"
  rc=$?
  grep -q 'mutation record (LLVMFuzzerCustomMutator' "$tmp/triage.err" &&
    grep -q 'mutator crash: Heap-buffer-overflow READ' "$tmp/triage.err"
  said=$?
  ok "$([[ $rc == 1 && $said == 0 ]]; echo $?)" "chainfuzz triage says: mutator crash (exit $rc: a new bucket)"
  state=""
  for j in "$tmp"/out/mutator_crash_target/*/report.json; do
    [[ -f $j ]] || continue
    s=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["type"], "|", "/".join(j["state"]))' "$j" 2>/dev/null)
    [[ $s == Heap-buffer-overflow* ]] && state=$s
  done
  ok "$([[ $state == *planted_mutate* ]]; echo $?)" "its bucket's crash state is the mutator's frame ($state)"
  grep -q 'an empty input: a crash before the target ran' "$tmp/triage.err" &&
    [[ -f $tmp/out/mutator_crash_target/no-repro/no-repro.json ]]
  ok $? "the empty artifact goes to no-repro, with a hint at the record"
else
  ok 1 "no record to replay"
fi

if [[ $have_lf == 1 ]]; then
  mkdir -p "$tmp/clean/seeds" "$tmp/clean/art"
  printf 'no-bug-here-at-all' >"$tmp/clean/seeds/ok"
  (cd "$tmp/clean" && ../lf -runs=300 -seed=2 -artifact_prefix="$tmp/clean/art/" seeds >"$tmp/clean.log" 2>&1)
  rc=$?
  ok "$([[ $rc == 0 && $(find "$tmp/clean/art" -type f | wc -l) == 0 ]]; echo $?)" \
    "300 runs without a crash leave no file at all: the exit removed the record file (exit $rc)"
  mkdir -p "$tmp/off/art"
  (cd "$tmp" && CHAINFUZZ_MUTATION_RECORD=0 ./lf -runs=2000 -seed=1 -artifact_prefix="$tmp/off/art/" seeds >"$tmp/off.log" 2>&1)
  rc=$?
  ok "$([[ $rc != 0 && $(find "$tmp/off/art" -name '*mutation-*' | wc -l) == 0 ]]; echo $?)" \
    "CHAINFUZZ_MUTATION_RECORD=0: the same crash (exit $rc) leaves no record"
else
  skip "a run without a crash leaves no record" "no libFuzzer"
  skip "CHAINFUZZ_MUTATION_RECORD=0 writes no record" "no libFuzzer"
fi
finish
