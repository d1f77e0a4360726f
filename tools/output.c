#include "output.h"

#include "csv_cell.h"
#include "progress.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static void print_line(FILE *out, cJSON *obj) {
  char *text = cJSON_PrintUnformatted(obj);
  char *safe = text ? text_json_escape_controls(text) : NULL;
  if (safe)
    fprintf(out, "%s\n", safe);
  free(safe);
  cJSON_free(text);
  cJSON_Delete(obj);
}

static cJSON *contacts_json(const pubrio_person *p, int phones) {
  cJSON *list = cJSON_CreateArray();
  size_t n = phones ? p->phone_count : p->email_count;
  for (size_t i = 0; i < n; i++) {
    const pubrio_contact *c =
        phones ? pubrio_person_phone(p, i) : pubrio_person_email(p, i);
    cJSON *item = cJSON_CreateObject();
    cJSON_AddItemToObject(item, "value",
                          c->value ? cJSON_CreateString(c->value)
                                   : cJSON_CreateNull());
    cJSON_AddItemToObject(item, "type",
                          c->type_raw ? cJSON_CreateString(c->type_raw)
                                      : cJSON_CreateNull());
    cJSON_AddItemToObject(item, "status",
                          c->status ? cJSON_CreateString(c->status)
                                    : cJSON_CreateNull());
    cJSON_AddItemToArray(list, item);
  }
  return list;
}

/* RFC 4180: quote a field holding a comma or a quote. Control characters
 * (line breaks included) are written as \u00XX first, so a value can
 * neither steer a terminal nor forge a row; a value a spreadsheet would
 * run as a formula gets its guard (tools/csv_cell.c). */
static void csv_field(FILE *out, const char *value) {
  if (!value)
    return;
  int quote = strpbrk(value, ",\"") != NULL;
  if (quote)
    fputc('"', out);
  fputs(csv_cell_guard(value), out);
  for (const char *c = value; *c;) {
    const char *quote_at = quote ? strchr(c, '"') : NULL;
    size_t run = quote_at ? (size_t)(quote_at - c) : strlen(c);
    text_put(out, c, run);
    c += run;
    if (quote_at) {
      fputs("\"\"", out);
      c++;
    }
  }
  if (quote)
    fputc('"', out);
}

static void csv_rows(FILE *out, const pubrio_person *p, int phones) {
  size_t n = phones ? p->phone_count : p->email_count;
  for (size_t i = 0; i < n; i++) {
    const pubrio_contact *c =
        phones ? pubrio_person_phone(p, i) : pubrio_person_email(p, i);
    csv_field(out, p->people_search_id);
    fputc(',', out);
    csv_field(out, c->type_raw);
    fputc(',', out);
    csv_field(out, c->value);
    fputc(',', out);
    csv_field(out, c->status);
    fputc('\n', out);
  }
}

void output_csv_header(FILE *out) {
  fputs("people_search_id,type,value,status\n", out);
}

void output_person(FILE *out, cli_format format, const pubrio_person *p,
                   const char *linkedin_url) {
  progress_clear_line();
  if (format == FORMAT_CSV) {
    csv_rows(out, p, 0);
    csv_rows(out, p, 1);
    return;
  }
  cJSON *obj = cJSON_CreateObject();
  if (linkedin_url)
    cJSON_AddStringToObject(obj, "linkedin_url", linkedin_url);
  cJSON_AddStringToObject(obj, "people_search_id", p->people_search_id);
  cJSON_AddItemToObject(obj, "emails", contacts_json(p, 0));
  cJSON_AddItemToObject(obj, "phones", contacts_json(p, 1));
  print_line(out, obj);
}

void output_not_found(FILE *out, cli_format format, const char *linkedin_url) {
  if (format == FORMAT_CSV)
    return; /* no contact, no row */
  progress_clear_line();
  cJSON *obj = cJSON_CreateObject();
  cJSON_AddStringToObject(obj, "linkedin_url", linkedin_url);
  cJSON_AddNullToObject(obj, "people_search_id");
  cJSON_AddItemToObject(obj, "emails", cJSON_CreateArray());
  cJSON_AddItemToObject(obj, "phones", cJSON_CreateArray());
  print_line(out, obj);
}

void output_people(FILE *out, cli_format format,
                   const pubrio_query_result *result) {
  for (size_t i = 0; i < result->people_count; i++)
    output_person(out, format, pubrio_query_result_person(result, i), NULL);
  fflush(out); /* results survive a later crash */
}

static void add_state(cJSON *obj, const pubrio_batch_job *job) {
  cJSON_AddStringToObject(obj, "redeem_query_id", job->redeem_query_id);
  cJSON_AddBoolToObject(obj, "is_completed", job->is_completed);
  if (job->estimated_time_ms >= 0)
    cJSON_AddNumberToObject(obj, "estimated_time_ms",
                            (double)job->estimated_time_ms);
  else
    cJSON_AddNullToObject(obj, "estimated_time_ms");
}

void output_batch(FILE *out, int number, size_t people,
                  const pubrio_batch_job *job) {
  progress_clear_line();
  cJSON *obj = cJSON_CreateObject();
  cJSON_AddNumberToObject(obj, "batch", number);
  cJSON_AddNumberToObject(obj, "people", (double)people);
  add_state(obj, job);
  print_line(out, obj);
  fflush(out);
}

void output_state(FILE *out, const pubrio_batch_job *job) {
  cJSON *obj = cJSON_CreateObject();
  add_state(obj, job);
  print_line(out, obj);
  fflush(out);
}
