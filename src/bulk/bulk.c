/* Bulk runs: options, creating a run on its store (and what earlier runs
 * left in it), adding people, counts and what is left. The scheduler is in
 * bulk_engine.c, what is handed out in bulk_events.c. */
#include "bulk.h"
#include "alloc.h"

#include "error.h"
#include "growth.h"
#include "log.h"
#include "rate.h"
#include "uuid.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const pubrio_bulk_options default_bulk_options = {
    .batch_size = PUBRIO_BATCH_SIZE_MAX,
    .max_in_flight = 0, /* adaptive: rate x latency, see pubrio.h */
    .requests_per_minute = 300,
    .max_credits = -1,
    .prices = {1, 1, 1},
    .read_account = 1};

static pubrio_status range_error(pubrio_error *err, const char *what,
                                 long long got, long long lo, long long hi) {
  return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                       "%s must be %lld..%lld (got %lld)", what, lo, hi, got);
}

pubrio_status pubrio_bulk_options_new(pubrio_bulk_options **out,
                                      pubrio_error *err) {
  if (!out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "out is NULL");
  *out = pri_malloc(sizeof **out);
  if (!*out)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  **out = default_bulk_options;
  (*out)->wait = pri_wait_defaults;
  return PUBRIO_OK;
}

void pubrio_bulk_options_free(pubrio_bulk_options *o) {
  if (o)
    pri_free(o->journal_path);
  pri_free(o);
}

pubrio_status pubrio_bulk_options_set_batch_size(pubrio_bulk_options *o,
                                                 int batch_size,
                                                 pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  if (batch_size < 1 || batch_size > PUBRIO_BATCH_SIZE_MAX)
    return range_error(err, "batch size", batch_size, 1, PUBRIO_BATCH_SIZE_MAX);
  o->batch_size = batch_size;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_max_in_flight(pubrio_bulk_options *o,
                                                    int max_in_flight,
                                                    pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  if (max_in_flight < 0 || max_in_flight > 64) /* 0: adaptive */
    return range_error(err, "requests in flight", max_in_flight, 0, 64);
  o->max_in_flight = max_in_flight;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_rate_limit(pubrio_bulk_options *o,
                                                 int requests_per_minute,
                                                 pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  if (requests_per_minute < 1 || requests_per_minute > 1000000)
    return range_error(err, "requests per minute", requests_per_minute, 1,
                       1000000);
  o->requests_per_minute = requests_per_minute;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_add_rate(pubrio_bulk_options *o,
                                           int64_t requests, int64_t window_ms,
                                           pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  if (requests < 1 || requests > PRI_PACER_LIMIT_MAX)
    return range_error(err, "requests a window", requests, 1,
                       PRI_PACER_LIMIT_MAX);
  if (window_ms < 1000 || window_ms > PRI_PACER_WINDOW_MAX_MS)
    return range_error(err, "a rate window in ms", window_ms, 1000,
                       PRI_PACER_WINDOW_MAX_MS);
  size_t most = sizeof o->rates / sizeof *o->rates;
  if (o->rate_count == most)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "at most %zu rate windows", most);
  o->rates[o->rate_count][0] = requests;
  o->rates[o->rate_count++][1] = window_ms;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_read_account(pubrio_bulk_options *o,
                                                   int read_account,
                                                   pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  o->read_account = read_account != 0;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_wait(pubrio_bulk_options *o,
                                           const pubrio_wait_options *wait,
                                           pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  o->wait = wait ? *wait : pri_wait_defaults;
  o->wait.progress = NULL;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_submit_only(pubrio_bulk_options *o,
                                                  int submit_only,
                                                  pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  o->submit_only = submit_only != 0;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_journal(pubrio_bulk_options *o,
                                              const char *path,
                                              int resubmit_uncertain,
                                              pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  if (path && !*path)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "the journal path is empty");
  char *copy = path ? pri_strdup(path) : NULL;
  if (path && !copy)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  pri_free(o->journal_path);
  o->journal_path = copy;
  o->resubmit_uncertain = resubmit_uncertain != 0;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_refresh(pubrio_bulk_options *o,
                                              int refresh, pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  o->refresh = refresh != 0;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_max_credits(pubrio_bulk_options *o,
                                                  int64_t max_credits,
                                                  pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  if (max_credits < -1)
    return range_error(err, "the credit budget", max_credits, -1, INT64_MAX);
  o->max_credits = max_credits;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_prices(pubrio_bulk_options *o,
                                             int64_t email_price,
                                             int64_t phone_price,
                                             pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  /* A bound that keeps every product of a price and a count in range. */
  const int64_t most = INT64_C(1) << 40;
  if (email_price < 0 || email_price > most)
    return range_error(err, "the email price", email_price, 0, most);
  if (phone_price < 0 || phone_price > most)
    return range_error(err, "the phone price", phone_price, 0, most);
  o->prices[0] = o->prices[1] = email_price;
  o->prices[2] = phone_price;
  o->has_prices = 1;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_profile_id(pubrio_bulk_options *o,
                                                 int64_t profile_id,
                                                 pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  if (profile_id < 0)
    return range_error(err, "profile_id", profile_id, 0, INT64_MAX);
  o->profile_id = profile_id;
  o->has_profile_id = 1;
  return PUBRIO_OK;
}

int64_t pri_bulk_add_credits(int64_t a, int64_t b) {
  if (a < 0)
    a = 0;
  if (b < 0)
    b = 0;
  return a > INT64_MAX - b ? INT64_MAX : a + b;
}

int64_t pri_bulk_worst_credits(const pubrio_bulk *b, unsigned types,
                               size_t people) {
  int64_t per = 0;
  for (int bit = 0; bit < 3; bit++)
    if (types & (1u << bit))
      per += b->o.prices[bit];
  if (per && people > (size_t)(INT64_MAX / per))
    return INT64_MAX;
  return per * (int64_t)people;
}

const uint8_t *pri_bulk_person_id(const pubrio_bulk *b, size_t pos) {
  return b->people.items[pos];
}

uint8_t (*pri_bulk_batch_ids(const pubrio_bulk *b, const bulk_batch *bb))[16] {
  uint8_t(*ids)[16] = pri_malloc((bb->count ? bb->count : 1) * sizeof *ids);
  for (size_t i = 0; ids && i < bb->count; i++)
    memcpy(ids[i], b->people.items[bb->people[i]], 16);
  return ids;
}

size_t pri_bulk_add_person(pubrio_bulk *b, const uint8_t uuid[16]) {
  size_t at = pri_uuid_set_index(&b->people, uuid);
  if (at)
    return at;
  if (pri_grow(&b->person_state, &b->state_cap, b->people.count + 1,
               sizeof *b->person_state) != 0)
    return 0;
  if (pri_uuid_set_add(&b->people, uuid) < 0)
    return 0;
  b->person_state[b->people.count - 1] = 0;
  return b->people.count;
}

size_t pri_bulk_new_batch(pubrio_bulk *b, int number, size_t count) {
  if (pri_grow(&b->batches, &b->batch_cap, b->batch_count + 1,
               sizeof *b->batches) != 0)
    return SIZE_MAX;
  uint32_t *people = pri_malloc((count ? count : 1) * sizeof *people);
  if (!people)
    return SIZE_MAX;
  bulk_batch *batch = &b->batches[b->batch_count];
  memset(batch, 0, sizeof *batch);
  batch->number = number;
  batch->url = SIZE_MAX;
  batch->people = people;
  return b->batch_count++;
}

/* An accepted batch an earlier run left: collected (again) by this one. */
static int load_prior_batch(const pri_store_batch *sb, void *userdata) {
  pubrio_bulk *b = userdata;
  size_t at = pri_bulk_new_batch(b, sb->number, sb->count);
  if (at == SIZE_MAX)
    return -1;
  bulk_batch *bb = &b->batches[at];
  memcpy(bb->redeem_query_id, sb->redeem_query_id, PUBRIO_ID_LEN + 1);
  bb->types = sb->types;
  bb->has_profile_id = sb->has_profile_id;
  bb->profile_id = sb->profile_id;
  bb->state = BATCH_ACCEPTED;
  for (size_t k = 0; k < sb->count; k++) {
    size_t pos = pri_bulk_add_person(b, sb->people[k]);
    if (!pos)
      return -1;
    bb->people[bb->count++] = (uint32_t)(pos - 1);
  }
  bb->worst = pri_bulk_worst_credits(b, bb->types, bb->count);
  b->open_worst = pri_bulk_add_credits(b->open_worst, bb->worst);
  return 0;
}

/* A window's arrival can lag its start (connect, send): a margin of 2 %,
 * at most a second, keeps a server's fixed window from seeing more. */
static int64_t with_margin(int64_t window_ms) {
  int64_t margin = window_ms / 50;
  return window_ms + (margin < 1000 ? margin : 1000);
}

/* The rate budget: the minute limit and every window given, each a sliding
 * window (safe whatever the server's window phase); the account's quotas
 * join it in pri_bulk_read_account(). 0 or -1. */
static int build_pacer(pubrio_bulk *b) {
  char name[64];
  pri_pacer_free(&b->pacer); /* an empty budget: the windows follow */
  snprintf(name, sizeof name, "%d a minute", b->o.requests_per_minute);
  if (pri_pacer_add_window(&b->pacer, b->o.requests_per_minute,
                           with_margin(60000), name) < 0)
    return -1;
  for (size_t i = 0; i < b->o.rate_count; i++) {
    char text[48];
    pri_rate_format(b->o.rates[i][0], b->o.rates[i][1], text, sizeof text);
    snprintf(name, sizeof name, "--rate %s", text);
    if (pri_pacer_add_window(&b->pacer, b->o.rates[i][0],
                             with_margin(b->o.rates[i][1]), name) < 0)
      return -1;
  }
  return 0;
}

static pubrio_status open_store(pubrio_bulk *b, int read_only,
                                pubrio_error *err) {
  pubrio_status st =
      pri_store_open(&b->store, b->o.journal_path, read_only, err);
  if (st != PUBRIO_OK)
    return st;
  int64_t lowest, highest;
  if (pri_store_number_range(b->store, &lowest, &highest) != 0)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal cannot be read: %s",
                         pri_store_error(b->store));
  /* Batch numbers are 1..INT_MAX; anything else was not written by this
   * library. */
  if (lowest < 1 || highest > INT_MAX)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal holds batch number %lld, outside "
                         "1..%d: it was not written by libpubrio (start a "
                         "new journal)",
                         (long long)(lowest < 1 ? lowest : highest), INT_MAX);
  b->next_number = highest + 1;
  b->store_charged_before = pri_store_charged(b->store);
  b->prior_uncertain_worst = pri_store_uncertain_worst(b->store, b->o.prices);
  int workspace = pri_store_workspace(b->store, &b->journal_workspace);
  b->has_journal_workspace = workspace == 1;
  if (b->store_charged_before < 0 || workspace < 0 ||
      b->prior_uncertain_worst < 0 ||
      pri_store_each_accepted(b->store, load_prior_batch, b) != 0)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal cannot be read: %s",
                         pri_store_error(b->store));
  b->prior_batches = b->batch_count;
  return PUBRIO_OK;
}

/* pubrio_bulk_new(), or with @p read_only a plan that only reads the
 * store (pubrio_bulk_plan()). */
static pubrio_status bulk_new(pubrio_bulk **out, pubrio_client *client,
                              unsigned types, const pubrio_bulk_options *o,
                              int read_only, pubrio_error *err) {
  if (!out || !client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "out or client is NULL");
  *out = NULL;
  if (types == 0 ||
      (types & ~(unsigned)(PUBRIO_CONTACT_EMAIL_PERSONAL |
                           PUBRIO_CONTACT_EMAIL_WORK | PUBRIO_CONTACT_PHONE)))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "contact types 0x%x are not a combination of "
                         "PUBRIO_CONTACT_EMAIL_PERSONAL, "
                         "PUBRIO_CONTACT_EMAIL_WORK and PUBRIO_CONTACT_PHONE",
                         types);
  /* One user of a client's transfers at a time: two would take each
   * other's answers. */
  if (atomic_load(&client->bulk_runs) != 0)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "the client already has a bulk run; use another "
                         "client for a second one");
  pubrio_bulk *b = pri_calloc(1, sizeof *b);
  if (!b)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  atomic_fetch_add(&client->bulk_runs, 1);
  b->client = client;
  if (o) {
    b->o = *o;
  } else {
    b->o = default_bulk_options;
    b->o.wait = pri_wait_defaults;
  }
  b->o.journal_path = NULL;
  b->prices_given = b->o.has_prices;
  b->types = types;
  b->fatal_err.retry_after_ms = -1;
  pubrio_status st = PUBRIO_OK;
  b->adaptive = b->o.max_in_flight == 0;
  if (b->adaptive) /* slots for the most; pri_pacer_in_flight says how many */
    b->o.max_in_flight = PRI_PACER_IN_FLIGHT_MAX;
  b->slots = pri_calloc((size_t)b->o.max_in_flight, sizeof *b->slots);
  if (!b->slots || build_pacer(b) != 0 ||
      (o && o->journal_path &&
       !(b->o.journal_path = pri_strdup(o->journal_path))))
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  for (int i = 0; st == PUBRIO_OK && i < b->o.max_in_flight; i++) {
    b->slots[i].batch = SIZE_MAX;
    if (!(b->slots[i].transfer = pri_transfer_new(client->transport)))
      st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  }
  if (st == PUBRIO_OK)
    st = open_store(b, read_only, err);
  if (st != PUBRIO_OK) {
    pubrio_bulk_free(b);
    return st;
  }
  *out = b;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_new(pubrio_bulk **out, pubrio_client *client,
                              unsigned types, const pubrio_bulk_options *o,
                              pubrio_error *err) {
  return bulk_new(out, client, types, o, 0, err);
}

pubrio_status pubrio_bulk_plan(pubrio_bulk **out, pubrio_client *client,
                               unsigned types, const pubrio_bulk_options *o,
                               pubrio_error *err) {
  return bulk_new(out, client, types, o, 1, err);
}

/* Decide what this run does with a person of the input, from what the
 * store holds of it. */
static int place_person(pubrio_bulk *b, size_t pos) {
  unsigned bought, pending, uncertain, held;
  if (pri_store_person_state(b->store, b->people.items[pos], &bought, &pending,
                             &uncertain) != 0)
    return -1;
  /* Forgotten (pubrio_journal_forget()): never bought again through this
   * journal, --refresh or not; named, not handed out. */
  int forgotten = pri_store_is_forgotten(b->store, b->people.items[pos]);
  if (forgotten < 0)
    return -1;
  if (forgotten) {
    char id[PUBRIO_ID_LEN + 1];
    pri_uuid_format(b->people.items[pos], id);
    b->person_state[pos] |= PERSON_IN_INPUT;
    b->forgotten++;
    pri_log(b->client, PUBRIO_LOG_WARN,
            "%s was forgotten in this journal (pubrio forget): not bought; "
            "pubrio forget --unforget buys it again",
            id);
    return 0;
  }
  if (b->o.refresh)
    bought = 0;
  unsigned covered =
      bought | pending | (b->o.resubmit_uncertain ? 0 : uncertain);
  unsigned need = b->types & ~covered;
  uint16_t *state = &b->person_state[pos];
  *state |= PERSON_IN_INPUT | (uint16_t)(need << PERSON_NEED_SHIFT);
  if (need) {
    *state |= PERSON_SUBMITS;
    b->to_submit++;
    b->worst_to_submit = pri_bulk_add_credits(
        b->worst_to_submit, pri_bulk_worst_credits(b, need, 1));
  } else if (!(b->types & ~bought)) {
    *state |= PERSON_KNOWN;
    b->known++;
  } else if (pri_store_held(b->store, b->people.items[pos], &held) != 0) {
    return -1;
  } else if (held & b->types & ~bought) {
    pri_bulk_wait_for(b, pos); /* another run alive holds it: wait */
  } else if (b->types & pending) {
    *state |= PERSON_PENDING;
    b->prior_pending++;
  } else {
    *state |= PERSON_UNCERTAIN;
    b->prior_uncertain++;
  }
  return 0;
}

pubrio_status pubrio_bulk_add_people(pubrio_bulk *b, const char *const *ids,
                                     size_t count, pubrio_error *err) {
  if (!b || (!ids && count))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "bulk or ids is NULL");
  if (b->started)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "people are added before the run starts");
  /* Parse everything first so a bad id leaves the run untouched. */
  uint8_t(*parsed)[16] = pri_malloc((count ? count : 1) * sizeof *parsed);
  if (!parsed)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  pubrio_status st = PUBRIO_OK;
  for (size_t i = 0; i < count && st == PUBRIO_OK; i++)
    if (pri_uuid_parse(ids[i], parsed[i]) != 0) {
      char what[64];
      snprintf(what, sizeof what, "people_search_id at index %zu", i);
      st = pri_error_invalid_id(err, what, ids[i]);
    }
  if (st == PUBRIO_OK && pri_uuid_set_reserve(&b->people, count) != 0)
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  for (size_t i = 0; i < count && st == PUBRIO_OK; i++) {
    size_t pos = pri_bulk_add_person(b, parsed[i]);
    if (!pos) {
      st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    } else if (b->person_state[pos - 1] & PERSON_IN_INPUT) {
      b->duplicates++;
    } else if (place_person(b, pos - 1) != 0) {
      st =
          pri_error_set(err, PUBRIO_E_JOURNAL, "the journal cannot be read: %s",
                        pri_store_error(b->store));
    }
  }
  pri_free(parsed);
  return st;
}

void pubrio_bulk_free(pubrio_bulk *b) {
  if (!b)
    return;
  for (int i = 0; b->slots && i < b->o.max_in_flight; i++) {
    bulk_slot *s = &b->slots[i];
    pri_transfer_free(s->transfer);
    if (s->batch != SIZE_MAX)
      pri_call_end(b->client, &s->call, &s->st, PUBRIO_OK, NULL);
    pri_free(s->body);
    pubrio_batch_job_free(s->job);
    pubrio_query_result_free(s->result);
    pubrio_error_clear(&s->err);
  }
  pri_free(b->slots);
  pri_bulk_events_free(b);
  pri_bulk_kept_free(b);
  for (size_t i = 0; i < b->batch_count; i++) {
    pri_free(b->batches[i].people);
    pri_free(b->batches[i].uncertain_ids);
  }
  pri_free(b->batches);
  pri_uuid_set_free(&b->people);
  pri_free(b->person_state);
  pri_bulk_urls_free(b);
  pri_bulk_lookups_free(b);
  pri_pacer_free(&b->pacer);
  pri_store_close(b->store);
  pubrio_error_clear(&b->fatal_err);
  pubrio_error_clear(&b->problem_err);
  pri_free(b->o.journal_path);
  atomic_fetch_sub(&b->client->bulk_runs, 1);
  pri_free(b);
}

/* The charges of earlier runs, this run's, and the worst case of every
 * batch that may still be charged. */
int64_t pri_bulk_committed_credits(const pubrio_bulk *b) {
  int64_t c =
      pri_bulk_add_credits(b->store_charged_before, b->prior_uncertain_worst);
  c = pri_bulk_add_credits(c, b->credits_charged);
  return pri_bulk_add_credits(c, b->open_worst);
}

void pubrio_bulk_stats_get(const pubrio_bulk *b, pubrio_bulk_stats *out,
                           size_t out_size) {
  pubrio_bulk_stats s = {0};
  if (b) {
    size_t per = (size_t)b->o.batch_size;
    size_t new_batches = (b->to_submit + per - 1) / per;
    size_t in_flight = 0;
    for (int i = 0; i < b->o.max_in_flight; i++)
      in_flight += b->slots[i].running;
    s.people = b->to_submit + b->prior_pending + b->prior_uncertain + b->known +
               b->waiting + b->urls_to_send + b->urls_sending +
               b->urls_answered;
    s.duplicates = b->duplicates;
    s.people_journaled = b->prior_pending;
    s.people_uncertain = b->prior_uncertain;
    s.people_to_submit = b->to_submit;
    s.people_submitted = b->submitted_people;
    s.people_collected = b->collected_people;
    s.batches = b->prior_batches + new_batches;
    s.batches_accepted = b->accepted_batches;
    s.batches_collected = b->collected_batches;
    s.in_flight = in_flight;
    s.requests = b->requests;
    s.planned_requests = (long)(new_batches * (b->o.submit_only ? 1 : 2) +
                                (b->o.submit_only ? 0 : b->prior_batches) +
                                b->urls_to_send + b->urls_sending);
    int64_t now = pri_clock_now(&b->client->clock);
    s.next_request_in_ms = pri_pacer_wait_ms(&b->pacer, now);
    s.credits_charged = b->credits_charged;
    s.has_credit = b->has_credit;
    s.credit = b->credit;
    s.people_known = b->known;
    s.batches_failed = b->failed_batches;
    s.people_left_uncertain = b->prior_uncertain + b->uncertain_people;
    s.credits_worst_case = b->worst_to_submit;
    s.credits_before = b->store_charged_before;
    s.credits_committed = pri_bulk_committed_credits(b);
    s.price_email = b->o.prices[1];
    s.price_phone = b->o.prices[2];
    s.prices_known = b->o.has_prices;
    s.has_balance = b->has_balance;
    s.balance = b->balance;
    s.linkedin_urls = b->url_count;
    s.linkedin_urls_to_redeem = b->urls_to_send + b->urls_sending;
    s.linkedin_urls_redeemed = b->urls_answered;
    s.linkedin_urls_not_found = b->urls_not_found;
    for (size_t i = 0; i < b->batch_count; i++)
      if (pri_bulk_batch_uncollected(&b->batches[i])) {
        s.batches_uncollected++;
        s.people_uncollected += b->batches[i].count;
      }
    s.people_kept = b->kept_count - b->kept_resolved;
    s.people_forgotten = b->forgotten;
    pri_bulk_lookups_stats(b, &s);
    long rate = b->o.requests_per_minute;
    s.min_duration_ms = s.planned_requests
                            ? (int64_t)((s.planned_requests - 1) / rate) * 60000
                            : 0;
  }
  if (out)
    memcpy(out, &s, out_size < sizeof s ? out_size : sizeof s);
}

size_t pubrio_bulk_rate_hold(const pubrio_bulk *b, char *out, size_t size) {
  if (!b || !out || !size)
    return 0;
  int64_t now = pri_clock_now(&b->client->clock);
  if (pri_pacer_wait_ms(&b->pacer, now) == 0) {
    out[0] = '\0';
    return 0;
  }
  pri_pacer_describe(&b->pacer, now, out, size);
  return strlen(out);
}
