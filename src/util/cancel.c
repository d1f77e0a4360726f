#include "cancel.h"
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

/* A lock-free atomic is what makes the flag safe in a signal handler. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic int must be lock-free");

int pri_cancel_init(pri_cancel *c) {
  atomic_init(&c->requested, 0);
  if (pipe(c->fds) != 0) {
    c->fds[0] = c->fds[1] = -1;
    return -1;
  }
  for (int i = 0; i < 2; i++) {
    fcntl(c->fds[i], F_SETFL, fcntl(c->fds[i], F_GETFL) | O_NONBLOCK);
    fcntl(c->fds[i], F_SETFD, FD_CLOEXEC);
  }
  return 0;
}

void pri_cancel_close(pri_cancel *c) {
  for (int i = 0; i < 2; i++)
    if (c->fds[i] >= 0)
      close(c->fds[i]);
  c->fds[0] = c->fds[1] = -1;
}

void pri_cancel_trigger(pri_cancel *c) {
  int saved = errno; /* a signal handler must leave errno as it found it */
  atomic_fetch_add(&c->requested, 1);
  ssize_t n = write(c->fds[1], "x", 1); /* full pipe: already readable */
  (void)n;
  errno = saved;
}

void pri_cancel_reset(pri_cancel *c) {
  char drain[64];
  atomic_store(&c->requested, 0);
  while (read(c->fds[0], drain, sizeof drain) > 0) {
  }
}

int pri_cancel_take(pri_cancel *c) {
  char drain[64];
  int n = atomic_exchange(&c->requested, 0);
  while (read(c->fds[0], drain, sizeof drain) > 0) {
  }
  return n;
}

int pri_cancel_requested(pri_cancel *c) {
  return atomic_load(&c->requested) != 0;
}

int pri_cancel_fd(const pri_cancel *c) { return c->fds[0]; }

void pri_cancel_sleep(pri_cancel *c, int64_t ms) {
  int64_t start = pri_clock_monotonic_ms();
  int64_t until = ms > INT64_MAX - start ? INT64_MAX : start + ms;
  for (int64_t left = ms; left > 0 && !pri_cancel_requested(c);
       left = until - pri_clock_monotonic_ms()) {
    struct pollfd p = {.fd = c->fds[0], .events = POLLIN};
    /* EINTR just loops: the time left is measured again. */
    poll(&p, 1, left > 60000 ? 60000 : (int)left);
  }
}
