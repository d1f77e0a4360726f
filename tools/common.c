/* Time, signals, errors and client setup shared by the subcommands. */
#include "cli.h"

#include "text.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

volatile sig_atomic_t cli_interrupted;

/* The client a signal cancels; a lock-free atomic pointer is safe to read
 * in a handler. */
static _Atomic(pubrio_client *) signal_client;

static void on_signal(int sig) {
  (void)sig;
  if (cli_interrupted < 100)
    cli_interrupted++;
  pubrio_client_cancel(atomic_load(&signal_client)); /* async-signal-safe */
}

void cli_catch_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: sleeps end early */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  /* A closed stdout is an error we handle (a stop that names what was
   * paid for), not a silent death. */
  signal(SIGPIPE, SIG_IGN);
}

int64_t cli_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cli_exit_code(pubrio_status status) {
  switch (status) {
  case PUBRIO_OK: return CLI_OK;
  case PUBRIO_E_INVALID_ARGUMENT:
  case PUBRIO_E_NO_API_KEY: return CLI_USAGE;
  case PUBRIO_E_BAD_REQUEST:
  case PUBRIO_E_UNAUTHORIZED:
  case PUBRIO_E_PAYMENT_REQUIRED: return CLI_REJECTED;
  case PUBRIO_E_RATE_LIMITED: return CLI_RATE_LIMITED;
  case PUBRIO_E_WAIT_TIMEOUT: return CLI_DEADLINE;
  case PUBRIO_E_CANCELLED: return CLI_INTERRUPTED;
  case PUBRIO_E_CREDIT_BUDGET: return CLI_BUDGET;
  case PUBRIO_E_JOURNAL: return CLI_FAILED;
  default: return CLI_FAILED;
  }
}

/* 1 when @p message already says @p part (so it is not said twice). */
static int says(const char *message, const char *part) {
  return message && *part && strstr(message, part) != NULL;
}

void cli_print_error(const char *context, pubrio_status status,
                     const pubrio_error *err) {
  /* The library's message may already name the status, the HTTP status,
   * the code and the request id: each is said once, in the message when
   * it holds it, else before it. */
  const char *message = err->message ? err->message : "no details";
  const char *name = pubrio_status_str(status);
  char http[32] = "", code[48] = "";
  if (err->http_status)
    snprintf(http, sizeof http, "HTTP %ld", err->http_status);
  if (err->http_status && err->api_code)
    snprintf(code, sizeof code, "code %lld", (long long)err->api_code);
  const char *rid = err->http_status && err->request_id ? err->request_id : "";
  const char *extras[2] = {says(message, http) ? "" : http,
                           says(message, code) ? "" : code};
  int say_rid = *rid && !says(message, rid);
  fprintf(stderr, "pubrio: %s: ", context);
  int said = 0;
  if (!says(message, name)) {
    fputs(name, stderr);
    said = 1;
  }
  int open = 0;
  for (int i = 0; i < 2; i++) {
    if (!*extras[i])
      continue;
    fputs(open ? ", " : said ? " (" : "(", stderr);
    fputs(extras[i], stderr);
    open = said = 1;
  }
  if (say_rid) {
    fputs(open   ? ", request id "
          : said ? " (request id "
                 : "(request id ",
          stderr);
    text_put(stderr, rid, 256);
    open = said = 1;
  }
  if (open)
    fputc(')', stderr);
  if (err->attempts > 1 && !says(message, "attempt")) {
    fprintf(stderr, "%safter %d attempts", said ? " " : "", err->attempts);
    said = 1;
  }
  if (said)
    fputs(": ", stderr);
  text_put(stderr, message, 4096);
  if (err->submit_state == PUBRIO_SUBMIT_UNCERTAIN)
    fputs(" (the API may have charged for this batch: its fate is unknown, "
          "so it is not sent again)",
          stderr);
  fputc('\n', stderr);
}

static void log_to_stderr(pubrio_log_level level, const char *message,
                          void *userdata) {
  (void)userdata;
  static const char *const names[] = {"", "error", "warn", "info", "debug"};
  fprintf(stderr, "pubrio: [%s] ",
          level >= 1 && level <= 4 ? names[level] : "log");
  text_put(stderr, message, (size_t)-1); /* lines may quote the server */
  fputc('\n', stderr);
}

int cli_has_key(const cli_options *o) {
  const char *env_key = getenv("PUBRIO_API_KEY");
  return o->api_key || (env_key && *env_key);
}

pubrio_client *cli_make_client(const cli_options *o) {
  pubrio_error err = {0};
  pubrio_client *c = NULL;
  /* A dry run sends nothing, so it needs no key: a stand-in that never
   * leaves the process (the account is only read with a real key). */
  const char *key = !cli_has_key(o) && o->dry_run ? "dry-run" : o->api_key;
  pubrio_status st = pubrio_client_new(&c, key, &err);
  if (!st && o->allow_insecure_http)
    st = pubrio_client_set_allow_insecure_http(c, 1, &err);
  if (!st && o->base_url)
    st = pubrio_client_set_base_url(c, o->base_url, &err);
  if (!st && o->timeout_ms > 0)
    st = pubrio_client_set_timeouts(
        c, o->timeout_ms < 10000 ? o->timeout_ms : 10000, o->timeout_ms, &err);
  if (!st)
    st = pubrio_client_set_retry(c, o->retries + 1, 500, 8000, &err);
  if (!st)
    st = pubrio_client_set_rate_limit(c, o->rate, &err);
  if (!st && o->verbose)
    st = pubrio_client_set_log(
        c, o->verbose > 1 ? PUBRIO_LOG_DEBUG : PUBRIO_LOG_INFO, log_to_stderr,
        NULL, &err);
  if (st != PUBRIO_OK) {
    cli_print_error("setup", st, &err);
    pubrio_client_free(c);
    c = NULL;
  }
  pubrio_error_clear(&err);
  atomic_store(&signal_client, c);
  if (c && cli_interrupted) /* a signal that came before the client */
    pubrio_client_cancel(c);
  return c;
}

void cli_free_client(pubrio_client *client) {
  atomic_store(&signal_client, NULL);
  pubrio_client_free(client);
}
