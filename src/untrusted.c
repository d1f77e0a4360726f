#include "untrusted.h"
#include "alloc.h"
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

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
    size_t n = p[i] ? pri_utf8_sequence(p + i, len - i) : 0;
    if (n && i + n > max)
      break; /* never cut a character in two */
    if (!n || is_control(p + i, n)) {
      unsigned cp = !n       ? 0xFFFD
                    : n == 1 ? p[i]
                             : (unsigned)(p[i + 1] & 0x3F) | 0x80;
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
    const char *next = memchr(text + i, '\\', len - 1 - i);
    if (!next)
      return; /* an ordinary answer has none: one vectorised scan */
    i = (size_t)(next - text);
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

/* ---- one pass over a JSON string literal ------------------------------ */

/* cJSON's reading of 4 hex digits: 0 when one is not a hex digit. */
static unsigned cjson_hex4(const char *p) {
  unsigned v;
  return hex4(p, &v) ? v : 0;
}

/* After the text was cut at a NUL: whether cJSON accepts the rest of the
 * literal, from @p q (a point where its two scans agree) to the closing
 * quote. cJSON finds that quote skipping the byte after each backslash,
 * then decodes, and after a \u with a bad hex digit it skips 6 bytes where
 * the first scan skipped 2: the rest is checked as it decodes it, on the
 * text as pri_json_repair_escapes leaves it. Rare: a copy is fine.
 * 1 accepted (*p after the quote), 0 refused, -1 out of memory. */
static int check_cut_tail(const char *q, const char *end, const char **p) {
  const char *close = q;
  while (close < end && *close != '"') {
    if (*close == '\\' && close + 1 >= end)
      return 0;
    close += *close == '\\' ? 2 : 1;
  }
  if (close >= end)
    return 0;
  size_t n = (size_t)(close - q);
  char *t = pri_malloc(n + 1);
  if (!t)
    return -1;
  memcpy(t, q, n + 1); /* the closing quote too: cJSON may read it */
  pri_json_repair_escapes(t, n);
  int ok = 1;
  for (size_t i = 0; ok && i < n;) {
    if (t[i] != '\\') {
      i++;
      continue;
    }
    switch (t[i + 1]) {
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
    case '"':
    case '\\':
    case '/': i += 2; break;
    case 'u': {
      unsigned first = n - i >= 6 ? cjson_hex4(t + i + 2) : 0xDC00;
      if (first >= 0xDC00 && first <= 0xDFFF) {
        ok = 0;
      } else if (first >= 0xD800 && first <= 0xDBFF) {
        unsigned second = n - i >= 12 && t[i + 6] == '\\' && t[i + 7] == 'u'
                              ? cjson_hex4(t + i + 8)
                              : 0;
        ok = second >= 0xDC00 && second <= 0xDFFF;
        i += 12;
      } else {
        i += 6;
      }
      break;
    }
    default: ok = 0;
    }
  }
  pri_free(t);
  if (ok)
    *p = close + 1;
  return ok;
}

int pri_json_read_string(const char **p, const char *end, pri_buf *out) {
  const unsigned char *s = (const unsigned char *)*p + 1;
  const unsigned char *e = (const unsigned char *)end;
  pri_buf_reset(out);
  if (*p >= end || **p != '"' || pri_buf_reserve(out, 64) != 0)
    return *p >= end || **p != '"' ? 0 : -1;
  for (;;) {
    if (out->cap - out->len < 16 && pri_buf_reserve(out, 64) != 0)
      return -1;
    char *o = out->data + out->len;
    /* Plain ASCII needs no work: 8 bytes at a time while there is room. */
    size_t room = (out->cap - out->len - 1) & ~(size_t)7;
    size_t done = 0;
    while (done < room && e - s >= 8) {
      uint64_t v = pri_utf8_load8(s);
      uint64_t quote = pri_utf8_zero_bytes(v ^ (PRI_UTF8_ONES * '"'));
      uint64_t slash = pri_utf8_zero_bytes(v ^ (PRI_UTF8_ONES * '\\'));
      /* A flag on each byte >= 0x80, NUL, '"' or '\\'. */
      uint64_t stop =
          (v | pri_utf8_zero_bytes(v) | quote | slash) & PRI_UTF8_HIGHS;
      size_t plain = stop ? (size_t)pri_utf8_plain_before(stop) : 8;
      memcpy(o + done, s, 8); /* the bytes past `plain` are written over */
      done += plain, s += plain;
      if (stop)
        break;
    }
    out->len += done;
    if (done && (size_t)(out->cap - out->len) < 16)
      continue; /* room is checked again before a byte that needs work */
    o += done;
    if (s >= e)
      return 0; /* no closing quote */
    unsigned char c = *s;
    if (c == '"') {
      out->data[out->len] = '\0';
      *p = (const char *)s + 1;
      return 1;
    }
    if (c == 0) { /* cJSON keeps the byte: the value ends here */
      out->data[out->len] = '\0';
      return check_cut_tail((const char *)s, end, p);
    }
    if (c < 0x80 && c != '\\') {
      *o = (char)c;
      out->len++, s++;
      continue;
    }
    if (c != '\\') {
      size_t n = pri_utf8_sequence(s, (size_t)(e - s));
      memcpy(o, n ? (const char *)s : replacement, n ? n : 3);
      out->len += n ? n : 3;
      s += n ? n : 1;
      continue;
    }
    if (e - s < 2)
      return 0;
    char simple = s[1] == 'b'                                  ? '\b'
                  : s[1] == 'f'                                ? '\f'
                  : s[1] == 'n'                                ? '\n'
                  : s[1] == 'r'                                ? '\r'
                  : s[1] == 't'                                ? '\t'
                  : s[1] == '"' || s[1] == '\\' || s[1] == '/' ? (char)s[1]
                                                               : 0;
    if (simple) {
      *o = simple;
      out->len++, s += 2;
      continue;
    }
    if (s[1] != 'u')
      return 0;
    unsigned unit, low;
    if (e - s < 6)
      return 0;
    if (!hex4((const char *)s + 2, &unit)) { /* cJSON decodes it as NUL */
      out->data[out->len] = '\0';
      return check_cut_tail((const char *)s, end, p);
    }
    uint32_t cp = unit;
    size_t used = 6;
    if (unit >= 0xD800 && unit <= 0xDBFF && e - s >= 12 && s[6] == '\\' &&
        s[7] == 'u' && hex4((const char *)s + 8, &low) && low >= 0xDC00 &&
        low <= 0xDFFF) {
      cp = 0x10000 + ((unit & 0x3FF) << 10 | (low & 0x3FF));
      used = 12;
    } else if (unit == 0 || (unit >= 0xD800 && unit <= 0xDFFF)) {
      cp = 0xFFFD; /* what pri_json_repair_escapes makes of it */
    }
    out->len += pri_utf8_encode(cp, o);
    s += used;
  }
}
