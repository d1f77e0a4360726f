/* libFuzzer harness: the submit response parser must never crash, leak or
 * read out of bounds, and must answer OK or a typed contract error. */
#include "json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pubrio_error err = {0};
  /* The parser rewrites escapes in place, as it does in a response buffer. */
  char *body = malloc(size ? size : 1);
  if (!body)
    return 0;
  if (size)
    memcpy(body, data, size);
  pubrio_batch_job *job = NULL;
  pubrio_status st = pri_json_parse_job(body, size, &job, &err);
  if (st == PUBRIO_OK && (!job || !job->redeem_query_id))
    abort();
  if (st != PUBRIO_OK && (job || !err.message))
    abort();
  pubrio_batch_job_free(job);
  pubrio_error_clear(&err);
  free(body);
  return 0;
}
