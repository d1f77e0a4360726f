#include "input.h"

#include "csv_rows.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A CSV input: named so, or a file whose name ends in .csv. */
static int input_is_csv(const cli_options *o) {
  if (o->input_format != INPUT_AUTO || !o->input_file)
    return o->input_format == INPUT_CSV;
  size_t len = strlen(o->input_file);
  return len > 4 && strcasecmp(o->input_file + len - 4, ".csv") == 0;
}

int input_check_options(const cli_options *o, int is_redeem) {
  int csv_options = o->id_column || o->url_column || o->delimiter ||
                    o->strict || o->input_format == INPUT_CSV;
  const char *why = NULL;
  if (!is_redeem && csv_options)
    why = "--input-format csv, --id-column, --url-column, --delimiter and "
          "--strict are options of pubrio redeem";
  else if (csv_options && !input_is_csv(o))
    why = "--id-column, --url-column, --delimiter and --strict need a CSV "
          "input: --input FILE.csv, or --input-format csv";
  else if (input_is_csv(o) && !o->input_file)
    why = "--input-format csv needs --input FILE (or - for standard input)";
  else if (input_is_csv(o) && o->id_count)
    why = "give people in the CSV input or as arguments, not both";
  if (!why)
    return -1;
  fprintf(stderr, "pubrio: %s\nTry 'pubrio help redeem'.\n", why);
  return CLI_USAGE;
}

int input_read(const cli_options *o, ids_take_fn take, void *ctx,
               pubrio_bulk *run) {
  return input_is_csv(o) ? csv_rows_read(o, take, ctx, run)
                         : ids_read(o, take, ctx);
}
