/* `pubrio export` and `pubrio status`: what a journal holds, read without
 * a key or a request. */
#include "cli.h"
#include "output.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The path as messages show it: a connection string's password masked
 * as ***, as the library's store shows it (src/bulk/store.c). */
void cli_shown_path(const char *path, char *out, size_t size) {
  snprintf(out, size, "%s", path);
  const char *scheme = strstr(path, "://");
  const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
  const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
  const char *colon =
      at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
  size_t keep = colon ? (size_t)(colon + 1 - path) : 0;
  if (colon && (!slash || at < slash) && keep < size)
    snprintf(out + keep, size - keep, "***%s", at);
}

/* Reading never creates a journal: a path that is not there, or not a
 * file, is said as such rather than opened as an empty store. */
static int journal_is_there(const char *command, const char *path) {
  /* A PostgreSQL journal is no file: the library reads an empty schema
   * as an empty journal, creating nothing. */
  if (strncmp(path, "postgresql://", 13) == 0 ||
      strncmp(path, "postgres://", 11) == 0)
    return 1;
  struct stat sb;
  int found = stat(path, &sb) == 0;
  if (found && S_ISREG(sb.st_mode))
    return 1;
  int e = found ? 0 : errno;
  char shown[PATH_MAX + 4];
  cli_shown_path(path, shown, sizeof shown);
  if (found)
    fprintf(stderr, "pubrio: %s: the journal %s is not a file\n", command,
            shown);
  else if (e == ENOENT || e == ENOTDIR)
    fprintf(stderr,
            "pubrio: %s: the journal %s does not exist (a journal is "
            "written by pubrio redeem --journal FILE)\n",
            command, shown);
  else
    fprintf(stderr, "pubrio: %s: the journal %s cannot be opened (%s)\n",
            command, shown, strerror(e));
  return 0;
}

static pubrio_journal *open_journal(const char *command, const cli_options *o) {
  if (!o->journal) {
    fprintf(stderr, "pubrio: --journal FILE is required\n");
    return NULL;
  }
  if (!journal_is_there(command, o->journal))
    return NULL;
  pubrio_journal *j = NULL;
  pubrio_error err = {0};
  if (pubrio_journal_open(&j, o->journal, &err) != PUBRIO_OK)
    cli_print_error(command, err.status, &err);
  pubrio_error_clear(&err);
  return j;
}

int cli_export(const cli_options *o) {
  pubrio_journal *j = open_journal("export", o);
  if (!j)
    return CLI_USAGE;
  pubrio_error err = {0};
  const pubrio_person *p = NULL;
  pubrio_status st;
  size_t damaged = 0;
  int rc = CLI_OK;
  if (o->format == FORMAT_CSV)
    output_csv_header(stdout);
  /* A damaged row is named and stepped over: the rest is still exported,
   * and the exit code says something was missing. */
  while (!ferror(stdout)) {
    st = pubrio_journal_next_person(j, &p, &err);
    if (st != PUBRIO_OK) {
      cli_print_error("export", st, &err);
      pubrio_error_clear(&err);
      rc = CLI_FAILED;
      damaged++;
      if (st == PUBRIO_E_OUT_OF_MEMORY)
        break;
      continue;
    }
    if (!p)
      break;
    output_person(stdout, o->format, p, NULL);
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "pubrio: the output could not be written (%s)\n",
            strerror(errno ? errno : EIO));
    rc = CLI_OUTPUT;
  } else if (damaged) {
    fprintf(stderr,
            "pubrio: %zu %s of the journal could not be exported (named "
            "above); everything else was\n",
            damaged, damaged == 1 ? "row" : "rows");
  }
  pubrio_error_clear(&err);
  pubrio_journal_free(j);
  return rc;
}

static void types_text(unsigned types, char *out, size_t size) {
  out[0] = '\0';
  for (unsigned bit = 1; bit <= PUBRIO_CONTACT_PHONE; bit <<= 1)
    if (types & bit) {
      size_t len = strlen(out);
      snprintf(out + len, size - len, "%s%s", len ? "," : "",
               pubrio_contact_type_str((pubrio_contact_type)bit));
    }
}

int cli_status(const cli_options *o) {
  pubrio_journal *j = open_journal("status", o);
  if (!j)
    return CLI_USAGE;
  pubrio_journal_run run;
  size_t uncertain = 0, open = 0, singles = 0, singles_uncertain = 0;
  int64_t credits = 0;
  printf("run  started (UTC)        types                       collected "
         "accepted uncertain refused  credits\n");
  for (size_t i = 0; pubrio_journal_run_get(j, i, &run, sizeof run); i++) {
    char when[32] = "?", types[64];
    time_t t = (time_t)run.started_at;
    struct tm tm;
    if (gmtime_r(&t, &tm))
      strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    types_text(run.types, types, sizeof types);
    printf("%-4lld %-20s %-27s %9zu %8zu %9zu %7zu %8lld\n", (long long)run.id,
           when, types, run.batches_collected, run.batches_accepted,
           run.batches_uncertain, run.batches_refused,
           (long long)run.credits_charged);
    uncertain += run.batches_uncertain;
    open += run.batches_accepted;
    singles += run.singles_answered;
    singles_uncertain += run.singles_uncertain;
    credits += run.credits_charged;
  }
  size_t people = 0, contacts = 0;
  pubrio_journal_counts(j, &people, &contacts);
  printf("people bought: %zu, contacts stored: %zu, credits charged: %lld\n",
         people, contacts, (long long)credits);
  int64_t oldest = 0;
  if (pubrio_journal_oldest_contact(j, &oldest)) {
    int64_t age = (int64_t)time(NULL) - oldest;
    printf("oldest contact: collected %lld days ago (pubrio forget "
           "--older-than erases by age)\n",
           (long long)(age > 0 ? age / 86400 : 0));
  }
  if (singles || singles_uncertain)
    printf("linkedin urls redeemed one by one: %zu answered, %zu "
           "uncertain\n",
           singles, singles_uncertain);
  size_t count = 0;
  const char *id;
  for (size_t i = 0; (id = pubrio_journal_uncollected(j, i, &count)); i++)
    printf("accepted, not collected: %s (%zu %s): pubrio query %s --wait, "
           "or rerun with --journal\n",
           id, count, count == 1 ? "person" : "people", id);
  if (uncertain || singles_uncertain)
    printf("uncertain: %zu %s and %zu single %s got no conclusive answer; "
           "the API may have charged for them, and they are not sent again "
           "unless --resubmit-uncertain\n",
           uncertain, uncertain == 1 ? "batch" : "batches", singles_uncertain,
           singles_uncertain == 1 ? "redeem" : "redeems");
  pubrio_journal_free(j);
  return open || uncertain || singles_uncertain ? CLI_UNCERTAIN : CLI_OK;
}
