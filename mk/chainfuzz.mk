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
#   MBEDTLS_DEFS  the options mbedTLS was built with (build.sh); every file
#             of ours is compiled with them so mbedTLS structs match
#
# Everything that links libchainfuzz (validators are in it) links both
# libraries after it: $(LIBS_UNDER_TEST). mbedTLS's symbols are all
# mbedtls_/psa_-prefixed, so it cannot clash with BoringSSL's.
# Convention over registration: every targets/*.c is a target named after
# its stem; every tests/*_test.c and certgen/*_test.c is a unit test; lib/,
# validators/ and certgen/ (minus CLI mains and tests) are libraries.

ifndef OUT
$(error OUT is not set: this makefile is driven by build.sh)
endif

WERROR ?= -Werror
WARN := -Wall -Wextra $(WERROR) -Wno-unused-parameter
STD := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
INC := -Iinclude -I$(BSSL_INC) -I$(MBEDTLS_INC) -Icertgen
BSSL_LIBS := $(BSSL_LIB)/libssl.a $(BSSL_LIB)/libcrypto.a
MBEDTLS_LIBS := $(MBEDTLS_LIB)/libmbedtls.a $(MBEDTLS_LIB)/libmbedx509.a $(MBEDTLS_LIB)/libmbedcrypto.a
LIBS_UNDER_TEST := $(BSSL_LIBS) $(MBEDTLS_LIBS)
SYSLIBS := -lpthread

CF_TARGETS := $(patsubst targets/%.c,%,$(wildcard targets/*.c))
LIB_SRCS := $(wildcard lib/*.c) $(wildcard validators/*.c)
CERTGEN_MAINS := certgen/seedgen.c certgen/certgen_cli.c
CERTGEN_TESTS := $(wildcard certgen/*_test.c)
CERTGEN_SRCS := $(filter-out $(CERTGEN_MAINS) $(CERTGEN_TESTS),$(wildcard certgen/*.c))
TEST_SRCS := $(wildcard tests/*_test.c) $(CERTGEN_TESTS)
# harness/: the chainfuzz CLI (chainfuzz.c is its main) on a library of the
# other files; replay_driver.c is a target's main, not part of it.
HARNESS_SRCS := $(filter-out harness/replay_driver.c harness/chainfuzz.c,$(wildcard harness/*.c))
JSONLIBS := -ljansson

obj = $(patsubst %.c,$(OUT)/obj/%.o,$(1))

LIBCF := $(OUT)/libchainfuzz.a
LIBCERTGEN := $(OUT)/libcertgen.a
LIBHARNESS := $(OUT)/libharness.a

ifeq ($(ENGINE),replay)
ENGINE_OBJ := $(OUT)/obj/harness/replay_driver.o
else
ENGINE_OBJ :=
endif

BINS := $(addprefix $(OUT)/bin/,$(CF_TARGETS))
ifeq ($(TOOLS),1)
BINS += $(OUT)/bin/seedgen $(OUT)/bin/certgen $(OUT)/bin/replay-driver.o $(OUT)/bench/harness_overhead
ifneq ($(wildcard harness/chainfuzz.c),)
BINS += $(OUT)/bin/chainfuzz
endif
TESTBINS := $(patsubst %.c,$(OUT)/tests/%,$(notdir $(TEST_SRCS)))
endif

all: $(BINS) $(TESTBINS) $(OUT)/targets.txt

# targets.txt lists what this flavor built, for make fuzz / make test.
$(OUT)/targets.txt: $(BINS)
	@printf '%s\n' $(CF_TARGETS) > $@.tmp && mv -f $@.tmp $@

$(OUT)/obj/%.o: %.c $(wildcard include/chainfuzz/*.h) $(wildcard certgen/*.h) $(wildcard harness/*.h)
	@mkdir -p $(@D)
	@$(CC) $(STD) $(CFLAGS) $(MBEDTLS_DEFS) $(WARN) $(INC) -c $< -o $@

$(LIBCF): $(call obj,$(LIB_SRCS))
	@rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(LIBCERTGEN): $(call obj,$(CERTGEN_SRCS))
	@rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(LIBHARNESS): $(call obj,$(HARNESS_SRCS))
	@rm -f $@.tmp && $(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(OUT)/bin/chainfuzz: $(call obj,harness/chainfuzz.c) $(LIBHARNESS) $(LIBCF) $(LIBS_UNDER_TEST)
	@mkdir -p $(@D)
	@$(CXX) $(CFLAGS) $^ $(LDFLAGS) $(JSONLIBS) $(SYSLIBS) -o $@.tmp && mv -f $@.tmp $@

# Targets are linked with the C++ driver: libssl is C++.
$(OUT)/bin/%: $(OUT)/obj/targets/%.o $(ENGINE_OBJ) $(LIBCF) $(LIBS_UNDER_TEST)
	@mkdir -p $(@D)
	@$(CXX) $(CFLAGS) $< $(ENGINE_OBJ) $(LIBCF) $(LIBS_UNDER_TEST) $(LDFLAGS) $(SYSLIBS) -o $@.tmp && mv -f $@.tmp $@

$(OUT)/bin/replay-driver.o: $(OUT)/obj/harness/replay_driver.o
	@mkdir -p $(@D) && cp -f $< $@

$(OUT)/bin/seedgen: $(call obj,certgen/seedgen.c) $(LIBCERTGEN) $(LIBCF) $(LIBS_UNDER_TEST)
	@mkdir -p $(@D)
	@$(CXX) $(CFLAGS) $^ $(LDFLAGS) $(SYSLIBS) -o $@.tmp && mv -f $@.tmp $@

# certgen: the recipe tool (lint, list, show, ...); subcommands in other
# certgen/ files come from libcertgen.
$(OUT)/bin/certgen: $(call obj,certgen/certgen_cli.c) $(LIBCERTGEN) $(LIBCF) $(LIBS_UNDER_TEST)
	@mkdir -p $(@D)
	@$(CXX) $(CFLAGS) $^ $(LDFLAGS) $(SYSLIBS) -o $@.tmp && mv -f $@.tmp $@

# The harness-overhead benchmark links chain_verify's target object itself.
$(OUT)/bench/harness_overhead: $(OUT)/obj/bench/harness_overhead.o $(OUT)/obj/targets/chain_verify.o $(LIBCF) $(LIBS_UNDER_TEST)
	@mkdir -p $(@D)
	@$(CXX) $(CFLAGS) $^ $(LDFLAGS) $(SYSLIBS) -o $@.tmp && mv -f $@.tmp $@

$(OUT)/tests/%: $(OUT)/obj/tests/%.o $(LIBHARNESS) $(LIBCERTGEN) $(LIBCF) $(LIBS_UNDER_TEST)
	@mkdir -p $(@D)
	@$(CXX) $(CFLAGS) $^ $(LDFLAGS) $(JSONLIBS) $(SYSLIBS) -o $@.tmp && mv -f $@.tmp $@

$(OUT)/tests/%: $(OUT)/obj/certgen/%.o $(LIBCERTGEN) $(LIBCF) $(LIBS_UNDER_TEST)
	@mkdir -p $(@D)
	@$(CXX) $(CFLAGS) $^ $(LDFLAGS) $(SYSLIBS) -o $@.tmp && mv -f $@.tmp $@

.PHONY: all
.DELETE_ON_ERROR:
.SECONDARY:
