#include "pacer.h"
#include "alloc.h"

#include <stdlib.h>

enum { WINDOW_MS = 60000 };

int pri_pacer_set_limit(pri_pacer *pacer, int per_minute) {
  int64_t *starts = NULL;
  if (per_minute > 0) {
    starts = pri_calloc((size_t)per_minute, sizeof *starts);
    if (!starts)
      return -1;
  }
  pri_free(pacer->starts);
  pacer->starts = starts;
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

void pri_pacer_record(pri_pacer *pacer, int64_t now_ms) {
  if (pacer->limit == 0)
    return;
  pacer->starts[pacer->next] = now_ms;
  pacer->next = (pacer->next + 1) % pacer->limit;
  if (pacer->count < pacer->limit)
    pacer->count++;
}

void pri_pacer_free(pri_pacer *pacer) {
  pri_free(pacer->starts);
  pacer->starts = NULL;
  pacer->limit = pacer->count = pacer->next = 0;
}
