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
 * An id input with --format csv (csv_rows_keep_input) is kept the same
 * way, one entry a person in the order given, and written at the end as
 * one row a person: people_search_id (linkedin_url), then the same
 * appended columns. Written at the end, so no batch is delivered before
 * (tools/delivery.c): the caller flushes nothing until then.
 *
 * One run per process: the state belongs to this module. */
#ifndef PUBRIO_CLI_CSV_ROWS_H
#define PUBRIO_CLI_CSV_ROWS_H

#include "cli.h"
#include "ids.h"

/* The first pass: CLI_OK, or CLI_USAGE after printing why (a missing or
 * unknown column, an unreadable or malformed file, --strict and a bad row,
 * no person at all). @p take is the run's: it validates and keeps an id. */
int csv_rows_read(const cli_options *o, ids_take_fn take, void *ctx,
                  pubrio_bulk *run);

/* An id or LinkedIn URL of an id input that the run took (@p is_url):
 * with --format csv and --wait it gets one row, in the order first given,
 * written at the end like a CSV input's rows. 0, or -1 when out of
 * memory. Nothing for a CSV input, which files its own rows. */
int csv_rows_keep_input(const cli_options *o, const char *text, int is_url);

/* 1 when the rows are written at the end (--format csv and --wait, from
 * a CSV input or ids), so nothing else is printed on standard output. */
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
