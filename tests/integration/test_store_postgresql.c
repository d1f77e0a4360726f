/* The journal on PostgreSQL as data that is safe: the connection's
 * password in no message (even where libpq's own text quotes it), a
 * schema of another program refused by name and left as it was, a
 * journal of another version or with a planted trigger refused, the
 * schema's version stored, a schema without a journal read as none
 * without creating one. Each test on a fresh schema of the database
 * PUBRIO_TEST_PG_URI names (test_support.c, PUBRIO_TEST_POSTGRESQL);
 * skipped without it. */
#include "test_support.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PEOPLE = 3 };
static char ids[PEOPLE][PUBRIO_ID_LEN + 1];
static const char *id_ptrs[PEOPLE];
static char journal[JOURNAL_PATH_MAX];

static int setup(void **state) {
  journal_path_new(journal, "pgstore");
  *state = fixture_new(*state);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  journal_remove(journal);
  return 0;
}

/* @p sql on the journal's own schema (the URI's search_path); the first
 * cell of its answer in @p out when asked. */
static void on_journal(const char *sql, char *out, size_t size) {
  PGconn *c = PQconnectdb(journal);
  if (PQstatus(c) != CONNECTION_OK)
    fail_msg("%s", PQerrorMessage(c));
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK &&
      PQresultStatus(r) != PGRES_TUPLES_OK)
    fail_msg("%s: %s", sql, PQerrorMessage(c));
  if (out)
    snprintf(out, size, "%s", PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
  PQclear(r);
  PQfinish(c);
}

/* A run on the journal by @p client: its status, with the error in
 * f->err. */
static pubrio_status run_by(fixture *f, pubrio_client *client,
                            const char *path) {
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  pubrio_bulk_options_set_journal(o, path, 0, NULL);
  pubrio_bulk *b = NULL;
  pubrio_error_clear(&f->err);
  pubrio_status st =
      pubrio_bulk_new(&b, client, PUBRIO_CONTACT_PHONE, o, &f->err);
  if (st == PUBRIO_OK) {
    assert_int_equal(pubrio_bulk_add_people(b, id_ptrs, PEOPLE, &f->err),
                     PUBRIO_OK);
    st = pubrio_bulk_run(b, NULL, NULL, &f->err);
  }
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  return st;
}

static pubrio_status run(fixture *f, const char *path) {
  return run_by(f, f->client, path);
}

static void refused_naming(fixture *f, pubrio_status st, const char *what) {
  assert_int_equal(st, PUBRIO_E_JOURNAL);
  if (!strstr(f->err.message, what))
    fail_msg("expected \"%s\" in: %s", what, f->err.message);
}

/* The journal's URI with its user and password replaced by @p userinfo. */
static void with_userinfo(const char *userinfo, char *out, size_t size) {
  const char *host = strchr(journal, '@');
  host = host ? host + 1 : strstr(journal, "://") + 3;
  snprintf(out, size, "postgresql://%s@%s", userinfo, host);
}

static void the_password_is_in_no_message(void **state) {
  fixture *f = *state;
  char uri[JOURNAL_PATH_MAX + 64];
  /* Refused by the server: libpq names the host and user. */
  with_userinfo("ana:s3cret-pw", uri, sizeof uri);
  refused_naming(f, run(f, uri), "ana:***@");
  assert_null(strstr(f->err.message, "s3cret-pw"));
  /* Refused by libpq's parser, whose message quotes the bad token: the
   * password as written. */
  with_userinfo("ana:s3cret%zzpw", uri, sizeof uri);
  refused_naming(f, run(f, uri), "not a valid PostgreSQL connection URI");
  assert_null(strstr(f->err.message, "s3cret"));
  pubrio_journal *j = NULL;
  pubrio_error_clear(&f->err);
  assert_int_equal(pubrio_journal_open(&j, uri, &f->err), PUBRIO_E_JOURNAL);
  assert_null(strstr(f->err.message, "s3cret"));
}

static void another_programs_schema_is_refused_and_left(void **state) {
  fixture *f = *state;
  on_journal("CREATE TABLE customers(id int); INSERT INTO customers"
             " VALUES(7)",
             NULL, 0);
  refused_naming(f, run(f, journal), "'customers'");
  char n[32];
  on_journal("SELECT count(*) FROM pg_tables WHERE schemaname ="
             " current_schema()",
             n, sizeof n);
  assert_string_equal(n, "1"); /* nothing made beside it */
  on_journal("SELECT id FROM customers", n, sizeof n);
  assert_string_equal(n, "7");
  pubrio_journal *j = NULL;
  pubrio_error_clear(&f->err);
  refused_naming(f, pubrio_journal_open(&j, journal, &f->err), "'customers'");
}

static void a_journal_records_its_version_and_refuses_others(void **state) {
  fixture *f = *state;
  assert_int_equal(run(f, journal), PUBRIO_OK);
  char v[64];
  on_journal("SELECT application || ' ' || version FROM pubrio_meta", v,
             sizeof v);
  assert_string_equal(v, "libpubrio journal 1");
  on_journal("UPDATE pubrio_meta SET version = 9", NULL, 0);
  refused_naming(f, run(f, journal), "has version 9 of the store");
  on_journal("UPDATE pubrio_meta SET version = 1, application = 'other'", NULL,
             0);
  refused_naming(f, run(f, journal), "not a libpubrio journal");
}

static void a_planted_trigger_or_table_is_refused(void **state) {
  fixture *f = *state;
  assert_int_equal(run(f, journal), PUBRIO_OK);
  on_journal("CREATE FUNCTION leak() RETURNS trigger LANGUAGE plpgsql AS"
             " 'BEGIN RETURN NEW; END';"
             "CREATE TRIGGER copy_out AFTER INSERT ON contacts FOR EACH ROW"
             " EXECUTE FUNCTION leak()",
             NULL, 0);
  refused_naming(f, run(f, journal), "'copy_out'");
  on_journal("DROP TRIGGER copy_out ON contacts; CREATE TABLE extra(x int)",
             NULL, 0);
  refused_naming(f, run(f, journal), "'extra'");
  on_journal("DROP TABLE extra", NULL, 0);
  assert_int_equal(run(f, journal), PUBRIO_OK);
}

static void an_empty_schema_reads_as_no_journal(void **state) {
  fixture *f = *state;
  pubrio_journal *j = NULL;
  refused_naming(f, pubrio_journal_open(&j, journal, &f->err), "holds no run");
  char n[32];
  on_journal("SELECT count(*) FROM pg_tables WHERE schemaname ="
             " current_schema()",
             n, sizeof n);
  assert_string_equal(n, "0"); /* reading made nothing */
}

/* A run on @p client placed on the journal (its people read there) and
 * not started. */
static pubrio_bulk *placed_run(fixture *f, pubrio_client *client,
                               int submit_only) {
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  pubrio_bulk_options_set_journal(o, journal, 0, NULL);
  pubrio_bulk_options_set_submit_only(o, submit_only, NULL);
  pubrio_bulk *b = NULL;
  assert_int_equal(
      pubrio_bulk_new(&b, client, PUBRIO_CONTACT_PHONE, o, &f->err), PUBRIO_OK);
  assert_int_equal(pubrio_bulk_add_people(b, id_ptrs, PEOPLE, &f->err),
                   PUBRIO_OK);
  pubrio_bulk_options_free(o);
  return b;
}

/* Drive @p b to its end: the people it handed out, and of them from the
 * journal. */
static void drive(fixture *f, pubrio_bulk *b, size_t *people,
                  size_t *from_store) {
  pubrio_bulk_event ev;
  *people = *from_store = 0;
  pubrio_status st;
  while ((st = pubrio_bulk_next_event(b, -1, &ev, sizeof ev, &f->err)) ==
             PUBRIO_OK &&
         ev.kind != PUBRIO_BULK_FINISHED)
    if (ev.kind == PUBRIO_BULK_PERSON) {
      (*people)++;
      *from_store += ev.from_store != 0;
    }
  if (st != PUBRIO_OK)
    fail_msg("the run failed: %s", f->err.message);
  assert_int_equal(pubrio_bulk_close(b, -1, &f->err), PUBRIO_OK);
}

static size_t submitted(fixture *f) {
  size_t n = 0;
  int most = 0;
  fake_server_people_stats(f->server, &n, &most);
  assert_true(most <= 1); /* nobody submitted twice */
  return n;
}

/* Runs on one journal at once (a team's machines): a run placed before
 * another bought its people finds them claimed at its intent, waits, and
 * hands them out from the journal: each person bought once, both lists
 * handed out whole. */
static void runs_at_once_buy_each_person_once(void **state) {
  fixture *f = *state;
  pubrio_client *c2 = NULL;
  assert_int_equal(pubrio_client_new(&c2, TEST_KEY, NULL), PUBRIO_OK);
  assert_int_equal(
      pubrio_client_set_base_url(c2, fake_server_url(f->server), NULL),
      PUBRIO_OK);
  pubrio_bulk *late = placed_run(f, c2, 0);     /* everyone free when placed */
  assert_int_equal(run(f, journal), PUBRIO_OK); /* the other run buys all */
  assert_int_equal(submitted(f), PEOPLE);
  size_t people, from_store;
  drive(f, late, &people, &from_store);
  assert_int_equal(people, PEOPLE);
  assert_int_equal(from_store, PEOPLE);
  assert_int_equal(submitted(f), PEOPLE); /* the late run bought nobody */
  pubrio_bulk_free(late);
  pubrio_client_free(c2);
}

/* A batch of ours refused because another run claimed some of its people:
 * the others, claimed by nobody, are submitted after all (they were named
 * uncertain, and bought by nobody, before). */
static void the_unclaimed_people_of_a_claimed_batch_are_bought(void **state) {
  fixture *f = *state;
  pubrio_client *c2 = NULL;
  assert_int_equal(pubrio_client_new(&c2, TEST_KEY, NULL), PUBRIO_OK);
  assert_int_equal(
      pubrio_client_set_base_url(c2, fake_server_url(f->server), NULL),
      PUBRIO_OK);
  pubrio_bulk *late = placed_run(f, c2, 0);
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  pubrio_bulk_options_set_journal(o, journal, 0, NULL);
  pubrio_bulk *b = NULL;
  assert_int_equal(
      pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err),
      PUBRIO_OK);
  assert_int_equal(pubrio_bulk_add_people(b, id_ptrs, 1, &f->err), PUBRIO_OK);
  assert_int_equal(pubrio_bulk_run(b, NULL, NULL, &f->err), PUBRIO_OK);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  assert_int_equal(submitted(f), 1);
  size_t people, from_store;
  drive(f, late, &people, &from_store);
  assert_int_equal(people, PEOPLE);
  assert_int_equal(from_store, 1);
  assert_int_equal(submitted(f), PEOPLE); /* the other two, once */
  pubrio_bulk_free(late);
  pubrio_client_free(c2);
}

/* A batch another run accepted and did not collect is collected by the
 * next run, alive or not: a live run's people are handed out when the
 * batch is (they wait meanwhile); nobody is bought again. */
static void a_batch_another_run_left_is_collected(void **state) {
  fixture *f = *state;
  pubrio_client *c2 = NULL;
  assert_int_equal(pubrio_client_new(&c2, TEST_KEY, NULL), PUBRIO_OK);
  assert_int_equal(
      pubrio_client_set_base_url(c2, fake_server_url(f->server), NULL),
      PUBRIO_OK);
  pubrio_bulk *first = placed_run(f, c2, 1); /* submits only */
  size_t people, from_store;
  drive(f, first, &people, &from_store); /* stays alive: not freed */
  assert_int_equal(submitted(f), PEOPLE);
  pubrio_bulk *second = placed_run(f, f->client, 0);
  drive(f, second, &people, &from_store);
  assert_int_equal(people, PEOPLE);
  assert_int_equal(submitted(f), PEOPLE);
  pubrio_bulk_free(second);
  pubrio_bulk_free(first);
  pubrio_client_free(c2);
}

/* Contacts are stored a batch at a time as array parameters: values the
 * array syntax gives meaning to (quotes, backslashes, commas, braces, the
 * word NULL) come back exactly, a null status stays null. */
static void contacts_with_array_syntax_come_back_exactly(void **state) {
  fixture *f = *state;
  static const char *const values[] = {"a\"b,c}{", "back\\slash", "NULL",
                                       "{\"x\"}"};
  static const char *const statuses[] = {"NULL", NULL, "ok", ""};
  char body[1024];
  snprintf(body, sizeof body,
           "{\"data\":{\"profile\":{\"total_charged_credit\":4},"
           "\"query\":{\"redeem_query_id\":"
           "\"00000000-0000-4000-8000-000000000001\",\"is_completed\":true},"
           "\"peoples\":[{\"people_search_id\":\"%s\",\"phones\":["
           "{\"value\":\"a\\\"b,c}{\",\"type\":\"phone\",\"status\":\"NULL\"},"
           "{\"value\":\"back\\\\slash\",\"type\":\"phone\",\"status\":null},"
           "{\"value\":\"NULL\",\"type\":\"phone\",\"status\":\"ok\"},"
           "{\"value\":\"{\\\"x\\\"}\",\"type\":\"phone\",\"status\":\"\"}"
           "]}]}}",
           ids[0]);
  script(f, QUERY_PATH, 200, body, NULL, NULL);
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  pubrio_bulk_options_set_journal(o, journal, 0, NULL);
  pubrio_bulk *b = NULL;
  assert_int_equal(
      pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err),
      PUBRIO_OK);
  assert_int_equal(pubrio_bulk_add_people(b, id_ptrs, 1, &f->err), PUBRIO_OK);
  assert_int_equal(pubrio_bulk_run(b, NULL, NULL, &f->err), PUBRIO_OK);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  pubrio_journal *j = NULL;
  assert_int_equal(pubrio_journal_open(&j, journal, &f->err), PUBRIO_OK);
  const pubrio_person *p = NULL;
  assert_int_equal(pubrio_journal_next_person(j, &p, &f->err), PUBRIO_OK);
  assert_non_null(p);
  assert_string_equal(p->people_search_id, ids[0]);
  assert_int_equal(p->phone_count, 4);
  for (size_t i = 0; i < 4; i++) {
    const pubrio_contact *c = pubrio_person_phone(p, i);
    assert_string_equal(c->value, values[i]); /* in the answer's order */
    if (statuses[i])
      assert_string_equal(c->status, statuses[i]);
    else
      assert_null(c->status);
  }
  pubrio_journal_free(j);
}

/* A stored batch number is bounded as on SQLite: an accepted batch
 * numbered 0 (not one this library writes) is named, not read. */
static void an_accepted_batch_out_of_range_is_named(void **state) {
  fixture *f = *state;
  assert_int_equal(run(f, journal), PUBRIO_OK);
  on_journal("UPDATE batches SET state = 'accepted', number = 0", NULL, 0);
  pubrio_journal *j = NULL;
  pubrio_status st = pubrio_journal_open(&j, journal, &f->err);
  pubrio_journal_free(j); /* read open, it would hold the schema's drop */
  refused_naming(f, st, "the number 0, out of range");
}

static fake_server_options ready = {.estimated_time = 0};

#define T(name)                                                                \
  cmocka_unit_test_prestate_setup_teardown(name, setup, teardown, &ready)

int main(void) {
  for (int i = 0; i < PEOPLE; i++) {
    snprintf(ids[i], sizeof ids[i], "50000000-0000-4000-8000-%012d", i);
    id_ptrs[i] = ids[i];
  }
  const struct CMUnitTest tests[] = {
      T(the_password_is_in_no_message),
      T(another_programs_schema_is_refused_and_left),
      T(a_journal_records_its_version_and_refuses_others),
      T(a_planted_trigger_or_table_is_refused),
      T(an_empty_schema_reads_as_no_journal),
      T(runs_at_once_buy_each_person_once),
      T(a_batch_another_run_left_is_collected),
      T(the_unclaimed_people_of_a_claimed_batch_are_bought),
      T(contacts_with_array_syntax_come_back_exactly),
      T(an_accepted_batch_out_of_range_is_named),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
