/* Polling a batch until it completes, within a deadline, on the client's
 * injectable clock. */
#include "buf.h"
#include "client.h"
#include "error.h"
#include "log.h"
#include "redeem.h"
#include "uuid.h"

#include <stdlib.h>

struct pubrio_wait_options {
  int64_t timeout_ms;
  int64_t min_delay_ms;
  int64_t max_delay_ms;
  int64_t first_delay_ms; /* -1: the estimate when known, else 0 */
  pubrio_progress_fn progress;
  void *userdata;
};

static const pubrio_wait_options default_options = {600000, 1000, 30000,
                                                    -1,     NULL, NULL};

pubrio_status pubrio_wait_options_new(pubrio_wait_options **out,
                                      pubrio_error *err) {
  if (!out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "out is NULL");
  *out = malloc(sizeof **out);
  if (!*out)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  **out = default_options;
  return PUBRIO_OK;
}

void pubrio_wait_options_free(pubrio_wait_options *options) { free(options); }

pubrio_status pubrio_wait_options_set_timeout(pubrio_wait_options *o,
                                              int64_t timeout_ms,
                                              pubrio_error *err) {
  if (!o || timeout_ms <= 0)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "wait timeout must be > 0 ms");
  o->timeout_ms = timeout_ms;
  return PUBRIO_OK;
}

pubrio_status pubrio_wait_options_set_delays(pubrio_wait_options *o,
                                             int64_t min_delay_ms,
                                             int64_t max_delay_ms,
                                             pubrio_error *err) {
  if (!o || min_delay_ms <= 0 || max_delay_ms < min_delay_ms)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "wait delays need 0 < min <= max (got %lld, %lld)",
                         (long long)min_delay_ms, (long long)max_delay_ms);
  o->min_delay_ms = min_delay_ms;
  o->max_delay_ms = max_delay_ms;
  return PUBRIO_OK;
}

pubrio_status pubrio_wait_options_set_first_delay(pubrio_wait_options *o,
                                                  int64_t delay_ms,
                                                  pubrio_error *err) {
  if (!o || delay_ms < -1)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "first delay must be >= 0, or -1 for the estimate");
  o->first_delay_ms = delay_ms;
  return PUBRIO_OK;
}

pubrio_status pubrio_wait_options_set_progress(pubrio_wait_options *o,
                                               pubrio_progress_fn fn,
                                               void *userdata,
                                               pubrio_error *err) {
  if (!o)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "options is NULL");
  o->progress = fn;
  o->userdata = userdata;
  return PUBRIO_OK;
}

/* Delay after poll number @p polls: grows by 1.5x from the minimum to the
 * maximum, plus up to 25% jitter, and never below the minimum. */
static int64_t backoff_ms(const pubrio_wait_options *o, int polls,
                          double random01) {
  double d = (double)o->min_delay_ms;
  for (int i = 1; i < polls && d < (double)o->max_delay_ms; i++)
    d *= 1.5;
  d *= 1.0 + 0.25 * random01;
  if (d > (double)o->max_delay_ms)
    d = (double)o->max_delay_ms;
  return (int64_t)d;
}

/* The next sleep, trimmed so that the minimum delay is still left for the
 * poll after it (as AWS waiters do): that poll's request needs time too.
 * -1 when no poll fits: the sleep would have to be shorter than the minimum
 * delay (polling faster than allowed) to leave that much. */
static int64_t next_delay_ms(const pubrio_wait_options *o, int64_t wanted,
                             int64_t now, int64_t deadline) {
  int64_t room = deadline - now - o->min_delay_ms;
  if (room < o->min_delay_ms)
    return -1;
  return wanted < room ? wanted : room;
}

/* The call stopped at the deadline: say so as the wait's own timeout, with
 * what the call was doing. */
static pubrio_status deadline_passed(pubrio_error *err, const char *id,
                                     const pubrio_wait_options *o, int polls) {
  char *doing = err ? pri_strdup(err->message) : NULL;
  pri_error_set(err, PUBRIO_E_WAIT_TIMEOUT,
                "%s was not complete by the deadline of %lld ms, at poll %d "
                "(%s)",
                id, (long long)o->timeout_ms, polls, doing ? doing : "");
  free(doing);
  return PUBRIO_E_WAIT_TIMEOUT;
}

static pubrio_status wait_loop(pubrio_client *c, const char *id,
                               const pubrio_wait_options *o,
                               int64_t estimate_ms, pubrio_query_result **out,
                               pubrio_error *err) {
  uint8_t uuid[16];
  if (pri_uuid_parse(id, uuid) != 0) /* before any sleep */
    return pri_error_invalid_id(err, "redeem_query_id", id);
  int64_t start = pri_clock_now(&c->clock);
  int64_t deadline =
      o->timeout_ms > INT64_MAX - start ? INT64_MAX : start + o->timeout_ms;
  /* An estimate longer than the longest delay is not slept on in one go:
   * the batch may well be ready sooner. */
  int64_t first = o->first_delay_ms >= 0 ? o->first_delay_ms
                  : estimate_ms > 0
                      ? (estimate_ms < o->max_delay_ms ? estimate_ms
                                                       : o->max_delay_ms)
                      : 0;
  int64_t delay = first > 0 ? next_delay_ms(o, first, start, deadline) : 0;
  if (delay < 0) /* no room to wait for the estimate: ask at once */
    delay = 0;
  pubrio_query_result *last = NULL;
  for (int polls = 1;; polls++) {
    pri_clock_sleep(&c->clock, delay);
    pubrio_query_result *latest = NULL;
    int deadline_reached = 0;
    pubrio_status st = pri_query(c, id, deadline, &deadline_reached, &latest,
                                 err);
    if (deadline_reached || st == PUBRIO_E_CANCELLED) {
      *out = last; /* the deadline or a cancel: the last state seen */
      return deadline_reached ? deadline_passed(err, id, o, polls) : st;
    }
    if (st != PUBRIO_OK) {
      pubrio_query_result_free(last);
      return st;
    }
    pubrio_query_result_free(last);
    last = latest;
    int done = last->query->is_completed;
    delay = done ? -1
                 : next_delay_ms(
                       o, backoff_ms(o, polls, pri_clock_random(&c->clock)),
                       pri_clock_now(&c->clock), deadline);
    pri_log(c, PUBRIO_LOG_INFO, "poll %d of %s: %s%s", polls, id,
            done ? "complete" : "not complete",
            done || delay >= 0 ? "" : ", deadline reached");
    int cancel = o->progress && o->progress(last, polls, delay, o->userdata);
    if (!done && !cancel && delay >= 0)
      continue;
    *out = last; /* the caller gets the last state on every stop below */
    if (done)
      return PUBRIO_OK;
    if (cancel)
      return pri_error_set(err, PUBRIO_E_CANCELLED,
                           "waiting for %s was cancelled after %d polls", id,
                           polls);
    return pri_error_set(err, PUBRIO_E_WAIT_TIMEOUT,
                         "%s was not complete after %d polls in %lld ms "
                         "(deadline %lld ms)",
                         id, polls,
                         (long long)(pri_clock_now(&c->clock) - start),
                         (long long)o->timeout_ms);
  }
}

pubrio_status
pubrio_redeem_people_batch_wait(pubrio_client *client,
                                const char *redeem_query_id,
                                const pubrio_wait_options *options,
                                pubrio_query_result **out, pubrio_error *err) {
  if (!client || !out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "client or out is NULL");
  *out = NULL;
  return wait_loop(client, redeem_query_id,
                   options ? options : &default_options, -1, out, err);
}

pubrio_status pubrio_redeem_people_batch_and_wait(
    pubrio_client *client, const pubrio_batch_request *request,
    const pubrio_wait_options *options, pubrio_query_result **out,
    pubrio_error *err) {
  if (!client || !out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "client or out is NULL");
  *out = NULL;
  pubrio_batch_job *job = NULL;
  pubrio_status st = pubrio_redeem_people_batch(client, request, &job, err);
  if (st != PUBRIO_OK)
    return st;
  st = wait_loop(client, job->redeem_query_id,
                 options ? options : &default_options, job->estimated_time_ms,
                 out, err);
  if (st != PUBRIO_OK && err) {
    /* The credits are spent: hand the batch back so it is collected, never
     * submitted again. */
    pri_buf msg = {0};
    if (pri_buf_appendf(&msg,
                        "batch %s was submitted; resume with "
                        "pubrio_redeem_people_batch_wait(): %s",
                        job->redeem_query_id, err->message) == 0)
      pri_error_take(err, PRI_ERR_MESSAGE, pri_buf_steal(&msg));
    pri_buf_free(&msg);
    pri_error_copy(err, PRI_ERR_REDEEM_QUERY_ID, job->redeem_query_id);
    err->submit_state = PUBRIO_SUBMIT_ACCEPTED;
  }
  pubrio_batch_job_free(job);
  return st;
}
