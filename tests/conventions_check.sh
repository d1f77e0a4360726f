#!/bin/sh
# The rules of docs/conventions.md that a grep can check, so the document
# cannot drift from the code unnoticed. Usage: conventions_check.sh SRCDIR
set -u
root=${1:-.}
cd "$root" || exit 2
failed=0
fail() {
  echo "conventions: $*" >&2
  failed=1
}

# Only `file` (a list) may include `header`.
only_in() {
  header=$1
  shift
  found=$(grep -l "#include <$header>" $sources | sort)
  allowed=$(printf '%s\n' "$@" | sort)
  [ "$found" = "$allowed" ] ||
    fail "<$header> is included by: $(echo $found) (allowed: $*)"
}
sources=$(ls src/*.c src/*.h src/*/*.c src/*/*.h)
only_in curl/curl.h src/transport.c
only_in sqlite3.h src/bulk/store_sqlite.c
only_in libpq-fe.h src/bulk/store_postgresql.c src/bulk/store_postgresql_quota.c
only_in openssl/hmac.h src/util/keyed_hash.c
for f in $(grep -l '#include <cjson/cJSON.h>' $sources); do
  case $f in
  src/json_*) ;;
  *) fail "$f includes cJSON (only src/json_* may)" ;;
  esac
done

# One growth helper: no hand-written realloc outside the allocator and
# pri_grow().
for f in $(grep -l 'pri_realloc(' $sources); do
  case $f in
  src/util/alloc.[ch] | src/util/growth.c) ;;
  *) fail "$f calls pri_realloc(): grow arrays with pri_grow()" ;;
  esac
done

# No macro hides a return.
grep -n '#define.*return' $sources include/pubrio/pubrio.h &&
  fail "a macro hides a return"

# Every pubrio_x() the header or the docs name is a declared function.
declared=$(tr '\n' ' ' <include/pubrio/pubrio.h |
  grep -oE 'PUBRIO_API [^;(]*\(' | grep -oE 'pubrio_[a-z0-9_]+ *\($' |
  tr -d '( ' | sort -u)
for name in $(grep -ohE '\bpubrio_[a-z0-9_]+\(\)' include/pubrio/pubrio.h \
  README.md docs/*.md | tr -d '()' | sort -u); do
  echo "$declared" | grep -qx "$name" ||
    fail "$name() is named but not declared in pubrio.h"
done

# src/util includes nothing of the library above it (its build says so
# too: its include path is its own folder and the public header).
for f in src/util/*.c src/util/*.h; do
  for h in $(sed -n 's/^#include "\(.*\)"/\1/p' "$f"); do
    [ -f "src/util/$h" ] || [ "$h" = pubrio/pubrio.h ] || fail "$f includes \"$h\", which is not in src/util"
  done
done

# The README's layout lists every library source (by name, in the folder
# its line starts with), and nothing else.
listed=$(awk '/^## Layout/ { on = 1; next }
  on && /^```/ { if (inside) exit; inside = 1; next }
  inside' README.md | grep '^src/' | sed 's/  .*//' |
  awk '{ dir = $1; sub(/[^/]*$/, "", dir)
         for (i = 1; i <= NF; i++) { f = $i; sub(/.*\//, "", f); print dir f } }' |
  grep -E '\.c$' | sort -u)
for f in src/*.c src/*/*.c; do
  echo "$listed" | grep -qx "$f" || fail "README's layout does not list $f"
done
for f in $listed; do
  [ -f "$f" ] || fail "README's layout lists $f, which does not exist"
done

[ $failed = 0 ] && echo "conventions: ok"
exit $failed
