/* catalogue.c — the scenario catalogue (catalogue.h). */
#include "catalogue.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DEPTH 16

/* item is a parsed file; bad ones are dropped at the end. */
struct item {
  struct cf_catalogue_entry e;
  int bad;
};

struct walk {
  struct item *items;
  size_t num, cap;
  const char *root;
  struct cf_recipe *recipe; /* scratch, large */
  cf_catalogue_report_fn report;
  void *ctx;
  int ok;
};

static void problem(struct walk *w, const char *file, unsigned line,
                    unsigned col, const char *msg) {
  struct cf_recipe_error err;
  memset(&err, 0, sizeof(err));
  snprintf(err.file, sizeof(err.file), "%s", file);
  err.line = line;
  err.col = col;
  snprintf(err.msg, sizeof(err.msg), "%s", msg);
  w->ok = 0;
  if (w->report != NULL) {
    w->report(w->ctx, &err);
  }
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n > m && strcmp(s + n - m, suffix) == 0;
}

int cf_catalogue_path_for(char *out, size_t out_len, const char *dir,
                          const char *id) {
  size_t o = 0;
  int n = snprintf(out, out_len, "%s/", dir);
  if (n < 0 || (size_t)n >= out_len) {
    return 0;
  }
  o = (size_t)n;
  for (const char *s = id; *s != '\0'; s++) {
    if (s[0] == ':' && s[1] == ':') {
      if (o + 1 >= out_len) return 0;
      out[o++] = '/';
      s++;
    } else {
      if (o + 1 >= out_len) return 0;
      out[o++] = *s;
    }
  }
  n = snprintf(out + o, out_len - o, ".recipe");
  return n >= 0 && (size_t)n < out_len - o;
}

static void add_file(struct walk *w, const char *path) {
  struct cf_recipe_error err;
  char want[4096];
  char msg[512];
  if (!cf_recipe_load(w->recipe, &err, path)) {
    w->ok = 0;
    if (w->report != NULL) {
      w->report(w->ctx, &err);
    }
    return;
  }
  if (w->num == w->cap) {
    size_t cap = w->cap ? 2 * w->cap : 64;
    struct item *items = realloc(w->items, cap * sizeof(*items));
    if (items == NULL) {
      problem(w, path, 0, 0, "out of memory");
      return;
    }
    w->items = items;
    w->cap = cap;
  }
  struct item *it = &w->items[w->num];
  memset(it, 0, sizeof(*it));
  it->e.path = strdup(path);
  if (it->e.path == NULL) {
    problem(w, path, 0, 0, "out of memory");
    return;
  }
  snprintf(it->e.id, sizeof(it->e.id), "%s", w->recipe->id);
  w->num++;
  if (!cf_catalogue_path_for(want, sizeof(want), w->root, w->recipe->id) ||
      strcmp(want, path) != 0) {
    snprintf(msg, sizeof(msg),
             "id '%s' does not match the file's path; the file must be %s",
             w->recipe->id, want);
    problem(w, path, 0, 0, msg);
    it->bad = 1;
  }
}

static void walk_dir(struct walk *w, const char *dir, int depth) {
  DIR *d = NULL;
  char **names = NULL;
  size_t num = 0, cap = 0;
  char msg[300];

  if (depth > MAX_DEPTH) {
    problem(w, dir, 0, 0, "directories nested too deep");
    return;
  }
  d = opendir(dir);
  if (d == NULL) {
    snprintf(msg, sizeof(msg), "cannot open directory: %s", strerror(errno));
    problem(w, dir, 0, 0, msg);
    return;
  }
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.') {
      continue;
    }
    if (num == cap) {
      size_t ncap = cap ? 2 * cap : 32;
      char **nn = realloc(names, ncap * sizeof(*nn));
      if (nn == NULL) {
        problem(w, dir, 0, 0, "out of memory");
        goto err;
      }
      names = nn;
      cap = ncap;
    }
    names[num] = strdup(de->d_name);
    if (names[num] == NULL) {
      problem(w, dir, 0, 0, "out of memory");
      goto err;
    }
    num++;
  }
  if (num > 0) {
    qsort(names, num, sizeof(*names), cmp_names);
  }
  for (size_t i = 0; i < num; i++) {
    char path[4096];
    struct stat st;
    int n = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    if (n < 0 || (size_t)n >= sizeof(path)) {
      problem(w, dir, 0, 0, "path too long");
      continue;
    }
    if (stat(path, &st) != 0) {
      snprintf(msg, sizeof(msg), "cannot stat: %s", strerror(errno));
      problem(w, path, 0, 0, msg);
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      walk_dir(w, path, depth + 1);
    } else if (S_ISREG(st.st_mode) && has_suffix(names[i], ".recipe")) {
      add_file(w, path);
    }
  }

err:
  for (size_t i = 0; i < num; i++) {
    free(names[i]);
  }
  free(names);
  closedir(d);
}

static int cmp_items(const void *a, const void *b) {
  const struct item *x = a, *y = b;
  int c = strcmp(x->e.id, y->e.id);
  return c != 0 ? c : strcmp(x->e.path, y->e.path);
}

int cf_catalogue_scan(struct cf_catalogue *out, const char *dir,
                      cf_catalogue_report_fn report, void *ctx) {
  struct walk w;
  char root[4096];
  char msg[512];
  size_t n = strlen(dir);

  memset(out, 0, sizeof(*out));
  memset(&w, 0, sizeof(w));
  /* "dir/" and "dir" name the same root. */
  while (n > 1 && dir[n - 1] == '/') {
    n--;
  }
  snprintf(root, sizeof(root), "%.*s", (int)n, dir);
  w.root = root;
  w.report = report;
  w.ctx = ctx;
  w.ok = 1;
  w.recipe = malloc(sizeof(*w.recipe));
  if (w.recipe == NULL) {
    problem(&w, root, 0, 0, "out of memory");
    return 0;
  }
  walk_dir(&w, root, 0);
  free(w.recipe);
  if (w.num > 0) {
    qsort(w.items, w.num, sizeof(*w.items), cmp_items);
  }
  /* Duplicate ids: in each run of equal ids, the file at the id's path
   * (else the first) stays; every other one is reported and dropped. */
  for (size_t i = 0; i < w.num;) {
    size_t j = i + 1, keep = i;
    while (j < w.num && strcmp(w.items[j].e.id, w.items[i].e.id) == 0) {
      j++;
    }
    for (size_t k = i; k < j; k++) {
      if (!w.items[k].bad) {
        keep = k;
        break;
      }
    }
    for (size_t k = i; k < j; k++) {
      if (k == keep) {
        continue;
      }
      snprintf(msg, sizeof(msg), "duplicate id '%s' (also in %s)",
               w.items[k].e.id, w.items[keep].e.path);
      problem(&w, w.items[k].e.path, 0, 0, msg);
      w.items[k].bad = 1;
    }
    i = j;
  }
  out->entries = calloc(w.num > 0 ? w.num : 1, sizeof(*out->entries));
  if (out->entries == NULL) {
    problem(&w, root, 0, 0, "out of memory");
  }
  for (size_t i = 0; i < w.num; i++) {
    if (w.items[i].bad || out->entries == NULL) {
      free(w.items[i].e.path);
    } else {
      out->entries[out->num++] = w.items[i].e;
    }
  }
  free(w.items);
  return w.ok;
}

static void keep_first(void *ctx, const struct cf_recipe_error *err) {
  struct cf_recipe_error *first = ctx;
  if (first->msg[0] == '\0') {
    *first = *err;
  }
}

int cf_catalogue_load(struct cf_catalogue *out, const char *dir,
                      struct cf_recipe_error *err) {
  memset(err, 0, sizeof(*err));
  if (!cf_catalogue_scan(out, dir, keep_first, err)) {
    cf_catalogue_free(out);
    return 0;
  }
  return 1;
}

const struct cf_catalogue_entry *cf_catalogue_find(
    const struct cf_catalogue *cat, const char *id) {
  for (size_t i = 0; i < cat->num; i++) {
    if (strcmp(cat->entries[i].id, id) == 0) {
      return &cat->entries[i];
    }
  }
  return NULL;
}

void cf_catalogue_free(struct cf_catalogue *cat) {
  for (size_t i = 0; i < cat->num; i++) {
    free(cat->entries[i].path);
  }
  free(cat->entries);
  cat->entries = NULL;
  cat->num = 0;
}
