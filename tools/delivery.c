#include "delivery.h"

#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum {
  UNSEEN,    /* nothing of it was written */
  PENDING,   /* written (or due) and not yet flushed */
  DELIVERED, /* flushed */
  LOST       /* the output failed before all of it was flushed */
} batch_delivery;

typedef struct batch_record {
  char id[PUBRIO_ID_LEN + 1];
  size_t people;
  batch_delivery state;
} batch_record;

static struct delivery {
  batch_record *batches; /* by batch number */
  size_t cap;
  int failed;
  /* People handed out without a batch to collect again (from the journal,
   * or answered by LinkedIn URL one by one). */
  size_t unbatched_pending;
  size_t unbatched_lost;
} d;

static batch_record *record(int number) {
  if (number <= 0)
    return NULL;
  if ((size_t)number >= d.cap) {
    size_t cap = d.cap ? d.cap : 64;
    while (cap <= (size_t)number)
      cap *= 2;
    batch_record *grown = realloc(d.batches, cap * sizeof *grown);
    if (!grown)
      return NULL; /* the uncollected ones are still named by the run */
    memset(grown + d.cap, 0, (cap - d.cap) * sizeof *grown);
    d.batches = grown;
    d.cap = cap;
  }
  return &d.batches[number];
}

void delivery_event(const cli_options *o, const pubrio_bulk_event *ev) {
  if (ev->kind != PUBRIO_BULK_BATCH_ACCEPTED &&
      ev->kind != PUBRIO_BULK_PERSON && ev->kind != PUBRIO_BULK_BATCH_DONE)
    return;
  if (ev->kind == PUBRIO_BULK_PERSON &&
      (ev->from_store || ev->linkedin_url || ev->batch <= 0)) {
    if (d.failed)
      d.unbatched_lost++;
    else
      d.unbatched_pending++;
    return;
  }
  batch_record *b = record(ev->batch);
  if (!b)
    return;
  if (!b->id[0] && ev->redeem_query_id)
    snprintf(b->id, sizeof b->id, "%s", ev->redeem_query_id);
  if (ev->people_count > b->people)
    b->people = ev->people_count;
  int written = ev->kind == PUBRIO_BULK_PERSON ||
                (ev->kind == PUBRIO_BULK_BATCH_ACCEPTED && !o->wait);
  if (written && b->state != LOST)
    b->state = d.failed ? LOST : PENDING;
}

void delivery_flushed(int ok, int failed_errno) {
  if (d.failed)
    return;
  /* A closed pipe: the reader may have dropped what it read last. */
  int all = !ok && failed_errno == EPIPE;
  for (size_t i = 0; i < d.cap; i++) {
    batch_record *b = &d.batches[i];
    if (b->state == PENDING)
      b->state = ok ? DELIVERED : LOST;
    else if (b->state == DELIVERED && all)
      b->state = LOST;
  }
  if (!ok)
    d.unbatched_lost += d.unbatched_pending;
  d.unbatched_pending = 0;
  d.failed = !ok;
}

/* The batch recorded under @p id, or NULL. */
static batch_record *find(const char *id) {
  for (size_t i = 0; i < d.cap; i++)
    if (strcmp(d.batches[i].id, id) == 0)
      return &d.batches[i];
  return NULL;
}

/* A new file for the ids, in @p dir: its stream and, in @p path, its
 * name. */
static FILE *create_in(const char *dir, char *path, size_t size) {
  if (!dir || !*dir)
    return NULL;
  snprintf(path, size, "%s/pubrio-uncollected-XXXXXX", dir);
  int fd = mkstemp(path); /* 0600: the ids lead to personal data */
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (fd >= 0 && !f) {
    close(fd);
    unlink(path);
  }
  return f;
}

/* The ids into a file: its name in @p path, or 0 when none could be
 * written. */
static int write_file(const char *const *ids, const size_t *people, size_t n,
                      char *path, size_t size) {
  char cwd[4096];
  const char *dirs[3] = {getcwd(cwd, sizeof cwd), getenv("TMPDIR"), "/tmp"};
  for (int i = 0; i < 3; i++) {
    FILE *f = create_in(dirs[i], path, size);
    if (!f)
      continue;
    fprintf(f, "# batches paid for and not delivered by pubrio redeem;\n"
               "# collect them all with: pubrio query --wait --input "
               "THIS_FILE\n");
    for (size_t k = 0; k < n; k++)
      fprintf(f, "%s # %zu %s\n", ids[k], people[k],
              text_plural(people[k], "person", "people"));
    int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    if (fclose(f) != 0 || bad) {
      unlink(path);
      continue;
    }
    return 1;
  }
  return 0;
}

void delivery_report(const cli_options *o, const pubrio_bulk *run) {
  size_t n = 0, cap = 0, total = 0;
  const char **ids = NULL;
  size_t *people = NULL, *kinds = NULL; /* kinds: 0 uncollected, 1 lost */
  for (int pass = 0; pass < 2; pass++) {
    /* Pass 0 counts, pass 1 fills. */
    n = 0;
    size_t count = 0;
    for (const char *id; (id = pubrio_bulk_uncollected(run, n, &count)); n++)
      if (pass) {
        batch_record *b = find(id);
        if (b)
          b->state = UNSEEN; /* named once, as uncollected */
        ids[n] = id;
        people[n] = count;
        kinds[n] = 0;
      }
    for (size_t i = 0; i < d.cap; i++) {
      batch_record *b = &d.batches[i];
      int lost =
          b->id[0] && (b->state == LOST || (d.failed && b->state == PENDING));
      if (lost && pass) {
        ids[n] = b->id;
        people[n] = b->people;
        kinds[n] = 1;
      }
      n += lost;
    }
    if (!pass) {
      cap = n;
      ids = cap ? calloc(cap, sizeof *ids) : NULL;
      people = cap ? calloc(cap, sizeof *people) : NULL;
      kinds = cap ? calloc(cap, sizeof *kinds) : NULL;
      if (cap && (!ids || !people || !kinds))
        break;
    }
  }
  size_t unbatched = d.unbatched_lost + d.unbatched_pending;
  if (d.failed && unbatched)
    fprintf(stderr,
            "pubrio: %zu %s handed out from the journal or asked by LinkedIn "
            "URL may not have reached the output: %s\n",
            unbatched, text_plural(unbatched, "person", "people"),
            o->journal ? "the journal holds them; rerun with the same "
                         "--journal (0 credits)"
                       : "without a journal they cannot be collected again");
  if (!n || !ids || !people || !kinds) {
    if (n) /* out of memory: the run still names what it did not collect */
      for (size_t i = 0, c; pubrio_bulk_uncollected(run, i, &c); i++)
        fprintf(stderr, "pubrio: batch %s was accepted and is not collected\n",
                pubrio_bulk_uncollected(run, i, NULL));
    free(ids);
    free(people);
    free(kinds);
    return;
  }
  for (size_t i = 0; i < n; i++)
    total += people[i];
  if (n <= 3)
    for (size_t i = 0; i < n; i++)
      fprintf(stderr,
              "pubrio: batch %s (%zu %s) %s; collect it with: pubrio query "
              "%s --wait\n",
              ids[i], people[i], text_plural(people[i], "person", "people"),
              kinds[i] ? "was collected and did not all reach the output"
                       : "was accepted and is not collected",
              ids[i]);
  char path[4200];
  const char *csv = o->format == FORMAT_CSV ? " --format csv" : "";
  if (write_file(ids, people, n, path, sizeof path)) {
    fprintf(stderr,
            "pubrio: %zu %s (%zu %s) paid for and not delivered: the ids are "
            "in %s; collect them all with:\n"
            "  pubrio query --wait%s --input %s\n",
            n, text_plural(n, "batch", "batches"), total,
            text_plural(total, "person", "people"), path, csv, path);
  } else { /* no file anywhere: the ids themselves, never lost */
    fprintf(stderr,
            "pubrio: %zu %s paid for and not delivered (no file could be "
            "written for their ids; collect them with pubrio query --wait "
            "ID...):\n",
            n, text_plural(n, "batch", "batches"));
    for (size_t i = 0; i < n; i++)
      fprintf(stderr, "%s\n", ids[i]);
  }
  if (o->journal)
    fprintf(stderr, "pubrio: or rerun with the same --journal to collect "
                    "what is left\n");
  free(ids);
  free(people);
  free(kinds);
}

void delivery_free(void) {
  free(d.batches);
  memset(&d, 0, sizeof d);
}
