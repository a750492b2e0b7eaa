/* mbedtls_validator_test — the mbedTLS 2.28 adapter (validators/mbedtls.c):
 * its verify-flag table (every flag, the priority order), its parse-error
 * mapping, and its verdicts on real chains built from catalogue scenarios
 * (certgen's recipe -> certificates -> case), including the case's clock
 * (expired, not yet valid, clock unset) that mbedTLS reads through the
 * platform time hook. Run from the repository root. */
#include <stdlib.h>
#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/platform_time.h>
#include <mbedtls/x509.h>

#include "build.h"
#include "chainfuzz/case.h"
#include "chainfuzz/validator.h"
#include "chainfuzz/verdict.h"
#include "keypool.h"
#include "recipe.h"
#include "scenario_verdict.h"
#include "tap.h"

static void test_flag_table(void) {
  size_t num;
  const struct cf_mbedtls_flag *t = cf_mbedtls_flag_table(&num);
  uint32_t seen = 0;
  int once = 1, not_none = 1, texts = 1;
  for (size_t i = 0; i < num; i++) {
    once &= (seen & t[i].flag) == 0 && t[i].flag != 0 &&
            (t[i].flag & (t[i].flag - 1)) == 0;
    seen |= t[i].flag;
    not_none &= t[i].reason != CF_REASON_NONE;
    texts &= t[i].text != NULL && t[i].text[0] != '\0';
  }
  /* x509.h defines the flags 0x01 .. 0x080000, one bit each. */
  tap_ok(seen == 0x0FFFFFu, "every MBEDTLS_X509_BADCERT_/BADCRL_ flag 0x01..0x080000 "
         "is in the table (missing: 0x%06x)", (unsigned)(0x0FFFFFu & ~seen));
  tap_ok(once, "each row is one flag, listed once");
  tap_ok(not_none, "no flag maps to NONE (that would read as accepted)");
  tap_ok(texts, "every row has a static name");

  static const struct {
    uint32_t flag;
    enum cf_reason want;
  } kExpect[] = {
      {MBEDTLS_X509_BADCERT_EXPIRED, CF_REASON_EXPIRED},
      {MBEDTLS_X509_BADCERT_FUTURE, CF_REASON_NOT_YET_VALID},
      {MBEDTLS_X509_BADCERT_NOT_TRUSTED, CF_REASON_UNTRUSTED},
      {MBEDTLS_X509_BADCERT_CN_MISMATCH, CF_REASON_NAME_MISMATCH},
      {MBEDTLS_X509_BADCERT_BAD_MD, CF_REASON_WEAK_ALGORITHM},
      {MBEDTLS_X509_BADCERT_BAD_PK, CF_REASON_WEAK_ALGORITHM},
      {MBEDTLS_X509_BADCERT_BAD_KEY, CF_REASON_WEAK_KEY},
      {MBEDTLS_X509_BADCERT_KEY_USAGE, CF_REASON_KEY_USAGE},
      {MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, CF_REASON_EKU},
      {MBEDTLS_X509_BADCERT_NS_CERT_TYPE, CF_REASON_EKU},
      {MBEDTLS_X509_BADCERT_SKIP_VERIFY, CF_REASON_UNTRUSTED},
      {MBEDTLS_X509_BADCERT_MISSING, CF_REASON_UNTRUSTED},
      {MBEDTLS_X509_BADCERT_OTHER, CF_REASON_OTHER},
      {MBEDTLS_X509_BADCERT_REVOKED, CF_REASON_OTHER},
      {MBEDTLS_X509_BADCRL_EXPIRED, CF_REASON_INTERNAL},
  };
  for (size_t i = 0; i < sizeof(kExpect) / sizeof(kExpect[0]); i++) {
    const struct cf_mbedtls_flag *row = cf_mbedtls_top_flag(kExpect[i].flag);
    tap_ok(row != NULL && row->reason == kExpect[i].want, "flag 0x%x (%s) -> %s",
           (unsigned)kExpect[i].flag, row != NULL ? row->text : "?",
           cf_reason_name(kExpect[i].want));
  }
  const struct cf_mbedtls_flag *row;
  row = cf_mbedtls_top_flag(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_NOT_TRUSTED |
                            MBEDTLS_X509_BADCERT_CN_MISMATCH);
  tap_ok(row != NULL && row->reason == CF_REASON_UNTRUSTED,
         "priority: NOT_TRUSTED beats EXPIRED and CN_MISMATCH");
  row = cf_mbedtls_top_flag(MBEDTLS_X509_BADCERT_CN_MISMATCH | MBEDTLS_X509_BADCERT_EXPIRED);
  tap_ok(row != NULL && row->reason == CF_REASON_EXPIRED, "priority: EXPIRED beats CN_MISMATCH");
  row = cf_mbedtls_top_flag(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_BAD_MD);
  tap_ok(row != NULL && row->reason == CF_REASON_WEAK_ALGORITHM,
         "priority: BAD_MD beats EXPIRED");
  tap_ok(cf_mbedtls_top_flag(0x100000) == NULL && cf_mbedtls_top_flag(0) == NULL,
         "an unknown flag or no flag has no row");
}

static void test_parse_reasons(void) {
  const char *text = NULL;
  tap_ok(cf_mbedtls_parse_reason(MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE, &text) ==
             CF_REASON_CRITICAL_EXTENSION && text != NULL,
         "X509_FEATURE_UNAVAILABLE -> CRITICAL_EXTENSION (%s)", text);
  tap_ok(cf_mbedtls_parse_reason(MBEDTLS_ERR_X509_INVALID_EXTENSIONS +
                                     MBEDTLS_ERR_ASN1_UNEXPECTED_TAG, &text) ==
             CF_REASON_CRITICAL_EXTENSION,
         "an unknown critical extension -> CRITICAL_EXTENSION");
  tap_ok(cf_mbedtls_parse_reason(MBEDTLS_ERR_X509_INVALID_DATE +
                                     MBEDTLS_ERR_ASN1_INVALID_LENGTH, &text) ==
             CF_REASON_PARSE && strcmp(text, "X509_INVALID_DATE") == 0,
         "X509_INVALID_DATE + an ASN.1 code -> PARSE, named by the X.509 part (%s)", text);
  tap_ok(cf_mbedtls_parse_reason(MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG, &text) ==
             CF_REASON_WEAK_ALGORITHM, "X509_UNKNOWN_SIG_ALG -> WEAK_ALGORITHM");
  tap_ok(cf_mbedtls_parse_reason(-0x0062, &text) == CF_REASON_PARSE,
         "a bare ASN.1 error -> PARSE");
}

static void test_junk(void) {
  static const uint8_t kJunk[] = {0x30, 0x03, 0x02, 0x01, 0x01};
  struct cf_case c;
  struct cf_verdict v;
  memset(&c, 0, sizeof(c));
  cf_profile_init(&c.profile);
  c.leaf.data = kJunk;
  c.leaf.len = sizeof(kJunk);
  cf_mbedtls_verify(&v, &c);
  tap_ok(v.decision == CF_REJECT && v.reason == CF_REASON_PARSE && v.native_code < 0,
         "a leaf that is not a certificate: REJECT PARSE (got %s %s %ld %s)",
         cf_decision_name(v.decision), cf_reason_name(v.reason), v.native_code,
         v.native_text);
  c.leaf.len = 0;
  cf_mbedtls_verify(&v, &c);
  tap_ok(v.decision == CF_REJECT && v.reason == CF_REASON_PARSE, "an empty leaf: REJECT PARSE");
}

/* scenario_verdict builds catalogue scenario |id| (its file under
 * certgen/scenarios) and runs mbedTLS on it; |mutate| may edit the case. */
static int scenario_verdict(struct cf_verdict *v, const struct cf_pool *pool,
                            const char *id, void (*mutate)(struct cf_case *)) {
  return cf_test_scenario_verdict(v, pool, id, cf_mbedtls_verify, mutate);
}

static void clock_2040(struct cf_case *c) {
  c->profile.clock = CF_CLOCK_SET;
  c->profile.time = INT64_C(2208988800); /* 2040-01-01 */
}

static void no_name(struct cf_case *c) { c->profile.name_type = CF_NAME_NONE; }

static void test_scenarios(void) {
  struct cf_pool pool;
  char err[256];
  static const struct {
    const char *id;
    void (*mutate)(struct cf_case *);
    enum cf_decision decision;
    enum cf_reason reason;
    const char *what;
  } kCases[] = {
      {"valid::p256::ica1", NULL, CF_ACCEPT, CF_REASON_NONE, "a valid P-256 chain"},
      {"valid::p256::ica1", clock_2040, CF_REJECT, CF_REASON_EXPIRED,
       "the same chain with the device clock in 2040 (the case's time is the clock)"},
      {"iot::expired-leaf", NULL, CF_REJECT, CF_REASON_EXPIRED, "an expired leaf"},
      {"iot::not-yet-valid-leaf", NULL, CF_REJECT, CF_REASON_NOT_YET_VALID,
       "a leaf not yet valid"},
      {"iot::clock-unset", NULL, CF_REJECT, CF_REASON_NOT_YET_VALID,
       "a device whose clock was never set (1970)"},
      {"iot::wrong-host", NULL, CF_REJECT, CF_REASON_NAME_MISMATCH, "the wrong host"},
      {"iot::wrong-host", no_name, CF_ACCEPT, CF_REASON_NONE,
       "the wrong host, no name configured: no check (2.28's insecure default, B17)"},
      {"iot::missing-intermediate", NULL, CF_REJECT, CF_REASON_UNTRUSTED,
       "a missing intermediate"},
      {"cve::cve-2002-0862-ee-signs-leaf", NULL, CF_REJECT, CF_REASON_UNTRUSTED,
       "a leaf used as an issuer (B01): not a parent, so NOT_TRUSTED"},
      {"iot::sha1-leaf", NULL, CF_REJECT, CF_REASON_WEAK_ALGORITHM,
       "a SHA-1-signed leaf (default profile: BAD_MD)"},
      {"iot::weak-key-rsa1024-leaf", NULL, CF_REJECT, CF_REASON_WEAK_KEY,
       "an RSA-1024 leaf (default profile: BAD_KEY)"},
      {"iot::depth-max-1-two-icas", NULL, CF_REJECT, CF_REASON_PATH_LENGTH,
       "two intermediates on a max-depth-1 device (adapter's depth check)"},
      {"iot::no-anchors", NULL, CF_REJECT, CF_REASON_UNTRUSTED, "a device with no anchors"},
  };
  if (!cf_pool_load(&pool, "certgen/keys", err, sizeof(err))) {
    tap_ok(0, "load the key pool: %s", err);
    return;
  }
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
    struct cf_verdict v;
    memset(&v, 0, sizeof(v));
    if (!scenario_verdict(&v, &pool, kCases[i].id, kCases[i].mutate)) {
      tap_ok(0, "%s: scenario %s builds", kCases[i].what, kCases[i].id);
      continue;
    }
    tap_ok(v.decision == kCases[i].decision && v.reason == kCases[i].reason,
           "%s (%s): %s %s (got %s %s, 0x%lx %s)", kCases[i].what, kCases[i].id,
           cf_decision_name(kCases[i].decision), cf_reason_name(kCases[i].reason),
           cf_decision_name(v.decision), cf_reason_name(v.reason), v.native_code,
           v.native_text);
  }
  cf_pool_free(&pool);
}

int main(void) {
  test_flag_table();
  test_parse_reasons();
  test_junk();
  test_scenarios();
  return tap_done();
}
