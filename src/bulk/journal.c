/* The public, read-only view of a bulk run's store: what was bought, for
 * `pubrio export` and `pubrio status`, without a key or a request. */
#include "alloc.h"
#include "error.h"
#include "growth.h"
#include "store.h"
#include "uuid.h"

#include <string.h>

typedef struct uncollected {
  char id[PUBRIO_ID_LEN + 1];
  size_t people;
} uncollected;

struct pubrio_journal {
  pri_store *store;
  pubrio_journal_run *runs;
  size_t run_count, run_cap;
  uncollected *open;
  size_t open_count, open_cap;
  size_t people, contacts;
  int has_oldest;
  int64_t oldest; /* when the oldest contact was collected */
  int started, ended;
  pubrio_query_result *person; /* the last one handed out */
};

static int keep_run(const pri_store_run *r, void *userdata) {
  pubrio_journal *j = userdata;
  if (pri_grow(&j->runs, &j->run_cap, j->run_count + 1, sizeof *j->runs) != 0)
    return -1;
  j->runs[j->run_count++] =
      (pubrio_journal_run){.id = r->id,
                           .started_at = r->started_at,
                           .types = r->types,
                           .batches_uncertain = r->batches[0],
                           .batches_accepted = r->batches[1],
                           .batches_refused = r->batches[2],
                           .batches_collected = r->batches[3],
                           .credits_charged = r->charged,
                           .singles_uncertain = r->singles[0],
                           .singles_answered = r->singles[1]};
  return 0;
}

static int keep_open(const pri_store_batch *b, void *userdata) {
  pubrio_journal *j = userdata;
  if (pri_grow(&j->open, &j->open_cap, j->open_count + 1, sizeof *j->open) != 0)
    return -1;
  memcpy(j->open[j->open_count].id, b->redeem_query_id, PUBRIO_ID_LEN + 1);
  j->open[j->open_count++].people = b->count;
  return 0;
}

pubrio_status pubrio_journal_open(pubrio_journal **out, const char *path,
                                  pubrio_error *err) {
  if (!out || !path || !*path)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "out or path is NULL or empty");
  *out = NULL;
  pubrio_journal *j = pri_calloc(1, sizeof *j);
  if (!j)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  pubrio_status st = pri_store_open(&j->store, path, 1, err);
  char *shown = pri_store_shown_path(path);
  if (st == PUBRIO_OK && !shown)
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  if (st == PUBRIO_OK &&
      (pri_store_each_run(j->store, keep_run, j) != 0 ||
       pri_store_each_accepted(j->store, keep_open, j) != 0 ||
       pri_store_counts(j->store, &j->people, &j->contacts) != 0 ||
       (j->has_oldest = pri_store_oldest_contact(j->store, &j->oldest)) < 0))
    st = pri_error_set(err, PUBRIO_E_JOURNAL,
                       "the journal %s cannot be "
                       "read: %s",
                       shown, pri_store_error(j->store));
  /* A missing file opens as an empty temporary store: say so instead. */
  if (st == PUBRIO_OK && !j->run_count && !j->people)
    st = pri_error_set(err, PUBRIO_E_JOURNAL, "the journal %s holds no run",
                       shown);
  pri_free(shown);
  if (st != PUBRIO_OK) {
    pubrio_journal_free(j);
    return st;
  }
  *out = j;
  return PUBRIO_OK;
}

void pubrio_journal_free(pubrio_journal *j) {
  if (!j)
    return;
  pri_store_close(j->store);
  pri_free(j->runs);
  pri_free(j->open);
  pubrio_query_result_free(j->person);
  pri_free(j);
}

int pubrio_journal_run_get(const pubrio_journal *j, size_t index,
                           pubrio_journal_run *out, size_t out_size) {
  if (!j || !out || index >= j->run_count)
    return 0;
  memcpy(out, &j->runs[index], out_size < sizeof *out ? out_size : sizeof *out);
  return 1;
}

void pubrio_journal_counts(const pubrio_journal *j, size_t *people,
                           size_t *contacts) {
  if (people)
    *people = j ? j->people : 0;
  if (contacts)
    *contacts = j ? j->contacts : 0;
}

pubrio_status pubrio_journal_next_person(pubrio_journal *j,
                                         const pubrio_person **out,
                                         pubrio_error *err) {
  if (!j || !out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "journal or out is NULL");
  *out = NULL;
  pubrio_query_result_free(j->person);
  j->person = NULL;
  if (j->ended)
    return PUBRIO_OK;
  uint8_t next[16];
  unsigned types = 0;
  int found = pri_store_next_bought(j->store, !j->started, next, &types);
  j->started = 1;
  if (found < 0) {
    j->ended = 1; /* the rest cannot be reached */
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal cannot be read: %s",
                         pri_store_error(j->store));
  }
  if (found == 2) /* the next call goes on after it */
    return pri_error_set(err, PUBRIO_E_JOURNAL, "the journal: %s",
                         pri_store_error(j->store));
  if (!found) {
    j->ended = 1;
    return PUBRIO_OK;
  }
  j->person = pri_store_read_person(j->store, next, types);
  if (!j->person) {
    const char *why = pri_store_error(j->store);
    char id[PUBRIO_ID_LEN + 1];
    pri_uuid_format(next, id);
    return pri_error_set(
        err,
        strcmp(why, "out of memory") == 0 ? PUBRIO_E_OUT_OF_MEMORY
                                          : PUBRIO_E_JOURNAL,
        "the journal: the contacts of %s cannot be read: %s", id, why);
  }
  *out = pubrio_query_result_person(j->person, 0);
  return PUBRIO_OK;
}

const char *pubrio_journal_uncollected(const pubrio_journal *j, size_t index,
                                       size_t *people_count) {
  if (!j || index >= j->open_count)
    return NULL;
  if (people_count)
    *people_count = j->open[index].people;
  return j->open[index].id;
}

int pubrio_journal_oldest_contact(const pubrio_journal *j,
                                  int64_t *collected_at) {
  if (!j || !j->has_oldest)
    return 0;
  if (collected_at)
    *collected_at = j->oldest;
  return 1;
}
