/* Querying and waiting over real HTTP, on an injected clock: a 10-minute
 * deadline takes milliseconds. */
#include "fake_api.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Servers whose batches complete after so many polls; each test gets its
 * fixture from setup() and loses it in teardown(), even when it fails. */
static fake_server_options polls_0 = {.estimated_time = 2};
static fake_server_options polls_1 = {.complete_after_polls = 1,
                                      .estimated_time = 2};
static fake_server_options polls_4 = {.complete_after_polls = 4,
                                      .estimated_time = 2};
static fake_server_options polls_never = {.complete_after_polls = 1000000,
                                          .estimated_time = 2};

static int setup(void **state) {
  *state = fixture_new(*state);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  return 0;
}

static char *submit_ids(fixture *f, size_t people, unsigned types) {
  pubrio_batch_request *req = make_request(people, types);
  pubrio_batch_job *job = NULL;
  assert_int_equal(pubrio_redeem_people_batch(f->client, req, &job, &f->err),
                   PUBRIO_OK);
  char *id = strdup(job->redeem_query_id);
  pubrio_batch_job_free(job);
  pubrio_batch_request_free(req);
  return id;
}

static pubrio_wait_options *options(int64_t timeout, int64_t min, int64_t max) {
  pubrio_wait_options *o = NULL;
  assert_int_equal(pubrio_wait_options_new(&o, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_wait_options_set_timeout(o, timeout, NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_wait_options_set_delays(o, min, max, NULL),
                   PUBRIO_OK);
  return o;
}

/* Every person comes back with exactly the fake's contacts of the asked
 * types, in order. */
static void check_people(const pubrio_query_result *r, size_t people,
                         unsigned types) {
  assert_int_equal(r->query->is_completed, 1);
  assert_int_equal(r->people_count, people);
  int64_t contacts = 0;
  for (size_t i = 0; i < people; i++) {
    const pubrio_person *p = pubrio_query_result_person(r, i);
    assert_string_equal(p->people_search_id, TEST_IDS[i]);
    fake_contact want[3];
    int n = fake_api_contacts_for(TEST_IDS[i], types, want);
    size_t e = 0, ph = 0;
    for (int k = 0; k < n; k++) {
      int phone = strcmp(want[k].type, "phone") == 0;
      const pubrio_contact *c =
          phone ? pubrio_person_phone(p, ph++) : pubrio_person_email(p, e++);
      assert_non_null(c);
      assert_string_equal(c->value, want[k].value);
      assert_string_equal(c->type_raw, want[k].type);
      assert_true(c->type & types);
      if (want[k].status)
        assert_string_equal(c->status, want[k].status);
      else
        assert_null(c->status);
    }
    assert_int_equal(p->email_count, e);
    assert_int_equal(p->phone_count, ph);
    contacts += n;
  }
  assert_int_equal(r->total_charged_credit, contacts);
}

static void query_once_pending_then_complete(void **state) {
  fixture *f = *state;
  char *id = submit_ids(f, 3, PUBRIO_CONTACT_EMAIL_WORK);
  pubrio_query_result *r = NULL;
  assert_int_equal(pubrio_redeem_people_batch_query(f->client, id, &r, &f->err),
                   PUBRIO_OK);
  assert_int_equal(r->query->is_completed, 0);
  assert_int_equal(r->people_count, 0);
  assert_true(r->has_credit);
  pubrio_query_result_free(r);
  assert_int_equal(pubrio_redeem_people_batch_query(f->client, id, &r, &f->err),
                   PUBRIO_OK);
  check_people(r, 3, PUBRIO_CONTACT_EMAIL_WORK);
  pubrio_query_result_free(r);
  char *body = received_body(f, 1);
  char expected[128];
  snprintf(expected, sizeof expected, "{\"redeem_query_id\":\"%s\"}", id);
  assert_string_equal(body, expected);
  free(body);
  free(id);
}

static void submit_and_wait_completes_at_once(void **state) {
  fixture *f = *state;
  unsigned types = PUBRIO_CONTACT_EMAIL_PERSONAL | PUBRIO_CONTACT_PHONE;
  pubrio_batch_request *req = make_request(TEST_ID_COUNT, types);
  pubrio_query_result *r = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_and_wait(f->client, req, NULL, &r, &f->err),
      PUBRIO_OK);
  check_people(r, TEST_ID_COUNT, types);
  /* The fake gives TEST_IDS[7] nothing: a person may have no contacts. */
  const pubrio_person *empty = pubrio_query_result_person(r, 7);
  assert_int_equal(empty->email_count + empty->phone_count, 0);
  /* First poll after the batch's estimate (2 s), and only one poll. */
  assert_int_equal(f->clock.sleeps, 1);
  assert_int_equal(f->clock.slept[0], 2000);
  assert_int_equal(fake_server_request_count(f->server, QUERY_PATH), 1);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 1);
  pubrio_query_result_free(r);
  pubrio_batch_request_free(req);
}

typedef struct progress_log {
  int calls;
  int polls[64];
  int64_t next[64];
  int cancel_at;
} progress_log;

static int on_progress(const pubrio_query_result *latest, int polls,
                       int64_t next_delay_ms, void *userdata) {
  progress_log *log = userdata;
  assert_non_null(latest);
  if (log->calls < 64) {
    log->polls[log->calls] = polls;
    log->next[log->calls] = next_delay_ms;
  }
  log->calls++;
  return log->cancel_at && polls >= log->cancel_at;
}

static void wait_completes_after_n_polls(void **state) {
  fixture *f = *state;
  char *id = submit_ids(f, 2, PUBRIO_CONTACT_PHONE);
  pubrio_wait_options *o = options(600000, 1000, 30000);
  progress_log log = {0};
  pubrio_wait_options_set_progress(o, on_progress, &log, NULL);
  pubrio_query_result *r = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_wait(f->client, id, o, &r, &f->err),
      PUBRIO_OK);
  check_people(r, 2, PUBRIO_CONTACT_PHONE);
  assert_int_equal(fake_server_request_count(f->server, QUERY_PATH), 5);
  /* No estimate known: poll at once, then 1000, 1500, 2250, 3375. */
  const int64_t want[] = {1000, 1500, 2250, 3375};
  assert_int_equal(f->clock.sleeps, 4);
  for (int i = 0; i < 4; i++)
    assert_int_equal(f->clock.slept[i], want[i]);
  assert_int_equal(log.calls, 5);
  assert_int_equal(log.polls[4], 5);
  assert_int_equal(log.next[0], 1000);
  assert_int_equal(log.next[4], -1);
  pubrio_query_result_free(r);
  pubrio_wait_options_free(o);
  free(id);
}

static void wait_stops_at_deadline_with_last_state(void **state) {
  fixture *f = *state;
  char *id = submit_ids(f, 1, PUBRIO_CONTACT_PHONE);
  pubrio_wait_options *o = options(600000, 1000, 30000);
  int64_t start = f->clock.now;
  pubrio_query_result *r = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_wait(f->client, id, o, &r, &f->err),
      PUBRIO_E_WAIT_TIMEOUT);
  assert_non_null(r); /* the last known state comes back */
  assert_int_equal(r->query->is_completed, 0);
  assert_string_equal(r->query->redeem_query_id, id);
  /* Never past the deadline, and the last sleep is trimmed to leave the
   * minimum delay (1 s) for the last poll's request, and at most twice that. */
  assert_true(f->clock.now - start <= 599000);
  assert_true(f->clock.now - start > 598000);
  for (int i = 0; i < f->clock.sleeps && i < 256; i++)
    assert_true(f->clock.slept[i] >= 1000);
  int polls = (int)fake_server_request_count(f->server, QUERY_PATH);
  assert_int_equal(polls, f->clock.sleeps + 1);
  assert_true(polls < 40); /* delays grew to the 30 s cap */
  assert_non_null(strstr(f->err.message, "not complete"));
  pubrio_query_result_free(r);
  pubrio_wait_options_free(o);
  free(id);
}

static void wait_never_polls_faster_than_min_delay(void **state) {
  /* 2.5 s deadline, 1 s delays: polls at 0 and 1000 ms. A poll at 2000 ms
   * would leave its request 500 ms, less than the minimum delay, and a
   * shorter sleep would poll faster than the minimum, so the wait gives up
   * instead. */
  fixture *f = *state;
  char *id = submit_ids(f, 1, PUBRIO_CONTACT_PHONE);
  pubrio_wait_options *o = options(2500, 1000, 1000);
  pubrio_query_result *r = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_wait(f->client, id, o, &r, &f->err),
      PUBRIO_E_WAIT_TIMEOUT);
  assert_int_equal(f->clock.sleeps, 1);
  assert_int_equal(f->clock.slept[0], 1000);
  assert_int_equal(fake_server_request_count(f->server, QUERY_PATH), 2);
  pubrio_query_result_free(r);
  pubrio_wait_options_free(o);
  free(id);
}

static void cancel_from_callback(void **state) {
  fixture *f = *state;
  char *id = submit_ids(f, 1, PUBRIO_CONTACT_PHONE);
  pubrio_wait_options *o = options(600000, 1000, 30000);
  progress_log log = {0};
  log.cancel_at = 2;
  pubrio_wait_options_set_progress(o, on_progress, &log, NULL);
  pubrio_query_result *r = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_wait(f->client, id, o, &r, &f->err),
      PUBRIO_E_CANCELLED);
  assert_non_null(r);
  assert_int_equal(log.calls, 2);
  assert_int_equal(fake_server_request_count(f->server, QUERY_PATH), 2);
  pubrio_query_result_free(r);
  pubrio_wait_options_free(o);
  free(id);
}

static void unknown_unit_counts_as_seconds(void **state) {
  fixture *f = *state;
  char *real = submit_ids(f, 1, PUBRIO_CONTACT_PHONE);
  char body[256];
  snprintf(body, sizeof body,
           "{\"data\":{\"redeem_query_id\":\"%s\",\"is_completed\":false,"
           "\"estimated_time\":3,\"estimated_time_type\":\"fortnight\"}}",
           real);
  script(f, SUBMIT_PATH, 200, body, NULL, NULL);
  pubrio_batch_request *req = make_request(1, PUBRIO_CONTACT_PHONE);
  pubrio_query_result *r = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_and_wait(f->client, req, NULL, &r, &f->err),
      PUBRIO_OK);
  assert_int_equal(f->clock.slept[0], 3000);
  pubrio_query_result_free(r);
  pubrio_batch_request_free(req);
  free(real);
}

static void query_errors_mid_wait_are_retried(void **state) {
  fixture *f = *state;
  char *id = submit_ids(f, 2, PUBRIO_CONTACT_EMAIL_WORK);
  script(f, QUERY_PATH, 429, "{\"error\":\"Request rate limit exceeded.\"}",
         "Retry-After", "2");
  script(f, QUERY_PATH, 503, "<html>busy</html>", NULL, NULL);
  pubrio_wait_options *o = options(600000, 1000, 30000);
  pubrio_query_result *r = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_wait(f->client, id, o, &r, &f->err),
      PUBRIO_OK);
  check_people(r, 2, PUBRIO_CONTACT_EMAIL_WORK);
  /* 429 (waits 2000), 503 (query is safe to repeat: backoff 500), then the
   * real answer (pending), a 1000 ms poll delay, then complete. */
  assert_int_equal(fake_server_request_count(f->server, QUERY_PATH), 4);
  assert_int_equal(f->clock.slept[0], 2000);
  assert_int_equal(f->clock.slept[1], 500);
  assert_int_equal(f->clock.slept[2], 1000);
  pubrio_query_result_free(r);
  pubrio_wait_options_free(o);
  free(id);
}

static void unknown_id_is_bad_request(void **state) {
  fixture *f = *state;
  pubrio_query_result *r = (pubrio_query_result *)1;
  assert_int_equal(
      pubrio_redeem_people_batch_wait(
          f->client, "00000000-0000-4000-8000-00000000ffff", NULL, &r, &f->err),
      PUBRIO_E_BAD_REQUEST);
  assert_null(r);
  assert_int_equal(f->err.api_code, 40004);
  assert_int_equal(fake_server_request_count(f->server, QUERY_PATH), 1);
}

static void invalid_query_id_sends_nothing(void **state) {
  fixture *f = *state;
  pubrio_query_result *r = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_query(f->client, "42", &r, &f->err),
      PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(f->err.message, "\"42\""));
  assert_int_equal(
      pubrio_redeem_people_batch_wait(f->client, NULL, NULL, &r, &f->err),
      PUBRIO_E_INVALID_ARGUMENT);
  /* Checked before the first delay is slept. */
  pubrio_wait_options *late = options(600000, 1000, 1000);
  pubrio_wait_options_set_first_delay(late, 5000, NULL);
  assert_int_equal(
      pubrio_redeem_people_batch_wait(f->client, "x", late, &r, &f->err),
      PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(f->clock.sleeps, 0);
  pubrio_wait_options_free(late);
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
  pubrio_wait_options *o = NULL;
  pubrio_wait_options_new(&o, NULL);
  assert_int_equal(pubrio_wait_options_set_timeout(o, 0, NULL),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_wait_options_set_delays(o, 0, 10, NULL),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_wait_options_set_delays(o, 10, 5, NULL),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_wait_options_set_first_delay(o, -2, NULL),
                   PUBRIO_E_INVALID_ARGUMENT);
  pubrio_wait_options_free(o);
}

static void wait_failure_after_submit_names_the_batch(void **state) {
  fixture *f = *state;
  pubrio_wait_options *o = options(5000, 1000, 1000);
  pubrio_batch_request *req = make_request(1, PUBRIO_CONTACT_PHONE);
  pubrio_query_result *r = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_and_wait(f->client, req, o, &r, &f->err),
      PUBRIO_E_WAIT_TIMEOUT);
  assert_non_null(r);
  assert_non_null(strstr(f->err.message, r->query->redeem_query_id));
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 1);
  pubrio_query_result_free(r);
  pubrio_batch_request_free(req);
  pubrio_wait_options_free(o);
}

static void pacing_past_the_deadline_is_a_wait_timeout(void **state) {
  fixture *f = *state;
  char *id = submit_ids(f, 1, PUBRIO_CONTACT_PHONE);
  /* One request a minute, spent on this query: the wait's first poll could
   * only start a minute later, past its 30 s deadline. */
  assert_int_equal(pubrio_client_set_rate_limit(f->client, 1, NULL), PUBRIO_OK);
  pubrio_query_result *r = NULL;
  assert_int_equal(pubrio_redeem_people_batch_query(f->client, id, &r, &f->err),
                   PUBRIO_OK);
  pubrio_query_result_free(r);
  pubrio_wait_options *o = options(30000, 1000, 1000);
  assert_int_equal(
      pubrio_redeem_people_batch_wait(f->client, id, o, &r, &f->err),
      PUBRIO_E_WAIT_TIMEOUT);
  assert_null(r); /* no poll succeeded within the deadline */
  assert_non_null(strstr(f->err.message, "rate limit"));
  pubrio_wait_options_free(o);
  free(id);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_prestate_setup_teardown(query_once_pending_then_complete,
                                               setup, teardown, &polls_1),
      cmocka_unit_test_prestate_setup_teardown(
          submit_and_wait_completes_at_once, setup, teardown, &polls_0),
      cmocka_unit_test_prestate_setup_teardown(wait_completes_after_n_polls,
                                               setup, teardown, &polls_4),
      cmocka_unit_test_prestate_setup_teardown(
          wait_stops_at_deadline_with_last_state, setup, teardown,
          &polls_never),
      cmocka_unit_test_prestate_setup_teardown(
          wait_never_polls_faster_than_min_delay, setup, teardown,
          &polls_never),
      cmocka_unit_test_prestate_setup_teardown(cancel_from_callback, setup,
                                               teardown, &polls_never),
      cmocka_unit_test_prestate_setup_teardown(unknown_unit_counts_as_seconds,
                                               setup, teardown, &polls_0),
      cmocka_unit_test_prestate_setup_teardown(
          query_errors_mid_wait_are_retried, setup, teardown, &polls_1),
      cmocka_unit_test_prestate_setup_teardown(unknown_id_is_bad_request, setup,
                                               teardown, &polls_0),
      cmocka_unit_test_prestate_setup_teardown(invalid_query_id_sends_nothing,
                                               setup, teardown, &polls_0),
      cmocka_unit_test_prestate_setup_teardown(
          wait_failure_after_submit_names_the_batch, setup, teardown,
          &polls_never),
      cmocka_unit_test_prestate_setup_teardown(
          pacing_past_the_deadline_is_a_wait_timeout, setup, teardown,
          &polls_never),
  };
  return cmocka_run_group_tests_name("wait", tests, NULL, NULL);
}
