/* fileio.c — atomic file writes shared by every tool (fileio.h). */
#include "chainfuzz/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static unsigned long g_tmp_counter;

int cf_write_file_atomic(const char *path, const void *data, size_t len,
                         mode_t mode) {
  char tmp[PATH_MAX];
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
  const uint8_t *p = data;
  int fd, saved;

  if (snprintf(tmp, sizeof(tmp), "%.*s.tmp-%s-%ld-%lu", (int)dir_len, path,
               base, (long)getpid(), ++g_tmp_counter) >= (int)sizeof(tmp)) {
    errno = ENAMETOOLONG;
    return 0;
  }
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return 0;
  }
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      goto err;
    }
    p += n;
    len -= (size_t)n;
  }
  if (fsync(fd) != 0) {
    goto err;
  }
  if (close(fd) != 0) {
    fd = -1;
    goto err;
  }
  fd = -1;
  if (rename(tmp, path) != 0) {
    goto err;
  }
  return 1;

err:
  saved = errno;
  if (fd >= 0) {
    close(fd);
  }
  unlink(tmp);
  errno = saved;
  return 0;
}
