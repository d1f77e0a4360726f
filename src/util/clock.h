/* The time source every wait goes through, so tests can replace it. */
#ifndef PUBRIO_CLOCK_H
#define PUBRIO_CLOCK_H

#include "cancel.h"
#include "pubrio/pubrio.h"

typedef struct pri_clock {
  pubrio_now_fn now;
  pubrio_sleep_fn sleep; /* NULL: the default, which a cancel wakes */
  pubrio_random_fn random;
  void *userdata;
  uint64_t rng_state; /* for the default random source */
  pri_cancel *cancel; /* wakes the default sleep */
} pri_clock;

/* The monotonic clock in milliseconds: what real waits are measured in. */
int64_t pri_clock_monotonic_ms(void);

/* The real monotonic clock, a cancellable sleep and a seeded xorshift. */
void pri_clock_init_default(pri_clock *clock, pri_cancel *cancel);
int64_t pri_clock_now(pri_clock *clock);
/* Sleep @p ms (less when cancelled; a caller-supplied sleep cannot be cut
 * short, so callers check the cancel after it). */
void pri_clock_sleep(pri_clock *clock, int64_t ms);
double pri_clock_random(pri_clock *clock);

#endif
