/* The bulk engine's state, shared by bulk.c (options, the roster of people
 * and batches, counts), bulk_events.c (what is handed out) and
 * bulk_engine.c (the scheduler). */
#ifndef PUBRIO_BULK_H
#define PUBRIO_BULK_H

#include "call.h"
#include "client.h"
#include "pacer.h"
#include "redeem.h"
#include "store.h"
#include "uuid_set.h"
#include "wait_schedule.h"

struct pubrio_bulk_options {
  int batch_size;
  int max_in_flight;
  int requests_per_minute;
  pubrio_wait_options wait;
  int submit_only;
  char *journal_path;
  int resubmit_uncertain;
  int refresh;
  int64_t max_credits; /* -1: none */
  int has_profile_id;
  int64_t profile_id;
  int has_prices;
  int64_t prices[3]; /* credits a contact, by type bit: email-personal,
                        email-work, phone */
  int read_account;  /* read quotas, prices and balance before starting */
  size_t rate_count;
  int64_t rates[8][2]; /* extra windows: requests, window_ms */
};

/* A person's flags (need: the type bits this run still has to submit). */
enum {
  PERSON_IN_INPUT = 1,
  PERSON_NEED_SHIFT = 1, /* bits 1..3: the types this run submits */
  PERSON_NEED_MASK = 7 << 1,
  PERSON_HANDED = 1 << 4,         /* handed out */
  PERSON_UNCERTAIN = 1 << 5,      /* an earlier submit got no answer */
  PERSON_KNOWN = 1 << 6,          /* every asked type already bought */
  PERSON_PENDING = 1 << 7,        /* in an accepted batch not collected yet */
  PERSON_SUBMITS = 1 << 8,        /* this run submits it (for some types) */
  PERSON_LOOKED_UP = 1 << 9,      /* found by a lookup entry (bulk_lookups.c) */
  PERSON_LOOKUP_HANDED = 1 << 10, /* handed out for a lookup entry */
  PERSON_WAITING = 1 << 11 /* another live run holds it (bulk_claims.c) */
};

/* The contact-type bits a person's state says this run still submits. */
static inline unsigned pri_bulk_need(uint16_t person_state) {
  return (unsigned)(person_state & PERSON_NEED_MASK) >> PERSON_NEED_SHIFT;
}

typedef enum batch_state {
  BATCH_SUBMITTING, /* its submit is in flight or waiting to retry */
  BATCH_ACCEPTED,   /* to be polled at due_ms (never, submit-only) */
  BATCH_POLLING,    /* a poll in flight */
  BATCH_COLLECTED,  /* contacts stored */
  BATCH_REFUSED,    /* refused with proof nothing was processed */
  BATCH_UNCERTAIN,  /* its submit got no conclusive answer: maybe charged */
  BATCH_BROKEN      /* paid, but its answer broke the contract */
} batch_state;

/* A LinkedIn URL of the input, redeemed alone (POST /redeem/people):
 * what it is, and whom its answer named. */
typedef enum url_state {
  URL_TO_SEND,   /* its single redeem is to be sent */
  URL_SENDING,   /* in flight, or waiting to retry */
  URL_NAMED,     /* answered (now or by an earlier run): `person` */
  URL_NOT_FOUND, /* answered: nobody (no credit) */
  URL_UNCERTAIN, /* asked without an answer: maybe charged, not resent */
  URL_FAILED,    /* refused (nothing spent) and not sent again */
  URL_LEFT       /* named a person an earlier run's batch still holds */
} url_state;

typedef struct bulk_url {
  char *url;       /* canonical */
  unsigned need;   /* the types this run redeems it for */
  uint8_t state;   /* url_state */
  uint8_t known;   /* answered by an earlier run: handed out from the store */
  uint8_t handed;  /* its event went out */
  uint32_t person; /* URL_NAMED: whom, a position in bulk->people */
} bulk_url;

typedef struct bulk_batch {
  int number;
  size_t url; /* a single redeem: its index in bulk->urls; else SIZE_MAX */
  uint32_t *people; /* positions in bulk->people */
  size_t count;
  unsigned types;
  int has_profile_id;
  int64_t profile_id;
  batch_state state;
  char redeem_query_id[PUBRIO_ID_LEN + 1];
  int64_t due_ms;
  int polls, failed_polls;
  int64_t worst; /* the most it can cost, counted until collected */
  char (*uncertain_ids)[PUBRIO_ID_LEN + 1]; /* BATCH_UNCERTAIN: its people,
                                               for pubrio_bulk_uncertain() */
} bulk_batch;

/* An event pubrio_bulk_close() kept for pubrio_bulk_drained(), with the
 * result its person points into. */
typedef struct bulk_kept {
  pubrio_bulk_event event;
  pubrio_query_result *result;
} bulk_kept;

/* A request in flight (or waiting to retry), on its own transfer. */
typedef struct bulk_slot {
  pri_transfer *transfer;
  size_t batch; /* index in bulk->batches; SIZE_MAX when the slot is free */
  int submit;
  int running;
  int64_t retry_at;   /* > 0: waiting to try again then */
  int64_t expires_at; /* the attempt's timeout, in time the engine drove */
  int64_t sent_at;    /* the attempt's start, monotonic: its latency */
  pri_call call;
  pri_call_state st;
  char *body;
  pubrio_batch_job *job;
  pubrio_query_result *result;
  char asked[PUBRIO_ID_LEN + 1];
  pri_query_target target;
  pubrio_error err;
} bulk_slot;

/* An event waiting to be handed out: a collected batch hands out its
 * people one by one (from the store), then its BATCH_DONE. */
typedef struct bulk_item {
  pubrio_bulk_event_kind kind;
  size_t batch;
  pubrio_batch_job *job;          /* BATCH_ACCEPTED: owned */
  char (*ids)[PUBRIO_ID_LEN + 1]; /* BATCH_ACCEPTED: the batch's people */
  const char **id_ptrs;
  size_t next_person;
  pubrio_status status; /* BATCH_FAILED */
  char *message;
} bulk_item;

struct pubrio_bulk {
  pubrio_client *client;
  pubrio_bulk_options o;
  unsigned types;
  pri_store *store;
  /* The roster: every person and batch. */
  pri_uuid_set people; /* every person, in the order added */
  uint16_t *person_state;
  size_t state_cap;
  size_t duplicates, prior_pending, prior_uncertain, known, to_submit;
  size_t cursor[8]; /* per need mask: the next person a batch may take */
  /* LinkedIn URLs, in the order added, with an index by text; every one is
   * answered before a batch is submitted, since it may name one of the
   * batches' people. */
  bulk_url *urls;
  size_t url_count, url_cap;
  uint32_t *url_index; /* open addressing: position + 1, 0 = empty */
  size_t url_index_cap;
  size_t url_cursor;       /* no URL before it is to be sent */
  size_t url_known_cursor; /* the next URL answered earlier to hand out */
  size_t urls_to_send, urls_sending, urls_answered, urls_not_found;
  bulk_batch *batches;
  size_t batch_count, batch_cap;
  size_t prior_batches; /* the first batches, left by earlier runs */
  size_t first_open;    /* batches before it are settled */
  int64_t next_number;  /* past INT_MAX: the numbers are used up */
  /* The scheduler. */
  bulk_slot *slots;
  pri_pacer pacer;
  int64_t shared_hold_until; /* a store shared by runs: its quota's wait */
  size_t waiting;            /* people another live run holds */
  int64_t waiting_check_at;  /* when to look at them again */
  int started, prefer_submit;
  int64_t deadline, left_at;
  int stop_level; /* 1: drain (nothing new starts), 2: cut all */
  int no_more_submits;
  int adaptive; /* max_in_flight 0: slots for 64, pri_pacer_in_flight used */
  pubrio_status fatal; /* what stops the run (returned once drained) */
  pubrio_error fatal_err;
  pubrio_status problem; /* a batch-level failure, returned at the end */
  pubrio_error problem_err;
  /* What is handed out. */
  bulk_item *items; /* a queue */
  size_t item_head, item_count, item_cap;
  int retire_head;                 /* the head item's last event went out */
  size_t known_cursor;             /* the next known person to hand out */
  pubrio_query_result *person_out; /* the last PERSON event's */
  int ended;       /* FINISHED or the run's failure was returned: final */
  int closed;      /* pubrio_bulk_close() ran */
  bulk_kept *kept; /* what it kept */
  size_t kept_count, kept_cap;
  size_t kept_resolved; /* ...of which RESOLVED lookup entries */
  /* Counts. */
  size_t submitted_people, collected_people, accepted_batches,
      collected_batches, failed_batches, uncertain_people;
  long requests;
  int64_t store_charged_before, prior_uncertain_worst, worst_to_submit;
  int64_t credits_charged, open_worst; /* this run; every open batch */
  int has_credit;
  int64_t credit;
  int account_read;
  int has_balance; /* read from the account before the run */
  int64_t balance;
  int prices_given; /* by the caller, not the account */
  /* The key's workspace (POST /profile's profile_id) and the one the
   * journal's purchases belong to: a run never mixes two. */
  int has_workspace, has_journal_workspace;
  int64_t workspace, journal_workspace;
  size_t forgotten; /* people of the input forgotten in the journal */
  struct pri_bulk_lookups *lookups; /* contact lookups (bulk_lookups.c) */
};

/* Read the account's quotas (into the pacer), prices and balance, unless
 * turned off (bulk_account.c). */
void pri_bulk_read_account(pubrio_bulk *bulk);
/* The charges of earlier runs and this one, plus the worst case of every
 * batch that may still be charged: what the credit budget holds against. */
int64_t pri_bulk_committed_credits(const pubrio_bulk *bulk);
/* The most a batch of @p people asking @p types can cost. */
int64_t pri_bulk_worst_credits(const pubrio_bulk *bulk, unsigned types,
                               size_t people);
/* Saturating sum of credits. */
int64_t pri_bulk_add_credits(int64_t a, int64_t b);
/* Room for one more batch of up to @p count people; its index, or
 * SIZE_MAX when out of memory. */
size_t pri_bulk_new_batch(pubrio_bulk *bulk, int number, size_t count);
/* The person's 16-byte id. */
const uint8_t *pri_bulk_person_id(const pubrio_bulk *bulk, size_t pos);
/* The batch's people as 16-byte ids (pri_free it); NULL when out of
 * memory. */
uint8_t (*pri_bulk_batch_ids(const pubrio_bulk *bulk,
                             const bulk_batch *batch))[16];

/* Add @p uuid to the roster unless present: its position + 1, or 0 when
 * out of memory. */
size_t pri_bulk_add_person(pubrio_bulk *bulk, const uint8_t uuid[16]);

/* LinkedIn URLs (bulk_urls.c). The next URL to send, or SIZE_MAX. */
size_t pri_bulk_next_url(pubrio_bulk *bulk);
/* A URL whose single redeem was refused with nothing spent: sent again. */
void pri_bulk_requeue_url(pubrio_bulk *bulk, size_t url);
/* A URL's answer named the person at @p pos, bought for @p types: a
 * person of the input waiting for those types needs them no more. */
void pri_bulk_url_named(pubrio_bulk *bulk, size_t url, size_t pos,
                        unsigned types);
void pri_bulk_urls_free(pubrio_bulk *bulk);

/* Contact lookups (bulk_lookups.c). A slot whose request is a lookup
 * holds this instead of a batch index. */
#define PRI_BULK_LOOKUP (SIZE_MAX - 1)
typedef struct pri_bulk_lookups pri_bulk_lookups;
/* The run starts: the people the journal found join the roster (every id
 * is in by then); 0 or -1 (the store). */
int pri_bulk_lookups_begin(pubrio_bulk *bulk);
/* How many entries the next lookup request carries (0: none now); *busy
 * is set while one is in flight (nothing else is submitted then). */
size_t pri_bulk_lookup_next(pubrio_bulk *bulk, int *busy);
/* Prepare the next lookup in @p slot and record its keys as asked; 0, or
 * -1 when the journal cannot (nothing may be sent). */
int pri_bulk_lookup_start(pubrio_bulk *bulk, bulk_slot *slot);
/* The end of a lookup request: PUBRIO_OK, or the failure that stops
 * further lookups of the run (its message in slot->err). */
pubrio_status pri_bulk_lookup_settle(pubrio_bulk *bulk, bulk_slot *slot,
                                     pubrio_status status);
/* The next lookup entry's event (@p final: the found ones too, once all
 * else is done); 1 filled, 0 none, -1 the store failed. */
int pri_bulk_lookup_event(pubrio_bulk *bulk, pubrio_bulk_event *event,
                          int final);
void pri_bulk_lookups_free(pubrio_bulk *bulk);
/* The close: every lookup entry resolved to a person and not handed out is
 * kept as a RESOLVED event (after the kept people); 0, or -1 when out of
 * memory or the store fails (what was kept stays). */
int pri_bulk_lookups_keep_resolved(pubrio_bulk *bulk);
/* The lookup counts of @p stats (the `lookups*` fields and lookup_credits);
 * the requests the entries still to send need at least, added to
 * planned_requests, and the people they may find, to credits_worst_case. */
void pri_bulk_lookups_stats(const pubrio_bulk *bulk, pubrio_bulk_stats *stats);

/* People another run on a shared journal holds (bulk_claims.c): they wait
 * (a person, or a batch whose intent found them claimed), are looked at
 * again every PRI_BULK_CLAIM_CHECK_MS (1 when one stopped waiting, 0 none,
 * -1 when the store fails), and at a stop are named uncertain. */
#define PRI_BULK_CLAIM_CHECK_MS 1000
void pri_bulk_wait_for(pubrio_bulk *bulk, size_t pos);
void pri_bulk_wait_for_batch(pubrio_bulk *bulk, const bulk_batch *batch);
int pri_bulk_check_waiting(pubrio_bulk *bulk, int64_t now);
void pri_bulk_give_up_waiting(pubrio_bulk *bulk);

/* What a stopped or closed run leaves (bulk_leftover.c). Whether the batch
 * was paid for and not collected (named by pubrio_bulk_uncollected()). */
int pri_bulk_batch_uncollected(const bulk_batch *batch);
/* Release what pubrio_bulk_close() kept. */
void pri_bulk_kept_free(pubrio_bulk *bulk);

/* Events (bulk_events.c). */
bulk_item *pri_bulk_push_item(pubrio_bulk *bulk, pubrio_bulk_event_kind kind,
                              size_t batch);
/* The next event to hand out, if any; 1 when @p event was filled. */
int pri_bulk_pop_event(pubrio_bulk *bulk, pubrio_bulk_event *event);
/* Release the queue. */
void pri_bulk_events_free(pubrio_bulk *bulk);

#endif
