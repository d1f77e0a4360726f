#include "error.h"
#include "alloc.h"

#include "buf.h"
#include "redact.h"
#include "untrusted.h"

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
  case PUBRIO_E_CREDIT_BUDGET: return "credit budget reached";
  case PUBRIO_E_JOURNAL: return "journal error";
  }
  return "unknown status";
}

/* The block behind reserved[OWNER_SLOT]: the only strings the library
 * frees. reserved[SEAL_SLOT] holds the block's address mixed with a
 * constant, so an error the caller never initialized (stack garbage) is
 * not taken for one of ours and nothing found there is ever freed. */
enum {
  OWNER_SLOT = sizeof((pubrio_error *)0)->reserved /
                   sizeof((pubrio_error *)0)->reserved[0] -
               1,
  SEAL_SLOT = OWNER_SLOT - 1
};

static void *seal_of(const void *owned) {
  return (void *)((uintptr_t)owned ^ (uintptr_t)0x7075627269f0e4a1ULL);
}
typedef struct error_strings {
  char *text[PRI_ERR_FIELD_COUNT];
  /* A paid batch's id is kept without an allocation of its own, so
   * reporting it cannot fail for want of memory once the block exists. */
  char redeem_query_id[PUBRIO_ID_LEN + 1];
} error_strings;

/* The block the library left in @p err, or NULL (none, or garbage). */
static error_strings *owned_of(const pubrio_error *err) {
  void *owned = err->reserved[OWNER_SLOT];
  return owned && err->reserved[SEAL_SLOT] == seal_of(owned) ? owned : NULL;
}

static const char **field_slot(pubrio_error *err, pri_error_field field) {
  switch (field) {
  case PRI_ERR_MESSAGE: return &err->message;
  case PRI_ERR_API_MESSAGE: return &err->api_message;
  case PRI_ERR_DETAILS_JSON: return &err->details_json;
  case PRI_ERR_REQUEST_ID: return &err->request_id;
  case PRI_ERR_REDEEM_QUERY_ID:
  case PRI_ERR_FIELD_COUNT: break;
  }
  return &err->redeem_query_id;
}

void pubrio_error_clear(pubrio_error *err) {
  if (!err)
    return;
  error_strings *owned = owned_of(err);
  if (owned) {
    for (int i = 0; i < PRI_ERR_FIELD_COUNT; i++)
      pri_free(owned->text[i]);
    pri_free(owned);
  }
  memset(err, 0, sizeof *err);
  err->retry_after_ms = -1;
}

static error_strings *owner(pubrio_error *err) {
  error_strings *owned = owned_of(err);
  if (!owned && (owned = pri_calloc(1, sizeof *owned))) {
    err->reserved[OWNER_SLOT] = owned;
    err->reserved[SEAL_SLOT] = seal_of(owned);
  }
  return owned;
}

void pri_error_take(pubrio_error *err, pri_error_field field, char *value) {
  error_strings *owned = err && value ? owner(err) : err ? owned_of(err) : NULL;
  if (!err || (value && !owned)) {
    pri_free(value);
    return;
  }
  if (owned) {
    pri_free(owned->text[field]);
    owned->text[field] = value;
  }
  *field_slot(err, field) = value;
}

void pri_error_copy(pubrio_error *err, pri_error_field field,
                    const char *value) {
  error_strings *owned;
  if (err && field == PRI_ERR_REDEEM_QUERY_ID && value &&
      strlen(value) <= PUBRIO_ID_LEN && (owned = owner(err))) {
    memcpy(owned->redeem_query_id, value, strlen(value) + 1);
    err->redeem_query_id = owned->redeem_query_id;
    return;
  }
  pri_error_take(err, field, pri_strdup(value));
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
  if (rc != 0) /* out of memory while reporting: the static status name */
    pri_buf_free(&msg);
  pri_error_take(err, PRI_ERR_MESSAGE,
                 rc == 0 ? pri_buf_steal(&msg)
                         : pri_strdup(pubrio_status_str(status)));
  if (!err->message) /* not even that: a static string, never freed */
    err->message = pubrio_status_str(status);
  return status;
}

void pri_error_redact(pubrio_error *err, const char *secret) {
  error_strings *owned = err ? owned_of(err) : NULL;
  for (int i = 0; owned && i < PRI_ERR_FIELD_COUNT; i++)
    pri_redact(owned->text[i], secret);
}

pubrio_status pri_error_invalid_id(pubrio_error *err, const char *what,
                                   const char *id) {
  if (!id)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "%s is NULL", what);
  char *shown = pri_untrusted_text(id, strlen(id), 64);
  pubrio_status st = pri_error_set(
      err, PUBRIO_E_INVALID_ARGUMENT,
      "%s \"%s\" is not a canonical UUID (expected 8-4-4-4-12 hex digits)",
      what, shown ? shown : "?");
  pri_free(shown);
  return st;
}

void pri_error_copy_all(pubrio_error *dst, const pubrio_error *src,
                        pubrio_status status) {
  if (!dst)
    return;
  pri_error_set(dst, status, "%s",
                src->message ? src->message : pubrio_status_str(status));
  dst->attempts = src->attempts;
  dst->http_status = src->http_status;
  dst->api_code = src->api_code;
  dst->retry_after_ms = src->retry_after_ms;
  dst->submit_state = src->submit_state;
  pri_error_copy(dst, PRI_ERR_API_MESSAGE, src->api_message);
  pri_error_copy(dst, PRI_ERR_DETAILS_JSON, src->details_json);
  pri_error_copy(dst, PRI_ERR_REQUEST_ID, src->request_id);
  pri_error_copy(dst, PRI_ERR_REDEEM_QUERY_ID, src->redeem_query_id);
}
