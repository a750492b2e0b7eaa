/* seeds.c — the scenario table (seeds.h) and its builder. */
#define _POSIX_C_SOURCE 200809L /* inet_pton, inet_ntop */

#include "seeds.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/mem.h>

#include "chainfuzz/case.h"

/* Where a certificate of a scenario goes. */
enum seed_role {
  END = 0, /* ends a scenario's certificate list */
  ANCHOR,  /* in the device's trust store */
  SENT,    /* sent by the server after its leaf, in table order */
  LEAF,    /* the server's leaf (exactly one) */
  HIDDEN,  /* signs others but is neither trusted nor sent */
};

/* seed_kind picks a template: extensions, organisation and validity. */
enum seed_kind { ROOT, ICA, EE };

#define SELF (-1) /* issuer of a self-signed certificate */

/* Tweaks applied on top of the template. */
#define X_NO_BC 0x01u      /* no basicConstraints at all (keyUsage stays) */
#define X_PATHLEN0 0x02u   /* a CA with pathLenConstraint 0 */
#define X_EKU_CLIENT 0x04u /* extKeyUsage clientAuth only */
#define X_BAD_SIG 0x08u    /* one bit of the signature flipped */
#define X_NO_KU 0x10u      /* no keyUsage extension */

struct seed_cert {
  enum seed_role role;
  enum seed_kind kind;
  int issuer; /* index in the scenario's list, or SELF */
  enum cf_key_id key;
  const char *name; /* CN; for EE also the SAN (an IP literal → iPAddress) */
  uint32_t tweaks;
  uint32_t not_before, not_after; /* YYYYMMDD (00:00 UTC); 0: template */
};

#define CLOCK_UNSET 1u /* in seed_scenario.clock: the device's clock is unset */
#define MAX_CERTS 6

struct seed_scenario {
  const char *name, *what, *bug;
  enum cf_decision decision;
  enum cf_reason reason;
  const char *peer;  /* expected DNS name or IP literal; NULL: none */
  uint32_t clock;    /* YYYYMMDD; 0: CF_DEFAULT_TIME; or CLOCK_UNSET */
  uint8_t max_depth; /* intermediates allowed; 0: CF_DEFAULT_MAX_DEPTH */
  struct seed_cert certs[MAX_CERTS];
};

#define ACCEPT CF_ACCEPT, CF_REASON_NONE
#define REJECT(r) CF_REJECT, CF_REASON_##r

/* The PKI the scenarios share: four roots, a rogue root, three CAs. */
#define ROOT_R1 {ANCHOR, ROOT, SELF, CF_KEY_ROOT_RSA2048, "chainfuzz Test Root R1", 0, 0, 0}
#define ROOT_R1_LONG {ANCHOR, ROOT, SELF, CF_KEY_ROOT_RSA2048, "chainfuzz Test Root R1", 0, 20200101, 20600101}
#define ROOT_E1 {ANCHOR, ROOT, SELF, CF_KEY_ROOT_P256, "chainfuzz Test Root E1", 0, 0, 0}
#define ROOT_E2 {ANCHOR, ROOT, SELF, CF_KEY_ROOT_P384, "chainfuzz Test Root E2", 0, 0, 0}
#define ROOT_ED1 {ANCHOR, ROOT, SELF, CF_KEY_ROOT_ED25519, "chainfuzz Test Root Ed1", 0, 0, 0}
#define ROGUE_ROOT {SENT, ROOT, SELF, CF_KEY_ROOT_P384, "Rogue Root X1", 0, 0, 0}
#define ICA1(iss, role, tw, nb, na) {role, ICA, iss, CF_KEY_ICA_P256, "chainfuzz Test Issuing CA 1", tw, nb, na}
#define POLICY_CA(iss, tw) {SENT, ICA, iss, CF_KEY_ICA_RSA2048, "chainfuzz Test Policy CA", tw, 0, 0}
#define ICA2(iss) {SENT, ICA, iss, CF_KEY_ICA_P384, "chainfuzz Test Issuing CA 2", 0, 0, 0}
#define LEAF_OF(iss, key, name) {LEAF, EE, iss, key, name, 0, 0, 0}
#define LEAF_TW(iss, key, name, tw, nb, na) {LEAF, EE, iss, key, name, tw, nb, na}
/* root → ICA1 → leaf, the most common device chain */
#define CHAIN_ICA1(leaf_name) ROOT_R1, ICA1(0, SENT, 0, 0, 0), LEAF_OF(1, CF_KEY_LEAF_P256, leaf_name)
/* root → Policy CA → Issuing CA 2 → leaf, intermediates sent leaf-upward */
#define CHAIN_2ICA(tw) ROOT_R1, ICA2(2), POLICY_CA(0, tw), LEAF_OF(1, CF_KEY_LEAF_P256, "device.example.com")

static const struct seed_scenario kSeeds[] = {
    /* A correct device accepts these: refusing one takes it offline. */
    {"valid-rsa", "RSA-2048 root signs an RSA-2048 leaf", "", ACCEPT,
     "device.example.com", 0, 0,
     {ROOT_R1, LEAF_OF(0, CF_KEY_LEAF_RSA2048, "device.example.com")}},
    {"valid-p256", "ECDSA P-256 root and leaf", "", ACCEPT, "api.iot.example",
     0, 0, {ROOT_E1, LEAF_OF(0, CF_KEY_LEAF_P256, "api.iot.example")}},
    {"valid-p384", "ECDSA P-384 root and leaf (ecdsa-with-SHA384)", "", ACCEPT,
     "telemetry.iot.example", 0, 0,
     {ROOT_E2, LEAF_OF(0, CF_KEY_LEAF_P384, "telemetry.iot.example")}},
    {"valid-ed25519", "Ed25519 root and leaf", "", ACCEPT,
     "update.iot.example", 0, 0,
     {ROOT_ED1, LEAF_OF(0, CF_KEY_LEAF_ED25519, "update.iot.example")}},
    {"valid-ica", "root -> intermediate -> leaf (RSA root, P-256 below)", "",
     ACCEPT, "device.example.com", 0, 0, {CHAIN_ICA1("device.example.com")}},
    {"valid-two-icas", "root -> two intermediates -> leaf, sent in order", "",
     ACCEPT, "device.example.com", 0, 0, {CHAIN_2ICA(0)}},
    {"valid-icas-out-of-order", "intermediates sent root-side first", "",
     ACCEPT, "device.example.com", 0, 0,
     {ROOT_R1, POLICY_CA(0, 0), ICA2(1),
      LEAF_OF(2, CF_KEY_LEAF_P256, "device.example.com")}},
    {"valid-extra-cert", "an unrelated self-signed RSA-1024 cert is sent too",
     "", ACCEPT, "device.example.com", 0, 0,
     {{SENT, EE, SELF, CF_KEY_WEAK_RSA1024, "legacy.example.net", 0, 0, 0},
      ROOT_R1, ICA1(1, SENT, 0, 0, 0),
      LEAF_OF(2, CF_KEY_LEAF_P256, "device.example.com")}},
    {"valid-ipv4-san", "device connects to 192.0.2.10, leaf has that IP SAN",
     "", ACCEPT, "192.0.2.10", 0, 0,
     {ROOT_E1, LEAF_OF(0, CF_KEY_LEAF_P256, "192.0.2.10")}},
    {"valid-ipv6-san", "device connects to 2001:db8::10, leaf has it", "",
     ACCEPT, "2001:db8::10", 0, 0,
     {ROOT_E1, LEAF_OF(0, CF_KEY_LEAF_P256, "2001:db8::10")}},
    {"valid-wildcard", "*.example.com covers a.example.com", "", ACCEPT,
     "a.example.com", 0, 0, {CHAIN_ICA1("*.example.com")}},
    {"valid-notafter-2050", "leaf notAfter 2050-06-01 (GeneralizedTime)",
     "B27", ACCEPT, "device.example.com", 0, 0,
     {ROOT_R1_LONG, LEAF_TW(0, CF_KEY_LEAF_RSA2048, "device.example.com", 0,
                            20250601, 20500601)}},
    {"valid-clock-2050", "clock 2050-03-01, leaf valid 2049-06..2050-06", "B27",
     ACCEPT, "device.example.com", 20500301, 0,
     {ROOT_R1_LONG, LEAF_TW(0, CF_KEY_LEAF_RSA2048, "device.example.com", 0,
                            20490601, 20500601)}},
    {"valid-depth-at-limit", "two intermediates, profile allows two", "",
     ACCEPT, "device.example.com", 0, 2, {CHAIN_2ICA(0)}},

    /* A correct device refuses these. */
    {"expired-leaf", "leaf expired 2025-01-01", "", REJECT(EXPIRED),
     "device.example.com", 0, 0,
     {ROOT_R1, ICA1(0, SENT, 0, 0, 0),
      LEAF_TW(1, CF_KEY_LEAF_P256, "device.example.com", 0, 20240101,
              20250101)}},
    {"not-yet-valid-leaf", "leaf valid from 2026-06-01", "",
     REJECT(NOT_YET_VALID), "device.example.com", 0, 0,
     {ROOT_R1, ICA1(0, SENT, 0, 0, 0),
      LEAF_TW(1, CF_KEY_LEAF_P256, "device.example.com", 0, 20260601,
              20270601)}},
    {"clock-unset", "device clock never set (1970), valid chain", "",
     REJECT(NOT_YET_VALID), "device.example.com", CLOCK_UNSET, 0,
     {CHAIN_ICA1("device.example.com")}},
    {"expired-ica", "intermediate expired 2025-12-01, leaf still valid", "B27",
     REJECT(EXPIRED), "device.example.com", 0, 0,
     {ROOT_R1, ICA1(0, SENT, 0, 20200101, 20251201),
      LEAF_OF(1, CF_KEY_LEAF_P256, "device.example.com")}},
    {"expired-after-2049", "clock 2050-03-01, leaf notAfter 2050-01-01",
     "B27", REJECT(EXPIRED), "device.example.com", 20500301, 0,
     {ROOT_R1_LONG, LEAF_TW(0, CF_KEY_LEAF_RSA2048, "device.example.com", 0,
                            20490601, 20500101)}},
    {"hostname-mismatch", "leaf for device.example.com, device wants gateway",
     "", REJECT(NAME_MISMATCH), "gateway.example.com", 0, 0,
     {CHAIN_ICA1("device.example.com")}},
    {"ip-mismatch", "leaf IP SAN 192.0.2.10, device wants 192.0.2.11", "",
     REJECT(NAME_MISMATCH), "192.0.2.11", 0, 0,
     {ROOT_E1, LEAF_OF(0, CF_KEY_LEAF_P256, "192.0.2.10")}},
    {"wildcard-two-labels", "*.example.com must not cover a.b.example.com",
     "B23", REJECT(NAME_MISMATCH), "a.b.example.com", 0, 0,
     {CHAIN_ICA1("*.example.com")}},
    {"self-signed-leaf", "self-signed leaf, not in the trust store", "",
     REJECT(UNTRUSTED), "device.example.com", 0, 0,
     {ROOT_R1, {LEAF, EE, SELF, CF_KEY_LEAF_RSA2048, "device.example.com", 0,
                0, 0}}},
    {"unknown-root", "chain to a root the device does not trust", "",
     REJECT(UNTRUSTED), "device.example.com", 0, 0,
     {ROOT_R1, ROGUE_ROOT, LEAF_OF(1, CF_KEY_LEAF_P256, "device.example.com")}},
    {"missing-intermediate", "server omits the intermediate", "",
     REJECT(UNTRUSTED), "device.example.com", 0, 0,
     {ROOT_R1, ICA1(0, HIDDEN, 0, 0, 0),
      LEAF_OF(1, CF_KEY_LEAF_P256, "device.example.com")}},
    /* No keyUsage on the misused leaf: with digitalSignature only, issuer
     * matching (keyCertSign) would stop the chain before the CA check. */
    {"b01-leaf-as-issuer", "a CA:FALSE leaf's key signs a forged leaf", "B01",
     REJECT(NOT_CA), "device.example.com", 0, 0,
     {ROOT_R1,
      {SENT, EE, 2, CF_KEY_LEAF_RSA2048, "gateway.example.com", X_NO_KU, 0,
       0},
      ICA1(0, SENT, 0, 0, 0), LEAF_OF(1, CF_KEY_LEAF_P384, "device.example.com")}},
    {"b02-ica-without-bc", "intermediate with keyCertSign, no basicConstraints",
     "B02", REJECT(NOT_CA), "device.example.com", 0, 0,
     {ROOT_R1, ICA1(0, SENT, X_NO_BC, 0, 0),
      LEAF_OF(1, CF_KEY_LEAF_P256, "device.example.com")}},
    {"b09-bad-leaf-signature", "one bit of the leaf's signature flipped", "B09",
     REJECT(SIGNATURE), "device.example.com", 0, 0,
     {ROOT_R1, ICA1(0, SENT, 0, 0, 0),
      LEAF_TW(1, CF_KEY_LEAF_P256, "device.example.com", X_BAD_SIG, 0, 0)}},
    {"b29-eku-client-only", "leaf EKU is clientAuth only", "B29", REJECT(EKU),
     "device.example.com", 0, 0,
     {ROOT_R1, ICA1(0, SENT, 0, 0, 0),
      LEAF_TW(1, CF_KEY_LEAF_P256, "device.example.com", X_EKU_CLIENT, 0,
              0)}},
    {"b30-pathlen-exceeded", "Policy CA pathLen:0 -> Issuing CA 2 -> leaf",
     "B30", REJECT(PATH_LENGTH), "device.example.com", 0, 0,
     {CHAIN_2ICA(X_PATHLEN0)}},
    {"depth-beyond-limit", "two intermediates, profile allows one", "",
     REJECT(PATH_LENGTH), "device.example.com", 0, 1, {CHAIN_2ICA(0)}},
};

#define NUM_SEEDS (sizeof(kSeeds) / sizeof(kSeeds[0]))

static const char *const kOrg[] = {
    [ROOT] = "chainfuzz Test PKI", [ICA] = "chainfuzz Test PKI",
    [EE] = "Example Devices"};
static const uint32_t kValidity[][2] = {[ROOT] = {20200101, 20450101},
                                        [ICA] = {20210101, 20310101},
                                        [EE] = {20250601, 20261201}};

size_t cf_seed_count(void) { return NUM_SEEDS; }

const char *cf_seed_name(size_t i) {
  return i < NUM_SEEDS ? kSeeds[i].name : NULL;
}

int cf_seed_get_expect(struct cf_seed_expect *out, size_t i) {
  if (i >= NUM_SEEDS) {
    return 0;
  }
  memset(out, 0, sizeof(*out));
  out->decision = kSeeds[i].decision;
  out->reason = kSeeds[i].reason;
  out->bug = kSeeds[i].bug;
  out->what = kSeeds[i].what;
  return 1;
}

static int64_t ymd_time(uint32_t ymd) {
  return cf_time_from_civil((int)(ymd / 10000), (int)(ymd / 100 % 100),
                            (int)(ymd % 100), 0, 0, 0);
}

/* parse_ip reads an IPv4 or IPv6 literal; it returns 0 for anything else. */
static int parse_ip(const char *text, uint8_t out[16], size_t *out_len) {
  if (inet_pton(AF_INET, text, out) == 1) {
    *out_len = 4;
    return 1;
  }
  if (inet_pton(AF_INET6, text, out) == 1) {
    *out_len = 16;
    return 1;
  }
  return 0;
}

/* fill_spec turns table entry |c|, issued by |iss|, into a cert spec. */
static void fill_spec(struct cf_cert_spec *spec, const struct seed_cert *c,
                      const struct seed_cert *iss,
                      const struct cf_keys *keys) {
  cf_cert_spec_init(spec);
  spec->subject_cn = c->name;
  spec->subject_o = kOrg[c->kind];
  spec->issuer_cn = iss->name;
  spec->issuer_o = kOrg[iss->kind];
  spec->not_before =
      ymd_time(c->not_before ? c->not_before : kValidity[c->kind][0]);
  spec->not_after = ymd_time(c->not_after ? c->not_after : kValidity[c->kind][1]);
  spec->subject_key = keys->key[c->key];
  spec->issuer_key = keys->key[iss->key];
  spec->ski = 1;
  spec->aki = c != iss;
  if (c->kind == EE) {
    spec->basic_constraints = CF_BC_NOT_CA;
    spec->key_usage = CF_KU_DIGITAL_SIGNATURE;
    if (EVP_PKEY_id(spec->subject_key) == EVP_PKEY_RSA) {
      spec->key_usage |= CF_KU_KEY_ENCIPHERMENT;
    }
    spec->eku = CF_EKU_SERVER_AUTH;
    if (!parse_ip(c->name, spec->ip_sans[0], &spec->ip_san_lens[0])) {
      spec->dns_sans[0] = c->name;
    }
  } else {
    spec->basic_constraints = CF_BC_CA;
    spec->key_usage = CF_KU_KEY_CERT_SIGN | CF_KU_CRL_SIGN;
  }
  if (c->tweaks & X_NO_BC) {
    spec->basic_constraints = CF_BC_ABSENT;
  }
  if (c->tweaks & X_PATHLEN0) {
    spec->path_len = 0;
  }
  if (c->tweaks & X_NO_KU) {
    spec->key_usage = 0;
  }
  if (c->tweaks & X_EKU_CLIENT) {
    spec->eku = CF_EKU_CLIENT_AUTH;
  }
  spec->corrupt_signature = (c->tweaks & X_BAD_SIG) != 0;
}

/* leaf_names derives a name |leaf_name| matches and a near miss. */
static void leaf_names(struct cf_seed_expect *e, const char *leaf_name) {
  uint8_t ip[16];
  size_t ip_len;
  if (parse_ip(leaf_name, ip, &ip_len)) {
    snprintf(e->leaf_match, sizeof(e->leaf_match), "%s", leaf_name);
    ip[ip_len - 1] ^= 0x01;
    inet_ntop(ip_len == 4 ? AF_INET : AF_INET6, ip, e->leaf_mismatch,
              sizeof(e->leaf_mismatch));
  } else if (strncmp(leaf_name, "*.", 2) == 0) {
    snprintf(e->leaf_match, sizeof(e->leaf_match), "a%s", leaf_name + 1);
    snprintf(e->leaf_mismatch, sizeof(e->leaf_mismatch), "a.b%s",
             leaf_name + 1);
  } else {
    snprintf(e->leaf_match, sizeof(e->leaf_match), "%s", leaf_name);
    snprintf(e->leaf_mismatch, sizeof(e->leaf_mismatch), "other.%s",
             leaf_name);
  }
}

int cf_seed_build(uint8_t **out_case, size_t *out_len,
                  struct cf_seed_expect *out_expect, size_t i,
                  const struct cf_keys *keys) {
  uint8_t *der[MAX_CERTS] = {NULL};
  size_t der_len[MAX_CERTS] = {0};
  struct cf_cert_spec spec;
  struct cf_case c;
  char label[CF_MAX_LABEL_LEN + 1];
  uint8_t ip[16];
  size_t ip_len, n;
  int ok = 0;

  *out_case = NULL;
  *out_len = 0;
  if (!cf_seed_get_expect(out_expect, i)) {
    return 0;
  }
  const struct seed_scenario *s = &kSeeds[i];
  memset(&c, 0, sizeof(c));
  cf_profile_init(&c.profile);
  for (n = 0; n < MAX_CERTS && s->certs[n].role != END; n++) {
    const struct seed_cert *cert = &s->certs[n];
    int issuer = cert->issuer == SELF ? (int)n : cert->issuer;
    fill_spec(&spec, cert, &s->certs[issuer], keys);
    if (!cf_cert_build(&der[n], &der_len[n], &spec)) {
      goto done;
    }
    struct cf_blob blob = {der[n], der_len[n]};
    if (cert->role == ANCHOR && c.num_anchors < CF_MAX_ANCHORS) {
      c.anchors[c.num_anchors++] = blob;
    } else if (cert->role == SENT &&
               c.num_intermediates < CF_MAX_INTERMEDIATES) {
      c.intermediates[c.num_intermediates++] = blob;
    } else if (cert->role == LEAF) {
      c.leaf = blob;
      leaf_names(out_expect, cert->name);
    }
  }
  if (s->clock == CLOCK_UNSET) {
    c.profile.clock = CF_CLOCK_UNSET;
  } else if (s->clock != 0) {
    c.profile.time = ymd_time(s->clock);
  }
  if (s->peer != NULL &&
      !(parse_ip(s->peer, ip, &ip_len)
            ? cf_profile_set_ip(&c.profile, ip, ip_len)
            : cf_profile_set_dns_name(&c.profile, s->peer, strlen(s->peer)))) {
    goto done;
  }
  if (s->max_depth != 0) {
    c.profile.max_depth = s->max_depth;
  }
  int label_len = snprintf(label, sizeof(label), CF_SEED_LABEL_PREFIX "%s",
                           s->name);
  c.label.data = (const uint8_t *)label;
  c.label.len = (size_t)label_len;
  ok = cf_case_serialize(out_case, out_len, &c);

done:
  for (size_t j = 0; j < MAX_CERTS; j++) {
    OPENSSL_free(der[j]);
  }
  return ok;
}
