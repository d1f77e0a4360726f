#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct atomic_file {
  const char *path;
  char *tmp; /* the temporary, beside path */
  char *dir; /* its directory, fsync'ed after the rename */
  int fd;
} atomic_file;

static void print_failure(const char *what, const char *path) {
  fprintf(stderr, "pubrio: --output: cannot %s %s: %s\n", what, path,
          strerror(errno));
}

/* Create the temporary and point standard output at it. */
static int begin(atomic_file *f, const char *path) {
  f->path = path;
  char *copy = strdup(path);
  f->dir = copy ? strdup(dirname(copy)) : NULL;
  free(copy);
  copy = strdup(path);
  const char *base = copy ? basename(copy) : NULL;
  size_t size = f->dir && base ? strlen(f->dir) + strlen(base) + 16 : 0;
  f->tmp = size ? malloc(size) : NULL;
  if (!f->tmp) {
    free(copy);
    fprintf(stderr, "pubrio: out of memory\n");
    return -1;
  }
  /* A hidden name, so a half-written file never looks like a result. */
  snprintf(f->tmp, size, "%s/.%s.XXXXXX", f->dir, base);
  free(copy);
  f->fd = mkstemp(f->tmp); /* 0600 */
  if (f->fd < 0) {
    print_failure("create a temporary file for", path);
    return -1;
  }
  struct stat st;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
      fchmod(f->fd, st.st_mode & 07777) != 0) {
    print_failure("keep the mode of", path);
    return -1;
  }
  fflush(stdout);
  if (dup2(f->fd, STDOUT_FILENO) < 0) {
    print_failure("write to", f->tmp);
    return -1;
  }
  return 0;
}

/* Everything written reaches the disk before the rename makes it FILE. */
static int commit(atomic_file *f) {
  if (fflush(stdout) != 0 || ferror(stdout) || fsync(STDOUT_FILENO) != 0) {
    print_failure("write", f->path);
    return -1;
  }
  if (rename(f->tmp, f->path) != 0) {
    print_failure("rename the temporary file to", f->path);
    return -1;
  }
  int dir = open(f->dir, O_RDONLY | O_DIRECTORY);
  if (dir >= 0) { /* the rename itself survives a power cut */
    fsync(dir);
    close(dir);
  }
  return 0;
}

int atomic_file_run(const cli_options *o,
                    int (*command)(const cli_options *o)) {
  if (!o->output_file || strcmp(o->output_file, "-") == 0)
    return command(o);
  atomic_file f = {.fd = -1};
  int rc = begin(&f, o->output_file) == 0 ? command(o) : CLI_USAGE;
  if (f.fd >= 0 && (rc == CLI_USAGE || commit(&f) != 0)) {
    unlink(f.tmp); /* FILE stays as it was */
    if (rc == CLI_OK)
      rc = CLI_FAILED;
  }
  if (f.fd >= 0)
    close(f.fd);
  free(f.tmp);
  free(f.dir);
  return rc;
}
