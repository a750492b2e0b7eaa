/* recipe_model.c — the parts of the recipe model (recipe.h) that the parser,
 * the builder, the oracle and their tests share: defaults and word tables. */
#include "recipe.h"

#include <stdio.h>
#include <string.h>

#include "keypool.h"

int cf_utf8_valid(const uint8_t *s, size_t len, uint32_t max_cp) {
  size_t i = 0;
  while (i < len) {
    uint8_t c = s[i++];
    uint32_t v, min;
    size_t n;
    if (c < 0x80) {
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      v = c & 0x1f, n = 1, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      v = c & 0x0f, n = 2, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      v = c & 0x07, n = 3, min = 0x10000;
    } else {
      return 0;
    }
    for (size_t k = 0; k < n; k++) {
      if (i >= len || (s[i] & 0xc0) != 0x80) {
        return 0;
      }
      v = (v << 6) | (s[i++] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ||
        v > max_cp) {
      return 0;
    }
  }
  return 1;
}

static const char *const kAlgNames[CF_ALG_COUNT] = {
    [CF_ALG_RSA_PKCS1_MD5] = "rsa-pkcs1-md5",
    [CF_ALG_RSA_PKCS1_SHA1] = "rsa-pkcs1-sha1",
    [CF_ALG_RSA_PKCS1_SHA256] = "rsa-pkcs1-sha256",
    [CF_ALG_RSA_PKCS1_SHA384] = "rsa-pkcs1-sha384",
    [CF_ALG_RSA_PKCS1_SHA512] = "rsa-pkcs1-sha512",
    [CF_ALG_RSA_PSS_SHA256] = "rsa-pss-sha256",
    [CF_ALG_ECDSA_SHA1] = "ecdsa-sha1",
    [CF_ALG_ECDSA_SHA256] = "ecdsa-sha256",
    [CF_ALG_ECDSA_SHA384] = "ecdsa-sha384",
    [CF_ALG_ECDSA_SHA512] = "ecdsa-sha512",
    [CF_ALG_ED25519] = "ed25519",
};

static const char *const kDefectNames[CF_DEF_COUNT] = {
    [CF_DEF_SIG_BITFLIP] = "sig-bitflip",
    [CF_DEF_SIG_TRUNCATE] = "sig-truncate",
    [CF_DEF_SIG_EMPTY] = "sig-empty",
    [CF_DEF_SIG_ZERO_R] = "sig-zero-r",
    [CF_DEF_SIG_ZERO_S] = "sig-zero-s",
    [CF_DEF_SIG_ZERO_RS] = "sig-zero-rs",
    [CF_DEF_SIG_E3_FORGERY] = "sig-e3-forgery",
    [CF_DEF_LONG_LENGTH] = "long-length",
    [CF_DEF_INDEFINITE_LENGTH] = "indefinite-length",
    [CF_DEF_TRAILING_DATA] = "trailing-data",
    [CF_DEF_NONMINIMAL_SERIAL] = "nonminimal-serial",
    [CF_DEF_WRONG_OUTER_TAG] = "wrong-outer-tag",
    [CF_DEF_BITSTRING_UNUSED] = "bitstring-unused",
    [CF_DEF_TBS_TRAILING] = "tbs-trailing",
};

const char *cf_sig_alg_name(enum cf_sig_alg a) {
  if ((int)a < 0 || a >= CF_ALG_COUNT) {
    return NULL;
  }
  return kAlgNames[a];
}

const char *cf_defect_name(enum cf_defect d) {
  if ((int)d < 0 || d >= CF_DEF_COUNT) {
    return NULL;
  }
  return kDefectNames[d];
}

int cf_sig_alg_from_name(const char *name) {
  for (int i = 0; i < CF_ALG_COUNT; i++) {
    if (kAlgNames[i] != NULL && strcmp(kAlgNames[i], name) == 0) {
      return i;
    }
  }
  return -1;
}

int cf_defect_from_name(const char *name) {
  for (int i = 0; i < CF_DEF_COUNT; i++) {
    if (kDefectNames[i] != NULL && strcmp(kDefectNames[i], name) == 0) {
      return i;
    }
  }
  return -1;
}

uint32_t cf_default_algorithms(void) {
  uint32_t mask = 0;
  for (int i = 1; i < CF_ALG_OID; i++) {
    if (i != CF_ALG_RSA_PKCS1_MD5 && i != CF_ALG_RSA_PKCS1_SHA1 &&
        i != CF_ALG_ECDSA_SHA1) {
      mask |= 1u << i;
    }
  }
  return mask;
}

void cf_recipe_init(struct cf_recipe *r) {
  static const char kDefaultName[] = "device.example.com";
  memset(r, 0, sizeof(*r));
  r->expect = CF_EXPECT_ACCEPT;
  r->expect_reason = CF_REASON_NONE;
  cf_profile_init(&r->device.profile);
  cf_profile_set_dns_name(&r->device.profile, kDefaultName,
                          sizeof(kDefaultName) - 1);
  r->device.min_rsa_bits = 2048;
  r->device.algorithms = cf_default_algorithms();
  r->device.max_chain_bytes = 0;
}

/* set_cn sets |name| to the one attribute CN=|cn| (UTF8String). */
static void set_cn(struct cf_rname *name, const char *cn) {
  memset(name, 0, sizeof(*name));
  size_t len = strlen(cn);
  if (len > CF_RECIPE_MAX_VALUE) {
    len = CF_RECIPE_MAX_VALUE;
  }
  snprintf(name->attrs[0].oid, sizeof(name->attrs[0].oid), "2.5.4.3");
  name->attrs[0].type = CF_STR_UTF8;
  memcpy(name->attrs[0].value, cn, len);
  name->attrs[0].value_len = len;
  name->num_attrs = 1;
}

void cf_rcert_init(struct cf_rcert *c, enum cf_template tpl, const char *name,
                   int self_idx, int key) {
  static const char kLeafName[] = "device.example.com";
  char cn[CF_RECIPE_MAX_VALUE];
  memset(c, 0, sizeof(*c));
  snprintf(c->name, sizeof(c->name), "%s", name);
  c->tpl = tpl;
  c->key = key;
  c->issuer = tpl == CF_TPL_ROOT ? self_idx : -1;
  c->signed_by = -1;
  c->version = 3;
  c->bc_path_len = -1;
  c->policy_maps_critical = 1;
  c->pc_require_explicit = -1;
  c->pc_inhibit_mapping = -1;
  c->inhibit_any_policy = -1;
  c->nc_critical = 1;
  c->not_before.t = 1577836800; /* 2020-01-01T00:00:00Z */
  c->not_after.t = 2208988800;  /* 2040-01-01T00:00:00Z */
  switch (tpl) {
    case CF_TPL_ROOT:
    case CF_TPL_ICA:
      snprintf(cn, sizeof(cn), "chainfuzz %s", name);
      set_cn(&c->subject, cn);
      c->bc = CF_RBC_CA;
      c->bc_critical = 1;
      c->ku_present = 1;
      c->ku_critical = 1;
      c->ku = CF_RKU_KEY_CERT_SIGN | CF_RKU_CRL_SIGN;
      c->ski_mode = 1;
      c->aki_mode = tpl == CF_TPL_ICA;
      break;
    case CF_TPL_LEAF: {
      const struct cf_pool_info *info = cf_pool_get(key);
      set_cn(&c->subject, kLeafName);
      c->bc = CF_RBC_EE;
      c->bc_critical = 1;
      c->ku_present = 1;
      c->ku_critical = 1;
      c->ku = CF_RKU_DIGITAL_SIGNATURE;
      if (info != NULL && info->type == CF_KT_RSA) {
        c->ku |= CF_RKU_KEY_ENCIPHERMENT;
      }
      c->eku_present = 1;
      snprintf(c->eku[0], sizeof(c->eku[0]), "1.3.6.1.5.5.7.3.1");
      c->num_eku = 1;
      c->san_present = 1;
      c->san.names[0].type = CF_GN_DNS;
      memcpy(c->san.names[0].value, kLeafName, sizeof(kLeafName) - 1);
      c->san.names[0].value_len = sizeof(kLeafName) - 1;
      c->san.num = 1;
      c->ski_mode = 1;
      c->aki_mode = 1;
      c->not_before.t = 1748736000; /* 2025-06-01T00:00:00Z */
      c->not_after.t = 1780272000;  /* 2026-06-01T00:00:00Z */
      break;
    }
    case CF_TPL_BARE:
      break;
  }
}

int cf_rname_identical(const struct cf_rname *a, const struct cf_rname *b) {
  if (a->num_attrs != b->num_attrs) {
    return 0;
  }
  for (size_t i = 0; i < a->num_attrs && i < CF_RECIPE_MAX_ATTRS; i++) {
    const struct cf_rattr *x = &a->attrs[i], *y = &b->attrs[i];
    if (strcmp(x->oid, y->oid) != 0 || x->type != y->type ||
        x->value_len != y->value_len ||
        (x->value_len > 0 && memcmp(x->value, y->value, x->value_len) != 0)) {
      return 0;
    }
  }
  return 1;
}

int cf_rcert_has_ext(const struct cf_rcert *c, enum cf_ext_id id) {
  switch (id) {
    case CF_EXT_BC:
      return c->bc != CF_RBC_ABSENT;
    case CF_EXT_KU:
      return c->ku_present;
    case CF_EXT_EKU:
      return c->eku_present;
    case CF_EXT_SAN:
      return c->san_present;
    case CF_EXT_NC:
      return c->permitted.num > 0 || c->excluded.num > 0;
    case CF_EXT_SKI:
      return c->ski_mode != 0;
    case CF_EXT_AKI:
      return c->aki_mode != 0;
    case CF_EXT_POLICIES:
      return c->policies_present || c->policies_malformed;
    default:
      return 0;
  }
}

int cf_recipe_find_cert(const struct cf_recipe *r, const char *name) {
  for (size_t i = 0; i < r->num_certs; i++) {
    if (strcmp(r->certs[i].name, name) == 0) {
      return (int)i;
    }
  }
  return -1;
}

void cf_recipe_error_format(char *out, size_t out_len,
                            const struct cf_recipe_error *err) {
  if (err->line == 0) {
    snprintf(out, out_len, "%s: %s", err->file, err->msg);
  } else {
    snprintf(out, out_len, "%s:%u:%u: %s", err->file, err->line, err->col,
             err->msg);
  }
}
