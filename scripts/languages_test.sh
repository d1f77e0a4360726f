#!/usr/bin/env bash
# libpubrio from Rust (plain FFI, no crates), as a new user would build it
# against an installed library: install into a temporary prefix, run
# examples/rust against the fake server. Needs a configured ./build. (Go:
# scripts/go_test.sh.)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install build --prefix "$prefix" >/dev/null
run() {
  (cd examples/rust && CARGO_TARGET_DIR="$work/rust" \
    PUBRIO_LIB_DIR="$prefix/lib" cargo run -q --offline -- \
    540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11) | grep -q "^540574d1"
  echo "rust: ok"
}
export -f run
export work prefix
scripts/with_fake_server.sh build --estimated-time 0 -- bash -c run
