#!/usr/bin/env bash
# The Debian packages: configure a build for /usr (so GNUInstallDirs puts the
# library in the multiarch directory), build what the packages hold, make
# them with CPack, check their contents (multiarch library, man 3 pages for
# every public function, a copyright file each), install them with apt-get,
# build an outside program against them with pkg-config, run it and the
# installed CLI against the installed fake server, then remove them again.
# Also checks that the README's table of statuses names every status.
# Needs root (or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
work=$(mktemp -d)
packages=(libpubrio0 libpubrio-dev pubrio)
cleanup() {
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get purge -y -qq \
    "${packages[@]}" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# The README's table of statuses lists every pubrio_status of the header.
statuses=$(sed -n '/^typedef enum pubrio_status {/,/} pubrio_status;/p' \
  include/pubrio/pubrio.h | grep -oE '^ *PUBRIO_[A-Z_]+' | tr -d ' ')
for status in $statuses; do
  grep -q "^| \`$status\`" README.md ||
    { echo "README.md's table of statuses lacks $status"; exit 1; }
done
echo "README: all $(wc -w <<<"$statuses") statuses in the table"
build=build-deb
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON \
  -DPUBRIO_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j"${PUBRIO_JOBS:-2}" --target pubrio pubrio_static \
  pubrio_cli pubrio-fake-server man3 >/dev/null
(cd "$build" && cpack -G DEB -B "$work/debs" >/dev/null)
rm -rf "$work/debs/_CPack_Packages"

# What each package holds, before installing anything.
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
for deb in "$work"/debs/*.deb; do
  name=$(dpkg-deb -f "$deb" Package)
  dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#' >"$work/$name.files"
  grep -qx "/usr/share/doc/$name/copyright" "$work/$name.files" ||
    { echo "$name has no /usr/share/doc/$name/copyright"; exit 1; }
done
grep -qx "/usr/lib/$multiarch/libpubrio.so.0.2.0" "$work/libpubrio0.files" ||
  { echo "libpubrio0: the library is not in /usr/lib/$multiarch"; exit 1; }
if grep -E '^/usr/lib/[^/]+$' "$work"/*.files | grep -v "/usr/lib/$multiarch"; then
  echo "files outside the multiarch library directory"; exit 1
fi
functions=$(grep -oE '^PUBRIO_API [^(]*\(' include/pubrio/pubrio.h |
  grep -oE 'pubrio_[a-z0-9_]+ *\($' | tr -d ' (' | sort -u)
missing=0
for f in $functions; do
  grep -qx "/usr/share/man/man3/$f.3" "$work/libpubrio-dev.files" ||
    { echo "libpubrio-dev: no man page for $f"; missing=1; }
done
[ "$missing" -eq 0 ]
echo "contents: library in /usr/lib/$multiarch, $(wc -w <<<"$functions") functions with a man 3 page, a copyright file in each of ${#packages[@]} packages"

DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
  --no-install-recommends "$work"/debs/*.deb >/dev/null
echo "installed: $(cd "$work/debs" && echo *.deb)"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Wpedantic -Werror tests/consumer/consumer.c \
  $(pkg-config --cflags --libs libpubrio) -o "$work/consumer"
url_file=$work/url
/usr/bin/pubrio-fake-server --estimated-time 0 --url-file "$url_file" >/dev/null &
server=$!
for _ in $(seq 100); do [ -s "$url_file" ] && break; sleep 0.05; done
export PUBRIO_BASE_URL; PUBRIO_BASE_URL=$(cat "$url_file")
export PUBRIO_API_KEY=test-key
"$work/consumer"
/usr/bin/pubrio redeem --types phone -q --wait \
  540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 >/dev/null
kill "$server"; wait "$server" 2>/dev/null || true
man -w pubrio >/dev/null 2>&1 || [ -f /usr/share/man/man1/pubrio.1 ]
# man finds the pages of the installed package (a link resolves to its group).
if command -v man >/dev/null; then
  man -w 3 pubrio_client_new | grep -q '^/usr/share/man/man3/' ||
    { echo "man 3 pubrio_client_new is not found"; exit 1; }
  MANWIDTH=200 man 3 pubrio_redeem_people_batch 2>/dev/null | grep -q 'SPENDS CREDITS' ||
    { echo "man 3 pubrio_redeem_people_batch does not show its documentation"; exit 1; }
fi
echo "packages: consumer built with pkg-config against /usr, CLI and fake server ran, man 3 pages read"
