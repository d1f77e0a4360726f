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

void journal_path_new(char out[64], const char *tag) {
  snprintf(out, 64, "/tmp/pubrio-%s-%d.db", tag, (int)getpid());
  journal_remove(out);
}

void journal_remove(const char *path) {
  char side[80];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
}
