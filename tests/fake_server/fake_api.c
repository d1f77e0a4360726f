#include "fake_api.h"
#include "fake_lookup.h"

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
  int64_t charge; /* what its contacts cost, charged at submit */
} batch;

struct fake_api {
  int complete_after_polls;
  int64_t complete_after_ms;
  int estimated_time;
  batch *batches;
  size_t batch_count;
  char **singles; /* people redeemed one by one, by resolved id */
  size_t single_count;
  fake_plan plan; /* its name owned */
  fake_usage usage;
};

fake_api *fake_api_new(int complete_after_polls, int64_t complete_after_ms,
                       int estimated_time) {
  fake_api *api = calloc(1, sizeof *api);
  if (!api)
    return NULL;
  api->complete_after_polls = complete_after_polls;
  api->complete_after_ms = complete_after_ms;
  api->estimated_time = estimated_time;
  fake_plan defaults = {.email_price = 1,
                        .phone_price = 1,
                        .credit = 450000,
                        .name = "Fake Business"};
  fake_api_set_plan(api, &defaults);
  return api;
}

void fake_api_set_plan(fake_api *api, const fake_plan *plan) {
  free((char *)api->plan.name);
  api->plan = *plan;
  api->plan.name = strdup(plan->name ? plan->name : "Fake Business");
}

int64_t fake_api_credit(const fake_api *api) { return api->plan.credit; }

void fake_api_set_usage(fake_api *api, const fake_usage *usage) {
  api->usage = *usage;
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
  for (size_t i = 0; i < api->single_count; i++)
    free(api->singles[i]);
  free(api->singles);
  free((char *)api->plan.name);
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

static int64_t type_price(const fake_api *api, const char *type) {
  return strcmp(type, "phone") == 0 ? api->plan.phone_price
                                    : api->plan.email_price;
}

/* The most one person can cost: every requested type found. */
static int64_t worst_price(const fake_api *api, unsigned types) {
  int64_t sum = 0;
  if (types & TYPE_PERSONAL)
    sum += api->plan.email_price;
  if (types & TYPE_WORK)
    sum += api->plan.email_price;
  if (types & TYPE_PHONE)
    sum += api->plan.phone_price;
  return sum;
}

/* What one person costs: each contact returned at its type's price. */
static int64_t contacts_price(const fake_api *api, const char *id,
                              unsigned types) {
  fake_contact contacts[3];
  int n = fake_api_contacts_for(id, types, contacts);
  int64_t sum = 0;
  for (int i = 0; i < n; i++)
    sum += type_price(api, contacts[i].type);
  return sum;
}

static int payment_required(char **response) {
  *response = strdup("{\"error\":\"Insufficient credits\"}");
  return 402;
}

/* The contact types of a request body, as bits; 0 when the list is
 * missing, empty or names an unknown type. */
static unsigned contact_types(const cJSON *types) {
  if (!cJSON_IsArray(types) || cJSON_GetArraySize(types) == 0)
    return 0;
  unsigned mask = 0;
  const cJSON *item;
  cJSON_ArrayForEach(item, types) {
    unsigned bit = cJSON_IsString(item) ? type_bit(item->valuestring) : 0;
    if (!bit)
      return 0;
    mask |= bit;
  }
  return mask;
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
  int64_t worst = 0, charge = 0;
  cJSON_ArrayForEach(item, peoples) {
    worst += worst_price(api, mask);
    charge += contacts_price(api, item->valuestring, mask);
  }
  if (worst > api->plan.credit)
    return payment_required(response);
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
  b->charge = charge;
  api->plan.credit -= charge;

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

static void add_person(cJSON *list, unsigned types, const char *id) {
  cJSON *person = cJSON_CreateObject();
  cJSON_AddStringToObject(person, "people_search_id", id);
  cJSON *emails = cJSON_AddArrayToObject(person, "emails");
  cJSON *phones = cJSON_AddArrayToObject(person, "phones");
  fake_contact contacts[3];
  int n = fake_api_contacts_for(id, types, contacts);
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
  for (size_t i = 0; done && i < b->count; i++)
    add_person(people, b->types, b->people[i]);
  cJSON_AddNumberToObject(profile, "credit", (double)api->plan.credit);
  cJSON_AddNumberToObject(profile, "topup_credit", 235237);
  cJSON_AddNumberToObject(profile, "total_charged_credit",
                          done ? (double)b->charge : 0);
  *response = cJSON_PrintUnformatted(out);
  cJSON_Delete(out);
  return 200;
}

int fake_api_resolve_linkedin(const char *url, char out[37]) {
  const char *host = strstr(url, "://");
  if (!host)
    return -1;
  host += 3;
  size_t host_len = strcspn(host, "/?#");
  size_t name_len = strcspn(host, ":/?#"); /* without the port */
  const char *at = name_len >= 12 ? host + name_len - 12 : NULL;
  if (!at || strncasecmp(at, "linkedin.com", 12) != 0 ||
      (at > host && at[-1] != '.') || strncmp(host + host_len, "/in/", 4) != 0)
    return -1;
  const char *slug = host + host_len + 4;
  size_t len = strcspn(slug, "/?#");
  if (len == 0 || len > 256)
    return -1;
  char lower[257];
  for (size_t i = 0; i < len; i++)
    lower[i] = (char)tolower((unsigned char)slug[i]);
  lower[len] = '\0';
  uint64_t h1 = fnv(lower);
  uint64_t h2 = h1 ^ fnv("salt") ^ (h1 >> 29) * 0x9e3779b97f4a7c15ull;
  snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(h1 >> 32),
           (unsigned)(h1 >> 16) & 0xffffu, (unsigned)h1 & 0xfffu,
           (unsigned)(0x8000u | ((h2 >> 48) & 0x3fffu)),
           (unsigned long long)(h2 & 0xffffffffffffull));
  return strncasecmp(lower, "nobody", 6) == 0 ? 1 : 0;
}

/* POST /redeem/people: one person, by id or LinkedIn URL, charged like a
 * batch's person and counted in the people stats by the id resolved. */
static int redeem_one(fake_api *api, const cJSON *root, char **response) {
  static const char *const allowed[] = {"people_search_id", "linkedin_url",
                                        "people_contact_types", "profile_id",
                                        NULL};
  const char *extra = unknown_key(root, allowed);
  if (extra)
    return reject(response, 40002, "unknown field", extra);
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "people_search_id");
  const cJSON *url = cJSON_GetObjectItemCaseSensitive(root, "linkedin_url");
  if (!id == !url)
    return reject(response, 40001,
                  "give one of people_search_id and linkedin_url", NULL);
  char resolved[37];
  int nobody = 0;
  if (id) {
    if (!cJSON_IsString(id) || !is_uuid(id->valuestring))
      return reject(response, 40001, "people_search_id must be a UUID",
                    "people_search_id");
    snprintf(resolved, sizeof resolved, "%s", id->valuestring);
  } else {
    nobody = cJSON_IsString(url)
                 ? fake_api_resolve_linkedin(url->valuestring, resolved)
                 : -1;
    if (nobody < 0)
      return reject(response, 40001,
                    "linkedin_url must be a LinkedIn profile URL",
                    "linkedin_url");
  }
  unsigned mask = contact_types(
      cJSON_GetObjectItemCaseSensitive(root, "people_contact_types"));
  if (!mask)
    return reject(response, 40001,
                  "people_contact_types must name known contact types",
                  "people_contact_types");
  if (!check_profile_id(root))
    return reject(response, 40001, "profile_id must be an integer",
                  "profile_id");
  if (worst_price(api, mask) > api->plan.credit)
    return payment_required(response);
  int64_t charge = 0;
  cJSON *out = cJSON_CreateObject();
  cJSON *data = cJSON_AddObjectToObject(out, "data");
  cJSON *profile = cJSON_AddObjectToObject(data, "profile");
  cJSON *people = cJSON_AddArrayToObject(data, "peoples");
  if (!nobody) {
    char **grown =
        realloc(api->singles, (api->single_count + 1) * sizeof *grown);
    if (!grown) {
      cJSON_Delete(out);
      return 500;
    }
    api->singles = grown;
    api->singles[api->single_count++] = strdup(resolved);
    charge = contacts_price(api, resolved, mask);
    api->plan.credit -= charge;
    add_person(people, mask, resolved);
  }
  cJSON_AddNumberToObject(profile, "credit", (double)api->plan.credit);
  cJSON_AddNumberToObject(profile, "topup_credit", 235237);
  cJSON_AddNumberToObject(profile, "total_credit_cost", (double)charge);
  *response = cJSON_PrintUnformatted(out);
  cJSON_Delete(out);
  return 200;
}

/* POST /profile and /profile/usage take an optional profile_id only. */
static int check_account_body(const cJSON *root, char **response) {
  static const char *const allowed[] = {"profile_id", NULL};
  const char *extra = unknown_key(root, allowed);
  if (extra)
    return reject(response, 40002, "unknown field", extra);
  if (!check_profile_id(root))
    return reject(response, 40001, "profile_id must be an integer",
                  "profile_id");
  return 0;
}

static int profile(fake_api *api, const cJSON *root, char **response) {
  int bad = check_account_body(root, response);
  if (bad)
    return bad;
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "profile_id");
  cJSON *out = cJSON_CreateObject();
  cJSON *data = cJSON_AddObjectToObject(out, "data");
  cJSON_AddNumberToObject(data, "profile_id", id ? id->valuedouble : 1);
  cJSON_AddNumberToObject(data, "credit", (double)api->plan.credit);
  cJSON_AddNumberToObject(data, "topup_credit", 235237);
  cJSON_AddBoolToObject(data, "is_auto_top_up_credits_enabled", 0);
  cJSON *sub = cJSON_AddObjectToObject(data, "subscription");
  cJSON_AddStringToObject(sub, "name", api->plan.name);
  cJSON_AddNumberToObject(sub, "email_redeem_credit",
                          (double)api->plan.email_price);
  cJSON_AddNumberToObject(sub, "phone_number_redeem_credit",
                          (double)api->plan.phone_price);
  cJSON_AddNumberToObject(sub, "max_api_monthly_query",
                          (double)api->plan.max_monthly);
  cJSON_AddNumberToObject(sub, "max_api_daily_query",
                          (double)api->plan.max_daily);
  cJSON_AddNumberToObject(sub, "max_api_hourly_query",
                          (double)api->plan.max_hourly);
  cJSON_AddBoolToObject(sub, "is_api_access_available", 1);
  *response = cJSON_PrintUnformatted(out);
  cJSON_Delete(out);
  return 200;
}

static int usage(fake_api *api, const cJSON *root, char **response) {
  int bad = check_account_body(root, response);
  if (bad)
    return bad;
  static const char *const names[3] = {"hourly", "daily", "monthly"};
  cJSON *out = cJSON_CreateObject();
  cJSON *data = cJSON_AddObjectToObject(out, "data");
  char key[40];
  for (int i = 2; i >= 0; i--) {
    snprintf(key, sizeof key, "api_%s_usage", names[i]);
    cJSON_AddNumberToObject(data, key, (double)api->usage.used[i]);
  }
  cJSON_AddStringToObject(data, "api_last_refreshed",
                          "2026-11-13T10:01:13.051Z");
  for (int i = 2; i >= 0; i--) {
    snprintf(key, sizeof key, "max_api_%s_query", names[i]);
    cJSON_AddNumberToObject(data, key, (double)api->usage.allowed[i]);
  }
  for (int i = 2; i >= 0; i--) {
    snprintf(key, sizeof key, "total_max_api_%s_query", names[i]);
    cJSON_AddNumberToObject(data, key, (double)api->usage.allowed[i]);
  }
  cJSON_AddBoolToObject(data, "is_api_access_available", 1);
  *response = cJSON_PrintUnformatted(out);
  cJSON_Delete(out);
  return 200;
}

static int compare_strings(const void *a, const void *b) {
  return strcasecmp(*(char *const *)a, *(char *const *)b);
}

void fake_api_people_stats(fake_api *api, size_t *submitted, int *max_repeat) {
  size_t n = api->single_count;
  for (size_t i = 0; i < api->batch_count; i++)
    n += api->batches[i].count;
  char **all = malloc((n ? n : 1) * sizeof *all);
  size_t k = 0;
  for (size_t i = 0; all && i < api->batch_count; i++)
    for (size_t j = 0; j < api->batches[i].count; j++)
      all[k++] = api->batches[i].people[j];
  for (size_t i = 0; all && i < api->single_count; i++)
    all[k++] = api->singles[i];
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
  int account = strcmp(endpoint, "/profile") == 0 ||
                strcmp(endpoint, "/profile/usage") == 0;
  /* The account calls' body is optional. */
  cJSON *root = account && len == 0 ? cJSON_CreateObject()
                                    : cJSON_ParseWithLength(body, len);
  int status;
  if (!cJSON_IsObject(root))
    status = reject(response, 40000, "the body is not a JSON object", NULL);
  else if (strcmp(endpoint, "/redeem/people/batch") == 0)
    status = submit(api, root, now_ms, response);
  else if (strcmp(endpoint, "/redeem/people/batch/query") == 0)
    status = query(api, root, now_ms, response);
  else if (strcmp(endpoint, "/redeem/people") == 0)
    status = redeem_one(api, root, response);
  else if (strcmp(endpoint, "/redeem/people/contact/lookup") == 0 ||
           strcmp(endpoint, "/redeem/people/contact/lookup/batch") == 0)
    status = fake_lookup_handle(
        &api->plan.credit, strstr(endpoint, "/batch") != NULL, root, response);
  else if (strcmp(endpoint, "/profile") == 0)
    status = profile(api, root, response);
  else if (strcmp(endpoint, "/profile/usage") == 0)
    status = usage(api, root, response);
  else {
    *response = strdup("{\"error\":\"not found\"}");
    status = 404;
  }
  cJSON_Delete(root);
  return status;
}
