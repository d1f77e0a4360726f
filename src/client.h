/* The client object shared by the files that implement the public calls. */
#ifndef PUBRIO_CLIENT_H
#define PUBRIO_CLIENT_H

#include "cancel.h"
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
  int64_t total_timeout_ms; /* per attempt; trimmed to a wait's deadline */
  size_t max_response_bytes;
  pri_retry_policy retry;
  pri_clock clock;
  pri_pacer pacer;
  pubrio_log_fn log;
  void *log_userdata;
  pubrio_log_level log_level;
  long connections_opened;
  long requests_sent;
  pri_cancel cancel;
  atomic_int bulk_runs; /* live bulk runs: at most one, and no plain call
                           beside it (they share the transfers) */
  int bulk_reading;     /* the run's own account reads, before its first
                           transfer: allowed */
  pri_transport *transport;
  char **extra_headers; /* "Name: value" lines */
  size_t extra_count, extra_cap;
  int allow_insecure_http; /* plain http to a host but loopback */
};

/* PUBRIO_OK when a request may go to the base URL: https, loopback, or
 * plain http the user allowed; else a typed error, before anything is
 * sent (the key would cross the network in clear). */
pubrio_status pri_client_check_url(const pubrio_client *client,
                                   pubrio_error *err);

/* Whether pubrio_client_cancel() was called (and not reset). */
int pri_client_cancelled(pubrio_client *client);

#endif
