/* HMAC-SHA-256 through OpenSSL's libcrypto (see keyed_hash.h); checked
 * against RFC 4231's vectors in tests/unit/test_keyed_hash.c. */
#include "keyed_hash.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>

int pri_keyed_hash(const uint8_t *key, size_t key_len, const void *data,
                   size_t len, uint8_t out[PRI_KEYED_HASH_LEN]) {
  unsigned int written = 0;
  /* OpenSSL takes the key's length as an int. */
  if (key_len > 1024 ||
      !HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &written) ||
      written != PRI_KEYED_HASH_LEN)
    return -1;
  return 0;
}

int pri_random_bytes(uint8_t *out, size_t len) {
  while (len) {
    ssize_t got = getrandom(out, len, 0);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return -1;
    out += got, len -= (size_t)got;
  }
  return 0;
}
