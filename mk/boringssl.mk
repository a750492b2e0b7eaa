# mk/boringssl.mk — builds BoringSSL's libcrypto.a and libssl.a without Go or
# CMake, from the source lists in the snapshot's generated eureka.mk
# (err_data.c is pre-generated there). Called by build.sh, never by hand:
#
#   make -f mk/boringssl.mk SRC=<boringssl tree> OUT=<dir> CC=.. CXX=.. \
#        CFLAGS=.. CXXFLAGS=.. ASM=1|0
#
# Objects go under $(OUT)/obj, so one source tree serves every flavor and
# make's own timestamps make a second run incremental.

ifndef SRC
$(error SRC is not set: pass SRC=<boringssl source tree>)
endif
ifndef OUT
$(error OUT is not set: pass OUT=<output directory>)
endif

include $(SRC)/eureka.mk

ASM ?= 1
ARCH := $(shell uname -m)
ifeq ($(ASM),1)
ifeq ($(ARCH),x86_64)
asm_sources := $(linux_x86_64_sources)
else ifeq ($(ARCH),aarch64)
asm_sources := $(linux_aarch64_sources)
endif
endif
ifeq ($(strip $(asm_sources)),)
ASM_DEFS := -DOPENSSL_NO_ASM
endif

BSSL_CPPFLAGS := -I$(SRC)/src/include -I$(SRC)/src/crypto $(ASM_DEFS)
BSSL_WARN := -w
C_STD := -std=gnu11
# -fno-rtti unless vptr checking is asked for (OSS-Fuzz's undefined build:
# clang refuses -fsanitize=vptr with -fno-rtti; upstream's CMake has
# BORINGSSL_ALLOW_CXX_RUNTIME for the same).
CXX_STD := -std=c++14 -fno-exceptions $(if $(findstring vptr,$(CXXFLAGS)),,-fno-rtti)

crypto_objs := $(patsubst %,$(OUT)/obj/%.o,$(crypto_sources) $(asm_sources))
ssl_objs := $(patsubst %,$(OUT)/obj/%.o,$(ssl_sources))

all: $(OUT)/libcrypto.a $(OUT)/libssl.a

$(OUT)/libcrypto.a: $(crypto_objs)
	@rm -f $@.tmp
	@$(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(OUT)/libssl.a: $(ssl_objs)
	@rm -f $@.tmp
	@$(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(OUT)/obj/%.c.o: $(SRC)/%.c
	@mkdir -p $(@D)
	@$(CC) $(C_STD) $(CFLAGS) $(BSSL_CPPFLAGS) $(BSSL_WARN) -c $< -o $@

$(OUT)/obj/%.cc.o: $(SRC)/%.cc
	@mkdir -p $(@D)
	@$(CXX) $(CXX_STD) $(CXXFLAGS) $(BSSL_CPPFLAGS) $(BSSL_WARN) -c $< -o $@

# Assembly is never instrumented: sanitizer flags are dropped for it.
$(OUT)/obj/%.S.o: $(SRC)/%.S
	@mkdir -p $(@D)
	@$(CC) $(BSSL_CPPFLAGS) -c $< -o $@

.PHONY: all
.DELETE_ON_ERROR:
