#!/usr/bin/env bash
# The Debian packages: build them with CPack, install them on this machine
# with apt-get, build an outside program against them with pkg-config, run
# it and the installed CLI against the installed fake server, then remove
# them again. Needs a configured ./build and root (or sudo).
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
(cd build && cpack -G DEB -B "$work/debs" >/dev/null)
rm -rf "$work/debs/_CPack_Packages"
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
echo "packages: consumer built with pkg-config against /usr, CLI and fake server ran"
