/* Forgetting people in a journal (GDPR article 17): their contacts erased
 * from the database, its free pages and its WAL, and a keyed one-way mark
 * of each id kept so no later run on the journal buys them again; and
 * retention (article 5(1)(e)): contacts collected before a time erased. */
#include "alloc.h"
#include "error.h"
#include "store.h"
#include "uuid.h"

#include <string.h>

/* Forget one item: an id, or the people with that email or phone. Adds
 * the people forgotten to *@p people; -1 when the store fails. */
static int forget_item(pri_store *store, const char *item, size_t *people,
                       size_t *unmatched) {
  uint8_t id[16];
  if (pri_uuid_parse(item, id) == 0) {
    if (pri_store_forget(store, id) != 0)
      return -1;
    ++*people;
    return 0;
  }
  char url[PUBRIO_LINKEDIN_URL_MAX];
  if (pubrio_linkedin_url_normalize(item, url, sizeof url, NULL) == PUBRIO_OK) {
    size_t named = 0;
    if (pri_store_forget_url(store, url, &named) != 0)
      return -1;
    *people += named;
    return 0; /* marked even when no run asked it yet */
  }
  uint8_t(*found)[16] = NULL;
  size_t count = 0;
  if (pri_store_people_with_contact(store, item, &found, &count) != 0)
    return -1;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < count; i++)
    rc = pri_store_forget(store, found[i]);
  pri_free(found);
  if (rc == 0)
    *people += count;
  if (rc == 0 && count == 0)
    ++*unmatched;
  return rc;
}

static pubrio_status check_items(const char *path, const char *const *items,
                                 size_t count, pubrio_error *err) {
  if (!path || !*path || (!items && count) || !count)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "path is NULL or empty, or no item is given");
  for (size_t i = 0; i < count; i++) {
    if (!items[i] || !*items[i])
      return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                           "item %zu is NULL or empty", i);
    char url[PUBRIO_LINKEDIN_URL_MAX];
    if (strstr(items[i], "linkedin.com/") &&
        pubrio_linkedin_url_normalize(items[i], url, sizeof url, NULL) !=
            PUBRIO_OK)
      return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                           "item %zu looks like a LinkedIn URL but is not a "
                           "profile URL",
                           i);
  }
  return PUBRIO_OK;
}

pubrio_status pubrio_journal_forget(const char *path, const char *const *items,
                                    size_t count, size_t *forgotten,
                                    size_t *unmatched, pubrio_error *err) {
  if (forgotten)
    *forgotten = 0;
  if (unmatched)
    *unmatched = 0;
  pubrio_status st = check_items(path, items, count, err);
  pri_store *store = NULL;
  if (st == PUBRIO_OK)
    st = pri_store_open(&store, path, 0, err);
  size_t people = 0, missed = 0;
  for (size_t i = 0; st == PUBRIO_OK && i < count; i++)
    if (forget_item(store, items[i], &people, &missed) != 0)
      st = pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal could not forget item %zu: %s", i,
                         pri_store_error(store));
  if (st == PUBRIO_OK && pri_store_scrub(store) != 0)
    st = pri_error_set(err, PUBRIO_E_JOURNAL,
                       "the journal could not be rewritten without the "
                       "erased contacts: %s",
                       pri_store_error(store));
  pri_store_close(store);
  if (forgotten)
    *forgotten = people;
  if (unmatched)
    *unmatched = missed;
  return st;
}

pubrio_status pubrio_journal_unforget(const char *path, const char *const *ids,
                                      size_t count, size_t *unforgotten,
                                      pubrio_error *err) {
  if (unforgotten)
    *unforgotten = 0;
  pubrio_status st = check_items(path, ids, count, err);
  uint8_t id[16];
  for (size_t i = 0; st == PUBRIO_OK && i < count; i++)
    if (pri_uuid_parse(ids[i], id) != 0)
      st = pri_error_invalid_id(err, "people_search_id", ids[i]);
  pri_store *store = NULL;
  if (st == PUBRIO_OK)
    st = pri_store_open(&store, path, 0, err);
  size_t removed = 0;
  for (size_t i = 0; st == PUBRIO_OK && i < count; i++) {
    pri_uuid_parse(ids[i], id);
    int rc = pri_store_unforget(store, id);
    if (rc < 0)
      st = pri_error_set(err, PUBRIO_E_JOURNAL,
                         "the journal could not unforget item %zu: %s", i,
                         pri_store_error(store));
    removed += rc > 0;
  }
  pri_store_close(store);
  if (unforgotten)
    *unforgotten = removed;
  return st;
}

pubrio_status pubrio_journal_forget_older(const char *path, int64_t before,
                                          size_t *forgotten,
                                          pubrio_error *err) {
  if (forgotten)
    *forgotten = 0;
  if (!path || !*path)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "path is NULL or empty");
  pri_store *store = NULL;
  pubrio_status st = pri_store_open(&store, path, 0, err);
  size_t people = 0;
  if (st == PUBRIO_OK && pri_store_forget_older(store, before, &people) != 0)
    st = pri_error_set(err, PUBRIO_E_JOURNAL,
                       "the journal could not erase old contacts: %s",
                       pri_store_error(store));
  if (st == PUBRIO_OK && pri_store_scrub(store) != 0)
    st = pri_error_set(err, PUBRIO_E_JOURNAL,
                       "the journal could not be rewritten without the "
                       "erased contacts: %s",
                       pri_store_error(store));
  pri_store_close(store);
  if (forgotten)
    *forgotten = people;
  return st;
}
