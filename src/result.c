#include "result.h"
#include "alloc.h"

#include <stdlib.h>

pri_job *pri_job_new(void) { return pri_calloc(1, sizeof(pri_job)); }

void pubrio_batch_job_free(pubrio_batch_job *job) {
  if (!job)
    return;
  pri_job *owner = (pri_job *)job;
  pri_arena_free(&owner->arena);
  pri_free(owner);
}

pri_query_result *pri_query_result_new(void) {
  return pri_calloc(1, sizeof(pri_query_result));
}

void pubrio_query_result_free(pubrio_query_result *result) {
  if (!result)
    return;
  pri_query_result *owner = (pri_query_result *)result;
  pri_arena_free(&owner->arena);
  pri_free(owner->people);
  pri_free(owner);
}

const pubrio_person *
pubrio_query_result_person(const pubrio_query_result *result, size_t index) {
  if (!result || index >= result->people_count)
    return NULL;
  return &((const pri_query_result *)result)->people[index].pub;
}

const pubrio_contact *pubrio_person_email(const pubrio_person *person,
                                          size_t index) {
  if (!person || index >= person->email_count)
    return NULL;
  return &((const pri_person *)person)->emails[index];
}

const pubrio_contact *pubrio_person_phone(const pubrio_person *person,
                                          size_t index) {
  if (!person || index >= person->phone_count)
    return NULL;
  return &((const pri_person *)person)->phones[index];
}
