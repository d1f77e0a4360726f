/* 8 threads, each with its own client, 200 calls each against one server:
 * no shared state in the library may break (run under TSan in CI). */
/* cmocka needs these three first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "test_support.h"

#include <pthread.h>
#include <stdlib.h>

enum { THREADS = 8, CALLS = 200 };

typedef struct worker {
  const char *url;
  int ok;
} worker;

static void *run(void *arg) {
  worker *w = arg;
  pubrio_client *c = NULL;
  pubrio_error err = {0};
  if (pubrio_client_new(&c, TEST_KEY, &err) != PUBRIO_OK ||
      pubrio_client_set_base_url(c, w->url, &err) != PUBRIO_OK)
    return NULL;
  pubrio_batch_request *req = make_request(2, PUBRIO_CONTACT_EMAIL_WORK);
  for (int i = 0; i < CALLS; i++) {
    pubrio_batch_job *job = NULL;
    if (pubrio_redeem_people_batch(c, req, &job, &err) == PUBRIO_OK &&
        job->redeem_query_id)
      w->ok++;
    pubrio_batch_job_free(job);
  }
  pubrio_batch_request_free(req);
  pubrio_client_free(c);
  pubrio_error_clear(&err);
  return NULL;
}

static void eight_clients_in_parallel(void **state) {
  (void)state;
  fake_server *server = fake_server_start(NULL);
  assert_non_null(server);
  pthread_t threads[THREADS];
  worker workers[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i] = (worker){fake_server_url(server), 0};
    assert_int_equal(pthread_create(&threads[i], NULL, run, &workers[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    assert_int_equal(workers[i].ok, CALLS);
  }
  assert_int_equal(fake_server_request_count(server, SUBMIT_PATH),
                   THREADS * CALLS);
  fake_server_stop(server);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(eight_clients_in_parallel),
  };
  return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}
