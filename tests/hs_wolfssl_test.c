/* hs_wolfssl_test — the wolfSSL device client and recorder
 * (handshake/wolfssl.c): catalogue chains are recorded with a wolfSSL
 * server in TLS 1.2 and 1.3 (and with a HelloRetryRequest, and TLS 1.2
 * resumption), then replayed through cf_hs_wolfssl_client_run. The replay
 * completing proves the recorder's client and the replaying client send the
 * same bytes (the constant RNG seed and the case's clock); valid chains
 * complete with the served chain as peer_certs, an expired leaf does not
 * (CF_HS_DEVICE) but does with verification off, a wrong name completes
 * only without the host name check. Run from the repository root. */
#include <stdlib.h>
#include <string.h>

#include "chainfuzz/case.h"
#include "chainfuzz/handshake.h"
#include "chainfuzz/transcript.h"
#include "keypool.h"
#include "hs_test.h"
#include "scenario_verdict.h"
#include "tap.h"

static struct cf_pool g_pool;

/* The TLS 1.3 HelloRetryRequest's ServerHello.random (RFC 8446 4.1.3). */
static const uint8_t kHrrRandom[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
    0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
    0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

/* record_case records scenario |id| (after |mutate|, may be NULL) and
 * returns the transcript (free it), or NULL. */
static uint8_t *record_case(size_t *out_len, const char *id,
                            void (*mutate)(struct cf_case *), uint32_t options,
                            const struct cf_hs_server_config *srv) {
  struct cf_case c;
  uint8_t *der = NULL, *out = NULL;
  char err[256] = "";

  *out_len = 0;
  if (!cf_test_scenario_case(&c, &der, &g_pool, id)) {
    printf("# %s: scenario does not build\n", id);
    free(der);
    return NULL;
  }
  if (mutate != NULL) {
    mutate(&c);
  }
  if (!cf_hs_wolfssl_record(&out, out_len, &c, options, srv, err,
                            sizeof(err))) {
    printf("# %s: record failed: %s\n", id, err);
    out = NULL;
  }
  free(der);
  return out;
}

/* replay runs the client on |in| with |cfg|: 1 with |*r| filled. */
static int replay(struct cf_hs_result *r, struct cf_transcript *t,
                  const uint8_t *in, size_t in_len, enum cf_hs_config cfg) {
  memset(r, 0, sizeof(*r));
  if (in == NULL ||
      cf_transcript_parse(t, NULL, in, in_len) != CF_TRANSCRIPT_OK) {
    return 0;
  }
  return cf_hs_wolfssl_client_run(r, t, cfg);
}

static void wrong_name(struct cf_case *c) {
  cf_profile_set_dns_name(&c->profile, "wrong.example.net",
                          strlen("wrong.example.net"));
}

static void test_valid(const char *id, uint16_t version, uint32_t options) {
  struct cf_hs_server_config srv = {version, 0, 0, 0, CF_HS_DEVICE};
  struct cf_transcript t;
  struct cf_hs_result r;
  size_t len = 0, len2 = 0;
  uint8_t *in = record_case(&len, id, NULL, options, &srv);
  uint8_t *again = record_case(&len2, id, NULL, options, &srv);

  tap_ok(in != NULL, "%s v%04x opts %u: recorded", id, version, options);
  size_t diff = 0;
  while (in != NULL && again != NULL && diff < len && diff < len2 &&
         in[diff] == again[diff]) {
    diff++;
  }
  tap_ok(
      in != NULL && again != NULL && len == len2 && diff == len,
      "%s v%04x opts %u: recording twice gives the same bytes (%zu/%zu, first "
      "difference at %zu)",
      id, version, options, len, len2, diff);
  int ran = replay(&r, &t, in, len, CF_HS_DEVICE);
  tap_ok(ran && r.completed && r.version == version,
         "%s v%04x opts %u: the device completes in 0x%04x (%d %s)", id,
         version, options, r.version, r.native_code, r.native_text);
  tap_ok(ran && cf_test_same_chain(&r, &t.device),
         "%s v%04x: peer chain is the served chain (%zu)", id, version,
         r.num_peer_certs);
  if (version == 0x0303) {
    tap_ok(ran && r.msgs_complete && r.msgs.num_msgs >= 6,
           "%s TLS 1.2: message log complete (%zu messages)", id,
           r.msgs.num_msgs);
    char detail[160] = "";
    enum cf_hs_sig_status s =
        ran ? cf_hs_sig_check(detail, sizeof(detail), &r.msgs)
            : CF_HS_SIG_NOT_APPLICABLE;
    tap_ok(s == CF_HS_SIG_OK,
           "%s TLS 1.2: ServerKeyExchange signature checks (%d %s)", id, (int)s,
           detail);
  } else {
    tap_ok(ran && !r.msgs_complete,
           "%s TLS 1.3: no message log (msgs_complete 0)", id);
  }
  cf_hs_result_free(&r);
  /* Replaying twice gives the same result (no state left behind). */
  ran = replay(&r, &t, in, len, CF_HS_DEVICE);
  tap_ok(ran && r.completed, "%s v%04x: a second replay completes too", id,
         version);
  cf_hs_result_free(&r);
  ran = replay(&r, &t, in, len, CF_HS_BASELINE_ACCEPT_ANY);
  tap_ok(ran && r.completed, "%s v%04x: the accept-any baseline completes", id,
         version);
  cf_hs_result_free(&r);
  free(in);
  free(again);
}

static void test_expired(uint16_t version) {
  /* Recorded with a client that verifies nothing: in TLS 1.2 the device
   * would stop at the server's first flight, and VERIFY_NONE needs the
   * server's Finished too. wolfSSL's ClientHello does not depend on it. */
  struct cf_hs_server_config srv = {version, 0, 0, 0,
                                    CF_HS_MISCONF_VERIFY_NONE};
  struct cf_transcript t;
  struct cf_hs_result r;
  size_t len = 0;
  uint8_t *in = record_case(&len, "iot::expired-leaf", NULL, 0, &srv);

  tap_ok(in != NULL, "expired leaf v%04x: recorded", version);
  int ran = replay(&r, &t, in, len, CF_HS_DEVICE);
  tap_ok(ran && !r.completed && r.native_code != 0,
         "expired leaf v%04x: the device does not complete (%d %s)", version,
         r.native_code, r.native_text);
  cf_hs_result_free(&r);
  ran = replay(&r, &t, in, len, CF_HS_MISCONF_VERIFY_NONE);
  tap_ok(ran && r.completed && cf_test_same_chain(&r, &t.device),
         "expired leaf v%04x: VERIFY_NONE completes with the chain (%d %s)",
         version, r.native_code, r.native_text);
  cf_hs_result_free(&r);
  ran = replay(&r, &t, in, len, CF_HS_MISCONF_NO_HOSTNAME);
  tap_ok(ran && !r.completed, "expired leaf v%04x: NO_HOSTNAME still verifies",
         version);
  cf_hs_result_free(&r);
  free(in);
}

static void test_wrong_name(uint16_t version) {
  struct cf_hs_server_config srv = {version, 0, 0, 0,
                                    CF_HS_MISCONF_NO_HOSTNAME};
  struct cf_transcript t;
  struct cf_hs_result r;
  size_t len = 0;
  uint8_t *in = record_case(&len, "valid::p256::ica1", wrong_name, 0, &srv);

  tap_ok(in != NULL, "wrong name v%04x: recorded", version);
  int ran = replay(&r, &t, in, len, CF_HS_DEVICE);
  tap_ok(ran && !r.completed,
         "wrong name v%04x: the device does not complete (%d %s)", version,
         r.native_code, r.native_text);
  cf_hs_result_free(&r);
  ran = replay(&r, &t, in, len, CF_HS_MISCONF_NO_HOSTNAME);
  tap_ok(ran && r.completed, "wrong name v%04x: NO_HOSTNAME completes (%d %s)",
         version, r.native_code, r.native_text);
  cf_hs_result_free(&r);
  free(in);
}

static void test_hrr(void) {
  struct cf_hs_server_config srv = {0x0304, 0x0017 /* P-256 */, 0, 0,
                                    CF_HS_DEVICE};
  struct cf_transcript t;
  struct cf_hs_result r;
  size_t len = 0;
  uint8_t *in = record_case(&len, "valid::p256::ica1", NULL, 0, &srv);
  int ran = replay(&r, &t, in, len, CF_HS_DEVICE);
  /* The first server record: handshake header, ServerHello(2), u24,
   * legacy_version (2), random (32). */
  const struct cf_blob *first =
      ran && t.num_server_data[0] > 0 ? &t.server_data[0][0] : NULL;
  tap_ok(first != NULL && first->len >= 5 + 4 + 2 + 32 && first->data[5] == 2 &&
             memcmp(first->data + 11, kHrrRandom, 32) == 0,
         "HRR to P-256: the server's first message is a HelloRetryRequest");
  tap_ok(ran && r.completed && r.version == 0x0304,
         "HRR to P-256: the device completes after the retry (%d %s)",
         r.native_code, r.native_text);
  cf_hs_result_free(&r);
  free(in);
}

static void test_resume(void) {
  struct cf_hs_server_config srv = {0x0303, 0, 0, 1, CF_HS_DEVICE};
  struct cf_transcript t;
  struct cf_hs_result r;
  size_t len = 0;
  uint8_t *in = record_case(&len, "valid::p256::ica1", NULL, 0, &srv);
  int ran = replay(&r, &t, in, len, CF_HS_DEVICE);
  tap_ok(ran && t.num_connections == 2,
         "TLS 1.2 resumption: two connections recorded");
  /* A resumed TLS 1.2 connection: ServerHello, ChangeCipherSpec, Finished
   * (no Certificate): far fewer bytes than the first. */
  tap_ok(
      ran && t.server_bytes[1] > 0 && t.server_bytes[1] < t.server_bytes[0] / 2,
      "TLS 1.2 resumption: the second connection is abbreviated (%zu < %zu "
      "bytes)",
      ran ? t.server_bytes[1] : 0, ran ? t.server_bytes[0] : 0);
  tap_ok(ran && r.completed && cf_test_same_chain(&r, &t.device),
         "TLS 1.2 resumption: the device completes both connections (%d %s)",
         r.native_code, r.native_text);
  cf_hs_result_free(&r);
  free(in);

  struct cf_hs_server_config srv13 = {0x0304, 0, 0, 1, CF_HS_DEVICE};
  char err[160] = "";
  uint8_t *out = NULL;
  size_t out_len = 0;
  struct cf_case c;
  uint8_t *der = NULL;
  int built = cf_test_scenario_case(&c, &der, &g_pool, "valid::p256::ica1");
  tap_ok(built &&
             !cf_hs_wolfssl_record(&out, &out_len, &c, 0, &srv13, err,
                                   sizeof(err)) &&
             err[0] != '\0',
         "TLS 1.3 resumption: refused with a reason (%s)", err);
  free(out);
  free(der);
}

static void test_not_applicable(void) {
  struct cf_hs_server_config srv = {0x0303, 0, 0, 0, CF_HS_DEVICE};
  struct cf_transcript t;
  struct cf_hs_result r;
  size_t len = 0;
  uint8_t *in = record_case(&len, "valid::p256::ica1", NULL, 0, &srv);
  memset(&r, 0, sizeof(r));
  int parsed =
      in != NULL && cf_transcript_parse(&t, NULL, in, len) == CF_TRANSCRIPT_OK;
  tap_ok(
      parsed &&
          !cf_hs_wolfssl_client_run(&r, &t, CF_HS_MISCONF_OPTIONAL_UNCHECKED),
      "OPTIONAL_UNCHECKED: not applicable to wolfSSL (client_run returns 0)");
  free(in);
}

/* anchor_with_trailing_bytes: the anchor blob with two bytes after its
 * certificate (wolfSSL loads the certificate and ignores them) and a
 * device that allows no intermediate. */
static void anchor_with_trailing_bytes(struct cf_case *c) {
  static uint8_t buf[8192];
  if (c->num_anchors == 0 || c->anchors[0].len + 2 > sizeof(buf)) {
    return;
  }
  memcpy(buf, c->anchors[0].data, c->anchors[0].len);
  buf[c->anchors[0].len] = 0x05;
  buf[c->anchors[0].len + 1] = 0x00;
  c->anchors[0].data = buf;
  c->anchors[0].len += 2;
  c->profile.max_depth = 0;
}

/* The max-depth walk stops at an anchor named by the case even when the
 * case's blob has bytes after the certificate (cf_blob_match, as the
 * validator adapter does): the intermediate the device trusts is no
 * intermediate of the path. */
static void test_anchor_trailing(uint16_t version) {
  struct cf_hs_server_config srv = {version, 0, 0, 0, CF_HS_DEVICE};
  struct cf_transcript t;
  struct cf_hs_result r;
  size_t len = 0;
  uint8_t *in = record_case(&len, "valid::misc::anchor-is-intermediate-partial",
                            anchor_with_trailing_bytes, 0, &srv);
  int ran = replay(&r, &t, in, len, CF_HS_DEVICE);
  tap_ok(in != NULL && ran && r.completed,
         "trusted intermediate with trailing bytes, max depth 0, v%04x: the "
         "device completes (%d %s)",
         version, r.native_code, r.native_text);
  if (ran) {
    cf_hs_result_free(&r);
  }
  free(in);
}

int main(void) {
  char err[256];
  if (!cf_pool_load(&g_pool, "certgen/keys", err, sizeof(err))) {
    printf("Bail out! key pool: %s\n", err);
    return 1;
  }
  test_valid("valid::p256::ica1", 0x0303, 0);
  test_valid("valid::p256::ica1", 0x0304, 0);
  test_valid("valid::p256::ica1", 0x0303, CF_HS_OPT_MAX_TLS12);
  test_valid("valid::p256::ica1", 0x0304, CF_HS_OPT_MIN_TLS13);
  test_valid("valid::rsa2048::ica1", 0x0303, 0);
  test_valid("valid::rsa2048::ica1", 0x0304, 0);
  test_expired(0x0303);
  test_expired(0x0304);
  test_wrong_name(0x0303);
  test_wrong_name(0x0304);
  test_hrr();
  test_resume();
  test_not_applicable();
  test_anchor_trailing(0x0303);
  test_anchor_trailing(0x0304);
  cf_pool_free(&g_pool);
  return tap_done();
}
