/* Per-call overhead: libpubrio against a minimal hand-written libcurl + cJSON
 * client doing the same submit and parse, over kept-alive connections to the
 * in-process fake server, interleaved in rounds so both see the same machine
 * noise. Prints median and p99 microseconds per call, the ratio, and the
 * connections each side opened.
 * The whole process (client and server threads) is pinned to one CPU: on a
 * small shared VM, which core each server thread lands on otherwise swings
 * the ratio from 0.5 to 1.8 between runs.
 *   bench_overhead [CALLS_PER_SIDE] [PEOPLE_PER_CALL]      (default 2000, 10)
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

/* ---- the baseline: what a careful user would write by hand ------------- */

typedef struct baseline {
  CURL *curl;
  struct curl_slist *headers;
  char url[256];
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

static int baseline_call(baseline *b, int people) {
  cJSON *root = cJSON_CreateObject();
  cJSON *list = cJSON_AddArrayToObject(root, "peoples");
  for (int i = 0; i < people; i++)
    cJSON_AddItemToArray(list, cJSON_CreateString(ids[i]));
  cJSON *types = cJSON_AddArrayToObject(root, "people_contact_types");
  cJSON_AddItemToArray(types, cJSON_CreateString("email-work"));
  char *json = cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  b->len = 0;
  curl_easy_setopt(b->curl, CURLOPT_POSTFIELDS, json);
  CURLcode rc = curl_easy_perform(b->curl);
  long status = 0, conns = 0;
  curl_easy_getinfo(b->curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(b->curl, CURLINFO_NUM_CONNECTS, &conns);
  b->connections += conns;
  free(json);
  int ok = 0;
  cJSON *resp = rc == CURLE_OK && status == 200
                    ? cJSON_ParseWithLength(b->body, b->len)
                    : NULL;
  cJSON *data = cJSON_GetObjectItemCaseSensitive(resp, "data");
  cJSON *id = cJSON_GetObjectItemCaseSensitive(data, "redeem_query_id");
  cJSON *done = cJSON_GetObjectItemCaseSensitive(data, "is_completed");
  cJSON *t = cJSON_GetObjectItemCaseSensitive(data, "estimated_time");
  cJSON *unit = cJSON_GetObjectItemCaseSensitive(data, "estimated_time_type");
  ok = cJSON_IsString(id) && cJSON_IsBool(done) && cJSON_IsNumber(t) &&
       cJSON_IsString(unit);
  cJSON_Delete(resp);
  return ok;
}

static void baseline_init(baseline *b, const char *base) {
  memset(b, 0, sizeof *b);
  snprintf(b->url, sizeof b->url, "%s/redeem/people/batch", base);
  b->curl = curl_easy_init();
  b->headers = curl_slist_append(NULL, "pubrio-api-key: test-key");
  b->headers = curl_slist_append(b->headers, "Content-Type: application/json");
  b->headers = curl_slist_append(b->headers, "Accept: application/json");
  b->headers = curl_slist_append(b->headers, "Expect:");
  curl_easy_setopt(b->curl, CURLOPT_URL, b->url);
  curl_easy_setopt(b->curl, CURLOPT_HTTPHEADER, b->headers);
  curl_easy_setopt(b->curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(b->curl, CURLOPT_WRITEDATA, b);
  curl_easy_setopt(b->curl, CURLOPT_NOSIGNAL, 1L);
}

/* ---- libpubrio --------------------------------------------------------- */

static int pubrio_call(pubrio_client *c, int people) {
  pubrio_batch_request *req = NULL;
  pubrio_batch_job *job = NULL;
  const char *list[100];
  for (int i = 0; i < people; i++)
    list[i] = ids[i];
  int ok = pubrio_batch_request_new(&req, NULL) == PUBRIO_OK &&
           pubrio_batch_request_add_people(req, list, (size_t)people, NULL) ==
               PUBRIO_OK &&
           pubrio_batch_request_add_contact_types(
               req, PUBRIO_CONTACT_EMAIL_WORK, NULL) == PUBRIO_OK &&
           pubrio_redeem_people_batch(c, req, &job, NULL) == PUBRIO_OK;
  pubrio_batch_job_free(job);
  pubrio_batch_request_free(req);
  return ok;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double percentile(double *v, int n, double p) {
  qsort(v, (size_t)n, sizeof *v, compare);
  int i = (int)(p * (n - 1) + 0.5);
  return v[i];
}

int main(int argc, char **argv) {
  int calls = argc > 1 ? atoi(argv[1]) : 2000;
  int people = argc > 2 ? atoi(argv[2]) : 10;
  if (calls < 10 || people < 1 || people > 100) {
    fprintf(stderr, "usage: bench_overhead [CALLS>=10] [PEOPLE 1..100]\n");
    return 2;
  }
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  int pinned = sched_setaffinity(0, sizeof one, &one) == 0;
  for (int i = 0; i < 100; i++)
    snprintf(ids[i], sizeof ids[i], "00000000-0000-4000-8000-%012d", i + 1);
  fake_server *server = fake_server_start(NULL);
  if (!server)
    return 1;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  pubrio_client *client = NULL;
  pubrio_client_new(&client, "test-key", NULL);
  pubrio_client_set_base_url(client, fake_server_url(server), NULL);
  baseline base;
  baseline_init(&base, fake_server_url(server));

  double *t_lib = malloc(sizeof(double) * (size_t)calls);
  double *t_raw = malloc(sizeof(double) * (size_t)calls);
  int failures = 0;
  /* Warm both connections up, then alternate call by call (AB, BA, ...) so
   * both sides see the same moments of a noisy machine. */
  double *pair_ratio = malloc(sizeof(double) * (size_t)calls);
  failures += !pubrio_call(client, people) + !baseline_call(&base, people);
  for (int k = 0; k < calls; k++) {
    for (int side = 0; side < 2; side++) {
      int lib = (side + k) % 2 == 0;
      double t0 = now_us();
      failures +=
          lib ? !pubrio_call(client, people) : !baseline_call(&base, people);
      (lib ? t_lib : t_raw)[k] = now_us() - t0;
    }
    pair_ratio[k] = t_lib[k] / t_raw[k];
  }
  double paired = percentile(pair_ratio, calls, 0.5);
  free(pair_ratio);
  double lib_med = percentile(t_lib, calls, 0.5);
  double raw_med = percentile(t_raw, calls, 0.5);
  double lib_p99 = percentile(t_lib, calls, 0.99);
  double raw_p99 = percentile(t_raw, calls, 0.99);
  printf("per-call overhead: %d submits per side, %d people each, "
         "interleaved call by call%s\n",
         calls, people, pinned ? ", pinned to CPU 0" : "");
  printf("%-22s %10s %10s %12s\n", "", "median us", "p99 us", "connections");
  printf("%-22s %10.1f %10.1f %12ld\n", "libpubrio", lib_med, lib_p99,
         pubrio_client_connections_opened(client));
  printf("%-22s %10.1f %10.1f %12ld\n", "raw libcurl + cJSON", raw_med, raw_p99,
         base.connections);
  printf("ratio libpubrio/raw: median %.3f, p99 %.3f, median of paired "
         "ratios %.3f\n",
         lib_med / raw_med, lib_p99 / raw_p99, paired);
  printf("failed calls: %d\n", failures);
  free(t_lib);
  free(t_raw);
  curl_slist_free_all(base.headers);
  curl_easy_cleanup(base.curl);
  free(base.body);
  pubrio_client_free(client);
  fake_server_stop(server);
  return failures != 0;
}
