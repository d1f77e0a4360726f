/* The client's log hook: finished lines, the key masked, server text made
 * safe for a terminal. */
#ifndef PUBRIO_LOG_H
#define PUBRIO_LOG_H

#include "client.h"

#include <stddef.h>

/* Log a line when the level is enabled; the key is masked first. */
void pri_log(pubrio_client *client, pubrio_log_level level, const char *fmt,
             ...) __attribute__((format(printf, 3, 4)));

/* Log @p what followed by up to 4096 bytes of @p text (a request or
 * response body): the key is masked in the whole text before it is cut, so
 * a cut can never leave a piece of it, and control characters are
 * escaped. */
void pri_log_body(pubrio_client *client, const char *what, const char *text,
                  size_t len);

#endif
