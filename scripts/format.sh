#!/usr/bin/env bash
# clang-format (Debian's; CLANG_FORMAT names another) with the project's
# .clang-format over the C sources and headers of src/ include/ tools/ tests/:
#   scripts/format.sh           reformat them in place
#   scripts/format.sh --check   change nothing; list the files that differ
#                               and fail if any does (the `format` stage)
# Only files git tracks or would add (never a build tree's).
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: scripts/format.sh [--check]" >&2; exit 2 ;;
esac
clang_format=${CLANG_FORMAT:-clang-format}
command -v "$clang_format" >/dev/null ||
  { echo "$clang_format not found (apt-get install clang-format)" >&2; exit 1; }
list() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files --cached --others --exclude-standard -- \
      'src/*.[ch]' 'include/*.[ch]' 'tools/*.[ch]' 'tests/*.[ch]'
  else # a tarball of the sources
    find src include tools tests -name '*.[ch]'
  fi | sort -u | while read -r f; do [ -f "$f" ] && echo "$f"; done
}
mapfile -t files < <(list)
[ ${#files[@]} -gt 0 ] || { echo "no C files found" >&2; exit 1; }
if [ "$check" -eq 0 ]; then
  "$clang_format" -i --style=file "${files[@]}"
  echo "formatted ${#files[@]} files with $("$clang_format" --version)"
  exit 0
fi
differ=()
for f in "${files[@]}"; do
  "$clang_format" --style=file --dry-run -Werror "$f" >/dev/null 2>&1 || differ+=("$f")
done
if [ ${#differ[@]} -gt 0 ]; then
  printf '%s\n' "${differ[@]}"
  echo "${#differ[@]} of ${#files[@]} files differ from .clang-format ($("$clang_format" --version)): scripts/format.sh reformats them"
  exit 1
fi
echo "format: ${#files[@]} files match .clang-format ($("$clang_format" --version))"
