#!/usr/bin/env bash
# harness/fuzz.sh — `make fuzz`, the main job: builds what is missing, runs
# every target (or $TARGETS) with libFuzzer (or AFL++ with ENGINE=afl),
# $JOBS at a time, on a working corpus under work/fuzz/<engine>/<target>/
# with the committed seeds (corpus/<target>/, or its template's:
# ./build.sh --target-info) read only, then prints one table row per target.
# New artifacts land in crashes/<target>/ and are then triaged (chainfuzz
# triage, with the fuzzing binaries) into buckets,
# crashes/<target>/<bucket>/, which `make test` replays (chainfuzz regress).
#
# Budget: FUZZ_SECONDS of fuzzing per target, counted from the end of its
# seed pass (libFuzzer's INITED line: replaying a large corpus does not eat
# the budget; the seed pass itself is bounded by FUZZ_SEED_SECONDS, a hang
# backstop); FUZZ_RUNS, when set, also bounds each target by runs.
#
# First run: only the libraries the selected targets need are built. The
# targets that do not need OpenSSL (the slowest library to build) are built
# first and start fuzzing while OpenSSL builds in the background, niced.
#
# libFuzzer's slow-unit-* files (an input slower than -report_slow_units)
# are not crashes: they are moved to work/fuzz/<engine>/<target>/slow/ and
# counted in their own column.
#
# Environment: FUZZ_SECONDS (default 30), FUZZ_RUNS (default: none; with
# libFuzzer the seed pass counts: -runs), FUZZ_SEED (default: none, the
# engine picks; a number makes the run repeatable: libFuzzer -seed, afl-fuzz
# -s), FUZZ_SEED_SECONDS (default 600), TARGETS (space or comma list,
# default all), ENGINE (libfuzzer | afl), JOBS (default: cores), CMPLOG
# (ENGINE=afl: 1 also builds the afl-cmplog flavor and gives afl-fuzz -c).
#
# AFL++ with more cores than targets (JOBS > number of targets): each target
# gets JOBS / targets afl-fuzz instances sharing its output directory, one
# main (-M default) and secondaries (-S secondaryN); with CMPLOG=1 the
# CMPLOG binary goes to the only instance, or to the first secondary (AFL++'s
# advice: one or two instances, not all). The table sums exec/s, crashes and
# hangs over a target's instances and shows the lowest stability;
# FUZZ_RUNS and FUZZ_SECONDS bound each instance.
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
  printf 'usage: make fuzz [FUZZ_SECONDS=N] [FUZZ_RUNS=N] [FUZZ_SEED=N] [TARGETS="t1 t2"] [ENGINE=libfuzzer|afl] [JOBS=N] [CMPLOG=0|1]\n' >&2
  printf 'targets: %s\n' "$(./build.sh --list-targets | tr '\n' ' ')" >&2
  exit 2
}
say() { printf 'make fuzz: %s\n' "$*" >&2; }

ENGINE=${ENGINE:-libfuzzer}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_RUNS=${FUZZ_RUNS:-}
FUZZ_SEED=${FUZZ_SEED:-}
FUZZ_SEED_SECONDS=${FUZZ_SEED_SECONDS:-600}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
CMPLOG=${CMPLOG:-0}
[[ $ENGINE == libfuzzer || $ENGINE == afl ]] || usage_error "unknown ENGINE '$ENGINE' (libfuzzer or afl)"
[[ $FUZZ_SECONDS =~ ^[1-9][0-9]*$ ]] || usage_error "FUZZ_SECONDS must be a positive number of seconds, not '$FUZZ_SECONDS'"
[[ -z $FUZZ_RUNS || $FUZZ_RUNS =~ ^[1-9][0-9]*$ ]] || usage_error "FUZZ_RUNS must be a positive number of runs, not '$FUZZ_RUNS'"
[[ -z $FUZZ_SEED || $FUZZ_SEED =~ ^[1-9][0-9]{0,8}$ ]] || usage_error "FUZZ_SEED must be a number from 1 to 999999999, not '$FUZZ_SEED'"
[[ $FUZZ_SEED_SECONDS =~ ^[1-9][0-9]*$ ]] || usage_error "FUZZ_SEED_SECONDS must be a positive number of seconds, not '$FUZZ_SEED_SECONDS'"
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || usage_error "JOBS must be a positive number, not '$JOBS'"
[[ $CMPLOG == 0 || $CMPLOG == 1 ]] || usage_error "CMPLOG must be 0 or 1, not '$CMPLOG'"
[[ $CMPLOG == 1 && $ENGINE != afl ]] && usage_error "CMPLOG=1 is for ENGINE=afl (AFL++'s -c; libFuzzer has -use_cmp on by default)"

# Each target's template (targets/TEMPLATE.c: .dict/.options beside it)
# and seed directory (corpus/SEEDS): per-validator targets share theirs.
INFO=$(./build.sh --target-info) || exit 2
declare -A TPL SEEDS
while read -r n t s; do TPL[$n]=$t; SEEDS[$n]=$s; done <<<"$INFO"
ALL_TARGETS=$(cut -d' ' -f1 <<<"$INFO")
SELECTED=${TARGETS:-$ALL_TARGETS}
SELECTED=$(echo ${SELECTED//,/ })
for t in $SELECTED; do
  grep -qx -- "$t" <<<"$ALL_TARGETS" || usage_error "unknown target '$t'"
done
[[ -n $SELECTED ]] || usage_error "TARGETS names no target"

mkdir -p "$WORKDIR/fuzz/$ENGINE" || exit 2
BIN=$BUILD/$ENGINE/bin
STATE=$WORKDIR/fuzz/$ENGINE

# Two build stages: targets that need OpenSSL (late) build in the
# background while the others (early) fuzz.
early="" late=""
while read -r t libs; do
  if [[ " $libs " == *" openssl "* ]]; then late="$late $t"; else early="$early $t"; fi
done < <(./build.sh --libs-of "$SELECTED") || exit 2
early=$(echo $early) late=$(echo $late)
if [[ -z $early || -z $late ]]; then early=$SELECTED late=""; fi

# FLAVORS: what to build: the engine's flavor, and AFL++'s CMPLOG binaries.
FLAVORS=$ENGINE
[[ $CMPLOG == 1 ]] && FLAVORS="$ENGINE,afl-cmplog"
build_started=$(date +%s)
say "building the $FLAVORS flavor of: $early"
./build.sh --flavor "$FLAVORS" --targets "$early" || exit 2
late_pid=""
if [[ -n $late ]]; then
  say "building in the background (niced; log $STATE/build-late.log): $late"
  # Its own process group (setsid), so it can be stopped whole.
  setsid nice -n 10 ./build.sh --flavor "$FLAVORS" --targets "$late" >"$STATE/build-late.log" 2>&1 &
  late_pid=$!
fi
LATE_OK=1
# wait_late: waits for the background build once; 0 when it succeeded.
wait_late() {
  if [[ -n $late_pid ]]; then
    say "waiting for the background build of: $late"
    wait "$late_pid"; local rc=$?
    (( interrupted )) && return 1
    late_pid=""
    if [[ $rc != 0 ]]; then
      LATE_OK=0
      say "the background build failed (exit $rc); its targets are not run:"
      tail -n 20 "$STATE/build-late.log" | sed 's/^/  | /' >&2
    else
      say "background build done"
    fi
  fi
  [[ $LATE_OK == 1 ]]
}

# libfuzzer_options TARGET prints -key=value flags from its template's
# .options file.
. "$ROOT/harness/options.sh"
libfuzzer_options() { cf_libfuzzer_options "$ROOT/targets/${TPL[$1]}.options"; }

# count_artifacts DIR prints the number of crash artifacts in DIR (regular
# files; libFuzzer's slow-unit-* files are not crashes).
count_artifacts() {
  find "$1" -maxdepth 1 -type f ! -name 'slow-unit-*' ! -name '.*' 2>/dev/null | wc -l
}

# move_slow_units ART DEST: slow-unit-* files out of the crash directory.
move_slow_units() {
  local f
  for f in "$1"/slow-unit-*; do
    [[ -f $f ]] || continue
    mkdir -p "$2" && mv -f "$f" "$2/"
  done
}

# run_libfuzzer TARGET: fuzz FUZZ_SECONDS after the seed pass; write the
# table row to $STATE/<target>/row.
run_libfuzzer() {
  local t=$1 dir=$STATE/$1
  local art=$CRASHES/$t before after
  mkdir -p "$dir/corpus" "$art"
  move_slow_units "$art" "$dir/slow"
  before=$(count_artifacts "$art")
  local args=(-print_final_stats=1 -timeout=25 -rss_limit_mb=2560 -artifact_prefix="$art/")
  [[ -n $FUZZ_RUNS ]] && args+=(-runs="$FUZZ_RUNS")
  [[ -n $FUZZ_SEED ]] && args+=(-seed="$FUZZ_SEED")
  [[ -f $ROOT/targets/${TPL[$t]}.dict ]] && args+=(-dict="$ROOT/targets/${TPL[$t]}.dict")
  mapfile -t opts < <(libfuzzer_options "$t")
  args+=("${opts[@]}")
  local seeds=()
  [[ -d $ROOT/corpus/${SEEDS[$t]} ]] && seeds=("$ROOT/corpus/${SEEDS[$t]}")
  # libFuzzer's own -max_total_time is the hang backstop (seed pass +
  # budget + margin); the budget itself starts at INITED and ends with
  # SIGUSR1, libFuzzer's graceful exit: it finishes the current input,
  # prints its final stats and exits 0. (SIGINT exits from the signal
  # handler, which can deadlock on a lock the interrupted code holds.)
  "$BIN/$t" "${args[@]}" -max_total_time=$((FUZZ_SEED_SECONDS + FUZZ_SECONDS + 60)) \
    "$dir/corpus" "${seeds[@]}" >"$dir/log" 2>&1 &
  local pid=$! t0 t_init="" seed_s="-" stopped=0
  t0=$(date +%s)
  while kill -0 "$pid" 2>/dev/null; do
    if [[ -z $t_init ]] && grep -qE '^#[0-9]+[[:space:]]+INITED' "$dir/log"; then
      t_init=$(date +%s); seed_s=$((t_init - t0))
      say "$t: seed pass done in ${seed_s}s; fuzzing ${FUZZ_SECONDS}s"
    fi
    if [[ -n $t_init ]] && (( $(date +%s) - t_init >= FUZZ_SECONDS )); then
      kill -USR1 "$pid" 2>/dev/null; stopped=1; break
    fi
    if [[ -z $t_init ]] && (( $(date +%s) - t0 >= FUZZ_SEED_SECONDS )); then
      say "$t: seed pass still running after ${FUZZ_SEED_SECONDS}s (FUZZ_SEED_SECONDS); stopping it"
      kill -USR1 "$pid" 2>/dev/null; stopped=1; break
    fi
    sleep 1
  done
  # A process that has not exited 60 s after SIGUSR1 (an input that hangs
  # until -timeout) is killed; its figures come from its last status line.
  local waited=0
  while (( stopped )) && kill -0 "$pid" 2>/dev/null && (( waited < 60 )); do sleep 1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null
    echo "make fuzz: killed: no exit 60 s after SIGUSR1" >>"$dir/log"
  fi
  wait "$pid" 2>/dev/null
  local rc=$?
  (( stopped )) && [[ $rc == 137 ]] && rc=0
  local t_end fuzz_s
  t_end=$(date +%s)
  fuzz_s=$(( t_end - ${t_init:-$t_end} ))
  move_slow_units "$art" "$dir/slow"
  after=$(count_artifacts "$art")
  local slow
  slow=$(find "$dir/slow" -maxdepth 1 -type f 2>/dev/null | wc -l)
  local last cov ft corp init_runs runs execs
  last=$(grep -E '^#[0-9]+' "$dir/log" | grep -E 'cov: ' | tail -n 1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
  # exec/s of the fuzzing phase alone: runs after INITED over its seconds.
  init_runs=$(sed -nE 's/^#([0-9]+)[[:space:]]+INITED.*/\1/p' "$dir/log" | head -n 1)
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$dir/log" | tail -n 1)
  [[ -n $runs ]] || runs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$last")
  execs=-
  if [[ -n $init_runs && -n $runs ]] && (( fuzz_s > 0 )); then
    execs=$(( (runs - init_runs) / fuzz_s ))
  fi
  printf '%s %s %s %s %s %s %s %s %s %s\n' "$t" "$execs" "${cov:--}" "${ft:--}" \
    "${corp:--}" "$((after - before))" "$slow" "$seed_s" "$fuzz_s" "$rc" >"$dir/row"
}

# afl_stat FILE KEY prints one value of an AFL++ fuzzer_stats file.
afl_stat() { awk -F' *: *' -v k="$2" '$1 == k {print $2}' "$1" 2>/dev/null; }

# run_afl TARGET: fuzz with AFL_INSTANCES afl-fuzz processes (one main and
# secondaries when more than one); crashes and hangs are copied to
# crashes/<target>/ named by content (AFL's names hold ':' and ',').
run_afl() {
  local t=$1 dir=$STATE/$1
  local art=$CRASHES/$t before after
  mkdir -p "$dir" "$art"
  before=$(count_artifacts "$art")
  local base=(-V "$FUZZ_SECONDS" -m none -t 25000 -o "$dir/out")
  [[ -n $FUZZ_RUNS ]] && base+=(-E "$FUZZ_RUNS")
  [[ -f $ROOT/targets/${TPL[$t]}.dict ]] && base+=(-x "$ROOT/targets/${TPL[$t]}.dict")
  local cmplog=()
  [[ $CMPLOG == 1 && -x $BUILD/afl-cmplog/bin/$t ]] && cmplog=(-c "$BUILD/afl-cmplog/bin/$t")
  # Targets that take cases, those whose source has libFuzzer's structural
  # mutator (CF_CASE_CUSTOM_MUTATOR: chain_verify_*, chain_diff,
  # handshake_live_*), get the same mutator as an AFL++ library
  # (certgen/case_mutator.h), next to AFL's own mutations (never
  # AFL_CUSTOM_MUTATOR_ONLY: havoc keeps the byte-level ones). Not
  # chain_oracle_*: its recipe bytes are no case.
  local mutator=()
  grep -q '^CF_CASE_CUSTOM_MUTATOR()' "$ROOT/targets/${TPL[$t]}.c" 2>/dev/null &&
    [[ -f $BUILD/afl/lib/chainfuzz_case_mutator.so ]] &&
    mutator=(AFL_CUSTOM_MUTATOR_LIBRARY="$BUILD/afl/lib/chainfuzz_case_mutator.so")
  local names=(default) i name t0 ipids=()
  for ((i = 1; i < AFL_INSTANCES; i++)); do names+=("secondary$i"); done
  t0=$(date +%s)
  for i in "${!names[@]}"; do
    name=${names[$i]}
    local args=("${base[@]}")
    if (( AFL_INSTANCES > 1 )); then
      if (( i == 0 )); then args+=(-M default); else args+=(-S "$name"); fi
    fi
    (( ${#cmplog[@]} > 0 && (AFL_INSTANCES == 1 || i == 1) )) && args+=("${cmplog[@]}")
    # A fixed seed per instance, not the same one for all.
    [[ -n $FUZZ_SEED ]] && args+=(-s "$((FUZZ_SEED + i))")
    # Resume an instance's working queue when there is one, else start
    # from the seeds.
    if [[ -d $dir/out/$name/queue ]]; then args+=(-i -); else args+=(-i "$ROOT/corpus/${SEEDS[$t]}"); fi
    env -u AFL_CUSTOM_MUTATOR_ONLY "${mutator[@]}" \
    AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
      AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_AUTORESUME=1 \
      timeout -k 10 $((FUZZ_SEED_SECONDS + FUZZ_SECONDS + 180)) afl-fuzz "${args[@]}" -- "$BIN/$t" \
      >"$dir/log${name#default}" 2>&1 &
    ipids+=($!)
  done
  # rc: the first instance that failed, else 0.
  local rc=0 r
  for i in "${ipids[@]}"; do wait "$i"; r=$?; (( rc == 0 )) && rc=$r; done
  local f sum kind dest inst
  # AFL++ saves into out/<instance>/crashes/ and out/<instance>/hangs/.
  for inst in "$dir"/out/*/; do
    for kind in crash hang; do
      local sub=crashes
      [[ $kind == hang ]] && sub=hangs
      for f in "$inst$sub"/id*; do
        [[ -f $f ]] || continue
        sum=$(sha1sum "$f" | cut -c1-40)
        dest=$art/afl-$kind-$sum
        [[ -e $dest ]] && continue
        cp "$f" "$dir/artifact.tmp" && mv -f "$dir/artifact.tmp" "$dest"
      done
    done
  done
  after=$(count_artifacts "$art")
  # AFL++'s own figures (fuzzer_stats of each instance this run started):
  # the common columns, then stability (how often an input takes the same
  # path: below ~90 % AFL++ wastes effort; the lowest instance's), bitmap
  # coverage, and the crashes and hangs it saved. exec/s, crashes and hangs
  # are summed; edges, bitmap and corpus are the main instance's (the
  # instances sync, so it has the union).
  local stats execs=0 cov corp stab="" bitmap crashes=0 hangs=0 v
  for name in "${names[@]}"; do
    stats=$dir/out/$name/fuzzer_stats
    [[ -f $stats ]] || continue
    v=$(afl_stat "$stats" execs_per_sec); v=${v%%.*}; execs=$(( execs + ${v:-0} ))
    v=$(afl_stat "$stats" stability)
    if [[ -n $v ]] && { [[ -z $stab ]] || awk -v a="${v%\%}" -v b="${stab%\%}" 'BEGIN { exit !(a < b) }'; }; then
      stab=$v
    fi
    v=$(afl_stat "$stats" saved_crashes); crashes=$(( crashes + ${v:-0} ))
    v=$(afl_stat "$stats" saved_hangs); hangs=$(( hangs + ${v:-0} ))
  done
  stats=$dir/out/default/fuzzer_stats
  if [[ ! -f $stats ]]; then execs="" crashes="" hangs=""; fi
  cov=$(afl_stat "$stats" edges_found)
  corp=$(afl_stat "$stats" corpus_count)
  bitmap=$(afl_stat "$stats" bitmap_cvg)
  printf '%s %s %s %s %s %s %s %s %s %s %s %s %s %s\n' "$t" "${execs:--}" "${cov:--}" "-" \
    "${corp:--}" "$((after - before))" 0 - "$(( $(date +%s) - t0 ))" "$rc" \
    "${stab:--}" "${bitmap:--}" "${crashes:--}" "${hangs:--}" >"$dir/row"
}

# run_one N TARGET: one target, with a line when it starts and one when it
# ends.
run_one() {
  local n=$1 t=$2 row
  say "[$n/$total] $t: started (seeds corpus/${SEEDS[$t]}/, log $STATE/$t/log)"
  if [[ $ENGINE == libfuzzer ]]; then run_libfuzzer "$t"; else run_afl "$t"; fi
  row=$STATE/$t/row
  if [[ -f $row ]]; then
    local name execs cov ft corp new slow seed_s fuzz_s rc
    read -r name execs cov ft corp new slow seed_s fuzz_s rc <"$row"
    say "[$n/$total] $t: done: ${execs} exec/s over ${fuzz_s}s, cov ${cov}, corpus ${corp}, ${new} new artifact(s)$([[ $slow != 0 ]] && echo ", $slow slow input(s)")"
  fi
}

interrupted=0
trap 'interrupted=1' INT TERM

total=$(wc -w <<<"$SELECTED")
# AFL_INSTANCES: afl-fuzz processes per target (cores left over when there
# are fewer targets than JOBS); SLOTS: targets at a time.
AFL_INSTANCES=1
[[ $ENGINE == afl ]] && (( JOBS > total )) && AFL_INSTANCES=$(( JOBS / total ))
SLOTS=$(( JOBS / AFL_INSTANCES ))
if [[ -n $FUZZ_RUNS ]]; then budget="${FUZZ_SECONDS}s or $FUZZ_RUNS runs"; else budget="${FUZZ_SECONDS}s"; fi
if (( AFL_INSTANCES > 1 )); then
  say "$ENGINE, $budget of fuzzing per target after its seed pass, $SLOTS at a time, each on $AFL_INSTANCES afl-fuzz instances (one main, $((AFL_INSTANCES - 1)) secondary)$([[ $CMPLOG == 1 ]] && echo ', CMPLOG on the first secondary') ($(( $(date +%s) - build_started ))s of building so far)"
else
  say "$ENGINE, $budget of fuzzing per target after its seed pass, $JOBS at a time$([[ $CMPLOG == 1 ]] && echo ', with CMPLOG') ($(( $(date +%s) - build_started ))s of building so far)"
fi
# pids: the targets running now (never the background build: wait -n is
# given these pids alone).
pids=() n=0
for t in $early $late; do
  (( interrupted )) && break
  n=$((n + 1))
  rm -f "$STATE/$t/row"
  if [[ " $late " == *" $t "* ]] && ! wait_late; then continue; fi
  run_one "$n" "$t" &
  pids+=($!)
  while (( ${#pids[@]} >= SLOTS )); do
    wait -n -p done_pid "${pids[@]}"
    mapfile -t pids < <(printf '%s\n' "${pids[@]}" | grep -vxF "${done_pid:-x}")
  done
done
(( ${#pids[@]} > 0 )) && wait "${pids[@]}"
# Interrupted before the late targets ran: their build stops too.
[[ -n $late_pid ]] && { kill -TERM -- "-$late_pid" 2>/dev/null; wait "$late_pid" 2>/dev/null; }

# The table: one row per target, columns sized to the longest name.
w=6
for t in $SELECTED; do (( ${#t} > w )) && w=${#t}; done
if [[ $ENGINE == afl ]]; then
  fmt="%-${w}s %8s %7s %7s %9s %7s %9s %7s %5s %6s%s\n"
  printf "\n$fmt" target exec/s edges bitmap stability corpus artifacts crashes hangs fuzz_s ""
else
  fmt="%-${w}s %8s %7s %8s %7s %9s %5s %6s %6s%s\n"
  printf "\n$fmt" target exec/s cov ft corpus artifacts slow seed_s fuzz_s ""
fi
total_new=0
for t in $SELECTED; do
  row=$STATE/$t/row
  if [[ ! -f $row ]]; then
    if [[ $ENGINE == afl ]]; then printf "$fmt" "$t" - - - - - - - - - "  not run"
    else printf "$fmt" "$t" - - - - - - - - "  not run"; fi
    continue
  fi
  read -r name execs cov ft corp new slow seed_s fuzz_s rc stab bitmap crashes hangs <"$row"
  note=""
  (( new > 0 )) && note="  -> $CRASHES/$t/"
  [[ $rc != 0 && $new == 0 ]] && note="  (exit $rc, see $STATE/$t/log)"
  if [[ $ENGINE == afl ]]; then
    printf "$fmt" "$name" "$execs" "$cov" "${bitmap:--}" "${stab:--}" "$corp" "$new" "${crashes:--}" "${hangs:--}" "$fuzz_s" "$note"
  else
    printf "$fmt" "$name" "$execs" "$cov" "$ft" "$corp" "$new" "$slow" "$seed_s" "$fuzz_s" "$note"
  fi
  total_new=$((total_new + new))
done
if [[ $ENGINE == afl ]]; then
  printf '\nexec/s, edges, bitmap, stability, crashes, hangs: AFL++'"'"'s fuzzer_stats (stability: share of inputs that take the same path every run; crashes and hangs: what it saved, by path); artifacts: new distinct files in %s/<target>/, triaged below\n' "$CRASHES"
else
  printf '\nexec/s: runs per second after the seed pass; seed_s: seconds of the seed pass; slow: inputs slower than 10 s (in %s/<target>/slow/, not crashes)\n' "$STATE"
fi
printf 'logs and working corpora: %s/\n' "$STATE"
(( interrupted )) && exit 130

# Triage every raw artifact in crashes/<target>/ (this run's, and any an
# interrupted run left) with the binaries that fuzzed (chainfuzz takes a
# target's replay binary when there is one, else its libfuzzer binary):
# reproduce, classify, bucket, minimise into crashes/<target>/<bucket>/,
# print the bucket table.
triage_dirs=()
for t in $SELECTED; do
  [[ -n $(find "$CRASHES/$t" -maxdepth 1 -type f ! -name '.*' ! -name 'slow-unit-*' 2>/dev/null) ]] &&
    triage_dirs+=("$CRASHES/$t")
done
if (( ${#triage_dirs[@]} == 0 )); then
  printf '\nmake fuzz: no new artifact. Fuzz longer: make fuzz FUZZ_SECONDS=600 TARGETS=<target> (the working corpus in %s/<target>/ is kept)\n' "$STATE"
  exit 0
fi
printf '\nmake fuzz: %d new artifact(s); triaging into %s/\n' "$total_new" "$CRASHES"
./build.sh --flavor replay --targets chainfuzz >"$STATE/build-cli.log" 2>&1 || {
  tail -n 20 "$STATE/build-cli.log" >&2; say "building the chainfuzz CLI failed (log $STATE/build-cli.log)"; exit 2; }
# With the binaries that fuzzed: libFuzzer's, or AFL++'s, whose driver
# runs a file given as an argument once, as the replay driver does.
CHAINFUZZ_BUILD_DIR=$BUILD CHAINFUZZ_CRASHES_DIR=$CRASHES \
  "$BUILD/replay/bin/chainfuzz" triage --bin-dir "$BIN" --out "$CRASHES" "${triage_dirs[@]}" 2>&1 |
  tee "$STATE/triage.log"
trc=${PIPESTATUS[0]}
[[ $trc == 130 ]] && exit 130
if [[ $trc != 0 && $trc != 1 ]]; then
  say "chainfuzz triage failed (exit $trc; output above, also in $STATE/triage.log); the artifacts stay in $CRASHES/<target>/"
  exit 2
fi
# What to do next: the new buckets, each with the command that reproduces it.
mapfile -t newb < <(sed -nE 's/.*-> new bucket ([A-Za-z0-9_-]+\/[0-9a-f]+).*/\1/p' "$STATE/triage.log" | sort -u)
printf '\nnext:\n'
for b in "${newb[@]}"; do
  printf '  %s/replay/bin/chainfuzz repro %s %s/%s/reproducer    # report: %s/%s/report.txt\n' \
    "$BUILD" "${b%%/*}" "$CRASHES" "$b" "$CRASHES" "$b"
done
(( ${#newb[@]} == 0 )) && printf '  no new bucket: every artifact fell into a known one (table above)\n'
printf '  make test keeps an open bucket green and fails when a bucket marked fixed fails again (docs/cli.md)\n'
(( total_new > 0 )) && exit 1
exit 0
