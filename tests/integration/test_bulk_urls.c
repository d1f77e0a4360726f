/* LinkedIn URLs in a bulk run, over real HTTP to the fake server: each
 * redeemed alone under the submit's credit rules (intent first, uncertain
 * never resent, a 429 sent again, the budget), answered before any batch,
 * stored under the id its answer names so an id and a URL of one person
 * are bought once, and known to a rerun. */
#include "test_support.h"

#include "fake_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PERSON_PATH "/redeem/people"
#define PHONE PUBRIO_CONTACT_PHONE

static char journal_path[JOURNAL_PATH_MAX];

static int setup(void **state) {
  journal_path_new(journal_path, "urls");
  *state = fixture_new(*state);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  journal_remove(journal_path);
  return 0;
}

static pubrio_bulk *make_run(fixture *f, const pubrio_bulk_options *o) {
  pubrio_bulk *b = NULL;
  assert_int_equal(pubrio_bulk_new(&b, f->client, PHONE, o, &f->err),
                   PUBRIO_OK);
  return b;
}

static pubrio_bulk_options *journaled(int resubmit_uncertain) {
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_journal(o, journal_path,
                                                   resubmit_uncertain, NULL),
                   PUBRIO_OK);
  return o;
}

static void add_urls(fixture *f, pubrio_bulk *b, const char *const *urls,
                     size_t n) {
  assert_int_equal(pubrio_bulk_add_linkedin_urls(b, urls, n, &f->err),
                   PUBRIO_OK);
}

/* Every event until the run ends. */
typedef struct seen {
  int people, by_url, not_found, failed, from_store;
  char failed_url[128];
} seen;

static pubrio_status drain_all(pubrio_bulk *b, seen *s, pubrio_error *err) {
  pubrio_bulk_event ev;
  pubrio_status st;
  while ((st = pubrio_bulk_next_event(b, -1, &ev, sizeof ev, err)) ==
             PUBRIO_OK &&
         ev.kind != PUBRIO_BULK_FINISHED) {
    if (ev.kind == PUBRIO_BULK_PERSON) {
      s->people++;
      s->by_url += ev.linkedin_url != NULL;
      s->from_store += ev.from_store;
    }
    if (ev.kind == PUBRIO_BULK_NOT_FOUND) {
      assert_non_null(ev.linkedin_url);
      s->not_found++;
      s->from_store += ev.from_store;
    }
    if (ev.kind == PUBRIO_BULK_BATCH_FAILED) {
      s->failed++;
      if (ev.linkedin_url)
        snprintf(s->failed_url, sizeof s->failed_url, "%s", ev.linkedin_url);
    }
  }
  return st;
}

static int max_repeat(fixture *f) {
  size_t submitted;
  int repeat;
  fake_server_people_stats(f->server, &submitted, &repeat);
  return repeat;
}

/* An id and two spellings of a URL naming the same person: one single
 * redeem, the id not submitted, the person charged once; two PERSON
 * events (the URL's and the id's). */
static void an_id_and_a_url_of_one_person_are_bought_once(void **state) {
  fixture *f = *state;
  char id[37];
  assert_int_equal(
      fake_api_resolve_linkedin("https://www.linkedin.com/in/jane-doe", id), 0);
  const char *urls[] = {"http://uk.linkedin.com/in/Jane-Doe/?trk=x",
                        "https://www.linkedin.com/in/jane-doe",
                        "https://www.linkedin.com/in/john-roe"};
  const char *people[] = {id, TEST_IDS[0]};
  pubrio_bulk *b = make_run(f, NULL);
  assert_int_equal(pubrio_bulk_add_people(b, people, 2, &f->err), PUBRIO_OK);
  add_urls(f, b, urls, 3);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.linkedin_urls, 2);
  assert_int_equal(st.linkedin_urls_to_redeem, 2);
  assert_int_equal(st.duplicates, 1);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(s.people, 4); /* 2 URLs, 2 ids */
  assert_int_equal(s.by_url, 2);
  assert_int_equal(s.from_store, 1); /* the id the URL bought */
  assert_int_equal(fake_server_request_count(f->server, PERSON_PATH), 2);
  assert_int_equal(max_repeat(f), 1);
  /* Every URL was answered before the batch left, and the batch does not
   * hold the person the URL bought. */
  fake_request r;
  int singles = 0, batches = 0;
  for (size_t i = 0; fake_server_request(f->server, i, &r) == 0; i++) {
    if (strcmp(r.path, PERSON_PATH) == 0) {
      assert_int_equal(batches, 0);
      singles++;
    } else if (strcmp(r.path, SUBMIT_PATH) == 0) {
      assert_int_equal(singles, 2);
      assert_null(strstr(r.body, id));
      batches++;
    }
    fake_request_clear(&r);
  }
  assert_int_equal(batches, 1);
  pubrio_bulk_free(b);
}

/* A rerun on the journal asks nothing: the URL's person and the URL that
 * names nobody are known. */
static void a_rerun_knows_every_url(void **state) {
  fixture *f = *state;
  const char *urls[] = {"https://www.linkedin.com/in/ann-lee",
                        "https://www.linkedin.com/in/nobody-at-all"};
  pubrio_bulk_options *o = journaled(0);
  pubrio_bulk *b = make_run(f, o);
  add_urls(f, b, urls, 2);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(s.people, 1);
  assert_int_equal(s.not_found, 1);
  assert_int_equal(s.from_store, 0);
  pubrio_bulk_free(b);
  size_t before = fake_server_request_count(f->server, NULL);

  b = make_run(f, o);
  add_urls(f, b, urls, 2);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.linkedin_urls_to_redeem, 0);
  assert_int_equal(st.linkedin_urls_not_found, 1);
  memset(&s, 0, sizeof s);
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(s.people, 1);
  assert_int_equal(s.not_found, 1);
  assert_int_equal(s.from_store, 2);
  assert_int_equal(fake_server_request_count(f->server, NULL), before);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* A single redeem the server processed but never answered: uncertain,
 * named, never resent (nor by a rerun), submitting stops; only when asked
 * is it sent again. */
static void an_unanswered_single_is_never_resent(void **state) {
  fixture *f = *state;
  const char *urls[] = {"https://www.linkedin.com/in/kim-park",
                        "https://www.linkedin.com/in/lee-chan"};
  fake_reply closed = {.path = PERSON_PATH,
                       .status = 200,
                       .fault = FAKE_FAULT_PROCESS_THEN_CLOSE};
  fake_server_push_reply(f->server, &closed);
  pubrio_bulk_options *o = journaled(0);
  assert_int_equal(pubrio_bulk_options_set_max_in_flight(o, 1, NULL),
                   PUBRIO_OK);
  pubrio_bulk *b = make_run(f, o);
  add_urls(f, b, urls, 2);
  assert_int_equal(pubrio_bulk_add_people(b, TEST_IDS, 3, &f->err), PUBRIO_OK);
  seen s = {0};
  assert_int_not_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
  assert_int_equal(s.failed, 1);
  assert_string_equal(s.failed_url, urls[0]);
  assert_int_equal(s.people, 0);
  assert_int_equal(fake_server_request_count(f->server, PERSON_PATH), 1);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 0);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.people_left_uncertain, 1);
  pubrio_bulk_free(b);

  /* A rerun: the uncertain URL is not sent, the rest is. */
  b = make_run(f, o);
  add_urls(f, b, urls, 2);
  assert_int_equal(pubrio_bulk_add_people(b, TEST_IDS, 3, &f->err), PUBRIO_OK);
  memset(&s, 0, sizeof s);
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(s.people, 4);
  assert_int_equal(fake_server_request_count(f->server, PERSON_PATH), 2);
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.people_left_uncertain, 1);
  assert_int_equal(max_repeat(f), 1);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);

  /* Asked: sent again. */
  o = journaled(1);
  b = make_run(f, o);
  add_urls(f, b, urls, 1);
  memset(&s, 0, sizeof s);
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(s.people, 1);
  assert_int_equal(s.from_store, 0);
  assert_int_equal(fake_server_request_count(f->server, PERSON_PATH), 3);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* A timeout is uncertain too: the answer may have been on its way. */
static void a_timed_out_single_is_uncertain(void **state) {
  fixture *f = *state;
  const char *url = "https://www.linkedin.com/in/slow-one";
  fake_reply hung = {.path = PERSON_PATH, .status = 200, .delay_ms = 1500};
  fake_server_push_reply(f->server, &hung);
  assert_int_equal(pubrio_client_set_timeouts(f->client, 2000, 250, &f->err),
                   PUBRIO_OK);
  pubrio_bulk *b = make_run(f, NULL);
  add_urls(f, b, &url, 1);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_TIMEOUT);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
  assert_int_equal(s.failed, 1);
  assert_int_equal(fake_server_request_count(f->server, PERSON_PATH), 1);
  pubrio_bulk_free(b);
}

/* 429s on single redeems are waits; each URL is charged once. */
static void a_429_on_a_single_is_a_wait(void **state) {
  fixture *f = *state;
  fake_reply limited = {.path = PERSON_PATH,
                        .status = 429,
                        .body = "{\"error\":\"Request rate limit exceeded\"}",
                        .times = 3};
  fake_server_push_reply(f->server, &limited);
  const char *urls[] = {"https://www.linkedin.com/in/a-one",
                        "https://www.linkedin.com/in/b-two"};
  pubrio_bulk *b = make_run(f, NULL);
  add_urls(f, b, urls, 2);
  int64_t start = f->clock.now;
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(s.people, 2);
  assert_int_equal(fake_server_request_count(f->server, PERSON_PATH), 5);
  assert_int_equal(max_repeat(f), 1);
  assert_true(f->clock.now - start >= 1000); /* it waited */
  pubrio_bulk_free(b);
}

/* The credit budget counts each single at its worst until answered: 3
 * phones at 30 in flight within 100 credits, a fourth only once an answer
 * without a phone freed its worst case; never past the budget. */
static void singles_keep_the_budget(void **state) {
  fixture *f = *state;
  const char *urls[] = {
      "https://www.linkedin.com/in/c-1", "https://www.linkedin.com/in/c-2",
      "https://www.linkedin.com/in/c-3", "https://www.linkedin.com/in/c-4",
      "https://www.linkedin.com/in/c-5"};
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_max_credits(o, 100, NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_max_in_flight(o, 4, NULL),
                   PUBRIO_OK);
  int64_t before = fake_server_credit(f->server);
  pubrio_bulk *b = make_run(f, o);
  add_urls(f, b, urls, 5);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_CREDIT_BUDGET);
  size_t sent = fake_server_request_count(f->server, PERSON_PATH);
  assert_true(sent >= 3 && sent < 5);
  int64_t spent = before - fake_server_credit(f->server);
  assert_true(spent <= 100);
  assert_true(spent + 30 * (int64_t)(5 - sent) > 100); /* it stopped in time */
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* The API refusing one URL fails that URL alone: the others and the ids
 * go on, the run ends with the refusal. */
static void a_refused_url_fails_alone(void **state) {
  fixture *f = *state;
  script(f, PERSON_PATH, 400,
         "{\"code\":40001,\"message\":\"linkedin_url is not a profile\"}", NULL,
         NULL);
  const char *urls[] = {"https://www.linkedin.com/in/d-1",
                        "https://www.linkedin.com/in/d-2"};
  pubrio_bulk *b = make_run(f, NULL);
  add_urls(f, b, urls, 2);
  assert_int_equal(pubrio_bulk_add_people(b, TEST_IDS, 2, &f->err), PUBRIO_OK);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_BAD_REQUEST);
  assert_int_equal(s.failed, 1);
  /* Both URLs are in flight at once: the refusal meets whichever arrives
   * first. */
  assert_true(strcmp(s.failed_url, urls[0]) == 0 ||
              strcmp(s.failed_url, urls[1]) == 0);
  assert_int_equal(s.people, 3);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 1);
  pubrio_bulk_free(b);
}

/* An answer that names several people, or one by an invalid id, cannot be
 * stored under a person: maybe charged, named as such, not sent again. */
static void an_answer_naming_the_wrong_people_is_uncertain(void **state) {
  fixture *f = *state;
  static const char *const answers[2] = {
      "{\"data\":{\"profile\":{\"credit\":9},\"peoples\":["
      "{\"people_search_id\":\"00000000-0000-4000-8000-000000000001\","
      "\"emails\":[],\"phones\":[]},"
      "{\"people_search_id\":\"00000000-0000-4000-8000-000000000002\","
      "\"emails\":[],\"phones\":[]}]}}",
      "{\"data\":{\"profile\":{\"credit\":9},\"peoples\":["
      "{\"people_search_id\":\"not-an-id\",\"emails\":[],"
      "\"phones\":[]}]}}"};
  /* The parser refuses an invalid id itself, naming the field. */
  static const char *const said[2] = {"several people", "people_search_id"};
  for (int k = 0; k < 2; k++) {
    script(f, PERSON_PATH, 200, answers[k], NULL, NULL);
    const char *url = k ? "https://www.linkedin.com/in/e-2"
                        : "https://www.linkedin.com/in/e-1";
    pubrio_bulk *b = make_run(f, NULL);
    add_urls(f, b, &url, 1);
    pubrio_bulk_event ev;
    int failed = 0;
    pubrio_status st;
    while ((st = pubrio_bulk_next_event(b, -1, &ev, sizeof ev, &f->err)) ==
               PUBRIO_OK &&
           ev.kind != PUBRIO_BULK_FINISHED)
      if (ev.kind == PUBRIO_BULK_BATCH_FAILED) {
        failed++;
        assert_string_equal(ev.linkedin_url, url);
        assert_non_null(strstr(ev.message, said[k]));
      }
    assert_int_equal(st, PUBRIO_E_PROTOCOL);
    assert_int_equal(failed, 1);
    pubrio_bulk_stats stats;
    pubrio_bulk_stats_get(b, &stats, sizeof stats);
    assert_int_equal(stats.people_left_uncertain, 1);
    assert_int_equal(fake_server_request_count(f->server, PERSON_PATH),
                     (size_t)k + 1);
    pubrio_bulk_free(b);
  }
}

/* Bad input is refused whole, before anything is sent, naming the index. */
static void bad_urls_are_refused_whole(void **state) {
  fixture *f = *state;
  const char *urls[] = {"https://www.linkedin.com/in/ok",
                        "https://www.linkedin.com/company/acme", NULL};
  pubrio_bulk *b = make_run(f, NULL);
  assert_int_equal(pubrio_bulk_add_linkedin_urls(b, urls, 2, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(f->err.message, "index 1"));
  assert_int_equal(pubrio_bulk_add_linkedin_urls(b, urls + 1, 2, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_bulk_add_linkedin_urls(NULL, urls, 1, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.linkedin_urls, 0);
  seen s = {0};
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
  pubrio_bulk_free(b);
}

static fake_server_options ready = {.estimated_time = 0};
static fake_server_options priced = {.estimated_time = 0, .phone_price = 30};

#define T(name, opts)                                                          \
  cmocka_unit_test_prestate_setup_teardown(name, setup, teardown, opts)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(an_id_and_a_url_of_one_person_are_bought_once, &ready),
      T(a_rerun_knows_every_url, &ready),
      T(an_unanswered_single_is_never_resent, &ready),
      T(a_timed_out_single_is_uncertain, &ready),
      T(a_429_on_a_single_is_a_wait, &ready),
      T(singles_keep_the_budget, &priced),
      T(a_refused_url_fails_alone, &ready),
      T(an_answer_naming_the_wrong_people_is_uncertain, &ready),
      T(bad_urls_are_refused_whole, &ready),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
