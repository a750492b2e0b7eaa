#!/usr/bin/env bash
# record-seeds.sh — regenerates the seed transcripts of every handshake
# target with hsrecord (handshake/record_cli.c), from the cases of
# corpus/chain_verify:
#   corpus/handshake_client_boringssl          hsrecord --lib boringssl
#   corpus/handshake_client_boringssl_fuzzer   hsrecord-fuzzer-mode --lib boringssl
#   corpus/handshake_client_mbedtls            hsrecord --lib mbedtls
#   corpus/handshake_client_mbedtls_nohost_negative
#                                              hsrecord --lib mbedtls --client nohost
#                                                --label rfc6125:: --label iot::
#   corpus/handshake_client_wolfssl            hsrecord --lib wolfssl
#
# usage: harness/record-seeds.sh [--into DIR]
#   Without --into, each corpus directory is replaced as a whole (the new
#   one is recorded beside it, then swapped in: an interrupted run leaves
#   the old one). With --into DIR, the corpora are written under DIR
#   instead (tests/seeds_committed_test.sh compares them with corpus/).
# Builds the replay flavor first (./build.sh --flavor replay). Exit 0 on
# success, 1 on a failure, 2 on a usage error.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
INTO=
while [[ $# -gt 0 ]]; do
  case $1 in
    --into) [[ $# -ge 2 ]] || { echo "record-seeds.sh: --into needs a directory" >&2; exit 2; }
            INTO=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "record-seeds.sh: unknown argument '$1' (usage: harness/record-seeds.sh [--into DIR])" >&2; exit 2 ;;
  esac
done
cd "$ROOT"
if [[ ! -x $BUILD/replay/bin/hsrecord || ${CHAINFUZZ_NO_BUILD:-0} != 1 ]]; then
  ./build.sh --flavor replay >&2 || { echo "record-seeds.sh: build failed" >&2; exit 1; }
fi
BIN=$BUILD/replay/bin
# name | binary | arguments
SETS=(
  "handshake_client_boringssl|hsrecord|--lib boringssl"
  "handshake_client_boringssl_fuzzer|hsrecord-fuzzer-mode|--lib boringssl"
  "handshake_client_mbedtls|hsrecord|--lib mbedtls"
  "handshake_client_mbedtls_nohost_negative|hsrecord|--lib mbedtls --client nohost --label rfc6125:: --label iot::"
  "handshake_client_wolfssl|hsrecord|--lib wolfssl"
)
for set in "${SETS[@]}"; do
  IFS='|' read -r name bin args <<<"$set"
  if [[ -n $INTO ]]; then
    dest=$INTO/$name
    rm -rf "$dest"; mkdir -p "$INTO"
    # shellcheck disable=SC2086
    "$BIN/$bin" $args --out "$dest"
  else
    dest=corpus/$name
    rm -rf "$dest.new"
    # shellcheck disable=SC2086
    "$BIN/$bin" $args --out "$dest.new"
    rm -rf "$dest.old"
    [[ -d $dest ]] && mv "$dest" "$dest.old"
    mv "$dest.new" "$dest"
    rm -rf "$dest.old"
  fi
done
