/* `pubrio lookup`: a CSV of people by email, phone, or name with a company
 * or domain, resolved to people_search_ids without buying anything. The
 * columns are found by their usual names (any case, spaces, underscores
 * or hyphens) or named with --column FIELD=NAME; the output is the same
 * rows in the same order with people_search_id filled in (or appended)
 * and a lookup_result column: exact, similarity_domain,
 * similarity_company, not found, or why the row was not looked up; with
 * --format json, one JSON object a row (JSON lines) with the same fields,
 * named by the header. The rows are held in memory (a CRM export, not a
 * data lake). */
#include "cli.h"

#include "atomic_file.h"
#include "csv_cell.h"
#include "csv_input.h"
#include "lookup_columns.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
  size_t line;
  size_t count;
  char **fields;
  size_t *lengths;
  long entry; /* the lookup entry, -1 when not looked up */
  char *why;  /* why not looked up (malloc'd) */
} row;

static struct lookup_rows {
  const cli_options *o;
  char delimiter;
  csv_input_info info;
  row *rows;
  size_t count, cap, width;
  long column[LOOKUP_COL_COUNT]; /* -1: none */
  int header_done;
  int failed;
} lr;

static int find_columns(const csv_record *header) {
  int rc = lookup_columns_find(header, lr.o->lookup_columns,
                               lr.o->lookup_column_count, lr.column);
  if (rc != 0)
    return rc;
  fputs("pubrio: the CSV header has no email, phone, name, company or domain "
        "column (name them with --column FIELD=NAME; see pubrio help "
        "lookup)\n",
        stderr);
  return CLI_USAGE;
}

static const char *cell(const row *r, int c) {
  long i = lr.column[c];
  return i >= 0 && (size_t)i < r->count ? r->fields[i] : "";
}

static int keep_record(void *ctx, const csv_record *rec) {
  (void)ctx;
  if (!lr.header_done) {
    lr.header_done = 1;
    int rc = find_columns(rec);
    if (rc >= 0) {
      lr.failed = rc;
      return 1;
    }
  }
  if (lr.count == lr.cap) {
    size_t cap = lr.cap ? lr.cap * 2 : 64;
    row *grown = realloc(lr.rows, cap * sizeof *grown);
    if (!grown)
      return lr.failed = CLI_FAILED;
    lr.rows = grown;
    lr.cap = cap;
  }
  row *r = &lr.rows[lr.count];
  memset(r, 0, sizeof *r);
  r->entry = -1;
  r->line = rec->line;
  r->fields = calloc(rec->count + 1, sizeof *r->fields);
  r->lengths = calloc(rec->count + 1, sizeof *r->lengths);
  if (!r->fields || !r->lengths) {
    free(r->fields);
    free(r->lengths);
    return lr.failed = CLI_FAILED;
  }
  lr.count++;
  for (size_t i = 0; i < rec->count; i++) {
    r->fields[i] = malloc(rec->lengths[i] + 1);
    if (!r->fields[i])
      return lr.failed = CLI_FAILED;
    memcpy(r->fields[i], rec->fields[i], rec->lengths[i] + 1);
    r->lengths[i] = rec->lengths[i];
    r->count = i + 1;
  }
  if (rec->count > lr.width)
    lr.width = rec->count;
  return 0;
}

/* The row as a lookup entry (lookup_columns.c): a bad row is named and
 * left out, never half added. */
static int add_row(pubrio_lookup_request *req, row *r) {
  const char *cells[LOOKUP_COL_COUNT];
  for (int c = 0; c < LOOKUP_COL_COUNT; c++)
    cells[c] = cell(r, c);
  return lookup_columns_add_row(req, cells, &r->entry, &r->why);
}

static void result_of(const row *r, const pubrio_lookup_result *res, char *buf,
                      size_t size, const char **id) {
  *id = NULL;
  const pubrio_lookup_answer *a =
      r->entry >= 0 ? pubrio_lookup_result_answer(res, (size_t)r->entry) : NULL;
  if (!a) {
    snprintf(buf, size, "%s", r->why ? r->why : "not looked up");
    return;
  }
  switch (a->outcome) {
  case PUBRIO_LOOKUP_FOUND:
    *id = a->people_search_id;
    snprintf(buf, size, "%s", pubrio_lookup_confidence_str(a->confidence));
    break;
  case PUBRIO_LOOKUP_NOT_FOUND: snprintf(buf, size, "not found"); break;
  case PUBRIO_LOOKUP_NOT_LOOKED_UP:
    snprintf(buf, size,
             "not looked up: only a name with a company or domain (add "
             "--similar to look it up by similarity)");
    break;
  case PUBRIO_LOOKUP_NOT_SENT:
    snprintf(buf, size, "not sent: the lookup stopped at an earlier failure");
    break;
  case PUBRIO_LOOKUP_FAILED:
  default:
    snprintf(buf, size, "error: %s%s", a->reason ? a->reason : "failed",
             a->submit_state == PUBRIO_SUBMIT_UNCERTAIN
                 ? " (maybe charged; not sent again)"
                 : "");
    break;
  }
}

static void end_row(FILE *out) { fputs(lr.info.crlf ? "\r\n" : "\n", out); }

static void write_rows(const pubrio_lookup_result *res) {
  long id_col = lr.column[LOOKUP_COL_ID];
  if (lr.info.bom)
    fputs("\xEF\xBB\xBF", stdout);
  for (size_t n = 0; n < lr.count; n++) {
    const row *r = &lr.rows[n];
    char result[1024];
    const char *id = NULL;
    if (n > 0)
      result_of(r, res, result, sizeof result, &id);
    for (size_t i = 0; i < lr.width; i++) {
      if (i)
        fputc(lr.delimiter, stdout);
      int fill = n > 0 && (long)i == id_col && id &&
                 (i >= r->count || lookup_blank(r->fields[i]));
      if (fill)
        fputs(id, stdout);
      else if (i < r->count)
        csv_cell_put_field(stdout, r->fields[i], r->lengths[i], lr.delimiter);
    }
    if (id_col < 0) {
      fputc(lr.delimiter, stdout);
      if (n == 0)
        fputs("people_search_id", stdout);
      else if (id)
        fputs(id, stdout);
    }
    fputc(lr.delimiter, stdout);
    if (n == 0)
      fputs("lookup_result", stdout);
    else
      csv_cell_put_text(stdout, result, lr.delimiter);
    end_row(stdout);
  }
}

/* The JSON name of column @p i: its header cell, or "column_N" (from 1)
 * when the header has none there or named an earlier column the same. */
static const char *json_name(size_t i, char *buf, size_t size) {
  const row *h = &lr.rows[0];
  int usable =
      i < h->count && h->fields[i][0] && strlen(h->fields[i]) == h->lengths[i];
  for (size_t j = 0; usable && j < i; j++)
    usable = j >= h->count || strcmp(h->fields[j], h->fields[i]) != 0;
  if (usable && (strcmp(h->fields[i], "lookup_result") == 0 ||
                 (lr.column[LOOKUP_COL_ID] < 0 &&
                  strcmp(h->fields[i], "people_search_id") == 0)))
    usable = 0; /* the fields appended below keep their names */
  if (usable)
    return h->fields[i];
  snprintf(buf, size, "column_%zu", i + 1);
  return buf;
}

/* --format json: each input row as one JSON object, the CSV's fields by
 * the header's names; 0, or -1 when out of memory. */
static int write_json_rows(const pubrio_lookup_result *res) {
  long id_col = lr.column[LOOKUP_COL_ID];
  for (size_t n = 1; n < lr.count; n++) {
    const row *r = &lr.rows[n];
    char result[1024], name[32];
    const char *id = NULL;
    result_of(r, res, result, sizeof result, &id);
    cJSON *obj = cJSON_CreateObject();
    int ok = obj != NULL;
    for (size_t i = 0; ok && i < lr.width; i++) {
      int fill = (long)i == id_col && id &&
                 (i >= r->count || lookup_blank(r->fields[i]));
      const char *value = fill ? id : i < r->count ? r->fields[i] : "";
      ok = cJSON_AddStringToObject(obj, json_name(i, name, sizeof name),
                                   value) != NULL;
    }
    if (ok && id_col < 0)
      ok = (id ? cJSON_AddStringToObject(obj, "people_search_id", id)
               : cJSON_AddNullToObject(obj, "people_search_id")) != NULL;
    if (ok)
      ok = cJSON_AddStringToObject(obj, "lookup_result", result) != NULL;
    char *text = ok ? cJSON_PrintUnformatted(obj) : NULL;
    char *safe = text ? text_json_escape_controls(text) : NULL;
    if (safe)
      printf("%s\n", safe);
    free(safe);
    cJSON_free(text);
    cJSON_Delete(obj);
    if (!safe)
      return -1;
  }
  return 0;
}

static void free_rows(void) {
  for (size_t n = 0; n < lr.count; n++) {
    for (size_t i = 0; i < lr.rows[n].count; i++)
      free(lr.rows[n].fields[i]);
    free(lr.rows[n].fields);
    free(lr.rows[n].lengths);
    free(lr.rows[n].why);
  }
  free(lr.rows);
  memset(&lr, 0, sizeof lr);
}

static int read_rows(const cli_options *o) {
  FILE *in =
      strcmp(o->input_file, "-") == 0 ? stdin : fopen(o->input_file, "rb");
  if (!in) {
    fprintf(stderr, "pubrio: cannot read %s: %s\n", o->input_file,
            strerror(errno));
    return CLI_USAGE;
  }
  int rc = csv_input_read(in, o->input_file, lr.delimiter, keep_record, NULL,
                          &lr.info);
  if (in != stdin)
    fclose(in);
  if (lr.failed)
    return lr.failed;
  if (rc != 0)
    return CLI_USAGE;
  if (!lr.header_done) {
    fprintf(stderr, "pubrio: %s is empty: a CSV with a header is needed\n",
            o->input_file);
    return CLI_USAGE;
  }
  return -1;
}

static void dry_run(const pubrio_lookup_request *req, size_t unusable) {
  size_t lookups = 0, refused = 0, requests = 0;
  pubrio_lookup_request_plan(req, &lookups, &refused, &requests, NULL);
  printf("dry run: %zu %s: %zu %s (worst case %zu %s: 1 per match; misses "
         "and duplicates free), in %zu %s of up to %d\n",
         lr.count - 1, text_plural(lr.count - 1, "row", "rows"), lookups,
         text_plural(lookups, "lookup", "lookups"), lookups,
         text_plural(lookups, "credit", "credits"), requests,
         text_plural(requests, "request", "requests"), lr.o->batch_size);
  if (refused)
    printf("  %zu %s with only a name and a company or domain: not looked "
           "up without --similar\n",
           refused, text_plural(refused, "row", "rows"));
  if (unusable)
    printf("  %zu %s cannot be looked up (see the messages)\n", unusable,
           text_plural(unusable, "row", "rows"));
}

static int lookup(const cli_options *o) {
  memset(&lr, 0, sizeof lr);
  lr.o = o;
  lr.delimiter = o->delimiter ? o->delimiter : ',';
  int rc = read_rows(o);
  pubrio_lookup_request *req = NULL;
  if (rc < 0 && pubrio_lookup_request_new(&req, NULL) != PUBRIO_OK)
    rc = CLI_FAILED;
  if (rc < 0) {
    pubrio_lookup_request_set_similarity(req, o->lookup_similar, NULL);
    pubrio_lookup_request_set_batch_size(req, (size_t)o->batch_size, NULL);
    if (o->has_profile_id)
      pubrio_lookup_request_set_profile_id(req, o->profile_id, NULL);
  }
  size_t unusable = 0;
  for (size_t n = 1; rc < 0 && n < lr.count; n++) {
    if (add_row(req, &lr.rows[n]) != 0)
      rc = CLI_FAILED;
    else if (lr.rows[n].why) {
      unusable++;
      if (!o->quiet) {
        fprintf(stderr, "pubrio: line %zu: ", lr.rows[n].line);
        text_put(stderr, lr.rows[n].why, 600);
        fputc('\n', stderr);
      }
    }
  }
  pubrio_lookup_result *res = NULL;
  if (rc < 0 && o->dry_run) {
    dry_run(req, unusable);
    rc = CLI_OK;
  } else if (rc < 0) {
    pubrio_client *client =
        pubrio_lookup_request_count(req) ? cli_make_client(o) : NULL;
    pubrio_status st = PUBRIO_OK;
    pubrio_error err = {0};
    if (pubrio_lookup_request_count(req) && !client)
      rc = CLI_USAGE;
    else if (client)
      st = pubrio_lookup_batch(client, req, &res, &err);
    if (rc < 0 && o->format == FORMAT_JSON && o->format_given) {
      if (write_json_rows(res) != 0) {
        fputs("pubrio: out of memory writing the rows\n", stderr);
        rc = CLI_FAILED;
      }
    } else if (rc < 0) {
      write_rows(res);
    }
    if (rc < 0) {
      if (st != PUBRIO_OK)
        cli_print_error("lookup", st, &err);
      rc = st == PUBRIO_OK                               ? CLI_OK
           : err.submit_state == PUBRIO_SUBMIT_UNCERTAIN ? CLI_UNCERTAIN
                                                         : cli_exit_code(st);
      if (ferror(stdout))
        rc = CLI_OUTPUT;
    }
    if (res && !o->quiet) {
      size_t found = 0, missed = 0;
      for (size_t i = 0; i < pubrio_lookup_result_count(res); i++) {
        pubrio_lookup_outcome how =
            pubrio_lookup_result_answer(res, i)->outcome;
        found += how == PUBRIO_LOOKUP_FOUND;
        missed += how == PUBRIO_LOOKUP_NOT_FOUND;
      }
      int64_t charged;
      size_t requests;
      pubrio_lookup_result_totals(res, &charged, &requests);
      fprintf(stderr,
              "pubrio: %zu found, %zu not found, %zu requests, %lld credits "
              "charged\n",
              found, missed, requests, (long long)charged);
    }
    pubrio_error_clear(&err);
    cli_free_client(client);
  }
  pubrio_lookup_result_free(res);
  pubrio_lookup_request_free(req);
  free_rows();
  return rc;
}

static int usage(const char *message) {
  fprintf(stderr, "pubrio: %s\nTry 'pubrio help lookup'.\n", message);
  return CLI_USAGE;
}

int cli_lookup(int argc, char **argv, const cli_options *options) {
  cli_options o = *options;
  if (argc > 1 || (argc == 1 && o.input_file))
    return usage("lookup reads one CSV file: --input FILE or FILE ('-': "
                 "standard input)");
  if (argc == 1)
    o.input_file = argv[0];
  if (!o.input_file)
    return usage("lookup needs a CSV file: --input FILE");
  if (!lookup_columns_check(o.lookup_columns, o.lookup_column_count))
    return CLI_USAGE;
  if (o.key_from_stdin && strcmp(o.input_file, "-") == 0)
    return usage("standard input cannot hold both the key and the CSV");
  cli_catch_signals();
  return atomic_file_run(&o, lookup);
}
