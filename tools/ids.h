/* The people to redeem: read from arguments, a file or stdin, validated
 * all at once before anything is sent. */
#ifndef PUBRIO_CLI_IDS_H
#define PUBRIO_CLI_IDS_H

#include "cli.h"

typedef char cli_id[PUBRIO_ID_LEN + 1]; /* canonical, lower case */

typedef struct id_list {
  cli_id *ids;
  size_t count;
  size_t cap;
} id_list;

int id_list_push(id_list *list, const char *id);
void id_list_free(id_list *list);
/* Sort for lookups with id_list_contains(). */
void id_list_sort(id_list *list);
int id_list_contains(const id_list *sorted, const char *id);

/* Collect every id, dropping duplicates (counted in *duplicates). When any
 * line is invalid, prints each bad line on stderr and returns CLI_USAGE. */
int ids_collect(const cli_options *options, id_list *out, size_t *duplicates);

#endif
