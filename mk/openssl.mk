# mk/openssl.mk — builds OpenSSL 3.0's static libcrypto out of tree and
# renames every global symbol it defines with $(PREFIX), so it links into
# the same binaries as BoringSSL (which defines the same names:
# X509_verify_cert, ...). Called by build.sh, never by hand:
#
#   make -f mk/openssl.mk SRC=<openssl tree> OUT=<dir> CC=.. CFLAGS=.. \
#        [ASM=1|0] [PERL=perl]
#
# Outputs, all under $(OUT):
#   build/                   Configure + `make build_generated` + `make
#                            libcrypto.a` (objects, the unprefixed
#                            libcrypto.a); one source tree serves every
#                            flavor
#   libcrypto.a              the same archive, every symbol OpenSSL defines
#                            renamed NAME -> $(PREFIX)NAME (objcopy
#                            --redefine-syms; undefined libc/sanitizer
#                            symbols are left alone)
#   include/openssl/*.h      the source's headers plus the generated ones
#                            (configuration.h, opensslv.h, ...), so nothing
#                            falls through to a system /usr/include/openssl
#   include/cf_ossl_prefix.h `#define NAME $(PREFIX)NAME` for every renamed
#                            symbol: include it before any OpenSSL header
#   syms.txt                 the renamed names, one a line
#
# Configure: no-shared no-tests, no-module (providers built in), no-dso,
# no-makedepend (`make depend` is never run: every build is a fresh one);
# --openssldir inside $(OUT) so no system openssl.cnf is ever read; the
# flavor's CC and CFLAGS replace OpenSSL's (-O3 -Wall). ASM=0 adds no-asm
# (build.sh does it for MemorySanitizer only).
#
# Only libcrypto.a is built: chainfuzz has no OpenSSL TLS client, it runs
# one path of libcrypto (validators/openssl.c: d2i_X509, X509_STORE,
# X509_VERIFY_PARAM, X509_verify_cert at auth level 1, EVP_PKEY_is_a), so
# `make build_libs` (libssl.a, apps/libapps.a too) is not used. TRIM_OPTS
# drops what that path never reaches, without changing a verdict:
#  - engine (no engine is ever loaded: x_pubkey.c's engine lookup finds
#    none either way), legacy (the built-in legacy provider is never
#    loaded: no config file, no OSSL_PROVIDER_load), comp cms ts ocsp ct
#    cmp (and crmf) srp ui-console async sock (and dgram). OCSP's and CT's
#    X509V3_EXT_METHODs leave the extension table, but verification only
#    decodes fixed NIDs (v3_purp.c, pcy_cache.c, x509_vfy.c) and
#    X509_supported_extension is a fixed list;
#  - ciphers, MACs and KDFs, which no certificate signature uses: idea rc2
#    rc4 bf cast seed camellia aria sm4 chacha poly1305 cmac (and siv) ocb
#    siphash scrypt.
# Kept on purpose, because verdicts depend on them:
#  - the key types and curves a certificate can carry: RSA, RSA-PSS, dsa,
#    dh (an X9.42 DH leaf decodes, so it is UNKNOWN_CERTIFICATE_TYPE, not a
#    key that does not parse), ec with ec2m and explicit parameters,
#    Ed25519/Ed448, sm2 (no-sm2 takes the SM2 curve out of ec_curve.c: an
#    EC key on it would stop decoding); rfc3779 (critical IP/AS resource
#    extensions are supported and path-checked);
#  - every digest libcrypto holds an EVP_MD for: md4, mdc2 (so des), rmd160,
#    whirlpool, sm3, blake2. X509_get_signature_info (the auth level check,
#    before any signature is verified) looks the signature's digest up by
#    NID, and an RSA-PSS signature's hash and MGF1 hash by OID
#    (EVP_get_digestbyobj); with the digest compiled out there is no
#    signature info, so CA_MD_TOO_WEAK: ripemd160WithRSA (RIPEMD-160 is in
#    3.0's default provider) would no longer verify, and PSS with
#    SHA-256 and MGF1-whirlpool or sm3WithRSAEncryption would turn from
#    CERT_SIGNATURE_FAILURE into CA_MD_TOO_WEAK.
# Not listed: libssl-only options (psk srtp nextprotoneg ssl/tls/dtls
# versions, ...) and gost (an external engine in 3.0) change nothing in
# libcrypto; no-deprecated would change the legacy key code paths.
#
# Cost (x86_64, ASM=1, OpenSSL 3.0.20, 2 cores): build_libs compiled 999
# objects (libcrypto 766, providers' libdefault/liblegacy/libcommon 170,
# libssl 46, apps/libapps 17); this builds 754 (`find $(OUT)/build -name
# '*.o' | wc -l`: libcrypto 627, libdefault 104, libcommon 23). With the
# fuzz flavor's ASan+UBSan -O1 -g -fsanitize=fuzzer-no-link flags and
# JOBS=2 it took 310 s wall, 288 s CPU, on 2026-12-07 (on a machine
# shared with another build). ASM=0: 730 objects. Same verdicts as the
# untrimmed build: `certgen check --validator openssl` prints the same 428
# lines (0 disagree, 0 stale), and `chainfuzz conform --validator openssl`
# on tests/limbo/limbo.json writes a byte-identical results file.

ifndef SRC
$(error SRC is not set: pass SRC=<openssl source tree>)
endif
ifndef OUT
$(error OUT is not set: pass OUT=<output directory>)
endif

PREFIX ?= ossl3_
PERL ?= perl
JOBS ?= 2
ASM ?= 1
NM ?= nm
OBJCOPY ?= objcopy
ifeq ($(ASM),0)
ASM_OPT := no-asm
endif
# What X509_verify_cert never reaches; what is kept and why: header comment.
TRIM_OPTS := no-engine no-legacy no-comp no-cms no-ts no-ocsp no-ct no-cmp \
  no-srp no-idea no-rc2 no-rc4 no-bf no-cast no-seed no-camellia no-aria \
  no-sm4 no-chacha no-poly1305 no-cmac no-ocb no-siv no-siphash no-scrypt \
  no-ui-console no-async no-sock
CONFIG_OPTS := no-shared no-tests no-module no-dso no-makedepend $(TRIM_OPTS) \
  $(ASM_OPT) --prefix=$(OUT)/install --openssldir=$(OUT)/ssl --libdir=lib

all: $(OUT)/libcrypto.a $(OUT)/include/cf_ossl_prefix.h

$(OUT)/build/configdata.pm:
	@mkdir -p $(@D)
	@cd $(@D) && $(PERL) $(SRC)/Configure $(CONFIG_OPTS) CC="$(CC)" CFLAGS="$(CFLAGS)" >configure.log 2>&1 || \
	  { cat configure.log >&2; exit 1; }

# libcrypto.a alone (build_libs would add libssl.a and apps/libapps.a),
# after build_generated: every generated header (opensslv.h, x509.h, ssl.h,
# ...; configuration.h comes from Configure), in its own make run because
# libcrypto.a's objects do not all depend on them (build_libs orders it
# the same way).
$(OUT)/build/libcrypto.a: $(OUT)/build/configdata.pm
	@{ env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(MAKE) -s -j$(JOBS) -C $(OUT)/build build_generated && \
	   env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(MAKE) -s -j$(JOBS) -C $(OUT)/build libcrypto.a; } >$(OUT)/build/make.log 2>&1 || \
	  { tail -n 40 $(OUT)/build/make.log >&2; exit 1; }
	@touch $@

# Every global symbol libcrypto.a defines (functions, data, common, weak;
# ASan's __odr_asan_gen_* indicators too: they carry the global's name).
$(OUT)/syms.txt: $(OUT)/build/libcrypto.a
	@$(NM) -g --defined-only $< | awk 'NF == 3 && $$2 ~ /^[A-Za-z]$$/ { print $$3 }' | \
	  LC_ALL=C sort -u >$@.tmp && test -s $@.tmp && mv -f $@.tmp $@

$(OUT)/libcrypto.a: $(OUT)/build/libcrypto.a $(OUT)/syms.txt
	@awk '{ print $$1 " $(PREFIX)" $$1 }' $(OUT)/syms.txt >$(OUT)/redefine.txt
	@$(OBJCOPY) --redefine-syms=$(OUT)/redefine.txt $< $@.tmp && mv -f $@.tmp $@

# Headers: the source's, then the generated ones over them. Names the
# headers themselves #define as macros are left out of the prefix header
# (they expand to a prefixed name anyway; redefining them would clash).
$(OUT)/include/cf_ossl_prefix.h: $(OUT)/syms.txt
	@rm -rf $(OUT)/include.tmp && mkdir -p $(OUT)/include.tmp/openssl
	@cp -f $(SRC)/include/openssl/*.h $(OUT)/include.tmp/openssl/
	@cp -f $(OUT)/build/include/openssl/*.h $(OUT)/include.tmp/openssl/
	@cd $(OUT)/include.tmp && for h in openssl/*.h; do \
	  [ $$h = openssl/asn1_mac.h ] || echo "#include <$$h>"; done >all.c
	@$(CC) -E -dM -I$(OUT)/include.tmp $(OUT)/include.tmp/all.c | \
	  awk '$$1 == "#define" { sub(/\(.*/, "", $$2); print $$2 }' | LC_ALL=C sort -u >$(OUT)/include.tmp/macros.txt
	@{ echo "/* cf_ossl_prefix.h — generated by mk/openssl.mk: OpenSSL's symbols renamed"; \
	   echo " * with $(PREFIX) in libcrypto.a. Include before any OpenSSL header. */"; \
	   echo "#ifndef CF_OSSL_PREFIX_H"; echo "#define CF_OSSL_PREFIX_H"; \
	   echo "#define CF_OSSL_PREFIX \"$(PREFIX)\""; \
	   LC_ALL=C join -v 1 $(OUT)/syms.txt $(OUT)/include.tmp/macros.txt | \
	     grep -v '^__' | awk '{ print "#define " $$1 " $(PREFIX)" $$1 }'; \
	   echo "#endif"; } >$(OUT)/include.tmp/cf_ossl_prefix.h
	@rm -f $(OUT)/include.tmp/all.c $(OUT)/include.tmp/macros.txt
	@rm -rf $(OUT)/include && mv $(OUT)/include.tmp $(OUT)/include

.PHONY: all
.DELETE_ON_ERROR:
