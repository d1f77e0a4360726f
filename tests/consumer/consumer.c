/* An outside program, built against an installed libpubrio (through
 * find_package and through pkg-config): submit, wait, count the people. */
#include <pubrio/pubrio.h>

#include <stdio.h>
#include <string.h>

int main(void) {
  if (strcmp(pubrio_version(), PUBRIO_VERSION) != 0) {
    fprintf(stderr, "header %s but library %s\n", PUBRIO_VERSION,
            pubrio_version());
    return 1;
  }
  const char *ids[] = {"540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11",
                       "0a9b7c6d-1e2f-4a5b-8c7d-6e5f4a3b2c1d"};
  pubrio_error err = {0};
  pubrio_client *client = NULL;
  pubrio_batch_request *req = NULL;
  pubrio_query_result *res = NULL;
  pubrio_status st = pubrio_client_new(&client, NULL, &err);
  if (!st)
    st = pubrio_batch_request_new(&req, &err);
  if (!st)
    st = pubrio_batch_request_add_people(req, ids, 2, &err);
  if (!st)
    st =
        pubrio_batch_request_add_contact_types(req, PUBRIO_CONTACT_PHONE, &err);
  if (!st)
    st = pubrio_redeem_people_batch_and_wait(client, req, NULL, &res, &err);
  if (st == PUBRIO_OK)
    printf("consumer: %zu people redeemed with libpubrio %s\n",
           res->people_count, pubrio_version());
  else
    fprintf(stderr, "consumer: %s: %s\n", pubrio_status_str(st), err.message);
  int ok = st == PUBRIO_OK && res->people_count == 2;
  pubrio_query_result_free(res);
  pubrio_batch_request_free(req);
  pubrio_client_free(client);
  pubrio_error_clear(&err);
  return ok ? 0 : 1;
}
