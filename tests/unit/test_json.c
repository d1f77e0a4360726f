/* The JSON layer alone: request bodies out, every response shape in. */
/* cmocka needs these three first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "json.h"
#include "pubrio/pubrio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID1 "540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11"
#define QID "a046c1da-b3d4-4ca1-aca6-1dd8c8055701"

/* Parse a copy: the parser repairs escapes in place. */
static pubrio_status parse_query(const char *body, pubrio_query_result **out,
                                 pubrio_error *err) {
  char *copy = strdup(body);
  pubrio_status st = pri_json_parse_query(copy, strlen(copy), out, err);
  free(copy);
  return st;
}

static void submit_body_all_types(void **state) {
  (void)state;
  pubrio_batch_request *req = NULL;
  pubrio_batch_request_new(&req, NULL);
  pubrio_batch_request_add_person(req, ID1, NULL);
  pubrio_batch_request_add_contact_types(req, PUBRIO_CONTACT_PHONE, NULL);
  pubrio_batch_request_add_contact_types(
      req, PUBRIO_CONTACT_EMAIL_WORK | PUBRIO_CONTACT_EMAIL_PERSONAL, NULL);
  pubrio_batch_request_set_profile_id(req, 9007199254740991LL, NULL);
  char *body = pri_json_submit_body(req);
  assert_string_equal(body,
                      "{\"peoples\":[\"" ID1 "\"],\"people_contact_types\":"
                      "[\"email-personal\",\"email-work\",\"phone\"],"
                      "\"profile_id\":9007199254740991}");
  free(body);
  pubrio_batch_request_free(req);
  body = pri_json_query_body(QID, 0, 0);
  assert_string_equal(body, "{\"redeem_query_id\":\"" QID "\"}");
  free(body);
  body = pri_json_query_body(QID, 1, 42); /* a bulk run's recorded profile */
  assert_string_equal(body,
                      "{\"redeem_query_id\":\"" QID "\",\"profile_id\":42}");
  free(body);
}

/* The example from the contract, verbatim. */
static const char *const CONTRACT_QUERY =
    "{\"data\":{\"profile\":{\"credit\":450376,\"topup_credit\":235237,"
    "\"total_charged_credit\":45},\"query\":{\"redeem_query_id\":\"" QID "\","
    "\"is_completed\":true,\"estimated_time\":6,\"estimated_time_type\":"
    "\"second\"},\"peoples\":[{\"people_search_id\":\"" ID1 "\",\"emails\":["
    "{\"value\":\"jane.doe@example.com\",\"type\":\"email-personal\","
    "\"status\":null},{\"value\":\"jane.doe@example.org\",\"type\":"
    "\"email-work\",\"status\":\"Verified\"}],\"phones\":[{\"value\":"
    "\"+1123456789\",\"type\":\"phone\",\"status\":null}]}]}}";

static void query_contract_example(void **state) {
  (void)state;
  pubrio_query_result *r = NULL;
  assert_int_equal(parse_query(CONTRACT_QUERY, &r, NULL), PUBRIO_OK);
  assert_string_equal(r->query->redeem_query_id, QID);
  assert_int_equal(r->query->is_completed, 1);
  assert_int_equal(r->query->estimated_time_ms, 6000);
  assert_true(r->has_credit && r->has_topup_credit &&
              r->has_total_charged_credit);
  assert_int_equal(r->credit, 450376);
  assert_int_equal(r->topup_credit, 235237);
  assert_int_equal(r->total_charged_credit, 45);
  assert_int_equal(r->people_count, 1);
  const pubrio_person *p = pubrio_query_result_person(r, 0);
  assert_string_equal(p->people_search_id, ID1);
  assert_int_equal(p->email_count, 2);
  assert_int_equal(p->phone_count, 1);
  const pubrio_contact *e0 = pubrio_person_email(p, 0);
  assert_string_equal(e0->value, "jane.doe@example.com");
  assert_int_equal(e0->type, PUBRIO_CONTACT_EMAIL_PERSONAL);
  assert_null(e0->status);
  const pubrio_contact *e1 = pubrio_person_email(p, 1);
  assert_int_equal(e1->type, PUBRIO_CONTACT_EMAIL_WORK);
  assert_string_equal(e1->status, "Verified");
  const pubrio_contact *ph = pubrio_person_phone(p, 0);
  assert_string_equal(ph->value, "+1123456789");
  assert_int_equal(ph->type, PUBRIO_CONTACT_PHONE);
  assert_null(pubrio_person_email(p, 2));
  assert_null(pubrio_person_phone(p, 1));
  assert_null(pubrio_query_result_person(r, 1));
  assert_null(pubrio_person_email(NULL, 0));
  pubrio_query_result_free(r);
}

static void query_minimal_and_unknown_types(void **state) {
  (void)state;
  pubrio_query_result *r = NULL;
  /* Pending: no profile, no peoples; unknown unit; a new contact type. */
  assert_int_equal(
      parse_query("{\"data\":{\"query\":{\"redeem_query_id\":\"" QID
                  "\",\"is_completed\":false,\"estimated_time\":2,"
                  "\"estimated_time_type\":\"minute\"}}}",
                  &r, NULL),
      PUBRIO_OK);
  assert_int_equal(r->query->is_completed, 0);
  assert_int_equal(r->query->estimated_time_ms, 120000);
  assert_false(r->has_credit || r->has_topup_credit ||
               r->has_total_charged_credit);
  assert_int_equal(r->people_count, 0);
  pubrio_query_result_free(r);

  assert_int_equal(
      parse_query("{\"data\":{\"profile\":{\"credit\":null},\"query\":{"
                  "\"redeem_query_id\":\"" QID "\",\"is_completed\":true},"
                  "\"peoples\":[{\"people_search_id\":\"" ID1 "\",\"emails\":"
                  "[{\"value\":\"x@y\",\"type\":\"email-alias\"},{}],"
                  "\"phones\":null}]}}",
                  &r, NULL),
      PUBRIO_OK);
  assert_false(r->has_credit);
  const pubrio_person *p = pubrio_query_result_person(r, 0);
  assert_int_equal(p->email_count, 2);
  assert_int_equal(p->phone_count, 0);
  const pubrio_contact *c = pubrio_person_email(p, 0);
  assert_int_equal(c->type, PUBRIO_CONTACT_UNKNOWN);
  assert_string_equal(c->type_raw, "email-alias");
  c = pubrio_person_email(p, 1);
  assert_null(c->value);
  assert_null(c->type_raw);
  pubrio_query_result_free(r);
}

static void query_wrong_types_name_the_field(void **state) {
  (void)state;
  const struct {
    const char *body;
    const char *part;
  } cases[] = {
      {"{\"data\":{}}", "data.query: expected an object, got nothing"},
      {"{\"data\":{\"query\":{\"redeem_query_id\":\"" QID
       "\",\"is_completed\":true},\"profile\":[]}}",
       "data.profile: expected an object, got an array"},
      {"{\"data\":{\"query\":{\"redeem_query_id\":\"" QID
       "\",\"is_completed\":true},\"profile\":{\"credit\":\"5\"}}}",
       "data.profile.credit: expected an integer, got a string"},
      {"{\"data\":{\"query\":{\"redeem_query_id\":\"" QID
       "\",\"is_completed\":true},\"peoples\":{}}}",
       "data.peoples: expected an array, got an object"},
      {"{\"data\":{\"query\":{\"redeem_query_id\":\"" QID
       "\",\"is_completed\":true},\"peoples\":[1]}}",
       "data.peoples[]: expected an object, got a number"},
      {"{\"data\":{\"query\":{\"redeem_query_id\":\"" QID
       "\",\"is_completed\":true},\"peoples\":[{}]}}",
       "data.peoples[].people_search_id: expected a UUID string, got nothing"},
      {"{\"data\":{\"query\":{\"redeem_query_id\":\"" QID
       "\",\"is_completed\":true},\"peoples\":[{\"people_search_id\":\"" ID1
       "\",\"emails\":\"x\"}]}}",
       "data.peoples[].emails: expected an array, got a string"},
      {"{\"data\":{\"query\":{\"redeem_query_id\":\"" QID
       "\",\"is_completed\":true},\"peoples\":[{\"people_search_id\":\"" ID1
       "\",\"phones\":[{\"value\":5}]}]}}",
       "data.peoples[].phones[].value: expected a string, got a number"},
      {"{\"data\":{\"query\":{\"redeem_query_id\":\"" QID
       "\",\"is_completed\":true},\"peoples\":[{\"people_search_id\":\"" ID1
       "\",\"phones\":[{\"status\":true}]}]}}",
       "data.peoples[].phones[].status: expected a string, got a boolean"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    pubrio_error err = {0};
    pubrio_query_result *r = (pubrio_query_result *)1;
    assert_int_equal(parse_query(cases[i].body, &r, &err), PUBRIO_E_PROTOCOL);
    assert_null(r);
    if (!strstr(err.message, cases[i].part))
      fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.message, cases[i].part);
    pubrio_error_clear(&err);
  }
}

/* data.peoples is streamed person by person: the walk must read the same
 * answers as a tree would. */
static void query_stream_edge_cases(void **state) {
  (void)state;
  pubrio_query_result *r = NULL;
  /* People before query, spaces everywhere, an escaped key, other members
   * skipped, a duplicate peoples and a duplicate data ignored (first wins),
   * trailing bytes after the body ignored as cJSON does. */
  const char *body =
      " {\"meta\" : [1,{\"a\":[]}] , \"data\" : { \"peo\\u0070les\" : [ "
      "{\"people_search_id\":\"" ID1 "\",\"emails\":[]} , "
      "{\"people_search_id\":\"" QID "\"} ] ,\"peoples\":[{}], \"query\":"
      "{\"redeem_query_id\":\"" QID "\",\"is_completed\":true} } ,"
      "\"data\":7 }  trailing";
  assert_int_equal(parse_query(body, &r, NULL), PUBRIO_OK);
  assert_int_equal(r->people_count, 2);
  assert_string_equal(pubrio_query_result_person(r, 1)->people_search_id, QID);
  assert_int_equal(r->query->is_completed, 1);
  pubrio_query_result_free(r);
  /* peoples: null is no people. */
  assert_int_equal(
      parse_query("{\"data\":{\"peoples\":null,\"query\":{\"redeem_query_id\":"
                  "\"" QID "\",\"is_completed\":false}}}",
                  &r, NULL),
      PUBRIO_OK);
  assert_int_equal(r->people_count, 0);
  pubrio_query_result_free(r);
  /* Many people: the person table grows while streaming. */
  char *big = malloc(200 * 60 + 200);
  char *p = big + sprintf(big, "{\"data\":{\"peoples\":[");
  for (int i = 0; i < 200; i++)
    p += sprintf(p, "%s{\"people_search_id\":\"" ID1 "\"}", i ? "," : "");
  sprintf(p, "],\"query\":{\"redeem_query_id\":\"" QID
             "\",\"is_completed\":true}}}");
  assert_int_equal(parse_query(big, &r, NULL), PUBRIO_OK);
  assert_int_equal(r->people_count, 200);
  pubrio_query_result_free(r);
  free(big);
  const struct {
    const char *body;
    const char *part;
  } bad[] = {
      {"{\"data\":{\"peoples\":[{\"people_search_id\":\"" ID1 "\"}",
       "not valid JSON"},
      /* Read in order: the first problem met is the one reported. */
      {"{\"data\":{\"peoples\":[{\"people_search_id\":\"" ID1 "\"}{}]}}",
       "not valid JSON"},
      {"{\"data\":{\"peoples\" [] }}", "not valid JSON"},
      {"{\"data\" {}}", "not valid JSON"},
      {"{data:{}}", "not valid JSON"},
      {"{\"data\":{},}", "not valid JSON"},
      {"{\"data\":{\"peoples\":\"x\"}}",
       "data.peoples: expected an array, got a string"},
      {"{\"data\":[]}", "body.data: expected an object, got an array"},
      {"{\"other\":1}", "body.data: expected an object, got nothing"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    pubrio_error err = {0};
    assert_int_equal(parse_query(bad[i].body, &r, &err), PUBRIO_E_PROTOCOL);
    assert_null(r);
    if (!strstr(err.message, bad[i].part))
      fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.message, bad[i].part);
    pubrio_error_clear(&err);
  }
}

static void error_bodies(void **state) {
  (void)state;
  pri_api_error e;
  const char *b400 =
      "{\"code\":40001,\"message\":\"m\",\"details\":{\"a\":[1]}}";
  pri_json_parse_api_error(b400, strlen(b400), &e);
  assert_true(e.is_json && e.has_code);
  assert_int_equal(e.code, 40001);
  assert_string_equal(e.message, "m");
  assert_string_equal(e.details_json, "{\"a\":[1]}");
  pri_api_error_free(&e);
  const char *b429 = "{\"error\":\"slow down\"}";
  pri_json_parse_api_error(b429, strlen(b429), &e);
  assert_false(e.has_code);
  assert_string_equal(e.message, "slow down");
  assert_null(e.details_json);
  pri_api_error_free(&e);
  const char *nested = "{\"error\":{\"message\":\"inner\"}}";
  pri_json_parse_api_error(nested, strlen(nested), &e);
  assert_string_equal(e.message, "inner");
  pri_api_error_free(&e);
  const char *html = "<html>502</html>";
  pri_json_parse_api_error(html, strlen(html), &e);
  assert_false(e.is_json);
  assert_null(e.message);
  pri_api_error_free(&e);
  pri_json_parse_api_error("", 0, &e);
  assert_false(e.is_json);
  pri_json_parse_api_error(NULL, 0, &e);
  assert_false(e.is_json);
  const char *odd = "{\"code\":\"x\",\"message\":5}";
  pri_json_parse_api_error(odd, strlen(odd), &e);
  assert_true(e.is_json);
  assert_false(e.has_code);
  assert_null(e.message);
  pri_api_error_free(&e);
}

static void deep_nesting_is_rejected_not_crashed(void **state) {
  (void)state;
  size_t n = 100000;
  char *body = malloc(n * 2 + 1);
  memset(body, '[', n);
  memset(body + n, ']', n);
  body[2 * n] = '\0';
  pubrio_query_result *r = NULL;
  pubrio_error err = {0};
  assert_int_equal(pri_json_parse_query(body, 2 * n, &r, &err),
                   PUBRIO_E_PROTOCOL);
  pubrio_error_clear(&err);
  free(body);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(submit_body_all_types),
      cmocka_unit_test(query_contract_example),
      cmocka_unit_test(query_minimal_and_unknown_types),
      cmocka_unit_test(query_wrong_types_name_the_field),
      cmocka_unit_test(query_stream_edge_cases),
      cmocka_unit_test(error_bodies),
      cmocka_unit_test(deep_nesting_is_rejected_not_crashed),
  };
  return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
