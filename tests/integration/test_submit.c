/* Submitting a batch over real HTTP to the fake server: the bytes on the
 * wire, typed success, and every typed error. */
#include "test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int setup(void **state) {
  *state = fixture_new(NULL);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  return 0;
}

static pubrio_status submit(fixture *f, size_t people, unsigned types,
                            pubrio_batch_job **job) {
  pubrio_batch_request *req = make_request(people, types);
  pubrio_status st = pubrio_redeem_people_batch(f->client, req, job, &f->err);
  pubrio_batch_request_free(req);
  return st;
}

static void success_sends_contract_bytes(void **state) {
  fixture *f = *state;
  pubrio_batch_job *job = NULL;
  assert_int_equal(
      submit(f, 2, PUBRIO_CONTACT_PHONE | PUBRIO_CONTACT_EMAIL_WORK, &job),
      PUBRIO_OK);
  assert_non_null(job);
  assert_string_equal(job->redeem_query_id,
                      "00000000-0000-4000-8000-000000000001");
  assert_int_equal(job->is_completed, 0);
  assert_int_equal(job->estimated_time, 2);
  assert_string_equal(job->estimated_time_type, "second");
  assert_int_equal(job->estimated_time_ms, 2000);
  pubrio_batch_job_free(job);

  fake_request r;
  assert_int_equal(fake_server_request(f->server, 0, &r), 0);
  assert_string_equal(r.method, "POST");
  assert_string_equal(r.path, SUBMIT_PATH);
  assert_string_equal(r.api_key, TEST_KEY);
  assert_string_equal(r.content_type, "application/json");
  assert_string_equal(r.accept, "application/json");
  assert_string_equal(r.user_agent, "libpubrio/" PUBRIO_VERSION);
  /* Contact types go out in a fixed order, once each; no profile_id. */
  assert_string_equal(r.body,
                      "{\"peoples\":[\"540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11\","
                      "\"0a9b7c6d-1e2f-4a5b-8c7d-6e5f4a3b2c1d\"],"
                      "\"people_contact_types\":[\"email-work\",\"phone\"]}");
  fake_request_clear(&r);
}

/* Submit @p req (then free it) and return the body the server received. */
static char *submit_and_receive(fixture *f, pubrio_batch_request *req) {
  pubrio_batch_job *job = NULL;
  assert_int_equal(pubrio_redeem_people_batch(f->client, req, &job, &f->err),
                   PUBRIO_OK);
  pubrio_batch_job_free(job);
  pubrio_batch_request_free(req);
  return received_body(f, fake_server_request_count(f->server, NULL) - 1);
}

static void profile_id_sent_only_when_set(void **state) {
  fixture *f = *state;
  pubrio_batch_request *req = make_request(1, PUBRIO_CONTACT_EMAIL_PERSONAL);
  assert_int_equal(pubrio_batch_request_set_profile_id(req, 42, NULL),
                   PUBRIO_OK);
  char *body = submit_and_receive(f, req);
  assert_string_equal(body, "{\"peoples\":[\"540574d1-5a4b-4c8e-9b0a-"
                            "8f3e2f1d7c11\"],\"people_contact_types\":["
                            "\"email-personal\"],\"profile_id\":42}");
  free(body);
}

static void uppercase_and_duplicate_ids_are_normalised(void **state) {
  fixture *f = *state;
  pubrio_batch_request *req = NULL;
  assert_int_equal(pubrio_batch_request_new(&req, NULL), PUBRIO_OK);
  const char *ids[] = {"ABCDEFAB-CDEF-4ABC-8DEF-ABCDEFABCDEF",
                       "abcdefab-cdef-4abc-8def-abcdefabcdef",
                       "abcdefab-cdef-4abc-8def-abcdefabcdef"};
  assert_int_equal(pubrio_batch_request_add_people(req, ids, 3, NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_batch_request_people_count(req), 1);
  assert_int_equal(pubrio_batch_request_duplicates(req), 2);
  pubrio_batch_request_add_contact_types(req, PUBRIO_CONTACT_PHONE, NULL);
  pubrio_batch_request_add_contact_types(req, PUBRIO_CONTACT_PHONE, NULL);
  char *body = submit_and_receive(f, req);
  assert_string_equal(body, "{\"peoples\":[\"abcdefab-cdef-4abc-8def-"
                            "abcdefabcdef\"],\"people_contact_types\":["
                            "\"phone\"]}");
  free(body);
}

static void invalid_request_sends_nothing(void **state) {
  fixture *f = *state;
  pubrio_batch_request *req = NULL;
  pubrio_batch_job *job = (pubrio_batch_job *)1;
  assert_int_equal(pubrio_batch_request_new(&req, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_redeem_people_batch(f->client, req, &job, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_null(job);
  assert_non_null(strstr(f->err.message, "no people"));
  assert_int_equal(pubrio_batch_request_add_person(req, TEST_IDS[0], NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_redeem_people_batch(f->client, req, &job, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(f->err.message, "no contact types"));
  assert_int_equal(pubrio_redeem_people_batch(f->client, NULL, &job, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(f->err.attempts, 0);
  pubrio_batch_request_free(req);
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
}

/* Each error status maps to its typed status with the body's fields. */
static void bad_request_carries_code_message_details(void **state) {
  fixture *f = *state;
  script(f, SUBMIT_PATH, 400,
         "{\"code\":40001,\"message\":\"peoples is invalid\","
         "\"details\":{\"field\":\"peoples\"}}",
         NULL, NULL);
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit(f, 1, PUBRIO_CONTACT_PHONE, &job),
                   PUBRIO_E_BAD_REQUEST);
  assert_null(job);
  assert_int_equal(f->err.status, PUBRIO_E_BAD_REQUEST);
  assert_int_equal(f->err.http_status, 400);
  assert_int_equal(f->err.api_code, 40001);
  assert_string_equal(f->err.api_message, "peoples is invalid");
  assert_string_equal(f->err.details_json, "{\"field\":\"peoples\"}");
  assert_string_equal(f->err.request_id, "req-1");
  assert_int_equal(f->err.attempts, 1);
  assert_non_null(strstr(f->err.message, "peoples is invalid"));
  assert_non_null(strstr(f->err.message, "40001"));
}

static void server_validation_400_is_typed(void **state) {
  /* The fake checks the body like the real API: an unknown field is 400. */
  fixture *f = *state;
  pubrio_query_result *res = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_query(
          f->client, "00000000-0000-4000-8000-0000000000ff", &res, &f->err),
      PUBRIO_E_BAD_REQUEST);
  assert_int_equal(f->err.api_code, 40004);
  assert_string_equal(f->err.api_message, "redeem_query_id not found");
}

typedef struct status_case {
  int http;
  const char *body;
  const char *content_type;
  pubrio_status expected;
  const char *message_part;
} status_case;

static void check_status_case(fixture *f, const status_case *c) {
  fake_reply r = {0};
  r.path = SUBMIT_PATH;
  r.status = c->http;
  r.body = c->body;
  r.content_type = c->content_type;
  fake_server_push_reply(f->server, &r);
  pubrio_batch_job *job = NULL;
  pubrio_status st = submit(f, 1, PUBRIO_CONTACT_PHONE, &job);
  assert_int_equal(st, c->expected);
  assert_null(job);
  assert_int_equal(f->err.http_status, c->http);
  assert_non_null(f->err.message);
  if (!strstr(f->err.message, c->message_part))
    fail_msg("message \"%s\" lacks \"%s\"", f->err.message, c->message_part);
}

static void error_statuses_are_typed(void **state) {
  fixture *f = *state;
  const status_case cases[] = {
      {401, "{\"error\":\"Invalid API key\"}", NULL, PUBRIO_E_UNAUTHORIZED,
       "Invalid API key"},
      {403, "{\"message\":\"forbidden\"}", NULL, PUBRIO_E_UNAUTHORIZED,
       "forbidden"},
      {402, "{\"error\":\"Insufficient credits\"}", NULL,
       PUBRIO_E_PAYMENT_REQUIRED, "Insufficient credits"},
      {500, "{\"error\":\"An unexpected error occurred on the server.\"}", NULL,
       PUBRIO_E_SERVER, "unexpected error"},
      {502, "<html><body>Bad gateway</body></html>", "text/html",
       PUBRIO_E_SERVER, "non-JSON body (text/html"},
      {503, "", NULL, PUBRIO_E_SERVER, "empty body"},
      {404, "{\"error\":\"not found\"}", NULL, PUBRIO_E_HTTP, "not found"},
      {302, "", NULL, PUBRIO_E_HTTP, "HTTP 302"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    check_status_case(f, &cases[i]);
  /* A 5xx on submit is never retried: one request per case. */
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH),
                   sizeof cases / sizeof *cases);
}

static void error_keeps_api_key_out(void **state) {
  fixture *f = *state;
  /* A server that echoes the key must not leak it through our errors. */
  script(f, SUBMIT_PATH, 400,
         "{\"code\":1,\"message\":\"bad key test-key\",\"details\":"
         "{\"key\":\"test-key\"}}",
         NULL, NULL);
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit(f, 1, PUBRIO_CONTACT_PHONE, &job),
                   PUBRIO_E_BAD_REQUEST);
  assert_null(strstr(f->err.message, TEST_KEY));
  assert_null(strstr(f->err.api_message, TEST_KEY));
  assert_null(strstr(f->err.details_json, TEST_KEY));
}

static void rate_limited_then_retried(void **state) {
  fixture *f = *state;
  script(f, SUBMIT_PATH, 429, "{\"error\":\"Request rate limit exceeded.\"}",
         "Retry-After", "3");
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit(f, 1, PUBRIO_CONTACT_PHONE, &job), PUBRIO_OK);
  pubrio_batch_job_free(job);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 2);
  assert_int_equal(f->clock.sleeps, 1);
  assert_int_equal(f->clock.slept[0], 3000); /* Retry-After honoured */
}

static void rate_limited_after_all_attempts(void **state) {
  fixture *f = *state;
  fake_reply r = {0};
  r.path = SUBMIT_PATH;
  r.status = 429;
  r.body = "{\"error\":\"Request rate limit exceeded.\"}";
  r.times = 3;
  fake_server_push_reply(f->server, &r);
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit(f, 1, PUBRIO_CONTACT_PHONE, &job),
                   PUBRIO_E_RATE_LIMITED);
  assert_int_equal(f->err.attempts, 3);
  assert_int_equal(f->err.http_status, 429);
  assert_int_equal(f->err.retry_after_ms, -1);
  assert_string_equal(f->err.api_message, "Request rate limit exceeded.");
  /* Backoff without Retry-After: 500 ms then 1000 ms, halved by jitter 0. */
  assert_int_equal(f->clock.sleeps, 2);
  assert_int_equal(f->clock.slept[0], 250);
  assert_int_equal(f->clock.slept[1], 500);
}

static void contract_breaking_bodies(void **state) {
  fixture *f = *state;
  const struct {
    const char *body;
    const char *part;
  } cases[] = {
      {"{\"data\":{\"redeem_query_id\":\"00000000-0000-4000-8000-"
       "000000000001\"",
       "not valid JSON"},
      {"not json", "not valid JSON"},
      {"[]", "body: expected an object"},
      {"{}", "body.data: expected an object, got nothing"},
      {"{\"data\":null}", "body.data: expected an object, got null"},
      {"{\"data\":{\"redeem_query_id\":7,\"is_completed\":false}}",
       "data.redeem_query_id: expected a UUID string, got a number"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    script(f, SUBMIT_PATH, 200, cases[i].body, NULL, NULL);
    pubrio_batch_job *job = NULL;
    assert_int_equal(submit(f, 1, PUBRIO_CONTACT_PHONE, &job),
                     PUBRIO_E_PROTOCOL);
    assert_null(job);
    assert_int_equal(f->err.http_status, 200);
    /* A 2xx whose id cannot be read: the batch may be paid for. */
    assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
    if (!strstr(f->err.message, cases[i].part))
      fail_msg("case %zu: \"%s\" lacks \"%s\"", i, f->err.message,
               cases[i].part);
  }
}

static void optional_fields_may_be_missing(void **state) {
  fixture *f = *state;
  script(
      f, SUBMIT_PATH, 200,
      "{\"data\":{\"redeem_query_id\":\"00000000-0000-4000-8000-00000000000a\","
      "\"is_completed\":true,\"estimated_time\":null,\"extra\":1}}",
      NULL, NULL);
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit(f, 1, PUBRIO_CONTACT_PHONE, &job), PUBRIO_OK);
  assert_int_equal(job->is_completed, 1);
  assert_int_equal(job->estimated_time, -1);
  assert_int_equal(job->estimated_time_ms, -1);
  assert_null(job->estimated_time_type);
  pubrio_batch_job_free(job);
}

static void truncated_body_is_transport_error(void **state) {
  fixture *f = *state;
  fake_reply r = {0};
  r.path = SUBMIT_PATH;
  r.status = 200;
  r.body = "{\"data\":{\"redeem_query_id\":";
  r.fault = FAKE_FAULT_CLOSE_MID_BODY;
  fake_server_push_reply(f->server, &r);
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit(f, 1, PUBRIO_CONTACT_PHONE, &job),
                   PUBRIO_E_TRANSPORT);
  assert_non_null(strstr(f->err.message, "may have arrived"));
  /* Sent, then failed: a submit is not repeated. */
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 1);
}

static void slow_server_times_out(void **state) {
  fixture *f = *state;
  fake_reply r = {0};
  r.path = SUBMIT_PATH;
  r.status = 200;
  r.body = "{}";
  r.delay_ms = 3000;
  fake_server_push_reply(f->server, &r);
  assert_int_equal(pubrio_client_set_timeouts(f->client, 1000, 150, NULL),
                   PUBRIO_OK);
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit(f, 1, PUBRIO_CONTACT_PHONE, &job), PUBRIO_E_TIMEOUT);
  assert_int_equal(f->err.http_status, 0);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 1);
}

static void base_url_with_path_prefix(void **state) {
  (void)state;
  fake_server_options opts = FAKE_SERVER_DEFAULTS;
  opts.prefix = "/gateway";
  fixture *f = fixture_new(&opts);
  char url[160];
  snprintf(url, sizeof url, "%s/", fake_server_url(f->server));
  assert_int_equal(pubrio_client_set_base_url(f->client, url, NULL), PUBRIO_OK);
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit(f, 1, PUBRIO_CONTACT_PHONE, &job), PUBRIO_OK);
  pubrio_batch_job_free(job);
  fake_request r;
  assert_int_equal(fake_server_request(f->server, 0, &r), 0);
  assert_string_equal(r.path, SUBMIT_PATH);
  fake_request_clear(&r);
  fixture_free(f);
}

static void wrong_key_is_unauthorized(void **state) {
  fixture *f = *state;
  pubrio_client *c = NULL;
  assert_int_equal(pubrio_client_new(&c, "wrong-key", NULL), PUBRIO_OK);
  pubrio_client_set_base_url(c, fake_server_url(f->server), NULL);
  pubrio_batch_request *req = make_request(1, PUBRIO_CONTACT_PHONE);
  pubrio_batch_job *job = NULL;
  assert_int_equal(pubrio_redeem_people_batch(c, req, &job, &f->err),
                   PUBRIO_E_UNAUTHORIZED);
  assert_int_equal(f->err.http_status, 401);
  assert_null(strstr(f->err.message, "wrong-key"));
  pubrio_batch_request_free(req);
  pubrio_client_free(c);
}

static void keep_alive_reuses_one_connection(void **state) {
  fixture *f = *state;
  for (int i = 0; i < 5; i++) {
    pubrio_batch_job *job = NULL;
    assert_int_equal(submit(f, 1, PUBRIO_CONTACT_PHONE, &job), PUBRIO_OK);
    pubrio_batch_job_free(job);
  }
  assert_int_equal(pubrio_client_connections_opened(f->client), 1);
}

static void connection_refused_is_transport_and_retried(void **state) {
  fixture *f = *state;
  char url[64];
  /* A port we hold bound but never listen on: connecting is refused, and
   * neither another process nor a self-connect can take it meanwhile. */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
  snprintf(url, sizeof url, "http://127.0.0.1:%u", ntohs(addr.sin_port));
  assert_int_equal(pubrio_client_set_base_url(f->client, url, NULL), PUBRIO_OK);
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit(f, 1, PUBRIO_CONTACT_PHONE, &job),
                   PUBRIO_E_TRANSPORT);
  /* Nothing left the machine, so retrying a submit is safe. */
  assert_int_equal(f->err.attempts, 3);
  assert_int_equal(f->clock.sleeps, 2);
  assert_non_null(strstr(f->err.message, "could not connect"));
  close(fd);
}

static void caller_headers_are_sent_and_checked(void **state) {
  fixture *f = *state;
  pubrio_client *c = f->client;
  assert_int_equal(pubrio_client_set_header(c, "Prefer", "code=500", NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_client_set_header(c, "prefer", "code=429", NULL),
                   PUBRIO_OK); /* replaces, whatever the case */
  const char *refused[][2] = {{"pubrio-api-key", "x"},
                              {"Content-Type", "x"},
                              {"Host", "x"},
                              {"Bad Name", "x"},
                              {"", "x"},
                              {"X-Ok", "a\r\nX: y"}};
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
    assert_int_equal(
        pubrio_client_set_header(c, refused[i][0], refused[i][1], &f->err),
        PUBRIO_E_INVALID_ARGUMENT);
  pubrio_batch_job *job = NULL;
  pubrio_batch_request *req = make_request(1, PUBRIO_CONTACT_PHONE);
  assert_int_equal(pubrio_redeem_people_batch(c, req, &job, &f->err),
                   PUBRIO_OK);
  pubrio_batch_job_free(job);
  fake_request r;
  assert_int_equal(fake_server_request(f->server, 0, &r), 0);
  assert_string_equal(r.prefer, "code=429");
  assert_string_equal(r.api_key, TEST_KEY);
  fake_request_clear(&r);
  /* NULL removes it. */
  assert_int_equal(pubrio_client_set_header(c, "Prefer", NULL, NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_redeem_people_batch(c, req, &job, &f->err),
                   PUBRIO_OK);
  pubrio_batch_job_free(job);
  assert_int_equal(fake_server_request(f->server, 1, &r), 0);
  assert_null(r.prefer);
  fake_request_clear(&r);
  pubrio_batch_request_free(req);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(success_sends_contract_bytes, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(profile_id_sent_only_when_set, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          uppercase_and_duplicate_ids_are_normalised, setup, teardown),
      cmocka_unit_test_setup_teardown(invalid_request_sends_nothing, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(bad_request_carries_code_message_details,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(server_validation_400_is_typed, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(error_statuses_are_typed, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(error_keeps_api_key_out, setup, teardown),
      cmocka_unit_test_setup_teardown(rate_limited_then_retried, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(rate_limited_after_all_attempts, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(contract_breaking_bodies, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(optional_fields_may_be_missing, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(truncated_body_is_transport_error, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(slow_server_times_out, setup, teardown),
      cmocka_unit_test(base_url_with_path_prefix),
      cmocka_unit_test_setup_teardown(wrong_key_is_unauthorized, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(keep_alive_reuses_one_connection, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          connection_refused_is_transport_and_retried, setup, teardown),
      cmocka_unit_test_setup_teardown(caller_headers_are_sent_and_checked,
                                      setup, teardown),
  };
  return cmocka_run_group_tests_name("submit", tests, NULL, NULL);
}
