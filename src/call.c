#include "call.h"

#include "buf.h"
#include "error.h"
#include "http_error.h"
#include "log.h"
#include "untrusted.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

/* Whether an HTTP status proves the API did not process a request. */
static int proves_unprocessed(long s) {
  return s == 400 || s == 401 || s == 402 || s == 403 || s == 404 || s == 422 ||
         s == 429;
}

/* Whether an attempt that ended this way may have made the API act. */
static int may_have_acted(const pri_http_response *resp) {
  if (resp->status && proves_unprocessed(resp->status))
    return 0;
  if (resp->kind == PRI_NET_OK)
    return 1; /* 2xx, 408, 5xx, anything else it answered */
  if (resp->kind == PRI_NET_CONNECT || resp->kind == PRI_NET_TLS ||
      resp->kind == PRI_NET_CERT)
    return 0; /* the request never left */
  return resp->request_sent;
}

static pri_outcome outcome_of(const pri_http_response *resp) {
  pri_outcome o = {.kind = PRI_OUTCOME_HTTP,
                   .http_status = resp->status,
                   .retry_after_ms = -1};
  switch (resp->kind) {
  case PRI_NET_OK: o.retry_after_ms = resp->retry_after_ms; break;
  case PRI_NET_CONNECT:
  case PRI_NET_TLS: o.kind = PRI_OUTCOME_NOT_SENT; break;
  case PRI_NET_TIMEOUT:
  case PRI_NET_FAILED:
    if (!resp->request_sent)
      o.kind = PRI_OUTCOME_NOT_SENT;
    else
      o.kind = resp->kind == PRI_NET_TIMEOUT ? PRI_OUTCOME_TIMEOUT
                                             : PRI_OUTCOME_SENT_FAILED;
    break;
  default: o.kind = PRI_OUTCOME_FATAL;
  }
  return o;
}

/* Whether @p wait from now would cross @p deadline (no overflow). */
static int crosses(int64_t now, int64_t wait, int64_t deadline) {
  return deadline != INT64_MAX && wait > deadline - now;
}

/* Wait until the pacer lets a request start; 0, or -1 when that wait would
 * cross the deadline. */
static int pace(pubrio_client *c, int64_t deadline) {
  if (c->bulk_reading) /* a bulk run's budget counts its own reads */
    return 0;
  int64_t now = pri_clock_now(&c->clock);
  int64_t wait = pri_pacer_wait_ms(&c->pacer, now);
  if (wait > 0) {
    if (crosses(now, wait, deadline))
      return -1;
    pri_log(c, PUBRIO_LOG_WARN, "pacing: waiting %lld ms for the rate limit",
            (long long)wait);
    pri_clock_sleep(&c->clock, wait);
  }
  pri_pacer_record(&c->pacer, pri_clock_now(&c->clock));
  return 0;
}

static void log_attempt(pubrio_client *c, const char *url,
                        const pri_http_response *resp, int64_t elapsed_ms,
                        int attempt) {
  if (resp->kind == PRI_NET_OK)
    pri_log(c, PUBRIO_LOG_INFO,
            "POST %s -> HTTP %ld, %zu bytes, %lld ms, attempt %d%s%s", url,
            resp->status, resp->body.len, (long long)elapsed_ms, attempt,
            resp->request_id ? ", request id " : "",
            resp->request_id ? resp->request_id : "");
  else
    pri_log(c, PUBRIO_LOG_INFO, "POST %s -> failed after %lld ms: %s", url,
            (long long)elapsed_ms, resp->error_text);
  if (resp->body.len)
    pri_log_body(c, "response body", resp->body.data, resp->body.len);
}

/* The request's timeout: the client's, trimmed to the deadline. 0 when the
 * deadline has passed; *trimmed says whether the deadline set it. */
static int64_t attempt_timeout(pubrio_client *c, int64_t deadline,
                               int *trimmed) {
  int64_t timeout = c->total_timeout_ms;
  *trimmed = 0;
  if (deadline != INT64_MAX) {
    int64_t left = deadline - pri_clock_now(&c->clock);
    if (left <= 0)
      return 0;
    if (left < timeout) {
      timeout = left;
      *trimmed = 1;
    }
  }
  return timeout;
}

/* A failure the deadline caused, as opposed to the server. */
static pubrio_status deadline_error(pubrio_error *err, int *reached,
                                    const char *url, const char *why) {
  *reached = 1;
  return pri_error_set(err, PUBRIO_E_TIMEOUT, "the deadline passed %s %s", why,
                       url);
}

int pri_call_begin(pubrio_client *c, const pri_call *call, pri_call_state *st) {
  memset(st, 0, sizeof *st);
  if (pri_buf_append_str(&st->url, c->base_url) != 0 ||
      pri_buf_append_str(&st->url, call->path) != 0)
    return -1;
  size_t body_len = strlen(call->body);
  pri_log_body(c, "request body", call->body, body_len);
  st->request = (pri_http_request){.url = st->url.data,
                                   .body = call->body,
                                   .body_len = body_len,
                                   .compressed = call->compressed,
                                   .send_once = !call->idempotent};
  return 0;
}

pubrio_status pri_call_prepare_attempt(pubrio_client *c, const pri_call *call,
                                       pri_call_state *st, pubrio_error *err) {
  const char *url = st->url.data;
  if (pri_client_cancelled(c))
    return pri_error_set(err, PUBRIO_E_CANCELLED, "cancelled before %s", url);
  pubrio_status insecure = pri_client_check_url(c, err);
  if (insecure != PUBRIO_OK)
    return insecure;
  if (!(st->request.timeout_ms =
            attempt_timeout(c, call->deadline, &st->trimmed)))
    return deadline_error(err, &st->deadline_reached, url, "before");
  st->attempts++;
  st->started = pri_clock_now(&c->clock);
  c->requests_sent++;
  return PUBRIO_OK;
}

pri_verdict pri_call_judge(pubrio_client *c, const pri_call *call,
                           pri_call_state *st, int64_t *delay_ms,
                           pubrio_error *err) {
  const char *url = st->url.data;
  pri_http_response *resp = &st->resp;
  c->connections_opened += resp->new_connections;
  st->acted |= may_have_acted(resp);
  log_attempt(c, url, resp, pri_clock_now(&c->clock) - st->started,
              st->attempts);
  if (resp->kind == PRI_NET_OK && resp->status >= 200 && resp->status < 300) {
    st->status = call->parse(resp->body.data, resp->body.len, call->out, err);
    return st->status == PUBRIO_OK ? PRI_VERDICT_DONE : PRI_VERDICT_FAILED;
  }
  if (resp->kind == PRI_NET_CANCELLED)
    st->status =
        pri_error_set(err, PUBRIO_E_CANCELLED, "cancelled during %s%s", url,
                      resp->request_sent ? " (the request had left)" : "");
  else if (resp->kind == PRI_NET_TIMEOUT && st->trimmed)
    st->status = deadline_error(err, &st->deadline_reached, url, "during");
  if (st->status != PUBRIO_OK)
    return PRI_VERDICT_FAILED;
  pri_outcome o = outcome_of(resp);
  *delay_ms = pri_retry_delay_ms(&c->retry, call->idempotent, &o, st->attempts,
                                 pri_clock_random(&c->clock));
  if (*delay_ms < 0 ||
      crosses(pri_clock_now(&c->clock), *delay_ms, call->deadline)) {
    st->status = pri_http_error_from_response(resp, url, o.retry_after_ms, err);
    return PRI_VERDICT_FAILED;
  }
  pri_log(c, PUBRIO_LOG_WARN, "retrying %s in %lld ms (attempt %d of %d)", url,
          (long long)*delay_ms, st->attempts + 1, c->retry.max_attempts);
  return PRI_VERDICT_RETRY;
}

/* The one place a failed call's error gets its context. */
pubrio_status pri_call_end(pubrio_client *c, const pri_call *call,
                           pri_call_state *st, pubrio_status status,
                           pubrio_error *err) {
  if (status != PUBRIO_OK && err) {
    err->attempts = st->attempts;
    if (st->resp.status) {
      err->http_status = st->resp.status;
      const char *id = st->resp.request_id;
      if (id)
        pri_error_take(err, PRI_ERR_REQUEST_ID,
                       pri_untrusted_text(id, strlen(id), 256));
    }
    if (!call->idempotent) /* a 2xx that could not be read counts as acted */
      err->submit_state =
          st->acted ? PUBRIO_SUBMIT_UNCERTAIN : PUBRIO_SUBMIT_NOT_SPENT;
    pri_error_redact(err, c->api_key);
    pri_log(c, PUBRIO_LOG_ERROR, "%s", err->message);
  }
  pri_http_response_free(&st->resp);
  pri_buf_free(&st->url);
  return status;
}

/* The attempts, one after the other, sleeping between them. */
static pubrio_status attempts(pubrio_client *c, const pri_call *call,
                              pri_call_state *st, pubrio_error *err) {
  for (;;) {
    if (pace(c, call->deadline) != 0)
      return deadline_error(err, &st->deadline_reached, st->url.data,
                            "waiting for the rate limit before");
    pubrio_status status = pri_call_prepare_attempt(c, call, st, err);
    if (status != PUBRIO_OK)
      return status;
    pri_transport_post(c->transport, &st->request, &st->resp);
    int64_t delay = 0;
    switch (pri_call_judge(c, call, st, &delay, err)) {
    case PRI_VERDICT_DONE: return PUBRIO_OK;
    case PRI_VERDICT_FAILED: return st->status;
    case PRI_VERDICT_RETRY: pri_clock_sleep(&c->clock, delay); break;
    }
  }
}

pubrio_status pri_call_run(pubrio_client *c, const pri_call *call,
                           int *deadline_reached, pubrio_error *err) {
  /* A bulk run drives the client's transfers: a call beside it would take
   * its answers, or it ours. */
  if (atomic_load(&c->bulk_runs) != 0 && !c->bulk_reading) {
    if (deadline_reached)
      *deadline_reached = 0;
    pubrio_status st = pri_error_set(
        err, PUBRIO_E_INVALID_ARGUMENT,
        "the client has a bulk run: make calls on another client (nothing "
        "was sent)");
    if (err && !call->idempotent)
      err->submit_state = PUBRIO_SUBMIT_NOT_SPENT;
    return st;
  }
  pri_call_state st;
  pubrio_status status =
      pri_call_begin(c, call, &st) != 0
          ? pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory")
          : attempts(c, call, &st, err);
  if (deadline_reached)
    *deadline_reached = st.deadline_reached;
  return pri_call_end(c, call, &st, status, err);
}
