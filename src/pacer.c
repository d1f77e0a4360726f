#include "pacer.h"

#include "alloc.h"
#include "growth.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { RING_FIRST = 4 };

/* ---- one window ---- */

static pri_pacer_run *run_at(const pri_pacer_window *w, size_t i) {
  return &w->runs[(w->head + i) % w->cap];
}

/* A fixed window's count and end at @p now: past its end it has rolled over
 * whole periods and holds nothing yet. */
static void fixed_at(const pri_pacer_window *w, int64_t now, int64_t *used,
                     int64_t *end) {
  if (now < w->end_ms) {
    *used = w->used;
    *end = w->end_ms;
    return;
  }
  int64_t periods = (now - w->end_ms) / w->window_ms + 1;
  *used = 0;
  *end = w->end_ms + periods * w->window_ms;
}

static int64_t window_wait(const pri_pacer_window *w, int64_t now) {
  if (w->fixed) {
    int64_t used, end;
    fixed_at(w, now, &used, &end);
    return used < w->limit ? 0 : end - now;
  }
  if (w->total < w->limit)
    return 0;
  /* Pruning keeps the run holding the limit-th latest start at the head:
   * the next start may go once that run is a window old. */
  int64_t wait = run_at(w, 0)->at + w->window_ms - now;
  return wait > 0 ? wait : 0;
}

/* Forget runs that can no longer hold anything back: those a window old,
 * and those older than the limit-th latest start. */
static void prune(pri_pacer_window *w, int64_t now) {
  while (w->len) {
    pri_pacer_run *front = run_at(w, 0);
    if (front->at + w->window_ms > now && w->total - front->count < w->limit)
      break;
    w->total -= front->count;
    w->head = (w->head + 1) % w->cap;
    w->len--;
  }
}

static void sliding_record(pri_pacer_window *w, int64_t now) {
  pri_pacer_run *back = w->len ? run_at(w, w->len - 1) : NULL;
  if (back && now < back->at)
    now = back->at; /* a clock that went back: count it at the latest */
  prune(w, now);
  back = w->len ? run_at(w, w->len - 1) : NULL;
  int same =
      back && (w->bucket_ms ? now / w->bucket_ms == back->at / w->bucket_ms
                            : now == back->at);
  /* Out of memory, the start joins the latest run instead: timed later than
   * it was, so it is kept longer, never shorter. */
  if (!same && w->len == w->cap &&
      pri_grow_ring(&w->runs, &w->cap, &w->head, sizeof *w->runs) != 0)
    same = 1;
  if (same) {
    back->at = now;
    back->count++;
  } else {
    *run_at(w, w->len) = (pri_pacer_run){.at = now, .count = 1};
    w->len++;
  }
  w->total++;
  prune(w, now);
}

static void window_record(pri_pacer_window *w, int64_t now) {
  if (!w->fixed) {
    sliding_record(w, now);
    return;
  }
  fixed_at(w, now, &w->used, &w->end_ms);
  w->used++;
}

/* ---- windows ---- */

/* The slowest even rate, in starts a minute, the windows allow. */
static double configured_per_min(const pri_pacer *p) {
  double rate = PRI_PACER_UNPACED_PER_MIN;
  for (size_t i = 0; i < p->count; i++) {
    double r =
        (double)p->windows[i].limit * 60000.0 / (double)p->windows[i].window_ms;
    if (r < rate)
      rate = r;
  }
  return rate;
}

int pri_pacer_add_window(pri_pacer *pacer, int64_t limit, int64_t window_ms,
                         const char *name) {
  if (limit < 1 || limit > PRI_PACER_LIMIT_MAX || window_ms < 1 ||
      window_ms > PRI_PACER_WINDOW_MAX_MS || pacer->count >= INT32_MAX)
    return -1;
  if (pri_grow(&pacer->windows, &pacer->cap, pacer->count + 1,
               sizeof *pacer->windows) != 0)
    return -1;
  pri_pacer_run *runs = pri_malloc(RING_FIRST * sizeof *runs);
  if (!runs)
    return -1;
  pri_pacer_window *w = &pacer->windows[pacer->count];
  *w = (pri_pacer_window){.limit = limit,
                          .window_ms = window_ms,
                          .runs = runs,
                          .cap = RING_FIRST,
                          .bucket_ms = limit > PRI_PACER_EXACT
                                           ? (window_ms + PRI_PACER_EXACT - 1) /
                                                 PRI_PACER_EXACT
                                           : 0};
  if (name) {
    /* Cut on a character boundary, so a name stays valid UTF-8. */
    size_t n = strlen(name);
    if (n >= sizeof w->name) {
      n = sizeof w->name - 1;
      while (n && ((unsigned char)name[n] & 0xC0) == 0x80)
        n--;
    }
    memcpy(w->name, name, n);
    w->name[n] = '\0';
  }
  return (int)pacer->count++;
}

int pri_pacer_set_usage(pri_pacer *pacer, size_t index, int64_t used,
                        int64_t ends_in_ms, int64_t now_ms) {
  if (index >= pacer->count || used < 0)
    return -1;
  pri_pacer_window *w = &pacer->windows[index];
  w->head = w->len = 0;
  w->total = 0;
  if (ends_in_ms >= 0) {
    w->fixed = 1;
    w->used = used;
    w->end_ms =
        now_ms + (ends_in_ms < w->window_ms ? ends_in_ms : w->window_ms);
    return 0;
  }
  /* Unknown end: the used ones count as made now, so they are kept for a
   * whole window, and the window slides from here. */
  w->fixed = 0;
  if (used) {
    w->runs[0] = (pri_pacer_run){.at = now_ms, .count = used};
    w->len = 1;
    w->total = used;
  }
  return 0;
}

int64_t pri_pacer_used(const pri_pacer *pacer, size_t index, int64_t now_ms) {
  if (index >= pacer->count)
    return -1;
  const pri_pacer_window *w = &pacer->windows[index];
  int64_t used = 0, end;
  if (w->fixed) {
    fixed_at(w, now_ms, &used, &end);
    return used;
  }
  for (size_t i = 0; i < w->len; i++)
    if (run_at(w, i)->at + w->window_ms > now_ms)
      used += run_at(w, i)->count;
  return used;
}

int64_t pri_pacer_room_in_ms(const pri_pacer *pacer, size_t index, int64_t n,
                             int64_t now_ms) {
  if (index >= pacer->count)
    return -1;
  const pri_pacer_window *w = &pacer->windows[index];
  if (n > w->limit)
    n = w->limit;
  if (w->fixed) {
    int64_t used, end;
    fixed_at(w, now_ms, &used, &end);
    return w->limit - used >= n ? 0 : end - now_ms;
  }
  /* Sliding: the starts that must leave the window, oldest first (pruning
   * keeps the latest `limit` of them, enough for any n >= 1). */
  int64_t excess = pri_pacer_used(pacer, index, now_ms) - (w->limit - n);
  for (size_t i = 0; excess > 0 && i < w->len; i++) {
    const pri_pacer_run *r = run_at(w, i);
    if (r->at + w->window_ms <= now_ms)
      continue;
    excess -= r->count;
    if (excess <= 0)
      return r->at + w->window_ms - now_ms;
  }
  return 0;
}

/* Starts of a sliding window after @p t (its runs are timed at their
 * latest start: on the safe side). */
static int64_t sliding_after(const pri_pacer_window *w, int64_t t) {
  int64_t n = 0;
  for (size_t i = 0; i < w->len; i++)
    if (run_at(w, i)->at > t)
      n += run_at(w, i)->count;
  return n;
}

static int64_t saturating_mul(int64_t a, int64_t b) {
  return a && b > INT64_MAX / a ? INT64_MAX : a * b;
}

int64_t pri_pacer_room_until(const pri_pacer *pacer, size_t index,
                             int64_t now_ms, int64_t until_ms) {
  if (index >= pacer->count || until_ms < now_ms)
    return 0;
  const pri_pacer_window *w = &pacer->windows[index];
  if (w->fixed) {
    /* What is left of the current window, then a whole limit at each
     * boundary reached. */
    int64_t used, end;
    fixed_at(w, now_ms, &used, &end);
    int64_t room = used < w->limit ? w->limit - used : 0;
    if (until_ms >= end) {
      int64_t turns = (until_ms - end) / w->window_ms + 1;
      int64_t more = saturating_mul(turns, w->limit);
      room = more > INT64_MAX - room ? INT64_MAX : room + more;
    }
    return room;
  }
  /* Sliding: the last window_ms before until_ms takes a whole limit less
   * the earlier starts still in it; each window_ms before that, a whole
   * limit more (starts placed at the end of each stretch never share a
   * window with the next stretch's). */
  int64_t whole = (until_ms - now_ms) / w->window_ms;
  int64_t last = until_ms - whole * w->window_ms; /* now <= last < now+w */
  int64_t room = w->limit - sliding_after(w, last - w->window_ms);
  if (room < 0)
    room = 0;
  int64_t more = saturating_mul(whole, w->limit);
  return more > INT64_MAX - room ? INT64_MAX : room + more;
}

/* ---- the wait ---- */

pri_pacer_hold pri_pacer_next(const pri_pacer *pacer, int64_t now_ms) {
  pri_pacer_hold hold = {.by = PRI_PACER_FREE};
  for (size_t i = 0; i < pacer->count; i++) {
    int64_t wait = window_wait(&pacer->windows[i], now_ms);
    if (wait > hold.wait_ms ||
        (wait > 0 && wait == hold.wait_ms &&
         pacer->windows[i].window_ms > pacer->windows[hold.window].window_ms))
      hold = (pri_pacer_hold){
          .by = PRI_PACER_WINDOW, .wait_ms = wait, .window = i};
  }
  if (pacer->gap_ms && pacer->started) {
    int64_t wait = pacer->last_start + pacer->gap_ms - now_ms;
    if (wait > hold.wait_ms)
      hold = (pri_pacer_hold){.by = PRI_PACER_PACE, .wait_ms = wait};
  }
  if (pacer->holding) {
    int64_t wait = pacer->hold_until - now_ms;
    if (wait > hold.wait_ms)
      hold = (pri_pacer_hold){.by = PRI_PACER_BACKOFF, .wait_ms = wait};
  }
  return hold;
}

int64_t pri_pacer_wait_ms(const pri_pacer *pacer, int64_t now_ms) {
  return pri_pacer_next(pacer, now_ms).wait_ms;
}

void pri_pacer_record(pri_pacer *pacer, int64_t now_ms) {
  for (size_t i = 0; i < pacer->count; i++)
    window_record(&pacer->windows[i], now_ms);
  if (pacer->started && now_ms >= pacer->last_start) {
    /* An average over about the last 8 gaps. */
    double gap = (double)(now_ms - pacer->last_start);
    pacer->avg_gap_ms =
        pacer->gaps++ ? pacer->avg_gap_ms + (gap - pacer->avg_gap_ms) / 8.0
                      : gap;
  }
  if (!pacer->started || now_ms > pacer->last_start)
    pacer->last_start = now_ms;
  pacer->started = 1;
}

/* ---- adaptation to 429s ---- */

static void set_pace(pri_pacer *p, double per_min) {
  double slowest = 60000.0 / PRI_PACER_GAP_MAX_MS;
  if (per_min < slowest)
    per_min = slowest;
  p->pace = per_min;
  int64_t gap = (int64_t)(60000.0 / per_min);
  p->gap_ms = (double)gap * per_min < 60000.0 ? gap + 1 : gap;
}

/* A request that left before the last slowdown tells nothing of the pace
 * since. */
static int before_slowdown(const pri_pacer *p, int64_t started_ms) {
  return p->slowed && started_ms < p->slowed_at;
}

/* Hold every start until at least @p until. */
static void hold(pri_pacer *p, int64_t until) {
  if (!p->holding || until > p->hold_until)
    p->hold_until = until;
  p->holding = 1;
}

/* Window 0's starts from @p from_ms on (the minute limit counts them all,
 * exactly up to its limit); 1 when there is no window. */
static int64_t starts_since(const pri_pacer *p, int64_t from_ms) {
  if (!p->count || p->windows[0].fixed)
    return 1;
  int64_t n = sliding_after(&p->windows[0], from_ms - 1);
  return n > 0 ? n : 1;
}

int64_t pri_pacer_probe_at(int64_t from_ms, int64_t span_ms, int64_t now_ms) {
  /* The lengths quotas are set to, each a little late (1/64: a sliding
   * window counts a request when it arrives, after it started here): a
   * 10 s window is found with one or two 429s, as a sequential loop finds
   * it. Only a length longer than the span of the passes: the window
   * that let them pass and refused the next holds them all. */
  static const int64_t likely_ms[] = {1000, 10000, 60000};
  for (size_t i = 0; i < sizeof likely_ms / sizeof *likely_ms; i++) {
    int64_t at = from_ms + likely_ms[i] + likely_ms[i] / 64;
    if (at > now_ms && likely_ms[i] > span_ms)
      return at < now_ms + PRI_PACER_BACKOFF_MAX_MS
                 ? at
                 : now_ms + PRI_PACER_BACKOFF_MAX_MS;
  }
  return -1;
}

int pri_pacer_learn(pri_pacer *pacer, int64_t limit, int64_t from_ms,
                    int64_t reopened_ms) {
  int64_t window = reopened_ms - from_ms;
  if (limit < 1 || limit > PRI_PACER_LIMIT_MAX || window < 1 ||
      window > PRI_PACER_WINDOW_MAX_MS)
    return -1;
  if (pacer->learned_window) { /* it let a 429 through: 1/16 longer (what
                                  passed before a later 429 counts
                                  requests in flight across it: noise) */
    pri_pacer_window *w = &pacer->windows[pacer->learned_window - 1];
    w->window_ms += w->window_ms / 16 + 1;
    if (w->window_ms > PRI_PACER_WINDOW_MAX_MS)
      w->window_ms = PRI_PACER_WINDOW_MAX_MS;
  } else {
    int at =
        pri_pacer_add_window(pacer, limit, window, "a quota learned from 429s");
    if (at < 0)
      return -1;
    pacer->learned_window = (size_t)at + 1;
  }
  pri_pacer_set_usage(pacer, pacer->learned_window - 1,
                      starts_since(pacer, reopened_ms), -1, reopened_ms);
  pacer->pace = 0; /* the window explains the 429s */
  pacer->gap_ms = 0;
  return (int)pacer->learned_window - 1;
}

void pri_pacer_note_latency(pri_pacer *p, int64_t latency_ms) {
  if (latency_ms < 0)
    return;
  double latency = (double)latency_ms; /* an average of about the last 8 */
  p->avg_latency_ms =
      p->latencies++ ? p->avg_latency_ms + (latency - p->avg_latency_ms) / 8.0
                     : latency;
}

int pri_pacer_in_flight(const pri_pacer *pacer, int64_t now_ms, int cap) {
  if (cap < 1)
    cap = 1;
  if (!pacer->latencies)
    return cap < PRI_PACER_IN_FLIGHT_FIRST ? cap : PRI_PACER_IN_FLIGHT_FIRST;
  double latency = pacer->avg_latency_ms;
  double target = latency * PRI_PACER_UNPACED_PER_MIN / 60000.0;
  if (pacer->gap_ms > 0 && latency / (double)pacer->gap_ms < target)
    target = latency / (double)pacer->gap_ms;
  int64_t until = now_ms + (int64_t)latency;
  for (size_t i = 0; i < pacer->count; i++) {
    double room = (double)pri_pacer_room_until(pacer, i, now_ms, until);
    if (room < target)
      target = room;
  }
  if (target >= (double)cap)
    return cap;
  int n = (int)target;
  if ((double)n < target)
    n++;
  return n > 1 ? n : 1;
}

void pri_pacer_on_rate_limited(pri_pacer *pacer, int64_t started_ms,
                               int64_t retry_after_ms, int64_t now_ms) {
  /* The server's own word holds, whatever the request. */
  if (retry_after_ms > 0) {
    int64_t until = now_ms + (retry_after_ms < PRI_PACER_WINDOW_MAX_MS
                                  ? retry_after_ms
                                  : PRI_PACER_WINDOW_MAX_MS);
    hold(pacer, until);
    if (until > pacer->retry_after_until)
      pacer->retry_after_until = until;
  }
  if (before_slowdown(pacer, started_ms))
    return;
  if (!pacer->strikes) { /* what passed before it may be a hidden quota */
    pacer->probe_limit = pacer->passes;
    pacer->probe_from = pacer->passes_from;
    pacer->first_refused = pacer->last_refused = started_ms;
  }
  if (started_ms > pacer->last_refused)
    pacer->last_refused = started_ms;
  pacer->strikes++;
  int shift = pacer->strikes - 1 < 16 ? pacer->strikes - 1 : 16;
  int64_t delay = (int64_t)PRI_PACER_BACKOFF_FIRST_MS << shift;
  if (delay > PRI_PACER_BACKOFF_MAX_MS)
    delay = PRI_PACER_BACKOFF_MAX_MS;
  int64_t until = now_ms + delay;
  if (!pacer->learned_window && pacer->probe_limit > 0) {
    /* A hidden quota's first reopening: probe where it is likely, not at
     * doubling holds that oversleep it. */
    int64_t probe = pri_pacer_probe_at(
        pacer->probe_from, pacer->first_refused - pacer->probe_from, now_ms);
    if (probe >= 0) {
      until = probe;
      pacer->probing = 1;
    }
  }
  hold(pacer, until);
  /* The rate that was refused: the slowest of the pace already learned, the
   * recent starts and what the windows allow. Only the first of a run of
   * 429s learns it: the next ones halve the pace again, as the gaps between
   * their starts are our own holds, and an exhausted quota says nothing of
   * the rate. */
  double rate = configured_per_min(pacer);
  if (pacer->pace > 0 && pacer->pace < rate)
    rate = pacer->pace;
  if (pacer->strikes == 1) {
    if (pacer->avg_gap_ms >= 1.0 && 60000.0 / pacer->avg_gap_ms < rate)
      rate = 60000.0 / pacer->avg_gap_ms;
    pacer->learned = rate;
  }
  set_pace(pacer, rate / 2);
  pacer->slowed = 1;
  pacer->slowed_at = now_ms;
}

void pri_pacer_on_success(pri_pacer *pacer, int64_t started_ms,
                          int64_t now_ms) {
  (void)now_ms;
  int stale = before_slowdown(pacer, started_ms);
  if (pacer->strikes && !stale) { /* the quota reopened by started_ms */
    /* It reopened between the last refused start and this one: halfway,
     * made longer by the next 429 if that was too soon. */
    int64_t reopened =
        pacer->probing
            ? started_ms /* a probe at a likely length: taken as it is */
            : pacer->last_refused + (started_ms - pacer->last_refused) / 2;
    pacer->probing = 0;
    if (pacer->probe_limit > 0 && reopened > pacer->probe_from)
      pri_pacer_learn(pacer, pacer->probe_limit, pacer->probe_from, reopened);
    pacer->probe_limit = pacer->passes = 0;
    pacer->reopened_at = started_ms;
  } else if (pacer->strikes && started_ms <= pacer->first_refused &&
             started_ms >= pacer->reopened_at) {
    /* It passed in the window the 429s closed; its answer came later. */
    if (!pacer->probe_limit++ || started_ms < pacer->probe_from)
      pacer->probe_from = started_ms;
  }
  if ((!pacer->strikes || !stale) && started_ms >= pacer->reopened_at) {
    if (!pacer->passes++ || started_ms < pacer->passes_from)
      pacer->passes_from = started_ms;
  }
  if (stale)
    return;
  if (pacer->learned_window && !pacer->strikes) {
    /* The learned window was a guess from halfway: shorter by 1/1024 a
     * pass (1.5 % a window of 15) until a 429 says it is too short. */
    pri_pacer_window *w = &pacer->windows[pacer->learned_window - 1];
    if (w->window_ms > 1000)
      w->window_ms -= w->window_ms / 1024;
  }
  pacer->strikes = 0;
  pacer->holding = 0;
  if (pacer->pace <= 0)
    return;
  double pace = pacer->pace, learned = pacer->learned;
  if (pace < learned * 7 / 8)
    pace += learned / 16;
  else if (pace < learned)
    pace += learned / 256;
  else
    pace += pace / 64;
  if (pace >= configured_per_min(pacer)) {
    pacer->pace = 0;
    pacer->gap_ms = 0;
    return;
  }
  set_pace(pacer, pace);
}

/* ---- messages ---- */

/* @p n with thousands separators: "2,400". */
static void thousands(int64_t n, char *buf, size_t size) {
  char digits[24];
  int len = snprintf(digits, sizeof digits, "%" PRId64, n > 0 ? n : 0);
  size_t o = 0;
  for (int i = 0; i < len && o + 1 < size; i++) {
    if (i && (len - i) % 3 == 0 && o + 2 < size)
      buf[o++] = ',';
    buf[o++] = digits[i];
  }
  buf[o] = '\0';
}

/* A wait for people, rounded up: "800 ms", "12 s", "41 min", "2 h 5 min". */
static void duration(int64_t ms, char *buf, size_t size) {
  if (ms < 1000)
    snprintf(buf, size, "%" PRId64 " ms", ms);
  else if (ms < 60000)
    snprintf(buf, size, "%" PRId64 " s", (ms + 999) / 1000);
  else if (ms <= 3600000)
    snprintf(buf, size, "%" PRId64 " min", (ms + 59999) / 60000);
  else {
    int64_t min = (ms + 59999) / 60000;
    snprintf(buf, size, "%" PRId64 " h %" PRId64 " min", min / 60, min % 60);
  }
}

int pri_pacer_describe(const pri_pacer *pacer, int64_t now_ms, char *buf,
                       size_t size) {
  pri_pacer_hold hold = pri_pacer_next(pacer, now_ms);
  char in[32];
  duration(hold.wait_ms, in, sizeof in);
  switch (hold.by) {
  case PRI_PACER_WINDOW: {
    const pri_pacer_window *w = &pacer->windows[hold.window];
    char used[32], limit[32];
    /* Counted on the safe side (an account read the server may not have
     * counted past its quota), the count can pass the limit: say full. */
    int64_t counted = pri_pacer_used(pacer, hold.window, now_ms);
    thousands(counted < w->limit ? counted : w->limit, used, sizeof used);
    thousands(w->limit, limit, sizeof limit);
    return snprintf(buf, size, "%s: %s of %s used; next request in %s",
                    w->name[0] ? w->name : "rate limit", used, limit, in);
  }
  case PRI_PACER_PACE:
    return snprintf(buf, size,
                    "slowed to %.1f requests a minute after a 429; next "
                    "request in %s",
                    pacer->pace, in);
  case PRI_PACER_BACKOFF:
    if (!pacer->strikes || pacer->retry_after_until >= pacer->hold_until)
      return snprintf(buf, size,
                      "a 429 asked to wait (Retry-After); next request in %s",
                      in);
    return snprintf(buf, size, "%d 429 answer%s in a row; next request in %s",
                    pacer->strikes, pacer->strikes == 1 ? "" : "s", in);
  case PRI_PACER_FREE: break;
  }
  return snprintf(buf, size, "the next request may start now");
}

/* ---- life ---- */

void pri_pacer_free(pri_pacer *pacer) {
  for (size_t i = 0; i < pacer->count; i++)
    pri_free(pacer->windows[i].runs);
  pri_free(pacer->windows);
  *pacer = (pri_pacer){0};
}

int pri_pacer_set_limit(pri_pacer *pacer, int per_minute) {
  pri_pacer_free(pacer);
  if (per_minute <= 0)
    return 0;
  return pri_pacer_add_window(pacer, per_minute, 60000, "rate limit") < 0 ? -1
                                                                          : 0;
}
