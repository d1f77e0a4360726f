/* What a bulk run did and bought, in one SQLite database: the only user of
 * libsqlite3. Every batch's intent is committed before its submit may
 * leave, its outcome before anything else happens, and a collected batch's
 * contacts in the same transaction that marks it collected, so what is
 * handed out has always been stored first. One run at a time holds the
 * database (SQLite's exclusive locking mode); a file that is not ours is
 * refused and left untouched. Without a path the store is a private
 * temporary database, so a run without a journal takes the same path.
 *
 * Schema (PRAGMA application_id 'PBRI', user_version 5; an older store is
 * brought up to 5 when opened to write, and a store whose schema is not
 * exactly its version's is refused):
 *   runs(id, started_at, types, profile_id, library, workspace, key_mark)
 *                                  workspace: POST /profile's profile_id for
 *                                  the run's key, when read; the first one
 *                                  known owns the journal. key_mark: the
 *                                  key's HMAC-SHA-256 under journal_key
 *   journal_key(key)               32 random bytes, made with the journal
 *   forgotten(mark, at)            a forgotten person's id, as its
 *                                  HMAC-SHA-256 under journal_key
 *   batches(number, run, types, profile_id, people, state, redeem_query_id,
 *           charged, updated_at, linkedin_url)  linkedin_url: a single
 *                                  redeem by URL, its person in
 *                                  batch_people once answered   state: intent |
 * accepted | refused | collected; an intent left as it is was in flight when
 * its run stopped: uncertain batch_people(batch, person)    16-byte ids
 *   people(person, bought, pending, uncertain)  contact-type bits: asked in
 *                                  a collected batch, in an accepted one, in
 *                                  an intent without an answer
 *   contacts(person, kind, type, value, status, batch, at)  kind 0 email,
 *                                  1 phone; type as the API sent it
 *   lookups(mark, state, person, confidence, at, charged)  a contact
 *                                  lookup key's HMAC-SHA-256 under
 *                                  journal_key, its pri_stored_lookup_state
 *                                  and the credits its answers charged */
#ifndef PUBRIO_STORE_H
#define PUBRIO_STORE_H

#include "pubrio/pubrio.h"
#include "result.h"

#include <stddef.h>
#include <stdint.h>

typedef struct pri_store pri_store;

/* Open @p path (NULL: a temporary store), creating it 0600 without
 * following a symlink; @p read_only opens an existing one without writing
 * (a missing file is then a temporary store). PUBRIO_E_JOURNAL with a
 * message saying why it cannot be used. */
pubrio_status pri_store_open(pri_store **out, const char *path, int read_only,
                             pubrio_error *err);
void pri_store_close(pri_store *store);

/* The workspace the journal's purchases belong to (the first run's that
 * knew it): 1 with it in @p workspace, 0 unknown, -1 on failure. */
int pri_store_workspace(pri_store *store, int64_t *workspace);
/* Record the workspace of the run begun last; 0 or -1. */
int pri_store_set_workspace(pri_store *store, int64_t workspace);
/* Record the mark of the run's @p api_key (a keyed hash, never the key);
 * 0 or -1. */
int pri_store_set_run_key(pri_store *store, const char *api_key);
/* The workspace a run with @p api_key recorded: 1 with it in
 * @p workspace, 0 when the key was never seen with one, -1 on failure. */
int pri_store_key_workspace(pri_store *store, const char *api_key,
                            int64_t *workspace);

/* Forget a person: their contacts, bought state and batch rows erased,
 * their mark kept so no later run buys them; 0 or -1. */
int pri_store_forget(pri_store *store, const uint8_t person[16]);
/* Remove a person's mark: 1 removed, 0 none was there, -1 on failure. */
int pri_store_unforget(pri_store *store, const uint8_t person[16]);
/* Forget the people a canonical LinkedIn @p url named and the URL itself
 * (its text erased, its mark kept); their number in *@p people. 0 or
 * -1. */
int pri_store_forget_url(pri_store *store, const char *url, size_t *people);
/* 1 when the canonical @p url was forgotten, 0 if not, -1 on failure. */
int pri_store_url_forgotten(pri_store *store, const char *url);
/* 1 when the person was forgotten, 0 if not, -1 on failure. */
int pri_store_is_forgotten(pri_store *store, const uint8_t person[16]);
/* The people with a contact of @p value (an email in any case, a phone by
 * its digits), in a new array (pri_free) of *@p count; 0 or -1. */
int pri_store_people_with_contact(pri_store *store, const char *value,
                                  uint8_t (**out)[16], size_t *count);
/* Retention: erase the contacts (and bought state) of every person with a
 * contact collected before @p before (seconds since the epoch), without a
 * mark; their number in *@p people. 0 or -1. */
int pri_store_forget_older(pri_store *store, int64_t before, size_t *people);
/* When the oldest contact stored was collected (seconds since the epoch):
 * 1, 0 with no contact, -1 on failure. */
int pri_store_oldest_contact(pri_store *store, int64_t *at);
/* Rewrite the database so nothing erased stays in its pages, free space
 * or WAL; 0 or -1. */
int pri_store_scrub(pri_store *store);

/* Record a new run; 0 or -1. */
int pri_store_begin_run(pri_store *store, unsigned types, int has_profile_id,
                        int64_t profile_id);

/* What earlier runs left. */
typedef struct pri_store_batch {
  int number;
  char redeem_query_id[PUBRIO_ID_LEN + 1];
  unsigned types;
  int has_profile_id;
  int64_t profile_id;
  uint8_t (*people)[16];
  size_t count;
} pri_store_batch;

/* Call @p fn for each accepted, uncollected batch (its memory lives during
 * the call); 0, or -1 (store failure or @p fn returned non-zero). */
int pri_store_each_accepted(pri_store *store,
                            int (*fn)(const pri_store_batch *, void *),
                            void *userdata);
/* Contact-type bits of a person: bought (collected), pending (accepted),
 * uncertain (an intent without an answer); 0 or -1. */
int pri_store_person_state(pri_store *store, const uint8_t person[16],
                           unsigned *bought, unsigned *pending,
                           unsigned *uncertain);
/* The lowest and highest batch numbers stored (1 and 0 when there is
 * none), as stored: the caller judges their range. 0, or -1 when they
 * cannot be read. */
int pri_store_number_range(pri_store *store, int64_t *lowest, int64_t *highest);
/* Totals over every run: credits charged by collected batches and lookup
 * answers, and the worst case of the batches left uncertain, at @p prices
 * (credits per contact, indexed by type bit: [0] email-personal,
 * [1] email-work, [2] phone), plus 1 a lookup asked without an answer.
 * -1 on failure. */
int64_t pri_store_charged(pri_store *store);
int64_t pri_store_uncertain_worst(pri_store *store, const int64_t prices[3]);

/* Durable transitions: 0, or -1 (nothing changed). */
/* A batch's @p people, or with @p linkedin_url a single redeem of the
 * person that URL names (@p people unused); @p worst is the most it can
 * cost. On a store several runs share, @p cap (>= 0) is the credit budget
 * they keep together: 2 when every run's charges and open worst cases plus
 * @p worst would pass it (nothing written). A store one run holds at a
 * time leaves the budget to its run. */
/* On a store several runs share, also: 1 when another run claimed one of
 * @p people for one of @p types since this run placed them (in a batch
 * still open, or collected since this run began: see pri_store_held()),
 * and 3 when another run took @p number; nothing written either way. */
enum {
  PRI_STORE_CLAIMED = 1,
  PRI_STORE_OVER_BUDGET = 2,
  PRI_STORE_NUMBER_TAKEN = 3
};
int pri_store_intent(pri_store *store, int number, unsigned types,
                     int has_profile_id, int64_t profile_id,
                     const uint8_t (*people)[16], size_t count,
                     const char *linkedin_url, int64_t worst, int64_t cap);
int pri_store_accepted(pri_store *store, int number, unsigned types,
                       const char *redeem_query_id);
int pri_store_refused(pri_store *store, int number, unsigned types);
/* Store the contacts of @p result for the batch's people (each once) and
 * mark it collected with @p charged credits, in one transaction. */
int pri_store_collected(pri_store *store, int number, unsigned types,
                        const uint8_t (*people)[16], size_t count,
                        const pubrio_query_result *result, int64_t charged);

/* A single redeem's answer: the @p person it named (NULL: nobody, not
 * found) bought for @p types with the contacts of @p result's one person,
 * and the batch collected with @p charged credits, in one transaction. */
int pri_store_single_answered(pri_store *store, int number, unsigned types,
                              const uint8_t *person,
                              const pubrio_query_result *result,
                              int64_t charged);
/* What the store knows of a LinkedIn URL (canonical): the latest single
 * redeem that was not refused. */
enum {
  PRI_URL_NEW,       /* never asked, or only refused */
  PRI_URL_NAMED,     /* answered: the person is in @p person */
  PRI_URL_NOT_FOUND, /* answered: nobody */
  PRI_URL_UNCERTAIN  /* asked without an answer: maybe charged */
};
/* One of PRI_URL_*, or -1 when the store fails. */
int pri_store_url_state(pri_store *store, const char *linkedin_url,
                        uint8_t person[16]);

/* A result holding one person: the stored contacts of the @p types asked
 * for. NULL when out of memory or the store fails. */
pubrio_query_result *pri_store_read_person(pri_store *store,
                                           const uint8_t person[16],
                                           unsigned types);

/* For export and status: what every run did (runs, then batches by state,
 * people, contacts, credits), and the people bought, one at a time. */
typedef struct pri_store_run {
  int64_t id, started_at;
  unsigned types;
  size_t batches[4]; /* intent (uncertain), accepted, refused, collected */
  int64_t charged;   /* batches and single redeems */
  size_t singles[2]; /* single redeems: intent (uncertain), answered */
} pri_store_run;
/* Call @p fn for each run, oldest first; 0 or -1. */
int pri_store_each_run(pri_store *store,
                       int (*fn)(const pri_store_run *, void *),
                       void *userdata);
/* People bought and contacts stored; 0 or -1. */
int pri_store_counts(pri_store *store, size_t *people, size_t *contacts);
/* The next person bought (@p first: the first), in id order, with the
 * types bought: 1; 2 for a damaged row (not an id, or nonsense types),
 * which pri_store_error() names and the next call steps over; 0 at the
 * end; -1 on failure. */
int pri_store_next_bought(pri_store *store, int first, uint8_t next[16],
                          unsigned *types);

/* The path as messages show it, in a new string (pri_free; NULL when out
 * of memory): a connection string's password
 * ("postgresql://user:secret@host/db") masked as ***, whatever the scheme;
 * NULL: "(temporary)". */
char *pri_store_shown_path(const char *path);

/* The store's last error, for messages. */
const char *pri_store_error(pri_store *store);

/* Contact lookups: what the journal knows of a lookup key (lookup.h's
 * pri_lookup_key(), kept as its keyed hash). */
typedef enum pri_stored_lookup_state {
  PRI_STORED_LOOKUP_NEW = 0,      /* never asked (or refused, nothing spent) */
  PRI_STORED_LOOKUP_ASKED = 1,    /* its request left without an answer */
  PRI_STORED_LOOKUP_FOUND = 2,    /* answered: person, confidence */
  PRI_STORED_LOOKUP_NOT_FOUND = 3 /* answered: nobody */
} pri_stored_lookup_state;

typedef struct pri_stored_lookup {
  const char *key;
  int state;          /* pri_stored_lookup_state */
  uint8_t person[16]; /* FOUND: whom */
  int confidence;     /* FOUND: a pubrio_lookup_confidence */
  int64_t charged;    /* FOUND, NOT_FOUND: credits its answer charged for it
                         (added to what the key was charged before) */
} pri_stored_lookup;

/* Record @p count keys' states in one transaction: ASKED before a request
 * leaves (its intent), FOUND or NOT_FOUND with its answer, NEW to drop a
 * key whose request was refused with nothing processed. 0 or -1 (also on
 * a store opened read only). */
int pri_store_lookups_record(pri_store *store, const pri_stored_lookup *rows,
                             size_t count);
/* What the store knows of @p key, in @p out (NEW when nothing, or the
 * store is read only or older than version 4); 0 or -1. A damaged row
 * reads as ASKED: never taken as an answer, never resent. */
int pri_store_lookup_state(pri_store *store, const char *key,
                           pri_stored_lookup *out);

/* One quota for every run on a store that several runs use at once (a
 * team's PostgreSQL journal): the windows every run paces against. */
typedef struct pri_store_window {
  int64_t limit;     /* starts at most... */
  int64_t window_ms; /* ...in any window this long */
} pri_store_window;
/* 1 when the store paces its runs together (pri_store_quota_take() means
 * something), 0 for a store one run holds at a time. */
int pri_store_shares_quota(pri_store *store);
/* The next request's start, taken in every window across every run on the
 * store (the store's clock): 0 taken (always, for a store that does not
 * share); 1 nothing taken, *@p wait_ms until it fits (or a pause ends);
 * -1 on failure. */
int pri_store_quota_take(pri_store *store, const pri_store_window *windows,
                         size_t count, int64_t *wait_ms);
/* A 429 met by one run holds every run's starts for @p ms; 0 or -1. */
int pri_store_quota_pause(pri_store *store, int64_t ms);
/* The contact types of @p person that other runs alive now hold in
 * batches still open (an intent or accepted): this run waits for them
 * instead of buying. Always none on a store one run holds. 0 or -1. */
int pri_store_held(pri_store *store, const uint8_t person[16], unsigned *types);

#endif
