#include "csv_input.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

/* A record over 1 MiB is not a row of a lead list (a binary, a quote never
 * closed): reading stops there instead of buffering the whole file. */
enum { RECORD_MAX_BYTES = 1 << 20 };

typedef struct reader {
  csv_record_fn fn;
  void *ctx;
  const char *name;
  size_t line;         /* the line being fed */
  size_t record_line;  /* where the current record began, 0: none yet */
  size_t record_bytes; /* bytes in the current record's fields */
  char **fields;
  size_t *lengths;
  size_t count, cap;
  int stop;  /* the callback's non-zero */
  int error; /* out of memory */
} reader;

static void clear_fields(reader *r) {
  for (size_t i = 0; i < r->count; i++)
    free(r->fields[i]);
  r->count = 0;
  r->record_bytes = 0;
}

/* libcsv: one field ended. */
static void on_field(void *data, size_t len, void *ctx) {
  reader *r = ctx;
  if (r->stop || r->error)
    return;
  if (r->count == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 16;
    char **fields = realloc(r->fields, cap * sizeof *fields);
    if (fields)
      r->fields = fields;
    size_t *lengths =
        fields ? realloc(r->lengths, cap * sizeof *lengths) : NULL;
    if (!lengths) {
      r->error = 1;
      return;
    }
    r->lengths = lengths;
    r->cap = cap;
  }
  char *copy = malloc(len + 1);
  if (!copy) {
    r->error = 1;
    return;
  }
  if (len)
    memcpy(copy, data, len);
  copy[len] = '\0';
  r->fields[r->count] = copy;
  r->lengths[r->count++] = len;
  r->record_bytes += len;
}

/* libcsv: the record ended. */
static void on_record(int terminator, void *ctx) {
  (void)terminator;
  reader *r = ctx;
  if (!r->stop && !r->error) {
    csv_record rec = {.line = r->record_line ? r->record_line : r->line,
                      .count = r->count,
                      .fields = r->fields,
                      .lengths = r->lengths};
    r->stop = r->fn(r->ctx, &rec);
  }
  clear_fields(r);
  r->record_line = 0;
}

/* Fields are kept as written: no space is trimmed. */
static int no_space(unsigned char c) {
  (void)c;
  return 0;
}

static int line_break(unsigned char c) { return c == '\r' || c == '\n'; }

/* One byte into the parser, keeping count of lines and of where the
 * current record began; -1 when the record outgrows the cap. */
static int feed(reader *r, struct csv_parser *parser, unsigned char byte) {
  if (!r->record_line && !line_break(byte))
    r->record_line = r->line;
  if (csv_parse(parser, &byte, 1, on_field, on_record, r) != 1)
    r->error = 1;
  if (byte == '\n')
    r->line++;
  if (r->record_line &&
      r->record_bytes + parser->entry_pos > RECORD_MAX_BYTES) {
    fprintf(stderr,
            "pubrio: %s line %zu: a record longer than %d bytes (a quote "
            "never closed? not a CSV file?)\n",
            r->name, r->record_line, RECORD_MAX_BYTES);
    return -1;
  }
  return 0;
}

int csv_input_read(FILE *in, const char *name, char delimiter, csv_record_fn fn,
                   void *ctx, csv_input_info *info) {
  struct csv_parser parser;
  if (csv_init(&parser, 0) != 0) {
    fprintf(stderr, "pubrio: out of memory\n");
    return -1;
  }
  csv_set_delim(&parser, (unsigned char)delimiter);
  csv_set_space_func(&parser, no_space);
  csv_set_term_func(&parser, line_break);
  reader r = {.fn = fn, .ctx = ctx, .name = name, .line = 1};
  csv_input_info local = {0};
  int rc = 0;
  /* Excel's byte order mark is not a part of the first header. */
  unsigned char head[3];
  size_t got = fread(head, 1, sizeof head, in);
  local.bom = got == 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0;
  int c, prev = EOF, seen_break = 0;
  for (size_t i = local.bom ? 3 : 0; rc == 0 && i < got; i++) {
    if (head[i] == '\n' && !seen_break) {
      local.crlf = prev == '\r';
      seen_break = 1;
    }
    prev = head[i];
    rc = feed(&r, &parser, head[i]);
  }
  /* Byte by byte, so each record knows the line it starts on. */
  while (rc == 0 && !r.stop && !r.error && (c = getc_unlocked(in)) != EOF) {
    if (c == '\n' && !seen_break) {
      local.crlf = prev == '\r';
      seen_break = 1;
    }
    prev = c;
    rc = feed(&r, &parser, (unsigned char)c);
  }
  if (rc == 0 && !r.stop && !r.error && ferror(in)) {
    fprintf(stderr, "pubrio: cannot read %s\n", name);
    rc = -1;
  }
  /* libcsv's FIELD_BEGUN (2) in a quoted field: still inside the quotes. */
  if (rc == 0 && !r.stop && !r.error && parser.quoted && parser.pstate == 2) {
    fprintf(stderr,
            "pubrio: %s line %zu: a quoted field is not closed before the "
            "end of the file\n",
            name, r.record_line);
    rc = -1;
  }
  if (rc == 0 && !r.stop && !r.error)
    csv_fini(&parser, on_field, on_record, &r);
  if (rc == 0 && r.error) {
    fprintf(stderr, "pubrio: out of memory reading %s\n", name);
    rc = -1;
  }
  if (rc == 0 && r.stop)
    rc = r.stop;
  clear_fields(&r);
  free(r.fields);
  free(r.lengths);
  csv_free(&parser);
  if (info)
    *info = local;
  return rc;
}

const char *csv_record_field(const csv_record *record, size_t column) {
  return column < record->count ? record->fields[column] : "";
}
