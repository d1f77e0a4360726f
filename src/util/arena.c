#include "arena.h"
#include "alloc.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct pri_arena_chunk {
  pri_arena_chunk *next;
  size_t used;
  size_t cap;
  alignas(max_align_t) unsigned char data[];
};

/* Small first chunks suit a submit answer; growth suits a big query. */
enum { CHUNK_MIN = 512 };

static size_t round_up(size_t n) {
  size_t a = alignof(max_align_t);
  return (n + a - 1) / a * a;
}

void *pri_arena_alloc(pri_arena *arena, size_t size) {
  if (size > SIZE_MAX / 2)
    return NULL;
  size = round_up(size ? size : 1);
  pri_arena_chunk *c = arena->head;
  if (!c || c->cap - c->used < size) {
    /* Chunks grow with the arena, keeping the count logarithmic. */
    size_t cap = arena->total / 2 > CHUNK_MIN ? arena->total / 2 : CHUNK_MIN;
    if (cap < size)
      cap = size;
    c = pri_malloc(sizeof *c + cap);
    if (!c)
      return NULL;
    c->next = arena->head;
    c->used = 0;
    c->cap = cap;
    arena->head = c;
    arena->total += sizeof *c + cap;
  }
  void *p = c->data + c->used;
  c->used += size;
  memset(p, 0, size);
  return p;
}

void *pri_arena_calloc(pri_arena *arena, size_t count, size_t size) {
  if (size && count > SIZE_MAX / 2 / size)
    return NULL;
  return pri_arena_alloc(arena, count * size);
}

char *pri_arena_strdup(pri_arena *arena, const char *str) {
  size_t len = strlen(str);
  char *copy = pri_arena_alloc(arena, len + 1);
  if (copy)
    memcpy(copy, str, len + 1);
  return copy;
}

void pri_arena_free(pri_arena *arena) {
  while (arena->head) {
    pri_arena_chunk *next = arena->head->next;
    pri_free(arena->head);
    arena->head = next;
  }
  arena->total = 0;
}
