/* `pubrio redeem`: validate everything, then submit batches and (with
 * --wait) collect them, sharing one request budget between the two. */
#include "cli.h"
#include "ids.h"
#include "journal.h"
#include "output.h"
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct batch {
  int number;
  cli_id *people;
  size_t count;
  char redeem_query_id[PUBRIO_ID_LEN + 1];
  int submitted;
  int done;
  int polls;
  int64_t due_ms; /* when to query next */
} batch;

typedef struct run {
  const cli_options *o;
  pubrio_client *client;
  journal journal;
  int journaling;
  batch *batches;
  size_t count;
  size_t batches_cap;
  size_t next_submit;
  progress progress;
  int64_t deadline_ms; /* with --wait: --max-wait from the start */
  int trimmed;         /* the request in flight was cut to the deadline */
} run;

/* Poll delays after an incomplete answer: 1 s growing 1.5x to 30 s. */
static int64_t poll_delay_ms(int polls) {
  double d = 1000;
  for (int i = 1; i < polls && d < 30000; i++)
    d *= 1.5;
  return d > 30000 ? 30000 : (int64_t)d;
}

/* Sleep in slices until @p until (never past the deadline) so the progress
 * line keeps moving; -1 when interrupted. */
static int pause_until(run *r, int64_t until) {
  if (r->o->wait && until > r->deadline_ms)
    until = r->deadline_ms;
  for (int64_t left = until - cli_now_ms(); left > 0;
       left = until - cli_now_ms()) {
    if (cli_sleep_ms(left < 1000 ? left : 1000) != 0)
      return -1;
    progress_show(&r->progress, 0);
  }
  return 0;
}

/* Give the next request the client's timeout, cut to what is left of
 * --max-wait, so a hung server cannot hold the run past it; a request cut
 * so is tried once, since no retry would fit. */
static void fit_timeout(run *r) {
  int64_t timeout = r->o->timeout_ms > 0 ? r->o->timeout_ms : 60000;
  int64_t left = r->deadline_ms - cli_now_ms();
  r->trimmed = r->o->wait && left < timeout;
  if (r->trimmed)
    timeout = left > 1 ? left : 1;
  pubrio_client_set_timeouts(r->client, timeout < 10000 ? timeout : 10000,
                             timeout, NULL);
  pubrio_client_set_retry(r->client, r->trimmed ? 1 : r->o->retries + 1, 500,
                          8000, NULL);
}

/* Every batch paid for and not collected, with the command that collects
 * it: nothing paid for is lost when a run stops early. (A batch whose fate
 * is unknown was named by the error that stopped the run.) */
static void report_unfinished(const run *r) {
  size_t left = 0;
  for (size_t i = 0; i < r->count; i++) {
    const batch *b = &r->batches[i];
    if (!b->submitted || b->done)
      continue;
    left++;
    fprintf(stderr,
            "pubrio: batch %d (%zu people) was accepted as %s and is not "
            "complete yet; collect it with: pubrio query %s --wait\n",
            b->number, b->count, b->redeem_query_id, b->redeem_query_id);
  }
  if (left && r->journaling)
    fprintf(stderr, "pubrio: or rerun with the same --journal to collect "
                    "what is left\n");
}

static int fail(const char *what, int number, pubrio_status st,
                const pubrio_error *err) {
  char context[64];
  snprintf(context, sizeof context, "%s batch %d", what, number);
  cli_print_error(context, st, err);
  return cli_exit_code(st);
}

static int deadline_reached(run *r) {
  fprintf(stderr, "pubrio: --max-wait of %lld s reached\n",
          (long long)(r->o->max_wait_ms / 1000));
  return CLI_DEADLINE;
}

static pubrio_status build_request(const run *r, const batch *b,
                                   pubrio_batch_request **out,
                                   pubrio_error *err) {
  const char **ids = malloc(b->count * sizeof *ids);
  if (!ids)
    return PUBRIO_E_OUT_OF_MEMORY;
  for (size_t i = 0; i < b->count; i++)
    ids[i] = b->people[i];
  pubrio_status st = pubrio_batch_request_new(out, err);
  if (!st)
    st = pubrio_batch_request_add_people(*out, ids, b->count, err);
  if (!st)
    st = pubrio_batch_request_add_contact_types(*out, r->o->types, err);
  if (!st && r->o->has_profile_id)
    st = pubrio_batch_request_set_profile_id(*out, r->o->profile_id, err);
  free(ids);
  return st;
}

static void accepted(batch *b, const pubrio_batch_job *job) {
  snprintf(b->redeem_query_id, sizeof b->redeem_query_id, "%s",
           job->redeem_query_id);
  b->submitted = 1;
  /* Ask once the estimate has passed (a little after), but no later than
   * the longest poll delay: an estimate may be wild. */
  int64_t wait = job->estimated_time_ms > 0 ? job->estimated_time_ms : 0;
  b->due_ms = cli_now_ms() + (wait < 30000 ? wait : 30000) + (wait ? 100 : 0);
}

static int submit(run *r, batch *b) {
  pubrio_error err = {0};
  pubrio_batch_request *req = NULL;
  pubrio_batch_job *job = NULL;
  pubrio_status st = build_request(r, b, &req, &err);
  int rc = CLI_OK;
  if (!st && r->journaling &&
      journal_intent(&r->journal, b->number, b->people, b->count) != 0) {
    fprintf(stderr, "pubrio: batch %d not submitted: the journal could not "
                    "record it\n",
            b->number);
    rc = CLI_FAILED;
  } else if (!st) {
    fit_timeout(r);
    st = pubrio_redeem_people_batch(r->client, req, &job, &err);
  }
  pubrio_batch_request_free(req);
  if (rc != CLI_OK) {
  } else if (st != PUBRIO_OK) {
    /* Only an answer proving nothing was processed is journaled as
     * refused; anything else stays an intent: uncertain, never resent. */
    if (r->journaling && err.submit_state == PUBRIO_SUBMIT_NOT_SPENT)
      journal_rejected(&r->journal, b->number);
    rc = st == PUBRIO_E_TIMEOUT && r->trimmed
             ? deadline_reached(r)
             : fail("submitting", b->number, st, &err);
  } else {
    accepted(b, job);
    if (r->journaling &&
        journal_accepted(&r->journal, b->number, b->redeem_query_id, b->people,
                         b->count) != 0)
      rc = CLI_FAILED; /* report_unfinished() names the batch */
    if (!r->o->wait) {
      output_batch(stdout, b->number, b->count, job);
      b->done = 1;
      r->progress.people_done += b->count;
      r->progress.batches_done++;
    }
  }
  pubrio_batch_job_free(job);
  pubrio_error_clear(&err);
  return rc;
}

/* Print a complete batch's people, and only those the batch holds. */
static int print_batch(run *r, const batch *b, const pubrio_query_result *res) {
  id_list members = {0};
  for (size_t i = 0; i < b->count; i++)
    if (id_list_push(&members, b->people[i]) != 0) {
      id_list_free(&members);
      fprintf(stderr, "pubrio: out of memory\n");
      return CLI_FAILED;
    }
  id_list_sort(&members);
  size_t strangers = output_people(stdout, r->o->format, res, &members);
  id_list_free(&members);
  if (strangers)
    fprintf(stderr,
            "pubrio: batch %d: the answer named %zu %s the batch does not "
            "hold; not printed\n",
            b->number, strangers, strangers == 1 ? "person" : "people");
  return CLI_OK;
}

static int collect(run *r, batch *b) {
  pubrio_error err = {0};
  pubrio_query_result *res = NULL;
  fit_timeout(r);
  pubrio_status st = pubrio_redeem_people_batch_query(
      r->client, b->redeem_query_id, &res, &err);
  int rc = CLI_OK;
  if (st != PUBRIO_OK) {
    rc = st == PUBRIO_E_TIMEOUT && r->trimmed
             ? deadline_reached(r)
             : fail("collecting", b->number, st, &err);
  } else if (res->query->is_completed) {
    rc = print_batch(r, b, res);
    b->done = 1;
    r->progress.people_done += b->count;
    r->progress.batches_done++;
  } else {
    b->polls++;
    b->due_ms = cli_now_ms() + poll_delay_ms(b->polls);
  }
  pubrio_query_result_free(res);
  pubrio_error_clear(&err);
  return rc;
}

static batch *earliest_due(run *r) {
  batch *best = NULL;
  for (size_t i = 0; i < r->count; i++) {
    batch *b = &r->batches[i];
    if (b->submitted && !b->done && (!best || b->due_ms < best->due_ms))
      best = b;
  }
  return best;
}

/* The loop: a due query first (it frees a batch), else the next submit,
 * else sleep until something is due; all within the request budget and,
 * with --wait, the deadline. */
static int drive(run *r) {
  for (;;) {
    progress_show(&r->progress, 0);
    if (cli_interrupted)
      return CLI_INTERRUPTED;
    batch *due = r->o->wait ? earliest_due(r) : NULL;
    int64_t now = cli_now_ms();
    int more = due || r->next_submit < r->count;
    if (!more)
      return CLI_OK;
    if (r->o->wait && now >= r->deadline_ms)
      return deadline_reached(r);
    int ready = (due && due->due_ms <= now) || r->next_submit < r->count;
    int64_t budget = ready ? pubrio_client_pacing_delay_ms(r->client) : 0;
    if (!ready || budget > 0) {
      if (pause_until(r, ready ? now + budget : due->due_ms) != 0)
        return CLI_INTERRUPTED;
      continue;
    }
    int rc = due && due->due_ms <= now
                 ? collect(r, due)
                 : submit(r, &r->batches[r->next_submit++]);
    r->progress.requests = pubrio_client_requests_sent(r->client);
    if (rc != CLI_OK)
      return rc;
  }
}

static int add_batch(run *r, int number, cli_id *people, size_t count) {
  batch *grown = cli_grow(r->batches, &r->batches_cap, r->count, sizeof *grown);
  if (!grown)
    return -1;
  r->batches = grown;
  batch *b = &r->batches[r->count++];
  memset(b, 0, sizeof *b);
  b->number = number;
  b->people = people;
  b->count = count;
  return 0;
}

/* Journaled batches are only collected; new people form new batches. */
static int plan(run *r, id_list *todo, const id_list *input) {
  journal *j = &r->journal;
  size_t skipped = 0, uncertain = 0;
  for (size_t i = 0; i < input->count; i++) {
    const char *id = input->ids[i];
    if (r->journaling && id_list_contains(&j->submitted, id))
      skipped++;
    else if (r->journaling && !r->o->resubmit_uncertain &&
             id_list_contains(&j->uncertain, id))
      uncertain++;
    else if (id_list_push(todo, id) != 0)
      return -1;
  }
  if (!r->o->quiet && skipped)
    fprintf(stderr,
            "pubrio: %zu people already submitted (journal): not "
            "submitted again\n",
            skipped);
  if (uncertain)
    fprintf(stderr,
            "pubrio: %zu people were being submitted when an earlier "
            "run stopped; the API may have charged for them, so they "
            "are not sent again (--resubmit-uncertain sends them)\n",
            uncertain);
  for (size_t i = 0; r->journaling && r->o->wait && i < j->count; i++) {
    if (add_batch(r, j->batches[i].number, j->batches[i].people.ids,
                  j->batches[i].people.count) != 0)
      return -1;
    batch *b = &r->batches[r->count - 1];
    memcpy(b->redeem_query_id, j->batches[i].redeem_query_id,
           PUBRIO_ID_LEN + 1);
    b->submitted = 1;
    b->due_ms = cli_now_ms();
  }
  r->next_submit = r->count;
  int number = r->journaling ? j->next_number : 1;
  size_t size = (size_t)r->o->batch_size;
  for (size_t at = 0; at < todo->count; at += size)
    if (add_batch(r, number++, todo->ids + at,
                  todo->count - at < size ? todo->count - at : size) != 0)
      return -1;
  for (size_t i = 0; i < r->count; i++)
    r->progress.people_total += r->batches[i].count;
  r->progress.batches_total = r->count;
  return 0;
}

int cli_redeem(const cli_options *o) {
  id_list input = {0}, todo = {0};
  size_t duplicates = 0;
  int rc = ids_collect(o, &input, &duplicates);
  if (rc == CLI_OK && duplicates && !o->quiet)
    fprintf(stderr, "pubrio: %zu duplicate id%s dropped\n", duplicates,
            duplicates == 1 ? "" : "s");
  run r = {0};
  r.o = o;
  if (rc == CLI_OK && o->journal) {
    rc = journal_open(&r.journal, o->journal, o->types);
    r.journaling = rc == CLI_OK;
  }
  if (rc == CLI_OK && !(r.client = cli_make_client(o)))
    rc = CLI_USAGE;
  if (rc == CLI_OK && plan(&r, &todo, &input) != 0) {
    fprintf(stderr, "pubrio: out of memory\n");
    rc = CLI_FAILED;
  }
  if (rc == CLI_OK) {
    progress_init(&r.progress, o->verbose, o->quiet);
    r.deadline_ms = cli_now_ms() + o->max_wait_ms;
    if (o->format == FORMAT_CSV && o->wait)
      output_csv_header(stdout);
    rc = drive(&r);
    progress_finish(&r.progress);
    if (rc == CLI_INTERRUPTED)
      fprintf(stderr, "pubrio: interrupted%s\n",
              r.journaling ? "; the journal is up to date" : "");
    if (rc != CLI_OK)
      report_unfinished(&r);
  }
  cli_free_client(r.client);
  journal_close(&r.journal); /* also after a failed open */
  free(r.batches);
  id_list_free(&todo);
  id_list_free(&input);
  return rc;
}
