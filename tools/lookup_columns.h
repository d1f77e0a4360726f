/* The columns of a CSV of people to look up (email, phone, names, company,
 * domain, people_search_id): found by their usual header names or named
 * with --column FIELD=NAME, and a row turned into a lookup entry. Shared
 * by `pubrio lookup` and any command that resolves rows before buying. */
#ifndef PUBRIO_CLI_LOOKUP_COLUMNS_H
#define PUBRIO_CLI_LOOKUP_COLUMNS_H

#include "csv_input.h"

#include "pubrio/pubrio.h"

#include <stddef.h>

enum lookup_col {
  LOOKUP_COL_EMAIL,
  LOOKUP_COL_PHONE,
  LOOKUP_COL_FIRST,
  LOOKUP_COL_LAST,
  LOOKUP_COL_FULL,
  LOOKUP_COL_COMPANY,
  LOOKUP_COL_DOMAIN,
  LOOKUP_COL_ID,
  LOOKUP_COL_COUNT
};

/* The FIELD of --column FIELD=NAME for each column. */
extern const char *const lookup_col_names[LOOKUP_COL_COUNT];

/* Every --column spec is FIELD=NAME with a known FIELD and a NAME: 1, or
 * 0 after saying which is not on stderr. */
int lookup_columns_check(const char *const *specs, int count);

/* Each column's index in @p header (-1: none), the ones named by
 * @p specs first. -1 when any column to look up by was found; 0 when
 * none was (the caller says so); CLI_USAGE after naming a --column whose
 * NAME is not in the header. */
int lookup_columns_find(const csv_record *header, const char *const *specs,
                        int count, long column[LOOKUP_COL_COUNT]);

/* Whether @p s holds only spaces and tabs. */
int lookup_blank(const char *s);

/* Add the row whose cells by column are @p cells ("" for none) to
 * @p request: a full name is split when there are no first and last names,
 * and the entry is checked alone first, so a bad row is never half added.
 * 0 with *entry set, or with *entry -1 and *why (malloc'd) saying why the
 * row is not looked up; -1 when out of memory. */
int lookup_columns_add_row(pubrio_lookup_request *request,
                           const char *const cells[LOOKUP_COL_COUNT],
                           long *entry, char **why);

#endif
