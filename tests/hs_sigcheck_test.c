/* hs_sigcheck_test — the handshake signature oracle (handshake/sigcheck.c)
 * on real handshakes: BoringSSL's own client and server, in-process over
 * memory BIOs, serving catalogue chains (tests/scenario_verdict.h) with the
 * leaf's pool key; the client's message callback makes the log.
 *  - honest TLS 1.2 (ECDSA, RSA-PSS, PKCS#1 incl. SHA-1) and TLS 1.3
 *    (P-256, P-384, P-521, RSA-PSS, Ed25519, HelloRetryRequest) -> OK;
 *  - one signature byte flipped, the leaf swapped for another pool key's
 *    certificate, a scheme that names the wrong curve or PKCS#1 in TLS 1.3,
 *    the proof left out -> BAD; resumption, unknown schemes, a cut log ->
 *    NOT_APPLICABLE;
 *  - the TLS 1.2 wire log: the two byte streams give the callback's
 *    messages (Finished excepted), also with 1-byte records and an alert
 *    between them; malformed streams give 0; byte flips of the server's
 *    stream never yield OK when they touch what is signed.
 * Prints the time one check takes. Run from the repository root. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bytestring.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "chainfuzz/handshake.h"
#include "keypool.h"
#include "scenario_verdict.h"
#include "signed_bytes.h"
#include "tap.h"

static struct cf_pool g_pool;

/* hs_opts is one handshake's configuration. */
struct hs_opts {
  uint16_t version;          /* TLS1_2_VERSION or TLS1_3_VERSION */
  const char *server_curves; /* NULL: default */
  const char *client_curves; /* NULL: default */
  uint16_t server_sigalg;    /* 0: default */
};

/* endpoints are a server serving a scenario's chain and a client. */
struct endpoints {
  SSL_CTX *server, *client;
  struct cf_case c;
  uint8_t *case_der;
};

/* hs_run is what one handshake left. */
struct hs_run {
  struct cf_hs_msg_log log; /* the client's message callback */
  uint8_t *client_bytes, *server_bytes;
  size_t client_len, server_len;
  SSL_SESSION *session; /* the client's session, for resumption */
};

/* g_new_session is the last session the client's new-session callback
 * gave (TLS 1.3 tickets arrive after the handshake). */
static SSL_SESSION *g_new_session;

static int new_session_cb(SSL *ssl, SSL_SESSION *session) {
  SSL_SESSION_free(g_new_session);
  g_new_session = session;
  return 1;
}

static void msg_cb(int is_write, int version, int content_type, const void *buf,
                   size_t len, SSL *ssl, void *arg) {
  if (content_type == SSL3_RT_HANDSHAKE) {
    cf_hs_msg_log_add(arg, !is_write, buf, len);
  }
}

static void endpoints_free(struct endpoints *e) {
  SSL_CTX_free(e->server);
  SSL_CTX_free(e->client);
  free(e->case_der);
  memset(e, 0, sizeof(*e));
}

static void hs_run_free(struct hs_run *r) {
  cf_hs_msg_log_free(&r->log);
  free(r->client_bytes);
  free(r->server_bytes);
  SSL_SESSION_free(r->session);
  memset(r, 0, sizeof(*r));
}

/* setup builds scenario |id| and configures both sides. */
static int setup(struct endpoints *e, const char *id, const struct hs_opts *o) {
  static const uint16_t kVerify[] = {0x0403, 0x0503, 0x0603, 0x0804,
                                     0x0805, 0x0806, 0x0401, 0x0501,
                                     0x0601, 0x0807, 0x0201, 0x0203};
  struct cf_blob spki;
  int idx;
  memset(e, 0, sizeof(*e));
  if (!cf_test_scenario_case(&e->c, &e->case_der, &g_pool, id) ||
      !cf_cert_spki(&spki, e->c.leaf.data, e->c.leaf.len) ||
      (idx = cf_pool_find_spki(&g_pool, spki.data, spki.len)) < 0) {
    printf("# %s: scenario or leaf key not found\n", id);
    return 0;
  }
  e->server = SSL_CTX_new(TLS_method());
  e->client = SSL_CTX_new(TLS_method());
  if (e->server == NULL || e->client == NULL ||
      !SSL_CTX_use_certificate_ASN1(e->server, e->c.leaf.len, e->c.leaf.data) ||
      !SSL_CTX_use_PrivateKey(e->server, g_pool.key[idx]) ||
      !SSL_CTX_set_min_proto_version(e->server, o->version) ||
      !SSL_CTX_set_max_proto_version(e->server, o->version) ||
      !SSL_CTX_set_min_proto_version(e->client, TLS1_2_VERSION) ||
      !SSL_CTX_set_max_proto_version(e->client, TLS1_3_VERSION) ||
      !SSL_CTX_set_verify_algorithm_prefs(
          e->client, kVerify, sizeof(kVerify) / sizeof(kVerify[0])) ||
      (o->server_curves != NULL &&
       !SSL_CTX_set1_curves_list(e->server, o->server_curves)) ||
      (o->client_curves != NULL &&
       !SSL_CTX_set1_curves_list(e->client, o->client_curves)) ||
      (o->server_sigalg != 0 &&
       !SSL_CTX_set_signing_algorithm_prefs(e->server, &o->server_sigalg, 1))) {
    printf("# %s: SSL_CTX setup failed\n", id);
    return 0;
  }
  for (size_t i = 0; i < e->c.num_intermediates; i++) {
    const uint8_t *p = e->c.intermediates[i].data;
    X509 *x = d2i_X509(NULL, &p, (long)e->c.intermediates[i].len);
    int ok = x != NULL && SSL_CTX_add1_chain_cert(e->server, x);
    X509_free(x);
    if (!ok) {
      return 0;
    }
  }
  SSL_CTX_set_verify(e->client, SSL_VERIFY_NONE, NULL);
  SSL_CTX_set_session_cache_mode(e->client, SSL_SESS_CACHE_CLIENT);
  SSL_CTX_sess_set_new_cb(e->client, new_session_cb);
  SSL_CTX_set_msg_callback(e->client, msg_cb);
  return 1;
}

static int append(uint8_t **buf, size_t *len, const uint8_t *data, size_t n) {
  uint8_t *b = realloc(*buf, *len + n + 1);
  if (b == NULL) {
    return 0;
  }
  memcpy(b + *len, data, n);
  *buf = b;
  *len += n;
  return 1;
}

/* move carries what |from| holds to |to|, keeping a copy. */
static int move(BIO *from, BIO *to, uint8_t **copy, size_t *copy_len) {
  uint8_t tmp[4096];
  int n, moved = 0;
  while ((n = BIO_read(from, tmp, sizeof(tmp))) > 0) {
    append(copy, copy_len, tmp, (size_t)n);
    BIO_write(to, tmp, n);
    moved = 1;
  }
  return moved;
}

/* handshake runs one connection (offering |offer| if not NULL). Returns 1
 * if both sides completed. */
static int handshake(struct hs_run *r, struct endpoints *e,
                     SSL_SESSION *offer) {
  SSL *c = SSL_new(e->client), *s = SSL_new(e->server);
  BIO *c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
  BIO *s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());
  int done = 0;
  uint8_t byte = 0;
  memset(r, 0, sizeof(*r));
  BIO_set_mem_eof_return(c_in, -1);
  BIO_set_mem_eof_return(s_in, -1);
  SSL_set_bio(c, c_in, c_out);
  SSL_set_bio(s, s_in, s_out);
  SSL_set_msg_callback_arg(c, &r->log);
  SSL_set_connect_state(c);
  SSL_set_accept_state(s);
  if (offer != NULL) {
    SSL_set_session(c, offer);
  }
  for (int i = 0; i < 32; i++) {
    int cr = SSL_do_handshake(c), sr = SSL_do_handshake(s);
    if (sr == 1) {
      SSL_write(s, &byte, 0); /* flushes TLS 1.3 NewSessionTicket */
    }
    if (cr == 1) {
      SSL_read(c, &byte, 1); /* reads it */
    }
    int moved = move(c_out, s_in, &r->client_bytes, &r->client_len);
    moved |= move(s_out, c_in, &r->server_bytes, &r->server_len);
    if (cr == 1 && sr == 1 && !moved) {
      done = 1;
      break;
    }
  }
  r->session = g_new_session != NULL ? g_new_session : SSL_get1_session(c);
  g_new_session = NULL;
  SSL_free(c);
  SSL_free(s);
  return done;
}

/* find returns the index of the first message of |type| from the side
 * |from_server|, or -1. */
static int find(const struct cf_hs_msg_log *log, int from_server,
                uint8_t type) {
  for (size_t i = 0; i < log->num_msgs; i++) {
    if (log->msgs[i].from_server == from_server &&
        log->msgs[i].data[0] == type) {
      return (int)i;
    }
  }
  return -1;
}

/* edit copies |src| to |dst| (zeroed or used before) through message
 * |limit| - 1, message |idx| replaced by |repl| (dropped if |repl| is NULL;
 * |idx| < 0: none). */
static void edit(struct cf_hs_msg_log *dst, const struct cf_hs_msg_log *src,
                 int idx, const uint8_t *repl, size_t repl_len, size_t limit) {
  cf_hs_msg_log_reset(dst);
  for (size_t i = 0; i < src->num_msgs && i < limit; i++) {
    const struct cf_hs_msg *m = &src->msgs[i];
    if ((int)i != idx) {
      cf_hs_msg_log_add(dst, m->from_server, m->data, m->len);
    } else if (repl != NULL) {
      cf_hs_msg_log_add(dst, m->from_server, repl, repl_len);
    }
  }
}

/* mutable_msg gives write access to message |i| of a log we own. */
static uint8_t *mutable_msg(struct cf_hs_msg_log *log, int i) {
  return (uint8_t *)log->msgs[i].data;
}

/* cert_msg makes a Certificate message holding |der| alone. */
static int cert_msg(uint8_t **out, size_t *out_len, const struct cf_blob *der,
                    int tls13) {
  CBB cbb, body, list, entry, ext;
  return CBB_init(&cbb, 0) && CBB_add_u8(&cbb, 11) &&
         CBB_add_u24_length_prefixed(&cbb, &body) &&
         (!tls13 || CBB_add_u8(&body, 0)) &&
         CBB_add_u24_length_prefixed(&body, &list) &&
         CBB_add_u24_length_prefixed(&list, &entry) &&
         CBB_add_bytes(&entry, der->data, der->len) &&
         (!tls13 || CBB_add_u16_length_prefixed(&list, &ext)) &&
         CBB_finish(&cbb, out, out_len);
}

static enum cf_hs_sig_status check(char *detail, size_t detail_len,
                                   const struct cf_hs_msg_log *log) {
  return cf_hs_sig_check(detail, detail_len, log);
}

static const char *status_name(enum cf_hs_sig_status s) {
  return s == CF_HS_SIG_OK ? "OK" : s == CF_HS_SIG_BAD ? "BAD" : "N/A";
}

/* expect checks |log| gives |want| with |needle| in the detail. */
static void expect(const struct cf_hs_msg_log *log, enum cf_hs_sig_status want,
                   const char *needle, const char *what) {
  char detail[300];
  enum cf_hs_sig_status got = check(detail, sizeof(detail), log);
  tap_ok(got == want && strstr(detail, needle) != NULL, "%s: %s (%s)", what,
         status_name(got), detail);
}

/* flip_last flips the last byte of the proof message (a signature byte). */
static void test_tampering(const struct hs_run *r, const struct endpoints *e,
                           int tls13, const char *name) {
  struct cf_hs_msg_log t;
  uint8_t proof_type = tls13 ? 15 : 12;
  int p = find(&r->log, 1, proof_type), ci = find(&r->log, 1, 11);
  uint8_t *msg = NULL;
  size_t msg_len = 0;
  memset(&t, 0, sizeof(t));

  if (!tap_ok(p >= 0 && ci >= 0, "%s: log has Certificate and %s", name,
              tls13 ? "CertificateVerify" : "ServerKeyExchange")) {
    return;
  }
  edit(&t, &r->log, -1, NULL, 0, SIZE_MAX);
  mutable_msg(&t, p)[t.msgs[p].len - 1] ^= 0x01;
  expect(&t, CF_HS_SIG_BAD, "does not verify", name);

  /* The leaf swapped for another pool key's certificate (the
   * intermediate's). */
  if (e->c.num_intermediates > 0 &&
      cert_msg(&msg, &msg_len, &e->c.intermediates[0], tls13)) {
    edit(&t, &r->log, ci, msg, msg_len, SIZE_MAX);
    expect(&t, CF_HS_SIG_BAD, "does not verify", name);
  }
  OPENSSL_free(msg);

  /* The proof left out of a complete handshake. */
  edit(&t, &r->log, p, NULL, 0, SIZE_MAX);
  expect(&t, CF_HS_SIG_BAD, "no proof of possession", name);

  /* The log cut after the Certificate: nothing decided. */
  edit(&t, &r->log, -1, NULL, 0, (size_t)ci + 1);
  expect(&t, CF_HS_SIG_NOT_APPLICABLE, "log ends", name);
  cf_hs_msg_log_free(&t);
}

/* run_ok runs scenario |id| with |o| and expects OK naming |scheme|; on
 * success it keeps the run in |*keep| (if not NULL) and tampers with it. */
static void run_ok(const char *id, const struct hs_opts *o, const char *scheme,
                   struct hs_run *keep, struct endpoints *keep_e) {
  struct endpoints e;
  struct hs_run r;
  char name[160], forced[32] = "";
  int tls13 = o->version == TLS1_3_VERSION;
  if (o->server_sigalg != 0) {
    snprintf(forced, sizeof(forced), " server scheme 0x%04x", o->server_sigalg);
  }
  snprintf(name, sizeof(name), "TLS 1.%d %s%s%s%s", tls13 ? 3 : 2, id,
           o->server_curves != NULL ? " server curves " : "",
           o->server_curves != NULL ? o->server_curves : "", forced);
  memset(&r, 0, sizeof(r));
  if (!tap_ok(setup(&e, id, o) && handshake(&r, &e, NULL),
              "%s: handshake completes", name)) {
    endpoints_free(&e);
    hs_run_free(&r);
    return;
  }
  expect(&r.log, CF_HS_SIG_OK, scheme, name);
  test_tampering(&r, &e, tls13, name);
  if (keep != NULL) {
    *keep = r;
    *keep_e = e;
    return;
  }
  endpoints_free(&e);
  hs_run_free(&r);
}

/* test_scheme_rules rewrites the scheme of a TLS 1.3 CertificateVerify. */
static void test_scheme_rules(const char *id, uint16_t scheme,
                              enum cf_hs_sig_status want, const char *needle) {
  struct hs_opts o = {TLS1_3_VERSION, NULL, NULL, 0};
  struct endpoints e;
  struct hs_run r;
  struct cf_hs_msg_log t;
  char name[120];
  memset(&t, 0, sizeof(t));
  memset(&r, 0, sizeof(r));
  snprintf(name, sizeof(name), "TLS 1.3 %s, CertificateVerify scheme -> 0x%04x",
           id, scheme);
  if (tap_ok(setup(&e, id, &o) && handshake(&r, &e, NULL),
             "%s: handshake completes", name)) {
    int p = find(&r.log, 1, 15);
    edit(&t, &r.log, -1, NULL, 0, SIZE_MAX);
    if (p >= 0 && t.msgs[p].len > 6) {
      mutable_msg(&t, p)[4] = (uint8_t)(scheme >> 8);
      mutable_msg(&t, p)[5] = (uint8_t)scheme;
    }
    expect(&t, want, needle, name);
  }
  cf_hs_msg_log_free(&t);
  hs_run_free(&r);
  endpoints_free(&e);
}

/* cv_msg makes a CertificateVerify with |scheme| and |sig|. */
static int cv_msg(uint8_t **out, size_t *out_len, uint16_t scheme,
                  const uint8_t *sig, size_t sig_len) {
  CBB cbb, body, s;
  return CBB_init(&cbb, 0) && CBB_add_u8(&cbb, 15) &&
         CBB_add_u24_length_prefixed(&cbb, &body) &&
         CBB_add_u16(&body, scheme) && CBB_add_u16_length_prefixed(&body, &s) &&
         CBB_add_bytes(&s, sig, sig_len) && CBB_finish(&cbb, out, out_len);
}

/* reencode replaces |r|'s CertificateVerify signature by |make|'s rewrite
 * of it and expects |want|. */
static void reencode(const struct hs_run *r, const char *what,
                     size_t (*make)(uint8_t *out, const uint8_t *sig,
                                    size_t sig_len),
                     enum cf_hs_sig_status want, const char *needle) {
  struct cf_hs_msg_log t;
  uint8_t buf[1024], *msg = NULL;
  size_t msg_len = 0;
  int p = find(&r->log, 1, 15);
  memset(&t, 0, sizeof(t));
  if (!tap_ok(p >= 0 && r->log.msgs[p].len > 8 && r->log.msgs[p].len < 1000,
              "%s: CertificateVerify logged", what)) {
    return;
  }
  const uint8_t *m = r->log.msgs[p].data;
  size_t n = make(buf, m + 8, r->log.msgs[p].len - 8);
  if (cv_msg(&msg, &msg_len, (uint16_t)(m[4] << 8 | m[5]), buf, n)) {
    edit(&t, &r->log, p, msg, msg_len, SIZE_MAX);
    expect(&t, want, needle, what);
  }
  OPENSSL_free(msg);
  cf_hs_msg_log_free(&t);
}

/* ber_long_form gives a DER ECDSA signature's SEQUENCE a long-form
 * length: the same (r, s). */
static size_t ber_long_form(uint8_t *out, const uint8_t *sig, size_t len) {
  out[0] = 0x30;
  out[1] = 0x81;
  memcpy(out + 2, sig + 1, len - 1);
  return len + 1;
}

/* ber_long_form_flipped is that with the last byte of s flipped. */
static size_t ber_long_form_flipped(uint8_t *out, const uint8_t *sig,
                                    size_t len) {
  size_t n = ber_long_form(out, sig, len);
  out[n - 1] ^= 1;
  return n;
}

/* leading_zero prepends a zero octet (an RSA signature one byte longer
 * than the modulus, same integer). */
static size_t leading_zero(uint8_t *out, const uint8_t *sig, size_t len) {
  out[0] = 0;
  memcpy(out + 1, sig, len);
  return len + 1;
}

/* leading_one prepends 0x01: a different, too large integer. */
static size_t leading_one(uint8_t *out, const uint8_t *sig, size_t len) {
  out[0] = 1;
  memcpy(out + 1, sig, len);
  return len + 1;
}

static void test_resumption(uint16_t version, const char *needle) {
  struct hs_opts o = {version, NULL, NULL, 0};
  struct endpoints e;
  struct hs_run first, second;
  memset(&first, 0, sizeof(first));
  memset(&second, 0, sizeof(second));
  if (tap_ok(setup(&e, "valid::p256::ica1", &o) &&
                 handshake(&first, &e, NULL) && first.session != NULL &&
                 handshake(&second, &e, first.session) &&
                 find(&second.log, 1, 11) < 0,
             "TLS 1.%d resumption: completes without a Certificate",
             version == TLS1_3_VERSION ? 3 : 2)) {
    expect(&second.log, CF_HS_SIG_NOT_APPLICABLE, needle,
           version == TLS1_3_VERSION ? "TLS 1.3 resumption"
                                     : "TLS 1.2 resumption");
  }
  hs_run_free(&first);
  hs_run_free(&second);
  endpoints_free(&e);
}

/* same_messages says whether |wire| holds |cb|'s messages minus the
 * Finished messages (encrypted on the wire). */
static int same_messages(const struct cf_hs_msg_log *wire,
                         const struct cf_hs_msg_log *cb) {
  size_t j = 0;
  for (size_t i = 0; i < cb->num_msgs; i++) {
    if (cb->msgs[i].data[0] == 20) {
      continue;
    }
    if (j >= wire->num_msgs ||
        wire->msgs[j].from_server != cb->msgs[i].from_server ||
        wire->msgs[j].len != cb->msgs[i].len ||
        memcmp(wire->msgs[j].data, cb->msgs[i].data, cb->msgs[i].len) != 0) {
      return 0;
    }
    j++;
  }
  return j == wire->num_msgs;
}

/* refragment rewrites |in|'s handshake records before ChangeCipherSpec as
 * 1-byte records, with a warning alert after the first. */
static int refragment(uint8_t **out, size_t *out_len, const uint8_t *in,
                      size_t in_len) {
  static const uint8_t kAlert[] = {21, 3, 3, 0, 2, 1, 0};
  size_t pos = 0;
  int alert_done = 0;
  *out = NULL;
  *out_len = 0;
  while (pos + 5 <= in_len) {
    size_t len = ((size_t)in[pos + 3] << 8) | in[pos + 4];
    if (in[pos] != 22) {
      return append(out, out_len, in + pos, in_len - pos);
    }
    for (size_t i = 0; i < len; i++) {
      uint8_t rec[6] = {22, in[pos + 1], in[pos + 2], 0, 1, in[pos + 5 + i]};
      append(out, out_len, rec, sizeof(rec));
      if (!alert_done) {
        append(out, out_len, kAlert, sizeof(kAlert));
        alert_done = 1;
      }
    }
    pos += 5 + len;
  }
  return pos == in_len;
}

static void test_wire(const struct hs_run *r, const char *name) {
  struct cf_hs_msg_log w;
  uint8_t *frag_s = NULL, *frag_c = NULL;
  size_t frag_s_len = 0, frag_c_len = 0;
  memset(&w, 0, sizeof(w));

  tap_ok(cf_hs_msg_log_from_wire(&w, r->client_bytes, r->client_len,
                                 r->server_bytes, r->server_len) &&
             same_messages(&w, &r->log),
         "%s wire: %zu messages from %zu + %zu bytes, as the callback saw "
         "them",
         name, w.num_msgs, r->client_len, r->server_len);
  expect(&w, CF_HS_SIG_OK, "signature verifies", "wire log");

  tap_ok(
      refragment(&frag_s, &frag_s_len, r->server_bytes, r->server_len) &&
          refragment(&frag_c, &frag_c_len, r->client_bytes, r->client_len) &&
          cf_hs_msg_log_from_wire(&w, frag_c, frag_c_len, frag_s, frag_s_len) &&
          same_messages(&w, &r->log),
      "%s wire, 1-byte records and an alert (%zu + %zu bytes): same "
      "messages",
      name, frag_c_len, frag_s_len);
  expect(&w, CF_HS_SIG_OK, "signature verifies", "fragmented wire log");
  free(frag_s);
  free(frag_c);
  cf_hs_msg_log_free(&w);
}

/* find_bytes finds message |m| in |hay|, or NULL. */
static const uint8_t *find_bytes(const uint8_t *hay, size_t hay_len,
                                 const struct cf_hs_msg *m) {
  for (size_t i = 0; m->len <= hay_len && i <= hay_len - m->len; i++) {
    if (memcmp(hay + i, m->data, m->len) == 0) {
      return hay + i;
    }
  }
  return NULL;
}

/* test_wire_flips flips every byte of the server's stream (before its
 * ChangeCipherSpec): never a crash, and never OK when the flipped byte is
 * in the server random or the ServerKeyExchange body (what is signed). */
static void test_wire_flips(const struct hs_run *r, const char *name) {
  struct cf_hs_msg_log w;
  uint8_t *s = malloc(r->server_len + 1);
  int sh = find(&r->log, 1, 2), ske = find(&r->log, 1, 12);
  const uint8_t *sh_at = NULL, *ske_at = NULL;
  size_t signed_flips = 0, signed_ok = 0, parsed = 0, ok_total = 0;
  memset(&w, 0, sizeof(w));
  if (s == NULL || sh < 0 || ske < 0) {
    tap_ok(0, "%s: flips set up", name);
    free(s);
    return;
  }
  sh_at = find_bytes(r->server_bytes, r->server_len, &r->log.msgs[sh]);
  ske_at = find_bytes(r->server_bytes, r->server_len, &r->log.msgs[ske]);
  tap_ok(sh_at != NULL && ske_at != NULL,
         "%s: ServerHello and ServerKeyExchange found in the stream", name);
  memcpy(s, r->server_bytes, r->server_len);
  for (size_t i = 0; i < r->server_len; i++) {
    for (int bit = 0; bit < 8; bit += 7) { /* bits 0 and 7 */
      char detail[300];
      s[i] ^= (uint8_t)(1u << bit);
      const uint8_t *at = r->server_bytes + i;
      int in_signed =
          (sh_at != NULL && at >= sh_at + 6 && at < sh_at + 6 + 32) ||
          (ske_at != NULL && at >= ske_at + 4 &&
           at < ske_at + r->log.msgs[ske].len);
      if (cf_hs_msg_log_from_wire(&w, r->client_bytes, r->client_len, s,
                                  r->server_len)) {
        enum cf_hs_sig_status st = check(detail, sizeof(detail), &w);
        parsed++;
        ok_total += st == CF_HS_SIG_OK;
        if (in_signed) {
          signed_flips++;
          signed_ok += st == CF_HS_SIG_OK;
        }
      }
      s[i] ^= (uint8_t)(1u << bit);
    }
  }
  tap_ok(signed_flips > 0 && signed_ok == 0,
         "%s: %zu flips of %zu bytes parse; %zu in the signed bytes, %zu of "
         "them OK; %zu OK elsewhere",
         name, parsed, r->server_len, signed_flips, signed_ok, ok_total);
  free(s);
  cf_hs_msg_log_free(&w);
}

/* test_wire_garbage: malformed streams give 0; truncation anywhere inside
 * a record before ChangeCipherSpec gives 0, at a record boundary 1. */
static void test_wire_garbage(const struct hs_run *r) {
  static const uint8_t kSslv2[] = {0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15};
  static const uint8_t kHugeRecord[] = {22, 3, 3, 0xff, 0xff, 1, 0, 0, 0};
  static const uint8_t kHugeMsg[] = {22, 3, 3, 0, 4, 2, 0xff, 0xff, 0xff};
  static const uint8_t kAppData[] = {23, 3, 3, 0, 1, 0};
  static const uint8_t kShortHeader[] = {22, 3, 3, 0};
  static const uint8_t kPartialHeader[] = {22, 3, 3, 0, 2, 1, 0};
  static const struct {
    const uint8_t *bytes;
    size_t len;
    const char *name;
  } kBad[] = {
      {kSslv2, sizeof(kSslv2), "SSLv2-style hello"},
      {kHugeRecord, sizeof(kHugeRecord), "record length past the end"},
      {kHugeMsg, sizeof(kHugeMsg), "message length 0xffffff"},
      {kAppData, sizeof(kAppData), "application data before CCS"},
      {kShortHeader, sizeof(kShortHeader), "4-byte record header"},
      {kPartialHeader, sizeof(kPartialHeader), "2 bytes of a message header"},
  };
  struct cf_hs_msg_log w;
  uint8_t many[100 * 9];
  size_t wrong = 0, cuts = 0, ccs_end = 0, pos = 0;
  static uint8_t boundary[1 << 16];
  memset(&w, 0, sizeof(w));

  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
    tap_ok(!cf_hs_msg_log_from_wire(&w, r->client_bytes, r->client_len,
                                    kBad[i].bytes, kBad[i].len) &&
               !cf_hs_msg_log_from_wire(&w, kBad[i].bytes, kBad[i].len,
                                        r->server_bytes, r->server_len),
           "wire garbage: %s -> 0", kBad[i].name);
  }
  tap_ok(cf_hs_msg_log_from_wire(&w, NULL, 0, NULL, 0) && w.num_msgs == 0,
         "wire: two empty streams -> 1, no messages");
  for (size_t i = 0; i < 100; i++) { /* 100 empty client messages */
    static const uint8_t kRec[] = {22, 3, 3, 0, 4, 99, 0, 0, 0};
    memcpy(many + 9 * i, kRec, sizeof(kRec));
  }
  tap_ok(cf_hs_msg_log_from_wire(&w, many, sizeof(many), NULL, 0) &&
             w.num_msgs == CF_HS_MAX_MSGS && w.overflow,
         "wire: 100 messages -> %zu logged, overflow flagged", w.num_msgs);

  /* Every cut of the server stream. */
  memset(boundary, 0, sizeof(boundary));
  while (r->server_len < sizeof(boundary) / sizeof(boundary[0]) &&
         pos + 5 <= r->server_len) {
    boundary[pos] = 1;
    uint8_t type = r->server_bytes[pos];
    pos += 5 +
           (((size_t)r->server_bytes[pos + 3] << 8) | r->server_bytes[pos + 4]);
    if (type == 20) {
      ccs_end = pos;
      break;
    }
  }
  for (size_t cut = 0; ccs_end > 0 && cut < r->server_len; cut++) {
    int want = cut >= ccs_end || boundary[cut];
    int got = cf_hs_msg_log_from_wire(&w, r->client_bytes, r->client_len,
                                      r->server_bytes, cut);
    cuts++;
    wrong += got != want;
  }
  tap_ok(ccs_end > 0 && wrong == 0,
         "wire: %zu cuts of the server stream, 0 inside a record before "
         "CCS (at byte %zu), 1 elsewhere: %zu wrong",
         cuts, ccs_end, wrong);
  cf_hs_msg_log_free(&w);
}

/* test_log_garbage runs the checker on logs with random bytes flipped,
 * headers included (ASan watches). */
static void test_log_garbage(const struct hs_run *r, const char *name) {
  struct cf_hs_msg_log t;
  uint32_t x = 12345;
  size_t counts[3] = {0, 0, 0};
  memset(&t, 0, sizeof(t));
  for (int round = 0; round < 3000; round++) {
    char detail[300];
    edit(&t, &r->log, -1, NULL, 0, SIZE_MAX);
    for (int k = 0; k < 1 + round % 4; k++) {
      x = x * 1103515245u + 12345u;
      size_t mi = (x >> 8) % t.num_msgs;
      x = x * 1103515245u + 12345u;
      if (t.msgs[mi].len > 0) {
        mutable_msg(&t, (int)mi)[(x >> 4) % t.msgs[mi].len] ^=
            (uint8_t)(1u << (x % 8));
      }
    }
    counts[check(detail, sizeof(detail), &t)]++;
  }
  tap_ok(counts[0] + counts[1] + counts[2] == 3000 && counts[1] > 0,
         "%s: 3000 randomly flipped logs: %zu OK, %zu BAD, %zu N/A, no crash",
         name, counts[0], counts[1], counts[2]);
  cf_hs_msg_log_free(&t);
}

/* time_check times checks of |r|'s log: repeated (the second and later
 * hit the checker's last-OK cache) and alternating with |other|'s (every
 * one verifies). */
static void time_check(const struct hs_run *r, const struct hs_run *other,
                       const char *name) {
  struct timespec t0, t1, t2;
  char first[300], detail[300];
  const int n = 300;
  int ok = 1;
  check(first, sizeof(first), &r->log);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < n; i++) {
    ok &= check(detail, sizeof(detail), &r->log) == CF_HS_SIG_OK &&
          strcmp(detail, first) == 0;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  for (int i = 0; i < n; i++) {
    ok &= check(detail, sizeof(detail), i % 2 ? &other->log : &r->log) ==
          CF_HS_SIG_OK;
  }
  clock_gettime(CLOCK_MONOTONIC, &t2);
  double repeat = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
                   (double)(t1.tv_nsec - t0.tv_nsec)) /
                  1e3 / n;
  double cold = ((double)(t2.tv_sec - t1.tv_sec) * 1e9 +
                 (double)(t2.tv_nsec - t1.tv_nsec)) /
                1e3 / n;
  tap_ok(ok,
         "%s: %d checks OK, same detail; %.1f us per check verifying, "
         "%.1f us repeated (cache; this build)",
         name, 2 * n, cold, repeat);
}

int main(void) {
  char err[256];
  struct hs_run r12_p256, r12_rsa, r13_p256, r13_rsa, r13_ed;
  struct endpoints e12_p256, e12_rsa, e13_p256, e13_rsa, e13_ed;
  const struct hs_opts k12 = {TLS1_2_VERSION, NULL, NULL, 0};
  const struct hs_opts k13 = {TLS1_3_VERSION, NULL, NULL, 0};

  if (!tap_ok(cf_pool_load_embedded(&g_pool, err, sizeof(err)),
              "key pool loads: %s", err)) {
    return tap_done();
  }
  memset(&r12_p256, 0, sizeof(r12_p256));
  memset(&r12_rsa, 0, sizeof(r12_rsa));
  memset(&r13_p256, 0, sizeof(r13_p256));
  memset(&r13_rsa, 0, sizeof(r13_rsa));
  memset(&r13_ed, 0, sizeof(r13_ed));
  memset(&e12_p256, 0, sizeof(e12_p256));
  memset(&e12_rsa, 0, sizeof(e12_rsa));
  memset(&e13_p256, 0, sizeof(e13_p256));
  memset(&e13_rsa, 0, sizeof(e13_rsa));
  memset(&e13_ed, 0, sizeof(e13_ed));

  /* TLS 1.2. */
  run_ok("valid::p256::ica1", &k12,
         "TLS 1.2 ECDHE ServerKeyExchange ecdsa_secp256r1_sha256", &r12_p256,
         &e12_p256);
  run_ok("valid::rsa2048::ica1", &k12, "rsa_pss_rsae_sha256 (0x0804), RSA-2048",
         &r12_rsa, &e12_rsa);
  {
    struct hs_opts o = k12;
    o.server_sigalg = 0x0401;
    run_ok("valid::rsa2048::ica1", &o, "rsa_pkcs1_sha256", NULL, NULL);
    o.server_sigalg = 0x0201;
    run_ok("valid::rsa2048::ica1", &o, "rsa_pkcs1_sha1", NULL, NULL);
    o.server_sigalg = 0x0403; /* TLS 1.2 ECDSA schemes name no curve */
    run_ok("valid::p384::ica1", &o, "ecdsa_secp256r1_sha256 (0x0403), EC P-384",
           NULL, NULL);
    o.server_sigalg = 0x0807;
    run_ok("valid::ed25519::ica1", &o, "ed25519 (0x0807), Ed25519", NULL, NULL);
  }

  /* TLS 1.3. */
  run_ok("valid::p256::ica1", &k13, "ecdsa_secp256r1_sha256 (0x0403), EC P-256",
         &r13_p256, &e13_p256);
  run_ok("valid::p384::ica1", &k13, "ecdsa_secp384r1_sha384 (0x0503), EC P-384",
         NULL, NULL);
  run_ok("valid::p521::ica1", &k13, "ecdsa_secp521r1_sha512 (0x0603), EC P-521",
         NULL, NULL);
  run_ok("valid::rsa2048::ica1", &k13, "rsa_pss_rsae_sha256 (0x0804), RSA-2048",
         &r13_rsa, &e13_rsa);
  {
    struct hs_opts o = k13;
    o.server_sigalg = 0x0806;
    run_ok("valid::rsa2048::ica1", &o, "rsa_pss_rsae_sha512", NULL, NULL);
  }
  run_ok("valid::ed25519::ica1", &k13, "ed25519 (0x0807), Ed25519", &r13_ed,
         &e13_ed);
  {
    struct hs_opts o = {TLS1_3_VERSION, "P-256", "X25519:P-256", 0};
    run_ok("valid::p256::ica1", &o, "after HelloRetryRequest", NULL, NULL);
    o.server_curves = "P-384";
    o.client_curves = "X25519:P-384";
    run_ok("valid::rsa2048::ica1", &o, "after HelloRetryRequest", NULL, NULL);
  }

  /* TLS 1.3 scheme rules. */
  test_scheme_rules("valid::p384::ica1", 0x0403, CF_HS_SIG_BAD, "curve");
  test_scheme_rules("valid::rsa2048::ica1", 0x0401, CF_HS_SIG_BAD,
                    "not allowed in TLS 1.3");
  test_scheme_rules("valid::rsa2048::ica1", 0x0809, CF_HS_SIG_OK,
                    "note: rsa_pss_pss scheme with an rsaEncryption key");
  test_scheme_rules("valid::p256::ica1", 0x0804, CF_HS_SIG_BAD,
                    "RSA scheme with a non-RSA key");
  test_scheme_rules("valid::ed25519::ica1", 0x0808, CF_HS_SIG_NOT_APPLICABLE,
                    "not covered");

  /* Encodings: the same signature value is still proof of possession. */
  if (r13_p256.log.num_msgs > 0) {
    reencode(&r13_p256, "TLS 1.3 ECDSA signature in BER (long-form length)",
             ber_long_form, CF_HS_SIG_OK, "non-canonical encoding");
    reencode(&r13_p256, "TLS 1.3 ECDSA signature in BER, s flipped",
             ber_long_form_flipped, CF_HS_SIG_BAD, "does not verify");
  }
  if (r13_rsa.log.num_msgs > 0) {
    reencode(&r13_rsa, "TLS 1.3 RSA-PSS signature with a leading zero octet",
             leading_zero, CF_HS_SIG_OK, "non-canonical encoding");
    reencode(&r13_rsa, "TLS 1.3 RSA-PSS signature with a leading 0x01 octet",
             leading_one, CF_HS_SIG_BAD, "does not verify");
  }
  {
    /* CECPQ2 makes BoringSSL's server prefer AES-256-GCM: SHA-384. */
    struct hs_opts o = {TLS1_3_VERSION, "CECPQ2", "CECPQ2", 0};
    run_ok("valid::p256::ica1", &o, "(suite 0x1302)", NULL, NULL);
  }

  test_resumption(TLS1_3_VERSION, "pre_shared_key");
  test_resumption(TLS1_2_VERSION, "without a server Certificate");

  /* The wire log. */
  if (r12_p256.server_len > 0) {
    test_wire(&r12_p256, "TLS 1.2 P-256");
    test_wire_flips(&r12_p256, "TLS 1.2 P-256 server stream");
    test_wire_garbage(&r12_p256);
  }
  if (r12_rsa.server_len > 0) {
    test_wire(&r12_rsa, "TLS 1.2 RSA-2048");
  }
  if (r13_p256.log.num_msgs > 0) {
    test_log_garbage(&r13_p256, "TLS 1.3 P-256");
  }
  if (r12_p256.log.num_msgs > 0) {
    test_log_garbage(&r12_p256, "TLS 1.2 P-256");
  }
  if (r13_p256.log.num_msgs > 0 && r13_rsa.log.num_msgs > 0 &&
      r12_p256.log.num_msgs > 0 && r12_rsa.log.num_msgs > 0 &&
      r13_ed.log.num_msgs > 0) {
    /* Alternating P-256 with RSA: the figure is the mean of the two. */
    time_check(&r13_p256, &r13_rsa, "TLS 1.3 P-256 / RSA-2048");
    time_check(&r12_p256, &r12_rsa, "TLS 1.2 P-256 / RSA-2048");
    time_check(&r13_ed, &r13_p256, "TLS 1.3 Ed25519 / P-256");
  }

  hs_run_free(&r12_p256);
  hs_run_free(&r12_rsa);
  hs_run_free(&r13_p256);
  hs_run_free(&r13_rsa);
  hs_run_free(&r13_ed);
  endpoints_free(&e12_p256);
  endpoints_free(&e12_rsa);
  endpoints_free(&e13_p256);
  endpoints_free(&e13_rsa);
  endpoints_free(&e13_ed);
  cf_pool_free(&g_pool);
  return tap_done();
}
