/* wolfssl_validator_test — the wolfSSL 5.5 adapter (validators/wolfssl.c):
 * its error-code table (every row names a real wolfSSL code with a text, no
 * row maps to NONE, the codes that matter map where they must), and its
 * verdicts on real chains built from catalogue scenarios (certgen's recipe
 * -> certificates -> case): honest chains accepted with their path, the
 * case's clock (expired, not yet valid, clock unset) read through
 * wc_SetTimeCb, names and IP addresses, untrusted chains, bad signatures, a
 * CA:FALSE issuer; and damaged certificates (empty signature first) are
 * rejected, never an ERROR (issue 18). Run from the repository root. */
#include <stdlib.h>
#include <string.h>

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "build.h"
#include "chainfuzz/case.h"
#include "chainfuzz/validator.h"
#include "chainfuzz/verdict.h"
#include "keypool.h"
#include "recipe.h"
#include "scenario_verdict.h"
#include "tap.h"

static void test_code_table(void) {
  size_t num;
  const struct cf_wolfssl_code *t = cf_wolfssl_code_table(&num);
  int once = 1, not_none = 1, negative = 1, texts = 1;
  /* What wolfSSL says of a code it does not know. */
  const char *unknown = cf_wolfssl_code_text(-99999);
  for (size_t i = 0; i < num; i++) {
    for (size_t j = 0; j < i; j++) {
      once &= t[i].code != t[j].code;
    }
    not_none &= t[i].reason != CF_REASON_NONE;
    negative &= t[i].code < 0;
    const char *text = cf_wolfssl_code_text(t[i].code);
    if (text == NULL || text[0] == '\0' || strcmp(text, unknown) == 0) {
      texts = 0;
      printf("# code %d has no text of its own: %s\n", t[i].code, text ? text : "(null)");
    }
  }
  tap_ok(num >= 40, "the table has %zu rows", num);
  tap_ok(once, "each code is listed once");
  tap_ok(not_none, "no code maps to NONE (that would read as accepted)");
  tap_ok(negative, "every code is a (negative) wolfSSL error code");
  tap_ok(texts, "wolfSSL has a text of its own for every code in the table");

  static const struct {
    int code;
    enum cf_reason want;
  } kExpect[] = {
      {ASN_NO_SIGNER_E, CF_REASON_UNTRUSTED},
      {ASN_SELF_SIGNED_E, CF_REASON_UNTRUSTED},
      {ASN_SIG_CONFIRM_E, CF_REASON_SIGNATURE},
      {ASN_BEFORE_DATE_E, CF_REASON_NOT_YET_VALID},
      {ASN_AFTER_DATE_E, CF_REASON_EXPIRED},
      {ASN_CRIT_EXT_E, CF_REASON_CRITICAL_EXTENSION},
      {ASN_NAME_INVALID_E, CF_REASON_NAME_CONSTRAINTS},
      {ASN_PATHLEN_INV_E, CF_REASON_PATH_LENGTH},
      {MAX_CHAIN_ERROR, CF_REASON_PATH_LENGTH},
      {DOMAIN_NAME_MISMATCH, CF_REASON_NAME_MISMATCH},
      {IPADDR_MISMATCH, CF_REASON_NAME_MISMATCH},
      {KEYUSE_SIGNATURE_E, CF_REASON_KEY_USAGE},
      {EXTKEYUSE_AUTH_E, CF_REASON_EKU},
      {RSA_KEY_SIZE_E, CF_REASON_WEAK_KEY},
      {ECC_KEY_SIZE_E, CF_REASON_WEAK_KEY},
      {ASN_PARSE_E, CF_REASON_PARSE},
      {HANDSHAKE_SIZE_ERROR, CF_REASON_RESOURCE_LIMIT},
      /* Issue 18: wolfSSL's generic codes that bad certificates raise. */
      {BAD_FUNC_ARG, CF_REASON_SIGNATURE},
      {MEMORY_E, CF_REASON_PARSE},
      {MEMORY_ERROR, CF_REASON_INTERNAL},
      {NOT_CA_ERROR, CF_REASON_NOT_CA},
  };
  for (size_t i = 0; i < sizeof(kExpect) / sizeof(kExpect[0]); i++) {
    tap_ok(cf_wolfssl_reason(kExpect[i].code) == kExpect[i].want, "%d (%s) -> %s",
           kExpect[i].code, cf_wolfssl_code_text(kExpect[i].code),
           cf_reason_name(kExpect[i].want));
  }
  tap_ok(cf_wolfssl_reason(-99999) == CF_REASON_OTHER && cf_wolfssl_reason(0) == CF_REASON_OTHER,
         "a code the table does not know maps to OTHER");
  /* INTERNAL is reported as ERROR: only the TLS layer's allocation failure
   * may say it. */
  int internal_ok = 1;
  for (size_t i = 0; i < num; i++) {
    if (t[i].reason == CF_REASON_INTERNAL && t[i].code != MEMORY_ERROR) {
      internal_ok = 0;
      printf("# code %d (%s) maps to INTERNAL\n", t[i].code,
             cf_wolfssl_code_text(t[i].code));
    }
  }
  tap_ok(internal_ok, "only MEMORY_ERROR maps to INTERNAL (ERROR)");
}

static void test_junk(void) {
  static const uint8_t kJunk[] = {0x30, 0x03, 0x02, 0x01, 0x01};
  struct cf_case c;
  struct cf_verdict v;
  memset(&c, 0, sizeof(c));
  cf_profile_init(&c.profile);
  c.leaf.data = kJunk;
  c.leaf.len = sizeof(kJunk);
  cf_wolfssl_verify(&v, &c);
  tap_ok(v.decision == CF_REJECT && v.reason == CF_REASON_PARSE && v.native_code < 0,
         "a leaf that is not a certificate: REJECT PARSE (got %s %s %ld %s)",
         cf_decision_name(v.decision), cf_reason_name(v.reason), v.native_code,
         v.native_text);
}

/* scenario_verdict builds catalogue scenario |id| (its file under
 * certgen/scenarios) and runs wolfSSL on it; |mutate| may edit the case. */
static int scenario_verdict(struct cf_verdict *v, const struct cf_pool *pool,
                            const char *id, void (*mutate)(struct cf_case *)) {
  return cf_test_scenario_verdict(v, pool, id, cf_wolfssl_verify, mutate);
}

static void clock_2040(struct cf_case *c) {
  c->profile.clock = CF_CLOCK_SET;
  c->profile.time = INT64_C(2208988800); /* 2040-01-01 */
}

static void no_name(struct cf_case *c) { c->profile.name_type = CF_NAME_NONE; }

static void depth_0(struct cf_case *c) { c->profile.max_depth = 0; }

static void test_scenarios(void) {
  struct cf_pool pool;
  char err[256];
  static const struct {
    const char *id;
    void (*mutate)(struct cf_case *);
    enum cf_decision decision;
    enum cf_reason reason;
    size_t path_len; /* on ACCEPT: leaf + intermediates + anchor */
    const char *what;
  } kCases[] = {
      {"valid::p256::ica1", NULL, CF_ACCEPT, CF_REASON_NONE, 3, "a valid P-256 chain"},
      {"valid::p256::ica3", NULL, CF_ACCEPT, CF_REASON_NONE, 5, "three intermediates"},
      {"valid::rsa4096::ica1", NULL, CF_ACCEPT, CF_REASON_NONE, 3, "a valid RSA-4096 chain"},
      {"valid::leafkey::ed25519", NULL, CF_ACCEPT, CF_REASON_NONE, 0, "an Ed25519 leaf"},
      {"valid::p256::ica1", clock_2040, CF_REJECT, CF_REASON_EXPIRED, 0,
       "the same chain with the device clock in 2040 (the case's time is the clock)"},
      {"valid::p256::ica3", depth_0, CF_REJECT, CF_REASON_PATH_LENGTH, 0,
       "three intermediates on a max-depth-0 device (adapter's depth check)"},
      {"iot::expired-leaf", NULL, CF_REJECT, CF_REASON_EXPIRED, 0, "an expired leaf"},
      {"iot::not-yet-valid-leaf", NULL, CF_REJECT, CF_REASON_NOT_YET_VALID, 0,
       "a leaf not yet valid"},
      {"iot::clock-unset", NULL, CF_REJECT, CF_REASON_UNTRUSTED, 0,
       "a device whose clock was never set (1970): no anchor loads, no signer"},
      {"iot::wrong-host", NULL, CF_REJECT, CF_REASON_NAME_MISMATCH, 0, "the wrong host"},
      {"iot::wrong-host", no_name, CF_ACCEPT, CF_REASON_NONE, 0,
       "the wrong host, no name configured: no check"},
      {"valid::san::ipv4", NULL, CF_ACCEPT, CF_REASON_NONE, 0, "an IPv4 SAN"},
      {"valid::san::ipv6", NULL, CF_REJECT, CF_REASON_NAME_MISMATCH, 0,
       "an IPv6 SAN: wolfSSL compares it as uncompressed upper-case text, the "
       "device's RFC 5952 text never matches (FINDINGS.md F18)"},
      {"iot::wrong-ip", NULL, CF_REJECT, CF_REASON_NAME_MISMATCH, 0, "the wrong IP address"},
      {"iot::missing-intermediate", NULL, CF_REJECT, CF_REASON_UNTRUSTED, 0,
       "a missing intermediate"},
      {"iot::no-anchors", NULL, CF_REJECT, CF_REASON_UNTRUSTED, 0, "a device with no anchors"},
      {"rfc5280::sig::ica-bitflip", NULL, CF_REJECT, CF_REASON_UNTRUSTED, 0,
       "an intermediate with a bad signature: not added as a CA, the leaf finds no signer"},
      {"rfc5280::sig::ed25519-bitflip", NULL, CF_REJECT, CF_REASON_SIGNATURE, 0,
       "a leaf with a bad signature (Ed25519 issuer)"},
      {"rfc5280::sig::leaf-wrong-key", NULL, CF_REJECT, CF_REASON_SIGNATURE, 0,
       "a leaf signed by another key than its issuer's"},
      {"cve::ee-genuine-issuer-bitflip", NULL, CF_REJECT, CF_REASON_UNTRUSTED, 0,
       "a leaf issued by an end-entity certificate: never a CA, no signer"},
      {"rfc5280::bc::ica-ca-false", NULL, CF_REJECT, CF_REASON_UNTRUSTED, 0,
       "a CA:FALSE issuer: never added as a CA, the leaf finds no signer"},
      {"iot::weak-key-rsa1024-leaf", NULL, CF_ACCEPT, CF_REASON_NONE, 0,
       "an RSA-1024 leaf (wolfSSL's minimum is 1024 bits)"},
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
    int ok = v.decision == kCases[i].decision && v.reason == kCases[i].reason;
    if (ok && v.decision == CF_ACCEPT) {
      /* The path: the leaf first, an anchor last. */
      ok = v.path_len >= 2 && v.path[0].role == CF_ROLE_LEAF &&
           v.path[v.path_len - 1].role == CF_ROLE_ANCHOR &&
           (kCases[i].path_len == 0 || v.path_len == kCases[i].path_len);
    }
    tap_ok(ok, "%s (%s): %s %s (got %s %s, %ld %s, path of %zu)", kCases[i].what,
           kCases[i].id, cf_decision_name(kCases[i].decision),
           cf_reason_name(kCases[i].reason), cf_decision_name(v.decision),
           cf_reason_name(v.reason), v.native_code, v.native_text, v.path_len);
  }
  cf_pool_free(&pool);
}

/* recipe_verdict builds recipe |text| (certgen's format) and runs wolfSSL
 * on it: 1 with the verdict in |*v|, 0 if it does not build. */
static int recipe_verdict(struct cf_verdict *v, const struct cf_pool *pool,
                          const char *text) {
  struct cf_recipe *r = malloc(sizeof(*r));
  struct cf_recipe_error rerr;
  struct cf_built built;
  struct cf_case c;
  char err[256];
  uint8_t *der = NULL;
  size_t der_len = 0;
  int ok = 0;
  memset(&built, 0, sizeof(built));
  if (r != NULL && cf_recipe_parse(r, &rerr, text, strlen(text), "test") &&
      cf_build_certs(&built, r, pool, err, sizeof(err)) &&
      cf_build_case(&der, &der_len, r, &built) &&
      cf_case_parse(&c, NULL, der, der_len) == CF_CASE_OK) {
    memset(v, 0, sizeof(*v));
    cf_wolfssl_verify(v, &c);
    ok = 1;
  }
  free(der);
  cf_built_free(&built);
  free(r);
  return ok;
}

/* chain_recipe writes a root -> ica -> leaf recipe: root and ica keys of
 * type |key| ("p256", ...), |ica_lines| and |leaf_lines| added to those
 * blocks. */
static void chain_recipe(char *out, size_t out_len, const char *key,
                         const char *ica_lines, const char *leaf_lines) {
  snprintf(out, out_len,
           "recipe 1\nid test::x\nexpect either\n"
           "cert root root\n  key root-%s\n"
           "cert ica ica\n  key intermediate-%s\n  issuer root\n%s"
           "cert leaf leaf\n  key leaf-p256\n  issuer ica\n"
           "  san dns:device.example.com\n%s"
           "device\n  anchors root\n  chain leaf ica\n"
           "  dns device.example.com\n",
           key, key, ica_lines, leaf_lines);
}

/* Issue 18 item 4: certificates wolfSSL refuses with a generic code are
 * rejected with a reason, never an ERROR verdict (the consistency oracle's
 * FINDING kind=invariant reason=INTERNAL). */
static void test_bad_certificates(void) {
  static const char *kKeys[] = {"rsa2048", "p256", "p384", "ed25519"};
  static const char *kDefects[] = {
      "sig-empty",     "sig-truncate",     "sig-bitflip",
      "sig-zero-rs",   "bitstring-unused", "tbs-trailing",
      "long-length",   "trailing-data",    "nonminimal-serial",
      "wrong-outer-tag", "indefinite-length"};
  struct cf_pool pool;
  char err[256], text[2048];
  if (!cf_pool_load(&pool, "certgen/keys", err, sizeof(err))) {
    tap_ok(0, "load the key pool: %s", err);
    return;
  }
  /* The empty signature first: wolfSSL says BAD_FUNC_ARG. */
  for (size_t k = 0; k < sizeof(kKeys) / sizeof(kKeys[0]); k++) {
    struct cf_verdict v;
    chain_recipe(text, sizeof(text), kKeys[k], "", "  defect sig-empty\n");
    int built = recipe_verdict(&v, &pool, text);
    tap_ok(built && v.decision == CF_REJECT && v.reason == CF_REASON_SIGNATURE &&
               v.native_code == BAD_FUNC_ARG,
           "a leaf with an empty signature (%s issuer): REJECT SIGNATURE, "
           "wolfSSL's BAD_FUNC_ARG (got %s %s, %ld %s)",
           kKeys[k], built ? cf_decision_name(v.decision) : "no case",
           built ? cf_reason_name(v.reason) : "", built ? v.native_code : 0,
           built ? v.native_text : "");
  }
  /* An iPAddress SAN of 5 bytes: wolfSSL says MEMORY_E ("Out of Memory for
   * IP string"), not an allocation failure. */
  {
    struct cf_verdict v;
    snprintf(text, sizeof(text),
             "recipe 1\nid test::x\nexpect either\n"
             "cert root root\n  key root-p256\n"
             "cert leaf leaf\n  key leaf-p256\n  issuer root\n"
             "  san dns:device.example.com raw:8705c000020a01\n"
             "device\n  anchors root\n  chain leaf\n"
             "  dns device.example.com\n");
    int built = recipe_verdict(&v, &pool, text);
    tap_ok(built && v.decision == CF_REJECT && v.reason == CF_REASON_PARSE &&
               v.native_code == MEMORY_E,
           "a leaf with a 5-byte iPAddress SAN: REJECT PARSE, wolfSSL's "
           "MEMORY_E (got %s %s, %ld %s)",
           built ? cf_decision_name(v.decision) : "no case",
           built ? cf_reason_name(v.reason) : "", built ? v.native_code : 0,
           built ? v.native_text : "");
  }
  {
    struct cf_verdict v;
    memset(&v, 0, sizeof(v));
    int built = cf_test_scenario_verdict(&v, &pool, "cve::ica-empty-signature",
                                         cf_wolfssl_verify, NULL);
    tap_ok(built && v.decision == CF_REJECT && v.reason != CF_REASON_INTERNAL,
           "an intermediate with an empty signature (cve::ica-empty-signature): "
           "REJECT (got %s %s, %ld %s)",
           built ? cf_decision_name(v.decision) : "no case",
           built ? cf_reason_name(v.reason) : "", built ? v.native_code : 0,
           built ? v.native_text : "");
  }
  /* Every defect certgen makes, on the leaf and on the intermediate, under
   * each issuer key type: REJECT or (a defect wolfSSL tolerates) ACCEPT,
   * never ERROR. */
  size_t total = 0, not_error = 0, rejected = 0;
  for (int on_ica = 0; on_ica < 2; on_ica++) {
    for (size_t k = 0; k < sizeof(kKeys) / sizeof(kKeys[0]); k++) {
      for (size_t d = 0; d < sizeof(kDefects) / sizeof(kDefects[0]); d++) {
        char line[64];
        struct cf_verdict v;
        snprintf(line, sizeof(line), "  defect %s\n", kDefects[d]);
        chain_recipe(text, sizeof(text), kKeys[k], on_ica ? line : "",
                     on_ica ? "" : line);
        if (!recipe_verdict(&v, &pool, text)) {
          continue; /* sig-zero-rs needs an ECDSA signer */
        }
        total++;
        not_error += v.decision != CF_ERROR;
        rejected += v.decision == CF_REJECT;
        if (v.decision == CF_ERROR) {
          printf("# %s on the %s (%s issuer): ERROR %s, %ld %s\n", kDefects[d],
                 on_ica ? "intermediate" : "leaf", kKeys[k],
                 cf_reason_name(v.reason), v.native_code, v.native_text);
        }
      }
    }
  }
  tap_ok(total >= 80 && not_error == total && rejected * 2 > total,
         "%zu of %zu damaged chains (11 defects x 4 issuer keys x leaf or "
         "intermediate) get no ERROR verdict (%zu REJECT)",
         not_error, total, rejected);
  /* Key rollover: the root's new key in a self-issued certificate (the
   * root's name, signed by its old key, no authority key id: wolfSSL finds
   * its signer by name) sent in the chain. wolfSSL accepts
   * the path anchor -> rollover -> ica -> leaf; the adapter must name it,
   * not give up at the self-issued certificate (it found itself as its own
   * signer: an ERROR verdict, and a consistency finding, before). */
  {
    struct cf_verdict v;
    snprintf(text, sizeof(text),
             "recipe 1\nid test::x\nexpect accept\n"
             "cert root root\n  key root-p256\n"
             "  subject \"CN=chainfuzz Device Root\"\n"
             "cert rollover ica\n  key root2-p256\n  issuer root\n"
             "  subject \"CN=chainfuzz Device Root\"\n  aki absent\n"
             "cert ica ica\n  key intermediate-p256\n  issuer rollover\n"
             "cert leaf leaf\n  key leaf-p256\n  issuer ica\n"
             "  san dns:device.example.com\n"
             "device\n  anchors root\n  chain leaf ica rollover\n"
             "  dns device.example.com\n");
    int built = recipe_verdict(&v, &pool, text);
    tap_ok(built && v.decision == CF_ACCEPT && v.path_len == 4 &&
               v.path[0].role == CF_ROLE_LEAF &&
               v.path[3].role == CF_ROLE_ANCHOR,
           "a key rollover (a self-issued certificate with the root's new "
           "key): ACCEPT with the path leaf, ica, rollover, anchor (got %s %s, "
           "%ld %s, path of %zu)",
           built ? cf_decision_name(v.decision) : "no case",
           built ? cf_reason_name(v.reason) : "", built ? v.native_code : 0,
           built ? v.native_text : "", built ? v.path_len : 0);
  }
  /* An anchor whose bytes go on after its certificate (a trust store
   * file with two zero bytes after the DER): wolfSSL loads the first DER
   * element, so the signer it finds for the intermediate is a prefix of
   * the anchor's bytes. The adapter must end the path there (it took the
   * anchor for a sent certificate and walked past it, an ERROR verdict
   * and a consistency finding before: bucket chain_verify_wolfssl
   * db3aafb2061c). */
  {
    struct cf_verdict v;
    snprintf(text, sizeof(text),
             "recipe 1\nid test::x\nexpect either\n"
             "cert root root\n  key root-p256\n  defect trailing-data\n"
             "cert ica ica\n  key intermediate-p256\n  issuer root\n"
             "cert leaf leaf\n  key leaf-p256\n  issuer ica\n"
             "  san dns:device.example.com\n"
             "device\n  anchors root\n  chain leaf ica\n"
             "  dns device.example.com\n");
    int built = recipe_verdict(&v, &pool, text);
    tap_ok(built && v.decision == CF_ACCEPT && v.path_len == 3 &&
               v.path[2].role == CF_ROLE_ANCHOR,
           "an anchor with bytes after its certificate: ACCEPT with the path "
           "leaf, ica, anchor (got %s %s, %ld %s, path of %zu)",
           built ? cf_decision_name(v.decision) : "no case",
           built ? cf_reason_name(v.reason) : "", built ? v.native_code : 0,
           built ? v.native_text : "", built ? v.path_len : 0);
  }
  cf_pool_free(&pool);
}

int main(void) {
  test_code_table();
  test_junk();
  test_bad_certificates();
  test_scenarios();
  return tap_done();
}
