/* The batch request builder: validation happens here, as ids are added. */
#include "request.h"
#include "alloc.h"

#include "error.h"
#include "uuid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  pubrio_contact_type type;
  const char *name;
} contact_names[] = {
    {PUBRIO_CONTACT_EMAIL_PERSONAL, "email-personal"},
    {PUBRIO_CONTACT_EMAIL_WORK, "email-work"},
    {PUBRIO_CONTACT_PHONE, "phone"},
};

const char *pubrio_contact_type_str(pubrio_contact_type type) {
  for (size_t i = 0; i < sizeof contact_names / sizeof *contact_names; i++)
    if (contact_names[i].type == type)
      return contact_names[i].name;
  return NULL;
}

pubrio_contact_type pubrio_contact_type_from_str(const char *name) {
  for (size_t i = 0; name && i < sizeof contact_names / sizeof *contact_names;
       i++)
    if (strcmp(contact_names[i].name, name) == 0)
      return contact_names[i].type;
  return PUBRIO_CONTACT_UNKNOWN;
}

pubrio_status pubrio_batch_request_new(pubrio_batch_request **out,
                                       pubrio_error *err) {
  if (!out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "out is NULL");
  *out = pri_calloc(1, sizeof **out);
  if (!*out)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  return PUBRIO_OK;
}

void pubrio_batch_request_free(pubrio_batch_request *request) {
  if (!request)
    return;
  pri_uuid_set_free(&request->people);
  pri_free(request);
}

static pubrio_status invalid_id(pubrio_error *err, const char *id,
                                const char *where) {
  char what[64];
  snprintf(what, sizeof what, "people_search_id%s", where);
  return pri_error_invalid_id(err, what, id);
}

static pubrio_status add_parsed(pubrio_batch_request *request,
                                const uint8_t uuid[16], pubrio_error *err) {
  int added = pri_uuid_set_add(&request->people, uuid);
  if (added < 0)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  if (added == 0)
    request->duplicates++;
  return PUBRIO_OK;
}

pubrio_status pubrio_batch_request_add_person(pubrio_batch_request *request,
                                              const char *people_search_id,
                                              pubrio_error *err) {
  if (!request)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "request is NULL");
  uint8_t uuid[16];
  if (pri_uuid_parse(people_search_id, uuid) != 0)
    return invalid_id(err, people_search_id, "");
  return add_parsed(request, uuid, err);
}

pubrio_status pubrio_batch_request_add_people(pubrio_batch_request *request,
                                              const char *const *ids,
                                              size_t count, pubrio_error *err) {
  if (!request || (!ids && count))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "request or ids is NULL");
  /* Parse everything first so a bad id leaves the request untouched; a
   * batch's worth on the stack, more on the heap. */
  uint8_t on_stack[128][16];
  uint8_t(*parsed)[16] =
      count <= 128 ? on_stack : pri_malloc(count * sizeof *parsed);
  if (!parsed)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  pubrio_status st = PUBRIO_OK;
  for (size_t i = 0; i < count && st == PUBRIO_OK; i++) {
    if (pri_uuid_parse(ids[i], parsed[i]) != 0) {
      char where[48];
      snprintf(where, sizeof where, " at index %zu", i);
      st = invalid_id(err, ids[i], where);
    }
  }
  if (st == PUBRIO_OK && pri_uuid_set_reserve(&request->people, count) != 0)
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  for (size_t i = 0; i < count && st == PUBRIO_OK; i++)
    st = add_parsed(request, parsed[i], err);
  if (parsed != on_stack)
    pri_free(parsed);
  return st;
}

pubrio_status
pubrio_batch_request_add_contact_types(pubrio_batch_request *request,
                                       unsigned types, pubrio_error *err) {
  if (!request)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "request is NULL");
  if (types == 0 || (types & ~(unsigned)PRI_ALL_CONTACT_TYPES))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "contact types 0x%x are not a combination of "
                         "PUBRIO_CONTACT_EMAIL_PERSONAL, "
                         "PUBRIO_CONTACT_EMAIL_WORK and PUBRIO_CONTACT_PHONE",
                         types);
  request->contact_types |= types;
  return PUBRIO_OK;
}

pubrio_status pubrio_batch_request_set_profile_id(pubrio_batch_request *request,
                                                  int64_t profile_id,
                                                  pubrio_error *err) {
  if (!request)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "request is NULL");
  if (profile_id < 0)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "profile_id %lld is negative", (long long)profile_id);
  request->profile_id = profile_id;
  request->has_profile_id = 1;
  return PUBRIO_OK;
}

size_t pubrio_batch_request_people_count(const pubrio_batch_request *request) {
  return request ? request->people.count : 0;
}

size_t pubrio_batch_request_duplicates(const pubrio_batch_request *request) {
  return request ? request->duplicates : 0;
}

unsigned
pubrio_batch_request_contact_types(const pubrio_batch_request *request) {
  return request ? request->contact_types : 0;
}

pubrio_status pri_request_check_ready(const pubrio_batch_request *request,
                                      pubrio_error *err) {
  if (!request)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "request is NULL");
  if (request->people.count == 0)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "the request has no people: add at least one "
                         "people_search_id");
  if (request->contact_types == 0)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "the request has no contact types: add at least one "
                         "of email-personal, email-work, phone");
  return PUBRIO_OK;
}
