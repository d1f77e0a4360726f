/* Runs a fuzz harness over the files given (or the files in the directories
 * given): how ctest replays the seed corpus in builds without libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  /* An exact-size heap copy, so sanitizers catch any read past the end. */
  uint8_t *data = malloc(len > 0 ? (size_t)len : 1);
  size_t got = fread(data, 1, (size_t)len, f);
  fclose(f);
  LLVMFuzzerTestOneInput(data, got);
  free(data);
  return 0;
}

int main(int argc, char **argv) {
  int failures = 0, files = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      DIR *dir = opendir(argv[i]);
      struct dirent *ent;
      while (dir && (ent = readdir(dir))) {
        if (ent->d_name[0] == '.')
          continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[i], ent->d_name);
        failures += replay_file(path);
        files++;
      }
      if (dir)
        closedir(dir);
    } else {
      failures += replay_file(argv[i]);
      files++;
    }
  }
  printf("replayed %d inputs\n", files);
  return failures != 0 || files == 0;
}
