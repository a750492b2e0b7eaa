#!/usr/bin/env bash
# tests/planted/generate.sh — builds the planted-bug targets (tests/planted/
# planted_*.c) and fuzzes them into a set of crash artifacts, the input of
# the triage measurement (tests/planted/measure.sh).
#
# Usage: tests/planted/generate.sh [--build-only] [--flavor F] [OUTDIR]
#   --build-only  build, do not fuzz
#   --flavor F    replay | libfuzzer | all (default: all when fuzzing; the
#                 libfuzzer build is always made when fuzzing)
#   OUTDIR        where artifacts go, one directory per target
#                 (default build/planted/artifacts)
#
# Builds, from the flags ./build.sh wrote to build/<flavor>/flavor.env
# (CC, CXX, CFLAGS, LDFLAGS, BSSL_INC, BSSL_LIB), every planted target into
# build/planted/<flavor>/<name>: the libfuzzer flavor links libFuzzer, the
# replay flavor links build/replay/obj/harness/replay_driver.o; both link
# build/<flavor>/libchainfuzz.a and BoringSSL's libcrypto (the finding
# target needs lib/finding.c, lib/verdict.c and SHA-1). A binary is rebuilt
# when its source, a header, the flavor's flags or libraries changed.
#
# Fuzzing: rounds in which every target runs in parallel (a target stops
# once it holds twice its share of ARTIFACTS_MIN, so that the fast ones do
# not swamp the set)
#   -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -timeout=1
#   -len_control=0 -max_total_time=ROUND -artifact_prefix=OUTDIR/<name>/
# from a one-file seed corpus under build/planted/work/<name>/, until
# OUTDIR holds at least ARTIFACTS_MIN artifacts in all or the time budget
# is spent. libFuzzer names them crash-|leak-|timeout-<sha1 of the input>,
# so a rerun adds only new inputs. planted_sigkill is not fuzzed: a process
# killed by SIGKILL cannot save its input (its committed input is in
# tests/planted/inputs/planted_sigkill/). Prints the artifacts per target.
#
# Environment: ARTIFACTS_MIN (default 1000), TIME_BUDGET seconds (default
# 600, the whole fuzzing phase), ROUND_SECONDS (default 60),
# CHAINFUZZ_BUILD_DIR (default build/).
# Exit: 0 done (and, when fuzzing, ARTIFACTS_MIN reached); 1 fuzzing ended
# below ARTIFACTS_MIN or a build failed; 2 usage or environment error.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 2
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
PLANTED=$ROOT/tests/planted
OUT_BASE=$BUILD/planted

# usage [STATUS]: the usage lines of the header; on stdout for --help
# (status 0), on stderr otherwise.
usage() {
  local status=${1:-2}
  if [[ $status == 0 ]]; then
    sed -n '6,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  else
    sed -n '6,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  fi
  exit "$status"
}

build_only=0
flavor=""
outdir=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --build-only) build_only=1 ;;
    --flavor) [[ $# -ge 2 ]] || usage; flavor=$2; shift ;;
    --flavor=*) flavor=${1#--flavor=} ;;
    -h|--help) usage 0 ;;
    -*) printf 'generate.sh: unknown option %s\n' "$1" >&2; usage ;;
    *) [[ -z $outdir ]] || usage; outdir=$1 ;;
  esac
  shift
done
case ${flavor:-all} in
  replay) flavors="replay" ;;
  libfuzzer) flavors="libfuzzer" ;;
  all) flavors="libfuzzer replay" ;;
  *) printf 'generate.sh: unknown flavor %s (replay, libfuzzer or all)\n' "$flavor" >&2; exit 2 ;;
esac
if [[ $build_only == 0 && " $flavors " != *" libfuzzer "* ]]; then
  flavors="libfuzzer $flavors"
fi
outdir=${outdir:-$OUT_BASE/artifacts}
ARTIFACTS_MIN=${ARTIFACTS_MIN:-1000}
TIME_BUDGET=${TIME_BUDGET:-600}
ROUND_SECONDS=${ROUND_SECONDS:-60}
for v in ARTIFACTS_MIN TIME_BUDGET ROUND_SECONDS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { printf 'generate.sh: %s must be a number\n' "$v" >&2; exit 2; }
done

mapfile -t SOURCES < <(find "$PLANTED" -maxdepth 1 -name '*.c' | sort)
[[ ${#SOURCES[@]} -gt 0 ]] || { echo "generate.sh: no tests/planted/*.c" >&2; exit 2; }
NAMES=()
for s in "${SOURCES[@]}"; do NAMES+=("$(basename "$s" .c)"); done

# build_flavor F: builds every planted target in flavor F.
build_flavor() {
  local f=$1 env=$BUILD/$1/flavor.env
  if [[ ! -f $env ]]; then
    printf 'generate.sh: %s missing: run ./build.sh --flavor %s first\n' "$env" "$f" >&2
    return 2
  fi
  (
    # shellcheck disable=SC1090
    source "$env"
    local libcf=$BUILD/$f/libchainfuzz.a crypto=$BSSL_LIB/libcrypto.a driver=""
    [[ $f == replay ]] && driver=$BUILD/replay/obj/harness/replay_driver.o
    for need in "$libcf" "$crypto" $driver; do
      [[ -f $need ]] || { printf 'generate.sh: %s missing: run ./build.sh --flavor %s\n' "$need" "$f" >&2; exit 2; }
    done
    local dir=$OUT_BASE/$f rc=0 built=0
    mkdir -p "$dir/obj"
    local deps=("$env" "$libcf" "$crypto" "$ROOT"/include/chainfuzz/*.h "${BASH_SOURCE[0]}")
    [[ -n $driver ]] && deps+=("$driver")
    for s in "${SOURCES[@]}"; do
      local name bin obj stale=0
      name=$(basename "$s" .c); bin=$dir/$name; obj=$dir/obj/$name.o
      [[ -x $bin ]] || stale=1
      for d in "$s" "${deps[@]}"; do [[ $d -nt $bin ]] && stale=1; done
      [[ $stale == 1 ]] || continue
      # Same compile and link lines as mk/chainfuzz.mk uses for targets/.
      if $CC -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $CFLAGS \
           -Wall -Wextra -Werror -Wno-unused-parameter \
           -I"$ROOT/include" -I"$BSSL_INC" -c "$s" -o "$obj.tmp" &&
         mv -f "$obj.tmp" "$obj" &&
         $CXX $CFLAGS "$obj" $driver "$libcf" "$crypto" $LDFLAGS -lpthread -o "$bin.tmp" &&
         mv -f "$bin.tmp" "$bin"; then
        built=$((built + 1))
      else
        printf 'generate.sh: building %s (%s) failed\n' "$name" "$f" >&2
        rm -f "$obj.tmp" "$bin.tmp"
        rc=1
      fi
    done
    printf 'generate.sh: %s: %d planted targets in %s (%d rebuilt)\n' \
      "$f" "${#SOURCES[@]}" "$dir" "$built" >&2
    exit $rc
  )
}

for f in $flavors; do
  build_flavor "$f" || exit $?
done
[[ $build_only == 1 ]] && exit 0

# ---------------------------------------------------------------- fuzz --

# Targets that fuzzing can make artifacts for.
FUZZ=()
for n in "${NAMES[@]}"; do
  [[ $n == planted_sigkill ]] && continue
  FUZZ+=("$n")
done
WORK=$OUT_BASE/work
mkdir -p "$outdir" "$WORK/tmp"

# count_artifacts DIR prints the number of libFuzzer artifacts in DIR.
count_artifacts() {
  find "$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o \
    -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) 2>/dev/null | wc -l
}
total_artifacts() {
  local t=0 n
  for n in "${NAMES[@]}"; do t=$((t + $(count_artifacts "$outdir/$n"))); done
  echo "$t"
}

# fuzz_one NAME SECONDS ROUND: one libFuzzer fork-mode run.
fuzz_one() {
  local n=$1 secs=$2 round=$3 corpus=$WORK/$1/corpus
  mkdir -p "$corpus" "$outdir/$n"
  # A tiny seed, as long as the longest record (planted_finding needs 12
  # bytes): the magic prefixes are found by libFuzzer's CMP tracing.
  [[ -n $(ls -A "$corpus") ]] || printf 'seed-0123456789abcdef' >"$corpus/seed"
  # symbolize=0: the reports are not read here (triage re-runs every
  # artifact), and skipping llvm-symbolizer roughly doubles the crash rate.
  TMPDIR=$WORK/tmp ASAN_OPTIONS=symbolize=0:detect_leaks=1 \
  UBSAN_OPTIONS=symbolize=0 \
    timeout -k 10 $((secs + 60)) "$OUT_BASE/libfuzzer/$n" \
      -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
      -timeout=1 -len_control=0 -rss_limit_mb=2048 -max_total_time="$secs" \
      -artifact_prefix="$outdir/$n/" "$corpus" \
      >"$WORK/$n/fuzz-$round.log" 2>&1
}

cap=$(( 2 * ((ARTIFACTS_MIN + ${#FUZZ[@]} - 1) / ${#FUZZ[@]}) ))
start=$(date +%s)
round=0
printf 'generate.sh: fuzzing %d targets into %s until %d artifacts (budget %d s)\n' \
  "${#FUZZ[@]}" "$outdir" "$ARTIFACTS_MIN" "$TIME_BUDGET" >&2
while :; do
  total=$(total_artifacts)
  elapsed=$(( $(date +%s) - start ))
  (( total >= ARTIFACTS_MIN )) && break
  left=$(( TIME_BUDGET - elapsed ))
  (( left >= 5 )) || break
  secs=$(( left < ROUND_SECONDS ? left : ROUND_SECONDS ))
  round=$((round + 1))
  run=()
  for n in "${FUZZ[@]}"; do
    (( $(count_artifacts "$outdir/$n") < cap )) && run+=("$n")
  done
  [[ ${#run[@]} -gt 0 ]] || run=("${FUZZ[@]}")
  printf 'generate.sh: round %d (%d s, %d so far): %s\n' "$round" "$secs" "$total" "${run[*]}" >&2
  pids=()
  for n in "${run[@]}"; do
    fuzz_one "$n" "$secs" "$round" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
done
elapsed=$(( $(date +%s) - start ))

printf '%-20s %9s\n' target artifacts
for n in "${NAMES[@]}"; do
  printf '%-20s %9d\n' "$n" "$(count_artifacts "$outdir/$n")"
done
total=$(total_artifacts)
printf '%-20s %9d  (%d s of fuzzing, %d rounds)\n' total "$total" "$elapsed" "$round"
(( total >= ARTIFACTS_MIN ))
