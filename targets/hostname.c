/* hostname — matching the name a device expects against a certificate:
 * X509_check_host, X509_check_email, X509_check_ip and X509_check_ip_asc.
 *
 * Input:
 *   byte 0           check flags, one bit per X509_CHECK_FLAG_* constant:
 *                      bit 0 ALWAYS_CHECK_SUBJECT, bit 1 NO_WILDCARDS,
 *                      bit 2 NO_PARTIAL_WILDCARDS, bit 3 MULTI_LABEL_WILDCARDS,
 *                      bit 4 SINGLE_LABEL_SUBDOMAINS, bit 5 NEVER_CHECK_SUBJECT;
 *                    bits 6 and 7 are ignored. In this BoringSSL only
 *                    NO_WILDCARDS and NEVER_CHECK_SUBJECT are non-zero; the
 *                    other four are defined as 0 (no-ops), so their bits
 *                    change nothing.
 *   byte 1           n, the length of the name
 *   bytes 2..2+n-1   the name (any bytes; not NUL-terminated)
 *   the rest         a DER certificate (d2i_X509; trailing bytes ignored)
 * Inputs shorter than 2 bytes, with n running past the end, or whose
 * certificate does not parse are skipped (return 0).
 *
 * Feeds: X509_check_host and X509_check_email with the name as n bytes
 * (copied to a buffer of exactly n bytes, so a read past the name is a
 * sanitizer report), X509_check_ip with the raw name bytes when n is 4 or 16,
 * X509_check_ip_asc with the name as a C string.
 *
 * Invariants checked (each failure prints the finding line of finding.h,
 * kind=invariant oracle=<check name>, and aborts through a never-inlined
 * function named after it):
 *  - a name containing a NUL byte never matches: X509_check_host and
 *    X509_check_email do not return 1 (hostname_nul_matches);
 *  - DNS names compare ASCII case-insensitively: X509_check_host gives the
 *    same result and the same peername for the name with its ASCII letters
 *    case-swapped; the same for X509_check_email and the letters after the
 *    last '@' (the domain part), when that '@' is not the first byte
 *    (hostname_case_sensitive);
 *  - a match's peername is a NUL-terminated string, and no peername is set
 *    without a match (hostname_peername);
 *  - what a match matched: the peername equals the name case-insensitively,
 *    or, for a wildcard match (never with NO_WILDCARDS), is "*" followed by a
 *    suffix of at least two labels that ends the name, and the wildcard
 *    covers a non-empty part of exactly one label (RFC 6125 6.4.3;
 *    hostname_wildcard);
 *  - flags only narrow: a match with NO_WILDCARDS is also a match without it,
 *    and a match with NEVER_CHECK_SUBJECT is also a match without it
 *    (hostname_flag_monotonic);
 *  - X509_check_ip on the 4 or 16 raw bytes equals X509_check_ip_asc on their
 *    dotted-quad or full IPv6 text (hostname_ip_text);
 *  - the text forms a2i_IPADDRESS accepts round-trip: bytes parsed from the
 *    name, printed canonically and parsed again, are the same bytes
 *    (hostname_ip_text).
 * Beyond these, it finds crashes, leaks and sanitizer reports. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainfuzz/finding.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* kFlagBits maps input bit i of byte 0 to the flag it stands for. */
static const unsigned int kFlagBits[6] = {
    X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT,
    X509_CHECK_FLAG_NO_WILDCARDS,
    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
    X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS,
    X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS,
    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT,
};

/* Each invariant aborts through its own function (finding.h). */
CF_DEFINE_INVARIANT(hostname_nul_matches, "boringssl")
CF_DEFINE_INVARIANT(hostname_case_sensitive, "boringssl")
CF_DEFINE_INVARIANT(hostname_peername, "boringssl")
CF_DEFINE_INVARIANT(hostname_wildcard, "boringssl")
CF_DEFINE_INVARIANT(hostname_flag_monotonic, "boringssl")
CF_DEFINE_INVARIANT(hostname_ip_text, "boringssl")

/* ascii_lower returns |c| with A-Z mapped to a-z, as BoringSSL's matcher
 * folds case (ASCII only). */
static uint8_t ascii_lower(uint8_t c) {
  return (c >= 'A' && c <= 'Z') ? (uint8_t)(c - 'A' + 'a') : c;
}

/* ascii_swap returns |c| with ASCII letters case-swapped. */
static uint8_t ascii_swap(uint8_t c) {
  if (c >= 'A' && c <= 'Z') {
    return (uint8_t)(c - 'A' + 'a');
  }
  if (c >= 'a' && c <= 'z') {
    return (uint8_t)(c - 'a' + 'A');
  }
  return c;
}

/* equal_nocase returns 1 if |a| (|a_len| bytes) and |b| (|b_len| bytes) are
 * equal up to ASCII case, 0 otherwise. */
static int equal_nocase(const uint8_t *a, size_t a_len, const uint8_t *b,
                        size_t b_len) {
  if (a_len != b_len) {
    return 0;
  }
  for (size_t i = 0; i < a_len; i++) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) {
      return 0;
    }
  }
  return 1;
}

/* escape_name writes |in| (|in_len| bytes) into |out| (|out_len| bytes,
 * at least 1) as printable ASCII with \xNN escapes, truncated to fit. */
static void escape_name(char *out, size_t out_len, const uint8_t *in,
                        size_t in_len) {
  size_t o = 0;
  for (size_t i = 0; i < in_len && o + 5 < out_len; i++) {
    if (in[i] >= 0x20 && in[i] < 0x7f && in[i] != '\\') {
      out[o++] = (char)in[i];
    } else {
      o += (size_t)snprintf(out + o, out_len - o, "\\x%02x", in[i]);
    }
  }
  out[o] = '\0';
}

/* check_host calls X509_check_host on |name| (|name_len| bytes) and checks
 * the peername contract. It sets |*out_peername| to the peername (caller
 * frees) and returns X509_check_host's result. */
static int check_host(char **out_peername, X509 *x509, const uint8_t *name,
                      size_t name_len, unsigned int flags) {
  char *peername = NULL;
  int rv = X509_check_host(x509, (const char *)name, name_len, flags,
                           &peername);
  if (rv == 1 && peername == NULL) {
    hostname_peername("X509_check_host matched (flags %#x) but set no "
                      "peername", flags);
  }
  if (rv != 1 && peername != NULL) {
    hostname_peername("X509_check_host returned %d (flags %#x) but set "
                      "peername \"%s\"", rv, flags, peername);
  }
  if (peername != NULL) {
    /* Under ASan, strlen faults if the string is not terminated inside its
     * allocation. */
    (void)strlen(peername);
  }
  *out_peername = peername;
  return rv;
}

/* check_match_shape checks what a successful X509_check_host matched:
 * |peername| against |name| (|name_len| bytes) under |flags|. */
static void check_match_shape(const uint8_t *name, size_t name_len,
                              const char *peername, unsigned int flags) {
  const uint8_t *peer = (const uint8_t *)peername;
  size_t peer_len = strlen(peername);
  char printable[256];

  if (equal_nocase(peer, peer_len, name, name_len)) {
    return;
  }
  escape_name(printable, sizeof(printable), name, name_len);
  if (flags & X509_CHECK_FLAG_NO_WILDCARDS) {
    hostname_wildcard("with NO_WILDCARDS, \"%s\" matched a different "
                      "pattern \"%s\"", printable, peername);
  }
  /* A wildcard pattern is "*" then a suffix: ".label.label..." */
  if (peer_len < 2 || peer[0] != '*' || peer[1] != '.') {
    hostname_wildcard("\"%s\" matched \"%s\", which is neither equal nor a "
                      "leading-label wildcard", printable, peername);
  }
  const uint8_t *suffix = peer + 1;
  size_t suffix_len = peer_len - 1;
  size_t suffix_dots = 0;
  for (size_t i = 0; i < suffix_len; i++) {
    suffix_dots += suffix[i] == '.';
  }
  if (suffix_dots < 2) {
    hostname_wildcard("\"%s\" matched \"%s\": a wildcard over fewer than two "
                      "labels", printable, peername);
  }
  if (name_len <= suffix_len ||
      !equal_nocase(name + name_len - suffix_len, suffix_len, suffix,
                    suffix_len)) {
    hostname_wildcard("\"%s\" matched \"%s\" but does not end with its "
                      "suffix, or the wildcard covers nothing", printable,
                      peername);
  }
  if (memchr(name, '.', name_len - suffix_len) != NULL) {
    hostname_wildcard("\"%s\" matched \"%s\": the wildcard spans more than "
                      "one label", printable, peername);
  }
}

/* check_host_invariants runs X509_check_host on |name| (|name_len| bytes)
 * and checks every host-name invariant. */
static void check_host_invariants(X509 *x509, const uint8_t *name,
                                  size_t name_len, unsigned int flags) {
  char *peername = NULL;
  char *swapped_peername = NULL;
  char *other_peername = NULL;
  uint8_t *swapped = NULL;
  char printable[256];

  escape_name(printable, sizeof(printable), name, name_len);
  int rv = check_host(&peername, x509, name, name_len, flags);

  if (rv == 1 && memchr(name, '\0', name_len) != NULL) {
    hostname_nul_matches("X509_check_host matched \"%s\", which contains a "
                         "NUL, to \"%s\"", printable, peername);
  }
  if (rv == 1) {
    check_match_shape(name, name_len, peername, flags);
  }

  /* BoringSSL folds only A-Z/a-z and reads nothing else of the name in a
   * case-dependent way, so the whole result, including which pattern matched
   * first, must survive swapping the case of every ASCII letter. */
  swapped = malloc(name_len);
  if (swapped == NULL) {
    goto err;
  }
  for (size_t i = 0; i < name_len; i++) {
    swapped[i] = ascii_swap(name[i]);
  }
  int swapped_rv = check_host(&swapped_peername, x509, swapped, name_len,
                              flags);
  if (swapped_rv != rv ||
      (rv == 1 && strcmp(peername, swapped_peername) != 0)) {
    hostname_case_sensitive(
        "X509_check_host(\"%s\", flags %#x) = %d (peer \"%s\"), with the "
        "letters case-swapped = %d (peer \"%s\")",
        printable, flags, rv, peername != NULL ? peername : "",
        swapped_rv, swapped_peername != NULL ? swapped_peername : "");
  }

  /* NO_WILDCARDS and NEVER_CHECK_SUBJECT only remove ways to match. */
  static const unsigned int kNarrowing[2] = {
      X509_CHECK_FLAG_NO_WILDCARDS, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT};
  for (size_t i = 0; i < 2; i++) {
    unsigned int narrow = kNarrowing[i];
    if (narrow == 0 || !(flags & narrow) || rv != 1) {
      continue;
    }
    int wide_rv = check_host(&other_peername, x509, name, name_len,
                             flags & ~narrow);
    if (wide_rv != 1) {
      hostname_flag_monotonic(
          "X509_check_host(\"%s\") matches with flags %#x but returns %d "
          "with flags %#x", printable, flags, wide_rv, flags & ~narrow);
    }
    OPENSSL_free(other_peername);
    other_peername = NULL;
  }

err:
  OPENSSL_free(other_peername);
  OPENSSL_free(swapped_peername);
  OPENSSL_free(peername);
  free(swapped);
}

/* check_email_invariants runs X509_check_email on |name| (|name_len| bytes)
 * and checks the NUL and domain-case invariants. */
static void check_email_invariants(X509 *x509, const uint8_t *name,
                                   size_t name_len, unsigned int flags) {
  uint8_t *swapped = NULL;
  char printable[256];

  escape_name(printable, sizeof(printable), name, name_len);
  int rv = X509_check_email(x509, (const char *)name, name_len, flags);
  if (rv == 1 && memchr(name, '\0', name_len) != NULL) {
    hostname_nul_matches("X509_check_email matched \"%s\", which contains a "
                         "NUL", printable);
  }

  /* RFC 5280 7.5: only the part after the last '@' is case-insensitive.
   * With no '@', or '@' first, BoringSSL compares the whole address
   * case-sensitively, so there is nothing to swap. */
  size_t at = name_len;
  for (size_t i = name_len; i > 0; i--) {
    if (name[i - 1] == '@') {
      at = i - 1;
      break;
    }
  }
  if (at == name_len || at == 0) {
    goto err;
  }
  swapped = malloc(name_len);
  if (swapped == NULL) {
    goto err;
  }
  for (size_t i = 0; i < name_len; i++) {
    swapped[i] = i > at ? ascii_swap(name[i]) : name[i];
  }
  int swapped_rv = X509_check_email(x509, (const char *)swapped, name_len,
                                    flags);
  if (swapped_rv != rv) {
    hostname_case_sensitive(
        "X509_check_email(\"%s\", flags %#x) = %d, with the domain's "
        "letters case-swapped = %d", printable, flags, rv, swapped_rv);
  }

err:
  free(swapped);
}

/* format_ip writes the canonical text of the |ip_len| (4 or 16) bytes of
 * |ip| into |out| (|out_len| bytes): dotted quad, or eight hex groups. */
static void format_ip(char *out, size_t out_len, const uint8_t *ip,
                      size_t ip_len) {
  if (ip_len == 4) {
    snprintf(out, out_len, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
    return;
  }
  size_t o = 0;
  for (size_t i = 0; i < 16 && o < out_len; i += 2) {
    o += (size_t)snprintf(out + o, out_len - o, i == 0 ? "%x" : ":%x",
                          (unsigned)((ip[i] << 8) | ip[i + 1]));
  }
}

/* check_ip_invariants runs the IP checks on |name| (|name_len| bytes) and
 * |name_str|, the same name as a C string. */
static void check_ip_invariants(X509 *x509, const uint8_t *name,
                                size_t name_len, const char *name_str,
                                unsigned int flags) {
  ASN1_OCTET_STRING *parsed = NULL;
  ASN1_OCTET_STRING *reparsed = NULL;
  char text[64];

  if (name_len == 4 || name_len == 16) {
    int rv = X509_check_ip(x509, name, name_len, flags);
    format_ip(text, sizeof(text), name, name_len);
    int asc_rv = X509_check_ip_asc(x509, text, flags);
    if (asc_rv != rv) {
      hostname_ip_text("X509_check_ip(%zu raw bytes) = %d but "
                       "X509_check_ip_asc(\"%s\") = %d",
                       name_len, rv, text, asc_rv);
    }
  }

  (void)X509_check_ip_asc(x509, name_str, flags);
  parsed = a2i_IPADDRESS(name_str);
  if (parsed == NULL) {
    goto err;
  }
  size_t parsed_len = (size_t)ASN1_STRING_length(parsed);
  const uint8_t *parsed_data = ASN1_STRING_get0_data(parsed);
  if (parsed_len != 4 && parsed_len != 16) {
    hostname_ip_text("a2i_IPADDRESS returned %zu bytes", parsed_len);
  }
  format_ip(text, sizeof(text), parsed_data, parsed_len);
  reparsed = a2i_IPADDRESS(text);
  if (reparsed == NULL ||
      (size_t)ASN1_STRING_length(reparsed) != parsed_len ||
      memcmp(ASN1_STRING_get0_data(reparsed), parsed_data, parsed_len) != 0) {
    hostname_ip_text("a2i_IPADDRESS does not read back its own address "
                     "\"%s\"", text);
  }

err:
  ASN1_OCTET_STRING_free(reparsed);
  ASN1_OCTET_STRING_free(parsed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cf_finding_set_input(data, size);

  X509 *x509 = NULL;
  uint8_t *name = NULL;
  char *name_str = NULL;

  if (size < 2) {
    return 0;
  }
  unsigned int flags = 0;
  for (size_t i = 0; i < sizeof(kFlagBits) / sizeof(kFlagBits[0]); i++) {
    if (data[0] & (1u << i)) {
      flags |= kFlagBits[i];
    }
  }
  size_t name_len = data[1];
  if (name_len > size - 2) {
    return 0;
  }
  const uint8_t *cert = data + 2 + name_len;
  size_t cert_len = size - 2 - name_len;

  x509 = d2i_X509(NULL, &cert, (long)cert_len);
  if (x509 == NULL) {
    goto err;
  }

  /* The name in a buffer of exactly |name_len| bytes (malloc(0) gives a
   * unique zero-sized block under ASan and glibc), so that ASan reports any
   * read past it; and as a C string for X509_check_ip_asc. */
  name = malloc(name_len);
  name_str = malloc(name_len + 1);
  if (name == NULL || name_str == NULL) {
    goto err;
  }
  memcpy(name, data + 2, name_len);
  memcpy(name_str, data + 2, name_len);
  name_str[name_len] = '\0';

  check_host_invariants(x509, name, name_len, flags);
  check_email_invariants(x509, name, name_len, flags);
  check_ip_invariants(x509, name, name_len, name_str, flags);

err:
  free(name_str);
  free(name);
  X509_free(x509);
  ERR_clear_error();
  return 0;
}
