/* seeds.h — the named seed scenarios of the first fuzz targets.
 *
 * A scenario is one chain (trust anchors, leaf, intermediates in sending
 * order), one device profile (clock, expected DNS name or IP, purpose, max
 * depth, flags) and the verdict a correct validator (RFC 5280 path
 * validation, RFC 6125 name checks) must give: the spec oracle in its
 * smallest form. cf_seed_build turns scenario |i| into a case
 * (include/chainfuzz/case.h) labelled "seed::<name>".
 *
 * Scenarios live in one table in seeds.c; adding one is adding a row. */
#ifndef CHAINFUZZ_CERTGEN_SEEDS_H
#define CHAINFUZZ_CERTGEN_SEEDS_H

#include <stddef.h>
#include <stdint.h>

#include "certgen.h"
#include "chainfuzz/profile.h"
#include "chainfuzz/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CF_SEED_LABEL_PREFIX "seed::"

/* cf_seed_expect is what a correct validator decides for a scenario, and the
 * names its leaf must and must not match (for the hostname target). */
struct cf_seed_expect {
  enum cf_decision decision;
  enum cf_reason reason; /* CF_REASON_NONE when decision is CF_ACCEPT */
  const char *bug;       /* id in shared/bug-classes.md ("B01"), or "" */
  const char *what;      /* one line: what the scenario is about */
  /* A name the leaf's first SAN matches (IPs as text) and a near miss it
   * must not match. Filled by cf_seed_build only. */
  char leaf_match[CF_MAX_DNS_NAME_LEN + 1];
  char leaf_mismatch[CF_MAX_DNS_NAME_LEN + 1];
};

/* cf_seed_count returns the number of scenarios. */
size_t cf_seed_count(void);

/* cf_seed_name returns the name of scenario |i| ("valid-rsa", ...) or NULL
 * if |i| is out of range. Names are stable: corpora and reports use them. */
const char *cf_seed_name(size_t i);

/* cf_seed_get_expect fills |out| (without the leaf names) for scenario |i|,
 * without building anything. It returns 0 if |i| is out of range. */
int cf_seed_get_expect(struct cf_seed_expect *out, size_t i);

/* cf_seed_build builds scenario |i| with the keys of |keys|. It returns 1,
 * the serialized case in |*out_case| (free with free()) and |*out_len|, and
 * fills |*out_expect|; it returns 0 on error (|i| out of range, a key the
 * builder cannot sign with, allocation failure). The output is a function
 * of |i| and the keys only (see certgen.h on determinism). */
int cf_seed_build(uint8_t **out_case, size_t *out_len,
                  struct cf_seed_expect *out_expect, size_t i,
                  const struct cf_keys *keys);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_SEEDS_H */
