#!/usr/bin/env bash
# seeds_committed_test.sh — the committed seeds are what seedgen makes now:
# regenerating them on this machine (another machine, another day) yields
# byte-identical files, all of them already in corpus/. Fails when a change
# to certgen/ was not followed by `build/replay/bin/seedgen --out corpus`,
# or when generation stopped being deterministic. The same for the scenario
# catalogue's cases in corpus/chain_verify (certgen build --corpus) and its
# binary recipes in corpus/chain_oracle (certgen seeds). TAP.
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
# The catalogue as binary recipes seeds chain_oracle_* (certgen seeds
# --oracle-corpus corpus/chain_oracle after a change to certgen/recipe_bytes.c,
# certgen/ or its scenarios): the same files, no more, no fewer.
(cd "$ROOT" && "$CERTGEN" seeds --oracle-corpus "$tmp/oracle") >"$tmp/log3" 2>&1
ok $? "certgen seeds --oracle-corpus writes the expressible scenarios"
made=$(ls "$tmp/oracle" 2>/dev/null | wc -l); missing=0
for f in "$tmp/oracle"/*; do
  [[ -f $f ]] || continue
  cmp -s "$f" "$ROOT/corpus/chain_oracle/$(basename "$f")" || { missing=$((missing + 1)); echo "# not in corpus/chain_oracle: $(basename "$f")"; }
done
have=$(ls "$ROOT/corpus/chain_oracle" 2>/dev/null | wc -l)
ok $([[ $made -gt 0 && $missing == 0 && $have == "$made" ]]; echo $?) \
  "corpus/chain_oracle is exactly the $made seeds certgen seeds makes ($missing missing, $have committed: run certgen seeds --oracle-corpus corpus/chain_oracle after emptying it)"
# The handshake targets' transcripts (harness/record-seeds.sh after a change
# to handshake/, the TLS libraries or corpus/chain_verify): exactly the
# files hsrecord makes now.
HS_SETS="handshake_client_boringssl handshake_client_boringssl_fuzzer handshake_client_mbedtls handshake_client_mbedtls_nohost_negative handshake_client_wolfssl"
if [[ -x $BUILD/replay/bin/hsrecord ]]; then
  (cd "$ROOT" && CHAINFUZZ_BUILD_DIR=$BUILD CHAINFUZZ_NO_BUILD=1 harness/record-seeds.sh --into "$tmp/hs") >"$tmp/log4" 2>&1
  rc=$?
  [[ $rc == 0 ]] || sed 's/^/# /' "$tmp/log4" | tail -n 5
  ok $rc "harness/record-seeds.sh --into records every handshake corpus"
  for t in $HS_SETS; do
    made=$(ls "$tmp/hs/$t" 2>/dev/null | wc -l); missing=0
    for f in "$tmp/hs/$t"/*; do
      [[ -f $f ]] || continue
      cmp -s "$f" "$ROOT/corpus/$t/$(basename "$f")" || { missing=$((missing + 1)); [[ $missing -le 3 ]] && echo "# not in corpus/$t: $(basename "$f")"; }
    done
    have=$(ls "$ROOT/corpus/$t" 2>/dev/null | wc -l)
    ok $([[ $made -gt 0 && $missing == 0 && $have == "$made" ]]; echo $?) \
      "corpus/$t is exactly the $made transcripts hsrecord makes ($missing missing, $have committed: run harness/record-seeds.sh)"
  done
else
  ok 1 "hsrecord is built ($BUILD/replay/bin/hsrecord)"
fi
for t in chain_verify x509_parse hostname pem_bundle chain_oracle $HS_SETS; do
  bad=0
  for f in "$ROOT/corpus/$t"/*; do
    [[ -f $f ]] || continue
    [[ $(sha1sum "$f" | cut -c1-40) == "$(basename "$f")" ]] || { bad=$((bad + 1)); echo "# misnamed: $f"; }
  done
  ok $([[ $bad == 0 ]]; echo $?) "every file in corpus/$t is named by the SHA-1 of its content"
done
echo "1..$n"
exit $failed
