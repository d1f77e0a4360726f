/* Submit one batch and print its redeem_query_id, or the typed error.
 * Key and base URL come from PUBRIO_API_KEY and PUBRIO_BASE_URL. */
#include <pubrio/pubrio.h>
#include <stdio.h>

int main(int argc, char **argv) {
  pubrio_error err = PUBRIO_ERROR_INIT;
  pubrio_client *client = NULL;
  pubrio_batch_request *req = NULL;
  pubrio_batch_job *job = NULL;
  const char *id = argc > 1 ? argv[1] : "540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11";

  if (pubrio_client_new(&client, NULL, &err) == PUBRIO_OK &&
      pubrio_batch_request_new(&req, &err) == PUBRIO_OK &&
      pubrio_batch_request_add_person(req, id, &err) == PUBRIO_OK &&
      pubrio_batch_request_add_contact_types(
          req, PUBRIO_CONTACT_EMAIL_WORK | PUBRIO_CONTACT_PHONE, &err) ==
          PUBRIO_OK &&
      pubrio_redeem_people_batch(client, req, &job, &err) == PUBRIO_OK)
    printf("redeem_query_id: %s\n", job->redeem_query_id);
  else
    fprintf(stderr, "error: %s (HTTP %ld): %s\n", pubrio_status_str(err.status),
            err.http_status, err.message);

  int failed = job == NULL;
  pubrio_batch_job_free(job);
  pubrio_batch_request_free(req);
  pubrio_client_free(client);
  pubrio_error_clear(&err);
  return failed;
}
