/* The contact lookup's JSON: the request bodies out, the answer in as a
 * list of matches (mapped to entries by lookup.c, never here). */
#include "json.h"

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "lookup.h"
#include "untrusted.h"
#include "uuid.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The fields of one entry, as the API names them. Domain and company only
 * with similarity: without it they cannot match, and a match naming one
 * would map to nobody. The domain goes out normalized (no scheme, www or
 * path). */
static int add_entry(cJSON *obj, const pubrio_lookup_request *request,
                     size_t index) {
  static const char *const names[PRI_LOOKUP_FIELDS] = {
      "email", "phone", "first_name", "last_name", "domain", "company"};
  char *const *f = request->entries[index].field;
  for (int i = 0; i < PRI_LOOKUP_FIELDS; i++) {
    if (!f[i])
      continue;
    int similar = i == PUBRIO_LOOKUP_DOMAIN || i == PUBRIO_LOOKUP_COMPANY;
    if (similar && !request->similarity)
      continue;
    char *domain = i == PUBRIO_LOOKUP_DOMAIN ? pri_lookup_domain(f[i]) : NULL;
    if (i == PUBRIO_LOOKUP_DOMAIN && !domain)
      return 0;
    int ok =
        cJSON_AddStringToObject(obj, names[i], domain ? domain : f[i]) != NULL;
    pri_free(domain);
    if (!ok)
      return 0;
  }
  return 1;
}

/* The options every body carries; the profile id raw (a double would
 * round ids past 2^53). */
static int add_options(cJSON *root, const pubrio_lookup_request *request) {
  if (!cJSON_AddBoolToObject(root, "is_enable_similarity_search",
                             request->similarity))
    return 0;
  if (request->profile_id >= 0) {
    char raw[24];
    snprintf(raw, sizeof raw, "%lld", (long long)request->profile_id);
    return cJSON_AddRawToObject(root, "profile_id", raw) != NULL;
  }
  return 1;
}

static char *print(cJSON *root, int ok) {
  char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
  char *copy = text ? pri_strdup(text) : NULL; /* ours: freed by pri_free */
  cJSON_free(text);
  cJSON_Delete(root);
  return copy;
}

char *pri_json_lookup_body(const pubrio_lookup_request *request, size_t index) {
  cJSON *root = cJSON_CreateObject();
  int ok =
      root && add_entry(root, request, index) && add_options(root, request);
  return print(root, ok);
}

char *pri_json_lookup_batch_body(const pubrio_lookup_request *request,
                                 const size_t *entries, size_t n) {
  cJSON *root = cJSON_CreateObject();
  cJSON *list = root ? cJSON_AddArrayToObject(root, "peoples") : NULL;
  int ok = list != NULL;
  for (size_t i = 0; ok && i < n; i++) {
    cJSON *obj = cJSON_CreateObject();
    if (obj && !cJSON_AddItemToArray(list, obj)) {
      cJSON_Delete(obj);
      obj = NULL;
    }
    ok = obj && add_entry(obj, request, entries[i]);
  }
  ok = ok && add_options(root, request);
  return print(root, ok);
}

/* ---- the answer ------------------------------------------------------- */

typedef struct reader {
  pubrio_error *err;
  pubrio_status status;
} reader;

static void fail(reader *r, pubrio_status status, const char *what,
                 size_t index) {
  if (r->status == PUBRIO_OK)
    r->status =
        status == PUBRIO_E_OUT_OF_MEMORY
            ? pri_error_set(r->err, status, "out of memory")
            : pri_error_set(r->err, status, "data.peoples[%zu]%s", index, what);
}

/* A server string made valid UTF-8; NULL when absent, null or not a
 * string (read leniently) or out of memory (r says so). */
static char *text(reader *r, const cJSON *obj, const char *key) {
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!cJSON_IsString(item))
    return NULL;
  const char *s = item->valuestring;
  size_t len = strlen(s);
  char *copy = NULL;
  if (pri_utf8_valid(s, len))
    copy = pri_strdup(s);
  else {
    pri_buf fixed = {0};
    if (pri_utf8_repair(&fixed, s, len) == 0)
      copy = pri_buf_steal(&fixed);
    pri_buf_free(&fixed);
  }
  if (!copy)
    fail(r, PUBRIO_E_OUT_OF_MEMORY, "", 0);
  return copy;
}

static void read_match(reader *r, const cJSON *person, size_t i,
                       pri_lookup_match *m) {
  if (!cJSON_IsObject(person)) {
    fail(r, PUBRIO_E_PROTOCOL, ": expected an object", i);
    return;
  }
  const cJSON *id =
      cJSON_GetObjectItemCaseSensitive(person, "people_search_id");
  uint8_t uuid[16];
  if (!cJSON_IsString(id) || pri_uuid_parse(id->valuestring, uuid) != 0) {
    fail(r, PUBRIO_E_PROTOCOL, ".people_search_id: expected a UUID string", i);
    return;
  }
  const cJSON *match = cJSON_GetObjectItemCaseSensitive(person, "match");
  const cJSON *input = cJSON_IsObject(match)
                           ? cJSON_GetObjectItemCaseSensitive(match, "input")
                           : NULL;
  /* Without the input that matched, the match cannot be mapped back. */
  if (!cJSON_IsObject(input) ||
      !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(input, "value")) ||
      !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(input, "type"))) {
    fail(r, PUBRIO_E_PROTOCOL,
         ".match.input: expected an object with the value and type strings", i);
    return;
  }
  m->people_search_id = text(r, person, "people_search_id");
  m->first_name = text(r, person, "first_name");
  m->last_name = text(r, person, "last_name");
  m->people_name = text(r, person, "people_name");
  m->company_name = text(r, person, "company_name");
  m->domain = text(r, person, "domain");
  m->confidence = text(r, match, "confidence");
  m->input_value = text(r, input, "value");
  m->input_type = text(r, input, "type");
  m->is_duplicate_input = cJSON_IsTrue(
      cJSON_GetObjectItemCaseSensitive(match, "is_duplicate_input"));
}

pubrio_status pri_json_parse_lookup(char *body, size_t len, void *out,
                                    pubrio_error *err) {
  pri_lookup_answer_list *list = out;
  memset(list, 0, sizeof *list);
  if (body)
    pri_json_repair_escapes(body, len);
  errno = 0; /* cJSON says nothing of why it failed; malloc sets ENOMEM */
  cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
  if (!root)
    return errno == ENOMEM
               ? pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory")
               : pri_error_set(err, PUBRIO_E_PROTOCOL,
                               "the body is not valid JSON (%zu bytes)", len);
  reader r = {.err = err, .status = PUBRIO_OK};
  const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
  const cJSON *people = cJSON_IsObject(data)
                            ? cJSON_GetObjectItemCaseSensitive(data, "peoples")
                            : NULL;
  if (!cJSON_IsArray(people)) {
    const char *why = cJSON_IsObject(data) ? "data.peoples: expected an array"
                                           : "data: expected an object";
    cJSON_Delete(root); /* data was in it: read first */
    return pri_error_set(err, PUBRIO_E_PROTOCOL, "%s", why);
  }
  const cJSON *profile = cJSON_GetObjectItemCaseSensitive(data, "profile");
  const cJSON *cost =
      cJSON_IsObject(profile)
          ? cJSON_GetObjectItemCaseSensitive(profile, "total_credit_cost")
          : NULL;
  if (cJSON_IsNumber(cost) && isfinite(cost->valuedouble) &&
      cost->valuedouble >= 0 && cost->valuedouble < 9e18) {
    list->has_total_credit_cost = 1;
    list->total_credit_cost = (int64_t)cost->valuedouble;
  }
  size_t n = (size_t)cJSON_GetArraySize(people);
  list->matches = pri_calloc(n + 1, sizeof *list->matches);
  if (!list->matches)
    fail(&r, PUBRIO_E_OUT_OF_MEMORY, "", 0);
  const cJSON *person = people->child;
  for (size_t i = 0; r.status == PUBRIO_OK && person;
       i++, person = person->next) {
    list->count = i + 1;
    read_match(&r, person, i, &list->matches[i]);
  }
  cJSON_Delete(root);
  if (r.status != PUBRIO_OK)
    pri_lookup_answer_list_free(list);
  return r.status;
}
