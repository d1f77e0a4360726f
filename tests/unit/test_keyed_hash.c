/* HMAC-SHA-256 against RFC 4231's test vectors (cases 1, 2, 3, 6, 7: short
 * and long keys, data longer than a block). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "keyed_hash.h"

#include <stdio.h>
#include <string.h>

static void hex(const uint8_t *bytes, size_t len, char *out) {
  for (size_t i = 0; i < len; i++)
    sprintf(out + 2 * i, "%02x", bytes[i]);
}

static void check(const uint8_t *key, size_t key_len, const char *data,
                  size_t len, const char *expected) {
  uint8_t mark[PRI_KEYED_HASH_LEN];
  char text[2 * PRI_KEYED_HASH_LEN + 1];
  pri_keyed_hash(key, key_len, data, len, mark);
  hex(mark, sizeof mark, text);
  assert_string_equal(text, expected);
}

static void rfc_4231_vectors(void **state) {
  (void)state;
  uint8_t key[131];
  memset(key, 0x0b, 20);
  check(key, 20, "Hi There", 8,
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  check((const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28,
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  char data[50];
  memset(key, 0xaa, sizeof key);
  memset(data, 0xdd, sizeof data);
  check(key, 20, data, sizeof data,
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  const char *big = "Test Using Larger Than Block-Size Key - Hash Key First";
  check(key, 131, big, strlen(big),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  const char *long_data =
      "This is a test using a larger than block-size key and a larger than "
      "block-size data. The key needs to be hashed before being used by the "
      "HMAC algorithm.";
  check(key, 131, long_data, strlen(long_data),
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void random_bytes_differ(void **state) {
  (void)state;
  uint8_t a[32] = {0}, b[32] = {0};
  assert_int_equal(pri_random_bytes(a, sizeof a), 0);
  assert_int_equal(pri_random_bytes(b, sizeof b), 0);
  assert_memory_not_equal(a, b, sizeof a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rfc_4231_vectors),
      cmocka_unit_test(random_bytes_differ),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
