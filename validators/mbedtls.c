/* mbedtls.c — the mbedTLS 2.28 (and, as mbedtls3.c, 3.6) device validation path: what a device built
 * on mbedTLS runs when its TLS client receives the server's chain
 * (library/ssl_tls.c, ssl_parse_certificate_chain + ssl_parse_certificate_
 * verify, authmode REQUIRED, no verify callback that can change a flag:
 * the adapter's one callback only measures the path, see max depth):
 *
 *  - a Certificate message larger than MBEDTLS_SSL_IN_CONTENT_LEN (16 KiB)
 *    cannot be received (no handshake reassembly in TLS): REJECT
 *    RESOURCE_LIMIT;
 *  - each certificate of the Certificate message goes through
 *    mbedtls_x509_crt_parse_der into one chain, leaf first, in sending
 *    order; an entry under 128 bytes, or one that does not parse, fails the
 *    handshake (REJECT, with the parse error), except an unknown signature
 *    algorithm (X509_UNKNOWN_SIG_ALG + OID_NOT_FOUND), which the TLS stack
 *    skips, leaf included. Like the TLS stack, bytes after a certificate
 *    inside its entry are ignored (parse_der reads one SEQUENCE);
 *  - the device's CA bundle was loaded at boot; entries that do not parse
 *    are skipped (as mbedtls_x509_crt_parse does for a PEM bundle). No
 *    anchor at all is MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED: REJECT UNTRUSTED;
 *  - mbedtls_x509_crt_verify_with_profile with the default profile
 *    (mbedtls_x509_crt_profile_default, what mbedtls_ssl_config_defaults
 *    sets: SHA-224..SHA-512 only, any key type and curve, RSA >= 2048 bits),
 *    no CRL, the expected name;
 *  - then the TLS client's secondary checks: the leaf's EC curve against
 *    the configured curve list (the default, mbedtls_ecp_grp_id_list(),
 *    holds every curve the library can parse, so this never fires here)
 *    and mbedtls_ssl_check_cert_usage for the server side of an ECDHE
 *    ciphersuite matching the leaf's key (keyUsage digitalSignature; EKU
 *    serverAuth, or clientAuth for a client-auth profile).
 *
 * Device profile mapping (mbedTLS has fewer knobs than the profile):
 *  - clock: mbedTLS reads the time through mbedtls_time(); build.sh builds
 *    it with MBEDTLS_PLATFORM_TIME_ALT, and the adapter installs, with
 *    mbedtls_platform_set_time(), a clock that returns the case's time (or
 *    CF_CLOCK_UNSET_TIME when the device's clock is unset);
 *  - name: a DNS name is the hostname (mbedtls_ssl_set_hostname): dNSName
 *    SANs, else the subject CN when there is no SAN extension; wildcards
 *    always on. CF_PROFILE_FLAG_NO_CN_FALLBACK and _NO_WILDCARDS have no
 *    mbedTLS setting and are ignored. An IP address is given as its text
 *    form, which is what devices on 2.28 do (no iPAddress matching before
 *    3.5): it matches only a dNSName or CN spelling the address.
 *    CF_NAME_NONE passes NULL: no name check at all (2.28's insecure
 *    default, bug class B17);
 *  - max depth: mbedTLS has only the compile-time MBEDTLS_X509_MAX_
 *    INTERMEDIATE_CA (8; a longer path is MBEDTLS_ERR_X509_FATAL_ERROR). A
 *    device with a smaller limit learns the path length the only way
 *    mbedTLS offers, from the depths its verify callback sees; the adapter's
 *    callback only counts (it never reads or writes the flags), and a path
 *    with more intermediates than the profile allows turns an ACCEPT into
 *    REJECT PATH_LENGTH after the fact;
 *  - purpose none: no usage check; flags partial-chain / strict: mbedTLS
 *    has no such settings (a trusted non-self-signed anchor always ends a
 *    path in 2.28). */
#include <arpa/inet.h>
#include <string.h>

/* Two generations, one source: built as it is for Mbed TLS 2.28 (validator
 * "mbedtls"), and by validators/mbedtls3.c with CF_MBEDTLS_GEN 3 for 3.6
 * LTS (validator "mbedtls3"), whose symbols mk/mbedtls.mk renames so both
 * link into one binary; our own non-static names get a 3 as well. */
#if defined(CF_MBEDTLS_GEN) && CF_MBEDTLS_GEN == 3
#define CF_MBED3 1
#define cf_mbedtls_verify cf_mbedtls3_verify
#define cf_mbedtls_verify_lax cf_mbedtls3_verify_lax
#define cf_mbedtls_flag_table cf_mbedtls3_flag_table
#define cf_mbedtls_top_flag cf_mbedtls3_top_flag
#define cf_mbedtls_parse_reason cf_mbedtls3_parse_reason
#else
#define CF_MBED3 0
#endif

#include <mbedtls/ecp.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform.h>
#include <mbedtls/platform_time.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/x509_crt.h>
#if CF_MBED3
#include <psa/crypto.h>
/* library/ssl_misc.h, internal (it needs MBEDTLS_ALLOW_PRIVATE_ACCESS):
 * the TLS stack's keyUsage and EKU check. */
int mbedtls_ssl_check_cert_usage(const mbedtls_x509_crt *cert,
                                 const mbedtls_ssl_ciphersuite_t *ciphersuite,
                                 int recv_endpoint,
                                 mbedtls_ssl_protocol_version tls_version,
                                 uint32_t *flags);
#else
#include <mbedtls/ssl_internal.h>
#endif

#include "chainfuzz/validator.h"

#if CF_MBED3 != (MBEDTLS_VERSION_MAJOR >= 3)
#error "validators/mbedtls3.c needs Mbed TLS 3.x headers, validators/mbedtls.c 2.28's"
#endif
/* 3.x made most struct fields private. */
#if CF_MBED3
#define CF_MBED_FIELD(f) MBEDTLS_PRIVATE(f)
#else
#define CF_MBED_FIELD(f) f
#endif

#if !defined(MBEDTLS_PLATFORM_TIME_ALT)
#error "mbedTLS must be built with MBEDTLS_PLATFORM_TIME_ALT (build.sh's MBEDTLS_DEFS)"
#endif
#if !defined(MBEDTLS_X509_CRT_PARSE_C) || !defined(MBEDTLS_HAVE_TIME_DATE) || \
    (!CF_MBED3 && (!defined(MBEDTLS_X509_CHECK_KEY_USAGE) ||             \
                   !defined(MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE)))
#error "mbedTLS's default config (X509_CRT_PARSE_C, HAVE_TIME_DATE, 2.28's X509_CHECK_*KEY_USAGE) is needed"
#endif

/* kMbedtlsFlagReasons maps verify flags to the taxonomy. When several flags
 * are set, the first one in this table names the verdict: a chain that does
 * not reach an anchor (or whose signature fails: mbedTLS reports both as
 * NOT_TRUSTED) first, then the algorithm and key policy, validity, name,
 * usage. tests/mbedtls_validator_test.c checks that every flag is here. */
static const struct cf_mbedtls_flag kMbedtlsFlagReasons[] = {
    {MBEDTLS_X509_BADCERT_NOT_TRUSTED, CF_REASON_UNTRUSTED, "BADCERT_NOT_TRUSTED"},
    {MBEDTLS_X509_BADCERT_MISSING, CF_REASON_UNTRUSTED, "BADCERT_MISSING"},
    {MBEDTLS_X509_BADCERT_SKIP_VERIFY, CF_REASON_UNTRUSTED, "BADCERT_SKIP_VERIFY"},
    {MBEDTLS_X509_BADCERT_REVOKED, CF_REASON_OTHER, "BADCERT_REVOKED"},
    {MBEDTLS_X509_BADCERT_BAD_MD, CF_REASON_WEAK_ALGORITHM, "BADCERT_BAD_MD"},
    {MBEDTLS_X509_BADCERT_BAD_PK, CF_REASON_WEAK_ALGORITHM, "BADCERT_BAD_PK"},
    {MBEDTLS_X509_BADCERT_BAD_KEY, CF_REASON_WEAK_KEY, "BADCERT_BAD_KEY"},
    {MBEDTLS_X509_BADCERT_EXPIRED, CF_REASON_EXPIRED, "BADCERT_EXPIRED"},
    {MBEDTLS_X509_BADCERT_FUTURE, CF_REASON_NOT_YET_VALID, "BADCERT_FUTURE"},
    {MBEDTLS_X509_BADCERT_CN_MISMATCH, CF_REASON_NAME_MISMATCH, "BADCERT_CN_MISMATCH"},
    {MBEDTLS_X509_BADCERT_KEY_USAGE, CF_REASON_KEY_USAGE, "BADCERT_KEY_USAGE"},
    {MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, CF_REASON_EKU, "BADCERT_EXT_KEY_USAGE"},
    {MBEDTLS_X509_BADCERT_NS_CERT_TYPE, CF_REASON_EKU, "BADCERT_NS_CERT_TYPE"},
    {MBEDTLS_X509_BADCERT_OTHER, CF_REASON_OTHER, "BADCERT_OTHER"},
    /* No CRL is ever passed: these would be a library bug. */
    {MBEDTLS_X509_BADCRL_NOT_TRUSTED, CF_REASON_INTERNAL, "BADCRL_NOT_TRUSTED"},
    {MBEDTLS_X509_BADCRL_EXPIRED, CF_REASON_INTERNAL, "BADCRL_EXPIRED"},
    {MBEDTLS_X509_BADCRL_FUTURE, CF_REASON_INTERNAL, "BADCRL_FUTURE"},
    {MBEDTLS_X509_BADCRL_BAD_MD, CF_REASON_INTERNAL, "BADCRL_BAD_MD"},
    {MBEDTLS_X509_BADCRL_BAD_PK, CF_REASON_INTERNAL, "BADCRL_BAD_PK"},
    {MBEDTLS_X509_BADCRL_BAD_KEY, CF_REASON_INTERNAL, "BADCRL_BAD_KEY"},
};

const struct cf_mbedtls_flag *cf_mbedtls_flag_table(size_t *out_num) {
  *out_num = sizeof(kMbedtlsFlagReasons) / sizeof(kMbedtlsFlagReasons[0]);
  return kMbedtlsFlagReasons;
}

const struct cf_mbedtls_flag *cf_mbedtls_top_flag(uint32_t flags) {
  for (size_t i = 0; i < sizeof(kMbedtlsFlagReasons) / sizeof(kMbedtlsFlagReasons[0]);
       i++) {
    if (flags & kMbedtlsFlagReasons[i].flag) {
      return &kMbedtlsFlagReasons[i];
    }
  }
  return NULL;
}

/* kMbedtlsParseErrors names the high-level X.509 error of a certificate
 * that does not parse (mbedTLS adds a low-level ASN.1 code to it). */
static const struct {
  int code;
  enum cf_reason reason;
  const char *text;
} kMbedtlsParseErrors[] = {
    /* A critical extension mbedTLS knows but does not implement (name
     * constraints, policy constraints, ...; x509_get_crt_ext). */
    {MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE, CF_REASON_CRITICAL_EXTENSION,
     "X509_FEATURE_UNAVAILABLE (unsupported critical extension or feature)"},
    /* md2/md4/unknown signature OIDs: the device cannot check it. */
    {MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG, CF_REASON_WEAK_ALGORITHM,
     "X509_UNKNOWN_SIG_ALG"},
    {MBEDTLS_ERR_X509_UNKNOWN_OID, CF_REASON_PARSE, "X509_UNKNOWN_OID"},
    {MBEDTLS_ERR_X509_INVALID_FORMAT, CF_REASON_PARSE, "X509_INVALID_FORMAT"},
    {MBEDTLS_ERR_X509_INVALID_VERSION, CF_REASON_PARSE, "X509_INVALID_VERSION"},
    {MBEDTLS_ERR_X509_INVALID_SERIAL, CF_REASON_PARSE, "X509_INVALID_SERIAL"},
    {MBEDTLS_ERR_X509_INVALID_ALG, CF_REASON_PARSE, "X509_INVALID_ALG"},
    {MBEDTLS_ERR_X509_INVALID_NAME, CF_REASON_PARSE, "X509_INVALID_NAME"},
    {MBEDTLS_ERR_X509_INVALID_DATE, CF_REASON_PARSE, "X509_INVALID_DATE"},
    {MBEDTLS_ERR_X509_INVALID_SIGNATURE, CF_REASON_PARSE, "X509_INVALID_SIGNATURE"},
    {MBEDTLS_ERR_X509_INVALID_EXTENSIONS, CF_REASON_PARSE, "X509_INVALID_EXTENSIONS"},
    {MBEDTLS_ERR_X509_UNKNOWN_VERSION, CF_REASON_PARSE, "X509_UNKNOWN_VERSION"},
    {MBEDTLS_ERR_X509_SIG_MISMATCH, CF_REASON_PARSE, "X509_SIG_MISMATCH"},
    {MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT, CF_REASON_PARSE, "X509_CERT_UNKNOWN_FORMAT"},
    {MBEDTLS_ERR_X509_ALLOC_FAILED, CF_REASON_INTERNAL, "X509_ALLOC_FAILED"},
    /* pk.h: the key's algorithm is not one mbedTLS supports (Ed25519,
     * Ed448, ... in 2.28: RSA and EC keys only). */
    {MBEDTLS_ERR_PK_UNKNOWN_PK_ALG, CF_REASON_PARSE,
     "PK_UNKNOWN_PK_ALG (key type mbedTLS does not support, e.g. Ed25519)"},
    {MBEDTLS_ERR_PK_KEY_INVALID_FORMAT, CF_REASON_PARSE, "PK_KEY_INVALID_FORMAT"},
    {MBEDTLS_ERR_PK_INVALID_PUBKEY, CF_REASON_PARSE, "PK_INVALID_PUBKEY"},
    {MBEDTLS_ERR_PK_INVALID_ALG, CF_REASON_PARSE, "PK_INVALID_ALG"},
#if CF_MBED3
    /* 3.x's parser returns it for content too: an iPAddress SAN that is
     * neither 4 nor 16 bytes (mbedtls_x509_parse_subject_alt_name). */
    {MBEDTLS_ERR_X509_BAD_INPUT_DATA, CF_REASON_PARSE, "X509_BAD_INPUT_DATA"},
#else
    {MBEDTLS_ERR_X509_BAD_INPUT_DATA, CF_REASON_INTERNAL, "X509_BAD_INPUT_DATA"},
#endif
};

/* The code x509_get_crt_ext returns for a critical extension whose OID
 * mbedTLS does not know (INVALID_EXTENSIONS + ASN1_UNEXPECTED_TAG). */
#define CF_MBEDTLS_UNKNOWN_CRITICAL_EXT \
  (MBEDTLS_ERR_X509_INVALID_EXTENSIONS + MBEDTLS_ERR_ASN1_UNEXPECTED_TAG)

enum cf_reason cf_mbedtls_parse_reason(int ret, const char **out_text) {
  static const char kUnknownCritical[] =
      "X509_INVALID_EXTENSIONS + ASN1_UNEXPECTED_TAG (unknown critical extension, "
      "or a misplaced tag in the extensions)";
  if (ret == CF_MBEDTLS_UNKNOWN_CRITICAL_EXT) {
    *out_text = kUnknownCritical;
    return CF_REASON_CRITICAL_EXTENSION;
  }
  /* High-level codes are multiples of 0x80; the low-level part is below. */
  int high = ret < 0 ? -((-ret) & 0xFF80) : ret;
  for (size_t i = 0; i < sizeof(kMbedtlsParseErrors) / sizeof(kMbedtlsParseErrors[0]);
       i++) {
    if (kMbedtlsParseErrors[i].code == high) {
      *out_text = kMbedtlsParseErrors[i].text;
      return kMbedtlsParseErrors[i].reason;
    }
  }
  *out_text = "certificate does not parse (non-X.509 mbedTLS error)";
  return CF_REASON_PARSE;
}

/* The device's clock, for the platform time hook. Thread-local: two
 * threads verifying different cases each see their own. */
static _Thread_local mbedtls_time_t g_case_time;

static mbedtls_time_t case_clock(mbedtls_time_t *timer) {
  if (timer != NULL) {
    *timer = g_case_time;
  }
  return g_case_time;
}

/* path_seen is what the read-only verify callback records of the path. */
struct path_seen {
  int max_depth;                                  /* -1: callback never ran */
  uint32_t lax_flags; /* canaries: flags the device's callback clears */
  const mbedtls_x509_crt *crt[CF_MAX_PATH];       /* by depth, leaf at 0 */
};

/* count_depth is the verify callback that measures the path: it records
 * the largest depth mbedTLS reports and the certificate at each depth, and
 * touches |flags| only for a canary (clearing its lax flags). */
static int count_depth(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
  struct path_seen *seen = ctx;
  *flags &= ~seen->lax_flags;
  if (depth > seen->max_depth) {
    seen->max_depth = depth;
  }
  if (depth >= 0 && depth < CF_MAX_PATH) {
    seen->crt[depth] = crt;
  }
  return 0;
}

/* report_path copies the path the callback saw into |out|: 1 on success, 0
 * if a certificate of it is not one of the case's. */
static int report_path(struct cf_verdict *out, const struct path_seen *seen,
                       const struct cf_case *c) {
  for (int d = 0; d <= seen->max_depth; d++) {
    if (d >= CF_MAX_PATH || seen->crt[d] == NULL ||
        !cf_verdict_add_path(out, c, seen->crt[d]->raw.p, seen->crt[d]->raw.len)) {
      return 0;
    }
  }
  return 1;
}

/* server_suite returns the ECDHE ciphersuite a device would negotiate with
 * this leaf's key, for mbedtls_ssl_check_cert_usage. */
static const mbedtls_ssl_ciphersuite_t *server_suite(const mbedtls_x509_crt *leaf) {
  int id = mbedtls_pk_can_do(&leaf->pk, MBEDTLS_PK_ECDSA)
               ? MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
               : MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
  return mbedtls_ssl_ciphersuite_from_id(id);
}

#if !CF_MBED3
/* curve_allowed mirrors mbedtls_ssl_check_curve with the default curve list
 * of mbedtls_ssl_config_defaults (mbedtls_ecp_grp_id_list()). */
static int curve_allowed(mbedtls_ecp_group_id id) {
  for (const mbedtls_ecp_group_id *g = mbedtls_ecp_grp_id_list();
       *g != MBEDTLS_ECP_DP_NONE; g++) {
    if (*g == id) {
      return 1;
    }
  }
  return 0;
}
#endif

/* lax_flags returns the verify flags of the reasons in |lax|. */
static uint32_t lax_flags(uint32_t lax) {
  size_t num;
  const struct cf_mbedtls_flag *t = cf_mbedtls_flag_table(&num);
  uint32_t flags = 0;
  for (size_t i = 0; i < num; i++) {
    if (lax & (1u << t[i].reason)) {
      flags |= t[i].flag;
    }
  }
  return flags;
}

/* make_lax: for the CA-flag and path-length canaries, which have no flag
 * (x509_crt_find_parent_in skips a parent without cA or past its pathLen,
 * and the chain ends NOT_TRUSTED), every certificate the server sent but
 * the leaf reads as a parser that skips the field would make it: cA true,
 * no pathLen. The anchors stay as they are (a pinned leaf made a CA would
 * then need keyCertSign). */
static void make_lax(mbedtls_x509_crt *list, int skip_first, uint32_t lax) {
  for (mbedtls_x509_crt *x = list; x != NULL && x->raw.p != NULL; x = x->next) {
    if (skip_first) {
      skip_first = 0;
      continue;
    }
    if (lax & CF_LAX_CA) {
      x->CF_MBED_FIELD(ca_istrue) = 1;
    }
    if (lax & CF_LAX_PATHLEN) {
      x->CF_MBED_FIELD(max_pathlen) = 0;
    }
  }
}

void cf_mbedtls_verify(struct cf_verdict *out, const struct cf_case *c) {
  cf_mbedtls_verify_lax(out, c, 0);
}

#if !CF_MBED3
/* The canaries of this base (lib/validator.c, kCanaries). */
CF_DEFINE_CANARY(mbedtls, expiry, CF_LAX_EXPIRY)
CF_DEFINE_CANARY(mbedtls, name, CF_LAX_NAME)
CF_DEFINE_CANARY(mbedtls, ca, CF_LAX_CA)
CF_DEFINE_CANARY(mbedtls, pathlen, CF_LAX_PATHLEN)
CF_DEFINE_CANARY(mbedtls, eku, CF_LAX_EKU)
#endif

void cf_mbedtls_verify_lax(struct cf_verdict *out, const struct cf_case *c,
                           uint32_t lax) {
  const struct cf_profile *p = &c->profile;
  mbedtls_x509_crt anchors, chain;
  char expected[64];
  const char *cn = NULL;
  size_t num_anchors = 0, skipped = 0;
  uint32_t flags = 0;
  int ret;
  struct path_seen seen;

  memset(&seen, 0, sizeof(seen));
  seen.max_depth = -1;
  seen.lax_flags = lax != 0 ? lax_flags(lax) : 0; /* 0: the device path */

  mbedtls_x509_crt_init(&anchors);
  mbedtls_x509_crt_init(&chain);
  cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, 0, "setup failed");
#if CF_MBED3
  /* What mbedtls_ssl_setup needs first; idempotent. */
  if (psa_crypto_init() != PSA_SUCCESS) {
    goto done;
  }
#endif

  for (size_t i = 0; i < c->num_anchors; i++) {
    if (mbedtls_x509_crt_parse_der(&anchors, c->anchors[i].data,
                                   c->anchors[i].len) == 0) {
      num_anchors++;
    }
  }
#if CF_MBED3
  /* 3.6 negotiates TLS 1.3 with a current server. Its record layer
   * reassembles a fragmented handshake message (ssl_msg.c,
   * mbedtls_ssl_prepare_handshake_record), but in the input buffer: the
   * whole Certificate message (4-byte header, 1-byte context, 3-byte list
   * length, per entry 3 bytes of length and 2 of extensions) must fit in
   * MBEDTLS_SSL_IN_CONTENT_LEN. */
  size_t msg_len = 4 + 1 + 3 + 3 + c->leaf.len + 2;
  for (size_t i = 0; i < c->num_intermediates; i++) {
    msg_len += 3 + c->intermediates[i].len + 2;
  }
#else
  /* The record layer: 2.28 reassembles no TLS handshake message across
   * records (ssl_msg.c, mbedtls_ssl_prepare_handshake_record: "TLS
   * handshake fragmentation not supported"), so the whole Certificate
   * message (4-byte header, 3-byte list length, 3 bytes per entry) must fit
   * in MBEDTLS_SSL_IN_CONTENT_LEN. */
  size_t msg_len = 4 + 3 + 3 + c->leaf.len;
  for (size_t i = 0; i < c->num_intermediates; i++) {
    msg_len += 3 + c->intermediates[i].len;
  }
#endif
  if (msg_len > MBEDTLS_SSL_IN_CONTENT_LEN) {
    cf_verdict_set(out, CF_REJECT, CF_REASON_RESOURCE_LIMIT,
                MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE,
                "SSL_FEATURE_UNAVAILABLE (Certificate message larger than "
                "MBEDTLS_SSL_IN_CONTENT_LEN)");
    goto done;
  }
  /* ssl_parse_certificate_chain, entry by entry. */
  for (size_t i = 0; i <= c->num_intermediates; i++) {
    const struct cf_blob *b = i == 0 ? &c->leaf : &c->intermediates[i - 1];
#if CF_MBED3
    /* ssl_tls13_parse_certificate: 128 bytes to 64 KiB. */
    if (b->len < 128 || b->len >= 0x10000) {
      cf_verdict_set(out, CF_REJECT, CF_REASON_PARSE, MBEDTLS_ERR_SSL_DECODE_ERROR,
                  "SSL_DECODE_ERROR (certificate entry under 128 bytes or of 64 KiB)");
      goto done;
    }
#else
    if (b->len < 128) {
      cf_verdict_set(out, CF_REJECT, CF_REASON_PARSE, MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE,
                  "SSL_BAD_HS_CERTIFICATE (certificate entry shorter than 128 bytes)");
      goto done;
    }
#endif
    ret = mbedtls_x509_crt_parse_der(&chain, b->data, b->len);
    if (ret == MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG + MBEDTLS_ERR_OID_NOT_FOUND) {
      /* "Ignore certificate with an unknown algorithm: maybe a prior
       * certificate was already trusted." The entry is dropped, even the
       * leaf's: the next parsed certificate heads the chain. */
      skipped++;
      continue;
    }
    if (ret != 0) {
      const char *text;
      enum cf_reason r = cf_mbedtls_parse_reason(ret, &text);
      cf_verdict_set(out, r == CF_REASON_INTERNAL ? CF_ERROR : CF_REJECT, r, ret, text);
      goto done;
    }
  }
  if (chain.raw.p == NULL) {
    /* Every entry was skipped: nothing to verify. */
    cf_verdict_set(out, CF_REJECT, CF_REASON_WEAK_ALGORITHM,
                MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG + MBEDTLS_ERR_OID_NOT_FOUND,
                "X509_UNKNOWN_SIG_ALG on every certificate (all skipped)");
    goto done;
  }
  if (num_anchors == 0) {
    cf_verdict_set(out, CF_REJECT, CF_REASON_UNTRUSTED,
                MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED,
                "SSL_CA_CHAIN_REQUIRED (no trust anchor loaded)");
    goto done;
  }

#if CF_MBED3
  /* mbedtls_ssl_verify_certificate, get_hostname_for_verification: a
   * client with authmode REQUIRED that never set a host name fails before
   * any X.509 check (3.6.3, CVE-2025-27809). */
  if (p->name_type == CF_NAME_NONE) {
    cf_verdict_set(out, CF_REJECT, CF_REASON_NAME_MISMATCH,
                   MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME,
                   "SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME (no host name "
                   "set)");
    goto done;
  }
#endif
  if (p->name_type == CF_NAME_DNS) {
    cn = p->dns_name;
  } else if (p->name_type == CF_NAME_IP) {
    if (inet_ntop(p->ip_len == 4 ? AF_INET : AF_INET6, p->ip, expected,
                  sizeof(expected)) == NULL) {
      goto done;
    }
    cn = expected;
  }

  if (lax & (CF_LAX_CA | CF_LAX_PATHLEN)) {
    make_lax(&chain, 1, lax);
  }
  g_case_time = (mbedtls_time_t)cf_profile_effective_time(p);
  if (mbedtls_platform_set_time(case_clock) != 0) {
    goto done;
  }
  ret = mbedtls_x509_crt_verify_with_profile(&chain, &anchors, NULL,
                                             &mbedtls_x509_crt_profile_default,
                                             cn, &flags, count_depth, &seen);
  if (ret == MBEDTLS_ERR_X509_FATAL_ERROR) {
    /* x509_crt_verify_chain: a path longer than MBEDTLS_X509_MAX_
     * INTERMEDIATE_CA intermediates; flags are then all ones. */
    cf_verdict_set(out, CF_REJECT, CF_REASON_PATH_LENGTH, ret,
                "X509_FATAL_ERROR (path longer than MBEDTLS_X509_MAX_INTERMEDIATE_CA)");
    goto done;
  }
  if (ret != 0 && ret != MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
    cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, ret,
                "mbedtls_x509_crt_verify_with_profile failed without flags");
    goto done;
  }

#if CF_MBED3
  /* The TLS client's secondary checks (mbedtls_ssl_verify_certificate):
   * in TLS 1.3 no curve check (the curve is in the signature algorithm),
   * keyUsage digitalSignature, EKU for the side that receives the
   * certificate (a client checks serverAuth). */
  if (p->purpose != CF_PURPOSE_NONE) {
    (void)mbedtls_ssl_check_cert_usage(
        &chain, server_suite(&chain),
        p->purpose == CF_PURPOSE_SERVER_AUTH ? MBEDTLS_SSL_IS_CLIENT
                                             : MBEDTLS_SSL_IS_SERVER,
        MBEDTLS_SSL_VERSION_TLS1_3, &flags);
  }
#else
  /* The TLS client's secondary checks (ssl_parse_certificate_verify). */
  if (mbedtls_pk_can_do(&chain.pk, MBEDTLS_PK_ECKEY) &&
      !curve_allowed(mbedtls_pk_ec(chain.pk)->grp.id)) {
    flags |= MBEDTLS_X509_BADCERT_BAD_KEY;
  }
  if (p->purpose != CF_PURPOSE_NONE) {
    const mbedtls_ssl_ciphersuite_t *suite = server_suite(&chain);
    if (suite == NULL) {
      goto done;
    }
    (void)mbedtls_ssl_check_cert_usage(
        &chain, suite,
        p->purpose == CF_PURPOSE_SERVER_AUTH ? MBEDTLS_SSL_IS_SERVER
                                             : MBEDTLS_SSL_IS_CLIENT,
        &flags);
  }
#endif
  flags &= ~seen.lax_flags;

  if (flags != 0) {
    const struct cf_mbedtls_flag *top = cf_mbedtls_top_flag(flags);
    if (top == NULL) {
      cf_verdict_set(out, CF_REJECT, CF_REASON_OTHER, (long)flags,
                  "unknown verify flag");
    } else {
      cf_verdict_set(out, CF_REJECT, top->reason, (long)flags, top->text);
    }
  } else if (ret != 0) {
    cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, ret,
                "X509_CERT_VERIFY_FAILED with no flag set");
  } else if (seen.max_depth < 0) {
    cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, 0,
                "accepted without reporting a path to the verify callback");
  } else if (seen.max_depth >= 2 && (size_t)(seen.max_depth - 1) > p->max_depth) {
    /* depth 0 is the leaf, |depth| the anchor: depth-1 intermediates. */
    cf_verdict_set(out, CF_REJECT, CF_REASON_PATH_LENGTH, seen.max_depth,
                "path has more intermediates than the device's max depth "
                "(adapter check on the verify callback's depth)");
  } else {
    cf_verdict_set(out, CF_ACCEPT, CF_REASON_NONE, 0, "");
    if (!report_path(out, &seen, c)) {
      cf_verdict_set(out, CF_ERROR, CF_REASON_INTERNAL, 0,
                     "accepted path holds a certificate that is not in the case");
    }
  }

done:
  mbedtls_x509_crt_free(&chain);
  mbedtls_x509_crt_free(&anchors);
}
