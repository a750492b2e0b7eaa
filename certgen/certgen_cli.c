/* certgen_cli.c — main of the `certgen` tool: a table of subcommands
 * (cli.h) and the recipe commands lint, list and show.
 *
 *   certgen lint FILE...        parse each recipe; "FILE: ok" or the error
 *   certgen list [--dir DIR]    one line per scenario of the catalogue
 *   certgen show [--bytes] FILE the parsed model, readable (--bytes: a
 *                               chain_oracle input)
 *   certgen build ...           cmd_build.c     certgen check ...  cmd_check.c
 *   certgen bench ...           cmd_bench.c     certgen seeds ...  cmd_seeds.c
 *
 * Exit status: 0 success, 1 a recipe failed, 2 usage. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <errno.h>

#include "catalogue.h"
#include "cli.h"
#include "chainfuzz/fileio.h"
#include "keypool.h"
#include "recipe.h"
#include "recipe_bytes.h"

struct command {
  const char *name;
  int (*fn)(int argc, char **argv);
  const char *summary;
};

static const struct command kCommands[] = {
    {"lint", cf_cmd_lint, "check recipe files (FILE: ok, or the error)"},
    {"list", cf_cmd_list, "list the scenario catalogue (id, expect, title)"},
    {"show", cf_cmd_show, "print the parsed model of one recipe"},
    {"build", cf_cmd_build, "build a recipe into a case, or the catalogue into a corpus"},
    {"check", cf_cmd_check, "oracle vs BoringSSL on every scenario"},
    {"bench", cf_cmd_bench, "certificates per second vs the openssl command line"},
    {"seeds", cf_cmd_seeds, "encode the catalogue as chain_oracle seeds (binary recipes)"},
};

#define NUM_COMMANDS (sizeof(kCommands) / sizeof(kCommands[0]))

int cf_cli_is_help(const char *arg) {
  return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cf_cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "certgen %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nRun 'certgen %s --help' for its usage.\n", cmd);
  return 2;
}

static void usage(FILE *out) {
  fprintf(out,
          "usage: certgen COMMAND [ARGS]\n"
          "\n"
          "certgen turns recipes (certgen/scenarios/**/*.recipe, see "
          "docs/recipes.md)\n"
          "into certificate chains. Commands:\n");
  for (size_t i = 0; i < NUM_COMMANDS; i++) {
    fprintf(out, "  %-8s %s\n", kCommands[i].name, kCommands[i].summary);
  }
  fprintf(out,
          "\n'certgen COMMAND --help' describes a command. Exit status: 0 "
          "success,\n1 a recipe or check failed, 2 usage error.\n");
}

/* --- lint ---------------------------------------------------------------- */

int cf_cmd_lint(int argc, char **argv) {
  struct cf_recipe *r = NULL;
  int failed = 0;
  if (argc >= 2 && cf_cli_is_help(argv[1])) {
    printf(
        "usage: certgen lint FILE...\n"
        "\n"
        "Parses each recipe file and prints 'FILE: ok' or its error as\n"
        "FILE:LINE:COL: message. Exit status: 0 all ok, 1 some failed, 2 "
        "usage.\n"
        "Example: certgen lint $(find certgen/scenarios -name '*.recipe')\n");
    return 0;
  }
  if (argc < 2) {
    return cf_cli_usage_error("lint", "no FILE given; name one or more "
                                      "recipe files");
  }
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1] != '\0' &&
        strcmp(argv[i], "--") != 0) {
      return cf_cli_usage_error("lint", "unknown option '%s'", argv[i]);
    }
  }
  r = malloc(sizeof(*r));
  if (r == NULL) {
    fprintf(stderr, "certgen lint: out of memory\n");
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    struct cf_recipe_error err;
    char msg[1024];
    if (strcmp(argv[i], "--") == 0) {
      continue;
    }
    if (cf_recipe_load(r, &err, argv[i])) {
      printf("%s: ok\n", argv[i]);
    } else {
      cf_recipe_error_format(msg, sizeof(msg), &err);
      printf("%s\n", msg);
      failed = 1;
    }
  }
  free(r);
  return failed;
}

/* --- list ---------------------------------------------------------------- */

static void print_error(void *ctx, const struct cf_recipe_error *err) {
  char msg[1024];
  cf_recipe_error_format(msg, sizeof(msg), err);
  fprintf(stderr, "%s\n", msg);
}

static void expect_text(char *out, size_t out_len, const struct cf_recipe *r) {
  switch (r->expect) {
    case CF_EXPECT_ACCEPT:
      snprintf(out, out_len, "ACCEPT");
      return;
    case CF_EXPECT_REJECT:
      snprintf(out, out_len, "REJECT %s", cf_reason_name(r->expect_reason));
      return;
    case CF_EXPECT_EITHER:
      if (r->expect_reason != CF_REASON_NONE) {
        snprintf(out, out_len, "EITHER %s", cf_reason_name(r->expect_reason));
      } else {
        snprintf(out, out_len, "EITHER");
      }
      return;
  }
  snprintf(out, out_len, "?");
}

static void classes_text(char *out, size_t out_len,
                         const struct cf_recipe *r) {
  size_t o = 0;
  out[0] = '\0';
  for (size_t i = 0; i < r->num_classes && o < out_len; i++) {
    o += (size_t)snprintf(out + o, out_len - o, "%s%s", i ? "," : "",
                          r->classes[i]);
  }
  if (r->num_classes == 0) {
    snprintf(out, out_len, "-");
  }
}

int cf_cmd_list(int argc, char **argv) {
  const char *dir = CF_CATALOGUE_DEFAULT_DIR;
  struct cf_catalogue cat;
  struct cf_recipe *r = NULL;
  int ok;
  for (int i = 1; i < argc; i++) {
    if (cf_cli_is_help(argv[i])) {
      printf(
          "usage: certgen list [--dir DIR]\n"
          "\n"
          "Lists every scenario under DIR (default %s), sorted by id:\n"
          "  ID  EXPECT  CLASSES  TITLE\n"
          "EXPECT is ACCEPT, REJECT REASON or EITHER [REASON]. Files that do "
          "not\n"
          "parse, whose id does not match their path, or whose id is taken "
          "are\n"
          "reported on stderr and make the exit status 1.\n",
          CF_CATALOGUE_DEFAULT_DIR);
      return 0;
    }
    if (strcmp(argv[i], "--dir") == 0) {
      if (i + 1 >= argc) {
        return cf_cli_usage_error("list", "--dir needs a directory");
      }
      dir = argv[++i];
    } else if (strncmp(argv[i], "--dir=", 6) == 0) {
      dir = argv[i] + 6;
    } else {
      return cf_cli_usage_error("list", "unexpected argument '%s'", argv[i]);
    }
  }
  ok = cf_catalogue_scan(&cat, dir, print_error, NULL);
  r = malloc(sizeof(*r));
  if (r == NULL) {
    fprintf(stderr, "certgen list: out of memory\n");
    cf_catalogue_free(&cat);
    return 1;
  }
  size_t width = 0;
  for (size_t i = 0; i < cat.num; i++) {
    size_t n = strlen(cat.entries[i].id);
    width = n > width ? n : width;
  }
  for (size_t i = 0; i < cat.num; i++) {
    struct cf_recipe_error err;
    char expect[64], classes[64];
    if (!cf_recipe_load(r, &err, cat.entries[i].path)) {
      print_error(NULL, &err); /* changed under our feet */
      ok = 0;
      continue;
    }
    expect_text(expect, sizeof(expect), r);
    classes_text(classes, sizeof(classes), r);
    printf("%-*s  %-24s  %-11s  %s\n", (int)width, r->id, expect, classes,
           r->title);
  }
  free(r);
  cf_catalogue_free(&cat);
  return ok ? 0 : 1;
}

/* --- show ---------------------------------------------------------------- */

static void put_bytes(const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\') {
      putchar(s[i]);
    } else {
      printf("\\x%02x", s[i]);
    }
  }
}

static void put_hex(const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    printf("%02x", s[i]);
  }
}

static const char *str_type_name(enum cf_str_type t) {
  switch (t) {
    case CF_STR_UTF8:
      return "utf8";
    case CF_STR_PRINTABLE:
      return "printable";
    case CF_STR_T61:
      return "t61";
    case CF_STR_IA5:
      return "ia5";
    case CF_STR_UNIVERSAL:
      return "universal";
    case CF_STR_BMP:
      return "bmp";
  }
  return "?";
}

/* attr_label returns the short name of a DN attribute OID, or the OID. */
static const char *attr_label(const char *oid) {
  static const char *const kNames[][2] = {
      {"2.5.4.3", "CN"},  {"2.5.4.10", "O"}, {"2.5.4.11", "OU"},
      {"2.5.4.6", "C"},   {"2.5.4.7", "L"},  {"2.5.4.8", "ST"},
      {"0.9.2342.19200300.100.1.25", "DC"},  {"2.5.4.5", "SERIALNUMBER"},
      {"1.2.840.113549.1.9.1", "EMAIL"},
  };
  for (size_t i = 0; i < sizeof(kNames) / sizeof(kNames[0]); i++) {
    if (strcmp(oid, kNames[i][0]) == 0) return kNames[i][1];
  }
  return oid;
}

/* put_name prints a DN as the recipe syntax would write it, every type
 * explicit, with a literal comma as \, and other bytes as \xHH. */
static void put_name(const struct cf_rname *n) {
  if (n->num_attrs == 0) {
    printf("(empty)");
    return;
  }
  printf("\"");
  for (size_t i = 0; i < n->num_attrs; i++) {
    const struct cf_rattr *a = &n->attrs[i];
    printf("%s%s:%s=", i ? ", " : "", attr_label(a->oid),
           str_type_name(a->type));
    for (size_t k = 0; k < a->value_len; k++) {
      if (a->value[k] == ',') {
        printf("\\,");
      } else {
        put_bytes(&a->value[k], 1);
      }
    }
  }
  printf("\"");
}

static void put_time(const struct cf_rtime *t) {
  static const char *const kEnc[] = {"", "utc:", "gen:", "raw-utc:",
                                     "raw-gen:"};
  if (t->enc == CF_TIME_RAW_UTC || t->enc == CF_TIME_RAW_GEN) {
    printf("%s\"%s\"", kEnc[t->enc], t->raw);
    if (t->t == INT64_MIN) {
      printf(" (not understood)");
      return;
    }
    printf(" (= ");
  } else {
    printf("%s", (unsigned)t->enc < 5 ? kEnc[t->enc] : "?");
  }
  time_t tt = (time_t)t->t;
  struct tm tm;
  if (gmtime_r(&tt, &tm) != NULL) {
    printf("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  printf(" [%" PRId64 "]", t->t);
  if (t->enc == CF_TIME_RAW_UTC || t->enc == CF_TIME_RAW_GEN) {
    printf(")");
  }
}

static void put_gn(const struct cf_gn *g) {
  switch (g->type) {
    case CF_GN_DNS:
      printf("dns:\"");
      put_bytes(g->value, g->value_len);
      printf("\"");
      break;
    case CF_GN_EMAIL:
      printf("email:\"");
      put_bytes(g->value, g->value_len);
      printf("\"");
      break;
    case CF_GN_URI:
      printf("uri:\"");
      put_bytes(g->value, g->value_len);
      printf("\"");
      break;
    case CF_GN_IP:
      printf("ip:");
      put_hex(g->value, g->value_len);
      break;
    case CF_GN_DN:
      printf("dn:");
      put_name(&g->dn);
      break;
    case CF_GN_RAW:
      printf("raw:");
      put_hex(g->value, g->value_len);
      break;
  }
}

static void put_gn_list(const struct cf_gn_list *l) {
  for (size_t i = 0; i < l->num; i++) {
    printf(" ");
    put_gn(&l->names[i]);
  }
}

static const char *key_name(int k) {
  const struct cf_pool_info *info = cf_pool_get(k);
  return info != NULL ? info->name : "?";
}

static void put_alg(enum cf_sig_alg a, const char *oid) {
  if (a == CF_ALG_DEFAULT) {
    printf("default");
  } else if (a == CF_ALG_OID) {
    printf("oid:%s", oid);
  } else {
    printf("%s", cf_sig_alg_name(a));
  }
}

static void show_cert(const struct cf_recipe *r, size_t idx) {
  static const char *const kTpl[] = {"root", "ica", "leaf", "bare"};
  static const char *const kKu[] = {
      "digitalSignature", "nonRepudiation", "keyEncipherment",
      "dataEncipherment", "keyAgreement",   "keyCertSign",
      "cRLSign",          "encipherOnly",   "decipherOnly"};
  static const char *const kExt[] = {"basic-constraints", "key-usage", "eku",
                                     "san", "name-constraints", "ski", "aki",
                                     "policies"};
  static const char *const kIdMode[] = {"absent", "auto", "explicit"};
  const struct cf_rcert *c = &r->certs[idx];

  printf("cert %s (%s, line %u)\n", c->name,
         (unsigned)c->tpl < 4 ? kTpl[c->tpl] : "?", c->line);
  printf("  key          %s\n", key_name(c->key));
  printf("  issuer       %s%s\n",
         c->issuer >= 0 && (size_t)c->issuer < r->num_certs
             ? r->certs[c->issuer].name
             : "?",
         (size_t)c->issuer == idx ? " (self)" : "");
  if (c->has_issuer_name) {
    printf("  issuer-name  ");
    put_name(&c->issuer_name);
    printf("\n");
  }
  if (c->signed_by >= 0) {
    printf("  signed-by    %s\n", key_name(c->signed_by));
  }
  printf("  subject      ");
  put_name(&c->subject);
  printf("\n  version      %d\n", c->version);
  printf("  serial       ");
  if (c->serial_len == 0) {
    printf("default");
  } else {
    put_hex(c->serial, c->serial_len);
  }
  printf("\n  not-before   ");
  put_time(&c->not_before);
  printf("\n  not-after    ");
  put_time(&c->not_after);
  printf("\n  tbs-sig-alg  ");
  put_alg(c->tbs_alg, c->tbs_alg_oid);
  printf("\n  outer-sig-alg ");
  put_alg(c->outer_alg, c->outer_alg_oid);
  printf("\n  extensions:\n");
  if (c->version == 1) {
    printf("    (version 1: none are written)\n");
  }
  if (c->bc != CF_RBC_ABSENT) {
    printf("    basic-constraints %s", c->bc == CF_RBC_CA ? "ca" : "ee");
    if (c->bc_path_len >= 0) printf(" pathlen=%d", c->bc_path_len);
    if (c->bc_explicit_false) printf(" explicit-false");
    printf("%s\n", c->bc_critical ? " (critical)" : "");
  }
  if (c->ku_present) {
    printf("    key-usage");
    for (size_t i = 0; i < 9; i++) {
      if (c->ku & (1u << i)) printf(" %s", kKu[i]);
    }
    printf("%s\n", c->ku_critical ? " (critical)" : "");
  }
  if (c->eku_present) {
    printf("    eku");
    for (size_t i = 0; i < c->num_eku; i++) printf(" %s", c->eku[i]);
    printf("%s\n", c->eku_critical ? " (critical)" : "");
  }
  if (c->san_present) {
    printf("    san");
    put_gn_list(&c->san);
    printf("%s\n", c->san_critical ? " (critical)" : "");
  }
  if (c->permitted.num > 0 || c->excluded.num > 0) {
    printf("    name-constraints%s\n", c->nc_critical ? " (critical)" : "");
    if (c->permitted.num > 0) {
      printf("      permit");
      put_gn_list(&c->permitted);
      printf("\n");
    }
    if (c->excluded.num > 0) {
      printf("      exclude");
      put_gn_list(&c->excluded);
      printf("\n");
    }
  }
  if (c->ski_mode != 0) {
    printf("    ski %s", kIdMode[c->ski_mode % 3]);
    if (c->ski_mode == 2) {
      printf(" ");
      put_hex(c->ski, c->ski_len);
    }
    printf("\n");
  }
  if (c->aki_mode != 0) {
    printf("    aki %s", kIdMode[c->aki_mode % 3]);
    if (c->aki_mode == 2) {
      printf(" ");
      put_hex(c->aki, c->aki_len);
    }
    printf("\n");
  }
  if (c->policies_present) {
    printf("    policies");
    if (c->policies_malformed) printf(" malformed");
    for (size_t i = 0; i < c->num_policies; i++) printf(" %s", c->policies[i]);
    printf("%s\n", c->policies_critical ? " (critical)" : "");
  }
  if (c->num_policy_maps > 0) {
    printf("    policy-mappings");
    for (size_t i = 0; i < c->num_policy_maps; i++) {
      printf(" %s=%s", c->policy_maps[i].issuer, c->policy_maps[i].subject);
    }
    printf("%s\n", c->policy_maps_critical ? "" : " noncritical");
  }
  if (c->pc_present) {
    printf("    policy-constraints require-explicit=%d inhibit-mapping=%d "
           "(critical; -1 absent)\n",
           c->pc_require_explicit, c->pc_inhibit_mapping);
  }
  if (c->inhibit_any_policy >= 0) {
    printf("    inhibit-any-policy %d\n", c->inhibit_any_policy);
  }
  for (size_t i = 0; i < c->num_raw_exts; i++) {
    const struct cf_rext *e = &c->raw_exts[i];
    printf("    extension %s ", e->oid);
    if (e->value_len == 0) printf("-");
    put_hex(e->value, e->value_len);
    printf("%s\n", e->critical ? " (critical)" : "");
  }
  if (c->pad > 0) {
    printf("    pad %zu bytes\n", c->pad);
  }
  if (c->duplicate != 0) {
    printf("    duplicate");
    for (size_t i = 0; i < CF_EXT_COUNT; i++) {
      if (c->duplicate & (1u << i)) printf(" %s", kExt[i]);
    }
    printf("\n");
  }
  if (c->spki != CF_SPKI_NAMED) {
    printf("  spki         %s\n", c->spki == CF_SPKI_EXPLICIT_PARAMS
                                      ? "explicit-params"
                                      : "explicit-generator");
  }
  if (c->defects != 0) {
    printf("  defects     ");
    for (size_t i = 0; i < CF_DEF_COUNT; i++) {
      if (c->defects & (1u << i)) printf(" %s", cf_defect_name((enum cf_defect)i));
    }
    printf("\n");
  }
}

static void show_device(const struct cf_recipe *r) {
  static const char *const kPurpose[] = {"none", "server-auth", "client-auth"};
  const struct cf_rdevice *d = &r->device;
  const struct cf_profile *p = &d->profile;
  printf("device\n  anchors      ");
  if (d->num_anchors == 0) printf("none");
  for (size_t i = 0; i < d->num_anchors; i++) {
    printf("%s%s", i ? " " : "", r->certs[d->anchors[i]].name);
  }
  printf("\n  chain        ");
  for (size_t i = 0; i < d->num_chain; i++) {
    printf("%s%s", i ? " " : "", r->certs[d->chain[i]].name);
  }
  printf("\n  time         ");
  if (p->clock == CF_CLOCK_UNSET) {
    printf("unset (reads %" PRId64 ")", (int64_t)CF_CLOCK_UNSET_TIME);
  } else {
    struct cf_rtime t = {.t = p->time, .enc = CF_TIME_AUTO};
    put_time(&t);
  }
  printf("\n  name         ");
  if (p->name_type == CF_NAME_DNS) {
    printf("dns %s", p->dns_name);
  } else if (p->name_type == CF_NAME_IP) {
    printf("ip ");
    put_hex(p->ip, p->ip_len);
  } else {
    printf("none (no-name)");
  }
  printf("\n  purpose      %s\n",
         (unsigned)p->purpose <= CF_PURPOSE_MAX ? kPurpose[p->purpose] : "?");
  printf("  max-depth    %u\n", (unsigned)p->max_depth);
  printf("  flags       ");
  if (p->flags == 0) printf(" none");
  if (p->flags & CF_PROFILE_FLAG_PARTIAL_CHAIN) printf(" partial-chain");
  if (p->flags & CF_PROFILE_FLAG_NO_CN_FALLBACK) printf(" no-cn-fallback");
  if (p->flags & CF_PROFILE_FLAG_NO_WILDCARDS) printf(" no-wildcards");
  if (p->flags & CF_PROFILE_FLAG_X509_STRICT) printf(" strict");
  printf("\n  min-rsa-bits %u\n  algorithms  ", d->min_rsa_bits);
  for (int i = 1; i < CF_ALG_OID; i++) {
    if (d->algorithms & (1u << i)) {
      printf(" %s", cf_sig_alg_name((enum cf_sig_alg)i));
    }
  }
  printf("\n  max-chain-bytes %zu%s\n", d->max_chain_bytes,
         d->max_chain_bytes == 0 ? " (no limit)" : "");
}

/* load_bytes decodes the recipe-bytes file |path| (a chain_oracle input,
 * recipe_bytes.h) into |r|; 0 with a message on stderr if it cannot be
 * read. At most 1 MiB is read, from a regular file only. */
static int load_bytes(struct cf_recipe *r, const char *path) {
  uint8_t *buf = NULL;
  size_t len = 0;
  if (!cf_read_file(&buf, &len, path, 1 << 20)) {
    fprintf(stderr, "certgen show: %s: %s\n", path,
            errno == EINVAL  ? "not a regular file"
            : errno == EFBIG ? "larger than 1 MiB (a chain_oracle input is "
                               "a few hundred bytes)"
                             : strerror(errno));
    return 0;
  }
  cf_recipe_from_bytes(r, len > 0 ? buf : NULL, len);
  free(buf);
  return 1;
}

int cf_cmd_show(int argc, char **argv) {
  struct cf_recipe *r = NULL;
  struct cf_recipe_error err;
  char msg[1024], expect[64];
  int bytes = 0;
  if (argc >= 2 && cf_cli_is_help(argv[1])) {
    printf(
        "usage: certgen show [--bytes] FILE\n"
        "\n"
        "Parses one recipe and prints its model as certgen sees it: header,\n"
        "each cert with template defaults applied (issuer, key, subject,\n"
        "validity, algorithms, extensions, defects) and the device. OIDs are\n"
        "dotted, IP addresses and masks hex, DN values with \\xHH escapes.\n"
        "--bytes: FILE is recipe bytes (a chain_oracle_<v> input or\n"
        "reproducer, docs/recipes.md \"The binary encoding\"), decoded as the\n"
        "target decodes it.\n");
    return 0;
  }
  if (argc >= 2 && strcmp(argv[1], "--bytes") == 0) {
    bytes = 1;
    argc--;
    argv++;
  }
  if (argc != 2) {
    return cf_cli_usage_error("show", "expected exactly one FILE, got %d",
                              argc - 1);
  }
  r = malloc(sizeof(*r));
  if (r == NULL) {
    fprintf(stderr, "certgen show: out of memory\n");
    return 1;
  }
  if (bytes) {
    if (!load_bytes(r, argv[1])) {
      free(r);
      return 1;
    }
  } else if (!cf_recipe_load(r, &err, argv[1])) {
    cf_recipe_error_format(msg, sizeof(msg), &err);
    fprintf(stderr, "%s\n", msg);
    free(r);
    return 1;
  }
  expect_text(expect, sizeof(expect), r);
  printf("id      %s\ntitle   %s\nexpect  %s\nclasses", r->id, r->title,
         expect);
  for (size_t i = 0; i < r->num_classes; i++) printf(" %s", r->classes[i]);
  printf("\nwhy     %s\n\n", r->why);
  for (size_t i = 0; i < r->num_certs; i++) {
    show_cert(r, i);
    printf("\n");
  }
  show_device(r);
  free(r);
  return 0;
}

/* --- main ---------------------------------------------------------------- */

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (cf_cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return 0;
  }
  for (size_t i = 0; i < NUM_COMMANDS; i++) {
    if (strcmp(argv[1], kCommands[i].name) == 0) {
      return kCommands[i].fn(argc - 1, argv + 1);
    }
  }
  fprintf(stderr,
          "certgen: unknown command '%s'\nRun 'certgen --help' for the "
          "commands.\n",
          argv[1]);
  return 2;
}
