/* LinkedIn profile URLs to one canonical form, so that two spellings of one
 * profile are one person (de-duplication) and anything that is not a
 * profile URL is refused before a request could carry it. A pure function:
 * no allocation, no network, no locale. */
#include "error.h"
#include "pubrio/pubrio.h"

#include <string.h>

/* Input and slug caps: LinkedIn's custom slugs are at most 100 characters;
 * a percent-encoded non-Latin slug triples that, plus host and query. */
enum { URL_MAX = 2048, SLUG_MAX_BYTES = 300 };

static const char canonical_prefix[] = "https://www.linkedin.com/in/";

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

/* Case-insensitive prefix test; returns the length matched or 0. */
static size_t starts_with(const char *s, size_t len, const char *prefix) {
  size_t n = strlen(prefix);
  if (len < n)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (lower((unsigned char)s[i]) != prefix[i])
      return 0;
  return n;
}

static int hex_value(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = lower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Characters RFC 3986 calls unreserved: never percent-encoded in the
 * canonical form. */
static int unreserved(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
}

/* 1 when the host is linkedin.com, www.linkedin.com or a two-letter
 * country subdomain of it (uk.linkedin.com). */
static int linkedin_host(const char *host, size_t len) {
  static const char domain[] = "linkedin.com";
  size_t dlen = sizeof domain - 1;
  if (len < dlen || !starts_with(host + len - dlen, dlen, domain))
    return 0;
  size_t sub = len - dlen; /* the part before "linkedin.com" */
  if (sub == 0)
    return 1;
  if (host[sub - 1] != '.')
    return 0;
  if (sub == 4 && starts_with(host, 3, "www"))
    return 1;
  return sub == 3 && lower((unsigned char)host[0]) >= 'a' &&
         lower((unsigned char)host[0]) <= 'z' &&
         lower((unsigned char)host[1]) >= 'a' &&
         lower((unsigned char)host[1]) <= 'z';
}

/* 1 when @p s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
static int utf8_valid(const unsigned char *s, size_t len) {
  for (size_t i = 0; i < len;) {
    unsigned char c = s[i];
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (!n || i + n > len || (n == 2 && c < 0xC2) || c > 0xF4)
      return 0;
    for (size_t k = 1; k < n; k++)
      if ((s[i + k] & 0xC0) != 0x80)
        return 0;
    if ((n == 3 && c == 0xE0 && s[i + 1] < 0xA0) ||
        (n == 3 && c == 0xED && s[i + 1] >= 0xA0) ||
        (n == 4 && c == 0xF0 && s[i + 1] < 0x90) ||
        (n == 4 && c == 0xF4 && s[i + 1] >= 0x90))
      return 0;
    i += n;
  }
  return 1;
}

/* Decode the slug into @p out (SLUG_MAX_BYTES): percent-escapes become
 * bytes, ASCII letters are lowered. -1 with a reason on anything that is
 * not a profile slug. */
static long decode_slug(const char *s, size_t len, unsigned char *out,
                        const char **why) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    int c = (unsigned char)s[i];
    if (c == '%') {
      int hi = i + 2 < len ? hex_value((unsigned char)s[i + 1]) : -1;
      int lo = hi >= 0 ? hex_value((unsigned char)s[i + 2]) : -1;
      if (lo < 0) {
        *why = "has a broken percent-escape";
        return -1;
      }
      c = hi * 16 + lo;
      i += 2;
      /* Decoded only where it cannot change the path: a letter, a digit,
       * -._~ or a byte of a UTF-8 character. */
      if (c < 0x80 && !unreserved(c)) {
        *why = c < 0x20 || c == 0x7F ? "holds an encoded control character"
                                     : "holds a character a profile slug "
                                       "cannot have";
        return -1;
      }
    } else if (c < 0x80 && !unreserved(c)) {
      *why = "holds a character a profile slug cannot have";
      return -1;
    }
    if (n == SLUG_MAX_BYTES) {
      *why = "has a slug too long for a profile";
      return -1;
    }
    out[n++] = (unsigned char)lower(c);
  }
  if (!utf8_valid(out, n)) {
    *why = "has a slug that is not UTF-8";
    return -1;
  }
  return (long)n;
}

PUBRIO_API pubrio_status pubrio_linkedin_url_normalize(const char *url,
                                                       char *out,
                                                       size_t out_size,
                                                       pubrio_error *err) {
  if (!url || !out)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "url and out must not be NULL");
  size_t len = strnlen(url, URL_MAX + 1);
  if (len > URL_MAX)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "the LinkedIn URL is longer than %d bytes", URL_MAX);
  /* Spaces around a pasted URL are noise; inside it they are not. */
  while (len && (*url == ' ' || *url == '\t')) {
    url++;
    len--;
  }
  while (len && (url[len - 1] == ' ' || url[len - 1] == '\t'))
    len--;
  if (!len)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "the LinkedIn URL is empty");
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)url[i];
    if (c < 0x20 || c == 0x7F || c == ' ')
      return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                           "the LinkedIn URL holds a space or a control "
                           "character");
  }
  const char *p = url, *end = url + len;
  size_t skip = starts_with(p, len, "https://");
  if (!skip)
    skip = starts_with(p, len, "http://");
  p += skip;
  /* The authority ends at the first '/', '?' or '#'. */
  const char *host = p;
  while (p < end && *p != '/' && *p != '?' && *p != '#')
    p++;
  size_t host_len = (size_t)(p - host);
  if (memchr(host, '@', host_len))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "the LinkedIn URL holds user information (@)");
  if (!skip && memchr(host, ':', host_len))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "the URL's scheme is not http or https");
  if (!linkedin_host(host, host_len))
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "the URL is not on linkedin.com");
  size_t in = starts_with(p, (size_t)(end - p), "/in/");
  if (!in)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "the URL is not a LinkedIn profile (linkedin.com/in/"
                         "NAME)");
  const char *slug = p + in;
  const char *slug_end = slug;
  while (slug_end < end && *slug_end != '/' && *slug_end != '?' &&
         *slug_end != '#')
    slug_end++;
  /* After the slug: at most one '/', then the end, a query or a fragment. */
  const char *rest = slug_end;
  if (rest < end && *rest == '/')
    rest++;
  if (rest < end && *rest != '?' && *rest != '#')
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "the LinkedIn URL has a path beyond the profile "
                         "name");
  if (slug_end == slug)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "the LinkedIn URL has no profile name after /in/");
  unsigned char decoded[SLUG_MAX_BYTES];
  const char *why = NULL;
  long n = decode_slug(slug, (size_t)(slug_end - slug), decoded, &why);
  if (n < 0)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT, "the LinkedIn URL %s",
                         why);
  /* Canonical: unreserved characters as they are, every other byte as an
   * upper-case percent-escape (RFC 3986 normalization). */
  static const char hex[] = "0123456789ABCDEF";
  size_t need = sizeof canonical_prefix - 1;
  for (long i = 0; i < n; i++)
    need += decoded[i] < 0x80 ? 1 : 3;
  if (need + 1 > out_size)
    return pri_error_set(err, PUBRIO_E_INVALID_ARGUMENT,
                         "out_size is %zu bytes, the canonical URL needs %zu",
                         out_size, need + 1);
  char *w = out;
  memcpy(w, canonical_prefix, sizeof canonical_prefix - 1);
  w += sizeof canonical_prefix - 1;
  for (long i = 0; i < n; i++) {
    if (decoded[i] < 0x80) {
      *w++ = (char)decoded[i];
    } else {
      *w++ = '%';
      *w++ = hex[decoded[i] >> 4];
      *w++ = hex[decoded[i] & 15];
    }
  }
  *w = '\0';
  return PUBRIO_OK;
}
