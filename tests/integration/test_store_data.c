/* A journal is data, never code, and never trusted further than what it
 * holds: a planted trigger or any object this library never makes is
 * refused by name, a crafted count is bounded by the rows stored, a
 * damaged row is named and stepped over, a file others can write is
 * refused before anything is stored. Each journal is first made by a real
 * run against the fake server, then changed with SQLite as an attacker or
 * a broken disk would. */
#include "test_support.h"

#include "fake_api.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { PEOPLE = 5 };
static char ids[PEOPLE][PUBRIO_ID_LEN + 1];
static const char *id_ptrs[PEOPLE];
static char journal[JOURNAL_PATH_MAX];

static int setup(void **state) {
  journal_path_new(journal, "data");
  *state = fixture_new(*state);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  char other[JOURNAL_PATH_MAX + 16];
  snprintf(other, sizeof other, "%s-journal", journal);
  unlink(other);
  journal_remove(journal);
  return 0;
}

static pubrio_bulk_options *journaled(int batch_size) {
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  pubrio_bulk_options_set_batch_size(o, batch_size, NULL);
  pubrio_bulk_options_set_journal(o, journal, 0, NULL);
  return o;
}

/* A run that buys the PEOPLE, collected and stored; the journal closed. */
static void buy_all(fixture *f, int batch_size) {
  pubrio_bulk_options *o = journaled(batch_size);
  pubrio_bulk *b = NULL;
  assert_int_equal(
      pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err),
      PUBRIO_OK);
  assert_int_equal(pubrio_bulk_add_people(b, id_ptrs, PEOPLE, &f->err),
                   PUBRIO_OK);
  assert_int_equal(pubrio_bulk_run(b, NULL, NULL, &f->err), PUBRIO_OK);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* Change the closed journal as another program would. */
static void tamper(const char *sql) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(journal, &db), SQLITE_OK);
  char *message = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    fail_msg("%s: %s", sql, message);
  sqlite3_close(db);
}

/* A new run on the journal: the status, with the error in f->err. */
static pubrio_status rerun(fixture *f) {
  pubrio_bulk_options *o = journaled(PUBRIO_BATCH_SIZE_MAX);
  pubrio_bulk *b = NULL;
  pubrio_error_clear(&f->err);
  pubrio_status st =
      pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err);
  if (st == PUBRIO_OK)
    st = pubrio_bulk_add_people(b, id_ptrs, PEOPLE, &f->err);
  if (st == PUBRIO_OK)
    st = pubrio_bulk_run(b, NULL, NULL, &f->err);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  return st;
}

static void refused_naming(fixture *f, pubrio_status st, const char *what) {
  assert_int_equal(st, PUBRIO_E_JOURNAL);
  assert_non_null(f->err.message);
  if (!strstr(f->err.message, what))
    fail_msg("'%s' not in: %s", what, f->err.message);
}

/* The issue's attack: the right application_id and user_version, plus a
 * trigger that erases each purchase, so every rerun bought the same people
 * again. Refused by name, before any request; nothing bought again. */
static void a_planted_trigger_is_refused_by_name(void **state) {
  fixture *f = *state;
  buy_all(f, PUBRIO_BATCH_SIZE_MAX);
  size_t before = fake_server_request_count(f->server, NULL);
  tamper("CREATE TRIGGER erase_purchases AFTER INSERT ON runs BEGIN"
         " DELETE FROM people; DELETE FROM contacts; END;");
  refused_naming(f, rerun(f), "trigger named 'erase_purchases'");
  assert_int_equal(fake_server_request_count(f->server, NULL), before);
  /* Reading it is refused too, and nothing was erased. */
  pubrio_journal *j = NULL;
  pubrio_error_clear(&f->err);
  refused_naming(f, pubrio_journal_open(&j, journal, &f->err),
                 "erase_purchases");
  assert_null(j);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open(journal, &db), SQLITE_OK);
  assert_int_equal(
      sqlite3_prepare_v2(db, "SELECT count(*) FROM people", -1, &st, NULL),
      SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), PEOPLE);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/* A view, an extra table, or a table of ours made another way: each named. */
static void any_object_not_ours_is_refused(void **state) {
  fixture *f = *state;
  buy_all(f, PUBRIO_BATCH_SIZE_MAX);
  tamper("CREATE VIEW everyone AS SELECT * FROM contacts;");
  refused_naming(f, rerun(f), "view named 'everyone'");
  tamper("DROP VIEW everyone; CREATE TABLE notes(x);");
  refused_naming(f, rerun(f), "table named 'notes'");
  tamper("DROP TABLE notes; DROP INDEX contacts_by_person;"
         " CREATE INDEX contacts_by_person ON contacts(value);");
  refused_naming(f, rerun(f), "index 'contacts_by_person' that is not");
  tamper("DROP INDEX contacts_by_person;");
  refused_naming(f, rerun(f), "lacks its index 'contacts_by_person'");
  /* Put back as it was made: the journal opens again. */
  tamper("CREATE INDEX contacts_by_person ON contacts(person);");
  pubrio_error_clear(&f->err);
  assert_int_equal(rerun(f), PUBRIO_OK);
}

/* A crafted people count of 2^60 + 1 on an accepted batch once wrapped an
 * allocation to 16 bytes and the rows were copied past it: the batch's
 * people are its stored rows, whatever the count says. */
static void a_crafted_count_is_bounded_by_the_rows(void **state) {
  fixture *f = *state;
  buy_all(f, PUBRIO_BATCH_SIZE_MAX);
  tamper("UPDATE batches SET state = 'accepted', people ="
         " 1152921504606846977");
  pubrio_journal *j = NULL;
  assert_int_equal(pubrio_journal_open(&j, journal, &f->err), PUBRIO_OK);
  size_t count = 0;
  assert_non_null(pubrio_journal_uncollected(j, 0, &count));
  assert_int_equal(count, PEOPLE);
  pubrio_journal_free(j);
  /* A run collects it again (a poll, free), submits nobody. */
  size_t before = fake_server_request_count(f->server, SUBMIT_PATH);
  pubrio_error_clear(&f->err);
  assert_int_equal(rerun(f), PUBRIO_OK);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), before);
}

/* One person's id cut to one byte: export named it and printed nobody. Now
 * the damaged row is an error naming it, and the four others come out. */
static void a_damaged_row_is_named_and_the_rest_read(void **state) {
  fixture *f = *state;
  buy_all(f, PUBRIO_BATCH_SIZE_MAX);
  tamper("UPDATE people SET person = x'41' WHERE person = (SELECT min(person)"
         " FROM people)");
  pubrio_journal *j = NULL;
  assert_int_equal(pubrio_journal_open(&j, journal, &f->err), PUBRIO_OK);
  size_t people = 0, errors = 0;
  for (int calls = 0; calls < 20; calls++) {
    const pubrio_person *p = NULL;
    pubrio_error_clear(&f->err);
    pubrio_status st = pubrio_journal_next_person(j, &p, &f->err);
    if (st != PUBRIO_OK) {
      refused_naming(f, st, "its id is a 1-byte value 41");
      errors++;
      continue;
    }
    if (!p)
      break;
    assert_non_null(p->people_search_id);
    people++;
  }
  assert_int_equal(errors, 1);
  assert_int_equal(people, PEOPLE - 1);
  pubrio_journal_free(j);
}

/* A journal others can write (0666, even if ours), or a rollback journal
 * planted beside it, is refused before anything is stored or sent. */
static void a_journal_others_can_write_is_refused(void **state) {
  fixture *f = *state;
  int fd = open(journal, O_CREAT | O_EXCL | O_WRONLY, 0600);
  assert_true(fd >= 0);
  close(fd);
  assert_int_equal(chmod(journal, 0666), 0);
  refused_naming(f, rerun(f), "can be written by others (mode 666)");
  struct stat st;
  assert_int_equal(stat(journal, &st), 0);
  assert_int_equal(st.st_size, 0); /* untouched */
  assert_int_equal(chmod(journal, 0600), 0);
  char planted[JOURNAL_PATH_MAX + 16];
  snprintf(planted, sizeof planted, "%s-journal", journal);
  fd = open(planted, O_CREAT | O_EXCL | O_WRONLY, 0600);
  assert_true(fd >= 0);
  close(fd);
  assert_int_equal(chmod(planted, 0622), 0);
  refused_naming(f, rerun(f), "-journal can be written by others");
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
  unlink(planted);
  pubrio_error_clear(&f->err);
  assert_int_equal(rerun(f), PUBRIO_OK);
}

static int count_people(const pubrio_bulk_event *ev, void *userdata) {
  if (ev->kind == PUBRIO_BULK_PERSON)
    ++*(size_t *)userdata;
  return 0;
}

/* A run of @p people on the journal whose /profile says @p workspace (-1:
 * as the fake server answers, workspace 1): its status, people handed out
 * in *handed, batches named uncollected in *named. */
static pubrio_status run_as(fixture *f, pubrio_client *client,
                            int64_t workspace, size_t *handed, size_t *named) {
  if (workspace >= 0) {
    char body[160];
    snprintf(body, sizeof body,
             "{\"data\":{\"profile_id\":%lld,\"credit\":1000,"
             "\"subscription\":{\"email_redeem_credit\":1,"
             "\"phone_number_redeem_credit\":1}}}",
             (long long)workspace);
    script(f, "/profile", 200, body, NULL, NULL);
  }
  pubrio_bulk_options *o = journaled(PUBRIO_BATCH_SIZE_MAX);
  pubrio_bulk *b = NULL;
  pubrio_error_clear(&f->err);
  *handed = *named = 0;
  pubrio_status st =
      pubrio_bulk_new(&b, client, PUBRIO_CONTACT_PHONE, o, &f->err);
  if (st == PUBRIO_OK)
    st = pubrio_bulk_add_people(b, id_ptrs, PEOPLE, &f->err);
  if (st == PUBRIO_OK)
    st = pubrio_bulk_run(b, count_people, handed, &f->err);
  while (b && pubrio_bulk_uncollected(b, *named, NULL))
    ++*named;
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  return st;
}

/* A client with a key of another workspace (the fake server refuses it,
 * but answers what a test scripts first: its /profile). */
static pubrio_client *other_key(fixture *f) {
  pubrio_client *c = NULL;
  assert_int_equal(pubrio_client_new(&c, "another-workspace-key", NULL),
                   PUBRIO_OK);
  assert_int_equal(
      pubrio_client_set_base_url(c, fake_server_url(f->server), NULL),
      PUBRIO_OK);
  return c;
}

/* A journal used with a key of another workspace once handed out the
 * first workspace's people without a request, polled its batch with the
 * wrong key and counted its charges. Now the run says what it found and
 * hands out, polls and buys nothing; the first workspace's key still
 * gets everything. */
static void another_workspace_gets_nothing_of_the_first(void **state) {
  fixture *f = *state;
  buy_all(f, 2); /* workspace 1, as the fake server's /profile says */
  /* One batch left accepted, to be collected by a later run. */
  tamper("UPDATE batches SET state = 'accepted' WHERE number = 1");
  size_t handed, named,
      polls = fake_server_request_count(f->server, QUERY_PATH);
  size_t submits = fake_server_request_count(f->server, SUBMIT_PATH);
  pubrio_client *other = other_key(f);
  refused_naming(f, run_as(f, other, 2, &handed, &named),
                 "purchases of workspace 1 and this key is of workspace 2");
  assert_int_equal(handed, 0);
  assert_int_equal(named, 0);
  assert_int_equal(fake_server_request_count(f->server, QUERY_PATH), polls);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), submits);
  /* Nothing handed out to it either when there is nothing to buy. */
  tamper("UPDATE batches SET state = 'collected' WHERE number = 1");
  refused_naming(f, run_as(f, other, 2, &handed, &named), "workspace 2");
  assert_int_equal(handed, 0);
  tamper("UPDATE batches SET state = 'accepted' WHERE number = 1");
  pubrio_client_free(other);
  /* The first workspace's key: everything, the batch collected. */
  assert_int_equal(run_as(f, f->client, -1, &handed, &named), PUBRIO_OK);
  assert_int_equal(handed, PEOPLE);
  assert_int_equal(named, 0);
  assert_int_equal(fake_server_request_count(f->server, QUERY_PATH), polls + 1);
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), submits);
}

/* A version 2 journal (before workspaces) is brought up to date and tied to
 * the workspace of the first run that knows it. */
static void a_version_2_journal_is_tied_on_its_next_run(void **state) {
  fixture *f = *state;
  buy_all(f, PUBRIO_BATCH_SIZE_MAX);
  tamper("ALTER TABLE runs DROP COLUMN key_mark; ALTER TABLE runs DROP COLUMN"
         " workspace; DROP TABLE journal_key; DROP TABLE forgotten;"
         " DROP TABLE lookups; PRAGMA user_version = 2;");
  size_t handed, named;
  size_t reads = fake_server_request_count(f->server, "/profile");
  assert_int_equal(run_as(f, f->client, 7, &handed, &named), PUBRIO_OK);
  assert_int_equal(handed, PEOPLE); /* nobody knew better */
  /* Nothing to buy, but the purchases' workspace was not known: asked. */
  assert_int_equal(fake_server_request_count(f->server, "/profile"), reads + 1);
  /* The same key again: known, not asked. */
  assert_int_equal(run_as(f, f->client, -1, &handed, &named), PUBRIO_OK);
  assert_int_equal(handed, PEOPLE);
  assert_int_equal(fake_server_request_count(f->server, "/profile"), reads + 1);
  pubrio_client *other = other_key(f);
  refused_naming(f, run_as(f, other, 8, &handed, &named),
                 "purchases of workspace 7 and this key is of workspace 8");
  assert_int_equal(handed, 0);
  /* Its workspace unreadable (the server refuses the key): nothing. */
  refused_naming(f, run_as(f, other, -1, &handed, &named),
                 "its workspace could not be read");
  assert_int_equal(handed, 0);
  pubrio_client_free(other);
}

/* Whether @p needle (@p len bytes) is anywhere in the file at @p path. */
static int file_holds(const char *path, const void *needle, size_t len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return 0;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = malloc(size > 0 ? (size_t)size : 1);
  assert_non_null(data);
  size_t got = fread(data, 1, (size_t)size, f);
  fclose(f);
  int found = 0;
  for (size_t i = 0; !found && i + len <= got; i++)
    found = memcmp(data + i, needle, len) == 0;
  free(data);
  return found;
}

/* In the database or its WAL, raw bytes. */
static int journal_holds(const void *needle, size_t len) {
  char wal[JOURNAL_PATH_MAX + 16];
  snprintf(wal, sizeof wal, "%s-wal", journal);
  return file_holds(journal, needle, len) || file_holds(wal, needle, len);
}

/* The phone bought for person @p i, copied from the journal. */
static void phone_of(fixture *f, int i, char *out, size_t size) {
  pubrio_journal *j = NULL;
  assert_int_equal(pubrio_journal_open(&j, journal, &f->err), PUBRIO_OK);
  const pubrio_person *p = NULL;
  out[0] = '\0';
  while (pubrio_journal_next_person(j, &p, &f->err) == PUBRIO_OK && p)
    if (strcmp(p->people_search_id, ids[i]) == 0 && p->phone_count)
      snprintf(out, size, "%s", pubrio_person_phone(p, 0)->value);
  pubrio_journal_free(j);
  assert_true(out[0] != '\0');
}

/* Forgetting erases a person from every byte of the database and its WAL
 * (by id, or by a phone of theirs), keeps only a keyed mark, and no later
 * run buys them, --refresh or not, until unforgotten. */
static void forgotten_people_leave_no_byte_and_are_never_bought(void **state) {
  fixture *f = *state;
  buy_all(f, 2);
  char phone0[64], phone1[64], phone2[64];
  phone_of(f, 0, phone0, sizeof phone0);
  phone_of(f, 1, phone1, sizeof phone1);
  phone_of(f, 2, phone2, sizeof phone2);
  uint8_t id0[16] = {0x40, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 0};
  assert_true(journal_holds(phone0, strlen(phone0))); /* the search works */
  assert_true(journal_holds(id0, sizeof id0));
  const char *items[] = {ids[0], phone1};
  size_t forgotten = 0, unmatched = 9;
  assert_int_equal(
      pubrio_journal_forget(journal, items, 2, &forgotten, &unmatched, &f->err),
      PUBRIO_OK);
  assert_int_equal(forgotten, 2);
  assert_int_equal(unmatched, 0);
  assert_false(journal_holds(phone0, strlen(phone0)));
  assert_false(journal_holds(phone1, strlen(phone1)));
  assert_false(journal_holds(id0, sizeof id0));
  assert_false(journal_holds(ids[0], PUBRIO_ID_LEN));
  assert_true(journal_holds(phone2, strlen(phone2))); /* the rest stays */
  /* Export: the three others. */
  pubrio_journal *j = NULL;
  assert_int_equal(pubrio_journal_open(&j, journal, &f->err), PUBRIO_OK);
  size_t people = 0;
  pubrio_journal_counts(j, &people, NULL);
  assert_int_equal(people, PEOPLE - 2);
  pubrio_journal_free(j);
  /* A rerun with --refresh buys the three again, never the forgotten. */
  size_t submitted, before;
  int repeat;
  fake_server_people_stats(f->server, &before, &repeat);
  pubrio_bulk_options *o = journaled(PUBRIO_BATCH_SIZE_MAX);
  pubrio_bulk_options_set_refresh(o, 1, NULL);
  pubrio_bulk *b = NULL;
  assert_int_equal(
      pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err),
      PUBRIO_OK);
  assert_int_equal(pubrio_bulk_add_people(b, id_ptrs, PEOPLE, &f->err),
                   PUBRIO_OK);
  size_t handed = 0;
  assert_int_equal(pubrio_bulk_run(b, count_people, &handed, &f->err),
                   PUBRIO_OK);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
  fake_server_people_stats(f->server, &submitted, &repeat);
  assert_int_equal(submitted - before, PEOPLE - 2);
  assert_int_equal(handed, PEOPLE - 2);
  /* Unforgotten by id: bought again (the other stays forgotten). */
  size_t undone = 0;
  assert_int_equal(pubrio_journal_unforget(journal, items, 1, &undone, &f->err),
                   PUBRIO_OK);
  assert_int_equal(undone, 1);
  size_t named;
  assert_int_equal(run_as(f, f->client, -1, &handed, &named), PUBRIO_OK);
  fake_server_people_stats(f->server, &before, &repeat);
  assert_int_equal(before - submitted, 1);
  assert_int_equal(handed, PEOPLE - 1);
}

static int count_not_found(const pubrio_bulk_event *ev, void *userdata) {
  size_t *counts = userdata;
  counts[0] += ev->kind == PUBRIO_BULK_PERSON;
  counts[1] += ev->kind == PUBRIO_BULK_NOT_FOUND;
  return 0;
}

/* A run of one LinkedIn URL on the journal: [people, not found] events. */
static void run_url(fixture *f, const char *url, size_t counts[2]) {
  pubrio_bulk_options *o = journaled(PUBRIO_BATCH_SIZE_MAX);
  pubrio_bulk *b = NULL;
  assert_int_equal(
      pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err),
      PUBRIO_OK);
  assert_int_equal(pubrio_bulk_add_linkedin_urls(b, &url, 1, &f->err),
                   PUBRIO_OK);
  counts[0] = counts[1] = 0;
  assert_int_equal(pubrio_bulk_run(b, count_not_found, counts, &f->err),
                   PUBRIO_OK);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

/* Forgotten by LinkedIn URL (any spelling): the person it named and the
 * URL itself leave no byte; a later run never redeems the URL again. */
static void a_person_is_forgotten_by_linkedin_url(void **state) {
  fixture *f = *state;
  const char *url = "https://www.linkedin.com/in/jane-doe";
  char id[37];
  assert_int_equal(fake_api_resolve_linkedin(url, id), 0);
  size_t counts[2];
  run_url(f, url, counts);
  assert_int_equal(counts[0], 1);
  assert_true(journal_holds("jane-doe", 8));
  const char *items[] = {"http://uk.linkedin.com/in/Jane-Doe/?trk=x"};
  size_t forgotten = 0;
  assert_int_equal(
      pubrio_journal_forget(journal, items, 1, &forgotten, NULL, &f->err),
      PUBRIO_OK);
  assert_int_equal(forgotten, 1);
  assert_false(journal_holds("jane-doe", 8));
  size_t singles = fake_server_request_count(f->server, "/redeem/people");
  run_url(f, url, counts);
  assert_int_equal(counts[0], 0);
  assert_int_equal(counts[1], 1); /* named, not bought */
  assert_int_equal(fake_server_request_count(f->server, "/redeem/people"),
                   singles);
}

/* Bad items are refused before the journal is touched. */
static void forget_refuses_bad_items(void **state) {
  fixture *f = *state;
  const char *url[] = {"https://www.linkedin.com/company/someone"};
  const char *empty[] = {""};
  assert_int_equal(pubrio_journal_forget(journal, url, 1, NULL, NULL, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(
      pubrio_journal_forget(journal, empty, 1, NULL, NULL, &f->err),
      PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_journal_forget(journal, url, 0, NULL, NULL, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  const char *not_id[] = {"nope"};
  assert_int_equal(pubrio_journal_unforget(journal, not_id, 1, NULL, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(access(journal, F_OK), -1); /* never made */
}

/* Retention: contacts collected before a time are erased (no byte left),
 * with no mark (a later run may buy them again); the oldest contact's
 * time is read back. */
static void contacts_older_than_a_time_are_erased(void **state) {
  fixture *f = *state;
  buy_all(f, PUBRIO_BATCH_SIZE_MAX);
  char phone0[64], phone1[64];
  phone_of(f, 0, phone0, sizeof phone0);
  phone_of(f, 1, phone1, sizeof phone1);
  int64_t now = (int64_t)time(NULL), old = now - 40 * 86400;
  char sql[200];
  snprintf(sql, sizeof sql,
           "UPDATE contacts SET at = %lld WHERE person = x'40000000000040008000"
           "000000000000'",
           (long long)old);
  tamper(sql);
  pubrio_journal *j = NULL;
  assert_int_equal(pubrio_journal_open(&j, journal, &f->err), PUBRIO_OK);
  int64_t oldest = 0;
  assert_int_equal(pubrio_journal_oldest_contact(j, &oldest), 1);
  assert_int_equal(oldest, old);
  pubrio_journal_free(j);
  size_t erased = 0;
  assert_int_equal(
      pubrio_journal_forget_older(journal, now - 30 * 86400, &erased, &f->err),
      PUBRIO_OK);
  assert_int_equal(erased, 1);
  assert_false(journal_holds(phone0, strlen(phone0)));
  assert_true(journal_holds(phone1, strlen(phone1)));
  assert_int_equal(pubrio_journal_open(&j, journal, &f->err), PUBRIO_OK);
  assert_int_equal(pubrio_journal_oldest_contact(j, &oldest), 1);
  assert_true(oldest >= now - 60);
  size_t people = 0;
  pubrio_journal_counts(j, &people, NULL);
  assert_int_equal(people, PEOPLE - 1);
  pubrio_journal_free(j);
  /* No mark: a later run buys that person again. */
  size_t before, after, handed, named;
  int repeat;
  fake_server_people_stats(f->server, &before, &repeat);
  assert_int_equal(run_as(f, f->client, -1, &handed, &named), PUBRIO_OK);
  fake_server_people_stats(f->server, &after, &repeat);
  assert_int_equal(after - before, 1);
  assert_int_equal(handed, PEOPLE);
}

/* A database password in a connection string given as the journal (as a
 * PostgreSQL store would take it) never appears in a message. */
static void a_password_in_the_journal_path_is_never_printed(void **state) {
  fixture *f = *state;
  const char *url = "postgresql://ana:s3cret-pw@127.0.0.1/pubrio";
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  pubrio_bulk_options_set_journal(o, url, 0, NULL);
  pubrio_bulk *b = NULL;
  assert_int_equal(
      pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err),
      PUBRIO_E_JOURNAL);
  assert_null(strstr(f->err.message, "s3cret-pw"));
  refused_naming(f, PUBRIO_E_JOURNAL, "postgresql://ana:***@127.0.0.1/pubrio");
  pubrio_bulk_options_free(o);
  pubrio_journal *j = NULL;
  pubrio_error_clear(&f->err);
  assert_int_equal(pubrio_journal_open(&j, url, &f->err), PUBRIO_E_JOURNAL);
  assert_null(strstr(f->err.message, "s3cret-pw"));
  refused_naming(f, PUBRIO_E_JOURNAL, "ana:***@");
  const char *items[] = {ids[0]};
  pubrio_error_clear(&f->err);
  assert_int_equal(pubrio_journal_forget(url, items, 1, NULL, NULL, &f->err),
                   PUBRIO_E_JOURNAL);
  assert_null(strstr(f->err.message, "s3cret-pw"));
}

static fake_server_options ready = {.estimated_time = 0};

#define T(name)                                                                \
  cmocka_unit_test_prestate_setup_teardown(name, setup, teardown, &ready)

int main(void) {
  for (int i = 0; i < PEOPLE; i++) {
    snprintf(ids[i], sizeof ids[i], "40000000-0000-4000-8000-%012d", i);
    id_ptrs[i] = ids[i];
  }
  const struct CMUnitTest tests[] = {
      T(a_planted_trigger_is_refused_by_name),
      T(any_object_not_ours_is_refused),
      T(a_crafted_count_is_bounded_by_the_rows),
      T(a_damaged_row_is_named_and_the_rest_read),
      T(a_journal_others_can_write_is_refused),
      T(another_workspace_gets_nothing_of_the_first),
      T(a_version_2_journal_is_tied_on_its_next_run),
      T(forgotten_people_leave_no_byte_and_are_never_bought),
      T(forget_refuses_bad_items),
      T(a_person_is_forgotten_by_linkedin_url),
      T(a_password_in_the_journal_path_is_never_printed),
      T(contacts_older_than_a_time_are_erased),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
