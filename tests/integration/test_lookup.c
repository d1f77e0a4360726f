/* The contact lookup over real HTTP to the fake server's directory: each
 * match mapped back to its own entry by the input it names (the fake
 * answers in reverse order), entries that could give the same input put in
 * different requests, misses, similarity opt-in, the size-400 split, and
 * the submit's credit rules (sent once, a lost answer uncertain and never
 * resent, a 429 waited for). */
#include "test_support.h"

#include "fake_lookup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOKUP_PATH "/redeem/people/contact/lookup"
#define BATCH_PATH "/redeem/people/contact/lookup/batch"

static int setup(void **state) {
  *state = fixture_new(NULL);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  return 0;
}

/* Directory people by name. */
static const char *id_of(const char *first) {
  for (int i = 0; i < FAKE_LOOKUP_DIRECTORY_SIZE; i++)
    if (strcmp(FAKE_LOOKUP_DIRECTORY[i].first, first) == 0)
      return FAKE_LOOKUP_DIRECTORY[i].id;
  fail_msg("no %s in the directory", first);
  return NULL;
}

/* One entry; fields in pairs (field, value), ended by -1. */
static void add(pubrio_lookup_request *req, const int *fields,
                const char *const *values) {
  size_t index;
  assert_int_equal(pubrio_lookup_request_add_entry(req, &index, NULL),
                   PUBRIO_OK);
  pubrio_error err = {0};
  for (int i = 0; fields[i] >= 0; i++)
    if (pubrio_lookup_request_set(req, index, (pubrio_lookup_field)fields[i],
                                  values[i], &err) != PUBRIO_OK)
      fail_msg("entry %zu: %s", index, err.message);
  pubrio_error_clear(&err);
}

static void add_email(pubrio_lookup_request *req, const char *email) {
  add(req, (int[]){PUBRIO_LOOKUP_EMAIL, -1}, (const char *[]){email});
}

static void add_phone(pubrio_lookup_request *req, const char *phone) {
  add(req, (int[]){PUBRIO_LOOKUP_PHONE, -1}, (const char *[]){phone});
}

static void add_name_at(pubrio_lookup_request *req, const char *first,
                        const char *last, pubrio_lookup_field where,
                        const char *value) {
  add(req,
      (int[]){PUBRIO_LOOKUP_FIRST_NAME, PUBRIO_LOOKUP_LAST_NAME, (int)where,
              -1},
      (const char *[]){first, last, value});
}

static pubrio_lookup_request *new_request(void) {
  pubrio_lookup_request *req = NULL;
  assert_int_equal(pubrio_lookup_request_new(&req, NULL), PUBRIO_OK);
  return req;
}

static const pubrio_lookup_answer *answer(const pubrio_lookup_result *res,
                                          size_t i) {
  const pubrio_lookup_answer *a = pubrio_lookup_result_answer(res, i);
  assert_non_null(a);
  return a;
}

static void assert_found(const pubrio_lookup_result *res, size_t i,
                         const char *first, pubrio_lookup_confidence how) {
  const pubrio_lookup_answer *a = answer(res, i);
  if (a->outcome != PUBRIO_LOOKUP_FOUND)
    fail_msg("entry %zu: outcome %d (%s), want found", i, a->outcome,
             a->reason ? a->reason : "");
  assert_string_equal(a->people_search_id, id_of(first));
  assert_string_equal(a->first_name, first);
  assert_int_equal(a->confidence, how);
}

/* How many entries request @p index carried. */
static int entries_sent(fixture *f, size_t index) {
  char *body = received_body(f, index);
  int n = 0;
  for (const char *p = body; (p = strchr(p, '{')); p++)
    n++;
  free(body);
  return n - 1; /* the body's own object */
}

/* Item 3: the fake answers in reverse order with only the identifier
 * that matched, normalized its own way; each still lands on its entry. */
static void shuffled_batch_answers_map_to_their_entries(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_email(req, "  King.Lai@PUBRIO.com ");
  add_phone(req, "+1 (555) 010-0002");
  add_email(req, "missing.person@people.example");
  add_email(req, "chris.wu@globex.com");
  add_phone(req, "+44 20 7946 0001");
  int64_t before = fake_server_credit(f->server);
  pubrio_lookup_result *res = NULL;
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_OK);
  assert_found(res, 0, "King", PUBRIO_LOOKUP_EXACT);
  assert_found(res, 1, "John", PUBRIO_LOOKUP_EXACT);
  assert_int_equal(answer(res, 2)->outcome, PUBRIO_LOOKUP_NOT_FOUND);
  assert_null(answer(res, 2)->people_search_id);
  assert_found(res, 3, "Chris", PUBRIO_LOOKUP_EXACT);
  assert_found(res, 4, "Ann", PUBRIO_LOOKUP_EXACT);
  assert_string_equal(answer(res, 1)->input_type, "phone");
  assert_string_equal(answer(res, 1)->input_value, "+15550100002");
  assert_int_equal(answer(res, 0)->credits, 1);
  assert_int_equal(answer(res, 2)->credits, 0);
  int64_t charged;
  size_t requests;
  pubrio_lookup_result_totals(res, &charged, &requests);
  assert_int_equal(charged, 4);
  assert_int_equal(requests, 1);
  assert_int_equal(before - fake_server_credit(f->server), 4);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 1);
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(req);
}

/* Two people at one domain (a URL and a bare domain) and two at one
 * company (spelled differently): no request may hold both of a pair. */
static void two_people_at_one_company_go_to_different_requests(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  assert_int_equal(pubrio_lookup_request_set_similarity(req, 1, NULL),
                   PUBRIO_OK);
  add_name_at(req, "John", "Smith", PUBRIO_LOOKUP_DOMAIN,
              "https://www.Example.com/team");
  add_name_at(req, "Jane", "Doe", PUBRIO_LOOKUP_DOMAIN, "example.com");
  add_name_at(req, "Ann", "Lee", PUBRIO_LOOKUP_COMPANY, "ACME   inc");
  add_name_at(req, "Bob", "Stone", PUBRIO_LOOKUP_COMPANY, "Acme Inc");
  pubrio_lookup_result *res = NULL;
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_OK);
  assert_found(res, 0, "John", PUBRIO_LOOKUP_SIMILARITY_DOMAIN);
  assert_found(res, 1, "Jane", PUBRIO_LOOKUP_SIMILARITY_DOMAIN);
  assert_found(res, 2, "Ann", PUBRIO_LOOKUP_SIMILARITY_COMPANY);
  assert_found(res, 3, "Bob", PUBRIO_LOOKUP_SIMILARITY_COMPANY);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 2);
  assert_int_equal(entries_sent(f, 0), 2);
  assert_int_equal(entries_sent(f, 1), 2);
  char *first = received_body(f, 0);
  assert_non_null(strstr(first, "\"domain\":\"example.com\"")); /* reduced */
  assert_non_null(strstr(first, "John"));
  assert_non_null(strstr(first, "Ann"));
  free(first);
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(req);
}

/* One email twice (spelled two ways): each in its own request, each
 * answered. */
static void an_email_twice_goes_to_two_requests(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_email(req, "king.lai@pubrio.com");
  add_email(req, "bob@acme.io");
  add_email(req, " KING.LAI@pubrio.com");
  pubrio_lookup_result *res = NULL;
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_OK);
  assert_found(res, 0, "King", PUBRIO_LOOKUP_EXACT);
  assert_found(res, 1, "Bob", PUBRIO_LOOKUP_EXACT);
  assert_found(res, 2, "King", PUBRIO_LOOKUP_EXACT);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 2);
  assert_int_equal(entries_sent(f, 0), 2);
  assert_int_equal(entries_sent(f, 1), 1);
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(req);
}

/* The single call: a match, and a miss that costs nothing. */
static void single_lookup_finds_and_misses(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_phone(req, "+61 2 9000 0001");
  pubrio_lookup_result *res = NULL;
  assert_int_equal(pubrio_lookup_person(f->client, req, &res, &f->err),
                   PUBRIO_OK);
  assert_found(res, 0, "Chris", PUBRIO_LOOKUP_EXACT);
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(req);
  req = new_request();
  add_email(req, "miss.me@people.example");
  int64_t before = fake_server_credit(f->server);
  assert_int_equal(pubrio_lookup_person(f->client, req, &res, &f->err),
                   PUBRIO_OK);
  assert_int_equal(answer(res, 0)->outcome, PUBRIO_LOOKUP_NOT_FOUND);
  assert_int_equal(fake_server_credit(f->server), before);
  assert_int_equal(fake_server_request_count(f->server, LOOKUP_PATH), 2);
  pubrio_lookup_result_free(res);
  /* One entry only: two are refused before sending. */
  add_email(req, "bob@acme.io");
  assert_int_equal(pubrio_lookup_person(f->client, req, &res, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_null(res);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
  pubrio_lookup_request_free(req);
}

/* Item 2: the answer lost after the API acted (charged): reported
 * uncertain, never resent, the entries after it not sent. */
static void an_uncertain_lookup_is_never_resent(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  assert_int_equal(pubrio_lookup_request_set_batch_size(req, 1, NULL),
                   PUBRIO_OK);
  add_email(req, "ann@acme.io");
  add_email(req, "bob@acme.io");
  add_email(req, "jane.doe@example.com");
  /* The first request answers (the connection stays open for the next,
   * which libcurl would resend on its own when it dies). */
  fake_reply r = {.path = BATCH_PATH,
                  .status = 200,
                  .fault = FAKE_FAULT_PROCESS_THEN_CLOSE};
  pubrio_lookup_request *warm = new_request();
  add_email(warm, "king.lai@pubrio.com");
  pubrio_lookup_result *res = NULL;
  assert_int_equal(pubrio_lookup_batch(f->client, warm, &res, &f->err),
                   PUBRIO_OK);
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(warm);
  int64_t before = fake_server_credit(f->server);
  fake_server_push_reply(f->server, &r);
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_E_TRANSPORT);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
  assert_int_equal(f->err.attempts, 1);
  assert_non_null(res); /* what became of each entry */
  assert_int_equal(answer(res, 0)->outcome, PUBRIO_LOOKUP_FAILED);
  assert_int_equal(answer(res, 0)->submit_state, PUBRIO_SUBMIT_UNCERTAIN);
  assert_int_equal(answer(res, 1)->outcome, PUBRIO_LOOKUP_NOT_SENT);
  assert_int_equal(answer(res, 2)->outcome, PUBRIO_LOOKUP_NOT_SENT);
  /* The fake did process it (1 credit) and saw it once. */
  assert_int_equal(before - fake_server_credit(f->server), 1);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 2);
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(req);
}

/* A 429 storm is waited out on the fake clock: one charge in the end. */
static void a_429_storm_is_waited_out(void **state) {
  fixture *f = *state;
  assert_int_equal(pubrio_client_set_retry(f->client, 8, 500, 8000, &f->err),
                   PUBRIO_OK);
  fake_reply r = {.path = BATCH_PATH,
                  .status = 429,
                  .body = "{\"error\":\"Request rate limit exceeded.\"}",
                  .times = 5};
  fake_server_push_reply(f->server, &r);
  pubrio_lookup_request *req = new_request();
  add_email(req, "ann@acme.io");
  add_email(req, "bob@acme.io");
  int64_t before = fake_server_credit(f->server);
  pubrio_lookup_result *res = NULL;
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_OK);
  assert_found(res, 0, "Ann", PUBRIO_LOOKUP_EXACT);
  assert_found(res, 1, "Bob", PUBRIO_LOOKUP_EXACT);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 6);
  assert_true(f->clock.sleeps >= 5);
  assert_int_equal(before - fake_server_credit(f->server), 2);
  pubrio_lookup_result_free(res);
  /* Past the attempts: rate limited, provably not spent. */
  r.times = 8;
  fake_server_push_reply(f->server, &r);
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_E_RATE_LIMITED);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
  assert_int_equal(answer(res, 0)->submit_state, PUBRIO_SUBMIT_NOT_SPENT);
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(req);
}

/* Item 4: a name with only a company or domain is not looked up unless
 * similarity is on, and says why; the rest of the call goes on. */
static void similarity_is_opt_in(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_name_at(req, "John", "Smith", PUBRIO_LOOKUP_DOMAIN, "example.com");
  add(req, (int[]){PUBRIO_LOOKUP_EMAIL, PUBRIO_LOOKUP_COMPANY, -1},
      (const char *[]){"bob@acme.io", "Acme Inc"});
  add(req,
      (int[]){PUBRIO_LOOKUP_EMAIL, PUBRIO_LOOKUP_FIRST_NAME,
              PUBRIO_LOOKUP_LAST_NAME, PUBRIO_LOOKUP_COMPANY, -1},
      (const char *[]){"ann@acme.io", "Ann", "Lee", "Acme Inc"});
  size_t lookups, refused, requests;
  assert_int_equal(
      pubrio_lookup_request_plan(req, &lookups, &refused, &requests, &f->err),
      PUBRIO_OK);
  assert_int_equal(lookups, 2);
  assert_int_equal(refused, 1);
  assert_int_equal(requests, 1);
  pubrio_lookup_result *res = NULL;
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_OK);
  assert_int_equal(answer(res, 0)->outcome, PUBRIO_LOOKUP_NOT_LOOKED_UP);
  assert_non_null(strstr(answer(res, 0)->reason, "similarity"));
  assert_found(res, 1, "Bob", PUBRIO_LOOKUP_EXACT);
  assert_found(res, 2, "Ann", PUBRIO_LOOKUP_EXACT);
  /* Both exact entries in one request (one company, but without
   * similarity the company cannot be what matched), no name-only one. */
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 1);
  assert_int_equal(entries_sent(f, 0), 2);
  char *body = received_body(f, 0);
  assert_null(strstr(body, "Smith"));
  assert_null(strstr(body, "\"company\""));
  assert_non_null(strstr(body, "\"is_enable_similarity_search\":false"));
  free(body);
  pubrio_lookup_result_free(res);
  /* On: the name is looked up, and the two Acme entries now share a
   * company, so they go to different requests. */
  assert_int_equal(pubrio_lookup_request_set_similarity(req, 1, NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_OK);
  assert_found(res, 0, "John", PUBRIO_LOOKUP_SIMILARITY_DOMAIN);
  assert_found(res, 1, "Bob", PUBRIO_LOOKUP_EXACT);
  assert_found(res, 2, "Ann", PUBRIO_LOOKUP_EXACT);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 3);
  assert_int_equal(
      pubrio_lookup_request_plan(req, &lookups, &refused, &requests, &f->err),
      PUBRIO_OK);
  assert_int_equal(lookups, 3);
  assert_int_equal(refused, 0);
  assert_int_equal(requests, 2);
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(req);
}

/* Item 7: the fake takes 50 a request; a 400 naming the size is answered
 * by smaller requests, and every entry is looked up once. */
static void a_size_400_splits_the_batch(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  char email[64];
  for (int i = 0; i < 120; i++) {
    snprintf(email, sizeof email, "p%03d@%s", i, FAKE_LOOKUP_GENERATED_DOMAIN);
    add_email(req, email);
  }
  int64_t before = fake_server_credit(f->server);
  pubrio_lookup_result *res = NULL;
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_OK);
  for (size_t i = 0; i < 120; i++) {
    const pubrio_lookup_answer *a = answer(res, i);
    assert_int_equal(a->outcome, PUBRIO_LOOKUP_FOUND);
    snprintf(email, sizeof email, "p%03zu", i);
    assert_string_equal(a->first_name, email); /* its own person */
  }
  /* 100 refused, then 50, 50, 20. */
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 4);
  assert_int_equal(entries_sent(f, 0), 100);
  assert_int_equal(entries_sent(f, 1), 50);
  assert_int_equal(entries_sent(f, 3), 20);
  assert_int_equal(before - fake_server_credit(f->server), 120);
  pubrio_lookup_result_free(res);
  /* Another 400 is not about the size: it stops the call, nothing spent. */
  script(f, BATCH_PATH, 400,
         "{\"code\":40001,\"message\":\"bad entry\",\"details\":{}}", NULL,
         NULL);
  assert_int_equal(pubrio_lookup_request_set_batch_size(req, 50, NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_E_BAD_REQUEST);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
  assert_int_equal(answer(res, 0)->outcome, PUBRIO_LOOKUP_FAILED);
  assert_int_equal(answer(res, 60)->outcome, PUBRIO_LOOKUP_NOT_SENT);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 5);
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(req);
}

/* A match naming an input no entry sent: a protocol error naming it; the
 * entry it did map stays found, the others of the request uncertain. */
static void an_unmappable_match_is_never_guessed(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_email(req, "unmappable.one@" FAKE_LOOKUP_GENERATED_DOMAIN);
  add_email(req, "king.lai@pubrio.com");
  add_email(req, "miss.x@" FAKE_LOOKUP_GENERATED_DOMAIN);
  pubrio_lookup_result *res = NULL;
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_E_PROTOCOL);
  assert_non_null(strstr(f->err.message, "maps to no entry"));
  assert_non_null(strstr(f->err.message, "someone.else@"));
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
  assert_int_equal(answer(res, 0)->outcome, PUBRIO_LOOKUP_FAILED);
  assert_int_equal(answer(res, 0)->submit_state, PUBRIO_SUBMIT_UNCERTAIN);
  assert_null(answer(res, 0)->people_search_id);
  assert_found(res, 1, "King", PUBRIO_LOOKUP_EXACT);
  assert_int_equal(answer(res, 2)->outcome, PUBRIO_LOOKUP_FAILED);
  pubrio_lookup_result_free(res);
  /* A scripted answer naming one entry twice is refused the same way. */
  script(f, BATCH_PATH, 200,
         "{\"data\":{\"peoples\":["
         "{\"people_search_id\":\"e37ccf38-ea8f-422e-9874-cb23b15e8fe4\","
         "\"match\":{\"confidence\":\"exact\",\"input\":{\"value\":"
         "\"king.lai@pubrio.com\",\"type\":\"email-work\"}}},"
         "{\"people_search_id\":\"1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b\","
         "\"match\":{\"confidence\":\"exact\",\"input\":{\"value\":"
         "\"KING.LAI@pubrio.com\",\"type\":\"email-personal\"}}}]}}",
         NULL, NULL);
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_E_PROTOCOL);
  assert_non_null(strstr(f->err.message, "another match named"));
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(req);
}

/* Bad entries are refused before anything is sent, naming the entry. */
static void bad_entries_send_nothing(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  size_t index;
  assert_int_equal(pubrio_lookup_request_add_entry(req, &index, NULL),
                   PUBRIO_OK);
  static const struct {
    pubrio_lookup_field field;
    const char *value;
    const char *says;
  } bad[] = {
      {PUBRIO_LOOKUP_EMAIL, "no-at-sign", "not an email"},
      {PUBRIO_LOOKUP_EMAIL, "a b@c.d", "space"},
      {PUBRIO_LOOKUP_PHONE, "call me", "not a phone"},
      {PUBRIO_LOOKUP_PHONE, "12", "5 to 20 digits"},
      {PUBRIO_LOOKUP_DOMAIN, "localhost", "no dot"},
      {PUBRIO_LOOKUP_COMPANY, "Acme\x1b[2J", "control character"},
      {PUBRIO_LOOKUP_FIRST_NAME, "\xff\xfe", "UTF-8"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    assert_int_equal(
        pubrio_lookup_request_set(req, 0, bad[i].field, bad[i].value, &f->err),
        PUBRIO_E_INVALID_ARGUMENT);
    if (!strstr(f->err.message, bad[i].says) ||
        !strstr(f->err.message, "entry 0"))
      fail_msg("%s: %s", bad[i].value, f->err.message);
    assert_null(strstr(f->err.message, "\x1b"));
  }
  assert_int_equal(
      pubrio_lookup_request_set(req, 3, PUBRIO_LOOKUP_EMAIL, "a@b.c", &f->err),
      PUBRIO_E_INVALID_ARGUMENT);
  pubrio_lookup_result *res = NULL;
  /* Entry 0 is still empty. */
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(f->err.message, "entry 0 is empty"));
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
  assert_null(res);
  add_email(req, "ok@acme.io");
  assert_int_equal(pubrio_lookup_request_set(req, 0, PUBRIO_LOOKUP_FIRST_NAME,
                                             "Ann", &f->err),
                   PUBRIO_OK);
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(f->err.message, "entry 0"));
  assert_non_null(strstr(f->err.message, "half a name"));
  assert_int_equal(pubrio_lookup_request_set(req, 0, PUBRIO_LOOKUP_LAST_NAME,
                                             "Lee", &f->err),
                   PUBRIO_OK);
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(f->err.message, "no email, phone, domain"));
  assert_int_equal(pubrio_lookup_request_set_batch_size(req, 0, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(f->err.message, "batch size 0"));
  assert_int_equal(pubrio_lookup_request_set_profile_id(req, -2, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(f->err.message, "profile_id -2"));
  assert_int_equal(pubrio_lookup_request_set_similarity(NULL, 1, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(f->err.message, "request is NULL"));
  pubrio_lookup_request_free(req);
  req = new_request(); /* no entries at all */
  assert_int_equal(pubrio_lookup_batch(f->client, req, &res, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
  pubrio_lookup_request_free(req);
}

/* The profile id goes out as written, and the body keeps to the contract
 * (the fake refuses unknown fields). */
static void profile_id_goes_out_raw(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_email(req, "bob@acme.io");
  assert_int_equal(pubrio_lookup_request_set_profile_id(
                       req, INT64_C(9007199254740993), NULL),
                   PUBRIO_OK);
  pubrio_lookup_result *res = NULL;
  assert_int_equal(pubrio_lookup_person(f->client, req, &res, &f->err),
                   PUBRIO_OK);
  char *body = received_body(f, 0);
  assert_non_null(strstr(body, "\"profile_id\":9007199254740993"));
  assert_non_null(strstr(body, "\"email\":\"bob@acme.io\""));
  free(body);
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(req);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(shuffled_batch_answers_map_to_their_entries),
      T(two_people_at_one_company_go_to_different_requests),
      T(an_email_twice_goes_to_two_requests),
      T(single_lookup_finds_and_misses),
      T(an_uncertain_lookup_is_never_resent),
      T(a_429_storm_is_waited_out),
      T(similarity_is_opt_in),
      T(a_size_400_splits_the_batch),
      T(an_unmappable_match_is_never_guessed),
      T(bad_entries_send_nothing),
      T(profile_id_goes_out_raw),
  };
  return cmocka_run_group_tests_name("lookup", tests, NULL, NULL);
}
