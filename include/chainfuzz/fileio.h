/* fileio.h — writing files so that a reader, a crash or Ctrl-C never sees
 * a half-written one. Used by the chainfuzz CLI (crashes/), seedgen and
 * certgen (corpora, cases). */
#ifndef CHAINFUZZ_FILEIO_H
#define CHAINFUZZ_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* cf_write_file_atomic writes |len| bytes to |path| through a temporary
 * file in the same directory (".tmp-<name>-<pid>-<n>"), fsync, then
 * rename. On failure the temporary file is removed, |path| is untouched,
 * errno is set and 0 returned. */
int cf_write_file_atomic(const char *path, const void *data, size_t len,
                         mode_t mode);

#ifdef __cplusplus
}
#endif

#endif /* CHAINFUZZ_FILEIO_H */
