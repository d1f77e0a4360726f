/* A bulk run's contact lookups: entries de-duplicated by their whole-entry
 * key, placed from what the journal knows of each key, sent one request at
 * a time (the plan keeps two entries that could give the same answer input
 * apart, and maps each match back to its own entry), the key's answer
 * recorded, and each person found joining the roster for the types the run
 * still needs, so a person named twice (two entries, or an id row) is
 * bought once. Every input entry gets its own event. The requests are
 * started and ended in bulk_engine.c. */
#include "alloc.h"
#include "bulk.h"
#include "call.h"

#include "error.h"
#include "growth.h"
#include "json.h"
#include "log.h"
#include "lookup.h"
#include "util/uuid.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef enum lk_state {
  LK_TO_SEND,
  LK_SENDING,
  LK_FOUND,
  LK_NOT_FOUND,
  LK_UNCERTAIN,     /* asked without an answer: maybe charged, not resent */
  LK_FAILED,        /* refused, nothing spent */
  LK_NOT_LOOKED_UP, /* needs similarity, which is off */
} lk_state;

/* A distinct whole-entry key, and what became of it. */
typedef struct lk_key {
  char *key;
  uint8_t state;
  uint8_t from_store;    /* answered by an earlier run */
  uint8_t bought_before; /* its person needed nothing from this run */
  uint8_t forgotten;
  uint8_t confidence; /* LK_FOUND: a pubrio_lookup_confidence */
  uint8_t person[16];
  /* What the journal held before this run asked it again (--refresh or
   * resubmitting): put back when its request is refused. */
  uint8_t prior_state, prior_confidence;
  uint8_t prior_person[16];
  size_t sent;   /* its entry in the request sent, or SIZE_MAX */
  size_t first;  /* its first input entry */
  char *message; /* LK_UNCERTAIN / LK_FAILED: why */
} lk_key;

struct pri_bulk_lookups {
  pubrio_lookup_request *req; /* the distinct entries to send */
  size_t *req_key;            /* per entry of req: its key */
  pri_lookup_plan plan;
  int planned;
  lk_key *keys;
  size_t key_count;
  size_t input_count;
  size_t *input_key;  /* per input entry: its key */
  size_t *next_input; /* the next input entry of the same key, or SIZE_MAX */
  uint8_t *handed;
  size_t *ready; /* input entries answered but not found: a queue */
  size_t ready_head, ready_count;
  size_t final_cursor;
  size_t *batch; /* the request prepared or in flight */
  size_t batch_n;
  int prepared, in_flight;
  int stopped;   /* a request failed: no further lookup in this run */
  int64_t worst; /* the request in flight's worst case */
  pri_lookup_answer_list list;
  size_t batch_size;
  int64_t charged; /* credits this run's lookups were charged */
};

static const char NEEDS_SIMILARITY[] =
    "only a name with a company or domain: looked up only with similarity "
    "search enabled (a similarity match can name the wrong person)";

static void key_free(lk_key *k) {
  pri_free(k->key);
  pri_free(k->message);
}

void pri_bulk_lookups_free(pubrio_bulk *b) {
  pri_bulk_lookups *l = b->lookups;
  if (!l)
    return;
  pubrio_lookup_request_free(l->req);
  if (l->planned)
    pri_lookup_plan_free(&l->plan);
  for (size_t i = 0; i < l->key_count; i++)
    key_free(&l->keys[i]);
  pri_free(l->keys);
  pri_free(l->req_key);
  pri_free(l->input_key);
  pri_free(l->next_input);
  pri_free(l->handed);
  pri_free(l->ready);
  pri_free(l->batch);
  pri_lookup_answer_list_free(&l->list);
  pri_free(l);
  b->lookups = NULL;
}

/* Lower-cased @p s appended to @p out at *len (room checked by caller). */
static void append_lower(char *out, size_t *len, const char *s) {
  for (; *s; s++)
    out[(*len)++] = (char)tolower((unsigned char)*s);
  out[*len] = 0;
}

/* The whole-entry key: every identifier of the entry, normalized, joined
 * by '|' ("e:a@b.c", "p:+1555", "n:first last|d:acme.io"). Malloc'd; NULL
 * when out of memory. */
static char *whole_key(const pri_lookup_entry *e) {
  static const struct {
    int field;
    char cls;
  } ids[] = {{PUBRIO_LOOKUP_EMAIL, 'e'},
             {PUBRIO_LOOKUP_PHONE, 'p'},
             {PUBRIO_LOOKUP_DOMAIN, 'd'},
             {PUBRIO_LOOKUP_COMPANY, 'c'}};
  size_t room = 8;
  for (int f = 0; f < PRI_LOOKUP_FIELDS; f++)
    room += e->field[f] ? strlen(e->field[f]) + 8 : 0;
  char *out = pri_malloc(room), *part;
  if (!out)
    return NULL;
  size_t len = 0;
  out[0] = 0;
  if (e->field[PUBRIO_LOOKUP_FIRST_NAME] || e->field[PUBRIO_LOOKUP_LAST_NAME]) {
    append_lower(out, &len, "n:");
    append_lower(out, &len,
                 e->field[PUBRIO_LOOKUP_FIRST_NAME]
                     ? e->field[PUBRIO_LOOKUP_FIRST_NAME]
                     : "");
    append_lower(out, &len, " ");
    append_lower(out, &len,
                 e->field[PUBRIO_LOOKUP_LAST_NAME]
                     ? e->field[PUBRIO_LOOKUP_LAST_NAME]
                     : "");
  }
  for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
    if (!e->field[ids[i].field])
      continue;
    if (!(part = pri_lookup_key(ids[i].cls, e->field[ids[i].field])))
      continue; /* normalizes to nothing: the plan refused it already */
    if (len)
      append_lower(out, &len, "|");
    memcpy(out + len, part, strlen(part) + 1); /* already normalized */
    len += strlen(part);
    pri_free(part);
  }
  return out;
}

/* FNV-1a: a key's slot in the index that de-duplicates entries. */
static uint64_t text_hash(const char *text) {
  uint64_t h = 0xcbf29ce484222325u;
  for (; *text; text++)
    h = (h ^ (unsigned char)*text) * 0x100000001b3u;
  return h;
}

static void push_ready(pri_bulk_lookups *l, size_t key) {
  for (size_t i = l->keys[key].first; i != SIZE_MAX; i = l->next_input[i])
    l->ready[(l->ready_head + l->ready_count++) % l->input_count] = i;
}

/* Copy entry @p src of @p from into a new entry of @p to; 0 or -1. */
static int copy_entry(pubrio_lookup_request *to,
                      const pubrio_lookup_request *from, size_t src) {
  size_t at;
  if (pubrio_lookup_request_add_entry(to, &at, NULL) != PUBRIO_OK)
    return -1;
  for (int f = 0; f < PRI_LOOKUP_FIELDS; f++)
    if (from->entries[src].field[f] &&
        !(to->entries[at].field[f] = pri_strdup(from->entries[src].field[f])))
      return -1;
  return 0;
}

/* What the journal knows of key @p k decides what this run does with it;
 * 0 or -1 when the store fails. */
static int place_key(pubrio_bulk *b, pri_bulk_lookups *l, size_t k) {
  lk_key *key = &l->keys[k];
  pri_stored_lookup known = {0};
  if (pri_store_lookup_state(b->store, key->key, &known) != 0)
    return -1;
  if (known.state == PRI_STORED_LOOKUP_ASKED && !b->o.resubmit_uncertain &&
      !b->o.refresh) {
    key->state = LK_UNCERTAIN;
    key->message = pri_strdup(
        "an earlier run asked this lookup without an answer (maybe "
        "charged): not asked again unless uncertain requests are resent");
    push_ready(l, k);
    return 0;
  }
  if (known.state == PRI_STORED_LOOKUP_NOT_FOUND && !b->o.refresh) {
    key->state = LK_NOT_FOUND;
    key->from_store = 1;
    push_ready(l, k);
    return 0;
  }
  if (known.state == PRI_STORED_LOOKUP_FOUND && !b->o.refresh) {
    key->state = LK_FOUND;
    key->from_store = 1;
    key->confidence = (uint8_t)known.confidence;
    memcpy(key->person, known.person, 16);
    return 0; /* joins the roster when the run starts (every id is in) */
  }
  key->state = LK_TO_SEND;
  key->prior_state = (uint8_t)known.state;
  key->prior_confidence = (uint8_t)known.confidence;
  memcpy(key->prior_person, known.person, 16);
  return 0;
}

pubrio_status pubrio_bulk_add_lookups(pubrio_bulk *b,
                                      const pubrio_lookup_request *request,
                                      pubrio_error *err) {
  if (!b || !request)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "bulk or request is NULL");
  if (b->started)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "lookups are added before the run starts");
  if (b->lookups)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "a run takes one lookup request (its entries are "
                         "numbered by it)");
  if (request->count == 0)
    return PUBRIO_OK;
  pri_lookup_plan check;
  if (pri_lookup_plan_init(&check, request, err) != PUBRIO_OK)
    return err ? err->status : PUBRIO_E_INVALID_ARGUMENT;
  size_t n = request->count;
  pri_bulk_lookups *l = pri_calloc(1, sizeof *l);
  int ok = l != NULL;
  if (ok) {
    b->lookups = l;
    l->input_count = n;
    l->keys = pri_calloc(n, sizeof *l->keys);
    l->req_key = pri_calloc(n, sizeof *l->req_key);
    l->input_key = pri_calloc(n, sizeof *l->input_key);
    l->next_input = pri_calloc(n, sizeof *l->next_input);
    l->handed = pri_calloc(n, 1);
    l->ready = pri_calloc(n, sizeof *l->ready);
    l->batch_size = request->batch_size;
    l->batch = pri_calloc(l->batch_size, sizeof *l->batch);
    ok = l->keys && l->req_key && l->input_key && l->next_input && l->handed &&
         l->ready && l->batch &&
         pubrio_lookup_request_new(&l->req, NULL) == PUBRIO_OK;
  }
  if (ok) {
    l->req->similarity = request->similarity;
    l->req->profile_id = request->profile_id >= 0 ? request->profile_id
                         : b->o.has_profile_id    ? b->o.profile_id
                                                  : -1; /* the run's */
    l->req->batch_size = request->batch_size;
  }
  size_t *last = ok ? pri_calloc(n, sizeof *last) : NULL;
  size_t index_cap = 64;
  while (index_cap < n * 2)
    index_cap *= 2;
  size_t *index = ok ? pri_calloc(index_cap, sizeof *index) : NULL;
  ok = ok && last && index;
  for (size_t i = 0; ok && i < n; i++) {
    char *key = whole_key(&request->entries[i]);
    if (!(ok = key != NULL))
      break;
    size_t slot = (size_t)text_hash(key) & (index_cap - 1);
    while (index[slot] && strcmp(l->keys[index[slot] - 1].key, key) != 0)
      slot = (slot + 1) & (index_cap - 1);
    size_t k = index[slot] ? index[slot] - 1 : l->key_count;
    if (!index[slot])
      index[slot] = k + 1;
    l->input_key[i] = k;
    l->next_input[i] = SIZE_MAX;
    if (k < l->key_count) {
      pri_free(key);
      b->duplicates++;
      l->next_input[last[k]] = i;
      last[k] = i;
      continue;
    }
    l->key_count++;
    lk_key *nk = &l->keys[k];
    nk->key = key;
    nk->first = last[k] = i;
    nk->sent = SIZE_MAX;
  }
  pri_free(last);
  pri_free(index);
  pubrio_status st = PUBRIO_OK;
  if (!ok)
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  for (size_t k = 0; st == PUBRIO_OK && k < l->key_count; k++) {
    size_t first = l->keys[k].first;
    if (check.kind[first] == PRI_LOOKUP_REFUSE) {
      l->keys[k].state = LK_NOT_LOOKED_UP;
      push_ready(l, k);
      continue;
    }
    if (place_key(b, l, k) != 0)
      st =
          pri_error_set(err, PUBRIO_E_JOURNAL, "the journal cannot be read: %s",
                        pri_store_error(b->store));
    else if (l->keys[k].state == LK_TO_SEND) {
      l->keys[k].sent = l->req->count;
      l->req_key[l->req->count] = k;
      if (copy_entry(l->req, request, first) != 0)
        st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    }
  }
  if (st == PUBRIO_OK && l->req->count) {
    if (pri_lookup_plan_init(&l->plan, l->req, err) != PUBRIO_OK)
      st = err ? err->status : PUBRIO_E_OUT_OF_MEMORY;
    else
      l->planned = 1;
  }
  pri_lookup_plan_free(&check);
  if (st != PUBRIO_OK)
    pri_bulk_lookups_free(b); /* all or nothing */
  return st;
}

/* The person of found key @p k joins the roster for the types this run
 * still needs, unless an id row or another entry holds it: 0 or -1. */
static int place_found(pubrio_bulk *b, lk_key *k) {
  size_t pos = pri_bulk_add_person(b, k->person);
  if (!pos)
    return -1;
  uint16_t *state = &b->person_state[pos - 1];
  if (*state & (PERSON_IN_INPUT | PERSON_LOOKED_UP))
    return 0;
  *state |= PERSON_LOOKED_UP;
  int forgotten = pri_store_is_forgotten(b->store, k->person);
  unsigned bought, pending, uncertain;
  if (forgotten < 0 || pri_store_person_state(b->store, k->person, &bought,
                                              &pending, &uncertain) != 0)
    return -1;
  if (forgotten) {
    k->forgotten = 1;
    b->forgotten++;
    return 0;
  }
  if (b->o.refresh)
    bought = 0;
  unsigned need = b->types & ~(bought | pending |
                               (b->o.resubmit_uncertain ? 0 : uncertain));
  if (need) {
    *state |= (uint16_t)(need << PERSON_NEED_SHIFT) | PERSON_SUBMITS;
    if (pos - 1 < b->cursor[need])
      b->cursor[need] = pos - 1;
    b->to_submit++;
    b->worst_to_submit = pri_bulk_add_credits(
        b->worst_to_submit, pri_bulk_worst_credits(b, need, 1));
  } else if (!(b->types & ~bought)) {
    k->bought_before = 1;
  }
  return 0;
}

int pri_bulk_lookups_begin(pubrio_bulk *b) {
  pri_bulk_lookups *l = b->lookups;
  for (size_t k = 0; l && k < l->key_count; k++)
    if (l->keys[k].state == LK_FOUND && place_found(b, &l->keys[k]) != 0)
      return -1;
  return 0;
}

size_t pri_bulk_lookup_next(pubrio_bulk *b, int *busy) {
  pri_bulk_lookups *l = b->lookups;
  *busy = 0;
  if (!l || !l->planned || l->stopped)
    return 0;
  if (l->in_flight) {
    *busy = 1;
    return 0;
  }
  if (!l->prepared) {
    l->batch_n = pri_lookup_plan_next(&l->plan, l->batch_size, l->batch);
    l->prepared = l->batch_n > 0;
  }
  return l->prepared ? l->batch_n : 0;
}

int pri_bulk_lookup_start(pubrio_bulk *b, bulk_slot *s) {
  pri_bulk_lookups *l = b->lookups;
  l->in_flight = 1;
  l->prepared = 0;
  l->worst = (int64_t)l->batch_n;
  b->open_worst = pri_bulk_add_credits(b->open_worst, l->worst);
  pri_stored_lookup *rows = pri_calloc(l->batch_n, sizeof *rows);
  for (size_t i = 0; rows && i < l->batch_n; i++) {
    lk_key *k = &l->keys[l->req_key[l->batch[i]]];
    k->state = LK_SENDING;
    rows[i] =
        (pri_stored_lookup){.key = k->key, .state = PRI_STORED_LOOKUP_ASKED};
  }
  s->body = pri_json_lookup_batch_body(l->req, l->batch, l->batch_n);
  int stored = rows && s->body &&
               pri_store_lookups_record(b->store, rows, l->batch_n) == 0;
  pri_free(rows);
  s->call = (pri_call){.path = "/redeem/people/contact/lookup/batch",
                       .body = s->body ? s->body : "",
                       .idempotent = 0, /* it spends credits */
                       .parse = pri_json_parse_lookup,
                       .out = &l->list};
  return stored ? 0 : -1;
}

/* The request's keys are not asked after all (nothing was processed): each
 * goes back to what the journal held before (its charges kept), or to
 * never asked. */
static void record_new(pubrio_bulk *b, pri_bulk_lookups *l) {
  pri_stored_lookup *rows = pri_calloc(l->batch_n, sizeof *rows);
  for (size_t i = 0; rows && i < l->batch_n; i++) {
    const lk_key *k = &l->keys[l->req_key[l->batch[i]]];
    rows[i] = (pri_stored_lookup){.key = k->key,
                                  .state = k->prior_state,
                                  .confidence = k->prior_confidence};
    memcpy(rows[i].person, k->prior_person, 16);
  }
  if (rows) /* left ASKED, a rerun would only not resend them */
    pri_store_lookups_record(b->store, rows, l->batch_n);
  pri_free(rows);
}

/* The request's entries go back to be sent again: nothing was processed. */
static void send_again(pubrio_bulk *b, pri_bulk_lookups *l) {
  for (size_t i = 0; i < l->batch_n; i++)
    l->keys[l->req_key[l->batch[i]]].state = LK_TO_SEND;
  pri_lookup_plan_return(&l->plan, l->batch, l->batch_n);
  record_new(b, l);
}

/* Each entry of the request still sending ends as @p state, with @p why. */
static void end_sending(pri_bulk_lookups *l, lk_state state, const char *why) {
  for (size_t i = 0; i < l->batch_n; i++) {
    size_t k = l->req_key[l->batch[i]];
    if (l->keys[k].state != LK_SENDING)
      continue;
    l->keys[k].state = (uint8_t)state;
    pri_free(l->keys[k].message);
    l->keys[k].message = why ? pri_strdup(why) : NULL;
    push_ready(l, k);
  }
}

/* Map each match to the request's entry that could have produced its input,
 * into @p found (per request position: the match, or NULL); PUBRIO_OK or
 * PUBRIO_E_PROTOCOL naming the match. */
static pubrio_status map_matches(pri_bulk_lookups *l, pri_lookup_match **found,
                                 pubrio_error *err) {
  for (size_t m = 0; m < l->list.count; m++) {
    pri_lookup_match *match = &l->list.matches[m];
    char cls = pri_lookup_input_class(match->input_type);
    char *key = cls && match->input_value
                    ? pri_lookup_key(cls, match->input_value)
                    : NULL;
    size_t owner = key ? pri_lookup_plan_owner(&l->plan, key) : SIZE_MAX;
    pri_free(key);
    uint8_t uuid[16];
    size_t at = 0;
    while (owner != SIZE_MAX && at < l->batch_n && l->batch[at] != owner)
      at++;
    if (owner != SIZE_MAX && at < l->batch_n && !found[at] &&
        match->people_search_id &&
        pri_uuid_parse(match->people_search_id, uuid) == 0) {
      found[at] = match;
      continue;
    }
    return pri_error_set(err, PUBRIO_E_PROTOCOL,
                         "the lookup answer's match %zu maps to no single "
                         "entry of its request (or names no valid person): "
                         "the request's unmapped entries are left uncertain "
                         "(maybe charged), never guessed",
                         m);
  }
  return PUBRIO_OK;
}

/* The answer: found and not-found keys recorded in one transaction, each
 * person found joining the roster. PUBRIO_OK, or why the run stops. */
static pubrio_status answered(pubrio_bulk *b, pri_bulk_lookups *l,
                              pubrio_error *err) {
  pri_lookup_match **found = pri_calloc(l->batch_n, sizeof *found);
  pri_stored_lookup *rows = pri_calloc(l->batch_n, sizeof *rows);
  if (!found || !rows) {
    pri_free(found);
    pri_free(rows);
    end_sending(l, LK_UNCERTAIN, "out of memory reading the answer");
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  }
  int64_t charged =
      l->list.has_total_credit_cost ? l->list.total_credit_cost : 0;
  int64_t billable = 0; /* the contract's price when the total is short */
  for (size_t m = 0; m < l->list.count; m++)
    billable += !l->list.matches[m].is_duplicate_input;
  if (billable > charged)
    charged = billable;
  b->credits_charged = pri_bulk_add_credits(b->credits_charged, charged);
  l->charged = pri_bulk_add_credits(l->charged, charged);
  pubrio_status st = map_matches(l, found, err);
  size_t n = 0;
  for (size_t i = 0; i < l->batch_n; i++) {
    lk_key *k = &l->keys[l->req_key[l->batch[i]]];
    if (found[i]) {
      pri_uuid_parse(found[i]->people_search_id, k->person);
      k->confidence =
          (uint8_t)(found[i]->confidence == NULL
                        ? PUBRIO_LOOKUP_CONFIDENCE_OTHER
                    : strcmp(found[i]->confidence, "exact") == 0
                        ? PUBRIO_LOOKUP_EXACT
                    : strcmp(found[i]->confidence, "similarity_domain") == 0
                        ? PUBRIO_LOOKUP_SIMILARITY_DOMAIN
                    : strcmp(found[i]->confidence, "similarity_company") == 0
                        ? PUBRIO_LOOKUP_SIMILARITY_COMPANY
                        : PUBRIO_LOOKUP_CONFIDENCE_OTHER);
      rows[n++] = (pri_stored_lookup){.key = k->key,
                                      .state = PRI_STORED_LOOKUP_FOUND,
                                      .confidence = k->confidence,
                                      .charged = !found[i]->is_duplicate_input};
      memcpy(rows[n - 1].person, k->person, 16);
    } else if (st == PUBRIO_OK) {
      rows[n++] = (pri_stored_lookup){.key = k->key,
                                      .state = PRI_STORED_LOOKUP_NOT_FOUND};
    }
  }
  /* What the answer charged past its billable matches goes on the first
   * row, so the journal holds the request's whole charge. */
  if (n && charged > billable)
    rows[0].charged += charged - billable;
  pubrio_status out = st;
  if (pri_store_lookups_record(b->store, rows, n) != 0) {
    end_sending(l, LK_UNCERTAIN, "the journal could not store the answer");
    out = pri_error_set(err, PUBRIO_E_JOURNAL,
                        "the journal could not store a lookup's answer (%s)",
                        pri_store_error(b->store));
  } else {
    for (size_t i = 0; i < l->batch_n && out != PUBRIO_E_OUT_OF_MEMORY; i++) {
      lk_key *k = &l->keys[l->req_key[l->batch[i]]];
      if (!found[i])
        continue;
      k->state = LK_FOUND;
      if (place_found(b, k) != 0)
        out = pri_error_set(err, PUBRIO_E_JOURNAL,
                            "the journal cannot be read: %s",
                            pri_store_error(b->store));
    }
    if (st == PUBRIO_OK)
      end_sending(l, LK_NOT_FOUND, NULL);
    else
      end_sending(l, LK_UNCERTAIN, err && err->message ? err->message : "");
  }
  pri_free(found);
  pri_free(rows);
  return out;
}

pubrio_status pri_bulk_lookup_settle(pubrio_bulk *b, bulk_slot *s,
                                     pubrio_status status) {
  pri_bulk_lookups *l = b->lookups;
  l->in_flight = 0;
  pubrio_status out = PUBRIO_OK;
  if (status == PUBRIO_OK) {
    if (b->open_worst != INT64_MAX)
      b->open_worst -= l->worst;
    out = answered(b, l, &s->err);
  } else if (s->err.submit_state == PUBRIO_SUBMIT_NOT_SPENT &&
             (status == PUBRIO_E_RATE_LIMITED ||
              ((status == PUBRIO_E_CANCELLED || status == PUBRIO_E_TIMEOUT) &&
               s->err.attempts == 0))) {
    if (b->open_worst != INT64_MAX)
      b->open_worst -= l->worst;
    send_again(b, l);
  } else if (status == PUBRIO_E_BAD_REQUEST && l->batch_n > 1 &&
             pri_lookup_refused_size(&s->err)) {
    if (b->open_worst != INT64_MAX) /* nothing processed: smaller again */
      b->open_worst -= l->worst;
    l->batch_size = l->batch_n / 2;
    send_again(b, l);
  } else if (s->err.submit_state == PUBRIO_SUBMIT_NOT_SPENT) {
    if (b->open_worst != INT64_MAX)
      b->open_worst -= l->worst;
    record_new(b, l); /* refused: nothing was processed, nothing asked */
    end_sending(l, LK_FAILED, s->err.message);
    out = status;
  } else {
    end_sending(l, LK_UNCERTAIN, s->err.message); /* worst kept: maybe paid */
    out = status;
  }
  pri_lookup_answer_list_free(&l->list);
  memset(&l->list, 0, sizeof l->list);
  l->stopped = out != PUBRIO_OK;
  return out;
}

/* The event of input entry @p i; 1 when filled, -1 when the store fails. */
static int entry_event(pubrio_bulk *b, pri_bulk_lookups *l, size_t i,
                       pubrio_bulk_event *ev) {
  lk_key *k = &l->keys[l->input_key[i]];
  memset(ev, 0, sizeof *ev);
  ev->lookup_entry = i + 1;
  ev->from_store = k->from_store;
  switch ((lk_state)k->state) {
  case LK_NOT_FOUND: ev->kind = PUBRIO_BULK_NOT_FOUND; break;
  case LK_NOT_LOOKED_UP:
    ev->kind = PUBRIO_BULK_NOT_FOUND;
    ev->message = NEEDS_SIMILARITY;
    break;
  case LK_FOUND: {
    ev->lookup_confidence =
        pubrio_lookup_confidence_str((pubrio_lookup_confidence)k->confidence);
    size_t pos = pri_bulk_add_person(b, k->person);
    if (!pos--)
      return -1; /* out of memory: tried again */
    unsigned bought = 0, pending, uncertain;
    if (!k->forgotten && pri_store_person_state(b->store, k->person, &bought,
                                                &pending, &uncertain) != 0)
      return -1;
    if (k->forgotten || (b->types & ~bought)) {
      ev->kind = PUBRIO_BULK_BATCH_FAILED;
      ev->status = k->forgotten ? PUBRIO_OK : PUBRIO_E_CANCELLED;
      ev->message = k->forgotten
                        ? "its person was forgotten in this journal "
                          "(pubrio forget): not bought"
                        : "its person was found but not bought (the purchase "
                          "failed or the run stopped first)";
      break;
    }
    pubrio_query_result_free(b->person_out);
    b->person_out = pri_store_read_person(b->store, k->person, b->types);
    if (!b->person_out)
      return -1;
    ev->kind = PUBRIO_BULK_PERSON;
    ev->person = pubrio_query_result_person(b->person_out, 0);
    ev->from_store = k->bought_before ||
                     (b->person_state[pos] & PERSON_LOOKUP_HANDED) ||
                     (b->person_state[pos] & PERSON_HANDED);
    b->person_state[pos] |= PERSON_LOOKUP_HANDED;
    b->collected_people++;
    break;
  }
  case LK_TO_SEND:
  case LK_SENDING:
    ev->kind = PUBRIO_BULK_BATCH_FAILED;
    ev->status = PUBRIO_E_CANCELLED;
    ev->message = "not looked up: the run stopped before its request left "
                  "(nothing spent)";
    break;
  case LK_UNCERTAIN:
  case LK_FAILED:
    ev->kind = PUBRIO_BULK_BATCH_FAILED;
    ev->status =
        k->state == LK_UNCERTAIN ? PUBRIO_E_PROTOCOL : PUBRIO_E_BAD_REQUEST;
    ev->message = k->message ? k->message : "the lookup failed";
    break;
  }
  l->handed[i] = 1;
  return 1;
}

int pri_bulk_lookup_event(pubrio_bulk *b, pubrio_bulk_event *ev, int final) {
  pri_bulk_lookups *l = b->lookups;
  if (!l)
    return 0;
  if (l->ready_count) {
    size_t i = l->ready[l->ready_head];
    int r = entry_event(b, l, i, ev);
    if (r > 0) {
      l->ready_head = (l->ready_head + 1) % l->input_count;
      l->ready_count--;
    }
    return r;
  }
  while (final && l->final_cursor < l->input_count) {
    size_t i = l->final_cursor;
    if (l->handed[i]) {
      l->final_cursor++;
      continue;
    }
    int r = entry_event(b, l, i, ev);
    if (r > 0)
      l->final_cursor++;
    return r;
  }
  return 0;
}

void pri_bulk_lookups_stats(const pubrio_bulk *b, pubrio_bulk_stats *s) {
  const pri_bulk_lookups *l = b->lookups;
  if (!l)
    return;
  s->lookups = l->key_count;
  for (size_t k = 0; k < l->key_count; k++)
    switch ((lk_state)l->keys[k].state) {
    case LK_TO_SEND:
    case LK_SENDING: s->lookups_to_send++; break;
    case LK_FOUND: s->lookups_found++; break;
    case LK_NOT_FOUND: s->lookups_not_found++; break;
    case LK_UNCERTAIN: s->lookups_uncertain++; break;
    case LK_FAILED:
    case LK_NOT_LOOKED_UP: break;
    }
  s->lookup_credits = l->charged;
  /* The fewest lookup requests: full ones (the plan may need more). */
  if (s->lookups_to_send && l->batch_size)
    s->planned_requests +=
        (long)((s->lookups_to_send + l->batch_size - 1) / l->batch_size);
  /* Each entry still to send may name a person needing every asked type. */
  if (s->lookups_to_send)
    s->credits_worst_case = pri_bulk_add_credits(
        s->credits_worst_case,
        pri_bulk_worst_credits(b, b->types, s->lookups_to_send));
}

int pri_bulk_lookups_keep_resolved(pubrio_bulk *b) {
  pri_bulk_lookups *l = b->lookups;
  for (size_t i = 0; l && i < l->input_count; i++) {
    lk_key *k = &l->keys[l->input_key[i]];
    if (l->handed[i] || k->state != LK_FOUND)
      continue;
    if (pri_grow(&b->kept, &b->kept_cap, b->kept_count + 1, sizeof *b->kept))
      return -1;
    /* The person alone: its id, no contacts (none were asked for). */
    pubrio_query_result *named = pri_store_read_person(b->store, k->person, 0);
    if (!named)
      return -1;
    bulk_kept *kept = &b->kept[b->kept_count++];
    memset(kept, 0, sizeof *kept);
    kept->result = named;
    kept->event.kind = PUBRIO_BULK_RESOLVED;
    kept->event.person = pubrio_query_result_person(named, 0);
    kept->event.lookup_entry = i + 1;
    kept->event.lookup_confidence =
        pubrio_lookup_confidence_str((pubrio_lookup_confidence)k->confidence);
    kept->event.from_store = k->from_store;
    b->kept_resolved++;
    l->handed[i] = 1;
  }
  return 0;
}
