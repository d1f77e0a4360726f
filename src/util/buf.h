/* Growable byte buffers shared by every layer. */
#ifndef PUBRIO_BUF_H
#define PUBRIO_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* A NUL-terminated, growable byte buffer. Zero-initialise before use. */
typedef struct pri_buf {
  char *data;
  size_t len;
  size_t cap;
} pri_buf;

/* Make room for @p extra more bytes; 0, or -1 when out of memory. */
int pri_buf_reserve(pri_buf *buf, size_t extra);
/* Append bytes; returns 0, or -1 when out of memory (buffer unchanged). */
int pri_buf_append(pri_buf *buf, const void *bytes, size_t len);
int pri_buf_append_str(pri_buf *buf, const char *str);
int pri_buf_appendf(pri_buf *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int pri_buf_vappendf(pri_buf *buf, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void pri_buf_reset(pri_buf *buf);
void pri_buf_free(pri_buf *buf);
/* Hand the data to the caller (never NULL on success) and empty the buffer. */
char *pri_buf_steal(pri_buf *buf);

#endif
