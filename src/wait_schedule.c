/* Wait options and the one poll schedule, shared by
 * pubrio_redeem_people_batch_wait() and the bulk engine: the first poll after
 * the estimate (capped), then delays growing 1.5x with jitter between the
 * minimum and maximum, never past the deadline. Pure functions of time. */
#include "wait_schedule.h"
#include "alloc.h"

#include "error.h"

#include <stdlib.h>

const pubrio_wait_options pri_wait_defaults = {.timeout_ms = 600000,
                                               .min_delay_ms = 1000,
                                               .max_delay_ms = 30000,
                                               .first_delay_ms = -1};

pubrio_status pubrio_wait_options_new(pubrio_wait_options **out,
                                      pubrio_error *err) {
  if (!out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "out is NULL");
  *out = pri_malloc(sizeof **out);
  if (!*out)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  **out = pri_wait_defaults;
  return PUBRIO_OK;
}

void pubrio_wait_options_free(pubrio_wait_options *options) {
  pri_free(options);
}

pubrio_status pubrio_wait_options_set_timeout(pubrio_wait_options *o,
                                              int64_t timeout_ms,
                                              pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  if (timeout_ms <= 0)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "wait timeout must be > 0 ms");
  o->timeout_ms = timeout_ms;
  return PUBRIO_OK;
}

pubrio_status pubrio_wait_options_set_delays(pubrio_wait_options *o,
                                             int64_t min_delay_ms,
                                             int64_t max_delay_ms,
                                             pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  if (min_delay_ms <= 0 || max_delay_ms < min_delay_ms)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "wait delays need 0 < min <= max (got %lld, %lld)",
                         (long long)min_delay_ms, (long long)max_delay_ms);
  o->min_delay_ms = min_delay_ms;
  o->max_delay_ms = max_delay_ms;
  return PUBRIO_OK;
}

pubrio_status pubrio_wait_options_set_first_delay(pubrio_wait_options *o,
                                                  int64_t delay_ms,
                                                  pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  if (delay_ms < -1)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "first delay must be >= 0, or -1 for the estimate");
  o->first_delay_ms = delay_ms;
  return PUBRIO_OK;
}

pubrio_status pubrio_wait_options_set_progress(pubrio_wait_options *o,
                                               pubrio_progress_fn fn,
                                               void *userdata,
                                               pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  o->progress = fn;
  o->userdata = userdata;
  return PUBRIO_OK;
}

/* Delay after poll number @p polls: grows by 1.5x from the minimum to the
 * maximum, plus up to 25% jitter, and never below the minimum. */
static int64_t backoff_ms(const pubrio_wait_options *o, int polls,
                          double random01) {
  double d = (double)o->min_delay_ms;
  for (int i = 1; i < polls && d < (double)o->max_delay_ms; i++)
    d *= 1.5;
  d *= 1.0 + 0.25 * random01;
  if (d > (double)o->max_delay_ms)
    d = (double)o->max_delay_ms;
  return (int64_t)d;
}

/* The next sleep, trimmed so that the minimum delay is still left for the
 * poll after it (as AWS waiters do): that poll's request needs time too.
 * -1 when no poll fits: the sleep would have to be shorter than the minimum
 * delay (polling faster than allowed) to leave that much. */
static int64_t trimmed_delay_ms(const pubrio_wait_options *o, int64_t wanted,
                                int64_t now, int64_t deadline) {
  int64_t room = deadline - now - o->min_delay_ms;
  if (room < o->min_delay_ms)
    return -1;
  return wanted < room ? wanted : room;
}

int64_t pri_wait_deadline(const pubrio_wait_options *o, int64_t start) {
  return o->timeout_ms > INT64_MAX - start ? INT64_MAX : start + o->timeout_ms;
}

int64_t pri_wait_first_delay(const pubrio_wait_options *o, int64_t estimate_ms,
                             int64_t now, int64_t deadline) {
  /* An estimate longer than the longest delay is not slept on in one go:
   * the batch may well be ready sooner. */
  int64_t first =
      o->first_delay_ms >= 0 ? o->first_delay_ms
      : estimate_ms > 0
          ? (estimate_ms < o->max_delay_ms ? estimate_ms : o->max_delay_ms)
          : 0;
  int64_t delay = first > 0 ? trimmed_delay_ms(o, first, now, deadline) : 0;
  return delay < 0 ? 0 : delay; /* no room to wait for the estimate: ask now */
}

int64_t pri_wait_next_delay(const pubrio_wait_options *o, int polls,
                            double random01, int64_t now, int64_t deadline) {
  return trimmed_delay_ms(o, backoff_ms(o, polls, random01), now, deadline);
}
