/* The CSV workflow of `pubrio redeem`: a CSV file in, the same rows out
 * with each person's contacts appended.
 *
 * First pass (before anything is sent): every row is read and classified
 * (by its people_search_id when it has a valid one, else by its LinkedIn
 * URL), its person handed to the run, and every row that cannot be
 * redeemed named on stderr by its line. During the run, each person's
 * result is kept (strings, keyed by id or canonical URL) as the run hands
 * it out. Second pass: the input is read again and every row written in
 * input order, its fields untouched, with the results appended. Memory
 * holds one row and the run's people, never the file.
 *
 * One run per process: the state belongs to this module. */
#ifndef PUBRIO_CLI_CSV_ROWS_H
#define PUBRIO_CLI_CSV_ROWS_H

#include "cli.h"
#include "ids.h"

/* The first pass: CLI_OK, or CLI_USAGE after printing why (a missing or
 * unknown column, an unreadable or malformed file, --strict and a bad row,
 * no person at all). @p take is the run's: it validates and keeps an id. */
int csv_rows_read(const cli_options *o, ids_take_fn take, void *run);

/* 1 when the rows are written at the end (a CSV input with --format csv
 * and --wait), so nothing else is printed on standard output. */
int csv_rows_active(void);

/* Keep what an event of the run says about the rows' people. 1 when the
 * event is consumed (not to be printed), else 0. */
int csv_rows_event(const pubrio_bulk_event *event);

/* The second pass: every row to standard output, with the results of a run
 * that ended with @p run_status (people not collected say why). Nothing
 * when not csv_rows_active(). */
void csv_rows_write(pubrio_status run_status);

/* Release everything; safe to call whatever happened before. */
void csv_rows_free(void);

#endif
