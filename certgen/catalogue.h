/* catalogue.h — the scenario catalogue: every *.recipe file under a
 * directory (default certgen/scenarios), sorted by recipe id.
 *
 * A recipe's id names its file: iot::expired-leaf lives in
 * <dir>/iot/expired-leaf.recipe, rfc5280::nc::excluded-dns in
 * <dir>/rfc5280/nc/excluded-dns.recipe. Loading checks that convention and
 * that ids are unique. Recipes are parsed again on demand with
 * cf_recipe_load (a parsed recipe is large; the catalogue keeps only ids and
 * paths). */
#ifndef CHAINFUZZ_CERTGEN_CATALOGUE_H
#define CHAINFUZZ_CERTGEN_CATALOGUE_H

#include <stddef.h>

#include "recipe.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CF_CATALOGUE_DEFAULT_DIR "certgen/scenarios"

struct cf_catalogue_entry {
  char id[CF_RECIPE_MAX_ID + 1];
  char *path; /* heap; <dir>/<ns>/<name>.recipe */
};

/* cf_catalogue is a list of scenarios, sorted by id. */
struct cf_catalogue {
  struct cf_catalogue_entry *entries;
  size_t num;
};

/* cf_catalogue_report_fn receives one error of cf_catalogue_scan; |err|
 * names the file. */
typedef void (*cf_catalogue_report_fn)(void *ctx,
                                       const struct cf_recipe_error *err);

/* cf_catalogue_scan walks |dir| recursively (in name order, skipping names
 * that start with '.'), parses every *.recipe file and fills |*out| with
 * the ones that parse, whose id matches their path and whose id no other
 * file has, sorted by id. Every problem is passed to |report| (if not NULL)
 * and skipped. It returns 1 if there was no problem, 0 otherwise (|*out| is
 * still valid and must be freed). */
int cf_catalogue_scan(struct cf_catalogue *out, const char *dir,
                      cf_catalogue_report_fn report, void *ctx);

/* cf_catalogue_load is cf_catalogue_scan that fails on the first problem:
 * it returns 1 on success; on failure 0, an empty |*out| and |*err|
 * filled. */
int cf_catalogue_load(struct cf_catalogue *out, const char *dir,
                      struct cf_recipe_error *err);

/* cf_catalogue_find returns the entry with |id|, or NULL. */
const struct cf_catalogue_entry *cf_catalogue_find(
    const struct cf_catalogue *cat, const char *id);

/* cf_catalogue_path_for writes the path that recipe |id| must have under
 * |dir| into |out|. It returns 1 on success and 0 if it does not fit. */
int cf_catalogue_path_for(char *out, size_t out_len, const char *dir,
                          const char *id);

/* cf_catalogue_free frees |cat|'s entries and empties it. */
void cf_catalogue_free(struct cf_catalogue *cat);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_CATALOGUE_H */
