#include "journal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

enum { JOURNAL_VERSION = 1 };

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

/* Write one line and push it to disk before anything else happens. */
static int append(journal *j, cJSON *line) {
  char *text = cJSON_PrintUnformatted(line);
  cJSON_Delete(line);
  int ok = text && fprintf(j->file, "%s\n", text) > 0 && fflush(j->file) == 0 &&
           fsync(fileno(j->file)) == 0;
  cJSON_free(text);
  if (!ok)
    fprintf(stderr, "pubrio: writing the journal failed: %s\n",
            strerror(errno));
  return ok ? 0 : -1;
}

static cJSON *people_json(cli_id *people, size_t n) {
  cJSON *list = cJSON_CreateArray();
  for (size_t i = 0; i < n; i++)
    cJSON_AddItemToArray(list, cJSON_CreateString(people[i]));
  return list;
}

static int read_people(const cJSON *list, id_list *out) {
  const cJSON *item;
  cJSON_ArrayForEach(item, list) {
    if (!cJSON_IsString(item) || strlen(item->valuestring) != PUBRIO_ID_LEN ||
        id_list_push(out, item->valuestring) != 0)
      return -1;
  }
  return 0;
}

typedef struct intent {
  int number;
  int settled; /* accepted or rejected */
  id_list people;
} intent;

typedef struct intent_log {
  intent *items;
  size_t count;
  size_t cap;
} intent_log;

static intent *find_intent(intent_log *log, int number) {
  for (size_t i = log->count; i-- > 0;)
    if (log->items[i].number == number)
      return &log->items[i];
  return NULL;
}

static int add_intent(intent_log *log, int number, const cJSON *people) {
  intent *grown = cli_grow(log->items, &log->cap, log->count, sizeof *grown);
  if (!grown)
    return -1;
  log->items = grown;
  intent *it = &log->items[log->count++];
  memset(it, 0, sizeof *it);
  it->number = number;
  return read_people(people, &it->people);
}

static void settle(intent_log *log, int number) {
  intent *it = find_intent(log, number);
  if (it)
    it->settled = 1;
}

/* A batch number as we write them: an integer in 1..INT_MAX - 1 (so the
 * next number never overflows); -1 for anything else. */
static int batch_number(const cJSON *item) {
  if (!cJSON_IsNumber(item))
    return -1;
  double v = item->valuedouble;
  return v >= 1 && v < INT_MAX && v == (double)(int)v ? (int)v : -1;
}

/* Apply one journal line; -1 when it is not one we wrote, -2 after
 * printing why the journal cannot be used. */
static int load_line(journal *j, const cJSON *line, intent_log *intents,
                     unsigned types) {
  const cJSON *header = cJSON_GetObjectItemCaseSensitive(line, "journal");
  const cJSON *batch = cJSON_GetObjectItemCaseSensitive(line, "batch");
  const cJSON *intent_no = cJSON_GetObjectItemCaseSensitive(line, "intent");
  const cJSON *rejected = cJSON_GetObjectItemCaseSensitive(line, "rejected");
  const cJSON *people = cJSON_GetObjectItemCaseSensitive(line, "people");
  if (cJSON_IsString(header)) {
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(line, "version");
    if (!cJSON_IsNumber(version) || version->valuedouble != JOURNAL_VERSION) {
      fprintf(stderr, "pubrio: the journal has a version this pubrio does "
                      "not know; use the pubrio that wrote it\n");
      return -2;
    }
    unsigned had =
        types_from_json(cJSON_GetObjectItemCaseSensitive(line, "types"));
    if (had != types) {
      fprintf(stderr, "pubrio: the journal was written for other contact "
                      "types; use the same --types or another journal\n");
      return -2;
    }
    return 0;
  }
  if (rejected) {
    int number = batch_number(rejected);
    if (number < 0)
      return -1;
    settle(intents, number);
    return 0;
  }
  int number = batch ? batch_number(batch) : batch_number(intent_no);
  if (number < 0 || !cJSON_IsArray(people))
    return -1;
  if (number >= j->next_number)
    j->next_number = number + 1;
  if (!batch)
    return add_intent(intents, number, people);
  settle(intents, number);
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(line, "redeem_query_id");
  if (!cJSON_IsString(id) || strlen(id->valuestring) != PUBRIO_ID_LEN)
    return -1;
  journal_batch *grown =
      cli_grow(j->batches, &j->batches_cap, j->count, sizeof *grown);
  if (!grown)
    return -1;
  j->batches = grown;
  journal_batch *b = &j->batches[j->count++];
  memset(b, 0, sizeof *b);
  b->number = number;
  memcpy(b->redeem_query_id, id->valuestring, PUBRIO_ID_LEN + 1);
  if (read_people(people, &b->people) != 0)
    return -1;
  for (size_t i = 0; i < b->people.count; i++)
    if (id_list_push(&j->submitted, b->people.ids[i]) != 0)
      return -1;
  return 0;
}

/* Load every line. A last line torn by a crash in mid-write (no newline,
 * not JSON) is dropped: *keep_bytes tells how much of the file to keep. */
static int load(journal *j, FILE *f, const char *path, unsigned types,
                long *keep_bytes) {
  intent_log intents = {0};
  char *line = NULL;
  size_t cap = 0, n = 0, bad_line = 0;
  int bad_terminated = 0;
  ssize_t len;
  long offset = 0;
  int rc = 0;
  while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
    n++;
    if (bad_line) {
      bad_terminated = 1; /* not the last line: real damage */
      break;
    }
    cJSON *json = cJSON_ParseWithLength(line, (size_t)len);
    int ok = cJSON_IsObject(json) ? load_line(j, json, &intents, types) : -1;
    /* Only a file that starts with our header is ours to append to. */
    if (n == 1 && ok == 0 &&
        !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(json, "journal")))
      ok = -1;
    if (n == 1 && ok == -1) {
      fprintf(stderr,
              "pubrio: %s is not a pubrio journal (its first line is not "
              "our header); refusing to touch it\n",
              path);
      ok = -2;
    }
    cJSON_Delete(json);
    if (ok == -2)
      rc = -1;
    else if (ok != 0) {
      bad_line = n;
      bad_terminated = line[len - 1] == '\n';
      *keep_bytes = offset;
    }
    offset += len;
  }
  free(line);
  if (rc == 0 && bad_line && bad_terminated) {
    fprintf(stderr, "pubrio: %s line %zu is not a journal line\n", path,
            bad_line);
    rc = -1;
  } else if (rc == 0 && bad_line) {
    fprintf(stderr, "pubrio: dropping a torn last line in %s\n", path);
  } else {
    *keep_bytes = offset;
  }
  id_list_sort(&j->submitted);
  for (size_t i = 0; i < intents.count; i++) {
    intent *it = &intents.items[i];
    for (size_t k = 0; rc == 0 && !it->settled && k < it->people.count; k++)
      if (!id_list_contains(&j->submitted, it->people.ids[k]) &&
          id_list_push(&j->uncertain, it->people.ids[k]) != 0)
        rc = -1;
    id_list_free(&it->people);
  }
  free(intents.items);
  id_list_sort(&j->uncertain);
  return rc;
}

/* Open (creating, 0600) and lock the journal file; -1 after printing why.
 * The lock is what keeps two runs (a cron job overlapping itself) from both
 * submitting everything: the second is refused at once. */
static int open_locked(const char *path) {
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    fprintf(stderr, "pubrio: cannot open the journal %s: %s\n", path,
            strerror(errno));
    return -1;
  }
  struct stat st;
  const char *why = NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    why = "is not a regular file";
  else if (flock(fd, LOCK_EX | LOCK_NB) != 0)
    why = errno == EWOULDBLOCK ? "is in use by another pubrio run; two runs "
                                 "on one journal could charge twice"
                               : "cannot be locked";
  else if ((st.st_mode & 077) && fchmod(fd, 0600) != 0)
    why = "cannot be made private (mode 0600)";
  if (why) {
    fprintf(stderr, "pubrio: the journal %s %s\n", path, why);
    close(fd);
    return -1;
  }
  return fd;
}

int journal_open(journal *j, const char *path, unsigned types) {
  memset(j, 0, sizeof *j);
  j->next_number = 1;
  int fd = open_locked(path);
  if (fd < 0)
    return CLI_USAGE;
  j->file = fdopen(fd, "r+");
  if (!j->file) {
    close(fd);
    fprintf(stderr, "pubrio: cannot read the journal %s\n", path);
    return CLI_USAGE;
  }
  /* Look before reading lines: a foreign file may be one huge line. */
  static const char prefix[] = "{\"journal\":\"pubrio\"";
  char head[sizeof prefix - 1];
  size_t got = fread(head, 1, sizeof head, j->file);
  if (got > 0 && (got < sizeof head || memcmp(head, prefix, got) != 0)) {
    fprintf(stderr,
            "pubrio: %s is not a pubrio journal (it does not start with our "
            "header); refusing to touch it\n",
            path);
    return CLI_USAGE;
  }
  rewind(j->file);
  long keep = 0;
  if (load(j, j->file, path, types, &keep) != 0)
    return CLI_USAGE;
  if (ftruncate(fd, keep) != 0 || fseek(j->file, keep, SEEK_SET) != 0) {
    fprintf(stderr, "pubrio: cannot write the journal %s: %s\n", path,
            strerror(errno));
    return CLI_USAGE;
  }
  if (keep == 0) { /* new or empty */
    cJSON *header = cJSON_CreateObject();
    cJSON_AddStringToObject(header, "journal", "pubrio");
    cJSON_AddNumberToObject(header, "version", JOURNAL_VERSION);
    cJSON_AddItemToObject(header, "types", types_json(types));
    if (append(j, header) != 0)
      return CLI_USAGE;
  }
  return CLI_OK;
}

int journal_intent(journal *j, int number, cli_id *people, size_t n) {
  cJSON *line = cJSON_CreateObject();
  cJSON_AddNumberToObject(line, "intent", number);
  cJSON_AddItemToObject(line, "people", people_json(people, n));
  return append(j, line);
}

int journal_rejected(journal *j, int number) {
  cJSON *line = cJSON_CreateObject();
  cJSON_AddNumberToObject(line, "rejected", number);
  return append(j, line);
}

int journal_accepted(journal *j, int number, const char *redeem_query_id,
                     cli_id *people, size_t n) {
  cJSON *line = cJSON_CreateObject();
  cJSON_AddNumberToObject(line, "batch", number);
  cJSON_AddStringToObject(line, "redeem_query_id", redeem_query_id);
  cJSON_AddItemToObject(line, "people", people_json(people, n));
  return append(j, line);
}

void journal_close(journal *j) {
  if (j->file)
    fclose(j->file);
  for (size_t i = 0; i < j->count; i++)
    id_list_free(&j->batches[i].people);
  free(j->batches);
  id_list_free(&j->submitted);
  id_list_free(&j->uncertain);
  memset(j, 0, sizeof *j);
}
