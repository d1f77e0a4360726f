/* Request bodies out. */
#include "json.h"

#include "alloc.h"
#include "buf.h"
#include "request.h"
#include "uuid.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* The submit body is written directly: every byte in it is either a UUID
 * we formatted ourselves or a fixed name, so nothing needs escaping, and a
 * 100,000-person batch costs one buffer instead of 200,000 cJSON nodes. */
char *pri_json_submit_body(const pubrio_batch_request *request) {
  pri_buf out = {0};
  size_t n = request->people.count;
  /* One allocation: 39 bytes an id, plus room for the rest. */
  int ok = n < ((size_t)-1 - 256) / 39 &&
           pri_buf_reserve(&out, n * (PRI_UUID_STR_LEN + 3) + 256) == 0 &&
           pri_buf_append_str(&out, "{\"peoples\":[") == 0;
  char id[PRI_UUID_STR_LEN + 3] = ",\"";
  for (size_t i = 0; ok && i < n; i++) {
    pri_uuid_format(request->people.items[i], id + 2);
    id[PRI_UUID_STR_LEN + 2] = '"';
    /* The first id goes without its leading comma. */
    ok = pri_buf_append(&out, id + (i == 0), PRI_UUID_STR_LEN + 3 - (i == 0)) ==
         0;
  }
  ok = ok && pri_buf_append_str(&out, "],\"people_contact_types\":[") == 0;
  const char *sep = "\"";
  for (unsigned bit = 1; ok && bit <= PUBRIO_CONTACT_PHONE; bit <<= 1) {
    if (!(request->contact_types & bit))
      continue;
    ok = pri_buf_append_str(&out, sep) == 0 &&
         pri_buf_append_str(
             &out, pubrio_contact_type_str((pubrio_contact_type)bit)) == 0 &&
         pri_buf_append_str(&out, "\"") == 0;
    sep = ",\"";
  }
  ok = ok && pri_buf_append_str(&out, "]") == 0;
  if (ok && request->has_profile_id)
    ok = pri_buf_appendf(&out, ",\"profile_id\":%lld",
                         (long long)request->profile_id) == 0;
  ok = ok && pri_buf_append_str(&out, "}") == 0;
  if (!ok) {
    pri_buf_free(&out);
    return NULL;
  }
  return pri_buf_steal(&out);
}

/* The id is one we formatted ourselves (canonical): nothing to escape. */
char *pri_json_query_body(const char *redeem_query_id, int has_profile_id,
                          int64_t profile_id) {
  pri_buf out = {0};
  int failed = pri_buf_appendf(&out, "{\"redeem_query_id\":\"%s\"",
                               redeem_query_id) != 0;
  if (!failed && has_profile_id)
    failed = pri_buf_appendf(&out, ",\"profile_id\":%lld",
                             (long long)profile_id) != 0;
  if (failed || pri_buf_append_str(&out, "}") != 0) {
    pri_buf_free(&out);
    return NULL;
  }
  return pri_buf_steal(&out);
}

/* The URL is the caller's text: cJSON escapes it. The profile id goes in
 * raw, as a double would round ids past 2^53. */
char *pri_json_redeem_person_body(const char *people_search_id,
                                  const char *linkedin_url, unsigned types,
                                  int64_t profile_id) {
  cJSON *root = cJSON_CreateObject();
  int ok = root != NULL;
  if (ok && people_search_id)
    ok = cJSON_AddStringToObject(root, "people_search_id", people_search_id) !=
         NULL;
  if (ok && linkedin_url)
    ok = cJSON_AddStringToObject(root, "linkedin_url", linkedin_url) != NULL;
  cJSON *list =
      ok ? cJSON_AddArrayToObject(root, "people_contact_types") : NULL;
  ok = list != NULL;
  for (unsigned bit = 1; ok && bit <= PUBRIO_CONTACT_PHONE; bit <<= 1) {
    if (!(types & bit))
      continue;
    cJSON *name =
        cJSON_CreateString(pubrio_contact_type_str((pubrio_contact_type)bit));
    ok = name && cJSON_AddItemToArray(list, name);
    if (!ok)
      cJSON_Delete(name);
  }
  if (ok && profile_id >= 0) {
    char raw[24];
    snprintf(raw, sizeof raw, "%lld", (long long)profile_id);
    ok = cJSON_AddRawToObject(root, "profile_id", raw) != NULL;
  }
  char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
  char *copy = text ? pri_strdup(text) : NULL; /* ours: freed by pri_free */
  cJSON_free(text);
  cJSON_Delete(root);
  return copy;
}
