/* pubrio_error as copy-marshalling runtimes (Node's koffi, JNA, .NET) use
 * it: each call gets a fresh copy of the struct whose string fields point at
 * the runtime's own memory, and the copy is read back after the call. The
 * library must never free those pointers; its strings live behind
 * `reserved`, which the copy carries unchanged. Run under ASan, a free of a
 * runtime pointer would abort. */
#include "test_support.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The struct's size is part of the ABI: it must not have changed. */
_Static_assert(sizeof(void *) != 8 || sizeof(pubrio_error) == 128,
               "pubrio_error changed size on LP64");
_Static_assert(sizeof(void *) != 4 || sizeof(pubrio_error) == 72,
               "pubrio_error changed size on ILP32");

/* What the runtime holds between calls: its own strings, not ours. */
typedef struct runtime_error {
  pubrio_error fields; /* numbers and reserved, as copied out */
  char strings[4][512];
} runtime_error;

static char static_area[4][512]; /* not from malloc: freeing it crashes */

static void copy_out(runtime_error *rt, const pubrio_error *c) {
  rt->fields = *c;
  const char *src[4] = {c->message, c->api_message, c->details_json,
                        c->request_id};
  for (int i = 0; i < 4; i++)
    snprintf(rt->strings[i], sizeof rt->strings[i], "%s", src[i] ? src[i] : "");
}

/* The copy handed to a call: string fields point at runtime memory. */
static pubrio_error copy_in(const runtime_error *rt) {
  pubrio_error c = rt->fields;
  const char **dst[4] = {&c.message, &c.api_message, &c.details_json,
                         &c.request_id};
  for (int i = 0; i < 4; i++) {
    memcpy(static_area[i], rt->strings[i], sizeof static_area[i]);
    *dst[i] = static_area[i];
  }
  return c;
}

static void copied_struct_survives_repeated_failures(void **state) {
  (void)state;
  fixture *f = fixture_new(NULL);
  runtime_error rt;
  memset(&rt, 0, sizeof rt);
  for (int i = 0; i < 5; i++) {
    script(f, SUBMIT_PATH, 400,
           "{\"code\":40001,\"message\":\"no\",\"details\":{\"f\":1}}", NULL,
           NULL);
    pubrio_batch_request *req = make_request(1, PUBRIO_CONTACT_PHONE);
    pubrio_batch_job *job = NULL;
    pubrio_error tmp = copy_in(&rt);
    assert_int_equal(pubrio_redeem_people_batch(f->client, req, &job, &tmp),
                     PUBRIO_E_BAD_REQUEST);
    copy_out(&rt, &tmp);
    pubrio_batch_request_free(req);
    assert_string_equal(rt.strings[1], "no");
    assert_string_equal(rt.strings[2], "{\"f\":1}");
    assert_int_equal(rt.fields.api_code, 40001);
    /* A builder error on the same struct, with no client involved. */
    tmp = copy_in(&rt);
    assert_int_equal(pubrio_batch_request_add_person(NULL, "x", &tmp),
                     PUBRIO_E_INVALID_ARGUMENT);
    copy_out(&rt, &tmp);
    assert_string_equal(rt.strings[1], "");
  }
  pubrio_error tmp = copy_in(&rt);
  pubrio_error_clear(&tmp); /* frees the library's block, nothing else */
  assert_null(tmp.message);
  assert_null(tmp.reserved[5]);
  fixture_free(f);
}

/* Plain C use: one struct over many calls, then clear; and a struct copied
 * by value is cleared through one copy only. */
static void one_struct_many_calls(void **state) {
  (void)state;
  pubrio_error err = {0};
  for (int i = 0; i < 3; i++)
    assert_int_equal(pubrio_batch_request_add_person(NULL, "x", &err),
                     PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(err.message);
  pubrio_error_clear(&err);
  pubrio_error_clear(&err); /* twice is fine */
  pubrio_error_clear(NULL);
}

/* An error the caller never set to PUBRIO_ERROR_INIT (stack garbage, here
 * every byte 0xA5, so that what the library reads is defined): a failing
 * call fills it without freeing what it found there, and a clear empties
 * it. Before the guard, the first failure freed 0xA5A5... and crashed. */
static void an_uninitialized_error_is_harmless(void **state) {
  (void)state;
  for (int fill = 0xA5; fill <= 0xFF; fill += 0x5A) {
    pubrio_error err;
    memset(&err, fill, sizeof err);
    assert_int_equal(pubrio_batch_request_add_person(NULL, "x", &err),
                     PUBRIO_E_INVALID_ARGUMENT);
    assert_non_null(strstr(err.message, "NULL"));
    assert_int_equal(pubrio_batch_request_add_person(NULL, "x", &err),
                     PUBRIO_E_INVALID_ARGUMENT); /* its own block, reused */
    pubrio_error_clear(&err);
    assert_null(err.message);
    memset(&err, fill, sizeof err);
    pubrio_error_clear(&err); /* a clear of garbage frees nothing */
    assert_null(err.message);
  }
  pubrio_error init = PUBRIO_ERROR_INIT;
  assert_int_equal(init.status, PUBRIO_OK);
  assert_null(init.message);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(copied_struct_survives_repeated_failures),
      cmocka_unit_test(one_struct_many_calls),
      cmocka_unit_test(an_uninitialized_error_is_harmless),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
