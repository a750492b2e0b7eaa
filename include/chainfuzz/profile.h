/* profile.h — the device profile: what a device is configured with when it
 * decides whether to trust a server. Every validator receives the same
 * profile; none gets a verify callback that accepts everything. A case
 * (case.h) carries a profile; fields it leaves out keep the defaults below. */
#ifndef CHAINFUZZ_PROFILE_H
#define CHAINFUZZ_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CF_DEFAULT_TIME is the clock of a device whose case sets none:
 * 2026-01-01T00:00:00Z. Fixed, so a saved input reproduces forever. */
#define CF_DEFAULT_TIME INT64_C(1767225600)
/* CF_CLOCK_UNSET_TIME is what a device whose clock was never set reads: the
 * epoch plus one minute of uptime (1970-01-01T00:01:00Z). */
#define CF_CLOCK_UNSET_TIME INT64_C(60)
/* CF_DEFAULT_MAX_DEPTH is the default limit on intermediates (mbedTLS's
 * MBEDTLS_X509_MAX_INTERMEDIATE_CA is 8 too). */
#define CF_DEFAULT_MAX_DEPTH 8
#define CF_MAX_DNS_NAME_LEN 253

/* cf_purpose is what the chain is checked for. */
enum cf_purpose {
  CF_PURPOSE_NONE = 0,        /* no purpose check: a misconfigured device */
  CF_PURPOSE_SERVER_AUTH = 1, /* a TLS client checking its server (default) */
  CF_PURPOSE_CLIENT_AUTH = 2, /* a TLS server checking a device's cert */
};
#define CF_PURPOSE_MAX CF_PURPOSE_CLIENT_AUTH

/* Profile flags (CF_TAG_FLAGS). Only ever add bits. */
/* CF_PROFILE_FLAG_PARTIAL_CHAIN: a non-self-signed trust anchor ends a path. */
#define CF_PROFILE_FLAG_PARTIAL_CHAIN 0x00000001u
/* CF_PROFILE_FLAG_NO_CN_FALLBACK: never match the name against the subject
 * CN, even when the leaf has no DNS SAN. */
#define CF_PROFILE_FLAG_NO_CN_FALLBACK 0x00000002u
/* CF_PROFILE_FLAG_NO_WILDCARDS: "*" in a presented name matches nothing. */
#define CF_PROFILE_FLAG_NO_WILDCARDS 0x00000004u
/* CF_PROFILE_FLAG_X509_STRICT: the library's strict mode, where it has one. */
#define CF_PROFILE_FLAG_X509_STRICT 0x00000008u
/* CF_PROFILE_FLAGS_DEVICE: the device's own settings above, what recipes
 * and the mutators set. */
#define CF_PROFILE_FLAGS_DEVICE 0x0000000fu
/* CF_PROFILE_FLAG_EXTERNAL: not a device setting but where the case comes
 * from: certificates certgen did not make (chainfuzz conform --cases-dir).
 * The signed-bytes oracle (certgen/signed_bytes.h) cannot vouch for their
 * signatures and skips such a case when none of its certificates carries a
 * pool key; validators ignore the bit. */
#define CF_PROFILE_FLAG_EXTERNAL 0x00000010u
/* CF_PROFILE_FLAGS_ALL: every bit the case format accepts. */
#define CF_PROFILE_FLAGS_ALL (CF_PROFILE_FLAGS_DEVICE | CF_PROFILE_FLAG_EXTERNAL)

enum cf_clock {
  CF_CLOCK_SET = 0,
  CF_CLOCK_UNSET = 1,
};

enum cf_name_type {
  CF_NAME_NONE = 0, /* the device checks no name (insecure, see B17) */
  CF_NAME_DNS = 1,
  CF_NAME_IP = 2,
};

/* cf_profile is one device's verification settings. Trust anchors are not
 * here: they travel as certificates next to the chain (struct cf_case). */
struct cf_profile {
  enum cf_clock clock;
  int64_t time; /* seconds since the epoch; meaningful when clock is SET */
  enum cf_name_type name_type;
  char dns_name[CF_MAX_DNS_NAME_LEN + 1]; /* NUL-terminated, no inner NUL */
  size_t dns_name_len;
  uint8_t ip[16];
  size_t ip_len; /* 4 or 16 when name_type is CF_NAME_IP */
  enum cf_purpose purpose;
  uint8_t max_depth;
  uint32_t flags; /* CF_PROFILE_FLAG_* */
};

/* cf_profile_init sets |p| to the default device profile: clock set to
 * CF_DEFAULT_TIME, no expected name, serverAuth, depth CF_DEFAULT_MAX_DEPTH,
 * no flags. */
void cf_profile_init(struct cf_profile *p);

/* cf_profile_effective_time returns the time the device believes it is. */
int64_t cf_profile_effective_time(const struct cf_profile *p);

/* cf_profile_set_dns_name sets the expected DNS name. It returns 1 on
 * success and 0 if |name| is empty, longer than CF_MAX_DNS_NAME_LEN or holds
 * a NUL byte. */
int cf_profile_set_dns_name(struct cf_profile *p, const char *name,
                            size_t name_len);

/* cf_profile_set_ip sets the expected IP address (|ip_len| 4 or 16). It
 * returns 1 on success and 0 on a bad length. */
int cf_profile_set_ip(struct cf_profile *p, const uint8_t *ip, size_t ip_len);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_PROFILE_H */
