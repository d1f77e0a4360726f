/* After pubrio_client_free(), no block the library freed still holds the
 * key, and the header lines handed to libcurl were wiped before libcurl
 * freed them. What libcurl keeps in its own request buffers is measured and
 * printed: that is the limit pubrio_client_free() documents.
 * Built with -Wl,--wrap=free so every free() of the library's code (linked
 * statically here) is seen; libcurl's frees are seen through
 * curl_global_init_mem(). It reads freed blocks' spare bytes on purpose, so
 * it runs under ASan, not valgrind. */
#define _GNU_SOURCE /* memmem, malloc_usable_size */
#include "test_support.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define KEY "wipe-check-key-5c1e9a"

static int ours_holding_key, curl_header_lines_holding_key, curl_holding_key;

static int holds_key(void *p) {
  return p && memmem(p, malloc_usable_size(p), KEY, strlen(KEY)) != NULL;
}

void __real_free(void *p);
void __wrap_free(void *p);
void __wrap_free(void *p) {
  ours_holding_key += holds_key(p);
  __real_free(p);
}

static void curl_free_checked(void *p) {
  if (holds_key(p)) {
    curl_holding_key++;
    /* A curl_slist node's string is exactly one header line. */
    if (strncmp(p, "pubrio-api-key:", 15) == 0)
      curl_header_lines_holding_key++;
  }
  __real_free(p);
}

static void *curl_malloc(size_t n) { return malloc(n); }
static void *curl_realloc(void *p, size_t n) { return realloc(p, n); }
static char *curl_strdup(const char *s) { return strdup(s); }
static void *curl_calloc(size_t n, size_t size) { return calloc(n, size); }

static void key_is_wiped_where_the_library_owns_it(void **state) {
  (void)state;
  /* A socket that listens but never accepts: the request is built and sent
   * into the backlog, and no server code of ours touches the key. */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof addr;
  assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
  assert_int_equal(listen(fd, 4), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u", ntohs(addr.sin_port));

  pubrio_client *c = NULL;
  pubrio_error err = {0};
  assert_int_equal(pubrio_client_new(&c, KEY, &err), PUBRIO_OK);
  assert_int_equal(pubrio_client_set_base_url(c, url, &err), PUBRIO_OK);
  assert_int_equal(pubrio_client_set_timeouts(c, 200, 200, &err), PUBRIO_OK);
  assert_int_equal(pubrio_client_set_retry(c, 1, 0, 0, &err), PUBRIO_OK);
  pubrio_batch_request *req = make_request(1, PUBRIO_CONTACT_PHONE);
  pubrio_batch_job *job = NULL;
  assert_int_equal(pubrio_redeem_people_batch(c, req, &job, &err),
                   PUBRIO_E_TIMEOUT);
  assert_null(strstr(err.message, KEY));
  pubrio_batch_request_free(req);
  pubrio_error_clear(&err);
  pubrio_client_free(c);
  close(fd);

  assert_int_equal(ours_holding_key, 0);
  assert_int_equal(curl_header_lines_holding_key, 0);
  printf("libcurl freed %d block(s) still holding the key (its own request "
         "buffers): the documented limit\n",
         curl_holding_key);
}

int main(void) {
  assert_int_equal(curl_global_init_mem(CURL_GLOBAL_DEFAULT, curl_malloc,
                                        curl_free_checked, curl_realloc,
                                        curl_strdup, curl_calloc),
                   CURLE_OK);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(key_is_wiped_where_the_library_owns_it),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
