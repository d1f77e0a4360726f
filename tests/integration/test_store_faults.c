/* The journal under a full disk and an I/O error mid-run, as SQLite tests
 * itself: a VFS wrapping the real one fails writes (SQLITE_FULL) or syncs
 * (SQLITE_IOERR) on demand. The run stops as on Ctrl-C, nothing paid for
 * is lost (collected, named, or left uncertain), and the database still
 * opens and resumes. */
#include "test_support.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- a VFS whose writes and syncs fail on demand ------------------------ */

static sqlite3_vfs *real_vfs;
static sqlite3_vfs faulty_vfs;
static int fail_writes, fail_syncs; /* set by a test mid-run */

typedef struct wrapped {
  sqlite3_file base;
  sqlite3_file *real; /* follows this struct */
} wrapped;

#define REAL(f) (((wrapped *)(f))->real)

static int w_close(sqlite3_file *f) {
  int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : 0;
  return rc;
}
static int w_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off) {
  return REAL(f)->pMethods->xRead(REAL(f), p, n, off);
}
static int w_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off) {
  if (fail_writes)
    return SQLITE_FULL;
  return REAL(f)->pMethods->xWrite(REAL(f), p, n, off);
}
static int w_truncate(sqlite3_file *f, sqlite3_int64 size) {
  return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int w_sync(sqlite3_file *f, int flags) {
  if (fail_syncs)
    return SQLITE_IOERR_FSYNC;
  return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int w_size(sqlite3_file *f, sqlite3_int64 *size) {
  return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int w_lock(sqlite3_file *f, int lock) {
  return REAL(f)->pMethods->xLock(REAL(f), lock);
}
static int w_unlock(sqlite3_file *f, int lock) {
  return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}
static int w_reserved(sqlite3_file *f, int *out) {
  return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int w_control(sqlite3_file *f, int op, void *arg) {
  return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int w_sector(sqlite3_file *f) {
  return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int w_device(sqlite3_file *f) {
  return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int w_shm_map(sqlite3_file *f, int page, int size, int extend,
                     void volatile **out) {
  return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, out);
}
static int w_shm_lock(sqlite3_file *f, int offset, int n, int flags) {
  return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void w_shm_barrier(sqlite3_file *f) {
  REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int w_shm_unmap(sqlite3_file *f, int del) {
  return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static const sqlite3_io_methods wrapped_methods = {
    .iVersion = 2,
    .xClose = w_close,
    .xRead = w_read,
    .xWrite = w_write,
    .xTruncate = w_truncate,
    .xSync = w_sync,
    .xFileSize = w_size,
    .xLock = w_lock,
    .xUnlock = w_unlock,
    .xCheckReservedLock = w_reserved,
    .xFileControl = w_control,
    .xSectorSize = w_sector,
    .xDeviceCharacteristics = w_device,
    .xShmMap = w_shm_map,
    .xShmLock = w_shm_lock,
    .xShmBarrier = w_shm_barrier,
    .xShmUnmap = w_shm_unmap};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
                  int flags, int *out_flags) {
  (void)vfs;
  wrapped *w = (wrapped *)f;
  w->real = (sqlite3_file *)(w + 1);
  int rc = real_vfs->xOpen(real_vfs, name, w->real, flags, out_flags);
  w->base.pMethods = rc == SQLITE_OK ? &wrapped_methods : NULL;
  return rc;
}

static void install_faulty_vfs(void) {
  real_vfs = sqlite3_vfs_find(NULL);
  faulty_vfs = *real_vfs;
  faulty_vfs.zName = "faulty";
  faulty_vfs.szOsFile = (int)sizeof(wrapped) + real_vfs->szOsFile;
  faulty_vfs.xOpen = v_open;
  sqlite3_vfs_register(&faulty_vfs, 1); /* the default from now on */
}

/* ---- the tests ----------------------------------------------------------- */

enum { PEOPLE = 300 };
static char ids[PEOPLE][PUBRIO_ID_LEN + 1];
static const char *id_ptrs[PEOPLE];
static char journal[64];

static int setup(void **state) {
  snprintf(journal, sizeof journal, "/tmp/pubrio-faults-%d.db", (int)getpid());
  unlink(journal);
  fail_writes = fail_syncs = 0;
  *state = fixture_new(*state);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  char wal[80];
  snprintf(wal, sizeof wal, "%s-wal", journal);
  unlink(journal);
  unlink(wal);
  return 0;
}

typedef struct trip {
  int *flag;
  int after, accepted;
} trip;

/* The fault starts once a few batches were accepted: mid-run. */
static int trip_after(const pubrio_bulk_event *ev, void *userdata) {
  trip *t = userdata;
  if (ev->kind == PUBRIO_BULK_BATCH_ACCEPTED && ++t->accepted == t->after)
    *t->flag = 1;
  return 0;
}

static pubrio_bulk_options *journaled(void) {
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  pubrio_bulk_options_set_batch_size(o, 10, NULL);
  pubrio_bulk_options_set_max_in_flight(o, 2, NULL);
  pubrio_bulk_options_set_journal(o, journal, 0, NULL);
  return o;
}

/* The run's error names the cause, not what the rollback after it said
 * ("cannot rollback - no transaction is active" once hid a full disk). */
static void names_the_cause(const fixture *f, const char *cause) {
  assert_non_null(f->err.message);
  if (!strstr(f->err.message, cause) ||
      strstr(f->err.message, "cannot rollback"))
    fail_msg("'%s' not named in: %s", cause, f->err.message);
}

static void fault_mid_run_loses_nothing(fixture *f, int *flag,
                                        const char *cause) {
  pubrio_bulk_options *o = journaled();
  pubrio_bulk *b = NULL;
  assert_int_equal(
      pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err),
      PUBRIO_OK);
  assert_int_equal(pubrio_bulk_add_people(b, id_ptrs, PEOPLE, &f->err),
                   PUBRIO_OK);
  trip t = {.flag = flag, .after = 3};
  assert_int_equal(pubrio_bulk_run(b, trip_after, &t, &f->err),
                   PUBRIO_E_JOURNAL);
  names_the_cause(f, cause);
  /* Nothing paid for is lost: what the server processed is collected,
   * named as uncollected, or left uncertain (and named as such). */
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  size_t named = 0, count = 0;
  for (size_t i = 0; pubrio_bulk_uncollected(b, i, &count); i++)
    named += count;
  size_t processed;
  int repeat;
  fake_server_people_stats(f->server, &processed, &repeat);
  assert_true(processed > 0 && processed < PEOPLE);
  assert_int_equal(processed,
                   st.people_collected + named + st.people_left_uncertain);
  pubrio_bulk_free(b);
  /* The disk is back: the database opens and the run resumes, nobody
   * submitted twice. */
  *flag = 0;
  assert_int_equal(
      pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err),
      PUBRIO_OK);
  assert_int_equal(pubrio_bulk_add_people(b, id_ptrs, PEOPLE, &f->err),
                   PUBRIO_OK);
  assert_int_equal(pubrio_bulk_run(b, NULL, NULL, &f->err), PUBRIO_OK);
  fake_server_people_stats(f->server, &processed, &repeat);
  assert_int_equal(repeat, 1);
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.people_collected + st.people_left_uncertain, PEOPLE);
  pubrio_bulk_free(b);
  pubrio_bulk_options_free(o);
}

static void a_full_disk_mid_run(void **state) {
  fault_mid_run_loses_nothing(*state, &fail_writes, "database or disk is full");
}

static void an_io_error_mid_run(void **state) {
  fault_mid_run_loses_nothing(*state, &fail_syncs, "disk I/O error");
}

/* A disk full from the start: the journal cannot be made, nothing sent. */
static void a_full_disk_at_the_start(void **state) {
  fixture *f = *state;
  fail_writes = 1;
  pubrio_bulk_options *o = journaled();
  pubrio_bulk *b = NULL;
  assert_int_equal(
      pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err),
      PUBRIO_E_JOURNAL);
  assert_null(b);
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
  fail_writes = 0;
  pubrio_bulk_options_free(o);
}

static fake_server_options ready = {.estimated_time = 0};

#define T(name)                                                                \
  cmocka_unit_test_prestate_setup_teardown(name, setup, teardown, &ready)

int main(void) {
  for (int i = 0; i < PEOPLE; i++) {
    snprintf(ids[i], sizeof ids[i], "30000000-0000-4000-8000-%012d", i);
    id_ptrs[i] = ids[i];
  }
  install_faulty_vfs();
  const struct CMUnitTest tests[] = {
      T(a_full_disk_mid_run),
      T(an_io_error_mid_run),
      T(a_full_disk_at_the_start),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
