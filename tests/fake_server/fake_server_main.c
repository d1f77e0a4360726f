/* pubrio-fake-server: the fake Pubrio API as a program, for the demo and for
 * other languages' tests. Prints its URL on stdout, serves until SIGINT or
 * SIGTERM. Listens on 127.0.0.1 only. */
#include "fake_server.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *data = NULL;
  size_t len = 0, cap = 0, n;
  char chunk[4096];
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (len + n + 1 > cap) {
      cap = (len + n + 1) * 2;
      char *grown = realloc(data, cap);
      if (!grown) {
        free(data);
        fclose(f);
        return NULL;
      }
      data = grown;
    }
    memcpy(data + len, chunk, n);
    len += n;
  }
  fclose(f);
  if (data)
    data[len] = '\0';
  return data;
}

/* "N/DURATION": 15/10s, 2400/h, 300/min, 57600/day, 100/500ms; a bare
 * unit counts one of it. 0, or -1 when it is not that. */
static int parse_quota(const char *text, fake_quota *out) {
  char *end;
  long long limit = strtoll(text, &end, 10);
  if (end == text || *end != '/' || limit <= 0)
    return -1;
  const char *p = end + 1;
  long long count = 1;
  if (*p >= '0' && *p <= '9') {
    count = strtoll(p, &end, 10);
    p = end;
  }
  static const struct {
    const char *unit;
    int64_t ms;
  } units[] = {{"ms", 1},         {"s", 1000},
               {"sec", 1000},     {"min", 60000},
               {"m", 60000},      {"h", 3600000},
               {"hour", 3600000}, {"d", 86400000},
               {"day", 86400000}, {"month", 2592000000LL}};
  for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
    if (strcmp(p, units[i].unit) == 0 && count > 0 &&
        count <= INT64_MAX / units[i].ms) {
      out->limit = limit;
      out->window_ms = count * units[i].ms;
      return 0;
    }
  }
  return -1;
}

/* A whole number >= @p min, or exit 2 with a message. */
static long long number(const char *flag, const char *text, long long min) {
  char *end;
  errno = 0;
  long long v = strtoll(text, &end, 10);
  if (errno || end == text || *end || v < min) {
    fprintf(stderr,
            "pubrio-fake-server: %s: expected a whole number >= %lld,"
            " got \"%s\"\n",
            flag, min, text);
    exit(2);
  }
  return v;
}

static void usage(FILE *to) {
  fprintf(to,
          "usage: pubrio-fake-server [options]\n"
          "  --port N                  port on 127.0.0.1 (default 0: any)\n"
          "  --api-key KEY             expected pubrio-api-key (test-key)\n"
          "  --prefix PATH             serve under a path prefix\n"
          "  --complete-after-polls N  queries before a batch completes (0)\n"
          "  --complete-after-ms N     and milliseconds after submit (0)\n"
          "  --estimated-time S        seconds announced on submit (2)\n"
          "  --rate-limit N            requests per fixed minute (0: none)\n"
          "  --latency-ms N            every API answer waits N ms (0)\n"
          "  --email-price N           credits per email returned (1)\n"
          "  --phone-price N           credits per phone returned (1)\n"
          "  --credit N                starting balance (1000000000; 0:"
          " none)\n"
          "  --quota N/DURATION        a fixed-window request quota, e.g."
          " 15/10s,\n"
          "                            2400/h, 57600/day (repeatable, up to"
          " 4);\n"
          "                            its 429s carry no Retry-After\n"
          "  --plan-name NAME          the plan's name in POST /profile\n"
          "  --tls-cert FILE --tls-key FILE   serve HTTPS\n"
          "  --url-file FILE           also write the URL to FILE\n");
}

int main(int argc, char **argv) {
  fake_server_options opts = FAKE_SERVER_DEFAULTS;
  const char *cert_file = NULL, *key_file = NULL, *url_file = NULL;
  int quotas = 0;
  static const struct option longopts[] = {
      {"port", required_argument, NULL, 'p'},
      {"api-key", required_argument, NULL, 'k'},
      {"prefix", required_argument, NULL, 'x'},
      {"complete-after-polls", required_argument, NULL, 'n'},
      {"complete-after-ms", required_argument, NULL, 'm'},
      {"estimated-time", required_argument, NULL, 'e'},
      {"rate-limit", required_argument, NULL, 'r'},
      {"latency-ms", required_argument, NULL, 'l'},
      {"tls-cert", required_argument, NULL, 'c'},
      {"tls-key", required_argument, NULL, 'K'},
      {"url-file", required_argument, NULL, 'u'},
      {"email-price", required_argument, NULL, 'E'},
      {"phone-price", required_argument, NULL, 'P'},
      {"credit", required_argument, NULL, 'C'},
      {"quota", required_argument, NULL, 'Q'},
      {"plan-name", required_argument, NULL, 'N'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    switch (c) {
    case 'p': opts.port = (uint16_t)atoi(optarg); break;
    case 'k': opts.api_key = optarg; break;
    case 'x': opts.prefix = optarg; break;
    case 'n': opts.complete_after_polls = atoi(optarg); break;
    case 'm': opts.complete_after_ms = atoll(optarg); break;
    case 'e': opts.estimated_time = atoi(optarg); break;
    case 'r': opts.rate_limit_per_minute = atoi(optarg); break;
    case 'l': opts.latency_ms = atoi(optarg); break;
    case 'c': cert_file = optarg; break;
    case 'K': key_file = optarg; break;
    case 'u': url_file = optarg; break;
    case 'E': opts.email_price = number("--email-price", optarg, 1); break;
    case 'P': opts.phone_price = number("--phone-price", optarg, 1); break;
    case 'C': {
      long long credit = number("--credit", optarg, 0);
      opts.credit = credit ? credit : FAKE_CREDIT_NONE;
      break;
    }
    case 'Q':
      if (quotas == FAKE_MAX_QUOTAS ||
          parse_quota(optarg, &opts.quotas[quotas++]) != 0) {
        fprintf(stderr,
                "pubrio-fake-server: --quota \"%s\": expected N/DURATION "
                "(e.g. 15/10s, 2400/h), at most %d of them\n",
                optarg, FAKE_MAX_QUOTAS);
        return 2;
      }
      break;
    case 'N': opts.plan_name = optarg; break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return 2;
    }
  }
  char *cert = cert_file ? read_file(cert_file) : NULL;
  char *key = key_file ? read_file(key_file) : NULL;
  if ((cert_file && !cert) || (key_file && !key)) {
    fprintf(stderr, "pubrio-fake-server: cannot read the TLS files\n");
    return 1;
  }
  opts.tls_cert_pem = cert;
  opts.tls_key_pem = key;
  /* The stop signals stay blocked but in sigsuspend(): one that came
   * between a check of the flag and a pause() would be lost, and the
   * server would never stop (a test stopping it at once hung). */
  sigset_t stops, others;
  sigemptyset(&stops);
  sigaddset(&stops, SIGINT);
  sigaddset(&stops, SIGTERM);
  sigprocmask(SIG_BLOCK, &stops, &others);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  fake_server *server = fake_server_start(&opts);
  if (!server)
    return 1;
  printf("%s\n", fake_server_url(server));
  fflush(stdout);
  if (url_file) {
    FILE *f = fopen(url_file, "w");
    if (f) {
      fprintf(f, "%s\n", fake_server_url(server));
      fclose(f);
    }
  }
  sigdelset(&others, SIGINT);
  sigdelset(&others, SIGTERM);
  while (!stop_requested)
    sigsuspend(&others);
  fake_server_stop(server);
  free(cert);
  free(key);
  return 0;
}
