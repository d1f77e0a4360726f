/* Reading an RFC 4180 CSV stream with libcsv, one record at a time (only
 * the current record is held): quoted fields with delimiters, quotes and
 * line breaks inside, a UTF-8 byte order mark, CRLF or LF, any one-byte
 * delimiter. Fields are handed over exactly as they are in the file
 * (libcsv's trimming of spaces is turned off). */
#ifndef PUBRIO_CLI_CSV_INPUT_H
#define PUBRIO_CLI_CSV_INPUT_H

#include <stddef.h>
#include <stdio.h>

typedef struct csv_record {
  size_t line;           /* the line the record starts on, from 1 */
  size_t count;          /* fields */
  char **fields;         /* NUL-terminated (a field may hold NULs too) */
  const size_t *lengths; /* each field's length in bytes */
} csv_record;

/* One record; 0 to go on, non-zero to stop reading (returned by
 * csv_input_read). */
typedef int (*csv_record_fn)(void *ctx, const csv_record *record);

typedef struct csv_input_info {
  int bom;  /* the stream began with a UTF-8 byte order mark */
  int crlf; /* its first record ended in CRLF */
} csv_input_info;

/* Read every record of @p in (the header is the first) into @p fn.
 * 0 at the end; the callback's non-zero; -1 after printing why on stderr
 * (unreadable, a record over the size cap, a quote never closed, out of
 * memory), naming @p name and the line. @p info may be NULL. */
int csv_input_read(FILE *in, const char *name, char delimiter, csv_record_fn fn,
                   void *ctx, csv_input_info *info);

/* The field of @p record at @p column, "" when the record is shorter. */
const char *csv_record_field(const csv_record *record, size_t column);

#endif
