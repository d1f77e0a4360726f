/* What counts as a LinkedIn profile URL, checked before one is sent to
 * POST /redeem/people. Pure text logic: knows nothing of HTTP or JSON. */
#ifndef PUBRIO_LINKEDIN_URL_H
#define PUBRIO_LINKEDIN_URL_H

#include <stddef.h>

/* Longest URL accepted: LinkedIn's are far shorter. */
#define PRI_LINKEDIN_URL_MAX 2048

/* Whether @p url is http(s)://[sub.]linkedin.com[:port]/in/SLUG[...]: no
 * credentials, no spaces or control characters, valid UTF-8, not longer
 * than PRI_LINKEDIN_URL_MAX. On 0, *why (may be NULL) names the rule
 * broken, for the caller's message. */
int pri_linkedin_url_ok(const char *url, const char **why);

#endif
