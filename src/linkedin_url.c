#include "linkedin_url.h"

#include "untrusted.h"

#include <string.h>
#include <strings.h>

static int refuse(const char **why, const char *reason) {
  if (why)
    *why = reason;
  return 0;
}

/* Whether the host [begin, end) is linkedin.com or a subdomain of it
 * (www., country subdomains such as uk.), either case. */
static int is_linkedin_host(const char *begin, const char *end) {
  static const char base[] = "linkedin.com";
  size_t len = (size_t)(end - begin), blen = sizeof base - 1;
  if (len < blen || strncasecmp(end - blen, base, blen) != 0)
    return 0;
  if (len == blen)
    return 1;
  const char *sub_end = end - blen - 1; /* the labels before ".linkedin" */
  if (*sub_end != '.' || sub_end == begin || sub_end[-1] == '.')
    return 0;
  for (const char *p = begin; p < sub_end; p++) {
    char c = *p;
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok || (c == '.' && (p == begin || p[-1] == '.')))
      return 0;
  }
  return 1;
}

int pri_linkedin_url_ok(const char *url, const char **why) {
  if (!url)
    return refuse(why, "it is NULL");
  size_t len = strlen(url);
  if (len > PRI_LINKEDIN_URL_MAX)
    return refuse(why, "it is too long");
  if (!pri_utf8_valid(url, len))
    return refuse(why, "it is not valid UTF-8");
  for (const char *p = url; *p; p++)
    if ((unsigned char)*p <= ' ' || *p == 0x7f)
      return refuse(why, "it holds a space or a control character");
  const char *host;
  if (strncasecmp(url, "https://", 8) == 0)
    host = url + 8;
  else if (strncasecmp(url, "http://", 7) == 0)
    host = url + 7;
  else
    return refuse(why, "it is not an http(s) URL");
  const char *host_end = host + strcspn(host, "/?#");
  if (memchr(host, '@', (size_t)(host_end - host)))
    return refuse(why, "it holds credentials");
  const char *port = memchr(host, ':', (size_t)(host_end - host));
  if (port) {
    if (port + 1 == host_end)
      return refuse(why, "its port is empty");
    for (const char *p = port + 1; p < host_end; p++)
      if (*p < '0' || *p > '9')
        return refuse(why, "its port is not a number");
  }
  if (!is_linkedin_host(host, port ? port : host_end))
    return refuse(why, "it is not on linkedin.com");
  if (strncmp(host_end, "/in/", 4) != 0)
    return refuse(why, "its path is not /in/SLUG");
  const char *slug = host_end + 4;
  if (strcspn(slug, "/?#") == 0)
    return refuse(why, "its /in/ path names nobody");
  return 1;
}
