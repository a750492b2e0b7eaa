# mk/chainfuzz.mk — builds chainfuzz's own code for one flavor. Called by
# build.sh (never by hand), which passes:
#   OUT       flavor directory (build/<flavor>); $(OUT)/boringssl links to
#             the cached BoringSSL build (BSSL_LIB)
#   CC CXX CFLAGS LDFLAGS   the flavor's compiler and flags
#   ENGINE    libfuzzer | afl | replay | ossfuzz: what gives targets a main()
#   TOOLS     1 to also build certgen tools and unit tests
#   BSSL_INC  BoringSSL's include directory
#   MBEDTLS_INC MBEDTLS_LIB  mbedTLS's include directory and the cached
#             build holding libmbedtls.a, libmbedx509.a, libmbedcrypto.a
#   WOLFSSL_INC WOLFSSL_LIB WOLFSSL_DEFS  the same for wolfSSL (its tree;
#             the cached build holding libwolfssl.a; -DWOLFSSL_USER_SETTINGS
#             and HAVE___UINT128_T, with mk/wolfssl/user_settings.h)
#   MBEDTLS_DEFS  the options mbedTLS was built with (build.sh); every file
#             of ours is compiled with them so mbedTLS structs match
#   MBED3_INC MBED3_LIB  Mbed TLS 3.6's include directory and the cached
#             build of its archives, symbols renamed cf_mbed3_* (its
#             include/cf_mbed_prefix.h maps the names)
#
# Targets link libchainfuzz and the libraries under test they need
# (libs_of, below); tools and unit tests link all of them,
# $(LIBS_UNDER_TEST), every archive in one --start-group. mbedTLS's symbols are all
# mbedtls_/psa_-prefixed, so it cannot clash with BoringSSL's. wolfSSL is
# built without its OpenSSL compatibility layer: no symbol of libwolfssl.a
# is defined in BoringSSL or mbedTLS (checked with nm, 2026-11-27).
# Convention over registration: every targets/*.c is a target named after
# its stem; every tests/*_test.c and certgen/*_test.c is a unit test; lib/,
# validators/ and certgen/ (minus CLI mains and tests) are libraries.

ifndef OUT
$(error OUT is not set: this makefile is driven by build.sh)
endif

WERROR ?= -Werror
WARN := -Wall -Wextra $(WERROR) -Wno-unused-parameter
STD := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
INC := -Iinclude -I$(BSSL_INC) -I$(MBEDTLS_INC) -Icertgen -Imk/wolfssl -I$(WOLFSSL_INC)
BSSL_LIBS := $(BSSL_LIB)/libssl.a $(BSSL_LIB)/libcrypto.a
MBEDTLS_LIBS := $(MBEDTLS_LIB)/libmbedtls.a $(MBEDTLS_LIB)/libmbedx509.a $(MBEDTLS_LIB)/libmbedcrypto.a
WOLFSSL_LIBS := $(WOLFSSL_LIB)/libwolfssl.a
LIBS_UNDER_TEST := $(BSSL_LIBS) $(MBEDTLS_LIBS) $(WOLFSSL_LIBS)
SYSLIBS := -lpthread
# OpenSSL 3.0 (OSSL_INC OSSL_LIB from build.sh; mk/openssl.mk): libcrypto.a
# with every symbol it defines renamed ossl3_*, so it links next to
# BoringSSL, which defines the same names. The files in OSSL_SRCS include
# OpenSSL's headers instead of BoringSSL's (and cf_ossl_prefix.h before
# them); the build fails if one of them reads the system's
# /usr/include/openssl (libssl-dev).
OSSL_LIBS := $(OSSL_LIB)/libcrypto.a
OSSL_SRCS := validators/openssl.c
OSSL_INCFLAGS := -Iinclude -I$(OSSL_INC)
# validators/openssl.c needs OpenSSL's generated headers, so it is not in
# libchainfuzz.a but in its own archive, linked only where OpenSSL is.
LIBCF_OSSL := $(OUT)/libchainfuzz-openssl.a
LIBS_UNDER_TEST += $(LIBCF_OSSL) $(OSSL_LIBS)
# Mbed TLS 3.6, the current generation (issue 15): validators/mbedtls3.c is
# validators/mbedtls.c against 3.6's headers, with the renaming header
# first; in its own archive, like OpenSSL's file.
MBED3_LIBS := $(MBED3_LIB)/libmbedtls.a $(MBED3_LIB)/libmbedx509.a $(MBED3_LIB)/libmbedcrypto.a
MBED3_SRCS := validators/mbedtls3.c
MBED3_INCFLAGS := -Iinclude -include $(MBED3_LIB)/include/cf_mbed_prefix.h -I$(MBED3_INC)
LIBCF_MBED3 := $(OUT)/libchainfuzz-mbedtls3.a
LIBS_UNDER_TEST += $(LIBCF_MBED3) $(MBED3_LIBS)
# Libraries under test, by name (build.sh builds only those the selected
# targets need: ./build.sh --targets): lib_archives(NAMES) are their archives.
# boringssl is always in: certgen, the key pool and the case decoder use it.
ALL_LIBS := boringssl mbedtls mbedtls3 wolfssl openssl
archives_boringssl := $(BSSL_LIBS)
archives_boringssl-fuzzer := $(BSSL_FUZZ_LIB)/libssl.a
archives_mbedtls := $(MBEDTLS_LIBS)
archives_wolfssl := $(WOLFSSL_LIBS)
archives_openssl := $(LIBCF_OSSL) $(OSSL_LIBS)
archives_mbedtls3 := $(LIBCF_MBED3) $(MBED3_LIBS)
lib_archives = $(foreach l,$(1),$(archives_$(l)))

CF_TARGETS := $(patsubst targets/%.c,%,$(wildcard targets/*.c))
# Per-validator targets: targets/per-validator/<t>.c is built once per
# validator of the registry (lib/validator.c, table kValidators) as
# <t>_<validator>, with -DCF_TARGET_VALIDATOR="<validator>". Canaries (table
# kCanaries, all named *_negative) get the targets listed in CANARY_TARGETS:
# each is a lax validator wrapped by an oracle that must catch it
# (tests/canaries_test.sh). Seeds: a target's corpus directory is
# corpus/<target> if it exists, else corpus/<t> of its template (seeds.txt).
registry = $(shell awk '/$(1)\[\] = \{/ {on = 1; next} on && /^\};/ {on = 0} on' lib/validator.c | sed -n 's/^ *{"\([a-z0-9_]*\)",.*/\1/p')
VALIDATORS := $(call registry,kValidators)
CANARIES := $(call registry,kCanaries)
PV_TEMPLATES := $(patsubst targets/per-validator/%.c,%,$(wildcard targets/per-validator/*.c))
PV_TARGETS := $(foreach t,$(PV_TEMPLATES),$(foreach v,$(VALIDATORS),$(t)_$(v)))
# registry_base(CANARY): a canary's base validator (registry's third field).
registry_base = $(shell sed -n 's/^ *{"$(1)", *cf_[a-z0-9_]*, *"\([a-z0-9_]*\)"}.*/\1/p' lib/validator.c)
# Which oracle catches which canary: the spec oracle every lax behaviour of
# every base; the differential oracle those of BoringSSL's (it sees a lax
# validator the same whatever its base, and each chain_diff_* links all
# four libraries); the signed-bytes oracle only a skipped signature.
CANARY_TARGETS := chain_verify_signature_negative \
  $(foreach c,$(CANARIES),chain_oracle_$(c) $(if $(filter boringssl,$(call registry_base,$(c))),chain_diff_$(c)))
# Handshake targets (targets/handshake/handshake_client.c, handshake/*.c):
# the device's TLS client of each TLS library fed the server's side of a
# handshake (include/chainfuzz/handshake.h). handshake_client_<lib> is the
# verifying build; handshake_client_boringssl_fuzzer links a libssl built
# with BORINGSSL_UNSAFE_FUZZER_MODE (build.sh: BSSL_FUZZ_LIB). Canaries:
# the client misconfigured as devices ship it (verification off, mbedTLS
# OPTIONAL with the result never read, no expected host name).
# A library's targets exist once its client (handshake/<lib>.c) and the
# signature oracle (handshake/sigcheck.c) do.
HS_LIBS := $(if $(wildcard handshake/sigcheck.c),$(filter boringssl mbedtls wolfssl,$(patsubst handshake/%.c,%,$(wildcard handshake/*.c))))
HS_TARGETS := $(foreach l,$(HS_LIBS),handshake_client_$(l)) $(if $(filter boringssl,$(HS_LIBS)),handshake_client_boringssl_fuzzer)
# handshake_live_<lib> (targets/handshake/handshake_live.c): a case served by
# a real server of the library to its device client, per run.
HS_TARGETS += $(foreach l,$(HS_LIBS),handshake_live_$(l))
# hs_canaries: "<lib>:<misconf>:<CF_HS_* config>" per canary.
HS_CANARY_SPECS := boringssl:noverify:CF_HS_MISCONF_VERIFY_NONE \
  boringssl:nohost:CF_HS_MISCONF_NO_HOSTNAME \
  mbedtls:noverify:CF_HS_MISCONF_VERIFY_NONE \
  mbedtls:optional:CF_HS_MISCONF_OPTIONAL_UNCHECKED \
  mbedtls:nohost:CF_HS_MISCONF_NO_HOSTNAME \
  wolfssl:noverify:CF_HS_MISCONF_VERIFY_NONE \
  wolfssl:nohost:CF_HS_MISCONF_NO_HOSTNAME
spec_word = $(word $(2),$(subst :, ,$(1)))
HS_CANARY_SPECS := $(foreach s,$(HS_CANARY_SPECS),$(if $(filter $(call spec_word,$(s),1),$(HS_LIBS)),$(s)))
HS_CANARIES := $(foreach s,$(HS_CANARY_SPECS),handshake_client_$(call spec_word,$(s),1)_$(call spec_word,$(s),2)_negative)
CANARY_TARGETS += $(HS_CANARIES)
ALL_TARGETS := $(CF_TARGETS) $(PV_TARGETS) $(HS_TARGETS) $(CANARY_TARGETS)
LIB_SRCS := $(wildcard lib/*.c) $(wildcard validators/*.c)
CERTGEN_MAINS := certgen/seedgen.c certgen/certgen_cli.c certgen/afl_case_mutator.c
CERTGEN_TESTS := $(wildcard certgen/*_test.c)
CERTGEN_SRCS := $(filter-out $(CERTGEN_MAINS) $(CERTGEN_TESTS),$(wildcard certgen/*.c))
TEST_SRCS := $(wildcard tests/*_test.c) $(CERTGEN_TESTS)
# harness/: the chainfuzz CLI (chainfuzz.c is its main) on a library of the
# other files; replay_driver.c is a target's main, not part of it.
HARNESS_SRCS := $(filter-out harness/replay_driver.c harness/chainfuzz.c,$(wildcard harness/*.c))
# handshake/: the device TLS clients, the recorder and the handshake
# oracles (libhandshake.a, before libcertgen on link lines: the judge uses
# the signed-bytes oracle); record_cli.c is hsrecord's main.
HS_SRCS := $(filter-out handshake/record_cli.c,$(wildcard handshake/*.c))
JSONLIBS := -ljansson

obj = $(patsubst %.c,$(OUT)/obj/%.o,$(1))
# link(PREREQUISITES[, EXTRA LIBS]): objects, then every archive as one
# group (--start-group: their order does not matter; validator.c names
# every adapter and the adapters call back into libchainfuzz). The C++
# driver links with CXXFLAGS (OSS-Fuzz's -stdlib=libc++ is there only).
CXXFLAGS ?= $(CFLAGS)
link = $(CXX) $(CXXFLAGS) $(filter-out %.a,$(1)) -Wl,--start-group $(filter %.a,$(1)) -Wl,--end-group $(LDFLAGS) $(2) $(SYSLIBS) -o $@.tmp && mv -f $@.tmp $@

LIBCF := $(OUT)/libchainfuzz.a
LIBCERTGEN := $(OUT)/libcertgen.a
LIBHARNESS := $(OUT)/libharness.a
LIBHS := $(OUT)/libhandshake.a

ifeq ($(ENGINE),replay)
ENGINE_OBJ := $(OUT)/obj/harness/replay_driver.o
else
ENGINE_OBJ :=
endif

BINS := $(addprefix $(OUT)/bin/,$(ALL_TARGETS))
ifeq ($(TOOLS),1)
BINS += $(OUT)/bin/seedgen $(OUT)/bin/certgen $(OUT)/bin/replay-driver.o $(OUT)/bench/harness_overhead
ifeq ($(words $(HS_LIBS)),3)
BINS += $(OUT)/bin/hsrecord $(OUT)/bin/hsrecord-fuzzer-mode
endif
ifneq ($(wildcard harness/chainfuzz.c),)
BINS += $(OUT)/bin/chainfuzz
endif
TESTBINS := $(patsubst %.c,$(OUT)/tests/%,$(notdir $(TEST_SRCS)))
endif

# The AFL++ custom mutator library (certgen/afl_case_mutator.c on
# case_mutator.c; harness/fuzz.sh loads it for chain_* targets). It runs
# inside afl-fuzz, which has neither ASan nor AFL's instrumentation runtime,
# so it is compiled with HOST_CC/HOST_CFLAGS (no sanitizer) and links
# HOST_BSSL_LIB, an uninstrumented BoringSSL: build.sh passes the plain
# flavor's build (its cache entry; PIE code, which links into a shared
# object), so the afl flavor's own libraries need no -fPIC. Only the
# afl_custom_* functions are exported.
MUTATOR_SO := $(OUT)/lib/chainfuzz_case_mutator.so
MUTATOR_SRCS := certgen/afl_case_mutator.c certgen/case_mutator.c certgen/build.c certgen/sign.c lib/coverage.c \
  certgen/keypool.c certgen/recipe_model.c certgen/recipe_bytes.c lib/case.c $(OUT)/gen/keypool_embedded.c
ifeq ($(ENGINE),afl)
ifneq ($(HOST_BSSL_LIB),)
BINS += $(MUTATOR_SO)
endif
endif

all: $(BINS) $(TESTBINS) $(OUT)/targets.txt $(OUT)/templates.txt $(OUT)/canaries.txt

# template_of(TARGET): the source stem a target is built from, relative to
# targets/: itself, per-validator/<t> or chain_diff. Its .dict and .options
# sit beside that source.
template_of = $(if $(filter $(1),$(CF_TARGETS)),$(1),$(if $(filter handshake_client_%,$(1)),handshake/handshake_client,$(if $(filter handshake_live_%,$(1)),handshake/handshake_live,$(if $(filter chain_diff_%,$(1)),chain_diff,per-validator/$(firstword $(foreach t,$(PV_TEMPLATES),$(if $(filter $(t)_%,$(1)),$(t))))))))
# seeds_of(TARGET): corpus/<target> if it exists, else the directory its
# source names on a line of its own " * Seeds: corpus/NAME/" (a target
# that shares another's seeds), else chain_diff* reads chain_verify's
# cases, else the template's name.
declared_seeds = $(shell sed -n 's/^ \* Seeds: corpus\/\([a-z0-9_]*\)\/.*/\1/p' targets/$(1).c 2>/dev/null)
# A handshake canary reads its library's transcripts:
# handshake_client_<lib>_<misconf>_negative -> handshake_client_<lib>.
hs_seeds = $(if $(filter %_negative,$(1)),handshake_client_$(word 3,$(subst _, ,$(1))),$(1))
seeds_of = $(if $(wildcard corpus/$(1)),$(1),$(if $(call declared_seeds,$(1)),$(call declared_seeds,$(1)),$(if $(filter handshake_live_%,$(1)),chain_verify,$(if $(filter handshake_client_%,$(1)),$(call hs_seeds,$(1)),$(if $(filter chain_diff%,$(1)),chain_verify,$(notdir $(call template_of,$(1))))))))
# libs_of(TARGET): the libraries under test a target links (build.sh
# --targets builds only those). A targets/*.c links BoringSSL alone unless
# its header comment has a line " * Libraries: NAME..." (or "all");
# chain_verify_<v> / chain_oracle_<v> add validator <v>'s library (a
# canary's base library; a validator that is not named after a library of
# ALL_LIBS gets all of them); handshake targets add their TLS library.
declared_libs = $(subst all,$(ALL_LIBS),$(shell sed -n 's/^ \* Libraries: *\([a-z0-9 -]*\).*/\1/p' targets/$(1).c 2>/dev/null))
lib_of_validator = $(if $(filter $(1),$(ALL_LIBS)),$(1),$(or $(call registry_base,$(1)),$(ALL_LIBS)))
pv_validator = $(firstword $(foreach t,$(PV_TEMPLATES),$(if $(filter $(t)_%,$(1)),$(patsubst $(t)_%,%,$(1)))))
hs_lib = $(word 3,$(subst _, ,$(1)))
libs_of = $(sort boringssl $(if $(filter $(1),$(CF_TARGETS)),$(call declared_libs,$(1)),$(if $(filter chain_diff_%,$(1)),$(call declared_libs,chain_diff),$(if $(filter handshake_%,$(1)),$(call hs_lib,$(1)) $(if $(filter %_boringssl_fuzzer,$(1)),boringssl-fuzzer),$(call lib_of_validator,$(call pv_validator,$(1)))))))
TARGET_INFO = $(foreach t,$(CF_TARGETS) $(PV_TARGETS) $(HS_TARGETS),"$(t) $(call template_of,$(t)) $(call seeds_of,$(t))")
CANARY_INFO = $(foreach t,$(CANARY_TARGETS),"$(t) $(call template_of,$(t)) $(call seeds_of,$(t))")

# targets.txt lists the targets this flavor built, for make fuzz / make
# test; canaries.txt the canaries (expected to fail: tests/canaries_test.sh
# runs them). templates.txt maps every one to its template and seed
# directory ("TARGET TEMPLATE SEEDS" lines: targets/TEMPLATE.c,
# corpus/SEEDS/). build.sh --list-targets / --target-info print the same
# without building (print-targets, print-target-info, print-canary-info).
$(OUT)/targets.txt: $(BINS)
	@printf '%s\n' $(CF_TARGETS) $(PV_TARGETS) $(HS_TARGETS) > $@.tmp && mv -f $@.tmp $@
$(OUT)/canaries.txt: $(BINS)
	@printf '%s\n' $(CANARY_TARGETS) > $@.tmp && mv -f $@.tmp $@
$(OUT)/templates.txt: $(BINS)
	@printf '%s\n' $(TARGET_INFO) $(CANARY_INFO) > $@.tmp && mv -f $@.tmp $@
print-targets:
	@printf '%s\n' $(CF_TARGETS) $(PV_TARGETS) $(HS_TARGETS)
print-target-info:
	@printf '%s\n' $(TARGET_INFO)
print-canary-info:
	@printf '%s\n' $(CANARY_INFO)
# print-target-libs SELECT="t1 t2": "TARGET LIBRARY..." per target. Two
# names stand for tools: "chainfuzz" (the CLI) and "tools" (every tool and
# unit test; hsrecord-fuzzer-mode adds the fuzzer-mode libssl); both link
# every library (conform runs every validator).
TOOL_WORDS := tools chainfuzz
print-target-libs:
	@printf '%s\n' $(foreach t,$(SELECT),"$(t) $(if $(filter $(TOOL_WORDS),$(t)),$(ALL_LIBS) $(if $(filter tools,$(t)),boringssl-fuzzer),$(call libs_of,$(t)))")

# selected: only the targets in SELECT (and the tools it names);
# build.sh --targets.
SELECTED_BINS := $(addprefix $(OUT)/bin/,$(filter-out $(TOOL_WORDS),$(SELECT)))
ifneq ($(filter tools,$(SELECT)),)
SELECTED_BINS += $(filter-out $(addprefix $(OUT)/bin/,$(ALL_TARGETS)),$(BINS)) $(TESTBINS)
endif
ifneq ($(filter chainfuzz,$(SELECT)),)
SELECTED_BINS += $(OUT)/bin/chainfuzz
endif
ifeq ($(ENGINE),afl)
ifneq ($(HOST_BSSL_LIB),)
SELECTED_BINS += $(if $(filter chain_% handshake_live_%,$(SELECT)),$(MUTATOR_SO))
endif
endif
selected: $(SELECTED_BINS)

$(OUT)/obj/%.o: %.c $(wildcard include/chainfuzz/*.h) $(wildcard certgen/*.h) $(wildcard harness/*.h) $(wildcard tests/*.h)
	@mkdir -p $(@D)
	@$(CC) $(STD) $(CFLAGS) $(MBEDTLS_DEFS) $(WOLFSSL_DEFS) $(WARN) $(INC) -c $< -o $@

# OpenSSL's files: its headers (and the ossl3_ prefix map) instead of
# BoringSSL's; the dependency list proves no system OpenSSL header was read.
$(call obj,$(OSSL_SRCS)): $(OUT)/obj/%.o: %.c $(wildcard include/chainfuzz/*.h) $(OSSL_INC)/cf_ossl_prefix.h
	@mkdir -p $(@D)
	@$(CC) $(STD) $(CFLAGS) $(WARN) $(OSSL_INCFLAGS) -MD -MF $@.d -c $< -o $@.tmp
	@if ! test -s $@.d || grep -q '/usr/include/openssl' $@.d; then echo "$<: read /usr/include/openssl" >&2; rm -f $@.tmp; exit 1; fi
	@mv -f $@.tmp $@

# Mbed TLS 3.6's file: its headers, its names renamed; 2.28's never read.
$(call obj,$(MBED3_SRCS)): $(OUT)/obj/%.o: %.c validators/mbedtls.c $(wildcard include/chainfuzz/*.h) $(MBED3_LIB)/include/cf_mbed_prefix.h
	@mkdir -p $(@D)
	@$(CC) $(STD) $(CFLAGS) $(MBEDTLS_DEFS) $(WARN) $(MBED3_INCFLAGS) -MD -MF $@.d -c $< -o $@.tmp
	@if ! test -s $@.d || grep -qF '$(MBEDTLS_INC)/' $@.d; then echo "$<: read Mbed TLS 2.28's headers" >&2; rm -f $@.tmp; exit 1; fi
	@mv -f $@.tmp $@

$(LIBCF_MBED3): $(call obj,$(MBED3_SRCS))
	@rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(LIBCF): $(call obj,$(filter-out $(OSSL_SRCS) $(MBED3_SRCS),$(LIB_SRCS)))
	@rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(LIBCF_OSSL): $(call obj,$(OSSL_SRCS))
	@rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(LIBCERTGEN): $(call obj,$(CERTGEN_SRCS)) $(OUT)/obj/gen/keypool_embedded.o $(OUT)/obj/gen/known_rules_table.o $(OUT)/obj/gen/diff_allow_table.o
	@rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

# The key pool compiled in (keypool.h, cf_pool_load_embedded): fuzz targets
# sign and check signatures with it and must not read the source tree. Each
# certgen/keys/<name>.pem becomes {"<name>", "<PEM text>"}.
KEY_PEMS := $(sort $(wildcard certgen/keys/*.pem))
$(OUT)/gen/keypool_embedded.c: $(KEY_PEMS) mk/chainfuzz.mk
	@mkdir -p $(@D)
	@{ echo '/* Generated by mk/chainfuzz.mk from the PEM files in certgen/keys. Do not edit. */'; \
	  echo '#include "keypool.h"'; echo 'const struct cf_pool_pem cf_pool_pems[] = {'; \
	  for f in $(KEY_PEMS); do printf '  {"%s",\n' "$$(basename $$f .pem)"; \
	    sed 's/^/   "/; s/$$/\\n"/' $$f; echo '  },'; done; \
	  echo '  {0, 0},'; echo '};'; } > $@.tmp && mv -f $@.tmp $@

$(LIBHARNESS): $(call obj,$(HARNESS_SRCS))
	@rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(LIBHS): $(call obj,$(HS_SRCS))
	@rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

# libcertgen: `chainfuzz conform --catalogue` runs certgen's check.
$(OUT)/bin/chainfuzz: $(call obj,harness/chainfuzz.c) $(LIBHARNESS) $(LIBCERTGEN) $(LIBCF) $(LIBS_UNDER_TEST)
	@mkdir -p $(@D)
	@$(call link,$^,$(JSONLIBS))

# Targets are linked with the C++ driver: libssl is C++. libcertgen gives
# them the key pool, the signed-bytes oracle, the spec oracle and the
# structural mutator.
TARGET_LIBS := $(LIBCERTGEN) $(LIBCF) $(LIBS_UNDER_TEST)
target_libs = $(LIBCERTGEN) $(LIBCF) $(call lib_archives,$(call libs_of,$(1)))
.SECONDEXPANSION:
$(OUT)/bin/%: $(OUT)/obj/targets/%.o $(ENGINE_OBJ) $$(call target_libs,$$*)
	@mkdir -p $(@D)
	@$(call link,$^)

# pv_target(TEMPLATE, VALIDATOR, SOURCE, FLAGS): one object and binary.
# A per-validator target names its adapter directly (CF_TARGET_VERIFY =
# cf_<validator>_verify) instead of going through the registry, so the
# static link pulls in that validator's library only: libFuzzer clears and
# scans every coverage counter of the binary on each run, and four
# libraries' counters made that the biggest cost of a run.
# CF_TARGET_BASE: a canary's base validator (registry_base).
pv_flags = '-DCF_TARGET_VALIDATOR="$(1)"' -DCF_TARGET_VERIFY=cf_$(1)_verify $(if $(call registry_base,$(1)),'-DCF_TARGET_BASE="$(call registry_base,$(1))"')
define pv_target
$(OUT)/obj/pv/$(1)_$(2).o: $(3) $(wildcard include/chainfuzz/*.h) $(wildcard certgen/*.h) lib/validator.c
	@mkdir -p $$(@D)
	@$$(CC) $$(STD) $$(CFLAGS) $$(MBEDTLS_DEFS) $$(WOLFSSL_DEFS) $$(WARN) $$(INC) $(4) -c $$< -o $$@
$(OUT)/bin/$(1)_$(2): $(OUT)/obj/pv/$(1)_$(2).o $$(ENGINE_OBJ) $$(call target_libs,$(1)_$(2))
	@mkdir -p $$(@D)
	@$$(call link,$$^)
endef
$(foreach t,$(PV_TEMPLATES),$(foreach v,$(VALIDATORS) $(CANARIES),$(if $(filter $(t)_$(v),$(ALL_TARGETS)),$(eval $(call pv_target,$(t),$(v),targets/per-validator/$(t).c,$(call pv_flags,$(v)))))))
$(foreach c,$(CANARIES),$(if $(filter chain_diff_$(c),$(ALL_TARGETS)),$(eval $(call pv_target,chain_diff,$(c),targets/chain_diff.c,'-DCF_CANARY="$(c)"'))))

# hs_target(NAME, LIB, CONFIG, VALIDATOR, FUZZER_MODE): one handshake
# target from targets/handshake/handshake_client.c. FUZZER_MODE 1 links the
# fuzzer-mode libssl.a (BSSL_FUZZ_LIB) in place of the flavor's.
HS_TEMPLATE := targets/handshake/handshake_client.c
# hs_libs(FUZZER_MODE, LIBS): the fuzzer-mode libssl.a comes before the
# flavor's (the group takes the first definition of each member it needs).
hs_libs = $(LIBHS) $(LIBCERTGEN) $(LIBCF) $(if $(filter 1,$(1)),$(BSSL_FUZZ_LIB)/libssl.a $(BSSL_LIB)/libcrypto.a $(call lib_archives,$(filter-out boringssl boringssl-fuzzer,$(2))),$(call lib_archives,$(2)))
define hs_target
$(OUT)/obj/hs/$(1).o: $(HS_TEMPLATE) $(wildcard include/chainfuzz/*.h) $(wildcard certgen/*.h)
	@mkdir -p $$(@D)
	@$$(CC) $$(STD) $$(CFLAGS) $$(MBEDTLS_DEFS) $$(WOLFSSL_DEFS) $$(WARN) $$(INC) '-DCF_HS_LIB="$(2)"' \
	  -DCF_HS_RUN=cf_hs_$(2)_client_run -DCF_HS_RECORD=cf_hs_$(2)_record -DCF_TARGET_VERIFY=cf_$(2)_verify -DCF_HS_CONFIG=$(3) \
	  '-DCF_HS_VALIDATOR="$(4)"' -DCF_HS_FUZZER_MODE=$(5) -c $$< -o $$@
$(OUT)/bin/$(1): $(OUT)/obj/hs/$(1).o $$(ENGINE_OBJ) $(call hs_libs,$(5),boringssl $(2))
	@mkdir -p $$(@D)
	@$$(call link,$$^)
endef
$(foreach l,$(HS_LIBS),$(eval $(call hs_target,handshake_client_$(l),$(l),CF_HS_DEVICE,$(l),0)))
$(if $(filter boringssl,$(HS_LIBS)),$(eval $(call hs_target,handshake_client_boringssl_fuzzer,boringssl,CF_HS_DEVICE,boringssl,1)))
$(foreach s,$(HS_CANARY_SPECS),$(eval $(call hs_target,handshake_client_$(call spec_word,$(s),1)_$(call spec_word,$(s),2)_negative,$(call spec_word,$(s),1),$(call spec_word,$(s),3),$(call spec_word,$(s),1)_$(call spec_word,$(s),2)_negative,0)))

# hs_live(LIB, NEWEST): handshake_live_<lib>.
HS_LIVE_TEMPLATE := targets/handshake/handshake_live.c
define hs_live
$(OUT)/obj/hs/handshake_live_$(1).o: $(HS_LIVE_TEMPLATE) $(wildcard include/chainfuzz/*.h) $(wildcard certgen/*.h)
	@mkdir -p $$(@D)
	@$$(CC) $$(STD) $$(CFLAGS) $$(MBEDTLS_DEFS) $$(WOLFSSL_DEFS) $$(WARN) $$(INC) '-DCF_HS_LIB="$(1)"' \
	  -DCF_HS_RUN=cf_hs_$(1)_client_run -DCF_HS_RECORD=cf_hs_$(1)_record -DCF_TARGET_VERIFY=cf_$(1)_verify \
	  -DCF_HS_NEWEST=$(2) -c $$< -o $$@
$(OUT)/bin/handshake_live_$(1): $(OUT)/obj/hs/handshake_live_$(1).o $$(ENGINE_OBJ) $(call hs_libs,0,boringssl $(1))
	@mkdir -p $$(@D)
	@$$(call link,$$^)
endef
hs_newest = $(if $(filter mbedtls,$(1)),0x0303,0x0304)
$(foreach l,$(HS_LIBS),$(eval $(call hs_live,$(l),$(call hs_newest,$(l)))))

# The benchmark's baseline (bench/, not a target): each library's client
# accepting any certificate and judged by nothing, as the libraries' own
# client fuzzers are; BENCHMARKS.md compares the handshake targets' exec/s
# with it. Same template, CF_HS_BASELINE_ACCEPT_ANY, CF_HS_NO_ORACLE.
# hs_baseline(NAME, LIB, FUZZER_MODE): handshake_anycert_boringssl_fuzzer is
# the baseline of the fuzzer-mode target (BoringSSL's own client fuzzer is
# built that way).
# hs_baseline(NAME, LIB, FUZZER_MODE, CONFIG): handshake_noracle_<lib> is
# the device client (CONFIG CF_HS_DEVICE) without the oracles: the part of
# the gap to the baseline that is the client's own verification, not ours.
define hs_baseline
$(OUT)/obj/hs/$(1).o: $(HS_TEMPLATE) $(wildcard include/chainfuzz/*.h) $(wildcard certgen/*.h)
	@mkdir -p $$(@D)
	@$$(CC) $$(STD) $$(CFLAGS) $$(MBEDTLS_DEFS) $$(WOLFSSL_DEFS) $$(WARN) $$(INC) '-DCF_HS_LIB="$(2)"' \
	  -DCF_HS_RUN=cf_hs_$(2)_client_run -DCF_HS_RECORD=cf_hs_$(2)_record -DCF_TARGET_VERIFY=cf_$(2)_verify \
	  -DCF_HS_CONFIG=$(4) -DCF_HS_NO_ORACLE=1 -c $$< -o $$@
$(OUT)/bench/$(1): $(OUT)/obj/hs/$(1).o $$(ENGINE_OBJ) $(call hs_libs,$(3),boringssl $(2))
	@mkdir -p $$(@D)
	@$$(call link,$$^)
endef
HS_BASELINES := $(foreach l,$(HS_LIBS),handshake_anycert_$(l) handshake_noracle_$(l)) \
  $(if $(filter boringssl,$(HS_LIBS)),handshake_anycert_boringssl_fuzzer handshake_noracle_boringssl_fuzzer)
$(foreach l,$(HS_LIBS),$(eval $(call hs_baseline,handshake_anycert_$(l),$(l),0,CF_HS_BASELINE_ACCEPT_ANY)))
$(foreach l,$(HS_LIBS),$(eval $(call hs_baseline,handshake_noracle_$(l),$(l),0,CF_HS_DEVICE)))
$(if $(filter boringssl,$(HS_LIBS)),$(eval $(call hs_baseline,handshake_anycert_boringssl_fuzzer,boringssl,1,CF_HS_BASELINE_ACCEPT_ANY)))
$(if $(filter boringssl,$(HS_LIBS)),$(eval $(call hs_baseline,handshake_noracle_boringssl_fuzzer,boringssl,1,CF_HS_DEVICE)))
all: $(addprefix $(OUT)/bench/,$(HS_BASELINES))

# hsrecord: the seed transcript recorder (handshake/record_cli.c);
# hsrecord-fuzzer-mode is the same tool on the fuzzer-mode libssl, for the
# seeds of handshake_client_boringssl_fuzzer.
$(OUT)/bin/hsrecord: $(call obj,handshake/record_cli.c) $(call hs_libs,0,$(ALL_LIBS))
	@mkdir -p $(@D)
	@$(call link,$^)
$(OUT)/bin/hsrecord-fuzzer-mode: $(call obj,handshake/record_cli.c) $(call hs_libs,1,$(ALL_LIBS))
	@mkdir -p $(@D)
	@$(call link,$^)

# Reviewed tables compiled in (known_rules.h, diff_allow.h): TSV lines
# (comments and blank lines skipped) become C initializers.
tsv_to_c = awk -F'\t' -v decl='$(1)' -v n=$(2) 'BEGIN { print "/* Generated by mk/chainfuzz.mk. Do not edit. */"; print "\#include \"$(3)\""; print decl " = {" } /^\#/ || NF < n { next } { printf "  {"; for (i = 1; i <= n; i++) printf "\"%s\"%s", $$i, (i < n ? ", " : ""); print "}," } END { print "  {0}," ; print "};" }'
$(OUT)/gen/known_rules_table.c: certgen/known-rules.tsv mk/chainfuzz.mk
	@mkdir -p $(@D)
	@$(call tsv_to_c,const struct cf_known_rule cf_known_rules_table[],6,known_rules.h) $< > $@.tmp && mv -f $@.tmp $@
# diff-allow.tsv is generated with the BoringSSL generation certgen links;
# diff-allow-generations.tsv holds the reviewed differences only another
# generation shows (upstream main, found by harness/check-build.sh).
DIFF_ALLOW_TSVS := certgen/diff-allow.tsv certgen/diff-allow-generations.tsv
$(OUT)/gen/diff_allow_table.c: $(DIFF_ALLOW_TSVS) mk/chainfuzz.mk
	@mkdir -p $(@D)
	@$(call tsv_to_c,const struct cf_diff_allow cf_diff_allow_table[],4,diff_allow.h) $(DIFF_ALLOW_TSVS) > $@.tmp && mv -f $@.tmp $@
$(OUT)/obj/gen/%.o: $(OUT)/gen/%.c $(wildcard certgen/*.h)
	@mkdir -p $(@D)
	@$(CC) $(STD) $(CFLAGS) $(WARN) $(INC) -c $< -o $@

$(MUTATOR_SO): $(MUTATOR_SRCS) $(wildcard include/chainfuzz/*.h) $(wildcard certgen/*.h) $(HOST_BSSL_LIB)/libcrypto.a
	@mkdir -p $(@D)
	@$(HOST_CC) $(STD) $(HOST_CFLAGS) -fPIC -fvisibility=hidden $(WARN) -Iinclude -I$(BSSL_INC) -Icertgen \
	  -shared $(MUTATOR_SRCS) $(HOST_BSSL_LIB)/libcrypto.a -Wl,--exclude-libs,ALL -Wl,-z,defs \
	  -lpthread -o $@.tmp && mv -f $@.tmp $@

$(OUT)/bin/replay-driver.o: $(OUT)/obj/harness/replay_driver.o
	@mkdir -p $(@D) && cp -f $< $@

$(OUT)/bin/seedgen: $(call obj,certgen/seedgen.c) $(LIBCERTGEN) $(LIBCF) $(LIBS_UNDER_TEST)
	@mkdir -p $(@D)
	@$(call link,$^)

# certgen: the recipe tool (lint, list, show, ...); subcommands in other
# certgen/ files come from libcertgen.
$(OUT)/bin/certgen: $(call obj,certgen/certgen_cli.c) $(LIBCERTGEN) $(LIBCF) $(LIBS_UNDER_TEST)
	@mkdir -p $(@D)
	@$(call link,$^)

# The harness-overhead benchmark links chain_verify's target object itself.
$(OUT)/bench/harness_overhead: $(OUT)/obj/bench/harness_overhead.o $(OUT)/obj/pv/chain_verify_boringssl.o $(TARGET_LIBS)
	@mkdir -p $(@D)
	@$(call link,$^)

$(OUT)/tests/%: $(OUT)/obj/tests/%.o $(LIBHARNESS) $(LIBHS) $(LIBCERTGEN) $(LIBCF) $(LIBS_UNDER_TEST)
	@mkdir -p $(@D)
	@$(call link,$^,$(JSONLIBS))

$(OUT)/tests/%: $(OUT)/obj/certgen/%.o $(LIBCERTGEN) $(LIBCF) $(LIBS_UNDER_TEST)
	@mkdir -p $(@D)
	@$(call link,$^)
# case_mutator_afl.c includes targets/case_mutator.c and, through it,
# certgen/afl_case_mutator.c.
$(OUT)/obj/targets/case_mutator_afl.o: targets/case_mutator.c certgen/afl_case_mutator.c
# case_mutator_internal_test.c includes case_mutator.c (it calls the static
# helpers): its object is rebuilt when case_mutator.c changes.
$(OUT)/obj/certgen/case_mutator_internal_test.o: certgen/case_mutator.c

.PHONY: all print-targets print-target-info print-canary-info
.DELETE_ON_ERROR:
.SECONDARY:
