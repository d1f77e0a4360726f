/* The account calls (POST /profile, /profile/usage) and the single redeem
 * (POST /redeem/people), over real HTTP to the fake server with its plan
 * configured: typed answers, lenient reading of odd fields, the query's
 * retry, cancel and deadline rules for the free calls, the submit's
 * credit-safety rules for the paid one, quotas and per-type prices. */
#include "test_support.h"

#include "account.h" /* the calls with a deadline, as a bulk run uses them */
#include "fake_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROFILE_PATH "/profile"
#define USAGE_PATH "/profile/usage"
#define PERSON_PATH "/redeem/people"
#define BOTH_TYPES (PUBRIO_CONTACT_EMAIL_WORK | PUBRIO_CONTACT_PHONE)

/* The reference's example plan: 15 an email, 30 a phone. */
static fake_server_options priced = {
    .estimated_time = 0,
    .email_price = 15,
    .phone_price = 30,
    .credit = 450000,
    .plan_name = "Growth - Monthly",
    .quotas = {{2400, 3600000}, {57600, 86400000}}};
static fake_server_options quota_of_4 = {.quotas = {{4, 600000}}};
static fake_server_options short_of_credit = {
    .email_price = 15, .phone_price = 30, .credit = 100};

static int setup(void **state) {
  *state = fixture_new(NULL);
  return 0;
}

static int setup_priced(void **state) {
  *state = fixture_new(&priced);
  return 0;
}

static int setup_quota(void **state) {
  *state = fixture_new(&quota_of_4);
  return 0;
}

static int setup_short(void **state) {
  *state = fixture_new(&short_of_credit);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  return 0;
}

/* What the fake charges for @p id at 15/30 for email-work and phone. */
static int64_t priced_cost(const char *id) {
  fake_contact c[3];
  int n = fake_api_contacts_for(id, BOTH_TYPES, c);
  int64_t sum = 0;
  for (int i = 0; i < n; i++)
    sum += strcmp(c[i].type, "phone") == 0 ? 30 : 15;
  return sum;
}

/* ---- profile and usage ------------------------------------------------ */

static void profile_is_typed(void **state) {
  fixture *f = *state;
  pubrio_profile *p = NULL;
  assert_int_equal(pubrio_profile_get(f->client, -1, &p, &f->err), PUBRIO_OK);
  assert_true(p->has_profile_id && p->has_credit && p->has_topup_credit);
  assert_int_equal(p->profile_id, 1);
  assert_int_equal(p->credit, 450000);
  assert_int_equal(p->topup_credit, 235237);
  assert_string_equal(p->plan_name, "Growth - Monthly");
  assert_int_equal(p->email_price, 15);
  assert_int_equal(p->phone_price, 30);
  assert_int_equal(p->max_hourly_requests, 2400);
  assert_int_equal(p->max_daily_requests, 57600);
  assert_int_equal(p->max_monthly_requests, 0);
  assert_int_equal(p->api_access, 1);
  pubrio_profile_free(p);
  char *body = received_body(f, 0);
  assert_string_equal(body, "{}");
  free(body);
  /* A profile id is sent, and answered. */
  assert_int_equal(pubrio_profile_get(f->client, 7, &p, &f->err), PUBRIO_OK);
  assert_int_equal(p->profile_id, 7);
  pubrio_profile_free(p);
  body = received_body(f, 1);
  assert_string_equal(body, "{\"profile_id\":7}");
  free(body);
}

static void usage_counts_the_quota_windows(void **state) {
  fixture *f = *state;
  pubrio_query_result *r = NULL;
  for (int i = 0; i < 3; i++) {
    assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[i], NULL,
                                          PUBRIO_CONTACT_PHONE, -1, &r,
                                          &f->err),
                     PUBRIO_OK);
    pubrio_query_result_free(r);
  }
  pubrio_usage *u = NULL;
  assert_int_equal(pubrio_usage_get(f->client, -1, &u, &f->err), PUBRIO_OK);
  assert_int_equal(u->hourly_used, 4); /* the usage request counts too */
  assert_int_equal(u->hourly_allowed, 2400);
  assert_int_equal(u->daily_used, 4);
  assert_int_equal(u->daily_allowed, 57600);
  assert_int_equal(u->monthly_used, 0);
  assert_int_equal(u->monthly_allowed, 0);
  assert_string_equal(u->last_refreshed, "2026-11-13T10:01:13.051Z");
  assert_int_equal(u->api_access, 1);
  pubrio_usage_free(u);
  /* Every API request counts, the account calls included. */
  pubrio_profile *p = NULL;
  assert_int_equal(pubrio_profile_get(f->client, -1, &p, &f->err), PUBRIO_OK);
  pubrio_profile_free(p);
  assert_int_equal(pubrio_usage_get(f->client, -1, &u, &f->err), PUBRIO_OK);
  assert_int_equal(u->hourly_used, 6);
  pubrio_usage_free(u);
}

/* Odd values come out as "unknown" or clamped, never a failure. */
static void odd_profile_fields_are_typed(void **state) {
  fixture *f = *state;
  const struct {
    const char *body;
    int has_id, has_credit;
    int64_t credit, email, phone, hourly, daily;
    int access;
    const char *plan;
  } cases[] = {
      /* strings, floats, negatives, null */
      {"{\"data\":{\"profile_id\":\"1\",\"credit\":\"5\",\"subscription\":"
       "{\"name\":5,\"email_redeem_credit\":\"15\","
       "\"phone_number_redeem_credit\":29.2,\"max_api_hourly_query\":-3,"
       "\"max_api_daily_query\":null,\"is_api_access_available\":1}}}",
       0, 0, 0, -1, 30, -1, -1, -1, NULL},
      /* huge and 1e400 clamped to 2^53; a negative balance reads as 0 */
      {"{\"data\":{\"profile_id\":1.5,\"credit\":-12,\"subscription\":"
       "{\"name\":\"P\\u0000\",\"email_redeem_credit\":1e400,"
       "\"phone_number_redeem_credit\":1e30,\"max_api_hourly_query\":2400.9,"
       "\"max_api_daily_query\":9223372036854775807,"
       "\"is_api_access_available\":false}}}",
       0, 1, 0, 9007199254740992LL, 9007199254740992LL, 2400,
       9007199254740992LL, 0, "P\xef\xbf\xbd"},
      /* missing everything */
      {"{\"data\":{}}", 0, 0, 0, -1, -1, -1, -1, -1, NULL},
      /* a subscription that is not an object */
      {"{\"data\":{\"credit\":-1e400,\"subscription\":[1,2]}}", 0, 1, 0, -1, -1,
       -1, -1, -1, NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    script(f, PROFILE_PATH, 200, cases[i].body, NULL, NULL);
    pubrio_profile *p = NULL;
    assert_int_equal(pubrio_profile_get(f->client, -1, &p, &f->err), PUBRIO_OK);
    assert_int_equal(p->has_profile_id, cases[i].has_id);
    assert_int_equal(p->has_credit, cases[i].has_credit);
    assert_int_equal(p->credit, cases[i].credit);
    assert_int_equal(p->has_topup_credit, 0);
    assert_int_equal(p->email_price, cases[i].email);
    assert_int_equal(p->phone_price, cases[i].phone);
    assert_int_equal(p->max_hourly_requests, cases[i].hourly);
    assert_int_equal(p->max_daily_requests, cases[i].daily);
    assert_int_equal(p->max_monthly_requests, -1);
    assert_int_equal(p->api_access, cases[i].access);
    if (cases[i].plan)
      assert_string_equal(p->plan_name, cases[i].plan);
    else
      assert_null(p->plan_name);
    pubrio_profile_free(p);
  }
}

static void odd_usage_fields_are_typed(void **state) {
  fixture *f = *state;
  script(f, USAGE_PATH, 200,
         "{\"data\":{\"api_hourly_usage\":12.2,\"api_daily_usage\":-1,"
         "\"api_monthly_usage\":\"7\",\"total_max_api_hourly_query\":null,"
         "\"max_api_hourly_query\":60,\"total_max_api_daily_query\":1e400,"
         "\"max_api_daily_query\":5,\"total_max_api_monthly_query\":0,"
         "\"api_last_refreshed\":12,\"is_api_access_available\":\"yes\"}}",
         NULL, NULL);
  pubrio_usage *u = NULL;
  assert_int_equal(pubrio_usage_get(f->client, -1, &u, &f->err), PUBRIO_OK);
  assert_int_equal(u->hourly_used, 13); /* used: rounded up */
  assert_int_equal(u->daily_used, -1);
  assert_int_equal(u->monthly_used, -1);
  assert_int_equal(u->hourly_allowed, 60); /* the plan's, as no total */
  assert_int_equal(u->daily_allowed, 9007199254740992LL);
  assert_int_equal(u->monthly_allowed, 0); /* no quota */
  assert_null(u->last_refreshed);
  assert_int_equal(u->api_access, -1);
  pubrio_usage_free(u);
}

/* Only a body that is not JSON, or a data that is not an object, fails. */
static void non_object_data_is_a_protocol_error(void **state) {
  fixture *f = *state;
  const char *bodies[] = {"{\"data\":null}",
                          "{\"data\":[]}",
                          "{\"data\":\"x\"}",
                          "{}",
                          "[]",
                          "not json",
                          "",
                          "{\"data\":{\"credit\":"};
  for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
    script(f, PROFILE_PATH, 200, bodies[i], NULL, NULL);
    static pubrio_profile stale;
    pubrio_profile *p = &stale; /* must come back NULL */
    assert_int_equal(pubrio_profile_get(f->client, -1, &p, &f->err),
                     PUBRIO_E_PROTOCOL);
    assert_null(p);
    assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NONE);
    script(f, USAGE_PATH, 200, bodies[i], NULL, NULL);
    pubrio_usage *u = NULL;
    assert_int_equal(pubrio_usage_get(f->client, -1, &u, &f->err),
                     PUBRIO_E_PROTOCOL);
    assert_null(u);
  }
}

/* Free calls are retried like queries: a 429 without Retry-After waits the
 * backoff, then the 200 comes. */
static void a_429_then_200_is_retried(void **state) {
  fixture *f = *state;
  script(f, PROFILE_PATH, 429, "{\"error\":\"slow down\"}", NULL, NULL);
  script(f, USAGE_PATH, 503, "<html>busy</html>", NULL, NULL);
  pubrio_profile *p = NULL;
  assert_int_equal(pubrio_profile_get(f->client, -1, &p, &f->err), PUBRIO_OK);
  assert_non_null(p);
  pubrio_profile_free(p);
  assert_int_equal(fake_server_request_count(f->server, PROFILE_PATH), 2);
  assert_int_equal(f->clock.sleeps, 1);
  assert_true(f->clock.slept[0] > 0);
  pubrio_usage *u = NULL;
  assert_int_equal(pubrio_usage_get(f->client, -1, &u, &f->err), PUBRIO_OK);
  pubrio_usage_free(u);
  assert_int_equal(fake_server_request_count(f->server, USAGE_PATH), 2);
}

static void cancel_and_deadline_as_queries(void **state) {
  fixture *f = *state;
  pubrio_client_cancel(f->client);
  pubrio_profile *p = NULL;
  assert_int_equal(pubrio_profile_get(f->client, -1, &p, &f->err),
                   PUBRIO_E_CANCELLED);
  pubrio_usage *u = NULL;
  assert_int_equal(pubrio_usage_get(f->client, -1, &u, &f->err),
                   PUBRIO_E_CANCELLED);
  assert_null(p);
  assert_null(u);
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
  pubrio_client_reset_cancel(f->client);

  /* A deadline already passed: nothing sent, and said so. */
  int reached = 0;
  assert_int_equal(pri_account_usage_fetch(f->client, -1, f->clock.now - 1,
                                           &reached, &u, &f->err),
                   PUBRIO_E_TIMEOUT);
  assert_true(reached);
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
  /* A retry that would cross the deadline is not waited for. */
  script(f, PROFILE_PATH, 503, "{\"error\":\"x\"}", NULL, NULL);
  assert_int_equal(pri_account_profile_fetch(f->client, -1, f->clock.now + 100,
                                             &reached, &p, &f->err),
                   PUBRIO_E_SERVER);
  assert_int_equal(f->err.attempts, 1);
  assert_int_equal(f->clock.slept_total, 0);
  /* Within the deadline it is retried and succeeds. */
  script(f, PROFILE_PATH, 503, "{\"error\":\"x\"}", NULL, NULL);
  assert_int_equal(pri_account_profile_fetch(f->client, -1,
                                             f->clock.now + 60000, &reached, &p,
                                             &f->err),
                   PUBRIO_OK);
  assert_false(reached);
  pubrio_profile_free(p);
  /* A hung answer is cut by the attempt's timeout, and retried. */
  fake_reply hung = {.path = USAGE_PATH, .status = 200, .delay_ms = 3000};
  fake_server_push_reply(f->server, &hung);
  assert_int_equal(pubrio_client_set_timeouts(f->client, 2000, 250, &f->err),
                   PUBRIO_OK);
  assert_int_equal(pubrio_usage_get(f->client, -1, &u, &f->err), PUBRIO_OK);
  pubrio_usage_free(u);
  assert_int_equal(fake_server_request_count(f->server, USAGE_PATH), 2);
}

static void bad_arguments_send_nothing(void **state) {
  fixture *f = *state;
  pubrio_profile *p = NULL;
  pubrio_usage *u = NULL;
  assert_int_equal(pubrio_profile_get(NULL, -1, &p, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_profile_get(f->client, -1, NULL, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_profile_get(f->client, -2, &p, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_usage_get(f->client, -2, &u, NULL),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
  pubrio_profile_free(NULL);
  pubrio_usage_free(NULL);
}

/* ---- quotas ------------------------------------------------------------ */

/* Past the quota the fake answers 429 with no Retry-After; the call fails
 * after its retries, spends nothing, and the usage says used == allowed. */
static void quota_429_has_no_retry_after(void **state) {
  fixture *f = *state;
  pubrio_query_result *r = NULL;
  for (int i = 0; i < 4; i++) {
    assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[i], NULL,
                                          PUBRIO_CONTACT_PHONE, -1, &r,
                                          &f->err),
                     PUBRIO_OK);
    pubrio_query_result_free(r);
  }
  assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[4], NULL,
                                        PUBRIO_CONTACT_PHONE, -1, &r, &f->err),
                   PUBRIO_E_RATE_LIMITED);
  assert_null(r);
  assert_int_equal(f->err.http_status, 429);
  assert_int_equal(f->err.retry_after_ms, -1);
  assert_int_equal(f->err.attempts, 3);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
  assert_non_null(strstr(f->err.api_message, "quota"));
  assert_int_equal(fake_server_quota_refused(f->server), 3);
  size_t submitted = 0;
  int repeat = 0;
  fake_server_people_stats(f->server, &submitted, &repeat);
  assert_int_equal(submitted, 4);
  pubrio_usage *u = NULL;
  assert_int_equal(pubrio_usage_get(f->client, -1, &u, &f->err), PUBRIO_OK);
  assert_int_equal(u->hourly_used, 4);
  assert_int_equal(u->hourly_allowed, 4);
  assert_int_equal(u->hourly_used, u->hourly_allowed);
  pubrio_usage_free(u);
  /* The account calls are answered past the quota, and not counted. */
  pubrio_profile *p = NULL;
  assert_int_equal(pubrio_profile_get(f->client, -1, &p, &f->err), PUBRIO_OK);
  assert_int_equal(p->max_hourly_requests, 4);
  pubrio_profile_free(p);
  assert_int_equal(fake_server_quota_refused(f->server), 3);
}

/* ---- the single redeem -------------------------------------------------- */

static void check_person(const pubrio_query_result *r, const char *id,
                         unsigned types) {
  assert_int_equal(r->people_count, 1);
  assert_string_equal(r->query->redeem_query_id, "");
  assert_int_equal(r->query->is_completed, 1);
  assert_int_equal(r->query->estimated_time_ms, -1);
  const pubrio_person *p = pubrio_query_result_person(r, 0);
  assert_string_equal(p->people_search_id, id);
  fake_contact want[3];
  int n = fake_api_contacts_for(id, types, want);
  assert_int_equal(p->email_count + p->phone_count, (size_t)n);
  for (int i = 0, e = 0, ph = 0; i < n; i++) {
    const pubrio_contact *c = strcmp(want[i].type, "phone") == 0
                                  ? pubrio_person_phone(p, (size_t)ph++)
                                  : pubrio_person_email(p, (size_t)e++);
    assert_string_equal(c->value, want[i].value);
    assert_string_equal(c->type_raw, want[i].type);
  }
}

static void single_redeem_by_id_charges_per_type(void **state) {
  fixture *f = *state;
  const char *id = TEST_IDS[0];
  assert_int_equal(priced_cost(id), 45); /* a work email and a phone */
  pubrio_query_result *r = NULL;
  assert_int_equal(
      pubrio_redeem_person(f->client, id, NULL, BOTH_TYPES, 12, &r, &f->err),
      PUBRIO_OK);
  check_person(r, id, BOTH_TYPES);
  assert_true(r->has_total_charged_credit && r->has_credit &&
              r->has_topup_credit);
  assert_int_equal(r->total_charged_credit, 45);
  assert_int_equal(r->credit, 450000 - 45);
  assert_int_equal(r->topup_credit, 235237);
  pubrio_query_result_free(r);
  char *body = received_body(f, 0);
  assert_string_equal(body, "{\"people_search_id\":\"540574d1-5a4b-4c8e-9b0a-"
                            "8f3e2f1d7c11\",\"people_contact_types\":["
                            "\"email-work\",\"phone\"],\"profile_id\":12}");
  free(body);
  /* An upper-case id is sent canonical; one contact type costs its price. */
  char upper[PUBRIO_ID_LEN + 1];
  snprintf(upper, sizeof upper, "%s", TEST_IDS[3]);
  for (char *c = upper; *c; c++)
    *c = (char)(*c >= 'a' && *c <= 'f' ? *c - 32 : *c);
  assert_int_equal(pubrio_redeem_person(f->client, upper, NULL,
                                        PUBRIO_CONTACT_PHONE, -1, &r, &f->err),
                   PUBRIO_OK);
  check_person(r, TEST_IDS[3], PUBRIO_CONTACT_PHONE);
  assert_int_equal(r->total_charged_credit, 30);
  pubrio_query_result_free(r);
  /* Someone with nothing to unlock costs nothing. */
  assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[7], NULL,
                                        BOTH_TYPES, -1, &r, &f->err),
                   PUBRIO_OK);
  assert_int_equal(r->total_charged_credit, 0);
  assert_int_equal(pubrio_query_result_person(r, 0)->email_count, 0);
  pubrio_query_result_free(r);
  assert_int_equal(fake_server_credit(f->server), 450000 - 45 - 30);
}

static void single_redeem_by_url_resolves_one_id(void **state) {
  fixture *f = *state;
  const char *forms[] = {
      "https://www.linkedin.com/in/jane-doe-123",
      "https://www.linkedin.com/in/jane-doe-123",
      "http://linkedin.com/in/Jane-Doe-123/",
      "https://uk.linkedin.com/in/jane-doe-123?trk=abc#top",
      "HTTPS://WWW.LINKEDIN.COM/in/jane-doe-123/",
  };
  char first[PUBRIO_ID_LEN + 1] = "";
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
    pubrio_query_result *r = NULL;
    assert_int_equal(pubrio_redeem_person(f->client, NULL, forms[i], BOTH_TYPES,
                                          -1, &r, &f->err),
                     PUBRIO_OK);
    const pubrio_person *p = pubrio_query_result_person(r, 0);
    assert_non_null(p);
    if (i == 0)
      snprintf(first, sizeof first, "%s", p->people_search_id);
    assert_string_equal(p->people_search_id, first);
    check_person(r, first, BOTH_TYPES);
    assert_int_equal(r->total_charged_credit, priced_cost(first));
    pubrio_query_result_free(r);
  }
  char resolved[37];
  assert_int_equal(fake_api_resolve_linkedin(forms[0], resolved), 0);
  assert_string_equal(resolved, first);
  /* The URL is sent as given, escaped. */
  char *body = received_body(f, 0);
  assert_string_equal(body, "{\"linkedin_url\":\"https://www.linkedin.com/in/"
                            "jane-doe-123\",\"people_contact_types\":["
                            "\"email-work\",\"phone\"]}");
  free(body);
  /* The fake's stats see the one person bought five times. */
  size_t submitted = 0;
  int repeat = 0;
  fake_server_people_stats(f->server, &submitted, &repeat);
  assert_int_equal(submitted, 5);
  assert_int_equal(repeat, 5);
  /* Nobody found: answered, nothing charged, nobody in the result. */
  pubrio_query_result *r = NULL;
  assert_int_equal(
      pubrio_redeem_person(f->client, NULL,
                           "https://www.linkedin.com/in/nobody-here",
                           BOTH_TYPES, -1, &r, &f->err),
      PUBRIO_OK);
  assert_int_equal(r->people_count, 0);
  assert_int_equal(r->total_charged_credit, 0);
  assert_int_equal(r->query->is_completed, 1);
  pubrio_query_result_free(r);
}

/* The fake's people stats span batches and single redeems, so a test can
 * prove nobody was bought twice across both. */
static void people_stats_span_batch_and_single(void **state) {
  fixture *f = *state;
  pubrio_batch_request *req = make_request(2, PUBRIO_CONTACT_PHONE);
  pubrio_batch_job *job = NULL;
  assert_int_equal(pubrio_redeem_people_batch(f->client, req, &job, &f->err),
                   PUBRIO_OK);
  pubrio_batch_job_free(job);
  pubrio_batch_request_free(req);
  pubrio_query_result *r = NULL;
  assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[2], NULL,
                                        PUBRIO_CONTACT_PHONE, -1, &r, &f->err),
                   PUBRIO_OK);
  pubrio_query_result_free(r);
  size_t submitted = 0;
  int repeat = 0;
  fake_server_people_stats(f->server, &submitted, &repeat);
  assert_int_equal(submitted, 3);
  assert_int_equal(repeat, 1);
  assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[0], NULL,
                                        PUBRIO_CONTACT_PHONE, -1, &r, &f->err),
                   PUBRIO_OK);
  pubrio_query_result_free(r);
  fake_server_people_stats(f->server, &submitted, &repeat);
  assert_int_equal(submitted, 4);
  assert_int_equal(repeat, 2);
}

static void single_redeem_refuses_bad_input_before_sending(void **state) {
  fixture *f = *state;
  const char *bad_urls[] = {
      "", /* (a URL without a scheme is fine: linkedin.com/in/jane) */
      "ftp://www.linkedin.com/in/jane",
      "https://www.linkedin.com/company/pubrio",
      "https://www.linkedin.com/in/",
      "https://www.linkedin.com/in/?x=1",
      "https://www.linkedin.com/",
      "https://www.linkedin.com",
      "https://linkedin.com.evil.example/in/jane",
      "https://evillinkedin.com/in/jane",
      "https://user:pw@www.linkedin.com/in/jane",
      "https://www.linkedin.com:x/in/jane",
      "https://www.linkedin.com/in/jane doe",
      "https://www.linkedin.com/in/jane\n",
      "https://www.linkedin.com/in/\xff\xfe",
      "https://.linkedin.com/in/jane",
      "https://www..linkedin.com/in/jane",
  };
  pubrio_query_result *r = NULL;
  for (size_t i = 0; i < sizeof bad_urls / sizeof *bad_urls; i++) {
    f->err.submit_state = PUBRIO_SUBMIT_NONE;
    assert_int_equal(pubrio_redeem_person(f->client, NULL, bad_urls[i],
                                          BOTH_TYPES, -1, &r, &f->err),
                     PUBRIO_E_INVALID_ARGUMENT);
    assert_null(r);
    assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
    assert_non_null(strstr(f->err.message, "linkedin_url"));
    assert_null(strchr(f->err.message, '\n')); /* escaped */
  }
  char long_url[3000] = "https://www.linkedin.com/in/";
  memset(long_url + strlen(long_url), 'a', 2500);
  long_url[2990] = '\0';
  assert_int_equal(pubrio_redeem_person(f->client, NULL, long_url, BOTH_TYPES,
                                        -1, &r, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  const struct {
    const char *id, *url;
    unsigned types;
    int64_t profile_id;
    const char *says;
  } cases[] = {
      {NULL, NULL, BOTH_TYPES, -1, "exactly one"},
      {TEST_IDS[0], "https://www.linkedin.com/in/jane", BOTH_TYPES, -1,
       "exactly one"},
      {"540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c1", NULL, BOTH_TYPES, -1,
       "not a canonical UUID"},
      {"{540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11}", NULL, BOTH_TYPES, -1,
       "not a canonical UUID"},
      {TEST_IDS[0], NULL, 0, -1, "contact_types"},
      {TEST_IDS[0], NULL, 8, -1, "contact_types"},
      {TEST_IDS[0], NULL, BOTH_TYPES, -2, "profile_id"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    assert_int_equal(pubrio_redeem_person(f->client, cases[i].id, cases[i].url,
                                          cases[i].types, cases[i].profile_id,
                                          &r, &f->err),
                     PUBRIO_E_INVALID_ARGUMENT);
    assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
    assert_non_null(strstr(f->err.message, cases[i].says));
  }
  assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[0], NULL,
                                        BOTH_TYPES, -1, NULL, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(
      pubrio_redeem_person(NULL, TEST_IDS[0], NULL, BOTH_TYPES, -1, &r, NULL),
      PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
}

/* Anything after the request left without an answer proving it was not
 * processed is UNCERTAIN, and the request went out once. */
static void single_redeem_uncertain_is_sent_once(void **state) {
  fixture *f = *state;
  /* A warm keep-alive connection first: libcurl would resend on it. */
  pubrio_query_result *r = NULL;
  assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[0], NULL,
                                        PUBRIO_CONTACT_PHONE, -1, &r, &f->err),
                   PUBRIO_OK);
  pubrio_query_result_free(r);
  fake_reply closed = {.path = PERSON_PATH,
                       .status = 200,
                       .fault = FAKE_FAULT_PROCESS_THEN_CLOSE};
  fake_server_push_reply(f->server, &closed);
  assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[1], NULL,
                                        PUBRIO_CONTACT_PHONE, -1, &r, &f->err),
                   PUBRIO_E_TRANSPORT);
  assert_null(r);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
  assert_int_equal(f->err.attempts, 1);
  assert_int_equal(fake_server_request_count(f->server, PERSON_PATH), 2);
  size_t submitted = 0;
  int repeat = 0;
  fake_server_people_stats(f->server, &submitted, &repeat);
  assert_int_equal(submitted, 2); /* processed (charged) once */
  assert_int_equal(repeat, 1);

  /* A timeout: the answer never comes in time. */
  fake_reply hung = {.path = PERSON_PATH, .status = 200, .delay_ms = 3000};
  fake_server_push_reply(f->server, &hung);
  assert_int_equal(pubrio_client_set_timeouts(f->client, 2000, 250, &f->err),
                   PUBRIO_OK);
  assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[2], NULL,
                                        PUBRIO_CONTACT_PHONE, -1, &r, &f->err),
                   PUBRIO_E_TIMEOUT);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
  assert_int_equal(f->err.attempts, 1);
  assert_int_equal(fake_server_request_count(f->server, PERSON_PATH), 3);

  /* A 5xx and an unreadable 2xx: uncertain, not retried. */
  const int statuses[] = {500, 502, 200};
  for (size_t i = 0; i < 3; i++) {
    script(f, PERSON_PATH, statuses[i], "<html>oops</html>", NULL, NULL);
    size_t before = fake_server_request_count(f->server, PERSON_PATH);
    assert_int_not_equal(pubrio_redeem_person(f->client, TEST_IDS[3], NULL,
                                              PUBRIO_CONTACT_PHONE, -1, &r,
                                              &f->err),
                         PUBRIO_OK);
    assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_UNCERTAIN);
    assert_int_equal(fake_server_request_count(f->server, PERSON_PATH),
                     before + 1);
  }
}

/* Answers that prove nothing was processed: NOT_SPENT. */
static void single_redeem_refused_is_not_spent(void **state) {
  fixture *f = *state;
  assert_int_equal(pubrio_client_set_retry(f->client, 1, 0, 0, &f->err),
                   PUBRIO_OK);
  const struct {
    int http;
    pubrio_status status;
  } cases[] = {{400, PUBRIO_E_BAD_REQUEST},
               {402, PUBRIO_E_PAYMENT_REQUIRED},
               {429, PUBRIO_E_RATE_LIMITED}};
  pubrio_query_result *r = NULL;
  for (size_t i = 0; i < 3; i++) {
    script(f, PERSON_PATH, cases[i].http, "{\"error\":\"no\"}", NULL, NULL);
    assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[0], NULL,
                                          PUBRIO_CONTACT_PHONE, -1, &r,
                                          &f->err),
                     cases[i].status);
    assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
    assert_int_equal(f->err.http_status, cases[i].http);
  }
  /* The fake's own 400, for a body it refuses. */
  assert_int_equal(fake_server_request_count(f->server, PERSON_PATH), 3);
  size_t submitted = 1;
  int repeat = 1;
  fake_server_people_stats(f->server, &submitted, &repeat);
  assert_int_equal(submitted, 0);
  /* A 429 is retried for a redeem too (it proves nothing was processed). */
  assert_int_equal(pubrio_client_set_retry(f->client, 3, 100, 1000, &f->err),
                   PUBRIO_OK);
  script(f, PERSON_PATH, 429, "{\"error\":\"slow\"}", NULL, NULL);
  assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[0], NULL,
                                        PUBRIO_CONTACT_PHONE, -1, &r, &f->err),
                   PUBRIO_OK);
  pubrio_query_result_free(r);
  fake_server_people_stats(f->server, &submitted, &repeat);
  assert_int_equal(submitted, 1);
}

/* The fake's balance: a redeem it cannot pay at its worst case is a 402,
 * for the single redeem and the batch alike; nothing is charged. */
static void balance_short_is_402_not_spent(void **state) {
  fixture *f = *state;
  pubrio_query_result *r = NULL;
  /* 45 at most for one person: 100 pays it. */
  assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[0], NULL,
                                        BOTH_TYPES, -1, &r, &f->err),
                   PUBRIO_OK);
  assert_int_equal(r->credit, 100 - priced_cost(TEST_IDS[0]));
  pubrio_query_result_free(r);
  /* 3 people at 45 each is more than 55 left. */
  pubrio_batch_request *req = make_request(3, BOTH_TYPES);
  pubrio_batch_job *job = NULL;
  assert_int_equal(pubrio_redeem_people_batch(f->client, req, &job, &f->err),
                   PUBRIO_E_PAYMENT_REQUIRED);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
  pubrio_batch_request_free(req);
  assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[1], NULL,
                                        BOTH_TYPES, -1, &r, &f->err),
                   PUBRIO_OK);
  pubrio_query_result_free(r);
  assert_int_equal(fake_server_credit(f->server), 100 - 45 - 45);
  assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[2], NULL,
                                        BOTH_TYPES, -1, &r, &f->err),
                   PUBRIO_E_PAYMENT_REQUIRED);
  assert_int_equal(f->err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
  assert_int_equal(fake_server_credit(f->server), 10);
  pubrio_profile *p = NULL;
  assert_int_equal(pubrio_profile_get(f->client, -1, &p, &f->err), PUBRIO_OK);
  assert_int_equal(p->credit, 10);
  pubrio_profile_free(p);
}

/* A batch is charged per contact returned at its type's price. */
static void batch_is_charged_per_type(void **state) {
  fixture *f = *state;
  pubrio_batch_request *req = make_request(TEST_ID_COUNT, BOTH_TYPES);
  pubrio_query_result *r = NULL;
  assert_int_equal(
      pubrio_redeem_people_batch_and_wait(f->client, req, NULL, &r, &f->err),
      PUBRIO_OK);
  pubrio_batch_request_free(req);
  int64_t want = 0;
  for (size_t i = 0; i < TEST_ID_COUNT; i++)
    want += priced_cost(TEST_IDS[i]);
  assert_true(want > 45); /* several people with contacts */
  assert_int_equal(r->total_charged_credit, want);
  assert_int_equal(r->credit, 450000 - want);
  pubrio_query_result_free(r);
  assert_int_equal(fake_server_credit(f->server), 450000 - want);
}

/* Server text in a refused redeem never reaches the message raw, and the
 * key never appears in it. */
static void key_never_in_errors(void **state) {
  fixture *f = *state;
  script(f, PERSON_PATH, 400, "{\"code\":40001,\"message\":\"bad test-key\"}",
         NULL, NULL);
  pubrio_query_result *r = NULL;
  assert_int_equal(pubrio_redeem_person(f->client, TEST_IDS[0], NULL,
                                        BOTH_TYPES, -1, &r, &f->err),
                   PUBRIO_E_BAD_REQUEST);
  assert_null(strstr(f->err.message, TEST_KEY));
  assert_null(strstr(f->err.api_message, TEST_KEY));
}

#define T(name, setup_fn)                                                      \
  cmocka_unit_test_setup_teardown(name, setup_fn, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(profile_is_typed, setup_priced),
      T(usage_counts_the_quota_windows, setup_priced),
      T(odd_profile_fields_are_typed, setup),
      T(odd_usage_fields_are_typed, setup),
      T(non_object_data_is_a_protocol_error, setup),
      T(a_429_then_200_is_retried, setup),
      T(cancel_and_deadline_as_queries, setup),
      T(bad_arguments_send_nothing, setup),
      T(quota_429_has_no_retry_after, setup_quota),
      T(single_redeem_by_id_charges_per_type, setup_priced),
      T(single_redeem_by_url_resolves_one_id, setup_priced),
      T(people_stats_span_batch_and_single, setup),
      T(single_redeem_refuses_bad_input_before_sending, setup),
      T(single_redeem_uncertain_is_sent_once, setup),
      T(single_redeem_refused_is_not_spent, setup),
      T(balance_short_is_402_not_spent, setup_short),
      T(batch_is_charged_per_type, setup_priced),
      T(key_never_in_errors, setup),
  };
  return cmocka_run_group_tests_name("account", tests, NULL, NULL);
}
