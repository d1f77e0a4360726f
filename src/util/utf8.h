/* UTF-8 as the library reads untrusted text: validity, repair, one
 * sequence, encoding; and the word-at-a-time tests that let plain ASCII go
 * by 8 bytes at a time (shared with the JSON string reader). */
#ifndef PUBRIO_UTF8_H
#define PUBRIO_UTF8_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Word-at-a-time tests on 8 bytes: whether any byte is 0, or >= 0x80. */
#define PRI_UTF8_ONES UINT64_C(0x0101010101010101)
#define PRI_UTF8_HIGHS UINT64_C(0x8080808080808080)
static inline uint64_t pri_utf8_load8(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v); /* one unaligned load on x86 and arm64 */
  return v;
}
static inline uint64_t pri_utf8_zero_bytes(uint64_t v) {
  return (v - PRI_UTF8_ONES) & ~v & PRI_UTF8_HIGHS;
}
/* How many bytes come before the first flagged one, the flags made by
 * the tests above: the lowest is exact, a false one only ever follows a
 * true one in the word's order, which is memory order when little-endian.
 * Big-endian: 0, and the bytes are then looked at one by one. */
static inline unsigned pri_utf8_plain_before(uint64_t flags) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  (void)flags;
  return 0;
#else
  return (unsigned)__builtin_ctzll(flags) / 8;
#endif
}

/* Whether @p len bytes at @p s are valid UTF-8 without NUL. */
int pri_utf8_valid(const char *s, size_t len);

/* Append @p s with each invalid sequence (and NUL) as U+FFFD; 0 or -1. */
int pri_utf8_repair(pri_buf *out, const char *s, size_t len);

/* Length of the valid UTF-8 sequence at @p s (at most @p len bytes), or 0
 * when it is not one (overlong, surrogate, past U+10FFFF, cut short). */
size_t pri_utf8_sequence(const unsigned char *s, size_t len);

/* The bytes of @p cp in UTF-8 (cp <= 0x10FFFF, not a surrogate) into
 * @p out (4 bytes of room): how many. */
size_t pri_utf8_encode(uint32_t cp, char *out);

#endif
