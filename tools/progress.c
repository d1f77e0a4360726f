#include "progress.h"

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The line on screen now: its length (for erasing it without escape
 * sequences) and how it is erased; 0 when none is drawn. */
static size_t drawn_length;
static int drawn_ansi;

/* https://no-color.org: set and not empty. */
static int no_color(void) {
  const char *v = getenv("NO_COLOR");
  return v && *v;
}

/* 1 when standard output and standard error are the same terminal. */
static int stdout_shares_terminal(void) {
  struct stat out, err;
  return isatty(STDOUT_FILENO) && fstat(STDOUT_FILENO, &out) == 0 &&
         fstat(STDERR_FILENO, &err) == 0 && out.st_rdev == err.st_rdev;
}

static void erase_line(void) {
  if (drawn_ansi)
    fputs("\r\033[K", stderr);
  else
    fprintf(stderr, "\r%*s\r", (int)drawn_length, "");
}

void progress_clear_line(void) {
  if (!drawn_length || !stdout_shares_terminal())
    return;
  fflush(stdout);
  erase_line();
  fflush(stderr);
  drawn_length = 0;
}

void progress_init(progress *p, int verbose, int quiet, int collecting) {
  p->tty = isatty(STDERR_FILENO);
  p->ansi = p->tty && !no_color();
  p->enabled = !quiet && (p->tty || verbose);
  p->collecting = collecting;
  p->start_ms = p->last_print_ms = cli_now_ms();
  p->ready_at_ms = 0;
  p->hold[0] = '\0';
}

/* The terminal's width in columns: the kernel's, else $COLUMNS, else 80. */
static size_t terminal_columns(void) {
  struct winsize ws;
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  const char *env = getenv("COLUMNS");
  long n = env ? strtol(env, NULL, 10) : 0;
  return n > 0 && n < 10000 ? (size_t)n : 80;
}

/* Bytes of @p text that fit in @p columns, never splitting a UTF-8
 * sequence (each character counts one column). */
static size_t fit_columns(const char *text, size_t len, size_t columns) {
  size_t chars = 0;
  for (size_t i = 0; i < len; i++) {
    if (((unsigned char)text[i] & 0xC0) == 0x80)
      continue; /* a continuation byte */
    if (chars++ == columns)
      return i;
  }
  return len;
}

void progress_batch_accepted(progress *p, const pubrio_batch_job *job) {
  if (!job || job->estimated_time_ms < 0)
    return;
  int64_t ready = cli_now_ms() + job->estimated_time_ms;
  if (ready > p->ready_at_ms)
    p->ready_at_ms = ready;
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
  /* Collecting, everyone is handed out but people left uncertain by an
   * earlier run (those bought before and URLs included). */
  size_t total = p->collecting ? s->people - s->people_uncertain
                               : s->people_to_submit + s->people_journaled;
  char spent[48], eta[48] = "--:--", wait[176] = "";
  clock_text(spent, sizeof spent, elapsed);
  if (done && done < total)
    clock_text(
        eta, sizeof eta,
        (int64_t)((double)elapsed * (double)(total - done) / (double)done));
  else if (done >= total)
    clock_text(eta, sizeof eta, 0);
  else if (p->collecting && p->ready_at_ms > 0 &&
           s->batches_accepted >= s->batches)
    /* Nothing collected yet, every batch accepted: their estimates (past
     * them, any moment now). */
    clock_text(eta, sizeof eta,
               p->ready_at_ms > now ? p->ready_at_ms - now : 0);
  if (s->next_request_in_ms >= 1000 && p->hold[0])
    snprintf(wait, sizeof wait, "  %s", p->hold);
  else if (s->next_request_in_ms >= 1000)
    snprintf(wait, sizeof wait, "  next request in %lld s",
             (long long)((s->next_request_in_ms + 999) / 1000));
  /* Collecting, the batches accepted and waiting show beside those done. */
  char accepted[48] = "";
  if (p->collecting && s->batches_accepted > batches)
    snprintf(accepted, sizeof accepted, " (%zu accepted)", s->batches_accepted);
  char line[400];
  int len = snprintf(line, sizeof line,
                     "batches %zu/%zu%s  people %zu/%zu  requests %ld  "
                     "credits %lld  elapsed %s  ETA %s%s",
                     batches, s->batches, accepted, done, total, s->requests,
                     (long long)s->credits_charged, spent, eta, wait);
  size_t n = len < 0                     ? 0
             : (size_t)len < sizeof line ? (size_t)len
                                         : sizeof line - 1;
  /* A line wider than the terminal wraps, and \r then rewrites only its
   * last row: a copy per redraw. One column is left for the cursor. */
  if (p->tty)
    n = fit_columns(line, n, terminal_columns() - 1);
  line[n] = '\0';
  if (!p->tty) {
    fprintf(stderr, "%s\n", line);
  } else if (p->ansi) {
    fprintf(stderr, "\r%s\033[K", line);
  } else {
    /* No escape sequences: blanks cover what a longer line left. */
    fprintf(stderr, "\r%s%*s", line,
            (int)(drawn_length > n ? drawn_length - n : 0), "");
  }
  if (p->tty) {
    drawn_length = n;
    drawn_ansi = p->ansi;
  }
  fflush(stderr);
}

void progress_finish(progress *p, const pubrio_bulk_stats *s) {
  progress_show(p, s, 1);
  if (p->enabled && p->tty)
    fputc('\n', stderr);
  drawn_length = 0; /* the line is finished, not erased */
}
