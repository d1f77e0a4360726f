#include "estimate.h"

#include <stddef.h>
#include <strings.h>

static const struct {
  const char *name;
  int64_t ms;
} units[] = {
    {"millisecond", 1}, {"milliseconds", 1}, {"ms", 1},    {"second", 1000},
    {"seconds", 1000},  {"sec", 1000},       {"s", 1000},  {"minute", 60000},
    {"minutes", 60000}, {"min", 60000},      {"m", 60000}, {"hour", 3600000},
    {"hours", 3600000}, {"h", 3600000},
};

int64_t pri_estimate_ms(int64_t value, const char *unit) {
  int64_t factor = 1000;
  for (size_t i = 0; unit && i < sizeof units / sizeof *units; i++)
    if (strcasecmp(unit, units[i].name) == 0)
      factor = units[i].ms;
  if (value <= 0)
    return 0;
  if (value > INT64_MAX / factor)
    return INT64_MAX;
  return value * factor;
}
