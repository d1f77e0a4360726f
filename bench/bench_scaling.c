/* Scaling: build + serialize a request of N people, and parse a query
 * response of N people with three contacts each, for N from 10 to 100,000.
 * Prints time per person and peak heap per person (every malloc of
 * libpubrio's code and of cJSON is counted: the first through the linker's
 * --wrap, the second through cJSON's hooks).
 *   bench_scaling [REPEATS]     (default 3; the best time of the repeats) */
#include "json.h"

#include <cjson/cJSON.h>
#include <malloc.h>
#include <pubrio/pubrio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- heap accounting ---------------------------------------------------- */

static size_t heap_now, heap_peak;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);

static void *counted(void *p) {
  if (p) {
    heap_now += malloc_usable_size(p);
    if (heap_now > heap_peak)
      heap_peak = heap_now;
  }
  return p;
}

void *__wrap_malloc(size_t size) { return counted(__real_malloc(size)); }
void *__wrap_calloc(size_t n, size_t size) {
  return counted(__real_calloc(n, size));
}
void *__wrap_realloc(void *p, size_t size) {
  if (p)
    heap_now -= malloc_usable_size(p);
  return counted(__real_realloc(p, size));
}
void __wrap_free(void *p) {
  if (p)
    heap_now -= malloc_usable_size(p);
  __real_free(p);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void make_id(char out[37], size_t i) {
  unsigned head = (unsigned)(i * 2654435761u);
  unsigned long long tail = (unsigned long long)i % 1000000000000ull;
  snprintf(out, 37, "%08x-0000-4000-8000-%012llu", head, tail);
}

/* A query response like the API's, built as text (not measured). */
static char *query_response(size_t n, size_t *len) {
  size_t cap = 256 + n * 420;
  char *s = malloc(cap), *p = s;
  p += sprintf(p,
               "{\"data\":{\"profile\":{\"credit\":450376,\"topup_credit\":"
               "235237,\"total_charged_credit\":%zu},\"query\":{"
               "\"redeem_query_id\":\"a046c1da-b3d4-4ca1-aca6-1dd8c8055701\","
               "\"is_completed\":true,\"estimated_time\":6,"
               "\"estimated_time_type\":\"second\"},\"peoples\":[",
               n * 3);
  for (size_t i = 0; i < n; i++) {
    char id[37];
    make_id(id, i);
    p += sprintf(p,
                 "%s{\"people_search_id\":\"%s\",\"emails\":[{\"value\":"
                 "\"p.%.8s@personal.example\",\"type\":\"email-personal\","
                 "\"status\":null},{\"value\":\"w.%.8s@work.example\","
                 "\"type\":\"email-work\",\"status\":\"Verified\"}],"
                 "\"phones\":[{\"value\":\"+15550%06zu\",\"type\":\"phone\","
                 "\"status\":null}]}",
                 i ? "," : "", id, id, id, i % 1000000);
  }
  p += sprintf(p, "]}}");
  *len = (size_t)(p - s);
  return s;
}

int main(int argc, char **argv) {
  int repeats = argc > 1 ? atoi(argv[1]) : 3;
  if (repeats < 1)
    repeats = 1;
  cJSON_Hooks hooks = {__wrap_malloc, __wrap_free};
  cJSON_InitHooks(&hooks);
  const size_t sizes[] = {10, 100, 1000, 10000, 100000};
  printf("scaling: best of %d runs; heap = peak bytes allocated during the "
         "step, per person\n",
         repeats);
  printf("%8s | %10s %10s | %10s %10s %10s %10s %10s %9s\n", "people",
         "build ns/p", "heap B/p", "parse ns/p", "peak B/p", "cJSON B/p",
         "result B/p", "resp B/p", "peak/resp");
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    size_t n = sizes[k];
    char(*ids)[37] = malloc(n * 37);
    const char **list = malloc(n * sizeof *list);
    for (size_t i = 0; i < n; i++) {
      make_id(ids[i], i);
      list[i] = ids[i];
    }
    double best_build = 1e30, best_parse = 1e30;
    size_t build_heap = 0, parse_heap = 0, result_heap = 0, dom_heap = 0;
    size_t len = 0;
    char *response = query_response(n, &len);
    for (int r = 0; r < repeats; r++) {
      size_t base = heap_now;
      heap_peak = heap_now;
      double t0 = now_s();
      pubrio_batch_request *req = NULL;
      pubrio_batch_request_new(&req, NULL);
      pubrio_batch_request_add_people(req, list, n, NULL);
      pubrio_batch_request_add_contact_types(req, PUBRIO_CONTACT_PHONE, NULL);
      char *body = pri_json_submit_body(req);
      double t1 = now_s();
      build_heap = heap_peak - base;
      free(body);
      pubrio_batch_request_free(req);
      if (t1 - t0 < best_build)
        best_build = t1 - t0;

      base = heap_now;
      heap_peak = heap_now;
      pubrio_query_result *res = NULL;
      t0 = now_s();
      pubrio_status st = pri_json_parse_query(response, len, &res, NULL);
      t1 = now_s();
      parse_heap = heap_peak - base;
      if (st != PUBRIO_OK || res->people_count != n) {
        fprintf(stderr, "parse failed at %zu\n", n);
        return 1;
      }
      result_heap = heap_now - base; /* what the caller keeps */
      pubrio_query_result_free(res);
      base = heap_now;
      heap_peak = heap_now;
      cJSON_Delete(cJSON_ParseWithLength(response, len));
      dom_heap = heap_peak - base; /* cJSON's tree alone */
      if (t1 - t0 < best_parse)
        best_parse = t1 - t0;
    }
    double p = (double)n;
    printf("%8zu | %10.0f %10.0f | %10.0f %10.0f %10.0f %10.0f %10.0f %9.2f\n",
           n, best_build * 1e9 / p, (double)build_heap / p,
           best_parse * 1e9 / p, (double)parse_heap / p, (double)dom_heap / p,
           (double)result_heap / p, (double)len / p,
           (double)parse_heap / (double)len);
    free(response);
    free(ids);
    free(list);
  }
  return 0;
}
