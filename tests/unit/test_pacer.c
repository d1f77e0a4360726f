/* The pacer and rate texts: pure logic of an injected clock, no sleeping.
 * Runs are simulated request by request and checked by brute force against
 * the server windows they must never overfill. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pacer.h"
#include "pubrio/pubrio.h"
#include "rate.h"

enum { MIN = 60000, HOUR = 3600000, DAY = 86400000 };

/* ---- helpers ---- */

/* A small deterministic generator, so a failing run can be replayed. */
static uint32_t rng_state = 12345;
static uint32_t rng(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return rng_state >> 8;
}

typedef struct starts {
  int64_t *at;
  size_t count, cap;
} starts;

static void starts_add(starts *s, int64_t t) {
  if (s->count == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 1024;
    s->at = realloc(s->at, s->cap * sizeof *s->at);
    assert_non_null(s->at);
  }
  s->at[s->count++] = t;
}

/* The most starts in any [a, a + window) over every a (sorted starts). */
static int64_t max_in_any_span(const starts *s, int64_t window) {
  int64_t best = 0;
  size_t lo = 0;
  for (size_t hi = 0; hi < s->count; hi++) {
    while (s->at[lo] + window <= s->at[hi])
      lo++;
    if ((int64_t)(hi - lo + 1) > best)
      best = (int64_t)(hi - lo + 1);
  }
  return best;
}

/* First index whose start is >= t. */
static size_t lower_bound(const starts *s, int64_t t) {
  size_t lo = 0, hi = s->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->at[mid] < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The most starts in one fixed window [phase + k*window, ...) over every
 * phase, millisecond by millisecond (phases step @p step). */
static int64_t max_in_fixed_windows(const starts *s, int64_t window,
                                    int64_t step) {
  int64_t best = 0;
  int64_t last = s->at[s->count - 1];
  for (int64_t phase = 0; phase < window; phase += step) {
    for (int64_t from = phase - window; from <= last; from += window) {
      int64_t n =
          (int64_t)(lower_bound(s, from + window) - lower_bound(s, from));
      if (n > best)
        best = n;
    }
  }
  return best;
}

/* Start @p n requests as soon as the pacer lets them, from *@p now. */
static void send_greedy(pri_pacer *p, int64_t *now, int n, starts *log) {
  for (int i = 0; i < n; i++) {
    *now += pri_pacer_wait_ms(p, *now);
    assert_int_equal(pri_pacer_wait_ms(p, *now), 0);
    pri_pacer_record(p, *now);
    if (log)
      starts_add(log, *now);
  }
}

/* ---- sliding windows ---- */

static void sliding_keeps_any_minute_under_limit(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_wait_ms(&p, 0), 0); /* off */
  assert_int_equal(pri_pacer_set_limit(&p, 3), 0);
  int64_t t = 1000;
  for (int i = 0; i < 3; i++) {
    assert_int_equal(pri_pacer_wait_ms(&p, t), 0);
    pri_pacer_record(&p, t);
    t += 10;
  }
  /* Fourth must wait until the first is a minute old. */
  assert_int_equal(pri_pacer_wait_ms(&p, t), 1000 + 60000 - t);
  t = 61000;
  assert_int_equal(pri_pacer_wait_ms(&p, t), 0);
  pri_pacer_record(&p, t);
  /* Now the oldest of the last three is 1010. */
  assert_int_equal(pri_pacer_wait_ms(&p, t), 10);
  /* Recorded past the limit (a caller that could not wait): the wait runs
   * from the third latest start. */
  for (int i = 0; i < 5; i++)
    pri_pacer_record(&p, 200000 + i);
  assert_int_equal(pri_pacer_wait_ms(&p, 200004), 60000 - 2);
  assert_int_equal(p.windows[0].len, 3);
  pri_pacer_free(&p);
}

static void set_limit_replaces_everything(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_add_window(&p, 5, 1000, "a"), 0);
  assert_int_equal(pri_pacer_add_window(&p, 7, 2000, "b"), 1);
  pri_pacer_record(&p, 0);
  pri_pacer_on_rate_limited(&p, 0, -1, 10);
  assert_true(pri_pacer_wait_ms(&p, 10) > 0);
  assert_int_equal(pri_pacer_set_limit(&p, 2), 0);
  assert_int_equal(p.count, 1);
  assert_int_equal(p.windows[0].limit, 2);
  assert_int_equal(p.windows[0].window_ms, MIN);
  assert_int_equal(pri_pacer_wait_ms(&p, 10), 0); /* the 429 forgotten too */
  assert_int_equal(pri_pacer_set_limit(&p, 0), 0);
  assert_int_equal(p.count, 0);
  for (int i = 0; i < 1000; i++)
    pri_pacer_record(&p, 20);
  assert_int_equal(pri_pacer_wait_ms(&p, 20), 0);
  pri_pacer_free(&p);
  pri_pacer_free(&p); /* twice is fine */
}

static void bad_windows_are_refused(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_add_window(&p, 0, 1000, "x"), -1);
  assert_int_equal(pri_pacer_add_window(&p, -1, 1000, "x"), -1);
  assert_int_equal(pri_pacer_add_window(&p, 1, 0, "x"), -1);
  assert_int_equal(pri_pacer_add_window(&p, PRI_PACER_LIMIT_MAX + 1, 1000, "x"),
                   -1);
  assert_int_equal(
      pri_pacer_add_window(&p, 1, PRI_PACER_WINDOW_MAX_MS + 1, "x"), -1);
  assert_int_equal(p.count, 0);
  assert_int_equal(pri_pacer_set_usage(&p, 0, 1, -1, 0), -1);
  assert_int_equal(pri_pacer_add_window(&p, 1, 1000, NULL), 0);
  assert_string_equal(p.windows[0].name, "");
  assert_int_equal(pri_pacer_set_usage(&p, 0, -1, -1, 0), -1);
  assert_int_equal(pri_pacer_set_usage(&p, 1, 0, -1, 0), -1);
  assert_int_equal(pri_pacer_used(&p, 1, 0), -1);
  /* A long name is cut on a character boundary: 30 two-byte characters. */
  char name[61] = "";
  for (int i = 0; i < 30; i++)
    strcat(name, "\xc3\xa9");
  assert_int_equal(pri_pacer_add_window(&p, 1, 1000, name), 1);
  assert_int_equal(strlen(p.windows[1].name), 46);
  assert_memory_equal(p.windows[1].name, name, 46);
  pri_pacer_free(&p);
}

/* ---- fixed windows and quotas ---- */

static void hour_quota_allows_60_then_waits_for_its_boundary(void **state) {
  (void)state;
  /* A known end: 60 an hour, the hour ending 30 min from now. */
  pri_pacer p = {0};
  int64_t now = 5 * HOUR + 30 * MIN;
  int q = pri_pacer_add_window(&p, 60, HOUR, "hourly quota");
  assert_int_equal(pri_pacer_set_usage(&p, (size_t)q, 0, 30 * MIN, now), 0);
  int64_t end = 6 * HOUR;
  for (int i = 0; i < 60; i++) {
    assert_int_equal(pri_pacer_wait_ms(&p, now), 0);
    pri_pacer_record(&p, now);
    now += 1000;
  }
  assert_int_equal(pri_pacer_wait_ms(&p, now), end - now);
  assert_int_equal(pri_pacer_wait_ms(&p, end - 1), 1);
  assert_int_equal(pri_pacer_wait_ms(&p, end), 0);
  now = end;
  send_greedy(&p, &now, 60, NULL);
  assert_int_equal(now, end); /* all 60 at once in the new hour */
  assert_int_equal(pri_pacer_wait_ms(&p, now), HOUR);
  pri_pacer_free(&p);

  /* Sliding (phase unknown): 60, then the first must be an hour old. */
  pri_pacer s = {0};
  assert_int_equal(pri_pacer_add_window(&s, 60, HOUR, "60/h"), 0);
  for (int i = 0; i < 60; i++) {
    assert_int_equal(pri_pacer_wait_ms(&s, i * 1000), 0);
    pri_pacer_record(&s, i * 1000);
  }
  assert_int_equal(pri_pacer_wait_ms(&s, 60000), HOUR - 60000);
  assert_int_equal(pri_pacer_wait_ms(&s, HOUR), 0);
  pri_pacer_free(&s);
}

static void fixed_window_resets_exactly_at_its_boundary(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_add_window(&p, 10, 1000, "q"), 0);
  assert_int_equal(pri_pacer_set_usage(&p, 0, 0, 1000, 0), 0);
  for (int i = 0; i < 9; i++)
    pri_pacer_record(&p, i);
  assert_int_equal(pri_pacer_used(&p, 0, 998), 9);
  assert_int_equal(pri_pacer_wait_ms(&p, 999), 0);
  pri_pacer_record(&p, 999); /* the last of the old window */
  assert_int_equal(pri_pacer_used(&p, 0, 999), 10);
  assert_int_equal(pri_pacer_wait_ms(&p, 999), 1);
  /* At the boundary: nothing of the old window counts any more. */
  assert_int_equal(pri_pacer_used(&p, 0, 1000), 0);
  assert_int_equal(pri_pacer_wait_ms(&p, 1000), 0);
  pri_pacer_record(&p, 1000);
  assert_int_equal(pri_pacer_used(&p, 0, 1000), 1);
  /* None lost: exactly 9 more fit in [1000, 2000). */
  for (int i = 0; i < 9; i++) {
    assert_int_equal(pri_pacer_wait_ms(&p, 1500), 0);
    pri_pacer_record(&p, 1500);
  }
  assert_int_equal(pri_pacer_used(&p, 0, 1999), 10);
  assert_int_equal(pri_pacer_wait_ms(&p, 1500), 500);
  /* Idle for several periods: the window rolls in whole periods. */
  assert_int_equal(pri_pacer_used(&p, 0, 5500), 0);
  pri_pacer_record(&p, 5500);
  assert_int_equal(pri_pacer_used(&p, 0, 5999), 1);
  assert_int_equal(pri_pacer_used(&p, 0, 6000), 0);
  for (int i = 0; i < 9; i++)
    pri_pacer_record(&p, 5999);
  assert_int_equal(pri_pacer_wait_ms(&p, 5999), 1);
  assert_int_equal(pri_pacer_wait_ms(&p, 6000), 0);
  pri_pacer_free(&p);
}

static void hour_and_day_quotas_over_days(void **state) {
  (void)state;
  /* The clock is wall time here, so boundaries are at whole hours and
   * midnights; the pacer learns only "ends in". */
  pri_pacer p = {0};
  int64_t now = 3LL * DAY + 7 * HOUR + 15 * MIN + 1234;
  int h = pri_pacer_add_window(&p, 60, HOUR, "hourly quota");
  int d = pri_pacer_add_window(&p, 1440, DAY, "daily quota");
  assert_int_equal(
      pri_pacer_set_usage(&p, (size_t)h, 20, HOUR - now % HOUR, now), 0);
  assert_int_equal(
      pri_pacer_set_usage(&p, (size_t)d, 1390, DAY - now % DAY, now), 0);
  send_greedy(&p, &now, 40, NULL);
  pri_pacer_hold hold = pri_pacer_next(&p, now);
  assert_int_equal(hold.by, PRI_PACER_WINDOW);
  assert_int_equal(hold.window, (size_t)h);
  assert_int_equal(hold.wait_ms, 8 * HOUR - now % DAY);
  /* The next hour has room, the day 10 more: then it holds till midnight. */
  now += hold.wait_ms;
  assert_int_equal(now, 3LL * DAY + 8 * HOUR);
  send_greedy(&p, &now, 10, NULL);
  assert_int_equal(now, 3LL * DAY + 8 * HOUR);
  assert_int_equal(pri_pacer_used(&p, (size_t)h, now), 10);
  assert_int_equal(pri_pacer_used(&p, (size_t)d, now), 1440);
  hold = pri_pacer_next(&p, now);
  assert_int_equal(hold.window, (size_t)d);
  assert_int_equal(hold.wait_ms, 4LL * DAY - now);
  /* Two days and a half later: both rolled, aligned as they were. */
  now = 6LL * DAY + 13 * HOUR + 42 * MIN;
  assert_int_equal(pri_pacer_used(&p, (size_t)h, now), 0);
  assert_int_equal(pri_pacer_used(&p, (size_t)d, now), 0);
  send_greedy(&p, &now, 60, NULL);
  assert_int_equal(now, 6LL * DAY + 13 * HOUR + 42 * MIN);
  hold = pri_pacer_next(&p, now);
  assert_int_equal(hold.window, (size_t)h);
  assert_int_equal(hold.wait_ms, 18 * MIN);
  /* A day of greedy sending from there: 60 an hour until the daily 1,440
   * are used, then nothing until midnight. */
  starts log = {0};
  int64_t midnight = 7LL * DAY;
  while (now < midnight) {
    now += pri_pacer_wait_ms(&p, now);
    if (now >= midnight)
      break;
    pri_pacer_record(&p, now);
    starts_add(&log, now);
  }
  /* 10 h 18 min left in the day: 10 more full hours after this one. */
  assert_int_equal(log.count, 10 * 60);
  assert_int_equal(log.at[0], 6LL * DAY + 14 * HOUR);
  assert_int_equal(pri_pacer_used(&p, (size_t)d, midnight - 1), 660);
  assert_int_equal(pri_pacer_used(&p, (size_t)d, midnight), 0);
  assert_int_equal(max_in_fixed_windows(&log, HOUR, HOUR), 60);
  free(log.at);
  pri_pacer_free(&p);
}

/* When a window has room for n starts at once: a sliding window frees its
 * oldest starts first, a fixed one everything at its end. */
static void room_for_n_starts(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_add_window(&p, 4, HOUR, "sliding"), 0);
  pri_pacer_record(&p, 0);
  pri_pacer_record(&p, 1000);
  pri_pacer_record(&p, 2000);
  assert_int_equal(pri_pacer_room_in_ms(&p, 0, 1, 2000), 0);
  assert_int_equal(pri_pacer_room_in_ms(&p, 0, 2, 2000), HOUR - 2000);
  assert_int_equal(pri_pacer_room_in_ms(&p, 0, 3, 2000), HOUR + 1000 - 2000);
  assert_int_equal(pri_pacer_room_in_ms(&p, 0, 9, 2000), HOUR + 2000 - 2000);
  assert_int_equal(pri_pacer_add_window(&p, 10, HOUR, "fixed"), 1);
  assert_int_equal(pri_pacer_set_usage(&p, 1, 8, 5000, 2000), 0);
  assert_int_equal(pri_pacer_room_in_ms(&p, 1, 2, 2000), 0);
  assert_int_equal(pri_pacer_room_in_ms(&p, 1, 3, 2000), 5000);
  assert_int_equal(pri_pacer_room_in_ms(&p, 2, 1, 2000), -1);
  pri_pacer_free(&p);
}

/* A quota counted past its limit (the client's own reads on top of what
 * the server reported) is said to be full, not "16 of 15 used". */
static void an_overcounted_quota_reads_full(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_add_window(&p, 15, HOUR, "hourly quota"), 0);
  assert_int_equal(pri_pacer_set_usage(&p, 0, 15, -1, 0), 0);
  pri_pacer_record(&p, 0);
  char text[160];
  pri_pacer_describe(&p, 0, text, sizeof text);
  assert_string_equal(text,
                      "hourly quota: 15 of 15 used; next request in 60 min");
  pri_pacer_free(&p);
}

static void several_windows_name_the_tighter(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_add_window(&p, 300, MIN, "minute limit"), 0);
  assert_int_equal(pri_pacer_add_window(&p, 2400, HOUR, "hourly quota"), 1);
  int64_t now = 0;
  send_greedy(&p, &now, 300, NULL);
  pri_pacer_hold hold = pri_pacer_next(&p, now);
  assert_int_equal(hold.by, PRI_PACER_WINDOW);
  assert_int_equal(hold.window, 0);
  assert_int_equal(hold.wait_ms, MIN);
  char text[160];
  pri_pacer_describe(&p, now, text, sizeof text);
  assert_string_equal(text,
                      "minute limit: 300 of 300 used; next request in 1 min");
  /* 2,400 go in eight bursts of 300, a minute apart; then the hour holds.
   * (The hourly window counts its starts in 7,032 ms buckets, so its wait
   * can be later than the exact one by less than a bucket.) */
  send_greedy(&p, &now, 2100, NULL);
  assert_int_equal(now, 7 * MIN);
  hold = pri_pacer_next(&p, now);
  assert_int_equal(hold.window, 1);
  assert_true(hold.wait_ms >= HOUR - 7 * MIN);
  assert_true(hold.wait_ms < HOUR - 7 * MIN + p.windows[1].bucket_ms);
  pri_pacer_describe(&p, now, text, sizeof text);
  assert_string_equal(
      text, "hourly quota: 2,400 of 2,400 used; next request in 53 min");
  /* Before the hour is up, the minute window is free, the hour is not. */
  assert_int_equal(pri_pacer_next(&p, now + 30 * MIN).window, 1);
  pri_pacer_free(&p);
}

static void full_usage_waits_until_the_window_ends(void **state) {
  (void)state;
  pri_pacer p = {0};
  int64_t now = 1000000;
  assert_int_equal(pri_pacer_add_window(&p, 2400, HOUR, "hourly quota"), 0);
  assert_int_equal(pri_pacer_add_window(&p, 300, MIN, "minute limit"), 1);
  /* Known end: 40.5 minutes away. */
  assert_int_equal(pri_pacer_set_usage(&p, 0, 2400, 40 * MIN + 30000, now), 0);
  assert_int_equal(pri_pacer_wait_ms(&p, now), 40 * MIN + 30000);
  char text[160];
  pri_pacer_describe(&p, now, text, sizeof text);
  assert_string_equal(
      text, "hourly quota: 2,400 of 2,400 used; next request in 41 min");
  assert_int_equal(pri_pacer_wait_ms(&p, now + 40 * MIN + 30000), 0);
  /* Over the limit (others share the key): the same. */
  assert_int_equal(pri_pacer_set_usage(&p, 0, 2500, 5000, now), 0);
  assert_int_equal(pri_pacer_wait_ms(&p, now), 5000);
  /* An end past a window is clamped to a window. */
  assert_int_equal(pri_pacer_set_usage(&p, 0, 2400, 5 * HOUR, now), 0);
  assert_int_equal(pri_pacer_wait_ms(&p, now), HOUR);
  /* Unknown end: assumed to be a whole window away. */
  assert_int_equal(pri_pacer_set_usage(&p, 0, 2400, -1, now), 0);
  assert_int_equal(pri_pacer_wait_ms(&p, now), HOUR);
  assert_int_equal(pri_pacer_wait_ms(&p, now + HOUR - 1), 1);
  assert_int_equal(pri_pacer_wait_ms(&p, now + HOUR), 0);
  /* Unknown end, part used: the rest go, then a whole window's wait. */
  assert_int_equal(pri_pacer_set_usage(&p, 0, 2390, -1, now), 0);
  int64_t t = now;
  send_greedy(&p, &t, 10, NULL);
  assert_int_equal(t, now);
  assert_int_equal(pri_pacer_wait_ms(&p, t), HOUR);
  pri_pacer_free(&p);
}

/* ---- brute force: no fixed window overfilled ---- */

/* Bursts of up to @p max_burst at random moments, waiting when told: the starts
 * of a busy, bursty run of @p duration. */
static void bursty_run(pri_pacer *p, int64_t duration, int max_burst,
                       int64_t max_pause, starts *log) {
  int64_t now = 0;
  while (now < duration) {
    int burst = 1 + (int)(rng() % (uint32_t)max_burst);
    for (int i = 0; i < burst && now < duration; i++) {
      int64_t wait = pri_pacer_wait_ms(p, now);
      if (wait) {
        /* Sometimes wait exactly, sometimes a little longer. */
        now += wait + (rng() % 3 == 0 ? (int64_t)(rng() % 500) : 0);
        continue;
      }
      pri_pacer_record(p, now);
      starts_add(log, now);
      now += rng() % 4 == 0 ? (int64_t)(rng() % 50) : 0;
    }
    now += (int64_t)(rng() % (uint32_t)max_pause);
  }
}

static void sliding_window_never_overfills_any_fixed_window(void **state) {
  (void)state;
  rng_state = 7;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_set_limit(&p, 300), 0);
  starts log = {0};
  bursty_run(&p, 20 * MIN, 60, 3000, &log);
  assert_true(log.count > 4000); /* busy: the limit was reached over and over */
  assert_int_equal(max_in_any_span(&log, MIN), 300);
  /* Every fixed 60 s window, aligned at every millisecond. */
  assert_int_equal(max_in_fixed_windows(&log, MIN, 1), 300);
  free(log.at);
  pri_pacer_free(&p);

  /* Above PRI_PACER_EXACT the window counts in buckets: still never over. */
  pri_pacer b = {0};
  assert_int_equal(pri_pacer_add_window(&b, 1000, 10000, "1000/10s"), 0);
  assert_true(b.windows[0].bucket_ms > 0);
  starts blog = {0};
  bursty_run(&b, 5 * MIN, 600, 1000, &blog);
  assert_true(max_in_any_span(&blog, 10000) > 950);
  assert_true(max_in_any_span(&blog, 10000) <= 1000);
  assert_true(max_in_fixed_windows(&blog, 10000, 1) <= 1000);
  free(blog.at);
  pri_pacer_free(&b);
}

/* A server's fixed window of @p limit per @p window at @p phase, already
 * holding @p used at time @p t0 (the report's time). Sends for @p duration
 * with the pacer told (used, end known or not): greedily (as soon as
 * allowed) or, when @p bursty, in bursts at random moments. How many the
 * server refused, and through *@p sent how many it took. */
static int server_refusals(int64_t limit, int64_t window, int64_t phase,
                           int64_t used, int64_t t0, int64_t duration,
                           int known_end, int bursty, long *sent) {
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_add_window(&p, limit, window, "quota"), 0);
  int64_t start_of = t0 - ((t0 - phase) % window + window) % window;
  assert_int_equal(pri_pacer_set_usage(&p, 0, used,
                                       known_end ? start_of + window - t0 : -1,
                                       t0),
                   0);
  int64_t now = t0, cur = start_of, count = used;
  int refused = 0, want = 0;
  *sent = 0;
  while (now < t0 + duration) {
    if (bursty && want == 0) {
      now += (int64_t)(rng() % (uint32_t)(2 * window));
      want = 1 + (int)(rng() % (uint32_t)(2 * limit));
    }
    now += pri_pacer_wait_ms(&p, now);
    if (now >= t0 + duration)
      break;
    pri_pacer_record(&p, now);
    while (now >= cur + window) {
      cur += window;
      count = 0;
    }
    if (count >= limit)
      refused++;
    else
      count++;
    ++*sent;
    if (want)
      want--;
    now += (int64_t)(rng() % 3); /* some at once, some a little apart */
  }
  pri_pacer_free(&p);
  return refused;
}

static void quota_of_unknown_phase_is_never_overfilled(void **state) {
  (void)state;
  rng_state = 99;
  /* 15 requests per 10 s, 10 already used when we learn of it, the phase
   * unknown to the pacer: at every phase, greedy or bursty, none refused. */
  for (int64_t phase = 0; phase < 10000; phase += 37) {
    long sent;
    assert_int_equal(
        server_refusals(15, 10000, phase, 10, 123456, 2 * MIN, 0, 0, &sent), 0);
    /* Not by sending nothing: 5 at once, then 15 every 10 s. */
    assert_true(sent >= 5 + 15 * 11);
    assert_int_equal(
        server_refusals(15, 10000, phase, 10, 123456, 10 * MIN, 0, 1, &sent),
        0);
    assert_true(sent > 300);
  }
  /* The same with the end known: none refused, and the full quota used. */
  for (int64_t phase = 0; phase < 10000; phase += 37) {
    long sent;
    assert_int_equal(
        server_refusals(15, 10000, phase, 10, 123456, 2 * MIN, 1, 0, &sent), 0);
    assert_true(sent >= 5 + 15 * 11);
    assert_int_equal(
        server_refusals(15, 10000, phase, 10, 123456, 10 * MIN, 1, 1, &sent),
        0);
  }
}

/* ---- adaptation to 429s ---- */

static void a_429_slows_down_then_recovers(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_set_limit(&p, 300), 0);
  /* A steady 300 a minute (one every 200 ms), then a 429. */
  int64_t now = 0;
  for (int i = 0; i < 50; i++, now += 200)
    pri_pacer_record(&p, now);
  pri_pacer_on_rate_limited(&p, now - 200, -1, now);
  pri_pacer_hold hold = pri_pacer_next(&p, now);
  assert_int_equal(hold.by, PRI_PACER_BACKOFF);
  assert_int_equal(hold.wait_ms, PRI_PACER_BACKOFF_FIRST_MS);
  assert_true(p.learned > 299.9 && p.learned < 300.1);
  assert_true(p.pace > 149.9 && p.pace < 150.1);
  assert_int_equal(p.gap_ms, 400);
  char text[160];
  pri_pacer_describe(&p, now, text, sizeof text);
  assert_string_equal(text, "1 429 answer in a row; next request in 1 s");
  /* After the hold, requests go evenly at the slower pace. */
  now += 1000;
  assert_int_equal(pri_pacer_wait_ms(&p, now), 0);
  pri_pacer_record(&p, now);
  hold = pri_pacer_next(&p, now);
  assert_int_equal(hold.by, PRI_PACER_PACE);
  assert_int_equal(hold.wait_ms, 400);
  pri_pacer_describe(&p, now, text, sizeof text);
  assert_string_equal(
      text, "slowed to 150.0 requests a minute after a 429; next request in "
            "400 ms");
  /* Each success climbs; the pace never drops; back to the windows alone
   * (gap 0) after the quick part and the careful part. */
  int successes = 0;
  double last = p.pace;
  while (p.gap_ms) {
    now += pri_pacer_wait_ms(&p, now);
    pri_pacer_record(&p, now);
    pri_pacer_on_success(&p, now, now + 100);
    successes++;
    assert_true(p.pace == 0 || p.pace >= last);
    last = p.pace;
    assert_true(successes < 100);
  }
  assert_int_equal(successes, 6 + 32);
  assert_int_equal(p.strikes, 0);
  /* Recovered: the minute window is all that paces. */
  pri_pacer q = {0};
  assert_int_equal(pri_pacer_set_limit(&q, 300), 0);
  for (int i = 0; i < 300; i++) {
    now += pri_pacer_wait_ms(&p, now);
    assert_int_equal(pri_pacer_wait_ms(&q, now), 0);
    pri_pacer_record(&p, now);
    pri_pacer_record(&q, now);
  }
  /* 300 in a minute again, at the windows' own pace (bursts allowed). */
  assert_int_equal(pri_pacer_wait_ms(&p, now), pri_pacer_wait_ms(&q, now));
  pri_pacer_free(&q);
  pri_pacer_free(&p);
}

static void delays_grow_on_429s_in_a_row_and_are_capped(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_set_limit(&p, 300), 0);
  int64_t now = 0;
  pri_pacer_record(&p, now);
  const int64_t expected[] = {1000,  2000,  4000,  8000, 16000,
                              32000, 60000, 60000, 60000};
  double pace = 0;
  for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
    /* A probe started when allowed, refused 100 ms later. */
    int64_t started = now;
    now += 100;
    pri_pacer_on_rate_limited(&p, started, -1, now);
    assert_int_equal(p.strikes, (int)i + 1);
    pri_pacer_hold hold = pri_pacer_next(&p, now);
    assert_int_equal(hold.wait_ms, expected[i]);
    assert_true(p.learned > 299.9 && p.learned < 300.1); /* the first's */
    assert_true(i == 0 || p.pace <= pace / 2 + 1e-9 ||
                p.gap_ms == PRI_PACER_GAP_MAX_MS);
    assert_true(p.gap_ms <= PRI_PACER_GAP_MAX_MS);
    pace = p.pace;
    now += hold.wait_ms;
    assert_int_equal(pri_pacer_wait_ms(&p, now), 0);
    pri_pacer_record(&p, now);
  }
  assert_int_equal(p.gap_ms, PRI_PACER_GAP_MAX_MS);
  /* A success ends the run of 429s: the next one starts again at 1 s, and
   * the climb back is quick, since the learned 300 a minute was kept. */
  pri_pacer_on_success(&p, now, now + 100);
  assert_int_equal(p.strikes, 0);
  int successes = 1;
  while (p.gap_ms) {
    now += pri_pacer_wait_ms(&p, now);
    pri_pacer_record(&p, now);
    pri_pacer_on_success(&p, now, now + 100);
    successes++;
  }
  assert_true(successes <= 16 + 32);
  /* A 429 after passes (from `from`) may be a hidden quota: its hold is a
   * probe at the likely length longer than they took, a minute here. */
  int64_t from = p.passes_from;
  now += 1000;
  pri_pacer_record(&p, now);
  pri_pacer_on_rate_limited(&p, now, -1, now + 10);
  assert_true(now - from > 10000 && now - from < 60000);
  assert_int_equal(pri_pacer_wait_ms(&p, now + 10),
                   from + 60000 + 60000 / 64 - now - 10);
  pri_pacer_free(&p);
}

static void refusals_in_flight_slow_down_once(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_set_limit(&p, 300), 0);
  for (int i = 0; i < 8; i++)
    pri_pacer_record(&p, i);
  /* The 8 in flight all come back 429. */
  for (int i = 0; i < 8; i++)
    pri_pacer_on_rate_limited(&p, i, -1, 100 + i);
  assert_int_equal(p.strikes, 1);
  assert_int_equal(pri_pacer_wait_ms(&p, 107), 1000 - 7);
  double pace = p.pace;
  /* A late success of one sent before the slowdown proves nothing. */
  pri_pacer_on_success(&p, 3, 200);
  assert_true(p.pace == pace);
  assert_int_equal(p.strikes, 1);
  /* One sent after it does. */
  pri_pacer_record(&p, 1100);
  pri_pacer_on_success(&p, 1100, 1200);
  assert_true(p.pace > pace);
  assert_int_equal(p.strikes, 0);
  pri_pacer_free(&p);
}

static void retry_after_holds_at_least_that_long(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_set_limit(&p, 300), 0);
  pri_pacer_record(&p, 0);
  pri_pacer_on_rate_limited(&p, 0, 30000, 100);
  assert_int_equal(p.strikes, 1);
  assert_int_equal(pri_pacer_wait_ms(&p, 100), 30000);
  /* An echo (sent before the slowdown) changes no pace, but its
   * Retry-After still holds; a shorter one shortens nothing. */
  double pace = p.pace;
  pri_pacer_on_rate_limited(&p, 0, 45000, 200);
  assert_int_equal(pri_pacer_wait_ms(&p, 200), 45000);
  pri_pacer_on_rate_limited(&p, 0, 5, 300);
  assert_int_equal(pri_pacer_wait_ms(&p, 300), 45000 - 100);
  assert_int_equal(p.strikes, 1);
  assert_true(p.pace == pace);
  /* A success ends the run of 429s; a later echo's Retry-After says so. */
  pri_pacer_record(&p, 50000);
  pri_pacer_on_success(&p, 50000, 50100);
  pri_pacer_on_rate_limited(&p, 0, 2000, 50200);
  char text[160];
  pri_pacer_describe(&p, 50200, text, sizeof text);
  assert_string_equal(text,
                      "a 429 asked to wait (Retry-After); next request in 2 s");
  /* A huge one cannot overflow the clock. */
  pri_pacer_on_rate_limited(&p, 0, INT64_MAX, 50400);
  assert_int_equal(pri_pacer_wait_ms(&p, 50400), PRI_PACER_WINDOW_MAX_MS);
  pri_pacer_free(&p);
}

static void a_slow_run_learns_its_own_rate(void **state) {
  (void)state;
  /* The engine was sending one a second (60 a minute), far below the 300
   * configured: the 429 halves what was really sent. */
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_set_limit(&p, 300), 0);
  int64_t now = 0;
  for (int i = 0; i < 20; i++, now += 1000)
    pri_pacer_record(&p, now);
  pri_pacer_on_rate_limited(&p, now - 1000, -1, now);
  assert_true(p.learned > 59.9 && p.learned < 60.1);
  assert_int_equal(p.gap_ms, 2000);
  pri_pacer_free(&p);
}

/* A server of 15 requests per 10 s the pacer knows nothing of, behind a
 * configured 300 a minute, with @p in_flight requests at a time taking
 * 300 ms each, for 10 minutes: how many it took and refused. */
static void unknown_quota_run(int in_flight, long *ok, long *refused) {
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_set_limit(&p, 300), 0);
  int64_t now = 0, cur = 0, count = 0;
  int64_t flight[64]; /* start times; -1 free */
  int refused_at[64]; /* the server's answer */
  assert_true(in_flight <= 64);
  for (int i = 0; i < in_flight; i++)
    flight[i] = -1;
  *ok = *refused = 0;
  const int64_t duration = 10 * MIN, latency = 300;
  while (now < duration) {
    /* Answers due by now come back. */
    for (int i = 0; i < in_flight; i++) {
      if (flight[i] < 0 || flight[i] + latency > now)
        continue;
      if (refused_at[i])
        pri_pacer_on_rate_limited(&p, flight[i], -1, flight[i] + latency);
      else
        pri_pacer_on_success(&p, flight[i], flight[i] + latency);
      flight[i] = -1;
    }
    int slot = -1;
    for (int i = 0; i < in_flight; i++)
      if (flight[i] < 0)
        slot = i;
    if (slot >= 0 && pri_pacer_wait_ms(&p, now) == 0) {
      pri_pacer_record(&p, now);
      flight[slot] = now;
      /* The server counts a request as it arrives. */
      while (now >= cur + 10000) {
        cur += 10000;
        count = 0;
      }
      refused_at[slot] = count >= 15;
      if (count < 15) {
        count++;
        ++*ok;
      } else {
        ++*refused;
      }
      continue;
    }
    now += 10;
  }
  printf("unknown quota of 15/10s, %d in flight: %ld taken (of 900 at "
         "most), %ld refused in 10 min\n",
         in_flight, *ok, *refused);
  /* The quota was learned: its limit, a window about its length. */
  assert_true(p.learned_window > 0);
  assert_int_equal(p.windows[p.learned_window - 1].limit, 15);
  assert_true(p.windows[p.learned_window - 1].window_ms > 9000);
  assert_true(p.windows[p.learned_window - 1].window_ms < 12000);
  pri_pacer_free(&p);
}

static void adaptation_finds_an_unknown_quota(void **state) {
  (void)state;
  /* Most of the quota used and few 429s, however many are in flight:
   * beyond the first burst (which nothing could know of: 64 in flight
   * against 15 allowed), under 3.3 % refused, once the window is learned
   * (95 % of the quota or more). */
  const int flights[] = {1, 4, 8, 64};
  for (size_t i = 0; i < sizeof flights / sizeof *flights; i++) {
    long ok, refused;
    unknown_quota_run(flights[i], &ok, &refused);
    assert_true(ok >= 840); /* 800 or so before the window was learned */
    assert_true(ok <= 900);
    long first_burst = flights[i] > 15 ? flights[i] - 15 : 0;
    assert_true(refused >= first_burst);
    assert_true((refused - first_burst) * 30 < ok); /* 31 to 33 before */
  }
}

/* A learned quota: 15 passed from 0, reopened at 10 s. A window of 15 in
 * 10 s holds the next ones (the pace the 429s imposed dropped); a 429 it
 * lets through makes it 1/16 longer, its limit kept; bad values learn
 * nothing. */
static void a_quota_learned_holds_its_next_windows(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_set_limit(&p, 300), 0);
  for (int64_t t = 0; t < 15 * 20; t += 20)
    pri_pacer_record(&p, t);
  pri_pacer_on_rate_limited(&p, 300, -1, 600);
  assert_true(p.gap_ms > 0); /* slowed down */
  assert_int_equal(pri_pacer_learn(&p, 0, 0, 10000), -1);
  assert_int_equal(pri_pacer_learn(&p, 15, 10000, 10000), -1);
  assert_int_equal(p.learned_window, 0);
  pri_pacer_record(&p, 10000); /* the request that passed again */
  int at = pri_pacer_learn(&p, 15, 0, 10000);
  assert_int_equal(at, 1);
  assert_int_equal(p.gap_ms, 0);
  assert_int_equal(p.windows[at].limit, 15);
  assert_int_equal(p.windows[at].window_ms, 10000);
  /* 14 more start at once, the 16th waits for the window. */
  int64_t now = 10000;
  for (int i = 0; i < 14; i++) {
    assert_int_equal(pri_pacer_wait_ms(&p, now), 0);
    pri_pacer_record(&p, now);
  }
  assert_int_equal(pri_pacer_wait_ms(&p, now), 10000);
  char text[160];
  pri_pacer_describe(&p, now, text, sizeof text);
  assert_non_null(strstr(text, "a quota learned from 429s: 15 of 15 used"));
  /* Too short after all: longer, the same limit. */
  assert_int_equal(pri_pacer_learn(&p, 3, 0, 20000), at);
  assert_int_equal(p.windows[at].limit, 15);
  assert_int_equal(p.windows[at].window_ms, 10000 + 10000 / 16 + 1);
  pri_pacer_free(&p);
}

/* A hidden 15 per 10 s quota, met by a burst at 0: 15 pass, the 16th is
 * refused. The holds are probes from where the passes began (1 s, then
 * 10 s, each 1/64 late), not 1, 2, 4, 8 s from the refusal: the reopening
 * is found with two 429s, 156 ms late, and learned as a window of 15 in
 * that length, which holds the next window without a 429. */
static void a_hidden_quota_is_found_with_two_429s(void **state) {
  (void)state;
  assert_int_equal(pri_pacer_probe_at(0, 140, 100), 1015);
  assert_int_equal(pri_pacer_probe_at(0, 140, 1015), 10156);
  assert_int_equal(pri_pacer_probe_at(0, 1000, 1001), 10156); /* 1 s < span */
  assert_int_equal(pri_pacer_probe_at(5000, 140, 15100), 15156);
  assert_int_equal(pri_pacer_probe_at(0, 140, 20000), 60937);
  assert_int_equal(pri_pacer_probe_at(0, 140, 61000), -1);
  assert_int_equal(pri_pacer_probe_at(0, 60000, 60100), -1); /* longer */
  assert_int_equal(pri_pacer_probe_at(0, 140, 100000 - 60000 + 1),
                   60937); /* within the cap */
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_set_limit(&p, 300), 0);
  int64_t now = 0;
  for (int i = 0; i < 15; i++, now += 10) { /* 10 ms each, in turn */
    pri_pacer_record(&p, now);
    pri_pacer_on_success(&p, now, now + 10);
  }
  int refused = 0;
  for (;;) { /* one at a time, as a sequential loop */
    now += pri_pacer_wait_ms(&p, now);
    pri_pacer_record(&p, now);
    if (now < 10000) { /* the server's window: 0 to 10 s */
      pri_pacer_on_rate_limited(&p, now, -1, now + 10);
      refused++;
      assert_true(refused <= 2);
      continue;
    }
    pri_pacer_on_success(&p, now, now + 10);
    break;
  }
  assert_int_equal(refused, 2);
  assert_int_equal(now, 10156); /* was 15150: holds of 1, 2, 4 and 8 s */
  assert_true(p.learned_window > 0);
  const pri_pacer_window *w = &p.windows[p.learned_window - 1];
  assert_int_equal(w->limit, 15);
  assert_int_equal(w->window_ms, 10156);
  assert_int_equal(p.gap_ms, 0); /* no pace: the window explains it */
  /* 14 more go at once, the next window waits for the learned one. */
  for (int i = 0; i < 14; i++) {
    now += 10;
    assert_int_equal(pri_pacer_wait_ms(&p, now), 0);
    pri_pacer_record(&p, now);
    pri_pacer_on_success(&p, now, now + 10);
  }
  pri_pacer_hold hold = pri_pacer_next(&p, now);
  assert_int_equal(hold.by, PRI_PACER_WINDOW);
  assert_true(now + hold.wait_ms > 20000); /* the server's next window */
  assert_true(now + hold.wait_ms < 20400);
  pri_pacer_free(&p);
}

/* The in-flight target, from latencies (Little's law, in flight = rate x
 * latency), on the injected clock: 8 before any answer; at 1 s a request
 * under 300 a minute with the window empty, the room the window has within
 * one latency (all of it: 64, the cap); once the window is spent, what
 * leaves it within one latency; a quick server needs few; a hidden quota
 * learned bounds it by its room; the pace 429s imposed bounds it too. */
static void in_flight_follows_latency_and_the_budget(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_set_limit(&p, 300), 0);
  assert_int_equal(pri_pacer_in_flight(&p, 0, 64), PRI_PACER_IN_FLIGHT_FIRST);
  assert_int_equal(pri_pacer_in_flight(&p, 0, 4), 4);
  /* Answers after 1 s: the whole minute's room fits in one latency. */
  for (int i = 0; i < 8; i++) {
    pri_pacer_record(&p, i);
    pri_pacer_note_latency(&p, 1000);
  }
  pri_pacer_note_latency(&p, -5); /* a clock gone back: ignored */
  assert_true(p.avg_latency_ms > 999.0 && p.avg_latency_ms < 1001.0);
  assert_int_equal(pri_pacer_in_flight(&p, 1008, 64), 64);
  assert_int_equal(pri_pacer_in_flight(&p, 1008, 16), 16);
  /* The minute spent (300 starts by 1.3 s): nothing leaves it within the
   * next second, so one; at the minute's turn, the starts that leave it
   * within one latency. */
  for (int i = 8; i < 300; i++)
    pri_pacer_record(&p, 1008 + i);
  assert_int_equal(pri_pacer_in_flight(&p, 1400, 64), 1);
  assert_int_equal(pri_pacer_in_flight(&p, 60000, 64), 8); /* 0..7 ms */
  /* A quick server: 5 ms answers need one in flight at 100 a second. */
  for (int i = 0; i < 128; i++) /* the average forgets the 1 s ones */
    pri_pacer_note_latency(&p, 5);
  assert_true(p.avg_latency_ms < 6.0);
  assert_int_equal(pri_pacer_in_flight(&p, 200000, 64), 1);
  /* 100 ms: 100 a second x 0.1 s = 10. */
  for (int i = 0; i < 128; i++)
    pri_pacer_note_latency(&p, 100);
  assert_int_equal(pri_pacer_in_flight(&p, 300000, 64), 10);
  /* A quota of 15 in 10 s learned, 12 used: 3 more within the latency. */
  int64_t now = 400000;
  for (int i = 0; i < 12; i++)
    pri_pacer_record(&p, now);
  assert_int_equal(pri_pacer_learn(&p, 15, now - 10000, now), 1);
  assert_int_equal(pri_pacer_in_flight(&p, now, 64), 3);
  /* A pace of one a second after 429s: 0.1 s / 1 s, rounded up: 1. */
  pri_pacer q = {0};
  for (int i = 0; i < 8; i++)
    pri_pacer_note_latency(&q, 100);
  q.gap_ms = 1000;
  assert_int_equal(pri_pacer_in_flight(&q, 0, 64), 1);
  q.gap_ms = 25;
  assert_int_equal(pri_pacer_in_flight(&q, 0, 64), 4);
  /* Nothing configured: only the latency and the unpaced rate. */
  q.gap_ms = 0;
  assert_int_equal(pri_pacer_in_flight(&q, 0, 64), 10);
  assert_int_equal(pri_pacer_in_flight(&q, 0, 0), 1);
  pri_pacer_free(&q);
  pri_pacer_free(&p);
}

/* ---- cost ---- */

static long allocations;
static void *counting_malloc(size_t n) {
  allocations++;
  return malloc(n);
}
static void *counting_realloc(void *ptr, size_t n) {
  allocations++;
  return realloc(ptr, n);
}

static void memory_stays_small_with_a_million_a_day(void **state) {
  (void)state;
  assert_int_equal(
      pubrio_set_allocator(counting_malloc, counting_realloc, free), PUBRIO_OK);
  pri_pacer p = {0};
  allocations = 0;
  assert_int_equal(pri_pacer_add_window(&p, 1000000, DAY, "daily"), 0);
  assert_true(allocations <= 2);
  assert_true(p.windows[0].cap * sizeof(pri_pacer_run) <= 64);
  /* A day and a half of one request every 60 ms (1.44 million a day). */
  starts log = {0};
  int64_t now = 0;
  size_t most = 0;
  int held = 0;
  while (now < DAY + DAY / 2) {
    int64_t wait = pri_pacer_wait_ms(&p, now);
    if (wait) {
      held = 1;
      now += wait;
      continue;
    }
    pri_pacer_record(&p, now);
    starts_add(&log, now);
    if (p.windows[0].cap > most)
      most = p.windows[0].cap;
    now += 60;
  }
  assert_true(held);
  assert_true(most <= 2 * PRI_PACER_EXACT); /* 16 KB, whatever the limit */
  assert_int_equal(max_in_any_span(&log, DAY), 1000000);
  /* The wait is computed without allocating. */
  allocations = 0;
  for (int i = 0; i < 100000; i++)
    (void)pri_pacer_wait_ms(&p, now + i);
  assert_int_equal(allocations, 0);
  free(log.at);
  pri_pacer_free(&p);
  assert_int_equal(pubrio_set_allocator(NULL, NULL, NULL), PUBRIO_OK);
}

static int fail_after = -1;
static void *failing_malloc(size_t n) {
  return fail_after-- == 0 ? NULL : malloc(n);
}
static void *failing_realloc(void *ptr, size_t n) {
  return fail_after-- == 0 ? NULL : realloc(ptr, n);
}

static void out_of_memory_stays_safe(void **state) {
  (void)state;
  assert_int_equal(pubrio_set_allocator(failing_malloc, failing_realloc, free),
                   PUBRIO_OK);
  pri_pacer p = {0};
  /* Each allocation of add_window failing adds nothing. */
  for (int k = 0; k < 2; k++) {
    fail_after = k;
    assert_int_equal(pri_pacer_add_window(&p, 100, 1000, "x"), -1);
    assert_int_equal(p.count, 0);
  }
  fail_after = -1;
  assert_int_equal(pri_pacer_add_window(&p, 100, 1000, "x"), 0);
  /* The ring cannot grow: the starts join the latest run, kept longer,
   * never let through more. */
  starts log = {0};
  for (int64_t t = 0; t < 5000; t++) {
    fail_after = 0;
    if (pri_pacer_wait_ms(&p, t) == 0) {
      pri_pacer_record(&p, t);
      starts_add(&log, t);
    }
  }
  fail_after = -1;
  assert_int_equal(p.windows[0].cap, 4); /* it never grew */
  assert_true(log.count >= 100);
  assert_true(max_in_any_span(&log, 1000) <= 100);
  free(log.at);
  pri_pacer_free(&p);
  assert_int_equal(pubrio_set_allocator(NULL, NULL, NULL), PUBRIO_OK);
}

/* ---- rate texts ---- */

static void rate_texts_good(void **state) {
  (void)state;
  static const struct {
    const char *text;
    int64_t requests, window_ms;
  } good[] = {
      {"1", 1, MIN},
      {"300", 300, MIN},
      {"300/min", 300, MIN},
      {"300/m", 300, MIN},
      {"15/10s", 15, 10000},
      {"5/sec", 5, 1000},
      {"5/s", 5, 1000},
      {"2400/h", 2400, HOUR},
      {"2400/hour", 2400, HOUR},
      {"1/2h", 1, 2 * HOUR},
      {"57600/day", 57600, DAY},
      {"57600/d", 57600, DAY},
      {"100/90s", 100, 90000},
      {"100/090s", 100, 90000},
      {"7/366d", 7, 366LL * DAY},
      {"1000000000/1s", 1000000000, 1000},
      {"1000000/day", 1000000, DAY},
  };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    int64_t n = -1, w = -1;
    pubrio_error err = {0};
    assert_int_equal(pubrio_rate_parse(good[i].text, &n, &w, &err), PUBRIO_OK);
    assert_int_equal(n, good[i].requests);
    assert_int_equal(w, good[i].window_ms);
    /* Written back, it reads the same. */
    char text[64];
    pri_rate_format(n, w, text, sizeof text);
    int64_t n2 = -1, w2 = -1;
    assert_int_equal(pubrio_rate_parse(text, &n2, &w2, NULL), PUBRIO_OK);
    assert_int_equal(n2, n);
    assert_int_equal(w2, w);
    pubrio_error_clear(&err);
  }
  char text[64];
  pri_rate_format(2400, HOUR, text, sizeof text);
  assert_string_equal(text, "2400/h");
  pri_rate_format(15, 10000, text, sizeof text);
  assert_string_equal(text, "15/10s");
  pri_rate_format(100, 90000, text, sizeof text);
  assert_string_equal(text, "100/90s");
  pri_rate_format(300, 2 * MIN, text, sizeof text);
  assert_string_equal(text, "300/2min");
  pri_rate_format(5, 1500, text, sizeof text);
  assert_string_equal(text, "5/1500ms");
}

static void rate_texts_bad(void **state) {
  (void)state;
  static const char *bad[] = {
      "",
      "0",
      "-5",
      "+5",
      "0/min",
      "5/0s",
      "5/0",
      "5/",
      "5/10",
      "5/min ",
      " 5",
      "5 ",
      "5x",
      "5/mins",
      "5/MIN",
      "5/1.5h",
      "1.5",
      "1000000001",
      "99999999999999999999",
      "5/367d",
      "5/99999999999999999999s",
      "5//min",
      "5/min/h",
      "5/10 s",
      "/min",
      "min",
      "5/-1s",
      "0x10",
      "5/\x1b[31mred",
      "5/s\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int64_t n = -7, w = -7;
    pubrio_error err = {0};
    assert_int_equal(pubrio_rate_parse(bad[i], &n, &w, &err),
                     PUBRIO_E_INVALID_ARGUMENT);
    assert_int_equal(err.status, PUBRIO_E_INVALID_ARGUMENT);
    assert_int_equal(n, -7); /* outputs untouched */
    assert_int_equal(w, -7);
    assert_non_null(err.message);
    if (*bad[i] && !strchr(bad[i], '\x1b') && !strchr(bad[i], '\n')) {
      char quoted[80];
      snprintf(quoted, sizeof quoted, "\"%s\"", bad[i]);
      assert_non_null(strstr(err.message, quoted));
    }
    /* No control character reaches the message. */
    for (const char *c = err.message; *c; c++)
      assert_true((unsigned char)*c >= 0x20);
    pubrio_error_clear(&err);
  }
  int64_t n, w;
  pubrio_error err = {0};
  assert_int_equal(pubrio_rate_parse(NULL, &n, &w, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "empty"));
  pubrio_error_clear(&err);
  assert_int_equal(pubrio_rate_parse("5", NULL, &w, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(pubrio_rate_parse("5", &n, NULL, NULL),
                   PUBRIO_E_INVALID_ARGUMENT);
  pubrio_error_clear(&err);
  /* Messages say what is wrong. */
  assert_int_equal(pubrio_rate_parse("5/0s", &n, &w, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "duration of 0"));
  assert_int_equal(pubrio_rate_parse("5/fortnight", &n, &w, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "unit"));
  assert_int_equal(pubrio_rate_parse("5/400d", &n, &w, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "366 days"));
  pubrio_error_clear(&err);
}

/* ---- room before a deadline ---- */

/* A window of @p limit in @p window_ms with the starts at @p at. */
static void history(pri_pacer *p, int64_t limit, int64_t window_ms,
                    const int64_t *at, int n) {
  *p = (pri_pacer){0};
  assert_int_equal(pri_pacer_add_window(p, limit, window_ms, "w"), 0);
  for (int i = 0; i < n; i++)
    pri_pacer_record(p, at[i]);
}

/* The room a sliding window has until a time is what starting each
 * request as early as the window allows fits in by then (the greedy
 * schedule is the most any schedule fits), for random histories and
 * horizons within and past a window. */
static void room_until_is_what_fits_before_a_time(void **state) {
  (void)state;
  for (int round = 0; round < 400; round++) {
    int64_t limit = 1 + rng() % 12, window = 1000 + rng() % 60000;
    int64_t at[40], t = 0;
    int n = (int)(rng() % 40);
    for (int i = 0; i < n; i++)
      at[i] = t += rng() % (window / 4 + 1);
    int64_t now = t + rng() % window;
    int64_t until = now + rng() % (3 * window);
    pri_pacer a, g;
    history(&a, limit, window, at, n);
    history(&g, limit, window, at, n);
    int64_t room = pri_pacer_room_until(&a, 0, now, until);
    int64_t fits = 0;
    for (int64_t when = now;; fits++) {
      when += pri_pacer_wait_ms(&g, when);
      if (when > until)
        break;
      pri_pacer_record(&g, when);
    }
    assert_int_equal(room, fits);
    pri_pacer_free(&a);
    pri_pacer_free(&g);
  }
}

/* A fixed window: what is left of it, then a whole limit at each
 * boundary reached; nothing before now. */
static void room_until_of_a_fixed_window(void **state) {
  (void)state;
  pri_pacer p = {0};
  assert_int_equal(pri_pacer_add_window(&p, 10, HOUR, "hourly"), 0);
  assert_int_equal(pri_pacer_set_usage(&p, 0, 7, 1000, 0), 0);
  assert_int_equal(pri_pacer_room_until(&p, 0, 0, 999), 3);
  assert_int_equal(pri_pacer_room_until(&p, 0, 0, 1000), 13);
  assert_int_equal(pri_pacer_room_until(&p, 0, 0, 1000 + 2 * HOUR), 33);
  assert_int_equal(pri_pacer_room_until(&p, 0, 5, 4), 0);
  assert_int_equal(pri_pacer_room_until(&p, 1, 0, 10), 0); /* no window */
  /* A horizon far away saturates instead of overflowing. */
  assert_true(pri_pacer_room_until(&p, 0, 0, INT64_MAX) > 0);
  pri_pacer_free(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sliding_keeps_any_minute_under_limit),
      cmocka_unit_test(set_limit_replaces_everything),
      cmocka_unit_test(bad_windows_are_refused),
      cmocka_unit_test(hour_quota_allows_60_then_waits_for_its_boundary),
      cmocka_unit_test(fixed_window_resets_exactly_at_its_boundary),
      cmocka_unit_test(hour_and_day_quotas_over_days),
      cmocka_unit_test(several_windows_name_the_tighter),
      cmocka_unit_test(an_overcounted_quota_reads_full),
      cmocka_unit_test(room_for_n_starts),
      cmocka_unit_test(full_usage_waits_until_the_window_ends),
      cmocka_unit_test(sliding_window_never_overfills_any_fixed_window),
      cmocka_unit_test(quota_of_unknown_phase_is_never_overfilled),
      cmocka_unit_test(a_429_slows_down_then_recovers),
      cmocka_unit_test(delays_grow_on_429s_in_a_row_and_are_capped),
      cmocka_unit_test(refusals_in_flight_slow_down_once),
      cmocka_unit_test(retry_after_holds_at_least_that_long),
      cmocka_unit_test(a_slow_run_learns_its_own_rate),
      cmocka_unit_test(adaptation_finds_an_unknown_quota),
      cmocka_unit_test(a_quota_learned_holds_its_next_windows),
      cmocka_unit_test(a_hidden_quota_is_found_with_two_429s),
      cmocka_unit_test(in_flight_follows_latency_and_the_budget),
      cmocka_unit_test(memory_stays_small_with_a_million_a_day),
      cmocka_unit_test(out_of_memory_stays_safe),
      cmocka_unit_test(rate_texts_good),
      cmocka_unit_test(rate_texts_bad),
      cmocka_unit_test(room_until_is_what_fits_before_a_time),
      cmocka_unit_test(room_until_of_a_fixed_window),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
