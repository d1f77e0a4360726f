/* What a bulk run learns from the account before its first request: the
 * plan's quotas and what is left of them (POST /profile/usage) join the
 * rate budget, the per-type prices and the balance (POST /profile) price
 * the credit budget. Both calls are free; a failure is logged and the run
 * goes on with what it was given (a --rate, a --price, 1 a contact). */
#include "bulk.h"

#include "account.h"
#include "error.h"
#include "log.h"

#include <stdio.h>

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

static void read_usage(pubrio_bulk *b, int64_t profile, int64_t deadline) {
  pubrio_usage *u = NULL;
  pubrio_error err = {0};
  pubrio_status st =
      pri_account_usage_fetch(b->client, profile, deadline, NULL, &u, &err);
  /* The usage read counts in the windows known before it (the minute, the
   * --rate ones: a server's minute window counts it, and one uncounted
   * read let a 10,000-row run at 600 a minute meet a 429); the quotas it
   * answers have counted it already. */
  pri_pacer_record(&b->pacer, pri_clock_now(&b->client->clock));
  if (st == PUBRIO_OK) {
    int64_t now = pri_clock_now(&b->client->clock);
    add_quota(b, u->hourly_allowed, u->hourly_used, INT64_C(3600000),
              "hourly quota", now);
    add_quota(b, u->daily_allowed, u->daily_used, INT64_C(86400000),
              "daily quota", now);
    add_quota(b, u->monthly_allowed, u->monthly_used, INT64_C(2678400000),
              "monthly quota", now);
  } else {
    pri_log(b->client, PUBRIO_LOG_WARN,
            "the account's quotas could not be read (%s): the run paces "
            "itself by its own rates and slows down on a 429",
            err.message ? err.message : "no details");
  }
  pubrio_usage_free(u);
  pubrio_error_clear(&err);
}

static void read_profile(pubrio_bulk *b, int64_t profile, int64_t deadline) {
  pubrio_profile *p = NULL;
  pubrio_error err = {0};
  if (pri_account_profile_fetch(b->client, profile, deadline, NULL, &p, &err) ==
      PUBRIO_OK) {
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
            err.message ? err.message : "no details",
            b->o.has_prices ? "the prices given are used"
                            : "1 credit a contact is counted");
  }
  pubrio_profile_free(p);
  pubrio_error_clear(&err);
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
  /* The run's own reads, before it has a transfer of its own. */
  int had_prices = b->o.has_prices;
  b->client->bulk_reading = 1;
  read_usage(b, profile, deadline);
  read_profile(b, profile, deadline);
  b->client->bulk_reading = 0;
  /* The profile read counts in the rate budget, quotas and minute. */
  pri_pacer_record(&b->pacer, pri_clock_now(&b->client->clock));
  if (!had_prices && b->o.has_prices)
    reprice(b);
}

pubrio_status pubrio_bulk_read_account(pubrio_bulk *b, pubrio_error *err) {
  if (!b)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "bulk is NULL");
  pri_bulk_read_account(b);
  return PUBRIO_OK;
}
