#include "growth.h"
#include "alloc.h"

#include <stdint.h>
#include <string.h>

/* The array pointer is read and written through memcpy: a `T **` is passed
 * as void *, never accessed as a `void **` it is not. */
int pri_grow(void *items, size_t *cap, size_t need, size_t item_size) {
  if (need <= *cap)
    return 0;
  if (item_size == 0 || need > SIZE_MAX / item_size)
    return -1;
  size_t grown = *cap ? *cap : PRI_GROW_FIRST / 2;
  grown = grown > SIZE_MAX / item_size / 2 ? need : grown * 2;
  if (grown < need)
    grown = need;
  void *old;
  memcpy(&old, items, sizeof old);
  void *data = pri_realloc(old, grown * item_size);
  if (!data)
    return -1;
  memcpy(items, &data, sizeof data);
  *cap = grown;
  return 0;
}

int pri_grow_ring(void *items, size_t *cap, size_t *head, size_t item_size) {
  size_t old_cap = *cap;
  if (old_cap == SIZE_MAX || pri_grow(items, cap, old_cap + 1, item_size) != 0)
    return -1;
  if (*head == 0)
    return 0; /* in order already */
  unsigned char *data;
  memcpy(&data, items, sizeof data);
  size_t tail = old_cap - *head; /* the items from the head to the old end */
  memmove(data + (*cap - tail) * item_size, data + *head * item_size,
          tail * item_size);
  *head = *cap - tail;
  return 0;
}
