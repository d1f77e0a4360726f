/* The bulk run's store on PostgreSQL (see store.h): the only user of
 * libpq. The journal is a libpq connection URI; its tables live in the
 * connection's current schema (the first of its search_path), so one
 * database can hold several journals, one a schema. Every function has the
 * meaning of store_sqlite.c's of the same name: an intent is committed
 * before its submit may leave, a collected batch's contacts in the same
 * transaction that marks it collected.
 *
 * Schema (the table pubrio_meta holds the application marker and the
 * version; a schema holding tables without it, or another marker, is
 * another program's and refused by name; created and brought up to date in
 * one transaction): the tables of store.h, ids and marks as bytea.
 *
 * One run writes at a time, as on SQLite: a run holds a session advisory
 * lock on its schema for its life (PostgreSQL drops it when the connection
 * dies), and a second one is refused as "in use by another run". A store
 * opened read only reads one snapshot (REPEATABLE READ), taking no lock.
 *
 * Every value is bound (PQexecParams), never formatted into SQL. Messages
 * never carry the connection's password: pri_store_shown_path() masks the
 * URI, and any text from libpq or the server has the password masked too
 * (clean_message()). */
#include "alloc.h"
#include "store_backend.h"
#include "store_postgresql_quota.h"

#include "buf.h"

#include "error.h"
#include "growth.h"
#include "keyed_hash.h"
#include "uuid.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STORE_APPLICATION "libpubrio journal"
#define STORE_VERSION 1
/* The advisory locks' first keys: "PBRI" for the run writing, the next
 * while the schema is made or checked (apart, so a run waits for no one
 * else's life); their second is the schema's hash, so journals in other
 * schemas do not exclude each other. */
#define STORE_LOCK_KEY 1346523721
#define SCHEMA_LOCK_KEY (STORE_LOCK_KEY + 1)
/* Serialises every run's intents: each checks its claims (and the shared
 * credit budget) against what the others committed. */
#define INTENT_LOCK_KEY (STORE_LOCK_KEY + 2)
/* Held by each run for its whole life, on a key of its schema and its id
 * (pg_advisory_lock's one-key form: the schema's hash in the high half,
 * the id in the low; pg_locks shows them as classid, objid, objsubid 1):
 * a claim whose run holds it is alive; PostgreSQL drops it with the run's
 * connection. */
#define RUN_LOCK_SQL                                                           \
  "SELECT 1 FROM pg_advisory_lock(((hashtext(current_schema()) &"              \
  " 2147483647)::bigint << 32) | ($1::bigint % 2147483648))"
/* Whether batch b's run is alive: it holds its lock. */
#define RUN_ALIVE_SQL                                                          \
  "EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND"         \
  " l.database = (SELECT oid FROM pg_database WHERE datname ="                 \
  " current_database()) AND l.classid = (hashtext(current_schema()) &"         \
  " 2147483647)::bigint::oid AND l.objid = (b.run % 2147483648)::oid AND"      \
  " l.objsubid = 1 AND l.granted)"

/* Version 1's schema, created in the current schema; a later version adds
 * what migration_sql[] says, in the same transaction as the version. */
static const char schema_sql[] =
    "CREATE TABLE pubrio_meta(application text NOT NULL, version integer NOT"
    " NULL);"
    "CREATE TABLE runs(id bigserial PRIMARY KEY, started_at bigint NOT NULL,"
    " types integer NOT NULL, profile_id bigint, library text NOT NULL,"
    " workspace bigint, key_mark bytea);"
    "CREATE TABLE journal_key(key bytea NOT NULL);"
    "CREATE TABLE forgotten(mark bytea PRIMARY KEY, at bigint NOT NULL);"
    "CREATE TABLE batches(number integer PRIMARY KEY, run bigint NOT NULL"
    " REFERENCES runs(id), types integer NOT NULL, profile_id bigint,"
    " people bigint NOT NULL, state text NOT NULL CHECK(state IN ('intent',"
    " 'accepted', 'refused', 'collected')), redeem_query_id text,"
    " charged bigint, updated_at bigint NOT NULL, linkedin_url text,"
    " worst bigint NOT NULL DEFAULT 0);"
    "CREATE INDEX batches_by_state ON batches(state);"
    "CREATE INDEX batches_by_url ON batches(linkedin_url) WHERE linkedin_url"
    " IS NOT NULL;"
    "CREATE TABLE batch_people(batch integer NOT NULL, person bytea NOT NULL,"
    " PRIMARY KEY(batch, person));"
    "CREATE INDEX batch_people_by_person ON batch_people(person);"
    "CREATE TABLE people(person bytea PRIMARY KEY, bought integer NOT NULL"
    " DEFAULT 0, pending integer NOT NULL DEFAULT 0, uncertain integer NOT"
    " NULL DEFAULT 0);"
    "CREATE TABLE contacts(id bigserial PRIMARY KEY, person bytea NOT NULL,"
    " kind integer NOT NULL, type text, value text, status text, batch"
    " integer NOT NULL, at bigint NOT NULL);"
    "CREATE INDEX contacts_by_person ON contacts(person);"
    "CREATE TABLE lookups(mark bytea PRIMARY KEY, state integer NOT NULL,"
    " person bytea, confidence integer NOT NULL, at bigint NOT NULL,"
    " charged bigint NOT NULL DEFAULT 0);"
    "CREATE INDEX lookups_by_person ON lookups(person) WHERE person IS NOT"
    " NULL;";

/* The tables a store of STORE_VERSION has, by name: anything else in its
 * schema is not ours. */
static const char *const our_tables[] = {"batch_people",
                                         "batches",
                                         "contacts",
                                         "forgotten",
                                         "journal_key",
                                         "lookups",
                                         "people",
                                         "pubrio_meta",
                                         "pubrio_quota_pause",
                                         "pubrio_quota_starts",
                                         "runs"};
enum { OUR_TABLES = sizeof our_tables / sizeof *our_tables };

typedef struct pg_store {
  pri_store base; /* first: what the engine holds */
  PGconn *conn;
  /* The URI's password as written and as libpq reads it (percent-decoded),
   * to mask in any message; NULL when none. */
  char *secrets[2];
  int read_only;
  uint8_t secret[PRI_KEYED_HASH_LEN]; /* journal_key, when opened to write */
  int has_secret;
  int64_t forgotten; /* marks when opened: none, no lookup a person */
  int64_t run;
  int64_t run_started; /* its runs.started_at */
  uint8_t cursor[16];  /* the last person pri_store_next_bought() read */
  int has_cursor;
  char message[256]; /* the first failure of a transaction, kept */
} pg_store;

static int64_t epoch_now(void) { return (int64_t)time(NULL); }

/* Server and libpq text is untrusted and may quote the connection string
 * (libpq's parser quotes a bad token, the password as written): one line,
 * printable ASCII, either form of the password (@p secrets, NULL when
 * none) as ***. */
static void clean_message(char *const secrets[2], const char *text, char *out,
                          size_t size) {
  size_t n = 0;
  for (const char *c = text ? text : ""; *c && n + 4 < size; c++) {
    size_t hidden = 0;
    for (int k = 0; secrets && k < 2 && !hidden; k++)
      if (secrets[k] && secrets[k][0] &&
          strncmp(c, secrets[k], strlen(secrets[k])) == 0)
        hidden = strlen(secrets[k]);
    if (hidden) {
      memcpy(out + n, "***", 3);
      n += 3;
      c += hidden - 1;
      continue;
    }
    if (*c == '\n' && !c[1])
      break; /* libpq ends its messages with a newline */
    out[n++] = (unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f ? *c
               : *c == '\n'                                          ? ' '
                                                                     : '?';
  }
  out[n] = '\0';
}

static const char *pg_error(pri_store *store) {
  pg_store *s = (pg_store *)store;
  if (!s->message[0])
    clean_message(s->secrets,
                  s->conn ? PQerrorMessage(s->conn) : "the store is closed",
                  s->message, sizeof s->message);
  return s->message;
}

/* Keep the failure just seen unless one is kept already: what a rollback
 * says never hides the cause. */
static void keep_result_error(pg_store *s, const PGresult *r) {
  if (s->message[0])
    return;
  const char *text = r ? PQresultErrorMessage(r) : "";
  clean_message(s->secrets, text && *text ? text : PQerrorMessage(s->conn),
                s->message, sizeof s->message);
}

/* Parameters, all bound: integers as text, ids and marks as bytea
 * (binary), text as text. */
enum { MAX_PARAMS = 8 };
typedef struct params {
  int n;
  const char *values[MAX_PARAMS];
  int lengths[MAX_PARAMS];
  int formats[MAX_PARAMS];
  char numbers[MAX_PARAMS][24];
} params;

static void p_int(params *p, int64_t v) {
  snprintf(p->numbers[p->n], sizeof p->numbers[p->n], "%lld", (long long)v);
  p->values[p->n] = p->numbers[p->n];
  p->lengths[p->n] = 0;
  p->formats[p->n++] = 0;
}
static void p_bytes(params *p, const void *data, size_t len) {
  p->values[p->n] = data;
  p->lengths[p->n] = (int)len;
  p->formats[p->n++] = 1;
}
static void p_text(params *p, const char *text) { /* NULL: SQL NULL */
  p->values[p->n] = text;
  p->lengths[p->n] = 0;
  p->formats[p->n++] = 0;
}

/* A PostgreSQL array literal, bound as one parameter so a batch is a few
 * statements, not one a person: every element quoted with its backslashes
 * and double quotes escaped, NULL unquoted, so no value can end an element
 * or the array. */
typedef struct pg_array {
  pri_buf buf;
  size_t count;
  int failed;
} pg_array;

static void arr_add(pg_array *a, const char *bytes, size_t len) {
  a->failed |= pri_buf_append(&a->buf, bytes, len) != 0;
}

static void arr_text(pg_array *a, const char *text) {
  arr_add(a, a->count++ ? "," : "{", 1);
  if (!text) {
    arr_add(a, "NULL", 4);
    return;
  }
  arr_add(a, "\"", 1);
  for (const char *run = text; *run;) {
    size_t plain = strcspn(run, "\"\\");
    arr_add(a, run, plain);
    run += plain;
    if (*run) {
      arr_add(a, "\\", 1);
      arr_add(a, run++, 1);
    }
  }
  arr_add(a, "\"", 1);
}

/* bytea's text form: \x and hex. */
static void arr_bytes(pg_array *a, const uint8_t *bytes, size_t len) {
  char hex[2 + 2 * 64 + 1] = "\\x";
  for (size_t i = 0; i < len && i < 64; i++)
    snprintf(hex + 2 + 2 * i, 3, "%02x", bytes[i]);
  arr_text(a, hex);
}

static void arr_int(pg_array *a, int64_t v) {
  char number[24];
  snprintf(number, sizeof number, "%lld", (long long)v);
  arr_text(a, number);
}

/* The literal, or NULL when memory failed. */
static const char *arr_done(pg_array *a) {
  arr_add(a, a->count ? "}" : "{}", a->count ? 1 : 2);
  return a->failed ? NULL : a->buf.data;
}

/* Run @p sql with @p p bound (NULL: none); the result when it succeeded
 * (PQclear it), NULL with the error kept. */
static PGresult *run_sql(pg_store *s, const char *sql, const params *p) {
  PGresult *r =
      PQexecParams(s->conn, sql, p ? p->n : 0, NULL, p ? p->values : NULL,
                   p ? p->lengths : NULL, p ? p->formats : NULL, 0);
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
    return r;
  keep_result_error(s, r);
  PQclear(r);
  return NULL;
}

/* A statement whose rows do not matter: 0 or -1. */
static int exec_sql(pg_store *s, const char *sql, const params *p) {
  PGresult *r = run_sql(s, sql, p);
  PQclear(r);
  return r ? 0 : -1;
}

/* Several statements without parameters (the schema): 0 or -1. */
static int exec_script(pg_store *s, const char *sql) {
  PGresult *r = PQexec(s->conn, sql);
  int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok)
    keep_result_error(s, r);
  PQclear(r);
  return ok ? 0 : -1;
}

/* The rows changed by a statement: the count, or -1. */
static int64_t exec_count(pg_store *s, const char *sql, const params *p) {
  PGresult *r = run_sql(s, sql, p);
  if (!r)
    return -1;
  int64_t n = strtoll(PQcmdTuples(r), NULL, 10);
  PQclear(r);
  return n;
}

/* One integer from a query; @p fallback for no row or NULL. */
static int64_t query_int(pg_store *s, const char *sql, const params *p,
                         int64_t fallback, int *failed) {
  PGresult *r = run_sql(s, sql, p);
  int64_t v = fallback;
  if (!r)
    *failed = 1;
  else if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
    v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
  PQclear(r);
  return v;
}

static int64_t cell_int(const PGresult *r, int row, int col) {
  return PQgetisnull(r, row, col) ? 0
                                  : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static int hex_digit(char c) {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

/* A bytea cell (text format, "\x" and hex) into @p out of @p size bytes:
 * its length, or -1 when it is NULL, not hex, or longer than @p size. */
static int cell_bytes(const PGresult *r, int row, int col, uint8_t *out,
                      size_t size) {
  if (PQgetisnull(r, row, col))
    return -1;
  const char *v = PQgetvalue(r, row, col);
  if (v[0] != '\\' || v[1] != 'x')
    return -1;
  size_t len = strlen(v + 2);
  if (len % 2 || len / 2 > size)
    return -1;
  for (size_t i = 0; i < len / 2; i++) {
    int hi = hex_digit(v[2 + 2 * i]), lo = hex_digit(v[3 + 2 * i]);
    if (hi < 0 || lo < 0)
      return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return (int)(len / 2);
}

/* A person's id from a cell: 1 when it is 16 bytes. */
static int cell_id(const PGresult *r, int row, int col, uint8_t out[16]) {
  return cell_bytes(r, row, col, out, 16) == 16;
}

/* A transaction committed whole or rolled back; its first failure is what
 * pri_store_error() says. */
static int begin(pg_store *s) {
  s->message[0] = '\0';
  if (s->read_only) {
    snprintf(s->message, sizeof s->message, "the store is open read only");
    return -1;
  }
  return exec_sql(s, "BEGIN", NULL);
}
static int end(pg_store *s, int ok) {
  if (ok && exec_sql(s, "COMMIT", NULL) == 0) {
    s->message[0] = '\0';
    return 0;
  }
  if (PQtransactionStatus(s->conn) != PQTRANS_IDLE)
    exec_sql(s, "ROLLBACK", NULL);
  return -1;
}

static void pg_close(pri_store *store) {
  pg_store *s = (pg_store *)store;
  if (!s)
    return;
  PQfinish(s->conn); /* the run's advisory lock goes with its session */
  for (int k = 0; k < 2; k++)
    if (s->secrets[k]) {
      memset(s->secrets[k], 0, strlen(s->secrets[k]));
      pri_free(s->secrets[k]);
    }
  pri_free(s);
}

/* Server notices would go to stderr: untrusted text, not ours to print. */
static void ignore_notice(void *arg, const char *message) {
  (void)arg;
  (void)message;
}

/* The URI's password as written: between the user's ':' and the '@'
 * (pri_store_shown_path() masks the same part); NULL when none. */
static char *written_password(const char *uri) {
  const char *start = strstr(uri, "://");
  start = start ? start + 3 : uri;
  const char *at = strchr(start, '@');
  const char *slash = strchr(start, '/');
  if (!at || (slash && slash < at))
    return NULL;
  const char *colon = memchr(start, ':', (size_t)(at - start));
  if (!colon || colon + 1 == at)
    return NULL;
  size_t len = (size_t)(at - colon - 1);
  char *out = pri_malloc(len + 1);
  if (out) {
    memcpy(out, colon + 1, len);
    out[len] = '\0';
  }
  return out;
}

/* The URI's password, to keep out of every message, in either form; 0,
 * or -1 when the URI cannot be parsed (libpq's message, which may quote
 * the password as written, in @p why: clean it). */
static int find_password(const char *uri, char *secrets[2], char *why,
                         size_t size) {
  char *error = NULL;
  secrets[0] = written_password(uri);
  secrets[1] = NULL;
  PQconninfoOption *opts = PQconninfoParse(uri, &error);
  if (!opts) {
    snprintf(why, size, "%s", error ? error : "out of memory");
    if (why[0] && why[strlen(why) - 1] == '\n')
      why[strlen(why) - 1] = '\0';
    PQfreemem(error);
    return -1;
  }
  int ok = 1;
  for (PQconninfoOption *o = opts; o->keyword; o++)
    if (strcmp(o->keyword, "password") == 0 && o->val && o->val[0])
      ok = (secrets[1] = pri_strdup(o->val)) != NULL;
  PQconninfoFree(opts);
  return ok ? 0 : -1;
}

/* The schema's tables that are not ours, and whether pubrio_meta is
 * there: decided by reading only. */
static pubrio_status check_schema(pg_store *s, const char *shown, int *fresh,
                                  int64_t *version, pubrio_error *err) {
  PGresult *r = run_sql(s,
                        "SELECT c.relname, c.relkind FROM pg_class c JOIN"
                        " pg_namespace n ON n.oid = c.relnamespace WHERE"
                        " n.nspname = current_schema() AND c.relkind IN ('r',"
                        " 'v', 'm', 'p', 'f') ORDER BY c.relname",
                        NULL);
  if (!r)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s cannot be read (%s); it was left "
                         "untouched",
                         shown, pg_error(&s->base));
  int rows = PQntuples(r), has_meta = 0;
  const char *stranger = NULL;
  for (int i = 0; i < rows; i++) {
    const char *name = PQgetvalue(r, i, 0);
    int ours = 0;
    for (int k = 0; k < OUR_TABLES && !ours; k++)
      ours = strcmp(name, our_tables[k]) == 0 && PQgetvalue(r, i, 1)[0] == 'r';
    has_meta |= strcmp(name, "pubrio_meta") == 0;
    if (!ours && !stranger)
      stranger = name;
  }
  char what[64];
  clean_message(NULL, stranger ? stranger : "", what, sizeof what);
  PQclear(r);
  *fresh = rows == 0;
  *version = 0;
  if (*fresh)
    return PUBRIO_OK;
  if (!has_meta)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "%s holds tables of another program (such as '%s') "
                         "in its schema, and no libpubrio journal; it was "
                         "left untouched (name another database or schema)",
                         shown, what);
  r = run_sql(s, "SELECT application, version FROM pubrio_meta", NULL);
  if (!r)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s cannot be read (%s); it was left "
                         "untouched",
                         shown, pg_error(&s->base));
  int mine =
      PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), STORE_APPLICATION) == 0;
  *version = mine ? cell_int(r, 0, 1) : 0;
  PQclear(r);
  if (!mine)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "%s holds a pubrio_meta table that is not a "
                         "libpubrio journal's; it was left untouched",
                         shown);
  if (*version < 1 || *version > STORE_VERSION)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s has version %lld of the store, this "
                         "library reads version %d; it was left untouched",
                         shown, (long long)*version, STORE_VERSION);
  if (stranger)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s holds a table named '%s' that "
                         "libpubrio never makes: it was changed by another "
                         "program; it was left untouched",
                         shown, what);
  /* A journal is data, never code: no trigger or rule on its tables. */
  r = run_sql(s,
              "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid ="
              " t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
              " WHERE n.nspname = current_schema() AND NOT t.tgisinternal"
              " UNION ALL SELECT r.rulename FROM pg_rewrite r JOIN pg_class c"
              " ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid ="
              " c.relnamespace WHERE n.nspname = current_schema() LIMIT 1",
              NULL);
  if (!r)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s cannot be read (%s); it was left "
                         "untouched",
                         shown, pg_error(&s->base));
  pubrio_status st = PUBRIO_OK;
  if (PQntuples(r) > 0) {
    clean_message(NULL, PQgetvalue(r, 0, 0), what, sizeof what);
    st = pri_error_set(err, PUBRIO_E_JOURNAL,
                       "the journal %s holds a trigger or rule named '%s' "
                       "that libpubrio never makes: a journal is data, and "
                       "this one was changed by another program; it was "
                       "left untouched",
                       shown, what);
  }
  PQclear(r);
  return st;
}

/* The journal's own random key (journal_key), if it has one: 1 read, 0
 * none, -1 a failure or a damaged key. */
static int read_secret(pg_store *s) {
  PGresult *r = run_sql(s, "SELECT key FROM journal_key LIMIT 1", NULL);
  if (!r)
    return -1;
  int rows = PQntuples(r);
  s->has_secret =
      rows == 1 &&
      cell_bytes(r, 0, 0, s->secret, sizeof s->secret) == (int)sizeof s->secret;
  PQclear(r);
  return s->has_secret ? 1 : rows == 0 ? 0 : -1;
}

/* The journal's key: read, or made once. */
static int load_secret(pg_store *s) {
  int read = read_secret(s);
  if (read != 0)
    return read > 0 ? 0 : -1;
  if (pri_random_bytes(s->secret, sizeof s->secret) != 0)
    return -1;
  params p = {0};
  p_bytes(&p, s->secret, sizeof s->secret);
  s->has_secret =
      exec_sql(s, "INSERT INTO journal_key(key) VALUES($1)", &p) == 0;
  return s->has_secret ? 0 : -1;
}

static pubrio_status store_failure(pg_store *s, const char *shown,
                                   const char *doing, pubrio_error *err) {
  return pri_error_set(err, PUBRIO_E_JOURNAL, "the journal %s: %s: %s", shown,
                       doing, pg_error(&s->base));
}

/* Opened to write: the schema made or brought up to date, the journal's
 * key read, the run's lock taken; in one transaction. */
static pubrio_status open_to_write(pg_store *s, const char *shown,
                                   pubrio_error *err) {
  /* Two runs creating one store at once: the second waits, then finds it
   * made. */
  int fresh = 0;
  int64_t version = 0;
  params schema_lock = {0};
  p_int(&schema_lock, SCHEMA_LOCK_KEY);
  if (begin(s) != 0 ||
      exec_sql(s,
               "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))",
               &schema_lock) != 0)
    return store_failure(s, shown, "locking", err);
  pubrio_status st = check_schema(s, shown, &fresh, &version, err);
  if (st == PUBRIO_OK && fresh) {
    params p = {0};
    p_text(&p, STORE_APPLICATION);
    p_int(&p, STORE_VERSION);
    if (exec_script(s, schema_sql) != 0 ||
        exec_script(s, pri_pg_quota_schema_sql) != 0 ||
        exec_sql(s,
                 "INSERT INTO pubrio_meta(application, version) VALUES($1,"
                 " $2)",
                 &p) != 0)
      st = store_failure(s, shown, "creating", err);
  }
  /* A later version's upgrade goes here, before the version is raised. */
  if (st == PUBRIO_OK && load_secret(s) != 0)
    st = store_failure(s, shown, "making its key", err);
  int failed = 0;
  if (st == PUBRIO_OK)
    s->forgotten =
        query_int(s, "SELECT count(*) FROM forgotten", NULL, 0, &failed);
  if (st == PUBRIO_OK && failed)
    st = store_failure(s, shown, "reading", err);
  /* Any number of runs write one journal at once (a team's machines):
   * each intent claims its people (pg_intent), and each run holds a lock
   * on its id while it lives (pg_begin_run). */
  if (end(s, st == PUBRIO_OK) != 0 && st == PUBRIO_OK)
    st = store_failure(s, shown, "creating", err);
  return st;
}

/* Opened to read: one snapshot, held until closed. A schema without a
 * journal reads as an empty one: the tables made in the session's own
 * temporary schema, which nobody else sees and which goes with it. */
static pubrio_status open_to_read(pg_store *s, const char *shown,
                                  pubrio_error *err) {
  int fresh = 0;
  int64_t version = 0;
  pubrio_status st = check_schema(s, shown, &fresh, &version, err);
  if (st == PUBRIO_OK && fresh &&
      (exec_script(s, "SET search_path = pg_temp") != 0 ||
       exec_script(s, schema_sql) != 0 ||
       exec_script(s, pri_pg_quota_schema_sql) != 0))
    st = store_failure(s, shown, "reading", err);
  if (st == PUBRIO_OK &&
      exec_script(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") != 0)
    st = store_failure(s, shown, "reading", err);
  /* Its key and marks as they are, so a plan knows its lookup answers and
   * forgotten people; nothing is made. */
  int failed = 0;
  if (st == PUBRIO_OK && !fresh && read_secret(s) < 0)
    st = store_failure(s, shown, "reading its key", err);
  else if (st == PUBRIO_OK && !fresh)
    s->forgotten =
        query_int(s, "SELECT count(*) FROM forgotten", NULL, 0, &failed);
  if (st == PUBRIO_OK && failed)
    st = store_failure(s, shown, "reading", err);
  return st;
}

static int pg_begin_run(pri_store *store, unsigned types, int has_profile_id,
                        int64_t profile_id) {
  pg_store *s = (pg_store *)store;
  int64_t started = epoch_now();
  params p = {0};
  p_int(&p, started);
  p_int(&p, types);
  if (has_profile_id)
    p_int(&p, profile_id);
  else
    p_text(&p, NULL);
  p_text(&p, PUBRIO_VERSION);
  int failed = 0;
  s->message[0] = '\0';
  int64_t id = query_int(s,
                         "INSERT INTO runs(started_at, types, profile_id,"
                         " library) VALUES($1, $2, $3, $4) RETURNING id",
                         &p, -1, &failed);
  if (failed || id < 0)
    return -1;
  s->run = id;
  s->run_started = started;
  params lock = {0};
  p_int(&lock, id);
  query_int(s, RUN_LOCK_SQL, &lock, 0, &failed);
  return failed ? -1 : 0;
}

static int pg_workspace(pri_store *store, int64_t *workspace) {
  pg_store *s = (pg_store *)store;
  int failed = 0;
  int64_t v = query_int(s,
                        "SELECT coalesce((SELECT workspace FROM runs WHERE"
                        " workspace IS NOT NULL ORDER BY id LIMIT 1), -1)",
                        NULL, -1, &failed);
  if (failed)
    return -1;
  *workspace = v;
  return v >= 0;
}

static int pg_set_workspace(pri_store *store, int64_t workspace) {
  pg_store *s = (pg_store *)store;
  params p = {0};
  p_int(&p, workspace);
  p_int(&p, s->run);
  s->message[0] = '\0';
  return exec_sql(s, "UPDATE runs SET workspace = $1 WHERE id = $2", &p);
}

static int pg_set_run_key(pri_store *store, const char *api_key) {
  pg_store *s = (pg_store *)store;
  if (!s->has_secret || !api_key)
    return 0;
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (pri_keyed_hash(s->secret, sizeof s->secret, api_key, strlen(api_key),
                     mark) != 0)
    return -1;
  params p = {0};
  p_bytes(&p, mark, sizeof mark);
  p_int(&p, s->run);
  s->message[0] = '\0';
  return exec_sql(s, "UPDATE runs SET key_mark = $1 WHERE id = $2", &p);
}

static int pg_key_workspace(pri_store *store, const char *api_key,
                            int64_t *workspace) {
  pg_store *s = (pg_store *)store;
  if (!s->has_secret || !api_key)
    return 0;
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (pri_keyed_hash(s->secret, sizeof s->secret, api_key, strlen(api_key),
                     mark) != 0)
    return -1;
  params p = {0};
  p_bytes(&p, mark, sizeof mark);
  PGresult *r = run_sql(s,
                        "SELECT workspace FROM runs WHERE key_mark = $1 AND"
                        " workspace IS NOT NULL ORDER BY id DESC LIMIT 1",
                        &p);
  if (!r)
    return -1;
  int found = PQntuples(r) > 0;
  if (found)
    *workspace = cell_int(r, 0, 0);
  PQclear(r);
  return found;
}

/* The mark a forgotten person, URL or lookup key leaves: its keyed hash,
 * never the value. */
static int mark_of(pg_store *s, const void *data, size_t len,
                   uint8_t mark[PRI_KEYED_HASH_LEN]) {
  return pri_keyed_hash(s->secret, sizeof s->secret, data, len, mark);
}

/* Run @p sql with @p person bound as $1; 0 or -1. */
static int person_exec(pg_store *s, const char *sql, const uint8_t *person) {
  params p = {0};
  p_bytes(&p, person, 16);
  return exec_sql(s, sql, &p);
}

/* A person's contacts, bought state and batch rows erased (in the
 * caller's transaction). */
static int erase_person(pg_store *s, const uint8_t person[16]) {
  return person_exec(s, "DELETE FROM contacts WHERE person = $1", person) ==
                     0 &&
                 person_exec(s, "DELETE FROM people WHERE person = $1",
                             person) == 0 &&
                 person_exec(s, "DELETE FROM batch_people WHERE person = $1",
                             person) == 0
             ? 0
             : -1;
}

static int add_mark(pg_store *s, const uint8_t mark[PRI_KEYED_HASH_LEN]) {
  params p = {0};
  p_bytes(&p, mark, PRI_KEYED_HASH_LEN);
  p_int(&p, epoch_now());
  return exec_sql(s,
                  "INSERT INTO forgotten(mark, at) VALUES($1, $2) ON"
                  " CONFLICT(mark) DO NOTHING",
                  &p);
}

static int pg_forget(pri_store *store, const uint8_t person[16]) {
  pg_store *s = (pg_store *)store;
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (!s->has_secret || mark_of(s, person, 16, mark) != 0 || begin(s) != 0)
    return -1;
  int ok = erase_person(s, person) == 0 && add_mark(s, mark) == 0 &&
           /* The keys that named them go too: personal data. */
           person_exec(s, "DELETE FROM lookups WHERE person = $1", person) == 0;
  if (end(s, ok) != 0)
    return -1;
  s->forgotten++;
  return 0;
}

static int pg_unforget(pri_store *store, const uint8_t person[16]) {
  pg_store *s = (pg_store *)store;
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (!s->has_secret || mark_of(s, person, 16, mark) != 0)
    return -1;
  params p = {0};
  p_bytes(&p, mark, sizeof mark);
  s->message[0] = '\0';
  int64_t n = exec_count(s, "DELETE FROM forgotten WHERE mark = $1", &p);
  return n < 0 ? -1 : n > 0;
}

/* The people of @p sql's rows (their first column), @p p bound, in a new
 * array; 0 or -1. */
static int people_of(pg_store *s, const char *sql, const params *p,
                     uint8_t (**out)[16], size_t *count) {
  size_t cap = 0;
  *out = NULL;
  *count = 0;
  PGresult *r = run_sql(s, sql, p);
  if (!r)
    return -1;
  int ok = 1;
  for (int i = 0; ok && i < PQntuples(r); i++) {
    uint8_t id[16];
    if (!cell_id(r, i, 0, id))
      continue; /* not an id: nobody */
    ok = pri_grow(out, &cap, *count + 1, sizeof **out) == 0;
    if (ok)
      memcpy((*out)[(*count)++], id, 16);
  }
  PQclear(r);
  if (!ok) {
    snprintf(s->message, sizeof s->message, "out of memory");
    pri_free(*out);
    *out = NULL;
    *count = 0;
  }
  return ok ? 0 : -1;
}

static int pg_forget_url(pri_store *store, const char *url, size_t *people) {
  pg_store *s = (pg_store *)store;
  *people = 0;
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (!s->has_secret || mark_of(s, url, strlen(url), mark) != 0)
    return -1;
  uint8_t(*found)[16] = NULL;
  size_t count = 0;
  params p = {0};
  p_text(&p, url);
  s->message[0] = '\0';
  if (people_of(s,
                "SELECT DISTINCT p.person FROM batches b JOIN batch_people p"
                " ON p.batch = b.number WHERE b.linkedin_url = $1",
                &p, &found, &count) != 0)
    return -1;
  int ok = 1;
  for (size_t i = 0; ok && i < count; i++)
    ok = pg_forget(store, found[i]) == 0;
  pri_free(found);
  /* The URL itself is personal data: its batches keep an empty one (still
   * single redeems for `pubrio status`), and its mark stays. */
  ok = ok && begin(s) == 0;
  ok = ok &&
       exec_sql(s,
                "UPDATE batches SET linkedin_url = '' WHERE linkedin_url = $1",
                &p) == 0 &&
       add_mark(s, mark) == 0;
  if (end(s, ok) != 0)
    return -1;
  *people = count;
  s->forgotten++;
  return 0;
}

/* 1 when @p mark is stored, 0 if not, -1 on failure. */
static int has_mark(pg_store *s, const uint8_t mark[PRI_KEYED_HASH_LEN]) {
  params p = {0};
  p_bytes(&p, mark, PRI_KEYED_HASH_LEN);
  PGresult *r = run_sql(s, "SELECT 1 FROM forgotten WHERE mark = $1", &p);
  if (!r)
    return -1;
  int found = PQntuples(r) > 0;
  PQclear(r);
  return found;
}

static int pg_url_forgotten(pri_store *store, const char *url) {
  pg_store *s = (pg_store *)store;
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (!s->has_secret || !s->forgotten)
    return 0;
  return mark_of(s, url, strlen(url), mark) != 0 ? -1 : has_mark(s, mark);
}

static int pg_is_forgotten(pri_store *store, const uint8_t person[16]) {
  pg_store *s = (pg_store *)store;
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (!s->has_secret || !s->forgotten)
    return 0; /* read only, or nobody forgotten */
  return mark_of(s, person, 16, mark) != 0 ? -1 : has_mark(s, mark);
}

static int pg_people_with_contact(pri_store *store, const char *value,
                                  uint8_t (**out)[16], size_t *count) {
  pg_store *s = (pg_store *)store;
  char digits[64] = "";
  size_t n = 0;
  int only_phone_chars = 1;
  for (const char *c = value; *c && only_phone_chars; c++)
    if (*c >= '0' && *c <= '9' && n + 1 < sizeof digits)
      digits[n++] = *c;
    else if (!strchr("+ -()", *c))
      only_phone_chars = 0;
  digits[only_phone_chars ? n : 0] = '\0';
  params p = {0};
  p_text(&p, value);
  p_text(&p, digits);
  /* An email in any case; a phone as written or with the same digits. */
  return people_of(
      s,
      "SELECT DISTINCT person FROM contacts WHERE lower(value) = lower($1)"
      " OR (kind = 1 AND $2 <> '' AND replace(replace(replace(replace("
      "replace(value, '+', ''), ' ', ''), '-', ''), '(', ''), ')', '') = $2)",
      &p, out, count);
}

static int pg_forget_older(pri_store *store, int64_t before, size_t *people) {
  pg_store *s = (pg_store *)store;
  uint8_t(*found)[16] = NULL;
  size_t count = 0;
  *people = 0;
  params p = {0};
  p_int(&p, before);
  s->message[0] = '\0';
  if (people_of(s, "SELECT DISTINCT person FROM contacts WHERE at < $1", &p,
                &found, &count) != 0)
    return -1;
  int ok = begin(s) == 0;
  /* Retention, not a request to be forgotten: no mark, a later run may
   * buy them again. */
  for (size_t i = 0; ok && i < count; i++)
    ok = erase_person(s, found[i]) == 0;
  pri_free(found);
  if (end(s, ok) != 0)
    return -1;
  *people = count;
  return 0;
}

static int pg_oldest_contact(pri_store *store, int64_t *at) {
  pg_store *s = (pg_store *)store;
  int failed = 0;
  int64_t v = query_int(s, "SELECT coalesce(min(at), -1) FROM contacts", NULL,
                        -1, &failed);
  if (failed)
    return -1;
  *at = v;
  return v >= 0;
}

static int pg_scrub(pri_store *store) {
  pg_store *s = (pg_store *)store;
  /* VACUUM FULL writes each table anew, so erased rows leave no page of
   * it; PostgreSQL's WAL and its archive are the server's to recycle. */
  s->message[0] = '\0';
  return exec_sql(s,
                  "VACUUM FULL contacts, people, batch_people, forgotten,"
                  " lookups, batches, runs",
                  NULL);
}

static int pg_each_accepted(pri_store *store,
                            int (*fn)(const pri_store_batch *, void *),
                            void *userdata) {
  pg_store *s = (pg_store *)store;
  s->message[0] = '\0';
  PGresult *r = run_sql(s,
                        "SELECT number, redeem_query_id, types, profile_id"
                        " FROM batches WHERE state = 'accepted' ORDER BY"
                        " number",
                        NULL);
  if (!r)
    return -1;
  pri_store_batch b = {0};
  int rc = 0;
  for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
    int64_t number = cell_int(r, i, 0);
    if (number < 1 || number > INT32_MAX) {
      snprintf(s->message, sizeof s->message,
               "an accepted batch has the number %lld, out of range: the "
               "journal is damaged",
               (long long)number);
      rc = -1;
      break;
    }
    b.number = (int)number;
    snprintf(b.redeem_query_id, sizeof b.redeem_query_id, "%s",
             PQgetvalue(r, i, 1));
    b.types = (unsigned)cell_int(r, i, 2);
    b.has_profile_id = !PQgetisnull(r, i, 3);
    b.profile_id = cell_int(r, i, 3);
    /* The people of a batch are its rows, never a stored count. */
    params p = {0};
    p_int(&p, b.number);
    pri_free(b.people);
    b.people = NULL;
    if (people_of(s, "SELECT person FROM batch_people WHERE batch = $1", &p,
                  &b.people, &b.count) != 0 ||
        fn(&b, userdata) != 0)
      rc = -1;
  }
  pri_free(b.people);
  PQclear(r);
  return rc;
}

static int pg_person_state(pri_store *store, const uint8_t person[16],
                           unsigned *bought, unsigned *pending,
                           unsigned *uncertain) {
  pg_store *s = (pg_store *)store;
  params p = {0};
  p_bytes(&p, person, 16);
  *bought = *pending = *uncertain = 0;
  PGresult *r = run_sql(
      s, "SELECT bought, pending, uncertain FROM people WHERE person = $1", &p);
  if (!r)
    return -1;
  if (PQntuples(r) > 0) {
    *bought = (unsigned)cell_int(r, 0, 0);
    *pending = (unsigned)cell_int(r, 0, 1);
    *uncertain = (unsigned)cell_int(r, 0, 2);
  }
  PQclear(r);
  return 0;
}

static int pg_number_range(pri_store *store, int64_t *lowest,
                           int64_t *highest) {
  pg_store *s = (pg_store *)store;
  int failed = 0;
  *lowest = query_int(s, "SELECT coalesce(min(number), 1) FROM batches", NULL,
                      0, &failed);
  *highest = query_int(s, "SELECT coalesce(max(number), 0) FROM batches", NULL,
                       0, &failed);
  return failed ? -1 : 0;
}

static int64_t pg_charged(pri_store *store) {
  pg_store *s = (pg_store *)store;
  int failed = 0;
  /* numeric sums never overflow; the cap keeps the total in range.
   * Batches' charges and lookup answers'. */
  int64_t v = query_int(s,
                        "SELECT least((SELECT coalesce(sum(charged::numeric),"
                        " 0) FROM batches) + (SELECT coalesce(sum(charged::"
                        "numeric), 0) FROM lookups), 4600000000000000000)",
                        NULL, 0, &failed);
  return failed ? -1 : v;
}

static int64_t pg_uncertain_worst(pri_store *store, const int64_t prices[3]) {
  pg_store *s = (pg_store *)store;
  params p = {0};
  for (int bit = 0; bit < 3; bit++)
    p_int(&p, prices[bit]);
  p_int(&p, PUBRIO_BATCH_SIZE_MAX);
  int failed = 0;
  /* A stored count is bounded by what a batch can hold. */
  int64_t v = query_int(
      s,
      "SELECT least(coalesce(sum((CASE WHEN types & 1 <> 0 THEN $1::numeric"
      " ELSE 0 END + CASE WHEN types & 2 <> 0 THEN $2::numeric ELSE 0 END +"
      " CASE WHEN types & 4 <> 0 THEN $3::numeric ELSE 0 END) *"
      " greatest(0, least(people, $4::bigint))), 0) + (SELECT count(*) FROM"
      " lookups WHERE state = 1), 4600000000000000000)"
      " FROM batches WHERE state = 'intent'",
      &p, 0, &failed);
  return failed ? -1 : v;
}

/* Inside the intent's transaction, under its lock: 1 when another run
 * holds one of @p id_list (a bytea[] literal) for one of @p types: in a
 * batch of its own still open while it lives (a dead run's open batches
 * were there when this run placed its people: uncertain or pending then,
 * submitted again only when asked), or collected since this run began
 * (bought meanwhile: handed out from the journal instead). 0 free, -1
 * failure. */
static int claimed_by_another_run(pg_store *s, const char *id_list,
                                  unsigned types) {
  params p = {0};
  p_text(&p, id_list);
  p_int(&p, s->run);
  p_int(&p, types);
  p_int(&p, s->run_started);
  int failed = 0;
  int64_t claimed = query_int(
      s,
      "SELECT count(*) FROM (SELECT 1 FROM batch_people bp JOIN batches b ON"
      " b.number = bp.batch WHERE bp.person = ANY($1::bytea[]) AND b.run <>"
      " $2 AND b.types & $3::integer <> 0 AND ((b.state IN ('intent',"
      " 'accepted') AND " RUN_ALIVE_SQL ") OR (b.state = 'collected' AND"
      " b.updated_at >= $4)) LIMIT 1) c",
      &p, 0, &failed);
  return failed ? -1 : claimed > 0;
}

/* One budget for every run on the journal, inside the intent's
 * transaction, under its lock: what every run was
 * charged (batches and lookups) and the worst case of what may still be
 * (open batches at their own runs' prices, lookups asked without an
 * answer), plus @p worst, within @p cap. 1 room, 0 none, -1 failure. */
static int budget_has_room(pg_store *s, int64_t worst, int64_t cap) {
  params p = {0};
  p_int(&p, worst);
  p_int(&p, cap);
  int failed = 0;
  int64_t room = query_int(
      s,
      "SELECT ((SELECT coalesce(sum(CASE WHEN state = 'collected' THEN"
      " coalesce(charged, 0) WHEN state IN ('intent', 'accepted') THEN worst"
      " ELSE 0 END::numeric), 0) FROM batches) + (SELECT coalesce(sum("
      "charged::numeric), 0) FROM lookups) + (SELECT count(*) FROM lookups"
      " WHERE state = 1) + $1::numeric <= $2::numeric)::int",
      &p, 0, &failed);
  return failed ? -1 : room != 0;
}

static int pg_intent(pri_store *store, int number, unsigned types,
                     int has_profile_id, int64_t profile_id,
                     const uint8_t (*people)[16], size_t count,
                     const char *linkedin_url, int64_t worst, int64_t cap) {
  pg_store *s = (pg_store *)store;
  pg_array ids = {0};
  for (size_t i = 0; i < count; i++)
    arr_bytes(&ids, people[i], 16);
  const char *id_list = arr_done(&ids);
  if (!id_list || begin(s) != 0) {
    if (!id_list)
      snprintf(s->message, sizeof s->message, "out of memory");
    pri_buf_free(&ids.buf);
    return -1;
  }
  /* Every run's intents one at a time, so each sees what the others
   * claimed and charged. */
  params lock = {0};
  p_int(&lock, INTENT_LOCK_KEY);
  int locked =
      exec_sql(s,
               "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))",
               &lock) == 0;
  int claimed = locked && count ? claimed_by_another_run(s, id_list, types) : 0;
  int room =
      locked && !claimed && cap >= 0 ? budget_has_room(s, worst, cap) : 1;
  int verdict = !locked || claimed < 0 || room < 0 ? -1
                : claimed                          ? PRI_STORE_CLAIMED
                : !room                            ? PRI_STORE_OVER_BUDGET
                                                   : 0;
  if (verdict != 0) {
    end(s, 0);
    pri_buf_free(&ids.buf);
    return verdict;
  }
  params p = {0};
  p_int(&p, number);
  p_int(&p, s->run);
  p_int(&p, types);
  if (has_profile_id)
    p_int(&p, profile_id);
  else
    p_text(&p, NULL);
  /* A single redeem names one person, not known yet. */
  p_int(&p, linkedin_url ? 1 : (int64_t)count);
  p_int(&p, epoch_now());
  p_text(&p, linkedin_url);
  p_int(&p, worst);
  /* Another run may have taken the number meanwhile: nothing written, the
   * caller numbers the batch again. */
  int failed = 0;
  int64_t inserted = query_int(
      s,
      "INSERT INTO batches(number, run, types, profile_id, people, state,"
      " updated_at, linkedin_url, worst) VALUES($1, $2, $3, $4, $5, 'intent',"
      " $6, $7, $8) ON CONFLICT(number) DO NOTHING RETURNING 1",
      &p, 0, &failed);
  if (!failed && !inserted) {
    end(s, 0);
    pri_buf_free(&ids.buf);
    return PRI_STORE_NUMBER_TAKEN;
  }
  int ok = !failed;
  params q = {0};
  p_int(&q, number);
  p_text(&q, id_list);
  params u = {0};
  p_text(&u, id_list);
  p_int(&u, types);
  ok = ok && (!count ||
              (exec_sql(s,
                        "INSERT INTO batch_people(batch, person) SELECT $1,"
                        " unnest($2::bytea[]) ON CONFLICT DO NOTHING",
                        &q) == 0 &&
               exec_sql(s,
                        "INSERT INTO people(person, uncertain) SELECT DISTINCT"
                        " unnest($1::bytea[]), $2::integer ON CONFLICT(person)"
                        " DO UPDATE SET uncertain = people.uncertain |"
                        " excluded.uncertain",
                        &u) == 0));
  pri_buf_free(&ids.buf);
  return end(s, ok);
}

/* The people of batch @p number: @p sql with the batch as $1 and its
 * types as $2. */
static int batch_people_update(pg_store *s, const char *sql, int number,
                               unsigned types) {
  params p = {0};
  p_int(&p, number);
  p_int(&p, types);
  return exec_sql(s, sql, &p);
}

static int pg_accepted(pri_store *store, int number, unsigned types,
                       const char *id) {
  pg_store *s = (pg_store *)store;
  if (begin(s) != 0)
    return -1;
  params p = {0};
  p_int(&p, number);
  p_text(&p, id);
  p_int(&p, epoch_now());
  int ok = exec_sql(s,
                    "UPDATE batches SET state = 'accepted', redeem_query_id ="
                    " $2, updated_at = $3 WHERE number = $1",
                    &p) == 0 &&
           batch_people_update(s,
                               "UPDATE people SET uncertain = uncertain & ~$2"
                               "::integer, pending = pending | $2 WHERE person"
                               " IN (SELECT person FROM batch_people WHERE"
                               " batch = $1)",
                               number, types) == 0;
  return end(s, ok);
}

static int pg_refused(pri_store *store, int number, unsigned types) {
  pg_store *s = (pg_store *)store;
  if (begin(s) != 0)
    return -1;
  params p = {0};
  p_int(&p, number);
  p_int(&p, epoch_now());
  int ok = exec_sql(s,
                    "UPDATE batches SET state = 'refused', updated_at = $2"
                    " WHERE number = $1",
                    &p) == 0 &&
           batch_people_update(s,
                               "UPDATE people SET uncertain = uncertain & ~$2"
                               "::integer WHERE person IN (SELECT person FROM"
                               " batch_people WHERE batch = $1)",
                               number, types) == 0;
  return end(s, ok);
}

/* ",email-work,phone," : the wire names of @p types, for strpos(). */
static void type_list(unsigned types, char *out, size_t size) {
  snprintf(out, size, ",");
  for (unsigned bit = 1; bit <= PUBRIO_CONTACT_PHONE; bit <<= 1)
    if (types & bit) {
      size_t len = strlen(out);
      snprintf(out + len, size - len, "%s,",
               pubrio_contact_type_str((pubrio_contact_type)bit));
    }
}

/* The contacts of a transaction's people, as parallel arrays (one row a
 * contact), and the people whose contacts of the asked types they
 * replace. */
typedef struct contact_rows {
  pg_array people, person, kind, type, value, status;
} contact_rows;

static void rows_add(contact_rows *r, const uint8_t uuid[16],
                     const pubrio_person *p) {
  arr_bytes(&r->people, uuid, 16);
  for (int kind = 0; kind < 2; kind++) {
    size_t n = kind ? p->phone_count : p->email_count;
    for (size_t i = 0; i < n; i++) {
      const pubrio_contact *c =
          kind ? pubrio_person_phone(p, i) : pubrio_person_email(p, i);
      arr_bytes(&r->person, uuid, 16);
      arr_int(&r->kind, kind);
      arr_text(&r->type, c->type_raw);
      arr_text(&r->value, c->value);
      arr_text(&r->status, c->status);
    }
  }
}

static void rows_free(contact_rows *r) {
  pg_array *all[] = {&r->people, &r->person, &r->kind,
                     &r->type,   &r->value,  &r->status};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    pri_buf_free(&all[i]->buf);
}

/* The people's contacts of the asked types (@p names, type_list())
 * replaced by the rows, in the order the answer gave them; 0 or -1. */
static int rows_store(pg_store *s, contact_rows *r, int number,
                      const char *names) {
  if (!r->people.count)
    return 0;
  params del = {0}, add = {0};
  p_text(&del, arr_done(&r->people));
  p_text(&del, names);
  pg_array *cols[] = {&r->person, &r->kind, &r->type, &r->value, &r->status};
  int ok = del.values[0] != NULL;
  for (size_t i = 0; i < 5; i++) {
    p_text(&add, arr_done(cols[i]));
    ok = ok && add.values[i] != NULL;
  }
  p_int(&add, number);
  p_int(&add, epoch_now());
  if (!ok) {
    snprintf(s->message, sizeof s->message, "out of memory");
    return -1;
  }
  return exec_sql(s,
                  "DELETE FROM contacts WHERE person = ANY($1::bytea[]) AND"
                  " (type IS NULL OR strpos($2, ',' || type || ',') > 0)",
                  &del) == 0 &&
                 (!r->person.count ||
                  exec_sql(s,
                           "INSERT INTO contacts(person, kind, type, value,"
                           " status, batch, at) SELECT c.p, c.k, c.t, c.v,"
                           " c.s, $6, $7 FROM unnest($1::bytea[],"
                           " $2::integer[], $3::text[], $4::text[],"
                           " $5::text[]) WITH ORDINALITY AS c(p, k, t, v, s,"
                           " n) ORDER BY c.n",
                           &add) == 0)
             ? 0
             : -1;
}

static int mark_collected(pg_store *s, int number, int64_t charged) {
  params p = {0};
  p_int(&p, number);
  p_int(&p, charged);
  p_int(&p, epoch_now());
  return exec_sql(s,
                  "UPDATE batches SET state = 'collected', charged = $2,"
                  " updated_at = $3 WHERE number = $1",
                  &p);
}

static int pg_collected(pri_store *store, int number, unsigned types,
                        const uint8_t (*people)[16], size_t count,
                        const pubrio_query_result *res, int64_t charged) {
  pg_store *s = (pg_store *)store;
  char names[64];
  type_list(types, names, sizeof names);
  uint8_t *seen = pri_calloc(count ? count : 1, 1);
  if (!seen || begin(s) != 0) {
    pri_free(seen);
    return -1;
  }
  /* Two runs may collect one batch (any run collects what a dead or
   * stopped one left): the second finds it stored and stores nothing. */
  params q = {0};
  p_int(&q, number);
  int failed = 0;
  int64_t done = query_int(s,
                           "SELECT (state = 'collected')::int FROM batches"
                           " WHERE number = $1 FOR UPDATE",
                           &q, 0, &failed);
  if (failed || done) {
    pri_free(seen);
    return end(s, !failed);
  }
  contact_rows rows = {0};
  for (size_t i = 0; i < res->people_count; i++) {
    const pubrio_person *p = pubrio_query_result_person(res, i);
    uint8_t uuid[16];
    if (pri_uuid_parse(p->people_search_id, uuid) != 0)
      continue;
    size_t k = 0;
    while (k < count && memcmp(people[k], uuid, 16) != 0)
      k++;
    if (k == count || seen[k]++) /* a stranger, or named twice */
      continue;
    rows_add(&rows, uuid, p);
  }
  pri_free(seen);
  int ok = rows_store(s, &rows, number, names) == 0 &&
           mark_collected(s, number, charged) == 0 &&
           batch_people_update(s,
                               "UPDATE people SET pending = pending &"
                               " ~$2::integer, bought = bought | $2 WHERE"
                               " person IN (SELECT person FROM batch_people"
                               " WHERE batch = $1)",
                               number, types) == 0;
  rows_free(&rows);
  return end(s, ok);
}

static int single_contacts(pg_store *s, const uint8_t person[16],
                           const pubrio_person *p, int number,
                           const char *names) {
  contact_rows rows = {0};
  rows_add(&rows, person, p);
  int rc = rows_store(s, &rows, number, names);
  rows_free(&rows);
  return rc;
}

static int pg_single_answered(pri_store *store, int number, unsigned types,
                              const uint8_t *person,
                              const pubrio_query_result *res, int64_t charged) {
  pg_store *s = (pg_store *)store;
  char names[64];
  type_list(types, names, sizeof names);
  if (begin(s) != 0)
    return -1;
  int ok = 1;
  if (person) {
    const pubrio_person *p = pubrio_query_result_person(res, 0);
    params q = {0};
    p_int(&q, number);
    p_bytes(&q, person, 16);
    params u = {0};
    p_bytes(&u, person, 16);
    p_int(&u, types);
    ok = exec_sql(s,
                  "INSERT INTO batch_people(batch, person) VALUES($1, $2) ON"
                  " CONFLICT DO NOTHING",
                  &q) == 0 &&
         single_contacts(s, person, p, number, names) == 0 &&
         exec_sql(s,
                  "INSERT INTO people(person, bought) VALUES($1, $2) ON"
                  " CONFLICT(person) DO UPDATE SET bought = people.bought |"
                  " $2",
                  &u) == 0;
  }
  ok = ok && mark_collected(s, number, charged) == 0;
  return end(s, ok);
}

static int pg_url_state(pri_store *store, const char *linkedin_url,
                        uint8_t person[16]) {
  pg_store *s = (pg_store *)store;
  params p = {0};
  p_text(&p, linkedin_url);
  /* The URL's latest single redeem that was not refused, and whom it
   * named. */
  PGresult *r = run_sql(s,
                        "SELECT b.state, p.person FROM batches b LEFT JOIN"
                        " batch_people p ON p.batch = b.number WHERE"
                        " b.linkedin_url = $1 AND b.state <> 'refused' ORDER"
                        " BY b.number DESC LIMIT 1",
                        &p);
  if (!r)
    return -1;
  int state = PRI_URL_NEW;
  if (PQntuples(r) > 0) {
    int named = cell_id(r, 0, 1, person);
    if (strcmp(PQgetvalue(r, 0, 0), "intent") == 0)
      state = PRI_URL_UNCERTAIN;
    else
      state = named ? PRI_URL_NAMED : PRI_URL_NOT_FOUND;
  }
  PQclear(r);
  return state;
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

static char *cell_copy(pri_arena *arena, const PGresult *r, int row, int col) {
  return PQgetisnull(r, row, col)
             ? NULL
             : pri_arena_strdup(arena, PQgetvalue(r, row, col));
}

static pubrio_query_result *
pg_read_person(pri_store *store, const uint8_t person[16], unsigned types) {
  pg_store *s = (pg_store *)store;
  params q = {0};
  p_bytes(&q, person, 16);
  PGresult *r = run_sql(s,
                        "SELECT kind, type, value, status FROM contacts WHERE"
                        " person = $1 ORDER BY id",
                        &q);
  if (!r)
    return NULL;
  pri_query_result *res = pri_query_result_new();
  pri_person *p = res ? pri_calloc(1, sizeof *p) : NULL;
  pubrio_batch_job *job =
      p ? pri_arena_calloc(&res->arena, 1, sizeof *job) : NULL;
  char *id = job ? pri_arena_alloc(&res->arena, PUBRIO_ID_LEN + 1) : NULL;
  size_t counts[2] = {0, 0}, filled[2] = {0, 0};
  pubrio_contact *lists[2] = {NULL, NULL};
  int rows = PQntuples(r), ok = id != NULL;
  for (int i = 0; ok && i < rows; i++) {
    int kind = cell_int(r, i, 0) ? 1 : 0;
    if (wanted(kind, PQgetisnull(r, i, 1) ? NULL : PQgetvalue(r, i, 1), types))
      counts[kind]++;
  }
  for (int k = 0; ok && k < 2; k++)
    ok = !counts[k] || (lists[k] = pri_arena_calloc(&res->arena, counts[k],
                                                    sizeof *lists[k]));
  for (int i = 0; ok && i < rows; i++) {
    int kind = cell_int(r, i, 0) ? 1 : 0;
    if (!wanted(kind, PQgetisnull(r, i, 1) ? NULL : PQgetvalue(r, i, 1), types))
      continue;
    pubrio_contact *c = &lists[kind][filled[kind]++];
    c->type_raw = cell_copy(&res->arena, r, i, 1);
    c->type = pubrio_contact_type_from_str(c->type_raw);
    c->value = cell_copy(&res->arena, r, i, 2);
    c->status = cell_copy(&res->arena, r, i, 3);
  }
  PQclear(r);
  if (!ok) {
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

static int pg_each_run(pri_store *store,
                       int (*fn)(const pri_store_run *, void *),
                       void *userdata) {
  pg_store *s = (pg_store *)store;
  /* Batches and single redeems apart. */
  PGresult *r = run_sql(
      s,
      "SELECT r.id, r.started_at, r.types,"
      " count(*) FILTER (WHERE b.state = 'intent' AND b.linkedin_url IS NULL),"
      " count(*) FILTER (WHERE b.state = 'accepted' AND b.linkedin_url IS"
      " NULL),"
      " count(*) FILTER (WHERE b.state = 'refused' AND b.linkedin_url IS NULL),"
      " count(*) FILTER (WHERE b.state = 'collected' AND b.linkedin_url IS"
      " NULL),"
      " least(coalesce(sum(b.charged), 0), 4600000000000000000),"
      " count(*) FILTER (WHERE b.state = 'intent' AND b.linkedin_url IS NOT"
      " NULL),"
      " count(*) FILTER (WHERE b.state = 'collected' AND b.linkedin_url IS NOT"
      " NULL)"
      " FROM runs r LEFT JOIN batches b ON b.run = r.id GROUP BY r.id"
      " ORDER BY r.id",
      NULL);
  if (!r)
    return -1;
  int rc = 0;
  for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
    pri_store_run run = {.id = cell_int(r, i, 0),
                         .started_at = cell_int(r, i, 1),
                         .types = (unsigned)cell_int(r, i, 2),
                         .charged = cell_int(r, i, 7)};
    for (int k = 0; k < 4; k++)
      run.batches[k] = (size_t)cell_int(r, i, 3 + k);
    for (int k = 0; k < 2; k++)
      run.singles[k] = (size_t)cell_int(r, i, 8 + k);
    if (fn(&run, userdata) != 0)
      rc = -1;
  }
  PQclear(r);
  return rc;
}

static int pg_counts(pri_store *store, size_t *people, size_t *contacts) {
  pg_store *s = (pg_store *)store;
  int failed = 0;
  *people = (size_t)query_int(
      s, "SELECT count(*) FROM people WHERE bought <> 0", NULL, 0, &failed);
  *contacts =
      (size_t)query_int(s, "SELECT count(*) FROM contacts", NULL, 0, &failed);
  return failed ? -1 : 0;
}

static int pg_next_bought(pri_store *store, int first, uint8_t next[16],
                          unsigned *types) {
  pg_store *s = (pg_store *)store;
  if (!first && !s->has_cursor)
    return 0;
  params p = {0};
  if (!first)
    p_bytes(&p, s->cursor, 16);
  PGresult *r =
      run_sql(s,
              first ? "SELECT person, bought FROM people WHERE bought <> 0"
                      " ORDER BY person LIMIT 1"
                    : "SELECT person, bought FROM people WHERE bought <> 0"
                      " AND person > $1 ORDER BY person LIMIT 1",
              first ? NULL : &p);
  if (!r)
    return -1;
  s->has_cursor = 0;
  int found = 0;
  if (PQntuples(r) > 0) {
    uint8_t raw[64];
    int len = cell_bytes(r, 0, 0, raw, sizeof raw);
    unsigned bought = (unsigned)cell_int(r, 0, 1);
    /* The position is the key read, whatever it holds, so a damaged row
     * is stepped over. */
    if (len >= 0 && len <= 16) {
      memset(s->cursor, 0, 16);
      memcpy(s->cursor, raw, (size_t)len);
      s->has_cursor = 1;
    }
    if (len == 16 && !(bought & ~(unsigned)(PUBRIO_CONTACT_EMAIL_PERSONAL |
                                            PUBRIO_CONTACT_EMAIL_WORK |
                                            PUBRIO_CONTACT_PHONE))) {
      memcpy(next, raw, 16);
      *types = bought;
      found = 1;
    } else {
      snprintf(s->message, sizeof s->message,
               len == 16 ? "a person is damaged (its contact types are 0x%x); "
                           "skipped"
                         : "a person is damaged (its id is not 16 bytes, "
                           "types 0x%x); skipped",
               bought);
      found = 2;
    }
  }
  PQclear(r);
  return found;
}

static int pg_lookups_record(pri_store *store, const pri_stored_lookup *rows,
                             size_t count) {
  pg_store *s = (pg_store *)store;
  if (!s->has_secret || begin(s) != 0)
    return -1;
  int ok = 1;
  for (size_t i = 0; ok && i < count; i++) {
    uint8_t mark[PRI_KEYED_HASH_LEN];
    ok = mark_of(s, rows[i].key, strlen(rows[i].key), mark) == 0;
    params p = {0};
    p_bytes(&p, mark, sizeof mark);
    if (ok && rows[i].state == PRI_STORED_LOOKUP_NEW) {
      ok = exec_sql(s, "DELETE FROM lookups WHERE mark = $1", &p) == 0;
      continue;
    }
    p_int(&p, rows[i].state);
    if (rows[i].state == PRI_STORED_LOOKUP_FOUND)
      p_bytes(&p, rows[i].person, 16);
    else
      p_text(&p, NULL);
    p_int(&p, rows[i].confidence);
    p_int(&p, epoch_now());
    p_int(&p, rows[i].charged);
    /* A key asked again (--refresh) keeps what it was charged before. */
    ok = ok && exec_sql(s,
                        "INSERT INTO lookups(mark, state, person, confidence,"
                        " at, charged) VALUES($1, $2, $3, $4, $5, $6) ON"
                        " CONFLICT(mark) DO UPDATE SET state = $2, person ="
                        " $3, confidence = $4, at = $5, charged ="
                        " lookups.charged + $6",
                        &p) == 0;
  }
  return end(s, ok);
}

static int pg_lookup_state(pri_store *store, const char *key,
                           pri_stored_lookup *out) {
  pg_store *s = (pg_store *)store;
  out->key = key;
  out->state = PRI_STORED_LOOKUP_NEW;
  out->confidence = 0;
  memset(out->person, 0, sizeof out->person);
  if (!s->has_secret)
    return 0; /* read only: nothing known */
  uint8_t mark[PRI_KEYED_HASH_LEN];
  if (mark_of(s, key, strlen(key), mark) != 0)
    return -1;
  params p = {0};
  p_bytes(&p, mark, sizeof mark);
  PGresult *r = run_sql(
      s, "SELECT state, person, confidence FROM lookups WHERE mark = $1", &p);
  if (!r)
    return -1;
  if (PQntuples(r) > 0) {
    int state = (int)cell_int(r, 0, 0);
    int named = cell_id(r, 0, 1, out->person);
    /* A damaged row is never trusted as an answer: asked, not resent. */
    if (state == PRI_STORED_LOOKUP_FOUND && named)
      out->confidence = (int)cell_int(r, 0, 2);
    else if (state != PRI_STORED_LOOKUP_NOT_FOUND || named)
      state = PRI_STORED_LOOKUP_ASKED;
    if (state != PRI_STORED_LOOKUP_FOUND)
      memset(out->person, 0, sizeof out->person);
    out->state = state;
  }
  PQclear(r);
  return 0;
}

/* The types of @p person in open batches of other runs alive now. */
static int pg_held(pri_store *store, const uint8_t person[16],
                   unsigned *types) {
  pg_store *s = (pg_store *)store;
  params p = {0};
  p_bytes(&p, person, 16);
  p_int(&p, s->run);
  int failed = 0;
  *types = (unsigned)query_int(
      s,
      "SELECT coalesce(bit_or(b.types), 0) FROM batch_people bp JOIN batches"
      " b ON b.number = bp.batch WHERE bp.person = $1 AND b.run <> $2 AND"
      " b.state IN ('intent', 'accepted') AND " RUN_ALIVE_SQL,
      &p, 0, &failed);
  return failed ? -1 : 0;
}

/* One quota for every run on the journal (store_postgresql_quota.c); its
 * failure kept as every other, libpq's text cleaned of the secrets. */
static int quota_failed(pg_store *s, const char *said) {
  if (!s->message[0])
    clean_message(s->secrets, said, s->message, sizeof s->message);
  return -1;
}

static int pg_quota_take(pri_store *store, const pri_store_window *windows,
                         size_t count, int64_t *wait_ms) {
  pg_store *s = (pg_store *)store;
  char said[256] = "";
  int r =
      pri_pg_quota_take(s->conn, windows, count, wait_ms, said, sizeof said);
  return r < 0 ? quota_failed(s, said) : r;
}

static int pg_quota_pause(pri_store *store, int64_t ms) {
  pg_store *s = (pg_store *)store;
  char said[256] = "";
  return pri_pg_quota_pause(s->conn, ms, said, sizeof said) < 0
             ? quota_failed(s, said)
             : 0;
}

static const pri_store_backend pg_backend = {
    .version = PRI_STORE_BACKEND_VERSION,
    .name = "postgresql",
    .close = pg_close,
    .error = pg_error,
    .workspace = pg_workspace,
    .set_workspace = pg_set_workspace,
    .set_run_key = pg_set_run_key,
    .key_workspace = pg_key_workspace,
    .forget = pg_forget,
    .unforget = pg_unforget,
    .forget_url = pg_forget_url,
    .url_forgotten = pg_url_forgotten,
    .is_forgotten = pg_is_forgotten,
    .people_with_contact = pg_people_with_contact,
    .forget_older = pg_forget_older,
    .oldest_contact = pg_oldest_contact,
    .scrub = pg_scrub,
    .begin_run = pg_begin_run,
    .each_accepted = pg_each_accepted,
    .person_state = pg_person_state,
    .number_range = pg_number_range,
    .charged = pg_charged,
    .uncertain_worst = pg_uncertain_worst,
    .intent = pg_intent,
    .accepted = pg_accepted,
    .refused = pg_refused,
    .collected = pg_collected,
    .single_answered = pg_single_answered,
    .url_state = pg_url_state,
    .read_person = pg_read_person,
    .each_run = pg_each_run,
    .counts = pg_counts,
    .next_bought = pg_next_bought,
    .lookups_record = pg_lookups_record,
    .lookup_state = pg_lookup_state,
    .quota_take = pg_quota_take,
    .held = pg_held,
    .quota_pause = pg_quota_pause,
};

pubrio_status pri_store_postgresql_open(pri_store **out, const char *uri,
                                        int read_only, pubrio_error *err) {
  *out = NULL;
  char *shown = pri_store_shown_path(uri);
  pg_store *s = shown ? pri_calloc(1, sizeof *s) : NULL;
  if (!s) {
    pri_free(shown);
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  }
  s->read_only = read_only;
  char why[256];
  pubrio_status st = PUBRIO_OK;
  if (find_password(uri, s->secrets, why, sizeof why) != 0) {
    char clean[256];
    clean_message(s->secrets, why, clean, sizeof clean);
    st = pri_error_set(err, PUBRIO_E_JOURNAL,
                       "the journal %s is not a valid PostgreSQL connection "
                       "URI: %s",
                       shown, clean);
  }
  if (st == PUBRIO_OK) {
    s->conn = PQconnectdb(uri);
    if (!s->conn || PQstatus(s->conn) != CONNECTION_OK)
      st = pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal %s cannot be opened: %s", shown,
                         pg_error(&s->base));
  }
  if (st == PUBRIO_OK) {
    PQsetNoticeProcessor(s->conn, ignore_notice, NULL);
    /* Every commit durable before it returns, whatever the server's
     * default; statements never wait on a lock for ever. */
    if (exec_script(s, "SET synchronous_commit = on;"
                       "SET client_encoding = 'UTF8';"
                       "SET lock_timeout = '60s'") != 0)
      st = store_failure(s, shown, "opening", err);
  }
  if (st == PUBRIO_OK)
    st = read_only ? open_to_read(s, shown, err) : open_to_write(s, shown, err);
  pri_free(shown);
  if (st != PUBRIO_OK) {
    pg_close(&s->base);
    return st;
  }
  s->base.backend = &pg_backend;
  *out = &s->base;
  return PUBRIO_OK;
}
