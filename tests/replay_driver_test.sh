#!/usr/bin/env bash
# replay_driver_test.sh — tests the standalone replay driver
# (harness/replay_driver.c): builds it with ASan+UBSan and -Werror, links it
# with tests/replay/sample_target.c (behaviour chosen by the input bytes) and
# tests/replay/noinit_target.c, and checks the driver's contract, one TAP line
# per check ("ok N - ..." / "not ok N - ..." with "# " diagnostics), then
# "1..N". Exit 1 if any check failed.
#
# Standalone: bash tests/replay_driver_test.sh. Needs only a C compiler with
# ASan/UBSan (CC, default clang) and coreutils' timeout; every run of a built
# binary is bounded by `timeout 120` (a hang backstop, never a measurement). REPLAY_DRIVER_SRC overrides the driver
# source (to check that a broken driver makes these checks fail).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DRIVER_SRC=${REPLAY_DRIVER_SRC:-$ROOT/harness/replay_driver.c}
CC=${CC:-clang}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS_T="-std=c11 -g -O1 $SAN -Wall -Wextra -Werror"

tmp=$(mktemp -d) || exit 1
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

n=0
failed=0
why=""
rc=0
OUT=$tmp/stdout
ERR=$tmp/stderr

# check DESC FUNC [ARGS...]: one TAP line; FUNC returns 0 to pass, or sets
# $why and returns 1.
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
    printf '#   exit status: %s; last lines of stderr:\n' "$rc"
    tail -n 6 "$ERR" 2>/dev/null | sed 's/^/#   | /'
  fi
}

# skip DESC REASON: a TAP skip (counts as ok).
skip() {
  n=$((n + 1))
  printf 'ok %d - %s # SKIP %s\n' "$n" "$1" "$2"
}

# run CMD...: runs CMD bounded by timeout 120; sets rc, fills $OUT and $ERR.
run() {
  # The subshell keeps bash's "Aborted" job notice out of the TAP output.
  (timeout 120 "$@" >"$OUT" 2>"$ERR"; exit $?) 2>/dev/null
  rc=$?
}

expect_rc() {
  [[ $rc -eq $1 ]] || { why="exit status $rc, expected $1"; return 1; }
}
expect_rc_nonzero() {
  [[ $rc -ne 0 && $rc -ne 124 ]] ||
    { why="exit status $rc, expected a failure (not 0, not timeout's 124)"; return 1; }
}
expect_line() { # expect_line TEXT: stderr has exactly this line
  grep -qxF -- "$1" "$ERR" || { why="stderr lacks the line: $1"; return 1; }
}
expect_has() { # expect_has TEXT: stderr contains TEXT
  grep -qF -- "$1" "$ERR" || { why="stderr lacks: $1"; return 1; }
}
expect_lacks() { # expect_lacks TEXT: stderr does not contain TEXT
  ! grep -qF -- "$1" "$ERR" || { why="stderr unexpectedly has: $1"; return 1; }
}
expect_count() { # expect_count N TEXT: N lines of stderr are exactly TEXT
  local c
  c=$(grep -cxF -- "$2" "$ERR")
  [[ $c -eq $1 ]] || { why="'$2' on $c lines of stderr, expected $1"; return 1; }
}
# running_order: the paths of the "Running: " lines, one per line.
running_order() { sed -n 's/^Running: //p' "$ERR"; }

# --- build --------------------------------------------------------------

B=$tmp/build
mkdir -p "$B"

t_build() {
  "$CC" $CFLAGS_T -c "$DRIVER_SRC" -o "$B/driver.o" 2>"$ERR" &&
    "$CC" $CFLAGS_T -c "$ROOT/tests/replay/sample_target.c" -o "$B/sample.o" 2>>"$ERR" &&
    "$CC" $SAN "$B/driver.o" "$B/sample.o" -o "$B/sample" 2>>"$ERR" ||
    { why="compile or link failed"; return 1; }
}
check "driver builds with $CC -fsanitize=address,undefined -Wall -Wextra -Werror and links with a target" t_build
if [[ ! -x $B/sample ]]; then
  echo "Bail out! cannot build the driver"
  exit 1
fi
SAMPLE=$B/sample

t_build_plain() {
  "$CC" -std=c11 -O2 -Wall -Wextra -Werror -c "$DRIVER_SRC" -o "$B/plain.o" 2>"$ERR" ||
    { why="compile failed"; return 1; }
}
check "driver compiles warning-free without sanitizers at -O2 (plain flavor)" t_build_plain

# --- inputs -------------------------------------------------------------

C=$tmp/c
mkdir -p "$C/pass" "$C/empty" "$C/hidden_only" "$C/sorted/sub" "$C/nested/sub_empty" \
  "$C/crashdir" "$C/badretdir" "$C/cycle/inner"
printf ok >"$C/pass/a_ok"
printf reject >"$C/pass/b_reject"
: >"$C/pass/c_empty"
printf crash >"$C/pass/.hidden_crash"
printf crash >"$C/hidden_only/.crash"
for name in b a B a0 sub/x; do printf ok >"$C/sorted/$name"; done
printf ok >"$C/nested/file"
printf ok >"$C/crashdir/1_ok"
printf crash >"$C/crashdir/2_crash"
printf ok >"$C/crashdir/3_ok"
printf ok >"$C/badretdir/1_ok"
printf bad-ret >"$C/badretdir/2_bad"
printf ok >"$C/badretdir/3_ok"
printf ok >"$C/cycle/inner/file"
ln -s .. "$C/cycle/inner/loop"
for w in ok crash hang slow overread write exit bad-ret; do printf '%s' "$w" >"$C/$w"; done
: >"$C/empty_file"

# --- checks -------------------------------------------------------------

t_pass_dir() {
  run "$SAMPLE" "$C/pass"
  expect_rc 0 && expect_line "replay: 3 inputs, 3 passed, 0 failed"
}
check "passing directory (0, -1 and an empty file) exits 0 with the summary" t_pass_dir

t_running_lines() {
  run "$SAMPLE" "$C/pass"
  local f
  for f in a_ok b_reject c_empty; do
    expect_line "Running: $C/pass/$f" || return 1
    grep -qE "^Executed $C/pass/$f in [0-9]+ ms\$" "$ERR" ||
      { why="no 'Executed $C/pass/$f in N ms' line"; return 1; }
  done
}
check "prints 'Running: PATH' and 'Executed PATH in N ms' for each input" t_running_lines

t_hidden() {
  run "$SAMPLE" "$C/pass"
  expect_rc 0 && expect_lacks "Running: $C/pass/.hidden_crash" &&
    expect_has "skipping hidden $C/pass/.hidden_crash"
}
check "entries starting with '.' are skipped with a note" t_hidden

t_init() {
  run "$SAMPLE" "$C/ok"
  expect_rc 0 && expect_count 1 "sample: init argc=2 argv0=$SAMPLE" || return 1
  local init_at run_at
  init_at=$(grep -n '^sample: init' "$ERR" | head -n 1 | cut -d: -f1)
  run_at=$(grep -n '^Running: ' "$ERR" | head -n 1 | cut -d: -f1)
  [[ -n $init_at && -n $run_at && $init_at -lt $run_at ]] ||
    { why="init marker (line $init_at) not before the first Running line ($run_at)"; return 1; }
}
check "LLVMFuzzerInitialize is called once, with argc/argv, before any input" t_init

t_noinit() {
  "$CC" $CFLAGS_T -c "$ROOT/tests/replay/noinit_target.c" -o "$B/noinit.o" 2>"$ERR" &&
    "$CC" $SAN "$B/driver.o" "$B/noinit.o" -o "$B/noinit" 2>>"$ERR" ||
    { why="link failed (LLVMFuzzerMutate missing?)"; rc=-; return 1; }
  run "$B/noinit" "$C/ok"
  expect_rc 0 && expect_line "noinit: call 2" &&
    expect_line "replay: 1 inputs, 1 passed, 0 failed"
}
check "target without LLVMFuzzerInitialize, with a custom mutator, links and runs" t_noinit

t_sorted() {
  run "$SAMPLE" "$C/sorted"
  expect_rc 0 || return 1
  local got want
  got=$(running_order | sed "s|^$C/sorted/||" | tr '\n' ' ')
  want="B a a0 b sub/x "
  [[ $got == "$want" ]] || { why="order '$got', expected '$want'"; return 1; }
}
check "directory walk is recursive and sorted by strcmp (B a a0 b sub/x)" t_sorted

t_empty_dir() {
  run "$SAMPLE" "$C/empty"
  expect_rc 1 && expect_has "FAILED: $C/empty: no input files" &&
    expect_line "replay: 1 inputs, 0 passed, 1 failed"
}
check "empty directory is a failure (exit 1)" t_empty_dir

t_hidden_only() {
  run "$SAMPLE" "$C/hidden_only"
  expect_rc 1 && expect_has "FAILED: $C/hidden_only: no input files" &&
    expect_lacks "Running:"
}
check "directory with only hidden entries is a failure" t_hidden_only

t_nested_empty() {
  run "$SAMPLE" "$C/nested"
  expect_rc 1 && expect_has "FAILED: $C/nested/sub_empty: no input files" &&
    expect_line "Running: $C/nested/file" &&
    expect_line "replay: 2 inputs, 1 passed, 1 failed"
}
check "empty subdirectory of a non-empty directory is a failure too" t_nested_empty

t_missing() {
  run "$SAMPLE" "$C/ok" "$C/does-not-exist" "$C/pass"
  expect_rc 1 && expect_line "Running: $C/ok" && expect_line "Running: $C/pass/c_empty" &&
    expect_has "FAILED: $C/does-not-exist: cannot read: No such file or directory" &&
    expect_line "replay:   $C/does-not-exist: cannot read: No such file or directory" &&
    expect_line "replay: 5 inputs, 4 passed, 1 failed"
}
check "nonexistent path fails, the other inputs still run, listed at the end" t_missing

t_dangling() {
  mkdir -p "$C/dangling"
  printf ok >"$C/dangling/a"
  ln -sf "$C/nowhere" "$C/dangling/b_link"
  printf ok >"$C/dangling/c"
  run "$SAMPLE" "$C/dangling"
  expect_rc 1 && expect_has "FAILED: $C/dangling/b_link: cannot read" &&
    expect_line "replay: 3 inputs, 2 passed, 1 failed"
}
check "dangling symlink in a directory is a failure; its siblings run" t_dangling

t_unreadable() {
  mkdir -p "$C/perm"
  printf ok >"$C/perm/locked"
  chmod 000 "$C/perm/locked"
  run "$SAMPLE" "$C/perm/locked" "$C/ok"
  chmod 644 "$C/perm/locked"
  expect_rc 1 && expect_has "FAILED: $C/perm/locked: cannot read: Permission denied" &&
    expect_line "replay: 2 inputs, 1 passed, 1 failed"
}
# As root (CI here), run that check as user nobody: root reads anything.
t_unreadable_as_nobody() {
  chmod 755 "$tmp" "$C"
  chmod 644 "$C/ok"
  local real_run_prefix=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  mkdir -p "$C/perm"
  chmod 755 "$C/perm"
  printf ok >"$C/perm/locked"
  chmod 000 "$C/perm/locked"
  run "${real_run_prefix[@]}" "$SAMPLE" "$C/perm/locked" "$C/ok"
  chmod 644 "$C/perm/locked"
  expect_rc 1 && expect_has "FAILED: $C/perm/locked: cannot read: Permission denied" &&
    expect_line "replay: 2 inputs, 1 passed, 1 failed"
}
if [[ $(id -u) -ne 0 ]]; then
  check "permission-denied file is a failure" t_unreadable
elif command -v setpriv >/dev/null; then
  check "permission-denied file is a failure (run as nobody)" t_unreadable_as_nobody
else
  skip "permission-denied file is a failure" "running as root without setpriv"
fi

t_fifo() {
  mkdir -p "$C/fifo"
  mkfifo "$C/fifo/pipe" || { why="mkfifo failed"; return 1; }
  printf ok >"$C/fifo/z_ok"
  run "$SAMPLE" "$C/fifo"
  expect_rc 1 && expect_has "FAILED: $C/fifo/pipe: not a regular file" &&
    expect_line "replay: 2 inputs, 1 passed, 1 failed"
}
check "FIFO is a failure, not a hang" t_fifo

t_cycle() {
  run "$SAMPLE" "$C/cycle"
  expect_rc 1 && expect_has "directory cycle" && expect_count 1 "Running: $C/cycle/inner/file"
}
check "symlink back to an ancestor directory is a failure, not a loop" t_cycle

t_bad_ret() {
  run "$SAMPLE" "$C/badretdir"
  expect_rc 1 && expect_has "FAILED: $C/badretdir/2_bad: LLVMFuzzerTestOneInput returned 7" &&
    expect_line "Running: $C/badretdir/3_ok" &&
    expect_line "replay: 3 inputs, 2 passed, 1 failed"
}
check "return value 7 is a failure; the next inputs still run" t_bad_ret

t_write() {
  run "$SAMPLE" "$C/write"
  expect_rc 1 && expect_has "wrote to its const input"
}
check "target writing to its const input is a failure" t_write

t_crash() {
  run "$SAMPLE" "$C/crashdir"
  expect_rc_nonzero || return 1
  local last
  last=$(running_order | tail -n 1)
  [[ $last == "$C/crashdir/2_crash" ]] || { why="last Running line is '$last'"; return 1; }
  grep -qE "^Executed $C/crashdir/1_ok in [0-9]+ ms\$" "$ERR" || { why="1_ok did not run"; return 1; }
  expect_lacks "Running: $C/crashdir/3_ok" && expect_lacks "replay: 3 inputs"
}
check "crash ends the run non-zero, its path the last 'Running:' line" t_crash

t_overread() {
  run "$SAMPLE" "$C/overread"
  expect_rc_nonzero && expect_has "ERROR: AddressSanitizer: heap-buffer-overflow" &&
    expect_has "0 bytes to the right of 8-byte region"
}
check "one-byte overread is reported by ASan (buffer of exactly the file size)" t_overread

t_empty_read() {
  run env SAMPLE_READ_EMPTY=1 "$SAMPLE" "$C/empty_file"
  expect_rc_nonzero && expect_has "ERROR: AddressSanitizer: heap-buffer-overflow" &&
    expect_line "sample: call 0"
}
check "empty file: non-NULL pointer, and reading data[0] is reported by ASan" t_empty_read

t_timeout() {
  run "$SAMPLE" -timeout=1 "$C/hang"
  # Exit 70 and the TIMEOUT line say the driver's timeout fired; if it did
  # not, run's backstop kills the hang and the exit status is 124.
  expect_rc 70 && expect_line "==replay== TIMEOUT: $C/hang took more than 1 seconds"
}
check "-timeout=1 on a hang exits 70 with the TIMEOUT line" t_timeout

t_timeout_slow() {
  run "$SAMPLE" -timeout=1 "$C/slow"
  expect_rc 70 && expect_has "==replay== TIMEOUT: $C/slow"
}
check "-timeout=1 on a 1.5 s input times out" t_timeout_slow

t_timeout_zero() {
  run "$SAMPLE" -timeout=0 "$C/slow" "$C/ok"
  expect_rc 0 && expect_line "replay: 2 inputs, 2 passed, 0 failed"
}
check "-timeout=0 disables the timeout" t_timeout_zero

t_runs() {
  run "$SAMPLE" -runs=3 "$C/ok"
  expect_rc 0 && expect_count 3 "sample: call 2" && expect_count 1 "Running: $C/ok" &&
    expect_line "replay: 1 inputs, 1 passed, 0 failed" &&
    expect_count 1 "sample: init argc=3 argv0=$SAMPLE"
}
check "-runs=3 runs each input three times (init still once)" t_runs

t_flag_after_path() {
  run "$SAMPLE" "$C/ok" -runs=2
  expect_rc 0 && expect_count 2 "sample: call 2"
}
check "flags may follow the paths" t_flag_after_path

t_ignored_flags() {
  run "$SAMPLE" -rss_limit_mb=2560 -print_final_stats=1 "$C/ok"
  expect_rc 0 && expect_has "ignoring flag -rss_limit_mb=2560" &&
    expect_has "ignoring flag -print_final_stats=1" &&
    expect_line "replay: 1 inputs, 1 passed, 0 failed"
}
check "unknown -NAME=VALUE flags are ignored with a note" t_ignored_flags

t_help() {
  run "$SAMPLE" -help=1
  expect_rc 0 && grep -q '^usage: ' "$OUT" || { why="${why:-no usage on stdout}"; return 1; }
  expect_lacks "sample: init"
}
check "-help=1 prints the usage on stdout and exits 0" t_help

# usage_error DESC ARGS...: the driver must exit 2 with the usage, a message
# naming the problem, and without running target code.
t_usage() {
  local msg=$1
  shift
  run "$SAMPLE" "$@"
  expect_rc 2 && grep -q '^usage: ' "$ERR" || { why="${why:-no usage on stderr}"; return 1; }
  expect_has "$msg" && expect_lacks "sample: init" && expect_lacks "Running:"
}
check "no PATH: usage error, exit 2" t_usage "no PATH given"
check "only flags, no PATH: usage error, exit 2" t_usage "no PATH given" -runs=2
check "bare -foo: usage error, exit 2" t_usage "-foo: not a flag" -foo "$C/ok"
check "--help (no '='): usage error, exit 2" t_usage "--help: not a flag" --help
check "-timeout=abc: usage error, exit 2" t_usage "-timeout takes whole seconds" -timeout=abc "$C/ok"
check "-timeout= (empty): usage error, exit 2" t_usage "-timeout takes whole seconds" -timeout= "$C/ok"
check "-timeout=-1: usage error, exit 2" t_usage "-timeout takes whole seconds" -timeout=-1 "$C/ok"
check "-runs=0: usage error, exit 2" t_usage "-runs takes a count of 1 or more" -runs=0 "$C/ok"
check "-runs=x: usage error, exit 2" t_usage "-runs takes a count of 1 or more" -runs=x "$C/ok"

t_exit() {
  run "$SAMPLE" "$C/exit" "$C/ok"
  expect_rc 1 && expect_has "==replay== ERROR: the target called exit() while running $C/exit" &&
    expect_lacks "Running: $C/ok"
}
check "target calling exit(0) ends the run with a failure, not success" t_exit

t_multiple_paths() {
  run "$SAMPLE" "$C/sorted/b" "$C/pass" "$C/ok"
  local got
  got=$(running_order | tr '\n' ' ')
  [[ $got == "$C/sorted/b $C/pass/a_ok $C/pass/b_reject $C/pass/c_empty $C/ok " ]] ||
    { why="order '$got'"; return 1; }
  expect_rc 0
}
check "paths run in command-line order" t_multiple_paths

printf '1..%d\n' "$n"
((failed == 0))
