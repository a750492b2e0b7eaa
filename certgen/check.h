/* check.h — `certgen check`: every scenario of the catalogue through the
 * oracle and through a real validator, and whether they agree.
 *
 * For one scenario and each validator, check:
 *  1. parses the recipe and asks the oracle (oracle.h); the oracle must say
 *     what the scenario file says (`expect`), else the scenario or the oracle
 *     is wrong: CF_CHECK_ORACLE_MISMATCH;
 *  2. builds the certificates and the case (build.h), parses the case back
 *     and runs each validator on it (validator.h's registry);
 *  3. compares the validator's decision with the oracle's: ACCEPT/REJECT
 *     must match (EITHER takes both); a rejection under another reason is
 *     CF_CHECK_AGREE_OTHER_REASON (reported, not a failure: a chain with
 *     one defect can fail several checks in a library's order);
 *  4. a decision that differs is CF_CHECK_DIVERGENCE if the divergence file
 *     lists (scenario, validator, decision) with a reason why, else
 *     CF_CHECK_DISAGREE. A listed divergence that no longer happens is
 *     CF_CHECK_STALE, a failure too: the file must say what is true today.
 *
 * Divergence file (certgen/divergences.tsv): one line per reviewed
 * divergence, tab-separated:  SCENARIO-ID  VALIDATOR  DECISION  REASON  WHY
 * DECISION is what the validator gives (ACCEPT or REJECT), REASON its
 * taxonomy reason or "-", WHY the finding or the policy difference with the
 * rule it is measured against. '#' lines are comments. */
#ifndef CHAINFUZZ_CERTGEN_CHECK_H
#define CHAINFUZZ_CERTGEN_CHECK_H

#include <stddef.h>

#include "chainfuzz/validator.h"
#include "chainfuzz/verdict.h"
#include "keypool.h"
#include "oracle.h"
#include "recipe.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CF_DIVERGENCES_FILE "certgen/divergences.tsv"

enum cf_check_status {
  CF_CHECK_AGREE = 0,
  CF_CHECK_AGREE_OTHER_REASON,
  CF_CHECK_DIVERGENCE,       /* listed in the divergence file */
  CF_CHECK_DISAGREE,         /* failure */
  CF_CHECK_STALE,            /* failure: listed but agrees now */
  CF_CHECK_ORACLE_MISMATCH,  /* failure: oracle != scenario's expect */
  CF_CHECK_ERROR,            /* failure: cannot parse or build */
};

/* cf_check_status_name returns "agree", "agree-other-reason", ... */
const char *cf_check_status_name(enum cf_check_status s);

/* cf_check_failed says whether |s| makes `certgen check` fail. */
int cf_check_failed(enum cf_check_status s);

struct cf_divergence {
  char id[CF_RECIPE_MAX_ID + 1];
  char validator[32];
  enum cf_decision decision;
  int reason; /* enum cf_reason, or -1 for "-" (any) */
  char why[512];
  unsigned line;
  int used;
};

struct cf_divergences {
  struct cf_divergence *items;
  size_t num;
};

/* cf_divergences_load reads |path|. A missing file is an empty list. It
 * returns 1, or 0 with "FILE:LINE: message" in |err|. */
int cf_divergences_load(struct cf_divergences *out, const char *path,
                        char *err, size_t err_len);
void cf_divergences_free(struct cf_divergences *d);

/* cf_check_result is the outcome for one scenario. */
struct cf_check_result {
  enum cf_check_status status;
  struct cf_oracle_result oracle;
  struct cf_verdict verdict;      /* the validator's */
  const struct cf_divergence *divergence; /* when status is DIVERGENCE */
  char msg[512];                  /* for ERROR and ORACLE_MISMATCH */
};

/* cf_check_one checks the parsed recipe |r| with each validator of |vals|
 * (|num_vals| of them; see cf_validators() in chainfuzz/validator.h): the
 * certificates, the oracle's judgement and the case are made once, then
 * every validator runs on the same case. |out| has |num_vals| entries, in
 * the order of |vals|. When the scenario cannot be built or its `expect` is
 * not the oracle's, every entry carries that ERROR or ORACLE_MISMATCH.
 * |divs| may be NULL. Marks the matching divergences used. */
void cf_check_one(struct cf_check_result *out, const struct cf_recipe *r,
                  const struct cf_pool *pool, const struct cf_validator *vals,
                  size_t num_vals, struct cf_divergences *divs);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_CHECK_H */
