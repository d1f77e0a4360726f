/* The account calls (POST /profile, POST /profile/usage): their owned
 * results, and the calls with a deadline for callers that run under one
 * (a bulk run reading its quotas before its first request). */
#ifndef PUBRIO_ACCOUNT_H
#define PUBRIO_ACCOUNT_H

#include "pubrio/pubrio.h"

#include <stdint.h>

/* The public struct first, so the caller's pointer is the owner's. */
typedef struct pri_profile {
  pubrio_profile pub;
  char *plan_name;
} pri_profile;

typedef struct pri_usage {
  pubrio_usage pub;
  char *last_refreshed;
} pri_usage;

/* pubrio_profile_get and pubrio_usage_get whose retries and requests never
 * pass @p deadline (clock time; INT64_MAX: none); *deadline_reached (may
 * be NULL) tells when that stopped them. */
pubrio_status pri_account_profile_fetch(pubrio_client *client,
                                        int64_t profile_id, int64_t deadline,
                                        int *deadline_reached,
                                        pubrio_profile **out,
                                        pubrio_error *err);
pubrio_status pri_account_usage_fetch(pubrio_client *client, int64_t profile_id,
                                      int64_t deadline, int *deadline_reached,
                                      pubrio_usage **out, pubrio_error *err);

#endif
