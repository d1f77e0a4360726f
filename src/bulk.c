/* Bulk runs: options, creating a run (and loading its journal), adding
 * people, counts and what is left. The loop itself is in bulk_engine.c. */
#include "bulk.h"
#include "alloc.h"

#include "buf.h"
#include "error.h"
#include "uuid.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

static const pubrio_bulk_options default_bulk_options = {
    .batch_size = 100,
    .max_in_flight = 8, /* 5 requests/s x 1.5 s latency: see pubrio.h */
    .requests_per_minute = 300,
    .max_credits = -1};

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

#define NEED_OPTIONS(o)                                                        \
  if (!(o))                                                                    \
  return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL")

pubrio_status pubrio_bulk_options_set_batch_size(pubrio_bulk_options *o,
                                                 int batch_size,
                                                 pubrio_error *err) {
  NEED_OPTIONS(o);
  if (batch_size < 1 || batch_size > 100)
    return range_error(err, "batch size", batch_size, 1, 100);
  o->batch_size = batch_size;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_max_in_flight(pubrio_bulk_options *o,
                                                    int max_in_flight,
                                                    pubrio_error *err) {
  NEED_OPTIONS(o);
  if (max_in_flight < 1 || max_in_flight > 64)
    return range_error(err, "requests in flight", max_in_flight, 1, 64);
  o->max_in_flight = max_in_flight;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_rate_limit(pubrio_bulk_options *o,
                                                 int requests_per_minute,
                                                 pubrio_error *err) {
  NEED_OPTIONS(o);
  if (requests_per_minute < 1 || requests_per_minute > 1000000)
    return range_error(err, "requests per minute", requests_per_minute, 1,
                       1000000);
  o->requests_per_minute = requests_per_minute;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_wait(pubrio_bulk_options *o,
                                           const pubrio_wait_options *wait,
                                           pubrio_error *err) {
  NEED_OPTIONS(o);
  o->wait = wait ? *wait : pri_wait_defaults;
  o->wait.progress = NULL;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_submit_only(pubrio_bulk_options *o,
                                                  int submit_only,
                                                  pubrio_error *err) {
  NEED_OPTIONS(o);
  o->submit_only = submit_only != 0;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_journal(pubrio_bulk_options *o,
                                              const char *path,
                                              int resubmit_uncertain,
                                              pubrio_error *err) {
  NEED_OPTIONS(o);
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

pubrio_status pubrio_bulk_options_set_max_credits(pubrio_bulk_options *o,
                                                  int64_t max_credits,
                                                  pubrio_error *err) {
  NEED_OPTIONS(o);
  if (max_credits < -1)
    return range_error(err, "the credit budget", max_credits, -1, INT64_MAX);
  o->max_credits = max_credits;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_options_set_profile_id(pubrio_bulk_options *o,
                                                 int64_t profile_id,
                                                 pubrio_error *err) {
  NEED_OPTIONS(o);
  if (profile_id < 0)
    return range_error(err, "profile_id", profile_id, 0, INT64_MAX);
  o->profile_id = profile_id;
  o->has_profile_id = 1;
  return PUBRIO_OK;
}

int64_t pri_bulk_worst_credits(const pubrio_bulk *b, size_t people) {
  return (int64_t)people * b->type_count;
}

/* Add @p uuid (origin @p origin) unless present; its position + 1, or 0
 * when out of memory. */
static size_t add_person(pubrio_bulk *b, const uint8_t uuid[16], int origin) {
  size_t at = pri_uuid_set_index(&b->people, uuid);
  if (at)
    return at;
  if (b->people.count == b->state_cap) {
    size_t cap = b->state_cap ? b->state_cap * 2 : 1024;
    uint8_t *grown = pri_realloc(b->person_state, cap);
    if (!grown)
      return 0;
    b->person_state = grown;
    b->state_cap = cap;
  }
  if (pri_uuid_set_add(&b->people, uuid) < 0)
    return 0;
  b->person_state[b->people.count - 1] = (uint8_t)origin;
  return b->people.count;
}

size_t pri_bulk_new_batch(pubrio_bulk *b, int number, size_t count) {
  if (b->batch_count == b->batch_cap) {
    size_t cap = b->batch_cap ? b->batch_cap * 2 : 64;
    bulk_batch *grown = pri_realloc(b->batches, cap * sizeof *grown);
    if (!grown)
      return SIZE_MAX;
    b->batches = grown;
    b->batch_cap = cap;
  }
  uint32_t *people = pri_malloc((count ? count : 1) * sizeof *people);
  if (!people)
    return SIZE_MAX;
  bulk_batch *batch = &b->batches[b->batch_count];
  memset(batch, 0, sizeof *batch);
  batch->number = number;
  batch->people = people;
  return b->batch_count++;
}

/* What earlier runs left: their accepted batches (collected again) and
 * the people whose submit got no answer. */
static pubrio_status load_journal(pubrio_bulk *b, pubrio_error *err) {
  pubrio_status st =
      pri_journal_open(&b->journal, b->o.journal_path, b->types, err);
  if (st != PUBRIO_OK)
    return st;
  b->next_number = pri_journal_next_number(b->journal);
  for (size_t i = 0; i < pri_journal_batch_count(b->journal); i++) {
    const pri_journal_batch *jb = pri_journal_batch_at(b->journal, i);
    size_t at = pri_bulk_new_batch(b, jb->number, jb->count);
    if (at == SIZE_MAX)
      return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    bulk_batch *batch = &b->batches[at];
    memcpy(batch->redeem_query_id, jb->redeem_query_id, PUBRIO_ID_LEN + 1);
    batch->state = b->o.submit_only ? BATCH_DONE : BATCH_ACCEPTED;
    for (size_t k = 0; k < jb->count; k++) {
      size_t pos = add_person(b, jb->people[k], PERSON_JOURNALED);
      if (!pos)
        return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
      batch->people[batch->count++] = (uint32_t)(pos - 1);
    }
  }
  b->journal_batches = b->batch_count;
  const pri_uuid_set *uncertain = pri_journal_uncertain(b->journal);
  for (size_t k = 0; k < uncertain->count; k++)
    if (!add_person(b, uncertain->items[k], PERSON_UNCERTAIN))
      return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  /* New batches scan from the start: journaled people are never taken,
   * uncertain ones only when resubmitting is asked for. */
  b->torn_line = pri_journal_torn_line_dropped(b->journal);
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_new(pubrio_bulk **out, pubrio_client *client,
                              unsigned types, const pubrio_bulk_options *o,
                              pubrio_error *err) {
  if (!out || !client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "out or client is NULL");
  *out = NULL;
  if (types == 0 || (types & ~(unsigned)(PUBRIO_CONTACT_EMAIL_PERSONAL |
                                         PUBRIO_CONTACT_EMAIL_WORK |
                                         PUBRIO_CONTACT_PHONE)))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "contact types 0x%x are not a combination of "
                         "PUBRIO_CONTACT_EMAIL_PERSONAL, "
                         "PUBRIO_CONTACT_EMAIL_WORK and PUBRIO_CONTACT_PHONE",
                         types);
  pubrio_bulk *b = pri_calloc(1, sizeof *b);
  if (!b)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  b->client = client;
  if (o) {
    b->o = *o;
  } else {
    b->o = default_bulk_options;
    b->o.wait = pri_wait_defaults;
  }
  b->o.journal_path = NULL;
  b->types = types;
  for (unsigned bit = 1; bit <= PUBRIO_CONTACT_PHONE; bit <<= 1)
    b->type_count += (types & bit) != 0;
  b->next_number = 1;
  b->fatal_err.retry_after_ms = -1;
  pubrio_status st = PUBRIO_OK;
  b->slots = pri_calloc((size_t)b->o.max_in_flight, sizeof *b->slots);
  if (!b->slots ||
      pri_pacer_set_limit(&b->pacer, b->o.requests_per_minute) != 0 ||
      (o && o->journal_path && !(b->o.journal_path = pri_strdup(o->journal_path))))
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  for (int i = 0; st == PUBRIO_OK && i < b->o.max_in_flight; i++) {
    b->slots[i].batch = SIZE_MAX;
    if (!(b->slots[i].transfer = pri_transfer_new(client->transport)))
      st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  }
  if (st == PUBRIO_OK && b->o.journal_path)
    st = load_journal(b, err);
  if (st != PUBRIO_OK) {
    pubrio_bulk_free(b);
    return st;
  }
  *out = b;
  return PUBRIO_OK;
}

pubrio_status pubrio_bulk_add_people(pubrio_bulk *b, const char *const *ids,
                                     size_t count, pubrio_error *err) {
  if (!b || (!ids && count))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "bulk or ids is NULL");
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
    size_t pos = add_person(b, parsed[i], PERSON_NEW);
    if (!pos) {
      st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
      break;
    }
    uint8_t *state = &b->person_state[pos - 1];
    if (*state & PERSON_IN_INPUT) {
      b->duplicates++;
      continue;
    }
    *state |= PERSON_IN_INPUT;
    int origin = *state & PERSON_ORIGIN;
    if (origin == PERSON_JOURNALED)
      b->journaled++;
    else if (origin == PERSON_UNCERTAIN && !b->o.resubmit_uncertain)
      b->uncertain++;
    else
      b->to_submit++;
  }
  pri_free(parsed);
  return st;
}

int pri_bulk_submits(const pubrio_bulk *b, size_t pos) {
  uint8_t state = b->person_state[pos];
  int origin = state & PERSON_ORIGIN;
  return (state & PERSON_IN_INPUT) &&
         (origin == PERSON_NEW ||
          (origin == PERSON_UNCERTAIN && b->o.resubmit_uncertain));
}

void pri_bulk_item_free(bulk_item *item) {
  pubrio_batch_job_free(item->job);
  pubrio_query_result_free(item->result);
  pri_free(item->ids);
  pri_free(item->id_ptrs);
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
  for (size_t i = 0; i < b->item_count; i++)
    pri_bulk_item_free(&b->items[(b->item_head + i) % b->item_cap]);
  pri_free(b->items);
  for (size_t i = 0; i < b->batch_count; i++)
    pri_free(b->batches[i].people);
  pri_free(b->batches);
  pri_uuid_set_free(&b->people);
  pri_free(b->person_state);
  pri_pacer_free(&b->pacer);
  pri_journal_close(b->journal);
  pubrio_error_clear(&b->fatal_err);
  pri_free(b->o.journal_path);
  pri_free(b);
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
    s.people = b->to_submit + b->journaled + b->uncertain;
    s.duplicates = b->duplicates;
    s.people_journaled = b->journaled;
    s.people_uncertain = b->uncertain;
    s.people_to_submit = b->to_submit;
    s.people_submitted = b->submitted_people;
    s.people_collected = b->collected_people;
    s.batches = b->journal_batches + new_batches;
    s.batches_accepted = b->accepted_batches;
    s.batches_collected = b->collected_batches;
    s.in_flight = in_flight;
    s.requests = b->requests;
    s.planned_requests =
        (long)(new_batches * (b->o.submit_only ? 1 : 2) +
               (b->o.submit_only ? 0 : b->journal_batches));
    long rate = b->o.requests_per_minute;
    s.min_duration_ms =
        s.planned_requests ? (int64_t)((s.planned_requests - 1) / rate) * 60000
                           : 0;
    s.next_request_in_ms =
        pri_pacer_wait_ms(&b->pacer, pri_clock_now(&b->client->clock));
    s.credits_charged = b->credits_charged;
    s.has_credit = b->has_credit;
    s.credit = b->credit;
    s.journal_torn_line_dropped = b->torn_line;
  }
  if (out)
    memcpy(out, &s, out_size < sizeof s ? out_size : sizeof s);
}

const char *pubrio_bulk_uncollected(const pubrio_bulk *b, size_t index,
                                    size_t *people_count) {
  for (size_t i = 0; b && i < b->batch_count; i++) {
    const bulk_batch *batch = &b->batches[i];
    if (batch->state != BATCH_ACCEPTED && batch->state != BATCH_POLLING)
      continue;
    if (index-- == 0) {
      if (people_count)
        *people_count = batch->count;
      return batch->redeem_query_id;
    }
  }
  return NULL;
}
