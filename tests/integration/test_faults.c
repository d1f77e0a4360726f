/* Resilience over real HTTP: retry counts per status and endpoint, waits
 * honoured, no second submit after a 500, redirects not followed, body cap,
 * TLS verification, pacing, and logs without the key. */
/* cmocka needs these three first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each test gets its fixture from setup() (a server with the options in
 * its prestate, NULL: defaults) and loses it in teardown(), even when it
 * fails. */
static int setup(void **state) {
  *state = fixture_new(*state);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  return 0;
}

static fake_server_options rate_limited_server = {.estimated_time = 2,
                                                  .rate_limit_per_minute = 2};

static pubrio_status submit(fixture *f) {
  pubrio_batch_request *req = make_request(1, PUBRIO_CONTACT_PHONE);
  pubrio_batch_job *job = NULL;
  pubrio_status st = pubrio_redeem_people_batch(f->client, req, &job, &f->err);
  pubrio_batch_job_free(job);
  pubrio_batch_request_free(req);
  return st;
}

/* Submit one batch through the normal path and return its id. */
static void submit_for_id(fixture *f, char id[37]) {
  pubrio_batch_request *req = make_request(1, PUBRIO_CONTACT_PHONE);
  pubrio_batch_job *job = NULL;
  assert_int_equal(pubrio_redeem_people_batch(f->client, req, &job, &f->err),
                   PUBRIO_OK);
  snprintf(id, 37, "%s", job->redeem_query_id);
  pubrio_batch_job_free(job);
  pubrio_batch_request_free(req);
}

static void push(fixture *f, const char *path, int status, fake_fault fault,
                 int times) {
  fake_reply r = {0};
  r.path = path;
  r.status = status;
  r.body = status == 500 ? "{\"error\":\"boom\"}" : "{\"data\":";
  r.fault = fault;
  r.times = times;
  fake_server_push_reply(f->server, &r);
}

static void retry_after_over_cap_is_not_waited(void **state) {
  fixture *f = *state;
  script(f, SUBMIT_PATH, 429, "{\"error\":\"slow down\"}", "Retry-After",
         "120");
  assert_int_equal(submit(f), PUBRIO_E_RATE_LIMITED);
  assert_int_equal(f->err.attempts, 1);
  assert_int_equal(f->err.retry_after_ms, 120000);
  assert_non_null(strstr(f->err.message, "retry after 120000 ms"));
  assert_int_equal(f->clock.sleeps, 0);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 1);
  /* A raised cap makes the same answer worth waiting for. */
  assert_int_equal(pubrio_client_set_max_retry_after(f->client, 180000, NULL),
                   PUBRIO_OK);
  script(f, SUBMIT_PATH, 429, "{\"error\":\"slow down\"}", "Retry-After",
         "120");
  assert_int_equal(submit(f), PUBRIO_OK);
  assert_int_equal(f->clock.slept[0], 120000);
}

static void retry_after_ms_and_http_date(void **state) {
  fixture *f = *state;
  script(f, SUBMIT_PATH, 429, "{}", "retry-after-ms", "1500");
  assert_int_equal(submit(f), PUBRIO_OK);
  assert_int_equal(f->clock.slept[0], 1500);
  /* A date in the past means "now". */
  script(f, SUBMIT_PATH, 429, "{}", "Retry-After",
         "Wed, 21 Oct 2015 07:28:00 GMT");
  assert_int_equal(submit(f), PUBRIO_OK);
  assert_int_equal(f->clock.slept[1], 0);
}

static void submit_500_is_sent_once(void **state) {
  fixture *f = *state;
  push(f, SUBMIT_PATH, 500, FAKE_FAULT_NONE, 1);
  assert_int_equal(submit(f), PUBRIO_E_SERVER);
  assert_int_equal(f->err.attempts, 1);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 1);
  /* Closed mid-body after sending: also once. */
  push(f, SUBMIT_PATH, 200, FAKE_FAULT_CLOSE_MID_BODY, 1);
  assert_int_equal(submit(f), PUBRIO_E_TRANSPORT);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 2);
}

static void submit_500_retried_only_when_opted_in(void **state) {
  fixture *f = *state;
  assert_int_equal(pubrio_client_set_retry_unsafe_submit(f->client, 1, NULL),
                   PUBRIO_OK);
  push(f, SUBMIT_PATH, 500, FAKE_FAULT_NONE, 1);
  assert_int_equal(submit(f), PUBRIO_OK);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 2);
}

static void query_500_and_resets_are_retried(void **state) {
  fixture *f = *state;
  char id[37];
  submit_for_id(f, id);
  push(f, QUERY_PATH, 500, FAKE_FAULT_NONE, 1);
  push(f, QUERY_PATH, 200, FAKE_FAULT_CLOSE_MID_BODY, 1);
  pubrio_query_result *r = NULL;
  assert_int_equal(pubrio_redeem_people_batch_query(f->client, id, &r, &f->err),
                   PUBRIO_OK);
  pubrio_query_result_free(r);
  assert_int_equal(fake_server_request_count(f->server, QUERY_PATH), 3);
  assert_int_equal(f->clock.sleeps, 2);
  /* Three failures use up the budget; the error counts them. */
  push(f, QUERY_PATH, 500, FAKE_FAULT_NONE, 3);
  assert_int_equal(pubrio_redeem_people_batch_query(f->client, id, &r, &f->err),
                   PUBRIO_E_SERVER);
  assert_null(r);
  assert_int_equal(f->err.attempts, 3);
  assert_int_equal(fake_server_request_count(f->server, QUERY_PATH), 6);
}

static void slow_query_times_out_each_attempt(void **state) {
  fixture *f = *state;
  char id[37];
  submit_for_id(f, id);
  fake_reply r = {0};
  r.path = QUERY_PATH;
  r.status = 200;
  r.body = "{}";
  r.delay_ms = 2000;
  r.times = 2;
  fake_server_push_reply(f->server, &r);
  assert_int_equal(pubrio_client_set_timeouts(f->client, 1000, 100, NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_client_set_retry(f->client, 2, 10, 10, NULL),
                   PUBRIO_OK);
  pubrio_query_result *res = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_query(f->client, id, &res, &f->err),
      PUBRIO_E_TIMEOUT);
  assert_int_equal(f->err.attempts, 2);
}

static void oversize_body_is_refused(void **state) {
  fixture *f = *state;
  assert_int_equal(
      pubrio_client_set_max_response_bytes(f->client, 1 << 20, NULL),
      PUBRIO_OK);
  fake_reply r = {0};
  r.path = SUBMIT_PATH;
  r.status = 200;
  r.fault = FAKE_FAULT_HUGE_BODY;
  r.huge_bytes = (size_t)64 << 20; /* chunked: no length to refuse early */
  fake_server_push_reply(f->server, &r);
  assert_int_equal(submit(f), PUBRIO_E_RESPONSE_TOO_LARGE);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 1);
  /* A known Content-Length over the cap is refused before reading it. */
  char *big = malloc((2 << 20) + 1);
  memset(big, ' ', 2 << 20);
  big[2 << 20] = '\0';
  script(f, SUBMIT_PATH, 200, big, NULL, NULL);
  free(big);
  assert_int_equal(submit(f), PUBRIO_E_RESPONSE_TOO_LARGE);
}

static void redirect_is_not_followed(void **state) {
  fixture *f = *state;
  fake_server *elsewhere = fake_server_start(NULL);
  char location[160];
  snprintf(location, sizeof location, "%s%s", fake_server_url(elsewhere),
           SUBMIT_PATH);
  script(f, SUBMIT_PATH, 302, "", "Location", location);
  assert_int_equal(submit(f), PUBRIO_E_HTTP);
  assert_int_equal(f->err.http_status, 302);
  assert_non_null(strstr(f->err.message, "not followed"));
  /* The key never reached the other host: it saw nothing at all. */
  assert_int_equal(fake_server_request_count(elsewhere, NULL), 0);
  fake_server_stop(elsewhere);
}

static char *read_text(const char *path) {
  FILE *file = fopen(path, "rb");
  if (!file)
    return NULL;
  static char buf[16384];
  size_t n = fread(buf, 1, sizeof buf - 1, file);
  fclose(file);
  buf[n] = '\0';
  return strdup(buf);
}

/* An HTTPS fake server with the certificate ctest makes for each run. */
static char cert_path[512];
static char *cert_pem, *key_pem;

static int https_setup(void **state) {
  const char *dir = getenv("PUBRIO_TEST_CERT_DIR");
  if (!dir) {
    print_error("PUBRIO_TEST_CERT_DIR is not set (ctest sets it)\n");
    return -1;
  }
  char key_path[512];
  snprintf(cert_path, sizeof cert_path, "%s/cert.pem", dir);
  snprintf(key_path, sizeof key_path, "%s/key.pem", dir);
  cert_pem = read_text(cert_path);
  key_pem = read_text(key_path);
  if (!cert_pem || !key_pem)
    return -1;
  fake_server_options opts = FAKE_SERVER_DEFAULTS;
  opts.tls_cert_pem = cert_pem;
  opts.tls_key_pem = key_pem;
  *state = fixture_new(&opts);
  return 0;
}

static int https_teardown(void **state) {
  fixture_free(*state);
  free(cert_pem);
  free(key_pem);
  cert_pem = key_pem = NULL;
  return 0;
}

static void https_verifies_certificates(void **state) {
  fixture *f = *state;
  assert_int_equal(strncmp(fake_server_url(f->server), "https://", 8), 0);
  /* Self-signed: rejected by default, and not retried. */
  assert_int_equal(submit(f), PUBRIO_E_TLS);
  assert_int_equal(f->err.attempts, 1);
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
  /* Trusted once its CA file is given. */
  assert_int_equal(pubrio_client_set_ca(f->client, cert_path, NULL, &f->err),
                   PUBRIO_OK);
  assert_int_equal(submit(f), PUBRIO_OK);
  fake_request r;
  assert_int_equal(fake_server_request(f->server, 0, &r), 0);
  assert_string_equal(r.api_key, TEST_KEY);
  fake_request_clear(&r);
}

static void pacing_spreads_requests_over_the_minute(void **state) {
  fixture *f = *state;
  assert_int_equal(pubrio_client_set_rate_limit(f->client, 3, NULL), PUBRIO_OK);
  int64_t start = f->clock.now;
  for (int i = 0; i < 7; i++)
    assert_int_equal(submit(f), PUBRIO_OK);
  /* 3 at once, 3 a minute later, the 7th two minutes in. */
  assert_int_equal(f->clock.now - start, 120000);
  assert_int_equal(f->clock.sleeps, 2);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 7);
}

static void fake_server_rate_limit_is_survived(void **state) {
  /* The server's own fixed window: 2 a minute. The third call gets 429 with
   * a Retry-After within the cap, waits it (on the fake clock, so the
   * server's real window never rolls over), and is refused on every attempt. */
  fixture *f = *state;
  assert_int_equal(submit(f), PUBRIO_OK);
  assert_int_equal(submit(f), PUBRIO_OK);
  assert_int_equal(submit(f), PUBRIO_E_RATE_LIMITED);
  assert_int_equal(f->err.http_status, 429);
  assert_true(f->err.retry_after_ms > 0 && f->err.retry_after_ms <= 60000);
  assert_int_equal(f->err.attempts, 3);
}

typedef struct log_capture {
  int lines;
  int levels[5];
  int saw_request_line;
  int saw_body;
  int saw_key;
} log_capture;

static void on_log(pubrio_log_level level, const char *message,
                   void *userdata) {
  log_capture *c = userdata;
  c->lines++;
  if (level >= 1 && level <= 4)
    c->levels[level]++;
  c->saw_request_line |= strstr(message, "POST ") && strstr(message, "HTTP");
  c->saw_body |= strstr(message, "people_contact_types") != NULL;
  c->saw_key |= strstr(message, TEST_KEY) != NULL;
}

static void logs_show_requests_never_the_key(void **state) {
  fixture *f = *state;
  log_capture cap = {0};
  assert_int_equal(
      pubrio_client_set_log(f->client, PUBRIO_LOG_DEBUG, on_log, &cap, NULL),
      PUBRIO_OK);
  script(f, SUBMIT_PATH, 429, "{\"error\":\"echo test-key\"}", NULL, NULL);
  assert_int_equal(submit(f), PUBRIO_OK);
  script(f, SUBMIT_PATH, 400, "{\"code\":1,\"message\":\"bad test-key\"}", NULL,
         NULL);
  assert_int_equal(submit(f), PUBRIO_E_BAD_REQUEST);
  assert_true(cap.saw_request_line);
  assert_true(cap.saw_body);
  assert_true(cap.levels[PUBRIO_LOG_WARN] >= 1);  /* the retry */
  assert_true(cap.levels[PUBRIO_LOG_ERROR] >= 1); /* the 400 */
  assert_false(cap.saw_key);
  /* At INFO, bodies are not logged. */
  log_capture info = {0};
  pubrio_client_set_log(f->client, PUBRIO_LOG_INFO, on_log, &info, NULL);
  assert_int_equal(submit(f), PUBRIO_OK);
  assert_true(info.saw_request_line);
  assert_false(info.saw_body);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(retry_after_over_cap_is_not_waited, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(retry_after_ms_and_http_date, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(submit_500_is_sent_once, setup, teardown),
      cmocka_unit_test_setup_teardown(submit_500_retried_only_when_opted_in,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(query_500_and_resets_are_retried, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(slow_query_times_out_each_attempt, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(oversize_body_is_refused, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(redirect_is_not_followed, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(https_verifies_certificates, https_setup,
                                      https_teardown),
      cmocka_unit_test_setup_teardown(pacing_spreads_requests_over_the_minute,
                                      setup, teardown),
      cmocka_unit_test_prestate_setup_teardown(
          fake_server_rate_limit_is_survived, setup, teardown,
          &rate_limited_server),
      cmocka_unit_test_setup_teardown(logs_show_requests_never_the_key, setup,
                                      teardown),
  };
  return cmocka_run_group_tests_name("faults", tests, NULL, NULL);
}
