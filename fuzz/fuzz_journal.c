/* libFuzzer harness: a journal's bytes, as a database file read through
 * the public calls `pubrio status` and `pubrio export` use. The seeds are
 * real journals (fuzz/corpus/journal), so mutations are damaged and
 * crafted journals: whatever opens must hand back counts bounded by the
 * bytes stored and stop; nothing may crash, leak or read out of bounds. */
#include "pubrio/pubrio.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A private directory of this process, made once, for the file. */
static const char *journal_path(void) {
  static char path[64];
  if (!path[0]) {
    char dir[] = "/tmp/pubrio-fuzz-journal-XXXXXX";
    if (!mkdtemp(dir))
      abort();
    snprintf(path, sizeof path, "%s/journal.db", dir);
  }
  return path;
}

static void remove_files(const char *path) {
  char other[96];
  unlink(path);
  snprintf(other, sizeof other, "%s-wal", path);
  unlink(other);
  snprintf(other, sizeof other, "%s-shm", path);
  unlink(other);
}

static void check(int ok) {
  if (!ok)
    abort(); /* a count not bounded by what is stored */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = journal_path();
  remove_files(path);
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    abort();
  if (size && write(fd, data, size) != (ssize_t)size)
    abort();
  close(fd);
  pubrio_journal *j = NULL;
  pubrio_error err = {0};
  if (pubrio_journal_open(&j, path, &err) == PUBRIO_OK) {
    pubrio_journal_run run;
    for (size_t i = 0; pubrio_journal_run_get(j, i, &run, sizeof run); i++)
      check(i < size);
    size_t people = 0, contacts = 0, count = 0;
    pubrio_journal_counts(j, &people, &contacts);
    check(people <= size && contacts <= size);
    const char *id;
    for (size_t i = 0; (id = pubrio_journal_uncollected(j, i, &count)); i++)
      check(count <= size && strlen(id) <= PUBRIO_ID_LEN);
    /* Every person, stepping over damaged rows; each call moves on. */
    for (size_t calls = 0;; calls++) {
      const pubrio_person *p = NULL;
      pubrio_status st = pubrio_journal_next_person(j, &p, &err);
      pubrio_error_clear(&err);
      check(calls <= size);
      if (st == PUBRIO_OK && !p)
        break;
      if (st == PUBRIO_OK) {
        check(strlen(p->people_search_id) == PUBRIO_ID_LEN);
        for (size_t k = 0; k < p->email_count; k++)
          check(pubrio_person_email(p, k) != NULL);
        for (size_t k = 0; k < p->phone_count; k++)
          check(pubrio_person_phone(p, k) != NULL);
      }
    }
    pubrio_journal_free(j);
  }
  pubrio_error_clear(&err);
  remove_files(path);
  return 0;
}
