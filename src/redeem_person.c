/* POST /redeem/people: one person, by id or LinkedIn URL, synchronously.
 * It spends credits like the batch submit, so it goes through the same
 * send-once path (not idempotent: libcurl may not resend it, the retry
 * policy resends only what provably was not processed) and its failures
 * carry the same submit_state. */
#include "alloc.h"
#include "call.h"
#include "error.h"
#include "json.h"
#include "redeem.h"
#include "request.h"
#include "untrusted.h"
#include "uuid.h"

#include <stdint.h>
#include <string.h>

/* Everything checked before a byte leaves: PUBRIO_OK with *body set, or
 * the refusal with err filled. */
static pubrio_status checked_body(pubrio_client *client,
                                  const char *people_search_id,
                                  const char *linkedin_url, unsigned types,
                                  int64_t profile_id, pubrio_query_result **out,
                                  char **body, pubrio_error *err) {
  *body = NULL;
  if (!client || !out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "client or out is NULL");
  if (!people_search_id == !linkedin_url)
    return pri_error_set(
        err, PUBRIO_E_INVALID_ARGUMENT,
        "give exactly one of people_search_id and linkedin_url");
  char id[PRI_UUID_STR_LEN + 1];
  if (people_search_id && pri_uuid_canonical(people_search_id, id) != 0)
    return pri_error_invalid_id(err, "people_search_id", people_search_id);
  /* The canonical form goes out: one person, one URL, whatever the
   * spelling. */
  char url[PUBRIO_LINKEDIN_URL_MAX];
  if (linkedin_url) {
    pubrio_error why = {0};
    pubrio_status st =
        pubrio_linkedin_url_normalize(linkedin_url, url, sizeof url, &why);
    if (st != PUBRIO_OK) {
      st = pri_error_set(err, st, "linkedin_url: %s",
                         why.message ? why.message : "refused");
      pubrio_error_clear(&why);
      return st;
    }
  }
  if (!types || (types & ~(unsigned)PRI_ALL_CONTACT_TYPES))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "contact_types 0x%x: expected one or more of the "
                         "pubrio_contact_type bits",
                         types);
  if (profile_id < -1)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "profile_id %lld is negative (-1 sends none)",
                         (long long)profile_id);
  *body =
      pri_json_redeem_person_body(people_search_id ? id : NULL,
                                  linkedin_url ? url : NULL, types, profile_id);
  return *body ? PUBRIO_OK
               : pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
}

static pubrio_status parse_person_answer(char *body, size_t len, void *out,
                                         pubrio_error *err) {
  return pri_json_parse_person_answer(body, len, out, err);
}

pri_call pri_redeem_person_call(const char *body, pubrio_query_result **out) {
  return (pri_call){.path = "/redeem/people",
                    .body = body,
                    .idempotent = 0,
                    .compressed = 0, /* one person */
                    .deadline = INT64_MAX,
                    .parse = parse_person_answer,
                    .out = out};
}

pubrio_status pubrio_redeem_person(pubrio_client *client,
                                   const char *people_search_id,
                                   const char *linkedin_url,
                                   unsigned contact_types, int64_t profile_id,
                                   pubrio_query_result **out,
                                   pubrio_error *err) {
  if (out)
    *out = NULL;
  char *body = NULL;
  pubrio_status st = checked_body(client, people_search_id, linkedin_url,
                                  contact_types, profile_id, out, &body, err);
  if (st != PUBRIO_OK) {
    if (err) /* nothing left: nothing spent */
      err->submit_state = PUBRIO_SUBMIT_NOT_SPENT;
    return st;
  }
  pri_call call = pri_redeem_person_call(body, out);
  st = pri_call_run(client, &call, NULL, err);
  pri_free(body);
  return st;
}
