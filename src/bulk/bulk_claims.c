/* People another run holds (a journal several runs share: a team's
 * PostgreSQL store). A person one of those runs claimed for one of our
 * types (in a batch of its own still open) is neither bought again nor
 * taken as uncertain while that run lives: this run waits, looks again
 * every PRI_BULK_CLAIM_CHECK_MS, and hands the person out from the journal
 * once bought (0 credits). A claim whose run died is what a killed run
 * leaves: uncertain (maybe charged), never resent unless asked. On a store
 * one run holds at a time nobody is ever held. */
#include "bulk.h"

/* A person held when placed (@p held: the types other live runs hold) or
 * when this run's intent found them claimed: they wait. */
void pri_bulk_wait_for(pubrio_bulk *b, size_t pos) {
  if (b->person_state[pos] & PERSON_WAITING)
    return;
  b->person_state[pos] |= PERSON_WAITING;
  b->waiting++;
}

void pri_bulk_wait_for_batch(pubrio_bulk *b, const bulk_batch *bb) {
  for (size_t i = 0; i < bb->count; i++)
    pri_bulk_wait_for(b, bb->people[i]);
}

static void stop_waiting(pubrio_bulk *b, size_t pos, uint16_t becomes) {
  b->person_state[pos] &= (uint16_t)~PERSON_WAITING;
  b->person_state[pos] |= becomes;
  b->waiting--;
  if (becomes == PERSON_KNOWN) {
    b->known++;
    if (pos < b->known_cursor)
      b->known_cursor = pos; /* handed out from the journal next */
  } else if (becomes == PERSON_UNCERTAIN) {
    b->prior_uncertain++;
  }
}

/* What became of one waiting person: 1 no longer waiting, 0 still, -1
 * when the store fails. */
static int look_again(pubrio_bulk *b, size_t pos) {
  uint16_t state = b->person_state[pos];
  if (state & PERSON_HANDED) { /* a batch this run polls answered it */
    stop_waiting(b, pos, 0);
    return 1;
  }
  const uint8_t *id = pri_bulk_person_id(b, pos);
  unsigned bought, pending, uncertain, held;
  if (pri_store_person_state(b->store, id, &bought, &pending, &uncertain) !=
          0 ||
      pri_store_held(b->store, id, &held) != 0)
    return -1;
  unsigned need = b->types & ~bought;
  /* Bought: from the journal. Held no more, not bought, but claimed: its
   * run died (maybe paid), named uncertain, never sent again by this run.
   * Claimed by nobody (a batch of ours refused for another person in it,
   * or its claim refused): submitted by this run after all. */
  if (!need) {
    stop_waiting(b, pos, PERSON_KNOWN);
  } else if (held & need) {
    return 0;
  } else if ((pending | uncertain) & need) {
    stop_waiting(b, pos, PERSON_UNCERTAIN);
  } else {
    stop_waiting(b, pos, 0);
    b->person_state[pos] |= (uint16_t)(need << PERSON_NEED_SHIFT);
    if (pos < b->cursor[need])
      b->cursor[need] = pos;
    b->to_submit++;
  }
  return 1;
}

int pri_bulk_check_waiting(pubrio_bulk *b, int64_t now) {
  if (!b->waiting || now < b->waiting_check_at)
    return 0;
  b->waiting_check_at = now + PRI_BULK_CLAIM_CHECK_MS;
  int changed = 0;
  for (size_t pos = 0; b->waiting && pos < b->people.count; pos++) {
    int r = (b->person_state[pos] & PERSON_WAITING) ? look_again(b, pos) : 0;
    if (r < 0)
      return -1;
    changed |= r;
  }
  return changed;
}

void pri_bulk_give_up_waiting(pubrio_bulk *b) {
  for (size_t pos = 0; b->waiting && pos < b->people.count; pos++)
    if (b->person_state[pos] & PERSON_WAITING)
      stop_waiting(b, pos, PERSON_UNCERTAIN);
}
