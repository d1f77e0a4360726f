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

/* A call in progress, for callers that run attempts themselves (the bulk
 * engine runs many at once): pri_call_begin, then per attempt
 * pri_call_prepare_attempt, the transfer of st->request into st->resp, and
 * pri_call_judge; then pri_call_end once. */
typedef struct pri_call_state {
  pri_buf url;
  pri_http_request request; /* timeout set per attempt */
  pri_http_response resp;   /* the last attempt's */
  int attempts;
  int acted;   /* some attempt may have made the API act */
  int trimmed; /* this attempt's timeout was cut to the deadline */
  int deadline_reached;
  int64_t started;
  pubrio_status status; /* the failure, once judged failed */
} pri_call_state;

typedef enum pri_verdict {
  PRI_VERDICT_DONE,  /* a 2xx, parsed into call->out */
  PRI_VERDICT_RETRY, /* try again after the delay */
  PRI_VERDICT_FAILED /* st->status, with err filled */
} pri_verdict;

/* 0, or -1 when out of memory (pri_call_end still applies). */
int pri_call_begin(pubrio_client *client, const pri_call *call,
                   pri_call_state *st);
/* Before each attempt (after pacing): PUBRIO_OK with st->request ready, or
 * a failure (cancelled, deadline passed) with err filled. */
pubrio_status pri_call_prepare_attempt(pubrio_client *client,
                                       const pri_call *call, pri_call_state *st,
                                       pubrio_error *err);
/* After an attempt ended in st->resp: what comes next. */
pri_verdict pri_call_judge(pubrio_client *client, const pri_call *call,
                           pri_call_state *st, int64_t *delay_ms,
                           pubrio_error *err);
/* Once, at the end: a failure's error gets its context here (attempts,
 * HTTP status, request id, submit state, redaction); frees the state. */
pubrio_status pri_call_end(pubrio_client *client, const pri_call *call,
                           pri_call_state *st, pubrio_status status,
                           pubrio_error *err);

#endif
