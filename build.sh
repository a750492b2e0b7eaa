#!/usr/bin/env bash
# build.sh — the one build script of chainfuzz.
#
# OSS-Fuzz mode (when $OUT and $LIB_FUZZING_ENGINE are set): honours CC CXX
# CFLAGS CXXFLAGS LIB_FUZZING_ENGINE SRC OUT WORK SANITIZER; BoringSSL comes
# from $BORINGSSL_SRC or $SRC/boringssl, mbedTLS 2.28 from $MBEDTLS_SRC or
# $SRC/mbedtls, wolfSSL 5.5 from $WOLFSSL_SRC or $SRC/wolfssl; every target
# goes to $OUT/<target> (OpenSSL 3.0 from $OPENSSL_SRC or $SRC/openssl)
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
ALL_FLAVORS="libfuzzer afl afl-cmplog replay plain"
# What --flavor-less runs build: afl-cmplog only on request (make fuzz
# ENGINE=afl CMPLOG=1).
DEFAULT_FLAVORS="libfuzzer afl replay plain"
BSSL_PACKAGE=android-platform-external-boringssl
MBEDTLS_PACKAGE=mbedtls
# The current generation of a library comes from Debian's next release
# (issue 15): Mbed TLS 3.6 LTS is trixie's `mbedtls`, built by mk/mbedtls.mk
# with its symbols renamed cf_mbed3_* so it links beside 2.28.
CURRENT_SUITE=trixie
MBED3_PREFIX=cf_mbed3_
WOLFSSL_PACKAGE=wolfssl
# OpenSSL: Debian's `openssl` source package, the version of the release
# suite itself (bookworm: 3.0.x, checked by openssl_source; not -updates or
# -security, so every machine builds the same one); built by mk/openssl.mk.
OPENSSL_PACKAGE=openssl
# MBEDTLS_DEFS: mbedTLS options on top of its default configuration
# (include/mbedtls/config.h), given to the library and to every file of ours
# (the same struct layouts on both sides). MBEDTLS_PLATFORM_TIME_ALT lets the
# validator set the clock X.509 validity is checked against
# (mbedtls_platform_set_time): the case's time, never the machine's.
MBEDTLS_DEFS="-DMBEDTLS_PLATFORM_TIME_ALT"
# WOLFSSL_DEFS: given to wolfSSL and to every file of ours, like MBEDTLS_DEFS.
# The configuration is mk/wolfssl/user_settings.h (WOLFSSL_USER_SETTINGS);
# HAVE___UINT128_T=1 on x86_64 (configure's probe): without it on both sides
# wolfSSL's ecc_key and sp_int layouts differ between library and caller.
WOLFSSL_DEFS="-DWOLFSSL_USER_SETTINGS"
[[ $(uname -m) == x86_64 ]] && WOLFSSL_DEFS="$WOLFSSL_DEFS -DHAVE___UINT128_T=1"
AFL_DRIVER=/usr/lib/afl/libAFLDriver.a

usage() {
  cat <<EOF
usage: ./build.sh [--flavor F[,F...]]... [--targets T[,T...]] [--jobs N] [--no-install]
       ./build.sh --list-targets | --list-flavors | --libs-of T[,T...] | --help

Builds the libraries under test (BoringSSL, Mbed TLS, wolfSSL, OpenSSL) and
every fuzz target (targets/*.c) in each flavor:
  libfuzzer  ASan + UBSan + -fsanitize=fuzzer       build/libfuzzer/bin/
  afl        afl-clang-fast + ASan + libAFLDriver   build/afl/bin/
  afl-cmplog afl-clang-fast + CMPLOG, no sanitizer  build/afl-cmplog/bin/
             (the afl-fuzz -c binary beside the afl flavor's)
  replay     ASan + UBSan + our replay driver        build/replay/bin/
  plain      -O2, no sanitizer, replay driver        build/plain/bin/
Default: all but afl-cmplog. Tools and unit tests are built in replay and plain.
The libfuzzer and replay flavors share their library builds (the same
flags, -fsanitize=fuzzer-no-link included): building one builds both.

Options:
  --flavor F      build only flavor F (repeat or comma-separate)
  --targets T     build only these targets (space or comma list; canaries
                  too; "chainfuzz" for the CLI, "tools" for every tool and
                  unit test) and only the libraries they need, cheapest
                  first; writes no targets.txt
  --libs-of T     print "TARGET LIBRARY..." for each of those targets
  --jobs N        parallel jobs (default: number of cores)
  --no-install    never run apt-get; fail with the command to run instead
  --install-only  install the tools the flavors need (and --with PKGS, a
                  list of Debian packages) and exit
  --sources       fetch the library sources (Debian's, or *_SRC) and print
                  "LIBRARY DIRECTORY" per library, then exit
  --list-targets  print the target names and exit
  --target-info   print "TARGET TEMPLATE SEEDS" per target and exit
                  (source targets/TEMPLATE.c, seeds corpus/SEEDS/)
  --canary-info   the same for the canaries (*_negative, run by make test)
  --list-flavors  print the flavor names and exit

Environment:
  BORINGSSL_SRC        use this BoringSSL tree instead of Debian's source
  MBEDTLS_SRC          use this mbedTLS 2.28 tree instead of Debian's source
  OPENSSL_SRC          use this OpenSSL 3.0 tree instead of Debian's source
  WOLFSSL_SRC          use this wolfSSL 5.5 tree instead of Debian's source
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

# target_info prints "TARGET TEMPLATE SEEDS" per target (canaries too with
# --canaries): the one list is mk/chainfuzz.mk's (targets/*.c, and
# targets/per-validator/*.c once per registered validator); TEMPLATE is the
# source under targets/ (its .dict/.options beside it), SEEDS the directory
# under corpus/.
target_info() {
  local what=print-target-info
  [[ ${1:-} == --canaries ]] && what=print-canary-info
  make -s -C "$ROOT" -f "$ROOT/mk/chainfuzz.mk" OUT=/nonexistent "$what" ||
    die "mk/chainfuzz.mk could not list the targets"
}

# list_targets prints one target name per line (canaries excluded).
list_targets() {
  local name rest
  target_info | while read -r name rest; do
    [[ $name =~ ^[A-Za-z0-9_-]+$ ]] || die "bad target name '$name' (allowed: [A-Za-z0-9_-])"
    printf '%s\n' "$name"
  done
}

# libs_of TARGET...: "TARGET LIBRARY..." per target, the libraries under
# test it links (mk/chainfuzz.mk libs_of; the tools "chainfuzz" and "tools"
# link every library).
libs_of() {
  local t known
  known=" $(list_targets | tr '\n' ' ') $(target_info --canaries | cut -d' ' -f1 | tr '\n' ' ') tools chainfuzz "
  for t in "$@"; do
    [[ $known == *" $t "* ]] || die_usage "unknown target '$t' (./build.sh --list-targets)"
  done
  make -s -C "$ROOT" -f "$ROOT/mk/chainfuzz.mk" OUT=/nonexistent print-target-libs SELECT="$*" ||
    die "mk/chainfuzz.mk could not list the libraries"
}

JOBS=$(nproc 2>/dev/null || echo 2)
NO_INSTALL=0
INSTALL_ONLY=0
SOURCES_ONLY=0
EXTRA_PKGS=""
FLAVORS=""
SELECT=""
SELECT_GIVEN=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --flavor) [[ $# -ge 2 ]] || die_usage "--flavor needs a value ($ALL_FLAVORS)"
              FLAVORS="$FLAVORS ${2//,/ }"; shift 2 ;;
    --flavor=*) v=${1#--flavor=}; FLAVORS="$FLAVORS ${v//,/ }"; shift ;;
    --jobs) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || die_usage "--jobs needs a positive number"
            JOBS=$2; shift 2 ;;
    --targets) [[ $# -ge 2 ]] || die_usage "--targets needs a list of targets (./build.sh --list-targets)"
               SELECT="$SELECT ${2//,/ }"; SELECT_GIVEN=1; shift 2 ;;
    --targets=*) v=${1#--targets=}; SELECT="$SELECT ${v//,/ }"; SELECT_GIVEN=1; shift ;;
    --libs-of) [[ $# -ge 2 ]] || die_usage "--libs-of needs a list of targets"
               libs_of ${2//,/ }; exit 0 ;;
    --no-install) NO_INSTALL=1; shift ;;
    --install-only) INSTALL_ONLY=1; shift ;;
    --with) [[ $# -ge 2 ]] || die_usage "--with needs a list of Debian packages"
            EXTRA_PKGS="$EXTRA_PKGS $2"; shift 2 ;;
    --sources) SOURCES_ONLY=1; shift ;;
    --list-targets) list_targets; exit 0 ;;
    --target-info) target_info; exit 0 ;;
    --canary-info) target_info --canaries; exit 0 ;;
    --list-flavors) printf '%s\n' $ALL_FLAVORS; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1'" ;;
  esac
done
[[ -n ${FLAVORS// } ]] || FLAVORS=$DEFAULT_FLAVORS
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
  [[ " $FLAVORS " == *" afl"* ]] && want="$want afl-clang-fast:afl++ afl-fuzz:afl++"
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
  # OpenSSL's Configure is Perl and needs modules beyond perl-base.
  perl -MIPC::Cmd -MFile::Spec::Functions -MFile::Copy -e 1 >/dev/null 2>&1 ||
    missing="$missing perl"
  if [[ " $FLAVORS " == *" afl"* && ! -f $AFL_DRIVER ]]; then
    missing="$missing afl++"
  fi
  # --with: packages wanted by name (libraries, not commands).
  local p
  for p in $EXTRA_PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
      missing="$missing $p"
  done
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

# private_apt_sources OUT [SUITE] writes deb-src entries for the system's
# Debian suites (same mirrors, same keys) into OUT; with SUITE, the entries
# of the system's release suite with SUITE in its place (trixie on a
# bookworm machine: the current generations, issue 15). Third-party
# repositories are left out.
private_apt_sources() {
  local out=$1 other=${2:-} codename f
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [[ -n $codename ]] || die "cannot read VERSION_CODENAME from /etc/os-release; set BORINGSSL_SRC"
  : >"$out.tmp"
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk -v c="$codename" -v o="$other" '$1 == "deb" {
        for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) break
        s = $(i + 1)
        if (o != "") { if (s == c) { $1 = "deb-src"; $(i + 1) = o; print } }
        else if (s == c || s == c "-updates" || s == c "-security") { $1 = "deb-src"; print }
      }' "$f" >>"$out.tmp"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk -v c="$codename" -v o="$other" 'BEGIN { RS = ""; ORS = "\n\n" }
      {
        keep = 0; n = split($0, lines, "\n"); out = ""
        for (i = 1; i <= n; i++) {
          l = lines[i]
          if (l ~ /^Types:/) l = "Types: deb-src"
          if (l ~ /^Suites:/) {
            m = split(l, w, /[ \t]+/)
            for (j = 2; j <= m; j++) {
              if (o != "" && w[j] == c) keep = 1
              if (o == "" && (w[j] == c || w[j] == c "-updates" || w[j] == c "-security")) keep = 1
            }
            if (o != "") l = "Suites: " o
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

# fetch_debian_source PKG DEST [release] [SUITE]: apt-get source through
# private lists/cache, verified by apt (signed index, checksums) and
# dpkg-source (.dsc sums). Prints the unpacked directory. With a third
# argument "release", the version is the one of the release suite itself
# (bookworm), not of its -updates or -security suites. SUITE: from that
# Debian suite instead of the system's (its own lists, in apt-SUITE).
fetch_debian_source() {
  local pkg=$1 dest=$2 pin=${3:-} suite=${4:-} apt=$BUILD/apt
  [[ -n $suite ]] && apt=$BUILD/apt-$suite
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/src"
  rm -rf "$apt/sources.list.d"
  private_apt_sources "$apt/sources.list" "$suite"
  local opts=(-o "Dir::Etc::SourceList=$apt/sources.list"
              -o "Dir::Etc::SourceParts=$apt/sources.list.d"
              -o "Dir::State::Lists=$apt/lists"
              -o "Dir::Cache=$apt/cache" -o "Dir::Cache::pkgcache="
              -o "Dir::Cache::srcpkgcache=" -o "APT::Sandbox::User=root"
              -o "Debug::NoLocking=1")
  [[ -d $apt/sources.list.d ]] || mkdir -p "$apt/sources.list.d"
  log "fetching $pkg with apt-get source (private lists in $apt)"
  apt-get "${opts[@]}" -qq update >&2 || die "apt-get update of the private deb-src lists failed"
  local dl=$apt/src/$pkg.tmp want=$pkg
  if [[ $pin == release ]]; then
    local codename rel
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [[ -n $suite ]] && codename=$suite
    rel=$(apt-cache "${opts[@]}" madison "$pkg" |
          awk -F'|' -v s=" $codename/main Sources" '$3 ~ s"$" { gsub(/ /, "", $2); print $2; exit }')
    [[ -n $rel ]] || die "no '$pkg' source in Debian's '$codename' release suite (apt-cache madison $pkg)"
    want="$pkg=$rel"
  fi
  rm -rf "$dl"; mkdir -p "$dl"
  (cd "$dl" && apt-get "${opts[@]}" -qq source --download-only "$want" >&2) ||
    die "apt-get source $want failed"
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

# bssl_features sets BSSL_FEATURES (CF_BSSL_HAVE_* for our code; see
# include/chainfuzz/bssl_compat.h) and BSSL_RUNTIME_FUZZER_MODE (1: fuzzer
# mode is CRYPTO_set_fuzzer_mode at run time, no second libssl is built)
# by compiling probes against the tree's headers: capabilities, never
# version strings.
bssl_features() {
  local inc probe
  inc=$(bssl_include)
  BSSL_FEATURES="" BSSL_RUNTIME_FUZZER_MODE=0
  probe='#include <openssl/crypto.h>
void cf_probe(void) { CRYPTO_set_fuzzer_mode(1); }'
  if printf '%s\n' "$probe" | clang -fsyntax-only -Werror -x c -I"$inc" \
       -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION - 2>/dev/null; then
    BSSL_FEATURES="$BSSL_FEATURES -DCF_BSSL_HAVE_SET_FUZZER_MODE"
    BSSL_RUNTIME_FUZZER_MODE=1
  fi
  log "BoringSSL: fuzzer mode $([[ $BSSL_RUNTIME_FUZZER_MODE == 1 ]] && echo 'at run time (CRYPTO_set_fuzzer_mode)' || echo 'compiled into a second libssl')"
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
  # Each build_<library> runs its make under flock "$dir.lock": two builds
  # (two flavors, a helper's build dir, an e2e copy) sharing this cache
  # entry wait for each other instead of writing the same objects.
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
    flock "$dir.lock" make -s -j"$JOBS" -f "$ROOT/mk/boringssl.mk" SRC="$BSSL_SRC" OUT="$dir" \
      CC="$cc" CXX="$cxx" CFLAGS="$cflags" CXXFLAGS="$cxxflags" >&2 ||
      die "BoringSSL build failed (flags: $cflags)"
  else
    command -v cmake >/dev/null || die "cmake is needed to build an upstream BoringSSL tree"
    # BORINGSSL_ALLOW_CXX_RUNTIME: without it BoringSSL compiles with
    # -fno-rtti, which clang refuses next to -fsanitize=vptr (OSS-Fuzz's
    # undefined build; its own boringssl project sets it too).
    flock "$dir.lock" cmake -S "$BSSL_SRC" -B "$dir/cmake" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DBORINGSSL_ALLOW_CXX_RUNTIME=1 \
      -DCMAKE_C_FLAGS="$cflags" -DCMAKE_CXX_FLAGS="$cxxflags" >&2 ||
      die "cmake configure of BoringSSL failed"
    flock "$dir.lock" cmake --build "$dir/cmake" --target crypto ssl -j "$JOBS" >&2 ||
      die "BoringSSL build failed"
    cp -f "$(find "$dir/cmake" -name libcrypto.a | head -n 1)" "$dir/libcrypto.a"
    cp -f "$(find "$dir/cmake" -name libssl.a | head -n 1)" "$dir/libssl.a"
  fi
  link_cache_entry "$link" "$dir"
}

# build_boringssl_fuzzer_ssl DIR CC CXX CFLAGS CXXFLAGS: the libssl of
# handshake_client_boringssl_fuzzer (handshake signatures, Finished and
# record MACs checked but ignored; records not encrypted). Where fuzzer mode
# is a run-time switch (upstream: bssl_features), DIR is the flavor's own
# BoringSSL and the target switches it on; else (the snapshot) libssl.a is
# built again with BORINGSSL_UNSAFE_FUZZER_MODE on top of the flavor's
# flags and links the flavor's libcrypto.a (fuzzer mode changes nothing
# there that we use).
build_boringssl_fuzzer_ssl() {
  local link=$1 cc=$2 cxx=$3 cflags="$4 -DBORINGSSL_UNSAFE_FUZZER_MODE"
  local cxxflags="$5 -DBORINGSSL_UNSAFE_FUZZER_MODE" dir
  if [[ $BSSL_RUNTIME_FUZZER_MODE == 1 ]]; then
    link_cache_entry "$link" "$(readlink -f "$(dirname "$link")/boringssl")"
    return
  fi
  [[ $BSSL_LAYOUT == eureka ]] ||
    die "$BSSL_SRC: an upstream-layout BoringSSL without CRYPTO_set_fuzzer_mode is not supported"
  dir=$(cache_entry boringssl-fuzzer "$cc" "$ROOT/mk/boringssl.mk" "$BSSL_ID" "$BSSL_LAYOUT" \
          "$cc $cflags" "$cxx $cxxflags")
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
  flock "$dir.lock" make -s -j"$JOBS" -f "$ROOT/mk/boringssl.mk" SRC="$BSSL_SRC" OUT="$dir" \
    CC="$cc" CXX="$cxx" CFLAGS="$cflags" CXXFLAGS="$cxxflags" "$dir/libssl.a" >&2 ||
    die "BoringSSL fuzzer-mode libssl build failed (flags: $cflags)"
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

# build_mbedtls_tree NAME SRC ID PREFIX LINK CC CFLAGS: builds
# libmbedcrypto.a, libmbedx509.a and libmbedtls.a (library/ only, no
# programs) of the tree SRC with mk/mbedtls.mk into the cache entry for
# (NAME, source, compiler, flags, PREFIX) and links LINK to it. PREFIX
# non-empty: every symbol renamed (mk/mbedtls.mk).
build_mbedtls_tree() {
  local name=$1 src=$2 id=$3 prefix=$4 link=$5 cc=$6 cflags="$7 $MBEDTLS_DEFS" dir
  dir=$(cache_entry "$name" "$cc" "$ROOT/mk/mbedtls.mk" "$id" "$cc $cflags${prefix:+ $prefix}")
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
  flock "$dir.lock" make -s -j"$JOBS" -f "$ROOT/mk/mbedtls.mk" SRC="$src" OUT="$dir" \
    CC="$cc" CFLAGS="$cflags" ${prefix:+PREFIX="$prefix"} >&2 || die "Mbed TLS build of $src failed (flags: $cflags)"
  link_cache_entry "$link" "$dir"
}

# build_mbedtls LINK CC CFLAGS: 2.28 (validator mbedtls).
build_mbedtls() { build_mbedtls_tree mbedtls "$MBED_SRC" "$MBED_ID" "" "$@"; }

# mbedtls3_source sets MBED3_SRC, MBED3_ID and MBED3_VERSION from
# $MBEDTLS3_SRC or Debian's next release (CURRENT_SUITE), and checks it is
# 3.6.x with its generated files (a release tarball; a git tree needs `make
# generated_files` first): validators/mbedtls3.c.
mbedtls3_source() {
  if [[ -n ${MBEDTLS3_SRC:-} ]]; then
    MBED3_SRC=$(cd "$MBEDTLS3_SRC" 2>/dev/null && pwd) ||
      die "MBEDTLS3_SRC=$MBEDTLS3_SRC is not a directory"
    MBED3_ID=$(tree_id "$MBED3_SRC")
  else
    MBED3_SRC=$BUILD/src/mbedtls3
    if [[ ! -f $MBED3_SRC/.chainfuzz-source ]]; then
      fetch_debian_source "$MBEDTLS_PACKAGE" "$MBED3_SRC" release "$CURRENT_SUITE"
    fi
    MBED3_ID=$(cat "$MBED3_SRC/.chainfuzz-source")
  fi
  local version
  version=$(sed -n 's/^#define MBEDTLS_VERSION_STRING *"\([0-9.]*\)".*/\1/p' \
            "$MBED3_SRC/include/mbedtls/build_info.h" 2>/dev/null)
  [[ $version == 3.6.* ]] ||
    die "$MBED3_SRC is Mbed TLS '${version:-unknown}'; validators/mbedtls3.c needs 3.6.x (a release tarball, or git's mbedtls-3.6 branch after make generated_files)"
  [[ -f $MBED3_SRC/library/psa_crypto_driver_wrappers_no_static.c ]] ||
    die "$MBED3_SRC lacks the generated library/psa_crypto_driver_wrappers_no_static.c: use a release tarball, or run make generated_files in it"
  MBED3_VERSION=$version
}

# build_mbedtls3 LINK CC CFLAGS: 3.6 (validator mbedtls3), every symbol
# renamed MBED3_PREFIX, with include/cf_mbed_prefix.h.
build_mbedtls3() { build_mbedtls_tree mbedtls3 "$MBED3_SRC" "$MBED3_ID" "$MBED3_PREFIX" "$@"; }

# -------------------------------------------------------------- OpenSSL --

# openssl_source sets OSSL_SRC, OSSL_ID and OSSL_VERSION from $OPENSSL_SRC
# or Debian's source package, and checks it is 3.0.x (the adapter,
# validators/openssl.c, is written against 3.0's behaviour).
openssl_source() {
  if [[ -n ${OPENSSL_SRC:-} ]]; then
    OSSL_SRC=$(cd "$OPENSSL_SRC" 2>/dev/null && pwd) ||
      die "OPENSSL_SRC=$OPENSSL_SRC is not a directory"
    OSSL_ID=$(tree_id "$OSSL_SRC")
  else
    OSSL_SRC=$BUILD/src/openssl
    if [[ ! -f $OSSL_SRC/.chainfuzz-source ]]; then
      fetch_debian_source "$OPENSSL_PACKAGE" "$OSSL_SRC" release
    fi
    OSSL_ID=$(cat "$OSSL_SRC/.chainfuzz-source")
  fi
  [[ -f $OSSL_SRC/Configure && -f $OSSL_SRC/VERSION.dat && -f $OSSL_SRC/crypto/x509/x509_vfy.c ]] ||
    die "$OSSL_SRC has no Configure, VERSION.dat and crypto/x509/x509_vfy.c: not an OpenSSL 3 tree"
  local major minor patch
  major=$(sed -n 's/^MAJOR=//p' "$OSSL_SRC/VERSION.dat")
  minor=$(sed -n 's/^MINOR=//p' "$OSSL_SRC/VERSION.dat")
  patch=$(sed -n 's/^PATCH=//p' "$OSSL_SRC/VERSION.dat")
  [[ $major == 3 && $minor == 0 ]] ||
    die "$OSSL_SRC is OpenSSL '$major.$minor.$patch' ($OSSL_ID); the adapter (validators/openssl.c) needs 3.0.x (Debian bookworm's openssl, or git: the openssl-3.0 branch)"
  OSSL_VERSION=$major.$minor.$patch
}

# build_openssl LINK CC CFLAGS [ASM]: builds OpenSSL's libcrypto.a with
# mk/openssl.mk (Configure + libcrypto.a alone, out of tree, then every symbol
# renamed ossl3_*) into the cache entry for (source, compiler, flags) and
# links LINK to it.
build_openssl() {
  local link=$1 cc=$2 cflags=$3 asm=${4:-1} dir
  dir=$(cache_entry openssl "$cc" "$ROOT/mk/openssl.mk" "$OSSL_ID" "$cc $cflags" "asm=$asm")
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
  flock "$dir.lock" make -s -f "$ROOT/mk/openssl.mk" SRC="$OSSL_SRC" OUT="$dir" CC="$cc" \
    CFLAGS="$cflags" ASM="$asm" JOBS="$JOBS" >&2 || die "OpenSSL build failed (flags: $cflags; logs in $dir/build)"
  link_cache_entry "$link" "$dir"
}

# -------------------------------------------------------------- wolfSSL --

# wolfssl_source sets WOLF_SRC, WOLF_ID and WOLF_VERSION from $WOLFSSL_SRC
# or Debian's source package, and checks it is 5.5.x (validators/wolfssl.c
# runs 5.5's ProcessPeerCerts and its internal structures).
wolfssl_source() {
  if [[ -n ${WOLFSSL_SRC:-} ]]; then
    WOLF_SRC=$(cd "$WOLFSSL_SRC" 2>/dev/null && pwd) ||
      die "WOLFSSL_SRC=$WOLFSSL_SRC is not a directory"
    WOLF_ID=$(tree_id "$WOLF_SRC")
  else
    WOLF_SRC=$BUILD/src/wolfssl
    if [[ ! -f $WOLF_SRC/.chainfuzz-source ]]; then
      fetch_debian_source "$WOLFSSL_PACKAGE" "$WOLF_SRC"
    fi
    WOLF_ID=$(cat "$WOLF_SRC/.chainfuzz-source")
  fi
  [[ -f $WOLF_SRC/src/internal.c && -f $WOLF_SRC/wolfcrypt/src/asn.c && -f $WOLF_SRC/wolfssl/version.h ]] ||
    die "$WOLF_SRC has no src/internal.c, wolfcrypt/src/asn.c and wolfssl/version.h: not a wolfSSL tree"
  local version
  version=$(sed -n 's/^#define LIBWOLFSSL_VERSION_STRING *"\([0-9.]*\)".*/\1/p' "$WOLF_SRC/wolfssl/version.h")
  [[ $version == 5.5.* ]] ||
    die "$WOLF_SRC is wolfSSL '${version:-unknown}'; the adapter (validators/wolfssl.c) needs 5.5.x (git: tag v5.5.4-stable)"
  WOLF_VERSION=$version
}

# build_wolfssl LINK CC CFLAGS: builds libwolfssl.a with mk/wolfssl.mk (no
# autotools: our mk/wolfssl/user_settings.h) into the cache entry for
# (source, settings, compiler, flags) and links LINK to it.
build_wolfssl() {
  local link=$1 cc=$2 cflags="$3 $WOLFSSL_DEFS" dir
  dir=$(cache_entry wolfssl "$cc" "$ROOT/mk/wolfssl.mk" "$WOLF_ID" "$cc $cflags" \
          "settings:$(sha256sum <"$ROOT/mk/wolfssl/user_settings.h" | cut -c1-16)")
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
  flock "$dir.lock" make -s -j"$JOBS" -f "$ROOT/mk/wolfssl.mk" SRC="$WOLF_SRC" OUT="$dir" \
    CC="$cc" CFLAGS="$cflags" >&2 || die "wolfSSL build failed (flags: $cflags)"
  link_cache_entry "$link" "$dir"
}

# ------------------------------------------------------------- flavors --

# Flags shared by every library and our code in every flavor: BoringSSL's
# deterministic RNG, so a saved input reproduces forever (the handshake
# clients' draws; certgen never draws: certgen/sign.h). The snapshot calls
# it BORINGSSL_UNSAFE_DETERMINISTIC_MODE, upstream (and OSS-Fuzz's CFLAGS)
# FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, which also makes OpenSSL's
# ASN1_STRINGs unterminated, as on OSS-Fuzz.
COMMON_DEFS="-DBORINGSSL_UNSAFE_DETERMINISTIC_MODE -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
DBG="-g -fno-omit-frame-pointer"

# sancov_ignore prints the -fsanitize-coverage-ignorelist flag for the
# libraries of the libfuzzer and replay flavors (mk/sancov-ignore.txt),
# naming a copy in the cache named by its content: the flag is part of each
# library's cache key, so the key changes with the list and not with where
# the tree is (end-to-end copies share the cache).
sancov_ignore() {
  local sum copy
  sum=$(sha256sum "$ROOT/mk/sancov-ignore.txt" | cut -c1-16)
  copy=$CACHE/sancov-ignore-$sum.txt
  if [[ ! -f $copy ]]; then
    mkdir -p "$CACHE" && cp "$ROOT/mk/sancov-ignore.txt" "$copy.tmp.$$" &&
      mv -f "$copy.tmp.$$" "$copy" || die "cannot write $copy"
  fi
  printf '%s\n' "-fsanitize-coverage-ignorelist=$copy"
}

# flavor_settings F sets CC CXX LIB_CFLAGS LIB_CXXFLAGS CFLAGS_OURS
# LDFLAGS_OURS ENGINE (libfuzzer|afl|replay) TOOLS (1: build tools/tests).
flavor_settings() {
  CC=clang; CXX=clang++; TOOLS=0
  unset AFL_LLVM_CMPLOG AFL_QUIET
  case $1 in
    libfuzzer | replay)
      # One library build serves both flavors: the same flags, coverage
      # instrumentation included (ASan's runtime has the no-op callbacks a
      # replay binary needs without libFuzzer). Our own code gets it only
      # in the libfuzzer flavor.
      LIB_CFLAGS="-O1 $DBG $SAN -fsanitize=fuzzer-no-link $COMMON_DEFS $(sancov_ignore)"
      if [[ $1 == libfuzzer ]]; then
        CFLAGS_OURS="-O1 $DBG $SAN -fsanitize=fuzzer-no-link $COMMON_DEFS"
        LDFLAGS_OURS="$SAN -fsanitize=fuzzer"
        ENGINE=libfuzzer
      else
        CFLAGS_OURS="-O1 $DBG $SAN $COMMON_DEFS"
        LDFLAGS_OURS="$SAN"
        ENGINE=replay; TOOLS=1
      fi ;;
    afl)
      CC=afl-clang-fast; CXX=afl-clang-fast++
      LIB_CFLAGS="-O1 $DBG -fsanitize=address $COMMON_DEFS"
      CFLAGS_OURS=$LIB_CFLAGS
      LDFLAGS_OURS="-fsanitize=address $AFL_DRIVER"
      ENGINE=afl ;;
    afl-cmplog)
      # AFL++'s CMPLOG binary (afl-fuzz -c, harness/fuzz.sh): the same
      # program with the operands of every comparison logged, which its
      # input-to-state stage (RedQueen) copies into inputs to get past
      # magic values and checksums. Run only for that stage, so no
      # sanitizer: crashes are the afl flavor's binary's to find.
      # -DCF_AFL_CMPLOG only keys its library cache entries apart
      # (AFL_LLVM_CMPLOG is an environment variable, not a flag).
      CC=afl-clang-fast; CXX=afl-clang-fast++
      export AFL_LLVM_CMPLOG=1 AFL_QUIET=1 # (no line per file from its passes)
      LIB_CFLAGS="-O1 $DBG $COMMON_DEFS -DCF_AFL_CMPLOG"
      CFLAGS_OURS=$LIB_CFLAGS
      LDFLAGS_OURS="$AFL_DRIVER"
      ENGINE=afl ;;
    plain)
      LIB_CFLAGS="-O2 -g $COMMON_DEFS"
      CFLAGS_OURS=$LIB_CFLAGS
      LDFLAGS_OURS=""
      ENGINE=replay; TOOLS=1 ;;
  esac
  LIB_CXXFLAGS=$LIB_CFLAGS
}

# ALL_LIBS: every library build_flavor can build, cheapest first (so the
# targets that need only the cheap ones can start early: harness/fuzz.sh).
ALL_LIBS="boringssl boringssl-fuzzer mbedtls mbedtls3 wolfssl openssl"
# LIBS: what this run builds (--targets: what they need; default: all).
if [[ $SELECT_GIVEN == 1 ]]; then
  [[ -n ${SELECT// } ]] || die_usage "--targets needs at least one target"
  LIBS=$(libs_of $SELECT) || exit
  LIBS=" $(printf '%s\n' $LIBS | grep -vxF -f <(printf '%s\n' $SELECT) | sort -u | tr '\n' ' ') "
else
  LIBS=" $ALL_LIBS "
fi
want_lib() { [[ $LIBS == *" $1 "* ]]; }

# build_ours FLAVOR_DIR: our libraries, targets (and tools) via mk/chainfuzz.mk.
build_ours() {
  local out=$1
  # -Werror only where we know the compiler (clang-14 locally); a newer
  # OSS-Fuzz clang may add warnings, which must not break its build.
  local werror=-Werror
  [[ $ENGINE == ossfuzz ]] && werror=
  # env -u: variables given to a calling make (make fuzz TARGETS=x) travel
  # in MAKEFLAGS and would override this makefile's own.
  local goal=(all)
  [[ $SELECT_GIVEN == 1 ]] && goal=(selected SELECT="$SELECT")
  # Under flock: two builds into one flavor directory (make test's
  # canaries_test and fuzz_check_test both build libfuzzer targets) take
  # turns instead of writing the same objects at once.
  mkdir -p "$out" || die "cannot create $out"
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
  flock "$out/.build.lock" make -s -j"$JOBS" -C "$ROOT" -f "$ROOT/mk/chainfuzz.mk" OUT="$out" "${goal[@]}" \
    CC="$CC" CXX="$CXX" CFLAGS="$CFLAGS_OURS $BSSL_FEATURES" \
    CXXFLAGS="${CXXFLAGS_OURS:-$CFLAGS_OURS} $BSSL_FEATURES" LDFLAGS="$LDFLAGS_OURS" \
    ENGINE="$ENGINE" TOOLS="$TOOLS" WERROR="$werror" BSSL_INC="$(bssl_include)" \
    BSSL_LIB="$out/boringssl" BSSL_FUZZ_LIB="$out/boringssl-fuzzer" MBEDTLS_INC="$MBED_SRC/include" MBEDTLS_LIB="$out/mbedtls" \
    MBED3_INC="${MBED3_SRC:-/nonexistent}/include" MBED3_LIB="$out/mbedtls3" \
    WOLFSSL_INC="$WOLF_SRC" WOLFSSL_LIB="$out/wolfssl" WOLFSSL_DEFS="$WOLFSSL_DEFS" \
    MBEDTLS_DEFS="$MBEDTLS_DEFS" OSSL_INC="$out/openssl/include" OSSL_LIB="$out/openssl" \
    HOST_CC=clang HOST_CFLAGS="${HOST_CFLAGS:-}" HOST_BSSL_LIB="${HOST_BSSL_LIB:-}" \
    >&2 || die "build of chainfuzz in $out failed"
}

# check_disk warns when the build directory's file system has less room
# than a build from nothing takes (BENCHMARKS.md: make test from a fresh
# clone used 4.0 GB, 2.0 of them the replay flavor): a full disk shows up
# much later as a failed link ("No space left on device"). A warning, not
# an error: a cached rebuild needs far less.
check_disk() {
  local avail_mb
  avail_mb=$(df -Pm "$BUILD" 2>/dev/null | awk 'NR == 2 {print $4}')
  [[ $avail_mb =~ ^[0-9]+$ ]] || return 0
  if (( avail_mb < 4096 )); then
    log "warning: only $avail_mb MB free where $BUILD is; a build from nothing takes about 2 GB per flavor and make test about 4 GB (free some space, or set CHAINFUZZ_BUILD_DIR elsewhere)"
  fi
}

build_flavor() {
  local flavor=$1 out=$BUILD/$1 t0 t1
  t0=$(date +%s)
  flavor_settings "$flavor"
  check_disk
  log "[$flavor] libraries:$LIBS"
  t1=$(date +%s)
  build_boringssl "$out/boringssl" "$CC" "$CXX" "$LIB_CFLAGS" "$LIB_CXXFLAGS"
  log "[$flavor] BoringSSL ready in $(( $(date +%s) - t1 ))s"
  if want_lib boringssl-fuzzer; then
    t1=$(date +%s)
    build_boringssl_fuzzer_ssl "$out/boringssl-fuzzer" "$CC" "$CXX" "$LIB_CFLAGS" "$LIB_CXXFLAGS"
    log "[$flavor] BoringSSL fuzzer-mode libssl ready in $(( $(date +%s) - t1 ))s"
  fi
  if want_lib mbedtls; then
    t1=$(date +%s)
    build_mbedtls "$out/mbedtls" "$CC" "$LIB_CFLAGS"
    log "[$flavor] mbedTLS $MBED_VERSION ready in $(( $(date +%s) - t1 ))s"
  fi
  if want_lib mbedtls3; then
    t1=$(date +%s)
    build_mbedtls3 "$out/mbedtls3" "$CC" "$LIB_CFLAGS"
    log "[$flavor] Mbed TLS $MBED3_VERSION ready in $(( $(date +%s) - t1 ))s"
  fi
  if want_lib wolfssl; then
    t1=$(date +%s)
    build_wolfssl "$out/wolfssl" "$CC" "$LIB_CFLAGS"
    log "[$flavor] wolfSSL $WOLF_VERSION ready in $(( $(date +%s) - t1 ))s"
  fi
  if want_lib openssl; then
    t1=$(date +%s)
    log "[$flavor] OpenSSL $OSSL_VERSION (the longest library build; cached afterwards)"
    build_openssl "$out/openssl" "$CC" "$LIB_CFLAGS"
    log "[$flavor] OpenSSL ready in $(( $(date +%s) - t1 ))s"
  fi
  HOST_BSSL_LIB=
  if [[ $flavor == afl ]]; then
    # The AFL++ custom mutator library (mk/chainfuzz.mk MUTATOR_SO) runs in
    # afl-fuzz: no ASan, no AFL instrumentation. It links the plain flavor's
    # BoringSSL (same cache entry), not this flavor's.
    flavor_settings plain
    HOST_CFLAGS=$LIB_CFLAGS
    build_boringssl "$out/boringssl-host" "$CC" "$CXX" "$LIB_CFLAGS" "$LIB_CXXFLAGS"
    HOST_BSSL_LIB=$out/boringssl-host
    flavor_settings afl
  fi
  if [[ $SELECT_GIVEN == 1 ]]; then
    log "[$flavor] targets:$SELECT"
  else
    log "[$flavor] targets: $(list_targets | tr '\n' ' ')"
  fi
  t1=$(date +%s)
  build_ours "$out"
  log "[$flavor] chainfuzz's own code ready in $(( $(date +%s) - t1 ))s"
  # flavor.env: how this flavor compiles, for benchmarks and for users who
  # build an extra target by hand against it.
  # MBEDTLS_LIB holds libmbedtls.a, libmbedx509.a and libmbedcrypto.a; code
  # that includes mbedTLS headers must be compiled with MBEDTLS_DEFS.
  printf 'CC=%q\nCXX=%q\nCFLAGS=%q\nLDFLAGS=%q\nENGINE=%q\nBSSL_SRC=%q\nBSSL_INC=%q\nBSSL_LIB=%q\nMBEDTLS_SRC=%q\nMBEDTLS_INC=%q\nMBEDTLS_LIB=%q\nMBEDTLS_DEFS=%q\n' \
    "$CC" "$CXX" "$CFLAGS_OURS" "$LDFLAGS_OURS" "$ENGINE" "$BSSL_SRC" "$(bssl_include)" \
    "$out/boringssl" "$MBED_SRC" "$MBED_SRC/include" "$out/mbedtls" "$MBEDTLS_DEFS" \
    >"$out/flavor.env.tmp" &&
  # WOLFSSL_LIB holds libwolfssl.a; code that includes wolfSSL headers needs
  # WOLFSSL_DEFS and -I for WOLFSSL_INC and WOLFSSL_SETTINGS_INC.
  printf 'WOLFSSL_SRC=%q\nWOLFSSL_INC=%q\nWOLFSSL_SETTINGS_INC=%q\nWOLFSSL_LIB=%q\nWOLFSSL_DEFS=%q\n' \
    "$WOLF_SRC" "$WOLF_SRC" "$ROOT/mk/wolfssl" "$out/wolfssl" "$WOLFSSL_DEFS" \
    >>"$out/flavor.env.tmp" &&
  # OSSL_LIB holds OpenSSL's libcrypto.a with every symbol renamed ossl3_*;
  # code that includes OpenSSL headers uses -I$OSSL_INC (not BSSL_INC) and
  # includes cf_ossl_prefix.h first.
  printf 'OSSL_SRC=%q\nOSSL_INC=%q\nOSSL_LIB=%q\n' \
    "$OSSL_SRC" "$out/openssl/include" "$out/openssl" \
    >>"$out/flavor.env.tmp" && mv -f "$out/flavor.env.tmp" "$out/flavor.env"
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
  bssl_features
  if [[ -z ${MBEDTLS_SRC:-} ]]; then
    [[ -d $SRC/mbedtls ]] ||
      die "OSS-Fuzz mode: neither MBEDTLS_SRC nor \$SRC/mbedtls exists (Dockerfile: git clone --depth 1 --branch mbedtls-2.28 https://github.com/Mbed-TLS/mbedtls.git mbedtls)"
    MBEDTLS_SRC=$SRC/mbedtls
  fi
  mbedtls_source
  if [[ -z ${MBEDTLS3_SRC:-} ]]; then
    [[ -d $SRC/mbedtls3 ]] ||
      die "OSS-Fuzz mode: neither MBEDTLS3_SRC nor \$SRC/mbedtls3 exists (Dockerfile: Mbed TLS 3.6's release tarball, which has the generated files, unpacked as mbedtls3)"
    MBEDTLS3_SRC=$SRC/mbedtls3
  fi
  mbedtls3_source
  if [[ -z ${WOLFSSL_SRC:-} ]]; then
    [[ -d $SRC/wolfssl ]] ||
      die "OSS-Fuzz mode: neither WOLFSSL_SRC nor \$SRC/wolfssl exists (Dockerfile: git clone --depth 1 --branch v5.5.4-stable https://github.com/wolfSSL/wolfssl.git wolfssl)"
    WOLFSSL_SRC=$SRC/wolfssl
  fi
  wolfssl_source
  if [[ -z ${OPENSSL_SRC:-} ]]; then
    [[ -d $SRC/openssl ]] ||
      die "OSS-Fuzz mode: neither OPENSSL_SRC nor \$SRC/openssl exists (Dockerfile: git clone --depth 1 --branch openssl-3.0 https://github.com/openssl/openssl.git openssl)"
    OPENSSL_SRC=$SRC/openssl
  fi
  openssl_source
  CC=${CC:-clang}; CXX=${CXX:-clang++}
  local cflags="${CFLAGS:-} $COMMON_DEFS" cxxflags="${CXXFLAGS:-} $COMMON_DEFS"
  [[ ${SANITIZER:-} = memory ]] && cflags="$cflags -DOPENSSL_NO_ASM" && cxxflags="$cxxflags -DOPENSSL_NO_ASM"
  log "OSS-Fuzz mode: SANITIZER=${SANITIZER:-?} engine=$LIB_FUZZING_ENGINE"
  build_boringssl "$BUILD/ossfuzz/boringssl" "$CC" "$CXX" "$cflags" "$cxxflags"
  build_boringssl_fuzzer_ssl "$BUILD/ossfuzz/boringssl-fuzzer" "$CC" "$CXX" "$cflags" "$cxxflags"
  build_mbedtls "$BUILD/ossfuzz/mbedtls" "$CC" "$cflags"
  build_mbedtls3 "$BUILD/ossfuzz/mbedtls3" "$CC" "$cflags"
  build_wolfssl "$BUILD/ossfuzz/wolfssl" "$CC" "$cflags"
  # MemorySanitizer cannot see what assembly writes: no-asm there.
  build_openssl "$BUILD/ossfuzz/openssl" "$CC" "$cflags" "$([[ ${SANITIZER:-} = memory ]] && echo 0 || echo 1)"
  # What aborts on OSS-Fuzz is decided here: it passes targets no
  # environment (oss-fuzz/build.sh documents CHAINFUZZ_REJECT_FINDINGS).
  local rejects=${CHAINFUZZ_REJECT_FINDINGS:-1}
  [[ $rejects == 0 || $rejects == 1 ]] || die "CHAINFUZZ_REJECT_FINDINGS must be 0 or 1, not '$rejects'"
  cflags="$cflags -DCF_REJECT_FINDINGS_DEFAULT=$rejects"; cxxflags="$cxxflags -DCF_REJECT_FINDINGS_DEFAULT=$rejects"
  CFLAGS_OURS=$cflags; CXXFLAGS_OURS=$cxxflags; LDFLAGS_OURS="$LIB_FUZZING_ENGINE"
  ENGINE=ossfuzz; TOOLS=0
  build_ours "$BUILD/ossfuzz"
  local t tpl seeds
  while read -r t tpl seeds; do
    cp -f "$BUILD/ossfuzz/bin/$t" "$OUT/$t"
    [[ -f $ROOT/targets/$tpl.dict ]] && cp -f "$ROOT/targets/$tpl.dict" "$OUT/$t.dict"
    [[ -f $ROOT/targets/$tpl.options ]] && cp -f "$ROOT/targets/$tpl.options" "$OUT/$t.options"
    if [[ -d $ROOT/corpus/$seeds ]] && [[ -n $(ls -A "$ROOT/corpus/$seeds") ]]; then
      rm -f "$OUT/${t}_seed_corpus.zip.tmp"
      (cd "$ROOT/corpus/$seeds" && zip -q -j "$OUT/${t}_seed_corpus.zip.tmp" ./*)
      mv -f "$OUT/${t}_seed_corpus.zip.tmp" "$OUT/${t}_seed_corpus.zip"
    fi
  done < <(target_info)
  log "OSS-Fuzz mode: wrote $(list_targets | wc -l) targets to $OUT"
}

# ---------------------------------------------------------------- main --

if [[ -n ${OUT:-} && -n ${LIB_FUZZING_ENGINE:-} ]]; then
  ossfuzz_build
  exit 0
fi

install_tools
[[ $INSTALL_ONLY == 1 ]] && exit 0
boringssl_source
if [[ $SOURCES_ONLY == 1 ]]; then
  mbedtls_source; mbedtls3_source; wolfssl_source; openssl_source
  printf 'boringssl %s\nmbedtls %s\nmbedtls3 %s\nwolfssl %s\nopenssl %s\n' "$BSSL_SRC" "$MBED_SRC" "$MBED3_SRC" "$WOLF_SRC" "$OSSL_SRC"
  exit 0
fi
bssl_features
mbedtls_source
MBED3_SRC="" MBED3_VERSION=""
want_lib mbedtls3 && mbedtls3_source
wolfssl_source
OSSL_SRC="" OSSL_VERSION=""
want_lib openssl && openssl_source
for flavor in $FLAVORS; do
  build_flavor "$flavor"
done
