/* Growing arrays: the one rule every array that grows follows (double,
 * never overflow, leave the array as it was on failure), so no caller
 * writes its own. Knows nothing but memory. */
#ifndef PUBRIO_GROWTH_H
#define PUBRIO_GROWTH_H

#include <stddef.h>

/* The capacity an empty array grows to first. */
#define PRI_GROW_FIRST 8

/* Make room for at least @p need items of @p item_size bytes in the array
 * whose pointer is at @p items (a `T **`, passed as is) and whose capacity
 * is *cap: twice the capacity, at least PRI_GROW_FIRST and at least @p need.
 * 0 when there is room (nothing changes if there already was); -1 when out
 * of memory, @p item_size is 0 or need * item_size does not fit a size_t,
 * the array and *cap left as they were. */
int pri_grow(void *items, size_t *cap, size_t need, size_t item_size);

/* Grow a full ring buffer (its *cap items from *head on, wrapping) by
 * pri_grow()'s rule, keeping its order: the items from *head to the old end
 * move to the new end and *head follows them. 0 or -1 as pri_grow(). */
int pri_grow_ring(void *items, size_t *cap, size_t *head, size_t item_size);

#endif
