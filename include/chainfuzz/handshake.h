/* handshake.h — the device's TLS client in three libraries, driven by a
 * transcript (transcript.h), and the oracles that judge a completed
 * handshake. Used by the handshake_client_<lib> targets (targets/) and by
 * the seed recorder (hsrecord, handshake/record_cli.c).
 *
 * The device client, the same in every library as far as the library
 * allows (each handshake/<lib>.c documents its deviations):
 *  - verification required, the DEVICE case's trust anchors, its clock
 *    (validity checked against cf_profile_effective_time), its expected DNS
 *    name sent as SNI and checked against the certificate (IP: checked, no
 *    SNI), its purpose and depth;
 *  - TLS 1.2 and 1.3 (CF_HS_OPT_* narrow it); TLS 1.2 suites ECDHE-ECDSA
 *    and ECDHE-RSA with AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305;
 *    TLS 1.3's default suites; groups X25519, P-256, P-384 (key share for
 *    X25519); the library's default signature algorithms;
 *  - deterministic: randomness is reset before every run, and the clock is
 *    the case's, so a transcript replays byte for byte.
 *
 * A run never touches the network or the file system. */
#ifndef CHAINFUZZ_HANDSHAKE_H
#define CHAINFUZZ_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#include "chainfuzz/case.h"
#include "chainfuzz/transcript.h"
#include "chainfuzz/validator.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cf_hs_config is how the device client is configured: correctly, or with
 * one of the misconfigurations devices really ship, for the *_negative
 * canary targets the oracle must catch. */
enum cf_hs_config {
  CF_HS_DEVICE = 0,
  /* Verification off (SSL_VERIFY_NONE, MBEDTLS_SSL_VERIFY_NONE,
   * WOLFSSL_VERIFY_NONE). */
  CF_HS_MISCONF_VERIFY_NONE = 1,
  /* mbedTLS: MBEDTLS_SSL_VERIFY_OPTIONAL and mbedtls_ssl_get_verify_result
   * never read. */
  CF_HS_MISCONF_OPTIONAL_UNCHECKED = 2,
  /* Verification on, but no expected host name given to the library (SNI
   * still sent). */
  CF_HS_MISCONF_NO_HOSTNAME = 3,
  /* Benchmark baseline, not a device: the client accepts any certificate
   * (what the libraries' own fuzzers do: verification off). */
  CF_HS_BASELINE_ACCEPT_ANY = 100,
};

#define CF_HS_MAX_PEER_CERTS 24
/* CF_HS_MAX_MSGS: plaintext handshake messages a run logs. */
#define CF_HS_MAX_MSGS 64

/* cf_hs_msg is one plaintext handshake message, header included
 * (type u8 || length u24 || body). */
struct cf_hs_msg {
  uint8_t from_server; /* 1: the server sent it; 0: the client */
  const uint8_t *data;
  size_t len;
};

/* cf_hs_msg_log is the ordered list of handshake messages of one
 * connection, copied into |buf|. */
struct cf_hs_msg_log {
  struct cf_hs_msg msgs[CF_HS_MAX_MSGS];
  size_t num_msgs;
  int overflow; /* a message did not fit: the log is incomplete */
  uint8_t *buf;
  size_t buf_len, buf_cap;
};

/* cf_hs_msg_log_add copies one message (header included) to the log. */
void cf_hs_msg_log_add(struct cf_hs_msg_log *log, int from_server,
                       const uint8_t *msg, size_t msg_len);
/* cf_hs_msg_log_reset empties the log and keeps its buffer. */
void cf_hs_msg_log_reset(struct cf_hs_msg_log *log);
/* cf_hs_msg_log_free frees the buffer. */
void cf_hs_msg_log_free(struct cf_hs_msg_log *log);
/* cf_hs_msg_log_from_wire fills |log| with the plaintext handshake messages
 * of a TLS 1.2 connection from its two byte streams (records of type 22 up
 * to each side's ChangeCipherSpec; messages reassembled across records),
 * for libraries with no message callback. Returns 1, or 0 if a stream is
 * malformed before its ChangeCipherSpec. */
int cf_hs_msg_log_from_wire(struct cf_hs_msg_log *log,
                            const uint8_t *client_bytes, size_t client_len,
                            const uint8_t *server_bytes, size_t server_len);

/* cf_hs_result is what one run of the device client did. */
struct cf_hs_result {
  /* 1 if the client completed the handshake of every connection of the
   * transcript (the one whose chain is judged is the first: a resumed
   * connection presents no certificate). */
  int completed;
  uint16_t version; /* negotiated on the first connection: 0x0303, 0x0304 */
  uint16_t cipher;  /* IANA cipher suite of the first connection */
  /* The certificates the server presented on the first connection, leaf
   * first, as the library received them (copies, owned by the result). */
  struct cf_blob peer_certs[CF_HS_MAX_PEER_CERTS];
  size_t num_peer_certs;
  /* Plaintext handshake messages of the first connection, when the library
   * can give them (BoringSSL's message callback; TLS 1.2 from the wire in
   * the others); |msgs_complete| says whether they are all there. */
  struct cf_hs_msg_log msgs;
  int msgs_complete;
  /* 1 when the client checked the chain for serverAuth whatever the
   * DEVICE profile's purpose says (a library that cannot be told another
   * purpose: wolfSSL): the chain oracle then judges for serverAuth too. */
  int purpose_forced_server_auth;
  /* Library-native outcome, for verbose output and findings. */
  int native_code;
  char native_text[160];
};

/* cf_hs_result_free frees what the result owns; the struct may be reused
 * after it. */
void cf_hs_result_free(struct cf_hs_result *r);
/* cf_hs_result_reset frees the peer certificates and empties the message
 * log but keeps the log's buffer, for the next run (a target's per-input
 * path: no allocation of the log per run). Every cf_hs_<lib>_client_run
 * keeps out->msgs' buffer too. */
void cf_hs_result_reset(struct cf_hs_result *r);

/* cf_hs_<lib>_client_run runs the device client, configured by |cfg| and
 * the transcript's DEVICE case and options, against the transcript's
 * server data. It returns 1 with |*out| filled (completed or not), or 0 if
 * the library could not even be set up (a bug of ours: the target
 * aborts). handshake/<lib>.c. */
int cf_hs_boringssl_client_run(struct cf_hs_result *out,
                               const struct cf_transcript *t,
                               enum cf_hs_config cfg);
int cf_hs_mbedtls_client_run(struct cf_hs_result *out,
                             const struct cf_transcript *t,
                             enum cf_hs_config cfg);
int cf_hs_wolfssl_client_run(struct cf_hs_result *out,
                             const struct cf_transcript *t,
                             enum cf_hs_config cfg);

/* cf_hs_server_config is what the recorder's server does. */
struct cf_hs_server_config {
  uint16_t version;  /* 0x0303 or 0x0304 */
  uint16_t group;    /* IANA group the server insists on (a HelloRetry-
                      * Request when the client did not share it); 0: any */
  uint16_t sigalg;   /* IANA signature scheme the server uses; 0: any */
  int resume;        /* 1: a second connection resumes the first's session */
  /* How the recording client is configured. hsrecord uses
   * CF_HS_MISCONF_VERIFY_NONE: the server plays the attacker and completes
   * its side whatever the client thinks of the chain (in TLS 1.2 its
   * ChangeCipherSpec and Finished come only after the client's second
   * flight), and verification changes nothing in the client's messages,
   * so the transcript replays against the device client and against every
   * misconfigured one. mbedTLS 2.28 sends no SNI under
   * CF_HS_MISCONF_NO_HOSTNAME: its ClientHello differs, so that canary's
   * seeds are recorded with it. CF_HS_DEVICE (0) records what a verifying
   * client gets. A library that cannot honour a value ignores it. */
  enum cf_hs_config client;
};

/* cf_hs_<lib>_record runs a real server of the library, serving the
 * chain of |device| (leaf key from the pool) with |srv|, against the device
 * client configured by |device|, |options| and srv->client, over memory,
 * and returns the transcript of what the server sent (free with free()).
 * Returns 1, or 0 with a message in |err| when the server cannot do it
 * (a key type it does not support, ...). The handshake need not succeed:
 * a chain the device must reject gives the flight up to the client's
 * alert. */
int cf_hs_boringssl_record(uint8_t **out, size_t *out_len,
                           const struct cf_case *device, uint32_t options,
                           const struct cf_hs_server_config *srv, char *err,
                           size_t err_len);
int cf_hs_mbedtls_record(uint8_t **out, size_t *out_len,
                         const struct cf_case *device, uint32_t options,
                         const struct cf_hs_server_config *srv, char *err,
                         size_t err_len);
int cf_hs_wolfssl_record(uint8_t **out, size_t *out_len,
                         const struct cf_case *device, uint32_t options,
                         const struct cf_hs_server_config *srv, char *err,
                         size_t err_len);

/* --- oracles --------------------------------------------------------- */

/* cf_hs_judge_chain is the chain oracle of a completed handshake: the
 * chain the server presented (|r|), with the DEVICE case's anchors and
 * profile, must be accepted by |verify| (the same library's chain
 * adapter, validators/) and, when accepted, pass the signed-bytes oracle
 * (certgen/signed_bytes.h). Otherwise it reports a finding
 * (kind=accept-when-should-reject, validator=|validator|,
 * oracle=handshake-chain or signed-bytes) for the input |in| and aborts.
 * handshake/judge.c. */
void cf_hs_judge_chain(const char *validator, cf_validator_fn verify,
                       const struct cf_transcript *t,
                       const struct cf_hs_result *r, const uint8_t *in,
                       size_t in_len);

/* cf_hs_sig_status is the result of cf_hs_sig_check. */
enum cf_hs_sig_status {
  CF_HS_SIG_OK = 0,        /* the signature verifies under the leaf's key */
  CF_HS_SIG_BAD,           /* it does not: the client accepted a forgery */
  CF_HS_SIG_NOT_APPLICABLE /* no signature to check (resumption, RSA key
                            * exchange), or something the checker does not
                            * cover (named in |detail|) */
};

/* cf_hs_sig_check independently re-verifies the server's proof of
 * possession in |log|: TLS 1.2 ServerKeyExchange (client_random ||
 * server_random || params) or TLS 1.3 CertificateVerify (over the
 * transcript hash up to Certificate, HelloRetryRequest included), with the
 * public key of the leaf in the server's Certificate message and the
 * signature scheme the server named. handshake/sigcheck.c. */
enum cf_hs_sig_status cf_hs_sig_check(char *detail, size_t detail_len,
                                      const struct cf_hs_msg_log *log);

/* cf_hs_judge_signature reports a finding (kind=accept-when-should-reject,
 * oracle=handshake-signature, reason=SIGNATURE) and aborts if |r| is
 * complete and cf_hs_sig_check says CF_HS_SIG_BAD. handshake/judge.c. */
void cf_hs_judge_signature(const char *validator,
                           const struct cf_hs_result *r, const uint8_t *in,
                           size_t in_len);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_HANDSHAKE_H */
