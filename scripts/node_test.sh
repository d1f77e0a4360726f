#!/usr/bin/env bash
# The Node package (bindings/node): `npm ci` (koffi, TypeScript, pinned in
# package-lock.json), `npm test` (tsc over the declarations, then node:test
# against the fake server), then the README's Node example exactly as
# written, in an empty project that installs the packed package.
# Uses the build in PUBRIO_BUILD_DIR (default: build-test/default, made by
# scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(scripts/build.sh --dir default)
export PUBRIO_LIBRARY=$build/libpubrio.so.0
export PUBRIO_FAKE_SERVER=$build/tests/pubrio-fake-server
(cd bindings/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null &&
  npm test --silent)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd bindings/node && npm pack --silent --pack-destination "$work" >/dev/null)
(cd "$work" && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --prefer-offline --loglevel=error ./pubrio-*.tgz >/dev/null)
# The block between the markers in README.md, fences dropped.
awk '/<!-- node example: begin -->/ {on = 1; next}
     /<!-- node example: end -->/ {on = 0} on' README.md | sed '/^```/d' >"$work/redeem.mjs"
lines=$(grep -cv '^[[:space:]]*$' "$work/redeem.mjs")
[ "$lines" -le 10 ] || { echo "the README's Node example has $lines lines (10 at most)" >&2; exit 1; }
scripts/with_fake_server.sh "$build" --estimated-time 0 -- node "$work/redeem.mjs" >"$work/out"
grep -q '^540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 ' "$work/out" ||
  { cat "$work/out" >&2; echo "the README's Node example printed no contacts" >&2; exit 1; }
echo "README Node example: $lines lines, ran against the fake server from the packed package"
