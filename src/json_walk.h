/* Walking the outer levels of a JSON text without building a tree for them:
 * objects and arrays are stepped through member by member, and each value in
 * them is still parsed by cJSON. This lets a 100,000-person query answer be
 * converted one person at a time, so the peak memory is the result plus one
 * person's tree instead of the whole answer's tree (5.8x its size). */
#ifndef PUBRIO_JSON_WALK_H
#define PUBRIO_JSON_WALK_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct pri_walk {
  const char *p;
  const char *end;
  int malformed; /* set on the first syntax error; every call then fails */
  int no_memory; /* ...which was cJSON running out of memory */
} pri_walk;

/* Consume @p open ('{' or '[') if it comes next; 1 if it did, else 0. */
int pri_walk_enter(pri_walk *w, char open);
/* Before each member or element: 1 when one follows (its ',' consumed),
 * 0 at @p close (consumed) or on malformed text. @p count counts members. */
int pri_walk_next(pri_walk *w, char close, size_t *count);
/* A member's key and its ':'; NULL (and malformed) if not there. */
cJSON *pri_walk_key(pri_walk *w);
/* One whole value parsed by cJSON; NULL (and malformed) if not valid. */
cJSON *pri_walk_value(pri_walk *w);

#endif
