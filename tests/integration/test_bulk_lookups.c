/* Contact lookups in a bulk run, over real HTTP to the fake server's
 * directory: each answer mapped to its own entry (the fake answers in
 * reverse order), every person found bought once for the run's types (two
 * entries or an id of one person), misses and entries that need similarity
 * answered, an uncertain lookup never resent, a 429 storm waited out, the
 * budget at lookup and redeem prices, and a rerun on the journal asking
 * nothing. */
#include "test_support.h"

#include "fake_lookup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_PATH "/redeem/people/contact/lookup/batch"
#define REDEEM_PATH "/redeem/people/batch"
#define PHONE PUBRIO_CONTACT_PHONE
#define MAX_ENTRIES 8

static char journal_path[JOURNAL_PATH_MAX];

static int setup(void **state) {
  journal_path_new(journal_path, "lookups");
  *state = fixture_new(*state);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  journal_remove(journal_path);
  return 0;
}

static const char *id_of(const char *first) {
  for (int i = 0; i < FAKE_LOOKUP_DIRECTORY_SIZE; i++)
    if (strcmp(FAKE_LOOKUP_DIRECTORY[i].first, first) == 0)
      return FAKE_LOOKUP_DIRECTORY[i].id;
  fail_msg("no %s in the directory", first);
  return NULL;
}

static pubrio_lookup_request *new_request(void) {
  pubrio_lookup_request *req = NULL;
  assert_int_equal(pubrio_lookup_request_new(&req, NULL), PUBRIO_OK);
  return req;
}

static void set(pubrio_lookup_request *req, size_t i, pubrio_lookup_field f,
                const char *value) {
  pubrio_error err = {0};
  if (pubrio_lookup_request_set(req, i, f, value, &err) != PUBRIO_OK)
    fail_msg("entry %zu: %s", i, err.message);
  pubrio_error_clear(&err);
}

static void add_email(pubrio_lookup_request *req, const char *email) {
  size_t i;
  assert_int_equal(pubrio_lookup_request_add_entry(req, &i, NULL), PUBRIO_OK);
  set(req, i, PUBRIO_LOOKUP_EMAIL, email);
}

static void add_phone(pubrio_lookup_request *req, const char *phone) {
  size_t i;
  assert_int_equal(pubrio_lookup_request_add_entry(req, &i, NULL), PUBRIO_OK);
  set(req, i, PUBRIO_LOOKUP_PHONE, phone);
}

static void add_name(pubrio_lookup_request *req, const char *first,
                     const char *last, const char *company) {
  size_t i;
  assert_int_equal(pubrio_lookup_request_add_entry(req, &i, NULL), PUBRIO_OK);
  set(req, i, PUBRIO_LOOKUP_FIRST_NAME, first);
  set(req, i, PUBRIO_LOOKUP_LAST_NAME, last);
  set(req, i, PUBRIO_LOOKUP_COMPANY, company);
}

static pubrio_bulk_options *journaled(int resubmit_uncertain) {
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_journal(o, journal_path,
                                                   resubmit_uncertain, NULL),
                   PUBRIO_OK);
  return o;
}

static pubrio_bulk *make_run(fixture *f, const pubrio_bulk_options *o,
                             const pubrio_lookup_request *req) {
  pubrio_bulk *b = NULL;
  assert_int_equal(pubrio_bulk_new(&b, f->client, PHONE, o, &f->err),
                   PUBRIO_OK);
  assert_int_equal(pubrio_bulk_add_lookups(b, req, &f->err), PUBRIO_OK);
  return b;
}

/* What each lookup entry's event said. */
typedef struct entry_seen {
  int events, kind, from_store, has_message;
  char person[40], confidence[32];
} entry_seen;

typedef struct seen {
  entry_seen entry[MAX_ENTRIES + 1];
  int people_by_id; /* PERSON events of ids, not of entries */
} seen;

static pubrio_status drain_all(pubrio_bulk *b, seen *s, pubrio_error *err) {
  pubrio_bulk_event ev;
  pubrio_status st;
  memset(s, 0, sizeof *s);
  while ((st = pubrio_bulk_next_event(b, -1, &ev, sizeof ev, err)) ==
             PUBRIO_OK &&
         ev.kind != PUBRIO_BULK_FINISHED) {
    if (ev.kind == PUBRIO_BULK_PERSON && !ev.lookup_entry)
      s->people_by_id++;
    if (!ev.lookup_entry)
      continue;
    assert_true(ev.lookup_entry <= MAX_ENTRIES);
    entry_seen *e = &s->entry[ev.lookup_entry];
    e->events++;
    e->kind = ev.kind;
    e->from_store = ev.from_store;
    e->has_message = ev.message != NULL;
    if (ev.kind == PUBRIO_BULK_PERSON) {
      snprintf(e->person, sizeof e->person, "%s", ev.person->people_search_id);
      snprintf(e->confidence, sizeof e->confidence, "%s", ev.lookup_confidence);
    }
  }
  return st;
}

static void assert_person(const seen *s, size_t entry, const char *first,
                          int from_store) {
  const entry_seen *e = &s->entry[entry + 1];
  if (e->events != 1 || e->kind != PUBRIO_BULK_PERSON)
    fail_msg("entry %zu: %d events, kind %d; want one PERSON", entry, e->events,
             e->kind);
  assert_string_equal(e->person, id_of(first));
  assert_int_equal(e->from_store, from_store);
}

static int max_repeat(fixture *f) {
  size_t submitted;
  int repeat;
  fake_server_people_stats(f->server, &submitted, &repeat);
  return repeat;
}

static size_t people_submitted(fixture *f) {
  size_t submitted;
  int repeat;
  fake_server_people_stats(f->server, &submitted, &repeat);
  return submitted;
}

/* Shuffled answers each land on their entry; an email twice, an email and
 * a phone of one person, and an id row of a person found are each bought
 * once; a miss is NOT_FOUND; a name without similarity is not looked up;
 * a rerun on the journal sends nothing and answers every entry again. */
static void lookups_map_buy_once_and_rerun_asks_nothing(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_email(req, "king.lai@pubrio.com");           /* 0 King */
  add_phone(req, "+1 (555) 010-0002");             /* 1 John */
  add_email(req, "missing.person@people.example"); /* 2 a miss */
  add_email(req, " KING.LAI@pubrio.com");          /* 3 King again */
  add_name(req, "Ann", "Lee", "Acme Inc");         /* 4 needs similarity */
  add_phone(req, "+15550100001");                  /* 5 King's phone */
  const char *john[] = {id_of("John")};
  pubrio_bulk_options *o = journaled(0);
  int64_t before = fake_server_credit(f->server);
  pubrio_bulk *b = make_run(f, o, req);
  assert_int_equal(pubrio_bulk_add_people(b, john, 1, &f->err), PUBRIO_OK);
  seen s;
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_person(&s, 0, "King", 0);
  assert_string_equal(s.entry[1].confidence, "exact");
  assert_person(&s, 1, "John", 1); /* the id row's purchase */
  assert_int_equal(s.entry[3].kind, PUBRIO_BULK_NOT_FOUND);
  assert_int_equal(s.entry[3].events, 1);
  assert_false(s.entry[3].has_message);
  assert_person(&s, 3, "King", 1);
  assert_int_equal(s.entry[5].kind, PUBRIO_BULK_NOT_FOUND);
  assert_true(s.entry[5].has_message); /* why not looked up */
  assert_person(&s, 5, "King", 1);
  assert_int_equal(s.people_by_id, 1); /* John, for his id */
  /* One lookup request; King and John bought once each. */
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 1);
  assert_int_equal(people_submitted(f), 2);
  assert_int_equal(max_repeat(f), 1);
  int64_t spent = before - fake_server_credit(f->server);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.credits_charged, spent);
  pubrio_bulk_free(b);

  /* The rerun: every entry answered from the journal, nothing sent. */
  size_t requests = fake_server_request_count(f->server, NULL);
  b = make_run(f, o, req);
  assert_int_equal(pubrio_bulk_add_people(b, john, 1, &f->err), PUBRIO_OK);
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 1);
  assert_int_equal(fake_server_request_count(f->server, REDEEM_PATH), 1);
  assert_int_equal(fake_server_credit(f->server), before - spent);
  assert_true(fake_server_request_count(f->server, NULL) - requests <= 1);
  assert_person(&s, 0, "King", 1);
  assert_person(&s, 1, "John", 1);
  assert_person(&s, 3, "King", 1);
  assert_int_equal(s.entry[3].kind, PUBRIO_BULK_NOT_FOUND);
  assert_int_equal(s.entry[3].from_store, 1);
  assert_int_equal(s.entry[5].kind, PUBRIO_BULK_NOT_FOUND);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  pubrio_lookup_request_free(req);
}

/* With similarity on, two people at one company are asked in different
 * requests (an answer naming "acme inc" could be either), each mapped to
 * its own entry and bought. */
static void similarity_on_two_people_at_one_company(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_name(req, "Ann", "Lee", "Acme Inc");
  add_name(req, "Bob", "Stone", "Acme Inc");
  assert_int_equal(pubrio_lookup_request_set_similarity(req, 1, NULL),
                   PUBRIO_OK);
  pubrio_bulk *b = make_run(f, NULL, req);
  seen s;
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_person(&s, 0, "Ann", 0);
  assert_person(&s, 1, "Bob", 0);
  assert_string_equal(s.entry[1].confidence, "similarity_company");
  assert_string_equal(s.entry[2].confidence, "similarity_company");
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 2);
  assert_int_equal(people_submitted(f), 2);
  pubrio_bulk_free(b);
  pubrio_lookup_request_free(req);
}

/* A lookup whose answer is lost after the API acted: its entry uncertain,
 * never resent (in this run or the next), no further lookup in this run;
 * the entry not sent is named and asked by the rerun. */
static void an_uncertain_lookup_is_never_resent(void **state) {
  fixture *f = *state;
  /* A first request keeps the connection open (libcurl would resend on a
   * dead reused one by itself). */
  pubrio_lookup_request *warm = new_request();
  add_email(warm, "chris.wu@globex.com");
  pubrio_lookup_result *res = NULL;
  assert_int_equal(pubrio_lookup_batch(f->client, warm, &res, &f->err),
                   PUBRIO_OK);
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(warm);
  pubrio_lookup_request *req = new_request();
  assert_int_equal(pubrio_lookup_request_set_batch_size(req, 1, NULL),
                   PUBRIO_OK);
  add_email(req, "ann@acme.io");
  add_email(req, "bob@acme.io");
  fake_reply r = {.path = BATCH_PATH,
                  .status = 200,
                  .fault = FAKE_FAULT_PROCESS_THEN_CLOSE};
  fake_server_push_reply(f->server, &r);
  pubrio_bulk_options *o = journaled(0);
  assert_int_equal(pubrio_bulk_options_set_read_account(o, 0, NULL), PUBRIO_OK);
  pubrio_bulk *b = make_run(f, o, req);
  seen s;
  assert_int_not_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 2);
  assert_int_equal(s.entry[1].kind, PUBRIO_BULK_BATCH_FAILED);
  assert_int_equal(s.entry[2].kind, PUBRIO_BULK_BATCH_FAILED);
  assert_int_equal(fake_server_request_count(f->server, REDEEM_PATH), 0);
  pubrio_bulk_free(b);
  /* The rerun asks only the entry that never left. */
  b = make_run(f, o, req);
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 3);
  assert_int_equal(s.entry[1].kind, PUBRIO_BULK_BATCH_FAILED);
  assert_person(&s, 1, "Bob", 0);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  pubrio_lookup_request_free(req);
}

/* A match that maps to no entry fails its request (protocol): the entry
 * it could not place is left uncertain, never guessed; the entry it did
 * map is found and bought; no further lookup is sent. */
static void an_unmappable_match_is_never_guessed(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_email(req, "unmappable.one@" FAKE_LOOKUP_GENERATED_DOMAIN);
  add_email(req, "ann@acme.io");
  add_email(req, "ANN@acme.io");   /* de-duplicated */
  add_email(req, "bob@acme.io");   /* a second request: */
  add_phone(req, "+442079460001"); /* Ann's phone */
  assert_int_equal(pubrio_lookup_request_set_batch_size(req, 2, NULL),
                   PUBRIO_OK);
  pubrio_bulk *b = make_run(f, NULL, req);
  seen s;
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_PROTOCOL);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 1);
  assert_int_equal(s.entry[1].kind, PUBRIO_BULK_BATCH_FAILED);
  assert_int_equal(s.entry[1].events, 1);
  assert_person(&s, 1, "Ann", 0);
  assert_person(&s, 2, "Ann", 1);
  assert_int_equal(s.entry[4].kind, PUBRIO_BULK_BATCH_FAILED); /* not sent */
  assert_int_equal(s.entry[5].kind, PUBRIO_BULK_BATCH_FAILED);
  assert_int_equal(people_submitted(f), 1);
  pubrio_bulk_free(b);
  pubrio_lookup_request_free(req);
}

/* A 429 storm on the lookup is waited out: one charge per person. */
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
  pubrio_bulk *b = make_run(f, NULL, req);
  seen s;
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_person(&s, 0, "Ann", 0);
  assert_person(&s, 1, "Bob", 0);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 6);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.credits_charged, before - fake_server_credit(f->server));
  pubrio_bulk_free(b);
  pubrio_lookup_request_free(req);
}

/* The budget counts a lookup at 1 credit an entry until answered, then the
 * people found at the redeem's price: 2 lookups (2) and 2 phones at 30
 * (60) fit in 62 at worst, never past it; in 61 the second purchase does
 * not leave. */
static void the_budget_holds_lookups_and_purchases(void **state) {
  fixture *f = *state;
  int64_t limits[] = {62, 61};
  const char *emails[][2] = {{"ann@acme.io", "bob@acme.io"},
                             {"king.lai@pubrio.com", "jane.doe@example.com"}};
  for (int i = 0; i < 2; i++) {
    pubrio_lookup_request *req = new_request();
    add_email(req, emails[i][0]);
    add_email(req, emails[i][1]);
    pubrio_bulk_options *o = NULL;
    assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
    assert_int_equal(pubrio_bulk_options_set_max_credits(o, limits[i], NULL),
                     PUBRIO_OK);
    assert_int_equal(pubrio_bulk_options_set_batch_size(o, 1, NULL), PUBRIO_OK);
    int64_t before = fake_server_credit(f->server);
    size_t submitted = people_submitted(f);
    pubrio_bulk *b = make_run(f, o, req);
    seen s;
    pubrio_status st = drain_all(b, &s, &f->err);
    submitted = people_submitted(f) - submitted;
    int64_t spent = before - fake_server_credit(f->server);
    assert_true(spent <= limits[i]);
    if (i == 0) {
      assert_int_equal(st, PUBRIO_OK);
      assert_int_equal(submitted, 2);
      assert_person(&s, 0, "Ann", 0);
      assert_person(&s, 1, "Bob", 0);
    } else {
      assert_int_equal(st, PUBRIO_E_CREDIT_BUDGET);
      assert_int_equal(submitted, 1); /* 2 + 30 + 30 > 61 at worst */
      /* Every entry answered all the same: the one not bought says so. */
      assert_person(&s, 0, "King", 0);
      assert_int_equal(s.entry[2].kind, PUBRIO_BULK_BATCH_FAILED);
      assert_int_equal(s.entry[2].events, 1);
    }
    pubrio_bulk_free(b);
    pubrio_bulk_options_free(o);
    pubrio_lookup_request_free(req);
  }
}

/* A 400 naming the size (the fake takes 50) is answered by smaller
 * requests: nothing processed, nothing lost, each person bought. */
static void a_size_refusal_sends_smaller_requests(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  char email[64];
  for (int i = 0; i < 60; i++) {
    snprintf(email, sizeof email, "p%d@" FAKE_LOOKUP_GENERATED_DOMAIN, i);
    add_email(req, email);
  }
  int64_t before = fake_server_credit(f->server);
  pubrio_bulk *b = make_run(f, NULL, req);
  pubrio_bulk_event ev;
  int people = 0;
  while (pubrio_bulk_next_event(b, -1, &ev, sizeof ev, &f->err) == PUBRIO_OK &&
         ev.kind != PUBRIO_BULK_FINISHED)
    people += ev.kind == PUBRIO_BULK_PERSON && ev.lookup_entry > 0;
  assert_int_equal(f->err.status, PUBRIO_OK);
  assert_int_equal(people, 60);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 3);
  assert_int_equal(people_submitted(f), 60);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.credits_charged, before - fake_server_credit(f->server));
  pubrio_bulk_free(b);
  pubrio_lookup_request_free(req);
}

/* The run's profile_id goes with its lookups when the request has none. */
static void the_runs_profile_id_goes_with_lookups(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_email(req, "ann@acme.io");
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_profile_id(o, 7, NULL), PUBRIO_OK);
  pubrio_bulk *b = make_run(f, o, req);
  seen s;
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  int checked = 0;
  for (size_t i = 0; i < fake_server_request_count(f->server, NULL); i++) {
    fake_request r = {0};
    assert_int_equal(fake_server_request(f->server, i, &r), 0);
    if (strcmp(r.path, BATCH_PATH) == 0) {
      assert_non_null(strstr(r.body, "\"profile_id\":7"));
      checked++;
    }
    fake_request_clear(&r);
  }
  assert_int_equal(checked, 1);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  pubrio_lookup_request_free(req);
}

/* A bad entry or a started run leaves the run untouched. */
static void bad_requests_are_refused_whole(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_email(req, "ann@acme.io");
  size_t i;
  assert_int_equal(pubrio_lookup_request_add_entry(req, &i, NULL), PUBRIO_OK);
  pubrio_bulk *b = NULL;
  assert_int_equal(pubrio_bulk_new(&b, f->client, PHONE, NULL, &f->err),
                   PUBRIO_OK);
  assert_int_equal(pubrio_bulk_add_lookups(b, req, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  seen s;
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
  assert_int_equal(pubrio_bulk_add_lookups(b, req, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  pubrio_bulk_free(b);
  pubrio_lookup_request_free(req);
}

/* The stats count lookups: before the run, the entries it sends (1 credit
 * each) and a person each may find in the worst case; after, found, not
 * found and not looked up, and what the lookups were charged; an uncertain
 * one counted in this run and in the rerun that does not resend it. */
static void stats_count_lookups(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_email(req, "king.lai@pubrio.com");           /* found */
  add_email(req, "missing.person@people.example"); /* a miss */
  add_name(req, "Ann", "Lee", "Acme Inc");         /* needs similarity */
  add_email(req, "KING.LAI@pubrio.com");           /* a duplicate */
  pubrio_bulk_options *o = journaled(0);
  assert_int_equal(pubrio_bulk_options_set_prices(o, 10, 30, NULL), PUBRIO_OK);
  int64_t before = fake_server_credit(f->server);
  pubrio_bulk *b = make_run(f, o, req);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.lookups, 3);
  assert_int_equal(st.duplicates, 1);
  assert_int_equal(st.lookups_to_send, 2);
  assert_int_equal(st.lookups_found + st.lookups_not_found, 0);
  assert_int_equal(st.lookups_uncertain, 0);
  assert_int_equal(st.credits_worst_case, 2 * 30); /* a phone each */
  assert_int_equal(st.planned_requests, 1);
  seen s;
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.lookups, 3);
  assert_int_equal(st.lookups_to_send, 0);
  assert_int_equal(st.lookups_found, 1);
  assert_int_equal(st.lookups_not_found, 1);
  assert_int_equal(st.lookups_uncertain, 0);
  assert_int_equal(st.lookup_credits, 1); /* King, billable */
  assert_int_equal(st.credits_charged, before - fake_server_credit(f->server));
  assert_int_equal(st.credits_charged, 1 + 30);
  pubrio_bulk_free(b);

  /* An answer lost after the API acted: uncertain here and in the rerun,
   * which sends nothing. */
  pubrio_lookup_request *lost = new_request();
  add_email(lost, "ann@acme.io");
  fake_reply r = {.path = BATCH_PATH,
                  .status = 200,
                  .fault = FAKE_FAULT_PROCESS_THEN_CLOSE};
  fake_server_push_reply(f->server, &r);
  b = make_run(f, o, lost);
  assert_int_not_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.lookups_uncertain, 1);
  assert_int_equal(st.lookups_to_send, 0);
  assert_int_equal(st.lookup_credits, 0); /* no answer: nothing known */
  pubrio_bulk_free(b);
  size_t asked = fake_server_request_count(f->server, BATCH_PATH);
  b = make_run(f, o, lost);
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.lookups_uncertain, 1);
  assert_int_equal(st.lookups_to_send, 0);
  assert_int_equal(st.credits_worst_case, 0);
  /* The first run's charges, and 1 at worst for the uncertain lookup. */
  assert_int_equal(st.credits_before, 1 + 30);
  assert_int_equal(st.credits_committed, 1 + 30 + 1);
  drain_all(b, &s, &f->err);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), asked);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  pubrio_lookup_request_free(lost);
  pubrio_lookup_request_free(req);
}

/* A rerun's budget counts what the first run's lookups were charged: with
 * a budget of exactly the first run's charges, the rerun's next lookup
 * (1 credit at worst) does not fit, and the run stops before any request;
 * counting the purchases only, it would have been sent. */
static void a_rerun_budget_counts_earlier_lookup_charges(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_email(req, "king.lai@pubrio.com");
  add_email(req, "john.smith@example.com");
  pubrio_bulk_options *o = journaled(0);
  assert_int_equal(pubrio_bulk_options_set_prices(o, 10, 30, NULL), PUBRIO_OK);
  int64_t before = fake_server_credit(f->server);
  pubrio_bulk *b = make_run(f, o, req);
  seen s;
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  int64_t spent = before - fake_server_credit(f->server);
  assert_int_equal(st.credits_charged, spent);
  assert_int_equal(st.lookup_credits, 2);
  pubrio_bulk_free(b);

  add_email(req, "ann@acme.io"); /* new: its lookup is the next request */
  assert_int_equal(pubrio_bulk_options_set_max_credits(o, spent, NULL),
                   PUBRIO_OK);
  size_t requests = fake_server_request_count(f->server, NULL);
  b = make_run(f, o, req);
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.credits_before, spent); /* lookups and purchases */
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_CREDIT_BUDGET);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 1);
  assert_int_equal(fake_server_request_count(f->server, REDEEM_PATH), 1);
  /* Only the account's free reads: no lookup, no purchase. */
  for (size_t i = requests; i < fake_server_request_count(f->server, NULL);
       i++) {
    fake_request r = {0};
    assert_int_equal(fake_server_request(f->server, i, &r), 0);
    if (strncmp(r.path, "/profile", 8) != 0)
      fail_msg("the rerun sent %s", r.path);
    fake_request_clear(&r);
  }
  assert_int_equal(fake_server_credit(f->server), before - spent);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  pubrio_lookup_request_free(req);
}

/* A close after the lookups were answered (paid) and before their people's
 * batch left (the rate budget holds it): drained holds a RESOLVED event
 * for exactly the entries found, naming the person without contacts, and
 * the leftover sentence names them; nothing is bought. */
static void a_close_keeps_resolved_lookups(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_email(req, "king.lai@pubrio.com");           /* 1 found */
  add_email(req, "missing.person@people.example"); /* 2 a miss */
  add_phone(req, "+1 (555) 010-0002");             /* 3 John */
  add_name(req, "Ann", "Lee", "Acme Inc");         /* 4 not looked up */
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_read_account(o, 0, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_rate_limit(o, 1, NULL), PUBRIO_OK);
  pubrio_bulk *b = make_run(f, o, req);
  pubrio_bulk_event ev;
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.lookups_to_send, 3);
  for (int i = 0; i < 200 && st.lookups_to_send; i++) {
    assert_int_equal(pubrio_bulk_next_event(b, 50, &ev, sizeof ev, &f->err),
                     PUBRIO_OK);
    /* The miss and the name are answered at once; nothing else yet. */
    if (ev.kind != PUBRIO_BULK_NONE &&
        !(ev.kind == PUBRIO_BULK_NOT_FOUND &&
          (ev.lookup_entry == 2 || ev.lookup_entry == 4)))
      fail_msg("event %d of entry %zu before the close", ev.kind,
               ev.lookup_entry);
    pubrio_bulk_stats_get(b, &st, sizeof st);
  }
  assert_int_equal(st.lookups_found, 2);
  assert_int_equal(st.lookups_not_found, 1);
  assert_int_equal(pubrio_bulk_close(b, 0, &f->err), PUBRIO_E_CANCELLED);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 1);
  assert_int_equal(fake_server_request_count(f->server, REDEEM_PATH), 0);
  const pubrio_bulk_event *kept;
  size_t resolved = 0, n = 0;
  for (; (kept = pubrio_bulk_drained(b, n)) != NULL; n++) {
    assert_int_equal(kept->kind, PUBRIO_BULK_RESOLVED);
    assert_int_equal(kept->person->email_count + kept->person->phone_count, 0);
    assert_string_equal(kept->lookup_confidence, "exact");
    if (kept->lookup_entry == 1)
      assert_string_equal(kept->person->people_search_id, id_of("King"));
    else if (kept->lookup_entry == 3)
      assert_string_equal(kept->person->people_search_id, id_of("John"));
    else
      fail_msg("entry %zu is not resolved", kept->lookup_entry);
    resolved++;
  }
  assert_int_equal(resolved, 2);
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.people_kept, 0); /* people collected: none */
  char sentence[512];
  pubrio_bulk_leftover(b, sentence, sizeof sentence);
  assert_non_null(strstr(sentence, "2 lookup entries resolved (paid)"));
  /* A second close keeps nothing more. */
  assert_int_equal(pubrio_bulk_close(b, 0, &f->err), PUBRIO_E_CANCELLED);
  assert_null(pubrio_bulk_drained(b, 2));
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  pubrio_lookup_request_free(req);
}

/* A key asked again with --refresh whose request is refused (nothing
 * processed) goes back to what the journal held: its earlier charge still
 * counts, and a rerun answers it from the journal without asking. */
static void
a_refused_refresh_keeps_the_earlier_answer_and_charge(void **state) {
  fixture *f = *state;
  pubrio_lookup_request *req = new_request();
  add_email(req, "king.lai@pubrio.com");
  pubrio_bulk_options *o = journaled(0);
  assert_int_equal(pubrio_bulk_options_set_prices(o, 10, 30, NULL), PUBRIO_OK);
  int64_t before = fake_server_credit(f->server);
  pubrio_bulk *b = make_run(f, o, req);
  seen s;
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  int64_t spent = before - fake_server_credit(f->server);
  pubrio_bulk_free(b);

  fake_reply r = {.path = BATCH_PATH,
                  .status = 400,
                  .body = "{\"code\":40001,\"message\":\"bad entry\","
                          "\"details\":{}}"};
  fake_server_push_reply(f->server, &r);
  assert_int_equal(pubrio_bulk_options_set_refresh(o, 1, NULL), PUBRIO_OK);
  b = make_run(f, o, req);
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_E_BAD_REQUEST);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 2);
  pubrio_bulk_free(b);

  assert_int_equal(pubrio_bulk_options_set_refresh(o, 0, NULL), PUBRIO_OK);
  b = make_run(f, o, req);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.credits_before, spent); /* the lookup's 1 included */
  assert_int_equal(st.lookups_found, 1);
  assert_int_equal(drain_all(b, &s, &f->err), PUBRIO_OK);
  assert_person(&s, 0, "King", 1);
  assert_int_equal(fake_server_request_count(f->server, BATCH_PATH), 2);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  pubrio_lookup_request_free(req);
}

static fake_server_options ready = {.estimated_time = 0};
static fake_server_options priced = {.estimated_time = 0, .phone_price = 30};

#define T(name, opts)                                                          \
  cmocka_unit_test_prestate_setup_teardown(name, setup, teardown, opts)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(lookups_map_buy_once_and_rerun_asks_nothing, &ready),
      T(similarity_on_two_people_at_one_company, &ready),
      T(an_uncertain_lookup_is_never_resent, &ready),
      T(an_unmappable_match_is_never_guessed, &ready),
      T(a_429_storm_is_waited_out, &ready),
      T(the_budget_holds_lookups_and_purchases, &priced),
      T(a_size_refusal_sends_smaller_requests, &ready),
      T(the_runs_profile_id_goes_with_lookups, &ready),
      T(bad_requests_are_refused_whole, &ready),
      T(stats_count_lookups, &priced),
      T(a_rerun_budget_counts_earlier_lookup_charges, &priced),
      T(a_close_keeps_resolved_lookups, &ready),
      T(a_refused_refresh_keeps_the_earlier_answer_and_charge, &priced),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
