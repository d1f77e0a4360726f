#include "uuid.h"

static int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static int is_dash_position(int i) {
  return i == 8 || i == 13 || i == 18 || i == 23;
}

int pri_uuid_parse(const char *text, uint8_t out[16]) {
  if (!text)
    return -1;
  int byte = 0;
  for (int i = 0; i < PRI_UUID_STR_LEN; i++) {
    if (text[i] == '\0')
      return -1;
    if (is_dash_position(i)) {
      if (text[i] != '-')
        return -1;
      continue;
    }
    int hi = hex_value(text[i]);
    int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    out[byte++] = (uint8_t)(hi << 4 | lo);
    i++;
  }
  return text[PRI_UUID_STR_LEN] == '\0' ? 0 : -1;
}

void pri_uuid_format(const uint8_t uuid[16], char out[PRI_UUID_STR_LEN + 1]) {
  static const char digits[] = "0123456789abcdef";
  int pos = 0;
  for (int byte = 0; byte < 16; byte++) {
    if (is_dash_position(pos))
      out[pos++] = '-';
    out[pos++] = digits[uuid[byte] >> 4];
    out[pos++] = digits[uuid[byte] & 15];
  }
  out[pos] = '\0';
}
