#!/usr/bin/env bash
# seeds_committed_test.sh — the committed seeds are what seedgen makes now:
# regenerating them on this machine (another machine, another day) yields
# byte-identical files, all of them already in corpus/. Fails when a change
# to certgen/ was not followed by `build/replay/bin/seedgen --out corpus`,
# or when generation stopped being deterministic. The same for the scenario
# catalogue's cases in corpus/chain_verify (certgen build --corpus). TAP.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
SEEDGEN=$BUILD/replay/bin/seedgen
n=0; failed=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

(cd "$ROOT" && "$SEEDGEN" --out "$tmp/seeds") >"$tmp/log" 2>&1
ok $? "seedgen --out writes the seeds"
for t in chain_verify x509_parse hostname pem_bundle; do
  made=$(ls "$tmp/seeds/$t" 2>/dev/null | wc -l)
  missing=0
  for f in "$tmp/seeds/$t"/*; do
    [[ -f $f ]] || continue
    cmp -s "$f" "$ROOT/corpus/$t/$(basename "$f")" || { missing=$((missing + 1)); echo "# not in corpus/$t: $(basename "$f")"; }
  done
  ok $([[ $made -gt 0 && $missing == 0 ]]; echo $?) "corpus/$t holds all $made seeds seedgen makes ($missing missing)"
done
# The scenario catalogue's cases seed chain_verify too (certgen build
# --corpus corpus/chain_verify after a change to certgen/ or its scenarios).
CERTGEN=$BUILD/replay/bin/certgen
(cd "$ROOT" && "$CERTGEN" build --corpus "$tmp/catalogue") >"$tmp/log2" 2>&1
ok $? "certgen build --corpus writes the catalogue's cases"
made=$(ls "$tmp/catalogue" 2>/dev/null | wc -l); missing=0
for f in "$tmp/catalogue"/*; do
  [[ -f $f ]] || continue
  cmp -s "$f" "$ROOT/corpus/chain_verify/$(basename "$f")" || { missing=$((missing + 1)); echo "# not in corpus/chain_verify: $(basename "$f")"; }
done
ok $([[ $made -gt 0 && $missing == 0 ]]; echo $?) \
  "corpus/chain_verify holds all $made catalogue cases ($missing missing: run certgen build --corpus corpus/chain_verify)"
for t in chain_verify x509_parse hostname pem_bundle; do
  bad=0
  for f in "$ROOT/corpus/$t"/*; do
    [[ -f $f ]] || continue
    [[ $(sha1sum "$f" | cut -c1-40) == "$(basename "$f")" ]] || { bad=$((bad + 1)); echo "# misnamed: $f"; }
  done
  ok $([[ $bad == 0 ]]; echo $?) "every file in corpus/$t is named by the SHA-1 of its content"
done
echo "1..$n"
exit $failed
