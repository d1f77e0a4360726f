/* The C side of the Node overhead benchmark: N sequential queries of one
 * batch on one client (one kept-alive connection), against PUBRIO_BASE_URL.
 * Prints the median and p99 microseconds per call. */
#include <pubrio/pubrio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: query_loop REDEEM_QUERY_ID N\n");
    return 2;
  }
  int n = atoi(argv[2]);
  double *us = calloc((size_t)n, sizeof *us);
  pubrio_error err = {0};
  pubrio_client *client = NULL;
  if (!us || pubrio_client_new(&client, NULL, &err) != PUBRIO_OK) {
    fprintf(stderr, "client: %s\n", err.message ? err.message : "no memory");
    return 1;
  }
  for (int i = 0; i < n; i++) {
    pubrio_query_result *res = NULL;
    double start = now_us();
    if (pubrio_redeem_people_batch_query(client, argv[1], &res, &err) !=
        PUBRIO_OK) {
      fprintf(stderr, "query: %s\n", err.message);
      return 1;
    }
    /* Read what Node reads: every person's contacts. */
    for (size_t p = 0; p < res->people_count; p++) {
      const pubrio_person *person = pubrio_query_result_person(res, p);
      for (size_t e = 0; e < person->email_count; e++)
        (void)pubrio_person_email(person, e)->value;
      for (size_t e = 0; e < person->phone_count; e++)
        (void)pubrio_person_phone(person, e)->value;
    }
    pubrio_query_result_free(res);
    us[i] = now_us() - start;
  }
  qsort(us, (size_t)n, sizeof *us, by_value);
  printf("%.1f %.1f\n", us[n / 2], us[n * 99 / 100]);
  pubrio_client_free(client);
  pubrio_error_clear(&err);
  free(us);
  return 0;
}
