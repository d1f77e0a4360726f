#!/usr/bin/env bash
# The public header stands alone: C99 pedantic, C11, and C++ (extern "C"
# guards: a C++ program links against the C library).
set -euo pipefail
include=$1 libdir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '#include <pubrio/pubrio.h>\n' >"$work/alone.c"
for std in c99 c11; do
  cc -std=$std -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$include" "$work/alone.c"
done
cat >"$work/use.cpp" <<'CPP'
#include <pubrio/pubrio.h>
#include <cstdio>
int main() {
  pubrio_error err = {};
  pubrio_batch_request *req = nullptr;
  if (pubrio_batch_request_new(&req, &err) != PUBRIO_OK) return 1;
  pubrio_status st = pubrio_batch_request_add_person(req, "nope", &err);
  std::printf("%s: %s\n", pubrio_status_str(st), err.message);
  pubrio_batch_request_free(req);
  pubrio_error_clear(&err);
  return st == PUBRIO_E_INVALID_ARGUMENT ? 0 : 1;
}
CPP
c++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -I"$include" "$work/use.cpp" \
  -L"$libdir" -lpubrio -Wl,-rpath,"$libdir" -o "$work/use"
"$work/use"
echo "header: alone in C99 and C11, and from C++ with C linkage"
