#include "rate.h"

#include "alloc.h"
#include "error.h"
#include "pacer.h"
#include "untrusted.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef struct unit {
  const char *name;
  int64_t ms;
} unit;

static const unit UNITS[] = {
    {"s", 1000},    {"sec", 1000},     {"m", 60000},    {"min", 60000},
    {"h", 3600000}, {"hour", 3600000}, {"d", 86400000}, {"day", 86400000},
};

/* Read a run of digits at *@p s worth at most @p max; 1 and advance, or 0
 * when there is none or it is too large. */
static int whole(const char **s, int64_t max, int64_t *out) {
  const char *p = *s;
  int64_t n = 0;
  if (*p < '0' || *p > '9')
    return 0;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (n > (max - (*p - '0')) / 10)
      return 0;
    n = n * 10 + (*p - '0');
  }
  *s = p;
  *out = n;
  return 1;
}

static pubrio_status bad(pubrio_error *err, const char *text, const char *why) {
  char *shown = pri_untrusted_text(text, strlen(text), 64);
  pubrio_status st = pri_error_set(
      err, PUBRIO_E_INVALID_ARGUMENT,
      "rate \"%s\" %s (expected N for N a minute, or N/DURATION such as "
      "300/min, 2400/h, 15/10s, 57600/day)",
      shown ? shown : "?", why);
  pri_free(shown);
  return st;
}

pubrio_status pubrio_rate_parse(const char *text, int64_t *out_requests,
                                int64_t *out_window_ms, pubrio_error *err) {
  if (!out_requests || !out_window_ms)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "out_requests and out_window_ms must not be NULL");
  if (!text || !*text)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "rate is empty (expected N for N a minute, or "
                         "N/DURATION such as 300/min, 2400/h, 15/10s)");
  const char *p = text;
  int64_t requests;
  if (!whole(&p, PRI_PACER_LIMIT_MAX, &requests))
    return bad(err, text,
               "does not start with a request count from 1 to 1000000000");
  if (requests == 0)
    return bad(err, text, "allows no request");
  int64_t window_ms = 60000;
  if (*p == '/') {
    p++;
    int64_t times = 1;
    if (*p >= '0' && *p <= '9') {
      if (!whole(&p, PRI_PACER_WINDOW_MAX_MS / 1000, &times))
        return bad(err, text, "has a duration longer than 366 days");
      if (times == 0)
        return bad(err, text, "has a duration of 0");
    }
    const unit *u = NULL;
    for (size_t i = 0; i < sizeof UNITS / sizeof *UNITS; i++)
      if (strcmp(p, UNITS[i].name) == 0)
        u = &UNITS[i];
    if (!u)
      return bad(err, text,
                 "has no known duration unit (s, sec, m, min, h, hour, d, "
                 "day, after an optional count: 10s)");
    if (times > PRI_PACER_WINDOW_MAX_MS / u->ms)
      return bad(err, text, "has a duration longer than 366 days");
    window_ms = times * u->ms;
  } else if (*p) {
    return bad(err, text, "has something after its request count");
  }
  *out_requests = requests;
  *out_window_ms = window_ms;
  return PUBRIO_OK;
}

int pri_rate_format(int64_t requests, int64_t window_ms, char *buf,
                    size_t size) {
  static const unit NAMED[] = {
      {"day", 86400000}, {"h", 3600000}, {"min", 60000}, {"s", 1000}};
  for (size_t i = 0; i < sizeof NAMED / sizeof *NAMED; i++) {
    if (window_ms <= 0 || window_ms % NAMED[i].ms)
      continue;
    int64_t times = window_ms / NAMED[i].ms;
    if (times == 1)
      return snprintf(buf, size, "%" PRId64 "/%s", requests, NAMED[i].name);
    return snprintf(buf, size, "%" PRId64 "/%" PRId64 "%s", requests, times,
                    NAMED[i].name);
  }
  return snprintf(buf, size, "%" PRId64 "/%" PRId64 "ms", requests, window_ms);
}
