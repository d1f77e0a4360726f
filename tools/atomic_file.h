/* --output FILE, for every subcommand and format: standard output goes to
 * a temporary file beside FILE (the same directory, so the rename is
 * atomic), which becomes FILE only once the command has written all of its
 * output. A failed or killed run never leaves half a FILE: FILE is absent
 * or its previous complete version. */
#ifndef PUBRIO_CLI_ATOMIC_FILE_H
#define PUBRIO_CLI_ATOMIC_FILE_H

#include "cli.h"

/* Run @p command with its standard output sent to o->output_file (when
 * set; else as it is). FILE is replaced when the command ends with
 * anything but a usage error: a run that stopped early has written every
 * result it paid for. A usage error or a failed write leaves FILE as it
 * was and removes the temporary. */
int atomic_file_run(const cli_options *o, int (*command)(const cli_options *o));

#endif
