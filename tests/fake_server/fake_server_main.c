/* pubrio-fake-server: the fake Pubrio API as a program, for the demo and for
 * other languages' tests. Prints its URL on stdout, serves until SIGINT or
 * SIGTERM. Listens on 127.0.0.1 only. */
#include "fake_server.h"

#include <getopt.h>
#include <signal.h>
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
          "  --tls-cert FILE --tls-key FILE   serve HTTPS\n"
          "  --url-file FILE           also write the URL to FILE\n");
}

int main(int argc, char **argv) {
  fake_server_options opts = FAKE_SERVER_DEFAULTS;
  const char *cert_file = NULL, *key_file = NULL, *url_file = NULL;
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
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
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
  while (!stop_requested)
    pause();
  fake_server_stop(server);
  free(cert);
  free(key);
  return 0;
}
