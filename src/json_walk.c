#include "json_walk.h"

#include <errno.h>

/* What cJSON skips between tokens (any byte up to ' ', NUL included), so
 * the walk and cJSON always agree on where a value starts. */
static int is_space(char c) { return (unsigned char)c <= ' '; }

/* The next non-space character, or '\0' at the end. */
static char peek(pri_walk *w) {
  while (w->p < w->end && is_space(*w->p))
    w->p++;
  return !w->malformed && w->p < w->end ? *w->p : '\0';
}

int pri_walk_enter(pri_walk *w, char open) {
  if (peek(w) != open)
    return 0;
  w->p++;
  return 1;
}

int pri_walk_next(pri_walk *w, char close, size_t *count) {
  char c = peek(w);
  if (c == close) {
    w->p++;
    return 0;
  }
  if (*count > 0) {
    if (c != ',') {
      w->malformed = 1;
      return 0;
    }
    w->p++;
  }
  (*count)++;
  return !w->malformed;
}

cJSON *pri_walk_value(pri_walk *w) {
  if (peek(w) == '\0') {
    w->malformed = 1;
    return NULL;
  }
  const char *end = NULL;
  errno = 0; /* cJSON says nothing of why it failed; malloc sets ENOMEM */
  cJSON *value =
      cJSON_ParseWithLengthOpts(w->p, (size_t)(w->end - w->p), &end, 0);
  if (!value || !end || end < w->p || end > w->end) {
    w->no_memory = !value && errno == ENOMEM;
    cJSON_Delete(value);
    w->malformed = 1;
    return NULL;
  }
  w->p = end;
  return value;
}

cJSON *pri_walk_key(pri_walk *w) {
  if (peek(w) != '"') {
    w->malformed = 1;
    return NULL;
  }
  cJSON *key = pri_walk_value(w); /* a JSON string, escapes and all */
  if (key && peek(w) == ':') {
    w->p++;
    return key;
  }
  cJSON_Delete(key);
  w->malformed = 1;
  return NULL;
}
