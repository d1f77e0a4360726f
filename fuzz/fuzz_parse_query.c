/* libFuzzer harness: the query response parser, including walking every
 * person and contact it hands back. The parser streams data.peoples; a
 * whole-tree parse by cJSON must agree on how many people there are. */
#include "json.h"

#include <cjson/cJSON.h>

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
  pubrio_query_result *res = NULL;
  pubrio_status st = pri_json_parse_query(body, size, &res, &err);
  if (st == PUBRIO_OK) {
    size_t total = 0;
    for (size_t i = 0; i < res->people_count; i++) {
      const pubrio_person *p = pubrio_query_result_person(res, i);
      total += strlen(p->people_search_id);
      for (size_t e = 0; e < p->email_count; e++) {
        const pubrio_contact *c = pubrio_person_email(p, e);
        total += c->value ? strlen(c->value) : 0;
      }
      for (size_t k = 0; k < p->phone_count; k++) {
        const pubrio_contact *c = pubrio_person_phone(p, k);
        total += c->status ? strlen(c->status) : 0;
      }
    }
    if (!res->query || !res->query->redeem_query_id || total > size * 3 /* U+FFFD for a bad byte */)
      abort();
    cJSON *tree = cJSON_ParseWithLength((const char *)data, size);
    cJSON *people = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(tree, "data"), "peoples");
    if (cJSON_IsArray(people) &&
        (size_t)cJSON_GetArraySize(people) != res->people_count)
      abort();
    cJSON_Delete(tree);
  } else if (res || !err.message) {
    abort();
  }
  pubrio_query_result_free(res);
  pubrio_error_clear(&err);
  free(body);
  return 0;
}
