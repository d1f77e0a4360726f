/* --output FILE, for every subcommand and format.
 *
 * A regular FILE (or a new one) is replaced atomically: standard output
 * goes to a temporary file beside it (the same directory, so the rename is
 * atomic, and always 0600: contacts are personal data), which becomes FILE
 * only once the command has written all of its output. A failed or killed
 * run never leaves half a FILE. A character device or a FIFO is written
 * through and left in place (a rename would turn it into a regular file);
 * a symbolic link is followed to its target. Nothing owned by another user
 * is replaced, nor a link another user planted: a usage error before
 * anything is sent. */
#ifndef PUBRIO_CLI_ATOMIC_FILE_H
#define PUBRIO_CLI_ATOMIC_FILE_H

#include "cli.h"

/* Run @p command with its standard output sent to o->output_file (when
 * set; else as it is). FILE is replaced when the command ends with
 * anything but a usage error or a failed write: a run that stopped early
 * has written every result it paid for. A usage error leaves FILE as it
 * was and removes the temporary; a failed write (CLI_OUTPUT, a full disk)
 * leaves FILE as it was and keeps the temporary, named on stderr, since it
 * holds paid results. */
int atomic_file_run(const cli_options *o, int (*command)(const cli_options *o));

#endif
