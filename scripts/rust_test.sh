#!/usr/bin/env bash
# The Rust crates (bindings/rust: pubrio-sys, pubrio) as a user builds them:
# libpubrio installed into a temporary prefix from a build and
# found through pkg-config; rustfmt, clippy, rustdoc, `cargo test` against the fake
# server, the tests again under valgrind, then the README's Rust example
# (examples/rust/src/main.rs, a project of its own with a path dependency and
# the documented build.rs, run without LD_LIBRARY_PATH),
# checked to be that file and run as written, and its lookup example
# (pubrio/examples/lookup.rs, the second block) likewise. Installs the build in
# PUBRIO_BUILD_DIR (default: build-test/default, made by scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(scripts/build.sh --dir default)
# offset_of! (the layout test) is Rust 1.77; Debian 12's rustc is 1.63.
minor=$(rustc --version | sed -n 's/^rustc 1\.\([0-9]*\).*/\1/p')
[ "${minor:-0}" -ge 77 ] || { echo "the Rust crates need Rust 1.77 or newer (rustup), not $(rustc --version)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$(dirname "$(find "$prefix" -name libpubrio.pc | head -1)")
export PKG_CONFIG_PATH=$pc
# The prefix is not on the loader's path, and nothing below needs it to be:
# the crates' tests and examples carry the library's directory as their
# rpath (pubrio-sys/build.rs, pubrio/build.rs).
unset LD_LIBRARY_PATH
export CARGO_TARGET_DIR=$work/target
export PUBRIO_FAKE_SERVER=$build/tests/pubrio-fake-server
example=examples/rust/src/main.rs

(cd bindings/rust && cargo fmt --check && \
  cargo clippy --offline --locked --all-targets -q -- -D warnings && \
  RUSTDOCFLAGS="-D warnings" cargo doc --offline --locked --no-deps -q && \
  cargo test --offline --locked -q)

# Drop frees everything: the tests again under valgrind (a leak or a bad
# access fails), one at a time.
(cd bindings/rust && cargo test --offline --locked --no-run 2>&1) |
  sed -n 's/^ *Executable tests.* (\(.*\))$/\1/p' >"$work/tests.txt"
[ -s "$work/tests.txt" ] || { echo "no test executables found"; exit 1; }
while read -r t; do
  valgrind -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
    "$t" --test-threads=1 -q >"$work/memcheck.log" 2>&1 ||
    { cat "$work/memcheck.log"; echo "memcheck FAILED: $t"; exit 1; }
  echo "memcheck clean: $(basename "$t")"
done <"$work/tests.txt"

# A built example runs without LD_LIBRARY_PATH (issue 31 item 6).
(cd bindings/rust && cargo build --offline --locked -q --example overhead)
scripts/with_fake_server.sh "$build" --estimated-time 0 -- "$CARGO_TARGET_DIR/debug/examples/overhead" 1 >"$work/overhead.out" ||
  { cat "$work/overhead.out"; echo "the overhead example did not run without LD_LIBRARY_PATH"; exit 1; }
echo "rust: an example runs without LD_LIBRARY_PATH"

# The README's example is a program of one's own: its build.rs is the
# crate documentation's three lines, which let it run without
# LD_LIBRARY_PATH (below).
awk '/^\/\/! fn main\(\) \{$/ {c=1} c {sub(/^\/\/! /, ""); print} c && /^}$/ {exit}' \
  bindings/rust/pubrio/src/lib.rs >"$work/documented_build.rs"
sed -n '/^fn main() {$/,$p' examples/rust/build.rs | diff -u "$work/documented_build.rs" - ||
  { echo "examples/rust/build.rs is not the build.rs the crate documentation shows"; exit 1; }

# The README's block under "## Rust" must be the example file, byte for byte.
awk '/^## Rust/ {r=1} r && /^```rust/ {c=1; next} c && /^```/ {exit} c' README.md >"$work/readme.rs"
diff -u "$example" "$work/readme.rs" || { echo "README's Rust example differs from $example"; exit 1; }
lines=$(grep -cv '^[[:space:]]*$' "$example")
[ "$lines" -le 10 ] || { echo "the Rust example is $lines lines (more than 10)"; exit 1; }
id=540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11
(cd examples/rust && cargo fmt --check)
# Its build.rs gives it the library's rpath: no LD_LIBRARY_PATH (unset above).
out=$(cd examples/rust && ../../scripts/with_fake_server.sh "$build" --estimated-time 0 -- \
  cargo run -q --offline --locked -- "$id")
grep -q "^$id +1555" <<<"$out" || { echo "unexpected output: $out"; exit 1; }
echo "rust: README example ($lines lines) ok: $out"

# The README's second Rust block is the lookup example
# (bindings/rust/pubrio/examples/lookup.rs) byte for byte, and it runs as
# written against the fake server's directory.
lookup=bindings/rust/pubrio/examples/lookup.rs
awk '/^## / {r = ($0 == "## Rust")} r && /^```rust$/ {n++; if (n == 2) {c = 1; next}} c && /^```$/ {exit} c' README.md >"$work/readme_lookup.rs"
diff -u "$lookup" "$work/readme_lookup.rs" || { echo "README's Rust lookup example differs from $lookup"; exit 1; }
(cd bindings/rust && cargo build --offline --locked -q --example lookup)
out=$(scripts/with_fake_server.sh "$build" -- "$CARGO_TARGET_DIR/debug/examples/lookup")
grep -qx 'at most 3 credits' <<<"$out" &&
  grep -qx '0: Found e37ccf38-ea8f-422e-9874-cb23b15e8fe4 exact' <<<"$out" &&
  grep -qx '2: Found 3e6f2c1f-1ca0-4cd2-9d29-4ef2b5c5c8d8 similarity_company' <<<"$out" ||
  { echo "the lookup example printed: $out"; exit 1; }
echo "rust: README lookup example ok"
