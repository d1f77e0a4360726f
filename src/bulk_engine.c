/* The bulk engine's loop, on the caller's thread: start what is due within
 * the in-flight limit and the rate budget (due polls first, then submits),
 * drive the transfers, turn answers into events. Submits go through the same
 * attempt decisions as a single call (call.c): never sent twice, retried
 * only when provably unprocessed. */
#include "bulk.h"
#include "alloc.h"

#include "buf.h"
#include "error.h"
#include "json.h"
#include "log.h"
#include "request.h"
#include "uuid.h"

#include <stdlib.h>
#include <string.h>

/* ---- events ------------------------------------------------------------ */

static bulk_item *push_item(pubrio_bulk *b, pubrio_bulk_event_kind kind,
                            size_t batch) {
  if (b->item_count == b->item_cap) {
    size_t cap = b->item_cap ? b->item_cap * 2 : 16;
    bulk_item *grown = pri_malloc(cap * sizeof *grown);
    if (!grown)
      return NULL;
    for (size_t i = 0; i < b->item_count; i++)
      grown[i] = b->items[(b->item_head + i) % b->item_cap];
    pri_free(b->items);
    b->items = grown;
    b->item_cap = cap;
    b->item_head = 0;
  }
  bulk_item *item = &b->items[(b->item_head + b->item_count++) % b->item_cap];
  memset(item, 0, sizeof *item);
  item->kind = kind;
  item->batch = batch;
  return item;
}

static void drop_head(pubrio_bulk *b) {
  bulk_item *item = &b->items[b->item_head];
  pri_bulk_item_free(item);
  b->item_head = (b->item_head + 1) % b->item_cap;
  b->item_count--;
}

/* Whether @p person is one of @p batch's people (answers are untrusted). */
static int in_batch(const pubrio_bulk *b, const bulk_batch *batch,
                    const pubrio_person *person) {
  uint8_t uuid[16];
  if (pri_uuid_parse(person->people_search_id, uuid) != 0)
    return 0;
  size_t pos = pri_uuid_set_index(&b->people, uuid);
  for (size_t i = 0; pos && i < batch->count; i++)
    if (batch->people[i] == pos - 1)
      return 1;
  return 0;
}

/* The next event from the queue; 0 when it is empty. A collected batch
 * yields its people, then BATCH_DONE; an event's memory lives until the
 * next call, so the head is only dropped then. */
static int pop_event(pubrio_bulk *b, pubrio_bulk_event *ev) {
  if (b->retire_head) {
    drop_head(b);
    b->retire_head = 0;
  }
  while (b->item_count) {
    bulk_item *item = &b->items[b->item_head];
    bulk_batch *batch = &b->batches[item->batch];
    memset(ev, 0, sizeof *ev);
    ev->batch = batch->number;
    ev->redeem_query_id = batch->redeem_query_id;
    ev->people_count = item->kind == PUBRIO_BULK_STRANGERS ? item->count
                                                           : batch->count;
    if (item->result) {
      const pubrio_query_result *res = item->result;
      while (item->next_person < res->people_count) {
        const pubrio_person *p =
            pubrio_query_result_person(res, item->next_person++);
        if (!in_batch(b, batch, p))
          continue;
        ev->kind = PUBRIO_BULK_PERSON;
        ev->person = p;
        b->collected_people++;
        return 1;
      }
      ev->kind = PUBRIO_BULK_BATCH_DONE;
    } else {
      ev->kind = item->kind;
      ev->job = item->job;
      ev->people = item->id_ptrs;
    }
    b->retire_head = 1;
    return 1;
  }
  return 0;
}

/* ---- stopping ---------------------------------------------------------- */

/* The first failure stops the run: nothing new starts, what is in flight
 * finishes (a cancel or the deadline cuts it), then the failure is
 * returned on every call. */
static void stop(pubrio_bulk *b, pubrio_status status, pubrio_error *src) {
  if (b->fatal != PUBRIO_OK)
    return;
  b->fatal = status;
  if (src)
    pri_error_copy_all(&b->fatal_err, src, status);
  else
    pri_error_set(&b->fatal_err, status, "%s", pubrio_status_str(status));
}

static pubrio_status stop_with(pubrio_bulk *b, pubrio_status status,
                               const char *message) {
  pubrio_error e = {0};
  pri_error_set(&e, status, "%s", message);
  stop(b, status, &e);
  pubrio_error_clear(&e);
  return status;
}

static pubrio_status report_stop(pubrio_bulk *b, pubrio_error *err) {
  if (err)
    pri_error_copy_all(err, &b->fatal_err, b->fatal);
  return b->fatal;
}

/* ---- starting requests ------------------------------------------------- */

static bulk_slot *free_slot(pubrio_bulk *b) {
  for (int i = 0; i < b->o.max_in_flight; i++)
    if (b->slots[i].batch == SIZE_MAX)
      return &b->slots[i];
  return NULL;
}

static void release(pubrio_bulk *b, bulk_slot *s) {
  pri_call_end(b->client, &s->call, &s->st, PUBRIO_OK, NULL);
  pri_free(s->body);
  s->body = NULL;
  pubrio_batch_job_free(s->job);
  s->job = NULL;
  pubrio_query_result_free(s->result);
  s->result = NULL;
  pubrio_error_clear(&s->err);
  s->batch = SIZE_MAX;
  s->running = 0;
  s->retry_at = 0;
}

/* One attempt of the slot's call on its transfer. */
static void attempt(pubrio_bulk *b, bulk_slot *s) {
  pubrio_status st =
      pri_call_prepare_attempt(b->client, &s->call, &s->st, &s->err);
  if (st == PUBRIO_OK &&
      pri_transfer_start(s->transfer, &s->st.request, &s->st.resp) != 0)
    st = pri_error_set(&s->err, PUBRIO_E_OUT_OF_MEMORY,
                       "the transfer could not start");
  if (st != PUBRIO_OK) {
    int deadline = s->st.deadline_reached;
    pubrio_status ended =
        pri_call_end(b->client, &s->call, &s->st, st, &s->err);
    memset(&s->st, 0, sizeof s->st); /* ended above */
    stop(b, deadline ? PUBRIO_E_WAIT_TIMEOUT : ended, &s->err);
    bulk_batch *bb = &b->batches[s->batch];
    if (!s->submit) {
      bb->state = BATCH_ACCEPTED; /* still to collect: reported as such */
    } else {
      bb->state = BATCH_FAILED;
      /* This attempt never left: unless an earlier one may have been
       * processed, the intent on disk is settled as nothing spent. */
      if (b->journal && s->err.submit_state == PUBRIO_SUBMIT_NOT_SPENT)
        pri_journal_rejected(b->journal, bb->number);
    }
    release(b, s);
    return;
  }
  pri_pacer_record(&b->pacer, pri_clock_now(&b->client->clock));
  b->requests++;
  s->running = 1;
  s->retry_at = 0;
}

static void begin(pubrio_bulk *b, bulk_slot *s, size_t batch, int submit) {
  s->batch = batch;
  s->submit = submit;
  s->call.deadline = b->o.submit_only ? INT64_MAX : b->deadline;
  if (pri_call_begin(b->client, &s->call, &s->st) != 0) {
    stop_with(b, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    release(b, s);
    return;
  }
  attempt(b, s);
}

static void start_poll(pubrio_bulk *b, bulk_slot *s, size_t batch) {
  bulk_batch *bb = &b->batches[batch];
  memcpy(s->asked, bb->redeem_query_id, PUBRIO_ID_LEN + 1);
  for (char *c = s->asked; *c; c++)
    *c = (char)(*c >= 'A' && *c <= 'F' ? *c - 'A' + 'a' : *c);
  s->target = (pri_query_target){.asked = s->asked, .out = &s->result};
  s->body = pri_json_query_body(s->asked);
  if (!s->body) {
    stop_with(b, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    return;
  }
  s->call = (pri_call){.path = "/redeem/people/batch/query",
                       .body = s->body,
                       .idempotent = 1,
                       .compressed = 1,
                       .parse = pri_parse_query_answer,
                       .out = &s->target};
  bb->state = BATCH_POLLING;
  begin(b, s, batch, 0);
}

/* Batches finish roughly in order: skip the finished ones at the front. */
static size_t first_open(pubrio_bulk *b) {
  while (b->first_open < b->batch_count &&
         (b->batches[b->first_open].state == BATCH_DONE ||
          b->batches[b->first_open].state == BATCH_FAILED))
    b->first_open++;
  return b->first_open;
}

/* The charges seen plus the most every batch not yet collected may cost. */
static int64_t committed_credits(pubrio_bulk *b) {
  int64_t worst = 0;
  for (size_t i = first_open(b); i < b->batch_count; i++) {
    const bulk_batch *bb = &b->batches[i];
    if (bb->state == BATCH_SUBMITTING || bb->state == BATCH_ACCEPTED ||
        bb->state == BATCH_POLLING)
      worst += pri_bulk_worst_credits(b, bb->count);
  }
  return b->credits_charged + worst;
}

/* People for the next batch, from the cursor; 0 when none are left. */
static size_t next_people(pubrio_bulk *b, uint32_t *out) {
  size_t n = 0;
  while (n < (size_t)b->o.batch_size && b->cursor < b->people.count) {
    if (pri_bulk_submits(b, b->cursor))
      out[n++] = (uint32_t)b->cursor;
    b->cursor++;
  }
  return n;
}

/* The batch's people as 16-byte ids, as the journal records them
 * (pri_free it); NULL when out of memory. */
static uint8_t (*batch_ids(const pubrio_bulk *b, const bulk_batch *bb))[16] {
  uint8_t(*ids)[16] = pri_malloc(bb->count * sizeof *ids);
  for (size_t i = 0; ids && i < bb->count; i++)
    memcpy(ids[i], b->people.items[bb->people[i]], 16);
  return ids;
}

/* A pubrio_batch_request of the batch's people, as a single submit sends. */
static char *submit_body(pubrio_bulk *b, const bulk_batch *bb) {
  pubrio_batch_request req = {.contact_types = b->types,
                              .has_profile_id = b->o.has_profile_id,
                              .profile_id = b->o.profile_id};
  int ok = pri_uuid_set_reserve(&req.people, bb->count) == 0;
  for (size_t i = 0; ok && i < bb->count; i++)
    ok = pri_uuid_set_add(&req.people, b->people.items[bb->people[i]]) >= 0;
  char *body = ok ? pri_json_submit_body(&req) : NULL;
  pri_uuid_set_free(&req.people);
  return body;
}

/* Whether people are left to submit (the cursor skips the rest). */
static int people_left(pubrio_bulk *b) {
  while (b->cursor < b->people.count && !pri_bulk_submits(b, b->cursor))
    b->cursor++;
  return b->cursor < b->people.count;
}

/* Whether the next batch may be submitted now as far as people and the
 * credit budget go. */
static int submit_allowed(pubrio_bulk *b) {
  if (!people_left(b))
    return 0;
  if (b->o.max_credits < 0)
    return 1;
  uint32_t probe[100];
  size_t saved = b->cursor, n = next_people(b, probe);
  b->cursor = saved;
  return committed_credits(b) + pri_bulk_worst_credits(b, n) <=
         b->o.max_credits;
}

/* Start the next submit; 0 when none may start (none left, or the credit
 * budget does not allow it yet). */
static int start_submit(pubrio_bulk *b, bulk_slot *s) {
  size_t per = (size_t)b->o.batch_size;
  if (!submit_allowed(b))
    return 0;
  size_t at = pri_bulk_new_batch(b, b->next_number, per);
  if (at == SIZE_MAX) {
    stop_with(b, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    return 0;
  }
  bulk_batch *bb = &b->batches[at];
  bb->count = next_people(b, bb->people);
  if (!bb->count) {
    pri_free(bb->people);
    b->batch_count--;
    return 0;
  }
  b->next_number++;
  bb->state = BATCH_SUBMITTING;
  s->body = submit_body(b, bb);
  if (!s->body) {
    stop_with(b, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    bb->state = BATCH_FAILED;
    return 0;
  }
  /* The intent is on disk before the request can leave. */
  if (b->journal) {
    uint8_t(*ids)[16] = batch_ids(b, bb);
    int failed = !ids || pri_journal_intent(b->journal, bb->number,
                                            (const uint8_t(*)[16])ids,
                                            bb->count) != 0;
    pri_free(ids);
    if (failed) {
      bb->state = BATCH_FAILED;
      pri_free(s->body);
      s->body = NULL;
      stop_with(b, PUBRIO_E_JOURNAL,
                "the journal could not record the next batch's intent; "
                "nothing more is sent");
      return 0;
    }
  }
  s->call = (pri_call){.path = "/redeem/people/batch",
                       .body = s->body,
                       .idempotent = 0,
                       .parse = pri_parse_submit_answer,
                       .out = &s->job};
  begin(b, s, at, 1);
  return 1;
}

static size_t earliest_due_poll(pubrio_bulk *b, int64_t now) {
  size_t best = SIZE_MAX;
  for (size_t i = first_open(b); i < b->batch_count; i++) {
    const bulk_batch *bb = &b->batches[i];
    if (bb->state == BATCH_ACCEPTED && bb->due_ms <= now &&
        (best == SIZE_MAX || bb->due_ms < b->batches[best].due_ms))
      best = i;
  }
  return best;
}

/* Start what is due, within the in-flight limit and the rate budget: retries
 * and due polls first (they free batches), then submits. */
static void start_due(pubrio_bulk *b, int64_t now) {
  for (int i = 0; i < b->o.max_in_flight && b->fatal == PUBRIO_OK; i++) {
    bulk_slot *s = &b->slots[i];
    if (s->batch != SIZE_MAX && !s->running && s->retry_at <= now &&
        pri_pacer_wait_ms(&b->pacer, now) == 0)
      attempt(b, s);
  }
  bulk_slot *s;
  while (b->fatal == PUBRIO_OK && (s = free_slot(b)) &&
         pri_pacer_wait_ms(&b->pacer, now) == 0) {
    size_t due = b->o.submit_only ? SIZE_MAX : earliest_due_poll(b, now);
    if (due != SIZE_MAX)
      start_poll(b, s, due);
    else if (!start_submit(b, s))
      return;
  }
}

/* ---- answers ----------------------------------------------------------- */

static void accepted(pubrio_bulk *b, bulk_slot *s, int64_t now) {
  bulk_batch *bb = &b->batches[s->batch];
  memcpy(bb->redeem_query_id, s->job->redeem_query_id, PUBRIO_ID_LEN + 1);
  bb->state = b->o.submit_only ? BATCH_DONE : BATCH_ACCEPTED;
  bb->due_ms = now + pri_wait_first_delay(&b->o.wait,
                                          s->job->estimated_time_ms, now,
                                          b->deadline);
  b->submitted_people += bb->count;
  b->accepted_batches++;
  if (b->journal) {
    uint8_t(*ids)[16] = batch_ids(b, bb);
    int failed = !ids || pri_journal_accepted(b->journal, bb->number,
                                              bb->redeem_query_id,
                                              (const uint8_t(*)[16])ids,
                                              bb->count) != 0;
    pri_free(ids);
    if (failed) /* the batch is known: it is reported as uncollected */
      stop_with(b, PUBRIO_E_JOURNAL,
                "the journal could not record an accepted batch");
  }
  bulk_item *item = push_item(b, PUBRIO_BULK_BATCH_ACCEPTED, s->batch);
  if (item) {
    item->job = s->job; /* handed out with the event */
    s->job = NULL;
    /* Its people as text, for the event (NULL when out of memory). */
    item->ids = pri_malloc(bb->count * sizeof *item->ids);
    item->id_ptrs = pri_malloc(bb->count * sizeof *item->id_ptrs);
    for (size_t i = 0; item->ids && item->id_ptrs && i < bb->count; i++) {
      pri_uuid_format(b->people.items[bb->people[i]], item->ids[i]);
      item->id_ptrs[i] = item->ids[i];
    }
    if (!item->ids || !item->id_ptrs) {
      pri_free(item->ids);
      pri_free(item->id_ptrs);
      item->ids = NULL;
      item->id_ptrs = NULL;
    }
  }
}

static void collected(pubrio_bulk *b, bulk_slot *s, int64_t now) {
  bulk_batch *bb = &b->batches[s->batch];
  pubrio_query_result *res = s->result;
  if (res->has_credit) {
    b->has_credit = 1;
    b->credit = res->credit;
  }
  if (!res->query->is_completed) {
    bb->polls++;
    int64_t delay = pri_wait_next_delay(&b->o.wait, bb->polls,
                                        pri_clock_random(&b->client->clock),
                                        now, b->deadline);
    bb->state = BATCH_ACCEPTED;
    bb->due_ms = delay < 0 ? b->deadline : now + delay;
    return;
  }
  if (res->has_total_charged_credit)
    b->credits_charged += res->total_charged_credit;
  size_t strangers = 0;
  for (size_t i = 0; i < res->people_count; i++)
    strangers += !in_batch(b, bb, pubrio_query_result_person(res, i));
  bulk_item *item;
  if (strangers && (item = push_item(b, PUBRIO_BULK_STRANGERS, s->batch)))
    item->count = strangers;
  if ((item = push_item(b, PUBRIO_BULK_BATCH_DONE, s->batch))) {
    item->result = res;
    s->result = NULL;
  }
  bb->state = BATCH_DONE;
  b->collected_batches++;
}

static bulk_slot *slot_of(pubrio_bulk *b, pri_transfer *x) {
  for (int i = 0; i < b->o.max_in_flight; i++)
    if (b->slots[i].transfer == x)
      return &b->slots[i];
  return NULL;
}

static void answered(pubrio_bulk *b, bulk_slot *s) {
  int64_t now = pri_clock_now(&b->client->clock);
  int64_t delay = 0;
  s->running = 0;
  bulk_batch *bb = &b->batches[s->batch];
  switch (pri_call_judge(b->client, &s->call, &s->st, &delay, &s->err)) {
  case PRI_VERDICT_DONE:
    if (s->submit)
      accepted(b, s, now);
    else
      collected(b, s, now);
    release(b, s);
    return;
  case PRI_VERDICT_RETRY:
    s->retry_at = now + delay;
    if (s->retry_at <= now)
      s->retry_at = now; /* at once, budget allowing */
    return;
  case PRI_VERDICT_FAILED: break;
  }
  int deadline = s->st.deadline_reached;
  pubrio_status st =
      pri_call_end(b->client, &s->call, &s->st, s->st.status, &s->err);
  memset(&s->st, 0, sizeof s->st); /* ended above */
  if (deadline)
    st = PUBRIO_E_WAIT_TIMEOUT;
  if (s->submit) {
    bb->state = BATCH_FAILED;
    if (b->journal && s->err.submit_state == PUBRIO_SUBMIT_NOT_SPENT)
      pri_journal_rejected(b->journal, bb->number);
  } else {
    bb->state = BATCH_ACCEPTED; /* still to collect: reported as such */
  }
  stop(b, st, &s->err);
  release(b, s);
}

/* ---- the loop ---------------------------------------------------------- */

static int any_running(const pubrio_bulk *b) {
  for (int i = 0; i < b->o.max_in_flight; i++)
    if (b->slots[i].batch != SIZE_MAX)
      return 1;
  return 0;
}

/* Whether accepted batches wait to be collected. */
static int polls_left(pubrio_bulk *b) {
  for (size_t i = first_open(b); !b->o.submit_only && i < b->batch_count; i++)
    if (b->batches[i].state == BATCH_ACCEPTED ||
        b->batches[i].state == BATCH_POLLING)
      return 1;
  return 0;
}

static int work_left(pubrio_bulk *b) {
  return any_running(b) || polls_left(b) || people_left(b);
}

/* Give up what waits to be retried (a stop): a submit refused with a 429
 * provably was not processed. */
static void abandon_waiting(pubrio_bulk *b) {
  for (int i = 0; i < b->o.max_in_flight; i++) {
    bulk_slot *s = &b->slots[i];
    if (s->batch == SIZE_MAX || s->running)
      continue;
    bulk_batch *bb = &b->batches[s->batch];
    if (s->submit) {
      bb->state = BATCH_FAILED;
      if (b->journal && !s->st.acted)
        pri_journal_rejected(b->journal, bb->number);
    } else {
      bb->state = BATCH_ACCEPTED;
    }
    release(b, s);
  }
}

/* When something may next become startable, in clock time: a retry or a
 * due poll, but never before the rate budget allows a request. */
static int64_t next_wake(pubrio_bulk *b, int64_t now) {
  int64_t ready = now + pri_pacer_wait_ms(&b->pacer, now);
  int64_t wake = INT64_MAX;
  for (int i = 0; i < b->o.max_in_flight; i++)
    if (b->slots[i].batch != SIZE_MAX && !b->slots[i].running &&
        b->slots[i].retry_at < wake)
      wake = b->slots[i].retry_at;
  for (size_t i = first_open(b); !b->o.submit_only && i < b->batch_count;
       i++)
    if (b->batches[i].state == BATCH_ACCEPTED && b->batches[i].due_ms < wake)
      wake = b->batches[i].due_ms;
  if (wake == INT64_MAX && free_slot(b) && submit_allowed(b))
    wake = now; /* a submit waits only for the rate budget */
  if (wake != INT64_MAX && wake < ready)
    wake = ready;
  if (!b->o.submit_only && b->deadline < wake)
    wake = b->deadline;
  return wake;
}

static void begin_run(pubrio_bulk *b) {
  b->started = 1;
  b->start_ms = pri_clock_now(&b->client->clock);
  b->deadline = pri_wait_deadline(&b->o.wait, b->start_ms);
}

pubrio_status pubrio_bulk_next(pubrio_bulk *b, int64_t timeout_ms,
                               pubrio_bulk_event *ev, pubrio_error *err) {
  if (!b || !ev)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "bulk or event is NULL");
  if (!b->started)
    begin_run(b);
  pri_clock *clock = &b->client->clock;
  int64_t now = pri_clock_now(clock);
  int64_t until = timeout_ms < 0 || timeout_ms > INT64_MAX - now
                      ? INT64_MAX
                      : now + timeout_ms;
  for (;;) {
    if (pop_event(b, ev))
      return PUBRIO_OK;
    if (b->fatal != PUBRIO_OK) {
      abandon_waiting(b);
      if (!any_running(b))
        return report_stop(b, err);
    } else if (pri_client_cancelled(b->client)) {
      stop_with(b, PUBRIO_E_CANCELLED, "the run was cancelled");
      continue;
    } else if (!work_left(b)) {
      memset(ev, 0, sizeof *ev);
      ev->kind = PUBRIO_BULK_FINISHED;
      return PUBRIO_OK;
    } else if (!b->o.submit_only && now >= b->deadline) {
      stop_with(b, PUBRIO_E_WAIT_TIMEOUT,
                "the run's deadline passed with batches not collected");
      continue;
    } else {
      start_due(b, now);
      if (pop_event(b, ev))
        return PUBRIO_OK;
    }
    if (b->fatal == PUBRIO_OK && !any_running(b) && !polls_left(b) &&
        people_left(b) && !submit_allowed(b)) {
      stop_with(b, PUBRIO_E_CREDIT_BUDGET,
                "the next batch could push the charges past the credit "
                "budget; people are left unsubmitted");
      continue;
    }
    int64_t wake = next_wake(b, now);
    int64_t wait = (wake < until ? wake : until) - now;
    if (any_running(b)) { /* with no time left, one pass that never blocks */
      pri_transfer *x =
          pri_transport_run(b->client->transport, wait > 0 ? wait : 0);
      bulk_slot *s = x ? slot_of(b, x) : NULL;
      if (s)
        answered(b, s);
    } else if (wait > 0) {
      pri_clock_sleep(clock, wait);
    }
    now = pri_clock_now(clock);
    if (now >= until && !pop_event(b, ev)) {
      memset(ev, 0, sizeof *ev);
      return PUBRIO_OK; /* PUBRIO_BULK_NONE */
    }
    if (now >= until)
      return PUBRIO_OK;
  }
}

pubrio_status pubrio_bulk_run(pubrio_bulk *b, pubrio_bulk_event_fn fn,
                              void *userdata, pubrio_error *err) {
  pubrio_bulk_event ev;
  pubrio_bulk_stats stats;
  for (;;) {
    pubrio_status st = pubrio_bulk_next(b, 1000, &ev, err);
    if (st != PUBRIO_OK)
      return st;
    if (ev.kind == PUBRIO_BULK_FINISHED)
      return PUBRIO_OK;
    if (ev.kind == PUBRIO_BULK_NONE) { /* a second of waiting: progress */
      pubrio_bulk_stats_get(b, &stats, sizeof stats);
      ev.kind = PUBRIO_BULK_PROGRESS;
      ev.stats = &stats;
    }
    if (fn && fn(&ev, userdata) != 0) {
      pubrio_client_cancel(b->client);
      while ((st = pubrio_bulk_next(b, -1, &ev, err)) == PUBRIO_OK &&
             ev.kind != PUBRIO_BULK_FINISHED) {
      } /* events still queued are dropped: the caller asked to stop */
      pubrio_client_reset_cancel(b->client);
      return st != PUBRIO_OK ? st : PUBRIO_E_CANCELLED;
    }
  }
}
