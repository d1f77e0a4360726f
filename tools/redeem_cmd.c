/* `pubrio redeem`: a libpubrio bulk run with a command line around it:
 * options in, ids read and validated before anything is sent, results out
 * as they come, a progress line, and on an early stop every paid batch
 * named with the command that collects it. */
#include "cli.h"
#include "csv_rows.h"
#include "ids.h"
#include "input.h"
#include "output.h"
#include "progress.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An id into the run, which validates and de-duplicates it. */
static int add_to_run(void *run, const char *id) {
  pubrio_error err = {0};
  pubrio_status st = pubrio_bulk_add_people(run, &id, 1, &err);
  int rc = st == PUBRIO_OK ? 0 : st == PUBRIO_E_INVALID_ARGUMENT ? -1 : -2;
  if (rc == -2)
    cli_print_error("reading ids", st, &err);
  pubrio_error_clear(&err);
  return rc;
}

static pubrio_status make_options(const cli_options *o,
                                  pubrio_bulk_options **out,
                                  pubrio_error *err) {
  pubrio_wait_options *wait = NULL;
  pubrio_status st = pubrio_bulk_options_new(out, err);
  if (!st)
    st = pubrio_bulk_options_set_batch_size(*out, o->batch_size, err);
  if (!st)
    st = pubrio_bulk_options_set_max_in_flight(*out, o->parallel, err);
  if (!st)
    st = pubrio_bulk_options_set_rate_limit(*out, o->rate, err);
  if (!st)
    st = pubrio_bulk_options_set_submit_only(*out, !o->wait, err);
  if (!st)
    st = pubrio_wait_options_new(&wait, err);
  if (!st)
    st = pubrio_wait_options_set_timeout(wait, o->max_wait_ms, err);
  if (!st)
    st = pubrio_bulk_options_set_wait(*out, wait, err);
  if (!st && o->journal)
    st = pubrio_bulk_options_set_journal(*out, o->journal,
                                         o->resubmit_uncertain, err);
  if (!st && o->has_max_credits)
    st = pubrio_bulk_options_set_max_credits(*out, o->max_credits, err);
  if (!st && o->has_profile_id)
    st = pubrio_bulk_options_set_profile_id(*out, o->profile_id, err);
  pubrio_wait_options_free(wait);
  return st;
}

/* What the input came to, once read. */
static void report_input(const cli_options *o, const pubrio_bulk_stats *s) {
  if (s->duplicates && !o->quiet)
    fprintf(stderr, "pubrio: %zu duplicate id%s dropped\n", s->duplicates,
            s->duplicates == 1 ? "" : "s");
  if (s->journal_torn_line_dropped)
    fprintf(stderr, "pubrio: dropping a torn last line in %s\n", o->journal);
  if (s->people_journaled && !o->quiet)
    fprintf(stderr,
            "pubrio: %zu %s already submitted (journal): not submitted "
            "again\n",
            s->people_journaled,
            text_plural(s->people_journaled, "person", "people"));
  if (s->people_uncertain)
    fprintf(stderr,
            "pubrio: %zu %s being submitted when an earlier run "
            "stopped; the API may have charged for them, so they are not "
            "sent again (--resubmit-uncertain sends them)\n",
            s->people_uncertain,
            s->people_uncertain == 1 ? "person was" : "people were");
}

static void print_plan(const pubrio_bulk_stats *s, int rate) {
  printf("dry run: nothing sent\n"
         "people to submit:   %zu\n"
         "duplicates dropped: %zu\n"
         "already submitted:  %zu (journal)\n"
         "left uncertain:     %zu (journal)\n"
         "batches:            %zu\n"
         "requests at least:  %ld\n"
         "shortest time:      %lld s at %d requests a minute\n",
         s->people_to_submit, s->duplicates, s->people_journaled,
         s->people_uncertain, s->batches, s->planned_requests,
         (long long)(s->min_duration_ms / 1000), rate);
}

/* Every paid batch not collected, with the command that collects it. */
static void report_unfinished(const cli_options *o, const pubrio_bulk *run) {
  size_t people = 0, i = 0;
  for (const char *id; (id = pubrio_bulk_uncollected(run, i, &people)); i++)
    fprintf(stderr,
            "pubrio: batch %s (%zu %s) was accepted and is not complete "
            "yet; collect it with: pubrio query %s --wait\n",
            id, people, text_plural(people, "person", "people"), id);
  if (i && o->journal)
    fprintf(stderr, "pubrio: or rerun with the same --journal to collect "
                    "what is left\n");
}

/* Hand each event of the run to the output; the run's status at the end. */
static pubrio_status drive(const cli_options *o, pubrio_bulk *run,
                           progress *bar, pubrio_error *err) {
  pubrio_bulk_event ev;
  pubrio_bulk_stats stats;
  for (;;) {
    /* 200 ms at most, so the progress line keeps moving during waits. */
    pubrio_status st = pubrio_bulk_next(run, 200, &ev, err);
    pubrio_bulk_stats_get(run, &stats, sizeof stats);
    progress_show(bar, &stats, 0);
    if (st != PUBRIO_OK || ev.kind == PUBRIO_BULK_FINISHED)
      return st;
    if (csv_rows_event(&ev)) /* CSV rows are written at the end */
      continue;
    if (ev.kind == PUBRIO_BULK_BATCH_ACCEPTED && !o->wait)
      output_batch(stdout, ev.batch, ev.people_count, ev.job);
    else if (ev.kind == PUBRIO_BULK_PERSON)
      output_person(stdout, o->format, ev.person);
    else if (ev.kind == PUBRIO_BULK_BATCH_DONE)
      fflush(stdout); /* results survive a later crash */
    else if (ev.kind == PUBRIO_BULK_STRANGERS)
      fprintf(stderr,
              "pubrio: batch %d: the answer named %zu %s the batch does not "
              "hold; not printed\n",
              ev.batch, ev.people_count,
              ev.people_count == 1 ? "person" : "people");
  }
}

static void summary(const cli_options *o, const pubrio_bulk_stats *s,
                    int64_t elapsed_ms) {
  if (o->quiet)
    return;
  fprintf(stderr,
          "pubrio: %zu people %s in %zu batches, %ld requests, %lld credits "
          "charged",
          o->wait ? s->people_collected : s->people_submitted,
          o->wait ? "collected" : "submitted",
          o->wait ? s->batches_collected : s->batches_accepted, s->requests,
          (long long)s->credits_charged);
  if (s->has_credit)
    fprintf(stderr, ", %lld left", (long long)s->credit);
  fprintf(stderr, ", %lld.%01lld s\n", (long long)(elapsed_ms / 1000),
          (long long)(elapsed_ms % 1000 / 100));
}

/* The exit code of a run that stopped, after saying why. */
static int stopped(const cli_options *o, const pubrio_bulk *run,
                   pubrio_status st, const pubrio_error *err) {
  if (st == PUBRIO_E_WAIT_TIMEOUT)
    fprintf(stderr, "pubrio: --max-wait of %lld s reached\n",
            (long long)(o->max_wait_ms / 1000));
  else if (st == PUBRIO_E_CANCELLED)
    fprintf(stderr, "pubrio: interrupted%s\n",
            o->journal ? "; the journal is up to date" : "");
  else
    cli_print_error("redeem", st, err);
  pubrio_bulk_stats s;
  pubrio_bulk_stats_get(run, &s, sizeof s);
  if (err->submit_state == PUBRIO_SUBMIT_UNCERTAIN && st == PUBRIO_E_CANCELLED)
    fprintf(stderr, "pubrio: a batch was being submitted: the API may have "
                    "charged for it, so it is not sent again\n");
  report_unfinished(o, run);
  return st == PUBRIO_E_JOURNAL ? CLI_FAILED : cli_exit_code(st);
}

int cli_redeem(const cli_options *o) {
  pubrio_client *client = cli_make_client(o);
  if (!client)
    return CLI_USAGE;
  pubrio_error err = {0};
  pubrio_bulk_options *opts = NULL;
  pubrio_bulk *run = NULL;
  int rc = CLI_OK;
  pubrio_status st = make_options(o, &opts, &err);
  if (!st)
    st = pubrio_bulk_new(&run, client, o->types, opts, &err);
  if (st != PUBRIO_OK) {
    cli_print_error("setup", st, &err);
    rc = CLI_USAGE; /* nothing was sent */
  } else {
    rc = input_read(o, add_to_run, run);
  }
  pubrio_bulk_stats stats;
  if (rc == CLI_OK) {
    pubrio_bulk_stats_get(run, &stats, sizeof stats);
    report_input(o, &stats);
    if (o->dry_run) {
      print_plan(&stats, o->rate);
    } else {
      progress bar;
      progress_init(&bar, o->verbose, o->quiet, o->wait);
      if (o->format == FORMAT_CSV && o->wait && !csv_rows_active())
        output_csv_header(stdout);
      st = drive(o, run, &bar, &err);
      fflush(stdout);
      pubrio_bulk_stats_get(run, &stats, sizeof stats);
      progress_finish(&bar, &stats);
      csv_rows_write(st);
      rc = st == PUBRIO_OK ? CLI_OK : stopped(o, run, st, &err);
      if (st == PUBRIO_OK || stats.batches_accepted) /* else the error says
                                                        it all */
        summary(o, &stats, cli_now_ms() - bar.start_ms);
    }
  }
  csv_rows_free();
  pubrio_bulk_free(run);
  pubrio_bulk_options_free(opts);
  pubrio_error_clear(&err);
  cli_free_client(client);
  return rc;
}
