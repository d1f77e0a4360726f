/* `pubrio forget --journal FILE [--unforget] ITEM...`: forget people in a
 * journal (pubrio_journal_forget()), or let later runs buy them again.
 * No key, no request. */
#include "cli.h"
#include "help.h"

#include <stdio.h>
#include <string.h>

int cli_forget(int argc, char **argv) {
  const char *journal = NULL;
  int unforget = 0, first_item = -1;
  for (int i = 0; i < argc; i++) {
    if (first_item < 0 && strcmp(argv[i], "--journal") == 0 && i + 1 < argc) {
      journal = argv[++i];
    } else if (first_item < 0 && strncmp(argv[i], "--journal=", 10) == 0) {
      journal = argv[i] + 10;
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
  if (!journal || first_item < 0 || first_item >= argc) {
    fputs("pubrio: forget: usage: pubrio forget --journal FILE [--unforget] "
          "ITEM...\n",
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
