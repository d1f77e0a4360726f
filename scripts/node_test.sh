#!/usr/bin/env bash
# The Node package (bindings/node): `npm ci` (koffi, TypeScript, pinned in
# package-lock.json), `npm test` (tsc over the declarations, then node:test
# against the fake server), then the README's Node example exactly as
# written, in an empty project that installs the packed package, and its
# lookup example the same way; and the README's `npm install
# ./bindings/node` into an empty project from a fresh copy of the folder
# (no node_modules), required and imported.
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

# Every name, by require() and by import, from an installed package; and
# without the library, an error naming the file and PUBRIO_LIBRARY.
check_installed() {
  local project=$1
  (cd "$project" &&
    node -e "const p = require('pubrio'); if (typeof p.CancelledError !== 'function' || typeof p.libraryVersion() !== 'string') process.exit(1)" &&
    node --input-type=module -e "import { Client, CancelledError, JournalError, libraryVersion } from 'pubrio'; if (![Client, CancelledError, JournalError].every((f) => typeof f === 'function') || !libraryVersion()) process.exit(1)") ||
    { echo "node: require/import of pubrio failed in $project" >&2; exit 1; }
  if ! ldconfig -p 2>/dev/null | grep -q libpubrio.so.0; then
    local message
    message=$(cd "$project" && env -u PUBRIO_LIBRARY node -e "require('pubrio')" 2>&1 || true)
    grep -q 'libpubrio.so.0' <<<"$message" && grep -q 'PUBRIO_LIBRARY' <<<"$message" ||
      { echo "node: without the library, the error names neither the file nor PUBRIO_LIBRARY: $message" >&2; exit 1; }
  fi
}

# The folder as a fresh clone has it: npm links a folder and installs none
# of its dependencies; the package's install script brings koffi.
mkdir "$work/folder" "$work/from-folder"
(cd bindings/node && git ls-files -z --cached --others --exclude-standard . |
  xargs -0 cp --parents -t "$work/folder")
(cd "$work/from-folder" && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --prefer-offline --loglevel=error ../folder >/dev/null)
check_installed "$work/from-folder"
echo "npm install of the folder: require and import work"

(cd "$work" && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --prefer-offline --loglevel=error ./pubrio-*.tgz >/dev/null)
check_installed "$work"

# The block between the markers in README.md, fences dropped.
awk '/<!-- node example: begin -->/ {on = 1; next}
     /<!-- node example: end -->/ {on = 0} on' README.md | sed '/^```/d' >"$work/redeem.mjs"
lines=$(grep -cv '^[[:space:]]*$' "$work/redeem.mjs")
[ "$lines" -le 10 ] || { echo "the README's Node example has $lines lines (10 at most)" >&2; exit 1; }
scripts/with_fake_server.sh "$build" --estimated-time 0 -- node "$work/redeem.mjs" >"$work/out"
grep -q '^540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 ' "$work/out" ||
  { cat "$work/out" >&2; echo "the README's Node example printed no contacts" >&2; exit 1; }
echo "README Node example: $lines lines, ran against the fake server from the packed package"

# The lookup block, the same way: found by email, and by name at a company.
awk '/<!-- node lookup example: begin -->/ {on = 1; next}
     /<!-- node lookup example: end -->/ {on = 0} on' README.md | sed '/^```/d' >"$work/lookup.mjs"
lines=$(grep -cv '^[[:space:]]*$' "$work/lookup.mjs")
[ "$lines" -le 10 ] || { echo "the README's Node lookup example has $lines lines (10 at most)" >&2; exit 1; }
scripts/with_fake_server.sh "$build" -- node "$work/lookup.mjs" >"$work/out"
grep -q '^found exact e37ccf38-ea8f-422e-9874-cb23b15e8fe4$' "$work/out" &&
  grep -q '^found similarity_company 3e6f2c1f-1ca0-4cd2-9d29-4ef2b5c5c8d8$' "$work/out" ||
  { cat "$work/out" >&2; echo "the README's Node lookup example found nobody" >&2; exit 1; }
echo "README Node lookup example: $lines lines, ran against the fake server from the packed package"
