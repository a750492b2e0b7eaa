/* recipe_mutator.h — a structure-aware mutator for the recipe-bytes targets
 * (chain_oracle_<validator>: the input is a recipe, recipe_bytes.h), for
 * libFuzzer (LLVMFuzzerCustomMutator, LLVMFuzzerCustomCrossOver).
 *
 * Why: byte-level mutation with the dictionary (chain_oracle.dict) finds a
 * one-field defect from an empty corpus quickly, but shapes that need
 * several records in one order (an intermediate that is no CA between a
 * root and a leaf; a pathLen-0 intermediate above another intermediate)
 * were not reached in 300 s (BENCHMARKS.md, issue 13). This mutator edits
 * the recipe itself, as a person would edit a scenario:
 *
 *  - the chain: an intermediate inserted between a certificate and its
 *    issuer (the chain as sent grows with it; one in four is no CA, one
 *    in eight is a pair, the upper one with pathLen 0, one in four is
 *    self-issued, a key rollover under its issuer's name), a certificate dropped (what
 *    it issued goes to its issuer), a certificate added to or removed from
 *    the trust store or the chain as sent;
 *  - one certificate's basicConstraints (cA, pathLen 0-2, absent,
 *    critical; or a CA above the leaf given the pathLen of the
 *    intermediates below it, or one fewer), keyUsage (keyCertSign,
 *    digitalSignature, absent), extendedKeyUsage (serverAuth, clientAuth,
 *    any, codeSigning, absent) or validity (just expired, not yet valid,
 *    the boundaries, the 2049/2050 switch, back to the template's);
 *  - the device: its purpose, or its expected name (a DNS name of the
 *    leaf, a near miss of the current one, none; a name at the length
 *    limits, cf_rb_long_name, with the leaf's SAN the same, a wildcard, a
 *    case or trailing-dot variant or a near miss past byte 64; or the
 *    leaf's SAN made a wildcard for it, or eight names).
 *
 * The recipe is decoded (cf_recipe_from_bytes), changed, and encoded again
 * (cf_recipe_to_bytes, which is exact or refuses): so the output is the
 * canonical encoding of the changed recipe, and every output is a recipe
 * certgen builds and signs honestly. A change the encoding cannot express,
 * or an output longer than |max_size|, is dropped and another tried; when
 * none fits the input comes back unchanged (CF_RMUT_NONE). Deterministic:
 * the same (data, size, max_size, seed) gives the same bytes. Not
 * thread-safe (a static recipe of about 2 MB). */
#ifndef CHAINFUZZ_CERTGEN_RECIPE_MUTATOR_H
#define CHAINFUZZ_CERTGEN_RECIPE_MUTATOR_H

#include <stddef.h>
#include <stdint.h>

#include "case_mutator.h" /* mutation records (issue 18), shared */

#ifdef __cplusplus
extern "C" {
#endif

/* cf_rmut_kind is what one mutation did. */
enum cf_rmut_kind {
  CF_RMUT_INSERT_ICA = 0, /* an intermediate between a cert and its issuer */
  CF_RMUT_DROP_CERT,      /* a cert removed; its children go to its issuer */
  CF_RMUT_ANCHORS,        /* a cert added to or removed from the trust store */
  CF_RMUT_CHAIN,          /* a cert added to or removed from the chain sent */
  CF_RMUT_BASIC_CONSTRAINTS,
  CF_RMUT_KEY_USAGE,
  CF_RMUT_EKU,
  CF_RMUT_VALIDITY,
  CF_RMUT_PURPOSE, /* the device's */
  CF_RMUT_NAME,    /* the device's expected name, or the leaf's SAN for it */
  CF_RMUT_POLICY,  /* certificate policies, mappings and their constraints */
  CF_RMUT_NONE,    /* the input came back unchanged */
  CF_RMUT_KIND_COUNT
};

/* cf_rmut_kind_name returns the short name of |kind| ("insert-ica", ...). */
const char *cf_rmut_kind_name(enum cf_rmut_kind kind);

/* cf_rmutation says what one call of cf_recipe_mutate_ex did, for tests:
 * |kind|, and |cert|, the index in the output recipe of the certificate it
 * changed or added (-1 for a device change and CF_RMUT_NONE). */
struct cf_rmutation {
  enum cf_rmut_kind kind;
  int cert;
};

/* cf_recipe_mutate mutates the recipe bytes in |data| (|size| bytes, room
 * for |max_size|) in place and returns the new size (see above). */
size_t cf_recipe_mutate(uint8_t *data, size_t size, size_t max_size,
                        unsigned int seed);

/* cf_recipe_mutate_ex is cf_recipe_mutate that also says what it did in
 * |*out| (may be NULL). */
size_t cf_recipe_mutate_ex(struct cf_rmutation *out, uint8_t *data,
                           size_t size, size_t max_size, unsigned int seed);

/* cf_recipe_crossover writes into |out| (room for |max_out_size|) the
 * records of |data1| up to a record boundary followed by the records of
 * |data2| from a record boundary (recipe_bytes.h: TAG LEN BODY), so that
 * whole certificate blocks and device records move between inputs. It
 * returns the output size (0 when nothing fits). */
size_t cf_recipe_crossover(const uint8_t *data1, size_t size1,
                           const uint8_t *data2, size_t size2, uint8_t *out,
                           size_t max_out_size, unsigned int seed);

/* CF_RECIPE_STRUCTURAL_ONE_IN: the libFuzzer hook makes a structural
 * mutation on one call in this many and hands the others to libFuzzer's
 * LLVMFuzzerMutate (byte-level, with the target's dictionary). A
 * structural call costs a decode and an encode, no signature: far less
 * than the run it feeds. */
#ifndef CF_RECIPE_STRUCTURAL_ONE_IN
#define CF_RECIPE_STRUCTURAL_ONE_IN 2
#endif

/* CF_RECIPE_CUSTOM_MUTATOR() opts a recipe-bytes target into this mutator,
 * once, at file scope. It defines LLVMFuzzerCustomMutator and
 * LLVMFuzzerCustomCrossOver; each structural call and each crossover
 * leaves a mutation record while it runs (case_mutator.h: the same format
 * and files), so the target's LLVMFuzzerTestOneInput starts with
 * CF_CASE_MUTATION_REPLAY(data, size), which replays a record through
 * these hooks. In the afl and replay flavors the hooks are linked but
 * never called; LLVMFuzzerMutate is weak so those flavors link without
 * it. */
#define CF_RECIPE_CUSTOM_MUTATOR()                                            \
  CF_MUTATOR_HOOKS(CF_RECIPE_STRUCTURAL_ONE_IN,                               \
                   cf_recipe_mutate(data, size, max_size, seed),              \
                   cf_recipe_crossover(data1, size1, data2, size2, out,       \
                                       max_out_size, seed))

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_RECIPE_MUTATOR_H */
