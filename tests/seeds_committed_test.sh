#!/usr/bin/env bash
# seeds_committed_test.sh — the committed seeds are what seedgen makes now:
# regenerating them on this machine (another machine, another day) yields
# byte-identical files, all of them already in corpus/. Fails when a change
# to certgen/ was not followed by `build/replay/bin/seedgen --out corpus`,
# or when generation stopped being deterministic. Output: TAP.
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
