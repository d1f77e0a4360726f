/* The two batch endpoints: each one's call defined once, and the public
 * calls: validate locally, send, parse into typed results. */
#include "redeem.h"
#include "alloc.h"

#include "call.h"
#include "error.h"
#include "json.h"
#include "request.h"
#include "uuid.h"

#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

static pubrio_status parse_submit_answer(char *body, size_t len, void *out,
                                         pubrio_error *err) {
  return pri_json_parse_job(body, len, out, err);
}

pri_call pri_redeem_submit_call(const char *body, pubrio_batch_job **out) {
  /* The answer is a few hundred bytes: compression would cost more. */
  return (pri_call){.path = "/redeem/people/batch",
                    .body = body,
                    .idempotent = 0,
                    .compressed = 0,
                    .deadline = INT64_MAX,
                    .parse = parse_submit_answer,
                    .out = out};
}

pubrio_status pubrio_redeem_people_batch(pubrio_client *client,
                                         const pubrio_batch_request *request,
                                         pubrio_batch_job **out,
                                         pubrio_error *err) {
  if (out)
    *out = NULL;
  pubrio_status st = PUBRIO_OK;
  if (!client || !out)
    st = pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client or out is NULL");
  if (st == PUBRIO_OK)
    st = pri_request_check_ready(request, err);
  char *body = NULL;
  if (st == PUBRIO_OK && !(body = pri_json_submit_body(request)))
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  if (st != PUBRIO_OK) {
    if (err) /* nothing left: nothing spent */
      err->submit_state = PUBRIO_SUBMIT_NOT_SPENT;
    return st;
  }
  pri_call call = pri_redeem_submit_call(body, out);
  st = pri_call_run(client, &call, NULL, err);
  pri_free(body);
  return st;
}

static pubrio_status parse_query_answer(char *body, size_t len, void *out,
                                        pubrio_error *err) {
  pri_query_target *t = out;
  pubrio_status st = pri_json_parse_query(body, len, t->out, err);
  if (st != PUBRIO_OK)
    return st;
  const char *got = (*t->out)->query->redeem_query_id;
  if (strcasecmp(got, t->asked) == 0)
    return PUBRIO_OK;
  st = pri_error_set(err, PUBRIO_E_PROTOCOL,
                     "the answer is about batch %s, not the batch asked for "
                     "(%s)",
                     got, t->asked);
  pubrio_query_result_free(*t->out);
  *t->out = NULL;
  return st;
}

pri_call pri_redeem_query_call(const char *body, pri_query_target *target) {
  /* Contacts for a whole batch: compression pays off. */
  return (pri_call){.path = "/redeem/people/batch/query",
                    .body = body,
                    .idempotent = 1,
                    .compressed = 1,
                    .deadline = INT64_MAX,
                    .parse = parse_query_answer,
                    .out = target};
}

pubrio_status pri_redeem_query(pubrio_client *client,
                               const char *redeem_query_id, int64_t deadline,
                               int *deadline_reached, pubrio_query_result **out,
                               pubrio_error *err) {
  if (!client || !out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "client or out is NULL");
  *out = NULL;
  char id[PRI_UUID_STR_LEN + 1];
  if (pri_uuid_canonical(redeem_query_id, id) != 0)
    return pri_error_invalid_id(err, "redeem_query_id", redeem_query_id);
  char *body = pri_json_query_body(id, 0, 0);
  if (!body)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  pri_query_target target = {.asked = id, .out = out};
  pri_call call = pri_redeem_query_call(body, &target);
  call.deadline = deadline;
  pubrio_status st = pri_call_run(client, &call, deadline_reached, err);
  pri_free(body);
  return st;
}

pubrio_status pubrio_redeem_people_batch_query(pubrio_client *client,
                                               const char *redeem_query_id,
                                               pubrio_query_result **out,
                                               pubrio_error *err) {
  return pri_redeem_query(client, redeem_query_id, INT64_MAX, NULL, out, err);
}
