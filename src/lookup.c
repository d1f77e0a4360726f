/* The contact lookup: the request builder, POST /redeem/people/contact/
 * lookup and .../lookup/batch, and the mapping of each match back to its
 * own entry. A lookup spends credits and has no idempotency key, so every
 * request goes through the send-once path (.idempotent = 0, like a
 * submit): resent only after an answer that proves nothing was processed,
 * and a lost answer is reported as uncertain, never retried unless asked. */
#include "lookup.h"
#include "alloc.h"
#include "call.h"
#include "client.h"
#include "error.h"
#include "growth.h"
#include "json.h"
#include "untrusted.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_BATCH_SIZE 100

struct pubrio_lookup_result {
  pubrio_lookup_answer *answers;
  pri_lookup_match *matches; /* own the found answers' strings */
  char **reasons;            /* own the answers' reasons */
  size_t count;
  int64_t charged;
  size_t requests;
};

static const char NEEDS_SIMILARITY[] =
    "only a name with a company or domain: looked up only with similarity "
    "search enabled (a similarity match can name the wrong person)";

/* ---- the request ------------------------------------------------------ */

pubrio_status pubrio_lookup_request_new(pubrio_lookup_request **out,
                                        pubrio_error *err) {
  if (!out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "out is NULL");
  *out = pri_calloc(1, sizeof **out);
  if (!*out)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  (*out)->profile_id = -1;
  (*out)->batch_size = DEFAULT_BATCH_SIZE;
  return PUBRIO_OK;
}

void pubrio_lookup_request_free(pubrio_lookup_request *request) {
  if (!request)
    return;
  for (size_t i = 0; i < request->count; i++)
    for (int f = 0; f < PRI_LOOKUP_FIELDS; f++)
      pri_free(request->entries[i].field[f]);
  pri_free(request->entries);
  pri_free(request);
}

pubrio_status pubrio_lookup_request_add_entry(pubrio_lookup_request *request,
                                              size_t *index,
                                              pubrio_error *err) {
  if (!request)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "request is NULL");
  if (pri_grow(&request->entries, &request->cap, request->count + 1,
               sizeof *request->entries) != 0)
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  memset(&request->entries[request->count], 0, sizeof *request->entries);
  if (index)
    *index = request->count;
  request->count++;
  return PUBRIO_OK;
}

static const char *field_name(pubrio_lookup_field field) {
  static const char *const names[PRI_LOOKUP_FIELDS] = {
      "email", "phone", "first name", "last name", "domain", "company"};
  return (unsigned)field < PRI_LOOKUP_FIELDS ? names[field] : "field";
}

pubrio_status pubrio_lookup_request_set(pubrio_lookup_request *request,
                                        size_t index, pubrio_lookup_field field,
                                        const char *value, pubrio_error *err) {
  if (!request)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "request is NULL");
  if (index >= request->count)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "lookup entry %zu does not exist (%zu entries)", index,
                         request->count);
  if ((unsigned)field >= PRI_LOOKUP_FIELDS)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "lookup entry %zu: field %d is not a "
                         "pubrio_lookup_field",
                         index, (int)field);
  const char *s = value ? value : "", *e;
  while (*s && isspace((unsigned char)*s))
    s++;
  e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1]))
    e--;
  char *copy = NULL;
  if (e > s) {
    const char *why = pri_lookup_value_problem(field, value);
    if (why) {
      char *shown = pri_untrusted_text(value, strlen(value), 64);
      pubrio_status st = pri_error_set(
          err, PUBRIO_E_INVALID_ARGUMENT, "lookup entry %zu: %s \"%s\" %s",
          index, field_name(field), shown ? shown : "", why);
      pri_free(shown);
      return st;
    }
    if (!(copy = pri_strndup(s, (size_t)(e - s))))
      return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  }
  pri_free(request->entries[index].field[field]);
  request->entries[index].field[field] = copy;
  return PUBRIO_OK;
}

pubrio_status
pubrio_lookup_request_set_similarity(pubrio_lookup_request *request,
                                     int enabled, pubrio_error *err) {
  if (!request)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "request is NULL");
  request->similarity = enabled != 0;
  return PUBRIO_OK;
}

pubrio_status
pubrio_lookup_request_set_profile_id(pubrio_lookup_request *request,
                                     int64_t profile_id, pubrio_error *err) {
  if (!request)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "request is NULL");
  if (profile_id < -1)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "profile_id %lld is negative (-1 sends none)",
                         (long long)profile_id);
  request->profile_id = profile_id;
  return PUBRIO_OK;
}

pubrio_status
pubrio_lookup_request_set_batch_size(pubrio_lookup_request *request,
                                     size_t batch_size, pubrio_error *err) {
  if (!request)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "request is NULL");
  if (batch_size < 1 || batch_size > PRI_LOOKUP_BATCH_MAX)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "batch size %zu is out of range 1..%d", batch_size,
                         PRI_LOOKUP_BATCH_MAX);
  request->batch_size = batch_size;
  return PUBRIO_OK;
}

size_t pubrio_lookup_request_count(const pubrio_lookup_request *request) {
  return request ? request->count : 0;
}

pubrio_status pubrio_lookup_request_plan(const pubrio_lookup_request *request,
                                         size_t *lookups, size_t *refused,
                                         size_t *requests, pubrio_error *err) {
  size_t counts[3] = {0, 0, 0}; /* lookups, refused, requests */
  pri_lookup_plan plan;
  pubrio_status st = request ? pri_lookup_plan_init(&plan, request, err)
                             : pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                                             "request is NULL");
  size_t *batch =
      st == PUBRIO_OK ? pri_malloc(request->batch_size * sizeof *batch) : NULL;
  if (st == PUBRIO_OK && !batch)
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  if (st == PUBRIO_OK) {
    for (size_t i = 0; i < plan.count; i++)
      counts[plan.kind[i] == PRI_LOOKUP_SEND ? 0 : 1]++;
    while (pri_lookup_plan_next(&plan, request->batch_size, batch))
      counts[2]++;
  }
  if (request) /* a failed init left it empty */
    pri_lookup_plan_free(&plan);
  pri_free(batch);
  if (st != PUBRIO_OK)
    counts[0] = counts[1] = counts[2] = 0;
  if (lookups)
    *lookups = counts[0];
  if (refused)
    *refused = counts[1];
  if (requests)
    *requests = counts[2];
  return st;
}

/* ---- the result ------------------------------------------------------- */

size_t pubrio_lookup_result_count(const pubrio_lookup_result *result) {
  return result ? result->count : 0;
}

const pubrio_lookup_answer *
pubrio_lookup_result_answer(const pubrio_lookup_result *result, size_t index) {
  return result && index < result->count ? &result->answers[index] : NULL;
}

void pubrio_lookup_result_totals(const pubrio_lookup_result *result,
                                 int64_t *charged, size_t *requests) {
  if (charged)
    *charged = result ? result->charged : 0;
  if (requests)
    *requests = result ? result->requests : 0;
}

void pubrio_lookup_result_free(pubrio_lookup_result *result) {
  if (!result)
    return;
  for (size_t i = 0; i < result->count; i++) {
    pri_lookup_match_free(&result->matches[i]);
    pri_free(result->reasons[i]);
  }
  pri_free(result->answers);
  pri_free(result->matches);
  pri_free(result->reasons);
  pri_free(result);
}

const char *pubrio_lookup_confidence_str(pubrio_lookup_confidence confidence) {
  switch (confidence) {
  case PUBRIO_LOOKUP_CONFIDENCE_NONE: return "";
  case PUBRIO_LOOKUP_EXACT: return "exact";
  case PUBRIO_LOOKUP_SIMILARITY_DOMAIN: return "similarity_domain";
  case PUBRIO_LOOKUP_SIMILARITY_COMPANY: return "similarity_company";
  case PUBRIO_LOOKUP_CONFIDENCE_OTHER: break;
  }
  return "other";
}

static pubrio_lookup_result *result_new(size_t count) {
  pubrio_lookup_result *res = pri_calloc(1, sizeof *res);
  if (!res)
    return NULL;
  res->answers = pri_calloc(count + 1, sizeof *res->answers);
  res->matches = pri_calloc(count + 1, sizeof *res->matches);
  res->reasons = pri_calloc(count + 1, sizeof *res->reasons);
  if (!res->answers || !res->matches || !res->reasons) {
    pubrio_lookup_result_free(res);
    return NULL;
  }
  res->count = count;
  return res;
}

static pubrio_lookup_confidence confidence_of(const char *text) {
  if (!text)
    return PUBRIO_LOOKUP_CONFIDENCE_OTHER;
  if (strcmp(text, "exact") == 0)
    return PUBRIO_LOOKUP_EXACT;
  if (strcmp(text, "similarity_domain") == 0)
    return PUBRIO_LOOKUP_SIMILARITY_DOMAIN;
  if (strcmp(text, "similarity_company") == 0)
    return PUBRIO_LOOKUP_SIMILARITY_COMPANY;
  return PUBRIO_LOOKUP_CONFIDENCE_OTHER;
}

/* Entry @p i found: the match's strings move into the result. */
static void set_found(pubrio_lookup_result *res, size_t i,
                      pri_lookup_match *match) {
  pri_lookup_match *m = &res->matches[i];
  *m = *match;
  memset(match, 0, sizeof *match);
  res->answers[i] =
      (pubrio_lookup_answer){.outcome = PUBRIO_LOOKUP_FOUND,
                             .people_search_id = m->people_search_id,
                             .first_name = m->first_name,
                             .last_name = m->last_name,
                             .people_name = m->people_name,
                             .company_name = m->company_name,
                             .domain = m->domain,
                             .confidence = confidence_of(m->confidence),
                             .confidence_text = m->confidence,
                             .input_value = m->input_value,
                             .input_type = m->input_type,
                             .is_duplicate_input = m->is_duplicate_input,
                             .credits = m->is_duplicate_input ? 0 : 1};
}

/* Entry @p i not found, refused or failed; @p reason copied (may be NULL:
 * a static reason when out of memory is better than none). */
static void set_outcome(pubrio_lookup_result *res, size_t i,
                        pubrio_lookup_outcome outcome, const char *reason,
                        pubrio_status status, pubrio_submit_state state) {
  pri_free(res->reasons[i]);
  res->reasons[i] = reason ? pri_strdup(reason) : NULL;
  res->answers[i] = (pubrio_lookup_answer){
      .outcome = outcome,
      .reason = res->reasons[i] ? res->reasons[i] : reason,
      .status = status,
      .submit_state = state};
}

/* ---- one request ------------------------------------------------------ */

/* Map every match of @p list to the one entry of the batch that could have
 * produced its input; PUBRIO_E_PROTOCOL (err names it) when one maps to
 * no entry or to one already matched. */
static pubrio_status map_matches(const pri_lookup_plan *plan,
                                 pubrio_lookup_result *res,
                                 pri_lookup_answer_list *list,
                                 pubrio_error *err) {
  for (size_t m = 0; m < list->count; m++) {
    pri_lookup_match *match = &list->matches[m];
    char cls = pri_lookup_input_class(match->input_type);
    char *key = cls ? pri_lookup_key(cls, match->input_value) : NULL;
    size_t owner = key ? pri_lookup_plan_owner(plan, key) : SIZE_MAX;
    pri_free(key);
    if (owner != SIZE_MAX &&
        res->answers[owner].outcome != PUBRIO_LOOKUP_FOUND) {
      set_found(res, owner, match);
      continue;
    }
    char *value =
        pri_untrusted_text(match->input_value, strlen(match->input_value), 64);
    char *type =
        pri_untrusted_text(match->input_type, strlen(match->input_type), 32);
    pubrio_status st = pri_error_set(
        err, PUBRIO_E_PROTOCOL,
        "the lookup answer's match %zu (%s \"%s\") %s: the entries of that "
        "request it could be for are left uncertain (maybe charged), never "
        "guessed",
        m, type ? type : "", value ? value : "",
        !cls                ? "has an input type this library cannot map"
        : owner == SIZE_MAX ? "maps to no entry of the request"
                            : "maps to an entry another match named");
    pri_free(value);
    pri_free(type);
    return st;
  }
  return PUBRIO_OK;
}

int pri_lookup_refused_size(const pubrio_error *e) {
  static const char *const words[] = {"size", "limit", "too many", "maximum",
                                      "exceed"};
  const char *texts[] = {e->api_message, e->details_json};
  if (e->http_status != 400)
    return 0;
  for (size_t t = 0; t < 2; t++) {
    if (!texts[t])
      continue;
    size_t len = strlen(texts[t]);
    for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
      size_t wl = strlen(words[w]);
      for (size_t i = 0; i + wl <= len; i++)
        if (strncasecmp(texts[t] + i, words[w], wl) == 0)
          return 1;
    }
  }
  return 0;
}

typedef enum step { STEP_DONE, STEP_SMALLER, STEP_FAILED } step;

/* Send the @p n entries of @p batch once and settle each of them. */
static step run_request(pubrio_client *client,
                        const pubrio_lookup_request *request,
                        pri_lookup_plan *plan, const size_t *batch, size_t n,
                        int single, pubrio_lookup_result *res,
                        pubrio_status *status, pubrio_error *err) {
  char *body = single ? pri_json_lookup_body(request, batch[0])
                      : pri_json_lookup_batch_body(request, batch, n);
  if (!body) {
    *status = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    if (err)
      err->submit_state = PUBRIO_SUBMIT_NOT_SPENT;
    pri_lookup_plan_return(plan, batch, n);
    return STEP_FAILED;
  }
  pri_lookup_answer_list list = {0};
  pri_call call = {.path = single ? "/redeem/people/contact/lookup"
                                  : "/redeem/people/contact/lookup/batch",
                   .body = body,
                   .idempotent = 0, /* it spends credits */
                   .compressed = 0,
                   .deadline = INT64_MAX,
                   .parse = pri_json_parse_lookup,
                   .out = &list};
  pubrio_error one = {0};
  long before = pubrio_client_requests_sent(client);
  pubrio_status st = pri_call_run(client, &call, NULL, &one);
  res->requests += (size_t)(pubrio_client_requests_sent(client) - before);
  pri_free(body);
  step next = STEP_DONE;
  if (st == PUBRIO_OK) {
    res->charged += list.has_total_credit_cost ? list.total_credit_cost : 0;
    st = map_matches(plan, res, &list, &one);
    if (st != PUBRIO_OK) { /* answered, so charged; the rest is unknown */
      one.submit_state = PUBRIO_SUBMIT_UNCERTAIN;
      pri_error_redact(&one, client->api_key); /* it quotes server text */
    }
    for (size_t i = 0; i < n; i++)
      if (res->answers[batch[i]].outcome != PUBRIO_LOOKUP_FOUND)
        set_outcome(
            res, batch[i],
            st == PUBRIO_OK ? PUBRIO_LOOKUP_NOT_FOUND : PUBRIO_LOOKUP_FAILED,
            st == PUBRIO_OK ? NULL : one.message, st,
            st == PUBRIO_OK ? PUBRIO_SUBMIT_NONE : PUBRIO_SUBMIT_UNCERTAIN);
  } else if (!single && n > 1 && pri_lookup_refused_size(&one)) {
    next = STEP_SMALLER; /* a 400: nothing processed, send them again */
    pri_lookup_plan_return(plan, batch, n);
  } else {
    for (size_t i = 0; i < n; i++)
      set_outcome(res, batch[i], PUBRIO_LOOKUP_FAILED, one.message, st,
                  one.submit_state);
  }
  pri_lookup_answer_list_free(&list);
  if (st != PUBRIO_OK && next != STEP_SMALLER) {
    *status = st;
    pri_error_copy_all(err, &one, st);
    next = STEP_FAILED;
  }
  pubrio_error_clear(&one);
  return next;
}

/* Validation and the plan; on a refusal nothing is sent or allocated. */
static pubrio_status begin(pubrio_client *client,
                           const pubrio_lookup_request *request,
                           pubrio_lookup_result **out, pri_lookup_plan *plan,
                           pubrio_error *err) {
  if (out)
    *out = NULL;
  pubrio_status st = PUBRIO_OK;
  if (!client || !request || !out)
    st = pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                       "client, request or out is NULL");
  else if (request->count == 0)
    st = pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                       "the lookup request has no entries");
  else if (pri_lookup_plan_init(plan, request, err) == PUBRIO_OK) {
    if (!(*out = result_new(request->count))) {
      pri_lookup_plan_free(plan);
      st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    }
  } else
    st = err ? err->status : PUBRIO_E_INVALID_ARGUMENT;
  if (st != PUBRIO_OK && err) /* nothing left: nothing spent */
    err->submit_state = PUBRIO_SUBMIT_NOT_SPENT;
  if (st == PUBRIO_OK)
    for (size_t i = 0; i < request->count; i++)
      if (plan->kind[i] == PRI_LOOKUP_REFUSE)
        set_outcome(*out, i, PUBRIO_LOOKUP_NOT_LOOKED_UP, NEEDS_SIMILARITY,
                    PUBRIO_OK, PUBRIO_SUBMIT_NONE);
  return st;
}

pubrio_status pubrio_lookup_person(pubrio_client *client,
                                   const pubrio_lookup_request *request,
                                   pubrio_lookup_result **out,
                                   pubrio_error *err) {
  if (request && request->count != 1) {
    if (out)
      *out = NULL;
    pubrio_status st = pri_error_set(
        err, PUBRIO_E_INVALID_ARGUMENT,
        "pubrio_lookup_person takes one entry (the request has %zu); use "
        "pubrio_lookup_batch",
        request->count);
    if (err)
      err->submit_state = PUBRIO_SUBMIT_NOT_SPENT;
    return st;
  }
  pri_lookup_plan plan;
  pubrio_status st = begin(client, request, out, &plan, err);
  if (st != PUBRIO_OK)
    return st;
  size_t entry;
  if (pri_lookup_plan_next(&plan, 1, &entry) == 1)
    run_request(client, request, &plan, &entry, 1, 1, *out, &st, err);
  pri_lookup_plan_free(&plan);
  return st;
}

pubrio_status pubrio_lookup_batch(pubrio_client *client,
                                  const pubrio_lookup_request *request,
                                  pubrio_lookup_result **out,
                                  pubrio_error *err) {
  pri_lookup_plan plan;
  pubrio_status st = begin(client, request, out, &plan, err);
  if (st != PUBRIO_OK)
    return st;
  size_t size = request->batch_size;
  size_t *batch = pri_malloc(size * sizeof *batch);
  if (!batch) {
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    if (err)
      err->submit_state = PUBRIO_SUBMIT_NOT_SPENT;
  }
  size_t n;
  while (st == PUBRIO_OK && (n = pri_lookup_plan_next(&plan, size, batch))) {
    if (run_request(client, request, &plan, batch, n, 0, *out, &st, err) ==
        STEP_SMALLER)
      size = n / 2; /* n > 1 */
  }
  /* Whatever never left after a failure: nothing spent on it. */
  for (size_t i = 0; i < plan.count; i++)
    if (plan.pending[i])
      set_outcome(*out, i, PUBRIO_LOOKUP_NOT_SENT,
                  "not sent: the lookup stopped at an earlier failure",
                  PUBRIO_OK, PUBRIO_SUBMIT_NOT_SPENT);
  pri_free(batch);
  pri_lookup_plan_free(&plan);
  return st;
}
