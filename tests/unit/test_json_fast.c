/* The fast path of the answer parsers (each string read once, no cJSON
 * tree) against the cJSON reader it stands in front of: ordinary answers
 * are read by the fast path alone, and on answers mutated at random (bad
 * bytes, escapes, wrong types, duplicate keys, numbers with fractions,
 * truncations) the parsers give exactly what the cJSON reader alone gives:
 * the same status, the same message, the same result to the last byte. */
/* cmocka needs these three first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "buf.h"
#include "json.h"
#include "pubrio/pubrio.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QID "a046c1da-b3d4-4ca1-aca6-1dd8c8055701"

/* Answers as the API sends them, with a few things the fast path must
 * handle itself: escapes, non-ASCII text, null statuses, unknown keys. */
static const char *const QUERY =
    "{\"data\":{\"profile\":{\"credit\":450376,\"topup_credit\":235237,"
    "\"total_charged_credit\":45},\"query\":{\"redeem_query_id\":\"" QID "\","
    "\"is_completed\":true,\"estimated_time\":6,\"estimated_time_type\":"
    "\"second\"},\"peoples\":[{\"people_search_id\":"
    "\"540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11\",\"emails\":[{\"value\":"
    "\"jos\\u00e9.doe@example.com\",\"type\":\"email-personal\",\"status\":"
    "null},{\"value\":\"jane@\xc3\xa9xample.org\",\"type\":\"email-work\","
    "\"status\":\"Verified\",\"score\":0.9}],\"phones\":[{\"value\":"
    "\"+1 555\\t0100\",\"type\":\"phone\",\"status\":null}]},"
    "{\"people_search_id\":\"8c5a0cd5-6d7c-4d0e-9f6a-2b1c3d4e5f60\","
    "\"emails\":[],\"phones\":null,\"name\":{\"first\":\"A\",\"tags\":"
    "[1,true,false,null,\"x\"]}},"
    "{\"people_search_id\":\"00000000-0000-4000-8000-000000000003\"}]},"
    "\"meta\":[]}";

static const char *const SUBMIT =
    "{\"data\":{\"redeem_query_id\":\"" QID "\",\"is_completed\":false,"
    "\"estimated_time\":3,\"estimated_time_type\":\"minute\"}}";

/* Everything a result holds, as text, to compare two results whole. */
static void describe_contact(pri_buf *out, const pubrio_contact *c) {
  pri_buf_appendf(out, " [%s|%s|%d|%s]", c->value ? c->value : "(null)",
                  c->type_raw ? c->type_raw : "(null)", (int)c->type,
                  c->status ? c->status : "(null)");
}

static void describe_job(pri_buf *out, const pubrio_batch_job *j) {
  pri_buf_appendf(out, "job %s done %d time %lld ms %lld type %s\n",
                  j->redeem_query_id, j->is_completed,
                  (long long)j->estimated_time, (long long)j->estimated_time_ms,
                  j->estimated_time_type ? j->estimated_time_type : "(null)");
}

static char *describe_query(pubrio_status st, const pubrio_query_result *r,
                            const pubrio_error *err) {
  pri_buf out = {0};
  pri_buf_appendf(&out, "status %d %s\n", (int)st,
                  err->message ? err->message : "");
  if (st != PUBRIO_OK)
    return pri_buf_steal(&out);
  describe_job(&out, r->query);
  pri_buf_appendf(&out, "credit %d %lld %d %lld %d %lld people %zu\n",
                  r->has_credit, (long long)r->credit, r->has_topup_credit,
                  (long long)r->topup_credit, r->has_total_charged_credit,
                  (long long)r->total_charged_credit, r->people_count);
  for (size_t i = 0; i < r->people_count; i++) {
    const pubrio_person *p = pubrio_query_result_person(r, i);
    pri_buf_appendf(&out, "%s emails", p->people_search_id);
    for (size_t e = 0; e < p->email_count; e++)
      describe_contact(&out, pubrio_person_email(p, e));
    pri_buf_append_str(&out, " phones");
    for (size_t k = 0; k < p->phone_count; k++)
      describe_contact(&out, pubrio_person_phone(p, k));
    pri_buf_append_str(&out, "\n");
  }
  return pri_buf_steal(&out);
}

/* Parse a copy with the given reader; the description of what came out. */
static char *parse_with(int mode, const char *body, size_t len, int query) {
  char *copy = malloc(len ? len : 1); /* exact: ASan sees reads past it */
  assert_non_null(copy);
  memcpy(copy, body, len);
  pri_json_fast_path = mode;
  pubrio_error err = {0};
  char *text;
  if (query) {
    pubrio_query_result *r = NULL;
    pubrio_status st = pri_json_parse_query(copy, len, &r, &err);
    text = describe_query(st, r, &err);
    pubrio_query_result_free(r);
  } else {
    pubrio_batch_job *j = NULL;
    pubrio_status st = pri_json_parse_job(copy, len, &j, &err);
    pri_buf out = {0};
    pri_buf_appendf(&out, "status %d %s\n", (int)st,
                    err.message ? err.message : "");
    if (st == PUBRIO_OK)
      describe_job(&out, j);
    text = pri_buf_steal(&out);
    pubrio_batch_job_free(j);
  }
  pri_json_fast_path = 1;
  pubrio_error_clear(&err);
  free(copy);
  return text;
}

static void ordinary_answers_take_the_fast_path(void **state) {
  (void)state;
  const char *const answers[] = {QUERY, SUBMIT};
  for (int q = 0; q < 2; q++) {
    size_t len = strlen(answers[q]);
    char *fast_only = parse_with(2, answers[q], len, q == 0);
    char *cjson = parse_with(0, answers[q], len, q == 0);
    assert_string_equal(fast_only, cjson);
    assert_int_equal(strncmp(fast_only, "status 0", 8), 0);
    free(fast_only);
    free(cjson);
  }
  char *text = parse_with(2, QUERY, strlen(QUERY), 1);
  /* the escapes decoded, the tab kept, nulls as NULL, unknown keys skipped */
  assert_non_null(strstr(text, "[jos\xc3\xa9.doe@example.com|email-personal|1|"
                               "(null)] [jane@\xc3\xa9xample.org|email-work|"
                               "2|Verified] phones [+1 555\t0100|phone|4|"
                               "(null)]"));
  assert_non_null(strstr(text, "credit 1 450376 1 235237 1 45 people 3"));
  free(text);
}

/* What only the cJSON reader reads (or refuses, with a message): the fast
 * path gives up on them and the result is the cJSON reader's. */
static void surprises_go_to_the_cjson_reader(void **state) {
  (void)state;
  const char *const odd[] = {
      /* a fraction in the estimate: read leniently, rounded up */
      "{\"data\":{\"redeem_query_id\":\"" QID "\",\"estimated_time\":1.5}}",
      /* a duplicate key: the first wins */
      "{\"data\":{\"redeem_query_id\":\"" QID "\",\"redeem_query_id\":1}}",
      /* a byte order mark */
      "\xef\xbb\xbf{\"data\":{\"redeem_query_id\":\"" QID "\"}}",
      /* a broken contract, named */
      "{\"data\":{\"redeem_query_id\":42}}",
      /* not JSON */
      "{\"data\":{\"redeem_query_id\":\"" QID "\"",
  };
  for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
    size_t len = strlen(odd[i]);
    char *fast_only = parse_with(2, odd[i], len, 0);
    char *both = parse_with(1, odd[i], len, 0);
    char *cjson = parse_with(0, odd[i], len, 0);
    char gave_up[64];
    snprintf(gave_up, sizeof gave_up, "status %d the fast path gave up\n",
             (int)PUBRIO_E_PROTOCOL);
    assert_string_equal(fast_only, gave_up);
    assert_string_equal(both, cjson);
    free(fast_only);
    free(both);
    free(cjson);
  }
}

static uint64_t rng = 0x2545F4914F6CDD1Du;
static unsigned next_random(unsigned n) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static const char *const tokens[] = {
    "null",
    "true",
    "false",
    "0",
    "-0",
    "1.5",
    "1e3",
    "-",
    "12345678901234567",
    "\"\"",
    "\"x\"",
    "\\u0000",
    "\\ud800",
    "\\udc00",
    "\\ud83d\\ude00",
    "\\uzzzz",
    "\\\"",
    "\\\\",
    "\\x",
    "\xc3\xa9",
    "\xff",
    "\xc0\x80",
    "\xed\xa0\x80",
    "\xe2\x82",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    " ",
    "\0",
    "\"peoples\":[]",
    "\"peoples\":null",
    "\"query\":{}",
    "\"profile\":null",
    "\"profile\":{\"credit\":null}",
    "\"emails\":null",
    "\"phones\":[{}]",
    "\"status\":1",
    "\"value\":null",
    "\"people_search_id\":\"" QID "\"",
    "\"is_completed\":0",
    "\"estimated_time\":\"5\"",
    "\"estimated_time_type\":7",
    ",\"x\":{\"a\":[1,{\"b\":null}]}",
    "\"data\":{}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
};

/* @p seed with 1 to 3 random changes, into @p out; its length. */
static size_t mutate(const char *seed, char *out, size_t cap) {
  size_t len = strlen(seed);
  memcpy(out, seed, len);
  unsigned changes = 1 + next_random(3);
  for (unsigned c = 0; c < changes; c++) {
    size_t at = len ? next_random((unsigned)len) : 0;
    switch (next_random(4)) {
    case 0: { /* one byte replaced */
      static const char bytes[] = "\"\\{}[]:,0-.enutfl \x00\xc3\xff\x80";
      if (len)
        out[at] = bytes[next_random(sizeof bytes - 1)];
      break;
    }
    case 1: { /* a few bytes dropped */
      size_t n = 1 + next_random(8);
      if (at + n > len)
        n = len - at;
      memmove(out + at, out + at + n, len - at - n);
      len -= n;
      break;
    }
    case 2: { /* a token put in */
      const char *t = tokens[next_random(sizeof tokens / sizeof *tokens)];
      size_t n = *t ? strlen(t) : 1;
      if (len + n > cap)
        break;
      memmove(out + at + n, out + at, len - at);
      memcpy(out + at, t, n);
      len += n;
      break;
    }
    default: /* cut short */ len = at;
    }
  }
  return len;
}

static void mutated_answers_read_as_the_cjson_reader_reads_them(void **s) {
  (void)s;
  char body[4096];
  size_t ok[2] = {0, 0}, failed[2] = {0, 0}, fast_ok[2] = {0, 0};
  for (int round = 0; round < 60000; round++) {
    int query = round % 3 != 0;
    size_t len = mutate(query ? QUERY : SUBMIT, body, sizeof body);
    char *both = parse_with(1, body, len, query);
    char *cjson = parse_with(0, body, len, query);
    char *fast_only = parse_with(2, body, len, query);
    int fast_read = strncmp(fast_only, "status 0", 8) == 0;
    if (strcmp(both, cjson) != 0 || (fast_read && strcmp(fast_only, cjson))) {
      fprintf(stderr,
              "round %d, %zu bytes: %.*s\n--- with the fast path:\n%s"
              "--- cJSON alone:\n%s--- fast path alone:\n%s",
              round, len, (int)len, body, both, cjson, fast_only);
      fail();
    }
    fast_ok[query] += fast_read;
    if (strncmp(both, "status 0", 8) == 0)
      ok[query]++;
    else
      failed[query]++;
    free(both);
    free(cjson);
    free(fast_only);
  }
  /* Both kinds of outcome for both answers, many times over, and many of
   * the changed answers read by the fast path itself. */
  printf("mutated answers: query %zu read (%zu by the fast path alone), %zu "
         "refused; submit %zu read (%zu), %zu refused\n",
         ok[1], fast_ok[1], failed[1], ok[0], fast_ok[0], failed[0]);
  for (int q = 0; q < 2; q++)
    assert_true(ok[q] > 1000 && failed[q] > 1000 && fast_ok[q] > 500);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ordinary_answers_take_the_fast_path),
      cmocka_unit_test(surprises_go_to_the_cjson_reader),
      cmocka_unit_test(mutated_answers_read_as_the_cjson_reader_reads_them),
  };
  return cmocka_run_group_tests_name("json_fast", tests, NULL, NULL);
}
