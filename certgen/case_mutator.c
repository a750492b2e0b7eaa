/* case_mutator.c — the structure-aware case mutator (case_mutator.h).
 *
 * A mutation works on a copy of the case (struct mcase: every certificate
 * in its own buffer, the profile, the label), changes one thing and
 * serializes it again with cf_case_serialize, so the record framing is
 * always the canonical one. DER is read with CBS and written with CBB. */
#include "case_mutator.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bytestring.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/x509.h>

#include "build.h"
#include "recipe_bytes.h"
#include "rng.h"
#include "chainfuzz/case.h"

/* --- the case being mutated ------------------------------------------------
 */

struct mcert {
  uint8_t *der; /* malloc'd */
  size_t len;
};

struct mcase {
  struct mcert anchors[CF_MAX_ANCHORS];
  size_t num_anchors;
  struct mcert leaf;
  struct mcert inters[CF_MAX_INTERMEDIATES];
  size_t num_inters;
  uint8_t label[CF_MAX_LABEL_LEN];
  size_t label_len;
  struct cf_profile profile;
};

/* mctx is one mutation: the case, the pool, the choices. */
struct mctx {
  struct mcase c;
  const struct cf_pool *pool;
  struct cf_rng rng;
  size_t (*byte_mutate)(uint8_t *, size_t, size_t);
  struct cf_mutation info;
};

static int mcert_set(struct mcert *m, const uint8_t *der, size_t len) {
  uint8_t *p = malloc(len > 0 ? len : 1);
  if (p == NULL) {
    return 0;
  }
  if (len > 0) {
    memcpy(p, der, len);
  }
  free(m->der);
  m->der = p;
  m->len = len;
  return 1;
}

static void mcase_free(struct mcase *c) {
  for (size_t i = 0; i < c->num_anchors; i++) {
    free(c->anchors[i].der);
  }
  free(c->leaf.der);
  for (size_t i = 0; i < c->num_inters; i++) {
    free(c->inters[i].der);
  }
  memset(c, 0, sizeof(*c));
}

/* mcase_load copies the parsed case |in| into |out|. */
static int mcase_load(struct mcase *out, const struct cf_case *in) {
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < in->num_anchors; i++) {
    if (!mcert_set(&out->anchors[i], in->anchors[i].data, in->anchors[i].len)) {
      goto err;
    }
    out->num_anchors++;
  }
  if (!mcert_set(&out->leaf, in->leaf.data, in->leaf.len)) {
    goto err;
  }
  for (size_t i = 0; i < in->num_intermediates; i++) {
    if (!mcert_set(&out->inters[i], in->intermediates[i].data,
                   in->intermediates[i].len)) {
      goto err;
    }
    out->num_inters++;
  }
  if (in->label.len > 0) { /* a case without a label has no label data */
    memcpy(out->label, in->label.data, in->label.len);
  }
  out->label_len = in->label.len;
  out->profile = in->profile;
  return 1;

err:
  mcase_free(out);
  return 0;
}

/* mcase_serialize encodes |c| (cf_case_serialize) into a malloc'd buffer. */
static int mcase_serialize(uint8_t **out, size_t *out_len,
                           const struct mcase *c) {
  struct cf_case cc;
  memset(&cc, 0, sizeof(cc));
  for (size_t i = 0; i < c->num_anchors; i++) {
    cc.anchors[i].data = c->anchors[i].der;
    cc.anchors[i].len = c->anchors[i].len;
  }
  cc.num_anchors = c->num_anchors;
  cc.leaf.data = c->leaf.der;
  cc.leaf.len = c->leaf.len;
  for (size_t i = 0; i < c->num_inters; i++) {
    cc.intermediates[i].data = c->inters[i].der;
    cc.intermediates[i].len = c->inters[i].len;
  }
  cc.num_intermediates = c->num_inters;
  cc.label.data = c->label;
  cc.label.len = c->label_len;
  cc.profile = c->profile;
  return cf_case_serialize(out, out_len, &cc);
}

/* Certificates are numbered across roles: anchors, then the leaf, then the
 * intermediates. */
static size_t num_certs(const struct mcase *c) {
  return c->num_anchors + 1 + c->num_inters;
}

static struct mcert *cert_at(struct mcase *c, size_t i, int *out_role,
                             size_t *out_index) {
  int role;
  size_t idx;
  struct mcert *m;
  if (i < c->num_anchors) {
    role = CF_MUT_ROLE_ANCHOR;
    idx = i;
    m = &c->anchors[i];
  } else if (i == c->num_anchors) {
    role = CF_MUT_ROLE_LEAF;
    idx = 0;
    m = &c->leaf;
  } else {
    role = CF_MUT_ROLE_INTERMEDIATE;
    idx = i - c->num_anchors - 1;
    m = &c->inters[idx];
  }
  if (out_role != NULL) {
    *out_role = role;
  }
  if (out_index != NULL) {
    *out_index = idx;
  }
  return m;
}

/* --- certificate anatomy ---------------------------------------------------
 */

enum tbs_field {
  F_VERSION = 0,
  F_SERIAL,
  F_SIGALG,
  F_ISSUER,
  F_VALIDITY,
  F_SUBJECT,
  F_SPKI,
  F_ISSUER_UID,
  F_SUBJECT_UID,
  F_EXTS,
  F_TAIL, /* whatever follows, kept as it is */
  F_COUNT
};

#define TAG_EXPLICIT(n) (CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | (n))
#define TAG_IMPLICIT(n) (CBS_ASN1_CONTEXT_SPECIFIC | (n))

/* cert_parts splits a DER Certificate. Field spans are whole elements
 * (tag, length, contents); an absent field has has[f] == 0. */
struct cert_parts {
  CBS tbs; /* whole TBSCertificate element */
  CBS alg; /* whole outer AlgorithmIdentifier */
  CBS sig; /* BIT STRING contents (unused-bits byte first) */
  CBS f[F_COUNT];
  int has[F_COUNT];
};

static int split_cert(struct cert_parts *p, const uint8_t *der, size_t len) {
  CBS in, cert, tbs, elem;
  unsigned tag;
  memset(p, 0, sizeof(*p));
  CBS_init(&in, der, len);
  if (!CBS_get_asn1(&in, &cert, CBS_ASN1_SEQUENCE) || CBS_len(&in) != 0 ||
      !CBS_get_asn1_element(&cert, &p->tbs, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1_element(&cert, &p->alg, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&cert, &p->sig, CBS_ASN1_BITSTRING) ||
      CBS_len(&cert) != 0) {
    return 0;
  }
  tbs = p->tbs;
  if (!CBS_get_asn1(&tbs, &tbs, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  if (CBS_peek_asn1_tag(&tbs, TAG_EXPLICIT(0))) {
    if (!CBS_get_any_asn1_element(&tbs, &p->f[F_VERSION], NULL, NULL)) {
      return 0;
    }
    p->has[F_VERSION] = 1;
  }
  for (int f = F_SERIAL; f <= F_SPKI; f++) {
    if (!CBS_get_any_asn1_element(&tbs, &p->f[f], NULL, NULL)) {
      return 0;
    }
    p->has[f] = 1;
  }
  while (CBS_len(&tbs) > 0) {
    CBS rest = tbs;
    if (!CBS_get_any_asn1_element(&tbs, &elem, &tag, NULL)) {
      return 0;
    }
    int f = tag == TAG_IMPLICIT(1) || tag == TAG_EXPLICIT(1)   ? F_ISSUER_UID
            : tag == TAG_IMPLICIT(2) || tag == TAG_EXPLICIT(2) ? F_SUBJECT_UID
            : tag == TAG_EXPLICIT(3)                           ? F_EXTS
                                                               : F_TAIL;
    if (f == F_TAIL || p->has[f]) {
      p->f[F_TAIL] = rest;
      p->has[F_TAIL] = 1;
      break;
    }
    p->f[f] = elem;
    p->has[f] = 1;
  }
  return 1;
}

/* field_edit replaces TBS fields: set[f] with bytes (NULL/0: remove). */
struct field_edit {
  int set[F_COUNT];
  const uint8_t *bytes[F_COUNT];
  size_t len[F_COUNT];
};

/* rebuild_tbs writes the TBSCertificate of |p| with |e| applied. */
static int rebuild_tbs(uint8_t **out, size_t *out_len,
                       const struct cert_parts *p, const struct field_edit *e) {
  CBB cbb, seq;
  if (!CBB_init(&cbb, CBS_len(&p->tbs) + 64) ||
      !CBB_add_asn1(&cbb, &seq, CBS_ASN1_SEQUENCE)) {
    goto err;
  }
  for (int f = 0; f < F_COUNT; f++) {
    if (e != NULL && e->set[f]) {
      if (e->len[f] > 0 && !CBB_add_bytes(&seq, e->bytes[f], e->len[f])) {
        goto err;
      }
    } else if (p->has[f] &&
               !CBB_add_bytes(&seq, CBS_data(&p->f[f]), CBS_len(&p->f[f]))) {
      goto err;
    }
  }
  if (!CBB_finish(&cbb, out, out_len)) {
    goto err;
  }
  return 1;

err:
  CBB_cleanup(&cbb);
  return 0;
}

/* cbs_eq compares two spans byte for byte. */
static int cbs_eq(const CBS *a, const CBS *b) {
  return CBS_len(a) == CBS_len(b) &&
         (CBS_len(a) == 0 || memcmp(CBS_data(a), CBS_data(b), CBS_len(a)) == 0);
}

/* --- times -----------------------------------------------------------------
 */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int get_digits(CBS *cbs, size_t n, unsigned *out) {
  unsigned v = 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t c;
    if (!CBS_get_u8(cbs, &c) || c < '0' || c > '9') {
      return 0;
    }
    v = v * 10 + (unsigned)(c - '0');
  }
  *out = v;
  return 1;
}

/* parse_time reads a UTCTime or GeneralizedTime element (YY/YYYYMMDDHHMMSSZ
 * only) into seconds since the epoch; |*out_generalized| says which. */
static int parse_time(int64_t *out, int *out_generalized, const CBS *elem) {
  CBS e = *elem, v;
  unsigned tag;
  unsigned y, mo, d, h, mi, s;
  if (!CBS_get_any_asn1(&e, &v, &tag)) {
    return 0;
  }
  if (tag == CBS_ASN1_UTCTIME) {
    if (!get_digits(&v, 2, &y)) {
      return 0;
    }
    y += y < 50 ? 2000 : 1900;
  } else if (tag == CBS_ASN1_GENERALIZEDTIME) {
    if (!get_digits(&v, 4, &y)) {
      return 0;
    }
  } else {
    return 0;
  }
  if (!get_digits(&v, 2, &mo) || !get_digits(&v, 2, &d) ||
      !get_digits(&v, 2, &h) || !get_digits(&v, 2, &mi) ||
      !get_digits(&v, 2, &s) || mo < 1 || mo > 12 || d < 1 || d > 31) {
    return 0;
  }
  *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  *out_generalized = tag == CBS_ASN1_GENERALIZEDTIME;
  return 1;
}

/* add_time writes |t| as a GeneralizedTime or a UTCTime (two-digit year,
 * whatever the century: out of 1950..2049 that is itself a mutation). */
static int add_time(CBB *cbb, int64_t t, int generalized) {
  char buf[32];
  int64_t days = t / 86400, secs = t % 86400, y;
  unsigned m, d;
  CBB child;
  if (secs < 0) {
    secs += 86400;
    days--;
  }
  civil_from_days(days, &y, &m, &d);
  if (y < 0) {
    y = 0;
  } else if (y > 9999) {
    y = 9999;
  }
  int n = generalized
              ? snprintf(buf, sizeof(buf), "%04d%02u%02u%02d%02d%02dZ", (int)y,
                         m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
                         (int)(secs % 60))
              : snprintf(buf, sizeof(buf), "%02d%02u%02u%02d%02d%02dZ",
                         (int)(y % 100), m, d, (int)(secs / 3600),
                         (int)(secs / 60 % 60), (int)(secs % 60));
  return n > 0 && (size_t)n < sizeof(buf) &&
         CBB_add_asn1(cbb, &child,
                      generalized ? CBS_ASN1_GENERALIZEDTIME
                                  : CBS_ASN1_UTCTIME) &&
         CBB_add_bytes(&child, (const uint8_t *)buf, (size_t)n) &&
         CBB_flush(cbb);
}

/* cert_validity reads the two times of a certificate. */
static int cert_validity(int64_t out[2], const uint8_t *der, size_t len) {
  struct cert_parts p;
  CBS v, t0, t1;
  int g;
  if (!split_cert(&p, der, len)) {
    return 0;
  }
  v = p.f[F_VALIDITY];
  return CBS_get_asn1(&v, &v, CBS_ASN1_SEQUENCE) &&
         CBS_get_any_asn1_element(&v, &t0, NULL, NULL) &&
         CBS_get_any_asn1_element(&v, &t1, NULL, NULL) &&
         parse_time(&out[0], &g, &t0) && parse_time(&out[1], &g, &t1);
}

/* --- extensions ------------------------------------------------------------
 */

#define MAX_EXTS 40

/* ext is one Extension; |value| is the extnValue contents. When |owned| is
 * set, value's bytes belong to the ext (OPENSSL_free). */
struct ext {
  CBS oid; /* contents */
  int critical; /* -1 absent, 0 explicit FALSE, 1 TRUE */
  CBS value;
  uint8_t *owned;
};

struct ext_list {
  struct ext e[MAX_EXTS];
  size_t n;
};

static void ext_list_free(struct ext_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    OPENSSL_free(l->e[i].owned);
  }
  l->n = 0;
}

/* parse_exts splits the [3] element |exts| (may be absent). */
static int parse_exts(struct ext_list *out, const struct cert_parts *p) {
  CBS x, seq;
  memset(out, 0, sizeof(*out));
  if (!p->has[F_EXTS]) {
    return 1;
  }
  x = p->f[F_EXTS];
  if (!CBS_get_asn1(&x, &x, TAG_EXPLICIT(3)) ||
      !CBS_get_asn1(&x, &seq, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  while (CBS_len(&seq) > 0) {
    CBS ext;
    struct ext *e;
    if (out->n == MAX_EXTS || !CBS_get_asn1(&seq, &ext, CBS_ASN1_SEQUENCE)) {
      return 0;
    }
    e = &out->e[out->n];
    e->owned = NULL;
    e->critical = -1;
    if (!CBS_get_asn1(&ext, &e->oid, CBS_ASN1_OBJECT)) {
      return 0;
    }
    if (CBS_peek_asn1_tag(&ext, CBS_ASN1_BOOLEAN)) {
      CBS b;
      if (!CBS_get_asn1(&ext, &b, CBS_ASN1_BOOLEAN) || CBS_len(&b) != 1) {
        return 0;
      }
      e->critical = CBS_data(&b)[0] != 0;
    }
    if (!CBS_get_asn1(&ext, &e->value, CBS_ASN1_OCTETSTRING) ||
        CBS_len(&ext) != 0) {
      return 0;
    }
    out->n++;
  }
  return 1;
}

/* encode_exts writes the [3] element of |l| (nothing when |l| is empty and
 * |keep_empty| is 0). */
static int encode_exts(uint8_t **out, size_t *out_len, const struct ext_list *l,
                       int keep_empty) {
  CBB cbb, tagged, seq, ext, child;
  if (!CBB_init(&cbb, 512)) {
    return 0;
  }
  if (l->n > 0 || keep_empty) {
    if (!CBB_add_asn1(&cbb, &tagged, TAG_EXPLICIT(3)) ||
        !CBB_add_asn1(&tagged, &seq, CBS_ASN1_SEQUENCE)) {
      goto err;
    }
    for (size_t i = 0; i < l->n; i++) {
      const struct ext *e = &l->e[i];
      if (!CBB_add_asn1(&seq, &ext, CBS_ASN1_SEQUENCE) ||
          !CBB_add_asn1(&ext, &child, CBS_ASN1_OBJECT) ||
          !CBB_add_bytes(&child, CBS_data(&e->oid), CBS_len(&e->oid)) ||
          (e->critical >= 0 &&
           (!CBB_add_asn1(&ext, &child, CBS_ASN1_BOOLEAN) ||
            !CBB_add_u8(&child, e->critical ? 0xff : 0x00))) ||
          !CBB_add_asn1(&ext, &child, CBS_ASN1_OCTETSTRING) ||
          !CBB_add_bytes(&child, CBS_data(&e->value), CBS_len(&e->value)) ||
          !CBB_flush(&seq)) {
        goto err;
      }
    }
  }
  if (!CBB_finish(&cbb, out, out_len)) {
    goto err;
  }
  return 1;

err:
  CBB_cleanup(&cbb);
  return 0;
}

/* oid_der encodes dotted |text| as OID contents into |buf|. */
static int oid_der(CBS *out, uint8_t *buf, size_t buf_len, const char *text) {
  CBB cbb;
  size_t len;
  if (!CBB_init_fixed(&cbb, buf, buf_len) ||
      !CBB_add_asn1_oid_from_text(&cbb, text, strlen(text)) ||
      !CBB_finish(&cbb, NULL, &len)) {
    return 0;
  }
  CBS_init(out, buf, len);
  return 1;
}

static int oid_is(const CBS *oid, const char *text) {
  uint8_t buf[32];
  CBS want;
  return oid_der(&want, buf, sizeof(buf), text) && cbs_eq(oid, &want);
}

static const char kOidBasicConstraints[] = "2.5.29.19";
static const char kOidKeyUsage[] = "2.5.29.15";
static const char kOidEku[] = "2.5.29.37";
static const char kOidSan[] = "2.5.29.17";
static const char kOidNameConstraints[] = "2.5.29.30";
static const char kOidCommonName[] = "2.5.4.3";
/* kOidUnknown is in chainfuzz's private arc (build.c's pad is .666.1). */
static const char kOidUnknown[] = "1.3.6.1.4.1.55738.666.2";

static const char *const kEkuOids[] = {
    "1.3.6.1.5.5.7.3.1", /* serverAuth */
    "1.3.6.1.5.5.7.3.2", /* clientAuth */
    "1.3.6.1.5.5.7.3.3", /* codeSigning */
    "1.3.6.1.5.5.7.3.4", /* emailProtection */
    "1.3.6.1.5.5.7.3.8", /* timeStamping */
    "1.3.6.1.5.5.7.3.9", /* OCSPSigning */
    "2.5.29.37.0",       /* anyExtendedKeyUsage */
    "1.3.6.1.4.1.311.10.3.3", /* Microsoft SGC */
    "2.16.840.1.113730.4.1",  /* Netscape SGC */
};

/* find_ext returns the index of the extension |oid| in |l|, or -1. */
static int find_ext(const struct ext_list *l, const char *oid) {
  for (size_t i = 0; i < l->n; i++) {
    if (oid_is(&l->e[i].oid, oid)) {
      return (int)i;
    }
  }
  return -1;
}

/* --- names from the chain --------------------------------------------------
 */

#define MAX_NAMES 48
#define MAX_NAME_LEN 128

struct name_set {
  char dns[MAX_NAMES][MAX_NAME_LEN + 1];
  size_t num_dns;
  uint8_t ip[MAX_NAMES][16];
  size_t ip_len[MAX_NAMES];
  size_t num_ip;
};

static void add_dns(struct name_set *s, const uint8_t *p, size_t len) {
  if (s->num_dns == MAX_NAMES || len == 0 || len > MAX_NAME_LEN ||
      memchr(p, '\0', len) != NULL) {
    return;
  }
  memcpy(s->dns[s->num_dns], p, len);
  s->dns[s->num_dns][len] = '\0';
  s->num_dns++;
}

/* collect_names gathers the dNSNames and iPAddresses of the SANs and the
 * CNs of the subjects of |c|'s certificates (the leaf's first). */
static void collect_names(struct name_set *s, struct mcase *c) {
  memset(s, 0, sizeof(*s));
  size_t n = num_certs(c);
  for (size_t k = 0; k < n; k++) {
    size_t i = (c->num_anchors + k) % n; /* the leaf first */
    struct mcert *m = cert_at(c, i, NULL, NULL);
    struct cert_parts p;
    struct ext_list l;
    if (!split_cert(&p, m->der, m->len)) {
      continue;
    }
    if (parse_exts(&l, &p)) {
      int x = find_ext(&l, kOidSan);
      CBS san, gn;
      unsigned tag;
      if (x >= 0 && (san = l.e[x].value, 1) &&
          CBS_get_asn1(&san, &san, CBS_ASN1_SEQUENCE)) {
        while (CBS_get_any_asn1(&san, &gn, &tag)) {
          if (tag == TAG_IMPLICIT(2)) {
            add_dns(s, CBS_data(&gn), CBS_len(&gn));
          } else if (tag == TAG_IMPLICIT(7) && s->num_ip < MAX_NAMES &&
                     (CBS_len(&gn) == 4 || CBS_len(&gn) == 16)) {
            memcpy(s->ip[s->num_ip], CBS_data(&gn), CBS_len(&gn));
            s->ip_len[s->num_ip++] = CBS_len(&gn);
          }
        }
      }
    }
    CBS name = p.f[F_SUBJECT], rdn, atv, oid, val;
    if (CBS_get_asn1(&name, &name, CBS_ASN1_SEQUENCE)) {
      while (CBS_get_asn1(&name, &rdn, CBS_ASN1_SET)) {
        while (CBS_get_asn1(&rdn, &atv, CBS_ASN1_SEQUENCE)) {
          if (CBS_get_asn1(&atv, &oid, CBS_ASN1_OBJECT) &&
              oid_is(&oid, kOidCommonName) &&
              CBS_get_any_asn1(&atv, &val, NULL)) {
            add_dns(s, CBS_data(&val), CBS_len(&val));
          }
        }
      }
    }
  }
  if (s->num_dns == 0) {
    add_dns(s, (const uint8_t *)"example.com", 11);
  }
}

/* near_miss writes into |out| (room for MAX_NAME_LEN + 8) a name close to
 * |name|: itself, its parent, a wildcard or extra label, a case change, a
 * trailing dot, a prefix or suffix glued on. */
static void near_miss(char *out, const char *name, struct cf_rng *r) {
  size_t len = strlen(name);
  const char *dot = strchr(name, '.');
  switch (cf_rng_below(r, 10)) {
    case 0:
    case 1:
      snprintf(out, MAX_NAME_LEN + 8, "%s", name);
      break;
    case 2: /* parent domain */
      snprintf(out, MAX_NAME_LEN + 8, "%s", dot != NULL ? dot + 1 : name);
      break;
    case 3: /* the first label made a wildcard */
      snprintf(out, MAX_NAME_LEN + 8, "*%s", dot != NULL ? dot : ".com");
      break;
    case 4: /* one more label */
      snprintf(out, MAX_NAME_LEN + 8, "%s.%s",
               cf_rng_below(r, 2) ? "a" : "www", name[0] == '*' ? name + 2 : name);
      break;
    case 5: { /* case change */
      snprintf(out, MAX_NAME_LEN + 8, "%s", name);
      for (size_t k = 0; k < len; k++) {
        size_t i = (cf_rng_below(r, len) + k) % len;
        if ((out[i] >= 'a' && out[i] <= 'z') ||
            (out[i] >= 'A' && out[i] <= 'Z')) {
          out[i] ^= 0x20;
          break;
        }
      }
      break;
    }
    case 6: /* trailing dot */
      snprintf(out, MAX_NAME_LEN + 8, "%s.", name);
      break;
    case 7: /* glued prefix: evil-suffix matching */
      snprintf(out, MAX_NAME_LEN + 8, "x%s", name);
      break;
    case 8: /* glued suffix */
      snprintf(out, MAX_NAME_LEN + 8, "%s%s", name,
               cf_rng_below(r, 2) ? ".evil" : "x");
      break;
    default: /* a wildcard turned into a concrete label, or a leading dot */
      if (name[0] == '*' && name[1] == '.') {
        snprintf(out, MAX_NAME_LEN + 8, "%s%s",
                 cf_rng_below(r, 2) ? "host" : "", name + 1);
      } else {
        snprintf(out, MAX_NAME_LEN + 8, ".%s", name);
      }
      break;
  }
  if (out[0] == '\0') {
    snprintf(out, MAX_NAME_LEN + 8, "a");
  }
}

/* --- signing ---------------------------------------------------------------
 */

/* key_matches_alg says whether pool key |k| makes signatures of the family
 * of the AlgorithmIdentifier element |alg| (RSA, ECDSA, Ed25519). */
static int key_matches_alg(int k, const CBS *alg) {
  CBS a = *alg, oid;
  const struct cf_pool_info *info = cf_pool_get(k);
  static const uint8_t kRsaArc[] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                    0x0d, 0x01, 0x01}; /* 1.2.840.113549.1.1 */
  static const uint8_t kEcdsaArc[] = {0x2a, 0x86, 0x48, 0xce,
                                      0x3d, 0x04}; /* 1.2.840.10045.4 */
  if (info == NULL || !CBS_get_asn1(&a, &a, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&a, &oid, CBS_ASN1_OBJECT)) {
    return 0;
  }
  switch (info->type) {
    case CF_KT_RSA:
      return CBS_len(&oid) > sizeof(kRsaArc) &&
             memcmp(CBS_data(&oid), kRsaArc, sizeof(kRsaArc)) == 0;
    case CF_KT_EC:
      return CBS_len(&oid) > sizeof(kEcdsaArc) &&
             memcmp(CBS_data(&oid), kEcdsaArc, sizeof(kEcdsaArc)) == 0;
    case CF_KT_ED25519:
      return oid_is(&oid, "1.3.101.112");
  }
  return 0;
}

/* default_alg_der writes the AlgorithmIdentifier certgen uses by default for
 * pool key |k| (build.c default_alg/add_alg_id): sha256WithRSAEncryption
 * with NULL parameters, ecdsa-with-SHA256/384/512 by curve, Ed25519. */
static int default_alg_der(uint8_t **out, size_t *out_len, int k) {
  const struct cf_pool_info *info = cf_pool_get(k);
  const char *oid;
  CBB cbb, seq, child;
  if (info == NULL) {
    return 0;
  }
  oid = info->type == CF_KT_RSA       ? "1.2.840.113549.1.1.11"
        : info->type == CF_KT_ED25519 ? "1.3.101.112"
        : info->bits == 384           ? "1.2.840.10045.4.3.3"
        : info->bits == 521           ? "1.2.840.10045.4.3.4"
                                      : "1.2.840.10045.4.3.2";
  if (!CBB_init(&cbb, 32) || !CBB_add_asn1(&cbb, &seq, CBS_ASN1_SEQUENCE) ||
      !CBB_add_asn1(&seq, &child, CBS_ASN1_OBJECT) ||
      !CBB_add_asn1_oid_from_text(&child, oid, strlen(oid)) ||
      (info->type == CF_KT_RSA && !CBB_add_asn1(&seq, &child, CBS_ASN1_NULL)) ||
      !CBB_finish(&cbb, out, out_len)) {
    CBB_cleanup(&cbb);
    return 0;
  }
  return 1;
}

/* original_signer returns the pool key whose public key verifies the
 * signature of the DER certificate |der|, or -1. */
static int original_signer(const struct cf_pool *pool, const uint8_t *der,
                           size_t len) {
  const uint8_t *p = der;
  X509 *x = d2i_X509(NULL, &p, (long)len);
  int found = -1;
  if (x == NULL || p != der + len) {
    X509_free(x);
    ERR_clear_error();
    return -1;
  }
  for (size_t k = 0; k < cf_pool_count() && found < 0; k++) {
    if (pool->key[k] != NULL && X509_verify(x, pool->key[k]) == 1) {
      found = (int)k;
    }
  }
  X509_free(x);
  ERR_clear_error();
  return found;
}

/* find_issuer_key returns the pool key of the first certificate of |c| whose
 * subject is |issuer| (cert |self| counts with |self_parts|, its new
 * fields), or -1. */
static int find_issuer_key(struct mctx *m, const CBS *issuer, size_t self,
                           const struct cert_parts *self_parts) {
  size_t n = num_certs(&m->c);
  for (size_t i = 0; i < n; i++) {
    struct cert_parts p;
    const struct cert_parts *pp = &p;
    if (i == self) {
      pp = self_parts;
    } else {
      struct mcert *mc = cert_at(&m->c, i, NULL, NULL);
      if (!split_cert(&p, mc->der, mc->len)) {
        continue;
      }
    }
    if (cbs_eq(&pp->f[F_SUBJECT], issuer)) {
      int k = cf_pool_find_spki(m->pool, CBS_data(&pp->f[F_SPKI]),
                                CBS_len(&pp->f[F_SPKI]));
      if (k >= 0) {
        return k;
      }
    }
  }
  return -1;
}

/* attacker_key returns a random attacker-* pool key other than |not|. */
static int attacker_key(struct cf_rng *r, int not) {
  int keys[CF_POOL_MAX];
  size_t n = 0;
  for (size_t k = 0; k < cf_pool_count(); k++) {
    const struct cf_pool_info *info = cf_pool_get((int)k);
    if ((int)k != not && strncmp(info->name, "attacker-", 9) == 0) {
      keys[n++] = (int)k;
    }
  }
  return n == 0 ? -1 : keys[cf_rng_below(r, n)];
}

enum sign_mode { SIGN_HONEST, SIGN_WRONG_KEY };

/* sign_with writes Certificate { |p| with |e| applied, signed by |k| } into
 * |*out| (OPENSSL_free). k < 0 keeps |p|'s signature value. If |k| cannot
 * make |p|'s algorithm, both AlgorithmIdentifiers become its default. */
static int sign_with(uint8_t **out, size_t *out_len, struct mctx *m,
                     const struct cert_parts *p, struct field_edit *e, int k) {
  uint8_t *tbs = NULL, *alg = NULL;
  size_t tbs_len, alg_len;
  const uint8_t *alg_p = CBS_data(&p->alg);
  size_t alg_p_len = CBS_len(&p->alg);
  struct field_edit local;
  int ok = 0;

  if (e == NULL) {
    memset(&local, 0, sizeof(local));
    e = &local;
  }
  if (k >= 0 && !key_matches_alg(k, &p->alg)) {
    if (!default_alg_der(&alg, &alg_len, k)) {
      goto done;
    }
    alg_p = alg;
    alg_p_len = alg_len;
    if (!e->set[F_SIGALG]) {
      e->set[F_SIGALG] = 1;
      e->bytes[F_SIGALG] = alg;
      e->len[F_SIGALG] = alg_len;
    }
  }
  if (!rebuild_tbs(&tbs, &tbs_len, p, e)) {
    goto done;
  }
  if (k >= 0) {
    ok = cf_resign_cert(out, out_len, m->pool, k, alg_p, alg_p_len, tbs,
                        tbs_len);
  } else {
    /* Rule 3: keep the signature value. */
    CBB cbb, cert, bits;
    ok = CBB_init(&cbb, tbs_len + alg_p_len + CBS_len(&p->sig) + 16) &&
         CBB_add_asn1(&cbb, &cert, CBS_ASN1_SEQUENCE) &&
         CBB_add_bytes(&cert, tbs, tbs_len) &&
         CBB_add_bytes(&cert, alg_p, alg_p_len) &&
         CBB_add_asn1(&cert, &bits, CBS_ASN1_BITSTRING) &&
         CBB_add_bytes(&bits, CBS_data(&p->sig), CBS_len(&p->sig)) &&
         CBB_finish(&cbb, out, out_len);
    if (!ok) {
      CBB_cleanup(&cbb);
    }
  }

done:
  OPENSSL_free(tbs);
  OPENSSL_free(alg);
  ERR_clear_error();
  return ok;
}

/* resign replaces certificate |i| of the case by its parts |p| with edit
 * |e|, signed as the header says (|mode|), and records it in m->info. */
static int resign(struct mctx *m, size_t i, const struct cert_parts *p,
                  struct field_edit *e, enum sign_mode mode) {
  struct cert_parts np;
  uint8_t *tbs = NULL, *der = NULL;
  size_t tbs_len, der_len;
  struct mcert *mc = cert_at(&m->c, i, &m->info.role, &m->info.index);
  int k = -1, honest = 0, ok = 0;

  /* The new TBS, to find its issuer with its new fields. Its spans point
   * into |tbs|; |np| gets the original outer algorithm and signature. */
  if (!rebuild_tbs(&tbs, &tbs_len, p, e)) {
    goto done;
  }
  {
    CBB cbb, cert, bits;
    uint8_t *tmp = NULL;
    size_t tmp_len;
    if (!CBB_init(&cbb, tbs_len + 64) ||
        !CBB_add_asn1(&cbb, &cert, CBS_ASN1_SEQUENCE) ||
        !CBB_add_bytes(&cert, tbs, tbs_len) ||
        !CBB_add_bytes(&cert, CBS_data(&p->alg), CBS_len(&p->alg)) ||
        !CBB_add_asn1(&cert, &bits, CBS_ASN1_BITSTRING) ||
        !CBB_add_bytes(&bits, CBS_data(&p->sig), CBS_len(&p->sig)) ||
        !CBB_finish(&cbb, &tmp, &tmp_len)) {
      CBB_cleanup(&cbb);
      goto done;
    }
    OPENSSL_free(tbs);
    tbs = tmp;
    tbs_len = tmp_len;
    if (!split_cert(&np, tbs, tbs_len)) {
      /* The edit made a TBS that no longer splits (a byte-level edit):
       * its issuer is unknown, use the original signer. */
      np = *p;
    }
  }
  int issuer_k = find_issuer_key(m, &np.f[F_ISSUER], i, &np);
  if (issuer_k < 0) {
    issuer_k = original_signer(m->pool, mc->der, mc->len);
  }
  if (mode == SIGN_WRONG_KEY) {
    k = attacker_key(&m->rng, issuer_k);
  } else {
    k = issuer_k;
    honest = k >= 0;
  }
  if (!sign_with(&der, &der_len, m, p, e, k) ||
      !mcert_set(mc, der, der_len)) {
    goto done;
  }
  m->info.resigned = 1;
  m->info.key_idx = k;
  m->info.honest = honest;
  ok = 1;

done:
  OPENSSL_free(tbs);
  OPENSSL_free(der);
  return ok;
}

/* --- DER field edits -------------------------------------------------------
 * Each edit_* builds one new TBS field of certificate |p| into |cbb| and
 * returns the field it replaces (-1: not applicable). An empty |cbb|
 * removes the field. */

static int edit_validity(struct mctx *m, const struct cert_parts *p, CBB *cbb) {
  CBS v = p->f[F_VALIDITY], t[2];
  int64_t when[2];
  int gen[2];
  CBB seq;
  if (!CBS_get_asn1(&v, &v, CBS_ASN1_SEQUENCE) ||
      !CBS_get_any_asn1_element(&v, &t[0], NULL, NULL) ||
      !CBS_get_any_asn1_element(&v, &t[1], NULL, NULL) ||
      !parse_time(&when[0], &gen[0], &t[0]) ||
      !parse_time(&when[1], &gen[1], &t[1])) {
    return -1;
  }
  size_t which = cf_rng_below(&m->rng, 2);
  static const int64_t kDeltas[] = {1, 60, 3600, 86400, 30 * 86400,
                                    365 * 86400};
  int64_t now = cf_profile_effective_time(&m->c.profile);
  switch (cf_rng_below(&m->rng, 7)) {
    case 0:
    case 1: { /* ± a few seconds .. a year */
      int64_t d = kDeltas[cf_rng_below(&m->rng, 6)];
      when[which] += cf_rng_below(&m->rng, 2) ? d : -d;
      break;
    }
    case 2: /* the other encoding */
      gen[which] = !gen[which];
      break;
    case 3: { /* the UTCTime / GeneralizedTime boundary */
      static const int64_t kEdges[] = {
          INT64_C(2524607999), /* 2049-12-31T23:59:59Z */
          INT64_C(2524608000), /* 2050-01-01T00:00:00Z */
          INT64_C(-631152000), /* 1950-01-01T00:00:00Z */
          INT64_C(-631152001), /* 1949-12-31T23:59:59Z */
          INT64_C(253402300799), /* 9999-12-31T23:59:59Z */
      };
      when[which] = kEdges[cf_rng_below(&m->rng, 5)];
      gen[which] = cf_rng_below(&m->rng, 2);
      break;
    }
    case 4: /* the device's clock, just before, at or after */
      when[which] = now + (int64_t)cf_rng_below(&m->rng, 3) - 1;
      break;
    case 5: { /* notBefore and notAfter swapped */
      int64_t tw = when[0];
      int tg = gen[0];
      when[0] = when[1];
      when[1] = tw;
      gen[0] = gen[1];
      gen[1] = tg;
      break;
    }
    default: /* notAfter == notBefore (or one second before) */
      when[1] = when[0] - (int64_t)cf_rng_below(&m->rng, 2);
      break;
  }
  return CBB_add_asn1(cbb, &seq, CBS_ASN1_SEQUENCE) &&
                 add_time(&seq, when[0], gen[0]) &&
                 add_time(&seq, when[1], gen[1]) && CBB_flush(cbb)
             ? F_VALIDITY
             : -1;
}

static int edit_serial(struct mctx *m, const struct cert_parts *p, CBB *cbb) {
  CBB child;
  uint8_t buf[24];
  size_t len;
  switch (cf_rng_below(&m->rng, 6)) {
    case 0: /* zero */
      buf[0] = 0;
      len = 1;
      break;
    case 1: /* negative */
      buf[0] = 0xff;
      buf[1] = (uint8_t)cf_rng_next(&m->rng);
      len = 2;
      break;
    case 2: /* 21 bytes: one more than RFC 5280 allows */
    case 3: /* 20 bytes */
      len = cf_rng_below(&m->rng, 2) ? 21 : 20;
      for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)cf_rng_next(&m->rng);
      }
      buf[0] = (uint8_t)((buf[0] & 0x7f) | 0x40);
      break;
    case 4: { /* another certificate's serial (same issuer?) */
      size_t j = cf_rng_below(&m->rng, num_certs(&m->c));
      struct mcert *o = cert_at(&m->c, j, NULL, NULL);
      struct cert_parts op;
      if (!split_cert(&op, o->der, o->len) ||
          cbs_eq(&op.f[F_SERIAL], &p->f[F_SERIAL])) {
        return -1;
      }
      return CBB_add_bytes(cbb, CBS_data(&op.f[F_SERIAL]),
                           CBS_len(&op.f[F_SERIAL]))
                 ? F_SERIAL
                 : -1;
    }
    default: { /* one bit of the current one; or a non-minimal 00 prefix */
      CBS s = p->f[F_SERIAL];
      if (!CBS_get_asn1(&s, &s, CBS_ASN1_INTEGER) || CBS_len(&s) == 0 ||
          CBS_len(&s) > sizeof(buf) - 1) {
        return -1;
      }
      if (cf_rng_below(&m->rng, 2)) {
        buf[0] = 0;
        memcpy(buf + 1, CBS_data(&s), CBS_len(&s));
        len = CBS_len(&s) + 1;
      } else {
        memcpy(buf, CBS_data(&s), CBS_len(&s));
        len = CBS_len(&s);
        buf[len - 1] ^= (uint8_t)(1u << cf_rng_below(&m->rng, 8));
      }
      break;
    }
  }
  return CBB_add_asn1(cbb, &child, CBS_ASN1_INTEGER) &&
                 CBB_add_bytes(&child, buf, len) && CBB_flush(cbb)
             ? F_SERIAL
             : -1;
}

static int edit_version(struct mctx *m, const struct cert_parts *p, CBB *cbb) {
  CBB tagged, child;
  /* v1 (absent), explicit v1 (not DER), v2, v3, v4 (no such version). */
  size_t v = cf_rng_below(&m->rng, 5);
  if (v == 0) {
    return p->has[F_VERSION] ? F_VERSION : -1; /* empty: removed */
  }
  return CBB_add_asn1(cbb, &tagged, TAG_EXPLICIT(0)) &&
                 CBB_add_asn1(&tagged, &child, CBS_ASN1_INTEGER) &&
                 CBB_add_u8(&child, (uint8_t)(v - 1)) && CBB_flush(cbb)
             ? F_VERSION
             : -1;
}

/* edit_name_attr rewrites Name element |name| with one attribute changed,
 * dropped or duplicated. */
static int edit_name_attr(struct mctx *m, const CBS *name, CBB *cbb) {
  CBS n = *name, rdn, atv;
  size_t count = 0, pick, idx = 0;
  CBB seq, set, child;
  CBS copy;
  if (!CBS_get_asn1(&n, &n, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  copy = n;
  while (CBS_get_asn1(&copy, &rdn, CBS_ASN1_SET)) {
    count++;
  }
  if (count == 0) { /* an empty name: give it a CN */
    static const char kCn[] = "chainfuzz";
    CBB o, s;
    return CBB_add_asn1(cbb, &seq, CBS_ASN1_SEQUENCE) &&
           CBB_add_asn1(&seq, &set, CBS_ASN1_SET) &&
           CBB_add_asn1(&set, &child, CBS_ASN1_SEQUENCE) &&
           CBB_add_asn1(&child, &o, CBS_ASN1_OBJECT) &&
           CBB_add_asn1_oid_from_text(&o, kOidCommonName,
                                      strlen(kOidCommonName)) &&
           CBB_add_asn1(&child, &s, CBS_ASN1_UTF8STRING) &&
           CBB_add_bytes(&s, (const uint8_t *)kCn, sizeof(kCn) - 1) &&
           CBB_flush(cbb);
  }
  pick = cf_rng_below(&m->rng, count);
  size_t op = cf_rng_below(&m->rng, 7);
  if (!CBB_add_asn1(cbb, &seq, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  while (CBS_get_asn1_element(&n, &rdn, CBS_ASN1_SET)) {
    if (idx++ != pick) {
      if (!CBB_add_bytes(&seq, CBS_data(&rdn), CBS_len(&rdn))) {
        return 0;
      }
      continue;
    }
    if (op == 0) { /* dropped */
      continue;
    }
    if (op == 1) { /* duplicated */
      if (!CBB_add_bytes(&seq, CBS_data(&rdn), CBS_len(&rdn)) ||
          !CBB_add_bytes(&seq, CBS_data(&rdn), CBS_len(&rdn))) {
        return 0;
      }
      continue;
    }
    /* Change the first attribute's value. */
    CBS r = rdn, oid, val;
    unsigned tag;
    if (!CBS_get_asn1(&r, &r, CBS_ASN1_SET) ||
        !CBS_get_asn1(&r, &atv, CBS_ASN1_SEQUENCE) ||
        !CBS_get_asn1(&atv, &oid, CBS_ASN1_OBJECT) ||
        !CBS_get_any_asn1(&atv, &val, &tag)) {
      return 0;
    }
    uint8_t v[MAX_NAME_LEN + 4];
    size_t vlen = CBS_len(&val) < MAX_NAME_LEN ? CBS_len(&val) : MAX_NAME_LEN;
    memcpy(v, CBS_data(&val), vlen);
    switch (op) {
      case 2: /* case change of one letter */
        for (size_t k = 0; k < vlen; k++) {
          size_t i = (cf_rng_below(&m->rng, vlen) + k) % vlen;
          if ((v[i] | 0x20) >= 'a' && (v[i] | 0x20) <= 'z') {
            v[i] ^= 0x20;
            break;
          }
        }
        break;
      case 3: /* one character more */
        v[vlen++] = cf_rng_below(&m->rng, 2) ? ' ' : 'x';
        break;
      case 4: /* one character less */
        if (vlen > 0) {
          vlen--;
        }
        break;
      case 5: { /* another string type */
        static const unsigned kTypes[] = {
            CBS_ASN1_UTF8STRING, CBS_ASN1_PRINTABLESTRING, CBS_ASN1_IA5STRING,
            CBS_ASN1_T61STRING, CBS_ASN1_BMPSTRING};
        tag = kTypes[cf_rng_below(&m->rng, 5)];
        break;
      }
      default: /* an embedded NUL */
        v[vlen++] = 0;
        v[vlen++] = 'x';
        break;
    }
    if (!CBB_add_asn1(&seq, &set, CBS_ASN1_SET) ||
        !CBB_add_asn1(&set, &child, CBS_ASN1_SEQUENCE)) {
      return 0;
    }
    CBB o, s;
    if (!CBB_add_asn1(&child, &o, CBS_ASN1_OBJECT) ||
        !CBB_add_bytes(&o, CBS_data(&oid), CBS_len(&oid)) ||
        !CBB_add_asn1(&child, &s, tag) || !CBB_add_bytes(&s, v, vlen) ||
        !CBB_flush(&seq)) {
      return 0;
    }
    /* The other attributes of a multi-valued RDN are dropped. */
  }
  return CBB_flush(cbb);
}

static int edit_name(struct mctx *m, const struct cert_parts *p, CBB *cbb) {
  int f = cf_rng_below(&m->rng, 2) ? F_ISSUER : F_SUBJECT;
  if (cf_rng_below(&m->rng, 2)) {
    /* Copy another certificate's subject or issuer. */
    size_t j = cf_rng_below(&m->rng, num_certs(&m->c));
    struct mcert *o = cert_at(&m->c, j, NULL, NULL);
    struct cert_parts op;
    int of = cf_rng_below(&m->rng, 3) ? F_SUBJECT : F_ISSUER;
    if (!split_cert(&op, o->der, o->len) || cbs_eq(&op.f[of], &p->f[f])) {
      return -1;
    }
    return CBB_add_bytes(cbb, CBS_data(&op.f[of]), CBS_len(&op.f[of])) ? f
                                                                       : -1;
  }
  return edit_name_attr(m, &p->f[f], cbb) ? f : -1;
}

static int edit_spki(struct mctx *m, const struct cert_parts *p, CBB *cbb) {
  size_t n = cf_pool_count();
  int k = (int)cf_rng_below(&m->rng, n);
  for (size_t t = 0; t < n; t++, k = (int)((k + 1) % n)) {
    if (m->pool->spki[k] != NULL &&
        !(m->pool->spki_len[k] == CBS_len(&p->f[F_SPKI]) &&
          memcmp(m->pool->spki[k], CBS_data(&p->f[F_SPKI]),
                 m->pool->spki_len[k]) == 0)) {
      return CBB_add_bytes(cbb, m->pool->spki[k], m->pool->spki_len[k])
                 ? F_SPKI
                 : -1;
    }
  }
  return -1;
}

/* put_ext sets extension |oid| of |l| to |value| (owned by |l| from now):
 * replaces it if present, else adds it at a random place. */
static int put_ext(struct mctx *m, struct ext_list *l, const char *oid,
                   int critical, uint8_t *value, size_t value_len,
                   uint8_t *oid_buf, size_t oid_buf_len) {
  int x = find_ext(l, oid);
  struct ext *e;
  if (x < 0) {
    if (l->n == MAX_EXTS) {
      OPENSSL_free(value);
      return 0;
    }
    size_t at = cf_rng_below(&m->rng, l->n + 1);
    memmove(&l->e[at + 1], &l->e[at], (l->n - at) * sizeof(l->e[0]));
    l->n++;
    e = &l->e[at];
    if (!oid_der(&e->oid, oid_buf, oid_buf_len, oid)) {
      e->owned = NULL;
      OPENSSL_free(value);
      return 0;
    }
    e->critical = critical;
  } else {
    e = &l->e[x];
    OPENSSL_free(e->owned);
    if (critical >= 0) {
      e->critical = critical;
    }
  }
  e->owned = value;
  CBS_init(&e->value, value, value_len);
  return 1;
}

/* A value-builder: writes a new extnValue for |old| (NULL when absent). */
static int bc_value(struct mctx *m, CBB *out, const CBS *old) {
  CBB seq, child;
  int ca = cf_rng_below(&m->rng, 3) != 0;
  size_t path = cf_rng_below(&m->rng, 5); /* 0: absent, else pathLen path-1 */
  if (!CBB_add_asn1(out, &seq, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  if (ca && (!CBB_add_asn1(&seq, &child, CBS_ASN1_BOOLEAN) ||
             !CBB_add_u8(&child, 0xff))) {
    return 0;
  }
  if (path > 0 && !CBB_add_asn1_uint64(&seq, path == 4 ? 255 : path - 1)) {
    return 0;
  }
  return CBB_flush(out);
}

static int ku_value(struct mctx *m, CBB *out, const CBS *old) {
  uint32_t bits = 0; /* bit i = KeyUsage bit i (digitalSignature = 0) */
  CBS v;
  if (old != NULL) {
    v = *old;
    CBS b;
    if (CBS_get_asn1(&v, &b, CBS_ASN1_BITSTRING) && CBS_len(&b) >= 1) {
      const uint8_t *d = CBS_data(&b);
      for (size_t i = 1; i < CBS_len(&b) && i < 3; i++) {
        for (int j = 0; j < 8; j++) {
          if (d[i] & (0x80 >> j)) {
            bits |= 1u << ((i - 1) * 8 + j);
          }
        }
      }
    }
  }
  if (cf_rng_below(&m->rng, 4) == 0) {
    bits = 0;
  } else {
    bits ^= 1u << cf_rng_below(&m->rng, 9);
  }
  /* DER BIT STRING: no trailing zero bits. */
  uint8_t bytes[2] = {0, 0};
  int last = -1;
  for (int i = 0; i < 9; i++) {
    if (bits & (1u << i)) {
      bytes[i / 8] |= (uint8_t)(0x80 >> (i % 8));
      last = i;
    }
  }
  size_t nbytes = last < 0 ? 0 : (size_t)(last / 8 + 1);
  uint8_t unused = last < 0 ? 0 : (uint8_t)(7 - last % 8);
  CBB bs;
  return CBB_add_asn1(out, &bs, CBS_ASN1_BITSTRING) &&
         CBB_add_u8(&bs, unused) && CBB_add_bytes(&bs, bytes, nbytes) &&
         CBB_flush(out);
}

static int add_oid_text(CBB *cbb, const char *text) {
  CBB child;
  return CBB_add_asn1(cbb, &child, CBS_ASN1_OBJECT) &&
         CBB_add_asn1_oid_from_text(&child, text, strlen(text)) &&
         CBB_flush(cbb);
}

static int eku_value(struct mctx *m, CBB *out, const CBS *old) {
  CBS oids[16], v, seq;
  size_t n = 0;
  CBB s, child;
  size_t nk = sizeof(kEkuOids) / sizeof(kEkuOids[0]);
  if (old != NULL) {
    v = *old;
    if (CBS_get_asn1(&v, &seq, CBS_ASN1_SEQUENCE)) {
      while (n < 16 && CBS_get_asn1(&seq, &oids[n], CBS_ASN1_OBJECT)) {
        n++;
      }
    }
  }
  size_t op = cf_rng_below(&m->rng, 4);
  if (!CBB_add_asn1(out, &s, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  if (op == 0 || n == 0) { /* only one purpose */
    return add_oid_text(&s, kEkuOids[cf_rng_below(&m->rng, nk)]) &&
           CBB_flush(out);
  }
  size_t drop = op == 1 ? cf_rng_below(&m->rng, n) : n; /* op 1: drop one */
  for (size_t i = 0; i < n; i++) {
    if (i != drop && (!CBB_add_asn1(&s, &child, CBS_ASN1_OBJECT) ||
                      !CBB_add_bytes(&child, CBS_data(&oids[i]),
                                     CBS_len(&oids[i])) ||
                      !CBB_flush(&s))) {
      return 0;
    }
  }
  if (op >= 2 && !add_oid_text(&s, kEkuOids[cf_rng_below(&m->rng, nk)])) {
    return 0; /* op 2, 3: one more */
  }
  return CBB_flush(out);
}

/* add_gn_bytes writes a GeneralName with implicit tag |tag|. */
static int add_gn_bytes(CBB *cbb, unsigned tag, const void *data,
                        size_t len) {
  CBB child;
  return CBB_add_asn1(cbb, &child, TAG_IMPLICIT(tag)) &&
         CBB_add_bytes(&child, data, len) && CBB_flush(cbb);
}

/* random_gn writes a GeneralName near the names of the case. */
static int random_gn(struct mctx *m, CBB *cbb, const struct name_set *ns) {
  char name[MAX_NAME_LEN + 8];
  switch (cf_rng_below(&m->rng, 6)) {
    case 0: { /* an IP: from the profile or the chain, maybe one bit off */
      uint8_t ip[16] = {192, 0, 2, 1};
      size_t len = 4;
      if (m->c.profile.name_type == CF_NAME_IP) {
        memcpy(ip, m->c.profile.ip, m->c.profile.ip_len);
        len = m->c.profile.ip_len;
      } else if (ns->num_ip > 0) {
        size_t i = cf_rng_below(&m->rng, ns->num_ip);
        memcpy(ip, ns->ip[i], ns->ip_len[i]);
        len = ns->ip_len[i];
      }
      if (cf_rng_below(&m->rng, 2)) {
        ip[len - 1] ^= 1;
      }
      return add_gn_bytes(cbb, 7, ip, len);
    }
    case 1: /* an email */
      snprintf(name, sizeof(name), "a@%s", ns->dns[0]);
      return add_gn_bytes(cbb, 1, name, strlen(name));
    case 2: /* a URI */
      snprintf(name, sizeof(name), "https://%s/", ns->dns[0]);
      return add_gn_bytes(cbb, 6, name, strlen(name));
    default: { /* a dNSName near the expected name or one of the chain */
      const char *base = m->c.profile.name_type == CF_NAME_DNS &&
                                 cf_rng_below(&m->rng, 2)
                             ? m->c.profile.dns_name
                             : ns->dns[cf_rng_below(&m->rng, ns->num_dns)];
      near_miss(name, base, &m->rng);
      return add_gn_bytes(cbb, 2, name, strlen(name));
    }
  }
}

static int san_value(struct mctx *m, CBB *out, const CBS *old) {
  struct name_set ns;
  CBS v, seq, gn, all[32];
  size_t n = 0;
  CBB s;
  collect_names(&ns, &m->c);
  if (old != NULL) {
    v = *old;
    if (CBS_get_asn1(&v, &seq, CBS_ASN1_SEQUENCE)) {
      while (n < 32 && CBS_get_any_asn1_element(&seq, &gn, NULL, NULL)) {
        all[n++] = gn;
      }
    }
  }
  size_t op = cf_rng_below(&m->rng, 5);
  size_t skip = op == 0 && n > 0 ? cf_rng_below(&m->rng, n) : n;
  if (!CBB_add_asn1(out, &s, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  if (op == 4) { /* only one new name (op 4), or none at all */
    if (cf_rng_below(&m->rng, 4) != 0 && !random_gn(m, &s, &ns)) {
      return 0;
    }
    return CBB_flush(out);
  }
  for (size_t i = 0; i < n; i++) {
    if (i == skip) { /* op 0: one dropped, or replaced (op 1) */
      continue;
    }
    if (!CBB_add_bytes(&s, CBS_data(&all[i]), CBS_len(&all[i]))) {
      return 0;
    }
  }
  if (op != 0 && !random_gn(m, &s, &ns)) { /* ops 1..3: one added */
    return 0;
  }
  return CBB_flush(out);
}

static int nc_value(struct mctx *m, CBB *out, const CBS *old) {
  struct name_set ns;
  CBS v, seq, sub, trees[2][16];
  size_t n[2] = {0, 0};
  CBB s, t, st;
  collect_names(&ns, &m->c);
  if (old != NULL) {
    v = *old;
    if (CBS_get_asn1(&v, &seq, CBS_ASN1_SEQUENCE)) {
      for (unsigned which = 0; which < 2; which++) {
        /* Absent is success (1) and leaves |sub| untouched: only a present
         * element may be walked (issue 18). A malformed one ends the scan. */
        int present = 0;
        if (!CBS_get_optional_asn1(&seq, &sub, &present,
                                   TAG_EXPLICIT(which))) {
          break;
        }
        if (present) {
          CBS one;
          while (n[which] < 16 &&
                 CBS_get_asn1_element(&sub, &one, CBS_ASN1_SEQUENCE)) {
            trees[which][n[which]++] = one;
          }
        }
      }
    }
  }
  size_t op = cf_rng_below(&m->rng, 3);
  size_t add_to = cf_rng_below(&m->rng, 2);
  size_t drop_from = cf_rng_below(&m->rng, 2);
  size_t drop = op == 1 && n[drop_from] > 0 ? cf_rng_below(&m->rng, n[drop_from])
                                            : SIZE_MAX;
  if (!CBB_add_asn1(out, &s, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  for (unsigned which = 0; which < 2; which++) {
    int adding = op != 1 && add_to == which;
    size_t kept = n[which] - (drop_from == which && drop != SIZE_MAX);
    if (kept == 0 && !adding) {
      continue;
    }
    if (!CBB_add_asn1(&s, &t, TAG_EXPLICIT(which))) {
      return 0;
    }
    for (size_t i = 0; i < n[which]; i++) {
      if ((drop_from == which && i == drop) ||
          !CBB_add_bytes(&t, CBS_data(&trees[which][i]),
                         CBS_len(&trees[which][i]))) {
        if (!(drop_from == which && i == drop)) {
          return 0;
        }
      }
    }
    if (adding) {
      if (!CBB_add_asn1(&t, &st, CBS_ASN1_SEQUENCE)) {
        return 0;
      }
      if (op == 2) { /* an IP subtree: address and mask */
        uint8_t ipm[8] = {192, 0, 2, 0, 255, 255, 255, 0};
        if (ns.num_ip > 0 && ns.ip_len[0] == 4) {
          memcpy(ipm, ns.ip[0], 4);
          ipm[3] = 0;
        }
        if (!add_gn_bytes(&st, 7, ipm, 8)) {
          return 0;
        }
      } else { /* a dNSName subtree: a name of the case or its parent */
        char name[MAX_NAME_LEN + 8];
        near_miss(name, ns.dns[cf_rng_below(&m->rng, ns.num_dns)], &m->rng);
        if (!add_gn_bytes(&st, 2, name, strlen(name))) {
          return 0;
        }
      }
      if (!CBB_flush(&t)) {
        return 0;
      }
    }
    if (!CBB_flush(&s)) {
      return 0;
    }
  }
  return CBB_flush(out);
}

typedef int (*value_fn)(struct mctx *m, CBB *out, const CBS *old);

/* edit_exts applies extension mutation |kind| to |p|'s extensions. */
static int edit_exts(struct mctx *m, const struct cert_parts *p, CBB *cbb,
                     enum cf_mut_kind kind) {
  struct ext_list l;
  uint8_t oid_buf[32];
  uint8_t *der = NULL;
  size_t der_len;
  int ret = -1;
  if (!parse_exts(&l, p)) {
    return -1;
  }
  switch (kind) {
    case CF_MUT_EXT_DROP:
      if (l.n == 0) {
        goto done;
      } else {
        size_t i = cf_rng_below(&m->rng, l.n);
        OPENSSL_free(l.e[i].owned);
        memmove(&l.e[i], &l.e[i + 1], (l.n - i - 1) * sizeof(l.e[0]));
        l.n--;
      }
      break;
    case CF_MUT_EXT_DUP:
      if (l.n == 0 || l.n == MAX_EXTS) {
        goto done;
      } else {
        size_t i = cf_rng_below(&m->rng, l.n);
        memmove(&l.e[i + 1], &l.e[i], (l.n - i) * sizeof(l.e[0]));
        l.e[i + 1].owned = NULL; /* a copy of the span, not the bytes */
        l.n++;
      }
      break;
    case CF_MUT_EXT_CRITICAL:
      if (l.n == 0) {
        goto done;
      } else {
        size_t i = cf_rng_below(&m->rng, l.n);
        /* absent -> TRUE, TRUE -> absent, explicit FALSE (not DER) some
         * times. */
        l.e[i].critical = l.e[i].critical == 1 ? (cf_rng_below(&m->rng, 4) ? -1 : 0)
                                               : 1;
      }
      break;
    case CF_MUT_UNKNOWN_CRITICAL: {
      CBB v, null;
      uint8_t *value;
      size_t value_len;
      if (!CBB_init(&v, 8) || !CBB_add_asn1(&v, &null, CBS_ASN1_NULL) ||
          !CBB_finish(&v, &value, &value_len)) {
        CBB_cleanup(&v);
        goto done;
      }
      if (find_ext(&l, kOidUnknown) >= 0) {
        OPENSSL_free(value);
        goto done;
      }
      if (!put_ext(m, &l, kOidUnknown, 1, value, value_len, oid_buf,
                   sizeof(oid_buf))) {
        goto done;
      }
      break;
    }
    default: {
      const char *oid;
      value_fn fn;
      int critical = -1;
      switch (kind) {
        case CF_MUT_BASIC_CONSTRAINTS:
          oid = kOidBasicConstraints;
          fn = bc_value;
          critical = 1;
          break;
        case CF_MUT_KEY_USAGE:
          oid = kOidKeyUsage;
          fn = ku_value;
          critical = 1;
          break;
        case CF_MUT_EKU:
          oid = kOidEku;
          fn = eku_value;
          break;
        case CF_MUT_SAN:
          oid = kOidSan;
          fn = san_value;
          break;
        case CF_MUT_NAME_CONSTRAINTS:
          oid = kOidNameConstraints;
          fn = nc_value;
          critical = 1;
          break;
        default:
          goto done;
      }
      int x = find_ext(&l, oid);
      CBB v;
      uint8_t *value;
      size_t value_len;
      if (!CBB_init(&v, 128) || !fn(m, &v, x >= 0 ? &l.e[x].value : NULL) ||
          !CBB_finish(&v, &value, &value_len)) {
        CBB_cleanup(&v);
        goto done;
      }
      if (!put_ext(m, &l, oid, x >= 0 ? -1 : critical, value, value_len,
                   oid_buf, sizeof(oid_buf))) {
        goto done;
      }
      break;
    }
  }
  if (!encode_exts(&der, &der_len, &l, p->has[F_EXTS]) ||
      !CBB_add_bytes(cbb, der, der_len)) {
    goto done;
  }
  ret = F_EXTS;

done:
  OPENSSL_free(der);
  ext_list_free(&l);
  return ret;
}

/* edit_tbs_bytes hands the TBS contents to byte_mutate; the result becomes
 * the whole TBS (F_SERIAL..F_TAIL replaced by the mutated bytes). */
static int mutate_tbs_bytes(struct mctx *m, size_t i) {
  struct mcert *mc = cert_at(&m->c, i, NULL, NULL);
  struct cert_parts p;
  CBS body;
  uint8_t *buf;
  struct field_edit e;
  int ok;
  if (m->byte_mutate == NULL || !split_cert(&p, mc->der, mc->len)) {
    return 0;
  }
  body = p.tbs;
  if (!CBS_get_asn1(&body, &body, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  size_t cap = CBS_len(&body) + 64;
  buf = malloc(cap);
  if (buf == NULL) {
    return 0;
  }
  memcpy(buf, CBS_data(&body), CBS_len(&body));
  size_t n = m->byte_mutate(buf, CBS_len(&body), cap);
  memset(&e, 0, sizeof(e));
  for (int f = 0; f < F_COUNT; f++) {
    e.set[f] = 1; /* all removed ... */
  }
  e.bytes[F_VERSION] = buf; /* ... and the mutated body in their place */
  e.len[F_VERSION] = n;
  ok = resign(m, i, &p, &e, SIGN_HONEST);
  free(buf);
  return ok;
}

/* mutate_cert_field applies DER edit |kind| to certificate |i|. */
static int mutate_cert_field(struct mctx *m, size_t i, enum cf_mut_kind kind) {
  struct mcert *mc = cert_at(&m->c, i, NULL, NULL);
  struct cert_parts p;
  struct field_edit e;
  CBB cbb;
  uint8_t *bytes = NULL;
  size_t len = 0;
  int f = -1, ok = 0;
  if (!split_cert(&p, mc->der, mc->len) || !CBB_init(&cbb, 256)) {
    return 0;
  }
  switch (kind) {
    case CF_MUT_VALIDITY:
      f = edit_validity(m, &p, &cbb);
      break;
    case CF_MUT_SERIAL:
      f = edit_serial(m, &p, &cbb);
      break;
    case CF_MUT_VERSION:
      f = edit_version(m, &p, &cbb);
      break;
    case CF_MUT_NAME:
      f = edit_name(m, &p, &cbb);
      break;
    case CF_MUT_SPKI:
      f = edit_spki(m, &p, &cbb);
      break;
    case CF_MUT_WRONG_KEY:
      f = F_TAIL; /* nothing changes but the signature */
      break;
    default:
      f = edit_exts(m, &p, &cbb, kind);
      break;
  }
  if (f < 0 || !CBB_finish(&cbb, &bytes, &len)) {
    CBB_cleanup(&cbb);
    return 0;
  }
  memset(&e, 0, sizeof(e));
  if (kind != CF_MUT_WRONG_KEY) {
    e.set[f] = 1;
    e.bytes[f] = bytes;
    e.len[f] = len;
  }
  /* The SPKI swap re-signs what the certificate issued, with its new key. */
  CBS old_subject = p.f[F_SUBJECT];
  uint8_t *subject_copy = NULL;
  size_t subject_len = CBS_len(&old_subject);
  if (kind == CF_MUT_SPKI) {
    subject_copy = malloc(subject_len + 1);
    if (subject_copy == NULL) {
      goto done;
    }
    memcpy(subject_copy, CBS_data(&old_subject), subject_len);
  }
  ok = resign(m, i, &p, &e,
              kind == CF_MUT_WRONG_KEY ? SIGN_WRONG_KEY : SIGN_HONEST);
  if (ok && kind == CF_MUT_SPKI) {
    struct cf_mutation saved = m->info;
    int k = cf_pool_find_spki(m->pool, bytes, len);
    CBS subj;
    CBS_init(&subj, subject_copy, subject_len);
    for (size_t j = 0; j < num_certs(&m->c) && k >= 0; j++) {
      struct mcert *child = cert_at(&m->c, j, NULL, NULL);
      struct cert_parts cp;
      uint8_t *der = NULL;
      size_t der_len;
      if (j == i || !split_cert(&cp, child->der, child->len) ||
          !cbs_eq(&cp.f[F_ISSUER], &subj) ||
          cbs_eq(&cp.f[F_SUBJECT], &cp.f[F_ISSUER])) {
        continue;
      }
      if (sign_with(&der, &der_len, m, &cp, NULL, k)) {
        mcert_set(child, der, der_len);
      }
      OPENSSL_free(der);
    }
    m->info = saved;
  }

done:
  free(subject_copy);
  OPENSSL_free(bytes);
  return ok;
}

/* --- chain and profile mutations -------------------------------------------
 */

/* insert_cert puts a copy of |der| into role |role| (not the leaf) at a
 * random place. */
static int insert_cert(struct mctx *m, int role, const uint8_t *der,
                       size_t len) {
  struct mcert *list = role == CF_MUT_ROLE_ANCHOR ? m->c.anchors : m->c.inters;
  size_t *n = role == CF_MUT_ROLE_ANCHOR ? &m->c.num_anchors : &m->c.num_inters;
  size_t max = role == CF_MUT_ROLE_ANCHOR ? CF_MAX_ANCHORS : CF_MAX_INTERMEDIATES;
  struct mcert nc = {NULL, 0};
  if (*n == max || !mcert_set(&nc, der, len)) {
    return 0;
  }
  size_t at = cf_rng_below(&m->rng, *n + 1);
  memmove(&list[at + 1], &list[at], (*n - at) * sizeof(list[0]));
  list[at] = nc;
  (*n)++;
  return 1;
}

/* take_cert removes cert |idx| of role |role| (not the leaf) into |*out|. */
static void take_cert(struct mctx *m, int role, size_t idx,
                      struct mcert *out) {
  struct mcert *list = role == CF_MUT_ROLE_ANCHOR ? m->c.anchors : m->c.inters;
  size_t *n = role == CF_MUT_ROLE_ANCHOR ? &m->c.num_anchors : &m->c.num_inters;
  *out = list[idx];
  memmove(&list[idx], &list[idx + 1], (*n - idx - 1) * sizeof(list[0]));
  (*n)--;
}

static int mutate_chain(struct mctx *m, enum cf_mut_kind kind) {
  struct mcase *c = &m->c;
  int role = cf_rng_below(&m->rng, 3) ? CF_MUT_ROLE_INTERMEDIATE
                                   : CF_MUT_ROLE_ANCHOR;
  size_t n = role == CF_MUT_ROLE_ANCHOR ? c->num_anchors : c->num_inters;
  struct mcert *list = role == CF_MUT_ROLE_ANCHOR ? c->anchors : c->inters;
  switch (kind) {
    case CF_MUT_ADD_CERT: { /* any certificate of the case, in |role| */
      struct mcert *src =
          cert_at(c, cf_rng_below(&m->rng, num_certs(c)), NULL, NULL);
      uint8_t *copy = malloc(src->len);
      int ok;
      if (copy == NULL) {
        return 0;
      }
      memcpy(copy, src->der, src->len);
      ok = insert_cert(m, role, copy, src->len);
      free(copy);
      return ok;
    }
    case CF_MUT_DROP_CERT: {
      struct mcert gone;
      if (n == 0) {
        return 0;
      }
      take_cert(m, role, cf_rng_below(&m->rng, n), &gone);
      free(gone.der);
      return 1;
    }
    case CF_MUT_DUP_CERT: {
      size_t max = role == CF_MUT_ROLE_ANCHOR ? CF_MAX_ANCHORS
                                              : CF_MAX_INTERMEDIATES;
      size_t *np = role == CF_MUT_ROLE_ANCHOR ? &c->num_anchors
                                              : &c->num_inters;
      struct mcert nc = {NULL, 0};
      if (n == 0 || n == max) {
        return 0;
      }
      size_t i = cf_rng_below(&m->rng, n);
      if (!mcert_set(&nc, list[i].der, list[i].len)) {
        return 0;
      }
      memmove(&list[i + 1], &list[i], (n - i) * sizeof(list[0]));
      list[i + 1] = nc;
      (*np)++;
      return 1;
    }
    case CF_MUT_REORDER: {
      struct mcert tmp;
      if (c->num_inters < 2) {
        return 0;
      }
      size_t a = cf_rng_below(&m->rng, c->num_inters);
      size_t b = cf_rng_below(&m->rng, c->num_inters - 1);
      switch (cf_rng_below(&m->rng, 3)) {
        case 0: /* swap two */
          if (b >= a) {
            b++;
          }
          tmp = c->inters[a];
          c->inters[a] = c->inters[b];
          c->inters[b] = tmp;
          break;
        case 1: /* reverse */
          for (size_t i = 0; i < c->num_inters / 2; i++) {
            tmp = c->inters[i];
            c->inters[i] = c->inters[c->num_inters - 1 - i];
            c->inters[c->num_inters - 1 - i] = tmp;
          }
          break;
        default: /* rotate by one */
          tmp = c->inters[0];
          memmove(&c->inters[0], &c->inters[1],
                  (c->num_inters - 1) * sizeof(c->inters[0]));
          c->inters[c->num_inters - 1] = tmp;
          break;
      }
      return 1;
    }
    default: { /* CF_MUT_MOVE_ROLE */
      struct mcert moved, tmp;
      switch (cf_rng_below(&m->rng, 4)) {
        case 0: /* intermediate -> anchor */
          if (c->num_inters == 0 || c->num_anchors == CF_MAX_ANCHORS) {
            return 0;
          }
          take_cert(m, CF_MUT_ROLE_INTERMEDIATE,
                    cf_rng_below(&m->rng, c->num_inters), &moved);
          c->anchors[c->num_anchors++] = moved;
          return 1;
        case 1: /* anchor -> intermediate (end of the chain) */
          if (c->num_anchors == 0 || c->num_inters == CF_MAX_INTERMEDIATES) {
            return 0;
          }
          take_cert(m, CF_MUT_ROLE_ANCHOR, cf_rng_below(&m->rng, c->num_anchors),
                    &moved);
          c->inters[c->num_inters++] = moved;
          return 1;
        case 2: { /* leaf <-> an intermediate */
          if (c->num_inters == 0) {
            return 0;
          }
          size_t i = cf_rng_below(&m->rng, c->num_inters);
          tmp = c->leaf;
          c->leaf = c->inters[i];
          c->inters[i] = tmp;
          return 1;
        }
        default: { /* leaf <-> an anchor */
          if (c->num_anchors == 0) {
            return 0;
          }
          size_t i = cf_rng_below(&m->rng, c->num_anchors);
          tmp = c->leaf;
          c->leaf = c->anchors[i];
          c->anchors[i] = tmp;
          return 1;
        }
      }
    }
  }
}

static int mutate_profile(struct mctx *m, enum cf_mut_kind kind) {
  struct cf_profile *p = &m->c.profile;
  switch (kind) {
    case CF_MUT_TIME: {
      int64_t times[2 * (CF_MAX_ANCHORS + 1 + CF_MAX_INTERMEDIATES)];
      size_t nt = 0;
      for (size_t i = 0; i < num_certs(&m->c); i++) {
        struct mcert *mc = cert_at(&m->c, i, NULL, NULL);
        if (cert_validity(&times[nt], mc->der, mc->len)) {
          nt += 2;
        }
      }
      p->clock = CF_CLOCK_SET;
      if (nt == 0 || cf_rng_below(&m->rng, 8) == 0) {
        static const int64_t kTimes[] = {0, -1, INT64_C(2147483647),
                                         INT64_C(2147483648),
                                         INT64_C(2524608000), CF_DEFAULT_TIME};
        p->time = kTimes[cf_rng_below(&m->rng, 6)];
      } else {
        p->time = times[cf_rng_below(&m->rng, nt)] +
                  (int64_t)cf_rng_below(&m->rng, 3) - 1;
      }
      return 1;
    }
    case CF_MUT_CLOCK_UNSET:
      p->clock = p->clock == CF_CLOCK_SET ? CF_CLOCK_UNSET : CF_CLOCK_SET;
      return 1;
    case CF_MUT_DNS_NAME: {
      struct name_set ns;
      char name[MAX_NAME_LEN + 8];
      if (cf_rng_below(&m->rng, 16) == 0) {
        p->name_type = CF_NAME_NONE;
        p->dns_name_len = 0;
        p->dns_name[0] = '\0';
        return 1;
      }
      collect_names(&ns, &m->c);
      near_miss(name, ns.dns[cf_rng_below(&m->rng, ns.num_dns)], &m->rng);
      memset(p->ip, 0, sizeof(p->ip));
      p->ip_len = 0;
      return cf_profile_set_dns_name(p, name, strlen(name));
    }
    case CF_MUT_IP: {
      struct name_set ns;
      uint8_t ip[16] = {192, 0, 2, 1};
      size_t len = 4;
      collect_names(&ns, &m->c);
      if (ns.num_ip > 0) {
        size_t i = cf_rng_below(&m->rng, ns.num_ip);
        memcpy(ip, ns.ip[i], ns.ip_len[i]);
        len = ns.ip_len[i];
      } else if (p->name_type == CF_NAME_IP) {
        memcpy(ip, p->ip, p->ip_len);
        len = p->ip_len;
      }
      switch (cf_rng_below(&m->rng, 4)) {
        case 0:
          ip[len - 1] ^= (uint8_t)(1u << cf_rng_below(&m->rng, 8));
          break;
        case 1: /* IPv4 as IPv4-mapped IPv6, or back */
          if (len == 4) {
            uint8_t v6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
            memcpy(v6 + 12, ip, 4);
            memcpy(ip, v6, 16);
            len = 16;
          } else {
            memmove(ip, ip + 12, 4);
            len = 4;
          }
          break;
        default:
          break;
      }
      p->dns_name_len = 0;
      p->dns_name[0] = '\0';
      return cf_profile_set_ip(p, ip, len);
    }
    case CF_MUT_PURPOSE:
      p->purpose = (enum cf_purpose)((p->purpose + 1 +
                                      cf_rng_below(&m->rng, CF_PURPOSE_MAX)) %
                                     (CF_PURPOSE_MAX + 1));
      return 1;
    case CF_MUT_MAX_DEPTH: {
      size_t ni = m->c.num_inters;
      uint8_t v[] = {0, 1, (uint8_t)ni, (uint8_t)(ni > 0 ? ni - 1 : 0),
                     (uint8_t)(ni + 1), 255, CF_DEFAULT_MAX_DEPTH};
      p->max_depth = v[cf_rng_below(&m->rng, sizeof(v))];
      return 1;
    }
    default: /* CF_MUT_FLAGS */
      p->flags ^= 1u << cf_rng_below(&m->rng, 4);
      p->flags &= CF_PROFILE_FLAGS_DEVICE;
      return 1;
  }
}

/* mutate_cert_bytes hands one certificate record to byte_mutate. */
static int mutate_cert_bytes(struct mctx *m, size_t i) {
  struct mcert *mc = cert_at(&m->c, i, NULL, NULL);
  size_t cap = mc->len + 64;
  uint8_t *buf;
  if (m->byte_mutate == NULL || (buf = malloc(cap)) == NULL) {
    return 0;
  }
  memcpy(buf, mc->der, mc->len);
  size_t n = m->byte_mutate(buf, mc->len, cap);
  free(mc->der);
  mc->der = buf;
  mc->len = n;
  return 1;
}

/* --- the mutator -----------------------------------------------------------
 */

static const char *const kKindNames[CF_MUT_KIND_COUNT] = {
    "add-cert",   "drop-cert",    "dup-cert",
    "reorder",    "move-role",    "time",
    "clock-unset", "dns-name",    "ip",
    "purpose",    "max-depth",    "flags",
    "validity",   "serial",       "version",
    "name",       "spki",         "ext-drop",
    "ext-dup",    "ext-critical", "basic-constraints",
    "key-usage",  "eku",          "san",
    "name-constraints", "unknown-critical", "tbs-bytes",
    "wrong-key",  "cert-bytes",   "none",
    "bootstrap",
};

const char *cf_mut_kind_name(enum cf_mut_kind kind) {
  return (unsigned)kind < CF_MUT_KIND_COUNT ? kKindNames[kind] : "?";
}

/* kWeights: how often each kind is chosen (out of their sum). The
 * byte-level kinds need byte_mutate. */
static const uint8_t kWeights[CF_MUT_KIND_COUNT] = {
    [CF_MUT_ADD_CERT] = 4,        [CF_MUT_DROP_CERT] = 4,
    [CF_MUT_DUP_CERT] = 2,        [CF_MUT_REORDER] = 3,
    [CF_MUT_MOVE_ROLE] = 4,       [CF_MUT_TIME] = 5,
    [CF_MUT_CLOCK_UNSET] = 1,     [CF_MUT_DNS_NAME] = 5,
    [CF_MUT_IP] = 2,              [CF_MUT_PURPOSE] = 2,
    [CF_MUT_MAX_DEPTH] = 2,       [CF_MUT_FLAGS] = 2,
    [CF_MUT_VALIDITY] = 6,        [CF_MUT_SERIAL] = 3,
    [CF_MUT_VERSION] = 2,         [CF_MUT_NAME] = 5,
    [CF_MUT_SPKI] = 3,            [CF_MUT_EXT_DROP] = 3,
    [CF_MUT_EXT_DUP] = 2,         [CF_MUT_EXT_CRITICAL] = 3,
    [CF_MUT_BASIC_CONSTRAINTS] = 5, [CF_MUT_KEY_USAGE] = 4,
    [CF_MUT_EKU] = 4,             [CF_MUT_SAN] = 5,
    [CF_MUT_NAME_CONSTRAINTS] = 4, [CF_MUT_UNKNOWN_CRITICAL] = 2,
    [CF_MUT_TBS_BYTES] = 3,       [CF_MUT_WRONG_KEY] = 2,
    [CF_MUT_CERT_BYTES] = 2,      [CF_MUT_NONE] = 0,
};

static enum cf_mut_kind pick_kind(struct mctx *m) {
  unsigned total = 0;
  for (int k = 0; k < CF_MUT_KIND_COUNT; k++) {
    if (m->byte_mutate != NULL ||
        (k != CF_MUT_TBS_BYTES && k != CF_MUT_CERT_BYTES)) {
      total += kWeights[k];
    }
  }
  unsigned x = (unsigned)cf_rng_below(&m->rng, total);
  for (int k = 0; k < CF_MUT_KIND_COUNT; k++) {
    if (m->byte_mutate == NULL &&
        (k == CF_MUT_TBS_BYTES || k == CF_MUT_CERT_BYTES)) {
      continue;
    }
    if (x < kWeights[k]) {
      return (enum cf_mut_kind)k;
    }
    x -= kWeights[k];
  }
  return CF_MUT_TIME;
}

/* apply makes mutation |kind| on m->c; 0 if it does not apply. */
static int apply(struct mctx *m, enum cf_mut_kind kind) {
  size_t i = cf_rng_below(&m->rng, num_certs(&m->c));
  switch (kind) {
    case CF_MUT_ADD_CERT:
    case CF_MUT_DROP_CERT:
    case CF_MUT_DUP_CERT:
    case CF_MUT_REORDER:
    case CF_MUT_MOVE_ROLE:
      return mutate_chain(m, kind);
    case CF_MUT_TIME:
    case CF_MUT_CLOCK_UNSET:
    case CF_MUT_DNS_NAME:
    case CF_MUT_IP:
    case CF_MUT_PURPOSE:
    case CF_MUT_MAX_DEPTH:
    case CF_MUT_FLAGS:
      return mutate_profile(m, kind);
    case CF_MUT_TBS_BYTES:
      return mutate_tbs_bytes(m, i);
    case CF_MUT_CERT_BYTES:
      return mutate_cert_bytes(m, i);
    case CF_MUT_NONE:
    case CF_MUT_BOOTSTRAP:
    case CF_MUT_KIND_COUNT:
      return 0;
    default:
      return mutate_cert_field(m, i, kind);
  }
}

/* bootstrap replaces |data| (not a case) by the case certgen builds from it
 * read as recipe bytes; returns its length, or 0 when it cannot be built or
 * does not fit |max_size|. */
static size_t bootstrap(uint8_t *data, size_t size, size_t max_size,
                        const struct cf_pool *pool) {
  struct cf_recipe *r = malloc(sizeof(*r));
  struct cf_built built;
  uint8_t *der = NULL;
  size_t len = 0;
  char err[256];
  memset(&built, 0, sizeof(built));
  if (r == NULL) {
    return 0;
  }
  cf_recipe_from_bytes(r, size > 0 ? data : NULL, size);
  if (!cf_build_certs(&built, r, pool, err, sizeof(err)) ||
      !cf_build_case(&der, &len, r, &built) || len > max_size) {
    len = 0;
  } else {
    memcpy(data, der, len);
  }
  free(der);
  cf_built_free(&built);
  free(r);
  return len;
}

size_t cf_case_mutate_ex(struct cf_mutation *out, uint8_t *data, size_t size,
                         size_t max_size, unsigned int seed,
                         const struct cf_pool *pool,
                         size_t (*byte_mutate)(uint8_t *, size_t, size_t)) {
  struct cf_case parsed;
  struct cf_mutation none;
  size_t result = size <= max_size ? size : max_size;
  memset(&none, 0, sizeof(none));
  none.kind = CF_MUT_NONE;
  none.key_idx = -1;
  if (out != NULL) {
    *out = none;
  }
  if (cf_case_parse(&parsed, NULL, data, size) != CF_CASE_OK) {
    size_t built = seed % 2 == 0 ? bootstrap(data, size, max_size, pool) : 0;
    if (built > 0) {
      if (out != NULL) {
        out->kind = CF_MUT_BOOTSTRAP;
      }
      return built;
    }
    return byte_mutate != NULL ? byte_mutate(data, result, max_size) : result;
  }
  /* A few attempts: a kind may not apply to this case (no intermediate to
   * drop) or its output may not fit. */
  for (unsigned attempt = 0; attempt < 8; attempt++) {
    struct mctx m;
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    memset(&m, 0, sizeof(m));
    m.pool = pool;
    m.byte_mutate = byte_mutate;
    m.rng.s = ((uint64_t)seed << 8 | attempt) * UINT64_C(0x2545f4914f6cdd1d);
    m.info = none;
    if (!mcase_load(&m.c, &parsed)) {
      break;
    }
    enum cf_mut_kind kind = attempt < 6 ? pick_kind(&m) : CF_MUT_FLAGS;
    m.info.kind = kind;
    int ok = apply(&m, kind) && mcase_serialize(&enc, &enc_len, &m.c) &&
             enc_len <= max_size;
    mcase_free(&m.c);
    if (ok) {
      memcpy(data, enc, enc_len);
      free(enc);
      if (out != NULL) {
        *out = m.info;
      }
      return enc_len;
    }
    free(enc);
  }
  return result;
}

size_t cf_case_mutate(uint8_t *data, size_t size, size_t max_size,
                      unsigned int seed, const struct cf_pool *pool,
                      size_t (*byte_mutate)(uint8_t *, size_t, size_t)) {
  return cf_case_mutate_ex(NULL, data, size, max_size, seed, pool,
                           byte_mutate);
}

size_t cf_case_crossover(const uint8_t *data1, size_t size1,
                         const uint8_t *data2, size_t size2, uint8_t *out,
                         size_t max_out_size, unsigned int seed,
                         const struct cf_pool *pool) {
  struct cf_case a, b;
  struct mctx m;
  uint8_t *enc = NULL;
  size_t enc_len = 0, ret = 0;
  int ok = 0;
  (void)pool;
  if (cf_case_parse(&a, NULL, data1, size1) != CF_CASE_OK) {
    return 0;
  }
  if (cf_case_parse(&b, NULL, data2, size2) != CF_CASE_OK) {
    if (size1 > max_out_size) {
      return 0;
    }
    memcpy(out, data1, size1);
    return size1;
  }
  memset(&m, 0, sizeof(m));
  m.rng.s = (uint64_t)seed * UINT64_C(0x9e3779b97f4a7c15) + 1;
  if (!mcase_load(&m.c, &a)) {
    return 0;
  }
  /* b's certificates, leaf first. */
  const struct cf_blob *certs[CF_MAX_ANCHORS + 1 + CF_MAX_INTERMEDIATES];
  size_t nb = 0;
  certs[nb++] = &b.leaf;
  for (size_t i = 0; i < b.num_intermediates; i++) {
    certs[nb++] = &b.intermediates[i];
  }
  for (size_t i = 0; i < b.num_anchors; i++) {
    certs[nb++] = &b.anchors[i];
  }
  const struct cf_blob *pick = certs[cf_rng_below(&m.rng, nb)];
  switch (cf_rng_below(&m.rng, 5)) {
    case 0: /* one of b's certificates as an intermediate */
      ok = insert_cert(&m, CF_MUT_ROLE_INTERMEDIATE, pick->data, pick->len);
      break;
    case 1: /* ... as an anchor */
      ok = insert_cert(&m, CF_MUT_ROLE_ANCHOR, pick->data, pick->len);
      break;
    case 2: /* ... as the leaf */
      ok = mcert_set(&m.c.leaf, pick->data, pick->len);
      break;
    case 3: /* b's intermediates after a's */
      ok = 1;
      for (size_t i = 0; i < b.num_intermediates &&
                         m.c.num_inters < CF_MAX_INTERMEDIATES;
           i++) {
        ok = ok && mcert_set(&m.c.inters[m.c.num_inters++],
                             b.intermediates[i].data, b.intermediates[i].len);
      }
      break;
    default: /* b's device profile */
      m.c.profile = b.profile;
      ok = 1;
      break;
  }
  if (ok && mcase_serialize(&enc, &enc_len, &m.c) && enc_len <= max_out_size) {
    memcpy(out, enc, enc_len);
    ret = enc_len;
  }
  free(enc);
  mcase_free(&m.c);
  return ret;
}

const struct cf_pool *cf_case_mutator_pool(void) {
  static struct cf_pool pool;
  static int loaded;
  if (!loaded) {
    char err[256];
    if (!cf_pool_load_embedded(&pool, err, sizeof(err))) {
      fprintf(stderr, "chainfuzz case mutator: cannot load the key pool: %s\n",
              err);
      abort();
    }
    loaded = 1;
  }
  return &pool;
}

/* --- mutation records (case_mutator.h) -------------------------------------
 */

static void put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

int cf_mutation_record_parse(struct cf_mutation_record *out, const uint8_t *in,
                             size_t len) {
  if (len < CF_MUTATION_RECORD_HEADER_LEN || memcmp(in, "CFMR", 4) != 0 ||
      in[4] != 1 || in[5] > CF_MUTATION_OP_CROSSOVER ||
      (in[6] & ~CF_MUTATION_FLAG_NO_BYTE_MUTATE) != 0 || in[7] != 0) {
    return 0;
  }
  size_t size1 = get_u32(in + 16);
  size_t rest = len - CF_MUTATION_RECORD_HEADER_LEN;
  if (size1 > rest || (in[5] == CF_MUTATION_OP_MUTATE && size1 != rest)) {
    return 0;
  }
  out->op = in[5];
  out->flags = in[6];
  out->seed = get_u32(in + 8);
  out->max_size = get_u32(in + 12);
  out->data1 = in + CF_MUTATION_RECORD_HEADER_LEN;
  out->size1 = size1;
  out->data2 = out->op == CF_MUTATION_OP_CROSSOVER ? out->data1 + size1 : NULL;
  out->size2 = out->op == CF_MUTATION_OP_CROSSOVER ? rest - size1 : 0;
  return 1;
}

/* record_encode_into writes |r| into |*buf| (grown as needed, capacity
 * |*cap|); its length, or 0. */
static size_t record_encode_into(uint8_t **buf, size_t *cap,
                                 const struct cf_mutation_record *r) {
  size_t size2 = r->op == CF_MUTATION_OP_CROSSOVER ? r->size2 : 0;
  if (r->size1 > UINT32_MAX || r->max_size > UINT32_MAX ||
      size2 > SIZE_MAX - CF_MUTATION_RECORD_HEADER_LEN - r->size1) {
    return 0;
  }
  size_t len = CF_MUTATION_RECORD_HEADER_LEN + r->size1 + size2;
  if (len > *cap) {
    uint8_t *nb = realloc(*buf, len);
    if (nb == NULL) {
      return 0;
    }
    *buf = nb;
    *cap = len;
  }
  uint8_t *p = *buf;
  memcpy(p, "CFMR", 4);
  p[4] = 1;
  p[5] = (uint8_t)r->op;
  p[6] = (uint8_t)r->flags;
  p[7] = 0;
  put_u32(p + 8, r->seed);
  put_u32(p + 12, (uint32_t)r->max_size);
  put_u32(p + 16, (uint32_t)r->size1);
  if (r->size1 > 0) {
    memcpy(p + CF_MUTATION_RECORD_HEADER_LEN, r->data1, r->size1);
  }
  if (size2 > 0) {
    memcpy(p + CF_MUTATION_RECORD_HEADER_LEN + r->size1, r->data2, size2);
  }
  return len;
}

uint8_t *cf_mutation_record_encode(size_t *out_len,
                                   const struct cf_mutation_record *r) {
  uint8_t *buf = NULL;
  size_t cap = 0;
  *out_len = record_encode_into(&buf, &cap, r);
  if (*out_len == 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* The record file of this process (case_mutator.h). |state|: 0 not decided
 * yet, 1 on, -1 off. The file stays open for the life of the process;
 * a call writes its record at offset 0 (the file was empty, so it is then
 * exactly the record) and truncates it to nothing when it returns. */
static struct {
  int state;
  int fd;
  int active; /* the file holds a record */
  char path[4096];
  uint8_t *buf;
  size_t cap;
} g_rec;
static int g_replaying;
static const struct cf_mutation_record *g_replay_rec;

/* artifact_prefix copies libFuzzer's -artifact_prefix= from our command
 * line into |out|; 0 if there is none. */
static int artifact_prefix(char *out, size_t out_len) {
  static const char kFlag[] = "-artifact_prefix=";
  char cmd[16384];
  size_t n = 0;
  int ok = 0;
  FILE *f = fopen("/proc/self/cmdline", "rb");
  if (f == NULL) {
    return 0;
  }
  n = fread(cmd, 1, sizeof(cmd) - 1, f);
  fclose(f);
  cmd[n] = '\0';
  for (size_t i = 0; i < n; i += strlen(cmd + i) + 1) {
    if (strncmp(cmd + i, kFlag, sizeof(kFlag) - 1) == 0) {
      snprintf(out, out_len, "%s", cmd + i + sizeof(kFlag) - 1);
      ok = 1; /* the last one wins, as in libFuzzer */
    }
  }
  return ok;
}

/* record_atexit removes the (empty) record file on a normal exit. */
static void record_atexit(void) {
  if (g_rec.state > 0 && !g_rec.active) {
    close(g_rec.fd);
    unlink(g_rec.path);
    g_rec.state = -1;
  }
}

static void record_off(const char *what) {
  fprintf(stderr,
          "chainfuzz case mutator: cannot %s the mutation record %s (%s); a "
          "crash inside the mutator will not be reproducible. Set "
          "CHAINFUZZ_MUTATION_RECORD to a writable prefix, or to 0.\n",
          what, g_rec.path, strerror(errno));
  g_rec.state = -1;
}

static void record_init(void) {
  const char *env = getenv("CHAINFUZZ_MUTATION_RECORD");
  char prefix[2048] = "";
  g_rec.state = -1;
  if (env != NULL && strcmp(env, "0") == 0) {
    return;
  }
  if (env != NULL && env[0] != '\0') {
    snprintf(prefix, sizeof(prefix), "%s", env);
  } else {
    artifact_prefix(prefix, sizeof(prefix));
  }
  /* Hidden ('.') in the prefix's directory: never mistaken for an
   * artifact while it is empty (chainfuzz triage looks inside). */
  const char *slash = strrchr(prefix, '/');
  size_t dir_len = slash != NULL ? (size_t)(slash - prefix) + 1 : 0;
  if (snprintf(g_rec.path, sizeof(g_rec.path), "%.*s.%smutation-%ld",
               (int)dir_len, prefix, prefix + dir_len,
               (long)getpid()) >= (int)sizeof(g_rec.path)) {
    return;
  }
  g_rec.fd = open(g_rec.path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (g_rec.fd < 0) {
    record_off("create");
    return;
  }
  g_rec.state = 1;
  atexit(record_atexit);
}

const char *cf_mutation_record_path(void) {
  if (g_rec.state == 0) {
    record_init();
  }
  return g_rec.state > 0 ? g_rec.path : NULL;
}

void cf_mutation_record_begin(const struct cf_mutation_record *r) {
  if (g_replaying || (g_rec.state == 0 && (record_init(), 0)) ||
      g_rec.state < 0) {
    return;
  }
  size_t len = record_encode_into(&g_rec.buf, &g_rec.cap, r);
  size_t off = 0;
  while (off < len) {
    ssize_t w = pwrite(g_rec.fd, g_rec.buf + off, len - off, (off_t)off);
    if (w <= 0) {
      break;
    }
    off += (size_t)w;
  }
  if (len == 0 || off != len) {
    if (ftruncate(g_rec.fd, 0) != 0) {
      /* nothing more to do: records go off below */
    }
    record_off("write");
    return;
  }
  g_rec.active = 1;
}

void cf_mutation_record_end(void) {
  if (g_rec.active) {
    if (ftruncate(g_rec.fd, 0) != 0) {
      record_off("empty");
    }
    g_rec.active = 0;
  }
}

int cf_mutation_replaying(void) { return g_replaying; }

size_t cf_mutation_flip(uint64_t seed, uint8_t *data, size_t size) {
  uint64_t h = UINT64_C(1469598103934665603) ^ seed;
  if (size == 0) {
    return 0;
  }
  for (size_t i = 0; i < size; i++) {
    h = (h ^ data[i]) * UINT64_C(1099511628211);
  }
  data[h % size] ^= (uint8_t)(1u << ((h >> 40) & 7));
  return size;
}

/* replay_byte_mutate is the deterministic stand-in for LLVMFuzzerMutate
 * while a record is replayed (cf_mutation_flip with the record's seed). */
static size_t replay_byte_mutate(uint8_t *data, size_t size, size_t max_size) {
  (void)max_size;
  return cf_mutation_flip(g_replay_rec != NULL ? g_replay_rec->seed : 0, data,
                          size);
}

size_t (*cf_mutation_byte_mutator(size_t (*live)(uint8_t *, size_t, size_t)))(
    uint8_t *, size_t, size_t) {
  if (!g_replaying) {
    return live;
  }
  return g_replay_rec != NULL &&
                 (g_replay_rec->flags & CF_MUTATION_FLAG_NO_BYTE_MUTATE)
             ? NULL
             : replay_byte_mutate;
}

int cf_mutation_record_replay(
    const uint8_t *data, size_t size,
    size_t (*mutate)(uint8_t *, size_t, size_t, unsigned int),
    size_t (*crossover)(const uint8_t *, size_t, const uint8_t *, size_t,
                        uint8_t *, size_t, unsigned int),
    int (*test)(const uint8_t *, size_t)) {
  struct cf_mutation_record r;
  if (g_replaying || !cf_mutation_record_parse(&r, data, size) ||
      r.max_size > CF_MUTATION_REPLAY_MAX_SIZE) {
    return 0;
  }
  /* The hook's buffer: the input, with room for max_size bytes. */
  size_t cap = r.max_size > r.size1 ? r.max_size : r.size1;
  uint8_t *buf = malloc(cap > 0 ? cap : 1);
  size_t n = 0;
  if (buf == NULL) {
    return 1;
  }
  if (r.size1 > 0) {
    memcpy(buf, r.data1, r.size1);
  }
  g_replaying = 1;
  g_replay_rec = &r;
  if (r.op == CF_MUTATION_OP_MUTATE) {
    n = mutate(buf, r.size1, r.max_size, r.seed);
  } else {
    n = crossover(r.data1, r.size1, r.data2, r.size2, buf, r.max_size, r.seed);
  }
  g_replay_rec = NULL;
  /* The target on the mutated input, as libFuzzer runs it next; a record
   * inside it is not replayed again. */
  if (n <= cap) {
    test(buf, n);
  }
  g_replaying = 0;
  free(buf);
  return 1;
}
