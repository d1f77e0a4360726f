/* Filling a caller's pubrio_error. Its strings live in a block the library
 * keeps in the struct's last reserved slot: the library frees that block,
 * never a pointer read back from a string field, since runtimes that copy
 * the struct in and out of each call may have replaced those with their
 * own copies. */
#ifndef PUBRIO_ERROR_H
#define PUBRIO_ERROR_H

#include "pubrio/pubrio.h"

/* The string fields of pubrio_error. */
typedef enum pri_error_field {
  PRI_ERR_MESSAGE,
  PRI_ERR_API_MESSAGE,
  PRI_ERR_DETAILS_JSON,
  PRI_ERR_REQUEST_ID,
  PRI_ERR_REDEEM_QUERY_ID,
  PRI_ERR_FIELD_COUNT
} pri_error_field;

/* Reset @p err and set status and message; returns @p status so callers can
 * write `return pri_error_set(err, ...)`. A NULL @p err is fine. */
pubrio_status pri_error_set(pubrio_error *err, pubrio_status status,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Take ownership of a heap string (NULL clears) into one string field; the
 * string is freed when out of memory. */
void pri_error_take(pubrio_error *err, pri_error_field field, char *value);

/* Copy @p value (may be NULL) into a string field; like pri_error_take. */
void pri_error_copy(pubrio_error *err, pri_error_field field,
                    const char *value);

/* Make @p dst a copy of @p src (its strings copied), with status
 * @p status. */
void pri_error_copy_all(pubrio_error *dst, const pubrio_error *src,
                        pubrio_status status);

/* PUBRIO_E_INVALID_ARGUMENT naming a bad id: at most 64 of its characters,
 * escaped (it may hold anything, a terminal's control codes included). */
pubrio_status pri_error_invalid_id(pubrio_error *err, const char *what,
                                   const char *id);

/* Mask @p secret wherever it appears in err's strings (see pri_redact). */
void pri_error_redact(pubrio_error *err, const char *secret);

#endif
