/* Answers in: typed results from 2xx bodies (the query's people streamed),
 * and what an error body says. Every contract break names the field. */
#include "json.h"
#include "alloc.h"

#include "buf.h"
#include "error.h"
#include "estimate.h"
#include "json_walk.h"
#include "result.h"
#include "untrusted.h"
#include "uuid.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- typed readers: every failure names the field --------------------- */

typedef struct reader {
  pubrio_error *err;
  pubrio_status status; /* first failure, PUBRIO_OK until then */
  pri_arena *arena;
} reader;

static void contract(reader *r, const char *path, const char *key,
                     const char *expected, const cJSON *got) {
  if (r->status != PUBRIO_OK)
    return;
  const char *kind = !got                  ? "nothing"
                     : cJSON_IsNull(got)   ? "null"
                     : cJSON_IsBool(got)   ? "a boolean"
                     : cJSON_IsNumber(got) ? "a number"
                     : cJSON_IsString(got) ? "a string"
                     : cJSON_IsArray(got)  ? "an array"
                                           : "an object";
  r->status =
      pri_error_set(r->err, PUBRIO_E_PROTOCOL,
                    "%s%s%s: expected %s, got %s",
                    path, key ? "." : "", key ? key : "", expected, kind);
}

static void out_of_memory(reader *r) {
  if (r->status == PUBRIO_OK)
    r->status = pri_error_set(r->err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
}

static const cJSON *field(const cJSON *obj, const char *key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int is_absent(const cJSON *item) { return !item || cJSON_IsNull(item); }

/* An integral JSON number that fits int64. */
static int as_int64(const cJSON *item, int64_t *out) {
  if (!cJSON_IsNumber(item))
    return 0;
  double v = item->valuedouble;
  if (!isfinite(v) || v != floor(v) || v < -9.2e18 || v > 9.2e18)
    return 0;
  *out = (int64_t)v;
  return 1;
}

/* Optional integer: absent or null leave *has = 0. */
static void read_opt_int(reader *r, const cJSON *obj, const char *path,
                         const char *key, int *has, int64_t *out) {
  const cJSON *item = field(obj, key);
  *has = 0;
  if (is_absent(item))
    return;
  if (!as_int64(item, out)) {
    contract(r, path, key, "an integer", item);
    return;
  }
  *has = 1;
}

/* A copy of a server string in the arena, made valid UTF-8. */
static char *arena_text(reader *r, const char *text) {
  size_t len = strlen(text);
  if (pri_utf8_valid(text, len))
    return pri_arena_strdup(r->arena, text);
  pri_buf fixed = {0};
  char *copy = pri_utf8_repair(&fixed, text, len) == 0
                   ? pri_arena_strdup(r->arena, fixed.data)
                   : NULL;
  pri_buf_free(&fixed);
  return copy;
}

/* Optional string copied into the arena; NULL when absent or null. */
static const char *read_opt_str(reader *r, const cJSON *obj, const char *path,
                                const char *key) {
  const cJSON *item = field(obj, key);
  if (is_absent(item))
    return NULL;
  if (!cJSON_IsString(item)) {
    contract(r, path, key, "a string", item);
    return NULL;
  }
  char *copy = arena_text(r, item->valuestring);
  if (!copy)
    out_of_memory(r);
  return copy;
}

/* Optional string read leniently: anything else counts as absent. */
static const char *read_lenient_str(reader *r, const cJSON *obj,
                                    const char *key) {
  const cJSON *item = field(obj, key);
  return cJSON_IsString(item) ? read_opt_str(r, obj, "", key) : NULL;
}

static const char *read_uuid(reader *r, const cJSON *obj, const char *path,
                             const char *key) {
  const cJSON *item = field(obj, key);
  uint8_t uuid[16];
  if (!cJSON_IsString(item) || pri_uuid_parse(item->valuestring, uuid) != 0) {
    contract(r, path, key, "a UUID string", item);
    return NULL;
  }
  return read_opt_str(r, obj, path, key);
}

static const cJSON *read_object(reader *r, const cJSON *obj, const char *path,
                                const char *key) {
  const cJSON *item = field(obj, key);
  if (!cJSON_IsObject(item)) {
    contract(r, path, key, "an object", item);
    return NULL;
  }
  return item;
}

static cJSON *parse_root(reader *r, const char *body, size_t len) {
  errno = 0; /* cJSON says nothing of why it failed; malloc sets ENOMEM */
  cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
  if (!root && errno == ENOMEM)
    out_of_memory(r);
  else if (!root)
    r->status = pri_error_set(r->err, PUBRIO_E_PROTOCOL,
                              "the body is not valid JSON (%zu bytes)",
                              len);
  else if (!cJSON_IsObject(root))
    contract(r, "body", NULL, "an object", root);
  return root;
}

/* The estimate, leniently: any JSON number counts (1.5, 1e400, -5), rounded
 * up and clamped; anything else counts as absent. */
static void read_estimate(reader *r, const cJSON *obj, pubrio_batch_job *job) {
  const cJSON *time = field(obj, "estimated_time");
  job->estimated_time_type = read_lenient_str(r, obj, "estimated_time_type");
  job->estimated_time = job->estimated_time_ms = -1;
  if (!cJSON_IsNumber(time))
    return;
  double v = time->valuedouble;
  job->estimated_time = !(v > 0) ? 0
                        : v >= (double)PRI_ESTIMATE_MAX_MS
                            ? PRI_ESTIMATE_MAX_MS
                            : (int64_t)ceil(v);
  job->estimated_time_ms =
      pri_estimate_ms_from_double(v, job->estimated_time_type);
}

/* Fill a job from the status object (`data` on submit, `data.query` on
 * query): the two endpoints share the shape. Only the id is required of a
 * submit answer; a query answer must also say whether it is complete. */
static void read_job(reader *r, const cJSON *obj, const char *path,
                     int need_completion, pubrio_batch_job *job) {
  job->redeem_query_id = read_uuid(r, obj, path, "redeem_query_id");
  const cJSON *done = field(obj, "is_completed");
  if (need_completion && !cJSON_IsBool(done))
    contract(r, path, "is_completed", "a boolean", done);
  job->is_completed = cJSON_IsTrue(done);
  read_estimate(r, obj, job);
}

pubrio_status pri_json_parse_job(char *body, size_t len,
                                 pubrio_batch_job **out, pubrio_error *err) {
  *out = NULL;
  if (body)
    pri_json_repair_escapes(body, len);
  pri_job *job = pri_job_new();
  if (!job)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  reader r = {err, PUBRIO_OK, &job->arena};
  cJSON *root = parse_root(&r, body, len);
  const cJSON *data = r.status ? NULL : read_object(&r, root, "body", "data");
  if (data)
    read_job(&r, data, "data", 0, &job->pub);
  cJSON_Delete(root);
  if (r.status != PUBRIO_OK) {
    pubrio_batch_job_free(&job->pub);
    return r.status;
  }
  *out = &job->pub;
  return PUBRIO_OK;
}

/* ---- query results ---------------------------------------------------- */

static pubrio_contact *read_contacts(reader *r, const cJSON *person,
                                     const char *key, size_t *count) {
  const cJSON *list = field(person, key);
  *count = 0;
  if (is_absent(list))
    return NULL;
  if (!cJSON_IsArray(list)) {
    contract(r, "data.peoples[]", key, "an array", list);
    return NULL;
  }
  size_t n = (size_t)cJSON_GetArraySize(list);
  pubrio_contact *contacts = pri_arena_calloc(r->arena, n, sizeof *contacts);
  if (n && !contacts) {
    out_of_memory(r);
    return NULL;
  }
  char path[48];
  snprintf(path, sizeof path, "data.peoples[].%s[]", key);
  const cJSON *item;
  cJSON_ArrayForEach(item, list) {
    if (!cJSON_IsObject(item)) {
      contract(r, path, NULL, "an object", item);
      return NULL;
    }
    pubrio_contact *c = &contacts[(*count)++];
    c->value = read_opt_str(r, item, path, "value");
    c->type_raw = read_opt_str(r, item, path, "type");
    c->type = pubrio_contact_type_from_str(c->type_raw);
    c->status = read_opt_str(r, item, path, "status");
  }
  return contacts;
}

/* One element of data.peoples, appended to the result. */
static void read_person(reader *r, const cJSON *item, pri_query_result *res) {
  if (!cJSON_IsObject(item)) {
    contract(r, "data.peoples[]", NULL, "an object", item);
    return;
  }
  size_t n = res->pub.people_count;
  if (n == res->people_cap) {
    size_t cap = n ? n * 2 : 16;
    pri_person *grown = pri_realloc(res->people, cap * sizeof *grown);
    if (!grown) {
      out_of_memory(r);
      return;
    }
    res->people = grown;
    res->people_cap = cap;
  }
  pri_person *p = &res->people[n];
  memset(p, 0, sizeof *p);
  res->pub.people_count++;
  p->pub.people_search_id =
      read_uuid(r, item, "data.peoples[]", "people_search_id");
  p->emails = read_contacts(r, item, "emails", &p->pub.email_count);
  p->phones = read_contacts(r, item, "phones", &p->pub.phone_count);
}

/* data.peoples, streamed: each person is parsed, converted and freed
 * before the next one is read. */
static void walk_people(reader *r, pri_walk *w, pri_query_result *res) {
  size_t count = 0;
  while (r->status == PUBRIO_OK && pri_walk_next(w, ']', &count)) {
    cJSON *item = pri_walk_value(w);
    if (item)
      read_person(r, item, res);
    cJSON_Delete(item);
  }
}

/* The members of `data` go into @p rest, except `peoples`, which is
 * streamed. Like cJSON lookups, the first of duplicate keys wins. */
static void walk_data(reader *r, pri_walk *w, cJSON *rest,
                      pri_query_result *res) {
  size_t count = 0;
  int people_seen = 0;
  while (r->status == PUBRIO_OK && pri_walk_next(w, '}', &count)) {
    cJSON *key = pri_walk_key(w);
    if (!key)
      return;
    const char *name = key->valuestring;
    int is_people = strcmp(name, "peoples") == 0;
    if (is_people && !people_seen && pri_walk_enter(w, '[')) {
      walk_people(r, w, res);
    } else {
      cJSON *value = pri_walk_value(w);
      if (is_people && !people_seen && value && !cJSON_IsNull(value))
        contract(r, "data", "peoples", "an array", value);
      if (!value || is_people || field(rest, name)) {
        cJSON_Delete(value); /* skipped, or a duplicate */
      } else if (!cJSON_AddItemToObject(rest, name, value)) {
        cJSON_Delete(value);
        out_of_memory(r); /* a member lost would look like a broken answer */
      }
    }
    people_seen |= is_people;
    cJSON_Delete(key);
  }
}

/* Walk the body's top level: `data` is taken apart, anything else skipped.
 * Returns the data object without its people, NULL when it is not an object
 * (*data_value then holds what it was, for the error message). */
static cJSON *walk_root(reader *r, pri_walk *w, pri_query_result *res,
                        cJSON **data_value) {
  cJSON *rest = NULL;
  size_t count = 0;
  int seen = 0;
  while (r->status == PUBRIO_OK && pri_walk_next(w, '}', &count)) {
    cJSON *key = pri_walk_key(w);
    if (!key)
      break;
    if (!seen && strcmp(key->valuestring, "data") == 0) {
      seen = 1;
      if (pri_walk_enter(w, '{')) {
        rest = cJSON_CreateObject();
        if (!rest)
          out_of_memory(r);
        else
          walk_data(r, w, rest, res);
      } else {
        *data_value = pri_walk_value(w);
      }
    } else {
      cJSON_Delete(pri_walk_value(w));
    }
    cJSON_Delete(key);
  }
  return rest;
}

static void read_profile(reader *r, const cJSON *data, pubrio_query_result *p) {
  const cJSON *profile = field(data, "profile");
  if (is_absent(profile))
    return;
  if (!cJSON_IsObject(profile)) {
    contract(r, "data", "profile", "an object", profile);
    return;
  }
  read_opt_int(r, profile, "data.profile", "credit", &p->has_credit,
               &p->credit);
  read_opt_int(r, profile, "data.profile", "topup_credit", &p->has_topup_credit,
               &p->topup_credit);
  read_opt_int(r, profile, "data.profile", "total_charged_credit",
               &p->has_total_charged_credit, &p->total_charged_credit);
}

/* The body walked for its people (streamed into @p res) and the rest of
 * `data`, which is returned; shared by the query and the single redeem. */
static cJSON *walk_answer(reader *r, char *body, size_t len,
                          pri_query_result *res) {
  pri_walk w = {.p = body, .end = body ? body + len : NULL};
  cJSON *data = NULL, *data_value = NULL;
  if (r->status == PUBRIO_OK && (!body || !pri_walk_enter(&w, '{'))) {
    /* Not an object: let the whole-body reader say what it is. */
    cJSON *root = parse_root(r, body, len);
    if (r->status == PUBRIO_OK) /* cannot happen: the walk skips as cJSON */
      contract(r, "body", NULL, "an object", root);
    cJSON_Delete(root);
  } else if (r->status == PUBRIO_OK) {
    data = walk_root(r, &w, res, &data_value);
    if (w.no_memory)
      out_of_memory(r);
    else if (w.malformed && r->status == PUBRIO_OK)
      r->status = pri_error_set(r->err, PUBRIO_E_PROTOCOL,
                                "the body is not valid JSON (%zu bytes)", len);
    else if (!data)
      contract(r, "body", "data", "an object", data_value);
  }
  cJSON_Delete(data_value);
  return data;
}

pubrio_status pri_json_parse_query(char *body, size_t len,
                                   pubrio_query_result **out,
                                   pubrio_error *err) {
  *out = NULL;
  if (body)
    pri_json_repair_escapes(body, len);
  pri_query_result *res = pri_query_result_new();
  if (!res)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  reader r = {err, PUBRIO_OK, &res->arena};
  pubrio_batch_job *job = pri_arena_alloc(&res->arena, sizeof *job);
  if (!job)
    out_of_memory(&r);
  res->pub.query = job;
  cJSON *data = walk_answer(&r, body, len, res);
  const cJSON *query = data ? read_object(&r, data, "data", "query") : NULL;
  if (query)
    read_job(&r, query, "data.query", 1, job);
  if (r.status == PUBRIO_OK)
    read_profile(&r, data, &res->pub);
  cJSON_Delete(data);
  if (r.status != PUBRIO_OK) {
    pubrio_query_result_free(&res->pub);
    return r.status;
  }
  *out = &res->pub;
  return PUBRIO_OK;
}

/* An integer the answer may or may not carry well: anything else is
 * reported absent. */
static void read_lenient_int(const cJSON *obj, const char *key, int *has,
                             int64_t *out) {
  *has = as_int64(field(obj, key), out);
  if (!*has)
    *out = 0;
}

pubrio_status pri_json_parse_person_answer(char *body, size_t len,
                                           pubrio_query_result **out,
                                           pubrio_error *err) {
  *out = NULL;
  if (body)
    pri_json_repair_escapes(body, len);
  pri_query_result *res = pri_query_result_new();
  if (!res)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  reader r = {err, PUBRIO_OK, &res->arena};
  pubrio_batch_job *job = pri_arena_alloc(&res->arena, sizeof *job);
  if (job) { /* no batch: done at once, nothing to estimate */
    job->redeem_query_id = pri_arena_strdup(&res->arena, "");
    job->is_completed = 1;
    job->estimated_time = job->estimated_time_ms = -1;
  }
  if (!job || !job->redeem_query_id)
    out_of_memory(&r);
  res->pub.query = job;
  cJSON *data = walk_answer(&r, body, len, res);
  const cJSON *profile = data ? field(data, "profile") : NULL;
  if (!cJSON_IsObject(profile))
    profile = NULL;
  read_lenient_int(profile, "credit", &res->pub.has_credit, &res->pub.credit);
  read_lenient_int(profile, "topup_credit", &res->pub.has_topup_credit,
                   &res->pub.topup_credit);
  read_lenient_int(profile, "total_credit_cost",
                   &res->pub.has_total_charged_credit,
                   &res->pub.total_charged_credit);
  cJSON_Delete(data);
  if (r.status != PUBRIO_OK) {
    pubrio_query_result_free(&res->pub);
    return r.status;
  }
  *out = &res->pub;
  return PUBRIO_OK;
}

/* ---- error bodies ----------------------------------------------------- */

void pri_json_parse_api_error(const char *body, size_t len,
                              pri_api_error *out) {
  memset(out, 0, sizeof *out);
  cJSON *root = body && len ? cJSON_ParseWithLength(body, len) : NULL;
  if (!cJSON_IsObject(root)) {
    cJSON_Delete(root);
    return;
  }
  out->is_json = 1;
  out->has_code = as_int64(field(root, "code"), &out->code);
  const cJSON *message = field(root, "message");
  const cJSON *error = field(root, "error");
  if (cJSON_IsObject(error) && !cJSON_IsString(message))
    message = field(error, "message"); /* {"error": {"message": ...}} */
  else if (!cJSON_IsString(message))
    message = error;
  if (cJSON_IsString(message))
    out->message = pri_strdup(message->valuestring);
  const cJSON *details = field(root, "details");
  if (details && !cJSON_IsNull(details)) {
    char *text = cJSON_PrintUnformatted(details);
    out->details_json = pri_strdup(text); /* ours: freed with pri_free() */
    cJSON_free(text);
  }
  cJSON_Delete(root);
}

void pri_api_error_free(pri_api_error *api_error) {
  pri_free(api_error->message);
  pri_free(api_error->details_json);
  memset(api_error, 0, sizeof *api_error);
}
