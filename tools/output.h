/* Results on stdout: JSON lines or CSV. */
#ifndef PUBRIO_CLI_OUTPUT_H
#define PUBRIO_CLI_OUTPUT_H

#include "cli.h"
#include "ids.h"

#include <stdio.h>

void output_csv_header(FILE *out);
/* Every person of @p result, one JSON object per line or CSV rows
 * (people_search_id,type,value,status). With @p members (a sorted list),
 * people not in it are skipped; returns how many were. */
size_t output_people(FILE *out, cli_format format,
                     const pubrio_query_result *result,
                     const id_list *members);
/* One line for a submitted batch (without --wait). */
void output_batch(FILE *out, int number, size_t people,
                  const pubrio_batch_job *job);
/* One line for a batch's state (pubrio query without results). */
void output_state(FILE *out, const pubrio_batch_job *job);

#endif
