#include "ids.h"

#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Trim spaces and cut a comment; returns the id text or NULL for nothing. */
static char *clean_line(char *line) {
  char *hash = strchr(line, '#');
  if (hash)
    *hash = '\0';
  while (isspace((unsigned char)*line))
    line++;
  size_t len = strlen(line);
  while (len && isspace((unsigned char)line[len - 1]))
    line[--len] = '\0';
  return *line ? line : NULL;
}

typedef struct collector {
  ids_take_fn take; /* validates and keeps one id; -1 when it is bad */
  void *ctx;
  size_t added;
  size_t bad;
} collector;

/* Name a bad line on stderr, its text escaped (it may hold anything). */
static void bad_line(collector *c, const char *where, size_t n,
                     const char *text, const char *why) {
  fprintf(stderr, "pubrio: %s %zu: \"", where, n);
  text_put_ascii(stderr, text, 60);
  fprintf(stderr, "%s\" %s\n", strlen(text) > 60 ? "..." : "", why);
  c->bad++;
}

/* One id to the taker: a bad one is named (all of them are, before
 * anything is sent). */
static int take(collector *c, const char *id, const char *where, size_t n) {
  char why[256] = "";
  int rc = c->take(c->ctx, id, why, sizeof why);
  if (rc == -1)
    bad_line(c, where, n, id, why);
  else if (rc == 0)
    c->added++;
  return rc < -1 ? -1 : 0;
}

/* Longest line read: an id with spaces and a comment fits many times over,
 * and a file with no line breaks (a binary, /dev/zero) stops here. */
enum { LINE_MAX_BYTES = 1024 };

/* Read one line into @p buf (LINE_MAX_BYTES + 1 bytes); its length, or -1
 * at the end, or -2 when it is longer than the cap. NUL bytes are kept (the
 * caller refuses them). */
static long read_line(FILE *in, char *buf) {
  long len = 0;
  int ch;
  while ((ch = getc_unlocked(in)) != EOF && ch != '\n') {
    if (len == LINE_MAX_BYTES)
      return -2;
    buf[len++] = (char)ch;
  }
  buf[len] = '\0';
  return ch == EOF && len == 0 ? -1 : len;
}

static int read_stream(collector *c, FILE *in, const char *name) {
  char line[LINE_MAX_BYTES + 1];
  size_t n = 0;
  long len;
  while ((len = read_line(in, line)) >= 0) {
    n++;
    char *text = line;
    if (n == 1 && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
      text += 3; /* a UTF-8 byte order mark, as Excel writes */
    if (memchr(line, '\0', (size_t)len)) {
      bad_line(c, "line", n, text, "holds a NUL byte (binary input?)");
      continue;
    }
    char *id = clean_line(text);
    if (id && take(c, id, "line", n) != 0)
      return -1;
  }
  if (len == -2) {
    fprintf(stderr,
            "pubrio: %s line %zu is longer than %d bytes: is it a list of "
            "people_search_ids? Nothing was sent\n",
            name, n + 1, LINE_MAX_BYTES);
    return -1;
  }
  if (ferror(in)) {
    fprintf(stderr, "pubrio: cannot read %s\n", name);
    return -1;
  }
  return 0;
}

int ids_read(const cli_options *o, ids_take_fn fn, void *ctx) {
  collector c = {.take = fn, .ctx = ctx};
  int rc = 0;
  for (int i = 0; rc == 0 && i < o->id_count; i++)
    rc = take(&c, o->ids[i], "argument", (size_t)i + 1);
  if (rc == 0 && o->input_file) {
    int from_stdin = strcmp(o->input_file, "-") == 0;
    FILE *in = from_stdin ? stdin : fopen(o->input_file, "r");
    if (!in) {
      fprintf(stderr, "pubrio: cannot read %s: %s\n", o->input_file,
              strerror(errno));
      rc = -1;
    } else {
      rc = read_stream(&c, in, from_stdin ? "standard input" : o->input_file);
      if (!from_stdin)
        fclose(in);
    }
  }
  if (rc != 0)
    return CLI_USAGE;
  if (c.bad) {
    fprintf(stderr, "pubrio: %zu invalid id%s: nothing was sent\n", c.bad,
            c.bad == 1 ? "" : "s");
    return CLI_USAGE;
  }
  if (c.added == 0) {
    fprintf(stderr, "pubrio: no id given: nothing to do\n");
    return CLI_USAGE;
  }
  return CLI_OK;
}
