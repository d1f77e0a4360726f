/* Rate texts, as a person writes them on a command line or in a config:
 * "300" (a minute), "300/min", "2400/h", "15/10s", "57600/day". Parsing is
 * public (pubrio_rate_parse); this header adds the way back, so a window
 * can be named in messages the way it was asked for. Knows nothing of the
 * pacer's state. */
#ifndef PUBRIO_RATE_H
#define PUBRIO_RATE_H

#include <stddef.h>
#include <stdint.h>

/* Write @p requests per @p window_ms as a rate text pubrio_rate_parse()
 * reads back ("300/min", "2400/h", "15/10s", "57600/day"; "N/1500ms" for a
 * window of no whole seconds), always terminated. Returns the length
 * snprintf would have written. */
int pri_rate_format(int64_t requests, int64_t window_ms, char *buf,
                    size_t size);

#endif
