/* hs_boringssl_test — handshake/boringssl.c: the recorder's transcripts
 * replay through cf_hs_boringssl_client_run (TLS 1.2, TLS 1.3, TLS 1.3 with
 * a HelloRetryRequest, resumption in both), byte for byte the same on every
 * run; the device client rejects what it must and the misconfigurations
 * accept it.
 *
 * With CF_HS_BENCH=N in the environment it only times N replays of one
 * TLS 1.3 transcript in CF_HS_DEVICE and CF_HS_BASELINE_ACCEPT_ANY and
 * prints the figures (scenario: CF_HS_BENCH_ID, default
 * valid::p256::ica1). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chainfuzz/case.h"
#include "chainfuzz/handshake.h"
#include "chainfuzz/transcript.h"
#include "chainfuzz/validator.h"
#include "chainfuzz/verdict.h"
#include "keypool.h"
#include "hs_test.h"
#include "scenario_verdict.h"
#include "tap.h"

static struct cf_pool g_pool;

/* recording is one recorded transcript and its parse. */
struct recording {
  uint8_t *der; /* the DEVICE case's backing buffer */
  uint8_t *bytes;
  size_t len;
  struct cf_transcript t;
  struct cf_case device;
};

static void recording_free(struct recording *r) {
  free(r->der);
  free(r->bytes);
  memset(r, 0, sizeof(*r));
}

/* record builds scenario |id|, lets |mutate| change the case, and records
 * it with |srv|. Returns 1 with |*r| filled. */
static int record(struct recording *r, const char *id,
                  void (*mutate)(struct cf_case *), uint32_t options,
                  const struct cf_hs_server_config *srv) {
  char err[256] = "";
  memset(r, 0, sizeof(*r));
  if (!cf_test_scenario_case(&r->device, &r->der, &g_pool, id)) {
    printf("# scenario %s does not build\n", id);
    return 0;
  }
  if (mutate != NULL) {
    mutate(&r->device);
  }
  if (!cf_hs_boringssl_record(&r->bytes, &r->len, &r->device, options, srv,
                              err, sizeof(err))) {
    printf("# record %s: %s\n", id, err);
    return 0;
  }
  enum cf_transcript_status s = cf_transcript_parse(&r->t, NULL, r->bytes,
                                                    r->len);
  if (s != CF_TRANSCRIPT_OK) {
    printf("# record %s: transcript does not parse: %s\n", id,
           cf_transcript_status_string(s));
    return 0;
  }
  return 1;
}

/* count_msgs counts messages of |type| sent by |from_server|. */
static size_t count_msgs(const struct cf_hs_result *res, int from_server,
                         uint8_t type) {
  size_t n = 0;
  for (size_t i = 0; i < res->msgs.num_msgs; i++) {
    const struct cf_hs_msg *m = &res->msgs.msgs[i];
    if (m->from_server == from_server && m->len > 0 && m->data[0] == type) {
      n++;
    }
  }
  return n;
}

/* same_run says whether two results of the same transcript are identical
 * (completion, version, cipher, every logged message). */
static int same_run(const struct cf_hs_result *a,
                    const struct cf_hs_result *b) {
  if (a->completed != b->completed || a->version != b->version ||
      a->cipher != b->cipher || a->msgs.num_msgs != b->msgs.num_msgs) {
    return 0;
  }
  for (size_t i = 0; i < a->msgs.num_msgs; i++) {
    if (a->msgs.msgs[i].len != b->msgs.msgs[i].len ||
        a->msgs.msgs[i].from_server != b->msgs.msgs[i].from_server ||
        memcmp(a->msgs.msgs[i].data, b->msgs.msgs[i].data,
               a->msgs.msgs[i].len) != 0) {
      return 0;
    }
  }
  return 1;
}

static const char *const kValid[] = {
    "valid::p256::ica1",    /* ECDSA P-256, one intermediate */
    "valid::rsa2048::ica0", /* RSA-2048, leaf under the root */
};

struct server_case {
  const char *what;
  uint32_t options;
  struct cf_hs_server_config srv;
  uint16_t version;
  int hrr;
};

static const struct server_case kServers[] = {
    {"TLS 1.2", 0, {0x0303, 0, 0, 0, CF_HS_DEVICE}, 0x0303, 0},
    {"TLS 1.3", 0, {0x0304, 0, 0, 0, CF_HS_DEVICE}, 0x0304, 0},
    {"TLS 1.3 + HRR P-256", 0, {0x0304, 23, 0, 0, CF_HS_DEVICE}, 0x0304, 1},
    {"TLS 1.3 + HRR P-384", 0, {0x0304, 24, 0, 0, CF_HS_DEVICE}, 0x0304, 1},
    {"TLS 1.2 resumed", 0, {0x0303, 0, 0, 1, CF_HS_DEVICE}, 0x0303, 0},
    {"TLS 1.3 resumed", 0, {0x0304, 0, 0, 1, CF_HS_DEVICE}, 0x0304, 0},
    {"TLS 1.3 HRR resumed", 0, {0x0304, 24, 0, 1, CF_HS_DEVICE}, 0x0304, 1},
    {"TLS 1.2 client option max 1.2", CF_HS_OPT_MAX_TLS12,
     {0x0303, 0, 0, 0, CF_HS_DEVICE},
     0x0303, 0},
    {"TLS 1.3 client option min 1.3", CF_HS_OPT_MIN_TLS13,
     {0x0304, 0, 0, 0, CF_HS_DEVICE},
     0x0304, 0},
    {"TLS 1.2 P-384 ECDHE", 0, {0x0303, 24, 0, 0, CF_HS_DEVICE}, 0x0303, 0},
};

static void test_valid(void) {
  for (size_t i = 0; i < sizeof(kValid) / sizeof(kValid[0]); i++) {
    for (size_t j = 0; j < sizeof(kServers) / sizeof(kServers[0]); j++) {
      const struct server_case *sc = &kServers[j];
      struct recording r, again;
      struct cf_hs_result a, b;
      memset(&a, 0, sizeof(a));
      memset(&b, 0, sizeof(b));
      if (!tap_ok(record(&r, kValid[i], NULL, sc->options, &sc->srv),
                  "%s %s: records", kValid[i], sc->what)) {
        continue;
      }
      if (tap_ok(record(&again, kValid[i], NULL, sc->options, &sc->srv),
                 "%s %s: records again", kValid[i], sc->what)) {
        if (again.len != r.len || memcmp(again.bytes, r.bytes, r.len) != 0) {
          size_t k = 0;
          while (k < r.len && k < again.len && r.bytes[k] == again.bytes[k]) {
            k++;
          }
          printf("# recordings differ from byte %zu (lengths %zu, %zu)\n", k,
                 r.len, again.len);
        }
        tap_ok(again.len == r.len && memcmp(again.bytes, r.bytes, r.len) == 0,
               "%s %s: the recording is deterministic", kValid[i], sc->what);
        recording_free(&again);
      }
      tap_ok(r.t.num_connections == (sc->srv.resume ? 2u : 1u),
             "%s %s: %zu connection(s)", kValid[i], sc->what,
             r.t.num_connections);
      int ran = cf_hs_boringssl_client_run(&a, &r.t, CF_HS_DEVICE);
      tap_ok(ran && a.completed, "%s %s: replay completes (%s)", kValid[i],
             sc->what, a.native_text);
      tap_ok(a.version == sc->version, "%s %s: version %04x", kValid[i],
             sc->what, a.version);
      tap_ok(cf_test_same_chain(&a, &r.device), "%s %s: peer chain is the case's",
             kValid[i], sc->what);
      tap_ok(a.msgs_complete && count_msgs(&a, 0, 1) == 1u + (size_t)sc->hrr &&
                 count_msgs(&a, 1, 2) == 1u + (size_t)sc->hrr &&
                 count_msgs(&a, 1, 11) == 1,
             "%s %s: message log: %zu ClientHello, %zu ServerHello, "
             "Certificate", kValid[i], sc->what, count_msgs(&a, 0, 1),
             count_msgs(&a, 1, 2));
      if (sc->srv.resume) {
        tap_ok(r.t.server_bytes[1] > 0 &&
                   r.t.server_bytes[1] + 300 < r.t.server_bytes[0],
               "%s %s: second connection is resumed (%zu vs %zu server "
               "bytes)", kValid[i], sc->what, r.t.server_bytes[1],
               r.t.server_bytes[0]);
      }
      ran = cf_hs_boringssl_client_run(&b, &r.t, CF_HS_DEVICE);
      tap_ok(ran && same_run(&a, &b), "%s %s: a second replay is identical",
             kValid[i], sc->what);
      cf_hs_result_free(&b);
      ran = cf_hs_boringssl_client_run(&b, &r.t, CF_HS_BASELINE_ACCEPT_ANY);
      tap_ok(ran && b.completed, "%s %s: accept-any baseline completes",
             kValid[i], sc->what);
      cf_hs_result_free(&a);
      cf_hs_result_free(&b);
      recording_free(&r);
    }
  }
}

/* check_rejects replays |r| in CF_HS_DEVICE (must fail, with |why| in the
 * native text) and |misconf| (must complete). */
static void check_rejects(struct recording *r, const char *what,
                          const char *why, enum cf_hs_config misconf) {
  struct cf_hs_result res;
  memset(&res, 0, sizeof(res));
  int ran = cf_hs_boringssl_client_run(&res, &r->t, CF_HS_DEVICE);
  tap_ok(ran && !res.completed && strstr(res.native_text, why) != NULL,
         "%s: device rejects (%s)", what, res.native_text);
  cf_hs_result_free(&res);
  ran = cf_hs_boringssl_client_run(&res, &r->t, misconf);
  tap_ok(ran && res.completed, "%s: misconfiguration %d completes (%s)", what,
         (int)misconf, res.native_text);
  cf_hs_result_free(&res);
}

static void wrong_name(struct cf_case *c) {
  cf_profile_set_dns_name(&c->profile, "wrong.example", 13);
}

static void test_reject(void) {
  struct recording r;
  static const struct cf_hs_server_config k12 = {0x0303, 0, 0, 0, CF_HS_DEVICE};
  static const struct cf_hs_server_config k13 = {0x0304, 0, 0, 0, CF_HS_DEVICE};

  /* An expired leaf, recorded as it is: TLS 1.3's server flight is complete
   * before the client's verdict, so a client that does not verify finishes. */
  if (tap_ok(record(&r, "iot::expired-leaf", NULL, 0, &k13),
             "expired leaf TLS 1.3: records (flight up to the alert)")) {
    check_rejects(&r, "expired leaf TLS 1.3", "certificate has expired",
                  CF_HS_MISCONF_VERIFY_NONE);
    recording_free(&r);
  }
  if (tap_ok(record(&r, "iot::expired-leaf", NULL, 0, &k12),
             "expired leaf TLS 1.2: records")) {
    struct cf_hs_result res;
    memset(&res, 0, sizeof(res));
    int ran = cf_hs_boringssl_client_run(&res, &r.t, CF_HS_DEVICE);
    tap_ok(ran && !res.completed &&
               strstr(res.native_text, "certificate has expired") != NULL,
           "expired leaf TLS 1.2: device rejects (%s)", res.native_text);
    cf_hs_result_free(&res);
    recording_free(&r);
  }
  /* hsrecord's way: the recording client does not verify, so the TLS 1.2
   * server finishes its side; the device still rejects on replay. */
  static const struct cf_hs_server_config k12_none = {
      0x0303, 0, 0, 0, CF_HS_MISCONF_VERIFY_NONE};
  static const struct cf_hs_server_config k12_none_resume = {
      0x0303, 0, 0, 1, CF_HS_MISCONF_VERIFY_NONE};
  if (tap_ok(record(&r, "iot::expired-leaf", NULL, 0, &k12_none),
             "expired leaf TLS 1.2, recorded without verification: records")) {
    check_rejects(&r, "expired leaf TLS 1.2 (recorded verify none)",
                  "certificate has expired", CF_HS_MISCONF_VERIFY_NONE);
    recording_free(&r);
  }
  if (tap_ok(record(&r, "iot::expired-leaf", NULL, 0, &k12_none_resume),
             "expired leaf TLS 1.2 resumed, recorded without verification: "
             "records")) {
    tap_ok(r.t.num_connections == 2, "expired leaf TLS 1.2 resumed: 2 "
           "connections");
    check_rejects(&r, "expired leaf TLS 1.2 resumed (recorded verify none)",
                  "certificate has expired", CF_HS_MISCONF_VERIFY_NONE);
    recording_free(&r);
  }
  if (tap_ok(record(&r, "valid::p256::ica1", wrong_name, 0, &k12_none),
             "wrong name TLS 1.2, recorded without verification: records")) {
    check_rejects(&r, "wrong name TLS 1.2", "Hostname mismatch",
                  CF_HS_MISCONF_NO_HOSTNAME);
    recording_free(&r);
  }
  /* TLS 1.2 needs the server's Finished, which a rejecting client never
   * gets: record a valid chain, then move the device's clock past the
   * leaf's expiry in the parsed transcript (the clock is in no message). */
  for (int v = 0; v < 2; v++) {
    const char *what = v == 0 ? "valid chain, clock 2040, TLS 1.2"
                              : "valid chain, clock 2040, TLS 1.3";
    if (tap_ok(record(&r, "valid::p256::ica1", NULL, 0, v == 0 ? &k12 : &k13),
               "%s: records", what)) {
      r.t.device.profile.clock = CF_CLOCK_SET;
      r.t.device.profile.time = INT64_C(2208988800); /* 2040-01-01 */
      check_rejects(&r, what, "certificate has expired",
                    CF_HS_MISCONF_VERIFY_NONE);
      recording_free(&r);
    }
  }
  /* A name the certificate does not carry (SNI included, so the recording
   * has it): the client that checks no name finishes. */
  if (tap_ok(record(&r, "valid::p256::ica1", wrong_name, 0, &k13),
             "wrong name TLS 1.3: records")) {
    check_rejects(&r, "wrong name TLS 1.3", "Hostname mismatch",
                  CF_HS_MISCONF_NO_HOSTNAME);
    check_rejects(&r, "wrong name TLS 1.3 (verify none)", "Hostname mismatch",
                  CF_HS_MISCONF_VERIFY_NONE);
    struct cf_hs_result res;
    memset(&res, 0, sizeof(res));
    tap_ok(cf_hs_boringssl_client_run(&res, &r.t,
                                      CF_HS_MISCONF_OPTIONAL_UNCHECKED) == 0,
           "OPTIONAL_UNCHECKED is not applicable to BoringSSL: setup fails");
    cf_hs_result_free(&res);
    recording_free(&r);
  }
}

/* test_truncated replays every prefix length class of a transcript's
 * server stream: the client never hangs and never completes early. */
static void test_truncated(void) {
  struct recording r;
  static const struct cf_hs_server_config k13 = {0x0304, 0, 0, 0, CF_HS_DEVICE};
  if (!tap_ok(record(&r, "valid::p256::ica1", NULL, 0, &k13),
              "truncation: records")) {
    return;
  }
  int early = 0, failed = 0;
  size_t n = r.t.num_server_data[0];
  for (size_t k = 0; k + 1 < n; k++) {
    struct cf_transcript t = r.t;
    t.num_server_data[0] = k;
    struct cf_hs_result res;
    memset(&res, 0, sizeof(res));
    if (!cf_hs_boringssl_client_run(&res, &t, CF_HS_DEVICE)) {
      failed++;
    } else if (res.completed) {
      early++;
    }
    cf_hs_result_free(&res);
  }
  tap_ok(failed == 0 && early == 0,
         "truncation: %zu prefixes, none completes, none fails to run", n - 1);
  recording_free(&r);
}

/* now_seconds is the thread's CPU time: the machine is shared, and other
 * processes change wall time far more than CPU time. */
static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench(long n, const char *id) {
  struct recording r;
  static const struct cf_hs_server_config k13 = {0x0304, 0, 0, 0, CF_HS_DEVICE};
  if (!record(&r, id, NULL, 0, &k13)) {
    tap_ok(0, "bench: records");
    return;
  }
  static const enum cf_hs_config kCfgs[] = {CF_HS_DEVICE,
                                            CF_HS_BASELINE_ACCEPT_ANY};
  /* Alternate the two in 20 blocks of n/10 runs and keep each one's
   * fastest block: noise only ever adds time. */
  double per[2] = {1e9, 1e9};
  long block_runs = n / 10 > 0 ? n / 10 : 1;
  int ok = 1;
  for (int block = 0; block < 21; block++) {
    for (int c = 0; c < 2; c++) {
      struct cf_hs_result res;
      memset(&res, 0, sizeof(res));
      double t0 = now_seconds();
      for (long i = 0; i < block_runs; i++) {
        ok &= cf_hs_boringssl_client_run(&res, &r.t, kCfgs[c]) && res.completed;
        cf_hs_result_free(&res);
      }
      double t = (now_seconds() - t0) / (double)block_runs;
      if (block > 0 && t < per[c]) { /* block 0 warms up */
        per[c] = t;
      }
    }
  }
  for (int c = 0; c < 2; c++) {
    tap_ok(ok, "bench: %ld replays of a TLS 1.3 transcript (%s), %s: "
           "%.1f us CPU each, %.0f/s (best block of %ld)", 20 * block_runs, id,
           c == 0 ? "CF_HS_DEVICE" : "CF_HS_BASELINE_ACCEPT_ANY", per[c] * 1e6,
           1.0 / per[c], block_runs);
  }
  printf("# bench: device/accept-any time ratio %.3f\n", per[0] / per[1]);
  /* What verification alone costs: the chain adapter on the same case. */
  struct cf_verdict v;
  double t0 = now_seconds();
  for (long i = 0; i < n; i++) {
    cf_boringssl_verify(&v, &r.device);
  }
  printf("# bench: cf_boringssl_verify on the same case: %.1f us each (%s)\n",
         (now_seconds() - t0) / (double)n * 1e6,
         v.decision == CF_ACCEPT ? "accept" : "not accept");
  recording_free(&r);
}

int main(void) {
  char err[256];
  if (!cf_pool_load(&g_pool, "certgen/keys", err, sizeof(err))) {
    tap_ok(0, "load the key pool: %s", err);
    return tap_done();
  }
  const char *b = getenv("CF_HS_BENCH");
  if (b != NULL && atol(b) > 0) {
    const char *id = getenv("CF_HS_BENCH_ID");
    bench(atol(b), id != NULL ? id : "valid::p256::ica1"); /* alone */
  } else {
    test_valid();
    test_reject();
    test_truncated();
  }
  cf_pool_free(&g_pool);
  return tap_done();
}
