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

/* The plan the fake sells: prices per contact type returned, the balance
 * (a redeem it cannot pay at its worst case is a 402; charges decrease it),
 * the name, and the request quotas POST /profile reports (0: none). */
typedef struct fake_plan {
  int64_t email_price;
  int64_t phone_price;
  int64_t credit;
  const char *name; /* copied */
  int64_t max_hourly, max_daily, max_monthly;
} fake_plan;
void fake_api_set_plan(fake_api *api, const fake_plan *plan);
/* The balance left after the charges so far. */
int64_t fake_api_credit(const fake_api *api);

/* What POST /profile/usage answers: requests counted in the current window
 * of each quota, and the quotas (0: none). Set before each such request. */
typedef struct fake_usage {
  int64_t used[3];    /* hourly, daily, monthly */
  int64_t allowed[3]; /* 0: no quota */
} fake_usage;
void fake_api_set_usage(fake_api *api, const fake_usage *usage);

/* The people_search_id the fake resolves a LinkedIn URL to: a hash of its
 * /in/SLUG (lower-cased) as a v4 UUID, written in @p out. 0, or -1 when
 * the URL has no /in/SLUG on linkedin.com. A slug starting with "nobody"
 * resolves but is answered with nobody. */
int fake_api_resolve_linkedin(const char *url, char out[37]);

/* Answer a POST to @p endpoint ("/redeem/people/batch",
 * "/redeem/people/batch/query", "/redeem/people", "/profile" or
 * "/profile/usage") at time @p now_ms. Returns the HTTP status
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

/* How many people were submitted in all (in batches and single redeems,
 * the latter by the id they resolved to), and the most times any one person
 * was submitted (1 means no credit was spent twice). */
void fake_api_people_stats(fake_api *api, size_t *submitted, int *max_repeat);

/* 400 body in the API's {code, message, details} shape; malloc'd. */
char *fake_api_error_body(int code, const char *message, const char *field);

#endif
