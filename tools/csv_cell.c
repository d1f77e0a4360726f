#include "csv_cell.h"

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
