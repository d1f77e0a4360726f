#include "clock.h"

#include <time.h>

int64_t pri_clock_monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t real_now(void *userdata) {
  (void)userdata;
  return pri_clock_monotonic_ms();
}

void pri_clock_init_default(pri_clock *clock, pri_cancel *cancel) {
  clock->now = real_now;
  clock->sleep = NULL;
  clock->cancel = cancel;
  clock->random = NULL;
  clock->userdata = NULL;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  /* Jitter only needs clients to differ, not to be unpredictable. */
  clock->rng_state = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
                     (uint64_t)(uintptr_t)clock;
  if (!clock->rng_state)
    clock->rng_state = 0x9e3779b97f4a7c15ull;
}

int64_t pri_clock_now(pri_clock *clock) { return clock->now(clock->userdata); }

void pri_clock_sleep(pri_clock *clock, int64_t ms) {
  if (ms <= 0)
    return;
  if (clock->sleep)
    clock->sleep(ms, clock->userdata);
  else
    pri_cancel_sleep(clock->cancel, ms);
}

double pri_clock_random(pri_clock *clock) {
  if (clock->random) {
    double r = clock->random(clock->userdata);
    return r >= 0 && r < 1 ? r : 0;
  }
  uint64_t x = clock->rng_state; /* xorshift64 */
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  clock->rng_state = x;
  return (double)(x >> 11) / 9007199254740992.0;
}
