#!/usr/bin/env bash
# determinism_test.sh — the same input gets the same verdict whatever ran
# before it in the process (issue 19): caches, RNG state and anything else
# kept between inputs may make a target faster, never change what it
# decides. For every chain and handshake target, a fixed sample of its seeds
# (every k-th file in name order, at most DET_SAMPLE; DET_SAMPLE_LIVE for
# handshake_live_*, which serve each case over a real TLS handshake) is
# replayed in one process forward, then backward, with CHAINFUZZ_VERBOSE=1;
# each input's verdict lines from the two passes must be identical. (AFL++
# measures the coverage side of this: stability, BENCHMARKS.md.)
# Output: TAP, one line per target.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
BIN=$BUILD/replay/bin
DET_SAMPLE=${DET_SAMPLE:-40}
DET_SAMPLE_LIVE=${DET_SAMPLE_LIVE:-12}
. "$ROOT/tests/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

while read -r t tpl seeds; do
  case $t in chain_* | handshake_*) ;; *) continue ;; esac
  if [[ ! -x $BIN/$t ]]; then
    ok 1 "$t: $BIN/$t exists (./build.sh --flavor replay)"
    continue
  fi
  mapfile -t all < <(ls "corpus/$seeds" 2>/dev/null | LC_ALL=C sort)
  max=$DET_SAMPLE
  [[ $t == handshake_live_* ]] && max=$DET_SAMPLE_LIVE
  k=$(( (${#all[@]} + max - 1) / max ))
  (( k > 0 )) || k=1
  files=()
  for ((i = 0; i < ${#all[@]}; i += k)); do files+=("corpus/$seeds/${all[i]}"); done
  back=()
  for ((i = ${#files[@]} - 1; i >= 0; i--)); do back+=("${files[i]}"); done
  CHAINFUZZ_VERBOSE=1 timeout -k 10 1200 "$BIN/$t" -timeout=25 "${files[@]}" "${back[@]}" \
    >"$tmp/$t.log" 2>&1
  rc=$?
  # Each input's block: its lines between "Running: F" and "Executed F",
  # first and second time; sanitizer and finding reports included.
  diffs=$(awk '
    /^Running: / { f = substr($0, 10); seen[f]++; cur = f "\t" seen[f]; text[cur] = ""; next }
    /^Executed / { cur = ""; next }
    cur != "" { text[cur] = text[cur] $0 "\n" }
    END {
      bad = 0
      for (k in seen) {
        if (seen[k] != 2 || text[k "\t1"] != text[k "\t2"]) {
          bad++
          if (bad <= 2) printf "%s\n  first: %s  then:  %s", k, text[k "\t1"], text[k "\t2"]
        }
      }
      printf "BAD %d\n", bad
    }' "$tmp/$t.log")
  bad=$(sed -n 's/^BAD //p' <<<"$diffs" | tail -n 1)
  # The comparison means something only if the target printed verdicts
  # (its CHAINFUZZ_VERBOSE lines: "chain_...: " or "handshake_...: ").
  verdicts=$(grep -cE '^(chain|handshake)_[a-z0-9_]*: ' "$tmp/$t.log")
  if (( verdicts == 0 )); then
    ok 1 "$t: no verdict line in its CHAINFUZZ_VERBOSE output: nothing to compare (exit $rc)"
    continue
  fi
  if [[ $rc == 0 && $bad == 0 ]]; then
    ok 0 "$t: ${#files[@]} seeds forward then backward in one process, same verdicts"
  else
    sed '$d' <<<"$diffs" | head -n 12 | sed 's/^/# /'
    [[ $rc == 0 ]] || tail -n 8 "$tmp/$t.log" | sed 's/^/# /'
    ok 1 "$t: ${#files[@]} seeds forward then backward: ${bad:-?} with another verdict the second time (exit $rc)"
  fi
done < <(./build.sh --target-info)
finish
