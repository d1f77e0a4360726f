#include "call.h"

#include "buf.h"
#include "error.h"
#include "http_error.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

static pri_outcome outcome_of(const pri_http_response *resp) {
  pri_outcome o = {PRI_OUTCOME_HTTP, resp->status, -1};
  switch (resp->kind) {
  case PRI_NET_OK:
    o.retry_after_ms = pri_retry_after_parse(resp->retry_after,
                                             resp->retry_after_ms, time(NULL));
    break;
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

/* Wait until the pacer lets a request start; 0, or -1 when that wait would
 * cross the deadline. */
static int pace(pubrio_client *c, int64_t deadline) {
  int64_t wait = pri_pacer_wait_ms(&c->pacer, pri_clock_now(&c->clock));
  if (wait > 0) {
    if (deadline != INT64_MAX && pri_clock_now(&c->clock) + wait > deadline)
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
    pri_log(c, PUBRIO_LOG_DEBUG, "response body: %.*s",
            resp->body.len > 4096 ? 4096 : (int)resp->body.len,
            resp->body.data);
}

pubrio_status pri_call_post(pubrio_client *c, const pri_call *call,
                            pri_http_response *resp, pubrio_error *err) {
  pri_buf url = {0};
  if (pri_buf_appendf(&url, "%s%s", c->base_url, call->path) != 0)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  pri_transport_config cfg = {c->config_generation,
                              c->user_agent,
                              c->connect_timeout_ms,
                              c->total_timeout_ms,
                              c->max_response_bytes,
                              c->ca_file,
                              c->ca_path};
  size_t body_len = strlen(call->body);
  pri_log(c, PUBRIO_LOG_DEBUG, "POST %s body: %.*s", url.data,
          body_len > 4096 ? 4096 : (int)body_len, call->body);
  pubrio_status status = PUBRIO_OK;
  int attempt = 0;
  for (;;) {
    if (pace(c, call->deadline) != 0) {
      /* Only a wait sets a deadline: this is its deadline reached. */
      status = pri_error_set(err, PUBRIO_E_WAIT_TIMEOUT,
                             "the client-side rate limit would push %s past "
                             "the deadline",
                             url.data);
      break;
    }
    attempt++;
    c->requests_sent++;
    int64_t started = pri_clock_now(&c->clock);
    pri_transport_post(c->transport, &cfg, url.data, call->body, body_len,
                       call->compressed, resp);
    c->connections_opened += resp->new_connections;
    int success =
        resp->kind == PRI_NET_OK && resp->status >= 200 && resp->status < 300;
    if (!success || (c->log && c->log_level >= PUBRIO_LOG_INFO))
      pri_transport_read_headers(c->transport, resp);
    log_attempt(c, url.data, resp, pri_clock_now(&c->clock) - started, attempt);
    if (success)
      break;
    pri_outcome o = outcome_of(resp);
    int64_t delay = pri_retry_delay_ms(&c->retry, call->idempotent, &o, attempt,
                                       pri_clock_random(&c->clock));
    int64_t now = pri_clock_now(&c->clock);
    if (delay >= 0 &&
        (call->deadline == INT64_MAX || now + delay <= call->deadline)) {
      pri_log(c, PUBRIO_LOG_WARN, "retrying %s in %lld ms (attempt %d of %d)",
              url.data, (long long)delay, attempt + 1, c->retry.max_attempts);
      pri_clock_sleep(&c->clock, delay);
      continue;
    }
    status = pri_error_from_response(err, resp, url.data, o.retry_after_ms);
    break;
  }
  if (status != PUBRIO_OK && err) {
    err->attempts = attempt;
    pri_error_redact(err, c->api_key);
    pri_log(c, PUBRIO_LOG_ERROR, "%s", err->message);
  }
  pri_buf_free(&url);
  return status;
}
