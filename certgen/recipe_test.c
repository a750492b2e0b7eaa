/* recipe_test — TAP tests of the recipe parser (recipe.c) and the scenario
 * catalogue (catalogue.c):
 *  - a recipe that uses every keyword parses into the expected model:
 *    template defaults, forward issuer reference, a NUL inside a DN value and
 *    a SAN keeping their lengths, IPv4/IPv6 SAN and name-constraint masks,
 *    times around 2049/2050 and raw times;
 *  - bad recipes fail at the exact LINE:COL with the expected message;
 *  - cf_recipe_load on a missing and an oversized file;
 *  - a catalogue in a temporary directory: sorting, nested namespaces, an
 *    id that does not match its path and a duplicate id are reported.
 * Prints "ok N - ..." / "not ok N - ..." and "1..N"; exits 1 if any test
 * failed. Run from anywhere (it needs no key files). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalogue.h"
#include "keypool.h"
#include "recipe.h"

static int g_num, g_failed;

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

static int parse(struct cf_recipe *r, struct cf_recipe_error *err,
                 const char *text) {
  return cf_recipe_parse(r, err, text, strlen(text), "t.recipe");
}

static int attr_is(const struct cf_rattr *a, const char *oid,
                   enum cf_str_type type, const void *value, size_t len) {
  return strcmp(a->oid, oid) == 0 && a->type == type && a->value_len == len &&
         memcmp(a->value, value, len) == 0;
}

static int gn_is(const struct cf_gn *g, enum cf_gn_type type,
                 const void *value, size_t len) {
  return g->type == type && g->value_len == len &&
         memcmp(g->value, value, len) == 0;
}

static const char kFull[] =
    "recipe 1\n"
    "# every keyword at least once\n"
    "id test::nc.full-recipe\n"
    "title \"Every keyword\"\n"
    "expect either NAME_CONSTRAINTS\n"
    "class B01 B27\n"
    "class B13\n"
    "why RFC 5280 4.2.1.10, unquoted   # comment\n"
    "\n"
    "cert leaf leaf\n"
    "  key leaf-rsa2048\n"
    "  issuer ica                      # forward reference\n"
    "  subject \"CN=a\\x00b.example.com, O=Acme\\\\, Inc, C:utf8=DE, "
    "1.2.3.4:ia5=x\"\n"
    "  serial 00ff\n"
    "  not-before utc:2049-12-31T23:59:59Z\n"
    "  not-after 2050-01-01T00:00:00Z\n"
    "  tbs-sig-alg ecdsa-sha1\n"
    "  sig-alg rsa-pkcs1-sha256\n"
    "  san dns:device.example.com ip:192.0.2.1 ip:2001:db8::1 email:a@b.c "
    "uri:https://x/ dn:\"CN=x\" raw:8203616263 dns:\"a\\x00b\" critical\n"
    "  eku serverAuth clientAuth oid:1.2.3.4 critical\n"
    "  policies any 1.2.3 critical\n"
    "  policy-mappings 1.2.3=1.2.4 any=oid:1.2.5 noncritical\n"
    "  policy-constraints require-explicit=0 inhibit-mapping=2\n"
    "  inhibit-any-policy 1\n"
    "  extension 1.2.3.4.5 0500 critical\n"
    "  extension 1.2.3.4.6 -\n"
    "  duplicate san eku\n"
    "  pad 100\n"
    "  defect sig-bitflip trailing-data\n"
    "  defect long-length\n"
    "  ski 0102\n"
    "  aki absent\n"
    "  issuer-unique-id 0a0b\n"
    "  subject-unique-id -\n"
    "  version 3\n"
    "  signed-by attacker-p256\n"
    "  issuer-name \"CN=Forged CA\"\n"
    "\n"
    "cert ica ica\n"
    "  key intermediate-p256\n"
    "  issuer root\n"
    "  permit dns:example.com ip:10.0.0.0/8\n"
    "  permit ip:2001:db8::/33\n"
    "  exclude dn:\"CN=x, O=y\" email:bad.example uri:host.example\n"
    "  name-constraints-noncritical\n"
    "  basic-constraints ca pathlen=0 noncritical\n"
    "  key-usage keyCertSign digitalSignature noncritical\n"
    "  outer-sig-alg oid:1.2.840.10045.4.3.2\n"
    "  spki explicit-generator\n"
    "  not-after raw-gen:\"20300101000000+0100\"\n"
    "  not-before raw-utc:\"garbage\"\n"
    "\n"
    "cert root root\n"
    "  key root-p256\n"
    "  subject empty\n"
    "  spki explicit-params\n"
    "\n"
    "cert ee2 leaf\n"
    "  key-usage keyAgreement\n"
    "  key leaf-rsa2048\n"
    "  issuer root\n"
    "  basic-constraints ee explicit-false\n"
    "  subject O=Unquoted Org, CN=host\n"
    "  not-before gen:2020-02-29T12:34:56Z\n"
    "  version 1\n"
    "\n"
    "cert ee3 leaf\n"
    "  key leaf-p256\n"
    "  issuer root\n"
    "\n"
    "cert bare1 bare\n"
    "  key leaf-ed25519\n"
    "  issuer self\n"
    "  eku absent\n"
    "  san absent\n"
    "  key-usage absent\n"
    "  basic-constraints absent\n"
    "  policies malformed\n"
    "\n"
    "device\n"
    "  anchors root\n"
    "  chain leaf ica\n"
    "  time unset\n"
    "  no-name\n"
    "  purpose client-auth\n"
    "  max-depth 3\n"
    "  flags partial-chain no-cn-fallback no-wildcards strict\n"
    "  min-rsa-bits 1024\n"
    "  algorithms ed25519 rsa-pkcs1-sha1\n"
    "  max-chain-bytes 4096\n";

static void test_full(void) {
  struct cf_recipe *r = malloc(sizeof(*r));
  struct cf_recipe_error err;
  char msg[600];
  if (!check(r != NULL && parse(r, &err, kFull), "full recipe parses")) {
    cf_recipe_error_format(msg, sizeof(msg), &err);
    printf("# %s\n", msg);
    free(r);
    return;
  }
  /* header */
  check(strcmp(r->id, "test::nc.full-recipe") == 0, "id");
  check(strcmp(r->title, "Every keyword") == 0, "title (quoted)");
  check(strcmp(r->why, "RFC 5280 4.2.1.10, unquoted") == 0,
        "why (unquoted rest of line, comment dropped)");
  check(r->expect == CF_EXPECT_EITHER &&
            r->expect_reason == CF_REASON_NAME_CONSTRAINTS,
        "expect either NAME_CONSTRAINTS");
  check(r->num_classes == 3 && strcmp(r->classes[0], "B01") == 0 &&
            strcmp(r->classes[2], "B13") == 0,
        "class lines accumulate");
  check(r->num_certs == 6, "six cert blocks");

  /* leaf */
  const struct cf_rcert *c = &r->certs[0];
  check(strcmp(c->name, "leaf") == 0 && c->tpl == CF_TPL_LEAF && c->line == 10,
        "leaf: name, template, line");
  check(c->key == cf_pool_index("leaf-rsa2048"), "leaf: key");
  check(c->issuer == 1, "leaf: forward issuer reference resolves to ica");
  check(c->ku_present && c->ku_critical &&
            c->ku == (CF_RKU_DIGITAL_SIGNATURE | CF_RKU_KEY_ENCIPHERMENT),
        "leaf: RSA key re-applies the template keyUsage (+keyEncipherment)");
  check(c->subject.num_attrs == 4 &&
            attr_is(&c->subject.attrs[0], "2.5.4.3", CF_STR_UTF8,
                    "a\0b.example.com", 15),
        "leaf: NUL inside a CN keeps its length (15)");
  check(attr_is(&c->subject.attrs[1], "2.5.4.10", CF_STR_UTF8, "Acme, Inc", 9),
        "leaf: \\, in a DN value is a literal comma");
  check(attr_is(&c->subject.attrs[2], "2.5.4.6", CF_STR_UTF8, "DE", 2),
        "leaf: type suffix C:utf8");
  check(attr_is(&c->subject.attrs[3], "1.2.3.4", CF_STR_IA5, "x", 1),
        "leaf: dotted OID attribute with :ia5");
  check(c->serial_len == 2 && c->serial[0] == 0 && c->serial[1] == 0xff,
        "leaf: serial 00ff");
  check(c->not_before.enc == CF_TIME_UTC && c->not_before.t == 2524607999,
        "leaf: utc:2049-12-31T23:59:59Z");
  check(c->not_after.enc == CF_TIME_AUTO && c->not_after.t == 2524608000,
        "leaf: 2050-01-01T00:00:00Z = 2524608000");
  check(c->tbs_alg == CF_ALG_ECDSA_SHA1 &&
            c->outer_alg == CF_ALG_RSA_PKCS1_SHA256,
        "leaf: tbs-sig-alg wins over a later sig-alg");
  static const uint8_t kV4[] = {192, 0, 2, 1};
  static const uint8_t kV6[] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                0,    0,    0,    0,    0, 0, 0, 1};
  static const uint8_t kRaw[] = {0x82, 0x03, 'a', 'b', 'c'};
  check(c->san_present && c->san_critical && c->san.num == 8 &&
            gn_is(&c->san.names[0], CF_GN_DNS, "device.example.com", 18) &&
            gn_is(&c->san.names[1], CF_GN_IP, kV4, 4) &&
            gn_is(&c->san.names[2], CF_GN_IP, kV6, 16) &&
            gn_is(&c->san.names[3], CF_GN_EMAIL, "a@b.c", 5) &&
            gn_is(&c->san.names[4], CF_GN_URI, "https://x/", 10) &&
            c->san.names[5].type == CF_GN_DN &&
            c->san.names[5].dn.num_attrs == 1 &&
            gn_is(&c->san.names[6], CF_GN_RAW, kRaw, 5) &&
            gn_is(&c->san.names[7], CF_GN_DNS, "a\0b", 3),
        "leaf: SAN of every type, IPv4/IPv6 bytes, quoted NUL, critical");
  check(c->eku_present && c->eku_critical && c->num_eku == 3 &&
            strcmp(c->eku[0], "1.3.6.1.5.5.7.3.1") == 0 &&
            strcmp(c->eku[1], "1.3.6.1.5.5.7.3.2") == 0 &&
            strcmp(c->eku[2], "1.2.3.4") == 0,
        "leaf: eku words and oid:");
  check(c->policies_present && c->policies_critical &&
            !c->policies_malformed && c->num_policies == 2 &&
            strcmp(c->policies[0], "2.5.29.32.0") == 0 &&
            strcmp(c->policies[1], "1.2.3") == 0,
        "leaf: policies any (anyPolicy) and an OID, critical");
  check(c->num_policy_maps == 2 && !c->policy_maps_critical &&
            strcmp(c->policy_maps[0].issuer, "1.2.3") == 0 &&
            strcmp(c->policy_maps[0].subject, "1.2.4") == 0 &&
            strcmp(c->policy_maps[1].issuer, "2.5.29.32.0") == 0 &&
            strcmp(c->policy_maps[1].subject, "1.2.5") == 0,
        "leaf: policy-mappings pairs, any and oid:, noncritical");
  check(c->pc_present && c->pc_require_explicit == 0 &&
            c->pc_inhibit_mapping == 2 && c->inhibit_any_policy == 1,
        "leaf: policy-constraints and inhibit-any-policy");
  check(c->num_raw_exts == 2 && strcmp(c->raw_exts[0].oid, "1.2.3.4.5") == 0 &&
            c->raw_exts[0].critical && c->raw_exts[0].value_len == 2 &&
            c->raw_exts[0].value[0] == 0x05 && !c->raw_exts[1].critical &&
            c->raw_exts[1].value_len == 0,
        "leaf: raw extensions, '-' is empty");
  check(c->duplicate == ((1u << CF_EXT_SAN) | (1u << CF_EXT_EKU)),
        "leaf: duplicate san eku");
  check(c->pad == 100, "leaf: pad");
  check(c->defects == ((1u << CF_DEF_SIG_BITFLIP) |
                       (1u << CF_DEF_TRAILING_DATA) |
                       (1u << CF_DEF_LONG_LENGTH)),
        "leaf: defect lines accumulate");
  check(c->ski_mode == 2 && c->ski_len == 2 && c->ski[1] == 2 &&
            c->aki_mode == 0,
        "leaf: ski HEX, aki absent");
  check(c->has_issuer_uid && c->issuer_uid_len == 2 && c->issuer_uid[1] == 0x0b &&
            c->has_subject_uid && c->subject_uid_len == 0,
        "leaf: issuer-unique-id HEX, subject-unique-id - (empty)");
  check(c->version == 3 && c->signed_by == cf_pool_index("attacker-p256") &&
            c->has_issuer_name && c->issuer_name.num_attrs == 1 &&
            attr_is(&c->issuer_name.attrs[0], "2.5.4.3", CF_STR_UTF8,
                    "Forged CA", 9),
        "leaf: version, signed-by, issuer-name");
  check(c->bc == CF_RBC_EE && c->bc_critical && c->not_before.raw[0] == '\0',
        "leaf: template basic-constraints ee critical");

  /* ica */
  c = &r->certs[1];
  static const uint8_t kNc4[] = {10, 0, 0, 0, 0xff, 0, 0, 0};
  static const uint8_t kNc6[] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0,    0,
                                 0,    0,    0,    0,    0, 0, 0xff, 0xff,
                                 0xff, 0xff, 0x80, 0,    0, 0, 0,    0,
                                 0,    0,    0,    0,    0, 0};
  check(c->issuer == 2 && c->aki_mode == 1 && c->ski_mode == 1,
        "ica: issuer, template ski/aki auto");
  check(c->permitted.num == 3 &&
            gn_is(&c->permitted.names[0], CF_GN_DNS, "example.com", 11) &&
            gn_is(&c->permitted.names[1], CF_GN_IP, kNc4, 8) &&
            gn_is(&c->permitted.names[2], CF_GN_IP, kNc6, 32),
        "ica: permit lines accumulate; IPv4 /8 and IPv6 /33 masks");
  check(c->excluded.num == 3 && c->excluded.names[0].type == CF_GN_DN &&
            c->excluded.names[0].dn.num_attrs == 2 &&
            attr_is(&c->excluded.names[0].dn.attrs[1], "2.5.4.10",
                    CF_STR_UTF8, "y", 1) &&
            gn_is(&c->excluded.names[2], CF_GN_URI, "host.example", 12) &&
            !c->nc_critical,
        "ica: exclude dn/email/uri, name-constraints-noncritical");
  check(c->bc == CF_RBC_CA && c->bc_path_len == 0 && !c->bc_critical,
        "ica: basic-constraints ca pathlen=0 noncritical");
  check(c->ku_present && !c->ku_critical &&
            c->ku == (CF_RKU_KEY_CERT_SIGN | CF_RKU_DIGITAL_SIGNATURE),
        "ica: key-usage noncritical");
  check(c->tbs_alg == CF_ALG_DEFAULT && c->outer_alg == CF_ALG_OID &&
            strcmp(c->outer_alg_oid, "1.2.840.10045.4.3.2") == 0,
        "ica: outer-sig-alg oid:, tbs default");
  check(c->spki == CF_SPKI_EXPLICIT_GENERATOR, "ica: spki explicit-generator");
  check(c->not_after.enc == CF_TIME_RAW_GEN &&
            strcmp(c->not_after.raw, "20300101000000+0100") == 0 &&
            c->not_after.t == 1893456000 - 3600,
        "ica: raw-gen time with an offset is understood");
  check(c->not_before.enc == CF_TIME_RAW_UTC &&
            strcmp(c->not_before.raw, "garbage") == 0 &&
            c->not_before.t == INT64_MIN,
        "ica: raw-utc garbage gives t = INT64_MIN");

  /* root */
  c = &r->certs[2];
  check(c->issuer == 2 && c->subject.num_attrs == 0 && c->ski_mode == 1 &&
            c->aki_mode == 0 && c->bc == CF_RBC_CA && c->bc_critical &&
            c->ku == (CF_RKU_KEY_CERT_SIGN | CF_RKU_CRL_SIGN) &&
            c->not_before.t == 1577836800 && c->not_after.t == 2208988800 &&
            c->spki == CF_SPKI_EXPLICIT_PARAMS,
        "root: template defaults, subject empty, self-issued");

  /* ee2: explicit key-usage before the RSA key is kept */
  c = &r->certs[3];
  check(c->ku == CF_RKU_KEY_AGREEMENT,
        "ee2: key-usage before key is not overwritten by the template");
  check(c->bc == CF_RBC_EE && c->bc_explicit_false, "ee2: explicit-false");
  check(c->subject.num_attrs == 2 &&
            attr_is(&c->subject.attrs[0], "2.5.4.10", CF_STR_UTF8,
                    "Unquoted Org", 12) &&
            attr_is(&c->subject.attrs[1], "2.5.4.3", CF_STR_UTF8, "host", 4),
        "ee2: unquoted DN on the rest of the line");
  check(c->not_before.enc == CF_TIME_GEN && c->not_before.t == 1582979696,
        "ee2: gen:2020-02-29T12:34:56Z (leap day)");
  check(c->version == 1, "ee2: version 1");

  /* ee3: leaf template defaults with an EC key */
  c = &r->certs[4];
  check(c->ku == CF_RKU_DIGITAL_SIGNATURE && c->eku_present &&
            c->num_eku == 1 && strcmp(c->eku[0], "1.3.6.1.5.5.7.3.1") == 0 &&
            c->san_present && c->san.num == 1 &&
            gn_is(&c->san.names[0], CF_GN_DNS, "device.example.com", 18) &&
            attr_is(&c->subject.attrs[0], "2.5.4.3", CF_STR_UTF8,
                    "device.example.com", 18) &&
            c->not_before.t == 1748736000 && c->not_after.t == 1780272000 &&
            c->ski_mode == 1 && c->aki_mode == 1 && c->serial_len == 0 &&
            c->signed_by == -1 && c->tbs_alg == CF_ALG_DEFAULT,
        "ee3: leaf template defaults (EC key: digitalSignature only)");

  /* bare1 */
  c = &r->certs[5];
  check(c->issuer == 5 && !c->eku_present && !c->san_present &&
            !c->ku_present && c->bc == CF_RBC_ABSENT && c->policies_present &&
            c->policies_malformed && c->subject.num_attrs == 0,
        "bare1: issuer self, absent extensions, policies malformed");

  /* device */
  const struct cf_rdevice *d = &r->device;
  check(d->num_anchors == 1 && d->anchors[0] == 2 && d->num_chain == 2 &&
            d->chain[0] == 0 && d->chain[1] == 1,
        "device: anchors and chain");
  check(d->profile.clock == CF_CLOCK_UNSET &&
            d->profile.name_type == CF_NAME_NONE &&
            d->profile.purpose == CF_PURPOSE_CLIENT_AUTH &&
            d->profile.max_depth == 3 &&
            d->profile.flags == CF_PROFILE_FLAGS_DEVICE,
        "device: time unset, no-name, purpose, max-depth, flags");
  check(d->min_rsa_bits == 1024 &&
            d->algorithms ==
                ((1u << CF_ALG_ED25519) | (1u << CF_ALG_RSA_PKCS1_SHA1)) &&
            d->max_chain_bytes == 4096,
        "device: min-rsa-bits, algorithms, max-chain-bytes");
  free(r);
}

static void test_small(void) {
  struct cf_recipe *r = malloc(sizeof(*r));
  struct cf_recipe_error err;
  static const char kDefaults[] =
      "recipe 1\nid a::b\nexpect accept\ncert r root\nkey root-p256\n"
      "device\nanchors none\nchain r\n";
  check(parse(r, &err, kDefaults) && r->expect == CF_EXPECT_ACCEPT &&
            r->expect_reason == CF_REASON_NONE && r->device.num_anchors == 0 &&
            r->device.profile.clock == CF_CLOCK_SET &&
            r->device.profile.time == CF_DEFAULT_TIME &&
            r->device.profile.name_type == CF_NAME_DNS &&
            strcmp(r->device.profile.dns_name, "device.example.com") == 0 &&
            r->device.profile.max_depth == 8 &&
            r->device.min_rsa_bits == 2048 &&
            r->device.algorithms == cf_default_algorithms(),
        "minimal recipe: device defaults, anchors none");
  static const char kIp[] =
      "recipe 1\r\nid a::b\r\nexpect either\r\ncert r root\r\nkey "
      "root-p256\r\ndevice\r\nanchors r\r\nchain r\r\nip 2001:db8::5\r\n"
      "time 2000-02-29T00:00:00Z";
  check(parse(r, &err, kIp) && r->expect == CF_EXPECT_EITHER &&
            r->expect_reason == CF_REASON_NONE &&
            r->device.profile.name_type == CF_NAME_IP &&
            r->device.profile.ip_len == 16 && r->device.profile.ip[15] == 5 &&
            r->device.profile.time == 951782400,
        "CRLF lines, no final newline, expect either, device ip and time");
  static const char kDns[] =
      "recipe 1\nid a::b\nexpect reject EXPIRED\ncert r root\nkey "
      "root-p256\ndevice\nanchors r\nchain r\ndns \"x.example\"\n";
  check(parse(r, &err, kDns) && r->expect == CF_EXPECT_REJECT &&
            r->expect_reason == CF_REASON_EXPIRED &&
            strcmp(r->device.profile.dns_name, "x.example") == 0 &&
            r->device.profile.dns_name_len == 9,
        "expect reject REASON, device dns");
  free(r);
}

struct bad {
  const char *text;
  unsigned line, col;
  const char *fragment;
};

#define HDR "recipe 1\nid t::bad\nexpect accept\n" /* lines 1-3 */
#define ROOT "cert root root\nkey root-p256\n"     /* lines 4-5 */
#define DEV "device\nanchors root\nchain root\n"

static const struct bad kBad[] = {
    {"", 0, 0, "empty recipe"},
    {"# only a comment\n\n", 0, 0, "empty recipe"},
    {"id t::x\n", 1, 1, "starts with the line 'recipe 1'"},
    {"recipe 2\n", 1, 8, "unsupported recipe version '2'"},
    {HDR "id t::y\n", 4, 1, "duplicate 'id' (first at line 2)"},
    {"recipe 1\nid T::x\n", 2, 4, "bad id 'T::x'"},
    {"recipe 1\nid onlyone\n", 2, 4, "expected NAMESPACE::NAME"},
    {"recipe 1\nid a:::b\n", 2, 4, "bad id"},
    {"recipe 1\nid t::x\nexpect reject\n", 3, 8, "needs a REASON"},
    {"recipe 1\nid t::x\nexpect accept EXPIRED\n", 3, 15,
     "'expect accept' takes no reason"},
    {"recipe 1\nid t::x\nexpect maybe\n", 3, 8,
     "expected 'accept', 'reject REASON' or 'either [REASON]'"},
    {"recipe 1\nid t::x\nexpect reject EXPIRD\n", 3, 15,
     "unknown reason 'EXPIRD'; one of: PARSE"},
    {"recipe 1\nid t::x\nexpect reject NONE\n", 3, 15, "unknown reason"},
    {HDR "class B1\n", 4, 7, "bad class 'B1'"},
    {HDR "class B01 B02 B03 B04 B05 B06 B07 B08 B09\n", 4, 39,
     "more than 8 classes"},
    {HDR "class B01 B01\n", 4, 11, "listed twice"},
    {HDR "cert root root\nkey root-p257\n", 5, 5,
     "unknown key 'root-p257'; pool keys are <slot>-<type>, e.g. root-p256"},
    {HDR "cert root root\n  key root-p256\n  key root-p384\n", 6, 3,
     "duplicate 'key' (first at line 5)"},
    {HDR "cert root bad\n", 4, 11,
     "unknown template 'bad'; expected root, ica, leaf or bare"},
    {HDR ROOT "cert root ica\n", 6, 6, "already defined at line 4"},
    {HDR "cert self root\n", 4, 6, "bad cert name 'self'"},
    {HDR "cert root\n", 4, 1, "needs more arguments"},
    {HDR ROOT "cert leaf leaf\nkey leaf-p256\n" DEV, 6, 1,
     "cert 'leaf' has no 'issuer' line"},
    {HDR ROOT "cert leaf leaf\nkey leaf-p256\nissuer nosuch\n" DEV, 8, 8,
     "unknown cert 'nosuch' in issuer; the cert blocks are: root, leaf"},
    {HDR "cert root root\n" DEV, 4, 1, "cert 'root' has no 'key' line"},
    {HDR ROOT "device\nanchors root\n", 6, 1, "no 'chain' line"},
    {HDR ROOT "device\nchain root\n", 6, 1, "no 'anchors' line"},
    {HDR ROOT, 0, 0, "no device block"},
    {"recipe 1\nid t::x\n" ROOT DEV, 0, 0, "no 'expect' line"},
    {"recipe 1\nexpect accept\n" ROOT DEV, 0, 0, "no 'id' line"},
    {HDR DEV, 0, 0, "no cert blocks"},
    {HDR ROOT "subject \"CN=x\n", 6, 9, "unterminated string"},
    {HDR ROOT "subject \"CN=\\qx\"\n", 6, 13, "unknown escape '\\q'"},
    {HDR ROOT "subject \"CN=\\x4\"\n", 6, 13, "\\x needs two hex digits"},
    {HDR ROOT "subject \"XX=y\"\n", 6, 9, "unknown attribute 'XX'"},
    {HDR ROOT "subject \"CN=a, \"\n", 6, 9, "DN ends with a ','"},
    {HDR ROOT "subject \"CN:latin1=a\"\n", 6, 9, "bad string type"},
    {HDR ROOT "subject \"CN=a, O=b, OU=c, L=d, ST=e, C=f, DC=g, "
              "SERIALNUMBER=h, EMAIL=i\"\n",
     6, 9, "more than 8 attributes"},
    {HDR ROOT "not-after 2040-02-30T00:00:00Z\n", 6, 11, "out of range"},
    {HDR ROOT "not-after 2040-01-01\n", 6, 11,
     "bad time '2040-01-01'; expected YYYY-MM-DDTHH:MM:SSZ"},
    {HDR ROOT "not-after utc:2050-01-01T00:00:00Z\n", 6, 11,
     "outside 1950-2049"},
    {HDR ROOT "san ip:300.1.1.1\n", 6, 5, "bad IP address"},
    {HDR ROOT "san ip:10.0.0.0/8\n", 6, 5, "no prefix"},
    {HDR ROOT "san ftp:x\n", 6, 5, "unknown name type 'ftp:'"},
    {HDR ROOT "permit ip:10.0.0.0/33\n", 6, 8, "out of range (0 .. 32)"},
    {HDR ROOT "permit ip:10.0.0.0\n", 6, 8, "expected ip:ADDR/PREFIXLEN"},
    {HDR ROOT "permit raw:3000\n", 6, 8, "unknown name type 'raw:'"},
    {HDR ROOT "san dns:a dns:b dns:c dns:d dns:e dns:f dns:g dns:h dns:i\n",
     6, 53, "more than 8 names"},
    {HDR ROOT "serial 0102030405060708091011121314151617181920212223242526272"
              "829303132333435363738394041424344454647484950515253545556575859"
              "60616263646566\n",
     6, 8, "66 bytes is too long (at most 64)"},
    {HDR ROOT "serial 123\n", 6, 8, "even number of hex digits"},
    {HDR ROOT "key-usage keyCertSgn\n", 6, 11, "did you mean 'keyCertSign'"},
    {HDR ROOT "key-usage digitalSignature digitalSignature\n", 6, 28,
     "listed twice"},
    {HDR ROOT "key-usage noncritical\n", 6, 1, "at least one BIT"},
    {HDR ROOT "eku serverAuth fooAuth\n", 6, 16, "unknown purpose 'fooAuth'"},
    {HDR ROOT "defect sig-bitflp\n", 6, 8, "did you mean 'sig-bitflip'"},
    {HDR ROOT "basic-constraints ca pathlen=x\n", 6, 22,
     "pathlen: expected a decimal number"},
    {HDR ROOT "basic-constraints ee pathlen=1\n", 6, 22, "unexpected"},
    {HDR ROOT "sig-alg rsa-sha256\n", 6, 9, "unknown algorithm 'rsa-sha256'"},
    {HDR ROOT "version 4\n", 6, 9, "out of range"},
    {HDR ROOT "frobnicate 1\n", 6, 1, "unknown cert property 'frobnicate'"},
    {HDR ROOT "not_after 2030-01-01T00:00:00Z\n", 6, 1,
     "did you mean 'not-after'"},
    {HDR "key root-p256\n", 4, 1, "is a cert property; start a block"},
    {HDR ROOT DEV "title \"late\"\n", 9, 1, "belongs in the header"},
    {HDR ROOT DEV "cert x root\n", 9, 1,
     "cert blocks must come before the device block (line 6)"},
    {HDR ROOT DEV "key root-p256\n", 9, 1, "the device block started"},
    {HDR ROOT DEV "device\n", 9, 1, "duplicate 'device' (first at line 6)"},
    {HDR ROOT DEV "dns a.example\nip 192.0.2.1\n", 10, 1,
     "device name is already set at line 9"},
    {HDR ROOT DEV "dns \"a\\x00b\"\n", 9, 5, "bad device name"},
    {HDR ROOT DEV "time gen:2030-01-01T00:00:00Z\n", 9, 6, "no prefixes"},
    {HDR ROOT DEV "max-depth 256\n", 9, 11, "out of range (0 .. 255)"},
    {HDR ROOT "device\nanchors root nosuch\nchain root\n", 7, 14,
     "unknown cert 'nosuch' in anchors"},
    {HDR ROOT "device\nanchors root\nchain root\nflags loose\n", 9, 7,
     "unknown flag 'loose'"},
    {HDR ROOT "device\nanchors none root\nchain root\n", 7, 14,
     "'none' must be alone"},
    {HDR ROOT "extension 1.2.3 0\n", 6, 17, "even number of hex digits"},
    {HDR ROOT "extension 1..2 00\n", 6, 11, "not a dotted OID"},
    {HDR ROOT "extension 1.2.3 00 noncritical\n", 6, 20,
     "unexpected argument 'noncritical'"},
    {HDR ROOT "anchors root\n", 6, 1, "belongs in the device block"},
    {HDR "title \"" /* 256 x's */
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "\"\n",
     4, 7, "text is 256 bytes; at most 255"},
    {HDR ROOT "policies 1.2.3 malformed\n", 6, 10,
     "'policies malformed' takes no OIDs"},
    {HDR ROOT "policies a.b\n", 6, 10, "bad policy 'a.b'"},
    {HDR ROOT "policy-mappings 1.2.3\n", 6, 17, "bad mapping '1.2.3'"},
    {HDR ROOT "policy-mappings 1.2.3=x\n", 6, 17, "bad mapping '1.2.3=x'"},
    {HDR ROOT "policy-mappings noncritical\n", 6, 1,
     "'policy-mappings' needs at least one ISSUER=SUBJECT pair"},
    {HDR ROOT "ski auto extra\n", 6, 10, "unexpected argument 'extra'"},
    {HDR ROOT "issuer-unique-id 0g\n", 6, 18, "issuer-unique-id: '0g' is not hex"},
    {HDR ROOT "subject-unique-id 123\n", 6, 19, "expected an even number of hex digits (or - for empty)"},
    {HDR ROOT "spki compressed\n", 6, 6, "bad spki 'compressed'"},
    {HDR ROOT "duplicate crl\n", 6, 11, "unknown extension 'crl'"},
    {HDR ROOT "pad -1\n", 6, 5, "expected a decimal number"},
};

static void test_bad(void) {
  struct cf_recipe *r = malloc(sizeof(*r));
  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
    struct cf_recipe_error err;
    const struct bad *b = &kBad[i];
    int ok = !parse(r, &err, b->text);
    ok = ok && err.line == b->line && err.col == b->col &&
         strstr(err.msg, b->fragment) != NULL &&
         strcmp(err.file, "t.recipe") == 0;
    check(ok, "bad recipe %zu fails at %u:%u with \"%s\"", i + 1, b->line,
          b->col, b->fragment);
    if (!ok) {
      printf("#   got %u:%u: %s\n", err.line, err.col, err.msg);
    }
  }
  /* More than CF_RECIPE_MAX_CERTS blocks: error on the 25th, no truncation. */
  char text[4096];
  size_t o = (size_t)snprintf(text, sizeof(text), HDR);
  for (int i = 0; i <= CF_RECIPE_MAX_CERTS; i++) {
    o += (size_t)snprintf(text + o, sizeof(text) - o,
                          "cert c%d root\nkey root-p256\n", i);
  }
  struct cf_recipe_error err;
  int ok = !parse(r, &err, text) && err.line == 4 + 2 * CF_RECIPE_MAX_CERTS &&
           err.col == 1 && strstr(err.msg, "more than 24 cert blocks");
  check(ok, "25 cert blocks fail at the 25th");
  /* More than MAX_TOKS arguments. */
  o = (size_t)snprintf(text, sizeof(text), HDR ROOT "defect");
  for (int i = 0; i < 70; i++) {
    o += (size_t)snprintf(text + o, sizeof(text) - o, " sig-empty");
  }
  ok = !parse(r, &err, text) && err.line == 6 &&
       strstr(err.msg, "too many arguments");
  check(ok, "more than 64 arguments on a line");
  /* A DN value of 257 bytes. */
  o = (size_t)snprintf(text, sizeof(text), HDR ROOT "subject \"CN=");
  for (int i = 0; i < 257; i++) text[o++] = 'v';
  snprintf(text + o, sizeof(text) - o, "\"\n");
  ok = !parse(r, &err, text) && err.line == 6 && err.col == 9 &&
       strstr(err.msg, "longer than 256 bytes");
  check(ok, "a DN value over 256 bytes is an error, not truncated");
  /* After a failure the output is a fresh empty recipe. */
  check(r->num_certs == 0 && r->id[0] == '\0', "failure leaves an empty recipe");
  char fmt[600];
  parse(r, &err, HDR "cert root bad\n");
  cf_recipe_error_format(fmt, sizeof(fmt), &err);
  check(strncmp(fmt, "t.recipe:4:11: unknown template", 31) == 0,
        "cf_recipe_error_format: FILE:LINE:COL: msg");
  free(r);
}

static int write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (f == NULL) return 0;
  fputs(text, f);
  return fclose(f) == 0;
}

static const char *recipe_text(char *buf, size_t len, const char *id) {
  snprintf(buf, len,
           "recipe 1\nid %s\ntitle \"t\"\nexpect accept\ncert r root\nkey "
           "root-p256\ndevice\nanchors r\nchain r\n",
           id);
  return buf;
}

struct errs {
  char text[8][600];
  size_t num;
};

static void collect(void *ctx, const struct cf_recipe_error *err) {
  struct errs *e = ctx;
  if (e->num < 8) {
    cf_recipe_error_format(e->text[e->num++], sizeof(e->text[0]), err);
  }
}

static int has_error(const struct errs *e, const char *a, const char *b) {
  for (size_t i = 0; i < e->num; i++) {
    if (strstr(e->text[i], a) != NULL && strstr(e->text[i], b) != NULL) {
      return 1;
    }
  }
  return 0;
}

static void test_load_and_catalogue(void) {
  struct cf_recipe *r = malloc(sizeof(*r));
  struct cf_recipe_error err;
  char dir[] = "/tmp/recipe_test.XXXXXX";
  char path[512], buf[512];
  if (!check(mkdtemp(dir) != NULL, "temporary directory")) {
    free(r);
    return;
  }
  snprintf(path, sizeof(path), "%s/missing.recipe", dir);
  check(!cf_recipe_load(r, &err, path) && err.line == 0 &&
            strstr(err.msg, "cannot open") != NULL &&
            strcmp(err.file, path) == 0,
        "cf_recipe_load: missing file");
  /* a FIFO: refused at once, never waited on (a reader blocks on open) */
  snprintf(path, sizeof(path), "%s/fifo.recipe", dir);
  check(mkfifo(path, 0600) == 0 && !cf_recipe_load(r, &err, path) &&
            strstr(err.msg, "not a regular file") != NULL,
        "cf_recipe_load: a FIFO is not a regular file");
  unlink(path);
  /* an oversized file */
  snprintf(path, sizeof(path), "%s/big.txt", dir);
  FILE *f = fopen(path, "w");
  for (int i = 0; f != NULL && i < (1 << 20) / 8 + 1; i++) {
    fputs("#######\n", f);
  }
  if (f != NULL) fclose(f);
  check(!cf_recipe_load(r, &err, path) &&
            strstr(err.msg, "larger than 1 MiB") != NULL,
        "cf_recipe_load: file over 1 MiB");
  unlink(path);

  /* catalogue: ns/a (ok), ns/b claims ns::a, rfc/nc/x (nested), ns/c has
   * id ns::zzz, ns/broken does not parse, ns/notes.txt is ignored */
  snprintf(path, sizeof(path), "%s/ns", dir);
  mkdir(path, 0700);
  snprintf(path, sizeof(path), "%s/rfc", dir);
  mkdir(path, 0700);
  snprintf(path, sizeof(path), "%s/rfc/nc", dir);
  mkdir(path, 0700);
  snprintf(path, sizeof(path), "%s/ns/a.recipe", dir);
  write_file(path, recipe_text(buf, sizeof(buf), "ns::a"));
  snprintf(path, sizeof(path), "%s/rfc/nc/x.recipe", dir);
  write_file(path, recipe_text(buf, sizeof(buf), "rfc::nc::x"));
  snprintf(path, sizeof(path), "%s/ns/0.recipe", dir);
  write_file(path, recipe_text(buf, sizeof(buf), "ns::0"));
  snprintf(path, sizeof(path), "%s/ns/notes.txt", dir);
  write_file(path, "not a recipe");

  struct cf_catalogue cat;
  check(cf_catalogue_load(&cat, dir, &err) && cat.num == 3 &&
            strcmp(cat.entries[0].id, "ns::0") == 0 &&
            strcmp(cat.entries[1].id, "ns::a") == 0 &&
            strcmp(cat.entries[2].id, "rfc::nc::x") == 0 &&
            strstr(cat.entries[2].path, "/rfc/nc/x.recipe") != NULL &&
            cf_catalogue_find(&cat, "ns::a") == &cat.entries[1],
        "catalogue: sorted by id, nested namespace, other files ignored");
  cf_catalogue_free(&cat);

  snprintf(path, sizeof(path), "%s/ns/b.recipe", dir);
  write_file(path, recipe_text(buf, sizeof(buf), "ns::a"));
  snprintf(path, sizeof(path), "%s/ns/c.recipe", dir);
  write_file(path, recipe_text(buf, sizeof(buf), "ns::zzz"));
  snprintf(path, sizeof(path), "%s/ns/broken.recipe", dir);
  write_file(path, "recipe 1\nid ns::broken\nexpect sometimes\n");

  struct errs errs;
  memset(&errs, 0, sizeof(errs));
  int ok = cf_catalogue_scan(&cat, dir, collect, &errs);
  for (size_t i = 0; i < errs.num; i++) printf("#   %s\n", errs.text[i]);
  check(!ok && cat.num == 3, "catalogue scan: problems reported, good kept");
  check(has_error(&errs, "/ns/c.recipe: id 'ns::zzz' does not match",
                  "/ns/zzz.recipe"),
        "catalogue: id/path mismatch names the file and the right path");
  check(has_error(&errs, "/ns/b.recipe: duplicate id 'ns::a'",
                  "/ns/a.recipe"),
        "catalogue: duplicate id detected, the file at the id's path kept");
  check(has_error(&errs, "/ns/broken.recipe:3:8:", "bad expectation"),
        "catalogue: a parse error names the file and line");
  check(cf_catalogue_find(&cat, "ns::a") != NULL &&
            strstr(cf_catalogue_find(&cat, "ns::a")->path, "/ns/a.recipe"),
        "catalogue: ns::a is ns/a.recipe");
  cf_catalogue_free(&cat);
  check(!cf_catalogue_load(&cat, dir, &err) && cat.num == 0 &&
            err.file[0] != '\0',
        "cf_catalogue_load fails on the first problem");
  snprintf(path, sizeof(path), "%s/nosuchdir", dir);
  check(!cf_catalogue_load(&cat, path, &err) &&
            strstr(err.msg, "cannot open directory") != NULL,
        "cf_catalogue_load: missing directory");

  /* clean up */
  static const char *const kFiles[] = {"ns/a.recipe", "ns/b.recipe",
                                       "ns/c.recipe", "ns/0.recipe",
                                       "ns/broken.recipe", "ns/notes.txt",
                                       "rfc/nc/x.recipe"};
  for (size_t i = 0; i < sizeof(kFiles) / sizeof(kFiles[0]); i++) {
    snprintf(path, sizeof(path), "%s/%s", dir, kFiles[i]);
    unlink(path);
  }
  static const char *const kDirs[] = {"rfc/nc", "rfc", "ns", ""};
  for (size_t i = 0; i < sizeof(kDirs) / sizeof(kDirs[0]); i++) {
    snprintf(path, sizeof(path), "%s/%s", dir, kDirs[i]);
    rmdir(path);
  }
  free(r);
}

int main(void) {
  test_full();
  test_small();
  test_bad();
  test_load_and_catalogue();
  printf("1..%d\n", g_num);
  return g_failed ? 1 : 0;
}
