/* case_mutator_afl — the AFL++ custom mutator library's entry points
 * (certgen/afl_case_mutator.c: afl_custom_init, afl_custom_fuzz) as a fuzz
 * target (issue 18): targets/case_mutator.c built with
 * CF_MUTATOR_ENTRY_AFL, same input (a mutation record) and same checks.
 * The library runs inside afl-fuzz without sanitizers; here it runs under
 * ASan and UBSan, so a memory error in its glue (buffer growth, the
 * crossover choice, max_size) shows here first.
 * Seeds: corpus/case_mutator/ (the records are the same). */
#define CF_MUTATOR_ENTRY_AFL 1
#include "case_mutator.c"
