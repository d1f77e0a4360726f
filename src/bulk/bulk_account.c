/* What a bulk run learns from the account before its first request: the
 * plan's quotas and what is left of them (POST /profile/usage) join the
 * rate budget, the per-type prices and the balance (POST /profile) price
 * the credit budget. Both calls are free, and go at once on the run's
 * multi handle; a failure is logged and the run goes on with what it was
 * given (a --rate, a --price, 1 a contact). */
#include "bulk.h"

#include "account.h"
#include "alloc.h"
#include "error.h"
#include "json.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

/* A quota the account reports joins the budget with what is left of its
 * current window (whose end the API does not say). */
static void add_quota(pubrio_bulk *b, int64_t allowed, int64_t used,
                      int64_t window_ms, const char *name, int64_t now) {
  if (allowed <= 0)
    return; /* 0: the plan sets none; -1: unknown */
  int at = pri_pacer_add_window(&b->pacer, allowed, window_ms, name);
  if (at >= 0 && used >= 0)
    pri_pacer_set_usage(&b->pacer, (size_t)at, used, -1, now);
}

/* The quotas the usage read answered join the budget. Its answer counts
 * itself; the profile read went beside it and may not be counted yet, so
 * it is added (one request on the safe side). */
static void apply_usage(pubrio_bulk *b, pubrio_status st, pubrio_usage *u,
                        const pubrio_error *err) {
  if (st == PUBRIO_OK) {
    int64_t now = pri_clock_now(&b->client->clock);
    add_quota(b, u->hourly_allowed, u->hourly_used + 1, INT64_C(3600000),
              "hourly quota", now);
    add_quota(b, u->daily_allowed, u->daily_used + 1, INT64_C(86400000),
              "daily quota", now);
    add_quota(b, u->monthly_allowed, u->monthly_used + 1, INT64_C(2678400000),
              "monthly quota", now);
  } else {
    pri_log(b->client, PUBRIO_LOG_WARN,
            "the account's quotas could not be read (%s): the run paces "
            "itself by its own rates and slows down on a 429",
            err->message ? err->message : "no details");
  }
}

static void apply_profile(pubrio_bulk *b, pubrio_status st, pubrio_profile *p,
                          const pubrio_error *err) {
  if (st == PUBRIO_OK) {
    if (!b->o.has_prices && p->email_price >= 0 && p->phone_price >= 0) {
      b->o.prices[0] = b->o.prices[1] = p->email_price;
      b->o.prices[2] = p->phone_price;
      b->o.has_prices = 1;
    }
    b->has_workspace = p->has_profile_id;
    b->workspace = p->profile_id;
    if (p->has_credit) {
      b->has_balance = 1;
      b->balance = pri_bulk_add_credits(
          p->credit, p->has_topup_credit ? p->topup_credit : 0);
    }
  } else {
    pri_log(b->client, PUBRIO_LOG_WARN,
            "the account's prices could not be read (%s): %s",
            err->message ? err->message : "no details",
            b->o.has_prices ? "the prices given are used"
                            : "1 credit a contact is counted");
  }
}

/* One account read on a transfer of its own, so both go at once. */
typedef struct account_read {
  pri_call call;
  pri_call_state st;
  pri_transfer *transfer;
  char *body;
  void *out; /* pubrio_usage * or pubrio_profile * */
  pubrio_error err;
  pubrio_status status;
  enum { READ_TO_START, READ_RUNNING, READ_WAITING, READ_DONE } state;
  int64_t retry_at;
} account_read;

static void read_begin(pubrio_bulk *b, account_read *r, const char *path,
                       pri_parse_fn parse, int64_t profile, int64_t deadline) {
  r->err.retry_after_ms = -1;
  r->body = pri_json_account_body(profile);
  r->transfer = pri_transfer_new(b->client->transport);
  r->call = (pri_call){.path = path,
                       .body = r->body,
                       .idempotent = 1, /* free and read-only */
                       .deadline = deadline,
                       .parse = parse,
                       .out = &r->out};
  if (pri_call_begin(b->client, &r->call, &r->st) != 0 || !r->body ||
      !r->transfer) {
    r->status = pri_error_set(&r->err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
    r->state = READ_DONE;
  }
}

static void read_attempt(pubrio_bulk *b, account_read *r) {
  pubrio_status st =
      pri_call_prepare_attempt(b->client, &r->call, &r->st, &r->err);
  if (st == PUBRIO_OK &&
      pri_transfer_start(r->transfer, &r->st.request, &r->st.resp) != 0)
    st = pri_error_set(&r->err, PUBRIO_E_OUT_OF_MEMORY,
                       "the transfer could not start");
  r->status = st;
  r->state = st == PUBRIO_OK ? READ_RUNNING : READ_DONE;
}

static void read_answered(pubrio_bulk *b, account_read *r) {
  int64_t delay = 0;
  switch (pri_call_judge(b->client, &r->call, &r->st, &delay, &r->err)) {
  case PRI_VERDICT_DONE:
    r->status = PUBRIO_OK;
    r->state = READ_DONE;
    return;
  case PRI_VERDICT_FAILED:
    r->status = r->st.status;
    r->state = READ_DONE;
    return;
  case PRI_VERDICT_RETRY:
    r->retry_at = pri_clock_now(&b->client->clock) + (delay > 0 ? delay : 0);
    r->state = READ_WAITING;
    return;
  }
}

/* Drive both reads on the run's multi handle until each has its answer
 * (retries included): their latencies overlap instead of adding up. A
 * cancel cuts them (nothing they do costs anything). */
static void read_both(pubrio_bulk *b, account_read *r, size_t n) {
  pri_clock *clock = &b->client->clock;
  for (;;) {
    int64_t now = pri_clock_now(clock), next = INT64_MAX;
    int running = 0;
    for (size_t i = 0; i < n; i++) {
      if (r[i].state == READ_TO_START ||
          (r[i].state == READ_WAITING && r[i].retry_at <= now))
        read_attempt(b, &r[i]);
      running |= r[i].state == READ_RUNNING;
      if (r[i].state == READ_WAITING && r[i].retry_at < next)
        next = r[i].retry_at;
    }
    if (!running && next == INT64_MAX)
      return;
    if (!running) {
      pri_clock_sleep(clock, next - now);
      continue;
    }
    pri_transfer *x = pri_transport_run(b->client->transport,
                                        next == INT64_MAX ? -1 : next - now, 1);
    for (size_t i = 0; x && i < n; i++)
      if (r[i].transfer == x && r[i].state == READ_RUNNING)
        read_answered(b, &r[i]);
  }
}

static void read_end(pubrio_bulk *b, account_read *r) {
  r->status = pri_call_end(b->client, &r->call, &r->st, r->status, &r->err);
  pri_transfer_free(r->transfer);
  pri_free(r->body);
}

/* Every worst case the credit budget holds, at the prices now known: the
 * people and URLs to submit, what earlier runs left uncertain and the
 * batches they left to collect (all priced at 1 a contact until now). */
static void reprice(pubrio_bulk *b) {
  b->worst_to_submit = 0;
  for (size_t pos = 0; pos < b->people.count; pos++) {
    unsigned need = pri_bulk_need(b->person_state[pos]);
    if (need)
      b->worst_to_submit = pri_bulk_add_credits(
          b->worst_to_submit, pri_bulk_worst_credits(b, need, 1));
  }
  for (size_t i = 0; i < b->url_count; i++)
    if (b->urls[i].state == URL_TO_SEND)
      b->worst_to_submit = pri_bulk_add_credits(
          b->worst_to_submit, pri_bulk_worst_credits(b, b->urls[i].need, 1));
  b->open_worst = 0;
  for (size_t i = 0; i < b->batch_count; i++) {
    bulk_batch *bb = &b->batches[i];
    if (bb->worst) {
      bb->worst = pri_bulk_worst_credits(b, bb->types, bb->count);
      b->open_worst = pri_bulk_add_credits(b->open_worst, bb->worst);
    }
  }
  int64_t uncertain = pri_store_uncertain_worst(b->store, b->o.prices);
  if (uncertain >= 0)
    b->prior_uncertain_worst = uncertain;
}

void pri_bulk_read_account(pubrio_bulk *b) {
  if (!b->o.read_account || b->account_read)
    return;
  b->account_read = 1;
  int64_t profile = b->o.has_profile_id ? b->o.profile_id : -1;
  int64_t now = pri_clock_now(&b->client->clock);
  int64_t deadline = pri_wait_deadline(&b->o.wait, now);
  int had_prices = b->o.has_prices;
  /* Both count in the windows known before them (the minute, the --rate
   * ones: a server's minute window counts them); the quotas the usage read
   * answers count them in apply_usage(). */
  int64_t now_ms = pri_clock_now(&b->client->clock);
  pri_pacer_record(&b->pacer, now_ms);
  pri_pacer_record(&b->pacer, now_ms);
  account_read r[2];
  memset(r, 0, sizeof r);
  read_begin(b, &r[0], "/profile/usage", pri_json_parse_usage, profile,
             deadline);
  read_begin(b, &r[1], "/profile", pri_json_parse_profile, profile, deadline);
  read_both(b, r, 2);
  read_end(b, &r[0]);
  read_end(b, &r[1]);
  apply_usage(b, r[0].status, r[0].out, &r[0].err);
  apply_profile(b, r[1].status, r[1].out, &r[1].err);
  pubrio_usage_free(r[0].out);
  pubrio_profile_free(r[1].out);
  pubrio_error_clear(&r[0].err);
  pubrio_error_clear(&r[1].err);
  if (!had_prices && b->o.has_prices)
    reprice(b);
}

pubrio_status pubrio_bulk_read_account(pubrio_bulk *b, pubrio_error *err) {
  if (!b)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "bulk is NULL");
  pri_bulk_read_account(b);
  return PUBRIO_OK;
}
