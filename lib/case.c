/* case.c — decoder and encoder of the case format (include/chainfuzz/case.h),
 * on BoringSSL's CBS/CBB. The decoder is on every chain target's per-input
 * path: it copies nothing and allocates nothing. */
#include "chainfuzz/case.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bytestring.h>
#include <openssl/mem.h>

void cf_profile_init(struct cf_profile *p) {
  memset(p, 0, sizeof(*p));
  p->clock = CF_CLOCK_SET;
  p->time = CF_DEFAULT_TIME;
  p->name_type = CF_NAME_NONE;
  p->purpose = CF_PURPOSE_SERVER_AUTH;
  p->max_depth = CF_DEFAULT_MAX_DEPTH;
  p->flags = 0;
}

int64_t cf_profile_effective_time(const struct cf_profile *p) {
  return p->clock == CF_CLOCK_UNSET ? CF_CLOCK_UNSET_TIME : p->time;
}

int cf_profile_set_dns_name(struct cf_profile *p, const char *name,
                            size_t name_len) {
  if (name_len == 0 || name_len > CF_MAX_DNS_NAME_LEN ||
      memchr(name, '\0', name_len) != NULL) {
    return 0;
  }
  memcpy(p->dns_name, name, name_len);
  p->dns_name[name_len] = '\0';
  p->dns_name_len = name_len;
  p->name_type = CF_NAME_DNS;
  return 1;
}

int cf_profile_set_ip(struct cf_profile *p, const uint8_t *ip, size_t ip_len) {
  if (ip_len != 4 && ip_len != 16) {
    return 0;
  }
  memcpy(p->ip, ip, ip_len);
  p->ip_len = ip_len;
  p->name_type = CF_NAME_IP;
  return 1;
}

const char *cf_case_status_string(enum cf_case_status status) {
  switch (status) {
    case CF_CASE_OK:
      return "ok";
    case CF_CASE_BAD_MAGIC:
      return "bad magic (not a chainfuzz case)";
    case CF_CASE_BAD_VERSION:
      return "unsupported case version";
    case CF_CASE_TRUNCATED:
      return "truncated record";
    case CF_CASE_UNKNOWN_TAG:
      return "unknown record tag";
    case CF_CASE_BAD_VALUE:
      return "bad record value";
    case CF_CASE_DUPLICATE:
      return "duplicate single-valued record";
    case CF_CASE_TOO_MANY:
      return "too many certificates";
    case CF_CASE_NO_LEAF:
      return "no leaf certificate";
    case CF_CASE_CONFLICT:
      return "conflicting records";
  }
  return "unknown status";
}

const char *cf_case_tag_name(uint8_t tag) {
  switch (tag) {
    case CF_TAG_TRUST_ANCHOR:
      return "TRUST_ANCHOR";
    case CF_TAG_LEAF:
      return "LEAF";
    case CF_TAG_INTERMEDIATE:
      return "INTERMEDIATE";
    case CF_TAG_DNS_NAME:
      return "DNS_NAME";
    case CF_TAG_IP_ADDRESS:
      return "IP_ADDRESS";
    case CF_TAG_TIME:
      return "TIME";
    case CF_TAG_CLOCK_UNSET:
      return "CLOCK_UNSET";
    case CF_TAG_PURPOSE:
      return "PURPOSE";
    case CF_TAG_MAX_DEPTH:
      return "MAX_DEPTH";
    case CF_TAG_FLAGS:
      return "FLAGS";
    case CF_TAG_LABEL:
      return "LABEL";
  }
  return NULL;
}

/* get_u64 reads a big-endian u64 (CBS_get_u64 is not in every snapshot). */
static int get_u64(CBS *cbs, uint64_t *out) {
  uint32_t hi, lo;
  if (!CBS_get_u32(cbs, &hi) || !CBS_get_u32(cbs, &lo)) {
    return 0;
  }
  *out = ((uint64_t)hi << 32) | lo;
  return 1;
}

/* apply_record stores one record's |value| into |out|. |seen| is a bit set of
 * single-valued tags already stored. */
static enum cf_case_status apply_record(struct cf_case *out, uint32_t *seen,
                                        uint8_t tag, CBS *value) {
  size_t len = CBS_len(value);
  if (tag == CF_TAG_TRUST_ANCHOR) {
    if (out->num_anchors == CF_MAX_ANCHORS) {
      return CF_CASE_TOO_MANY;
    }
    out->anchors[out->num_anchors].data = CBS_data(value);
    out->anchors[out->num_anchors].len = len;
    out->num_anchors++;
    return CF_CASE_OK;
  }
  if (tag == CF_TAG_INTERMEDIATE) {
    if (out->num_intermediates == CF_MAX_INTERMEDIATES) {
      return CF_CASE_TOO_MANY;
    }
    out->intermediates[out->num_intermediates].data = CBS_data(value);
    out->intermediates[out->num_intermediates].len = len;
    out->num_intermediates++;
    return CF_CASE_OK;
  }
  if (cf_case_tag_name(tag) == NULL) {
    return CF_CASE_UNKNOWN_TAG;
  }
  if (*seen & (1u << tag)) {
    return CF_CASE_DUPLICATE;
  }
  *seen |= 1u << tag;

  struct cf_profile *p = &out->profile;
  uint8_t u8;
  uint32_t u32;
  uint64_t u64;
  switch (tag) {
    case CF_TAG_LEAF:
      out->leaf.data = CBS_data(value);
      out->leaf.len = len;
      return CF_CASE_OK;
    case CF_TAG_DNS_NAME:
      return cf_profile_set_dns_name(p, (const char *)CBS_data(value), len)
                 ? CF_CASE_OK
                 : CF_CASE_BAD_VALUE;
    case CF_TAG_IP_ADDRESS:
      return cf_profile_set_ip(p, CBS_data(value), len) ? CF_CASE_OK
                                                        : CF_CASE_BAD_VALUE;
    case CF_TAG_TIME:
      if (len != 8 || !get_u64(value, &u64)) {
        return CF_CASE_BAD_VALUE;
      }
      p->time = (int64_t)u64;
      return CF_CASE_OK;
    case CF_TAG_CLOCK_UNSET:
      if (len != 0) {
        return CF_CASE_BAD_VALUE;
      }
      p->clock = CF_CLOCK_UNSET;
      return CF_CASE_OK;
    case CF_TAG_PURPOSE:
      if (len != 1 || !CBS_get_u8(value, &u8) || u8 > CF_PURPOSE_MAX) {
        return CF_CASE_BAD_VALUE;
      }
      p->purpose = (enum cf_purpose)u8;
      return CF_CASE_OK;
    case CF_TAG_MAX_DEPTH:
      if (len != 1 || !CBS_get_u8(value, &u8)) {
        return CF_CASE_BAD_VALUE;
      }
      p->max_depth = u8;
      return CF_CASE_OK;
    case CF_TAG_FLAGS:
      if (len != 4 || !CBS_get_u32(value, &u32) ||
          (u32 & ~CF_PROFILE_FLAGS_ALL) != 0) {
        return CF_CASE_BAD_VALUE;
      }
      p->flags = u32;
      return CF_CASE_OK;
    case CF_TAG_LABEL:
      if (len > CF_MAX_LABEL_LEN) {
        return CF_CASE_BAD_VALUE;
      }
      out->label.data = CBS_data(value);
      out->label.len = len;
      return CF_CASE_OK;
  }
  return CF_CASE_UNKNOWN_TAG;
}

enum cf_case_status cf_case_parse(struct cf_case *out, size_t *out_offset,
                                  const uint8_t *in, size_t in_len) {
  CBS cbs, magic;
  uint8_t version;
  uint32_t seen = 0;
  enum cf_case_status status = CF_CASE_OK;

  memset(out, 0, sizeof(*out));
  cf_profile_init(&out->profile);
  CBS_init(&cbs, in, in_len);

  if (!CBS_get_bytes(&cbs, &magic, CF_CASE_MAGIC_LEN) ||
      memcmp(CBS_data(&magic), CF_CASE_MAGIC, CF_CASE_MAGIC_LEN) != 0) {
    status = CF_CASE_BAD_MAGIC;
    goto done;
  }
  if (!CBS_get_u8(&cbs, &version)) {
    status = CF_CASE_TRUNCATED;
    goto done;
  }
  if (version != CF_CASE_VERSION) {
    status = CF_CASE_BAD_VERSION;
    goto done;
  }
  while (CBS_len(&cbs) > 0) {
    uint8_t tag;
    CBS value;
    size_t record_offset = in_len - CBS_len(&cbs);
    if (!CBS_get_u8(&cbs, &tag) || !CBS_get_u24_length_prefixed(&cbs, &value)) {
      status = CF_CASE_TRUNCATED;
      CBS_init(&cbs, in + record_offset, in_len - record_offset);
      goto done;
    }
    status = apply_record(out, &seen, tag, &value);
    if (status != CF_CASE_OK) {
      CBS_init(&cbs, in + record_offset, in_len - record_offset);
      goto done;
    }
  }
  if (out->leaf.data == NULL) {
    status = CF_CASE_NO_LEAF;
  } else if ((seen & (1u << CF_TAG_TIME)) &&
             (seen & (1u << CF_TAG_CLOCK_UNSET))) {
    status = CF_CASE_CONFLICT;
  } else if ((seen & (1u << CF_TAG_DNS_NAME)) &&
             (seen & (1u << CF_TAG_IP_ADDRESS))) {
    status = CF_CASE_CONFLICT;
  }

done:
  if (out_offset != NULL) {
    *out_offset = in_len - CBS_len(&cbs);
  }
  return status;
}

/* add_record appends tag || u24 length || |data|. */
static int add_record(CBB *cbb, uint8_t tag, const uint8_t *data, size_t len) {
  CBB value;
  return CBB_add_u8(cbb, tag) && CBB_add_u24_length_prefixed(cbb, &value) &&
         CBB_add_bytes(&value, data, len) && CBB_flush(cbb);
}

static int add_u8_record(CBB *cbb, uint8_t tag, uint8_t v) {
  return add_record(cbb, tag, &v, 1);
}

int cf_case_serialize(uint8_t **out, size_t *out_len, const struct cf_case *c) {
  struct cf_profile def;
  const struct cf_profile *p = &c->profile;
  uint8_t *bssl_buf = NULL;
  size_t bssl_len = 0;
  CBB cbb;
  size_t i;

  cf_profile_init(&def);
  if (!CBB_init(&cbb, 256) ||
      !CBB_add_bytes(&cbb, (const uint8_t *)CF_CASE_MAGIC, CF_CASE_MAGIC_LEN) ||
      !CBB_add_u8(&cbb, CF_CASE_VERSION)) {
    goto err;
  }
  if (c->num_anchors > CF_MAX_ANCHORS ||
      c->num_intermediates > CF_MAX_INTERMEDIATES || c->leaf.data == NULL ||
      c->label.len > CF_MAX_LABEL_LEN) {
    goto err;
  }
  for (i = 0; i < c->num_anchors; i++) {
    if (!add_record(&cbb, CF_TAG_TRUST_ANCHOR, c->anchors[i].data,
                    c->anchors[i].len)) {
      goto err;
    }
  }
  if (!add_record(&cbb, CF_TAG_LEAF, c->leaf.data, c->leaf.len)) {
    goto err;
  }
  for (i = 0; i < c->num_intermediates; i++) {
    if (!add_record(&cbb, CF_TAG_INTERMEDIATE, c->intermediates[i].data,
                    c->intermediates[i].len)) {
      goto err;
    }
  }
  if (p->name_type == CF_NAME_DNS &&
      (p->dns_name_len == 0 || p->dns_name_len > CF_MAX_DNS_NAME_LEN ||
       memchr(p->dns_name, '\0', p->dns_name_len) != NULL ||
       !add_record(&cbb, CF_TAG_DNS_NAME, (const uint8_t *)p->dns_name,
                   p->dns_name_len))) {
    goto err;
  }
  if (p->name_type == CF_NAME_IP &&
      ((p->ip_len != 4 && p->ip_len != 16) ||
       !add_record(&cbb, CF_TAG_IP_ADDRESS, p->ip, p->ip_len))) {
    goto err;
  }
  if (p->clock == CF_CLOCK_SET && p->time != def.time) {
    uint8_t t[8];
    uint64_t v = (uint64_t)p->time;
    for (i = 0; i < 8; i++) {
      t[i] = (uint8_t)(v >> (56 - 8 * i));
    }
    if (!add_record(&cbb, CF_TAG_TIME, t, sizeof(t))) {
      goto err;
    }
  }
  if (p->clock == CF_CLOCK_UNSET &&
      !add_record(&cbb, CF_TAG_CLOCK_UNSET, NULL, 0)) {
    goto err;
  }
  if (p->purpose != def.purpose &&
      (p->purpose > CF_PURPOSE_MAX ||
       !add_u8_record(&cbb, CF_TAG_PURPOSE, (uint8_t)p->purpose))) {
    goto err;
  }
  if (p->max_depth != def.max_depth &&
      !add_u8_record(&cbb, CF_TAG_MAX_DEPTH, p->max_depth)) {
    goto err;
  }
  if (p->flags != def.flags) {
    uint8_t f[4] = {(uint8_t)(p->flags >> 24), (uint8_t)(p->flags >> 16),
                    (uint8_t)(p->flags >> 8), (uint8_t)p->flags};
    if ((p->flags & ~CF_PROFILE_FLAGS_ALL) != 0 ||
        !add_record(&cbb, CF_TAG_FLAGS, f, sizeof(f))) {
      goto err;
    }
  }
  if (c->label.len > 0 &&
      !add_record(&cbb, CF_TAG_LABEL, c->label.data, c->label.len)) {
    goto err;
  }
  if (!CBB_finish(&cbb, &bssl_buf, &bssl_len)) {
    goto err;
  }
  /* Hand the caller a malloc'd buffer so they need not know about
   * OPENSSL_free. */
  *out = malloc(bssl_len > 0 ? bssl_len : 1);
  if (*out == NULL) {
    OPENSSL_free(bssl_buf);
    return 0;
  }
  memcpy(*out, bssl_buf, bssl_len);
  *out_len = bssl_len;
  OPENSSL_free(bssl_buf);
  return 1;

err:
  CBB_cleanup(&cbb);
  return 0;
}
