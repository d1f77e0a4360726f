/* pubrio: redeem a file of people_search_ids against Pubrio's batch redeem
 * API, safely: everything is validated before a credit is spent. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The help, in parts: `pubrio --help` prints them all, `pubrio redeem
 * --help` and `pubrio query --help` their own. */
static const char synopsis_help[] =
    "usage: pubrio redeem --types LIST [options] [ID ... | --input FILE | -]\n"
    "       pubrio query REDEEM_QUERY_ID... [--input FILE | -] [--wait]\n"
    "       pubrio export --journal FILE [--format json|csv]\n"
    "       pubrio status --journal FILE\n"
    "       pubrio --version | --help\n"
    "\n";

static const char redeem_help[] =
    "redeem: unlock contacts for people (this spends credits)\n"
    "  --types LIST        required: comma list of email-personal,email-work,"
    "phone\n"
    "  --profile-id N      optional profile_id sent with each batch\n"
    "  --input FILE        read ids from FILE ('-': standard input), one per\n"
    "                      line; blank lines and # comments are ignored\n"
    "  --batch-size N      people per batch, 1..100 (default 100)\n"
    "  --parallel N        requests in flight at once, 1..64 (default 8:\n"
    "                      enough for 300 a minute at 1.5 s a request)\n"
    "  --max-credits N     never submit a batch that could push the charges\n"
    "                      past N: every batch that may still be charged\n"
    "                      counts at its worst case (every asked type found)\n"
    "                      until collected, and with --journal the charges of\n"
    "                      earlier runs on it count too; exit 7 when it stops\n"
    "                      the run\n"
    "  --dry-run           print the plan (people, duplicates, batches,\n"
    "                      requests, the shortest time the rate limit\n"
    "                      allows) and send nothing\n"
    "  --wait              collect the contacts: one JSON object per person\n"
    "  --max-wait SECONDS  give up waiting after this long (default 600)\n"
    "  --format json|csv   with --wait: JSON lines (default) or CSV rows\n"
    "                      people_search_id,type,value,status\n"
    "  --rate N            requests per minute, submits and polls together\n"
    "                      (default 300, Pubrio's limit)\n"
    "  --journal FILE      an SQLite database (created 0600, locked: one run\n"
    "                      at a time) holding every batch and every contact\n"
    "                      bought; a rerun never asks for a stored person\n"
    "                      again (it is printed from the journal, 0 credits),\n"
    "                      collects what earlier runs left and submits only\n"
    "                      the missing types of the rest\n"
    "  --refresh           buy again people the journal already holds\n"
    "  --resubmit-uncertain  resend people whose submit got no answer in an\n"
    "                      earlier run (may charge twice)\n"
    "\n"
    "Every id is checked before the first request: any invalid line exits 2,\n"
    "naming each bad line, and nothing is sent. Duplicates are dropped.\n"
    "Without --wait, one JSON object per batch is printed (batch, people,\n"
    "redeem_query_id, is_completed, estimated_time_ms).\n"
    "\n"
    "\n"
    "examples:\n"
    "  pubrio redeem --types email-work,phone --wait --input people.txt\n"
    "  pubrio redeem --types phone --wait --format csv - < people.txt\n"
    "  pubrio redeem --types email-work --wait --journal run.journal \\\n"
    "      --max-credits 5000 --input people.txt   # rerun to resume\n"
    "  pubrio redeem --types phone --dry-run --input people.txt\n"
    "\n";

static const char query_help[] =
    "query: print each batch's contacts if complete, else its state (ids as\n"
    "  arguments, or with --input as for redeem)\n"
    "  --wait, --max-wait, --format   as above\n"
    "\n"
    "examples:\n"
    "  pubrio query 00000000-0000-4000-8000-000000000001 --wait\n"
    "  pubrio query --input batches.txt --format csv --wait\n"
    "\n";

static const char journal_help[] =
    "export: write every person a journal holds, with the contacts bought\n"
    "  (JSON lines, or CSV rows with --format csv); no key, no request\n"
    "status: list a journal's runs (batches collected, accepted, uncertain,\n"
    "  refused; credits), what is left to collect; no key, no request;\n"
    "  exit 9 when batches are uncollected or uncertain\n"
    "\n"
    "examples:\n"
    "  pubrio export --journal run.journal --format csv > contacts.csv\n"
    "  pubrio status --journal run.journal\n"
    "\n";

static const char common_help[] =
    "common options:\n"
    "  --api-key KEY       API key (default: $PUBRIO_API_KEY); blanked in\n"
    "                      the process's arguments once read, but prefer the\n"
    "                      environment or --api-key-file\n"
    "  --api-key-file FILE read the key from FILE's first line ('-': standard\n"
    "                      input)\n"
    "  --base-url URL      API base URL (default: $PUBRIO_BASE_URL, else\n"
    "                      https://api.pubrio.com)\n"
    "  --timeout SECONDS   per-request timeout (default 60)\n"
    "  --retries N         retries after the first attempt (default 2); a\n"
    "                      submit is only retried when provably not processed\n"
    "  -v, --verbose       progress even off a terminal, and a request log\n"
    "                      (twice: with bodies); the key is always redacted\n"
    "  -q, --quiet         only results and errors\n"
    "\n";

static const char exit_help[] =
    "exit codes: 0 success; 2 usage or invalid input (nothing sent);\n"
    "  3 rejected by the API (400/401/402/403); 4 still rate limited after\n"
    "  retries; 5 server, transport, contract or journal failure; 6 --max-wait\n"
    "  reached; 7 --max-credits reached; 8 the output could not be written\n"
    "  (a closed pipe, a full disk: the run stopped as on Ctrl-C); 9 finished,\n"
    "  but people are left uncertain (maybe charged, not resent); 130\n"
    "  interrupted (the journal stays valid).\n"
    "Ctrl-C stops a run: nothing new starts and requests in flight finish\n"
    "(a submit's answer is kept); a second Ctrl-C cuts them. When a run\n"
    "stops early, every batch paid for and not collected is printed with\n"
    "the command that collects it.\n";

static void print_help(const char *command) {
  if (!command)
    fputs(synopsis_help, stdout);
  if (!command || strcmp(command, "redeem") == 0)
    fputs(redeem_help, stdout);
  if (!command || strcmp(command, "query") == 0)
    fputs(query_help, stdout);
  if (!command || strcmp(command, "export") == 0 ||
      strcmp(command, "status") == 0)
    fputs(journal_help, stdout);
  fputs(common_help, stdout);
  fputs(exit_help, stdout);
}

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
  OPT_KEY,
  OPT_KEY_FILE,
  OPT_URL,
  OPT_TIMEOUT,
  OPT_RETRIES,
  OPT_VERSION,
  OPT_HELP
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
    {"api-key", required_argument, NULL, OPT_KEY},
    {"api-key-file", required_argument, NULL, OPT_KEY_FILE},
    {"base-url", required_argument, NULL, OPT_URL},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0}};

/* Parse options after the subcommand; returns -1 to continue, else an exit
 * code. */
static int parse_options(int argc, char **argv, cli_options *o,
                         const char *command) {
  long long v;
  int c;
  opterr = 0; /* our own message, in our own format */
  while ((c = getopt_long(argc, argv, "vq", long_options, NULL)) != -1) {
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
      if (parse_number(optarg, 1, 100, &v) != 0)
        return usage_error("--batch-size \"%s\" must be 1..100", optarg);
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
      break;
    case OPT_RATE:
      if (parse_number(optarg, 1, 1000000, &v) != 0)
        return usage_error("--rate \"%s\" must be 1..1000000 per minute",
                           optarg);
      o->rate = (int)v;
      break;
    case OPT_JOURNAL: o->journal = optarg; break;
    case OPT_RESUBMIT: o->resubmit_uncertain = 1; break;
    case OPT_REFRESH: o->refresh = 1; break;
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
    case OPT_HELP: print_help(command); return CLI_OK;
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
  o.batch_size = 100;
  o.parallel = 8;
  o.max_wait_ms = 600000;
  o.rate = 300;
  o.retries = 2;
  const char *command = argc > 1 ? argv[1] : NULL;
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
  if (!is_redeem && !is_journal && strcmp(command, "query") != 0)
    return usage_error("unknown subcommand \"%s\"", command);
  int rc = parse_options(argc - 1, argv + 1, &o, command);
  op->api_key = o.api_key; /* wiped by main() whatever happens next */
  if (rc >= 0)
    return rc;
  if (is_journal) { /* no key, no request */
    if (optind + 1 < argc)
      return usage_error("unexpected argument \"%s\"", argv[optind + 1]);
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
  if (!is_redeem)
    return cli_query(&o);
  if (!o.types)
    return usage_error("%s", "--types is required (credits are spent per "
                             "contact type)");
  if (o.format == FORMAT_CSV && !o.wait)
    return usage_error("%s", "--format csv needs --wait (without it, batches "
                             "are printed as JSON)");
  return cli_redeem(&o);
}
