#!/usr/bin/env bash
# tests/planted/measure.sh — how well `chainfuzz triage` buckets the
# planted-bug set, for BENCHMARKS.md. Not run by `make test` (it fuzzes for
# minutes).
#
# Usage: tests/planted/measure.sh [ARTIFACT_DIR]
#
#  1. tests/planted/generate.sh ARTIFACT_DIR (default build/planted/artifacts):
#     builds the planted targets and fuzzes until the set holds
#     ARTIFACTS_MIN (default 1000) artifacts; artifacts already there count.
#  2. Runs `chainfuzz triage --target build/planted/replay/<t> --out OUT
#     --no-minimize ARTIFACT_DIR/<t>/` for every target (planted_sigkill,
#     which fuzzing cannot make artifacts for, on its committed input in
#     tests/planted/inputs/) and prints, against tests/planted/expected.tsv:
#     buckets found vs bugs planted, bugs with no bucket, buckets split off a
#     bug, misbucketed artifacts (the counts of buckets whose type/access/
#     first frame match no planted bug of their target), inputs triage
#     reported as not reproducible, and the wall time of triage.
#  3. Minimisation: triage again, without --no-minimize, on one artifact per
#     planted bug (the largest of the target; planted_two_bugs: the largest
#     of each path, by the parity of byte 3), and prints original size vs the size of the bucket's
#     reproducer, with the time it took.
# Output is Markdown tables on stdout; progress on stderr.
#
# Environment: ARTIFACTS_MIN, TIME_BUDGET (for generate.sh), PLANTED_CLI
# (default build/replay/bin/chainfuzz), MEASURE_DIR (triage output, default
# build/planted/measure, emptied first), MINIMIZE_TIMEOUT (seconds per
# minimisation run, default 600), TRIAGE_TIMEOUT (seconds per target,
# default 3600), HANG_SECONDS (triage --timeout for the target whose bug is
# a timeout, default 3; the others keep triage's default), CHAINFUZZ_BUILD_DIR.
# Exit: 0 measured; 1 a step failed; 2 usage or environment error.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 2
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
PLANTED=$ROOT/tests/planted
CLI=${PLANTED_CLI:-$BUILD/replay/bin/chainfuzz}
MEASURE_DIR=${MEASURE_DIR:-$BUILD/planted/measure}
MINIMIZE_TIMEOUT=${MINIMIZE_TIMEOUT:-600}
TRIAGE_TIMEOUT=${TRIAGE_TIMEOUT:-3600}
HANG_SECONDS=${HANG_SECONDS:-3}
# shellcheck source=lib.sh
source "$PLANTED/lib.sh"

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
  exit 0
fi
[[ $# -le 1 && ${1:-} != -* ]] || { sed -n '6p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2; exit 2; }
ARTIFACTS=${1:-$BUILD/planted/artifacts}
log() { printf 'measure: %s\n' "$*" >&2; }

# 1. The artifact set.
log "generating artifacts into $ARTIFACTS"
"$PLANTED/generate.sh" "$ARTIFACTS" >&2
gen_rc=$?
[[ $gen_rc == 2 ]] && exit 2
[[ $gen_rc == 0 ]] || log "WARNING: fewer than ${ARTIFACTS_MIN:-1000} artifacts; measuring what there is"
[[ -x $CLI ]] || { log "$CLI not built (./build.sh --flavor replay, once harness/chainfuzz.c exists)"; exit 2; }
[[ -n $(planted_json_tool) ]] || { log "need jq or python3 to read report.json"; exit 2; }

rm -rf "$MEASURE_DIR"
mkdir -p "$MEASURE_DIR/state"
export TMPDIR=$MEASURE_DIR/state # planted_flaky's run counters start at zero

mapfile -t TARGETS < <(planted_expected "$PLANTED/expected.tsv" | cut -f1 | awk '!seen[$0]++')

now_ms() { date +%s%3N; }
seconds() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }

# timeout_opts T prints "--timeout N" for a target whose planted bug is a
# timeout (it hangs on every run, and triage runs each input several times).
timeout_opts() {
  if planted_expects "$PLANTED/expected.tsv" "$1" Timeout; then
    echo "--timeout $HANG_SECONDS"
  fi
}

# inputs_of T prints the directory triage reads for target T.
inputs_of() {
  if [[ -n $(find "$ARTIFACTS/$1" -maxdepth 1 -type f 2>/dev/null | head -n 1) ]]; then
    echo "$ARTIFACTS/$1"
  else
    echo "$PLANTED/inputs/$1"
  fi
}

# 2. Triage without minimisation.
out=$MEASURE_DIR/triage
mkdir -p "$out"
tot_inputs=0 tot_buckets=0 tot_planted=0 tot_found=0 tot_mis=0 tot_split=0
tot_nr=0 tot_ms=0 rows=() failures=0 missed_list=""
for t in "${TARGETS[@]}"; do
  src=$(inputs_of "$t")
  inputs=$(find "$src" -type f | wc -l)
  log "triage $t: $inputs inputs from ${src#"$ROOT"/}"
  t0=$(now_ms)
  timeout -k 10 "$TRIAGE_TIMEOUT" "$CLI" triage --target "$BUILD/planted/replay/$t" \
    --out "$out" --no-minimize $(timeout_opts "$t") "$src" >"$MEASURE_DIR/triage-$t.log" 2>&1
  rc=$?
  ms=$(( $(now_ms) - t0 ))
  if [[ $rc != 0 && $rc != 1 ]]; then
    log "triage $t exited $rc (see $MEASURE_DIR/triage-$t.log)"
    failures=$((failures + 1))
  fi
  mapfile -t expected < <(planted_expected "$PLANTED/expected.tsv" | awk -F'\t' -v t="$t" '$1 == t')
  declare -A hit=()
  buckets=0 mis=0 split=0 sum=0
  for r in "$out/$t"/*/report.json; do
    [[ -f $r ]] || continue
    buckets=$((buckets + 1))
    IFS=$PLANTED_SEP read -r ty ac fr sev cnt fl <<<"$(planted_report_fields "$r")"
    [[ $cnt =~ ^[0-9]+$ ]] || cnt=0
    sum=$((sum + cnt))
    matched=""
    for i in "${!expected[@]}"; do
      IFS=$'\t' read -r _ etype eframe _ _ <<<"${expected[$i]}"
      IFS=$PLANTED_SEP read -r xtype xaccess <<<"$(planted_split_type "$etype")"
      [[ $eframe == - ]] && eframe=""
      if [[ $ty == "$xtype" && ${ac^^} == "$xaccess" && $fr == "$eframe" ]]; then
        matched=$i
        break
      fi
    done
    if [[ -z $matched ]]; then
      mis=$((mis + cnt))
      log "$t: bucket $(basename "$(dirname "$r")") ($ty $ac at ${fr:-no frame}, $cnt inputs) matches no planted bug"
    elif [[ -n ${hit[$matched]:-} ]]; then
      split=$((split + 1))
    fi
    [[ -n $matched ]] && hit[$matched]=1
  done
  found=${#hit[@]}
  planted=${#expected[@]}
  for i in "${!expected[@]}"; do
    [[ -n ${hit[$i]:-} ]] || missed_list="$missed_list $t:$(cut -f3 <<<"${expected[$i]}")"
  done
  unset hit
  nr=$(planted_no_repro "$out" "$t" "$MEASURE_DIR/triage-$t.log")
  [[ -z $nr && $sum == "$inputs" ]] && nr=0
  rows+=("| $t | $inputs | $planted | $buckets | $found | $split | $mis | ${nr:-?} | $(seconds "$ms") |")
  tot_inputs=$((tot_inputs + inputs)); tot_buckets=$((tot_buckets + buckets))
  tot_planted=$((tot_planted + planted)); tot_found=$((tot_found + found))
  tot_mis=$((tot_mis + mis)); tot_split=$((tot_split + split))
  tot_nr=$((tot_nr + ${nr:-0})); tot_ms=$((tot_ms + ms))
done

echo "## Triage of the planted-bug set"
echo
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); \`chainfuzz triage --no-minimize\`, replay flavor."
echo
echo "| target | inputs | planted bugs | buckets | bugs found | split buckets | misbucketed inputs | no-repro | triage s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo "| **total** | $tot_inputs | $tot_planted | $tot_buckets | $tot_found | $tot_split | $tot_mis | $tot_nr | $(seconds "$tot_ms") |"
echo
echo "- buckets found vs bugs planted: $tot_buckets buckets for $tot_planted planted bugs; $tot_found of $tot_planted bugs have their bucket${missed_list:+ (missing:$missed_list)}; $tot_split extra bucket(s) split off a bug"
pct=$(awk -v m="$tot_mis" -v n="$tot_inputs" 'BEGIN { printf "%.2f", n ? 100 * m / n : 0 }')
echo "- misbucketed: $tot_mis of $tot_inputs inputs ($pct%) are in a bucket whose type/frame matches no planted bug of their target; $tot_nr not reproduced"
rate=$(awk -v n="$tot_inputs" -v ms="$tot_ms" 'BEGIN { printf "%.1f", ms ? n * 1000 / ms : 0 }')
echo "- wall time of triage: $(seconds "$tot_ms") s for $tot_inputs inputs ($rate inputs/s)"
echo

# 3. Minimisation on one artifact per planted bug.
# samples prints "target<TAB>path" lines: the largest artifact per target;
# for planted_two_bugs the largest of each path (byte 3 odd: anchor, even:
# leaf).
samples() {
  local t src
  for t in "${TARGETS[@]}"; do
    src=$(inputs_of "$t")
    if [[ $t == planted_two_bugs ]]; then
      local p f best b
      for p in 1 0; do
        best=""
        while IFS= read -r f; do
          b=$(od -An -tu1 -j3 -N1 "$f" | tr -d ' ')
          [[ -n $b && $((b % 2)) == "$p" ]] && { best=$f; break; }
        done < <(find "$src" -type f -printf '%s %p\n' | sort -rn | cut -d' ' -f2-)
        [[ -n $best ]] && printf '%s\t%s\n' "$t" "$best"
      done
    else
      f=$(find "$src" -type f -printf '%s %p\n' | sort -rn | head -n 1 | cut -d' ' -f2-)
      [[ -n $f ]] && printf '%s\t%s\n' "$t" "$f"
    fi
  done
}

echo "## Minimisation (one artifact per planted bug)"
echo
echo "| target | artifact | original bytes | minimised bytes | bucket | triage s |"
echo "|---|---|---:|---:|---|---:|"
orig_sum=0 min_sum=0 nmin=0
while IFS=$'\t' read -r t f; do
  id=$(basename "$f")
  mout=$MEASURE_DIR/minimize/$id
  mkdir -p "$mout"
  log "minimising $t ${f#"$ROOT"/}"
  t0=$(now_ms)
  timeout -k 10 "$MINIMIZE_TIMEOUT" "$CLI" triage --target "$BUILD/planted/replay/$t" \
    --out "$mout" $(timeout_opts "$t") "$f" >"$mout.log" 2>&1
  rc=$?
  ms=$(( $(now_ms) - t0 ))
  orig=$(stat -c %s "$f")
  r=$(find "$mout/$t" -name report.json 2>/dev/null | head -n 1)
  min="?" bucket="-"
  if [[ -n $r ]]; then
    IFS=$PLANTED_SEP read -r ty ac fr _ <<<"$(planted_report_fields "$r")"
    bucket="$ty${ac:+ $ac} ${fr:-}"
    # The reproducer: the bucket's file that is not a report.
    rep=$(find "$(dirname "$r")" -maxdepth 1 -type f ! -name 'report.*' ! -name '.*' \
          -printf '%s %p\n' | sort -n | head -n 1 | cut -d' ' -f1)
    if [[ -n $rep ]]; then
      min=$rep
      orig_sum=$((orig_sum + orig)); min_sum=$((min_sum + min)); nmin=$((nmin + 1))
    fi
  fi
  [[ $rc == 124 || $rc == 137 ]] && bucket="$bucket (timed out after ${MINIMIZE_TIMEOUT} s)"
  echo "| $t | ${id:0:20} | $orig | $min | $bucket | $(seconds "$ms") |"
done < <(samples)
echo
echo "- minimised $nmin artifact(s): $orig_sum bytes in all before, $min_sum after"
(( failures == 0 ))
