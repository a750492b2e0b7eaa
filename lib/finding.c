/* finding.c — the finding line and the per-class abort functions
 * (include/chainfuzz/finding.h). */
#include "chainfuzz/finding.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/sha.h>

const char *cf_finding_kind_name(enum cf_finding_kind kind) {
  switch (kind) {
    case CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT:
      return "accept-when-should-reject";
    case CF_FINDING_REJECT_WHEN_SHOULD_ACCEPT:
      return "reject-when-should-accept";
    case CF_FINDING_INVARIANT:
      return "invariant";
    case CF_FINDING_DISAGREEMENT:
      return "disagreement";
  }
  return "unknown";
}

/* One never-inlined abort function per (kind, reason): the function name is
 * the top frame of the crash state, so triage buckets each class apart even
 * without reading the finding line. */
#define CF_REASONS(X, kind)                                                  \
  X(kind, NONE) X(kind, PARSE) X(kind, SIGNATURE) X(kind, UNTRUSTED)         \
  X(kind, EXPIRED) X(kind, NOT_YET_VALID) X(kind, NOT_CA)                    \
  X(kind, PATH_LENGTH) X(kind, NAME_MISMATCH) X(kind, NAME_CONSTRAINTS)      \
  X(kind, KEY_USAGE) X(kind, EKU) X(kind, CRITICAL_EXTENSION)                \
  X(kind, WEAK_ALGORITHM) X(kind, WEAK_KEY) X(kind, POLICY)                  \
  X(kind, RESOURCE_LIMIT) X(kind, INTERNAL) X(kind, OTHER)

#define CF_DEFINE_ABORT(kind, reason)                                        \
  __attribute__((noinline, noreturn)) void cf_finding_##kind##_##reason(     \
      void);                                                                 \
  __attribute__((noinline, noreturn)) void cf_finding_##kind##_##reason(     \
      void) {                                                                \
    __asm__ volatile("");                                                    \
    abort();                                                                 \
  }
#define CF_ABORT_CASE(kind, reason)                                          \
  case CF_REASON_##reason:                                                   \
    cf_finding_##kind##_##reason();

CF_REASONS(CF_DEFINE_ABORT, accept_when_should_reject)
CF_REASONS(CF_DEFINE_ABORT, reject_when_should_accept)
CF_REASONS(CF_DEFINE_ABORT, invariant)
CF_REASONS(CF_DEFINE_ABORT, disagreement)

__attribute__((noreturn)) static void abort_for(enum cf_finding_kind kind,
                                                enum cf_reason reason) {
  switch (kind) {
    case CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT:
      switch (reason) { CF_REASONS(CF_ABORT_CASE, accept_when_should_reject) }
      break;
    case CF_FINDING_REJECT_WHEN_SHOULD_ACCEPT:
      switch (reason) { CF_REASONS(CF_ABORT_CASE, reject_when_should_accept) }
      break;
    case CF_FINDING_INVARIANT:
      switch (reason) { CF_REASONS(CF_ABORT_CASE, invariant) }
      break;
    case CF_FINDING_DISAGREEMENT:
      switch (reason) { CF_REASONS(CF_ABORT_CASE, disagreement) }
      break;
  }
  abort();
}

static const uint8_t *current_input;
static size_t current_input_len;

void cf_finding_set_input(const uint8_t *in, size_t in_len) {
  current_input = in;
  current_input_len = in_len;
}

/* print_finding_line prints the one machine-readable line. */
static void print_finding_line(enum cf_finding_kind kind, const char *validator,
                               const char *oracle, const char *reason,
                               const uint8_t *in, size_t in_len) {
  uint8_t digest[SHA_DIGEST_LENGTH];
  char hex[2 * SHA_DIGEST_LENGTH + 1];
  SHA1(in != NULL ? in : (const uint8_t *)"", in != NULL ? in_len : 0, digest);
  for (size_t i = 0; i < SHA_DIGEST_LENGTH; i++) {
    snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  }
  fprintf(stderr,
          "==chainfuzz== FINDING kind=%s validator=%s oracle=%s reason=%s "
          "case=%s\n",
          cf_finding_kind_name(kind), validator, oracle, reason, hex);
}

void cf_invariant_vreport(const char *validator, const char *check,
                          const char *fmt, va_list args) {
  print_finding_line(CF_FINDING_INVARIANT, validator, check, "INTERNAL",
                     current_input, current_input_len);
  fputs("==chainfuzz== DETAIL ", stderr);
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
  fflush(stderr);
}

void cf_report_finding(enum cf_finding_kind kind, const char *validator,
                       const char *oracle, enum cf_reason reason,
                       const uint8_t *in, size_t in_len, const char *detail) {
  print_finding_line(kind, validator, oracle, cf_reason_name(reason), in,
                     in_len);
  if (detail != NULL) {
    fprintf(stderr, "==chainfuzz== DETAIL %s\n", detail);
  }
  if (kind == CF_FINDING_ACCEPT_WHEN_SHOULD_REJECT) {
    fprintf(stderr, "FuzzerSecurityIssueHigh\n");
  }
  fflush(stderr);
  abort_for(kind, reason);
}
