/* oracle.h — the spec oracle: what a correct device must decide for a
 * recipe (recipe.h), and why.
 *
 * The oracle reasons on the recipe (it knows what certgen built: keys,
 * signers, defects), not on parsed DER. It answers ACCEPT, REJECT with a
 * reason from the taxonomy (verdict.h), or EITHER where RFC 5280, RFC 6125
 * and the CA/B Baseline Requirements leave the decision to the
 * implementation. Every answer names the rule that produced it; the rules
 * are listed, with their RFC sections, in docs/oracle.md and in
 * cf_oracle_rules(), and each has a unit test (certgen/oracle_test.c).
 *
 * Method (RFC 5280 6.1, with path building as RFC 4158 describes it):
 *  1. Every certificate the server sends must decode (a deliberate encoding
 *     defect → PARSE), and the chain as sent must fit max-chain-bytes.
 *  2. Candidate paths: leaf = chain[0], then certificates from the rest of
 *     the chain and the anchors, each the issuer of the one before by name
 *     (its subject matches the issuer DN, RFC 5280 7.1), no certificate
 *     twice, ending at a trust anchor (as in RFC 5280 6.1.1 (d): the
 *     anchor's name and key; it is not itself validated).
 *  3. Each path is checked (how it links, the device's depth limit, key
 *     decoding, signatures, validity at the device's time,
 *     basicConstraints/version for every issuer, pathLen, keyUsage, name
 *     constraints, policies, critical extensions, EKU for the purpose,
 *     algorithms and key sizes of the device, the leaf's name). When
 *     several checks fail, the failure on the certificate closest to the
 *     anchor decides (RFC 5280 6.1 order), then the order above.
 *  4. ACCEPT if some path passes every check; EITHER if some path only
 *     fails implementation-defined rules; otherwise REJECT with the
 *     deciding rule of the best path (the one that got furthest through
 *     the checks, then the longest; UNTRUSTED when none reaches an
 *     anchor). */
#ifndef CHAINFUZZ_CERTGEN_ORACLE_H
#define CHAINFUZZ_CERTGEN_ORACLE_H

#include <stddef.h>

#include "build.h"
#include "recipe.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cf_oracle_rule is one row of the rule table. */
struct cf_oracle_rule {
  const char *id;        /* "validity.expired", stable: reports use it */
  enum cf_expect_kind kind; /* REJECT or EITHER (ACCEPT rules: none) */
  enum cf_reason reason;
  const char *cite;      /* "RFC 5280 6.1.3 (a)(2)" */
  const char *text;      /* one line: what the rule says */
};

/* cf_oracle_rules returns the rule table and its length in |*out_num|. */
const struct cf_oracle_rule *cf_oracle_rules(size_t *out_num);

#define CF_ORACLE_FEATURE_LEN 32

/* cf_oracle_result is the oracle's answer. */
struct cf_oracle_result {
  enum cf_expect_kind expect;
  enum cf_reason reason;   /* CF_REASON_NONE for ACCEPT */
  const char *rule;        /* rule id; "accept" for ACCEPT */
  char detail[256];        /* which certificate and what, for people */
  /* feature: what the certificate or name behind the deciding rule has
   * that libraries are known to handle their own way, for the rules where
   * one reviewed difference must not cover the whole rule (known_rules.h):
   * name.dns-mismatch: "wildcard" (a dNSName SAN holds a '*'), "cn" (the
   * CN spells the name but may not be used), "other-type" (a URI or
   * rfc822Name SAN spells the name); name.ip-mismatch: "as-text"
   * (the address's text matches a dNSName or the CN); name constraints:
   * the name form ("dns", "cn", "ip", "email", "uri", "dn"), then
   * "+wildcard" (a wildcard covering the subtree), "+suffix" (the name
   * ends with a permitted dNSName off a label boundary), "+inherited" (the
   * constraint is a CA's above the certificate's issuer) and
   * "+noncritical"; parse.duplicate-extension: the extension
   * ("basic-constraints", "policies", ..., or the OID); parse rules:
   * "unused", alone or after "+" (the certificate is sent but neither the
   * leaf nor one that signed it up to an anchor: no path can use it).
   * "" for every other rule, and when none applies. A feature is a set of
   * its '+'-separated parts: a reviewed entry covers every feature that
   * has all of its parts (cf_known_rule_find). */
  char feature[CF_ORACLE_FEATURE_LEN];
};

/* cf_oracle_judge judges |r|. |b| (may be NULL) gives the DER sizes for the
 * max-chain-bytes rule; without it that rule is skipped. Returns 1, or 0 if
 * |r| is inconsistent (a chain or anchor index out of range). */
int cf_oracle_judge(struct cf_oracle_result *out, const struct cf_recipe *r,
                    const struct cf_built *b);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_ORACLE_H */
