#include "transport.h"

#include <curl/curl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pri_transport {
  CURLM *multi; /* holds the connection cache: keep-alive across calls */
  CURL *curl;
  pri_cancel *cancel;
  struct curl_slist *headers; /* holds the key: wiped before free */
  size_t fixed_count;         /* the library's own headers come first */
  int configured;
  unsigned generation; /* of the config last applied */
};

/* libcurl wants one global init before any handle; doing it here, once,
 * spares our users a global init call of their own. */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result = CURLE_FAILED_INIT;
static void init_curl(void) {
  curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void wipe_headers(struct curl_slist *list) {
  for (struct curl_slist *h = list; h; h = h->next)
    pri_wipe(h->data, strlen(h->data));
  curl_slist_free_all(list);
}

pri_transport *pri_transport_new(const char *api_key, pri_cancel *cancel) {
  pthread_once(&curl_once, init_curl);
  if (curl_init_result != CURLE_OK)
    return NULL;
  pri_transport *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  t->cancel = cancel;
  t->multi = curl_multi_init();
  t->curl = curl_easy_init();
  pri_buf key_header = {0};
  if (t->curl && t->multi &&
      pri_buf_appendf(&key_header, "pubrio-api-key: %s", api_key) == 0) {
    const char *fixed[] = {key_header.data, "Content-Type: application/json",
                           "Accept: application/json",
                           "Expect:" /* no 100-continue round trip */};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
      struct curl_slist *next = curl_slist_append(t->headers, fixed[i]);
      if (!next) {
        wipe_headers(t->headers);
        t->headers = NULL;
        break;
      }
      t->headers = next;
    }
  }
  if (key_header.data)
    pri_wipe(key_header.data, key_header.len);
  pri_buf_free(&key_header);
  if (!t->curl || !t->multi || !t->headers) {
    pri_transport_free(t);
    return NULL;
  }
  for (struct curl_slist *h = t->headers; h; h = h->next)
    t->fixed_count++;
  return t;
}

int pri_transport_set_extra_headers(pri_transport *t, const char *const *lines,
                                    size_t count) {
  struct curl_slist *extra = NULL;
  for (size_t i = 0; i < count; i++) {
    struct curl_slist *next = curl_slist_append(extra, lines[i]);
    if (!next) {
      curl_slist_free_all(extra);
      return -1;
    }
    extra = next;
  }
  struct curl_slist *last = t->headers;
  for (size_t i = 1; i < t->fixed_count; i++)
    last = last->next;
  curl_slist_free_all(last->next);
  last->next = extra;
  return 0;
}

void pri_transport_free(pri_transport *transport) {
  if (!transport)
    return;
  curl_easy_cleanup(transport->curl);
  curl_multi_cleanup(transport->multi);
  wipe_headers(transport->headers);
  free(transport);
}

void pri_http_response_reset(pri_http_response *resp) {
  pri_buf body = resp->body;
  resp->body = (pri_buf){0};
  pri_http_response_free(resp);
  pri_buf_reset(&body);
  resp->body = body; /* keep the allocation for the next attempt */
}

void pri_http_response_free(pri_http_response *resp) {
  pri_buf_free(&resp->body);
  free(resp->content_type);
  free(resp->request_id);
  free(resp->retry_after);
  free(resp->retry_after_ms);
  free(resp->location);
  memset(resp, 0, sizeof *resp);
}

typedef struct capture {
  pri_http_response *resp;
  size_t max_body;
  int too_large;
  int no_memory;
  int body_started;
  int send_once;        /* a request that must never go out twice */
  int requests_started; /* how often libcurl was about to send it */
} capture;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata) {
  capture *cap = userdata;
  size_t n = size * nmemb;
  cap->body_started = 1;
  if (cap->resp->body.len + n > cap->max_body) {
    cap->too_large = 1;
    return 0; /* makes curl abort with CURLE_WRITE_ERROR */
  }
  if (pri_buf_append(&cap->resp->body, data, n) != 0) {
    cap->no_memory = 1;
    return 0;
  }
  return n;
}

/* Taken from curl's own store (curl_easy_header, libcurl >= 7.83), which
 * holds the final response's headers until the next transfer. */
void pri_transport_read_headers(pri_transport *t, pri_http_response *r) {
  CURL *c = t->curl;
  if (!r->status || r->headers_read)
    return;
  r->headers_read = 1;
  const char *names[] = {"content-type", "x-request-id",   "request-id",
                         "retry-after",  "retry-after-ms", "location"};
  char **slots[] = {&r->content_type, &r->request_id,     &r->request_id,
                    &r->retry_after,  &r->retry_after_ms, &r->location};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    struct curl_header *h = NULL;
    if (*slots[i] ||
        curl_easy_header(c, names[i], 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
      continue;
    *slots[i] = pri_strdup(h->value);
  }
}

/* libcurl 7.88 reports a response header over its 100 KB limit as plain
 * CURLE_OUT_OF_MEMORY. Once a status line was read and before any body
 * reached us, that is almost surely the server's doing: it is reported as a
 * transport failure (retried on a query), not as our memory running out. */
static int header_overflow(CURLcode code, const capture *cap) {
  return code == CURLE_OUT_OF_MEMORY && !cap->no_memory &&
         cap->resp->status > 0 && !cap->body_started;
}

static pri_net_kind classify(CURLcode code, const capture *cap) {
  if (header_overflow(code, cap))
    return PRI_NET_FAILED;
  if (cap->no_memory || code == CURLE_OUT_OF_MEMORY)
    return PRI_NET_NO_MEMORY;
  if (cap->too_large || code == CURLE_FILESIZE_EXCEEDED)
    return PRI_NET_TOO_LARGE;
  switch (code) {
  case CURLE_OK: return PRI_NET_OK;
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_CONNECT: return PRI_NET_CONNECT;
  case CURLE_SSL_CONNECT_ERROR: return PRI_NET_TLS;
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH: return PRI_NET_CERT;
  case CURLE_OPERATION_TIMEDOUT: return PRI_NET_TIMEOUT;
  default: return PRI_NET_FAILED;
  }
}

/* libcurl sends a request again by itself when a kept-alive connection
 * dies before any answer. The pre-request callback runs right before each
 * request goes out, that second one included: for a request that must go
 * out once (a submit), the second call aborts the transfer before anything
 * is sent. */
static int on_prerequest(void *userdata, char *primary_ip, char *local_ip,
                         int primary_port, int local_port) {
  (void)primary_ip, (void)local_ip, (void)primary_port, (void)local_port;
  capture *cap = userdata;
  return cap->send_once && cap->requests_started++ > 0
             ? CURL_PREREQFUNC_ABORT
             : CURL_PREREQFUNC_OK;
}

/* The options that only change with the client's configuration. */
static void apply_config(pri_transport *t, const pri_transport_config *cfg) {
  CURL *c = t->curl;
  curl_easy_reset(c); /* keeps the connection cache: keep-alive survives */
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(c, CURLOPT_USERAGENT, cfg->user_agent);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* safe in threaded programs */
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* the key stays home */
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (cfg->ca_file)
    curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
  if (cfg->ca_path)
    curl_easy_setopt(c, CURLOPT_CAPATH, cfg->ca_path);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                   (curl_off_t)cfg->max_body_bytes);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_prerequest);
}

/* Drive the transfer on this thread, polling the cancel pipe beside curl's
 * sockets so a cancel ends it at once. */
static CURLcode perform(pri_transport *t, int *cancelled) {
  CURLM *m = t->multi;
  CURLMcode mc = curl_multi_add_handle(m, t->curl);
  CURLcode code = CURLE_OK;
  int running = 1;
  struct curl_waitfd wake = {pri_cancel_fd(t->cancel), CURL_WAIT_POLLIN, 0};
  while (mc == CURLM_OK && running) {
    if ((*cancelled = pri_cancel_requested(t->cancel)))
      break;
    mc = curl_multi_perform(m, &running);
    if (mc == CURLM_OK && running)
      mc = curl_multi_poll(m, &wake, 1, 1000, NULL);
  }
  if (mc != CURLM_OK)
    code = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
  CURLMsg *msg;
  int left;
  while (!*cancelled && (msg = curl_multi_info_read(m, &left)))
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == t->curl)
      code = msg->data.result;
  curl_multi_remove_handle(m, t->curl); /* a cut transfer's connection closes */
  return *cancelled ? CURLE_ABORTED_BY_CALLBACK : code;
}

pri_net_kind pri_transport_post(pri_transport *t,
                                const pri_transport_config *cfg,
                                const pri_http_request *req,
                                pri_http_response *resp) {
  pri_http_response_reset(resp);
  capture cap = {.resp = resp,
                 .max_body = cfg->max_body_bytes,
                 .send_once = req->send_once};
  CURL *c = t->curl;
  char errbuf[CURL_ERROR_SIZE] = "";
  if (!t->configured || t->generation != cfg->generation) {
    apply_config(t, cfg);
    t->configured = 1;
    t->generation = cfg->generation;
  }
  /* Only what differs per call is set per call. */
  long timeout = req->timeout_ms > LONG_MAX ? LONG_MAX : (long)req->timeout_ms;
  long connect = cfg->connect_timeout_ms < timeout
                     ? (long)cfg->connect_timeout_ms
                     : timeout;
  curl_easy_setopt(c, CURLOPT_URL, req->url);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
  curl_easy_setopt(c, CURLOPT_PREREQDATA, &cap);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &cap);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, req->compressed ? "" : NULL);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

  int cancelled = 0;
  CURLcode code = perform(t, &cancelled);
  long request_size = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
  curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &request_size);
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &resp->new_connections);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL); /* errbuf leaves scope */
  curl_easy_setopt(c, CURLOPT_PREREQDATA, NULL);  /* so does cap */
  resp->kind = cancelled ? PRI_NET_CANCELLED : classify(code, &cap);
  /* A second request refused by on_prerequest: the first one went out. */
  int resend_refused = cap.requests_started > 1;
  resp->request_sent =
      resp->kind == PRI_NET_OK || request_size > 0 || resend_refused;
  if (resend_refused)
    snprintf(resp->error_text, sizeof resp->error_text, "%s",
             "the connection closed after the request was sent, without "
             "an answer; it was not sent again");
  else if (header_overflow(code, &cap))
    snprintf(resp->error_text, sizeof resp->error_text, "%s",
             "the response headers could not be read (a header is too "
             "large, over libcurl's 100 KB, or memory ran out)");
  else if (resp->kind == PRI_NET_CANCELLED)
    snprintf(resp->error_text, sizeof resp->error_text, "%s", "cancelled");
  else if (resp->kind != PRI_NET_OK)
    snprintf(resp->error_text, sizeof resp->error_text, "%s",
             errbuf[0] ? errbuf : curl_easy_strerror(code));
  if (!resp->body.data)
    pri_buf_append(&resp->body, "", 0);
  return resp->kind;
}
