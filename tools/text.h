/* Printing text that came from the server or the input: control
 * characters (C0, DEL, C1) are written as \u00XX, so no value can move the
 * cursor, ring the bell or forge a line on a terminal. */
#ifndef PUBRIO_CLI_TEXT_H
#define PUBRIO_CLI_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Write at most @p max bytes of @p s (NULL: nothing), escaped. */
void text_put(FILE *out, const char *s, size_t max);

/* Write at most @p max bytes of raw input (which may not even be UTF-8)
 * with every byte outside printable ASCII as \xNN. */
void text_put_ascii(FILE *out, const char *s, size_t max);

/* A malloc'd copy of JSON text with DEL and C1 characters escaped as well
 * (cJSON escapes only C0); they only occur inside strings, where \u00XX
 * means the same. NULL when out of memory. */
char *text_json_escape_controls(const char *json);

/* "1 person", "2 people": @p one or @p many by @p n, for a "%zu %s". */
const char *text_plural(size_t n, const char *one, const char *many);

#endif
