/* Ids read from arguments, a file or stdin (one per line, blank lines and
 * # comments skipped, a UTF-8 BOM accepted, lines capped at 1 KiB, NUL
 * refused); every bad one is named before anything is sent. */
#ifndef PUBRIO_CLI_IDS_H
#define PUBRIO_CLI_IDS_H

#include "cli.h"

/* Takes one id: 0 kept (or a duplicate), -1 invalid (named by the reader),
 * -2 a failure that stops reading (printed by the taker). */
typedef int (*ids_take_fn)(void *ctx, const char *id);

/* Hand every id to @p fn. CLI_OK, or CLI_USAGE after printing why (a bad
 * line, an unreadable file, no id at all). */
int ids_read(const cli_options *options, ids_take_fn fn, void *ctx);

#endif
