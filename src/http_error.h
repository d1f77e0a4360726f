/* Turning a failed attempt into a typed pubrio_error. */
#ifndef PUBRIO_HTTP_ERROR_H
#define PUBRIO_HTTP_ERROR_H

#include "pubrio/pubrio.h"
#include "transport.h"

/* Fill @p err from @p resp (a network failure or a non-2xx response) and
 * return its status. @p url names the endpoint in messages. */
pubrio_status pri_http_error_from_response(const pri_http_response *resp,
                                           const char *url,
                                           int64_t retry_after_ms,
                                           pubrio_error *err);

#endif
