#include "uuid_set.h"
#include "alloc.h"
#include "growth.h"

#include <stdlib.h>
#include <string.h>

static size_t hash(const uint8_t uuid[16]) {
  /* FNV-1a: ids may be chosen by anyone, so do not trust them to be random. */
  uint64_t h = 1469598103934665603ull;
  for (int i = 0; i < 16; i++)
    h = (h ^ uuid[i]) * 1099511628211ull;
  return (size_t)(h ^ (h >> 32));
}

static size_t find_slot(const pri_uuid_set *set, const uint8_t uuid[16]) {
  size_t mask = set->slots_cap - 1;
  size_t i = hash(uuid) & mask;
  while (set->slots[i] && memcmp(set->items[set->slots[i] - 1], uuid, 16) != 0)
    i = (i + 1) & mask;
  return i;
}

static int rehash(pri_uuid_set *set, size_t slots_cap) {
  uint32_t *slots = pri_calloc(slots_cap, sizeof *slots);
  if (!slots)
    return -1;
  pri_free(set->slots);
  set->slots = slots;
  set->slots_cap = slots_cap;
  for (size_t i = 0; i < set->count; i++)
    set->slots[find_slot(set, set->items[i])] = (uint32_t)(i + 1);
  return 0;
}

int pri_uuid_set_reserve(pri_uuid_set *set, size_t extra) {
  if (extra > UINT32_MAX - 1 - set->count)
    return -1;
  size_t need = set->count + extra;
  if (pri_grow(&set->items, &set->items_cap, need, sizeof *set->items) != 0)
    return -1;
  /* Keep the table at most half full so probes stay short. */
  if (need * 2 > set->slots_cap) {
    size_t cap = set->slots_cap ? set->slots_cap : 32;
    while (need * 2 > cap)
      cap *= 2;
    return rehash(set, cap);
  }
  return 0;
}

/* Whether @p uuid is in the set. */
static int contains(const pri_uuid_set *set, const uint8_t uuid[16]) {
  return set->slots_cap && set->slots[find_slot(set, uuid)] != 0;
}

size_t pri_uuid_set_index(const pri_uuid_set *set, const uint8_t uuid[16]) {
  return set->slots_cap ? set->slots[find_slot(set, uuid)] : 0;
}

int pri_uuid_set_add(pri_uuid_set *set, const uint8_t uuid[16]) {
  if (contains(set, uuid))
    return 0;
  if (pri_uuid_set_reserve(set, 1) != 0)
    return -1;
  memcpy(set->items[set->count], uuid, 16);
  set->count++;
  set->slots[find_slot(set, uuid)] = (uint32_t)set->count;
  return 1;
}

void pri_uuid_set_free(pri_uuid_set *set) {
  pri_free(set->items);
  pri_free(set->slots);
  memset(set, 0, sizeof *set);
}
