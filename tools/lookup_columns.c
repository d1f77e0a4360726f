/* The columns of a CSV of people to look up and a row as a lookup entry
 * (lookup_columns.h). */
#include "lookup_columns.h"

#include "cli.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const lookup_col_names[LOOKUP_COL_COUNT] = {
    "email", "phone",   "first_name", "last_name",
    "name",  "company", "domain",     "people_search_id"};

/* The usual header names of each column, folded (lower case, no spaces,
 * underscores or hyphens). */
static const char *const usual[LOOKUP_COL_COUNT][9] = {
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

int lookup_columns_check(const char *const *specs, int count) {
  for (int i = 0; i < count; i++) {
    const char *eq = strchr(specs[i], '=');
    int known = 0;
    for (int c = 0; eq && c < LOOKUP_COL_COUNT; c++)
      known |= strncmp(specs[i], lookup_col_names[c],
                       (size_t)(eq - specs[i])) == 0 &&
               strlen(lookup_col_names[c]) == (size_t)(eq - specs[i]);
    if (!known || !eq[1]) {
      fputs("pubrio: --column ", stderr);
      text_put(stderr, specs[i], 200);
      fputs(": use FIELD=NAME with FIELD one of email, phone, first_name, "
            "last_name, name, company, domain, people_search_id\n",
            stderr);
      return 0;
    }
  }
  return 1;
}

/* --column FIELD=NAME for @p c, or NULL. */
static const char *named_column(const char *const *specs, int count, int c) {
  size_t len = strlen(lookup_col_names[c]);
  for (int i = 0; i < count; i++)
    if (strncmp(specs[i], lookup_col_names[c], len) == 0 &&
        specs[i][len] == '=')
      return specs[i] + len + 1;
  return NULL;
}

int lookup_columns_find(const csv_record *header, const char *const *specs,
                        int count, long column[LOOKUP_COL_COUNT]) {
  char folded[256];
  for (int c = 0; c < LOOKUP_COL_COUNT; c++) {
    column[c] = -1;
    const char *named = named_column(specs, count, c);
    for (size_t i = 0; i < header->count && column[c] < 0; i++) {
      if (named) {
        if (strcmp(header->fields[i], named) == 0)
          column[c] = (long)i;
        continue;
      }
      fold_name(header->fields[i], folded, sizeof folded);
      for (int u = 0; usual[c][u] && column[c] < 0; u++)
        if (strcmp(folded, usual[c][u]) == 0)
          column[c] = (long)i;
    }
    if (named && column[c] < 0) {
      fprintf(stderr, "pubrio: --column %s=", lookup_col_names[c]);
      text_put(stderr, named, 200);
      fputs(": no such column in the header\n", stderr);
      return CLI_USAGE;
    }
  }
  for (int c = 0; c < LOOKUP_COL_ID; c++)
    if (column[c] >= 0)
      return -1;
  return 0;
}

int lookup_blank(const char *s) {
  for (; *s; s++)
    if (*s != ' ' && *s != '\t')
      return 0;
  return 1;
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
  return !lookup_blank(first) && !lookup_blank(last);
}

int lookup_columns_add_row(pubrio_lookup_request *req,
                           const char *const cells[LOOKUP_COL_COUNT],
                           long *entry, char **why) {
  *entry = -1;
  *why = NULL;
  char first[512] = "", last[512] = "";
  const char *values[6] = {cells[LOOKUP_COL_EMAIL],  cells[LOOKUP_COL_PHONE],
                           cells[LOOKUP_COL_FIRST],  cells[LOOKUP_COL_LAST],
                           cells[LOOKUP_COL_DOMAIN], cells[LOOKUP_COL_COMPANY]};
  if (lookup_blank(values[2]) && lookup_blank(values[3]) &&
      !lookup_blank(cells[LOOKUP_COL_FULL]) &&
      split_name(cells[LOOKUP_COL_FULL], first, last, sizeof first)) {
    values[2] = first;
    values[3] = last;
  }
  int any = 0;
  for (int i = 0; i < 6; i++)
    any |= !lookup_blank(values[i]);
  if (!any) {
    *why = strdup("not looked up: no email, phone, name, company or domain");
    return *why ? 0 : -1;
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
    char text[600];
    const char *m = err.message ? err.message : "out of memory";
    /* "lookup entry 0: ..." speaks of the scratch entry, not the row */
    const char *colon = strncmp(m, "lookup entry 0", 14) == 0 ? m + 14 : m;
    while (*colon == ':' || *colon == ' ')
      colon++;
    snprintf(text, sizeof text, "not looked up: %s", colon);
    pubrio_error_clear(&err);
    *why = strdup(text);
    return *why ? 0 : -1;
  }
  ok = pubrio_lookup_request_add_entry(req, &index, NULL) == PUBRIO_OK;
  for (int i = 0; ok && i < 6; i++)
    ok = pubrio_lookup_request_set(req, index, (pubrio_lookup_field)i,
                                   values[i], &err) == PUBRIO_OK;
  pubrio_error_clear(&err);
  if (!ok)
    return -1;
  *entry = (long)index;
  return 0;
}
