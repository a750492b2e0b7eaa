/* recipe.c — the parser of recipe text (the grammar is the header comment of
 * recipe.h; the user documentation is docs/recipes.md).
 *
 * Two layers: a line lexer that splits a line into arguments (blanks
 * separate; "..." strings with the escapes \" \\ \n \t \xHH may appear
 * anywhere in an argument, so dns:"a\x00b" is one argument; '#' outside a
 * string ends the line), and a dispatcher that hands the arguments of each
 * keyword to its handler. Cert references (issuer, anchors, chain) are
 * collected by name and resolved at the end, so a block may name a cert
 * defined later. Decoded arguments carry their length: a NUL byte written as
 * \x00 survives into names and values. */
#include "recipe.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainfuzz/fileio.h"
#include "keypool.h"

#define MAX_TOKS 64
#define MAX_FILE_LEN (1u << 20)

/* tok is one argument of a line, decoded. */
struct tok {
  const char *s;    /* decoded bytes, NUL-terminated (inside line.buf) */
  size_t len;       /* decoded length; may include NUL bytes */
  unsigned col;     /* 1-based column of its first character */
  size_t raw_start; /* offsets of the raw text in the source line */
  size_t raw_end;
  int quoted;  /* a "..." string appeared in it */
  int has_nul; /* s holds a NUL byte before s[len] */
};

struct line {
  const char *src; /* the source line, without its newline */
  size_t src_len;
  struct tok toks[MAX_TOKS];
  size_t n;
  char *buf;
};

/* The property ids. Header, cert and device keywords share one table. */
enum part { PART_HEADER = 0, PART_CERT, PART_DEVICE };

enum prop {
  H_RECIPE = 0,
  H_ID,
  H_TITLE,
  H_EXPECT,
  H_CLASS,
  H_WHY,
  C_KEY,
  C_ISSUER,
  C_ISSUER_NAME,
  C_SIGNED_BY,
  C_SUBJECT,
  C_VERSION,
  C_ISSUER_UID,
  C_SUBJECT_UID,
  C_SERIAL,
  C_NOT_BEFORE,
  C_NOT_AFTER,
  C_SIG_ALG,
  C_TBS_SIG_ALG,
  C_OUTER_SIG_ALG,
  C_BC,
  C_KU,
  C_EKU,
  C_SAN,
  C_PERMIT,
  C_EXCLUDE,
  C_NC_NONCRITICAL,
  C_SKI,
  C_AKI,
  C_POLICIES,
  C_POLICY_MAPS,
  C_PC,
  C_IAP,
  C_EXTENSION,
  C_DUPLICATE,
  C_SPKI,
  C_PAD,
  C_DEFECT,
  D_ANCHORS,
  D_CHAIN,
  D_TIME,
  D_NAME, /* dns | ip | no-name: one property */
  D_PURPOSE,
  D_MAX_DEPTH,
  D_FLAGS,
  D_MIN_RSA_BITS,
  D_ALGORITHMS,
  D_MAX_CHAIN_BYTES,
  PROP_COUNT,
};

struct ref {
  char name[CF_RECIPE_MAX_CERT_NAME + 1];
  unsigned line, col;
};

struct parser {
  struct cf_recipe *r;
  struct cf_recipe_error *err;
  unsigned line;
  int started;      /* the `recipe` line was seen */
  enum part part;   /* where we are */
  int cur;          /* current cert block, or -1 */
  unsigned device_line;
  unsigned hdr_seen[PROP_COUNT]; /* line of first occurrence, header/device */
  unsigned cert_seen[CF_RECIPE_MAX_CERTS][PROP_COUNT];
  int issuer_is_ref[CF_RECIPE_MAX_CERTS];
  struct ref issuer_ref[CF_RECIPE_MAX_CERTS];
  struct ref anchors[CF_RECIPE_MAX_CERTS];
  size_t num_anchors;
  struct ref chain[CF_RECIPE_MAX_CERTS];
  size_t num_chain;
};

typedef int (*prop_fn)(struct parser *p, const struct line *l);

struct prop_def {
  const char *name;
  enum part part;
  enum prop id;
  int repeatable;
  prop_fn fn;
};

/* --- errors ------------------------------------------------------------- */

static int fail_at(struct parser *p, unsigned line, unsigned col,
                   const char *fmt, ...) {
  va_list ap;
  p->err->line = line;
  p->err->col = line == 0 ? 0 : (col == 0 ? 1 : col);
  va_start(ap, fmt);
  vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
  va_end(ap);
  return 0;
}

#define FAIL(p, col, ...) fail_at((p), (p)->line, (col), __VA_ARGS__)

/* show writes |s| (|len| bytes) into |out| for a message: printable ASCII
 * as is, anything else as \xHH, cut at about 40 characters. */
static const char *show(char *out, size_t out_len, const char *s, size_t len) {
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (o + 8 >= out_len || o >= 40) {
      snprintf(out + o, out_len - o, "...");
      return out;
    }
    if (ch >= 0x20 && ch < 0x7f) {
      out[o++] = (char)ch;
    } else {
      o += (size_t)snprintf(out + o, out_len - o, "\\x%02x", ch);
    }
  }
  out[o] = '\0';
  return out;
}

/* T renders a token for a message (uses a rotating buffer, 4 live). */
static const char *T(const struct tok *t) {
  static char bufs[4][64];
  static unsigned next;
  char *b = bufs[next++ % 4];
  return show(b, 64, t->s, t->len);
}

/* --- the lexer ---------------------------------------------------------- */

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* lex splits |l->src| into tokens; |l->buf| must hold src_len + MAX_TOKS + 1
 * bytes. */
static int lex(struct parser *p, struct line *l) {
  size_t i = 0, o = 0;
  const char *src = l->src;
  l->n = 0;
  for (;;) {
    while (i < l->src_len && is_blank(src[i])) {
      i++;
    }
    if (i >= l->src_len || src[i] == '#') {
      return 1;
    }
    if (l->n == MAX_TOKS) {
      return FAIL(p, (unsigned)i + 1,
                  "too many arguments on one line (at most %d)", MAX_TOKS);
    }
    struct tok *t = &l->toks[l->n++];
    memset(t, 0, sizeof(*t));
    t->col = (unsigned)i + 1;
    t->raw_start = i;
    t->s = l->buf + o;
    size_t start_o = o;
    while (i < l->src_len && !is_blank(src[i]) && src[i] != '#') {
      if (src[i] != '"') {
        l->buf[o++] = src[i++];
        continue;
      }
      size_t q = i++;
      t->quoted = 1;
      for (;;) {
        if (i >= l->src_len) {
          return FAIL(p, (unsigned)q + 1,
                      "unterminated string; close it with '\"' on the same "
                      "line");
        }
        char c = src[i];
        if (c == '"') {
          i++;
          break;
        }
        if (c != '\\') {
          l->buf[o++] = c;
          i++;
          continue;
        }
        if (i + 1 >= l->src_len) {
          return FAIL(p, (unsigned)i + 1,
                      "unterminated string; close it with '\"' on the same "
                      "line");
        }
        char e = src[i + 1];
        if (e == '"' || e == '\\') {
          l->buf[o++] = e;
          i += 2;
        } else if (e == 'n') {
          l->buf[o++] = '\n';
          i += 2;
        } else if (e == 't') {
          l->buf[o++] = '\t';
          i += 2;
        } else if (e == 'x') {
          int hi = i + 2 < l->src_len ? hexval(src[i + 2]) : -1;
          int lo = i + 3 < l->src_len ? hexval(src[i + 3]) : -1;
          if (hi < 0 || lo < 0) {
            return FAIL(p, (unsigned)i + 1,
                        "bad escape: \\x needs two hex digits (\\x00 .. "
                        "\\xff)");
          }
          l->buf[o++] = (char)(hi * 16 + lo);
          i += 4;
        } else {
          return FAIL(p, (unsigned)i + 1,
                      "unknown escape '\\%c' in a string; allowed: \\\" \\\\ "
                      "\\n \\t \\xHH",
                      isprint((unsigned char)e) ? e : '?');
        }
      }
    }
    t->raw_end = i;
    t->len = o - start_o;
    t->has_nul = memchr(t->s, '\0', t->len) != NULL;
    l->buf[o++] = '\0';
  }
}

/* --- small helpers ------------------------------------------------------ */

/* eq reports whether token |t| is exactly the word |w|. */
static int eq(const struct tok *t, const char *w) {
  size_t n = strlen(w);
  return t->len == n && memcmp(t->s, w, n) == 0;
}

/* word returns the token as a C string, or "" if it holds a NUL (so that
 * no table lookup can match a truncated word). */
static const char *word(const struct tok *t) {
  return t->has_nul ? "" : t->s;
}

static int nargs_exact(struct parser *p, const struct line *l, size_t n,
                       const char *usage) {
  size_t have = l->n - 1;
  if (have < n) {
    return FAIL(p, l->toks[0].col, "'%s' needs %s: %s", l->toks[0].s,
                n == 1 ? "an argument" : "more arguments", usage);
  }
  if (have > n) {
    return FAIL(p, l->toks[n + 1].col, "unexpected argument '%s'; usage: %s",
                T(&l->toks[n + 1]), usage);
  }
  return 1;
}

static int nargs_min(struct parser *p, const struct line *l, size_t n,
                     const char *usage) {
  if (l->n - 1 < n) {
    return FAIL(p, l->toks[0].col, "'%s' needs %s: %s", l->toks[0].s,
                n == 1 ? "an argument" : "more arguments", usage);
  }
  return 1;
}

/* parse_uint parses a decimal number <= |max|. */
static int parse_uint(struct parser *p, const struct tok *t, uint64_t max,
                      uint64_t *out, const char *what) {
  uint64_t v = 0;
  if (t->len == 0 || t->len > 20) {
    goto bad;
  }
  for (size_t i = 0; i < t->len; i++) {
    if (t->s[i] < '0' || t->s[i] > '9') {
      goto bad;
    }
    if (v > (UINT64_MAX - 9) / 10) {
      goto range;
    }
    v = v * 10 + (uint64_t)(t->s[i] - '0');
  }
  if (v > max) {
    goto range;
  }
  *out = v;
  return 1;
bad:
  return FAIL(p, t->col, "%s: expected a decimal number, got '%s'", what,
              T(t));
range:
  return FAIL(p, t->col, "%s: %s is out of range (0 .. %llu)", what, T(t),
              (unsigned long long)max);
}

/* parse_hex decodes |n| bytes of hex text (an even number of digits, at
 * most |max| bytes). "-" is empty when |allow_dash|. */
static int parse_hex(struct parser *p, const struct tok *t, const char *s,
                     size_t n, uint8_t *out, size_t max, size_t *out_len,
                     int allow_dash, const char *what) {
  if (allow_dash && n == 1 && s[0] == '-') {
    *out_len = 0;
    return 1;
  }
  if (n == 0 || n % 2 != 0) {
    return FAIL(p, t->col,
                "%s: expected an even number of hex digits%s, got '%s'", what,
                allow_dash ? " (or - for empty)" : "", T(t));
  }
  if (n / 2 > max) {
    return FAIL(p, t->col, "%s: %zu bytes is too long (at most %zu)", what,
                n / 2, max);
  }
  for (size_t i = 0; i < n; i += 2) {
    int hi = hexval(s[i]), lo = hexval(s[i + 1]);
    if (hi < 0 || lo < 0) {
      return FAIL(p, t->col, "%s: '%s' is not hex (digits 0-9 a-f)", what,
                  T(t));
    }
    out[i / 2] = (uint8_t)(hi * 16 + lo);
  }
  *out_len = n / 2;
  return 1;
}

/* valid_oid checks dotted text: at least two arcs of digits, the first 0, 1
 * or 2, no empty arcs, fits CF_RECIPE_MAX_OID. */
static int valid_oid(const char *s, size_t n) {
  size_t arcs = 0, digits = 0;
  if (n == 0 || n > CF_RECIPE_MAX_OID || s[0] < '0' || s[0] > '2') {
    return 0;
  }
  for (size_t i = 0; i <= n; i++) {
    if (i == n || s[i] == '.') {
      if (digits == 0) {
        return 0;
      }
      arcs++;
      digits = 0;
    } else if (s[i] >= '0' && s[i] <= '9') {
      digits++;
    } else {
      return 0;
    }
  }
  return arcs >= 2;
}

static int parse_oid_text(struct parser *p, const struct tok *t, const char *s,
                          size_t n, char out[CF_RECIPE_MAX_OID + 1],
                          const char *what) {
  if (!valid_oid(s, n)) {
    return FAIL(p, t->col,
                "%s: '%s' is not a dotted OID (digits and dots, at least two "
                "arcs, e.g. 1.3.6.1.4.1.99999.1)",
                what, T(t));
  }
  memcpy(out, s, n);
  out[n] = '\0';
  return 1;
}

/* levenshtein distance, for "did you mean" hints (short words only). */
static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  size_t row[40];
  if (la >= 39 || lb >= 39) {
    return 99;
  }
  for (size_t j = 0; j <= lb; j++) {
    row[j] = j;
  }
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t best = diag + (a[i - 1] != b[j - 1]);
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* closest returns the word of |words| nearest |w|, or NULL if none is
 * close. */
static const char *closest(const char *w, const char *const *words,
                           size_t n) {
  const char *best = NULL;
  size_t best_d = 3;
  for (size_t i = 0; i < n; i++) {
    size_t d = edit_distance(w, words[i]);
    if (d < best_d) {
      best_d = d;
      best = words[i];
    }
  }
  return best;
}

/* --- times -------------------------------------------------------------- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned kDays[12] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

/* civil_ok checks the ranges of a date and time. */
static int civil_ok(int64_t y, unsigned mo, unsigned d, unsigned h,
                    unsigned mi, unsigned s) {
  return y >= 0 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 &&
         d <= days_in_month(y, mo) && h <= 23 && mi <= 59 && s <= 59;
}

static int64_t civil_to_unix(int64_t y, unsigned mo, unsigned d, unsigned h,
                             unsigned mi, unsigned s) {
  return days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 +
         (int64_t)mi * 60 + (int64_t)s;
}

/* digits reads |n| decimal digits at |s|; -1 if any is not a digit. */
static long digits(const char *s, size_t n) {
  long v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') {
      return -1;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* parse_iso parses YYYY-MM-DDTHH:MM:SSZ exactly; 0 if malformed, -1 if a
 * field is out of range. */
static int parse_iso(const char *s, size_t n, int64_t *out, int64_t *year) {
  if (n != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
      s[13] != ':' || s[16] != ':' || s[19] != 'Z') {
    return 0;
  }
  long y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2),
       h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) {
    return 0;
  }
  if (!civil_ok(y, (unsigned)mo, (unsigned)d, (unsigned)h, (unsigned)mi,
                (unsigned)sec)) {
    return -1;
  }
  *year = y;
  *out = civil_to_unix(y, (unsigned)mo, (unsigned)d, (unsigned)h,
                       (unsigned)mi, (unsigned)sec);
  return 1;
}

/* interpret_raw reads what it can of raw time content: UTCTime
 * YYMMDDHHMM[SS] or GeneralizedTime YYYYMMDDHH[MM[SS]], optional .fraction
 * (ignored), then Z or +HHMM/-HHMM. INT64_MIN if it makes no sense. */
static int64_t interpret_raw(const char *s, size_t n, int gen) {
  size_t i = 0;
  long y, mo, d, h, mi = 0, sec = 0;
  if (gen) {
    if (n < 10) return INT64_MIN;
    y = digits(s, 4);
    i = 4;
  } else {
    if (n < 10) return INT64_MIN;
    y = digits(s, 2);
    if (y >= 0) y += y >= 50 ? 1900 : 2000;
    i = 2;
  }
  mo = digits(s + i, 2);
  d = digits(s + i + 2, 2);
  h = digits(s + i + 4, 2);
  i += 6;
  if (y < 0 || mo < 0 || d < 0 || h < 0) return INT64_MIN;
  if (i + 2 <= n && digits(s + i, 2) >= 0) {
    mi = digits(s + i, 2);
    i += 2;
    if (i + 2 <= n && digits(s + i, 2) >= 0) {
      sec = digits(s + i, 2);
      i += 2;
    }
  } else if (!gen) {
    return INT64_MIN;
  }
  if (i < n && (s[i] == '.' || s[i] == ',')) {
    i++;
    size_t f = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == f) return INT64_MIN;
  }
  if (!civil_ok(y, (unsigned)mo, (unsigned)d, (unsigned)h, (unsigned)mi,
                (unsigned)sec)) {
    return INT64_MIN;
  }
  int64_t t = civil_to_unix(y, (unsigned)mo, (unsigned)d, (unsigned)h,
                            (unsigned)mi, (unsigned)sec);
  if (i == n) {
    return t; /* local time: taken as UTC */
  }
  if (s[i] == 'Z' && i + 1 == n) {
    return t;
  }
  if ((s[i] == '+' || s[i] == '-') && i + 5 == n) {
    long oh = digits(s + i + 1, 2), om = digits(s + i + 3, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return INT64_MIN;
    int64_t off = oh * 3600 + om * 60;
    return s[i] == '+' ? t - off : t + off;
  }
  return INT64_MIN;
}

#define TIME_USAGE                                                   \
  "YYYY-MM-DDTHH:MM:SSZ, optionally prefixed utc: or gen:, or raw-utc:" \
  "\"...\" / raw-gen:\"...\""

/* parse_time parses TIME into |out|. */
static int parse_time(struct parser *p, const struct tok *t,
                      struct cf_rtime *out) {
  const char *s = t->s;
  size_t n = t->len;
  memset(out, 0, sizeof(*out));
  out->enc = CF_TIME_AUTO;
  if (n >= 8 && (memcmp(s, "raw-utc:", 8) == 0 ||
                 memcmp(s, "raw-gen:", 8) == 0)) {
    int gen = s[4] == 'g';
    out->enc = gen ? CF_TIME_RAW_GEN : CF_TIME_RAW_UTC;
    s += 8;
    n -= 8;
    if (memchr(s, '\0', n) != NULL) {
      return FAIL(p, t->col, "raw time holds a NUL byte; not supported");
    }
    if (n >= sizeof(out->raw)) {
      return FAIL(p, t->col, "raw time is %zu bytes; at most %zu", n,
                  sizeof(out->raw) - 1);
    }
    memcpy(out->raw, s, n);
    out->raw[n] = '\0';
    out->t = interpret_raw(s, n, gen);
    return 1;
  }
  if (n >= 4 && memcmp(s, "utc:", 4) == 0) {
    out->enc = CF_TIME_UTC;
    s += 4;
    n -= 4;
  } else if (n >= 4 && memcmp(s, "gen:", 4) == 0) {
    out->enc = CF_TIME_GEN;
    s += 4;
    n -= 4;
  }
  int64_t year = 0;
  int r = parse_iso(s, n, &out->t, &year);
  if (r == 0) {
    return FAIL(p, t->col, "bad time '%s'; expected " TIME_USAGE, T(t));
  }
  if (r < 0) {
    return FAIL(p, t->col,
                "time '%s' is out of range (month 01-12, day of the month, "
                "hour 00-23, minute and second 00-59)",
                T(t));
  }
  if (out->enc == CF_TIME_UTC && (year < 1950 || year > 2049)) {
    return FAIL(p, t->col,
                "utc: time '%s' outside 1950-2049 cannot be a UTCTime; use "
                "raw-utc:\"...\" for odd encodings",
                T(t));
  }
  return 1;
}

/* --- names -------------------------------------------------------------- */

static const struct {
  const char *name;
  const char *oid;
  enum cf_str_type type;
} kAttrs[] = {
    {"CN", "2.5.4.3", CF_STR_UTF8},
    {"O", "2.5.4.10", CF_STR_UTF8},
    {"OU", "2.5.4.11", CF_STR_UTF8},
    {"C", "2.5.4.6", CF_STR_PRINTABLE},
    {"L", "2.5.4.7", CF_STR_UTF8},
    {"ST", "2.5.4.8", CF_STR_UTF8},
    {"DC", "0.9.2342.19200300.100.1.25", CF_STR_IA5},
    {"SERIALNUMBER", "2.5.4.5", CF_STR_PRINTABLE},
    {"EMAIL", "1.2.840.113549.1.9.1", CF_STR_IA5},
};

static const struct {
  const char *name;
  enum cf_str_type type;
} kStrTypes[] = {
    {"utf8", CF_STR_UTF8},   {"printable", CF_STR_PRINTABLE},
    {"ia5", CF_STR_IA5},     {"t61", CF_STR_T61},
    {"bmp", CF_STR_BMP},     {"universal", CF_STR_UNIVERSAL},
};

/* parse_dn parses DN text (|s|, |n| bytes; see struct cf_rattr): ATTR=VALUE
 * separated by a comma followed by blanks. Inside a VALUE, a backslash
 * escapes: \, \" \\ and \xHH; a VALUE may be a "quoted" string, in which a
 * ", " is literal. A comma not followed by a blank is literal too. Errors
 * point at |t|. */
static int parse_dn(struct parser *p, const struct tok *t, const char *s,
                    size_t n, struct cf_rname *out) {
  size_t i = 0;
  memset(out, 0, sizeof(*out));
  while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
  if (i == n) {
    return 1; /* empty Name */
  }
  for (;;) {
    size_t num = out->num_attrs + 1;
    if (out->num_attrs == CF_RECIPE_MAX_ATTRS) {
      return FAIL(p, t->col, "DN has more than %d attributes",
                  CF_RECIPE_MAX_ATTRS);
    }
    struct cf_rattr *a = &out->attrs[out->num_attrs];
    /* ATTR[:type] */
    size_t name_start = i;
    while (i < n && s[i] != '=' && s[i] != ':' && s[i] != ',' && s[i] != ' ') {
      i++;
    }
    size_t name_len = i - name_start;
    char name[CF_RECIPE_MAX_OID + 1];
    if (name_len == 0 || name_len > CF_RECIPE_MAX_OID || i == n ||
        (s[i] != '=' && s[i] != ':')) {
      return FAIL(p, t->col,
                  "DN attribute %zu: expected ATTR=VALUE (ATTR: CN O OU C L "
                  "ST DC SERIALNUMBER EMAIL or a dotted OID), e.g. "
                  "\"CN=Device, O=Acme\"",
                  num);
    }
    memcpy(name, s + name_start, name_len);
    name[name_len] = '\0';
    int found = 0;
    for (size_t k = 0; k < sizeof(kAttrs) / sizeof(kAttrs[0]); k++) {
      if (strcasecmp(name, kAttrs[k].name) == 0) {
        snprintf(a->oid, sizeof(a->oid), "%s", kAttrs[k].oid);
        a->type = kAttrs[k].type;
        found = 1;
        break;
      }
    }
    if (!found) {
      if (!valid_oid(name, name_len)) {
        return FAIL(p, t->col,
                    "DN attribute %zu: unknown attribute '%s'; use CN O OU C "
                    "L ST DC SERIALNUMBER EMAIL or a dotted OID",
                    num, name);
      }
      memcpy(a->oid, name, name_len + 1);
      a->type = CF_STR_UTF8;
    }
    if (s[i] == ':') {
      size_t ts = ++i;
      while (i < n && s[i] != '=') i++;
      size_t tl = i - ts;
      found = 0;
      for (size_t k = 0; k < sizeof(kStrTypes) / sizeof(kStrTypes[0]); k++) {
        if (tl == strlen(kStrTypes[k].name) &&
            memcmp(s + ts, kStrTypes[k].name, tl) == 0) {
          a->type = kStrTypes[k].type;
          found = 1;
        }
      }
      if (!found || i == n) {
        return FAIL(p, t->col,
                    "DN attribute %zu (%s): bad string type; after ':' use "
                    "utf8 printable ia5 t61 bmp or universal, then '='",
                    num, name);
      }
    }
    i++; /* '=' */
    /* VALUE */
    int in_quote = 0;
    if (i < n && s[i] == '"') {
      in_quote = 1;
      i++;
    }
    for (;;) {
      if (i == n) {
        if (in_quote) {
          return FAIL(p, t->col,
                      "DN attribute %zu (%s): unterminated quoted value",
                      num, name);
        }
        break;
      }
      char c = s[i];
      if (in_quote && c == '"') {
        i++;
        in_quote = 0;
        if (i < n && s[i] != ',') {
          return FAIL(p, t->col,
                      "DN attribute %zu (%s): expected ', ' after the quoted "
                      "value",
                      num, name);
        }
        break;
      }
      if (!in_quote && c == ',' && i + 1 < n &&
          (s[i + 1] == ' ' || s[i + 1] == '\t')) {
        break;
      }
      if (c == '\\') {
        if (i + 1 == n) {
          return FAIL(p, t->col,
                      "DN attribute %zu (%s): '\\' at the end; escapes are "
                      "\\, \\\" \\\\ \\xHH",
                      num, name);
        }
        char e = s[i + 1];
        if (e == ',' || e == '"' || e == '\\') {
          c = e;
          i += 2;
        } else if (e == 'x' && i + 3 < n && hexval(s[i + 2]) >= 0 &&
                   hexval(s[i + 3]) >= 0) {
          c = (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
          i += 4;
        } else {
          return FAIL(p, t->col,
                      "DN attribute %zu (%s): bad escape; in a DN value use "
                      "\\, \\\" \\\\ or \\xHH (in a quoted argument, write "
                      "the backslash as \\\\)",
                      num, name);
        }
      } else {
        i++;
      }
      if (a->value_len == CF_RECIPE_MAX_VALUE) {
        return FAIL(p, t->col,
                    "DN attribute %zu (%s): value longer than %d bytes", num,
                    name, CF_RECIPE_MAX_VALUE);
      }
      a->value[a->value_len++] = (uint8_t)c;
    }
    out->num_attrs++;
    if (i == n) {
      return 1;
    }
    /* separator: ',' then blanks */
    i++;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i == n) {
      return FAIL(p, t->col, "DN ends with a ','; remove it");
    }
  }
}

/* dn_arg parses the DN of a property line whose DN starts at argument
 * |first|: one argument (usually a quoted string) is taken decoded; several
 * arguments are the unquoted rest of the line, taken raw. */
static int dn_arg(struct parser *p, const struct line *l, size_t first,
                  struct cf_rname *out) {
  const struct tok *t = &l->toks[first];
  if (l->n == first + 1) {
    return parse_dn(p, t, t->s, t->len, out);
  }
  const struct tok *last = &l->toks[l->n - 1];
  return parse_dn(p, t, l->src + t->raw_start, last->raw_end - t->raw_start,
                  out);
}

/* parse_ip parses a v4 or v6 address (|n| bytes at |s|) into |out|, setting
 * |*out_len| to 4 or 16. */
static int parse_ip(const char *s, size_t n, uint8_t *out, size_t *out_len) {
  char buf[64];
  if (n == 0 || n >= sizeof(buf) || memchr(s, '\0', n) != NULL) {
    return 0;
  }
  memcpy(buf, s, n);
  buf[n] = '\0';
  if (inet_pton(AF_INET, buf, out) == 1) {
    *out_len = 4;
    return 1;
  }
  if (inet_pton(AF_INET6, buf, out) == 1) {
    *out_len = 16;
    return 1;
  }
  return 0;
}

/* parse_gn parses a GeneralName argument; |nc| selects the name-constraint
 * forms (ip:ADDR/PREFIXLEN, no raw:). */
static int parse_gn(struct parser *p, const struct tok *t, struct cf_gn *out,
                    int nc) {
  const char *colon = memchr(t->s, ':', t->len);
  const char *usage =
      nc ? "dns:NAME ip:ADDR/PREFIXLEN email:X uri:HOST dn:DN"
         : "dns:NAME ip:ADDR email:ADDR uri:URI dn:DN raw:HEX";
  memset(out, 0, sizeof(*out));
  if (colon == NULL) {
    return FAIL(p, t->col, "bad name '%s'; expected one of %s", T(t), usage);
  }
  size_t pl = (size_t)(colon - t->s);
  const char *v = colon + 1;
  size_t vl = t->len - pl - 1;
  if (pl == 3 && memcmp(t->s, "dns", 3) == 0) {
    out->type = CF_GN_DNS;
  } else if (pl == 5 && memcmp(t->s, "email", 5) == 0) {
    out->type = CF_GN_EMAIL;
  } else if (pl == 3 && memcmp(t->s, "uri", 3) == 0) {
    out->type = CF_GN_URI;
  } else if (pl == 2 && memcmp(t->s, "ip", 2) == 0) {
    out->type = CF_GN_IP;
    const char *slash = memchr(v, '/', vl);
    if (!nc) {
      if (slash != NULL || !parse_ip(v, vl, out->value, &out->value_len)) {
        return FAIL(p, t->col,
                    "bad IP address '%s'; expected ip:ADDR with a v4 "
                    "(192.0.2.1) or v6 (2001:db8::1) address, no prefix",
                    T(t));
      }
      return 1;
    }
    size_t alen = slash == NULL ? 0 : (size_t)(slash - v);
    uint64_t prefix = 0;
    size_t bits_len;
    if (slash == NULL || !parse_ip(v, alen, out->value, &bits_len)) {
      return FAIL(p, t->col,
                  "bad IP constraint '%s'; expected ip:ADDR/PREFIXLEN, e.g. "
                  "ip:192.0.2.0/24 or ip:2001:db8::/32",
                  T(t));
    }
    struct tok pt = *t;
    pt.s = slash + 1;
    pt.len = vl - alen - 1;
    if (!parse_uint(p, &pt, bits_len * 8, &prefix, "prefix length")) {
      p->err->col = t->col;
      return 0;
    }
    for (size_t i = 0; i < bits_len; i++) {
      unsigned take = prefix >= 8 * (i + 1) ? 8
                      : prefix > 8 * i      ? (unsigned)(prefix - 8 * i)
                                            : 0;
      out->value[bits_len + i] = (uint8_t)(0xff00u >> take);
    }
    out->value_len = 2 * bits_len;
    return 1;
  } else if (pl == 2 && memcmp(t->s, "dn", 2) == 0) {
    out->type = CF_GN_DN;
    return parse_dn(p, t, v, vl, &out->dn);
  } else if (!nc && pl == 3 && memcmp(t->s, "raw", 3) == 0) {
    out->type = CF_GN_RAW;
    return parse_hex(p, t, v, vl, out->value, CF_RECIPE_MAX_VALUE,
                     &out->value_len, 0, "raw GeneralName");
  } else {
    char pre[32];
    return FAIL(p, t->col, "unknown name type '%s:'; expected one of %s",
                show(pre, sizeof(pre), t->s, pl), usage);
  }
  if (vl > CF_RECIPE_MAX_VALUE) {
    return FAIL(p, t->col, "name value is %zu bytes; at most %d", vl,
                CF_RECIPE_MAX_VALUE);
  }
  memcpy(out->value, v, vl);
  out->value_len = vl;
  return 1;
}

/* --- cert references ---------------------------------------------------- */

static int valid_cert_name(const struct tok *t) {
  if (t->len == 0 || t->len > CF_RECIPE_MAX_CERT_NAME) {
    return 0;
  }
  for (size_t i = 0; i < t->len; i++) {
    char c = t->s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-')) {
      return 0;
    }
  }
  return 1;
}

static int set_ref(struct parser *p, const struct tok *t, struct ref *out) {
  if (!valid_cert_name(t)) {
    return FAIL(p, t->col,
                "'%s' is not a cert name ([a-z0-9_-], 1 to %d characters)",
                T(t), CF_RECIPE_MAX_CERT_NAME);
  }
  memcpy(out->name, t->s, t->len + 1);
  out->line = p->line;
  out->col = t->col;
  return 1;
}

static int resolve(struct parser *p, const struct ref *ref, const char *what,
                   int *out) {
  int idx = cf_recipe_find_cert(p->r, ref->name);
  if (idx < 0) {
    char names[160];
    size_t o = 0;
    names[0] = '\0';
    for (size_t i = 0; i < p->r->num_certs && o < sizeof(names); i++) {
      o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s",
                            i ? ", " : "", p->r->certs[i].name);
    }
    return fail_at(p, ref->line, ref->col,
                   "unknown cert '%s' in %s; the cert blocks are: %s",
                   ref->name, what, names);
  }
  *out = idx;
  return 1;
}

/* --- header ------------------------------------------------------------- */

static int do_recipe(struct parser *p, const struct line *l) {
  if (!nargs_exact(p, l, 1, "recipe 1")) return 0;
  if (!eq(&l->toks[1], "1")) {
    return FAIL(p, l->toks[1].col,
                "unsupported recipe version '%s'; this certgen reads version "
                "1",
                T(&l->toks[1]));
  }
  return 1;
}

static int valid_id_part(const char *s, size_t n) {
  if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9'))) {
    return 0;
  }
  for (size_t i = 1; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '-')) {
      return 0;
    }
  }
  return 1;
}

static int do_id(struct parser *p, const struct line *l) {
  if (!nargs_exact(p, l, 1, "id NAMESPACE::NAME")) return 0;
  const struct tok *t = &l->toks[1];
  size_t parts = 0, i = 0;
  int ok = t->len <= CF_RECIPE_MAX_ID && !t->has_nul;
  while (ok) {
    const char *sep = NULL;
    for (size_t k = i; k + 1 < t->len; k++) {
      if (t->s[k] == ':' && t->s[k + 1] == ':') {
        sep = t->s + k;
        break;
      }
    }
    size_t end = sep != NULL ? (size_t)(sep - t->s) : t->len;
    ok = valid_id_part(t->s + i, end - i);
    parts++;
    if (sep == NULL) break;
    i = end + 2;
  }
  if (!ok || parts < 2) {
    return FAIL(p, t->col,
                "bad id '%s'; expected NAMESPACE::NAME, parts "
                "[a-z0-9][a-z0-9.-]* joined by '::' (at most %d characters), "
                "e.g. iot::expired-leaf",
                T(t), CF_RECIPE_MAX_ID);
  }
  memcpy(p->r->id, t->s, t->len + 1);
  return 1;
}

/* text_arg takes a one-line text: one argument decoded, or the unquoted
 * rest of the line as written. */
static int text_arg(struct parser *p, const struct line *l, char *out,
                    size_t max, const char *usage) {
  if (!nargs_min(p, l, 1, usage)) return 0;
  const struct tok *t = &l->toks[1];
  const char *s = t->s;
  size_t n = t->len;
  if (l->n > 2) {
    s = l->src + t->raw_start;
    n = l->toks[l->n - 1].raw_end - t->raw_start;
  }
  if (n > max) {
    return FAIL(p, t->col, "text is %zu bytes; at most %zu", n, max);
  }
  if (memchr(s, '\0', n) != NULL || memchr(s, '\n', n) != NULL) {
    return FAIL(p, t->col, "text may not hold a NUL byte or a newline");
  }
  memcpy(out, s, n);
  out[n] = '\0';
  return 1;
}

static int do_title(struct parser *p, const struct line *l) {
  return text_arg(p, l, p->r->title, CF_RECIPE_MAX_TEXT, "title \"one line\"");
}

static int do_why(struct parser *p, const struct line *l) {
  return text_arg(p, l, p->r->why, CF_RECIPE_MAX_TEXT,
                  "why \"RFC 5280 ...\"");
}

static int reason_arg(struct parser *p, const struct tok *t,
                      enum cf_reason *out) {
  int r = cf_reason_from_name(word(t));
  if (r <= 0) {
    char list[200];
    size_t o = 0;
    for (int i = 1; i < CF_REASON_COUNT && o < sizeof(list); i++) {
      o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i > 1 ? " " : "",
                            cf_reason_name((enum cf_reason)i));
    }
    return FAIL(p, t->col, "unknown reason '%s'; one of: %s", T(t), list);
  }
  *out = (enum cf_reason)r;
  return 1;
}

static int do_expect(struct parser *p, const struct line *l) {
  static const char kUsage[] =
      "expected 'accept', 'reject REASON' or 'either [REASON]'";
  if (l->n < 2) {
    return FAIL(p, l->toks[0].col, "'expect' needs an argument: %s", kUsage);
  }
  const struct tok *t = &l->toks[1];
  p->r->expect_reason = CF_REASON_NONE;
  if (eq(t, "accept")) {
    p->r->expect = CF_EXPECT_ACCEPT;
    if (l->n > 2) {
      return FAIL(p, l->toks[2].col,
                  "'expect accept' takes no reason; remove '%s'",
                  T(&l->toks[2]));
    }
    return 1;
  }
  if (eq(t, "reject") || eq(t, "either")) {
    p->r->expect = eq(t, "reject") ? CF_EXPECT_REJECT : CF_EXPECT_EITHER;
    if (l->n == 2) {
      if (p->r->expect == CF_EXPECT_REJECT) {
        return FAIL(p, t->col,
                    "'expect reject' needs a REASON (EXPIRED, UNTRUSTED, ...)");
      }
      return 1;
    }
    if (l->n > 3) {
      return FAIL(p, l->toks[3].col, "unexpected argument '%s'; %s",
                  T(&l->toks[3]), kUsage);
    }
    return reason_arg(p, &l->toks[2], &p->r->expect_reason);
  }
  return FAIL(p, t->col, "bad expectation '%s'; %s", T(t), kUsage);
}

static int do_class(struct parser *p, const struct line *l) {
  if (!nargs_min(p, l, 1, "class B01 [B27 ...]")) return 0;
  for (size_t i = 1; i < l->n; i++) {
    const struct tok *t = &l->toks[i];
    if (t->len != 3 || t->s[0] != 'B' || digits(t->s + 1, 2) < 0) {
      return FAIL(p, t->col,
                  "bad class '%s'; a bug-class id is B and two digits, e.g. "
                  "B01",
                  T(t));
    }
    for (size_t k = 0; k < p->r->num_classes; k++) {
      if (strcmp(p->r->classes[k], t->s) == 0) {
        return FAIL(p, t->col, "class %s is listed twice", t->s);
      }
    }
    if (p->r->num_classes == CF_RECIPE_MAX_CLASSES) {
      return FAIL(p, t->col, "more than %d classes", CF_RECIPE_MAX_CLASSES);
    }
    memcpy(p->r->classes[p->r->num_classes++], t->s, 4);
  }
  return 1;
}

/* --- cert properties ---------------------------------------------------- */

static struct cf_rcert *cur(struct parser *p) {
  return &p->r->certs[p->cur];
}

static int pool_key(struct parser *p, const struct tok *t, int *out) {
  int k = cf_pool_index(word(t));
  if (k < 0) {
    return FAIL(p, t->col,
                "unknown key '%s'; pool keys are <slot>-<type>, e.g. "
                "root-p256 (slots: root root2 intermediate intermediate2 leaf "
                "attacker; types: rsa1024 rsa2048 rsa3072 rsa4096 rsa2048e3 "
                "p256 p384 p521 ed25519)",
                T(t));
  }
  *out = k;
  return 1;
}

static int do_key(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  if (!nargs_exact(p, l, 1, "key POOLKEY (e.g. leaf-p256)")) return 0;
  if (!pool_key(p, &l->toks[1], &c->key)) return 0;
  if (c->tpl == CF_TPL_LEAF && !p->cert_seen[p->cur][C_KU]) {
    /* The leaf template's keyUsage depends on the key type. */
    struct cf_rcert tmp;
    cf_rcert_init(&tmp, CF_TPL_LEAF, c->name, p->cur, c->key);
    c->ku = tmp.ku;
  }
  return 1;
}

static int do_issuer(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  if (!nargs_exact(p, l, 1, "issuer self | CERT")) return 0;
  if (eq(&l->toks[1], "self")) {
    c->issuer = p->cur;
    p->issuer_is_ref[p->cur] = 0;
    return 1;
  }
  p->issuer_is_ref[p->cur] = 1;
  return set_ref(p, &l->toks[1], &p->issuer_ref[p->cur]);
}

static int do_issuer_name(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  if (!nargs_min(p, l, 1, "issuer-name DN (e.g. \"CN=Other CA, O=Acme\")"))
    return 0;
  c->has_issuer_name = 1;
  if (l->n == 2 && eq(&l->toks[1], "empty")) {
    memset(&c->issuer_name, 0, sizeof(c->issuer_name));
    return 1;
  }
  return dn_arg(p, l, 1, &c->issuer_name);
}

static int do_signed_by(struct parser *p, const struct line *l) {
  if (!nargs_exact(p, l, 1, "signed-by POOLKEY")) return 0;
  return pool_key(p, &l->toks[1], &cur(p)->signed_by);
}

static int do_subject(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  if (!nargs_min(p, l, 1, "subject DN | empty (e.g. \"CN=Device, O=Acme\")"))
    return 0;
  if (l->n == 2 && eq(&l->toks[1], "empty") && !l->toks[1].quoted) {
    memset(&c->subject, 0, sizeof(c->subject));
    return 1;
  }
  return dn_arg(p, l, 1, &c->subject);
}

static int do_version(struct parser *p, const struct line *l) {
  uint64_t v;
  if (!nargs_exact(p, l, 1, "version 1 | 2 | 3")) return 0;
  if (!parse_uint(p, &l->toks[1], 3, &v, "version")) return 0;
  if (v == 0) {
    return FAIL(p, l->toks[1].col, "version must be 1, 2 or 3");
  }
  cur(p)->version = (int)v;
  return 1;
}

/* unique_id parses "issuer-unique-id HEX | -" or its subject twin. */
static int unique_id(struct parser *p, const struct line *l, int *has,
                     uint8_t *bytes, size_t *len) {
  char usage[64];
  snprintf(usage, sizeof(usage), "%s HEX | - (empty)", l->toks[0].s);
  if (!nargs_exact(p, l, 1, usage)) return 0;
  *has = 1;
  return parse_hex(p, &l->toks[1], l->toks[1].s, l->toks[1].len, bytes,
                   CF_RECIPE_MAX_HEX, len, 1, l->toks[0].s);
}

static int do_issuer_uid(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  return unique_id(p, l, &c->has_issuer_uid, c->issuer_uid, &c->issuer_uid_len);
}

static int do_subject_uid(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  return unique_id(p, l, &c->has_subject_uid, c->subject_uid,
                   &c->subject_uid_len);
}

static int do_serial(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  if (!nargs_exact(p, l, 1, "serial HEX (content octets, e.g. 01 or 00ff)"))
    return 0;
  const struct tok *t = &l->toks[1];
  return parse_hex(p, t, t->s, t->len, c->serial, CF_RECIPE_MAX_HEX,
                   &c->serial_len, 0, "serial");
}

static int do_not_before(struct parser *p, const struct line *l) {
  if (!nargs_exact(p, l, 1, "not-before TIME")) return 0;
  return parse_time(p, &l->toks[1], &cur(p)->not_before);
}

static int do_not_after(struct parser *p, const struct line *l) {
  if (!nargs_exact(p, l, 1, "not-after TIME")) return 0;
  return parse_time(p, &l->toks[1], &cur(p)->not_after);
}

static int sig_alg_arg(struct parser *p, const struct tok *t,
                       enum cf_sig_alg *alg, char oid[CF_RECIPE_MAX_OID + 1]) {
  if (t->len > 4 && memcmp(t->s, "oid:", 4) == 0) {
    *alg = CF_ALG_OID;
    return parse_oid_text(p, t, t->s + 4, t->len - 4, oid, "algorithm");
  }
  int a = cf_sig_alg_from_name(word(t));
  if (a <= 0) {
    return FAIL(p, t->col,
                "unknown algorithm '%s'; use rsa-pkcs1-{md5,sha1,sha256,"
                "sha384,sha512} rsa-pss-sha256 ecdsa-{sha1,sha256,sha384,"
                "sha512} ed25519 or oid:DOTTED",
                T(t));
  }
  *alg = (enum cf_sig_alg)a;
  oid[0] = '\0';
  return 1;
}

static int do_sig_alg(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  enum cf_sig_alg a;
  char oid[CF_RECIPE_MAX_OID + 1];
  if (!nargs_exact(p, l, 1, "sig-alg ALG")) return 0;
  if (!sig_alg_arg(p, &l->toks[1], &a, oid)) return 0;
  /* tbs-sig-alg / outer-sig-alg win over sig-alg, in any order. */
  if (!p->cert_seen[p->cur][C_TBS_SIG_ALG]) {
    c->tbs_alg = a;
    memcpy(c->tbs_alg_oid, oid, sizeof(oid));
  }
  if (!p->cert_seen[p->cur][C_OUTER_SIG_ALG]) {
    c->outer_alg = a;
    memcpy(c->outer_alg_oid, oid, sizeof(oid));
  }
  return 1;
}

static int do_tbs_sig_alg(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  if (!nargs_exact(p, l, 1, "tbs-sig-alg ALG")) return 0;
  return sig_alg_arg(p, &l->toks[1], &c->tbs_alg, c->tbs_alg_oid);
}

static int do_outer_sig_alg(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  if (!nargs_exact(p, l, 1, "outer-sig-alg ALG")) return 0;
  return sig_alg_arg(p, &l->toks[1], &c->outer_alg, c->outer_alg_oid);
}

static int do_bc(struct parser *p, const struct line *l) {
  static const char kUsage[] =
      "basic-constraints absent | ca [pathlen=N] [noncritical] | ee "
      "[noncritical] [explicit-false]";
  struct cf_rcert *c = cur(p);
  if (!nargs_min(p, l, 1, kUsage)) return 0;
  const struct tok *m = &l->toks[1];
  c->bc_path_len = -1;
  c->bc_critical = 1;
  c->bc_explicit_false = 0;
  if (eq(m, "absent")) {
    c->bc = CF_RBC_ABSENT;
    if (l->n > 2) {
      return FAIL(p, l->toks[2].col, "unexpected argument '%s' after absent",
                  T(&l->toks[2]));
    }
    return 1;
  }
  if (eq(m, "ca")) {
    c->bc = CF_RBC_CA;
  } else if (eq(m, "ee")) {
    c->bc = CF_RBC_EE;
  } else {
    return FAIL(p, m->col, "bad basic-constraints '%s'; usage: %s", T(m),
                kUsage);
  }
  int seen_nc = 0, seen_pl = 0, seen_ef = 0;
  for (size_t i = 2; i < l->n; i++) {
    const struct tok *t = &l->toks[i];
    if (eq(t, "noncritical") && !seen_nc) {
      seen_nc = 1;
      c->bc_critical = 0;
    } else if (c->bc == CF_RBC_CA && t->len > 8 &&
               memcmp(t->s, "pathlen=", 8) == 0 && !seen_pl) {
      struct tok v = *t;
      uint64_t n;
      v.s += 8;
      v.len -= 8;
      seen_pl = 1;
      if (!parse_uint(p, &v, INT_MAX, &n, "pathlen")) {
        p->err->col = t->col;
        return 0;
      }
      c->bc_path_len = (int)n;
    } else if (c->bc == CF_RBC_EE && eq(t, "explicit-false") && !seen_ef) {
      seen_ef = 1;
      c->bc_explicit_false = 1;
    } else {
      return FAIL(p, t->col, "unexpected '%s' (or repeated); usage: %s", T(t),
                  kUsage);
    }
  }
  return 1;
}

static const char *const kKuNames[] = {
    "digitalSignature", "nonRepudiation", "keyEncipherment",
    "dataEncipherment", "keyAgreement",   "keyCertSign",
    "cRLSign",          "encipherOnly",   "decipherOnly",
};

static int do_ku(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  if (!nargs_min(p, l, 1, "key-usage absent | BIT... [noncritical]")) return 0;
  if (eq(&l->toks[1], "absent")) {
    c->ku_present = 0;
    c->ku = 0;
    if (l->n > 2) {
      return FAIL(p, l->toks[2].col, "unexpected argument '%s' after absent",
                  T(&l->toks[2]));
    }
    return 1;
  }
  c->ku_present = 1;
  c->ku_critical = 1;
  c->ku = 0;
  size_t bits = 0;
  for (size_t i = 1; i < l->n; i++) {
    const struct tok *t = &l->toks[i];
    if (eq(t, "noncritical")) {
      c->ku_critical = 0;
      continue;
    }
    size_t k;
    for (k = 0; k < sizeof(kKuNames) / sizeof(kKuNames[0]); k++) {
      if (eq(t, kKuNames[k])) break;
    }
    if (k == sizeof(kKuNames) / sizeof(kKuNames[0])) {
      const char *hint = closest(word(t), kKuNames, k);
      return FAIL(p, t->col,
                  "unknown key usage '%s'%s%s%s; bits: digitalSignature "
                  "nonRepudiation keyEncipherment dataEncipherment "
                  "keyAgreement keyCertSign cRLSign encipherOnly "
                  "decipherOnly",
                  T(t), hint ? " (did you mean '" : "", hint ? hint : "",
                  hint ? "'?)" : "");
    }
    if (c->ku & (1u << k)) {
      return FAIL(p, t->col, "key usage %s is listed twice", kKuNames[k]);
    }
    c->ku |= 1u << k;
    bits++;
  }
  if (bits == 0) {
    return FAIL(p, l->toks[0].col,
                "'key-usage' needs at least one BIT (or absent)");
  }
  return 1;
}

static const struct {
  const char *name;
  const char *oid;
} kEku[] = {
    {"serverAuth", "1.3.6.1.5.5.7.3.1"},
    {"clientAuth", "1.3.6.1.5.5.7.3.2"},
    {"codeSigning", "1.3.6.1.5.5.7.3.3"},
    {"emailProtection", "1.3.6.1.5.5.7.3.4"},
    {"timeStamping", "1.3.6.1.5.5.7.3.8"},
    {"OCSPSigning", "1.3.6.1.5.5.7.3.9"},
    {"anyExtendedKeyUsage", "2.5.29.37.0"},
};

static int do_eku(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  if (!nargs_min(p, l, 1, "eku absent | PURPOSE... [critical]")) return 0;
  c->num_eku = 0;
  if (eq(&l->toks[1], "absent")) {
    c->eku_present = 0;
    if (l->n > 2) {
      return FAIL(p, l->toks[2].col, "unexpected argument '%s' after absent",
                  T(&l->toks[2]));
    }
    return 1;
  }
  c->eku_present = 1;
  c->eku_critical = 0;
  for (size_t i = 1; i < l->n; i++) {
    const struct tok *t = &l->toks[i];
    if (eq(t, "critical")) {
      c->eku_critical = 1;
      continue;
    }
    if (c->num_eku == CF_RECIPE_MAX_EKU) {
      return FAIL(p, t->col, "more than %d purposes", CF_RECIPE_MAX_EKU);
    }
    char *dst = c->eku[c->num_eku];
    if (t->len > 4 && memcmp(t->s, "oid:", 4) == 0) {
      if (!parse_oid_text(p, t, t->s + 4, t->len - 4, dst, "eku")) return 0;
    } else {
      size_t k;
      for (k = 0; k < sizeof(kEku) / sizeof(kEku[0]); k++) {
        if (eq(t, kEku[k].name)) break;
      }
      if (k == sizeof(kEku) / sizeof(kEku[0])) {
        return FAIL(p, t->col,
                    "unknown purpose '%s'; use serverAuth clientAuth "
                    "codeSigning emailProtection timeStamping OCSPSigning "
                    "anyExtendedKeyUsage or oid:DOTTED",
                    T(t));
      }
      snprintf(dst, CF_RECIPE_MAX_OID + 1, "%s", kEku[k].oid);
    }
    c->num_eku++;
  }
  if (c->num_eku == 0) {
    return FAIL(p, l->toks[0].col, "'eku' needs at least one PURPOSE (or absent)");
  }
  return 1;
}

static int gn_list(struct parser *p, const struct line *l, size_t first,
                   struct cf_gn_list *list, int nc, const char *crit_word,
                   int *crit) {
  for (size_t i = first; i < l->n; i++) {
    const struct tok *t = &l->toks[i];
    if (crit_word != NULL && eq(t, crit_word)) {
      *crit = 1;
      continue;
    }
    if (list->num == CF_RECIPE_MAX_GNS) {
      return FAIL(p, t->col, "more than %d names in this list",
                  CF_RECIPE_MAX_GNS);
    }
    if (!parse_gn(p, t, &list->names[list->num], nc)) return 0;
    list->num++;
  }
  return 1;
}

static int do_san(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  if (!nargs_min(p, l, 1, "san absent | GN... [critical]")) return 0;
  memset(&c->san, 0, sizeof(c->san));
  c->san_critical = 0;
  if (eq(&l->toks[1], "absent")) {
    c->san_present = 0;
    if (l->n > 2) {
      return FAIL(p, l->toks[2].col, "unexpected argument '%s' after absent",
                  T(&l->toks[2]));
    }
    return 1;
  }
  c->san_present = 1;
  if (!gn_list(p, l, 1, &c->san, 0, "critical", &c->san_critical)) return 0;
  if (c->san.num == 0) {
    return FAIL(p, l->toks[0].col, "'san' needs at least one name (or absent)");
  }
  return 1;
}

static int do_permit(struct parser *p, const struct line *l) {
  if (!nargs_min(p, l, 1, "permit NCGN... (dns:NAME ip:ADDR/LEN email:X "
                          "uri:HOST dn:DN)"))
    return 0;
  return gn_list(p, l, 1, &cur(p)->permitted, 1, NULL, NULL);
}

static int do_exclude(struct parser *p, const struct line *l) {
  if (!nargs_min(p, l, 1, "exclude NCGN... (dns:NAME ip:ADDR/LEN email:X "
                          "uri:HOST dn:DN)"))
    return 0;
  return gn_list(p, l, 1, &cur(p)->excluded, 1, NULL, NULL);
}

static int do_nc_noncritical(struct parser *p, const struct line *l) {
  if (!nargs_exact(p, l, 0, "name-constraints-noncritical")) return 0;
  cur(p)->nc_critical = 0;
  return 1;
}

static int key_id(struct parser *p, const struct line *l, int *mode,
                  uint8_t *bytes, size_t *len, const char *usage) {
  if (!nargs_exact(p, l, 1, usage)) return 0;
  const struct tok *t = &l->toks[1];
  *len = 0;
  if (eq(t, "absent")) {
    *mode = 0;
    return 1;
  }
  if (eq(t, "auto")) {
    *mode = 1;
    return 1;
  }
  *mode = 2;
  return parse_hex(p, t, t->s, t->len, bytes, CF_RECIPE_MAX_HEX, len, 0,
                   l->toks[0].s);
}

static int do_ski(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  return key_id(p, l, &c->ski_mode, c->ski, &c->ski_len,
                "ski absent | auto | HEX");
}

static int do_aki(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  return key_id(p, l, &c->aki_mode, c->aki, &c->aki_len,
                "aki absent | auto | HEX");
}

/* policy_oid parses one policy OID of |n| bytes at |s| (a dotted OID,
 * oid:DOTTED or any) into |dst|. */
static int policy_oid(struct parser *p, const struct tok *t, const char *s,
                      size_t n, char *dst) {
  if (n == 3 && memcmp(s, "any", 3) == 0) {
    snprintf(dst, CF_RECIPE_MAX_OID + 1, "2.5.29.32.0");
    return 1;
  }
  if (n > 4 && memcmp(s, "oid:", 4) == 0) {
    s += 4;
    n -= 4;
  }
  return parse_oid_text(p, t, s, n, dst, "policy");
}

static int do_policies(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  if (!nargs_min(p, l, 1, "policies OID... [critical] | malformed")) return 0;
  c->policies_present = 1;
  for (size_t i = 1; i < l->n; i++) {
    const struct tok *t = &l->toks[i];
    if (eq(t, "critical")) {
      c->policies_critical = 1;
    } else if (eq(t, "malformed")) {
      c->policies_malformed = 1;
    } else {
      if (c->num_policies == CF_RECIPE_MAX_POLICIES) {
        return FAIL(p, t->col, "more than %d policies",
                    CF_RECIPE_MAX_POLICIES);
      }
      if (!policy_oid(p, t, t->s, t->len, c->policies[c->num_policies])) {
        snprintf(p->err->msg, sizeof(p->err->msg),
                 "bad policy '%s'; use a dotted OID, 'any' (anyPolicy), "
                 "'malformed' or 'critical'",
                 T(t));
        return 0;
      }
      c->num_policies++;
    }
  }
  if (c->policies_malformed && c->num_policies > 0) {
    return FAIL(p, l->toks[1].col,
                "'policies malformed' takes no OIDs (the extension does not "
                "decode)");
  }
  if (!c->policies_malformed && c->num_policies == 0) {
    return FAIL(p, l->toks[0].col, "'policies' needs at least one OID");
  }
  return 1;
}

static int do_policy_maps(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  static const char kUsage[] =
      "policy-mappings ISSUER=SUBJECT... [noncritical] (OIDs or any)";
  if (!nargs_min(p, l, 1, kUsage)) return 0;
  for (size_t i = 1; i < l->n; i++) {
    const struct tok *t = &l->toks[i];
    if (eq(t, "noncritical")) {
      c->policy_maps_critical = 0;
      continue;
    }
    const char *eqs = memchr(t->s, '=', t->len);
    if (eqs == NULL) {
      return FAIL(p, t->col, "bad mapping '%s'; usage: %s", T(t), kUsage);
    }
    if (c->num_policy_maps == CF_RECIPE_MAX_POLICIES) {
      return FAIL(p, t->col, "more than %d policy mappings",
                  CF_RECIPE_MAX_POLICIES);
    }
    struct cf_policy_map *m = &c->policy_maps[c->num_policy_maps];
    size_t left = (size_t)(eqs - t->s);
    if (!policy_oid(p, t, t->s, left, m->issuer) ||
        !policy_oid(p, t, eqs + 1, t->len - left - 1, m->subject)) {
      snprintf(p->err->msg, sizeof(p->err->msg),
               "bad mapping '%s'; write ISSUER=SUBJECT with dotted OIDs or "
               "'any' (anyPolicy)",
               T(t));
      return 0;
    }
    c->num_policy_maps++;
  }
  if (c->num_policy_maps == 0) {
    return FAIL(p, l->toks[0].col, "'policy-mappings' needs at least one "
                "ISSUER=SUBJECT pair");
  }
  return 1;
}

static int do_pc(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  c->pc_present = 1;
  for (size_t i = 1; i < l->n; i++) {
    const struct tok *t = &l->toks[i];
    int *dst = NULL;
    size_t skip = 0;
    if (t->len > 17 && memcmp(t->s, "require-explicit=", 17) == 0 &&
        c->pc_require_explicit < 0) {
      dst = &c->pc_require_explicit;
      skip = 17;
    } else if (t->len > 16 && memcmp(t->s, "inhibit-mapping=", 16) == 0 &&
               c->pc_inhibit_mapping < 0) {
      dst = &c->pc_inhibit_mapping;
      skip = 16;
    } else {
      return FAIL(p, t->col,
                  "unexpected '%s' (or repeated); usage: policy-constraints "
                  "[require-explicit=N] [inhibit-mapping=N]",
                  T(t));
    }
    struct tok v = *t;
    uint64_t n;
    v.s += skip;
    v.len -= skip;
    if (!parse_uint(p, &v, INT_MAX, &n, "policy-constraints")) {
      p->err->col = t->col;
      return 0;
    }
    *dst = (int)n;
  }
  return 1;
}

static int do_iap(struct parser *p, const struct line *l) {
  uint64_t n;
  if (!nargs_exact(p, l, 1, "inhibit-any-policy N")) return 0;
  if (!parse_uint(p, &l->toks[1], INT_MAX, &n, "inhibit-any-policy")) return 0;
  cur(p)->inhibit_any_policy = (int)n;
  return 1;
}

static int do_extension(struct parser *p, const struct line *l) {
  struct cf_rcert *c = cur(p);
  static const char kUsage[] = "extension OID HEX [critical]";
  if (l->n < 3) {
    return FAIL(p, l->toks[0].col, "'extension' needs more arguments: %s",
                kUsage);
  }
  if (l->n > 4 || (l->n == 4 && !eq(&l->toks[3], "critical"))) {
    return FAIL(p, l->toks[3].col, "unexpected argument '%s'; usage: %s",
                T(&l->toks[3]), kUsage);
  }
  if (c->num_raw_exts == CF_RECIPE_MAX_RAW_EXTS) {
    return FAIL(p, l->toks[0].col, "more than %d raw extensions in one cert",
                CF_RECIPE_MAX_RAW_EXTS);
  }
  struct cf_rext *e = &c->raw_exts[c->num_raw_exts];
  const struct tok *o = &l->toks[1], *h = &l->toks[2];
  const char *s = o->s;
  size_t n = o->len;
  if (n > 4 && memcmp(s, "oid:", 4) == 0) {
    s += 4;
    n -= 4;
  }
  if (!parse_oid_text(p, o, s, n, e->oid, "extension")) return 0;
  if (!parse_hex(p, h, h->s, h->len, e->value, CF_RECIPE_MAX_RAW_EXT_LEN,
                 &e->value_len, 1, "extension value")) {
    return 0;
  }
  e->critical = l->n == 4;
  c->num_raw_exts++;
  return 1;
}

static const char *const kExtNames[CF_EXT_COUNT] = {
    [CF_EXT_BC] = "basic-constraints", [CF_EXT_KU] = "key-usage",
    [CF_EXT_EKU] = "eku",              [CF_EXT_SAN] = "san",
    [CF_EXT_NC] = "name-constraints",  [CF_EXT_SKI] = "ski",
    [CF_EXT_AKI] = "aki",              [CF_EXT_POLICIES] = "policies",
};

static int do_duplicate(struct parser *p, const struct line *l) {
  if (!nargs_min(p, l, 1, "duplicate EXT...")) return 0;
  for (size_t i = 1; i < l->n; i++) {
    const struct tok *t = &l->toks[i];
    size_t k;
    for (k = 0; k < CF_EXT_COUNT; k++) {
      if (eq(t, kExtNames[k])) break;
    }
    if (k == CF_EXT_COUNT) {
      return FAIL(p, t->col,
                  "unknown extension '%s'; duplicate takes basic-constraints "
                  "key-usage eku san name-constraints ski aki policies",
                  T(t));
    }
    cur(p)->duplicate |= 1u << k;
  }
  return 1;
}

static int do_spki(struct parser *p, const struct line *l) {
  if (!nargs_exact(p, l, 1, "spki explicit-params | explicit-generator"))
    return 0;
  const struct tok *t = &l->toks[1];
  if (eq(t, "explicit-params")) {
    cur(p)->spki = CF_SPKI_EXPLICIT_PARAMS;
  } else if (eq(t, "explicit-generator")) {
    cur(p)->spki = CF_SPKI_EXPLICIT_GENERATOR;
  } else if (eq(t, "named")) {
    cur(p)->spki = CF_SPKI_NAMED;
  } else {
    return FAIL(p, t->col,
                "bad spki '%s'; expected explicit-params, explicit-generator "
                "or named",
                T(t));
  }
  return 1;
}

static int do_pad(struct parser *p, const struct line *l) {
  uint64_t n;
  if (!nargs_exact(p, l, 1, "pad N (bytes)")) return 0;
  if (!parse_uint(p, &l->toks[1], 1u << 20, &n, "pad")) return 0;
  cur(p)->pad = (size_t)n;
  return 1;
}

static int do_defect(struct parser *p, const struct line *l) {
  if (!nargs_min(p, l, 1, "defect D...")) return 0;
  for (size_t i = 1; i < l->n; i++) {
    const struct tok *t = &l->toks[i];
    int d = cf_defect_from_name(word(t));
    if (d < 0) {
      const char *words[CF_DEF_COUNT];
      for (int k = 0; k < CF_DEF_COUNT; k++) {
        words[k] = cf_defect_name((enum cf_defect)k);
      }
      const char *hint = closest(word(t), words, CF_DEF_COUNT);
      if (hint != NULL) {
        return FAIL(p, t->col,
                    "unknown defect '%s'; did you mean '%s'? (see the list "
                    "in docs/recipes.md)",
                    T(t), hint);
      }
      return FAIL(p, t->col,
                  "unknown defect '%s'; defects: sig-bitflip sig-truncate "
                  "sig-empty sig-zero-r sig-zero-s sig-zero-rs sig-e3-forgery "
                  "long-length indefinite-length trailing-data "
                  "nonminimal-serial wrong-outer-tag bitstring-unused "
                  "tbs-trailing",
                  T(t));
    }
    cur(p)->defects |= 1u << d;
  }
  return 1;
}

/* --- device ------------------------------------------------------------- */

static int ref_list(struct parser *p, const struct line *l, struct ref *refs,
                    size_t *num, int allow_none, const char *usage) {
  if (!nargs_min(p, l, 1, usage)) return 0;
  *num = 0;
  if (allow_none && eq(&l->toks[1], "none")) {
    if (l->n > 2) {
      return FAIL(p, l->toks[2].col, "'none' must be alone");
    }
    return 1;
  }
  for (size_t i = 1; i < l->n; i++) {
    if (*num == CF_RECIPE_MAX_CERTS) {
      return FAIL(p, l->toks[i].col, "more than %d certs",
                  CF_RECIPE_MAX_CERTS);
    }
    if (!set_ref(p, &l->toks[i], &refs[*num])) return 0;
    (*num)++;
  }
  return 1;
}

static int do_anchors(struct parser *p, const struct line *l) {
  return ref_list(p, l, p->anchors, &p->num_anchors, 1,
                  "anchors CERT... | none");
}

static int do_chain(struct parser *p, const struct line *l) {
  return ref_list(p, l, p->chain, &p->num_chain, 0,
                  "chain CERT... (the leaf first)");
}

static int do_time(struct parser *p, const struct line *l) {
  struct cf_profile *prof = &p->r->device.profile;
  struct cf_rtime t;
  if (!nargs_exact(p, l, 1, "time YYYY-MM-DDTHH:MM:SSZ | unset")) return 0;
  if (eq(&l->toks[1], "unset")) {
    prof->clock = CF_CLOCK_UNSET;
    return 1;
  }
  if (!parse_time(p, &l->toks[1], &t)) return 0;
  if (t.enc != CF_TIME_AUTO) {
    return FAIL(p, l->toks[1].col,
                "the device time is YYYY-MM-DDTHH:MM:SSZ or unset; no "
                "prefixes");
  }
  prof->clock = CF_CLOCK_SET;
  prof->time = t.t;
  return 1;
}

static int do_dns(struct parser *p, const struct line *l) {
  if (!nargs_exact(p, l, 1, "dns NAME")) return 0;
  const struct tok *t = &l->toks[1];
  if (!cf_profile_set_dns_name(&p->r->device.profile, t->s, t->len)) {
    return FAIL(p, t->col,
                "bad device name '%s'; 1 to %d bytes without NUL (a NUL "
                "belongs in certificates, not in the name the device asks "
                "for)",
                T(t), CF_MAX_DNS_NAME_LEN);
  }
  return 1;
}

static int do_ip(struct parser *p, const struct line *l) {
  uint8_t ip[16];
  size_t ip_len;
  if (!nargs_exact(p, l, 1, "ip ADDR")) return 0;
  const struct tok *t = &l->toks[1];
  if (!parse_ip(t->s, t->len, ip, &ip_len) ||
      !cf_profile_set_ip(&p->r->device.profile, ip, ip_len)) {
    return FAIL(p, t->col,
                "bad IP address '%s'; expected v4 (192.0.2.1) or v6 "
                "(2001:db8::1)",
                T(t));
  }
  return 1;
}

static int do_no_name(struct parser *p, const struct line *l) {
  if (!nargs_exact(p, l, 0, "no-name")) return 0;
  struct cf_profile *prof = &p->r->device.profile;
  prof->name_type = CF_NAME_NONE;
  prof->dns_name[0] = '\0';
  prof->dns_name_len = 0;
  prof->ip_len = 0;
  return 1;
}

static int do_purpose(struct parser *p, const struct line *l) {
  if (!nargs_exact(p, l, 1, "purpose server-auth | client-auth | none"))
    return 0;
  const struct tok *t = &l->toks[1];
  struct cf_profile *prof = &p->r->device.profile;
  if (eq(t, "server-auth")) {
    prof->purpose = CF_PURPOSE_SERVER_AUTH;
  } else if (eq(t, "client-auth")) {
    prof->purpose = CF_PURPOSE_CLIENT_AUTH;
  } else if (eq(t, "none")) {
    prof->purpose = CF_PURPOSE_NONE;
  } else {
    return FAIL(p, t->col,
                "bad purpose '%s'; expected server-auth, client-auth or none",
                T(t));
  }
  return 1;
}

static int do_max_depth(struct parser *p, const struct line *l) {
  uint64_t n;
  if (!nargs_exact(p, l, 1, "max-depth N")) return 0;
  if (!parse_uint(p, &l->toks[1], 255, &n, "max-depth")) return 0;
  p->r->device.profile.max_depth = (uint8_t)n;
  return 1;
}

static int do_flags(struct parser *p, const struct line *l) {
  static const struct {
    const char *name;
    uint32_t bit;
  } kFlags[] = {
      {"partial-chain", CF_PROFILE_FLAG_PARTIAL_CHAIN},
      {"no-cn-fallback", CF_PROFILE_FLAG_NO_CN_FALLBACK},
      {"no-wildcards", CF_PROFILE_FLAG_NO_WILDCARDS},
      {"strict", CF_PROFILE_FLAG_X509_STRICT},
  };
  if (!nargs_min(p, l, 1, "flags FLAG...")) return 0;
  for (size_t i = 1; i < l->n; i++) {
    const struct tok *t = &l->toks[i];
    size_t k;
    for (k = 0; k < sizeof(kFlags) / sizeof(kFlags[0]); k++) {
      if (eq(t, kFlags[k].name)) break;
    }
    if (k == sizeof(kFlags) / sizeof(kFlags[0])) {
      return FAIL(p, t->col,
                  "unknown flag '%s'; flags: partial-chain no-cn-fallback "
                  "no-wildcards strict",
                  T(t));
    }
    p->r->device.profile.flags |= kFlags[k].bit;
  }
  return 1;
}

static int do_min_rsa_bits(struct parser *p, const struct line *l) {
  uint64_t n;
  if (!nargs_exact(p, l, 1, "min-rsa-bits N")) return 0;
  if (!parse_uint(p, &l->toks[1], 65536, &n, "min-rsa-bits")) return 0;
  p->r->device.min_rsa_bits = (unsigned)n;
  return 1;
}

static int do_algorithms(struct parser *p, const struct line *l) {
  if (!nargs_min(p, l, 1, "algorithms ALG...")) return 0;
  p->r->device.algorithms = 0;
  for (size_t i = 1; i < l->n; i++) {
    const struct tok *t = &l->toks[i];
    int a = cf_sig_alg_from_name(word(t));
    if (a <= 0) {
      return FAIL(p, t->col,
                  "unknown algorithm '%s'; use rsa-pkcs1-{md5,sha1,sha256,"
                  "sha384,sha512} rsa-pss-sha256 ecdsa-{sha1,sha256,sha384,"
                  "sha512} ed25519",
                  T(t));
    }
    p->r->device.algorithms |= 1u << a;
  }
  return 1;
}

static int do_max_chain_bytes(struct parser *p, const struct line *l) {
  uint64_t n;
  if (!nargs_exact(p, l, 1, "max-chain-bytes N (0: no limit)")) return 0;
  if (!parse_uint(p, &l->toks[1], UINT32_MAX, &n, "max-chain-bytes")) return 0;
  p->r->device.max_chain_bytes = (size_t)n;
  return 1;
}

/* --- dispatch ----------------------------------------------------------- */

static const struct prop_def kProps[] = {
    {"recipe", PART_HEADER, H_RECIPE, 0, do_recipe},
    {"id", PART_HEADER, H_ID, 0, do_id},
    {"title", PART_HEADER, H_TITLE, 0, do_title},
    {"expect", PART_HEADER, H_EXPECT, 0, do_expect},
    {"class", PART_HEADER, H_CLASS, 1, do_class},
    {"why", PART_HEADER, H_WHY, 0, do_why},
    {"key", PART_CERT, C_KEY, 0, do_key},
    {"issuer", PART_CERT, C_ISSUER, 0, do_issuer},
    {"issuer-name", PART_CERT, C_ISSUER_NAME, 0, do_issuer_name},
    {"signed-by", PART_CERT, C_SIGNED_BY, 0, do_signed_by},
    {"subject", PART_CERT, C_SUBJECT, 0, do_subject},
    {"version", PART_CERT, C_VERSION, 0, do_version},
    {"issuer-unique-id", PART_CERT, C_ISSUER_UID, 0, do_issuer_uid},
    {"subject-unique-id", PART_CERT, C_SUBJECT_UID, 0, do_subject_uid},
    {"serial", PART_CERT, C_SERIAL, 0, do_serial},
    {"not-before", PART_CERT, C_NOT_BEFORE, 0, do_not_before},
    {"not-after", PART_CERT, C_NOT_AFTER, 0, do_not_after},
    {"sig-alg", PART_CERT, C_SIG_ALG, 0, do_sig_alg},
    {"tbs-sig-alg", PART_CERT, C_TBS_SIG_ALG, 0, do_tbs_sig_alg},
    {"outer-sig-alg", PART_CERT, C_OUTER_SIG_ALG, 0, do_outer_sig_alg},
    {"basic-constraints", PART_CERT, C_BC, 0, do_bc},
    {"key-usage", PART_CERT, C_KU, 0, do_ku},
    {"eku", PART_CERT, C_EKU, 0, do_eku},
    {"san", PART_CERT, C_SAN, 0, do_san},
    {"permit", PART_CERT, C_PERMIT, 1, do_permit},
    {"exclude", PART_CERT, C_EXCLUDE, 1, do_exclude},
    {"name-constraints-noncritical", PART_CERT, C_NC_NONCRITICAL, 0,
     do_nc_noncritical},
    {"ski", PART_CERT, C_SKI, 0, do_ski},
    {"aki", PART_CERT, C_AKI, 0, do_aki},
    {"policies", PART_CERT, C_POLICIES, 0, do_policies},
    {"policy-mappings", PART_CERT, C_POLICY_MAPS, 0, do_policy_maps},
    {"policy-constraints", PART_CERT, C_PC, 0, do_pc},
    {"inhibit-any-policy", PART_CERT, C_IAP, 0, do_iap},
    {"extension", PART_CERT, C_EXTENSION, 1, do_extension},
    {"duplicate", PART_CERT, C_DUPLICATE, 0, do_duplicate},
    {"spki", PART_CERT, C_SPKI, 0, do_spki},
    {"pad", PART_CERT, C_PAD, 0, do_pad},
    {"defect", PART_CERT, C_DEFECT, 1, do_defect},
    {"anchors", PART_DEVICE, D_ANCHORS, 0, do_anchors},
    {"chain", PART_DEVICE, D_CHAIN, 0, do_chain},
    {"time", PART_DEVICE, D_TIME, 0, do_time},
    {"dns", PART_DEVICE, D_NAME, 0, do_dns},
    {"ip", PART_DEVICE, D_NAME, 0, do_ip},
    {"no-name", PART_DEVICE, D_NAME, 0, do_no_name},
    {"purpose", PART_DEVICE, D_PURPOSE, 0, do_purpose},
    {"max-depth", PART_DEVICE, D_MAX_DEPTH, 0, do_max_depth},
    {"flags", PART_DEVICE, D_FLAGS, 0, do_flags},
    {"min-rsa-bits", PART_DEVICE, D_MIN_RSA_BITS, 0, do_min_rsa_bits},
    {"algorithms", PART_DEVICE, D_ALGORITHMS, 0, do_algorithms},
    {"max-chain-bytes", PART_DEVICE, D_MAX_CHAIN_BYTES, 0, do_max_chain_bytes},
};

#define NUM_PROPS (sizeof(kProps) / sizeof(kProps[0]))

static const char *const kPartNames[] = {"header", "cert", "device"};

static int unknown_keyword(struct parser *p, const struct tok *t) {
  const char *words[NUM_PROPS + 2];
  size_t n = 0;
  for (size_t i = 0; i < NUM_PROPS; i++) {
    if (kProps[i].part == p->part) words[n++] = kProps[i].name;
  }
  if (p->part != PART_DEVICE) words[n++] = "cert";
  if (p->part != PART_DEVICE) words[n++] = "device";
  const char *hint = closest(word(t), words, n);
  if (hint != NULL) {
    return FAIL(p, t->col, "unknown %s keyword '%s'; did you mean '%s'?",
                kPartNames[p->part], T(t), hint);
  }
  switch (p->part) {
    case PART_HEADER:
      return FAIL(p, t->col,
                  "unknown header keyword '%s'; the header has id title "
                  "expect class why, then 'cert NAME TEMPLATE' blocks",
                  T(t));
    case PART_CERT:
      return FAIL(p, t->col,
                  "unknown cert property '%s'; see docs/recipes.md for the "
                  "list (key issuer subject not-before not-after san ...)",
                  T(t));
    case PART_DEVICE:
      return FAIL(p, t->col,
                  "unknown device property '%s'; the device block has "
                  "anchors chain time dns ip no-name purpose max-depth flags "
                  "min-rsa-bits algorithms max-chain-bytes",
                  T(t));
  }
  return 0;
}

static int do_cert_line(struct parser *p, const struct line *l) {
  static const char kUsage[] = "cert NAME root|ica|leaf|bare";
  struct cf_recipe *r = p->r;
  if (p->part == PART_DEVICE) {
    return FAIL(p, l->toks[0].col,
                "cert blocks must come before the device block (line %u)",
                p->device_line);
  }
  if (!nargs_exact(p, l, 2, kUsage)) return 0;
  const struct tok *name = &l->toks[1], *tpl_tok = &l->toks[2];
  if (!valid_cert_name(name) || eq(name, "self") || eq(name, "none")) {
    return FAIL(p, name->col,
                "bad cert name '%s'; use [a-z0-9_-], 1 to %d characters, not "
                "'self' or 'none'",
                T(name), CF_RECIPE_MAX_CERT_NAME);
  }
  int prev = cf_recipe_find_cert(r, name->s);
  if (prev >= 0) {
    return FAIL(p, name->col, "cert '%s' is already defined at line %u",
                name->s, r->certs[prev].line);
  }
  enum cf_template tpl;
  if (eq(tpl_tok, "root")) {
    tpl = CF_TPL_ROOT;
  } else if (eq(tpl_tok, "ica")) {
    tpl = CF_TPL_ICA;
  } else if (eq(tpl_tok, "leaf")) {
    tpl = CF_TPL_LEAF;
  } else if (eq(tpl_tok, "bare")) {
    tpl = CF_TPL_BARE;
  } else {
    return FAIL(p, tpl_tok->col,
                "unknown template '%s'; expected root, ica, leaf or bare",
                T(tpl_tok));
  }
  if (r->num_certs == CF_RECIPE_MAX_CERTS) {
    return FAIL(p, l->toks[0].col, "more than %d cert blocks",
                CF_RECIPE_MAX_CERTS);
  }
  p->cur = (int)r->num_certs++;
  cf_rcert_init(&r->certs[p->cur], tpl, name->s, p->cur, -1);
  r->certs[p->cur].line = p->line;
  p->part = PART_CERT;
  return 1;
}

static int do_line(struct parser *p, const struct line *l) {
  const struct tok *kw = &l->toks[0];
  if (!p->started) {
    if (!eq(kw, "recipe")) {
      return FAIL(p, kw->col,
                  "a recipe starts with the line 'recipe 1' (got '%s')",
                  T(kw));
    }
    p->started = 1;
    p->hdr_seen[H_RECIPE] = p->line;
    return do_recipe(p, l);
  }
  if (eq(kw, "cert")) {
    return do_cert_line(p, l);
  }
  if (eq(kw, "device")) {
    if (p->device_line != 0) {
      return FAIL(p, kw->col, "duplicate 'device' (first at line %u)",
                  p->device_line);
    }
    if (!nargs_exact(p, l, 0, "device (alone on its line)")) return 0;
    p->device_line = p->line;
    p->part = PART_DEVICE;
    p->cur = -1;
    return 1;
  }
  const struct prop_def *d = NULL;
  for (size_t i = 0; i < NUM_PROPS; i++) {
    if (eq(kw, kProps[i].name)) {
      d = &kProps[i];
      break;
    }
  }
  if (d == NULL) {
    return unknown_keyword(p, kw);
  }
  if (d->part != p->part) {
    switch (d->part) {
      case PART_HEADER:
        return FAIL(p, kw->col,
                    "'%s' belongs in the header, before the first cert block",
                    d->name);
      case PART_CERT:
        if (p->part == PART_HEADER) {
          return FAIL(p, kw->col,
                      "'%s' is a cert property; start a block with 'cert "
                      "NAME TEMPLATE' first",
                      d->name);
        }
        return FAIL(p, kw->col,
                    "'%s' is a cert property, but the device block started "
                    "at line %u; cert blocks come before 'device'",
                    d->name, p->device_line);
      case PART_DEVICE:
        return FAIL(p, kw->col,
                    "'%s' belongs in the device block; add a 'device' line "
                    "after the cert blocks",
                    d->name);
    }
  }
  unsigned *seen = d->part == PART_CERT ? &p->cert_seen[p->cur][d->id]
                                        : &p->hdr_seen[d->id];
  if (*seen != 0 && !d->repeatable) {
    if (d->id == D_NAME) {
      return FAIL(p, kw->col,
                  "the device name is already set at line %u; use one of dns "
                  "NAME, ip ADDR or no-name",
                  *seen);
    }
    return FAIL(p, kw->col, "duplicate '%s' (first at line %u); it may appear "
                "once%s", d->name, *seen,
                d->part == PART_CERT ? " per cert block" : "");
  }
  if (*seen == 0) {
    *seen = p->line;
  }
  return d->fn(p, l);
}

/* finish checks what must be present and resolves cert references. */
static int finish(struct parser *p) {
  struct cf_recipe *r = p->r;
  if (!p->started) {
    return fail_at(p, 0, 0, "empty recipe; a recipe starts with 'recipe 1'");
  }
  if (!p->hdr_seen[H_ID]) {
    return fail_at(p, 0, 0,
                   "no 'id' line; add e.g. 'id iot::expired-leaf' to the "
                   "header");
  }
  if (!p->hdr_seen[H_EXPECT]) {
    return fail_at(p, 0, 0,
                   "no 'expect' line; add 'expect accept', 'expect reject "
                   "REASON' or 'expect either [REASON]' to the header");
  }
  if (r->num_certs == 0) {
    return fail_at(p, 0, 0,
                   "no cert blocks; add at least one 'cert NAME TEMPLATE'");
  }
  for (size_t i = 0; i < r->num_certs; i++) {
    struct cf_rcert *c = &r->certs[i];
    if (!p->cert_seen[i][C_KEY]) {
      return fail_at(p, c->line, 1,
                     "cert '%s' has no 'key' line; add e.g. 'key leaf-p256'",
                     c->name);
    }
    if (p->issuer_is_ref[i]) {
      if (!resolve(p, &p->issuer_ref[i], "issuer", &c->issuer)) return 0;
    } else if (c->issuer < 0) {
      return fail_at(p, c->line, 1,
                     "cert '%s' has no 'issuer' line; a %s cert needs 'issuer "
                     "CERT' (or 'issuer self')",
                     c->name,
                     c->tpl == CF_TPL_ICA    ? "ica"
                     : c->tpl == CF_TPL_LEAF ? "leaf"
                                             : "bare");
    }
  }
  if (p->device_line == 0) {
    return fail_at(p, 0, 0,
                   "no device block; end the recipe with 'device' and its "
                   "'anchors' and 'chain' lines");
  }
  if (!p->hdr_seen[D_ANCHORS]) {
    return fail_at(p, p->device_line, 1,
                   "the device block has no 'anchors' line (use 'anchors "
                   "none' for an empty trust store)");
  }
  if (!p->hdr_seen[D_CHAIN]) {
    return fail_at(p, p->device_line, 1,
                   "the device block has no 'chain' line; add 'chain LEAF "
                   "[ICA...]'");
  }
  for (size_t i = 0; i < p->num_anchors; i++) {
    if (!resolve(p, &p->anchors[i], "anchors", &r->device.anchors[i])) return 0;
  }
  r->device.num_anchors = p->num_anchors;
  for (size_t i = 0; i < p->num_chain; i++) {
    if (!resolve(p, &p->chain[i], "chain", &r->device.chain[i])) return 0;
  }
  r->device.num_chain = p->num_chain;
  return 1;
}

int cf_recipe_parse(struct cf_recipe *out, struct cf_recipe_error *err,
                    const char *text, size_t text_len, const char *file) {
  struct parser *p = NULL;
  struct line *l = NULL;
  int ok = 0;

  memset(err, 0, sizeof(*err));
  snprintf(err->file, sizeof(err->file), "%s", file != NULL ? file : "-");
  cf_recipe_init(out);

  p = calloc(1, sizeof(*p));
  l = calloc(1, sizeof(*l));
  if (p == NULL || l == NULL) {
    snprintf(err->msg, sizeof(err->msg), "out of memory");
    goto err;
  }
  p->r = out;
  p->err = err;
  p->cur = -1;
  p->part = PART_HEADER;

  size_t pos = 0;
  while (pos < text_len) {
    const char *nl = memchr(text + pos, '\n', text_len - pos);
    size_t len = nl != NULL ? (size_t)(nl - (text + pos)) : text_len - pos;
    p->line++;
    l->src = text + pos;
    l->src_len = len;
    free(l->buf);
    l->buf = malloc(len + MAX_TOKS + 2);
    if (l->buf == NULL) {
      snprintf(err->msg, sizeof(err->msg), "out of memory");
      goto err;
    }
    if (!lex(p, l)) {
      goto err;
    }
    if (l->n > 0 && !do_line(p, l)) {
      goto err;
    }
    pos += len + (nl != NULL);
  }
  if (!finish(p)) {
    goto err;
  }
  ok = 1;

err:
  if (l != NULL) {
    free(l->buf);
  }
  free(l);
  free(p);
  if (!ok) {
    cf_recipe_init(out);
  }
  return ok;
}

int cf_recipe_load(struct cf_recipe *out, struct cf_recipe_error *err,
                   const char *path) {
  uint8_t *buf = NULL;
  size_t len = 0;
  int ok = 0;

  if (!cf_read_file(&buf, &len, path, MAX_FILE_LEN)) {
    memset(err, 0, sizeof(*err));
    snprintf(err->file, sizeof(err->file), "%s", path);
    if (errno == EFBIG) {
      snprintf(err->msg, sizeof(err->msg),
               "file is larger than 1 MiB; a recipe is a few hundred bytes");
    } else if (errno == EINVAL) {
      snprintf(err->msg, sizeof(err->msg), "not a regular file");
    } else {
      snprintf(err->msg, sizeof(err->msg), "cannot open: %s", strerror(errno));
    }
  } else {
    ok = cf_recipe_parse(out, err, (const char *)buf, len, path);
  }
  if (!ok) {
    cf_recipe_init(out);
  }
  free(buf);
  return ok;
}
