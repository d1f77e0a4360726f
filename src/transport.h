/* libcurl: one reused easy handle driven through a multi handle, so every
 * transfer can be woken by a cancel; headers, timeouts, TLS, body capture.
 * Knows nothing of JSON or of retry policy. */
#ifndef PUBRIO_TRANSPORT_H
#define PUBRIO_TRANSPORT_H

#include "buf.h"
#include "cancel.h"

#include <stddef.h>
#include <stdint.h>

/* How an attempt ended, as far as the network is concerned. */
typedef enum pri_net_kind {
  PRI_NET_OK = 0,    /* an HTTP response arrived (any status) */
  PRI_NET_CONNECT,   /* DNS or connect failure */
  PRI_NET_TLS,       /* TLS handshake failure */
  PRI_NET_CERT,      /* certificate rejected: retrying will not help */
  PRI_NET_TIMEOUT,   /* connect or total timeout */
  PRI_NET_FAILED,    /* reset, closed mid-body, protocol error */
  PRI_NET_TOO_LARGE, /* body over the cap */
  PRI_NET_NO_MEMORY,
  PRI_NET_CANCELLED /* pri_cancel_trigger() during the transfer */
} pri_net_kind;

typedef struct pri_http_response {
  pri_net_kind kind;
  int request_sent;     /* some bytes of the request may have left: on failure
                           the server may have acted on it */
  long status;          /* HTTP status, 0 when none */
  long new_connections; /* connections opened for this attempt */
  pri_buf body;
  char *content_type;
  int headers_read;     /* the five below are filled only on demand */
  char *request_id;     /* x-request-id or request-id */
  char *retry_after;    /* raw Retry-After */
  char *retry_after_ms; /* raw retry-after-ms */
  char *location;
  char error_text[256]; /* curl's words on failure */
} pri_http_response;

void pri_http_response_reset(pri_http_response *resp);
void pri_http_response_free(pri_http_response *resp);

typedef struct pri_transport_config {
  unsigned generation; /* bumped when any field changes: options are only
                          handed to curl again then */
  const char *user_agent;
  int64_t connect_timeout_ms;
  size_t max_body_bytes;
  const char *ca_file; /* NULL: system store */
  const char *ca_path;
} pri_transport_config;

/* One POST. */
typedef struct pri_http_request {
  const char *url;
  const char *body;
  size_t body_len;
  int64_t timeout_ms; /* the whole transfer, > 0 */
  int compressed;     /* ask for a gzip/deflate/br answer: worth it for
                         large bodies, a cost for small ones */
  int send_once;      /* never let libcurl transmit it a second time */
} pri_http_request;

typedef struct pri_transport pri_transport;

/* NULL when out of memory or curl cannot start. The key header is built once
 * and wiped on free. @p cancel (owned by the caller) wakes transfers. */
pri_transport *pri_transport_new(const char *api_key, pri_cancel *cancel);
void pri_transport_free(pri_transport *transport);

/* Fill resp's header fields from the last transfer (before the next one).
 * Only errors and logs need them: a success skips the cost. */
void pri_transport_read_headers(pri_transport *transport,
                                pri_http_response *resp);

/* Replace the caller's extra header lines ("Name: value"); 0, or -1 when
 * out of memory (the old ones stay). */
int pri_transport_set_extra_headers(pri_transport *transport,
                                    const char *const *lines, size_t count);

/* Send @p request; fills @p resp (reset first). Returns resp->kind. */
pri_net_kind pri_transport_post(pri_transport *transport,
                                const pri_transport_config *config,
                                const pri_http_request *request,
                                pri_http_response *resp);

#endif
