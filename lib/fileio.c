/* fileio.c — atomic file writes shared by every tool (fileio.h). */
#include "chainfuzz/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int cf_read_file(uint8_t **out, size_t *out_len, const char *path,
                 size_t max_len) {
  struct stat st;
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;
  int fd, saved;

  *out = NULL;
  *out_len = 0;
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return 0;
  }
  if (fstat(fd, &st) != 0) {
    goto err;
  }
  if (!S_ISREG(st.st_mode)) {
    errno = EINVAL;
    goto err;
  }
  if ((uint64_t)st.st_size > max_len) {
    errno = EFBIG;
    goto err;
  }
  cap = (size_t)st.st_size + 1;
  buf = malloc(cap);
  if (buf == NULL) {
    goto err;
  }
  for (;;) {
    ssize_t n;
    if (len + 1 >= cap) {
      uint8_t *nb;
      if (cap > max_len) {
        errno = EFBIG;
        goto err;
      }
      cap *= 2;
      nb = realloc(buf, cap);
      if (nb == NULL) {
        goto err;
      }
      buf = nb;
    }
    n = read(fd, buf + len, cap - 1 - len);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      goto err;
    }
    if (n == 0) {
      break;
    }
    len += (size_t)n;
  }
  close(fd);
  buf[len] = 0;
  *out = buf;
  *out_len = len;
  return 1;

err:
  saved = errno;
  free(buf);
  close(fd);
  errno = saved;
  return 0;
}
