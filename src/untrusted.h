/* Server text is untrusted: before it reaches a caller it is made valid
 * UTF-8 (invalid bytes, lone surrogates and NUL become U+FFFD, so one bad
 * value never costs a batch and nothing is cut silently) and, where it is
 * meant for a person, bounded and free of control characters. */
#ifndef PUBRIO_UNTRUSTED_H
#define PUBRIO_UNTRUSTED_H

#include "buf.h"

#include <stddef.h>


/* Whether @p len bytes at @p s are valid UTF-8 without NUL. */
int pri_utf8_valid(const char *s, size_t len);

/* Append @p s with each invalid sequence (and NUL) as U+FFFD; 0 or -1. */
int pri_utf8_repair(pri_buf *out, const char *s, size_t len);

/* A malloc'd copy of untrusted text for messages: valid UTF-8, C0/DEL/C1
 * control characters written as \u00XX, at most @p max bytes of the input
 * kept ("..." marks a cut). NULL when @p s is NULL or out of memory. */
char *pri_untrusted_text(const char *s, size_t len, size_t max);

/* Rewrite, in place, the JSON escapes cJSON would refuse or cut a string
 * at: \u0000 and lone UTF-16 surrogates become \ufffd (same length). */
void pri_json_repair_escapes(char *text, size_t len);

#endif
