#include "pacer.h"

#include "alloc.h"

enum { WINDOW_MS = 60000 };

int pri_pacer_set_limit(pri_pacer *pacer, int per_minute) {
  pri_free(pacer->starts);
  pacer->starts = NULL;
  pacer->cap = 0;
  pacer->limit = per_minute > 0 ? per_minute : 0;
  pacer->count = pacer->next = 0;
  return 0;
}

int64_t pri_pacer_wait_ms(const pri_pacer *pacer, int64_t now_ms) {
  if (pacer->limit == 0 || pacer->count < pacer->limit)
    return 0;
  /* The oldest of the last `limit` starts must be a full window ago. */
  int64_t oldest = pacer->starts[pacer->next];
  int64_t wait = oldest + WINDOW_MS - now_ms;
  return wait > 0 ? wait : 0;
}

/* The ring grows with the starts recorded, so a high limit costs memory
 * only once that many requests were made. It cannot have wrapped while it
 * is not full, so growing it keeps its order. */
static int grow(pri_pacer *pacer) {
  int cap = pacer->cap ? pacer->cap * 2 : 64;
  if (cap > pacer->limit)
    cap = pacer->limit;
  int64_t *starts = pri_realloc(pacer->starts, (size_t)cap * sizeof *starts);
  if (!starts)
    return -1;
  pacer->starts = starts;
  pacer->cap = cap;
  return 0;
}

void pri_pacer_record(pri_pacer *pacer, int64_t now_ms) {
  if (pacer->limit == 0)
    return;
  if (pacer->count == pacer->cap && pacer->count < pacer->limit &&
      grow(pacer) != 0) {
    /* Out of memory: forget the oldest start instead; the window is then
     * kept over fewer requests, never over more. */
    if (!pacer->cap)
      return;
    pacer->limit = pacer->cap;
  }
  pacer->starts[pacer->next] = now_ms;
  pacer->next = (pacer->next + 1) % pacer->limit;
  if (pacer->count < pacer->limit)
    pacer->count++;
}

void pri_pacer_free(pri_pacer *pacer) {
  pri_free(pacer->starts);
  pacer->starts = NULL;
  pacer->limit = pacer->count = pacer->next = pacer->cap = 0;
}
