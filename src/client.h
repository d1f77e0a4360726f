/* The client object shared by the files that implement the public calls. */
#ifndef PUBRIO_CLIENT_H
#define PUBRIO_CLIENT_H

#include "clock.h"
#include "pacer.h"
#include "pubrio/pubrio.h"
#include "retry.h"
#include "transport.h"

struct pubrio_client {
  char *api_key;  /* wiped on free */
  char *base_url; /* no trailing slash */
  char *user_agent;
  char *ca_file;
  char *ca_path;
  int64_t connect_timeout_ms;
  int64_t total_timeout_ms;
  size_t max_response_bytes;
  unsigned config_generation; /* bumped by setters that reach curl */
  pri_retry_policy retry;
  pri_clock clock;
  pri_pacer pacer;
  pubrio_log_fn log;
  void *log_userdata;
  pubrio_log_level log_level;
  long connections_opened;
  long requests_sent;
  pri_transport *transport;
  char **extra_headers; /* "Name: value" lines */
  size_t extra_count;
};

/* Log a line when the level is enabled; the key is masked first. */
void pri_log(pubrio_client *client, pubrio_log_level level, const char *fmt,
             ...) __attribute__((format(printf, 3, 4)));

#endif
