/* build_test — TAP tests of the recipe builder (build.c): every field of a
 * cert block and every defect, parsed back with BoringSSL (d2i_X509 and its
 * accessors, or CBS walks for what X509 will not parse); honest chains of
 * every key type verify with X509_verify_cert; the CVE-2020-0601 signature
 * verifies under the forged generator; builds are deterministic; cases
 * round-trip.
 * Usage: build_test [KEYS_DIR] (default certgen/keys, run from the
 * repository root). Prints "ok N - ..." / "not ok N - ..." and "1..N"; exits
 * 1 if any test failed, 2 if the keys cannot be loaded. */
#include "build.h"

#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainfuzz/case.h"
#include "keypool.h"
#include "recipe.h"

static int g_num, g_failed;
static struct cf_pool g_pool;

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

/* --- recipes -----------------------------------------------------------------
 */

static int key(const char *name) {
  int k = cf_pool_index(name);
  if (k < 0) {
    fprintf(stderr, "no pool key %s\n", name);
    abort();
  }
  return k;
}

/* add_cert appends a cert block and returns its index. */
static int add_cert(struct cf_recipe *r, enum cf_template tpl, const char *name,
                    const char *key_name, int issuer) {
  int idx = (int)r->num_certs++;
  cf_rcert_init(&r->certs[idx], tpl, name, idx, key(key_name));
  if (issuer >= 0) {
    r->certs[idx].issuer = issuer;
  }
  return idx;
}

/* chain_recipe makes root (0) → ica (1) → leaf (2), anchors {root}, chain
 * {leaf, ica}, with the keys of type |type| ("p256"). */
static void chain_recipe(struct cf_recipe *r, const char *type) {
  char root[64], ica[64], leaf[64];
  snprintf(root, sizeof(root), "root-%s", type);
  snprintf(ica, sizeof(ica), "intermediate-%s", type);
  snprintf(leaf, sizeof(leaf), "leaf-%s", type);
  cf_recipe_init(r);
  snprintf(r->id, sizeof(r->id), "test::chain-%s", type);
  add_cert(r, CF_TPL_ROOT, "root", root, -1);
  add_cert(r, CF_TPL_ICA, "ica", ica, 0);
  add_cert(r, CF_TPL_LEAF, "leaf", leaf, 1);
  r->device.anchors[0] = 0;
  r->device.num_anchors = 1;
  r->device.chain[0] = 2;
  r->device.chain[1] = 1;
  r->device.num_chain = 2;
}

static int build(struct cf_built *out, const struct cf_recipe *r) {
  char err[256] = "";
  if (!cf_build_certs(out, r, &g_pool, err, sizeof(err))) {
    fprintf(stderr, "# build of %s failed: %s\n", r->id, err);
    return 0;
  }
  return 1;
}

static X509 *parse(const struct cf_built *b, int idx) {
  const uint8_t *p = b->der[idx];
  X509 *x = d2i_X509(NULL, &p, (long)b->der_len[idx]);
  ERR_clear_error();
  return x;
}

/* --- CBS walk of a certificate ---------------------------------------------
 */

struct walk {
  CBS tbs; /* the TBSCertificate element */
  int has_version;
  uint64_t version;
  CBS serial;  /* INTEGER contents */
  CBS tbs_alg; /* element */
  CBS issuer;  /* element */
  unsigned nb_tag, na_tag;
  CBS nb, na;  /* contents */
  CBS subject; /* element */
  CBS spki;    /* element */
  int has_iuid, has_suid;
  CBS iuid, suid; /* issuerUniqueID, subjectUniqueID contents */
  int has_exts;
  CBS exts;      /* contents of the Extensions SEQUENCE */
  CBS tbs_rest;  /* what follows in the TBS */
  CBS outer_alg; /* element */
  CBS sig;       /* BIT STRING contents, unused-bits byte first */
};

static int walk(struct walk *w, const uint8_t *der, size_t der_len) {
  CBS in, cert, tbs, child, validity;
  memset(w, 0, sizeof(*w));
  CBS_init(&in, der, der_len);
  if (!CBS_get_asn1(&in, &cert, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1_element(&cert, &w->tbs, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  CBS_init(&tbs, CBS_data(&w->tbs), CBS_len(&w->tbs));
  if (!CBS_get_asn1(&tbs, &tbs, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  if (CBS_peek_asn1_tag(&tbs,
                        CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0)) {
    w->has_version = 1;
    if (!CBS_get_asn1(&tbs, &child,
                      CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
        !CBS_get_asn1_uint64(&child, &w->version)) {
      return 0;
    }
  }
  if (!CBS_get_asn1(&tbs, &w->serial, CBS_ASN1_INTEGER) ||
      !CBS_get_asn1_element(&tbs, &w->tbs_alg, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1_element(&tbs, &w->issuer, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&tbs, &validity, CBS_ASN1_SEQUENCE) ||
      !CBS_get_any_asn1(&validity, &w->nb, &w->nb_tag) ||
      !CBS_get_any_asn1(&validity, &w->na, &w->na_tag) ||
      !CBS_get_asn1_element(&tbs, &w->subject, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1_element(&tbs, &w->spki, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  if ((w->has_iuid = CBS_peek_asn1_tag(&tbs, CBS_ASN1_CONTEXT_SPECIFIC | 1)) &&
      !CBS_get_asn1(&tbs, &w->iuid, CBS_ASN1_CONTEXT_SPECIFIC | 1)) {
    return 0;
  }
  if ((w->has_suid = CBS_peek_asn1_tag(&tbs, CBS_ASN1_CONTEXT_SPECIFIC | 2)) &&
      !CBS_get_asn1(&tbs, &w->suid, CBS_ASN1_CONTEXT_SPECIFIC | 2)) {
    return 0;
  }
  if (CBS_peek_asn1_tag(&tbs,
                        CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 3)) {
    w->has_exts = 1;
    if (!CBS_get_asn1(&tbs, &child,
                      CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 3) ||
        !CBS_get_asn1(&child, &w->exts, CBS_ASN1_SEQUENCE)) {
      return 0;
    }
  }
  w->tbs_rest = tbs;
  return CBS_get_asn1_element(&cert, &w->outer_alg, CBS_ASN1_SEQUENCE) &&
         CBS_get_asn1(&cert, &w->sig, CBS_ASN1_BITSTRING);
}

static int walk_built(struct walk *w, const struct cf_built *b, int idx) {
  return walk(w, b->der[idx], b->der_len[idx]);
}

/* ext_info is one extension of a walked certificate. */
struct ext_info {
  char oid[64];
  int critical;
  CBS value; /* extnValue contents */
};

/* list_exts fills up to |max| extensions in order; returns the count or -1. */
static int list_exts(struct ext_info *out, int max, const struct walk *w) {
  CBS exts = w->exts, ext, oid;
  int n = 0;
  while (CBS_len(&exts) > 0) {
    int crit = 0;
    char *text;
    if (n == max || !CBS_get_asn1(&exts, &ext, CBS_ASN1_SEQUENCE) ||
        !CBS_get_asn1(&ext, &oid, CBS_ASN1_OBJECT) ||
        (CBS_peek_asn1_tag(&ext, CBS_ASN1_BOOLEAN) &&
         !CBS_get_asn1_bool(&ext, &crit)) ||
        !CBS_get_asn1(&ext, &out[n].value, CBS_ASN1_OCTETSTRING) ||
        (text = CBS_asn1_oid_to_text(&oid)) == NULL) {
      return -1;
    }
    snprintf(out[n].oid, sizeof(out[n].oid), "%s", text);
    OPENSSL_free(text);
    out[n].critical = crit;
    n++;
  }
  return n;
}

/* find_ext returns the first extension |oid| of |w| or NULL. */
static const struct ext_info *find_ext(struct ext_info *list, int n,
                                       const char *oid) {
  for (int i = 0; i < n; i++) {
    if (strcmp(list[i].oid, oid) == 0) {
      return &list[i];
    }
  }
  return NULL;
}

static int cbs_eq(const CBS *c, const void *data, size_t len) {
  return CBS_len(c) == len && memcmp(CBS_data(c), data, len) == 0;
}

static int oid_is(CBS alg_element, const char *oid, int *out_has_params) {
  CBS seq, o;
  char *text;
  int ok;
  if (!CBS_get_asn1(&alg_element, &seq, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&seq, &o, CBS_ASN1_OBJECT) ||
      (text = CBS_asn1_oid_to_text(&o)) == NULL) {
    return 0;
  }
  ok = strcmp(text, oid) == 0;
  OPENSSL_free(text);
  if (out_has_params != NULL) {
    *out_has_params =
        CBS_len(&seq) > 0 ? (CBS_data(&seq)[0] == 0x05 ? 1 : 2) : 0;
  }
  return ok;
}

/* verify_with verifies the signature of cert |idx| over its TBS with |pkey|
 * and digest |md| (RSA PKCS#1 / ECDSA / Ed25519 with md NULL). */
static int verify_with(const struct cf_built *b, int idx, EVP_PKEY *pkey,
                       const EVP_MD *md, int pss) {
  struct walk w;
  EVP_MD_CTX ctx;
  EVP_PKEY_CTX *pctx;
  int ok;
  if (!walk_built(&w, b, idx) || CBS_len(&w.sig) < 1) {
    return 0;
  }
  EVP_MD_CTX_init(&ctx);
  ok = EVP_DigestVerifyInit(&ctx, &pctx, md, NULL, pkey) &&
       (!pss || (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) &&
                 EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32))) &&
       EVP_DigestVerify(&ctx, CBS_data(&w.sig) + 1, CBS_len(&w.sig) - 1,
                        CBS_data(&w.tbs), CBS_len(&w.tbs));
  EVP_MD_CTX_cleanup(&ctx);
  ERR_clear_error();
  return ok;
}

/* verify_chain runs X509_verify_cert on leaf |leaf| with intermediates
 * |inter| (|num_inter|) and anchor |anchor| at 2026-01-01. */
static int verify_chain(const struct cf_built *b, int anchor, int leaf,
                        const int *inter, size_t num_inter, int *out_err) {
  X509_STORE *store = X509_STORE_new();
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  STACK_OF(X509) *untrusted = sk_X509_new_null();
  X509 *a = parse(b, anchor), *l = parse(b, leaf);
  int ok = 0;
  *out_err = -1;
  if (store == NULL || ctx == NULL || untrusted == NULL || a == NULL ||
      l == NULL || !X509_STORE_add_cert(store, a)) {
    goto err;
  }
  for (size_t i = 0; i < num_inter; i++) {
    X509 *x = parse(b, inter[i]);
    if (x == NULL || !sk_X509_push(untrusted, x)) {
      X509_free(x);
      goto err;
    }
  }
  if (!X509_STORE_CTX_init(ctx, store, l, untrusted)) {
    goto err;
  }
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx),
                             (time_t)CF_DEFAULT_TIME);
  ok = X509_verify_cert(ctx) == 1;
  *out_err = X509_STORE_CTX_get_error(ctx);

err:
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  sk_X509_pop_free(untrusted, X509_free);
  X509_free(a);
  X509_free(l);
  ERR_clear_error();
  return ok;
}

/* --- tests -------------------------------------------------------------------
 */

static void test_chains(void) {
  static const char *const kTypes[] = {"rsa1024", "rsa2048",   "rsa3072",
                                       "rsa4096", "rsa2048e3", "p256",
                                       "p384",    "p521",      "ed25519"};
  for (size_t i = 0; i < sizeof(kTypes) / sizeof(kTypes[0]); i++) {
    static struct cf_recipe r; /* ~2 MB: not on the stack */
    struct cf_built b;
    int inter = 1, err = -1;
    chain_recipe(&r, kTypes[i]);
    int ok = build(&b, &r) && verify_chain(&b, 0, 2, &inter, 1, &err);
    check(ok, "honest root->ica->leaf chain of %s verifies (error %d)",
          kTypes[i], err);
    cf_built_free(&b);
  }
  /* Mixed key types, RSA-PSS on the leaf. */
  static struct cf_recipe r; /* ~2 MB: not on the stack */
  struct cf_built b;
  int inter = 1, err = -1;
  cf_recipe_init(&r);
  snprintf(r.id, sizeof(r.id), "test::mixed");
  add_cert(&r, CF_TPL_ROOT, "root", "root-rsa3072", -1);
  add_cert(&r, CF_TPL_ICA, "ica", "intermediate-rsa2048", 0);
  add_cert(&r, CF_TPL_LEAF, "leaf", "leaf-p384", 1);
  r.certs[1].tbs_alg = r.certs[1].outer_alg = CF_ALG_RSA_PKCS1_SHA512;
  r.certs[2].tbs_alg = r.certs[2].outer_alg = CF_ALG_RSA_PSS_SHA256;
  int ok = build(&b, &r) && verify_chain(&b, 0, 2, &inter, 1, &err);
  check(ok,
        "mixed chain with rsa-pkcs1-sha512 and rsa-pss-sha256 verifies "
        "(error %d)",
        err);
  if (ok) {
    struct walk w;
    int params = -1;
    check(walk_built(&w, &b, 2) &&
              oid_is(w.outer_alg, "1.2.840.113549.1.1.10", &params) &&
              params == 2 &&
              cbs_eq(&w.tbs_alg, CBS_data(&w.outer_alg), CBS_len(&w.outer_alg)),
          "rsa-pss-sha256 identifier carries RSASSA-PSS-params");
  }
  cf_built_free(&b);
}

static void test_names(void) {
  static struct cf_recipe r; /* ~2 MB: not on the stack */
  struct cf_built b;
  struct walk w;
  cf_recipe_init(&r);
  snprintf(r.id, sizeof(r.id), "test::names");
  add_cert(&r, CF_TPL_ROOT, "root", "root-p256", -1);
  add_cert(&r, CF_TPL_BARE, "bare", "leaf-p256", 0);
  add_cert(&r, CF_TPL_LEAF, "leaf", "leaf-p256", 0);
  struct cf_rname *n = &r.certs[0].subject;
  static const struct {
    const char *oid;
    enum cf_str_type type;
    const char *value;
    size_t len;
    const char *want;
    size_t want_len;
  } kAttrs[] = {
      {"2.5.4.6", CF_STR_PRINTABLE, "DE", 2, "DE", 2},
      {"2.5.4.10", CF_STR_UTF8, "a\0b", 3, "a\0b", 3},
      {"2.5.4.11", CF_STR_T61, "t61", 3, "t61", 3},
      {"0.9.2342.19200300.100.1.25", CF_STR_IA5, "com", 3, "com", 3},
      {"2.5.4.3", CF_STR_BMP, "A\xc3\xa9\xe2\x82\xac", 6,
       "\x00\x41\x00\xe9\x20\xac", 6},
      {"2.5.4.7", CF_STR_UNIVERSAL, "Z\xc3\xa9", 3,
       "\x00\x00\x00\x5a\x00\x00\x00\xe9", 8},
  };
  const size_t num = sizeof(kAttrs) / sizeof(kAttrs[0]);
  memset(n, 0, sizeof(*n));
  for (size_t i = 0; i < num; i++) {
    snprintf(n->attrs[i].oid, sizeof(n->attrs[i].oid), "%s", kAttrs[i].oid);
    n->attrs[i].type = kAttrs[i].type;
    memcpy(n->attrs[i].value, kAttrs[i].value, kAttrs[i].len);
    n->attrs[i].value_len = kAttrs[i].len;
  }
  n->num_attrs = num;
  /* leaf: explicit issuer-name. */
  r.certs[2].has_issuer_name = 1;
  r.certs[2].issuer_name.num_attrs = 1;
  snprintf(r.certs[2].issuer_name.attrs[0].oid, 8, "2.5.4.3");
  r.certs[2].issuer_name.attrs[0].type = CF_STR_PRINTABLE;
  memcpy(r.certs[2].issuer_name.attrs[0].value, "other", 5);
  r.certs[2].issuer_name.attrs[0].value_len = 5;
  if (!check(build(&b, &r), "names recipe builds")) {
    return;
  }
  int ok = walk_built(&w, &b, 0);
  CBS name = w.subject, rdns, rdn, atv, oid, val;
  unsigned tag;
  ok = ok && CBS_get_asn1(&name, &rdns, CBS_ASN1_SEQUENCE);
  for (size_t i = 0; ok && i < num; i++) {
    char *text;
    ok = CBS_get_asn1(&rdns, &rdn, CBS_ASN1_SET) &&
         CBS_get_asn1(&rdn, &atv, CBS_ASN1_SEQUENCE) && CBS_len(&rdn) == 0 &&
         CBS_get_asn1(&atv, &oid, CBS_ASN1_OBJECT) &&
         CBS_get_any_asn1(&atv, &val, &tag) &&
         (text = CBS_asn1_oid_to_text(&oid)) != NULL;
    if (!ok) {
      break;
    }
    ok = strcmp(text, kAttrs[i].oid) == 0 && tag == (unsigned)kAttrs[i].type &&
         cbs_eq(&val, kAttrs[i].want, kAttrs[i].want_len);
    OPENSSL_free(text);
    check(ok, "DN attribute %zu: own RDN, tag %d, value bytes", i,
          (int)kAttrs[i].type);
  }
  check(ok && CBS_len(&rdns) == 0, "DN has exactly the attributes in order");
  X509 *x = parse(&b, 0);
  check(
      x != NULL && X509_NAME_entry_count(X509_get_subject_name(x)) == (int)num,
      "root with every string type parses with d2i_X509");
  X509_free(x);
  /* Bare: empty subject, issuer = root's subject; no extensions. */
  struct walk wb;
  static const uint8_t kEmpty[] = {0x30, 0x00};
  check(walk_built(&wb, &b, 1) && cbs_eq(&wb.subject, kEmpty, 2) &&
            cbs_eq(&wb.issuer, CBS_data(&w.subject), CBS_len(&w.subject)) &&
            !wb.has_exts,
        "bare: empty subject Name, issuer DN = issuer's subject, no "
        "extensions");
  struct walk wl;
  static const uint8_t kOther[] = {0x30, 0x10, 0x31, 0x0e, 0x30, 0x0c,
                                   0x06, 0x03, 0x55, 0x04, 0x03, 0x13,
                                   0x05, 'o',  't',  'h',  'e',  'r'};
  check(walk_built(&wl, &b, 2) && cbs_eq(&wl.issuer, kOther, sizeof(kOther)),
        "issuer-name overrides the issuer DN");
  cf_built_free(&b);
}

static void test_version_serial_time(void) {
  static struct cf_recipe r; /* ~2 MB: not on the stack */
  struct cf_built b;
  struct walk w;
  cf_recipe_init(&r);
  snprintf(r.id, sizeof(r.id), "test::fields");
  add_cert(&r, CF_TPL_ROOT, "root", "root-p256", -1);
  add_cert(&r, CF_TPL_LEAF, "v1", "leaf-p256", 0);
  add_cert(&r, CF_TPL_LEAF, "v2", "leaf-p256", 0);
  add_cert(&r, CF_TPL_LEAF, "s00", "leaf-p256", 0);
  add_cert(&r, CF_TPL_LEAF, "sff", "leaf-p256", 0);
  add_cert(&r, CF_TPL_LEAF, "s0001", "leaf-p256", 0);
  add_cert(&r, CF_TPL_LEAF, "nonmin", "leaf-p256", 0);
  add_cert(&r, CF_TPL_LEAF, "t2049", "leaf-p256", 0);
  add_cert(&r, CF_TPL_LEAF, "tforce", "leaf-p256", 0);
  add_cert(&r, CF_TPL_LEAF, "traw", "leaf-p256", 0);
  add_cert(&r, CF_TPL_LEAF, "v1uid", "leaf-p256", 0);
  r.certs[1].version = 1;
  r.certs[10].version = 1;
  r.certs[10].has_subject_uid = 1; /* version 1: written all the same */
  r.certs[2].version = 2;
  r.certs[2].has_issuer_uid = 1;
  r.certs[2].issuer_uid[0] = 0xab;
  r.certs[2].issuer_uid_len = 1;
  r.certs[2].has_subject_uid = 1;
  r.certs[3].serial[0] = 0x00;
  r.certs[3].serial_len = 1;
  r.certs[4].serial[0] = 0xff;
  r.certs[4].serial_len = 1;
  r.certs[5].serial[0] = 0x00;
  r.certs[5].serial[1] = 0x01;
  r.certs[5].serial_len = 2;
  r.certs[6].defects = 1u << CF_DEF_NONMINIMAL_SERIAL;
  r.certs[7].not_before.t = 2524607999; /* 2049-12-31T23:59:59Z */
  r.certs[7].not_after.t = 2524608000;  /* 2050-01-01T00:00:00Z */
  r.certs[8].not_before.t = 1893456000; /* 2030-01-01 */
  r.certs[8].not_before.enc = CF_TIME_GEN;
  r.certs[8].not_after.t = 2493072000; /* 2049-01-01 */
  r.certs[8].not_after.enc = CF_TIME_UTC;
  r.certs[9].not_before.enc = CF_TIME_RAW_UTC;
  snprintf(r.certs[9].not_before.raw, sizeof(r.certs[9].not_before.raw),
           "200101000000.5Z");
  r.certs[9].not_after.enc = CF_TIME_RAW_GEN;
  snprintf(r.certs[9].not_after.raw, sizeof(r.certs[9].not_after.raw),
           "20300101000000+0100");
  if (!check(build(&b, &r), "fields recipe builds")) {
    return;
  }
  X509 *x = parse(&b, 1);
  check(x != NULL && X509_get_version(x) == X509_VERSION_1 &&
            X509_get_ext_count(x) == 0 && walk_built(&w, &b, 1) &&
            !w.has_version && !w.has_exts,
        "version 1: no [0] version, no extensions despite the leaf template");
  X509_free(x);
  x = parse(&b, 2);
  check(x != NULL && X509_get_version(x) == X509_VERSION_2,
        "version 2 encoded as [0] INTEGER 1");
  X509_free(x);
  static const uint8_t kUid[] = {0x00, 0xab}, kEmptyUid[] = {0x00};
  check(walk_built(&w, &b, 2) && w.has_iuid && w.has_suid &&
            cbs_eq(&w.iuid, kUid, 2) && cbs_eq(&w.suid, kEmptyUid, 1),
        "unique identifiers: [1] BIT STRING 00 ab, [2] empty BIT STRING");
  check(walk_built(&w, &b, 10) && !w.has_version && !w.has_iuid &&
            w.has_suid && cbs_eq(&w.suid, kEmptyUid, 1),
        "a subjectUniqueID in version 1 is written as asked");
  check(walk_built(&w, &b, 3) && !w.has_iuid && !w.has_suid,
        "no unique identifiers by default");
  x = parse(&b, 0);
  check(x != NULL && X509_get_version(x) == X509_VERSION_3,
        "version 3 encoded as [0] INTEGER 2");
  X509_free(x);
  static const uint8_t k00[] = {0x00}, kff[] = {0xff}, k0001[] = {0x00, 0x01};
  check(walk_built(&w, &b, 3) && cbs_eq(&w.serial, k00, 1), "serial 00");
  check(walk_built(&w, &b, 4) && cbs_eq(&w.serial, kff, 1), "serial ff");
  check(walk_built(&w, &b, 5) && cbs_eq(&w.serial, k0001, 2), "serial 0001");
  struct walk w0, w1;
  check(walk_built(&w0, &b, 0) && walk_built(&w1, &b, 2) &&
            CBS_len(&w0.serial) == 8 && (CBS_data(&w0.serial)[0] & 0x80) == 0 &&
            CBS_data(&w0.serial)[0] != 0 && CBS_len(&w1.serial) == 8 &&
            !cbs_eq(&w0.serial, CBS_data(&w1.serial), 8),
        "default serials: 8 bytes, positive, minimal, distinct per cert");
  check(walk_built(&w, &b, 6) && CBS_len(&w.serial) == 9 &&
            CBS_data(&w.serial)[0] == 0x00 &&
            (CBS_data(&w.serial)[1] & 0x80) == 0,
        "nonminimal-serial prepends 00");
  check(walk_built(&w, &b, 7) && w.nb_tag == CBS_ASN1_UTCTIME &&
            cbs_eq(&w.nb, "491231235959Z", 13) &&
            w.na_tag == CBS_ASN1_GENERALIZEDTIME &&
            cbs_eq(&w.na, "20500101000000Z", 15),
        "2049 is UTCTime, 2050 GeneralizedTime");
  check(walk_built(&w, &b, 8) && w.nb_tag == CBS_ASN1_GENERALIZEDTIME &&
            cbs_eq(&w.nb, "20300101000000Z", 15) &&
            w.na_tag == CBS_ASN1_UTCTIME && cbs_eq(&w.na, "490101000000Z", 13),
        "gen: and utc: force the time type");
  check(walk_built(&w, &b, 9) && w.nb_tag == CBS_ASN1_UTCTIME &&
            cbs_eq(&w.nb, "200101000000.5Z", 15) &&
            w.na_tag == CBS_ASN1_GENERALIZEDTIME &&
            cbs_eq(&w.na, "20300101000000+0100", 19),
        "raw-utc/raw-gen content octets as given");
  cf_built_free(&b);
}

static void test_algorithms(void) {
  static struct cf_recipe r; /* ~2 MB: not on the stack */
  struct cf_built b;
  struct walk w;
  int params;
  cf_recipe_init(&r);
  snprintf(r.id, sizeof(r.id), "test::algs");
  add_cert(&r, CF_TPL_ROOT, "rsa", "root-rsa2048", -1);
  add_cert(&r, CF_TPL_ROOT, "ec", "root-p384", -1);
  add_cert(&r, CF_TPL_LEAF, "mix", "leaf-p256", 0);
  add_cert(&r, CF_TPL_LEAF, "lie", "leaf-p256", 0);
  add_cert(&r, CF_TPL_LEAF, "oid", "leaf-p256", 1);
  add_cert(&r, CF_TPL_LEAF, "ecsha1", "leaf-p256", 1);
  add_cert(&r, CF_TPL_LEAF, "md5", "leaf-p256", 0);
  r.certs[2].tbs_alg = CF_ALG_RSA_PKCS1_SHA1;
  r.certs[2].outer_alg = CF_ALG_RSA_PKCS1_SHA384;
  r.certs[3].tbs_alg = r.certs[3].outer_alg = CF_ALG_ECDSA_SHA256;
  r.certs[4].tbs_alg = r.certs[4].outer_alg = CF_ALG_OID;
  snprintf(r.certs[4].tbs_alg_oid, sizeof(r.certs[4].tbs_alg_oid), "1.2.3.4.5");
  snprintf(r.certs[4].outer_alg_oid, sizeof(r.certs[4].outer_alg_oid),
           "1.2.3.4.6");
  r.certs[5].tbs_alg = r.certs[5].outer_alg = CF_ALG_ECDSA_SHA1;
  r.certs[6].tbs_alg = r.certs[6].outer_alg = CF_ALG_RSA_PKCS1_MD5;
  if (!check(build(&b, &r), "algorithms recipe builds")) {
    return;
  }
  EVP_PKEY *rsa = g_pool.key[key("root-rsa2048")];
  EVP_PKEY *ec = g_pool.key[key("root-p384")];
  check(walk_built(&w, &b, 0) &&
            oid_is(w.tbs_alg, "1.2.840.113549.1.1.11", &params) &&
            params == 1 && verify_with(&b, 0, rsa, EVP_sha256(), 0),
        "RSA default: sha256WithRSAEncryption with NULL params");
  check(walk_built(&w, &b, 1) &&
            oid_is(w.tbs_alg, "1.2.840.10045.4.3.3", &params) && params == 0 &&
            verify_with(&b, 1, ec, EVP_sha384(), 0),
        "P-384 default: ecdsa-with-SHA384, absent params");
  check(walk_built(&w, &b, 2) &&
            oid_is(w.tbs_alg, "1.2.840.113549.1.1.5", &params) && params == 1 &&
            oid_is(w.outer_alg, "1.2.840.113549.1.1.12", &params) &&
            params == 1 && verify_with(&b, 2, rsa, EVP_sha384(), 0) &&
            !verify_with(&b, 2, rsa, EVP_sha1(), 0),
        "tbs sha1 / outer sha384 differ; signed with the outer hash");
  check(walk_built(&w, &b, 3) &&
            oid_is(w.outer_alg, "1.2.840.10045.4.3.2", &params) &&
            params == 0 && verify_with(&b, 3, rsa, EVP_sha256(), 0),
        "ecdsa-sha256 on an RSA key: identifier lies, RSA key default signs");
  check(walk_built(&w, &b, 4) && oid_is(w.tbs_alg, "1.2.3.4.5", &params) &&
            params == 0 && oid_is(w.outer_alg, "1.2.3.4.6", &params) &&
            params == 0 && verify_with(&b, 4, ec, EVP_sha384(), 0),
        "oid: identifiers with absent params, key default signs");
  check(walk_built(&w, &b, 5) &&
            oid_is(w.outer_alg, "1.2.840.10045.4.1", &params) &&
            verify_with(&b, 5, ec, EVP_sha1(), 0),
        "ecdsa-sha1 with a P-384 key signs with SHA-1");
  check(walk_built(&w, &b, 6) &&
            oid_is(w.outer_alg, "1.2.840.113549.1.1.4", &params) &&
            params == 1 && verify_with(&b, 6, rsa, EVP_md5(), 0),
        "rsa-pkcs1-md5 signs with MD5");
  cf_built_free(&b);
}

static void test_extensions(void) {
  static struct cf_recipe r; /* ~2 MB: not on the stack */
  struct cf_built b;
  struct walk w;
  struct ext_info ex[24];
  cf_recipe_init(&r);
  snprintf(r.id, sizeof(r.id), "test::exts");
  add_cert(&r, CF_TPL_ROOT, "root", "root-p256", -1);
  add_cert(&r, CF_TPL_ICA, "ica", "intermediate-p256", 0);
  add_cert(&r, CF_TPL_LEAF, "leaf", "leaf-rsa2048", 1);
  add_cert(&r, CF_TPL_LEAF, "dup", "leaf-p256", 1);
  add_cert(&r, CF_TPL_LEAF, "odd", "leaf-p256", 1);
  struct cf_rcert *c = &r.certs[1];
  c->bc_path_len = 3;
  c->bc_critical = 0;
  c->ku = CF_RKU_KEY_CERT_SIGN | CF_RKU_DECIPHER_ONLY;
  c->ku_critical = 0;
  c->eku_present = 1;
  c->eku_critical = 1;
  snprintf(c->eku[0], sizeof(c->eku[0]), "1.3.6.1.5.5.7.3.1");
  snprintf(c->eku[1], sizeof(c->eku[1]), "1.3.6.1.5.5.7.3.2");
  c->num_eku = 2;
  c->san_present = 1;
  c->san_critical = 1;
  c->san.num = 6;
  c->san.names[0].type = CF_GN_DNS;
  memcpy(c->san.names[0].value, "a\0b.example", 11);
  c->san.names[0].value_len = 11;
  c->san.names[1].type = CF_GN_IP;
  memcpy(c->san.names[1].value, "\x0a\x00\x00\x01", 4);
  c->san.names[1].value_len = 4;
  c->san.names[2].type = CF_GN_EMAIL;
  memcpy(c->san.names[2].value, "x@y", 3);
  c->san.names[2].value_len = 3;
  c->san.names[3].type = CF_GN_URI;
  memcpy(c->san.names[3].value, "http://u", 8);
  c->san.names[3].value_len = 8;
  c->san.names[4].type = CF_GN_DN;
  c->san.names[4].dn.num_attrs = 1;
  snprintf(c->san.names[4].dn.attrs[0].oid, 8, "2.5.4.3");
  c->san.names[4].dn.attrs[0].type = CF_STR_UTF8;
  c->san.names[4].dn.attrs[0].value[0] = 'd';
  c->san.names[4].dn.attrs[0].value_len = 1;
  c->san.names[5].type = CF_GN_RAW;
  memcpy(c->san.names[5].value, "\x88\x03\x2a\x03\x04", 5);
  c->san.names[5].value_len = 5;
  c->permitted.num = 2;
  c->permitted.names[0].type = CF_GN_DNS;
  memcpy(c->permitted.names[0].value, "example.com", 11);
  c->permitted.names[0].value_len = 11;
  c->permitted.names[1].type = CF_GN_IP;
  memcpy(c->permitted.names[1].value, "\x0a\x00\x00\x00\xff\x00\x00\x00", 8);
  c->permitted.names[1].value_len = 8;
  c->excluded.num = 1;
  c->excluded.names[0].type = CF_GN_EMAIL;
  memcpy(c->excluded.names[0].value, "bad.example", 11);
  c->excluded.names[0].value_len = 11;
  c->nc_critical = 1;
  c->ski_mode = 2;
  memcpy(c->ski, "\x01\x02\x03", 3);
  c->ski_len = 3;
  c->aki_mode = 2;
  memcpy(c->aki, "\x04\x05", 2);
  c->aki_len = 2;
  c->policies_present = 1;
  c->policies_critical = 1;
  snprintf(c->policies[0], sizeof(c->policies[0]), "1.2.3.4");
  snprintf(c->policies[1], sizeof(c->policies[1]), "2.5.29.32.0");
  c->num_policies = 2;
  c->num_policy_maps = 1;
  c->policy_maps_critical = 1;
  snprintf(c->policy_maps[0].issuer, sizeof(c->policy_maps[0].issuer),
           "1.2.3.4");
  snprintf(c->policy_maps[0].subject, sizeof(c->policy_maps[0].subject),
           "1.2.3.5");
  c->pc_present = 1;
  c->pc_require_explicit = 0;
  c->pc_inhibit_mapping = 2;
  c->inhibit_any_policy = 1;
  c->num_raw_exts = 2;
  snprintf(c->raw_exts[0].oid, sizeof(c->raw_exts[0].oid), "1.2.3.99");
  c->raw_exts[0].critical = 1;
  memcpy(c->raw_exts[0].value, "\x05\x00", 2);
  c->raw_exts[0].value_len = 2;
  snprintf(c->raw_exts[1].oid, sizeof(c->raw_exts[1].oid), "1.2.3.100");
  c->raw_exts[1].value_len = 0;
  c->pad = 300;
  /* dup: every duplicable extension twice. */
  r.certs[3].duplicate = (1u << CF_EXT_COUNT) - 1;
  r.certs[3].permitted.num = 1;
  r.certs[3].permitted.names[0].type = CF_GN_DNS;
  r.certs[3].permitted.names[0].value_len = 1;
  r.certs[3].permitted.names[0].value[0] = 'x';
  r.certs[3].policies_present = 1;
  r.certs[3].num_policies = 1;
  snprintf(r.certs[3].policies[0], 16, "2.5.29.32.0");
  /* odd: explicit-false, malformed policies, ku empty. */
  r.certs[4].bc_explicit_false = 1;
  r.certs[4].policies_malformed = 1;
  r.certs[4].ku = 0;
  if (!check(build(&b, &r), "extensions recipe builds")) {
    return;
  }
  int n = walk_built(&w, &b, 1) ? list_exts(ex, 24, &w) : -1;
  static const char *const kOrder[] = {"2.5.29.19",
                                       "2.5.29.15",
                                       "2.5.29.37",
                                       "2.5.29.17",
                                       "2.5.29.30",
                                       "2.5.29.14",
                                       "2.5.29.35",
                                       "2.5.29.32",
                                       "2.5.29.33",
                                       "2.5.29.36",
                                       "2.5.29.54",
                                       "1.2.3.99",
                                       "1.2.3.100",
                                       "1.3.6.1.4.1.55738.666.1"};
  static const int kCrit[] = {0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0};
  int ok = n == 14;
  for (int i = 0; ok && i < n; i++) {
    ok = strcmp(ex[i].oid, kOrder[i]) == 0 && ex[i].critical == kCrit[i];
  }
  check(ok, "extensions in the fixed order with their critical flags (%d)", n);
  if (!ok) {
    cf_built_free(&b);
    return;
  }
  static const uint8_t kBC[] = {0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x03};
  check(cbs_eq(&ex[0].value, kBC, sizeof(kBC)),
        "basicConstraints cA pathLen 3");
  static const uint8_t kKU[] = {0x03, 0x03, 0x07, 0x04, 0x80};
  check(cbs_eq(&ex[1].value, kKU, sizeof(kKU)),
        "keyUsage keyCertSign+decipherOnly: 2 bytes, 7 unused bits");
  static const uint8_t kEKU[] = {0x30, 0x14, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05,
                                 0x05, 0x07, 0x03, 0x01, 0x06, 0x08, 0x2b, 0x06,
                                 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};
  check(cbs_eq(&ex[2].value, kEKU, sizeof(kEKU)), "EKU serverAuth clientAuth");
  static const uint8_t kSAN[] = {
      0x30, 0x37, 0x82, 0x0b, 'a',  0x00, 'b',  '.',  'e',  'x',  'a',  'm',
      'p',  'l',  'e',  0x87, 0x04, 0x0a, 0x00, 0x00, 0x01, 0x81, 0x03, 'x',
      '@',  'y',  0x86, 0x08, 'h',  't',  't',  'p',  ':',  '/',  '/',  'u',
      0xa4, 0x0e, 0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04,
      0x03, 0x0c, 0x01, 'd',  0x88, 0x03, 0x2a, 0x03, 0x04};
  check(cbs_eq(&ex[3].value, kSAN, sizeof(kSAN)),
        "SAN: dNSName with NUL, iPAddress, rfc822Name, URI, directoryName, "
        "raw");
  {
    CBS nc = ex[4].value, seq, perm, excl, sub, gn;
    unsigned tag;
    int nc_ok =
        CBS_get_asn1(&nc, &seq, CBS_ASN1_SEQUENCE) &&
        CBS_get_asn1(&seq, &perm,
                     CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) &&
        CBS_get_asn1(&seq, &excl,
                     CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 1) &&
        CBS_len(&seq) == 0 && CBS_get_asn1(&perm, &sub, CBS_ASN1_SEQUENCE) &&
        CBS_get_any_asn1(&sub, &gn, &tag) &&
        tag == (CBS_ASN1_CONTEXT_SPECIFIC | 2) &&
        cbs_eq(&gn, "example.com", 11) && CBS_len(&sub) == 0 &&
        CBS_get_asn1(&perm, &sub, CBS_ASN1_SEQUENCE) &&
        CBS_get_any_asn1(&sub, &gn, &tag) &&
        tag == (CBS_ASN1_CONTEXT_SPECIFIC | 7) &&
        cbs_eq(&gn, "\x0a\x00\x00\x00\xff\x00\x00\x00", 8) &&
        CBS_len(&perm) == 0 && CBS_get_asn1(&excl, &sub, CBS_ASN1_SEQUENCE) &&
        CBS_get_any_asn1(&sub, &gn, &tag) &&
        tag == (CBS_ASN1_CONTEXT_SPECIFIC | 1) &&
        cbs_eq(&gn, "bad.example", 11) && CBS_len(&excl) == 0;
    check(nc_ok, "nameConstraints: permitted [0] dns + ip/mask, excluded [1]");
  }
  static const uint8_t kSKI[] = {0x04, 0x03, 0x01, 0x02, 0x03};
  static const uint8_t kAKI[] = {0x30, 0x04, 0x80, 0x02, 0x04, 0x05};
  check(cbs_eq(&ex[5].value, kSKI, sizeof(kSKI)) &&
            cbs_eq(&ex[6].value, kAKI, sizeof(kAKI)),
        "explicit SKI and AKI bytes");
  static const uint8_t kPol[] = {0x30, 0x0f, 0x30, 0x05, 0x06, 0x03,
                                 0x2a, 0x03, 0x04, 0x30, 0x06, 0x06,
                                 0x04, 0x55, 0x1d, 0x20, 0x00};
  check(cbs_eq(&ex[7].value, kPol, sizeof(kPol)),
        "certificatePolicies 1.2.3.4 and anyPolicy");
  static const uint8_t kMap[] = {0x30, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x2a,
                                 0x03, 0x04, 0x06, 0x03, 0x2a, 0x03, 0x05};
  check(cbs_eq(&ex[8].value, kMap, sizeof(kMap)),
        "policyMappings 1.2.3.4 to 1.2.3.5");
  static const uint8_t kPC[] = {0x30, 0x06, 0x80, 0x01, 0x00, 0x81, 0x01, 0x02};
  check(cbs_eq(&ex[9].value, kPC, sizeof(kPC)),
        "policyConstraints requireExplicit 0, inhibitMapping 2");
  static const uint8_t kIAP[] = {0x02, 0x01, 0x01};
  check(cbs_eq(&ex[10].value, kIAP, sizeof(kIAP)), "inhibitAnyPolicy 1");
  check(cbs_eq(&ex[11].value, "\x05\x00", 2) && CBS_len(&ex[12].value) == 0,
        "raw extensions with their value bytes (and empty)");
  {
    CBS pad = ex[13].value, inner;
    uint8_t zeros[300] = {0};
    check(CBS_get_asn1(&pad, &inner, CBS_ASN1_OCTETSTRING) &&
              cbs_eq(&inner, zeros, sizeof(zeros)) && CBS_len(&pad) == 0,
          "pad 300: OCTET STRING of 300 zero bytes");
  }
  X509 *x = parse(&b, 1);
  check(x != NULL && X509_get_pathlen(x) == 3 &&
            (X509_get_key_usage(x) & KU_KEY_CERT_SIGN) &&
            (X509_get_key_usage(x) & KU_DECIPHER_ONLY),
        "d2i_X509 reads pathlen and key usage");
  X509_free(x);

  /* Leaf: SKI auto / AKI auto. */
  uint8_t want_ski[SHA_DIGEST_LENGTH], want_aki[SHA_DIGEST_LENGTH];
  {
    EVP_PKEY *keys[2] = {g_pool.key[key("leaf-rsa2048")],
                         g_pool.key[key("intermediate-p256")]};
    uint8_t *outs[2] = {want_ski, want_aki};
    for (int i = 0; i < 2; i++) {
      CBB cbb;
      uint8_t *der;
      size_t der_len;
      CBS s, seq, alg, bits;
      uint8_t unused;
      CBB_init(&cbb, 0);
      EVP_marshal_public_key(&cbb, keys[i]);
      CBB_finish(&cbb, &der, &der_len);
      CBS_init(&s, der, der_len);
      CBS_get_asn1(&s, &seq, CBS_ASN1_SEQUENCE);
      CBS_get_asn1(&seq, &alg, CBS_ASN1_SEQUENCE);
      CBS_get_asn1(&seq, &bits, CBS_ASN1_BITSTRING);
      CBS_get_u8(&bits, &unused);
      SHA1(CBS_data(&bits), CBS_len(&bits), outs[i]);
      OPENSSL_free(der);
    }
  }
  x = parse(&b, 2);
  {
    const ASN1_OCTET_STRING *ski = x ? X509_get0_subject_key_id(x) : NULL;
    const ASN1_OCTET_STRING *aki = x ? X509_get0_authority_key_id(x) : NULL;
    check(ski != NULL && aki != NULL && ASN1_STRING_length(ski) == 20 &&
              memcmp(ASN1_STRING_get0_data(ski), want_ski, 20) == 0 &&
              ASN1_STRING_length(aki) == 20 &&
              memcmp(ASN1_STRING_get0_data(aki), want_aki, 20) == 0,
          "SKI auto = SHA-1 of the key bits, AKI auto = issuer's SKI auto");
    check(x != NULL &&
              X509_get_key_usage(x) ==
                  (KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT) &&
              (X509_get_extended_key_usage(x) & XKU_SSL_SERVER),
          "leaf template on an RSA key: KU digitalSignature keyEncipherment, "
          "EKU serverAuth");
  }
  X509_free(x);

  /* dup */
  x = parse(&b, 3);
  n = walk_built(&w, &b, 3) ? list_exts(ex, 24, &w) : -1;
  {
    static const char *const kDup[] = {"2.5.29.19", "2.5.29.15", "2.5.29.37",
                                       "2.5.29.17", "2.5.29.30", "2.5.29.14",
                                       "2.5.29.35", "2.5.29.32"};
    int dup_ok = n == 16;
    for (int i = 0; dup_ok && i < 8; i++) {
      dup_ok = strcmp(ex[2 * i].oid, kDup[i]) == 0 &&
               strcmp(ex[2 * i + 1].oid, kDup[i]) == 0 &&
               cbs_eq(&ex[2 * i].value, CBS_data(&ex[2 * i + 1].value),
                      CBS_len(&ex[2 * i + 1].value));
    }
    check(dup_ok, "duplicate: each of the 8 extensions written twice (%d)", n);
    /* This BoringSSL's d2i_X509 parses it; its extension cache marks the
     * certificate invalid, which X509_verify_cert then rejects. */
    check(x == NULL || (X509_get_extension_flags(x) & EXFLAG_INVALID),
          "BoringSSL rejects the duplicated extensions (EXFLAG_INVALID)");
  }
  X509_free(x);

  /* odd */
  n = walk_built(&w, &b, 4) ? list_exts(ex, 24, &w) : -1;
  {
    const struct ext_info *bc = find_ext(ex, n, "2.5.29.19");
    const struct ext_info *ku = find_ext(ex, n, "2.5.29.15");
    const struct ext_info *pol = find_ext(ex, n, "2.5.29.32");
    static const uint8_t kFalse[] = {0x30, 0x03, 0x01, 0x01, 0x00};
    static const uint8_t kKU0[] = {0x03, 0x01, 0x00};
    static const uint8_t kBad[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    check(bc != NULL && cbs_eq(&bc->value, kFalse, sizeof(kFalse)),
          "explicit-false: cA BOOLEAN FALSE encoded");
    check(ku != NULL && cbs_eq(&ku->value, kKU0, sizeof(kKU0)),
          "empty key usage: BIT STRING 03 01 00");
    check(pol != NULL && cbs_eq(&pol->value, kBad, sizeof(kBad)),
          "policies malformed: extnValue 30 03 02 01 00");
  }
  cf_built_free(&b);
}

/* explicit_params reads ECParameters of an SPKI element; returns the
 * generator point octets in |*out_base|. */
static int explicit_params(CBS spki, CBS *out_params, CBS *out_base) {
  CBS seq, alg, oid, params, p, tmp;
  uint64_t version;
  if (!CBS_get_asn1(&spki, &seq, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&seq, &alg, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&alg, &oid, CBS_ASN1_OBJECT) ||
      !CBS_get_asn1_element(&alg, out_params, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  params = *out_params;
  return CBS_get_asn1(&params, &p, CBS_ASN1_SEQUENCE) &&
         CBS_get_asn1_uint64(&p, &version) && version == 1 &&
         CBS_get_asn1(&p, &tmp, CBS_ASN1_SEQUENCE) && /* fieldID */
         CBS_get_asn1(&p, &tmp, CBS_ASN1_SEQUENCE) && /* curve */
         CBS_get_asn1(&p, out_base, CBS_ASN1_OCTETSTRING) &&
         CBS_get_asn1(&p, &tmp, CBS_ASN1_INTEGER) && /* order */
         CBS_get_asn1(&p, &tmp, CBS_ASN1_INTEGER) && /* cofactor */
         cbs_eq(&tmp, "\x01", 1) && CBS_len(&p) == 0;
}

static void test_explicit(const char *type, int nid) {
  char root_key[32], leaf_key[32];
  static struct cf_recipe r; /* ~2 MB: not on the stack */
  struct cf_built b;
  struct walk w;
  CBS params, base;
  snprintf(root_key, sizeof(root_key), "root-%s", type);
  snprintf(leaf_key, sizeof(leaf_key), "leaf-%s", type);
  cf_recipe_init(&r);
  snprintf(r.id, sizeof(r.id), "test::cve-2020-0601-%s", type);
  add_cert(&r, CF_TPL_ROOT, "root", root_key, -1);
  add_cert(&r, CF_TPL_ROOT, "evil", root_key, -1);
  add_cert(&r, CF_TPL_LEAF, "leaf", leaf_key, 1);
  add_cert(&r, CF_TPL_LEAF, "params", leaf_key, 0);
  r.certs[1].spki = CF_SPKI_EXPLICIT_GENERATOR;
  r.certs[3].spki = CF_SPKI_EXPLICIT_PARAMS;
  if (!check(build(&b, &r), "%s explicit-parameter recipe builds", type)) {
    return;
  }
  /* explicit-params: BoringSSL recognises the named curve. */
  {
    int ok = walk_built(&w, &b, 3) && explicit_params(w.spki, &params, &base);
    EC_GROUP *g = ok ? EC_KEY_parse_parameters(&params) : NULL;
    const EC_POINT *gen = g != NULL ? EC_GROUP_get0_generator(g) : NULL;
    check(g != NULL && EC_GROUP_get_curve_name(g) == nid && gen != NULL,
          "%s spki explicit-params: version 1, cofactor 1, parses as the "
          "named curve",
          type);
    EC_GROUP_free(g);
    ERR_clear_error();
  }
  /* explicit-generator: base = Q, so it is not the named curve. */
  const EC_KEY *root_ec = EVP_PKEY_get0_EC_KEY(g_pool.key[key(root_key)]);
  const EC_GROUP *std = EC_KEY_get0_group(root_ec);
  const EC_POINT *q = EC_KEY_get0_public_key(root_ec);
  uint8_t qbuf[160];
  size_t qlen = EC_POINT_point2oct(std, q, POINT_CONVERSION_UNCOMPRESSED, qbuf,
                                   sizeof(qbuf), NULL);
  {
    int ok = walk_built(&w, &b, 1) && explicit_params(w.spki, &params, &base);
    EC_GROUP *g = ok ? EC_KEY_parse_parameters(&params) : NULL;
    check(ok && cbs_eq(&base, qbuf, qlen) && g == NULL,
          "%s spki explicit-generator: base point = Q, not a named curve",
          type);
    EC_GROUP_free(g);
    ERR_clear_error();
  }
  /* The leaf's signature is valid under (G' = Q, public key Q' = 1·G'). */
  BN_CTX *bn = BN_CTX_new();
  BIGNUM *p = BN_new(), *a = BN_new(), *bb = BN_new(), *x = BN_new(),
         *y = BN_new(), *one = BN_new();
  EC_GROUP *custom = NULL;
  EC_POINT *gp = NULL;
  EC_KEY *k = EC_KEY_new();
  ECDSA_SIG *sig = NULL;
  int ok = walk_built(&w, &b, 2) && EC_GROUP_get_curve_GFp(std, p, a, bb, bn) &&
           (custom = EC_GROUP_new_curve_GFp(p, a, bb, bn)) != NULL &&
           (gp = EC_POINT_new(custom)) != NULL &&
           EC_POINT_get_affine_coordinates_GFp(std, q, x, y, bn) &&
           EC_POINT_set_affine_coordinates_GFp(custom, gp, x, y, bn) &&
           BN_one(one) &&
           EC_GROUP_set_generator(custom, gp, EC_GROUP_get0_order(std), one) &&
           EC_KEY_set_group(k, custom) && EC_KEY_set_public_key(k, gp) &&
           CBS_len(&w.sig) > 1 &&
           (sig = ECDSA_SIG_from_bytes(CBS_data(&w.sig) + 1,
                                       CBS_len(&w.sig) - 1)) != NULL;
  const EVP_MD *md = nid == NID_secp384r1   ? EVP_sha384()
                     : nid == NID_secp521r1 ? EVP_sha512()
                                            : EVP_sha256();
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned digest_len = 0;
  ok = ok && EVP_Digest(CBS_data(&w.tbs), CBS_len(&w.tbs), digest, &digest_len,
                        md, NULL);
  check(ok && ECDSA_do_verify(digest, digest_len, sig, k) == 1,
        "%s CVE-2020-0601: leaf signature verifies under generator Q, d'=1",
        type);
  check(!verify_with(&b, 2, g_pool.key[key(root_key)], md, 0),
        "%s CVE-2020-0601: leaf signature does not verify with the real root "
        "key",
        type);
  ERR_clear_error();
  ECDSA_SIG_free(sig);
  EC_KEY_free(k);
  EC_POINT_free(gp);
  EC_GROUP_free(custom);
  BN_free(p);
  BN_free(a);
  BN_free(bb);
  BN_free(x);
  BN_free(y);
  BN_free(one);
  BN_CTX_free(bn);
  cf_built_free(&b);
}

static void test_defects(void) {
  static const struct {
    enum cf_defect d;
    const char *key; /* issuer and leaf key type */
  } kSig[] = {
      {CF_DEF_SIG_BITFLIP, "p256"},      {CF_DEF_SIG_BITFLIP, "rsa2048"},
      {CF_DEF_SIG_BITFLIP, "ed25519"},   {CF_DEF_SIG_TRUNCATE, "rsa2048"},
      {CF_DEF_SIG_EMPTY, "p384"},        {CF_DEF_SIG_ZERO_R, "p256"},
      {CF_DEF_SIG_ZERO_S, "p384"},       {CF_DEF_SIG_ZERO_RS, "p256"},
      {CF_DEF_BITSTRING_UNUSED, "p256"},
  };
  for (size_t i = 0; i < sizeof(kSig) / sizeof(kSig[0]); i++) {
    static struct cf_recipe r; /* ~2 MB: not on the stack */
    struct cf_built b, honest;
    chain_recipe(&r, kSig[i].key);
    int ok = build(&honest, &r);
    r.certs[2].defects = 1u << kSig[i].d;
    ok = ok && build(&b, &r);
    X509 *leaf = ok ? parse(&b, 2) : NULL, *ica = ok ? parse(&b, 1) : NULL;
    EVP_PKEY *pub = ica != NULL ? X509_get_pubkey(ica) : NULL;
    int vr = leaf != NULL && pub != NULL ? X509_verify(leaf, pub) : -2;
    ERR_clear_error();
    struct walk w, wh;
    int shape = walk_built(&w, &b, 2) && walk_built(&wh, &honest, 2);
    if (shape) {
      const uint8_t *s = CBS_data(&w.sig), *h = CBS_data(&wh.sig);
      size_t sl = CBS_len(&w.sig), hl = CBS_len(&wh.sig);
      switch (kSig[i].d) {
        case CF_DEF_SIG_BITFLIP: {
          int diff = 0;
          for (size_t j = 0; sl == hl && j < sl; j++) {
            uint8_t v = s[j] ^ h[j];
            diff += v == 0 ? 0 : (v & (v - 1)) == 0 ? 1 : 2;
          }
          shape = sl == hl && diff == 1;
          break;
        }
        case CF_DEF_SIG_TRUNCATE:
          shape = sl + 1 == hl && memcmp(s, h, sl) == 0;
          break;
        case CF_DEF_SIG_EMPTY:
          shape = sl == 1 && s[0] == 0;
          break;
        case CF_DEF_SIG_ZERO_RS:
          shape = sl == 9 &&
                  memcmp(s, "\x00\x30\x06\x02\x01\x00\x02\x01\x00", 9) == 0;
          break;
        case CF_DEF_BITSTRING_UNUSED:
          shape = sl == hl && s[0] == 1 && memcmp(s + 1, h + 1, sl - 1) == 0;
          break;
        case CF_DEF_SIG_ZERO_R:
        case CF_DEF_SIG_ZERO_S: {
          ECDSA_SIG *es = ECDSA_SIG_from_bytes(s + 1, sl - 1);
          ECDSA_SIG *eh = ECDSA_SIG_from_bytes(h + 1, hl - 1);
          const BIGNUM *r1, *s1, *r2, *s2;
          shape = es != NULL && eh != NULL;
          if (shape) {
            ECDSA_SIG_get0(es, &r1, &s1);
            ECDSA_SIG_get0(eh, &r2, &s2);
            shape = kSig[i].d == CF_DEF_SIG_ZERO_R
                        ? BN_is_zero(r1) && BN_cmp(s1, s2) == 0
                        : BN_is_zero(s1) && BN_cmp(r1, r2) == 0;
          }
          ECDSA_SIG_free(es);
          ECDSA_SIG_free(eh);
          break;
        }
        default:
          break;
      }
    }
    check(ok && shape && vr != 1 &&
              cbs_eq(&w.tbs, CBS_data(&wh.tbs), CBS_len(&wh.tbs)),
          "%s (%s): signature value as specified, same TBS, X509_verify "
          "fails (%d)",
          cf_defect_name(kSig[i].d), kSig[i].key, vr);
    EVP_PKEY_free(pub);
    X509_free(leaf);
    X509_free(ica);
    cf_built_free(&b);
    cf_built_free(&honest);
  }

  /* Encoding defects. */
  static struct cf_recipe r; /* ~2 MB: not on the stack */
  struct cf_built b, honest;
  chain_recipe(&r, "p256");
  if (!build(&honest, &r)) {
    check(0, "honest p256 chain builds");
    return;
  }
  const uint8_t *hd = honest.der[2];
  size_t hl = honest.der_len[2];
  /* The honest outer length is 2 bytes (82 xx xx). */
  check(hd[0] == 0x30 && hd[1] == 0x82, "honest leaf has a 2-byte length");

  r.certs[2].defects = 1u << CF_DEF_LONG_LENGTH;
  int ok = build(&b, &r);
  {
    /* This BoringSSL's d2i_X509 (the old template decoder) tolerates a
     * non-minimal length, so the DER check is CBS's strict parser. */
    CBS in, body;
    CBS_init(&in, ok ? b.der[2] : NULL, ok ? b.der_len[2] : 0);
    check(ok && b.der_len[2] == hl + 1 && b.der[2][1] == 0x83 &&
              b.der[2][2] == 0x00 &&
              memcmp(b.der[2] + 3, hd + 2, hl - 2) == 0 &&
              !CBS_get_asn1(&in, &body, CBS_ASN1_SEQUENCE),
          "long-length: 30 83 00 xx xx, not DER (CBS_get_asn1 rejects it)");
  }
  X509 *x;
  cf_built_free(&b);

  r.certs[2].defects = 1u << CF_DEF_INDEFINITE_LENGTH;
  ok = build(&b, &r);
  x = ok ? parse(&b, 2) : NULL;
  check(ok && b.der_len[2] == hl && b.der[2][0] == 0x30 &&
            b.der[2][1] == 0x80 && b.der[2][hl - 2] == 0 &&
            b.der[2][hl - 1] == 0 &&
            memcmp(b.der[2] + 2, hd + 4, hl - 4) == 0 && x == NULL,
        "indefinite-length: 30 80 ... 00 00, rejected by d2i_X509");
  X509_free(x);
  cf_built_free(&b);

  r.certs[2].defects = 1u << CF_DEF_TRAILING_DATA;
  ok = build(&b, &r);
  {
    const uint8_t *p = ok ? b.der[2] : NULL;
    x = ok ? d2i_X509(NULL, &p, (long)b.der_len[2]) : NULL;
    check(x != NULL && b.der_len[2] == hl + 2 && p == b.der[2] + hl &&
              memcmp(b.der[2], hd, hl) == 0 && b.der[2][hl] == 0 &&
              b.der[2][hl + 1] == 0,
          "trailing-data: the certificate, then 00 00");
    X509_free(x);
  }
  cf_built_free(&b);

  r.certs[2].defects = 1u << CF_DEF_WRONG_OUTER_TAG;
  ok = build(&b, &r);
  x = ok ? parse(&b, 2) : NULL;
  check(ok && b.der[2][0] == 0x31 &&
            memcmp(b.der[2] + 1, hd + 1, hl - 1) == 0 && x == NULL,
        "wrong-outer-tag: 31, rejected by d2i_X509");
  X509_free(x);
  cf_built_free(&b);

  r.certs[2].defects = 1u << CF_DEF_TBS_TRAILING;
  ok = build(&b, &r);
  {
    struct walk w;
    uint8_t h[32];
    EVP_PKEY *ica = g_pool.key[key("intermediate-p256")];
    ok = ok && walk_built(&w, &b, 2);
    if (ok) {
      SHA256(CBS_data(&w.tbs), CBS_len(&w.tbs), h);
    }
    check(ok && cbs_eq(&w.tbs_rest, "\x05\x00", 2) &&
              memcmp(h, b.tbs_sha256[2], 32) == 0 &&
              verify_with(&b, 2, ica, EVP_sha256(), 0),
          "tbs-trailing: NULL at the end of the TBS, signed over it, "
          "tbs_sha256 matches");
  }
  cf_built_free(&b);

  /* tbs_sha256 of an honest certificate. */
  {
    struct walk w;
    uint8_t h[32];
    int all = 1;
    for (int i = 0; i < 3; i++) {
      all = all && walk_built(&w, &honest, i);
      if (all) {
        SHA256(CBS_data(&w.tbs), CBS_len(&w.tbs), h);
        all = memcmp(h, honest.tbs_sha256[i], 32) == 0;
      }
    }
    check(all, "tbs_sha256[i] is SHA-256 of each certificate's TBS");
  }
  cf_built_free(&honest);
}

static void test_e3(void) {
  static struct cf_recipe r; /* ~2 MB: not on the stack */
  struct cf_built b;
  char err[256] = "";
  chain_recipe(&r, "rsa2048e3");
  r.certs[2].defects = 1u << CF_DEF_SIG_E3_FORGERY;
  int ok = check(build(&b, &r), "sig-e3-forgery builds with an e=3 issuer");
  if (ok) {
    struct walk w;
    const RSA *rsa =
        EVP_PKEY_get0_RSA(g_pool.key[key("intermediate-rsa2048e3")]);
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *s = BN_new(), *m = BN_new(), *three = BN_new();
    uint8_t block[256], digest[32];
    uint8_t *prefix = NULL;
    size_t prefix_len = 0;
    int alloced = 0;
    ok = walk_built(&w, &b, 2) && CBS_len(&w.sig) == 257 &&
         BN_bin2bn(CBS_data(&w.sig) + 1, 256, s) != NULL &&
         BN_set_word(three, 3) &&
         BN_mod_exp(m, s, three, RSA_get0_n(rsa), bn) &&
         BN_bn2bin_padded(block, sizeof(block), m);
    if (ok) {
      SHA256(CBS_data(&w.tbs), CBS_len(&w.tbs), digest);
      ok = RSA_add_pkcs1_prefix(&prefix, &prefix_len, &alloced, NID_sha256,
                                digest, sizeof(digest));
    }
    size_t pos = 2;
    ok = ok && block[0] == 0x00 && block[1] == 0x01 && block[2] == 0xff;
    while (ok && pos < sizeof(block) && block[pos] == 0xff) {
      pos++;
    }
    ok = ok && pos < sizeof(block) && block[pos] == 0x00 &&
         pos + 1 + prefix_len < sizeof(block) &&
         memcmp(block + pos + 1, prefix, prefix_len) == 0;
    int garbage = 0;
    for (size_t i = pos + 1 + prefix_len; ok && i < sizeof(block); i++) {
      garbage |= block[i];
    }
    check(ok && garbage != 0,
          "e3 forgery: sig^3 mod n = 00 01 FF.. 00 DigestInfo(SHA-256(TBS)) "
          "|| nonzero garbage");
    if (alloced) {
      OPENSSL_free(prefix);
    }
    X509 *leaf = parse(&b, 2);
    check(leaf != NULL &&
              X509_verify(leaf, g_pool.key[key("intermediate-rsa2048e3")]) != 1,
          "e3 forgery: a strict verifier (X509_verify) rejects it");
    ERR_clear_error();
    X509_free(leaf);
    BN_free(s);
    BN_free(m);
    BN_free(three);
    BN_CTX_free(bn);
    cf_built_free(&b);
  }
  chain_recipe(&r, "rsa2048");
  r.certs[2].defects = 1u << CF_DEF_SIG_E3_FORGERY;
  ok = cf_build_certs(&b, &r, &g_pool, err, sizeof(err));
  check(!ok && strstr(err, "cert 'leaf'") != NULL &&
            strstr(err, "e=3") != NULL && b.der[0] == NULL,
        "sig-e3-forgery with an e=65537 signer fails naming the block: %s",
        err);
  cf_built_free(&b);
}

static void test_signed_by_cycle_errors(void) {
  static struct cf_recipe r; /* ~2 MB: not on the stack */
  struct cf_built b;
  char err[256] = "";
  /* signed-by: wrong key, issuer DN unchanged. */
  chain_recipe(&r, "p256");
  r.certs[2].signed_by = key("attacker-p256");
  if (check(build(&b, &r), "signed-by recipe builds")) {
    X509 *leaf = parse(&b, 2);
    struct walk wl, wi;
    check(leaf != NULL &&
              X509_verify(leaf, g_pool.key[key("intermediate-p256")]) != 1 &&
              X509_verify(leaf, g_pool.key[key("attacker-p256")]) == 1 &&
              walk_built(&wl, &b, 2) && walk_built(&wi, &b, 1) &&
              cbs_eq(&wl.issuer, CBS_data(&wi.subject), CBS_len(&wi.subject)),
          "signed-by: signed with the attacker key under the issuer's name");
    ERR_clear_error();
    X509_free(leaf);
    cf_built_free(&b);
  }
  /* Cycle: A signs B, B signs A. */
  cf_recipe_init(&r);
  snprintf(r.id, sizeof(r.id), "test::cycle");
  add_cert(&r, CF_TPL_ICA, "a", "intermediate-p256", 1);
  add_cert(&r, CF_TPL_ICA, "b", "intermediate2-rsa2048", 0);
  if (check(build(&b, &r), "issuer cycle a<->b builds")) {
    X509 *a = parse(&b, 0), *bb = parse(&b, 1);
    check(a != NULL && bb != NULL &&
              X509_verify(a, g_pool.key[key("intermediate2-rsa2048")]) == 1 &&
              X509_verify(bb, g_pool.key[key("intermediate-p256")]) == 1 &&
              X509_check_issued(bb, a) == X509_V_OK &&
              X509_check_issued(a, bb) == X509_V_OK,
          "cycle: each verifies under the other, names and key ids match");
    ERR_clear_error();
    X509_free(a);
    X509_free(bb);
    cf_built_free(&b);
  }
  /* Errors name the block. */
  chain_recipe(&r, "rsa2048");
  r.certs[1].spki = CF_SPKI_EXPLICIT_PARAMS;
  check(!cf_build_certs(&b, &r, &g_pool, err, sizeof(err)) &&
            strstr(err, "cert 'ica'") != NULL,
        "explicit-params on an RSA key fails naming the block: %s", err);
  chain_recipe(&r, "p256");
  r.certs[2].defects = 1u << CF_DEF_SIG_ZERO_R;
  r.certs[2].signed_by = key("attacker-ed25519");
  check(!cf_build_certs(&b, &r, &g_pool, err, sizeof(err)) &&
            strstr(err, "cert 'leaf'") != NULL,
        "sig-zero-r on an Ed25519 signature fails naming the block: %s", err);
}

static void test_determinism_and_case(void) {
  static struct cf_recipe r; /* ~2 MB: not on the stack */
  struct cf_built b1, b2;
  uint8_t junk[64];
  chain_recipe(&r, "p384");
  r.certs[1].tbs_alg = r.certs[1].outer_alg = CF_ALG_ECDSA_SHA256;
  r.certs[2].key = key("leaf-rsa2048");
  add_cert(&r, CF_TPL_LEAF, "pss", "leaf-p256", -1);
  r.certs[3].issuer = 4;
  r.certs[3].tbs_alg = r.certs[3].outer_alg = CF_ALG_RSA_PSS_SHA256;
  add_cert(&r, CF_TPL_ICA, "rsa-ica", "intermediate2-rsa2048", 0);
  int ok = build(&b1, &r);
  RAND_bytes(junk, sizeof(junk));
  ok = ok && build(&b2, &r);
  int same = ok;
  for (size_t i = 0; same && i < r.num_certs; i++) {
    same = b1.der_len[i] == b2.der_len[i] &&
           memcmp(b1.der[i], b2.der[i], b1.der_len[i]) == 0 &&
           memcmp(b1.tbs_sha256[i], b2.tbs_sha256[i], 32) == 0;
  }
  check(same,
        "building the same recipe twice (RAND drawn between) is "
        "byte-identical (ECDSA and RSA-PSS included)");

  /* Case round trip. */
  uint8_t *der = NULL;
  size_t der_len = 0;
  struct cf_case c;
  r.device.num_anchors = 2;
  r.device.anchors[1] = 4;
  r.device.num_chain = 3;
  r.device.chain[0] = 2;
  r.device.chain[1] = 1;
  r.device.chain[2] = 4;
  r.device.profile.time = 1800000000;
  ok = ok && cf_build_case(&der, &der_len, &r, &b1);
  ok = ok && cf_case_parse(&c, NULL, der, der_len) == CF_CASE_OK;
  check(
      ok && c.num_anchors == 2 && c.anchors[0].len == b1.der_len[0] &&
          memcmp(c.anchors[0].data, b1.der[0], b1.der_len[0]) == 0 &&
          c.anchors[1].len == b1.der_len[4] && c.leaf.len == b1.der_len[2] &&
          memcmp(c.leaf.data, b1.der[2], b1.der_len[2]) == 0 &&
          c.num_intermediates == 2 && c.intermediates[0].len == b1.der_len[1] &&
          memcmp(c.intermediates[1].data, b1.der[4], b1.der_len[4]) == 0 &&
          c.label.len == strlen(r.id) &&
          memcmp(c.label.data, r.id, c.label.len) == 0 &&
          c.profile.time == 1800000000 && c.profile.name_type == CF_NAME_DNS &&
          strcmp(c.profile.dns_name, "device.example.com") == 0,
      "cf_build_case round-trips through cf_case_parse");
  free(der);
  r.device.num_anchors = CF_MAX_ANCHORS + 1;
  for (size_t i = 0; i < r.device.num_anchors; i++) {
    r.device.anchors[i] = 0;
  }
  der = NULL;
  check(!cf_build_case(&der, &der_len, &r, &b1) && der == NULL,
        "cf_build_case refuses more anchors than the case format holds");
  cf_built_free(&b1);
  cf_built_free(&b2);
  cf_built_free(&b1); /* a no-op on an empty one */
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "certgen/keys";
  char err[512];
  if (!cf_pool_load(&g_pool, dir, err, sizeof(err))) {
    fprintf(stderr, "build_test: %s\n", err);
    return 2;
  }
  test_chains();
  test_names();
  test_version_serial_time();
  test_algorithms();
  test_extensions();
  test_explicit("p256", NID_X9_62_prime256v1);
  test_explicit("p384", NID_secp384r1);
  test_explicit("p521", NID_secp521r1);
  test_defects();
  test_e3();
  test_signed_by_cycle_errors();
  test_determinism_and_case();
  cf_pool_free(&g_pool);
  printf("1..%d\n", g_num);
  return g_failed ? 1 : 0;
}
