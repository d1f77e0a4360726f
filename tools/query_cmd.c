/* `pubrio query ID [--wait]`: one batch's state, or its contacts. */
#include "cli.h"
#include "output.h"

#include <stdio.h>

static int on_poll(const pubrio_query_result *latest, int polls,
                   int64_t next_delay_ms, void *userdata) {
  const cli_options *o = userdata;
  if (o->verbose && !o->quiet)
    fprintf(stderr, "pubrio: poll %d: %s%s%lld ms\n", polls,
            latest->query->is_completed ? "complete" : "pending",
            next_delay_ms >= 0 ? ", next in " : "",
            (long long)(next_delay_ms >= 0 ? next_delay_ms : 0));
  return cli_interrupted != 0; /* Ctrl-C cancels the wait */
}

int cli_query(const cli_options *o, const char *redeem_query_id) {
  pubrio_client *client = cli_make_client(o);
  if (!client)
    return CLI_USAGE;
  pubrio_error err = {0};
  pubrio_query_result *res = NULL;
  pubrio_wait_options *wait = NULL;
  pubrio_status st;
  if (o->wait) {
    st = pubrio_wait_options_new(&wait, &err);
    if (!st)
      st = pubrio_wait_options_set_timeout(wait, o->max_wait_ms, &err);
    if (!st)
      st = pubrio_wait_options_set_progress(wait, on_poll, (void *)o, &err);
    if (!st)
      st = pubrio_redeem_people_batch_wait(client, redeem_query_id, wait, &res,
                                           &err);
  } else {
    st = pubrio_redeem_people_batch_query(client, redeem_query_id, &res, &err);
  }
  if (st == PUBRIO_OK && res->query->is_completed) {
    if (o->format == FORMAT_CSV)
      output_csv_header(stdout);
    output_people(stdout, o->format, res);
  } else if (st == PUBRIO_OK) {
    output_state(stdout, res->query);
  } else {
    if (res) /* deadline or Ctrl-C: the last state seen */
      output_state(stdout, res->query);
    cli_print_error("query", st, &err);
  }
  int rc = cli_exit_code(st);
  pubrio_query_result_free(res);
  pubrio_wait_options_free(wait);
  pubrio_error_clear(&err);
  cli_free_client(client);
  return rc;
}
