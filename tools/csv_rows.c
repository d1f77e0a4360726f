#include "csv_rows.h"

#include "csv_cell.h"
#include "csv_input.h"
#include "lookup_columns.h"
#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The columns appended to every row, in this order. */
static const char *const appended[] = {
    "email_work",     "email_work_status",
    "email_personal", "email_personal_status",
    "phone",          "phone_status",
    "pubrio_result"};
enum { VALUES = 6 }; /* the contact columns, before pubrio_result */

/* One person of the run: a row's id or canonical URL, and its result. */
typedef struct person_entry {
  char *key;            /* a lower-case people_search_id or a canonical URL */
  int batch;            /* its batch in this run, 0 when none was seen */
  int collected;        /* the run handed the person out */
  char *values[VALUES]; /* the appended contact columns, as answered */
  char *other;          /* contacts of a type this version does not know:
                           paid for, so written too ("type: value") */
  const char *fixed;    /* a result known before the run (static text) */
  char *failure;        /* why the run could not redeem it */
  char *found_id;       /* by URL: the people_search_id it came to */
  int by_url;           /* an id input's LinkedIn URL (key is the URL) */
  char *lookup_id;      /* a lookup row: the person found */
  char *lookup_result;  /* a lookup row: exact, similarity_..., not found,
                           or why it was not looked up */
  struct person_entry *next; /* every entry in the order first seen (an id
                                input's order), and for freeing */
} person_entry;

typedef struct batch_state {
  char *redeem_query_id;
  int done;
} batch_state;

static struct csv_rows {
  const cli_options *o;
  FILE *in; /* the input, read again by the second pass */
  const char *name;
  char delimiter;
  long id_column, url_column; /* -1: none */
  size_t header_count;        /* fields in the header */
  size_t width;               /* fields in the widest record */
  csv_input_info info;
  void *people; /* person_entry by key (tsearch) */
  person_entry *all, *last;
  int by_ids;  /* ids or URLs, not a CSV input: one row a person */
  int has_url; /* some id input is a LinkedIn URL: linkedin_url column */
  batch_state *batches;
  size_t batch_cap;
  ids_take_fn take;
  void *take_ctx;   /* what @take is handed */
  pubrio_bulk *run; /* the run the lookups join */
  int second_pass;
  int active;
  int out_of_memory;
  int take_failed; /* the run refused to take a person: reading stops */
  int has_other;   /* some contact's type is unknown: other_contacts */
  pubrio_status run_status;
  /* Rows with neither id nor URL, looked up by their other columns
   * (email, phone, names with a company or domain). */
  long lookup_column[LOOKUP_COL_COUNT];
  int has_lookup_columns;
  int header_seen;
  pubrio_lookup_request *lookups;
  size_t lookup_cursor; /* the second pass: the next row's entry */
  /* First-pass counts */
  size_t rows, by_id, by_url, url_refused, invalid, ragged, by_lookup;
} rows = {.id_column = -1, .url_column = -1};

/* A URL row's person into the run (first pass, once per distinct
 * canonical URL): NULL when handed over (its result comes as an event
 * filed under the URL), else the row's pubrio_result text (static). */
static const char *redeem_by_url(const char *canonical_url) {
  char why[256];
  int rc = rows.take(rows.take_ctx, canonical_url, why, sizeof why);
  if (rc < -1)
    rows.take_failed = 1;
  return rc == 0 ? NULL : "invalid: not a LinkedIn profile URL";
}

static int compare_keys(const void *a, const void *b) {
  return strcmp(((const person_entry *)a)->key, ((const person_entry *)b)->key);
}

static person_entry *find_person(const char *key) {
  person_entry probe = {.key = (char *)key};
  person_entry **found = tfind(&probe, &rows.people, compare_keys);
  return found ? *found : NULL;
}

/* The entry for @p key, made when new; NULL when out of memory. */
static person_entry *person(const char *key, int *is_new) {
  *is_new = 0;
  person_entry *e = find_person(key);
  if (e)
    return e;
  e = calloc(1, sizeof *e);
  if (e && !(e->key = strdup(key))) {
    free(e);
    e = NULL;
  }
  person_entry **slot = e ? tsearch(e, &rows.people, compare_keys) : NULL;
  if (!slot) {
    if (e)
      free(e->key);
    free(e);
    return NULL;
  }
  *is_new = 1;
  if (rows.last)
    rows.last->next = e;
  else
    rows.all = e;
  rows.last = e;
  return e;
}

static void free_person(person_entry *e) {
  tdelete(e, &rows.people, compare_keys);
  free(e->key);
  free(e->failure);
  free(e->lookup_id);
  free(e->lookup_result);
  free(e->other);
  free(e->found_id);
  for (int i = 0; i < VALUES; i++)
    free(e->values[i]);
  free(e);
}

/* @p text without the spaces and tabs around it, into @p buf (@p size);
 * 0, or -1 when it does not fit. */
static int trimmed(const char *text, char *buf, size_t size) {
  while (*text == ' ' || *text == '\t')
    text++;
  size_t len = strlen(text);
  while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
    len--;
  if (len >= size)
    return -1;
  memcpy(buf, text, len);
  buf[len] = '\0';
  return 0;
}

/* The column whose header is @p name (trimmed, any case), or -1. */
static long column_named(const csv_record *header, const char *name) {
  char want[256], have[256];
  if (trimmed(name, want, sizeof want) != 0)
    return -1;
  for (size_t i = 0; i < header->count; i++)
    if (trimmed(header->fields[i], have, sizeof have) == 0 &&
        strcasecmp(have, want) == 0)
      return (long)i;
  return -1;
}

static void list_headers(const csv_record *header) {
  fputs("pubrio: the headers are:", stderr);
  for (size_t i = 0; i < header->count; i++) {
    fputs(i ? ", \"" : " \"", stderr);
    text_put(stderr, header->fields[i], 80);
    fputc('"', stderr);
  }
  fputc('\n', stderr);
}

/* A header read as one field that another delimiter would split (a
 * European spreadsheet's ';'): say which --delimiter to pass. */
static void suggest_delimiter(const csv_record *header) {
  static const char candidates[] = ";\t|,";
  if (header->count != 1)
    return;
  for (const char *d = candidates; *d; d++)
    if (*d != rows.delimiter && strchr(header->fields[0], *d)) {
      fprintf(stderr,
              "pubrio: the header holds '%s' and no '%c': pass --delimiter "
              "%s\n",
              *d == '\t' ? "\\t" : (char[]){*d, '\0'}, rows.delimiter,
              *d == '\t'  ? "tab"
              : *d == ';' ? "';'"
              : *d == '|' ? "'|'"
                          : ",");
      return;
    }
}

/* Find the id and URL columns; -1 after printing why (a usage error). */
static int find_columns(const csv_record *header) {
  const cli_options *o = rows.o;
  rows.header_count = rows.width = header->count;
  const char *named[2] = {o->id_column, o->url_column};
  const char *option[2] = {"--id-column", "--url-column"};
  long found[2] = {-1, -1};
  for (int k = 0; k < 2; k++) {
    if (!named[k])
      continue;
    found[k] = column_named(header, named[k]);
    if (found[k] < 0) {
      fprintf(stderr, "pubrio: %s \"", option[k]);
      text_put(stderr, named[k], 80);
      fprintf(stderr, "\": %s has no such column\n", rows.name);
      list_headers(header);
      return -1;
    }
  }
  if (!o->id_column && !o->url_column) {
    found[0] = column_named(header, "people_search_id");
    found[1] = column_named(header, "linkedin_url");
    if (found[1] < 0)
      found[1] = column_named(header, "linkedin");
  }
  int lookup = lookup_columns_find(header, o->lookup_columns,
                                   o->lookup_column_count, rows.lookup_column);
  if (lookup == CLI_USAGE)
    return -1;
  rows.has_lookup_columns = lookup == -1;
  if (found[0] < 0 && found[1] < 0 && !rows.has_lookup_columns) {
    fprintf(stderr,
            "pubrio: %s has no people_search_id, linkedin_url or linkedin "
            "column, nor an email, phone or name column to look people up "
            "by: name one with --id-column, --url-column or --column\n",
            rows.name);
    list_headers(header);
    suggest_delimiter(header);
    return -1;
  }
  rows.id_column = found[0];
  rows.url_column = found[1];
  return 0;
}

/* 1 when the field at @p column holds a NUL byte (binary input). */
static int has_nul(const csv_record *rec, long column) {
  return (size_t)column < rec->count &&
         strlen(rec->fields[column]) != rec->lengths[column];
}

typedef struct verdict {
  person_entry *entry; /* NULL: the row cannot be redeemed */
  int by_url;
  char reason[192]; /* why not, without "invalid: " */
} verdict;

static int classify_lookup(const csv_record *rec, verdict *v);

/* Whether a row has something to look its person up by. */
static int has_lookup_cells(const csv_record *rec) {
  for (int c = 0; rows.has_lookup_columns && c < LOOKUP_COL_ID; c++)
    if (rows.lookup_column[c] >= 0 &&
        !lookup_blank(csv_record_field(rec, (size_t)rows.lookup_column[c])))
      return 1;
  return 0;
}

/* Which person a row names, the same way in both passes: by its id when it
 * is valid, else by its URL. The first pass hands each person to the run;
 * the second finds what the first filed. -1 when reading must stop. */
static int classify(const csv_record *rec, verdict *v) {
  memset(v, 0, sizeof *v);
  char id[64] = "";
  int has_id = rows.id_column >= 0 &&
               trimmed(csv_record_field(rec, (size_t)rows.id_column), id,
                       sizeof id) == 0 &&
               *id;
  int long_id = rows.id_column >= 0 && !has_id &&
                trimmed(csv_record_field(rec, (size_t)rows.id_column), id,
                        sizeof id) != 0;
  int has_url = rows.url_column >= 0 &&
                *csv_record_field(rec, (size_t)rows.url_column) != '\0';
  int id_bad = long_id || (has_id && has_nul(rec, rows.id_column));
  if (has_id && !id_bad) {
    for (char *c = id; *c; c++)
      *c = (char)tolower((unsigned char)*c);
    if (!rows.second_pass) {
      char why[256];
      int rc = rows.take(rows.take_ctx, id, why, sizeof why);
      if (rc < -1)
        return -1;
      id_bad = rc == -1;
    } else {
      id_bad = find_person(id) == NULL; /* the first pass filed every
                                            valid id */
    }
    if (!id_bad) {
      int is_new;
      v->entry = person(id, &is_new);
      if (!v->entry) {
        rows.out_of_memory = 1;
        return -1;
      }
      return 0;
    }
  }
  const char *id_why =
      id_bad ? "people_search_id is not a canonical UUID (8-4-4-4-12 hex)"
             : NULL;
  if (!has_url && !id_bad && has_lookup_cells(rec))
    return classify_lookup(rec, v);
  if (!has_url) {
    snprintf(v->reason, sizeof v->reason, "%s",
             id_why ? id_why : "no people_search_id or LinkedIn URL");
    return 0;
  }
  char canonical[PUBRIO_LINKEDIN_URL_MAX];
  pubrio_error err = {0};
  const char *raw = csv_record_field(rec, (size_t)rows.url_column);
  pubrio_status st = has_nul(rec, rows.url_column)
                         ? PUBRIO_E_INVALID_ARGUMENT
                         : pubrio_linkedin_url_normalize(
                               raw, canonical, sizeof canonical, &err);
  if (st != PUBRIO_OK) {
    snprintf(v->reason, sizeof v->reason, "%s%s%s", id_why ? id_why : "",
             id_why ? "; " : "",
             err.message ? err.message : "the LinkedIn URL holds a NUL byte");
    pubrio_error_clear(&err);
    return 0;
  }
  int is_new;
  v->entry = person(canonical, &is_new);
  v->by_url = 1;
  if (!v->entry) {
    rows.out_of_memory = 1;
    return -1;
  }
  if (is_new && !rows.second_pass)
    v->entry->fixed = redeem_by_url(canonical);
  return rows.take_failed ? -1 : 0;
}

/* A row with neither id nor URL: a lookup entry of the run (entries are
 * numbered in row order, so the second pass counts them again). */
static int classify_lookup(const csv_record *rec, verdict *v) {
  const char *cells[LOOKUP_COL_COUNT];
  for (int c = 0; c < LOOKUP_COL_COUNT; c++)
    cells[c] =
        rows.lookup_column[c] >= 0 && !has_nul(rec, rows.lookup_column[c])
            ? csv_record_field(rec, (size_t)rows.lookup_column[c])
            : "";
  pubrio_lookup_request *scratch = NULL;
  pubrio_lookup_request *into = rows.lookups;
  if (rows.second_pass &&
      pubrio_lookup_request_new(&scratch, NULL) != PUBRIO_OK) {
    rows.out_of_memory = 1;
    return -1;
  }
  if (rows.second_pass)
    into = scratch;
  long entry = -1;
  char *why = NULL;
  int rc = lookup_columns_add_row(into, cells, &entry, &why);
  pubrio_lookup_request_free(scratch);
  if (rc != 0) {
    rows.out_of_memory = 1;
    return -1;
  }
  if (entry < 0) { /* with an id or URL column, what it lacks is those */
    snprintf(v->reason, sizeof v->reason, "%s",
             rows.id_column >= 0 || rows.url_column >= 0
                 ? "no people_search_id or LinkedIn URL"
             : why ? why
                   : "not looked up: nothing to look up by");
    free(why);
    return 0;
  }
  char key[32];
  snprintf(key, sizeof key, "#%zu",
           rows.second_pass ? rows.lookup_cursor++ : (size_t)entry);
  int is_new;
  if (!(v->entry = person(key, &is_new))) {
    rows.out_of_memory = 1;
    return -1;
  }
  return 0;
}

static void name_row(const csv_record *rec, const char *what) {
  fprintf(stderr, "pubrio: %s line %zu: %s\n", rows.name, rec->line, what);
}

/* The first pass, one record. */
static int read_record(void *ctx, const csv_record *rec) {
  (void)ctx;
  if (!rows.header_seen) {
    rows.header_seen = 1;
    return find_columns(rec) == 0 ? 0 : 2;
  }
  rows.rows++;
  if (rec->count != rows.header_count) {
    char what[128];
    snprintf(what, sizeof what, "%zu %s where the header has %zu (kept)",
             rec->count, text_plural(rec->count, "field", "fields"),
             rows.header_count);
    name_row(rec, what);
    rows.ragged++;
    if (rec->count > rows.width)
      rows.width = rec->count;
  }
  verdict v;
  if (classify(rec, &v) != 0)
    return 1;
  if (!v.entry) {
    char what[256];
    snprintf(what, sizeof what, "invalid: %s", v.reason);
    name_row(rec, what);
    rows.invalid++;
  } else if (v.entry->key[0] == '#') {
    rows.by_lookup++;
  } else if (v.by_url) {
    rows.by_url++;
    rows.url_refused += v.entry->fixed != NULL;
  } else {
    rows.by_id++;
  }
  return 0;
}

/* Standard input is read twice: it is spooled to an anonymous temporary
 * file first. */
static FILE *open_input(const char *path) {
  if (strcmp(path, "-") != 0) {
    FILE *f = fopen(path, "rb");
    if (!f)
      fprintf(stderr, "pubrio: cannot read %s: %s\n", path, strerror(errno));
    return f;
  }
  FILE *spool = tmpfile();
  if (!spool) {
    fprintf(stderr, "pubrio: cannot spool standard input: %s\n",
            strerror(errno));
    return NULL;
  }
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
    if (fwrite(buf, 1, n, spool) != n)
      break;
  if (ferror(stdin) || ferror(spool) || fflush(spool) != 0) {
    fprintf(stderr, "pubrio: cannot spool standard input: %s\n",
            strerror(errno));
    fclose(spool);
    return NULL;
  }
  rewind(spool);
  return spool;
}

int csv_rows_read(const cli_options *o, ids_take_fn take, void *ctx,
                  pubrio_bulk *run) {
  rows.o = o;
  rows.take = take;
  rows.take_ctx = ctx;
  rows.run = run;
  rows.delimiter = o->delimiter ? o->delimiter : ',';
  if (pubrio_lookup_request_new(&rows.lookups, NULL) != PUBRIO_OK ||
      pubrio_lookup_request_set_similarity(rows.lookups, o->lookup_similar,
                                           NULL) != PUBRIO_OK) {
    fprintf(stderr, "pubrio: out of memory\n");
    return CLI_USAGE;
  }
  rows.name =
      strcmp(o->input_file, "-") == 0 ? "standard input" : o->input_file;
  rows.in = open_input(o->input_file);
  if (!rows.in)
    return CLI_USAGE;
  int rc = csv_input_read(rows.in, rows.name, rows.delimiter, read_record, NULL,
                          &rows.info);
  if (rc != 0) {
    if (rows.out_of_memory)
      fprintf(stderr, "pubrio: out of memory\n");
    return CLI_USAGE; /* why was printed */
  }
  if (!rows.header_seen) {
    fprintf(stderr, "pubrio: %s is empty: no header row\n", rows.name);
    return CLI_USAGE;
  }
  if (rows.invalid && o->strict) {
    fprintf(stderr,
            "pubrio: %zu %s cannot be redeemed (--strict): nothing "
            "was sent\n",
            rows.invalid, text_plural(rows.invalid, "row", "rows"));
    return CLI_USAGE;
  }
  rows.active = o->format == FORMAT_CSV && o->wait && !o->dry_run;
  if (rows.invalid && !o->quiet)
    fprintf(stderr, "pubrio: %zu %s cannot be redeemed: %s\n", rows.invalid,
            text_plural(rows.invalid, "row", "rows"),
            rows.active ? "kept in the output with the reason" : "skipped");
  if (rows.by_id + rows.by_url - rows.url_refused + rows.by_lookup == 0) {
    fprintf(stderr,
            "pubrio: no row of %s has a valid people_search_id or LinkedIn "
            "URL, or anything to look a person up by: nothing was sent\n",
            rows.name);
    return CLI_USAGE;
  }
  if (rows.by_lookup) {
    pubrio_error err = {0};
    pubrio_status st = pubrio_bulk_add_lookups(rows.run, rows.lookups, &err);
    if (st != PUBRIO_OK) {
      cli_print_error("looking up rows", st, &err);
      pubrio_error_clear(&err);
      return CLI_USAGE;
    }
  }
  return CLI_OK;
}

int csv_rows_active(void) { return rows.active; }

int csv_rows_keep_input(const cli_options *o, const char *text, int is_url) {
  if (rows.in || o->format != FORMAT_CSV || !o->wait || o->dry_run)
    return 0; /* a CSV input files its rows itself */
  char key[PUBRIO_LINKEDIN_URL_MAX];
  pubrio_error err = {0};
  int refused = is_url ? pubrio_linkedin_url_normalize(text, key, sizeof key,
                                                       &err) != PUBRIO_OK
                       : trimmed(text, key, sizeof key) != 0;
  if (refused) {
    pubrio_error_clear(&err);
    return 0; /* the run refused it: never reached */
  }
  for (char *c = key; !is_url && *c; c++)
    *c = (char)tolower((unsigned char)*c);
  rows.o = o;
  rows.delimiter = ',';
  rows.by_ids = rows.active = 1;
  int is_new;
  person_entry *e = person(key, &is_new);
  if (!e) {
    rows.out_of_memory = 1;
    return -1;
  }
  e->by_url |= is_url;
  rows.has_url |= is_url;
  return 0;
}

static batch_state *batch(int number) {
  if (number <= 0)
    return NULL;
  if ((size_t)number >= rows.batch_cap) {
    size_t cap = rows.batch_cap ? rows.batch_cap : 64;
    while (cap <= (size_t)number)
      cap *= 2;
    batch_state *grown = realloc(rows.batches, cap * sizeof *grown);
    if (!grown) {
      rows.out_of_memory = 1;
      return NULL;
    }
    memset(grown + rows.batch_cap, 0, (cap - rows.batch_cap) * sizeof *grown);
    rows.batches = grown;
    rows.batch_cap = cap;
  }
  return &rows.batches[number];
}

static void remember_batch(const pubrio_bulk_event *ev) {
  batch_state *b = batch(ev->batch);
  if (b && !b->redeem_query_id && ev->redeem_query_id &&
      !(b->redeem_query_id = strdup(ev->redeem_query_id)))
    rows.out_of_memory = 1;
}

/* "a; b" of every contact of @p type: values, or their statuses. */
static char *joined(const pubrio_person *p, pubrio_contact_type type,
                    int statuses) {
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&text, &size);
  if (!out)
    return NULL;
  int n = 0;
  for (size_t i = 0; i < p->email_count + p->phone_count; i++) {
    const pubrio_contact *c = i < p->email_count
                                  ? pubrio_person_email(p, i)
                                  : pubrio_person_phone(p, i - p->email_count);
    if (!c || c->type != type)
      continue;
    fputs(n++ ? "; " : "", out);
    fputs(statuses ? (c->status ? c->status : "") : (c->value ? c->value : ""),
          out);
  }
  if (fclose(out) != 0) {
    free(text);
    return NULL;
  }
  return text;
}

/* "type: value (status); ..." of every contact whose type this version
 * does not know (an empty string when none). */
static char *joined_other(const pubrio_person *p) {
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&text, &size);
  if (!out)
    return NULL;
  int n = 0;
  for (size_t i = 0; i < p->email_count + p->phone_count; i++) {
    const pubrio_contact *c = i < p->email_count
                                  ? pubrio_person_email(p, i)
                                  : pubrio_person_phone(p, i - p->email_count);
    if (!c || c->type != PUBRIO_CONTACT_UNKNOWN)
      continue;
    fprintf(out, "%s%s: %s", n++ ? "; " : "", c->type_raw ? c->type_raw : "",
            c->value ? c->value : "");
    if (c->status && *c->status)
      fprintf(out, " (%s)", c->status);
  }
  if (fclose(out) != 0) {
    free(text);
    return NULL;
  }
  return text;
}

/* The entry an event is about: by the URL it was asked by, else by its
 * person's id; NULL when none (the run hands out no such person). */
static person_entry *entry_of(const pubrio_bulk_event *ev) {
  if (ev->linkedin_url)
    return find_person(ev->linkedin_url);
  char key[PUBRIO_ID_LEN + 1];
  if (!ev->person || trimmed(ev->person->people_search_id, key, sizeof key))
    return NULL;
  for (char *c = key; *c; c++)
    *c = (char)tolower((unsigned char)*c);
  return find_person(key);
}

static void keep_person(const pubrio_bulk_event *ev, person_entry *e) {
  if (!e)
    return;
  static const pubrio_contact_type types[] = {PUBRIO_CONTACT_EMAIL_WORK,
                                              PUBRIO_CONTACT_EMAIL_PERSONAL,
                                              PUBRIO_CONTACT_PHONE};
  for (int i = 0; i < VALUES; i++) {
    free(e->values[i]);
    e->values[i] = joined(ev->person, types[i / 2], i % 2);
    if (!e->values[i])
      rows.out_of_memory = 1;
  }
  free(e->other);
  e->other = joined_other(ev->person);
  if (!e->other)
    rows.out_of_memory = 1;
  else if (*e->other)
    rows.has_other = 1;
  if (e->by_url && !e->found_id && ev->person->people_search_id &&
      !(e->found_id = strdup(ev->person->people_search_id)))
    rows.out_of_memory = 1;
  e->collected = 1;
  if (!e->batch)
    e->batch = ev->batch;
}

/* The entry of a lookup row the event answers, its lookup result kept. */
static person_entry *lookup_entry_of(const pubrio_bulk_event *ev) {
  char key[32];
  snprintf(key, sizeof key, "#%zu", ev->lookup_entry - 1);
  person_entry *e = find_person(key);
  if (!e)
    return NULL;
  const char *result = ev->kind == PUBRIO_BULK_PERSON ? ev->lookup_confidence
                       : ev->kind == PUBRIO_BULK_NOT_FOUND && ev->message
                           ? ev->message
                       : ev->kind == PUBRIO_BULK_NOT_FOUND ? "not found"
                                                           : NULL;
  char text[320];
  snprintf(text, sizeof text, "%s%s",
           ev->kind == PUBRIO_BULK_NOT_FOUND && ev->message ? "not looked up: "
                                                            : "",
           result ? result : "");
  free(e->lookup_result);
  e->lookup_result = result ? strdup(text) : NULL;
  free(e->lookup_id);
  e->lookup_id = ev->kind == PUBRIO_BULK_PERSON && ev->person
                     ? strdup(ev->person->people_search_id)
                     : NULL;
  if ((result && !e->lookup_result) ||
      (ev->kind == PUBRIO_BULK_PERSON && ev->person && !e->lookup_id))
    rows.out_of_memory = 1;
  return e;
}

int csv_rows_event(const pubrio_bulk_event *ev) {
  if (!rows.active)
    return 0;
  if (ev->lookup_entry && ev->kind != PUBRIO_BULK_PERSON) {
    person_entry *e = lookup_entry_of(ev);
    if (e && ev->kind == PUBRIO_BULK_NOT_FOUND)
      e->collected = 1;
    if (e && ev->kind == PUBRIO_BULK_BATCH_FAILED && !e->failure &&
        !(e->failure = strdup(ev->message ? ev->message : "failed")))
      rows.out_of_memory = 1;
    return ev->kind != PUBRIO_BULK_BATCH_FAILED; /* failures named too */
  }
  switch (ev->kind) {
  case PUBRIO_BULK_BATCH_ACCEPTED:
    remember_batch(ev);
    for (size_t i = 0; ev->people && i < ev->people_count; i++) {
      char key[PUBRIO_ID_LEN + 1];
      snprintf(key, sizeof key, "%s", ev->people[i]);
      for (char *c = key; *c; c++)
        *c = (char)tolower((unsigned char)*c);
      person_entry *e = find_person(key);
      if (e)
        e->batch = ev->batch;
    }
    return 1;
  case PUBRIO_BULK_PERSON:
    keep_person(ev, ev->lookup_entry ? lookup_entry_of(ev) : entry_of(ev));
    return 1;
  case PUBRIO_BULK_NOT_FOUND: {
    person_entry *e = entry_of(ev);
    if (e)
      e->collected = 1; /* no contact: "not found" */
    return 1;
  }
  case PUBRIO_BULK_BATCH_FAILED: {
    person_entry *e = ev->linkedin_url ? entry_of(ev) : NULL;
    if (e && !e->failure &&
        !(e->failure = strdup(ev->message ? ev->message : "failed")))
      rows.out_of_memory = 1;
    return 0; /* named on stderr too */
  }
  case PUBRIO_BULK_BATCH_DONE: {
    remember_batch(ev);
    batch_state *b = batch(ev->batch);
    if (b)
      b->done = 1;
    return 0; /* not consumed (the caller flushes nothing: rows come last) */
  }
  default: return 0;
  }
}

/* ---- The second pass ---- */

/* Server text as a field (tools/csv_cell.c). */
static void put_value(FILE *out, const char *s) {
  if (csv_cell_put_text(out, s, rows.delimiter) != 0)
    rows.out_of_memory = 1;
}

static void result_text(const person_entry *e, char *buf, size_t size) {
  const batch_state *b = e->batch > 0 && (size_t)e->batch < rows.batch_cap
                             ? &rows.batches[e->batch]
                             : NULL;
  const char *rerun =
      rows.o->journal ? "; rerun with the same --journal to collect it" : "";
  if (e->fixed) {
    snprintf(buf, size, "%s", e->fixed);
  } else if (e->key[0] == '#' && e->lookup_result && !e->failure) {
    snprintf(buf, size, "%s", e->lookup_result);
  } else if (e->failure) {
    snprintf(buf, size, "error: %s", e->failure);
  } else if (e->collected) {
    int found = 0;
    for (int i = 0; i < VALUES; i += 2)
      found |= e->values[i] && *e->values[i];
    found |= e->other && *e->other;
    snprintf(buf, size, "%s", found ? "found" : "not found");
  } else if (b && b->done) {
    snprintf(buf, size, "not found"); /* its batch's answer did not name it */
  } else if (b && b->redeem_query_id) {
    snprintf(buf, size, "error: not collected (batch %s)%s", b->redeem_query_id,
             rerun);
  } else if (rows.run_status == PUBRIO_OK && rows.o->journal) {
    snprintf(buf, size,
             "error: not sent again (an earlier run's submit got no answer: "
             "it may have been charged; --resubmit-uncertain sends it)");
  } else {
    snprintf(buf, size,
             "error: not collected (the run stopped: see its "
             "messages)%s",
             rerun);
  }
}

static void end_row(FILE *out) { fputs(rows.info.crlf ? "\r\n" : "\n", out); }

/* The input's fields, padded to the widest record so the appended columns
 * line up. */
static void put_record_fields(FILE *out, const csv_record *rec,
                              const person_entry *e) {
  for (size_t i = 0; i < rows.width; i++) {
    if (i)
      fputc(rows.delimiter, out);
    if (e && e->lookup_id && (long)i == rows.id_column)
      put_value(out, e->lookup_id); /* filled in */
    else if (i < rec->count)
      csv_cell_put_field(out, rec->fields[i], rec->lengths[i], rows.delimiter);
  }
}

/* The people_search_id column is appended when the input has none and
 * rows were looked up. */
static int appends_id(void) { return rows.by_lookup && rows.id_column < 0; }

static int write_record(void *ctx, const csv_record *rec) {
  FILE *out = ctx;
  if (!rows.second_pass) { /* the header */
    rows.second_pass = 1;
    if (rows.info.bom)
      fputs("\xEF\xBB\xBF", out);
    put_record_fields(out, rec, NULL);
    for (size_t i = 0; i < sizeof appended / sizeof *appended; i++) {
      fputc(rows.delimiter, out);
      if (i == VALUES && rows.has_other) /* only when there are some */
        fprintf(out, "other_contacts%c", rows.delimiter);
      fputs(appended[i], out);
    }
    if (appends_id())
      fprintf(out, "%cpeople_search_id", rows.delimiter);
    end_row(out);
    return 0;
  }
  verdict v;
  if (classify(rec, &v) != 0)
    return 1;
  put_record_fields(out, rec, v.entry);
  for (int i = 0; i < VALUES; i++) {
    fputc(rows.delimiter, out);
    if (v.entry)
      put_value(out, v.entry->values[i]);
  }
  fputc(rows.delimiter, out);
  if (rows.has_other) {
    if (v.entry)
      put_value(out, v.entry->other);
    fputc(rows.delimiter, out);
  }
  char result[512];
  if (v.entry)
    result_text(v.entry, result, sizeof result);
  else
    snprintf(result, sizeof result, "invalid: %s", v.reason);
  put_value(out, result);
  if (appends_id()) {
    fputc(rows.delimiter, out);
    if (v.entry && v.entry->lookup_id)
      put_value(out, v.entry->lookup_id);
  }
  end_row(out);
  return ferror(out) ? 1 : 0;
}

/* An id input: a header, then one row a person in input order. */
static int write_people(FILE *out) {
  fputs("people_search_id", out);
  if (rows.has_url)
    fputs(",linkedin_url", out);
  for (size_t i = 0; i < sizeof appended / sizeof *appended; i++)
    fprintf(out, ",%s%s",
            i == VALUES && rows.has_other ? "other_contacts," : "",
            appended[i]);
  end_row(out);
  char result[512];
  for (const person_entry *e = rows.all; e && !ferror(out); e = e->next) {
    put_value(out, e->by_url ? e->found_id : e->key);
    if (rows.has_url) {
      fputc(',', out);
      put_value(out, e->by_url ? e->key : NULL);
    }
    for (int i = 0; i < VALUES; i++) {
      fputc(',', out);
      put_value(out, e->values[i]);
    }
    if (rows.has_other) {
      fputc(',', out);
      put_value(out, e->other);
    }
    fputc(',', out);
    result_text(e, result, sizeof result);
    put_value(out, result);
    end_row(out);
  }
  return ferror(out) ? 1 : 0;
}

void csv_rows_write(pubrio_status run_status) {
  if (!rows.active)
    return;
  rows.run_status = run_status;
  int rc = 0;
  if (rows.by_ids) {
    rc = write_people(stdout);
  } else {
    rewind(rows.in);
    rc = csv_input_read(rows.in, rows.name, rows.delimiter, write_record,
                        stdout, NULL);
  }
  fflush(stdout);
  if (rc != 0 || rows.out_of_memory || ferror(stdout))
    fprintf(stderr, "pubrio: the rows could not all be written (%s)\n",
            rows.out_of_memory ? "out of memory" : "a read or write failed");
}

void csv_rows_free(void) {
  if (rows.in)
    fclose(rows.in);
  for (person_entry *e = rows.all, *next; e; e = next) {
    next = e->next;
    free_person(e);
  }
  for (size_t i = 0; i < rows.batch_cap; i++)
    free(rows.batches[i].redeem_query_id);
  free(rows.batches);
  pubrio_lookup_request_free(rows.lookups);
  memset(&rows, 0, sizeof rows);
  rows.id_column = rows.url_column = -1;
}
