/* libFuzzer harness: the error body reader (400 {code, message, details},
 * 429/500 {error}, HTML, empty) never fails and never crashes. */
#include "json.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pri_api_error e;
  pri_json_parse_api_error((const char *)data, size, &e);
  volatile size_t sink = (e.message ? strlen(e.message) : 0) +
                         (e.details_json ? strlen(e.details_json) : 0);
  (void)sink;
  pri_api_error_free(&e);
  return 0;
}
