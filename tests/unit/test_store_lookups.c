/* The journal's lookups table (store version 4, its charges 5): each
 * contact lookup key's resolution survives a reopen, so a rerun asks no
 * lookup again; the key itself is never written (only its keyed hash); a
 * version 3 journal is brought up to date; forgetting a person drops the
 * keys that named them; the keys' charges count in the journal's charges
 * and a key asked without an answer in its uncertain worst case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

static int setup(void **state) {
  (void)state;
  snprintf(path, sizeof path, "/tmp/pubrio-lookups-%d.db", (int)getpid());
  unlink(path);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char side[80];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
  return 0;
}

static pri_store *open_store(int read_only) {
  pri_store *s = NULL;
  pubrio_error err = {0};
  assert_int_equal(pri_store_open(&s, path, read_only, &err), PUBRIO_OK);
  pubrio_error_clear(&err);
  return s;
}

static pri_stored_lookup state_of(pri_store *s, const char *key) {
  pri_stored_lookup got;
  assert_int_equal(pri_store_lookup_state(s, key, &got), 0);
  return got;
}

static void sql(const char *statement) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, statement, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

static int64_t sql_int(const char *query) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, query, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

static const uint8_t ann[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};

/* Intent, then answers: each key reads back as recorded after a reopen. */
static void resolutions_survive_a_reopen(void **state) {
  (void)state;
  pri_store *s = open_store(0);
  assert_int_equal(state_of(s, "e:ann@acme.io").state, PRI_STORED_LOOKUP_NEW);
  pri_stored_lookup rows[3] = {
      {"e:ann@acme.io", PRI_STORED_LOOKUP_ASKED, {0}, 0, 0},
      {"p:+15550100", PRI_STORED_LOOKUP_ASKED, {0}, 0, 0},
      {"c:acme", PRI_STORED_LOOKUP_ASKED, {0}, 0, 0}};
  assert_int_equal(pri_store_lookups_record(s, rows, 3), 0);
  rows[0].state = PRI_STORED_LOOKUP_FOUND;
  memcpy(rows[0].person, ann, 16);
  rows[0].confidence = PUBRIO_LOOKUP_EXACT;
  rows[1].state = PRI_STORED_LOOKUP_NOT_FOUND;
  assert_int_equal(pri_store_lookups_record(s, rows, 2), 0);
  pri_store_close(s);

  s = open_store(0);
  pri_stored_lookup got = state_of(s, "e:ann@acme.io");
  assert_int_equal(got.state, PRI_STORED_LOOKUP_FOUND);
  assert_memory_equal(got.person, ann, 16);
  assert_int_equal(got.confidence, PUBRIO_LOOKUP_EXACT);
  assert_int_equal(state_of(s, "p:+15550100").state,
                   PRI_STORED_LOOKUP_NOT_FOUND);
  /* Asked without an answer: uncertain, never taken for an answer. */
  assert_int_equal(state_of(s, "c:acme").state, PRI_STORED_LOOKUP_ASKED);
  assert_int_equal(state_of(s, "e:bob@acme.io").state, PRI_STORED_LOOKUP_NEW);
  /* A refusal that proves nothing was processed drops the intent. */
  rows[2].state = PRI_STORED_LOOKUP_NEW;
  assert_int_equal(pri_store_lookups_record(s, &rows[2], 1), 0);
  assert_int_equal(state_of(s, "c:acme").state, PRI_STORED_LOOKUP_NEW);
  pri_store_close(s);
  /* The keys are personal data: only their marks are stored. */
  assert_int_equal(sql_int("SELECT count(*) FROM lookups"), 2);
  assert_int_equal(sql_int("SELECT count(*) FROM lookups WHERE"
                           " instr(mark, 'ann@acme.io') OR length(mark) != 32"),
                   0);
}

/* A damaged row (found without a person) is never an answer. */
static void a_damaged_row_reads_as_asked(void **state) {
  (void)state;
  pri_store *s = open_store(0);
  pri_stored_lookup row = {"e:ann@acme.io", PRI_STORED_LOOKUP_FOUND, {0}, 1, 0};
  memcpy(row.person, ann, 16);
  assert_int_equal(pri_store_lookups_record(s, &row, 1), 0);
  pri_store_close(s);
  sql("UPDATE lookups SET person = x'0102'");
  s = open_store(0);
  assert_int_equal(state_of(s, "e:ann@acme.io").state, PRI_STORED_LOOKUP_ASKED);
  pri_store_close(s);
}

/* A version 3 journal gains the table when opened to write; opened read
 * only it keeps its version and knows no lookup. */
static void a_version_3_journal_is_brought_up_to_date(void **state) {
  (void)state;
  pri_store_close(open_store(0));
  sql("DROP TABLE lookups; PRAGMA user_version = 3;");
  pri_store *s = open_store(1);
  assert_int_equal(state_of(s, "e:ann@acme.io").state, PRI_STORED_LOOKUP_NEW);
  pri_stored_lookup row = {"e:ann@acme.io", PRI_STORED_LOOKUP_ASKED, {0}, 0, 0};
  assert_int_equal(pri_store_lookups_record(s, &row, 1), -1);
  pri_store_close(s);
  assert_int_equal(sql_int("PRAGMA user_version"), 3);
  s = open_store(0);
  assert_int_equal(pri_store_lookups_record(s, &row, 1), 0);
  pri_store_close(s);
  assert_int_equal(sql_int("PRAGMA user_version"), 5);
  s = open_store(0);
  assert_int_equal(state_of(s, "e:ann@acme.io").state, PRI_STORED_LOOKUP_ASKED);
  pri_store_close(s);
}

/* Forgetting a person drops the keys that named them. */
static void forgetting_a_person_drops_their_keys(void **state) {
  (void)state;
  pri_store *s = open_store(0);
  pri_stored_lookup rows[2] = {
      {"e:ann@acme.io", PRI_STORED_LOOKUP_FOUND, {0}, 1, 0},
      {"p:+15550100", PRI_STORED_LOOKUP_NOT_FOUND, {0}, 0, 0}};
  memcpy(rows[0].person, ann, 16);
  assert_int_equal(pri_store_lookups_record(s, rows, 2), 0);
  assert_int_equal(pri_store_forget(s, ann), 0);
  assert_int_equal(state_of(s, "e:ann@acme.io").state, PRI_STORED_LOOKUP_NEW);
  assert_int_equal(state_of(s, "p:+15550100").state,
                   PRI_STORED_LOOKUP_NOT_FOUND);
  pri_store_close(s);
}

/* What each key's answers charged is in the journal's charges (a key
 * answered again adds to it); a key asked without an answer counts 1 in
 * the uncertain worst case until answered. */
static void lookup_charges_count_in_the_totals(void **state) {
  (void)state;
  static const int64_t prices[3] = {1, 1, 30};
  pri_store *s = open_store(0);
  assert_int_equal(pri_store_charged(s), 0);
  pri_stored_lookup rows[3] = {
      {"e:ann@acme.io", PRI_STORED_LOOKUP_FOUND, {0}, 1, 1},
      {"p:+15550100", PRI_STORED_LOOKUP_NOT_FOUND, {0}, 0, 2},
      {"e:bob@acme.io", PRI_STORED_LOOKUP_ASKED, {0}, 0, 0}};
  memcpy(rows[0].person, ann, 16);
  assert_int_equal(pri_store_lookups_record(s, rows, 3), 0);
  assert_int_equal(pri_store_charged(s), 3);
  assert_int_equal(pri_store_uncertain_worst(s, prices), 1);
  rows[2].state = PRI_STORED_LOOKUP_NOT_FOUND;
  assert_int_equal(pri_store_lookups_record(s, &rows[2], 1), 0);
  assert_int_equal(pri_store_uncertain_worst(s, prices), 0);
  assert_int_equal(pri_store_lookups_record(s, rows, 1), 0); /* --refresh */
  pri_store_close(s);
  s = open_store(1);
  assert_int_equal(pri_store_charged(s), 4);
  pri_store_close(s);
}

/* A version 4 journal gains lookups.charged when opened to write (its
 * keys charged 0, its resolutions kept); opened read only it still reads. */
static void a_version_4_journal_gains_the_charges(void **state) {
  (void)state;
  pri_store *s = open_store(0);
  pri_stored_lookup row = {
      "e:ann@acme.io", PRI_STORED_LOOKUP_NOT_FOUND, {0}, 0, 5};
  assert_int_equal(pri_store_lookups_record(s, &row, 1), 0);
  pri_store_close(s);
  sql("ALTER TABLE lookups DROP COLUMN charged; PRAGMA user_version = 4;");
  s = open_store(1);
  assert_int_equal(state_of(s, "e:ann@acme.io").state, PRI_STORED_LOOKUP_NEW);
  assert_int_equal(pri_store_charged(s), 0);
  pri_store_close(s);
  assert_int_equal(sql_int("PRAGMA user_version"), 4);
  s = open_store(0);
  assert_int_equal(state_of(s, "e:ann@acme.io").state,
                   PRI_STORED_LOOKUP_NOT_FOUND);
  assert_int_equal(pri_store_charged(s), 0);
  pri_store_close(s);
  assert_int_equal(sql_int("PRAGMA user_version"), 5);
  assert_int_equal(sql_int("SELECT charged FROM lookups"), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(resolutions_survive_a_reopen, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_damaged_row_reads_as_asked, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_version_3_journal_is_brought_up_to_date,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(lookup_charges_count_in_the_totals, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_version_4_journal_gains_the_charges,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(forgetting_a_person_drops_their_keys,
                                      setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
