/* Where `pubrio redeem` reads its people: ids (arguments, or a file of one
 * id a line) or a CSV file (by its .csv extension or --input-format csv). */
#ifndef PUBRIO_CLI_INPUT_H
#define PUBRIO_CLI_INPUT_H

#include "cli.h"
#include "ids.h"

/* -1 when the input options fit together, else the exit code after
 * printing why (CSV options without a CSV input, with `pubrio query`, a CSV
 * input beside ids given as arguments). */
int input_check_options(const cli_options *o, int is_redeem);

/* Hand every person of the input to @p take (see ids_read and
 * csv_rows_read). CLI_OK, or CLI_USAGE after printing why. */
int input_read(const cli_options *o, ids_take_fn take, void *ctx,
               pubrio_bulk *run);

#endif
