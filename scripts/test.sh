#!/usr/bin/env bash
# Every test: the suite in a normal build, then again under AddressSanitizer +
# UndefinedBehaviorSanitizer, then under valgrind memcheck (leaks fail).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)

echo "== build and test (gcc, -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs" >/dev/null
(cd build && ctest --output-on-failure -j"$jobs")

echo "== ASan + UBSan (clang)"
cmake -S . -B build-asan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DPUBRIO_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs")

echo "== valgrind memcheck (any error or leak fails)"
for t in build/tests/test_*; do
  [ -x "$t" ] || continue
  if valgrind -q --error-exitcode=99 --leak-check=full \
      --errors-for-leak-kinds=definite,indirect \
      --show-leak-kinds=definite,indirect "$t" >"/tmp/memcheck-$(basename "$t").log" 2>&1; then
    echo "memcheck clean: $(basename "$t")"
  else
    cat "/tmp/memcheck-$(basename "$t").log"; echo "memcheck FAILED: $t"; exit 1
  fi
done
