/* Client lifecycle and configuration. */
#include "client.h"
#include "alloc.h"

#include "buf.h"
#include "error.h"
#include "growth.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_BASE_URL "https://api.pubrio.com"

const char *pubrio_version(void) { return PUBRIO_VERSION; }

static int has_control_chars(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f)
      return 1;
  return 0;
}

/* The one channel from the client's settings into the transport. */
static pubrio_status push_config(pubrio_client *c, pubrio_error *err) {
  pri_transport_config cfg = {.user_agent = c->user_agent,
                              .connect_timeout_ms = c->connect_timeout_ms,
                              .max_body_bytes = c->max_response_bytes,
                              .ca_file = c->ca_file,
                              .ca_path = c->ca_path,
                              .extra_headers =
                                  (const char *const *)c->extra_headers,
                              .extra_count = c->extra_count};
  if (pri_transport_configure(c->transport, &cfg) != 0)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  return PUBRIO_OK;
}

pubrio_status pubrio_client_new(pubrio_client **out, const char *api_key,
                                pubrio_error *err) {
  if (!out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "out is NULL");
  *out = NULL;
  if (!api_key)
    api_key = getenv("PUBRIO_API_KEY");
  if (!api_key || !*api_key)
    return pri_error_set(err, PUBRIO_E_NO_API_KEY,
                         "give one, or set PUBRIO_API_KEY");
  /* A newline would let the key inject headers; say so without echoing it. */
  if (has_control_chars(api_key))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "the API key contains control characters");
  pubrio_client *c = pri_calloc(1, sizeof *c);
  if (!c)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  c->connect_timeout_ms = 10000;
  c->total_timeout_ms = 60000;
  c->max_response_bytes = 8u << 20;
  c->retry = (pri_retry_policy)PRI_RETRY_DEFAULTS;
  c->log_level = PUBRIO_LOG_INFO;
  int have_pipe = pri_cancel_init(&c->cancel) == 0;
  pri_clock_init_default(&c->clock, &c->cancel);
  c->api_key = pri_strdup(api_key);
  c->user_agent = pri_strdup("libpubrio/" PUBRIO_VERSION);
  c->transport = c->api_key && have_pipe
                     ? pri_transport_new(c->api_key, &c->cancel)
                     : NULL;
  if (!c->api_key || !c->user_agent || !c->transport) {
    pubrio_client_free(c);
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY,
                         "out of memory (or libcurl or a pipe failed to "
                         "start)");
  }
  const char *insecure = getenv("PUBRIO_ALLOW_INSECURE_HTTP");
  c->allow_insecure_http = insecure && strcmp(insecure, "1") == 0;
  const char *env_url = getenv("PUBRIO_BASE_URL");
  pubrio_status st = push_config(c, err);
  if (st == PUBRIO_OK)
    st = pubrio_client_set_base_url(
        c, env_url && *env_url ? env_url : DEFAULT_BASE_URL, err);
  if (st != PUBRIO_OK) {
    pubrio_client_free(c);
    return st;
  }
  *out = c;
  return PUBRIO_OK;
}

void pubrio_client_free(pubrio_client *client) {
  if (!client)
    return;
  pri_transport_free(client->transport);
  pri_cancel_close(&client->cancel);
  pri_free_secret(client->api_key);
  pri_free(client->base_url);
  pri_free(client->user_agent);
  pri_free(client->ca_file);
  pri_free(client->ca_path);
  pri_pacer_free(&client->pacer);
  for (size_t i = 0; i < client->extra_count; i++)
    pri_free(client->extra_headers[i]);
  pri_free(client->extra_headers);
  pri_free(client);
}

pubrio_status pubrio_client_set_base_url(pubrio_client *client,
                                         const char *base_url,
                                         pubrio_error *err) {
  if (!client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client is NULL");
  if (!base_url || !*base_url || has_control_chars(base_url))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "base URL is empty or has control characters");
  /* curl ignores an empty query or fragment ("x/?", "x/#"); we do not. */
  if (!pri_transport_url_ok(base_url) || !strstr(base_url, "://") ||
      strpbrk(base_url, "?#"))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "base URL is not an http:// or https:// URL without "
                         "credentials, query or fragment");
  size_t len = strlen(base_url);
  while (len && base_url[len - 1] == '/')
    len--;
  char *copy = pri_strndup(base_url, len);
  if (!copy)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  pri_free(client->base_url);
  client->base_url = copy;
  return PUBRIO_OK;
}

pubrio_status pubrio_client_set_allow_insecure_http(pubrio_client *client,
                                                    int allow,
                                                    pubrio_error *err) {
  if (!client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client is NULL");
  client->allow_insecure_http = allow != 0;
  return PUBRIO_OK;
}

/* Checked at request time, not when the URL is set, so the setters can be
 * called in any order. */
pubrio_status pri_client_check_url(const pubrio_client *c, pubrio_error *err) {
  if (c->allow_insecure_http || !pri_transport_url_is_plain_http(c->base_url) ||
      pri_transport_url_is_loopback(c->base_url))
    return PUBRIO_OK;
  return pri_error_set(
      err, PUBRIO_E_INVALID_ARGUMENT,
      "refusing plain http to %s: the API key would cross the network in "
      "clear; use https://, or allow it explicitly, knowing it is unsafe "
      "(pubrio_client_set_allow_insecure_http(), "
      "PUBRIO_ALLOW_INSECURE_HTTP=1, pubrio --allow-insecure-http)",
      c->base_url);
}

const char *pubrio_client_base_url(const pubrio_client *client) {
  return client ? client->base_url : NULL;
}

pubrio_status pubrio_client_set_timeouts(pubrio_client *client,
                                         int64_t connect_timeout_ms,
                                         int64_t total_timeout_ms,
                                         pubrio_error *err) {
  if (!client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client is NULL");
  if (connect_timeout_ms <= 0 || total_timeout_ms <= 0 ||
      connect_timeout_ms > INT32_MAX || total_timeout_ms > INT32_MAX)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "timeouts must be between 1 and %d ms (got connect "
                         "%lld, total %lld)",
                         INT32_MAX, (long long)connect_timeout_ms,
                         (long long)total_timeout_ms);
  client->connect_timeout_ms = connect_timeout_ms;
  client->total_timeout_ms = total_timeout_ms;
  return push_config(client, err);
}

/* Replace *slot with a copy of value (NULL allowed when nullable). */
static pubrio_status set_string(char **slot, const char *value, int nullable,
                                const char *what, pubrio_error *err) {
  if (!value && !nullable)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "%s is NULL", what);
  if (value && (!*value || has_control_chars(value)))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "%s is empty or has control characters", what);
  char *copy = NULL;
  if (value && !(copy = pri_strdup(value)))
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  pri_free(*slot);
  *slot = copy;
  return PUBRIO_OK;
}

pubrio_status pubrio_client_set_user_agent(pubrio_client *client,
                                           const char *user_agent,
                                           pubrio_error *err) {
  if (!client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client is NULL");
  pubrio_status st =
      set_string(&client->user_agent, user_agent, 0, "user agent", err);
  return st != PUBRIO_OK ? st : push_config(client, err);
}

pubrio_status pubrio_client_set_ca(pubrio_client *client, const char *ca_file,
                                   const char *ca_path, pubrio_error *err) {
  if (!client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client is NULL");
  pubrio_status st = set_string(&client->ca_file, ca_file, 1, "CA file", err);
  if (st == PUBRIO_OK)
    st = set_string(&client->ca_path, ca_path, 1, "CA path", err);
  return st != PUBRIO_OK ? st : push_config(client, err);
}

pubrio_status pubrio_client_set_retry(pubrio_client *client, int max_attempts,
                                      int64_t base_delay_ms,
                                      int64_t max_delay_ms, pubrio_error *err) {
  if (!client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client is NULL");
  if (max_attempts < 1 || max_attempts > 100 || base_delay_ms < 0 ||
      max_delay_ms < base_delay_ms)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "retry needs 1..100 attempts and 0 <= base delay <= "
                         "max delay (got %d, %lld, %lld)",
                         max_attempts, (long long)base_delay_ms,
                         (long long)max_delay_ms);
  client->retry.max_attempts = max_attempts;
  client->retry.base_delay_ms = base_delay_ms;
  client->retry.max_delay_ms = max_delay_ms;
  return PUBRIO_OK;
}

pubrio_status pubrio_client_set_max_retry_after(pubrio_client *client,
                                                int64_t max_retry_after_ms,
                                                pubrio_error *err) {
  if (!client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client is NULL");
  if (max_retry_after_ms < 0)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "max Retry-After must be >= 0");
  client->retry.max_retry_after_ms = max_retry_after_ms;
  return PUBRIO_OK;
}

pubrio_status pubrio_client_set_retry_unsafe_submit(pubrio_client *client,
                                                    int enabled,
                                                    pubrio_error *err) {
  if (!client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client is NULL");
  client->retry.retry_unsafe = enabled != 0;
  return PUBRIO_OK;
}

pubrio_status pubrio_client_set_rate_limit(pubrio_client *client,
                                           int requests_per_minute,
                                           pubrio_error *err) {
  if (!client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client is NULL");
  if (requests_per_minute < 0 || requests_per_minute > 1000000)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "rate limit must be 0..1000000 requests per minute");
  if (pri_pacer_set_limit(&client->pacer, requests_per_minute) != 0)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  return PUBRIO_OK;
}

pubrio_status pubrio_client_set_max_response_bytes(pubrio_client *client,
                                                   size_t max_bytes,
                                                   pubrio_error *err) {
  if (!client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client is NULL");
  if (max_bytes < 1024)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "max response size must be at least 1024 bytes");
  client->max_response_bytes = max_bytes;
  return push_config(client, err);
}

pubrio_status pubrio_client_set_clock(pubrio_client *client, pubrio_now_fn now,
                                      pubrio_sleep_fn sleep,
                                      pubrio_random_fn random, void *userdata,
                                      pubrio_error *err) {
  if (!client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client is NULL");
  pri_clock_init_default(&client->clock, &client->cancel);
  if (now)
    client->clock.now = now;
  if (sleep)
    client->clock.sleep = sleep;
  client->clock.random = random;
  client->clock.userdata = userdata;
  return PUBRIO_OK;
}

pubrio_status pubrio_client_set_log(pubrio_client *client,
                                    pubrio_log_level max_level,
                                    pubrio_log_fn fn, void *userdata,
                                    pubrio_error *err) {
  if (!client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client is NULL");
  client->log = fn;
  client->log_userdata = userdata;
  client->log_level = max_level;
  return PUBRIO_OK;
}

static int is_token(const char *s) {
  if (!*s)
    return 0;
  for (; *s; s++)
    if (!(isalnum((unsigned char)*s) || strchr("!#$%&'*+-.^_`|~", *s)))
      return 0;
  return 1;
}

/* Index of the header line named @p name, or extra_count. */
static size_t find_header(const pubrio_client *c, const char *name) {
  size_t len = strlen(name);
  for (size_t i = 0; i < c->extra_count; i++)
    if (strncasecmp(c->extra_headers[i], name, len) == 0 &&
        c->extra_headers[i][len] == ':')
      return i;
  return c->extra_count;
}

pubrio_status pubrio_client_set_header(pubrio_client *client, const char *name,
                                       const char *value, pubrio_error *err) {
  if (!client)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "client is NULL");
  static const char *const reserved[] = {
      "pubrio-api-key", "content-type", "accept",     "content-length",
      "host",           "expect",       "user-agent", "transfer-encoding"};
  if (!name || !is_token(name))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "header name \"%.64s\" is not an HTTP token",
                         name ? name : "(null)");
  for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
    if (strcasecmp(name, reserved[i]) == 0)
      return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                           "header %s is set by the library", name);
  if (value && strpbrk(value, "\r\n"))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "header %s: the value holds a line break", name);
  size_t at = find_header(client, name);
  pri_buf line = {0};
  if (pri_grow(&client->extra_headers, &client->extra_cap,
               client->extra_count + 1, sizeof *client->extra_headers) != 0 ||
      (value && pri_buf_appendf(&line, "%s: %s", name, value) != 0)) {
    pri_buf_free(&line);
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  }
  char **lines = client->extra_headers;
  if (at < client->extra_count) { /* replace or remove */
    pri_free(lines[at]);
    lines[at] = lines[--client->extra_count];
  }
  if (value)
    lines[client->extra_count++] = pri_buf_steal(&line);
  return push_config(client, err);
}

long pubrio_client_connections_opened(const pubrio_client *client) {
  return client ? client->connections_opened : 0;
}

long pubrio_client_requests_sent(const pubrio_client *client) {
  return client ? client->requests_sent : 0;
}

int64_t pubrio_client_pacing_delay_ms(pubrio_client *client) {
  return client
             ? pri_pacer_wait_ms(&client->pacer, pri_clock_now(&client->clock))
             : 0;
}

void pubrio_client_cancel(pubrio_client *client) {
  if (client)
    pri_cancel_trigger(&client->cancel);
}

void pubrio_client_reset_cancel(pubrio_client *client) {
  if (client)
    pri_cancel_reset(&client->cancel);
}

int pri_client_cancelled(pubrio_client *client) {
  return pri_cancel_requested(&client->cancel);
}
