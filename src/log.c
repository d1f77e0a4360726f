#include "log.h"

#include "alloc.h"
#include "buf.h"
#include "redact.h"
#include "untrusted.h"

#include <stdarg.h>
#include <string.h>

enum { BODY_LOG_BYTES = 4096 };

/* Whether @p level reaches the hook (so callers can skip building lines). */
static int log_enabled(const pubrio_client *client, pubrio_log_level level) {
  return client->log && level <= client->log_level;
}

void pri_log(pubrio_client *client, pubrio_log_level level, const char *fmt,
             ...) {
  if (!log_enabled(client, level))
    return;
  pri_buf line = {0};
  va_list ap;
  va_start(ap, fmt);
  int rc = pri_buf_vappendf(&line, fmt, ap);
  va_end(ap);
  if (rc == 0) {
    pri_redact(line.data, client->api_key); /* e.g. a body echoing the key */
    client->log(level, line.data, client->log_userdata);
  }
  pri_buf_free(&line);
}

void pri_log_body(pubrio_client *client, const char *what, const char *text,
                  size_t len) {
  if (!log_enabled(client, PUBRIO_LOG_DEBUG))
    return;
  /* Mask over the cut and past it by the longest escaped key, so a key that
   * straddles the cut is masked whole first. */
  size_t reach = BODY_LOG_BYTES + 6 * strlen(client->api_key);
  char *head = pri_strndup(text, len < reach ? len : reach);
  if (!head)
    return;
  pri_redact(head, client->api_key);
  char *safe = pri_untrusted_text(head, strlen(head), BODY_LOG_BYTES);
  if (safe)
    pri_log(client, PUBRIO_LOG_DEBUG, "%s: %s%s", what, safe,
            len > reach ? "..." : "");
  pri_free_secret(safe);
  pri_free_secret(head);
}
