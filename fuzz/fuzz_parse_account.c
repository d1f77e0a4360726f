/* libFuzzer harness: the account answers (POST /profile, /profile/usage)
 * and the single redeem's answer, from the same bytes. The account parsers
 * are lenient: whatever they accept must hand back readable strings and
 * counts that are -1 or within [0, 2^53]. */
#include "json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_ok(int64_t v) { return v >= -1 && v <= ((int64_t)1 << 53); }

/* The parsers rewrite escapes in place, as in a response buffer: each
 * gets its own copy. */
static char *copy(const uint8_t *data, size_t size) {
  char *body = malloc(size ? size : 1);
  if (body && size)
    memcpy(body, data, size);
  return body;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pubrio_error err = {0};
  char *body = copy(data, size);
  pubrio_profile *p = NULL;
  if (body && pri_json_parse_profile(body, size, &p, &err) == PUBRIO_OK) {
    if (!count_ok(p->email_price) || !count_ok(p->phone_price) ||
        !count_ok(p->max_hourly_requests) || p->api_access < -1 ||
        (p->has_credit && p->credit < 0) ||
        (p->plan_name && strlen(p->plan_name) > size * 3))
      abort();
  } else if (body && (p || !err.message)) {
    abort();
  }
  pubrio_profile_free(p);
  free(body);
  body = copy(data, size);
  pubrio_usage *u = NULL;
  if (body && pri_json_parse_usage(body, size, &u, &err) == PUBRIO_OK) {
    if (!count_ok(u->hourly_used) || !count_ok(u->daily_allowed) ||
        !count_ok(u->monthly_used) ||
        (u->last_refreshed && strlen(u->last_refreshed) > size * 3))
      abort();
  } else if (body && (u || !err.message)) {
    abort();
  }
  pubrio_usage_free(u);
  free(body);
  body = copy(data, size);
  pubrio_query_result *r = NULL;
  if (body && pri_json_parse_person_answer(body, size, &r, &err) == PUBRIO_OK) {
    if (!r->query || strcmp(r->query->redeem_query_id, "") != 0 ||
        !r->query->is_completed)
      abort();
    for (size_t i = 0; i < r->people_count; i++)
      if (!pubrio_query_result_person(r, i)->people_search_id)
        abort();
  } else if (body && (r || !err.message)) {
    abort();
  }
  pubrio_query_result_free(r);
  free(body);
  pubrio_error_clear(&err);
  return 0;
}
