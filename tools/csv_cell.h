/* A CSV cell of server text that a spreadsheet will not run as a formula
 * (OWASP "CSV injection"): a value starting with =, +, -, @, a tab or a
 * carriage return gets a single quote in front, which spreadsheets show
 * and never evaluate. A phone number in E.164 form (a '+' and digits
 * only, `+15552667756`) is left as it is: a sign and a number cannot call
 * a function or name a cell, and a person reads it as the number it is.
 * `--csv-raw` turns the guard off for machine consumers.
 *
 * Used by every CSV output: --format csv rows and `pubrio export --format
 * csv` (tools/output.c), the enriched rows (tools/csv_rows.c) and `pubrio
 * lookup` (tools/lookup_cmd.c). */
#ifndef PUBRIO_CLI_CSV_CELL_H
#define PUBRIO_CLI_CSV_CELL_H

#include <stddef.h>
#include <stdio.h>

/* Turn the guard off (1) or on (0, the default). */
void csv_cell_set_raw(int raw);

/* The prefix to write before @p value: "'" when it would start a formula,
 * else "" (always "" with --csv-raw, or for NULL). */
const char *csv_cell_guard(const char *value);

/* @p len bytes of @p s as one field, as they are: quoted only where RFC
 * 4180 requires it (@p delimiter, a quote or a line break inside). */
void csv_cell_put_field(FILE *out, const char *s, size_t len, char delimiter);

/* Server text (or ours quoting it) as one field: the formula guard, control
 * characters escaped (tools/text.c) so no value can steer a terminal or
 * forge a row, never cut, then quoted as a field. NULL writes an empty
 * field. 0, or -1 when out of memory (nothing written). */
int csv_cell_put_text(FILE *out, const char *s, char delimiter);

#endif
