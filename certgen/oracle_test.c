/* oracle_test — TAP tests of the spec oracle (certgen/oracle.c):
 *  - ACCEPT controls: a valid chain of each key type, cross-signed roots
 *    with one expired path, intermediates out of order, an extra unrelated
 *    certificate, GeneralizedTime after 2049, inclusive validity bounds;
 *  - at least one recipe per rule of cf_oracle_rules(), asserting the rule
 *    id, the expectation and the reason, and the bug classes of
 *    /work/shared/bug-classes.md (B01-B30) that the rules cover;
 *  - last, that every rule of the table was produced by some test.
 * Recipes are built in C with cf_recipe_init / cf_rcert_init; no key is
 * loaded (the oracle reasons on key facts from keypool.h). Prints
 * "ok N - ..." / "not ok N - ..." and "1..N"; exits 1 if any test failed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keypool.h"
#include "known_rules.h"
#include "oracle.h"

static int g_num, g_failed;
static int g_hit[128]; /* by index in cf_oracle_rules() */

static int check(int ok, const char *fmt, ...) {
  va_list ap;
  printf("%sok %d - ", ok ? "" : "not ", ++g_num);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  g_failed += !ok;
  return ok;
}

/* --- recipe construction ------------------------------------------------- */

static struct cf_recipe g_r;

static int key(const char *name) {
  int k = cf_pool_index(name);
  if (k < 0) {
    fprintf(stderr, "oracle_test: no pool key %s\n", name);
    exit(2);
  }
  return k;
}

/* add appends a cert block and returns its index. |issuer| -1 means self
 * (templates other than root need one). */
static int add(enum cf_template tpl, const char *name, const char *key_name,
               int issuer) {
  int idx = (int)g_r.num_certs++;
  cf_rcert_init(&g_r.certs[idx], tpl, name, idx, key(key_name));
  g_r.certs[idx].issuer = issuer < 0 ? idx : issuer;
  return idx;
}

static struct cf_rcert *C(int idx) { return &g_r.certs[idx]; }

static void anchors(int n, ...) {
  va_list ap;
  va_start(ap, n);
  g_r.device.num_anchors = 0;
  for (int i = 0; i < n; i++) {
    g_r.device.anchors[g_r.device.num_anchors++] = va_arg(ap, int);
  }
  va_end(ap);
}

static void chain(int n, ...) {
  va_list ap;
  va_start(ap, n);
  g_r.device.num_chain = 0;
  for (int i = 0; i < n; i++) {
    g_r.device.chain[g_r.device.num_chain++] = va_arg(ap, int);
  }
  va_end(ap);
}

static void reset(void) { cf_recipe_init(&g_r); }

/* Indices of the standard chain: root (anchor) -> ica -> leaf. */
static int ROOT, ICA, LEAF;

/* std3 builds root -> ica -> leaf with key type |kt| ("p256") for all
 * three, anchors root, chain leaf ica. */
static void std3_kt(const char *kt) {
  char rk[48], ik[48], lk[48];
  reset();
  snprintf(rk, sizeof(rk), "root-%s", kt);
  snprintf(ik, sizeof(ik), "intermediate-%s", kt);
  snprintf(lk, sizeof(lk), "leaf-%s", kt);
  ROOT = add(CF_TPL_ROOT, "root", rk, -1);
  ICA = add(CF_TPL_ICA, "ica", ik, ROOT);
  LEAF = add(CF_TPL_LEAF, "leaf", lk, ICA);
  anchors(1, ROOT);
  chain(2, LEAF, ICA);
}

static void std3(void) { std3_kt("p256"); }

static void set_dn_cn(struct cf_rname *n, const char *cn) {
  memset(n, 0, sizeof(*n));
  snprintf(n->attrs[0].oid, sizeof(n->attrs[0].oid), "2.5.4.3");
  n->attrs[0].type = CF_STR_UTF8;
  n->attrs[0].value_len = strlen(cn);
  memcpy(n->attrs[0].value, cn, n->attrs[0].value_len);
  n->num_attrs = 1;
}

static void gn_text(struct cf_gn *g, enum cf_gn_type t, const char *v,
                    size_t len) {
  memset(g, 0, sizeof(*g));
  g->type = t;
  memcpy(g->value, v, len);
  g->value_len = len;
}

static void san_dns(int idx, const char *name) {
  C(idx)->san_present = 1;
  C(idx)->san.num = 1;
  gn_text(&C(idx)->san.names[0], CF_GN_DNS, name, strlen(name));
}

static void add_gn(struct cf_gn_list *l, enum cf_gn_type t, const char *v) {
  gn_text(&l->names[l->num++], t, v, strlen(v));
}

static void add_ip(struct cf_gn_list *l, const uint8_t *v, size_t len) {
  struct cf_gn *g = &l->names[l->num++];
  memset(g, 0, sizeof(*g));
  g->type = CF_GN_IP;
  memcpy(g->value, v, len);
  g->value_len = len;
}

static void set_name(const char *dns) {
  cf_profile_set_dns_name(&g_r.device.profile, dns, strlen(dns));
}

static void raw_time(struct cf_rtime *t, enum cf_time_enc enc,
                     const char *raw) {
  t->enc = enc;
  snprintf(t->raw, sizeof(t->raw), "%s", raw);
}

static void raw_ext(int idx, const char *oid, int critical) {
  struct cf_rext *e = &C(idx)->raw_exts[C(idx)->num_raw_exts++];
  memset(e, 0, sizeof(*e));
  snprintf(e->oid, sizeof(e->oid), "%s", oid);
  e->critical = critical;
  e->value[0] = 0x05; /* NULL */
  e->value[1] = 0x00;
  e->value_len = 2;
}

static void set_eku(int idx, int n, ...) {
  va_list ap;
  va_start(ap, n);
  C(idx)->eku_present = 1;
  C(idx)->num_eku = 0;
  for (int i = 0; i < n; i++) {
    snprintf(C(idx)->eku[C(idx)->num_eku++], CF_RECIPE_MAX_OID + 1, "%s",
             va_arg(ap, const char *));
  }
  va_end(ap);
}

/* --- expectations -------------------------------------------------------- */

static void mark(const char *rule) {
  size_t num;
  const struct cf_oracle_rule *rules = cf_oracle_rules(&num);
  for (size_t i = 0; i < num; i++) {
    if (strcmp(rules[i].id, rule) == 0) {
      g_hit[i] = 1;
    }
  }
}

/* expect judges the current recipe and checks the answer. |rule| NULL
 * accepts any rule (with the kind and reason given). */
static void expect(enum cf_expect_kind kind, enum cf_reason reason,
                   const char *rule, const char *what,
                   const struct cf_built *b) {
  struct cf_oracle_result res;
  static const char *const kKind[] = {"ACCEPT", "REJECT", "EITHER"};
  if (!cf_oracle_judge(&res, &g_r, b)) {
    check(0, "%s: the oracle refused the recipe", what);
    return;
  }
  mark(res.rule);
  int ok = res.expect == kind && res.reason == reason &&
           (rule == NULL || strcmp(res.rule, rule) == 0);
  if (!check(ok, "%s: %s %s (%s)", what, kKind[kind], cf_reason_name(reason),
             rule != NULL ? rule : "any rule")) {
    printf("#   got %s %s rule %s: %s\n", kKind[res.expect],
           cf_reason_name(res.reason), res.rule, res.detail);
  }
}

#define ACCEPT(what) expect(CF_EXPECT_ACCEPT, CF_REASON_NONE, "accept", what, NULL)
#define REJECT(reason, rule, what) \
  expect(CF_EXPECT_REJECT, CF_REASON_##reason, rule, what, NULL)
#define EITHER(reason, rule, what) \
  expect(CF_EXPECT_EITHER, CF_REASON_##reason, rule, what, NULL)

/* --- the table itself ------------------------------------------------------ */

static void test_table(void) {
  size_t num;
  const struct cf_oracle_rule *rules = cf_oracle_rules(&num);
  int ok = num > 0 && num <= sizeof(g_hit) / sizeof(g_hit[0]);
  for (size_t i = 0; ok && i < num; i++) {
    ok = rules[i].id != NULL && rules[i].cite != NULL &&
         rules[i].text != NULL && rules[i].kind != CF_EXPECT_ACCEPT &&
         rules[i].reason != CF_REASON_NONE;
    for (size_t j = 0; ok && j < i; j++) {
      ok = strcmp(rules[i].id, rules[j].id) != 0;
    }
  }
  check(ok, "rule table: %zu rules, unique ids, no ACCEPT rows", num);

  std3();
  g_r.device.chain[1] = 99;
  struct cf_oracle_result res;
  check(cf_oracle_judge(&res, &g_r, NULL) == 0,
        "an out-of-range chain index is refused");
  std3();
  C(ICA)->issuer = -1;
  check(cf_oracle_judge(&res, &g_r, NULL) == 0,
        "a cert block without an issuer is refused");
}

/* --- ACCEPT controls ------------------------------------------------------- */

static void test_accept_controls(void) {
  static const char *const kTypes[] = {"p256",    "p384",    "p521",
                                       "ed25519", "rsa2048", "rsa3072",
                                       "rsa4096"};
  char what[96];
  for (size_t i = 0; i < sizeof(kTypes) / sizeof(kTypes[0]); i++) {
    std3_kt(kTypes[i]);
    snprintf(what, sizeof(what), "valid %s chain", kTypes[i]);
    ACCEPT(what);
  }

  /* Mixed key types: RSA root, P-384 ICA, Ed25519 leaf. */
  reset();
  ROOT = add(CF_TPL_ROOT, "root", "root-rsa4096", -1);
  ICA = add(CF_TPL_ICA, "ica", "intermediate-p384", ROOT);
  LEAF = add(CF_TPL_LEAF, "leaf", "leaf-ed25519", ICA);
  anchors(1, ROOT);
  chain(2, LEAF, ICA);
  ACCEPT("mixed RSA-4096 / P-384 / Ed25519 chain");

  std3();
  chain(3, LEAF, ICA, ROOT);
  ACCEPT("root sent in the chain too");

  /* Intermediates out of order: root -> ica1 -> ica2 -> leaf. */
  reset();
  ROOT = add(CF_TPL_ROOT, "root", "root-p256", -1);
  int ica1 = add(CF_TPL_ICA, "ica1", "intermediate-p256", ROOT);
  int ica2 = add(CF_TPL_ICA, "ica2", "intermediate2-p256", ica1);
  LEAF = add(CF_TPL_LEAF, "leaf", "leaf-p256", ica2);
  anchors(1, ROOT);
  chain(3, LEAF, ica1, ica2);
  ACCEPT("intermediates sent out of order");

  /* An extra unrelated certificate. */
  std3();
  int other = add(CF_TPL_ROOT, "other", "attacker-p256", -1);
  chain(3, LEAF, other, ICA);
  ACCEPT("an extra unrelated certificate in the chain");

  /* The 2021 Let's Encrypt shape: leaf <- R3 <- X1; X1 self-signed is an
   * anchor, X1 cross-signed by the expired DST root is sent. */
  reset();
  int dst = add(CF_TPL_ROOT, "dst", "root2-rsa2048", -1);
  C(dst)->not_after.t = 1633046400; /* 2021-10-01 */
  int x1 = add(CF_TPL_ROOT, "x1", "root-rsa4096", -1);
  int x1_cross = add(CF_TPL_ICA, "x1-cross", "root-rsa4096", dst);
  C(x1_cross)->subject = C(x1)->subject;
  C(x1_cross)->not_after.t = 1633046400;
  int r3 = add(CF_TPL_ICA, "r3", "intermediate-rsa2048", x1);
  LEAF = add(CF_TPL_LEAF, "leaf", "leaf-rsa2048", r3);
  anchors(2, dst, x1);
  chain(3, LEAF, r3, x1_cross);
  ACCEPT("cross-signed: expired path via DST, valid path via X1 (RFC 4158)");
  anchors(1, dst);
  REJECT(EXPIRED, "validity.expired",
         "cross-signed: only the expired DST root is trusted");

  /* Time encodings (B27): GeneralizedTime after 2049. */
  std3();
  C(LEAF)->not_after.t = 2556143999; /* 2050-12-31T23:59:59Z */
  ACCEPT("leaf notAfter 2050 (GeneralizedTime)");
  std3();
  raw_time(&C(LEAF)->not_after, CF_TIME_RAW_GEN, "20510101000000Z");
  ACCEPT("leaf notAfter raw GeneralizedTime 20510101000000Z");
  std3();
  raw_time(&C(LEAF)->not_before, CF_TIME_RAW_UTC, "250601000000Z");
  ACCEPT("leaf notBefore raw UTCTime 250601000000Z");

  /* Inclusive bounds (RFC 5280 4.1.2.5). */
  std3();
  g_r.device.profile.time = C(LEAF)->not_after.t;
  ACCEPT("time == notAfter is valid");
  g_r.device.profile.time = C(LEAF)->not_after.t + 1;
  REJECT(EXPIRED, "validity.expired", "time == notAfter + 1s");
  g_r.device.profile.time = C(LEAF)->not_before.t;
  ACCEPT("time == notBefore is valid");
  g_r.device.profile.time = C(LEAF)->not_before.t - 1;
  REJECT(NOT_YET_VALID, "validity.not-yet-valid", "time == notBefore - 1s");

  /* A CA certificate as the leaf: allowed by RFC 5280, not by the BR. */
  std3();
  C(LEAF)->bc = CF_RBC_CA;
  EITHER(NOT_CA, "leaf.is-ca", "leaf with cA TRUE");

  /* Self-issued intermediates do not count for pathLen (6.1.4 (l)). */
  reset();
  ROOT = add(CF_TPL_ROOT, "root", "root-p256", -1);
  ICA = add(CF_TPL_ICA, "ica", "intermediate-p256", ROOT);
  C(ICA)->bc_path_len = 0;
  int rollover = add(CF_TPL_ICA, "ica-rollover", "intermediate2-p256", ICA);
  C(rollover)->subject = C(ICA)->subject; /* self-issued key rollover */
  LEAF = add(CF_TPL_LEAF, "leaf", "leaf-p256", rollover);
  anchors(1, ROOT);
  chain(3, LEAF, rollover, ICA);
  ACCEPT("pathLen 0 with a self-issued intermediate below");

  /* Wildcards and names. */
  std3();
  san_dns(LEAF, "*.EXAMPLE.com");
  ACCEPT("wildcard *.EXAMPLE.com matches device.example.com");
  std3();
  g_r.device.profile.name_type = CF_NAME_NONE;
  san_dns(LEAF, "other.example.net");
  REJECT(NAME_MISMATCH, "name.not-configured",
         "B17: a device without a name would accept any host");
  std3();
  {
    static const uint8_t kIp[4] = {192, 0, 2, 1};
    cf_profile_set_ip(&g_r.device.profile, kIp, 4);
    add_ip(&C(LEAF)->san, kIp, 4);
  }
  ACCEPT("IP SAN equals the device's IP");

  /* Name constraints that hold. */
  std3();
  add_gn(&C(ICA)->permitted, CF_GN_DNS, "example.com");
  add_gn(&C(ICA)->excluded, CF_GN_DNS, "bad.example.com");
  ACCEPT("dNSName constraints satisfied");
  std3();
  add_gn(&C(ICA)->permitted, CF_GN_DNS, ".example.com");
  san_dns(LEAF, "*.example.com");
  ACCEPT("wildcard SAN inside a permitted .example.com subtree");

  /* Purpose none: no EKU check. */
  std3();
  g_r.device.profile.purpose = CF_PURPOSE_NONE;
  set_eku(LEAF, 1, "1.3.6.1.5.5.7.3.2");
  ACCEPT("purpose none with a clientAuth-only leaf");
  std3();
  g_r.device.profile.purpose = CF_PURPOSE_CLIENT_AUTH;
  set_eku(LEAF, 1, "1.3.6.1.5.5.7.3.2");
  ACCEPT("purpose client-auth with a clientAuth leaf");

  /* The anchor's own signature is not checked (6.1.1 (d)). */
  std3();
  C(ROOT)->defects = 1u << CF_DEF_SIG_BITFLIP;
  C(ROOT)->outer_alg = CF_ALG_RSA_PKCS1_SHA1;
  C(ROOT)->tbs_alg = CF_ALG_RSA_PKCS1_SHA1;
  ACCEPT("anchor with a broken SHA-1 self-signature");

  /* Policies that intersect. */
  std3();
  C(ICA)->pc_present = 1;
  C(ICA)->pc_require_explicit = 0;
  C(ICA)->policies_present = 1;
  C(ICA)->num_policies = 1;
  snprintf(C(ICA)->policies[0], CF_RECIPE_MAX_OID + 1, "2.5.29.32.0");
  C(LEAF)->policies_present = 1;
  C(LEAF)->num_policies = 1;
  snprintf(C(LEAF)->policies[0], CF_RECIPE_MAX_OID + 1, "2.23.140.1.2.1");
  ACCEPT("requireExplicitPolicy 0 with anyPolicy CA and a leaf policy");

  /* Partial chain: a non-self-signed anchor ends the path only with the
   * flag. */
  std3();
  anchors(1, ICA);
  chain(1, LEAF);
  EITHER(UNTRUSTED, "anchor.not-self-signed",
         "intermediate anchor, no partial-chain");
  g_r.device.profile.flags |= CF_PROFILE_FLAG_PARTIAL_CHAIN;
  ACCEPT("intermediate anchor with partial-chain");

  /* max-chain-bytes unchecked without DER sizes. */
  std3();
  g_r.device.max_chain_bytes = 10;
  ACCEPT("max-chain-bytes skipped without built DER");

  /* A long legal chain: 8 intermediates, the default limit. */
  reset();
  ROOT = add(CF_TPL_ROOT, "root", "root-p256", -1);
  int prev = ROOT;
  int icas[8];
  for (int i = 0; i < 8; i++) {
    char name[16];
    snprintf(name, sizeof(name), "ica%d", i);
    icas[i] = add(CF_TPL_ICA, name, "intermediate-p256", prev);
    prev = icas[i];
  }
  LEAF = add(CF_TPL_LEAF, "leaf", "leaf-p256", prev);
  anchors(1, ROOT);
  g_r.device.num_chain = 0;
  g_r.device.chain[g_r.device.num_chain++] = LEAF;
  for (int i = 7; i >= 0; i--) {
    g_r.device.chain[g_r.device.num_chain++] = icas[i];
  }
  ACCEPT("8 intermediates, device allows 8");
  g_r.device.profile.max_depth = 7;
  REJECT(PATH_LENGTH, "path.too-deep", "8 intermediates, device allows 7 (B18)");
}

/* --- parse --------------------------------------------------------------- */

static void test_parse(void) {
  static const enum cf_defect kDer[] = {
      CF_DEF_LONG_LENGTH,     CF_DEF_INDEFINITE_LENGTH, CF_DEF_TRAILING_DATA,
      CF_DEF_NONMINIMAL_SERIAL, CF_DEF_WRONG_OUTER_TAG, CF_DEF_BITSTRING_UNUSED,
      CF_DEF_TBS_TRAILING};
  char what[96];
  for (size_t i = 0; i < sizeof(kDer) / sizeof(kDer[0]); i++) {
    std3();
    C(LEAF)->defects = 1u << kDer[i];
    snprintf(what, sizeof(what), "leaf defect %s", cf_defect_name(kDer[i]));
    REJECT(PARSE, "parse.der", what);
  }
  std3();
  int other = add(CF_TPL_ROOT, "other", "attacker-p256", -1);
  C(other)->defects = 1u << CF_DEF_TRAILING_DATA;
  chain(3, LEAF, ICA, other);
  REJECT(PARSE, "parse.der", "an unused sent certificate with trailing data");
  std3();
  C(ICA)->serial[0] = 0x00;
  C(ICA)->serial[1] = 0x01;
  C(ICA)->serial_len = 2;
  REJECT(PARSE, "parse.der", "serial 00 01 (non-minimal INTEGER)");

  std3();
  C(ICA)->duplicate = 1u << CF_EXT_BC;
  REJECT(PARSE, "parse.duplicate-extension", "ICA with basicConstraints twice");
  std3();
  raw_ext(LEAF, "1.3.6.1.4.1.99999.1", 0);
  raw_ext(LEAF, "1.3.6.1.4.1.99999.1", 0);
  EITHER(PARSE, "parse.duplicate-unknown-extension",
         "an unknown non-critical raw extension twice");
  std3();
  raw_ext(LEAF, "2.5.29.36", 0);
  raw_ext(LEAF, "2.5.29.36", 0);
  REJECT(PARSE, "parse.duplicate-extension",
         "policyConstraints twice as raw extensions");

  static const struct {
    enum cf_time_enc enc;
    const char *raw;
  } kBadTimes[] = {
      {CF_TIME_RAW_UTC, "2506010000Z"},        /* no seconds */
      {CF_TIME_RAW_UTC, "250601000000+0100"},  /* offset */
      {CF_TIME_RAW_UTC, "250601000000"},       /* no Z */
      {CF_TIME_RAW_GEN, "20250601000000.5Z"},  /* fraction */
      {CF_TIME_RAW_GEN, "20250231000000Z"},    /* 31 February */
      {CF_TIME_RAW_GEN, "20250601246000Z"},    /* hour 24 */
      {CF_TIME_RAW_UTC, "20250601000000Z"},    /* GeneralizedTime in UTC */
  };
  for (size_t i = 0; i < sizeof(kBadTimes) / sizeof(kBadTimes[0]); i++) {
    std3();
    raw_time(&C(LEAF)->not_before, kBadTimes[i].enc, kBadTimes[i].raw);
    snprintf(what, sizeof(what), "notBefore %s \"%s\"",
             kBadTimes[i].enc == CF_TIME_RAW_UTC ? "raw-utc" : "raw-gen",
             kBadTimes[i].raw);
    REJECT(PARSE, "parse.time", what);
  }

  /* 4.1.2.5: applications MUST process either encoding. */
  std3();
  C(LEAF)->not_before.enc = CF_TIME_GEN;
  ACCEPT("GeneralizedTime for 2025 (gen:)");
  std3();
  raw_time(&C(ICA)->not_after, CF_TIME_RAW_GEN, "20391231235959Z");
  ACCEPT("raw GeneralizedTime 2039");
  std3();
  raw_time(&C(ICA)->not_after, CF_TIME_RAW_GEN, "20251231235959Z");
  REJECT(EXPIRED, "validity.expired", "raw GeneralizedTime 2025 read right");

  std3();
  C(LEAF)->bc_explicit_false = 1;
  EITHER(PARSE, "parse.explicit-default", "cA FALSE encoded explicitly");

  std3();
  C(LEAF)->serial[0] = 0x00;
  C(LEAF)->serial_len = 1;
  EITHER(PARSE, "parse.serial", "serial zero");
  std3();
  C(LEAF)->serial[0] = 0xff;
  C(LEAF)->serial_len = 1;
  EITHER(PARSE, "parse.serial", "serial -1");
  std3();
  memset(C(LEAF)->serial, 0x11, 21);
  C(LEAF)->serial_len = 21;
  EITHER(PARSE, "parse.serial", "serial of 21 octets");
  std3();
  C(LEAF)->serial[0] = 0x00;
  C(LEAF)->serial_len = 1;
  C(LEAF)->defects = 1u << CF_DEF_SIG_BITFLIP;
  REJECT(SIGNATURE, "sig.defect", "serial zero and a bad signature: REJECT");

  std3();
  C(LEAF)->version = 2;
  EITHER(PARSE, "parse.v2-no-unique-id", "version 2 leaf");
  std3();
  C(LEAF)->version = 2;
  C(LEAF)->has_subject_uid = 1;
  C(LEAF)->subject_uid_len = 1;
  /* Not parse.v2-no-unique-id (which comes first): the name rule. */
  EITHER(NAME_MISMATCH, "name.cn-fallback",
         "version 2 leaf with a subjectUniqueID is no parse.v2-no-unique-id");
  std3();
  C(LEAF)->has_issuer_uid = 1;
  C(LEAF)->issuer_uid_len = 0;
  ACCEPT("version 3 leaf with an empty issuerUniqueID");
  std3();
  C(LEAF)->version = 1;
  C(LEAF)->has_subject_uid = 1;
  C(LEAF)->subject_uid[0] = 0xab;
  C(LEAF)->subject_uid_len = 1;
  EITHER(PARSE, "parse.unique-id-v1", "version 1 leaf with a subjectUniqueID");

  std3();
  C(LEAF)->bc = CF_RBC_ABSENT;
  raw_ext(LEAF, "2.5.29.19", 1);
  EITHER(OTHER, "ext.opaque", "raw basicConstraints the oracle cannot read");

  /* String types of DN values (issue 13): invalid for the type is an
   * EITHER (BoringSSL and OpenSSL refuse to parse, Mbed TLS and wolfSSL
   * take the bytes), in the subject, in an issuer field, in an anchor, and
   * it never hides a REJECT. */
  std3();
  set_dn_cn(&C(LEAF)->subject, "bad \xc3\x28 utf-8");
  EITHER(PARSE, "parse.string-type", "leaf subject UTF8String not UTF-8");
  set_dn_cn(&C(LEAF)->subject, "surrogate \xed\xa0\x80");
  EITHER(PARSE, "parse.string-type", "leaf subject UTF8String with a surrogate");
  C(LEAF)->defects = 1u << CF_DEF_SIG_BITFLIP;
  REJECT(SIGNATURE, "sig.defect", "invalid UTF-8 and a bad signature: REJECT");
  std3();
  set_dn_cn(&C(LEAF)->subject, "caf\xc3\xa9 \xe2\x82\xac");
  ACCEPT("leaf subject UTF8String with valid multi-byte UTF-8");
  set_dn_cn(&C(LEAF)->subject, "device@example.com");
  C(LEAF)->subject.attrs[0].type = CF_STR_PRINTABLE;
  EITHER(PARSE, "parse.string-type", "PrintableString with '@'");
  set_dn_cn(&C(LEAF)->subject, "Device (test) 1-2/3:=?");
  C(LEAF)->subject.attrs[0].type = CF_STR_PRINTABLE;
  ACCEPT("PrintableString using its whole punctuation set");
  set_dn_cn(&C(LEAF)->subject, "caf\xc3\xa9");
  C(LEAF)->subject.attrs[0].type = CF_STR_IA5;
  EITHER(PARSE, "parse.string-type", "IA5String with a byte above 0x7F");
  std3();
  set_dn_cn(&C(ICA)->subject, "ica \xff");
  EITHER(PARSE, "parse.string-type",
         "intermediate subject (and the leaf's issuer) not UTF-8");
  std3();
  set_dn_cn(&C(ROOT)->subject, "root \xff");
  EITHER(PARSE, "parse.string-type",
         "anchor subject not UTF-8 (the intermediate's issuer copies it)");
  std3();
  C(LEAF)->issuer = ROOT;
  chain(1, LEAF);
  set_dn_cn(&C(ICA)->subject, "unused \xff");
  ACCEPT("an invalid string in a certificate neither sent nor trusted");
  chain(2, LEAF, ICA);
  EITHER(PARSE, "parse.string-type",
         "an invalid string in an unused certificate that is sent");
  /* A raw GeneralName that is not one DER element (found from an empty
   * corpus: all four libraries refuse the SAN). */
  std3();
  C(LEAF)->san.num = 2;
  gn_text(&C(LEAF)->san.names[1], CF_GN_RAW, "\x87\x10\x01\x02", 4);
  REJECT(PARSE, "parse.der", "raw SAN GeneralName with a length past its end");
  gn_text(&C(LEAF)->san.names[1], CF_GN_RAW, "\x87\x04\x0a\x00\x00\x01",
          6);
  ACCEPT("raw SAN GeneralName [7] of 4 bytes (an iPAddress)");

  /* In a directoryName of a SAN or of a name constraint (found from an
   * empty corpus: BoringSSL refuses the extension). */
  std3();
  C(LEAF)->san.names[1].type = CF_GN_DN;
  set_dn_cn(&C(LEAF)->san.names[1].dn, "dn \xfd\x45");
  C(LEAF)->san.num = 2;
  EITHER(PARSE, "parse.string-type", "SAN directoryName not UTF-8");
  std3();
  C(ICA)->excluded.names[0].type = CF_GN_DN;
  set_dn_cn(&C(ICA)->excluded.names[0].dn, "nc \xff");
  C(ICA)->excluded.num = 1;
  EITHER(PARSE, "parse.string-type",
         "excluded directoryName constraint not UTF-8");
}

/* --- paths and signatures ------------------------------------------------ */

static void test_paths(void) {
  std3();
  anchors(0);
  REJECT(UNTRUSTED, "path.untrusted", "no anchors");
  reset();
  LEAF = add(CF_TPL_LEAF, "leaf", "leaf-p256", -1);
  anchors(0);
  chain(1, LEAF);
  REJECT(UNTRUSTED, "path.untrusted", "self-signed leaf, not an anchor");
  anchors(1, LEAF);
  EITHER(UNTRUSTED, "anchor.pinned-leaf",
         "self-signed leaf that is an anchor (pinned)");
  /* Its EKU and critical extensions are the anchor's (issue 13: BoringSSL
   * accepts both, the others refuse); its validity still counts. */
  set_eku(LEAF, 1, "1.3.6.1.5.5.7.3.2");
  EITHER(UNTRUSTED, "anchor.pinned-leaf", "pinned leaf, EKU clientAuth only");
  raw_ext(LEAF, "1.3.6.1.4.1.55555.1", 1);
  EITHER(UNTRUSTED, "anchor.pinned-leaf",
         "pinned leaf, unknown critical extension");
  C(LEAF)->not_after.t = 1633046400; /* 2021-10-01 */
  REJECT(EXPIRED, "validity.expired", "pinned leaf, expired");

  /* B15: a self-signed attacker CA sent as an intermediate. */
  std3();
  int evil = add(CF_TPL_ROOT, "evil", "attacker-p256", -1);
  C(LEAF)->issuer = evil;
  chain(2, LEAF, evil);
  REJECT(UNTRUSTED, "path.untrusted", "B15 self-signed attacker CA sent");

  /* Issuer matching: case-insensitive, exact otherwise. */
  std3();
  C(LEAF)->has_issuer_name = 1;
  set_dn_cn(&C(LEAF)->issuer_name, "CHAINFUZZ ICA");
  EITHER(UNTRUSTED, "path.name-not-identical",
         "issuer DN differs from the subject only in ASCII case");
  set_dn_cn(&C(LEAF)->issuer_name, "chainfuzz ica");
  C(LEAF)->issuer_name.attrs[0].type = CF_STR_PRINTABLE;
  EITHER(UNTRUSTED, "path.name-not-identical",
         "issuer DN PrintableString, subject UTF8String");
  C(LEAF)->issuer_name.attrs[0].type = CF_STR_BMP;
  EITHER(UNTRUSTED, "path.name-not-identical",
         "issuer DN BMPString, subject UTF8String (RFC 4518 2.1)");
  C(LEAF)->issuer_name.attrs[0].type = CF_STR_UNIVERSAL;
  EITHER(UNTRUSTED, "path.name-not-identical",
         "issuer DN UniversalString, subject UTF8String");
  C(LEAF)->issuer_name.attrs[0].type = CF_STR_T61;
  EITHER(UNTRUSTED, "path.name-not-identical",
         "issuer DN T61String of PrintableString characters, subject "
         "UTF8String (BoringSSL and OpenSSL read T.61 as Latin-1)");
  set_dn_cn(&C(LEAF)->issuer_name, "chainfuzz ica$");
  C(LEAF)->issuer_name.attrs[0].type = CF_STR_T61;
  set_dn_cn(&C(ICA)->subject, "chainfuzz ica$");
  REJECT(UNTRUSTED, "path.untrusted",
         "issuer DN T61String with '$' (not ASCII in T.61), subject UTF8String");
  set_dn_cn(&C(LEAF)->issuer_name, "chainfuzz ica");
  set_dn_cn(&C(ICA)->subject, "chainfuzz ica");
  C(LEAF)->issuer_name.attrs[0].type = CF_STR_IA5;
  EITHER(UNTRUSTED, "path.name-not-identical",
         "issuer DN IA5String, subject UTF8String (OpenSSL's and BoringSSL's "
         "canonical names)");
  set_dn_cn(&C(LEAF)->issuer_name, "chainfuzz ica\xc3\xa9");
  C(LEAF)->issuer_name.attrs[0].type = CF_STR_IA5;
  set_dn_cn(&C(ICA)->subject, "chainfuzz ica\xc3\xa9");
  REJECT(UNTRUSTED, "path.untrusted",
         "issuer DN IA5String with bytes over 0x7f, subject UTF8String");
  set_dn_cn(&C(ICA)->subject, "chainfuzz ica");
  /* RFC 4518 2.6.1 insignificant spaces (OpenSSL and BoringSSL fold them
   * in their canonical names; Mbed TLS and wolfSSL compare bytes). */
  set_dn_cn(&C(LEAF)->issuer_name, "chainfuzz  ica");
  EITHER(UNTRUSTED, "path.name-not-identical", "issuer DN with a doubled space");
  set_dn_cn(&C(LEAF)->issuer_name, " chainfuzz ica  ");
  EITHER(UNTRUSTED, "path.name-not-identical",
         "issuer DN with leading and trailing spaces");
  set_dn_cn(&C(LEAF)->issuer_name, "chainfuzz  ica");
  C(LEAF)->issuer_name.attrs[0].type = CF_STR_IA5;
  EITHER(UNTRUSTED, "path.name-not-identical",
         "issuer DN IA5String with a doubled space, subject UTF8String");
  set_dn_cn(&C(LEAF)->issuer_name, "chainfuzzica");
  REJECT(UNTRUSTED, "path.untrusted", "issuer DN without the space");

  /* A loop of cross-certified CAs never hangs. */
  reset();
  int a = add(CF_TPL_ICA, "a", "intermediate-p256", -1);
  int b = add(CF_TPL_ICA, "b", "intermediate2-p256", a);
  C(a)->issuer = b;
  LEAF = add(CF_TPL_LEAF, "leaf", "leaf-p256", a);
  anchors(0);
  chain(3, LEAF, a, b);
  REJECT(UNTRUSTED, "path.untrusted", "a cycle of two CAs, no anchor");

  /* B18: more intermediates than allowed. */
  reset();
  ROOT = add(CF_TPL_ROOT, "root", "root-p256", -1);
  int i1 = add(CF_TPL_ICA, "ica1", "intermediate-p256", ROOT);
  int i2 = add(CF_TPL_ICA, "ica2", "intermediate2-p256", i1);
  LEAF = add(CF_TPL_LEAF, "leaf", "leaf-p256", i2);
  anchors(1, ROOT);
  chain(3, LEAF, i2, i1);
  g_r.device.profile.max_depth = 1;
  REJECT(PATH_LENGTH, "path.too-deep", "two intermediates, device allows one");

  /* B10 / CVE-2020-0601: a copy of the trusted root with explicit curve
   * parameters and a chosen generator signs the leaf. */
  std3();
  int fake = add(CF_TPL_ROOT, "fake-root", "root-p256", -1);
  C(fake)->subject = C(ROOT)->subject;
  C(fake)->spki = CF_SPKI_EXPLICIT_GENERATOR;
  C(LEAF)->issuer = fake;
  chain(2, LEAF, fake);
  /* Two paths: via the spoofed root (its SPKI does not decode under
   * RFC 5480) and straight to the real root (whose named-curve key does
   * not verify the leaf): the second passes more checks and is named. */
  REJECT(SIGNATURE, "sig.wrong-key", "B10 spoofed root with chosen generator");
  chain(1, LEAF);
  REJECT(SIGNATURE, "sig.wrong-key", "B10 leaf alone: the real root's key fails");
  anchors(1, fake);
  chain(1, LEAF);
  EITHER(UNTRUSTED, "anchor.malformed",
         "the explicit-generator cert itself in the trust store");
  std3();
  C(ICA)->spki = CF_SPKI_EXPLICIT_PARAMS;
  EITHER(PARSE, "key.explicit-ec-named", "ICA with explicit standard parameters");
  std3();
  C(ICA)->spki = CF_SPKI_EXPLICIT_GENERATOR;
  REJECT(PARSE, "key.explicit-ec-generator", "ICA with a chosen generator");

  std3();
  C(ROOT)->defects = 1u << CF_DEF_LONG_LENGTH;
  EITHER(UNTRUSTED, "anchor.malformed", "anchor with a long-form length");
  std3();
  C(ROOT)->spki = CF_SPKI_EXPLICIT_PARAMS;
  EITHER(UNTRUSTED, "anchor.malformed", "anchor with explicit EC parameters");
}

static void test_signatures(void) {
  static const enum cf_defect kSig[] = {
      CF_DEF_SIG_BITFLIP, CF_DEF_SIG_TRUNCATE, CF_DEF_SIG_EMPTY,
      CF_DEF_SIG_ZERO_R,  CF_DEF_SIG_ZERO_S,   CF_DEF_SIG_ZERO_RS};
  char what[96];
  for (size_t i = 0; i < sizeof(kSig) / sizeof(kSig[0]); i++) {
    std3();
    C(LEAF)->defects = 1u << kSig[i];
    snprintf(what, sizeof(what), "leaf %s (B09, B12)", cf_defect_name(kSig[i]));
    REJECT(SIGNATURE, "sig.defect", what);
  }
  /* B06: the issuer's own signature does not decode. */
  std3();
  C(ICA)->defects = 1u << CF_DEF_SIG_EMPTY;
  REJECT(SIGNATURE, "sig.defect", "B06 ICA with an empty signature");
  /* B11: e=3 issuer, forged PKCS#1 signature. */
  std3_kt("rsa2048");
  C(ICA)->key = key("intermediate-rsa2048e3");
  C(LEAF)->defects = 1u << CF_DEF_SIG_E3_FORGERY;
  REJECT(SIGNATURE, "sig.defect", "B11 e=3 Bleichenbacher forgery");

  std3();
  C(LEAF)->signed_by = key("attacker-p256");
  REJECT(SIGNATURE, "sig.wrong-key", "leaf signed by another key");

  /* B07: [leaf, attacker CA, self-signed cert named like the root]. */
  std3();
  int fake = add(CF_TPL_ROOT, "fake-root", "attacker-p384", -1);
  C(fake)->subject = C(ROOT)->subject;
  int evil = add(CF_TPL_ICA, "evil-ca", "attacker-p256", fake);
  C(evil)->subject = C(ICA)->subject;
  C(LEAF)->issuer = evil;
  chain(3, LEAF, evil, fake);
  REJECT(SIGNATURE, NULL, "B07 trailing self-signed lookalike root");

  /* B14: root -> real EE -> forged leaf. */
  std3();
  int ee = add(CF_TPL_LEAF, "ee", "intermediate-p256", ROOT);
  set_dn_cn(&C(ee)->subject, "real ee");
  C(LEAF)->issuer = ee;
  C(LEAF)->signed_by = key("attacker-p256");
  chain(2, LEAF, ee);
  /* Two failures: RFC 5280 6.1 meets the EE-as-issuer (certificate 1)
   * before the forged leaf's signature (certificate 2). */
  REJECT(NOT_CA, "ca.not-ca", "B14 forged leaf under a real EE");

  /* B13: signature algorithms. */
  std3_kt("p384");
  C(LEAF)->tbs_alg = CF_ALG_ECDSA_SHA256;
  REJECT(SIGNATURE, "sig.alg-mismatch", "B13 TBS and outer algorithms differ");
  std3_kt("p384");
  C(LEAF)->tbs_alg = C(LEAF)->outer_alg = CF_ALG_RSA_PKCS1_SHA256;
  REJECT(SIGNATURE, "sig.alg-key-mismatch", "B13 RSA identifier, EC issuer key");
  std3_kt("rsa2048");
  C(LEAF)->tbs_alg = C(LEAF)->outer_alg = CF_ALG_ED25519;
  REJECT(SIGNATURE, "sig.alg-key-mismatch", "Ed25519 identifier, RSA issuer");
  std3();
  C(LEAF)->tbs_alg = C(LEAF)->outer_alg = CF_ALG_OID;
  snprintf(C(LEAF)->tbs_alg_oid, CF_RECIPE_MAX_OID + 1, "1.2.3.4");
  snprintf(C(LEAF)->outer_alg_oid, CF_RECIPE_MAX_OID + 1, "1.2.3.4");
  REJECT(SIGNATURE, "sig.alg-key-mismatch", "an unknown algorithm OID");
  std3_kt("p384");
  C(LEAF)->tbs_alg = C(LEAF)->outer_alg = CF_ALG_ECDSA_SHA1;
  REJECT(WEAK_ALGORITHM, "alg.not-accepted", "B13 P-384 issuer with ECDSA-SHA1");
  std3_kt("p256");
  C(LEAF)->tbs_alg = C(LEAF)->outer_alg = CF_ALG_ECDSA_SHA512;
  EITHER(WEAK_ALGORITHM, "alg.curve-hash-mismatch", "P-256 issuer with ECDSA-SHA512");
  std3_kt("p521");
  ACCEPT("P-521 issuer with ECDSA-SHA512 (default)");
  std3_kt("rsa2048");
  C(LEAF)->tbs_alg = C(LEAF)->outer_alg = CF_ALG_RSA_PSS_SHA256;
  ACCEPT("RSA issuer with RSA-PSS-SHA256");
}

/* --- validity, CA checks ----------------------------------------------- */

static void test_validity_and_ca(void) {
  std3();
  g_r.device.profile.clock = CF_CLOCK_UNSET;
  REJECT(NOT_YET_VALID, "validity.not-yet-valid", "clock never set");
  std3();
  C(ICA)->not_after.t = 1735689600; /* 2025-01-01 */
  REJECT(EXPIRED, "validity.expired", "B27 expired intermediate");
  std3();
  C(ROOT)->not_after.t = 1735689600;
  EITHER(EXPIRED, "anchor.expired", "expired trust anchor");
  std3();
  C(ROOT)->not_before.t = 1798761600; /* 2027-01-01 */
  EITHER(NOT_YET_VALID, "anchor.not-yet-valid", "anchor not yet valid");
  std3();
  C(ROOT)->not_after.t = 1735689600;
  C(LEAF)->not_after.t = 1735689600;
  REJECT(EXPIRED, "validity.expired", "expired anchor and leaf: REJECT");

  /* B01, B05: an end entity as an issuer. */
  std3();
  int ee_a = add(CF_TPL_LEAF, "ee-a", "intermediate2-p256", ICA);
  set_dn_cn(&C(ee_a)->subject, "ee a");
  C(LEAF)->issuer = ee_a;
  chain(3, LEAF, ee_a, ICA);
  REJECT(NOT_CA, "ca.not-ca", "B01 end entity (cA FALSE) signs the leaf");
  g_r.device.profile.flags |= CF_PROFILE_FLAG_X509_STRICT;
  g_r.device.profile.purpose = CF_PURPOSE_NONE;
  REJECT(NOT_CA, "ca.not-ca", "B05 same, strict mode, no purpose");
  /* B04: alternative chains: a failing first path and an EE as issuer. */
  int alt = add(CF_TPL_ICA, "ica-alt", "intermediate-p384", ROOT);
  C(alt)->subject = C(ICA)->subject;
  C(alt)->not_after.t = 1735689600;
  chain(4, LEAF, ee_a, alt, ICA);
  REJECT(NOT_CA, NULL, "B04 alternative path still needs a CA issuer");

  std3();
  C(ICA)->bc = CF_RBC_ABSENT;
  REJECT(NOT_CA, "ca.not-ca", "B02 ICA without basicConstraints");
  std3();
  C(ICA)->version = 1;
  REJECT(NOT_CA, "ca.v1-v2-intermediate", "B03 version 1 ICA");
  std3();
  C(ICA)->version = 2;
  REJECT(NOT_CA, "ca.v1-v2-intermediate", "version 2 ICA");
  std3();
  C(ROOT)->version = 1;
  ACCEPT("version 1 trust anchor");
  std3();
  C(ROOT)->version = 2;
  EITHER(NOT_CA, "anchor.not-ca",
         "version 2 trust anchor (OpenSSL exempts version 1 only)");
  std3();
  C(ROOT)->bc = CF_RBC_EE;
  EITHER(NOT_CA, "anchor.not-ca", "v3 anchor with cA FALSE");

  std3();
  C(ICA)->bc_critical = 0;
  EITHER(NOT_CA, "ca.bc-noncritical", "ICA basicConstraints not critical");
  std3();
  C(LEAF)->ku |= CF_RKU_KEY_CERT_SIGN;
  EITHER(KEY_USAGE, "ku.cert-sign-not-ca", "leaf keyCertSign without cA");
  /* No purpose check, a leaf without digitalSignature (hour runs). */
  std3();
  g_r.device.profile.purpose = CF_PURPOSE_NONE;
  C(LEAF)->ku_present = 1;
  C(LEAF)->ku = CF_RKU_KEY_AGREEMENT;
  EITHER(KEY_USAGE, "ku.leaf-no-purpose", "purpose none, leaf keyAgreement");
  C(LEAF)->ku = CF_RKU_DIGITAL_SIGNATURE;
  ACCEPT("purpose none, leaf digitalSignature");
  /* Strict mode: a CA without keyUsage (hour runs, chain_diff). */
  std3();
  C(ICA)->ku_present = 0;
  C(ICA)->ku = 0;
  ACCEPT("ICA without keyUsage");
  g_r.device.profile.flags |= CF_PROFILE_FLAG_X509_STRICT;
  EITHER(KEY_USAGE, "ku.ca-absent-strict", "ICA without keyUsage, strict");
  std3();
  g_r.device.profile.flags |= CF_PROFILE_FLAG_X509_STRICT;
  C(ROOT)->ku_present = 0;
  C(ROOT)->ku = 0;
  EITHER(KEY_USAGE, "ku.ca-absent-strict", "anchor without keyUsage, strict");
  std3();
  g_r.device.profile.flags |= CF_PROFILE_FLAG_X509_STRICT;
  ACCEPT("every CA with keyUsage, strict");
  std3();
  C(LEAF)->aki_mode = 2;
  memset(C(LEAF)->aki, 0x11, 20);
  C(LEAF)->aki_len = 20;
  EITHER(UNTRUSTED, "path.aki-mismatch", "leaf AKI is not the ICA's SKI");
  std3();
  C(LEAF)->aki_mode = 0;
  C(LEAF)->ski_mode = 0;
  EITHER(UNTRUSTED, "path.aki-ski-missing", "leaf without AKI");
  std3();
  C(ICA)->ski_mode = 0;
  C(LEAF)->aki_mode = 0;
  EITHER(UNTRUSTED, "path.aki-ski-missing", "ICA without SKI");
  std3();
  C(LEAF)->ski_mode = 0;
  ACCEPT("leaf without SKI (only SHOULD)");

  /* B30 and pathLen. */
  reset();
  ROOT = add(CF_TPL_ROOT, "root", "root-p256", -1);
  int i1 = add(CF_TPL_ICA, "ica1", "intermediate-p256", ROOT);
  int i2 = add(CF_TPL_ICA, "ica2", "intermediate2-p256", i1);
  LEAF = add(CF_TPL_LEAF, "leaf", "leaf-p256", i2);
  anchors(1, ROOT);
  chain(3, LEAF, i2, i1);
  C(i1)->bc_path_len = 0;
  REJECT(PATH_LENGTH, "ca.path-len", "B30 ICA pathLen 0 above another ICA");
  C(i1)->bc_path_len = 1;
  ACCEPT("ICA pathLen 1 above one ICA");
  C(i1)->bc_path_len = -1;
  C(ROOT)->bc_path_len = 0;
  EITHER(PATH_LENGTH, "anchor.path-len", "root pathLen 0 -> ICA -> ICA");
  C(ROOT)->bc_path_len = 1;
  EITHER(PATH_LENGTH, "anchor.path-len", "root pathLen 1 -> ICA -> ICA");
  C(ROOT)->bc_path_len = 2;
  ACCEPT("root pathLen 2 -> ICA -> ICA");

  /* keyUsage. */
  std3();
  C(ICA)->ku = CF_RKU_DIGITAL_SIGNATURE | CF_RKU_CRL_SIGN;
  REJECT(KEY_USAGE, "ku.ca-no-cert-sign", "ICA keyUsage without keyCertSign");
  std3();
  C(ICA)->ku_present = 0;
  ACCEPT("ICA without keyUsage");
  std3();
  C(ROOT)->ku = CF_RKU_CRL_SIGN;
  EITHER(KEY_USAGE, "anchor.key-usage", "anchor keyUsage without keyCertSign");
  std3();
  C(LEAF)->ku = CF_RKU_NON_REPUDIATION | CF_RKU_KEY_CERT_SIGN;
  REJECT(KEY_USAGE, "ku.leaf-tls", "EC leaf without digitalSignature");
  std3_kt("rsa2048");
  C(LEAF)->ku = CF_RKU_KEY_ENCIPHERMENT;
  EITHER(KEY_USAGE, "ku.leaf-tls12-only", "RSA leaf with keyEncipherment only");
  g_r.device.profile.purpose = CF_PURPOSE_CLIENT_AUTH;
  set_eku(LEAF, 1, "1.3.6.1.5.5.7.3.2");
  REJECT(KEY_USAGE, "ku.leaf-tls", "client cert with keyEncipherment only");
  std3();
  C(LEAF)->ku = CF_RKU_KEY_AGREEMENT;
  EITHER(KEY_USAGE, "ku.leaf-tls12-only", "EC leaf with keyAgreement only");
}

/* --- name constraints ---------------------------------------------------- */

static void test_name_constraints(void) {
  static const uint8_t kTen[8] = {10, 0, 0, 0, 255, 0, 0, 0};
  static const uint8_t kIp[4] = {192, 0, 2, 1};
  char what[96];

  /* B16: iPAddress constraints. */
  std3();
  add_ip(&C(ICA)->permitted, kTen, 8);
  cf_profile_set_ip(&g_r.device.profile, kIp, 4);
  add_ip(&C(LEAF)->san, kIp, 4);
  REJECT(NAME_CONSTRAINTS, "nc.permitted", "B16 IP SAN outside 10.0.0.0/8");
  {
    static const uint8_t kTenOne[4] = {10, 1, 2, 3};
    std3();
    add_ip(&C(ICA)->permitted, kTen, 8);
    cf_profile_set_ip(&g_r.device.profile, kTenOne, 4);
    C(LEAF)->san.num = 0;
    add_ip(&C(LEAF)->san, kTenOne, 4);
    ACCEPT("IP SAN 10.1.2.3 inside 10.0.0.0/8");
  }

  std3();
  add_gn(&C(ICA)->permitted, CF_GN_DNS, "allowed.example");
  REJECT(NAME_CONSTRAINTS, "nc.permitted", "dNSName outside permitted");
  std3();
  add_gn(&C(ICA)->permitted, CF_GN_DNS, ".example.com");
  san_dns(LEAF, "example.com");
  set_name("example.com");
  EITHER(NAME_CONSTRAINTS, "nc.dns-leading-dot",
         ".example.com and the apex example.com");
  std3();
  add_gn(&C(ICA)->excluded, CF_GN_DNS, ".example.com");
  san_dns(LEAF, "example.com");
  set_name("example.com");
  EITHER(NAME_CONSTRAINTS, "nc.dns-leading-dot",
         "excluded .example.com and the apex example.com");
  std3();
  add_gn(&C(ICA)->permitted, CF_GN_DNS, "example.com");
  C(ICA)->nc_critical = 0;
  EITHER(NAME_CONSTRAINTS, "nc.noncritical", "non-critical nameConstraints");
  /* A host-name-like CN the device does not match (it connects by IP):
   * OpenSSL checks it against dNSName constraints (chain_diff
   * 216013aafd1f). */
  std3();
  add_gn(&C(ICA)->excluded, CF_GN_DNS, "device.example.com");
  C(LEAF)->san_present = 1;
  C(LEAF)->san.num = 0;
  {
    static const uint8_t kDev[4] = {192, 0, 2, 1};
    add_ip(&C(LEAF)->san, kDev, 4);
    cf_profile_set_ip(&g_r.device.profile, kDev, 4);
  }
  EITHER(NAME_CONSTRAINTS, "nc.cn-not-used",
         "IP device, CN device.example.com in an excluded DNS subtree");
  set_dn_cn(&C(LEAF)->subject, "device");
  ACCEPT("IP device, CN of one label (no host name)");

  /* An emailAddress in the subject beside a SAN (hour runs: every library
   * checks it against rfc822Name constraints; RFC 5280 asks for it only
   * without a SAN). */
  {
    static const char *const kValues[] = {"ops@evil.example", "US",
                                          "ops@example.com"};
    for (size_t i = 0; i < 3; i++) {
      std3();
      add_gn(&C(ICA)->permitted, CF_GN_EMAIL, "example.com");
      struct cf_rattr *a = &C(LEAF)->subject.attrs[C(LEAF)->subject.num_attrs++];
      memset(a, 0, sizeof(*a));
      snprintf(a->oid, sizeof(a->oid), "1.2.840.113549.1.9.1");
      a->type = CF_STR_IA5;
      a->value_len = strlen(kValues[i]);
      memcpy(a->value, kValues[i], a->value_len);
      snprintf(what, sizeof(what), "emailAddress %s beside a DNS SAN, "
               "email example.com permitted", kValues[i]);
      if (i < 2) {
        EITHER(NAME_CONSTRAINTS, "nc.email-in-dn-with-san", what);
      } else {
        ACCEPT(what);
      }
      if (i == 0) {
        C(LEAF)->san_present = 0;
        C(LEAF)->san.num = 0;
        REJECT(NAME_CONSTRAINTS, "nc.permitted",
               "the same without a SAN (CN fallback)");
      }
    }
  }
  std3();
  add_gn(&C(ICA)->excluded, CF_GN_DNS, "bar.example.com");
  san_dns(LEAF, "*.example.com");
  EITHER(NAME_CONSTRAINTS, "nc.wildcard-excluded",
         "*.example.com covers excluded bar, device is another name");

  /* B19: an excluded name covered by a wildcard. */
  std3();
  add_gn(&C(ICA)->excluded, CF_GN_DNS, "bar.example.com");
  san_dns(LEAF, "*.example.com");
  set_name("bar.example.com");
  REJECT(NAME_CONSTRAINTS, "nc.excluded", "B19 *.example.com vs excluded bar");
  /* B20: case. */
  std3();
  add_gn(&C(ICA)->excluded, CF_GN_DNS, "evil.example");
  san_dns(LEAF, "sub.EVIL.example");
  set_name("sub.evil.example");
  REJECT(NAME_CONSTRAINTS, "nc.excluded", "B20 excluded evil.example, SAN sub.EVIL.example");

  /* B21: exclusions on one CA, permissions on the next. */
  reset();
  ROOT = add(CF_TPL_ROOT, "root", "root-p256", -1);
  int i1 = add(CF_TPL_ICA, "ica1", "intermediate-p256", ROOT);
  int i2 = add(CF_TPL_ICA, "ica2", "intermediate2-p256", i1);
  LEAF = add(CF_TPL_LEAF, "leaf", "leaf-p256", i2);
  anchors(1, ROOT);
  chain(3, LEAF, i2, i1);
  add_gn(&C(i1)->excluded, CF_GN_DNS, "bad.example");
  add_gn(&C(i2)->permitted, CF_GN_DNS, "good.example");
  san_dns(LEAF, "evil.example");
  set_name("evil.example");
  REJECT(NAME_CONSTRAINTS, "nc.permitted", "B21 permitted of a later CA kept");
  /* Constraints on the anchor apply too (RFC 5937). */
  C(i2)->permitted.num = 0;
  C(i1)->excluded.num = 0;
  add_gn(&C(ROOT)->permitted, CF_GN_DNS, "good.example");
  EITHER(NAME_CONSTRAINTS, "anchor.name-constraints",
         "root permits good.example only");

  /* B22: CN fallback and constraints. */
  std3();
  add_gn(&C(ICA)->permitted, CF_GN_DNS, "allowed.example");
  C(LEAF)->san_present = 0;
  set_dn_cn(&C(LEAF)->subject, "victim.example");
  set_name("victim.example");
  REJECT(NAME_CONSTRAINTS, "nc.cn-as-name", "B22 CN used as the name");
  g_r.device.profile.flags |= CF_PROFILE_FLAG_NO_CN_FALLBACK;
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "B22 with CN fallback disabled");

  /* B24: two email exclusions sharing a local part. */
  std3();
  add_gn(&C(ICA)->excluded, CF_GN_EMAIL, "foo@a.example");
  add_gn(&C(ICA)->excluded, CF_GN_EMAIL, "foo@b.example");
  add_gn(&C(LEAF)->san, CF_GN_EMAIL, "foo@a.example");
  REJECT(NAME_CONSTRAINTS, "nc.excluded", "B24 first of two email exclusions");
  std3();
  add_gn(&C(ICA)->permitted, CF_GN_EMAIL, ".example.org");
  add_gn(&C(LEAF)->san, CF_GN_EMAIL, "ops@mail.example.org");
  ACCEPT("email inside a .example.org permitted subtree");
  /* emailAddress in the subject when there is no SAN. */
  std3();
  add_gn(&C(ICA)->excluded, CF_GN_EMAIL, "a.example");
  C(LEAF)->san_present = 0;
  C(LEAF)->subject.num_attrs = 2;
  snprintf(C(LEAF)->subject.attrs[1].oid, CF_RECIPE_MAX_OID + 1,
           "1.2.840.113549.1.9.1");
  C(LEAF)->subject.attrs[1].type = CF_STR_IA5;
  memcpy(C(LEAF)->subject.attrs[1].value, "x@A.example", 11);
  C(LEAF)->subject.attrs[1].value_len = 11;
  REJECT(NAME_CONSTRAINTS, "nc.excluded", "subject emailAddress excluded");

  /* B25: URI with an IPv6 zone id. */
  std3();
  add_gn(&C(ICA)->permitted, CF_GN_URI, "example.com");
  add_gn(&C(LEAF)->san, CF_GN_URI, "http://[fe80::1%eth0]/");
  REJECT(NAME_CONSTRAINTS, "nc.permitted", "B25 URI with IPv6 zone id");
  std3();
  add_gn(&C(ICA)->permitted, CF_GN_URI, "example.com");
  add_gn(&C(LEAF)->san, CF_GN_URI, "https://user@EXAMPLE.com:8443/x");
  ACCEPT("URI host example.com inside permitted URI example.com");
  std3();
  add_gn(&C(ICA)->permitted, CF_GN_URI, "example.com");
  add_gn(&C(LEAF)->san, CF_GN_URI, "https://www.example.com/");
  REJECT(NAME_CONSTRAINTS, "nc.permitted", "URI constraint has no subdomains");

  /* directoryName. */
  std3();
  {
    struct cf_gn *g = &C(ICA)->permitted.names[C(ICA)->permitted.num++];
    memset(g, 0, sizeof(*g));
    g->type = CF_GN_DN;
    set_dn_cn(&g->dn, "other.example");
  }
  REJECT(NAME_CONSTRAINTS, "nc.permitted", "subject DN outside directoryName");
  std3();
  {
    struct cf_gn *g = &C(ICA)->excluded.names[C(ICA)->excluded.num++];
    memset(g, 0, sizeof(*g));
    g->type = CF_GN_DN;
    set_dn_cn(&g->dn, "Device.Example.com");
  }
  REJECT(NAME_CONSTRAINTS, "nc.excluded", "subject DN in an excluded subtree");

  /* Self-issued intermediates (but the last) are not subject to
   * constraints: a rollover certificate of the ICA below it. */
  reset();
  ROOT = add(CF_TPL_ROOT, "root", "root-p256", -1);
  ICA = add(CF_TPL_ICA, "ica", "intermediate-p256", ROOT);
  {
    struct cf_gn *g = &C(ICA)->permitted.names[C(ICA)->permitted.num++];
    memset(g, 0, sizeof(*g));
    g->type = CF_GN_DN;
    set_dn_cn(&g->dn, "device.example.com");
  }
  int roll = add(CF_TPL_ICA, "ica-rollover", "intermediate2-p256", ICA);
  C(roll)->subject = C(ICA)->subject;
  LEAF = add(CF_TPL_LEAF, "leaf", "leaf-p256", roll);
  anchors(1, ROOT);
  chain(3, LEAF, roll, ICA);
  ACCEPT("self-issued ICA below a directoryName constraint is exempt");
  set_dn_cn(&C(roll)->subject, "chainfuzz ica 2");
  C(LEAF)->has_issuer_name = 0;
  REJECT(NAME_CONSTRAINTS, "nc.permitted",
         "the same ICA, not self-issued, is constrained");
}

static void set_policy(int idx, const char *oid) {
  struct cf_rcert *c = C(idx);
  c->policies_present = 1;
  snprintf(c->policies[c->num_policies++], CF_RECIPE_MAX_OID + 1, "%s", oid);
}

static void add_map(int idx, const char *issuer, const char *subject) {
  struct cf_policy_map *m = &C(idx)->policy_maps[C(idx)->num_policy_maps++];
  snprintf(m->issuer, sizeof(m->issuer), "%s", issuer);
  snprintf(m->subject, sizeof(m->subject), "%s", subject);
  C(idx)->policy_maps_critical = 0;
}

/* test_policy_mappings: RFC 5280 6.1.4 (a), (b), (i)(2) and the critical
 * extension a library need not process. */
static void test_policy_mappings(void) {
  static const char kA[] = "1.2.3", kB[] = "1.2.4", kAny[] = "2.5.29.32.0";
  std3();
  C(ICA)->pc_present = 1;
  C(ICA)->pc_require_explicit = 0;
  set_policy(ICA, kA);
  add_map(ICA, kA, kB);
  set_policy(LEAF, kB);
  ACCEPT("A mapped to B, leaf B");
  C(ICA)->policy_maps_critical = 1;
  EITHER(CRITICAL_EXTENSION, "ext.critical-pkix",
         "A mapped to B, leaf B, critical policyMappings");
  C(ICA)->policy_maps_critical = 0;
  snprintf(C(LEAF)->policies[0], CF_RECIPE_MAX_OID + 1, "%s", kA);
  REJECT(POLICY, "policy.no-explicit-policy",
         "A mapped to B, leaf A: the node of A expects only B");
  snprintf(C(ICA)->policies[0], CF_RECIPE_MAX_OID + 1, "%s", kAny);
  ACCEPT("anyPolicy CA maps A to B, leaf A: no match, so the anyPolicy node");
  snprintf(C(LEAF)->policies[0], CF_RECIPE_MAX_OID + 1, "%s", kB);
  ACCEPT("anyPolicy CA maps A to B, leaf B: node A made from anyPolicy");
  snprintf(C(ICA)->policy_maps[0].issuer, CF_RECIPE_MAX_OID + 1, "%s", kAny);
  snprintf(C(ICA)->policy_maps[0].subject, CF_RECIPE_MAX_OID + 1, "%s", kB);
  REJECT(POLICY, "policy.malformed", "anyPolicy mapped, explicit required");
  C(ICA)->pc_present = 0;
  EITHER(POLICY, "policy.malformed-unused", "anyPolicy mapped, none required");
  /* The leaf's mappings are not processed. */
  std3();
  C(ICA)->pc_present = 1;
  C(ICA)->pc_require_explicit = 0;
  set_policy(ICA, kAny);
  set_policy(LEAF, kA);
  add_map(LEAF, kAny, kAny);
  EITHER(POLICY, "policy.malformed-unused", "leaf maps anyPolicy, required");
  snprintf(C(LEAF)->policy_maps[0].issuer, CF_RECIPE_MAX_OID + 1, "%s", kA);
  snprintf(C(LEAF)->policy_maps[0].subject, CF_RECIPE_MAX_OID + 1, "%s", kB);
  ACCEPT("the leaf maps its own A to B: not processed");

  /* inhibitPolicyMapping: (b) runs before (h) and (i)(2). */
  reset();
  ROOT = add(CF_TPL_ROOT, "root", "root-p256", -1);
  int upper = add(CF_TPL_ICA, "upper", "intermediate2-p256", ROOT);
  ICA = add(CF_TPL_ICA, "ica", "intermediate-p256", upper);
  LEAF = add(CF_TPL_LEAF, "leaf", "leaf-p256", ICA);
  anchors(1, ROOT);
  chain(3, LEAF, ICA, upper);
  C(upper)->pc_present = 1;
  C(upper)->pc_require_explicit = 0;
  C(upper)->pc_inhibit_mapping = 1;
  set_policy(upper, kAny);
  set_policy(ICA, kA);
  add_map(ICA, kA, kB);
  set_policy(LEAF, kB);
  ACCEPT("inhibitPolicyMapping 1 above the mapping CA");
  C(upper)->pc_inhibit_mapping = 0;
  REJECT(POLICY, "policy.no-explicit-policy",
         "inhibitPolicyMapping 0 above: node A deleted, tree NULL");
  C(upper)->pc_require_explicit = -1;
  ACCEPT("inhibitPolicyMapping 0 above, no explicit policy required");
  /* The mapping CA's own inhibitPolicyMapping 0 applies after its
   * mappings. */
  C(upper)->pc_present = 0;
  C(ICA)->pc_present = 1;
  C(ICA)->pc_require_explicit = 0;
  C(ICA)->pc_inhibit_mapping = 0;
  ACCEPT("the mapping CA's own inhibitPolicyMapping 0");
}

/* --- policies, extensions, EKU, algorithms ------------------------------- */

static void test_policies_and_extensions(void) {
  /* B26. */
  std3();
  C(ICA)->pc_present = 1;
  C(ICA)->pc_require_explicit = 0;
  C(LEAF)->policies_malformed = 1;
  REJECT(POLICY, "policy.malformed", "B26 malformed leaf policies");
  std3();
  C(LEAF)->policies_present = 1;
  C(LEAF)->num_policies = 2;
  snprintf(C(LEAF)->policies[0], CF_RECIPE_MAX_OID + 1, "1.2.3");
  snprintf(C(LEAF)->policies[1], CF_RECIPE_MAX_OID + 1, "1.2.3");
  EITHER(POLICY, "policy.malformed-unused", "a policy OID twice, none required");
  C(ICA)->pc_present = 1;
  C(ICA)->pc_require_explicit = 3;
  REJECT(POLICY, "policy.malformed", "a policy OID twice, explicit policy required");
  std3();
  C(ICA)->pc_present = 1;
  EITHER(POLICY, "policy.malformed-unused", "empty policyConstraints");
  std3();
  C(LEAF)->policies_malformed = 1;
  EITHER(POLICY, "policy.malformed-unused", "malformed leaf policies, none required");

  std3();
  C(ICA)->pc_present = 1;
  C(ICA)->pc_require_explicit = 0;
  C(ICA)->policies_present = 1;
  C(ICA)->num_policies = 1;
  snprintf(C(ICA)->policies[0], CF_RECIPE_MAX_OID + 1, "1.2.4");
  C(LEAF)->policies_present = 1;
  C(LEAF)->num_policies = 1;
  snprintf(C(LEAF)->policies[0], CF_RECIPE_MAX_OID + 1, "1.2.3");
  REJECT(POLICY, "policy.no-explicit-policy", "required policy, no overlap");
  C(LEAF)->policies_present = 0;
  REJECT(POLICY, "policy.no-explicit-policy", "required policy, leaf has none");
  C(ICA)->pc_require_explicit = 1;
  REJECT(POLICY, "policy.no-explicit-policy",
         "requireExplicitPolicy 1 in the last CA: the leaf is the one");
  C(ICA)->pc_require_explicit = 2;
  ACCEPT("requireExplicitPolicy 2 in the last CA");
  C(ICA)->pc_present = 0;
  C(LEAF)->policies_present = 1;
  ACCEPT("no policy required, no overlap");
  /* inhibitAnyPolicy 0: the leaf's anyPolicy no longer matches. */
  std3();
  C(ICA)->pc_present = 1;
  C(ICA)->pc_require_explicit = 0;
  C(ICA)->inhibit_any_policy = 0;
  C(ICA)->policies_present = 1;
  C(ICA)->num_policies = 1;
  snprintf(C(ICA)->policies[0], CF_RECIPE_MAX_OID + 1, "1.2.4");
  C(LEAF)->policies_present = 1;
  C(LEAF)->num_policies = 1;
  snprintf(C(LEAF)->policies[0], CF_RECIPE_MAX_OID + 1, "2.5.29.32.0");
  REJECT(POLICY, "policy.no-explicit-policy", "inhibitAnyPolicy 0");
  C(ICA)->inhibit_any_policy = -1;
  ACCEPT("anyPolicy in the leaf keeps the CA's policy");

  /* B28. */
  std3();
  raw_ext(LEAF, "1.3.6.1.4.1.99999.7", 1);
  REJECT(CRITICAL_EXTENSION, "ext.unknown-critical", "B28 unknown critical extension");
  std3();
  raw_ext(ICA, "1.3.6.1.4.1.99999.7", 1);
  REJECT(CRITICAL_EXTENSION, "ext.unknown-critical", "unknown critical in ICA");
  std3();
  raw_ext(LEAF, "1.3.6.1.4.1.99999.7", 0);
  ACCEPT("unknown non-critical extension");
  std3();
  raw_ext(LEAF, "1.3.6.1.5.5.7.1.1", 1);
  EITHER(CRITICAL_EXTENSION, "ext.critical-pkix", "critical AIA");
  std3();
  raw_ext(ROOT, "1.3.6.1.4.1.99999.7", 1);
  EITHER(CRITICAL_EXTENSION, "anchor.critical-extension", "unknown critical in the anchor");

  /* B29 and EKU. */
  std3();
  set_eku(LEAF, 1, "1.3.6.1.5.5.7.3.2");
  REJECT(EKU, "eku.leaf", "B29 clientAuth-only leaf for a TLS client");
  std3();
  g_r.device.profile.purpose = CF_PURPOSE_CLIENT_AUTH;
  REJECT(EKU, "eku.leaf", "serverAuth-only leaf as a client certificate");
  std3();
  set_eku(LEAF, 1, "2.5.29.37.0");
  EITHER(EKU, "eku.leaf-any", "leaf with anyExtendedKeyUsage only");
  std3();
  C(LEAF)->eku_present = 0;
  ACCEPT("leaf without EKU");
  std3();
  set_eku(ICA, 1, "1.3.6.1.5.5.7.3.4");
  EITHER(EKU, "eku.ca", "ICA EKU emailProtection only");
  std3();
  set_eku(ICA, 1, "2.5.29.37.0");
  EITHER(EKU, "eku.ca", "ICA EKU anyExtendedKeyUsage only (BoringSSL rejects)");
  std3();
  set_eku(ICA, 2, "2.5.29.37.0", "1.3.6.1.5.5.7.3.1");
  ACCEPT("ICA EKU anyExtendedKeyUsage and serverAuth");
  std3();
  set_eku(ICA, 2, "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
  ACCEPT("ICA EKU with serverAuth");

  /* Algorithms and keys. */
  std3_kt("rsa2048");
  C(ICA)->tbs_alg = C(ICA)->outer_alg = CF_ALG_RSA_PKCS1_SHA1;
  REJECT(WEAK_ALGORITHM, "alg.not-accepted", "SHA-1 signed ICA");
  g_r.device.algorithms |= 1u << CF_ALG_RSA_PKCS1_SHA1;
  ACCEPT("SHA-1 signed ICA on a device that accepts SHA-1");
  std3_kt("rsa2048");
  C(LEAF)->tbs_alg = C(LEAF)->outer_alg = CF_ALG_RSA_PKCS1_MD5;
  REJECT(WEAK_ALGORITHM, "alg.not-accepted", "MD5 signed leaf");
  std3();
  g_r.device.algorithms &= ~(1u << CF_ALG_ED25519);
  ACCEPT("P-256 chain on a device without Ed25519");
  std3_kt("ed25519");
  g_r.device.algorithms &= ~(1u << CF_ALG_ED25519);
  REJECT(WEAK_ALGORITHM, "alg.not-accepted", "Ed25519 chain, device without it");

  std3_kt("rsa2048");
  C(LEAF)->key = key("leaf-rsa1024");
  REJECT(WEAK_KEY, "key.rsa-too-small", "RSA-1024 leaf");
  std3_kt("rsa2048");
  C(ICA)->key = key("intermediate-rsa1024");
  REJECT(WEAK_KEY, "key.rsa-too-small", "RSA-1024 ICA");
  std3_kt("rsa2048");
  C(ROOT)->key = key("root-rsa1024");
  EITHER(WEAK_KEY, "anchor.rsa-too-small", "RSA-1024 anchor");
  std3_kt("rsa2048");
  C(ICA)->key = key("intermediate-rsa2048e3");
  ACCEPT("RSA e=3 ICA with an honest signature");
}

/* --- names --------------------------------------------------------------- */

static void test_names(void) {
  std3();
  set_name("other.example.com");
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "wrong DNS name");
  std3();
  set_name("DEVICE.Example.COM");
  ACCEPT("DNS name differs in case only");
  std3();
  g_r.device.profile.name_type = CF_NAME_NONE;
  REJECT(NAME_MISMATCH, "name.not-configured", "B17 no name configured");

  /* A device name with bytes no DNS name has (issue 13): matching it byte
   * for byte is an EITHER; not matching stays a REJECT. */
  std3();
  san_dns(LEAF, "\x8f" "a\x9a" "i.example.com");
  set_name("\x8f" "a\x9a" "i.example.com");
  EITHER(NAME_MISMATCH, "name.reference-not-dns",
         "non-ASCII device name equal to the SAN");
  set_name("\x8f" "a\x9a" "i.example.org");
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "non-ASCII device name, no SAN");
  san_dns(LEAF, "*.example.com");
  set_name("a b.example.com");
  EITHER(NAME_MISMATCH, "name.reference-not-dns",
         "a space in the device name, matched by a wildcard");
  /* A device name "*" and a SAN "*" (hour runs, BoringSSL compares the
   * bytes before it looks for a wildcard); "*.example.com" the same. */
  std3();
  san_dns(LEAF, "*");
  set_name("*");
  EITHER(NAME_MISMATCH, "name.reference-not-dns",
         "device name * equal to the SAN *");
  san_dns(LEAF, "*.Example.com");
  set_name("*.example.com");
  EITHER(NAME_MISMATCH, "name.reference-not-dns",
         "device name *.example.com equal to the SAN but for case");
  san_dns(LEAF, "*");
  set_name("a");
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "device name a, SAN *");
  /* A trailing dot on both sides (from an empty corpus: BoringSSL strips
   * the reference's dot, not the SAN's). */
  san_dns(LEAF, "*.example.com.");
  set_name("device.example.com.");
  EITHER(NAME_MISMATCH, "name.trailing-dot",
         "device name device.example.com. under SAN *.example.com.");
  san_dns(LEAF, "device.example.com.");
  EITHER(NAME_MISMATCH, "name.trailing-dot",
         "device name device.example.com. against SAN device.example.com.");
  san_dns(LEAF, "d\x8fvice.example.com.");
  set_name("d\x8fvice.example.com.");
  EITHER(NAME_MISMATCH, "name.reference-not-dns",
         "a non-ASCII device name with a trailing dot, the same SAN");
  /* '&' is no host-name byte: a wildcard that covers it is an EITHER
   * (BoringSSL's wildcard matches letters, digits and '-' only). */
  san_dns(LEAF, "*.example.com");
  set_name("d&evice.example.com");
  EITHER(NAME_MISMATCH, "name.reference-not-dns",
         "device name d&evice.example.com under SAN *.example.com");
  set_name("de_vice.example.com");
  ACCEPT("device name de_vice.example.com under SAN *.example.com");
  /* A device name with a leading dot (found from an empty corpus: OpenSSL
   * reads it as "any subdomain"). */
  std3();
  set_name(".example.com");
  EITHER(NAME_MISMATCH, "name.reference-not-dns",
         "device name .example.com, SAN device.example.com under it");
  set_name(".example.org");
  REJECT(NAME_MISMATCH, "name.dns-mismatch",
         "device name .example.org, no SAN under it");
  /* The same on the CN a library falls back to (hour runs, OpenSSL). */
  std3();
  C(LEAF)->san.num = 0;
  set_dn_cn(&C(LEAF)->subject, "device.example.com");
  set_name(".example.com");
  EITHER(NAME_MISMATCH, "name.reference-not-dns",
         "device name .example.com, no SAN, CN device.example.com under it");
  g_r.device.profile.flags |= CF_PROFILE_FLAG_NO_CN_FALLBACK;
  REJECT(NAME_MISMATCH, "name.dns-mismatch",
         "the same without CN fallback");

  /* B08: NUL inside the name. */
  std3();
  {
    static const char kNul[] = "device.example.com\0.attacker.example";
    gn_text(&C(LEAF)->san.names[0], CF_GN_DNS, kNul, sizeof(kNul) - 1);
  }
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "B08 NUL in the dNSName");
  std3();
  C(LEAF)->san_present = 0;
  {
    static const char kNul[] = "device.example.com\0.attacker.example";
    memcpy(C(LEAF)->subject.attrs[0].value, kNul, sizeof(kNul) - 1);
    C(LEAF)->subject.attrs[0].value_len = sizeof(kNul) - 1;
  }
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "B08 NUL in the CN");

  /* B23: wildcard misuse. */
  std3();
  san_dns(LEAF, "*.com");
  set_name("example.com");
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "B23 *.com");
  std3();
  san_dns(LEAF, "*.0.0.1");
  set_name("127.0.0.1");
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "B23 *.0.0.1 vs an IP literal");
  std3();
  san_dns(LEAF, "*.example.com");
  set_name("a.b.example.com");
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "B23 wildcard over two labels");
  std3();
  san_dns(LEAF, "*.example.com");
  set_name("example.com");
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "wildcard does not match the base");
  std3();
  san_dns(LEAF, "x*.example.com");
  set_name("xn--80ak6aa92e.example.com");
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "B23 x* vs an A-label");
  std3();
  san_dns(LEAF, "www.*.example.com");
  set_name("www.a.example.com");
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "wildcard not in the left-most label");
  std3();
  san_dns(LEAF, "*.example.com");
  g_r.device.profile.flags |= CF_PROFILE_FLAG_NO_WILDCARDS;
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "wildcard on a no-wildcards device");
  std3();
  san_dns(LEAF, "dev*.example.com");
  EITHER(NAME_MISMATCH, "name.partial-wildcard", "partial wildcard dev*");
  std3();
  san_dns(LEAF, "*ice.example.com");
  EITHER(NAME_MISMATCH, "name.partial-wildcard", "partial wildcard *ice");

  std3();
  san_dns(LEAF, "*.co.uk");
  set_name("example.co.uk");
  EITHER(NAME_MISMATCH, "name.wildcard-public-suffix", "*.co.uk");
  std3();
  san_dns(LEAF, "*.example.co.uk");
  set_name("www.example.co.uk");
  ACCEPT("*.example.co.uk");
  std3();
  san_dns(LEAF, "device.example.com.");
  EITHER(NAME_MISMATCH, "name.trailing-dot", "presented name with a trailing dot");
  std3();
  set_name("device.example.com.");
  EITHER(NAME_MISMATCH, "name.trailing-dot", "reference name with a trailing dot");
  std3();
  C(LEAF)->san.num = 0;
  add_gn(&C(LEAF)->san, CF_GN_URI, "https://device.example.com/");
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "a URI-ID rules out the CN (6.4.4)");

  /* CN fallback. */
  std3();
  C(LEAF)->san_present = 0;
  EITHER(NAME_MISMATCH, "name.cn-fallback", "no SAN, CN matches");
  g_r.device.profile.flags |= CF_PROFILE_FLAG_NO_CN_FALLBACK;
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "no SAN, CN fallback disabled");
  std3();
  C(LEAF)->san.num = 0;
  add_gn(&C(LEAF)->san, CF_GN_EMAIL, "ops@example.com");
  EITHER(NAME_MISMATCH, "name.cn-fallback", "SAN without dNSName, CN matches");
  std3();
  san_dns(LEAF, "other.example.com");
  REJECT(NAME_MISMATCH, "name.dns-mismatch", "dNSName present: CN not used");

  /* IP names. */
  static const uint8_t kIp[4] = {192, 0, 2, 1};
  std3();
  cf_profile_set_ip(&g_r.device.profile, kIp, 4);
  san_dns(LEAF, "192.0.2.1");
  REJECT(NAME_MISMATCH, "name.ip-mismatch", "IP device vs dNSName text");
  std3();
  cf_profile_set_ip(&g_r.device.profile, kIp, 4);
  C(LEAF)->san_present = 0;
  set_dn_cn(&C(LEAF)->subject, "192.0.2.1");
  REJECT(NAME_MISMATCH, "name.ip-mismatch", "IP device vs CN text");
  {
    static const uint8_t kMapped[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                        0, 0, 0xff, 0xff, 192, 0, 2, 1};
    std3();
    cf_profile_set_ip(&g_r.device.profile, kIp, 4);
    C(LEAF)->san.num = 0;
    add_ip(&C(LEAF)->san, kMapped, 16);
    EITHER(NAME_MISMATCH, "name.ip-mapped", "IPv4-mapped IPv6 SAN vs IPv4");
  }
}

/* --- resource limits, combinations --------------------------------------- */

static void test_resources_and_combinations(void) {
  static struct cf_built b;
  std3();
  b.der_len[LEAF] = 700;
  b.der_len[ICA] = 600;
  g_r.device.max_chain_bytes = 1300;
  expect(CF_EXPECT_ACCEPT, CF_REASON_NONE, "accept",
         "chain of 1300 bytes, device takes 1300", &b);
  g_r.device.max_chain_bytes = 1299;
  expect(CF_EXPECT_REJECT, CF_REASON_RESOURCE_LIMIT, "chain.too-large",
         "chain of 1300 bytes, device takes 1299", &b);

  /* A leaf whose DER is byte for byte an anchor's is that anchor (pinned),
   * whichever cert block built it (found from an empty corpus: two blocks
   * that build the same certificate). Forged otherwise. */
  {
    static struct cf_built twin;
    static uint8_t kSame[3] = {0x30, 0x01, 0x00}, kOther[3] = {0x30, 0x01, 0x01};
    std3();
    C(LEAF)->signed_by = cf_pool_index("attacker-p256");
    REJECT(SIGNATURE, "sig.wrong-key", "forged leaf, no twin among the anchors");
    twin.der[LEAF] = twin.der[ROOT] = kSame;
    twin.der[ICA] = kOther;
    twin.der_len[LEAF] = twin.der_len[ROOT] = twin.der_len[ICA] = 3;
    expect(CF_EXPECT_EITHER, CF_REASON_UNTRUSTED, "anchor.pinned-leaf",
           "forged leaf whose bytes are the anchor's: pinned", &twin);
    twin.der[ROOT] = kOther;
    expect(CF_EXPECT_REJECT, CF_REASON_SIGNATURE, NULL,
           "the same leaf, other bytes than the anchor's", &twin);
  }

  /* Order: a REJECT on any check beats an EITHER earlier in the order. */
  std3();
  C(ROOT)->not_after.t = 1735689600; /* anchor.expired, EITHER */
  set_eku(LEAF, 1, "1.3.6.1.5.5.7.3.2");
  REJECT(EKU, "eku.leaf", "expired anchor (EITHER) and a clientAuth leaf");
  /* Two EITHERs: the first in the order is named. */
  std3();
  C(ROOT)->not_after.t = 1735689600;
  C(LEAF)->san_present = 0;
  EITHER(EXPIRED, "anchor.expired", "expired anchor and CN fallback");
  /* Several REJECTs: signature before validity before names. */
  std3();
  C(LEAF)->defects = 1u << CF_DEF_SIG_BITFLIP;
  C(LEAF)->not_after.t = 1735689600;
  set_name("other.example");
  REJECT(SIGNATURE, "sig.defect", "bad signature, expired, wrong name");
  /* One path EITHER, another REJECT: EITHER. */
  std3();
  int root2 = add(CF_TPL_ROOT, "root2", "root2-p256", -1);
  C(root2)->not_after.t = 1735689600;
  int ica_x = add(CF_TPL_ICA, "ica-x", "intermediate-p256", root2);
  C(ica_x)->subject = C(ICA)->subject;
  C(ROOT)->not_after.t = 1735689600; /* first path: anchor expired */
  anchors(2, ROOT, root2);
  C(ica_x)->not_after.t = 1735689600;
  chain(3, LEAF, ICA, ica_x);
  EITHER(EXPIRED, "anchor.expired", "one path EITHER, the other REJECT");
}

/* expect_feature: the rule and its feature (oracle.h) for the current
 * recipe. */
static void expect_feature(const char *rule, const char *feature,
                           const char *what) {
  struct cf_oracle_result res;
  int ok = cf_oracle_judge(&res, &g_r, NULL) && strcmp(res.rule, rule) == 0 &&
           strcmp(res.feature, feature) == 0;
  if (!check(ok, "feature: %s: %s '%s'", what, rule, feature)) {
    printf("#   got %s '%s': %s\n", res.rule, res.feature, res.detail);
  }
}

/* test_features: what keys reviewed differences (known_rules.h), so that
 * one shown by a wildcard does not hide a validator that drops the whole
 * check (issue 13). */
static void test_features(void) {
  static const uint8_t kIp[4] = {192, 0, 2, 1};
  std3();
  set_name("other.example.com");
  expect_feature("name.dns-mismatch", "", "plain DNS mismatch");
  san_dns(LEAF, "*.com");
  set_name("example.com");
  expect_feature("name.dns-mismatch", "wildcard", "*.com for example.com");
  std3();
  C(LEAF)->san_present = 0;
  set_dn_cn(&C(LEAF)->subject, "device.example.com");
  set_name("device.example.com");
  g_r.device.profile.flags |= CF_PROFILE_FLAG_NO_CN_FALLBACK;
  expect_feature("name.dns-mismatch", "cn", "CN spells the name, fallback off");
  set_dn_cn(&C(LEAF)->subject, "other.example.com");
  expect_feature("name.dns-mismatch", "", "CN spells another name");

  std3();
  cf_profile_set_ip(&g_r.device.profile, kIp, 4);
  expect_feature("name.ip-mismatch", "", "IP, dNSName SAN of a host");
  san_dns(LEAF, "*.0.2.1");
  expect_feature("name.ip-mismatch", "as-text", "IP, dNSName *.0.2.1");
  san_dns(LEAF, "192.0.2.1");
  expect_feature("name.ip-mismatch", "as-text", "IP, dNSName spelling it");
  std3();
  san_dns(LEAF, "*.0.2.1");
  set_name("192.0.2.1");
  expect_feature("name.dns-mismatch", "ip-literal",
                 "DNS name 192.0.2.1, dNSName *.0.2.1 (CVE-2014-0139 class)");
  set_name("a.b.0.2.1");
  expect_feature("name.dns-mismatch", "wildcard",
                 "DNS name a.b.0.2.1, dNSName *.0.2.1: no IP literal");

  std3();
  add_gn(&C(ICA)->permitted, CF_GN_DNS, "allowed.example");
  expect_feature("nc.permitted", "dns", "dNSName outside permitted");
  C(ICA)->nc_critical = 0;
  expect_feature("nc.permitted", "dns+noncritical",
                 "the same, constraint not critical");
  std3();
  add_gn(&C(ICA)->permitted, CF_GN_DNS, "example.com");
  san_dns(LEAF, "evilexample.com");
  set_name("evilexample.com");
  expect_feature("nc.permitted", "dns+suffix",
                 "evilexample.com under permitted example.com");
  std3();
  add_gn(&C(ICA)->excluded, CF_GN_DNS, "bad.example.com");
  san_dns(LEAF, "*.example.com");
  set_name("bad.example.com");
  expect_feature("nc.excluded", "dns+wildcard",
                 "*.example.com covering the excluded name asked for");

  /* A malformed certificate sent beside the path, on it, or as the leaf. */
  std3();
  {
    int extra = add(CF_TPL_ICA, "extra", "intermediate2-p256", ROOT);
    set_dn_cn(&C(extra)->subject, "chainfuzz extra");
    raw_time(&C(extra)->not_after, CF_TIME_RAW_UTC, "200101000000.5Z");
    chain(3, LEAF, ICA, extra);
    expect_feature("parse.time", "unused", "bad time on an unused sent CA");
    C(extra)->not_after.enc = CF_TIME_AUTO;
    C(extra)->duplicate = 1u << CF_EXT_BC;
    expect_feature("parse.duplicate-extension", "basic-constraints+unused",
                   "basicConstraints twice on an unused sent CA");
    C(extra)->duplicate = 0;
    C(ICA)->duplicate = 1u << CF_EXT_POLICIES;
    C(ICA)->policies_present = 1;
    C(ICA)->num_policies = 1;
    snprintf(C(ICA)->policies[0], sizeof(C(ICA)->policies[0]), "2.5.29.32.0");
    expect_feature("parse.duplicate-extension", "policies",
                   "certificatePolicies twice on the intermediate");
    C(ICA)->duplicate = 0;
    C(ICA)->policies_present = 0;
    raw_time(&C(extra)->not_after, CF_TIME_RAW_UTC, "200101000000.5Z");
    raw_time(&C(ICA)->not_after, CF_TIME_RAW_UTC, "200101000000.5Z");
    C(extra)->not_after.enc = CF_TIME_AUTO;
    expect_feature("parse.time", "", "bad time on the intermediate");
    C(ICA)->not_after.enc = CF_TIME_AUTO;
    raw_time(&C(LEAF)->not_before, CF_TIME_RAW_UTC, "C00");
    expect_feature("parse.time", "", "bad time on the leaf");
  }

  /* The generated table keys by feature: Mbed TLS's reviewed wildcard
   * difference is known, a plain mismatch is not (a name canary of that
   * base is caught); the same for wolfSSL and OpenSSL's CN difference. */
  check(cf_known_rule_find("mbedtls", "name.dns-mismatch", "wildcard",
                           CF_ACCEPT, CF_REASON_NONE) != NULL,
        "known rules: mbedtls name.dns-mismatch/wildcard ACCEPT is reviewed");
  check(cf_known_rule_find("mbedtls", "name.dns-mismatch", "", CF_ACCEPT,
                           CF_REASON_NONE) == NULL,
        "known rules: mbedtls accepting a plain DNS mismatch is not");
  check(cf_known_rule_find("wolfssl", "name.dns-mismatch", "-", CF_ACCEPT,
                           CF_REASON_NONE) == NULL,
        "known rules: wolfssl accepting a plain DNS mismatch is not");
  check(cf_known_rule_find("openssl", "name.dns-mismatch", "", CF_ACCEPT,
                           CF_REASON_NONE) == NULL,
        "known rules: openssl accepting a plain DNS mismatch is not");
  /* A defect a validator takes on the path it takes off the path too
   * (Mbed TLS's non-minimal serial, hour runs); not the other way. */
  check(cf_known_rule_find("mbedtls", "parse.der", "unused", CF_ACCEPT,
                           CF_REASON_NONE) != NULL,
        "known rules: mbedtls parse.der ACCEPT covers an unused certificate");
  check(cf_known_rule_find("wolfssl", "parse.duplicate-extension", "unused", CF_ACCEPT,
                           CF_REASON_NONE) == NULL,
        "known rules: wolfssl parse.duplicate-extension ACCEPT is not known, unused or not");
  /* A duplicated extension is known by the extension (BoringSSL's and
   * OpenSSL's reviewed row is for certificatePolicies): an on-path
   * duplicate basicConstraints taken by a validator of that base is
   * reported; "policies+unused" is covered by "policies". */
  check(cf_known_rule_find("boringssl", "parse.duplicate-extension", "policies",
                           CF_ACCEPT, CF_REASON_NONE) != NULL &&
            cf_known_rule_find("boringssl", "parse.duplicate-extension",
                               "policies+unused", CF_ACCEPT,
                               CF_REASON_NONE) != NULL,
        "known rules: boringssl duplicate policies ACCEPT, on the path or off");
  check(cf_known_rule_find("boringssl", "parse.duplicate-extension",
                           "basic-constraints", CF_ACCEPT, CF_REASON_NONE) == NULL &&
            cf_known_rule_find("boringssl", "parse.duplicate-extension",
                               "basic-constraints+unused", CF_ACCEPT,
                               CF_REASON_NONE) != NULL,
        "known rules: boringssl duplicate basicConstraints only off the path");
  check(cf_known_rule_find("openssl", "parse.time", "unused", CF_ACCEPT,
                           CF_REASON_NONE) != NULL &&
            cf_known_rule_find("openssl", "parse.time", "", CF_ACCEPT,
                               CF_REASON_NONE) == NULL,
        "known rules: OpenSSL's unused parse.time entry does not cover the path");
  /* Features are sets of parts: Mbed TLS's reviewed non-critical
   * nameConstraints difference covers the constraint of a CA further up
   * (chain_oracle_mbedtls3, fuzz check), not a critical one. */
  check(cf_known_rule_find("mbedtls", "nc.permitted", "dns+inherited+noncritical",
                           CF_ACCEPT, CF_REASON_NONE) != NULL &&
            cf_known_rule_find("mbedtls", "nc.permitted", "dns+inherited",
                               CF_ACCEPT, CF_REASON_NONE) == NULL &&
            cf_known_rule_find("mbedtls", "nc.permitted", "dns", CF_ACCEPT,
                               CF_REASON_NONE) == NULL,
        "known rules: mbedtls dns+noncritical covers +inherited, not a "
        "critical constraint");
}

static void test_all_rules_hit(void) {
  size_t num;
  const struct cf_oracle_rule *rules = cf_oracle_rules(&num);
  int ok = 1;
  for (size_t i = 0; i < num; i++) {
    if (!g_hit[i]) {
      printf("#   rule %s never produced\n", rules[i].id);
      ok = 0;
    }
  }
  check(ok, "every one of the %zu rules was produced by a test", num);
}

int main(void) {
  test_table();
  test_accept_controls();
  test_parse();
  test_paths();
  test_signatures();
  test_validity_and_ca();
  test_name_constraints();
  test_policies_and_extensions();
  test_policy_mappings();
  test_names();
  test_resources_and_combinations();
  test_features();
  test_all_rules_hit();
  printf("1..%d\n", g_num);
  return g_failed != 0;
}
