/* The bulk engine's scheduler, on the caller's thread: start what is due
 * within the in-flight limit, the rate budget and the credit budget
 * (polls and submits in turn), drive the transfers, and end each one in
 * settle(), the one place a transfer's outcome reaches the batch, the
 * store, the budget and the events. Submits go through the same attempt
 * decisions as a single call (call.c): never sent twice, retried only when
 * provably unprocessed.
 *
 * Stops drain: on the first cancel (or a callback's stop, the deadline, a
 * budget or store stop) nothing new starts and what is in flight finishes;
 * a second cancel cuts what is in flight. A submit starts only while its
 * answer has room before the run's deadline (its own timeout, or half the
 * run's wait when that is shorter), and its timeout ends at the deadline at
 * the latest. */
#include "alloc.h"
#include "bulk.h"

#include "error.h"
#include "growth.h"
#include "json.h"
#include "log.h"
#include "request.h"
#include "uuid.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- stopping ---------------------------------------------------------- */

/* The first reason to stop: nothing new starts, what is in flight
 * finishes, then the status is returned on every call. */
static void stop(pubrio_bulk *b, pubrio_status status,
                 const pubrio_error *src) {
  if (b->stop_level < 1)
    b->stop_level = 1;
  if (b->fatal != PUBRIO_OK)
    return;
  b->fatal = status;
  if (src && src->message)
    pri_error_copy_all(&b->fatal_err, src, status);
  else
    pri_error_set(&b->fatal_err, status, "%s", pubrio_status_str(status));
}

static void stop_with(pubrio_bulk *b, pubrio_status status,
                      const char *message) {
  pubrio_error e = {0};
  pri_error_set(&e, status, "%s", message);
  stop(b, status, &e);
  pubrio_error_clear(&e);
}

/* A stop the caller asked for (pubrio_bulk_stop(), a first cancel, a
 * close): submits in flight finish, since their answers say what was paid;
 * polls spend nothing, so they are cut at once and their batches stay
 * named as uncollected. */
static void stop_by_caller(pubrio_bulk *b, const char *message) {
  if (!b->stop_level)
    stop_with(b, PUBRIO_E_CANCELLED, message);
  for (int i = 0; i < b->o.max_in_flight; i++)
    if (b->slots[i].running && !b->slots[i].submit)
      pri_transfer_cut(b->slots[i].transfer);
}

/* The store failed: stop, naming what it could not do and why (the full
 * disk, not what a rollback said after it). */
static void journal_stop(pubrio_bulk *b, const char *doing) {
  pubrio_error e = {0};
  pri_error_set(&e, PUBRIO_E_JOURNAL, "the journal could not %s (%s)", doing,
                pri_store_error(b->store));
  stop(b, PUBRIO_E_JOURNAL, &e);
  pubrio_error_clear(&e);
}

/* A batch's failure that lets the rest of the run go on; the first one is
 * the run's status at the end. */
static void problem(pubrio_bulk *b, pubrio_status status,
                    const pubrio_error *src) {
  if (b->problem != PUBRIO_OK)
    return;
  b->problem = status;
  pri_error_copy_all(&b->problem_err, src, status);
}

static pubrio_status report(pubrio_status status, const pubrio_error *src,
                            pubrio_error *err) {
  if (err)
    pri_error_copy_all(err, src, status);
  return status;
}

/* ---- the roster: people into batches ----------------------------------- */

/* The people of the next batch (all needing the same types), from the
 * cursors, without taking them: how many, into @p out (may be NULL). */
static size_t peek_batch(pubrio_bulk *b, unsigned *types, uint32_t *out) {
  for (unsigned mask = 1; mask < 8; mask++) {
    size_t n = 0, pos = b->cursor[mask];
    while (pos < b->people.count && pri_bulk_need(b->person_state[pos]) != mask)
      pos++;
    b->cursor[mask] = pos; /* nobody before it needs these types */
    for (; pos < b->people.count && n < (size_t)b->o.batch_size; pos++)
      if (pri_bulk_need(b->person_state[pos]) == mask) {
        if (out)
          out[n] = (uint32_t)pos;
        n++;
      }
    if (n) {
      *types = mask;
      return n;
    }
  }
  return 0;
}

/* Take the people of a batch; they need nothing more unless requeued. */
static void take_people(pubrio_bulk *b, const bulk_batch *bb) {
  for (size_t i = 0; i < bb->count; i++)
    b->person_state[bb->people[i]] &= (uint16_t)~PERSON_NEED_MASK;
}

/* A refused submit's people go back to the queue. */
static void requeue_people(pubrio_bulk *b, const bulk_batch *bb) {
  for (size_t i = 0; i < bb->count; i++) {
    size_t pos = bb->people[i];
    b->person_state[pos] |= (uint16_t)(bb->types << PERSON_NEED_SHIFT);
    if (pos < b->cursor[bb->types])
      b->cursor[bb->types] = pos;
  }
}

static void close_worst(pubrio_bulk *b, bulk_batch *bb) {
  if (b->open_worst != INT64_MAX)
    b->open_worst -= bb->worst;
  bb->worst = 0;
}

/* ---- starting requests ------------------------------------------------- */

static bulk_slot *free_slot(pubrio_bulk *b) {
  for (int i = 0; i < b->o.max_in_flight; i++)
    if (b->slots[i].batch == SIZE_MAX)
      return &b->slots[i];
  return NULL;
}

static void release(bulk_slot *s) {
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

static void settle(pubrio_bulk *b, bulk_slot *s, pubrio_status status);

/* One attempt of the slot's call on its transfer. The attempt's timeout is
 * kept here, in time the engine drives, not in libcurl: a caller that
 * holds an event for a while must not turn answers that already came into
 * timeouts. */
static void attempt(pubrio_bulk *b, bulk_slot *s) {
  pubrio_status st =
      pri_call_prepare_attempt(b->client, &s->call, &s->st, &s->err);
  if (st == PUBRIO_OK) {
    s->sent_at = pri_clock_monotonic_ms();
    s->expires_at = s->sent_at + s->st.request.timeout_ms;
    s->st.request.timeout_ms = 0;
    if (pri_transfer_start(s->transfer, &s->st.request, &s->st.resp) != 0)
      st = pri_error_set(&s->err, PUBRIO_E_OUT_OF_MEMORY,
                         "the transfer could not start");
  }
  if (st != PUBRIO_OK) {
    settle(b, s, st);
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
    settle(b, s,
           pri_error_set(&s->err, PUBRIO_E_OUT_OF_MEMORY, "out of memory"));
    return;
  }
  attempt(b, s);
}

static void start_poll(pubrio_bulk *b, bulk_slot *s, size_t batch) {
  bulk_batch *bb = &b->batches[batch];
  /* the canonical form answers name */
  if (pri_uuid_canonical(bb->redeem_query_id, s->asked) != 0)
    memcpy(s->asked, bb->redeem_query_id, PUBRIO_ID_LEN + 1);
  s->target = (pri_query_target){.asked = s->asked, .out = &s->result};
  s->body = pri_json_query_body(s->asked, bb->has_profile_id, bb->profile_id);
  s->call = pri_redeem_query_call(s->body ? s->body : "", &s->target);
  bb->state = BATCH_POLLING;
  if (!s->body) {
    s->batch = batch;
    s->submit = 0;
    settle(b, s,
           pri_error_set(&s->err, PUBRIO_E_OUT_OF_MEMORY, "out of memory"));
    return;
  }
  begin(b, s, batch, 0);
}

/* The latest a submit may start with room for its answer before the
 * deadline: its own timeout, or half the run's wait when that is
 * shorter. */
static int64_t latest_submit(const pubrio_bulk *b) {
  int64_t room = b->client->total_timeout_ms;
  if (b->o.wait.timeout_ms / 2 < room)
    room = b->o.wait.timeout_ms / 2;
  return b->deadline == INT64_MAX ? INT64_MAX : b->deadline - room;
}

/* Whether a submit's answer still has room before the deadline. */
static int submit_fits(const pubrio_bulk *b, int64_t now) {
  return b->o.submit_only || now <= latest_submit(b);
}

/* What the next submit is: a URL's single redeem (*url set), else a batch
 * of *n people needing *types; 0 when nothing is to be submitted now. Every
 * URL is answered before a batch leaves: its answer may name one of the
 * batch's people. */
static int next_submit(pubrio_bulk *b, size_t *url, unsigned *types,
                       size_t *n) {
  int lookup_busy; /* lookups first: their people join the roster */
  if ((*n = pri_bulk_lookup_next(b, &lookup_busy)) > 0) {
    *url = PRI_BULK_LOOKUP;
    *types = 0;
    return 1;
  }
  if (lookup_busy)
    return 0;
  *url = pri_bulk_next_url(b);
  if (*url != SIZE_MAX) {
    *types = b->urls[*url].need;
    *n = 1;
    return 1;
  }
  return !b->urls_sending && (*n = peek_batch(b, types, NULL)) > 0;
}

/* The most the next submit can cost: a lookup 1 credit an entry. */
static int64_t next_worst(const pubrio_bulk *b, size_t url, unsigned types,
                          size_t n) {
  return url == PRI_BULK_LOOKUP ? (int64_t)n
                                : pri_bulk_worst_credits(b, types, n);
}

/* Batches this run still has to collect, submits in flight included. */
static int64_t polls_owed(const pubrio_bulk *b) {
  int64_t n = 0;
  for (size_t i = b->first_open; i < b->batch_count; i++) {
    const bulk_batch *bb = &b->batches[i];
    n += bb->url == SIZE_MAX &&
         (bb->state == BATCH_SUBMITTING || bb->state == BATCH_ACCEPTED ||
          bb->state == BATCH_POLLING);
  }
  return n;
}

/* The minute limit's window, its 1 s margin included (bulk.c): a longer
 * window is a quota, which does not turn before a batch's poll. */
enum { MINUTE_WINDOW_MS = 61000 };

/* How long until every quota has room for the next submit and a poll for
 * each batch still to collect, its own included: the last requests of a
 * quota spent on submits would leave batches paid and uncollected until it
 * turns. Under a deadline, every window (the minute too) must also take
 * them all by the latest a submit may start, or the next submit never has
 * room: the time left to the deadline. 0: now; -1: nothing to submit. */
static int64_t quota_room_wait(pubrio_bulk *b, int64_t now) {
  unsigned types = 0;
  size_t n, url;
  if (!next_submit(b, &url, &types, &n))
    return -1;
  if (b->o.submit_only)
    return 0;
  int64_t need = 1 + polls_owed(b) + (url == SIZE_MAX), wait = 0;
  int64_t last = latest_submit(b);
  for (size_t i = 0; i < b->pacer.count; i++) {
    if (last != INT64_MAX &&
        pri_pacer_room_until(&b->pacer, i, now, last) < need)
      return b->deadline > now ? b->deadline - now : 1;
    if (b->pacer.windows[i].window_ms <= MINUTE_WINDOW_MS)
      continue;
    int64_t in = pri_pacer_room_in_ms(&b->pacer, i, need, now);
    if (in > wait)
      wait = in;
  }
  return wait;
}

/* Whether the next submit may start now: something to submit, no stop,
 * room before the deadline and in every quota, the credit budget. */
static int submit_allowed(pubrio_bulk *b, int64_t now) {
  unsigned types = 0;
  size_t n, url;
  if (b->stop_level || b->no_more_submits ||
      !next_submit(b, &url, &types, &n) || !submit_fits(b, now) ||
      quota_room_wait(b, now) > 0)
    return 0;
  return b->o.max_credits < 0 ||
         pri_bulk_add_credits(pri_bulk_committed_credits(b),
                              next_worst(b, url, types, n)) <= b->o.max_credits;
}

/* A submit body of the batch's people, as a single submit sends. */
static char *submit_body(pubrio_bulk *b, const bulk_batch *bb) {
  pubrio_batch_request req = {.contact_types = bb->types,
                              .has_profile_id = bb->has_profile_id,
                              .profile_id = bb->profile_id};
  int ok = pri_uuid_set_reserve(&req.people, bb->count) == 0;
  for (size_t i = 0; ok && i < bb->count; i++)
    ok = pri_uuid_set_add(&req.people, pri_bulk_person_id(b, bb->people[i])) >=
         0;
  char *body = ok ? pri_json_submit_body(&req) : NULL;
  pri_uuid_set_free(&req.people);
  return body;
}

/* A submit leaves only once its intent is stored; else nothing more is
 * sent. */
/* @p recorded: pri_store_intent()'s answer, or -2 when there was nothing
 * to record (out of memory). */
static void send_if_stored(pubrio_bulk *b, bulk_slot *s, size_t batch,
                           int recorded) {
  if (recorded == 0) {
    begin(b, s, batch, 1);
    return;
  }
  if (recorded == PRI_STORE_CLAIMED) { /* another run got there first */
    bulk_batch *bb = &b->batches[batch];
    close_worst(b, bb);
    bb->state = BATCH_REFUSED; /* never sent */
    pri_bulk_wait_for_batch(b, bb);
    b->to_submit = b->to_submit > bb->count ? b->to_submit - bb->count : 0;
    pri_call_end(b->client, &s->call, &s->st, PUBRIO_OK, NULL);
    memset(&s->st, 0, sizeof s->st);
    release(s);
    return;
  }
  pubrio_status st =
      recorded == PRI_STORE_OVER_BUDGET
          ? pri_error_set(&s->err, PUBRIO_E_CREDIT_BUDGET,
                          "the next batch could push the charges of every "
                          "run on the journal past the credit budget (%lld): "
                          "people are left unsubmitted",
                          (long long)b->o.max_credits)
      : s->body && recorded != -2
          ? pri_error_set(&s->err, PUBRIO_E_JOURNAL,
                          "the journal could not record the next "
                          "submit's intent (%s); nothing more is sent",
                          pri_store_error(b->store))
          : pri_error_set(&s->err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  s->err.submit_state = PUBRIO_SUBMIT_NOT_SPENT;
  stop(b, st, &s->err);
  settle(b, s, st);
}

/* A batch number is an int, stored in the journal: past INT_MAX there is
 * none for the next batch, and nothing more is submitted. 1 then. */
static int numbers_used_up(pubrio_bulk *b) {
  if (b->next_number <= INT_MAX)
    return 0;
  /* What was accepted is still collected: polls need no number. */
  pubrio_error e = {0};
  pri_error_set(&e, PUBRIO_E_JOURNAL,
                "the journal's batch numbers are used up (%d is the highest "
                "a batch can take): nothing more is submitted; a new journal "
                "starts again at 1",
                INT_MAX);
  b->no_more_submits = 1;
  problem(b, PUBRIO_E_JOURNAL, &e);
  pubrio_error_clear(&e);
  return 1;
}

/* The batch's intent, in the journal: pri_store_intent()'s answer. On a
 * journal other runs share, a number another run took meanwhile is
 * replaced by the next free one. */
static int record_intent(pubrio_bulk *b, bulk_batch *bb,
                         const uint8_t (*ids)[16], const char *url) {
  for (int tries = 0;; tries++) {
    int r = pri_store_intent(
        b->store, bb->number, bb->types, bb->has_profile_id, bb->profile_id,
        ids, url ? 0 : bb->count, url, bb->worst, b->o.max_credits);
    int64_t lowest, highest;
    if (r != PRI_STORE_NUMBER_TAKEN || tries == 64 ||
        pri_store_number_range(b->store, &lowest, &highest) != 0 ||
        highest >= INT_MAX)
      return r == PRI_STORE_NUMBER_TAKEN ? -1 : r;
    if (highest + 1 > b->next_number)
      b->next_number = highest + 1;
    bb->number = (int)b->next_number++;
  }
}

/* Start the next submit (submit_allowed() said it may). Its intent is
 * committed right before it can leave. */
static void start_submit(pubrio_bulk *b, bulk_slot *s) {
  unsigned types = 0;
  if (numbers_used_up(b))
    return;
  size_t at =
      pri_bulk_new_batch(b, (int)b->next_number, (size_t)b->o.batch_size);
  if (at == SIZE_MAX) {
    stop_with(b, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    return;
  }
  bulk_batch *bb = &b->batches[at];
  bb->count = peek_batch(b, &types, bb->people);
  bb->types = types;
  bb->has_profile_id = b->o.has_profile_id;
  bb->profile_id = b->o.profile_id;
  bb->state = BATCH_SUBMITTING;
  b->next_number++;
  take_people(b, bb);
  bb->worst = pri_bulk_worst_credits(b, bb->types, bb->count);
  b->open_worst = pri_bulk_add_credits(b->open_worst, bb->worst);
  s->body = submit_body(b, bb);
  uint8_t(*ids)[16] = s->body ? pri_bulk_batch_ids(b, bb) : NULL;
  int recorded =
      ids ? record_intent(b, bb, (const uint8_t(*)[16])ids, NULL) : -2;
  pri_free(ids);
  s->batch = at;
  s->submit = 1;
  s->call = pri_redeem_submit_call(s->body ? s->body : "", &s->job);
  send_if_stored(b, s, at, recorded);
}

/* Start the next URL's single redeem (submit_allowed() said it may): a
 * batch of one whose person its answer names. Its intent is committed
 * right before it can leave. */
static void start_single(pubrio_bulk *b, bulk_slot *s, size_t url) {
  if (numbers_used_up(b))
    return;
  size_t at = pri_bulk_new_batch(b, (int)b->next_number, 1);
  if (at == SIZE_MAX) {
    stop_with(b, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    return;
  }
  bulk_url *u = &b->urls[url];
  bulk_batch *bb = &b->batches[at];
  bb->url = url;
  bb->types = u->need;
  bb->has_profile_id = b->o.has_profile_id;
  bb->profile_id = b->o.profile_id;
  bb->state = BATCH_SUBMITTING;
  b->next_number++;
  u->state = URL_SENDING;
  b->urls_to_send--;
  b->urls_sending++;
  bb->worst = pri_bulk_worst_credits(b, bb->types, 1);
  b->open_worst = pri_bulk_add_credits(b->open_worst, bb->worst);
  s->body = pri_json_redeem_person_body(
      NULL, u->url, bb->types, bb->has_profile_id ? bb->profile_id : -1);
  int recorded = s->body ? record_intent(b, bb, NULL, u->url) : -2;
  s->batch = at;
  s->submit = 1;
  s->call = pri_redeem_person_call(s->body ? s->body : "", &s->result);
  send_if_stored(b, s, at, recorded);
}

static void start_next_submit(pubrio_bulk *b, bulk_slot *s) {
  int lookup_busy;
  if (pri_bulk_lookup_next(b, &lookup_busy)) {
    s->batch = PRI_BULK_LOOKUP;
    s->submit = 1;
    int stored = pri_bulk_lookup_start(b, s) == 0;
    if (stored)
      begin(b, s, PRI_BULK_LOOKUP, 1);
    else
      send_if_stored(b, s, PRI_BULK_LOOKUP, 0);
    return;
  }
  size_t url = pri_bulk_next_url(b);
  if (url != SIZE_MAX)
    start_single(b, s, url);
  else
    start_submit(b, s);
}

static size_t earliest_due_poll(pubrio_bulk *b, int64_t now) {
  size_t best = SIZE_MAX;
  for (size_t i = b->first_open; i < b->batch_count; i++) {
    const bulk_batch *bb = &b->batches[i];
    if (bb->state == BATCH_ACCEPTED && bb->due_ms <= now &&
        (best == SIZE_MAX || bb->due_ms < b->batches[best].due_ms))
      best = i;
  }
  return best;
}

/* On a store several runs share (a team's journal), the start is also
 * taken from the store's one quota: taken, it must be used at once. */
static int take_shared_start(pubrio_bulk *b, int64_t now) {
  if (!pri_store_shares_quota(b->store))
    return 1;
  pri_store_window windows[8];
  size_t n = 0;
  for (size_t i = 0; i < b->pacer.count && n < 8; i++)
    windows[n++] = (pri_store_window){b->pacer.windows[i].limit,
                                      b->pacer.windows[i].window_ms};
  int64_t wait = 0;
  int taken = pri_store_quota_take(b->store, windows, n, &wait);
  if (taken < 0)
    journal_stop(b, "take a start from the journal's shared quota");
  else if (taken == 1)
    b->shared_hold_until = now + (wait > 0 ? wait : 1);
  return taken == 0;
}

/* Whether a request may start now; call it right before starting one. */
static int may_send(pubrio_bulk *b, int64_t now) {
  return pri_pacer_wait_ms(&b->pacer, now) == 0 &&
         now >= b->shared_hold_until && take_shared_start(b, now);
}

/* Whether a new request may take a slot: always within the fixed number
 * given; by default, while fewer slots are busy than the rate budget and
 * the latency call for (pri_pacer_in_flight). */
static int room_in_flight(pubrio_bulk *b, int64_t now) {
  if (!b->adaptive)
    return 1;
  int busy = 0;
  for (int i = 0; i < b->o.max_in_flight; i++)
    busy += b->slots[i].batch != SIZE_MAX;
  return busy < pri_pacer_in_flight(&b->pacer, now, b->o.max_in_flight);
}

/* Start what is due, within the in-flight limit and the rate budget:
 * retries first, then polls and submits in turn (so a resume with many
 * batches to collect still reaches new people), at most one submit a pass
 * so each intent is committed right before its own request leaves. */
static void start_due(pubrio_bulk *b, int64_t now) {
  if (b->stop_level)
    return;
  for (int i = 0; i < b->o.max_in_flight; i++) {
    bulk_slot *s = &b->slots[i];
    if (s->batch != SIZE_MAX && !s->running && s->retry_at <= now &&
        may_send(b, now))
      attempt(b, s);
  }
  bulk_slot *s;
  while (!b->stop_level && (s = free_slot(b)) && room_in_flight(b, now)) {
    size_t due = b->o.submit_only ? SIZE_MAX : earliest_due_poll(b, now);
    int submit = submit_allowed(b, now);
    if ((due == SIZE_MAX && !submit) || !may_send(b, now))
      return;
    if (due != SIZE_MAX && (!submit || !b->prefer_submit)) {
      start_poll(b, s, due);
      b->prefer_submit = 1;
    } else if (submit) {
      start_next_submit(b, s);
      b->prefer_submit = 0;
      return;
    } else {
      return;
    }
  }
}

/* ---- answers ----------------------------------------------------------- */

/* An event that names the batch's people as text (none when out of
 * memory). */
static bulk_item *push_with_people(pubrio_bulk *b, pubrio_bulk_event_kind kind,
                                   size_t batch) {
  bulk_item *item = pri_bulk_push_item(b, kind, batch);
  if (!item)
    return NULL;
  const bulk_batch *bb = &b->batches[batch];
  item->ids = pri_malloc((bb->count ? bb->count : 1) * sizeof *item->ids);
  item->id_ptrs =
      pri_malloc((bb->count ? bb->count : 1) * sizeof *item->id_ptrs);
  for (size_t i = 0; item->ids && item->id_ptrs && i < bb->count; i++) {
    pri_uuid_format(pri_bulk_person_id(b, bb->people[i]), item->ids[i]);
    item->id_ptrs[i] = item->ids[i];
  }
  if (!item->ids || !item->id_ptrs) {
    pri_free(item->ids);
    pri_free(item->id_ptrs);
    item->ids = NULL;
    item->id_ptrs = NULL;
  }
  return item;
}

static void accepted(pubrio_bulk *b, bulk_slot *s, int64_t now) {
  bulk_batch *bb = &b->batches[s->batch];
  memcpy(bb->redeem_query_id, s->job->redeem_query_id, PUBRIO_ID_LEN + 1);
  bb->state = BATCH_ACCEPTED;
  bb->due_ms = now + pri_wait_first_delay(&b->o.wait, s->job->estimated_time_ms,
                                          now, b->deadline);
  b->submitted_people += bb->count;
  b->accepted_batches++;
  if (pri_store_accepted(b->store, bb->number, bb->types,
                         bb->redeem_query_id) != 0)
    journal_stop(b, "record an accepted batch"); /* named as uncollected */
  bulk_item *item = push_with_people(b, PUBRIO_BULK_BATCH_ACCEPTED, s->batch);
  if (item) {
    item->job = s->job; /* handed out with the event */
    s->job = NULL;
  }
}

/* The position in the batch of a person the answer names, or SIZE_MAX. */
static size_t batch_index(const pubrio_bulk *b, const bulk_batch *bb,
                          const pubrio_person *p) {
  uint8_t uuid[16];
  if (pri_uuid_parse(p->people_search_id, uuid) != 0)
    return SIZE_MAX;
  size_t pos = pri_uuid_set_index(&b->people, uuid);
  for (size_t i = 0; pos && i < bb->count; i++)
    if (bb->people[i] == pos - 1)
      return i;
  return SIZE_MAX;
}

/* What a person's answer costs: each asked type found, at its price. */
static int64_t person_charge(const pubrio_bulk *b, const bulk_batch *bb,
                             const pubrio_person *p) {
  unsigned found = 0;
  for (size_t i = 0; i < p->email_count; i++) {
    const pubrio_contact *c = pubrio_person_email(p, i);
    if (c->value)
      found |= (unsigned)c->type;
  }
  if (p->phone_count)
    found |= PUBRIO_CONTACT_PHONE;
  return pri_bulk_worst_credits(b, found & bb->types, 1);
}

/* A paid batch this run cannot collect (its answer breaks the contract,
 * or its poll was refused): not asked again, named as uncollected. */
static void broken(pubrio_bulk *b, size_t batch, pubrio_status status,
                   const char *why) {
  bulk_batch *bb = &b->batches[batch];
  pubrio_error e = {0};
  pri_error_set(&e, status,
                "batch %d (%s): %s; its %zu people are not "
                "collected",
                bb->number, bb->redeem_query_id, why, bb->count);
  bb->state = BATCH_BROKEN;
  b->failed_batches++;
  problem(b, status, &e);
  bulk_item *item = pri_bulk_push_item(b, PUBRIO_BULK_BATCH_FAILED, batch);
  if (item) {
    item->status = status;
    item->message = pri_strdup(e.message);
  }
  pubrio_error_clear(&e);
}

/* A batch charged more than its worst case at the prices known: those
 * prices are wrong, so the credit budget cannot hold. Nothing more is
 * submitted; what is in flight finishes and what was accepted is still
 * collected (a poll costs nothing); the run ends with the budget's
 * status. */
static void check_charge(pubrio_bulk *b, const bulk_batch *bb, int64_t charge) {
  if (b->o.max_credits < 0 || charge <= bb->worst)
    return;
  pubrio_error e = {0};
  pri_error_set(&e, PUBRIO_E_CREDIT_BUDGET,
                "batch %d was charged %lld credits, more than its worst case "
                "of %lld at the prices known (%lld an email, %lld a phone): "
                "the prices are wrong and the credit budget cannot hold, so "
                "nothing more is submitted; give the real prices (--price "
                "email=N,phone=N in the CLI, pubrio_bulk_options_set_prices "
                "in the library)",
                bb->number, (long long)charge, (long long)bb->worst,
                (long long)b->o.prices[1], (long long)b->o.prices[2]);
  b->no_more_submits = 1;
  problem(b, PUBRIO_E_CREDIT_BUDGET, &e);
  pri_log(b->client, PUBRIO_LOG_WARN, "%s", e.message);
  pubrio_error_clear(&e);
}

static void collected(pubrio_bulk *b, bulk_slot *s, int64_t now) {
  bulk_batch *bb = &b->batches[s->batch];
  const pubrio_query_result *res = s->result;
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
  /* Untrusted: every person named must be one of the batch's, each batch
   * person must be named; a person named twice counts once. */
  uint8_t *seen = pri_calloc(bb->count ? bb->count : 1, 1);
  if (!seen) {
    stop_with(b, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    bb->state = BATCH_ACCEPTED;
    return;
  }
  size_t strangers = 0, named = 0;
  int64_t charge = 0;
  for (size_t i = 0; i < res->people_count; i++) {
    const pubrio_person *p = pubrio_query_result_person(res, i);
    size_t k = batch_index(b, bb, p);
    if (k == SIZE_MAX) {
      strangers++;
    } else if (!seen[k]++) {
      named++;
      charge = pri_bulk_add_credits(charge, person_charge(b, bb, p));
    }
  }
  pri_free(seen);
  char why[160];
  if (strangers || named < bb->count) {
    snprintf(why, sizeof why,
             strangers ? "the answer named %zu people the batch does not hold"
                       : "the answer is complete but leaves out %zu people",
             strangers ? strangers : bb->count - named);
    broken(b, s->batch, PUBRIO_E_PROTOCOL, why);
    return;
  }
  /* The answer's own figure is untrusted too: never below what the
   * contacts found cost, never negative. */
  if (res->has_total_charged_credit && res->total_charged_credit > charge)
    charge = res->total_charged_credit;
  uint8_t(*ids)[16] = pri_bulk_batch_ids(b, bb);
  if (!ids || pri_store_collected(b->store, bb->number, bb->types,
                                  (const uint8_t(*)[16])ids, bb->count, res,
                                  charge) != 0) {
    pri_free(ids);
    bb->state = BATCH_ACCEPTED; /* paid and named as uncollected */
    journal_stop(b, "store a collected batch's contacts");
    return;
  }
  pri_free(ids);
  check_charge(b, bb, charge);
  close_worst(b, bb);
  b->credits_charged = pri_bulk_add_credits(b->credits_charged, charge);
  bb->state = BATCH_COLLECTED;
  b->collected_batches++;
  pri_bulk_push_item(b, PUBRIO_BULK_BATCH_DONE, s->batch);
}

/* A submit that failed: refused (its people go back to the queue after a
 * 429 or a start that never left; otherwise submitting stops) or
 * uncertain (maybe charged: never resent, submitting stops). */
static void submit_failed(pubrio_bulk *b, bulk_slot *s, pubrio_status status) {
  bulk_batch *bb = &b->batches[s->batch];
  if (s->err.submit_state == PUBRIO_SUBMIT_NOT_SPENT) {
    bb->state = BATCH_REFUSED;
    close_worst(b, bb);
    if (pri_store_refused(b->store, bb->number, bb->types) != 0)
      journal_stop(b, "record a refusal");
    int again = status == PUBRIO_E_RATE_LIMITED ||
                ((status == PUBRIO_E_CANCELLED || status == PUBRIO_E_TIMEOUT) &&
                 s->err.attempts == 0);
    if (again) { /* the pacer has slowed down after the 429 */
      requeue_people(b, bb);
      return;
    }
    b->no_more_submits = 1;
    problem(b, status, &s->err);
    return;
  }
  bb->state = BATCH_UNCERTAIN;
  b->uncertain_people += bb->count;
  b->failed_batches++;
  b->no_more_submits = 1;
  problem(b, status, &s->err);
  bulk_item *item = push_with_people(b, PUBRIO_BULK_BATCH_FAILED, s->batch);
  if (item) {
    item->status = status;
    item->message = pri_strdup(s->err.message ? s->err.message : "");
  }
  /* Named after the event is gone too (pubrio_bulk_uncertain()). */
  bb->uncertain_ids = pri_malloc(bb->count * sizeof *bb->uncertain_ids);
  for (size_t i = 0; bb->uncertain_ids && i < bb->count; i++)
    pri_uuid_format(pri_bulk_person_id(b, bb->people[i]), bb->uncertain_ids[i]);
}

/* A URL's single redeem failed as uncertain, or its answer cannot be
 * stored under a person: maybe charged, its intent is left as it is (a
 * rerun sees it uncertain), never resent; submitting stops. */
static void single_uncertain(pubrio_bulk *b, bulk_slot *s, pubrio_status status,
                             const pubrio_error *why) {
  bulk_batch *bb = &b->batches[s->batch];
  b->urls[bb->url].state = URL_UNCERTAIN;
  bb->state = BATCH_UNCERTAIN;
  b->uncertain_people++;
  b->failed_batches++;
  b->no_more_submits = 1;
  problem(b, status, why);
  bulk_item *item = pri_bulk_push_item(b, PUBRIO_BULK_BATCH_FAILED, s->batch);
  if (item) {
    item->status = status;
    item->message = pri_strdup(why->message ? why->message : "");
  }
}

/* A URL's answer: the person it names (untrusted: one person with a valid
 * id, or nobody) stored with its contacts and charge, then handed out. */
static void single_answered(pubrio_bulk *b, bulk_slot *s) {
  bulk_batch *bb = &b->batches[s->batch];
  b->urls_sending--;
  bulk_url *u = &b->urls[bb->url];
  const pubrio_query_result *res = s->result;
  const pubrio_person *p =
      res->people_count ? pubrio_query_result_person(res, 0) : NULL;
  uint8_t uuid[16];
  if (res->people_count > 1 ||
      (p && pri_uuid_parse(p->people_search_id, uuid) != 0)) {
    pubrio_error e = {0};
    pri_error_set(&e, PUBRIO_E_PROTOCOL,
                  "the single redeem of %s answered %s; it may have been "
                  "charged and is not sent again",
                  u->url,
                  res->people_count > 1 ? "several people"
                                        : "an invalid people_search_id");
    single_uncertain(b, s, PUBRIO_E_PROTOCOL, &e);
    pubrio_error_clear(&e);
    return;
  }
  if (res->has_credit) {
    b->has_credit = 1;
    b->credit = res->credit;
  }
  int64_t charge = p ? person_charge(b, bb, p) : 0;
  if (res->has_total_charged_credit && res->total_charged_credit > charge)
    charge = res->total_charged_credit;
  size_t pos = 0; /* the person's position + 1 in the roster */
  if ((p && !(pos = pri_bulk_add_person(b, uuid))) ||
      pri_store_single_answered(b->store, bb->number, bb->types,
                                p ? uuid : NULL, res, charge) != 0) {
    pubrio_error e = {0};
    pri_error_set(&e, PUBRIO_E_JOURNAL,
                  "the journal could not store the answer for %s (%s)", u->url,
                  pri_store_error(b->store));
    single_uncertain(b, s, PUBRIO_E_JOURNAL, &e);
    stop(b, PUBRIO_E_JOURNAL, &e);
    pubrio_error_clear(&e);
    return;
  }
  check_charge(b, bb, charge);
  close_worst(b, bb);
  b->credits_charged = pri_bulk_add_credits(b->credits_charged, charge);
  bb->state = BATCH_COLLECTED;
  b->urls_answered++;
  if (p) {
    bb->people[0] = (uint32_t)(pos - 1);
    bb->count = 1;
    u->state = URL_NAMED;
    pri_bulk_url_named(b, bb->url, pos - 1, bb->types);
  } else {
    u->state = URL_NOT_FOUND;
    b->urls_not_found++;
  }
  pri_bulk_push_item(b, p ? PUBRIO_BULK_PERSON : PUBRIO_BULK_NOT_FOUND,
                     s->batch);
}

/* A URL's single redeem that failed: refused with nothing spent (a 429 or
 * a start that never left: sent again; a refused key or account stops the
 * run; the API refusing the URL fails that URL alone), or uncertain. */
static void single_failed(pubrio_bulk *b, bulk_slot *s, pubrio_status status) {
  bulk_batch *bb = &b->batches[s->batch];
  b->urls_sending--;
  if (s->err.submit_state != PUBRIO_SUBMIT_NOT_SPENT) {
    single_uncertain(b, s, status, &s->err);
    return;
  }
  bb->state = BATCH_REFUSED;
  close_worst(b, bb);
  if (pri_store_refused(b->store, bb->number, bb->types) != 0)
    journal_stop(b, "record a refusal");
  if (status == PUBRIO_E_RATE_LIMITED ||
      ((status == PUBRIO_E_CANCELLED || status == PUBRIO_E_TIMEOUT) &&
       s->err.attempts == 0)) {
    pri_bulk_requeue_url(b, bb->url);
    return;
  }
  b->urls[bb->url].state = URL_FAILED;
  problem(b, status, &s->err); /* the run goes on, and ends with it */
  if (status != PUBRIO_E_BAD_REQUEST && status != PUBRIO_E_HTTP)
    b->no_more_submits = 1; /* not about this URL: nothing more is sent */
  if (status == PUBRIO_E_UNAUTHORIZED || status == PUBRIO_E_PAYMENT_REQUIRED)
    stop(b, status, &s->err);
  b->failed_batches++;
  bulk_item *item = pri_bulk_push_item(b, PUBRIO_BULK_BATCH_FAILED, s->batch);
  if (item) {
    item->status = status;
    item->message = pri_strdup(s->err.message ? s->err.message : "");
  }
}

/* A poll that failed: asked again later within the deadline; a poll the
 * API refuses (400, another 4xx) fails its batch alone; a refused key or
 * account stops the run. */
static void poll_failed(pubrio_bulk *b, bulk_slot *s, pubrio_status status,
                        int64_t now) {
  bulk_batch *bb = &b->batches[s->batch];
  bb->state = BATCH_ACCEPTED;
  if (status == PUBRIO_E_CANCELLED && b->stop_level)
    return; /* cut by the stop: the batch is named as uncollected */
  if (status == PUBRIO_E_UNAUTHORIZED || status == PUBRIO_E_PAYMENT_REQUIRED ||
      status == PUBRIO_E_OUT_OF_MEMORY) {
    stop(b, status, &s->err);
    return;
  }
  if (status == PUBRIO_E_BAD_REQUEST || status == PUBRIO_E_HTTP) {
    broken(b, s->batch, status,
           s->err.message ? s->err.message : "the poll was refused");
    return;
  }
  bb->failed_polls++;
  int64_t delay = b->o.wait.min_delay_ms
                  << (bb->failed_polls < 6 ? bb->failed_polls : 6);
  if (delay > b->o.wait.max_delay_ms)
    delay = b->o.wait.max_delay_ms;
  bb->due_ms = now + delay;
  pri_log(b->client, PUBRIO_LOG_WARN, "batch %d: %s; asked again in %lld ms",
          bb->number, s->err.message ? s->err.message : "poll failed",
          (long long)delay);
}

/* The one end of every transfer: the batch's state, the store, the budget
 * and the events follow from @p status (PUBRIO_OK: the answer is in the
 * slot). */
static void settle(pubrio_bulk *b, bulk_slot *s, pubrio_status status) {
  int64_t now = pri_clock_now(&b->client->clock);
  if (status != PUBRIO_OK) {
    int deadline = s->st.deadline_reached;
    status = pri_call_end(b->client, &s->call, &s->st, status, &s->err);
    if (deadline && !s->submit)
      status = PUBRIO_E_WAIT_TIMEOUT;
  } else {
    pri_call_end(b->client, &s->call, &s->st, PUBRIO_OK, NULL);
  }
  memset(&s->st, 0, sizeof s->st);
  if (s->batch == PRI_BULK_LOOKUP) {
    status = pri_bulk_lookup_settle(b, s, status);
    if (status != PUBRIO_OK) { /* no further lookup; the people found are
                                  still bought */
      problem(b, status, &s->err);
      if (status == PUBRIO_E_JOURNAL || status == PUBRIO_E_UNAUTHORIZED ||
          status == PUBRIO_E_PAYMENT_REQUIRED ||
          status == PUBRIO_E_OUT_OF_MEMORY)
        stop(b, status, &s->err);
    }
    release(s);
    return;
  }
  int single = b->batches[s->batch].url != SIZE_MAX;
  if (status == PUBRIO_OK && single)
    single_answered(b, s);
  else if (status == PUBRIO_OK && s->submit)
    accepted(b, s, now);
  else if (status == PUBRIO_OK)
    collected(b, s, now);
  else if (single)
    single_failed(b, s, status);
  else if (s->submit)
    submit_failed(b, s, status);
  else
    poll_failed(b, s, status, now);
  release(s);
}

static void answered(pubrio_bulk *b, bulk_slot *s) {
  int64_t now = pri_clock_now(&b->client->clock);
  int64_t delay = 0;
  s->running = 0;
  /* Every 429 slows the whole run down (a quota or the minute limit is
   * shared by every request); answers bring the pace back up. */
  const pri_http_response *resp = &s->st.resp;
  /* The latency is the network's: real time, whatever clock paces. */
  if (resp->kind == PRI_NET_OK)
    pri_pacer_note_latency(&b->pacer, pri_clock_monotonic_ms() - s->sent_at);
  if (resp->kind == PRI_NET_OK && resp->status == 429) {
    pri_pacer_on_rate_limited(&b->pacer, s->st.started, resp->retry_after_ms,
                              now);
    /* ...and every run on a shared store with it. */
    if (pri_store_shares_quota(b->store) &&
        pri_store_quota_pause(b->store, pri_pacer_wait_ms(&b->pacer, now)) != 0)
      journal_stop(b, "hold the journal's shared quota after a 429");
  } else if (resp->kind == PRI_NET_OK && resp->status >= 200 &&
             resp->status < 300)
    pri_pacer_on_success(&b->pacer, s->st.started, now);
  switch (pri_call_judge(b->client, &s->call, &s->st, &delay, &s->err)) {
  case PRI_VERDICT_DONE: settle(b, s, PUBRIO_OK); return;
  case PRI_VERDICT_RETRY: s->retry_at = now + (delay > 0 ? delay : 0); return;
  case PRI_VERDICT_FAILED: settle(b, s, s->st.status); return;
  }
}

/* ---- the loop ---------------------------------------------------------- */

static int any_running(const pubrio_bulk *b) {
  for (int i = 0; i < b->o.max_in_flight; i++)
    if (b->slots[i].running)
      return 1;
  return 0;
}

static int any_busy(const pubrio_bulk *b) {
  for (int i = 0; i < b->o.max_in_flight; i++)
    if (b->slots[i].batch != SIZE_MAX)
      return 1;
  return 0;
}

/* Settled batches at the front are skipped by every loop over batches. */
static void advance_first_open(pubrio_bulk *b) {
  while (b->first_open < b->batch_count) {
    batch_state st = b->batches[b->first_open].state;
    if (st == BATCH_ACCEPTED || st == BATCH_POLLING || st == BATCH_SUBMITTING)
      break;
    b->first_open++;
  }
}

/* Whether accepted batches wait to be collected. */
static int polls_left(pubrio_bulk *b) {
  for (size_t i = b->first_open; !b->o.submit_only && i < b->batch_count; i++)
    if (b->batches[i].state == BATCH_ACCEPTED ||
        b->batches[i].state == BATCH_POLLING)
      return 1;
  return 0;
}

static int people_left(pubrio_bulk *b) {
  unsigned types = 0;
  size_t n, url;
  return !b->no_more_submits &&
         (next_submit(b, &url, &types, &n) || b->urls_sending);
}

/* Give up what waits to be retried (a stop): a submit that waits after a
 * 429 provably was not processed; one whose attempt may have been is
 * uncertain. */
static void abandon_waiting(pubrio_bulk *b) {
  for (int i = 0; i < b->o.max_in_flight; i++) {
    bulk_slot *s = &b->slots[i];
    if (s->batch == SIZE_MAX || s->running)
      continue;
    pubrio_error_clear(&s->err);
    settle(b, s,
           pri_error_set(&s->err, b->fatal ? b->fatal : PUBRIO_E_CANCELLED,
                         "the run stopped before a retry"));
  }
}

/* When something may next become startable, in clock time: a retry, a due
 * poll or a submit when a slot is free, never before the rate budget
 * allows a request; the deadline. */
static int64_t next_wake(pubrio_bulk *b, int64_t now) {
  int64_t wake = INT64_MAX;
  for (int i = 0; i < b->o.max_in_flight; i++)
    if (b->slots[i].batch != SIZE_MAX && !b->slots[i].running &&
        b->slots[i].retry_at < wake)
      wake = b->slots[i].retry_at;
  if (free_slot(b) && !b->stop_level) {
    for (size_t i = b->first_open; !b->o.submit_only && i < b->batch_count; i++)
      if (b->batches[i].state == BATCH_ACCEPTED && b->batches[i].due_ms < wake)
        wake = b->batches[i].due_ms;
    int64_t room;
    if (submit_allowed(b, now))
      wake = now;
    else if (!b->no_more_submits && (room = quota_room_wait(b, now)) > 0 &&
             now + room < wake)
      wake = now + room; /* a quota makes room for the next submit */
  }
  if (b->waiting && b->waiting_check_at < wake)
    wake = b->waiting_check_at; /* people another run holds: look again */
  int64_t ready = now + pri_pacer_wait_ms(&b->pacer, now);
  if (ready < b->shared_hold_until)
    ready = b->shared_hold_until;
  if (wake != INT64_MAX && wake < ready)
    wake = ready;
  if (!b->o.submit_only && b->deadline < wake && !b->stop_level)
    wake = b->deadline;
  return wake;
}

/* Transfers past their own timeout end as timeouts; the real time left
 * until the next one does. */
static int64_t expire_overdue(pubrio_bulk *b) {
  int64_t real = pri_clock_monotonic_ms(), next = INT64_MAX;
  for (int i = 0; i < b->o.max_in_flight; i++) {
    bulk_slot *s = &b->slots[i];
    if (!s->running)
      continue;
    if (s->expires_at <= real)
      pri_transfer_expire(s->transfer);
    else if (s->expires_at - real < next)
      next = s->expires_at - real;
  }
  return next;
}

static bulk_slot *slot_of(pubrio_bulk *b, pri_transfer *x) {
  for (int i = 0; i < b->o.max_in_flight; i++)
    if (b->slots[i].transfer == x)
      return &b->slots[i];
  return NULL;
}

/* Cancels from pubrio_client_cancel() (a signal, another thread): the
 * first drains, the second cuts what is in flight. */
static void take_cancels(pubrio_bulk *b) {
  int n = pri_cancel_take(&b->client->cancel);
  if (!n)
    return;
  if (!b->stop_level)
    stop_by_caller(b, "the run was cancelled; submits in flight were let "
                      "finish");
  else
    b->stop_level++;
  if (n > 1 || b->stop_level >= 2) {
    b->stop_level = 2;
    pri_transport_cut(b->client->transport);
  }
}

/* People (and LinkedIn URLs) this run was to submit and never did. */
static size_t never_submitted(const pubrio_bulk *b) {
  size_t n = b->urls_to_send;
  for (size_t pos = 0; pos < b->people.count; pos++)
    n += pri_bulk_need(b->person_state[pos]) != 0;
  return n;
}

/* No submit has room before the deadline (or before the latest a submit
 * may start): stop, saying how many people are left. */
static void stop_no_room(pubrio_bulk *b, const char *why) {
  char text[320];
  size_t left = never_submitted(b);
  snprintf(text, sizeof text,
           "no submit has room before the run's deadline (%s); %zu %s never "
           "submitted",
           why, left, left == 1 ? "person was" : "people were");
  stop_with(b, PUBRIO_E_WAIT_TIMEOUT, text);
}

/* The rate budget holds the next request past the deadline, or has no
 * room before it for the next submit and the polls it would owe: stop
 * now, saying which (a Retry-After, a full window, no room for a submit)
 * and what is left, instead of waiting for the deadline. */
static void quota_past_deadline(pubrio_bulk *b, int64_t now) {
  char hold[160] = "", why[400];
  pri_pacer_hold h = pri_pacer_next(&b->pacer, now);
  int held = h.wait_ms > 0 && now + h.wait_ms >= b->deadline;
  if (held)
    pri_pacer_describe(&b->pacer, now, hold, sizeof hold);
  if (held && (h.by == PRI_PACER_BACKOFF || !people_left(b))) {
    int64_t open = polls_owed(b);
    size_t left = never_submitted(b);
    snprintf(why, sizeof why,
             "%s: that is past the run's deadline; %lld %s not collected, "
             "%zu %s never submitted",
             hold, (long long)open, open == 1 ? "batch" : "batches", left,
             left == 1 ? "person was" : "people were");
    stop_with(b, PUBRIO_E_WAIT_TIMEOUT, why);
    return;
  }
  if (held) {
    snprintf(why, sizeof why, "%s, past the run's deadline", hold);
    stop_no_room(b, why);
    return;
  }
  /* The window that has no room by the latest a submit may start. */
  unsigned types = 0;
  size_t n, url;
  int64_t need = next_submit(b, &url, &types, &n)
                     ? 1 + polls_owed(b) + (url == SIZE_MAX)
                     : 1;
  int64_t last = latest_submit(b);
  for (size_t i = 0; i < b->pacer.count; i++) {
    int64_t room = pri_pacer_room_until(&b->pacer, i, now, last);
    if (room < need) {
      snprintf(why, sizeof why,
               "%s: %lld %s left before it, %lld needed for a submit and a "
               "poll of every batch it would leave to collect",
               b->pacer.windows[i].name, (long long)room,
               room == 1 ? "request" : "requests", (long long)need);
      stop_no_room(b, why);
      return;
    }
  }
  stop_no_room(b, "the rate budget left before it cannot take another "
                  "submit and a poll of every batch it would leave to "
                  "collect");
}

/* The requested types a credit budget cannot price: with a budget at
 * stake and no prices given by the caller, those whose price the account
 * did not give, or gave as 0 (a budget of worst cases at 0 holds
 * nothing). */
static unsigned unpriced_types(const pubrio_bulk *b) {
  if (b->o.max_credits < 0 || b->prices_given)
    return 0;
  if (!b->o.has_prices)
    return b->types;
  unsigned out = 0;
  for (unsigned bit = 0; bit < 3; bit++)
    if ((b->types & (1u << bit)) && b->o.prices[bit] <= 0)
      out |= 1u << bit;
  return out;
}

/* A credit budget with a type it cannot price: the run stops with
 * nothing sent, saying how to give the prices. */
static void stop_unpriced(pubrio_bulk *b, unsigned unpriced) {
  char types[96] = "", why[512];
  for (unsigned bit = 1; bit <= PUBRIO_CONTACT_PHONE; bit <<= 1)
    if (unpriced & bit) {
      size_t len = strlen(types);
      snprintf(types + len, sizeof types - len, "%s%s", len ? ", " : "",
               pubrio_contact_type_str((pubrio_contact_type)bit));
    }
  snprintf(why, sizeof why,
           "a credit budget of %lld is at stake and the account gave %s for "
           "%s, so the budget cannot be counted: nothing was sent; give the "
           "prices (--price email=N,phone=N in the CLI, "
           "pubrio_bulk_options_set_prices in the library)",
           (long long)b->o.max_credits,
           b->o.has_prices ? "a price of 0" : "no price", types);
  stop_with(b, PUBRIO_E_CREDIT_BUDGET, why);
}

/* The deadline came with batches still to collect (or a submit still in
 * flight): say how many. */
static void deadline_reached(pubrio_bulk *b) {
  char why[200];
  int64_t open = polls_owed(b);
  size_t left = never_submitted(b);
  if (open)
    snprintf(why, sizeof why,
             "the run's deadline was reached with %lld %s not collected",
             (long long)open, open == 1 ? "batch" : "batches");
  else
    snprintf(why, sizeof why,
             "the run's deadline was reached; %zu %s never submitted", left,
             left == 1 ? "person was" : "people were");
  stop_with(b, PUBRIO_E_WAIT_TIMEOUT, why);
}

/* What can be known before the first request: a budget that cannot be
 * priced, a balance that cannot pay the first batch at its worst, a quota
 * used up past the deadline. Each stops the run with nothing sent. */
static void check_before_sending(pubrio_bulk *b, int64_t now) {
  unsigned types = 0;
  size_t url, n = 0;
  if (!next_submit(b, &url, &types, &n))
    n = 0;
  int64_t first = n ? next_worst(b, url, types, n) : 0;
  char why[256];
  unsigned unpriced = n ? unpriced_types(b) : 0;
  if (unpriced) {
    stop_unpriced(b, unpriced);
    return;
  }
  if (n && b->has_balance && first > b->balance) {
    snprintf(why, sizeof why,
             "the first submit could cost %lld credits (every asked type "
             "found) and the balance is %lld: nothing was sent (smaller "
             "batches, or credits)",
             (long long)first, (long long)b->balance);
    stop_with(b, PUBRIO_E_PAYMENT_REQUIRED, why);
    return;
  }
  int64_t wait = pri_pacer_wait_ms(&b->pacer, now);
  if (!b->o.submit_only && (n || b->prior_batches) && wait > 0 &&
      wait >= b->deadline - now) {
    char hold[160] = "";
    pri_pacer_describe(&b->pacer, now, hold, sizeof hold);
    snprintf(why, sizeof why,
             "%s: that is past the run's deadline, so nothing was sent", hold);
    stop_with(b, PUBRIO_E_RATE_LIMITED, why);
  }
}

/* A journal holds one workspace's purchases: a key of another one is
 * handed out, polled and counted none of them (its people, its batches,
 * its charges), and the run stops saying what it found. A run that knows
 * its workspace records it, so the journal is tied to it from then on;
 * a key seen before with the workspace is not asked again (its mark), so
 * a rerun that has nothing to buy still sends nothing. */
static void check_workspace(pubrio_bulk *b, int key_known) {
  if (b->stop_level)
    return;
  if (!b->has_workspace && b->has_journal_workspace && !key_known) {
    char why[320];
    snprintf(why, sizeof why,
             "the journal holds the purchases of workspace %lld, this key "
             "was never used with it and its workspace could not be read "
             "(POST /profile): nothing is handed out, polled or bought; "
             "rerun when the account can be read, or use another journal",
             (long long)b->journal_workspace);
    b->known_cursor = b->people.count;
    b->url_known_cursor = b->url_count;
    for (size_t i = 0; i < b->prior_batches; i++)
      b->batches[i].state = BATCH_REFUSED;
    b->open_worst = 0;
    stop_with(b, PUBRIO_E_JOURNAL, why);
    return;
  }
  if (!b->has_workspace)
    return; /* nothing known to compare or record */
  if (b->has_journal_workspace && b->journal_workspace != b->workspace) {
    char why[320];
    snprintf(why, sizeof why,
             "the journal holds the purchases of workspace %lld and this "
             "key is of workspace %lld: none of them is handed out, polled "
             "or counted, and nothing was bought; use a journal of this "
             "workspace (or the first workspace's key)",
             (long long)b->journal_workspace, (long long)b->workspace);
    b->known_cursor = b->people.count;
    b->url_known_cursor = b->url_count;
    for (size_t i = 0; i < b->prior_batches; i++)
      b->batches[i].state = BATCH_REFUSED; /* not this workspace's to poll */
    b->open_worst = 0;
    b->store_charged_before = b->prior_uncertain_worst = 0;
    stop_with(b, PUBRIO_E_JOURNAL, why);
    return;
  }
  if (pri_store_set_workspace(b->store, b->workspace) != 0)
    journal_stop(b, "record the run's workspace");
}

static void begin_run(pubrio_bulk *b) {
  b->started = 1;
  if (pri_bulk_lookups_begin(b) != 0)
    stop_with(b, PUBRIO_E_JOURNAL, "the journal cannot be read");
  int64_t now = pri_clock_now(&b->client->clock);
  b->deadline = pri_wait_deadline(&b->o.wait, now);
  if (b->stop_level) /* stopped before it began: nothing to record */
    return;
  /* A request to make, or purchases of a workspace that this key was
   * never seen with: the account says whose key it is before any of them
   * is handed out. */
  int64_t seen = -1;
  int key_known =
      b->has_journal_workspace &&
      pri_store_key_workspace(b->store, b->client->api_key, &seen) == 1;
  if (key_known) {
    b->has_workspace = 1; /* what /profile said for this key before */
    b->workspace = seen;
  }
  int hands_out_stored = b->known > 0;
  for (size_t i = 0; i < b->url_count && !hands_out_stored; i++)
    hands_out_stored = b->urls[i].known;
  int lookup_busy;
  if (b->to_submit || b->prior_batches || b->urls_to_send ||
      pri_bulk_lookup_next(b, &lookup_busy) || (hands_out_stored && !key_known))
    pri_bulk_read_account(b);
  now = pri_clock_now(&b->client->clock);
  if (pri_store_begin_run(b->store, b->types, b->o.has_profile_id,
                          b->o.profile_id) != 0 ||
      pri_store_set_run_key(b->store, b->client->api_key) != 0) {
    char why[320];
    snprintf(why, sizeof why, "the journal cannot record a new run (%s)",
             pri_store_error(b->store));
    stop_with(b, PUBRIO_E_JOURNAL, why);
  }
  check_workspace(b, key_known);
  check_before_sending(b, now);
}

/* The time the caller held the run does not count against the transfers'
 * timeouts. */
static void resume_timeouts(pubrio_bulk *b) {
  if (!b->left_at)
    return;
  int64_t held = pri_clock_monotonic_ms() - b->left_at;
  for (int i = 0; held > 0 && i < b->o.max_in_flight; i++)
    if (b->slots[i].running)
      b->slots[i].expires_at += held;
}

static pubrio_status next_event(pubrio_bulk *b, int64_t until,
                                pubrio_bulk_event *ev, pubrio_error *err) {
  pri_clock *clock = &b->client->clock;
  int64_t now = pri_clock_now(clock);
  int changed;
  for (;;) {
    take_cancels(b);
    advance_first_open(b);
    int popped = pri_bulk_pop_event(b, ev);
    if (popped > 0)
      return PUBRIO_OK;
    if (popped < 0)
      stop_with(b, PUBRIO_E_JOURNAL, "the journal cannot be read");
    if (b->stop_level) {
      abandon_waiting(b);
      pri_bulk_give_up_waiting(b); /* named uncertain */
      if (!any_running(b) && (popped = pri_bulk_pop_event(b, ev)) > 0)
        return PUBRIO_OK;
      if (!any_running(b) && !b->closed && pri_bulk_lookup_event(b, ev, 1) > 0)
        return PUBRIO_OK; /* every lookup entry's answer, before the end */
      if (!any_running(b))
        return report(b->fatal, &b->fatal_err, err);
    } else if ((changed = pri_bulk_check_waiting(b, now)) != 0) {
      if (changed < 0) /* else someone bought: handed out from the top */
        stop_with(b, PUBRIO_E_JOURNAL, "the journal cannot be read");
      continue;
    } else if (!any_busy(b) && !polls_left(b) && !people_left(b) &&
               !b->waiting) {
      if ((popped = pri_bulk_lookup_event(b, ev, 1)) > 0)
        return PUBRIO_OK; /* every lookup entry's answer, the found last */
      if (popped < 0) {
        stop_with(b, PUBRIO_E_JOURNAL, "the journal cannot be read");
        continue;
      }
      if (b->problem != PUBRIO_OK) /* the run ends with a batch's failure */
        return report(b->problem, &b->problem_err, err);
      memset(ev, 0, sizeof *ev);
      ev->kind = PUBRIO_BULK_FINISHED;
      return PUBRIO_OK;
    } else if (!b->o.submit_only && now >= b->deadline) {
      deadline_reached(b);
      continue;
    } else {
      start_due(b, now);
      if ((popped = pri_bulk_pop_event(b, ev)) > 0)
        return PUBRIO_OK;
      if (!any_busy(b) && !polls_left(b) && !b->no_more_submits &&
          people_left(b) && pri_pacer_wait_ms(&b->pacer, now) == 0 &&
          quota_room_wait(b, now) <= 0 && !submit_allowed(b, now)) {
        if (submit_fits(b, now))
          stop_with(b, PUBRIO_E_CREDIT_BUDGET,
                    "the next batch could push the charges past the "
                    "credit budget; people are left unsubmitted");
        else
          stop_no_room(b, "its answer would come after it");
        continue;
      }
    }
    int64_t wake = next_wake(b, now);
    /* Waiting could only reach the deadline: the rate budget holds the
     * next request, or only a submit is left and a quota has no room. */
    if (!b->stop_level && !b->o.submit_only && !any_busy(b) &&
        (polls_left(b) || people_left(b))) {
      int64_t held = pri_pacer_wait_ms(&b->pacer, now);
      if (held < b->shared_hold_until - now)
        held = b->shared_hold_until - now;
      int64_t room = polls_left(b) ? -1 : quota_room_wait(b, now);
      if (now + (room > held ? room : held) >= b->deadline) {
        quota_past_deadline(b, now);
        continue;
      }
    }
    int64_t wait = (wake < until ? wake : until) - now;
    int64_t expiry = expire_overdue(b);
    if (any_running(b)) { /* with no time left, one pass that never blocks */
      if (expiry < wait)
        wait = expiry;
      pri_transfer *x =
          pri_transport_run(b->client->transport, wait > 0 ? wait : 0, 0);
      bulk_slot *s = x ? slot_of(b, x) : NULL;
      if (s)
        answered(b, s);
    } else if (wait > 0 && !b->stop_level) {
      pri_clock_sleep(clock, wait);
    }
    now = pri_clock_now(clock);
    if (now >= until) {
      if (pri_bulk_pop_event(b, ev) > 0)
        return PUBRIO_OK;
      memset(ev, 0, sizeof *ev);
      return PUBRIO_OK; /* PUBRIO_BULK_NONE */
    }
  }
}

pubrio_status pubrio_bulk_next_event(pubrio_bulk *b, int64_t timeout_ms,
                                     pubrio_bulk_event *out, size_t out_size,
                                     pubrio_error *err) {
  if (!b || !out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "bulk or event is NULL");
  if (!b->started)
    begin_run(b);
  resume_timeouts(b);
  int64_t now = pri_clock_now(&b->client->clock);
  int64_t until = timeout_ms < 0 || timeout_ms > INT64_MAX - now
                      ? INT64_MAX
                      : now + timeout_ms;
  pubrio_bulk_event ev;
  pubrio_status st = next_event(b, until, &ev, err);
  if (st != PUBRIO_OK || ev.kind == PUBRIO_BULK_FINISHED)
    b->ended = 1; /* every later call answers the same */
  b->left_at = pri_clock_monotonic_ms();
  /* A caller built against an older, smaller event gets its part only. */
  memcpy(out, &ev, out_size < sizeof ev ? out_size : sizeof ev);
  return st;
}

pubrio_status pubrio_bulk_next(pubrio_bulk *b, int64_t timeout_ms,
                               pubrio_bulk_event *ev, pubrio_error *err) {
  /* The event as libpubrio 0.2 laid it out: its callers' structs end
   * there. */
  return pubrio_bulk_next_event(b, timeout_ms, ev,
                                offsetof(pubrio_bulk_event, status), err);
}

void pubrio_bulk_stop(pubrio_bulk *b) {
  if (b && !b->ended)
    stop_by_caller(b, "the run was stopped");
}

/* Keep a PERSON or NOT_FOUND event the close collected, with the result
 * its person points into; 0, or -1 when out of memory. */
static int keep(pubrio_bulk *b, const pubrio_bulk_event *ev) {
  if (pri_grow(&b->kept, &b->kept_cap, b->kept_count + 1, sizeof *b->kept))
    return -1;
  bulk_kept *k = &b->kept[b->kept_count++];
  k->event = *ev;
  k->result = NULL;
  if (ev->kind == PUBRIO_BULK_PERSON) {
    k->result = b->person_out; /* the run's next call would free it */
    b->person_out = NULL;
  }
  return 0;
}

/* Hand every event the run still has to the kept list, waiting at most
 * until the client's clock reaches @p until for what is in flight, then
 * cutting it. */
static void drain(pubrio_bulk *b, int64_t until) {
  pubrio_bulk_event ev;
  while (!b->ended) {
    int64_t now = pri_clock_now(&b->client->clock);
    int64_t left = until == INT64_MAX ? -1 : (until > now ? until - now : 0);
    if (pubrio_bulk_next_event(b, left, &ev, sizeof ev, NULL) != PUBRIO_OK ||
        b->ended)
      break;
    if (ev.kind == PUBRIO_BULK_NONE) { /* out of time: cut what runs */
      b->stop_level = 2;
      pri_transport_cut(b->client->transport);
      until = INT64_MAX;
    } else if ((ev.kind == PUBRIO_BULK_PERSON ||
                ev.kind == PUBRIO_BULK_NOT_FOUND) &&
               keep(b, &ev) != 0) {
      /* Out of memory: the person is in the store, and is handed out by a
       * rerun on a journal; nothing more can be kept. */
      stop_with(b, PUBRIO_E_OUT_OF_MEMORY, "out of memory while closing");
    }
  }
}

pubrio_status pubrio_bulk_close(pubrio_bulk *b, int64_t timeout_ms,
                                pubrio_error *err) {
  if (!b)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "bulk is NULL");
  if (!b->closed) {
    b->closed = 1;
    if (!b->ended) {
      stop_by_caller(b, "the run was closed");
      int64_t now = pri_clock_now(&b->client->clock);
      drain(b, timeout_ms < 0 || timeout_ms > INT64_MAX - now
                   ? INT64_MAX
                   : now + timeout_ms);
    }
    /* Paid lookups whose people were not handed out: named, not lost (out
     * of memory: the journal still holds each resolution). */
    pri_bulk_lookups_keep_resolved(b);
  }
  pubrio_bulk_event ev;
  return pubrio_bulk_next_event(b, 0, &ev, sizeof ev, err);
}

pubrio_status pubrio_bulk_run(pubrio_bulk *b, pubrio_bulk_event_fn fn,
                              void *userdata, pubrio_error *err) {
  pubrio_bulk_event ev;
  pubrio_bulk_stats stats;
  for (;;) {
    pubrio_status st = pubrio_bulk_next_event(b, 1000, &ev, sizeof ev, err);
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
      /* A drain: what is in flight finishes (and is stored); its events
       * are not handed to a callback that asked to stop. */
      pubrio_bulk_stop(b);
      while ((st = pubrio_bulk_next_event(b, -1, &ev, sizeof ev, err)) ==
                 PUBRIO_OK &&
             ev.kind != PUBRIO_BULK_FINISHED) {
      }
      return st != PUBRIO_OK ? st : PUBRIO_E_CANCELLED;
    }
  }
}
