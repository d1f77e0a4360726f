/* What reached the output, and the naming of every paid batch that did
 * not: a run's batches are recorded as their people are written, marked
 * delivered once a flush of standard output succeeds, and lost when the
 * output fails (a full disk: what was not flushed; a closed pipe:
 * everything, since what the reader read before it left is unknown).
 *
 * At an early stop, the batches lost plus those the run accepted and did
 * not collect are written, one id a line, to a file (0600) in the current
 * directory ($TMPDIR, else /tmp, when it cannot be written), and ONE
 * command collects them all: `pubrio query --wait --input FILE`. Up to 3
 * are also named on stderr, each with its own command.
 *
 * One run per process: the state belongs to this module. */
#ifndef PUBRIO_CLI_DELIVERY_H
#define PUBRIO_CLI_DELIVERY_H

#include "cli.h"

/* Record what @p event says about a batch: accepted (and, without --wait,
 * written as a line), or one of its people written (or, once the output
 * failed, not written). */
void delivery_event(const cli_options *o, const pubrio_bulk_event *event);

/* Standard output was flushed: @p ok when everything written so far
 * reached it, else the write failed with @p failed_errno. */
void delivery_flushed(int ok, int failed_errno);

/* Name every batch paid for and not delivered (the run's uncollected ones
 * included), as above; nothing when there is none. */
void delivery_report(const cli_options *o, const pubrio_bulk *run);

/* Release everything. */
void delivery_free(void);

#endif
