/* case_mutator.h — a structure-aware mutator for chainfuzz cases
 * (chainfuzz/case.h), for libFuzzer (LLVMFuzzerCustomMutator) and AFL++
 * (certgen/afl_case_mutator.c, built as chainfuzz_case_mutator.so in the afl
 * flavor).
 *
 * One call makes one mutation, chosen by |seed|:
 *  - the chain: add a certificate of the case in another role, drop one,
 *    duplicate one, reorder the intermediates, move one between roles
 *    (leaf <-> intermediate <-> anchor);
 *  - the device profile: the clock just before / at / after a notBefore or
 *    notAfter found in the chain, or unset; the expected DNS name taken from
 *    a certificate's SAN or CN, or a near miss of it (parent suffix, wildcard
 *    label, case change, trailing dot, extra label, prefix); the IP address
 *    (from a SAN, or one bit off); purpose; max depth; one flag;
 *  - one DER field inside one certificate's TBSCertificate, edited with
 *    CBS/CBB: validity times (± seconds, UTCTime <-> GeneralizedTime,
 *    2049/2050 edges, the device's clock ± 1), serial, version, issuer or
 *    subject name (copy another certificate's, or change one attribute),
 *    SPKI (another pool key's), extensions (drop, duplicate, flip critical,
 *    basicConstraints, keyUsage, EKU, SAN, name constraints, an unknown
 *    critical extension); and, when |byte_mutate| is given, a byte-level
 *    mutation of the TBS bytes;
 *  then the certificate is re-signed (below). Rarely: the certificate
 *  re-signed on purpose with an attacker-* pool key, or a byte-level
 *  mutation of one certificate record as a whole (not re-signed).
 *
 * Re-signing. The new TBSCertificate is signed with cf_resign_cert by:
 *  1. the pool key of its issuer: the first certificate of the case (the
 *     edited one included, with its new fields) whose subject Name bytes
 *     equal the new issuer Name bytes and whose SubjectPublicKeyInfo is a
 *     pool key (cf_pool_find_spki);
 *  2. else the pool key that signed the original certificate (each pool key
 *     tried with X509_verify on it): the issuer is outside the case (a
 *     partial chain) or its name was just edited away;
 *  3. else nobody: the original signature value is kept, so the certificate
 *     is dishonest (its signature no longer covers its TBS). This is
 *     deliberate: a certificate certgen never signed (a defect seed, a
 *     foreign key) cannot be signed honestly, and a validator that accepts
 *     it anyway is a signature bypass the signed-bytes oracle reports.
 *  If the key cannot make the certificate's signature algorithm (an RSA
 *  issuer swapped for an EC key), both signature AlgorithmIdentifiers (TBS
 *  and outer) become the key's default one, as certgen writes it.
 *  When a certificate's SPKI is swapped, the certificates it issued (issuer
 *  Name = its subject) are re-signed with the new key too, so the chain
 *  stays honest.
 *
 * Every output parses with cf_case_parse (the byte-level branches change a
 * certificate's bytes, never the record framing) and fits |max_size|; when
 * nothing fits, the input is returned unchanged. Deterministic: the same
 * (data, size, max_size, seed) gives the same bytes in every process (all
 * signatures are deterministic, build.h). An input that is not a case (an
 * empty corpus's first input, a case broken by byte mutations) is, for an
 * even |seed|, read as recipe bytes (recipe_bytes.h: every byte string is a
 * recipe) and replaced by the case certgen builds from that recipe, when it
 * fits (CF_MUT_BOOTSTRAP): so the case targets fuzz from nothing, with
 * honestly signed chains to start from; for an odd |seed| it is handed to
 * |byte_mutate| (or returned unchanged when it is NULL). */
#ifndef CHAINFUZZ_CERTGEN_CASE_MUTATOR_H
#define CHAINFUZZ_CERTGEN_CASE_MUTATOR_H

#include <stddef.h>
#include <stdint.h>

#include "keypool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cf_mut_kind is what one mutation did. */
enum cf_mut_kind {
  /* chain structure */
  CF_MUT_ADD_CERT = 0, /* a copy of a case certificate in another role */
  CF_MUT_DROP_CERT,    /* an intermediate or anchor removed */
  CF_MUT_DUP_CERT,     /* an intermediate or anchor duplicated in place */
  CF_MUT_REORDER,      /* intermediates swapped, reversed or rotated */
  CF_MUT_MOVE_ROLE,    /* a certificate moved between leaf/intermediate/anchor */
  /* profile */
  CF_MUT_TIME,        /* clock near a notBefore/notAfter of the chain */
  CF_MUT_CLOCK_UNSET, /* clock unset (or set again) */
  CF_MUT_DNS_NAME,    /* expected name from the chain, or a near miss */
  CF_MUT_IP,          /* expected IP from a SAN, or a near miss */
  CF_MUT_PURPOSE,
  CF_MUT_MAX_DEPTH,
  CF_MUT_FLAGS,
  /* one DER field of one certificate, re-signed */
  CF_MUT_VALIDITY,
  CF_MUT_SERIAL,
  CF_MUT_VERSION,
  CF_MUT_NAME,
  CF_MUT_SPKI,
  CF_MUT_EXT_DROP,
  CF_MUT_EXT_DUP,
  CF_MUT_EXT_CRITICAL,
  CF_MUT_BASIC_CONSTRAINTS,
  CF_MUT_KEY_USAGE,
  CF_MUT_EKU,
  CF_MUT_SAN,
  CF_MUT_NAME_CONSTRAINTS,
  CF_MUT_UNKNOWN_CRITICAL,
  CF_MUT_TBS_BYTES, /* byte_mutate on the TBS bytes, then re-signed */
  /* signatures and raw bytes */
  CF_MUT_WRONG_KEY,  /* re-signed with an attacker-* key on purpose */
  CF_MUT_CERT_BYTES, /* byte_mutate on one certificate record */
  CF_MUT_NONE,       /* the input came back unchanged */
  CF_MUT_BOOTSTRAP,  /* not a case: the case built from it as recipe bytes */
  CF_MUT_KIND_COUNT
};

/* cf_mut_kind_name returns the short name of |kind| ("validity", ...). */
const char *cf_mut_kind_name(enum cf_mut_kind kind);

/* Certificate roles, for cf_mutation.role. */
#define CF_MUT_ROLE_ANCHOR 0
#define CF_MUT_ROLE_LEAF 1
#define CF_MUT_ROLE_INTERMEDIATE 2

/* cf_mutation describes one call of cf_case_mutate_ex, for tests. */
struct cf_mutation {
  enum cf_mut_kind kind;
  /* For kinds that re-sign a certificate: where it is in the output case
   * (|role| CF_MUT_ROLE_*, |index| among the anchors or intermediates). */
  int resigned;
  int role;
  size_t index;
  /* The pool key that signed it, -1 when the original signature was kept
   * (rule 3 above). |honest| is 1 when that is the issuer's key (rules 1
   * and 2), 0 for CF_MUT_WRONG_KEY and rule 3. */
  int key_idx;
  int honest;
};

/* cf_case_mutate mutates the case in |data| (|size| bytes, room for
 * |max_size|) in place and returns the new size (see above). |pool| is the
 * loaded key pool; |byte_mutate| (LLVMFuzzerMutate's signature, may be NULL)
 * is used for the byte-level branches. */
size_t cf_case_mutate(uint8_t *data, size_t size, size_t max_size,
                      unsigned int seed, const struct cf_pool *pool,
                      size_t (*byte_mutate)(uint8_t *, size_t, size_t));

/* cf_case_mutate_ex is cf_case_mutate that also says what it did in
 * |*out| (may be NULL). */
size_t cf_case_mutate_ex(struct cf_mutation *out, uint8_t *data, size_t size,
                         size_t max_size, unsigned int seed,
                         const struct cf_pool *pool,
                         size_t (*byte_mutate)(uint8_t *, size_t, size_t));

/* cf_case_crossover writes into |out| (room for |max_out_size|) the case
 * |data1| with certificates (or the profile) taken from case |data2|: one
 * of |data2|'s certificates added as an intermediate or anchor or replacing
 * the leaf, its intermediates spliced in, or its profile. It returns the
 * output size, or 0 when neither input is a case or nothing fits. */
size_t cf_case_crossover(const uint8_t *data1, size_t size1,
                         const uint8_t *data2, size_t size2, uint8_t *out,
                         size_t max_out_size, unsigned int seed,
                         const struct cf_pool *pool);

/* cf_case_mutator_pool returns the embedded key pool (cf_pool_load_embedded),
 * loaded on first use and kept for the life of the process. It aborts with a
 * message if the pool cannot be loaded: a mutator without keys cannot
 * re-sign and would silently fuzz only dishonest certificates. */
const struct cf_pool *cf_case_mutator_pool(void);

/* CF_CASE_STRUCTURAL_ONE_IN: the libFuzzer hook makes a structural mutation
 * on one call in this many and hands the others to libFuzzer's own
 * LLVMFuzzerMutate. A structural mutation that re-signs costs ~10 ms in the
 * libfuzzer flavor (RSA signing through ASan and trace-cmp hooks: ~20
 * runs of chain_verify). Define it before including this header to change
 * it; 1 makes every call structural. */
#ifndef CF_CASE_STRUCTURAL_ONE_IN
#define CF_CASE_STRUCTURAL_ONE_IN 4
#endif

/* --- Mutation records (issue 18) -------------------------------------------
 *
 * A crash inside a custom mutator happens before the mutated input exists:
 * libFuzzer saves an empty (or unrelated) artifact that reproduces nothing.
 * So before each structural call the hooks below (and the AFL++ mutator)
 * write what the call was given, a mutation record, to the file
 *
 *   <directory of the prefix>/.<rest of the prefix>mutation-<pid>
 *
 * which the process creates empty on its first call and keeps open: a call
 * writes its record into it (one pwrite into the empty file: once it
 * returns the file is exactly the record) and empties it again
 * (ftruncate) when it returns; a normal exit removes it. So a non-empty
 * file left behind is the input of a crash inside the mutator; an empty
 * one, of a crash elsewhere. Every target with the hooks replays a record
 * (CF_CASE_MUTATION_REPLAY, first thing in LLVMFuzzerTestOneInput): the
 * same hook call, then the target on its output, in every flavor; and
 * `chainfuzz triage`, which otherwise skips hidden files, files a
 * non-empty .mutation-* file like any artifact and says it is a mutator
 * crash (make fuzz's artifact directory is the prefix, so the record lies
 * beside the empty crash- file).
 *
 * The prefix: $CHAINFUZZ_MUTATION_RECORD when set ("0" turns records off),
 * else libFuzzer's -artifact_prefix= (read once from /proc/self/cmdline),
 * else the working directory. Cost: two system calls per structural call
 * (BENCHMARKS.md).
 *
 * Format: "CFMR", version 1, op (CF_MUTATION_OP_*), flags
 * (CF_MUTATION_FLAG_*), a zero byte, then big-endian u32s: seed, max_size,
 * the size of the first input; the first input; for a crossover, the second
 * input (the rest).
 *
 * Replay is exact for the structural mutations. A byte-level branch inside
 * the call (CF_MUT_TBS_BYTES, CF_MUT_CERT_BYTES) uses a deterministic
 * stand-in for LLVMFuzzerMutate, whose own choices cannot be replayed: a
 * crash after one may replay differently. */
#define CF_MUTATION_RECORD_HEADER_LEN 20
#define CF_MUTATION_OP_MUTATE 0    /* LLVMFuzzerCustomMutator */
#define CF_MUTATION_OP_CROSSOVER 1 /* LLVMFuzzerCustomCrossOver */
/* The call had no byte-level mutator (AFL++'s: byte_mutate NULL). */
#define CF_MUTATION_FLAG_NO_BYTE_MUTATE 1
/* Replay refuses records asking for more room than this. */
#define CF_MUTATION_REPLAY_MAX_SIZE (1u << 22)

struct cf_mutation_record {
  int op;
  int flags;
  unsigned int seed;
  size_t max_size;
  const uint8_t *data1; /* the input (the first one of a crossover) */
  size_t size1;
  const uint8_t *data2; /* the second input of a crossover, else NULL */
  size_t size2;
};

/* cf_mutation_record_parse reads a record; 1 if |in| is one. |out| points
 * into |in|. */
int cf_mutation_record_parse(struct cf_mutation_record *out, const uint8_t *in,
                             size_t len);

/* cf_mutation_record_encode returns |r| encoded in a new buffer (free it)
 * of |*out_len| bytes, or NULL. */
uint8_t *cf_mutation_record_encode(size_t *out_len,
                                   const struct cf_mutation_record *r);

/* cf_mutation_record_begin writes |r| as this process's record (see above;
 * nothing while a record is being replayed, or when records are off);
 * cf_mutation_record_end removes it. */
void cf_mutation_record_begin(const struct cf_mutation_record *r);
void cf_mutation_record_end(void);

/* cf_mutation_record_path returns the file cf_mutation_record_begin writes,
 * or NULL when records are off. */
const char *cf_mutation_record_path(void);

/* cf_mutation_replaying says whether a record is being replayed (the hooks
 * then make the recorded structural call whatever the seed). */
int cf_mutation_replaying(void);

/* cf_mutation_flip is the deterministic stand-in for LLVMFuzzerMutate used
 * when a record is replayed: it flips one bit of |data| chosen by a hash of
 * the bytes and |seed|, and returns |size|. */
size_t cf_mutation_flip(uint64_t seed, uint8_t *data, size_t size);

/* cf_mutation_byte_mutator returns the byte-level mutator a hook passes to
 * the case mutator: |live| (LLVMFuzzerMutate) when fuzzing; when replaying,
 * a deterministic stand-in, or NULL if the record says the call had none. */
size_t (*cf_mutation_byte_mutator(size_t (*live)(uint8_t *, size_t, size_t)))(
    uint8_t *, size_t, size_t);

/* cf_mutation_record_replay: if |data| is a mutation record (and no replay
 * is running), makes its call with |mutate| or |crossover| (the target's
 * hooks), runs |test| (LLVMFuzzerTestOneInput) on the output and returns 1;
 * else returns 0. */
int cf_mutation_record_replay(
    const uint8_t *data, size_t size,
    size_t (*mutate)(uint8_t *, size_t, size_t, unsigned int),
    size_t (*crossover)(const uint8_t *, size_t, const uint8_t *, size_t,
                        uint8_t *, size_t, unsigned int),
    int (*test)(const uint8_t *, size_t));

/* CF_CASE_MUTATION_REPLAY(data, size): the first statement of
 * LLVMFuzzerTestOneInput in a target with CF_CASE_CUSTOM_MUTATOR(): a
 * mutation record is replayed (above) instead of being run as a case. */
#define CF_CASE_MUTATION_REPLAY(data, size)                                  \
  do {                                                                       \
    if (cf_mutation_record_replay((data), (size), LLVMFuzzerCustomMutator,   \
                                  LLVMFuzzerCustomCrossOver,                 \
                                  LLVMFuzzerTestOneInput)) {                 \
      return 0;                                                              \
    }                                                                        \
  } while (0)

/* CF_CASE_CUSTOM_MUTATOR() opts a chain target into this mutator. Write it
 * once, at file scope, in a target whose input is a case:
 *
 *   #include "case_mutator.h"
 *   CF_CASE_CUSTOM_MUTATOR()
 *
 * and link the target with libcertgen (every target does). It defines
 * LLVMFuzzerCustomMutator and LLVMFuzzerCustomCrossOver on this file's
 * functions; libFuzzer then mutates through them only: one call in
 * CF_CASE_STRUCTURAL_ONE_IN is structural, the others are libFuzzer's own
 * byte-level LLVMFuzzerMutate on the whole input. Each structural call and
 * each crossover leaves a mutation record while it runs (above); the
 * target's LLVMFuzzerTestOneInput starts with CF_CASE_MUTATION_REPLAY. In
 * the afl and replay flavors the two functions are linked but never called
 * (AFL++ uses chainfuzz_case_mutator.so instead); LLVMFuzzerMutate is
 * declared weak so those flavors link without it. */
#define CF_CASE_CUSTOM_MUTATOR()                                              \
  CF_MUTATOR_HOOKS(CF_CASE_STRUCTURAL_ONE_IN,                                 \
                   cf_case_mutate(data, size, max_size, seed,                 \
                                  cf_case_mutator_pool(),                     \
                                  cf_mutation_byte_mutator(LLVMFuzzerMutate)), \
                   cf_case_crossover(data1, size1, data2, size2, out,         \
                                     max_out_size, seed,                      \
                                     cf_case_mutator_pool()))

/* CF_MUTATOR_HOOKS(ONE_IN, MUTATE, CROSSOVER) defines the two libFuzzer
 * hooks around a structural mutator, with its mutation records: one call
 * in ONE_IN is the expression MUTATE (of data, size, max_size, seed), the
 * others LLVMFuzzerMutate; the crossover is the expression CROSSOVER (of
 * data1, size1, data2, size2, out, max_out_size, seed). The case mutator
 * above and the recipe mutator (recipe_mutator.h) are its two users. */
#define CF_MUTATOR_HOOKS(ONE_IN, MUTATE, CROSSOVER)                           \
  __attribute__((weak)) size_t LLVMFuzzerMutate(uint8_t *data, size_t size,   \
                                                size_t max_size);             \
  size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, \
                                 unsigned int seed);                          \
  size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, \
                                 unsigned int seed) {                         \
    if (!cf_mutation_replaying() && LLVMFuzzerMutate != NULL &&              \
        seed % (ONE_IN) != 0) {                                               \
      return LLVMFuzzerMutate(data, size, max_size);                          \
    }                                                                         \
    struct cf_mutation_record rec_ = {CF_MUTATION_OP_MUTATE,                  \
                                      LLVMFuzzerMutate == NULL              \
                                          ? CF_MUTATION_FLAG_NO_BYTE_MUTATE   \
                                          : 0,                                \
                                      seed, max_size, data, size, NULL, 0};   \
    cf_mutation_record_begin(&rec_);                                          \
    size_t n_ = (MUTATE);                                                     \
    cf_mutation_record_end();                                                 \
    return n_;                                                                \
  }                                                                           \
  size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,        \
                                   const uint8_t *data2, size_t size2,        \
                                   uint8_t *out, size_t max_out_size,         \
                                   unsigned int seed);                        \
  size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,        \
                                   const uint8_t *data2, size_t size2,        \
                                   uint8_t *out, size_t max_out_size,         \
                                   unsigned int seed) {                       \
    struct cf_mutation_record rec_ = {CF_MUTATION_OP_CROSSOVER, 0,            \
                                      seed, max_out_size, data1, size1,       \
                                      data2, size2};                          \
    cf_mutation_record_begin(&rec_);                                          \
    size_t n_ = (CROSSOVER);                                                  \
    cf_mutation_record_end();                                                 \
    return n_;                                                                \
  }

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_CERTGEN_CASE_MUTATOR_H */
