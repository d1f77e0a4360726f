/* The one-pass reading of a JSON string (pri_json_read_string) against the
 * two passes it replaced: the old pri_json_repair_escapes over the text,
 * cJSON's string parser, the value cut at its first NUL (strlen), and the
 * old pri_utf8_repair. The old code is kept here, as it was, as the
 * reference: random literals built from the pieces that make the cases
 * (escapes, surrogates, overlongs, bad bytes, NULs, cut sequences) must
 * read the same, byte for byte, accepted or refused alike. The ASCII fast
 * paths of pri_utf8_valid, pri_utf8_repair and pri_json_repair_escapes are
 * checked against the old code the same way. */
/* cmocka needs these three first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "buf.h"
#include "untrusted.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the reference: the code before the one-pass reader, unchanged ---- */

static size_t ref_utf8_sequence(const unsigned char *s, size_t len) {
  if (len == 0)
    return 0;
  if (s[0] < 0x80)
    return 1;
  size_t n;
  uint32_t cp, min;
  if ((s[0] & 0xE0) == 0xC0) {
    n = 2, cp = s[0] & 0x1F, min = 0x80;
  } else if ((s[0] & 0xF0) == 0xE0) {
    n = 3, cp = s[0] & 0x0F, min = 0x800;
  } else if ((s[0] & 0xF8) == 0xF0) {
    n = 4, cp = s[0] & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (len < n)
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

static int ref_utf8_valid(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < len;) {
    size_t n = p[i] ? ref_utf8_sequence(p + i, len - i) : 0;
    if (!n)
      return 0;
    i += n;
  }
  return 1;
}

static void ref_utf8_repair(pri_buf *out, const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    size_t n = p[i] ? ref_utf8_sequence(p + i, len - i) : 0;
    assert_int_equal(n ? pri_buf_append(out, s + i, n)
                       : pri_buf_append(out, "\xEF\xBF\xBD", 3),
                     0);
    i += n ? n : 1;
  }
  assert_int_equal(pri_buf_append(out, "", 0), 0);
}

static int ref_hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0)
      return 0;
    v = v * 16 + (unsigned)d;
  }
  *out = v;
  return 1;
}

static void ref_repair_escapes(char *text, size_t len) {
  size_t i = 0;
  while (i + 1 < len) {
    if (text[i] != '\\') {
      i++;
      continue;
    }
    unsigned unit, low;
    if (text[i + 1] != 'u' || i + 6 > len || !ref_hex4(text + i + 2, &unit)) {
      i += 2;
      continue;
    }
    int high = unit >= 0xD800 && unit <= 0xDBFF;
    if (high && i + 12 <= len && text[i + 6] == '\\' && text[i + 7] == 'u' &&
        ref_hex4(text + i + 8, &low) && low >= 0xDC00 && low <= 0xDFFF) {
      i += 12;
      continue;
    }
    if (unit == 0 || (unit >= 0xD800 && unit <= 0xDFFF))
      memcpy(text + i + 2, "fffd", 4);
    i += 6;
  }
}

/* The two passes on a literal: 1 with the value in @p out and the length
 * cJSON read, or 0 when cJSON refuses it. */
static int ref_read(const char *text, size_t len, pri_buf *out, size_t *used) {
  if (len == 0 || text[0] != '"')
    return 0; /* the reader starts at the quote; cJSON would skip spaces */
  char *copy = malloc(len + 1);
  assert_non_null(copy);
  memcpy(copy, text, len);
  copy[len] = '\0';
  ref_repair_escapes(copy, len);
  const char *end = NULL;
  cJSON *item = cJSON_ParseWithLengthOpts(copy, len, &end, 0);
  int ok = cJSON_IsString(item);
  if (ok) {
    ref_utf8_repair(out, item->valuestring, strlen(item->valuestring));
    *used = (size_t)(end - copy);
  }
  cJSON_Delete(item);
  free(copy);
  return ok;
}

/* ---- random literals --------------------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15u;
static unsigned next_random(unsigned n) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (unsigned)(rng % n);
}

/* Pieces that make the cases, most of them more than once. */
static const char *const pieces[] = {
    "a",
    "plain ascii text ",
    "0123456789abcdef",
    "\"",
    "\\",
    "u",
    "0",
    "d8",
    "dc",
    "ff",
    "Z",
    "\\\\",
    "\\\"",
    "\\/",
    "\\n",
    "\\t",
    "\\b",
    "\\f",
    "\\r",
    "\\x",
    "\\u",
    "\\u0000",
    "\\u0041",
    "\\u00e9",
    "\\u20AC",
    "\\ud83d",
    "\\uD83D",
    "\\ude00",
    "\\uDE00",
    "\\ud800",
    "\\udc00",
    "\\uffff",
    "\\ufffd",
    "\\u00",
    "\\uzzzz",
    "\\u12G4",
    "\\u0080",
    "\xc3\xa9",
    "\xe2\x82\xac",
    "\xf0\x9f\x98\x80",
    "\xf4\x8f\xbf\xbf",
    "\xc0\x80",
    "\xc1\xbf",
    "\xe0\x80\x80",
    "\xe0\x9f\xbf",
    "\xf0\x80\x80\x80",
    "\xed\xa0\x80",
    "\xed\xbf\xbf",
    "\xf4\x90\x80\x80",
    "\xf5\x80\x80\x80",
    "\xf8\x88\x80\x80\x80",
    "\xff",
    "\xfe",
    "\x80",
    "\xbf",
    "\xc3",
    "\xe2\x82",
    "\xf0\x9f\x98",
    "\x01",
    "\x1f",
    "\x7f",
    "\t",
    " ",
    ",",
    ":",
    "}",
};

static size_t random_literal(char *buf, size_t cap) {
  size_t len = 0;
  if (next_random(20) != 0)
    buf[len++] = '"';
  unsigned count = next_random(12);
  for (unsigned i = 0; i < count; i++) {
    const char *piece =
        next_random(30) == 0
            ? "\0"
            : pieces[next_random(sizeof pieces / sizeof *pieces)];
    size_t n = *piece ? strlen(piece) : 1;
    if (len + n + 2 > cap)
      break;
    memcpy(buf + len, piece, n);
    len += n;
  }
  if (next_random(10) != 0)
    buf[len++] = '"';
  if (next_random(3) == 0)
    buf[len++] = ',';
  return len;
}

/* pri_json_read_string on @p text as the parser calls it. */
static int read_one(const char *text, size_t len, pri_buf *out, size_t *used) {
  const char *p = text;
  int rc = pri_json_read_string(&p, text + len, out);
  if (rc == 1)
    *used = (size_t)(p - text);
  return rc;
}

static void one_pass_matches_the_two_passes(void **state) {
  (void)state;
  pri_buf got = {0};
  char text[256];
  size_t accepted = 0, refused = 0, repaired = 0;
  for (int round = 0; round < 300000; round++) {
    size_t len = random_literal(text, sizeof text);
    pri_buf want = {0};
    size_t want_used = 0, got_used = 0;
    int want_ok = ref_read(text, len, &want, &want_used);
    /* A heap copy of exactly len bytes, so ASan sees any read past it. */
    char *exact = malloc(len ? len : 1);
    assert_non_null(exact);
    memcpy(exact, text, len);
    int rc = read_one(exact, len, &got, &got_used);
    if (rc != (want_ok ? 1 : 0) ||
        (want_ok && (got_used != want_used || got.len != want.len ||
                     memcmp(got.data, want.data, want.len) != 0))) {
      fprintf(stderr, "round %d: literal (%zu bytes):", round, len);
      for (size_t i = 0; i < len; i++)
        fprintf(stderr, " %02x", (unsigned char)text[i]);
      fprintf(stderr, "\nwant %d (%zu used) \"%s\", got %d (%zu used) \"%s\"\n",
              want_ok, want_used, want_ok ? want.data : "", rc, got_used,
              rc == 1 ? got.data : "");
      fail();
    }
    if (want_ok) {
      accepted++;
      repaired += strstr(want.data, "\xEF\xBF\xBD") != NULL;
    } else {
      refused++;
    }
    free(exact);
    pri_buf_free(&want);
  }
  /* The generator reaches every kind of case, not just one. */
  assert_true(accepted > 50000 && refused > 50000 && repaired > 10000);
  pri_buf_free(&got);
}

/* The fast paths of the other checks: the same answers as the old code. */
static void ascii_fast_paths_match_the_old_code(void **state) {
  (void)state;
  char text[256];
  for (int round = 0; round < 100000; round++) {
    size_t len = random_literal(text, sizeof text);
    if (round % 4 == 0) /* long plain runs too, across the 8-byte words */
      for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] >= 0x80 && next_random(4))
          text[i] = 'x';
    assert_int_equal(pri_utf8_valid(text, len), ref_utf8_valid(text, len));
    pri_buf a = {0}, b = {0};
    assert_int_equal(pri_utf8_repair(&a, text, len), 0);
    ref_utf8_repair(&b, text, len);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, b.len + 1);
    pri_buf_free(&a);
    pri_buf_free(&b);
    char x[256], y[256];
    memcpy(x, text, len);
    memcpy(y, text, len);
    pri_json_repair_escapes(x, len);
    ref_repair_escapes(y, len);
    if (len)
      assert_memory_equal(x, y, len);
  }
}

/* ---- concrete cases: what each kind of input reads as ----------------- */

static void expect_read(const char *literal, size_t len, const char *value) {
  pri_buf out = {0};
  const char *p = literal;
  assert_int_equal(pri_json_read_string(&p, literal + len, &out), 1);
  assert_string_equal(out.data, value);
  pri_buf want = {0}; /* and the old two passes agree */
  size_t used = 0;
  assert_int_equal(ref_read(literal, len, &want, &used), 1);
  assert_string_equal(want.data, value);
  assert_int_equal(used, (size_t)(p - literal));
  pri_buf_free(&want);
  pri_buf_free(&out);
}

/* Literals given whole: some hold a NUL byte. */
#define EXPECT_READ(literal, value)                                            \
  expect_read(literal, sizeof literal - 1, value)
#define EXPECT_REFUSED(literal) expect_refused(literal, sizeof literal - 1)

static void expect_refused(const char *literal, size_t len) {
  pri_buf out = {0};
  const char *p = literal;
  assert_int_equal(pri_json_read_string(&p, literal + len, &out), 0);
  assert_ptr_equal(p, literal); /* not moved */
  pri_buf want = {0};
  size_t used = 0;
  assert_int_equal(ref_read(literal, len, &want, &used), 0);
  pri_buf_free(&want);
  pri_buf_free(&out);
}

static void one_pass_reads_each_kind_of_input(void **state) {
  (void)state;
  /* ASCII, long enough for the 8-byte steps, and what stops them */
  EXPECT_READ("\"\"", "");
  EXPECT_READ("\"w.00000001@work.example\"", "w.00000001@work.example");
  EXPECT_READ("\"0123456789abcdef0123456789abcdefXY\",\"next\"",
              "0123456789abcdef0123456789abcdefXY");
  /* valid multi-byte UTF-8 stays as it is */
  EXPECT_READ("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"",
              "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf");
  /* invalid bytes: one U+FFFD each */
  EXPECT_READ("\"a\xff"
              "b\x80\xbf"
              "c\"",
              "a\xEF\xBF\xBD"
              "b\xEF\xBF\xBD\xEF\xBF\xBD"
              "c");
  /* overlongs (a 2-byte NUL, a 3-byte '/', a 4-byte one) */
  EXPECT_READ("\"\xc0\x80|\xe0\x80\xaf|\xf0\x80\x80\x80\"",
              "\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|"
              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  /* encoded surrogates and past U+10FFFF */
  EXPECT_READ("\"\xed\xa0\x80\xf4\x90\x80\x80\"",
              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  /* a sequence cut short by the end of the value, by an escape, by ASCII */
  EXPECT_READ("\"x\xe2\x82\"", "x\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_READ("\"\xf0\x9f\x98\\n\"", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\n");
  EXPECT_READ("\"\xc3"
              "a\"",
              "\xEF\xBF\xBD"
              "a");
  /* escapes, mixed in with text */
  EXPECT_READ("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"",
              "a\"b\\c/d\be\ff\ng\rh\ti");
  EXPECT_READ("\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00!\"",
              "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80!");
  /* escapes cJSON would refuse or cut at: U+FFFD */
  EXPECT_READ("\"a\\u0000b\"", "a\xEF\xBF\xBD"
                               "b");
  EXPECT_READ("\"\\udc00|\\ud800|\\ud800x|\\ud800\\u0041\"",
              "\xEF\xBF\xBD|\xEF\xBF\xBD|\xEF\xBF\xBDx|\xEF\xBF\xBD"
              "A");
  /* a raw NUL, or a \u with a bad hex digit, ends the value as before */
  EXPECT_READ("\"ab\0cd\"", "ab");
  EXPECT_READ("\"ab\\u00zzcd\"", "ab");
  EXPECT_READ("\"ab\\uzzzz\\\\x\"", "ab"); /* the rest still checked... */
  EXPECT_REFUSED("\"ab\\uzzz\\\\x\"");     /* ...as cJSON decodes it */
  /* what cJSON refuses */
  EXPECT_REFUSED("\"abc");     /* no closing quote */
  EXPECT_REFUSED("\"abc\\");   /* ends in a backslash */
  EXPECT_REFUSED("\"a\\x\"");  /* unknown escape */
  EXPECT_REFUSED("\"\\u12\""); /* \u cut by the quote */
  EXPECT_REFUSED("abc\"");     /* not a string */
  EXPECT_REFUSED("");
  EXPECT_REFUSED("\"ab\0\\q\""); /* after a NUL, still checked */
}

static void one_pass_reports_the_end_and_appends_nothing_else(void **state) {
  (void)state;
  const char text[] = "\"first\\u00e9\" , \"second\"";
  const char *p = text, *end = text + sizeof text - 1;
  pri_buf out = {0};
  assert_int_equal(pri_json_read_string(&p, end, &out), 1);
  assert_string_equal(out.data, "first\xc3\xa9");
  assert_int_equal(out.len, 7);
  assert_ptr_equal(p, text + 13);
  p += 3;
  assert_int_equal(pri_json_read_string(&p, end, &out), 1);
  assert_string_equal(out.data, "second"); /* reset, not appended */
  assert_ptr_equal(p, end);
  pri_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(one_pass_reads_each_kind_of_input),
      cmocka_unit_test(one_pass_reports_the_end_and_appends_nothing_else),
      cmocka_unit_test(one_pass_matches_the_two_passes),
      cmocka_unit_test(ascii_fast_paths_match_the_old_code),
  };
  return cmocka_run_group_tests_name("json_string", tests, NULL, NULL);
}
