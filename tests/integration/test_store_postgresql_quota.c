/* What every run on a PostgreSQL journal shares against a real PostgreSQL:
 * one quota (store_postgresql_quota.c) and one credit budget (the intent's
 * check in store_postgresql.c). PUBRIO_TEST_PG_URI names a database the
 * test may create a schema in (scripts/test.sh's postgresql stage starts a
 * throwaway cluster); without it the test is skipped. The database's clock
 * is the quota's: windows of a minute, so nothing waits in real time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "store.h"
#include "store_postgresql_quota.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char schema[64];

/* A connection whose tables are this test's own schema. */
static PGconn *connect_to_schema(void) {
  PGconn *conn = PQconnectdb(getenv("PUBRIO_TEST_PG_URI"));
  assert_int_equal(PQstatus(conn), CONNECTION_OK);
  char sql[256];
  snprintf(sql, sizeof sql, "SET search_path TO %s", schema);
  PGresult *res = PQexec(conn, sql);
  assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
  PQclear(res);
  return conn;
}

static int setup(void **state) {
  (void)state;
  static int n;
  snprintf(schema, sizeof schema, "pubrio_quota_test_%d_%d", (int)getpid(),
           n++);
  PGconn *conn = PQconnectdb(getenv("PUBRIO_TEST_PG_URI"));
  if (PQstatus(conn) != CONNECTION_OK) {
    PQfinish(conn);
    return -1;
  }
  char sql[256];
  snprintf(sql, sizeof sql, "CREATE SCHEMA %s; SET search_path TO %s", schema,
           schema);
  PGresult *res = PQexec(conn, sql);
  int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  PQclear(res);
  res = PQexec(conn, pri_pg_quota_schema_sql);
  ok = ok && PQresultStatus(res) == PGRES_COMMAND_OK;
  PQclear(res);
  PQfinish(conn);
  return ok ? 0 : -1;
}

/* A schema of its own with nothing in it, for a whole store. */
static int setup_empty(void **state) {
  (void)state;
  static int n;
  snprintf(schema, sizeof schema, "pubrio_budget_test_%d_%d", (int)getpid(),
           n++);
  PGconn *conn = PQconnectdb(getenv("PUBRIO_TEST_PG_URI"));
  char sql[256];
  snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
  PGresult *res = PQexec(conn, sql);
  int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  PQclear(res);
  PQfinish(conn);
  return ok ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  PGconn *conn = PQconnectdb(getenv("PUBRIO_TEST_PG_URI"));
  char sql[256];
  snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", schema);
  PQclear(PQexec(conn, sql));
  PQfinish(conn);
  return 0;
}

static int take(PGconn *conn, const pri_store_window *w, size_t n,
                int64_t *wait) {
  char message[256] = "";
  int r = pri_pg_quota_take(conn, w, n, wait, message, sizeof message);
  if (r < 0)
    fail_msg("quota take failed: %s", message);
  return r;
}

/* A window's limit is taken exactly, then the next start waits for the
 * oldest to leave the window; a second, roomier window does not hide the
 * tighter one. */
static void the_limit_is_taken_then_the_next_start_waits(void **state) {
  (void)state;
  PGconn *conn = connect_to_schema();
  const pri_store_window w[2] = {{100, 3600000}, {5, 60000}};
  int64_t wait = -1;
  for (int i = 0; i < 5; i++) {
    assert_int_equal(take(conn, w, 2, &wait), 0);
    assert_int_equal(wait, 0);
  }
  assert_int_equal(take(conn, w, 2, &wait), 1);
  assert_true(wait > 59000 && wait <= 60000);
  PQfinish(conn);
}

/* A 429 one run meets holds every run; a shorter pause never shortens a
 * longer one. */
static void a_pause_holds_every_run(void **state) {
  (void)state;
  PGconn *one = connect_to_schema(), *other = connect_to_schema();
  const pri_store_window w[1] = {{1000, 60000}};
  char message[256];
  int64_t wait = 0;
  assert_int_equal(pri_pg_quota_pause(one, 30000, message, sizeof message), 0);
  assert_int_equal(pri_pg_quota_pause(one, 1000, message, sizeof message), 0);
  assert_int_equal(take(other, w, 1, &wait), 1);
  assert_true(wait > 28000 && wait <= 30000);
  PQfinish(one);
  PQfinish(other);
}

enum { TAKERS = 4, TRIES = 40, LIMIT = 25 };

static void *taker(void *arg) {
  int *taken = arg;
  PGconn *conn = connect_to_schema();
  const pri_store_window w[1] = {{LIMIT, 60000}};
  for (int i = 0; i < TRIES; i++) {
    int64_t wait = 0;
    char message[256];
    int r = pri_pg_quota_take(conn, w, 1, &wait, message, sizeof message);
    if (r == 0)
      (*taken)++;
    else if (r < 0)
      *taken = -1000;
  }
  PQfinish(conn);
  return NULL;
}

/* Four runs racing for the same window: exactly its limit is taken, never
 * one more. */
static void runs_racing_take_exactly_the_limit(void **state) {
  (void)state;
  pthread_t threads[TAKERS];
  int taken[TAKERS] = {0};
  for (int i = 0; i < TAKERS; i++)
    assert_int_equal(pthread_create(&threads[i], NULL, taker, &taken[i]), 0);
  int total = 0;
  for (int i = 0; i < TAKERS; i++) {
    pthread_join(threads[i], NULL);
    total += taken[i];
  }
  assert_int_equal(total, LIMIT);
}

/* The store on this test's schema. */
static pri_store *open_store(void) {
  const char *base = getenv("PUBRIO_TEST_PG_URI");
  char uri[512];
  snprintf(uri, sizeof uri, "%s%soptions=-csearch_path%%3D%s", base,
           strchr(base, '?') ? "&" : "?", schema);
  pri_store *s = NULL;
  pubrio_error err = PUBRIO_ERROR_INIT;
  assert_int_equal(pri_store_open(&s, uri, 0, &err), PUBRIO_OK);
  pubrio_error_clear(&err);
  assert_int_equal(pri_store_begin_run(s, PUBRIO_CONTACT_PHONE, 0, 0), 0);
  return s;
}

static int intent(pri_store *s, int number, uint8_t who, int64_t worst,
                  int64_t cap) {
  uint8_t person[1][16] = {{who}};
  return pri_store_intent(s, number, PUBRIO_CONTACT_PHONE, 0, 0,
                          (const uint8_t(*)[16])person, 1, NULL, worst, cap);
}

/* An intent is refused, nothing written, when every run's charges and
 * open worst cases (intents and accepted batches at their own worst,
 * lookups asked without an answer at 1) plus its own worst would pass the
 * cap; a refused batch frees its worst; no cap, no check. */
static void the_budget_counts_every_open_worst_case(void **state) {
  (void)state;
  pri_store *s = open_store();
  assert_int_equal(intent(s, 1, 1, 60, 100), 0);
  assert_int_equal(intent(s, 2, 2, 41, 100), PRI_STORE_OVER_BUDGET);
  assert_int_equal(intent(s, 2, 2, 40, 100), 0); /* 2 was not written */
  assert_int_equal(pri_store_accepted(s, 2, PUBRIO_CONTACT_PHONE,
                                      "00000000-0000-4000-8000-000000000002"),
                   0);
  assert_int_equal(intent(s, 3, 3, 1, 100), PRI_STORE_OVER_BUDGET);
  assert_int_equal(pri_store_refused(s, 1, PUBRIO_CONTACT_PHONE), 0);
  pri_stored_lookup asked = {.key = "e:ann@acme.io",
                             .state = PRI_STORED_LOOKUP_ASKED};
  assert_int_equal(pri_store_lookups_record(s, &asked, 1), 0);
  assert_int_equal(intent(s, 3, 3, 60, 100), PRI_STORE_OVER_BUDGET);
  assert_int_equal(intent(s, 3, 3, 59, 100), 0); /* 40 + 1 + 59 */
  assert_int_equal(intent(s, 4, 4, 1000, -1), 0);
  pri_store_close(s);
}

int main(void) {
  if (!getenv("PUBRIO_TEST_PG_URI")) {
    printf("skipped: no PostgreSQL (PUBRIO_TEST_PG_URI unset)\n");
    return 77;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(
          the_limit_is_taken_then_the_next_start_waits, setup, teardown),
      cmocka_unit_test_setup_teardown(a_pause_holds_every_run, setup, teardown),
      cmocka_unit_test_setup_teardown(runs_racing_take_exactly_the_limit, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(the_budget_counts_every_open_worst_case,
                                      setup_empty, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
