/* hs_test.h — helpers shared by the handshake client tests
 * (tests/hs_<lib>_test.c). */
#ifndef CHAINFUZZ_TESTS_HS_TEST_H
#define CHAINFUZZ_TESTS_HS_TEST_H

#include <string.h>

#include "chainfuzz/case.h"
#include "chainfuzz/handshake.h"

/* cf_test_same_chain says whether |res| holds exactly the case's leaf and
 * intermediates, in order: the chain the recorder's server was given. */
__attribute__((unused)) static int cf_test_same_chain(
    const struct cf_hs_result *res, const struct cf_case *c) {
  if (res->num_peer_certs != 1 + c->num_intermediates) {
    return 0;
  }
  for (size_t i = 0; i < res->num_peer_certs; i++) {
    const struct cf_blob *want = i == 0 ? &c->leaf : &c->intermediates[i - 1];
    if (res->peer_certs[i].len != want->len ||
        memcmp(res->peer_certs[i].data, want->data, want->len) != 0) {
      return 0;
    }
  }
  return 1;
}

#endif /* CHAINFUZZ_TESTS_HS_TEST_H */
