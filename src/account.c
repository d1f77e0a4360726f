/* The account calls: free and read-only, so idempotent (retried like a
 * query) and bound by the same cancel and deadline rules. */
#include "account.h"

#include "alloc.h"
#include "call.h"
#include "error.h"
#include "json.h"

#include <stdint.h>

/* One account call: validate, send with the query's policies, parse. */
static pubrio_status fetch(pubrio_client *client, const char *path,
                           int64_t profile_id, int64_t deadline,
                           int *deadline_reached, pri_parse_fn parse, void *out,
                           pubrio_error *err) {
  if (deadline_reached)
    *deadline_reached = 0;
  if (!client || !out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "client or out is NULL");
  if (profile_id < -1)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "profile_id %lld is negative (-1 sends none)",
                         (long long)profile_id);
  char *body = pri_json_account_body(profile_id);
  if (!body)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  pri_call call = {.path = path,
                   .body = body,
                   .idempotent = 1,
                   .compressed = 0, /* a few hundred bytes */
                   .deadline = deadline,
                   .parse = parse,
                   .out = out};
  pubrio_status st = pri_call_run(client, &call, deadline_reached, err);
  pri_free(body);
  return st;
}

pubrio_status pri_account_profile_fetch(pubrio_client *client,
                                        int64_t profile_id, int64_t deadline,
                                        int *deadline_reached,
                                        pubrio_profile **out,
                                        pubrio_error *err) {
  if (out)
    *out = NULL;
  return fetch(client, "/profile", profile_id, deadline, deadline_reached,
               pri_json_parse_profile, out, err);
}

pubrio_status pri_account_usage_fetch(pubrio_client *client, int64_t profile_id,
                                      int64_t deadline, int *deadline_reached,
                                      pubrio_usage **out, pubrio_error *err) {
  if (out)
    *out = NULL;
  return fetch(client, "/profile/usage", profile_id, deadline, deadline_reached,
               pri_json_parse_usage, out, err);
}

pubrio_status pubrio_profile_get(pubrio_client *client, int64_t profile_id,
                                 pubrio_profile **out, pubrio_error *err) {
  return pri_account_profile_fetch(client, profile_id, INT64_MAX, NULL, out,
                                   err);
}

pubrio_status pubrio_usage_get(pubrio_client *client, int64_t profile_id,
                               pubrio_usage **out, pubrio_error *err) {
  return pri_account_usage_fetch(client, profile_id, INT64_MAX, NULL, out, err);
}

void pubrio_profile_free(pubrio_profile *profile) {
  if (!profile)
    return;
  pri_profile *owner = (pri_profile *)profile;
  pri_free(owner->plan_name);
  pri_free(owner);
}

void pubrio_usage_free(pubrio_usage *usage) {
  if (!usage)
    return;
  pri_usage *owner = (pri_usage *)usage;
  pri_free(owner->last_refreshed);
  pri_free(owner);
}
