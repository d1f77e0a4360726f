#include "retry.h"

#include <stdlib.h>

/* Whether an outcome is worth retrying at all (ignoring the attempt budget
 * and the Retry-After cap). */
static int is_retryable(const pri_retry_policy *p, int idempotent,
                        const pri_outcome *o) {
  int may_repeat = idempotent || p->retry_unsafe;
  switch (o->kind) {
  case PRI_OUTCOME_NOT_SENT: return 1; /* the server never saw it */
  case PRI_OUTCOME_SENT_FAILED:
  case PRI_OUTCOME_TIMEOUT: return may_repeat;
  case PRI_OUTCOME_FATAL: return 0;
  case PRI_OUTCOME_HTTP: break;
  }
  /* A 429 is a refusal: the submit was provably not processed. */
  if (o->http_status == 429)
    return 1;
  if (o->http_status == 408 || o->http_status >= 500)
    return may_repeat;
  return 0;
}

int64_t pri_retry_delay_ms(const pri_retry_policy *p, int idempotent,
                           const pri_outcome *o, int attempts_made,
                           double random01) {
  if (attempts_made >= p->max_attempts || !is_retryable(p, idempotent, o))
    return -1;
  if (o->retry_after_ms >= 0)
    return o->retry_after_ms > p->max_retry_after_ms ? -1 : o->retry_after_ms;
  /* Exponential backoff with "equal jitter": half fixed, half random, so
   * clients spread out yet never retry at once. */
  int64_t delay = p->base_delay_ms;
  for (int i = 1; i < attempts_made && delay < p->max_delay_ms; i++)
    delay *= 2;
  if (delay > p->max_delay_ms)
    delay = p->max_delay_ms;
  if (random01 < 0 || random01 >= 1)
    random01 = 0;
  return delay / 2 + (int64_t)((double)(delay - delay / 2) * random01);
}
