#include "untrusted.h"
#include "alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Word-at-a-time tests on 8 bytes: whether any byte is 0, or >= 0x80. */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
static uint64_t load8(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v); /* one unaligned load on x86 and arm64 */
  return v;
}
static uint64_t zero_bytes(uint64_t v) { return (v - ONES) & ~v & HIGHS; }
/* How many bytes come before the first flagged one, the flags made by
 * the tests above: the lowest is exact, a false one only ever follows a
 * true one in the word's order, which is memory order when little-endian.
 * Big-endian: 0, and the bytes are then looked at one by one. */
static unsigned plain_before(uint64_t flags) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  (void)flags;
  return 0;
#else
  return (unsigned)__builtin_ctzll(flags) / 8;
#endif
}

/* How many bytes at @p s are plain ASCII without NUL (no check needed). */
static size_t ascii_run(const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i + 8 <= len) {
    uint64_t v = load8(s + i);
    if ((v | zero_bytes(v)) & HIGHS)
      break;
    i += 8;
  }
  while (i < len && s[i] && s[i] < 0x80)
    i++;
  return i;
}

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
    i += ascii_run(p + i, len - i);
    if (i == len)
      break;
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
    size_t plain = ascii_run(p + i, len - i);
    if (plain) {
      if (pri_buf_append(out, s + i, plain) != 0)
        return -1;
      i += plain;
      continue;
    }
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

/* The bytes of @p cp in UTF-8 (cp <= 0x10FFFF, not a surrogate). */
static size_t utf8_encode(uint32_t cp, char *out) {
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
      uint64_t v = load8(s);
      uint64_t quote = zero_bytes(v ^ (ONES * '"'));
      uint64_t slash = zero_bytes(v ^ (ONES * '\\'));
      /* A flag on each byte >= 0x80, NUL, '"' or '\\'. */
      uint64_t stop = (v | zero_bytes(v) | quote | slash) & HIGHS;
      size_t plain = stop ? (size_t)plain_before(stop) : 8;
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
      size_t n = utf8_sequence(s, (size_t)(e - s));
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
    out->len += utf8_encode(cp, o);
    s += used;
  }
}
