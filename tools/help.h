/* The help text: `pubrio --help`, `-h` and `pubrio help [COMMAND]` all
 * print it. */
#ifndef PUBRIO_CLI_HELP_H
#define PUBRIO_CLI_HELP_H

/* The help of @p command ("redeem", "query"), or all of it (NULL). */
void help_print(const char *command);

/* `pubrio help [COMMAND]` with its arguments after "help": the exit code. */
int help_command(int argc, char **argv);

#endif
