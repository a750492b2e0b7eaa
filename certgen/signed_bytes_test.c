/* signed_bytes_test.c — the signed-bytes oracle (signed_bytes.h) on a
 * chain certgen built, with the verdict's path written by hand:
 *  1. an honest root -> ica -> leaf passes;
 *  2. the same with the leaf's signature corrupted (defect sig-bitflip)
 *     fails at path position 0;
 *  3. marked external (CF_PROFILE_FLAG_EXTERNAL), it still fails: its
 *     certificates hold pool keys, so the mark cannot blind the oracle (a
 *     mutation may set the bit); external cases without pool keys pass,
 *     which tests/conform_test.sh checks on x509-limbo's chains;
 *  4. an anchor whose SubjectPublicKeyInfo header is broken still gives
 *     its pool key (by its key bits), so the chain passes.
 *
 * Usage: signed_bytes_test (no arguments; the embedded key pool). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/tap.h"
#include "build.h"
#include "chainfuzz/case.h"
#include "keypool.h"
#include "recipe.h"
#include "signed_bytes.h"

static const char kRecipe[] =
    "recipe 1\nid test::signed-bytes\nexpect accept\n"
    "cert root root\n  key root-p256\n"
    "cert ica ica\n  key intermediate-rsa2048\n  issuer root\n"
    "cert leaf leaf\n  key leaf-p256\n  issuer ica\n%s"
    "device\n  anchors root\n  chain leaf ica\n";

static struct cf_pool g_pool;

/* check builds the recipe (|leaf_extra| appended to the leaf block), sets
 * |flags| on the case and runs the oracle on the path leaf, ica, root. */
static int check(size_t *out_pos, char *detail, size_t detail_len,
                 const char *leaf_extra, uint32_t flags, int break_anchor) {
  char text[1024], err[256];
  struct cf_recipe r;
  struct cf_recipe_error perr;
  struct cf_built b;
  struct cf_case c;
  struct cf_verdict v;
  uint8_t *der = NULL;
  size_t der_len;
  snprintf(text, sizeof(text), kRecipe, leaf_extra);
  if (!cf_recipe_parse(&r, &perr, text, strlen(text), "test") ||
      !cf_build_certs(&b, &r, &g_pool, err, sizeof(err))) {
    fprintf(stderr, "signed_bytes_test: the recipe does not build\n");
    exit(2);
  }
  if (!cf_build_case(&der, &der_len, &r, &b) ||
      cf_case_parse(&c, NULL, der, der_len) != CF_CASE_OK) {
    fprintf(stderr, "signed_bytes_test: no case\n");
    exit(2);
  }
  c.profile.flags |= flags;
  if (break_anchor) {
    /* One more byte in the length of the anchor's SubjectPublicKeyInfo
     * (a mutation wolfSSL's lenient parser still loads the key from):
     * its key no longer parses as a pool key's, its key bits are the
     * same. */
    struct cf_blob spki;
    if (!cf_cert_spki(&spki, c.anchors[0].data, c.anchors[0].len) ||
        spki.data[1] >= 0x7f) {
      fprintf(stderr, "signed_bytes_test: no short-form SPKI length\n");
      exit(2);
    }
    ((uint8_t *)spki.data)[1]++;
  }
  memset(&v, 0, sizeof(v));
  v.decision = CF_ACCEPT;
  v.path_len = 3;
  v.path[0] = (struct cf_path_entry){CF_ROLE_LEAF, 0};
  v.path[1] = (struct cf_path_entry){CF_ROLE_INTERMEDIATE, 0};
  v.path[2] = (struct cf_path_entry){CF_ROLE_ANCHOR, 0};
  *out_pos = 99;
  detail[0] = '\0';
  int ok = cf_signed_bytes_check(out_pos, detail, detail_len, &g_pool, &c, &v);
  free(der);
  cf_built_free(&b);
  return ok;
}

int main(void) {
  char err[256], detail[320];
  size_t pos;
  if (!tap_ok(cf_pool_load_embedded(&g_pool, err, sizeof(err)),
              "embedded key pool loads")) {
    return tap_done();
  }
  tap_ok(check(&pos, detail, sizeof(detail), "", 0, 0) == 1,
         "an honest chain passes");
  int ok = check(&pos, detail, sizeof(detail), "  defect sig-bitflip\n", 0, 0);
  tap_ok(ok == 0 && pos == 0, "a corrupted leaf signature fails at position 0 "
         "(%zu: %s)", pos, detail);
  ok = check(&pos, detail, sizeof(detail), "  defect sig-bitflip\n",
             CF_PROFILE_FLAG_EXTERNAL, 0);
  tap_ok(ok == 0 && pos == 0, "marked external, with pool keys: still fails "
         "(%zu: %s)", pos, detail);
  tap_ok(check(&pos, detail, sizeof(detail), "", CF_PROFILE_FLAG_EXTERNAL, 0) == 1,
         "marked external, honest: passes");
  /* chain_verify_wolfssl hour run (issue 13): wolfSSL accepted through an
   * anchor whose SubjectPublicKeyInfo header a mutation broke; the
   * intermediate it signed is honest. */
  ok = check(&pos, detail, sizeof(detail), "", 0, 1);
  tap_ok(ok == 1, "an anchor with a broken SubjectPublicKeyInfo header: its "
         "key is still found, the chain passes (%zu: %s)", pos, detail);
  ok = check(&pos, detail, sizeof(detail), "  defect sig-bitflip\n", 0, 1);
  tap_ok(ok == 0 && pos == 0, "the same with a corrupted leaf signature: "
         "fails at position 0 (%zu: %s)", pos, detail);
  cf_pool_free(&g_pool);
  return tap_done();
}
