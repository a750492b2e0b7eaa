/* wolfssl.c — the wolfSSL 5.5 device validation path: what a device built on
 * wolfSSL runs when its TLS client receives the server's Certificate
 * message. The adapter does not re-implement that path: it creates a TLS 1.2
 * client (WOLFSSL_CTX + WOLFSSL, verify mode WOLFSSL_VERIFY_PEER, no verify
 * callback), hands the case's chain, encoded as a Certificate message, to
 * wolfSSL's own ProcessPeerCerts (src/internal.c), and reads its result:
 *
 *  - a message larger than MAX_HANDSHAKE_SZ (9 entries of 2 KiB) is refused
 *    by the handshake layer (HANDSHAKE_SIZE_ERROR): REJECT RESOURCE_LIMIT;
 *    more than MAX_CHAIN_DEPTH (9) certificates is MAX_CHAIN_ERROR;
 *  - ProcessPeerCerts walks the chain from the last certificate sent toward
 *    the leaf: each one is parsed and verified (ParseCertRelative, VERIFY,
 *    against the CertManager's CAs: the anchors and the chain CAs added so
 *    far), its key size checked, and, if it verifies and is a CA
 *    (basicConstraints cA), added to the CertManager as a chain CA. A
 *    failure is remembered but does not stop the walk; with
 *    WOLFSSL_ALT_CERT_CHAINS (Debian's build) a CA that finds no signer is
 *    not even an error ("the peer certificate need only validate to a
 *    trusted CA"). Then the leaf is verified (a failure is fatal), its key
 *    usage / extended key usage checked against the negotiated suite, the
 *    expected name (wolfSSL_check_domain_name) matched, its key size
 *    checked; the first of those errors, else the remembered error of an
 *    intermediate, is the result (so an issuer must follow its subject, and
 *    an expired certificate off the path fails a valid chain: FINDINGS.md
 *    F19);
 *  - the suite is the ECDHE one matching the leaf's key, as the mbedTLS
 *    adapter does: ECDHE_RSA for an RSA key (keyUsage digitalSignature
 *    needed), ECDHE_ECDSA otherwise.
 *
 * Device profile mapping:
 *  - anchors: wolfSSL_CTX_load_verify_buffer, DER, after
 *    wolfSSL_CTX_set_verify(PEER) and under the case's clock: wolfSSL
 *    verifies an anchor as it loads it (an expired or not-yet-valid anchor
 *    is refused, WOLFSSL_LOAD_VERIFY_DEFAULT_FLAGS); an anchor that does not
 *    load is skipped, as a device skips a bad bundle entry. wolfSSL trusts
 *    every loaded CA as an anchor, self-signed or not: partial chains are
 *    always on (CF_PROFILE_FLAG_PARTIAL_CHAIN changes nothing);
 *  - clock: wolfSSL reads the time through wc_Time(); the adapter installs
 *    wc_SetTimeCb(case_clock), which returns the case's time
 *    (cf_profile_effective_time: CF_CLOCK_UNSET_TIME when the device's clock
 *    is unset). Never the machine's clock;
 *  - name: a DNS name goes to wolfSSL_check_domain_name: DNS (and other)
 *    SANs through CheckForAltNames/MatchDomainName, the subject CN only when
 *    the leaf has no SAN at all; wildcards are always on, and MatchDomainName
 *    lets "*" match any run of characters within one label (partial labels,
 *    any position; FINDINGS.md F17). CF_PROFILE_FLAG_NO_CN_FALLBACK and
 *    _NO_WILDCARDS have no runtime setting in 5.5 (only the compile-time
 *    WOLFSSL_HOSTNAME_VERIFY_ALT_NAME_ONLY) and are ignored. An IP address
 *    is given as its text form through the same call, which is what 5.5
 *    devices without the OpenSSL layer do: it matches an iPAddress SAN by
 *    its text (WOLFSSL_IP_ALT_NAME, as OPENSSL_ALL does in Debian's build),
 *    or a dNSName / CN spelling the address; an IPv6 SAN is kept as
 *    uncompressed upper-case text, which inet_ntop's text never equals
 *    (FINDINGS.md F18). CF_NAME_NONE sets no name: no name check at all;
 *  - purpose: serverAuth is the TLS client (EKU serverAuth or anyEKU when
 *    the leaf has an EKU); clientAuth is the same path with the server
 *    side's check (EKU clientAuth or anyEKU; the object's side is set to
 *    WOLFSSL_SERVER_END, as wolfSSL_new refuses a keyless server). wolfSSL cannot be told to skip the
 *    check (only IGNORE_KEY_EXTENSIONS at compile time): CF_PURPOSE_NONE
 *    runs the client's serverAuth check;
 *  - max depth: wolfSSL has MAX_CHAIN_DEPTH (9 certificates in the message)
 *    and, only with the OpenSSL layer, wolfSSL_CTX_set_verify_depth. As for
 *    mbedTLS, a smaller device limit is applied after the fact on the path
 *    the library relied on: more intermediates than the profile allows
 *    turns an ACCEPT into REJECT PATH_LENGTH;
 *  - CF_PROFILE_FLAG_X509_STRICT: no such mode; ignored.
 *
 * The accepted path: wolfSSL does not report it. The adapter rebuilds it
 * from the CertManager the verification left behind: the leaf, the signer
 * ParseCertRelative finds for it (GetCA by authority key id or issuer name;
 * WOLFSSL_SIGNER_DER_CERT keeps the signer's certificate), that signer's
 * signer, and so on until a loaded anchor. Every certificate of it is named
 * by its bytes in the case.
 *
 * Debian's build also has the OpenSSL layer (OPENSSL_EXTRA, OPENSSL_ALL,
 * OPENSSL_COMPATIBLE_DEFAULTS), left out here (mk/wolfssl/user_settings.h).
 * On this path it adds X509_V_ERR bookkeeping, a depth limit of
 * MAX_CHAIN_DEPTH + 1 that the message limit already enforces, and makes
 * SSL_VERIFY_NONE the CTX default (a device sets PEER, as here); it changes
 * no verdict the adapter can produce. */
#include <arpa/inet.h>
#include <string.h>

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/ssl.h>
#include <wolfssl/internal.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "chainfuzz/coverage.h"
#include "chainfuzz/validator.h"

#if !defined(WOLFSSL_SIGNER_DER_CERT) || !defined(WOLFSSL_ALT_NAMES) || \
    !defined(WOLFSSL_IP_ALT_NAME) || !defined(WOLFSSL_ALT_CERT_CHAINS)
#error "wolfSSL must be built with mk/wolfssl/user_settings.h (build.sh's WOLFSSL_DEFS)"
#endif

/* kWolfsslReasons maps wolfSSL (wolfCrypt and TLS layer) error codes to the
 * taxonomy. Codes missing here map to CF_REASON_OTHER;
 * tests/wolfssl_validator_test.c checks the table.
 *
 * Every code ProcessPeerCerts returns is its verdict on the certificates it
 * was given: a REJECT, whatever the code's name says (issue 18). Generic
 * codes get the reason of the certificate problem that raises them on this
 * path: wolfSSL 5.5 says BAD_FUNC_ARG for an empty signature value and
 * MEMORY_E for an iPAddress SAN that is neither 4 nor 16 bytes. Only the TLS
 * layer's MEMORY_ERROR (AllocDer and the like: nothing a certificate
 * decides) maps to INTERNAL, which reject() reports as ERROR, as are setup
 * failures before ProcessPeerCerts. */
static const struct cf_wolfssl_code kWolfsslReasons[] = {
    /* Chain building and signatures. */
    {ASN_NO_SIGNER_E, CF_REASON_UNTRUSTED},
    {ASN_SELF_SIGNED_E, CF_REASON_UNTRUSTED},
    {ASN_SIG_CONFIRM_E, CF_REASON_SIGNATURE},
    {SIG_VERIFY_E, CF_REASON_SIGNATURE},
    {ASN_SIG_OID_E, CF_REASON_SIGNATURE},
    /* ConfirmSignature's argument check: an empty signature value (sigSz 0),
     * or an Ed25519/Ed448 issuer key of the wrong length
     * (wc_ed25519_import_public). Not a caller's mistake on this path. */
    {BAD_FUNC_ARG, CF_REASON_SIGNATURE},
    {ASN_SIG_KEY_E, CF_REASON_WEAK_ALGORITHM},
    {ASN_SIG_HASH_E, CF_REASON_WEAK_ALGORITHM},
    {SIG_TYPE_E, CF_REASON_WEAK_ALGORITHM},
    {NOT_COMPILED_IN, CF_REASON_WEAK_ALGORITHM},
    {ECC_CURVE_OID_E, CF_REASON_WEAK_ALGORITHM},
    {HASH_TYPE_E, CF_REASON_WEAK_ALGORITHM}, /* a digest not built in */
    /* Validity. */
    {ASN_BEFORE_DATE_E, CF_REASON_NOT_YET_VALID},
    {ASN_AFTER_DATE_E, CF_REASON_EXPIRED},
    /* Extensions and constraints. */
    {ASN_CRIT_EXT_E, CF_REASON_CRITICAL_EXTENSION},
    {ASN_NAME_INVALID_E, CF_REASON_NAME_CONSTRAINTS},
    /* AddCA on a chain CA: cA FALSE, or cA without keyCertSign. */
    {NOT_CA_ERROR, CF_REASON_NOT_CA},
    {ASN_PATHLEN_SIZE_E, CF_REASON_PATH_LENGTH},
    {ASN_PATHLEN_INV_E, CF_REASON_PATH_LENGTH},
    {MAX_CHAIN_ERROR, CF_REASON_PATH_LENGTH},
    {KEYUSAGE_E, CF_REASON_KEY_USAGE},
    {ASN_NO_KEYUSAGE, CF_REASON_KEY_USAGE},
    {KEYUSE_SIGNATURE_E, CF_REASON_KEY_USAGE},
    {KEYUSE_ENCIPHER_E, CF_REASON_KEY_USAGE},
    {EXTKEYUSAGE_E, CF_REASON_EKU},
    {EXTKEYUSE_AUTH_E, CF_REASON_EKU},
    /* Names. */
    {DOMAIN_NAME_MISMATCH, CF_REASON_NAME_MISMATCH},
    {IPADDR_MISMATCH, CF_REASON_NAME_MISMATCH},
    /* Key policy (the TLS client's minimums: RSA 1024, ECC 224 bits). */
    {RSA_KEY_SIZE_E, CF_REASON_WEAK_KEY},
    {ECC_KEY_SIZE_E, CF_REASON_WEAK_KEY},
    /* Encoding. */
    {ASN_PARSE_E, CF_REASON_PARSE},
    {ASN_VERSION_E, CF_REASON_PARSE},
    {ASN_GETINT_E, CF_REASON_PARSE},
    {ASN_RSA_KEY_E, CF_REASON_PARSE},
    {ASN_OBJECT_ID_E, CF_REASON_PARSE},
    {ASN_TAG_NULL_E, CF_REASON_PARSE},
    {ASN_EXPECT_0_E, CF_REASON_PARSE},
    {ASN_BITSTR_E, CF_REASON_PARSE},
    {ASN_UNKNOWN_OID_E, CF_REASON_PARSE},
    {ASN_DATE_SZ_E, CF_REASON_PARSE},
    {ASN_TIME_E, CF_REASON_PARSE},
    {ASN_INPUT_E, CF_REASON_PARSE},
    {ASN_DH_KEY_E, CF_REASON_PARSE},
    {ASN_ECC_KEY_E, CF_REASON_PARSE},
    {ASN_ALT_NAME_E, CF_REASON_PARSE},
    {ASN_NO_SKID, CF_REASON_PARSE},
    {ASN_NO_AKID, CF_REASON_PARSE},
    {IS_POINT_E, CF_REASON_PARSE},
    /* Decoding the issuer's public key (ConfirmSignature, key state). */
    {ECC_BAD_ARG_E, CF_REASON_PARSE},
    {MP_READ_E, CF_REASON_PARSE},
    {BUFFER_E, CF_REASON_PARSE},
    {BUFFER_ERROR, CF_REASON_PARSE},
    {PEER_KEY_ERROR, CF_REASON_PARSE},
    {NO_PEER_CERT, CF_REASON_PARSE},
    /* Resources and the library itself. */
    {HANDSHAKE_SIZE_ERROR, CF_REASON_RESOURCE_LIMIT},
    /* DecodeAltNames: an iPAddress SAN of a length GenerateDNSEntryIPString
     * refuses ("Out of Memory for IP string"); a real allocation failure in
     * a fuzzing process is an ASan/libFuzzer report, not this code. */
    {MEMORY_E, CF_REASON_PARSE},
    {MEMORY_ERROR, CF_REASON_INTERNAL},
    {VERIFY_CERT_ERROR, CF_REASON_OTHER},
};

const struct cf_wolfssl_code *cf_wolfssl_code_table(size_t *out_num) {
  *out_num = sizeof(kWolfsslReasons) / sizeof(kWolfsslReasons[0]);
  return kWolfsslReasons;
}

enum cf_reason cf_wolfssl_reason(int code) {
  for (size_t i = 0; i < sizeof(kWolfsslReasons) / sizeof(kWolfsslReasons[0]); i++) {
    if (kWolfsslReasons[i].code == code) {
      return kWolfsslReasons[i].reason;
    }
  }
  return CF_REASON_OTHER;
}

const char *cf_wolfssl_code_text(int code) {
  /* wolfSSL_ERR_reason_error_string covers the TLS layer's codes and hands
   * the others to wc_GetErrorString; both return static strings. */
  const char *text = wolfSSL_ERR_reason_error_string((unsigned long)code);
  return text != NULL ? text : "";
}

/* The device's clock, for wc_SetTimeCb. Thread-local: two threads verifying
 * different cases each see their own. */
static _Thread_local time_t g_case_time;

static time_t case_clock(time_t *timer) {
  if (timer != NULL) {
    *timer = g_case_time;
  }
  return g_case_time;
}

/* drop_send is the client's I/O send callback: the alert wolfSSL sends on a
 * bad certificate goes nowhere. */
static int drop_send(WOLFSSL *ssl, char *buf, int len, void *ctx) {
  (void)ssl;
  (void)buf;
  (void)ctx;
  return len;
}

static int no_recv(WOLFSSL *ssl, char *buf, int len, void *ctx) {
  (void)ssl;
  (void)buf;
  (void)len;
  (void)ctx;
  return WOLFSSL_CBIO_ERR_CONN_CLOSE;
}

/* anchor_like returns the index of a trust anchor of |c| with the same
 * subject name and public key as the self-signed |der|, or -1. wolfSSL
 * accepts a self-signed chain CA the server sent when an anchor of that name
 * and key verifies it (a trust anchor is a name and a key, RFC 5280 6.1.1
 * (d)); the CertManager then holds the sent copy, which signs itself, so the
 * walk meets it before the anchor. */
static int anchor_like(const struct cf_case *c, const uint8_t *der, size_t der_len) {
  DecodedCert self;
  int found = -1;

  InitDecodedCert(&self, der, (word32)der_len, NULL);
  if (ParseCertRelative(&self, CERT_TYPE, NO_VERIFY, NULL) != 0 ||
      self.publicKey == NULL) {
    goto done;
  }
  for (size_t i = 0; i < c->num_anchors && found < 0; i++) {
    DecodedCert anchor;
    InitDecodedCert(&anchor, c->anchors[i].data, (word32)c->anchors[i].len, NULL);
    if (ParseCertRelative(&anchor, CA_TYPE, NO_VERIFY, NULL) == 0 &&
        anchor.publicKey != NULL && anchor.pubKeySize == self.pubKeySize &&
        memcmp(anchor.publicKey, self.publicKey, self.pubKeySize) == 0 &&
        memcmp(anchor.subjectHash, self.subjectHash, KEYID_SIZE) == 0) {
      found = (int)i;
    }
    FreeDecodedCert(&anchor);
  }

done:
  FreeDecodedCert(&self);
  return found;
}

/* anchor_signer returns the index of a trust anchor of |c| whose key signed
 * |der| (wolfSSL's own check: a CertManager holding that anchor alone
 * verifies |der|, under the case's clock), or -1. For a certificate that a
 * name lookup makes its own signer although its key did not sign it: a
 * self-issued certificate carrying the root's new key (key rollover), sent
 * without an authority key identifier, once ProcessPeerCerts has added it
 * as a chain CA (after verifying it against the anchor). */
static int anchor_signer(const struct cf_case *c, const uint8_t *der,
                         size_t der_len) {
  for (size_t i = 0; i < c->num_anchors; i++) {
    WOLFSSL_CERT_MANAGER *cm = wolfSSL_CertManagerNew();
    int ok = cm != NULL && c->anchors[i].len > 0 &&
             c->anchors[i].len <= LONG_MAX &&
             wolfSSL_CertManagerLoadCABuffer(cm, c->anchors[i].data,
                                             (long)c->anchors[i].len,
                                             WOLFSSL_FILETYPE_ASN1) ==
                 WOLFSSL_SUCCESS &&
             wolfSSL_CertManagerVerifyBuffer(cm, der, (long)der_len,
                                             WOLFSSL_FILETYPE_ASN1) ==
                 WOLFSSL_SUCCESS;
    wolfSSL_CertManagerFree(cm);
    if (ok) {
      return (int)i;
    }
  }
  return -1;
}

/* report_path rebuilds the path wolfSSL relied on (see the top of the file)
 * into |out|, leaf first, and counts its intermediates in
 * |*out_intermediates|. It returns 1, or 0 if a certificate of it is not one
 * of the case's or the walk does not end at an anchor. */
static int report_path(struct cf_verdict *out, size_t *out_intermediates,
                       WOLFSSL_CERT_MANAGER *cm, const struct cf_case *c) {
  const uint8_t *der = c->leaf.data;
  size_t der_len = c->leaf.len;
  DecodedCert cert;
  int ok = 0;

  *out_intermediates = 0;
  if (!cf_verdict_add_path(out, c, der, der_len)) {
    return 0;
  }
  for (size_t step = 0; step < CF_MAX_PATH; step++) {
    InitDecodedCert(&cert, der, (word32)der_len, NULL);
    int ret = ParseCertRelative(&cert, CERT_TYPE, VERIFY, cm);
    Signer *ca = cert.ca;
    FreeDecodedCert(&cert);
    if (ret != 0 || ca == NULL || ca->derCert == NULL) {
      /* A self-issued certificate with the root's new key (key rollover),
       * sent without an authority key identifier: the lookup by name now
       * finds the certificate itself, whose key did not sign it, so the
       * check fails here; ProcessPeerCerts had verified it against the
       * anchor. */
      int a = step > 0 ? anchor_signer(c, der, der_len) : -1;
      if (a >= 0) {
        ok = cf_verdict_add_path(out, c, c->anchors[a].data, c->anchors[a].len);
      }
      break;
    }
    const uint8_t *up = ca->derCert->buffer;
    size_t up_len = ca->derCert->length;
    if (up_len == der_len && memcmp(up, der, der_len) == 0) {
      /* A self-signed anchor signs itself: the path has ended. A sent
       * self-signed CA that an anchor of the same name and key verified
       * ends at that anchor. */
      ok = cf_case_is_anchor(c, der, der_len);
      if (!ok) {
        int a = anchor_like(c, der, der_len);
        if (a >= 0) {
          ok = cf_verdict_add_path(out, c, c->anchors[a].data, c->anchors[a].len);
        }
      }
      break;
    }
    if (!cf_verdict_add_path(out, c, up, up_len)) {
      break;
    }
    if (cf_case_is_anchor(c, up, up_len)) {
      ok = 1;
      break;
    }
    (*out_intermediates)++;
    der = up;
    der_len = up_len;
  }
  return ok;
}

/* certificate_message encodes the chain as the body of a TLS 1.2
 * Certificate message (3-byte list length, then 3-byte length + DER per
 * entry) into a new buffer. */
static uint8_t *certificate_message(size_t *out_len, const struct cf_case *c) {
  size_t len = 3 + 3 + c->leaf.len;
  for (size_t i = 0; i < c->num_intermediates; i++) {
    len += 3 + c->intermediates[i].len;
  }
  if (len > 0xFFFFFF + 3) {
    return NULL;
  }
  uint8_t *msg = XMALLOC(len, NULL, DYNAMIC_TYPE_TMP_BUFFER);
  if (msg == NULL) {
    return NULL;
  }
  size_t off = 0;
  size_t list_len = len - 3;
  msg[off++] = (uint8_t)(list_len >> 16);
  msg[off++] = (uint8_t)(list_len >> 8);
  msg[off++] = (uint8_t)list_len;
  for (size_t i = 0; i <= c->num_intermediates; i++) {
    const struct cf_blob *b = i == 0 ? &c->leaf : &c->intermediates[i - 1];
    msg[off++] = (uint8_t)(b->len >> 16);
    msg[off++] = (uint8_t)(b->len >> 8);
    msg[off++] = (uint8_t)b->len;
    if (b->len > 0) {
      memcpy(msg + off, b->data, b->len);
    }
    off += b->len;
  }
  *out_len = len;
  return msg;
}

/* leaf_is_rsa says whether the leaf carries an RSA key (then the server
 * negotiates ECDHE_RSA), parsing it without verification. */
static int leaf_is_rsa(const struct cf_case *c) {
  DecodedCert cert;
  int rsa = 0;
  InitDecodedCert(&cert, c->leaf.data, (word32)c->leaf.len, NULL);
  if (ParseCertRelative(&cert, CERT_TYPE, NO_VERIFY, NULL) == 0) {
    rsa = cert.keyOID == RSAk;
  }
  FreeDecodedCert(&cert);
  return rsa;
}

/* reject reports ProcessPeerCerts' error |code|: REJECT with its reason,
 * but ERROR for the TLS layer's allocation failure (INTERNAL: see
 * kWolfsslReasons). */
static void reject(struct cf_verdict *out, int code) {
  enum cf_reason r = cf_wolfssl_reason(code);
  cf_verdict_set(out, r == CF_REASON_INTERNAL ? CF_ERROR : CF_REJECT, r, code,
                 cf_wolfssl_code_text(code));
}

void cf_wolfssl_forget_fp_cache(void) {
#ifdef FP_ECC
  cf_coverage_pause();
  wc_ecc_fp_free();
  cf_coverage_resume();
#endif
}

/* g_lax: the canary's mask (cf_wolfssl_verify_lax), read by lax_cb. */
static _Thread_local uint32_t g_lax;

/* lax_cb is a device's verify callback that overrides the errors of the
 * lax reasons (a non-zero return overrides, DoVerifyCallback). */
static int lax_cb(int preverify, WOLFSSL_X509_STORE_CTX *store) {
  if (!preverify && store != NULL &&
      (g_lax & (1u << cf_wolfssl_reason(store->error))) != 0) {
    return 1;
  }
  return preverify;
}

void cf_wolfssl_verify(struct cf_verdict *out, const struct cf_case *c) {
  cf_wolfssl_verify_lax(out, c, 0);
}

/* The canaries of this base (lib/validator.c, kCanaries). No CA-flag or
 * path-length canary: ProcessPeerCerts adds a chain certificate as a
 * signer only when it verified and has cA, before the verify callback
 * runs, so a callback that overrides ASN_PATHLEN_INV_E (or a missing cA,
 * which raises nothing) still leaves the leaf without a signer
 * (ASN_NO_SIGNER_E): a device cannot drop just those checks. */
CF_DEFINE_CANARY(wolfssl, expiry, CF_LAX_EXPIRY)
CF_DEFINE_CANARY(wolfssl, name, CF_LAX_NAME)
CF_DEFINE_CANARY(wolfssl, eku, CF_LAX_EKU)

void cf_wolfssl_verify_lax(struct cf_verdict *out, const struct cf_case *c,
                           uint32_t lax) {
  const struct cf_profile *p = &c->profile;
  WOLFSSL_CTX *ctx = NULL;
  WOLFSSL *ssl = NULL;
  uint8_t *msg = NULL;
  size_t msg_len = 0;
  char ip_text[64];

  cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, 0, "setup failed");
  if (wolfSSL_Init() != WOLFSSL_SUCCESS) {
    goto done;
  }
  cf_wolfssl_forget_fp_cache();
  g_case_time = (time_t)cf_profile_effective_time(p);
  if (wc_SetTimeCb(case_clock) != 0) {
    goto done;
  }
  ctx = wolfSSL_CTX_new(wolfTLSv1_2_client_method());
  if (ctx == NULL) {
    goto done;
  }
  g_lax = lax;
  wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_PEER, lax != 0 ? lax_cb : NULL);
  wolfSSL_CTX_SetIOSend(ctx, drop_send);
  wolfSSL_CTX_SetIORecv(ctx, no_recv);
  /* The device's bundle, loaded at boot (under the case's clock). */
  for (size_t i = 0; i < c->num_anchors; i++) {
    if (c->anchors[i].len > 0 && c->anchors[i].len <= LONG_MAX) {
      (void)wolfSSL_CTX_load_verify_buffer(ctx, c->anchors[i].data,
                                           (long)c->anchors[i].len,
                                           WOLFSSL_FILETYPE_ASN1);
    }
  }
  ssl = wolfSSL_new(ctx);
  if (ssl == NULL) {
    goto done;
  }
  if (p->name_type == CF_NAME_DNS &&
      wolfSSL_check_domain_name(ssl, p->dns_name) != WOLFSSL_SUCCESS) {
    goto done;
  }
  if (p->name_type == CF_NAME_IP) {
    if (inet_ntop(p->ip_len == 4 ? AF_INET : AF_INET6, p->ip, ip_text,
                  sizeof(ip_text)) == NULL ||
        wolfSSL_check_domain_name(ssl, ip_text) != WOLFSSL_SUCCESS) {
      goto done;
    }
  }
  /* A TLS server checking a device's certificate: the same path with the
   * server side's EKU check (clientAuth). wolfSSL_new refuses a server
   * object without a key of its own, so the side is switched here. */
  if (p->purpose == CF_PURPOSE_CLIENT_AUTH) {
    ssl->options.side = WOLFSSL_SERVER_END;
  }
  /* The negotiated suite, for the leaf's key usage check. */
  ssl->specs.kea = ecc_diffie_hellman_kea;
  ssl->specs.sig_algo = leaf_is_rsa(c) ? rsa_sa_algo : ecc_dsa_sa_algo;
  ssl->specs.static_ecdh = 0;

  msg = certificate_message(&msg_len, c);
  if (msg == NULL) {
    goto done;
  }
  /* The handshake layer (DoHandShakeMsg): a message over MAX_HANDSHAKE_SZ
   * is refused before ProcessPeerCerts sees it. */
  if (msg_len > MAX_HANDSHAKE_SZ) {
    reject(out, HANDSHAKE_SIZE_ERROR);
    goto done;
  }
  word32 idx = 0;
  int ret = ProcessPeerCerts(ssl, msg, &idx, (word32)msg_len);
  if (ret != 0) {
    reject(out, ret);
    goto done;
  }
  size_t num_intermediates = 0;
  cf_verdict_set(out, CF_ACCEPT, CF_REASON_NONE, 0, "");
  int have_path = report_path(out, &num_intermediates, SSL_CM(ssl), c);
  if (!have_path && lax != 0) {
    /* A canary's callback let a certificate pass that wolfSSL then did not
     * add as a signer: the device accepted, the path is not known. */
    cf_verdict_set(out, CF_ACCEPT, CF_REASON_NONE, 0, "");
  } else if (!have_path) {
    cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, 0,
                   "accepted, but the path wolfSSL relied on does not run from "
                   "the leaf to a trust anchor of the case");
  } else if (num_intermediates > p->max_depth) {
    cf_verdict_set(out, CF_REJECT, CF_REASON_PATH_LENGTH, (long)num_intermediates,
                   "path has more intermediates than the device's max depth "
                   "(adapter check on the path wolfSSL relied on)");
  }

done:
  XFREE(msg, NULL, DYNAMIC_TYPE_TMP_BUFFER);
  wolfSSL_free(ssl);
  wolfSSL_CTX_free(ctx);
}
