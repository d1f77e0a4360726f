/* The endpoint calls as the wait loop needs them. */
#ifndef PUBRIO_REDEEM_H
#define PUBRIO_REDEEM_H

#include "pubrio/pubrio.h"

#include <stdint.h>

/* One query whose retries never sleep past @p deadline (clock time). */
pubrio_status pri_query(pubrio_client *client, const char *redeem_query_id,
                        int64_t deadline, pubrio_query_result **out,
                        pubrio_error *err);

#endif
