/* The batch endpoints, each defined once: its call (path, idempotency,
 * compression, parser) for the plain calls, the wait loop and the bulk
 * engine alike. */
#ifndef PUBRIO_REDEEM_H
#define PUBRIO_REDEEM_H

#include "call.h"
#include "pubrio/pubrio.h"

#include <stdint.h>

/* Where a query's answer goes: the answer is refused when it is about
 * another batch than the one asked, as its people would be taken for this
 * one's. */
typedef struct pri_query_target {
  const char *asked; /* the batch asked about, canonical */
  pubrio_query_result **out;
} pri_query_target;

/* POST /redeem/people/batch with @p body, parsed into *out. It spends
 * credits: not idempotent, never resent. No deadline (INT64_MAX); a caller
 * with one sets .deadline. */
pri_call pri_redeem_submit_call(const char *body, pubrio_batch_job **out);
/* POST /redeem/people/batch/query with @p body, parsed into @p target.
 * Free and read-only: idempotent, retried. No deadline (INT64_MAX). */
pri_call pri_redeem_query_call(const char *body, pri_query_target *target);

/* One query whose retries and requests never pass @p deadline (clock
 * time); *deadline_reached (may be NULL) tells when that stopped it. */
pubrio_status pri_redeem_query(pubrio_client *client,
                               const char *redeem_query_id, int64_t deadline,
                               int *deadline_reached, pubrio_query_result **out,
                               pubrio_error *err);
/* POST /redeem/people with @p body, parsed into *out (one person, or
 * nobody). It spends credits like the submit: not idempotent, never
 * resent. No deadline (INT64_MAX). Defined in redeem_person.c. */
pri_call pri_redeem_person_call(const char *body, pubrio_query_result **out);

#endif
