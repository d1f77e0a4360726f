/* HTTP plumbing of the fake server: listening, recording, scripted faults,
 * rate limiting. The API's behaviour itself is in fake_api.c. */
#include "fake_server.h"

#include "fake_api.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct scripted {
  fake_reply reply; /* strings owned */
  int left;
} scripted;

struct fake_server {
  struct MHD_Daemon *daemon;
  fake_server_options options;
  char *prefix;
  char url[128];
  uint16_t port;
  pthread_mutex_t lock;
  pthread_cond_t stopping_cond;
  int stopping;
  fake_api *api;
  fake_request *requests;
  size_t request_count;
  scripted *script;
  size_t script_count;
  int64_t window_start;
  int window_count;
  size_t rate_limited; /* 429s from the window, for benchmarks */
  int64_t started_ms;  /* quota windows are aligned here */
  int64_t quota_window[FAKE_MAX_QUOTAS]; /* index of the current window */
  int64_t quota_used[FAKE_MAX_QUOTAS];   /* requests counted in it */
  size_t quota_refused;
  int in_flight; /* API requests being answered now */
  int max_in_flight;
  unsigned long next_request_id;
};

static char *copy(const char *s) { return s ? strdup(s) : NULL; }

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep that ends early when the server stops, so stop never hangs. */
static void interruptible_sleep(fake_server *s, int delay_ms) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += delay_ms / 1000;
  until.tv_nsec += (long)(delay_ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&s->lock);
  while (!s->stopping && pthread_cond_timedwait(&s->stopping_cond, &s->lock,
                                                &until) != ETIMEDOUT) {
  }
  pthread_mutex_unlock(&s->lock);
}

void fake_request_clear(fake_request *r) {
  free(r->method);
  free(r->path);
  free(r->api_key);
  free(r->content_type);
  free(r->accept);
  free(r->user_agent);
  free(r->prefer);
  free(r->body);
  memset(r, 0, sizeof *r);
}

static void free_reply_strings(fake_reply *r) {
  free((char *)r->path);
  free((char *)r->body);
  free((char *)r->content_type);
  free((char *)r->header_name);
  free((char *)r->header_value);
}

void fake_server_push_reply(fake_server *s, const fake_reply *reply) {
  pthread_mutex_lock(&s->lock);
  scripted *grown =
      realloc(s->script, (s->script_count + 1) * sizeof *s->script);
  if (grown) {
    s->script = grown;
    scripted *e = &s->script[s->script_count++];
    e->reply = *reply;
    e->reply.path = copy(reply->path);
    e->reply.body = copy(reply->body);
    e->reply.content_type = copy(reply->content_type);
    e->reply.header_name = copy(reply->header_name);
    e->reply.header_value = copy(reply->header_value);
    e->left = reply->times > 0 ? reply->times : 1;
  }
  pthread_mutex_unlock(&s->lock);
}

/* Take the first scripted reply for @p path, or return 0. Caller owns *out's
 * strings. Must hold the lock. */
static int take_script(fake_server *s, const char *path, fake_reply *out) {
  for (size_t i = 0; i < s->script_count; i++) {
    scripted *e = &s->script[i];
    if (e->reply.path && strcmp(e->reply.path, path) != 0)
      continue;
    *out = e->reply;
    out->path = copy(e->reply.path);
    out->body = copy(e->reply.body);
    out->content_type = copy(e->reply.content_type);
    out->header_name = copy(e->reply.header_name);
    out->header_value = copy(e->reply.header_value);
    if (--e->left == 0) {
      free_reply_strings(&e->reply);
      memmove(e, e + 1, (s->script_count - i - 1) * sizeof *e);
      s->script_count--;
    }
    return 1;
  }
  return 0;
}

size_t fake_server_request_count(fake_server *s, const char *path) {
  pthread_mutex_lock(&s->lock);
  size_t n = 0;
  for (size_t i = 0; i < s->request_count; i++)
    n += !path || strcmp(s->requests[i].path, path) == 0;
  pthread_mutex_unlock(&s->lock);
  return n;
}

int fake_server_max_concurrent(fake_server *s) {
  pthread_mutex_lock(&s->lock);
  int n = s->max_in_flight;
  pthread_mutex_unlock(&s->lock);
  return n;
}

void fake_server_people_stats(fake_server *s, size_t *submitted,
                              int *max_repeat) {
  pthread_mutex_lock(&s->lock);
  fake_api_people_stats(s->api, submitted, max_repeat);
  pthread_mutex_unlock(&s->lock);
}

int fake_server_request(fake_server *s, size_t index, fake_request *out) {
  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&s->lock);
  int rc = -1;
  if (index < s->request_count) {
    const fake_request *r = &s->requests[index];
    out->method = copy(r->method);
    out->path = copy(r->path);
    out->api_key = copy(r->api_key);
    out->content_type = copy(r->content_type);
    out->accept = copy(r->accept);
    out->user_agent = copy(r->user_agent);
    out->prefer = copy(r->prefer);
    out->body = copy(r->body);
    rc = 0;
  }
  pthread_mutex_unlock(&s->lock);
  return rc;
}

/* ---- responses ---------------------------------------------------------- */

typedef struct stream {
  char *head; /* sent first */
  size_t head_len;
  size_t total;    /* bytes to produce in all */
  int close_early; /* stop with an error after head */
} stream;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
  stream *st = cls;
  if (pos >= st->head_len && st->close_early)
    return MHD_CONTENT_READER_END_WITH_ERROR;
  if (pos >= st->total)
    return MHD_CONTENT_READER_END_OF_STREAM;
  size_t end = st->close_early ? st->head_len : st->total;
  size_t n = 0;
  while (n < max && pos + n < end) {
    uint64_t p = pos + n;
    buf[n++] = p < st->head_len ? st->head[p] : 'x';
  }
  return (ssize_t)n;
}

static void stream_free(void *cls) {
  stream *st = cls;
  free(st->head);
  free(st);
}

static struct MHD_Response *faulty_response(const fake_reply *r) {
  stream *st = calloc(1, sizeof *st);
  const char *head = r->fault == FAKE_FAULT_HUGE_BODY ? "{\"data\":\""
                     : r->body                        ? r->body
                                                      : "{\"data\":";
  st->head = strdup(head);
  st->head_len = strlen(head);
  if (r->fault == FAKE_FAULT_HUGE_BODY) {
    st->total = r->huge_bytes;
    /* Unknown size (chunked): the client cannot refuse it up front. */
    return MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
                                             stream_read, st, stream_free);
  }
  st->total = st->head_len * 2 + 16;
  st->close_early = 1;
  return MHD_create_response_from_callback(st->total, 1024, stream_read, st,
                                           stream_free);
}

static enum MHD_Result send_reply(fake_server *s, struct MHD_Connection *conn,
                                  const fake_reply *r) {
  if (r->delay_ms > 0)
    interruptible_sleep(s, r->delay_ms);
  struct MHD_Response *resp;
  if (r->fault != FAKE_FAULT_NONE) {
    resp = faulty_response(r);
  } else {
    const char *body = r->body ? r->body : "";
    resp = MHD_create_response_from_buffer(strlen(body), (void *)body,
                                           MHD_RESPMEM_MUST_COPY);
  }
  if (!resp)
    return MHD_NO;
  MHD_add_response_header(resp, "Content-Type",
                          r->content_type ? r->content_type
                                          : "application/json");
  char id[32];
  pthread_mutex_lock(&s->lock);
  snprintf(id, sizeof id, "req-%lu", ++s->next_request_id);
  pthread_mutex_unlock(&s->lock);
  MHD_add_response_header(resp, "x-request-id", id);
  if (r->header_name && r->header_value)
    MHD_add_response_header(resp, r->header_name, r->header_value);
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static enum MHD_Result send_json(fake_server *s, struct MHD_Connection *conn,
                                 int status, char *body, const char *hname,
                                 const char *hvalue) {
  fake_reply r = {0};
  r.status = status;
  r.body = body;
  r.header_name = hname;
  r.header_value = hvalue;
  enum MHD_Result ret = send_reply(s, conn, &r);
  free(body);
  return ret;
}

/* ---- request handling -----------------------------------------------------
 */

typedef struct upload {
  char *data;
  size_t len;
} upload;

static void record(fake_server *s, struct MHD_Connection *conn,
                   const char *method, const char *path, const upload *up) {
  fake_request r = {0};
  r.method = copy(method);
  r.path = copy(path);
  r.api_key = copy(
      MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "pubrio-api-key"));
  r.content_type =
      copy(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type"));
  r.accept = copy(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept"));
  r.user_agent =
      copy(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "User-Agent"));
  r.prefer = copy(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Prefer"));
  r.body = up->data ? strndup(up->data, up->len) : strdup("");
  pthread_mutex_lock(&s->lock);
  fake_request *grown =
      realloc(s->requests, (s->request_count + 1) * sizeof *grown);
  if (grown) {
    s->requests = grown;
    s->requests[s->request_count++] = r;
  } else {
    fake_request_clear(&r);
  }
  pthread_mutex_unlock(&s->lock);
}

/* Fixed window of a minute, like the published limit; returns the seconds
 * to the next window when over, else 0. Must hold the lock. */
static int over_rate_limit(fake_server *s) {
  int limit = s->options.rate_limit_per_minute;
  if (limit <= 0)
    return 0;
  int64_t now = now_ms();
  if (now - s->window_start >= 60000) {
    s->window_start = now - (now - s->window_start) % 60000;
    s->window_count = 0;
  }
  if (s->window_count >= limit) {
    s->rate_limited++;
    return (int)((s->window_start + 60000 - now + 999) / 1000);
  }
  s->window_count++;
  return 0;
}

/* The account calls: counted like any request, but never refused, so a
 * client can always read where it stands. */
static int is_account_path(const char *path) {
  return strcmp(path, "/profile") == 0 || strcmp(path, "/profile/usage") == 0;
}

/* Move each quota to the window that holds @p now. Must hold the lock. */
static void roll_quotas(fake_server *s, int64_t now) {
  for (int i = 0; i < FAKE_MAX_QUOTAS; i++) {
    const fake_quota *q = &s->options.quotas[i];
    if (q->limit <= 0)
      continue;
    int64_t index = (now - s->started_ms) / q->window_ms;
    if (index != s->quota_window[i]) {
      s->quota_window[i] = index;
      s->quota_used[i] = 0;
    }
  }
}

/* Whether the request is refused: a quota window is used up (then nothing
 * is counted) and it is not an account call. Otherwise it counts in every
 * window that has room. Must hold the lock. */
static int over_quota(fake_server *s, const char *path) {
  roll_quotas(s, now_ms());
  for (int i = 0; i < FAKE_MAX_QUOTAS; i++) {
    if (s->options.quotas[i].limit > 0 &&
        s->quota_used[i] >= s->options.quotas[i].limit) {
      if (is_account_path(path))
        return 0;
      s->quota_refused++;
      return 1;
    }
  }
  for (int i = 0; i < FAKE_MAX_QUOTAS; i++)
    s->quota_used[i]++;
  return 0;
}

/* Which usage slot a window is reported in: 0 hourly, 1 daily, 2 monthly. */
static int usage_slot(int64_t window_ms) {
  return window_ms <= 3600000 ? 0 : window_ms <= 86400000 ? 1 : 2;
}

/* What POST /profile/usage reports now (the first quota of each slot).
 * Must hold the lock. */
static fake_usage usage_now(fake_server *s) {
  fake_usage u = {{0, 0, 0}, {0, 0, 0}};
  roll_quotas(s, now_ms());
  for (int i = 0; i < FAKE_MAX_QUOTAS; i++) {
    const fake_quota *q = &s->options.quotas[i];
    int slot = usage_slot(q->window_ms);
    if (q->limit <= 0 || u.allowed[slot])
      continue;
    u.allowed[slot] = q->limit;
    u.used[slot] = s->quota_used[i];
  }
  return u;
}

/* POST /_fake/reply {"path","status","body","content_type","header_name",
 * "header_value","delay_ms","times","fault","huge_bytes"}: script a reply from
 * another process. */
static int control_reply(fake_server *s, const upload *up) {
  cJSON *root = cJSON_ParseWithLength(up->data ? up->data : "", up->len);
  if (!cJSON_IsObject(root)) {
    cJSON_Delete(root);
    return 400;
  }
  fake_reply r = {0};
  const cJSON *v;
#define STR(name)                                                              \
  v = cJSON_GetObjectItemCaseSensitive(root, #name);                           \
  r.name = cJSON_IsString(v) ? v->valuestring : NULL
#define NUM(name)                                                              \
  v = cJSON_GetObjectItemCaseSensitive(root, #name);                           \
  r.name = cJSON_IsNumber(v) ? v->valueint : 0
  STR(path);
  STR(body);
  STR(content_type);
  STR(header_name);
  STR(header_value);
  NUM(status);
  NUM(delay_ms);
  NUM(times);
  NUM(fault);
  v = cJSON_GetObjectItemCaseSensitive(root, "huge_bytes");
  r.huge_bytes = cJSON_IsNumber(v) ? (size_t)v->valuedouble : 0;
#undef STR
#undef NUM
  fake_server_push_reply(s, &r);
  cJSON_Delete(root);
  return 204;
}

/* GET /_fake/stats: what the server saw, for tests in other processes. */
static char *stats_json(fake_server *s) {
  cJSON *root = cJSON_CreateObject();
  cJSON *counts = cJSON_AddObjectToObject(root, "requests");
  pthread_mutex_lock(&s->lock);
  const char *last_submit = NULL;
  for (size_t i = 0; i < s->request_count; i++) {
    const char *path = s->requests[i].path;
    cJSON *n = cJSON_GetObjectItemCaseSensitive(counts, path);
    if (n)
      cJSON_SetNumberValue(n, n->valuedouble + 1);
    else
      cJSON_AddNumberToObject(counts, path, 1);
    if (strcmp(path, "/redeem/people/batch") == 0)
      last_submit = s->requests[i].body;
  }
  size_t submitted;
  int max_repeat;
  fake_api_people_stats(s->api, &submitted, &max_repeat);
  cJSON_AddNumberToObject(root, "total", (double)s->request_count);
  cJSON_AddNumberToObject(root, "rate_limited", (double)s->rate_limited);
  cJSON_AddNumberToObject(root, "quota_refused", (double)s->quota_refused);
  cJSON_AddNumberToObject(root, "credit", (double)fake_api_credit(s->api));
  cJSON_AddNumberToObject(root, "people_submitted", (double)submitted);
  cJSON_AddNumberToObject(root, "max_submits_per_person", max_repeat);
  cJSON_AddNumberToObject(root, "max_concurrent", s->max_in_flight);
  if (last_submit)
    cJSON_AddStringToObject(root, "last_submit_body", last_submit);
  pthread_mutex_unlock(&s->lock);
  char *text = cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  return text;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
                              const char *url, const char *method,
                              const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls) {
  (void)version;
  fake_server *s = cls;
  upload *up = *con_cls;
  if (!up) { /* first call: headers only */
    *con_cls = calloc(1, sizeof(upload));
    return *con_cls ? MHD_YES : MHD_NO;
  }
  if (*upload_data_size) {
    char *grown = realloc(up->data, up->len + *upload_data_size + 1);
    if (!grown)
      return MHD_NO;
    memcpy(grown + up->len, upload_data, *upload_data_size);
    up->data = grown;
    up->len += *upload_data_size;
    up->data[up->len] = '\0';
    *upload_data_size = 0;
    return MHD_YES;
  }

  size_t plen = s->prefix ? strlen(s->prefix) : 0;
  if (plen && strncmp(url, s->prefix, plen) != 0)
    return send_json(s, conn, 404, strdup("{\"error\":\"not found\"}"), NULL,
                     NULL);
  const char *path = url + plen;
  if (strcmp(path, "/_fake/reply") == 0)
    return send_json(s, conn, control_reply(s, up), strdup(""), NULL, NULL);
  if (strcmp(path, "/_fake/stats") == 0)
    return send_json(s, conn, 200, stats_json(s), NULL, NULL);
  record(s, conn, method, path, up);

  fake_reply scripted_reply;
  pthread_mutex_lock(&s->lock);
  int have_script = take_script(s, path, &scripted_reply);
  int wait_s = have_script ? 0 : over_rate_limit(s);
  int quota_exceeded = have_script || wait_s ? 0 : over_quota(s, path);
  pthread_mutex_unlock(&s->lock);
  if (have_script && scripted_reply.fault == FAKE_FAULT_PROCESS_THEN_CLOSE) {
    char *ignored = NULL;
    pthread_mutex_lock(&s->lock);
    fake_api_handle(s->api, path, up->data ? up->data : "", up->len, now_ms(),
                    &ignored);
    pthread_mutex_unlock(&s->lock);
    free(ignored);
    free_reply_strings(&scripted_reply);
    return MHD_NO; /* libmicrohttpd closes the connection, no answer */
  }
  if (have_script) {
    enum MHD_Result ret = send_reply(s, conn, &scripted_reply);
    free_reply_strings(&scripted_reply);
    return ret;
  }
  if (wait_s > 0) {
    char seconds[16];
    snprintf(seconds, sizeof seconds, "%d", wait_s);
    return send_json(
        s, conn, 429,
        strdup("{\"error\":\"Request rate limit exceeded. Please wait and "
               "try again later.\"}"),
        "Retry-After", seconds);
  }
  if (quota_exceeded) /* the real API documents no Retry-After */
    return send_json(
        s, conn, 429,
        strdup("{\"error\":\"API request quota exceeded for the current "
               "window.\"}"),
        NULL, NULL);
  if (strcmp(method, "POST") != 0)
    return send_json(s, conn, 405, strdup("{\"error\":\"method not allowed\"}"),
                     NULL, NULL);
  const char *key =
      MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "pubrio-api-key");
  if (!key || strcmp(key, s->options.api_key) != 0)
    return send_json(s, conn, 401, strdup("{\"error\":\"Invalid API key\"}"),
                     NULL, NULL);
  const char *ctype =
      MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
  if (!ctype || strncmp(ctype, "application/json", 16) != 0)
    return send_json(s, conn, 400,
                     fake_api_error_body(40000,
                                         "Content-Type must be "
                                         "application/json",
                                         "Content-Type"),
                     NULL, NULL);
  char *body = NULL;
  pthread_mutex_lock(&s->lock);
  if (++s->in_flight > s->max_in_flight)
    s->max_in_flight = s->in_flight;
  pthread_mutex_unlock(&s->lock);
  if (s->options.latency_ms > 0)
    interruptible_sleep(s, s->options.latency_ms);
  pthread_mutex_lock(&s->lock);
  if (strcmp(path, "/profile/usage") == 0) {
    fake_usage usage = usage_now(s);
    fake_api_set_usage(s->api, &usage);
  }
  int status = fake_api_handle(s->api, path, up->data ? up->data : "", up->len,
                               now_ms(), &body);
  s->in_flight--;
  pthread_mutex_unlock(&s->lock);
  return send_json(s, conn, status, body ? body : strdup(""), NULL, NULL);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)conn;
  (void)toe;
  upload *up = *con_cls;
  if (up) {
    free(up->data);
    free(up);
    *con_cls = NULL;
  }
}

fake_server *fake_server_start(const fake_server_options *options) {
  fake_server *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  fake_server_options defaults = FAKE_SERVER_DEFAULTS;
  s->options = options ? *options : defaults;
  if (!s->options.api_key)
    s->options.api_key = "test-key";
  s->options.api_key = strdup(s->options.api_key);
  s->prefix = copy(s->options.prefix);
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->stopping_cond, NULL);
  s->api =
      fake_api_new(s->options.complete_after_polls,
                   s->options.complete_after_ms, s->options.estimated_time);
  s->window_start = s->started_ms = now_ms();
  for (int i = 0; i < FAKE_MAX_QUOTAS; i++)
    if (s->options.quotas[i].limit > 0 && s->options.quotas[i].window_ms <= 0)
      s->options.quotas[i].limit = 0; /* a window needs a length */
  if (s->api) {
    fake_plan plan = {
        .email_price = s->options.email_price ? s->options.email_price : 1,
        .phone_price = s->options.phone_price ? s->options.phone_price : 1,
        .credit = s->options.credit == FAKE_CREDIT_NONE ? 0
                  : s->options.credit                   ? s->options.credit
                                                        : 1000000000,
        .name = s->options.plan_name};
    for (int i = FAKE_MAX_QUOTAS - 1; i >= 0; i--) { /* the first wins */
      const fake_quota *q = &s->options.quotas[i];
      if (q->limit <= 0)
        continue;
      int64_t *slot[3] = {&plan.max_hourly, &plan.max_daily, &plan.max_monthly};
      *slot[usage_slot(q->window_ms)] = q->limit;
    }
    fake_api_set_plan(s->api, &plan);
  }

  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(s->options.port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* never leaves the host */
  int tls = s->options.tls_cert_pem && s->options.tls_key_pem;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
                   MHD_USE_THREAD_PER_CONNECTION | (tls ? MHD_USE_TLS : 0);
  if (tls)
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_HTTPS_MEM_KEY,
        s->options.tls_key_pem, MHD_OPTION_HTTPS_MEM_CERT,
        s->options.tls_cert_pem, MHD_OPTION_END);
  else
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_END);
  if (!s->daemon || !s->api) {
    fprintf(stderr, "fake server: could not start on 127.0.0.1:%u\n",
            s->options.port);
    fake_server_stop(s);
    return NULL;
  }
  const union MHD_DaemonInfo *info =
      MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : 0;
  snprintf(s->url, sizeof s->url, "%s://127.0.0.1:%u%s", tls ? "https" : "http",
           s->port, s->prefix ? s->prefix : "");
  return s;
}

void fake_server_stop(fake_server *s) {
  if (!s)
    return;
  pthread_mutex_lock(&s->lock);
  s->stopping = 1;
  pthread_cond_broadcast(&s->stopping_cond);
  pthread_mutex_unlock(&s->lock);
  if (s->daemon)
    MHD_stop_daemon(s->daemon);
  for (size_t i = 0; i < s->request_count; i++)
    fake_request_clear(&s->requests[i]);
  free(s->requests);
  for (size_t i = 0; i < s->script_count; i++)
    free_reply_strings(&s->script[i].reply);
  free(s->script);
  fake_api_free(s->api);
  free((char *)s->options.api_key);
  free(s->prefix);
  pthread_cond_destroy(&s->stopping_cond);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

size_t fake_server_quota_refused(fake_server *s) {
  pthread_mutex_lock(&s->lock);
  size_t n = s->quota_refused;
  pthread_mutex_unlock(&s->lock);
  return n;
}

int64_t fake_server_credit(fake_server *s) {
  pthread_mutex_lock(&s->lock);
  int64_t n = fake_api_credit(s->api);
  pthread_mutex_unlock(&s->lock);
  return n;
}

const char *fake_server_url(const fake_server *s) { return s->url; }
uint16_t fake_server_port(const fake_server *s) { return s->port; }
