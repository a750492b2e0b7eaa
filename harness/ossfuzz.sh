#!/usr/bin/env bash
# harness/ossfuzz.sh — builds chainfuzz the way OSS-Fuzz's base-builder does
# and runs harness/check-build.sh on the result, for every combination asked.
#
# The emulation (google/oss-fuzz infra/base-images, read 2026-12-07): the
# base-clang CFLAGS (-O1 -fno-omit-frame-pointer -gline-tables-only
# -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION and its -Wno-error= list),
# SANITIZER_FLAGS_<sanitizer>, COVERAGE_FLAGS (-fsanitize=fuzzer-no-link for
# libFuzzer, none for AFL++), CXXFLAGS = CFLAGS + -stdlib=libc++, for
# undefined -fno-sanitize=function on C only, LIB_FUZZING_ENGINE
# (-fsanitize=fuzzer; AFL++: libAFLDriver.a with CC=afl-clang-fast), $SRC
# $OUT $WORK, `bash -eux $SRC/build.sh` from $SRC/chainfuzz with
# oss-fuzz/build.sh as $SRC/build.sh. $SRC holds links to this repository
# and the library trees: BoringSSL from --boringssl (a tree or a .tar.xz,
# e.g. ../shared/upstream/boringssl-main-*.tar.xz) or Debian's snapshot,
# Mbed TLS, wolfSSL and OpenSSL from Debian's source packages (build.sh
# --sources). Differences from the real thing: clang 14 (OSS-Fuzz: trunk),
# Debian's libc++ and AFL++ 4.04c, no -stdlib=libc++ with libFuzzer (see
# below), no Docker.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  cat <<EOF
usage: harness/ossfuzz.sh [--sanitizer S[,S...]] [--engine E[,E...]] [--boringssl DIR|TAR.XZ]
                          [--dir DIR] [--jobs N] [--no-check]

Builds every target as OSS-Fuzz would (oss-fuzz/build.sh in an emulation of
base-builder) into DIR/<boringssl>-<engine>-<sanitizer>/out, then runs
harness/check-build.sh on it. Combinations: each --engine with each
--sanitizer that OSS-Fuzz builds (AFL++ with address only).
  --sanitizer   address, undefined, memory (default: address)
  --engine      libfuzzer, afl (default: libfuzzer)
  --boringssl   the BoringSSL tree (or .tar.xz of one) to build against
                (default: Debian's snapshot, as local builds use)
  --dir         where builds go (default: build/ossfuzz)
  --jobs        parallel jobs (default: number of cores)
  --no-check    build only
Prints one line per combination with its build and check times; exit 0 if
every build and check passed, 1 if not, 2 on a usage error.
EOF
}

die_usage() {
  printf 'ossfuzz: %s\n' "$1" >&2
  printf "Run 'harness/ossfuzz.sh --help' for the options.\n" >&2
  exit 2
}
die() { printf 'ossfuzz: error: %s\n' "$*" >&2; exit 1; }

SANS="address" ENGINES="libfuzzer" BSSL="" DIR=$ROOT/build/ossfuzz CHECK=1
JOBS=$(nproc 2>/dev/null || echo 2)
while [[ $# -gt 0 ]]; do
  case $1 in
    --sanitizer) [[ $# -ge 2 ]] || die_usage "--sanitizer needs a value"; SANS=${2//,/ }; shift 2 ;;
    --engine) [[ $# -ge 2 ]] || die_usage "--engine needs a value"; ENGINES=${2//,/ }; shift 2 ;;
    --boringssl) [[ $# -ge 2 && -e $2 ]] || die_usage "--boringssl needs an existing tree or .tar.xz"
                 BSSL=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    --dir) [[ $# -ge 2 ]] || die_usage "--dir needs a directory"; mkdir -p "$2"; DIR=$(cd "$2" && pwd); shift 2 ;;
    --jobs) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || die_usage "--jobs needs a positive number"; JOBS=$2; shift 2 ;;
    --no-check) CHECK=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1'" ;;
  esac
done
for s in $SANS; do
  case $s in address|undefined|memory) ;; *) die_usage "unknown sanitizer '$s' (address, undefined, memory)" ;; esac
done
for e in $ENGINES; do
  case $e in libfuzzer|afl) ;; honggfuzz) die_usage "honggfuzz is not supported: not packaged for this Debian (README, OSS-Fuzz)" ;;
    *) die_usage "unknown engine '$e' (libfuzzer, afl)" ;; esac
done

# Tools the emulation needs beyond build.sh's (it installs the rest):
# libc++ for CXXFLAGS' -stdlib=libc++, strace for check-build, AFL++.
"$ROOT/build.sh" --install-only --with "libc++-14-dev libc++abi-14-dev strace $([[ " $ENGINES " == *" afl "* ]] && echo afl++)" >&2 ||
  die "could not install the tools (see above)"

# Library trees: Debian's source packages (fetched once by build.sh), and
# BoringSSL from --boringssl.
declare -A TREE
while read -r name dir; do TREE[$name]=$dir; done < <("$ROOT/build.sh" --sources)
label=debian
if [[ -n $BSSL ]]; then
  if [[ -f $BSSL ]]; then
    label=$(basename "$BSSL"); label=${label%%.tar*}
    unpack=$DIR/src/$label
    if [[ ! -f $unpack/.unpacked ]]; then
      rm -rf "$unpack.tmp"; mkdir -p "$unpack.tmp"
      tar -xf "$BSSL" -C "$unpack.tmp" || die "cannot unpack $BSSL"
      rm -rf "$unpack"; mv "$unpack.tmp" "$unpack"; touch "$unpack/.unpacked"
    fi
    inner=$(find "$unpack" -mindepth 1 -maxdepth 1 -type d | head -n 1)
    [[ -f $inner/CMakeLists.txt ]] || die "$BSSL does not unpack to a BoringSSL tree"
    TREE[boringssl]=$inner
  else
    label=$(basename "$BSSL")
    TREE[boringssl]=$BSSL
  fi
fi

BASE_CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -Wno-error=incompatible-function-pointer-types -Wno-error=int-conversion -Wno-error=deprecated-declarations -Wno-error=implicit-function-declaration -Wno-error=implicit-int -Wno-error=unknown-warning-option -Wno-error=vla-cxx-extension -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
UBSAN_LIST=array-bounds,bool,builtin,enum,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr
UBSAN_NORECOVER=array-bounds,bool,builtin,enum,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr

failed=0
summary=()
for engine in $ENGINES; do
  for san in $SANS; do
    if [[ $engine == afl && $san != address ]]; then
      summary+=("$(printf '%-24s %-9s %-9s skipped: OSS-Fuzz builds AFL++ with address only' "$label" "$engine" "$san")")
      continue
    fi
    combo=$DIR/$label-$engine-$san
    out=$combo/out work=$combo/work src=$combo/src
    rm -rf "$out.tmp" "$src"
    mkdir -p "$out.tmp" "$work" "$src"
    ln -s "$ROOT" "$src/chainfuzz"
    for lib in boringssl mbedtls mbedtls3 wolfssl openssl; do ln -s "${TREE[$lib]}" "$src/$lib"; done
    cp "$ROOT/oss-fuzz/build.sh" "$src/build.sh"
    case $san in
      address) sflags="-fsanitize=address -fsanitize-address-use-after-scope" ;;
      undefined) sflags="-fsanitize=$UBSAN_LIST -fno-sanitize-recover=$UBSAN_NORECOVER" ;;
      memory) sflags="-fsanitize=memory -fsanitize-memory-track-origins" ;;
    esac
    if [[ $engine == libfuzzer ]]; then
      cc=clang cxx=clang++ cov="-fsanitize=fuzzer-no-link" lfe="-fsanitize=fuzzer"
    else
      cc=afl-clang-fast cxx=afl-clang-fast++ cov="" lfe=/usr/lib/afl/libAFLDriver.a
    fi
    cflags="$BASE_CFLAGS $sflags $cov"
    # CXXFLAGS_EXTRA (-stdlib=libc++), except with libFuzzer: Debian's
    # libFuzzer runtime is built against libstdc++ (OSS-Fuzz's carries a
    # private libc++), and a binary with both C++ runtimes aborts at exit.
    # The AFL++ build keeps it, so the link with CXXFLAGS is still tested.
    cxxflags=$cflags
    [[ $engine == libfuzzer ]] || cxxflags="$cflags -stdlib=libc++"
    [[ $san == undefined ]] && cflags="$cflags -fno-sanitize=function"
    printf 'ossfuzz: building %s (%s, %s) into %s\n' "$label" "$engine" "$san" "$out" >&2
    t0=$(date +%s)
    rc=0
    (cd "$src/chainfuzz" &&
     env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BORINGSSL_SRC -u MBEDTLS_SRC -u WOLFSSL_SRC -u OPENSSL_SRC \
       CC=$cc CXX=$cxx CFLAGS="$cflags" CXXFLAGS="$cxxflags" LIB_FUZZING_ENGINE="$lfe" \
       SANITIZER=$san FUZZING_ENGINE=$engine ARCHITECTURE=x86_64 FUZZING_LANGUAGE=c \
       SRC=$src OUT=$out.tmp WORK=$work \
       CHAINFUZZ_CACHE_DIR=${CHAINFUZZ_CACHE_DIR:-$ROOT/build/cache} \
       AFL_QUIET=1 AFL_IGNORE_PROBLEMS=1 AFL_IGNORE_UNKNOWN_ENVS=1 \
       bash -eux "$src/build.sh") >"$combo/build.log" 2>&1 || rc=$?
    t1=$(date +%s)
    if [[ $rc != 0 ]]; then
      tail -n 30 "$combo/build.log" >&2
      summary+=("$(printf '%-24s %-9s %-9s BUILD FAILED in %ds (exit %d): %s' "$label" "$engine" "$san" $((t1 - t0)) "$rc" "$combo/build.log")")
      failed=1
      continue
    fi
    rm -rf "$out"; mv "$out.tmp" "$out"
    line=$(printf '%-24s %-9s %-9s built in %4ds' "$label" "$engine" "$san" $((t1 - t0)))
    if [[ $CHECK == 1 ]]; then
      rc=0
      "$ROOT/harness/check-build.sh" --engine "$engine" --sanitizer "$san" --src "$src" --src "$work" \
        --jobs "$JOBS" "$out" | tee "$combo/check.txt" || rc=$?
      t2=$(date +%s)
      if [[ $rc == 0 ]]; then
        line="$line, check-build passed in $((t2 - t1))s ($(tail -n 1 "$combo/check.txt" | sed 's/^check-build: //'))"
      else
        line="$line, check-build FAILED in $((t2 - t1))s: $combo/check.txt"
        failed=1
      fi
    fi
    summary+=("$line")
  done
done
printf '%s\n' "${summary[@]}"
exit $failed
