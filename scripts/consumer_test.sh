#!/usr/bin/env bash
# Install into a temporary prefix, check the exported symbols, build an
# outside program with find_package (shared and static) and with pkg-config,
# and run each against the fake server. Installs the build in
# PUBRIO_BUILD_DIR (default: build-test/default, made by scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(scripts/build.sh --dir default)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null

exported=$(nm -D --defined-only "$prefix/lib/libpubrio.so" | awk '{print $3}')
stray=$(grep -v -e '^pubrio_' -e '^PUBRIO_0$' <<<"$exported" || true)
if [ -n "$stray" ]; then
  echo "exported symbols without the pubrio_ prefix:"; echo "$stray"; exit 1
fi
echo "exports: $(grep -c '^pubrio_' <<<"$exported") pubrio_* symbols, nothing else"
soname=$(objdump -p "$prefix/lib/libpubrio.so" | awk '/SONAME/ {print $2}')
[ "$soname" = "libpubrio.so.0" ] || { echo "SONAME is '$soname'"; exit 1; }

cmake -S tests/consumer -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export PKG_CONFIG_PATH
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Wpedantic -Werror tests/consumer/consumer.c \
  $(pkg-config --cflags --libs libpubrio) -Wl,-rpath,"$prefix/lib" \
  -o "$work/consumer_pkgconfig"

run_all() {
  LD_LIBRARY_PATH=$prefix/lib "$work/cmake/consumer"
  "$work/cmake/consumer_static"
  "$work/consumer_pkgconfig"
  "$prefix/bin/pubrio" redeem --types phone -q 540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 >/dev/null
  echo "installed pubrio CLI: ok"
}
export -f run_all
export work prefix
scripts/with_fake_server.sh "$build" --estimated-time 0 -- bash -c run_all
