/* libFuzzer harness: the contact lookup's answer and the mapping of its
 * matches back to entries. Whatever the parser accepts has a UUID, the
 * input's value and type, and valid UTF-8 in every string; each match maps
 * to at most the one entry of the plan that holds its key. The same bytes
 * also go through every normalization as a caller's value. */
#include "json.h"
#include "lookup.h"

#include "alloc.h"
#include "utf8.h"
#include "uuid.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s) {
  if (s && !pri_utf8_valid(s, strlen(s)))
    abort();
}

/* Entries whose keys the fuzzer can hit through the dictionary. */
static pubrio_lookup_request *entries(void) {
  static const char *const values[][2] = {
      {"king.lai@pubrio.com", "+15550100001"},
      {"john.smith@example.com", NULL},
      {NULL, "+442079460001"},
  };
  pubrio_lookup_request *req = NULL;
  if (pubrio_lookup_request_new(&req, NULL) != PUBRIO_OK)
    return NULL;
  pubrio_lookup_request_set_similarity(req, 1, NULL);
  for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
    size_t index;
    pubrio_lookup_request_add_entry(req, &index, NULL);
    pubrio_lookup_request_set(req, index, PUBRIO_LOOKUP_EMAIL, values[i][0],
                              NULL);
    pubrio_lookup_request_set(req, index, PUBRIO_LOOKUP_PHONE, values[i][1],
                              NULL);
  }
  size_t index;
  pubrio_lookup_request_add_entry(req, &index, NULL);
  pubrio_lookup_request_set(req, index, PUBRIO_LOOKUP_FIRST_NAME, "Ann", NULL);
  pubrio_lookup_request_set(req, index, PUBRIO_LOOKUP_LAST_NAME, "Lee", NULL);
  pubrio_lookup_request_set(req, index, PUBRIO_LOOKUP_DOMAIN, "acme.io", NULL);
  pubrio_lookup_request_set(req, index, PUBRIO_LOOKUP_COMPANY, "Acme Inc",
                            NULL);
  return req;
}

static void map(const pri_lookup_answer_list *list) {
  pubrio_lookup_request *req = entries();
  pri_lookup_plan plan;
  if (!req || pri_lookup_plan_init(&plan, req, NULL) != PUBRIO_OK) {
    pubrio_lookup_request_free(req);
    return;
  }
  size_t batch[8];
  size_t n = pri_lookup_plan_next(&plan, 8, batch);
  for (size_t m = 0; m < list->count; m++) {
    const pri_lookup_match *match = &list->matches[m];
    char cls = pri_lookup_input_class(match->input_type);
    char *key = cls ? pri_lookup_key(cls, match->input_value) : NULL;
    size_t owner = key ? pri_lookup_plan_owner(&plan, key) : SIZE_MAX;
    if (owner != SIZE_MAX && owner >= n)
      abort();
    pri_free(key);
  }
  pri_lookup_plan_free(&plan);
  pubrio_lookup_request_free(req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pubrio_error err = {0};
  char *body = malloc(size + 1); /* rewritten in place, as a response is */
  if (!body)
    return 0;
  memcpy(body, data, size);
  body[size] = '\0';
  pri_lookup_answer_list list;
  if (pri_json_parse_lookup(body, size, &list, &err) == PUBRIO_OK) {
    uint8_t uuid[16];
    for (size_t i = 0; i < list.count; i++) {
      const pri_lookup_match *m = &list.matches[i];
      if (!m->people_search_id || pri_uuid_parse(m->people_search_id, uuid) ||
          !m->input_value || !m->input_type)
        abort();
      const char *texts[] = {m->first_name,  m->last_name,   m->people_name,
                             m->company_name, m->domain,     m->confidence,
                             m->input_value, m->input_type};
      for (size_t t = 0; t < sizeof texts / sizeof *texts; t++)
        check_text(texts[t]);
    }
    if (list.has_total_credit_cost && list.total_credit_cost < 0)
      abort();
    map(&list);
    pri_lookup_answer_list_free(&list);
  } else if (!err.message || list.count || list.matches) {
    abort();
  }
  /* The bytes as a caller's value: checked, then normalized. */
  memcpy(body, data, size);
  body[size] = '\0';
  for (int f = 0; f < 6; f++)
    (void)pri_lookup_value_problem((pubrio_lookup_field)f, body);
  static const char classes[] = "epdc";
  for (int c = 0; c < 4; c++)
    pri_free(pri_lookup_key(classes[c], body));
  free(body);
  pubrio_error_clear(&err);
  return 0;
}
