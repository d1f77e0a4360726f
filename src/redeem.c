/* The two endpoint calls: validate locally, send, parse into typed results. */
#include "redeem.h"

#include "buf.h"
#include "call.h"
#include "error.h"
#include "json.h"
#include "request.h"
#include "untrusted.h"
#include "uuid.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef pubrio_status (*parse_fn)(char *body, size_t len, void *out,
                                  pubrio_error *err);

static pubrio_status post_and_parse(pubrio_client *client, const pri_call *call,
                                    parse_fn parse, void *out,
                                    pubrio_error *err) {
  pri_http_response resp = {0};
  pubrio_status st = pri_call_post(client, call, &resp, err);
  if (st == PUBRIO_OK) {
    st = parse(resp.body.data, resp.body.len, out, err);
    if (st != PUBRIO_OK && err) {
      pri_transport_read_headers(client->transport, &resp);
      err->http_status = resp.status;
      err->attempts = 1;
      pri_error_take(err, PRI_ERR_REQUEST_ID,
                     resp.request_id ? pri_untrusted_text(
                                           resp.request_id,
                                           strlen(resp.request_id), 256)
                                     : NULL);
      /* A 2xx answer to a submit means it was processed: credits may be
       * spent even though the answer cannot be read. */
      if (!call->idempotent)
        err->submit_state = PUBRIO_SUBMIT_UNCERTAIN;
      pri_error_redact(err, client->api_key);
    }
  }
  pri_http_response_free(&resp);
  return st;
}

static pubrio_status parse_job(char *body, size_t len, void *out,
                               pubrio_error *err) {
  return pri_json_parse_job(body, len, out, err);
}

static pubrio_status parse_query(char *body, size_t len, void *out,
                                 pubrio_error *err) {
  return pri_json_parse_query(body, len, out, err);
}

pubrio_status pubrio_redeem_people_batch(pubrio_client *client,
                                         const pubrio_batch_request *request,
                                         pubrio_batch_job **out,
                                         pubrio_error *err) {
  pubrio_status st =
      client && out ? pri_request_check_ready(request, err)
                    : pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                                    "client or out is NULL");
  if (out)
    *out = NULL;
  char *body = NULL;
  if (st == PUBRIO_OK && !(body = pri_json_submit_body(request)))
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  if (st != PUBRIO_OK) {
    if (err) /* nothing left: nothing spent */
      err->submit_state = PUBRIO_SUBMIT_NOT_SPENT;
    return st;
  }
  /* The answer is a few hundred bytes: compression would cost more. */
  pri_call call = {.path = "/redeem/people/batch",
                   .body = body,
                   .idempotent = 0,
                   .compressed = 0,
                   .deadline = INT64_MAX};
  st = post_and_parse(client, &call, parse_job, out, err);
  free(body);
  return st;
}

/* The answer must be about the batch asked for: another batch's people
 * would be taken for this one's. */
static pubrio_status check_same_batch(const char *asked,
                                      pubrio_query_result **res,
                                      pubrio_error *err) {
  const char *got = (*res)->query->redeem_query_id;
  if (strcasecmp(got, asked) == 0)
    return PUBRIO_OK;
  pubrio_status st = pri_error_set(
      err, PUBRIO_E_PROTOCOL,
      "the answer is about batch %s, not the batch asked for (%s)", got, asked);
  if (err)
    err->http_status = 200;
  pubrio_query_result_free(*res);
  *res = NULL;
  return st;
}

pubrio_status pri_query(pubrio_client *client, const char *redeem_query_id,
                        int64_t deadline, pubrio_query_result **out,
                        pubrio_error *err) {
  if (!client || !out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "client or out is NULL");
  *out = NULL;
  uint8_t uuid[16];
  if (pri_uuid_parse(redeem_query_id, uuid) != 0)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "redeem_query_id \"%.64s\" is not a canonical UUID",
                         redeem_query_id ? redeem_query_id : "(null)");
  char id[PRI_UUID_STR_LEN + 1];
  pri_uuid_format(uuid, id);
  char *body = pri_json_query_body(id);
  if (!body)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  /* Contacts for a whole batch: compression pays off. */
  pri_call call = {.path = "/redeem/people/batch/query",
                   .body = body,
                   .idempotent = 1,
                   .compressed = 1,
                   .deadline = deadline};
  pubrio_status st = post_and_parse(client, &call, parse_query, out, err);
  free(body);
  if (st == PUBRIO_OK)
    st = check_same_batch(id, out, err);
  return st;
}

pubrio_status pubrio_redeem_people_batch_query(pubrio_client *client,
                                               const char *redeem_query_id,
                                               pubrio_query_result **out,
                                               pubrio_error *err) {
  return pri_query(client, redeem_query_id, INT64_MAX, out, err);
}
