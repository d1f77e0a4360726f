/* `pubrio redeem`: a libpubrio bulk run with a command line around it:
 * options in, ids read and validated before anything is sent, results out
 * as they come, a progress line, and on an early stop every paid batch
 * named with the command that collects it. */
#include "cli.h"
#include "csv_rows.h"
#include "delivery.h"
#include "ids.h"
#include "input.h"
#include "output.h"
#include "progress.h"
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A LinkedIn URL, not an id: a UUID holds neither '/' nor '.'. */
static int is_url(const char *text) { return strpbrk(text, "/.") != NULL; }

/* What reading the input adds to. */
typedef struct taking {
  const cli_options *o;
  pubrio_bulk *run;
} taking;

/* An id or a LinkedIn URL into the run, which validates and de-duplicates
 * it; with --format csv its row is kept in input order (csv_rows.c). */
static int add_to_run(void *ctx, const char *text, char *why, size_t why_size) {
  const taking *t = ctx;
  pubrio_error err = {0};
  int url = is_url(text);
  pubrio_status st = url ? pubrio_bulk_add_linkedin_urls(t->run, &text, 1, &err)
                         : pubrio_bulk_add_people(t->run, &text, 1, &err);
  if (st == PUBRIO_OK && csv_rows_keep_input(t->o, text, url) != 0) {
    fprintf(stderr, "pubrio: reading ids: out of memory\n");
    return -2;
  }
  int rc = st == PUBRIO_OK ? 0 : st == PUBRIO_E_INVALID_ARGUMENT ? -1 : -2;
  if (rc == -1 && url) { /* "linkedin_url at index 0: why" */
    const char *colon = err.message ? strstr(err.message, ": ") : NULL;
    snprintf(why, why_size, "is not a LinkedIn profile URL (%s)",
             colon ? colon + 2 : "refused");
  } else if (rc == -1) {
    snprintf(why, why_size, "is not a canonical UUID (8-4-4-4-12 hex)");
  } else if (rc == -2) {
    cli_print_error("reading ids", st, &err);
  }
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
  if (!st && o->refresh)
    st = pubrio_bulk_options_set_refresh(*out, 1, err);
  if (!st && o->no_account)
    st = pubrio_bulk_options_set_read_account(*out, 0, err);
  for (int i = 0; !st && i < o->rate_count; i++)
    st =
        pubrio_bulk_options_add_rate(*out, o->rates[i][0], o->rates[i][1], err);
  if (!st && o->has_prices)
    st = pubrio_bulk_options_set_prices(*out, o->price_email, o->price_phone,
                                        err);
  pubrio_wait_options_free(wait);
  return st;
}

/* What the input came to, once read. */
static void report_input(const cli_options *o, const pubrio_bulk_stats *s) {
  if (s->duplicates && !o->quiet)
    fprintf(stderr, "pubrio: %zu duplicate %s dropped\n", s->duplicates,
            s->linkedin_urls ? text_plural(s->duplicates, "person", "people")
                             : text_plural(s->duplicates, "id", "ids"));
  if (s->people_known && !o->quiet)
    fprintf(stderr,
            "pubrio: %zu %s already bought (journal): handed out from it, 0 "
            "credits (--refresh buys again)\n",
            s->people_known, text_plural(s->people_known, "person", "people"));
  if (s->people_journaled && !o->quiet)
    fprintf(stderr,
            "pubrio: %zu %s already submitted (journal): collected, not "
            "submitted again\n",
            s->people_journaled,
            text_plural(s->people_journaled, "person", "people"));
  if (s->people_forgotten) /* said even with -q: nobody is bought */
    fprintf(stderr,
            "pubrio: %zu %s forgotten in this journal (pubrio forget): not "
            "bought, not handed out (pubrio forget --unforget buys again)\n",
            s->people_forgotten,
            text_plural(s->people_forgotten, "person was", "people were"));
  if (s->people_uncertain)
    fprintf(stderr,
            "pubrio: %zu %s being submitted when an earlier run stopped; "
            "the API may have charged for them, so they are not sent again "
            "(--resubmit-uncertain sends them)\n",
            s->people_uncertain,
            text_plural(s->people_uncertain, "person was", "people were"));
}

/* The types asked for with their prices: "email-work 15 + phone 30". */
static void price_text(const cli_options *o, const pubrio_bulk_stats *s,
                       char *out, size_t size) {
  out[0] = '\0';
  for (unsigned bit = 1; bit <= PUBRIO_CONTACT_PHONE; bit <<= 1)
    if (o->types & bit) {
      size_t len = strlen(out);
      snprintf(out + len, size - len, "%s%s %lld", len ? " + " : "",
               pubrio_contact_type_str((pubrio_contact_type)bit),
               (long long)(bit == PUBRIO_CONTACT_PHONE ? s->price_phone
                                                       : s->price_email));
    }
}

/* Lookup entries neither to send nor answered (by the journal): the ones
 * the plan refused, which need similarity search. */
static size_t lookups_refused(const pubrio_bulk_stats *s) {
  size_t placed = s->lookups_to_send + s->lookups_found + s->lookups_not_found +
                  s->lookups_uncertain;
  return s->lookups > placed ? s->lookups - placed : 0;
}

/* The dry run's lookup lines: what is looked up, at what worst case, and
 * what is not and why. */
static void print_lookups(const pubrio_bulk_stats *s) {
  size_t refused = lookups_refused(s);
  printf("lookups:            %zu (%zu to look up: at most %zu %s, 1 a "
         "match; %zu answered by the journal; %zu left uncertain, not asked "
         "again)\n",
         s->lookups, s->lookups_to_send, s->lookups_to_send,
         text_plural(s->lookups_to_send, "credit", "credits"),
         s->lookups_found + s->lookups_not_found, s->lookups_uncertain);
  if (refused)
    printf("not looked up:      %zu (only a name and a company or domain: "
           "looked up only with --similar)\n",
           refused);
}

static void print_plan(const cli_options *o, const pubrio_bulk_stats *s) {
  char prices[128];
  price_text(o, s, prices, sizeof prices);
  /* The redeem's worst case counts a person each lookup may find; the
   * lookups' own (1 a match) comes on top. */
  int64_t lookup_worst = (int64_t)s->lookups_to_send;
  int64_t worst = s->credits_worst_case > INT64_MAX - lookup_worst
                      ? INT64_MAX
                      : s->credits_worst_case + lookup_worst;
  printf("dry run: nothing sent\n"
         "people to submit:   %zu\n"
         "duplicates dropped: %zu\n"
         "already bought:     %zu (journal: 0 credits)\n"
         "already submitted:  %zu (journal)\n"
         "left uncertain:     %zu (journal)\n"
         "batches:            %zu\n"
         "requests at least:  %ld\n"
         "shortest time:      %lld s at %d requests a minute\n",
         s->people_to_submit, s->duplicates, s->people_known,
         s->people_journaled, s->people_uncertain, s->batches,
         s->planned_requests, (long long)(s->min_duration_ms / 1000), o->rate);
  if (s->linkedin_urls)
    printf("linkedin urls:      %zu (%zu to redeem one by one, %zu already "
           "answered)\n",
           s->linkedin_urls, s->linkedin_urls_to_redeem,
           s->linkedin_urls - s->linkedin_urls_to_redeem);
  if (s->lookups)
    print_lookups(s);
  size_t paying =
      s->people_to_submit + s->linkedin_urls_to_redeem + s->lookups_to_send;
  printf("credits:            at most %lld for %zu %s: %s each, charged "
         "only when found",
         (long long)s->credits_worst_case, paying,
         text_plural(paying, "person", "people"), prices);
  if (s->lookups_to_send)
    printf(" (%zu of them the lookups may find); lookups at most %lld "
           "more: %lld in all",
           s->lookups_to_send, (long long)lookup_worst, (long long)worst);
  if (s->has_balance) /* the summary names the same figure */
    printf("; balance %lld (credit + top-up)", (long long)s->balance);
  printf("\n");
  if (o->wait && s->min_duration_ms > o->max_wait_ms)
    fprintf(stderr,
            "pubrio: warning: the shortest time (%lld s at %d requests a "
            "minute) passes --max-wait of %lld s: the run will stop "
            "submitting once the requests left before the deadline cannot "
            "take another batch and a poll of every batch in flight, and "
            "leave people unsubmitted (a longer --max-wait, or a smaller "
            "input)\n",
            (long long)(s->min_duration_ms / 1000), o->rate,
            (long long)(o->max_wait_ms / 1000));
  if (!s->prices_known)
    printf("note: no price known (--price email=N,phone=N, or a key to read "
           "the account): 1 credit a contact counted\n");
  if (s->has_balance && worst > s->balance)
    fprintf(stderr,
            "pubrio: warning: the worst case (%lld credits) is more "
            "than the balance (%lld); --max-credits %lld keeps the "
            "run within it\n",
            (long long)worst, (long long)s->balance, (long long)s->balance);
}

/* A batch that failed while the run went on. An uncertain submit names
 * its people: the API may have charged for them. */
static void report_failed_batch(const pubrio_bulk_event *ev) {
  if (ev->linkedin_url) {
    fprintf(stderr, "pubrio: %s failed: ", ev->linkedin_url);
    text_put(stderr, ev->message ? ev->message : "", 4096);
    fputc('\n', stderr);
    return;
  }
  fprintf(stderr, "pubrio: batch %d failed: ", ev->batch);
  text_put(stderr, ev->message ? ev->message : "", 4096);
  if (ev->people) {
    fprintf(stderr,
            "; the API may have charged for its %zu %s, so %s not "
            "sent again:",
            ev->people_count, text_plural(ev->people_count, "person", "people"),
            text_plural(ev->people_count, "it is", "they are"));
    for (size_t i = 0; i < ev->people_count; i++)
      fprintf(stderr, " %s", ev->people[i]);
  }
  fputc('\n', stderr);
}

/* The output failed (a closed pipe, a full disk): from now on nothing is
 * written and the run drains, as on Ctrl-C. */
static int output_failed(FILE *out, int *failed_errno, pubrio_bulk *run) {
  if (*failed_errno)
    return 1;
  if (!ferror(out))
    return 0;
  *failed_errno = errno ? errno : EIO;
  delivery_flushed(0, *failed_errno);
  pubrio_bulk_stop(run);
  return 1;
}

/* Flush what was written: its batches are delivered, or the output
 * failed. */
static void flush_output(FILE *out) {
  if (fflush(out) == 0 && !ferror(out))
    delivery_flushed(1, 0);
}

/* Hand each event of the run to the output; the run's status at the end. */
static pubrio_status drive(const cli_options *o, pubrio_bulk *run,
                           progress *bar, int *out_errno, int *failed_batches,
                           pubrio_error *err) {
  pubrio_bulk_event ev;
  pubrio_bulk_stats stats;
  int signals_seen = 0;
  for (;;) {
    /* 200 ms at most, so the progress line keeps moving during waits. */
    pubrio_status st = pubrio_bulk_next_event(run, 200, &ev, sizeof ev, err);
    pubrio_bulk_stats_get(run, &stats, sizeof stats);
    if (cli_interrupted == 1 && !signals_seen++ && stats.in_flight)
      fprintf(stderr,
              "\npubrio: stopping: %zu %s in flight may finish "
              "(Ctrl-C again cuts them)\n",
              stats.in_flight,
              text_plural(stats.in_flight, "request", "requests"));
    bar->hold[0] = '\0';
    if (stats.next_request_in_ms >= 1000) /* name the window that holds it */
      pubrio_bulk_rate_hold(run, bar->hold, sizeof bar->hold);
    progress_show(bar, &stats, 0);
    if (st != PUBRIO_OK || ev.kind == PUBRIO_BULK_FINISHED)
      return st;
    int quiet_out = output_failed(stdout, out_errno, run);
    if (ev.kind == PUBRIO_BULK_BATCH_ACCEPTED)
      progress_batch_accepted(bar, ev.job);
    delivery_event(o, &ev);
    if (csv_rows_event(&ev)) /* CSV rows are written at the end */
      continue;
    if (ev.kind == PUBRIO_BULK_BATCH_ACCEPTED && !o->wait && !quiet_out) {
      output_batch(stdout, ev.batch, ev.people_count, ev.job);
      flush_output(stdout);
    } else if (ev.kind == PUBRIO_BULK_PERSON && !quiet_out)
      output_person(stdout, o->format, ev.person, ev.linkedin_url);
    else if (ev.kind == PUBRIO_BULK_NOT_FOUND && !quiet_out)
      output_not_found(stdout, o->format, ev.linkedin_url);
    else if (ev.kind == PUBRIO_BULK_BATCH_DONE && !quiet_out &&
             !csv_rows_active())
      flush_output(stdout); /* results survive a later crash (CSV rows are
                               not written yet: not delivered either) */
    else if (ev.kind == PUBRIO_BULK_BATCH_FAILED) {
      report_failed_batch(&ev);
      (*failed_batches)++;
    }
    output_failed(stdout, out_errno, run);
  }
}

/* The summary's lookup line: how the entries ended, what they cost. */
static void summary_lookups(const pubrio_bulk_stats *s) {
  size_t refused = lookups_refused(s);
  fprintf(stderr,
          "pubrio: %zu %s: %zu found, %zu not found, %zu not looked up, "
          "%zu uncertain; %lld %s charged for lookups by this run\n",
          s->lookups, text_plural(s->lookups, "lookup", "lookups"),
          s->lookups_found, s->lookups_not_found, refused + s->lookups_to_send,
          s->lookups_uncertain, (long long)s->lookup_credits,
          text_plural((size_t)s->lookup_credits, "credit", "credits"));
  if (s->lookups_uncertain)
    fprintf(stderr,
            "pubrio: %zu %s asked without an answer: the API may have "
            "charged for %s; not asked again unless --resubmit-uncertain\n",
            s->lookups_uncertain,
            text_plural(s->lookups_uncertain, "lookup was", "lookups were"),
            text_plural(s->lookups_uncertain, "it", "them"));
}

static void summary(const cli_options *o, const pubrio_bulk_stats *s,
                    int64_t elapsed_ms) {
  if (o->quiet)
    return;
  size_t people = o->wait ? s->people_collected : s->people_submitted;
  size_t batches = o->wait ? s->batches_collected : s->batches_accepted;
  fprintf(stderr, "pubrio: %zu %s %s", people,
          text_plural(people, "person", "people"),
          o->wait ? "handed out" : "submitted");
  if (o->wait && s->people_known)
    fprintf(stderr, " (%zu from the journal)", s->people_known);
  fprintf(stderr, ", %zu %s %s, %ld %s, %lld %s charged by this run", batches,
          text_plural(batches, "batch", "batches"),
          o->wait ? "collected" : "accepted", s->requests,
          text_plural((size_t)s->requests, "request", "requests"),
          (long long)s->credits_charged,
          text_plural((size_t)s->credits_charged, "credit", "credits"));
  if (s->credits_before)
    fprintf(stderr, " (%lld by earlier runs on the journal)",
            (long long)s->credits_before);
  if (s->has_balance) /* the dry run's figure, less this run's charges */
    fprintf(stderr, ", balance %lld (credit + top-up)",
            (long long)(s->balance - s->credits_charged));
  else if (s->has_credit)
    fprintf(stderr, ", %lld credit left (top-up not counted)",
            (long long)s->credit);
  fprintf(stderr, ", %lld.%01lld s\n", (long long)(elapsed_ms / 1000),
          (long long)(elapsed_ms % 1000 / 100));
  size_t open = s->batches_accepted > s->batches_collected
                    ? s->batches_accepted - s->batches_collected
                    : 0;
  if (open) { /* their charges come when they are collected */
    int64_t worst =
        s->credits_committed - s->credits_before - s->credits_charged;
    fprintf(stderr,
            "pubrio: %zu %s accepted, %zu still open: %lld %s charged so "
            "far, at most %lld more when %s collected\n",
            s->batches_accepted,
            text_plural(s->batches_accepted, "batch", "batches"), open,
            (long long)s->credits_charged,
            text_plural((size_t)s->credits_charged, "credit", "credits"),
            (long long)(worst > 0 ? worst : 0),
            text_plural(open, "it is", "they are"));
  }
  if (s->people_left_uncertain)
    fprintf(stderr,
            "pubrio: %zu %s uncertain: the API may have charged for them; "
            "they are not sent again unless --resubmit-uncertain\n",
            s->people_left_uncertain,
            text_plural(s->people_left_uncertain, "person is", "people are"));
  if (s->lookups)
    summary_lookups(s);
}

/* The exit code of a run that stopped, after saying why. */
static int stopped(const cli_options *o, const pubrio_bulk *run,
                   pubrio_status st, const pubrio_error *err, int out_errno,
                   int failed_batches) {
  if (out_errno)
    fprintf(stderr,
            "pubrio: the output could not be written (%s): the run "
            "stopped; every batch whose people did not all reach it is "
            "named below%s\n",
            strerror(out_errno),
            o->journal ? " (and the journal holds what was collected: "
                         "pubrio export)"
                       : "");
  else if (st == PUBRIO_E_WAIT_TIMEOUT) { /* what stopped it, in its words */
    fprintf(stderr, "pubrio: --max-wait of %lld s: ",
            (long long)(o->max_wait_ms / 1000));
    text_put(stderr, err && err->message ? err->message : "reached", 4096);
    fputc('\n', stderr);
  } else if (st == PUBRIO_E_CANCELLED)
    fprintf(stderr, "pubrio: interrupted%s\n",
            o->journal ? "; the journal is up to date" : "");
  else if (!failed_batches) /* else each failed batch was named already */
    cli_print_error("redeem", st, err);
  delivery_report(o, run);
  if (out_errno)
    return CLI_OUTPUT;
  /* In a run a 429 is a wait: rate limited means a quota outlasts it. */
  return st == PUBRIO_E_RATE_LIMITED ? CLI_QUOTA : cli_exit_code(st);
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
    st = o->dry_run ? pubrio_bulk_plan(&run, client, o->types, opts, &err)
                    : pubrio_bulk_new(&run, client, o->types, opts, &err);
  if (st != PUBRIO_OK) {
    cli_print_error("setup", st, &err);
    rc = CLI_USAGE; /* nothing was sent */
  } else {
    taking t = {o, run};
    rc = input_read(o, add_to_run, &t, run);
  }
  pubrio_bulk_stats stats;
  if (rc == CLI_OK) {
    pubrio_bulk_stats_get(run, &stats, sizeof stats);
    report_input(o, &stats);
    if (o->dry_run) {
      if (cli_has_key(o) && !o->no_account) { /* prices and balance: free */
        pubrio_bulk_read_account(run, NULL);
        pubrio_bulk_stats_get(run, &stats, sizeof stats);
      }
      print_plan(o, &stats);
    } else {
      progress bar;
      progress_init(&bar, o->verbose, o->quiet, o->wait);
      if (o->format == FORMAT_CSV && o->wait && !csv_rows_active())
        output_csv_header(stdout);
      int out_errno = 0, failed_batches = 0;
      st = drive(o, run, &bar, &out_errno, &failed_batches, &err);
      csv_rows_write(st);
      if ((fflush(stdout) != 0 || ferror(stdout)) && !out_errno) {
        out_errno = errno ? errno : EIO;
        delivery_flushed(0, out_errno);
      } else if (!out_errno) {
        delivery_flushed(1, 0);
      }
      pubrio_bulk_stats_get(run, &stats, sizeof stats);
      progress_finish(&bar, &stats);
      rc = st == PUBRIO_OK && !out_errno
               ? CLI_OK
               : stopped(o, run, st, &err, out_errno, failed_batches);
      if (rc == CLI_OK &&
          (stats.people_left_uncertain || stats.lookups_uncertain))
        rc = CLI_UNCERTAIN; /* maybe charged: a lookup too */
      if (st == PUBRIO_OK || stats.batches_accepted) /* else the error says
                                                        it all */
        summary(o, &stats, cli_now_ms() - bar.start_ms);
    }
  }
  csv_rows_free();
  delivery_free();
  pubrio_bulk_free(run);
  pubrio_bulk_options_free(opts);
  pubrio_error_clear(&err);
  cli_free_client(client);
  return rc;
}
