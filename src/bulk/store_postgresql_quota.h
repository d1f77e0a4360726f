/* One quota for every run on a PostgreSQL journal: the PostgreSQL
 * backend's quota_take and quota_pause, on the connection it holds (see
 * store_postgresql_quota.c). Takes the connection as libpq's struct so
 * this header needs no libpq-fe.h. */
#ifndef PUBRIO_STORE_POSTGRESQL_QUOTA_H
#define PUBRIO_STORE_POSTGRESQL_QUOTA_H

#include "store.h"

#include <stddef.h>
#include <stdint.h>

struct pg_conn; /* libpq's PGconn */

/* The tables, created with the backend's schema. */
extern const char pri_pg_quota_schema_sql[];

/* pri_store_quota_take() in its own transaction: 0 taken, 1 *@p wait_ms
 * to wait, -1 with libpq's words in @p message. */
int pri_pg_quota_take(struct pg_conn *conn, const pri_store_window *windows,
                      size_t count, int64_t *wait_ms, char *message,
                      size_t size);
/* pri_store_quota_pause(): every run's next take waits @p ms from now (the
 * later end wins); 0 or -1. */
int pri_pg_quota_pause(struct pg_conn *conn, int64_t ms, char *message,
                       size_t size);

#endif
