#include "clock.h"

#include <errno.h>
#include <time.h>

static int64_t real_now(void *userdata) {
  (void)userdata;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void real_sleep(int64_t ms, void *userdata) {
  (void)userdata;
  struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

void pri_clock_init_default(pri_clock *clock) {
  clock->now = real_now;
  clock->sleep = real_sleep;
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
  if (ms > 0)
    clock->sleep(ms, clock->userdata);
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
