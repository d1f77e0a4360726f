/* The fake's contact lookup: POST /redeem/people/contact/lookup and
 * .../lookup/batch resolved against a directory of its own. */
#ifndef PUBRIO_FAKE_LOOKUP_H
#define PUBRIO_FAKE_LOOKUP_H

#include <cjson/cJSON.h>
#include <stdint.h>

/* The most entries a batch takes: more is a 400 naming the size, nothing
 * processed (the real limit is the subscription's, not published). */
#define FAKE_LOOKUP_BATCH_LIMIT 50

/* The directory, for tests to predict answers. An email at
 * FAKE_LOOKUP_GENERATED_DOMAIN is also found (a person of its own per
 * local part), except one whose local part starts with "miss"; one
 * starting with "unmappable" is found but answered with an input value
 * nobody sent (a way for a test to get a match it cannot map). */
typedef struct fake_lookup_person {
  const char *id, *first, *last, *company, *domain, *email, *phone;
} fake_lookup_person;
extern const fake_lookup_person FAKE_LOOKUP_DIRECTORY[];
extern const int FAKE_LOOKUP_DIRECTORY_SIZE;
#define FAKE_LOOKUP_GENERATED_DOMAIN "people.example"

/* Answer a lookup (@p batch: the batch endpoint) whose parsed body is
 * @p root: 1 credit per billable match taken from *@p credit (a repeat
 * of a person or input in one request is is_duplicate_input and free,
 * misses are left out, the matches answered in reverse entry order).
 * Returns the HTTP status; *response is malloc'd JSON. */
int fake_lookup_handle(int64_t *credit, int batch, const cJSON *root,
                       char **response);

#endif
