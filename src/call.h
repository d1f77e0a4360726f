/* One logical API call: pacing, attempts, retries, typed errors. */
#ifndef PUBRIO_CALL_H
#define PUBRIO_CALL_H

#include "client.h"

typedef struct pri_call {
  const char *path; /* "/redeem/people/batch" */
  const char *body;
  int idempotent;   /* 0 for the submit: it spends credits */
  int compressed;   /* ask for a compressed answer (large responses) */
  int64_t deadline; /* clock time no sleep or request may pass; INT64_MAX:
                       none */
} pri_call;

/* POST with the client's policies. On PUBRIO_OK, @p resp holds a 2xx
 * response for the caller to parse (and free). On failure err is filled,
 * and for a submit (idempotent == 0) err->submit_state says whether credits
 * may have been spent. */
pubrio_status pri_call_post(pubrio_client *client, const pri_call *call,
                            pri_http_response *resp, pubrio_error *err);

/* Whether an HTTP status proves the API did not process a request. */
int pri_status_proves_unprocessed(long http_status);

#endif
