/* Normalising the API's (estimated_time, estimated_time_type) pair. */
#ifndef PUBRIO_ESTIMATE_H
#define PUBRIO_ESTIMATE_H

#include <stdint.h>

/* The longest estimate taken at its word: a day. Longer ones, NaN and
 * infinities are clamped to it, so no sleep built on one can run away. */
#define PRI_ESTIMATE_MAX_MS INT64_C(86400000)

/* Milliseconds for a JSON number in @p unit ("second", "minute", "hour",
 * "millisecond", plurals and short forms, any case; unknown or NULL units
 * count as seconds), rounded up and clamped to 0..PRI_ESTIMATE_MAX_MS (NaN
 * counts as the maximum). */
int64_t pri_estimate_ms_from_double(double value, const char *unit);

#endif
