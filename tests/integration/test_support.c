#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const TEST_IDS[] = {
    "540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11",
    "0a9b7c6d-1e2f-4a5b-8c7d-6e5f4a3b2c1d",
    "11111111-2222-4333-8444-555555555555",
    "abcdefab-cdef-4abc-8def-abcdefabcdef",
    "deadbeef-0000-4000-8000-000000000001",
    "deadbeef-0000-4000-8000-000000000002",
    "deadbeef-0000-4000-8000-000000000003",
    "deadbeef-0000-4000-8000-000000000011", /* no contacts */
};
const size_t TEST_ID_COUNT = sizeof TEST_IDS / sizeof *TEST_IDS;

static int64_t clock_now(void *userdata) {
  return ((fake_clock *)userdata)->now;
}

static void clock_sleep(int64_t ms, void *userdata) {
  fake_clock *c = userdata;
  if (c->sleeps < 256)
    c->slept[c->sleeps] = ms;
  c->sleeps++;
  c->slept_total += ms;
  c->now += ms;
}

static double no_jitter(void *userdata) {
  (void)userdata;
  return 0.0;
}

fixture *fixture_new(const fake_server_options *options) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  f->server = fake_server_start(options);
  assert_non_null(f->server);
  assert_int_equal(pubrio_client_new(&f->client, TEST_KEY, &f->err), PUBRIO_OK);
  assert_int_equal(pubrio_client_set_base_url(
                       f->client, fake_server_url(f->server), &f->err),
                   PUBRIO_OK);
  assert_int_equal(pubrio_client_set_clock(f->client, clock_now, clock_sleep,
                                           no_jitter, &f->clock, &f->err),
                   PUBRIO_OK);
  f->clock.now = 1000000;
  return f;
}

void fixture_free(fixture *f) {
  pubrio_client_free(f->client);
  fake_server_stop(f->server);
  pubrio_error_clear(&f->err);
  free(f);
}

char *received_body(fixture *f, size_t index) {
  fake_request r;
  assert_int_equal(fake_server_request(f->server, index, &r), 0);
  char *body = r.body;
  r.body = NULL;
  fake_request_clear(&r);
  return body;
}

pubrio_batch_request *make_request(size_t count, unsigned types) {
  pubrio_batch_request *req = NULL;
  assert_int_equal(pubrio_batch_request_new(&req, NULL), PUBRIO_OK);
  assert_true(count <= TEST_ID_COUNT);
  assert_int_equal(pubrio_batch_request_add_people(req, TEST_IDS, count, NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_batch_request_add_contact_types(req, types, NULL),
                   PUBRIO_OK);
  return req;
}

void script(fixture *f, const char *path, int status, const char *body,
            const char *header_name, const char *header_value) {
  fake_reply r = {0};
  r.path = path;
  r.status = status;
  r.body = body;
  r.header_name = header_name;
  r.header_value = header_value;
  fake_server_push_reply(f->server, &r);
}

#ifdef PUBRIO_TEST_POSTGRESQL
#include <libpq-fe.h>

/* The _postgresql variant of a test: its journals on the database
 * PUBRIO_TEST_PG_URI names (scripts/test.sh postgresql starts one). */
__attribute__((constructor)) static void need_postgresql(void) {
  if (!getenv("PUBRIO_TEST_PG_URI") || !*getenv("PUBRIO_TEST_PG_URI")) {
    printf("skipped: no PostgreSQL (set PUBRIO_TEST_PG_URI, or run "
           "scripts/test.sh postgresql)\n");
    exit(77);
  }
}

/* @p sql (naming only a schema this process made) on the test database. */
static void pg_admin(const char *sql) {
  PGconn *c = PQconnectdb(getenv("PUBRIO_TEST_PG_URI"));
  if (PQstatus(c) != CONNECTION_OK)
    fail_msg("PUBRIO_TEST_PG_URI: %s", PQerrorMessage(c));
  PQclear(PQexec(c, "SET client_min_messages = warning"));
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK)
    fail_msg("%s: %s", sql, PQerrorMessage(c));
  PQclear(r);
  PQfinish(c);
}

void journal_path_new(char out[JOURNAL_PATH_MAX], const char *tag) {
  static int made;
  const char *base = getenv("PUBRIO_TEST_PG_URI");
  char schema[64], sql[200];
  snprintf(schema, sizeof schema, "t_%s_%d_%d", tag, (int)getpid(), ++made);
  snprintf(sql, sizeof sql,
           "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", schema,
           schema);
  pg_admin(sql);
  int n = snprintf(out, JOURNAL_PATH_MAX, "%s%soptions=-csearch_path%%3D%s",
                   base, strchr(base, '?') ? "&" : "?", schema);
  assert_true(n > 0 && n < JOURNAL_PATH_MAX);
}

void journal_remove(const char *path) {
  const char *schema = strstr(path, "search_path%3D");
  char sql[160];
  if (!schema)
    return;
  snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %.64s CASCADE",
           schema + strlen("search_path%3D"));
  pg_admin(sql);
}
#else
void journal_path_new(char out[JOURNAL_PATH_MAX], const char *tag) {
  snprintf(out, JOURNAL_PATH_MAX, "/tmp/pubrio-%s-%d.db", tag, (int)getpid());
  journal_remove(out);
}

void journal_remove(const char *path) {
  char side[JOURNAL_PATH_MAX + 16];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
}
#endif
