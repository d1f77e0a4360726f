#include "uuid.h"

#include <string.h>

/* Hex digit value plus one; 0 marks anything that is not a hex digit. */
static const unsigned char hex_plus_one[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,
    ['6'] = 7,  ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
    ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
    ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Where each of the 16 bytes starts in the text. */
static const unsigned char byte_offsets[16] = {0,  2,  4,  6,  9,  11, 14, 16,
                                               19, 21, 24, 26, 28, 30, 32, 34};

static int hex_value(char c) { return hex_plus_one[(unsigned char)c] - 1; }

int pri_uuid_parse(const char *text, uint8_t out[16]) {
  if (!text || memchr(text, '\0', PRI_UUID_STR_LEN) ||
      text[PRI_UUID_STR_LEN] != '\0' || text[8] != '-' || text[13] != '-' ||
      text[18] != '-' || text[23] != '-')
    return -1;
  for (int b = 0; b < 16; b++) {
    int hi = hex_value(text[byte_offsets[b]]);
    int lo = hex_value(text[byte_offsets[b] + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    out[b] = (uint8_t)(hi << 4 | lo);
  }
  return 0;
}

void pri_uuid_format(const uint8_t uuid[16], char out[PRI_UUID_STR_LEN + 1]) {
  static const char digits[] = "0123456789abcdef";
  /* Every byte straight to its place, then the dashes: a submit formats
   * each of its ids, so this is on the hot path. */
  for (int b = 0; b < 16; b++) {
    out[byte_offsets[b]] = digits[uuid[b] >> 4];
    out[byte_offsets[b] + 1] = digits[uuid[b] & 15];
  }
  out[8] = out[13] = out[18] = out[23] = '-';
  out[PRI_UUID_STR_LEN] = '\0';
}

int pri_uuid_canonical(const char *text, char out[PRI_UUID_STR_LEN + 1]) {
  uint8_t uuid[16];
  if (pri_uuid_parse(text, uuid) != 0)
    return -1;
  pri_uuid_format(uuid, out);
  return 0;
}
