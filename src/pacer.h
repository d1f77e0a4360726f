/* Client-side pacing: when the next request may start so that a run stays
 * inside every rate window it knows of, and slows down when the server
 * answers 429 anyway. Pure logic of an injected clock (`now_ms`, any
 * monotonic count of milliseconds): it reads no clock, never sleeps and
 * knows nothing of HTTP. A zeroed pri_pacer is valid and lets everything
 * through.
 *
 * Windows, each {limit, window_ms, name}:
 * - sliding (how a window starts): at most `limit` starts in any
 *   `window_ms`. That also keeps every FIXED window of that length at or
 *   under `limit` whatever its phase, so a server limit whose boundary is
 *   unknown (Pubrio's 300 a minute per key, a --rate) is kept this way.
 * - quota: pri_pacer_set_usage() says `used` requests are already counted
 *   in the server's current window. End known: a real fixed window, `limit
 *   - used` left until its end, then `limit` per window_ms, the count reset
 *   exactly at each boundary. End unknown: the `used` count as made now (the
 *   current window is assumed to last a whole window_ms more) and the window
 *   stays sliding, which is safe against the unknown phase.
 * Memory: a sliding window keeps runs of starts (exact times when limit <=
 * PRI_PACER_EXACT, else one run per window_ms / PRI_PACER_EXACT bucket,
 * timed at its latest start, which is conservative), so it never holds
 * more than about 2 x PRI_PACER_EXACT runs whatever its limit; a fixed one
 * keeps two numbers. pri_pacer_wait_ms() is O(windows), allocation-free.
 *
 * Adaptation to 429s (pri_pacer_on_rate_limited, pri_pacer_on_success):
 * - What it learns: the rate at which the server refused. On a 429 it takes
 *   the rate then in use (the slowest of: the pace already learned, the
 *   recent average gap between starts, the configured windows' own rate),
 *   remembers it as the learned limit and paces at half of it, evenly (a
 *   minimum gap between starts: no bursts).
 * - Backing off: each 429 in a row (no success between) also holds every
 *   start for 1 s, 2 s, 4 s ... at most PRI_PACER_BACKOFF_MAX_MS (60 s), or
 *   its Retry-After when longer, and halves the pace again, never below one
 *   request a PRI_PACER_GAP_MAX_MS (60 s). Only the first of the run learns
 *   a limit (an exhausted quota says nothing of the rate), so the climb
 *   back after it resets is as quick as after one 429.
 * - Recovering: each success adds learned/16 a minute while the pace is
 *   under 7/8 of the learned limit (half to 7/8 in 6 successes), then
 *   learned/256 up to it (32 more), then 1/64 of the pace past it (+1.6 %
 *   each, in case the limit was a passing one). At the windows' slowest
 *   even rate (at most PRI_PACER_UNPACED_PER_MIN) the pace is dropped: the
 *   windows alone hold again, so it never allows more than they do.
 *   (Against an unknown 15 per 10 s quota behind 300/min this alone took
 *   about 88 % of the quota with one 429 every 19 s; see the next point.)
 * - A request that started before the last slowdown says nothing about the
 *   new pace: its 429 or success is ignored, so 8 refusals of requests
 *   already in flight slow down once, not 8 times.
 * - A hidden quota: the requests that passed, started up to the first
 *   refused one of a run of 429s, say where its window began. Until a
 *   window is learned, the holds after them are probes at the lengths
 *   quotas are set to, counted from there (1 s, 10 s, a minute; longer than
 *   the passes took: pri_pacer_probe_at), not doubling
 *   holds that oversleep the reopening: a 10 s quota is found with one or
 *   two 429s. The passes and the
 *   time the quota reopened (the probe that passed; once learned, halfway
 *   between the last refused start and the first that passes again)
 *   make a window learned for the rest of the run (pri_pacer_learn): the
 *   quota's next windows are waited for, not met with a 429 each. Against
 *   an unknown 15 per 10 s it takes 95 to 100 % of the quota with one 429
 *   every 40 s or so (tests/unit/test_pacer.c). */
#ifndef PUBRIO_PACER_H
#define PUBRIO_PACER_H

#include <stddef.h>
#include <stdint.h>

enum {
  PRI_PACER_NAME_MAX = 48, /* bytes of a window's name, NUL included */
  PRI_PACER_EXACT = 512    /* limits up to this are kept to the millisecond */
};
#define PRI_PACER_BACKOFF_FIRST_MS 1000
#define PRI_PACER_BACKOFF_MAX_MS 60000
#define PRI_PACER_GAP_MAX_MS 60000
#define PRI_PACER_UNPACED_PER_MIN 6000.0
/* Requests in flight: before a latency is measured, and at most. */
#define PRI_PACER_IN_FLIGHT_FIRST 8
#define PRI_PACER_IN_FLIGHT_MAX 64
/* The longest window and highest limit a window may have. */
#define PRI_PACER_WINDOW_MAX_MS (366LL * 24 * 3600 * 1000)
#define PRI_PACER_LIMIT_MAX 1000000000LL

typedef struct pri_pacer_run {
  int64_t at;    /* the latest start of the run */
  int64_t count; /* starts in the run */
} pri_pacer_run;

typedef struct pri_pacer_window {
  char name[PRI_PACER_NAME_MAX];
  int64_t limit;
  int64_t window_ms;
  int fixed;      /* 1: a fixed window whose end is known */
  int64_t used;   /* fixed: starts counted in the window ending at end_ms */
  int64_t end_ms; /* fixed: the end of the window `used` belongs to */
  pri_pacer_run *runs; /* sliding: a ring of runs, the oldest at head */
  size_t cap, head, len;
  int64_t total;     /* starts in the runs */
  int64_t bucket_ms; /* 0: one run per distinct start time */
} pri_pacer_window;

typedef struct pri_pacer {
  pri_pacer_window *windows;
  size_t count, cap;
  /* Adaptation to 429s. */
  double pace;    /* starts a minute learned from 429s; 0: not slowed */
  double learned; /* the rate refused at the last slowdown */
  int64_t gap_ms; /* 60000 / pace, rounded up; 0 when not slowed */
  int slowed;     /* slowed_at is set */
  int64_t slowed_at;
  int strikes; /* 429s in a row */
  int holding; /* hold_until is set */
  int64_t hold_until;
  int started; /* last_start is set */
  int64_t last_start;
  double avg_gap_ms;         /* recent average gap between starts */
  int64_t gaps;              /* gaps averaged so far */
  int64_t retry_after_until; /* the latest end a Retry-After asked for */
  /* A quota nobody announced, learned from 429s (see pri_pacer_learn). */
  int64_t passes;      /* passed, started since reopened_at */
  int64_t passes_from; /* the earliest start of them */
  int64_t reopened_at; /* the start of the first pass after the last 429s */
  int64_t probe_limit; /* passes started by the first refused start */
  int64_t probe_from;  /* the earliest start of them */
  int64_t first_refused, last_refused; /* starts of the 429s of the run */
  size_t learned_window; /* index + 1 of the window learned; 0: none */
  int probing; /* the hold of the 429s is a probe at pri_pacer_probe_at */
  /* What in flight follows (pri_pacer_in_flight). */
  double avg_latency_ms; /* recent average, start to answer */
  int64_t latencies;     /* answers averaged so far */
} pri_pacer;

/* What holds the next request (see pri_pacer_next). */
typedef enum pri_pacer_holder {
  PRI_PACER_FREE = 0,   /* nothing: it may start now */
  PRI_PACER_WINDOW = 1, /* a full window, `window` */
  PRI_PACER_PACE = 2,   /* the even pace learned from 429s */
  PRI_PACER_BACKOFF = 3 /* the hold after 429s in a row */
} pri_pacer_holder;

typedef struct pri_pacer_hold {
  pri_pacer_holder by;
  int64_t wait_ms; /* >= 0 */
  size_t window;   /* PRI_PACER_WINDOW: the window's index */
} pri_pacer_hold;

/* Drop every window and what was learned, then, when @p per_minute > 0,
 * add one sliding window of that many a minute. 0, or -1 when out of
 * memory (the pacer is then empty). */
int pri_pacer_set_limit(pri_pacer *pacer, int per_minute);
/* Add a sliding window of at most @p limit starts in any @p window_ms
 * (1..PRI_PACER_LIMIT_MAX, 1..PRI_PACER_WINDOW_MAX_MS), named @p name
 * (copied, cut to fit; NULL: none) for messages. Its index, or -1 when a
 * value is out of range or memory ran out (nothing added). */
int pri_pacer_add_window(pri_pacer *pacer, int64_t limit, int64_t window_ms,
                         const char *name);
/* The server says window @p index already holds @p used (>= 0) requests in
 * its current window, which ends in @p ends_in_ms (clamped to window_ms), or
 * at an unknown time when @p ends_in_ms < 0. Replaces what the window had
 * recorded. 0, or -1 for a bad index or a negative @p used. */
int pri_pacer_set_usage(pri_pacer *pacer, size_t index, int64_t used,
                        int64_t ends_in_ms, int64_t now_ms);
/* How long to wait at @p now_ms before the next request may start: the
 * longest wait any window or the 429 adaptation imposes. */
int64_t pri_pacer_wait_ms(const pri_pacer *pacer, int64_t now_ms);
/* The same wait and what imposes it (the longest; on a tie, the window over
 * the longer period, then the first added). */
pri_pacer_hold pri_pacer_next(const pri_pacer *pacer, int64_t now_ms);
/* Starts window @p index counts at @p now_ms (in its current fixed window,
 * or in the last window_ms): O(its runs), for messages; -1 for a bad index. */
int64_t pri_pacer_used(const pri_pacer *pacer, size_t index, int64_t now_ms);
/* How long from @p now_ms until window @p index has room for @p n starts
 * (1..its limit) at once: 0 when it has now. -1 for a bad index. */
int64_t pri_pacer_room_in_ms(const pri_pacer *pacer, size_t index, int64_t n,
                             int64_t now_ms);
/* The most starts window @p index can take from @p now_ms to @p until_ms
 * (both included), whatever their spacing: a deadline's budget. 0 when
 * @p until_ms < @p now_ms or the index is bad. Exact for a fixed window,
 * on the safe side (never more) for a sliding one. */
int64_t pri_pacer_room_until(const pri_pacer *pacer, size_t index,
                             int64_t now_ms, int64_t until_ms);
/* Write what holds the next request into @p buf (always terminated), e.g.
 * "hourly quota: 2,400 of 2,400 used; next request in 41 min". Returns the
 * length snprintf would have written. */
int pri_pacer_describe(const pri_pacer *pacer, int64_t now_ms, char *buf,
                       size_t size);
/* Record that a request started at @p now_ms. */
void pri_pacer_record(pri_pacer *pacer, int64_t now_ms);
/* The request that started at @p started_ms was refused with a 429 at
 * @p now_ms: slow down and hold (see the top of this file). A
 * @p retry_after_ms > 0 (the answer's Retry-After; -1 or 0: none) also holds
 * every start at least that long, even for a request that left before the
 * last slowdown. */
void pri_pacer_on_rate_limited(pri_pacer *pacer, int64_t started_ms,
                               int64_t retry_after_ms, int64_t now_ms);
/* The request that started at @p started_ms was answered (anything but a
 * 429) at @p now_ms: end a run of 429s, climb back towards the windows. */
void pri_pacer_on_success(pri_pacer *pacer, int64_t started_ms, int64_t now_ms);
/* A quota learned from 429s: @p limit requests that started from
 * @p from_ms passed, then 429s, and the quota reopened about
 * @p reopened_ms. Called by pri_pacer_on_success(); exposed for tests.
 * Adds a sliding window of @p limit in (@p reopened_ms - @p from_ms),
 * which holds the hidden quota's later windows instead of meeting a 429 in
 * each; once learned, a later call (a 429 it let through) makes the window
 * 1/16 longer and keeps its limit (what passes around a later 429 counts
 * requests in flight: noise), and each pass makes it 1/1024 shorter (it
 * was a guess). The even pace the 429s imposed is dropped: the window
 * explains them. The starts since @p reopened_ms (as window 0 counted
 * them) count in it. Its index, or -1 (bad values, out of memory). */
int pri_pacer_learn(pri_pacer *pacer, int64_t limit, int64_t from_ms,
                    int64_t reopened_ms);
/* When to probe a hidden quota whose passes started from @p from_ms over
 * @p span_ms (to the first refused start) and that refuses at @p now_ms:
 * the first of @p from_ms + 1 s, 10 s, 60 s (each 1/64 later) still ahead
 * and longer than @p span_ms (the window held them all), at most
 * PRI_PACER_BACKOFF_MAX_MS from @p now_ms; -1 when none fits (the
 * doubling holds then). Pure; exposed for tests. */
int64_t pri_pacer_probe_at(int64_t from_ms, int64_t span_ms, int64_t now_ms);
/* A request was answered @p latency_ms (>= 0; else ignored) after it
 * left, in real time: what pri_pacer_in_flight follows. */
void pri_pacer_note_latency(pri_pacer *pacer, int64_t latency_ms);
/* How many requests to keep in flight at @p now_ms, 1..@p cap (Little's
 * law: in flight = rate x latency): the starts the windows have room for
 * within one recent average latency (pri_pacer_room_until), at most that
 * latency at PRI_PACER_UNPACED_PER_MIN (a quick server needs few: a burst
 * into a quota nobody announced costs a 429 each), at most one latency
 * over the pace 429s imposed, rounded up. PRI_PACER_IN_FLIGHT_FIRST (at
 * most @p cap) before any answer measured a latency. Pure. */
int pri_pacer_in_flight(const pri_pacer *pacer, int64_t now_ms, int cap);
/* Release what the pacer holds and leave it zeroed (unlimited). */
void pri_pacer_free(pri_pacer *pacer);

#endif
