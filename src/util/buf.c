#include "buf.h"
#include "alloc.h"
#include "growth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pri_buf_reserve(pri_buf *buf, size_t extra) {
  if (extra > (size_t)-1 - buf->len - 1)
    return -1;
  size_t need = buf->len + extra + 1;
  if (need <= buf->cap)
    return 0;
  /* A first block of 64 bytes: most texts fit it at once. */
  return pri_grow(&buf->data, &buf->cap, need < 64 ? 64 : need, 1);
}

int pri_buf_append(pri_buf *buf, const void *bytes, size_t len) {
  if (pri_buf_reserve(buf, len) != 0)
    return -1;
  if (len)
    memcpy(buf->data + buf->len, bytes, len);
  buf->len += len;
  buf->data[buf->len] = '\0';
  return 0;
}

int pri_buf_append_str(pri_buf *buf, const char *str) {
  return pri_buf_append(buf, str, strlen(str));
}

int pri_buf_vappendf(pri_buf *buf, const char *fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n < 0 || pri_buf_reserve(buf, (size_t)n) != 0)
    return -1;
  vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
  buf->len += (size_t)n;
  return 0;
}

int pri_buf_appendf(pri_buf *buf, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = pri_buf_vappendf(buf, fmt, ap);
  va_end(ap);
  return rc;
}

void pri_buf_reset(pri_buf *buf) {
  buf->len = 0;
  if (buf->data)
    buf->data[0] = '\0';
}

void pri_buf_free(pri_buf *buf) {
  pri_free(buf->data);
  buf->data = NULL;
  buf->len = buf->cap = 0;
}

char *pri_buf_steal(pri_buf *buf) {
  if (!buf->data && pri_buf_append(buf, "", 0) != 0)
    return NULL;
  char *data = buf->data;
  buf->data = NULL;
  buf->len = buf->cap = 0;
  return data;
}
