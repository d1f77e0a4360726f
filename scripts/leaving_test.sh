#!/usr/bin/env bash
# Issue 26 item 6's matrix: leaving a bulk run in every language, each over a
# real socket to the fake server, each asserting paid = handed out + kept +
# named and nobody submitted twice. Every language leaves through the same C
# call, pubrio_bulk_close(); these are the tests that say so, run side by
# side (each binding's own stage runs them too, among the rest):
#   C       tests/integration/test_bulk_close.c       close mid-run, a timeout, a stop cutting polls, the queue kept
#   CLI     tests/cli/test_cli.py                     Ctrl-C with and without a journal, a second signal cuts
#   Python  bindings/python/tests/test_leaving.py     break, exception, close, client closed, GC, Ctrl-C, cancel, asyncio
#   Rust    bindings/rust/pubrio/tests/leaving.rs     break, ?, close, drop, cancel from a thread, Ctrl-C
#   Go      bindings/go/pubrio/leaving_test.go        break + defer Close, panic, client Close, Ctrl-C, finalizer (-race)
#   Node    bindings/node/test/leaving.test.js        break, throw, run.close, client.close, cancel, SIGINT, GC
# Uses PUBRIO_BUILD_DIR (default: build-test/default, made by scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$(scripts/build.sh --dir default)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
pc=$(dirname "$(find "$work/prefix" -name libpubrio.pc -print -quit)")
export PUBRIO_FAKE_SERVER=$build/tests/pubrio-fake-server PUBRIO_BUILD_DIR=$build

declare -a rows=()
leave() { # LANGUAGE COMMAND...: run one language's tests, note the result
  local language=$1 start=$SECONDS; shift
  if ("$@") >"$work/$language.log" 2>&1; then
    rows+=("$(printf '%-7s passed  %4d s' "$language" $((SECONDS - start)))")
  else
    cat "$work/$language.log"
    rows+=("$(printf '%-7s FAILED  %4d s' "$language" $((SECONDS - start)))")
  fi
}

leave C bash -c "cd '$build' && ctest -R '^test_bulk_close$' --output-on-failure"
leave CLI env PUBRIO_CLI="$build/tools/pubrio" python3 tests/cli/test_cli.py \
  Journal.test_ctrl_c_then_resume \
  CreditSafety.test_ctrl_c_without_journal_names_every_paid_batch \
  CreditSafety.test_first_signal_drains_second_cuts
leave Python bash -c "cd bindings/python && python3 -m unittest discover -s tests -p test_leaving.py"
leave Rust bash -c "cd bindings/rust && PKG_CONFIG_PATH='$pc' CARGO_TARGET_DIR='$work/target' \
  cargo test --offline --locked -q --test leaving"
leave Go bash -c "cd bindings/go && PKG_CONFIG_PATH='$pc' \
  CGO_LDFLAGS='-Wl,-rpath,$(PKG_CONFIG_PATH=$pc pkg-config --variable=libdir libpubrio)' \
  GOCACHE='$work/gocache' GOPATH='$work/gopath' GOPROXY=off GOFLAGS=-buildvcs=false \
  go test -race -count=1 -run TestLeaving ./pubrio"
leave Node bash -c "cd bindings/node && { [ -d node_modules/koffi ] || npm ci --no-audit --no-fund -q; } &&
  PUBRIO_LIBRARY='$build/libpubrio.so.0' node --test test/leaving.test.js"

echo "leaving a run, by language (paid = handed out + kept + named):"
printf '  %s\n' "${rows[@]}"
! printf '%s\n' "${rows[@]}" | grep -q FAILED
