/* A bulk run's LinkedIn URLs: normalized, de-duplicated by their text,
 * placed from what the store knows of each (answered, uncertain, new), and
 * the link from a URL's answer to the people of the input: an id waiting
 * in the roster for the types a URL bought for the same person is not
 * submitted for them. The single redeems themselves are started and ended
 * in bulk_engine.c. */
#include "alloc.h"
#include "bulk.h"

#include "error.h"
#include "growth.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

/* FNV-1a: a URL's slot in the index. */
static uint64_t text_hash(const char *text) {
  uint64_t h = 0xcbf29ce484222325u;
  for (; *text; text++)
    h = (h ^ (unsigned char)*text) * 0x100000001b3u;
  return h;
}

/* The index slot of @p url: its own, or the empty one it would take. */
static size_t index_slot(const pubrio_bulk *b, const char *url) {
  size_t mask = b->url_index_cap - 1;
  size_t i = (size_t)text_hash(url) & mask;
  while (b->url_index[i] && strcmp(b->urls[b->url_index[i] - 1].url, url) != 0)
    i = (i + 1) & mask;
  return i;
}

/* Room for @p extra more URLs, the index at most half full; 0 or -1. */
static int reserve(pubrio_bulk *b, size_t extra) {
  if (extra > SIZE_MAX / 4 - b->url_count)
    return -1;
  size_t want = b->url_count + extra;
  if (pri_grow(&b->urls, &b->url_cap, want, sizeof *b->urls) != 0)
    return -1;
  if (want * 2 <= b->url_index_cap)
    return 0;
  size_t cap = 64;
  while (cap < want * 2)
    cap *= 2;
  uint32_t *index = pri_calloc(cap, sizeof *index);
  if (!index)
    return -1;
  pri_free(b->url_index);
  b->url_index = index;
  b->url_index_cap = cap;
  for (size_t k = 0; k < b->url_count; k++)
    b->url_index[index_slot(b, b->urls[k].url)] = (uint32_t)(k + 1);
  return 0;
}

/* Decide what this run does with a URL, from what the store knows of it:
 * 0, or -1 when the store fails. */
static int place_url(pubrio_bulk *b, bulk_url *u) {
  uint8_t person[16];
  int known = pri_store_url_state(b->store, u->url, person);
  int forgotten = known < 0 ? -1 : pri_store_url_forgotten(b->store, u->url);
  if (known < 0 || forgotten < 0)
    return -1;
  u->need = b->types;
  if (forgotten) { /* pubrio forget: never redeemed again, named */
    pri_log(b->client, PUBRIO_LOG_WARN,
            "%s was forgotten in this journal (pubrio forget): not bought",
            u->url);
    u->state = URL_NOT_FOUND;
    u->known = 1;
    b->known++;
    b->urls_not_found++;
    b->forgotten++;
    return 0;
  }
  if (known == PRI_URL_UNCERTAIN && !b->o.resubmit_uncertain) {
    u->state = URL_UNCERTAIN;
    b->prior_uncertain++;
    return 0;
  }
  if (known == PRI_URL_NOT_FOUND && !b->o.refresh) {
    u->state = URL_NOT_FOUND;
    u->known = 1;
    b->known++;
    b->urls_not_found++;
    return 0;
  }
  if (known == PRI_URL_NAMED && !b->o.refresh) {
    unsigned bought, pending, uncertain;
    size_t pos = pri_bulk_add_person(b, person);
    if (!pos || pri_store_person_state(b->store, person, &bought, &pending,
                                       &uncertain) != 0)
      return -1;
    u->person = (uint32_t)(pos - 1);
    /* Types another batch holds are not bought again by the URL. */
    unsigned covered =
        bought | pending | (b->o.resubmit_uncertain ? 0 : uncertain);
    u->need = b->types & ~covered;
    if (!(b->types & ~bought)) {
      u->state = URL_NAMED;
      u->known = 1;
      b->known++;
      return 0;
    }
    if (!u->need) {
      u->state = URL_LEFT; /* collected by its batch, handed out by a rerun */
      b->prior_pending++;
      return 0;
    }
  }
  u->state = URL_TO_SEND;
  b->urls_to_send++;
  b->worst_to_submit = pri_bulk_add_credits(
      b->worst_to_submit, pri_bulk_worst_credits(b, u->need, 1));
  return 0;
}

pubrio_status pubrio_bulk_add_linkedin_urls(pubrio_bulk *b,
                                            const char *const *urls,
                                            size_t count, pubrio_error *err) {
  if (!b || (!urls && count))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "bulk or linkedin_urls is NULL");
  if (b->started)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "people are added before the run starts");
  /* Normalize everything first so a bad URL leaves the run untouched. */
  char(*canonical)[PUBRIO_LINKEDIN_URL_MAX] =
      pri_malloc((count ? count : 1) * sizeof *canonical);
  if (!canonical)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  pubrio_status st = PUBRIO_OK;
  for (size_t i = 0; i < count && st == PUBRIO_OK; i++) {
    pubrio_error why = {0};
    if (!urls[i])
      st = pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "linkedin_url at index %zu is NULL", i);
    else if (pubrio_linkedin_url_normalize(
                 urls[i], canonical[i], sizeof canonical[i], &why) != PUBRIO_OK)
      st = pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "linkedin_url at index %zu: %s", i,
                         why.message ? why.message : "refused");
    pubrio_error_clear(&why);
  }
  if (st == PUBRIO_OK && reserve(b, count) != 0)
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  for (size_t i = 0; i < count && st == PUBRIO_OK; i++) {
    size_t slot = index_slot(b, canonical[i]);
    if (b->url_index[slot]) {
      b->duplicates++;
      continue;
    }
    bulk_url *u = &b->urls[b->url_count];
    memset(u, 0, sizeof *u);
    if (!(u->url = pri_strdup(canonical[i]))) {
      st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    } else if (place_url(b, u) != 0) {
      pri_free(u->url);
      st =
          pri_error_set(err, PUBRIO_E_JOURNAL, "the journal cannot be read: %s",
                        pri_store_error(b->store));
    } else {
      b->url_index[slot] = (uint32_t)++b->url_count;
    }
  }
  pri_free(canonical);
  return st;
}

size_t pri_bulk_next_url(pubrio_bulk *b) {
  while (b->url_cursor < b->url_count &&
         b->urls[b->url_cursor].state != URL_TO_SEND)
    b->url_cursor++;
  return b->url_cursor < b->url_count ? b->url_cursor : SIZE_MAX;
}

void pri_bulk_requeue_url(pubrio_bulk *b, size_t url) {
  b->urls[url].state = URL_TO_SEND;
  b->urls_to_send++;
  if (url < b->url_cursor)
    b->url_cursor = url;
}

void pri_bulk_url_named(pubrio_bulk *b, size_t url, size_t pos,
                        unsigned types) {
  b->urls[url].person = (uint32_t)pos;
  uint16_t *state = &b->person_state[pos];
  unsigned need = pri_bulk_need(*state);
  /* Only a person still waiting for a batch: one in a batch already is
   * past saving. */
  if (!(*state & (PERSON_IN_INPUT | PERSON_LOOKED_UP)) ||
      !(*state & PERSON_SUBMITS) || !need)
    return;
  need &= ~types;
  *state =
      (uint16_t)((*state & ~PERSON_NEED_MASK) | (need << PERSON_NEED_SHIFT));
  if (need)
    return;
  *state &= (uint16_t)~PERSON_SUBMITS;
  b->to_submit--;
  unsigned bought, pending, uncertain;
  if (pri_store_person_state(b->store, pri_bulk_person_id(b, pos), &bought,
                             &pending, &uncertain) == 0 &&
      !(b->types & ~bought)) {
    *state |= PERSON_KNOWN;
    b->known++;
    if (pos < b->known_cursor)
      b->known_cursor = pos; /* handed out from the store */
  }
}

void pri_bulk_urls_free(pubrio_bulk *b) {
  for (size_t i = 0; i < b->url_count; i++)
    pri_free(b->urls[i].url);
  pri_free(b->urls);
  pri_free(b->url_index);
  b->urls = NULL;
  b->url_index = NULL;
  b->url_count = b->url_cap = b->url_index_cap = 0;
}
