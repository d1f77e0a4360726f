#!/usr/bin/env bash
# The Debian packages, made with CPack from the build in PUBRIO_BUILD_DIR
# (default: build-test/deb, which scripts/build.sh configures for /usr, so
# GNUInstallDirs puts the library in the multiarch directory): checks their
# contents (multiarch library, man 3 pages for every public function, the
# fake server in libpubrio-dev, a copyright file each), that apt-get could
# install them (a simulation), then unpacks them into a throwaway root and
# builds an outside program against it with pkg-config, runs it and the
# unpacked CLI against the unpacked fake server, and reads the man pages.
# Nothing is installed: the machine's packages stay as they were (and other
# builds on it never load these libraries by accident). Needs no root.
# Also checks that the README's table of statuses names every status.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(scripts/build.sh --dir deb)
work=$(mktemp -d)
packages=(libpubrio0 libpubrio-dev pubrio)
installed() { dpkg-query -W -f='${Package} ${Version} ${Status}\n' "${packages[@]}" 2>/dev/null || true; }
before=$(installed)
server=
trap '[ -z "$server" ] || kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
# The README's table of statuses lists every pubrio_status of the header.
statuses=$(sed -n '/^typedef enum pubrio_status {/,/} pubrio_status;/p' \
  include/pubrio/pubrio.h | grep -oE '^ *PUBRIO_[A-Z_]+' | tr -d ' ')
for status in $statuses; do
  grep -q "^| \`$status\`" README.md ||
    { echo "README.md's table of statuses lacks $status"; exit 1; }
done
echo "README: all $(wc -w <<<"$statuses") statuses in the table"
(cd "$build" && cpack -G DEB -B "$work/debs" >/dev/null)
rm -rf "$work/debs/_CPack_Packages"

# What each package holds.
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
for deb in "$work"/debs/*.deb; do
  name=$(dpkg-deb -f "$deb" Package)
  dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#' >"$work/$name.files"
  grep -qx "/usr/share/doc/$name/copyright" "$work/$name.files" ||
    { echo "$name has no /usr/share/doc/$name/copyright"; exit 1; }
done
grep -qx /usr/bin/pubrio-fake-server "$work/libpubrio-dev.files" ||
  { echo "libpubrio-dev: no /usr/bin/pubrio-fake-server"; exit 1; }
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
# The entry point to the man 3 pages, and the HTML reference.
for f in /usr/share/man/man3/libpubrio.3 /usr/share/doc/libpubrio-dev/html/index.html; do
  grep -qx "$f" "$work/libpubrio-dev.files" || { echo "libpubrio-dev: no $f"; exit 1; }
done
echo "contents: library in /usr/lib/$multiarch, $(wc -w <<<"$functions") functions with a man 3 page, the fake server in libpubrio-dev, a copyright file in each of ${#packages[@]} packages"

# apt-get could install them: every dependency resolves (nothing changes).
apt-get install -s -qq --no-install-recommends "$work"/debs/*.deb >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; echo "apt-get cannot install the packages"; exit 1; }
root=$work/root
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
echo "unpacked into a throwaway root: $(cd "$work/debs" && echo *.deb)"
libdir=$root/usr/lib/$multiarch
# pkg-config finds the unpacked .pc first (it is relocatable: its prefix is
# where it lies); libcurl, cJSON and SQLite's come from the system.
export PKG_CONFIG_PATH=$libdir/pkgconfig
[ "$(pkg-config --variable=libdir libpubrio)" -ef "$libdir" ] ||
  { echo "pkg-config's libdir is $(pkg-config --variable=libdir libpubrio), not $libdir"; exit 1; }
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Wpedantic -Werror tests/consumer/consumer.c \
  $(pkg-config --cflags --libs libpubrio) -o "$work/consumer"
# Each program loads the unpacked library, not one the machine may have:
# the consumer through LD_LIBRARY_PATH, the CLI through its run path.
loads_unpacked() { # PROGRAM [VAR=VALUE...]
  local program=$1 loaded; shift
  loaded=$(env "$@" ldd "$program" | awk '$1 == "libpubrio.so.0" {print $3}')
  [ "$loaded" -ef "$libdir/libpubrio.so.0" ] ||
    { echo "$program loads libpubrio.so.0 from '$loaded', not $libdir"; exit 1; }
}
loads_unpacked "$work/consumer" LD_LIBRARY_PATH="$libdir"
loads_unpacked "$root/usr/bin/pubrio"
url_file=$work/url
"$root/usr/bin/pubrio-fake-server" --estimated-time 0 --url-file "$url_file" >/dev/null &
server=$!
for _ in $(seq 100); do [ -s "$url_file" ] && break; sleep 0.05; done
export PUBRIO_BASE_URL; PUBRIO_BASE_URL=$(cat "$url_file")
export PUBRIO_API_KEY=test-key
LD_LIBRARY_PATH=$libdir "$work/consumer"
"$root/usr/bin/pubrio" redeem --types phone -q --wait \
  540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 >/dev/null
kill "$server"; wait "$server" 2>/dev/null || true; server=
manpath=$root/usr/share/man
[ -f "$manpath/man1/pubrio.1" ] || { echo "pubrio: no man page pubrio(1)"; exit 1; }
# man finds the pages (a link resolves to its group's page).
if command -v man >/dev/null; then
  man -M "$manpath" -w 3 pubrio_client_new | grep -q "^$manpath/man3/" ||
    { echo "man 3 pubrio_client_new is not found"; exit 1; }
  MANWIDTH=200 man -M "$manpath" 3 pubrio_redeem_people_batch 2>/dev/null | grep -q 'SPENDS CREDITS' ||
    { echo "man 3 pubrio_redeem_people_batch does not show its documentation"; exit 1; }
  # libpubrio(3) renders without warnings and names every group page there is.
  overview=$(LC_ALL=C MANWIDTH=200 man --warnings -M "$manpath" 3 libpubrio 2>"$work/man.err")
  [ ! -s "$work/man.err" ] || { cat "$work/man.err"; echo "libpubrio(3) has warnings"; exit 1; }
  for page in "$manpath"/man3/libpubrio-*.3; do
    group=$(basename "$page" .3)
    grep -q "$group" <<<"$overview" || { echo "libpubrio(3) does not name $group(3)"; exit 1; }
  done
  # Every function it names has a page.
  for f in $(grep -oE 'fB(pubrio_[a-z0-9_]+)\\fP\(3\)' docs/man/libpubrio.3 | grep -oE 'pubrio_[a-z0-9_]+' | sort -u); do
    [ -e "$manpath/man3/$f.3" ] || { echo "libpubrio(3) names $f(3), which has no page"; exit 1; }
  done
fi
[ "$(installed)" = "$before" ] || { echo "the machine's libpubrio packages changed"; exit 1; }
echo "packages: consumer built with pkg-config against the unpacked /usr, CLI and fake server ran, man 3 pages read; the machine's packages untouched"
