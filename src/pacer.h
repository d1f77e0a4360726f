/* Client-side pacing: at most N requests in any 60-second window, so a long
 * run never trips the API's fixed window of requests per minute. */
#ifndef PUBRIO_PACER_H
#define PUBRIO_PACER_H

#include <stdint.h>

typedef struct pri_pacer {
  int limit;       /* requests per minute; 0 = unlimited */
  int64_t *starts; /* ring of the last `limit` request start times */
  int cap;         /* slots allocated so far (grows up to limit) */
  int count;
  int next;
} pri_pacer;

/* 0 (allocation happens as requests are recorded). A limit of 0 turns
 * pacing off. */
int pri_pacer_set_limit(pri_pacer *pacer, int per_minute);
/* How long to wait at @p now_ms before the next request may start. */
int64_t pri_pacer_wait_ms(const pri_pacer *pacer, int64_t now_ms);
/* Record that a request started at @p now_ms. */
void pri_pacer_record(pri_pacer *pacer, int64_t now_ms);
void pri_pacer_free(pri_pacer *pacer);

#endif
