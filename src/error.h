/* Filling a caller's pubrio_error. */
#ifndef PUBRIO_ERROR_H
#define PUBRIO_ERROR_H

#include "pubrio/pubrio.h"

/* Reset @p err and set status and message; returns @p status so callers can
 * write `return pri_error_set(err, ...)`. A NULL @p err is fine. */
pubrio_status pri_error_set(pubrio_error *err, pubrio_status status,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Take ownership of a heap string into one of err's const char * fields. */
void pri_error_take(const char **field, char *value);

/* Mask @p secret wherever it appears in err's strings. */
void pri_error_redact(pubrio_error *err, const char *secret);

#endif
