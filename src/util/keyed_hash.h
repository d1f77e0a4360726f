/* A keyed one-way mark: HMAC-SHA-256 (RFC 2104, FIPS 180-4). A journal
 * recognises a value it saw (an API key, a forgotten person's id) by its
 * mark under a random key of its own, without holding the value. Nothing
 * else of the library needs cryptography, so this small, vector-tested
 * implementation stands in for a dependency on a crypto library. */
#ifndef PUBRIO_KEYED_HASH_H
#define PUBRIO_KEYED_HASH_H

#include <stddef.h>
#include <stdint.h>

#define PRI_KEYED_HASH_LEN 32

/* The mark of @p data (@p len bytes) under @p key (@p key_len bytes). */
void pri_keyed_hash(const uint8_t *key, size_t key_len, const void *data,
                    size_t len, uint8_t out[PRI_KEYED_HASH_LEN]);

/* @p len random bytes from the kernel (getrandom); 0 or -1. */
int pri_random_bytes(uint8_t *out, size_t len);

#endif
