/* Shared by the integration tests: a fake server per test, a client aimed at
 * it, and an injected clock so retries and waits take no real time. */
#ifndef PUBRIO_TEST_SUPPORT_H
#define PUBRIO_TEST_SUPPORT_H

/* cmocka needs these three first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "fake_server.h"
#include "pubrio/pubrio.h"

#define TEST_KEY "test-key"

/* A clock that only moves when slept on. */
typedef struct fake_clock {
  int64_t now;
  int sleeps;
  int64_t slept[256];
  int64_t slept_total;
} fake_clock;

typedef struct fixture {
  fake_server *server;
  pubrio_client *client;
  fake_clock clock;
  pubrio_error err;
} fixture;

/* Start a server with @p options (NULL: defaults) and a client with the fake
 * clock and no delay jitter. */
fixture *fixture_new(const fake_server_options *options);
void fixture_free(fixture *f);

/* The body of request @p index, as received (caller frees). */
char *received_body(fixture *f, size_t index);

/* Build a request of @p count ids from the fixed test ids and @p types. */
pubrio_batch_request *make_request(size_t count, unsigned types);
extern const char *const TEST_IDS[];
extern const size_t TEST_ID_COUNT;

/* A journal path of this process under /tmp (@p tag names the test), with
 * nothing at it yet; journal_remove() removes it and its WAL. Built with
 * PUBRIO_TEST_POSTGRESQL (a test's _postgresql variant), the journal is
 * instead a connection URI to PUBRIO_TEST_PG_URI's database with a fresh
 * schema of its own, which journal_remove() drops; without that variable
 * such a test exits 77 (skipped: no PostgreSQL). */
#define JOURNAL_PATH_MAX 512
void journal_path_new(char out[JOURNAL_PATH_MAX], const char *tag);
void journal_remove(const char *path);

/* Push one scripted reply. */
void script(fixture *f, const char *path, int status, const char *body,
            const char *header_name, const char *header_value);

#define SUBMIT_PATH "/redeem/people/batch"
#define QUERY_PATH "/redeem/people/batch/query"

#endif
