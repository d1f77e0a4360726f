/* Keeping the API key out of every string the library hands out. */
#ifndef PUBRIO_REDACT_H
#define PUBRIO_REDACT_H

/* Mask, in place and at the same length, every run of @p text that spells
 * 8 or more consecutive characters of @p secret (the whole secret when it is
 * shorter), whether written plainly or as JSON \uXXXX escapes. No-op when
 * either is NULL or the secret is empty. */
void pri_redact(char *text, const char *secret);

#endif
