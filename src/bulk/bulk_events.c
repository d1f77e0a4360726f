/* What a bulk run hands out: a queue of events, a collected batch's people
 * read back from the store (so what is handed out is what was stored, each
 * person once, only people of the input), and the people the store already
 * held. An event's memory lives until the next call, so the head of the
 * queue is only dropped then. */
#include "alloc.h"
#include "bulk.h"
#include "growth.h"

#include <string.h>

bulk_item *pri_bulk_push_item(pubrio_bulk *b, pubrio_bulk_event_kind kind,
                              size_t batch) {
  if (b->item_count == b->item_cap &&
      pri_grow_ring(&b->items, &b->item_cap, &b->item_head, sizeof *b->items) !=
          0)
    return NULL;
  bulk_item *item = &b->items[(b->item_head + b->item_count++) % b->item_cap];
  memset(item, 0, sizeof *item);
  item->kind = kind;
  item->batch = batch;
  return item;
}

static void item_free(bulk_item *item) {
  pubrio_batch_job_free(item->job);
  pri_free(item->ids);
  pri_free(item->id_ptrs);
  pri_free(item->message);
}

static void drop_head(pubrio_bulk *b) {
  item_free(&b->items[b->item_head]);
  b->item_head = (b->item_head + 1) % b->item_cap;
  b->item_count--;
}

void pri_bulk_events_free(pubrio_bulk *b) {
  while (b->item_count)
    drop_head(b);
  pri_free(b->items);
  b->items = NULL;
  pubrio_query_result_free(b->person_out);
  b->person_out = NULL;
}

/* A PERSON event for the person at @p pos, from the store; 0 when it
 * cannot be read (out of memory or a store failure: the run stops). A
 * person asked by @p url is handed out for that URL (and again for an id
 * of the input naming it). */
static int person_event(pubrio_bulk *b, size_t pos, bulk_url *url,
                        pubrio_bulk_event *ev) {
  pubrio_query_result_free(b->person_out);
  b->person_out =
      pri_store_read_person(b->store, pri_bulk_person_id(b, pos), b->types);
  if (!b->person_out)
    return 0;
  if (url) {
    url->handed = 1;
    ev->linkedin_url = url->url;
  } else {
    b->person_state[pos] |= PERSON_HANDED;
  }
  b->collected_people++;
  ev->kind = PUBRIO_BULK_PERSON;
  ev->person = pubrio_query_result_person(b->person_out, 0);
  return 1;
}

/* Whether a collected batch hands this person out: one of the input, not
 * yet handed out, and this batch is the one that answers for it (a person
 * this run submits again is handed out with this run's batch). */
static int hands_out(const pubrio_bulk *b, size_t batch, size_t pos) {
  uint16_t state = b->person_state[pos];
  return (state & PERSON_IN_INPUT) && !(state & PERSON_HANDED) &&
         (batch >= b->prior_batches || !(state & PERSON_SUBMITS));
}

/* The next URL an earlier run answered; 1 when found. */
static int next_known_url(pubrio_bulk *b, pubrio_bulk_event *ev) {
  while (b->url_known_cursor < b->url_count) {
    bulk_url *u = &b->urls[b->url_known_cursor++];
    if (!u->known || u->handed)
      continue;
    memset(ev, 0, sizeof *ev);
    ev->from_store = 1;
    if (u->state == URL_NOT_FOUND) {
      u->handed = 1;
      b->collected_people++;
      ev->kind = PUBRIO_BULK_NOT_FOUND;
      ev->linkedin_url = u->url;
      return 1;
    }
    if (person_event(b, u->person, u, ev))
      return 1;
    b->url_known_cursor--; /* try again next time */
    return -1;
  }
  return 0;
}

/* The next person the store already held for this run; 1 when found. */
static int next_known(pubrio_bulk *b, pubrio_bulk_event *ev) {
  while (b->known_cursor < b->people.count) {
    size_t pos = b->known_cursor++;
    uint16_t state = b->person_state[pos];
    if ((state & PERSON_KNOWN) && (state & PERSON_IN_INPUT) &&
        !(state & PERSON_HANDED)) {
      memset(ev, 0, sizeof *ev);
      ev->from_store = 1;
      if (person_event(b, pos, NULL, ev))
        return 1;
      b->known_cursor--; /* try again next time */
      return -1;
    }
  }
  return next_known_url(b, ev);
}

int pri_bulk_pop_event(pubrio_bulk *b, pubrio_bulk_event *ev) {
  if (b->retire_head) {
    drop_head(b);
    b->retire_head = 0;
  }
  while (b->item_count) {
    bulk_item *item = &b->items[b->item_head];
    bulk_batch *batch = &b->batches[item->batch];
    memset(ev, 0, sizeof *ev);
    ev->batch = batch->number;
    ev->redeem_query_id =
        batch->redeem_query_id[0] ? batch->redeem_query_id : NULL;
    ev->people_count = batch->count;
    bulk_url *url = batch->url != SIZE_MAX ? &b->urls[batch->url] : NULL;
    ev->linkedin_url = url ? url->url : NULL;
    if (item->kind == PUBRIO_BULK_BATCH_DONE) {
      while (item->next_person < batch->count) {
        size_t pos = batch->people[item->next_person++];
        if (!hands_out(b, item->batch, pos))
          continue;
        if (person_event(b, pos, NULL, ev))
          return 1;
        item->next_person--; /* the store failed: try again next time */
        return -1;
      }
    }
    if (item->kind == PUBRIO_BULK_PERSON) { /* a URL's answer */
      if (!person_event(b, batch->people[0], url, ev))
        return -1; /* the store failed: try again next time */
      b->retire_head = 1;
      return 1;
    }
    if (url && item->kind == PUBRIO_BULK_NOT_FOUND) {
      url->handed = 1;
      b->collected_people++;
    }
    ev->kind = item->kind;
    ev->job = item->job;
    ev->people = item->id_ptrs;
    ev->status = item->status;
    ev->message = item->message;
    b->retire_head = 1;
    return 1;
  }
  /* A close keeps what this run collected; what the store held before
   * stays there, for the next run on the journal. */
  int lookup = b->closed ? 0 : pri_bulk_lookup_event(b, ev, 0);
  if (lookup)
    return lookup;
  return b->closed ? 0 : next_known(b, ev);
}
