/* The bulk run's store on SQLite (see store.h). Durability: WAL with
 * synchronous=FULL, so every commit is fsync'ed before it returns; the
 * directory is fsync'ed once the database and its WAL exist; exclusive
 * locking mode, so the first transaction takes a lock that only closing
 * releases and a second run is refused at once (busy timeout 0). */
#include "alloc.h"
#include "store_backend.h"

#include "error.h"
#include "growth.h"
#include "keyed_hash.h"
#include "uuid.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STORE_APPLICATION_ID 0x50425249 /* "PBRI" */
/* 2: batches.linkedin_url (a single redeem); 3: runs.workspace; 4: the
 * lookups table; 5: lookups.charged. Written as text in SQL. */
#define STORE_VERSION 5
#define STORE_VERSION_SQL "PRAGMA user_version = 5;"

enum {
  ST_INTENT,
  ST_ACCEPTED,
  ST_REFUSED,
  ST_ADD_PEOPLE,
  ST_UNCERTAIN_ON,
  ST_UNCERTAIN_TO_PENDING,
  ST_UNCERTAIN_OFF,
  ST_COLLECTED,
  ST_PENDING_TO_BOUGHT,
  ST_FORGET_CONTACTS,
  ST_ADD_CONTACT,
  ST_PERSON,
  ST_READ_CONTACTS,
  ST_BOUGHT,
  ST_URL,
  ST_FIRST_BOUGHT,
  ST_NEXT_BOUGHT,
  ST_LOOKUP_SET,
  ST_LOOKUP_DROP,
  ST_LOOKUP_GET,
  ST_COUNT
};

static const char *const statement_sql[ST_COUNT] = {
    [ST_INTENT] = "INSERT INTO batches(number, run, types, profile_id, people,"
                  " state, updated_at, linkedin_url) VALUES(?1, ?2, ?3, ?4,"
                  " ?5, 'intent', ?6, ?7)",
    [ST_ACCEPTED] = "UPDATE batches SET state = 'accepted', redeem_query_id ="
                    " ?2, updated_at = ?3 WHERE number = ?1",
    [ST_REFUSED] = "UPDATE batches SET state = 'refused', updated_at = ?2"
                   " WHERE number = ?1",
    [ST_ADD_PEOPLE] = "INSERT OR IGNORE INTO batch_people(batch, person)"
                      " VALUES(?1, ?2)",
    [ST_UNCERTAIN_ON] =
        "INSERT INTO people(person, uncertain) VALUES(?1, ?2) ON CONFLICT"
        "(person) DO UPDATE SET uncertain = uncertain | ?2",
    [ST_UNCERTAIN_TO_PENDING] =
        "UPDATE people SET uncertain = uncertain & ~?2, pending = pending | ?2"
        " WHERE person IN (SELECT person FROM batch_people WHERE batch = ?1)",
    [ST_UNCERTAIN_OFF] =
        "UPDATE people SET uncertain = uncertain & ~?2 WHERE person IN"
        " (SELECT person FROM batch_people WHERE batch = ?1)",
    [ST_COLLECTED] = "UPDATE batches SET state = 'collected', charged = ?2,"
                     " updated_at = ?3 WHERE number = ?1",
    [ST_PENDING_TO_BOUGHT] =
        "UPDATE people SET pending = pending & ~?2, bought = bought | ?2"
        " WHERE person IN (SELECT person FROM batch_people WHERE batch = ?1)",
    [ST_FORGET_CONTACTS] = "DELETE FROM contacts WHERE person = ?1 AND"
                           " (type IS NULL OR instr(?2, ',' || type || ','))",
    [ST_ADD_CONTACT] = "INSERT INTO contacts(person, kind, type, value, status,"
                       " batch, at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_PERSON] = "SELECT bought, pending, uncertain FROM people WHERE"
                  " person = ?1",
    [ST_READ_CONTACTS] = "SELECT kind, type, value, status FROM contacts"
                         " WHERE person = ?1 ORDER BY rowid",
    [ST_BOUGHT] = "INSERT INTO people(person, bought) VALUES(?1, ?2) ON"
                  " CONFLICT(person) DO UPDATE SET bought = bought | ?2",
    /* The URL's latest single redeem that was not refused, and whom it
     * named. */
    [ST_FIRST_BOUGHT] = "SELECT person, bought FROM people WHERE bought != 0"
                        " ORDER BY person LIMIT 1",
    [ST_NEXT_BOUGHT] = "SELECT person, bought FROM people WHERE bought != 0"
                       " AND person > ?1 ORDER BY person LIMIT 1",
    [ST_URL] = "SELECT b.state, p.person FROM batches b LEFT JOIN"
               " batch_people p ON p.batch = b.number WHERE b.linkedin_url ="
               " ?1 AND b.state != 'refused' ORDER BY b.number DESC LIMIT 1",
    /* A key asked again (--refresh) keeps what it was charged before. */
    [ST_LOOKUP_SET] =
        "INSERT INTO lookups(mark, state, person, confidence, at, charged)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(mark) DO UPDATE SET"
        " state = ?2, person = ?3, confidence = ?4, at = ?5, charged ="
        " charged + ?6",
    [ST_LOOKUP_DROP] = "DELETE FROM lookups WHERE mark = ?1",
    [ST_LOOKUP_GET] = "SELECT state, person, confidence FROM lookups WHERE"
                      " mark = ?1",
};

/* Version 2's addition, also how a version 1 store is brought up to it: a
 * single redeem by LinkedIn URL is a batch of one whose person is learned
 * from its answer. */
#define URL_COLUMN_SQL                                                         \
  "ALTER TABLE batches ADD COLUMN linkedin_url TEXT;"                          \
  "CREATE INDEX batches_by_url ON batches(linkedin_url) WHERE linkedin_url"    \
  " IS NOT NULL;"

/* Version 1's schema; each later version adds what migration_sql[] says. A
 * new store runs them all, an older one the ones it lacks, and the schema a
 * stored version must have is built the same way (check_objects()), so the
 * three can never disagree. */
static const char schema_sql[] =
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, started_at INTEGER NOT NULL,"
    " types INTEGER NOT NULL, profile_id INTEGER, library TEXT NOT NULL);"
    "CREATE TABLE batches(number INTEGER PRIMARY KEY, run INTEGER NOT NULL"
    " REFERENCES runs(id), types INTEGER NOT NULL, profile_id INTEGER,"
    " people INTEGER NOT NULL, state TEXT NOT NULL CHECK(state IN ('intent',"
    " 'accepted', 'refused', 'collected')), redeem_query_id TEXT,"
    " charged INTEGER, updated_at INTEGER NOT NULL);"
    "CREATE INDEX batches_by_state ON batches(state);"
    "CREATE TABLE batch_people(batch INTEGER NOT NULL, person BLOB NOT NULL,"
    " PRIMARY KEY(batch, person)) WITHOUT ROWID;"
    "CREATE INDEX batch_people_by_person ON batch_people(person);"
    "CREATE TABLE people(person BLOB PRIMARY KEY, bought INTEGER NOT NULL"
    " DEFAULT 0, pending INTEGER NOT NULL DEFAULT 0, uncertain INTEGER NOT"
    " NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE TABLE contacts(person BLOB NOT NULL, kind INTEGER NOT NULL,"
    " type TEXT, value TEXT, status TEXT, batch INTEGER NOT NULL,"
    " at INTEGER NOT NULL);"
    "CREATE INDEX contacts_by_person ON contacts(person);";

/* Version 3's addition: the workspace (POST /profile's profile_id) of the
 * run's key, the journal's purchases being the first known one's (a store
 * brought up from 2 has none until a run knows it); the key's mark
 * (HMAC-SHA-256 under the journal's own random key, never the key), so a
 * key seen with the workspace needs no request to prove it again; the
 * forgotten people's marks (the id's HMAC-SHA-256 under the same key). */
#define WORKSPACE_COLUMN_SQL                                                   \
  "ALTER TABLE runs ADD COLUMN workspace INTEGER;"                             \
  "ALTER TABLE runs ADD COLUMN key_mark BLOB;"                                 \
  "CREATE TABLE journal_key(key BLOB NOT NULL);"                               \
  "CREATE TABLE forgotten(mark BLOB PRIMARY KEY, at INTEGER NOT NULL)"         \
  " WITHOUT ROWID;"

/* Version 4's addition: each contact lookup key's resolution (asked
 * without an answer, a person and the confidence, or nobody), so a rerun
 * asks no lookup again. The key (an email, a phone, a name's domain or
 * company) is personal data: kept only as its mark (HMAC-SHA-256 under
 * journal_key). */
#define LOOKUPS_TABLE_SQL                                                      \
  "CREATE TABLE lookups(mark BLOB PRIMARY KEY, state INTEGER NOT NULL,"        \
  " person BLOB, confidence INTEGER NOT NULL, at INTEGER NOT NULL)"            \
  " WITHOUT ROWID;"                                                            \
  "CREATE INDEX lookups_by_person ON lookups(person) WHERE person IS NOT"      \
  " NULL;"

/* Version 5's addition: the credits each lookup key's answers charged, so
 * a rerun's budget counts them beside the batches'. */
#define LOOKUPS_CHARGED_SQL                                                    \
  "ALTER TABLE lookups ADD COLUMN charged INTEGER NOT NULL DEFAULT 0;"

/* [v - 2]: what version v adds to version v - 1. */
static const char *const migration_sql[STORE_VERSION - 1] = {
    URL_COLUMN_SQL, WORKSPACE_COLUMN_SQL, LOOKUPS_TABLE_SQL,
    LOOKUPS_CHARGED_SQL};

typedef struct sqlite_store {
  pri_store base; /* first: what the engine holds */
  sqlite3 *db;
  sqlite3_stmt *stmt[ST_COUNT];
  int has_urls;    /* the schema has batches.linkedin_url */
  int64_t version; /* of the schema, once opened (up to date when written) */
  uint8_t secret[PRI_KEYED_HASH_LEN]; /* journal_key, when opened to write */
  int has_secret;
  int64_t forgotten; /* marks when opened: none, no lookup a person */
  int64_t run;
  sqlite3_value *cursor; /* the last person pri_store_next_bought() read */
  int64_t cursor_row;    /* and its position, for naming a damaged one */
  int64_t cursor_rows;   /* people rows stored (a table scan): a damaged
                            index that hands rows out again is cut there */
  char message[256];     /* the first failure of a transaction, or a
                            damaged row: kept over what followed it */
} sqlite_store;

static int64_t epoch_now(void) { return (int64_t)time(NULL); }

static const char *sqlite_error(pri_store *store) {
  sqlite_store *s = (sqlite_store *)store;
  if (s->message[0])
    return s->message;
  return s->db ? sqlite3_errmsg(s->db) : "the store is closed";
}

/* Keep SQLite's message for the failure just seen unless one is kept
 * already: what a rollback says after a full disk ("cannot rollback - no
 * transaction is active") never hides the cause. */
static void keep_error(sqlite_store *s) {
  if (!s->message[0])
    snprintf(s->message, sizeof s->message, "%s", sqlite3_errmsg(s->db));
}

static int exec(sqlite_store *s, const char *sql) {
  return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* One integer from a query; @p fallback when there is no row. */
static int64_t query_int(sqlite_store *s, const char *sql, int64_t fallback,
                         int *failed) {
  sqlite3_stmt *st = NULL;
  int64_t v = fallback;
  int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    v = sqlite3_column_int64(st, 0);
    rc = SQLITE_DONE;
  }
  if (rc != SQLITE_DONE && failed)
    *failed = 1;
  sqlite3_finalize(st);
  return v;
}

/* A file the journal's database uses: if it exists, it is a regular file
 * of this user that nobody else can write. Another user's file (an empty
 * journal planted in a shared directory, a WAL or rollback journal beside
 * ours) would let them read every contact stored and feed the store what
 * they like. */
static pubrio_status check_owned(const struct stat *st, const char *shown,
                                 const char *what, pubrio_error *err) {
  if (!S_ISREG(st->st_mode))
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s%s is not a regular file; it was "
                         "left untouched",
                         shown, what);
  if (st->st_uid != geteuid())
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s%s belongs to another user (uid %lu), "
                         "who could read every contact stored and change the "
                         "journal: use a journal of your own; it was left "
                         "untouched",
                         shown, what, (unsigned long)st->st_uid);
  if (st->st_mode & (S_IWGRP | S_IWOTH))
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s%s can be written by others (mode "
                         "%03o): make it 0600 (chmod 600) or use another "
                         "path; it was left untouched",
                         shown, what, (unsigned)(st->st_mode & 0777));
  return PUBRIO_OK;
}

/* SQLite's own files beside the database: a planted rollback journal would
 * be played back into ours, a planted WAL read as part of it. */
static pubrio_status check_companions(const char *path, const char *shown,
                                      pubrio_error *err) {
  static const char *const suffixes[] = {"-wal", "-shm", "-journal"};
  size_t len = strlen(path);
  char *name = pri_malloc(len + 16);
  if (!name)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  pubrio_status status = PUBRIO_OK;
  for (size_t i = 0; status == PUBRIO_OK && i < 3; i++) {
    struct stat st;
    snprintf(name, len + 16, "%s%s", path, suffixes[i]);
    if (lstat(name, &st) == 0)
      status = check_owned(&st, shown, suffixes[i], err);
  }
  pri_free(name);
  return status;
}

/* The first bytes of the file at @p path say what it is; refuse anything
 * that is neither empty nor SQLite, before SQLite touches it. Creates it
 * 0600 without following a symlink. To write, the file and its companions
 * must be this user's and nobody else's to write (check_owned()). */
static pubrio_status check_file(const char *path, const char *shown,
                                int read_only, int *created,
                                pubrio_error *err) {
  int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
  int fd = open(path, read_only ? flags : flags | O_CREAT | O_EXCL, 0600);
  *created = fd >= 0 && !read_only;
  if (fd < 0 && errno == EEXIST)
    fd = open(path, flags);
  if (fd < 0 && read_only && errno == ENOENT)
    return PUBRIO_OK; /* nothing stored yet */
  if (fd < 0)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s cannot be "
                         "opened: %s%s",
                         shown, strerror(errno),
                         errno == ELOOP ? " (a symbolic link is not followed)"
                                        : "");
  struct stat st;
  char head[16] = {0};
  ssize_t n = 0;
  pubrio_status status = PUBRIO_OK;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    status = pri_error_set(err, PUBRIO_E_JOURNAL,
                           "the journal %s is not a regular file", shown);
  else if (!read_only && !*created &&
           (status = check_owned(&st, shown, "", err)) != PUBRIO_OK)
    ;
  else if (!read_only &&
           (status = check_companions(path, shown, err)) != PUBRIO_OK)
    ;
  else if (st.st_size > 0 && (n = read(fd, head, sizeof head)) < 16)
    status = pri_error_set(err, PUBRIO_E_JOURNAL,
                           "the journal %s is truncated or not a libpubrio "
                           "store; it was left untouched",
                           shown);
  else if (st.st_size > 0 && memcmp(head, "SQLite format 3", 16) != 0)
    status = pri_error_set(
        err, PUBRIO_E_JOURNAL,
        "the journal %s is not a libpubrio store%s; it was left untouched",
        shown,
        head[0] == '{' ? " (it looks like a JSON-lines journal of libpubrio "
                         "0.2: collect its accepted batches with `pubrio query "
                         "ID --wait`, the ids are its redeem_query_id values, "
                         "and start a new journal)"
                       : "");
  close(fd);
  return status;
}

/* A database file and its WAL are names in their directory: fsync it so
 * they survive a power loss. */
static int sync_directory(const char *path) {
  char copy[4096];
  snprintf(copy, sizeof copy, "%s", path);
  int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

/* Whether the directory of @p path takes new files: SQLite reads a WAL
 * database through a -shm file it creates there. */
static int directory_writable(const char *path) {
  char copy[4096];
  snprintf(copy, sizeof copy, "%s", path);
  return access(dirname(copy), W_OK) == 0;
}

/* "file:" and @p path percent-encoded, with @p query: the URI form SQLite
 * takes options in. */
static char *file_uri(const char *path, const char *query) {
  size_t len = strlen(path);
  if (len > (SIZE_MAX - 16 - strlen(query)) / 3)
    return NULL;
  char *uri = pri_malloc(len * 3 + strlen(query) + 16);
  if (!uri)
    return NULL;
  char *w = uri + sprintf(uri, "file:");
  for (const unsigned char *r = (const unsigned char *)path; *r; r++)
    if (*r == '%' || *r == '?' || *r == '#' || *r < 0x21 || *r > 0x7e)
      w += sprintf(w, "%%%02X", *r);
    else
      *w++ = (char)*r;
  sprintf(w, "%s", query);
  return uri;
}

/* A stored database is data, never code: no trigger or view ever runs,
 * nothing in its schema calls a function with side effects, and SQL
 * cannot corrupt it on purpose (SQLite's "defensive" settings, see "Defense
 * Against The Dark Arts" in SQLite's documentation). 0 or -1. */
static int harden(sqlite3 *db) {
  static const int settings[][2] = {
      {SQLITE_DBCONFIG_DEFENSIVE, 1},
      {SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0},
      {SQLITE_DBCONFIG_ENABLE_TRIGGER, 0},
      {SQLITE_DBCONFIG_ENABLE_VIEW, 0},
      {SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0},
      {SQLITE_DBCONFIG_DQS_DML, 0},
      {SQLITE_DBCONFIG_DQS_DDL, 0},
  };
  for (size_t i = 0; i < sizeof settings / sizeof *settings; i++)
    if (sqlite3_db_config(db, settings[i][0], settings[i][1], (int *)NULL) !=
        SQLITE_OK)
      return -1;
  return sqlite3_exec(db, "PRAGMA cell_size_check = ON", NULL, NULL, NULL) ==
                 SQLITE_OK
             ? 0
             : -1;
}

/* An object's name from a stored schema, safe to print: printable ASCII,
 * at most 48 characters. */
static void printable_name(const unsigned char *name, char *out, size_t size) {
  size_t n = 0;
  for (; name && *name && n + 4 < size && n < 48; name++)
    out[n++] = *name >= 0x20 && *name < 0x7f ? (char)*name : '?';
  if (name && *name)
    out[n++] = '.', out[n++] = '.', out[n++] = '.';
  out[n] = '\0';
}

static int same_text(const unsigned char *a, const unsigned char *b) {
  return (!a && !b) ||
         (a && b && strcmp((const char *)a, (const char *)b) == 0);
}

/* The schema of @p db is exactly the one a store of @p version has: the
 * same tables and indexes, each as this library creates it, and nothing
 * else (no trigger, view or other object). PUBRIO_E_JOURNAL naming the
 * first object that differs. */
static pubrio_status check_objects(sqlite3 *db, int64_t version,
                                   const char *shown, pubrio_error *err) {
  static const char rows[] =
      "SELECT name, type, tbl_name, sql FROM sqlite_schema ORDER BY name";
  sqlite3 *model = NULL;
  sqlite3_stmt *have = NULL, *want = NULL;
  int ok = sqlite3_open_v2(":memory:", &model, SQLITE_OPEN_READWRITE, NULL) ==
               SQLITE_OK &&
           sqlite3_exec(model, schema_sql, NULL, NULL, NULL) == SQLITE_OK;
  for (int64_t v = 2; ok && v <= version; v++)
    ok = sqlite3_exec(model, migration_sql[v - 2], NULL, NULL, NULL) ==
         SQLITE_OK;
  ok = ok && sqlite3_prepare_v2(model, rows, -1, &want, NULL) == SQLITE_OK &&
       sqlite3_prepare_v2(db, rows, -1, &have, NULL) == SQLITE_OK;
  pubrio_status st = PUBRIO_OK;
  if (!ok)
    st = pri_error_set(err, PUBRIO_E_JOURNAL,
                       "the journal %s cannot be read (%s); it was left "
                       "untouched",
                       shown, sqlite3_errmsg(db));
  int h = ok ? sqlite3_step(have) : SQLITE_DONE;
  int w = ok ? sqlite3_step(want) : SQLITE_DONE;
  while (st == PUBRIO_OK && (h == SQLITE_ROW || w == SQLITE_ROW)) {
    const unsigned char *name =
        h == SQLITE_ROW ? sqlite3_column_text(have, 0) : NULL;
    const unsigned char *wanted =
        w == SQLITE_ROW ? sqlite3_column_text(want, 0) : NULL;
    int order = !name     ? 1
                : !wanted ? -1
                          : strcmp((const char *)name, (const char *)wanted);
    char what[64];
    printable_name(order > 0 ? wanted : name, what, sizeof what);
    const char *type =
        (const char *)sqlite3_column_text(order > 0 ? want : have, 1);
    if (order < 0)
      st = pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s holds a %s named '%s' that libpubrio "
                         "never makes: a journal is data, and this one was "
                         "changed by another program; it was left untouched",
                         shown, type ? type : "schema object", what);
    else if (order > 0)
      st = pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s lacks its %s '%s'; it was left "
                         "untouched",
                         shown, type ? type : "object", what);
    else if (!same_text(sqlite3_column_text(have, 1),
                        sqlite3_column_text(want, 1)) ||
             !same_text(sqlite3_column_text(have, 2),
                        sqlite3_column_text(want, 2)) ||
             !same_text(sqlite3_column_text(have, 3),
                        sqlite3_column_text(want, 3)))
      st = pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s has a %s '%s' that is not the one "
                         "libpubrio makes: it was changed by another "
                         "program; it was left untouched",
                         shown, type ? type : "schema object", what);
    if (order <= 0)
      h = sqlite3_step(have);
    if (order >= 0)
      w = sqlite3_step(want);
  }
  if (st == PUBRIO_OK && (h != SQLITE_DONE || w != SQLITE_DONE))
    st = pri_error_set(err, PUBRIO_E_JOURNAL,
                       "the journal %s cannot be read (%s); it was left "
                       "untouched",
                       shown, sqlite3_errmsg(h != SQLITE_DONE ? db : model));
  sqlite3_finalize(have);
  sqlite3_finalize(want);
  sqlite3_close(model);
  return st;
}

/* Ours, another schema, or new: decided by reading only. */
static pubrio_status check_schema(sqlite_store *s, const char *shown,
                                  int *fresh, int64_t *version_out,
                                  pubrio_error *err) {
  int failed = 0;
  int64_t app = query_int(s, "PRAGMA application_id", 0, &failed);
  int64_t version = query_int(s, "PRAGMA user_version", 0, &failed);
  int64_t tables =
      query_int(s, "SELECT count(*) FROM sqlite_schema", 0, &failed);
  if (failed && sqlite3_errcode(s->db) == SQLITE_BUSY)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s is in use by another run", shown);
  if (failed)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s cannot be read (%s); it was left "
                         "untouched",
                         shown, sqlite3_errmsg(s->db));
  *fresh = app == 0 && version == 0 && tables == 0;
  *version_out = version;
  if (*fresh)
    return PUBRIO_OK;
  if (app != STORE_APPLICATION_ID)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "%s is an SQLite database of another program; it "
                         "was left untouched",
                         shown);
  if (version < 1 || version > STORE_VERSION) /* older ones are brought up */
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s has version %lld of the store, this "
                         "library reads version %d; it was left untouched",
                         shown, (long long)version, STORE_VERSION);
  return check_objects(s->db, version, shown, err);
}

static pubrio_status store_failure(sqlite_store *s, const char *shown,
                                   const char *doing, pubrio_error *err) {
  int code = s->db ? sqlite3_errcode(s->db) : SQLITE_CANTOPEN;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s is in use by another run", shown);
  return pri_error_set(err, PUBRIO_E_JOURNAL, "the journal %s: %s: %s", shown,
                       doing,
                       s->message[0] ? s->message
                       : s->db       ? sqlite3_errmsg(s->db)
                                     : "cannot open");
}

static pubrio_status prepare_all(sqlite_store *s, const char *shown,
                                 pubrio_error *err) {
  for (int i = 0; i < ST_COUNT; i++)
    if ((s->has_urls || (i != ST_INTENT && i != ST_URL)) &&
        (s->version >= 5 || i != ST_LOOKUP_SET) && /* lookups.charged */
        (s->version >= 4 || (i != ST_LOOKUP_DROP && i != ST_LOOKUP_GET)) &&
        sqlite3_prepare_v3(s->db, statement_sql[i], -1,
                           SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
                           NULL) != SQLITE_OK)
      return store_failure(s, shown, "preparing", err);
  return PUBRIO_OK;
}

/* The journal's own random key (journal_key): read, or made once. 0 or
 * -1. */
static int load_secret(sqlite_store *s) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db, "SELECT key FROM journal_key LIMIT 1", -1,
                              &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW &&
      sqlite3_column_bytes(st, 0) == PRI_KEYED_HASH_LEN) {
    memcpy(s->secret, sqlite3_column_blob(st, 0), PRI_KEYED_HASH_LEN);
    s->has_secret = 1;
  }
  sqlite3_finalize(st);
  if (s->has_secret)
    return 0;
  if (rc != SQLITE_DONE) /* a failure, or a damaged key */
    return -1;
  if (pri_random_bytes(s->secret, sizeof s->secret) != 0)
    return -1;
  rc = sqlite3_prepare_v2(s->db, "INSERT INTO journal_key(key) VALUES(?1)", -1,
                          &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_blob(st, 1, s->secret, sizeof s->secret, SQLITE_STATIC);
    rc = sqlite3_step(st);
  }
  sqlite3_finalize(st);
  s->has_secret = rc == SQLITE_DONE;
  return s->has_secret ? 0 : -1;
}

/* Read where it lies: in a directory that takes no new file (a read-only
 * file system, an archive), SQLite cannot make the -shm a WAL database is
 * read through, so the file is opened as immutable; a WAL left by a run
 * that never closed cannot be read that way, and saying so beats showing
 * what it holds as missing. */
static pubrio_status open_database(sqlite_store *s, const char *path,
                                   const char *shown, int exists, int read_only,
                                   pubrio_error *err) {
  int flags =
      SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_PRIVATECACHE |
      (exists && read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  char *uri = NULL;
  if (exists && read_only && !directory_writable(path)) {
    size_t len = strlen(path);
    char *wal = pri_malloc(len + 5);
    struct stat st;
    int has_wal = 0;
    if (wal) {
      snprintf(wal, len + 5, "%s-wal", path);
      has_wal = stat(wal, &st) == 0 && st.st_size > 0;
      pri_free(wal);
    }
    if (has_wal)
      return pri_error_set(err, PUBRIO_E_JOURNAL,
                           "the journal %s has a write-ahead log (%s-wal) "
                           "left by a run that did not close, and its "
                           "directory is read-only: copy both files to a "
                           "writable directory to read them",
                           shown, shown);
    if (!(uri = file_uri(path, "?immutable=1")))
      return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    flags |= SQLITE_OPEN_URI;
  }
  int rc = sqlite3_open_v2(uri ? uri : exists ? path : "", &s->db, flags, NULL);
  pri_free(uri);
  if (rc != SQLITE_OK || harden(s->db) != 0)
    return store_failure(s, shown, "opening", err);
  sqlite3_extended_result_codes(s->db, 0);
  /* A store only read is read in one transaction, held until it is
   * closed: one snapshot, and one lock taken instead of one a statement
   * (pubrio export made 9 system calls a person taking and dropping it). */
  if (exists && read_only && exec(s, "BEGIN") != 0)
    return store_failure(s, shown, "opening", err);
  return PUBRIO_OK;
}

static void sqlite_close(pri_store *store) {
  sqlite_store *s = (sqlite_store *)store;
  if (!s)
    return;
  for (int i = 0; i < ST_COUNT; i++)
    sqlite3_finalize(s->stmt[i]);
  sqlite3_value_free(s->cursor);
  sqlite3_close(s->db);
  pri_free(s);
}

/* Run a prepared statement once with the integers/blobs bound by the
 * caller; 0 or -1. */
static int step_done(sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* A transaction that is either committed whole or rolled back; its first
 * failure is what pri_store_error() says (keep_error()). */
static int begin(sqlite_store *s) {
  s->message[0] = '\0';
  if (exec(s, "BEGIN IMMEDIATE") == 0)
    return 0;
  keep_error(s);
  return -1;
}
static int end(sqlite_store *s, int ok) {
  if (ok && exec(s, "COMMIT") == 0) {
    s->message[0] = '\0';
    return 0;
  }
  keep_error(s); /* the failed step's or the commit's, not the rollback's */
  if (sqlite3_get_autocommit(s->db) == 0)
    exec(s, "ROLLBACK");
  return -1;
}

static int sqlite_begin_run(pri_store *store, unsigned types,
                            int has_profile_id, int64_t profile_id) {
  sqlite_store *s = (sqlite_store *)store;
  sqlite3_stmt *st = NULL;
  int ok = sqlite3_prepare_v2(s->db,
                              "INSERT INTO runs(started_at, types, profile_id,"
                              " library) VALUES(?1, ?2, ?3, ?4)",
                              -1, &st, NULL) == SQLITE_OK;
  if (ok) {
    sqlite3_bind_int64(st, 1, epoch_now());
    sqlite3_bind_int64(st, 2, types);
    if (has_profile_id)
      sqlite3_bind_int64(st, 3, profile_id);
    sqlite3_bind_text(st, 4, PUBRIO_VERSION, -1, SQLITE_STATIC);
    ok = sqlite3_step(st) == SQLITE_DONE;
  }
  sqlite3_finalize(st);
  if (!ok)
    return -1;
  s->run = sqlite3_last_insert_rowid(s->db);
  return 0;
}

static int sqlite_workspace(pri_store *store, int64_t *workspace) {
  sqlite_store *s = (sqlite_store *)store;
  if (s->version < 3)
    return 0; /* read only, from before workspaces were recorded */
  int failed = 0;
  int64_t v = query_int(s,
                        "SELECT coalesce((SELECT workspace FROM runs WHERE"
                        " workspace IS NOT NULL ORDER BY id LIMIT 1), -1)",
                        -1, &failed);
  if (failed)
    return -1;
  *workspace = v;
  return v >= 0;
}

static int sqlite_set_workspace(pri_store *store, int64_t workspace) {
  sqlite_store *s = (sqlite_store *)store;
  sqlite3_stmt *st = NULL;
  int ok =
      sqlite3_prepare_v2(s->db, "UPDATE runs SET workspace = ?1 WHERE id = ?2",
                         -1, &st, NULL) == SQLITE_OK;
  if (ok) {
    sqlite3_bind_int64(st, 1, workspace);
    sqlite3_bind_int64(st, 2, s->run);
    ok = sqlite3_step(st) == SQLITE_DONE;
  }
  if (!ok)
    keep_error(s);
  sqlite3_finalize(st);
  return ok ? 0 : -1;
}

static int sqlite_set_run_key(pri_store *store, const char *api_key) {
  sqlite_store *s = (sqlite_store *)store;
  if (!s->has_secret || !api_key)
    return 0; /* a temporary store: nothing to recognise later */
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (pri_keyed_hash(s->secret, sizeof s->secret, api_key, strlen(api_key),
                     mark) != 0)
    return -1;
  sqlite3_stmt *st = NULL;
  int ok =
      sqlite3_prepare_v2(s->db, "UPDATE runs SET key_mark = ?1 WHERE id = ?2",
                         -1, &st, NULL) == SQLITE_OK;
  if (ok) {
    sqlite3_bind_blob(st, 1, mark, sizeof mark, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, s->run);
    ok = sqlite3_step(st) == SQLITE_DONE;
  }
  if (!ok)
    keep_error(s);
  sqlite3_finalize(st);
  return ok ? 0 : -1;
}

static int sqlite_key_workspace(pri_store *store, const char *api_key,
                                int64_t *workspace) {
  sqlite_store *s = (sqlite_store *)store;
  if (!s->has_secret || !api_key)
    return 0;
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (pri_keyed_hash(s->secret, sizeof s->secret, api_key, strlen(api_key),
                     mark) != 0)
    return -1;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db,
                              "SELECT workspace FROM runs WHERE key_mark = ?1"
                              " AND workspace IS NOT NULL ORDER BY id DESC"
                              " LIMIT 1",
                              -1, &st, NULL);
  int found = 0;
  if (rc == SQLITE_OK) {
    sqlite3_bind_blob(st, 1, mark, sizeof mark, SQLITE_TRANSIENT);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      *workspace = sqlite3_column_int64(st, 0);
      found = 1;
      rc = SQLITE_DONE;
    }
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? found : -1;
}

/* The mark a forgotten person leaves: never the id itself. */
static int person_mark(sqlite_store *s, const uint8_t person[16],
                       uint8_t mark[PRI_KEYED_HASH_LEN]) {
  return pri_keyed_hash(s->secret, sizeof s->secret, person, 16, mark);
}

/* Run @p sql with @p person bound as ?1 (and @p mark as ?2); 0 or -1. */
static int person_exec(sqlite_store *s, const char *sql, const uint8_t *person,
                       const uint8_t *mark) {
  sqlite3_stmt *st = NULL;
  int ok = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK;
  if (ok) {
    sqlite3_bind_blob(st, 1, person, 16, SQLITE_STATIC);
    if (mark) {
      sqlite3_bind_blob(st, 2, mark, PRI_KEYED_HASH_LEN, SQLITE_STATIC);
      sqlite3_bind_int64(st, 3, epoch_now());
    }
    ok = sqlite3_step(st) == SQLITE_DONE;
  }
  if (!ok)
    keep_error(s);
  sqlite3_finalize(st);
  return ok ? 0 : -1;
}

static int sqlite_forget(pri_store *store, const uint8_t person[16]) {
  sqlite_store *s = (sqlite_store *)store;
  if (!s->has_secret)
    return -1;
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (person_mark(s, person, mark) != 0)
    return -1;
  if (begin(s) != 0)
    return -1;
  int ok =
      person_exec(s, "DELETE FROM contacts WHERE person = ?1", person, NULL) ==
          0 &&
      person_exec(s, "DELETE FROM people WHERE person = ?1", person, NULL) ==
          0 &&
      person_exec(s, "DELETE FROM batch_people WHERE person = ?1", person,
                  NULL) == 0 &&
      person_exec(s, "INSERT OR IGNORE INTO forgotten(mark, at) VALUES(?2, ?3)",
                  person, mark) == 0 &&
      /* The keys that named them go too: personal data. */
      (s->version < 4 || person_exec(s, "DELETE FROM lookups WHERE person = ?1",
                                     person, NULL) == 0);
  if (end(s, ok) != 0)
    return -1;
  s->forgotten++;
  return 0;
}

static int sqlite_unforget(pri_store *store, const uint8_t person[16]) {
  sqlite_store *s = (sqlite_store *)store;
  if (!s->has_secret)
    return -1;
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (person_mark(s, person, mark) != 0)
    return -1;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db, "DELETE FROM forgotten WHERE mark = ?1",
                              -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_blob(st, 1, mark, sizeof mark, SQLITE_STATIC);
    rc = sqlite3_step(st);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    keep_error(s);
    return -1;
  }
  return sqlite3_changes(s->db) > 0;
}

/* A forgotten LinkedIn URL's mark: the canonical URL's keyed hash. */
static int url_mark(sqlite_store *s, const char *url,
                    uint8_t mark[PRI_KEYED_HASH_LEN]) {
  return pri_keyed_hash(s->secret, sizeof s->secret, url, strlen(url), mark);
}

/* Step @p st (prepared and bound) to its end, gathering the 16-byte ids
 * of its first column in a new array (pri_free): SQLITE_DONE, or the
 * failing step's code (SQLITE_NOMEM when the array cannot grow). */
static int collect_people(sqlite3_stmt *st, uint8_t (**found)[16],
                          size_t *count) {
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if (sqlite3_column_bytes(st, 0) == 16) {
      if (pri_grow(found, &cap, *count + 1, sizeof **found) != 0)
        return SQLITE_NOMEM;
      memcpy((*found)[(*count)++], sqlite3_column_blob(st, 0), 16);
    }
  return rc;
}

static int sqlite_forget_url(pri_store *store, const char *url,
                             size_t *people) {
  sqlite_store *s = (sqlite_store *)store;
  *people = 0;
  if (!s->has_secret)
    return -1;
  uint8_t(*found)[16] = NULL;
  size_t count = 0;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db,
                              "SELECT DISTINCT p.person FROM batches b JOIN"
                              " batch_people p ON p.batch = b.number WHERE"
                              " b.linkedin_url = ?1",
                              -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    rc = collect_people(st, &found, &count);
  }
  if (rc != SQLITE_DONE)
    keep_error(s);
  sqlite3_finalize(st);
  int ok = rc == SQLITE_DONE;
  for (size_t i = 0; ok && i < count; i++)
    ok = sqlite_forget(&s->base, found[i]) == 0;
  pri_free(found);
  /* The URL itself is personal data: its batches keep an empty one (still
   * single redeems for `pubrio status`), and its mark stays. */
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (ok && url_mark(s, url, mark) == 0 && begin(s) == 0) {
    rc = sqlite3_prepare_v2(s->db,
                            "UPDATE batches SET linkedin_url = '' WHERE"
                            " linkedin_url = ?1",
                            -1, &st, NULL);
    if (rc == SQLITE_OK) {
      sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
      rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    ok = rc == SQLITE_DONE;
    if (ok) {
      rc = sqlite3_prepare_v2(
          s->db, "INSERT OR IGNORE INTO forgotten(mark, at) VALUES(?1, ?2)", -1,
          &st, NULL);
      if (rc == SQLITE_OK) {
        sqlite3_bind_blob(st, 1, mark, sizeof mark, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, epoch_now());
        rc = sqlite3_step(st);
      }
      sqlite3_finalize(st);
      ok = rc == SQLITE_DONE;
    }
    if (end(s, ok) != 0)
      ok = 0;
  } else {
    ok = 0;
  }
  if (ok) {
    *people = count;
    s->forgotten++;
  }
  return ok ? 0 : -1;
}

/* 1 when @p mark is among the forgotten, 0 if not, -1 on failure. */
static int mark_forgotten(sqlite_store *s,
                          const uint8_t mark[PRI_KEYED_HASH_LEN]) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db, "SELECT 1 FROM forgotten WHERE mark = ?1",
                              -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_blob(st, 1, mark, PRI_KEYED_HASH_LEN, SQLITE_STATIC);
    rc = sqlite3_step(st);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int sqlite_url_forgotten(pri_store *store, const char *url) {
  sqlite_store *s = (sqlite_store *)store;
  if (!s->has_secret || !s->forgotten)
    return 0;
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (url_mark(s, url, mark) != 0)
    return -1;
  return mark_forgotten(s, mark);
}

static int sqlite_is_forgotten(pri_store *store, const uint8_t person[16]) {
  sqlite_store *s = (sqlite_store *)store;
  if (!s->has_secret || !s->forgotten)
    return 0; /* read only, a temporary store, or nobody forgotten */
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (person_mark(s, person, mark) != 0)
    return -1;
  return mark_forgotten(s, mark);
}

static int sqlite_people_with_contact(pri_store *store, const char *value,
                                      uint8_t (**out)[16], size_t *count) {
  sqlite_store *s = (sqlite_store *)store;
  sqlite3_stmt *st = NULL;
  size_t cap = 0;
  *out = NULL;
  *count = 0;
  /* An email in any case; a phone as written or with the same digits. */
  int rc = sqlite3_prepare_v2(
      s->db,
      "SELECT DISTINCT person FROM contacts WHERE lower(value) = lower(?1)"
      " OR (kind = 1 AND ?2 != '' AND replace(replace(replace(replace(replace("
      "value, '+', ''), ' ', ''), '-', ''), '(', ''), ')', '') = ?2)",
      -1, &st, NULL);
  char digits[64] = "";
  size_t n = 0;
  int only_phone_chars = 1;
  for (const char *c = value; *c && only_phone_chars; c++)
    if (*c >= '0' && *c <= '9' && n + 1 < sizeof digits)
      digits[n++] = *c;
    else if (!strchr("+ -()", *c))
      only_phone_chars = 0;
  digits[only_phone_chars ? n : 0] = '\0';
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, digits, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (sqlite3_column_bytes(st, 0) != 16)
        continue;
      if (pri_grow(out, &cap, *count + 1, sizeof **out) != 0) {
        rc = SQLITE_NOMEM;
        break;
      }
      memcpy((*out)[(*count)++], sqlite3_column_blob(st, 0), 16);
    }
  }
  if (rc != SQLITE_DONE)
    keep_error(s);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

static int sqlite_forget_older(pri_store *store, int64_t before,
                               size_t *people) {
  sqlite_store *s = (sqlite_store *)store;
  uint8_t(*found)[16] = NULL;
  size_t count = 0;
  sqlite3_stmt *st = NULL;
  *people = 0;
  int rc = sqlite3_prepare_v2(
      s->db, "SELECT DISTINCT person FROM contacts WHERE at < ?1", -1, &st,
      NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, before);
    rc = collect_people(st, &found, &count);
  }
  if (rc != SQLITE_DONE)
    keep_error(s);
  sqlite3_finalize(st);
  int ok = rc == SQLITE_DONE && begin(s) == 0;
  /* Retention, not a request to be forgotten: no mark, a later run may
   * buy them again. */
  for (size_t i = 0; ok && i < count; i++)
    ok = person_exec(s, "DELETE FROM contacts WHERE person = ?1", found[i],
                     NULL) == 0 &&
         person_exec(s, "DELETE FROM people WHERE person = ?1", found[i],
                     NULL) == 0 &&
         person_exec(s, "DELETE FROM batch_people WHERE person = ?1", found[i],
                     NULL) == 0;
  pri_free(found);
  if (rc != SQLITE_DONE)
    return -1;
  if (end(s, ok) != 0)
    return -1;
  *people = count;
  return 0;
}

static int sqlite_oldest_contact(pri_store *store, int64_t *at) {
  sqlite_store *s = (sqlite_store *)store;
  int failed = 0;
  int64_t v =
      query_int(s, "SELECT coalesce(min(at), -1) FROM contacts", -1, &failed);
  if (failed)
    return -1;
  *at = v;
  return v >= 0;
}

static int sqlite_scrub(pri_store *store) {
  sqlite_store *s = (sqlite_store *)store;
  /* secure_delete zeroed the rows; VACUUM rebuilds every page (interior
   * b-tree pages keep copies of keys), and the checkpoint moves it all
   * into the database and truncates the WAL that held the old pages. */
  if (exec(s, "VACUUM") != 0 ||
      exec(s, "PRAGMA wal_checkpoint(TRUNCATE)") != 0) {
    keep_error(s);
    return -1;
  }
  return 0;
}

static int sqlite_each_accepted(pri_store *store,
                                int (*fn)(const pri_store_batch *, void *),
                                void *userdata) {
  sqlite_store *s = (sqlite_store *)store;
  sqlite3_stmt *batches = NULL, *people = NULL;
  int rc = 0;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT number, redeem_query_id, types, profile_id,"
                         " people FROM batches WHERE state = 'accepted'"
                         " ORDER BY number",
                         -1, &batches, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db,
                         "SELECT person FROM batch_people WHERE batch = ?1", -1,
                         &people, NULL) != SQLITE_OK)
    rc = -1;
  pri_store_batch b = {0};
  size_t cap = 0;
  int step = SQLITE_DONE;
  while (rc == 0 && (step = sqlite3_step(batches)) == SQLITE_ROW) {
    /* Every number read is bounded by what is stored: the people of a
     * batch are its rows, never its stored count (a crafted count of
     * 2^60 + 1 once wrapped an allocation to 16 bytes). */
    int64_t number = sqlite3_column_int64(batches, 0);
    if (number < 1 || number > INT32_MAX) {
      snprintf(s->message, sizeof s->message,
               "an accepted batch has the number %lld, out of range: the "
               "journal is damaged",
               (long long)number);
      rc = -1;
      break;
    }
    b.number = (int)number;
    const unsigned char *id = sqlite3_column_text(batches, 1);
    snprintf(b.redeem_query_id, sizeof b.redeem_query_id, "%s",
             id ? (const char *)id : "");
    b.types = (unsigned)sqlite3_column_int(batches, 2);
    b.has_profile_id = sqlite3_column_type(batches, 3) != SQLITE_NULL;
    b.profile_id = sqlite3_column_int64(batches, 3);
    b.count = 0;
    sqlite3_bind_int(people, 1, b.number);
    int row;
    while (rc == 0 && (row = sqlite3_step(people)) == SQLITE_ROW) {
      if (sqlite3_column_bytes(people, 0) != 16)
        continue; /* not an id: nobody to collect */
      if (pri_grow(&b.people, &cap, b.count + 1, sizeof *b.people) != 0)
        rc = -1;
      else
        memcpy(b.people[b.count++], sqlite3_column_blob(people, 0), 16);
    }
    if (rc == 0 && row != SQLITE_DONE)
      rc = -1;
    sqlite3_reset(people);
    if (rc == 0 && fn(&b, userdata) != 0)
      rc = -1;
  }
  if (rc == 0 && step != SQLITE_DONE)
    rc = -1;
  pri_free(b.people);
  sqlite3_finalize(batches);
  sqlite3_finalize(people);
  return rc;
}

static int sqlite_person_state(pri_store *store, const uint8_t person[16],
                               unsigned *bought, unsigned *pending,
                               unsigned *uncertain) {
  sqlite_store *s = (sqlite_store *)store;
  sqlite3_stmt *st = s->stmt[ST_PERSON];
  sqlite3_bind_blob(st, 1, person, 16, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  *bought = *pending = *uncertain = 0;
  if (rc == SQLITE_ROW) {
    *bought = (unsigned)sqlite3_column_int(st, 0);
    *pending = (unsigned)sqlite3_column_int(st, 1);
    *uncertain = (unsigned)sqlite3_column_int(st, 2);
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int sqlite_number_range(pri_store *store, int64_t *lowest,
                               int64_t *highest) {
  sqlite_store *s = (sqlite_store *)store;
  int failed = 0;
  *lowest =
      query_int(s, "SELECT coalesce(min(number), 1) FROM batches", 0, &failed);
  *highest =
      query_int(s, "SELECT coalesce(max(number), 0) FROM batches", 0, &failed);
  return failed ? -1 : 0;
}

static int64_t sqlite_charged(pri_store *store) {
  sqlite_store *s = (sqlite_store *)store;
  int failed = 0;
  /* Charges are stored as counted: never negative, but an untrusted answer
   * can make one huge; total() is a float sum that never overflows, and
   * the cap keeps it in range. Lookups' charges since version 5. */
  int64_t v = query_int(
      s,
      s->version < 5 ? "SELECT min(total(charged), 4.6e18) FROM batches"
                     : "SELECT min((SELECT total(charged) FROM batches)"
                       " + (SELECT total(charged) FROM lookups), 4.6e18)",
      0, &failed);
  return failed ? -1 : v;
}

static int64_t sqlite_uncertain_worst(pri_store *store,
                                      const int64_t prices[3]) {
  sqlite_store *s = (sqlite_store *)store;
  sqlite3_stmt *st = NULL;
  double total = 0;
  int ok = sqlite3_prepare_v2(s->db,
                              "SELECT types, people FROM batches WHERE"
                              " state = 'intent'",
                              -1, &st, NULL) == SQLITE_OK;
  while (ok && sqlite3_step(st) == SQLITE_ROW) {
    unsigned types = (unsigned)sqlite3_column_int(st, 0);
    double per = 0;
    for (int bit = 0; bit < 3; bit++)
      if (types & (1u << bit))
        per += (double)prices[bit];
    /* A stored count is bounded by what a batch can hold. */
    int64_t people = sqlite3_column_int64(st, 1);
    people = people < 0                       ? 0
             : people > PUBRIO_BATCH_SIZE_MAX ? PUBRIO_BATCH_SIZE_MAX
                                              : people;
    total += per * (double)people;
  }
  sqlite3_finalize(st);
  /* A lookup asked without an answer: 1 credit at worst. */
  int failed = 0;
  if (ok && s->version >= 4)
    total += (double)query_int(
        s, "SELECT count(*) FROM lookups WHERE state = 1", 0, &failed);
  if (!ok || failed)
    return -1;
  return total > 4.6e18 ? (int64_t)4.6e18 : (int64_t)total;
}

static int sqlite_intent(pri_store *store, int number, unsigned types,
                         int has_profile_id, int64_t profile_id,
                         const uint8_t (*people)[16], size_t count,
                         const char *linkedin_url) {
  sqlite_store *s = (sqlite_store *)store;
  if (begin(s) != 0)
    return -1;
  sqlite3_stmt *st = s->stmt[ST_INTENT];
  sqlite3_bind_int(st, 1, number);
  sqlite3_bind_int64(st, 2, s->run);
  sqlite3_bind_int(st, 3, (int)types);
  if (has_profile_id)
    sqlite3_bind_int64(st, 4, profile_id);
  /* A single redeem names one person, not known yet. */
  sqlite3_bind_int64(st, 5, linkedin_url ? 1 : (sqlite3_int64)count);
  sqlite3_bind_int64(st, 6, epoch_now());
  if (linkedin_url)
    sqlite3_bind_text(st, 7, linkedin_url, -1, SQLITE_STATIC);
  int ok = step_done(st) == 0;
  for (size_t i = 0; ok && i < count; i++) {
    sqlite3_bind_int(s->stmt[ST_ADD_PEOPLE], 1, number);
    sqlite3_bind_blob(s->stmt[ST_ADD_PEOPLE], 2, people[i], 16, SQLITE_STATIC);
    ok = step_done(s->stmt[ST_ADD_PEOPLE]) == 0;
    sqlite3_bind_blob(s->stmt[ST_UNCERTAIN_ON], 1, people[i], 16,
                      SQLITE_STATIC);
    sqlite3_bind_int(s->stmt[ST_UNCERTAIN_ON], 2, (int)types);
    ok = ok && step_done(s->stmt[ST_UNCERTAIN_ON]) == 0;
  }
  return end(s, ok);
}

static int batch_people_update(sqlite_store *s, int which, int number,
                               unsigned types) {
  sqlite3_bind_int(s->stmt[which], 1, number);
  sqlite3_bind_int(s->stmt[which], 2, (int)types);
  return step_done(s->stmt[which]);
}

static int sqlite_accepted(pri_store *store, int number, unsigned types,
                           const char *id) {
  sqlite_store *s = (sqlite_store *)store;
  if (begin(s) != 0)
    return -1;
  sqlite3_stmt *st = s->stmt[ST_ACCEPTED];
  sqlite3_bind_int(st, 1, number);
  sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, epoch_now());
  int ok = step_done(st) == 0 &&
           batch_people_update(s, ST_UNCERTAIN_TO_PENDING, number, types) == 0;
  return end(s, ok);
}

static int sqlite_refused(pri_store *store, int number, unsigned types) {
  sqlite_store *s = (sqlite_store *)store;
  if (begin(s) != 0)
    return -1;
  sqlite3_stmt *st = s->stmt[ST_REFUSED];
  sqlite3_bind_int(st, 1, number);
  sqlite3_bind_int64(st, 2, epoch_now());
  int ok = step_done(st) == 0 &&
           batch_people_update(s, ST_UNCERTAIN_OFF, number, types) == 0;
  return end(s, ok);
}

/* ",email-work,phone," : the wire names of @p types, for instr(). */
static void type_list(unsigned types, char *out, size_t size) {
  snprintf(out, size, ",");
  for (unsigned bit = 1; bit <= PUBRIO_CONTACT_PHONE; bit <<= 1)
    if (types & bit) {
      size_t len = strlen(out);
      snprintf(out + len, size - len, "%s,",
               pubrio_contact_type_str((pubrio_contact_type)bit));
    }
}

static int add_contacts(sqlite_store *s, const uint8_t uuid[16], int kind,
                        const pubrio_person *p, int number) {
  size_t n = kind ? p->phone_count : p->email_count;
  sqlite3_stmt *st = s->stmt[ST_ADD_CONTACT];
  for (size_t i = 0; i < n; i++) {
    const pubrio_contact *c =
        kind ? pubrio_person_phone(p, i) : pubrio_person_email(p, i);
    sqlite3_bind_blob(st, 1, uuid, 16, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, kind);
    sqlite3_bind_text(st, 3, c->type_raw, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->value, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, c->status, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, number);
    sqlite3_bind_int64(st, 7, epoch_now());
    if (step_done(st) != 0)
      return -1;
  }
  return 0;
}

/* A person's contacts of the asked types (@p names, type_list()) replaced
 * by those of @p p; 0 or -1. */
static int replace_contacts(sqlite_store *s, const uint8_t uuid[16],
                            const pubrio_person *p, int number,
                            const char *names) {
  sqlite3_stmt *forget = s->stmt[ST_FORGET_CONTACTS];
  sqlite3_bind_blob(forget, 1, uuid, 16, SQLITE_STATIC);
  sqlite3_bind_text(forget, 2, names, -1, SQLITE_STATIC);
  return step_done(forget) == 0 && add_contacts(s, uuid, 0, p, number) == 0 &&
                 add_contacts(s, uuid, 1, p, number) == 0
             ? 0
             : -1;
}

static int mark_collected(sqlite_store *s, int number, int64_t charged) {
  sqlite3_stmt *st = s->stmt[ST_COLLECTED];
  sqlite3_bind_int(st, 1, number);
  sqlite3_bind_int64(st, 2, charged);
  sqlite3_bind_int64(st, 3, epoch_now());
  return step_done(st);
}

static int sqlite_collected(pri_store *store, int number, unsigned types,
                            const uint8_t (*people)[16], size_t count,
                            const pubrio_query_result *res, int64_t charged) {
  sqlite_store *s = (sqlite_store *)store;
  char names[64];
  type_list(types, names, sizeof names);
  uint8_t *seen = pri_calloc(count ? count : 1, 1);
  if (!seen || begin(s) != 0) {
    pri_free(seen);
    return -1;
  }
  int ok = 1;
  for (size_t i = 0; ok && i < res->people_count; i++) {
    const pubrio_person *p = pubrio_query_result_person(res, i);
    uint8_t uuid[16];
    if (pri_uuid_parse(p->people_search_id, uuid) != 0)
      continue;
    size_t k = 0;
    while (k < count && memcmp(people[k], uuid, 16) != 0)
      k++;
    if (k == count || seen[k]++) /* a stranger, or named twice */
      continue;
    ok = replace_contacts(s, uuid, p, number, names) == 0;
  }
  pri_free(seen);
  ok = ok && mark_collected(s, number, charged) == 0 &&
       batch_people_update(s, ST_PENDING_TO_BOUGHT, number, types) == 0;
  return end(s, ok);
}

static int sqlite_single_answered(pri_store *store, int number, unsigned types,
                                  const uint8_t *person,
                                  const pubrio_query_result *res,
                                  int64_t charged) {
  sqlite_store *s = (sqlite_store *)store;
  char names[64];
  type_list(types, names, sizeof names);
  if (begin(s) != 0)
    return -1;
  int ok = 1;
  if (person) {
    const pubrio_person *p = pubrio_query_result_person(res, 0);
    sqlite3_bind_int(s->stmt[ST_ADD_PEOPLE], 1, number);
    sqlite3_bind_blob(s->stmt[ST_ADD_PEOPLE], 2, person, 16, SQLITE_STATIC);
    ok = step_done(s->stmt[ST_ADD_PEOPLE]) == 0 &&
         replace_contacts(s, person, p, number, names) == 0;
    sqlite3_bind_blob(s->stmt[ST_BOUGHT], 1, person, 16, SQLITE_STATIC);
    sqlite3_bind_int(s->stmt[ST_BOUGHT], 2, (int)types);
    ok = ok && step_done(s->stmt[ST_BOUGHT]) == 0;
  }
  ok = ok && mark_collected(s, number, charged) == 0;
  return end(s, ok);
}

static int sqlite_url_state(pri_store *store, const char *linkedin_url,
                            uint8_t person[16]) {
  sqlite_store *s = (sqlite_store *)store;
  if (!s->has_urls)
    return PRI_URL_NEW;
  sqlite3_stmt *st = s->stmt[ST_URL];
  sqlite3_bind_text(st, 1, linkedin_url, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st), state = PRI_URL_NEW;
  if (rc == SQLITE_ROW) {
    const char *batch_state = (const char *)sqlite3_column_text(st, 0);
    int named = sqlite3_column_bytes(st, 1) == 16;
    if (named)
      memcpy(person, sqlite3_column_blob(st, 1), 16);
    if (batch_state && strcmp(batch_state, "intent") == 0)
      state = PRI_URL_UNCERTAIN;
    else
      state = named ? PRI_URL_NAMED : PRI_URL_NOT_FOUND;
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? state : -1;
}

/* Whether a stored contact of @p kind and wire type @p type answers one of
 * the @p types asked for (a type this version does not know goes with its
 * kind). */
static int wanted(int kind, const char *type, unsigned types) {
  pubrio_contact_type t = pubrio_contact_type_from_str(type);
  if (t != PUBRIO_CONTACT_UNKNOWN)
    return (types & (unsigned)t) != 0;
  return kind ? (types & PUBRIO_CONTACT_PHONE) != 0
              : (types & (PUBRIO_CONTACT_EMAIL_WORK |
                          PUBRIO_CONTACT_EMAIL_PERSONAL)) != 0;
}

static char *column_copy(pri_arena *arena, sqlite3_stmt *st, int col) {
  const unsigned char *text = sqlite3_column_text(st, col);
  return text ? pri_arena_strdup(arena, (const char *)text) : NULL;
}

static pubrio_query_result *
sqlite_read_person(pri_store *store, const uint8_t person[16], unsigned types) {
  sqlite_store *s = (sqlite_store *)store;
  pri_query_result *res = pri_query_result_new();
  pri_person *p = res ? pri_calloc(1, sizeof *p) : NULL;
  pubrio_batch_job *job =
      p ? pri_arena_calloc(&res->arena, 1, sizeof *job) : NULL;
  char *id = job ? pri_arena_alloc(&res->arena, PUBRIO_ID_LEN + 1) : NULL;
  /* Two passes: count, then fill arrays of the right size. */
  size_t counts[2] = {0, 0}, filled[2] = {0, 0};
  pubrio_contact *lists[2] = {NULL, NULL};
  sqlite3_stmt *st = s->stmt[ST_READ_CONTACTS];
  int ok = id != NULL, damaged = 0;
  for (int pass = 0; ok && pass < 2; pass++) {
    sqlite3_bind_blob(st, 1, person, 16, SQLITE_STATIC);
    int rc;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
      int kind = sqlite3_column_int(st, 0) ? 1 : 0;
      const char *type = (const char *)sqlite3_column_text(st, 1);
      if (!wanted(kind, type, types))
        continue;
      if (pass == 0) {
        counts[kind]++;
        continue;
      }
      if (filled[kind] == counts[kind]) { /* the rows changed: stop */
        ok = 0, damaged = 1;
        break;
      }
      pubrio_contact *c = &lists[kind][filled[kind]++];
      c->type_raw = column_copy(&res->arena, st, 1);
      c->type = pubrio_contact_type_from_str(c->type_raw);
      c->value = column_copy(&res->arena, st, 2);
      c->status = column_copy(&res->arena, st, 3);
    }
    if (ok && rc != SQLITE_DONE)
      ok = 0, damaged = 1;
    sqlite3_reset(st);
    for (int k = 0; ok && pass == 0 && k < 2; k++)
      ok = !counts[k] || (lists[k] = pri_arena_calloc(&res->arena, counts[k],
                                                      sizeof *lists[k]));
  }
  if (!ok) {
    /* "out of memory" either way when memory failed (SQLite says so too) */
    if (damaged)
      keep_error(s);
    else
      snprintf(s->message, sizeof s->message, "out of memory");
    pri_free(p);
    if (res) {
      res->people = NULL;
      pubrio_query_result_free(&res->pub);
    }
    return NULL;
  }
  pri_uuid_format(person, id);
  job->redeem_query_id = "";
  job->is_completed = 1;
  job->estimated_time = job->estimated_time_ms = -1;
  res->pub.query = job;
  p->pub.people_search_id = id;
  p->emails = lists[0];
  p->phones = lists[1];
  p->pub.email_count = counts[0];
  p->pub.phone_count = counts[1];
  res->people = p;
  res->people_cap = 1;
  res->pub.people_count = 1;
  return &res->pub;
}

static int sqlite_each_run(pri_store *store,
                           int (*fn)(const pri_store_run *, void *),
                           void *userdata) {
  sqlite_store *s = (sqlite_store *)store;
  /* Batches and single redeems apart; a version 1 store has no singles. */
  static const char sql[] =
      "SELECT r.id, r.started_at, r.types,"
      " total(b.state = 'intent' AND b.linkedin_url IS NULL),"
      " total(b.state = 'accepted' AND b.linkedin_url IS NULL),"
      " total(b.state = 'refused' AND b.linkedin_url IS NULL),"
      " total(b.state = 'collected' AND b.linkedin_url IS NULL),"
      " min(total(b.charged), 4.6e18),"
      " total(b.state = 'intent' AND b.linkedin_url IS NOT NULL),"
      " total(b.state = 'collected' AND b.linkedin_url IS NOT NULL)"
      " FROM runs r LEFT JOIN batches b ON b.run = r.id GROUP BY r.id"
      " ORDER BY r.id";
  static const char sql_v1[] =
      "SELECT r.id, r.started_at, r.types, total(b.state = 'intent'),"
      " total(b.state = 'accepted'), total(b.state = 'refused'),"
      " total(b.state = 'collected'), min(total(b.charged), 4.6e18), 0, 0"
      " FROM runs r LEFT JOIN batches b ON b.run = r.id GROUP BY r.id"
      " ORDER BY r.id";
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db, s->has_urls ? sql : sql_v1, -1, &st,
                              NULL) == SQLITE_OK
               ? 0
               : -1;
  int step;
  while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
    pri_store_run run = {.id = sqlite3_column_int64(st, 0),
                         .started_at = sqlite3_column_int64(st, 1),
                         .types = (unsigned)sqlite3_column_int(st, 2),
                         .charged = sqlite3_column_int64(st, 7)};
    for (int k = 0; k < 4; k++)
      run.batches[k] = (size_t)sqlite3_column_int64(st, 3 + k);
    for (int k = 0; k < 2; k++)
      run.singles[k] = (size_t)sqlite3_column_int64(st, 8 + k);
    if (fn(&run, userdata) != 0)
      rc = -1;
  }
  if (rc == 0 && step != SQLITE_DONE)
    rc = -1;
  sqlite3_finalize(st);
  return rc;
}

static int sqlite_counts(pri_store *store, size_t *people, size_t *contacts) {
  sqlite_store *s = (sqlite_store *)store;
  int failed = 0;
  *people = (size_t)query_int(
      s, "SELECT count(*) FROM people WHERE bought != 0", 0, &failed);
  *contacts = (size_t)query_int(s, "SELECT count(*) FROM contacts", 0, &failed);
  return failed ? -1 : 0;
}

/* "a 1-byte blob 41", "an integer", ...: what a damaged id is, for its
 * message. */
static void describe_value(sqlite3_stmt *st, int col, char *out, size_t size) {
  int type = sqlite3_column_type(st, col);
  int bytes = sqlite3_column_bytes(st, col);
  if (type != SQLITE_BLOB) {
    snprintf(out, size, "%s",
             type == SQLITE_INTEGER ? "an integer"
             : type == SQLITE_FLOAT ? "a real number"
             : type == SQLITE_TEXT  ? "text"
                                    : "null");
    return;
  }
  const uint8_t *blob = sqlite3_column_blob(st, col);
  size_t len =
      (size_t)snprintf(out, size, "a %d-byte value%s", bytes, bytes ? " " : "");
  for (int i = 0; blob && i < bytes && i < 8 && len + 3 < size; i++)
    len += (size_t)snprintf(out + len, size - len, "%02x", blob[i]);
  if (bytes > 8 && len + 4 < size)
    snprintf(out + len, size - len, "...");
}

/* The people table's rows, counted by a scan of the table itself (not an
 * index a damaged file may corrupt); 0 or -1. */
static int count_people_rows(sqlite_store *s, int64_t *out) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM people NOT INDEXED",
                              -1, &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
    *out = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 0 : -1;
}

static int sqlite_next_bought(pri_store *store, int first, uint8_t next[16],
                              unsigned *types) {
  sqlite_store *s = (sqlite_store *)store;
  /* Prepared once: an export asks this once a person. The position is the
   * last key read, whatever it holds, so a damaged row is stepped over. */
  sqlite3_stmt *st = s->stmt[first ? ST_FIRST_BOUGHT : ST_NEXT_BOUGHT];
  if (first) {
    s->cursor_row = 0;
    if (count_people_rows(s, &s->cursor_rows) != 0)
      return -1;
  } else if (!s->cursor) {
    return 0;
  } else {
    sqlite3_bind_value(st, 1, s->cursor);
  }
  int rc = sqlite3_step(st), found = 0;
  if (rc == SQLITE_ROW && s->cursor_row >= s->cursor_rows) {
    /* More people than rows: the index walks in a circle (fuzz corpus
     * journal/circular_index). What is left cannot be read in order. */
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    snprintf(s->message, sizeof s->message,
             "the people's index is damaged: it hands out more people than "
             "the %lld stored",
             (long long)s->cursor_rows);
    return -1;
  }
  if (rc == SQLITE_ROW) {
    sqlite3_value_free(s->cursor);
    s->cursor = sqlite3_value_dup(sqlite3_column_value(st, 0));
    s->cursor_row++;
    unsigned bought = (unsigned)sqlite3_column_int(st, 1);
    if (!s->cursor) {
      rc = SQLITE_NOMEM;
    } else if (sqlite3_column_type(st, 0) == SQLITE_BLOB &&
               sqlite3_column_bytes(st, 0) == 16 && bought != 0 &&
               !(bought & ~(unsigned)(PUBRIO_CONTACT_EMAIL_PERSONAL |
                                      PUBRIO_CONTACT_EMAIL_WORK |
                                      PUBRIO_CONTACT_PHONE))) {
      memcpy(next, sqlite3_column_blob(st, 0), 16);
      *types = bought;
      found = 1;
    } else {
      char what[64], why[96];
      describe_value(st, 0, what, sizeof what);
      if (sqlite3_column_type(st, 0) == SQLITE_BLOB &&
          sqlite3_column_bytes(st, 0) == 16)
        snprintf(why, sizeof why, "its contact types are 0x%x", bought);
      else
        snprintf(why, sizeof why, "its id is %s, not 16 bytes", what);
      snprintf(s->message, sizeof s->message,
               "the person at position %lld (in id order) is damaged (%s); "
               "skipped",
               (long long)s->cursor_row, why);
      found = 2;
    }
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return -1;
  return found;
}

/* A lookup key's mark: its keyed hash, never the key. */
static void lookup_mark(sqlite_store *s, const char *key,
                        uint8_t mark[PRI_KEYED_HASH_LEN]) {
  pri_keyed_hash(s->secret, sizeof s->secret, key, strlen(key), mark);
}

static int sqlite_lookups_record(pri_store *store,
                                 const pri_stored_lookup *rows, size_t count) {
  sqlite_store *s = (sqlite_store *)store;
  if (!s->has_secret || s->version < 5)
    return -1;
  if (begin(s) != 0)
    return -1;
  int ok = 1;
  for (size_t i = 0; ok && i < count; i++) {
    uint8_t mark[PRI_KEYED_HASH_LEN];
    lookup_mark(s, rows[i].key, mark);
    sqlite3_stmt *st =
        s->stmt[rows[i].state == PRI_STORED_LOOKUP_NEW ? ST_LOOKUP_DROP
                                                       : ST_LOOKUP_SET];
    sqlite3_bind_blob(st, 1, mark, sizeof mark, SQLITE_TRANSIENT);
    if (rows[i].state != PRI_STORED_LOOKUP_NEW) {
      sqlite3_bind_int(st, 2, rows[i].state);
      if (rows[i].state == PRI_STORED_LOOKUP_FOUND)
        sqlite3_bind_blob(st, 3, rows[i].person, 16, SQLITE_STATIC);
      sqlite3_bind_int(st, 4, rows[i].confidence);
      sqlite3_bind_int64(st, 5, epoch_now());
      sqlite3_bind_int64(st, 6, rows[i].charged);
    }
    ok = step_done(st) == 0;
  }
  return end(s, ok);
}

static int sqlite_lookup_state(pri_store *store, const char *key,
                               pri_stored_lookup *out) {
  sqlite_store *s = (sqlite_store *)store;
  out->key = key;
  out->state = PRI_STORED_LOOKUP_NEW;
  out->confidence = 0;
  memset(out->person, 0, sizeof out->person);
  if (!s->has_secret || s->version < 4)
    return 0; /* read only or older: nothing known */
  uint8_t mark[PRI_KEYED_HASH_LEN];
  lookup_mark(s, key, mark);
  sqlite3_stmt *st = s->stmt[ST_LOOKUP_GET];
  sqlite3_bind_blob(st, 1, mark, sizeof mark, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    int state = sqlite3_column_int(st, 0);
    int named = sqlite3_column_bytes(st, 1) == 16;
    int confidence = sqlite3_column_int(st, 2);
    /* A damaged row is never trusted as an answer: asked, not resent. */
    if (state == PRI_STORED_LOOKUP_FOUND && named) {
      memcpy(out->person, sqlite3_column_blob(st, 1), 16);
      out->confidence = confidence;
    } else if (state != PRI_STORED_LOOKUP_NOT_FOUND || named) {
      state = PRI_STORED_LOOKUP_ASKED;
    }
    out->state = state;
  } else if (rc != SQLITE_DONE) {
    keep_error(s);
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static const pri_store_backend sqlite_backend = {
    .version = PRI_STORE_BACKEND_VERSION,
    .name = "sqlite",
    .close = sqlite_close,
    .error = sqlite_error,
    .workspace = sqlite_workspace,
    .set_workspace = sqlite_set_workspace,
    .set_run_key = sqlite_set_run_key,
    .key_workspace = sqlite_key_workspace,
    .forget = sqlite_forget,
    .unforget = sqlite_unforget,
    .forget_url = sqlite_forget_url,
    .url_forgotten = sqlite_url_forgotten,
    .is_forgotten = sqlite_is_forgotten,
    .people_with_contact = sqlite_people_with_contact,
    .forget_older = sqlite_forget_older,
    .oldest_contact = sqlite_oldest_contact,
    .scrub = sqlite_scrub,
    .begin_run = sqlite_begin_run,
    .each_accepted = sqlite_each_accepted,
    .person_state = sqlite_person_state,
    .number_range = sqlite_number_range,
    .charged = sqlite_charged,
    .uncertain_worst = sqlite_uncertain_worst,
    .intent = sqlite_intent,
    .accepted = sqlite_accepted,
    .refused = sqlite_refused,
    .collected = sqlite_collected,
    .single_answered = sqlite_single_answered,
    .url_state = sqlite_url_state,
    .read_person = sqlite_read_person,
    .each_run = sqlite_each_run,
    .counts = sqlite_counts,
    .next_bought = sqlite_next_bought,
    .lookups_record = sqlite_lookups_record,
    .lookup_state = sqlite_lookup_state,
};

pubrio_status pri_store_sqlite_open(pri_store **out, const char *path,
                                    int read_only, pubrio_error *err) {
  *out = NULL;
  char *shown = pri_store_shown_path(path);
  if (!shown)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  int created = 0;
  pubrio_status st =
      path ? check_file(path, shown, read_only, &created, err) : PUBRIO_OK;
  sqlite_store *s = st == PUBRIO_OK ? pri_calloc(1, sizeof *s) : NULL;
  if (st == PUBRIO_OK && !s)
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  int exists = path && access(path, F_OK) == 0;
  int fresh = 0;
  int64_t version = 0; /* a new store: written as STORE_VERSION */
  if (st == PUBRIO_OK)
    st = open_database(s, path, shown, exists, read_only, err);
  if (st == PUBRIO_OK && exists)
    st = check_schema(s, shown, &fresh, &version, err);
  else
    fresh = 1;
  /* Only now, knowing the file is ours, is anything written. */
  if (st == PUBRIO_OK && !(exists && read_only)) {
    /* secure_delete: what is deleted (a forgotten person, contacts bought
     * again) is overwritten, not left in free space. */
    const char *setup = exists ? "PRAGMA locking_mode = EXCLUSIVE;"
                                 "PRAGMA journal_mode = WAL;"
                                 "PRAGMA synchronous = FULL;"
                                 "PRAGMA secure_delete = ON;"
                               : "PRAGMA synchronous = OFF;";
    if (exec(s, setup) != 0 || exec(s, "BEGIN IMMEDIATE") != 0)
      st = store_failure(s, shown, "locking", err);
    if (st == PUBRIO_OK && fresh &&
        (exec(s, schema_sql) != 0 ||
         exec(s, "PRAGMA application_id = 1346523721;") != 0))
      st = store_failure(s, shown, "creating", err);
    /* A store of an older version gains what later ones added. */
    for (int64_t v = fresh ? 2 : version + 1;
         st == PUBRIO_OK && v <= STORE_VERSION; v++)
      if (exec(s, migration_sql[v - 2]) != 0)
        st = store_failure(s, shown,
                           fresh ? "creating" : "bringing it up to date", err);
    if (st == PUBRIO_OK && version < STORE_VERSION &&
        exec(s, STORE_VERSION_SQL) != 0)
      st = store_failure(s, shown, "creating", err);
    if (st == PUBRIO_OK && load_secret(s) != 0)
      st = store_failure(s, shown, "making its key", err);
    int failed = 0;
    if (st == PUBRIO_OK)
      s->forgotten = query_int(s, "SELECT count(*) FROM forgotten", 0, &failed);
    if (failed)
      st = store_failure(s, shown, "reading", err);
    if (st == PUBRIO_OK && exec(s, "COMMIT") != 0)
      st = store_failure(s, shown, "creating", err);
    if (st == PUBRIO_OK && exists && sync_directory(path) != 0)
      st = pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal's directory cannot be synced: %s",
                         strerror(errno));
  }
  /* A version 1 store only read has no URL column: no single redeem to
   * write or look up. */
  if (s) {
    s->has_urls = !(exists && read_only && version == 1);
    s->version = exists && read_only ? version : STORE_VERSION;
  }
  if (st == PUBRIO_OK)
    st = prepare_all(s, shown, err);
  pri_free(shown);
  if (st != PUBRIO_OK) {
    if (s)
      sqlite_close(&s->base);
    if (created)
      unlink(path); /* ours, empty: nothing to keep */
    return st;
  }
  s->base.backend = &sqlite_backend;
  *out = &s->base;
  return PUBRIO_OK;
}
