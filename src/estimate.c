#include "estimate.h"

#include <math.h>
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

static int64_t unit_ms(const char *unit) {
  for (size_t i = 0; unit && i < sizeof units / sizeof *units; i++)
    if (strcasecmp(unit, units[i].name) == 0)
      return units[i].ms;
  return 1000;
}

int64_t pri_estimate_ms_from_double(double value, const char *unit) {
  if (isnan(value))
    return PRI_ESTIMATE_MAX_MS;
  double ms = ceil(value * (double)unit_ms(unit));
  if (!(ms > 0))
    return 0;
  /* Compared as doubles first: converting a huge one to int64 is undefined. */
  return ms >= (double)PRI_ESTIMATE_MAX_MS ? PRI_ESTIMATE_MAX_MS : (int64_t)ms;
}
