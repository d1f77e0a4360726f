/* The bulk engine's state, shared by bulk.c (options, people, counts) and
 * bulk_engine.c (the scheduling loop). */
#ifndef PUBRIO_BULK_H
#define PUBRIO_BULK_H

#include "call.h"
#include "client.h"
#include "journal.h"
#include "pacer.h"
#include "redeem.h"
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
  int64_t max_credits; /* -1: none */
  int has_profile_id;
  int64_t profile_id;
};

/* Where a person came from (low bits) and whether the input named it. */
enum {
  PERSON_NEW = 0,
  PERSON_JOURNALED = 1, /* in an accepted batch of an earlier run */
  PERSON_UNCERTAIN = 2, /* in an earlier intent that got no answer */
  PERSON_ORIGIN = 3,
  PERSON_IN_INPUT = 4
};

typedef enum batch_state {
  BATCH_SUBMITTING, /* its submit is in flight or waiting to retry */
  BATCH_ACCEPTED,   /* to be polled at due_ms */
  BATCH_POLLING,    /* a poll in flight */
  BATCH_DONE,       /* collected (or, submit-only, accepted) */
  BATCH_FAILED      /* its submit failed */
} batch_state;

typedef struct bulk_batch {
  int number;
  uint32_t *people; /* positions in bulk->people, ascending */
  size_t count;
  batch_state state;
  char redeem_query_id[PUBRIO_ID_LEN + 1];
  int64_t due_ms;
  int polls;
} bulk_batch;

/* A request in flight (or waiting to retry), on its own transfer. */
typedef struct bulk_slot {
  pri_transfer *transfer;
  size_t batch; /* index in bulk->batches; SIZE_MAX when the slot is free */
  int submit;
  int running;
  int64_t retry_at; /* > 0: waiting to try again then */
  pri_call call;
  pri_call_state st;
  char *body;
  pubrio_batch_job *job;
  pubrio_query_result *result;
  char asked[PUBRIO_ID_LEN + 1];
  pri_query_target target;
  pubrio_error err;
} bulk_slot;

/* An event waiting to be handed out; a collected batch hands out its
 * people one by one, then its BATCH_DONE. */
typedef struct bulk_item {
  pubrio_bulk_event_kind kind;
  size_t batch;
  pubrio_batch_job *job;       /* BATCH_ACCEPTED: owned */
  char (*ids)[PUBRIO_ID_LEN + 1]; /* BATCH_ACCEPTED: the batch's people */
  const char **id_ptrs;
  pubrio_query_result *result; /* a collected batch: owned */
  size_t next_person;
  size_t count;
} bulk_item;

struct pubrio_bulk {
  pubrio_client *client;
  pubrio_bulk_options o;
  unsigned types;
  int type_count;
  pri_uuid_set people; /* every person, in the order added */
  uint8_t *person_state;
  size_t state_cap;
  size_t duplicates, journaled, uncertain, to_submit;
  size_t cursor; /* the next person a new batch may take */
  bulk_batch *batches;
  size_t batch_count, batch_cap;
  size_t journal_batches; /* the first batches, left by an earlier run */
  size_t first_open;      /* batches before it are done or failed: loops
                             over open batches start here */
  int next_number;
  bulk_slot *slots;
  pri_pacer pacer;
  pri_journal *journal;
  int started;
  int64_t start_ms, deadline;
  bulk_item *items; /* events to hand out, a queue */
  size_t item_head, item_count, item_cap;
  int retire_head; /* the head item's last event went out */
  pubrio_status fatal; /* what stopped the run */
  pubrio_error fatal_err;
  size_t submitted_people, collected_people, accepted_batches,
      collected_batches;
  long requests;
  int64_t credits_charged;
  int has_credit;
  int64_t credit;
  int torn_line;
};

/* The worst a batch of @p people can cost: every type for every person. */
int64_t pri_bulk_worst_credits(const pubrio_bulk *bulk, size_t people);
/* Room for one more batch of up to @p count people; its index, or
 * SIZE_MAX when out of memory. */
size_t pri_bulk_new_batch(pubrio_bulk *bulk, int number, size_t count);
/* Release what an event holds. */
void pri_bulk_item_free(bulk_item *item);
/* Whether the person at @p pos is one this run submits. */
int pri_bulk_submits(const pubrio_bulk *bulk, size_t pos);

#endif
