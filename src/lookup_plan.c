/* The pure side of the contact lookup: identifiers checked and
 * normalized into the keys matches are mapped back by, and the split of
 * the entries into requests in which no two entries share a key, so every
 * match names at most one entry of its request. */
#include "lookup.h"

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

static char lower(char c) {
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* [*start, *end) without the spaces around it. */
static void trim(const char *value, const char **start, const char **end) {
  const char *s = value, *e = value + strlen(value);
  while (s < e && is_space(*s))
    s++;
  while (e > s && is_space(e[-1]))
    e--;
  *start = s;
  *end = e;
}

static char *lower_copy(const char *s, const char *e) {
  char *out = pri_strndup(s, (size_t)(e - s));
  for (char *p = out; p && *p; p++)
    *p = lower(*p);
  return out;
}

char *pri_lookup_phone(const char *value) {
  size_t n = 0, len = strlen(value);
  char *out = pri_malloc(len + 2);
  if (!out)
    return NULL;
  out[n++] = '+';
  for (const char *p = value; *p; p++)
    if (*p >= '0' && *p <= '9')
      out[n++] = *p;
  out[n] = '\0';
  if (n == 1) {
    pri_free(out);
    return NULL;
  }
  return out;
}

char *pri_lookup_domain(const char *value) {
  const char *s, *e;
  trim(value, &s, &e);
  const char *scheme = NULL;
  for (const char *p = s; p + 3 <= e; p++)
    if (p[0] == ':' && p[1] == '/' && p[2] == '/') {
      scheme = p;
      break;
    }
  if (scheme)
    s = scheme + 3;
  const char *cut = s; /* the host ends at a path, query, fragment or port */
  while (cut < e && *cut != '/' && *cut != '?' && *cut != '#' && *cut != ':')
    cut++;
  e = cut;
  if (e - s >= 4 && lower(s[0]) == 'w' && lower(s[1]) == 'w' &&
      lower(s[2]) == 'w' && s[3] == '.')
    s += 4;
  while (e > s && e[-1] == '.')
    e--;
  return e > s ? lower_copy(s, e) : NULL;
}

/* Lower-cased, runs of spaces as one, none around. */
static char *fold_company(const char *value) {
  const char *s, *e;
  trim(value, &s, &e);
  char *out = pri_malloc((size_t)(e - s) + 1);
  if (!out)
    return NULL;
  size_t n = 0;
  for (const char *p = s; p < e; p++) {
    if (is_space(*p)) {
      if (n && out[n - 1] != ' ')
        out[n++] = ' ';
    } else
      out[n++] = lower(*p);
  }
  out[n] = '\0';
  return out;
}

char *pri_lookup_key(char cls, const char *value) {
  char *norm = NULL;
  const char *s, *e;
  switch (cls) {
  case 'e':
    trim(value, &s, &e);
    norm = e > s ? lower_copy(s, e) : NULL;
    break;
  case 'p': norm = pri_lookup_phone(value); break;
  case 'd': norm = pri_lookup_domain(value); break;
  case 'c': norm = fold_company(value); break;
  default: return NULL;
  }
  if (!norm || !*norm) {
    pri_free(norm);
    return NULL;
  }
  pri_buf key = {0};
  int failed = pri_buf_appendf(&key, "%c:%s", cls, norm) != 0;
  pri_free(norm);
  if (failed) {
    pri_buf_free(&key);
    return NULL;
  }
  return pri_buf_steal(&key);
}

char pri_lookup_input_class(const char *type) {
  if (!type)
    return 0;
  if (strcmp(type, "email-work") == 0 || strcmp(type, "email-personal") == 0 ||
      strcmp(type, "email") == 0)
    return 'e';
  if (strcmp(type, "phone") == 0)
    return 'p';
  if (strcmp(type, "domain") == 0)
    return 'd';
  if (strcmp(type, "company") == 0)
    return 'c';
  return 0;
}

static const char *email_problem(const char *s, const char *e) {
  const char *at = NULL;
  for (const char *p = s; p < e; p++) {
    if (is_space(*p))
      return "is not an email address (it holds a space)";
    if (*p == '@')
      at = p;
  }
  if (!at || at == s || at + 1 == e)
    return "is not an email address (no name@domain)";
  return NULL;
}

static const char *phone_problem(const char *s, const char *e) {
  int digits = 0;
  for (const char *p = s; p < e; p++) {
    if (*p >= '0' && *p <= '9')
      digits++;
    else if (!strchr(" +()-./", *p))
      return "is not a phone number (only digits, spaces and + ( ) - . /)";
  }
  if (digits < 5 || digits > 20)
    return "is not a phone number (5 to 20 digits)";
  return NULL;
}

const char *pri_lookup_value_problem(pubrio_lookup_field field,
                                     const char *value) {
  size_t len = strlen(value);
  if (len > PRI_LOOKUP_VALUE_MAX)
    return "is longer than 512 bytes";
  if (!pri_utf8_valid(value, len))
    return "is not valid UTF-8";
  for (const char *p = value; *p; p++)
    if ((unsigned char)*p < 0x20 ? !is_space(*p) || *p == '\n' || *p == '\r'
                                 : *p == 0x7f)
      return "holds a control character";
  const char *s, *e;
  trim(value, &s, &e);
  switch (field) {
  case PUBRIO_LOOKUP_EMAIL: return email_problem(s, e);
  case PUBRIO_LOOKUP_PHONE: return phone_problem(s, e);
  case PUBRIO_LOOKUP_DOMAIN: {
    char *d = pri_lookup_domain(value);
    const char *why = NULL;
    if (!d || !strchr(d, '.'))
      why = "is not a domain (no dot)";
    for (const char *p = d; !why && p && *p; p++)
      if (is_space(*p) || *p == '@')
        why = "is not a domain (a space or an @)";
    pri_free(d);
    return why;
  }
  default: return NULL;
  }
}

pubrio_status pri_lookup_entry_kind(const pubrio_lookup_request *request,
                                    size_t index, pri_lookup_kind *kind,
                                    pubrio_error *err) {
  char *const *f = request->entries[index].field;
  int exact = f[PUBRIO_LOOKUP_EMAIL] || f[PUBRIO_LOOKUP_PHONE];
  int first = f[PUBRIO_LOOKUP_FIRST_NAME] != NULL;
  int last = f[PUBRIO_LOOKUP_LAST_NAME] != NULL;
  int where = f[PUBRIO_LOOKUP_DOMAIN] || f[PUBRIO_LOOKUP_COMPANY];
  *kind = PRI_LOOKUP_SEND;
  if (exact)
    return PUBRIO_OK;
  if (!first && !last && !where)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "lookup entry %zu is empty: give an email, a phone, "
                         "or a first and last name with a domain or a company",
                         index);
  if (!first || !last)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "lookup entry %zu has no email or phone and %s: a "
                         "name match needs the first and the last name",
                         index, first || last ? "half a name" : "no name");
  if (!where)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "lookup entry %zu has a name but no email, phone, "
                         "domain or company",
                         index);
  if (!request->similarity)
    *kind = PRI_LOOKUP_REFUSE;
  return PUBRIO_OK;
}

void pri_lookup_plan_free(pri_lookup_plan *plan) {
  for (size_t i = 0; plan->keys && i < plan->key_count; i++)
    pri_free(plan->keys[i]);
  pri_free(plan->keys);
  pri_free(plan->kind);
  pri_free(plan->pending);
  pri_free(plan->entry_keys);
  pri_free(plan->stamp);
  pri_free(plan->owner);
  memset(plan, 0, sizeof *plan);
}

static int compare_keys(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys an entry to send could be answered with: its email and phone,
 * and with similarity its domain and company. */
static int entry_keys(const pubrio_lookup_request *request, size_t index,
                      char *out[PRI_LOOKUP_KEYS]) {
  static const struct {
    pubrio_lookup_field field;
    char cls;
    int similarity;
  } which[PRI_LOOKUP_KEYS] = {{PUBRIO_LOOKUP_EMAIL, 'e', 0},
                              {PUBRIO_LOOKUP_PHONE, 'p', 0},
                              {PUBRIO_LOOKUP_DOMAIN, 'd', 1},
                              {PUBRIO_LOOKUP_COMPANY, 'c', 1}};
  char *const *f = request->entries[index].field;
  for (int k = 0; k < PRI_LOOKUP_KEYS; k++) {
    out[k] = NULL;
    if (!f[which[k].field] || (which[k].similarity && !request->similarity))
      continue;
    /* Every value was checked when set: only memory can fail here. */
    if (!(out[k] = pri_lookup_key(which[k].cls, f[which[k].field])))
      return -1;
  }
  return 0;
}

pubrio_status pri_lookup_plan_init(pri_lookup_plan *plan,
                                   const pubrio_lookup_request *request,
                                   pubrio_error *err) {
  memset(plan, 0, sizeof *plan);
  size_t n = request->count;
  plan->count = n;
  plan->kind = pri_calloc(n + 1, 1);
  plan->pending = pri_calloc(n + 1, 1);
  plan->entry_keys = pri_malloc((n + 1) * PRI_LOOKUP_KEYS * sizeof(size_t));
  char **all = pri_calloc(n * PRI_LOOKUP_KEYS + 1, sizeof *all);
  char **text = pri_calloc(n * PRI_LOOKUP_KEYS + 1, sizeof *text);
  pubrio_status st =
      plan->kind && plan->pending && plan->entry_keys && all && text
          ? PUBRIO_OK
          : pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  size_t total = 0;
  for (size_t i = 0; st == PUBRIO_OK && i < n; i++) {
    pri_lookup_kind kind;
    st = pri_lookup_entry_kind(request, i, &kind, err);
    if (st != PUBRIO_OK)
      break;
    plan->kind[i] = (unsigned char)kind;
    if (kind != PRI_LOOKUP_SEND)
      continue;
    plan->pending[i] = 1;
    if (entry_keys(request, i, text + i * PRI_LOOKUP_KEYS) != 0)
      st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    for (int k = 0; k < PRI_LOOKUP_KEYS; k++)
      if (text[i * PRI_LOOKUP_KEYS + k])
        all[total++] = text[i * PRI_LOOKUP_KEYS + k];
  }
  if (st == PUBRIO_OK) { /* one id per distinct key, the keys sorted */
    qsort(all, total, sizeof *all, compare_keys);
    plan->keys = pri_malloc((total + 1) * sizeof *plan->keys);
    plan->stamp = pri_calloc(total + 1, sizeof *plan->stamp);
    plan->owner = pri_calloc(total + 1, sizeof *plan->owner);
    if (!plan->keys || !plan->stamp || !plan->owner)
      st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    for (size_t i = 0; st == PUBRIO_OK && i < total; i++)
      if (!plan->key_count ||
          strcmp(plan->keys[plan->key_count - 1], all[i]) != 0)
        if (!(plan->keys[plan->key_count++] = pri_strdup(all[i])))
          st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  }
  for (size_t i = 0; st == PUBRIO_OK && i < n * PRI_LOOKUP_KEYS; i++) {
    char **hit = text[i] ? bsearch(&text[i], plan->keys, plan->key_count,
                                   sizeof *plan->keys, compare_keys)
                         : NULL;
    plan->entry_keys[i] = hit ? (size_t)(hit - plan->keys) : SIZE_MAX;
  }
  for (size_t i = 0; text && i < n * PRI_LOOKUP_KEYS; i++)
    pri_free(text[i]);
  pri_free(text);
  pri_free(all);
  if (st != PUBRIO_OK)
    pri_lookup_plan_free(plan);
  return st;
}

static int shares_key(const pri_lookup_plan *plan, size_t entry, size_t batch) {
  for (int k = 0; k < PRI_LOOKUP_KEYS; k++) {
    size_t id = plan->entry_keys[entry * PRI_LOOKUP_KEYS + k];
    if (id != SIZE_MAX && plan->stamp[id] == batch)
      return 1;
  }
  return 0;
}

size_t pri_lookup_plan_next(pri_lookup_plan *plan, size_t size, size_t *out) {
  while (plan->first_pending < plan->count &&
         !plan->pending[plan->first_pending])
    plan->first_pending++;
  if (plan->first_pending == plan->count || !size)
    return 0;
  size_t batch = ++plan->batches_made, n = 0;
  for (size_t i = plan->first_pending; i < plan->count && n < size; i++) {
    if (!plan->pending[i] || shares_key(plan, i, batch))
      continue; /* a later batch takes it */
    for (int k = 0; k < PRI_LOOKUP_KEYS; k++) {
      size_t id = plan->entry_keys[i * PRI_LOOKUP_KEYS + k];
      if (id != SIZE_MAX) {
        plan->stamp[id] = batch;
        plan->owner[id] = i;
      }
    }
    plan->pending[i] = 0;
    out[n++] = i;
  }
  return n;
}

void pri_lookup_plan_return(pri_lookup_plan *plan, const size_t *entries,
                            size_t n) {
  for (size_t i = 0; i < n; i++) {
    plan->pending[entries[i]] = 1;
    if (entries[i] < plan->first_pending)
      plan->first_pending = entries[i];
  }
}

size_t pri_lookup_plan_owner(const pri_lookup_plan *plan, const char *key) {
  char **hit = bsearch(&key, plan->keys, plan->key_count, sizeof *plan->keys,
                       compare_keys);
  if (!hit)
    return SIZE_MAX;
  size_t id = (size_t)(hit - plan->keys);
  return plan->stamp[id] == plan->batches_made ? plan->owner[id] : SIZE_MAX;
}

void pri_lookup_match_free(pri_lookup_match *m) {
  char *strings[] = {m->people_search_id, m->first_name,   m->last_name,
                     m->people_name,      m->company_name, m->domain,
                     m->confidence,       m->input_value,  m->input_type};
  for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
    pri_free(strings[i]);
  memset(m, 0, sizeof *m);
}

void pri_lookup_answer_list_free(pri_lookup_answer_list *list) {
  for (size_t i = 0; list->matches && i < list->count; i++)
    pri_lookup_match_free(&list->matches[i]);
  pri_free(list->matches);
  memset(list, 0, sizeof *list);
}
