#include "error.h"

#include "buf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *pubrio_status_str(pubrio_status status) {
  switch (status) {
  case PUBRIO_OK: return "ok";
  case PUBRIO_E_INVALID_ARGUMENT: return "invalid argument";
  case PUBRIO_E_OUT_OF_MEMORY: return "out of memory";
  case PUBRIO_E_NO_API_KEY: return "no API key";
  case PUBRIO_E_TRANSPORT: return "transport error";
  case PUBRIO_E_TIMEOUT: return "timeout";
  case PUBRIO_E_TLS: return "TLS error";
  case PUBRIO_E_BAD_REQUEST: return "bad request";
  case PUBRIO_E_UNAUTHORIZED: return "unauthorized";
  case PUBRIO_E_PAYMENT_REQUIRED: return "payment required";
  case PUBRIO_E_RATE_LIMITED: return "rate limited";
  case PUBRIO_E_SERVER: return "server error";
  case PUBRIO_E_HTTP: return "unexpected HTTP status";
  case PUBRIO_E_PROTOCOL: return "response breaks the contract";
  case PUBRIO_E_RESPONSE_TOO_LARGE: return "response too large";
  case PUBRIO_E_WAIT_TIMEOUT: return "wait deadline reached";
  case PUBRIO_E_CANCELLED: return "cancelled";
  }
  return "unknown status";
}

static void free_field(const char **field) {
  free((char *)*field); /* the library allocated every string field */
  *field = NULL;
}

void pri_error_take(const char **field, char *value) {
  free_field(field);
  *field = value;
}

void pubrio_error_clear(pubrio_error *err) {
  if (!err)
    return;
  free_field(&err->message);
  free_field(&err->api_message);
  free_field(&err->details_json);
  free_field(&err->request_id);
  memset(err, 0, sizeof *err);
  err->retry_after_ms = -1;
}

pubrio_status pri_error_set(pubrio_error *err, pubrio_status status,
                            const char *fmt, ...) {
  if (!err)
    return status;
  pubrio_error_clear(err);
  err->status = status;
  pri_buf msg = {0};
  va_list ap;
  va_start(ap, fmt);
  int rc = pri_buf_vappendf(&msg, fmt, ap);
  va_end(ap);
  /* Out of memory while reporting: fall back to the static status name. */
  err->message =
      rc == 0 ? pri_buf_steal(&msg) : pri_strdup(pubrio_status_str(status));
  if (rc != 0)
    pri_buf_free(&msg);
  return status;
}

void pri_error_redact(pubrio_error *err, const char *secret) {
  if (!err)
    return;
  pri_redact((char *)err->message, secret);
  pri_redact((char *)err->api_message, secret);
  pri_redact((char *)err->details_json, secret);
  pri_redact((char *)err->request_id, secret);
}
