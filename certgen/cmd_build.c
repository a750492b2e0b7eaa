/* cmd_build.c — `certgen build`: a recipe into a case file and, if asked,
 * its certificates; or every scenario of the catalogue into a corpus
 * directory (chain_verify seeds). Every file is written atomically. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/sha.h>

#include "build.h"
#include "catalogue.h"
#include "chainfuzz/fileio.h"
#include "cli.h"
#include "keypool.h"
#include "recipe.h"

static void build_usage(void) {
  printf(
      "usage: certgen build [--keys DIR] [--der-dir DIR] --out FILE RECIPE\n"
      "       certgen build [--keys DIR] [--dir SCENARIOS] --corpus DIR\n"
      "\n"
      "The first form builds one recipe: FILE gets the case (the binary\n"
      "input of chain_verify, include/chainfuzz/case.h), and with --der-dir\n"
      "every certificate of the recipe also goes to DIR/NAME.der (NAME: the\n"
      "cert block's name).\n"
      "The second form builds every scenario of the catalogue (default %s)\n"
      "into DIR, one case per scenario named by the SHA-1 of its content:\n"
      "seeds for chain_verify.\n"
      "Files are written through a temporary file and renamed: an\n"
      "interrupted run leaves no partial file.\n"
      "Exit status: 0 built; 1 a recipe could not be built (or, with\n"
      "--corpus, any recipe failed); 2 usage, or RECIPE does not parse\n"
      "(FILE:LINE:COL: message on stderr, nothing written).\n",
      CF_CATALOGUE_DEFAULT_DIR);
}

/* build_one parses and builds |path|; on success |*out_case| is malloc'd.
 * It returns 1 on success, 0 when the recipe does not parse (a usage error
 * of the file: exit 2) and -1 when it parses but cannot be built. */
static int build_one(uint8_t **out_case, size_t *out_len, struct cf_built *b,
                     struct cf_recipe *r, const char *path,
                     const struct cf_pool *pool) {
  struct cf_recipe_error rerr;
  char err[1024];
  if (!cf_recipe_load(r, &rerr, path)) {
    cf_recipe_error_format(err, sizeof(err), &rerr);
    fprintf(stderr, "certgen build: %s\n", err);
    return 0;
  }
  if (!cf_build_certs(b, r, pool, err, sizeof(err))) {
    fprintf(stderr, "certgen build: %s: %s\n", path, err);
    return -1;
  }
  if (!cf_build_case(out_case, out_len, r, b)) {
    fprintf(stderr,
            "certgen build: %s: cannot make a case (more anchors or "
            "intermediates than the case format allows?)\n",
            path);
    cf_built_free(b);
    return -1;
  }
  return 1;
}

static int write_file(const char *path, const uint8_t *data, size_t len) {
  if (!cf_write_file_atomic(path, data, len, 0644)) {
    fprintf(stderr, "certgen build: cannot write %s: %s\n", path,
            strerror(errno));
    return 0;
  }
  return 1;
}

static int build_corpus(const char *dir, const char *corpus,
                        const struct cf_pool *pool, struct cf_recipe *r) {
  struct cf_catalogue cat;
  struct cf_recipe_error rerr;
  size_t written = 0, failed = 0;
  if (mkdir(corpus, 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "certgen build: cannot create %s: %s\n", corpus,
            strerror(errno));
    return 1;
  }
  if (!cf_catalogue_load(&cat, dir, &rerr)) {
    char err[1024];
    cf_recipe_error_format(err, sizeof(err), &rerr);
    fprintf(stderr, "certgen build: %s\n", err);
    return 1;
  }
  for (size_t i = 0; i < cat.num; i++) {
    uint8_t *c = NULL, digest[SHA_DIGEST_LENGTH];
    size_t c_len = 0;
    struct cf_built b;
    char path[4096], name[SHA_DIGEST_LENGTH * 2 + 1];
    memset(&b, 0, sizeof(b));
    if (build_one(&c, &c_len, &b, r, cat.entries[i].path, pool) != 1) {
      failed++;
      continue;
    }
    SHA1(c, c_len, digest);
    for (size_t j = 0; j < SHA_DIGEST_LENGTH; j++) {
      snprintf(name + 2 * j, 3, "%02x", digest[j]);
    }
    snprintf(path, sizeof(path), "%s/%s", corpus, name);
    if (write_file(path, c, c_len)) {
      written++;
    } else {
      failed++;
    }
    free(c);
    cf_built_free(&b);
  }
  fprintf(stderr, "certgen build: %zu cases written to %s, %zu failed\n",
          written, corpus, failed);
  cf_catalogue_free(&cat);
  return failed == 0 ? 0 : 1;
}

int cf_cmd_build(int argc, char **argv) {
  const char *keys_dir = "certgen/keys", *out = NULL, *der_dir = NULL;
  const char *corpus = NULL, *dir = CF_CATALOGUE_DEFAULT_DIR, *recipe = NULL;
  struct cf_pool pool;
  struct cf_recipe *r = NULL;
  char err[1024];
  int ret = 1;

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **slot = NULL;
    if (cf_cli_is_help(a)) {
      build_usage();
      return 0;
    }
    if (strcmp(a, "--keys") == 0) {
      slot = &keys_dir;
    } else if (strcmp(a, "--out") == 0) {
      slot = &out;
    } else if (strcmp(a, "--der-dir") == 0) {
      slot = &der_dir;
    } else if (strcmp(a, "--corpus") == 0) {
      slot = &corpus;
    } else if (strcmp(a, "--dir") == 0) {
      slot = &dir;
    } else if (a[0] == '-') {
      return cf_cli_usage_error("build", "unknown option '%s'", a);
    } else if (recipe != NULL) {
      return cf_cli_usage_error("build", "one RECIPE at a time ('%s' and '%s')",
                                recipe, a);
    } else {
      recipe = a;
      continue;
    }
    if (i + 1 >= argc) {
      return cf_cli_usage_error("build", "%s needs a value", a);
    }
    *slot = argv[++i];
  }
  if (corpus != NULL && (out != NULL || recipe != NULL || der_dir != NULL)) {
    return cf_cli_usage_error(
        "build", "--corpus builds the whole catalogue: give no RECIPE, --out "
                 "or --der-dir with it");
  }
  if (corpus == NULL && (out == NULL || recipe == NULL)) {
    return cf_cli_usage_error("build",
                              "give --out FILE and a RECIPE file (or --corpus "
                              "DIR for the whole catalogue)");
  }
  if (!cf_pool_load(&pool, keys_dir, err, sizeof(err))) {
    fprintf(stderr, "certgen build: %s\n", err);
    return 2;
  }
  r = malloc(sizeof(*r));
  if (r == NULL) {
    fprintf(stderr, "certgen build: out of memory\n");
    goto done;
  }
  if (corpus != NULL) {
    ret = build_corpus(dir, corpus, &pool, r);
  } else {
    uint8_t *c = NULL;
    size_t c_len = 0;
    struct cf_built b;
    memset(&b, 0, sizeof(b));
    int built = build_one(&c, &c_len, &b, r, recipe, &pool);
    if (built == 0) {
      ret = 2; /* the recipe is wrong: FILE:LINE:COL said where */
    } else if (built == 1) {
      int ok = 1;
      if (der_dir != NULL) {
        if (mkdir(der_dir, 0755) != 0 && errno != EEXIST) {
          fprintf(stderr, "certgen build: cannot create %s: %s\n", der_dir,
                  strerror(errno));
          ok = 0;
        }
        for (size_t i = 0; ok && i < r->num_certs; i++) {
          char path[4096];
          snprintf(path, sizeof(path), "%s/%s.der", der_dir, r->certs[i].name);
          ok = write_file(path, b.der[i], b.der_len[i]);
        }
      }
      ok = ok && write_file(out, c, c_len);
      ret = ok ? 0 : 1;
      free(c);
      cf_built_free(&b);
    }
  }

done:
  free(r);
  cf_pool_free(&pool);
  return ret;
}
