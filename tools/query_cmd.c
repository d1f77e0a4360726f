/* `pubrio query ID [--wait]`: one batch's state, or its contacts. */
#include "cli.h"
#include "ids.h"
#include "output.h"

#include <stdlib.h>

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

/* One batch: its contacts when complete, else its state. */
static int query_one(const cli_options *o, pubrio_client *client,
                     const char *redeem_query_id, int *csv_header_done) {
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
    if (o->format == FORMAT_CSV && !*csv_header_done) {
      output_csv_header(stdout);
      *csv_header_done = 1;
    }
    output_people(stdout, o->format, res);
  } else if (st == PUBRIO_OK) {
    output_state(stdout, res->query);
  } else {
    if (res) /* deadline or Ctrl-C: the last state seen */
      output_state(stdout, res->query);
    cli_print_error("query", st, &err);
  }
  pubrio_query_result_free(res);
  pubrio_wait_options_free(wait);
  pubrio_error_clear(&err);
  return cli_exit_code(st);
}

/* The ids asked for, validated (as a batch request would) and kept. */
typedef struct id_collection {
  pubrio_batch_request *checker;
  char (*ids)[PUBRIO_ID_LEN + 1];
  size_t count, cap;
} id_collection;

static int keep_id(void *ctx, const char *id, char *why, size_t why_size) {
  id_collection *c = ctx;
  size_t before = pubrio_batch_request_people_count(c->checker);
  pubrio_status st = pubrio_batch_request_add_person(c->checker, id, NULL);
  if (st == PUBRIO_E_INVALID_ARGUMENT) {
    snprintf(why, why_size, "is not a canonical UUID (8-4-4-4-12 hex)");
    return -1;
  }
  if (st != PUBRIO_OK) {
    fprintf(stderr, "pubrio: out of memory\n");
    return -2;
  }
  if (pubrio_batch_request_people_count(c->checker) == before)
    return 0; /* asked twice: answered once */
  if (c->count == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 16;
    void *grown = realloc(c->ids, cap * sizeof *c->ids);
    if (!grown) {
      fprintf(stderr, "pubrio: out of memory\n");
      return -2;
    }
    c->ids = grown;
    c->cap = cap;
  }
  snprintf(c->ids[c->count++], PUBRIO_ID_LEN + 1, "%s", id);
  return 0;
}

int cli_query(const cli_options *o) {
  id_collection ids = {0};
  if (pubrio_batch_request_new(&ids.checker, NULL) != PUBRIO_OK)
    return CLI_FAILED;
  int rc = ids_read(o, keep_id, &ids);
  pubrio_client *client = rc == CLI_OK ? cli_make_client(o) : NULL;
  if (rc == CLI_OK && !client)
    rc = CLI_USAGE;
  int csv_header_done = 0;
  for (size_t i = 0; client && i < ids.count && !cli_interrupted; i++) {
    int one = query_one(o, client, ids.ids[i], &csv_header_done);
    if (rc == CLI_OK)
      rc = one; /* the first failure decides the exit code */
  }
  if (client && cli_interrupted && rc == CLI_OK)
    rc = CLI_INTERRUPTED;
  cli_free_client(client);
  pubrio_batch_request_free(ids.checker);
  free(ids.ids);
  return rc;
}
