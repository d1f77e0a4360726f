#include "transport.h"
#include "alloc.h"
#include "clock.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What a transfer gathers while it runs. */
typedef struct capture {
  pri_http_response *resp;
  size_t max_body;
  int too_large;
  int no_memory;
  int body_started;
  int send_once;        /* a request that must never go out twice */
  int requests_started; /* how often libcurl was about to send it */
  char *retry_after;    /* raw, parsed when the transfer ends */
  char *retry_after_ms;
} capture;

/* One request at a time on its own easy handle; several can run at once on
 * the transport's multi handle, sharing its connection cache. */
struct pri_transfer {
  pri_transport *owner;
  CURL *curl;
  capture cap;
  char errbuf[CURL_ERROR_SIZE];
  long timeout_set;   /* the per-call options as last set, -1: unset, so */
  long connect_set;   /* a call sets only what changed (about 100 */
  int compressed_set; /* instructions an option) */
  int running;        /* added to the multi handle */
  int finished;       /* ended, not yet handed back by pri_transport_run */
  pri_transfer *next_of_owner;
};

struct pri_transport {
  CURLM *multi; /* holds the connection cache: keep-alive across calls */
  pri_cancel *cancel;
  struct curl_slist *headers; /* holds the key: wiped before free */
  size_t fixed_count;         /* the library's own headers come first */
  char *ca_file;              /* the configuration, copied */
  char *ca_path;
  int64_t connect_timeout_ms;
  size_t max_body_bytes;
  pri_transfer *main;      /* for pri_transport_post */
  pri_transfer *transfers; /* every transfer, to configure them all */
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

void pri_http_response_free(pri_http_response *resp) {
  pri_buf_free(&resp->body);
  pri_free(resp->content_type);
  pri_free(resp->request_id);
  pri_free(resp->location);
  memset(resp, 0, sizeof *resp);
}

/* Empty @p resp for an attempt, keeping the body's allocation. */
static void response_reset(pri_http_response *resp) {
  pri_buf body = resp->body;
  resp->body = (pri_buf){0};
  pri_http_response_free(resp);
  pri_buf_reset(&body);
  resp->body = body;
  resp->retry_after_ms = -1;
}

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

/* Keep a header's value (trimmed) in *slot unless one came first. */
static void keep_header(char **slot, const char *value, size_t len) {
  while (len && (*value == ' ' || *value == '\t'))
    value++, len--;
  while (len && (value[len - 1] == '\r' || value[len - 1] == '\n' ||
                 value[len - 1] == ' ' || value[len - 1] == '\t'))
    len--;
  if (!*slot)
    *slot = pri_strndup(value, len); /* NULL when out of memory: dropped */
}

static void forget_headers(capture *cap) {
  pri_http_response *r = cap->resp;
  char **slots[] = {&r->content_type, &r->request_id, &r->location,
                    &cap->retry_after, &cap->retry_after_ms};
  for (size_t i = 0; i < sizeof slots / sizeof *slots; i++) {
    pri_free(*slots[i]);
    *slots[i] = NULL;
  }
}

/* Whether the @p n bytes at @p data are @p name (lower case) in any case:
 * HTTP names are ASCII, whatever the locale says of strncasecmp. */
static int is_name(const char *data, const char *name, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)data[i];
    if ((c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) != (unsigned char)name[i])
      return 0;
  }
  return 1;
}

/* The headers the library uses, from the final response only: a new status
 * line (after an interim 1xx) starts over. */
static size_t on_header(char *data, size_t size, size_t nitems,
                        void *userdata) {
  capture *cap = userdata;
  size_t len = size * nitems;
  if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
    forget_headers(cap);
    return len;
  }
  const char *colon = memchr(data, ':', len);
  if (!colon)
    return len;
  size_t name_len = (size_t)(colon - data);
  pri_http_response *r = cap->resp;
  char **slot = NULL; /* chosen by the name's length first: most lines
                         (Date, Content-Length, ...) end there */
  switch (name_len) {
  case 8: slot = is_name(data, "location", 8) ? &r->location : NULL; break;
  case 10:
    slot = is_name(data, "request-id", 10) ? &r->request_id : NULL;
    break;
  case 11:
    slot = is_name(data, "retry-after", 11) ? &cap->retry_after : NULL;
    break;
  case 12:
    slot = is_name(data, "content-type", 12)   ? &r->content_type
           : is_name(data, "x-request-id", 12) ? &r->request_id
                                               : NULL;
    break;
  case 14:
    slot = is_name(data, "retry-after-ms", 14) ? &cap->retry_after_ms : NULL;
    break;
  default: break;
  }
  if (slot)
    keep_header(slot, colon + 1, len - name_len - 1);
  return len;
}

static int parse_nonnegative(const char *s, int64_t *out) {
  while (isspace((unsigned char)*s))
    s++;
  if (!isdigit((unsigned char)*s))
    return 0;
  errno = 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  while (isspace((unsigned char)*end))
    end++;
  if (*end || errno == ERANGE)
    return 0;
  *out = v;
  return 1;
}

int64_t pri_transport_retry_after_ms(const char *retry_after,
                                     const char *retry_after_ms,
                                     time_t now_epoch) {
  int64_t v;
  if (retry_after_ms && parse_nonnegative(retry_after_ms, &v))
    return v;
  if (!retry_after)
    return -1;
  if (parse_nonnegative(retry_after, &v))
    return v > INT64_MAX / 1000 ? INT64_MAX : v * 1000;
  time_t when = curl_getdate(retry_after, NULL); /* an HTTP date */
  if (when == (time_t)-1)
    return -1;
  return when <= now_epoch ? 0 : (int64_t)(when - now_epoch) * 1000;
}

int pri_transport_url_ok(const char *url) {
  CURLU *u = curl_url();
  int ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK;
  char *scheme = NULL, *part = NULL;
  ok = ok && curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
       (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
  /* A query or fragment would end up in the middle of every request URL;
   * credentials would end up in error messages and logs. */
  const CURLUPart refused[] = {CURLUPART_QUERY, CURLUPART_FRAGMENT,
                               CURLUPART_USER, CURLUPART_PASSWORD};
  for (size_t i = 0; ok && i < sizeof refused / sizeof *refused; i++) {
    ok = curl_url_get(u, refused[i], &part, 0) != CURLUE_OK;
    curl_free(part);
    part = NULL;
  }
  curl_free(scheme);
  curl_url_cleanup(u);
  return ok;
}

/* One part of @p url, as libcurl parses it (curl_free() it); NULL when
 * none. */
static char *url_part(const char *url, CURLUPart part) {
  CURLU *u = curl_url();
  char *value = NULL;
  if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
      curl_url_get(u, part, &value, 0) != CURLUE_OK)
    value = NULL;
  curl_url_cleanup(u);
  return value;
}

int pri_transport_url_is_plain_http(const char *url) {
  char *scheme = url ? url_part(url, CURLUPART_SCHEME) : NULL;
  int http = scheme && strcasecmp(scheme, "http") == 0;
  curl_free(scheme);
  return http;
}

int pri_transport_url_is_loopback(const char *url) {
  char *host = url ? url_part(url, CURLUPART_HOST) : NULL;
  int loopback = 0;
  if (host) {
    unsigned char addr[16];
    size_t len = strlen(host);
    if (strcasecmp(host, "localhost") == 0) {
      loopback = 1;
    } else if (inet_pton(AF_INET, host, addr) == 1) {
      loopback = addr[0] == 127;
    } else if (len > 2 && host[0] == '[' && host[len - 1] == ']') {
      static const unsigned char one[16] = {[15] = 1};
      host[len - 1] = '\0';
      loopback = inet_pton(AF_INET6, host + 1, addr) == 1 &&
                 memcmp(addr, one, sizeof one) == 0;
    }
  }
  curl_free(host);
  return loopback;
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
  return cap->send_once && cap->requests_started++ > 0 ? CURL_PREREQFUNC_ABORT
                                                       : CURL_PREREQFUNC_OK;
}

/* Rebuild the header lines behind the library's fixed ones: the user
 * agent, then the caller's; 0 or -1 (the old ones stay). The user agent is
 * a header line rather than CURLOPT_USERAGENT: libcurl formats that option
 * into a line of its own on every request, twice, byte by byte (6,000
 * instructions a call, 6% of a submit), a header line once. */
static int set_extra_headers(pri_transport *t, const char *user_agent,
                             const char *const *lines, size_t count) {
  struct curl_slist *extra = NULL;
  pri_buf agent = {0};
  if (user_agent &&
      (pri_buf_appendf(&agent, "User-Agent: %s", user_agent) != 0 ||
       !(extra = curl_slist_append(NULL, agent.data)))) {
    pri_buf_free(&agent);
    return -1;
  }
  pri_buf_free(&agent);
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

/* The options that only change with the configuration, and those that
 * point into the transfer, which does not move. */
static void apply_options(pri_transport *t, pri_transfer *x) {
  CURL *c = x->curl;
  curl_easy_reset(c); /* keeps the connection cache: keep-alive survives */
  x->timeout_set = x->connect_set = x->compressed_set = -1;
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &x->cap);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &x->cap);
  curl_easy_setopt(c, CURLOPT_PREREQDATA, &x->cap);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* safe in threaded programs */
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* the key stays home */
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (t->ca_file)
    curl_easy_setopt(c, CURLOPT_CAINFO, t->ca_file);
  if (t->ca_path)
    curl_easy_setopt(c, CURLOPT_CAPATH, t->ca_path);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->max_body_bytes);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_prerequest);
}

/* Replace *slot with a copy of @p value (NULL allowed); 0 or -1. */
static int copy_setting(char **slot, const char *value) {
  char *copy = value ? pri_strdup(value) : NULL;
  if (value && !copy)
    return -1;
  pri_free(*slot);
  *slot = copy;
  return 0;
}

int pri_transport_configure(pri_transport *t, const pri_transport_config *cfg) {
  char *file = NULL, *path = NULL;
  if (copy_setting(&file, cfg->ca_file) != 0 ||
      copy_setting(&path, cfg->ca_path) != 0 ||
      set_extra_headers(t, cfg->user_agent, cfg->extra_headers,
                        cfg->extra_count) != 0) {
    pri_free(file), pri_free(path);
    return -1;
  }
  pri_free(t->ca_file), pri_free(t->ca_path);
  t->ca_file = file, t->ca_path = path;
  t->connect_timeout_ms = cfg->connect_timeout_ms;
  t->max_body_bytes = cfg->max_body_bytes;
  for (pri_transfer *x = t->transfers; x; x = x->next_of_owner)
    apply_options(t, x);
  return 0;
}

pri_transfer *pri_transfer_new(pri_transport *t) {
  pri_transfer *x = pri_calloc(1, sizeof *x);
  if (!x || !(x->curl = curl_easy_init())) {
    pri_free(x);
    return NULL;
  }
  x->owner = t;
  apply_options(t, x);
  x->next_of_owner = t->transfers;
  t->transfers = x;
  return x;
}

void pri_transfer_free(pri_transfer *x) {
  if (!x)
    return;
  pri_transfer **link = &x->owner->transfers;
  while (*link != x)
    link = &(*link)->next_of_owner;
  *link = x->next_of_owner;
  if (x->running)
    curl_multi_remove_handle(x->owner->multi, x->curl);
  pri_free(x->cap.retry_after);
  pri_free(x->cap.retry_after_ms);
  curl_easy_cleanup(x->curl);
  pri_free(x);
}

pri_transport *pri_transport_new(const char *api_key, pri_cancel *cancel) {
  pthread_once(&curl_once, init_curl);
  if (curl_init_result != CURLE_OK)
    return NULL;
  pri_transport *t = pri_calloc(1, sizeof *t);
  if (!t)
    return NULL;
  t->cancel = cancel;
  t->multi = curl_multi_init();
  pri_buf key_header = {0};
  if (t->multi &&
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
  for (struct curl_slist *h = t->headers; h; h = h->next)
    t->fixed_count++;
  if (!t->multi || !t->headers || !(t->main = pri_transfer_new(t))) {
    pri_transport_free(t);
    return NULL;
  }
  return t;
}

void pri_transport_free(pri_transport *transport) {
  if (!transport)
    return;
  while (transport->transfers)
    pri_transfer_free(transport->transfers);
  curl_multi_cleanup(transport->multi);
  wipe_headers(transport->headers);
  pri_free(transport->ca_file);
  pri_free(transport->ca_path);
  pri_free(transport);
}

int pri_transfer_start(pri_transfer *x, const pri_http_request *req,
                       pri_http_response *resp) {
  pri_transport *t = x->owner;
  response_reset(resp);
  pri_free(x->cap.retry_after);
  pri_free(x->cap.retry_after_ms);
  x->cap = (capture){
      .resp = resp, .max_body = t->max_body_bytes, .send_once = req->send_once};
  x->errbuf[0] = '\0';
  x->finished = 0;
  CURL *c = x->curl;
  /* Only what differs per call is set per call. */
  long timeout = req->timeout_ms > LONG_MAX ? LONG_MAX : (long)req->timeout_ms;
  long connect = t->connect_timeout_ms < timeout || timeout == 0
                     ? (long)t->connect_timeout_ms
                     : timeout;
  curl_easy_setopt(c, CURLOPT_URL, req->url);
  /* Loopback never goes through a proxy: a proxy is another host, and over
   * plain http it would read the key. */
  curl_easy_setopt(c, CURLOPT_NOPROXY,
                   pri_transport_url_is_loopback(req->url) ? "*" : NULL);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
  if (timeout != x->timeout_set)
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, x->timeout_set = timeout);
  if (connect != x->connect_set)
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, x->connect_set = connect);
  if (req->compressed != x->compressed_set) {
    x->compressed_set = req->compressed;
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, req->compressed ? "" : NULL);
  }
  if (curl_multi_add_handle(t->multi, c) != CURLM_OK)
    return -1;
  x->running = 1;
  return 0;
}

/* The transfer has ended (or was cut): make its response complete. */
static void finish_transfer(pri_transfer *x, CURLcode code, int cancelled) {
  CURL *c = x->curl;
  capture *cap = &x->cap;
  pri_http_response *resp = cap->resp;
  curl_multi_remove_handle(x->owner->multi, c); /* a cut one's connection
                                                   closes */
  x->running = 0;
  x->finished = 1;
  long request_size = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &resp->new_connections);
  resp->kind = cancelled ? PRI_NET_CANCELLED : classify(code, cap);
  if (resp->kind != PRI_NET_OK) /* an answer says by itself it was sent */
    curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &request_size);
  if (resp->kind == PRI_NET_OK && (cap->retry_after || cap->retry_after_ms))
    resp->retry_after_ms = pri_transport_retry_after_ms(
        cap->retry_after, cap->retry_after_ms, time(NULL));
  /* A second request refused by on_prerequest: the first one went out. */
  int resend_refused = cap->requests_started > 1;
  resp->request_sent =
      resp->kind == PRI_NET_OK || request_size > 0 || resend_refused;
  if (resend_refused)
    snprintf(resp->error_text, sizeof resp->error_text, "%s",
             "the connection closed after the request was sent, without "
             "an answer; it was not sent again");
  else if (header_overflow(code, cap))
    snprintf(resp->error_text, sizeof resp->error_text, "%s",
             "the response headers could not be read (a header is too "
             "large, over libcurl's 100 KB, or memory ran out)");
  else if (resp->kind == PRI_NET_CANCELLED)
    snprintf(resp->error_text, sizeof resp->error_text, "%s", "cancelled");
  else if (resp->kind != PRI_NET_OK)
    snprintf(resp->error_text, sizeof resp->error_text, "%s",
             x->errbuf[0] ? x->errbuf : curl_easy_strerror(code));
  if (!resp->body.data)
    pri_buf_append(&resp->body, "", 0);
}

static pri_transfer *take_finished(pri_transport *t) {
  for (pri_transfer *x = t->transfers; x; x = x->next_of_owner)
    if (x->finished) {
      x->finished = 0;
      return x;
    }
  return NULL;
}

void pri_transfer_expire(pri_transfer *x) {
  if (x->running)
    finish_transfer(x, CURLE_OPERATION_TIMEDOUT, 0);
}

void pri_transfer_cut(pri_transfer *x) {
  if (x->running)
    finish_transfer(x, CURLE_ABORTED_BY_CALLBACK, 1);
}

int pri_transport_cut(pri_transport *t) {
  int any = 0;
  for (pri_transfer *x = t->transfers; x; x = x->next_of_owner) {
    any |= x->running;
    pri_transfer_cut(x);
  }
  return any;
}

pri_transfer *pri_transport_run(pri_transport *t, int64_t timeout_ms,
                                int cut_on_cancel) {
  int64_t start = pri_clock_monotonic_ms();
  struct curl_waitfd wake = {.fd = pri_cancel_fd(t->cancel),
                             .events = CURL_WAIT_POLLIN};
  for (;;) {
    pri_transfer *done = take_finished(t);
    if (done)
      return done;
    if (pri_cancel_requested(t->cancel)) {
      if (cut_on_cancel && pri_transport_cut(t))
        continue;
      return NULL;
    }
    int running = 0;
    for (pri_transfer *x = t->transfers; x; x = x->next_of_owner)
      running |= x->running;
    if (!running && timeout_ms < 0)
      return NULL; /* nothing would ever end */
    CURLMcode mc = curl_multi_perform(t->multi, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(t->multi, &left))) {
      /* Copied out first: a message may not survive removing its handle. */
      CURL *easy = msg->easy_handle;
      CURLcode result = msg->data.result;
      if (msg->msg != CURLMSG_DONE)
        continue;
      for (pri_transfer *x = t->transfers; x; x = x->next_of_owner)
        if (easy == x->curl && x->running) {
          finish_transfer(x, result, 0);
          break;
        }
    }
    if (mc != CURLM_OK) /* the multi handle itself failed: end them all */
      for (pri_transfer *x = t->transfers; x; x = x->next_of_owner)
        if (x->running)
          finish_transfer(x,
                          mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY
                                                    : CURLE_FAILED_INIT,
                          0);
    if ((done = take_finished(t)))
      return done;
    int64_t left_ms =
        timeout_ms < 0 ? 1000 : timeout_ms - (pri_clock_monotonic_ms() - start);
    if (left_ms <= 0)
      return NULL;
    curl_multi_poll(t->multi, &wake, 1, left_ms < 1000 ? (int)left_ms : 1000,
                    NULL);
  }
}

pri_net_kind pri_transport_post(pri_transport *t, const pri_http_request *req,
                                pri_http_response *resp) {
  if (pri_transfer_start(t->main, req, resp) != 0) {
    resp->kind = PRI_NET_NO_MEMORY;
    snprintf(resp->error_text, sizeof resp->error_text, "%s",
             "the transfer could not start");
    return resp->kind;
  }
  while (pri_transport_run(t, -1, 1) != t->main) {
  }
  return resp->kind;
}
