/* An insertion-ordered set of UUIDs: the people of a batch, deduplicated in
 * O(1) per add so a 100,000-person request stays linear. */
#ifndef PUBRIO_UUID_SET_H
#define PUBRIO_UUID_SET_H

#include <stddef.h>
#include <stdint.h>

typedef struct pri_uuid_set {
  uint8_t (*items)[16]; /* in insertion order */
  size_t count;
  size_t items_cap;
  uint32_t *slots;  /* open addressing: index + 1 into items, 0 = empty */
  size_t slots_cap; /* power of two */
} pri_uuid_set;

/* Returns 1 when added, 0 when already present, -1 when out of memory. */
int pri_uuid_set_add(pri_uuid_set *set, const uint8_t uuid[16]);
/* Position + 1 of @p uuid in insertion order, or 0 when absent. */
size_t pri_uuid_set_index(const pri_uuid_set *set, const uint8_t uuid[16]);
/* Make room for @p extra more items; 0 or -1 when out of memory. */
int pri_uuid_set_reserve(pri_uuid_set *set, size_t extra);
void pri_uuid_set_free(pri_uuid_set *set);

#endif
