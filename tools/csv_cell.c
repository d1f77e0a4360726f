#include "csv_cell.h"

#include "text.h"

#include <stdlib.h>
#include <string.h>

static int raw_cells;

void csv_cell_set_raw(int raw) { raw_cells = raw; }

/* '+' then 1 to 20 digits, nothing else. */
static int is_e164(const char *value) {
  size_t digits = strspn(value + 1, "0123456789");
  return value[0] == '+' && digits >= 1 && digits <= 20 &&
         value[1 + digits] == '\0';
}

const char *csv_cell_guard(const char *value) {
  if (raw_cells || !value || !strchr("=+-@\t\r", value[0]) || !value[0])
    return "";
  return is_e164(value) ? "" : "'";
}

void csv_cell_put_field(FILE *out, const char *s, size_t len, char delimiter) {
  int quote = memchr(s, delimiter, len) || memchr(s, '"', len) ||
              memchr(s, '\r', len) || memchr(s, '\n', len);
  if (!quote) {
    fwrite(s, 1, len, out);
    return;
  }
  fputc('"', out);
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '"')
      fputc('"', out);
    fputc(s[i], out);
  }
  fputc('"', out);
}

int csv_cell_put_text(FILE *out, const char *s, char delimiter) {
  if (!s)
    return 0;
  char *escaped = NULL;
  size_t size = 0;
  FILE *mem = open_memstream(&escaped, &size);
  if (!mem)
    return -1;
  fputs(csv_cell_guard(s), mem); /* not a formula in a spreadsheet */
  text_put(mem, s, (size_t)-1);  /* never cut: every paid byte */
  int ok = fclose(mem) == 0;
  if (ok)
    csv_cell_put_field(out, escaped, strlen(escaped), delimiter);
  free(escaped);
  return ok ? 0 : -1;
}
