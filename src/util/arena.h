/* A bump allocator: a result's strings and arrays live in one arena so one
 * free releases them all and parsing makes few, large allocations. */
#ifndef PUBRIO_ARENA_H
#define PUBRIO_ARENA_H

#include <stddef.h>

typedef struct pri_arena_chunk pri_arena_chunk;
typedef struct pri_arena {
  pri_arena_chunk *head;
  size_t total; /* bytes requested from malloc, for benchmarks */
} pri_arena;

/* Zeroed, max-aligned memory; NULL when out of memory. */
void *pri_arena_alloc(pri_arena *arena, size_t size);
void *pri_arena_calloc(pri_arena *arena, size_t count, size_t size);
char *pri_arena_strdup(pri_arena *arena, const char *str);
void pri_arena_free(pri_arena *arena);

#endif
