#!/usr/bin/env bash
# harness/check-build.sh — OSS-Fuzz's bad-build check on an $OUT directory,
# with the stricter parts chainfuzz holds itself to, as a table.
#
# What OSS-Fuzz (infra/base-images/base-runner: test_all.py and
# bad_build_check) does to every target of $OUT, and what this does:
#  - $OUT is moved to a random path first (hard-coded $OUT paths break):
#    here it is hard-linked (or copied) to one;
#  - the target starts: libFuzzer `-seed=1337 -runs=4` prints "Done 4
#    runs"; AFL++ `afl-fuzz` on a one-input corpus prints "All set and
#    ready to roll" and never "target binary (crashed|terminated)";
#  - instrumented edges: libFuzzer's "INFO: Loaded N modules (E ...)": OSS-Fuzz
#    warns under 100, here it fails; AFL++: the map size its runtime
#    reports (AFL_DUMP_MAP_SIZE);
#  - the sanitizer it claims and no other: call sites of __asan / __msan /
#    __ubsan / __dfsan in `objdump -d`, OSS-Fuzz's thresholds;
#  - x86-64 (readelf).
# What OSS-Fuzz does not check but files bugs about, checked here too:
#  - the seed corpus: <target>_seed_corpus.zip replays clean (libFuzzer
#    `-runs=0`, AFL++'s driver with the files as arguments), with the
#    fuzzer arguments OSS-Fuzz passes (-rss_limit_mb=2560 -timeout=25, the
#    [libfuzzer] section of <target>.options, -dict=<target>.dict);
#  - a target whose template has a .dict/.options (targets/) has them next
#    to it, and libFuzzer accepts them;
#  - no shared library outside the system's (/lib, /usr/lib: ldd);
#  - no file under the --src directories (default: this repository, and
#    $SRC and $WORK when set) opened at start or on the first 20 seeds
#    (strace; LeakSanitizer off for that run, it cannot run traced):
#    OSS-Fuzz's runners have neither.
# Targets run with OSS-Fuzz's runner environment (ASAN_OPTIONS ... as in
# base-runner) and nothing else: OSS-Fuzz passes no CHAINFUZZ_* variable.
#
# Exit status: 0 every target passed, 1 one failed, 2 usage.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  cat <<EOF
usage: harness/check-build.sh [--engine libfuzzer|afl] [--sanitizer address|undefined|memory]
                              [--src DIR]... [--targets T[,T...]] [--jobs N] [--keep] OUT

Checks every fuzz target in OUT (an OSS-Fuzz \$OUT: harness/ossfuzz.sh
makes one) the way OSS-Fuzz's bad-build check does, and more (see the top
of this file), and prints a table. Defaults: \$FUZZING_ENGINE or libfuzzer,
\$SANITIZER or address, --src this repository (+ \$SRC, \$WORK), every target,
--jobs: the number of cores. --keep keeps the per-target logs and says
where. Exit status 0 all passed, 1 a target failed, 2 usage.
EOF
}

die_usage() {
  printf 'check-build: %s\n' "$1" >&2
  printf "Run 'harness/check-build.sh --help' for the options.\n" >&2
  exit 2
}

ENGINE=${FUZZING_ENGINE:-libfuzzer}
SAN=${SANITIZER:-address}
SRCS=("$ROOT")
[[ -n ${SRC:-} && -d ${SRC:-} ]] && SRCS+=("$SRC")
[[ -n ${WORK:-} && -d ${WORK:-} ]] && SRCS+=("$WORK")
ONLY=""
JOBS=$(nproc 2>/dev/null || echo 2)
KEEP=0
OUTDIR=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --engine) [[ $# -ge 2 ]] || die_usage "--engine needs libfuzzer or afl"; ENGINE=$2; shift 2 ;;
    --sanitizer) [[ $# -ge 2 ]] || die_usage "--sanitizer needs address, undefined or memory"; SAN=$2; shift 2 ;;
    --src) [[ $# -ge 2 && -d $2 ]] || die_usage "--src needs a directory"; SRCS+=("$(cd "$2" && pwd)"); shift 2 ;;
    --targets) [[ $# -ge 2 ]] || die_usage "--targets needs a list"; ONLY="$ONLY ${2//,/ }"; shift 2 ;;
    --jobs) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || die_usage "--jobs needs a positive number"; JOBS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die_usage "unknown option '$1'" ;;
    *) [[ -z $OUTDIR ]] || die_usage "one OUT directory only ('$OUTDIR' and '$1')"; OUTDIR=$1; shift ;;
  esac
done
[[ -n $OUTDIR ]] || die_usage "no OUT directory given"
[[ -d $OUTDIR ]] || die_usage "OUT '$OUTDIR' is not a directory"
case $ENGINE in libfuzzer|afl) ;; *) die_usage "engine '$ENGINE' is not checked here (libfuzzer, afl)" ;; esac
case $SAN in address|undefined|memory) ;; *) die_usage "sanitizer '$SAN' is not checked here (address, undefined, memory)" ;; esac
for tool in objdump readelf ldd unzip strace timeout; do
  command -v "$tool" >/dev/null ||
    { printf 'check-build: %s is missing (apt-get install binutils libc-bin unzip strace coreutils)\n' "$tool" >&2; exit 2; }
done
if [[ $ENGINE == afl ]]; then
  for tool in afl-fuzz; do
    command -v "$tool" >/dev/null || { printf 'check-build: %s is missing (apt-get install afl++)\n' "$tool" >&2; exit 2; }
  done
fi

# The runner's environment (base-runner/Dockerfile), and no other variable.
RUN_ENV=(env -i "PATH=/usr/local/bin:/usr/bin:/bin" "HOME=${HOME:-/root}"
  "ASAN_OPTIONS=alloc_dealloc_mismatch=0:allocator_may_return_null=1:allocator_release_to_os_interval_ms=500:check_malloc_usable_size=0:detect_container_overflow=1:detect_odr_violation=0:detect_leaks=1:detect_stack_use_after_return=1:fast_unwind_on_fatal=0:handle_abort=1:handle_segv=1:handle_sigill=1:max_uar_stack_size_log=16:print_scariness=1:quarantine_size_mb=10:strict_memcmp=1:symbolize=1:use_sigaltstack=1:dedup_token_length=3"
  "MSAN_OPTIONS=print_stats=1:symbolize=1:dedup_token_length=3"
  "UBSAN_OPTIONS=print_stacktrace=1:print_summary=1:silence_unsigned_overflow=1:symbolize=1:dedup_token_length=3")
FUZZER_ARGS=(-rss_limit_mb=2560 -timeout=25)

# Like test_all.py: the checks run on a copy of OUT at a path nothing could
# have hard-coded.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cf-check-build.XXXXXX")
cleanup() { [[ $KEEP == 1 ]] || rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
NOTOUT=$TMP/not-out/$(basename "$TMP")
mkdir -p "$(dirname "$NOTOUT")"
cp -al "$OUTDIR" "$NOTOUT" 2>/dev/null || cp -a "$OUTDIR" "$NOTOUT"

# Targets: executable ELF files with LLVMFuzzerTestOneInput, not tools.
targets=()
for f in "$NOTOUT"/*; do
  t=$(basename "$f")
  [[ -f $f && -x $f ]] || continue
  case $t in llvm-symbolizer|afl-*|*.so|*.a|*.o) continue ;; esac
  [[ $(head -c 4 "$f" | od -An -c | tr -d ' ') == 177ELF ]] || continue
  grep -q -a LLVMFuzzerTestOneInput "$f" || continue
  if [[ -n ${ONLY// } ]]; then
    [[ " $ONLY " == *" $t "* ]] || continue
  fi
  targets+=("$t")
done
[[ ${#targets[@]} -gt 0 ]] || { printf 'check-build: no fuzz targets in %s\n' "$OUTDIR" >&2; exit 1; }
if [[ -n ${ONLY// } ]]; then
  for t in $ONLY; do
    [[ " ${targets[*]} " == *" $t "* ]] || die_usage "no target '$t' in $OUTDIR"
  done
fi

# template_of T prints the targets/ template of target T (its .dict and
# .options live beside it), empty if build.sh does not know T.
TEMPLATES=$("$ROOT/build.sh" --target-info 2>/dev/null || true)
template_of() { awk -v t="$1" '$1 == t { print $2 }' <<<"$TEMPLATES"; }

# options_args FILE prints the [libfuzzer] section of an .options file as
# -key=value arguments (what OSS-Fuzz's run_fuzzer passes).
options_args() {
  awk '/^\[/ { on = ($0 == "[libfuzzer]"); next }
       on && /=/ { k = $0; sub(/[ \t]*=.*/, "", k); v = $0; sub(/^[^=]*=[ \t]*/, "", v);
                   gsub(/^[ \t]+|[ \t]+$/, "", k); if (k != "") printf "-%s=%s\n", k, v }' "$1"
}

# count_calls BIN PREFIX: call sites of PREFIX* in BIN's disassembly.
count_calls() { grep -cE "call[q]?[[:space:]]+[0-9a-f]+[[:space:]]+<$2" "$1" || true; }

# check_one T: runs every check on target T; writes $TMP/T.row
# ("T|start|seeds|edges|asan/ubsan/msan|dict|options|libs|src|result|why").
check_one() {
  local t=$1 bin=$NOTOUT/$1 log=$TMP/$1 why="" start="-" seeds="-" edges="-" san="-"
  local dict="-" opts="-" libs="ok" src="ok" tpl args=() n
  mkdir -p "$log"
  fail() { why="${why:+$why; }$1"; }
  # architecture
  readelf -h "$bin" 2>/dev/null | grep -q 'Machine:.*X86-64' || fail "not an x86-64 ELF"
  # sanitizers (objdump once; the counts, OSS-Fuzz's thresholds)
  objdump -d --no-show-raw-insn "$bin" >"$log/disasm" 2>/dev/null || fail "objdump failed"
  local a u m d
  a=$(count_calls "$log/disasm" __asan); u=$(count_calls "$log/disasm" __ubsan)
  m=$(count_calls "$log/disasm" __msan); d=$(count_calls "$log/disasm" __dfsan)
  rm -f "$log/disasm"
  san="$a/$u/$m"
  case $SAN in
    address) (( a >= 1000 && d == 0 && m <= 3 && u <= 200 )) ||
               fail "sanitizers: address wants >=1000 asan, 0 dfsan, <=3 msan, <=200 ubsan calls" ;;
    memory) (( a == 0 && d == 0 && m >= 1000 && u <= 200 )) ||
               fail "sanitizers: memory wants 0 asan, 0 dfsan, >=1000 msan, <=200 ubsan calls" ;;
    undefined) (( a == 0 && d == 0 && m <= 3 && u >= 168 )) ||
               fail "sanitizers: undefined wants 0 asan, 0 dfsan, <=3 msan, >=168 ubsan calls" ;;
  esac
  # shared libraries: the system's only
  ldd "$bin" >"$log/ldd" 2>&1 || true
  if grep -q 'not found' "$log/ldd"; then
    libs="missing"; fail "shared library not found: $(grep 'not found' "$log/ldd" | head -n 1 | awk '{print $1}')"
  else
    n=$(awk '/=>/ && $3 ~ /^\// && $3 !~ /^\/(usr\/)?lib(64|32|x32)?\// { print $3 }' "$log/ldd" | head -n 1)
    [[ -z $n ]] || { libs="non-system"; fail "links a non-system shared library: $n"; }
  fi
  # dictionary and options beside it
  tpl=$(template_of "$t")
  if [[ -f $NOTOUT/$t.options ]]; then
    opts="yes"; mapfile -t args < <(options_args "$NOTOUT/$t.options")
  elif [[ -n $tpl && -f $ROOT/targets/$tpl.options ]]; then
    opts="MISSING"; fail "targets/$tpl.options is not in OUT as $t.options"
  fi
  if [[ -f $NOTOUT/$t.dict ]]; then
    dict="yes"; args+=("-dict=$NOTOUT/$t.dict")
  elif [[ -n $tpl && -f $ROOT/targets/$tpl.dict ]]; then
    dict="MISSING"; fail "targets/$tpl.dict is not in OUT as $t.dict"
  fi
  # seeds
  mkdir -p "$log/seeds" "$log/empty"
  if [[ -f $NOTOUT/${t}_seed_corpus.zip ]]; then
    unzip -q -o "$NOTOUT/${t}_seed_corpus.zip" -d "$log/seeds" 2>"$log/unzip.err" ||
      fail "the seed zip does not unzip"
  fi
  local nseeds
  nseeds=$(find "$log/seeds" -type f | wc -l)
  (cd "$log" && printf 'chainfuzz' >input)
  if [[ $ENGINE == libfuzzer ]]; then
    # start (OSS-Fuzz: SKIP_SEED_CORPUS=1 run_fuzzer NAME -seed=1337 -runs=4)
    (cd "$log/empty" && timeout 300 "${RUN_ENV[@]}" "$bin" "${FUZZER_ARGS[@]}" "${args[@]}" \
       -seed=1337 -runs=4 </dev/null >"$log/start.log" 2>&1) || true
    if grep -q '^Done 4 runs' "$log/start.log"; then start="ok"; else start="FAIL"; fail "does not start (-runs=4): $(grep -m1 -E 'ERROR|error' "$log/start.log" || tail -n 1 "$log/start.log")"; fi
    edges=$(sed -nE 's/^INFO: Loaded [0-9]+ modules? +\([0-9]+ [^)]*(counters|guards)\): *([0-9]+).*/\2/p' "$log/start.log" | head -n 1)
    if [[ -z $edges ]]; then edges="?"; fail "no instrumented edges reported"; elif (( edges < 100 )); then fail "only $edges instrumented edges"; fi
    # seeds
    if (( nseeds > 0 )); then
      local rc=0
      (cd "$log/empty" && timeout 1800 "${RUN_ENV[@]}" "$bin" "${FUZZER_ARGS[@]}" "${args[@]}" \
         -runs=0 "$log/seeds" </dev/null >"$log/seeds.log" 2>&1) || rc=$?
      if [[ $rc == 0 ]]; then seeds="$nseeds ok"
      else
        seeds="$nseeds FAIL"
        fail "seed corpus: exit $rc: $(grep -m1 -E 'SUMMARY|FINDING|ERROR' "$log/seeds.log" || tail -n 1 "$log/seeds.log")"
      fi
    else
      seeds="none"
    fi
  else
    # AFL++: the driver replays files given as arguments; afl-fuzz starts.
    if (( nseeds > 0 )); then
      local rc=0
      (cd "$log/empty" && find "$log/seeds" -type f -print0 | sort -z |
         timeout 1800 xargs -0 "${RUN_ENV[@]}" "$bin" >"$log/seeds.log" 2>&1) || rc=$?
      if [[ $rc == 0 ]]; then seeds="$nseeds ok"
      else seeds="$nseeds FAIL"; fail "seed corpus: exit $rc: $(grep -m1 -E 'SUMMARY|FINDING|ERROR' "$log/seeds.log" || tail -n 1 "$log/seeds.log")"; fi
    else
      seeds="none"
    fi
    mkdir -p "$log/afl-in"; cp "$log/input" "$log/afl-in/input"
    (cd "$log/empty" && AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
       AFL_FORKSRV_INIT_TMOUT=30000 AFL_IGNORE_PROBLEMS=1 AFL_NO_AFFINITY=1 \
       ASAN_OPTIONS="${RUN_ENV[4]#ASAN_OPTIONS=}:abort_on_error=1:symbolize=0:detect_odr_violation=0" \
       timeout --preserve-status -s INT 35 afl-fuzz -m none -t 5000+ -V 2 -i "$log/afl-in" -o "$log/afl-out" \
       -- "$bin" >"$log/start.log" 2>&1) || true
    if grep -q 'All set and ready to roll' "$log/start.log" &&
       ! grep -qE 'target binary (crashed|terminated)' "$log/start.log"; then start="ok"
    else start="FAIL"; fail "afl-fuzz does not start: $(grep -m1 -E 'PROGRAM ABORT|crashed|terminated' "$log/start.log" || tail -n 1 "$log/start.log")"; fi
    # Instrumented edges: the map size the target's AFL++ runtime reports
    # (AFL_DUMP_MAP_SIZE=1 prints __afl_final_loc and exits).
    edges=$(AFL_DUMP_MAP_SIZE=1 "$bin" 2>/dev/null </dev/null | tr -dc '0-9' || true)
    [[ -n $edges ]] || edges=0
    (( edges >= 100 )) || fail "only $edges instrumented edges (AFL_DUMP_MAP_SIZE)"
  fi
  # files of the source trees opened at run time: the start and the first
  # 20 seeds again under strace (LeakSanitizer cannot run traced: off here;
  # the runs above had it on)
  local few=() f
  while IFS= read -r f; do few+=("$f"); done < <(find "$log/seeds" -type f | sort | head -n 20)
  [[ ${#few[@]} -gt 0 ]] || few=("$log/input")
  local tenv=("${RUN_ENV[@]}")
  tenv[4]="${tenv[4]}:detect_leaks=0"
  if [[ $ENGINE == libfuzzer ]]; then
    (cd "$log/empty" && timeout 600 strace -f -qq -e trace=open,openat,creat,execve -o "$log/strace" \
       "${tenv[@]}" "$bin" "${FUZZER_ARGS[@]}" "${args[@]}" -runs=0 "${few[@]}" </dev/null >"$log/strace.log" 2>&1) || true
  else
    (cd "$log/empty" && timeout 600 strace -f -qq -e trace=open,openat,creat,execve -o "$log/strace" \
       "${tenv[@]}" "$bin" "${few[@]}" </dev/null >"$log/strace.log" 2>&1) || true
  fi
  if [[ -s $log/strace ]]; then
    local s hit=""
    for s in "${SRCS[@]}"; do
      hit=$(grep -oE "(open|openat|creat|execve)\([^\"]*\"$s/[^\"]*\"" "$log/strace" | grep -oE "\"$s/[^\"]*\"" | head -n 1 || true)
      [[ -z $hit ]] || break
    done
    if [[ -n $hit ]]; then src="READS"; fail "opens $hit at run time"; fi
    rm -f "$log/strace"
  fi
  rm -rf "$log/seeds" "$log/afl-out"
  local result=PASS
  [[ -z $why ]] || result=FAIL
  printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$t" "$start" "$seeds" "$edges" "$san" \
    "$dict" "$opts" "$libs" "$src" "$result" "$why" >"$TMP/$t.row"
}

printf 'check-build: %d targets in %s (%s, %s), %d at a time\n' "${#targets[@]}" "$OUTDIR" "$ENGINE" "$SAN" "$JOBS" >&2
running=0
for t in "${targets[@]}"; do
  check_one "$t" &
  running=$((running + 1))
  if (( running >= JOBS )); then wait -n || true; running=$((running - 1)); fi
done
wait || true

failed=0
{
  printf '%-40s %-5s %-10s %6s %-17s %-4s %-7s %-10s %-5s %s\n' target start seeds edges "asan/ubsan/msan" dict options shlibs src result
  for t in "${targets[@]}"; do
    if [[ ! -f $TMP/$t.row ]]; then
      printf '%-40s %s\n' "$t" "FAIL (the check itself did not finish)"; failed=$((failed + 1)); continue
    fi
    IFS='|' read -r n st se ed sa di op li sr re wh <"$TMP/$t.row"
    printf '%-40s %-5s %-10s %6s %-17s %-4s %-7s %-10s %-5s %s\n' "$n" "$st" "$se" "$ed" "$sa" "$di" "$op" "$li" "$sr" "$re"
    [[ $re == PASS ]] || failed=$((failed + 1))
  done
}
for t in "${targets[@]}"; do
  [[ -f $TMP/$t.row ]] || continue
  IFS='|' read -r n st se ed sa di op li sr re wh <"$TMP/$t.row"
  [[ $re == PASS ]] || printf '  %s: %s\n' "$n" "$wh"
done
[[ $KEEP == 1 ]] && printf 'check-build: logs kept in %s\n' "$TMP" >&2
printf 'check-build: %d of %d targets passed (%s, %s)\n' $(( ${#targets[@]} - failed )) "${#targets[@]}" "$ENGINE" "$SAN"
(( failed == 0 ))
