/* Allocation-failure torture, as libcurl's test suite runs it: count every
 * allocation the library and cJSON make during a call (the library's
 * through pubrio_set_allocator, cJSON's through cJSON_InitHooks), then run
 * the call again once per allocation, failing exactly that one. Every run
 * must end in PUBRIO_OK or PUBRIO_E_OUT_OF_MEMORY (never a contract error
 * for a valid answer), leak nothing (ASan, valgrind), keep a paid batch's
 * id, and the server must never see a person submitted twice. libcurl's own
 * allocations are not failed (curl_global_init_mem would; libcurl has its
 * own torture tests).
 * The fake server runs as a separate process, so its allocations (and its
 * cJSON) are not counted. */
#include "test_support.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static long counted; /* allocations seen while counting */
static long fail_at; /* this one fails; 0: none */
static int counting; /* only during the call under test */

static void *torture_malloc(size_t size) {
  if (counting && ++counted == fail_at) {
    errno = ENOMEM;
    return NULL;
  }
  return malloc(size);
}

static void *torture_realloc(void *ptr, size_t size) {
  if (counting && ++counted == fail_at) {
    errno = ENOMEM;
    return NULL;
  }
  return realloc(ptr, size);
}

static void torture_free(void *ptr) { free(ptr); }

/* ---- the fake server, in its own process ------------------------------ */

static pid_t server_pid;
static char server_url[128];

static void start_server(void) {
  const char *binary = getenv("PUBRIO_FAKE_SERVER");
  assert_non_null(binary);
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  server_pid = fork();
  assert_true(server_pid >= 0);
  if (server_pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    execl(binary, binary, "--estimated-time", "0", "--complete-after-polls",
          "1", (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  FILE *out = fdopen(fds[0], "r");
  assert_non_null(fgets(server_url, sizeof server_url, out));
  server_url[strcspn(server_url, "\n")] = '\0';
  fclose(out);
}

static void stop_server(void) {
  kill(server_pid, SIGTERM);
  waitpid(server_pid, NULL, 0);
}

static size_t on_stats(char *data, size_t size, size_t n, void *userdata) {
  strncat(userdata, data, size * n < 4000 ? size * n : 4000);
  return size * n;
}

/* A number from the server's /_fake/stats. */
static long server_stat(const char *name) {
  char body[8192] = "", url[200];
  snprintf(url, sizeof url, "%s/_fake/stats", server_url);
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_stats);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
  assert_int_equal(curl_easy_perform(c), CURLE_OK);
  curl_easy_cleanup(c);
  cJSON *root = cJSON_Parse(body);
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, name);
  long v = cJSON_IsNumber(item) ? (long)item->valuedouble : -1;
  cJSON_Delete(root);
  return v;
}

/* ---- the calls under test ---------------------------------------------- */

static pubrio_client *new_client(void) {
  pubrio_client *c = NULL;
  assert_int_equal(pubrio_client_new(&c, TEST_KEY, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_client_set_base_url(c, server_url, NULL), PUBRIO_OK);
  return c;
}

static int run_number;

/* A request for people no earlier run submitted. */
static pubrio_batch_request *fresh_request(void) {
  pubrio_batch_request *req = NULL;
  pubrio_batch_request_new(&req, NULL);
  for (int i = 0; i < 3; i++) {
    char id[PUBRIO_ID_LEN + 1];
    snprintf(id, sizeof id, "40000000-0000-4000-8000-%06d%06d", run_number, i);
    assert_int_equal(pubrio_batch_request_add_person(req, id, NULL), PUBRIO_OK);
  }
  pubrio_batch_request_add_contact_types(
      req, PUBRIO_CONTACT_EMAIL_WORK | PUBRIO_CONTACT_PHONE, NULL);
  run_number++;
  return req;
}

/* A submitted batch's id (submitted without counting). */
static void submitted_batch(pubrio_client *c, char id[PUBRIO_ID_LEN + 1]) {
  pubrio_batch_request *req = fresh_request();
  pubrio_batch_job *job = NULL;
  assert_int_equal(pubrio_redeem_people_batch(c, req, &job, NULL), PUBRIO_OK);
  memcpy(id, job->redeem_query_id, PUBRIO_ID_LEN + 1);
  pubrio_batch_job_free(job);
  pubrio_batch_request_free(req);
}

typedef enum scenario {
  SUBMIT,
  QUERY,
  WAIT,
  SUBMIT_AND_WAIT,
  PROFILE,
  USAGE,
  PERSON
} scenario;
static const char *const names[] = {"submit",          "query",   "wait",
                                    "submit and wait", "profile", "usage",
                                    "single redeem"};

/* One run of @p s, failing allocation @p fail (0: none); returns the
 * allocations counted. */
static long run(scenario s, long fail) {
  pubrio_client *c = new_client();
  pubrio_wait_options *o = NULL;
  pubrio_wait_options_new(&o, NULL);
  pubrio_wait_options_set_delays(o, 1, 1, NULL);
  char id[PUBRIO_ID_LEN + 1] = "";
  if (s == QUERY || s == WAIT)
    submitted_batch(c, id);
  pubrio_batch_request *req = fresh_request();
  char person[PUBRIO_ID_LEN + 1]; /* a fresh one for the single redeem */
  snprintf(person, sizeof person, "50000000-0000-4000-8000-%012d", run_number);
  pubrio_profile *profile = NULL;
  pubrio_usage *usage = NULL;
  long submits_before = server_stat("people_submitted");
  pubrio_error err = {0};
  pubrio_batch_job *job = NULL;
  pubrio_query_result *res = NULL;
  pubrio_status st = PUBRIO_OK;
  counted = 0;
  fail_at = fail;
  counting = 1;
  switch (s) {
  case SUBMIT: st = pubrio_redeem_people_batch(c, req, &job, &err); break;
  case QUERY: st = pubrio_redeem_people_batch_query(c, id, &res, &err); break;
  case WAIT: st = pubrio_redeem_people_batch_wait(c, id, o, &res, &err); break;
  case SUBMIT_AND_WAIT:
    st = pubrio_redeem_people_batch_and_wait(c, req, o, &res, &err);
    break;
  case PROFILE: st = pubrio_profile_get(c, -1, &profile, &err); break;
  case USAGE: st = pubrio_usage_get(c, -1, &usage, &err); break;
  case PERSON:
    st = pubrio_redeem_person(c, person, NULL, PUBRIO_CONTACT_PHONE, -1, &res,
                              &err);
    break;
  }
  counting = 0;
  if (st != PUBRIO_OK && st != PUBRIO_E_OUT_OF_MEMORY)
    fail_msg("%s, allocation %ld failed: status %s: %s", names[s], fail,
             pubrio_status_str(st), err.message);
  if (fail == 0)
    assert_int_equal(st, PUBRIO_OK);
  /* The credit-safety rules hold under memory failure too. */
  int processed = server_stat("people_submitted") > submits_before;
  if (st != PUBRIO_OK && processed &&
      (s == SUBMIT || s == SUBMIT_AND_WAIT || s == PERSON))
    assert_true(err.submit_state == PUBRIO_SUBMIT_UNCERTAIN ||
                err.submit_state == PUBRIO_SUBMIT_ACCEPTED);
  if (err.submit_state == PUBRIO_SUBMIT_ACCEPTED)
    assert_non_null(err.redeem_query_id); /* the paid batch is never lost */
  if (st == PUBRIO_OK && s != SUBMIT && s != PROFILE && s != USAGE)
    assert_true(res->query->is_completed || s == QUERY);
  if (st == PUBRIO_OK && s == PROFILE)
    assert_int_equal(profile->email_price, 1);
  if (st == PUBRIO_OK && s == USAGE)
    assert_non_null(usage->last_refreshed);
  pubrio_profile_free(profile);
  pubrio_usage_free(usage);
  pubrio_batch_job_free(job);
  pubrio_query_result_free(res);
  pubrio_error_clear(&err);
  pubrio_batch_request_free(req);
  pubrio_wait_options_free(o);
  pubrio_client_free(c);
  return counted;
}

static void every_allocation_fails_cleanly(void **state) {
  (void)state;
  for (scenario s = SUBMIT; s <= PERSON; s++) {
    long total = run(s, 0);
    assert_true(total > 0);
    for (long k = 1; k <= total; k++)
      run(s, k);
    printf("torture: %s: %ld allocation points, each failed once: OK or "
           "out of memory every time\n",
           names[s], total);
  }
  assert_int_equal(server_stat("max_submits_per_person"), 1);
}

int main(void) {
  assert_int_equal(
      pubrio_set_allocator(torture_malloc, torture_realloc, torture_free),
      PUBRIO_OK);
  cJSON_Hooks hooks = {torture_malloc, torture_free};
  cJSON_InitHooks(&hooks);
  start_server();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_allocation_fails_cleanly),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  stop_server();
  return rc;
}
