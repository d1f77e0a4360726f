/* Ids (or URLs) read from arguments, a file or stdin (one per line, blank lines
 * and # comments skipped, a UTF-8 BOM accepted, lines capped at 1 KiB, NUL
 * refused); every bad one is named before anything is sent. */
#ifndef PUBRIO_CLI_IDS_H
#define PUBRIO_CLI_IDS_H

#include "cli.h"

/* Takes one id (or, for pubrio redeem, a LinkedIn URL): 0 kept (or a
 * duplicate), -1 invalid (@p why, @p why_size, says why; the reader names
 * the line), -2 a failure that stops reading (printed by the taker). */
typedef int (*ids_take_fn)(void *ctx, const char *id, char *why,
                           size_t why_size);

/* Hand every id to @p fn. CLI_OK, or CLI_USAGE after printing why (a bad
 * line, an unreadable file, no id at all). */
int ids_read(const cli_options *options, ids_take_fn fn, void *ctx);

#endif
