/* x509_parse — parsing one certificate and reading every field of it that a
 * device reads.
 *
 * Input: raw DER bytes. d2i_X509 parses a certificate from the front; bytes
 * after the certificate are ignored (as d2i callers do).
 *
 * Feeds: d2i_X509, then, if it parses, the accessors a device's TLS client
 * and its logging use: subject and issuer names (X509_NAME_oneline into a
 * bounded buffer and an unbounded one, X509_NAME_print_ex in RFC 2253, one-line
 * and multi-line forms, each entry's OID and ASN1_STRING_to_UTF8, the common
 * names), serial, version, validity (X509_cmp_time and ASN1_TIME_diff against
 * the fixed time kFixedTime, never the real clock), public key (type, bits),
 * signature algorithms, every extension through X509V3_EXT_d2i and
 * X509V3_EXT_print, the subjectAltName list (every GENERAL_NAME), basic
 * constraints, key usage and EKU through X509_get_extension_flags,
 * X509_get_key_usage, X509_get_extended_key_usage, X509_check_ca and
 * X509_get_pathlen, AKI and SKI, X509_print_ex; and X509_parse_from_buffer,
 * the parser BoringSSL's own TLS stack uses for peer certificates.
 *
 * Invariants checked (each failure prints the finding line of finding.h,
 * kind=invariant oracle=<check name>, and aborts through a never-inlined
 * function named after it):
 *  - round trip: i2d_X509 of the parsed certificate equals exactly the bytes
 *    d2i_X509 consumed (x509_parse_roundtrip_mismatch), and a certificate d2i
 *    accepted always re-encodes (x509_parse_reencode_failed);
 *  - the encoding is stable: i2d_X509 after every accessor has run equals
 *    i2d_X509 right after parsing (x509_parse_reencode_unstable);
 *  - X509_parse_from_buffer accepts the bytes d2i_X509 consumed and re-encodes
 *    them the same (x509_parse_buffer_parser_disagrees);
 *  - X509_NAME_print_ex returns the number of bytes it wrote, and the same
 *    number when called with a NULL BIO to size a buffer
 *    (x509_parse_name_print_length);
 *  - X509_NAME_oneline into a bounded buffer writes a NUL-terminated prefix of
 *    the unbounded result, and OBJ_obj2txt NUL-terminates inside its buffer
 *    (x509_parse_oneline_bounds);
 *  - extension caching agrees with its documented contract and with RFC 5280
 *    semantics: an invalid extension set makes X509_get_pathlen -1, the
 *    AKI/SKI getters NULL and X509_check_ca 0; a certificate whose decoded
 *    basicConstraints says cA FALSE, or whose decoded keyUsage lacks
 *    keyCertSign, is never a CA for X509_check_ca (x509_parse_ext_cache);
 *  - X509_cmp_time and ASN1_TIME_diff order the validity dates and the fixed
 *    time the same way (x509_parse_time_order).
 * Reading fields beyond these checks only finds crashes, leaks and sanitizer
 * reports. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chainfuzz/bssl_compat.h"
#include "chainfuzz/finding.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bytestring.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/obj.h>
#include <openssl/pool.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* kFixedTime is the device clock every validity check uses:
 * 2026-01-01T00:00:00Z. */
static const int64_t kFixedTime = 1767225600;

/* kOnelineBufLen is the size of the bounded X509_NAME_oneline buffer, small
 * enough that ordinary names get truncated. */
enum { kOnelineBufLen = 64 };

/* Each invariant aborts through its own function (finding.h). */
CF_DEFINE_INVARIANT(x509_parse_roundtrip_mismatch, "boringssl")
CF_DEFINE_INVARIANT(x509_parse_reencode_failed, "boringssl")
CF_DEFINE_INVARIANT(x509_parse_reencode_unstable, "boringssl")
CF_DEFINE_INVARIANT(x509_parse_buffer_parser_disagrees, "boringssl")
CF_DEFINE_INVARIANT(x509_parse_name_print_length, "boringssl")
CF_DEFINE_INVARIANT(x509_parse_oneline_bounds, "boringssl")
CF_DEFINE_INVARIANT(x509_parse_ext_cache, "boringssl")
CF_DEFINE_INVARIANT(x509_parse_time_order, "boringssl")

/* first_difference returns the first offset at which |a| (|a_len| bytes) and
 * |b| (|b_len| bytes) differ, or the shorter length if one is a prefix of the
 * other. */
static size_t first_difference(const uint8_t *a, size_t a_len,
                               const uint8_t *b, size_t b_len) {
  size_t n = a_len < b_len ? a_len : b_len;
  for (size_t i = 0; i < n; i++) {
    if (a[i] != b[i]) {
      return i;
    }
  }
  return n;
}

/* print_hex_around writes up to 8 bytes of |in| (|in_len| bytes) on either
 * side of |off| to stderr, prefixed by |label|. */
static void print_hex_around(const char *label, const uint8_t *in,
                             size_t in_len, size_t off) {
  size_t start = off > 8 ? off - 8 : 0;
  size_t end = off + 8 < in_len ? off + 8 : in_len;
  fprintf(stderr, "x509_parse:   %s[%zu..%zu):", label, start, end);
  for (size_t i = start; i < end; i++) {
    fprintf(stderr, i == off ? " [%02x]" : " %02x", in[i]);
  }
  fputc('\n', stderr);
}

/* outer_fields_are_der reports whether the unsigned outer fields of the
 * certificate in |in| (the Certificate SEQUENCE header, the
 * signatureAlgorithm and the signatureValue) are strict DER, as BoringSSL's
 * CBS parser judges it, including a BOOLEAN parameter being 00 or ff.
 *
 * It is the whole of the round-trip allow-list (DESIGN practice 7): this
 * BoringSSL snapshot deliberately accepts non-minimal lengths (a comment in
 * ASN1_get_object cites Android's b/18228011) and stores a non-DER BOOLEAN
 * in an ANY as given but writes it back as ff, in the outer fields that i2d
 * re-encodes; the signed TBSCertificate is kept byte for byte. Both are
 * FINDINGS.md F1, with reproducers in corpus/x509_parse/. A round-trip
 * mismatch on a certificate whose outer fields ARE strict DER is not
 * covered and aborts. */
static int outer_fields_are_der(const uint8_t *in, size_t in_len) {
  CBS cbs, cert, tbs, alg, oid, sig, params;
  unsigned tag;
  CBS_init(&cbs, in, in_len);
  if (!CBS_get_asn1(&cbs, &cert, CBS_ASN1_SEQUENCE) || CBS_len(&cbs) != 0 ||
      !CBS_get_asn1_element(&cert, &tbs, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&cert, &alg, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&cert, &sig, CBS_ASN1_BITSTRING) || CBS_len(&cert) != 0 ||
      !CBS_get_asn1(&alg, &oid, CBS_ASN1_OBJECT)) {
    return 0;
  }
  if (CBS_len(&alg) == 0) {
    return 1;
  }
  if (!CBS_get_any_asn1(&alg, &params, &tag) || CBS_len(&alg) != 0) {
    return 0;
  }
  if (tag == CBS_ASN1_BOOLEAN &&
      (CBS_len(&params) != 1 ||
       (CBS_data(&params)[0] != 0x00 && CBS_data(&params)[0] != 0xff))) {
    return 0;
  }
  return 1;
}

/* check_roundtrip aborts if the |der_len| bytes of |der| that i2d_X509
 * produced are not exactly the |in_len| bytes of |in| that d2i_X509
 * consumed, unless the allow-list (outer_fields_are_der) explains it. */
static void check_roundtrip(const uint8_t *in, size_t in_len,
                            const uint8_t *der, size_t der_len) {
  if (in_len == der_len && memcmp(in, der, in_len) == 0) {
    return;
  }
  if (!outer_fields_are_der(in, in_len)) {
    return; /* FINDINGS.md F1: known, reviewed BoringSSL leniency. */
  }
  size_t off = first_difference(in, in_len, der, der_len);
  print_hex_around("input", in, in_len, off);
  print_hex_around("i2d  ", der, der_len, off);
  x509_parse_roundtrip_mismatch(
      "round-trip mismatch: d2i consumed %zu bytes, i2d produced %zu bytes, "
      "first difference at offset %zu",
      in_len, der_len, off);
}

/* bounded_strlen returns the length of the NUL-terminated string in |buf|
 * (|buf_len| bytes), or |buf_len| if |buf| holds no NUL. */
static size_t bounded_strlen(const char *buf, size_t buf_len) {
  const char *nul = memchr(buf, '\0', buf_len);
  return nul == NULL ? buf_len : (size_t)(nul - buf);
}

/* bio_len returns the number of bytes written to the memory BIO |bio|. */
static size_t bio_len(const BIO *bio) {
  const uint8_t *contents;
  size_t contents_len;
  if (!BIO_mem_contents(bio, &contents, &contents_len)) {
    return 0;
  }
  return contents_len;
}

/* exercise_name reads |name| (|label| says which) the ways devices do and
 * checks the printing invariants. |bio| is a scratch memory BIO. */
static void exercise_name(const X509_NAME *name, const char *label, BIO *bio) {
  static const unsigned long kPrintFlags[] = {
      XN_FLAG_RFC2253, XN_FLAG_ONELINE, CF_XN_FLAG_MULTILINE, XN_FLAG_COMPAT};
  char small[kOnelineBufLen];
  char *full = NULL;
  unsigned char *utf8 = NULL;

  if (name == NULL) {
    return;
  }

  /* Bounded X509_NAME_oneline must NUL-terminate inside the buffer and give
   * whole entries: a prefix of the unbounded result. */
  memset(small, 'A', sizeof(small));
  const char *small_out = X509_NAME_oneline(name, small, sizeof(small));
  full = X509_NAME_oneline(name, NULL, 0);
  if (small_out != NULL) {
    size_t small_len = bounded_strlen(small, sizeof(small));
    if (small_out != small || small_len == sizeof(small)) {
      x509_parse_oneline_bounds(
          "%s: X509_NAME_oneline(buf, %d) did not NUL-terminate inside buf",
          label, kOnelineBufLen);
    }
    if (full != NULL && strncmp(full, small, small_len) != 0) {
      x509_parse_oneline_bounds(
          "%s: bounded X509_NAME_oneline \"%s\" is not a prefix of \"%s\"",
          label, small, full);
    }
  }
  OPENSSL_free(full);
  full = NULL;

  for (size_t i = 0; i < sizeof(kPrintFlags) / sizeof(kPrintFlags[0]); i++) {
    unsigned long flags = kPrintFlags[i];
    if (!BIO_reset(bio)) {
      goto err;
    }
    int written = X509_NAME_print_ex(bio, name, 2, flags);
    if (flags == XN_FLAG_COMPAT || written < 0) {
      /* X509_NAME_print returns 1/0, not a length. */
      continue;
    }
    int sized = X509_NAME_print_ex(NULL, name, 2, flags);
    if ((size_t)written != bio_len(bio) || sized != written) {
      x509_parse_name_print_length(
          "%s: X509_NAME_print_ex(flags %#lx) returned %d, wrote %zu bytes, "
          "returned %d with a NULL BIO",
          label, flags, written, bio_len(bio), sized);
    }
  }

  int entry_count = X509_NAME_entry_count(name);
  for (int i = 0; i < entry_count; i++) {
    const X509_NAME_ENTRY *entry = X509_NAME_get_entry(name, i);
    if (entry == NULL) {
      continue;
    }
    char oid[80];
    const ASN1_OBJECT *obj = X509_NAME_ENTRY_get_object(entry);
    if (OBJ_obj2txt(oid, sizeof(oid), obj, 1) >= 0 &&
        bounded_strlen(oid, sizeof(oid)) == sizeof(oid)) {
      x509_parse_oneline_bounds("%s: OBJ_obj2txt did not NUL-terminate",
                                label);
    }
    (void)OBJ_obj2nid(obj);
    const ASN1_STRING *value = X509_NAME_ENTRY_get_data(entry);
    (void)ASN1_STRING_type(value);
    int utf8_len = ASN1_STRING_to_UTF8(&utf8, value);
    if (utf8_len >= 0) {
      OPENSSL_free(utf8);
      utf8 = NULL;
    }
  }

  /* The common names, as the hostname fallback and logs read them. */
  int idx = -1;
  while ((idx = X509_NAME_get_index_by_NID(name, NID_commonName, idx)) >= 0) {
    const ASN1_STRING *cn =
        X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    int utf8_len = ASN1_STRING_to_UTF8(&utf8, cn);
    if (utf8_len >= 0) {
      OPENSSL_free(utf8);
      utf8 = NULL;
    }
  }

err:
  OPENSSL_free(full);
}

/* exercise_time compares |t| (|label| says which) with the fixed clock two
 * ways and checks they agree. */
static void exercise_time(const ASN1_TIME *t, const char *label, BIO *bio) {
  ASN1_TIME *fixed = NULL;
  time_t now = (time_t)kFixedTime;

  if (t == NULL) {
    return;
  }
  (void)BIO_reset(bio);
  (void)ASN1_TIME_print(bio, t);
  fixed = ASN1_TIME_set(NULL, now);
  if (fixed == NULL) {
    goto err;
  }

  /* X509_cmp_time: negative if t <= now, positive if t > now, 0 on error.
   * ASN1_TIME_diff(from = t, to = now) gives now - t. */
  int cmp = X509_cmp_time(t, &now);
  int days, secs;
  if (cmp != 0) {
    if (!ASN1_TIME_diff(&days, &secs, t, fixed)) {
      x509_parse_time_order(
          "%s: X509_cmp_time accepted the time but ASN1_TIME_diff failed",
          label);
    }
    int t_after_now = days < 0 || secs < 0;
    if (t_after_now != (cmp > 0)) {
      x509_parse_time_order(
          "%s: X509_cmp_time says %d, ASN1_TIME_diff says %d days %d s",
          label, cmp, days, secs);
    }
  } else {
    (void)ASN1_TIME_diff(&days, &secs, t, fixed);
  }

err:
  ASN1_TIME_free(fixed);
}

/* exercise_general_names reads every entry of |names| as a device would. */
static void exercise_general_names(const GENERAL_NAMES *names, BIO *bio) {
  for (size_t i = 0; i < sk_GENERAL_NAME_num(names); i++) {
    GENERAL_NAME *gen = sk_GENERAL_NAME_value(names, i);
    switch (gen->type) {
      case GEN_DNS:
      case GEN_EMAIL:
      case GEN_URI: {
        /* d.ia5 aliases dNSName, rfc822Name and uniformResourceIdentifier. */
        const ASN1_IA5STRING *s = gen->d.ia5;
        const unsigned char *p = ASN1_STRING_get0_data(s);
        int s_len = ASN1_STRING_length(s);
        if (s_len > 0) {
          (void)memchr(p, 0, (size_t)s_len);
        }
        break;
      }
      case GEN_IPADD: {
        const ASN1_OCTET_STRING *ip = gen->d.iPAddress;
        (void)ASN1_STRING_length(ip);
        break;
      }
      case GEN_DIRNAME:
        exercise_name(gen->d.directoryName, "SAN directoryName", bio);
        break;
      case GEN_OTHERNAME:
        (void)OBJ_obj2nid(gen->d.otherName->type_id);
        break;
      case GEN_RID:
        (void)OBJ_obj2nid(gen->d.registeredID);
        break;
      default:
        break;
    }
    (void)BIO_reset(bio);
    (void)GENERAL_NAME_print(bio, gen);
  }
}

/* exercise_extensions decodes and prints every extension of |x509|. */
static void exercise_extensions(X509 *x509, BIO *bio) {
  int ext_count = X509_get_ext_count(x509);
  for (int i = 0; i < ext_count; i++) {
    X509_EXTENSION *ext = X509_get_ext(x509, i);
    if (ext == NULL) {
      continue;
    }
    int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
    (void)X509_EXTENSION_get_critical(ext);
    (void)X509_EXTENSION_get_data(ext);
    void *decoded = X509V3_EXT_d2i(ext);
    if (decoded != NULL) {
      X509V3_EXT_free(nid, decoded);
    }
    (void)BIO_reset(bio);
    (void)X509V3_EXT_print(bio, ext, X509V3_EXT_DUMP_UNKNOWN, 2);
  }
}

/* check_extension_cache reads the cached extension state and checks it
 * against the header contract and an independent decode of basic
 * constraints and key usage. */
static void check_extension_cache(X509 *x509) {
  BASIC_CONSTRAINTS *bc = NULL;
  ASN1_BIT_STRING *ku = NULL;

  uint32_t flags = X509_get_extension_flags(x509);
  uint32_t key_usage = X509_get_key_usage(x509);
  uint32_t ext_key_usage = X509_get_extended_key_usage(x509);
  long pathlen = X509_get_pathlen(x509);
  int is_ca = X509_check_ca(x509);
  const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(x509);
  const ASN1_OCTET_STRING *akid = X509_get0_authority_key_id(x509);
  const GENERAL_NAMES *akid_issuer = X509_get0_authority_issuer(x509);
  const ASN1_INTEGER *akid_serial = X509_get0_authority_serial(x509);
  (void)key_usage;
  (void)ext_key_usage;
  if (skid != NULL) {
    (void)ASN1_STRING_length(skid);
  }
  if (akid != NULL) {
    (void)ASN1_STRING_length(akid);
  }
  if (akid_serial != NULL) {
    (void)ASN1_INTEGER_get(akid_serial);
  }

  if (flags & EXFLAG_INVALID) {
    if (pathlen != -1 || skid != NULL || akid != NULL ||
        akid_issuer != NULL || akid_serial != NULL || is_ca != 0) {
      x509_parse_ext_cache(
          "EXFLAG_INVALID set but pathlen %ld, skid %p, akid %p, "
          "akid issuer %p, akid serial %p, X509_check_ca %d",
          pathlen, (const void *)skid, (const void *)akid,
          (const void *)akid_issuer, (const void *)akid_serial, is_ca);
    }
  }

  /* RFC 5280 4.2.1.9: cA FALSE means the key must not verify certificate
   * signatures; 4.2.1.3: neither may a key whose keyUsage lacks
   * keyCertSign. */
  int crit;
  bc = X509_get_ext_d2i(x509, NID_basic_constraints, &crit, NULL);
  if (bc != NULL && !bc->ca && is_ca != 0) {
    x509_parse_ext_cache(
        "basicConstraints decodes with cA FALSE but X509_check_ca is %d",
        is_ca);
  }
  ku = X509_get_ext_d2i(x509, NID_key_usage, &crit, NULL);
  if (ku != NULL && !ASN1_BIT_STRING_get_bit(ku, 5) && is_ca != 0) {
    x509_parse_ext_cache(
        "keyUsage decodes without keyCertSign but X509_check_ca is %d",
        is_ca);
  }

  BASIC_CONSTRAINTS_free(bc);
  ASN1_BIT_STRING_free(ku);
}

/* exercise_key reads the subject public key and the signature algorithms. */
static void exercise_key(X509 *x509, BIO *bio) {
  EVP_PKEY *pkey = X509_get_pubkey(x509);
  if (pkey != NULL) {
    (void)EVP_PKEY_id(pkey);
    (void)EVP_PKEY_bits(pkey);
    (void)EVP_PKEY_size(pkey);
  }
  EVP_PKEY_free(pkey);

  const ASN1_BIT_STRING *sig;
  const X509_ALGOR *sig_alg;
  X509_get0_signature(&sig, &sig_alg, x509);
  (void)X509_get_signature_nid(x509);
  const ASN1_OBJECT *alg_obj;
  int param_type;
  const void *param;
  X509_ALGOR_get0(&alg_obj, &param_type, &param, sig_alg);
  (void)OBJ_obj2nid(alg_obj);
  X509_ALGOR_get0(&alg_obj, &param_type, &param, X509_get0_tbs_sigalg(x509));
  (void)OBJ_obj2nid(alg_obj);
  (void)BIO_reset(bio);
  (void)X509_signature_print(bio, sig_alg, sig);
}

/* check_buffer_parser parses |in| (|in_len| bytes, exactly what d2i_X509
 * consumed) with X509_parse_from_buffer and checks that it re-encodes to
 * |der| (|der_len| bytes). */
static void check_buffer_parser(const uint8_t *in, size_t in_len,
                                const uint8_t *der, size_t der_len) {
  CRYPTO_BUFFER *buf = NULL;
  X509 *x509 = NULL;
  uint8_t *der2 = NULL;

  buf = CRYPTO_BUFFER_new(in, in_len, NULL);
  if (buf == NULL) {
    goto err;
  }
  x509 = X509_parse_from_buffer(buf);
  if (x509 == NULL) {
    x509_parse_buffer_parser_disagrees(
        "d2i_X509 accepted %zu bytes, X509_parse_from_buffer rejected them",
        in_len);
  }
  int der2_len = i2d_X509(x509, &der2);
  if (der2_len < 0 || (size_t)der2_len != der_len ||
      memcmp(der2, der, der_len) != 0) {
    x509_parse_buffer_parser_disagrees(
        "X509_parse_from_buffer re-encodes to %d bytes, d2i_X509 to %zu",
        der2_len, der_len);
  }

err:
  OPENSSL_free(der2);
  X509_free(x509);
  CRYPTO_BUFFER_free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cf_finding_set_input(data, size);

  X509 *x509 = NULL;
  BIO *bio = NULL;
  uint8_t *der = NULL;
  uint8_t *der_again = NULL;

  if (size > LONG_MAX) {
    return 0;
  }
  const uint8_t *p = data;
  x509 = d2i_X509(NULL, &p, (long)size);
  if (x509 == NULL) {
    goto err;
  }
  size_t consumed_len = (size_t)(p - data);

  int der_len = i2d_X509(x509, &der);
  if (der_len < 0) {
    x509_parse_reencode_failed(
        "i2d_X509 failed on a certificate d2i_X509 accepted (%zu bytes)",
        consumed_len);
  }
  check_roundtrip(data, consumed_len, der, (size_t)der_len);

  bio = BIO_new(BIO_s_mem());
  if (bio == NULL) {
    goto err;
  }

  exercise_name(X509_get_subject_name(x509), "subject", bio);
  exercise_name(X509_get_issuer_name(x509), "issuer", bio);
  (void)X509_subject_name_hash(x509);
  (void)X509_issuer_name_hash(x509);

  const ASN1_INTEGER *serial = X509_get0_serialNumber(x509);
  (void)BIO_reset(bio);
  (void)i2a_ASN1_INTEGER(bio, serial);
  uint64_t serial_u64;
  (void)ASN1_INTEGER_get_uint64(&serial_u64, serial);
  (void)X509_get_version(x509);

  exercise_time(X509_get0_notBefore(x509), "notBefore", bio);
  exercise_time(X509_get0_notAfter(x509), "notAfter", bio);

  exercise_key(x509, bio);
  exercise_extensions(x509, bio);

  int crit;
  GENERAL_NAMES *san = X509_get_ext_d2i(x509, NID_subject_alt_name, &crit,
                                        NULL);
  if (san != NULL) {
    exercise_general_names(san, bio);
    GENERAL_NAMES_free(san);
  }
  check_extension_cache(x509);
  const GENERAL_NAMES *akid_issuer = X509_get0_authority_issuer(x509);
  if (akid_issuer != NULL) {
    exercise_general_names(akid_issuer, bio);
  }

  (void)BIO_reset(bio);
  (void)X509_print_ex(bio, x509, XN_FLAG_ONELINE, 0);

  int der_again_len = i2d_X509(x509, &der_again);
  if (der_again_len != der_len ||
      memcmp(der_again, der, (size_t)der_len) != 0) {
    x509_parse_reencode_unstable(
        "i2d_X509 gave %d bytes after parsing and %d bytes after the "
        "accessors ran, first difference at offset %zu",
        der_len, der_again_len,
        der_again_len < 0 ? (size_t)0
                          : first_difference(der, (size_t)der_len, der_again,
                                             (size_t)der_again_len));
  }

  check_buffer_parser(data, consumed_len, der, (size_t)der_len);

err:
  OPENSSL_free(der_again);
  OPENSSL_free(der);
  BIO_free(bio);
  X509_free(x509);
  ERR_clear_error();
  return 0;
}
