/* Results on stdout: JSON lines or CSV. */
#ifndef PUBRIO_CLI_OUTPUT_H
#define PUBRIO_CLI_OUTPUT_H

#include "cli.h"

#include <stdio.h>

void output_csv_header(FILE *out);
/* One person: a JSON object on a line (with the LinkedIn URL it was asked
 * by, when not NULL), or CSV rows (people_search_id,type,value,status). */
void output_person(FILE *out, cli_format format, const pubrio_person *person,
                   const char *linkedin_url);
/* A LinkedIn URL that names nobody: a JSON line without contacts (CSV: no
 * row, as for anybody without contacts). */
void output_not_found(FILE *out, cli_format format, const char *linkedin_url);
/* Every person of @p result. */
void output_people(FILE *out, cli_format format,
                   const pubrio_query_result *result);
/* One line for a submitted batch (without --wait). */
void output_batch(FILE *out, int number, size_t people,
                  const pubrio_batch_job *job);
/* One line for a batch's state (pubrio query without results). */
void output_state(FILE *out, const pubrio_batch_job *job);

#endif
