/* validator_test — the validator registry (lib/validator.c) and the
 * BoringSSL adapter (validators/boringssl.c): its
 * native-code table and the verdicts it gives on inputs that need no
 * certificate generator. Real chains with known verdicts are checked by
 * certgen's seedgen_test. */
#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>

#include "chainfuzz/case.h"
#include "chainfuzz/validator.h"
#include "chainfuzz/verdict.h"
#include "tap.h"

static void test_reason_table(void) {
  static const struct {
    long code;
    enum cf_reason want;
  } kExpect[] = {
      {X509_V_ERR_CERT_HAS_EXPIRED, CF_REASON_EXPIRED},
      {X509_V_ERR_CERT_NOT_YET_VALID, CF_REASON_NOT_YET_VALID},
      {X509_V_ERR_CERT_SIGNATURE_FAILURE, CF_REASON_SIGNATURE},
      {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, CF_REASON_UNTRUSTED},
      {X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, CF_REASON_UNTRUSTED},
      {X509_V_ERR_INVALID_CA, CF_REASON_NOT_CA},
      {X509_V_ERR_PATH_LENGTH_EXCEEDED, CF_REASON_PATH_LENGTH},
      {X509_V_ERR_CERT_CHAIN_TOO_LONG, CF_REASON_PATH_LENGTH},
      {X509_V_ERR_HOSTNAME_MISMATCH, CF_REASON_NAME_MISMATCH},
      {X509_V_ERR_IP_ADDRESS_MISMATCH, CF_REASON_NAME_MISMATCH},
      {X509_V_ERR_EXCLUDED_VIOLATION, CF_REASON_NAME_CONSTRAINTS},
      {X509_V_ERR_PERMITTED_VIOLATION, CF_REASON_NAME_CONSTRAINTS},
      {X509_V_ERR_INVALID_PURPOSE, CF_REASON_EKU},
      {X509_V_ERR_KEYUSAGE_NO_CERTSIGN, CF_REASON_KEY_USAGE},
      {X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION, CF_REASON_CRITICAL_EXTENSION},
      {X509_V_ERR_NO_EXPLICIT_POLICY, CF_REASON_POLICY},
      {X509_V_ERR_OUT_OF_MEM, CF_REASON_INTERNAL},
  };
  for (size_t i = 0; i < sizeof(kExpect) / sizeof(kExpect[0]); i++) {
    enum cf_reason got = cf_boringssl_reason(kExpect[i].code);
    tap_ok(got == kExpect[i].want, "X509_V_ERR %ld (%s) -> %s (got %s)",
           kExpect[i].code, X509_verify_cert_error_string(kExpect[i].code),
           cf_reason_name(kExpect[i].want), cf_reason_name(got));
  }
  int none_is_none = 1;
  for (long code = 1; code <= X509_V_ERR_NAME_CONSTRAINTS_WITHOUT_SANS; code++) {
    none_is_none &= cf_boringssl_reason(code) != CF_REASON_NONE;
  }
  tap_ok(none_is_none, "no error code maps to NONE (that would read as accepted)");
  tap_ok(cf_boringssl_reason(99999) == CF_REASON_OTHER,
         "an unknown code maps to OTHER");
}

static void test_reason_names(void) {
  int ok = 1;
  for (int r = 0; r < CF_REASON_COUNT; r++) {
    ok &= cf_reason_from_name(cf_reason_name((enum cf_reason)r)) == r;
  }
  tap_ok(ok, "every reason's name maps back to it");
  tap_ok(cf_reason_from_name("NOPE") == -1, "an unknown name is -1");
  tap_ok(strcmp(cf_reason_name((enum cf_reason)CF_REASON_COUNT), "UNKNOWN") == 0,
         "an out-of-range reason prints UNKNOWN");
}

static void verdict_of(struct cf_verdict *v, const uint8_t *leaf, size_t len) {
  struct cf_case c;
  memset(&c, 0, sizeof(c));
  cf_profile_init(&c.profile);
  c.leaf.data = leaf;
  c.leaf.len = len;
  cf_boringssl_verify(v, &c);
}

static void test_parse_verdicts(void) {
  struct cf_verdict v;
  static const uint8_t kJunk[] = {0x30, 0x03, 0x02, 0x01, 0x01};
  verdict_of(&v, kJunk, sizeof(kJunk));
  tap_ok(v.decision == CF_REJECT && v.reason == CF_REASON_PARSE,
         "a leaf that is not a certificate: REJECT PARSE (got %s %s)",
         cf_decision_name(v.decision), cf_reason_name(v.reason));
  verdict_of(&v, kJunk, 0);
  tap_ok(v.decision == CF_REJECT && v.reason == CF_REASON_PARSE,
         "an empty leaf: REJECT PARSE");
}

static void test_registry(void) {
  size_t num = 0;
  const struct cf_validator *all = cf_validators(&num);
  int named = 1;
  for (size_t i = 0; i < num; i++) {
    named &= all[i].name != NULL && all[i].verify != NULL &&
             cf_validator_find(all[i].name) == &all[i];
  }
  tap_ok(num >= 2 && strcmp(all[0].name, "boringssl") == 0 &&
             all[0].verify == cf_boringssl_verify,
         "the registry starts with boringssl (%zu validators)", num);
  tap_ok(cf_validator_find("mbedtls") != NULL &&
             cf_validator_find("mbedtls")->verify == cf_mbedtls_verify,
         "mbedtls is registered");
  tap_ok(named, "every validator has a name and a function, and is found by it");
  tap_ok(cf_validator_find("nope") == NULL, "an unknown name finds nothing");
}

/* A case from chain_oracle_boringssl's hour run (issue 13, second round):
 * a pinned leaf with an empty subject under partial-chain, whose issuer's
 * issuer name is empty too. The snapshot's chain builder loops through
 * the names up to the depth limit (a chain of 31 certificates, longer
 * than CF_MAX_PATH); the adapter reported ERROR INTERNAL ("accepted path
 * holds a certificate that is not in the case") until it named the
 * pinned leaf first. Run from the repository root. */
static void test_names_loop(void) {
  static uint8_t buf[1 << 16];
  struct cf_case c;
  struct cf_verdict v;
  FILE *f = fopen("tests/cases/boringssl-pinned-leaf-names-loop.case", "rb");
  size_t len = f != NULL ? fread(buf, 1, sizeof(buf), f) : 0;
  if (f != NULL) {
    fclose(f);
  }
  int parsed = len > 0 && cf_case_parse(&c, NULL, buf, len) == CF_CASE_OK;
  tap_ok(parsed, "the names-loop case parses (%zu bytes)", len);
  if (!parsed) {
    return;
  }
  cf_boringssl_verify(&v, &c);
  tap_ok(v.decision == CF_ACCEPT && v.path_len == 1 &&
             v.path[0].role == CF_ROLE_LEAF,
         "pinned leaf in a names loop: ACCEPT, path = the leaf (got %s %s, "
         "path of %zu: %s)",
         cf_decision_name(v.decision), cf_reason_name(v.reason),
         (size_t)v.path_len, v.native_text != NULL ? v.native_text : "");
}

int main(void) {
  test_registry();
  test_reason_table();
  test_reason_names();
  test_parse_verdicts();
  test_names_loop();
  return tap_done();
}
