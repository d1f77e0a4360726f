#include "redact.h"

#include <stddef.h>
#include <string.h>

static int hex(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* The character at @p p as a reader of the text would see it: a plain byte,
 * or a JSON \uXXXX escape of an ASCII character. *raw gets its length. */
static int char_at(const char *p, size_t *raw) {
  *raw = 1;
  if (p[0] == '\\' && p[1] == 'u') {
    int v = 0, i = 2;
    for (; i < 6 && hex(p[i]) >= 0; i++)
      v = v * 16 + hex(p[i]);
    if (i == 6 && v > 0 && v < 0x80) {
      *raw = 6;
      return v;
    }
  }
  return (unsigned char)p[0];
}

/* Raw length of the longest piece of @p secret, at least @p piece long,
 * that @p p starts with; 0 when none. */
static size_t match_at(const char *p, const char *secret, size_t n,
                       size_t piece) {
  size_t best = 0, raw;
  int first = char_at(p, &raw);
  for (size_t k = 0; k + piece <= n; k++) {
    if ((unsigned char)secret[k] != first)
      continue;
    size_t matched = 0, at = 0;
    while (k + matched < n && p[at] &&
           char_at(p + at, &raw) == (unsigned char)secret[k + matched]) {
      matched++;
      at += raw;
    }
    if (matched >= piece && at > best)
      best = at;
  }
  return best;
}

void pri_redact(char *text, const char *secret) {
  if (!text || !secret || !*secret)
    return;
  size_t n = strlen(secret);
  size_t piece = n < 8 ? n : 8;
  for (char *p = text; *p;) {
    size_t hit = match_at(p, secret, n, piece);
    if (hit) {
      memset(p, '*', hit);
      p += hit;
    } else {
      p++;
    }
  }
}
