/* `pubrio forget --journal FILE [--unforget] ITEM...`: forget people in a
 * journal (pubrio_journal_forget()), or let later runs buy them again;
 * `--older-than DURATION`: erase contacts collected before then. No key,
 * no request. */
#include "cli.h"
#include "help.h"

#include <errno.h>
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

int cli_forget(int argc, char **argv) {
  const char *journal = NULL, *older = NULL;
  int unforget = 0, first_item = -1;
  for (int i = 0; i < argc; i++) {
    if (first_item < 0 && strcmp(argv[i], "--journal") == 0 && i + 1 < argc) {
      journal = argv[++i];
    } else if (first_item < 0 && strncmp(argv[i], "--journal=", 10) == 0) {
      journal = argv[i] + 10;
    } else if (first_item < 0 && strcmp(argv[i], "--older-than") == 0 &&
               i + 1 < argc) {
      older = argv[++i];
    } else if (first_item < 0 && strcmp(argv[i], "--unforget") == 0) {
      unforget = 1;
    } else if (first_item < 0 &&
               (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)) {
      help_print("forget");
      return CLI_OK;
    } else if (first_item < 0 && strcmp(argv[i], "--") == 0) {
      first_item = i + 1;
    } else if (first_item < 0 && argv[i][0] == '-' && argv[i][1] == '-') {
      fprintf(stderr, "pubrio: forget: unknown option \"%s\"\n", argv[i]);
      return CLI_USAGE;
    } else if (first_item < 0) {
      first_item = i;
    }
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
