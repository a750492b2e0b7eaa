#!/usr/bin/env bash
# harness/fuzz.sh — `make fuzz`, the main job: builds what is missing, runs
# every target (or $TARGETS) with libFuzzer (or AFL++ with ENGINE=afl) for
# $FUZZ_SECONDS each, $JOBS at a time, on a working corpus under
# work/fuzz/<engine>/<target>/ with the committed seeds (corpus/<target>/,
# or its template's: ./build.sh --target-info) read only, then prints one table row per target. New artifacts land in
# crashes/<target>/ and are then triaged (chainfuzz triage) into buckets,
# crashes/<target>/<bucket>/, which `make test` replays (chainfuzz regress).
#
# Environment: FUZZ_SECONDS (default 30), TARGETS (space or comma list,
# default all), ENGINE (libfuzzer | afl), JOBS (default: cores).
# Exit: 0 no new artifact, 1 new artifacts found (triaged), 2 usage or setup
# error, 130 interrupted.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
WORKDIR=${CHAINFUZZ_WORK_DIR:-$ROOT/work}
CRASHES=${CHAINFUZZ_CRASHES_DIR:-$ROOT/crashes}

usage_error() {
  printf 'make fuzz: %s\n' "$*" >&2
  printf 'usage: make fuzz [FUZZ_SECONDS=N] [TARGETS="t1 t2"] [ENGINE=libfuzzer|afl] [JOBS=N]\n' >&2
  printf 'targets: %s\n' "$(./build.sh --list-targets | tr '\n' ' ')" >&2
  exit 2
}

ENGINE=${ENGINE:-libfuzzer}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
[[ $ENGINE == libfuzzer || $ENGINE == afl ]] || usage_error "unknown ENGINE '$ENGINE' (libfuzzer or afl)"
[[ $FUZZ_SECONDS =~ ^[1-9][0-9]*$ ]] || usage_error "FUZZ_SECONDS must be a positive number of seconds, not '$FUZZ_SECONDS'"
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || usage_error "JOBS must be a positive number, not '$JOBS'"

# Each target's template (targets/TEMPLATE.c: .dict/.options beside it)
# and seed directory (corpus/SEEDS): per-validator targets share theirs.
INFO=$(./build.sh --target-info) || exit 2
declare -A TPL SEEDS
while read -r n t s; do TPL[$n]=$t; SEEDS[$n]=$s; done <<<"$INFO"
ALL_TARGETS=$(cut -d' ' -f1 <<<"$INFO")
SELECTED=${TARGETS:-$ALL_TARGETS}
SELECTED=${SELECTED//,/ }
for t in $SELECTED; do
  grep -qx -- "$t" <<<"$ALL_TARGETS" || usage_error "unknown target '$t'"
done

./build.sh --flavor "$ENGINE" || exit 2
BIN=$BUILD/$ENGINE/bin

# libfuzzer_options TARGET prints -key=value flags from its template's
# .options file.
libfuzzer_options() {
  local f=$ROOT/targets/${TPL[$1]}.options
  [[ -f $f ]] || return 0
  awk '/^\[/ { sec = $0; next }
       sec == "[libfuzzer]" && /=/ {
         gsub(/[ \t]/, ""); split($0, kv, "="); printf "-%s=%s\n", kv[1], kv[2] }' "$f"
}

# count_artifacts DIR prints the number of regular files in DIR.
count_artifacts() {
  find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l
}

# run_libfuzzer TARGET: fuzz; write the table row to work/.../row.
run_libfuzzer() {
  local t=$1 dir=$WORKDIR/fuzz/libfuzzer/$1
  local art=$CRASHES/$t before after
  mkdir -p "$dir/corpus" "$art"
  before=$(count_artifacts "$art")
  local args=(-max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -timeout=25
              -rss_limit_mb=2560 -artifact_prefix="$art/")
  [[ -f $ROOT/targets/${TPL[$t]}.dict ]] && args+=(-dict="$ROOT/targets/${TPL[$t]}.dict")
  mapfile -t opts < <(libfuzzer_options "$t")
  args+=("${opts[@]}")
  local seeds=()
  [[ -d $ROOT/corpus/${SEEDS[$t]} ]] && seeds=("$ROOT/corpus/${SEEDS[$t]}")
  # Bounded twice: libFuzzer's own time limit, and timeout(1) as a backstop.
  timeout -k 10 $((FUZZ_SECONDS + 120)) "$BIN/$t" "${args[@]}" "$dir/corpus" "${seeds[@]}" \
    >"$dir/log" 2>&1
  local rc=$?
  after=$(count_artifacts "$art")
  local last execs cov ft corp
  last=$(grep -E '^#[0-9]+' "$dir/log" | grep -E 'cov: ' | tail -n 1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
  execs=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$dir/log" | tail -n 1)
  [[ -n $execs ]] || execs=$(sed -nE 's/.* exec\/s: ([0-9]+).*/\1/p' <<<"$last")
  printf '%s %s %s %s %s %s %s\n' "$t" "${execs:--}" "${cov:--}" "${ft:--}" \
    "${corp:--}" "$((after - before))" "$rc" >"$dir/row"
}

# run_afl TARGET: fuzz with afl-fuzz; crashes and hangs are copied to
# crashes/<target>/ named by content (AFL's names hold ':' and ',').
run_afl() {
  local t=$1 dir=$WORKDIR/fuzz/afl/$1
  local art=$CRASHES/$t before after
  mkdir -p "$dir" "$art"
  before=$(count_artifacts "$art")
  local args=(-V "$FUZZ_SECONDS" -m none -t 25000 -o "$dir/out")
  [[ -f $ROOT/targets/${TPL[$t]}.dict ]] && args+=(-x "$ROOT/targets/${TPL[$t]}.dict")
  # Resume the working queue when there is one, else start from the seeds.
  if [[ -d $dir/out/default/queue ]]; then args+=(-i -); else args+=(-i "$ROOT/corpus/${SEEDS[$t]}"); fi
  # Chain targets take cases: the structural case mutator library
  # (certgen/case_mutator.h) runs next to AFL's own mutations (never
  # AFL_CUSTOM_MUTATOR_ONLY: havoc keeps the byte-level ones).
  local mutator=()
  [[ ($t == chain_* || $t == handshake_live_*) && -f $BUILD/afl/lib/chainfuzz_case_mutator.so ]] &&
    mutator=(AFL_CUSTOM_MUTATOR_LIBRARY="$BUILD/afl/lib/chainfuzz_case_mutator.so")
  env -u AFL_CUSTOM_MUTATOR_ONLY "${mutator[@]}" \
  AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_AUTORESUME=1 \
    timeout -k 10 $((FUZZ_SECONDS + 180)) afl-fuzz "${args[@]}" -- "$BIN/$t" \
    >"$dir/log" 2>&1
  local rc=$? f sum kind dest
  for kind in crash hang; do
    for f in "$dir/out/default/${kind}s"/id*; do
      [[ -f $f ]] || continue
      sum=$(sha1sum "$f" | cut -c1-40)
      dest=$art/afl-$kind-$sum
      [[ -e $dest ]] && continue
      cp "$f" "$dir/artifact.tmp" && mv -f "$dir/artifact.tmp" "$dest"
    done
  done
  after=$(count_artifacts "$art")
  local stats=$dir/out/default/fuzzer_stats execs cov corp
  execs=$(awk -F' *: *' '$1 == "execs_per_sec" {printf "%d", $2}' "$stats" 2>/dev/null)
  cov=$(awk -F' *: *' '$1 == "edges_found" {print $2}' "$stats" 2>/dev/null)
  corp=$(awk -F' *: *' '$1 == "corpus_count" {print $2}' "$stats" 2>/dev/null)
  printf '%s %s %s %s %s %s %s\n' "$t" "${execs:--}" "${cov:--}" "-" \
    "${corp:--}" "$((after - before))" "$rc" >"$dir/row"
}

interrupted=0
trap 'interrupted=1' INT TERM

printf 'make fuzz: %s, %ss per target, %s at a time: %s\n' "$ENGINE" "$FUZZ_SECONDS" \
  "$JOBS" "$(echo $SELECTED)" >&2
running=0
for t in $SELECTED; do
  rm -f "$WORKDIR/fuzz/$ENGINE/$t/row"
  if [[ $ENGINE == libfuzzer ]]; then run_libfuzzer "$t" & else run_afl "$t" & fi
  running=$((running + 1))
  if (( running >= JOBS )); then wait -n; running=$((running - 1)); fi
  (( interrupted )) && break
done
wait

printf '\n%-16s %10s %8s %8s %8s %10s\n' target exec/s cov ft corpus artifacts
total_new=0
for t in $SELECTED; do
  row=$WORKDIR/fuzz/$ENGINE/$t/row
  if [[ ! -f $row ]]; then
    printf '%-16s %10s %8s %8s %8s %10s\n' "$t" - - - - "not run"
    continue
  fi
  read -r name execs cov ft corp new rc <"$row"
  note=""
  (( new > 0 )) && note=" -> $CRASHES/$t/"
  [[ $rc != 0 && $new == 0 && $rc != 124 ]] && note=" (exit $rc, see $WORKDIR/fuzz/$ENGINE/$t/log)"
  printf '%-16s %10s %8s %8s %8s %10s%s\n' "$name" "$execs" "$cov" "$ft" "$corp" "$new" "$note"
  total_new=$((total_new + new))
done
printf '\nlogs and working corpora: %s/fuzz/%s/\n' "$WORKDIR" "$ENGINE"
(( interrupted )) && exit 130
# Triage every raw artifact in crashes/<target>/ (this run's, and any an
# interrupted run left): reproduce with the replay build, classify, bucket,
# minimise into crashes/<target>/<bucket>/, print the bucket table.
triage_dirs=()
for t in $SELECTED; do
  [[ -n $(find "$CRASHES/$t" -maxdepth 1 -type f ! -name '.*' 2>/dev/null) ]] && triage_dirs+=("$CRASHES/$t")
done
if (( ${#triage_dirs[@]} > 0 )); then
  printf '\nmake fuzz: %d new artifact(s); triaging into %s/\n' "$total_new" "$CRASHES"
  ./build.sh --flavor replay || exit 2
  CHAINFUZZ_BUILD_DIR=$BUILD CHAINFUZZ_CRASHES_DIR=$CRASHES \
    "$BUILD/replay/bin/chainfuzz" triage --out "$CRASHES" "${triage_dirs[@]}"
  trc=$?
  [[ $trc == 2 || $trc == 130 ]] && exit "$trc"
  printf 'reproduce a bucket: %s/replay/bin/chainfuzz repro <target> %s/<target>/<bucket>/reproducer\n' \
    "$BUILD" "$CRASHES"
fi
(( total_new > 0 )) && exit 1
exit 0
