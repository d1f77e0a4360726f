/* Per-call overhead: libpubrio against a minimal hand-written libcurl + cJSON
 * client doing the same calls, over kept-alive connections to the
 * in-process fake server, interleaved call by call so both see the same
 * machine noise. Two endpoints, measured in the same run:
 *   submit  POST /redeem/people/batch of PEOPLE ids; parse and type-check the
 *           four fields of the answer;
 *   query   POST /redeem/people/batch/query of a finished batch of PEOPLE
 *           people (three contacts each); parse and type-check every field
 *           libpubrio reads (the batch state, the credits, every person and
 *           contact).
 * By default the server replays canned answers (the fake's own answer to
 * the first call, recorded, then sent as a scripted reply): the server's
 * cost is then a copy, as a static file from nginx would be, instead of the
 * fake building a 100-person answer with cJSON on every call, time that
 * both sides would pay alike and that hides the client's share. "live"
 * lets the fake answer every call itself.
 * Prints median and p99 microseconds per call, the ratios, and the
 * connections each side opened.
 * The whole process (client and server threads) is pinned to one CPU: on a
 * small shared VM, which core each server thread lands on otherwise swings
 * the ratio from 0.5 to 1.8 between runs.
 *   bench_overhead [CALLS] [PEOPLE] [submit|query|both] [canned|live]
 *                                         (default 2000, 10, both, canned)
 */
#define _GNU_SOURCE
#include "fake_server.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pubrio/pubrio.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static char ids[100][37];
static char batch_id[64]; /* the finished batch both sides query */

#define NOINLINE __attribute__((noinline)) /* callgrind counts per function */

/* ---- the baseline: what a careful user would write by hand ------------- */

typedef struct baseline {
  CURL *curl;
  struct curl_slist *headers;
  char submit_url[256];
  char query_url[256];
  char *body;
  size_t len;
  long connections;
} baseline;

static size_t collect(char *data, size_t size, size_t n, void *userdata) {
  baseline *b = userdata;
  char *grown = realloc(b->body, b->len + size * n + 1);
  if (!grown)
    return 0;
  memcpy(grown + b->len, data, size * n);
  b->body = grown;
  b->len += size * n;
  b->body[b->len] = '\0';
  return size * n;
}

/* POST @p json to @p url; the parsed 200 answer, or NULL. */
static cJSON *baseline_post(baseline *b, const char *url, const char *json,
                            int compressed) {
  b->len = 0;
  curl_easy_setopt(b->curl, CURLOPT_URL, url);
  curl_easy_setopt(b->curl, CURLOPT_POSTFIELDS, json);
  curl_easy_setopt(b->curl, CURLOPT_ACCEPT_ENCODING, compressed ? "" : NULL);
  CURLcode rc = curl_easy_perform(b->curl);
  long status = 0, conns = 0;
  curl_easy_getinfo(b->curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(b->curl, CURLINFO_NUM_CONNECTS, &conns);
  b->connections += conns;
  return rc == CURLE_OK && status == 200
             ? cJSON_ParseWithLength(b->body, b->len)
             : NULL;
}

static const cJSON *get(const cJSON *obj, const char *key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int string_or_null(const cJSON *item) {
  return !item || cJSON_IsNull(item) || cJSON_IsString(item);
}

static int number_or_null(const cJSON *item) {
  return !item || cJSON_IsNull(item) || cJSON_IsNumber(item);
}

/* The batch state, shared by both answers. */
static int baseline_job_ok(const cJSON *job) {
  return cJSON_IsString(get(job, "redeem_query_id")) &&
         cJSON_IsBool(get(job, "is_completed")) &&
         cJSON_IsNumber(get(job, "estimated_time")) &&
         cJSON_IsString(get(job, "estimated_time_type"));
}

static NOINLINE int baseline_submit(baseline *b, int people) {
  cJSON *root = cJSON_CreateObject();
  cJSON *list = cJSON_AddArrayToObject(root, "peoples");
  for (int i = 0; i < people; i++)
    cJSON_AddItemToArray(list, cJSON_CreateString(ids[i]));
  cJSON *types = cJSON_AddArrayToObject(root, "people_contact_types");
  cJSON_AddItemToArray(types, cJSON_CreateString("email-work"));
  char *json = cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  cJSON *resp = baseline_post(b, b->submit_url, json, 0);
  free(json);
  int ok = baseline_job_ok(get(resp, "data"));
  cJSON_Delete(resp);
  return ok;
}

static int baseline_contacts_ok(const cJSON *list) {
  if (!list || cJSON_IsNull(list))
    return 1;
  if (!cJSON_IsArray(list))
    return 0;
  const cJSON *c;
  cJSON_ArrayForEach(c, list) {
    if (!cJSON_IsObject(c) || !string_or_null(get(c, "value")) ||
        !string_or_null(get(c, "type")) || !string_or_null(get(c, "status")))
      return 0;
  }
  return 1;
}

static NOINLINE int baseline_query(baseline *b, int people) {
  cJSON *root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "redeem_query_id", batch_id);
  char *json = cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  cJSON *resp = baseline_post(b, b->query_url, json, 1);
  free(json);
  const cJSON *data = get(resp, "data");
  const cJSON *profile = get(data, "profile");
  const cJSON *list = get(data, "peoples");
  int ok = baseline_job_ok(get(data, "query")) &&
           number_or_null(get(profile, "credit")) &&
           number_or_null(get(profile, "topup_credit")) &&
           number_or_null(get(profile, "total_charged_credit")) &&
           cJSON_IsArray(list) && cJSON_GetArraySize(list) == people;
  const cJSON *person;
  cJSON_ArrayForEach(person, list) {
    ok = ok && cJSON_IsObject(person) &&
         cJSON_IsString(get(person, "people_search_id")) &&
         baseline_contacts_ok(get(person, "emails")) &&
         baseline_contacts_ok(get(person, "phones"));
  }
  cJSON_Delete(resp);
  return ok;
}

static void baseline_init(baseline *b, const char *base) {
  memset(b, 0, sizeof *b);
  snprintf(b->submit_url, sizeof b->submit_url, "%s/redeem/people/batch", base);
  snprintf(b->query_url, sizeof b->query_url, "%s/redeem/people/batch/query",
           base);
  b->curl = curl_easy_init();
  b->headers = curl_slist_append(NULL, "pubrio-api-key: test-key");
  b->headers = curl_slist_append(b->headers, "Content-Type: application/json");
  b->headers = curl_slist_append(b->headers, "Accept: application/json");
  b->headers = curl_slist_append(b->headers, "Expect:");
  curl_easy_setopt(b->curl, CURLOPT_HTTPHEADER, b->headers);
  curl_easy_setopt(b->curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(b->curl, CURLOPT_WRITEDATA, b);
  curl_easy_setopt(b->curl, CURLOPT_NOSIGNAL, 1L);
}

/* ---- libpubrio --------------------------------------------------------- */

static int submit_batch(pubrio_client *c, int people, unsigned types,
                        pubrio_batch_job **job) {
  pubrio_batch_request *req = NULL;
  const char *list[100];
  for (int i = 0; i < people; i++)
    list[i] = ids[i];
  int ok =
      pubrio_batch_request_new(&req, NULL) == PUBRIO_OK &&
      pubrio_batch_request_add_people(req, list, (size_t)people, NULL) ==
          PUBRIO_OK &&
      pubrio_batch_request_add_contact_types(req, types, NULL) == PUBRIO_OK &&
      pubrio_redeem_people_batch(c, req, job, NULL) == PUBRIO_OK;
  pubrio_batch_request_free(req);
  return ok;
}

static NOINLINE int pubrio_submit(pubrio_client *c, int people) {
  pubrio_batch_job *job = NULL;
  int ok = submit_batch(c, people, PUBRIO_CONTACT_EMAIL_WORK, &job);
  pubrio_batch_job_free(job);
  return ok;
}

static NOINLINE int pubrio_query(pubrio_client *c, int people) {
  pubrio_query_result *res = NULL;
  int ok =
      pubrio_redeem_people_batch_query(c, batch_id, &res, NULL) == PUBRIO_OK &&
      res->people_count == (size_t)people;
  pubrio_query_result_free(res);
  return ok;
}

/* ---- measuring --------------------------------------------------------- */

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double percentile(double *v, int n, double p) {
  qsort(v, (size_t)n, sizeof *v, compare);
  int i = (int)(p * (n - 1) + 0.5);
  return v[i];
}

typedef enum endpoint { SUBMIT, QUERY } endpoint;

static int call(endpoint e, int lib, pubrio_client *client, baseline *base,
                int people) {
  if (e == SUBMIT)
    return lib ? pubrio_submit(client, people) : baseline_submit(base, people);
  return lib ? pubrio_query(client, people) : baseline_query(base, people);
}

/* @p calls calls a side, alternating call by call (AB, BA, ...) so both
 * sides see the same moments of a noisy machine; prints the figures. */
static int measure(endpoint e, pubrio_client *client, baseline *base, int calls,
                   int people) {
  double *t_lib = malloc(sizeof(double) * (size_t)calls);
  double *t_raw = malloc(sizeof(double) * (size_t)calls);
  double *pair_ratio = malloc(sizeof(double) * (size_t)calls);
  if (!t_lib || !t_raw || !pair_ratio)
    return calls;
  int failures = !call(e, 1, client, base, people) +
                 !call(e, 0, client, base, people); /* warm-up */
  for (int k = 0; k < calls; k++) {
    for (int side = 0; side < 2; side++) {
      int lib = (side + k) % 2 == 0;
      double t0 = now_us();
      failures += !call(e, lib, client, base, people);
      (lib ? t_lib : t_raw)[k] = now_us() - t0;
    }
    pair_ratio[k] = t_lib[k] / t_raw[k];
  }
  double paired = percentile(pair_ratio, calls, 0.5);
  double lib_med = percentile(t_lib, calls, 0.5);
  double raw_med = percentile(t_raw, calls, 0.5);
  double lib_p99 = percentile(t_lib, calls, 0.99);
  double raw_p99 = percentile(t_raw, calls, 0.99);
  const char *name = e == SUBMIT ? "submit" : "query";
  printf("%s: %d calls per side, %d people each\n", name, calls, people);
  printf("  %-22s %10s %10s\n", "", "median us", "p99 us");
  printf("  %-22s %10.1f %10.1f\n", "libpubrio", lib_med, lib_p99);
  printf("  %-22s %10.1f %10.1f\n", "raw libcurl + cJSON", raw_med, raw_p99);
  printf("  %s ratio libpubrio/raw: median %.3f, p99 %.3f, median of paired "
         "ratios %.3f\n",
         name, lib_med / raw_med, lib_p99 / raw_p99, paired);
  free(t_lib);
  free(t_raw);
  free(pair_ratio);
  return failures;
}

int main(int argc, char **argv) {
  int calls = argc > 1 ? atoi(argv[1]) : 2000;
  int people = argc > 2 ? atoi(argv[2]) : 10;
  const char *which = argc > 3 ? argv[3] : "both";
  const char *server_mode = argc > 4 ? argv[4] : "canned";
  int do_submit = strcmp(which, "submit") == 0 || strcmp(which, "both") == 0;
  int do_query = strcmp(which, "query") == 0 || strcmp(which, "both") == 0;
  int canned = strcmp(server_mode, "canned") == 0;
  if (calls < 10 || people < 1 || people > 100 || !(do_submit || do_query) ||
      (!canned && strcmp(server_mode, "live") != 0)) {
    fprintf(stderr, "usage: bench_overhead [CALLS>=10] [PEOPLE 1..100] "
                    "[submit|query|both] [canned|live]\n");
    return 2;
  }
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  int pinned = sched_setaffinity(0, sizeof one, &one) == 0;
  for (int i = 0; i < 100; i++)
    snprintf(ids[i], sizeof ids[i], "00000000-0000-4000-8000-%012d", i + 1);
  fake_server *server = fake_server_start(NULL); /* done on the first query */
  if (!server)
    return 1;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  pubrio_client *client = NULL;
  pubrio_client_new(&client, "test-key", NULL);
  pubrio_client_set_base_url(client, fake_server_url(server), NULL);
  baseline base;
  baseline_init(&base, fake_server_url(server));

  /* The batch both sides query: the server's first, so it finds it first. */
  pubrio_batch_job *job = NULL;
  int failures =
      !submit_batch(client, people,
                    PUBRIO_CONTACT_EMAIL_PERSONAL | PUBRIO_CONTACT_EMAIL_WORK |
                        PUBRIO_CONTACT_PHONE,
                    &job);
  if (job)
    snprintf(batch_id, sizeof batch_id, "%s", job->redeem_query_id);
  pubrio_batch_job_free(job);

  if (canned) { /* what the fake answers now, replayed from here on */
    char *json[2] = {NULL, NULL};
    for (int e = SUBMIT; e <= QUERY; e++) {
      char body[128];
      snprintf(body, sizeof body, "{\"redeem_query_id\":\"%s\"}", batch_id);
      cJSON *answer = baseline_post(
          &base, e == SUBMIT ? base.submit_url : base.query_url,
          e == SUBMIT
              ? "{\"peoples\":[\"00000000-0000-4000-8000-000000000001\"],"
                "\"people_contact_types\":[\"email-work\"]}"
              : body,
          0);
      json[e] = answer ? strndup(base.body, base.len) : NULL;
      cJSON_Delete(answer);
      fake_reply reply = {.path = e == SUBMIT ? "/redeem/people/batch"
                                              : "/redeem/people/batch/query",
                          .status = 200,
                          .body = json[e],
                          .times = 2 * calls + 2};
      failures += !json[e];
      fake_server_push_reply(server, &reply);
      free(json[e]);
    }
  }
  printf("per-call overhead, interleaved call by call%s, %s answers\n",
         pinned ? ", pinned to CPU 0" : "", canned ? "canned" : "live");
  if (do_submit)
    failures += measure(SUBMIT, client, &base, calls, people);
  if (do_query)
    failures += measure(QUERY, client, &base, calls, people);
  printf("connections: libpubrio %ld, raw libcurl + cJSON %ld\n",
         pubrio_client_connections_opened(client), base.connections);
  printf("failed calls: %d\n", failures);
  curl_slist_free_all(base.headers);
  curl_easy_cleanup(base.curl);
  free(base.body);
  pubrio_client_free(client);
  fake_server_stop(server);
  return failures != 0;
}
