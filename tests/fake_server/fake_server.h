/* A fake Pubrio API on libmicrohttpd, for tests, the demo and other
 * languages' tests. It listens on 127.0.0.1 only, checks requests against the
 * contract like the real API, records them, and can be scripted to fail. */
#ifndef PUBRIO_FAKE_SERVER_H
#define PUBRIO_FAKE_SERVER_H

#include <stddef.h>
#include <stdint.h>

#define FAKE_MAX_QUOTAS 4
#define FAKE_CREDIT_NONE (-1)

/* At most `limit` requests in each fixed window of `window_ms`. */
typedef struct fake_quota {
  int64_t limit; /* 0: unused */
  int64_t window_ms;
} fake_quota;

typedef struct fake_server_options {
  const char *api_key;       /* expected key; NULL: "test-key" */
  uint16_t port;             /* 0: any free port */
  const char *prefix;        /* path prefix, e.g. "/gateway"; NULL: none */
  int complete_after_polls;  /* queries before a batch completes; 0: first */
  int64_t complete_after_ms; /* and time since submit; 0: none */
  int estimated_time;        /* seconds announced on submit */
  int rate_limit_per_minute; /* fixed window; 0: unlimited */
  const char *tls_cert_pem;  /* both set: HTTPS */
  const char *tls_key_pem;
  int latency_ms; /* every API answer waits this long (a real API's) */
  /* The plan. Zero means the default, so initializers written before
   * these fields existed keep their meaning. */
  int64_t email_price; /* credits per email returned; 0: 1 */
  int64_t phone_price; /* credits per phone returned; 0: 1 */
  int64_t credit;      /* starting balance; 0: 1,000,000,000 (no test runs
                          out); FAKE_CREDIT_NONE: an empty balance */
  /* Request quotas: fixed windows aligned at server start, counting every
   * API request while there is room; past one, a 429 with {"error"} and NO
   * Retry-After, as the real API documents, except for the account calls,
   * which are never refused so a client can always read them. POST
   * /profile/usage reports them by length: up to an hour as the hourly
   * quota, up to a day as the daily, longer as the monthly (a 10 s window
   * shows as "hourly"). limit 0: unused. */
  fake_quota quotas[FAKE_MAX_QUOTAS];
  const char *plan_name; /* NULL: "Fake Business" */
} fake_server_options;

#define FAKE_SERVER_DEFAULTS                                                   \
  { NULL, 0, NULL, 0, 0, 2, 0, NULL, NULL, 0, 0, 0, 0, {{0, 0}}, NULL }

typedef struct fake_server fake_server;

/* NULL on failure (reason on stderr). */
fake_server *fake_server_start(const fake_server_options *options);
void fake_server_stop(fake_server *server);
/* "http://127.0.0.1:PORT" plus the prefix; lives as long as the server. */
const char *fake_server_url(const fake_server *server);
uint16_t fake_server_port(const fake_server *server);

typedef enum fake_fault {
  FAKE_FAULT_NONE = 0,
  FAKE_FAULT_CLOSE_MID_BODY,    /* announce a length, send half, close */
  FAKE_FAULT_HUGE_BODY,         /* stream huge_bytes of JSON-ish filler */
  FAKE_FAULT_PROCESS_THEN_CLOSE /* act on the request as the API would (a
                                   submit is charged), then close the
                                   connection without answering */
} fake_fault;

/* A scripted answer, used instead of the normal one for the next `times`
 * requests to `path` (NULL: any). Strings are copied. */
typedef struct fake_reply {
  const char *path; /* "/redeem/people/batch" or ".../query" */
  int status;
  const char *body;         /* NULL: empty */
  const char *content_type; /* NULL: application/json */
  const char *header_name;  /* one extra header, e.g. "Retry-After" */
  const char *header_value;
  int delay_ms; /* wait before answering */
  fake_fault fault;
  size_t huge_bytes;
  int times; /* 0 counts as 1 */
} fake_reply;

void fake_server_push_reply(fake_server *server, const fake_reply *reply);

/* One recorded request; strings are copies the caller releases with
 * fake_request_clear(). */
typedef struct fake_request {
  char *method;
  char *path;
  char *api_key; /* NULL when the header was missing */
  char *content_type;
  char *accept;
  char *user_agent;
  char *prefer; /* the Prefer header, to check caller-set headers */
  char *body;
} fake_request;

size_t fake_server_request_count(fake_server *server, const char *path);
/* Requests refused with a 429 by a quota window. */
size_t fake_server_quota_refused(fake_server *server);
/* The balance left. */
int64_t fake_server_credit(fake_server *server);
/* The most API requests the server was answering at once. */
int fake_server_max_concurrent(fake_server *server);
/* People submitted in all (batches and single redeems, by the id a URL
 * resolved to), and the most times one person was submitted. */
void fake_server_people_stats(fake_server *server, size_t *submitted,
                              int *max_repeat);
/* Copy request @p index (in arrival order); 0, or -1 when out of range. */
int fake_server_request(fake_server *server, size_t index, fake_request *out);
void fake_request_clear(fake_request *request);

#endif
