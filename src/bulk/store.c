/* The store as the engine sees it: one handle whatever backend is behind
 * it. pri_store_open() picks the backend from the journal's name (a
 * postgresql:// connection URI, or a file); every other call goes to the
 * backend's table (store_backend.h). */
#include "store_backend.h"

#include "alloc.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

char *pri_store_shown_path(const char *path) {
  if (!path)
    return pri_strdup("(temporary)");
  size_t len = strlen(path);
  char *out = pri_malloc(len + 4);
  if (!out)
    return NULL;
  memcpy(out, path, len + 1);
  const char *scheme = strstr(path, "://");
  const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
  const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
  const char *colon =
      scheme ? memchr(scheme + 3, ':', at ? (size_t)(at - scheme - 3) : 0)
             : NULL;
  if (at && colon && (!slash || at < slash)) {
    size_t keep = (size_t)(colon + 1 - path);
    snprintf(out + keep, len + 4 - keep, "***%s", at);
  }
  return out;
}

/* A libpq connection URI, as PostgreSQL's own tools take it. */
static int is_postgresql(const char *path) {
  return path && (strncmp(path, "postgresql://", 13) == 0 ||
                  strncmp(path, "postgres://", 11) == 0);
}

pubrio_status pri_store_open(pri_store **out, const char *path, int read_only,
                             pubrio_error *err) {
  *out = NULL;
  if (!is_postgresql(path))
    return pri_store_sqlite_open(out, path, read_only, err);
#ifdef PUBRIO_WITH_POSTGRESQL
  return pri_store_postgresql_open(out, path, read_only, err);
#else
  char *shown = pri_store_shown_path(path);
  if (!shown)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  pri_error_set(err, PUBRIO_E_JOURNAL,
                "the journal %s cannot be opened: this libpubrio was built "
                "without PostgreSQL (cmake -DPUBRIO_WITH_POSTGRESQL=ON, with "
                "libpq)",
                shown);
  pri_free(shown);
  return PUBRIO_E_JOURNAL;
#endif
}

void pri_store_close(pri_store *s) {
  if (s)
    s->backend->close(s);
}

const char *pri_store_error(pri_store *s) { return s->backend->error(s); }

int pri_store_workspace(pri_store *s, int64_t *workspace) {
  return s->backend->workspace(s, workspace);
}

int pri_store_set_workspace(pri_store *s, int64_t workspace) {
  return s->backend->set_workspace(s, workspace);
}

int pri_store_set_run_key(pri_store *s, const char *api_key) {
  return s->backend->set_run_key(s, api_key);
}

int pri_store_key_workspace(pri_store *s, const char *api_key,
                            int64_t *workspace) {
  return s->backend->key_workspace(s, api_key, workspace);
}

int pri_store_forget(pri_store *s, const uint8_t person[16]) {
  return s->backend->forget(s, person);
}

int pri_store_unforget(pri_store *s, const uint8_t person[16]) {
  return s->backend->unforget(s, person);
}

int pri_store_forget_url(pri_store *s, const char *url, size_t *people) {
  return s->backend->forget_url(s, url, people);
}

int pri_store_url_forgotten(pri_store *s, const char *url) {
  return s->backend->url_forgotten(s, url);
}

int pri_store_is_forgotten(pri_store *s, const uint8_t person[16]) {
  return s->backend->is_forgotten(s, person);
}

int pri_store_people_with_contact(pri_store *s, const char *value,
                                  uint8_t (**out)[16], size_t *count) {
  return s->backend->people_with_contact(s, value, out, count);
}

int pri_store_forget_older(pri_store *s, int64_t before, size_t *people) {
  return s->backend->forget_older(s, before, people);
}

int pri_store_oldest_contact(pri_store *s, int64_t *at) {
  return s->backend->oldest_contact(s, at);
}

int pri_store_scrub(pri_store *s) { return s->backend->scrub(s); }

int pri_store_begin_run(pri_store *s, unsigned types, int has_profile_id,
                        int64_t profile_id) {
  return s->backend->begin_run(s, types, has_profile_id, profile_id);
}

int pri_store_each_accepted(pri_store *s,
                            int (*fn)(const pri_store_batch *, void *),
                            void *userdata) {
  return s->backend->each_accepted(s, fn, userdata);
}

int pri_store_person_state(pri_store *s, const uint8_t person[16],
                           unsigned *bought, unsigned *pending,
                           unsigned *uncertain) {
  return s->backend->person_state(s, person, bought, pending, uncertain);
}

int pri_store_number_range(pri_store *s, int64_t *lowest, int64_t *highest) {
  return s->backend->number_range(s, lowest, highest);
}

int64_t pri_store_charged(pri_store *s) { return s->backend->charged(s); }

int64_t pri_store_uncertain_worst(pri_store *s, const int64_t prices[3]) {
  return s->backend->uncertain_worst(s, prices);
}

int pri_store_intent(pri_store *s, int number, unsigned types,
                     int has_profile_id, int64_t profile_id,
                     const uint8_t (*people)[16], size_t count,
                     const char *linkedin_url, int64_t worst, int64_t cap) {
  return s->backend->intent(s, number, types, has_profile_id, profile_id,
                            people, count, linkedin_url, worst, cap);
}

int pri_store_accepted(pri_store *s, int number, unsigned types,
                       const char *redeem_query_id) {
  return s->backend->accepted(s, number, types, redeem_query_id);
}

int pri_store_refused(pri_store *s, int number, unsigned types) {
  return s->backend->refused(s, number, types);
}

int pri_store_collected(pri_store *s, int number, unsigned types,
                        const uint8_t (*people)[16], size_t count,
                        const pubrio_query_result *result, int64_t charged) {
  return s->backend->collected(s, number, types, people, count, result,
                               charged);
}

int pri_store_single_answered(pri_store *s, int number, unsigned types,
                              const uint8_t *person,
                              const pubrio_query_result *result,
                              int64_t charged) {
  return s->backend->single_answered(s, number, types, person, result, charged);
}

int pri_store_url_state(pri_store *s, const char *linkedin_url,
                        uint8_t person[16]) {
  return s->backend->url_state(s, linkedin_url, person);
}

pubrio_query_result *
pri_store_read_person(pri_store *s, const uint8_t person[16], unsigned types) {
  return s->backend->read_person(s, person, types);
}

int pri_store_each_run(pri_store *s, int (*fn)(const pri_store_run *, void *),
                       void *userdata) {
  return s->backend->each_run(s, fn, userdata);
}

int pri_store_counts(pri_store *s, size_t *people, size_t *contacts) {
  return s->backend->counts(s, people, contacts);
}

int pri_store_next_bought(pri_store *s, int first, uint8_t next[16],
                          unsigned *types) {
  return s->backend->next_bought(s, first, next, types);
}

int pri_store_lookups_record(pri_store *s, const pri_stored_lookup *rows,
                             size_t count) {
  return s->backend->lookups_record(s, rows, count);
}

int pri_store_lookup_state(pri_store *s, const char *key,
                           pri_stored_lookup *out) {
  return s->backend->lookup_state(s, key, out);
}

int pri_store_shares_quota(pri_store *s) {
  return s->backend->quota_take != NULL;
}

int pri_store_quota_take(pri_store *s, const pri_store_window *windows,
                         size_t count, int64_t *wait_ms) {
  *wait_ms = 0;
  if (!s->backend->quota_take)
    return 0;
  return s->backend->quota_take(s, windows, count, wait_ms);
}

int pri_store_held(pri_store *s, const uint8_t person[16], unsigned *types) {
  *types = 0;
  return s->backend->held ? s->backend->held(s, person, types) : 0;
}

int pri_store_quota_pause(pri_store *s, int64_t ms) {
  return s->backend->quota_pause ? s->backend->quota_pause(s, ms) : 0;
}
