#!/usr/bin/env bash
# build.sh — the one build script of chainfuzz.
#
# OSS-Fuzz mode (when $OUT and $LIB_FUZZING_ENGINE are set): honours CC CXX
# CFLAGS CXXFLAGS LIB_FUZZING_ENGINE SRC OUT WORK SANITIZER; BoringSSL comes
# from $BORINGSSL_SRC or $SRC/boringssl, mbedTLS 2.28 from $MBEDTLS_SRC or
# $SRC/mbedtls; every target goes to $OUT/<target>
# with <target>_seed_corpus.zip and, where present, .dict and .options.
#
# Local mode (default): installs missing tools with apt-get (as root; else it
# prints the apt-get line and exits 2), fetches BoringSSL and mbedTLS from
# $BORINGSSL_SRC / $MBEDTLS_SRC or Debian's source packages through a private
# apt configuration under build/apt (the system's apt state is never
# touched), builds them per flavor into a cache keyed by source version +
# flags, then builds every target of
# targets/*.c in every requested flavor under build/<flavor>/.
#
# Run `./build.sh --help` for the options. Docs: README.md ("Building").
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
CACHE=${CHAINFUZZ_CACHE_DIR:-$BUILD/cache}
ALL_FLAVORS="libfuzzer afl replay plain"
BSSL_PACKAGE=android-platform-external-boringssl
MBEDTLS_PACKAGE=mbedtls
# MBEDTLS_DEFS: mbedTLS options on top of its default configuration
# (include/mbedtls/config.h), given to the library and to every file of ours
# (the same struct layouts on both sides). MBEDTLS_PLATFORM_TIME_ALT lets the
# validator set the clock X.509 validity is checked against
# (mbedtls_platform_set_time): the case's time, never the machine's.
MBEDTLS_DEFS="-DMBEDTLS_PLATFORM_TIME_ALT"
AFL_DRIVER=/usr/lib/afl/libAFLDriver.a

usage() {
  cat <<EOF
usage: ./build.sh [--flavor F[,F...]]... [--jobs N] [--no-install]
       ./build.sh --list-targets | --list-flavors | --help

Builds BoringSSL, mbedTLS and every fuzz target (targets/*.c) in each flavor:
  libfuzzer  ASan + UBSan + -fsanitize=fuzzer       build/libfuzzer/bin/
  afl        afl-clang-fast + ASan + libAFLDriver   build/afl/bin/
  replay     ASan + UBSan + our replay driver        build/replay/bin/
  plain      -O2, no sanitizer, replay driver        build/plain/bin/
Default: all four. Tools and unit tests are built in replay and plain.

Options:
  --flavor F      build only flavor F (repeat or comma-separate)
  --jobs N        parallel jobs (default: number of cores)
  --no-install    never run apt-get; fail with the command to run instead
  --list-targets  print the target names and exit
  --list-flavors  print the flavor names and exit

Environment:
  BORINGSSL_SRC        use this BoringSSL tree instead of Debian's source
  MBEDTLS_SRC          use this mbedTLS 2.28 tree instead of Debian's source
  CHAINFUZZ_BUILD_DIR  build directory (default: ./build)
  CHAINFUZZ_CACHE_DIR  cache of built libraries (default: <build dir>/cache)
OSS-Fuzz mode starts when OUT and LIB_FUZZING_ENGINE are both set.
EOF
}

log() { printf 'build.sh: %s\n' "$*" >&2; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }
die_usage() {
  printf 'build.sh: %s\n' "$*" >&2
  printf "Run './build.sh --help' for the options.\n" >&2
  exit 2
}

# list_targets prints one target name per line: the stems of targets/*.c.
list_targets() {
  local f name
  for f in "$ROOT"/targets/*.c; do
    [[ -e $f ]] || continue
    name=$(basename "$f" .c)
    [[ $name =~ ^[A-Za-z0-9_-]+$ ]] || die "bad target name '$name' (allowed: [A-Za-z0-9_-])"
    printf '%s\n' "$name"
  done
}

JOBS=$(nproc 2>/dev/null || echo 2)
NO_INSTALL=0
FLAVORS=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --flavor) [[ $# -ge 2 ]] || die_usage "--flavor needs a value ($ALL_FLAVORS)"
              FLAVORS="$FLAVORS ${2//,/ }"; shift 2 ;;
    --flavor=*) v=${1#--flavor=}; FLAVORS="$FLAVORS ${v//,/ }"; shift ;;
    --jobs) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || die_usage "--jobs needs a positive number"
            JOBS=$2; shift 2 ;;
    --no-install) NO_INSTALL=1; shift ;;
    --list-targets) list_targets; exit 0 ;;
    --list-flavors) printf '%s\n' $ALL_FLAVORS; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1'" ;;
  esac
done
[[ -n ${FLAVORS// } ]] || FLAVORS=$ALL_FLAVORS
for f in $FLAVORS; do
  [[ " $ALL_FLAVORS " == *" $f "* ]] || die_usage "unknown flavor '$f' (flavors: $ALL_FLAVORS)"
done

# ---------------------------------------------------------------- tools --

# need_packages prints the Debian packages whose commands are missing for
# the requested flavors.
need_packages() {
  local want="clang:clang clang++:clang make:make ar:binutils dpkg-source:dpkg-dev
    xz:xz-utils zip:zip unzip:unzip llvm-symbolizer:llvm sha1sum:coreutils
    timeout:coreutils openssl:openssl"
  local pair cmd pkg missing=""
  [[ " $FLAVORS " == *" afl "* ]] && want="$want afl-clang-fast:afl++ afl-fuzz:afl++"
  for pair in $want; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  # libFuzzer and the sanitizer runtimes come with libclang-rt-14-dev.
  if ! compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null &&
     ! compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a" >/dev/null; then
    missing="$missing libclang-rt-14-dev"
  fi
  # The chainfuzz CLI writes its reports with jansson (Debian's JSON library).
  [[ -f /usr/include/jansson.h ]] || missing="$missing libjansson-dev"
  if [[ " $FLAVORS " == *" afl "* && ! -f $AFL_DRIVER ]]; then
    missing="$missing afl++"
  fi
  printf '%s\n' $missing | sort -u | tr '\n' ' '
}

install_tools() {
  local missing
  missing=$(need_packages)
  [[ -n ${missing// } ]] || return 0
  local cmd="apt-get install -y --no-install-recommends $missing"
  if [[ $NO_INSTALL = 1 || $(id -u) != 0 ]]; then
    printf 'build.sh: missing tools. Install them with:\n  %s\n' "$cmd" >&2
    exit 2
  fi
  log "installing:$missing"
  # The system's own (binary) lists: refreshed only when apt cannot find a
  # package, as any admin would; deb-src lists never go there.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null
  fi
  missing=$(need_packages)
  [[ -z ${missing// } ]] || die "still missing after apt-get install:$missing"
}

# ------------------------------------------------------------ BoringSSL --

# private_apt_sources writes deb-src entries for the system's Debian suites
# (same mirrors, same keys) into $1. Third-party repositories are left out.
private_apt_sources() {
  local out=$1 codename f
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [[ -n $codename ]] || die "cannot read VERSION_CODENAME from /etc/os-release; set BORINGSSL_SRC"
  : >"$out.tmp"
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk -v c="$codename" '$1 == "deb" {
        for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) break
        s = $(i + 1)
        if (s == c || s == c "-updates" || s == c "-security") { $1 = "deb-src"; print }
      }' "$f" >>"$out.tmp"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk -v c="$codename" 'BEGIN { RS = ""; ORS = "\n\n" }
      {
        keep = 0; n = split($0, lines, "\n"); out = ""
        for (i = 1; i <= n; i++) {
          l = lines[i]
          if (l ~ /^Types:/) l = "Types: deb-src"
          if (l ~ /^Suites:/) {
            m = split(l, w, /[ \t]+/)
            for (j = 2; j <= m; j++) if (w[j] == c || w[j] == c "-updates" || w[j] == c "-security") keep = 1
          }
          if (lines[i] ~ /^Types:/ && lines[i] !~ /(^|[ \t])deb([ \t]|$)/) keep = -100
          if (l ~ /^Enabled:[ \t]*no/) keep = -100
          out = out l "\n"
        }
        if (keep > 0) print out
      }' "$f" >"$out.sources.tmp"
    if [[ -s $out.sources.tmp ]]; then
      mkdir -p "$out.d"
      mv "$out.sources.tmp" "$out.d/$(basename "$f")"
    else
      rm -f "$out.sources.tmp"
    fi
  done
  mv "$out.tmp" "$out"
  [[ -s $out || -n $(ls "$out.d" 2>/dev/null) ]] ||
    die "no Debian '$codename' entries in /etc/apt to fetch source packages from; set BORINGSSL_SRC=<boringssl tree>"
}

# fetch_debian_source PKG DEST: apt-get source through private lists/cache,
# verified by apt (signed index, checksums) and dpkg-source (.dsc sums).
# Prints the unpacked directory.
fetch_debian_source() {
  local pkg=$1 dest=$2 apt=$BUILD/apt
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/src"
  rm -rf "$apt/sources.list.d"
  private_apt_sources "$apt/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$apt/sources.list"
              -o "Dir::Etc::SourceParts=$apt/sources.list.d"
              -o "Dir::State::Lists=$apt/lists"
              -o "Dir::Cache=$apt/cache" -o "Dir::Cache::pkgcache="
              -o "Dir::Cache::srcpkgcache=" -o "APT::Sandbox::User=root"
              -o "Debug::NoLocking=1")
  [[ -d $apt/sources.list.d ]] || mkdir -p "$apt/sources.list.d"
  log "fetching $pkg with apt-get source (private lists in $apt)"
  apt-get "${opts[@]}" -qq update >&2 || die "apt-get update of the private deb-src lists failed"
  local dl=$apt/src/$pkg.tmp
  rm -rf "$dl"; mkdir -p "$dl"
  (cd "$dl" && apt-get "${opts[@]}" -qq source --download-only "$pkg" >&2) ||
    die "apt-get source $pkg failed"
  local dsc
  dsc=$(ls "$dl"/*.dsc | head -n 1)
  [[ -f $dsc ]] || die "apt-get source $pkg fetched no .dsc"
  local version
  version=$(awk '/^Version:/ {print $2; exit}' "$dsc")
  # apt-get checked the files against the signed Sources index; dpkg-source
  # checks them against the .dsc (it cannot check the uploader's signature
  # without debian-keyring, which the archive signature makes unnecessary).
  (cd "$dl" && dpkg-source -q -x "$(basename "$dsc")" unpacked >dpkg-source.log 2>&1) || {
    cat "$dl/dpkg-source.log" >&2
    die "dpkg-source could not unpack or verify $dsc"
  }
  printf 'debian:%s=%s\n' "$pkg" "$version" >"$dl/unpacked/.chainfuzz-source"
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest"; mv "$dl/unpacked" "$dest"
  rm -rf "$dl"
}

# tree_id DIR prints a version string for a source tree the user gave: the
# one build.sh recorded when it fetched the tree itself, else a revision
# (BoringSSL's BORINGSSL_REVISION, git HEAD) plus the path.
tree_id() {
  local dir=$1 id
  if [[ -f $dir/.chainfuzz-source ]]; then
    cat "$dir/.chainfuzz-source"; return
  elif [[ -f $dir/BORINGSSL_REVISION ]]; then
    id="revision:$(cat "$dir/BORINGSSL_REVISION")"
  elif git -C "$dir" rev-parse HEAD >/dev/null 2>&1; then
    id="git:$(git -C "$dir" rev-parse HEAD)"
  else
    id="dir"
  fi
  printf '%s@%s\n' "$id" "$dir"
}

# boringssl_source sets BSSL_SRC and BSSL_ID (version string for the cache).
boringssl_source() {
  if [[ -n ${BORINGSSL_SRC:-} ]]; then
    BSSL_SRC=$(cd "$BORINGSSL_SRC" 2>/dev/null && pwd) ||
      die "BORINGSSL_SRC=$BORINGSSL_SRC is not a directory"
    BSSL_ID=$(tree_id "$BSSL_SRC")
  else
    BSSL_SRC=$BUILD/src/boringssl
    if [[ ! -f $BSSL_SRC/.chainfuzz-source ]]; then
      fetch_debian_source "$BSSL_PACKAGE" "$BSSL_SRC"
    fi
    BSSL_ID=$(cat "$BSSL_SRC/.chainfuzz-source")
  fi
  if [[ -f $BSSL_SRC/eureka.mk && -f $BSSL_SRC/err_data.c ]]; then
    BSSL_LAYOUT=eureka
  elif [[ -f $BSSL_SRC/CMakeLists.txt ]]; then
    BSSL_LAYOUT=cmake
  else
    die "$BSSL_SRC is neither an Android/Debian BoringSSL snapshot (eureka.mk, err_data.c) nor an upstream tree (CMakeLists.txt)"
  fi
  [[ -f $BSSL_SRC/src/include/openssl/x509.h || -f $BSSL_SRC/include/openssl/x509.h ]] ||
    die "$BSSL_SRC has no include/openssl/x509.h: not a BoringSSL tree"
}

bssl_include() {
  if [[ -d $BSSL_SRC/src/include ]]; then echo "$BSSL_SRC/src/include"; else echo "$BSSL_SRC/include"; fi
}

# cache_entry NAME CC MAKEFILE KEY-LINE...: creates and prints the cache
# directory of one library build, keyed by the key lines (source version,
# compilers and flags), the compiler's version and the makefile that builds
# it. Every library build.sh builds is cached this way.
cache_entry() {
  local name=$1 cc=$2 mkfile=$3 key dir
  shift 3
  key=$( { printf '%s\n' "$@"; "$cc" --version 2>/dev/null | head -n 1; cat "$mkfile"; } |
         sha256sum | cut -c1-16)
  dir=$CACHE/$name-$key
  mkdir -p "$dir"
  printf '%s\n' "$@" >"$dir/KEY"
  printf '%s\n' "$dir"
}

# link_cache_entry LINK DIR points the flavor's LINK at cache entry DIR.
link_cache_entry() {
  mkdir -p "$(dirname "$1")"
  ln -sfn "$2" "$1.tmp" && mv -T "$1.tmp" "$1"
}

# build_boringssl DIR CC CXX CFLAGS CXXFLAGS: builds libcrypto.a and
# libssl.a into the cache entry for (source, compiler, flags) and links DIR
# to it. Objects stay in the cache, so a second build is incremental.
build_boringssl() {
  local link=$1 cc=$2 cxx=$3 cflags=$4 cxxflags=$5 dir
  dir=$(cache_entry boringssl "$cc" "$ROOT/mk/boringssl.mk" "$BSSL_ID" "$BSSL_LAYOUT" \
          "$cc $cflags" "$cxx $cxxflags")
  if [[ $BSSL_LAYOUT = eureka ]]; then
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
    make -s -j"$JOBS" -f "$ROOT/mk/boringssl.mk" SRC="$BSSL_SRC" OUT="$dir" \
      CC="$cc" CXX="$cxx" CFLAGS="$cflags" CXXFLAGS="$cxxflags" >&2 ||
      die "BoringSSL build failed (flags: $cflags)"
  else
    command -v cmake >/dev/null || die "cmake is needed to build an upstream BoringSSL tree"
    cmake -S "$BSSL_SRC" -B "$dir/cmake" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
      -DCMAKE_C_FLAGS="$cflags" -DCMAKE_CXX_FLAGS="$cxxflags" >&2 ||
      die "cmake configure of BoringSSL failed"
    cmake --build "$dir/cmake" --target crypto ssl -j "$JOBS" >&2 ||
      die "BoringSSL build failed"
    cp -f "$(find "$dir/cmake" -name libcrypto.a | head -n 1)" "$dir/libcrypto.a"
    cp -f "$(find "$dir/cmake" -name libssl.a | head -n 1)" "$dir/libssl.a"
  fi
  link_cache_entry "$link" "$dir"
}

# -------------------------------------------------------------- mbedTLS --

# mbedtls_source sets MBED_SRC and MBED_ID (version string for the cache)
# from $MBEDTLS_SRC or Debian's source package, and checks it is 2.28.x:
# validators/mbedtls.c uses the 2.x API (config.h, public struct fields).
mbedtls_source() {
  if [[ -n ${MBEDTLS_SRC:-} ]]; then
    MBED_SRC=$(cd "$MBEDTLS_SRC" 2>/dev/null && pwd) ||
      die "MBEDTLS_SRC=$MBEDTLS_SRC is not a directory"
    MBED_ID=$(tree_id "$MBED_SRC")
  else
    MBED_SRC=$BUILD/src/mbedtls
    if [[ ! -f $MBED_SRC/.chainfuzz-source ]]; then
      fetch_debian_source "$MBEDTLS_PACKAGE" "$MBED_SRC"
    fi
    MBED_ID=$(cat "$MBED_SRC/.chainfuzz-source")
  fi
  [[ -f $MBED_SRC/library/x509_crt.c && -f $MBED_SRC/include/mbedtls/x509_crt.h ]] ||
    die "$MBED_SRC has no library/x509_crt.c and include/mbedtls/x509_crt.h: not an mbedTLS tree"
  local version
  version=$(sed -n 's/^#define MBEDTLS_VERSION_STRING *"\([0-9.]*\)".*/\1/p' \
            "$MBED_SRC/include/mbedtls/version.h" 2>/dev/null)
  [[ $version == 2.28.* ]] ||
    die "$MBED_SRC is mbedTLS '${version:-unknown}'; the adapter (validators/mbedtls.c) needs 2.28.x (git: the mbedtls-2.28 branch)"
  MBED_VERSION=$version
}

# build_mbedtls LINK CC CFLAGS: builds libmbedcrypto.a, libmbedx509.a and
# libmbedtls.a (library/ only, no programs) with mk/mbedtls.mk into the
# cache entry for (source, compiler, flags) and links LINK to it.
build_mbedtls() {
  local link=$1 cc=$2 cflags="$3 $MBEDTLS_DEFS" dir
  dir=$(cache_entry mbedtls "$cc" "$ROOT/mk/mbedtls.mk" "$MBED_ID" "$cc $cflags")
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
  make -s -j"$JOBS" -f "$ROOT/mk/mbedtls.mk" SRC="$MBED_SRC" OUT="$dir" \
    CC="$cc" CFLAGS="$cflags" >&2 || die "mbedTLS build failed (flags: $cflags)"
  link_cache_entry "$link" "$dir"
}

# ------------------------------------------------------------- flavors --

# Flags shared by our code in every flavor: deterministic BoringSSL RNG so a
# saved input (and an ECDSA signature made by certgen) reproduces forever.
COMMON_DEFS="-DBORINGSSL_UNSAFE_DETERMINISTIC_MODE"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
DBG="-g -fno-omit-frame-pointer"

# flavor_settings F sets CC CXX LIB_CFLAGS LIB_CXXFLAGS CFLAGS_OURS
# LDFLAGS_OURS ENGINE (libfuzzer|afl|replay) TOOLS (1: build tools/tests).
flavor_settings() {
  CC=clang; CXX=clang++; TOOLS=0
  case $1 in
    libfuzzer)
      LIB_CFLAGS="-O1 $DBG $SAN -fsanitize=fuzzer-no-link $COMMON_DEFS"
      CFLAGS_OURS=$LIB_CFLAGS
      LDFLAGS_OURS="$SAN -fsanitize=fuzzer"
      ENGINE=libfuzzer ;;
    afl)
      CC=afl-clang-fast; CXX=afl-clang-fast++
      LIB_CFLAGS="-O1 $DBG -fsanitize=address $COMMON_DEFS"
      CFLAGS_OURS=$LIB_CFLAGS
      LDFLAGS_OURS="-fsanitize=address $AFL_DRIVER"
      ENGINE=afl ;;
    replay)
      LIB_CFLAGS="-O1 $DBG $SAN $COMMON_DEFS"
      CFLAGS_OURS=$LIB_CFLAGS
      LDFLAGS_OURS="$SAN"
      ENGINE=replay; TOOLS=1 ;;
    plain)
      LIB_CFLAGS="-O2 -g $COMMON_DEFS"
      CFLAGS_OURS=$LIB_CFLAGS
      LDFLAGS_OURS=""
      ENGINE=replay; TOOLS=1 ;;
  esac
  LIB_CXXFLAGS=$LIB_CFLAGS
}

# build_ours FLAVOR_DIR: our libraries, targets (and tools) via mk/chainfuzz.mk.
build_ours() {
  local out=$1
  # -Werror only where we know the compiler (clang-14 locally); a newer
  # OSS-Fuzz clang may add warnings, which must not break its build.
  local werror=-Werror
  [[ $ENGINE == ossfuzz ]] && werror=
  # env -u: variables given to a calling make (make fuzz TARGETS=x) travel
  # in MAKEFLAGS and would override this makefile's own.
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
  make -s -j"$JOBS" -C "$ROOT" -f "$ROOT/mk/chainfuzz.mk" OUT="$out" \
    CC="$CC" CXX="$CXX" CFLAGS="$CFLAGS_OURS" LDFLAGS="$LDFLAGS_OURS" \
    ENGINE="$ENGINE" TOOLS="$TOOLS" WERROR="$werror" BSSL_INC="$(bssl_include)" \
    BSSL_LIB="$out/boringssl" MBEDTLS_INC="$MBED_SRC/include" MBEDTLS_LIB="$out/mbedtls" \
    MBEDTLS_DEFS="$MBEDTLS_DEFS" >&2 || die "build of chainfuzz in $out failed"
}

build_flavor() {
  local flavor=$1 out=$BUILD/$1 t0 t1
  t0=$(date +%s)
  flavor_settings "$flavor"
  log "[$flavor] BoringSSL"
  build_boringssl "$out/boringssl" "$CC" "$CXX" "$LIB_CFLAGS" "$LIB_CXXFLAGS"
  t1=$(date +%s)
  log "[$flavor] mbedTLS $MBED_VERSION"
  build_mbedtls "$out/mbedtls" "$CC" "$LIB_CFLAGS"
  log "[$flavor] mbedTLS ready in $(( $(date +%s) - t1 ))s"
  log "[$flavor] targets: $(list_targets | tr '\n' ' ')"
  build_ours "$out"
  # flavor.env: how this flavor compiles, for benchmarks and for users who
  # build an extra target by hand against it.
  # MBEDTLS_LIB holds libmbedtls.a, libmbedx509.a and libmbedcrypto.a; code
  # that includes mbedTLS headers must be compiled with MBEDTLS_DEFS.
  printf 'CC=%q\nCXX=%q\nCFLAGS=%q\nLDFLAGS=%q\nENGINE=%q\nBSSL_SRC=%q\nBSSL_INC=%q\nBSSL_LIB=%q\nMBEDTLS_SRC=%q\nMBEDTLS_INC=%q\nMBEDTLS_LIB=%q\nMBEDTLS_DEFS=%q\n' \
    "$CC" "$CXX" "$CFLAGS_OURS" "$LDFLAGS_OURS" "$ENGINE" "$BSSL_SRC" "$(bssl_include)" \
    "$out/boringssl" "$MBED_SRC" "$MBED_SRC/include" "$out/mbedtls" "$MBEDTLS_DEFS" \
    >"$out/flavor.env.tmp" && mv -f "$out/flavor.env.tmp" "$out/flavor.env"
  log "[$flavor] done in $(( $(date +%s) - t0 ))s: $out/bin"
}

# ------------------------------------------------------------ OSS-Fuzz --

ossfuzz_build() {
  : "${SRC:=/src}" "${WORK:=/tmp/chainfuzz-work}"
  BUILD=$WORK/chainfuzz-build; CACHE=${CHAINFUZZ_CACHE_DIR:-$BUILD/cache}
  mkdir -p "$BUILD"
  if [[ -z ${BORINGSSL_SRC:-} ]]; then
    [[ -d $SRC/boringssl ]] || die "OSS-Fuzz mode: neither BORINGSSL_SRC nor \$SRC/boringssl exists"
    BORINGSSL_SRC=$SRC/boringssl
  fi
  boringssl_source
  if [[ -z ${MBEDTLS_SRC:-} ]]; then
    [[ -d $SRC/mbedtls ]] ||
      die "OSS-Fuzz mode: neither MBEDTLS_SRC nor \$SRC/mbedtls exists (Dockerfile: git clone --depth 1 --branch mbedtls-2.28 https://github.com/Mbed-TLS/mbedtls.git mbedtls)"
    MBEDTLS_SRC=$SRC/mbedtls
  fi
  mbedtls_source
  CC=${CC:-clang}; CXX=${CXX:-clang++}
  local cflags="${CFLAGS:-} $COMMON_DEFS" cxxflags="${CXXFLAGS:-} $COMMON_DEFS"
  [[ ${SANITIZER:-} = memory ]] && cflags="$cflags -DOPENSSL_NO_ASM" && cxxflags="$cxxflags -DOPENSSL_NO_ASM"
  log "OSS-Fuzz mode: SANITIZER=${SANITIZER:-?} engine=$LIB_FUZZING_ENGINE"
  build_boringssl "$BUILD/ossfuzz/boringssl" "$CC" "$CXX" "$cflags" "$cxxflags"
  build_mbedtls "$BUILD/ossfuzz/mbedtls" "$CC" "$cflags"
  CFLAGS_OURS=$cflags; LDFLAGS_OURS="$LIB_FUZZING_ENGINE"
  ENGINE=ossfuzz; TOOLS=0
  build_ours "$BUILD/ossfuzz"
  local t
  for t in $(list_targets); do
    cp -f "$BUILD/ossfuzz/bin/$t" "$OUT/$t"
    [[ -f $ROOT/targets/$t.dict ]] && cp -f "$ROOT/targets/$t.dict" "$OUT/$t.dict"
    [[ -f $ROOT/targets/$t.options ]] && cp -f "$ROOT/targets/$t.options" "$OUT/$t.options"
    if [[ -d $ROOT/corpus/$t ]] && [[ -n $(ls -A "$ROOT/corpus/$t") ]]; then
      rm -f "$OUT/${t}_seed_corpus.zip.tmp"
      (cd "$ROOT/corpus/$t" && zip -q -j "$OUT/${t}_seed_corpus.zip.tmp" ./*)
      mv -f "$OUT/${t}_seed_corpus.zip.tmp" "$OUT/${t}_seed_corpus.zip"
    fi
  done
  log "OSS-Fuzz mode: wrote $(list_targets | wc -l) targets to $OUT"
}

# ---------------------------------------------------------------- main --

if [[ -n ${OUT:-} && -n ${LIB_FUZZING_ENGINE:-} ]]; then
  ossfuzz_build
  exit 0
fi

install_tools
boringssl_source
mbedtls_source
for flavor in $FLAVORS; do
  build_flavor "$flavor"
done
