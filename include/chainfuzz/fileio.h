/* fileio.h — reading a file whole without blocking on a FIFO or a device,
 * and writing files so that a reader, a crash or Ctrl-C never sees a
 * half-written one. Used by the chainfuzz CLI (crashes/), seedgen and
 * certgen (recipes, corpora, cases). */
#ifndef CHAINFUZZ_FILEIO_H
#define CHAINFUZZ_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* cf_read_file reads the regular file |path| into a malloc'd buffer (NUL
 * after the last byte, not counted). It returns 0 with errno set on
 * failure: EFBIG when the file is longer than |max_len|, EINVAL when it is
 * not a regular file (a FIFO is refused, never waited on). */
int cf_read_file(uint8_t **out, size_t *out_len, const char *path,
                 size_t max_len);

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
