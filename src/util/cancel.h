/* Cancelling a client's calls from any thread or a signal handler: an
 * atomic flag, plus a pipe whose read end every wait polls, so a blocked
 * transfer or sleep wakes at once instead of at its next timeout. */
#ifndef PUBRIO_CANCEL_H
#define PUBRIO_CANCEL_H

#include <stdatomic.h>
#include <stdint.h>

typedef struct pri_cancel {
  atomic_int requested;
  int fds[2]; /* pipe: [0] polled, [1] written on cancel */
} pri_cancel;

/* 0, or -1 when no pipe can be made. */
int pri_cancel_init(pri_cancel *cancel);
void pri_cancel_close(pri_cancel *cancel);
/* Async-signal-safe and thread-safe: an atomic store and one write(). */
void pri_cancel_trigger(pri_cancel *cancel);
/* Clear a cancel (drain the pipe) so the next call runs. */
void pri_cancel_reset(pri_cancel *cancel);
int pri_cancel_requested(pri_cancel *cancel);
/* How many cancels came since the last reset or take, clearing them (a
 * bulk run drains on the first and cuts on the second). */
int pri_cancel_take(pri_cancel *cancel);
/* The descriptor that becomes readable on cancel. */
int pri_cancel_fd(const pri_cancel *cancel);
/* Sleep @p ms, or less when cancelled. */
void pri_cancel_sleep(pri_cancel *cancel, int64_t ms);

#endif
