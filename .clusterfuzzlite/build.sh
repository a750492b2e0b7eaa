#!/bin/bash -eu
# OSS-Fuzz build script: chainfuzz's own build.sh runs in OSS-Fuzz mode
# because OUT and LIB_FUZZING_ENGINE are set; the libraries are
# $SRC/{boringssl,mbedtls,mbedtls3,wolfssl,openssl} (Dockerfile). Tested with
# harness/ossfuzz.sh, which emulates base-builder around this script.
#
# CHAINFUZZ_REJECT_FINDINGS (build time, default 1): 0 builds the oracle
# targets so that only accept-when-should-reject findings (a forged or
# invalid chain accepted), invariants and crashes abort there, not
# reject-when-should-accept (a valid chain refused). OSS-Fuzz passes no
# environment to targets, so the choice is compiled in; reviewed, known
# findings (certgen/known-rules.tsv, certgen/diff-allow.tsv, the handshake
# judge's known list) never abort either way.
cd "$SRC/chainfuzz"
./build.sh
