/* The fake's contact lookup: every entry resolved against a directory of
 * its own (exact by email or phone; by name with a domain or company when
 * similarity is enabled), the matches answered shuffled (reverse order),
 * duplicates marked and free, misses left out, 1 credit per billable
 * match. */
#include "fake_lookup.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const fake_lookup_person FAKE_LOOKUP_DIRECTORY[] = {
    {"e37ccf38-ea8f-422e-9874-cb23b15e8fe4", "King", "Lai", "Pubrio",
     "pubrio.com", "king.lai@pubrio.com", "+15550100001"},
    {"1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b", "John", "Smith", "Example",
     "example.com", "john.smith@example.com", "+15550100002"},
    {"2d5e1b0e-0b9f-4bc1-8c18-3de1a4b4b7c7", "Jane", "Doe", "Example",
     "example.com", "jane.doe@example.com", "+15550100003"},
    {"3e6f2c1f-1ca0-4cd2-9d29-4ef2b5c5c8d8", "Ann", "Lee", "Acme Inc",
     "acme.io", "ann@acme.io", "+442079460001"},
    {"4f703d20-2db1-4de3-8e3a-5f03c6d6d9e9", "Bob", "Stone", "Acme Inc",
     "acme.io", "bob@acme.io", "+442079460002"},
    {"5a814e31-3ec2-4ef4-9f4b-6a14d7e7eafa", "Chris", "Wu", "Globex",
     "globex.com", "chris.wu@globex.com", "+61290000001"},
};
const int FAKE_LOOKUP_DIRECTORY_SIZE =
    (int)(sizeof FAKE_LOOKUP_DIRECTORY / sizeof *FAKE_LOOKUP_DIRECTORY);

static int reject(char **response, int code, const char *message) {
  char *text = malloc(strlen(message) + 96);
  sprintf(
      text,
      "{\"code\":%d,\"message\":\"%s\",\"details\":{\"field\":\"peoples\"}}",
      code, message);
  *response = text;
  return 400;
}

/* Lower-cased, spaces around dropped, runs of spaces as one. */
static void fold(const char *in, char *out, size_t cap) {
  size_t n = 0;
  while (*in && isspace((unsigned char)*in))
    in++;
  for (; *in && n + 1 < cap; in++) {
    if (isspace((unsigned char)*in)) {
      if (n && out[n - 1] != ' ')
        out[n++] = ' ';
    } else
      out[n++] = (char)tolower((unsigned char)*in);
  }
  while (n && out[n - 1] == ' ')
    n--;
  out[n] = '\0';
}

static void digits(const char *in, char *out, size_t cap) {
  size_t n = 0;
  out[n++] = '+';
  for (; *in && n + 1 < cap; in++)
    if (isdigit((unsigned char)*in))
      out[n++] = *in;
  out[n] = '\0';
}

/* scheme, www. and path dropped, lower-cased. */
static void domain_of(const char *in, char *out, size_t cap) {
  char folded[256];
  fold(in, folded, sizeof folded);
  const char *s = strstr(folded, "://");
  s = s ? s + 3 : folded;
  if (strncmp(s, "www.", 4) == 0)
    s += 4;
  size_t n = strcspn(s, "/?#:");
  snprintf(out, cap, "%.*s", (int)n, s);
}

static const char *str(const cJSON *obj, const char *key) {
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsString(item) ? item->valuestring : NULL;
}

typedef struct found {
  fake_lookup_person person;
  char id[37], first[256], email[256]; /* a generated person's own */
  const char *confidence, *input_type;
  char input_value[256];
} found;

/* An email at the generated domain: a person of its own per local part. */
static int generated(const char *email, found *f) {
  const char *at = strchr(email, '@');
  if (!at || strcmp(at + 1, FAKE_LOOKUP_GENERATED_DOMAIN) != 0 ||
      strncmp(email, "miss", 4) == 0)
    return 0;
  unsigned long long h = 1469598103934665603ull;
  for (const char *p = email; p < at; p++)
    h = (h ^ (unsigned char)*p) * 1099511628211ull;
  snprintf(f->id, sizeof f->id, "%08llx-%04llx-4%03llx-8%03llx-%012llx",
           h >> 32, (h >> 16) & 0xffff, (h >> 4) & 0xfff, h & 0xfff,
           (h * 31) & 0xffffffffffffull);
  snprintf(f->first, sizeof f->first, "%.*s", (int)(at - email), email);
  snprintf(f->email, sizeof f->email, "%s", email);
  f->person = (fake_lookup_person){f->id,
                                   f->first,
                                   "Generated",
                                   "People Example",
                                   FAKE_LOOKUP_GENERATED_DOMAIN,
                                   f->email,
                                   NULL};
  return 1;
}

/* Exact first, then (with similarity) a name at a domain or company. */
static int resolve(const cJSON *entry, int similarity, found *f) {
  char a[256], b[256];
  const char *email = str(entry, "email"), *phone = str(entry, "phone");
  memset(f, 0, sizeof *f);
  f->confidence = "exact";
  if (email) {
    fold(email, a, sizeof a);
    for (int i = 0; i < FAKE_LOOKUP_DIRECTORY_SIZE; i++)
      if (strcmp(a, FAKE_LOOKUP_DIRECTORY[i].email) == 0)
        f->person = FAKE_LOOKUP_DIRECTORY[i];
    if (f->person.id || generated(a, f)) {
      f->input_type = "email-work";
      snprintf(f->input_value, sizeof f->input_value, "%s", a);
      if (strncmp(a, "unmappable", 10) == 0)
        snprintf(f->input_value, sizeof f->input_value, "someone.else@%s",
                 strchr(a, '@') + 1);
      return 1;
    }
  }
  if (phone) {
    digits(phone, a, sizeof a);
    for (int i = 0; i < FAKE_LOOKUP_DIRECTORY_SIZE; i++)
      if (strcmp(a, FAKE_LOOKUP_DIRECTORY[i].phone) == 0) {
        f->person = FAKE_LOOKUP_DIRECTORY[i];
        f->input_type = "phone";
        snprintf(f->input_value, sizeof f->input_value, "%s", a);
        return 1;
      }
  }
  const char *first = str(entry, "first_name"), *last = str(entry, "last_name");
  const char *domain = str(entry, "domain"), *company = str(entry, "company");
  if (!similarity || !first || !last)
    return 0;
  for (int i = 0; i < FAKE_LOOKUP_DIRECTORY_SIZE; i++) {
    const fake_lookup_person *p = &FAKE_LOOKUP_DIRECTORY[i];
    if (strcasecmp(first, p->first) != 0 || strcasecmp(last, p->last) != 0)
      continue;
    if (domain && (domain_of(domain, a, sizeof a), strcmp(a, p->domain) == 0)) {
      f->person = *p;
      f->confidence = "similarity_domain";
      f->input_type = "domain";
      snprintf(f->input_value, sizeof f->input_value, "%s", p->domain);
      return 1;
    }
    fold(p->company, b, sizeof b);
    if (company && (fold(company, a, sizeof a), strcmp(a, b) == 0)) {
      f->person = *p;
      f->confidence = "similarity_company";
      f->input_type = "company";
      snprintf(f->input_value, sizeof f->input_value, "%s", p->company);
      return 1;
    }
  }
  return 0;
}

static int known_entry(const cJSON *entry) {
  static const char *const allowed[] = {"email",     "phone",  "first_name",
                                        "last_name", "domain", "company"};
  int any = 0;
  for (const cJSON *item = entry->child; item; item = item->next) {
    if (strcmp(item->string, "is_enable_similarity_search") == 0 ||
        strcmp(item->string, "profile_id") == 0)
      continue; /* the single lookup's options, beside its entry */
    int ok = 0;
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
      ok |= strcmp(item->string, allowed[i]) == 0;
    if (!ok || !cJSON_IsString(item))
      return 0;
    any = 1;
  }
  return any;
}

static void add_match(cJSON *list, const found *f, int duplicate) {
  const fake_lookup_person *p = &f->person;
  char name[160];
  snprintf(name, sizeof name, "%s %s", p->first, p->last);
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "people_search_id", p->id);
  cJSON_AddStringToObject(o, "first_name", p->first);
  cJSON_AddStringToObject(o, "last_name", p->last);
  cJSON_AddStringToObject(o, "people_name", name);
  cJSON_AddStringToObject(o, "company_name", p->company);
  cJSON_AddStringToObject(o, "domain", p->domain);
  cJSON *m = cJSON_AddObjectToObject(o, "match");
  cJSON_AddStringToObject(m, "confidence", f->confidence);
  cJSON *in = cJSON_AddObjectToObject(m, "input");
  cJSON_AddStringToObject(in, "value", f->input_value);
  cJSON_AddStringToObject(in, "type", f->input_type);
  cJSON_AddBoolToObject(m, "is_duplicate_input", duplicate);
  cJSON_AddItemToArray(list, o);
}

int fake_lookup_handle(int64_t *credit, int batch, const cJSON *root,
                       char **response) {
  const cJSON *entries =
      batch ? cJSON_GetObjectItemCaseSensitive(root, "peoples") : root;
  for (const cJSON *item = root->child; item; item = item->next) {
    int option = strcmp(item->string, "is_enable_similarity_search") == 0 ||
                 strcmp(item->string, "profile_id") == 0;
    if (!option &&
        !(batch ? strcmp(item->string, "peoples") == 0 : cJSON_IsString(item)))
      return reject(response, 40002, "unknown field");
  }
  const cJSON *similar =
      cJSON_GetObjectItemCaseSensitive(root, "is_enable_similarity_search");
  const cJSON *profile = cJSON_GetObjectItemCaseSensitive(root, "profile_id");
  if ((similar && !cJSON_IsBool(similar)) ||
      (profile && !cJSON_IsNumber(profile)))
    return reject(response, 40001,
                  "is_enable_similarity_search must be a boolean and "
                  "profile_id an integer");
  int n = batch ? cJSON_GetArraySize(entries) : 1;
  if (batch && (!cJSON_IsArray(entries) || n == 0))
    return reject(response, 40001, "peoples must be a non-empty array");
  if (n > FAKE_LOOKUP_BATCH_LIMIT)
    return reject(response, 40003,
                  "peoples exceeds the bulk size limit of your subscription");
  found *hits = calloc((size_t)n, sizeof *hits);
  int *hit = calloc((size_t)n, sizeof *hit);
  const cJSON *entry = batch ? entries->child : root;
  for (int i = 0; i < n; i++, entry = batch ? entry->next : NULL) {
    if (!cJSON_IsObject(entry) || !known_entry(entry)) {
      free(hits);
      free(hit);
      return reject(response, 40001,
                    "each entry needs an email, a phone, or a name with a "
                    "domain or company, as strings");
    }
    hit[i] = resolve(entry, cJSON_IsTrue(similar), &hits[i]);
  }
  if (*credit < n) {
    free(hits);
    free(hit);
    *response = strdup("{\"code\":40200,\"message\":\"insufficient credits\","
                       "\"details\":{}}");
    return 402;
  }
  cJSON *out = cJSON_CreateObject();
  cJSON *data = cJSON_AddObjectToObject(out, "data");
  cJSON *prof = cJSON_AddObjectToObject(data, "profile");
  cJSON *list = cJSON_AddArrayToObject(data, "peoples");
  int64_t cost = 0;
  for (int i = 0; i < n; i++) { /* a person or input answered before: free */
    for (int j = 0; hit[i] && j < i; j++)
      if (hit[j] && (strcmp(hits[j].person.id, hits[i].person.id) == 0 ||
                     strcmp(hits[j].input_value, hits[i].input_value) == 0))
        hit[i] = 2;
    cost += hit[i] == 1;
  }
  /* Shuffled: the matches in reverse entry order, never by position. */
  for (int i = n - 1; i >= 0; i--)
    if (hit[i])
      add_match(list, &hits[i], hit[i] == 2);
  *credit -= cost;
  cJSON_AddNumberToObject(prof, "credit", (double)*credit);
  cJSON_AddNumberToObject(prof, "topup_credit", 235236);
  cJSON_AddNumberToObject(prof, "total_credit_cost", (double)cost);
  *response = cJSON_PrintUnformatted(out);
  cJSON_Delete(out);
  free(hits);
  free(hit);
  return 200;
}
