#!/usr/bin/env bash
# check_build_test.sh — harness/check-build.sh catches every kind of bad
# build it claims to, and passes a good one. Builds a synthetic libFuzzer
# target (generated C: enough instrumented edges and ASan call sites to
# meet OSS-Fuzz's thresholds) into a fake $OUT, once good and once per
# defect, and checks the table row and exit status each time. TAP output.
#
# Standalone: bash tests/check_build_test.sh. Needs clang with libFuzzer
# and ASan (libclang-rt-14-dev), strace, binutils, unzip, zip.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CC=${CC:-clang}
CHECK=$ROOT/harness/check-build.sh

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0 failed=0 why="" rc=0
check() {
  local desc=$1
  shift
  n=$((n + 1))
  why=""
  if "$@"; then
    printf 'ok %d - %s\n' "$n" "$desc"
  else
    failed=$((failed + 1))
    printf 'not ok %d - %s\n' "$n" "$desc"
    printf '#   %s\n' "${why:-check failed}"
    sed 's/^/#   | /' "$tmp/check.out" 2>/dev/null | tail -n 8
  fi
}

# The synthetic target: 300 functions, each with branches and memory
# accesses (ASan call sites at -O1 with use-after-scope), chosen by the
# input. -D switches plant one defect each.
gen() {
  {
    printf '#include <stdint.h>\n#include <stddef.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n'
    printf 'volatile uint8_t sink[64];\n'
    for i in $(seq 0 299); do
      printf '__attribute__((noinline)) void f%d(const uint8_t *d, size_t n) {\n' "$i"
      printf '  uint8_t b[8]; memset(b, %d, sizeof(b));\n' "$i"
      printf '  for (size_t i = 0; i < n && i < 8; i++) { if (d[i] == %d) b[i] ^= d[i]; else sink[i] = b[i]; }\n' "$((i % 256))"
      printf '  if (n > 3 && d[n - 1] == %d) sink[%d] = b[n %% 8];\n}\n' "$(((i * 7) % 256))" "$((i % 64))"
    done
    printf 'typedef void (*fn)(const uint8_t *, size_t);\nstatic const fn kF[] = {'
    for i in $(seq 0 299); do printf 'f%d,' "$i"; done
    printf '};\n'
    cat <<'EOF'
#ifdef FAIL_INIT
int LLVMFuzzerInitialize(int *argc, char ***argv) { abort(); }
#endif
#ifdef SHLIB
int cf_shlib_value(void);
#endif
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
#ifdef CRASH_SEED
  if (n >= 5 && memcmp(d, "CRASH", 5) == 0) abort();
#endif
#ifdef READ_SRC
  FILE *f = fopen(READ_SRC, "r");
  if (f != NULL) fclose(f);
#endif
#ifdef SHLIB
  sink[0] = (uint8_t)cf_shlib_value();
#endif
  if (n > 0) kF[d[0] % 300](d + 1, n - 1);
  return 0;
}
EOF
  } >"$tmp/target.c"
}
gen
printf 'int cf_shlib_value(void) { return 7; }\n' >"$tmp/shlib.c"
"$CC" -shared -fPIC -o "$tmp/libcfshlib.so" "$tmp/shlib.c" || exit 1

ASAN="-fsanitize=address -fsanitize-address-use-after-scope"

# make_out NAME TARGET-NAME CFLAGS...: a fresh $OUT with one target and a
# seed zip of three inputs (SEEDS: extra seed contents).
make_out() {
  local name=$1 t=$2
  shift 2
  rm -rf "$tmp/$name"
  mkdir -p "$tmp/$name/out" "$tmp/$name/seeds"
  "$CC" -O1 -gline-tables-only "$@" -fsanitize=fuzzer "$tmp/target.c" -o "$tmp/$name/out/$t" 2>"$tmp/cc.err" ||
    { cat "$tmp/cc.err" >&2; return 1; }
  printf 'aaaa' >"$tmp/$name/seeds/a"
  printf 'bbbbbbbb' >"$tmp/$name/seeds/b"
  printf '%s' "${SEEDS:-cccc}" >"$tmp/$name/seeds/c"
  (cd "$tmp/$name/seeds" && zip -q -j "$tmp/$name/out/${t}_seed_corpus.zip" ./*)
}

# run_check NAME ARGS...: check-build on $tmp/NAME/out; sets rc.
run_check() {
  local name=$1
  shift
  rc=0
  timeout 600 "$CHECK" --jobs 1 "$@" "$tmp/$name/out" >"$tmp/check.out" 2>&1 || rc=$?
}

# row_has TARGET FIELD-REGEX: the table row of TARGET matches.
row_has() {
  grep -E "^$1 " "$tmp/check.out" | grep -qE "$2" ||
    { why="row of $1 does not match /$2/"; return 1; }
}

expect() {
  local want_rc=$1 t=$2 re=$3
  [[ $rc == "$want_rc" ]] || { why="exit $rc, wanted $want_rc"; return 1; }
  row_has "$t" "$re"
}

make_out good good_target $ASAN -fsanitize=fuzzer-no-link || exit 1
run_check good
check "a good ASan build passes (exit 0, PASS row, 3 seeds)" expect 0 good_target ' ok +3 ok .* PASS$'
check "the edges column counts libFuzzer's instrumented edges (>= 100)" \
  bash -c "awk '\$1 == \"good_target\" { exit !(\$4 >= 100) }' '$tmp/check.out'"

run_check good --sanitizer undefined
check "the same build claimed as undefined fails: ASan call sites present" \
  expect 1 good_target 'FAIL$'
check "...and says which sanitizer rule broke" grep -q 'sanitizers: undefined wants 0 asan' "$tmp/check.out"

make_out nosan nosan_target -fsanitize=fuzzer-no-link || exit 1
run_check nosan
check "a build without ASan fails the address check" expect 1 nosan_target 'FAIL$'

SEEDS=CRASHME make_out crash crash_target $ASAN -fsanitize=fuzzer-no-link -DCRASH_SEED || exit 1
run_check crash
check "a seed that crashes fails the seed column" expect 1 crash_target ' 3 FAIL .*FAIL$'

make_out noinit noinit_target $ASAN -fsanitize=fuzzer-no-link -DFAIL_INIT || exit 1
run_check noinit
check "a target that aborts at start fails the start column" expect 1 noinit_target '^noinit_target +FAIL '

make_out src src_target $ASAN -fsanitize=fuzzer-no-link "-DREAD_SRC=\"$ROOT/README.md\"" || exit 1
run_check src
check "a target that opens a file of the source tree fails the src column" expect 1 src_target ' READS +FAIL$'
check "...and names the file" grep -q "opens \"$ROOT/README.md\"" "$tmp/check.out"

make_out shlib shlib_target $ASAN -fsanitize=fuzzer-no-link -DSHLIB "-L$tmp" -lcfshlib "-Wl,-rpath,$tmp" || exit 1
run_check shlib
check "a target linking a non-system shared library fails the shlibs column" \
  expect 1 shlib_target ' non-system +ok +FAIL$'

# A target named like a template with a dictionary (targets/x509_parse.dict)
# must ship it; a broken one must not pass either.
make_out nodict x509_parse $ASAN -fsanitize=fuzzer-no-link || exit 1
cp "$ROOT/targets/x509_parse.options" "$tmp/nodict/out/x509_parse.options"
run_check nodict
check "a missing .dict its template has fails the dict column" expect 1 x509_parse ' MISSING .*FAIL$'
printf 'this is "not a dictionary\n' >"$tmp/nodict/out/x509_parse.dict"
run_check nodict
check "a dictionary libFuzzer cannot parse fails the start" expect 1 x509_parse '^x509_parse +FAIL '
cp "$ROOT/targets/x509_parse.dict" "$tmp/nodict/out/x509_parse.dict"
run_check nodict
check "with its own .dict and .options it passes" expect 0 x509_parse ' yes +yes .*PASS$'

rc=0
"$CHECK" --engine honggfuzz "$tmp/good/out" >"$tmp/check.out" 2>&1 || rc=$?
check "an unsupported engine is a usage error (exit 2)" test "$rc" = 2
rc=0
"$CHECK" >"$tmp/check.out" 2>&1 || rc=$?
check "no OUT directory is a usage error (exit 2)" test "$rc" = 2

printf '1..%d\n' "$n"
[[ $failed == 0 ]]
