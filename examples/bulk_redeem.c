/* Redeem any number of people with the bulk engine: ids from the command
 * line, phones and work emails printed as each batch is collected, a
 * journal so a rerun resumes, and on an early stop every paid batch named.
 *   bulk_redeem [--journal FILE] ID...      (PUBRIO_API_KEY, PUBRIO_BASE_URL)
 */
#include <pubrio/pubrio.h>

#include <stdio.h>
#include <string.h>

static int on_event(const pubrio_bulk_event *ev, void *userdata) {
  (void)userdata;
  if (ev->kind == PUBRIO_BULK_BATCH_ACCEPTED)
    fprintf(stderr, "batch %d accepted as %s (%zu people)\n", ev->batch,
            ev->redeem_query_id, ev->people_count);
  if (ev->kind != PUBRIO_BULK_PERSON)
    return 0;
  const pubrio_person *p = ev->person;
  for (size_t i = 0; i < p->email_count; i++)
    printf("%s email %s\n", p->people_search_id,
           pubrio_person_email(p, i)->value);
  for (size_t i = 0; i < p->phone_count; i++)
    printf("%s phone %s\n", p->people_search_id,
           pubrio_person_phone(p, i)->value);
  return 0; /* non-zero would stop the run */
}

int main(int argc, char **argv) {
  int first = 1;
  const char *journal = NULL;
  if (argc > 2 && strcmp(argv[1], "--journal") == 0) {
    journal = argv[2];
    first = 3;
  }
  pubrio_error err = PUBRIO_ERROR_INIT;
  pubrio_client *client = NULL;
  pubrio_bulk_options *opts = NULL;
  pubrio_bulk *run = NULL;
  pubrio_status st = pubrio_client_new(&client, NULL, &err);
  if (!st)
    st = pubrio_bulk_options_new(&opts, &err);
  if (!st && journal)
    st = pubrio_bulk_options_set_journal(opts, journal, 0, &err);
  if (!st)
    st = pubrio_bulk_new(&run, client,
                         PUBRIO_CONTACT_EMAIL_WORK | PUBRIO_CONTACT_PHONE, opts,
                         &err);
  if (!st)
    st = pubrio_bulk_add_people(run, (const char *const *)argv + first,
                                (size_t)(argc - first), &err);
  if (!st) {
    pubrio_bulk_stats plan;
    pubrio_bulk_stats_get(run, &plan, sizeof plan);
    fprintf(stderr, "%zu people in %zu batches, at least %ld requests\n",
            plan.people_to_submit, plan.batches, plan.planned_requests);
    st = pubrio_bulk_run(run, on_event, NULL, &err);
  }
  if (st != PUBRIO_OK) {
    fprintf(stderr, "stopped: %s: %s\n", pubrio_status_str(st), err.message);
    size_t people;
    const char *id;
    for (size_t i = 0; (id = pubrio_bulk_uncollected(run, i, &people)); i++)
      fprintf(stderr, "paid, not collected: %s (%zu people)\n", id, people);
  }
  pubrio_bulk_free(run);
  pubrio_bulk_options_free(opts);
  pubrio_client_free(client);
  pubrio_error_clear(&err);
  return st == PUBRIO_OK ? 0 : 1;
}
