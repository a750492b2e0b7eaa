/* store_test.c — unit tests of harness/store.c and harness/report.c (and
 * the byte-level ddmin of harness/minimize.c): content hashes and bucket
 * ids against independently computed values, report.json written and read
 * back field by field (unknown fields survive), atomic writes that leave
 * no temporary files, joining a bucket counting only new content, repair
 * after an interrupted join, bucket matching, the SARIF file's required
 * 2.1.0 fields, and which build's binary cf_target_bin picks (replay, else
 * libfuzzer, else the replay path). Works in a fresh temporary directory.
 * TAP. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "../harness/minimize.h"
#include "../harness/report.h"
#include "../harness/store.h"
#include "tap.h"

static char g_tmp[PATH_MAX];

/* count_entries counts the entries of |dir| (all, dotfiles too), and those
 * whose name starts with ".tmp-" in |*tmp|. */
static int count_entries(const char *dir, int *tmp) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  *tmp = 0;
  if (d == NULL) {
    return -1;
  }
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
      continue;
    }
    n++;
    if (strncmp(e->d_name, ".tmp-", 5) == 0) {
      (*tmp)++;
    }
  }
  closedir(d);
  return n;
}

/* tmp_anywhere returns 1 if a ".tmp-" entry exists below |dir|. */
static int tmp_anywhere(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int found = 0;
  if (d == NULL) {
    return 0;
  }
  while (!found && (e = readdir(d)) != NULL) {
    char p[PATH_MAX];
    struct stat st;
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
      continue;
    }
    if (strncmp(e->d_name, ".tmp-", 5) == 0) {
      found = 1;
      break;
    }
    snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
      found = tmp_anywhere(p);
    }
  }
  closedir(d);
  return found;
}

static int file_equals(const char *path, const char *want, size_t want_len) {
  uint8_t *data;
  size_t len;
  int eq;
  if (!cf_read_file(&data, &len, path, 1 << 20)) {
    return 0;
  }
  eq = len == want_len && memcmp(data, want, len) == 0;
  free(data);
  return eq;
}

static void test_hashes(void) {
  char sha1[CF_SHA1_HEX_LEN + 1], sha256[CF_SHA256_HEX_LEN + 1];
  char id[CF_BUCKET_ID_LEN + 1], id2[CF_BUCKET_ID_LEN + 1];

  cf_sha1_hex(sha1, (const uint8_t *)"abc", 3);
  tap_ok(strcmp(sha1, "a9993e364706816aba3e25717850c26c9cd0d89d") == 0,
         "SHA-1 of \"abc\" (got %s)", sha1);
  cf_sha256_hex(sha256, (const uint8_t *)"abc", 3);
  tap_ok(strcmp(sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410"
                        "ff61f20015ad") == 0,
         "SHA-256 of \"abc\" (got %s)", sha256);
  /* Expected values: python3 hashlib.sha256(b"target\ntype\nstate"). */
  cf_bucket_id(id, "toy", "Heap-buffer-overflow",
               "bug_a\nLLVMFuzzerTestOneInput\ncall_target");
  tap_ok(strcmp(id, "e18d8042d833") == 0,
         "bucket id = first 12 hex of SHA-256(target\\ntype\\nstate) (got %s)",
         id);
  cf_bucket_id(id, "chain_verify", "Finding", "boringssl\nspec\nEXPIRED");
  tap_ok(strcmp(id, "cf5ea4268662") == 0, "bucket id of a finding (got %s)",
         id);
  cf_bucket_id(id2, "chain_verify", "Finding", "boringssl\nspec\nEXPIREd");
  tap_ok(strcmp(id, id2) != 0 && cf_is_bucket_id(id) && cf_is_bucket_id(id2),
         "bucket ids differ when the state differs, and are 12 hex digits");
  tap_ok(!cf_is_bucket_id("no-repro") && !cf_is_bucket_id("E18D8042D833") &&
             !cf_is_bucket_id("e18d8042d83"),
         "cf_is_bucket_id rejects other names");
  tap_ok(cf_valid_target_name("chain_verify") &&
             cf_valid_target_name("a-b_C9") && !cf_valid_target_name("") &&
             !cf_valid_target_name("../x") && !cf_valid_target_name("a b") &&
             !cf_valid_target_name("a/b"),
         "target names: [A-Za-z0-9_-]+ only");
}

static void test_atomic_write(void) {
  char dir[PATH_MAX], path[PATH_MAX];
  int tmp = 0, n;

  snprintf(dir, sizeof(dir), "%s/atomic", g_tmp);
  tap_ok(cf_mkdir_p(dir), "cf_mkdir_p %s", dir);
  snprintf(path, sizeof(path), "%s/file", dir);
  tap_ok(cf_write_file_atomic(path, "first", 5, 0644) &&
             file_equals(path, "first", 5),
         "atomic write creates the file with its content");
  tap_ok(cf_write_file_atomic(path, "second!", 7, 0644) &&
             file_equals(path, "second!", 7),
         "atomic write replaces the content");
  n = count_entries(dir, &tmp);
  tap_ok(n == 1 && tmp == 0,
         "no temporary file left beside it (%d entries, %d .tmp-)", n, tmp);
  snprintf(path, sizeof(path), "%s/missing-dir/file", dir);
  errno = 0;
  tap_ok(!cf_write_file_atomic(path, "x", 1, 0644) && errno == ENOENT,
         "a write into a missing directory fails with ENOENT");
  n = count_entries(dir, &tmp);
  tap_ok(n == 1 && tmp == 0, "and leaves nothing behind (%d entries)", n);
  snprintf(path, sizeof(path), "%s/empty", dir);
  tap_ok(cf_write_file_atomic(path, "", 0, 0644) && file_equals(path, "", 0),
         "an empty file is written too");
}

/* fill_bucket makes a bucket with every field set. */
static struct cf_bucket *fill_bucket(const char *target, const char *type,
                                     const char *state) {
  struct cf_bucket *b = cf_bucket_new();
  const char *argv[2] = {"build/replay/bin/toy", "crashes/toy/B/reproducer"};
  if (b == NULL) {
    return NULL;
  }
  snprintf(b->target, sizeof(b->target), "%s", target);
  snprintf(b->type, sizeof(b->type), "%s", type);
  snprintf(b->state, sizeof(b->state), "%s", state);
  cf_bucket_id(b->bucket, target, type, state);
  snprintf(b->access, sizeof(b->access), "WRITE");
  b->access_size = 8;
  b->frames = calloc(2, sizeof(*b->frames));
  b->num_frames = 2;
  snprintf(b->frames[0].function, sizeof(b->frames[0].function), "bug_a");
  snprintf(b->frames[0].file, sizeof(b->frames[0].file), "%s",
           "/src/chainfuzz/targets/toy.c");
  b->frames[0].line = 42;
  snprintf(b->frames[1].function, sizeof(b->frames[1].function), "_start");
  snprintf(b->frames[1].module, sizeof(b->frames[1].module), "/bin/toy");
  b->security = 1;
  snprintf(b->severity, sizeof(b->severity), "High");
  b->is_finding = 1;
  snprintf(b->finding_kind, sizeof(b->finding_kind),
           "accept-when-should-reject");
  snprintf(b->finding_validator, sizeof(b->finding_validator), "boringssl");
  snprintf(b->finding_oracle, sizeof(b->finding_oracle), "spec");
  snprintf(b->finding_reason, sizeof(b->finding_reason), "EXPIRED");
  b->flaky = 1;
  b->reproduced_k = 2;
  b->reproduced_n = 3;
  snprintf(b->first_seen, sizeof(b->first_seen), "2025-01-02T03:04:05Z");
  snprintf(b->last_seen, sizeof(b->last_seen), "2025-01-03T03:04:05Z");
  b->original_size = 1234;
  b->reproducer_size = 7;
  snprintf(b->minimized, sizeof(b->minimized), "ddmin (12 runs)");
  cf_bucket_add_original(b, "a9993e364706816aba3e25717850c26c9cd0d89d");
  cf_bucket_set_argv(b, argv, 2);
  b->timeout_secs = 9;
  b->rss_limit_mb = 1000;
  b->fixed = 0;
  b->expected_failing = 1;
  snprintf(b->summary, sizeof(b->summary), "a \"quoted\" summary\twith tab");
  snprintf(b->sanitizer_summary, sizeof(b->sanitizer_summary),
           "SUMMARY: AddressSanitizer: heap-buffer-overflow");
  return b;
}

/* same_bucket_fields compares every field of two buckets; on a difference
 * it names the field in |why|. */
static int same_bucket_fields(const struct cf_bucket *a,
                              const struct cf_bucket *b, const char **why) {
#define FIELD(cond, name) \
  if (!(cond)) {          \
    *why = name;          \
    return 0;             \
  }
  FIELD(strcmp(a->target, b->target) == 0, "target");
  FIELD(strcmp(a->bucket, b->bucket) == 0, "bucket");
  FIELD(strcmp(a->type, b->type) == 0, "type");
  FIELD(strcmp(a->access, b->access) == 0, "access");
  FIELD(a->access_size == b->access_size, "access_size");
  FIELD(strcmp(a->state, b->state) == 0, "state");
  FIELD(a->num_frames == b->num_frames, "frames");
  for (size_t i = 0; i < a->num_frames; i++) {
    FIELD(strcmp(a->frames[i].function, b->frames[i].function) == 0 &&
              strcmp(a->frames[i].file, b->frames[i].file) == 0 &&
              strcmp(a->frames[i].module, b->frames[i].module) == 0 &&
              a->frames[i].line == b->frames[i].line,
          "frames[i]");
  }
  FIELD(a->security == b->security, "security");
  FIELD(strcmp(a->severity, b->severity) == 0, "severity");
  FIELD(a->is_finding == b->is_finding, "finding");
  FIELD(strcmp(a->finding_kind, b->finding_kind) == 0 &&
            strcmp(a->finding_validator, b->finding_validator) == 0 &&
            strcmp(a->finding_oracle, b->finding_oracle) == 0 &&
            strcmp(a->finding_reason, b->finding_reason) == 0,
        "finding.*");
  FIELD(a->flaky == b->flaky, "flaky");
  FIELD(a->reproduced_k == b->reproduced_k &&
            a->reproduced_n == b->reproduced_n,
        "reproduced");
  FIELD(strcmp(a->first_seen, b->first_seen) == 0, "first_seen");
  FIELD(strcmp(a->last_seen, b->last_seen) == 0, "last_seen");
  FIELD(a->original_size == b->original_size, "original_size");
  FIELD(a->reproducer_size == b->reproducer_size, "reproducer_size");
  FIELD(strcmp(a->minimized, b->minimized) == 0, "minimized");
  FIELD(a->num_originals == b->num_originals, "count");
  for (size_t i = 0; i < a->num_originals; i++) {
    FIELD(strcmp(a->originals[i], b->originals[i]) == 0, "originals");
  }
  FIELD(a->reproduce_argc == b->reproduce_argc, "reproduce.argv");
  for (size_t i = 0; i < a->reproduce_argc; i++) {
    FIELD(strcmp(a->reproduce_argv[i], b->reproduce_argv[i]) == 0,
          "reproduce.argv[i]");
  }
  FIELD(a->timeout_secs == b->timeout_secs, "timeout_secs");
  FIELD(a->rss_limit_mb == b->rss_limit_mb, "rss_limit_mb");
  FIELD(a->fixed == b->fixed, "status");
  FIELD(a->expected_failing == b->expected_failing, "expected_failing");
  FIELD(strcmp(a->summary, b->summary) == 0, "summary");
  FIELD(strcmp(a->sanitizer_summary, b->sanitizer_summary) == 0,
        "sanitizer_summary");
#undef FIELD
  return 1;
}

static void test_report_round_trip(void) {
  char dir[PATH_MAX], path[PATH_MAX], err[512];
  struct cf_bucket *b = fill_bucket("toy", "Heap-buffer-overflow",
                                    "bug_a\nLLVMFuzzerTestOneInput\nmain");
  struct cf_bucket *back = NULL, *again = NULL;
  const char *why = "";
  json_t *j;
  json_error_t jerr;

  snprintf(dir, sizeof(dir), "%s/rt", g_tmp);
  cf_mkdir_p(dir);
  tap_ok(b != NULL && cf_bucket_write_reports(b, dir),
         "report.json and report.txt written");
  snprintf(path, sizeof(path), "%s/report.json", dir);
  j = json_load_file(path, 0, &jerr);
  tap_ok(j != NULL, "report.json is valid JSON (%s)", j ? "ok" : jerr.text);
  tap_ok(j != NULL &&
             json_integer_value(json_object_get(j, "schema")) == 1 &&
             json_is_array(json_object_get(j, "state")) &&
             json_array_size(json_object_get(j, "state")) == 3 &&
             json_is_array(json_object_get(j, "frames")) &&
             json_is_true(json_object_get(j, "security")) &&
             json_is_object(json_object_get(j, "finding")) &&
             strcmp(json_string_value(json_object_get(j, "reproduced")),
                    "2/3") == 0 &&
             json_integer_value(json_object_get(j, "count")) == 1 &&
             strcmp(json_string_value(json_object_get(j, "status")),
                    "open") == 0 &&
             json_is_true(json_object_get(j, "expected_failing")) &&
             strcmp(json_string_value(json_object_get(
                        json_object_get(j, "reproduce"), "command")),
                    "build/replay/bin/toy crashes/toy/B/reproducer") == 0 &&
             strcmp(json_string_value(json_array_get(
                        json_object_get(j, "originals"), 0)),
                    "originals/a9993e364706816aba3e25717850c26c9cd0d89d") ==
                 0,
         "report.json has the documented shapes (schema 1, state array, "
         "reproduced k/N, count, status, reproduce.command, originals)");
  json_decref(j);
  tap_ok(cf_bucket_load(&back, dir, err, sizeof(err)), "report.json reads "
         "back (%s)", back ? "ok" : err);
  tap_ok(back != NULL && same_bucket_fields(b, back, &why),
         "every field survives the round trip (first difference: %s)", why);

  /* A field this version does not know survives a rewrite. */
  j = json_load_file(path, 0, &jerr);
  json_object_set_new(j, "x_reviewer_note", json_string("keep me"));
  json_dump_file(j, path, JSON_INDENT(2));
  json_decref(j);
  cf_bucket_free(back);
  back = NULL;
  if (cf_bucket_load(&back, dir, err, sizeof(err))) {
    back->fixed = 1;
    back->expected_failing = 0;
    cf_bucket_write_reports(back, dir);
  }
  j = json_load_file(path, 0, &jerr);
  tap_ok(j != NULL &&
             json_is_string(json_object_get(j, "x_reviewer_note")) &&
             strcmp(json_string_value(json_object_get(j, "status")),
                    "fixed") == 0 &&
             json_is_false(json_object_get(j, "expected_failing")),
         "an unknown field survives an update; status fixed written back");
  json_decref(j);
  tap_ok(cf_bucket_load(&again, dir, err, sizeof(err)) && again->fixed &&
             !again->expected_failing,
         "status fixed reads back");
  tap_ok(!tmp_anywhere(dir), "no temporary file left in the bucket");

  /* A wrong schema and a missing field are refused with a reason. */
  j = json_load_file(path, 0, &jerr);
  json_object_set_new(j, "schema", json_integer(2));
  struct cf_bucket *bad = cf_bucket_new();
  err[0] = '\0';
  tap_ok(!cf_bucket_from_json(bad, j, err, sizeof(err)) &&
             strstr(err, "schema") != NULL,
         "schema 2 is refused (%s)", err);
  cf_bucket_free(bad);
  json_object_set_new(j, "schema", json_integer(1));
  json_object_del(j, "state");
  bad = cf_bucket_new();
  err[0] = '\0';
  tap_ok(!cf_bucket_from_json(bad, j, err, sizeof(err)) &&
             strstr(err, "state") != NULL,
         "a missing field is refused and named (%s)", err);
  cf_bucket_free(bad);
  json_decref(j);

  {
    char *txt = cf_report_text(b);
    tap_ok(txt != NULL && strstr(txt, "Heap-buffer-overflow") != NULL &&
               strstr(txt, "bug_a") != NULL && strstr(txt, "High") != NULL &&
               strstr(txt, "flaky:      yes") != NULL &&
               strstr(txt, "build/replay/bin/toy crashes/toy/B/reproducer") !=
                   NULL,
           "report.txt names type, state, severity, flakiness and the "
           "reproduce command");
    free(txt);
  }
  {
    char q[128] = "";
    cf_shell_quote(q, sizeof(q), "it's a file");
    tap_ok(strcmp(q, "'it'\\''s a file'") == 0, "shell quoting (%s)", q);
  }
  cf_bucket_free(b);
  cf_bucket_free(back);
  cf_bucket_free(again);
}

static void test_join(void) {
  char out[PATH_MAX], tdir[PATH_MAX], bdir[PATH_MAX], path[PATH_MAX];
  char err[512], sha_x[41], sha_y[41], sha_z[41];
  struct cf_store s;
  struct cf_bucket *b = fill_bucket("toy", "Heap-use-after-free",
                                    "bug_b\nLLVMFuzzerTestOneInput");
  struct cf_bucket *found;
  struct cf_crash *c = calloc(1, sizeof(*c));

  snprintf(out, sizeof(out), "%s/crashes", g_tmp);
  snprintf(tdir, sizeof(tdir), "%s/toy", out);
  cf_sha1_hex(sha_x, (const uint8_t *)"XXXX", 4);
  cf_sha1_hex(sha_y, (const uint8_t *)"YYYY", 4);
  cf_sha1_hex(sha_z, (const uint8_t *)"ZZZZ", 4);
  /* The bucket as triage creates it: one original, X. */
  for (size_t i = 0; i < b->num_originals; i++) {
    free(b->originals[i]);
  }
  b->num_originals = 0;
  cf_bucket_add_original(b, sha_x);
  tap_ok(cf_bucket_create(b, tdir, (const uint8_t *)"X", 1,
                          (const uint8_t *)"XXXX", 4, sha_x),
         "cf_bucket_create makes a bucket directory");
  snprintf(bdir, sizeof(bdir), "%s/%s", tdir, b->bucket);
  snprintf(path, sizeof(path), "%s/originals/%s", bdir, sha_x);
  tap_ok(file_equals(path, "XXXX", 4), "the original is stored by SHA-1");
  snprintf(path, sizeof(path), "%s/reproducer", bdir);
  tap_ok(file_equals(path, "X", 1), "the reproducer is stored");
  tap_ok(!tmp_anywhere(out), "no temporary directory left after creation");
  errno = 0;
  tap_ok(!cf_bucket_create(b, tdir, (const uint8_t *)"X", 1,
                           (const uint8_t *)"XXXX", 4, sha_x) &&
             errno == EEXIST && !tmp_anywhere(out),
         "creating it again fails with EEXIST and cleans up");

  tap_ok(cf_store_load(&s, out, "toy", 1, err, sizeof(err)) &&
             s.num_buckets == 1,
         "the store finds the bucket (%zu)", s.num_buckets);
  found = cf_store_find_original(&s, sha_x);
  tap_ok(found != NULL && cf_store_find_original(&s, sha_y) == NULL,
         "known content is recognised by SHA-1, new content is not");
  if (found != NULL) {
    cf_bucket_join(found, bdir, (const uint8_t *)"YYYY", 4, sha_y);
    cf_bucket_join(found, bdir, (const uint8_t *)"YYYY", 4, sha_y);
    cf_bucket_join(found, bdir, (const uint8_t *)"XXXX", 4, sha_x);
  }
  tap_ok(found != NULL && found->num_originals == 2,
         "joining counts distinct content only (count %zu, want 2)",
         found ? found->num_originals : 0);
  cf_store_free(&s);
  cf_store_load(&s, out, "toy", 0, err, sizeof(err));
  tap_ok(s.num_buckets == 1 && s.buckets[0]->num_originals == 2 &&
             strcmp(s.buckets[0]->first_seen, "2025-01-02T03:04:05Z") == 0 &&
             strcmp(s.buckets[0]->last_seen, "2025-01-03T03:04:05Z") != 0,
         "on disk: count 2, first_seen kept, last_seen updated");
  cf_store_free(&s);

  /* An interrupted join: the original was written, report.json was not. A
   * stale temporary directory from a killed run lies around too. */
  snprintf(path, sizeof(path), "%s/originals/%s", bdir, sha_z);
  cf_write_file_atomic(path, "ZZZZ", 4, 0644);
  snprintf(path, sizeof(path), "%s/.tmp-0123456789ab-99999", tdir);
  mkdir(path, 0755);
  cf_store_load(&s, out, "toy", 1, err, sizeof(err));
  tap_ok(s.num_buckets == 1 && s.buckets[0]->num_originals == 3 &&
             cf_store_find_original(&s, sha_z) != NULL,
         "repair records an original left by an interrupted join");
  tap_ok(access(path, F_OK) != 0, "repair removes stale .tmp- entries");

  /* Raw artifacts and strangers are listed, not buckets. */
  snprintf(path, sizeof(path), "%s/crash-123", tdir);
  cf_write_file_atomic(path, "raw", 3, 0644);
  snprintf(path, sizeof(path), "%s/not-a-bucket", tdir);
  mkdir(path, 0755);
  cf_store_free(&s);
  cf_store_load(&s, out, "toy", 0, err, sizeof(err));
  tap_ok(s.num_buckets == 1 && s.num_raw == 1 &&
             strcmp(s.raw[0], "crash-123") == 0 && s.num_broken == 1,
         "a raw file is listed as untriaged, a stray directory as broken");

  /* Matching. */
  if (c != NULL && s.num_buckets == 1) {
    cf_bucket_to_crash(c, s.buckets[0]);
    tap_ok(cf_store_match(&s, c) == s.buckets[0],
           "the same type and state match the bucket");
    snprintf(c->type, sizeof(c->type), "Heap-buffer-overflow");
    tap_ok(cf_store_match(&s, c) == NULL, "another type does not match");
  }
  cf_store_free(&s);
  tap_ok(cf_store_load(&s, out, "absent", 0, err, sizeof(err)) &&
             s.num_buckets == 0,
         "a target without a directory is an empty store");
  cf_store_free(&s);
  free(c);
  cf_bucket_free(b);
}

static void test_sarif(void) {
  char path[PATH_MAX];
  json_t *sarif = cf_sarif_new(), *j, *run, *res;
  json_error_t jerr;
  struct cf_bucket *a = fill_bucket("toy", "Heap-buffer-overflow", "f\ng");
  struct cf_bucket *b = fill_bucket("toy", "Timeout", "h");
  b->security = 0;

  tap_ok(sarif != NULL && cf_sarif_add(sarif, a, "crashes/toy/A",
                                       "/src/chainfuzz") &&
             cf_sarif_add(sarif, b, "crashes/toy/B", "/src/chainfuzz"),
         "two results added to a SARIF log");
  snprintf(path, sizeof(path), "%s/triage.sarif", g_tmp);
  tap_ok(cf_sarif_write(sarif, path), "SARIF written");
  j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  tap_ok(j != NULL, "the SARIF file is valid JSON (%s)", j ? "ok" : jerr.text);
  run = json_array_get(json_object_get(j, "runs"), 0);
  tap_ok(j != NULL &&
             strcmp(json_string_value(json_object_get(j, "version")),
                    "2.1.0") == 0 &&
             json_is_string(json_object_get(j, "$schema")) &&
             json_array_size(json_object_get(j, "runs")) == 1 &&
             strcmp(json_string_value(json_object_get(
                        json_object_get(json_object_get(run, "tool"),
                                        "driver"),
                        "name")),
                    "chainfuzz") == 0,
         "version 2.1.0, $schema, runs[0].tool.driver.name chainfuzz");
  tap_ok(json_array_size(json_object_get(run, "results")) == 2,
         "one result per bucket");
  res = json_array_get(json_object_get(run, "results"), 0);
  tap_ok(res != NULL &&
             strcmp(json_string_value(json_object_get(res, "ruleId")),
                    "Heap-buffer-overflow") == 0 &&
             strcmp(json_string_value(json_object_get(res, "level")),
                    "error") == 0 &&
             json_is_string(json_object_get(
                 json_object_get(res, "message"), "text")) &&
             strcmp(json_string_value(json_object_get(
                        json_object_get(res, "partialFingerprints"),
                        "chainfuzzBucket/v1")),
                    a->bucket) == 0,
         "result: ruleId = type, level error for a security issue, message, "
         "bucket id fingerprint");
  {
    json_t *loc = json_object_get(
        json_array_get(json_object_get(res, "locations"), 0),
        "physicalLocation");
    const char *uri = json_string_value(
        json_object_get(json_object_get(loc, "artifactLocation"), "uri"));
    tap_ok(uri != NULL && strcmp(uri, "targets/toy.c") == 0 &&
               json_integer_value(json_object_get(
                   json_object_get(loc, "region"), "startLine")) == 42,
           "location: the top frame, repository-relative (%s)",
           uri ? uri : "none");
  }
  res = json_array_get(json_object_get(run, "results"), 1);
  tap_ok(res != NULL &&
             strcmp(json_string_value(json_object_get(res, "level")),
                    "warning") == 0,
         "level warning when not a security issue");
  {
    json_t *rules = json_object_get(
        json_object_get(json_object_get(run, "tool"), "driver"), "rules");
    tap_ok(json_array_size(rules) == 2 &&
               json_integer_value(json_object_get(res, "ruleIndex")) == 1,
           "rules declared once per type, ruleIndex points at them");
  }
  json_decref(j);
  json_decref(sarif);
  cf_bucket_free(a);
  cf_bucket_free(b);
}

/* ddmin_needs_xy "fails" when the input holds both 'x' and 'y'. */
static int ddmin_needs_xy(void *ctx, const uint8_t *d, size_t len) {
  (void)ctx;
  return memchr(d, 'x', len) != NULL && memchr(d, 'y', len) != NULL;
}

static void test_ddmin(void) {
  static const char kIn[] = "aaaaxbbbbbbbbbbbbbbbbbbbbbbbcccccccccccyddddd";
  uint8_t *out = NULL;
  size_t len = 0, tests = 0;
  tap_ok(cf_ddmin(&out, &len, &tests, (const uint8_t *)kIn, sizeof(kIn) - 1,
                  ddmin_needs_xy, NULL, 1000) &&
             len == 2 && out[0] == 'x' && out[1] == 'y',
         "ddmin finds the 2 bytes that matter in %zu tests (got %zu bytes)",
         tests, len);
  free(out);
  tap_ok(cf_ddmin(&out, &len, &tests, (const uint8_t *)kIn, sizeof(kIn) - 1,
                  ddmin_needs_xy, NULL, 3) &&
             tests <= 3 && ddmin_needs_xy(NULL, out, len),
         "ddmin stops at its test budget with a still-failing input "
         "(%zu tests, %zu bytes)", tests, len);
  free(out);
}

/* touch_file creates |dir|/|name| (and |dir|) holding a few bytes. */
static int touch_file(const char *dir, const char *name) {
  char path[PATH_MAX];
  return cf_mkdir_p(dir) && cf_path_join(path, sizeof(path), dir, name) &&
         cf_write_file_atomic(path, "#!/bin/sh\n", 10, 0755);
}

static void test_target_bin(void) {
  struct cf_paths p;
  char out[PATH_MAX], replay_dir[PATH_MAX], lf_dir[PATH_MAX];
  char replay[PATH_MAX], lf[PATH_MAX], other[PATH_MAX], small[16];

  memset(&p, 0, sizeof(p));
  snprintf(p.root, sizeof(p.root), "%s/tb", g_tmp);
  snprintf(p.build, sizeof(p.build), "%s/tb/build", g_tmp);
  snprintf(replay_dir, sizeof(replay_dir), "%s/replay/bin", p.build);
  snprintf(lf_dir, sizeof(lf_dir), "%s/libfuzzer/bin", p.build);
  snprintf(replay, sizeof(replay), "%s/hostname", replay_dir);
  snprintf(lf, sizeof(lf), "%s/hostname", lf_dir);

  tap_ok(cf_target_bin(out, sizeof(out), &p, "hostname") &&
             strcmp(out, replay) == 0,
         "cf_target_bin: neither build exists -> the replay path, for the "
         "\"build it\" message (got %s)", out);
  tap_ok(touch_file(lf_dir, "hostname") &&
             cf_target_bin(out, sizeof(out), &p, "hostname") &&
             strcmp(out, lf) == 0,
         "cf_target_bin: only the libfuzzer binary exists -> it (got %s)",
         out);
  snprintf(other, sizeof(other), "%s/x509_parse", replay_dir);
  tap_ok(cf_target_bin(out, sizeof(out), &p, "x509_parse") &&
             strcmp(out, other) == 0,
         "cf_target_bin: per target: another target with no binary -> its "
         "replay path (got %s)", out);
  tap_ok(cf_mkdir_p(replay) && cf_target_bin(out, sizeof(out), &p,
                                             "hostname") &&
             strcmp(out, lf) == 0,
         "cf_target_bin: a directory in replay/bin is not a binary -> still "
         "the libfuzzer one (got %s)", out);
  tap_ok(cf_remove_tree(replay) && touch_file(replay_dir, "hostname") &&
             cf_target_bin(out, sizeof(out), &p, "hostname") &&
             strcmp(out, replay) == 0,
         "cf_target_bin: both exist -> the replay binary (got %s)", out);
  tap_ok(cf_remove_tree(lf) && cf_target_bin(out, sizeof(out), &p,
                                              "hostname") &&
             strcmp(out, replay) == 0,
         "cf_target_bin: only the replay binary exists -> it (got %s)", out);
  tap_ok(!cf_target_bin(small, sizeof(small), &p, "hostname"),
         "cf_target_bin returns 0 when the path does not fit");
}

int main(void) {
  const char *base = getenv("TMPDIR");
  snprintf(g_tmp, sizeof(g_tmp), "%s/store_test-XXXXXX",
           base != NULL && base[0] != '\0' ? base : "/tmp");
  if (mkdtemp(g_tmp) == NULL) {
    tap_ok(0, "mkdtemp %s: %s", g_tmp, strerror(errno));
    return tap_done();
  }
  test_hashes();
  test_atomic_write();
  test_report_round_trip();
  test_join();
  test_sarif();
  test_ddmin();
  test_target_bin();
  cf_remove_tree(g_tmp);
  return tap_done();
}
