/* The bulk engine where users stand, over real HTTP to the fake server:
 * what the account says its prices are, a deadline under a rate (every
 * batch paid before it is collected before it), the message that names
 * what stopped a run, batch numbers at the end of their range, and the
 * account read before the first submit. */
#include "test_support.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_PEOPLE = 4000 };

static char ids[MAX_PEOPLE][PUBRIO_ID_LEN + 1];
static const char *id_ptrs[MAX_PEOPLE];
static char journal_path[JOURNAL_PATH_MAX];

static void make_ids(void) {
  for (int i = 0; i < MAX_PEOPLE; i++) {
    snprintf(ids[i], sizeof ids[i], "30000000-0000-4000-8000-%012d", i);
    id_ptrs[i] = ids[i];
  }
}

static int setup(void **state) {
  journal_path_new(journal_path, "edges");
  *state = fixture_new(*state);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  journal_remove(journal_path);
  return 0;
}

static pubrio_bulk_options *options(int batch_size) {
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_batch_size(o, batch_size, NULL),
                   PUBRIO_OK);
  return o;
}

static pubrio_bulk *make_run(fixture *f, unsigned types,
                             const pubrio_bulk_options *o, size_t people) {
  pubrio_bulk *b = NULL;
  assert_int_equal(pubrio_bulk_new(&b, f->client, types, o, &f->err),
                   PUBRIO_OK);
  assert_int_equal(pubrio_bulk_add_people(b, id_ptrs, people, &f->err),
                   PUBRIO_OK);
  return b;
}

/* What a run handed out until it ended. */
typedef struct seen {
  int people, accepted, done, failed;
} seen;

static pubrio_status drain_all(pubrio_bulk *b, seen *s, pubrio_error *err) {
  pubrio_bulk_event ev;
  pubrio_status st;
  while ((st = pubrio_bulk_next_event(b, -1, &ev, sizeof ev, err)) ==
             PUBRIO_OK &&
         ev.kind != PUBRIO_BULK_FINISHED) {
    s->people += ev.kind == PUBRIO_BULK_PERSON;
    s->accepted += ev.kind == PUBRIO_BULK_BATCH_ACCEPTED;
    s->done += ev.kind == PUBRIO_BULK_BATCH_DONE;
    s->failed += ev.kind == PUBRIO_BULK_BATCH_FAILED;
  }
  return st;
}

static size_t uncollected(const pubrio_bulk *b) {
  size_t n = 0;
  while (pubrio_bulk_uncollected(b, n, NULL))
    n++;
  return n;
}

/* A POST /profile answer with the given subscription prices (NULL: the
 * field left out). */
static void script_profile(fixture *f, const char *email, const char *phone) {
  char body[512];
  snprintf(body, sizeof body,
           "{\"data\":{\"profile_id\":1,\"credit\":1000000,\"topup_credit\":0,"
           "\"subscription\":{\"name\":\"Odd\"%s%s%s%s}}}",
           email ? ",\"email_redeem_credit\":" : "", email ? email : "",
           phone ? ",\"phone_number_redeem_credit\":" : "", phone ? phone : "");
  script(f, "/profile", 200, body, NULL, NULL);
}

/* ---- the account's prices ---------------------------------------------- */

/* /profile answering prices of 0, a budget at stake: nothing is sent, and
 * the message says how to give the prices. */
static void prices_of_zero_with_a_budget_send_nothing(void **state) {
  fixture *f = *state;
  script_profile(f, "0", "0");
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_max_credits(o, 100, NULL);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 100);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_CREDIT_BUDGET);
  assert_non_null(strstr(f->err.message, "a price of 0 for phone"));
  assert_non_null(strstr(f->err.message, "nothing was sent"));
  assert_non_null(strstr(f->err.message, "--price"));
  assert_non_null(strstr(f->err.message, "pubrio_bulk_options_set_prices"));
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 0);
  assert_int_equal(s.accepted, 0);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* /profile without price fields: the same stop, naming every type asked;
 * without a budget the run goes on (nothing is at stake). */
static void missing_prices_with_a_budget_send_nothing(void **state) {
  fixture *f = *state;
  script_profile(f, NULL, NULL);
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_max_credits(o, 100, NULL);
  pubrio_bulk *b =
      make_run(f, PUBRIO_CONTACT_EMAIL_WORK | PUBRIO_CONTACT_PHONE, o, 20);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_CREDIT_BUDGET);
  assert_non_null(strstr(f->err.message, "no price for email-work, phone"));
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 0);
  pubrio_bulk_free(b);
  /* No budget: nothing to hold, the run goes on. */
  script_profile(f, NULL, NULL);
  pubrio_bulk_options_set_max_credits(o, -1, NULL);
  b = make_run(f, PUBRIO_CONTACT_PHONE, o, 20);
  memset(&s, 0, sizeof s);
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(s.done, 2);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* The account not read (or its read failed) with a budget: no price is
 * known, the same stop; prices given by the caller run. */
static void prices_given_run_where_the_account_gives_none(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_max_credits(o, 1000, NULL);
  pubrio_bulk_options_set_read_account(o, 0, NULL);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 20);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_CREDIT_BUDGET);
  assert_non_null(strstr(f->err.message, "no price for phone"));
  pubrio_bulk_free(b);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 0);
  /* The caller's prices (even 0, the caller's word) are taken. */
  script_profile(f, "0", "0");
  pubrio_bulk_options_set_read_account(o, 1, NULL);
  pubrio_bulk_options_set_prices(o, 1, 1, NULL);
  b = make_run(f, PUBRIO_CONTACT_PHONE, o, 20);
  memset(&s, 0, sizeof s);
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(s.done, 2);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.price_phone, 1);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* Prices given that are wrong (1 a phone; the account charges 30): the
 * first batch collected is charged past its worst case, so nothing more
 * is submitted; what was accepted is still collected, none is left
 * unnamed, and the run ends with the budget's status. */
static void a_charge_past_the_worst_case_stops_submits(void **state) {
  fixture *f = *state;
  int64_t before = fake_server_credit(f->server);
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_max_credits(o, 100000, NULL);
  pubrio_bulk_options_set_prices(o, 1, 1, NULL);
  pubrio_bulk_options_set_max_in_flight(o, 2, NULL);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 200);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_CREDIT_BUDGET);
  assert_non_null(strstr(f->err.message, "the prices are wrong"));
  assert_non_null(strstr(f->err.message, "--price"));
  size_t submits = fake_server_request_count(f->server, SUBMIT_PATH);
  assert_true(submits >= 1 && submits <= 3); /* 2 in flight, then none */
  assert_int_equal(s.accepted, (int)submits);
  assert_int_equal(s.done, (int)submits); /* accepted: still collected */
  assert_int_equal(uncollected(b), 0);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.credits_charged, before - fake_server_credit(f->server));
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* The same for a single redeem (a LinkedIn URL): charged 30 for a phone
 * priced 1, it ends submitting; no batch leaves after it. */
static void a_single_charged_past_its_worst_case_stops_submits(void **state) {
  fixture *f = *state;
  const char *urls[] = {
      "https://www.linkedin.com/in/w-1", "https://www.linkedin.com/in/w-2",
      "https://www.linkedin.com/in/w-3", "https://www.linkedin.com/in/w-4",
      "https://www.linkedin.com/in/w-5", "https://www.linkedin.com/in/w-6"};
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_max_credits(o, 100000, NULL);
  pubrio_bulk_options_set_prices(o, 1, 1, NULL);
  pubrio_bulk_options_set_max_in_flight(o, 1, NULL);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 20);
  assert_int_equal(pubrio_bulk_add_linkedin_urls(b, urls, 6, &f->err),
                   PUBRIO_OK);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_CREDIT_BUDGET);
  assert_non_null(strstr(f->err.message, "the prices are wrong"));
  assert_true(fake_server_request_count(f->server, "/redeem/people") < 6);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 0);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* ---- a deadline under a rate ------------------------------------------ */

static pubrio_bulk_options *under_deadline(int per_minute, int64_t wait_ms) {
  pubrio_bulk_options *o = options(100);
  pubrio_wait_options *w = NULL;
  assert_int_equal(pubrio_wait_options_new(&w, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_wait_options_set_timeout(w, wait_ms, NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_wait(o, w, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_rate_limit(o, per_minute, NULL),
                   PUBRIO_OK);
  pubrio_wait_options_free(w);
  return o;
}

/* A submit starts only while the rate budget before the deadline has room
 * for it and a poll of every batch in flight, its own included: 4,000
 * people at 60 a minute with 20 s to wait (the minute's 60 requests all
 * before the deadline, 2 of them the account reads), and 10 a minute with
 * 30 s. Every accepted batch is collected, none left paid and named; the
 * stop says no submit has room and how many people were never sent. */
static void a_deadline_under_a_rate_collects_every_paid_batch(void **state) {
  fixture *f = *state;
  static const struct {
    int per_minute;
    int64_t wait_ms;
    int batches;
  } cases[] = {{60, 20000, 29}, {10, 30000, 4}};
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    size_t before = fake_server_request_count(f->server, SUBMIT_PATH);
    pubrio_bulk_options *o =
        under_deadline(cases[k].per_minute, cases[k].wait_ms);
    pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, MAX_PEOPLE);
    seen s = {0};
    assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_WAIT_TIMEOUT);
    assert_int_equal(s.accepted, cases[k].batches);
    assert_int_equal(s.done, s.accepted);
    assert_int_equal(uncollected(b), 0);
    assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH) - before,
                     (size_t)s.accepted);
    char want[96];
    snprintf(want, sizeof want, "; %d people were never submitted",
             MAX_PEOPLE - 100 * s.accepted);
    assert_non_null(
        strstr(f->err.message, "no submit has room before the run's deadline"));
    assert_non_null(strstr(f->err.message, want));
    pubrio_bulk_free(b);
    pubrio_bulk_options_free(o);
    /* The next case starts with a fresh minute. */
    f->clock.now += 120000;
  }
}

/* The deadline reached with a batch the API never completes: the stop says
 * so, and names the batch. */
static void the_deadline_reached_is_named(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = under_deadline(300, 10000);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 10);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_WAIT_TIMEOUT);
  assert_string_equal(f->err.message,
                      "the run's deadline was reached with 1 batch not "
                      "collected");
  assert_int_equal(uncollected(b), 1);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* A 429 whose Retry-After lands past the deadline: the run stops at once
 * and says it was the Retry-After, not the deadline. */
static void a_retry_after_past_the_deadline_is_named(void **state) {
  fixture *f = *state;
  script(f, SUBMIT_PATH, 429, "{\"error\":\"slow down\"}", "Retry-After",
         "3600");
  pubrio_bulk_options *o = under_deadline(300, 60000);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 10);
  int64_t start = f->clock.now;
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_WAIT_TIMEOUT);
  assert_non_null(strstr(f->err.message, "(Retry-After)"));
  assert_non_null(strstr(f->err.message, "past the run's deadline"));
  assert_non_null(strstr(f->err.message, "10 people were never submitted"));
  assert_true(f->clock.now - start < 60000); /* not at the deadline */
  assert_int_equal(s.accepted, 0);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* ---- batch numbers ------------------------------------------------------ */

/* A journal whose one batch (10 people, collected) is renumbered to
 * @p number, as a hand or another program could. */
static void journal_with_batch_number(fixture *f, pubrio_bulk_options *o,
                                      long long number) {
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 10);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(s.done, 1);
  pubrio_bulk_free(b);
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(journal_path, &db), SQLITE_OK);
  char sql[96];
  snprintf(sql, sizeof sql, "UPDATE batches SET number = %lld", number);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_changes(db), 1);
  sqlite3_close(db);
}

/* The highest stored batch number near INT_MAX: the batches up to INT_MAX
 * go (and are collected), then the run stops, saying the numbers are used
 * up, with no number wrapped round (UBSan: no overflow). */
static void batch_numbers_end_at_int_max(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(100);
  pubrio_bulk_options_set_journal(o, journal_path, 0, NULL);
  journal_with_batch_number(f, o, INT_MAX - 2);
  pubrio_bulk *b = NULL;
  assert_int_equal(
      pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err),
      PUBRIO_OK);
  assert_int_equal(pubrio_bulk_add_people(b, id_ptrs + 10, 400, &f->err),
                   PUBRIO_OK);
  seen s = {0};
  pubrio_bulk_event ev;
  pubrio_status st;
  int last = 0;
  while ((st = pubrio_bulk_next_event(b, -1, &ev, sizeof ev, &f->err)) ==
             PUBRIO_OK &&
         ev.kind != PUBRIO_BULK_FINISHED) {
    if (ev.kind == PUBRIO_BULK_BATCH_ACCEPTED) {
      /* Never wrapped round (the two may be answered in either order). */
      assert_true(ev.batch >= INT_MAX - 1);
      assert_int_not_equal(ev.batch, last);
      if (ev.batch > last)
        last = ev.batch;
      s.accepted++;
    }
    s.done += ev.kind == PUBRIO_BULK_BATCH_DONE;
  }
  assert_int_equal(st, PUBRIO_E_JOURNAL);
  assert_non_null(strstr(f->err.message, "batch numbers are used up"));
  assert_int_equal(s.accepted, 2); /* INT_MAX - 1 and INT_MAX */
  assert_int_equal(last, INT_MAX);
  assert_int_equal(s.done, 2);
  assert_int_equal(uncollected(b), 0);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* A stored batch number outside 1..INT_MAX (negative, 0, past INT_MAX) is
 * refused when the run is made, with a message that says so, not "not an
 * error"; nothing is sent. */
static void a_bad_stored_batch_number_is_refused(void **state) {
  fixture *f = *state;
  static const long long bad[] = {-3, 0, (long long)INT_MAX + 1, 5000000000LL};
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    journal_remove(journal_path);
    pubrio_bulk_options *o = options(100);
    pubrio_bulk_options_set_journal(o, journal_path, 0, NULL);
    journal_with_batch_number(f, o, bad[k]);
    size_t submits = fake_server_request_count(f->server, SUBMIT_PATH);
    pubrio_bulk *b = NULL;
    assert_int_equal(
        pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err),
        PUBRIO_E_JOURNAL);
    assert_null(b);
    char want[64];
    snprintf(want, sizeof want, "batch number %lld, outside 1..%d", bad[k],
             INT_MAX);
    assert_non_null(strstr(f->err.message, want));
    assert_null(strstr(f->err.message, "not an error"));
    assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH),
                     submits);
    pubrio_bulk_options_free(o);
  }
}

/* ---- the account read --------------------------------------------------- */

/* The two account reads go at once: with 300 ms a request, the server
 * answers both together (it saw 2 at once), and what they say is taken. */
static void the_account_reads_go_at_once(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(10);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 10);
  assert_int_equal(pubrio_bulk_read_account(b, &f->err), PUBRIO_OK);
  assert_int_equal(fake_server_request_count(f->server, "/profile"), 1);
  assert_int_equal(fake_server_request_count(f->server, "/profile/usage"), 1);
  assert_int_equal(fake_server_max_concurrent(f->server), 2);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_true(st.prices_known);
  assert_int_equal(st.price_phone, 30);
  /* The run goes on with what was read, without reading it again. */
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(s.people, 10);
  assert_int_equal(fake_server_request_count(f->server, "/profile"), 1);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* A read refused for a while (a 503, then a 429 past the run's deadline)
 * is retried beside the other, on the injected clock: the usage read
 * answers the second time, the profile read gives up, and the run goes on
 * with what it has (the caller's prices, no budget at stake). */
static void an_account_read_is_retried_beside_the_other(void **state) {
  fixture *f = *state;
  script(f, "/profile/usage", 503, "{\"error\":\"busy\"}", NULL, NULL);
  script(f, "/profile", 429, "{\"error\":\"slow\"}", "Retry-After", "100000");
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_prices(o, 2, 3, NULL);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 10);
  int64_t start = f->clock.now;
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(s.people, 10);
  assert_int_equal(fake_server_request_count(f->server, "/profile/usage"), 2);
  assert_int_equal(fake_server_request_count(f->server, "/profile"), 1);
  assert_true(f->clock.now - start < 100000); /* the Retry-After not slept */
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.price_phone, 3);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

static fake_server_options ready = {.estimated_time = 0};
static fake_server_options estimating = {.estimated_time = 2};
static fake_server_options never_done = {.estimated_time = 0,
                                         .complete_after_polls = 1000000};
static fake_server_options slow_account = {.estimated_time = 0,
                                           .latency_ms = 300,
                                           .phone_price = 30,
                                           .quotas = {{60, 3600000}}};
static fake_server_options phone_30 = {.estimated_time = 0, .phone_price = 30};

#define T(name, opts)                                                          \
  cmocka_unit_test_prestate_setup_teardown(name, setup, teardown, opts)

int main(void) {
  make_ids();
  const struct CMUnitTest tests[] = {
      T(prices_of_zero_with_a_budget_send_nothing, &ready),
      T(missing_prices_with_a_budget_send_nothing, &ready),
      T(prices_given_run_where_the_account_gives_none, &ready),
      T(a_charge_past_the_worst_case_stops_submits, &phone_30),
      T(a_single_charged_past_its_worst_case_stops_submits, &phone_30),
      T(a_deadline_under_a_rate_collects_every_paid_batch, &estimating),
      T(the_deadline_reached_is_named, &never_done),
      T(a_retry_after_past_the_deadline_is_named, &ready),
      T(batch_numbers_end_at_int_max, &ready),
      T(a_bad_stored_batch_number_is_refused, &ready),
      T(the_account_reads_go_at_once, &slow_account),
      T(an_account_read_is_retried_beside_the_other, &ready),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
