/* bugs.c — a fuzz target with one planted bug per first input byte (see the
 * switch at the end), built by regenerate.sh with libFuzzer and with our
 * replay driver to produce the real sanitizer reports saved here, on which
 * tests/classify_test.c checks the classifier. The function names are what
 * the saved crash states show: renaming one means regenerating the samples
 * and updating the test. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sanitizer/asan_interface.h>

#define NOINLINE __attribute__((noinline))
static volatile int sink;
static char global_buf[16];

NOINLINE static int parse_len(const char *p, size_t i) { return p[i]; }
NOINLINE static void heap_read(void) {
  char *p = malloc(10);
  memset(p, 0, 10);
  sink = parse_len(p, 10);
  free(p);
}
NOINLINE static void copy_name(char *dst, size_t n) { memset(dst, 'A', n); }
NOINLINE static void heap_write(void) {
  char *p = malloc(10);
  copy_name(p, 11);
  sink = p[0];
  free(p);
}
NOINLINE static void stack_write(int n) {
  char buf[8];
  for (int i = 0; i <= n; i++) ((volatile char *)buf)[i] = 'x';
  sink = buf[0];
}
NOINLINE static void global_read(int n) { sink = ((volatile char *)global_buf)[n]; }
NOINLINE static void uaf(void) {
  int *p = malloc(sizeof(int) * 4);
  free(p);
  sink = ((volatile int *)p)[1];
}
NOINLINE static void release(void *p) { free(p); }
NOINLINE static void double_free(void) {
  void *p = malloc(32);
  release(p);
  release(p);
}
NOINLINE static void bad_free(void) {
  char *p = malloc(32);
  free(p + 8);
}
struct cert { int version; char *name; };
NOINLINE static int cert_version(const struct cert *c) { return c->version; }
NOINLINE static void null_deref(void) { sink = cert_version((struct cert *)(uintptr_t)sink); }
NOINLINE static void null_field(void) { sink = cert_version((struct cert *)(uintptr_t)(sink + 16)); }
NOINLINE static void wild_write(void) { *(volatile int *)(uintptr_t)0x414141414141ULL = 1; }
NOINLINE static int recurse(int n) {
  volatile char pad[256];
  pad[0] = (char)n;
  return recurse(n + 1) + pad[0];
}
NOINLINE static void poison(void) {
  char *p = malloc(64);
  ASAN_POISON_MEMORY_REGION(p + 32, 32);
  sink = ((volatile char *)p)[40];
  free(p);
}
NOINLINE static int *escape(void) {
  int local[4] = {1, 2, 3, 4};
  int *volatile q = local;
  return q;
}
NOINLINE static void use_after_return(void) { sink = escape()[1]; }
NOINLINE static void use_after_scope(void) {
  volatile int *p;
  {
    int x = 5;
    p = &x;
  }
  *p = 7;
}
struct node { struct node *next; char *label; };
NOINLINE static struct node *make_list(void) {
  struct node *n = malloc(sizeof(*n));
  n->next = NULL;
  n->label = strdup("leaked-label");
  return n;
}
NOINLINE static void leak(void) {
  struct node *volatile n = make_list();
  n = NULL;
}
NOINLINE static int shift_by(int v, int s) { return v << s; }
NOINLINE static int add_len(int a, int b) { return a + b; }
NOINLINE static int divide(int a, int b) { return a / b; }
NOINLINE static int index_tbl(int i) { int tbl[4] = {0}; return tbl[i]; }
NOINLINE static int load_misaligned(const char *p) { return *(const int *)(p + 1); }
NOINLINE static int is_ca(const _Bool *flag) { return *flag ? 1 : 0; }
NOINLINE static void spin(void) { for (;;) sink ^= 1; }
NOINLINE static void hog(void) {
  for (int i = 0; i < 64; i++) {
    char *p = malloc(64 << 20);
    memset(p, i, 64 << 20);
    sink += p[i];
  }
}
NOINLINE static void big_malloc(void) {
  char *volatile p = malloc((size_t)3 << 30);
  sink = p != NULL;
  free(p);
}
NOINLINE static void check_depth(int depth) { assert(depth < 8 && "chain too deep"); }
NOINLINE static void do_abort(void) { abort(); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  switch (data[0]) {
    case 'a': heap_read(); break;
    case 'b': heap_write(); break;
    case 'c': stack_write(sink + 8); break;
    case 'd': global_read(sink + 16); break;
    case 'e': uaf(); break;
    case 'f': double_free(); break;
    case 'g': bad_free(); break;
    case 'h': null_deref(); break;
    case 'i': wild_write(); break;
    case 'j': sink = recurse(0); break;
    case 'k': poison(); break;
    case 'l': use_after_return(); break;
    case 'm': use_after_scope(); break;
    case 'n': leak(); break;
    case 'o': sink = shift_by(1, sink + 40); break;
    case 'p': sink = add_len(0x7fffffff, sink + 1); break;
    case 'q': sink = divide(1, sink); break;
    case 'r': sink = index_tbl(sink + 4); break;
    case 's': { char b[16] = {0}; sink = load_misaligned(b); break; }
    case 't': spin(); break;
    case 'u': hog(); break;
    case 'v': big_malloc(); break;
    case 'w': check_depth(sink + 9); break;
    case 'x': do_abort(); break;
    case 'y': _exit(3); break;
    case 'z': null_field(); break;
    case 'B': { unsigned char raw = (unsigned char)(sink + 2); _Bool b; memcpy(&b, &raw, 1); sink = is_ca(&b); break; }
  }
  return 0;
}
