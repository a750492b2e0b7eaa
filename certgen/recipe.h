/* recipe.h — a certgen *recipe*: one scenario, as the text file a person
 * writes (certgen/scenarios/<namespace>/<name>.recipe) and as the data model
 * the parser (recipe.c), the builder (build.c) and the oracle (oracle.c)
 * share. The format is documented for users in docs/recipes.md; this comment
 * is the grammar the code implements.
 *
 * ---------------------------------------------------------------------------
 * Text format, version 1
 *
 * Line oriented. '#' starts a comment (outside a quoted string). Blank lines
 * and leading/trailing white space are ignored. A line is KEYWORD ARG...;
 * arguments are separated by blanks; an argument may be a quoted string
 * "..." with the escapes \" \\ \n \t \xHH (\x00 gives a NUL byte inside a
 * name; nothing else can). Keywords and enum words are lowercase, except the
 * reason names of the taxonomy (EXPIRED, ...) and bug-class ids (B01, ...).
 *
 * The file has three parts, in this order:
 *
 * 1. Header (each line once, `recipe`, `id` and `expect` required):
 *      recipe 1                        format version; first line
 *      id NAMESPACE::NAME              [a-z0-9][a-z0-9.-]* parts joined by
 *                                      "::", at least two parts; must match
 *                                      the file's path under scenarios/
 *                                      (iot::expired-leaf ↔ iot/expired-leaf
 *                                      .recipe) when loaded from a catalogue
 *      title "one line"                what the scenario shows
 *      expect accept
 *      expect reject REASON            REASON from verdict.h (EXPIRED, ...)
 *      expect either [REASON]          the standards leave it open; REASON:
 *                                      what a rejecting library should say
 *      class B01 [B27 ...]             bug-classes.md ids this exposes
 *                                      (repeatable line)
 *      why "RFC 5280 6.1.3 (a)(2)..."  the rule behind the expectation
 *
 * 2. One block per certificate:  `cert NAME TEMPLATE`  then property lines.
 *    NAME: [a-z0-9_-]{1,31}, unique. TEMPLATE sets defaults that the
 *    property lines then override:
 *      root  self-signed CA: issuer self, basic-constraints ca (critical),
 *            key-usage keyCertSign cRLSign (critical), ski auto, aki absent,
 *            subject "CN=chainfuzz NAME", validity 2020-01-01T00:00:00Z ..
 *            2040-01-01T00:00:00Z, version 3
 *      ica   as root but issuer required (no default), aki auto
 *      leaf  end entity: issuer required, basic-constraints ee (critical),
 *            key-usage digitalSignature (+ keyEncipherment for an RSA key)
 *            (critical), eku serverAuth, san dns:device.example.com,
 *            subject "CN=device.example.com", ski auto, aki auto, validity
 *            2025-06-01T00:00:00Z .. 2026-06-01T00:00:00Z
 *      bare  nothing: version 3, no extensions, subject empty; issuer
 *            required; validity as root
 *    Properties (each once unless "repeatable"):
 *      key POOLKEY                     subject key (required): a key pool
 *                                      name, see keypool.h (root-p256 ...)
 *      issuer self | CERT              who signs (CERT: another block's
 *                                      NAME, defined before or after); the
 *                                      issuer DN is that cert's subject
 *      issuer-name DN                  encode this issuer DN instead
 *      signed-by POOLKEY               sign with this key instead of the
 *                                      issuer's (a forgery: issuer named,
 *                                      wrong key)
 *      subject DN | empty
 *      version 1 | 2 | 3               1: no extensions are written
 *      issuer-unique-id HEX | -        issuerUniqueID [1] / subjectUniqueID
 *      subject-unique-id HEX | -       [2]: a BIT STRING of these bytes (no
 *                                      unused bits; - empty), written at
 *                                      any version (RFC 5280 4.1.2.8 allows
 *                                      them in version 2 and 3 only)
 *      serial HEX                      the INTEGER's content octets as
 *                                      encoded: 00 zero, ff -1, 0001 non-
 *                                      minimal, 21+ bytes too long. Default:
 *                                      8 bytes from a hash of the recipe,
 *                                      positive
 *      not-before TIME   not-after TIME
 *        TIME = YYYY-MM-DDTHH:MM:SSZ (encoded as RFC 5280 4.1.2.5 says:
 *        UTCTime through 2049, GeneralizedTime from 2050), or with a prefix
 *        utc: / gen: to force the type (utc: only for 1950-2049), or
 *        raw-utc:"STRING" / raw-gen:"STRING" for the exact content octets
 *        ("200101000000.5Z", "20200101000000+0100", ...): the oracle then
 *        treats the time as malformed (PARSE) unless noted in oracle.h.
 *      sig-alg ALG                     both AlgorithmIdentifiers and the
 *                                      signing hash; default from the
 *                                      signer's key: rsa-pkcs1-sha256,
 *                                      ecdsa-sha256 (P-256), ecdsa-sha384
 *                                      (P-384), ecdsa-sha512 (P-521), ed25519
 *      tbs-sig-alg ALG / outer-sig-alg ALG   only that one (B13: differ)
 *        ALG = rsa-pkcs1-md5 | rsa-pkcs1-sha1 | rsa-pkcs1-sha256 |
 *              rsa-pkcs1-sha384 | rsa-pkcs1-sha512 | rsa-pss-sha256 |
 *              ecdsa-sha1 | ecdsa-sha256 | ecdsa-sha384 | ecdsa-sha512 |
 *              ed25519 | oid:DOTTED
 *        The signature is made with the outer algorithm's hash when the
 *        signer's key can make it (ecdsa-sha1 with a P-384 key: yes;
 *        ecdsa-sha256 with an RSA key: no, then the key's default algorithm
 *        signs and only the identifier lies).
 *      basic-constraints absent
 *      basic-constraints ca [pathlen=N] [noncritical]
 *      basic-constraints ee [noncritical] [explicit-false]
 *                                      ee: cA absent (FALSE by DEFAULT);
 *                                      explicit-false: cA FALSE encoded
 *                                      (not DER, a PARSE for strict parsers)
 *      key-usage absent | BIT... [noncritical]
 *        BIT = digitalSignature nonRepudiation keyEncipherment
 *              dataEncipherment keyAgreement keyCertSign cRLSign
 *              encipherOnly decipherOnly
 *      eku absent | PURPOSE... [critical]
 *        PURPOSE = serverAuth clientAuth codeSigning emailProtection
 *                  timeStamping OCSPSigning anyExtendedKeyUsage | oid:DOTTED
 *      san absent | GN... [critical]
 *        GN = dns:NAME | ip:ADDR (v4 or v6 text) | email:ADDR | uri:URI |
 *             dn:DN | raw:HEX (a whole GeneralName TLV); NAME/ADDR/URI may
 *             be quoted ("a\x00b")
 *      permit NCGN...   exclude NCGN...  (repeatable; nameConstraints is
 *                                      present when either appears)
 *        NCGN = dns:NAME | ip:ADDR/PREFIXLEN | email:X | uri:HOST | dn:DN
 *      name-constraints-noncritical    (default critical, RFC 5280 4.2.1.10)
 *      ski absent | auto | HEX         auto: SHA-1 of subjectPublicKey
 *      aki absent | auto | HEX         keyIdentifier only; auto: the signer's
 *                                      ski auto value
 *      policies OID... [critical]      certificatePolicies; OID "any" is
 *                                      anyPolicy (2.5.29.32.0)
 *      policies malformed              an extnValue that does not decode
 *      policy-mappings ISSUER=SUBJECT... [noncritical]
 *                                      policyMappings (RFC 5280 4.2.1.5;
 *                                      critical unless noncritical): pairs
 *                                      of policy OIDs, either may be "any"
 *      policy-constraints [require-explicit=N] [inhibit-mapping=N]
 *                                      (always critical)
 *      inhibit-any-policy N
 *      extension OID HEX [critical]    (repeatable) a raw extension whose
 *                                      extnValue contents are HEX ("-" for
 *                                      empty); an OID certgen does not know
 *                                      is "unknown" to the oracle
 *      duplicate EXT                   write extension EXT twice (EXT =
 *                                      basic-constraints key-usage eku san
 *                                      name-constraints ski aki policies)
 *      spki explicit-params            EC key: explicit curve parameters
 *                                      with the standard generator
 *      spki explicit-generator         EC key: explicit parameters whose
 *                                      generator is the key's own public
 *                                      point, so the private key becomes 1
 *                                      and anyone can sign (CVE-2020-0601);
 *                                      certificates this one issues are
 *                                      signed that way
 *      pad N                           a non-critical private extension of N
 *                                      zero bytes (device buffer limits)
 *      defect D...                     (repeatable) deliberate malformations:
 *        sig-bitflip       one bit of the signature value flipped
 *        sig-truncate      last byte of the signature value dropped
 *        sig-empty         empty signature value
 *        sig-zero-r sig-zero-s   ECDSA: r (or s) = 0, other value honest
 *        sig-zero-rs       signatureValue 30 06 02 01 00 02 01 00 (B12)
 *        sig-e3-forgery    RSA e=3 signer: Bleichenbacher forgery, PKCS#1
 *                          block with garbage after the DigestInfo (B11)
 *        long-length       outer SEQUENCE length in non-minimal long form
 *        indefinite-length outer SEQUENCE with indefinite length (BER)
 *        trailing-data     two zero bytes after the certificate
 *        nonminimal-serial serial INTEGER with a redundant leading 00
 *        wrong-outer-tag   outer tag SET instead of SEQUENCE
 *        bitstring-unused  signature BIT STRING with 1 unused bit declared
 *        tbs-trailing      an extra NULL inside TBSCertificate after the
 *                          last field
 *
 * 3. The device block:  `device`  then:
 *      anchors CERT...                 the trust store (required, may be
 *                                      the word none)
 *      chain CERT...                   what the server sends, in order; the
 *                                      first is the leaf (required)
 *      time TIME | unset               default 2026-01-01T00:00:00Z
 *                                      (CF_DEFAULT_TIME); unset = the clock
 *                                      was never set (CF_CLOCK_UNSET_TIME)
 *      dns NAME | ip ADDR | no-name    default dns device.example.com
 *      purpose server-auth | client-auth | none     default server-auth
 *      max-depth N                     intermediates allowed, default 8
 *      flags FLAG...                   partial-chain no-cn-fallback
 *                                      no-wildcards strict
 *      min-rsa-bits N                  default 2048
 *      algorithms ALG...               signature algorithms the device
 *                                      accepts; default all of the list
 *                                      above except rsa-pkcs1-md5,
 *                                      rsa-pkcs1-sha1 and ecdsa-sha1
 *      max-chain-bytes N               device buffer for the whole chain
 *                                      as sent (sum of DER sizes); 0 (the
 *                                      default) = no limit
 *
 * Everything else is an error reported as FILE:LINE:COL: message, with
 * COL the 1-based column of the offending argument; nothing is written.
 * ------------------------------------------------------------------------- */
#ifndef CHAINFUZZ_CERTGEN_RECIPE_H
#define CHAINFUZZ_CERTGEN_RECIPE_H

#include <stddef.h>
#include <stdint.h>

#include "chainfuzz/profile.h"
#include "chainfuzz/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CF_RECIPE_VERSION 1

#define CF_RECIPE_MAX_ID 127
#define CF_RECIPE_MAX_TEXT 255     /* title, why */
#define CF_RECIPE_MAX_CERTS 24
#define CF_RECIPE_MAX_CERT_NAME 31
#define CF_RECIPE_MAX_CLASSES 8
#define CF_RECIPE_MAX_ATTRS 8      /* attributes in one DN */
#define CF_RECIPE_MAX_VALUE 256    /* bytes of one attribute or GN value */
#define CF_RECIPE_MAX_GNS 8        /* SAN entries; also each NC list */
#define CF_RECIPE_MAX_KU 9
#define CF_RECIPE_MAX_EKU 8
#define CF_RECIPE_MAX_POLICIES 4
#define CF_RECIPE_MAX_RAW_EXTS 4
#define CF_RECIPE_MAX_RAW_EXT_LEN 512
#define CF_RECIPE_MAX_OID 63       /* dotted text */
#define CF_RECIPE_MAX_DEFECTS 8
#define CF_RECIPE_MAX_ALGS 16
#define CF_RECIPE_MAX_HEX 64       /* serial, ski, aki bytes */

/* cf_recipe_error locates a parse error. */
struct cf_recipe_error {
  char file[256];
  unsigned line, col; /* 1-based; 0 when not about a place in the text */
  char msg[256];
};

/* --- names ---------------------------------------------------------------- */

/* ASN.1 string types of a DN attribute value (the universal tag number). */
enum cf_str_type {
  CF_STR_UTF8 = 12,
  CF_STR_PRINTABLE = 19,
  CF_STR_T61 = 20,
  CF_STR_IA5 = 22,
  CF_STR_UNIVERSAL = 28,
  CF_STR_BMP = 30,
};

/* cf_rattr is one AttributeTypeAndValue, each in its own RDN (SET), in the
 * order written. DN text: ATTR=VALUE pairs separated by ", " where ATTR is
 * CN O OU C L ST DC SERIALNUMBER EMAIL or a dotted OID, optionally with a
 * type suffix (CN:printable=, :utf8 (default; C and SERIALNUMBER default to
 * printable), :ia5 (default for DC and EMAIL), :t61, :bmp, :universal),
 * and VALUE is text up to the next ", " or a quoted string. Matching
 * (RFC 5280 7.1) is the oracle's business, not the parser's. */
struct cf_rattr {
  char oid[CF_RECIPE_MAX_OID + 1]; /* dotted, e.g. "2.5.4.3" */
  enum cf_str_type type;
  uint8_t value[CF_RECIPE_MAX_VALUE]; /* as written (UTF-8), may hold NUL;
                                       * the builder converts for BMP and
                                       * UNIVERSAL */
  size_t value_len;
};

struct cf_rname {
  struct cf_rattr attrs[CF_RECIPE_MAX_ATTRS];
  size_t num_attrs; /* 0: an empty Name */
};

/* --- general names -------------------------------------------------------- */

enum cf_gn_type {
  CF_GN_DNS = 0,
  CF_GN_IP,
  CF_GN_EMAIL,
  CF_GN_URI,
  CF_GN_DN,
  CF_GN_RAW, /* value is a whole GeneralName TLV */
};

struct cf_gn {
  enum cf_gn_type type;
  uint8_t value[CF_RECIPE_MAX_VALUE]; /* DNS/email/URI text; IP: 4 or 16
                                       * address bytes then, in a name
                                       * constraint, 4 or 16 mask bytes */
  size_t value_len;
  struct cf_rname dn; /* CF_GN_DN */
};

struct cf_gn_list {
  struct cf_gn names[CF_RECIPE_MAX_GNS];
  size_t num;
};

/* --- algorithms ----------------------------------------------------------- */

enum cf_sig_alg {
  CF_ALG_DEFAULT = 0, /* from the signer's key */
  CF_ALG_RSA_PKCS1_MD5,
  CF_ALG_RSA_PKCS1_SHA1,
  CF_ALG_RSA_PKCS1_SHA256,
  CF_ALG_RSA_PKCS1_SHA384,
  CF_ALG_RSA_PKCS1_SHA512,
  CF_ALG_RSA_PSS_SHA256,
  CF_ALG_ECDSA_SHA1,
  CF_ALG_ECDSA_SHA256,
  CF_ALG_ECDSA_SHA384,
  CF_ALG_ECDSA_SHA512,
  CF_ALG_ED25519,
  CF_ALG_OID, /* an identifier given as oid:DOTTED (see cf_rcert.*_oid) */
  CF_ALG_COUNT,
};

/* cf_sig_alg_name returns the recipe word of |a| ("ecdsa-sha256"), or NULL
 * for CF_ALG_DEFAULT, CF_ALG_OID and out-of-range values. */
const char *cf_sig_alg_name(enum cf_sig_alg a);

/* --- one certificate ------------------------------------------------------ */

enum cf_template { CF_TPL_ROOT = 0, CF_TPL_ICA, CF_TPL_LEAF, CF_TPL_BARE };

enum cf_time_enc {
  CF_TIME_AUTO = 0,  /* RFC 5280 4.1.2.5 */
  CF_TIME_UTC,       /* utc: */
  CF_TIME_GEN,       /* gen: */
  CF_TIME_RAW_UTC,   /* raw-utc:"..." content octets in raw[] */
  CF_TIME_RAW_GEN,   /* raw-gen:"..." */
};

struct cf_rtime {
  int64_t t; /* Unix seconds; for RAW, what the parser understood of raw or
              * INT64_MIN if it could not */
  enum cf_time_enc enc;
  char raw[40];
};

enum cf_bc_mode { CF_RBC_ABSENT = 0, CF_RBC_CA, CF_RBC_EE };

/* Key usage bits: bit n of the mask is KeyUsage bit n (RFC 5280 4.2.1.3). */
#define CF_RKU_DIGITAL_SIGNATURE (1u << 0)
#define CF_RKU_NON_REPUDIATION (1u << 1)
#define CF_RKU_KEY_ENCIPHERMENT (1u << 2)
#define CF_RKU_DATA_ENCIPHERMENT (1u << 3)
#define CF_RKU_KEY_AGREEMENT (1u << 4)
#define CF_RKU_KEY_CERT_SIGN (1u << 5)
#define CF_RKU_CRL_SIGN (1u << 6)
#define CF_RKU_ENCIPHER_ONLY (1u << 7)
#define CF_RKU_DECIPHER_ONLY (1u << 8)

/* Extensions that `duplicate` can name (bit per extension). */
enum cf_ext_id {
  CF_EXT_BC = 0,
  CF_EXT_KU,
  CF_EXT_EKU,
  CF_EXT_SAN,
  CF_EXT_NC,
  CF_EXT_SKI,
  CF_EXT_AKI,
  CF_EXT_POLICIES,
  CF_EXT_COUNT,
};

/* Deliberate malformations (bit per defect word). */
enum cf_defect {
  CF_DEF_SIG_BITFLIP = 0,
  CF_DEF_SIG_TRUNCATE,
  CF_DEF_SIG_EMPTY,
  CF_DEF_SIG_ZERO_R,
  CF_DEF_SIG_ZERO_S,
  CF_DEF_SIG_ZERO_RS,
  CF_DEF_SIG_E3_FORGERY,
  CF_DEF_LONG_LENGTH,
  CF_DEF_INDEFINITE_LENGTH,
  CF_DEF_TRAILING_DATA,
  CF_DEF_NONMINIMAL_SERIAL,
  CF_DEF_WRONG_OUTER_TAG,
  CF_DEF_BITSTRING_UNUSED,
  CF_DEF_TBS_TRAILING,
  CF_DEF_COUNT,
};

/* cf_defect_name returns the recipe word of |d| ("sig-bitflip") or NULL. */
const char *cf_defect_name(enum cf_defect d);

enum cf_spki_mode {
  CF_SPKI_NAMED = 0,
  CF_SPKI_EXPLICIT_PARAMS,
  CF_SPKI_EXPLICIT_GENERATOR,
};

struct cf_rext {
  char oid[CF_RECIPE_MAX_OID + 1];
  int critical;
  uint8_t value[CF_RECIPE_MAX_RAW_EXT_LEN]; /* extnValue contents */
  size_t value_len;
};

/* cf_rcert is one `cert` block after its template and properties. */
struct cf_rcert {
  char name[CF_RECIPE_MAX_CERT_NAME + 1];
  enum cf_template tpl;
  unsigned line; /* where the block starts, for messages */

  int key;        /* key pool index (keypool.h) */
  int issuer;     /* index in cf_recipe.certs; == own index for self */
  int has_issuer_name;
  struct cf_rname issuer_name; /* when has_issuer_name */
  int signed_by;  /* key pool index, or -1: the issuer's key */
  struct cf_rname subject;
  int version; /* 1, 2 or 3 */
  /* issuerUniqueID and subjectUniqueID: present or not, and the BIT
   * STRING's bytes (after its unused-bits octet, which is 0). */
  int has_issuer_uid, has_subject_uid;
  uint8_t issuer_uid[CF_RECIPE_MAX_HEX], subject_uid[CF_RECIPE_MAX_HEX];
  size_t issuer_uid_len, subject_uid_len;
  uint8_t serial[CF_RECIPE_MAX_HEX];
  size_t serial_len; /* 0: default */
  struct cf_rtime not_before, not_after;
  enum cf_sig_alg tbs_alg, outer_alg;
  char tbs_alg_oid[CF_RECIPE_MAX_OID + 1], outer_alg_oid[CF_RECIPE_MAX_OID + 1];

  enum cf_bc_mode bc;
  int bc_path_len; /* -1: none */
  int bc_critical;
  int bc_explicit_false;

  int ku_present, ku_critical;
  uint32_t ku; /* CF_RKU_* */

  int eku_present, eku_critical;
  char eku[CF_RECIPE_MAX_EKU][CF_RECIPE_MAX_OID + 1]; /* dotted OIDs */
  size_t num_eku;

  int san_present, san_critical;
  struct cf_gn_list san;

  struct cf_gn_list permitted, excluded; /* NC present if either is non-empty */
  int nc_critical;

  int ski_mode, aki_mode; /* 0 absent, 1 auto, 2 explicit bytes */
  uint8_t ski[CF_RECIPE_MAX_HEX], aki[CF_RECIPE_MAX_HEX];
  size_t ski_len, aki_len;

  int policies_present, policies_critical, policies_malformed;
  char policies[CF_RECIPE_MAX_POLICIES][CF_RECIPE_MAX_OID + 1];
  size_t num_policies;
  /* policyMappings: issuerDomainPolicy -> subjectDomainPolicy pairs,
   * dotted OIDs ("2.5.29.32.0" for anyPolicy); present when num > 0. */
  struct cf_policy_map {
    char issuer[CF_RECIPE_MAX_OID + 1], subject[CF_RECIPE_MAX_OID + 1];
  } policy_maps[CF_RECIPE_MAX_POLICIES];
  size_t num_policy_maps;
  int policy_maps_critical;
  int pc_present, pc_require_explicit, pc_inhibit_mapping; /* -1: absent */
  int inhibit_any_policy; /* -1: absent */

  struct cf_rext raw_exts[CF_RECIPE_MAX_RAW_EXTS];
  size_t num_raw_exts;
  uint32_t duplicate; /* bit (1u << cf_ext_id) */

  enum cf_spki_mode spki;
  size_t pad; /* bytes of padding extension, 0: none */
  uint32_t defects; /* bit (1u << cf_defect) */
};

/* --- the device --------------------------------------------------------- */

struct cf_rdevice {
  int anchors[CF_RECIPE_MAX_CERTS]; /* cert indices */
  size_t num_anchors;
  int chain[CF_RECIPE_MAX_CERTS]; /* chain[0] is the leaf */
  size_t num_chain;
  struct cf_profile profile; /* clock, time, name, purpose, depth, flags */
  unsigned min_rsa_bits;     /* default 2048 */
  uint32_t algorithms;       /* bit (1u << cf_sig_alg) accepted */
  size_t max_chain_bytes;    /* 0: no limit */
};

/* --- the recipe ------------------------------------------------------------ */

/* cf_expect_kind is what a scenario (or the oracle) says a correct device
 * decides. */
enum cf_expect_kind {
  CF_EXPECT_ACCEPT = 0,
  CF_EXPECT_REJECT,
  CF_EXPECT_EITHER,
};

struct cf_recipe {
  char id[CF_RECIPE_MAX_ID + 1];
  char title[CF_RECIPE_MAX_TEXT + 1];
  char why[CF_RECIPE_MAX_TEXT + 1];
  enum cf_expect_kind expect;
  enum cf_reason expect_reason; /* CF_REASON_NONE for accept (and either
                                 * without a reason) */
  char classes[CF_RECIPE_MAX_CLASSES][4]; /* "B01" */
  size_t num_classes;
  struct cf_rcert certs[CF_RECIPE_MAX_CERTS];
  size_t num_certs;
  struct cf_rdevice device;
};

/* cf_recipe_init sets |r| to an empty recipe: no certificates, expect
 * accept, and the device defaults of the format (default profile,
 * dns device.example.com, min-rsa-bits 2048, the default algorithms). */
void cf_recipe_init(struct cf_recipe *r);

/* cf_rcert_init sets |c| to template |tpl| as the format describes, for a
 * certificate named |name| at index |self_idx| of its recipe whose subject
 * key is pool key |key| (the leaf template's keyUsage depends on it). The
 * issuer is |self_idx| for CF_TPL_ROOT and -1 (must be set) otherwise. */
void cf_rcert_init(struct cf_rcert *c, enum cf_template tpl, const char *name,
                   int self_idx, int key);

/* cf_default_algorithms is the accepted-algorithm mask of the default
 * device: everything but MD5 and SHA-1. */
uint32_t cf_default_algorithms(void);

/* cf_sig_alg_from_name, cf_defect_from_name: the inverse of the _name
 * functions; -1 if |name| is not a word of the format. */
int cf_sig_alg_from_name(const char *name);
int cf_defect_from_name(const char *name);

/* cf_utf8_valid says whether |len| bytes at |s| are strict UTF-8 (RFC
 * 3629: no overlong forms, no surrogates) with no code point above
 * |max_cp| (0xffff: what a BMPString can hold). */
int cf_utf8_valid(const uint8_t *s, size_t len, uint32_t max_cp);

/* cf_rname_identical says whether |a| and |b| have the same attributes,
 * in the same order, with the same string types and value bytes. */
int cf_rname_identical(const struct cf_rname *a, const struct cf_rname *b);

/* cf_rcert_has_ext says whether |c|'s fields ask for extension |id| (what
 * the builder writes for a version 3 certificate). */
int cf_rcert_has_ext(const struct cf_rcert *c, enum cf_ext_id id);

/* cf_recipe_parse parses |text_len| bytes of recipe text into |*out| (a
 * caller-owned struct; it holds no pointers). |file| names the text in
 * messages. It returns 1 on success; on failure 0 and |*err| filled. */
int cf_recipe_parse(struct cf_recipe *out, struct cf_recipe_error *err,
                    const char *text, size_t text_len, const char *file);

/* cf_recipe_load reads and parses the file at |path|. */
int cf_recipe_load(struct cf_recipe *out, struct cf_recipe_error *err,
                   const char *path);

/* cf_recipe_find_cert returns the index of the cert block named |name| or
 * -1. */
int cf_recipe_find_cert(const struct cf_recipe *r, const char *name);

/* cf_recipe_error_format writes "FILE:LINE:COL: msg" (or "FILE: msg" when
 * line is 0) to |out|. */
void cf_recipe_error_format(char *out, size_t out_len,
                            const struct cf_recipe_error *err);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_RECIPE_H */
