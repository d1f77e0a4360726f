/* The endpoint calls as the wait loop needs them. */
#ifndef PUBRIO_REDEEM_H
#define PUBRIO_REDEEM_H

#include "pubrio/pubrio.h"

#include <stdint.h>

/* One query whose retries and requests never pass @p deadline (clock
 * time); *deadline_reached (may be NULL) tells when that stopped it. */
pubrio_status pri_query(pubrio_client *client, const char *redeem_query_id,
                        int64_t deadline, int *deadline_reached,
                        pubrio_query_result **out, pubrio_error *err);

/* The two answers' parsers (pri_parse_fn): the submit's into a
 * pubrio_batch_job **, the query's into a pri_query_target, refusing an
 * answer about another batch than the one asked: its people would be taken
 * for this one's. */
typedef struct pri_query_target {
  const char *asked; /* the batch asked about, canonical */
  pubrio_query_result **out;
} pri_query_target;

pubrio_status pri_parse_submit_answer(char *body, size_t len, void *out,
                                      pubrio_error *err);
pubrio_status pri_parse_query_answer(char *body, size_t len, void *out,
                                     pubrio_error *err);
/* The single redeem's answer into a pubrio_query_result ** (redeem_person.c). */
pubrio_status pri_parse_person_answer(char *body, size_t len, void *out,
                                      pubrio_error *err);

#endif
