#!/usr/bin/env bash
# bench/run.sh — `make bench`: the figures BENCHMARKS.md records.
#  1. harness overhead: chain_verify's LLVMFuzzerTestOneInput (plain flavor)
#     against a bare loop of the same BoringSSL calls on the same inputs
#     (bench/harness_overhead.c); goal: ratio >= 0.9;
#  2. exec/s and coverage of every target (libfuzzer flavor) on its seed
#     corpus for BENCH_SECONDS each, one at a time, from an empty working
#     corpus (so runs compare);
#  3. the anchor: a parse-only target shaped like BoringSSL's fuzz/cert.cc
#     (bench/anchor_cert_parse.c; the Debian snapshot has no fuzz/), built
#     the same way and run for the same time on corpus/x509_parse;
#  4. certgen bench: certificates/s (ECDSA P-256, RSA-2048 leaves) against
#     the openssl command line, one process per certificate;
#  5. handshake targets against their accept-any baselines
#     (build/libfuzzer/bench/handshake_anycert_<lib>: the same client
#     accepting any certificate, no oracle): exec/s and coverage, each pair
#     on the same seeds for BENCH_SECONDS, one at a time; goal: a target
#     within 20% of its baseline's exec/s (docs/handshake.md).
# Environment: BENCH_SECONDS (default 60), TARGETS (default all).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
BENCH_SECONDS=${BENCH_SECONDS:-60}
[[ $BENCH_SECONDS =~ ^[1-9][0-9]*$ ]] || { echo "make bench: BENCH_SECONDS must be a positive number" >&2; exit 2; }

./build.sh --flavor plain,libfuzzer
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), $(clang --version | head -n 1), $(date -u +%F)"
echo
echo "== 1. harness overhead (plain flavor, corpus/chain_verify)"
"$BUILD/plain/bench/harness_overhead" -seconds=2 -rounds=5 corpus/chain_verify/*

echo
echo "== 2. targets, libfuzzer flavor, ${BENCH_SECONDS}s each on their seeds"
CHAINFUZZ_WORK_DIR=$tmp/work CHAINFUZZ_CRASHES_DIR=$tmp/crashes FUZZ_SECONDS=$BENCH_SECONDS \
  JOBS=1 ENGINE=libfuzzer harness/fuzz.sh || true

echo
echo "== 3. anchor: a parse-only target shaped like BoringSSL's fuzz/cert.cc, ${BENCH_SECONDS}s on corpus/x509_parse"
# shellcheck disable=SC1091
. "$BUILD/libfuzzer/flavor.env"
mkdir -p "$BUILD/libfuzzer/bench" "$tmp/anchor"
"$CC" -std=c11 $CFLAGS -I"$BSSL_INC" -c bench/anchor_cert_parse.c -o "$tmp/anchor.o"
"$CXX" $CFLAGS "$tmp/anchor.o" "$BSSL_LIB/libcrypto.a" $LDFLAGS -lpthread \
  -o "$BUILD/libfuzzer/bench/anchor_cert_parse"
"$BUILD/libfuzzer/bench/anchor_cert_parse" -max_total_time="$BENCH_SECONDS" -print_final_stats=1 \
  "$tmp/anchor" corpus/x509_parse >"$tmp/anchor.log" 2>&1 || true
grep -E '^#[0-9]+.*cov:' "$tmp/anchor.log" | tail -n 1
grep -E '^stat::average_exec_per_sec' "$tmp/anchor.log"

echo
echo "== 4. certgen: certificates per second on one core (plain flavor) vs the openssl command line, one process per certificate"
"$BUILD/plain/bin/certgen" bench --seconds 5 --openssl-runs 200

echo
echo "== 5. handshake targets vs accept-any baselines, ${BENCH_SECONDS}s each on their seeds (libfuzzer flavor)"
printf '%-38s %10s %8s\n' binary exec/s cov
for pair in boringssl:handshake_client_boringssl boringssl_fuzzer:handshake_client_boringssl_fuzzer \
            mbedtls:handshake_client_mbedtls wolfssl:handshake_client_wolfssl; do
  lib=${pair%%:*}; seeds=${pair#*:}
  for bin in "$BUILD/libfuzzer/bin/handshake_client_$lib" "$BUILD/libfuzzer/bench/handshake_anycert_$lib"; do
    [[ -x $bin ]] || continue
    rm -rf "$tmp/hs"; mkdir -p "$tmp/hs"
    "$bin" -max_total_time="$BENCH_SECONDS" -print_final_stats=1 -max_len=65536 \
      -dict=targets/handshake/handshake_client.dict "$tmp/hs" "corpus/$seeds" >"$tmp/hs.log" 2>&1 || true
    execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$tmp/hs.log")
    cov=$(grep -E '^#[0-9]+.*cov:' "$tmp/hs.log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    printf '%-38s %10s %8s\n' "$(basename "$bin")" "${execs:-?}" "${cov:-?}"
  done
done
