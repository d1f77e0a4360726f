/* One self-rewriting status line on stderr while a run goes on. */
#ifndef PUBRIO_CLI_PROGRESS_H
#define PUBRIO_CLI_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

typedef struct progress {
  int enabled;
  int tty; /* rewrite one line; otherwise print a line now and then */
  int64_t start_ms;
  int64_t last_print_ms;
  size_t batches_total, batches_done;
  size_t people_total, people_done;
  long requests;
} progress;

/* On a terminal unless quiet; elsewhere only with -v. */
void progress_init(progress *p, int verbose, int quiet);
void progress_show(progress *p, int force);
void progress_finish(progress *p);

#endif
