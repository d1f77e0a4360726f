/* The Pubrio side of the fake server: contract checks, batches, contacts.
 * Pure logic on bodies; the HTTP plumbing lives in fake_server.c. */
#ifndef PUBRIO_FAKE_API_H
#define PUBRIO_FAKE_API_H

#include <stddef.h>
#include <stdint.h>

typedef struct fake_api fake_api;

fake_api *fake_api_new(int complete_after_polls, int64_t complete_after_ms,
                       int estimated_time);
void fake_api_free(fake_api *api);

/* Answer a POST to @p endpoint ("/redeem/people/batch" or
 * "/redeem/people/batch/query") at time @p now_ms. Returns the HTTP status
 * and a malloc'd JSON body in *response. Not thread-safe: lock around it. */
int fake_api_handle(fake_api *api, const char *endpoint, const char *body,
                    size_t len, int64_t now_ms, char **response);

/* The contacts the fake returns for a person, as a deterministic function of
 * the id; exposed so tests can predict them. Fills up to three contacts of
 * the requested @p types (pubrio_contact_type bits); returns how many. */
typedef struct fake_contact {
  char value[64];
  const char *type;
  const char *status; /* NULL for null */
} fake_contact;
int fake_api_contacts_for(const char *people_search_id, unsigned types,
                          fake_contact out[3]);

/* How many people were submitted in all, and the most times any one person
 * was submitted (1 means no credit was spent twice). */
void fake_api_people_stats(fake_api *api, size_t *submitted, int *max_repeat);

/* 400 body in the API's {code, message, details} shape; malloc'd. */
char *fake_api_error_body(int code, const char *message, const char *field);

#endif
