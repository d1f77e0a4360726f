/* Normalising the API's (estimated_time, estimated_time_type) pair. */
#ifndef PUBRIO_ESTIMATE_H
#define PUBRIO_ESTIMATE_H

#include <stdint.h>

/* Milliseconds for @p value in @p unit ("second", "minute", "hour",
 * "millisecond", plurals and short forms, any case). Unknown or NULL units
 * count as seconds; negative values as 0; overflow saturates. */
int64_t pri_estimate_ms(int64_t value, const char *unit);

#endif
