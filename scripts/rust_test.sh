#!/usr/bin/env bash
# The Rust crates (bindings/rust: pubrio-sys, pubrio) as a user builds them:
# libpubrio installed into a temporary prefix from a configured ./build and
# found through pkg-config; rustfmt, clippy, `cargo test` against the fake
# server, then the README's Rust example (examples/rust/src/main.rs, a
# project of its own with a path dependency, as a user writes it), checked
# to be that file, run as written. Needs a configured and built ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install build --prefix "$prefix" >/dev/null
pc=$(dirname "$(find "$prefix" -name libpubrio.pc | head -1)")
export PKG_CONFIG_PATH=$pc
export LD_LIBRARY_PATH=$(dirname "$pc") # the prefix is not on the loader's path
export CARGO_TARGET_DIR=$work/target
export PUBRIO_FAKE_SERVER=$PWD/build/tests/pubrio-fake-server
example=examples/rust/src/main.rs

(cd bindings/rust && cargo fmt --check && \
  cargo clippy --offline --locked --all-targets -q -- -D warnings && \
  cargo test --offline --locked -q)

# The README's block under "## Rust" must be the example file, byte for byte.
awk '/^## Rust/ {r=1} r && /^```rust/ {c=1; next} c && /^```/ {exit} c' README.md >"$work/readme.rs"
diff -u "$example" "$work/readme.rs" || { echo "README's Rust example differs from $example"; exit 1; }
lines=$(grep -cv '^[[:space:]]*$' "$example")
[ "$lines" -le 10 ] || { echo "the Rust example is $lines lines (more than 10)"; exit 1; }
id=540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11
(cd examples/rust && cargo fmt --check)
out=$(cd examples/rust && ../../scripts/with_fake_server.sh ../../build --estimated-time 0 -- \
  cargo run -q --offline --locked -- "$id")
grep -q "^$id +1555" <<<"$out" || { echo "unexpected output: $out"; exit 1; }
echo "rust: README example ($lines lines) ok: $out"
