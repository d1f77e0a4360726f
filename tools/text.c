#include "text.h"

#include <stdlib.h>
#include <string.h>

/* Length of the control character at @p s (1 or 2 bytes), or 0. */
static size_t control_at(const unsigned char *s) {
  if (s[0] < 0x20 || s[0] == 0x7F)
    return 1;
  if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] < 0xA0)
    return 2;
  return 0;
}

static unsigned code_point(const unsigned char *s, size_t n) {
  return n == 1 ? s[0] : 0x80u | (s[1] & 0x3Fu);
}

void text_put(FILE *out, const char *s, size_t max) {
  if (!s)
    return;
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; p[i] && i < max;) {
    size_t n = control_at(p + i);
    if (n) {
      fprintf(out, "\\u%04x", code_point(p + i, n));
      i += n;
    } else {
      fputc(p[i++], out);
    }
  }
}

void text_put_ascii(FILE *out, const char *s, size_t max) {
  for (size_t i = 0; s[i] && i < max; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch < 0x20 || ch >= 0x7F)
      fprintf(out, "\\x%02x", ch);
    else
      fputc(ch, out);
  }
}

char *text_json_escape_controls(const char *json) {
  size_t len = strlen(json), extra = 0;
  const unsigned char *p = (const unsigned char *)json;
  for (size_t i = 0; i < len; i++)
    extra +=
        p[i] == 0x7F || (p[i] == 0xC2 && p[i + 1] >= 0x80 && p[i + 1] < 0xA0);
  char *out = malloc(len + extra * 5 + 1);
  if (!out)
    return NULL;
  char *w = out;
  for (size_t i = 0; i < len;) {
    size_t n = p[i] >= 0x20 ? control_at(p + i) : 0; /* C0 is cJSON's */
    if (n) {
      w += sprintf(w, "\\u%04x", code_point(p + i, n));
      i += n;
    } else {
      *w++ = json[i++];
    }
  }
  *w = '\0';
  return out;
}

const char *text_plural(size_t n, const char *one, const char *many) {
  return n == 1 ? one : many;
}
