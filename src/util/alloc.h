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
/* Copies, NULL when out of memory (pri_strdup(NULL) is NULL). */
char *pri_strdup(const char *str);
char *pri_strndup(const char *str, size_t len);
/* Overwrite memory in a way the compiler cannot drop (for secrets). */
void pri_wipe(void *ptr, size_t len);
/* Free a secret string after wiping it. */
void pri_free_secret(char *str);

#endif
