#!/usr/bin/env bash
# openssl_symbols_test.sh — OpenSSL 3.0 and BoringSSL define the same API
# names (X509_verify_cert, ...) and are linked into the same binaries. This
# checks, with nm on the replay flavor, that mk/openssl.mk's renaming holds:
# the renamed libcrypto.a defines only ossl3_* names; the binaries carry
# both libraries (X509_verify_cert and ossl3_X509_verify_cert); the
# adapter's object calls only renamed OpenSSL functions; it was compiled
# with OpenSSL's headers, never the system's /usr/include/openssl; and its
# code table lists every X509_V_ERR_ code of the OpenSSL headers it was
# built with. TAP.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
REPLAY=$BUILD/replay
OSSL=$REPLAY/openssl
n=0; failed=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

nm -g --defined-only "$OSSL/libcrypto.a" 2>/dev/null |
  awk 'NF == 3 && $2 ~ /^[A-Za-z]$/ { print $3 }' | sort -u >"$tmp/defined"
total=$(wc -l <"$tmp/defined")
bare=$(grep -cv '^ossl3_' "$tmp/defined")
ok $([[ $total -gt 1000 && $bare == 0 ]]; echo $?) \
  "the renamed libcrypto.a defines $total global symbols, all ossl3_* ($bare without the prefix)"

for bin in "$REPLAY/bin/certgen" "$REPLAY/tests/openssl_validator_test"; do
  nm "$bin" >"$tmp/bin.nm" 2>/dev/null
  both=0
  grep -q ' T X509_verify_cert$' "$tmp/bin.nm" && grep -q ' T ossl3_X509_verify_cert$' "$tmp/bin.nm" &&
    grep -q ' T OpenSSL_version$' "$tmp/bin.nm" && grep -q ' T ossl3_OpenSSL_version$' "$tmp/bin.nm" || both=1
  ok $both "$(basename "$bin") holds BoringSSL's X509_verify_cert and OpenSSL's ossl3_X509_verify_cert"
done

# The adapter's undefined references: OpenSSL names only in renamed form.
obj=$REPLAY/obj/validators/openssl.o
nm -u "$obj" 2>/dev/null | awk '{ print $2 }' | sort -u >"$tmp/undef"
sed 's/^ossl3_//' "$tmp/defined" | sort -u >"$tmp/names"
leaked=$(comm -12 "$tmp/undef" "$tmp/names" | head -n 5 | tr '\n' ' ')
ok $([[ -s $tmp/undef && -z $leaked ]]; echo $?) \
  "validators/openssl.o calls no OpenSSL name unrenamed (would bind to BoringSSL)${leaked:+: $leaked}"
grep -qx 'ossl3_X509_verify_cert' "$tmp/undef"
ok $? "validators/openssl.o calls ossl3_X509_verify_cert"

dep=$REPLAY/obj/validators/openssl.o.d
ok $([[ -f $dep ]] && ! grep -q '/usr/include/openssl' "$dep" && grep -q "openssl/include/openssl/x509_vfy.h" "$dep"; echo $?) \
  "validators/openssl.c read OpenSSL's headers from the build, none from /usr/include/openssl"

# Every X509_V_ERR_ code of the headers is a row of kOpensslCodes.
sed -n 's/^#[[:space:]]*define[[:space:]]\{1,\}\(X509_V_ERR_[A-Z0-9_]*\)[[:space:]].*/\1/p' \
  "$OSSL/include/openssl/x509_vfy.h" | sort -u >"$tmp/hdr"
sed -n 's/^[[:space:]]*CF_CODE(\(X509_V_ERR_[A-Z0-9_]*\),.*/\1/p' "$ROOT/validators/openssl.c" |
  sort -u >"$tmp/table"
missing=$(comm -23 "$tmp/hdr" "$tmp/table" | tr '\n' ' ')
extra=$(comm -13 "$tmp/hdr" "$tmp/table" | tr '\n' ' ')
ok $([[ -s $tmp/hdr && -z $missing && -z $extra ]]; echo $?) \
  "kOpensslCodes lists the $(wc -l <"$tmp/hdr") X509_V_ERR_ codes of x509_vfy.h${missing:+ (missing: $missing)}${extra:+ (not in the header: $extra)}"

echo "1..$n"
exit $failed
