#include "http_error.h"
#include "alloc.h"

#include "buf.h"
#include "error.h"
#include "json.h"
#include "untrusted.h"

#include <stdlib.h>
#include <string.h>

/* The status for an HTTP code outside 2xx. */
static pubrio_status status_for_http(long s) {
  if (s == 400)
    return PUBRIO_E_BAD_REQUEST;
  if (s == 401 || s == 403)
    return PUBRIO_E_UNAUTHORIZED;
  if (s == 402)
    return PUBRIO_E_PAYMENT_REQUIRED;
  if (s == 429)
    return PUBRIO_E_RATE_LIMITED;
  if (s >= 500 && s <= 599)
    return PUBRIO_E_SERVER;
  return PUBRIO_E_HTTP;
}

static pubrio_status network_error(const pri_http_response *resp,
                                   const char *url, pubrio_error *err) {
  switch (resp->kind) {
  case PRI_NET_CONNECT:
    return pri_error_set(err, PUBRIO_E_TRANSPORT, "could not connect to %s: %s",
                         url, resp->error_text);
  case PRI_NET_TLS:
  case PRI_NET_CERT:
    return pri_error_set(err, PUBRIO_E_TLS, "TLS failure with %s: %s", url,
                         resp->error_text);
  case PRI_NET_TIMEOUT:
    return pri_error_set(err, PUBRIO_E_TIMEOUT, "timed out on %s: %s", url,
                         resp->error_text);
  case PRI_NET_TOO_LARGE:
    return pri_error_set(err, PUBRIO_E_RESPONSE_TOO_LARGE,
                         "the response from %s exceeds the size cap", url);
  case PRI_NET_NO_MEMORY:
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  case PRI_NET_CANCELLED:
    return pri_error_set(err, PUBRIO_E_CANCELLED, "cancelled during %s", url);
  case PRI_NET_FAILED:
  case PRI_NET_OK: break;
  }
  return pri_error_set(
      err, PUBRIO_E_TRANSPORT, "the connection to %s failed: %s%s", url,
      resp->error_text,
      resp->request_sent ? " (the request may have arrived)" : "");
}

/* Limits on server text quoted in messages. */
enum { API_MESSAGE_MAX = 1024, HEADER_TEXT_MAX = 256, DETAILS_MAX = 4096 };

/* A bounded, terminal-safe copy of server text (NULL stays NULL). */
static char *untrusted(const char *text, size_t max) {
  return text ? pri_untrusted_text(text, strlen(text), max) : NULL;
}

/* One sentence saying what the server sent: its @p message (made safe),
 * else what the body is when it is not JSON. */
static void describe_body(pri_buf *msg, const pri_http_response *resp,
                          const char *message, int is_json, const char *ctype) {
  if (message) {
    pri_buf_appendf(msg, ": %s", message);
  } else if (resp->body.len == 0) {
    pri_buf_append_str(msg, ": empty body");
  } else if (!is_json) {
    pri_buf_appendf(msg, ": non-JSON body (%s, %zu bytes)",
                    ctype ? ctype : "no type", resp->body.len);
  }
}

pubrio_status pri_http_error_from_response(const pri_http_response *resp,
                                           const char *url,
                                           int64_t retry_after_ms,
                                           pubrio_error *err) {
  if (resp->kind != PRI_NET_OK)
    return network_error(resp, url, err);
  pubrio_status status = status_for_http(resp->status);
  if (!err)
    return status;
  pri_api_error api;
  pri_json_parse_api_error(resp->body.data, resp->body.len, &api);
  /* Everything the server wrote is bounded and escaped before use. */
  char *message = untrusted(api.message, API_MESSAGE_MAX);
  char *details = untrusted(api.details_json, DETAILS_MAX);
  char *request_id = untrusted(resp->request_id, HEADER_TEXT_MAX);
  char *ctype = untrusted(resp->content_type, HEADER_TEXT_MAX);
  char *location = untrusted(resp->location, HEADER_TEXT_MAX);
  pri_buf msg = {0};
  pri_buf_appendf(&msg, "HTTP %ld %s from %s", resp->status,
                  pubrio_status_str(status), url);
  describe_body(&msg, resp, message, api.is_json, ctype);
  if (api.has_code)
    pri_buf_appendf(&msg, " (code %lld)", (long long)api.code);
  if (resp->status >= 300 && resp->status < 400 && location)
    pri_buf_appendf(&msg, " (redirect to %s not followed)", location);
  if (retry_after_ms >= 0)
    pri_buf_appendf(&msg, " (retry after %lld ms)", (long long)retry_after_ms);
  if (request_id)
    pri_buf_appendf(&msg, " [request id %s]", request_id);
  pri_error_set(err, status, "%s", msg.data ? msg.data : "HTTP error");
  pri_buf_free(&msg);
  err->api_code = api.has_code ? api.code : 0;
  err->retry_after_ms = retry_after_ms;
  pri_error_take(err, PRI_ERR_API_MESSAGE, message);
  pri_error_take(err, PRI_ERR_DETAILS_JSON, details);
  pri_free(request_id); /* the field itself is set by the call layer */
  pri_free(ctype);
  pri_free(location);
  pri_api_error_free(&api);
  return status;
}
