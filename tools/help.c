#include "help.h"

#include "cli.h"

#include <stdio.h>
#include <string.h>

/* The help, in parts: `pubrio --help` prints them all, `pubrio redeem
 * --help` (or `pubrio help redeem`) and `pubrio query --help` their own. */
static const char synopsis_help[] =
    "usage: pubrio redeem --types LIST [options] [ID ... | --input FILE | -]\n"
    "       pubrio query REDEEM_QUERY_ID... [--input FILE | -] [--wait]\n"
    "       pubrio lookup [options] (FILE.csv | --input FILE | -)\n"
    "       pubrio export --journal FILE [--format json|csv]\n"
    "       pubrio status --journal FILE\n"
    "       pubrio forget --journal FILE [--unforget] ITEM... | --older-than "
    "D\n"
    "       pubrio help [redeem | query | lookup | export | status | forget]\n"
    "       pubrio --version | --help | -h\n"
    "\n";

static const char redeem_help[] =
    "redeem: unlock contacts for people (this spends credits)\n"
    "  --types LIST        required: comma list of email-personal,email-work,"
    "phone\n"
    "  --profile-id N      optional profile_id sent with each batch\n"
    "  --input FILE        read people from FILE ('-': standard input): one\n"
    "                      id a line (blank lines and # comments ignored),\n"
    "                      or a CSV file (a name ending in .csv, or\n"
    "                      --input-format csv)\n"
    "  --input-format ids|csv  how to read --input (default: csv for a .csv\n"
    "                      name, else ids)\n"
    "  --id-column NAME    the CSV column of people_search_ids (default: the\n"
    "                      header people_search_id, any case)\n"
    "  --url-column NAME   the CSV column of LinkedIn profile URLs (default:\n"
    "                      the header linkedin_url or linkedin, any case)\n"
    "  --column FIELD=NAME a CSV column to look rows without an id or URL\n"
    "                      up by (email, phone, first_name, last_name, name,\n"
    "                      company, domain; found by usual names otherwise)\n"
    "  --similar           also look up rows with only a name and a company\n"
    "                      or domain (a similarity match can name the wrong\n"
    "                      person)\n"
    "  --delimiter C       the CSV delimiter: one character, or tab (default\n"
    "                      ','; ';' for European spreadsheets)\n"
    "  --strict            refuse a CSV file with any row that cannot be\n"
    "                      redeemed (exit 2, nothing sent); by default such\n"
    "                      rows are named on stderr and kept in the output\n"
    "  --batch-size N      people per batch, 1..100 (default 100)\n"
    "  --parallel N        requests in flight at once, 1..64 (default: as\n"
    "                      many as the rate left and the latency call for)\n"
    "  --max-credits N     never submit a batch that could push the charges\n"
    "                      past N: every batch that may still be charged\n"
    "                      counts at its worst case (every asked type found)\n"
    "                      until collected, and with --journal the charges of\n"
    "                      earlier runs on it count too; exit 7 when it stops\n"
    "                      the run\n"
    "  --dry-run           print the plan (people, duplicates, batches,\n"
    "                      requests, the shortest time the rate limit\n"
    "                      allows) and send nothing; needs no API key\n"
    "  --wait              collect the contacts: one JSON object per person\n"
    "  --max-wait SECONDS  give up waiting after this long (default 600)\n"
    "  --format json|csv   with --wait: JSON lines (default) or CSV rows\n"
    "                      people_search_id,type,value,status; with a CSV\n"
    "                      input, the input's rows (see below)\n"
    "  --rate N            requests per minute, submits and polls together\n"
    "                      (default 300, Pubrio's limit)\n"
    "  --rate N/DURATION   also at most N requests in each DURATION (ms, s,\n"
    "                      min, h, day, month; 2400/h, 15/10s); repeatable\n"
    "  --price email=N,phone=N  credits a contact found, for the budget and\n"
    "                      the plan when the account's prices are not read\n"
    "  --no-account        do not read the account (quotas, prices, balance:\n"
    "                      free) before the first submit\n"
    "  --journal FILE      an SQLite file (created 0600) or a postgresql://\n"
    "                      URI, one run at a time, holding every batch and\n"
    "                      every contact bought; a rerun never asks for a\n"
    "                      stored person again (it is printed from the\n"
    "                      journal, 0 credits), collects what earlier runs\n"
    "                      left and submits only the missing types of the "
    "rest\n"
    "  --refresh           buy again people the journal already holds\n"
    "  --resubmit-uncertain  resend people whose submit got no answer in an\n"
    "                      earlier run (may charge twice)\n"
    "\n"
    "Every id is checked before the first request: any invalid line exits 2,\n"
    "naming each bad line, and nothing is sent. Duplicates are dropped.\n"
    "Without --wait, one JSON object per batch is printed (batch, people,\n"
    "redeem_query_id, is_completed, estimated_time_ms).\n"
    "\n";

/* In two parts: C11 compilers need only take strings of 4095 bytes. */
static const char redeem_csv_help[] =
    "A CSV input (RFC 4180, with a header row) names each person by a\n"
    "people_search_id or a LinkedIn profile URL; a row is redeemed by its id\n"
    "when it is valid, else by its URL (normalized, then redeemed one by one,\n"
    "before any batch, under the same limits, budget and journal; an id "
    "naming\n"
    "the same person is not bought again). An id file may hold URL lines too.\n"
    "With --wait --format csv, every input row\n"
    "is written in input order, its fields untouched, with email_work,\n"
    "email_work_status, email_personal, email_personal_status, phone,\n"
    "phone_status and pubrio_result (found, not found, error: REASON,\n"
    "invalid: REASON) appended.\n"
    "\n"
    "examples:\n"
    "  pubrio redeem --types email-work,phone --wait --input people.txt\n"
    "  pubrio redeem --types phone --wait --format csv - < people.txt\n"
    "  pubrio redeem --types email-work,phone --wait --format csv \\\n"
    "      --input leads.csv --output leads-enriched.csv\n"
    "  pubrio redeem --types phone --wait --format csv --delimiter ';' \\\n"
    "      --id-column 'Pubrio ID' --input-format csv - < export.txt\n"
    "  pubrio redeem --types email-work --wait --journal run.journal \\\n"
    "      --max-credits 5000 --input people.txt   # rerun to resume\n"
    "  pubrio redeem --types phone --dry-run --input people.txt\n"
    "\n";

static const char query_help[] =
    "query: print each batch's contacts if complete, else its state (ids as\n"
    "  arguments, or with --input as for redeem)\n"
    "  --wait              wait for each batch and print its contacts\n"
    "  --max-wait SECONDS  give up waiting after this long (default 600)\n"
    "  --format json|csv   JSON lines (default) or CSV rows\n"
    "  --input FILE        batch ids, one a line ('-': standard input); the\n"
    "                      ids file an early stop of redeem wrote\n"
    "\n"
    "examples:\n"
    "  pubrio query 00000000-0000-4000-8000-000000000001 --wait\n"
    "  pubrio query --input batches.txt --format csv --wait\n"
    "\n";

static const char lookup_help[] =
    "lookup: resolve a CSV of people (emails, phones, or names with a company\n"
    "  or domain) to people_search_ids, buying no contacts; each lookup that\n"
    "  matches costs 1 credit (misses and duplicates are free), is sent once\n"
    "  and never resent after an answer that was lost\n"
    "  columns are found by their usual names, any case, spaces, underscores\n"
    "  or hyphens: email (work email, e-mail, email address), phone (mobile,\n"
    "  phone number), first name, last name, full name or name (split at the\n"
    "  last space, or \"Last, First\"), company (company name, organization),\n"
    "  domain (website: reduced to its domain), people_search_id\n"
    "  --column FIELD=NAME  name a column (FIELD: email, phone, first_name,\n"
    "                      last_name, name, company, domain,\n"
    "                      people_search_id); repeatable\n"
    "  --similar           also look up rows with only a name and a company\n"
    "                      or domain (a similarity match can name the wrong\n"
    "                      person); without it they are kept, saying why\n"
    "  --batch-size N      entries per request, 1..100 (default 100); a 400\n"
    "                      naming the size is answered by smaller requests\n"
    "  --profile-id N      optional profile_id sent with each request\n"
    "  --delimiter C       the CSV delimiter (default ',')\n"
    "  --dry-run           print the lookups, their worst case in credits and\n"
    "                      the requests; send nothing, need no API key\n"
    "  the output: the same rows in the same order, people_search_id filled\n"
    "  in (or appended) and a lookup_result column: exact, similarity_domain,\n"
    "  similarity_company, not found, or why the row was not looked up\n"
    "  --format json       JSON lines instead: one object a row, the same\n"
    "                      fields named by the header (people_search_id null\n"
    "                      when appended and not found)\n"
    "\n"
    "examples:\n"
    "  pubrio lookup leads.csv --output resolved.csv\n"
    "  pubrio lookup --input crm.csv --similar --column email=\"Mail 1\"\n"
    "\n";

static const char journal_help[] =
    "export: write every person a journal holds, with the contacts bought\n"
    "  (JSON lines, or CSV rows with --format csv); no key, no request\n"
    "status: list a journal's runs (batches collected, accepted, uncertain,\n"
    "  refused; credits) and what is left to collect; no key, no request;\n"
    "  exit 9 when batches are uncollected or uncertain\n"
    "\n"
    "examples:\n"
    "  pubrio export --journal run.journal --format csv > contacts.csv\n"
    "  pubrio status --journal run.journal\n"
    "\n";

static const char forget_help[] =
    "forget: forget people in a journal (no key, no request)\n"
    "  ITEM...             people_search_ids, LinkedIn URLs, emails or phone\n"
    "                      numbers: their\n"
    "                      contacts are erased from the journal, its free\n"
    "                      pages and its WAL, and only a keyed one-way mark\n"
    "                      of each id is kept, so later runs on the journal\n"
    "                      never buy them again (--refresh included)\n"
    "  --unforget          by people_search_id: let later runs buy them\n"
    "  --older-than DURATION  retention: erase the contacts of everyone with\n"
    "                      a contact collected longer ago than DURATION\n"
    "                      (90d, 12h, 30m, 3600s, 2w); no mark is kept, so\n"
    "                      a later run may buy them again. `pubrio status`\n"
    "                      shows the oldest contact's age\n"
    "\n";

static const char common_help[] =
    "common options:\n"
    "  --output FILE       write the results to FILE, atomically: a temporary\n"
    "                      file beside it (always 0600) renamed over FILE at\n"
    "                      the end, so a failed or killed run never leaves\n"
    "                      half a FILE; a device or FIFO is written through;\n"
    "                      a file or link of another user is refused\n"
    "  --csv-raw           CSV cells exactly as answered: without it, a value\n"
    "                      starting with = + - @ (but a +digits phone) or a\n"
    "                      tab or CR gets a ' in front, so a spreadsheet\n"
    "                      never runs it as a formula\n"
    "  --api-key KEY       API key (default: $PUBRIO_API_KEY); blanked in\n"
    "                      the process's arguments once read, but prefer the\n"
    "                      environment or --api-key-file\n"
    "  --api-key-file FILE read the key from FILE's first line ('-': standard\n"
    "                      input)\n"
    "  --base-url URL      API base URL (default: $PUBRIO_BASE_URL, else\n"
    "                      https://api.pubrio.com); plain http only to\n"
    "                      loopback (127.0.0.0/8, ::1, localhost)\n"
    "  --allow-insecure-http  UNSAFE: allow a plain http base URL to any\n"
    "                      host (the key and contacts travel in clear); so\n"
    "                      does PUBRIO_ALLOW_INSECURE_HTTP=1\n"
    "  --timeout SECONDS   per-request timeout (default 60)\n"
    "  --retries N         retries after the first attempt (default 2); a\n"
    "                      submit is only retried when provably not processed\n"
    "  -v, --verbose       progress even off a terminal, and a request log\n"
    "                      (twice: with bodies); the key is always redacted\n"
    "  -q, --quiet         only results and errors\n"
    "  -h, --help          this help\n"
    "  --version           the version\n"
    "\n"
    "The progress line is drawn on a terminal only; NO_COLOR set: without\n"
    "terminal escape sequences.\n"
    "\n";

static const char exit_help[] =
    "exit codes: 0 success; 2 usage or invalid input (nothing sent);\n"
    "  3 rejected by the API (400/401/402/403); 4 still rate limited after\n"
    "  retries; 5 server, transport, contract or journal failure; 6 "
    "--max-wait\n"
    "  reached; 7 --max-credits reached; 8 the output could not be written\n"
    "  (a closed pipe, a full disk: the run stopped as on Ctrl-C); 9 "
    "finished,\n"
    "  but people are left uncertain (maybe charged, not resent); 10 a quota\n"
    "  holds the next request past --max-wait (said at once, nothing sent);\n"
    "  130 interrupted (the journal stays valid).\n"
    "Ctrl-C stops a run: nothing new starts and requests in flight finish\n"
    "(a submit's answer is kept); a second Ctrl-C cuts them. When a run\n"
    "stops early, every batch paid for and not delivered is written to an\n"
    "ids file, and one command collects them all: pubrio query --wait\n"
    "--input FILE.\n";

void help_print(const char *command) {
  if (!command)
    fputs(synopsis_help, stdout);
  if (!command || strcmp(command, "redeem") == 0) {
    fputs(redeem_help, stdout);
    fputs(redeem_csv_help, stdout);
  }
  if (!command || strcmp(command, "query") == 0)
    fputs(query_help, stdout);
  if (!command || strcmp(command, "lookup") == 0)
    fputs(lookup_help, stdout);
  if (!command || strcmp(command, "export") == 0 ||
      strcmp(command, "status") == 0)
    fputs(journal_help, stdout);
  if (!command || strcmp(command, "forget") == 0)
    fputs(forget_help, stdout);
  fputs(common_help, stdout);
  fputs(exit_help, stdout);
}

int help_command(int argc, char **argv) {
  static const char *const commands[] = {"redeem", "query",  "lookup",
                                         "export", "status", "forget"};
  int known = 0;
  for (size_t i = 0; argc == 1 && i < sizeof commands / sizeof *commands; i++)
    known |= strcmp(argv[0], commands[i]) == 0;
  if (argc > 1 || (argc == 1 && !known)) {
    fputs("pubrio: help: name one command: redeem, query, lookup, export, "
          "status or forget\n",
          stderr);
    return CLI_USAGE;
  }
  help_print(argc ? argv[0] : NULL);
  return CLI_OK;
}
