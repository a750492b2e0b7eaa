/* openssl_validator_test — the OpenSSL 3.0 adapter (validators/openssl.c):
 * its X509_V_ERR_* table, its verdicts on real chains built from catalogue
 * scenarios (certgen's recipe -> certificates -> case), and the isolation
 * of the two OpenSSL-API libraries linked into one process: the adapter
 * calls OpenSSL 3.0 (symbols renamed ossl3_* by mk/openssl.mk) while this
 * file, compiled against BoringSSL's headers, calls BoringSSL under the
 * very same names. Run from the repository root. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "build.h"
#include "chainfuzz/case.h"
#include "chainfuzz/validator.h"
#include "chainfuzz/verdict.h"
#include "keypool.h"
#include "recipe.h"
#include "scenario_verdict.h"
#include "tap.h"

/* row_named returns the table row for the X509_V_ERR_ |name|, or NULL. */
static const struct cf_openssl_code *row_named(const char *name) {
  size_t num;
  const struct cf_openssl_code *t = cf_openssl_code_table(&num);
  for (size_t i = 0; i < num; i++) {
    if (strcmp(t[i].name, name) == 0) {
      return &t[i];
    }
  }
  return NULL;
}

static void test_code_table(void) {
  size_t num;
  const struct cf_openssl_code *t = cf_openssl_code_table(&num);
  int unique = 1, not_none = 1, named = 1, consistent = 1;
  for (size_t i = 0; i < num; i++) {
    for (size_t j = 0; j < i; j++) {
      unique &= t[i].code != t[j].code && strcmp(t[i].name, t[j].name) != 0;
    }
    not_none &= t[i].reason != CF_REASON_NONE;
    named &= strncmp(t[i].name, "X509_V_ERR_", 11) == 0;
    consistent &= cf_openssl_reason(t[i].code) == t[i].reason;
  }
  /* OpenSSL 3.0's x509_vfy.h defines X509_V_ERR_ codes 1..94
   * (tests/openssl_symbols_test.sh checks the names against the header). */
  tap_ok(num == 94, "the table has the 94 X509_V_ERR_ codes of OpenSSL 3.0 (got %zu)", num);
  tap_ok(unique, "each code and each name is listed once");
  tap_ok(not_none, "no code maps to NONE (that would read as accepted)");
  tap_ok(named, "every row is named X509_V_ERR_*");
  tap_ok(consistent, "cf_openssl_reason agrees with every row");
  tap_ok(cf_openssl_reason(0) == CF_REASON_OTHER && cf_openssl_reason(9999) == CF_REASON_OTHER,
         "X509_V_OK and an unknown code have no row (OTHER)");

  static const struct {
    const char *name;
    long code; /* OpenSSL 3.0's value */
    enum cf_reason want;
  } kExpect[] = {
      {"X509_V_ERR_CERT_HAS_EXPIRED", 10, CF_REASON_EXPIRED},
      {"X509_V_ERR_CERT_NOT_YET_VALID", 9, CF_REASON_NOT_YET_VALID},
      {"X509_V_ERR_CERT_SIGNATURE_FAILURE", 7, CF_REASON_SIGNATURE},
      {"X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY", 20, CF_REASON_UNTRUSTED},
      {"X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT", 18, CF_REASON_UNTRUSTED},
      {"X509_V_ERR_INVALID_CA", 79, CF_REASON_NOT_CA},
      {"X509_V_ERR_PATH_LENGTH_EXCEEDED", 25, CF_REASON_PATH_LENGTH},
      {"X509_V_ERR_CERT_CHAIN_TOO_LONG", 22, CF_REASON_PATH_LENGTH},
      {"X509_V_ERR_HOSTNAME_MISMATCH", 62, CF_REASON_NAME_MISMATCH},
      {"X509_V_ERR_IP_ADDRESS_MISMATCH", 64, CF_REASON_NAME_MISMATCH},
      {"X509_V_ERR_INVALID_PURPOSE", 26, CF_REASON_EKU},
      {"X509_V_ERR_KEYUSAGE_NO_CERTSIGN", 32, CF_REASON_KEY_USAGE},
      {"X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION", 34, CF_REASON_CRITICAL_EXTENSION},
      {"X509_V_ERR_EXCLUDED_VIOLATION", 48, CF_REASON_NAME_CONSTRAINTS},
      {"X509_V_ERR_EE_KEY_TOO_SMALL", 66, CF_REASON_WEAK_KEY},
      {"X509_V_ERR_CA_KEY_TOO_SMALL", 67, CF_REASON_WEAK_KEY},
      {"X509_V_ERR_CA_MD_TOO_WEAK", 68, CF_REASON_WEAK_ALGORITHM},
      {"X509_V_ERR_INVALID_EXTENSION", 41, CF_REASON_PARSE},
      {"X509_V_ERR_EC_KEY_EXPLICIT_PARAMS", 94, CF_REASON_PARSE},
      {"X509_V_ERR_OUT_OF_MEM", 17, CF_REASON_INTERNAL},
      {"X509_V_ERR_UNABLE_TO_GET_CRL", 3, CF_REASON_INTERNAL},
  };
  for (size_t i = 0; i < sizeof(kExpect) / sizeof(kExpect[0]); i++) {
    const struct cf_openssl_code *row = row_named(kExpect[i].name);
    tap_ok(row != NULL && row->code == kExpect[i].code && row->reason == kExpect[i].want &&
               cf_openssl_reason(kExpect[i].code) == kExpect[i].want,
           "%s (= %ld in OpenSSL 3.0) -> %s", kExpect[i].name, kExpect[i].code,
           cf_reason_name(kExpect[i].want));
  }
}

/* test_isolation: both libraries answer in one process, each under its
 * own identity, though they export the same API names. */
static void test_isolation(void) {
  const char *ossl = cf_openssl_version();
  const char *bssl = OpenSSL_version(OPENSSL_VERSION);
  tap_ok(ossl != NULL && strncmp(ossl, "OpenSSL 3.0.", 12) == 0,
         "the adapter's OpenSSL_version is OpenSSL 3.0.x (got '%s')", ossl ? ossl : "(null)");
  tap_ok(bssl != NULL && strcmp(bssl, "BoringSSL") == 0,
         "OpenSSL_version called from a BoringSSL-compiled file is BoringSSL's (got '%s')",
         bssl ? bssl : "(null)");
  /* A BoringSSL primitive still gives its known answer next to OpenSSL. */
  static const uint8_t kAbcSha256[SHA256_DIGEST_LENGTH] = {
      0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
      0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  uint8_t md[SHA256_DIGEST_LENGTH];
  SHA256((const uint8_t *)"abc", 3, md);
  tap_ok(memcmp(md, kAbcSha256, sizeof(md)) == 0, "BoringSSL's SHA256(\"abc\") is right");
}

static void test_junk(void) {
  static const uint8_t kJunk[] = {0x30, 0x03, 0x02, 0x01, 0x01};
  struct cf_case c;
  struct cf_verdict v;
  memset(&c, 0, sizeof(c));
  cf_profile_init(&c.profile);
  c.leaf.data = kJunk;
  c.leaf.len = sizeof(kJunk);
  cf_openssl_verify(&v, &c);
  tap_ok(v.decision == CF_REJECT && v.reason == CF_REASON_PARSE,
         "a leaf that is not a certificate: REJECT PARSE (got %s %s %ld %s)",
         cf_decision_name(v.decision), cf_reason_name(v.reason), v.native_code, v.native_text);
  c.leaf.len = 0;
  cf_openssl_verify(&v, &c);
  tap_ok(v.decision == CF_REJECT && v.reason == CF_REASON_PARSE, "an empty leaf: REJECT PARSE");
}

/* build_case builds catalogue scenario |id| into a case; |*out_der|
 * backs it (free it). */
static int build_case(struct cf_case *c, uint8_t **out_der, const struct cf_pool *pool,
                      const char *id) {
  return cf_test_scenario_case(c, out_der, pool, id);
}

static void clock_2040(struct cf_case *c) {
  c->profile.clock = CF_CLOCK_SET;
  c->profile.time = INT64_C(2208988800); /* 2040-01-01 */
}

static void no_name(struct cf_case *c) { c->profile.name_type = CF_NAME_NONE; }

static void dns_literal_ip(struct cf_case *c) {
  /* The device hands SSL_set1_host the address as text: 3.0 treats it as
   * an IP address. */
  cf_profile_set_dns_name(&c->profile, "192.0.2.10", 10);
}

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
       "the wrong host, no name configured: no check (B17, OpenSSL's API contract)"},
      {"valid::san::ipv4", NULL, CF_ACCEPT, CF_REASON_NONE, "an iPAddress SAN that matches"},
      {"iot::wrong-ip", NULL, CF_REJECT, CF_REASON_NAME_MISMATCH, "the wrong IP address"},
      {"iot::wrong-ip", dns_literal_ip, CF_ACCEPT, CF_REASON_NONE,
       "an IP literal given as the host name matches the iPAddress SAN (SSL_set1_host)"},
      {"rfc6125::ip-as-dns-san", NULL, CF_REJECT, CF_REASON_NAME_MISMATCH,
       "an IP address against a dNSName spelling it"},
      {"iot::missing-intermediate", NULL, CF_REJECT, CF_REASON_UNTRUSTED,
       "a missing intermediate"},
      {"iot::no-anchors", NULL, CF_REJECT, CF_REASON_UNTRUSTED, "a device with no anchors"},
      {"iot::unknown-root-sent", NULL, CF_REJECT, CF_REASON_UNTRUSTED,
       "a chain to a root the device does not trust"},
      {"rfc5280::sig::leaf-wrong-key", NULL, CF_REJECT, CF_REASON_SIGNATURE,
       "a leaf signed by the wrong key"},
      {"rfc5280::sig::ica-bitflip", NULL, CF_REJECT, CF_REASON_SIGNATURE,
       "an intermediate whose signature has a flipped bit"},
      {"rfc5280::bc::ica-ca-false", NULL, CF_REJECT, CF_REASON_NOT_CA,
       "an issuer with CA:FALSE"},
      {"cve::cve-2002-0862-ee-signs-leaf", NULL, CF_REJECT, CF_REASON_NOT_CA,
       "a leaf used as an issuer (B01)"},
      {"iot::sha1-leaf", NULL, CF_REJECT, CF_REASON_WEAK_ALGORITHM,
       "a SHA-1-signed leaf (security level 1: CA_MD_TOO_WEAK)"},
      {"iot::md5-leaf", NULL, CF_REJECT, CF_REASON_WEAK_ALGORITHM,
       "an MD5-signed leaf (security level 1)"},
      {"iot::weak-key-rsa1024-leaf", NULL, CF_ACCEPT, CF_REASON_NONE,
       "an RSA-1024 leaf: 80 bits, enough for security level 1"},
      {"iot::depth-max-1-two-icas", NULL, CF_REJECT, CF_REASON_PATH_LENGTH,
       "two intermediates on a max-depth-1 device"},
  };
  if (!cf_pool_load(&pool, "certgen/keys", err, sizeof(err))) {
    tap_ok(0, "load the key pool: %s", err);
    return;
  }
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
    struct cf_case c;
    struct cf_verdict v;
    uint8_t *der = NULL;
    memset(&v, 0, sizeof(v));
    if (!build_case(&c, &der, &pool, kCases[i].id)) {
      tap_ok(0, "%s: scenario %s builds", kCases[i].what, kCases[i].id);
      free(der);
      continue;
    }
    if (kCases[i].mutate != NULL) {
      kCases[i].mutate(&c);
    }
    cf_openssl_verify(&v, &c);
    tap_ok(v.decision == kCases[i].decision && v.reason == kCases[i].reason,
           "%s (%s): %s %s (got %s %s, %ld %s)", kCases[i].what, kCases[i].id,
           cf_decision_name(kCases[i].decision), cf_reason_name(kCases[i].reason),
           cf_decision_name(v.decision), cf_reason_name(v.reason), v.native_code,
           v.native_text);
    if (kCases[i].decision == CF_ACCEPT && v.decision == CF_ACCEPT) {
      /* The path: leaf first, ends at an anchor, one entry per certificate. */
      int path_ok = v.path_len >= 2 && v.path[0].role == CF_ROLE_LEAF &&
                    v.path[v.path_len - 1].role == CF_ROLE_ANCHOR;
      for (size_t k = 1; path_ok && k + 1 < v.path_len; k++) {
        path_ok = v.path[k].role == CF_ROLE_INTERMEDIATE &&
                  v.path[k].index < c.num_intermediates;
      }
      tap_ok(path_ok, "%s: the accepted path runs leaf, intermediates, anchor (%zu entries)",
             kCases[i].id, v.path_len);
    }
    if (kCases[i].decision == CF_REJECT && v.decision == CF_REJECT) {
      tap_ok(v.native_code != 0 && v.native_text != NULL && v.native_text[0] != '\0' &&
                 v.path_len == 0,
             "%s: the rejection carries OpenSSL's code and text, and no path", kCases[i].id);
    }
    /* BoringSSL in the same process, on the same case, still works. */
    if (i == 0) {
      struct cf_verdict b;
      cf_boringssl_verify(&b, &c);
      tap_ok(b.decision == CF_ACCEPT, "BoringSSL accepts %s in the same process (got %s %s)",
             kCases[i].id, cf_decision_name(b.decision), b.native_text);
    }
    free(der);
  }
  cf_pool_free(&pool);
}

int main(void) {
  test_code_table();
  test_isolation();
  test_junk();
  test_scenarios();
  return tap_done();
}
