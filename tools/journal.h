/* The resume journal: one JSON line per event, flushed and fsync'ed before
 * the next request, so a crash or Ctrl-C never loses an accepted batch.
 *   {"journal":"pubrio","version":1,"types":[...]}            header
 *   {"intent":N,"people":[...]}                                 about to submit
 *   {"batch":N,"redeem_query_id":"...","people":[...]}          accepted
 *   {"rejected":N}                       the API refused it: nothing spent
 * An intent with neither of the last two was in flight during a crash: the
 * server may have spent credits on it, so its people are "uncertain". */
#ifndef PUBRIO_CLI_JOURNAL_H
#define PUBRIO_CLI_JOURNAL_H

#include "ids.h"

#include <stdio.h>

typedef struct journal_batch {
  int number;
  char redeem_query_id[PUBRIO_ID_LEN + 1];
  id_list people;
} journal_batch;

typedef struct journal {
  FILE *file;
  journal_batch *batches; /* accepted, in order */
  size_t count;
  size_t batches_cap;
  id_list submitted; /* sorted: people of accepted batches */
  id_list uncertain; /* sorted: intents with no acceptance (crash mid-send) */
  int next_number;
} journal;

/* Open or create @p path and load what it holds. Returns CLI_OK, or
 * CLI_USAGE after printing why (unreadable, other contact types...). */
int journal_open(journal *j, const char *path, unsigned types);
/* Append and sync; 0, or -1 after printing why. */
int journal_intent(journal *j, int number, cli_id *people, size_t n);
int journal_rejected(journal *j, int number);
int journal_accepted(journal *j, int number, const char *redeem_query_id,
                     cli_id *people, size_t n);
void journal_close(journal *j);

#endif
