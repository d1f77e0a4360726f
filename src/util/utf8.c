/* UTF-8: validity, repair, one sequence, encoding, with plain ASCII
 * skipped 8 bytes at a time. */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* How many bytes at @p s are plain ASCII without NUL (no check needed). */
static size_t ascii_run(const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i + 8 <= len) {
    uint64_t v = pri_utf8_load8(s + i);
    if ((v | pri_utf8_zero_bytes(v)) & PRI_UTF8_HIGHS)
      break;
    i += 8;
  }
  while (i < len && s[i] && s[i] < 0x80)
    i++;
  return i;
}

size_t pri_utf8_sequence(const unsigned char *s, size_t len) {
  if (len == 0)
    return 0;
  if (s[0] < 0x80)
    return 1;
  size_t n;
  uint32_t cp, min;
  if ((s[0] & 0xE0) == 0xC0) {
    n = 2, cp = s[0] & 0x1F, min = 0x80;
  } else if ((s[0] & 0xF0) == 0xE0) {
    n = 3, cp = s[0] & 0x0F, min = 0x800;
  } else if ((s[0] & 0xF8) == 0xF0) {
    n = 4, cp = s[0] & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (len < n)
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

int pri_utf8_valid(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < len;) {
    i += ascii_run(p + i, len - i);
    if (i == len)
      break;
    size_t n = p[i] ? pri_utf8_sequence(p + i, len - i) : 0;
    if (!n)
      return 0;
    i += n;
  }
  return 1;
}

int pri_utf8_repair(pri_buf *out, const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    size_t plain = ascii_run(p + i, len - i);
    if (plain) {
      if (pri_buf_append(out, s + i, plain) != 0)
        return -1;
      i += plain;
      continue;
    }
    size_t n = p[i] ? pri_utf8_sequence(p + i, len - i) : 0;
    int rc =
        n ? pri_buf_append(out, s + i, n) : pri_buf_append(out, replacement, 3);
    if (rc != 0)
      return -1;
    i += n ? n : 1;
  }
  return pri_buf_append(out, "", 0);
}

/* The bytes of @p cp in UTF-8 (cp <= 0x10FFFF, not a surrogate). */
size_t pri_utf8_encode(uint32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | cp >> 6);
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | cp >> 12);
    out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | cp >> 18);
  out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
  out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}
