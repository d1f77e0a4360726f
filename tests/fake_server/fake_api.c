#include "fake_api.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { TYPE_PERSONAL = 1, TYPE_WORK = 2, TYPE_PHONE = 4 };

typedef struct batch {
  char id[37];
  char **people;
  size_t count;
  unsigned types;
  int64_t submitted_ms;
  int polls;
} batch;

struct fake_api {
  int complete_after_polls;
  int64_t complete_after_ms;
  int estimated_time;
  batch *batches;
  size_t batch_count;
  int64_t credit;
};

fake_api *fake_api_new(int complete_after_polls, int64_t complete_after_ms,
                       int estimated_time) {
  fake_api *api = calloc(1, sizeof *api);
  if (!api)
    return NULL;
  api->complete_after_polls = complete_after_polls;
  api->complete_after_ms = complete_after_ms;
  api->estimated_time = estimated_time;
  api->credit = 450000;
  return api;
}

void fake_api_free(fake_api *api) {
  if (!api)
    return;
  for (size_t i = 0; i < api->batch_count; i++) {
    for (size_t j = 0; j < api->batches[i].count; j++)
      free(api->batches[i].people[j]);
    free(api->batches[i].people);
  }
  free(api->batches);
  free(api);
}

char *fake_api_error_body(int code, const char *message, const char *field) {
  cJSON *root = cJSON_CreateObject();
  cJSON_AddNumberToObject(root, "code", code);
  cJSON_AddStringToObject(root, "message", message);
  cJSON *details = cJSON_AddObjectToObject(root, "details");
  if (field)
    cJSON_AddStringToObject(details, "field", field);
  char *text = cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  return text;
}

static int is_uuid(const char *s) {
  for (int i = 0; i < 36; i++) {
    int dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
      return 0;
  }
  return s[36] == '\0';
}

static unsigned type_bit(const char *name) {
  if (strcmp(name, "email-personal") == 0)
    return TYPE_PERSONAL;
  if (strcmp(name, "email-work") == 0)
    return TYPE_WORK;
  if (strcmp(name, "phone") == 0)
    return TYPE_PHONE;
  return 0;
}

static uint64_t fnv(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++)
    h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 1099511628211ull;
  return h;
}

int fake_api_contacts_for(const char *id, unsigned types, fake_contact out[3]) {
  uint64_t h = fnv(id);
  if (h % 7 == 0) /* some people have nothing to unlock */
    return 0;
  int n = 0;
  if (types & TYPE_PERSONAL) {
    snprintf(out[n].value, sizeof out[n].value, "p.%.8s@personal.example", id);
    out[n].type = "email-personal";
    out[n++].status = NULL;
  }
  if (types & TYPE_WORK) {
    snprintf(out[n].value, sizeof out[n].value, "w.%.8s@work.example", id);
    out[n].type = "email-work";
    out[n++].status = "Verified";
  }
  if (types & TYPE_PHONE) {
    snprintf(out[n].value, sizeof out[n].value, "+1555%07llu",
             (unsigned long long)(h % 10000000));
    out[n].type = "phone";
    out[n++].status = NULL;
  }
  return n;
}

static int reject(char **response, int code, const char *message,
                  const char *field) {
  *response = fake_api_error_body(code, message, field);
  return 400;
}

/* Every key of @p obj must be in @p allowed: the real API is strict too. */
static const char *unknown_key(const cJSON *obj, const char *const *allowed) {
  const cJSON *item;
  cJSON_ArrayForEach(item, obj) {
    int ok = 0;
    for (const char *const *a = allowed; *a; a++)
      ok |= strcmp(item->string, *a) == 0;
    if (!ok)
      return item->string;
  }
  return NULL;
}

static int check_profile_id(const cJSON *root) {
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "profile_id");
  return !p || (cJSON_IsNumber(p) &&
                p->valuedouble == (double)(int64_t)p->valuedouble);
}

static int submit(fake_api *api, const cJSON *root, int64_t now_ms,
                  char **response) {
  static const char *const allowed[] = {"peoples", "people_contact_types",
                                        "profile_id", NULL};
  const char *extra = unknown_key(root, allowed);
  if (extra)
    return reject(response, 40002, "unknown field", extra);
  const cJSON *peoples = cJSON_GetObjectItemCaseSensitive(root, "peoples");
  const cJSON *types =
      cJSON_GetObjectItemCaseSensitive(root, "people_contact_types");
  if (!cJSON_IsArray(peoples) || cJSON_GetArraySize(peoples) == 0)
    return reject(response, 40001, "peoples must be a non-empty array",
                  "peoples");
  if (!cJSON_IsArray(types) || cJSON_GetArraySize(types) == 0)
    return reject(response, 40001,
                  "people_contact_types must be a non-empty array",
                  "people_contact_types");
  if (!check_profile_id(root))
    return reject(response, 40001, "profile_id must be an integer",
                  "profile_id");
  const cJSON *item;
  cJSON_ArrayForEach(item, peoples) {
    if (!cJSON_IsString(item) || !is_uuid(item->valuestring))
      return reject(response, 40001, "peoples must hold UUIDs", "peoples");
  }
  unsigned mask = 0;
  cJSON_ArrayForEach(item, types) {
    unsigned bit = cJSON_IsString(item) ? type_bit(item->valuestring) : 0;
    if (!bit)
      return reject(response, 40001, "unknown contact type",
                    "people_contact_types");
    mask |= bit;
  }
  batch *grown = realloc(api->batches, (api->batch_count + 1) * sizeof *grown);
  if (!grown)
    return 500;
  api->batches = grown;
  batch *b = &api->batches[api->batch_count++];
  memset(b, 0, sizeof *b);
  snprintf(b->id, sizeof b->id, "00000000-0000-4000-8000-%012zx",
           api->batch_count);
  b->count = (size_t)cJSON_GetArraySize(peoples);
  b->people = calloc(b->count, sizeof *b->people);
  size_t i = 0;
  cJSON_ArrayForEach(item, peoples) b->people[i++] = strdup(item->valuestring);
  b->types = mask;
  b->submitted_ms = now_ms;

  cJSON *out = cJSON_CreateObject();
  cJSON *data = cJSON_AddObjectToObject(out, "data");
  cJSON_AddStringToObject(data, "redeem_query_id", b->id);
  cJSON_AddBoolToObject(data, "is_completed", 0);
  cJSON_AddNumberToObject(data, "estimated_time", api->estimated_time);
  cJSON_AddStringToObject(data, "estimated_time_type", "second");
  *response = cJSON_PrintUnformatted(out);
  cJSON_Delete(out);
  return 200;
}

static void add_person(cJSON *list, const batch *b, const char *id,
                       int64_t *charged) {
  cJSON *person = cJSON_CreateObject();
  cJSON_AddStringToObject(person, "people_search_id", id);
  cJSON *emails = cJSON_AddArrayToObject(person, "emails");
  cJSON *phones = cJSON_AddArrayToObject(person, "phones");
  fake_contact contacts[3];
  int n = fake_api_contacts_for(id, b->types, contacts);
  for (int i = 0; i < n; i++) {
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "value", contacts[i].value);
    cJSON_AddStringToObject(c, "type", contacts[i].type);
    if (contacts[i].status)
      cJSON_AddStringToObject(c, "status", contacts[i].status);
    else
      cJSON_AddNullToObject(c, "status");
    cJSON_AddItemToArray(strcmp(contacts[i].type, "phone") ? emails : phones,
                         c);
  }
  *charged += n;
  cJSON_AddItemToArray(list, person);
}

static int query(fake_api *api, const cJSON *root, int64_t now_ms,
                 char **response) {
  static const char *const allowed[] = {"redeem_query_id", "profile_id", NULL};
  const char *extra = unknown_key(root, allowed);
  if (extra)
    return reject(response, 40002, "unknown field", extra);
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "redeem_query_id");
  if (!cJSON_IsString(id) || !is_uuid(id->valuestring))
    return reject(response, 40001, "redeem_query_id must be a UUID",
                  "redeem_query_id");
  if (!check_profile_id(root))
    return reject(response, 40001, "profile_id must be an integer",
                  "profile_id");
  batch *b = NULL;
  for (size_t i = 0; i < api->batch_count && !b; i++)
    if (strcasecmp(api->batches[i].id, id->valuestring) == 0)
      b = &api->batches[i];
  if (!b)
    return reject(response, 40004, "redeem_query_id not found",
                  "redeem_query_id");
  b->polls++;
  int done = b->polls > api->complete_after_polls &&
             now_ms - b->submitted_ms >= api->complete_after_ms;

  cJSON *out = cJSON_CreateObject();
  cJSON *data = cJSON_AddObjectToObject(out, "data");
  cJSON *profile = cJSON_AddObjectToObject(data, "profile");
  cJSON *q = cJSON_AddObjectToObject(data, "query");
  cJSON_AddStringToObject(q, "redeem_query_id", b->id);
  cJSON_AddBoolToObject(q, "is_completed", done);
  cJSON_AddNumberToObject(q, "estimated_time", api->estimated_time);
  cJSON_AddStringToObject(q, "estimated_time_type", "second");
  cJSON *people = cJSON_AddArrayToObject(data, "peoples");
  int64_t charged = 0;
  for (size_t i = 0; done && i < b->count; i++)
    add_person(people, b, b->people[i], &charged);
  cJSON_AddNumberToObject(profile, "credit", (double)(api->credit - charged));
  cJSON_AddNumberToObject(profile, "topup_credit", 235237);
  cJSON_AddNumberToObject(profile, "total_charged_credit", (double)charged);
  *response = cJSON_PrintUnformatted(out);
  cJSON_Delete(out);
  return 200;
}

static int compare_strings(const void *a, const void *b) {
  return strcasecmp(*(char *const *)a, *(char *const *)b);
}

void fake_api_people_stats(fake_api *api, size_t *submitted, int *max_repeat) {
  size_t n = 0;
  for (size_t i = 0; i < api->batch_count; i++)
    n += api->batches[i].count;
  char **all = malloc((n ? n : 1) * sizeof *all);
  size_t k = 0;
  for (size_t i = 0; all && i < api->batch_count; i++)
    for (size_t j = 0; j < api->batches[i].count; j++)
      all[k++] = api->batches[i].people[j];
  *submitted = n;
  *max_repeat = 0;
  if (all && n) {
    qsort(all, n, sizeof *all, compare_strings);
    int run = 1;
    for (size_t i = 1; i <= n; i++, run++) {
      if (i == n || strcasecmp(all[i], all[i - 1]) != 0) {
        if (run > *max_repeat)
          *max_repeat = run;
        run = 0;
      }
    }
  }
  free(all);
}

int fake_api_handle(fake_api *api, const char *endpoint, const char *body,
                    size_t len, int64_t now_ms, char **response) {
  cJSON *root = cJSON_ParseWithLength(body, len);
  int status;
  if (!cJSON_IsObject(root))
    status = reject(response, 40000, "the body is not a JSON object", NULL);
  else if (strcmp(endpoint, "/redeem/people/batch") == 0)
    status = submit(api, root, now_ms, response);
  else if (strcmp(endpoint, "/redeem/people/batch/query") == 0)
    status = query(api, root, now_ms, response);
  else {
    *response = strdup("{\"error\":\"not found\"}");
    status = 404;
  }
  cJSON_Delete(root);
  return status;
}
