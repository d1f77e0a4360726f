/* A CSV cell of server text that a spreadsheet will not run as a formula
 * (OWASP "CSV injection"): a value starting with =, +, -, @, a tab or a
 * carriage return gets a single quote in front, which spreadsheets show
 * and never evaluate. A phone number in E.164 form (a '+' and digits
 * only, `+15552667756`) is left as it is: a sign and a number cannot call
 * a function or name a cell, and a person reads it as the number it is.
 * `--csv-raw` turns the guard off for machine consumers.
 *
 * Used by every CSV output: --format csv rows and `pubrio export --format
 * csv` (tools/output.c) and the enriched rows (tools/csv_rows.c). */
#ifndef PUBRIO_CLI_CSV_CELL_H
#define PUBRIO_CLI_CSV_CELL_H

/* Turn the guard off (1) or on (0, the default). */
void csv_cell_set_raw(int raw);

/* The prefix to write before @p value: "'" when it would start a formula,
 * else "" (always "" with --csv-raw, or for NULL). */
const char *csv_cell_guard(const char *value);

#endif
