#include "progress.h"

#include "cli.h"

#include <stdio.h>
#include <unistd.h>

void progress_init(progress *p, int verbose, int quiet, int collecting) {
  p->tty = isatty(STDERR_FILENO);
  p->enabled = !quiet && (p->tty || verbose);
  p->collecting = collecting;
  p->start_ms = p->last_print_ms = cli_now_ms();
}

static void clock_text(char *buf, size_t size, int64_t ms) {
  int64_t s = ms / 1000;
  snprintf(buf, size, "%02lld:%02lld", (long long)(s / 60),
           (long long)(s % 60));
}

void progress_show(progress *p, const pubrio_bulk_stats *s, int force) {
  if (!p->enabled)
    return;
  int64_t now = cli_now_ms();
  /* A terminal line may redraw often; a log only every 5 seconds. */
  if (!force && now - p->last_print_ms < (p->tty ? 200 : 5000))
    return;
  p->last_print_ms = now;
  int64_t elapsed = now - p->start_ms;
  size_t done = p->collecting ? s->people_collected : s->people_submitted;
  size_t batches = p->collecting ? s->batches_collected : s->batches_accepted;
  size_t total = s->people_to_submit + s->people_journaled;
  char spent[48], eta[48] = "--:--", wait[48] = "";
  clock_text(spent, sizeof spent, elapsed);
  if (done && done < total)
    clock_text(eta, sizeof eta,
               (int64_t)((double)elapsed * (double)(total - done) /
                         (double)done));
  else if (done >= total)
    clock_text(eta, sizeof eta, 0);
  if (s->next_request_in_ms >= 1000)
    snprintf(wait, sizeof wait, "  next request in %lld s",
             (long long)((s->next_request_in_ms + 999) / 1000));
  fprintf(stderr,
          "%sbatches %zu/%zu  people %zu/%zu  requests %ld  credits %lld  "
          "elapsed %s  ETA %s%s%s",
          p->tty ? "\r" : "", batches, s->batches, done, total, s->requests,
          (long long)s->credits_charged, spent, eta, wait,
          p->tty ? "\033[K" : "\n");
  fflush(stderr);
}

void progress_finish(progress *p, const pubrio_bulk_stats *s) {
  progress_show(p, s, 1);
  if (p->enabled && p->tty)
    fputc('\n', stderr);
}
