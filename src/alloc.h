/* Every allocation of the library goes through here, so an embedder can
 * count or pool memory (pubrio_set_allocator) and a test can fail any one
 * of them. A failed allocation leaves errno at ENOMEM, as malloc does: that
 * is how a failure inside cJSON is told from a malformed answer. */
#ifndef PUBRIO_ALLOC_H
#define PUBRIO_ALLOC_H

#include <stddef.h>

void *pri_malloc(size_t size);
void *pri_calloc(size_t count, size_t size);
void *pri_realloc(void *ptr, size_t size);
void pri_free(void *ptr);

#endif
