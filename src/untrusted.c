#include "untrusted.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Length of the valid UTF-8 sequence at @p s (at most @p len bytes), or 0
 * when it is not one (overlong, surrogate, past U+10FFFF, cut short). */
static size_t utf8_sequence(const unsigned char *s, size_t len) {
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
    size_t n = p[i] ? utf8_sequence(p + i, len - i) : 0;
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
    size_t n = p[i] ? utf8_sequence(p + i, len - i) : 0;
    int rc = n ? pri_buf_append(out, s + i, n)
               : pri_buf_append(out, replacement, 3);
    if (rc != 0)
      return -1;
    i += n ? n : 1;
  }
  return pri_buf_append(out, "", 0);
}

/* C0, DEL and the C1 range (U+0080..U+009F) steer terminals. */
static int is_control(const unsigned char *s, size_t n) {
  return (n == 1 && (s[0] < 0x20 || s[0] == 0x7F)) ||
         (n == 2 && s[0] == 0xC2 && s[1] < 0xA0);
}

char *pri_untrusted_text(const char *s, size_t len, size_t max) {
  if (!s)
    return NULL;
  pri_buf out = {0};
  const unsigned char *p = (const unsigned char *)s;
  int ok = pri_buf_append(&out, "", 0) == 0;
  size_t i = 0;
  while (ok && i < len && i < max) {
    size_t n = p[i] ? utf8_sequence(p + i, len - i) : 0;
    if (n && i + n > max)
      break; /* never cut a character in two */
    if (!n || is_control(p + i, n)) {
      unsigned cp = !n ? 0xFFFD : n == 1 ? p[i] : (unsigned)(p[i + 1] & 0x3F) | 0x80;
      ok = !n ? pri_buf_append(&out, replacement, 3) == 0
              : pri_buf_appendf(&out, "\\u%04x", cp) == 0;
      i += n ? n : 1;
    } else {
      ok = pri_buf_append(&out, s + i, n) == 0;
      i += n;
    }
  }
  if (ok && i < len)
    ok = pri_buf_append_str(&out, "...") == 0;
  if (!ok) {
    pri_buf_free(&out);
    return NULL;
  }
  return pri_buf_steal(&out);
}

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0)
      return 0;
    v = v * 16 + (unsigned)d;
  }
  *out = v;
  return 1;
}

/* Backslashes only appear inside JSON strings, so the escapes can be found
 * without tracking where strings start and end. */
void pri_json_repair_escapes(char *text, size_t len) {
  size_t i = 0;
  while (i + 1 < len) {
    if (text[i] != '\\') {
      i++;
      continue;
    }
    unsigned unit, low;
    if (text[i + 1] != 'u' || i + 6 > len || !hex4(text + i + 2, &unit)) {
      i += 2; /* \" \\ \n ...: skip the escaped character */
      continue;
    }
    int high = unit >= 0xD800 && unit <= 0xDBFF;
    if (high && i + 12 <= len && text[i + 6] == '\\' && text[i + 7] == 'u' &&
        hex4(text + i + 8, &low) && low >= 0xDC00 && low <= 0xDFFF) {
      i += 12; /* a proper pair */
      continue;
    }
    if (unit == 0 || (unit >= 0xD800 && unit <= 0xDFFF))
      memcpy(text + i + 2, "fffd", 4);
    i += 6;
  }
}
