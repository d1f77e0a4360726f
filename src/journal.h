/* The resume journal of a bulk run: one JSON line per event, flushed and
 * fsync'ed before the next request, so a crash or Ctrl-C never loses an
 * accepted batch. Format (version 1):
 *   {"journal":"pubrio","version":1,"types":[...]}            header
 *   {"intent":N,"people":[...]}                                 about to submit
 *   {"batch":N,"redeem_query_id":"...","people":[...]}          accepted
 *   {"rejected":N}               refused with proof nothing was processed
 * An intent with neither of the last two was in flight when a run stopped:
 * the API may have charged for it, so its people are "uncertain".
 * A journal is one run's at a time: it is locked while open, created 0600,
 * and a file that does not start with our header is refused, never
 * touched. */
#ifndef PUBRIO_JOURNAL_H
#define PUBRIO_JOURNAL_H

#include "pubrio/pubrio.h"
#include "uuid_set.h"

#include <stddef.h>
#include <stdint.h>

typedef struct pri_journal_batch {
  int number;
  char redeem_query_id[PUBRIO_ID_LEN + 1];
  uint8_t (*people)[16];
  size_t count;
} pri_journal_batch;

typedef struct pri_journal pri_journal;

/* Open (creating, 0600), lock and load @p path for contact @p types.
 * PUBRIO_E_JOURNAL with a message saying why it cannot be used: another run
 * holds it, it is not a regular file or not ours, other types, a damaged
 * line (a torn last line is dropped and cut away). */
pubrio_status pri_journal_open(pri_journal **out, const char *path,
                               unsigned types, pubrio_error *err);
void pri_journal_close(pri_journal *journal);

/* What earlier runs left: accepted batches, in order, and the people of
 * intents that never got an answer. */
size_t pri_journal_batch_count(const pri_journal *journal);
const pri_journal_batch *pri_journal_batch_at(const pri_journal *journal,
                                              size_t index);
const pri_uuid_set *pri_journal_uncertain(const pri_journal *journal);
/* 1 when the file ended in a line torn by a crash, now dropped. */
int pri_journal_torn_line_dropped(const pri_journal *journal);
/* The number the next new batch takes. */
int pri_journal_next_number(const pri_journal *journal);

/* Append a line and push it to disk; 0, or -1 with errno set. */
int pri_journal_intent(pri_journal *journal, int number,
                       const uint8_t (*people)[16], size_t count);
int pri_journal_accepted(pri_journal *journal, int number,
                         const char *redeem_query_id,
                         const uint8_t (*people)[16], size_t count);
int pri_journal_rejected(pri_journal *journal, int number);

#endif
