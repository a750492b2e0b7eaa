#!/usr/bin/env bash
# certgen_cli_test.sh — the certgen CLI end to end (replay flavor):
#  - check: the whole catalogue agrees with the oracle and with every
#    registered validator or is a reviewed divergence; the tables derived
#    from the divergences (known-rules.tsv, diff-allow.tsv) are up to date;
#    --validator picks one; and each failure kind fires on a doctored
#    catalogue (an unlisted disagreement, a stale divergence, a scenario
#    whose `expect` the oracle contradicts);
#  - build: a bad recipe gives FILE:LINE:COL, exit 2, and writes nothing; a
#    good one gives the same bytes twice and a case chain_verify_boringssl runs;
#    --corpus writes one case per scenario;
#  - bench runs (its figures are for BENCHMARKS.md, not asserted here);
#  - usage errors exit 2.
# Output: TAP. Exit 1 on any failure.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
CG=$BUILD/replay/bin/certgen
n=0; failed=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
if [[ ! -x $CG ]]; then echo "not ok 1 - $CG missing: run ./build.sh --flavor replay"; echo "1..1"; exit 1; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# --- check on the real catalogue
"$CG" check > "$tmp/check.out" 2> "$tmp/check.err"; rc=$?
summary=$(tail -n 1 "$tmp/check.out")
ok $rc "certgen check: exit 0 on the catalogue ($summary)"
total=$(find certgen/scenarios -name '*.recipe' | wc -l)
ok $([[ $summary == "$total scenarios, "*" validators: "*" 0 disagree, 0 stale divergences, 0 oracle mismatches, 0 errors; 0 catalogue problems" ]]; echo $?) \
  "certgen check: all $total scenarios judged, no failure kind"
validators=$(sed -n 's/^\([a-z0-9_]*\): scenarios [0-9]*: .*/\1/p' "$tmp/check.out")
ok $([[ $(wc -w <<<"$validators") -ge 4 ]]; echo $?) "certgen check: every registered validator ran ($(echo $validators))"
for v in $validators; do
  ok $([[ $(grep -c "  $v=" "$tmp/check.out") -eq $total ]] && grep -q "^$v: scenarios $total: " "$tmp/check.out"; echo $?) \
    "certgen check: one line per scenario for $v, and its summary"
done
"$CG" check --validator mbedtls --quiet valid:: > "$tmp/check-m.out" 2>&1; rc=$?
ok $([[ $rc == 0 ]] && ! grep -q "boringssl" "$tmp/check-m.out" && grep -q "^mbedtls: scenarios" "$tmp/check-m.out" &&
     [[ $(tail -n 1 "$tmp/check-m.out") == *" 1 validators: "* ]]; echo $?) \
  "certgen check --validator mbedtls: only mbedTLS runs (exit $rc)"
ok $([[ $(grep -c '^known-divergence' "$tmp/check.out") -eq $(grep -vc '^#' certgen/divergences.tsv) ]]; echo $?) \
  "certgen check: every line of divergences.tsv is used"

# --- the tables derived from the reviewed divergences are up to date
"$CG" check --known-rules "$tmp/known-rules.tsv" --diff-allow "$tmp/diff-allow.tsv" > /dev/null 2>&1; rc=$?
ok $([[ $rc == 0 ]] && cmp -s "$tmp/known-rules.tsv" certgen/known-rules.tsv; echo $?) \
  "certgen/known-rules.tsv is what 'certgen check --known-rules' derives from divergences.tsv (else regenerate it)"
ok $([[ $rc == 0 ]] && cmp -s "$tmp/diff-allow.tsv" certgen/diff-allow.tsv; echo $?) \
  "certgen/diff-allow.tsv is what 'certgen check --diff-allow' derives (else regenerate it)"
ok $([[ $(grep -vc '^#' certgen/known-rules.tsv) -gt 0 && $(grep -vc '^#' certgen/diff-allow.tsv) -gt 0 ]]; echo $?) \
  "the derived tables are not empty"
"$CG" check --known-rules "$tmp/k2.tsv" valid:: > /dev/null 2>&1; rc=$?
ok $([[ $rc == 2 && ! -e $tmp/k2.tsv ]]; echo $?) "check --known-rules with a filter: usage error, nothing written (exit $rc)"

# --- check fires: a doctored catalogue
mkdir -p "$tmp/cat/rfc5280/validity" "$tmp/cat/valid/p256"
cp certgen/scenarios/rfc5280/validity/notafter-exact.recipe "$tmp/cat/rfc5280/validity/"
cp certgen/scenarios/valid/p256/ica1.recipe "$tmp/cat/valid/p256/" 2>/dev/null ||
  cp "$(find certgen/scenarios/valid -name '*.recipe' | sort | head -n 1)" "$tmp/cat/valid/p256/ica1.recipe"
: > "$tmp/empty.tsv"
"$CG" check --dir "$tmp/cat" --divergences "$tmp/empty.tsv" rfc5280::validity::notafter-exact > "$tmp/o1" 2>&1; rc=$?
ok $([[ $rc == 1 ]] && grep -q '^DISAGREE .*notafter-exact' "$tmp/o1"; echo $?) \
  "check: an unlisted disagreement (BoringSSL's notAfter off-by-one) fails (exit $rc)"
printf 'rfc5280::validity::notafter-exact\tboringssl\tACCEPT\t-\twrong on purpose\n' > "$tmp/wrong.tsv"
"$CG" check --dir "$tmp/cat" --divergences "$tmp/wrong.tsv" rfc5280::validity::notafter-exact > "$tmp/o2" 2>&1; rc=$?
ok $([[ $rc == 1 ]] && grep -q '^DISAGREE' "$tmp/o2"; echo $?) \
  "check: a divergence listed with the wrong decision does not cover it (exit $rc)"
vid=$(awk '$1 == "id" {print $2; exit}' "$tmp/cat/valid/p256/ica1.recipe")
mkdir -p "$tmp/cat2/${vid%%::*}"; vpath=$tmp/cat2/$(echo "$vid" | sed 's/::/\//g').recipe; mkdir -p "$(dirname "$vpath")"
cp "$tmp/cat/valid/p256/ica1.recipe" "$vpath"
printf '%s\tboringssl\tREJECT\t-\tonce true, no more\n' "$vid" > "$tmp/stale.tsv"
"$CG" check --dir "$tmp/cat2" --divergences "$tmp/stale.tsv" > "$tmp/o3" 2>&1; rc=$?
ok $([[ $rc == 1 ]] && grep -q '^STALE-DIVERGENCE' "$tmp/o3"; echo $?) \
  "check: a divergence that no longer happens is stale and fails (exit $rc)"
sed -i 's/^expect .*/expect reject EXPIRED/' "$vpath"
"$CG" check --dir "$tmp/cat2" --divergences "$tmp/empty.tsv" > "$tmp/o4" 2>&1; rc=$?
ok $([[ $rc == 1 ]] && grep -q '^ORACLE-MISMATCH' "$tmp/o4"; echo $?) \
  "check: a scenario whose expect the oracle contradicts fails (exit $rc)"
printf 'rfc5280::validity::notafter-exact\tnosuchlib\tACCEPT\t-\twhy\n' > "$tmp/unknown-v.tsv"
"$CG" check --dir "$tmp/cat" --divergences "$tmp/unknown-v.tsv" > "$tmp/o6" 2>&1; rc=$?
ok $([[ $rc == 2 ]] && grep -q "unknown-v.tsv:1: unknown validator 'nosuchlib'" "$tmp/o6"; echo $?) \
  "check: a divergence naming an unregistered validator is an error, exit 2 (exit $rc)"
printf 'x\tboringssl\tMAYBE\t-\twhy\n' > "$tmp/bad.tsv"
"$CG" check --dir "$tmp/cat" --divergences "$tmp/bad.tsv" > "$tmp/o5" 2>&1; rc=$?
ok $([[ $rc == 2 ]] && grep -q 'bad.tsv:1: decision' "$tmp/o5"; echo $?) \
  "check: a malformed divergence file is a clear error, exit 2 (exit $rc)"

# --- build
good=certgen/scenarios/rfc5280/validity/notafter-exact.recipe
printf 'recipe 1\nid bad::one\nexpect accept\ncert root root\n  key root-p257\n' > "$tmp/bad.recipe"
"$CG" build --out "$tmp/bad.case" "$tmp/bad.recipe" > "$tmp/b1" 2>&1; rc=$?
ok $([[ $rc == 2 && ! -e $tmp/bad.case ]] && grep -q "bad.recipe:5:7: " "$tmp/b1"; echo $?) \
  "build: a bad recipe gives FILE:LINE:COL, exit 2, no output (exit $rc: $(head -n 1 "$tmp/b1"))"
"$CG" build --out "$tmp/a.case" --der-dir "$tmp/der" "$good" && "$CG" build --out "$tmp/b.case" "$good"; rc=$?
ok $([[ $rc == 0 ]] && cmp -s "$tmp/a.case" "$tmp/b.case"; echo $?) "build: the same recipe twice gives the same bytes"
ok $([[ -s $tmp/der/leaf.der && -s $tmp/der/root.der && -s $tmp/der/ica.der ]]; echo $?) "build --der-dir: one DER file per cert block"
ok $(cmp -s <(head -c 4 "$tmp/a.case") <(printf CFZC); echo $?) "build: the output is a case (CFZC magic)"
"$BUILD/replay/bin/chain_verify_boringssl" "$tmp/a.case" > "$tmp/b2" 2>&1; rc=$?
ok $rc "build: chain_verify_boringssl (replay) runs the built case cleanly"
"$CG" build --corpus "$tmp/corpus" > "$tmp/b3" 2>&1; rc=$?
ok $([[ $rc == 0 && $(ls "$tmp/corpus" | wc -l) -eq $total ]]; echo $?) \
  "build --corpus: one case per scenario ($(ls "$tmp/corpus" 2>/dev/null | wc -l) of $total)"
ok $([[ -z $(ls -A "$tmp/corpus" | grep '^\.') ]]; echo $?) "build --corpus: no temporary file left"

# --- show --bytes: a chain_oracle input as the target decodes it
printf '\x00\x03\x00\x00\x00\x00\x06\x01\x02\x00\x0a\x02\xff\x00\x03\x02\x04\x01' > "$tmp/rb"
"$CG" show --bytes "$tmp/rb" > "$tmp/sb" 2>&1; rc=$?
ok $([[ $rc == 0 ]] && grep -q '^id      fuzz::recipe-bytes' "$tmp/sb" &&
     [[ $(grep -c '^cert \(root0\|ica1\|leaf2\) ' "$tmp/sb") == 3 ]] &&
     grep -A12 '^cert ica1 ' "$tmp/sb" | grep -q 'basic-constraints.*ee'; echo $?) \
  "show --bytes: root0, ica1 (not a CA), leaf2 from 18 recipe bytes"
"$CG" show --bytes "$tmp" > "$tmp/sb" 2>&1; rc=$?
ok $([[ $rc == 1 ]] && grep -q 'not a regular file' "$tmp/sb"; echo $?) "show --bytes DIR: exit 1, not a regular file"
"$CG" show --bytes "$tmp/nothing-here" > "$tmp/sb" 2>&1; rc=$?
ok $([[ $rc == 1 ]] && grep -q 'No such file' "$tmp/sb"; echo $?) "show --bytes MISSING: exit 1 with the reason"

# --- bench and usage
"$CG" bench --seconds 0.2 --openssl-runs 0 > "$tmp/bench" 2>&1; rc=$?
ok $([[ $rc == 0 && $(grep -c '^| \(ECDSA P-256\|RSA-2048\) | [0-9]' "$tmp/bench") == 2 ]]; echo $?) "bench: runs and prints a row per key type"
for args in "" "frobnicate" "build" "build --out" "check --nope" "check --validator" "check --validator nosuchlib" "bench --seconds -1" "build --corpus $tmp/x --out $tmp/y" "show --bytes"; do
  # shellcheck disable=SC2086
  "$CG" $args > "$tmp/u" 2>&1; rc=$?
  ok $([[ $rc == 2 ]] && [[ -s $tmp/u ]]; echo $?) "usage error 'certgen $args' exits 2 with a message (exit $rc)"
done
for c in lint list show build check bench; do
  "$CG" $c --help > "$tmp/h" 2>&1; rc=$?
  ok $([[ $rc == 0 ]] && grep -q "^usage: certgen $c" "$tmp/h"; echo $?) "certgen $c --help"
done
echo "1..$n"
exit $failed
