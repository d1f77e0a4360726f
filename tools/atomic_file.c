#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct atomic_file {
  char *path; /* FILE, its symbolic link resolved */
  char *tmp;  /* the temporary, beside path; NULL when written through */
  char *dir;  /* its directory, fsync'ed after the rename */
  int fd;
} atomic_file;

static void print_failure(const char *what, const char *path) {
  fprintf(stderr, "pubrio: --output: cannot %s %s: %s\n", what, path,
          strerror(errno));
}

static int refuse(const char *path, const char *why) {
  fprintf(stderr, "pubrio: --output %s: %s; nothing was sent\n", path, why);
  return -1;
}

/* What FILE is, decided before anything is sent: 1 to write through (a
 * character device or a FIFO), 0 to replace (a regular file of ours, or
 * nothing yet), -1 after saying why not. @p f->path receives the path to
 * write: FILE, or its link's target. */
static int inspect(atomic_file *f, const char *path) {
  struct stat link_st, st;
  if (lstat(path, &link_st) != 0) {
    if (errno != ENOENT) {
      print_failure("inspect", path);
      return -1;
    }
    f->path = strdup(path); /* a new file */
    return f->path ? 0 : refuse(path, "out of memory");
  }
  if (S_ISLNK(link_st.st_mode)) {
    /* A link another user made (in /tmp, say) would point our output,
     * and with root's rights, anywhere. */
    if (link_st.st_uid != geteuid())
      return refuse(path, "a symbolic link owned by another user");
    f->path = realpath(path, NULL);
    if (!f->path)
      return refuse(path, "a symbolic link to nothing (or unreadable)");
  } else {
    f->path = strdup(path);
    if (!f->path)
      return refuse(path, "out of memory");
  }
  if (stat(f->path, &st) != 0) {
    print_failure("inspect", f->path);
    return -1;
  }
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
    return 1;
  if (S_ISDIR(st.st_mode))
    return refuse(path, "a directory");
  if (!S_ISREG(st.st_mode))
    return refuse(path, "neither a regular file, a character device nor a "
                        "FIFO");
  if (st.st_uid != geteuid())
    return refuse(path, "owned by another user (not replaced)");
  return 0;
}

/* Point standard output at @p fd. */
static int redirect(atomic_file *f) {
  fflush(stdout);
  if (dup2(f->fd, STDOUT_FILENO) < 0) {
    print_failure("write to", f->path);
    return -1;
  }
  return 0;
}

/* Open FILE to write through it, left in place. */
static int begin_through(atomic_file *f) {
  /* A FIFO's open waits for its reader, as a shell's redirection does. */
  f->fd = open(f->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (f->fd < 0) {
    print_failure("open", f->path);
    return -1;
  }
  return redirect(f);
}

/* Create the temporary and point standard output at it. */
static int begin_replace(atomic_file *f) {
  char *copy = strdup(f->path);
  f->dir = copy ? strdup(dirname(copy)) : NULL;
  free(copy);
  copy = strdup(f->path);
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
  f->fd = mkstemp(f->tmp); /* 0600, whatever FILE's mode was */
  if (f->fd < 0) {
    print_failure("create a temporary file for", f->path);
    free(f->tmp);
    f->tmp = NULL;
    return -1;
  }
  return redirect(f);
}

static int flushed(void) { return fflush(stdout) == 0 && !ferror(stdout); }

/* Everything written reaches the disk before the rename makes it FILE. */
static int commit(atomic_file *f) {
  if (!flushed() || fsync(STDOUT_FILENO) != 0) {
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

/* A write failed: the temporary holds paid results, so it stays. */
static void keep_partial(const atomic_file *f) {
  fflush(stdout);
  fsync(STDOUT_FILENO);
  fprintf(stderr,
          "pubrio: --output: what was written before the failure is kept "
          "in %s (incomplete); %s is unchanged\n",
          f->tmp, f->path);
}

static int finish(atomic_file *f, int rc) {
  if (!f->tmp) { /* written through */
    if (!flushed() && rc == CLI_OK) {
      print_failure("write", f->path);
      rc = CLI_OUTPUT;
    }
    return rc;
  }
  if (rc == CLI_USAGE) {
    unlink(f->tmp); /* nothing was sent: FILE stays as it was */
  } else if (rc == CLI_OUTPUT) {
    keep_partial(f);
  } else if (commit(f) != 0) {
    keep_partial(f);
    rc = CLI_OUTPUT;
  }
  return rc;
}

int atomic_file_run(const cli_options *o,
                    int (*command)(const cli_options *o)) {
  if (!o->output_file || strcmp(o->output_file, "-") == 0)
    return command(o);
  atomic_file f = {.fd = -1};
  int through = inspect(&f, o->output_file);
  int rc = CLI_USAGE;
  if (through >= 0 && (through ? begin_through(&f) : begin_replace(&f)) == 0)
    rc = finish(&f, command(o));
  else if (f.tmp)
    unlink(f.tmp);
  if (f.fd >= 0)
    close(f.fd);
  free(f.tmp);
  free(f.dir);
  free(f.path);
  return rc;
}
