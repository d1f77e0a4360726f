/* Canonical UUID text <-> 16 bytes. */
#ifndef PUBRIO_UUID_H
#define PUBRIO_UUID_H

#include "pubrio/pubrio.h"

#include <stdint.h>

#define PRI_UUID_STR_LEN PUBRIO_ID_LEN

/* Parse exactly 8-4-4-4-12 hex digits (either case), nothing before or after.
 * Returns 0 on success, -1 otherwise. */
int pri_uuid_parse(const char *text, uint8_t out[16]);
/* Write the lower-case canonical form and a NUL into @p out. */
void pri_uuid_format(const uint8_t uuid[16], char out[PRI_UUID_STR_LEN + 1]);
/* The one canonical form of an id given as text (what goes out and what an
 * answer is compared with): @p text parsed and written back in lower case
 * into @p out. 0, or -1 when @p text is not a UUID (out untouched). */
int pri_uuid_canonical(const char *text, char out[PRI_UUID_STR_LEN + 1]);

#endif
