/* The contact lookup's pure logic: the keys matches are mapped back by
 * (normalization), the split into requests no two entries of which share
 * a key, and the owner of an answered input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "alloc.h"
#include "json.h"
#include "lookup.h"

#include <stdint.h>
#include <string.h>

static void key_is(char cls, const char *value, const char *want) {
  char *key = pri_lookup_key(cls, value);
  if (!want) {
    if (key)
      fail_msg("%c %s: got %s, want none", cls, value, key);
    return;
  }
  if (!key || strcmp(key, want) != 0)
    fail_msg("%c \"%s\": got %s, want %s", cls, value, key ? key : "none",
             want);
  pri_free(key);
}

static void identifiers_normalize_to_one_key(void **state) {
  (void)state;
  key_is('e', "  King.Lai@PUBRIO.com\t", "e:king.lai@pubrio.com");
  key_is('p', "+1 (555) 010-0002", "p:+15550100002");
  key_is('p', "15550100002", "p:+15550100002");
  key_is('p', "no digits", NULL);
  key_is('d', "https://www.Example.com/team?x=1", "d:example.com");
  key_is('d', "HTTP://example.com:8080", "d:example.com");
  key_is('d', "www.example.com.", "d:example.com");
  key_is('d', "example.com", "d:example.com");
  key_is('d', "https://", NULL);
  key_is('c', "  ACME \t  Inc ", "c:acme inc");
  key_is('c', "Acme Inc", "c:acme inc");
  key_is('x', "anything", NULL);
  assert_int_equal(pri_lookup_input_class("email-work"), 'e');
  assert_int_equal(pri_lookup_input_class("email-personal"), 'e');
  assert_int_equal(pri_lookup_input_class("phone"), 'p');
  assert_int_equal(pri_lookup_input_class("domain"), 'd');
  assert_int_equal(pri_lookup_input_class("company"), 'c');
  assert_int_equal(pri_lookup_input_class("linkedin"), 0);
  assert_int_equal(pri_lookup_input_class(NULL), 0);
}

static void value_checks(void **state) {
  (void)state;
  assert_null(pri_lookup_value_problem(PUBRIO_LOOKUP_EMAIL, " a@b.c "));
  assert_non_null(pri_lookup_value_problem(PUBRIO_LOOKUP_EMAIL, "@b.c"));
  assert_non_null(pri_lookup_value_problem(PUBRIO_LOOKUP_EMAIL, "a@"));
  assert_null(pri_lookup_value_problem(PUBRIO_LOOKUP_PHONE, "+44 20 7946"));
  assert_non_null(pri_lookup_value_problem(PUBRIO_LOOKUP_PHONE, "1234"));
  assert_non_null(
      pri_lookup_value_problem(PUBRIO_LOOKUP_PHONE, "123456789012345678901"));
  assert_null(pri_lookup_value_problem(PUBRIO_LOOKUP_DOMAIN, "acme.io/x"));
  assert_non_null(pri_lookup_value_problem(PUBRIO_LOOKUP_DOMAIN, "acme"));
  assert_null(pri_lookup_value_problem(PUBRIO_LOOKUP_COMPANY, "Zoë & Co"));
  assert_non_null(pri_lookup_value_problem(PUBRIO_LOOKUP_LAST_NAME, "a\nb"));
  char big[600];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  assert_non_null(pri_lookup_value_problem(PUBRIO_LOOKUP_COMPANY, big));
}

/* A request built straight from fields (the public setter's checks are
 * tested over HTTP). */
static pubrio_lookup_request *request_of(const char *const (*rows)[6], size_t n,
                                         int similarity) {
  pubrio_lookup_request *req = NULL;
  assert_int_equal(pubrio_lookup_request_new(&req, NULL), PUBRIO_OK);
  pubrio_lookup_request_set_similarity(req, similarity, NULL);
  for (size_t i = 0; i < n; i++) {
    size_t index;
    assert_int_equal(pubrio_lookup_request_add_entry(req, &index, NULL),
                     PUBRIO_OK);
    for (int f = 0; f < 6; f++)
      if (rows[i][f])
        assert_int_equal(pubrio_lookup_request_set(req, index,
                                                   (pubrio_lookup_field)f,
                                                   rows[i][f], NULL),
                         PUBRIO_OK);
  }
  return req;
}

/* email, phone, first, last, domain, company */
static const char *const ROWS[][6] = {
    {"a@x.io", NULL, NULL, NULL, NULL, NULL},                   /* 0 */
    {NULL, NULL, "Ann", "Lee", "acme.io", NULL},                /* 1 */
    {NULL, NULL, "Bob", "Stone", "https://www.acme.io/", NULL}, /* 2 */
    {" A@X.io", NULL, NULL, NULL, NULL, NULL},                  /* 3: 0 again */
    {"c@y.io", "+1 555 0100", NULL, NULL, NULL, "Globex"},      /* 4 */
    {NULL, "15550100", NULL, NULL, NULL, NULL}, /* 5: 4's phone */
    {"d@z.io", NULL, NULL, NULL, NULL, NULL},   /* 6 */
};

static size_t next(pri_lookup_plan *plan, size_t size, size_t *out) {
  return pri_lookup_plan_next(plan, size, out);
}

static void batches_never_hold_one_key_twice(void **state) {
  (void)state;
  pubrio_lookup_request *req = request_of(ROWS, 7, 1);
  pri_lookup_plan plan;
  assert_int_equal(pri_lookup_plan_init(&plan, req, NULL), PUBRIO_OK);
  size_t batch[8];
  /* 0, 1, 4, 6 (2 shares acme.io with 1, 3 the email of 0, 5 the phone
   * of 4). */
  assert_int_equal(next(&plan, 8, batch), 4);
  assert_int_equal(batch[0], 0);
  assert_int_equal(batch[1], 1);
  assert_int_equal(batch[2], 4);
  assert_int_equal(batch[3], 6);
  /* The owners of this batch's inputs, by their answered spellings. */
  char *k = pri_lookup_key('d', "ACME.io");
  assert_int_equal(pri_lookup_plan_owner(&plan, k), 1);
  pri_free(k);
  k = pri_lookup_key('p', "+15550100");
  assert_int_equal(pri_lookup_plan_owner(&plan, k), 4);
  pri_free(k);
  k = pri_lookup_key('c', "globex");
  assert_int_equal(pri_lookup_plan_owner(&plan, k), 4);
  pri_free(k);
  k = pri_lookup_key('e', "nobody@x.io");
  assert_int_equal(pri_lookup_plan_owner(&plan, k), SIZE_MAX);
  pri_free(k);
  assert_int_equal(next(&plan, 8, batch), 3);
  assert_int_equal(batch[0], 2);
  assert_int_equal(batch[1], 3);
  assert_int_equal(batch[2], 5);
  /* The earlier batch's keys no longer map: only the batch just made. */
  k = pri_lookup_key('c', "globex");
  assert_int_equal(pri_lookup_plan_owner(&plan, k), SIZE_MAX);
  pri_free(k);
  k = pri_lookup_key('e', "a@x.io");
  assert_int_equal(pri_lookup_plan_owner(&plan, k), 3);
  pri_free(k);
  assert_int_equal(next(&plan, 8, batch), 0);
  pri_lookup_plan_free(&plan);
  pubrio_lookup_request_free(req);
}

static void size_and_return(void **state) {
  (void)state;
  pubrio_lookup_request *req = request_of(ROWS, 7, 0);
  pri_lookup_plan plan;
  assert_int_equal(pri_lookup_plan_init(&plan, req, NULL), PUBRIO_OK);
  /* Without similarity 1 and 2 are not sent, and domains are no keys. */
  assert_int_equal(plan.kind[1], PRI_LOOKUP_REFUSE);
  assert_int_equal(plan.kind[2], PRI_LOOKUP_REFUSE);
  size_t batch[8];
  assert_int_equal(next(&plan, 2, batch), 2); /* 0, 4 */
  assert_int_equal(batch[1], 4);
  pri_lookup_plan_return(&plan, batch, 2); /* a 400 naming the size */
  assert_int_equal(next(&plan, 1, batch), 1);
  assert_int_equal(batch[0], 0);
  assert_int_equal(next(&plan, 8, batch), 3); /* 3 (no longer clashes), 4, 6 */
  assert_int_equal(batch[0], 3);
  assert_int_equal(batch[1], 4);
  assert_int_equal(batch[2], 6);
  assert_int_equal(next(&plan, 8, batch), 1); /* 5 */
  assert_int_equal(batch[0], 5);
  pri_lookup_plan_free(&plan);
  pubrio_lookup_request_free(req);
}

/* Thousands at one company (similarity on): each request holds one of
 * them, and the split stays linear enough to finish at once. */
static void one_company_for_everyone(void **state) {
  (void)state;
  enum { N = 3000 };
  pubrio_lookup_request *req = NULL;
  assert_int_equal(pubrio_lookup_request_new(&req, NULL), PUBRIO_OK);
  pubrio_lookup_request_set_similarity(req, 1, NULL);
  for (size_t i = 0; i < N; i++) {
    size_t index;
    pubrio_lookup_request_add_entry(req, &index, NULL);
    pubrio_lookup_request_set(req, index, PUBRIO_LOOKUP_FIRST_NAME, "A", NULL);
    pubrio_lookup_request_set(req, index, PUBRIO_LOOKUP_LAST_NAME, "B", NULL);
    pubrio_lookup_request_set(req, index, PUBRIO_LOOKUP_COMPANY, "Acme", NULL);
  }
  pri_lookup_plan plan;
  assert_int_equal(pri_lookup_plan_init(&plan, req, NULL), PUBRIO_OK);
  assert_int_equal(plan.key_count, 1);
  size_t batch[100], batches = 0;
  while (next(&plan, 100, batch) == 1)
    batches++;
  assert_int_equal(batches, N);
  pri_lookup_plan_free(&plan);
  pubrio_lookup_request_free(req);
}

/* The answer parser: contract breaks name the field (read before the tree
 * is freed: valgrind caught the message read after it), the rest lenient. */
static void parse_case(const char *body, pubrio_status want, const char *says,
                       size_t matches) {
  char *copy = pri_strdup(body);
  pubrio_error err = {0};
  pri_lookup_answer_list list;
  pubrio_status st = pri_json_parse_lookup(copy, strlen(copy), &list, &err);
  if (st != want || (says && (!err.message || !strstr(err.message, says))))
    fail_msg("%s: status %d (%s)", body, st, err.message ? err.message : "");
  assert_int_equal(list.count, matches);
  pri_lookup_answer_list_free(&list);
  pubrio_error_clear(&err);
  pri_free(copy);
}

static void answers_parse_or_name_the_field(void **state) {
  (void)state;
  parse_case("{\"data\":null}", PUBRIO_E_PROTOCOL, "data: expected an object",
             0);
  parse_case("{\"data\":{\"peoples\":{}}}", PUBRIO_E_PROTOCOL,
             "data.peoples: expected an array", 0);
  parse_case("nope", PUBRIO_E_PROTOCOL, "not valid JSON", 0);
  parse_case("{\"data\":{\"peoples\":[{\"people_search_id\":\"x\"}]}}",
             PUBRIO_E_PROTOCOL, "data.peoples[0].people_search_id", 0);
  parse_case("{\"data\":{\"peoples\":[{\"people_search_id\":"
             "\"e37ccf38-ea8f-422e-9874-cb23b15e8fe4\",\"match\":{}}]}}",
             PUBRIO_E_PROTOCOL, "data.peoples[0].match.input", 0);
  parse_case("{\"data\":{\"profile\":{\"total_credit_cost\":\"2\"},"
             "\"peoples\":[{\"people_search_id\":"
             "\"e37ccf38-ea8f-422e-9874-cb23b15e8fe4\",\"first_name\":7,"
             "\"match\":{\"confidence\":\"new\",\"input\":{\"value\":"
             "\"a@b.c\",\"type\":\"email-work\"},\"is_duplicate_input\":1}}]}}",
             PUBRIO_OK, NULL, 1);
  parse_case("{\"data\":{\"peoples\":[]}}", PUBRIO_OK, NULL, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(identifiers_normalize_to_one_key),
      cmocka_unit_test(value_checks),
      cmocka_unit_test(batches_never_hold_one_key_twice),
      cmocka_unit_test(size_and_return),
      cmocka_unit_test(one_company_for_everyone),
      cmocka_unit_test(answers_parse_or_name_the_field),
  };
  return cmocka_run_group_tests_name("lookup_plan", tests, NULL, NULL);
}
