/* The owned result objects handed to callers, and how parsers build them. */
#ifndef PUBRIO_RESULT_H
#define PUBRIO_RESULT_H

#include "arena.h"
#include "pubrio/pubrio.h"

/* Jobs and query results each own one arena holding all their memory; the
 * public struct comes first so the caller's pointer is the owner's. */
typedef struct pri_job {
  pubrio_batch_job pub;
  pri_arena arena;
} pri_job;

typedef struct pri_person {
  pubrio_person pub;
  pubrio_contact *emails;
  pubrio_contact *phones;
} pri_person;

typedef struct pri_query_result {
  pubrio_query_result pub;
  pri_person *people; /* malloc'd: it grows while the answer streams in */
  size_t people_cap;
  pri_arena arena;
} pri_query_result;

pri_job *pri_job_new(void);
pri_query_result *pri_query_result_new(void);

#endif
