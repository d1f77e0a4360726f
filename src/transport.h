/* libcurl, and the only file that talks to it: one reused easy handle
 * driven through a multi handle (so a cancel wakes it), the library's
 * headers, timeouts, TLS, body capture. A response is complete when the
 * transfer ends: status, body, the headers the library uses (Retry-After
 * already parsed), the network outcome, whether the request left.
 * Knows nothing of JSON or of retry policy. */
#ifndef PUBRIO_TRANSPORT_H
#define PUBRIO_TRANSPORT_H

#include "buf.h"
#include "cancel.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

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
  char *content_type; /* the final response's headers, raw */
  char *request_id;   /* x-request-id or request-id */
  char *location;
  int64_t retry_after_ms; /* retry-after-ms or Retry-After; -1 when none */
  char error_text[256];   /* curl's words on failure */
} pri_http_response;

void pri_http_response_free(pri_http_response *resp);

/* What the transport sends with every request; strings are copied. */
typedef struct pri_transport_config {
  const char *user_agent;
  int64_t connect_timeout_ms;
  size_t max_body_bytes;
  const char *ca_file; /* NULL: system store */
  const char *ca_path;
  const char *const *extra_headers; /* "Name: value" lines */
  size_t extra_count;
} pri_transport_config;

/* One POST. */
typedef struct pri_http_request {
  const char *url;
  const char *body;
  size_t body_len;
  int64_t timeout_ms; /* the whole transfer; 0: none (the caller keeps it) */
  int compressed;     /* ask for a gzip/deflate/br answer: worth it for
                         large bodies, a cost for small ones */
  int send_once;      /* never let libcurl transmit it a second time */
} pri_http_request;

typedef struct pri_transport pri_transport;

/* NULL when out of memory or curl cannot start. The key header is built once
 * and wiped on free. @p cancel (owned by the caller) wakes transfers. */
pri_transport *pri_transport_new(const char *api_key, pri_cancel *cancel);
void pri_transport_free(pri_transport *transport);

/* The one way configuration reaches the transport (every client setter
 * comes here). 0, or -1 when out of memory: the old configuration stays. */
int pri_transport_configure(pri_transport *transport,
                            const pri_transport_config *config);

/* Send @p request; fills @p resp (emptied first). Returns resp->kind. */
pri_net_kind pri_transport_post(pri_transport *transport,
                                const pri_http_request *request,
                                pri_http_response *resp);

/* A request in progress on its own easy handle, so that several run at once
 * on the transport's multi handle (sharing its connection cache). Created
 * with the transport's configuration; configure changes reach it too (but
 * not while it runs). */
typedef struct pri_transfer pri_transfer;

pri_transfer *pri_transfer_new(pri_transport *transport);
void pri_transfer_free(pri_transfer *transfer);

/* Start @p request; @p resp (emptied) is complete when pri_transport_run()
 * hands the transfer back. The request's body must live until then.
 * 0, or -1 when libcurl refuses it. */
int pri_transfer_start(pri_transfer *transfer, const pri_http_request *request,
                       pri_http_response *resp);

/* Drive every started transfer for up to @p timeout_ms (-1: until one
 * ends): returns one that ended, its response complete, or NULL when the
 * time ran out, nothing runs, or a cancel came. With @p cut_on_cancel a
 * cancel ends every running transfer with PRI_NET_CANCELLED; without, it
 * only wakes the caller, who decides (a bulk run lets submits finish). */
pri_transfer *pri_transport_run(pri_transport *transport, int64_t timeout_ms,
                                int cut_on_cancel);
/* End every running transfer with PRI_NET_CANCELLED; 1 when any ran. */
int pri_transport_cut(pri_transport *transport);
/* End one running transfer with PRI_NET_CANCELLED (a poll a stop cuts). */
void pri_transfer_cut(pri_transfer *transfer);
/* End a running transfer with PRI_NET_TIMEOUT: its caller keeps the time
 * (a timeout of 0 leaves it to the caller, who does not count the time its
 * own caller held it). */
void pri_transfer_expire(pri_transfer *transfer);

/* Whether @p url is an http:// or https:// URL with no credentials, query
 * or fragment (libcurl's URL parser decides what a URL is). */
int pri_transport_url_ok(const char *url);

/* Whether @p url's scheme is plain http. */
int pri_transport_url_is_plain_http(const char *url);

/* Whether @p url's host is loopback: 127.0.0.0/8, ::1 or localhost. */
int pri_transport_url_is_loopback(const char *url);

/* The wait a 429 or 503 asks for: retry-after-ms (preferred) or Retry-After
 * (delta-seconds, or an HTTP date against @p now_epoch). -1 when absent or
 * unreadable. */
int64_t pri_transport_retry_after_ms(const char *retry_after,
                                     const char *retry_after_ms,
                                     time_t now_epoch);

#endif
