/* The library against Stoplight Prism mocking the OpenAPI contract
 * (spec/pubrio-redeem.yaml) with --errors: every request we send must
 * validate, every documented response must parse, and Prism's 400, 429 and
 * 500 examples must come out as typed errors. Skipped (77) unless
 * PUBRIO_PRISM_URL is set: scripts/contract_test.sh starts Prism. */
/* cmocka needs these three first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "pubrio/pubrio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ID = "540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11";

static pubrio_client *client(const char *prefer) {
  pubrio_client *c = NULL;
  assert_int_equal(pubrio_client_new(&c, "contract-key", NULL), PUBRIO_OK);
  assert_int_equal(
      pubrio_client_set_base_url(c, getenv("PUBRIO_PRISM_URL"), NULL),
      PUBRIO_OK);
  assert_int_equal(pubrio_client_set_retry(c, 1, 0, 0, NULL), PUBRIO_OK);
  if (prefer)
    assert_int_equal(pubrio_client_set_header(c, "Prefer", prefer, NULL),
                     PUBRIO_OK);
  return c;
}

static pubrio_status submit(pubrio_client *c, pubrio_batch_job **job,
                            pubrio_error *err, int with_profile) {
  pubrio_batch_request *req = NULL;
  pubrio_batch_request_new(&req, NULL);
  pubrio_batch_request_add_person(req, ID, NULL);
  pubrio_batch_request_add_contact_types(req,
                                         PUBRIO_CONTACT_EMAIL_PERSONAL |
                                             PUBRIO_CONTACT_EMAIL_WORK |
                                             PUBRIO_CONTACT_PHONE,
                                         NULL);
  if (with_profile)
    pubrio_batch_request_set_profile_id(req, 12345, NULL);
  pubrio_status st = pubrio_redeem_people_batch(c, req, job, err);
  pubrio_batch_request_free(req);
  return st;
}

static void submit_matches_contract(void **state) {
  (void)state;
  pubrio_client *c = client(NULL);
  pubrio_error err = {0};
  for (int with_profile = 0; with_profile < 2; with_profile++) {
    pubrio_batch_job *job = NULL;
    assert_int_equal(submit(c, &job, &err, with_profile), PUBRIO_OK);
    assert_string_equal(job->redeem_query_id,
                        "a046c1da-b3d4-4ca1-aca6-1dd8c8055701");
    assert_int_equal(job->estimated_time_ms, 6000);
    pubrio_batch_job_free(job);
  }
  pubrio_error_clear(&err);
  pubrio_client_free(c);
}

static void query_matches_contract(void **state) {
  (void)state;
  pubrio_client *c = client(NULL);
  pubrio_error err = {0};
  pubrio_query_result *r = NULL;
  assert_int_equal(pubrio_redeem_people_batch_query(
                       c, "a046c1da-b3d4-4ca1-aca6-1dd8c8055701", &r, &err),
                   PUBRIO_OK);
  assert_int_equal(r->query->is_completed, 1);
  assert_int_equal(r->total_charged_credit, 45);
  assert_int_equal(r->people_count, 1);
  const pubrio_person *p = pubrio_query_result_person(r, 0);
  assert_int_equal(p->email_count, 2);
  assert_int_equal(p->phone_count, 1);
  assert_string_equal(pubrio_person_email(p, 1)->status, "Verified");
  pubrio_query_result_free(r);
  pubrio_error_clear(&err);
  pubrio_client_free(c);
}

/* The account calls, with and without a profile id: their examples come
 * out typed. */
static void account_calls_match_contract(void **state) {
  (void)state;
  pubrio_client *c = client(NULL);
  pubrio_error err = {0};
  for (int64_t profile_id = -1; profile_id <= 12345; profile_id += 12346) {
    pubrio_profile *p = NULL;
    assert_int_equal(pubrio_profile_get(c, profile_id, &p, &err), PUBRIO_OK);
    assert_int_equal(p->credit, 457499);
    assert_int_equal(p->topup_credit, 235237);
    assert_string_equal(p->plan_name, "Business - Annual Subscription");
    assert_int_equal(p->email_price, 15);
    assert_int_equal(p->phone_price, 30);
    assert_int_equal(p->max_hourly_requests, 12000);
    assert_int_equal(p->max_daily_requests, 288000);
    assert_int_equal(p->max_monthly_requests, 8928000);
    assert_int_equal(p->api_access, 1);
    pubrio_profile_free(p);
    pubrio_usage *u = NULL;
    assert_int_equal(pubrio_usage_get(c, profile_id, &u, &err), PUBRIO_OK);
    assert_int_equal(u->hourly_used, 35);
    assert_int_equal(u->hourly_allowed, 2400);
    assert_int_equal(u->daily_used, 420);
    assert_int_equal(u->daily_allowed, 57600);
    assert_int_equal(u->monthly_used, 1750);
    assert_int_equal(u->monthly_allowed, 1785600);
    assert_string_equal(u->last_refreshed, "2026-11-13T10:01:13.051Z");
    pubrio_usage_free(u);
  }
  pubrio_error_clear(&err);
  pubrio_client_free(c);
}

/* The single redeem, by id and by URL: the requests validate, the example
 * answer reads as a completed result. */
static void single_redeem_matches_contract(void **state) {
  (void)state;
  pubrio_client *c = client(NULL);
  pubrio_error err = {0};
  const unsigned all = PUBRIO_CONTACT_EMAIL_PERSONAL |
                       PUBRIO_CONTACT_EMAIL_WORK | PUBRIO_CONTACT_PHONE;
  for (int by_url = 0; by_url < 2; by_url++) {
    pubrio_query_result *r = NULL;
    assert_int_equal(
        pubrio_redeem_person(c, by_url ? NULL : ID,
                             by_url ? "https://www.linkedin.com/in/jane-doe-123"
                                    : NULL,
                             all, by_url ? 7 : -1, &r, &err),
        PUBRIO_OK);
    assert_int_equal(r->query->is_completed, 1);
    assert_int_equal(r->total_charged_credit, 45);
    assert_int_equal(r->credit, 450376);
    assert_int_equal(r->people_count, 1);
    const pubrio_person *p = pubrio_query_result_person(r, 0);
    assert_string_equal(p->people_search_id,
                        "e37ccf38-ea8f-422e-9874-cb23b15e8fe4");
    assert_int_equal(p->email_count, 2);
    assert_int_equal(p->phone_count, 1);
    pubrio_query_result_free(r);
  }
  pubrio_error_clear(&err);
  pubrio_client_free(c);
}

/* The contact lookup: the documented examples map back to their entries
 * (the batch's second match names a domain, so similarity is on). */
static pubrio_lookup_request *lookup_request(int with_name) {
  pubrio_lookup_request *req = NULL;
  size_t i;
  assert_int_equal(pubrio_lookup_request_new(&req, NULL), PUBRIO_OK);
  pubrio_lookup_request_add_entry(req, &i, NULL);
  pubrio_lookup_request_set(req, i, PUBRIO_LOOKUP_EMAIL, "king.lai@pubrio.com",
                            NULL);
  if (with_name) {
    pubrio_lookup_request_set_similarity(req, 1, NULL);
    pubrio_lookup_request_add_entry(req, &i, NULL);
    pubrio_lookup_request_set(req, i, PUBRIO_LOOKUP_FIRST_NAME, "John", NULL);
    pubrio_lookup_request_set(req, i, PUBRIO_LOOKUP_LAST_NAME, "Smith", NULL);
    pubrio_lookup_request_set(req, i, PUBRIO_LOOKUP_DOMAIN, "example.com",
                              NULL);
  }
  pubrio_lookup_request_set_profile_id(req, 7, NULL);
  return req;
}

static void lookups_match_contract(void **state) {
  (void)state;
  pubrio_client *c = client(NULL);
  pubrio_error err = {0};
  pubrio_lookup_request *req = lookup_request(0);
  pubrio_lookup_result *res = NULL;
  assert_int_equal(pubrio_lookup_person(c, req, &res, &err), PUBRIO_OK);
  const pubrio_lookup_answer *a = pubrio_lookup_result_answer(res, 0);
  assert_int_equal(a->outcome, PUBRIO_LOOKUP_FOUND);
  assert_string_equal(a->people_search_id,
                      "e37ccf38-ea8f-422e-9874-cb23b15e8fe4");
  assert_int_equal(a->confidence, PUBRIO_LOOKUP_EXACT);
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(req);
  req = lookup_request(1);
  assert_int_equal(pubrio_lookup_batch(c, req, &res, &err), PUBRIO_OK);
  a = pubrio_lookup_result_answer(res, 1);
  assert_int_equal(a->outcome, PUBRIO_LOOKUP_FOUND);
  assert_string_equal(a->people_search_id,
                      "1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b");
  assert_int_equal(a->confidence, PUBRIO_LOOKUP_SIMILARITY_DOMAIN);
  int64_t charged;
  pubrio_lookup_result_totals(res, &charged, NULL);
  assert_int_equal(charged, 2);
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(req);
  pubrio_error_clear(&err);
  pubrio_client_free(c);
}

static void documented_errors_are_typed(void **state) {
  (void)state;
  const struct {
    const char *prefer;
    pubrio_status status;
    long http;
    const char *text;
  } cases[] = {
      {"code=400", PUBRIO_E_BAD_REQUEST, 400, "Errors and codes will vary"},
      {"code=429", PUBRIO_E_RATE_LIMITED, 429, "Request rate limit exceeded"},
      {"code=500", PUBRIO_E_SERVER, 500, "unexpected error occurred"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    pubrio_client *c = client(cases[i].prefer);
    pubrio_error err = {0};
    pubrio_batch_job *job = NULL;
    assert_int_equal(submit(c, &job, &err, 0), cases[i].status);
    assert_int_equal(err.http_status, cases[i].http);
    assert_non_null(strstr(err.api_message, cases[i].text));
    if (cases[i].status == PUBRIO_E_BAD_REQUEST) {
      assert_int_equal(err.api_code, 40001);
      assert_string_equal(err.details_json, "{}");
    }
    pubrio_query_result *r = NULL;
    assert_int_equal(pubrio_redeem_people_batch_query(
                         c, "a046c1da-b3d4-4ca1-aca6-1dd8c8055701", &r, &err),
                     cases[i].status);
    assert_int_equal(
        pubrio_redeem_person(c, ID, NULL, PUBRIO_CONTACT_PHONE, -1, &r, &err),
        cases[i].status);
    assert_int_equal(err.submit_state, cases[i].http == 500
                                           ? PUBRIO_SUBMIT_UNCERTAIN
                                           : PUBRIO_SUBMIT_NOT_SPENT);
    pubrio_lookup_request *req = lookup_request(1);
    pubrio_lookup_result *res = NULL;
    assert_int_equal(pubrio_lookup_batch(c, req, &res, &err), cases[i].status);
    assert_int_equal(err.submit_state, cases[i].http == 500
                                           ? PUBRIO_SUBMIT_UNCERTAIN
                                           : PUBRIO_SUBMIT_NOT_SPENT);
    pubrio_lookup_result_free(res);
    pubrio_lookup_request_free(req);
    pubrio_profile *p = NULL;
    assert_int_equal(pubrio_profile_get(c, -1, &p, &err), cases[i].status);
    pubrio_usage *u = NULL;
    assert_int_equal(pubrio_usage_get(c, -1, &u, &err), cases[i].status);
    pubrio_error_clear(&err);
    pubrio_client_free(c);
  }
}

int main(void) {
  if (!getenv("PUBRIO_PRISM_URL")) {
    printf("skipped: PUBRIO_PRISM_URL is not set (scripts/contract_test.sh)\n");
    return 77;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(submit_matches_contract),
      cmocka_unit_test(query_matches_contract),
      cmocka_unit_test(account_calls_match_contract),
      cmocka_unit_test(single_redeem_matches_contract),
      cmocka_unit_test(lookups_match_contract),
      cmocka_unit_test(documented_errors_are_typed),
  };
  return cmocka_run_group_tests_name("contract", tests, NULL, NULL);
}
