/* The two endpoint calls: validate locally, send, parse into typed results. */
#include "redeem.h"

#include "buf.h"
#include "call.h"
#include "error.h"
#include "json.h"
#include "request.h"
#include "uuid.h"

#include <stdint.h>
#include <stdlib.h>

static pubrio_status post_and_parse(pubrio_client *client, const pri_call *call,
                                    pubrio_status (*parse)(const char *, size_t,
                                                           void *,
                                                           pubrio_error *),
                                    void *out, pubrio_error *err) {
  pri_http_response resp = {0};
  pubrio_status st = pri_call_post(client, call, &resp, err);
  if (st == PUBRIO_OK) {
    st = parse(resp.body.data, resp.body.len, out, err);
    if (st != PUBRIO_OK && err) {
      pri_transport_read_headers(client->transport, &resp);
      err->http_status = resp.status;
      pri_error_take(&err->request_id, pri_strdup(resp.request_id));
      pri_error_redact(err, client->api_key);
    }
  }
  pri_http_response_free(&resp);
  return st;
}

static pubrio_status parse_job(const char *body, size_t len, void *out,
                               pubrio_error *err) {
  return pri_json_parse_job(body, len, out, err);
}

static pubrio_status parse_query(const char *body, size_t len, void *out,
                                 pubrio_error *err) {
  return pri_json_parse_query(body, len, out, err);
}

pubrio_status pubrio_redeem_people_batch(pubrio_client *client,
                                         const pubrio_batch_request *request,
                                         pubrio_batch_job **out,
                                         pubrio_error *err) {
  if (!client || !out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "client or out is NULL");
  *out = NULL;
  pubrio_status st = pri_request_check_ready(request, err);
  if (st != PUBRIO_OK)
    return st;
  char *body = pri_json_submit_body(request);
  if (!body)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  /* The answer is a few hundred bytes: compression would cost more. */
  pri_call call = {"/redeem/people/batch", body, 0, 0, INT64_MAX};
  st = post_and_parse(client, &call, parse_job, out, err);
  free(body);
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
  pri_call call = {"/redeem/people/batch/query", body, 1, 1, deadline};
  pubrio_status st = post_and_parse(client, &call, parse_query, out, err);
  free(body);
  return st;
}

pubrio_status pubrio_redeem_people_batch_query(pubrio_client *client,
                                               const char *redeem_query_id,
                                               pubrio_query_result **out,
                                               pubrio_error *err) {
  return pri_query(client, redeem_query_id, INT64_MAX, out, err);
}
