/* cmd_seeds.c — `certgen seeds --oracle-corpus DIR`: every scenario of the
 * catalogue that the binary recipe encoding (recipe_bytes.h) expresses
 * exactly, encoded, one file per scenario named by the SHA-1 of its
 * content: the seeds of the chain_oracle_<validator> targets
 * (corpus/chain_oracle). Files are written atomically. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/sha.h>

#include "catalogue.h"
#include "chainfuzz/fileio.h"
#include "cli.h"
#include "recipe.h"
#include "recipe_bytes.h"

static void seeds_usage(void) {
  printf(
      "usage: certgen seeds [--dir SCENARIOS] [--verbose] --oracle-corpus "
      "DIR\n"
      "\n"
      "Encodes every scenario of the catalogue (default %s) that the\n"
      "binary recipe encoding can express exactly (docs/recipes.md, \"The\n"
      "binary encoding\") into DIR, one file per scenario named by the\n"
      "SHA-1 of its content: the seeds of chain_oracle_<validator>\n"
      "(corpus/chain_oracle). Prints how many scenarios were expressible;\n"
      "--verbose also lists the others and why. Files are written through\n"
      "a temporary file and renamed.\n"
      "Exit status: 0 written; 1 the catalogue has a broken recipe or a\n"
      "file could not be written; 2 usage.\n",
      CF_CATALOGUE_DEFAULT_DIR);
}

int cf_cmd_seeds(int argc, char **argv) {
  const char *dir = CF_CATALOGUE_DEFAULT_DIR, *corpus = NULL;
  int verbose = 0, ret = 1;
  struct cf_catalogue cat;
  struct cf_recipe_error rerr;
  struct cf_recipe *r = NULL;
  size_t written = 0, skipped = 0;
  char err[1024];

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (cf_cli_is_help(a)) {
      seeds_usage();
      return 0;
    }
    if (strcmp(a, "--verbose") == 0) {
      verbose = 1;
    } else if (strcmp(a, "--oracle-corpus") == 0 || strcmp(a, "--dir") == 0) {
      if (i + 1 >= argc) {
        return cf_cli_usage_error("seeds", "%s needs a value", a);
      }
      *(strcmp(a, "--dir") == 0 ? &dir : &corpus) = argv[++i];
    } else {
      return cf_cli_usage_error("seeds", "unexpected argument '%s'", a);
    }
  }
  if (corpus == NULL) {
    return cf_cli_usage_error(
        "seeds", "give --oracle-corpus DIR (e.g. corpus/chain_oracle)");
  }
  if (mkdir(corpus, 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "certgen seeds: cannot create %s: %s\n", corpus,
            strerror(errno));
    return 1;
  }
  if (!cf_catalogue_load(&cat, dir, &rerr)) {
    cf_recipe_error_format(err, sizeof(err), &rerr);
    fprintf(stderr, "certgen seeds: %s\n", err);
    return 1;
  }
  r = malloc(sizeof(*r));
  if (r == NULL) {
    fprintf(stderr, "certgen seeds: out of memory\n");
    goto done;
  }
  for (size_t i = 0; i < cat.num; i++) {
    uint8_t *bytes = NULL, digest[SHA_DIGEST_LENGTH];
    size_t len = 0;
    char path[4096], name[2 * SHA_DIGEST_LENGTH + 1], why[256];
    if (!cf_recipe_load(r, &rerr, cat.entries[i].path)) {
      cf_recipe_error_format(err, sizeof(err), &rerr);
      fprintf(stderr, "certgen seeds: %s\n", err);
      goto done;
    }
    if (!cf_recipe_to_bytes_why(&bytes, &len, r, why, sizeof(why))) {
      skipped++;
      if (verbose) {
        fprintf(stderr, "certgen seeds: not expressible: %s: %s\n", r->id,
                why);
      }
      continue;
    }
    SHA1(bytes, len, digest);
    for (size_t j = 0; j < SHA_DIGEST_LENGTH; j++) {
      snprintf(name + 2 * j, 3, "%02x", digest[j]);
    }
    snprintf(path, sizeof(path), "%s/%s", corpus, name);
    if (!cf_write_file_atomic(path, bytes, len, 0644)) {
      fprintf(stderr, "certgen seeds: cannot write %s: %s\n", path,
              strerror(errno));
      free(bytes);
      goto done;
    }
    free(bytes);
    written++;
  }
  fprintf(stderr,
          "certgen seeds: %zu of %zu scenarios expressible, written to %s "
          "(%zu not expressible%s)\n",
          written, cat.num, corpus, skipped,
          skipped > 0 && !verbose ? "; --verbose lists them" : "");
  ret = 0;

done:
  free(r);
  cf_catalogue_free(&cat);
  return ret;
}
