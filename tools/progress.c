#include "progress.h"

#include "cli.h"

#include <stdio.h>
#include <unistd.h>

void progress_init(progress *p, int verbose, int quiet) {
  p->tty = isatty(STDERR_FILENO);
  p->enabled = !quiet && (p->tty || verbose);
  p->start_ms = p->last_print_ms = cli_now_ms();
}

static void clock_text(char *buf, size_t size, int64_t ms) {
  int64_t s = ms / 1000;
  snprintf(buf, size, "%02lld:%02lld", (long long)(s / 60),
           (long long)(s % 60));
}

void progress_show(progress *p, int force) {
  if (!p->enabled)
    return;
  int64_t now = cli_now_ms();
  /* A terminal line may redraw often; a log only every 5 seconds. */
  if (!force && now - p->last_print_ms < (p->tty ? 200 : 5000))
    return;
  p->last_print_ms = now;
  int64_t elapsed = now - p->start_ms;
  char spent[48], eta[48] = "--:--";
  clock_text(spent, sizeof spent, elapsed);
  if (p->people_done && p->people_done < p->people_total)
    clock_text(
        eta, sizeof eta,
        (int64_t)((double)elapsed * (double)(p->people_total - p->people_done) /
                  (double)p->people_done));
  else if (p->people_done == p->people_total)
    clock_text(eta, sizeof eta, 0);
  fprintf(
      stderr,
      "%sbatches %zu/%zu  people %zu/%zu  requests %ld  elapsed %s  ETA %s%s",
      p->tty ? "\r" : "", p->batches_done, p->batches_total, p->people_done,
      p->people_total, p->requests, spent, eta, p->tty ? "\033[K" : "\n");
  fflush(stderr);
}

void progress_finish(progress *p) {
  progress_show(p, 1);
  if (p->enabled && p->tty)
    fputc('\n', stderr);
}
