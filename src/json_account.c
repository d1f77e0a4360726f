/* The account calls' bodies out and answers in (POST /profile and
 * /profile/usage). Their answers carry far more than a run needs and their
 * numbers are advisory, so they are read leniently: an odd field becomes
 * "unknown", never a failed call; only a body that is not JSON, or a
 * `data` that is not an object, breaks the contract. */
#include "json.h"

#include "account.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "untrusted.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <string.h>

/* Numbers past this are clamped: exact in a double, and far from int64
 * overflow when a caller multiplies a price by a number of people. */
#define ACCOUNT_MAX ((int64_t)1 << 53)

char *pri_json_account_body(int64_t profile_id) {
  pri_buf out = {0};
  int rc = profile_id >= 0 ? pri_buf_appendf(&out, "{\"profile_id\":%lld}",
                                             (long long)profile_id)
                           : pri_buf_append_str(&out, "{}");
  if (rc != 0) {
    pri_buf_free(&out);
    return NULL;
  }
  return pri_buf_steal(&out);
}

static const cJSON *field(const cJSON *obj, const char *key) {
  return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key)
                             : NULL;
}

/* A count, price or limit: -1 unless a number >= 0; rounded toward
 * caution, clamped to ACCOUNT_MAX (infinity included). */
static int64_t lenient_count(const cJSON *item, int round_up) {
  if (!cJSON_IsNumber(item))
    return -1;
  double v = item->valuedouble;
  if (isnan(v) || v < 0)
    return -1;
  if (v >= (double)ACCOUNT_MAX)
    return ACCOUNT_MAX;
  return (int64_t)(round_up ? ceil(v) : floor(v));
}

/* A balance: any number, negative read as 0 (nothing to spend), fractions
 * rounded down; *has 0 when it is not a number. */
static void lenient_balance(const cJSON *item, int *has, int64_t *out) {
  *has = cJSON_IsNumber(item) && !isnan(item->valuedouble);
  *out = 0;
  if (*has && item->valuedouble > 0)
    *out = lenient_count(item, 0);
}

static int lenient_bool(const cJSON *item) {
  return cJSON_IsBool(item) ? cJSON_IsTrue(item) : -1;
}

/* A server string as valid UTF-8, malloc'd; NULL when not a string.
 * *oom is set when the copy could not be made. */
static char *lenient_text(const cJSON *item, int *oom) {
  if (!cJSON_IsString(item))
    return NULL;
  const char *s = item->valuestring;
  pri_buf fixed = {0};
  char *text =
      pri_utf8_repair(&fixed, s, strlen(s)) == 0 ? pri_buf_steal(&fixed) : NULL;
  pri_buf_free(&fixed);
  *oom = !text;
  return text;
}

/* The body's `data` object, or NULL with err filled. */
static cJSON *parse_data(char *body, size_t len, const cJSON **data,
                         pubrio_error *err, pubrio_status *st) {
  if (body)
    pri_json_repair_escapes(body, len);
  errno = 0; /* cJSON says nothing of why it failed; malloc sets ENOMEM */
  cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
  *data = NULL;
  if (!root) {
    *st = errno == ENOMEM
              ? pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory")
              : pri_error_set(err, PUBRIO_E_PROTOCOL,
                              "the body is not valid JSON (%zu bytes)", len);
    return NULL;
  }
  const cJSON *d = field(root, "data");
  if (!cJSON_IsObject(d)) {
    *st = pri_error_set(err, PUBRIO_E_PROTOCOL,
                        cJSON_IsObject(root) ? "data: expected an object"
                                             : "body: expected an object");
    return root;
  }
  *data = d;
  *st = PUBRIO_OK;
  return root;
}

pubrio_status pri_json_parse_profile(char *body, size_t len, void *out,
                                     pubrio_error *err) {
  pubrio_profile **result = out;
  *result = NULL;
  const cJSON *data;
  pubrio_status st;
  cJSON *root = parse_data(body, len, &data, err, &st);
  pri_profile *p = NULL;
  if (st == PUBRIO_OK && !(p = pri_calloc(1, sizeof *p)))
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  if (st == PUBRIO_OK) {
    pubrio_profile *pub = &p->pub;
    const cJSON *id = field(data, "profile_id");
    int64_t n = lenient_count(id, 0);
    pub->has_profile_id = n >= 0 && (double)n == id->valuedouble;
    pub->profile_id = pub->has_profile_id ? n : 0;
    lenient_balance(field(data, "credit"), &pub->has_credit, &pub->credit);
    lenient_balance(field(data, "topup_credit"), &pub->has_topup_credit,
                    &pub->topup_credit);
    const cJSON *sub = field(data, "subscription");
    int oom = 0;
    p->plan_name = lenient_text(field(sub, "name"), &oom);
    pub->plan_name = p->plan_name;
    pub->email_price = lenient_count(field(sub, "email_redeem_credit"), 1);
    pub->phone_price =
        lenient_count(field(sub, "phone_number_redeem_credit"), 1);
    pub->max_hourly_requests =
        lenient_count(field(sub, "max_api_hourly_query"), 0);
    pub->max_daily_requests =
        lenient_count(field(sub, "max_api_daily_query"), 0);
    pub->max_monthly_requests =
        lenient_count(field(sub, "max_api_monthly_query"), 0);
    pub->api_access = lenient_bool(field(sub, "is_api_access_available"));
    if (oom) {
      st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
      pubrio_profile_free(pub);
    } else {
      *result = pub;
    }
  }
  cJSON_Delete(root);
  return st;
}

/* What the workspace may make in a window: the licences' total, else the
 * plan's own figure (a lower bound of it). */
static int64_t allowed(const cJSON *data, const char *total, const char *max) {
  int64_t n = lenient_count(field(data, total), 0);
  return n >= 0 ? n : lenient_count(field(data, max), 0);
}

pubrio_status pri_json_parse_usage(char *body, size_t len, void *out,
                                   pubrio_error *err) {
  pubrio_usage **result = out;
  *result = NULL;
  const cJSON *data;
  pubrio_status st;
  cJSON *root = parse_data(body, len, &data, err, &st);
  pri_usage *u = NULL;
  if (st == PUBRIO_OK && !(u = pri_calloc(1, sizeof *u)))
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  if (st == PUBRIO_OK) {
    pubrio_usage *pub = &u->pub;
    pub->hourly_used = lenient_count(field(data, "api_hourly_usage"), 1);
    pub->daily_used = lenient_count(field(data, "api_daily_usage"), 1);
    pub->monthly_used = lenient_count(field(data, "api_monthly_usage"), 1);
    pub->hourly_allowed =
        allowed(data, "total_max_api_hourly_query", "max_api_hourly_query");
    pub->daily_allowed =
        allowed(data, "total_max_api_daily_query", "max_api_daily_query");
    pub->monthly_allowed =
        allowed(data, "total_max_api_monthly_query", "max_api_monthly_query");
    pub->api_access = lenient_bool(field(data, "is_api_access_available"));
    int oom = 0;
    u->last_refreshed = lenient_text(field(data, "api_last_refreshed"), &oom);
    pub->last_refreshed = u->last_refreshed;
    if (oom) {
      st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
      pubrio_usage_free(pub);
    } else {
      *result = pub;
    }
  }
  cJSON_Delete(root);
  return st;
}
