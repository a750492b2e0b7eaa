#!/bin/bash -eu
# OSS-Fuzz build script: chainfuzz's own build.sh runs in OSS-Fuzz mode
# because OUT and LIB_FUZZING_ENGINE are set; BoringSSL is $SRC/boringssl.
cd "$SRC/chainfuzz"
./build.sh
