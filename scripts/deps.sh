#!/usr/bin/env bash
# Install the Debian packages the build, tests and demo need, when missing.
set -euo pipefail
packages=(build-essential g++ doxygen time cmake pkg-config libcurl4-openssl-dev libssl-dev libcjson-dev
          libsqlite3-dev libcmocka-dev libmicrohttpd-dev libcsv-dev clang
          libclang-rt-14-dev valgrind openssl python3 python3-venv golang-go
          man-db zsh fish clang-format abigail-tools
          python3-mypy libpq-dev postgresql postgresql-common)
# Node.js and npm run the contract test's Prism; the machine image may bring
# its own, so Debian's are only a fallback.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
# The Rust example needs cargo; the image may bring rustup's.
command -v cargo >/dev/null 2>&1 || packages+=(cargo)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi
