/* The bulk engine against hostile answers, misuse and the account's
 * limits, over real HTTP to the fake server: budgets that hold at real
 * prices whatever the server says, stops that keep what was paid for, one
 * user a client, answers that break the contract, quotas read from the
 * account and 429s that are waits. */
#include "test_support.h"

#include "fake_api.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
/* Under valgrind, CPU time measures its translation work, not ours. */
#include <valgrind/valgrind.h>

enum { MAX_PEOPLE = 400 };

static char ids[MAX_PEOPLE][PUBRIO_ID_LEN + 1];
static const char *id_ptrs[MAX_PEOPLE];
static char journal_path[JOURNAL_PATH_MAX];

static void make_ids(void) {
  for (int i = 0; i < MAX_PEOPLE; i++) {
    snprintf(ids[i], sizeof ids[i], "20000000-0000-4000-8000-%012d", i);
    id_ptrs[i] = ids[i];
  }
}

static int setup(void **state) {
  journal_path_new(journal_path, "safety");
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

/* Every event until the run ends; people handed out, per person. */
typedef struct seen {
  int people, failed, accepted, from_store;
  int times[MAX_PEOPLE];
} seen;

static pubrio_status drain_all(pubrio_bulk *b, seen *s, pubrio_error *err) {
  pubrio_bulk_event ev;
  pubrio_status st;
  while ((st = pubrio_bulk_next_event(b, -1, &ev, sizeof ev, err)) ==
             PUBRIO_OK &&
         ev.kind != PUBRIO_BULK_FINISHED) {
    if (ev.kind == PUBRIO_BULK_PERSON) {
      int n = atoi(ev.person->people_search_id + 24);
      assert_true(n >= 0 && n < MAX_PEOPLE);
      s->times[n]++;
      s->people++;
      s->from_store += ev.from_store;
    }
    s->failed += ev.kind == PUBRIO_BULK_BATCH_FAILED;
    s->accepted += ev.kind == PUBRIO_BULK_BATCH_ACCEPTED;
  }
  return st;
}

static int64_t charged(fixture *f, int64_t before) {
  return before - fake_server_credit(f->server);
}

/* ---- the credit budget ------------------------------------------------- */

/* A submit-only batch is never collected: it counts at its worst case, so
 * a budget of 50 with 10 a batch lets 5 batches go. */
static void submit_only_runs_keep_the_budget(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_submit_only(o, 1, NULL);
  pubrio_bulk_options_set_max_credits(o, 50, NULL);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 200);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_CREDIT_BUDGET);
  size_t submitted;
  int repeat;
  fake_server_people_stats(f->server, &submitted, &repeat);
  assert_int_equal(submitted, 50);
  /* Every paid batch is named (a submit-only run collects none). */
  assert_non_null(pubrio_bulk_uncollected(b, 4, NULL));
  assert_null(pubrio_bulk_uncollected(b, 5, NULL));
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* The budget holds at the account's real prices (15 an email, 30 a
 * phone, read from /profile), with 8 and with 64 requests in flight. */
static void budget_holds_at_real_prices(void **state) {
  fixture *f = *state;
  for (int in_flight = 8; in_flight <= 64; in_flight *= 8) {
    int64_t before = fake_server_credit(f->server);
    pubrio_bulk_options *o = options(5);
    pubrio_bulk_options_set_max_in_flight(o, in_flight, NULL);
    pubrio_bulk_options_set_max_credits(o, 3000, NULL);
    pubrio_bulk *b =
        make_run(f, PUBRIO_CONTACT_EMAIL_WORK | PUBRIO_CONTACT_PHONE, o, 400);
    seen s = {0};
    assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_CREDIT_BUDGET);
    pubrio_bulk_stats st;
    pubrio_bulk_stats_get(b, &st, sizeof st);
    assert_int_equal(st.price_email, 15);
    assert_int_equal(st.price_phone, 30);
    assert_true(st.prices_known);
    assert_true(st.has_balance);
    assert_true(charged(f, before) <= 3000);
    assert_true(charged(f, before) > 0);
    assert_true(st.credits_charged == charged(f, before));
    pubrio_bulk_free(b);
    pubrio_bulk_options_free(o);
  }
}

/* A hostile total_charged_credit (negative, or near INT64_MAX) neither
 * lowers what the budget counts below what the contacts found cost, nor
 * overflows. */
static void hostile_charges_do_not_defeat_the_budget(void **state) {
  fixture *f = *state;
  static const char *const totals[] = {"-1000000000", "9223372036854775807"};
  for (int k = 0; k < 2; k++) {
    char body[1024];
    const char *id = id_ptrs[k];
    fake_contact c[3];
    int n = fake_api_contacts_for(id, PUBRIO_CONTACT_PHONE, c);
    snprintf(body, sizeof body,
             "{\"data\":{\"profile\":{\"total_charged_credit\":%s},"
             "\"query\":{\"redeem_query_id\":"
             "\"00000000-0000-4000-8000-%012d\",\"is_completed\":true},"
             "\"peoples\":[{\"people_search_id\":\"%s\",\"phones\":[%s]}]}}",
             totals[k], k + 1, id,
             n ? "{\"value\":\"+1\",\"type\":\"phone\",\"status\":null}" : "");
    script(f, QUERY_PATH, 200, body, NULL, NULL);
  }
  pubrio_bulk_options *o = options(1);
  pubrio_bulk_options_set_max_in_flight(o, 1, NULL);
  pubrio_bulk_options_set_max_credits(o, 3, NULL);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 10);
  seen s = {0};
  pubrio_status st = drain_all(b, &s, &f->err);
  pubrio_bulk_stats stats;
  pubrio_bulk_stats_get(b, &stats, sizeof stats);
  /* The near-INT64_MAX answer is taken at its word (it only makes the
   * budget stricter), the negative one as nothing below what its contacts
   * cost: the run stops at once, and never went past 3 batches. */
  assert_int_equal(st, PUBRIO_E_CREDIT_BUDGET);
  assert_true(stats.credits_charged >= 0);
  assert_true(stats.batches_accepted <= 3);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* People an earlier run left uncertain count at their worst case in a
 * resumed run's budget. */
static void uncertain_people_of_an_earlier_run_count(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_journal(o, journal_path, 0, NULL);
  pubrio_bulk_options_set_max_credits(o, 15, NULL);
  fake_reply cut = {.path = SUBMIT_PATH,
                    .fault = FAKE_FAULT_PROCESS_THEN_CLOSE};
  fake_server_push_reply(f->server, &cut);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 10);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_TRANSPORT);
  pubrio_bulk_free(b);
  /* 10 uncertain at 1 each, a budget of 15: a batch of 10 more would pass
   * it, so nothing more is sent. */
  b = make_run(f, PUBRIO_CONTACT_PHONE, o, 20);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.people_uncertain, 10);
  memset(&s, 0, sizeof s);
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_CREDIT_BUDGET);
  size_t submitted;
  int repeat;
  fake_server_people_stats(f->server, &submitted, &repeat);
  assert_int_equal(submitted, 10); /* only the first, uncertain batch */
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* What earlier runs left (uncertain submits, accepted batches to collect)
 * counts at the account's prices once they are read, not at 1 a contact:
 * 10 uncertain phones at 30 are 300, past a budget of 100, so the next
 * person is not sent. */
static void earlier_runs_count_at_the_account_prices(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_journal(o, journal_path, 0, NULL);
  fake_reply cut = {.path = SUBMIT_PATH,
                    .fault = FAKE_FAULT_PROCESS_THEN_CLOSE};
  fake_server_push_reply(f->server, &cut);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 10);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_TRANSPORT);
  pubrio_bulk_free(b);
  pubrio_bulk_options_set_max_credits(o, 100, NULL);
  b = make_run(f, PUBRIO_CONTACT_PHONE, o, 11);
  memset(&s, 0, sizeof s);
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_CREDIT_BUDGET);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.credits_committed, 300);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 1);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* ---- stops keep what was paid for -------------------------------------- */

static void *stop_soon(void *arg) {
  struct timespec ts = {0, 200 * 1000000L};
  nanosleep(&ts, NULL);
  pubrio_client_cancel(arg);
  return NULL;
}

/* A cancel while submits are in flight drains: they are answered, their
 * batches named, none cut. */
static void a_cancel_drains_submits_in_flight(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_read_account(o, 0, NULL);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 30);
  pthread_t th;
  pthread_create(&th, NULL, stop_soon, f->client);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_CANCELLED);
  pthread_join(th, NULL);
  size_t named = 0;
  while (pubrio_bulk_uncollected(b, named, NULL))
    named++;
  /* Every submit the server processed is either collected or named. */
  size_t submitted;
  int repeat;
  fake_server_people_stats(f->server, &submitted, &repeat);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.people_left_uncertain, 0);
  assert_int_equal(submitted, st.people_submitted);
  assert_int_equal(named + st.batches_collected, st.batches_accepted);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* A consumer that holds an event longer than a request's timeout: the
 * answers that came meanwhile are not judged timeouts (the engine keeps
 * attempt timeouts in time it drives). */
static void a_slow_consumer_loses_no_answer(void **state) {
  fixture *f = *state;
  assert_int_equal(pubrio_client_set_timeouts(f->client, 500, 1000, NULL),
                   PUBRIO_OK);
  /* The first submit is answered after 600 ms (within its 1 s timeout),
   * the second at once: its event reaches a caller who then holds it for
   * 1.5 s, while the first answer comes in. */
  fake_reply late = {
      .path = SUBMIT_PATH,
      .status = 200,
      .body = "{\"data\":{\"redeem_query_id\":"
              "\"00000000-0000-4000-8000-0000000000ff\",\"is_completed\":"
              "false,\"estimated_time\":0}}",
      .delay_ms = 600};
  fake_server_push_reply(f->server, &late);
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_read_account(o, 0, NULL);
  pubrio_bulk_options_set_max_in_flight(o, 2, NULL);
  pubrio_bulk_options_set_submit_only(o, 1, NULL);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 20);
  pubrio_bulk_event ev;
  pubrio_status st;
  int accepted = 0, failed = 0;
  while ((st = pubrio_bulk_next_event(b, -1, &ev, sizeof ev, &f->err)) ==
             PUBRIO_OK &&
         ev.kind != PUBRIO_BULK_FINISHED) {
    if (ev.kind == PUBRIO_BULK_BATCH_ACCEPTED && !accepted++) {
      struct timespec ts = {1, 500 * 1000000L}; /* a paused reader */
      nanosleep(&ts, NULL);
    }
    failed += ev.kind == PUBRIO_BULK_BATCH_FAILED;
  }
  assert_int_equal(st, PUBRIO_OK);
  assert_int_equal(accepted, 2); /* the late answer was kept */
  assert_int_equal(failed, 0);
  pubrio_bulk_stats stats;
  pubrio_bulk_stats_get(b, &stats, sizeof stats);
  assert_int_equal(stats.people_left_uncertain, 0);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* Every slot busy and a poll overdue: the engine waits on the transfers
 * instead of spinning, so its CPU time does not grow with the latency. */
static void an_overdue_poll_with_every_slot_busy_does_not_spin(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_read_account(o, 0, NULL);
  pubrio_bulk_options_set_max_in_flight(o, 1, NULL);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 30);
  struct timespec cpu0, cpu1, wall0, wall1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
  clock_gettime(CLOCK_MONOTONIC, &wall0);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1);
  clock_gettime(CLOCK_MONOTONIC, &wall1);
  double cpu = (double)(cpu1.tv_sec - cpu0.tv_sec) +
               (double)(cpu1.tv_nsec - cpu0.tv_nsec) / 1e9;
  double wall = (double)(wall1.tv_sec - wall0.tv_sec) +
                (double)(wall1.tv_nsec - wall0.tv_nsec) / 1e9;
  assert_int_equal(s.people, 30);
  /* 6 requests of 400 ms one at a time: at least 2.4 s of waiting. */
  assert_true(wall >= 2.0);
  if (!RUNNING_ON_VALGRIND && cpu > wall / 4)
    fail_msg("%.2f s of CPU in %.2f s: the engine spun", cpu, wall);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* A submit-only pubrio_bulk_run() with no callback names every batch it
 * paid for. */
static void submit_only_run_names_its_batches(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_submit_only(o, 1, NULL);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 100);
  assert_int_equal(pubrio_bulk_run(b, NULL, NULL, &f->err), PUBRIO_OK);
  size_t n = 0, people = 0, count = 0;
  while (pubrio_bulk_uncollected(b, n, &count)) {
    people += count;
    n++;
  }
  assert_int_equal(n, 10);
  assert_int_equal(people, 100);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* ---- one user a client -------------------------------------------------- */

typedef struct nested {
  pubrio_client *client;
  pubrio_status status;
  int tried;
} nested;

static int call_inside(const pubrio_bulk_event *ev, void *userdata) {
  nested *n = userdata;
  if (ev->kind != PUBRIO_BULK_BATCH_ACCEPTED || n->tried++)
    return 0;
  pubrio_query_result *r = NULL;
  pubrio_error err = {0};
  n->status = pubrio_redeem_people_batch_query(n->client, ev->redeem_query_id,
                                               &r, &err);
  pubrio_query_result_free(r);
  pubrio_error_clear(&err);
  return 0;
}

/* A plain call inside a bulk callback, or a second run on the client, is
 * refused at once with a typed error: nothing sent, nothing dropped. */
static void a_client_has_one_user(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, NULL, 150);
  pubrio_bulk *second = NULL;
  assert_int_equal(
      pubrio_bulk_new(&second, f->client, PUBRIO_CONTACT_PHONE, NULL, &f->err),
      PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(f->err.message, "another client"));
  nested n = {.client = f->client};
  size_t queries = fake_server_request_count(f->server, QUERY_PATH);
  assert_int_equal(pubrio_bulk_run(b, call_inside, &n, &f->err), PUBRIO_OK);
  assert_int_equal(n.status, PUBRIO_E_INVALID_ARGUMENT);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.people_collected, 150); /* nothing dropped */
  assert_int_equal(fake_server_request_count(f->server, QUERY_PATH) - queries,
                   2); /* the run's own polls only */
  pubrio_bulk_free(b);
  /* Once the run is freed the client is free again. */
  pubrio_query_result *r = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_query(
          f->client, "00000000-0000-4000-8000-000000000001", &r, &f->err),
      PUBRIO_OK);
  pubrio_query_result_free(r);
}

/* ---- answers that break the contract ----------------------------------- */

/* A person named twice in one answer is handed out once; a complete answer
 * that leaves people out fails its batch (paid, named, not collected). */
static void twice_named_once_and_missing_people_fail(void **state) {
  fixture *f = *state;
  char body[1024];
  snprintf(body, sizeof body,
           "{\"data\":{\"query\":{\"redeem_query_id\":"
           "\"00000000-0000-4000-8000-000000000001\",\"is_completed\":true},"
           "\"peoples\":[{\"people_search_id\":\"%s\"},"
           "{\"people_search_id\":\"%s\"},{\"people_search_id\":\"%s\"}]}}",
           ids[0], ids[1], ids[0]);
  script(f, QUERY_PATH, 200, body, NULL, NULL);
  snprintf(body, sizeof body,
           "{\"data\":{\"query\":{\"redeem_query_id\":"
           "\"00000000-0000-4000-8000-000000000002\",\"is_completed\":true},"
           "\"peoples\":[{\"people_search_id\":\"%s\"}]}}",
           ids[2]);
  script(f, QUERY_PATH, 200, body, NULL, NULL);
  pubrio_bulk_options *o = options(2);
  pubrio_bulk_options_set_max_in_flight(o, 1, NULL);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 4);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_PROTOCOL);
  assert_non_null(strstr(f->err.message, "leaves out 1"));
  assert_int_equal(s.times[0], 1);
  assert_int_equal(s.times[1], 1);
  assert_int_equal(s.times[2] + s.times[3], 0);
  assert_int_equal(s.failed, 1);
  assert_string_equal(pubrio_bulk_uncollected(b, 0, NULL),
                      "00000000-0000-4000-8000-000000000002");
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* A refused submit (402) stops submitting while collecting goes on; a poll
 * that fails its attempts (503) is asked again later. */
static void a_refusal_stops_submits_polls_go_on(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(10);
  pubrio_bulk_options_set_max_in_flight(o, 1, NULL);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 40);
  pubrio_bulk_event ev;
  assert_int_equal(pubrio_bulk_next_event(b, -1, &ev, sizeof ev, &f->err),
                   PUBRIO_OK);
  assert_int_equal(ev.kind, PUBRIO_BULK_BATCH_ACCEPTED);
  fake_reply busy = {.path = QUERY_PATH, .status = 503, .times = 4};
  fake_server_push_reply(f->server, &busy);
  script(f, SUBMIT_PATH, 402, "{\"error\":\"no credits\"}", NULL, NULL);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_PAYMENT_REQUIRED);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
  assert_int_equal(s.people, 10); /* the paid batch, collected after 503s */
  assert_null(pubrio_bulk_uncollected(b, 0, NULL));
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 2);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* ---- the account: quotas, 429s ----------------------------------------- */

static fake_server_options hour_quota = {.estimated_time = 0,
                                         .quotas = {{6, 3600000}}};
static fake_server_options slow_hour_quota = {
    .estimated_time = 0, .latency_ms = 200, .quotas = {{7, 3600000}}};
static fake_server_options spent_quota = {.estimated_time = 0,
                                          .quotas = {{2, 3600000}}};
static fake_server_options priced = {
    .estimated_time = 0, .email_price = 15, .phone_price = 30};
static fake_server_options ready = {.estimated_time = 0};
static fake_server_options slow = {.estimated_time = 0, .latency_ms = 400};

/* The hourly quota read from the account holds the run: the requests left
 * in the hour go, then it waits (never a 429) until its deadline, naming
 * the window. */
static void quota_from_the_account_holds_the_run(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(10);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 100);
  pubrio_bulk_event ev;
  pubrio_status st;
  char hold[160] = "";
  while ((st = pubrio_bulk_next_event(b, 1000, &ev, sizeof ev, &f->err)) ==
             PUBRIO_OK &&
         ev.kind != PUBRIO_BULK_FINISHED)
    if (ev.kind == PUBRIO_BULK_NONE && !hold[0])
      pubrio_bulk_rate_hold(b, hold, sizeof hold);
  /* It stops as soon as the next request is held past the deadline,
   * naming the window, instead of waiting for the deadline. */
  assert_int_equal(st, PUBRIO_E_WAIT_TIMEOUT);
  assert_non_null(strstr(f->err.message, "hourly quota"));
  assert_non_null(strstr(f->err.message, "the run's deadline"));
  (void)hold;
  assert_int_equal(fake_server_quota_refused(f->server), 0);
  /* 6 an hour, 2 of them the account reads: 4 left, 2 submits and their
   * polls; or 3 left when the usage answer already counted the profile
   * read that went beside it (the run counts that one again: the safe
   * side), 1 submit and its poll. */
  size_t redeems = fake_server_request_count(f->server, SUBMIT_PATH) +
                   fake_server_request_count(f->server, QUERY_PATH);
  assert_true(redeems == 2 || redeems == 4);
  assert_null(pubrio_bulk_uncollected(b, 0, NULL));
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* A submit leaves room in the quota for a poll of every batch still to
 * collect, its own included: with 4 or 5 requests left in the hour (the
 * usage answer, slow, counts the profile read beside it, which the run
 * counts again: the safe side) and answers slow enough that every pass
 * could start another submit, 2 submits and their 2 polls go, nothing is
 * left paid and uncollected (all 4 went to submits before). */
static void a_quota_keeps_a_poll_for_every_submit(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(10);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 100);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_WAIT_TIMEOUT);
  assert_non_null(strstr(f->err.message, "hourly quota"));
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 2);
  assert_int_equal(fake_server_request_count(f->server, QUERY_PATH), 2);
  assert_int_equal(s.people, 20);
  assert_null(pubrio_bulk_uncollected(b, 0, NULL));
  assert_int_equal(fake_server_quota_refused(f->server), 0);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* A quota used up past the deadline: the run says so at once and sends
 * nothing. */
static void a_spent_quota_sends_nothing(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, NULL, 10);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_RATE_LIMITED);
  assert_non_null(strstr(f->err.message, "hourly quota: 2 of 2 used"));
  assert_non_null(strstr(f->err.message, "nothing was sent"));
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 0);
  pubrio_bulk_free(b);
}

/* 429s without Retry-After on submits and polls are waits: the run slows
 * down and finishes, nobody charged twice. */
static void a_429_is_a_wait(void **state) {
  fixture *f = *state;
  fake_reply limited = {.path = SUBMIT_PATH,
                        .status = 429,
                        .body = "{\"error\":\"Request rate limit exceeded\"}",
                        .times = 5};
  fake_server_push_reply(f->server, &limited);
  limited.path = QUERY_PATH;
  limited.times = 3;
  fake_server_push_reply(f->server, &limited);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, NULL, 30);
  int64_t start = f->clock.now;
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(s.people, 30);
  size_t submitted;
  int repeat;
  fake_server_people_stats(f->server, &submitted, &repeat);
  assert_int_equal(repeat, 1);
  assert_true(f->clock.now - start >= 1000); /* it waited */
  pubrio_bulk_free(b);
}

/* Both account reads count in the minute window, as a server's does: at
 * 3 requests a minute, the two reads and the submit fill the first
 * minute, so the poll waits for the next (it went at once when the usage
 * read was not counted, and a server's window answered 429). */
static void account_reads_count_in_the_minute(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(10);
  assert_int_equal(pubrio_bulk_options_set_rate_limit(o, 3, NULL), PUBRIO_OK);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 1);
  int64_t start = f->clock.now;
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(s.people, 1);
  assert_int_equal(fake_server_request_count(f->server, "/profile/usage"), 1);
  assert_int_equal(fake_server_request_count(f->server, "/profile"), 1);
  assert_true(f->clock.now - start >= 60000);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* A balance that cannot pay the first batch at its worst: said before
 * anything is sent. */
static void a_short_balance_sends_nothing(void **state) {
  fixture *f = *state;
  pubrio_bulk_options *o = options(100);
  pubrio_bulk *b = make_run(f, PUBRIO_CONTACT_PHONE, o, 100);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_PAYMENT_REQUIRED);
  assert_non_null(strstr(f->err.message, "nothing was sent"));
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 0);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* 100 phones at 5,000 each: more than the balance and the fake's top-up
 * credit (235,237) together. */
static fake_server_options poor = {
    .estimated_time = 0, .phone_price = 5000, .credit = 2000};

#define T(name, opts)                                                          \
  cmocka_unit_test_prestate_setup_teardown(name, setup, teardown, opts)

int main(void) {
  make_ids();
  const struct CMUnitTest tests[] = {
      T(submit_only_runs_keep_the_budget, &ready),
      T(budget_holds_at_real_prices, &priced),
      T(hostile_charges_do_not_defeat_the_budget, &ready),
      T(uncertain_people_of_an_earlier_run_count, &ready),
      T(earlier_runs_count_at_the_account_prices, &priced),
      T(a_cancel_drains_submits_in_flight, &slow),
      T(submit_only_run_names_its_batches, &ready),
      T(a_slow_consumer_loses_no_answer, &ready),
      T(an_overdue_poll_with_every_slot_busy_does_not_spin, &slow),
      T(a_client_has_one_user, &ready),
      T(twice_named_once_and_missing_people_fail, &ready),
      T(a_refusal_stops_submits_polls_go_on, &ready),
      T(quota_from_the_account_holds_the_run, &hour_quota),
      T(a_spent_quota_sends_nothing, &spent_quota),
      T(a_quota_keeps_a_poll_for_every_submit, &slow_hour_quota),
      T(a_429_is_a_wait, &ready),
      T(account_reads_count_in_the_minute, &ready),
      T(a_short_balance_sends_nothing, &poor),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
