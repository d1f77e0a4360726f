/* One self-rewriting status line on stderr while a run goes on, drawn from
 * the run's counts. */
#ifndef PUBRIO_CLI_PROGRESS_H
#define PUBRIO_CLI_PROGRESS_H

#include <pubrio/pubrio.h>

#include <stddef.h>
#include <stdint.h>

typedef struct progress {
  int enabled;
  int tty;        /* rewrite one line; otherwise print a line now and then */
  int ansi;       /* a terminal without NO_COLOR: escape sequences allowed */
  int collecting; /* --wait: progress is people collected, else submitted */
  int64_t start_ms;
  int64_t last_print_ms;
  char hold[160];      /* what holds the next request (pubrio_bulk_rate_hold) */
  int64_t ready_at_ms; /* when the last batch accepted said it would be
                          ready (its estimate); 0 when none said */
} progress;

/* On a terminal unless quiet; elsewhere only with -v. */
void progress_init(progress *p, int verbose, int quiet, int collecting);
void progress_show(progress *p, const pubrio_bulk_stats *stats, int force);
/* A batch was accepted: its estimate tells the ETA before anything is
 * collected. */
void progress_batch_accepted(progress *p, const pubrio_batch_job *job);
void progress_finish(progress *p, const pubrio_bulk_stats *stats);

/* Erase the progress line if one is drawn on a terminal that standard
 * output shares, so a result written next starts on a clean line (the
 * line is drawn again at its next update). */
void progress_clear_line(void);

#endif
