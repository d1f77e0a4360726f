/* Answers in: typed results from 2xx bodies (the query's people streamed),
 * and what an error body says. Every contract break names the field. */
#include "alloc.h"
#include "growth.h"
#include "json.h"

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

static pri_job *fast_submit(const char *body, size_t len);

int pri_json_fast_path = 1;

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
      pri_error_set(r->err, PUBRIO_E_PROTOCOL, "%s%s%s: expected %s, got %s",
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
                              "the body is not valid JSON (%zu bytes)", len);
  else if (!cJSON_IsObject(root))
    contract(r, "body", NULL, "an object", root);
  return root;
}

/* The estimate, leniently: any JSON number counts (1.5, 1e400, -5), rounded
 * up and clamped; anything else counts as absent. */
static void set_estimate(pubrio_batch_job *job, int is_number, double v) {
  job->estimated_time = job->estimated_time_ms = -1;
  if (!is_number)
    return;
  job->estimated_time = !(v > 0)                           ? 0
                        : v >= (double)PRI_ESTIMATE_MAX_MS ? PRI_ESTIMATE_MAX_MS
                                                           : (int64_t)ceil(v);
  job->estimated_time_ms =
      pri_estimate_ms_from_double(v, job->estimated_time_type);
}

static void read_estimate(reader *r, const cJSON *obj, pubrio_batch_job *job) {
  const cJSON *time = field(obj, "estimated_time");
  job->estimated_time_type = read_lenient_str(r, obj, "estimated_time_type");
  set_estimate(job, cJSON_IsNumber(time),
               cJSON_IsNumber(time) ? time->valuedouble : 0);
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

pubrio_status pri_json_parse_job(char *body, size_t len, pubrio_batch_job **out,
                                 pubrio_error *err) {
  *out = NULL;
  pri_job *job = body && pri_json_fast_path ? fast_submit(body, len) : NULL;
  if (job) {
    *out = &job->pub;
    return PUBRIO_OK;
  }
  if (pri_json_fast_path == 2)
    return pri_error_set(err, PUBRIO_E_PROTOCOL, "the fast path gave up");
  if (body)
    pri_json_repair_escapes(body, len);
  job = pri_job_new();
  if (!job)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  reader r = {.err = err, .status = PUBRIO_OK, .arena = &job->arena};
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

/* A zeroed person appended to @p res; NULL when out of memory. */
static pri_person *new_person(pri_query_result *res) {
  size_t n = res->pub.people_count;
  if (pri_grow(&res->people, &res->people_cap, n + 1, sizeof *res->people))
    return NULL;
  pri_person *p = &res->people[n];
  memset(p, 0, sizeof *p);
  res->pub.people_count++;
  return p;
}

/* One element of data.peoples, appended to the result. */
static void read_person(reader *r, const cJSON *item, pri_query_result *res) {
  if (!cJSON_IsObject(item)) {
    contract(r, "data.peoples[]", NULL, "an object", item);
    return;
  }
  pri_person *p = new_person(res);
  if (!p) {
    out_of_memory(r);
    return;
  }
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

/* ---- the fast path: answers as the API sends them --------------------- */

/* An answer of the expected shape is read straight from the text: each
 * string once, decoded, checked and repaired in one pass into the result
 * (pri_json_read_string), and no cJSON tree built and freed for it. At the
 * first surprise (a type the contract does not allow, a duplicate key, a
 * number with a fraction or exponent, deep nesting, anything malformed)
 * it gives up and the cJSON reader above reads the whole answer again,
 * with its messages: the fast path only ever produces the same result,
 * never an error of its own. */
typedef struct fast {
  const char *p;
  const char *end;
  pri_arena *arena;
  pri_buf text;             /* the last string read, decoded */
  pubrio_contact *contacts; /* the contact list being read */
  size_t contacts_cap;
} fast;

enum { FAST_DEPTH_MAX = 32 }; /* deeper (and unknown) values: cJSON's */

/* The next byte that is not white space as cJSON skips it, or '\0'. */
static char fast_peek(fast *f) {
  while (f->p < f->end && (unsigned char)*f->p <= ' ')
    f->p++;
  return f->p < f->end ? *f->p : '\0';
}

static int fast_eat(fast *f, char c) {
  if (fast_peek(f) != c)
    return 0;
  f->p++;
  return 1;
}

static int fast_word(fast *f, const char *word, size_t n) {
  if (fast_peek(f) != word[0] || (size_t)(f->end - f->p) < n ||
      memcmp(f->p, word, n) != 0)
    return 0;
  f->p += n;
  return 1;
}

static int fast_string(fast *f) {
  return fast_peek(f) == '"' &&
         pri_json_read_string(&f->p, f->end, &f->text) == 1;
}

/* The string just read, copied into the result. */
static const char *fast_copy(fast *f) {
  char *copy = pri_arena_alloc(f->arena, f->text.len + 1);
  if (copy)
    memcpy(copy, f->text.data, f->text.len + 1);
  return copy;
}

/* A plain integer, -?[0-9]{1,15}: exactly the double cJSON's strtod makes
 * of it. Anything else cJSON counts as part of a number gives up. */
static int fast_integer(fast *f, double *out) {
  fast_peek(f);
  const char *s = f->p, *digits = s + (s < f->end && *s == '-');
  double v = 0;
  for (s = digits; s < f->end && *s >= '0' && *s <= '9' && s - digits < 16; s++)
    v = v * 10 + (*s - '0');
  if (s == digits || s - digits > 15 ||
      (s < f->end && (*s == '.' || *s == 'e' || *s == 'E' || *s == '+' ||
                      *s == '-' || (*s >= '0' && *s <= '9'))))
    return 0;
  *out = digits > f->p ? -v : v;
  f->p = s;
  return 1;
}

static const char *digits_end(const char *s, const char *end) {
  while (s < end && *s >= '0' && *s <= '9')
    s++;
  return s;
}

/* A number skipped: JSON's grammar, which cJSON's strtod reads whole; any
 * other run of the bytes cJSON takes for a number gives up. */
static int fast_skip_number(fast *f) {
  const char *s = f->p, *end = f->end, *d;
  s += s < end && *s == '-';
  if ((d = digits_end(s, end)) == s || (*s == '0' && d - s > 1))
    return 0;
  s = d;
  if (s < end && *s == '.') {
    if ((d = digits_end(s + 1, end)) == s + 1)
      return 0;
    s = d;
  }
  if (s < end && (*s == 'e' || *s == 'E')) {
    s += 1 + (s + 1 < end && (s[1] == '+' || s[1] == '-'));
    if ((d = digits_end(s, end)) == s)
      return 0;
    s = d;
  }
  if (s - f->p > 63 || (s < end && (*s == '.' || *s == 'e' || *s == 'E' ||
                                    *s == '+' || *s == '-')))
    return 0;
  f->p = s;
  return 1;
}

/* Any value, checked and skipped (a member the library does not read). */
static int fast_skip(fast *f, int depth) {
  char c = fast_peek(f);
  if (c == '"')
    return fast_string(f);
  if (c == '-' || (c >= '0' && c <= '9'))
    return fast_skip_number(f);
  if (c == 'n' || c == 't' || c == 'f')
    return fast_word(f, "null", 4) || fast_word(f, "true", 4) ||
           fast_word(f, "false", 5);
  if ((c != '[' && c != '{') || depth >= FAST_DEPTH_MAX)
    return 0;
  char close = c == '[' ? ']' : '}';
  f->p++;
  if (fast_eat(f, close))
    return 1;
  do {
    if (c == '{' && !(fast_string(f) && fast_eat(f, ':')))
      return 0;
    if (!fast_skip(f, depth + 1))
      return 0;
  } while (fast_eat(f, ','));
  return fast_eat(f, close);
}

/* Before each member of an object whose '{' was read: 1 with its key in
 * f->text and the ':' read, 0 after the closing '}', -1 on anything else. */
static int fast_member(fast *f, size_t *count) {
  if (fast_eat(f, '}'))
    return 0;
  if ((*count)++ && !fast_eat(f, ','))
    return -1;
  return fast_string(f) && fast_eat(f, ':') ? 1 : -1;
}

/* Before each element of an array whose '[' was read: 1, 0 after ']'. */
static int fast_element(fast *f, size_t *count) {
  if (fast_eat(f, ']'))
    return 0;
  return (*count)++ && !fast_eat(f, ',') ? -1 : 1;
}

/* Which of @p keys (a NULL-ended list) the member's key is: its bit, or
 * 0 for any other key (then skipped). A second one gives up: cJSON's
 * lookups would take the first, the cJSON reader handles that. */
static unsigned fast_key(fast *f, const char *const *keys, unsigned *seen) {
  for (unsigned i = 0; keys[i]; i++)
    if (strcmp(f->text.data, keys[i]) == 0) {
      unsigned bit = 1u << i;
      if (*seen & bit)
        return ~0u;
      *seen |= bit;
      return bit;
    }
  return 0;
}

/* A string copied into the result, or null (NULL). */
static int fast_opt_string(fast *f, const char **out) {
  *out = NULL;
  if (fast_word(f, "null", 4))
    return 1;
  return fast_string(f) && (*out = fast_copy(f)) != NULL;
}

static int fast_uuid(fast *f, const char **out) {
  uint8_t uuid[16];
  return fast_string(f) && pri_uuid_parse(f->text.data, uuid) == 0 &&
         (*out = fast_copy(f)) != NULL;
}

/* A member whose value is skipped, or a known one: the bit, or 0 to give
 * up. */
static unsigned fast_next(fast *f, const char *const *keys, unsigned *seen,
                          size_t *count, int *more) {
  for (;;) {
    int m = fast_member(f, count);
    *more = m == 1;
    if (m != 1)
      return m == 0; /* 1: the object ended well */
    unsigned bit = fast_key(f, keys, seen);
    if (bit)
      return bit == ~0u ? 0 : bit;
    if (!fast_skip(f, 0))
      return 0;
  }
}

static int fast_contact(fast *f, pubrio_contact *c) {
  static const char *const keys[] = {"value", "type", "status", NULL};
  memset(c, 0, sizeof *c);
  if (!fast_eat(f, '{'))
    return 0;
  unsigned seen = 0, bit;
  size_t count = 0;
  int more;
  while ((bit = fast_next(f, keys, &seen, &count, &more)) && more) {
    const char **slot = bit == 1   ? &c->value
                        : bit == 2 ? &c->type_raw
                                   : &c->status;
    if (!fast_opt_string(f, slot))
      return 0;
  }
  c->type = pubrio_contact_type_from_str(c->type_raw);
  return bit != 0;
}

static int fast_contacts(fast *f, pubrio_contact **out, size_t *count) {
  *out = NULL;
  *count = 0;
  if (fast_word(f, "null", 4))
    return 1;
  if (!fast_eat(f, '['))
    return 0;
  size_t n = 0, elements = 0;
  int m;
  while ((m = fast_element(f, &elements)) == 1) {
    if (pri_grow(&f->contacts, &f->contacts_cap, n + 1, sizeof *f->contacts))
      return 0;
    if (!fast_contact(f, &f->contacts[n++]))
      return 0;
  }
  pubrio_contact *list = pri_arena_calloc(f->arena, n, sizeof *list);
  if (m != 0 || !list)
    return 0;
  if (n)
    memcpy(list, f->contacts, n * sizeof *list);
  *out = list;
  *count = n;
  return 1;
}

static int fast_person(fast *f, pri_query_result *res) {
  static const char *const keys[] = {"people_search_id", "emails", "phones",
                                     NULL};
  pri_person *p = new_person(res);
  if (!p || !fast_eat(f, '{'))
    return 0;
  unsigned seen = 0, bit;
  size_t count = 0;
  int more;
  while ((bit = fast_next(f, keys, &seen, &count, &more)) && more) {
    int ok = bit == 1   ? fast_uuid(f, &p->pub.people_search_id)
             : bit == 2 ? fast_contacts(f, &p->emails, &p->pub.email_count)
                        : fast_contacts(f, &p->phones, &p->pub.phone_count);
    if (!ok)
      return 0;
  }
  return bit != 0 && (seen & 1);
}

/* The batch state: `data` of a submit answer, `data.query` of a query
 * answer (which must say whether it is complete); see read_job. */
static int fast_job(fast *f, int need_completion, pubrio_batch_job *job) {
  static const char *const keys[] = {"redeem_query_id", "is_completed",
                                     "estimated_time", "estimated_time_type",
                                     NULL};
  if (!fast_eat(f, '{'))
    return 0;
  unsigned seen = 0, bit;
  size_t count = 0;
  int more, has_time = 0, told = 0;
  double time = 0;
  while ((bit = fast_next(f, keys, &seen, &count, &more)) && more) {
    char c = fast_peek(f);
    int ok;
    if (bit == 1)
      ok = fast_uuid(f, &job->redeem_query_id);
    else if (bit == 2 && (c == 't' || c == 'f'))
      ok = told = (job->is_completed = fast_word(f, "true", 4)) ||
                  fast_word(f, "false", 5);
    else if (bit == 4 && (c == '-' || (c >= '0' && c <= '9')))
      ok = has_time = fast_integer(f, &time);
    else if (bit == 8 && c == '"')
      ok = fast_string(f) && (job->estimated_time_type = fast_copy(f));
    else /* read leniently: anything else counts as absent */
      ok = !(bit == 2 && need_completion) && fast_skip(f, 0);
    if (!ok)
      return 0;
  }
  if (!bit || !(seen & 1) || (need_completion && !told))
    return 0;
  set_estimate(job, has_time, time);
  return 1;
}

static int fast_profile(fast *f, pubrio_query_result *res) {
  static const char *const keys[] = {"credit", "topup_credit",
                                     "total_charged_credit", NULL};
  if (fast_word(f, "null", 4))
    return 1;
  if (!fast_eat(f, '{'))
    return 0;
  int *has[] = {&res->has_credit, &res->has_topup_credit,
                &res->has_total_charged_credit};
  int64_t *value[] = {&res->credit, &res->topup_credit,
                      &res->total_charged_credit};
  unsigned seen = 0, bit;
  size_t count = 0;
  int more;
  double v;
  while ((bit = fast_next(f, keys, &seen, &count, &more)) && more) {
    unsigned i = bit == 1 ? 0 : bit == 2 ? 1 : 2;
    if (fast_word(f, "null", 4))
      continue;
    if (!fast_integer(f, &v))
      return 0;
    *has[i] = 1;
    *value[i] = (int64_t)v;
  }
  return bit != 0;
}

/* `data` of a query answer: the people, the batch state, the credits. */
static int fast_query_data(fast *f, pri_query_result *res,
                           pubrio_batch_job *job) {
  static const char *const keys[] = {"peoples", "query", "profile", NULL};
  if (!fast_eat(f, '{'))
    return 0;
  unsigned seen = 0, bit;
  size_t count = 0;
  int more;
  while ((bit = fast_next(f, keys, &seen, &count, &more)) && more) {
    int ok = 1;
    if (bit == 1 && !fast_word(f, "null", 4)) {
      size_t people = 0;
      int m;
      ok = fast_eat(f, '[');
      while (ok && (m = fast_element(f, &people)) == 1)
        ok = fast_person(f, res);
      ok = ok && m == 0;
    } else if (bit == 2) {
      ok = fast_job(f, 1, job);
    } else if (bit == 4) {
      ok = fast_profile(f, &res->pub);
    }
    if (!ok)
      return 0;
  }
  return bit != 0 && (seen & 2);
}

/* The body's top level: `data` read by the caller, the rest skipped. Returns
 * 1 with f->p at `data`'s value, as long as it comes once. */
static int fast_root_to_data(fast *f) {
  static const char *const keys[] = {"data", NULL};
  unsigned seen = 0;
  size_t count = 0;
  int more;
  if (!fast_eat(f, '{'))
    return 0;
  return fast_next(f, keys, &seen, &count, &more) == 1 && more;
}

/* After `data`: the rest of the top level, skipped. */
static int fast_root_rest(fast *f) {
  static const char *const keys[] = {"data", NULL};
  unsigned seen = 1, bit;
  size_t count = 1;
  int more;
  bit = fast_next(f, keys, &seen, &count, &more);
  return bit == 1 && !more;
}

static void fast_end(fast *f) {
  pri_buf_free(&f->text);
  pri_free(f->contacts);
}

/* A query answer read by the fast path into a new result; NULL when it
 * gave up (or ran out of memory): the cJSON reader then reads it. */
static pri_query_result *fast_query(const char *body, size_t len) {
  pri_query_result *res = pri_query_result_new();
  if (!res)
    return NULL;
  fast f = {.p = body, .end = body + len, .arena = &res->arena};
  pubrio_batch_job *job = pri_arena_alloc(&res->arena, sizeof *job);
  res->pub.query = job;
  int ok = job && fast_root_to_data(&f) && fast_query_data(&f, res, job) &&
           fast_root_rest(&f);
  fast_end(&f);
  if (!ok) {
    pubrio_query_result_free(&res->pub);
    return NULL;
  }
  return res;
}

/* The same for a submit answer. */
static pri_job *fast_submit(const char *body, size_t len) {
  pri_job *job = pri_job_new();
  if (!job)
    return NULL;
  fast f = {.p = body, .end = body + len, .arena = &job->arena};
  int ok =
      fast_root_to_data(&f) && fast_job(&f, 0, &job->pub) && fast_root_rest(&f);
  fast_end(&f);
  if (!ok) {
    pubrio_batch_job_free(&job->pub);
    return NULL;
  }
  return job;
}

/* A query-shaped answer's start: the fast path, and when it gives up the
 * cJSON reader's (escapes repaired, a result with its *job, NULL when out
 * of memory). PUBRIO_OK with *res NULL when the fast path answered (*out
 * set); with *res set to go on reading; or a failure. */
static pubrio_status start_answer(char *body, size_t len,
                                  pubrio_query_result **out,
                                  pri_query_result **res,
                                  pubrio_batch_job **job, pubrio_error *err) {
  *out = NULL;
  *res = NULL;
  *job = NULL;
  pri_query_result *quick =
      body && pri_json_fast_path ? fast_query(body, len) : NULL;
  if (quick) {
    *out = &quick->pub;
    return PUBRIO_OK;
  }
  if (pri_json_fast_path == 2)
    return pri_error_set(err, PUBRIO_E_PROTOCOL, "the fast path gave up");
  if (body)
    pri_json_repair_escapes(body, len);
  *res = pri_query_result_new();
  if (!*res)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  *job = pri_arena_calloc(&(*res)->arena, 1, sizeof **job);
  (*res)->pub.query = *job;
  return PUBRIO_OK;
}

pubrio_status pri_json_parse_query(char *body, size_t len,
                                   pubrio_query_result **out,
                                   pubrio_error *err) {
  pri_query_result *res;
  pubrio_batch_job *job;
  pubrio_status st = start_answer(body, len, out, &res, &job, err);
  if (st != PUBRIO_OK || !res)
    return st;
  reader r = {.err = err, .status = PUBRIO_OK, .arena = &res->arena};
  if (!job)
    out_of_memory(&r);
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
  pri_query_result *res;
  pubrio_batch_job *job;
  pubrio_status st = start_answer(body, len, out, &res, &job, err);
  if (st != PUBRIO_OK || !res)
    return st;
  reader r = {.err = err, .status = PUBRIO_OK, .arena = &res->arena};
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
