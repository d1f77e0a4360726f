/* Wait options and the poll schedule: pure functions of the clock. */
#ifndef PUBRIO_WAIT_SCHEDULE_H
#define PUBRIO_WAIT_SCHEDULE_H

#include "pubrio/pubrio.h"

struct pubrio_wait_options {
  int64_t timeout_ms;
  int64_t min_delay_ms;
  int64_t max_delay_ms;
  int64_t first_delay_ms; /* -1: the estimate when known, else 0 */
  pubrio_progress_fn progress;
  void *userdata;
};

/* 10 min deadline, delays 1 s to 30 s, first poll after the estimate. */
extern const pubrio_wait_options pri_wait_defaults;

/* The clock time a wait started at @p start must end by. */
int64_t pri_wait_deadline(const pubrio_wait_options *options, int64_t start);

/* The sleep before the first poll of a batch estimated at @p estimate_ms
 * (-1: unknown): the estimate, capped at the maximum delay and trimmed to
 * the deadline; 0 to poll at once. */
int64_t pri_wait_first_delay(const pubrio_wait_options *options,
                             int64_t estimate_ms, int64_t now,
                             int64_t deadline);

/* The sleep after poll number @p polls found the batch incomplete; -1 when
 * no further poll fits before the deadline. @p random01 is the jitter. */
int64_t pri_wait_next_delay(const pubrio_wait_options *options, int polls,
                            double random01, int64_t now, int64_t deadline);

#endif
