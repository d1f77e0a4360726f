/* pubrio: redeem a file of people_search_ids against Pubrio's batch redeem
 * API, safely: everything is validated before a credit is spent. */
#include "atomic_file.h"
#include "cli.h"
#include "csv_cell.h"
#include "help.h"
#include "input.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A number's digits as a string literal, for messages. */
#define TEXT_OF_(x) #x
#define TEXT_OF(x) TEXT_OF_(x)

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "pubrio: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'pubrio --help' (or 'pubrio redeem --help').\n");
  return CLI_USAGE;
}

static int parse_number(const char *text, long long min, long long max,
                        long long *out) {
  char *end;
  errno = 0;
  long long v = strtoll(text, &end, 10);
  if (errno || end == text || *end || v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

/* --rate N (a minute) or N/DURATION, repeatable: 0, or -1 after saying
 * why. */
static int parse_rate(cli_options *o, const char *text) {
  int64_t requests = 0, window_ms = 0;
  pubrio_error err = {0};
  int rc = 0;
  if (pubrio_rate_parse(text, &requests, &window_ms, &err) != PUBRIO_OK) {
    fprintf(stderr, "pubrio: --rate: %s\n", err.message);
    rc = -1;
  } else if (window_ms == 60000 && requests <= 1000000) {
    o->rate = (int)requests;
  } else if (o->rate_count == 8) {
    fprintf(stderr, "pubrio: --rate: at most 8 windows\n");
    rc = -1;
  } else {
    o->rates[o->rate_count][0] = requests;
    o->rates[o->rate_count++][1] = window_ms;
  }
  pubrio_error_clear(&err);
  return rc;
}

/* --price email=N,phone=N (either or both). */
static int parse_prices(const char *list, cli_options *o) {
  char *copy = strdup(list), *save = NULL;
  int rc = copy ? 0 : -1, seen = 0;
  o->price_email = o->price_phone = 1;
  for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && rc == 0;
       t = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(t, '=');
    long long v;
    if (!eq || parse_number(eq + 1, 0, INT64_C(1) << 40, &v) != 0) {
      rc = -1;
      break;
    }
    *eq = '\0';
    if (strcmp(t, "email") == 0)
      o->price_email = v;
    else if (strcmp(t, "phone") == 0)
      o->price_phone = v;
    else
      rc = -1;
    seen++;
  }
  free(copy);
  o->has_prices = rc == 0 && seen;
  return o->has_prices ? 0 : -1;
}

static int parse_types(const char *list, unsigned *types) {
  char *copy = strdup(list);
  int rc = copy ? 0 : -1;
  char *save = NULL;
  for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && rc == 0;
       t = strtok_r(NULL, ",", &save)) {
    while (*t == ' ')
      t++;
    pubrio_contact_type type = pubrio_contact_type_from_str(t);
    if (type == PUBRIO_CONTACT_UNKNOWN)
      rc = -1;
    *types |= (unsigned)type;
  }
  free(copy);
  return rc == 0 && *types ? 0 : -1;
}

static void wipe_api_key(cli_options *o) {
  if (o->api_key)
    memset(o->api_key, 0, strlen(o->api_key));
  free(o->api_key);
  o->api_key = NULL;
}

static int set_api_key(cli_options *o, char *key) {
  wipe_api_key(o);
  o->api_key = key;
  return key ? 0 : -1;
}

/* The key from the first line of @p path ("-": standard input). */
static int read_key_file(cli_options *o, const char *path) {
  int from_stdin = strcmp(path, "-") == 0;
  FILE *f = from_stdin ? stdin : fopen(path, "r");
  if (!f) {
    fprintf(stderr, "pubrio: cannot read the key file %s: %s\n", path,
            strerror(errno));
    return -1;
  }
  char line[4096] = "";
  int ok = fgets(line, sizeof line, f) != NULL;
  if (!from_stdin)
    fclose(f);
  size_t len = strlen(line);
  while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
                 line[len - 1] == ' '))
    line[--len] = '\0';
  int rc = 0;
  if (!ok || !len) {
    fprintf(stderr, "pubrio: the key file %s is empty\n", path);
    rc = -1;
  } else if (set_api_key(o, strdup(line)) != 0) {
    rc = -1;
  }
  o->key_from_stdin = from_stdin;
  memset(line, 0, sizeof line);
  return rc;
}

enum {
  OPT_TYPES = 256,
  OPT_PROFILE,
  OPT_INPUT,
  OPT_BATCH,
  OPT_PARALLEL,
  OPT_MAX_CREDITS,
  OPT_DRY_RUN,
  OPT_WAIT,
  OPT_MAX_WAIT,
  OPT_FORMAT,
  OPT_RATE,
  OPT_JOURNAL,
  OPT_RESUBMIT,
  OPT_REFRESH,
  OPT_NO_ACCOUNT,
  OPT_PRICE,
  OPT_KEY,
  OPT_KEY_FILE,
  OPT_URL,
  OPT_TIMEOUT,
  OPT_RETRIES,
  OPT_VERSION,
  OPT_HELP,
  OPT_INPUT_FORMAT,
  OPT_ID_COLUMN,
  OPT_URL_COLUMN,
  OPT_DELIMITER,
  OPT_STRICT,
  OPT_OUTPUT,
  OPT_SIMILAR,
  OPT_COLUMN,
  OPT_CSV_RAW,
  OPT_INSECURE_HTTP
};

static const struct option long_options[] = {
    {"types", required_argument, NULL, OPT_TYPES},
    {"profile-id", required_argument, NULL, OPT_PROFILE},
    {"input", required_argument, NULL, OPT_INPUT},
    {"batch-size", required_argument, NULL, OPT_BATCH},
    {"parallel", required_argument, NULL, OPT_PARALLEL},
    {"max-credits", required_argument, NULL, OPT_MAX_CREDITS},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"wait", no_argument, NULL, OPT_WAIT},
    {"max-wait", required_argument, NULL, OPT_MAX_WAIT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"rate", required_argument, NULL, OPT_RATE},
    {"journal", required_argument, NULL, OPT_JOURNAL},
    {"resubmit-uncertain", no_argument, NULL, OPT_RESUBMIT},
    {"refresh", no_argument, NULL, OPT_REFRESH},
    {"no-account", no_argument, NULL, OPT_NO_ACCOUNT},
    {"price", required_argument, NULL, OPT_PRICE},
    {"api-key", required_argument, NULL, OPT_KEY},
    {"api-key-file", required_argument, NULL, OPT_KEY_FILE},
    {"base-url", required_argument, NULL, OPT_URL},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, OPT_HELP},
    {"input-format", required_argument, NULL, OPT_INPUT_FORMAT},
    {"id-column", required_argument, NULL, OPT_ID_COLUMN},
    {"url-column", required_argument, NULL, OPT_URL_COLUMN},
    {"delimiter", required_argument, NULL, OPT_DELIMITER},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"similar", no_argument, NULL, OPT_SIMILAR},
    {"column", required_argument, NULL, OPT_COLUMN},
    {"csv-raw", no_argument, NULL, OPT_CSV_RAW},
    {"allow-insecure-http", no_argument, NULL, OPT_INSECURE_HTTP},
    {NULL, 0, NULL, 0}};

/* Parse options after the subcommand; returns -1 to continue, else an exit
 * code. */
static int parse_options(int argc, char **argv, cli_options *o,
                         const char *command) {
  long long v;
  int c, index = -1;
  /* Each option once: a second --types would silently buy both. Only
   * --rate (one window each), --column (one column each) and -v (more
   * detail) repeat. */
  unsigned char seen[OPT_INSECURE_HTTP - OPT_TYPES + 3] = {0};
  opterr = 0; /* our own message, in our own format */
  while ((c = getopt_long(argc, argv, "vqh", long_options, &index)) != -1) {
    const char *name = index >= 0 ? long_options[index].name : NULL;
    index = -1;
    if (c != OPT_RATE && c != OPT_COLUMN && c != 'v' && c != '?' && c != ':') {
      size_t slot = c == 'q'   ? sizeof seen - 1
                    : c == 'h' ? sizeof seen - 2
                               : (size_t)(c - OPT_TYPES);
      if (slot < sizeof seen && seen[slot]++)
        return name ? usage_error("--%s is given twice: give it once", name)
                    : usage_error("-%s is given twice: give it once",
                                  c == 'q' ? "q" : "h");
    }
    if (optarg && !*optarg)
      return usage_error("--%s needs a value (an empty one was given)",
                         name ? name : "option");
    switch (c) {
    case OPT_TYPES:
      if (parse_types(optarg, &o->types) != 0)
        return usage_error("--types \"%s\": use a comma list of "
                           "email-personal,email-work,phone",
                           optarg);
      break;
    case OPT_PROFILE:
      if (parse_number(optarg, 0, INT64_MAX, &v) != 0)
        return usage_error("--profile-id \"%s\" is not an integer >= 0",
                           optarg);
      o->has_profile_id = 1;
      o->profile_id = v;
      break;
    case OPT_INPUT: o->input_file = optarg; break;
    case OPT_BATCH:
      if (parse_number(optarg, 1, PUBRIO_BATCH_SIZE_MAX, &v) != 0)
        return usage_error(
            "--batch-size \"%s\" must be 1.." TEXT_OF(PUBRIO_BATCH_SIZE_MAX),
            optarg);
      o->batch_size = (int)v;
      break;
    case OPT_PARALLEL:
      if (parse_number(optarg, 1, 64, &v) != 0)
        return usage_error("--parallel \"%s\" must be 1..64", optarg);
      o->parallel = (int)v;
      break;
    case OPT_MAX_CREDITS:
      if (parse_number(optarg, 0, INT64_MAX, &v) != 0)
        return usage_error("--max-credits \"%s\" is not an integer >= 0",
                           optarg);
      o->has_max_credits = 1;
      o->max_credits = v;
      break;
    case OPT_DRY_RUN: o->dry_run = 1; break;
    case OPT_WAIT: o->wait = 1; break;
    case OPT_MAX_WAIT:
      if (parse_number(optarg, 1, 7 * 86400, &v) != 0)
        return usage_error("--max-wait \"%s\" must be 1..604800 seconds",
                           optarg);
      o->max_wait_ms = v * 1000;
      break;
    case OPT_FORMAT:
      if (strcmp(optarg, "json") && strcmp(optarg, "jsonl") &&
          strcmp(optarg, "csv"))
        return usage_error("--format \"%s\": use json (jsonl) or csv", optarg);
      o->format = strcmp(optarg, "csv") == 0 ? FORMAT_CSV : FORMAT_JSON;
      o->format_given = 1;
      break;
    case OPT_RATE:
      if (parse_rate(o, optarg) != 0)
        return CLI_USAGE;
      break;
    case OPT_PRICE:
      if (parse_prices(optarg, o) != 0)
        return usage_error("--price \"%s\": use email=N,phone=N (credits a "
                           "contact found, N >= 0)",
                           optarg);
      break;
    case OPT_JOURNAL: o->journal = optarg; break;
    case OPT_RESUBMIT: o->resubmit_uncertain = 1; break;
    case OPT_REFRESH: o->refresh = 1; break;
    case OPT_NO_ACCOUNT: o->no_account = 1; break;
    case OPT_KEY:
      if (set_api_key(o, strdup(optarg)) != 0)
        return usage_error("%s", "out of memory");
      /* As curl does: other users can read /proc/PID/cmdline. */
      memset(optarg, ' ', strlen(optarg));
      break;
    case OPT_KEY_FILE:
      if (read_key_file(o, optarg) != 0)
        return CLI_USAGE;
      break;
    case OPT_URL: o->base_url = optarg; break;
    case OPT_TIMEOUT:
      if (parse_number(optarg, 1, 3600, &v) != 0)
        return usage_error("--timeout \"%s\" must be 1..3600 seconds", optarg);
      o->timeout_ms = v * 1000;
      break;
    case OPT_RETRIES:
      if (parse_number(optarg, 0, 20, &v) != 0)
        return usage_error("--retries \"%s\" must be 0..20", optarg);
      o->retries = (int)v;
      break;
    case 'v': o->verbose++; break;
    case 'q': o->quiet = 1; break;
    case OPT_VERSION:
      printf("pubrio %s (libpubrio %s)\n", PUBRIO_VERSION, pubrio_version());
      return CLI_OK;
    case 'h':
    case OPT_HELP: help_print(command); return CLI_OK;
    case OPT_INPUT_FORMAT:
      if (strcmp(optarg, "csv") && strcmp(optarg, "ids"))
        return usage_error("--input-format \"%s\": use csv or ids", optarg);
      o->input_format = strcmp(optarg, "csv") == 0 ? INPUT_CSV : INPUT_IDS;
      break;
    case OPT_ID_COLUMN: o->id_column = optarg; break;
    case OPT_URL_COLUMN: o->url_column = optarg; break;
    case OPT_DELIMITER:
      if (strcmp(optarg, "tab") == 0)
        optarg = "\t";
      if (strlen(optarg) != 1 || strchr("\"\r\n", optarg[0]))
        return usage_error("--delimiter \"%s\": one character (not a quote "
                           "or a line break), or tab",
                           optarg);
      o->delimiter = optarg[0];
      break;
    case OPT_STRICT: o->strict = 1; break;
    case OPT_OUTPUT: o->output_file = optarg; break;
    case OPT_SIMILAR: o->lookup_similar = 1; break;
    case OPT_COLUMN:
      if (o->lookup_column_count == 16)
        return usage_error("%s", "--column: at most 16");
      o->lookup_columns[o->lookup_column_count++] = optarg;
      break;
    case OPT_CSV_RAW:
      o->csv_raw = 1;
      csv_cell_set_raw(1);
      break;
    case OPT_INSECURE_HTTP: o->allow_insecure_http = 1; break;
    default: return usage_error("invalid option \"%s\"", argv[optind - 1]);
    }
  }
  return -1;
}

static int run(int argc, char **argv, cli_options *o);

int main(int argc, char **argv) {
  cli_options o = {0};
  int rc = run(argc, argv, &o);
  wipe_api_key(&o);
  return rc;
}

static int run(int argc, char **argv, cli_options *op) {
  cli_options o = *op;
  o.batch_size = PUBRIO_BATCH_SIZE_MAX;
  o.parallel = 0; /* adaptive */
  o.max_wait_ms = 600000;
  o.rate = 300;
  o.retries = 2;
  const char *command = argc > 1 ? argv[1] : NULL;
  if (command && strcmp(command, "help") == 0)
    return help_command(argc - 2, argv + 2);
  if (command && strcmp(command, "forget") == 0) /* no key, no request */
    return cli_forget(argc - 1, argv + 1);
  if (command && strcmp(command, "--list-options") == 0) {
    /* The parser's own table: what completions and help are checked
     * against (tests/cli). */
    for (const struct option *opt = long_options; opt->name; opt++)
      printf("--%s\n", opt->name);
    return CLI_OK;
  }
  if (!command || command[0] == '-') {
    /* Only --help and --version come before a subcommand. */
    int rc = parse_options(argc, argv, &o, NULL);
    op->api_key = o.api_key;
    return rc >= 0 ? rc
                   : usage_error("%s", "missing subcommand: redeem or query");
  }
  int is_redeem = strcmp(command, "redeem") == 0;
  int is_journal =
      strcmp(command, "export") == 0 || strcmp(command, "status") == 0;
  int is_lookup = strcmp(command, "lookup") == 0;
  if (!is_redeem && !is_journal && !is_lookup && strcmp(command, "query") != 0)
    return usage_error("unknown subcommand \"%s\"", command);
  int rc = parse_options(argc - 1, argv + 1, &o, command);
  op->api_key = o.api_key; /* wiped by main() whatever happens next */
  if (rc >= 0)
    return rc;
  if (is_lookup)
    return cli_lookup(argc - 1 - optind, argv + 1 + optind, &o);
  if (is_journal) { /* no key, no request */
    if (optind + 1 < argc) {
      /* Maybe a journal's URI given without --journal: never its
       * password. */
      char shown[1024];
      cli_shown_path(argv[optind + 1], shown, sizeof shown);
      return usage_error("unexpected argument \"%s\"", shown);
    }
    return command[0] == 'e' ? cli_export(&o) : cli_status(&o);
  }
  o.ids = argv + 1 + optind;
  o.id_count = argc - 1 - optind;

  cli_catch_signals();

  /* A lone "-" means standard input. */
  if (o.id_count >= 1 && strcmp(o.ids[o.id_count - 1], "-") == 0) {
    if (o.input_file || o.id_count > 1)
      return usage_error("%s", "give ids as arguments, with --input, or on "
                               "standard input (-): one of them");
    o.input_file = "-";
    o.id_count = 0;
  }
  if (o.input_file && strcmp(o.input_file, "-") == 0 && o.id_count)
    return usage_error("%s", "give ids as arguments or on standard input "
                             "(--input -), not both");
  if (o.key_from_stdin && o.input_file && strcmp(o.input_file, "-") == 0)
    return usage_error("%s", "standard input cannot hold both the key "
                             "(--api-key-file -) and the ids");
  if ((rc = input_check_options(&o, is_redeem)) >= 0)
    return rc;
  if (!is_redeem)
    return atomic_file_run(&o, cli_query);
  if (!o.types)
    return usage_error("%s", "--types is required (credits are spent per "
                             "contact type)");
  if (o.format == FORMAT_CSV && !o.wait)
    return usage_error("%s", "--format csv needs --wait (without it, batches "
                             "are printed as JSON)");
  return atomic_file_run(&o, cli_redeem);
}
