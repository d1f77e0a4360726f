/* One logical API call: pacing, attempts, retries, parsing, typed errors. */
#ifndef PUBRIO_CALL_H
#define PUBRIO_CALL_H

#include "client.h"

/* Turns a 2xx body into the call's result (the body may be rewritten in
 * place); a contract break is PUBRIO_E_PROTOCOL with a message. */
typedef pubrio_status (*pri_parse_fn)(char *body, size_t len, void *out,
                                      pubrio_error *err);

typedef struct pri_call {
  const char *path; /* "/redeem/people/batch" */
  const char *body;
  int idempotent;     /* 0 for the submit: it spends credits */
  int compressed;     /* ask for a compressed answer (large responses) */
  int64_t deadline;   /* clock time no sleep or request may pass; INT64_MAX:
                         none */
  pri_parse_fn parse; /* fills out from a 2xx body */
  void *out;
} pri_call;

/* Send with the client's policies, then parse. On failure err is filled:
 * its message by the layer that knows what went wrong (http_error.c,
 * the JSON parser), then, in one place here, the attempts, HTTP status,
 * request id, submit state (for a submit) and the key's redaction. When the
 * deadline stopped the call (a pacing wait or a request would cross it),
 * the status is PUBRIO_E_TIMEOUT and *deadline_reached is set. */
pubrio_status pri_call_run(pubrio_client *client, const pri_call *call,
                           int *deadline_reached, pubrio_error *err);


#endif
