/* What a stopped or closed run leaves paid and not delivered, as data and
 * as one sentence: the batches accepted and not collected, the people
 * submitted without a conclusive answer, the people an earlier run left
 * uncertain, and what pubrio_bulk_close() kept for the caller. Every
 * binding names what is left through these, never by its own count. */
#include "alloc.h"
#include "bulk.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Ids a sentence lists before it says "and N more". */
enum { LEFTOVER_IDS_LISTED = 5 };

int pri_bulk_batch_uncollected(const bulk_batch *batch) {
  return batch->state == BATCH_ACCEPTED || batch->state == BATCH_POLLING ||
         batch->state == BATCH_BROKEN;
}

void pri_bulk_kept_free(pubrio_bulk *b) {
  for (size_t i = 0; i < b->kept_count; i++)
    pubrio_query_result_free(b->kept[i].result);
  pri_free(b->kept);
  b->kept = NULL;
  b->kept_count = b->kept_cap = b->kept_resolved = 0;
}

const char *pubrio_bulk_uncollected(const pubrio_bulk *b, size_t index,
                                    size_t *people_count) {
  for (size_t i = 0; b && i < b->batch_count; i++) {
    const bulk_batch *batch = &b->batches[i];
    if (!pri_bulk_batch_uncollected(batch))
      continue;
    if (index-- == 0) {
      if (people_count)
        *people_count = batch->count;
      return batch->redeem_query_id;
    }
  }
  return NULL;
}

const pubrio_bulk_event *pubrio_bulk_drained(const pubrio_bulk *b,
                                             size_t index) {
  return b && index < b->kept_count ? &b->kept[index].event : NULL;
}

const char *pubrio_bulk_uncertain(const pubrio_bulk *b, size_t index) {
  for (size_t i = 0; b && i < b->batch_count; i++) {
    const bulk_batch *batch = &b->batches[i];
    if (batch->state != BATCH_UNCERTAIN)
      continue;
    if (batch->url != SIZE_MAX) { /* a single redeem: its URL */
      if (index-- == 0)
        return b->urls[batch->url].url;
      continue;
    }
    if (!batch->uncertain_ids) /* out of memory when it failed */
      continue;
    if (index < batch->count)
      return batch->uncertain_ids[index];
    index -= batch->count;
  }
  return NULL;
}

/* snprintf onto the end of @p out, counting the whole length in *len even
 * past @p size, as snprintf does. */
static void put(char *out, size_t size, size_t *len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(*len < size ? out + *len : NULL,
                    *len < size ? size - *len : 0, fmt, ap);
  va_end(ap);
  if (n > 0)
    *len += (size_t)n;
}

/* "; " between the sentence's parts. */
static void part(char *out, size_t size, size_t *len) {
  if (*len)
    put(out, size, len, "; ");
}

size_t pubrio_bulk_leftover(const pubrio_bulk *b, char *out, size_t size) {
  size_t len = 0;
  if (out && size)
    out[0] = '\0';
  if (!b)
    return 0;
  pubrio_bulk_stats st;
  pubrio_bulk_stats_get(b, &st, sizeof st);
  if (st.batches_uncollected) {
    put(out, size, &len, "%zu batch%s paid and not collected (%zu people):",
        st.batches_uncollected, st.batches_uncollected == 1 ? "" : "es",
        st.people_uncollected);
    const char *id;
    for (size_t i = 0; i < LEFTOVER_IDS_LISTED &&
                       (id = pubrio_bulk_uncollected(b, i, NULL)) != NULL;
         i++)
      put(out, size, &len, "%s %s", i ? "," : "", id);
    if (st.batches_uncollected > LEFTOVER_IDS_LISTED)
      put(out, size, &len, " and %zu more",
          st.batches_uncollected - LEFTOVER_IDS_LISTED);
  }
  if (b->uncertain_people) {
    part(out, size, &len);
    put(out, size, &len,
        "%zu %s submitted without a conclusive answer (maybe charged, "
        "not sent again):",
        b->uncertain_people, b->uncertain_people == 1 ? "person" : "people");
    const char *id;
    for (size_t i = 0;
         i < LEFTOVER_IDS_LISTED && (id = pubrio_bulk_uncertain(b, i)) != NULL;
         i++)
      put(out, size, &len, "%s %s", i ? "," : "", id);
    if (b->uncertain_people > LEFTOVER_IDS_LISTED)
      put(out, size, &len, " and %zu more",
          b->uncertain_people - LEFTOVER_IDS_LISTED);
  }
  if (b->prior_uncertain) {
    part(out, size, &len);
    put(out, size, &len,
        "%zu %s left uncertain by an earlier run on the journal (not sent "
        "again)",
        b->prior_uncertain, b->prior_uncertain == 1 ? "person" : "people");
  }
  if (len && b->o.journal_path)
    put(out, size, &len,
        "; a run on the same journal collects what was "
        "accepted and never buys the uncertain again");
  size_t people_kept = b->kept_count - b->kept_resolved;
  if (people_kept) {
    part(out, size, &len);
    put(out, size, &len,
        "%zu %s collected while the run closed, kept for the caller",
        people_kept, people_kept == 1 ? "person" : "people");
  }
  if (b->kept_resolved) {
    part(out, size, &len);
    put(out, size, &len,
        "%zu lookup %s resolved (paid) to people not handed out, kept for "
        "the caller with their people_search_ids",
        b->kept_resolved, b->kept_resolved == 1 ? "entry" : "entries");
  }
  return len;
}
