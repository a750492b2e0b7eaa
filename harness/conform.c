/* conform.c — `chainfuzz conform`: runs an x509-limbo test suite (and,
 * with --catalogue, certgen's scenarios) through every registered validator
 * and says, per validator, how many cases pass, are accepted when they must
 * be rejected (wrong-accept), rejected when they must be accepted
 * (wrong-reject), skipped, or could not be decided (error).
 *
 * Each limbo testcase becomes a case (case.h): trusted_certs are the
 * anchors, untrusted_intermediates the intermediates, peer_certificate the
 * leaf; validation_time, expected_peer_name, extended_key_usage and
 * max_chain_depth fill the device profile. What a case cannot express
 * (client validation, RFC 822 names, key usage or signature algorithm
 * constraints, CRLs, more certificates than the case limits) is skipped with
 * a named reason, never approximated. docs/conform.md has the full mapping.
 * The case is serialised and parsed back before the validators see it, so
 * what they judge is exactly what --cases-dir writes and `chainfuzz repro`
 * replays.
 *
 * Results are written in x509-limbo's result format, one file per
 * validator, atomically and only when the whole run completed. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/pem.h>

#include "chainfuzz/case.h"
#include "chainfuzz/fileio.h"
#include "chainfuzz/validator.h"
#include "chainfuzz/verdict.h"
#include "cli.h"
#include "minimize.h"
#include "store.h"

#include "catalogue.h"
#include "check.h"
#include "keypool.h"
#include "recipe.h"

#define CMD "conform"
/* The vendored suite, relative to the repository root. */
#define DEFAULT_SUITE "tests/limbo/limbo.json"
/* CONFORM_NO_DEPTH_LIMIT is the profile depth for a testcase without
 * max_chain_depth: no limit. A case holds at most CF_MAX_INTERMEDIATES
 * intermediates, so any depth of at least that many is no limit at all. */
#define CONFORM_NO_DEPTH_LIMIT 255

static void usage(FILE *out) {
  size_t num;
  const struct cf_validator *all = cf_validators(&num);
  fprintf(out,
"usage: chainfuzz conform [options] [SUITE.json]\n"
"\n"
"Runs every testcase of an x509-limbo suite (SUITE.json, default\n"
"<repo>/" DEFAULT_SUITE ") through each validator and prints a matrix\n"
"per validator: pass, wrong-accept (accepted, must be rejected),\n"
"wrong-reject (rejected, must be accepted), skipped (the case format\n"
"cannot express the testcase; the reason is named), error (the validator\n"
"could not decide); then every wrong-accept, wrong-reject and error with\n"
"our verdict, its reason and the library's own code and text.\n"
"\n"
"Options:\n"
"  --validator V      run V (repeatable; default every registered one:");
  for (size_t i = 0; i < num; i++) {
    fprintf(out, " %s", all[i].name);
  }
  fprintf(out, ")\n"
"  --results-dir DIR  write x509-limbo results, DIR/<validator>.json\n"
"                     ({\"version\":1,\"harness\":\"chainfuzz-<validator>\",\n"
"                     \"results\":[{\"id\",\"actual_result\",\"context\"}]})\n"
"  --out FILE         the same for a single validator, to FILE\n"
"  --cases-dir DIR    also write each converted testcase as a case file,\n"
"                     DIR/<id with :: as __>.case (replay with chainfuzz\n"
"                     repro chain_verify FILE)\n"
"  --catalogue DIR    also run certgen's scenarios in DIR (e.g.\n"
"                     certgen/scenarios) with certgen's oracle as the\n"
"                     expected verdict (EITHER passes either way); without\n"
"                     SUITE.json, only the catalogue runs\n"
"  --keys DIR         certgen's key pool (default <repo>/certgen/keys)\n"
"  --baseline DIR     compare each validator's wrong-accepts, wrong-rejects\n"
"                     and errors with DIR/expected-<validator>.tsv\n"
"                     (ID<TAB>OUTCOME[<TAB>note]); a new one, a stale line\n"
"                     or a missing file exits 1\n"
"  --write-baseline DIR  write DIR/expected-<validator>.tsv from this run\n"
"  --x509-strict      set the profile's X509_STRICT flag (the library's\n"
"                     strict mode, where it has one); default: off, as a\n"
"                     device ships\n"
"  --strict           exit 1 on any wrong-accept, wrong-reject or error\n"
"                     (a catalogue one not in certgen/divergences.tsv)\n"
"  --quiet            print only the matrices\n"
"  -h, --help         this help\n"
"\n"
"Results files are written only when the run completes (Ctrl-C leaves\n"
"none). A testcase without validation_time is checked at\n"
"2026-01-01T00:00:00Z (the profile's default clock). docs/conform.md\n"
"lists how each limbo field maps and what is skipped.\n"
"\n"
"Exit status: 0 the run completed (findings are data), 1 --strict found\n"
"something or --baseline differs, 2 usage error or an unreadable or\n"
"malformed suite, 130 interrupted.\n"
"\n"
"Examples:\n"
"  chainfuzz conform --results-dir out\n"
"  chainfuzz conform --validator mbedtls --out mbedtls.json limbo.json\n"
"  chainfuzz conform --baseline tests/limbo    # what make test runs\n"
"  chainfuzz conform --catalogue certgen/scenarios --quiet\n");
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt,
                                                             ...) {
  va_list ap;
  fprintf(stderr, "chainfuzz " CMD ": ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nRun 'chainfuzz " CMD " --help' for the options.\n");
  return CF_EXIT_USAGE;
}

/* outcome is how one validator did on one testcase. */
enum outcome {
  OUT_PASS = 0,
  OUT_WRONG_ACCEPT,
  OUT_WRONG_REJECT,
  OUT_SKIPPED,
  OUT_ERROR,
};
#define OUT_COUNT (OUT_ERROR + 1)

static const char *const kOutcomeName[OUT_COUNT] = {
    "pass", "wrong-accept", "wrong-reject", "skipped", "error"};

/* wrong is one wrong-accept, wrong-reject or error, kept for the listing
 * and the baseline. */
struct wrong {
  char *id;
  enum outcome outcome;
  char *detail; /* our verdict and the library's words (and features) */
  int known;    /* 1: in the baseline / divergence file */
};

/* vstate is one validator's run. */
struct vstate {
  const struct cf_validator *v;
  json_t *results; /* x509-limbo results array */
  size_t counts[OUT_COUNT];
  struct wrong *wrong;
  size_t num_wrong, cap_wrong;
  size_t cat_counts[OUT_COUNT]; /* the catalogue */
  struct wrong *cat_wrong;
  size_t num_cat_wrong, cap_cat_wrong;
};

/* conform is the state of one run. */
struct conform {
  struct vstate *vals;
  size_t num_vals;
  const char *suite;          /* NULL: catalogue only */
  const char *results_dir;
  const char *out_file;
  const char *cases_dir;
  const char *catalogue;
  const char *keys_dir;
  const char *baseline;
  const char *write_baseline;
  int x509_strict, strict, quiet;
  size_t num_testcases;
  struct skip_count {
    char *reason; /* the reason with details cut at the first ':' */
    size_t n;
  } *skips;
  size_t num_skips, cap_skips;
  size_t num_scenarios;
  char root[PATH_MAX];
};

static char *xstrdup(const char *s) {
  char *r = strdup(s);
  if (r == NULL) {
    fprintf(stderr, "chainfuzz " CMD ": out of memory\n");
    exit(CF_EXIT_USAGE);
  }
  return r;
}

static void *xgrow(void *p, size_t *cap, size_t elem) {
  size_t n = *cap == 0 ? 16 : *cap * 2;
  void *q = realloc(p, n * elem);
  if (q == NULL) {
    fprintf(stderr, "chainfuzz " CMD ": out of memory\n");
    exit(CF_EXIT_USAGE);
  }
  *cap = n;
  return q;
}

static void add_wrong(struct wrong **list, size_t *num, size_t *cap,
                      const char *id, enum outcome o, const char *detail,
                      int known) {
  if (*num == *cap) {
    *list = xgrow(*list, cap, sizeof(**list));
  }
  (*list)[*num].id = xstrdup(id);
  (*list)[*num].outcome = o;
  (*list)[*num].detail = xstrdup(detail);
  (*list)[*num].known = known;
  (*num)++;
}

/* count_skip tallies |reason| under its head (the text before ':'). */
static void count_skip(struct conform *cf, const char *reason) {
  size_t head = strcspn(reason, ":");
  for (size_t i = 0; i < cf->num_skips; i++) {
    if (strlen(cf->skips[i].reason) == head &&
        strncmp(cf->skips[i].reason, reason, head) == 0) {
      cf->skips[i].n++;
      return;
    }
  }
  if (cf->num_skips == cf->cap_skips) {
    cf->skips = xgrow(cf->skips, &cf->cap_skips, sizeof(*cf->skips));
  }
  cf->skips[cf->num_skips].reason = strndup(reason, head);
  if (cf->skips[cf->num_skips].reason == NULL) {
    fprintf(stderr, "chainfuzz " CMD ": out of memory\n");
    exit(CF_EXIT_USAGE);
  }
  cf->skips[cf->num_skips].n = 1;
  cf->num_skips++;
}

/* --- RFC 3339 times ----------------------------------------------------- */

/* days_from_civil returns the days from 1970-01-01 to |y|-|m|-|d|
 * (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, size_t n, unsigned *out) {
  unsigned v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') {
      return 0;
    }
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  *out = v;
  return 1;
}

/* parse_time parses an RFC 3339 date-time
 * (YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)) into seconds since the
 * epoch; fractions are dropped. It returns 1 on success, 0 otherwise. */
static int parse_time(int64_t *out, const char *s) {
  static const unsigned kDays[12] = {31, 29, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
  unsigned y, mo, d, h, mi, sec, oh = 0, om = 0;
  int sign = 0;
  size_t len = strlen(s), i;
  if (len < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
      s[7] != '-' || !digits(s + 8, 2, &d) ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
      s[16] != ':' || !digits(s + 17, 2, &sec)) {
    return 0;
  }
  i = 19;
  if (s[i] == '.') {
    i++;
    if (s[i] < '0' || s[i] > '9') {
      return 0;
    }
    while (s[i] >= '0' && s[i] <= '9') {
      i++;
    }
  }
  if (s[i] == 'Z' || s[i] == 'z') {
    i++;
  } else if (s[i] == '+' || s[i] == '-') {
    sign = s[i] == '+' ? 1 : -1;
    if (len - i < 6 || !digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
        !digits(s + i + 4, 2, &om) || oh > 23 || om > 59) {
      return 0;
    }
    i += 6;
  } else {
    return 0;
  }
  if (i != len || mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] ||
      (mo == 2 && d == 29 &&
       !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) ||
      h > 23 || mi > 59 || sec > 60) {
    return 0;
  }
  *out = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 +
         (int64_t)mi * 60 + sec - sign * ((int64_t)oh * 3600 + om * 60);
  return 1;
}

/* --- one testcase ------------------------------------------------------- */

/* conv is one testcase turned into a case. */
struct conv {
  const char *id;
  int expect_success;
  char skip[320];      /* non-empty: skipped, and why */
  char features[256];  /* "a,b" or "" */
  char note[128];      /* how the profile was filled, for context */
  struct cf_case c;    /* the case as the validators see it */
  uint8_t *der[1 + CF_MAX_ANCHORS + CF_MAX_INTERMEDIATES];
  size_t num_der;
  uint8_t *wire;       /* the serialised case (c points into it) */
  size_t wire_len;
};

static void conv_free(struct conv *cv) {
  for (size_t i = 0; i < cv->num_der; i++) {
    OPENSSL_free(cv->der[i]);
  }
  free(cv->wire);
  memset(cv, 0, sizeof(*cv));
}

__attribute__((format(printf, 2, 3))) static void skip(struct conv *cv,
                                                       const char *fmt, ...) {
  va_list ap;
  if (cv->skip[0] != '\0') {
    return; /* the first reason wins */
  }
  va_start(ap, fmt);
  vsnprintf(cv->skip, sizeof(cv->skip), fmt, ap);
  va_end(ap);
}

/* pem_to_der decodes the one PEM CERTIFICATE block of |pem| with
 * BoringSSL's PEM reader into |*out| (free with OPENSSL_free). On failure
 * it writes why into |why| and returns 0. */
static int pem_to_der(uint8_t **out, size_t *out_len, const char *pem,
                      size_t pem_len, char *why, size_t why_len) {
  BIO *bio = BIO_new_mem_buf(pem, pem_len);
  char *name = NULL, *header = NULL;
  uint8_t *data = NULL;
  long len = 0;
  int ok = 0;

  *out = NULL;
  if (bio == NULL) {
    snprintf(why, why_len, "out of memory");
    goto done;
  }
  if (!PEM_read_bio(bio, &name, &header, &data, &len)) {
    snprintf(why, why_len, "no decodable PEM block");
    goto done;
  }
  if (strcmp(name, "CERTIFICATE") != 0) {
    snprintf(why, why_len, "a PEM '%.40s' block, not CERTIFICATE", name);
    goto done;
  }
  if (header != NULL && header[0] != '\0') {
    snprintf(why, why_len, "PEM headers (an encrypted block?)");
    goto done;
  }
  {
    char *n2 = NULL, *h2 = NULL;
    uint8_t *d2 = NULL;
    long l2 = 0;
    int more = PEM_read_bio(bio, &n2, &h2, &d2, &l2);
    OPENSSL_free(n2);
    OPENSSL_free(h2);
    OPENSSL_free(d2);
    if (more) {
      snprintf(why, why_len, "more than one PEM block");
      goto done;
    }
  }
  *out = data;
  *out_len = (size_t)len;
  data = NULL;
  ok = 1;

done:
  ERR_clear_error();
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  BIO_free(bio);
  return ok;
}

/* malformed writes "testcases[I] (ID): ..." to |err| and returns 0. */
__attribute__((format(printf, 5, 6))) static int malformed(
    char *err, size_t err_len, size_t index, const char *id, const char *fmt,
    ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (id != NULL) {
    snprintf(err, err_len, "testcases[%zu] (id '%.200s'): %s", index, id, msg);
  } else {
    snprintf(err, err_len, "testcases[%zu]: %s", index, msg);
  }
  return 0;
}

/* get_array returns member |key| of |tc| in |*out| when it is an array
 * (of strings when |strings|), NULL when absent or null and |!required|. */
static int get_array(json_t **out, json_t *tc, const char *key, int required,
                     int strings, char *err, size_t err_len, size_t index,
                     const char *id) {
  json_t *a = json_object_get(tc, key);
  size_t i;
  json_t *e;
  *out = NULL;
  if (a == NULL || json_is_null(a)) {
    if (required) {
      return malformed(err, err_len, index, id, "no '%s' (required)", key);
    }
    return 1;
  }
  if (!json_is_array(a)) {
    return malformed(err, err_len, index, id, "'%s' is not an array", key);
  }
  if (strings) {
    json_array_foreach(a, i, e) {
      if (!json_is_string(e)) {
        return malformed(err, err_len, index, id, "'%s'[%zu] is not a string",
                         key, i);
      }
    }
  }
  *out = a;
  return 1;
}

/* join_strings writes the strings of |a| as "x, y" into |out|. */
static void join_strings(char *out, size_t out_len, const json_t *a,
                         const char *sep) {
  size_t i, used = 0;
  json_t *e;
  out[0] = '\0';
  if (a == NULL) {
    return;
  }
  json_array_foreach(a, i, e) {
    int n = snprintf(out + used, out_len - used, "%s%s", i ? sep : "",
                     json_is_string(e) ? json_string_value(e) : "?");
    if (n < 0 || (size_t)n >= out_len - used) {
      break;
    }
    used += (size_t)n;
  }
}

/* add_cert decodes one PEM string of field |what| and stores its DER. */
static int add_cert(struct conv *cv, struct cf_blob *blob, const json_t *s,
                    const char *what) {
  char why[128];
  uint8_t *der;
  size_t der_len;
  if (!pem_to_der(&der, &der_len, json_string_value(s), json_string_length(s),
                  why, sizeof(why))) {
    skip(cv, "PEM: %s: %s", what, why);
    return 0;
  }
  cv->der[cv->num_der++] = der;
  blob->data = der;
  blob->len = der_len;
  return 1;
}

/* convert turns testcase |tc| (index |index|) into |cv|. It returns 0 with
 * |err| filled when the testcase is malformed (the suite is broken), 1
 * otherwise; a testcase the case format cannot express comes back with
 * |cv->skip| set. */
static int convert(struct conv *cv, json_t *tc, size_t index, int x509_strict,
                   char *err, size_t err_len) {
  json_t *id, *kind, *expected, *anchors, *inters, *peer, *time, *name, *depth;
  json_t *sigalgs, *ku, *eku, *names, *crls, *features;
  struct cf_case c;
  const char *idv = NULL;

  memset(cv, 0, sizeof(*cv));
  memset(&c, 0, sizeof(c));
  cf_profile_init(&c.profile);
  if (!json_is_object(tc)) {
    return malformed(err, err_len, index, NULL, "not an object");
  }
  id = json_object_get(tc, "id");
  if (!json_is_string(id) || json_string_length(id) == 0 ||
      strlen(json_string_value(id)) != json_string_length(id)) {
    return malformed(err, err_len, index, NULL,
                     "no 'id', or it is not a non-empty string");
  }
  idv = cv->id = json_string_value(id);
  kind = json_object_get(tc, "validation_kind");
  if (!json_is_string(kind)) {
    return malformed(err, err_len, index, idv,
                     "no 'validation_kind', or it is not a string");
  }
  expected = json_object_get(tc, "expected_result");
  if (!json_is_string(expected) ||
      (strcmp(json_string_value(expected), "SUCCESS") != 0 &&
       strcmp(json_string_value(expected), "FAILURE") != 0)) {
    return malformed(err, err_len, index, idv,
                     "'expected_result' is not \"SUCCESS\" or \"FAILURE\"");
  }
  cv->expect_success = strcmp(json_string_value(expected), "SUCCESS") == 0;
  peer = json_object_get(tc, "peer_certificate");
  if (!json_is_string(peer)) {
    return malformed(err, err_len, index, idv,
                     "no 'peer_certificate', or it is not a string");
  }
  if (!get_array(&anchors, tc, "trusted_certs", 1, 1, err, err_len, index,
                 idv) ||
      !get_array(&inters, tc, "untrusted_intermediates", 1, 1, err, err_len,
                 index, idv) ||
      !get_array(&sigalgs, tc, "signature_algorithms", 0, 1, err, err_len,
                 index, idv) ||
      !get_array(&ku, tc, "key_usage", 0, 1, err, err_len, index, idv) ||
      !get_array(&eku, tc, "extended_key_usage", 0, 1, err, err_len, index,
                 idv) ||
      !get_array(&names, tc, "expected_peer_names", 0, 0, err, err_len, index,
                 idv) ||
      !get_array(&crls, tc, "crls", 0, 1, err, err_len, index, idv) ||
      !get_array(&features, tc, "features", 0, 1, err, err_len, index, idv)) {
    return 0;
  }
  time = json_object_get(tc, "validation_time");
  if (time != NULL && !json_is_null(time) && !json_is_string(time)) {
    return malformed(err, err_len, index, idv,
                     "'validation_time' is not a string or null");
  }
  name = json_object_get(tc, "expected_peer_name");
  if (name != NULL && !json_is_null(name) &&
      (!json_is_object(name) || !json_is_string(json_object_get(name, "kind")) ||
       !json_is_string(json_object_get(name, "value")))) {
    return malformed(err, err_len, index, idv,
                     "'expected_peer_name' is not null or {\"kind\": string, "
                     "\"value\": string}");
  }
  depth = json_object_get(tc, "max_chain_depth");
  if (depth != NULL && !json_is_null(depth) && !json_is_integer(depth)) {
    return malformed(err, err_len, index, idv,
                     "'max_chain_depth' is not an integer or null");
  }
  join_strings(cv->features, sizeof(cv->features), features, ",");

  /* What the case cannot express, in the order a reader would look. */
  if (strcmp(json_string_value(kind), "SERVER") != 0) {
    skip(cv, "validation_kind %.20s: a device validates the server it "
         "connects to; the case has no client-validation mode",
         json_string_value(kind));
  }
  if (names != NULL && json_array_size(names) > 0) {
    skip(cv, "expected_peer_names: a list of peer names (client "
         "validation) is not in the profile");
  }
  if (crls != NULL && json_array_size(crls) > 0) {
    skip(cv, "crls: a case carries no revocation data");
  }
  if (sigalgs != NULL && json_array_size(sigalgs) > 0) {
    char list[160];
    join_strings(list, sizeof(list), sigalgs, " ");
    skip(cv, "signature_algorithms: a constraint on algorithms (%s) is not "
         "in the profile", list);
  }
  if (ku != NULL && json_array_size(ku) > 0) {
    char list[160];
    join_strings(list, sizeof(list), ku, " ");
    skip(cv, "key_usage: a constraint on the leaf's key usage (%s) is not "
         "in the profile", list);
  }
  if (eku == NULL || json_array_size(eku) == 0) {
    c.profile.purpose = CF_PURPOSE_NONE;
  } else if (json_array_size(eku) == 1 &&
             strcmp(json_string_value(json_array_get(eku, 0)),
                    "serverAuth") == 0) {
    c.profile.purpose = CF_PURPOSE_SERVER_AUTH;
  } else if (json_array_size(eku) == 1 &&
             strcmp(json_string_value(json_array_get(eku, 0)),
                    "clientAuth") == 0) {
    c.profile.purpose = CF_PURPOSE_CLIENT_AUTH;
  } else {
    char list[160];
    join_strings(list, sizeof(list), eku, " ");
    skip(cv, "extended_key_usage: (%s) is not one purpose the profile has "
         "(serverAuth, clientAuth or none)", list);
  }
  if (name != NULL && !json_is_null(name)) {
    const char *k = json_string_value(json_object_get(name, "kind"));
    json_t *val = json_object_get(name, "value");
    const char *v = json_string_value(val);
    if (strcmp(k, "DNS") == 0) {
      if (!cf_profile_set_dns_name(&c.profile, v, json_string_length(val))) {
        skip(cv, "expected_peer_name: DNS name of %zu bytes (empty, longer "
             "than %d or with a NUL) does not fit the profile",
             json_string_length(val), CF_MAX_DNS_NAME_LEN);
      }
    } else if (strcmp(k, "IP") == 0) {
      uint8_t ip[16];
      if (strlen(v) == json_string_length(val) &&
          inet_pton(AF_INET, v, ip) == 1) {
        cf_profile_set_ip(&c.profile, ip, 4);
      } else if (strlen(v) == json_string_length(val) &&
                 inet_pton(AF_INET6, v, ip) == 1) {
        cf_profile_set_ip(&c.profile, ip, 16);
      } else {
        skip(cv, "expected_peer_name: IP '%.60s' is not an IPv4 or IPv6 "
             "address", v);
      }
    } else {
      skip(cv, "expected_peer_name: kind %.20s: the profile expects a DNS "
           "name or an IP address", k);
    }
  }
  if (time != NULL && json_is_string(time)) {
    int64_t t;
    if (parse_time(&t, json_string_value(time))) {
      c.profile.clock = CF_CLOCK_SET;
      c.profile.time = t;
    } else {
      skip(cv, "validation_time: '%.60s' is not an RFC 3339 date-time",
           json_string_value(time));
    }
  } else {
    /* Limbo's own harnesses disable the time check here; a case always has
     * a clock, so it gets the profile's default, CF_DEFAULT_TIME. Limbo's
     * generated certificates are valid from 1970 to 2969. */
    snprintf(cv->note, sizeof(cv->note), "no validation_time: checked at "
             "2026-01-01T00:00:00Z; ");
  }
  if (depth != NULL && json_is_integer(depth)) {
    json_int_t dv = json_integer_value(depth);
    if (dv < 0) {
      skip(cv, "max_chain_depth: %lld is negative", (long long)dv);
    } else {
      c.profile.max_depth =
          dv > CONFORM_NO_DEPTH_LIMIT ? CONFORM_NO_DEPTH_LIMIT : (uint8_t)dv;
    }
  } else {
    c.profile.max_depth = CONFORM_NO_DEPTH_LIMIT;
  }
  /* Every trusted certificate is a trust anchor (limbo's model; RFC 5280
   * 6.1.1 (d) takes the anchor's name and key, self-signed or not). The
   * certificates are not certgen's: marked external, so that replaying a
   * --cases-dir case through chain_verify_* does not take an accepted
   * chain for a signature bypass (certgen/signed_bytes.h). */
  c.profile.flags = CF_PROFILE_FLAG_PARTIAL_CHAIN | CF_PROFILE_FLAG_EXTERNAL |
                    (x509_strict ? CF_PROFILE_FLAG_X509_STRICT : 0);
  if (json_array_size(anchors) > CF_MAX_ANCHORS) {
    skip(cv, "trusted_certs: %zu, a case holds at most %d anchors",
         json_array_size(anchors), CF_MAX_ANCHORS);
  }
  if (json_array_size(inters) > CF_MAX_INTERMEDIATES) {
    skip(cv, "untrusted_intermediates: %zu, a case holds at most %d",
         json_array_size(inters), CF_MAX_INTERMEDIATES);
  }
  if (cv->skip[0] != '\0') {
    return 1;
  }

  /* The certificates, as BoringSSL's PEM reader decodes them. */
  {
    size_t i;
    json_t *e;
    if (!add_cert(cv, &c.leaf, peer, "peer_certificate")) {
      return 1;
    }
    json_array_foreach(anchors, i, e) {
      if (!add_cert(cv, &c.anchors[c.num_anchors++], e, "trusted_certs")) {
        return 1;
      }
    }
    json_array_foreach(inters, i, e) {
      if (!add_cert(cv, &c.intermediates[c.num_intermediates++], e,
                    "untrusted_intermediates")) {
        return 1;
      }
    }
  }
  {
    char label[CF_MAX_LABEL_LEN + 1];
    snprintf(label, sizeof(label), "x509-limbo %s", idv);
    c.label.data = (const uint8_t *)label;
    c.label.len = strlen(label);
    if (!cf_case_serialize(&cv->wire, &cv->wire_len, &c)) {
      skip(cv, "case: the converted testcase is not a valid case");
      return 1;
    }
  }
  if (cf_case_parse(&cv->c, NULL, cv->wire, cv->wire_len) != CF_CASE_OK) {
    skip(cv, "case: the converted testcase does not parse back");
  }
  return 1;
}

/* case_file_name writes DIR/<id, "::" as "__", other unsafe bytes as
 * '_'>.case into |out|. */
static int case_file_name(char *out, size_t out_len, const char *dir,
                          const char *id) {
  char name[512];
  size_t j = 0;
  for (const char *p = id; *p != '\0' && j + 8 < sizeof(name); p++) {
    unsigned char ch = (unsigned char)*p;
    int safe = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
               (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_';
    name[j++] = safe ? (char)ch : '_';
  }
  if (j > 0 && name[0] == '.') {
    name[0] = '_';
  }
  memcpy(name + j, ".case", 6);
  return cf_path_join(out, out_len, dir, name);
}

/* verdict_text describes |v| for people: "REJECT EXPIRED [10 certificate
 * has expired]". */
static void verdict_text(char *out, size_t out_len,
                         const struct cf_verdict *v) {
  if (v->decision == CF_ACCEPT) {
    snprintf(out, out_len, "ACCEPT");
  } else {
    snprintf(out, out_len, "%s %s [%ld %s]", cf_decision_name(v->decision),
             cf_reason_name(v->reason), v->native_code,
             v->native_text != NULL ? v->native_text : "");
  }
}

static int json_append(json_t *results, const char *id, const char *actual,
                       const char *context) {
  json_t *o = json_pack("{s:s, s:s, s:s}", "id", id, "actual_result", actual,
                        "context", context);
  return o != NULL && json_array_append_new(results, o) == 0;
}

/* run_testcase runs every validator on |cv| and records the outcomes. */
static int run_testcase(struct conform *cf, const struct conv *cv) {
  char detail[1024];
  if (cv->skip[0] != '\0') {
    count_skip(cf, cv->skip);
  }
  for (size_t i = 0; i < cf->num_vals; i++) {
    struct vstate *vs = &cf->vals[i];
    struct cf_verdict vd;
    enum outcome o;
    char vt[512], context[768];
    const char *actual;
    if (cv->skip[0] != '\0') {
      vs->counts[OUT_SKIPPED]++;
      if (!json_append(vs->results, cv->id, "SKIPPED", cv->skip)) {
        return 0;
      }
      continue;
    }
    memset(&vd, 0, sizeof(vd));
    vs->v->verify(&vd, &cv->c);
    verdict_text(vt, sizeof(vt), &vd);
    if (vd.decision == CF_ERROR) {
      o = OUT_ERROR;
    } else if ((vd.decision == CF_ACCEPT) == (cv->expect_success != 0)) {
      o = OUT_PASS;
    } else {
      o = vd.decision == CF_ACCEPT ? OUT_WRONG_ACCEPT : OUT_WRONG_REJECT;
    }
    vs->counts[o]++;
    /* A device that cannot decide does not connect: FAILURE. */
    actual = vd.decision == CF_ACCEPT ? "SUCCESS" : "FAILURE";
    snprintf(context, sizeof(context), "%s%s", cv->note, vt);
    if (!json_append(vs->results, cv->id, actual, context)) {
      return 0;
    }
    if (o != OUT_PASS) {
      snprintf(detail, sizeof(detail), "expected %s, got %s%s%s%s",
               cv->expect_success ? "SUCCESS" : "FAILURE", vt,
               cv->features[0] ? " (features: " : "", cv->features,
               cv->features[0] ? ")" : "");
      add_wrong(&vs->wrong, &vs->num_wrong, &vs->cap_wrong, cv->id, o, detail,
                0);
    }
  }
  return 1;
}

static int cmp_str_ptr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* check_ids fails when two testcases share an id: results are keyed by
 * it. */
static int check_ids(json_t *cases, char *err, size_t err_len) {
  size_t n = json_array_size(cases), i;
  const char **ids = calloc(n + 1, sizeof(*ids));
  json_t *e;
  int ok = 1;
  if (ids == NULL) {
    snprintf(err, err_len, "out of memory");
    return 0;
  }
  json_array_foreach(cases, i, e) {
    const char *s = json_string_value(json_object_get(e, "id"));
    ids[i] = s != NULL ? s : "";
  }
  qsort(ids, n, sizeof(*ids), cmp_str_ptr);
  for (i = 1; i < n && ok; i++) {
    if (ids[i][0] != '\0' && strcmp(ids[i], ids[i - 1]) == 0) {
      snprintf(err, err_len, "testcase id '%.200s' appears more than once",
               ids[i]);
      ok = 0;
    }
  }
  free(ids);
  return ok;
}

/* run_suite loads and runs the suite. It returns CF_EXIT_OK,
 * CF_EXIT_USAGE (unreadable or malformed suite) or CF_EXIT_INTERRUPTED. */
static int run_suite(struct conform *cf) {
  json_error_t jerr;
  json_t *root = NULL, *cases, *version, *tc;
  char err[1024];
  size_t i;
  int ret = CF_EXIT_USAGE;
  FILE *probe = fopen(cf->suite, "rb");

  if (probe == NULL) {
    fprintf(stderr, "chainfuzz " CMD ": cannot read the suite %s: %s\n",
            cf->suite, strerror(errno));
    return CF_EXIT_USAGE;
  }
  fclose(probe);
  root = json_load_file(cf->suite, JSON_REJECT_DUPLICATES, &jerr);
  if (root == NULL && cf_interrupted) {
    return CF_EXIT_INTERRUPTED; /* a read cut short by Ctrl-C */
  }
  if (root == NULL) {
    fprintf(stderr, "chainfuzz " CMD ": %s:%d:%d: not valid JSON: %s\n",
            cf->suite, jerr.line, jerr.column, jerr.text);
    return CF_EXIT_USAGE;
  }
  version = json_object_get(root, "version");
  cases = json_object_get(root, "testcases");
  if (!json_is_object(root) || !json_is_integer(version) ||
      json_integer_value(version) != 1 || !json_is_array(cases)) {
    fprintf(stderr,
            "chainfuzz " CMD ": %s: not an x509-limbo suite: the top level "
            "must be {\"version\": 1, \"testcases\": [...]}\n",
            cf->suite);
    goto done;
  }
  /* The whole suite is checked before anything runs: a malformed testcase
   * near the end must not cost a long run. */
  json_array_foreach(cases, i, tc) {
    struct conv cv;
    if (cf_interrupted) {
      ret = CF_EXIT_INTERRUPTED;
      goto done;
    }
    if (!convert(&cv, tc, i, cf->x509_strict, err, sizeof(err))) {
      conv_free(&cv);
      fprintf(stderr, "chainfuzz " CMD ": %s: %s\n", cf->suite, err);
      goto done;
    }
    conv_free(&cv);
  }
  if (!check_ids(cases, err, sizeof(err))) {
    fprintf(stderr, "chainfuzz " CMD ": %s: %s\n", cf->suite, err);
    goto done;
  }
  if (cf->cases_dir != NULL && !cf_mkdir_p(cf->cases_dir)) {
    fprintf(stderr, "chainfuzz " CMD ": cannot create %s: %s\n",
            cf->cases_dir, strerror(errno));
    goto done;
  }
  json_array_foreach(cases, i, tc) {
    struct conv cv;
    if (cf_interrupted) {
      ret = CF_EXIT_INTERRUPTED;
      goto done;
    }
    convert(&cv, tc, i, cf->x509_strict, err, sizeof(err));
    cf->num_testcases++;
    if (cf->cases_dir != NULL && cv.skip[0] == '\0') {
      char path[PATH_MAX];
      if (!case_file_name(path, sizeof(path), cf->cases_dir, cv.id) ||
          !cf_write_file_atomic(path, cv.wire, cv.wire_len, 0644)) {
        fprintf(stderr, "chainfuzz " CMD ": cannot write the case of %s in "
                "%s: %s\n", cv.id, cf->cases_dir, strerror(errno));
        conv_free(&cv);
        goto done;
      }
    }
    if (!run_testcase(cf, &cv)) {
      fprintf(stderr, "chainfuzz " CMD ": out of memory\n");
      conv_free(&cv);
      goto done;
    }
    conv_free(&cv);
  }
  ret = CF_EXIT_OK;

done:
  json_decref(root);
  return ret;
}

/* --- the catalogue ------------------------------------------------------ */

static void report_recipe_error(void *ctx, const struct cf_recipe_error *e) {
  char msg[1024];
  int *n = ctx;
  cf_recipe_error_format(msg, sizeof(msg), e);
  fprintf(stderr, "chainfuzz " CMD ": %s\n", msg);
  (*n)++;
}

static const char *expect_text(char *out, size_t out_len,
                               const struct cf_oracle_result *o) {
  if (o->expect == CF_EXPECT_ACCEPT) {
    snprintf(out, out_len, "ACCEPT");
  } else if (o->expect == CF_EXPECT_REJECT) {
    snprintf(out, out_len, "REJECT %s (%s)", cf_reason_name(o->reason),
             o->rule);
  } else {
    snprintf(out, out_len, "EITHER (%s)", o->rule);
  }
  return out;
}

/* run_catalogue runs every scenario under cf->catalogue through the
 * validators with certgen's check (check.h) and sorts the results into the
 * matrix: the oracle's verdict is the expected one. */
static int run_catalogue(struct conform *cf) {
  struct cf_catalogue cat = {0};
  struct cf_divergences divs = {0};
  struct cf_pool pool;
  struct cf_recipe *r = malloc(sizeof(*r));
  struct cf_validator *vals = calloc(cf->num_vals, sizeof(*vals));
  struct cf_check_result *res = calloc(cf->num_vals, sizeof(*res));
  char err[1024], div_path[PATH_MAX];
  int problems = 0, ret = CF_EXIT_USAGE;
  struct stat st;

  memset(&pool, 0, sizeof(pool));
  if (r == NULL || vals == NULL || res == NULL) {
    fprintf(stderr, "chainfuzz " CMD ": out of memory\n");
    goto done;
  }
  if (stat(cf->catalogue, &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "chainfuzz " CMD ": --catalogue %s: not a directory\n",
            cf->catalogue);
    goto done;
  }
  for (size_t i = 0; i < cf->num_vals; i++) {
    vals[i] = *cf->vals[i].v;
  }
  if (!cf_pool_load(&pool, cf->keys_dir, err, sizeof(err))) {
    fprintf(stderr, "chainfuzz " CMD ": %s\n", err);
    goto done;
  }
  /* The reviewed divergences mark what is known; they change no count. */
  if (!cf_path_join(div_path, sizeof(div_path), cf->root,
                    CF_DIVERGENCES_FILE) ||
      !cf_divergences_load(&divs, div_path, err, sizeof(err))) {
    fprintf(stderr, "chainfuzz " CMD ": %s\n", err);
    goto done;
  }
  cf_catalogue_scan(&cat, cf->catalogue, report_recipe_error, &problems);
  if (cat.num == 0) {
    fprintf(stderr, "chainfuzz " CMD ": --catalogue %s: no scenario\n",
            cf->catalogue);
    goto done;
  }
  for (size_t i = 0; i < cat.num; i++) {
    struct cf_recipe_error rerr;
    if (cf_interrupted) {
      ret = CF_EXIT_INTERRUPTED;
      goto done;
    }
    cf->num_scenarios++;
    if (!cf_recipe_load(r, &rerr, cat.entries[i].path)) {
      report_recipe_error(&problems, &rerr);
      for (size_t v = 0; v < cf->num_vals; v++) {
        cf->vals[v].cat_counts[OUT_ERROR]++;
        add_wrong(&cf->vals[v].cat_wrong, &cf->vals[v].num_cat_wrong,
                  &cf->vals[v].cap_cat_wrong, cat.entries[i].id, OUT_ERROR,
                  "the recipe does not load", 0);
      }
      continue;
    }
    cf_check_one(res, r, &pool, vals, cf->num_vals, &divs);
    for (size_t v = 0; v < cf->num_vals; v++) {
      struct vstate *vs = &cf->vals[v];
      const struct cf_check_result *x = &res[v];
      char vt[512], want[160], detail[1024];
      enum outcome o;
      if (x->status == CF_CHECK_ERROR ||
          x->status == CF_CHECK_ORACLE_MISMATCH) {
        o = OUT_ERROR;
        snprintf(detail, sizeof(detail), "%s: %s",
                 cf_check_status_name(x->status), x->msg);
      } else {
        if (x->verdict.decision == CF_ERROR) {
          o = OUT_ERROR;
        } else if (x->oracle.expect == CF_EXPECT_EITHER ||
                   (x->oracle.expect == CF_EXPECT_ACCEPT) ==
                       (x->verdict.decision == CF_ACCEPT)) {
          o = OUT_PASS;
        } else {
          o = x->verdict.decision == CF_ACCEPT ? OUT_WRONG_ACCEPT
                                               : OUT_WRONG_REJECT;
        }
        verdict_text(vt, sizeof(vt), &x->verdict);
        snprintf(detail, sizeof(detail), "oracle %s, got %s%s",
                 expect_text(want, sizeof(want), &x->oracle), vt,
                 x->status == CF_CHECK_DIVERGENCE
                     ? " (reviewed: " CF_DIVERGENCES_FILE ")"
                     : "");
      }
      vs->cat_counts[o]++;
      if (o != OUT_PASS) {
        add_wrong(&vs->cat_wrong, &vs->num_cat_wrong, &vs->cap_cat_wrong,
                  r->id, o, detail, x->status == CF_CHECK_DIVERGENCE);
      }
    }
  }
  if (problems > 0) {
    fprintf(stderr, "chainfuzz " CMD ": %d catalogue problem(s) in %s "
            "(counted as errors)\n", problems, cf->catalogue);
  }
  ret = CF_EXIT_OK;

done:
  free(r);
  free(vals);
  free(res);
  cf_catalogue_free(&cat);
  cf_divergences_free(&divs);
  cf_pool_free(&pool);
  return ret;
}

/* --- baselines ---------------------------------------------------------- */

struct base_line {
  char *id;
  enum outcome outcome;
  unsigned line;
  int used;
};

static void baseline_path(char *out, size_t out_len, const char *dir,
                          const char *validator) {
  char name[128];
  snprintf(name, sizeof(name), "expected-%s.tsv", validator);
  if (!cf_path_join(out, out_len, dir, name)) {
    out[0] = '\0';
  }
}

/* load_baseline reads |path| into |*out|. It returns 1, 0 if the file is
 * missing (errno ENOENT) or unreadable, -1 if it is malformed (message
 * printed). */
static int load_baseline(struct base_line **out, size_t *out_num,
                         const char *path) {
  FILE *f = fopen(path, "r");
  char line[4096];
  unsigned lineno = 0;
  size_t cap = 0;
  *out = NULL;
  *out_num = 0;
  if (f == NULL) {
    return 0;
  }
  while (fgets(line, sizeof(line), f) != NULL) {
    char *tab, *end;
    int o = -1;
    lineno++;
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0] == '#' || line[0] == '\0') {
      continue;
    }
    tab = strchr(line, '\t');
    if (tab == NULL) {
      fprintf(stderr, "chainfuzz " CMD ": %s:%u: expected ID<TAB>OUTCOME\n",
              path, lineno);
      fclose(f);
      return -1;
    }
    *tab = '\0';
    end = strchr(tab + 1, '\t');
    if (end != NULL) {
      *end = '\0';
    }
    for (int k = 0; k < OUT_COUNT; k++) {
      if (k != OUT_PASS && k != OUT_SKIPPED &&
          strcmp(tab + 1, kOutcomeName[k]) == 0) {
        o = k;
      }
    }
    if (o < 0) {
      fprintf(stderr, "chainfuzz " CMD ": %s:%u: outcome '%s' is not "
              "wrong-accept, wrong-reject or error\n", path, lineno, tab + 1);
      fclose(f);
      return -1;
    }
    if (*out_num == cap) {
      *out = xgrow(*out, &cap, sizeof(**out));
    }
    (*out)[*out_num].id = xstrdup(line);
    (*out)[*out_num].outcome = (enum outcome)o;
    (*out)[*out_num].line = lineno;
    (*out)[*out_num].used = 0;
    (*out_num)++;
  }
  fclose(f);
  return 1;
}

/* compare_baseline marks |vs|'s known wrongs and prints what differs from
 * DIR/expected-<validator>.tsv. It returns the number of differences (a
 * missing file counts as one), or -1 on a malformed file. */
static long compare_baseline(struct vstate *vs, const char *dir,
                             const char *suite) {
  char path[PATH_MAX];
  struct base_line *bl = NULL;
  size_t num = 0;
  long diffs = 0;
  int rc;

  baseline_path(path, sizeof(path), dir, vs->v->name);
  rc = load_baseline(&bl, &num, path);
  if (rc < 0) {
    return -1;
  }
  if (rc == 0) {
    printf("%s: NO BASELINE: %s: %s\n"
           "  review this run's wrong-accepts and wrong-rejects, then create "
           "it with:\n"
           "  chainfuzz conform --validator %s --write-baseline %s %s\n",
           vs->v->name, path, strerror(errno), vs->v->name, dir, suite);
    return 1;
  }
  for (size_t i = 0; i < vs->num_wrong; i++) {
    struct wrong *w = &vs->wrong[i];
    for (size_t j = 0; j < num; j++) {
      if (!bl[j].used && bl[j].outcome == w->outcome &&
          strcmp(bl[j].id, w->id) == 0) {
        bl[j].used = 1;
        w->known = 1;
        break;
      }
    }
    if (!w->known) {
      printf("%s: NEW %s: %s: %s (not in %s)\n", vs->v->name,
             kOutcomeName[w->outcome], w->id, w->detail, path);
      diffs++;
    }
  }
  for (size_t j = 0; j < num; j++) {
    if (!bl[j].used) {
      printf("%s: STALE: %s:%u: %s %s no longer happens\n", vs->v->name, path,
             bl[j].line, bl[j].id, kOutcomeName[bl[j].outcome]);
      diffs++;
    }
    free(bl[j].id);
  }
  free(bl);
  {
    size_t known = 0;
    for (size_t i = 0; i < vs->num_wrong; i++) {
      known += vs->wrong[i].known;
    }
    printf("%s: baseline %s: %zu known, %ld difference(s)\n", vs->v->name,
           path, known, diffs);
  }
  return diffs;
}

static int write_baseline(const struct vstate *vs, const char *dir,
                          const char *suite) {
  char path[PATH_MAX];
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  int ok;
  if (buf == NULL) {
    return 0;
  }
  len = (size_t)snprintf(
      buf, cap,
      "# chainfuzz conform baseline for %s on %s:\n"
      "# every testcase it gets wrong. Review each line (CONFORMANCE.md\n"
      "# explains them); the test fails on a new one and on a line that no\n"
      "# longer happens. Rewrite: chainfuzz conform --write-baseline DIR.\n"
      "# ID<TAB>OUTCOME<TAB>what the validator said (not compared)\n",
      vs->v->name, suite);
  for (size_t i = 0; i < vs->num_wrong; i++) {
    const struct wrong *w = &vs->wrong[i];
    size_t need = strlen(w->id) + strlen(w->detail) + 32;
    if (len + need >= cap) {
      char *nb;
      cap = (len + need) * 2;
      nb = realloc(buf, cap);
      if (nb == NULL) {
        free(buf);
        return 0;
      }
      buf = nb;
    }
    len += (size_t)snprintf(buf + len, cap - len, "%s\t%s\t%s\n", w->id,
                            kOutcomeName[w->outcome], w->detail);
  }
  baseline_path(path, sizeof(path), dir, vs->v->name);
  ok = path[0] != '\0' && cf_write_file_atomic(path, buf, len, 0644);
  if (!ok) {
    fprintf(stderr, "chainfuzz " CMD ": cannot write %s: %s\n", path,
            strerror(errno));
  } else {
    printf("wrote %s (%zu lines)\n", path, vs->num_wrong);
  }
  free(buf);
  return ok;
}

/* --- output ------------------------------------------------------------- */

static void print_matrix(const struct conform *cf, int catalogue) {
  printf("%-12s %6s %13s %13s %8s %6s %7s\n", "validator", "pass",
         "wrong-accept", "wrong-reject", "skipped", "error", "total");
  for (size_t i = 0; i < cf->num_vals; i++) {
    const size_t *n = catalogue ? cf->vals[i].cat_counts : cf->vals[i].counts;
    printf("%-12s %6zu %13zu %13zu %8zu %6zu %7zu\n", cf->vals[i].v->name,
           n[OUT_PASS], n[OUT_WRONG_ACCEPT], n[OUT_WRONG_REJECT],
           n[OUT_SKIPPED], n[OUT_ERROR],
           n[OUT_PASS] + n[OUT_WRONG_ACCEPT] + n[OUT_WRONG_REJECT] +
               n[OUT_SKIPPED] + n[OUT_ERROR]);
  }
}

static void print_wrongs(const char *name, const struct wrong *w, size_t num,
                         int show_known) {
  static const enum outcome kOrder[] = {OUT_WRONG_ACCEPT, OUT_WRONG_REJECT,
                                        OUT_ERROR};
  for (size_t k = 0; k < sizeof(kOrder) / sizeof(kOrder[0]); k++) {
    for (size_t i = 0; i < num; i++) {
      if (w[i].outcome == kOrder[k]) {
        printf("  %-12s %-12s %s  %s%s\n", name, kOutcomeName[w[i].outcome],
               w[i].id, w[i].detail,
               show_known && !w[i].known ? "  [NEW]" : "");
      }
    }
  }
}

static int write_results(const struct conform *cf) {
  for (size_t i = 0; i < cf->num_vals; i++) {
    const struct vstate *vs = &cf->vals[i];
    char path[PATH_MAX], harness[96], name[96];
    json_t *doc;
    char *text;
    int ok;
    if (cf->out_file != NULL) {
      snprintf(path, sizeof(path), "%s", cf->out_file);
    } else {
      snprintf(name, sizeof(name), "%s.json", vs->v->name);
      if (!cf_path_join(path, sizeof(path), cf->results_dir, name)) {
        fprintf(stderr, "chainfuzz " CMD ": path too long\n");
        return 0;
      }
    }
    snprintf(harness, sizeof(harness), "chainfuzz-%s", vs->v->name);
    doc = json_pack("{s:i, s:s, s:O}", "version", 1, "harness", harness,
                    "results", vs->results);
    text = doc != NULL ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
                       : NULL;
    json_decref(doc);
    if (text == NULL) {
      fprintf(stderr, "chainfuzz " CMD ": out of memory\n");
      return 0;
    }
    {
      size_t len = strlen(text);
      char *nl = realloc(text, len + 2);
      if (nl == NULL) {
        free(text);
        return 0;
      }
      text = nl;
      text[len] = '\n';
      text[len + 1] = '\0';
      ok = cf_write_file_atomic(path, text, len + 1, 0644);
    }
    free(text);
    if (!ok) {
      fprintf(stderr, "chainfuzz " CMD ": cannot write %s: %s\n", path,
              strerror(errno));
      return 0;
    }
    if (!cf->quiet) {
      printf("wrote %s\n", path);
    }
  }
  return 1;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- main --------------------------------------------------------------- */

int cf_cmd_conform(int argc, char **argv) {
  struct conform cf;
  size_t num_all = 0;
  const struct cf_validator *all = cf_validators(&num_all);
  const char *suite_arg = NULL;
  char suite_buf[PATH_MAX], keys_buf[PATH_MAX], err[512];
  struct cf_paths paths;
  int have_root, ret = CF_EXIT_USAGE;
  long diffs = 0;
  size_t strict_hits = 0;
  double t0, t_suite = 0, t_cat = 0;

  memset(&cf, 0, sizeof(cf));
  cf.vals = calloc(num_all, sizeof(*cf.vals));
  if (cf.vals == NULL) {
    fprintf(stderr, "chainfuzz " CMD ": out of memory\n");
    return CF_EXIT_USAGE;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      ret = CF_EXIT_OK;
      goto done;
    }
    if (strcmp(a, "--validator") == 0 || strcmp(a, "--results-dir") == 0 ||
        strcmp(a, "--out") == 0 || strcmp(a, "--cases-dir") == 0 ||
        strcmp(a, "--catalogue") == 0 || strcmp(a, "--keys") == 0 ||
        strcmp(a, "--baseline") == 0 || strcmp(a, "--write-baseline") == 0) {
      const char *v;
      if (i + 1 >= argc || argv[i + 1][0] == '\0') {
        ret = usage_error("%s needs a value", a);
        goto done;
      }
      v = argv[++i];
      if (strcmp(a, "--validator") == 0) {
        const struct cf_validator *found = cf_validator_find(v);
        int dup = 0;
        if (found == NULL) {
          char names[256] = "";
          for (size_t k = 0; k < num_all; k++) {
            size_t used = strlen(names);
            snprintf(names + used, sizeof(names) - used, "%s%s",
                     k ? ", " : "", all[k].name);
          }
          ret = usage_error("unknown validator '%s' (registered: %s)", v,
                            names);
          goto done;
        }
        for (size_t k = 0; k < cf.num_vals; k++) {
          dup |= cf.vals[k].v == found;
        }
        if (!dup) {
          cf.vals[cf.num_vals++].v = found;
        }
      } else if (strcmp(a, "--results-dir") == 0) {
        cf.results_dir = v;
      } else if (strcmp(a, "--out") == 0) {
        cf.out_file = v;
      } else if (strcmp(a, "--cases-dir") == 0) {
        cf.cases_dir = v;
      } else if (strcmp(a, "--catalogue") == 0) {
        cf.catalogue = v;
      } else if (strcmp(a, "--keys") == 0) {
        cf.keys_dir = v;
      } else if (strcmp(a, "--baseline") == 0) {
        cf.baseline = v;
      } else {
        cf.write_baseline = v;
      }
    } else if (strcmp(a, "--x509-strict") == 0) {
      cf.x509_strict = 1;
    } else if (strcmp(a, "--strict") == 0) {
      cf.strict = 1;
    } else if (strcmp(a, "--quiet") == 0) {
      cf.quiet = 1;
    } else if (a[0] == '-' && a[1] != '\0') {
      ret = usage_error("unknown option '%s'", a);
      goto done;
    } else if (suite_arg != NULL) {
      ret = usage_error("one SUITE.json at a time (got '%s' and '%s')",
                        suite_arg, a);
      goto done;
    } else {
      suite_arg = a;
    }
  }
  if (cf.num_vals == 0) {
    for (size_t k = 0; k < num_all; k++) {
      cf.vals[cf.num_vals++].v = &all[k];
    }
  }
  if (cf.results_dir != NULL && cf.out_file != NULL) {
    ret = usage_error("--results-dir and --out exclude each other");
    goto done;
  }
  if (cf.out_file != NULL && cf.num_vals != 1) {
    ret = usage_error("--out FILE holds one validator's results; %zu "
                      "validators run: pick one with --validator, or use "
                      "--results-dir DIR", cf.num_vals);
    goto done;
  }
  if (cf.baseline != NULL && cf.write_baseline != NULL) {
    ret = usage_error("--baseline and --write-baseline exclude each other");
    goto done;
  }

  have_root = cf_paths_init(&paths, err, sizeof(err));
  snprintf(cf.root, sizeof(cf.root), "%s", have_root ? paths.root : ".");
  if (suite_arg != NULL) {
    cf.suite = suite_arg;
  } else if (cf.catalogue == NULL) {
    if (!have_root) {
      fprintf(stderr, "chainfuzz " CMD ": no SUITE.json given and %s\n", err);
      goto done;
    }
    if (!cf_path_join(suite_buf, sizeof(suite_buf), cf.root, DEFAULT_SUITE)) {
      fprintf(stderr, "chainfuzz " CMD ": path too long\n");
      goto done;
    }
    cf.suite = suite_buf;
  }
  if (cf.suite == NULL &&
      (cf.results_dir != NULL || cf.out_file != NULL ||
       cf.cases_dir != NULL || cf.baseline != NULL ||
       cf.write_baseline != NULL)) {
    ret = usage_error("--results-dir, --out, --cases-dir and the baselines "
                      "are about a SUITE.json; give one");
    goto done;
  }
  if (cf.keys_dir == NULL) {
    if (!cf_path_join(keys_buf, sizeof(keys_buf), cf.root, "certgen/keys")) {
      fprintf(stderr, "chainfuzz " CMD ": path too long\n");
      goto done;
    }
    cf.keys_dir = keys_buf;
  }
  if (cf.results_dir != NULL && !cf_mkdir_p(cf.results_dir)) {
    fprintf(stderr, "chainfuzz " CMD ": cannot create %s: %s\n",
            cf.results_dir, strerror(errno));
    goto done;
  }
  for (size_t k = 0; k < cf.num_vals; k++) {
    cf.vals[k].results = json_array();
    if (cf.vals[k].results == NULL) {
      fprintf(stderr, "chainfuzz " CMD ": out of memory\n");
      goto done;
    }
  }

  cf_install_interrupt_handlers();
  if (cf.suite != NULL) {
    t0 = now_seconds();
    ret = run_suite(&cf);
    t_suite = now_seconds() - t0;
    if (ret != CF_EXIT_OK) {
      goto interrupted;
    }
  }
  if (cf.catalogue != NULL) {
    t0 = now_seconds();
    ret = run_catalogue(&cf);
    t_cat = now_seconds() - t0;
    if (ret != CF_EXIT_OK) {
      goto interrupted;
    }
  }

  if (cf.suite != NULL) {
    printf("x509-limbo suite %s: %zu testcases, %zu validators, %.2f s\n",
           cf.suite, cf.num_testcases, cf.num_vals, t_suite);
    print_matrix(&cf, 0);
    if (cf.num_skips > 0) {
      printf("skipped (the same for every validator):");
      for (size_t i = 0; i < cf.num_skips; i++) {
        printf("%s %zu %s", i ? "," : "", cf.skips[i].n, cf.skips[i].reason);
      }
      printf("\n");
    }
    if (cf.baseline != NULL) {
      for (size_t k = 0; k < cf.num_vals; k++) {
        long d = compare_baseline(&cf.vals[k], cf.baseline, cf.suite);
        if (d < 0) {
          ret = CF_EXIT_USAGE;
          goto done;
        }
        diffs += d;
      }
    }
    if (!cf.quiet) {
      for (size_t k = 0; k < cf.num_vals; k++) {
        print_wrongs(cf.vals[k].v->name, cf.vals[k].wrong,
                     cf.vals[k].num_wrong, cf.baseline != NULL);
      }
    }
    for (size_t k = 0; k < cf.num_vals; k++) {
      strict_hits += cf.vals[k].num_wrong;
    }
  }
  if (cf.catalogue != NULL) {
    printf("%scertgen catalogue %s: %zu scenarios, %zu validators, %.2f s "
           "(expected verdict: the oracle's)\n",
           cf.suite != NULL ? "\n" : "", cf.catalogue, cf.num_scenarios,
           cf.num_vals, t_cat);
    print_matrix(&cf, 1);
    for (size_t k = 0; k < cf.num_vals; k++) {
      if (!cf.quiet) {
        print_wrongs(cf.vals[k].v->name, cf.vals[k].cat_wrong,
                     cf.vals[k].num_cat_wrong, 0);
      }
      for (size_t i = 0; i < cf.vals[k].num_cat_wrong; i++) {
        strict_hits += !cf.vals[k].cat_wrong[i].known;
      }
    }
  }

  if (cf.suite != NULL && (cf.results_dir != NULL || cf.out_file != NULL)) {
    if (cf_interrupted || !write_results(&cf)) {
      ret = cf_interrupted ? CF_EXIT_INTERRUPTED : CF_EXIT_USAGE;
      goto interrupted;
    }
  }
  if (cf.write_baseline != NULL) {
    if (cf_interrupted) {
      ret = CF_EXIT_INTERRUPTED;
      goto interrupted;
    }
    if (!cf_mkdir_p(cf.write_baseline)) {
      fprintf(stderr, "chainfuzz " CMD ": cannot create %s: %s\n",
              cf.write_baseline, strerror(errno));
      ret = CF_EXIT_USAGE;
      goto done;
    }
    for (size_t k = 0; k < cf.num_vals; k++) {
      if (!write_baseline(&cf.vals[k], cf.write_baseline, cf.suite)) {
        ret = CF_EXIT_USAGE;
        goto done;
      }
    }
  }
  ret = CF_EXIT_OK;
  if (cf.baseline != NULL && diffs > 0) {
    printf("conform: %ld difference(s) from the baselines in %s\n", diffs,
           cf.baseline);
    ret = CF_EXIT_FAIL;
  }
  if (cf.strict && cf.baseline == NULL && strict_hits > 0) {
    printf("conform: --strict: %zu wrong-accept, wrong-reject or error "
           "outcome(s)\n", strict_hits);
    ret = CF_EXIT_FAIL;
  }
  goto done;

interrupted:
  if (ret == CF_EXIT_INTERRUPTED) {
    fprintf(stderr, "chainfuzz " CMD ": interrupted; no results written\n");
  }

done:
  for (size_t k = 0; k < cf.num_vals; k++) {
    struct vstate *vs = &cf.vals[k];
    json_decref(vs->results);
    for (size_t i = 0; i < vs->num_wrong; i++) {
      free(vs->wrong[i].id);
      free(vs->wrong[i].detail);
    }
    for (size_t i = 0; i < vs->num_cat_wrong; i++) {
      free(vs->cat_wrong[i].id);
      free(vs->cat_wrong[i].detail);
    }
    free(vs->wrong);
    free(vs->cat_wrong);
  }
  for (size_t i = 0; i < cf.num_skips; i++) {
    free(cf.skips[i].reason);
  }
  free(cf.skips);
  free(cf.vals);
  return ret;
}
