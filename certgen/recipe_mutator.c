/* recipe_mutator.c — the structure-aware recipe mutator (recipe_mutator.h).
 *
 * A mutation decodes the input into a recipe, changes one thing in the
 * model and encodes it again; certificates keep the indices, names and
 * subjects the decoder gives them (cf_rb_cert_name), so that an inserted
 * or dropped certificate does not turn the others' default subjects into
 * explicit fields. */
#include "recipe_mutator.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "keypool.h"
#include "recipe.h"
#include "recipe_bytes.h"
#include "rng.h"

static const char *const kKindNames[CF_RMUT_KIND_COUNT] = {
    "insert-ica", "drop-cert", "anchors", "chain",   "basic-constraints",
    "key-usage",  "eku",       "validity", "purpose", "name",
    "policy",     "none",
};

const char *cf_rmut_kind_name(enum cf_rmut_kind kind) {
  return (unsigned)kind < CF_RMUT_KIND_COUNT ? kKindNames[kind] : "?";
}

/* mctx is one mutation: the recipe, the choices, what was done. */
struct mctx {
  struct cf_recipe *r;
  struct cf_rng rng;
  int cert; /* cf_rmutation.cert */
};

/* --- index lists (chain, anchors) -------------------------------------- */

static int list_find(const int *list, size_t n, int v) {
  for (size_t i = 0; i < n; i++) {
    if (list[i] == v) {
      return (int)i;
    }
  }
  return -1;
}

static void list_remove_at(int *list, size_t *n, size_t at) {
  memmove(list + at, list + at + 1, (*n - at - 1) * sizeof(*list));
  (*n)--;
}

static void list_insert_at(int *list, size_t *n, size_t at, int v) {
  memmove(list + at + 1, list + at, (*n - at) * sizeof(*list));
  list[at] = v;
  (*n)++;
}

/* --- renumbering --------------------------------------------------------- */

/* default_subject writes the subject the template of cert |i| gives it
 * under |name| (cf_rcert_init). */
static void default_subject(struct cf_rname *out, const struct cf_rcert *c,
                            const char *name, size_t i) {
  static struct cf_rcert t;
  cf_rcert_init(&t, c->tpl, name, (int)i, c->key);
  *out = t.subject;
}


/* rename_cert gives cert |to| (which was at index |from|) the decoder's
 * name for its new index; a subject that was its template's default under
 * the old name becomes the default under the new one, and so does every
 * explicit issuer name that spelled it. */
static void rename_cert(struct cf_recipe *r, size_t from, size_t to) {
  static struct cf_rname old_subject, new_subject;
  struct cf_rcert *c = &r->certs[to];
  char old_name[CF_RECIPE_MAX_CERT_NAME + 1], new_name[sizeof(old_name)];
  cf_rb_cert_name(old_name, c->tpl, from);
  cf_rb_cert_name(new_name, c->tpl, to);
  snprintf(c->name, sizeof(c->name), "%s", new_name);
  default_subject(&old_subject, c, old_name, from);
  default_subject(&new_subject, c, new_name, to);
  if (cf_rname_identical(&old_subject, &new_subject)) {
    return; /* the leaf template: its subject is not its name */
  }
  for (size_t i = 0; i < r->num_certs; i++) {
    struct cf_rcert *o = &r->certs[i];
    if (o->has_issuer_name && cf_rname_identical(&o->issuer_name, &old_subject)) {
      o->issuer_name = new_subject;
    }
  }
  if (cf_rname_identical(&c->subject, &old_subject)) {
    c->subject = new_subject;
  }
}

/* open_slot makes room for a cert at index |at| (the certs from |at| on
 * move up by one and every index to them follows). */
static void open_slot(struct cf_recipe *r, size_t at) {
  struct cf_rdevice *dev = &r->device;
  size_t n = r->num_certs;
  for (size_t i = n; i > at; i--) {
    r->certs[i] = r->certs[i - 1];
  }
  r->num_certs = n + 1;
  for (size_t i = 0; i <= n; i++) {
    if (i != at && r->certs[i].issuer >= (int)at) {
      r->certs[i].issuer++;
    }
  }
  for (size_t i = 0; i < dev->num_chain; i++) {
    dev->chain[i] += dev->chain[i] >= (int)at;
  }
  for (size_t i = 0; i < dev->num_anchors; i++) {
    dev->anchors[i] += dev->anchors[i] >= (int)at;
  }
  for (size_t i = n; i > at; i--) {
    rename_cert(r, i - 1, i);
  }
}

/* close_slot removes cert |at|: the certs it issued get its issuer (or
 * become self-issued when it was), and the chain and anchors lose it. */
static void close_slot(struct cf_recipe *r, size_t at) {
  struct cf_rdevice *dev = &r->device;
  int up = r->certs[at].issuer;
  size_t n = r->num_certs;
  for (size_t i = 0; i < n; i++) {
    if (i != at && r->certs[i].issuer == (int)at) {
      r->certs[i].issuer = up == (int)at ? (int)i : up;
    }
  }
  for (size_t i = at; i + 1 < n; i++) {
    r->certs[i] = r->certs[i + 1];
  }
  r->num_certs = n - 1;
  for (size_t i = 0; i < r->num_certs; i++) {
    r->certs[i].issuer -= r->certs[i].issuer > (int)at;
  }
  int pos;
  while ((pos = list_find(dev->chain, dev->num_chain, (int)at)) >= 0) {
    list_remove_at(dev->chain, &dev->num_chain, (size_t)pos);
  }
  while ((pos = list_find(dev->anchors, dev->num_anchors, (int)at)) >= 0) {
    list_remove_at(dev->anchors, &dev->num_anchors, (size_t)pos);
  }
  for (size_t i = 0; i < dev->num_chain; i++) {
    dev->chain[i] -= dev->chain[i] > (int)at;
  }
  for (size_t i = 0; i < dev->num_anchors; i++) {
    dev->anchors[i] -= dev->anchors[i] > (int)at;
  }
  for (size_t i = at; i < r->num_certs; i++) {
    rename_cert(r, i + 1, i);
  }
}

/* --- the chain ----------------------------------------------------------- */

/* fresh_key returns a P-256 pool key no cert of |r| uses, preferring the
 * intermediate slots (keypool.h names). */
static int fresh_key(const struct cf_recipe *r) {
  static const char *const kPrefer[] = {
      "intermediate-p256", "intermediate2-p256", "root2-p256",
      "root-p256",         "leaf-p256",          "attacker-p256"};
  int first = -1;
  for (size_t k = 0; k < sizeof(kPrefer) / sizeof(kPrefer[0]); k++) {
    int key = cf_pool_index(kPrefer[k]);
    int used = 0;
    if (key < 0) {
      continue;
    }
    first = first < 0 ? key : first;
    for (size_t i = 0; i < r->num_certs && !used; i++) {
      used = r->certs[i].key == key;
    }
    if (!used) {
      return key;
    }
  }
  return first;
}

/* issuer_dn is the issuer DN cert |i| is built with. */
static const struct cf_rname *issuer_dn(const struct cf_recipe *r, size_t i) {
  const struct cf_rcert *c = &r->certs[i];
  return c->has_issuer_name ? &c->issuer_name : &r->certs[c->issuer].subject;
}

/* tight_path_len gives a CA above the leaf (on its issuer links) the
 * pathLen of the non-self-issued intermediates below it, or one fewer:
 * the edge of RFC 5280 6.1.4 (l)-(m) that a lax validator misses, which a
 * pathLen drawn from 0-2 rarely hits once the chain is long. */
static int tight_path_len(struct mctx *m) {
  struct cf_recipe *r = m->r;
  int up[CF_RB_MAX_CERTS], below[CF_RB_MAX_CERTS];
  size_t n = 0;
  int cur = r->device.chain[0], count = 0;
  for (size_t step = 0; step < r->num_certs; step++) {
    int next = r->certs[cur].issuer;
    if (next == cur || next < 0 || (size_t)next >= r->num_certs) {
      break;
    }
    if (step > 0) { /* |cur| is an intermediate below |next| */
      count += !cf_rname_identical(&r->certs[cur].subject, issuer_dn(r, (size_t)cur));
    }
    if (count > 0 && list_find(up, n, next) < 0 && n < CF_RB_MAX_CERTS) {
      up[n] = next;
      below[n++] = count;
    }
    cur = next;
  }
  if (n == 0) {
    return 0;
  }
  size_t k = cf_rng_below(&m->rng, n);
  struct cf_rcert *c = &r->certs[up[k]];
  int len = below[k] - (int)cf_rng_below(&m->rng, 2);
  if (c->bc == CF_RBC_CA && c->bc_path_len == len) {
    return 0;
  }
  c->bc = CF_RBC_CA;
  c->bc_path_len = len;
  m->cert = up[k];
  return 1;
}

/* insert_above puts a new intermediate (the ica template, a fresh key)
 * between cert |at| and its issuer: the new one takes index |at| (|at|
 * moves up by one) and follows it in the chain as sent. 0 if no key. */
static int insert_above(struct mctx *m, size_t at) {
  struct cf_recipe *r = m->r;
  struct cf_rdevice *dev = &r->device;
  int key = fresh_key(r);
  char name[CF_RECIPE_MAX_CERT_NAME + 1];
  if (key < 0) {
    return 0;
  }
  open_slot(r, at); /* the cert issued by the new one is now at + 1 */
  struct cf_rcert *ica = &r->certs[at], *below = &r->certs[at + 1];
  cf_rb_cert_name(name, CF_TPL_ICA, at);
  cf_rcert_init(ica, CF_TPL_ICA, name, (int)at, key);
  ica->line = (unsigned)at + 1;
  ica->issuer = below->issuer;
  below->issuer = (int)at;
  int pos = list_find(dev->chain, dev->num_chain, (int)at + 1);
  if (pos >= 0 && dev->num_chain < CF_RB_MAX_CHAIN) {
    list_insert_at(dev->chain, &dev->num_chain, (size_t)pos + 1, (int)at);
  }
  return 1;
}

/* insert_ica puts a new intermediate (the ica template) between a cert
 * that is not self-issued and its issuer; where that cert is in the chain
 * as sent, the intermediate follows it there. */
static int insert_ica(struct mctx *m) {
  struct cf_recipe *r = m->r;
  struct cf_rdevice *dev = &r->device;
  int cand[CF_RB_MAX_CERTS];
  size_t nc = 0;
  if (r->num_certs >= CF_RB_MAX_CERTS) {
    return 0;
  }
  /* Certs in the chain first: that is where an intermediate changes what
   * the device checks. */
  for (size_t i = 0; i < dev->num_chain; i++) {
    int t = dev->chain[i];
    if (r->certs[t].issuer != t && list_find(cand, nc, t) < 0) {
      cand[nc++] = t;
    }
  }
  if (nc == 0 || cf_rng_below(&m->rng, 4) == 0) {
    nc = 0;
    for (size_t t = 0; t < r->num_certs; t++) {
      if (r->certs[t].issuer != (int)t) {
        cand[nc++] = (int)t;
      }
    }
  }
  if (nc == 0) {
    return 0;
  }
  size_t at = (size_t)cand[cf_rng_below(&m->rng, nc)];
  if (!insert_above(m, at)) {
    return 0;
  }
  struct cf_rcert *ica = &r->certs[at];
  int up = ica->issuer;
  switch (cf_rng_below(&m->rng, 8)) {
    /* One in four is no CA (cA FALSE, or no basicConstraints): the
     * CA-flag check's shape in one step instead of two. */
    case 0: ica->bc = CF_RBC_EE; break;
    case 1: ica->bc = CF_RBC_ABSENT; break;
    /* One in eight is a pair: a second intermediate below the new one,
     * which gets pathLen 0 — the path-length check's shape in one step. */
    case 2:
      if (r->num_certs < CF_RB_MAX_CERTS && insert_above(m, at + 1)) {
        r->certs[at].bc = CF_RBC_CA;
        r->certs[at].bc_path_len = 0;
      }
      break;
    /* One in four is self-issued: its issuer's subject under a new key (a
     * key rollover), which RFC 5280 leaves out of the pathLen count (6.1.4
     * (l)) and of name constraints (6.1.3 (b)); the cert below then names
     * two certificates as its issuer, told apart by the key identifiers. */
    case 3:
    case 4: /* |up| is never |at|: candidates are not self-issued */
      ica->subject = r->certs[up].subject;
      break;
    default: break;
  }
  m->cert = (int)at;
  return 1;
}

/* drop_cert removes a cert that is not the chain's leaf. */
static int drop_cert(struct mctx *m) {
  struct cf_recipe *r = m->r;
  if (r->num_certs < 2) {
    return 0;
  }
  size_t at = cf_rng_below(&m->rng, r->num_certs);
  if ((int)at == r->device.chain[0]) {
    at = (at + 1) % r->num_certs;
  }
  close_slot(r, at);
  if (r->device.num_chain == 0) {
    return 0;
  }
  m->cert = -1;
  return 1;
}

/* toggle_member adds a cert to |list| or removes one from it. */
static int toggle_member(struct mctx *m, int *list, size_t *n, size_t max,
                         size_t keep) {
  struct cf_recipe *r = m->r;
  int c = (int)cf_rng_below(&m->rng, r->num_certs);
  int pos = list_find(list, *n, c);
  if (pos < 0) {
    if (*n >= max) {
      return 0;
    }
    list_insert_at(list, n, *n, c);
  } else {
    if ((size_t)pos < keep) {
      return 0;
    }
    list_remove_at(list, n, (size_t)pos);
  }
  m->cert = c;
  return 1;
}

static int edit_anchors(struct mctx *m) {
  struct cf_rdevice *dev = &m->r->device;
  return toggle_member(m, dev->anchors, &dev->num_anchors, CF_RB_MAX_ANCHORS,
                       0);
}

/* edit_chain adds a cert to the chain as sent, removes one (never the
 * leaf), or reverses the intermediates. */
static int edit_chain(struct mctx *m) {
  struct cf_rdevice *dev = &m->r->device;
  if (dev->num_chain > 2 && cf_rng_below(&m->rng, 3) == 0) {
    for (size_t i = 1, j = dev->num_chain - 1; i < j; i++, j--) {
      int t = dev->chain[i];
      dev->chain[i] = dev->chain[j];
      dev->chain[j] = t;
    }
    m->cert = -1;
    return 1;
  }
  return toggle_member(m, dev->chain, &dev->num_chain, CF_RB_MAX_CHAIN, 1);
}

/* --- one certificate ------------------------------------------------------ */

/* pick_cert picks the certificate a field edit changes: half the time an
 * intermediate of the chain as sent (where the CA-flag, path-length, key
 * usage and EKU checks of CAs apply), else any. */
static struct cf_rcert *pick_cert(struct mctx *m) {
  const struct cf_rdevice *dev = &m->r->device;
  if (dev->num_chain > 1 && cf_rng_below(&m->rng, 2) == 0) {
    m->cert = dev->chain[1 + cf_rng_below(&m->rng, dev->num_chain - 1)];
  } else {
    m->cert = (int)cf_rng_below(&m->rng, m->r->num_certs);
  }
  return &m->r->certs[m->cert];
}

static int edit_bc(struct mctx *m) {
  if (cf_rng_below(&m->rng, 4) == 0) {
    return tight_path_len(m);
  }
  struct cf_rcert *c = pick_cert(m);
  enum cf_bc_mode bc = c->bc;
  int len = c->bc_path_len, crit = c->bc_critical;
  switch (cf_rng_below(&m->rng, 7)) {
    case 0: c->bc = CF_RBC_CA; c->bc_path_len = -1; break;
    case 1: c->bc = CF_RBC_CA; c->bc_path_len = 0; break;
    case 2: c->bc = CF_RBC_CA; c->bc_path_len = 1; break;
    case 3: c->bc = CF_RBC_CA; c->bc_path_len = 2; break;
    case 4: c->bc = CF_RBC_EE; c->bc_path_len = -1; break;
    case 5: c->bc = CF_RBC_ABSENT; c->bc_path_len = -1; break;
    default: c->bc_critical = !c->bc_critical; break;
  }
  return c->bc != bc || c->bc_path_len != len || c->bc_critical != crit;
}

static int edit_ku(struct mctx *m) {
  struct cf_rcert *c = pick_cert(m);
  int present = c->ku_present;
  uint32_t ku = c->ku;
  switch (cf_rng_below(&m->rng, 5)) {
    case 0: c->ku_present = !c->ku_present; break;
    case 1: c->ku ^= CF_RKU_KEY_CERT_SIGN; c->ku_present = 1; break;
    case 2: c->ku ^= CF_RKU_DIGITAL_SIGNATURE; c->ku_present = 1; break;
    case 3: c->ku = CF_RKU_KEY_CERT_SIGN | CF_RKU_CRL_SIGN; c->ku_present = 1; break;
    default: c->ku = CF_RKU_DIGITAL_SIGNATURE; c->ku_present = 1; break;
  }
  if (c->ku_present && c->ku == 0) {
    c->ku = CF_RKU_DIGITAL_SIGNATURE; /* an empty KU is not a recipe value */
  }
  return c->ku_present != present || (present && c->ku != ku);
}

static int edit_eku(struct mctx *m) {
  static const char *const kSets[][2] = {
      {"1.3.6.1.5.5.7.3.1", NULL}, /* serverAuth */
      {"1.3.6.1.5.5.7.3.2", NULL}, /* clientAuth */
      {"2.5.29.37.0", NULL},       /* anyExtendedKeyUsage */
      {"1.3.6.1.5.5.7.3.3", NULL}, /* codeSigning */
      {"1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"},
  };
  struct cf_rcert *c = pick_cert(m);
  size_t k = cf_rng_below(&m->rng, 6);
  if (k == 5) {
    if (!c->eku_present) {
      return 0;
    }
    c->eku_present = 0;
    return 1;
  }
  size_t n = kSets[k][1] != NULL ? 2 : 1;
  if (c->eku_present && c->num_eku == n && strcmp(c->eku[0], kSets[k][0]) == 0 &&
      (n == 1 || strcmp(c->eku[1], kSets[k][1]) == 0)) {
    return 0;
  }
  c->eku_present = 1;
  c->num_eku = n;
  for (size_t i = 0; i < n; i++) {
    snprintf(c->eku[i], sizeof(c->eku[i]), "%s", kSets[k][i]);
  }
  return 1;
}

static void set_time(struct cf_rtime *t, int64_t v) {
  t->t = v;
  t->enc = CF_TIME_AUTO;
  t->raw[0] = '\0';
}

/* edit_validity moves one bound of a cert to the device's clock (± 1 s),
 * to the 2049/2050 switch of RFC 5280 4.1.2.5, or back to the template's. */
static int edit_validity(struct mctx *m) {
  struct cf_rcert *c = pick_cert(m);
  const struct cf_rtime nb = c->not_before, na = c->not_after;
  int64_t now = cf_profile_effective_time(&m->r->device.profile);
  switch (cf_rng_below(&m->rng, 8)) {
    case 0: set_time(&c->not_after, now - 1); break; /* just expired */
    case 1: set_time(&c->not_after, now); break;     /* last valid second */
    case 2: set_time(&c->not_before, now + 1); break; /* not yet valid */
    case 3: set_time(&c->not_before, now); break;
    case 4: set_time(&c->not_after, INT64_C(2524607999)); break; /* 2049-12-31T23:59:59Z */
    case 5: set_time(&c->not_after, INT64_C(2524608000)); break; /* 2050-01-01T00:00:00Z */
    case 6: set_time(&c->not_before, INT64_C(2524608000)); break;
    default: {
      static struct cf_rcert t;
      cf_rcert_init(&t, c->tpl, c->name, m->cert, c->key);
      c->not_before = t.not_before;
      c->not_after = t.not_after;
      break;
    }
  }
  return c->not_before.t != nb.t || c->not_after.t != na.t ||
         c->not_before.enc != nb.enc || c->not_after.enc != na.enc;
}

/* --- the device ------------------------------------------------------------ */

static int edit_purpose(struct mctx *m) {
  struct cf_profile *p = &m->r->device.profile;
  p->purpose = (enum cf_purpose)((p->purpose + 1 + cf_rng_below(&m->rng, 2)) %
                                 (CF_PURPOSE_MAX + 1));
  m->cert = -1;
  return 1;
}

/* leaf_dns returns one of the leaf's DNS SAN entries, or NULL. */
static const struct cf_gn *leaf_dns(struct mctx *m) {
  const struct cf_rcert *leaf = &m->r->certs[m->r->device.chain[0]];
  const struct cf_gn *dns[CF_RECIPE_MAX_GNS];
  size_t n = 0;
  for (size_t i = 0; leaf->san_present && i < leaf->san.num; i++) {
    if (leaf->san.names[i].type == CF_GN_DNS) {
      dns[n++] = &leaf->san.names[i];
    }
  }
  return n > 0 ? dns[cf_rng_below(&m->rng, n)] : NULL;
}

/* set_leaf_san makes the leaf's SAN the |n| DNS names of |names|. */
static void set_leaf_san(struct mctx *m, char names[][CF_RECIPE_MAX_VALUE + 1],
                         size_t n) {
  struct cf_rcert *leaf = &m->r->certs[m->r->device.chain[0]];
  memset(&leaf->san, 0, sizeof(leaf->san));
  leaf->san_present = 1;
  leaf->san.num = n;
  for (size_t i = 0; i < n; i++) {
    leaf->san.names[i].type = CF_GN_DNS;
    leaf->san.names[i].value_len = strlen(names[i]);
    memcpy(leaf->san.names[i].value, names[i], leaf->san.names[i].value_len);
  }
  m->cert = m->r->device.chain[0];
}

/* edit_long_name sets the device's name to a name at a length limit
 * (cf_rb_long_name: a label of 63, names of 65, 253, ...) and the leaf's
 * SAN to it, to it under a wildcard, in upper case or with a trailing
 * dot, or to it with one byte changed near its end (past the 64th), where
 * code that compares a prefix no longer looks. A name over the limits
 * (a label of 64, 254 bytes) goes in the SAN only. */
static int edit_long_name(struct mctx *m) {
  struct cf_profile *p = &m->r->device.profile;
  char names[1][CF_RECIPE_MAX_VALUE + 1];
  uint8_t dev[CF_RECIPE_MAX_VALUE];
  unsigned shape = (unsigned)cf_rng_below(&m->rng, 6);
  unsigned variant = (unsigned)cf_rng_below(&m->rng, 5); /* 4: near miss */
  size_t dev_len = cf_rb_long_name(dev, sizeof(dev), shape);
  size_t len = cf_rb_long_name((uint8_t *)names[0], CF_RECIPE_MAX_VALUE,
                               shape + 6 * (variant % 4));
  names[0][len] = '\0';
  if (!cf_profile_set_dns_name(p, (const char *)dev, dev_len) && variant == 4) {
    return 0; /* a near miss of a name the device cannot hold */
  }
  if (variant == 4) {
    names[0][len - 5] = 'x'; /* example.cxm */
  }
  set_leaf_san(m, names, 1);
  return 1;
}

/* edit_many_sans fills the leaf's SAN to its 8 names: the device's name
 * last, or not at all. */
static int edit_many_sans(struct mctx *m) {
  const struct cf_profile *p = &m->r->device.profile;
  char names[CF_RECIPE_MAX_GNS][CF_RECIPE_MAX_VALUE + 1];
  size_t n = CF_RECIPE_MAX_GNS;
  for (size_t i = 0; i < n; i++) {
    snprintf(names[i], sizeof(names[i]), "san%zu.example.net", i);
  }
  if (p->name_type == CF_NAME_DNS && p->dns_name_len > 0 &&
      cf_rng_below(&m->rng, 2) == 0) {
    snprintf(names[n - 1], sizeof(names[n - 1]), "%s", p->dns_name);
  }
  set_leaf_san(m, names, n);
  return 1;
}

/* edit_name sets the device's expected name to one of the leaf's DNS
 * names, a near miss of the current one, a name at a length limit, or
 * none; or makes the leaf's SAN one wildcard that covers the current name,
 * or eight names. */
static int edit_name(struct mctx *m) {
  struct cf_recipe *r = m->r;
  struct cf_profile *p = &r->device.profile;
  char cur[CF_MAX_DNS_NAME_LEN + 1], out[CF_MAX_DNS_NAME_LEN + 2];
  int have = p->name_type == CF_NAME_DNS && p->dns_name_len > 0;
  const char *dot;
  snprintf(cur, sizeof(cur), "%s", have ? p->dns_name : "");
  dot = strchr(cur, '.');
  m->cert = -1;
  switch (cf_rng_below(&m->rng, 9)) {
    case 7:
      return edit_long_name(m);
    case 8:
      return edit_many_sans(m);
    case 0: { /* a DNS name of the leaf */
      const struct cf_gn *g = leaf_dns(m);
      if (g == NULL) {
        return 0;
      }
      return cf_profile_set_dns_name(p, (const char *)g->value, g->value_len);
    }
    case 1: /* the parent */
      if (dot == NULL || dot[1] == '\0') {
        return 0;
      }
      return cf_profile_set_dns_name(p, dot + 1, strlen(dot + 1));
    case 2: /* one label more */
      if (!have) {
        return 0;
      }
      snprintf(out, sizeof(out), "x.%s", cur);
      return cf_profile_set_dns_name(p, out, strlen(out));
    case 3: /* a case change */
      if (!have || cur[0] < 'a' || cur[0] > 'z') {
        return 0;
      }
      cur[0] = (char)(cur[0] - 'a' + 'A');
      return cf_profile_set_dns_name(p, cur, strlen(cur));
    case 4: /* a trailing dot */
      if (!have || cur[strlen(cur) - 1] == '.') {
        return 0;
      }
      snprintf(out, sizeof(out), "%s.", cur);
      return cf_profile_set_dns_name(p, out, strlen(out));
    case 5: /* no name */
      if (p->name_type == CF_NAME_NONE) {
        return 0;
      }
      p->name_type = CF_NAME_NONE;
      p->dns_name[0] = '\0';
      p->dns_name_len = 0;
      p->ip_len = 0;
      return 1;
    default: { /* the leaf's SAN: one wildcard for the current name */
      char names[1][CF_RECIPE_MAX_VALUE + 1];
      if (dot == NULL || dot[1] == '\0' ||
          snprintf(names[0], sizeof(names[0]), "*%s", dot) >
              CF_RECIPE_MAX_VALUE) {
        return 0;
      }
      set_leaf_san(m, names, 1);
      return 1;
    }
  }
}

/* --- policies (RFC 5280 6.1.3-6.1.5) ----------------------------------- */

static void set_policies(struct cf_rcert *c, size_t n, const char *const *oids) {
  c->policies_present = n > 0;
  c->policies_malformed = 0;
  c->num_policies = n;
  for (size_t i = 0; i < n; i++) {
    snprintf(c->policies[i], sizeof(c->policies[i]), "%s", oids[i]);
  }
}

static void set_mapping(struct cf_rcert *c, const char *from, const char *to) {
  c->num_policy_maps = 1;
  snprintf(c->policy_maps[0].issuer, sizeof(c->policy_maps[0].issuer), "%s",
           from);
  snprintf(c->policy_maps[0].subject, sizeof(c->policy_maps[0].subject), "%s",
           to);
}

/* edit_policy changes one certificate's policies, policyMappings or
 * policyConstraints, or (one time in four) makes the whole mapping shape
 * at once: an intermediate of the chain that asserts the CA/B DV policy
 * (or anyPolicy), maps it to OV and requires an explicit policy, over a
 * leaf that asserts DV or OV (6.1.4 (b): OV is valid below, DV no
 * longer). */
static int edit_policy(struct mctx *m) {
  static const char *const kDv = "2.23.140.1.2.1", *const kOv = "2.23.140.1.2.2",
                           *const kAny = "2.5.29.32.0";
  static const char *const kSets[][2] = {
      {"2.23.140.1.2.1", NULL}, {"2.23.140.1.2.2", NULL},
      {"2.5.29.32.0", NULL},    {"2.23.140.1.2.1", "2.23.140.1.2.2"},
  };
  const struct cf_rdevice *dev = &m->r->device;
  if (dev->num_chain > 1 && cf_rng_below(&m->rng, 4) == 0) {
    struct cf_rcert *leaf = &m->r->certs[dev->chain[0]];
    m->cert = dev->chain[1 + cf_rng_below(&m->rng, dev->num_chain - 1)];
    struct cf_rcert *ica = &m->r->certs[m->cert];
    const char *top = cf_rng_below(&m->rng, 2) ? kDv : kAny;
    const char *low = cf_rng_below(&m->rng, 2) ? kDv : kOv;
    set_policies(ica, 1, &top);
    set_mapping(ica, kDv, kOv);
    ica->policy_maps_critical = (int)cf_rng_below(&m->rng, 2);
    ica->pc_present = 1;
    ica->pc_require_explicit = 0;
    set_policies(leaf, 1, &low);
    return 1;
  }
  struct cf_rcert *c = pick_cert(m);
  size_t k;
  switch (cf_rng_below(&m->rng, 8)) {
    case 0:
    case 1:
      k = cf_rng_below(&m->rng, 5);
      if (k == 4) {
        set_policies(c, 0, NULL);
      } else {
        set_policies(c, kSets[k][1] != NULL ? 2 : 1, kSets[k]);
      }
      break;
    case 2: /* requireExplicitPolicy 0, or none */
      c->pc_present = c->pc_require_explicit != 0 || c->pc_inhibit_mapping >= 0;
      c->pc_require_explicit = c->pc_require_explicit == 0 ? -1 : 0;
      break;
    case 3: /* inhibitPolicyMapping 0 or 1 */
      c->pc_present = 1;
      c->pc_inhibit_mapping = (int)cf_rng_below(&m->rng, 2);
      break;
    case 4:
      set_mapping(c, kDv, kOv);
      break;
    case 5:
      set_mapping(c, kOv, kDv);
      break;
    case 6: /* invalid (6.1.4 (a)), or none */
      if (c->num_policy_maps > 0) {
        c->num_policy_maps = 0;
      } else {
        set_mapping(c, kDv, kAny);
      }
      break;
    default: /* inhibitAnyPolicy 0 */
      c->inhibit_any_policy = c->inhibit_any_policy == 0 ? -1 : 0;
      break;
  }
  if (c->pc_present && c->pc_require_explicit < 0 && c->pc_inhibit_mapping < 0) {
    c->pc_present = 0; /* an empty policyConstraints is a PARSE shape */
  }
  /* A no-op edit encodes to the input bytes, which cf_recipe_mutate_ex
   * refuses like any other: no copy of the certificate to compare. */
  return 1;
}

/* --- one mutation ---------------------------------------------------------- */

typedef int (*mut_fn)(struct mctx *m);

static const mut_fn kMutations[CF_RMUT_NONE] = {
    insert_ica, drop_cert, edit_anchors, edit_chain, edit_bc,
    edit_ku,    edit_eku,  edit_validity, edit_purpose, edit_name,
    edit_policy,
};

/* The decoded input and the scratch recipe a mutation changes (about 2 MB
 * each: static, as in recipe_bytes.c). */
static struct cf_recipe g_in, g_work;

/* copy_recipe copies the parts of |in| a decoded recipe uses. */
static void copy_recipe(struct cf_recipe *out, const struct cf_recipe *in) {
  memcpy(out, in, offsetof(struct cf_recipe, certs));
  memcpy(out->certs, in->certs, in->num_certs * sizeof(in->certs[0]));
  out->num_certs = in->num_certs;
  out->device = in->device;
}

size_t cf_recipe_mutate_ex(struct cf_rmutation *out, uint8_t *data,
                           size_t size, size_t max_size, unsigned int seed) {
  struct mctx m;
  memset(&m, 0, sizeof(m));
  m.rng.s = (uint64_t)seed * UINT64_C(0x2545f4914f6cdd1d) + size;
  m.r = &g_work;
  if (out != NULL) {
    out->kind = CF_RMUT_NONE;
    out->cert = -1;
  }
  cf_recipe_from_bytes(&g_in, data, size);
  /* A few tries: a change may be a no-op on this recipe, or one the
   * encoding cannot express (cf_recipe_to_bytes refuses it). */
  for (int attempt = 0; attempt < 8; attempt++) {
    enum cf_rmut_kind kind = (enum cf_rmut_kind)cf_rng_below(&m.rng, CF_RMUT_NONE);
    uint8_t *bytes = NULL;
    size_t len = 0;
    copy_recipe(&g_work, &g_in);
    m.cert = -1;
    if (!kMutations[kind](&m) || !cf_recipe_to_bytes(&bytes, &len, &g_work)) {
      continue;
    }
    if (len > max_size || (len == size && memcmp(bytes, data, len) == 0)) {
      free(bytes);
      continue;
    }
    memcpy(data, bytes, len);
    free(bytes);
    if (out != NULL) {
      out->kind = kind;
      out->cert = m.cert;
    }
    return len;
  }
  return size;
}

size_t cf_recipe_mutate(uint8_t *data, size_t size, size_t max_size,
                        unsigned int seed) {
  return cf_recipe_mutate_ex(NULL, data, size, max_size, seed);
}

/* --- crossover ------------------------------------------------------------- */

/* record_ends writes the offsets where the records of |data| end (the
 * last one may be cut short, as the decoder reads it) and returns how
 * many; at most |cap|. */
static size_t record_ends(size_t *ends, size_t cap, const uint8_t *data,
                          size_t size) {
  size_t n = 0, pos = 0;
  while (pos < size && n < cap) {
    size_t len = pos + 1 < size ? data[pos + 1] : 0;
    pos += 2 + len;
    ends[n++] = pos < size ? pos : size;
  }
  return n;
}

size_t cf_recipe_crossover(const uint8_t *data1, size_t size1,
                           const uint8_t *data2, size_t size2, uint8_t *out,
                           size_t max_out_size, unsigned int seed) {
  enum { kMaxRecords = 512 };
  size_t ends1[kMaxRecords + 1], ends2[kMaxRecords + 1];
  struct cf_rng rng = {(uint64_t)seed * UINT64_C(0x9e3779b97f4a7c15) ^ size1 ^
                    (size2 << 20)};
  ends1[0] = ends2[0] = 0;
  size_t n1 = record_ends(ends1 + 1, kMaxRecords, data1, size1);
  size_t n2 = record_ends(ends2 + 1, kMaxRecords, data2, size2);
  /* A cut after 0..n1 records of the first, from 0..n2-1 of the second. */
  for (int attempt = 0; attempt < 8; attempt++) {
    size_t a = ends1[cf_rng_below(&rng, n1 + 1)];
    size_t b = n2 > 0 ? ends2[cf_rng_below(&rng, n2)] : size2;
    if (a + (size2 - b) <= max_out_size && a + (size2 - b) > 0) {
      memmove(out, data1, a);
      memmove(out + a, data2 + b, size2 - b);
      return a + (size2 - b);
    }
  }
  return 0;
}
