/* Submit a batch, wait for it, and print every person's contacts.
 * Usage: redeem_and_wait [PEOPLE_SEARCH_ID ...]
 * Key and base URL come from PUBRIO_API_KEY and PUBRIO_BASE_URL. */
#include <pubrio/pubrio.h>
#include <stdio.h>

static void print_contacts(const char *kind, const pubrio_contact *c) {
  printf("  %-6s %-32s %-15s %s\n", kind, c->value ? c->value : "-",
         c->type_raw ? c->type_raw : "-", c->status ? c->status : "-");
}

static int on_poll(const pubrio_query_result *latest, int polls,
                   int64_t next_delay_ms, void *userdata) {
  (void)userdata;
  fprintf(stderr, "poll %d: %s, next in %lld ms\n", polls,
          latest->query->is_completed ? "complete" : "pending",
          (long long)next_delay_ms);
  return 0; /* non-zero would cancel */
}

int main(int argc, char **argv) {
  static const char *const sample[] = {"540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11",
                                       "0a9b7c6d-1e2f-4a5b-8c7d-6e5f4a3b2c1d"};
  const char *const *ids = argc > 1 ? (const char *const *)argv + 1 : sample;
  size_t count = argc > 1 ? (size_t)argc - 1 : 2;
  pubrio_error err = PUBRIO_ERROR_INIT;
  pubrio_client *client = NULL;
  pubrio_batch_request *req = NULL;
  pubrio_wait_options *opts = NULL;
  pubrio_query_result *res = NULL;
  pubrio_status st = pubrio_client_new(&client, NULL, &err);
  if (!st)
    st = pubrio_batch_request_new(&req, &err);
  if (!st)
    st = pubrio_batch_request_add_people(req, ids, count, &err);
  if (!st)
    st = pubrio_batch_request_add_contact_types(
        req,
        PUBRIO_CONTACT_EMAIL_WORK | PUBRIO_CONTACT_EMAIL_PERSONAL |
            PUBRIO_CONTACT_PHONE,
        &err);
  if (!st)
    st = pubrio_wait_options_new(&opts, &err);
  if (!st)
    st = pubrio_wait_options_set_timeout(opts, 120000, &err);
  if (!st)
    st = pubrio_wait_options_set_progress(opts, on_poll, NULL, &err);
  if (!st)
    st = pubrio_redeem_people_batch_and_wait(client, req, opts, &res, &err);

  if (st == PUBRIO_OK) {
    printf("batch %s: %zu people, %lld credits charged\n",
           res->query->redeem_query_id, res->people_count,
           (long long)res->total_charged_credit);
    for (size_t i = 0; i < res->people_count; i++) {
      const pubrio_person *p = pubrio_query_result_person(res, i);
      printf("%s\n", p->people_search_id);
      for (size_t e = 0; e < p->email_count; e++)
        print_contacts("email", pubrio_person_email(p, e));
      for (size_t k = 0; k < p->phone_count; k++)
        print_contacts("phone", pubrio_person_phone(p, k));
      if (p->email_count + p->phone_count == 0)
        printf("  (no contacts)\n");
    }
  } else {
    fprintf(stderr, "error: %s: %s\n", pubrio_status_str(st), err.message);
  }
  pubrio_query_result_free(res);
  pubrio_wait_options_free(opts);
  pubrio_batch_request_free(req);
  pubrio_client_free(client);
  pubrio_error_clear(&err);
  return st == PUBRIO_OK ? 0 : 1;
}
