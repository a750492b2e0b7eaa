/* recipe_bytes.c — the binary recipe encoding of recipe_bytes.h: a total
 * decoder (every byte string is a buildable, judgeable recipe), its exact
 * inverse where one exists, and the model comparison both are checked
 * with (recipe_bytes_test.c).
 *
 * Values (after the field ID; all integers big-endian; a fixed-size value
 * cut short by the end of its record reads zero bytes, a variable-length
 * one keeps the bytes the record has, rd_clamp):
 *   KEY     1 byte: < 0xc0 the P-256 key of slot (v % 6) (cheap to sign
 *           with, so most inputs stay fast); else pool key (v - 0xc0) % n
 *   STR     1 byte v: < 0x80 word (v % n) of the field's vocabulary
 *           (kHosts, kEmails, kUris, kDnValues, kRawTimes); 0x80..0xfe
 *           v - 0x80 literal bytes follow; 0xff then b < 130: 127 + b
 *           literal bytes follow (at most CF_RECIPE_MAX_VALUE kept);
 *           0xff then b >= 130: a long name made from b alone (long_name:
 *           names at the length limits, which literal bytes almost never
 *           spell twice alike), in any field
 *   OID     1 byte v: < 0x80 entry (base + v) % n of kOids, base by use
 *           (EKU 0, policy 7, extension 12, algorithm 22, attribute 28);
 *           else (v & 0x7f) bytes of DER OID content follow (an invalid one
 *           is reduced to a kOids entry)
 *   DN      1 byte: count % 9, then per attribute: string type (% 6:
 *           utf8 printable ia5 t61 bmp universal; bmp/universal need UTF-8
 *           text, else utf8), OID, STR (kDnValues)
 *   IP      1 byte v: < 0x80 kIps[v % n]; else 4 (v even) or 16 bytes
 *   NET     1 byte v: < 0x80 kNets[v % n]; else 4 or 16 address bytes and
 *           a prefix length (% (bits + 1)), masked as the parser does
 *   GN      1 byte type (% 6 in a SAN: dns ip email uri dn raw; % 5 in a
 *           name constraint), then STR / IP or NET / STR / STR / DN /
 *           (raw: 1 length byte, that many bytes; empty: dns "")
 *   TIME    1 byte b: enc (b >> 4) % 5 (auto utc gen raw-utc raw-gen);
 *           raw: STR (kRawTimes; NUL bytes become '0', 39 bytes kept);
 *           else base b & 3 (0 device time, 1 2020-01-01, 2 2050-01-01,
 *           3 absolute: 8-byte signed seconds follow) and for bases 0-2 a
 *           2-byte signed offset in units (b >> 2) & 3 (second, hour, day,
 *           365 days); years outside 0000-9999 wrap, utc outside
 *           1950-2049 becomes auto
 *   ALG     1 byte % 13 (cf_sig_alg; 0 default); CF_ALG_OID: an OID follows
 *
 * Cert fields (ID % 27; ID 0xff then K: the fields added since, K % 2),
 * in enum cert_field order: subject DN,
 * issuer-name DN, signed-by KEY, version (1 + v % 3), serial (1 byte
 * length % 65, 0 the default serial, then the bytes), not-before TIME,
 * not-after TIME, sig-alg ALG (both), tbs-sig-alg ALG, outer-sig-alg ALG,
 * basic-constraints (2 bytes: mode (b & 3) % 3 absent/ca/ee, bit 2
 * noncritical, bit 3 explicit-false (ee); pathlen, 0xff none (ca)),
 * key-usage (2 bytes: bits 0-7; bit 0 of the second is decipherOnly, bit 1
 * noncritical, bit 2 absent; no bit set is absent), eku (1 byte: count
 * (b & 15) % 9, 0 absent, bit 7 critical; OIDs), san (the same; GNs),
 * permit and exclude (count % 9 GNs, appended), name-constraints flags (bit
 * 0 noncritical), ski and aki (mode % 3 absent/auto/bytes; bytes: 1 +
 * b % 64 then that many), policies (1 byte: count (b & 7) % 5, bit 6
 * malformed (then no OIDs are kept), bit 7 critical; none is absent;
 * OIDs), policy-constraints (2 bytes, 0xff absent), inhibit-any-policy
 * (0xff absent), extension (bit 0 critical, OID, 1 length byte, value;
 * appended), duplicate (1 byte, bit per cf_ext_id), spki (% 3), pad (2
 * bytes), defects (2 bytes, bit per cf_defect), unique-ids (1 byte: bit 0
 * issuerUniqueID, bit 1 subjectUniqueID; each present one then 1 length
 * byte % 65 and the bytes), policy-mappings (1 byte: count (b & 7) % 5,
 * 0 absent, bit 7 noncritical; then per pair two policy OIDs).
 *
 * Device fields (ID % 10): anchors (count % 7, then one cert index byte
 * each; 0 is `anchors none`), chain (1 + count % 6 indices), time (1 byte %
 * 3: 0 the default time plus a 4-byte signed offset, 1 unset, 2 absolute
 * 8-byte seconds), name (1 byte % 3: no-name, dns STR (kHosts; empty, NUL
 * or over 253 bytes: device.example.com), ip IP), purpose (% 3), max-depth,
 * flags (& 15), min-rsa-bits (2 bytes), algorithms (2 bytes; bits of
 * cf_sig_alg 1-11, none: the default set), max-chain-bytes (4 bytes).
 *
 * After decoding, what the builder would refuse is reduced: explicit EC
 * parameters need an EC key (else named); sig-e3-forgery needs an e=3 RSA
 * signer big enough for the digest; sig-zero-r/-s need an ECDSA signer and
 * no e3 forgery. Everything else the builder accepts as decoded. */
#include "recipe_bytes.h"

#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bytestring.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/sha.h>

#include "keypool.h"

/* --- vocabularies ---------------------------------------------------------
 * Small word lists make "the same name" (and "almost the same name") a
 * one-byte choice, so a fuzzer finds matching and mismatching SANs, name
 * constraints and device names without guessing bytes. */

struct word {
  const char *s;
  size_t len;
};

#define W(x) {x, sizeof(x) - 1}

static const struct word kHosts[] = {
    W("device.example.com"),
    W("*.example.com"),
    W("example.com"),
    W("gateway.example.com"),
    W("DEVICE.EXAMPLE.COM"),
    W("evil.example"),
    W("sub.example.com"),
    W(".example.com"),
    W("device.example.com."),
    W("*.com"),
    W("*"),
    W("192.0.2.10"),
    W("a.b.example.com"),
    W("*.*.example.com"),
    W("f*.example.com"),
    W("xn--bcher-kva.example"),
    W("device.example.com\0.attacker.example"),
    W(""),
    W("foo.example.com"),
    W("example.org"),
    W("*.EXAMPLE.COM"),
    W("device.example.org"),
    W("sub.evil.example"),
    W("*.co.uk"),
    W("attacker.example"),
    W("device.sub.example.com"),
    W("*.xn--bcher-kva.example"),
    W("victim.example"),
};

static const struct word kEmails[] = {
    W("ops@example.com"), W("ops@evil.example"), W("example.com"),
    W(".example.com"),    W("foo@a.example"),    W("foo@b.example"),
    W("a.example"),       W("EXAMPLE.COM"),      W("ops@mail.example.com"),
};

static const struct word kUris[] = {
    W("https://device.example.com/"),
    W("example.com"),
    W(".example.com"),
    W("device.example.com"),
    W("https://evil.example/x"),
    W("https://192.0.2.1/"),
    W("evil.example"),
    W("https://device.example.com/api"),
};

static const struct word kDnValues[] = {
    W("device.example.com"),
    W("chainfuzz root0"),
    W("chainfuzz ica1"),
    W("CHAINFUZZ ICA1"),
    W("Example Devices"),
    W("Evil Corp"),
    W("EVIL CORP"),
    W("US"),
    W("*.example.com"),
    W("192.0.2.10"),
    W("device.example.com\0.attacker.example"),
    W("chainfuzz root"),
    W(""),
    W("example.com"),
    W("chainfuzz ica"),
    W("gateway.example.com"),
    W("chainfuzz root1"),
    W("chainfuzz ica2"),
    W("evil.example"),
    W("DE"),
};

static const struct word kRawTimes[] = {
    W("260601000000Z"),       W("200101000000.5Z"),
    W("2606010000Z"),         W("260601000000"),
    W("260601000000+0000"),   W("261301000000Z"),
    W("260230000000Z"),       W("261231235960Z"),
    W("26O6O1000000Z"),       W("250601 00000Z"),
    W("20500101000000.5Z"),   W("20500101000000+0100"),
    W("20260601000000Z"),     W("491231235959Z"),
    W("500101000000Z"),       W("20491231235959Z"),
};

#undef W

/* kOids: EKU purposes (base 0), policies (7), extensions (12), signature
 * algorithms certgen does not model (22), DN attributes (28). */
static const char *const kOids[] = {
    "1.3.6.1.5.5.7.3.1",          "1.3.6.1.5.5.7.3.2",
    "1.3.6.1.5.5.7.3.3",          "1.3.6.1.5.5.7.3.4",
    "1.3.6.1.5.5.7.3.8",          "1.3.6.1.5.5.7.3.9",
    "2.5.29.37.0",                "2.5.29.32.0",
    "2.23.140.1.2.1",             "2.23.140.1.2.2",
    "1.3.6.1.4.1.55738.1.1",      "1.3.6.1.4.1.55738.1.2",
    "1.3.6.1.4.1.55738.666.1",    "1.3.6.1.4.1.55738.666.2",
    "1.3.6.1.4.1.11129.2.4.2",    "2.5.29.19",
    "2.5.29.15",                  "2.5.29.37",
    "2.5.29.17",                  "2.5.29.30",
    "2.5.29.32",                  "2.5.29.35",
    "1.2.840.113549.1.1.1",       "1.2.840.10045.2.1",
    "1.2.840.113549.1.1.14",      "1.2.840.10045.4.3.1",
    "1.3.101.113",                "1.2.840.10040.4.3",
    "2.5.4.3",                    "2.5.4.10",
    "2.5.4.11",                   "2.5.4.6",
    "2.5.4.7",                    "2.5.4.8",
    "0.9.2342.19200300.100.1.25", "2.5.4.5",
    "1.2.840.113549.1.9.1",       "2.5.4.97",
};

enum oid_base {
  OID_EKU = 0,
  OID_POLICY = 7,
  OID_EXT = 12,
  OID_ALG = 22,
  OID_ATTR = 28,
};

struct ip_word {
  uint8_t b[32];
  size_t len; /* 4 or 16 (address), 8 or 32 (address and mask) */
};

static const struct ip_word kIps[] = {
    {{192, 0, 2, 10}, 4},
    {{192, 0, 2, 1}, 4},
    {{198, 51, 100, 10}, 4},
    {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10}, 16},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 10}, 16},
    {{127, 0, 0, 1}, 4},
    {{192, 0, 2, 11}, 4},
    {{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10}, 16},
    {{0, 0, 0, 0}, 4},
};

static const struct ip_word kNets[] = {
    {{192, 0, 2, 0, 255, 255, 255, 0}, 8},
    {{10, 0, 0, 0, 255, 0, 0, 0}, 8},
    {{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
     32},
    {{192, 0, 2, 10, 255, 255, 255, 255}, 8},
    {{0, 0, 0, 0, 0, 0, 0, 0}, 8},
    {{198, 51, 100, 0, 255, 255, 255, 0}, 8},
    {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
     32},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum vocab { VOC_HOST, VOC_EMAIL, VOC_URI, VOC_DNVAL, VOC_RAWTIME };

static const struct word *vocab_words(enum vocab v, size_t *out_n) {
  switch (v) {
    case VOC_HOST:
      *out_n = COUNT(kHosts);
      return kHosts;
    case VOC_EMAIL:
      *out_n = COUNT(kEmails);
      return kEmails;
    case VOC_URI:
      *out_n = COUNT(kUris);
      return kUris;
    case VOC_DNVAL:
      *out_n = COUNT(kDnValues);
      return kDnValues;
    case VOC_RAWTIME:
      break;
  }
  *out_n = COUNT(kRawTimes);
  return kRawTimes;
}

static const enum cf_str_type kStrTypes[] = {
    CF_STR_UTF8, CF_STR_PRINTABLE, CF_STR_IA5,
    CF_STR_T61,  CF_STR_BMP,       CF_STR_UNIVERSAL,
};

static const char *const kSlots[] = {"root",         "root2", "intermediate",
                                     "intermediate2", "leaf",  "attacker"};

/* Field kinds. Only ever append: seeds depend on the numbers. The kinds
 * up to F_DEFECTS (the first version) are ID % F_V1_COUNT, so that a new
 * kind leaves every fuzzed input (crashes/ reproducers) decoding as it
 * did; a later kind is written F_ESCAPE then K, for F_V1_COUNT +
 * K % (F_COUNT - F_V1_COUNT). The encoder writes K < F_COUNT - F_V1_COUNT,
 * which keeps its meaning; a fuzzed K past it changes field when a kind
 * is appended (policy mappings: 4 of the 63 chain_oracle files in
 * crashes/, all originals of buckets with a reproducer). */
enum cert_field {
  F_SUBJECT = 0,
  F_ISSUER_NAME,
  F_SIGNED_BY,
  F_VERSION,
  F_SERIAL,
  F_NOT_BEFORE,
  F_NOT_AFTER,
  F_SIG_ALG,
  F_TBS_ALG,
  F_OUTER_ALG,
  F_BC,
  F_KU,
  F_EKU,
  F_SAN,
  F_PERMIT,
  F_EXCLUDE,
  F_NC_FLAGS,
  F_SKI,
  F_AKI,
  F_POLICIES,
  F_PC,
  F_IAP,
  F_RAW_EXT,
  F_DUPLICATE,
  F_SPKI,
  F_PAD,
  F_DEFECTS,
  F_V1_COUNT,
  F_UNIQUE_IDS = F_V1_COUNT,
  F_POLICY_MAPS,
  F_COUNT,
};
#define F_ESCAPE 0xff

enum device_field {
  D_ANCHORS = 0,
  D_CHAIN,
  D_TIME,
  D_NAME,
  D_PURPOSE,
  D_MAX_DEPTH,
  D_FLAGS,
  D_MIN_RSA,
  D_ALGS,
  D_MAX_CHAIN_BYTES,
  D_COUNT,
};

/* Time bases and units. */
static const int64_t kTimeBases[3] = {0 /* device */, 1577836800,
                                      2524608000};
static const int64_t kTimeUnits[4] = {1, 3600, 86400, 365 * 86400};
/* 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z */
#define T_MIN INT64_C(-62167219200)
#define T_MAX INT64_C(253402300799)

/* --- small helpers ---------------------------------------------------------
 */

/* year_of returns the proleptic Gregorian year of Unix time |t| (H.
 * Hinnant's civil_from_days). */
static int64_t year_of(int64_t t) {
  int64_t z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return yoe + era * 400 + (m <= 2);
}

/* wrap_time reduces |t| into T_MIN..T_MAX (mod the span). */
static int64_t wrap_time(int64_t t) {
  if (t >= T_MIN && t <= T_MAX) {
    return t;
  }
  uint64_t span = (uint64_t)(T_MAX - T_MIN) + 1;
  uint64_t off = ((uint64_t)t - (uint64_t)T_MIN) % span;
  return T_MIN + (int64_t)off;
}

static int pool_p256(int slot) {
  static int cache[6] = {-2, -2, -2, -2, -2, -2};
  if (cache[slot] == -2) {
    char name[32];
    snprintf(name, sizeof(name), "%s-p256", kSlots[slot]);
    cache[slot] = cf_pool_index(name);
  }
  return cache[slot];
}

static const struct cf_pool_info *key_info(int key) {
  return cf_pool_get(key);
}

/* oid_text_ok: dotted text the builder encodes and the parser accepts. */
static int oid_text_ok(const char *s) {
  size_t n = strlen(s);
  uint8_t buf[64];
  CBB cbb;
  int ok;
  if (n == 0 || n > CF_RECIPE_MAX_OID || s[0] < '0' || s[0] > '2' ||
      strchr(s, '.') == NULL) {
    return 0;
  }
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '.' ? (i + 1 == n || s[i + 1] == '.')
                    : (s[i] < '0' || s[i] > '9')) {
      return 0;
    }
  }
  ok = CBB_init_fixed(&cbb, buf, sizeof(buf)) &&
       CBB_add_asn1_oid_from_text(&cbb, s, n);
  CBB_cleanup(&cbb);
  ERR_clear_error();
  return ok;
}

/* default_serial is build.c's default serial of cert |name| in recipe
 * |id| (8 bytes of SHA-256, positive and minimal). Kept in step with
 * build.c by recipe_bytes_test, which compares built certificates. */
static void default_serial(uint8_t out[8], const char *id, const char *name) {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX h;
  SHA256_Init(&h);
  SHA256_Update(&h, "chainfuzz serial", 17);
  SHA256_Update(&h, id, strnlen(id, CF_RECIPE_MAX_ID + 1));
  SHA256_Update(&h, "", 1);
  SHA256_Update(&h, name, strnlen(name, CF_RECIPE_MAX_CERT_NAME + 1));
  SHA256_Final(digest, &h);
  memcpy(out, digest, 8);
  out[0] = (uint8_t)((out[0] & 0x7f) | 0x40);
}

static const char *const kTplWords[] = {"root", "ica", "leaf", "bare"};

void cf_rb_cert_name(char out[CF_RECIPE_MAX_CERT_NAME + 1],
                     enum cf_template tpl, size_t idx) {
  snprintf(out, CF_RECIPE_MAX_CERT_NAME + 1, "%s%zu", kTplWords[tpl & 3],
           idx);
}

/* --- the reader ------------------------------------------------------------
 */

struct rd {
  const uint8_t *p;
  size_t len, pos;
};

static uint8_t rd_u8(struct rd *r) {
  return r->pos < r->len ? r->p[r->pos++] : 0;
}

static uint64_t rd_be(struct rd *r, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    v = (v << 8) | rd_u8(r);
  }
  return v;
}

static void rd_bytes(struct rd *r, uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    out[i] = rd_u8(r);
  }
}

static int rd_more(const struct rd *r) { return r->pos < r->len; }

/* rd_clamp bounds a variable length by what the record still holds, so a
 * value cut short is short, not zero-padded (and re-encodes no longer). */
static size_t rd_clamp(const struct rd *r, size_t len) {
  size_t left = r->pos < r->len ? r->len - r->pos : 0;
  return len < left ? len : left;
}

size_t cf_rb_long_name(uint8_t *out, size_t cap, unsigned k) {
  static const char kApex[] = ".example.com";
  static const size_t kTotal[6] = {75, 76, 253, 254, 65, 253};
  uint8_t buf[CF_RECIPE_MAX_VALUE + 8];
  size_t shape = k % 6, variant = (k / 6) % 4, len = 0;
  size_t body = kTotal[shape] - (sizeof(kApex) - 1);
  if (variant == 1) {
    buf[len++] = '*';
    buf[len++] = '.';
  }
  for (size_t i = 0; i < body; i++) {
    /* Shapes 2 and 3: 63-byte labels; shape 5: one-letter labels. */
    int dot = shape == 5 ? i % 2 == 1
              : shape == 2 || shape == 3 ? i % 64 == 63
                                         : 0;
    buf[len++] = dot ? '.' : (uint8_t)('a' + (i / 64) % 26);
  }
  memcpy(buf + len, kApex, sizeof(kApex) - 1);
  len += sizeof(kApex) - 1;
  if (variant == 2) {
    for (size_t i = 0; i < len; i++) {
      buf[i] = buf[i] >= 'a' && buf[i] <= 'z' ? (uint8_t)(buf[i] - 32) : buf[i];
    }
  }
  if (variant == 3) {
    buf[len++] = '.';
  }
  len = len < cap ? len : cap;
  memcpy(out, buf, len);
  return len;
}

/* rd_str reads a STR into |out| (capacity |cap|). */
static void rd_str(struct rd *r, enum vocab voc, uint8_t *out, size_t cap,
                   size_t *out_len) {
  uint8_t v = rd_u8(r);
  size_t n, len;
  if (v < 0x80) {
    const struct word *w = vocab_words(voc, &n);
    len = w[v % n].len < cap ? w[v % n].len : cap;
    memcpy(out, w[v % n].s, len);
    *out_len = len;
    return;
  }
  if (v == 0xff) {
    uint8_t b = rd_u8(r);
    if (b >= 130) {
      *out_len = cf_rb_long_name(out, cap, b - 130u);
      return;
    }
    len = rd_clamp(r, 127 + (size_t)b);
  } else {
    len = rd_clamp(r, (size_t)(v - 0x80));
  }
  for (size_t i = 0; i < len; i++) {
    uint8_t b = rd_u8(r);
    if (i < cap) {
      out[i] = b;
    }
  }
  *out_len = len < cap ? len : cap;
}

/* rd_oid reads an OID into |out|. */
static void rd_oid(struct rd *r, enum oid_base base,
                   char out[CF_RECIPE_MAX_OID + 1]) {
  uint8_t v = rd_u8(r), der[127];
  size_t n = COUNT(kOids);
  if (v < 0x80) {
    snprintf(out, CF_RECIPE_MAX_OID + 1, "%s", kOids[(base + v) % n]);
    return;
  }
  size_t len = rd_clamp(r, v & 0x7f);
  rd_bytes(r, der, len);
  CBS cbs;
  CBS_init(&cbs, der, len);
  char *text = len > 0 ? CBS_asn1_oid_to_text(&cbs) : NULL;
  if (text != NULL && strlen(text) <= CF_RECIPE_MAX_OID && oid_text_ok(text)) {
    snprintf(out, CF_RECIPE_MAX_OID + 1, "%s", text);
  } else {
    snprintf(out, CF_RECIPE_MAX_OID + 1, "%s", kOids[(base + len) % n]);
  }
  OPENSSL_free(text);
  ERR_clear_error();
}

static int rd_key(struct rd *r) {
  uint8_t v = rd_u8(r);
  int k;
  if (v < 0xc0) {
    k = pool_p256(v % 6);
  } else {
    k = (int)((size_t)(v - 0xc0) % cf_pool_count());
  }
  return k >= 0 ? k : 0;
}

static void rd_dn(struct rd *r, struct cf_rname *out) {
  size_t n = rd_u8(r) % (CF_RECIPE_MAX_ATTRS + 1);
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < n; i++) {
    struct cf_rattr *a = &out->attrs[i];
    a->type = kStrTypes[rd_u8(r) % COUNT(kStrTypes)];
    rd_oid(r, OID_ATTR, a->oid);
    rd_str(r, VOC_DNVAL, a->value, sizeof(a->value), &a->value_len);
    if ((a->type == CF_STR_BMP &&
         !cf_utf8_valid(a->value, a->value_len, 0xffff)) ||
        (a->type == CF_STR_UNIVERSAL &&
         !cf_utf8_valid(a->value, a->value_len, 0x10ffff))) {
      a->type = CF_STR_UTF8;
    }
  }
  out->num_attrs = n;
}

static void rd_ip(struct rd *r, uint8_t *out, size_t *out_len) {
  uint8_t v = rd_u8(r);
  if (v < 0x80) {
    const struct ip_word *w = &kIps[v % COUNT(kIps)];
    memcpy(out, w->b, w->len);
    *out_len = w->len;
    return;
  }
  *out_len = (v & 1) ? 16 : 4;
  rd_bytes(r, out, *out_len);
}

static void rd_net(struct rd *r, uint8_t *out, size_t *out_len) {
  uint8_t v = rd_u8(r);
  if (v < 0x80) {
    const struct ip_word *w = &kNets[v % COUNT(kNets)];
    memcpy(out, w->b, w->len);
    *out_len = w->len;
    return;
  }
  size_t bytes = (v & 1) ? 16 : 4;
  rd_bytes(r, out, bytes);
  unsigned prefix = rd_u8(r) % (unsigned)(bytes * 8 + 1);
  for (size_t i = 0; i < bytes; i++) {
    unsigned take = prefix >= 8 * (i + 1) ? 8
                    : prefix > 8 * i      ? prefix - 8 * (unsigned)i
                                          : 0;
    out[bytes + i] = (uint8_t)(0xff00u >> take);
  }
  *out_len = 2 * bytes;
}

static void rd_gn(struct rd *r, struct cf_gn *out, int nc) {
  memset(out, 0, sizeof(*out));
  out->type = (enum cf_gn_type)(rd_u8(r) % (nc ? 5 : 6));
  switch (out->type) {
    case CF_GN_DNS:
      rd_str(r, VOC_HOST, out->value, sizeof(out->value), &out->value_len);
      break;
    case CF_GN_IP:
      if (nc) {
        rd_net(r, out->value, &out->value_len);
      } else {
        rd_ip(r, out->value, &out->value_len);
      }
      break;
    case CF_GN_EMAIL:
      rd_str(r, VOC_EMAIL, out->value, sizeof(out->value), &out->value_len);
      break;
    case CF_GN_URI:
      rd_str(r, VOC_URI, out->value, sizeof(out->value), &out->value_len);
      break;
    case CF_GN_DN:
      rd_dn(r, &out->dn);
      break;
    case CF_GN_RAW: {
      size_t len = rd_clamp(r, rd_u8(r));
      rd_bytes(r, out->value, len);
      out->value_len = len;
      if (len == 0) {
        out->type = CF_GN_DNS;
      }
      break;
    }
  }
}

static enum cf_sig_alg rd_alg(struct rd *r, char oid[CF_RECIPE_MAX_OID + 1]) {
  enum cf_sig_alg a = (enum cf_sig_alg)(rd_u8(r) % CF_ALG_COUNT);
  oid[0] = '\0';
  if (a == CF_ALG_OID) {
    rd_oid(r, OID_ALG, oid);
  }
  return a;
}

/* --- decoding --------------------------------------------------------------
 */

/* tspec is a TIME value before the device time is known. */
struct tspec {
  int set;
  uint8_t b0;
  int64_t value; /* offset in units, or absolute seconds */
  char raw[40];
};

struct pending {
  int issuer_raw;
  struct tspec nb, na;
};

struct dec {
  struct cf_recipe *r;
  struct pending pend[CF_RB_MAX_CERTS];
  int has_anchors, has_chain;
  uint8_t anchors[CF_RB_MAX_ANCHORS], chain[CF_RB_MAX_CHAIN];
  size_t num_anchors, num_chain;
};

static void rd_time(struct rd *r, struct tspec *out) {
  memset(out, 0, sizeof(*out));
  out->set = 1;
  out->b0 = rd_u8(r);
  unsigned enc = (out->b0 >> 4) % 5;
  if (enc == CF_TIME_RAW_UTC || enc == CF_TIME_RAW_GEN) {
    uint8_t buf[CF_RECIPE_MAX_VALUE];
    size_t len;
    rd_str(r, VOC_RAWTIME, buf, sizeof(buf), &len);
    if (len > sizeof(out->raw) - 1) {
      len = sizeof(out->raw) - 1;
    }
    for (size_t i = 0; i < len; i++) {
      out->raw[i] = buf[i] == 0 ? '0' : (char)buf[i];
    }
    out->raw[len] = '\0';
  } else if ((out->b0 & 3) == 3) {
    out->value = (int64_t)rd_be(r, 8);
  } else {
    out->value = (int16_t)rd_be(r, 2);
  }
}

/* resolve_time turns |s| into |*out| for a device whose clock reads
 * |now|. */
static void resolve_time(struct cf_rtime *out, const struct tspec *s,
                         int64_t now) {
  unsigned enc = (s->b0 >> 4) % 5;
  memset(out, 0, sizeof(*out));
  out->enc = (enum cf_time_enc)enc;
  if (enc == CF_TIME_RAW_UTC || enc == CF_TIME_RAW_GEN) {
    memcpy(out->raw, s->raw, sizeof(out->raw));
    out->t = INT64_MIN;
    return;
  }
  unsigned base = s->b0 & 3;
  int64_t t;
  if (base == 3) {
    t = s->value;
  } else {
    int64_t b = base == 0 ? now : kTimeBases[base];
    /* |value| is 16 bits and units are at most a year: no overflow. */
    t = b + s->value * kTimeUnits[(s->b0 >> 2) & 3];
  }
  t = wrap_time(t);
  int64_t y = year_of(t);
  if (out->enc == CF_TIME_UTC && (y < 1950 || y > 2049)) {
    out->enc = CF_TIME_AUTO;
  }
  out->t = t;
}

static void cert_field(struct rd *r, struct cf_rcert *c, struct pending *p) {
  uint8_t b, b1;
  size_t n;
  unsigned id = rd_u8(r);
  id = id == F_ESCAPE ? F_V1_COUNT + rd_u8(r) % (F_COUNT - F_V1_COUNT)
                      : id % F_V1_COUNT;
  switch (id) {
    case F_SUBJECT:
      rd_dn(r, &c->subject);
      break;
    case F_ISSUER_NAME:
      c->has_issuer_name = 1;
      rd_dn(r, &c->issuer_name);
      break;
    case F_SIGNED_BY:
      c->signed_by = rd_key(r);
      break;
    case F_VERSION:
      c->version = 1 + rd_u8(r) % 3;
      break;
    case F_SERIAL:
      n = rd_clamp(r, rd_u8(r) % (CF_RECIPE_MAX_HEX + 1));
      rd_bytes(r, c->serial, n);
      c->serial_len = n;
      break;
    case F_NOT_BEFORE:
      rd_time(r, &p->nb);
      break;
    case F_NOT_AFTER:
      rd_time(r, &p->na);
      break;
    case F_SIG_ALG:
      c->tbs_alg = rd_alg(r, c->tbs_alg_oid);
      c->outer_alg = c->tbs_alg;
      memcpy(c->outer_alg_oid, c->tbs_alg_oid, sizeof(c->outer_alg_oid));
      break;
    case F_TBS_ALG:
      c->tbs_alg = rd_alg(r, c->tbs_alg_oid);
      break;
    case F_OUTER_ALG:
      c->outer_alg = rd_alg(r, c->outer_alg_oid);
      break;
    case F_BC:
      b = rd_u8(r);
      b1 = rd_u8(r);
      c->bc = (enum cf_bc_mode)((b & 3) % 3);
      c->bc_critical = !(b & 4);
      c->bc_explicit_false = c->bc == CF_RBC_EE && (b & 8);
      c->bc_path_len = c->bc == CF_RBC_CA && b1 != 0xff ? b1 : -1;
      if (c->bc == CF_RBC_ABSENT) {
        c->bc_critical = 1;
      }
      break;
    case F_KU:
      b = rd_u8(r);
      b1 = rd_u8(r);
      c->ku = b | (uint32_t)(b1 & 1) << 8;
      c->ku_present = c->ku != 0 && !(b1 & 4);
      if (c->ku_present) {
        c->ku_critical = !(b1 & 2);
      } else {
        c->ku = 0;
      }
      break;
    case F_EKU:
      b = rd_u8(r);
      n = (b & 15) % (CF_RECIPE_MAX_EKU + 1);
      c->eku_present = n > 0;
      c->eku_critical = n > 0 && (b & 0x80);
      for (size_t i = 0; i < n; i++) {
        rd_oid(r, OID_EKU, c->eku[i]);
      }
      c->num_eku = n;
      break;
    case F_SAN:
      b = rd_u8(r);
      n = (b & 15) % (CF_RECIPE_MAX_GNS + 1);
      memset(&c->san, 0, sizeof(c->san));
      c->san_present = n > 0;
      c->san_critical = n > 0 && (b & 0x80);
      for (size_t i = 0; i < n; i++) {
        rd_gn(r, &c->san.names[i], 0);
      }
      c->san.num = n;
      break;
    case F_PERMIT:
    case F_EXCLUDE: {
      struct cf_gn_list *list = id == F_PERMIT ? &c->permitted : &c->excluded;
      n = rd_u8(r) % (CF_RECIPE_MAX_GNS + 1);
      for (size_t i = 0; i < n; i++) {
        struct cf_gn gn;
        rd_gn(r, &gn, 1);
        if (list->num < CF_RECIPE_MAX_GNS) {
          list->names[list->num++] = gn;
        }
      }
      break;
    }
    case F_NC_FLAGS:
      c->nc_critical = !(rd_u8(r) & 1);
      break;
    case F_SKI:
    case F_AKI: {
      int ski = id == F_SKI;
      int *mode = ski ? &c->ski_mode : &c->aki_mode;
      uint8_t *bytes = ski ? c->ski : c->aki;
      size_t *len = ski ? &c->ski_len : &c->aki_len;
      *mode = rd_u8(r) % 3;
      *len = 0;
      if (*mode == 2) {
        *len = 1 + rd_u8(r) % CF_RECIPE_MAX_HEX;
        *len = rd_clamp(r, *len) > 0 ? rd_clamp(r, *len) : 1;
        rd_bytes(r, bytes, *len);
      }
      break;
    }
    case F_POLICIES:
      b = rd_u8(r);
      n = (b & 7) % (CF_RECIPE_MAX_POLICIES + 1);
      for (size_t i = 0; i < n; i++) {
        rd_oid(r, OID_POLICY, c->policies[i]);
      }
      c->policies_malformed = (b & 0x40) != 0;
      c->num_policies = c->policies_malformed ? 0 : n;
      c->policies_present = c->policies_malformed || n > 0;
      c->policies_critical = c->policies_present && (b & 0x80);
      break;
    case F_PC:
      b = rd_u8(r);
      b1 = rd_u8(r);
      c->pc_present = 1;
      c->pc_require_explicit = b == 0xff ? -1 : b;
      c->pc_inhibit_mapping = b1 == 0xff ? -1 : b1;
      break;
    case F_IAP:
      b = rd_u8(r);
      c->inhibit_any_policy = b == 0xff ? -1 : b;
      break;
    case F_RAW_EXT: {
      struct cf_rext x;
      memset(&x, 0, sizeof(x));
      x.critical = rd_u8(r) & 1;
      rd_oid(r, OID_EXT, x.oid);
      x.value_len = rd_clamp(r, rd_u8(r));
      rd_bytes(r, x.value, x.value_len);
      if (c->num_raw_exts < CF_RECIPE_MAX_RAW_EXTS) {
        c->raw_exts[c->num_raw_exts++] = x;
      }
      break;
    }
    case F_DUPLICATE:
      c->duplicate = rd_u8(r);
      break;
    case F_SPKI:
      c->spki = (enum cf_spki_mode)(rd_u8(r) % 3);
      break;
    case F_PAD:
      c->pad = (size_t)rd_be(r, 2);
      break;
    case F_DEFECTS:
      c->defects = (uint32_t)rd_be(r, 2) & ((1u << CF_DEF_COUNT) - 1);
      break;
    case F_POLICY_MAPS:
      b = rd_u8(r);
      n = (b & 7) % (CF_RECIPE_MAX_POLICIES + 1);
      for (size_t i = 0; i < n; i++) {
        rd_oid(r, OID_POLICY, c->policy_maps[i].issuer);
        rd_oid(r, OID_POLICY, c->policy_maps[i].subject);
      }
      c->num_policy_maps = n;
      c->policy_maps_critical = !(b & 0x80);
      break;
    case F_UNIQUE_IDS: {
      uint8_t which = rd_u8(r);
      c->has_issuer_uid = which & 1;
      c->has_subject_uid = (which >> 1) & 1;
      c->issuer_uid_len = c->subject_uid_len = 0;
      if (c->has_issuer_uid) {
        n = rd_clamp(r, rd_u8(r) % (CF_RECIPE_MAX_HEX + 1));
        rd_bytes(r, c->issuer_uid, n);
        c->issuer_uid_len = n;
      }
      if (c->has_subject_uid) {
        n = rd_clamp(r, rd_u8(r) % (CF_RECIPE_MAX_HEX + 1));
        rd_bytes(r, c->subject_uid, n);
        c->subject_uid_len = n;
      }
      break;
    }
  }
}

static void device_field(struct dec *d, struct rd *r) {
  struct cf_rdevice *dev = &d->r->device;
  struct cf_profile *prof = &dev->profile;
  uint8_t b;
  size_t n;
  switch (rd_u8(r) % D_COUNT) {
    case D_ANCHORS:
      n = rd_u8(r) % (CF_RB_MAX_ANCHORS + 1);
      rd_bytes(r, d->anchors, n);
      d->num_anchors = n;
      d->has_anchors = 1;
      break;
    case D_CHAIN:
      n = 1 + rd_u8(r) % CF_RB_MAX_CHAIN;
      rd_bytes(r, d->chain, n);
      d->num_chain = n;
      d->has_chain = 1;
      break;
    case D_TIME:
      b = rd_u8(r) % 3;
      prof->clock = b == 1 ? CF_CLOCK_UNSET : CF_CLOCK_SET;
      prof->time = CF_DEFAULT_TIME;
      if (b == 0) {
        prof->time += (int32_t)rd_be(r, 4);
      } else if (b == 2) {
        prof->time = wrap_time((int64_t)rd_be(r, 8));
      }
      break;
    case D_NAME: {
      uint8_t buf[CF_RECIPE_MAX_VALUE], ip[16];
      size_t len;
      b = rd_u8(r) % 3;
      prof->name_type = CF_NAME_NONE;
      prof->dns_name[0] = '\0';
      prof->dns_name_len = 0;
      prof->ip_len = 0;
      if (b == 1) {
        rd_str(r, VOC_HOST, buf, sizeof(buf), &len);
        if (!cf_profile_set_dns_name(prof, (const char *)buf, len)) {
          cf_profile_set_dns_name(prof, kHosts[0].s, kHosts[0].len);
        }
      } else if (b == 2) {
        rd_ip(r, ip, &len);
        cf_profile_set_ip(prof, ip, len);
      }
      break;
    }
    case D_PURPOSE:
      prof->purpose = (enum cf_purpose)(rd_u8(r) % 3);
      break;
    case D_MAX_DEPTH:
      prof->max_depth = rd_u8(r);
      break;
    case D_FLAGS:
      prof->flags = rd_u8(r) & CF_PROFILE_FLAGS_DEVICE;
      break;
    case D_MIN_RSA:
      dev->min_rsa_bits = (unsigned)rd_be(r, 2);
      break;
    case D_ALGS: {
      uint32_t all = ((1u << CF_ALG_OID) - 1) & ~1u;
      dev->algorithms = (uint32_t)rd_be(r, 2) & all;
      if (dev->algorithms == 0) {
        dev->algorithms = cf_default_algorithms();
      }
      break;
    }
    case D_MAX_CHAIN_BYTES:
      dev->max_chain_bytes = (size_t)rd_be(r, 4);
      break;
  }
}

/* signer_key returns the pool key that signs cert |c| (build.c). */
static int signer_key(const struct cf_recipe *r, const struct cf_rcert *c) {
  return c->signed_by >= 0 ? c->signed_by : r->certs[c->issuer].key;
}

/* e3_fits: build.c's e3 forgery fits a |bits|-bit modulus for the digest
 * it uses with outer algorithm |outer| (PKCS#1 ones: theirs; else
 * SHA-256). DigestInfo prefix + hash lengths from RFC 8017 9.2. */
static int e3_fits(unsigned bits, enum cf_sig_alg outer) {
  size_t info;
  switch (outer) {
    case CF_ALG_RSA_PKCS1_MD5:
      info = 18 + 16;
      break;
    case CF_ALG_RSA_PKCS1_SHA1:
      info = 15 + 20;
      break;
    case CF_ALG_RSA_PKCS1_SHA384:
      info = 19 + 48;
      break;
    case CF_ALG_RSA_PKCS1_SHA512:
      info = 19 + 64;
      break;
    default:
      info = 19 + 32;
      break;
  }
  size_t k = bits / 8;
  return 11 + info + (2 * k) / 3 + 2 <= k;
}

/* reduce makes cert |c| of |r| buildable (the header comment's list). */
static void reduce(struct cf_recipe *r, struct cf_rcert *c) {
  const struct cf_pool_info *own = key_info(c->key);
  if (own == NULL || own->type != CF_KT_EC) {
    c->spki = CF_SPKI_NAMED;
  }
  const struct cf_pool_info *sk = key_info(signer_key(r, c));
  uint32_t e3 = 1u << CF_DEF_SIG_E3_FORGERY;
  uint32_t zero = (1u << CF_DEF_SIG_ZERO_R) | (1u << CF_DEF_SIG_ZERO_S);
  if ((c->defects & e3) &&
      (sk == NULL || sk->type != CF_KT_RSA || sk->rsa_e != 3 ||
       !e3_fits(sk->bits, c->outer_alg))) {
    c->defects &= ~e3;
  }
  if ((c->defects & zero) &&
      ((c->defects & e3) || sk == NULL || sk->type != CF_KT_EC)) {
    c->defects &= ~zero;
  }
}

static int in_list(const int *list, size_t n, int v) {
  for (size_t i = 0; i < n; i++) {
    if (list[i] == v) {
      return 1;
    }
  }
  return 0;
}

/* add_cert appends a cert block of template |tpl| with key |key|. */
static struct cf_rcert *add_cert(struct cf_recipe *r, enum cf_template tpl,
                                 int key) {
  char name[CF_RECIPE_MAX_CERT_NAME + 1];
  size_t idx = r->num_certs++;
  cf_rb_cert_name(name, tpl, idx);
  cf_rcert_init(&r->certs[idx], tpl, name, (int)idx, key);
  r->certs[idx].line = (unsigned)idx + 1;
  return &r->certs[idx];
}

/* init_recipe is cf_recipe_init without clearing the cert blocks (a
 * recipe is about 2 MB, most of it the 24 cert blocks; clearing them all
 * would cost as much as a P-256 signature per input). Cert blocks are
 * cleared as they are added (cf_rcert_init); nothing reads past
 * num_certs. */
static void init_recipe(struct cf_recipe *r) {
  static struct cf_rdevice default_device;
  static int have_default;
  if (!have_default) {
    cf_recipe_init(r);
    default_device = r->device;
    have_default = 1;
  }
  memset(r, 0, offsetof(struct cf_recipe, certs));
  r->num_certs = 0;
  r->device = default_device;
  r->expect = CF_EXPECT_ACCEPT;
  r->expect_reason = CF_REASON_NONE;
}

int cf_recipe_from_bytes(struct cf_recipe *out, const uint8_t *in,
                         size_t in_len) {
  struct dec d;
  struct rd top = {in, in != NULL ? in_len : 0, 0};
  struct cf_recipe *r = out;
  memset(&d, 0, sizeof(d));
  d.r = r;
  init_recipe(r);
  snprintf(r->id, sizeof(r->id), "%s", CF_RB_RECIPE_ID);

  int cur = -1;
  while (rd_more(&top)) {
    uint8_t tag = rd_u8(&top);
    size_t len = rd_u8(&top);
    size_t avail = top.len - top.pos;
    struct rd body = {top.p + top.pos, len < avail ? len : avail, 0};
    top.pos += body.len;
    switch (tag % 4) {
      case CF_RB_REC_CERT: {
        if (r->num_certs == CF_RB_MAX_CERTS) {
          cur = -1;
          break;
        }
        enum cf_template tpl = (enum cf_template)(rd_u8(&body) % 4);
        int key = rd_key(&body);
        cur = (int)r->num_certs;
        add_cert(r, tpl, key);
        d.pend[cur].issuer_raw = rd_u8(&body);
        while (rd_more(&body)) {
          cert_field(&body, &r->certs[cur], &d.pend[cur]);
        }
        break;
      }
      case CF_RB_REC_MORE:
        while (cur >= 0 && rd_more(&body)) {
          cert_field(&body, &r->certs[cur], &d.pend[cur]);
        }
        break;
      case CF_RB_REC_DEVICE:
        while (rd_more(&body)) {
          device_field(&d, &body);
        }
        break;
      default:
        break;
    }
  }

  /* No cert at all: a P-256 root and the leaf it issues. */
  if (r->num_certs == 0) {
    add_cert(r, CF_TPL_ROOT, pool_p256(0));
    add_cert(r, CF_TPL_LEAF, pool_p256(4));
    d.pend[0].issuer_raw = 0;
    d.pend[1].issuer_raw = 0;
  }
  size_t n = r->num_certs;
  int64_t now = cf_profile_effective_time(&r->device.profile);
  for (size_t i = 0; i < n; i++) {
    struct cf_rcert *c = &r->certs[i];
    c->issuer = d.pend[i].issuer_raw % (int)n;
    if (d.pend[i].nb.set) {
      resolve_time(&c->not_before, &d.pend[i].nb, now);
    }
    if (d.pend[i].na.set) {
      resolve_time(&c->not_after, &d.pend[i].na, now);
    }
  }
  for (size_t i = 0; i < n; i++) {
    reduce(r, &r->certs[i]);
  }

  /* The chain: as given, or the last cert and its issuers. */
  struct cf_rdevice *dev = &r->device;
  if (d.has_chain) {
    for (size_t i = 0; i < d.num_chain; i++) {
      dev->chain[i] = d.chain[i] % n;
    }
    dev->num_chain = d.num_chain;
  } else {
    int at = (int)n - 1;
    dev->chain[0] = at;
    dev->num_chain = 1;
    for (;;) {
      int iss = r->certs[at].issuer;
      if (iss == at || r->certs[iss].issuer == iss ||
          in_list(dev->chain, dev->num_chain, iss) ||
          dev->num_chain == CF_RB_MAX_CHAIN) {
        break;
      }
      dev->chain[dev->num_chain++] = iss;
      at = iss;
    }
  }
  /* The anchors: as given, or the self-issued certs, or the issuer of the
   * chain's last cert. */
  if (d.has_anchors) {
    for (size_t i = 0; i < d.num_anchors; i++) {
      dev->anchors[i] = d.anchors[i] % n;
    }
    dev->num_anchors = d.num_anchors;
  } else {
    dev->num_anchors = 0;
    for (size_t i = 0; i < n && dev->num_anchors < CF_RB_MAX_ANCHORS; i++) {
      if (r->certs[i].issuer == (int)i) {
        dev->anchors[dev->num_anchors++] = (int)i;
      }
    }
    if (dev->num_anchors == 0) {
      dev->anchors[0] = r->certs[dev->chain[dev->num_chain - 1]].issuer;
      dev->num_anchors = 1;
    }
  }
  return 1;
}

/* --- comparison ------------------------------------------------------------
 */

struct why {
  char *buf;
  size_t len;
};

static int differ(struct why *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int differ(struct why *w, const char *fmt, ...) {
  if (w->buf != NULL && w->len > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->buf, w->len, fmt, ap);
    va_end(ap);
  }
  return 0;
}

static int same_bytes(const uint8_t *a, size_t a_len, const uint8_t *b,
                      size_t b_len) {
  return a_len == b_len && (a_len == 0 || memcmp(a, b, a_len) == 0);
}


static int same_gns(const struct cf_gn_list *a, const struct cf_gn_list *b) {
  if (a->num != b->num) {
    return 0;
  }
  for (size_t i = 0; i < a->num && i < CF_RECIPE_MAX_GNS; i++) {
    const struct cf_gn *x = &a->names[i], *y = &b->names[i];
    if (x->type != y->type) {
      return 0;
    }
    if (x->type == CF_GN_DN ? !cf_rname_identical(&x->dn, &y->dn)
                            : !same_bytes(x->value, x->value_len, y->value,
                                          y->value_len)) {
      return 0;
    }
  }
  return 1;
}

static int same_time(const struct cf_rtime *a, const struct cf_rtime *b) {
  if (a->enc != b->enc) {
    return 0;
  }
  if (a->enc == CF_TIME_RAW_UTC || a->enc == CF_TIME_RAW_GEN) {
    return strncmp(a->raw, b->raw, sizeof(a->raw)) == 0;
  }
  return a->t == b->t;
}

static int same_alg(enum cf_sig_alg a, const char *a_oid, enum cf_sig_alg b,
                    const char *b_oid) {
  return a == b && (a != CF_ALG_OID || strcmp(a_oid, b_oid) == 0);
}

static void eff_serial(uint8_t out[CF_RECIPE_MAX_HEX], size_t *out_len,
                       const struct cf_recipe *r, const struct cf_rcert *c) {
  if (c->serial_len > 0) {
    *out_len =
        c->serial_len < CF_RECIPE_MAX_HEX ? c->serial_len : CF_RECIPE_MAX_HEX;
    memcpy(out, c->serial, *out_len);
    return;
  }
  default_serial(out, r->id, c->name);
  *out_len = 8;
}

static int same_cert(struct why *w, size_t i, const struct cf_recipe *ra,
                     const struct cf_rcert *a, const struct cf_recipe *rb,
                     const struct cf_rcert *b) {
  uint8_t sa[CF_RECIPE_MAX_HEX], sb[CF_RECIPE_MAX_HEX];
  size_t sa_len, sb_len;
  if (a->key != b->key || a->issuer != b->issuer ||
      a->signed_by != b->signed_by || a->version != b->version) {
    return differ(w, "cert %zu: key, issuer, signed-by or version", i);
  }
  if (a->has_issuer_name != b->has_issuer_name ||
      (a->has_issuer_name && !cf_rname_identical(&a->issuer_name, &b->issuer_name))) {
    return differ(w, "cert %zu: issuer-name", i);
  }
  if (!cf_rname_identical(&a->subject, &b->subject)) {
    return differ(w, "cert %zu: subject", i);
  }
  eff_serial(sa, &sa_len, ra, a);
  eff_serial(sb, &sb_len, rb, b);
  if (!same_bytes(sa, sa_len, sb, sb_len)) {
    return differ(w, "cert %zu: serial", i);
  }
  if (!same_time(&a->not_before, &b->not_before) ||
      !same_time(&a->not_after, &b->not_after)) {
    return differ(w, "cert %zu: validity", i);
  }
  if (!same_alg(a->tbs_alg, a->tbs_alg_oid, b->tbs_alg, b->tbs_alg_oid) ||
      !same_alg(a->outer_alg, a->outer_alg_oid, b->outer_alg,
                b->outer_alg_oid)) {
    return differ(w, "cert %zu: signature algorithm", i);
  }
  if (a->bc != b->bc ||
      (a->bc != CF_RBC_ABSENT && a->bc_critical != b->bc_critical) ||
      (a->bc == CF_RBC_CA && a->bc_path_len != b->bc_path_len) ||
      (a->bc == CF_RBC_EE && a->bc_explicit_false != b->bc_explicit_false)) {
    return differ(w, "cert %zu: basic-constraints", i);
  }
  if (a->ku_present != b->ku_present ||
      (a->ku_present && (a->ku_critical != b->ku_critical || a->ku != b->ku))) {
    return differ(w, "cert %zu: key-usage", i);
  }
  if (a->eku_present != b->eku_present ||
      (a->eku_present &&
       (a->eku_critical != b->eku_critical || a->num_eku != b->num_eku))) {
    return differ(w, "cert %zu: eku", i);
  }
  for (size_t k = 0; a->eku_present && k < a->num_eku; k++) {
    if (strcmp(a->eku[k], b->eku[k]) != 0) {
      return differ(w, "cert %zu: eku %zu", i, k);
    }
  }
  if (a->san_present != b->san_present ||
      (a->san_present &&
       (a->san_critical != b->san_critical || !same_gns(&a->san, &b->san)))) {
    return differ(w, "cert %zu: san", i);
  }
  if (!same_gns(&a->permitted, &b->permitted) ||
      !same_gns(&a->excluded, &b->excluded) ||
      (cf_rcert_has_ext(a, CF_EXT_NC) && a->nc_critical != b->nc_critical)) {
    return differ(w, "cert %zu: name constraints", i);
  }
  if (a->has_issuer_uid != b->has_issuer_uid ||
      a->has_subject_uid != b->has_subject_uid ||
      (a->has_issuer_uid && !same_bytes(a->issuer_uid, a->issuer_uid_len,
                                        b->issuer_uid, b->issuer_uid_len)) ||
      (a->has_subject_uid && !same_bytes(a->subject_uid, a->subject_uid_len,
                                         b->subject_uid, b->subject_uid_len))) {
    return differ(w, "cert %zu: unique identifiers", i);
  }
  if (a->ski_mode != b->ski_mode ||
      (a->ski_mode == 2 && !same_bytes(a->ski, a->ski_len, b->ski, b->ski_len))) {
    return differ(w, "cert %zu: ski", i);
  }
  if (a->aki_mode != b->aki_mode ||
      (a->aki_mode == 2 && !same_bytes(a->aki, a->aki_len, b->aki, b->aki_len))) {
    return differ(w, "cert %zu: aki", i);
  }
  if (a->policies_present != b->policies_present ||
      a->policies_malformed != b->policies_malformed ||
      (cf_rcert_has_ext(a, CF_EXT_POLICIES) &&
       a->policies_critical != b->policies_critical) ||
      a->num_policies != b->num_policies) {
    return differ(w, "cert %zu: policies", i);
  }
  for (size_t k = 0; k < a->num_policies && k < CF_RECIPE_MAX_POLICIES; k++) {
    if (strcmp(a->policies[k], b->policies[k]) != 0) {
      return differ(w, "cert %zu: policy %zu", i, k);
    }
  }
  if (a->num_policy_maps != b->num_policy_maps ||
      (a->num_policy_maps > 0 &&
       a->policy_maps_critical != b->policy_maps_critical)) {
    return differ(w, "cert %zu: policy mappings", i);
  }
  for (size_t k = 0; k < a->num_policy_maps && k < CF_RECIPE_MAX_POLICIES;
       k++) {
    if (strcmp(a->policy_maps[k].issuer, b->policy_maps[k].issuer) != 0 ||
        strcmp(a->policy_maps[k].subject, b->policy_maps[k].subject) != 0) {
      return differ(w, "cert %zu: policy mapping %zu", i, k);
    }
  }
  if (a->pc_present != b->pc_present ||
      (a->pc_present && (a->pc_require_explicit != b->pc_require_explicit ||
                         a->pc_inhibit_mapping != b->pc_inhibit_mapping)) ||
      a->inhibit_any_policy != b->inhibit_any_policy) {
    return differ(w, "cert %zu: policy constraints", i);
  }
  if (a->num_raw_exts != b->num_raw_exts) {
    return differ(w, "cert %zu: extensions", i);
  }
  for (size_t k = 0; k < a->num_raw_exts && k < CF_RECIPE_MAX_RAW_EXTS; k++) {
    const struct cf_rext *x = &a->raw_exts[k], *y = &b->raw_exts[k];
    if (strcmp(x->oid, y->oid) != 0 || x->critical != y->critical ||
        !same_bytes(x->value, x->value_len, y->value, y->value_len)) {
      return differ(w, "cert %zu: extension %zu", i, k);
    }
  }
  if (a->duplicate != b->duplicate || a->spki != b->spki || a->pad != b->pad ||
      a->defects != b->defects) {
    return differ(w, "cert %zu: duplicate, spki, pad or defects", i);
  }
  return 1;
}

int cf_recipe_same_model(const struct cf_recipe *a, const struct cf_recipe *b,
                         char *why, size_t why_len) {
  struct why w = {why, why_len};
  const struct cf_rdevice *x = &a->device, *y = &b->device;
  const struct cf_profile *p = &x->profile, *q = &y->profile;
  if (why != NULL && why_len > 0) {
    why[0] = '\0';
  }
  if (a->num_certs != b->num_certs) {
    return differ(&w, "%zu certs vs %zu", a->num_certs, b->num_certs);
  }
  for (size_t i = 0; i < a->num_certs && i < CF_RECIPE_MAX_CERTS; i++) {
    if (!same_cert(&w, i, a, &a->certs[i], b, &b->certs[i])) {
      return 0;
    }
  }
  if (x->num_anchors != y->num_anchors || x->num_chain != y->num_chain ||
      (x->num_anchors > 0 &&
       memcmp(x->anchors, y->anchors, x->num_anchors * sizeof(int)) != 0) ||
      (x->num_chain > 0 &&
       memcmp(x->chain, y->chain, x->num_chain * sizeof(int)) != 0)) {
    return differ(&w, "device: anchors or chain");
  }
  if (p->clock != q->clock || (p->clock == CF_CLOCK_SET && p->time != q->time)) {
    return differ(&w, "device: time");
  }
  if (p->name_type != q->name_type ||
      (p->name_type == CF_NAME_DNS &&
       !same_bytes((const uint8_t *)p->dns_name, p->dns_name_len,
                   (const uint8_t *)q->dns_name, q->dns_name_len)) ||
      (p->name_type == CF_NAME_IP &&
       !same_bytes(p->ip, p->ip_len, q->ip, q->ip_len))) {
    return differ(&w, "device: name");
  }
  if (p->purpose != q->purpose || p->max_depth != q->max_depth ||
      p->flags != q->flags || x->min_rsa_bits != y->min_rsa_bits ||
      x->algorithms != y->algorithms ||
      x->max_chain_bytes != y->max_chain_bytes) {
    return differ(&w, "device: purpose, depth, flags or limits");
  }
  return 1;
}

/* --- encoding --------------------------------------------------------------
 */

/* wbuf is a growing byte buffer; |failed| once anything went wrong. */
struct wbuf {
  uint8_t *p;
  size_t len, cap;
  int failed;
};

static void w_u8(struct wbuf *w, uint8_t v) {
  if (w->failed) {
    return;
  }
  if (w->len == w->cap) {
    size_t cap = w->cap ? 2 * w->cap : 256;
    uint8_t *p = realloc(w->p, cap);
    if (p == NULL) {
      w->failed = 1;
      return;
    }
    w->p = p;
    w->cap = cap;
  }
  w->p[w->len++] = v;
}

static void w_be(struct wbuf *w, uint64_t v, size_t n) {
  for (size_t i = n; i > 0; i--) {
    w_u8(w, (uint8_t)(v >> (8 * (i - 1))));
  }
}

static void w_bytes(struct wbuf *w, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    w_u8(w, p[i]);
  }
}

static void w_str(struct wbuf *w, enum vocab voc, const uint8_t *s,
                  size_t len) {
  size_t n;
  const struct word *words = vocab_words(voc, &n);
  for (size_t i = 0; i < n; i++) {
    if (same_bytes((const uint8_t *)words[i].s, words[i].len, s, len)) {
      w_u8(w, (uint8_t)i);
      return;
    }
  }
  /* A long name the decoder makes (cf_rb_long_name) is two bytes, and a literal
   * of its length may not fit in a record. */
  for (unsigned k = 0; len >= 65 && k < 126; k++) {
    uint8_t name[CF_RECIPE_MAX_VALUE];
    size_t name_len = cf_rb_long_name(name, sizeof(name), k);
    if (same_bytes(name, name_len, s, len)) {
      w_u8(w, 0xff);
      w_u8(w, (uint8_t)(130 + k));
      return;
    }
  }
  if (len < 127) {
    w_u8(w, (uint8_t)(0x80 + len));
  } else if (len - 127 < 130) {
    w_u8(w, 0xff);
    w_u8(w, (uint8_t)(len - 127));
  } else {
    w->failed = 1;
    return;
  }
  w_bytes(w, s, len);
}

static void w_oid(struct wbuf *w, enum oid_base base, const char *oid) {
  size_t n = COUNT(kOids);
  uint8_t der[128];
  size_t der_len;
  CBB cbb;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(kOids[i], oid) == 0) {
      w_u8(w, (uint8_t)((i + n - base) % n));
      return;
    }
  }
  if (!CBB_init_fixed(&cbb, der, sizeof(der)) ||
      !CBB_add_asn1_oid_from_text(&cbb, oid, strlen(oid)) ||
      !CBB_finish(&cbb, NULL, &der_len) || der_len == 0 || der_len > 0x7f) {
    CBB_cleanup(&cbb);
    ERR_clear_error();
    w->failed = 1;
    return;
  }
  w_u8(w, (uint8_t)(0x80 | der_len));
  w_bytes(w, der, der_len);
}

static void w_key(struct wbuf *w, int key) {
  for (int s = 0; s < 6; s++) {
    if (pool_p256(s) == key) {
      w_u8(w, (uint8_t)s);
      return;
    }
  }
  if (key < 0 || (size_t)key >= cf_pool_count() || key > 0xff - 0xc0) {
    w->failed = 1;
    return;
  }
  w_u8(w, (uint8_t)(0xc0 + key));
}

static void w_dn(struct wbuf *w, const struct cf_rname *dn) {
  w_u8(w, (uint8_t)dn->num_attrs);
  for (size_t i = 0; i < dn->num_attrs && i < CF_RECIPE_MAX_ATTRS; i++) {
    const struct cf_rattr *a = &dn->attrs[i];
    size_t t;
    for (t = 0; t < COUNT(kStrTypes) && kStrTypes[t] != a->type; t++) {
    }
    if (t == COUNT(kStrTypes)) {
      w->failed = 1;
      return;
    }
    w_u8(w, (uint8_t)t);
    w_oid(w, OID_ATTR, a->oid);
    w_str(w, VOC_DNVAL, a->value, a->value_len);
  }
}

static void w_ip(struct wbuf *w, const uint8_t *ip, size_t len, int net) {
  const struct ip_word *words = net ? kNets : kIps;
  size_t n = net ? COUNT(kNets) : COUNT(kIps);
  for (size_t i = 0; i < n; i++) {
    if (same_bytes(words[i].b, words[i].len, ip, len)) {
      w_u8(w, (uint8_t)i);
      return;
    }
  }
  size_t bytes = net ? len / 2 : len;
  if (bytes != 4 && bytes != 16) {
    w->failed = 1;
    return;
  }
  w_u8(w, bytes == 16 ? 0x81 : 0x80);
  w_bytes(w, ip, bytes);
  if (net) {
    unsigned prefix = 0;
    for (size_t i = 0; i < bytes; i++) {
      for (int bit = 7; bit >= 0 && (ip[bytes + i] >> bit) & 1; bit--) {
        prefix++;
      }
      if (ip[bytes + i] != 0xff) {
        break;
      }
    }
    w_u8(w, (uint8_t)prefix); /* a non-prefix mask: caught by the check */
  }
}

static void w_gn(struct wbuf *w, const struct cf_gn *gn, int nc) {
  w_u8(w, (uint8_t)gn->type);
  switch (gn->type) {
    case CF_GN_DNS:
      w_str(w, VOC_HOST, gn->value, gn->value_len);
      break;
    case CF_GN_IP:
      w_ip(w, gn->value, gn->value_len, nc);
      break;
    case CF_GN_EMAIL:
      w_str(w, VOC_EMAIL, gn->value, gn->value_len);
      break;
    case CF_GN_URI:
      w_str(w, VOC_URI, gn->value, gn->value_len);
      break;
    case CF_GN_DN:
      w_dn(w, &gn->dn);
      break;
    case CF_GN_RAW:
      if (nc || gn->value_len == 0 || gn->value_len > 0xff) {
        w->failed = 1;
        return;
      }
      w_u8(w, (uint8_t)gn->value_len);
      w_bytes(w, gn->value, gn->value_len);
      break;
    default:
      w->failed = 1;
  }
}

static void w_alg(struct wbuf *w, enum cf_sig_alg a, const char *oid) {
  w_u8(w, (uint8_t)a);
  if (a == CF_ALG_OID) {
    w_oid(w, OID_ALG, oid);
  }
}

/* w_time writes cert time |t|, relative to the device time |now| or a
 * fixed base when that is exact, else absolute. */
static void w_time(struct wbuf *w, const struct cf_rtime *t, int64_t now) {
  if (t->enc == CF_TIME_RAW_UTC || t->enc == CF_TIME_RAW_GEN) {
    w_u8(w, (uint8_t)(t->enc << 4));
    w_str(w, VOC_RAWTIME, (const uint8_t *)t->raw,
          strnlen(t->raw, sizeof(t->raw)));
    return;
  }
  for (unsigned base = 0; base < 3; base++) {
    int64_t b = base == 0 ? now : kTimeBases[base];
    for (unsigned unit = 0; unit < 4; unit++) {
      int64_t u = kTimeUnits[unit];
      int64_t diff = t->t - b;
      if (diff % u == 0 && diff / u >= INT16_MIN && diff / u <= INT16_MAX) {
        w_u8(w, (uint8_t)((unsigned)t->enc << 4 | unit << 2 | base));
        w_be(w, (uint64_t)(diff / u), 2);
        return;
      }
    }
  }
  w_u8(w, (uint8_t)((unsigned)t->enc << 4 | 3));
  w_be(w, (uint64_t)t->t, 8);
}

/* fieldset collects one cert's fields, each a slice of |buf|. */
struct fieldset {
  struct wbuf buf;
  size_t start[64];
  size_t num;
};

static struct wbuf *field(struct fieldset *f, unsigned id) {
  if (f->num == COUNT(f->start)) {
    f->buf.failed = 1;
  } else {
    f->start[f->num++] = f->buf.len;
  }
  if (id >= F_V1_COUNT) {
    w_u8(&f->buf, F_ESCAPE);
    id -= F_V1_COUNT;
  }
  w_u8(&f->buf, (uint8_t)id);
  return &f->buf;
}

static void encode_cert_fields(struct fieldset *f, const struct cf_recipe *r,
                               size_t i, int64_t now) {
  const struct cf_rcert *c = &r->certs[i];
  struct cf_rcert t;
  char name[CF_RECIPE_MAX_CERT_NAME + 1];
  struct wbuf *w;
  cf_rb_cert_name(name, c->tpl, i);
  cf_rcert_init(&t, c->tpl, name, (int)i, c->key);

  if (!cf_rname_identical(&c->subject, &t.subject)) {
    w_dn(field(f, F_SUBJECT), &c->subject);
  }
  if (c->has_issuer_name) {
    w_dn(field(f, F_ISSUER_NAME), &c->issuer_name);
  }
  if (c->signed_by >= 0) {
    w_key(field(f, F_SIGNED_BY), c->signed_by);
  }
  if (c->version != 3) {
    w_u8(field(f, F_VERSION), (uint8_t)(c->version - 1));
  }
  if (c->serial_len > 0 || strcmp(r->id, CF_RB_RECIPE_ID) != 0 ||
      strcmp(c->name, name) != 0) {
    uint8_t s[CF_RECIPE_MAX_HEX];
    size_t s_len;
    eff_serial(s, &s_len, r, c);
    w = field(f, F_SERIAL);
    w_u8(w, (uint8_t)s_len);
    w_bytes(w, s, s_len);
  }
  if (!same_time(&c->not_before, &t.not_before)) {
    w_time(field(f, F_NOT_BEFORE), &c->not_before, now);
  }
  if (!same_time(&c->not_after, &t.not_after)) {
    w_time(field(f, F_NOT_AFTER), &c->not_after, now);
  }
  if (same_alg(c->tbs_alg, c->tbs_alg_oid, c->outer_alg, c->outer_alg_oid)) {
    if (c->tbs_alg != CF_ALG_DEFAULT) {
      w_alg(field(f, F_SIG_ALG), c->tbs_alg, c->tbs_alg_oid);
    }
  } else {
    if (c->tbs_alg != CF_ALG_DEFAULT) {
      w_alg(field(f, F_TBS_ALG), c->tbs_alg, c->tbs_alg_oid);
    }
    if (c->outer_alg != CF_ALG_DEFAULT) {
      w_alg(field(f, F_OUTER_ALG), c->outer_alg, c->outer_alg_oid);
    }
  }
  if (c->bc != t.bc || (c->bc != CF_RBC_ABSENT &&
                        (c->bc_critical != t.bc_critical ||
                         c->bc_path_len != t.bc_path_len ||
                         c->bc_explicit_false != t.bc_explicit_false))) {
    if (c->bc == CF_RBC_CA && c->bc_path_len > 0xfe) {
      f->buf.failed = 1;
    }
    w = field(f, F_BC);
    w_u8(w, (uint8_t)(c->bc | (c->bc_critical ? 0 : 4) |
                      (c->bc_explicit_false ? 8 : 0)));
    w_u8(w, c->bc == CF_RBC_CA && c->bc_path_len >= 0 ? (uint8_t)c->bc_path_len
                                                      : 0xff);
  }
  if (c->ku_present != t.ku_present ||
      (c->ku_present && (c->ku != t.ku || c->ku_critical != t.ku_critical))) {
    w = field(f, F_KU);
    w_u8(w, (uint8_t)(c->ku & 0xff));
    w_u8(w, c->ku_present ? (uint8_t)(((c->ku >> 8) & 1) |
                                      (c->ku_critical ? 0 : 2))
                          : 4);
  }
  int eku_same = c->eku_present == t.eku_present &&
                 (!c->eku_present || (c->eku_critical == t.eku_critical &&
                                      c->num_eku == t.num_eku));
  for (size_t k = 0; eku_same && c->eku_present && k < c->num_eku; k++) {
    eku_same = strcmp(c->eku[k], t.eku[k]) == 0;
  }
  if (!eku_same) {
    w = field(f, F_EKU);
    w_u8(w, (uint8_t)((c->eku_present ? c->num_eku : 0) |
                      (c->eku_present && c->eku_critical ? 0x80 : 0)));
    for (size_t k = 0; c->eku_present && k < c->num_eku; k++) {
      w_oid(w, OID_EKU, c->eku[k]);
    }
  }
  if (c->san_present != t.san_present ||
      (c->san_present && (c->san_critical != t.san_critical ||
                          !same_gns(&c->san, &t.san)))) {
    w = field(f, F_SAN);
    w_u8(w, (uint8_t)((c->san_present ? c->san.num : 0) |
                      (c->san_present && c->san_critical ? 0x80 : 0)));
    for (size_t k = 0; c->san_present && k < c->san.num; k++) {
      w_gn(w, &c->san.names[k], 0);
    }
  }
  /* One field per name constraint: a long list still fits records. */
  for (size_t k = 0; k < c->permitted.num; k++) {
    w = field(f, F_PERMIT);
    w_u8(w, 1);
    w_gn(w, &c->permitted.names[k], 1);
  }
  for (size_t k = 0; k < c->excluded.num; k++) {
    w = field(f, F_EXCLUDE);
    w_u8(w, 1);
    w_gn(w, &c->excluded.names[k], 1);
  }
  if (cf_rcert_has_ext(c, CF_EXT_NC) && !c->nc_critical) {
    w_u8(field(f, F_NC_FLAGS), 1);
  }
  for (int ski = 1; ski >= 0; ski--) {
    int mode = ski ? c->ski_mode : c->aki_mode;
    int tmode = ski ? t.ski_mode : t.aki_mode;
    const uint8_t *bytes = ski ? c->ski : c->aki;
    size_t len = ski ? c->ski_len : c->aki_len;
    if (mode == tmode && mode != 2) {
      continue;
    }
    w = field(f, ski ? F_SKI : F_AKI);
    w_u8(w, (uint8_t)mode);
    if (mode == 2) {
      if (len == 0 || len > CF_RECIPE_MAX_HEX) {
        f->buf.failed = 1;
      }
      w_u8(w, (uint8_t)(len - 1));
      w_bytes(w, bytes, len);
    }
  }
  if (c->policies_present || c->policies_malformed) {
    w = field(f, F_POLICIES);
    w_u8(w, (uint8_t)(c->num_policies | (c->policies_malformed ? 0x40 : 0) |
                      (c->policies_critical ? 0x80 : 0)));
    for (size_t k = 0; k < c->num_policies; k++) {
      w_oid(w, OID_POLICY, c->policies[k]);
    }
  }
  if (c->num_policy_maps > 0) {
    w = field(f, F_POLICY_MAPS);
    w_u8(w, (uint8_t)(c->num_policy_maps |
                      (c->policy_maps_critical ? 0 : 0x80)));
    for (size_t k = 0; k < c->num_policy_maps; k++) {
      w_oid(w, OID_POLICY, c->policy_maps[k].issuer);
      w_oid(w, OID_POLICY, c->policy_maps[k].subject);
    }
  }
  if (c->pc_present) {
    if (c->pc_require_explicit > 0xfe || c->pc_inhibit_mapping > 0xfe) {
      f->buf.failed = 1;
    }
    w = field(f, F_PC);
    w_u8(w, c->pc_require_explicit < 0 ? 0xff : (uint8_t)c->pc_require_explicit);
    w_u8(w, c->pc_inhibit_mapping < 0 ? 0xff : (uint8_t)c->pc_inhibit_mapping);
  }
  if (c->inhibit_any_policy >= 0) {
    if (c->inhibit_any_policy > 0xfe) {
      f->buf.failed = 1;
    }
    w_u8(field(f, F_IAP), (uint8_t)c->inhibit_any_policy);
  }
  for (size_t k = 0; k < c->num_raw_exts; k++) {
    const struct cf_rext *x = &c->raw_exts[k];
    if (x->value_len > 0xff) {
      f->buf.failed = 1;
    }
    w = field(f, F_RAW_EXT);
    w_u8(w, x->critical ? 1 : 0);
    w_oid(w, OID_EXT, x->oid);
    w_u8(w, (uint8_t)x->value_len);
    w_bytes(w, x->value, x->value_len);
  }
  if (c->duplicate != 0) {
    w_u8(field(f, F_DUPLICATE), (uint8_t)c->duplicate);
  }
  if (c->spki != CF_SPKI_NAMED) {
    w_u8(field(f, F_SPKI), (uint8_t)c->spki);
  }
  if (c->pad > 0) {
    if (c->pad > CF_RB_MAX_PAD) {
      f->buf.failed = 1;
    }
    w_be(field(f, F_PAD), c->pad, 2);
  }
  if (c->defects != 0) {
    w_be(field(f, F_DEFECTS), c->defects, 2);
  }
  if (c->has_issuer_uid || c->has_subject_uid) {
    w = field(f, F_UNIQUE_IDS);
    w_u8(w, (uint8_t)((c->has_issuer_uid ? 1 : 0) | (c->has_subject_uid ? 2 : 0)));
    if (c->issuer_uid_len > CF_RECIPE_MAX_HEX ||
        c->subject_uid_len > CF_RECIPE_MAX_HEX) {
      f->buf.failed = 1;
    }
    if (c->has_issuer_uid) {
      w_u8(w, (uint8_t)c->issuer_uid_len);
      w_bytes(w, c->issuer_uid, c->issuer_uid_len);
    }
    if (c->has_subject_uid) {
      w_u8(w, (uint8_t)c->subject_uid_len);
      w_bytes(w, c->subject_uid, c->subject_uid_len);
    }
  }
}

/* w_records writes |hdr| then the fields of |f| as one record of kind
 * |kind| and as many MORE (or |kind| again, for the device) records as
 * needed, each at most 255 body bytes. */
static void w_records(struct wbuf *out, enum cf_rb_record kind,
                      enum cf_rb_record more, const uint8_t *hdr,
                      size_t hdr_len, const struct fieldset *f) {
  size_t k = 0;
  int first = 1;
  while (first || k < f->num) {
    size_t body = first ? hdr_len : 0, end = k;
    while (end < f->num) {
      size_t flen = (end + 1 < f->num ? f->start[end + 1] : f->buf.len) -
                    f->start[end];
      if (body + flen > 0xff) {
        break;
      }
      body += flen;
      end++;
    }
    if (end == k && k < f->num && !first) {
      out->failed = 1; /* one field over 255 bytes */
      return;
    }
    w_u8(out, (uint8_t)(first ? kind : more));
    w_u8(out, (uint8_t)body);
    if (first) {
      w_bytes(out, hdr, hdr_len);
    }
    if (end > k) {
      size_t from = f->start[k];
      size_t to = end < f->num ? f->start[end] : f->buf.len;
      w_bytes(out, f->buf.p + from, to - from);
    }
    k = end;
    first = 0;
  }
}

static void device_fields(struct fieldset *f, const struct cf_recipe *r) {
  const struct cf_rdevice *d = &r->device;
  const struct cf_profile *p = &d->profile;
  struct cf_recipe def;
  struct wbuf *w;
  cf_recipe_init(&def);
  const struct cf_profile *dp = &def.device.profile;

  if (d->num_anchors > CF_RB_MAX_ANCHORS || d->num_chain < 1 ||
      d->num_chain > CF_RB_MAX_CHAIN) {
    f->buf.failed = 1;
    return;
  }
  w = field(f, D_ANCHORS);
  w_u8(w, (uint8_t)d->num_anchors);
  for (size_t i = 0; i < d->num_anchors; i++) {
    w_u8(w, (uint8_t)d->anchors[i]);
  }
  w = field(f, D_CHAIN);
  w_u8(w, (uint8_t)(d->num_chain - 1));
  for (size_t i = 0; i < d->num_chain; i++) {
    w_u8(w, (uint8_t)d->chain[i]);
  }
  if (p->clock == CF_CLOCK_UNSET) {
    w_u8(field(f, D_TIME), 1);
  } else if (p->time != CF_DEFAULT_TIME) {
    int64_t diff = p->time - CF_DEFAULT_TIME;
    w = field(f, D_TIME);
    if (diff >= INT32_MIN && diff <= INT32_MAX) {
      w_u8(w, 0);
      w_be(w, (uint64_t)diff, 4);
    } else {
      w_u8(w, 2);
      w_be(w, (uint64_t)p->time, 8);
    }
  }
  if (p->name_type != dp->name_type ||
      !same_bytes((const uint8_t *)p->dns_name, p->dns_name_len,
                  (const uint8_t *)dp->dns_name, dp->dns_name_len)) {
    w = field(f, D_NAME);
    w_u8(w, (uint8_t)p->name_type);
    if (p->name_type == CF_NAME_DNS) {
      w_str(w, VOC_HOST, (const uint8_t *)p->dns_name, p->dns_name_len);
    } else if (p->name_type == CF_NAME_IP) {
      w_ip(w, p->ip, p->ip_len, 0);
    }
  }
  if (p->purpose != dp->purpose) {
    w_u8(field(f, D_PURPOSE), (uint8_t)p->purpose);
  }
  if (p->max_depth != dp->max_depth) {
    w_u8(field(f, D_MAX_DEPTH), p->max_depth);
  }
  if (p->flags != 0) {
    w_u8(field(f, D_FLAGS), (uint8_t)p->flags);
  }
  if (d->min_rsa_bits != def.device.min_rsa_bits) {
    if (d->min_rsa_bits > 0xffff) {
      f->buf.failed = 1;
    }
    w_be(field(f, D_MIN_RSA), d->min_rsa_bits, 2);
  }
  if (d->algorithms != def.device.algorithms) {
    w_be(field(f, D_ALGS), d->algorithms, 2);
  }
  if (d->max_chain_bytes != 0) {
    if (d->max_chain_bytes > UINT32_MAX) {
      f->buf.failed = 1;
    }
    w_be(field(f, D_MAX_CHAIN_BYTES), d->max_chain_bytes, 4);
  }
}

int cf_recipe_to_bytes(uint8_t **out, size_t *out_len,
                       const struct cf_recipe *r) {
  return cf_recipe_to_bytes_why(out, out_len, r, NULL, 0);
}

int cf_recipe_to_bytes_why(uint8_t **out, size_t *out_len,
                           const struct cf_recipe *r, char *why,
                           size_t why_len) {
  struct why y = {why, why_len};
  struct wbuf w;
  struct fieldset *f = NULL;
  struct cf_recipe *back = NULL;
  int ok = 0;
  memset(&w, 0, sizeof(w));
  *out = NULL;
  *out_len = 0;
  if (why != NULL && why_len > 0) {
    why[0] = '\0';
  }
  if (r->num_certs == 0 || r->num_certs > CF_RB_MAX_CERTS) {
    return differ(&y, "%zu certs (at most %d)", r->num_certs,
                  CF_RB_MAX_CERTS);
  }
  /* |back| is kept between calls: a recipe is about 2 MB, and allocating
   * that per call dominated the fixed-point test under ASan. */
  static struct cf_recipe *kept_back;
  if (kept_back == NULL) {
    kept_back = malloc(sizeof(*kept_back));
  }
  back = kept_back;
  f = malloc(sizeof(*f));
  if (f == NULL || back == NULL) {
    goto done;
  }
  int64_t now = cf_profile_effective_time(&r->device.profile);
  for (size_t i = 0; i < r->num_certs; i++) {
    const struct cf_rcert *c = &r->certs[i];
    uint8_t hdr[3];
    memset(f, 0, sizeof(*f));
    hdr[0] = (uint8_t)c->tpl;
    {
      struct wbuf k;
      memset(&k, 0, sizeof(k));
      w_key(&k, c->key);
      if (k.failed || k.len != 1) {
        free(k.p);
        differ(&y, "cert %zu: key", i);
        goto done;
      }
      hdr[1] = k.p[0];
      free(k.p);
    }
    hdr[2] = (uint8_t)c->issuer;
    encode_cert_fields(f, r, i, now);
    if (f->buf.failed) {
      free(f->buf.p);
      differ(&y, "cert %zu: a value out of the encoding's range", i);
      goto done;
    }
    w_records(&w, CF_RB_REC_CERT, CF_RB_REC_MORE, hdr, sizeof(hdr), f);
    free(f->buf.p);
  }
  memset(f, 0, sizeof(*f));
  device_fields(f, r);
  if (f->buf.failed) {
    free(f->buf.p);
    differ(&y, "device: a value out of the encoding's range");
    goto done;
  }
  w_records(&w, CF_RB_REC_DEVICE, CF_RB_REC_DEVICE, NULL, 0, f);
  free(f->buf.p);
  if (w.failed) {
    differ(&y, "a field longer than a record");
    goto done;
  }
  /* Exact or nothing: the bytes must decode to the same model. */
  cf_recipe_from_bytes(back, w.p, w.len);
  if (!cf_recipe_same_model(r, back, why, why_len)) {
    goto done;
  }
  *out = w.p;
  *out_len = w.len;
  w.p = NULL;
  ok = 1;

done:
  free(w.p);
  free(f);
  return ok;
}
