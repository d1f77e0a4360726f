/* Credit safety under hostile conditions, over real HTTP to the fake server:
 * no layer sends a submit twice, a paid batch's id is never lost, every
 * outcome of a submit is typed, hostile answers are contained, and every
 * call can be cancelled. */
#include "test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ID_OK "00000000-0000-4000-8000-00000000000a"

static int setup(void **state) {
  *state = fixture_new(NULL);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  return 0;
}

static pubrio_status submit_people(fixture *f, size_t first, size_t count,
                                   pubrio_batch_job **job) {
  pubrio_batch_request *req = NULL;
  assert_int_equal(pubrio_batch_request_new(&req, NULL), PUBRIO_OK);
  assert_int_equal(
      pubrio_batch_request_add_people(req, TEST_IDS + first, count, NULL),
      PUBRIO_OK);
  assert_int_equal(
      pubrio_batch_request_add_contact_types(req, PUBRIO_CONTACT_PHONE, NULL),
      PUBRIO_OK);
  pubrio_status st = pubrio_redeem_people_batch(f->client, req, job, &f->err);
  pubrio_batch_request_free(req);
  return st;
}

static int max_submits_per_person(fixture *f) {
  /* Each person is in one batch here, so a second submit of any shows as a
   * repeated body. */
  size_t n = fake_server_request_count(f->server, NULL);
  int max = 0;
  for (size_t i = 0; i < n; i++) {
    char *a = received_body(f, i);
    int same = 0;
    for (size_t k = 0; k < n; k++) {
      char *b = received_body(f, k);
      same += strcmp(a, b) == 0 && strstr(a, "peoples") != NULL;
      free(b);
    }
    max = same > max ? same : max;
    free(a);
  }
  return max;
}

/* Item 1: the second submit goes out on the kept-alive connection; the
 * server acts on it, then closes without answering. libcurl would send it
 * again on a new connection by itself: it must not. */
static void dead_keepalive_submit_is_sent_once(void **state) {
  fixture *f = *state;
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit_people(f, 0, 2, &job), PUBRIO_OK);
  pubrio_batch_job_free(job);
  fake_reply r = {.path = SUBMIT_PATH,
                  .status = 200,
                  .fault = FAKE_FAULT_PROCESS_THEN_CLOSE};
  fake_server_push_reply(f->server, &r);
  assert_int_equal(submit_people(f, 2, 2, &job), PUBRIO_E_TRANSPORT);
  assert_null(job);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 2);
  assert_int_equal(max_submits_per_person(f), 1);
  assert_int_equal(f->err.attempts, 1);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
  assert_non_null(strstr(f->err.message, "not sent again"));
  /* The client still works, on a new connection. */
  assert_int_equal(submit_people(f, 4, 1, &job), PUBRIO_OK);
  pubrio_batch_job_free(job);
}

/* A query is free to repeat: libcurl may resend it, and the answer comes. */
static void dead_keepalive_query_is_resent(void **state) {
  fixture *f = *state;
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit_people(f, 0, 1, &job), PUBRIO_OK);
  fake_reply r = {.path = QUERY_PATH,
                  .status = 200,
                  .fault = FAKE_FAULT_PROCESS_THEN_CLOSE};
  fake_server_push_reply(f->server, &r);
  pubrio_query_result *res = NULL;
  assert_int_equal(pubrio_redeem_people_batch_query(
                       f->client, job->redeem_query_id, &res, &f->err),
                   PUBRIO_OK);
  pubrio_query_result_free(res);
  pubrio_batch_job_free(job);
}

/* Item 3: only answers that prove nothing was processed are "not spent". */
static void submit_state_follows_the_answer(void **state) {
  fixture *f = *state;
  const struct {
    int http;
    pubrio_submit_state want;
  } cases[] = {
      {400, PUBRIO_SUBMIT_NOT_SPENT}, {401, PUBRIO_SUBMIT_NOT_SPENT},
      {402, PUBRIO_SUBMIT_NOT_SPENT}, {403, PUBRIO_SUBMIT_NOT_SPENT},
      {404, PUBRIO_SUBMIT_NOT_SPENT}, {422, PUBRIO_SUBMIT_NOT_SPENT},
      {408, PUBRIO_SUBMIT_UNCERTAIN}, {409, PUBRIO_SUBMIT_UNCERTAIN},
      {500, PUBRIO_SUBMIT_UNCERTAIN}, {502, PUBRIO_SUBMIT_UNCERTAIN},
      {504, PUBRIO_SUBMIT_UNCERTAIN}, {302, PUBRIO_SUBMIT_UNCERTAIN},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    script(f, SUBMIT_PATH, cases[i].http, "{\"error\":\"x\"}", NULL, NULL);
    pubrio_batch_job *job = NULL;
    assert_int_not_equal(submit_people(f, 0, 1, &job), PUBRIO_OK);
    if (f->err.submit_state != cases[i].want)
      fail_msg("HTTP %d: submit_state %d, want %d", cases[i].http,
               f->err.submit_state, cases[i].want);
  }
  /* 429 three times: refused each time, nothing spent. */
  fake_reply r = {.path = SUBMIT_PATH, .status = 429, .body = "{}", .times = 3};
  fake_server_push_reply(f->server, &r);
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit_people(f, 0, 1, &job), PUBRIO_E_RATE_LIMITED);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
  /* Bad input: nothing left, nothing spent. A query sets no state. */
  pubrio_batch_request *empty = NULL;
  pubrio_batch_request_new(&empty, NULL);
  assert_int_equal(pubrio_redeem_people_batch(f->client, empty, &job, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
  pubrio_batch_request_free(empty);
  pubrio_query_result *res = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_query(f->client, ID_OK, &res, &f->err),
      PUBRIO_E_BAD_REQUEST);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NONE);
}

/* Once an attempt may have been processed, later refusals cannot make the
 * submit "not spent" (retries after it only happen when opted in). */
static void uncertain_sticks_across_attempts(void **state) {
  fixture *f = *state;
  assert_int_equal(pubrio_client_set_retry_unsafe_submit(f->client, 1, NULL),
                   PUBRIO_OK);
  script(f, SUBMIT_PATH, 503, "", NULL, NULL);
  fake_reply r = {.path = SUBMIT_PATH, .status = 429, .body = "{}", .times = 2};
  fake_server_push_reply(f->server, &r);
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit_people(f, 0, 1, &job), PUBRIO_E_RATE_LIMITED);
  assert_int_equal(f->err.attempts, 3);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
}

/* Item 4: only the id is required of a submit answer. */
static void odd_optional_fields_keep_the_id(void **state) {
  fixture *f = *state;
  const struct {
    const char *fields;
    int64_t want_ms;
  } cases[] = {
      {"\"estimated_time\":1.5,\"estimated_time_type\":\"second\"", 1500},
      {"\"estimated_time\":1e400", 86400000},
      {"\"estimated_time\":\"NaN\"", -1},
      {"\"estimated_time\":1e18,\"estimated_time_type\":\"hour\"", 86400000},
      {"\"estimated_time\":-5", 0},
      {"\"estimated_time\":9223372036854775807", 86400000},
      {"\"estimated_time\":2,\"estimated_time_type\":7", 2000},
      {"\"is_completed\":\"no\",\"estimated_time\":[1]", -1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char body[256];
    snprintf(body, sizeof body,
             "{\"data\":{\"redeem_query_id\":\"" ID_OK "\",%s}}",
             cases[i].fields);
    script(f, SUBMIT_PATH, 200, body, NULL, NULL);
    pubrio_batch_job *job = NULL;
    assert_int_equal(submit_people(f, 0, 1, &job), PUBRIO_OK);
    assert_string_equal(job->redeem_query_id, ID_OK);
    if (job->estimated_time_ms != cases[i].want_ms)
      fail_msg("case %zu: %lld ms, want %lld", i,
               (long long)job->estimated_time_ms, (long long)cases[i].want_ms);
    assert_int_equal(job->is_completed, 0);
    pubrio_batch_job_free(job);
  }
}

/* Item 4: an hour-long estimate does not become an hour-long first sleep. */
static void long_estimate_is_not_slept_on(void **state) {
  fixture *f = *state;
  /* The fake's own batch 1 answers the query (it completes at once). */
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit_people(f, 0, 1, &job), PUBRIO_OK); /* batch 1 */
  pubrio_batch_job_free(job);
  pubrio_batch_request *req = make_request(1, PUBRIO_CONTACT_PHONE);
  script(f, SUBMIT_PATH, 200,
         "{\"data\":{\"redeem_query_id\":\"00000000-0000-4000-8000-"
         "000000000001\",\"is_completed\":false,\"estimated_time\":3,"
         "\"estimated_time_type\":\"hour\"}}",
         NULL, NULL);
  pubrio_query_result *res = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_and_wait(f->client, req, NULL, &res, &f->err),
      PUBRIO_OK);
  assert_int_equal(f->clock.sleeps, 1);
  assert_int_equal(f->clock.slept[0], 30000); /* the maximum delay */
  pubrio_query_result_free(res);
  pubrio_batch_request_free(req);
}

/* Item 5: a failure after a successful submit hands the id back as data. */
static void and_wait_failure_returns_the_id_as_data(void **state) {
  fixture *f = *state;
  fake_reply r = {.path = QUERY_PATH,
                  .status = 400,
                  .body = "{\"code\":1,\"message\":\"no\"}",
                  .times = 1};
  fake_server_push_reply(f->server, &r);
  pubrio_batch_request *req = make_request(1, PUBRIO_CONTACT_PHONE);
  pubrio_query_result *res = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_and_wait(f->client, req, NULL, &res, &f->err),
      PUBRIO_E_BAD_REQUEST);
  assert_null(res);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_ACCEPTED);
  assert_string_equal(f->err.redeem_query_id,
                      "00000000-0000-4000-8000-000000000001");
  /* Resuming collects it without a second submit. */
  assert_int_equal(pubrio_redeem_people_batch_wait(
                       f->client, f->err.redeem_query_id, NULL, &res, NULL),
                   PUBRIO_OK);
  assert_int_equal(res->people_count, 1);
  pubrio_query_result_free(res);
  pubrio_batch_request_free(req);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 1);
  /* A failed submit carries no id. */
  script(f, SUBMIT_PATH, 500, "", NULL, NULL);
  req = make_request(1, PUBRIO_CONTACT_PHONE);
  assert_int_equal(
      pubrio_redeem_people_batch_and_wait(f->client, req, NULL, &res, &f->err),
      PUBRIO_E_SERVER);
  assert_null(f->err.redeem_query_id);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
  pubrio_batch_request_free(req);
}

/* Item 12: another batch's answer is not taken for this one. */
static void answer_for_another_batch_is_refused(void **state) {
  fixture *f = *state;
  script(f, QUERY_PATH, 200,
         "{\"data\":{\"query\":{\"redeem_query_id\":"
         "\"00000000-0000-4000-8000-0000000000ff\",\"is_completed\":true},"
         "\"peoples\":[]}}",
         NULL, NULL);
  pubrio_query_result *res = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_query(f->client, ID_OK, &res, &f->err),
      PUBRIO_E_PROTOCOL);
  assert_null(res);
  assert_non_null(strstr(f->err.message, "0000000000ff"));
  /* The same id in upper case is the same batch. */
  script(f, QUERY_PATH, 200,
         "{\"data\":{\"query\":{\"redeem_query_id\":"
         "\"00000000-0000-4000-8000-00000000000A\",\"is_completed\":true}}}",
         NULL, NULL);
  assert_int_equal(
      pubrio_redeem_people_batch_query(f->client, ID_OK, &res, &f->err),
      PUBRIO_OK);
  pubrio_query_result_free(res);
}

/* Item 13: one bad value does not cost a batch, nothing is cut silently. */
static void bad_text_becomes_replacement_characters(void **state) {
  fixture *f = *state;
  script(f, QUERY_PATH, 200,
         "{\"data\":{\"query\":{\"redeem_query_id\":\"" ID_OK "\","
         "\"is_completed\":true},\"peoples\":[{\"people_search_id\":"
         "\"540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11\",\"emails\":["
         "{\"value\":\"a\\ud800b\",\"type\":\"email-work\"},"
         "{\"value\":\"c\\u0000d\",\"type\":\"email-work\"},"
         "{\"value\":\"e\xff\xc0\xafz\",\"type\":\"email-work\"},"
         "{\"value\":\"\\ud83d\\ude00 \\\\u0000 ok\",\"type\":"
         "\"email-work\"}]}]}}",
         NULL, NULL);
  pubrio_query_result *res = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_query(f->client, ID_OK, &res, &f->err),
      PUBRIO_OK);
  const pubrio_person *p = pubrio_query_result_person(res, 0);
  assert_int_equal(p->email_count, 4);
  assert_string_equal(pubrio_person_email(p, 0)->value, "a\xEF\xBF\xBD"
                                                        "b");
  assert_string_equal(pubrio_person_email(p, 1)->value, "c\xEF\xBF\xBD"
                                                        "d");
  assert_string_equal(pubrio_person_email(p, 2)->value,
                      "e\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz");
  /* A proper pair and an escaped backslash are left alone. */
  assert_string_equal(pubrio_person_email(p, 3)->value,
                      "\xF0\x9F\x98\x80 \\u0000 ok");
  pubrio_query_result_free(res);
}

/* Item 14: an absurd Retry-After honoured up to an absurd cap neither
 * overflows nor sleeps past a wait's deadline. */
static void huge_retry_after_does_not_overflow(void **state) {
  fixture *f = *state;
  assert_int_equal(
      pubrio_client_set_max_retry_after(f->client, INT64_MAX, NULL), PUBRIO_OK);
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit_people(f, 0, 1, &job), PUBRIO_OK);
  script(f, QUERY_PATH, 429, "{}", "retry-after-ms", "9223372036854775807");
  pubrio_wait_options *o = NULL;
  pubrio_wait_options_new(&o, NULL);
  pubrio_wait_options_set_timeout(o, 5000, NULL);
  pubrio_query_result *res = NULL;
  assert_int_equal(pubrio_redeem_people_batch_wait(
                       f->client, job->redeem_query_id, o, &res, &f->err),
                   PUBRIO_E_RATE_LIMITED);
  assert_int_equal(f->clock.sleeps, 0);
  assert_true(f->err.retry_after_ms == INT64_MAX);
  pubrio_query_result_free(res);
  pubrio_wait_options_free(o);
  pubrio_batch_job_free(job);
}

/* A raw HTTP server on 127.0.0.1 that answers every request with
 * @p response: for answers libmicrohttpd will not produce. */
typedef struct raw_server {
  int fd;
  pthread_t thread;
  const char *response;
  size_t response_len;
  int answered;
  char url[64];
} raw_server;

static void *raw_serve(void *arg) {
  raw_server *s = arg;
  for (;;) {
    int c = accept(s->fd, NULL, NULL);
    if (c < 0)
      return NULL;
    char buf[4096];
    ssize_t n = recv(c, buf, sizeof buf, 0); /* the request, roughly */
    if (n > 0) {
      for (size_t sent = 0; sent < s->response_len;) {
        ssize_t w =
            send(c, s->response + sent, s->response_len - sent, MSG_NOSIGNAL);
        if (w <= 0)
          break;
        sent += (size_t)w;
      }
      s->answered++;
    }
    close(c);
  }
}

static void raw_server_start(raw_server *s, const char *response, size_t len) {
  s->response = response;
  s->response_len = len;
  s->answered = 0;
  s->fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t alen = sizeof addr;
  assert_int_equal(bind(s->fd, (struct sockaddr *)&addr, sizeof addr), 0);
  assert_int_equal(listen(s->fd, 8), 0);
  assert_int_equal(getsockname(s->fd, (struct sockaddr *)&addr, &alen), 0);
  snprintf(s->url, sizeof s->url, "http://127.0.0.1:%u", ntohs(addr.sin_port));
  assert_int_equal(pthread_create(&s->thread, NULL, raw_serve, s), 0);
}

static void raw_server_stop(raw_server *s) {
  shutdown(s->fd, SHUT_RDWR);
  close(s->fd);
  pthread_join(s->thread, NULL);
}

/* Item 11: a 1 MiB response header is the server's fault, not ours. */
static void huge_response_header_is_transport_error(void **state) {
  fixture *f = *state;
  size_t big = 1 << 20;
  char *resp = malloc(big + 256);
  int head = snprintf(resp, 256, "HTTP/1.1 200 OK\r\nX-Big: ");
  memset(resp + head, 'a', big);
  size_t len = (size_t)head + big;
  len += (size_t)sprintf(resp + len,
                         "\r\nContent-Length: 2\r\nConnection: close\r\n"
                         "\r\n{}");
  raw_server s;
  raw_server_start(&s, resp, len);
  assert_int_equal(pubrio_client_set_base_url(f->client, s.url, NULL),
                   PUBRIO_OK);
  pubrio_query_result *res = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_query(f->client, ID_OK, &res, &f->err),
      PUBRIO_E_TRANSPORT);
  assert_int_equal(f->err.attempts, 3); /* retried like any other failure */
  assert_non_null(strstr(f->err.message, "header is too large"));
  raw_server_stop(&s);
  free(resp);
}

static int64_t real_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct canceller {
  pubrio_client *client;
  int delay_ms;
} canceller;

static void *cancel_later(void *arg) {
  canceller *c = arg;
  struct timespec ts = {0, (long)c->delay_ms * 1000000L};
  nanosleep(&ts, NULL);
  pubrio_client_cancel(c->client);
  return NULL;
}

/* Item 7: a cancel from another thread cuts a hanging transfer. The client
 * here runs on the real clock: the point is real time. */
static void cancel_cuts_a_hanging_submit(void **state) {
  fixture *f = *state;
  pubrio_client *c = NULL;
  assert_int_equal(pubrio_client_new(&c, TEST_KEY, NULL), PUBRIO_OK);
  pubrio_client_set_base_url(c, fake_server_url(f->server), NULL);
  fake_reply r = {.path = SUBMIT_PATH, .status = 200, .delay_ms = 60000};
  fake_server_push_reply(f->server, &r);
  canceller k = {c, 150};
  pthread_t t;
  pthread_create(&t, NULL, cancel_later, &k);
  pubrio_batch_request *req = make_request(1, PUBRIO_CONTACT_PHONE);
  pubrio_batch_job *job = NULL;
  int64_t start = real_ms();
  assert_int_equal(pubrio_redeem_people_batch(c, req, &job, &f->err),
                   PUBRIO_E_CANCELLED);
  int64_t took = real_ms() - start;
  pthread_join(t, NULL);
  assert_true(took < 150 + 850); /* 100 ms on a quiet machine */
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
  /* Sticky until reset: the next call does not even start. */
  assert_int_equal(pubrio_redeem_people_batch(c, req, &job, &f->err),
                   PUBRIO_E_CANCELLED);
  assert_int_equal(f->err.attempts, 0);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
  pubrio_client_reset_cancel(c);
  assert_int_equal(pubrio_redeem_people_batch(c, req, &job, &f->err),
                   PUBRIO_OK);
  pubrio_batch_job_free(job);
  pubrio_batch_request_free(req);
  pubrio_client_free(c);
}

/* Item 7: a cancel also ends a retry's sleep (a 30 s Retry-After). */
static void cancel_ends_a_sleep(void **state) {
  fixture *f = *state;
  pubrio_client *c = NULL;
  assert_int_equal(pubrio_client_new(&c, TEST_KEY, NULL), PUBRIO_OK);
  pubrio_client_set_base_url(c, fake_server_url(f->server), NULL);
  script(f, QUERY_PATH, 429, "{}", "Retry-After", "30");
  canceller k = {c, 150};
  pthread_t t;
  pthread_create(&t, NULL, cancel_later, &k);
  pubrio_query_result *res = NULL;
  int64_t start = real_ms();
  assert_int_equal(
      pubrio_redeem_people_batch_wait(c, ID_OK, NULL, &res, &f->err),
      PUBRIO_E_CANCELLED);
  assert_true(real_ms() - start < 150 + 850);
  pthread_join(t, NULL);
  pubrio_client_free(c);
}

/* Item 7: each request's timeout is trimmed to the wait's deadline: a hung
 * server cannot hold a 300 ms wait for the client's 60 s timeout. */
static void hung_poll_ends_at_the_deadline(void **state) {
  fixture *f = *state;
  pubrio_batch_job *job = NULL;
  assert_int_equal(submit_people(f, 0, 1, &job), PUBRIO_OK);
  fake_reply r = {.path = QUERY_PATH, .status = 200, .delay_ms = 60000};
  fake_server_push_reply(f->server, &r);
  pubrio_wait_options *o = NULL;
  pubrio_wait_options_new(&o, NULL);
  pubrio_wait_options_set_timeout(o, 300, NULL);
  pubrio_wait_options_set_delays(o, 100, 100, NULL);
  pubrio_query_result *res = NULL;
  int64_t start = real_ms();
  assert_int_equal(pubrio_redeem_people_batch_wait(
                       f->client, job->redeem_query_id, o, &res, &f->err),
                   PUBRIO_E_WAIT_TIMEOUT);
  assert_true(real_ms() - start < 300 + 700);
  assert_null(res);
  pubrio_wait_options_free(o);
  pubrio_batch_job_free(job);
}

/* Item 14: a base URL ending in a bare '#' or '?' is refused. */
static void bare_fragment_or_query_is_refused(void **state) {
  fixture *f = *state;
  const char *bad[] = {"http://127.0.0.1:1/#", "http://127.0.0.1:1/?",
                       "http://127.0.0.1:1#", "http://127.0.0.1:1/a?#"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(pubrio_client_set_base_url(f->client, bad[i], &f->err),
                     PUBRIO_E_INVALID_ARGUMENT);
}

typedef struct log_capture {
  char lines[64][8192];
  int count;
} log_capture;

static void capture_log(pubrio_log_level level, const char *message,
                        void *userdata) {
  (void)level;
  log_capture *c = userdata;
  if (c->count < 64)
    snprintf(c->lines[c->count++], sizeof c->lines[0], "%s", message);
}

/* Item 9: a body echoing the key across the log's 4096-byte cut, or as
 * JSON \u escapes, leaves no 8-character piece of it in any log line. */
static void debug_logs_never_hold_a_piece_of_the_key(void **state) {
  fixture *f = *state;
  const char *key = "log-check-key-0123456789";
  pubrio_client *c = NULL;
  assert_int_equal(pubrio_client_new(&c, key, NULL), PUBRIO_OK);
  pubrio_client_set_base_url(c, fake_server_url(f->server), NULL);
  pubrio_client_set_retry(c, 1, 0, 0, NULL);
  static log_capture logs;
  memset(&logs, 0, sizeof logs);
  pubrio_client_set_log(c, PUBRIO_LOG_DEBUG, capture_log, &logs, NULL);
  static char straddling[8192];
  int n = snprintf(straddling, sizeof straddling, "{\"error\":\"");
  memset(straddling + n, 'x', 4096 - 30);
  snprintf(straddling + 4096 - 30 + n, sizeof straddling - 4096, "%s\"}", key);
  script(f, SUBMIT_PATH, 500, straddling, NULL, NULL);
  char escaped[512] = "{\"error\":\"";
  for (const char *k = key; *k; k++)
    snprintf(escaped + strlen(escaped), sizeof escaped - strlen(escaped),
             "\\u%04x", (unsigned char)*k);
  strcat(escaped, "\"}");
  script(f, SUBMIT_PATH, 500, escaped, NULL, NULL);
  pubrio_batch_request *req = make_request(1, PUBRIO_CONTACT_PHONE);
  pubrio_batch_job *job = NULL;
  for (int i = 0; i < 2; i++)
    assert_int_equal(pubrio_redeem_people_batch(c, req, &job, &f->err),
                     PUBRIO_E_SERVER);
  assert_true(logs.count > 4);
  size_t klen = strlen(key);
  for (int i = 0; i < logs.count; i++)
    for (size_t k = 0; k + 8 <= klen; k++) {
      char piece[9];
      memcpy(piece, key + k, 8);
      piece[8] = '\0';
      if (strstr(logs.lines[i], piece))
        fail_msg("log line %d holds \"%s\": %.200s", i, piece, logs.lines[i]);
    }
  pubrio_batch_request_free(req);
  pubrio_client_free(c);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(dead_keepalive_submit_is_sent_once),
      T(dead_keepalive_query_is_resent),
      T(submit_state_follows_the_answer),
      T(uncertain_sticks_across_attempts),
      T(odd_optional_fields_keep_the_id),
      T(long_estimate_is_not_slept_on),
      T(and_wait_failure_returns_the_id_as_data),
      T(answer_for_another_batch_is_refused),
      T(bad_text_becomes_replacement_characters),
      T(huge_retry_after_does_not_overflow),
      T(huge_response_header_is_transport_error),
      T(cancel_cuts_a_hanging_submit),
      T(cancel_ends_a_sleep),
      T(hung_poll_ends_at_the_deadline),
      T(bare_fragment_or_query_is_refused),
      T(debug_logs_never_hold_a_piece_of_the_key),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
