/* The bulk engine over real HTTP to the fake server, scheduling on the
 * injected clock: everyone submitted once and collected once, requests in
 * flight at once, the rate budget, the journal and resume, the credit
 * budget, the dry run, stops that report what was paid for, strangers. */
#include "test_support.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { MAX_PEOPLE = 1000 };

static char ids[MAX_PEOPLE][PUBRIO_ID_LEN + 1];
static const char *id_ptrs[MAX_PEOPLE];

static void make_ids(void) {
  for (int i = 0; i < MAX_PEOPLE; i++) {
    snprintf(ids[i], sizeof ids[i], "10000000-0000-4000-8000-%012d", i);
    id_ptrs[i] = ids[i];
  }
}

typedef struct tally {
  int accepted, done, strangers, people, progress;
  int seen[MAX_PEOPLE];    /* times each person was handed out */
  int stop_after_accepted; /* > 0: stop the run after so many */
} tally;

static int count_event(const pubrio_bulk_event *ev, void *userdata) {
  tally *t = userdata;
  switch (ev->kind) {
  case PUBRIO_BULK_BATCH_ACCEPTED:
    assert_non_null(ev->job);
    assert_string_equal(ev->job->redeem_query_id, ev->redeem_query_id);
    assert_non_null(ev->people); /* the batch's people, as text */
    for (size_t i = 0; i < ev->people_count; i++)
      assert_int_equal(strlen(ev->people[i]), PUBRIO_ID_LEN);
    t->accepted++;
    return t->stop_after_accepted && t->accepted >= t->stop_after_accepted;
  case PUBRIO_BULK_PERSON: {
    int n = atoi(ev->person->people_search_id + 24);
    assert_true(n >= 0 && n < MAX_PEOPLE);
    t->seen[n]++;
    t->people++;
    break;
  }
  case PUBRIO_BULK_BATCH_DONE: t->done++; break;
  case PUBRIO_BULK_STRANGERS: t->strangers += (int)ev->people_count; break;
  case PUBRIO_BULK_PROGRESS:
    assert_non_null(ev->stats);
    t->progress++;
    break;
  default: break;
  }
  return 0;
}

static pubrio_bulk *make_bulk(fixture *f, pubrio_bulk_options *o,
                              size_t people) {
  pubrio_bulk *b = NULL;
  assert_int_equal(
      pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err),
      PUBRIO_OK);
  if (people)
    assert_int_equal(pubrio_bulk_add_people(b, id_ptrs, people, &f->err),
                     PUBRIO_OK);
  return b;
}

static pubrio_bulk_options *options(void) {
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  return o;
}

static int setup(void **state) {
  *state = fixture_new(*state);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  return 0;
}

static fake_server_options ready_at_once = {.estimated_time = 0};
static fake_server_options never_ready = {.estimated_time = 0,
                                          .complete_after_polls = 1000000};
static fake_server_options slow_answers = {.estimated_time = 0,
                                           .latency_ms = 200};

static void everyone_submitted_and_collected_once(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_bulk(f, NULL, 250);
  /* Duplicates across calls are dropped and counted. */
  assert_int_equal(pubrio_bulk_add_people(b, id_ptrs, 10, &f->err), PUBRIO_OK);
  tally t = {0};
  assert_int_equal(pubrio_bulk_run(b, count_event, &t, &f->err), PUBRIO_OK);
  assert_int_equal(t.accepted, 3);
  assert_int_equal(t.done, 3);
  assert_int_equal(t.people, 250);
  for (int i = 0; i < 250; i++)
    assert_int_equal(t.seen[i], 1);
  pubrio_bulk_stats s;
  pubrio_bulk_stats_get(b, &s, sizeof s);
  assert_int_equal(s.duplicates, 10);
  assert_int_equal(s.people_collected, 250);
  assert_int_equal(s.batches_collected, 3);
  assert_int_equal(s.requests, 6); /* a submit and a query a batch */
  assert_true(s.credits_charged > 0);
  assert_true(s.has_credit);
  size_t submitted;
  int max_repeat;
  fake_server_people_stats(f->server, &submitted, &max_repeat);
  assert_int_equal(submitted, 250);
  assert_int_equal(max_repeat, 1);
  pubrio_bulk_free(b);
}

/* Requests overlap: with answers taking 200 ms, several are in flight. */
static void requests_run_concurrently(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options();
  assert_int_equal(pubrio_bulk_options_set_batch_size(o, 10, NULL), PUBRIO_OK);
  pubrio_bulk *b = make_bulk(f, o, 80);
  tally t = {0};
  struct timespec a, z;
  clock_gettime(CLOCK_MONOTONIC, &a);
  assert_int_equal(pubrio_bulk_run(b, count_event, &t, &f->err), PUBRIO_OK);
  clock_gettime(CLOCK_MONOTONIC, &z);
  double secs = (double)(z.tv_sec - a.tv_sec) + (z.tv_nsec - a.tv_nsec) / 1e9;
  assert_int_equal(t.people, 80);
  int most = fake_server_max_concurrent(f->server);
  if (most < 4)
    fail_msg("at most %d requests at once", most);
  /* 16 requests of 200 ms one after the other would take 3.2 s. */
  assert_true(secs < 2.0);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* By default what is in flight follows the latency (issue 30): at 200 ms
 * a request and 300 a minute with room, 100 a second x 0.2 s = 20 go at
 * once after the first answers (more if the answers come slower, as under
 * a sanitizer), more than the 8 it starts with (the old fixed default);
 * 0 names that default, a negative number is refused. */
static void in_flight_follows_latency_by_default(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options();
  assert_int_equal(pubrio_bulk_options_set_batch_size(o, 1, NULL), PUBRIO_OK);
  pubrio_bulk *b = make_bulk(f, o, 60);
  tally t = {0};
  assert_int_equal(pubrio_bulk_run(b, count_event, &t, &f->err), PUBRIO_OK);
  assert_int_equal(t.people, 60);
  int most = fake_server_max_concurrent(f->server);
  if (most < 12 || most > 40) /* 20 at 200 ms; more when slower */
    fail_msg("at most %d requests at once", most);
  pubrio_bulk_free(b);
  assert_int_equal(pubrio_bulk_options_set_max_in_flight(o, 0, NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_max_in_flight(o, -1, NULL),
                   PUBRIO_E_INVALID_ARGUMENT);
  pubrio_bulk_options_free(o);
}

/* The rate budget, on the injected clock: 3 requests a minute. */
static void rate_budget_paces_submits_and_polls(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options();
  pubrio_bulk_options_set_batch_size(o, 1, NULL);
  pubrio_bulk_options_set_rate_limit(o, 3, NULL);
  pubrio_bulk_options_set_read_account(o, 0, NULL); /* only the redeems */
  pubrio_bulk *b = make_bulk(f, o, 3);
  pubrio_bulk_stats s;
  pubrio_bulk_stats_get(b, &s, sizeof s);
  assert_int_equal(s.planned_requests, 6);
  assert_int_equal(s.min_duration_ms, 60000);
  int64_t start = f->clock.now;
  tally t = {0};
  assert_int_equal(pubrio_bulk_run(b, count_event, &t, &f->err), PUBRIO_OK);
  assert_int_equal(t.people, 3);
  /* 6 requests at 3 a minute: the second three wait a full minute (and
   * the margin of a second for an arrival lagging its start, so a server's
   * fixed minute never sees four), and the callback hears about it. */
  assert_int_equal(f->clock.now - start, 61000);
  assert_true(t.progress > 0);
  assert_int_equal(fake_server_request_count(f->server, NULL), 6);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* A dry run: counts and the rate floor, nothing sent. */
static void dry_run_sends_nothing(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_bulk(f, NULL, 1000);
  pubrio_bulk_add_people(b, id_ptrs, 5, NULL);
  pubrio_bulk_stats s;
  pubrio_bulk_stats_get(b, &s, sizeof s);
  assert_int_equal(s.people, 1000);
  assert_int_equal(s.duplicates, 5);
  assert_int_equal(s.batches, 10);
  assert_int_equal(s.planned_requests, 20);
  assert_int_equal(s.min_duration_ms, 0); /* 20 fit in one minute */
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
  pubrio_bulk_free(b);
}

static void bad_ids_are_all_or_nothing(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_bulk(f, NULL, 0);
  const char *mixed[] = {ids[0], "not-an-id\x1b[2K", ids[1]};
  assert_int_equal(pubrio_bulk_add_people(b, mixed, 3, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(f->err.message, "index 1"));
  assert_null(strchr(f->err.message, '\x1b'));
  pubrio_bulk_stats s;
  pubrio_bulk_stats_get(b, &s, sizeof s);
  assert_int_equal(s.people, 0);
  pubrio_bulk *unknown_type = NULL;
  assert_int_equal(pubrio_bulk_new(&unknown_type, f->client, 8, NULL, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_null(unknown_type);
  pubrio_bulk_free(b);
}

/* A submit without a conclusive answer stops submitting, and collecting
 * goes on: the paid batch is collected, the uncertain one is named as a
 * failed batch, never resent, and the run ends with its status. */
static void failed_submit_stops_submitting_collecting_goes_on(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options();
  pubrio_bulk_options_set_max_in_flight(o, 1, NULL);
  pubrio_bulk *b = make_bulk(f, o, 300);
  /* The first submit is the fake's own; the second gets a 500. */
  tally t = {0};
  pubrio_bulk_event ev;
  assert_int_equal(pubrio_bulk_next(b, -1, &ev, &f->err), PUBRIO_OK);
  assert_int_equal(ev.kind, PUBRIO_BULK_BATCH_ACCEPTED);
  script(f, SUBMIT_PATH, 500, "{\"error\":\"boom\"}", NULL, NULL);
  pubrio_status st;
  int failed = 0;
  while ((st = pubrio_bulk_next_event(b, -1, &ev, sizeof ev, &f->err)) ==
             PUBRIO_OK &&
         ev.kind != PUBRIO_BULK_FINISHED) {
    if (ev.kind == PUBRIO_BULK_BATCH_FAILED) {
      failed++;
      assert_int_equal(ev.status, PUBRIO_E_SERVER);
      assert_non_null(strstr(ev.message, "boom"));
    }
    count_event(&ev, &t);
  }
  assert_int_equal(st, PUBRIO_E_SERVER);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
  assert_int_equal(failed, 1);
  assert_int_equal(t.people, 100); /* the paid batch, collected */
  pubrio_bulk_stats s;
  pubrio_bulk_stats_get(b, &s, sizeof s);
  assert_int_equal(s.people_left_uncertain, 100);
  assert_int_equal(s.batches_failed, 1);
  /* Every later call says the same; the third batch was never sent. */
  assert_int_equal(pubrio_bulk_next(b, 0, &ev, &f->err), PUBRIO_E_SERVER);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 2);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

static void deadline_reports_uncollected_batches(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options();
  pubrio_wait_options *w = NULL;
  pubrio_wait_options_new(&w, NULL);
  pubrio_wait_options_set_timeout(w, 20000, NULL);
  pubrio_bulk_options_set_wait(o, w, NULL);
  /* A submit starts only when its whole timeout fits before the deadline. */
  assert_int_equal(pubrio_client_set_timeouts(f->client, 1000, 5000, NULL),
                   PUBRIO_OK);
  pubrio_bulk *b = make_bulk(f, o, 150);
  tally t = {0};
  assert_int_equal(pubrio_bulk_run(b, count_event, &t, &f->err),
                   PUBRIO_E_WAIT_TIMEOUT);
  assert_int_equal(t.accepted, 2);
  /* Both paid batches are reported (the server numbers them in the order
   * their concurrent submits arrived). */
  size_t first = 0, second = 0;
  const char *a = pubrio_bulk_uncollected(b, 0, &first);
  const char *z = pubrio_bulk_uncollected(b, 1, &second);
  assert_non_null(a);
  assert_non_null(z);
  assert_true(strcmp(a, z) != 0);
  for (const char *id = a; id; id = id == a ? z : NULL)
    assert_true(strcmp(id, "00000000-0000-4000-8000-000000000001") == 0 ||
                strcmp(id, "00000000-0000-4000-8000-000000000002") == 0);
  assert_int_equal(first + second, 150);
  assert_null(pubrio_bulk_uncollected(b, 2, NULL));
  assert_true(f->clock.now - 1000000 <= 20000);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  pubrio_wait_options_free(w);
}

/* The credit budget: nothing submitted that could push charges past it. */
static void credit_budget_is_never_exceeded(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options();
  pubrio_bulk_options_set_batch_size(o, 10, NULL);
  pubrio_bulk_options_set_max_in_flight(o, 4, NULL);
  /* One type: 10 credits a batch at most; 25 allow two batches first. */
  pubrio_bulk_options_set_max_credits(o, 25, NULL);
  pubrio_bulk *b = make_bulk(f, o, 40);
  tally t = {0};
  assert_int_equal(pubrio_bulk_run(b, count_event, &t, &f->err),
                   PUBRIO_E_CREDIT_BUDGET);
  pubrio_bulk_stats s;
  pubrio_bulk_stats_get(b, &s, sizeof s);
  assert_true(s.credits_charged <= 25);
  /* Some people have no contacts (not charged), so a third batch may fit
   * once the first two are collected; never more than the budget allows. */
  assert_true(s.people_submitted >= 20 && s.people_submitted < 40);
  assert_int_equal(t.people, (int)s.people_submitted);
  assert_null(pubrio_bulk_uncollected(b, 0, NULL));
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* An answer naming people the batch does not hold breaks the contract:
 * nobody of it is handed out, the batch is failed and named, the run ends
 * with PUBRIO_E_PROTOCOL. */
static void strangers_are_not_handed_out(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_bulk(f, NULL, 1);
  script(f, QUERY_PATH, 200,
         "{\"data\":{\"query\":{\"redeem_query_id\":\"00000000-0000-4000-8000-"
         "000000000001\",\"is_completed\":true},\"peoples\":["
         "{\"people_search_id\":\"10000000-0000-4000-8000-000000000000\"},"
         "{\"people_search_id\":\"99999999-0000-4000-8000-000000000000\"}]}}",
         NULL, NULL);
  tally t = {0};
  assert_int_equal(pubrio_bulk_run(b, count_event, &t, &f->err),
                   PUBRIO_E_PROTOCOL);
  assert_non_null(strstr(f->err.message, "does not hold"));
  assert_int_equal(t.people, 0);
  assert_string_equal(pubrio_bulk_uncollected(b, 0, NULL),
                      "00000000-0000-4000-8000-000000000001");
  pubrio_bulk_free(b);
}

static char journal_path[JOURNAL_PATH_MAX];

static int journal_setup(void **state) {
  journal_path_new(journal_path, "bulk");
  return setup(state);
}

static int journal_teardown(void **state) {
  journal_remove(journal_path);
  return teardown(state);
}

/* Stop after the first accepted batch, resume on the journal: nobody is
 * submitted twice and everyone is collected. */
static void journal_resume_submits_only_what_is_left(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options();
  pubrio_bulk_options_set_journal(o, journal_path, 0, NULL);
  pubrio_bulk_options_set_max_in_flight(o, 1, NULL);
  pubrio_bulk *b = make_bulk(f, o, 300);
#ifndef PUBRIO_TEST_POSTGRESQL /* shared by any number of runs there */
  /* A second run on the same journal file is refused while the first holds
   * it (on a client of its own: one client has one run at a time). */
  pubrio_client *c2 = NULL;
  assert_int_equal(pubrio_client_new(&c2, TEST_KEY, NULL), PUBRIO_OK);
  pubrio_bulk *other = NULL;
  assert_int_equal(
      pubrio_bulk_new(&other, c2, PUBRIO_CONTACT_PHONE, o, &f->err),
      PUBRIO_E_JOURNAL);
  assert_non_null(strstr(f->err.message, "in use"));
  pubrio_client_free(c2);
#endif
  tally first = {.stop_after_accepted = 1};
  assert_int_equal(pubrio_bulk_run(b, count_event, &first, &f->err),
                   PUBRIO_E_CANCELLED);
  pubrio_bulk_free(b);
  b = make_bulk(f, o, 300);
  pubrio_bulk_stats s;
  pubrio_bulk_stats_get(b, &s, sizeof s);
  assert_int_equal(s.people_journaled, 100);
  assert_int_equal(s.people_to_submit, 200);
  assert_int_equal(s.batches, 3);
  tally second = {0};
  assert_int_equal(pubrio_bulk_run(b, count_event, &second, &f->err),
                   PUBRIO_OK);
  assert_int_equal(second.people, 300); /* the journaled batch too */
  size_t submitted;
  int max_repeat;
  fake_server_people_stats(f->server, &submitted, &max_repeat);
  assert_int_equal(submitted, 300);
  assert_int_equal(max_repeat, 1);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* People whose submit got no answer are not sent again unless asked. */
static void uncertain_people_are_not_resent(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options();
  pubrio_bulk_options_set_journal(o, journal_path, 0, NULL);
  /* The server acts on the first submit (2 people), then closes. */
  pubrio_bulk *b = make_bulk(f, o, 2);
  fake_reply cut = {.path = SUBMIT_PATH,
                    .fault = FAKE_FAULT_PROCESS_THEN_CLOSE};
  fake_server_push_reply(f->server, &cut);
  assert_int_equal(pubrio_bulk_run(b, NULL, NULL, &f->err), PUBRIO_E_TRANSPORT);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
  pubrio_bulk_free(b);
  b = make_bulk(f, o, 5);
  pubrio_bulk_stats s;
  pubrio_bulk_stats_get(b, &s, sizeof s);
  assert_int_equal(s.people_uncertain, 2);
  assert_int_equal(s.people_to_submit, 3);
  tally t = {0};
  assert_int_equal(pubrio_bulk_run(b, count_event, &t, &f->err), PUBRIO_OK);
  assert_int_equal(t.seen[0] + t.seen[1], 0);
  assert_int_equal(t.people, 3);
  pubrio_bulk_free(b);
  pubrio_bulk_options_set_journal(o, journal_path, 1, NULL);
  b = make_bulk(f, o, 5);
  pubrio_bulk_stats_get(b, &s, sizeof s);
  assert_int_equal(s.people_to_submit, 2); /* resubmit asked for */
  tally again = {0};
  assert_int_equal(pubrio_bulk_run(b, count_event, &again, &f->err), PUBRIO_OK);
  assert_int_equal(again.seen[0], 1); /* sent this time, and collected */
  assert_int_equal(again.seen[1], 1);
  size_t submitted;
  int max_repeat;
  fake_server_people_stats(f->server, &submitted, &max_repeat);
  /* 2 (uncertain), 3, then the 2 uncertain ones again, as asked */
  assert_int_equal(submitted, 7);
  assert_int_equal(max_repeat, 2);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

typedef struct canceller {
  pubrio_client *client;
} canceller;

static void *cancel_soon(void *arg) {
  struct timespec ts = {0, 150 * 1000000L};
  nanosleep(&ts, NULL);
  pubrio_client_cancel(((canceller *)arg)->client);
  return NULL;
}

/* A cancel from another thread ends a run stuck on a hung server. */
static void cancel_ends_a_run(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_bulk(f, NULL, 10);
  fake_reply r = {.path = SUBMIT_PATH, .status = 200, .delay_ms = 60000};
  fake_server_push_reply(f->server, &r);
  canceller k = {f->client};
  pthread_t th;
  pthread_create(&th, NULL, cancel_soon, &k);
  pubrio_bulk_event ev;
  pubrio_status st;
  while ((st = pubrio_bulk_next(b, -1, &ev, &f->err)) == PUBRIO_OK &&
         ev.kind != PUBRIO_BULK_FINISHED) {
  }
  pthread_join(th, NULL);
  assert_int_equal(st, PUBRIO_E_CANCELLED);
  pubrio_client_reset_cancel(f->client);
  pubrio_bulk_free(b);
}

/* A caller built against libpubrio 0.2 has a smaller event: the plain
 * pubrio_bulk_next() never writes past the fields it had. */
static void next_keeps_to_the_old_event_layout(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_bulk(f, NULL, 3);
  union {
    pubrio_bulk_event ev;
    unsigned char bytes[sizeof(pubrio_bulk_event)];
  } u;
  size_t old_size = offsetof(pubrio_bulk_event, status);
  int kinds = 0;
  for (;;) {
    memset(u.bytes, 0xA5, sizeof u.bytes);
    assert_int_equal(pubrio_bulk_next(b, -1, &u.ev, &f->err), PUBRIO_OK);
    for (size_t i = old_size; i < sizeof u.bytes; i++)
      assert_int_equal(u.bytes[i], 0xA5);
    kinds |= 1 << u.ev.kind;
    if (u.ev.kind == PUBRIO_BULK_FINISHED)
      break;
  }
  assert_true(kinds & (1 << PUBRIO_BULK_PERSON));
  pubrio_bulk_free(b);
}

/* The iterator form with a short timeout: NONE while waiting. */
static void next_with_timeout_returns_none_while_waiting(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_bulk(f, NULL, 1);
  pubrio_bulk_event ev;
  int nones = 0, people = 0;
  for (;;) {
    assert_int_equal(pubrio_bulk_next(b, 0, &ev, &f->err), PUBRIO_OK);
    if (ev.kind == PUBRIO_BULK_FINISHED)
      break;
    nones += ev.kind == PUBRIO_BULK_NONE;
    people += ev.kind == PUBRIO_BULK_PERSON;
    assert_true(nones < 100000);
  }
  assert_int_equal(people, 1);
  assert_int_equal(pubrio_bulk_next(b, 0, &ev, &f->err), PUBRIO_OK);
  assert_int_equal(ev.kind, PUBRIO_BULK_FINISHED);
  pubrio_bulk_free(b);
}

#define T(name, opts)                                                          \
  cmocka_unit_test_prestate_setup_teardown(name, setup, teardown, opts)
#define J(name, opts)                                                          \
  cmocka_unit_test_prestate_setup_teardown(name, journal_setup,                \
                                           journal_teardown, opts)

int main(void) {
  make_ids();
  const struct CMUnitTest tests[] = {
      T(everyone_submitted_and_collected_once, &ready_at_once),
      T(requests_run_concurrently, &slow_answers),
      T(in_flight_follows_latency_by_default, &slow_answers),
      T(rate_budget_paces_submits_and_polls, &ready_at_once),
      T(dry_run_sends_nothing, &ready_at_once),
      T(bad_ids_are_all_or_nothing, &ready_at_once),
      T(failed_submit_stops_submitting_collecting_goes_on, &ready_at_once),
      T(deadline_reports_uncollected_batches, &never_ready),
      T(credit_budget_is_never_exceeded, &ready_at_once),
      T(strangers_are_not_handed_out, &ready_at_once),
      J(journal_resume_submits_only_what_is_left, &ready_at_once),
      J(uncertain_people_are_not_resent, &ready_at_once),
      T(cancel_ends_a_run, &ready_at_once),
      T(next_with_timeout_returns_none_while_waiting, &ready_at_once),
      T(next_keeps_to_the_old_event_layout, &ready_at_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
