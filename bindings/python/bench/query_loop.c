/* The C side of overhead.py: N queries of one batch on one client (kept-alive
 * connection), printing the median microseconds per call.
 *   query_loop BASE_URL REDEEM_QUERY_ID N */
#include <pubrio/pubrio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 4)
    return 2;
  int n = atoi(argv[3]);
  double *t = calloc((size_t)n, sizeof *t);
  pubrio_client *client = NULL;
  if (!t || pubrio_client_new(&client, "test-key", NULL) ||
      pubrio_client_set_base_url(client, argv[1], NULL))
    return 1;
  for (int i = 0; i < n; i++) {
    pubrio_query_result *res = NULL;
    double start = now_us();
    if (pubrio_redeem_people_batch_query(client, argv[2], &res, NULL))
      return 1;
    pubrio_query_result_free(res);
    t[i] = now_us() - start;
  }
  qsort(t, (size_t)n, sizeof *t, by_value);
  printf("%.1f\n", t[n / 2]);
  pubrio_client_free(client);
  free(t);
  return 0;
}
