/* One quota for every run on a PostgreSQL journal (issue 29): the starts
 * of every run's requests in one table, on the database's clock, so runs
 * on machines whose clocks differ still agree. A start is taken only when
 * every window has room, under a transaction-scoped advisory lock that
 * serialises takers (one short transaction: lock, read, insert); a 429 any
 * run meets writes a pause every run's next take waits out. The second
 * file that includes libpq-fe.h, beside store_postgresql.c, whose
 * connection it is given. */
#include "store_postgresql_quota.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pg_advisory_xact_lock's key for the quota: "PBRIQ" in ASCII, apart from
 * any other lock of ours. */
#define QUOTA_LOCK_KEY "344300294737"

const char pri_pg_quota_schema_sql[] =
    "CREATE TABLE pubrio_quota_starts(at_ms bigint NOT NULL);"
    "CREATE INDEX pubrio_quota_starts_by_at ON pubrio_quota_starts(at_ms);"
    "CREATE TABLE pubrio_quota_pause(one boolean PRIMARY KEY DEFAULT true"
    " CHECK (one), until_ms bigint NOT NULL);";

/* The database's clock, in milliseconds since the epoch. */
#define NOW_MS_SQL "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

static void say(char *message, size_t size, PGconn *conn, const char *doing) {
  if (message && size)
    snprintf(message, size, "%s: %s", doing, PQerrorMessage(conn));
}

/* Run @p sql with the text parameters given; the result (PQclear it) when
 * it went as @p expected, else NULL with the message kept. */
static PGresult *run(PGconn *conn, const char *sql, int count,
                     const char *const *values, ExecStatusType expected,
                     char *message, size_t size, const char *doing) {
  PGresult *res = PQexecParams(conn, sql, count, NULL, values, NULL, NULL, 0);
  if (res && PQresultStatus(res) == expected)
    return res;
  say(message, size, conn, doing);
  PQclear(res);
  return NULL;
}

static int command(PGconn *conn, const char *sql, char *message, size_t size,
                   const char *doing) {
  PGresult *res =
      run(conn, sql, 0, NULL, PGRES_COMMAND_OK, message, size, doing);
  PQclear(res);
  return res ? 0 : -1;
}

static int64_t number(const PGresult *res, int row, int col) {
  return PQgetisnull(res, row, col)
             ? 0
             : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* How long until @p window has room for one more start at @p now: 0, or
 * the wait; -1 on failure. */
static int64_t window_wait(PGconn *conn, const pri_store_window *window,
                           int64_t now, char *message, size_t size) {
  if (window->limit <= 0 || window->window_ms <= 0)
    return 0;
  char since[24], limit[24];
  snprintf(since, sizeof since, "%lld", (long long)(now - window->window_ms));
  snprintf(limit, sizeof limit, "%lld", (long long)window->limit);
  /* The start that must leave the window before one more fits: the
   * limit-th newest one inside it. */
  const char *values[2] = {since, limit};
  PGresult *res =
      run(conn,
          "SELECT at_ms FROM pubrio_quota_starts WHERE at_ms > $1::bigint"
          " ORDER BY at_ms DESC OFFSET $2::bigint - 1 LIMIT 1",
          2, values, PGRES_TUPLES_OK, message, size, "reading the quota");
  if (!res)
    return -1;
  int full = PQntuples(res) == 1;
  int64_t wait = full ? number(res, 0, 0) + window->window_ms - now : 0;
  PQclear(res);
  return full && wait < 1 ? 1 : wait;
}

/* The take, inside its transaction: 0 taken, 1 *wait_ms to wait, -1. */
static int take_locked(PGconn *conn, const pri_store_window *windows,
                       size_t count, int64_t *wait_ms, char *message,
                       size_t size) {
  PGresult *res =
      run(conn,
          "SELECT pg_advisory_xact_lock(" QUOTA_LOCK_KEY "), " NOW_MS_SQL
          ", (SELECT max(until_ms) FROM"
          " pubrio_quota_pause)",
          0, NULL, PGRES_TUPLES_OK, message, size, "locking the quota");
  if (!res)
    return -1;
  int64_t now = number(res, 0, 1), paused = number(res, 0, 2);
  PQclear(res);
  int64_t wait = paused > now ? paused - now : 0, longest = 0;
  for (size_t i = 0; i < count; i++) {
    int64_t w = window_wait(conn, &windows[i], now, message, size);
    if (w < 0)
      return -1;
    if (w > wait)
      wait = w;
    if (windows[i].window_ms > longest)
      longest = windows[i].window_ms;
  }
  if (wait > 0) {
    *wait_ms = wait;
    return 1;
  }
  char at[24], old[24];
  snprintf(at, sizeof at, "%lld", (long long)now);
  snprintf(old, sizeof old, "%lld", (long long)(now - longest));
  const char *insert[1] = {at};
  const char *forget[1] = {old};
  /* Starts older than the longest window matter to nobody: dropped as
   * they go, so the table stays a window's worth. */
  res = run(conn, "INSERT INTO pubrio_quota_starts(at_ms) VALUES($1::bigint)",
            1, insert, PGRES_COMMAND_OK, message, size, "taking a start");
  if (!res)
    return -1;
  PQclear(res);
  res = run(conn, "DELETE FROM pubrio_quota_starts WHERE at_ms <= $1::bigint",
            1, forget, PGRES_COMMAND_OK, message, size, "dropping old starts");
  if (!res)
    return -1;
  PQclear(res);
  return 0;
}

int pri_pg_quota_take(struct pg_conn *conn, const pri_store_window *windows,
                      size_t count, int64_t *wait_ms, char *message,
                      size_t size) {
  *wait_ms = 0;
  if (command(conn, "BEGIN", message, size, "taking a start") != 0)
    return -1;
  int taken = take_locked(conn, windows, count, wait_ms, message, size);
  /* A wait took nothing: its transaction commits as well as it rolls
   * back, and commits free the lock the same way. */
  if (taken >= 0 &&
      command(conn, "COMMIT", message, size, "taking a start") == 0)
    return taken;
  PQclear(PQexec(conn, "ROLLBACK"));
  return -1;
}

int pri_pg_quota_pause(struct pg_conn *conn, int64_t ms, char *message,
                       size_t size) {
  if (ms <= 0)
    return 0;
  char for_ms[24];
  snprintf(for_ms, sizeof for_ms, "%lld", (long long)ms);
  const char *values[1] = {for_ms};
  /* The later of the two ends: a pause never shortens another. */
  PGresult *res =
      run(conn,
          "INSERT INTO pubrio_quota_pause(until_ms) VALUES(" NOW_MS_SQL
          " + $1::bigint) ON CONFLICT(one) DO UPDATE SET until_ms ="
          " greatest(pubrio_quota_pause.until_ms, EXCLUDED.until_ms)",
          1, values, PGRES_COMMAND_OK, message, size, "pausing the quota");
  PQclear(res);
  return res ? 0 : -1;
}
