/* sigcheck.c — the handshake signature oracle (cf_hs_sig_check) and the
 * TLS 1.2 message log read off the wire (cf_hs_msg_log_from_wire).
 *
 * The chain oracle (judge.c) proves the client checked the certificates;
 * this one proves the server held the leaf's private key. A fuzzer that
 * rewrites the server's bytes cannot make a signature, so every completed
 * handshake on a certificate must carry the leaf key's signature over the
 * bytes the protocol says: in TLS 1.2 the ServerKeyExchange's
 * client_random || server_random || params (RFC 5246 7.4.3, RFC 8422
 * 5.4), in TLS 1.3 the CertificateVerify's 64 spaces || context string ||
 * 0 || Transcript-Hash(ClientHello .. Certificate) (RFC 8446 4.4.3, with
 * the HelloRetryRequest rule of 4.4.1). The check is independent of the
 * library under test: BoringSSL's low-level primitives, the log's bytes.
 *
 * What is proof of possession and what is not:
 *  - a signature that verifies under the leaf key over the right bytes
 *    with the scheme's hash: OK, even when its encoding is not canonical
 *    (an ECDSA (r, s) in BER, an RSA signature with its leading zero
 *    octets dropped or doubled): only the key holder can make one; the
 *    detail says "non-canonical encoding";
 *  - an RSA-PSS signature under an rsa_pss_pss_* scheme with an
 *    rsaEncryption key (or rsae with an RSASSA-PSS key): the same
 *    mathematics, so OK, with the mismatch named in the detail;
 *  - BAD: a signature that does not verify, a scheme of the wrong key type,
 *    in TLS 1.3 a PKCS#1 or SHA-1 scheme (RFC 8446 4.2.3: not defined for
 *    handshake signatures) or an ECDSA scheme naming another curve, a
 *    complete handshake (ServerHelloDone / server Finished logged) with a
 *    certificate but no signature where the key exchange needs one, a TLS
 *    1.3 full handshake without a Certificate;
 *  - NOT_APPLICABLE: resumption (TLS 1.3 pre_shared_key; TLS 1.2 without a
 *    Certificate), key exchanges without a server signature (RSA), schemes
 *    and suites the checker does not know, a Certificate message or leaf
 *    that does not parse, keys BoringSSL cannot parse, a log that ends (or
 *    overflowed) before the decision can be made.
 * Known gap: an Ed25519 signature with S >= L (malleated, RFC 8032 says
 * reject) counts as BAD, like any signature BoringSSL refuses.
 *
 * Cost: one pass over the log to find the messages, one hash context for
 * the TLS 1.3 transcript, the signed content on the stack (a DHE group
 * larger than 320 bytes: one malloc), the key parsed by BoringSSL. The last
 * check that verified is remembered per thread (g_last_ok): a fuzzer
 * replays the same server flight most of the time, and the same bytes get
 * the same answer for the price of one SHA-256. */
#include "chainfuzz/handshake.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/curve25519.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "chainfuzz/coverage.h"
#include "signed_bytes.h"

/* --- the wire log ----------------------------------------------------- */

enum {
  kRecordHeaderLen = 5,
  kMsgHeaderLen = 4,
  kRecordChangeCipherSpec = 20,
  kRecordAlert = 21,
  kRecordHandshake = 22,
  kRecordHeartbeat = 24,
};

/* wire_msgs is one side's handshake messages, pointing into the
 * concatenated payloads of its handshake records. */
struct wire_msgs {
  struct cf_hs_msg msgs[CF_HS_MAX_MSGS];
  size_t num;
  int overflow;
};

/* collect_handshake copies the payloads of the handshake records of |in|
 * that come before its first ChangeCipherSpec record to |out| (room for
 * |in_len| bytes) and sets |*out_len|. Alert and heartbeat records are
 * skipped. Returns 0 if the stream is not TLS records up to there (a
 * truncated record, an SSLv2 header, another record type). */
static int collect_handshake(uint8_t *out, size_t *out_len, const uint8_t *in,
                             size_t in_len) {
  size_t pos = 0, n = 0;
  *out_len = 0;
  while (pos < in_len) {
    if (in_len - pos < kRecordHeaderLen) {
      return 0;
    }
    uint8_t type = in[pos];
    size_t len = ((size_t)in[pos + 3] << 8) | in[pos + 4];
    if (in[pos + 1] != 3 || in_len - pos - kRecordHeaderLen < len) {
      return 0;
    }
    const uint8_t *body = in + pos + kRecordHeaderLen;
    pos += kRecordHeaderLen + len;
    if (type == kRecordChangeCipherSpec) {
      break;
    }
    if (type == kRecordHandshake) {
      memcpy(out + n, body, len);
      n += len;
    } else if (type != kRecordAlert && type != kRecordHeartbeat) {
      return 0;
    }
  }
  *out_len = n;
  return 1;
}

/* split_messages cuts |hs| (handshake payloads) into messages. Returns 0 if
 * it does not end on a message boundary. HelloRequest is not part of the
 * handshake's transcript and is left out. */
static int split_messages(struct wire_msgs *w, int from_server,
                          const uint8_t *hs, size_t hs_len) {
  size_t pos = 0;
  w->num = 0;
  w->overflow = 0;
  while (pos < hs_len) {
    if (hs_len - pos < kMsgHeaderLen) {
      return 0;
    }
    size_t len =
        ((size_t)hs[pos + 1] << 16) | ((size_t)hs[pos + 2] << 8) | hs[pos + 3];
    if (hs_len - pos - kMsgHeaderLen < len) {
      return 0;
    }
    if (!(from_server && hs[pos] == 0 && len == 0)) {
      if (w->num == CF_HS_MAX_MSGS) {
        w->overflow = 1;
        return 1;
      }
      w->msgs[w->num].from_server = (uint8_t)from_server;
      w->msgs[w->num].data = hs + pos;
      w->msgs[w->num].len = kMsgHeaderLen + len;
      w->num++;
    }
    pos += kMsgHeaderLen + len;
  }
  return 1;
}

/* add_until adds |w|'s messages from |*i| on, through the first of type
 * |last| (all of them if |last| is negative). */
static void add_until(struct cf_hs_msg_log *log, const struct wire_msgs *w,
                      size_t *i, int last) {
  while (*i < w->num) {
    const struct cf_hs_msg *m = &w->msgs[(*i)++];
    cf_hs_msg_log_add(log, m->from_server, m->data, m->len);
    if (last >= 0 && m->data[0] == last) {
      return;
    }
  }
}

int cf_hs_msg_log_from_wire(struct cf_hs_msg_log *log,
                            const uint8_t *client_bytes, size_t client_len,
                            const uint8_t *server_bytes, size_t server_len) {
  struct wire_msgs *w = NULL;
  uint8_t *buf = NULL;
  size_t client_hs_len, server_hs_len, ci = 0, si = 0;
  int ok = 0;

  cf_hs_msg_log_reset(log);
  if (client_len > SIZE_MAX - server_len) {
    goto err;
  }
  w = malloc(2 * sizeof(*w));
  buf = malloc(client_len + server_len + 1);
  if (w == NULL || buf == NULL ||
      !collect_handshake(buf, &client_hs_len, client_bytes, client_len) ||
      !collect_handshake(buf + client_hs_len, &server_hs_len, server_bytes,
                         server_len) ||
      !split_messages(&w[0], 0, buf, client_hs_len) ||
      !split_messages(&w[1], 1, buf + client_hs_len, server_hs_len)) {
    goto err;
  }
  /* The flights of a TLS 1.2 handshake: ClientHello; the server's through
   * ServerHelloDone (a resumption's through its last message before
   * ChangeCipherSpec); the client's second flight; the server's
   * NewSessionTicket. */
  add_until(log, &w[0], &ci, 1 /* ClientHello */);
  add_until(log, &w[1], &si, 14 /* ServerHelloDone */);
  add_until(log, &w[0], &ci, -1);
  add_until(log, &w[1], &si, -1);
  if (w[0].overflow || w[1].overflow) {
    log->overflow = 1;
  }
  ok = 1;

err:
  free(buf);
  free(w);
  return ok;
}

/* --- the signature check ---------------------------------------------- */

enum sig_kind {
  kPkcs1,
  kPssRsae,
  kPssPss,
  kEcdsa,
  kEd25519,
};

/* sig_scheme is one TLS SignatureScheme the checker verifies. */
struct sig_scheme {
  uint16_t id;
  const char *name;
  enum sig_kind kind;
  const EVP_MD *(*md)(void); /* NULL for Ed25519 */
  int tls13_curve;           /* ECDSA in TLS 1.3: the curve's NID */
  int tls13_ok;              /* defined for TLS 1.3 CertificateVerify */
};

static const struct sig_scheme kSchemes[] = {
    {0x0201, "rsa_pkcs1_sha1", kPkcs1, EVP_sha1, 0, 0},
    {0x0401, "rsa_pkcs1_sha256", kPkcs1, EVP_sha256, 0, 0},
    {0x0501, "rsa_pkcs1_sha384", kPkcs1, EVP_sha384, 0, 0},
    {0x0601, "rsa_pkcs1_sha512", kPkcs1, EVP_sha512, 0, 0},
    {0x0203, "ecdsa_sha1", kEcdsa, EVP_sha1, 0, 0},
    {0x0403, "ecdsa_secp256r1_sha256", kEcdsa, EVP_sha256, NID_X9_62_prime256v1,
     1},
    {0x0503, "ecdsa_secp384r1_sha384", kEcdsa, EVP_sha384, NID_secp384r1, 1},
    {0x0603, "ecdsa_secp521r1_sha512", kEcdsa, EVP_sha512, NID_secp521r1, 1},
    {0x0804, "rsa_pss_rsae_sha256", kPssRsae, EVP_sha256, 0, 1},
    {0x0805, "rsa_pss_rsae_sha384", kPssRsae, EVP_sha384, 0, 1},
    {0x0806, "rsa_pss_rsae_sha512", kPssRsae, EVP_sha512, 0, 1},
    {0x0807, "ed25519", kEd25519, NULL, 0, 1},
    {0x0809, "rsa_pss_pss_sha256", kPssPss, EVP_sha256, 0, 1},
    {0x080a, "rsa_pss_pss_sha384", kPssPss, EVP_sha384, 0, 1},
    {0x080b, "rsa_pss_pss_sha512", kPssPss, EVP_sha512, 0, 1},
};

static const struct sig_scheme *find_scheme(uint16_t id) {
  for (size_t i = 0; i < sizeof(kSchemes) / sizeof(kSchemes[0]); i++) {
    if (kSchemes[i].id == id) {
      return &kSchemes[i];
    }
  }
  return NULL;
}

/* leaf_key is the leaf's public key. */
struct leaf_key {
  EVP_PKEY *pkey; /* from EVP_parse_public_key, or NULL */
  RSA *pss_rsa;   /* an id-RSASSA-PSS key (BoringSSL's EVP cannot parse
                   * one): the RSAPublicKey, owned */
  const RSA *rsa; /* either of the two */
  const EC_KEY *ec;
  uint8_t ed25519[32];
  int is_ed25519;
  char desc[32]; /* "RSA-2048", "RSASSA-PSS-2048", "EC P-256", "Ed25519" */
};

static void leaf_key_free(struct leaf_key *k) {
  EVP_PKEY_free(k->pkey);
  RSA_free(k->pss_rsa);
}

static const char *curve_name(int nid) {
  switch (nid) {
    case NID_X9_62_prime256v1:
      return "P-256";
    case NID_secp384r1:
      return "P-384";
    case NID_secp521r1:
      return "P-521";
    case NID_secp224r1:
      return "P-224";
    default:
      return "other curve";
  }
}

/* parse_leaf_key reads SubjectPublicKeyInfo |spki|. Returns 1, or 0 with
 * the reason in |k->desc|. */
static int parse_leaf_key(struct leaf_key *k, const struct cf_blob *spki) {
  static const uint8_t kPssOid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                    0x0d, 0x01, 0x01, 0x0a};
  CBS cbs, seq, alg, oid, bits;
  uint8_t unused;

  memset(k, 0, sizeof(*k));
  CBS_init(&cbs, spki->data, spki->len);
  if (CBS_get_asn1(&cbs, &seq, CBS_ASN1_SEQUENCE) &&
      CBS_get_asn1(&seq, &alg, CBS_ASN1_SEQUENCE) &&
      CBS_get_asn1(&alg, &oid, CBS_ASN1_OBJECT) &&
      CBS_mem_equal(&oid, kPssOid, sizeof(kPssOid))) {
    if (!CBS_get_asn1(&seq, &bits, CBS_ASN1_BITSTRING) ||
        !CBS_get_u8(&bits, &unused) || unused != 0 ||
        (k->pss_rsa = RSA_parse_public_key(&bits)) == NULL ||
        CBS_len(&bits) != 0) {
      snprintf(k->desc, sizeof(k->desc), "bad RSASSA-PSS key");
      return 0;
    }
    k->rsa = k->pss_rsa;
    snprintf(k->desc, sizeof(k->desc), "RSASSA-PSS-%u", RSA_size(k->rsa) * 8);
    return 1;
  }
  CBS_init(&cbs, spki->data, spki->len);
  k->pkey = EVP_parse_public_key(&cbs);
  if (k->pkey == NULL) {
    ERR_clear_error();
    snprintf(k->desc, sizeof(k->desc), "key type not parsed");
    return 0;
  }
  switch (EVP_PKEY_id(k->pkey)) {
    case EVP_PKEY_RSA:
      k->rsa = EVP_PKEY_get0_RSA(k->pkey);
      snprintf(k->desc, sizeof(k->desc), "RSA-%u", RSA_size(k->rsa) * 8);
      return 1;
    case EVP_PKEY_EC:
      k->ec = EVP_PKEY_get0_EC_KEY(k->pkey);
      snprintf(k->desc, sizeof(k->desc), "EC %s",
               curve_name(EC_GROUP_get_curve_name(EC_KEY_get0_group(k->ec))));
      return 1;
    case EVP_PKEY_ED25519: {
      size_t len = sizeof(k->ed25519);
      if (!EVP_PKEY_get_raw_public_key(k->pkey, k->ed25519, &len) ||
          len != sizeof(k->ed25519)) {
        snprintf(k->desc, sizeof(k->desc), "bad Ed25519 key");
        return 0;
      }
      k->is_ed25519 = 1;
      snprintf(k->desc, sizeof(k->desc), "Ed25519");
      return 1;
    }
    default:
      snprintf(k->desc, sizeof(k->desc), "key type %d", EVP_PKEY_id(k->pkey));
      return 0;
  }
}

/* ber_tlv reads one element with tag |tag| from |in|, tolerating long-form
 * and non-minimal lengths (at most 4 length octets). */
static int ber_tlv(CBS *in, uint8_t tag, CBS *out) {
  uint8_t t, l, b;
  size_t len = 0;
  if (!CBS_get_u8(in, &t) || t != tag || !CBS_get_u8(in, &l)) {
    return 0;
  }
  if (l < 0x80) {
    len = l;
  } else {
    size_t n = l & 0x7f;
    if (n == 0 || n > 4) {
      return 0;
    }
    while (n-- > 0) {
      if (!CBS_get_u8(in, &b)) {
        return 0;
      }
      len = (len << 8) | b;
    }
  }
  return CBS_get_bytes(in, out, len);
}

/* ber_uint reads a non-negative INTEGER's value into a new BIGNUM. */
static BIGNUM *ber_uint(CBS *in) {
  CBS v;
  if (!ber_tlv(in, 0x02, &v) || CBS_len(&v) == 0 ||
      (CBS_data(&v)[0] & 0x80) != 0) {
    return NULL;
  }
  return BN_bin2bn(CBS_data(&v), CBS_len(&v), NULL);
}

/* ecdsa_verify verifies an ECDSA signature over |digest|: DER first, else
 * the (r, s) of a BER encoding (|*lenient| = 1). */
static int ecdsa_verify(int *lenient, const uint8_t *digest, size_t digest_len,
                        const uint8_t *sig, size_t sig_len, const EC_KEY *ec) {
  ECDSA_SIG *s = ECDSA_SIG_from_bytes(sig, sig_len);
  int ok = 0;
  *lenient = 0;
  if (s == NULL) {
    CBS cbs, seq;
    BIGNUM *r = NULL, *ss = NULL;
    ERR_clear_error();
    CBS_init(&cbs, sig, sig_len);
    if (ber_tlv(&cbs, 0x30, &seq) && (r = ber_uint(&seq)) != NULL &&
        (ss = ber_uint(&seq)) != NULL && (s = ECDSA_SIG_new()) != NULL &&
        ECDSA_SIG_set0(s, r, ss)) {
      r = ss = NULL;
      *lenient = 1;
    }
    BN_free(r);
    BN_free(ss);
  }
  if (s != NULL) {
    ok = ECDSA_do_verify(digest, digest_len, s, ec);
  }
  ECDSA_SIG_free(s);
  ERR_clear_error();
  return ok;
}

/* rsa_normalize gives |sig| the modulus's length: leading zero octets
 * dropped or added (|*lenient| = 1 when it had to). 0 if it cannot. */
static int rsa_normalize(const uint8_t **out, int *lenient, uint8_t *buf,
                         size_t buf_len, const uint8_t *sig, size_t sig_len,
                         size_t mod_len) {
  *lenient = 0;
  while (sig_len > mod_len && sig[0] == 0) {
    sig++;
    sig_len--;
    *lenient = 1;
  }
  if (sig_len > mod_len) {
    return 0;
  }
  if (sig_len == mod_len) {
    *out = sig;
    return 1;
  }
  if (mod_len > buf_len) {
    return 0;
  }
  memset(buf, 0, mod_len - sig_len);
  memcpy(buf + mod_len - sig_len, sig, sig_len);
  *out = buf;
  *lenient = 1;
  return 1;
}

/* report writes "|what| |scheme| (0x....), |key|: |fmt...|" to |detail|. */
static void report(char *detail, size_t detail_len, const char *what,
                   uint16_t scheme_id, const struct sig_scheme *s,
                   const struct leaf_key *k, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static void report(char *detail, size_t detail_len, const char *what,
                   uint16_t scheme_id, const struct sig_scheme *s,
                   const struct leaf_key *k, const char *fmt, ...) {
  va_list ap;
  int n = snprintf(detail, detail_len, "%s %s (0x%04x), %s key: ", what,
                   s != NULL ? s->name : "unknown scheme", scheme_id, k->desc);
  if (n < 0 || (size_t)n >= detail_len) {
    return;
  }
  va_start(ap, fmt);
  vsnprintf(detail + n, detail_len - (size_t)n, fmt, ap);
  va_end(ap);
}

/* verify_signed checks signature |sig| with scheme |scheme_id| over
 * |content| under |k|. |tls13| applies TLS 1.3's scheme rules. |what|
 * names the message for the detail ("TLS 1.3 CertificateVerify"). */
static enum cf_hs_sig_status verify_signed(
    char *detail, size_t detail_len, const char *what, int tls13,
    uint16_t scheme_id, const struct leaf_key *k, const uint8_t *content,
    size_t content_len, const uint8_t *sig, size_t sig_len) {
  const struct sig_scheme *s = find_scheme(scheme_id);
  uint8_t digest[EVP_MAX_MD_SIZE], rsa_buf[2048];
  unsigned digest_len = 0;
  const uint8_t *rsa_sig;
  const char *note = "";
  int ok = 0, lenient = 0;

  if (s == NULL) {
    report(detail, detail_len, what, scheme_id, s, k,
           "signature scheme not covered by the checker");
    return CF_HS_SIG_NOT_APPLICABLE;
  }
  if (tls13 && !s->tls13_ok) {
    report(detail, detail_len, what, scheme_id, s, k,
           "scheme not allowed in TLS 1.3 (RFC 8446 4.2.3)");
    return CF_HS_SIG_BAD;
  }
  switch (s->kind) {
    case kPkcs1:
    case kPssRsae:
    case kPssPss:
      if (k->rsa == NULL) {
        report(detail, detail_len, what, scheme_id, s, k,
               "RSA scheme with a non-RSA key");
        return CF_HS_SIG_BAD;
      }
      if (s->kind == kPkcs1 && k->pss_rsa != NULL) {
        report(detail, detail_len, what, scheme_id, s, k,
               "PKCS#1 scheme with an RSASSA-PSS key");
        return CF_HS_SIG_BAD;
      }
      break;
    case kEcdsa:
      if (k->ec == NULL) {
        report(detail, detail_len, what, scheme_id, s, k,
               "ECDSA scheme with a non-EC key");
        return CF_HS_SIG_BAD;
      }
      if (tls13 &&
          EC_GROUP_get_curve_name(EC_KEY_get0_group(k->ec)) != s->tls13_curve) {
        report(detail, detail_len, what, scheme_id, s, k,
               "key's curve does not match the scheme (RFC 8446 4.2.3)");
        return CF_HS_SIG_BAD;
      }
      break;
    case kEd25519:
      if (!k->is_ed25519) {
        report(detail, detail_len, what, scheme_id, s, k,
               "Ed25519 scheme with a non-Ed25519 key");
        return CF_HS_SIG_BAD;
      }
      break;
  }

  if (s->kind == kEd25519) {
    ok = sig_len == 64 && ED25519_verify(content, content_len, sig, k->ed25519);
  } else {
    if (!EVP_Digest(content, content_len, digest, &digest_len, s->md(), NULL)) {
      ERR_clear_error();
      report(detail, detail_len, what, scheme_id, s, k, "digest failed");
      return CF_HS_SIG_NOT_APPLICABLE;
    }
    if (s->kind == kEcdsa) {
      ok = ecdsa_verify(&lenient, digest, digest_len, sig, sig_len, k->ec);
    } else if (rsa_normalize(&rsa_sig, &lenient, rsa_buf, sizeof(rsa_buf), sig,
                             sig_len, RSA_size(k->rsa))) {
      /* RSA_verify* take a non-const RSA but do not change the key. */
      RSA *rsa = (RSA *)k->rsa;
      if (s->kind == kPkcs1) {
        ok = RSA_verify(EVP_MD_type(s->md()), digest, digest_len, rsa_sig,
                        RSA_size(rsa), rsa);
      } else {
        ok = RSA_verify_pss_mgf1(rsa, digest, digest_len, s->md(), NULL, -1,
                                 rsa_sig, RSA_size(rsa));
        if (s->kind == kPssPss && k->pss_rsa == NULL) {
          note = " (note: rsa_pss_pss scheme with an rsaEncryption key)";
        } else if (s->kind == kPssRsae && k->pss_rsa != NULL) {
          note = " (note: rsa_pss_rsae scheme with an RSASSA-PSS key)";
        }
      }
    }
    ERR_clear_error();
  }
  if (!ok) {
    report(detail, detail_len, what, scheme_id, s, k,
           "signature does not verify");
    return CF_HS_SIG_BAD;
  }
  report(detail, detail_len, what, scheme_id, s, k, "signature verifies%s%s",
         lenient ? " (non-canonical encoding)" : "", note);
  return CF_HS_SIG_OK;
}

/* hs_view is what one pass over the log finds. Indices into log->msgs. */
struct hs_view {
  size_t ch1, hrr, sh, cert, proof; /* kNone when absent */
  int done;         /* ServerHelloDone (1.2) or server Finished (1.3) */
  uint16_t version; /* negotiated: supported_versions, else legacy */
  uint16_t suite;
  int psk; /* ServerHello carries pre_shared_key */
  CBS server_random;
};

static const size_t kNone = (size_t)-1;

/* kHrrRandom is SHA-256("HelloRetryRequest") (RFC 8446 4.1.3). */
static const uint8_t kHrrRandom[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
    0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

/* msg_body checks message |m|'s header and gives its type and body. */
static int msg_body(uint8_t *out_type, CBS *out_body,
                    const struct cf_hs_msg *m) {
  CBS cbs;
  CBS_init(&cbs, m->data, m->len);
  return CBS_get_u8(&cbs, out_type) &&
         CBS_get_u24_length_prefixed(&cbs, out_body) && CBS_len(&cbs) == 0;
}

/* parse_server_hello reads a ServerHello (or HelloRetryRequest) body. */
static int parse_server_hello(int *out_hrr, struct hs_view *v, CBS body) {
  CBS random, session_id, exts, ext;
  uint16_t legacy, suite, type;
  uint8_t compression;
  int psk = 0;
  if (!CBS_get_u16(&body, &legacy) || !CBS_get_bytes(&body, &random, 32) ||
      !CBS_get_u8_length_prefixed(&body, &session_id) ||
      !CBS_get_u16(&body, &suite) || !CBS_get_u8(&body, &compression)) {
    return 0;
  }
  uint16_t version = legacy;
  if (CBS_len(&body) != 0) {
    if (!CBS_get_u16_length_prefixed(&body, &exts)) {
      return 0;
    }
    while (CBS_len(&exts) != 0) {
      if (!CBS_get_u16(&exts, &type) ||
          !CBS_get_u16_length_prefixed(&exts, &ext)) {
        return 0;
      }
      if (type == 0x002b) { /* supported_versions */
        if (!CBS_get_u16(&ext, &version) || CBS_len(&ext) != 0) {
          return 0;
        }
      } else if (type == 0x0029) { /* pre_shared_key */
        psk = 1;
      }
    }
  }
  *out_hrr = CBS_mem_equal(&random, kHrrRandom, sizeof(kHrrRandom));
  if (!*out_hrr) {
    v->version = version;
    v->suite = suite;
    v->psk = psk;
    v->server_random = random;
  }
  return 1;
}

/* scan_log makes the one pass over |log|: the messages the check needs,
 * up to ServerHelloDone or the server's Finished. Returns 0 (with |why|)
 * if a message it needs is malformed. */
static int scan_log(struct hs_view *v, const char **why,
                    const struct cf_hs_msg_log *log) {
  uint8_t type;
  CBS body;
  int hrr;
  v->ch1 = v->hrr = v->sh = v->cert = v->proof = kNone;
  v->done = 0;
  v->version = v->suite = 0;
  v->psk = 0;
  for (size_t i = 0; i < log->num_msgs && i < CF_HS_MAX_MSGS; i++) {
    const struct cf_hs_msg *m = &log->msgs[i];
    if (!msg_body(&type, &body, m)) {
      *why = "a logged message's length does not match its header";
      return 0;
    }
    if (!m->from_server) {
      if (type == 1 && v->ch1 == kNone) {
        v->ch1 = i;
      }
      continue;
    }
    if (v->sh == kNone) {
      if (type == 2) {
        if (!parse_server_hello(&hrr, v, body)) {
          *why = "ServerHello does not parse";
          return 0;
        }
        if (hrr) {
          if (v->hrr == kNone) {
            v->hrr = i;
          }
        } else {
          v->sh = i;
        }
      }
      continue;
    }
    if (type == 11 && v->cert == kNone) {
      v->cert = i;
    } else if ((type == 12 || type == 15) && v->cert != kNone &&
               v->proof == kNone) {
      /* A TLS 1.2 ServerKeyExchange or TLS 1.3 CertificateVerify (checked
       * against the version by the caller). */
      v->proof = i;
    } else if (type == 12 && v->proof == kNone) {
      v->proof = i; /* a ServerKeyExchange with no Certificate before it */
    } else if (type == 14 || type == 20) {
      v->done = 1;
      break;
    }
  }
  return 1;
}

/* leaf_of gives the first certificate of a Certificate message body (|*der|
 * empty if the list is). Returns 0 if it does not parse. */
static int leaf_of(CBS *der, CBS body, int tls13) {
  CBS context, list;
  if ((tls13 && !CBS_get_u8_length_prefixed(&body, &context)) ||
      !CBS_get_u24_length_prefixed(&body, &list)) {
    return 0;
  }
  if (CBS_len(&list) == 0) {
    CBS_init(der, NULL, 0);
    return 1;
  }
  return CBS_get_u24_length_prefixed(&list, der) && CBS_len(der) != 0;
}

/* suite_kx says how a TLS 1.2 cipher suite's server key exchange is
 * signed: 2 ECDHE, 1 DHE (RSA), 0 not signed or not covered. */
static int suite_kx(uint16_t suite) {
  if ((suite >= 0xc006 && suite <= 0xc00a) || /* ECDHE_ECDSA, SHA-1 */
      (suite >= 0xc010 && suite <= 0xc014) || /* ECDHE_RSA, SHA-1 */
      suite == 0xc023 || suite == 0xc024 || suite == 0xc027 ||
      suite == 0xc028 || suite == 0xc02b || suite == 0xc02c ||
      suite == 0xc02f || suite == 0xc030 || suite == 0xcca8 ||
      suite == 0xcca9 || (suite >= 0xc0ac && suite <= 0xc0af)) {
    return 2;
  }
  if (suite == 0x0016 || suite == 0x0033 || suite == 0x0039 ||
      suite == 0x0067 || suite == 0x006b || suite == 0x009e ||
      suite == 0x009f || suite == 0xccaa) {
    return 1;
  }
  return 0;
}

/* signed_input is what the server's signature covers and the signature,
 * taken from the log before any key is parsed. */
struct signed_input {
  char what[80]; /* names the message for the detail */
  int tls13;
  uint16_t scheme;
  const uint8_t *content, *sig;
  size_t content_len, sig_len;
  /* content lives in |stack|, or (a large DHE group) in |heap| */
  uint8_t stack[64 + 34 + EVP_MAX_MD_SIZE + 320];
  uint8_t *heap;
};

/* prepare_tls12 reads the ServerKeyExchange. Returns 1, or 0 with the
 * verdict in |*st| and |detail|. */
static int prepare_tls12(enum cf_hs_sig_status *st, char *detail,
                         size_t detail_len, struct signed_input *in,
                         const struct cf_hs_msg_log *log,
                         const struct hs_view *v) {
  uint8_t type, curve_type, *content = in->stack;
  CBS ske, params_start, p, client_random, sig;
  int kx = suite_kx(v->suite);

  snprintf(in->what, sizeof(in->what), "TLS 1.2 %s ServerKeyExchange",
           kx == 2 ? "ECDHE" : "DHE");
  *st = CF_HS_SIG_NOT_APPLICABLE;
  if (!msg_body(&type, &ske, &log->msgs[v->proof]) ||
      !msg_body(&type, &client_random, &log->msgs[v->ch1]) ||
      !CBS_skip(&client_random, 2) || CBS_len(&client_random) < 32) {
    snprintf(detail, detail_len, "TLS 1.2: ClientHello too short");
    return 0;
  }
  params_start = ske;
  if (kx == 2) {
    uint16_t curve;
    if (!CBS_get_u8(&ske, &curve_type) || curve_type != 3 ||
        !CBS_get_u16(&ske, &curve) || !CBS_get_u8_length_prefixed(&ske, &p)) {
      snprintf(detail, detail_len,
               "%s: not named-curve ECDHE params (not covered)", in->what);
      return 0;
    }
  } else if (!CBS_get_u16_length_prefixed(&ske, &p) ||
             !CBS_get_u16_length_prefixed(&ske, &p) ||
             !CBS_get_u16_length_prefixed(&ske, &p)) {
    snprintf(detail, detail_len, "%s: DH params do not parse", in->what);
    return 0;
  }
  size_t params_len = CBS_len(&params_start) - CBS_len(&ske);
  if (!CBS_get_u16(&ske, &in->scheme) ||
      !CBS_get_u16_length_prefixed(&ske, &sig)) {
    snprintf(detail, detail_len, "%s: signature does not parse", in->what);
    *st = CF_HS_SIG_BAD;
    return 0;
  }
  in->content_len = 64 + params_len;
  if (in->content_len > sizeof(in->stack)) {
    if ((in->heap = malloc(in->content_len)) == NULL) {
      snprintf(detail, detail_len, "%s: out of memory", in->what);
      return 0;
    }
    content = in->heap;
  }
  memcpy(content, CBS_data(&client_random), 32);
  memcpy(content + 32, CBS_data(&v->server_random), 32);
  memcpy(content + 64, CBS_data(&params_start), params_len);
  in->content = content;
  in->sig = CBS_data(&sig);
  in->sig_len = CBS_len(&sig);
  in->tls13 = 0;
  return 1;
}

/* prepare_tls13 reads the CertificateVerify and hashes the transcript.
 * Returns 1, or 0 with the verdict in |*st| and |detail|. */
static int prepare_tls13(enum cf_hs_sig_status *st, char *detail,
                         size_t detail_len, struct signed_input *in,
                         const struct cf_hs_msg_log *log,
                         const struct hs_view *v) {
  static const char kContext[] = "TLS 1.3, server CertificateVerify";
  uint8_t hash[EVP_MAX_MD_SIZE], type;
  unsigned hash_len = 0;
  const EVP_MD *md;
  EVP_MD_CTX ctx;
  CBS cv, sig;
  int ok = 1;

  *st = CF_HS_SIG_NOT_APPLICABLE;
  switch (v->suite) {
    case 0x1301:
    case 0x1303:
    case 0x1304:
    case 0x1305:
      md = EVP_sha256();
      break;
    case 0x1302:
      md = EVP_sha384();
      break;
    default:
      snprintf(detail, detail_len,
               "TLS 1.3: cipher suite 0x%04x not covered by the checker",
               v->suite);
      return 0;
  }
  snprintf(in->what, sizeof(in->what),
           "TLS 1.3 CertificateVerify (suite 0x%04x%s)", v->suite,
           v->hrr != kNone ? ", after HelloRetryRequest" : "");
  if (!msg_body(&type, &cv, &log->msgs[v->proof]) ||
      !CBS_get_u16(&cv, &in->scheme) ||
      !CBS_get_u16_length_prefixed(&cv, &sig)) {
    snprintf(detail, detail_len, "%s: does not parse", in->what);
    *st = CF_HS_SIG_BAD;
    return 0;
  }

  /* Transcript-Hash(ClientHello .. Certificate), every logged message in
   * between; after a HelloRetryRequest ClientHello1 is replaced by
   * message_hash (RFC 8446 4.4.1). One context, reused. */
  EVP_MD_CTX_init(&ctx);
  if (v->hrr != kNone) {
    const struct cf_hs_msg *ch1 = &log->msgs[v->ch1];
    uint8_t header[4] = {254, 0, 0, (uint8_t)EVP_MD_size(md)};
    ok = EVP_DigestInit_ex(&ctx, md, NULL) &&
         EVP_DigestUpdate(&ctx, ch1->data, ch1->len) &&
         EVP_DigestFinal_ex(&ctx, hash, &hash_len) &&
         EVP_DigestInit_ex(&ctx, md, NULL) &&
         EVP_DigestUpdate(&ctx, header, sizeof(header)) &&
         EVP_DigestUpdate(&ctx, hash, hash_len);
  } else {
    ok = EVP_DigestInit_ex(&ctx, md, NULL);
  }
  for (size_t i = v->hrr != kNone ? v->ch1 + 1 : v->ch1; ok && i <= v->cert;
       i++) {
    ok = EVP_DigestUpdate(&ctx, log->msgs[i].data, log->msgs[i].len);
  }
  ok = ok && EVP_DigestFinal_ex(&ctx, hash, &hash_len);
  EVP_MD_CTX_cleanup(&ctx);
  if (!ok) {
    ERR_clear_error();
    snprintf(detail, detail_len, "%s: transcript hash failed", in->what);
    return 0;
  }
  memset(in->stack, 0x20, 64);
  memcpy(in->stack + 64, kContext, sizeof(kContext)); /* with its NUL */
  memcpy(in->stack + 64 + sizeof(kContext), hash, hash_len);
  in->content = in->stack;
  in->content_len = 64 + sizeof(kContext) + hash_len;
  in->sig = CBS_data(&sig);
  in->sig_len = CBS_len(&sig);
  in->tls13 = 1;
  return 1;
}

/* g_last_ok remembers the last check that verified, by a SHA-256 over the
 * leaf's SubjectPublicKeyInfo, the scheme, the signed content and the
 * signature: a fuzzer replays the same server flight most of the time, and
 * the answer for the same bytes is the same. Per thread. */
static _Thread_local struct {
  int valid;
  uint8_t key[SHA256_DIGEST_LENGTH];
  char detail[320];
} g_last_ok;

static void cache_key(uint8_t out[SHA256_DIGEST_LENGTH],
                      const struct cf_blob *spki,
                      const struct signed_input *in) {
  SHA256_CTX sha;
  uint8_t lens[3 + 3 * 8];
  uint64_t l[3] = {spki->len, in->content_len, in->sig_len};
  lens[0] = (uint8_t)in->tls13;
  lens[1] = (uint8_t)(in->scheme >> 8);
  lens[2] = (uint8_t)in->scheme;
  for (int i = 0; i < 3; i++) {
    for (int j = 0; j < 8; j++) {
      lens[3 + 8 * i + j] = (uint8_t)(l[i] >> (56 - 8 * j));
    }
  }
  SHA256_Init(&sha);
  SHA256_Update(&sha, lens, sizeof(lens));
  SHA256_Update(&sha, spki->data, spki->len);
  SHA256_Update(&sha, in->content, in->content_len);
  SHA256_Update(&sha, in->sig, in->sig_len);
  SHA256_Final(out, &sha);
}

/* check_remembered verifies the signature of |in| under the leaf key
 * |spki| (parsed into |k|), or answers from g_last_ok. */
static enum cf_hs_sig_status check_remembered(char *detail, size_t detail_len,
                                              struct leaf_key *k,
                                              const struct cf_blob *spki,
                                              const struct signed_input *in,
                                              int tls13) {
  uint8_t key[SHA256_DIGEST_LENGTH];
  enum cf_hs_sig_status st;
  cache_key(key, spki, in);
  if (g_last_ok.valid && memcmp(key, g_last_ok.key, sizeof(key)) == 0) {
    snprintf(detail, detail_len, "%s", g_last_ok.detail);
    return CF_HS_SIG_OK;
  }
  if (!parse_leaf_key(k, spki)) {
    snprintf(detail, detail_len, "TLS 1.%d: leaf public key not checked (%s)",
             tls13 ? 3 : 2, k->desc);
    return CF_HS_SIG_NOT_APPLICABLE;
  }
  st = verify_signed(detail, detail_len, in->what, in->tls13, in->scheme, k,
                     in->content, in->content_len, in->sig, in->sig_len);
  if (st == CF_HS_SIG_OK) {
    g_last_ok.valid = 1;
    memcpy(g_last_ok.key, key, sizeof(key));
    snprintf(g_last_ok.detail, sizeof(g_last_ok.detail), "%s", detail);
  }
  return st;
}

enum cf_hs_sig_status cf_hs_sig_check(char *detail, size_t detail_len,
                                      const struct cf_hs_msg_log *log) {
  struct hs_view v;
  struct leaf_key k;
  struct signed_input in_buf, *in = &in_buf;
  struct cf_blob spki;
  const char *why = NULL;
  uint8_t type;
  CBS body, leaf;
  int tls13;
  enum cf_hs_sig_status st;

  memset(&k, 0, sizeof(k));
  in->heap = NULL;
  if (detail_len > 0) {
    detail[0] = '\0';
  }
  if (!scan_log(&v, &why, log)) {
    snprintf(detail, detail_len, "log not checked: %s", why);
    return CF_HS_SIG_NOT_APPLICABLE;
  }
  if (v.ch1 == kNone || v.sh == kNone) {
    snprintf(detail, detail_len, "log has no %s",
             v.ch1 == kNone ? "ClientHello" : "ServerHello");
    return CF_HS_SIG_NOT_APPLICABLE;
  }
  if (v.version != 0x0303 && v.version != 0x0304) {
    snprintf(detail, detail_len, "version 0x%04x not covered by the checker",
             v.version);
    return CF_HS_SIG_NOT_APPLICABLE;
  }
  tls13 = v.version == 0x0304;
  /* A log that overflowed is a prefix: what is in it can be checked, what
   * is missing from it proves nothing. */
  const char *cut = log->overflow ? "message log overflowed" : "log ends";
  int decided = v.done && !log->overflow;

  if (tls13) {
    if (v.psk) {
      snprintf(detail, detail_len,
               "TLS 1.3 resumption (pre_shared_key): no signature");
      return CF_HS_SIG_NOT_APPLICABLE;
    }
    if (v.cert == kNone) {
      if (decided) {
        snprintf(detail, detail_len,
                 "TLS 1.3 full handshake without a server Certificate");
        return CF_HS_SIG_BAD;
      }
      snprintf(detail, detail_len, "TLS 1.3: %s before the server Certificate",
               cut);
      return CF_HS_SIG_NOT_APPLICABLE;
    }
    if (v.proof != kNone && log->msgs[v.proof].data[0] != 15) {
      v.proof = kNone; /* a ServerKeyExchange is no TLS 1.3 message */
    }
  } else {
    int kx = suite_kx(v.suite);
    if (kx == 0) {
      snprintf(detail, detail_len,
               "TLS 1.2 suite 0x%04x: no signed key exchange the checker "
               "covers (RSA key exchange, PSK or unknown)",
               v.suite);
      return CF_HS_SIG_NOT_APPLICABLE;
    }
    if (v.proof != kNone && log->msgs[v.proof].data[0] != 12) {
      v.proof = kNone;
    }
    if (v.cert == kNone) {
      if (v.proof != kNone) {
        snprintf(detail, detail_len,
                 "TLS 1.2 ServerKeyExchange without a server Certificate: "
                 "no key to verify it with");
        return CF_HS_SIG_BAD;
      }
      snprintf(detail, detail_len,
               "TLS 1.2 without a server Certificate (resumption): no "
               "signature");
      return CF_HS_SIG_NOT_APPLICABLE;
    }
  }
  if (!msg_body(&type, &body, &log->msgs[v.cert]) ||
      !leaf_of(&leaf, body, tls13)) {
    snprintf(detail, detail_len,
             "TLS 1.%d: server Certificate does not parse (not judged)",
             tls13 ? 3 : 2);
    return CF_HS_SIG_NOT_APPLICABLE;
  }
  if (CBS_len(&leaf) == 0) {
    snprintf(detail, detail_len, "TLS 1.%d: server Certificate is empty",
             tls13 ? 3 : 2);
    return v.proof != kNone || decided ? CF_HS_SIG_BAD
                                       : CF_HS_SIG_NOT_APPLICABLE;
  }
  if (v.proof == kNone) {
    const char *proof = tls13 ? "CertificateVerify" : "ServerKeyExchange";
    if (decided) {
      snprintf(detail, detail_len,
               "TLS 1.%d: complete handshake with a Certificate but no %s: "
               "no proof of possession",
               tls13 ? 3 : 2, proof);
      return CF_HS_SIG_BAD;
    }
    snprintf(detail, detail_len, "TLS 1.%d: %s before the %s", tls13 ? 3 : 2,
             cut, proof);
    return CF_HS_SIG_NOT_APPLICABLE;
  }
  if (!cf_cert_spki(&spki, CBS_data(&leaf), CBS_len(&leaf))) {
    snprintf(detail, detail_len,
             "TLS 1.%d: leaf certificate does not parse (not judged)",
             tls13 ? 3 : 2);
    return CF_HS_SIG_NOT_APPLICABLE;
  }
  if (!(tls13 ? prepare_tls13 : prepare_tls12)(&st, detail, detail_len, in, log,
                                               &v)) {
    goto done;
  }
  /* Remembered or checked now: the same coverage either way
   * (chainfuzz/coverage.h); the check is the oracle's work, not the
   * client's. */
  cf_coverage_pause();
  st = check_remembered(detail, detail_len, &k, &spki, in, tls13);
  cf_coverage_resume();

done:
  leaf_key_free(&k);
  free(in->heap);
  return st;
}
