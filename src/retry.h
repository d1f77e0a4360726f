/* Retry policy: a pure function of (outcome, attempt, headers, clock, random),
 * so it is tested without a network or a real sleep. */
#ifndef PUBRIO_RETRY_H
#define PUBRIO_RETRY_H

#include <stdint.h>

typedef struct pri_retry_policy {
  int max_attempts;           /* total attempts, >= 1 */
  int64_t base_delay_ms;      /* first backoff */
  int64_t max_delay_ms;       /* backoff cap */
  int64_t max_retry_after_ms; /* longer Retry-After: give up, report it */
  int retry_unsafe;           /* opt-in: retry a submit after it was sent */
} pri_retry_policy;

#define PRI_RETRY_DEFAULTS                                                     \
  { 3, 500, 8000, 60000, 0 }

/* What one attempt came to. */
typedef enum pri_outcome_kind {
  PRI_OUTCOME_HTTP,        /* a response with http_status */
  PRI_OUTCOME_NOT_SENT,    /* failed before the request left: DNS, refused,
                              TLS handshake, connect timeout */
  PRI_OUTCOME_SENT_FAILED, /* reset or closed after (maybe) sending */
  PRI_OUTCOME_TIMEOUT,     /* timed out after (maybe) sending */
  PRI_OUTCOME_FATAL        /* certificate, oversize body, no memory */
} pri_outcome_kind;

typedef struct pri_outcome {
  pri_outcome_kind kind;
  long http_status;
  int64_t retry_after_ms; /* -1 when the server sent none */
} pri_outcome;

/* Milliseconds to wait before the next attempt, or -1 to stop.
 * @p idempotent: 0 for the submit (spends credits), 1 for the query.
 * @p attempts_made counts from 1. @p random01 is in [0, 1). */
int64_t pri_retry_delay_ms(const pri_retry_policy *policy, int idempotent,
                           const pri_outcome *outcome, int attempts_made,
                           double random01);

#endif
