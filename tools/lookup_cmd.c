/* `pubrio lookup`: a CSV of people by email, phone, or name with a company
 * or domain, resolved to people_search_ids without buying anything. The
 * columns are found by their usual names (any case, spaces, underscores
 * or hyphens) or named with --column FIELD=NAME; the output is the same
 * rows in the same order with people_search_id filled in (or appended)
 * and a lookup_result column: exact, similarity_domain,
 * similarity_company, not found, or why the row was not looked up. The
 * rows are held in memory (a CRM export, not a data lake). */
#include "cli.h"

#include "atomic_file.h"
#include "csv_input.h"
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum col {
  C_EMAIL,
  C_PHONE,
  C_FIRST,
  C_LAST,
  C_FULL,
  C_COMPANY,
  C_DOMAIN,
  C_ID,
  C_COUNT
};

static const char *const col_names[C_COUNT] = {
    "email", "phone",   "first_name", "last_name",
    "name",  "company", "domain",     "people_search_id"};

/* The usual header names of each column, folded (lower case, no spaces,
 * underscores or hyphens). */
static const char *const usual[C_COUNT][9] = {
    {"email", "workemail", "emailaddress", "businessemail", "personalemail",
     "mail", NULL},
    {"phone", "mobile", "phonenumber", "mobilephone", "mobilenumber",
     "telephone", "tel", "cellphone", NULL},
    {"firstname", "first", "givenname", "forename", NULL},
    {"lastname", "last", "surname", "familyname", NULL},
    {"fullname", "name", "contactname", "personname", NULL},
    {"company", "companyname", "organization", "organisation", "employer",
     "account", "accountname", NULL},
    {"domain", "website", "companydomain", "companywebsite", "web", "url",
     "websiteurl", NULL},
    {"peoplesearchid", NULL}};

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
  long column[C_COUNT]; /* -1: none */
  int header_done;
  int failed;
} lr;

static void fold_name(const char *in, char *out, size_t cap) {
  size_t n = 0;
  for (; *in && n + 1 < cap; in++) {
    unsigned char c = (unsigned char)*in;
    if (c == ' ' || c == '_' || c == '-' || c == '\t')
      continue;
    out[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  out[n] = '\0';
}

/* --column FIELD=NAME for @p c, or NULL. */
static const char *named_column(int c) {
  size_t len = strlen(col_names[c]);
  for (int i = 0; i < lr.o->lookup_column_count; i++) {
    const char *spec = lr.o->lookup_columns[i];
    if (strncmp(spec, col_names[c], len) == 0 && spec[len] == '=')
      return spec + len + 1;
  }
  return NULL;
}

static int find_columns(const csv_record *header) {
  char folded[256];
  for (int c = 0; c < C_COUNT; c++) {
    lr.column[c] = -1;
    const char *named = named_column(c);
    for (size_t i = 0; i < header->count && lr.column[c] < 0; i++) {
      if (named) {
        if (strcmp(header->fields[i], named) == 0)
          lr.column[c] = (long)i;
        continue;
      }
      fold_name(header->fields[i], folded, sizeof folded);
      for (int u = 0; usual[c][u] && lr.column[c] < 0; u++)
        if (strcmp(folded, usual[c][u]) == 0)
          lr.column[c] = (long)i;
    }
    if (named && lr.column[c] < 0) {
      fprintf(stderr, "pubrio: --column %s=", col_names[c]);
      text_put(stderr, named, 200);
      fputs(": no such column in the header\n", stderr);
      return CLI_USAGE;
    }
  }
  for (int c = 0; c < C_ID; c++)
    if (lr.column[c] >= 0)
      return -1;
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

static int blank(const char *s) {
  for (; *s; s++)
    if (*s != ' ' && *s != '\t')
      return 0;
  return 1;
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

/* "Ada Lovelace" -> Ada / Lovelace; "Lovelace, Ada" -> the same; one
 * word is no full name. */
static int split_name(const char *full, char *first, char *last, size_t cap) {
  const char *comma = strchr(full, ',');
  if (comma) {
    snprintf(last, cap, "%.*s", (int)(comma - full), full);
    snprintf(first, cap, "%s", comma + 1);
  } else {
    const char *end = full + strlen(full);
    while (end > full && end[-1] == ' ')
      end--;
    const char *space = end;
    while (space > full && space[-1] != ' ')
      space--;
    if (space == full)
      return 0;
    snprintf(first, cap, "%.*s", (int)(space - full), full);
    snprintf(last, cap, "%.*s", (int)(end - space), space);
  }
  return !blank(first) && !blank(last);
}

static void refuse_row(row *r, const char *why) {
  free(r->why);
  r->why = strdup(why);
}

/* The row as a lookup entry: checked on a one-entry request first, so a
 * bad row is named and left out, never half added. */
static int add_row(pubrio_lookup_request *req, row *r) {
  char first[512] = "", last[512] = "";
  const char *values[6] = {cell(r, C_EMAIL),  cell(r, C_PHONE),
                           cell(r, C_FIRST),  cell(r, C_LAST),
                           cell(r, C_DOMAIN), cell(r, C_COMPANY)};
  if (blank(values[2]) && blank(values[3]) && !blank(cell(r, C_FULL)) &&
      split_name(cell(r, C_FULL), first, last, sizeof first)) {
    values[2] = first;
    values[3] = last;
  }
  int any = 0;
  for (int i = 0; i < 6; i++)
    any |= !blank(values[i]);
  if (!any) {
    refuse_row(r, "not looked up: no email, phone, name, company or domain");
    return 0;
  }
  pubrio_lookup_request *one = NULL;
  pubrio_error err = {0};
  size_t index;
  int ok = pubrio_lookup_request_new(&one, NULL) == PUBRIO_OK &&
           pubrio_lookup_request_add_entry(one, &index, NULL) == PUBRIO_OK;
  for (int i = 0; ok && i < 6; i++)
    ok = pubrio_lookup_request_set(one, 0, (pubrio_lookup_field)i, values[i],
                                   &err) == PUBRIO_OK;
  ok = ok &&
       pubrio_lookup_request_plan(one, NULL, NULL, NULL, &err) == PUBRIO_OK;
  pubrio_lookup_request_free(one);
  if (!ok) {
    char why[600];
    const char *m = err.message ? err.message : "out of memory";
    /* "lookup entry 0: ..." speaks of the scratch entry, not the row */
    const char *colon = strncmp(m, "lookup entry 0", 14) == 0 ? m + 14 : m;
    while (*colon == ':' || *colon == ' ')
      colon++;
    snprintf(why, sizeof why, "not looked up: %s", colon);
    refuse_row(r, why);
    pubrio_error_clear(&err);
    return 0;
  }
  ok = pubrio_lookup_request_add_entry(req, &index, NULL) == PUBRIO_OK;
  for (int i = 0; ok && i < 6; i++)
    ok = pubrio_lookup_request_set(req, index, (pubrio_lookup_field)i,
                                   values[i], &err) == PUBRIO_OK;
  pubrio_error_clear(&err);
  if (!ok)
    return -1;
  r->entry = (long)index;
  return 0;
}

/* A field quoted only where RFC 4180 requires it. */
static void put_field(FILE *out, const char *s, size_t len) {
  int quote = memchr(s, lr.delimiter, len) || memchr(s, '"', len) ||
              memchr(s, '\r', len) || memchr(s, '\n', len);
  if (!quote) {
    fwrite(s, 1, len, out);
    return;
  }
  fputc('"', out);
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '"')
      fputc('"', out);
    fputc(s[i], out);
  }
  fputc('"', out);
}

/* Our text (reasons quote server and input text): control characters
 * escaped (tools/text.c), never a formula, then quoted as a field. */
static void put_text(FILE *out, const char *s) {
  char *escaped = NULL;
  size_t size = 0;
  FILE *mem = open_memstream(&escaped, &size);
  if (mem) {
    if (s[0] && strchr("=+-@", s[0]))
      fputc('\'', mem);
    text_put(mem, s, 4096);
  }
  if (mem && fclose(mem) == 0)
    put_field(out, escaped, strlen(escaped));
  free(escaped);
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
  long id_col = lr.column[C_ID];
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
                 (i >= r->count || blank(r->fields[i]));
      if (fill)
        fputs(id, stdout);
      else if (i < r->count)
        put_field(stdout, r->fields[i], r->lengths[i]);
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
      put_text(stdout, result);
    end_row(stdout);
  }
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
    if (rc < 0) {
      write_rows(res);
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
  for (int i = 0; i < o.lookup_column_count; i++) {
    const char *eq = strchr(o.lookup_columns[i], '=');
    int known = 0;
    for (int c = 0; eq && c < C_COUNT; c++)
      known |= strncmp(o.lookup_columns[i], col_names[c],
                       (size_t)(eq - o.lookup_columns[i])) == 0 &&
               strlen(col_names[c]) == (size_t)(eq - o.lookup_columns[i]);
    if (!known || !eq[1]) {
      fputs("pubrio: --column ", stderr);
      text_put(stderr, o.lookup_columns[i], 200);
      fputs(": use FIELD=NAME with FIELD one of email, phone, first_name, "
            "last_name, name, company, domain, people_search_id\n",
            stderr);
      return CLI_USAGE;
    }
  }
  if (o.key_from_stdin && strcmp(o.input_file, "-") == 0)
    return usage("standard input cannot hold both the key and the CSV");
  cli_catch_signals();
  return atomic_file_run(&o, lookup);
}
