#!/usr/bin/env bash
# regenerate.sh — rebuilds the planted-bug targets (bugs.c, finding_target.c,
# enum_target.cc) with libFuzzer and with our replay driver, runs each bug
# through cf_run (capture.c + harness/run.c, as the chainfuzz CLI runs a
# target) and saves here its real output, NAME.txt, and how it ended, one
# "NAME exit N" / "NAME signal N" line per sample in status.txt.
# tests/classify_test.c checks the classifier on these files.
#
# Run it by hand when the toolchain or a sample's source changes, then
# rebuild and run build/replay/tests/classify_test. Needs clang and clang++
# (14), libclang-rt-14-dev (libFuzzer) and libssl-dev (lib/finding.c's
# SHA-1). Builds in ${TMPDIR:-/tmp}/chainfuzz-triage-samples.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${TMPDIR:-/tmp}/chainfuzz-triage-samples
CC=${CC:-clang}
CXX=${CXX:-clang++}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-g -O1 -fno-omit-frame-pointer $SAN"
NODEBUG_CFLAGS="-O1 -fno-omit-frame-pointer $SAN"
# Only what each sample sets: no options from the caller's environment.
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
STACK=UBSAN_OPTIONS=print_stacktrace=1

rm -rf "$WORK"
mkdir -p "$WORK/in"
cd "$WORK"

"$CC" -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g \
  "$HERE/capture.c" "$ROOT/harness/run.c" -o capture
"$CC" $CFLAGS -c "$ROOT/harness/replay_driver.c" -o replay_driver.o
"$CC" $NODEBUG_CFLAGS -c "$ROOT/harness/replay_driver.c" -o replay_driver_nodebug.o
"$CC" $CFLAGS "$HERE/bugs.c" replay_driver.o -o bugs_replay
"$CC" $NODEBUG_CFLAGS "$HERE/bugs.c" replay_driver_nodebug.o -o bugs_replay_nodebug
"$CC" $CFLAGS -fsanitize=fuzzer "$HERE/bugs.c" -o bugs_libfuzzer
"$CC" $CFLAGS -I"$ROOT/include" -c "$ROOT/lib/finding.c" -o finding.o
"$CC" $CFLAGS -I"$ROOT/include" -c "$ROOT/lib/verdict.c" -o verdict.o
"$CC" $CFLAGS -I"$ROOT/include" "$HERE/finding_target.c" finding.o verdict.o \
  replay_driver.o -lcrypto -o finding_replay
"$CC" $CFLAGS -fsanitize=fuzzer -I"$ROOT/include" "$HERE/finding_target.c" \
  finding.o verdict.o -lcrypto -o finding_libfuzzer
"$CXX" $CFLAGS -fsanitize=fuzzer "$HERE/enum_target.cc" -o enum_libfuzzer

for c in a b c d e f g h i j k l m n o p q r s t u v w x y z B A I; do
  printf '%s' "$c" >"in/$c"
done
printf '\005' >in/enum

: >"$WORK/status.txt"
# cap NAME [NAME=VALUE...] -- PROGRAM [ARG...]
cap() {
  local name=$1
  shift
  ./capture "$HERE/$name.txt" "$name" "$@" >>"$WORK/status.txt"
}

# AddressSanitizer, replay driver.
cap asan_heap_buffer_overflow_read $STACK -- ./bugs_replay in/a
cap asan_stack_buffer_overflow_write $STACK -- ./bugs_replay in/c
cap asan_global_buffer_overflow_read $STACK -- ./bugs_replay in/d
cap asan_heap_use_after_free_read $STACK -- ./bugs_replay in/e
cap asan_double_free $STACK -- ./bugs_replay in/f
cap asan_bad_free $STACK -- ./bugs_replay in/g
cap asan_segv_wild_write $STACK -- ./bugs_replay in/i
cap asan_null_dereference $STACK -- ./bugs_replay in/z
cap asan_stack_overflow $STACK -- ./bugs_replay in/j
cap asan_use_after_poison $STACK -- ./bugs_replay in/k
cap asan_stack_use_after_return $STACK ASAN_OPTIONS=detect_stack_use_after_return=1 -- ./bugs_replay in/l
cap asan_stack_use_after_scope $STACK -- ./bugs_replay in/m
cap asan_abrt $STACK ASAN_OPTIONS=handle_abort=1 -- ./bugs_replay in/x
# Frames as "#N 0xPC  (MODULE+0xOFF)": no symbolizer.
cap asan_unsymbolized $STACK ASAN_OPTIONS=symbolize=0 -- ./bugs_replay in/a
# Frames as "#N 0xPC in FUNC (MODULE+0xOFF)": symbols but no debug info.
cap asan_no_debug_info $STACK -- ./bugs_replay_nodebug in/e
# AddressSanitizer, libFuzzer.
cap libfuzzer_heap_buffer_overflow_write $STACK -- ./bugs_libfuzzer in/b
# LeakSanitizer (at exit, after the replay summary), both drivers.
cap lsan_leak $STACK -- ./bugs_replay in/n
cap libfuzzer_leak $STACK -- ./bugs_libfuzzer in/n
# UBSan (-fno-sanitize-recover=undefined).
cap ubsan_shift $STACK -- ./bugs_replay in/o
cap ubsan_shift_no_stack -- ./bugs_libfuzzer in/o
cap ubsan_integer_overflow $STACK -- ./bugs_replay in/p
cap ubsan_divide_by_zero $STACK -- ./bugs_replay in/q
cap ubsan_index_out_of_bounds $STACK -- ./bugs_replay in/r
cap ubsan_misaligned $STACK -- ./bugs_replay in/s
cap ubsan_null_reference $STACK -- ./bugs_replay in/h
cap ubsan_invalid_bool $STACK -- ./bugs_replay in/B
cap ubsan_invalid_enum $STACK -- ./enum_libfuzzer in/enum
# libFuzzer's own reports.
cap libfuzzer_timeout $STACK -- ./bugs_libfuzzer -timeout=1 in/t
cap libfuzzer_oom_rss $STACK -- ./bugs_libfuzzer -rss_limit_mb=300 in/u
cap libfuzzer_malloc_limit $STACK -- ./bugs_libfuzzer -malloc_limit_mb=1000 in/v
cap libfuzzer_abort $STACK -- ./bugs_libfuzzer in/x
cap libfuzzer_assert $STACK -- ./bugs_libfuzzer in/w
cap libfuzzer_segv_no_asan_handler $STACK ASAN_OPTIONS=handle_segv=0 -- ./bugs_libfuzzer in/z
# The replay driver without a sanitizer report.
cap replay_timeout $STACK -- ./bugs_replay -timeout=1 in/t
cap replay_assert $STACK -- ./bugs_replay in/w
cap replay_abort $STACK -- ./bugs_replay in/x
cap replay_exit $STACK -- ./bugs_replay in/y
cap replay_segv_no_asan_handler $STACK ASAN_OPTIONS=handle_segv=0 -- ./bugs_replay in/z
# chainfuzz findings (lib/finding.c).
cap finding_replay $STACK -- ./finding_replay in/A
cap finding_libfuzzer $STACK -- ./finding_libfuzzer in/A
cap finding_invariant_replay $STACK -- ./finding_replay in/I

mv -f "$WORK/status.txt" "$HERE/status.txt"
echo "regenerate.sh: $(wc -l <"$HERE/status.txt") samples saved in $HERE"
