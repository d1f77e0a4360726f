/* Server text is untrusted: before it reaches a caller it is made valid
 * UTF-8 (invalid bytes, lone surrogates and NUL become U+FFFD, so one bad
 * value never costs a batch and nothing is cut silently) and, where it is
 * meant for a person, bounded and free of control characters. */
#ifndef PUBRIO_UNTRUSTED_H
#define PUBRIO_UNTRUSTED_H

#include "buf.h"
#include "utf8.h"

#include <stddef.h>

/* A malloc'd copy of untrusted text for messages: valid UTF-8, C0/DEL/C1
 * control characters written as \u00XX, at most @p max bytes of the input
 * kept ("..." marks a cut). NULL when @p s is NULL or out of memory. */
char *pri_untrusted_text(const char *s, size_t len, size_t max);

/* Rewrite, in place, the JSON escapes cJSON would refuse or cut a string
 * at: \u0000 and lone UTF-16 surrogates become \ufffd (same length). */
void pri_json_repair_escapes(char *text, size_t len);

/* Read the JSON string literal at *@p p (its opening quote; the text ends
 * at @p end) into @p out in one pass over its bytes, plain ASCII 8 bytes at
 * a time: escapes decoded, \u0000 and lone surrogates as U+FFFD, each
 * invalid UTF-8 sequence as U+FFFD, the value cut at the first NUL left (a
 * raw NUL byte, or a \u with a bad hex digit). That is exactly what
 * pri_json_repair_escapes, cJSON's string parser and pri_utf8_repair make
 * of it one after the other, without the tree. @p out is reset first and
 * ends NUL-terminated. Returns 1 (*p then past the closing quote), 0 when
 * cJSON would refuse the literal, -1 when out of memory. */
int pri_json_read_string(const char **p, const char *end, pri_buf *out);

#endif
