/* judge.c — the oracles of a completed handshake (handshake.h) and the
 * bookkeeping every device client shares (message log, result).
 *
 * The chain oracle asks the same library's chain adapter (validators/)
 * about the chain the server presented, under the device's anchors and
 * profile. The adapter is the library's own X.509 path as a device's TLS
 * client runs it, so a handshake that completes on a chain the adapter
 * rejects means the verify result got lost between the X.509 code and the
 * handshake (a misconfiguration, a callback, a state machine that skips the
 * check), which is exactly what the misconfiguration canaries are
 * and what impersonation needs. When the adapter accepts, the signed-bytes
 * oracle (certgen/signed_bytes.h) still requires every certificate of its
 * path to carry certgen's signature: a forged certificate that both the
 * handshake and the adapter accept is a signature bypass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bytestring.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "chainfuzz/coverage.h"
#include "chainfuzz/finding.h"
#include "chainfuzz/handshake.h"
#include "keypool.h"
#include "signed_bytes.h"

void cf_hs_msg_log_add(struct cf_hs_msg_log *log, int from_server,
                       const uint8_t *msg, size_t msg_len) {
  if (log->num_msgs == CF_HS_MAX_MSGS) {
    log->overflow = 1;
    return;
  }
  if (log->buf_cap - log->buf_len < msg_len) {
    /* Messages point into buf: growing it moves them, so rebase after. */
    size_t cap = log->buf_cap == 0 ? 16384 : log->buf_cap;
    while (cap - log->buf_len < msg_len) {
      cap *= 2;
    }
    uint8_t *old = log->buf, *buf = realloc(log->buf, cap);
    if (buf == NULL) {
      log->overflow = 1;
      return;
    }
    for (size_t i = 0; i < log->num_msgs; i++) {
      log->msgs[i].data = buf + (log->msgs[i].data - old);
    }
    log->buf = buf;
    log->buf_cap = cap;
  }
  if (msg_len > 0) {
    memcpy(log->buf + log->buf_len, msg, msg_len);
  }
  log->msgs[log->num_msgs].from_server = from_server ? 1 : 0;
  log->msgs[log->num_msgs].data = log->buf + log->buf_len;
  log->msgs[log->num_msgs].len = msg_len;
  log->num_msgs++;
  log->buf_len += msg_len;
}

void cf_hs_msg_log_reset(struct cf_hs_msg_log *log) {
  log->num_msgs = 0;
  log->overflow = 0;
  log->buf_len = 0;
}

void cf_hs_msg_log_free(struct cf_hs_msg_log *log) {
  free(log->buf);
  memset(log, 0, sizeof(*log));
}

void cf_hs_result_reset(struct cf_hs_result *r) {
  struct cf_hs_msg_log msgs = r->msgs;
  for (size_t i = 0; i < r->num_peer_certs; i++) {
    free((void *)r->peer_certs[i].data);
  }
  memset(r, 0, sizeof(*r));
  r->msgs = msgs;
  cf_hs_msg_log_reset(&r->msgs);
}

void cf_hs_result_free(struct cf_hs_result *r) {
  for (size_t i = 0; i < r->num_peer_certs; i++) {
    free((void *)r->peer_certs[i].data);
  }
  cf_hs_msg_log_free(&r->msgs);
  memset(r, 0, sizeof(*r));
}

static struct cf_pool g_pool;
static int g_pool_loaded;

static const struct cf_pool *pool(void) {
  if (!g_pool_loaded) {
    char err[256];
    if (!cf_pool_load_embedded(&g_pool, err, sizeof(err))) {
      fprintf(stderr, "handshake judge: %s\n", err);
      abort();
    }
    g_pool_loaded = 1;
  }
  return &g_pool;
}

/* Judged-and-passed cache. In verifying mode a mutated server flight almost
 * never completes (the Finished covers it), so the handshakes that do are
 * the seeds' over and over: the adapter and the signed-bytes oracle would
 * redo the same work on the same chain. Both are deterministic functions of
 * (anchors, profile, presented chain), so a chain that passed is
 * remembered by the SHA-256 of exactly those, in a small direct-mapped
 * table. Only passes are remembered: a failure aborts the run. */
#define PASSED_SLOTS 256
static uint8_t g_passed[PASSED_SLOTS][SHA256_DIGEST_LENGTH];
static uint8_t g_passed_used[PASSED_SLOTS];

static void hash_blob(SHA256_CTX *ctx, const struct cf_blob *b) {
  uint8_t len[8];
  for (int i = 0; i < 8; i++) {
    len[i] = (uint8_t)((uint64_t)b->len >> (56 - 8 * i));
  }
  SHA256_Update(ctx, len, sizeof(len));
  SHA256_Update(ctx, b->data, b->len);
}

/* chain_key hashes what the chain verdict depends on. The profile is
 * hashed field by field (not as raw struct bytes: padding). */
static void chain_key(uint8_t out[SHA256_DIGEST_LENGTH], const struct cf_case *c) {
  SHA256_CTX ctx;
  const struct cf_profile *p = &c->profile;
  uint8_t fields[32];
  size_t i;

  SHA256_Init(&ctx);
  memset(fields, 0, sizeof(fields));
  fields[0] = (uint8_t)p->clock;
  fields[1] = (uint8_t)p->name_type;
  fields[2] = (uint8_t)p->purpose;
  fields[3] = p->max_depth;
  for (i = 0; i < 8; i++) {
    fields[4 + i] = (uint8_t)((uint64_t)p->time >> (56 - 8 * i));
  }
  for (i = 0; i < 4; i++) {
    fields[12 + i] = (uint8_t)(p->flags >> (24 - 8 * i));
  }
  fields[16] = (uint8_t)p->ip_len;
  fields[17] = (uint8_t)c->num_anchors;
  fields[18] = (uint8_t)c->num_intermediates;
  SHA256_Update(&ctx, fields, sizeof(fields));
  SHA256_Update(&ctx, p->dns_name, p->dns_name_len);
  SHA256_Update(&ctx, p->ip, p->ip_len);
  for (i = 0; i < c->num_anchors; i++) {
    hash_blob(&ctx, &c->anchors[i]);
  }
  hash_blob(&ctx, &c->leaf);
  for (i = 0; i < c->num_intermediates; i++) {
    hash_blob(&ctx, &c->intermediates[i]);
  }
  SHA256_Final(out, &ctx);
}

/* Known findings: differences between a library's handshake and its own
 * chain path that have been reviewed and written up in FINDINGS.md. They
 * are real (the library breaks a MUST), but once known they would stop
 * every seed and every fuzzing run that reaches them; the judge lets them
 * pass unless CHAINFUZZ_KNOWN_FINDINGS=report, which is how their
 * reproducers in FINDINGS.md are run. A row matches on the library (its
 * canaries inherit it), the TLS version, the verdict's reason
 * and the start of its native text, and the leaf's key type. */
static const struct {
  const char *validator;
  uint16_t version;
  enum cf_reason reason;
  const char *native_prefix;
  int leaf_key_type; /* EVP_PKEY_*; EVP_PKEY_NONE: any */
  const char *finding;
} kKnownFindings[] = {
    /* F32: BoringSSL's TLS 1.2 client accepts an RSA leaf whose keyUsage
     * lacks digitalSignature for ECDHE-RSA (enforce_rsa_key_usage is off by
     * default in this snapshot; RFC 5246 7.4.2 says MUST). */
    {"boringssl", 0x0303, CF_REASON_KEY_USAGE, "SSL_R_KEY_USAGE_BIT_INCORRECT",
     EVP_PKEY_RSA, "F32"},
    /* F33: wolfSSL's TLS 1.3 client never checks the leaf's keyUsage
     * (ProcessPeerCerts tests it only for TLS 1.2 suites' signature
     * algorithms; RFC 8446 4.4.2.2 says MUST have digitalSignature). */
    {"wolfssl", 0x0304, CF_REASON_KEY_USAGE,
     "Key Use digitalSignature not set", EVP_PKEY_NONE, "F33"},
};

/* known_finding returns the FINDINGS.md id that excuses verdict |v| of
 * |validator| on a TLS |version| handshake with leaf |leaf|, or NULL. */
static const char *known_finding(const char *validator, uint16_t version,
                                 const struct cf_verdict *v,
                                 const struct cf_blob *leaf) {
  static int report = -1;
  if (report < 0) {
    const char *e = getenv("CHAINFUZZ_KNOWN_FINDINGS");
    report = e != NULL && strcmp(e, "report") == 0;
  }
  if (report) {
    return NULL;
  }
  for (size_t i = 0; i < sizeof(kKnownFindings) / sizeof(kKnownFindings[0]);
       i++) {
    const char *prefix = kKnownFindings[i].native_prefix;
    size_t lib_len = strlen(kKnownFindings[i].validator);
    /* The library itself, or one of its canaries
     * (<lib>_<misconfiguration>_negative), which inherits its library's
     * known findings so that it is caught for its own laxness. */
    if (strncmp(kKnownFindings[i].validator, validator, lib_len) != 0 ||
        (validator[lib_len] != '\0' && validator[lib_len] != '_') ||
        kKnownFindings[i].version != version ||
        kKnownFindings[i].reason != v->reason ||
        strncmp(v->native_text, prefix, strlen(prefix)) != 0) {
      continue;
    }
    if (kKnownFindings[i].leaf_key_type == EVP_PKEY_NONE) {
      return kKnownFindings[i].finding;
    }
    struct cf_blob spki;
    if (!cf_cert_spki(&spki, leaf->data, leaf->len)) {
      continue;
    }
    CBS cbs;
    CBS_init(&cbs, spki.data, spki.len);
    EVP_PKEY *key = EVP_parse_public_key(&cbs);
    int type = key != NULL ? EVP_PKEY_id(key) : EVP_PKEY_NONE;
    EVP_PKEY_free(key);
    if (type == kKnownFindings[i].leaf_key_type) {
      return kKnownFindings[i].finding;
    }
  }
  return NULL;
}

/* judge_presented judges the chain |r| presented, in case |pc|, unless it
 * passed before. */
static void judge_presented(const char *validator, cf_validator_fn verify,
                            const struct cf_hs_result *r,
                            const struct cf_case *pc, const uint8_t *in,
                            size_t in_len);

void cf_hs_judge_chain(const char *validator, cf_validator_fn verify,
                       const struct cf_transcript *t,
                       const struct cf_hs_result *r, const uint8_t *in,
                       size_t in_len) {
  struct cf_case c;
  size_t i;

  if (!r->completed) {
    return;
  }
  if (r->num_peer_certs == 0) {
    /* A full first handshake that completes without a certificate: the
     * client authenticated nobody. */
    cf_report_finding(CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT, validator,
                      "handshake-chain", CF_REASON_UNTRUSTED, in, in_len,
                      "handshake completed but the server presented no "
                      "certificate");
  }
  /* The device's anchors and profile, with the chain the server really
   * presented (the recorder's chain in the DEVICE case does not count). */
  c = t->device;
  if (r->purpose_forced_server_auth) {
    c.profile.purpose = CF_PURPOSE_SERVER_AUTH;
  }
  c.leaf = r->peer_certs[0];
  c.num_intermediates = 0;
  for (i = 1; i < r->num_peer_certs && c.num_intermediates < CF_MAX_INTERMEDIATES;
       i++) {
    c.intermediates[c.num_intermediates++] = r->peer_certs[i];
  }
  /* The judging is the oracle's work, not the client's, and the cache
   * makes a repeated run skip it: outside the engine's coverage either way
   * (chainfuzz/coverage.h), so the same input takes the same path. */
  cf_coverage_pause();
  judge_presented(validator, verify, r, &c, in, in_len);
  cf_coverage_resume();
}

static void judge_presented(const char *validator, cf_validator_fn verify,
                            const struct cf_hs_result *r,
                            const struct cf_case *pc, const uint8_t *in,
                            size_t in_len) {
  const struct cf_case c = *pc;
  struct cf_verdict v;
  char detail[400];
  size_t pos;
  uint8_t key[SHA256_DIGEST_LENGTH];
  size_t slot;
  chain_key(key, &c);
  slot = ((size_t)key[0] << 8 | key[1]) % PASSED_SLOTS;
  if (g_passed_used[slot] && memcmp(g_passed[slot], key, sizeof(key)) == 0) {
    return;
  }
  verify(&v, &c);
  if (v.decision == CF_REJECT &&
      known_finding(validator, r->version, &v, &c.leaf) != NULL) {
    return;
  }
  if (v.decision != CF_ACCEPT) {
    snprintf(detail, sizeof(detail),
             "TLS %s handshake completed on a chain of %zu certificate(s) "
             "that %s's chain validation %s: %s (%ld: %s)%s",
             r->version == 0x0304 ? "1.3" : "1.2", r->num_peer_certs,
             validator, v.decision == CF_ERROR ? "could not judge" : "rejects",
             cf_reason_name(v.reason), v.native_code, v.native_text,
             r->num_peer_certs > CF_MAX_INTERMEDIATES + 1
                 ? " (chain truncated to the case limit)"
                 : "");
    cf_report_finding(CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT, validator,
                      "handshake-chain", v.reason, in, in_len, detail);
  }
  if (!cf_signed_bytes_check(&pos, detail, sizeof(detail), pool(), &c, &v)) {
    char line[480];
    snprintf(line, sizeof(line), "handshake completed; path[%zu]: %s", pos,
             detail);
    cf_report_finding(CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT, validator,
                      "signed-bytes", CF_REASON_SIGNATURE, in, in_len, line);
  }
  memcpy(g_passed[slot], key, sizeof(key));
  g_passed_used[slot] = 1;
}

void cf_hs_judge_signature(const char *validator,
                           const struct cf_hs_result *r, const uint8_t *in,
                           size_t in_len) {
  char detail[300], line[400];

  if (!r->completed || !r->msgs_complete) {
    return;
  }
  if (cf_hs_sig_check(detail, sizeof(detail), &r->msgs) == CF_HS_SIG_BAD) {
    snprintf(line, sizeof(line),
             "TLS %s handshake completed without the leaf key's proof of "
             "possession: %s",
             r->version == 0x0304 ? "1.3" : "1.2", detail);
    cf_report_finding(CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT, validator,
                      "handshake-signature", CF_REASON_SIGNATURE, in, in_len,
                      line);
  }
}
