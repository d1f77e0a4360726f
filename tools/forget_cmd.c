/* `pubrio forget --journal FILE [--unforget] ITEM...`: forget people in a
 * journal (pubrio_journal_forget()), or let later runs buy them again;
 * `--older-than DURATION`: erase contacts collected before then. No key,
 * no request. */
#include "cli.h"
#include "help.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "90d", "12h", "30m", "3600s", "2w": seconds, or -1. */
static int64_t duration_seconds(const char *text) {
  static const struct {
    char unit;
    int64_t seconds;
  } units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
  char *end = NULL;
  errno = 0;
  long long n = strtoll(text, &end, 10);
  if (errno || end == text || n < 0 || !end[0] || end[1] || text[0] == '-' ||
      text[0] == '+' || text[0] == ' ')
    return -1;
  for (size_t i = 0; i < sizeof units / sizeof *units; i++)
    if (*end == units[i].unit)
      return n <= INT64_MAX / units[i].seconds ? n * units[i].seconds : -1;
  return -1;
}

static int forget_older(const char *journal, const char *text) {
  int64_t seconds = duration_seconds(text);
  int64_t now = (int64_t)time(NULL);
  if (seconds < 0 || seconds > now) {
    fprintf(stderr,
            "pubrio: forget: --older-than takes a duration such as 90d, "
            "12h, 30m, 3600s or 2w, not \"%s\"\n",
            text);
    return CLI_USAGE;
  }
  size_t people = 0;
  pubrio_error err = {0};
  pubrio_status st =
      pubrio_journal_forget_older(journal, now - seconds, &people, &err);
  if (st != PUBRIO_OK) {
    cli_print_error("forget", st, &err);
    pubrio_error_clear(&err);
    return st == PUBRIO_E_INVALID_ARGUMENT ? CLI_USAGE : CLI_FAILED;
  }
  fprintf(stderr,
          "pubrio: the contacts of %zu %s collected more than %s ago were "
          "erased from the journal, its free pages and its WAL\n",
          people, people == 1 ? "person" : "people", text);
  return CLI_OK;
}

static const struct option forget_options[] = {
    {"journal", required_argument, NULL, 'j'},
    {"older-than", required_argument, NULL, 'o'},
    {"unforget", no_argument, NULL, 'u'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* @p argv[0] is "forget". Options come before the items ("+": the first
 * item ends them, as "--" does), each once. */
int cli_forget(int argc, char **argv) {
  const char *journal = NULL, *older = NULL;
  int unforget = 0, c;
  unsigned seen = 0;
  optind = 0; /* getopt's state starts afresh for this argv */
  opterr = 0; /* our own message, in our own format */
  while ((c = getopt_long(argc, argv, "+h", forget_options, NULL)) != -1) {
    size_t i = 0;
    while (forget_options[i].name && forget_options[i].val != c)
      i++;
    if (forget_options[i].name && (seen & (1u << i))) {
      fprintf(stderr, "pubrio: forget: --%s is given twice: give it once\n",
              forget_options[i].name);
      return CLI_USAGE;
    }
    seen |= 1u << i;
    switch (c) {
    case 'j': journal = optarg; break;
    case 'o': older = optarg; break;
    case 'u': unforget = 1; break;
    case 'h': help_print("forget"); return CLI_OK;
    default:
      fprintf(stderr,
              "pubrio: forget: unknown option or missing value \"%s\"\n",
              argv[optind - 1]);
      return CLI_USAGE;
    }
  }
  int first_item = optind < argc ? optind : -1;
  /* An option after the items is a slip, not an item (unless "--" said
   * so): --unforget there would otherwise forget instead. */
  for (int i = optind;
       first_item > 0 && i < argc && strcmp(argv[optind - 1], "--") != 0; i++)
    if (strncmp(argv[i], "--", 2) == 0) {
      fprintf(stderr,
              "pubrio: forget: \"%s\" comes after the items: options go "
              "first\n",
              argv[i]);
      return CLI_USAGE;
    }
  if (journal && older && !unforget && first_item < 0)
    return forget_older(journal, older);
  if (!journal || older || first_item < 0 || first_item >= argc) {
    fputs("pubrio: forget: usage: pubrio forget --journal FILE [--unforget] "
          "ITEM... | --older-than DURATION\n",
          stderr);
    return CLI_USAGE;
  }
  const char *const *items = (const char *const *)argv + first_item;
  size_t count = (size_t)(argc - first_item), people = 0, unmatched = 0;
  pubrio_error err = {0};
  pubrio_status st =
      unforget ? pubrio_journal_unforget(journal, items, count, &people, &err)
               : pubrio_journal_forget(journal, items, count, &people,
                                       &unmatched, &err);
  int rc = CLI_OK;
  if (st != PUBRIO_OK) {
    cli_print_error(unforget ? "unforget" : "forget", st, &err);
    rc = st == PUBRIO_E_INVALID_ARGUMENT ? CLI_USAGE : CLI_FAILED;
  } else if (unforget) {
    fprintf(stderr,
            "pubrio: %zu %s no longer forgotten: later runs may buy them "
            "again\n",
            people, people == 1 ? "person is" : "people are");
  } else {
    fprintf(stderr,
            "pubrio: %zu %s forgotten: contacts erased from the journal, "
            "its free pages and its WAL; later runs will not buy them\n",
            people, people == 1 ? "person" : "people");
    if (unmatched)
      fprintf(stderr, "pubrio: %zu %s matched nobody in the journal\n",
              unmatched, unmatched == 1 ? "item" : "items");
  }
  pubrio_error_clear(&err);
  return rc;
}
