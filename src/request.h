/* What the JSON layer may read of a batch request. */
#ifndef PUBRIO_REQUEST_H
#define PUBRIO_REQUEST_H

#include "pubrio/pubrio.h"
#include "uuid_set.h"

struct pubrio_batch_request {
  pri_uuid_set people;
  size_t duplicates;
  unsigned contact_types; /* or-ed pubrio_contact_type bits */
  int has_profile_id;
  int64_t profile_id;
};

#define PRI_ALL_CONTACT_TYPES                                                  \
  (PUBRIO_CONTACT_EMAIL_PERSONAL | PUBRIO_CONTACT_EMAIL_WORK |                 \
   PUBRIO_CONTACT_PHONE)

/* Check that a request can be sent (people and contact types present). */
pubrio_status pri_request_check_ready(const pubrio_batch_request *request,
                                      pubrio_error *err);

#endif
