/* The store's backends: what each one fills in, and what store.c, the only
 * caller, dispatches to. Shaped as libgit2's object-database backends and
 * SQLite's VFS are: a table of functions with a version first, so a backend
 * built for another table is refused instead of called wrongly, and a
 * backend struct that begins with `pri_store` (its `backend` pointer), so
 * the engine holds one opaque handle whatever is behind it.
 *
 * Every function has the meaning store.h gives the pri_store_* call of the
 * same name, over the backend's own storage. */
#ifndef PUBRIO_STORE_BACKEND_H
#define PUBRIO_STORE_BACKEND_H

#include "store.h"

/* Raise when a function is added, removed or changes its meaning. */
#define PRI_STORE_BACKEND_VERSION 1

typedef struct pri_store_backend {
  int version;      /* PRI_STORE_BACKEND_VERSION it was built for */
  const char *name; /* "sqlite", "postgresql": for messages */
  void (*close)(pri_store *store);
  const char *(*error)(pri_store *store);

  int (*workspace)(pri_store *store, int64_t *workspace);
  int (*set_workspace)(pri_store *store, int64_t workspace);
  int (*set_run_key)(pri_store *store, const char *api_key);
  int (*key_workspace)(pri_store *store, const char *api_key,
                       int64_t *workspace);

  int (*forget)(pri_store *store, const uint8_t person[16]);
  int (*unforget)(pri_store *store, const uint8_t person[16]);
  int (*forget_url)(pri_store *store, const char *url, size_t *people);
  int (*url_forgotten)(pri_store *store, const char *url);
  int (*is_forgotten)(pri_store *store, const uint8_t person[16]);
  int (*people_with_contact)(pri_store *store, const char *value,
                             uint8_t (**out)[16], size_t *count);
  int (*forget_older)(pri_store *store, int64_t before, size_t *people);
  int (*oldest_contact)(pri_store *store, int64_t *at);
  int (*scrub)(pri_store *store);

  int (*begin_run)(pri_store *store, unsigned types, int has_profile_id,
                   int64_t profile_id);
  int (*each_accepted)(pri_store *store,
                       int (*fn)(const pri_store_batch *, void *),
                       void *userdata);
  int (*person_state)(pri_store *store, const uint8_t person[16],
                      unsigned *bought, unsigned *pending, unsigned *uncertain);
  int (*number_range)(pri_store *store, int64_t *lowest, int64_t *highest);
  int64_t (*charged)(pri_store *store);
  int64_t (*uncertain_worst)(pri_store *store, const int64_t prices[3]);

  int (*intent)(pri_store *store, int number, unsigned types,
                int has_profile_id, int64_t profile_id,
                const uint8_t (*people)[16], size_t count,
                const char *linkedin_url, int64_t worst, int64_t cap);
  int (*accepted)(pri_store *store, int number, unsigned types,
                  const char *redeem_query_id);
  int (*refused)(pri_store *store, int number, unsigned types);
  int (*collected)(pri_store *store, int number, unsigned types,
                   const uint8_t (*people)[16], size_t count,
                   const pubrio_query_result *result, int64_t charged);
  int (*single_answered)(pri_store *store, int number, unsigned types,
                         const uint8_t *person,
                         const pubrio_query_result *result, int64_t charged);
  int (*url_state)(pri_store *store, const char *linkedin_url,
                   uint8_t person[16]);
  pubrio_query_result *(*read_person)(pri_store *store,
                                      const uint8_t person[16], unsigned types);

  int (*each_run)(pri_store *store, int (*fn)(const pri_store_run *, void *),
                  void *userdata);
  int (*counts)(pri_store *store, size_t *people, size_t *contacts);
  int (*next_bought)(pri_store *store, int first, uint8_t next[16],
                     unsigned *types);

  int (*lookups_record)(pri_store *store, const pri_stored_lookup *rows,
                        size_t count);
  int (*lookup_state)(pri_store *store, const char *key,
                      pri_stored_lookup *out);

  /* Optional (NULL: the store holds one run at a time, whose own pacer is
   * enough): one quota for every run on the store. */
  int (*quota_take)(pri_store *store, const pri_store_window *windows,
                    size_t count, int64_t *wait_ms);
  int (*quota_pause)(pri_store *store, int64_t ms);
  /* Optional (NULL: nobody else holds anything): see pri_store_held(). */
  int (*held)(pri_store *store, const uint8_t person[16], unsigned *types);
} pri_store_backend;

/* The head of every backend's own struct. */
struct pri_store {
  const pri_store_backend *backend;
};

/* A file (or, with @p path NULL, a private temporary database). */
pubrio_status pri_store_sqlite_open(pri_store **out, const char *path,
                                    int read_only, pubrio_error *err);
#ifdef PUBRIO_WITH_POSTGRESQL
/* A libpq connection URI (store_postgresql.c, the only user of libpq). */
pubrio_status pri_store_postgresql_open(pri_store **out, const char *uri,
                                        int read_only, pubrio_error *err);
#endif

#endif
