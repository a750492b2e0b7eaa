# mk/wolfssl.mk — builds wolfSSL 5.5's libwolfssl.a from wolfcrypt/src/*.c
# and src/*.c, out of tree, without autotools: the configuration is our own
# mk/wolfssl/user_settings.h (WOLFSSL_USER_SETTINGS), Debian's options as far
# as certificate verification goes. Called by build.sh, never by hand:
#
#   make -f mk/wolfssl.mk SRC=<wolfssl tree> OUT=<dir> CC=.. CFLAGS=..
#
# CFLAGS carries the flavor's flags plus build.sh's WOLFSSL_DEFS
# (-DWOLFSSL_USER_SETTINGS -DHAVE___UINT128_T=1 ...), which every file of
# ours that includes a wolfSSL header is compiled with too. Files that
# another file includes (evp.c, misc.c, src/x509.c, ...) compile to empty
# objects: wolfSSL guards them. Objects go under $(OUT)/obj.

ifndef SRC
$(error SRC is not set: pass SRC=<wolfssl source tree>)
endif
ifndef OUT
$(error OUT is not set: pass OUT=<output directory>)
endif

SETTINGS_DIR := $(dir $(lastword $(MAKEFILE_LIST)))wolfssl/
crypt_srcs := $(notdir $(wildcard $(SRC)/wolfcrypt/src/*.c))
ssl_srcs := $(notdir $(wildcard $(SRC)/src/*.c))

WOLF_CPPFLAGS := -I$(SETTINGS_DIR) -I$(SRC)
WOLF_WARN := -w
C_STD := -std=gnu99

objs = $(patsubst %.c,$(OUT)/obj/$(2)/%.o,$(1))

all: $(OUT)/libwolfssl.a

$(OUT)/libwolfssl.a: $(call objs,$(crypt_srcs),wolfcrypt) $(call objs,$(ssl_srcs),ssl)
	@rm -f $@.tmp
	@$(AR) rcs $@.tmp $^ && mv -f $@.tmp $@

$(OUT)/obj/wolfcrypt/%.o: $(SRC)/wolfcrypt/src/%.c $(SETTINGS_DIR)user_settings.h
	@mkdir -p $(@D)
	@$(CC) $(C_STD) $(CFLAGS) $(WOLF_CPPFLAGS) $(WOLF_WARN) -c $< -o $@

$(OUT)/obj/ssl/%.o: $(SRC)/src/%.c $(SETTINGS_DIR)user_settings.h
	@mkdir -p $(@D)
	@$(CC) $(C_STD) $(CFLAGS) $(WOLF_CPPFLAGS) $(WOLF_WARN) -c $< -o $@

.PHONY: all
.DELETE_ON_ERROR:
