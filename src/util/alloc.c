#include "alloc.h"

#include "pubrio/pubrio.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static pubrio_malloc_fn alloc_fn = malloc;
static pubrio_realloc_fn realloc_fn = realloc;
static pubrio_free_fn free_fn = free;

pubrio_status pubrio_set_allocator(pubrio_malloc_fn malloc_fn,
                                   pubrio_realloc_fn realloc_fn_in,
                                   pubrio_free_fn free_fn_in) {
  if (!malloc_fn != !realloc_fn_in || !malloc_fn != !free_fn_in)
    return PUBRIO_E_INVALID_ARGUMENT; /* all three, or none for the default */
  alloc_fn = malloc_fn ? malloc_fn : malloc;
  realloc_fn = realloc_fn_in ? realloc_fn_in : realloc;
  free_fn = free_fn_in ? free_fn_in : free;
  return PUBRIO_OK;
}

static void *failed(void) {
  errno = ENOMEM; /* a replacement allocator may not say so itself */
  return NULL;
}

void *pri_malloc(size_t size) {
  void *p = alloc_fn(size ? size : 1);
  return p ? p : failed();
}

void *pri_calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size)
    return failed();
  void *p = pri_malloc(count * size);
  if (p)
    memset(p, 0, count * size);
  return p;
}

void *pri_realloc(void *ptr, size_t size) {
  void *p = realloc_fn(ptr, size ? size : 1);
  return p ? p : failed();
}

void pri_free(void *ptr) {
  if (ptr)
    free_fn(ptr);
}

char *pri_strndup(const char *str, size_t len) {
  char *copy = pri_malloc(len + 1);
  if (!copy)
    return NULL;
  memcpy(copy, str, len);
  copy[len] = '\0';
  return copy;
}

char *pri_strdup(const char *str) {
  return str ? pri_strndup(str, strlen(str)) : NULL;
}

void pri_wipe(void *ptr, size_t len) {
  /* A volatile pointer keeps the stores from being optimised away. */
  volatile unsigned char *p = ptr;
  while (len--)
    *p++ = 0;
}

void pri_free_secret(char *str) {
  if (str)
    pri_wipe(str, strlen(str));
  pri_free(str);
}
