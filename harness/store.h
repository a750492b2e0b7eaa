/* store.h — triaged crashes on disk: content hashes, atomic writes, and the
 * bucket directories of crashes/ with their report.json.
 *
 * Layout (DIR is crashes/ by default):
 *   DIR/<target>/<bucket>/reproducer          minimised input
 *   DIR/<target>/<bucket>/originals/<sha1>    every artifact that landed here,
 *                                             named by the SHA-1 of its content
 *   DIR/<target>/<bucket>/report.json         cf_bucket, schema 1
 *   DIR/<target>/<bucket>/report.txt          the same for humans
 *   DIR/<target>/no-repro/originals/<sha1>    artifacts that never reproduced,
 *   DIR/<target>/no-repro/no-repro.json, .txt with their record (not named
 *                                             report.json: not a bucket)
 *   DIR/<target>/<other file>                 raw, untriaged artifact
 *   DIR/triage.sarif                          the last triage run, SARIF 2.1.0
 *   DIR/.lock                                 held while triage writes
 * <bucket> is 12 lowercase hex digits (cf_bucket_id). Names that start with
 * '.' are ours and temporary (".tmp-*"): readers skip them. Every file is
 * written to a temporary name in its own directory and renamed into place;
 * a new bucket directory is filled under a temporary name and renamed
 * whole, so a reader never sees half a bucket. */
#ifndef CHAINFUZZ_HARNESS_STORE_H
#define CHAINFUZZ_HARNESS_STORE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "chainfuzz/fileio.h"
#include "classify.h"

#define CF_REPORT_SCHEMA 1
#define CF_BUCKET_ID_LEN 12
#define CF_SHA1_HEX_LEN 40
#define CF_SHA256_HEX_LEN 64
#define CF_NO_REPRO "no-repro"
#define CF_TYPE_NO_REPRO "No-repro"
/* CF_MAX_ARTIFACT_LEN bounds what triage reads into memory. */
#define CF_MAX_ARTIFACT_LEN ((size_t)256 << 20)

/* cf_sha1_hex writes the lowercase hex SHA-1 of |data| (|len| bytes) and a
 * NUL to |out|. */
void cf_sha1_hex(char out[CF_SHA1_HEX_LEN + 1], const uint8_t *data,
                 size_t len);

/* cf_sha256_hex does the same with SHA-256. */
void cf_sha256_hex(char out[CF_SHA256_HEX_LEN + 1], const uint8_t *data,
                   size_t len);

/* cf_bucket_id writes the id of a bucket whose first crash is |type| with
 * |state| in |target|: the first 12 hex digits of SHA-256 over
 * "target\ntype\nstate". */
void cf_bucket_id(char out[CF_BUCKET_ID_LEN + 1], const char *target,
                  const char *type, const char *state);

/* cf_is_bucket_id returns 1 if |name| has the form of a bucket id. */
int cf_is_bucket_id(const char *name);

/* cf_is_sha1_hex returns 1 if |name| is 40 lowercase hex digits. */
int cf_is_sha1_hex(const char *name);

/* cf_valid_target_name returns 1 if |name| is 1..100 of [A-Za-z0-9_-]. */
int cf_valid_target_name(const char *name);

/* cf_read_file: chainfuzz/fileio.h. */


/* cf_mkdir_p creates |path| and its missing parents (mode 0755). */
int cf_mkdir_p(const char *path);

/* cf_remove_tree removes |path| (a file, or a directory and everything in
 * it) without following symlinks. Missing is success. */
int cf_remove_tree(const char *path);

/* cf_now_utc writes the current time as "YYYY-MM-DDTHH:MM:SSZ". */
void cf_now_utc(char out[32]);

/* cf_path_join writes "a/b" to |out|; 0 if it does not fit. */
int cf_path_join(char *out, size_t out_len, const char *a, const char *b);

/* cf_paths is where the repository and its build live. */
struct cf_paths {
  char root[PATH_MAX];  /* the directory holding build.sh */
  char build[PATH_MAX]; /* $CHAINFUZZ_BUILD_DIR or root/build */
  char crashes[PATH_MAX]; /* $CHAINFUZZ_CRASHES_DIR or root/crashes */
};

/* cf_paths_init finds the repository root: $CHAINFUZZ_ROOT if set (it must
 * hold build.sh), else the first directory holding build.sh upwards from
 * the running binary (/proc/self/exe), else upwards from the working
 * directory. On failure it writes why to |err| and returns 0. */
int cf_paths_init(struct cf_paths *p, char *err, size_t err_len);

/* cf_target_bin writes where the binary of target |name| is to |out|:
 * <build>/replay/bin/<name> when that file exists, else
 * <build>/libfuzzer/bin/<name> when that file exists (ClusterFuzz, too,
 * reproduces with the fuzzing binary; `make fuzz` builds only that flavor
 * of the targets), else the replay path, so that a message about the
 * missing binary names the replay build. It returns 0 only if the path
 * does not fit in |out_len| bytes. */
int cf_target_bin(char *out, size_t out_len, const struct cf_paths *p,
                  const char *name);

/* cf_display_path writes |path| relative to |base| (the root, or the
 * working directory) when it lies under it, else as given. */
void cf_display_path(char *out, size_t out_len, const char *base,
                     const char *path);

/* cf_bucket is the content of one report.json. Strings are NUL-terminated;
 * |state| is "\n"-joined (an array of strings in JSON). */
struct cf_bucket {
  char target[128];
  char bucket[16]; /* bucket id, or CF_NO_REPRO */
  char type[64];
  char access[8];
  uint32_t access_size;
  char state[CF_STATE_FRAMES * 256];
  struct cf_frame *frames; /* malloc'd, num_frames entries */
  size_t num_frames;
  int security;
  char severity[16];
  int is_finding;
  char finding_kind[64];
  char finding_validator[64];
  char finding_oracle[128];
  char finding_reason[64];
  int flaky;
  uint32_t reproduced_k; /* runs that reproduced ... */
  uint32_t reproduced_n; /* ... out of this many */
  char first_seen[32];
  char last_seen[32];
  uint64_t original_size;
  uint64_t reproducer_size;
  char minimized[64];    /* "libfuzzer", "ddmin", "none", "skipped: ..." */
  char **originals;      /* SHA-1 hex of each original, malloc'd */
  size_t num_originals;  /* = count */
  char **reproduce_argv; /* NULL for no-repro */
  size_t reproduce_argc;
  uint32_t timeout_secs;
  uint32_t rss_limit_mb;
  int fixed;             /* status "fixed" (else "open") */
  int expected_failing;
  char summary[512];
  char sanitizer_summary[512];
  /* The JSON this was loaded from (fields we do not know are kept when it
   * is written back), or NULL. */
  json_t *json;
};

/* cf_bucket_new returns a zeroed bucket (schema fields unset), or NULL. */
struct cf_bucket *cf_bucket_new(void);

/* cf_bucket_free frees |b|; cf_bucket_free(NULL) is a no-op. */
void cf_bucket_free(struct cf_bucket *b);

/* cf_bucket_set_crash copies the classification of |c| (type, access,
 * state, frames, security, severity, finding, summary) into |b|. */
int cf_bucket_set_crash(struct cf_bucket *b, const struct cf_crash *c);

/* cf_bucket_to_crash rebuilds a classification from |b|, for comparing a
 * new crash with it (cf_crashes_similar). */
void cf_bucket_to_crash(struct cf_crash *out, const struct cf_bucket *b);

/* cf_bucket_has_original returns 1 if the original |sha1| is recorded. */
int cf_bucket_has_original(const struct cf_bucket *b, const char *sha1);

/* cf_bucket_add_original records |sha1| (once). */
int cf_bucket_add_original(struct cf_bucket *b, const char *sha1);

/* cf_bucket_set_argv replaces the reproduce argv with a copy of |argv|
 * (|argc| strings); argc 0 clears it. */
int cf_bucket_set_argv(struct cf_bucket *b, const char *const *argv,
                       size_t argc);

/* cf_bucket_to_json returns report.json's object for |b|, starting from
 * b->json when there is one (unknown fields survive), or NULL. */
json_t *cf_bucket_to_json(const struct cf_bucket *b);

/* cf_bucket_from_json fills |b| (fresh from cf_bucket_new) from |j|. On a
 * missing or mistyped field it writes which to |err| and returns 0. */
int cf_bucket_from_json(struct cf_bucket *b, const json_t *j, char *err,
                        size_t err_len);

/* cf_report_json_name / cf_report_txt_name: "report.json" / "report.txt",
 * except for the no-repro entry ("no-repro.json" / "no-repro.txt"): it is
 * not a bucket, so DIR/<target>/<x>/report.json matches buckets only. */
const char *cf_report_json_name(const struct cf_bucket *b);
const char *cf_report_txt_name(const struct cf_bucket *b);

/* cf_bucket_load reads |dir|/report.json (no-repro.json when |dir| is a
 * no-repro entry) into a new bucket. */
int cf_bucket_load(struct cf_bucket **out, const char *dir, char *err,
                   size_t err_len);

/* cf_bucket_write_reports writes |dir|/report.json and |dir|/report.txt,
 * each atomically. */
int cf_bucket_write_reports(const struct cf_bucket *b, const char *dir);

/* cf_bucket_create makes |target_dir|/<b->bucket>/ complete in one rename:
 * reproducer (|repro|, unless NULL), originals/<sha1> (|orig|), reports. It
 * returns 1 on success; 0 with errno EEXIST if the bucket appeared in the
 * meantime (join it instead), or another errno. The temporary directory
 * is removed on failure. */
int cf_bucket_create(const struct cf_bucket *b, const char *target_dir,
                     const uint8_t *repro, size_t repro_len,
                     const uint8_t *orig, size_t orig_len,
                     const char *orig_sha1);

/* cf_bucket_join adds the original |orig| (content SHA-1 |sha1|) to the
 * existing bucket |b| in |bucket_dir|: originals/<sha1> first, then the
 * reports (count, last_seen). A crash between the two leaves an original
 * that cf_store_load finds and records on the next run. */
int cf_bucket_join(struct cf_bucket *b, const char *bucket_dir,
                   const uint8_t *orig, size_t orig_len, const char *sha1);

/* cf_store is the index of one target's directory DIR/<target>/. */
struct cf_store {
  char dir[PATH_MAX]; /* DIR/<target> */
  char target[128];
  struct cf_bucket **buckets; /* bucket dirs and no-repro, sorted by name */
  size_t num_buckets;
  char **raw;                 /* names of raw files directly in dir */
  size_t num_raw;
  char **broken;              /* "name: why" for entries that are neither */
  size_t num_broken;
};

/* cf_store_load reads DIR/<target>/ (which may be missing: an empty store).
 * With |repair| set (the caller holds DIR's lock), stale ".tmp-*" entries
 * are removed and originals present on disk but missing from a
 * report.json are recorded in it. */
int cf_store_load(struct cf_store *s, const char *out_dir, const char *target,
                  int repair, char *err, size_t err_len);

/* cf_store_free frees what cf_store_load allocated. */
void cf_store_free(struct cf_store *s);

/* cf_store_find_original returns the bucket holding the original |sha1|,
 * or NULL. */
struct cf_bucket *cf_store_find_original(const struct cf_store *s,
                                         const char *sha1);

/* cf_store_match returns the bucket |c| belongs to: same type and state,
 * else the first of the same type that cf_crashes_similar folds it into;
 * NULL when none (a new bucket). The no-repro entry never matches. */
struct cf_bucket *cf_store_match(const struct cf_store *s,
                                 const struct cf_crash *c);

/* cf_store_add takes ownership of |b| (a bucket just created on disk). */
int cf_store_add(struct cf_store *s, struct cf_bucket *b);

/* cf_lock_dir takes an exclusive lock on |dir|/.lock, waiting for another
 * triage to finish (and saying so on stderr). Returns the fd, or -1 (errno
 * EINTR when a signal ended the wait). */
int cf_lock_dir(const char *dir);

#endif /* CHAINFUZZ_HARNESS_STORE_H */
