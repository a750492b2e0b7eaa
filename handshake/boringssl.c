/* boringssl.c — the device's TLS client on BoringSSL (libssl), driven by a
 * transcript, and the recorder that makes transcripts with a BoringSSL
 * server. See include/chainfuzz/handshake.h for the contract.
 *
 * The device client (configure_ctx, configure_ssl):
 *  - SSL_VERIFY_PEER with the X509-based verifier (no verify callback), an
 *    X509_STORE holding the DEVICE case's anchors (those that d2i_X509 reads
 *    without trailing bytes, as validators/boringssl.c does), and the SSL_CTX
 *    verify param set exactly as validators/boringssl.c's apply_profile sets
 *    its X509_STORE_CTX: time = cf_profile_effective_time, depth =
 *    max_depth + 1, PARTIAL_CHAIN / X509_STRICT flags, host flags
 *    (NO_WILDCARDS, NEVER_CHECK_SUBJECT), expected DNS name (SSL_set1_host;
 *    also sent as SNI) or IP (X509_VERIFY_PARAM_set1_ip; no SNI).
 *  - Purpose: libssl always starts from X509_STORE_CTX_set_default(
 *    "ssl_server") and then applies the SSL's param
 *    (ssl_crypto_x509_session_verify_cert_chain). serverAuth: the same as
 *    the adapter. clientAuth: the param carries X509_PURPOSE_SSL_CLIENT and
 *    X509_TRUST_SSL_CLIENT, which is what the adapter's "ssl_client" default
 *    gives. DEVIATION, purpose none: the TLS stack cannot clear the purpose
 *    ("unset" in a param means "keep ssl_server's"), so the client uses
 *    X509_PURPOSE_ANY (no purpose check, as the adapter) with ssl_server's
 *    trust setting, which for anchors without auxiliary trust (d2i_X509
 *    never gives any) decides exactly as the adapter's trust 0.
 *  - Clock: SSL_CTX_set_current_time_cb returns the case's time (sessions,
 *    ticket ages); BoringSSL's TLS 1.2 client random has no gmt_unix_time.
 *  - TLS 1.2 + 1.3 (CF_HS_OPT_* narrow it), the six ECDHE suites of the
 *    design, TLS 1.3's (fixed) suites, groups X25519:P-256:P-384 (BoringSSL
 *    key-shares the first only), default signature algorithms, client
 *    session cache without an internal cache (the session to resume comes
 *    from the new-session callback of this run: nothing leaks between runs).
 *  - Misconfigurations: VERIFY_NONE is SSL_VERIFY_NONE (the store and param
 *    are still set: libssl runs the verification and ignores its result).
 *    NO_HOSTNAME sends SNI but gives the library no name (nor IP) to check.
 *    OPTIONAL_UNCHECKED does not exist in BoringSSL's API (SSL_VERIFY_PEER
 *    is always fatal; a program that ignores errors uses VERIFY_NONE):
 *    cf_hs_boringssl_client_run returns 0 for it.
 *  - CF_HS_BASELINE_ACCEPT_ANY (benchmarks only): the same client with
 *    SSL_CTX_set_custom_verify(SSL_VERIFY_PEER, accept everything), no
 *    anchors, no name check — what BoringSSL's own client fuzzer measures.
 *    (This snapshot's ssl/test/fuzzer.h uses SSL_CTX_set_cert_verify_callback
 *    returning 1 instead; both skip X509_verify_cert.)
 *
 * Determinism. BoringSSL's fuzzing builds (the snapshot's
 * BORINGSSL_UNSAFE_DETERMINISTIC_MODE, upstream's
 * FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION; build.sh defines both) make
 * CRYPTO_sysrand ChaCha20 over a call counter that RAND_reset_for_fuzzing()
 * zeroes. RAND_bytes draws from a per-thread CTR-DRBG seeded once, on the
 * thread's first draw, from that counter, and then lives on; so every party
 * runs on a thread of its own, started after RAND_reset_for_fuzzing(): the
 * device client of a run on a fresh thread (its DRBG seeded from counter 0),
 * and the recorder's client and server on one thread each for the whole
 * recording, the client drawing first (counter 0 again). Fork-unsafe
 * buffering is on, so no draw mixes the counter in as additional data:
 * a party's stream depends only on the sequence of its own draws, and the
 * client draws exactly the stream it draws when it runs alone on replay.
 * Only public API is used (bssl_compat.h); rng_self_check() proves it works
 * before the first run.
 *
 * The run never blocks: the client reads the server's bytes from a read-only
 * memory BIO that reports end of file when they run out, and every loop is
 * bounded.
 *
 * The recorder: a BoringSSL server with the case's leaf and intermediates as
 * CRYPTO_BUFFERs (served as they are, even if they do not parse) and a copy
 * of the leaf's pool key, min = max = srv->version, one group
 * (SSL_set1_curves_list: P-256 or P-384 forces a HelloRetryRequest, the
 * client key-shares X25519), one signature scheme, its default session
 * tickets (a TLS 1.3 server sends its NewSessionTickets on a zero-byte
 * write), the case's clock. The recording client is the device client
 * configured with srv->client (OPTIONAL_UNCHECKED: the device client).
 * Client and server exchange bytes over memory BIOs in rounds until a round
 * moves nothing; what the server wrote is split into TLS records. A server
 * that fails on its own (not on the client's alert) fails the recording. */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bytestring.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/pool.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "chainfuzz/bssl_compat.h"
#include "chainfuzz/case.h"
#include "chainfuzz/handshake.h"
#include "chainfuzz/transcript.h"
#include "keypool.h"
#include "signed_bytes.h"

/* kMaxSteps bounds SSL_do_handshake calls per connection, kMaxReads the
 * post-handshake SSL_read calls per step, kMaxRounds the recorder's pump. */
#define kMaxSteps 64
#define kMaxReads 64
#define kMaxRounds 64

static const char kCipherList[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
static const char kCurves[] = "X25519:P-256:P-384";

/* --- randomness ------------------------------------------------------- */

/* party is a thread that owns one DRBG stream and runs the jobs it is
 * given, one at a time, while the caller waits (party_call): the calls of
 * the recorder still alternate strictly, only the thread changes. */
struct party {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  void (*job)(void *);
  void *arg;
  int started, quit;
};

static void *party_main(void *arg) {
  struct party *p = arg;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (p->job == NULL && !p->quit) {
      pthread_cond_wait(&p->cv, &p->mu);
    }
    if (p->job == NULL) {
      break;
    }
    pthread_mutex_unlock(&p->mu);
    p->job(p->arg);
    pthread_mutex_lock(&p->mu);
    p->job = NULL;
    pthread_cond_broadcast(&p->cv);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* party_start starts |p|'s thread; its DRBG is seeded at its first draw. */
static int party_start(struct party *p) {
  memset(p, 0, sizeof(*p));
  if (pthread_mutex_init(&p->mu, NULL) != 0) {
    return 0;
  }
  if (pthread_cond_init(&p->cv, NULL) != 0) {
    pthread_mutex_destroy(&p->mu);
    return 0;
  }
  if (pthread_create(&p->thread, NULL, party_main, p) != 0) {
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    return 0;
  }
  p->started = 1;
  return 1;
}

/* party_call runs fn(arg) on |p|'s thread and returns when it is done. */
static void party_call(struct party *p, void (*fn)(void *), void *arg) {
  pthread_mutex_lock(&p->mu);
  p->job = fn;
  p->arg = arg;
  pthread_cond_broadcast(&p->cv);
  while (p->job != NULL) {
    pthread_cond_wait(&p->cv, &p->mu);
  }
  pthread_mutex_unlock(&p->mu);
}

/* party_stop ends |p|'s thread (which frees its DRBG state). */
static void party_stop(struct party *p) {
  if (!p->started) {
    return;
  }
  pthread_mutex_lock(&p->mu);
  p->quit = 1;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  pthread_join(p->thread, NULL);
  pthread_cond_destroy(&p->cv);
  pthread_mutex_destroy(&p->mu);
  p->started = 0;
}

/* on_fresh_thread runs fn(arg) on a new party. Returns 0 if no thread
 * could be started. */
static int on_fresh_thread(void (*fn)(void *), void *arg) {
  struct party p;
  if (!party_start(&p)) {
    return 0;
  }
  party_call(&p, fn, arg);
  party_stop(&p);
  return 1;
}

/* rng_reset makes the next thread's first draws the same as after any
 * other rng_reset. */
static void rng_reset(void) {
  static int buffering;
  if (!buffering) {
    /* Without it, a thread whose fork generation is 0 mixes a counter draw
     * into every RAND_bytes call, and the counter is shared by client and
     * server in the recorder. */
    RAND_enable_fork_unsafe_buffering(-1);
    buffering = 1;
  }
  RAND_reset_for_fuzzing();
}

static void draw32(void *out) { RAND_bytes(out, 32); }

static void draw32_twice(void *out) {
  RAND_bytes(out, 32);
  RAND_bytes(out, 32);
}

/* rng_self_check returns 1 if the party scheme works in this build: a fresh
 * thread after a reset draws what the last one drew after a reset, and one
 * without a reset draws something else (the RNG is not constant). Run
 * once. */
static int rng_self_check(void) {
  static int result = -1;
  uint8_t a[32], b[32], c[32];
  if (result >= 0) {
    return result;
  }
  rng_reset();
  int ok = on_fresh_thread(draw32_twice, a);
  rng_reset();
  ok = ok && on_fresh_thread(draw32_twice, b);
  ok = ok && on_fresh_thread(draw32, c);
  result = ok && memcmp(a, b, sizeof(a)) == 0 && memcmp(b, c, sizeof(b)) != 0;
  return result;
}

/* --- clock --------------------------------------------------------------- */

/* g_now is the device's clock for the run in progress (libssl calls the
 * time callback without an SSL). Client and recorder's server share it. */
static int64_t g_now;

/* time_cb gives libssl the case's clock. libssl asserts that its clock is
 * not before the epoch (ssl_ctx_get_current_time), which a device clock
 * cannot be either: a case with a negative time gets the epoch for session
 * lifetimes; X.509 validity still uses the case's time (the verify param).
 * Found by handshake_live_boringssl, whose fuzzer set a negative TIME. */
static void time_cb(const SSL *ssl, struct timeval *out_clock) {
  out_clock->tv_sec = g_now < 0 ? 0 : (time_t)g_now;
  out_clock->tv_usec = 0;
}

/* --- device client ------------------------------------------------------ */

/* client_run_state is what the callbacks of one client run reach through
 * SSL_get_app_data. */
struct client_run_state {
  SSL_SESSION *session; /* the last new session of connection 1 */
  struct cf_hs_msg_log *log; /* NULL: do not log */
};

static int new_session_cb(SSL *ssl, SSL_SESSION *session) {
  struct client_run_state *st = SSL_get_app_data(ssl);
  if (st == NULL) {
    return 0;
  }
  SSL_SESSION_free(st->session);
  st->session = session; /* we take the reference */
  return 1;
}

static void msg_cb(int is_write, int version, int content_type,
                   const void *buf, size_t len, SSL *ssl, void *arg) {
  struct client_run_state *st = SSL_get_app_data(ssl);
  if (content_type != SSL3_RT_HANDSHAKE || st == NULL || st->log == NULL) {
    return;
  }
  cf_hs_msg_log_add(st->log, !is_write, buf, len);
}

static enum ssl_verify_result_t accept_any_cb(SSL *ssl, uint8_t *out_alert) {
  return ssl_verify_ok;
}

/* parse_anchor decodes one anchor like validators/boringssl.c: NULL if it
 * does not parse or has bytes after the certificate. */
static X509 *parse_anchor(const struct cf_blob *b) {
  const uint8_t *p = b->data;
  if (b->len > LONG_MAX) {
    return NULL;
  }
  X509 *x = d2i_X509(NULL, &p, (long)b->len);
  if (x != NULL && p != b->data + b->len) {
    X509_free(x);
    return NULL;
  }
  return x;
}

/* configure_ctx makes the device client's SSL_CTX for |cfg|, the case's
 * anchors and profile and |options|. Everything per name is per SSL
 * (configure_ssl). */
static SSL_CTX *configure_ctx(enum cf_hs_config cfg, uint32_t options,
                              const struct cf_case *device) {
  const struct cf_profile *p = &device->profile;
  SSL_CTX *ctx = SSL_CTX_new(TLS_method());
  if (ctx == NULL) {
    return NULL;
  }
  uint16_t min_version = TLS1_2_VERSION, max_version = TLS1_3_VERSION;
  if (options & CF_HS_OPT_MAX_TLS12) {
    max_version = TLS1_2_VERSION;
  }
  if (options & CF_HS_OPT_MIN_TLS13) {
    min_version = TLS1_3_VERSION;
  }
  if (!SSL_CTX_set_min_proto_version(ctx, min_version) ||
      !SSL_CTX_set_max_proto_version(ctx, max_version) ||
      !SSL_CTX_set_strict_cipher_list(ctx, kCipherList) ||
      !SSL_CTX_set1_curves_list(ctx, kCurves)) {
    goto err;
  }
  SSL_CTX_set_session_cache_mode(
      ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
  SSL_CTX_sess_set_new_cb(ctx, new_session_cb);
  SSL_CTX_set_current_time_cb(ctx, time_cb);
  SSL_CTX_set_msg_callback(ctx, msg_cb);

  if (cfg == CF_HS_BASELINE_ACCEPT_ANY) {
    SSL_CTX_set_custom_verify(ctx, SSL_VERIFY_PEER, accept_any_cb);
    return ctx;
  }
  SSL_CTX_set_verify(ctx,
                     cfg == CF_HS_MISCONF_VERIFY_NONE ? SSL_VERIFY_NONE
                                                      : SSL_VERIFY_PEER,
                     NULL);
  X509_STORE *store = SSL_CTX_get_cert_store(ctx);
  for (size_t i = 0; i < device->num_anchors; i++) {
    X509 *x = parse_anchor(&device->anchors[i]);
    if (x != NULL) {
      X509_STORE_add_cert(store, x); /* fails only on duplicates */
      X509_free(x);
    }
  }
  ERR_clear_error();
  X509_VERIFY_PARAM *param = SSL_CTX_get0_param(ctx);
  unsigned long vflags = 0;
  switch (p->purpose) {
    case CF_PURPOSE_SERVER_AUTH:
      if (!X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER)) {
        goto err;
      }
      break;
    case CF_PURPOSE_CLIENT_AUTH:
      if (!X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_CLIENT) ||
          !X509_VERIFY_PARAM_set_trust(param, X509_TRUST_SSL_CLIENT)) {
        goto err;
      }
      break;
    case CF_PURPOSE_NONE:
      if (!X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_ANY)) {
        goto err;
      }
      break;
  }
  X509_VERIFY_PARAM_set_time(param, (time_t)cf_profile_effective_time(p));
  /* The profile counts intermediates only (bssl_compat.h). */
  X509_VERIFY_PARAM_set_depth(param, cf_bssl_verify_depth((int)p->max_depth));
  if (p->flags & CF_PROFILE_FLAG_PARTIAL_CHAIN) {
    vflags |= X509_V_FLAG_PARTIAL_CHAIN;
  }
  if (p->flags & CF_PROFILE_FLAG_X509_STRICT) {
    vflags |= X509_V_FLAG_X509_STRICT;
  }
  if (vflags != 0 && !X509_VERIFY_PARAM_set_flags(param, vflags)) {
    goto err;
  }
  return ctx;

err:
  SSL_CTX_free(ctx);
  return NULL;
}

/* A device makes its SSL_CTX once; chainfuzz makes it again on every run.
 * A cached one was faster, but BoringSSL fills lazy caches in the anchors
 * it holds (their extensions, canonical names, public keys) during the
 * first handshake on it, so the same input ran differently after another
 * one (AFL++ stability 70 % on handshake_client_boringssl with the cache,
 * BENCHMARKS.md). */
/* configure_ssl makes one client connection on |ctx| reading |rbio| and
 * writing |wbio| (it takes both), offering |session| if not NULL. */
static SSL *configure_ssl(SSL_CTX *ctx, enum cf_hs_config cfg,
                          const struct cf_case *device, BIO *rbio, BIO *wbio,
                          SSL_SESSION *session, struct client_run_state *st) {
  const struct cf_profile *p = &device->profile;
  SSL *ssl = SSL_new(ctx);
  if (ssl == NULL) {
    BIO_free(rbio);
    BIO_free(wbio);
    return NULL;
  }
  SSL_set_bio(ssl, rbio, wbio);
  SSL_set_connect_state(ssl);
  SSL_set_app_data(ssl, st);
  int check_name = cfg == CF_HS_DEVICE || cfg == CF_HS_MISCONF_VERIFY_NONE;
  if (p->name_type == CF_NAME_DNS) {
    if (!SSL_set_tlsext_host_name(ssl, p->dns_name)) {
      goto err;
    }
    if (check_name) {
      unsigned hostflags = 0;
      if (p->flags & CF_PROFILE_FLAG_NO_WILDCARDS) {
        hostflags |= X509_CHECK_FLAG_NO_WILDCARDS;
      }
      if (p->flags & CF_PROFILE_FLAG_NO_CN_FALLBACK) {
        hostflags |= X509_CHECK_FLAG_NEVER_CHECK_SUBJECT;
      }
      if (!SSL_set1_host(ssl, p->dns_name)) {
        goto err;
      }
      SSL_set_hostflags(ssl, hostflags);
    }
  } else if (p->name_type == CF_NAME_IP && check_name &&
             !X509_VERIFY_PARAM_set1_ip(SSL_get0_param(ssl), p->ip,
                                        p->ip_len)) {
    goto err;
  }
  if (session != NULL && !SSL_set_session(ssl, session)) {
    goto err;
  }
  return ssl;

err:
  SSL_free(ssl);
  return NULL;
}

/* client_conn is one connection of the client. */
struct client_conn {
  SSL *ssl;
  int handshake_done; /* SSL_do_handshake returned 1 */
  int failed;         /* the handshake failed */
  int closed;         /* after the handshake, a read failed */
  uint32_t err;       /* first error of the failure, 0 if none */
};

/* client_step advances |c| as far as its input allows: the handshake, then
 * application data (discarded; processes NewSessionTicket, KeyUpdate, ...).
 * Returns 1 if it may progress with more input. */
static int client_step(struct client_conn *c) {
  uint8_t buf[4096];
  if (c->failed || c->closed) {
    return 0;
  }
  if (!c->handshake_done) {
    int ret = SSL_do_handshake(c->ssl);
    if (ret != 1) {
      int e = SSL_get_error(c->ssl, ret);
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        c->failed = 1;
        c->err = (uint32_t)ERR_peek_error();
        return 0;
      }
      return 1;
    }
    c->handshake_done = 1;
  }
  for (int i = 0; i < kMaxReads; i++) {
    int n = SSL_read(c->ssl, buf, sizeof(buf));
    if (n <= 0) {
      if (SSL_get_error(c->ssl, n) != SSL_ERROR_WANT_READ) {
        c->closed = 1;
        ERR_clear_error();
        return 0;
      }
      return 1;
    }
  }
  return 1;
}

/* client_begin starts connection |conn| of a run: |rbio|/|wbio| are its
 * transport, |session| what it offers. */
static int client_begin(struct client_conn *c, SSL_CTX *ctx,
                        enum cf_hs_config cfg, const struct cf_case *device,
                        BIO *rbio, BIO *wbio, SSL_SESSION *session,
                        struct client_run_state *st) {
  memset(c, 0, sizeof(*c));
  c->ssl = configure_ssl(ctx, cfg, device, rbio, wbio, session, st);
  return c->ssl != NULL;
}

/* fill_result copies what connection 1 established into |out|. */
static int fill_result(struct cf_hs_result *out, const struct client_conn *c) {
  const STACK_OF(CRYPTO_BUFFER) *certs = SSL_get0_peer_certificates(c->ssl);
  if (c->handshake_done) {
    const SSL_CIPHER *cipher = SSL_get_current_cipher(c->ssl);
    out->version = (uint16_t)SSL_version(c->ssl);
    out->cipher = cipher != NULL ? SSL_CIPHER_get_protocol_id(cipher) : 0;
  }
  for (size_t i = 0; certs != NULL && i < sk_CRYPTO_BUFFER_num(certs) &&
                     out->num_peer_certs < CF_HS_MAX_PEER_CERTS;
       i++) {
    const CRYPTO_BUFFER *b = sk_CRYPTO_BUFFER_value(certs, i);
    size_t len = CRYPTO_BUFFER_len(b);
    uint8_t *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL) {
      return 0;
    }
    memcpy(copy, CRYPTO_BUFFER_data(b), len);
    out->peer_certs[out->num_peer_certs].data = copy;
    out->peer_certs[out->num_peer_certs].len = len;
    out->num_peer_certs++;
  }
  return 1;
}

/* set_native records why connection |conn| failed. */
static void set_native(struct cf_hs_result *out, const struct client_conn *c,
                       size_t conn) {
  char err[120] = "";
  long verify = SSL_get_verify_result(c->ssl);
  if (c->err != 0) {
    ERR_error_string_n(c->err, err, sizeof(err));
  } else {
    snprintf(err, sizeof(err), "no error queued (end of input)");
  }
  out->native_code = c->err != 0 ? ERR_GET_REASON(c->err) : -1;
  if (verify != X509_V_OK) {
    snprintf(out->native_text, sizeof(out->native_text),
             "connection %zu: %s; verify: %ld %s", conn + 1, err, verify,
             X509_verify_cert_error_string(verify));
  } else {
    snprintf(out->native_text, sizeof(out->native_text), "connection %zu: %s",
             conn + 1, err);
  }
}

/* result_reset empties |out|, keeping its message buffer. */
static void result_reset(struct cf_hs_result *out) {
  struct cf_hs_msg_log msgs = out->msgs;
  memset(out, 0, sizeof(*out));
  out->msgs = msgs;
  cf_hs_msg_log_reset(&out->msgs);
}

static const uint8_t kEmpty[1] = {0};

/* client_job is one run of the device client, on a fresh thread. */
struct client_job {
  struct cf_hs_result *out;
  const struct cf_transcript *t;
  enum cf_hs_config cfg;
  SSL_CTX *ctx;
  int ok;
};

static void client_job_run(void *arg) {
  struct client_job *job = arg;
  struct cf_hs_result *out = job->out;
  const struct cf_transcript *t = job->t;
  enum cf_hs_config cfg = job->cfg;
  SSL_CTX *ctx = job->ctx;
  struct client_run_state st = {NULL, NULL};
  struct client_conn conns[CF_HS_MAX_CONNECTIONS];
  size_t num_conns = 0;
  uint8_t *stream = NULL;
  size_t stream_len = 0;
  int ok = 0;

  ERR_clear_error();
  out->completed = 1;
  for (size_t conn = 0;
       conn < t->num_connections && conn < CF_HS_MAX_CONNECTIONS; conn++) {
    struct client_conn *c = &conns[conn];
    free(stream);
    stream = NULL;
    if (!cf_transcript_server_stream(&stream, &stream_len, t, conn) ||
        stream_len > INT_MAX) {
      goto done;
    }
    BIO *rbio = BIO_new_mem_buf(stream != NULL ? stream : kEmpty,
                                (int)stream_len);
    BIO *wbio = BIO_new(BIO_s_mem());
    if (rbio == NULL || wbio == NULL) {
      BIO_free(rbio);
      BIO_free(wbio);
      goto done;
    }
    st.log = conn == 0 ? &out->msgs : NULL;
    if (!client_begin(c, ctx, cfg, &t->device, rbio, wbio,
                      conn == 0 ? NULL : st.session, &st)) {
      goto done;
    }
    num_conns++;
    for (int i = 0; i < kMaxSteps && client_step(c); i++) {
    }
    if (conn == 0 && !fill_result(out, c)) {
      goto done;
    }
    if (!c->handshake_done) {
      out->completed = 0;
      set_native(out, c, conn);
      break;
    }
  }
  out->msgs_complete = !out->msgs.overflow;
  ok = 1;

done:
  for (size_t i = 0; i < num_conns; i++) {
    SSL_free(conns[i].ssl);
  }
  SSL_SESSION_free(st.session);
  free(stream);
  ERR_clear_error();
  job->ok = ok;
}

int cf_hs_boringssl_client_run(struct cf_hs_result *out,
                               const struct cf_transcript *t,
                               enum cf_hs_config cfg) {
  struct client_job job = {out, t, cfg, NULL, 0};

  result_reset(out);
  if (cfg != CF_HS_DEVICE && cfg != CF_HS_MISCONF_VERIFY_NONE &&
      cfg != CF_HS_MISCONF_NO_HOSTNAME && cfg != CF_HS_BASELINE_ACCEPT_ANY) {
    return 0; /* CF_HS_MISCONF_OPTIONAL_UNCHECKED: not applicable */
  }
  if (!rng_self_check()) {
    return 0;
  }
  g_now = cf_profile_effective_time(&t->device.profile);
  job.ctx = configure_ctx(cfg, t->options, &t->device);
  /* The client on a thread of its own after a reset: the draws of every
   * run are the same whatever ran before (see the top of this file). */
  rng_reset();
  if (job.ctx == NULL || !on_fresh_thread(client_job_run, &job)) {
    job.ok = 0;
  }
  SSL_CTX_free(job.ctx);
  ERR_clear_error();
  if (!job.ok) {
    out->completed = 0;
  }
  return job.ok;
}

/* --- recorder --------------------------------------------------------- */

/* g_pool is the key pool the recorder's servers sign with. */
static struct cf_pool g_pool;
static int g_pool_loaded;

/* capture is what the server wrote on one connection. */
struct capture {
  uint8_t *buf;
  size_t len, cap;
};

static int capture_add(struct capture *cap, const uint8_t *data, size_t len) {
  if (cap->len + len > cap->cap) {
    size_t n = cap->cap * 2 + len + 4096;
    uint8_t *b = realloc(cap->buf, n);
    if (b == NULL) {
      return 0;
    }
    cap->buf = b;
    cap->cap = n;
  }
  memcpy(cap->buf + cap->len, data, len);
  cap->len += len;
  return 1;
}

/* pump moves everything |from| holds to |to|, and a copy to |cap| if not
 * NULL. Returns the number of bytes moved, or -1 on allocation failure. */
static long pump(BIO *from, BIO *to, struct capture *cap) {
  uint8_t buf[4096];
  long moved = 0;
  for (;;) {
    int n = BIO_read(from, buf, sizeof(buf));
    if (n <= 0) {
      return moved;
    }
    if (BIO_write(to, buf, n) != n ||
        (cap != NULL && !capture_add(cap, buf, (size_t)n))) {
      return -1;
    }
    moved += n;
  }
}

/* add_records appends |cap| to |w| as SERVER_DATA records, one per TLS
 * record (a trailing partial record as one more); past the limit, the rest
 * goes into the last record. */
static void add_records(struct cf_transcript_writer *w,
                        const struct capture *cap) {
  size_t off = 0, n = 0;
  while (off < cap->len) {
    size_t len = cap->len - off;
    if (n + 1 < CF_HS_MAX_SERVER_DATA && len >= 5) {
      size_t rec = 5 + (((size_t)cap->buf[off + 3] << 8) | cap->buf[off + 4]);
      if (rec < len) {
        len = rec;
      }
    }
    cf_transcript_add_server_data(w, cap->buf + off, len);
    off += len;
    n++;
  }
}

/* server_side is the recorder's server: its context and, per connection,
 * an SSL over two memory BIOs. */
struct server_side {
  SSL_CTX *ctx;
  SSL *ssl;
  BIO *in, *out; /* owned by |ssl| */
  int handshake_done, failed;
  uint32_t err;
};

static int server_ctx(struct server_side *s, const struct cf_case *device,
                      const struct cf_hs_server_config *srv, char *err,
                      size_t err_len) {
  CRYPTO_BUFFER *certs[1 + CF_MAX_INTERMEDIATES] = {NULL};
  size_t num_certs = 0;
  EVP_PKEY *key = NULL;
  struct cf_blob spki;
  int ok = 0;

  if (!g_pool_loaded) {
    if (!cf_pool_load_embedded(&g_pool, err, err_len)) {
      return 0;
    }
    g_pool_loaded = 1;
  }
  if (!cf_cert_spki(&spki, device->leaf.data, device->leaf.len)) {
    snprintf(err, err_len, "the leaf's SubjectPublicKeyInfo does not parse");
    return 0;
  }
  int idx = cf_pool_find_spki(&g_pool, spki.data, spki.len);
  if (idx < 0) {
    snprintf(err, err_len, "the leaf's key is not in the key pool");
    return 0;
  }
  s->ctx = SSL_CTX_new(TLS_method());
  if (s->ctx == NULL) {
    goto done;
  }
  certs[num_certs++] = CRYPTO_BUFFER_new(device->leaf.data, device->leaf.len,
                                         NULL);
  for (size_t i = 0; i < device->num_intermediates; i++) {
    certs[num_certs++] = CRYPTO_BUFFER_new(device->intermediates[i].data,
                                           device->intermediates[i].len, NULL);
  }
  for (size_t i = 0; i < num_certs; i++) {
    if (certs[i] == NULL) {
      goto done;
    }
  }
  if (!SSL_CTX_set_min_proto_version(s->ctx, srv->version) ||
      !SSL_CTX_set_max_proto_version(s->ctx, srv->version)) {
    snprintf(err, err_len, "bad server version %04x", srv->version);
    goto done;
  }
  /* A copy of the pool's key: an RSA key caches its blinding (drawn from
   * the RNG on first use), which would make the next recording differ. */
  CBB cbb;
  uint8_t *der = NULL;
  size_t der_len = 0;
  if (!CBB_init(&cbb, 2048) ||
      !EVP_marshal_private_key(&cbb, g_pool.key[idx]) ||
      !CBB_finish(&cbb, &der, &der_len)) {
    CBB_cleanup(&cbb);
    snprintf(err, err_len, "the leaf's pool key does not serialize");
    goto done;
  }
  CBS cbs;
  CBS_init(&cbs, der, der_len);
  key = EVP_parse_private_key(&cbs);
  OPENSSL_free(der);
  if (key == NULL) {
    snprintf(err, err_len, "the leaf's pool key does not parse back");
    goto done;
  }
  if (!SSL_CTX_set_chain_and_key(s->ctx, certs, num_certs, key, NULL)) {
    snprintf(err, err_len, "SSL_CTX_set_chain_and_key: %s",
             ERR_reason_error_string(ERR_peek_error()));
    goto done;
  }
  SSL_CTX_set_current_time_cb(s->ctx, time_cb);
  ok = 1;

done:
  for (size_t i = 0; i < num_certs; i++) {
    CRYPTO_BUFFER_free(certs[i]);
  }
  EVP_PKEY_free(key);
  if (!ok && err[0] == '\0') {
    snprintf(err, err_len, "BoringSSL server setup failed");
  }
  return ok;
}

static int server_begin(struct server_side *s,
                        const struct cf_hs_server_config *srv, char *err,
                        size_t err_len) {
  s->handshake_done = s->failed = 0;
  s->err = 0;
  s->ssl = SSL_new(s->ctx);
  s->in = BIO_new(BIO_s_mem());
  s->out = BIO_new(BIO_s_mem());
  if (s->ssl == NULL || s->in == NULL || s->out == NULL) {
    BIO_free(s->in);
    BIO_free(s->out);
    s->in = s->out = NULL;
    snprintf(err, err_len, "out of memory");
    return 0;
  }
  SSL_set_bio(s->ssl, s->in, s->out);
  SSL_set_accept_state(s->ssl);
  if (srv->group != 0) {
    const char *name = SSL_get_curve_name(srv->group);
    if (name == NULL || !SSL_set1_curves_list(s->ssl, name)) {
      snprintf(err, err_len, "server group %04x not supported", srv->group);
      return 0;
    }
  }
  if (srv->sigalg != 0 &&
      !SSL_set_signing_algorithm_prefs(s->ssl, &srv->sigalg, 1)) {
    snprintf(err, err_len, "server sigalg %04x not supported", srv->sigalg);
    return 0;
  }
  return 1;
}

static int server_step(struct server_side *s) {
  uint8_t buf[4096];
  if (s->failed) {
    return 0;
  }
  if (!s->handshake_done) {
    int ret = SSL_do_handshake(s->ssl);
    if (ret != 1) {
      int e = SSL_get_error(s->ssl, ret);
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        s->failed = 1;
        s->err = (uint32_t)ERR_peek_error();
        ERR_clear_error();
        return 0;
      }
      return 1;
    }
    s->handshake_done = 1;
    /* A TLS 1.3 server holds its NewSessionTickets until it writes. */
    SSL_write(s->ssl, buf, 0);
    ERR_clear_error();
  }
  for (int i = 0; i < kMaxReads; i++) {
    int n = SSL_read(s->ssl, buf, sizeof(buf));
    if (n <= 0) {
      ERR_clear_error();
      return 1;
    }
  }
  return 1;
}

static void client_step_job(void *c) { client_step(c); }
static void server_step_job(void *srv) { server_step(srv); }

/* record_conn runs one connection between the client |c| (already begun)
 * on party |pc| and the server |s| (begun) on party |ps|, and captures what
 * the server sends. It stops when a round moves no byte either way: then
 * the client has consumed everything the server sent. Returns 0 if the
 * server failed on its own (not on the client's alert): |err| says why. */
static int record_conn(struct client_conn *c, BIO *c_out,
                       struct server_side *s, struct party *pc,
                       struct party *ps, struct capture *cap, char *err,
                       size_t err_len) {
  for (int round = 0; round < kMaxRounds; round++) {
    party_call(pc, client_step_job, c);
    long moved_c = pump(c_out, s->in, NULL);

    party_call(ps, server_step_job, s);
    long moved_s = pump(s->out, SSL_get_rbio(c->ssl), cap);
    if (moved_c < 0 || moved_s < 0) {
      snprintf(err, err_len, "out of memory");
      return 0;
    }
    if (s->failed && !c->failed && s->err != 0 &&
        ERR_GET_REASON(s->err) < SSL_AD_REASON_OFFSET) {
      char e[120];
      ERR_error_string_n(s->err, e, sizeof(e));
      snprintf(err, err_len, "the server failed: %s", e);
      return 0;
    }
    if (moved_c == 0 && moved_s == 0) {
      return 1;
    }
  }
  snprintf(err, err_len, "no end after %d rounds", kMaxRounds);
  return 0;
}

/* begin_job: client_begin on the client's party. */
struct begin_job {
  struct client_conn *c;
  SSL_CTX *ctx;
  enum cf_hs_config cfg;
  const struct cf_case *device;
  BIO *in, *out;
  SSL_SESSION *session;
  struct client_run_state *st;
  int ok;
};

static void begin_job_run(void *arg) {
  struct begin_job *j = arg;
  j->ok = client_begin(j->c, j->ctx, j->cfg, j->device, j->in, j->out,
                       j->session, j->st);
}

/* server_job: the server's context (first connection) and SSL, on the
 * server's party. */
struct server_job {
  struct server_side *s;
  const struct cf_case *device;
  const struct cf_hs_server_config *srv;
  char *err;
  size_t err_len;
  size_t conn;
  int ok;
};

static void server_job_run(void *arg) {
  struct server_job *j = arg;
  SSL_free(j->s->ssl);
  j->s->ssl = NULL;
  j->ok = (j->conn > 0 ||
           server_ctx(j->s, j->device, j->srv, j->err, j->err_len)) &&
          server_begin(j->s, j->srv, j->err, j->err_len);
}

int cf_hs_boringssl_record(uint8_t **out, size_t *out_len,
                           const struct cf_case *device, uint32_t options,
                           const struct cf_hs_server_config *srv, char *err,
                           size_t err_len) {
  struct cf_transcript_writer w;
  struct server_side s;
  struct client_run_state st = {NULL, NULL};
  struct client_conn conns[CF_HS_MAX_CONNECTIONS];
  struct capture caps[CF_HS_MAX_CONNECTIONS];
  size_t num_conns = 0;
  struct party pc = {0}, ps = {0};
  SSL_CTX *ctx = NULL;
  uint8_t *device_der = NULL;
  size_t device_der_len = 0;
  int ok = 0;

  *out = NULL;
  *out_len = 0;
  err[0] = '\0';
  memset(&w, 0, sizeof(w));
  memset(&s, 0, sizeof(s));
  memset(caps, 0, sizeof(caps));
  if ((options & ~CF_HS_OPTS_ALL) != 0) {
    snprintf(err, err_len, "unknown client option bits %08x", options);
    return 0;
  }
  if (!rng_self_check()) {
    snprintf(err, err_len, "BoringSSL's RNG is not deterministic per thread "
             "(not a fuzzing build: FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION / "
             "BORINGSSL_UNSAFE_DETERMINISTIC_MODE, or a changed rand.c)");
    return 0;
  }
  if (!cf_case_serialize(&device_der, &device_der_len, device) ||
      !cf_transcript_begin(&w, device_der, device_der_len, options)) {
    snprintf(err, err_len, "the device case does not serialize");
    goto done;
  }
  /* The recording client: srv->client, except what BoringSSL has not
   * (OPTIONAL_UNCHECKED: the device client). */
  enum cf_hs_config ccfg = srv->client;
  if (ccfg != CF_HS_MISCONF_VERIFY_NONE && ccfg != CF_HS_MISCONF_NO_HOSTNAME &&
      ccfg != CF_HS_BASELINE_ACCEPT_ANY) {
    ccfg = CF_HS_DEVICE;
  }
  g_now = cf_profile_effective_time(&device->profile);
  ctx = configure_ctx(ccfg, options, device);
  if (ctx == NULL) {
    snprintf(err, err_len, "the device client cannot be set up");
    goto done;
  }

  /* As cf_hs_boringssl_client_run: reset, then the client, on a thread of
   * its own, draws first (its SSL_new draws the GREASE seed). Every server
   * object is made on the server's thread, never on the client's. */
  rng_reset();
  if (!party_start(&pc) || !party_start(&ps)) {
    snprintf(err, err_len, "cannot start the client and server threads");
    goto done;
  }
  size_t want = srv->resume ? 2 : 1;
  for (size_t conn = 0; conn < want; conn++) {
    struct client_conn *c = &conns[conn];
    BIO *c_in = BIO_new(BIO_s_mem());
    BIO *c_out = BIO_new(BIO_s_mem());
    if (c_in == NULL || c_out == NULL) {
      BIO_free(c_in);
      BIO_free(c_out);
      snprintf(err, err_len, "out of memory");
      goto done;
    }
    struct begin_job bj = {c, ctx, ccfg, device, c_in, c_out,
                           conn == 0 ? NULL : st.session, &st, 0};
    party_call(&pc, begin_job_run, &bj);
    if (!bj.ok) {
      snprintf(err, err_len, "the device client cannot be set up");
      goto done;
    }
    num_conns++;
    struct server_job sj = {&s, device, srv, err, err_len, conn, 0};
    party_call(&ps, server_job_run, &sj);
    if (!sj.ok) {
      goto done;
    }
    if (!record_conn(c, c_out, &s, &pc, &ps, &caps[conn], err,
                     err_len)) {
      goto done;
    }
    if (conn > 0) {
      cf_transcript_next_connection(&w);
    }
    add_records(&w, &caps[conn]);
    if (!c->handshake_done || !s.handshake_done) {
      break; /* no second connection after a failed first */
    }
  }
  if (!cf_transcript_finish(out, out_len, &w)) {
    snprintf(err, err_len, "the transcript does not encode (too large?)");
    goto done;
  }
  ok = 1;

done:
  for (size_t i = 0; i < num_conns; i++) {
    SSL_free(conns[i].ssl);
  }
  for (size_t i = 0; i < CF_HS_MAX_CONNECTIONS; i++) {
    free(caps[i].buf);
  }
  SSL_SESSION_free(st.session);
  SSL_free(s.ssl);
  SSL_CTX_free(s.ctx);
  SSL_CTX_free(ctx);
  party_stop(&pc);
  party_stop(&ps);
  cf_transcript_writer_cleanup(&w);
  free(device_der);
  ERR_clear_error();
  if (!ok && err[0] == '\0') {
    snprintf(err, err_len, "recording failed");
  }
  return ok;
}
