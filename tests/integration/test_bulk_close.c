/* Leaving a run with pubrio_bulk_close(), the one drain every binding uses,
 * over real HTTP to the fake server: whatever the server was paid for is
 * either handed out, kept by the close, or named (uncollected batches and
 * uncertain people), and never sent again. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { PEOPLE = 200 };

static char ids[PEOPLE][PUBRIO_ID_LEN + 1];
static const char *id_ptrs[PEOPLE];

static void make_ids(void) {
  for (int i = 0; i < PEOPLE; i++) {
    snprintf(ids[i], sizeof ids[i], "30000000-0000-4000-8000-%012d", i);
    id_ptrs[i] = ids[i];
  }
}

static int setup(void **state) {
  *state = fixture_new(*state);
  return 0;
}

static int teardown(void **state) {
  fixture_free(*state);
  return 0;
}

static pubrio_bulk *make_run(fixture *f, int batch_size, int in_flight,
                             size_t people) {
  pubrio_bulk_options *o = NULL;
  assert_int_equal(pubrio_bulk_options_new(&o, NULL), PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_batch_size(o, batch_size, NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_max_in_flight(o, in_flight, NULL),
                   PUBRIO_OK);
  assert_int_equal(pubrio_bulk_options_set_read_account(o, 0, NULL), PUBRIO_OK);
  pubrio_bulk *b = NULL;
  assert_int_equal(
      pubrio_bulk_new(&b, f->client, PUBRIO_CONTACT_PHONE, o, &f->err),
      PUBRIO_OK);
  assert_int_equal(pubrio_bulk_add_people(b, id_ptrs, people, &f->err),
                   PUBRIO_OK);
  pubrio_bulk_options_free(o);
  return b;
}

static int64_t real_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void real_sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* People the server processed a submit for, waiting (in real time, at most
 * 5 s) until it has processed @p at_least: a submit cut while the server
 * sleeps is processed after the cut. */
static size_t paid_people(fixture *f, size_t at_least) {
  size_t submitted = 0;
  int repeat = 0;
  for (int i = 0; i < 500; i++) {
    fake_server_people_stats(f->server, &submitted, &repeat);
    if (submitted >= at_least)
      break;
    real_sleep_ms(10);
  }
  assert_true(repeat <= 1); /* nobody was submitted twice */
  return submitted;
}

/* What the run names as paid and not delivered: people of uncollected
 * batches plus people left uncertain. */
static size_t named_people(const pubrio_bulk *b) {
  size_t named = 0, count = 0;
  for (size_t i = 0; pubrio_bulk_uncollected(b, i, &count); i++)
    named += count;
  for (size_t i = 0; pubrio_bulk_uncertain(b, i); i++)
    named++;
  return named;
}

static size_t kept_people(const pubrio_bulk *b) {
  size_t n = 0;
  const pubrio_bulk_event *ev;
  while ((ev = pubrio_bulk_drained(b, n)) != NULL) {
    assert_int_equal(ev->kind, PUBRIO_BULK_PERSON);
    assert_non_null(ev->person);
    assert_int_equal(strncmp(ev->person->people_search_id, "30000000-", 9), 0);
    n++;
  }
  return n;
}

/* A caller that leaves after its first person (a break): the close lets
 * the submits in flight finish, keeps what was collected and not handed
 * out, and names the rest; paid = handed out + kept + named. */
static void a_close_mid_run_keeps_or_names_every_paid_person(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_run(f, 10, 4, PEOPLE);
  pubrio_bulk_event ev;
  size_t handed = 0;
  while (handed == 0) {
    assert_int_equal(pubrio_bulk_next_event(b, -1, &ev, sizeof ev, &f->err),
                     PUBRIO_OK);
    assert_int_not_equal(ev.kind, PUBRIO_BULK_FINISHED);
    handed += ev.kind == PUBRIO_BULK_PERSON;
  }
  assert_int_equal(pubrio_bulk_close(b, -1, &f->err), PUBRIO_E_CANCELLED);
  size_t kept = kept_people(b), named = named_people(b);
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.people_kept, kept);
  assert_int_equal(st.in_flight, 0);
  size_t paid = paid_people(f, st.people_submitted);
  assert_true(paid > handed); /* batches were in flight at the close */
  assert_true(paid < PEOPLE); /* and it stopped submitting */
  assert_int_equal(paid, handed + kept + named);
  char sentence[512];
  size_t len = pubrio_bulk_leftover(b, sentence, sizeof sentence);
  assert_true(len > 0);
  if (kept)
    assert_non_null(strstr(sentence, "kept for the caller"));
  /* A second close changes nothing, and the run answers the same. */
  assert_int_equal(pubrio_bulk_close(b, -1, &f->err), PUBRIO_E_CANCELLED);
  assert_int_equal(kept_people(b), kept);
  assert_int_equal(pubrio_bulk_next_event(b, 0, &ev, sizeof ev, &f->err),
                   PUBRIO_E_CANCELLED);
  pubrio_bulk_free(b);
  assert_int_equal(paid_people(f, 0), paid); /* nothing was sent again */
}

/* Submits still waiting for their answer at the close's timeout are cut:
 * maybe charged, so each of their people is named uncertain. */
static void a_close_past_its_timeout_names_cut_submits_uncertain(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_run(f, 10, 2, 20);
  pubrio_bulk_event ev;
  /* Start the two submits and let them reach the server (it sleeps its
   * latency before acting on them). */
  for (int i = 0;
       i < 500 && fake_server_request_count(f->server, SUBMIT_PATH) < 2; i++) {
    assert_int_equal(pubrio_bulk_next_event(b, 0, &ev, sizeof ev, &f->err),
                     PUBRIO_OK);
    assert_int_equal(ev.kind, PUBRIO_BULK_NONE);
    real_sleep_ms(10);
  }
  assert_int_equal(fake_server_request_count(f->server, SUBMIT_PATH), 2);
  assert_int_equal(pubrio_bulk_close(b, 0, &f->err), PUBRIO_E_CANCELLED);
  size_t uncertain = 0;
  while (pubrio_bulk_uncertain(b, uncertain))
    uncertain++;
  assert_int_equal(uncertain, 20);
  assert_null(pubrio_bulk_uncollected(b, 0, NULL));
  assert_null(pubrio_bulk_drained(b, 0));
  char sentence[512];
  assert_true(pubrio_bulk_leftover(b, sentence, sizeof sentence) > 0);
  assert_non_null(strstr(sentence, "20 people submitted without a conclusive "
                                   "answer (maybe charged, not sent again): "
                                   "30000000-"));
  assert_non_null(strstr(sentence, "and 15 more"));
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  assert_int_equal(st.people_left_uncertain, 20);
  pubrio_bulk_free(b);
  assert_int_equal(paid_people(f, 20), 20); /* the server acted on both */
}

/* A first stop cuts the polls in flight at once (a poll spends nothing):
 * the batch is named, not waited for. Once by pubrio_bulk_close(), once by
 * the first pubrio_client_cancel() (the CLI's first Ctrl-C). */
static void a_stop_cuts_polls_at_once(void **state) {
  fixture *f = *state;
  for (int by_cancel = 0; by_cancel <= 1; by_cancel++) {
    fake_reply slow_poll = {
        .path = QUERY_PATH, .status = 200, .body = "{}", .delay_ms = 4000};
    fake_server_push_reply(f->server, &slow_poll);
    size_t polls_before = fake_server_request_count(f->server, QUERY_PATH);
    pubrio_bulk *b = make_run(f, 10, 2, 10);
    pubrio_bulk_event ev;
    int accepted = 0;
    for (int i = 0; i < 500 && fake_server_request_count(
                                   f->server, QUERY_PATH) == polls_before;
         i++) {
      assert_int_equal(pubrio_bulk_next_event(b, 0, &ev, sizeof ev, &f->err),
                       PUBRIO_OK);
      accepted += ev.kind == PUBRIO_BULK_BATCH_ACCEPTED;
      real_sleep_ms(5);
    }
    assert_int_equal(accepted, 1);
    int64_t start = real_ms();
    if (by_cancel) {
      pubrio_client_cancel(f->client);
      assert_int_equal(pubrio_bulk_next_event(b, -1, &ev, sizeof ev, &f->err),
                       PUBRIO_E_CANCELLED);
    } else {
      assert_int_equal(pubrio_bulk_close(b, -1, &f->err), PUBRIO_E_CANCELLED);
    }
    assert_true(real_ms() - start < 2000); /* not the poll's 4 s */
    size_t count = 0;
    assert_non_null(pubrio_bulk_uncollected(b, 0, &count));
    assert_int_equal(count, 10);
    pubrio_bulk_free(b);
    pubrio_error_clear(&f->err);
  }
}

/* A run that finished leaves nothing: the close keeps and names nothing,
 * and says so. */
static void a_close_after_the_end_leaves_nothing(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_run(f, 10, 4, 30);
  pubrio_bulk_event ev;
  size_t handed = 0;
  pubrio_status st;
  while ((st = pubrio_bulk_next_event(b, -1, &ev, sizeof ev, &f->err)) ==
             PUBRIO_OK &&
         ev.kind != PUBRIO_BULK_FINISHED)
    handed += ev.kind == PUBRIO_BULK_PERSON;
  assert_int_equal(st, PUBRIO_OK);
  assert_int_equal(handed, 30);
  assert_int_equal(pubrio_bulk_close(b, -1, &f->err), PUBRIO_OK);
  assert_null(pubrio_bulk_drained(b, 0));
  char sentence[64] = "x";
  assert_int_equal(pubrio_bulk_leftover(b, sentence, sizeof sentence), 0);
  assert_string_equal(sentence, "");
  assert_int_equal(pubrio_bulk_next_event(b, 0, &ev, sizeof ev, &f->err),
                   PUBRIO_OK);
  assert_int_equal(ev.kind, PUBRIO_BULK_FINISHED);
  pubrio_bulk_free(b);
}

/* A run closed before its first call sends nothing. */
static void a_close_before_the_start_sends_nothing(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_run(f, 10, 4, 30);
  assert_int_equal(pubrio_bulk_close(b, -1, &f->err), PUBRIO_E_CANCELLED);
  assert_int_equal(fake_server_request_count(f->server, NULL), 0);
  assert_int_equal(pubrio_bulk_leftover(b, NULL, 0), 0);
  pubrio_bulk_free(b);
  assert_int_equal(pubrio_bulk_close(NULL, -1, &f->err),
                   PUBRIO_E_INVALID_ARGUMENT);
}

/* Every event queued when the caller leaves (a whole collected batch's
 * people) is kept, not lost: with one request in flight and each batch
 * collected at once, a close after the first person keeps the other 9. */
static void a_close_keeps_the_queue(void **state) {
  fixture *f = *state;
  pubrio_bulk *b = make_run(f, 10, 1, 10);
  pubrio_bulk_event ev;
  do
    assert_int_equal(pubrio_bulk_next_event(b, -1, &ev, sizeof ev, &f->err),
                     PUBRIO_OK);
  while (ev.kind != PUBRIO_BULK_PERSON);
  assert_int_equal(pubrio_bulk_close(b, -1, &f->err), PUBRIO_E_CANCELLED);
  assert_int_equal(kept_people(b), 9);
  assert_null(pubrio_bulk_uncollected(b, 0, NULL));
  char sentence[256];
  pubrio_bulk_leftover(b, sentence, sizeof sentence);
  assert_string_equal(sentence,
                      "9 people collected while the run closed, kept for the "
                      "caller");
  pubrio_bulk_free(b);
}

static fake_server_options ready = {.estimated_time = 0};
static fake_server_options slow = {.estimated_time = 0, .latency_ms = 300};

#define T(name, opts)                                                          \
  cmocka_unit_test_prestate_setup_teardown(name, setup, teardown, opts)

int main(void) {
  make_ids();
  const struct CMUnitTest tests[] = {
      T(a_close_mid_run_keeps_or_names_every_paid_person, &slow),
      T(a_close_past_its_timeout_names_cut_submits_uncertain, &slow),
      T(a_stop_cuts_polls_at_once, &ready),
      T(a_close_after_the_end_leaves_nothing, &ready),
      T(a_close_before_the_start_sends_nothing, &ready),
      T(a_close_keeps_the_queue, &ready),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
