#include "ids.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int id_list_push(id_list *list, const char *id) {
  cli_id *grown = cli_grow(list->ids, &list->cap, list->count, sizeof *grown);
  if (!grown)
    return -1;
  list->ids = grown;
  char *slot = list->ids[list->count++];
  for (int i = 0; i < 36; i++)
    slot[i] = (char)tolower((unsigned char)id[i]);
  slot[36] = '\0';
  return 0;
}

void id_list_free(id_list *list) {
  free(list->ids);
  memset(list, 0, sizeof *list);
}

static int compare_ids(const void *a, const void *b) {
  return memcmp(a, b, sizeof(cli_id));
}

void id_list_sort(id_list *list) {
  if (list->count)
    qsort(list->ids, list->count, sizeof *list->ids, compare_ids);
}

int id_list_contains(const id_list *sorted, const char *id) {
  cli_id key;
  memcpy(key, id, sizeof key);
  return sorted->count &&
         bsearch(key, sorted->ids, sorted->count, sizeof key, compare_ids);
}

/* Trim spaces and cut a comment; returns the id text or NULL for nothing. */
static char *clean_line(char *line) {
  char *hash = strchr(line, '#');
  if (hash)
    *hash = '\0';
  while (isspace((unsigned char)*line))
    line++;
  size_t len = strlen(line);
  while (len && isspace((unsigned char)line[len - 1]))
    line[--len] = '\0';
  return *line ? line : NULL;
}

typedef struct collector {
  pubrio_batch_request *seen; /* libpubrio validates and deduplicates */
  id_list *out;
  size_t bad;
} collector;

static int take(collector *c, const char *id, const char *where, size_t n) {
  pubrio_error err = {0};
  size_t dups = pubrio_batch_request_duplicates(c->seen);
  pubrio_status st = pubrio_batch_request_add_person(c->seen, id, &err);
  if (st == PUBRIO_E_INVALID_ARGUMENT) {
    fprintf(stderr,
            "pubrio: %s %zu: \"%.60s\" is not a people_search_id "
            "(a UUID)\n",
            where, n, id);
    c->bad++;
  } else if (st != PUBRIO_OK) {
    cli_print_error("reading ids", st, &err);
    pubrio_error_clear(&err);
    return -1;
  } else if (pubrio_batch_request_duplicates(c->seen) == dups &&
             id_list_push(c->out, id) != 0) {
    fprintf(stderr, "pubrio: out of memory\n");
    return -1;
  }
  pubrio_error_clear(&err);
  return 0;
}

static int read_stream(collector *c, FILE *in, const char *name) {
  char *line = NULL;
  size_t cap = 0;
  size_t n = 0;
  int rc = 0;
  while (rc == 0 && getline(&line, &cap, in) >= 0) {
    n++;
    char *id = clean_line(line);
    if (id)
      rc = take(c, id, "line", n);
  }
  if (ferror(in)) {
    fprintf(stderr, "pubrio: cannot read %s\n", name);
    rc = -1;
  }
  free(line);
  return rc;
}

int ids_collect(const cli_options *o, id_list *out, size_t *duplicates) {
  collector c = {NULL, out, 0};
  if (pubrio_batch_request_new(&c.seen, NULL) != PUBRIO_OK)
    return CLI_FAILED;
  int rc = 0;
  for (int i = 0; rc == 0 && i < o->id_count; i++)
    rc = take(&c, o->ids[i], "argument", (size_t)i + 1);
  if (rc == 0 && o->input_file) {
    int from_stdin = strcmp(o->input_file, "-") == 0;
    FILE *in = from_stdin ? stdin : fopen(o->input_file, "r");
    if (!in) {
      perror(o->input_file);
      rc = -1;
    } else {
      rc = read_stream(&c, in, from_stdin ? "standard input" : o->input_file);
      if (!from_stdin)
        fclose(in);
    }
  }
  *duplicates = pubrio_batch_request_duplicates(c.seen);
  pubrio_batch_request_free(c.seen);
  if (rc != 0)
    return CLI_USAGE;
  if (c.bad) {
    fprintf(stderr, "pubrio: %zu invalid id%s: nothing was sent\n", c.bad,
            c.bad == 1 ? "" : "s");
    return CLI_USAGE;
  }
  if (out->count == 0) {
    fprintf(stderr, "pubrio: no people_search_id given: nothing to do\n");
    return CLI_USAGE;
  }
  return CLI_OK;
}
