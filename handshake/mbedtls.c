/* mbedtls.c — the device's TLS client on mbedTLS 2.28 (cf_hs_mbedtls_
 * client_run) and its seed recorder, an mbedTLS server over memory
 * (cf_hs_mbedtls_record).
 *
 * The device client (handshake.h), as mbedTLS 2.28 allows it:
 *  - TLS 1.2 only: 2.28 has no TLS 1.3 client. A transcript with
 *    CF_HS_OPT_MIN_TLS13 fails the handshake at once (native_text says
 *    why); the recorder refuses it and any server version but 0x0303;
 *  - mbedtls_ssl_config_defaults(CLIENT, STREAM, DEFAULT), so the default
 *    certificate profile (mbedtls_x509_crt_profile_default) and signature
 *    hashes (SHA-512..SHA-224) — the same as the chain adapter
 *    (validators/mbedtls.c) uses; authmode REQUIRED;
 *  - trust anchors: the DEVICE case's, each through
 *    mbedtls_x509_crt_parse_der; one that does not parse is skipped, like
 *    the adapter (a CA bundle loaded at boot). None at all: no CA chain is
 *    configured and REQUIRED fails with SSL_CA_CHAIN_REQUIRED;
 *  - clock: mbedtls_platform_set_time (the build's MBEDTLS_PLATFORM_TIME_
 *    ALT) with a clock returning cf_profile_effective_time() of the DEVICE
 *    profile: certificate validity, gmt_unix_time in the randoms, session
 *    and ticket lifetimes all read it, so runs are deterministic;
 *  - name: like the adapter, a DNS name or an IP address as text goes to
 *    mbedtls_ssl_set_hostname, which is both the SNI and the name the
 *    certificate is checked against (2.28 cannot separate them: an IP
 *    address is sent as SNI too, and matched only by a dNSName or CN
 *    spelling it); CF_NAME_NONE: no call, no SNI, no name check;
 *  - max depth: mbedTLS has only the compile-time MBEDTLS_X509_MAX_
 *    INTERMEDIATE_CA. Like the adapter, a verify callback only counts the
 *    depth (it never reads or writes the flags), and after a handshake that
 *    succeeded the device closes a connection whose path has more
 *    intermediates than the profile allows (completed = 0);
 *  - purpose: the TLS stack always checks the leaf for the server side of
 *    the negotiated suite (mbedtls_ssl_check_cert_usage): purpose NONE
 *    cannot switch that off (stricter than the adapter: the handshake fails
 *    where the adapter would accept, never the other way round). A
 *    client-auth profile is checked like the adapter does after the
 *    handshake, mbedtls_ssl_check_cert_usage(..., MBEDTLS_SSL_IS_CLIENT);
 *  - suites ECDHE-ECDSA then ECDHE-RSA, each with AES-128-GCM, AES-256-GCM,
 *    ChaCha20-Poly1305; curves X25519, P-256, P-384 (mbedtls_ssl_conf_
 *    curves). mbedTLS checks an EC leaf's curve against this list
 *    (BADCERT_BAD_KEY): a P-521 leaf fails the handshake, where the adapter
 *    (default curve list) would accept it — stricter again;
 *  - randomness: mbedtls_ssl_conf_rng with a ChaCha20 keystream under a
 *    fixed key, restarted at the beginning of every run (the recorder's
 *    server has its own stream under another key);
 *  - I/O: memory callbacks (mbedtls_ssl_set_bio). The client reads the
 *    transcript's server stream; past its end a read returns 0
 *    (MBEDTLS_ERR_SSL_CONN_EOF). What it writes is kept for the TLS 1.2
 *    message log (cf_hs_msg_log_from_wire). At most kMaxSteps handshake
 *    steps and kMaxReads reads after the handshake;
 *  - resumption (NEXT_CONNECTION): the second connection offers the first
 *    one's session (mbedtls_ssl_get_session / mbedtls_ssl_set_session), a
 *    session ticket when the server sent one, else its session ID.
 *
 * Configurations (enum cf_hs_config):
 *  - CF_HS_MISCONF_VERIFY_NONE, CF_HS_BASELINE_ACCEPT_ANY: authmode NONE
 *    (the baseline is what mbedTLS's programs/fuzz/fuzz_client.c does);
 *  - CF_HS_MISCONF_OPTIONAL_UNCHECKED: authmode OPTIONAL and
 *    mbedtls_ssl_get_verify_result never read: the handshake completes on
 *    a chain that does not verify; the depth and purpose checks are the
 *    device's reading of the outcome and are skipped too;
 *  - CF_HS_MISCONF_NO_HOSTNAME: REQUIRED, no mbedtls_ssl_set_hostname:
 *    2.28 then checks no name at all. Deviation from handshake.h: without
 *    a hostname, 2.28 sends no SNI either, so the ClientHello differs from
 *    the DEVICE client's and a DEVICE-recorded transcript does not replay
 *    past the server's Finished. Record such transcripts with
 *    cf_hs_server_config.client = CF_HS_MISCONF_NO_HOSTNAME.
 *
 * The recorder: an mbedTLS server (TLS 1.2) serving the device case's leaf
 * and intermediates (in order, in one mbedtls_x509_crt; a certificate
 * mbedTLS cannot parse goes in as its bytes only, append_raw) with the
 * leaf's private key from the key pool, exported by BoringSSL as PKCS#8
 * DER and loaded with mbedtls_pk_parse_key (an Ed25519 or non-pool leaf
 * key: error). The server's randomness and the device's clock are reset
 * first, so the same inputs give the same transcript. srv->group
 * is the server's only curve (no HelloRetryRequest in TLS 1.2: a client
 * that does not offer it fails); srv->sigalg (TLS 1.2 pkcs1/ECDSA schemes
 * only, 0xHH01 / 0xHH03) becomes the server's only signature hash, others
 * are an error (no RSA-PSS in 2.28's TLS 1.2); srv->resume turns on
 * session tickets (mbedtls_ssl_ticket) and adds a second connection;
 * srv->client configures the recording client (client_init). After
 * a completed handshake the server sends one application-data record and
 * close_notify, so a replay exercises the record decryption and alert
 * paths. mbedTLS's server will not pick a leaf whose key usage or EKU
 * does not allow the suite (ssl_pick_cert), nor an EC leaf on a curve the
 * client did not offer: such chains give a handshake_failure flight. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bytestring.h>
#include <openssl/evp.h>
#include <openssl/mem.h>

#include <mbedtls/chacha20.h>
#include <mbedtls/ecp.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform.h>
#include <mbedtls/platform_time.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/ssl_internal.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>

#include "chainfuzz/handshake.h"
#include "keypool.h"
#include "signed_bytes.h"

#if !defined(MBEDTLS_PLATFORM_TIME_ALT)
#error "mbedTLS must be built with MBEDTLS_PLATFORM_TIME_ALT (build.sh's MBEDTLS_DEFS)"
#endif
#if !defined(MBEDTLS_SSL_CLI_C) || !defined(MBEDTLS_SSL_SRV_C) ||            \
    !defined(MBEDTLS_SSL_PROTO_TLS1_2) || !defined(MBEDTLS_CHACHA20_C) ||     \
    !defined(MBEDTLS_SSL_SESSION_TICKETS) || !defined(MBEDTLS_SSL_TICKET_C) || \
    !defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE) || !defined(MBEDTLS_ERROR_C)
#error "mbedTLS's default config (SSL_CLI_C, SSL_SRV_C, TLS 1.2, CHACHA20_C, tickets, KEEP_PEER_CERTIFICATE, ERROR_C) is needed"
#endif

/* kMaxSteps bounds the handshake steps of one connection (a full TLS 1.2
 * handshake takes about 18); kMaxReads the reads after it; kMaxRounds the
 * recorder's ping-pong rounds between client and server. */
enum { kMaxSteps = 64, kMaxReads = 256, kMaxRounds = 32 };

static const int kClientSuites[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    0,
};

static const mbedtls_ecp_group_id kClientCurves[] = {
    MBEDTLS_ECP_DP_CURVE25519,
    MBEDTLS_ECP_DP_SECP256R1,
    MBEDTLS_ECP_DP_SECP384R1,
    MBEDTLS_ECP_DP_NONE,
};

/* --- clock and randomness -------------------------------------------- */

/* The device's clock for the platform time hook (thread-local, like the
 * adapter's: the hook itself is process-wide, and set before every use). */
static _Thread_local mbedtls_time_t g_hs_time;

static mbedtls_time_t hs_clock(mbedtls_time_t *timer) {
  if (timer != NULL) {
    *timer = g_hs_time;
  }
  return g_hs_time;
}

/* set_clock makes mbedTLS's clock the device's: 1, or 0 if the hook
 * cannot be set. */
static int set_clock(const struct cf_profile *p) {
  g_hs_time = (mbedtls_time_t)cf_profile_effective_time(p);
  return mbedtls_platform_set_time(hs_clock) == 0;
}

/* det_rng is a ChaCha20 keystream: the same bytes after every reset. */
struct det_rng {
  mbedtls_chacha20_context chacha;
};

/* det_rng_reset restarts |r| at the beginning of the stream of |label| (a
 * distinct key per label: client, server). */
static void det_rng_reset(struct det_rng *r, uint8_t label) {
  uint8_t key[32], nonce[12];
  memset(key, 0, sizeof(key));
  memset(nonce, 0, sizeof(nonce));
  memcpy(key, "chainfuzz handshake rng", 23);
  key[31] = label;
  mbedtls_chacha20_setkey(&r->chacha, key);
  mbedtls_chacha20_starts(&r->chacha, nonce, 0);
}

static int det_rng_fill(void *ctx, unsigned char *out, size_t out_len) {
  struct det_rng *r = ctx;
  memset(out, 0, out_len);
  return mbedtls_chacha20_update(&r->chacha, out_len, out, out) == 0 ? 0 : -1;
}

/* --- memory I/O -------------------------------------------------------- */

/* pipe is a byte stream: written at the end, read from |pos|. */
struct pipe {
  uint8_t *buf;
  size_t len, cap, pos;
  int failed; /* an allocation failed */
};

static int pipe_append(struct pipe *p, const uint8_t *data, size_t len) {
  if (p->cap - p->len < len) {
    size_t cap = p->cap == 0 ? 4096 : p->cap;
    while (cap - p->len < len) {
      cap *= 2;
    }
    uint8_t *buf = realloc(p->buf, cap);
    if (buf == NULL) {
      p->failed = 1;
      return 0;
    }
    p->buf = buf;
    p->cap = cap;
  }
  memcpy(p->buf + p->len, data, len);
  p->len += len;
  return 1;
}

/* mem_bio is one endpoint's I/O: it reads |in| and writes |out|. When
 * |in| runs dry, a read returns 0 (EOF: the replay, where the peer has
 * closed) or MBEDTLS_ERR_SSL_WANT_READ (the recorder, where the peer has
 * not answered yet). */
struct mem_bio {
  struct pipe *in, *out;
  int eof_when_empty;
};

static int bio_send(void *ctx, const unsigned char *buf, size_t len) {
  struct mem_bio *b = ctx;
  if (!pipe_append(b->out, buf, len)) {
    return MBEDTLS_ERR_SSL_ALLOC_FAILED;
  }
  return (int)len;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len) {
  struct mem_bio *b = ctx;
  size_t left = b->in->len - b->in->pos;
  if (left == 0) {
    return b->eof_when_empty ? 0 : MBEDTLS_ERR_SSL_WANT_READ;
  }
  if (len > left) {
    len = left;
  }
  memcpy(buf, b->in->buf + b->in->pos, len);
  b->in->pos += len;
  return (int)len;
}

/* --- the device client ------------------------------------------------- */

/* client is the device client's configuration, shared by its connections. */
struct client {
  mbedtls_ssl_config conf;
  mbedtls_x509_crt anchors;
  struct det_rng rng;
  const struct cf_profile *profile;
  enum cf_hs_config cfg;
  const char *hostname; /* NULL: mbedtls_ssl_set_hostname is not called */
  char ip_text[64];
  int max_depth_seen;   /* the counting verify callback's, per connection */
};

/* count_depth is the read-only verify callback: it records the largest
 * depth mbedTLS reports and never touches |flags|. */
static int count_depth(void *ctx, mbedtls_x509_crt *crt, int depth,
                       uint32_t *flags) {
  struct client *cl = ctx;
  (void)crt;
  (void)flags;
  if (depth > cl->max_depth_seen) {
    cl->max_depth_seen = depth;
  }
  return 0;
}

/* client_zero makes |cl| safe to clean up. */
static void client_zero(struct client *cl) {
  memset(cl, 0, sizeof(*cl));
  mbedtls_ssl_config_init(&cl->conf);
  mbedtls_x509_crt_init(&cl->anchors);
  mbedtls_chacha20_init(&cl->rng.chacha);
}

static void client_cleanup(struct client *cl) {
  mbedtls_ssl_config_free(&cl->conf);
  mbedtls_x509_crt_free(&cl->anchors);
  mbedtls_chacha20_free(&cl->rng.chacha);
}

/* client_init configures the device client |cl| (zeroed) for |device| as
 * |cfg|: the one configuration function of both the replay and the
 * recorder. It also sets the platform clock and restarts the client's
 * randomness. Returns 1, or 0 on a setup failure (allocation, unknown
 * |cfg|). */
static int client_init(struct client *cl, const struct cf_case *device,
                       enum cf_hs_config cfg) {
  const struct cf_profile *p = &device->profile;
  int authmode;
  size_t num_anchors = 0;

  det_rng_reset(&cl->rng, 1);
  cl->profile = p;
  cl->cfg = cfg;
  cl->max_depth_seen = -1;

  switch (cfg) {
    case CF_HS_DEVICE:
    case CF_HS_MISCONF_NO_HOSTNAME:
      authmode = MBEDTLS_SSL_VERIFY_REQUIRED;
      break;
    case CF_HS_MISCONF_OPTIONAL_UNCHECKED:
      authmode = MBEDTLS_SSL_VERIFY_OPTIONAL;
      break;
    case CF_HS_MISCONF_VERIFY_NONE:
    case CF_HS_BASELINE_ACCEPT_ANY:
      authmode = MBEDTLS_SSL_VERIFY_NONE;
      break;
    default:
      return 0;
  }

  if (!set_clock(p) ||
      mbedtls_ssl_config_defaults(&cl->conf, MBEDTLS_SSL_IS_CLIENT,
                                  MBEDTLS_SSL_TRANSPORT_STREAM,
                                  MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
    return 0;
  }
  mbedtls_ssl_conf_min_version(&cl->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                               MBEDTLS_SSL_MINOR_VERSION_3);
  mbedtls_ssl_conf_max_version(&cl->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                               MBEDTLS_SSL_MINOR_VERSION_3);
  mbedtls_ssl_conf_authmode(&cl->conf, authmode);
  mbedtls_ssl_conf_ciphersuites(&cl->conf, kClientSuites);
  mbedtls_ssl_conf_curves(&cl->conf, kClientCurves);
  mbedtls_ssl_conf_rng(&cl->conf, det_rng_fill, &cl->rng);
  mbedtls_ssl_conf_verify(&cl->conf, count_depth, cl);

  for (size_t i = 0; i < device->num_anchors; i++) {
    if (mbedtls_x509_crt_parse_der(&cl->anchors, device->anchors[i].data,
                                   device->anchors[i].len) == 0) {
      num_anchors++;
    }
  }
  if (num_anchors > 0) {
    mbedtls_ssl_conf_ca_chain(&cl->conf, &cl->anchors, NULL);
  }

  if (cfg != CF_HS_MISCONF_NO_HOSTNAME) {
    if (p->name_type == CF_NAME_DNS) {
      cl->hostname = p->dns_name;
    } else if (p->name_type == CF_NAME_IP) {
      if (inet_ntop(p->ip_len == 4 ? AF_INET : AF_INET6, p->ip, cl->ip_text,
                    sizeof(cl->ip_text)) == NULL) {
        return 0;
      }
      cl->hostname = cl->ip_text;
    }
  }
  return 1;
}

/* client_conn_start sets up one connection |ssl| (initialized) of |cl|
 * over |bio|, offering |resume| if it is not NULL. Returns 1, or 0 with
 * the error in |*out_ret|. */
static int client_conn_start(int *out_ret, struct client *cl,
                             mbedtls_ssl_context *ssl, struct mem_bio *bio,
                             const mbedtls_ssl_session *resume) {
  int ret = mbedtls_ssl_setup(ssl, &cl->conf);
  if (ret == 0 && cl->hostname != NULL) {
    ret = mbedtls_ssl_set_hostname(ssl, cl->hostname);
  }
  if (ret == 0 && resume != NULL) {
    ret = mbedtls_ssl_set_session(ssl, resume);
  }
  mbedtls_ssl_set_bio(ssl, bio, bio_send, bio_recv, NULL);
  cl->max_depth_seen = -1;
  *out_ret = ret;
  return ret == 0;
}

/* client_accepts is what the device checks after mbedtls_ssl_handshake
 * returned 0, when it reads the verification outcome (authmode REQUIRED):
 * the path length the verify callback measured against the profile's max
 * depth, and a client-auth purpose. Returns 1, or 0 with a reason in
 * |text|. */
static int client_accepts(char *text, size_t text_len, const struct client *cl,
                          const mbedtls_ssl_context *ssl) {
  if (cl->cfg != CF_HS_DEVICE && cl->cfg != CF_HS_MISCONF_NO_HOSTNAME) {
    return 1;
  }
  /* Depth 0 is the leaf, max_depth_seen the anchor. */
  if (cl->max_depth_seen >= 2 &&
      (size_t)(cl->max_depth_seen - 1) > cl->profile->max_depth) {
    snprintf(text, text_len,
             "device closed the connection: path has %d intermediates, "
             "more than its max depth %u",
             cl->max_depth_seen - 1, (unsigned)cl->profile->max_depth);
    return 0;
  }
  if (cl->profile->purpose == CF_PURPOSE_CLIENT_AUTH) {
    const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(ssl);
    const mbedtls_ssl_ciphersuite_t *suite =
        mbedtls_ssl_ciphersuite_from_id(ssl->session->ciphersuite);
    uint32_t flags = 0;
    if (peer != NULL && suite != NULL &&
        mbedtls_ssl_check_cert_usage(peer, suite, MBEDTLS_SSL_IS_CLIENT,
                                     &flags) != 0) {
      snprintf(text, text_len,
               "device closed the connection: leaf not usable for client "
               "auth (flags 0x%05x)",
               (unsigned)flags);
      return 0;
    }
  }
  return 1;
}

/* native_error fills the result's native outcome from mbedTLS error |ret|
 * (and the verify flags of |ssl|'s handshake, if any). */
static void native_error(struct cf_hs_result *out, const char *where, int ret,
                         const mbedtls_ssl_context *ssl) {
  char err[96];
  uint32_t flags = 0;
  mbedtls_strerror(ret, err, sizeof(err));
  if (ssl->session_negotiate != NULL) {
    flags = ssl->session_negotiate->verify_result;
  }
  out->native_code = ret;
  if (flags != 0) {
    const struct cf_mbedtls_flag *top = cf_mbedtls_top_flag(flags);
    snprintf(out->native_text, sizeof(out->native_text),
             "%s: -0x%04x %s (verify flags 0x%05x %s)", where, (unsigned)-ret,
             err, (unsigned)flags, top != NULL ? top->text : "?");
  } else {
    snprintf(out->native_text, sizeof(out->native_text), "%s: -0x%04x %s",
             where, (unsigned)-ret, err);
  }
}

/* copy_peer_certs copies the chain the server presented on |ssl| into
 * |out| (the established session's, or the one being negotiated when the
 * handshake stopped). Returns 1, or 0 on allocation failure. */
static int copy_peer_certs(struct cf_hs_result *out,
                           const mbedtls_ssl_context *ssl) {
  const mbedtls_x509_crt *crt = NULL;
  if (ssl->session != NULL && ssl->session->peer_cert != NULL) {
    crt = ssl->session->peer_cert;
  } else if (ssl->session_negotiate != NULL) {
    crt = ssl->session_negotiate->peer_cert;
  }
  for (; crt != NULL && crt->raw.p != NULL &&
         out->num_peer_certs < CF_HS_MAX_PEER_CERTS;
       crt = crt->next) {
    uint8_t *copy = malloc(crt->raw.len);
    if (copy == NULL) {
      return 0;
    }
    memcpy(copy, crt->raw.p, crt->raw.len);
    out->peer_certs[out->num_peer_certs].data = copy;
    out->peer_certs[out->num_peer_certs].len = crt->raw.len;
    out->num_peer_certs++;
  }
  return 1;
}

/* client_handshake runs the handshake of |ssl| (at most kMaxSteps steps)
 * and then, if the device accepts it, reads application data until the
 * input is exhausted. Returns 1 if the connection completed; otherwise 0
 * with the error in |out|'s native fields (when |out| is not NULL). */
static int client_handshake(struct cf_hs_result *out, const struct client *cl,
                            mbedtls_ssl_context *ssl) {
  int ret = 0;
  for (int step = 0;
       step < kMaxSteps && ssl->state != MBEDTLS_SSL_HANDSHAKE_OVER; step++) {
    ret = mbedtls_ssl_handshake_step(ssl);
    if (ret != 0) {
      break;
    }
  }
  if (ret == 0 && ssl->state != MBEDTLS_SSL_HANDSHAKE_OVER) {
    ret = MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    if (out != NULL) {
      snprintf(out->native_text, sizeof(out->native_text),
               "handshake not over after %d steps", kMaxSteps);
      out->native_code = ret;
    }
    return 0;
  }
  if (ret != 0) {
    if (out != NULL) {
      native_error(out, "mbedtls_ssl_handshake", ret, ssl);
    }
    return 0;
  }
  char text[160];
  if (!client_accepts(text, sizeof(text), cl, ssl)) {
    if (out != NULL) {
      out->native_code = 0;
      snprintf(out->native_text, sizeof(out->native_text), "%s", text);
    }
    return 0;
  }
  /* Application data and post-handshake messages until the stream ends. */
  unsigned char buf[1024];
  for (int i = 0; i < kMaxReads; i++) {
    ret = mbedtls_ssl_read(ssl, buf, sizeof(buf));
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret > 0) {
      continue;
    }
    break;
  }
  return 1;
}

static void set_version_cipher(struct cf_hs_result *out,
                               const mbedtls_ssl_context *ssl) {
  const mbedtls_ssl_session *s =
      ssl->session != NULL ? ssl->session : ssl->session_negotiate;
  if (s != NULL && s->ciphersuite != 0) {
    out->version = (uint16_t)(0x0300 | (ssl->minor_ver & 0xff));
    out->cipher = (uint16_t)s->ciphersuite;
  }
}

int cf_hs_mbedtls_client_run(struct cf_hs_result *out,
                             const struct cf_transcript *t,
                             enum cf_hs_config cfg) {
  struct client cl;
  mbedtls_ssl_context ssl[CF_HS_MAX_CONNECTIONS];
  mbedtls_ssl_session saved;
  struct pipe in[CF_HS_MAX_CONNECTIONS], sent[CF_HS_MAX_CONNECTIONS];
  struct mem_bio bio[CF_HS_MAX_CONNECTIONS];
  size_t num_conns = t->num_connections;
  int ok = 0, completed = 1, have_session = 0;

  /* The message log's buffer survives (cf_hs_result_free frees it). */
  struct cf_hs_msg_log msgs = out->msgs;
  memset(out, 0, sizeof(*out));
  out->msgs = msgs;
  cf_hs_msg_log_reset(&out->msgs);
  client_zero(&cl);
  memset(in, 0, sizeof(in));
  memset(sent, 0, sizeof(sent));
  mbedtls_ssl_session_init(&saved);
  for (size_t i = 0; i < CF_HS_MAX_CONNECTIONS; i++) {
    mbedtls_ssl_init(&ssl[i]);
  }
  if (num_conns < 1 || num_conns > CF_HS_MAX_CONNECTIONS) {
    goto done;
  }
  if (!client_init(&cl, &t->device, cfg)) {
    goto done;
  }
  if (t->options & CF_HS_OPT_MIN_TLS13) {
    out->native_code = MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE;
    snprintf(out->native_text, sizeof(out->native_text),
             "mbedTLS 2.28 has no TLS 1.3 client (CF_HS_OPT_MIN_TLS13)");
    ok = 1;
    goto done;
  }

  for (size_t c = 0; c < num_conns; c++) {
    int ret;
    if (!cf_transcript_server_stream(&in[c].buf, &in[c].len, t, c)) {
      goto done;
    }
    in[c].cap = in[c].len;
    bio[c].in = &in[c];
    bio[c].out = &sent[c];
    bio[c].eof_when_empty = 1;
    if (!client_conn_start(&ret, &cl, &ssl[c], &bio[c],
                           have_session ? &saved : NULL)) {
      if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED) {
        goto done;
      }
      /* Input-dependent (a name set_hostname refuses): not completed. */
      native_error(out, "connection setup", ret, &ssl[c]);
      completed = 0;
      break;
    }
    int conn_ok = client_handshake(c == 0 || completed ? out : NULL, &cl,
                                   &ssl[c]);
    if (sent[c].failed) {
      goto done;
    }
    if (c == 0) {
      set_version_cipher(out, &ssl[0]);
      if (!copy_peer_certs(out, &ssl[0])) {
        goto done;
      }
      if (conn_ok && mbedtls_ssl_get_session(&ssl[0], &saved) == 0) {
        have_session = 1;
      }
    }
    completed &= conn_ok;
  }
  out->completed = completed;
  /* TLS 1.2: the message log from the first connection's two streams. */
  out->msgs_complete = cf_hs_msg_log_from_wire(&out->msgs, sent[0].buf,
                                               sent[0].len, in[0].buf,
                                               in[0].len);
  ok = 1;

done:
  for (size_t i = 0; i < CF_HS_MAX_CONNECTIONS; i++) {
    mbedtls_ssl_free(&ssl[i]);
    free(in[i].buf);
    free(sent[i].buf);
  }
  mbedtls_ssl_session_free(&saved);
  client_cleanup(&cl);
  return ok;
}

/* --- the recorder ------------------------------------------------------ */

static struct cf_pool g_rec_pool;
static int g_rec_pool_loaded;

/* server is the recorder's mbedTLS server. */
struct server {
  mbedtls_ssl_config conf;
  mbedtls_x509_crt chain;
  mbedtls_pk_context key;
  mbedtls_ssl_ticket_context ticket;
  struct det_rng rng;
  mbedtls_ecp_group_id curves[2];
  int hashes[2];
};

/* server_zero makes |s| safe to clean up. */
static void server_zero(struct server *s) {
  memset(s, 0, sizeof(*s));
  mbedtls_ssl_config_init(&s->conf);
  mbedtls_x509_crt_init(&s->chain);
  mbedtls_pk_init(&s->key);
  mbedtls_ssl_ticket_init(&s->ticket);
  mbedtls_chacha20_init(&s->rng.chacha);
}

static void server_cleanup(struct server *s) {
  mbedtls_ssl_config_free(&s->conf);
  mbedtls_x509_crt_free(&s->chain);
  mbedtls_pk_free(&s->key);
  mbedtls_ssl_ticket_free(&s->ticket);
  mbedtls_chacha20_free(&s->rng.chacha);
}

/* leaf_key loads the private key of |leaf| from the pool into |key|.
 * Returns 1, or 0 with a message in |err|. */
static int leaf_key(mbedtls_pk_context *key, const struct cf_blob *leaf,
                    char *err, size_t err_len) {
  struct cf_blob spki;
  CBB cbb;
  uint8_t *der = NULL;
  size_t der_len = 0;
  int ok = 0, ret;

  if (!g_rec_pool_loaded) {
    char perr[256];
    if (!cf_pool_load_embedded(&g_rec_pool, perr, sizeof(perr))) {
      snprintf(err, err_len, "key pool: %s", perr);
      return 0;
    }
    g_rec_pool_loaded = 1;
  }
  if (!cf_cert_spki(&spki, leaf->data, leaf->len)) {
    snprintf(err, err_len, "the leaf does not parse: no key to serve it with");
    return 0;
  }
  int idx = cf_pool_find_spki(&g_rec_pool, spki.data, spki.len);
  if (idx < 0) {
    snprintf(err, err_len, "the leaf's key is not a pool key");
    return 0;
  }
  const EVP_PKEY *pkey = g_rec_pool.key[idx];
  if (EVP_PKEY_id(pkey) != EVP_PKEY_RSA && EVP_PKEY_id(pkey) != EVP_PKEY_EC) {
    snprintf(err, err_len,
             "mbedTLS 2.28 cannot serve a %s leaf (RSA and EC keys only)",
             cf_pool_get(idx)->name);
    return 0;
  }
  if (!CBB_init(&cbb, 0) || !EVP_marshal_private_key(&cbb, pkey) ||
      !CBB_finish(&cbb, &der, &der_len)) {
    CBB_cleanup(&cbb);
    snprintf(err, err_len, "cannot export pool key %s", cf_pool_get(idx)->name);
    return 0;
  }
  ret = mbedtls_pk_parse_key(key, der, der_len, NULL, 0);
  if (ret != 0) {
    snprintf(err, err_len, "mbedtls_pk_parse_key(%s): -0x%04x",
             cf_pool_get(idx)->name, (unsigned)-ret);
    goto done;
  }
  ok = 1;

done:
  OPENSSL_free(der);
  return ok;
}

/* group_curve maps an IANA group to mbedTLS's, or NONE. */
static mbedtls_ecp_group_id group_curve(uint16_t group) {
  const mbedtls_ecp_curve_info *info = mbedtls_ecp_curve_info_from_tls_id(group);
  return info != NULL ? info->grp_id : MBEDTLS_ECP_DP_NONE;
}

/* append_raw appends certificate |b| to |chain| as bytes only, for one
 * mbedtls_x509_crt_parse_der refuses: the server writes each certificate
 * of its chain from crt->raw (mbedtls_ssl_write_certificate), so it sends
 * what the device case holds even if mbedTLS cannot parse it (the client,
 * the same library, then rejects it or skips it: an unknown signature
 * algorithm). A leaf also needs its public key, for the server's choice
 * of suite (ssl_pick_cert); with no extension parsed, no usage check
 * stops the server. Returns 0, or an mbedTLS error. */
static int append_raw(mbedtls_x509_crt *chain, const struct cf_blob *b,
                      int is_leaf) {
  mbedtls_x509_crt *node = chain;
  struct cf_blob spki;
  int ret;

  while (node->raw.p != NULL && node->next != NULL) {
    node = node->next;
  }
  if (node->raw.p != NULL) {
    node->next = mbedtls_calloc(1, sizeof(*node));
    if (node->next == NULL) {
      return MBEDTLS_ERR_X509_ALLOC_FAILED;
    }
    node = node->next;
    mbedtls_x509_crt_init(node);
  }
  node->raw.p = mbedtls_calloc(1, b->len > 0 ? b->len : 1);
  if (node->raw.p == NULL) {
    return MBEDTLS_ERR_X509_ALLOC_FAILED;
  }
  if (b->len > 0) {
    memcpy(node->raw.p, b->data, b->len);
  }
  node->raw.len = b->len;
  node->own_buffer = 1;
  /* Not 0: mbedtls_x509_crt_parse_der would take a node of version 0 for
   * the empty head and parse the next certificate into it. */
  node->version = 3;
  if (is_leaf) {
    if (!cf_cert_spki(&spki, b->data, b->len)) {
      return MBEDTLS_ERR_X509_INVALID_FORMAT;
    }
    ret = mbedtls_pk_parse_public_key(&node->pk, spki.data, spki.len);
    if (ret != 0) {
      return ret;
    }
  }
  return 0;
}

/* server_init configures the recorder's server |s| (zeroed) for |device|
 * and |srv|, and restarts its randomness. Returns 1, or 0 with a message
 * in |err|. */
static int server_init(struct server *s, const struct cf_case *device,
                       const struct cf_hs_server_config *srv, char *err,
                       size_t err_len) {
  int ret;

  det_rng_reset(&s->rng, 2);

  if (!leaf_key(&s->key, &device->leaf, err, err_len)) {
    return 0;
  }
  for (size_t i = 0; i <= device->num_intermediates; i++) {
    const struct cf_blob *b = i == 0 ? &device->leaf : &device->intermediates[i - 1];
    if (mbedtls_x509_crt_parse_der(&s->chain, b->data, b->len) != 0 &&
        (ret = append_raw(&s->chain, b, i == 0)) != 0) {
      snprintf(err, err_len,
               "mbedTLS parses neither certificate %zu nor its key (-0x%04x): "
               "it cannot serve this chain", i, (unsigned)-ret);
      return 0;
    }
  }
  if (mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_SERVER,
                                  MBEDTLS_SSL_TRANSPORT_STREAM,
                                  MBEDTLS_SSL_PRESET_DEFAULT) != 0 ||
      mbedtls_ssl_conf_own_cert(&s->conf, &s->chain, &s->key) != 0) {
    snprintf(err, err_len, "mbedTLS server setup failed");
    return 0;
  }
  mbedtls_ssl_conf_min_version(&s->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                               MBEDTLS_SSL_MINOR_VERSION_3);
  mbedtls_ssl_conf_max_version(&s->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                               MBEDTLS_SSL_MINOR_VERSION_3);
  mbedtls_ssl_conf_rng(&s->conf, det_rng_fill, &s->rng);

  if (srv->group != 0) {
    s->curves[0] = group_curve(srv->group);
    s->curves[1] = MBEDTLS_ECP_DP_NONE;
    if (s->curves[0] == MBEDTLS_ECP_DP_NONE) {
      snprintf(err, err_len, "mbedTLS has no group 0x%04x", srv->group);
      return 0;
    }
    mbedtls_ssl_conf_curves(&s->conf, s->curves);
  }
  if (srv->sigalg != 0) {
    /* TLS 1.2 SignatureAndHashAlgorithm: hash byte, then 1 (RSA PKCS#1)
     * or 3 (ECDSA). The server signs with the first pair the client
     * offers whose hash is in its list: a one-hash list forces it. */
    uint8_t hash = (uint8_t)(srv->sigalg >> 8), sig = (uint8_t)srv->sigalg;
    mbedtls_pk_type_t want = sig == MBEDTLS_SSL_SIG_RSA     ? MBEDTLS_PK_RSA
                             : sig == MBEDTLS_SSL_SIG_ECDSA ? MBEDTLS_PK_ECKEY
                                                            : MBEDTLS_PK_NONE;
    s->hashes[0] = mbedtls_ssl_md_alg_from_hash(hash);
    s->hashes[1] = MBEDTLS_MD_NONE;
    if (want == MBEDTLS_PK_NONE || s->hashes[0] == MBEDTLS_MD_NONE) {
      snprintf(err, err_len,
               "mbedTLS 2.28's TLS 1.2 server cannot sign with 0x%04x "
               "(PKCS#1 and ECDSA schemes only)",
               srv->sigalg);
      return 0;
    }
    if (!mbedtls_pk_can_do(&s->key, want)) {
      snprintf(err, err_len, "signature scheme 0x%04x does not fit the leaf's key",
               srv->sigalg);
      return 0;
    }
    mbedtls_ssl_conf_sig_hashes(&s->conf, s->hashes);
  }
  if (srv->resume) {
    if (mbedtls_ssl_ticket_setup(&s->ticket, det_rng_fill, &s->rng,
                                 MBEDTLS_CIPHER_AES_256_GCM, 86400) != 0) {
      snprintf(err, err_len, "mbedtls_ssl_ticket_setup failed");
      return 0;
    }
    mbedtls_ssl_conf_session_tickets_cb(&s->conf, mbedtls_ssl_ticket_write,
                                        mbedtls_ssl_ticket_parse, &s->ticket);
  }
  return 1;
}

/* handshake_live steps |ssl| as far as it goes: 1 while it is in progress
 * or over, 0 once it failed. */
static int handshake_live(mbedtls_ssl_context *ssl, int *failed) {
  if (*failed || ssl->state == MBEDTLS_SSL_HANDSHAKE_OVER) {
    return !*failed;
  }
  for (int step = 0;
       step < kMaxSteps && ssl->state != MBEDTLS_SSL_HANDSHAKE_OVER; step++) {
    int ret = mbedtls_ssl_handshake_step(ssl);
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
      break;
    }
    if (ret != 0) {
      *failed = 1;
      return 0;
    }
  }
  return 1;
}

/* record_connection pumps one connection between the device client |cl|
 * and the server |s| over memory (at most kMaxRounds rounds) and appends
 * the server's bytes to |w|, one SERVER_DATA record per TLS record.
 * |resume|: the session the client offers (may be NULL); on return
 * |*saved| holds the client's session if the handshake completed and
 * |*have_saved| says so. Returns 1, or 0 on a setup failure. */
static int record_connection(struct cf_transcript_writer *w, struct client *cl,
                             struct server *s, const mbedtls_ssl_session *resume,
                             mbedtls_ssl_session *saved, int *have_saved,
                             char *err, size_t err_len) {
  mbedtls_ssl_context c, srv;
  struct pipe c2s, s2c;
  struct mem_bio cbio, sbio;
  int ok = 0, ret, c_failed = 0, s_failed = 0;

  memset(&c2s, 0, sizeof(c2s));
  memset(&s2c, 0, sizeof(s2c));
  mbedtls_ssl_init(&c);
  mbedtls_ssl_init(&srv);
  cbio.in = &s2c;
  cbio.out = &c2s;
  cbio.eof_when_empty = 0;
  sbio.in = &c2s;
  sbio.out = &s2c;
  sbio.eof_when_empty = 0;
  *have_saved = 0;

  if (!client_conn_start(&ret, cl, &c, &cbio, resume) ||
      mbedtls_ssl_setup(&srv, &s->conf) != 0) {
    snprintf(err, err_len, "connection setup failed");
    goto done;
  }
  mbedtls_ssl_set_bio(&srv, &sbio, bio_send, bio_recv, NULL);

  for (int round = 0; round < kMaxRounds; round++) {
    size_t before = c2s.len + s2c.len;
    int c_state = c.state, s_state = srv.state;
    handshake_live(&c, &c_failed);
    handshake_live(&srv, &s_failed);
    if (c_failed || s_failed ||
        (c.state == MBEDTLS_SSL_HANDSHAKE_OVER &&
         srv.state == MBEDTLS_SSL_HANDSHAKE_OVER) ||
        (c2s.len + s2c.len == before && c.state == c_state &&
         srv.state == s_state)) {
      break;
    }
  }
  if (c2s.failed || s2c.failed) {
    snprintf(err, err_len, "out of memory");
    goto done;
  }
  if (!c_failed && !s_failed && c.state == MBEDTLS_SSL_HANDSHAKE_OVER &&
      srv.state == MBEDTLS_SSL_HANDSHAKE_OVER) {
    static const unsigned char kHello[] = "chainfuzz recorder\n";
    if (mbedtls_ssl_write(&srv, kHello, sizeof(kHello) - 1) !=
            (int)(sizeof(kHello) - 1) ||
        mbedtls_ssl_close_notify(&srv) != 0) {
      snprintf(err, err_len, "server could not write application data");
      goto done;
    }
    /* Drive the client through it, as the replay will, and keep its
     * session for the next connection as the replay does. */
    if (client_handshake(NULL, cl, &c) &&
        mbedtls_ssl_get_session(&c, saved) == 0) {
      *have_saved = 1;
    }
  }

  /* One SERVER_DATA record per TLS record (a partial one, which an
   * mbedTLS server does not write, would go as it is). */
  for (size_t off = 0; off < s2c.len;) {
    size_t n = s2c.len - off;
    if (n >= 5) {
      size_t rec = 5 + ((size_t)s2c.buf[off + 3] << 8 | s2c.buf[off + 4]);
      if (rec < n) {
        n = rec;
      }
    }
    cf_transcript_add_server_data(w, s2c.buf + off, n);
    off += n;
  }
  ok = 1;

done:
  mbedtls_ssl_free(&c);
  mbedtls_ssl_free(&srv);
  free(c2s.buf);
  free(s2c.buf);
  return ok;
}

int cf_hs_mbedtls_record(uint8_t **out, size_t *out_len,
                         const struct cf_case *device, uint32_t options,
                         const struct cf_hs_server_config *srv, char *err,
                         size_t err_len) {
  struct cf_transcript_writer w;
  struct client cl;
  struct server s;
  mbedtls_ssl_session saved[2];
  uint8_t *der = NULL;
  size_t der_len = 0;
  int ok = 0, have_saved = 0, have_saved2 = 0;

  *out = NULL;
  *out_len = 0;
  memset(&w, 0, sizeof(w));
  mbedtls_ssl_session_init(&saved[0]);
  mbedtls_ssl_session_init(&saved[1]);
  client_zero(&cl);
  server_zero(&s);

  if (options & ~CF_HS_OPTS_ALL) {
    snprintf(err, err_len, "unknown client option bits 0x%08x", options);
    goto done;
  }
  if (options & CF_HS_OPT_MIN_TLS13) {
    snprintf(err, err_len, "mbedTLS 2.28 has no TLS 1.3 client");
    goto done;
  }
  if (srv->version != 0x0303) {
    snprintf(err, err_len, "mbedTLS 2.28 serves TLS 1.2 (0x0303) only, not 0x%04x",
             srv->version);
    goto done;
  }
  /* The device's clock for both sides, before the ticket keys are made
   * (mbedtls_ssl_ticket_setup stamps them with the time). */
  if (!set_clock(&device->profile)) {
    snprintf(err, err_len, "mbedtls_platform_set_time failed");
    goto done;
  }
  if (!server_init(&s, device, srv, err, err_len)) {
    goto done;
  }
  if (!client_init(&cl, device, srv->client)) {
    snprintf(err, err_len, "device client setup failed (configuration %d)",
             (int)srv->client);
    goto done;
  }
  if (!cf_case_serialize(&der, &der_len, device) ||
      !cf_transcript_begin(&w, der, der_len, options)) {
    snprintf(err, err_len, "out of memory");
    goto done;
  }
  if (!record_connection(&w, &cl, &s, NULL, &saved[0], &have_saved, err,
                         err_len)) {
    goto done;
  }
  if (srv->resume) {
    cf_transcript_next_connection(&w);
    if (!record_connection(&w, &cl, &s, have_saved ? &saved[0] : NULL,
                           &saved[1], &have_saved2, err, err_len)) {
      goto done;
    }
  }
  if (!cf_transcript_finish(out, out_len, &w)) {
    snprintf(err, err_len, "the transcript does not encode (too many records?)");
    goto done;
  }
  ok = 1;

done:
  cf_transcript_writer_cleanup(&w);
  free(der);
  mbedtls_ssl_session_free(&saved[0]);
  mbedtls_ssl_session_free(&saved[1]);
  client_cleanup(&cl);
  server_cleanup(&s);
  return ok;
}
