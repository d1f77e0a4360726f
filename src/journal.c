#include "journal.h"
#include "alloc.h"

#include "buf.h"
#include "error.h"
#include "uuid.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

enum { JOURNAL_VERSION = 1 };

typedef struct intent {
  int number;
  int settled; /* accepted or rejected */
  pri_uuid_set people;
} intent;

struct pri_journal {
  FILE *file;
  pri_journal_batch *batches; /* accepted, in order */
  size_t count;
  size_t cap;
  pri_uuid_set submitted; /* people of accepted batches */
  pri_uuid_set uncertain; /* intents with no outcome, not submitted since */
  intent *intents;        /* while loading */
  size_t intent_count;
  size_t intent_cap;
  int next_number;
  int torn_line;
};

/* Room for one more item in a doubling array; 0 or -1. */
static int grow(void **items, size_t *cap, size_t count, size_t size) {
  if (count < *cap)
    return 0;
  size_t want = *cap ? *cap * 2 : 16;
  void *grown = want <= SIZE_MAX / size ? pri_realloc(*items, want * size) : NULL;
  if (!grown)
    return -1;
  *items = grown;
  *cap = want;
  return 0;
}

static cJSON *types_json(unsigned types) {
  cJSON *list = cJSON_CreateArray();
  for (unsigned bit = 1; bit <= PUBRIO_CONTACT_PHONE; bit <<= 1)
    if (types & bit)
      cJSON_AddItemToArray(list, cJSON_CreateString(pubrio_contact_type_str(
                                     (pubrio_contact_type)bit)));
  return list;
}

static unsigned types_from_json(const cJSON *list) {
  unsigned types = 0;
  const cJSON *item;
  cJSON_ArrayForEach(item, list) {
    if (cJSON_IsString(item))
      types |= (unsigned)pubrio_contact_type_from_str(item->valuestring);
  }
  return types;
}

static cJSON *people_json(const uint8_t (*people)[16], size_t n) {
  cJSON *list = cJSON_CreateArray();
  char id[PRI_UUID_STR_LEN + 1];
  for (size_t i = 0; list && i < n; i++) {
    pri_uuid_format(people[i], id);
    if (!cJSON_AddItemToArray(list, cJSON_CreateString(id))) {
      cJSON_Delete(list);
      return NULL;
    }
  }
  return list;
}

/* Every item a canonical id, added to @p out; 0 or -1. */
static int read_people(const cJSON *list, pri_uuid_set *out) {
  const cJSON *item;
  uint8_t uuid[16];
  cJSON_ArrayForEach(item, list) {
    if (!cJSON_IsString(item) || pri_uuid_parse(item->valuestring, uuid) != 0 ||
        pri_uuid_set_add(out, uuid) < 0)
      return -1;
  }
  return 0;
}

/* A batch number as we write them: an integer in 1..INT_MAX - 1 (so the
 * next number never overflows); -1 for anything else. */
static int batch_number(const cJSON *item) {
  if (!cJSON_IsNumber(item))
    return -1;
  double v = item->valuedouble;
  return v >= 1 && v < INT_MAX && v == (double)(int)v ? (int)v : -1;
}

static void settle(pri_journal *j, int number) {
  for (size_t i = j->intent_count; i-- > 0;)
    if (j->intents[i].number == number) {
      j->intents[i].settled = 1;
      return;
    }
}

static int add_batch(pri_journal *j, int number, const char *id,
                     const cJSON *people) {
  pri_uuid_set set = {0};
  int rc = read_people(people, &set);
  if (rc == 0 && grow((void **)&j->batches, &j->cap, j->count,
                      sizeof *j->batches) != 0)
    rc = -1;
  for (size_t i = 0; rc == 0 && i < set.count; i++)
    rc = pri_uuid_set_add(&j->submitted, set.items[i]) < 0 ? -1 : 0;
  if (rc != 0) {
    pri_uuid_set_free(&set);
    return -1;
  }
  pri_journal_batch *b = &j->batches[j->count++];
  b->number = number;
  memcpy(b->redeem_query_id, id, PUBRIO_ID_LEN + 1);
  b->people = set.items; /* the set's ordered items become the batch's */
  b->count = set.count;
  pri_free(set.slots);
  return 0;
}

/* Apply one line; 0, -1 when it is not one we write, or a status (with err
 * filled) when the journal cannot be used. */
static int load_line(pri_journal *j, const cJSON *line, unsigned types,
                     pubrio_error *err) {
  const cJSON *header = cJSON_GetObjectItemCaseSensitive(line, "journal");
  const cJSON *batch = cJSON_GetObjectItemCaseSensitive(line, "batch");
  const cJSON *intent_no = cJSON_GetObjectItemCaseSensitive(line, "intent");
  const cJSON *rejected = cJSON_GetObjectItemCaseSensitive(line, "rejected");
  const cJSON *people = cJSON_GetObjectItemCaseSensitive(line, "people");
  if (cJSON_IsString(header)) {
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(line, "version");
    if (!cJSON_IsNumber(version) || version->valuedouble != JOURNAL_VERSION)
      return pri_error_set(err, PUBRIO_E_JOURNAL,
                           "the journal has a version this libpubrio does "
                           "not know; use the version that wrote it");
    if (types_from_json(cJSON_GetObjectItemCaseSensitive(line, "types")) !=
        types)
      return pri_error_set(err, PUBRIO_E_JOURNAL,
                           "the journal was written for other contact "
                           "types; use the same types or another journal");
    return 0;
  }
  if (rejected) {
    int number = batch_number(rejected);
    if (number < 0)
      return -1;
    settle(j, number);
    return 0;
  }
  int number = batch ? batch_number(batch) : batch_number(intent_no);
  if (number < 0 || !cJSON_IsArray(people))
    return -1;
  if (number >= j->next_number)
    j->next_number = number + 1;
  if (batch) {
    const cJSON *id =
        cJSON_GetObjectItemCaseSensitive(line, "redeem_query_id");
    uint8_t uuid[16];
    if (!cJSON_IsString(id) || pri_uuid_parse(id->valuestring, uuid) != 0)
      return -1;
    settle(j, number);
    return add_batch(j, number, id->valuestring, people);
  }
  if (grow((void **)&j->intents, &j->intent_cap, j->intent_count,
           sizeof *j->intents) != 0)
    return -1;
  intent *it = &j->intents[j->intent_count++];
  memset(it, 0, sizeof *it);
  it->number = number;
  return read_people(people, &it->people);
}

/* People of intents never settled, and not submitted since, are
 * uncertain; 0 or -1. */
static int collect_uncertain(pri_journal *j) {
  int rc = 0;
  for (size_t i = 0; i < j->intent_count; i++) {
    intent *it = &j->intents[i];
    for (size_t k = 0; rc == 0 && !it->settled && k < it->people.count; k++)
      if (!pri_uuid_set_index(&j->submitted, it->people.items[k]) &&
          pri_uuid_set_add(&j->uncertain, it->people.items[k]) < 0)
        rc = -1;
    pri_uuid_set_free(&it->people);
  }
  pri_free(j->intents);
  j->intents = NULL;
  j->intent_count = j->intent_cap = 0;
  return rc;
}

/* Load every line. A last line torn by a crash in mid-write (no newline,
 * not a line of ours) is dropped: *keep tells how much of the file stays. */
static pubrio_status load(pri_journal *j, const char *path, unsigned types,
                          long *keep, pubrio_error *err) {
  char *line = NULL;
  size_t cap = 0, n = 0, bad_line = 0;
  int bad_terminated = 0;
  ssize_t len;
  long offset = 0;
  pubrio_status st = PUBRIO_OK;
  while (st == PUBRIO_OK && (len = getline(&line, &cap, j->file)) >= 0) {
    n++;
    if (bad_line) {
      bad_terminated = 1; /* not the last line: real damage */
      break;
    }
    cJSON *json = cJSON_ParseWithLength(line, (size_t)len);
    int ok = cJSON_IsObject(json) ? load_line(j, json, types, err) : -1;
    /* Only a file that starts with our header is ours to append to. */
    if (n == 1 && ok == 0 &&
        !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(json, "journal")))
      ok = -1;
    cJSON_Delete(json);
    if (n == 1 && ok == -1)
      st = pri_error_set(err, PUBRIO_E_JOURNAL,
                         "%s is not a pubrio journal (its first line is not "
                         "our header); refusing to touch it",
                         path);
    else if (ok > 0)
      st = (pubrio_status)ok;
    else if (ok < 0) {
      bad_line = n;
      bad_terminated = line[len - 1] == '\n';
      *keep = offset;
    }
    offset += len;
  }
  free(line); /* getline's, from libc */
  if (st == PUBRIO_OK && bad_line && bad_terminated)
    st = pri_error_set(err, PUBRIO_E_JOURNAL,
                       "%s line %zu is not a journal line", path, bad_line);
  else if (st == PUBRIO_OK && !bad_line)
    *keep = offset;
  else if (st == PUBRIO_OK)
    j->torn_line = 1;
  if (st == PUBRIO_OK && collect_uncertain(j) != 0)
    st = pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  return st;
}

/* Open (creating, 0600) and lock the file. The lock is what keeps two runs
 * (a cron job overlapping itself) from both submitting everything: the
 * second is refused at once. */
static pubrio_status open_locked(const char *path, int *fd_out,
                                 pubrio_error *err) {
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return pri_error_set(err, PUBRIO_E_JOURNAL,
                         "cannot open the journal %s: %s", path,
                         strerror(errno));
  struct stat st;
  const char *why = NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    why = "is not a regular file";
  else if (flock(fd, LOCK_EX | LOCK_NB) != 0)
    why = errno == EWOULDBLOCK ? "is in use by another run; two runs on one "
                                 "journal could charge twice"
                               : "cannot be locked";
  else if ((st.st_mode & 077) && fchmod(fd, 0600) != 0)
    why = "cannot be made private (mode 0600)";
  if (why) {
    close(fd);
    return pri_error_set(err, PUBRIO_E_JOURNAL, "the journal %s %s", path,
                         why);
  }
  *fd_out = fd;
  return PUBRIO_OK;
}

/* Write one line and push it to disk before anything else happens. */
static int append(pri_journal *j, cJSON *line) {
  char *text = line ? cJSON_PrintUnformatted(line) : NULL;
  cJSON_Delete(line);
  int ok = text && fprintf(j->file, "%s\n", text) > 0 &&
           fflush(j->file) == 0 && fsync(fileno(j->file)) == 0;
  if (!text)
    errno = ENOMEM;
  cJSON_free(text);
  return ok ? 0 : -1;
}

/* A foreign file may be one huge line: look at its start first. */
static int starts_like_ours(FILE *f) {
  static const char prefix[] = "{\"journal\":\"pubrio\"";
  char head[sizeof prefix - 1];
  size_t got = fread(head, 1, sizeof head, f);
  rewind(f);
  return got == 0 || (got == sizeof head && memcmp(head, prefix, got) == 0);
}

pubrio_status pri_journal_open(pri_journal **out, const char *path,
                               unsigned types, pubrio_error *err) {
  *out = NULL;
  int fd = -1;
  pubrio_status st = open_locked(path, &fd, err);
  if (st != PUBRIO_OK)
    return st;
  pri_journal *j = pri_calloc(1, sizeof *j);
  if (!j || !(j->file = fdopen(fd, "r+"))) {
    close(fd);
    pri_free(j);
    return pri_error_set(err, PUBRIO_E_OUT_OF_MEMORY, "out of memory");
  }
  j->next_number = 1;
  long keep = 0;
  if (!starts_like_ours(j->file))
    st = pri_error_set(err, PUBRIO_E_JOURNAL,
                       "%s is not a pubrio journal (it does not start with "
                       "our header); refusing to touch it",
                       path);
  if (st == PUBRIO_OK)
    st = load(j, path, types, &keep, err);
  if (st == PUBRIO_OK &&
      (ftruncate(fd, keep) != 0 || fseek(j->file, keep, SEEK_SET) != 0))
    st = pri_error_set(err, PUBRIO_E_JOURNAL,
                       "cannot write the journal %s: %s", path,
                       strerror(errno));
  if (st == PUBRIO_OK && keep == 0) { /* new or empty */
    cJSON *header = cJSON_CreateObject();
    cJSON_AddStringToObject(header, "journal", "pubrio");
    cJSON_AddNumberToObject(header, "version", JOURNAL_VERSION);
    cJSON_AddItemToObject(header, "types", types_json(types));
    if (append(j, header) != 0)
      st = pri_error_set(err, PUBRIO_E_JOURNAL,
                         "cannot write the journal %s: %s", path,
                         strerror(errno));
  }
  if (st != PUBRIO_OK) {
    pri_journal_close(j);
    return st;
  }
  *out = j;
  return PUBRIO_OK;
}

void pri_journal_close(pri_journal *j) {
  if (!j)
    return;
  if (j->file)
    fclose(j->file); /* releases the lock */
  for (size_t i = 0; i < j->count; i++)
    pri_free(j->batches[i].people);
  pri_free(j->batches);
  for (size_t i = 0; i < j->intent_count; i++)
    pri_uuid_set_free(&j->intents[i].people);
  pri_free(j->intents);
  pri_uuid_set_free(&j->submitted);
  pri_uuid_set_free(&j->uncertain);
  pri_free(j);
}

size_t pri_journal_batch_count(const pri_journal *j) { return j->count; }

const pri_journal_batch *pri_journal_batch_at(const pri_journal *j,
                                              size_t index) {
  return index < j->count ? &j->batches[index] : NULL;
}

const pri_uuid_set *pri_journal_uncertain(const pri_journal *j) {
  return &j->uncertain;
}

int pri_journal_next_number(const pri_journal *j) { return j->next_number; }

int pri_journal_torn_line_dropped(const pri_journal *j) { return j->torn_line; }

int pri_journal_intent(pri_journal *j, int number,
                       const uint8_t (*people)[16], size_t count) {
  cJSON *line = cJSON_CreateObject();
  if (line && (!cJSON_AddNumberToObject(line, "intent", number) ||
               !cJSON_AddItemToObject(line, "people",
                                      people_json(people, count)))) {
    cJSON_Delete(line);
    line = NULL;
  }
  return append(j, line);
}

int pri_journal_accepted(pri_journal *j, int number,
                         const char *redeem_query_id,
                         const uint8_t (*people)[16], size_t count) {
  cJSON *line = cJSON_CreateObject();
  if (line &&
      (!cJSON_AddNumberToObject(line, "batch", number) ||
       !cJSON_AddStringToObject(line, "redeem_query_id", redeem_query_id) ||
       !cJSON_AddItemToObject(line, "people", people_json(people, count)))) {
    cJSON_Delete(line);
    line = NULL;
  }
  return append(j, line);
}

int pri_journal_rejected(pri_journal *j, int number) {
  cJSON *line = cJSON_CreateObject();
  if (line && !cJSON_AddNumberToObject(line, "rejected", number)) {
    cJSON_Delete(line);
    line = NULL;
  }
  return append(j, line);
}
