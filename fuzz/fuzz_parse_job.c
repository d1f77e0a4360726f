/* libFuzzer harness: the submit response parser must never crash, leak or
 * read out of bounds, and must answer OK or a typed contract error. */
#include "json.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pubrio_error err = {0};
  pubrio_batch_job *job = NULL;
  pubrio_status st = pri_json_parse_job((const char *)data, size, &job, &err);
  if (st == PUBRIO_OK && (!job || !job->redeem_query_id))
    abort();
  if (st != PUBRIO_OK && (job || !err.message))
    abort();
  pubrio_batch_job_free(job);
  pubrio_error_clear(&err);
  return 0;
}
