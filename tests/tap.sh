# tests/tap.sh — sourced by the script tests: TAP output.
#   ok STATUS TEXT   prints "ok N - TEXT" when STATUS is 0, else
#                    "not ok N - TEXT" and marks the run failed;
#   finish           prints the plan "1..N" and exits 1 if anything failed.
n=0
failed=0
ok() {
  n=$((n + 1))
  if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}
finish() { echo "1..$n"; exit $failed; }
