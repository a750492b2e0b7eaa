/* wolfssl.c — the device's TLS client in wolfSSL 5.5.4 (the configuration of
 * mk/wolfssl/user_settings.h: TLS 1.2 and 1.3, no OpenSSL compatibility
 * layer) driven by a transcript, and the recorder: a wolfSSL server in the
 * same process, over memory. See include/chainfuzz/handshake.h.
 *
 * The device client (configure_ctx / configure_ssl, shared by the run and
 * the recorder, so the ClientHello is byte-identical in both):
 *  - method: wolfSSLv23_client_method with minimum TLS 1.2 (TLS 1.3
 *    preferred); CF_HS_OPT_MAX_TLS12: wolfTLSv1_2_client_method;
 *    CF_HS_OPT_MIN_TLS13: wolfTLSv1_3_client_method;
 *  - suites: ECDHE-ECDSA / ECDHE-RSA with AES-128-GCM, AES-256-GCM and
 *    ChaCha20-Poly1305 for TLS 1.2; TLS13-AES128-GCM-SHA256,
 *    TLS13-AES256-GCM-SHA384, TLS13-CHACHA20-POLY1305-SHA256 for TLS 1.3
 *    (each only when that version can be negotiated; set as code points,
 *    see kSuites13); groups X25519, P-256,
 *    P-384 (wolfSSL_set_groups when TLS 1.3 is possible, else
 *    wolfSSL_UseSupportedCurve), key share X25519 only (wolfSSL_UseKeyShare);
 *    wolfSSL's default signature algorithms (derived from the suites);
 *  - the profile mapped exactly as the chain adapter (validators/wolfssl.c)
 *    maps it, because the chain oracle judges the handshake with that
 *    adapter: WOLFSSL_VERIFY_PEER (with an observing verify callback that
 *    returns wolfSSL's own verdict, capture_cb); anchors by
 *    wolfSSL_CTX_load_verify_buffer (DER) under the case's clock, an anchor
 *    that does not load skipped; clock wc_SetTimeCb(case time) — wolfSSL
 *    reads all its time through wc_Time (certificate validity, LowResTimer
 *    for session lifetimes); a DNS name is sent as SNI (wolfSSL_UseSNI) and
 *    checked (wolfSSL_check_domain_name); an IP address is checked as its
 *    inet_ntop text through the same call, no SNI; CF_NAME_NONE: neither;
 *    the device's max depth, which wolfSSL cannot be told without the
 *    OpenSSL layer, is applied as the adapter applies it: after the
 *    handshake, on the path wolfSSL relied on (leaf, its signer in the
 *    CertManager, ... up to an anchor): more intermediates than the profile
 *    allows and the device drops the connection (completed = 0);
 *    purpose: the TLS client always runs wolfSSL's serverAuth check (the
 *    adapter's clientAuth mode has no handshake counterpart), so the
 *    result says purpose_forced_server_auth and the judge checks for
 *    serverAuth too;
 *  - misconfigurations: CF_HS_MISCONF_VERIFY_NONE is WOLFSSL_VERIFY_NONE
 *    (also the CTX default of Debian's OPENSSL_COMPATIBLE_DEFAULTS build);
 *    CF_HS_MISCONF_NO_HOSTNAME verifies and sends SNI but never calls
 *    wolfSSL_check_domain_name; CF_HS_MISCONF_OPTIONAL_UNCHECKED is an
 *    mbedTLS mode with no wolfSSL counterpart: client_run returns 0 (not
 *    applicable). CF_HS_BASELINE_ACCEPT_ANY (benchmarks) is
 *    WOLFSSL_VERIFY_NONE, what wolfSSL's own fuzzers do.
 *
 * Determinism: user_settings.h gives wolfSSL a constant seed
 * (CUSTOM_RAND_GENERATE_SEED), so every WOLFSSL object's RNG produces the
 * same stream (the recorder's client and the replaying client draw the same
 * randoms and key shares; the recorder's server draws that stream too), the
 * clock is the case's, and the ECC fixed-point cache is emptied before
 * every recording (cf_wolfssl_forget_fp_cache: whether a point is cached
 * changes how many random bytes a scalar multiplication draws, for blinding,
 * and so every random drawn after it), so no transcript depends on the ones
 * recorded before it; and before every client run, so that a run does not
 * depend on the runs before it either (AFL++ stability).
 *
 * Deviations:
 *  - msgs: TLS 1.2 only, from the two byte streams
 *    (cf_hs_msg_log_from_wire; msgs_complete is its result). TLS 1.3
 *    messages are encrypted and wolfSSL has no plaintext message callback
 *    without OPENSSL_EXTRA (SSL_set_msg_callback): msgs_complete = 0, so the
 *    signature oracle does not judge wolfSSL's TLS 1.3 handshakes;
 *  - resumption: TLS 1.2 session IDs only. This configuration has no
 *    HAVE_SESSION_TICKET (Debian's build has it through the OpenSSL layer),
 *    so a TLS 1.3 client cannot resume: the second connection of a TLS 1.3
 *    transcript is a full handshake the recorded bytes do not fit, and the
 *    recorder refuses srv->resume with TLS 1.3. (Ticket ages would read the
 *    machine's clock through TimeNowInMilliseconds' gettimeofday, another
 *    reason not to switch tickets on here);
 *  - peer_certs: the Certificate message's entries as wolfSSL parsed them
 *    (capture_cb), not wolfSSL_get_peer_chain, which drops certificates of
 *    2048 bytes or more;
 *  - recorder: an Ed25519 leaf is refused (wolfSSL's Ed25519 signing has
 *    undefined behaviour, see leaf_key_der); the client is
 *    configure_ctx/configure_ssl with srv->client
 *    (CF_HS_MISCONF_OPTIONAL_UNCHECKED, not applicable, records as
 *    CF_HS_DEVICE; wolfSSL's ClientHello does not depend on the verify
 *    mode or the host name check, so a transcript recorded with
 *    CF_HS_MISCONF_VERIFY_NONE replays in every configuration);
 *    srv->sigalg is refused (no API to choose the server's signature
 *    scheme without the OpenSSL layer); srv->group: TLS 1.3
 *    wolfSSL_CTX_set_groups with that one group (HelloRetryRequest when the
 *    client's key share is another), TLS 1.2 wolfSSL_CTX_UseSupportedCurve
 *    with it. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/ssl.h>
#include <wolfssl/internal.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include <openssl/bytestring.h>
#include <openssl/evp.h>
#include <openssl/mem.h>

#include "chainfuzz/handshake.h"
#include "chainfuzz/profile.h"
#include "chainfuzz/transcript.h"
#include "chainfuzz/validator.h"
#include "keypool.h"
#include "signed_bytes.h"

#if !defined(CUSTOM_RAND_GENERATE_SEED) || !defined(WOLFSSL_TLS13) || \
    !defined(WOLFSSL_SET_CIPHER_BYTES) || !defined(SESSION_CERTS) ||  \
    !defined(KEEP_PEER_CERT)
#error \
    "wolfSSL must be built with mk/wolfssl/user_settings.h (build.sh's WOLFSSL_DEFS)"
#endif

/* kMaxSteps bounds every handshake / read loop; kMaxBytes a byte stream. */
enum { kMaxSteps = 64, kMaxBytes = 4 << 20 };

/* The suites, as IANA code points: wolfSSL_CTX_set_cipher_list_bytes
 * (user_settings.h's WOLFSSL_SET_CIPHER_BYTES), because the text form's
 * parser, SetCipherList, increments a NULL pointer at the end of every list
 * (undefined behaviour UBSan aborts on). In wolfSSL's names:
 * TLS13-AES128-GCM-SHA256, TLS13-AES256-GCM-SHA384,
 * TLS13-CHACHA20-POLY1305-SHA256; ECDHE-ECDSA-AES128-GCM-SHA256,
 * ECDHE-RSA-AES128-GCM-SHA256, ECDHE-ECDSA-AES256-GCM-SHA384,
 * ECDHE-RSA-AES256-GCM-SHA384, ECDHE-ECDSA-CHACHA20-POLY1305,
 * ECDHE-RSA-CHACHA20-POLY1305. */
static const uint8_t kSuites13[] = {0x13, 0x01, 0x13, 0x02, 0x13, 0x03};
static const uint8_t kSuites12[] = {0xC0, 0x2B, 0xC0, 0x2F, 0xC0, 0x2C,
                                    0xC0, 0x30, 0xCC, 0xA9, 0xCC, 0xA8};

/* --- memory I/O ------------------------------------------------------ */

/* wbuf is a growable byte buffer (what one side sent). */
struct wbuf {
  uint8_t *data;
  size_t len, cap;
  int failed;
};

static void wbuf_append(struct wbuf *b, const uint8_t *p, size_t n) {
  if (b->failed) {
    return;
  }
  if (n > kMaxBytes - b->len) {
    b->failed = 1;
    return;
  }
  if (b->len + n > b->cap) {
    size_t cap = b->cap == 0 ? 4096 : b->cap;
    while (cap < b->len + n) {
      cap *= 2;
    }
    uint8_t *d = realloc(b->data, cap);
    if (d == NULL) {
      b->failed = 1;
      return;
    }
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

static void wbuf_free(struct wbuf *b) {
  free(b->data);
  memset(b, 0, sizeof(*b));
}

/* pipe_end is one side's I/O: it reads |in| (the peer's output, which may
 * still grow in the recorder) from |in_off| and appends to |out|. At the
 * end of |in| a read says the connection closed (|eof_closes|: the replay,
 * where the server said all it will say) or would block (the recorder). */
struct pipe_end {
  const struct wbuf *in;
  const uint8_t *in_fixed; /* replay: the server stream */
  size_t in_fixed_len;
  size_t in_off;
  int eof_closes;
  struct wbuf *out;
};

static int io_recv(WOLFSSL *ssl, char *buf, int sz, void *ctx) {
  struct pipe_end *p = ctx;
  const uint8_t *in = p->in != NULL ? p->in->data : p->in_fixed;
  size_t in_len = p->in != NULL ? p->in->len : p->in_fixed_len;
  (void)ssl;
  if (p->in_off >= in_len || sz <= 0) {
    return p->eof_closes ? WOLFSSL_CBIO_ERR_CONN_CLOSE
                         : WOLFSSL_CBIO_ERR_WANT_READ;
  }
  size_t n = in_len - p->in_off;
  if (n > (size_t)sz) {
    n = (size_t)sz;
  }
  memcpy(buf, in + p->in_off, n);
  p->in_off += n;
  return (int)n;
}

static int io_send(WOLFSSL *ssl, char *buf, int sz, void *ctx) {
  struct pipe_end *p = ctx;
  (void)ssl;
  if (sz < 0) {
    return WOLFSSL_CBIO_ERR_GENERAL;
  }
  wbuf_append(p->out, (const uint8_t *)buf, (size_t)sz);
  return p->out->failed ? WOLFSSL_CBIO_ERR_GENERAL : sz;
}

static void attach_io(WOLFSSL *ssl, struct pipe_end *p) {
  wolfSSL_SSLSetIORecv(ssl, io_recv);
  wolfSSL_SSLSetIOSend(ssl, io_send);
  wolfSSL_SetIOReadCtx(ssl, p);
  wolfSSL_SetIOWriteCtx(ssl, p);
}

/* --- the clock --------------------------------------------------------- */

/* The device's clock for wc_SetTimeCb (thread-local, as in the adapter). */
static _Thread_local time_t g_hs_time;

static time_t hs_clock(time_t *timer) {
  if (timer != NULL) {
    *timer = g_hs_time;
  }
  return g_hs_time;
}

/* set_clock sets the device's clock (wolfSSL reads all its time through
 * wc_Time). */
static int set_clock(const struct cf_case *device) {
  g_hs_time = (time_t)cf_profile_effective_time(&device->profile);
  return wc_SetTimeCb(hs_clock) == 0;
}

/* --- the device client --------------------------------------------------- */

static int offers_tls12(uint32_t options) {
  return (options & CF_HS_OPT_MIN_TLS13) == 0;
}

static int offers_tls13(uint32_t options) {
  return (options & CF_HS_OPT_MAX_TLS12) == 0;
}

static int verifies(enum cf_hs_config cfg) {
  return cfg == CF_HS_DEVICE || cfg == CF_HS_MISCONF_NO_HOSTNAME;
}

/* configure_ctx creates the device's WOLFSSL_CTX: method, verify mode,
 * anchors (under the case's clock, which the caller has set), suites.
 * Returns NULL on a setup failure or for a configuration wolfSSL has no
 * counterpart of. */
static WOLFSSL_CTX *configure_ctx(const struct cf_case *device,
                                  uint32_t options, enum cf_hs_config cfg) {
  WOLFSSL_CTX *ctx = NULL;
  uint8_t suites[sizeof(kSuites12) + sizeof(kSuites13)];
  size_t suites_len = 0;

  if (cfg != CF_HS_DEVICE && cfg != CF_HS_MISCONF_VERIFY_NONE &&
      cfg != CF_HS_MISCONF_NO_HOSTNAME && cfg != CF_HS_BASELINE_ACCEPT_ANY) {
    return NULL; /* CF_HS_MISCONF_OPTIONAL_UNCHECKED: not applicable */
  }
  if (!offers_tls12(options) && !offers_tls13(options)) {
    return NULL;
  }
  if (wolfSSL_Init() != WOLFSSL_SUCCESS) {
    return NULL;
  }
  if (!offers_tls13(options)) {
    ctx = wolfSSL_CTX_new(wolfTLSv1_2_client_method());
  } else if (!offers_tls12(options)) {
    ctx = wolfSSL_CTX_new(wolfTLSv1_3_client_method());
  } else {
    ctx = wolfSSL_CTX_new(wolfSSLv23_client_method());
    if (ctx != NULL &&
        wolfSSL_CTX_SetMinVersion(ctx, WOLFSSL_TLSV1_2) != WOLFSSL_SUCCESS) {
      goto err;
    }
  }
  if (ctx == NULL) {
    return NULL;
  }
  wolfSSL_CTX_set_verify(
      ctx, verifies(cfg) ? WOLFSSL_VERIFY_PEER : WOLFSSL_VERIFY_NONE, NULL);
  /* The device's bundle, loaded at boot under its clock, as the adapter
   * loads it: an anchor that does not load is skipped. */
  for (size_t i = 0; i < device->num_anchors; i++) {
    if (device->anchors[i].len > 0 && device->anchors[i].len <= LONG_MAX) {
      (void)wolfSSL_CTX_load_verify_buffer(ctx, device->anchors[i].data,
                                           (long)device->anchors[i].len,
                                           WOLFSSL_FILETYPE_ASN1);
    }
  }
  if (offers_tls13(options)) {
    memcpy(suites + suites_len, kSuites13, sizeof(kSuites13));
    suites_len += sizeof(kSuites13);
  }
  if (offers_tls12(options)) {
    memcpy(suites + suites_len, kSuites12, sizeof(kSuites12));
    suites_len += sizeof(kSuites12);
  }
  if (wolfSSL_CTX_set_cipher_list_bytes(ctx, suites, (int)suites_len) !=
      WOLFSSL_SUCCESS) {
    goto err;
  }
  return ctx;

err:
  wolfSSL_CTX_free(ctx);
  return NULL;
}

/* peer_capture receives the certificates the server presented, as wolfSSL
 * parsed them from its Certificate message (ProcessPeerCerts' list: every
 * entry, any size). wolfSSL's session chain (wolfSSL_get_peer_chain) is no
 * substitute: it drops certificates of MAX_X509_SIZE (2048) bytes or more
 * and stops at MAX_CHAIN_DEPTH, and TLS 1.3's message is encrypted. */
struct peer_capture {
  struct cf_hs_result *out; /* NULL: capture nothing (the recorder) */
  int done;
  int failed; /* an allocation failed */
};

/* capture_cb is the verify callback that does it. It returns |preverify|
 * unchanged: never overriding wolfSSL's decision. (wolfSSL calls it for
 * every certificate: WOLFSSL_ALWAYS_VERIFY_CB, WOLFSSL_VERIFY_CB_ALL_CERTS;
 * replaying 599 hsrecord transcripts in three configurations with and
 * without it gave the same outcome and error code every time.) */
static int capture_cb(int preverify, WOLFSSL_X509_STORE_CTX *store) {
  struct peer_capture *cap = store != NULL ? store->userCtx : NULL;
  if (cap == NULL || cap->out == NULL || cap->done || store->certs == NULL) {
    return preverify;
  }
  cap->done = 1;
  for (int i = 0; i < store->totalCerts && i < CF_HS_MAX_PEER_CERTS; i++) {
    const WOLFSSL_BUFFER_INFO *b = &store->certs[i];
    uint8_t *copy = malloc(b->length > 0 ? b->length : 1);
    if (copy == NULL) {
      cap->failed = 1;
      break;
    }
    if (b->length > 0) {
      memcpy(copy, b->buffer, b->length);
    }
    cap->out->peer_certs[cap->out->num_peer_certs].data = copy;
    cap->out->peer_certs[cap->out->num_peer_certs].len = b->length;
    cap->out->num_peer_certs++;
  }
  return preverify;
}

/* configure_ssl creates one connection of the device: name (SNI and
 * check), groups, key share. */
static WOLFSSL *configure_ssl(WOLFSSL_CTX *ctx, const struct cf_case *device,
                              uint32_t options, enum cf_hs_config cfg,
                              struct peer_capture *cap) {
  const struct cf_profile *p = &device->profile;
  WOLFSSL *ssl = wolfSSL_new(ctx);
  char ip_text[64];

  if (ssl == NULL) {
    return NULL;
  }
  /* The mode is the CTX's; the callback only watches (capture_cb). */
  wolfSSL_set_verify(ssl,
                     verifies(cfg) ? WOLFSSL_VERIFY_PEER : WOLFSSL_VERIFY_NONE,
                     capture_cb);
  wolfSSL_SetCertCbCtx(ssl, cap);
  if (p->name_type == CF_NAME_DNS) {
    if (p->dns_name_len > 0xffff ||
        wolfSSL_UseSNI(ssl, WOLFSSL_SNI_HOST_NAME, p->dns_name,
                       (unsigned short)p->dns_name_len) != WOLFSSL_SUCCESS) {
      goto err;
    }
    if (cfg != CF_HS_MISCONF_NO_HOSTNAME &&
        wolfSSL_check_domain_name(ssl, p->dns_name) != WOLFSSL_SUCCESS) {
      goto err;
    }
  } else if (p->name_type == CF_NAME_IP && cfg != CF_HS_MISCONF_NO_HOSTNAME) {
    if (inet_ntop(p->ip_len == 4 ? AF_INET : AF_INET6, p->ip, ip_text,
                  sizeof(ip_text)) == NULL ||
        wolfSSL_check_domain_name(ssl, ip_text) != WOLFSSL_SUCCESS) {
      goto err;
    }
  }
  if (offers_tls13(options)) {
    int groups[3] = {WOLFSSL_ECC_X25519, WOLFSSL_ECC_SECP256R1,
                     WOLFSSL_ECC_SECP384R1};
    if (wolfSSL_set_groups(ssl, groups, 3) != WOLFSSL_SUCCESS ||
        wolfSSL_UseKeyShare(ssl, WOLFSSL_ECC_X25519) != WOLFSSL_SUCCESS) {
      goto err;
    }
  } else if (wolfSSL_UseSupportedCurve(ssl, WOLFSSL_ECC_X25519) !=
                 WOLFSSL_SUCCESS ||
             wolfSSL_UseSupportedCurve(ssl, WOLFSSL_ECC_SECP256R1) !=
                 WOLFSSL_SUCCESS ||
             wolfSSL_UseSupportedCurve(ssl, WOLFSSL_ECC_SECP384R1) !=
                 WOLFSSL_SUCCESS) {
    goto err;
  }
  return ssl;

err:
  wolfSSL_free(ssl);
  return NULL;
}

/* --- the device's depth limit ------------------------------------------- */

/* path_intermediates counts the intermediates of the path wolfSSL relied on
 * for |leaf| (the signer ParseCertRelative finds in |cm|, its signer, ...,
 * until a self-signed certificate or an anchor of |c|), as the adapter's
 * report_path walks it. */
static size_t path_intermediates(WOLFSSL_CERT_MANAGER *cm,
                                 const struct cf_case *c, const uint8_t *leaf,
                                 size_t leaf_len) {
  const uint8_t *der = leaf;
  size_t der_len = leaf_len, n = 0;

  for (size_t step = 0; step < CF_MAX_INTERMEDIATES + 2; step++) {
    DecodedCert cert;
    InitDecodedCert(&cert, der, (word32)der_len, NULL);
    int ret = ParseCertRelative(&cert, CERT_TYPE, VERIFY, cm);
    Signer *ca = cert.ca;
    FreeDecodedCert(&cert);
    if (ret != 0 || ca == NULL || ca->derCert == NULL) {
      break;
    }
    const uint8_t *up = ca->derCert->buffer;
    size_t up_len = ca->derCert->length;
    if ((up_len == der_len && memcmp(up, der, der_len) == 0) ||
        cf_case_is_anchor(c, up, up_len)) {
      break;
    }
    n++;
    der = up;
    der_len = up_len;
  }
  return n;
}

/* --- results ------------------------------------------------------------- */

static void set_native(struct cf_hs_result *out, int code, const char *text) {
  out->native_code = code;
  if (text == NULL) {
    text = wolfSSL_ERR_reason_error_string((unsigned long)code);
  }
  snprintf(out->native_text, sizeof(out->native_text), "%s",
           text != NULL ? text : "");
}

/* connect_bounded drives wolfSSL_connect until it completes, fails, or
 * |max_steps| calls have passed. Returns 1 if the handshake completed;
 * otherwise 0 with |*out_err| the wolfSSL error (WOLFSSL_ERROR_WANT_READ:
 * blocked on input). */
static int connect_bounded(int *out_err, WOLFSSL *ssl, int max_steps) {
  *out_err = 0;
  for (int i = 0; i < max_steps; i++) {
    int ret = wolfSSL_connect(ssl);
    if (ret == WOLFSSL_SUCCESS) {
      return 1;
    }
    *out_err = wolfSSL_get_error(ssl, ret);
    if (*out_err != WOLFSSL_ERROR_WANT_READ &&
        *out_err != WOLFSSL_ERROR_WANT_WRITE) {
      return 0;
    }
  }
  return 0;
}

/* drain reads application data (and whatever post-handshake messages come)
 * until the input is exhausted or an error, bounded. */
static void drain(WOLFSSL *ssl) {
  static _Thread_local char buf[16384];
  for (int i = 0; i < kMaxSteps; i++) {
    if (wolfSSL_read(ssl, buf, (int)sizeof(buf)) <= 0) {
      return;
    }
  }
}

/* depth_ok applies the device's max depth the way the adapter does (see
 * the top of the file). */
static int depth_ok(WOLFSSL *ssl, const struct cf_case *device,
                    const struct cf_hs_result *r) {
  if (r->num_peer_certs == 0) {
    return 1;
  }
  return path_intermediates(SSL_CM(ssl), device, r->peer_certs[0].data,
                            r->peer_certs[0].len) <= device->profile.max_depth;
}

int cf_hs_wolfssl_client_run(struct cf_hs_result *out,
                             const struct cf_transcript *t,
                             enum cf_hs_config cfg) {
  const struct cf_case *device = &t->device;
  WOLFSSL_CTX *ctx = NULL;
  WOLFSSL *ssl = NULL;
  WOLFSSL_SESSION *session = NULL;
  uint8_t *stream = NULL;
  size_t stream_len = 0;
  struct wbuf client_out = {0};
  struct pipe_end io;
  struct peer_capture cap;
  int ok = 0, err = 0;

  /* The message log's buffer survives (cf_hs_result_free frees it). */
  struct cf_hs_msg_log msgs = out->msgs;
  memset(out, 0, sizeof(*out));
  out->msgs = msgs;
  cf_hs_msg_log_reset(&out->msgs);
  out->purpose_forced_server_auth = 1;
  cf_wolfssl_forget_fp_cache();
  if (!set_clock(device)) {
    goto done;
  }
  ctx = configure_ctx(device, t->options, cfg);
  if (ctx == NULL) {
    goto done;
  }
  for (size_t conn = 0;
       conn < t->num_connections && conn < CF_HS_MAX_CONNECTIONS; conn++) {
    free(stream);
    stream = NULL;
    if (!cf_transcript_server_stream(&stream, &stream_len, t, conn)) {
      goto done;
    }
    memset(&cap, 0, sizeof(cap));
    cap.out = conn == 0 ? out : NULL;
    ssl = configure_ssl(ctx, device, t->options, cfg, &cap);
    if (ssl == NULL) {
      goto done;
    }
    if (session != NULL) {
      (void)wolfSSL_set_session(ssl, session); /* refused: a full handshake */
    }
    client_out.len = 0;
    memset(&io, 0, sizeof(io));
    io.in_fixed = stream;
    io.in_fixed_len = stream_len;
    io.eof_closes = 1;
    io.out = &client_out;
    attach_io(ssl, &io);

    int completed = connect_bounded(&err, ssl, kMaxSteps);
    if (conn == 0) {
      if (completed) {
        out->version = (uint16_t)wolfSSL_version(ssl);
        out->cipher = (uint16_t)wolfSSL_get_current_cipher_suite(ssl);
        if (cap.failed) {
          goto done;
        }
        if (out->version == 0x0303 && !client_out.failed) {
          out->msgs_complete = cf_hs_msg_log_from_wire(
              &out->msgs, client_out.data, client_out.len, stream, stream_len);
        }
        if (verifies(cfg) && !depth_ok(ssl, device, out)) {
          completed = 0;
          set_native(out, MAX_CHAIN_ERROR,
                     "device max depth exceeded on the path wolfSSL relied on");
        }
      } else {
        set_native(out, err, NULL);
      }
    } else if (!completed && out->native_code == 0) {
      set_native(out, err, NULL);
    }
    if (!completed) {
      out->completed = 0;
      ok = 1;
      goto done;
    }
    drain(ssl);
    if (conn + 1 < t->num_connections) {
      session = wolfSSL_get1_session(ssl);
    }
    wolfSSL_free(ssl);
    ssl = NULL;
  }
  out->completed = 1;
  ok = 1;

done:
  if (!ok) {
    cf_hs_result_free(out);
  }
  wolfSSL_SESSION_free(session);
  wolfSSL_free(ssl);
  wolfSSL_CTX_free(ctx);
  wbuf_free(&client_out);
  free(stream);
  return ok;
}

/* --- the recorder ----------------------------------------------------------
 */

static struct cf_pool g_rec_pool;
static int g_rec_pool_loaded;

/* leaf_key_der exports the pool's private key for the leaf of |device| as
 * DER (PKCS#8, BoringSSL's EVP_marshal_private_key). */
static int leaf_key_der(uint8_t **out, size_t *out_len,
                        const struct cf_case *device, char *err,
                        size_t err_len) {
  struct cf_blob spki;
  CBB cbb;

  if (!g_rec_pool_loaded) {
    char perr[256];
    if (!cf_pool_load_embedded(&g_rec_pool, perr, sizeof(perr))) {
      snprintf(err, err_len, "key pool: %s", perr);
      return 0;
    }
    g_rec_pool_loaded = 1;
  }
  if (!cf_cert_spki(&spki, device->leaf.data, device->leaf.len)) {
    snprintf(err, err_len, "the leaf does not parse (no SubjectPublicKeyInfo)");
    return 0;
  }
  int idx = cf_pool_find_spki(&g_rec_pool, spki.data, spki.len);
  if (idx < 0) {
    snprintf(err, err_len, "the leaf's key is not in the key pool");
    return 0;
  }
  const struct cf_pool_info *info = cf_pool_get(idx);
  if (info == NULL || info->type == CF_KT_ED25519) {
    /* wolfSSL 5.5.4's Ed25519 signing (ge_select, ge_operations.c) shifts a
     * negative value left: undefined behaviour the sanitizer builds abort
     * on, in the server only (the client never signs). */
    snprintf(err, err_len,
             "an Ed25519 leaf: wolfSSL 5.5.4's Ed25519 signing has "
             "undefined behaviour (ge_select) the sanitizers abort on");
    return 0;
  }
  if (!CBB_init(&cbb, 0) ||
      !EVP_marshal_private_key(&cbb, g_rec_pool.key[idx]) ||
      !CBB_finish(&cbb, out, out_len)) {
    CBB_cleanup(&cbb);
    snprintf(err, err_len, "cannot export the leaf's private key");
    return 0;
  }
  return 1;
}

/* add_records splits |data| into TLS records, one SERVER_DATA record each
 * (a trailing partial record as it is). */
static void add_records(struct cf_transcript_writer *w, const uint8_t *data,
                        size_t len) {
  size_t off = 0;
  while (off < len) {
    size_t n = len - off;
    if (n >= 5) {
      size_t rec = 5 + (((size_t)data[off + 3] << 8) | data[off + 4]);
      if (rec < n) {
        n = rec;
      }
    }
    cf_transcript_add_server_data(w, data + off, n);
    off += n;
  }
}

/* pump runs client and server against each other until both are done,
 * one fails, or nothing moves. */
static void pump(WOLFSSL *client, WOLFSSL *server, const struct wbuf *c2s,
                 const struct wbuf *s2c) {
  int client_done = 0, server_done = 0, client_dead = 0, server_dead = 0;
  for (int step = 0; step < 4 * kMaxSteps && !(client_done && server_done);
       step++) {
    size_t before = c2s->len + s2c->len;
    if (!client_done && !client_dead) {
      int ret = wolfSSL_connect(client);
      if (ret == WOLFSSL_SUCCESS) {
        client_done = 1;
      } else {
        int e = wolfSSL_get_error(client, ret);
        client_dead =
            e != WOLFSSL_ERROR_WANT_READ && e != WOLFSSL_ERROR_WANT_WRITE;
      }
    }
    if (!server_done && !server_dead) {
      int ret = wolfSSL_accept(server);
      if (ret == WOLFSSL_SUCCESS) {
        server_done = 1;
      } else {
        int e = wolfSSL_get_error(server, ret);
        server_dead =
            e != WOLFSSL_ERROR_WANT_READ && e != WOLFSSL_ERROR_WANT_WRITE;
      }
    }
    if ((client_dead || server_dead) && c2s->len + s2c->len == before) {
      break;
    }
    if (c2s->len + s2c->len == before && step > 0) {
      break; /* stuck */
    }
  }
  if (client_done) {
    /* Let the client read whatever the server sent after its Finished
     * (nothing in this configuration: no tickets). */
    char buf[256];
    (void)wolfSSL_read(client, buf, (int)sizeof(buf));
  }
}

int cf_hs_wolfssl_record(uint8_t **out, size_t *out_len,
                         const struct cf_case *device, uint32_t options,
                         const struct cf_hs_server_config *srv, char *err,
                         size_t err_len) {
  struct cf_transcript_writer w;
  WOLFSSL_CTX *sctx = NULL, *cctx = NULL;
  WOLFSSL *server = NULL, *client = NULL;
  WOLFSSL_SESSION *session = NULL;
  uint8_t *device_der = NULL, *key_der = NULL, *chain = NULL;
  size_t device_der_len = 0, key_der_len = 0, chain_len = 0;
  struct wbuf c2s = {0}, s2c = {0};
  struct pipe_end cio, sio;
  int ok = 0;

  memset(&w, 0, sizeof(w));
  *out = NULL;
  *out_len = 0;
  if (srv->version != 0x0303 && srv->version != 0x0304) {
    snprintf(err, err_len, "server version 0x%04x: only 0x0303 and 0x0304",
             srv->version);
    return 0;
  }
  if ((srv->version == 0x0303 && !offers_tls12(options)) ||
      (srv->version == 0x0304 && !offers_tls13(options))) {
    snprintf(err, err_len, "the client options exclude server version 0x%04x",
             srv->version);
    return 0;
  }
  if (srv->sigalg != 0) {
    snprintf(err, err_len,
             "wolfSSL without the OpenSSL layer cannot choose the "
             "server's signature scheme");
    return 0;
  }
  if (srv->resume && srv->version == 0x0304) {
    snprintf(err, err_len,
             "no session tickets in this wolfSSL build: TLS 1.3 "
             "cannot resume");
    return 0;
  }
  if (!leaf_key_der(&key_der, &key_der_len, device, err, err_len)) {
    goto done;
  }
  /* The served chain: leaf then intermediates, DER back to back. */
  chain_len = device->leaf.len;
  for (size_t i = 0; i < device->num_intermediates; i++) {
    chain_len += device->intermediates[i].len;
  }
  chain = malloc(chain_len > 0 ? chain_len : 1);
  if (chain == NULL) {
    snprintf(err, err_len, "out of memory");
    goto done;
  }
  memcpy(chain, device->leaf.data, device->leaf.len);
  for (size_t i = 0, off = device->leaf.len; i < device->num_intermediates;
       i++) {
    memcpy(chain + off, device->intermediates[i].data,
           device->intermediates[i].len);
    off += device->intermediates[i].len;
  }
  cf_wolfssl_forget_fp_cache();
  if (!set_clock(device) || wolfSSL_Init() != WOLFSSL_SUCCESS) {
    snprintf(err, err_len, "wolfSSL setup failed");
    goto done;
  }
  sctx = wolfSSL_CTX_new(srv->version == 0x0304 ? wolfTLSv1_3_server_method()
                                                : wolfTLSv1_2_server_method());
  if (sctx == NULL) {
    snprintf(err, err_len, "wolfSSL server setup failed");
    goto done;
  }
  wolfSSL_CTX_set_verify(sctx, WOLFSSL_VERIFY_NONE, NULL);
  int ret = wolfSSL_CTX_use_certificate_chain_buffer_format(
      sctx, chain, (long)chain_len, WOLFSSL_FILETYPE_ASN1);
  if (ret != WOLFSSL_SUCCESS) {
    snprintf(err, err_len, "the wolfSSL server refuses the chain (%d %s)", ret,
             wolfSSL_ERR_reason_error_string((unsigned long)ret));
    goto done;
  }
  ret = wolfSSL_CTX_use_PrivateKey_buffer(sctx, key_der, (long)key_der_len,
                                          WOLFSSL_FILETYPE_ASN1);
  if (ret != WOLFSSL_SUCCESS) {
    snprintf(err, err_len, "the wolfSSL server refuses the leaf's key (%d %s)",
             ret, wolfSSL_ERR_reason_error_string((unsigned long)ret));
    goto done;
  }
  if (srv->group != 0) {
    int group = srv->group;
    ret = srv->version == 0x0304
              ? wolfSSL_CTX_set_groups(sctx, &group, 1)
              : wolfSSL_CTX_UseSupportedCurve(sctx, srv->group);
    if (ret != WOLFSSL_SUCCESS) {
      snprintf(err, err_len, "the wolfSSL server cannot use group 0x%04x",
               srv->group);
      goto done;
    }
  }
  /* A configuration wolfSSL has no counterpart of is ignored. */
  enum cf_hs_config client_cfg = srv->client == CF_HS_MISCONF_OPTIONAL_UNCHECKED
                                     ? CF_HS_DEVICE
                                     : srv->client;
  cctx = configure_ctx(device, options, client_cfg);
  if (cctx == NULL) {
    snprintf(err, err_len, "wolfSSL client setup failed (configuration %d)",
             (int)client_cfg);
    goto done;
  }
  if (!cf_case_serialize(&device_der, &device_der_len, device) ||
      !cf_transcript_begin(&w, device_der, device_der_len, options)) {
    snprintf(err, err_len, "out of memory");
    goto done;
  }
  for (int conn = 0; conn < (srv->resume ? 2 : 1); conn++) {
    client = configure_ssl(cctx, device, options, client_cfg, NULL);
    server = wolfSSL_new(sctx);
    if (client == NULL || server == NULL) {
      snprintf(err, err_len, "wolfSSL connection setup failed");
      goto done;
    }
    if (session != NULL) {
      (void)wolfSSL_set_session(client, session);
    }
    c2s.len = 0;
    s2c.len = 0;
    memset(&cio, 0, sizeof(cio));
    memset(&sio, 0, sizeof(sio));
    cio.in = &s2c;
    cio.out = &c2s;
    sio.in = &c2s;
    sio.out = &s2c;
    attach_io(client, &cio);
    attach_io(server, &sio);
    pump(client, server, &c2s, &s2c);
    if (c2s.failed || s2c.failed) {
      snprintf(err, err_len, "a byte stream outgrew its limit");
      goto done;
    }
    if (conn > 0) {
      cf_transcript_next_connection(&w);
    }
    add_records(&w, s2c.data, s2c.len);
    if (srv->resume && conn == 0) {
      if (!wolfSSL_is_init_finished(client)) {
        break; /* nothing to resume: a one-connection transcript */
      }
      session = wolfSSL_get1_session(client);
    }
    wolfSSL_free(client);
    wolfSSL_free(server);
    client = NULL;
    server = NULL;
  }
  if (!cf_transcript_finish(out, out_len, &w)) {
    snprintf(err, err_len,
             "the transcript does not encode (too many records?)");
    goto done;
  }
  ok = 1;

done:
  cf_transcript_writer_cleanup(&w);
  wolfSSL_SESSION_free(session);
  wolfSSL_free(client);
  wolfSSL_free(server);
  wolfSSL_CTX_free(cctx);
  wolfSSL_CTX_free(sctx);
  wbuf_free(&c2s);
  wbuf_free(&s2c);
  free(device_der);
  if (key_der != NULL) {
    OPENSSL_cleanse(key_der, key_der_len);
    OPENSSL_free(key_der);
  }
  free(chain);
  return ok;
}
