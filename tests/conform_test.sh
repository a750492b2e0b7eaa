#!/usr/bin/env bash
# conform_test.sh — `chainfuzz conform` end to end (replay flavor):
#  - the vendored x509-limbo suite (tests/limbo/limbo.json) runs through
#    every registered validator; each results file parses, names its
#    harness and has one entry per testcase; each matrix row adds up;
#  - the reviewed baselines hold: tests/limbo/expected-<validator>.tsv lists
#    every wrong-accept, wrong-reject and error of that validator; a new one
#    fails, a line that no longer happens fails (stale), a validator with
#    no baseline fails and the output says how to create it;
#  - a hand-made suite (tests/limbo/tiny.json: one chain judged under
#    profiles that must accept and profiles that must reject, and one
#    testcase per skip reason) gives pass or skipped everywhere, with the
#    skip reasons named;
#  - an unknown validator, a missing suite, malformed JSON and a JSON file
#    that is no limbo suite exit 2 with a message naming the problem;
#  - Ctrl-C leaves no results file; the --cases-dir cases replay through
#    chain_verify_boringssl without signed-bytes findings; --catalogue
#    sorts certgen scenarios into the same matrix.
# Output: TAP. Exit 1 on any failure.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
CF=$BUILD/replay/bin/chainfuzz
SUITE=tests/limbo/limbo.json
TINY=tests/limbo/tiny.json
n=0; failed=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
finish() { echo "1..$n"; exit $failed; }
if [[ ! -x $CF ]]; then echo "not ok 1 - $CF missing: run ./build.sh --flavor replay"; echo "1..1"; exit 1; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
have_py=0; command -v python3 >/dev/null 2>&1 && have_py=1

# The validators this build registers, from the help text.
read -r -a VALS <<< "$("$CF" conform --help | sed -n 's/.*default every registered one: *\([^)]*\)).*/\1/p')"
ok $([[ ${#VALS[@]} -ge 2 ]]; echo $?) "conform --help names the registered validators: ${VALS[*]}"
NCASES=$(grep -c '^      "id": ' "$SUITE")

# --- the vendored suite, every validator, against the reviewed baselines
"$CF" conform --results-dir "$tmp/res" --baseline tests/limbo "$SUITE" > "$tmp/suite.out" 2> "$tmp/suite.err"; rc=$?
ok $rc "conform --baseline tests/limbo on $SUITE: exit 0, every validator as its baseline says (exit $rc)"
if [[ $rc != 0 ]]; then
  grep -E 'NEW|STALE|NO BASELINE|chainfuzz conform --validator' "$tmp/suite.out" | sed 's/^/#   /' | head -n 40
  sed 's/^/#   /' "$tmp/suite.err" | head -n 10
fi
ok $([[ $(sed -n 1p "$tmp/suite.out") == "x509-limbo suite $SUITE: $NCASES testcases, ${#VALS[@]} validators,"* ]]; echo $?) \
  "conform: the header counts $NCASES testcases and ${#VALS[@]} validators"
for v in "${VALS[@]}"; do
  row=$(awk -v v="$v" '$1 == v && NF == 7 {print; exit}' "$tmp/suite.out")
  read -r _ pass wa wr sk er total <<< "$row"
  ok $([[ -n $row && $((pass + wa + wr + sk + er)) == "$total" && $total == "$NCASES" ]]; echo $?) \
    "$v: pass $pass + wrong-accept $wa + wrong-reject $wr + skipped $sk + error $er = $NCASES"
  base=tests/limbo/expected-$v.tsv
  ok $([[ -f $base && $(grep -vc '^#' "$base") == $((wa + wr + er)) ]]; echo $?) \
    "$v: $base lists each of its $((wa + wr + er)) wrong outcomes"
  f=$tmp/res/$v.json
  if [[ $have_py == 1 ]]; then
    python3 - "$f" "$SUITE" "chainfuzz-$v" > "$tmp/py.out" 2>&1 <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))
suite = json.load(open(sys.argv[2]))
ids = [t["id"] for t in suite["testcases"]]
assert res["version"] == 1, res["version"]
assert res["harness"] == sys.argv[3], res["harness"]
got = [r["id"] for r in res["results"]]
assert got == ids, "ids differ from the suite's, in order"
for r in res["results"]:
    assert r["actual_result"] in ("SUCCESS", "FAILURE", "SKIPPED"), r
    assert isinstance(r["context"], str) and r["context"], r
print(len(got))
EOF
    rc=$?
    ok $rc "$v: $f parses, harness chainfuzz-$v, one result per testcase in suite order ($(tail -n 1 "$tmp/py.out"))"
  else
    ok $([[ $(grep -c '"actual_result"' "$f") == "$NCASES" ]]; echo $?) "$v: $f has $NCASES results (python3 missing: not parsed)"
  fi
done

# --- baselines: new, stale, missing
mkdir -p "$tmp/b-new" "$tmp/b-stale" "$tmp/b-none"
v=${VALS[0]}
grep -v '^#' "tests/limbo/expected-$v.tsv" | tail -n +2 > "$tmp/b-new/expected-$v.tsv"
dropped=$(grep -v '^#' "tests/limbo/expected-$v.tsv" | head -n 1 | cut -f 1)
"$CF" conform --validator "$v" --quiet --baseline "$tmp/b-new" "$SUITE" > "$tmp/o" 2>&1; rc=$?
ok $([[ $rc == 1 && -n $dropped ]] && grep -q "^$v: NEW [a-z-]*: $dropped: " "$tmp/o"; echo $?) \
  "baseline: an outcome not in the baseline ($dropped) is NEW and fails (exit $rc)"
{ cat "tests/limbo/expected-$v.tsv"; printf 'tiny::no-such-case\twrong-accept\n'; } > "$tmp/b-stale/expected-$v.tsv"
"$CF" conform --validator "$v" --quiet --baseline "$tmp/b-stale" "$SUITE" > "$tmp/o" 2>&1; rc=$?
ok $([[ $rc == 1 ]] && grep -q "^$v: STALE: .*tiny::no-such-case wrong-accept no longer happens" "$tmp/o"; echo $?) \
  "baseline: a line that no longer happens is STALE and fails (exit $rc)"
"$CF" conform --validator "$v" --quiet --baseline "$tmp/b-none" "$SUITE" > "$tmp/o" 2>&1; rc=$?
ok $([[ $rc == 1 ]] && grep -q "^$v: NO BASELINE" "$tmp/o" &&
     grep -q "chainfuzz conform --validator $v --write-baseline $tmp/b-none $SUITE" "$tmp/o"; echo $?) \
  "baseline: a validator without one fails and prints the command that creates it (exit $rc)"
"$CF" conform --validator "$v" --quiet --write-baseline "$tmp/b-w" "$SUITE" > "$tmp/o" 2>&1 &&
  "$CF" conform --validator "$v" --quiet --baseline "$tmp/b-w" "$SUITE" > "$tmp/o2" 2>&1; rc=$?
ok $([[ $rc == 0 ]] && diff <(grep -v '^#' "$tmp/b-w/expected-$v.tsv" | cut -f 1,2) \
                           <(grep -v '^#' "tests/limbo/expected-$v.tsv" | cut -f 1,2) >/dev/null; echo $?) \
  "--write-baseline writes what --baseline then accepts, the same lines as the committed one (exit $rc)"

# --- the hand-made suite: pass or skipped, never wrong
"$CF" conform --results-dir "$tmp/tiny" "$TINY" > "$tmp/tiny.out" 2>&1; rc=$?
ok $rc "conform $TINY: exit 0"
tiny_n=$(grep -c '^      "id": ' "$TINY"); tiny_skip=$(grep -c '"id": "tiny::skip-' "$TINY")
for v in "${VALS[@]}"; do
  row=$(awk -v v="$v" '$1 == v && NF == 7 {print; exit}' "$tmp/tiny.out")
  read -r _ pass wa wr sk er total <<< "$row"
  # A TLS client may refuse to verify when the device set no host name
  # (Mbed TLS 3.6.3 and later, CVE-2025-27809): the one wrong-reject allowed.
  nohost=$(grep -cE "^  $v +wrong-reject tiny::[a-z0-9-]+-none .*REJECT NAME_MISMATCH" "$tmp/tiny.out")
  ok $([[ $((pass + nohost)) == $((tiny_n - tiny_skip)) && $wa == 0 && $wr == "$nohost" && $er == 0 && $sk == "$tiny_skip" ]]; echo $?) \
    "$v on $TINY: $pass pass, $sk skipped, no wrong-accept ($wa), wrong-reject ($wr, $nohost of them a refusal without a host name) or error ($er)"
done
f=$tmp/tiny/${VALS[0]}.json
for reason in "validation_kind CLIENT" "expected_peer_name: kind RFC822" "key_usage: " "signature_algorithms: " \
              "extended_key_usage: (serverAuth clientAuth)" "crls: " "untrusted_intermediates: 17" "PEM: peer_certificate"; do
  ok $(grep -qF "\"context\": \"$reason" "$f"; echo $?) "tiny: a SKIPPED result says why: $reason..."
done
ok $(grep -A2 '"id": "tiny::valid"' "$f" | grep -qF 'no validation_time: checked at 2026-01-01T00:00:00Z'; echo $?) \
  "tiny: a testcase without validation_time says at what time it was checked"

# --- usage and suite errors: exit 2 with a message
"$CF" conform --validator no-such-lib "$TINY" > "$tmp/o" 2>&1; rc=$?
ok $([[ $rc == 2 ]] && grep -q "unknown validator 'no-such-lib' (registered: " "$tmp/o"; echo $?) "an unknown validator: exit 2, lists the registered ones ($rc)"
"$CF" conform "$tmp/missing.json" > "$tmp/o" 2>&1; rc=$?
ok $([[ $rc == 2 ]] && grep -q "cannot read the suite $tmp/missing.json: No such file" "$tmp/o"; echo $?) "a missing suite: exit 2 naming it ($rc)"
head -c 3000 "$TINY" > "$tmp/trunc.json"
"$CF" conform "$tmp/trunc.json" > "$tmp/o" 2>&1; rc=$?
ok $([[ $rc == 2 ]] && grep -q "$tmp/trunc.json:[0-9]*:[0-9]*: not valid JSON: " "$tmp/o"; echo $?) "truncated JSON: exit 2 with FILE:LINE:COL ($rc)"
echo '{"version": 2, "testcases": []}' > "$tmp/v2.json"
"$CF" conform "$tmp/v2.json" > "$tmp/o" 2>&1; rc=$?
ok $([[ $rc == 2 ]] && grep -q "v2.json: not an x509-limbo suite" "$tmp/o"; echo $?) "version 2: exit 2, not a limbo suite ($rc)"
sed '0,/"peer_certificate": /s//"peer_certificatX": /' "$TINY" > "$tmp/nopeer.json"
"$CF" conform "$tmp/nopeer.json" > "$tmp/o" 2>&1; rc=$?
ok $([[ $rc == 2 ]] && grep -q "nopeer.json: testcases\[0\] (id 'tiny::valid'): no 'peer_certificate'" "$tmp/o"; echo $?) \
  "a testcase without peer_certificate: exit 2 naming testcases[0] ($rc)"
sed 's/"id": "tiny::wrong-name"/"id": "tiny::valid"/' "$TINY" > "$tmp/dup.json"
"$CF" conform "$tmp/dup.json" > "$tmp/o" 2>&1; rc=$?
ok $([[ $rc == 2 ]] && grep -q "testcase id 'tiny::valid' appears more than once" "$tmp/o"; echo $?) "a duplicate id: exit 2 ($rc)"
"$CF" conform --out "$tmp/x.json" "$TINY" > "$tmp/o" 2>&1; rc=$?
ok $([[ $rc == 2 && ! -e $tmp/x.json ]] && grep -q -- "--out FILE holds one validator's results" "$tmp/o"; echo $?) "--out with several validators: exit 2 ($rc)"
"$CF" conform --strict --validator "$v" "$SUITE" > "$tmp/o" 2>&1; rc=$?
ok $([[ $rc == 1 ]]; echo $?) "--strict: exit 1 when $v gets any testcase wrong ($rc)"

# --- Ctrl-C: no results file, no temporary file
if [[ $have_py == 1 ]]; then
  python3 - "$SUITE" "$tmp/big.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
out = []
for k in range(20):
    for t in s["testcases"]:
        t = dict(t); t["id"] = "copy%d::%s" % (k, t["id"]); out.append(t)
json.dump({"version": 1, "testcases": out}, open(sys.argv[2], "w"))
EOF
  mkdir -p "$tmp/int"
  "$CF" conform --results-dir "$tmp/int" "$tmp/big.json" > "$tmp/int.out" 2>&1 &
  pid=$!
  sleep 2; kill -INT "$pid" 2>/dev/null; wait "$pid"; rc=$?
  ok $([[ $rc == 130 && -z $(ls -A "$tmp/int") ]] && grep -q "interrupted; no results written" "$tmp/int.out"; echo $?) \
    "Ctrl-C during a run: exit 130, nothing in the results directory ($rc, $(ls -A "$tmp/int" | wc -l) files)"
else
  skip "Ctrl-C during a run" "python3 is needed to make a large suite"
fi

# --- --cases-dir: the cases replay through chain_verify_<v> (docs/conform.md)
#     as external chains: an accepted limbo chain is not taken for a
#     signature bypass (certgen/signed_bytes.h; a certgen case marked
#     external is still judged: signed_bytes_test).
"$CF" conform --validator boringssl --quiet --cases-dir "$tmp/cases" "$SUITE" > "$tmp/o" 2>&1
ncases=$(find "$tmp/cases" -name '*.case' | wc -l)
CHAINFUZZ_VERBOSE=1 "$BUILD/replay/bin/chain_verify_boringssl" "$tmp/cases" > "$tmp/cv.out" 2>&1; rc=$?
accepted=$(grep -c '^chain_verify_boringssl: ACCEPT ' "$tmp/cv.out")
ok $([[ $ncases -gt 100 && $rc == 0 && $accepted -gt 0 ]] && ! grep -q 'oracle=signed-bytes' "$tmp/cv.out"; echo $?) \
  "--cases-dir: $ncases cases replay through chain_verify_boringssl, $accepted accepted, no signed-bytes finding (exit $rc)"
[[ $rc == 0 ]] || grep -E 'FINDING|ERROR' "$tmp/cv.out" | head -n 3 | sed 's/^/#   /'

# --- the catalogue through the same matrix
mkdir -p "$tmp/cat/rfc5280/validity" "$tmp/cat/iot"
cp certgen/scenarios/rfc5280/validity/notafter-exact.recipe "$tmp/cat/rfc5280/validity/"
cp certgen/scenarios/iot/expired-leaf.recipe "$tmp/cat/iot/" 2>/dev/null ||
  cp "$(find certgen/scenarios/iot -name '*.recipe' | sort | head -n 1)" "$tmp/cat/iot/"
"$CF" conform --catalogue "$tmp/cat" --validator boringssl > "$tmp/cat.out" 2>&1; rc=$?
row=$(awk '$1 == "boringssl" && NF == 7 {print; exit}' "$tmp/cat.out")
read -r _ pass wa wr sk er total <<< "$row"
ok $([[ $rc == 0 && $total == 2 && $((pass + wa + wr + sk + er)) == 2 && $er == 0 ]] &&
     grep -q "^certgen catalogue $tmp/cat: 2 scenarios, 1 validators" "$tmp/cat.out" &&
     grep -q "notafter-exact  oracle " "$tmp/cat.out"; echo $?) \
  "--catalogue: 2 scenarios in the matrix, BoringSSL's notAfter off-by-one listed with the oracle's verdict (exit $rc: $row)"

finish
