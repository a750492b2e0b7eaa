/* recipe_bytes.h — a compact binary encoding of certgen recipes (recipe.h):
 * the input of the structure-aware chain_oracle_<validator> targets, where
 * a fuzzer's bytes decode to a recipe (which certificates, fields,
 * extensions and defects) that certgen then signs honestly and the oracle
 * (oracle.h) judges. docs/recipes.md ("The binary encoding") is the user
 * documentation; this comment is the layout the code implements.
 *
 * Decoding is TOTAL: every byte string, the empty one included, decodes to
 * a recipe that cf_build_certs builds and cf_oracle_judge judges. Values
 * out of range are reduced (mod, or to the nearest legal form), never
 * rejected. A value cut short by the end of its record reads zero bytes
 * when its size is fixed and is shorter when it has a length byte.
 *
 * Layout, version 1:
 *
 *   input  = record*
 *   record = TAG LEN BODY      BODY = the next LEN bytes (fewer at the end)
 *   TAG % 4: 0 CERT     starts a cert block: KIND KEY ISSUER then fields
 *            1 MORE     more fields for the last cert block
 *            2 DEVICE   device fields
 *            3 NOP      ignored
 *   field  = ID VALUE          ID % (number of field kinds); VALUE's size
 *                              depends on the kind (recipe_bytes.c)
 *
 * CERT records past CF_RB_MAX_CERTS are ignored (and the MORE records after
 * them). No CERT record at all: a P-256 root and a leaf it issues. Cert i
 * is named "<template><i>" (root0, ica1, leaf2, bare3) in a recipe whose id
 * is CF_RB_RECIPE_ID, so template defaults and default serials are a
 * function of the bytes. Issuer, chain and anchor indices are taken mod the
 * number of certs. Without a CHAIN field the chain is the last cert and its
 * issuers up to a self-issued one; without an ANCHORS field the anchors are
 * the self-issued certs (or the top of that walk). */
#ifndef CHAINFUZZ_CERTGEN_RECIPE_BYTES_H
#define CHAINFUZZ_CERTGEN_RECIPE_BYTES_H

#include <stddef.h>
#include <stdint.h>

#include "recipe.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CF_RB_MAX_CERTS bounds the cert blocks of a decoded recipe (every block
 * is built, so this bounds the cost of one input). */
#define CF_RB_MAX_CERTS 6
/* CF_RB_MAX_CHAIN bounds the chain as sent (leaf + intermediates) and
 * CF_RB_MAX_ANCHORS the trust store. */
#define CF_RB_MAX_CHAIN 6
#define CF_RB_MAX_ANCHORS 6
/* CF_RB_MAX_PAD bounds `pad` (bytes). */
#define CF_RB_MAX_PAD 65535
/* CF_RB_RECIPE_ID is the id of every decoded recipe. */
#define CF_RB_RECIPE_ID "fuzz::recipe-bytes"

/* Record kinds (TAG % 4). */
enum cf_rb_record {
  CF_RB_REC_CERT = 0,
  CF_RB_REC_MORE = 1,
  CF_RB_REC_DEVICE = 2,
  CF_RB_REC_NOP = 3,
};

/* cf_recipe_from_bytes decodes |in_len| bytes at |in| (NULL when |in_len| is
 * 0) into |*out|. It always succeeds and returns 1: see the reductions
 * above. Cert blocks past out->num_certs are left as they were (clearing
 * all 24 would cost more than the decoding). Not thread-safe: the first
 * call fills a few static caches. */
int cf_recipe_from_bytes(struct cf_recipe *out, const uint8_t *in,
                         size_t in_len);

/* cf_recipe_to_bytes encodes |r| into a malloc'd buffer |*out| of
 * |*out_len| bytes such that cf_recipe_from_bytes gives back a recipe
 * cf_recipe_same_model calls the same (so it builds the same certificates
 * and the oracle judges it the same way). It returns 1 on success; 0, with
 * |*out| NULL, when the encoding cannot express |r| exactly (too many certs,
 * a value longer than a record, a form the decoder reduces) or on
 * allocation failure. Not thread-safe (it keeps a decoding buffer). */
int cf_recipe_to_bytes(uint8_t **out, size_t *out_len,
                       const struct cf_recipe *r);

/* cf_recipe_to_bytes_why is cf_recipe_to_bytes that, when it returns 0,
 * writes why to |why| (if not NULL). */
int cf_recipe_to_bytes_why(uint8_t **out, size_t *out_len,
                           const struct cf_recipe *r, char *why,
                           size_t why_len);

/* cf_recipe_same_model reports whether |a| and |b| have the same certs and
 * device in every field the builder or the oracle reads: header text, cert
 * names and line numbers are ignored, a default serial is compared as the
 * bytes the builder derives for it, fields of an absent extension and the
 * parsed value of a raw time are ignored. If |why| is not NULL, a short
 * description of the first difference is written there. */
int cf_recipe_same_model(const struct cf_recipe *a, const struct cf_recipe *b,
                         char *why, size_t why_len);

/* cf_rb_cert_name writes the name cert |idx| of template |tpl| has in a
 * decoded recipe ("ica1"): the name its default serial and, for the root
 * and ica templates, its default subject come from. */
void cf_rb_cert_name(char out[CF_RECIPE_MAX_CERT_NAME + 1],
                     enum cf_template tpl, size_t idx);

/* cf_rb_long_name writes the long host name of code |k| (0..125) into
 * |out| (capacity |cap|) and returns its length: the name STR 0xff
 * (130 + k) decodes to. The shape is k % 6: a 63-byte label (the DNS
 * maximum), a 64-byte one (one over), 253 bytes (the longest name), 254
 * (one over), 65 bytes (just over the 64 of ub-common-name and of fixed
 * buffers), 121 one-letter labels (253 bytes); each under example.com.
 * The variant (k / 6) % 4: as is, under a "*." wildcard, upper case, with
 * a trailing dot. The same code gives the same name, so a SAN and the
 * device's name can match. */
#define CF_RB_LONG_NAMES 126
size_t cf_rb_long_name(uint8_t *out, size_t cap, unsigned k);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_RECIPE_BYTES_H */
