/* Polling a batch until it completes, within a deadline, on the client's
 * injectable clock, on the schedule of wait_schedule.c. */
#include "alloc.h"
#include "buf.h"
#include "client.h"
#include "error.h"
#include "log.h"
#include "redeem.h"
#include "uuid.h"
#include "wait_schedule.h"

#include <stdlib.h>

/* The call stopped at the deadline: say so as the wait's own timeout, with
 * what the call was doing. */
static pubrio_status deadline_passed(pubrio_error *err, const char *id,
                                     const pubrio_wait_options *o, int polls) {
  char *doing = err ? pri_strdup(err->message) : NULL;
  pri_error_set(err, PUBRIO_E_WAIT_TIMEOUT,
                "%s was not complete by the deadline of %lld ms, at poll %d "
                "(%s)",
                id, (long long)o->timeout_ms, polls, doing ? doing : "");
  pri_free(doing);
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
  int64_t deadline = pri_wait_deadline(o, start);
  int64_t delay = pri_wait_first_delay(o, estimate_ms, start, deadline);
  pubrio_query_result *last = NULL;
  for (int polls = 1;; polls++) {
    pri_clock_sleep(&c->clock, delay);
    pubrio_query_result *latest = NULL;
    int deadline_reached = 0;
    pubrio_status st =
        pri_redeem_query(c, id, deadline, &deadline_reached, &latest, err);
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
                 : pri_wait_next_delay(o, polls, pri_clock_random(&c->clock),
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
                   options ? options : &pri_wait_defaults, -1, out, err);
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
                 options ? options : &pri_wait_defaults, job->estimated_time_ms,
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
