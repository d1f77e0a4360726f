/* The people to redeem: read from arguments, a file or stdin, and handed
 * to a bulk run, which validates and de-duplicates them; every bad line is
 * named before anything is sent. */
#ifndef PUBRIO_CLI_IDS_H
#define PUBRIO_CLI_IDS_H

#include "cli.h"

/* Add every id to @p run. When any line is invalid, prints each bad line on
 * stderr and returns CLI_USAGE (the run has not started: nothing sent). */
int ids_collect(const cli_options *options, pubrio_bulk *run);

#endif
