#!/usr/bin/env bash
# libpubrio from Node through koffi (pinned in bindings/node/package.json),
# called the obvious way: the error struct copied in and out of each call.
# Needs a built ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd bindings/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
PUBRIO_LIBRARY=$PWD/build/libpubrio.so \
PUBRIO_FAKE_SERVER=$PWD/build/tests/pubrio-fake-server \
  node --test bindings/node/test/
