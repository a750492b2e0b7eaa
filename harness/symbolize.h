/* symbolize.h — symbolizing sanitizer reports in the parent: the target
 * runs with symbolize=0 (frames print as "#3 0x55... (/path/bin+0x1234)"),
 * and the report is rewritten into what the sanitizer itself prints with
 * symbolize=1, through ONE long-lived llvm-symbolizer child per process
 * (stdin/stdout pipes, argv spawn, no shell) and a cache keyed by (module,
 * offset). Each run then no longer starts llvm-symbolizer and loads the
 * binary's debug info itself, which was most of a short run's time. */
#ifndef CHAINFUZZ_HARNESS_SYMBOLIZE_H
#define CHAINFUZZ_HARNESS_SYMBOLIZE_H

#include <stddef.h>

/* cf_symbolizer_start starts the shared llvm-symbolizer |path| (not yet
 * started: it starts on first use). Returns 1 when the parent symbolizer
 * is usable, 0 when not (then the caller keeps the sanitizer's own
 * symbolization). */
int cf_symbolizer_start(const char *path);

/* cf_symbolizer_ok is 1 while the parent symbolizer works. */
int cf_symbolizer_ok(void);

/* cf_symbolize_report rewrites the unsymbolized frames and SUMMARY lines
 * of |*text| (|*len| bytes, NUL-terminated, malloc'd) the way the
 * sanitizer prints them when it symbolizes: inlined frames become frames
 * of their own with the same address, and frames are renumbered. On
 * success |*text| is replaced (the old buffer freed) and 1 returned; 0
 * when the symbolizer failed (|*text| untouched; cf_symbolizer_ok() is 0
 * from then on). */
int cf_symbolize_report(char **text, size_t *len);

/* cf_symbolizer_stop ends the child and frees the cache. */
void cf_symbolizer_stop(void);

#endif /* CHAINFUZZ_HARNESS_SYMBOLIZE_H */
