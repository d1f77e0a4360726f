#include "retry.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>

int pri_retry_is_retryable(const pri_retry_policy *p, int idempotent,
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
  if (attempts_made >= p->max_attempts ||
      !pri_retry_is_retryable(p, idempotent, o))
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

static int parse_nonnegative(const char *s, int64_t *out) {
  while (isspace((unsigned char)*s))
    s++;
  if (!isdigit((unsigned char)*s))
    return 0;
  errno = 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  while (isspace((unsigned char)*end))
    end++;
  if (*end || errno == ERANGE)
    return 0;
  *out = v;
  return 1;
}

int64_t pri_retry_after_parse(const char *retry_after,
                              const char *retry_after_ms, time_t now_epoch) {
  int64_t v;
  if (retry_after_ms && parse_nonnegative(retry_after_ms, &v))
    return v;
  if (!retry_after)
    return -1;
  if (parse_nonnegative(retry_after, &v))
    return v > INT64_MAX / 1000 ? INT64_MAX : v * 1000;
  time_t when = curl_getdate(retry_after, NULL); /* HTTP date */
  if (when == (time_t)-1)
    return -1;
  return when <= now_epoch ? 0 : (int64_t)(when - now_epoch) * 1000;
}
