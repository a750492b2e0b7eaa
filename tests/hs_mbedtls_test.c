/* hs_mbedtls_test — the mbedTLS 2.28 device client and recorder
 * (handshake/mbedtls.c): catalogue chains recorded by an mbedTLS server
 * replay through cf_hs_mbedtls_client_run byte for byte (determinism), a
 * valid chain completes with the chain the server sent, a bad one does not
 * in the device configuration and does under each misconfiguration,
 * resumption, the server's group and signature hash, max depth, and what
 * 2.28 cannot do (TLS 1.3, Ed25519). Run from the repository root.
 *
 *   hs_mbedtls_test              the TAP tests
 *   hs_mbedtls_test --bench N    time N replays of a recorded transcript
 *                                per configuration (device, accept-any) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/platform_time.h>

#include "chainfuzz/case.h"
#include "chainfuzz/handshake.h"
#include "chainfuzz/transcript.h"
#include "keypool.h"
#include "hs_test.h"
#include "scenario_verdict.h"
#include "tap.h"

static struct cf_pool g_pool;

/* scenario is a built catalogue case; |der| backs it. */
struct scenario {
  struct cf_case c;
  uint8_t *der;
};

static int load(struct scenario *s, const char *id) {
  return cf_test_scenario_case(&s->c, &s->der, &g_pool, id);
}

/* recording is a recorded transcript and its parse. */
struct recording {
  uint8_t *buf;
  size_t len;
  struct cf_transcript t;
  char err[256];
};

/* record records |s| with |srv| and |options|: 1 if it was recorded and
 * parses back. */
static int record_as(struct recording *r, const struct scenario *s,
                     const struct cf_hs_server_config *srv, uint32_t options,
                     enum cf_hs_config client) {
  struct cf_hs_server_config with = *srv;
  memset(r, 0, sizeof(*r));
  with.client = client;
  if (!cf_hs_mbedtls_record(&r->buf, &r->len, &s->c, options, &with, r->err,
                            sizeof(r->err))) {
    return 0;
  }
  return cf_transcript_parse(&r->t, NULL, r->buf, r->len) == CF_TRANSCRIPT_OK;
}

static int record(struct recording *r, const struct scenario *s,
                  const struct cf_hs_server_config *srv, uint32_t options) {
  return record_as(r, s, srv, options, CF_HS_DEVICE);
}

static void recording_free(struct recording *r) {
  free(r->buf);
  r->buf = NULL;
}

static int replay(struct cf_hs_result *res, const struct recording *r,
                  enum cf_hs_config cfg) {
  return cf_hs_mbedtls_client_run(res, &r->t, cfg);
}

/* find_msg returns the first logged message of |type| from the server. */
static const struct cf_hs_msg *find_msg(const struct cf_hs_result *res,
                                        uint8_t type) {
  for (size_t i = 0; i < res->msgs.num_msgs; i++) {
    const struct cf_hs_msg *m = &res->msgs.msgs[i];
    if (m->from_server && m->len > 0 && m->data[0] == type) {
      return m;
    }
  }
  return NULL;
}

/* conn_has_certificate: connection |conn|'s plaintext handshake records
 * (before the server's ChangeCipherSpec) hold a Certificate message. */
static int conn_has_certificate(const struct cf_transcript *t, size_t conn) {
  for (size_t i = 0; i < t->num_server_data[conn]; i++) {
    const struct cf_blob *b = &t->server_data[conn][i];
    if (b->len < 6 || b->data[0] == 20) {
      break;
    }
    if (b->data[0] == 22 && b->data[5] == 11) {
      return 1;
    }
  }
  return 0;
}

static const struct cf_hs_server_config kTls12 = {.version = 0x0303};

/* test_valid records a valid chain, replays it in the device
 * configuration and checks what a completed handshake reports. */
static void test_valid(const char *id, int ecdsa) {
  struct scenario s;
  struct recording r, again;
  struct cf_hs_result res, res2;
  memset(&res, 0, sizeof(res));
  memset(&res2, 0, sizeof(res2));

  if (!tap_ok(load(&s, id), "%s: builds", id)) {
    return;
  }
  if (!tap_ok(record(&r, &s, &kTls12, 0), "%s: recorded (%s)", id, r.err)) {
    free(s.der);
    return;
  }
  tap_ok(record(&again, &s, &kTls12, 0) && again.len == r.len &&
             memcmp(again.buf, r.buf, r.len) == 0,
         "%s: a second recording is byte-identical (%zu bytes)", id, r.len);
  recording_free(&again);

  tap_ok(replay(&res, &r, CF_HS_DEVICE) && res.completed,
         "%s: device client completes the replay (%s)", id, res.native_text);
  tap_ok(res.version == 0x0303, "%s: TLS 1.2 (0x%04x)", id, res.version);
  /* The server picks by its own preference (ChaCha20 first in 2.28) among
   * the device's suites for the leaf's key: ECDHE-ECDSA AES-128-GCM
   * 0xC02B, AES-256-GCM 0xC02C, ChaCha20 0xCCA9; ECDHE-RSA 0xC02F,
   * 0xC030, 0xCCA8. */
  tap_ok(ecdsa ? (res.cipher == 0xC02B || res.cipher == 0xC02C || res.cipher == 0xCCA9)
               : (res.cipher == 0xC02F || res.cipher == 0xC030 || res.cipher == 0xCCA8),
         "%s: an ECDHE-%s suite of the device's (0x%04x)", id,
         ecdsa ? "ECDSA" : "RSA", res.cipher);
  tap_ok(cf_test_same_chain(&res, &s.c), "%s: peer chain is the case's leaf + %zu "
         "intermediates (got %zu certificates)", id, s.c.num_intermediates,
         res.num_peer_certs);
  tap_ok(res.msgs_complete && find_msg(&res, 2) != NULL &&
             find_msg(&res, 11) != NULL && find_msg(&res, 12) != NULL,
         "%s: wire message log holds ServerHello, Certificate, "
         "ServerKeyExchange (%zu messages)", id, res.msgs.num_msgs);
  char detail[256] = "";
  enum cf_hs_sig_status sig = cf_hs_sig_check(detail, sizeof(detail), &res.msgs);
  tap_ok(sig == CF_HS_SIG_OK, "%s: signature oracle verifies the "
         "ServerKeyExchange (%d %s)", id, (int)sig, detail);

  tap_ok(replay(&res2, &r, CF_HS_DEVICE) && res2.completed &&
             res2.num_peer_certs == res.num_peer_certs &&
             res2.msgs.buf_len == res.msgs.buf_len &&
             memcmp(res2.msgs.buf, res.msgs.buf, res.msgs.buf_len) == 0,
         "%s: a second replay sends the same bytes", id);
  cf_hs_result_free(&res2);

  /* Truncated: the server's Finished missing. */
  struct recording cut = r;
  size_t n = cut.t.num_server_data[0];
  while (n > 0 && cut.t.server_data[0][n - 1].data[0] != 20) {
    n--;
  }
  cut.t.num_server_data[0] = n > 0 ? n : 0;
  tap_ok(replay(&res2, &cut, CF_HS_DEVICE) && !res2.completed,
         "%s: without the server's Finished the handshake does not complete "
         "(%s)", id, res2.native_text);
  cf_hs_result_free(&res2);

  cf_hs_result_free(&res);
  recording_free(&r);
  free(s.der);
}

/* test_bad_chain: |id| must fail in the device configuration, and,
 * recorded with client |rec_cfg|, complete under each of |accepting|. */
static void test_bad_chain(const char *id, const char *why,
                           enum cf_hs_config rec_cfg,
                           const enum cf_hs_config *accepting,
                           size_t num_accepting) {
  struct scenario s;
  struct recording dev, mis;
  struct cf_hs_result res;
  memset(&res, 0, sizeof(res));

  if (!tap_ok(load(&s, id), "%s: builds", id)) {
    return;
  }
  if (tap_ok(record(&dev, &s, &kTls12, 0), "%s: recorded (%s)", id, dev.err)) {
    tap_ok(replay(&res, &dev, CF_HS_DEVICE) && !res.completed &&
               strstr(res.native_text, why) != NULL,
           "%s: device client rejects it (%s)", id, res.native_text);
    cf_hs_result_free(&res);
  }
  if (tap_ok(record_as(&mis, &s, &kTls12, 0, rec_cfg), "%s: recorded with client "
             "configuration %d (%s)", id, (int)rec_cfg, mis.err)) {
    tap_ok(replay(&res, &mis, CF_HS_DEVICE) && !res.completed,
           "%s: that recording still fails in the device client (%s)", id,
           res.native_text);
    cf_hs_result_free(&res);
    for (size_t i = 0; i < num_accepting; i++) {
      tap_ok(replay(&res, &mis, accepting[i]) && res.completed &&
                 cf_test_same_chain(&res, &s.c),
             "%s: configuration %d completes the handshake (%s)", id,
             (int)accepting[i], res.native_text);
      cf_hs_result_free(&res);
    }
  }
  recording_free(&dev);
  recording_free(&mis);
  free(s.der);
}

/* far_future is a clock some other code of the process left behind. */
static mbedtls_time_t far_future(mbedtls_time_t *timer) {
  mbedtls_time_t t = (mbedtls_time_t)4102444800; /* 2100-01-01 */
  if (timer != NULL) {
    *timer = t;
  }
  return t;
}

static void test_resumption(void) {
  const char *id = "valid::p256::ica1";
  struct scenario s;
  struct recording r;
  struct cf_hs_result res;
  struct cf_hs_server_config srv = kTls12;
  memset(&res, 0, sizeof(res));
  srv.resume = 1;

  if (!tap_ok(load(&s, id), "resumption: %s builds", id)) {
    return;
  }
  if (tap_ok(record(&r, &s, &srv, 0) && r.t.num_connections == 2,
             "resumption: recorded two connections (%s)", r.err)) {
    tap_ok(conn_has_certificate(&r.t, 0) && !conn_has_certificate(&r.t, 1),
           "resumption: the second connection is abbreviated (no Certificate)");
    struct recording again;
    mbedtls_platform_set_time(far_future);
    tap_ok(record(&again, &s, &srv, 0) && again.len == r.len &&
               memcmp(again.buf, r.buf, r.len) == 0,
           "resumption: recorded again under another process clock, "
           "byte-identical (ticket keys use the device's clock)");
    recording_free(&again);
    tap_ok(replay(&res, &r, CF_HS_DEVICE) && res.completed &&
               cf_test_same_chain(&res, &s.c),
           "resumption: device client completes both connections (%s)",
           res.native_text);
    cf_hs_result_free(&res);
    struct recording cut = r;
    cut.t.num_server_data[1] = 1; /* ServerHello only */
    tap_ok(replay(&res, &cut, CF_HS_DEVICE) && !res.completed,
           "resumption: a cut second connection makes the run incomplete");
    cf_hs_result_free(&res);
  }
  recording_free(&r);
  free(s.der);
}

/* test_server_choices: srv->group and srv->sigalg reach the wire. */
static void test_server_choices(void) {
  const char *id = "valid::p256::ica1";
  struct scenario s;
  struct recording r;
  struct cf_hs_result res;
  struct cf_hs_server_config srv = kTls12;
  memset(&res, 0, sizeof(res));

  if (!load(&s, id)) {
    tap_ok(0, "%s builds", id);
    return;
  }
  srv.group = 0x0018; /* secp384r1 */
  srv.sigalg = 0x0503; /* ecdsa + SHA-384 */
  if (tap_ok(record(&r, &s, &srv, 0), "group P-384 + ecdsa_sha384: recorded "
             "(%s)", r.err)) {
    const struct cf_hs_msg *ske = NULL;
    tap_ok(replay(&res, &r, CF_HS_DEVICE) && res.completed &&
               (ske = find_msg(&res, 12)) != NULL,
           "group P-384 + ecdsa_sha384: completes (%s)", res.native_text);
    /* ECParameters: curve_type 3, named_curve u16; point; hash, sig. */
    if (ske != NULL && ske->len > 9) {
      size_t pt = ske->data[7];
      tap_ok(ske->data[4] == 3 && ske->data[5] == 0x00 && ske->data[6] == 0x18,
             "ServerKeyExchange names secp384r1");
      tap_ok(8 + pt + 2 <= ske->len && ske->data[8 + pt] == 5 &&
                 ske->data[8 + pt + 1] == 3,
             "ServerKeyExchange is signed with ecdsa + SHA-384");
    }
    cf_hs_result_free(&res);
  }
  recording_free(&r);

  char err[256];
  uint8_t *out = NULL;
  size_t out_len = 0;
  srv = kTls12;
  srv.sigalg = 0x0804; /* rsa_pss_rsae_sha256 */
  tap_ok(!cf_hs_mbedtls_record(&out, &out_len, &s.c, 0, &srv, err, sizeof(err)) &&
             strstr(err, "0x0804") != NULL,
         "RSA-PSS in TLS 1.2 is refused (%s)", err);
  srv = kTls12;
  srv.version = 0x0304;
  tap_ok(!cf_hs_mbedtls_record(&out, &out_len, &s.c, 0, &srv, err, sizeof(err)) &&
             strstr(err, "TLS 1.2") != NULL,
         "a TLS 1.3 server is refused (%s)", err);
  tap_ok(!cf_hs_mbedtls_record(&out, &out_len, &s.c, CF_HS_OPT_MIN_TLS13,
                               &kTls12, err, sizeof(err)),
         "a TLS 1.3-only client is refused (%s)", err);
  free(out);
  free(s.der);
}

/* test_tls13_only: a transcript whose client offers TLS 1.3 only fails at
 * once in 2.28. */
static void test_tls13_only(void) {
  struct scenario s;
  struct cf_transcript_writer w;
  struct cf_transcript t;
  struct cf_hs_result res;
  uint8_t *der = NULL, *buf = NULL;
  size_t der_len = 0, len = 0;
  memset(&w, 0, sizeof(w));
  memset(&res, 0, sizeof(res));
  if (!load(&s, "valid::p256::ica1")) {
    tap_ok(0, "valid::p256::ica1 builds");
    return;
  }
  int built = cf_case_serialize(&der, &der_len, &s.c) &&
              cf_transcript_begin(&w, der, der_len, CF_HS_OPT_MIN_TLS13) &&
              (cf_transcript_add_server_data(&w, (const uint8_t *)"\x16\x03\x03\x00\x00", 5),
               cf_transcript_finish(&buf, &len, &w)) &&
              cf_transcript_parse(&t, NULL, buf, len) == CF_TRANSCRIPT_OK;
  tap_ok(built && cf_hs_mbedtls_client_run(&res, &t, CF_HS_DEVICE) &&
             !res.completed && strstr(res.native_text, "TLS 1.3") != NULL,
         "CF_HS_OPT_MIN_TLS13: not completed, says why (%s)", res.native_text);
  cf_hs_result_free(&res);
  free(buf);
  free(der);
  free(s.der);
}

/* test_unservable: keys and chains mbedTLS cannot serve give a message. */
static void test_unservable(void) {
  struct scenario s;
  char err[256] = "";
  uint8_t *out = NULL;
  size_t out_len = 0;
  if (!load(&s, "valid::leafkey::ed25519")) {
    tap_ok(0, "valid::leafkey::ed25519 builds");
    return;
  }
  tap_ok(!cf_hs_mbedtls_record(&out, &out_len, &s.c, 0, &kTls12, err,
                               sizeof(err)) && err[0] != '\0',
         "an Ed25519 leaf cannot be served (%s)", err);
  free(out);
  free(s.der);
}

/* contains: |needle| occurs in |hay|. */
static int contains(const uint8_t *hay, size_t hay_len, const uint8_t *needle,
                    size_t needle_len) {
  for (size_t i = 0; needle_len <= hay_len && i <= hay_len - needle_len; i++) {
    if (memcmp(hay + i, needle, needle_len) == 0) {
      return 1;
    }
  }
  return 0;
}

/* test_unparsable: a chain whose certificates mbedTLS cannot parse (the
 * leaf and two intermediates signed with Ed25519: X509_UNKNOWN_SIG_ALG)
 * is still served byte for byte, and the device client (which skips such
 * entries) does not complete the handshake. */
static void test_unparsable(void) {
  const char *id = "valid::long::eight-icas-at-limit";
  struct scenario s;
  struct recording r;
  struct cf_hs_result res;
  memset(&res, 0, sizeof(res));
  if (!load(&s, id)) {
    tap_ok(0, "%s builds", id);
    return;
  }
  if (tap_ok(record(&r, &s, &kTls12, 0), "%s: recorded (%s)", id, r.err)) {
    int all = 1;
    for (size_t i = 0; i <= s.c.num_intermediates; i++) {
      const struct cf_blob *b = i == 0 ? &s.c.leaf : &s.c.intermediates[i - 1];
      all &= contains(r.buf, r.len, b->data, b->len);
    }
    tap_ok(all, "%s: the server sent all %zu certificates as they are", id,
           1 + s.c.num_intermediates);
    tap_ok(replay(&res, &r, CF_HS_DEVICE) && !res.completed,
           "%s: the device client does not complete (%s)", id, res.native_text);
    cf_hs_result_free(&res);
  }
  recording_free(&r);
  free(s.der);
}

/* bench times |n| replays of valid::p256::ica1 per configuration. */
static int bench(int n) {
  static const struct {
    enum cf_hs_config cfg;
    const char *name;
  } kConfigs[] = {
      {CF_HS_DEVICE, "CF_HS_DEVICE"},
      {CF_HS_BASELINE_ACCEPT_ANY, "CF_HS_BASELINE_ACCEPT_ANY"},
  };
  static const char *const kIds[] = {"valid::p256::ica1", "valid::rsa2048::ica1"};
  for (size_t k = 0; k < sizeof(kIds) / sizeof(kIds[0]); k++) {
    struct scenario s;
    struct recording r;
    if (!load(&s, kIds[k]) || !record(&r, &s, &kTls12, 0)) {
      fprintf(stderr, "bench: cannot record %s\n", kIds[k]);
      return 1;
    }
    for (size_t i = 0; i < sizeof(kConfigs) / sizeof(kConfigs[0]); i++) {
      struct cf_hs_result res;
      struct timespec a, b, ca, cb;
      int done = 0;
      memset(&res, 0, sizeof(res));
      clock_gettime(CLOCK_MONOTONIC, &a);
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
      for (int j = 0; j < n; j++) {
        if (!replay(&res, &r, kConfigs[i].cfg)) {
          return 1;
        }
        done += res.completed;
        cf_hs_result_free(&res);
      }
      clock_gettime(CLOCK_MONOTONIC, &b);
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
      double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
      double cpu = (double)(cb.tv_sec - ca.tv_sec) + (double)(cb.tv_nsec - ca.tv_nsec) / 1e9;
      printf("%s %s: %d replays (%d completed): wall %.3f s, CPU %.3f s, "
             "%.3f ms CPU/replay\n",
             kIds[k], kConfigs[i].name, n, done, secs, cpu, cpu * 1e3 / n);
    }
    recording_free(&r);
    free(s.der);
  }
  return 0;
}

int main(int argc, char **argv) {
  char err[256];
  if (!cf_pool_load(&g_pool, "certgen/keys", err, sizeof(err))) {
    tap_ok(0, "load the key pool: %s", err);
    return tap_done();
  }
  if (argc == 3 && strcmp(argv[1], "--bench") == 0) {
    int rc = bench(atoi(argv[2]));
    cf_pool_free(&g_pool);
    return rc;
  }
  if (argc != 1) {
    fprintf(stderr, "usage: %s [--bench N] (run from the repository root)\n", argv[0]);
    return 2;
  }

  test_valid("valid::p256::ica1", 1);
  test_valid("valid::rsa2048::ica1", 0);

  static const enum cf_hs_config kLax[] = {
      CF_HS_MISCONF_VERIFY_NONE, CF_HS_MISCONF_OPTIONAL_UNCHECKED,
      CF_HS_BASELINE_ACCEPT_ANY};
  test_bad_chain("iot::expired-leaf", "EXPIRED", CF_HS_MISCONF_VERIFY_NONE, kLax,
                 sizeof(kLax) / sizeof(kLax[0]));
  static const enum cf_hs_config kNoName[] = {CF_HS_MISCONF_NO_HOSTNAME};
  test_bad_chain("iot::wrong-host", "CN_MISMATCH", CF_HS_MISCONF_NO_HOSTNAME,
                 kNoName, 1);
  /* Max depth: mbedTLS accepts the path; the device's depth check (on
   * the verify callback's count) closes the connection; OPTIONAL_UNCHECKED
   * reads nothing and completes. */
  static const enum cf_hs_config kUnchecked[] = {CF_HS_MISCONF_OPTIONAL_UNCHECKED};
  test_bad_chain("iot::depth-max-1-two-icas", "max depth",
                 CF_HS_MISCONF_OPTIONAL_UNCHECKED, kUnchecked, 1);

  test_resumption();
  test_server_choices();
  test_tls13_only();
  test_unservable();
  test_unparsable();

  cf_pool_free(&g_pool);
  return tap_done();
}
