# mk/mbedtls.mk — builds mbedTLS 2.28's three libraries from library/*.c,
# out of tree: libmbedcrypto.a, libmbedx509.a, libmbedtls.a (no programs,
# no tests, no Python/Perl generators: 2.28 ships its generated files).
# Called by build.sh, never by hand:
#
#   make -f mk/mbedtls.mk SRC=<mbedtls tree> OUT=<dir> CC=.. CFLAGS=..
#
# CFLAGS carries the flavor's flags plus build.sh's MBEDTLS_DEFS (options on
# top of the default include/mbedtls/config.h). Objects go under $(OUT)/obj,
# so one source tree serves every flavor. The split into three libraries is
# the one of library/Makefile: x509*.c, the TLS files, and crypto the rest.

ifndef SRC
$(error SRC is not set: pass SRC=<mbedtls source tree>)
endif
ifndef OUT
$(error OUT is not set: pass OUT=<output directory>)
endif

all_srcs := $(notdir $(wildcard $(SRC)/library/*.c))
x509_srcs := $(filter x509%.c,$(all_srcs))
tls_srcs := $(filter debug.c net_sockets.c ssl_%.c,$(all_srcs))
crypto_srcs := $(filter-out $(x509_srcs) $(tls_srcs),$(all_srcs))

MBED_CPPFLAGS := -I$(SRC)/include -I$(SRC)/library
MBED_WARN := -w
C_STD := -std=gnu99

objs = $(patsubst %.c,$(OUT)/obj/%.o,$(1))

all: $(OUT)/libmbedcrypto.a $(OUT)/libmbedx509.a $(OUT)/libmbedtls.a

$(OUT)/libmbedcrypto.a: $(call objs,$(crypto_srcs))
$(OUT)/libmbedx509.a: $(call objs,$(x509_srcs))
$(OUT)/libmbedtls.a: $(call objs,$(tls_srcs))

$(OUT)/%.a:
	@rm -f $@.tmp
	@$(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(OUT)/obj/%.o: $(SRC)/library/%.c
	@mkdir -p $(@D)
	@$(CC) $(C_STD) $(CFLAGS) $(MBED_CPPFLAGS) $(MBED_WARN) -c $< -o $@

.PHONY: all
.DELETE_ON_ERROR:
