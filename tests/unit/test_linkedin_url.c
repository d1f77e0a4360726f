/* pubrio_linkedin_url_normalize(): a table of the URL forms people paste,
 * each with the canonical form it must give or the refusal it must get. */
/* cmocka needs these three first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "pubrio/pubrio.h"

#include <stdio.h>
#include <string.h>

#define CANON "https://www.linkedin.com/in/"

typedef struct accepted_form {
  const char *url;
  const char *canonical;
} accepted_form;

static const accepted_form accepted[] = {
    {"https://www.linkedin.com/in/jane-doe", CANON "jane-doe"},
    {"http://www.linkedin.com/in/jane-doe", CANON "jane-doe"},
    {"www.linkedin.com/in/jane-doe", CANON "jane-doe"},
    {"linkedin.com/in/jane-doe", CANON "jane-doe"},
    {"https://linkedin.com/in/jane-doe", CANON "jane-doe"},
    {"HTTPS://WWW.LINKEDIN.COM/in/jane-doe", CANON "jane-doe"},
    {"https://www.LinkedIn.com/in/Jane-Doe", CANON "jane-doe"},
    {"https://www.linkedin.com/IN/jane-doe", CANON "jane-doe"},
    {"https://uk.linkedin.com/in/jane-doe", CANON "jane-doe"},
    {"https://DE.linkedin.com/in/jane-doe/", CANON "jane-doe"},
    {"https://www.linkedin.com/in/jane-doe/", CANON "jane-doe"},
    {"https://www.linkedin.com/in/jane-doe?trk=public_profile",
     CANON "jane-doe"},
    {"https://www.linkedin.com/in/jane-doe/?originalSubdomain=fr",
     CANON "jane-doe"},
    {"https://www.linkedin.com/in/jane-doe#experience", CANON "jane-doe"},
    {"https://www.linkedin.com/in/jane-doe/#about", CANON "jane-doe"},
    {"  https://www.linkedin.com/in/jane-doe \t", CANON "jane-doe"},
    {"https://www.linkedin.com/in/jane%2Ddoe", CANON "jane-doe"},
    {"https://www.linkedin.com/in/%6Aane-doe", CANON "jane-doe"},
    {"https://www.linkedin.com/in/jane_doe.1~x", CANON "jane_doe.1~x"},
    {"https://www.linkedin.com/in/jos%C3%A9-garc%C3%ADa",
     CANON "jos%C3%A9-garc%C3%ADa"},
    {"https://www.linkedin.com/in/jos%c3%a9", CANON "jos%C3%A9"},
    {"https://www.linkedin.com/in/jos\xC3\xA9", CANON "jos%C3%A9"},
    {"https://www.linkedin.com/in/\xE7\x8E\x8B\xE5\xB0\x8F",
     CANON "%E7%8E%8B%E5%B0%8F"},
    {"https://www.linkedin.com/in/ACwAAA123xyz", CANON "acwaaa123xyz"},
    {"linkedin.com/in/a", CANON "a"},
};

typedef struct refused_form {
  const char *url;
  const char *message_part; /* what the message must say */
} refused_form;

static const refused_form refused[] = {
    {"", "empty"},
    {"   ", "empty"},
    {"https://www.linkedin.com/company/pubrio", "not a LinkedIn profile"},
    {"https://www.linkedin.com/pub/dir/jane/doe", "not a LinkedIn profile"},
    {"https://www.linkedin.com/", "not a LinkedIn profile"},
    {"https://www.linkedin.com", "not a LinkedIn profile"},
    {"https://www.linkedin.com/in/", "no profile name"},
    {"https://www.linkedin.com/in//", "no profile name"},
    {"https://www.linkedin.com/in/?x=1", "no profile name"},
    {"https://www.linkedin.com/in/jane/details/experience", "beyond"},
    {"https://www.linkedin.com/in/jane/en", "beyond"},
    {"https://linkedin.com.evil.com/in/jane", "not on linkedin.com"},
    {"https://evil.com/www.linkedin.com/in/jane", "not on linkedin.com"},
    {"https://evillinkedin.com/in/jane", "not on linkedin.com"},
    {"https://www.linkedin.com.evil.com/in/jane", "not on linkedin.com"},
    {"https://mobile.linkedin.com/in/jane", "not on linkedin.com"},
    {"https://a.b.linkedin.com/in/jane", "not on linkedin.com"},
    {"https://www.linkedin.com:8443/in/jane", "not on linkedin.com"},
    {"https://linkedin.com./in/jane", "not on linkedin.com"},
    {"https://user:pw@www.linkedin.com/in/jane", "user information"},
    {"https://www.linkedin.com@evil.com/in/jane", "user information"},
    {"ftp://www.linkedin.com/in/jane", "scheme"},
    {"javascript:alert(1)//linkedin.com/in/jane", "scheme"},
    {"https://www.linkedin.com/in/ja ne", "space or a control"},
    {"https://www.linkedin.com/in/jane\x1b[31m", "space or a control"},
    {"https://www.linkedin.com/in/jane\n", "space or a control"},
    {"https://www.linkedin.com/in/jane%0A", "control character"},
    {"https://www.linkedin.com/in/jane%2Fdoe", "cannot have"},
    {"https://www.linkedin.com/in/jane%20doe", "cannot have"},
    {"https://www.linkedin.com/in/jane%zz", "percent-escape"},
    {"https://www.linkedin.com/in/jane%4", "percent-escape"},
    {"https://www.linkedin.com/in/jane%", "percent-escape"},
    {"https://www.linkedin.com/in/jane!", "cannot have"},
    {"https://www.linkedin.com/in/jane%C3", "not UTF-8"},
    {"https://www.linkedin.com/in/jane\xFF", "not UTF-8"},
    {"https://www.linkedin.com/in/%C0%AF", "not UTF-8"},
};

static void accepts_every_profile_form(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++) {
    char out[PUBRIO_LINKEDIN_URL_MAX] = "";
    pubrio_error err = {0};
    pubrio_status st =
        pubrio_linkedin_url_normalize(accepted[i].url, out, sizeof out, &err);
    if (st != PUBRIO_OK || strcmp(out, accepted[i].canonical) != 0)
      print_error("form %zu \"%s\": status %d, \"%s\" (%s)\n", i,
                  accepted[i].url, st, out, err.message ? err.message : "");
    assert_int_equal(st, PUBRIO_OK);
    assert_string_equal(out, accepted[i].canonical);
    pubrio_error_clear(&err);
  }
}

static void refuses_everything_else_with_a_reason(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
    char out[PUBRIO_LINKEDIN_URL_MAX] = "untouched";
    pubrio_error err = {0};
    pubrio_status st =
        pubrio_linkedin_url_normalize(refused[i].url, out, sizeof out, &err);
    if (st != PUBRIO_E_INVALID_ARGUMENT || !err.message ||
        !strstr(err.message, refused[i].message_part))
      print_error("form %zu \"%s\": status %d, message \"%s\"\n", i,
                  refused[i].url, st, err.message ? err.message : "(none)");
    assert_int_equal(st, PUBRIO_E_INVALID_ARGUMENT);
    assert_int_equal(err.status, PUBRIO_E_INVALID_ARGUMENT);
    assert_non_null(strstr(err.message, refused[i].message_part));
    assert_string_equal(out, "untouched");
    pubrio_error_clear(&err);
  }
}

static void bounds_are_checked(void **state) {
  (void)state;
  pubrio_error err = {0};
  char small[20];
  assert_int_equal(pubrio_linkedin_url_normalize("linkedin.com/in/jane", small,
                                                 sizeof small, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "out_size"));
  /* Exactly enough room: the canonical URL and its NUL. */
  char exact[sizeof CANON "jane"];
  assert_int_equal(pubrio_linkedin_url_normalize("linkedin.com/in/jane", exact,
                                                 sizeof exact, &err),
                   PUBRIO_OK);
  assert_string_equal(exact, CANON "jane");
  assert_int_equal(
      pubrio_linkedin_url_normalize(NULL, exact, sizeof exact, &err),
      PUBRIO_E_INVALID_ARGUMENT);
  assert_int_equal(
      pubrio_linkedin_url_normalize("linkedin.com/in/jane", NULL, 10, NULL),
      PUBRIO_E_INVALID_ARGUMENT);
  /* Over-long: the input cap, and a slug longer than any profile's. */
  static char url[4096];
  memset(url, 'a', sizeof url - 1);
  memcpy(url, "linkedin.com/in/", 16);
  char out[PUBRIO_LINKEDIN_URL_MAX];
  assert_int_equal(pubrio_linkedin_url_normalize(url, out, sizeof out, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "longer than"));
  url[16 + 301] = '\0';
  assert_int_equal(pubrio_linkedin_url_normalize(url, out, sizeof out, &err),
                   PUBRIO_E_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "too long"));
  /* The longest slug accepted, all non-ASCII, fits PUBRIO_LINKEDIN_URL_MAX. */
  char wide[16 + 300 * 3 + 1] = "linkedin.com/in/";
  for (int i = 0; i < 150; i++)
    strcat(wide, "%C3%A9");
  assert_int_equal(pubrio_linkedin_url_normalize(wide, out, sizeof out, &err),
                   PUBRIO_OK);
  assert_int_equal(strlen(out), strlen(CANON) + 900);
  pubrio_error_clear(&err);
}

static void two_spellings_of_one_profile_are_equal(void **state) {
  (void)state;
  const char *spellings[] = {"http://uk.linkedin.com/in/Jane-Doe/?trk=x",
                             "www.linkedin.com/in/jane%2ddoe#top",
                             "https://www.linkedin.com/in/jane-doe"};
  char first[PUBRIO_LINKEDIN_URL_MAX], other[PUBRIO_LINKEDIN_URL_MAX];
  assert_int_equal(
      pubrio_linkedin_url_normalize(spellings[0], first, sizeof first, NULL),
      PUBRIO_OK);
  for (size_t i = 1; i < 3; i++) {
    assert_int_equal(
        pubrio_linkedin_url_normalize(spellings[i], other, sizeof other, NULL),
        PUBRIO_OK);
    assert_string_equal(first, other);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(accepts_every_profile_form),
      cmocka_unit_test(refuses_everything_else_with_a_reason),
      cmocka_unit_test(bounds_are_checked),
      cmocka_unit_test(two_spellings_of_one_profile_are_equal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
