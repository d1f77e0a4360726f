/* Pure logic, no network: UUIDs, the builder's validation, time units,
 * the retry policy, pacing, redaction. */
/* cmocka needs these three first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "buf.h"
#include "estimate.h"
#include "growth.h"
#include "pubrio/pubrio.h"
#include "redact.h"
#include "retry.h"
#include "transport.h"
#include "untrusted.h"
#include "uuid.h"
#include "uuid_set.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void uuid_accepts_canonical_forms(void **state) {
  (void)state;
  uint8_t u[16];
  char text[37];
  assert_int_equal(pri_uuid_parse("540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11", u),
                   0);
  pri_uuid_format(u, text);
  assert_string_equal(text, "540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11");
  assert_int_equal(pri_uuid_parse("540574D1-5A4B-4C8E-9B0A-8F3E2F1D7C11", u),
                   0);
  pri_uuid_format(u, text);
  assert_string_equal(text, "540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11");
  /* the one canonical form of a given id: lower case; nothing else taken */
  assert_int_equal(
      pri_uuid_canonical("540574D1-5a4B-4C8E-9B0A-8F3E2F1D7C11", text), 0);
  assert_string_equal(text, "540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11");
  strcpy(text, "untouched");
  assert_int_equal(
      pri_uuid_canonical("540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c1", text), -1);
  assert_int_equal(pri_uuid_canonical(NULL, text), -1);
  assert_string_equal(text, "untouched");
}

static void uuid_rejects_everything_else(void **state) {
  (void)state;
  const char *bad[] = {
      "",
      "540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c1",    /* short */
      "540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c111",  /* long */
      "540574d15a4b4c8e9b0a8f3e2f1d7c11",       /* no dashes */
      "{540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11}", /* braces */
      " 540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11",  /* space */
      "540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c1g",   /* not hex */
      "540574d1_5a4b-4c8e-9b0a-8f3e2f1d7c11",   /* wrong separator */
      "540574d-15a4b-4c8e-9b0a-8f3e2f1d7c11",   /* dash misplaced */
      "urn:uuid:540574d1-5a4b-4c8e-9b0a-8f3e",
  };
  uint8_t u[16];
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    if (pri_uuid_parse(bad[i], u) == 0)
      fail_msg("accepted \"%s\"", bad[i]);
  assert_int_equal(pri_uuid_parse(NULL, u), -1);
}

static void uuid_set_dedups_and_keeps_order(void **state) {
  (void)state;
  pri_uuid_set set = {0};
  uint8_t u[16] = {0};
  for (int round = 0; round < 2; round++)
    for (uint32_t i = 0; i < 5000; i++) {
      memcpy(u, &i, sizeof i);
      assert_int_equal(pri_uuid_set_add(&set, u), round == 0 ? 1 : 0);
    }
  assert_int_equal(set.count, 5000);
  for (uint32_t i = 0; i < 5000; i++) {
    uint32_t v;
    memcpy(&v, set.items[i], sizeof v);
    assert_int_equal(v, i);
  }
  pri_uuid_set_free(&set);
}

static void builder_names_the_bad_id(void **state) {
  (void)state;
  pubrio_batch_request *req = NULL;
  pubrio_error err = {0};
  assert_int_equal(pubrio_batch_request_new(&req, &err), PUBRIO_OK);
  assert_int_equal(pubrio_batch_request_add_person(req, "not-a-uuid", &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(err.status, PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "\"not-a-uuid\""));
  assert_int_equal(pubrio_batch_request_add_person(req, NULL, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  /* All or nothing: the good id before the bad one is not kept. */
  const char *ids[] = {"540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11", "xyz"};
  assert_int_equal(pubrio_batch_request_add_people(req, ids, 2, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "index 1"));
  assert_int_equal(pubrio_batch_request_people_count(req), 0);
  /* A very long bad id is quoted short. */
  char longid[500];
  memset(longid, 'a', sizeof longid - 1);
  longid[sizeof longid - 1] = '\0';
  assert_int_equal(pubrio_batch_request_add_person(req, longid, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_true(strlen(err.message) < 200);
  pubrio_error_clear(&err);
  pubrio_batch_request_free(req);
}

static void builder_checks_types_and_profile(void **state) {
  (void)state;
  pubrio_batch_request *req = NULL;
  pubrio_error err = {0};
  assert_int_equal(pubrio_batch_request_new(&req, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_batch_request_add_contact_types(req, 0, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_batch_request_add_contact_types(req, 8, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(
      pubrio_batch_request_add_contact_types(
          req, PUBRIO_CONTACT_PHONE | PUBRIO_CONTACT_EMAIL_WORK, &err),
      PUBRIO_OK);
  assert_int_equal(pubrio_batch_request_contact_types(req),
                   PUBRIO_CONTACT_PHONE | PUBRIO_CONTACT_EMAIL_WORK);
  assert_int_equal(pubrio_batch_request_set_profile_id(req, -1, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_batch_request_add_person(NULL, "x", &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  pubrio_error_clear(&err);
  pubrio_batch_request_free(req);
  pubrio_batch_request_free(NULL);
}

static void contact_type_names_round_trip(void **state) {
  (void)state;
  const pubrio_contact_type all[] = {PUBRIO_CONTACT_EMAIL_PERSONAL,
                                     PUBRIO_CONTACT_EMAIL_WORK,
                                     PUBRIO_CONTACT_PHONE};
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(
        pubrio_contact_type_from_str(pubrio_contact_type_str(all[i])), all[i]);
  assert_null(pubrio_contact_type_str(PUBRIO_CONTACT_UNKNOWN));
  assert_int_equal(pubrio_contact_type_from_str("fax"), PUBRIO_CONTACT_UNKNOWN);
  assert_int_equal(pubrio_contact_type_from_str(NULL), PUBRIO_CONTACT_UNKNOWN);
}

static void status_names_are_distinct(void **state) {
  (void)state;
  for (int a = PUBRIO_OK; a <= PUBRIO_E_CANCELLED; a++)
    for (int b = a + 1; b <= PUBRIO_E_CANCELLED; b++)
      assert_string_not_equal(pubrio_status_str((pubrio_status)a),
                              pubrio_status_str((pubrio_status)b));
  assert_string_equal(pubrio_status_str((pubrio_status)999), "unknown status");
  assert_string_equal(pubrio_version(), PUBRIO_VERSION);
}

/* The function the JSON parser calls on data.estimated_time. */
static void estimate_units(void **state) {
  (void)state;
  assert_int_equal(pri_estimate_ms_from_double(6, "second"), 6000);
  assert_int_equal(pri_estimate_ms_from_double(6, "seconds"), 6000);
  assert_int_equal(pri_estimate_ms_from_double(2, "minute"), 120000);
  assert_int_equal(pri_estimate_ms_from_double(1, "HOUR"), 3600000);
  assert_int_equal(pri_estimate_ms_from_double(250, "ms"), 250);
  /* unknown or missing units count as seconds */
  assert_int_equal(pri_estimate_ms_from_double(6, "fortnight"), 6000);
  assert_int_equal(pri_estimate_ms_from_double(6, NULL), 6000);
  assert_int_equal(pri_estimate_ms_from_double(1.0001, "second"), 1001);
  assert_int_equal(pri_estimate_ms_from_double(-5, "second"), 0);
  assert_int_equal(pri_estimate_ms_from_double(0, "second"), 0);
  /* past a day, NaN and infinities: clamped to a day */
  assert_int_equal(pri_estimate_ms_from_double(25, "hours"),
                   PRI_ESTIMATE_MAX_MS);
  assert_int_equal(pri_estimate_ms_from_double(1e300, "hour"),
                   PRI_ESTIMATE_MAX_MS);
  assert_int_equal(pri_estimate_ms_from_double(NAN, "second"),
                   PRI_ESTIMATE_MAX_MS);
  assert_int_equal(pri_estimate_ms_from_double(-INFINITY, "second"), 0);
}

static const pri_retry_policy policy = PRI_RETRY_DEFAULTS;

static int64_t delay_for(int idempotent, pri_outcome_kind kind, long status,
                         int64_t retry_after, int attempts) {
  pri_outcome o = {kind, status, retry_after};
  return pri_retry_delay_ms(&policy, idempotent, &o, attempts, 0.0);
}

static void retry_submit_only_when_provably_unprocessed(void **state) {
  (void)state;
  /* Submit (not idempotent). */
  assert_true(delay_for(0, PRI_OUTCOME_HTTP, 429, -1, 1) >= 0);
  assert_true(delay_for(0, PRI_OUTCOME_NOT_SENT, 0, -1, 1) >= 0);
  assert_int_equal(delay_for(0, PRI_OUTCOME_HTTP, 500, -1, 1), -1);
  assert_int_equal(delay_for(0, PRI_OUTCOME_HTTP, 503, -1, 1), -1);
  assert_int_equal(delay_for(0, PRI_OUTCOME_HTTP, 408, -1, 1), -1);
  assert_int_equal(delay_for(0, PRI_OUTCOME_TIMEOUT, 0, -1, 1), -1);
  assert_int_equal(delay_for(0, PRI_OUTCOME_SENT_FAILED, 0, -1, 1), -1);
  assert_int_equal(delay_for(0, PRI_OUTCOME_HTTP, 400, -1, 1), -1);
  assert_int_equal(delay_for(0, PRI_OUTCOME_FATAL, 0, -1, 1), -1);
  /* Query (idempotent). */
  assert_true(delay_for(1, PRI_OUTCOME_HTTP, 500, -1, 1) >= 0);
  assert_true(delay_for(1, PRI_OUTCOME_HTTP, 408, -1, 1) >= 0);
  assert_true(delay_for(1, PRI_OUTCOME_TIMEOUT, 0, -1, 1) >= 0);
  assert_true(delay_for(1, PRI_OUTCOME_SENT_FAILED, 0, -1, 1) >= 0);
  assert_int_equal(delay_for(1, PRI_OUTCOME_HTTP, 401, -1, 1), -1);
  assert_int_equal(delay_for(1, PRI_OUTCOME_HTTP, 402, -1, 1), -1);
  /* Opting in makes the submit retry like the query. */
  pri_retry_policy unsafe = policy;
  unsafe.retry_unsafe = 1;
  pri_outcome o = {PRI_OUTCOME_HTTP, 500, -1};
  assert_true(pri_retry_delay_ms(&unsafe, 0, &o, 1, 0.0) >= 0);
}

static void retry_backoff_and_budget(void **state) {
  (void)state;
  pri_outcome o = {PRI_OUTCOME_HTTP, 503, -1};
  /* Equal jitter: [d/2, d) for d = 500, 1000, ... capped at 8000. */
  assert_int_equal(pri_retry_delay_ms(&policy, 1, &o, 1, 0.0), 250);
  assert_int_equal(pri_retry_delay_ms(&policy, 1, &o, 1, 0.999), 499);
  assert_int_equal(pri_retry_delay_ms(&policy, 1, &o, 2, 0.0), 500);
  assert_int_equal(pri_retry_delay_ms(&policy, 1, &o, 3, 0.0), -1); /* budget */
  pri_retry_policy many = policy;
  many.max_attempts = 20;
  assert_int_equal(pri_retry_delay_ms(&many, 1, &o, 10, 0.0), 4000);
  assert_int_equal(pri_retry_delay_ms(&many, 1, &o, 19, 0.5), 6000);
  /* Retry-After wins over backoff, up to the cap. */
  assert_int_equal(delay_for(0, PRI_OUTCOME_HTTP, 429, 7000, 1), 7000);
  assert_int_equal(delay_for(0, PRI_OUTCOME_HTTP, 429, 60000, 1), 60000);
  assert_int_equal(delay_for(0, PRI_OUTCOME_HTTP, 429, 60001, 1), -1);
}

static void retry_after_parsing(void **state) {
  (void)state;
  time_t now = 1700000000; /* Tue, 14 Nov 2023 22:13:20 GMT */
  assert_int_equal(pri_transport_retry_after_ms("3", NULL, now), 3000);
  assert_int_equal(pri_transport_retry_after_ms(" 0 ", NULL, now), 0);
  assert_int_equal(pri_transport_retry_after_ms("3", "1500", now), 1500);
  assert_int_equal(pri_transport_retry_after_ms(NULL, "250", now), 250);
  assert_int_equal(
      pri_transport_retry_after_ms("Tue, 14 Nov 2023 22:13:50 GMT", NULL, now),
      30000);
  assert_int_equal(
      pri_transport_retry_after_ms("Tue, 14 Nov 2023 22:00:00 GMT", NULL, now),
      0);
  assert_int_equal(pri_transport_retry_after_ms("soon", NULL, now), -1);
  assert_int_equal(pri_transport_retry_after_ms("-5", NULL, now), -1);
  assert_int_equal(pri_transport_retry_after_ms(NULL, NULL, now), -1);
  assert_int_equal(
      pri_transport_retry_after_ms("99999999999999999999", NULL, now), -1);
}

static void redaction_masks_every_copy(void **state) {
  (void)state;
  char text[] = "key=sk_live_1 and again sk_live_1.";
  pri_redact(text, "sk_live_1");
  assert_string_equal(text, "key=********* and again *********.");
  pri_redact(text, "");
  pri_redact(NULL, "x");
}

/* No 8-character piece of the key survives, plain or JSON-escaped. */
static void redaction_masks_pieces_and_escapes(void **state) {
  (void)state;
  const char *key = "test-key-0123456789";
  char cut[] = "body ...\"test-key-0123\" then 9";
  pri_redact(cut, key);
  assert_string_equal(cut, "body ...\"*************\" then 9");
  char tail[] = "x 23456789";
  pri_redact(tail, key);
  assert_string_equal(tail, "x ********");
  char seven[] = "x 3456789"; /* 7 characters: not a piece */
  pri_redact(seven, key);
  assert_string_equal(seven, "x 3456789");
  char escaped[] = "{\"k\":\"\\u0074\\u0065\\u0073\\u0074-key-0123456789\"}";
  pri_redact(escaped, key);
  assert_null(strstr(escaped, "key-0"));
  assert_null(strstr(escaped, "\\u0074"));
  char mixed[] = "\\u0074EST-key-0123456789"; /* a near miss stays */
  pri_redact(mixed, key);
  assert_non_null(strstr(mixed, "EST"));
  assert_null(strstr(mixed, "key-0123")); /* but its own pieces go */
  char short_key[] = "a abc b abc";
  pri_redact(short_key, "abc");
  assert_string_equal(short_key, "a *** b ***");
}

/* Server text in messages: valid UTF-8, no control characters, bounded. */
static void untrusted_text_is_made_safe(void **state) {
  (void)state;
  const char forged[] = "ok\x1b[2K\r\x07"
                        "all good\n\xc2\x9b!\x7f";
  char *t = pri_untrusted_text(forged, sizeof forged - 1, 100);
  assert_string_equal(t, "ok\\u001b[2K\\u000d\\u0007all good\\u000a"
                         "\\u009b!\\u007f");
  free(t);
  const char bad[] = "a\xff\xc0\xaf"
                     "b\xe2\x82";
  t = pri_untrusted_text(bad, sizeof bad - 1, 100);
  assert_string_equal(t, "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                         "b\xEF\xBF\xBD\xEF\xBF\xBD");
  free(t);
  const char euro[] = "\xe2\x82\xac\xe2\x82\xac"; /* cut whole only */
  t = pri_untrusted_text(euro, sizeof euro - 1, 4);
  assert_string_equal(t, "\xe2\x82\xac...");
  free(t);
  assert_null(pri_untrusted_text(NULL, 0, 10));
}

static void utf8_validation_and_repair(void **state) {
  (void)state;
  assert_true(pri_utf8_valid("plain \xc3\xa9 \xf0\x9f\x98\x80", 13));
  assert_false(pri_utf8_valid("\xed\xa0\x80", 3));     /* a surrogate */
  assert_false(pri_utf8_valid("\xc0\x80", 2));         /* overlong NUL */
  assert_false(pri_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
  assert_false(pri_utf8_valid("a\0b", 3));
  pri_buf b = {0};
  assert_int_equal(pri_utf8_repair(&b, "a\0b\xed\xa0\x80", 6), 0);
  assert_string_equal(b.data, "a\xEF\xBF\xBD"
                              "b\xEF\xBF\xBD\xEF\xBF\xBD"
                              "\xEF\xBF\xBD");
  pri_buf_free(&b);
  char json[] = "[\"\\u0000\",\"\\ud800x\",\"\\udc00\",\"\\ud83d\\ude00\","
                "\"\\\\u0000\",\"\\u00e9\",\"\\ud800";
  pri_json_repair_escapes(json, strlen(json));
  assert_string_equal(json, "[\"\\ufffd\",\"\\ufffdx\",\"\\ufffd\","
                            "\"\\ud83d\\ude00\",\"\\\\u0000\",\"\\u00e9\","
                            "\"\\ufffd");
}

static void buffers_grow(void **state) {
  (void)state;
  pri_buf b = {0};
  for (int i = 0; i < 1000; i++)
    assert_int_equal(pri_buf_appendf(&b, "%d,", i), 0);
  assert_int_equal(strncmp(b.data, "0,1,2,", 6), 0);
  char *s = pri_buf_steal(&b);
  assert_null(b.data);
  free(s);
  pri_buf empty = {0};
  s = pri_buf_steal(&empty);
  assert_string_equal(s, "");
  free(s);
}

static void client_config_is_validated(void **state) {
  (void)state;
  pubrio_client *c = NULL;
  pubrio_error err = {0};
  unsetenv("PUBRIO_API_KEY");
  assert_int_equal(pubrio_client_new(&c, NULL, &err), PUBRIO_E_NO_API_KEY);
  assert_null(c);
  assert_int_equal(pubrio_client_new(&c, "", &err), PUBRIO_E_NO_API_KEY);
  assert_int_equal(pubrio_client_new(&c, "a\r\nX-Evil: 1", &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_null(strstr(err.message, "Evil"));
  setenv("PUBRIO_API_KEY", "env-key", 1);
  setenv("PUBRIO_BASE_URL", "http://127.0.0.1:9/gw/", 1);
  assert_int_equal(pubrio_client_new(&c, NULL, &err), PUBRIO_OK);
  assert_string_equal(pubrio_client_base_url(c), "http://127.0.0.1:9/gw");
  unsetenv("PUBRIO_BASE_URL");
  const char *bad_urls[] = {"ftp://x",       "file:///etc/passwd", "no-scheme",
                            "http://x/?q=1", "http://x/#f",        "",
                            "http://a b"};
  for (size_t i = 0; i < sizeof bad_urls / sizeof *bad_urls; i++)
    if (pubrio_client_set_base_url(c, bad_urls[i], &err) !=
        PUBRIO_E_INVALID_ARGUMENT)
      fail_msg("accepted base URL \"%s\"", bad_urls[i]);
  assert_null(strstr(err.message, "secret")); /* never echoed */
  assert_string_equal(pubrio_client_base_url(c), "http://127.0.0.1:9/gw");
  assert_int_equal(pubrio_client_set_timeouts(c, 0, 10, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_client_set_retry(c, 0, 1, 2, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_client_set_retry(c, 3, 10, 5, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_client_set_user_agent(c, "", &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_client_set_rate_limit(c, -1, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_client_set_max_response_bytes(c, 10, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_client_set_base_url(NULL, "http://x", &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  unsetenv("PUBRIO_API_KEY");
  pubrio_error_clear(&err);
  pubrio_client_free(c);
  pubrio_client_free(NULL);
}

static void grow_doubles_from_the_first_capacity(void **state) {
  (void)state;
  int *items = NULL;
  size_t cap = 0;
  assert_int_equal(pri_grow(&items, &cap, 1, sizeof *items), 0);
  assert_non_null(items);
  assert_int_equal(cap, PRI_GROW_FIRST);
  for (size_t i = 0; i < cap; i++)
    items[i] = (int)i;
  int *before = items;
  assert_int_equal(pri_grow(&items, &cap, PRI_GROW_FIRST, sizeof *items), 0);
  assert_ptr_equal(items, before); /* room already: nothing moves */
  assert_int_equal(cap, PRI_GROW_FIRST);
  assert_int_equal(pri_grow(&items, &cap, PRI_GROW_FIRST + 1, sizeof *items),
                   0);
  assert_int_equal(cap, 2 * PRI_GROW_FIRST); /* doubled, not + 1 */
  for (int i = 0; i < PRI_GROW_FIRST; i++)
    assert_int_equal(items[i], i); /* kept */
  assert_int_equal(pri_grow(&items, &cap, 1000, sizeof *items), 0);
  assert_int_equal(cap, 1000); /* a need past double is taken as is */
  items[999] = 7;
  free(items);
}

static void grow_with_zero(void **state) {
  (void)state;
  int *items = NULL;
  size_t cap = 0;
  assert_int_equal(pri_grow(&items, &cap, 0, sizeof *items), 0);
  assert_null(items); /* nothing needed, nothing allocated */
  assert_int_equal(cap, 0);
  assert_int_equal(pri_grow(&items, &cap, 1, 0), -1); /* no item size */
  assert_null(items);
  assert_int_equal(cap, 0);
}

static size_t last_realloc_size;
static void *refusing_realloc(void *ptr, size_t size) {
  (void)ptr;
  last_realloc_size = size;
  return NULL;
}

static void grow_never_overflows(void **state) {
  (void)state;
  uint64_t *items = NULL;
  size_t cap = 0;
  /* need * item_size past SIZE_MAX: refused before any allocation */
  last_realloc_size = 0;
  assert_int_equal(pubrio_set_allocator(malloc, refusing_realloc, free),
                   PUBRIO_OK);
  assert_int_equal(pri_grow(&items, &cap, SIZE_MAX / 8 + 1, 8), -1);
  assert_int_equal(last_realloc_size, 0);
  /* doubling would overflow: exactly the need is asked for, and a refusal
   * leaves the array and its capacity as they were */
  uint64_t one = 1;
  items = &one;
  cap = SIZE_MAX / 8 / 2 + 1;
  assert_int_equal(pri_grow(&items, &cap, cap + 1, 8), -1);
  assert_int_equal(last_realloc_size, (SIZE_MAX / 8 / 2 + 2) * 8);
  assert_ptr_equal(items, &one);
  assert_int_equal(cap, SIZE_MAX / 8 / 2 + 1);
  assert_int_equal(pubrio_set_allocator(NULL, NULL, NULL), PUBRIO_OK);
}

static void grow_ring_keeps_order(void **state) {
  (void)state;
  for (size_t head = 0; head < PRI_GROW_FIRST; head++) {
    int *ring = NULL;
    size_t cap = 0, start = 0;
    assert_int_equal(pri_grow_ring(&ring, &cap, &start, sizeof *ring), 0);
    assert_int_equal(cap, PRI_GROW_FIRST);
    start = head; /* a full ring whose first item sits at @p head */
    for (size_t i = 0; i < cap; i++)
      ring[(start + i) % cap] = (int)i;
    assert_int_equal(pri_grow_ring(&ring, &cap, &start, sizeof *ring), 0);
    assert_int_equal(cap, 2 * PRI_GROW_FIRST);
    for (size_t i = 0; i < PRI_GROW_FIRST; i++)
      assert_int_equal(ring[(start + i) % cap], (int)i);
    free(ring);
  }
}

static void *refusing_malloc(size_t size) {
  (void)size;
  return NULL;
}

/* Setting a rate limit allocates the pacer's window: a refusal is reported,
 * and the client is left unpaced, not half-built. */
static void rate_limit_reports_out_of_memory(void **state) {
  (void)state;
  pubrio_client *c = NULL;
  pubrio_error err = {0};
  assert_int_equal(pubrio_client_new(&c, "key", &err), PUBRIO_OK);
  assert_int_equal(
      pubrio_set_allocator(refusing_malloc, refusing_realloc, free), PUBRIO_OK);
  pubrio_status st = pubrio_client_set_rate_limit(c, 300, NULL);
  assert_int_equal(pubrio_set_allocator(NULL, NULL, NULL), PUBRIO_OK);
  assert_int_equal(st, PUBRIO_E_OUT_OF_MEMORY);
  assert_int_equal(pubrio_client_pacing_delay_ms(c), 0);
  assert_int_equal(pubrio_client_set_rate_limit(c, 300, &err), PUBRIO_OK);
  pubrio_client_free(c);
}

/* Every setter checks its handle first, and says which one was NULL (a
 * NULL wait options was once told its timeout must be > 0). */
static void null_handles_are_named(void **state) {
  (void)state;
  pubrio_error err = {0};
  assert_int_equal(pubrio_client_set_user_agent(NULL, "x", &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_string_equal(err.message, "client is NULL");
  assert_int_equal(pubrio_client_set_ca(NULL, NULL, NULL, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_string_equal(err.message, "client is NULL");
  assert_int_equal(pubrio_client_set_retry_unsafe_submit(NULL, 1, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_string_equal(err.message, "client is NULL");
  assert_int_equal(pubrio_wait_options_set_timeout(NULL, 1000, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_string_equal(err.message, "options is NULL");
  assert_int_equal(pubrio_wait_options_set_delays(NULL, 1, 2, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_string_equal(err.message, "options is NULL");
  assert_int_equal(pubrio_wait_options_set_first_delay(NULL, 0, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_string_equal(err.message, "options is NULL");
  assert_int_equal(pubrio_bulk_options_set_refresh(NULL, 1, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_string_equal(err.message, "options is NULL");
  /* a value check keeps its own message */
  pubrio_wait_options *w = NULL;
  assert_int_equal(pubrio_wait_options_new(&w, &err), PUBRIO_OK);
  assert_int_equal(pubrio_wait_options_set_timeout(w, 0, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_string_equal(err.message, "wait timeout must be > 0 ms");
  pubrio_wait_options_free(w);
  pubrio_error_clear(&err);
}

static void bulk_batch_size_is_bounded(void **state) {
  (void)state;
  pubrio_bulk_options *o = NULL;
  pubrio_error err = {0};
  assert_int_equal(pubrio_bulk_options_new(&o, &err), PUBRIO_OK);
  assert_int_equal(
      pubrio_bulk_options_set_batch_size(o, PUBRIO_BATCH_SIZE_MAX, &err),
      PUBRIO_OK);
  assert_int_equal(
      pubrio_bulk_options_set_batch_size(o, PUBRIO_BATCH_SIZE_MAX + 1, &err),
      PUBRIO_E_INVALID_ARGUMENT);
  char range[32];
  snprintf(range, sizeof range, "1..%d", PUBRIO_BATCH_SIZE_MAX);
  assert_non_null(strstr(err.message, range));
  assert_int_equal(pubrio_bulk_options_set_batch_size(o, 0, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_bulk_options_set_batch_size(NULL, 10, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_string_equal(err.message, "options is NULL");
  pubrio_error_clear(&err);
  pubrio_bulk_options_free(o);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(uuid_accepts_canonical_forms),
      cmocka_unit_test(uuid_rejects_everything_else),
      cmocka_unit_test(uuid_set_dedups_and_keeps_order),
      cmocka_unit_test(builder_names_the_bad_id),
      cmocka_unit_test(builder_checks_types_and_profile),
      cmocka_unit_test(contact_type_names_round_trip),
      cmocka_unit_test(status_names_are_distinct),
      cmocka_unit_test(estimate_units),
      cmocka_unit_test(retry_submit_only_when_provably_unprocessed),
      cmocka_unit_test(retry_backoff_and_budget),
      cmocka_unit_test(retry_after_parsing),
      cmocka_unit_test(redaction_masks_every_copy),
      cmocka_unit_test(redaction_masks_pieces_and_escapes),
      cmocka_unit_test(untrusted_text_is_made_safe),
      cmocka_unit_test(utf8_validation_and_repair),
      cmocka_unit_test(buffers_grow),
      cmocka_unit_test(grow_doubles_from_the_first_capacity),
      cmocka_unit_test(grow_with_zero),
      cmocka_unit_test(grow_never_overflows),
      cmocka_unit_test(grow_ring_keeps_order),
      cmocka_unit_test(client_config_is_validated),
      cmocka_unit_test(null_handles_are_named),
      cmocka_unit_test(bulk_batch_size_is_bounded),
      cmocka_unit_test(rate_limit_reports_out_of_memory),
  };
  return cmocka_run_group_tests_name("unit", tests, NULL, NULL);
}
