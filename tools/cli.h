/* Shared pieces of the `pubrio` command-line program. It uses only the
 * public libpubrio API. */
#ifndef PUBRIO_CLI_H
#define PUBRIO_CLI_H

#include <pubrio/pubrio.h>

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

enum cli_exit {
  CLI_OK = 0,
  CLI_USAGE = 2,        /* usage or invalid input: nothing was sent */
  CLI_REJECTED = 3,     /* 400, 401, 402, 403 */
  CLI_RATE_LIMITED = 4, /* still 429 after retries */
  CLI_FAILED = 5,       /* server or transport failure */
  CLI_DEADLINE = 6,     /* --wait deadline reached */
  CLI_BUDGET = 7,       /* --max-credits reached: people left unsubmitted */
  CLI_OUTPUT = 8,       /* the output could not be written (closed pipe,
                           full disk): the run stopped as on Ctrl-C */
  CLI_UNCERTAIN = 9,    /* finished, but people are left uncertain (their
                           submit got no answer: maybe charged, not resent) */
  CLI_QUOTA = 10,       /* a quota holds the next request past --max-wait:
                           said at once, nothing (more) sent */
  CLI_INTERRUPTED = 130
};

typedef enum { FORMAT_JSON, FORMAT_CSV } cli_format;
typedef enum { INPUT_AUTO, INPUT_IDS, INPUT_CSV } cli_input_format;

typedef struct cli_options {
  unsigned types;
  int has_profile_id;
  int64_t profile_id;
  const char *input_file; /* "-" for standard input */
  char **ids;             /* positional ids */
  int id_count;
  int batch_size;
  int parallel;
  int dry_run;
  int has_max_credits;
  int64_t max_credits;
  int wait;
  int64_t max_wait_ms;
  cli_format format;
  int format_given;    /* --format was given (pubrio lookup: CSV unless so) */
  int rate;            /* --rate N: requests a minute */
  int64_t rates[8][2]; /* --rate N/DURATION: requests, window_ms */
  int rate_count;
  int has_prices; /* --price email=N,phone=N */
  int64_t price_email, price_phone;
  const char *journal;
  int resubmit_uncertain;
  int refresh;
  int no_account; /* do not read quotas, prices and balance first */
  char *api_key;  /* our copy: argv's is blanked */
  int key_from_stdin;
  const char *base_url;
  int64_t timeout_ms;
  int retries;
  int verbose;
  int quiet;
  /* A CSV input (tools/input.c, tools/csv_rows.c) and --output FILE
   * (tools/atomic_file.c). */
  cli_input_format input_format;
  char delimiter; /* 0: ',' */
  const char *id_column;
  const char *url_column;
  int strict;
  const char *output_file;
  /* pubrio lookup (tools/lookup_cmd.c): --similar, --column FIELD=NAME. */
  int lookup_similar;
  const char *lookup_columns[16];
  int lookup_column_count;
  int csv_raw;             /* --csv-raw: no formula guard in CSV cells */
  int allow_insecure_http; /* --allow-insecure-http (unsafe) */
} cli_options;

/* Counts SIGINT/SIGTERM (the first drains a run, the second cuts it). */
extern volatile sig_atomic_t cli_interrupted;

/* Catch SIGINT and SIGTERM: set cli_interrupted and cancel the client made
 * by cli_make_client(), so a transfer or sleep in the library ends at once. */
void cli_catch_signals(void);

int64_t cli_now_ms(void);

/* The exit code for a failed call's status. */
int cli_exit_code(pubrio_status status);
/* One line on stderr: status, HTTP status, code, request id, message, and
 * whether a submit may have been charged. Server text is escaped. */
void cli_print_error(const char *context, pubrio_status status,
                     const pubrio_error *err);

/* A client configured from the options; NULL after printing why. Signals
 * cancel it until cli_free_client(). */
pubrio_client *cli_make_client(const cli_options *options);
/* Whether a key was given (option, file or environment). */
int cli_has_key(const cli_options *options);
void cli_free_client(pubrio_client *client);

int cli_redeem(const cli_options *options);
int cli_query(const cli_options *options);
/* What a journal holds, without a key or a request. */
int cli_export(const cli_options *options);
/* A journal's name as messages show it: a connection URI's password
 * masked as *** (tools/journal_cmd.c). */
void cli_shown_path(const char *path, char *out, size_t size);
int cli_status(const cli_options *options);
/* `pubrio lookup [FILE]`: the arguments after the options. */
int cli_lookup(int argc, char **argv, const cli_options *options);
/* `pubrio forget` (tools/forget_cmd.c): its own arguments after the
 * command name. */
int cli_forget(int argc, char **argv);

#endif
