/* rng.h — the mutators' random choices: splitmix64, small, fast and the
 * same on every machine, so that a mutation is a function of its seed
 * (case_mutator.h, recipe_mutator.h). */
#ifndef CHAINFUZZ_CERTGEN_RNG_H
#define CHAINFUZZ_CERTGEN_RNG_H

#include <stddef.h>
#include <stdint.h>

struct cf_rng {
  uint64_t s;
};

static inline uint64_t cf_rng_next(struct cf_rng *r) {
  uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* cf_rng_below returns a number in [0, n); 0 when n is 0. */
static inline size_t cf_rng_below(struct cf_rng *r, size_t n) {
  return n == 0 ? 0 : (size_t)(cf_rng_next(r) % n);
}

#endif /* CHAINFUZZ_CERTGEN_RNG_H */
