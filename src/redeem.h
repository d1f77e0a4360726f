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

#endif
