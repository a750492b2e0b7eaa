#!/usr/bin/env bash
# canaries_test.sh — every oracle must catch its canaries (s2n's *_negative
# tests): the *_negative targets wrap deliberately lax validators
# (validators/lax.c: ignores expiry; accepts CA:FALSE issuers;
# suffix-matches hostnames; skips the leaf's signature), and each is fuzzed
# with libFuzzer from its seeds for a bounded time. A canary passes only
# when its oracle reports the finding that names its laxness:
#   chain_verify_* (signed-bytes oracle)  accept-when-should-reject SIGNATURE
#   chain_oracle_* (spec oracle)          accept-when-should-reject <reason>
#   chain_diff_*   (differential oracle)  disagreement <reason>
#   handshake_client_* (handshake chain oracle, handshake/judge.c)
#                                         accept-when-should-reject <reason>
# where <reason> is EXPIRED|NOT_YET_VALID, NOT_CA, NAME_MISMATCH,
# SIGNATURE, PATH_LENGTH or EKU for the expiry, ca, suffix/name, signature,
# pathlen and eku canaries of every base (lib/validator.c, kCanaries); for the
# misconfigured TLS clients (handshake_client_<lib>_<misconf>_negative) it
# is NAME_MISMATCH for nohost (no expected host name) and any reason for
# noverify (verification off) and optional (mbedTLS OPTIONAL, result never
# read): every bad chain the client then completes on is the finding. Any other
# finding first (a real validator bug, a missing allow-list line) fails the
# canary with the line it printed. A canary that stops being caught means
# an oracle went blind.
#
# Budget per canary, by work: libFuzzer with -seed=1 and -runs=
# CHAINFUZZ_CANARY_RUNS (default 20000; most are caught by their seeds, in
# the first few hundred runs), so a slow or loaded machine changes how long
# a canary takes, never whether it is caught. The time limit
# (CHAINFUZZ_CANARY_TIMEOUT, default 900 s each) is only a hang backstop.
# Builds the canaries alone in the libfuzzer flavor (build.sh --targets; the
# libraries are the replay flavor's, from the shared cache). Output: TAP.
#
# Fuzzing power without the catalogue (issue 13, BENCHMARKS.md):
# CHAINFUZZ_CANARY_SEEDS=none starts every canary from an empty corpus
# instead of its seeds; arguments name the canary targets to run (default:
# all). Not part of make test: some canaries need minutes from nothing.
# CHAINFUZZ_CANARY_SEED sets libFuzzer's -seed (default 1), to measure a
# canary over several runs. CHAINFUZZ_CANARY_FORK=1 fuzzes in fork mode
# with -ignore_crashes=1, so that a finding of the base library (an
# OpenSSL canary meets F30 first from nothing) does not end the run: the
# canary passes when any finding names its laxness, and "caught" gives
# the fork-mode status line after it (runs and seconds so far).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
RUNS=${CHAINFUZZ_CANARY_RUNS:-20000}
BACKSTOP=${CHAINFUZZ_CANARY_TIMEOUT:-900}
SEEDS=${CHAINFUZZ_CANARY_SEEDS:-corpus}
SEED=${CHAINFUZZ_CANARY_SEED:-1}
FORK=${CHAINFUZZ_CANARY_FORK:-0}
case $SEEDS in
  corpus|none) ;;
  *) echo "canaries_test.sh: CHAINFUZZ_CANARY_SEEDS must be 'corpus' or 'none', not '$SEEDS'" >&2; exit 2 ;;
esac
[[ $SEED =~ ^[0-9]+$ ]] || { echo "canaries_test.sh: CHAINFUZZ_CANARY_SEED must be a number, not '$SEED'" >&2; exit 2; }
[[ $FORK == 0 || $FORK == 1 ]] || { echo "canaries_test.sh: CHAINFUZZ_CANARY_FORK must be 0 or 1, not '$FORK'" >&2; exit 2; }
. "$ROOT/tests/tap.sh"
. "$ROOT/harness/options.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$ROOT" || exit 2
info=$(./build.sh --canary-info) || { ok 1 "build.sh --canary-info"; finish; }
if [[ $# -gt 0 ]]; then
  for want in "$@"; do
    grep -q "^$want " <<<"$info" || { echo "canaries_test.sh: no canary target '$want' (./build.sh --canary-info lists them)" >&2; exit 2; }
  done
  info=$(grep -E "^($(IFS='|'; echo "$*")) " <<<"$info")
fi
[[ -n $info ]] || { ok 1 "there are canaries to run"; finish; }
if ! CHAINFUZZ_BUILD_DIR=$BUILD ./build.sh --flavor libfuzzer --targets "$(cut -d' ' -f1 <<<"$info" | tr '\n' ' ')" \
     >"$tmp/build.log" 2>&1; then
  tail -n 20 "$tmp/build.log" | sed 's/^/# /'
  ok 1 "build.sh --flavor libfuzzer --targets <canaries>"
  finish
fi
BIN=$BUILD/libfuzzer/bin

# want_reason CANARY prints the reasons that name its laxness (a regex).
want_reason() {
  case $1 in
    *expiry_negative) echo 'EXPIRED|NOT_YET_VALID' ;;
    *ca_negative) echo 'NOT_CA' ;;
    # wolfSSL hands its verify callback one error per certificate, the
    # last: once the callback lets a name mismatch pass, that leaf's
    # keyUsage check and an unknown issuer pass too (FINDINGS.md F46).
    *wolfssl_name_negative) echo 'NAME_MISMATCH|KEY_USAGE|UNTRUSTED' ;;
    *suffix_negative|*name_negative) echo 'NAME_MISMATCH' ;;
    *pathlen_negative) echo 'PATH_LENGTH' ;;
    # OpenSSL's purpose check also covers the leaf's keyUsage
    # (INVALID_PURPOSE for both): letting the purpose pass lets either.
    *openssl_eku_negative) echo 'EKU|KEY_USAGE' ;;
    *eku_negative) echo 'EKU' ;;
    *signature_negative) echo 'SIGNATURE' ;;
    *nohost_negative) echo 'NAME_MISMATCH' ;;
    *noverify_negative|*optional_negative) echo '[A-Z_]+' ;;
    *) echo 'UNKNOWN-CANARY' ;;
  esac
}

while read -r t tpl seeds; do
  canary=${t#chain_verify_}; canary=${canary#chain_oracle_}; canary=${canary#chain_diff_}
  canary=${canary#handshake_client_}
  case $t in
    handshake_client_*) kind=accept-when-should-reject; oracle=handshake-chain ;;
    chain_verify_*) kind=accept-when-should-reject; oracle=signed-bytes ;;
    chain_oracle_*) kind=accept-when-should-reject; oracle=spec ;;
    chain_diff_*) kind=disagreement; oracle=diff ;;
    *) ok 1 "$t: a canary of a known oracle"; continue ;;
  esac
  reason=$(want_reason "$canary")
  mkdir -p "$tmp/$t/corpus" "$tmp/$t/art"
  start=$(date +%s)
  # The template's dictionary and options, as make fuzz and OSS-Fuzz pass
  # them.
  mapfile -t extra < <(cf_libfuzzer_options "targets/$tpl.options")
  [[ -f targets/$tpl.dict ]] && extra+=(-dict="targets/$tpl.dict")
  [[ $FORK == 1 ]] && extra+=(-fork=1 -ignore_crashes=1)
  timeout -k 10 "$BACKSTOP" "$BIN/$t" -runs="$RUNS" "${extra[@]}" \
    -seed="$SEED" -timeout=25 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$tmp/$t/art/" \
    "$tmp/$t/corpus" $([[ $SEEDS == corpus ]] && echo "corpus/$seeds") >"$tmp/$t/log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  want="kind=$kind validator=[a-z_]*$canary oracle=$oracle reason=($reason) "
  if [[ $FORK == 1 ]]; then
    # Fork mode goes on after findings and prints none of the jobs' own
    # lines: replay the artifacts it saved, oldest first; the first whose
    # finding names the laxness counts, timed by its file, with the runs
    # of the last status line ("#N: ... time: Ts") before it.
    line= at=
    while read -r art; do
      l=$("$BIN/$t" "$art" 2>&1 | grep -m1 '^==chainfuzz== FINDING')
      if grep -qE -- "$want" <<<"$l"; then
        line=$l rc=1
        secs=$(( $(stat -c %Y "$art") - start ))
        runs=$(awk -v s="$secs" 'match($0, /^#[0-9]+: .* time: [0-9]+s/) { split($0, a, /[#: ]+/); t = $0; sub(/.* time: /, "", t); sub(/s.*/, "", t); if (t + 0 <= s) r = a[2] } END { print r }' "$tmp/$t/log")
        at="by run ${runs:-?} (fork mode), ${secs}s in"
        break
      fi
    done < <(ls -tr "$tmp/$t/art/"* 2>/dev/null)
  else
    line=$(grep -m1 '^==chainfuzz== FINDING' "$tmp/$t/log")
    # When it was caught: the runs libFuzzer counted when it stopped
    # (-print_final_stats), else after its last "#N" status line; in the
    # seed pass when there is no "#N" line before the finding.
    at=$(sed -n '/^==chainfuzz== FINDING/q; s/^#\([0-9][0-9]*\).*/\1/p' "$tmp/$t/log" | tail -n 1)
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9][0-9]*\).*/\1/p' "$tmp/$t/log" | tail -n 1)
    [[ -n $at && -n $runs ]] && at=$runs
    at=${at:+at run $at of $RUNS}
  fi
  if [[ $rc != 0 ]] && grep -qE -- "$want" <<<"$line"; then
    ok 0 "$t: caught ${at:-in the seed pass}, ${took}s ($line)"
  else
    [[ -n $line ]] || line="no finding (exit $rc)"
    tail -n 15 "$tmp/$t/log" | sed 's/^/# /'
    # Keep what it stopped on: the temporary directory goes at exit.
    if compgen -G "$tmp/$t/art/*" >/dev/null; then
      mkdir -p "$BUILD/canary-artifacts/$t" &&
        cp "$tmp/$t/art/"* "$BUILD/canary-artifacts/$t/" &&
        echo "# artifacts kept in $BUILD/canary-artifacts/$t/"
    fi
    ok 1 "$t: the $oracle oracle must report $kind for $canary with reason $reason; got: $line"
  fi
done <<<"$info"
finish
