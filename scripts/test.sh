#!/usr/bin/env bash
# Every test: the suite in a normal build, the install/consumer check, the
# Debian packages, the Python package, Rust, the Go module, the contract
# test against Prism, the Node check, then the suite under AddressSanitizer +
# UndefinedBehaviorSanitizer, the threaded test under ThreadSanitizer, each
# parser under libFuzzer (about 80 s in all), then the suite under valgrind memcheck (leaks fail).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)
scratch=$(mktemp -d) # logs and inputs of this run only: two runs never collide
trap 'rm -rf "$scratch"' EXIT
stages=0 # each stage that ends is counted; any failure stops the script

echo "== build and test (gcc, -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs" >/dev/null
(cd build && ctest --output-on-failure -j"$jobs")

stages=$((stages + 1))
echo "== install, exported symbols, outside consumers (find_package, pkg-config)"
scripts/consumer_test.sh

stages=$((stages + 1))
echo "== Debian packages (CPack): apt-get install, a consumer via pkg-config"
scripts/package_test.sh

stages=$((stages + 1))
echo "== Python package: pip install offline into a venv, import, unittest (mypy --strict, the README's examples, asyncio), the bulk iterator under ASan"
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install -q --no-index ./bindings/python
(cd "$scratch" && PUBRIO_LIBRARY=$OLDPWD/build/libpubrio.so \
  "$scratch/venv/bin/python" -c 'import pubrio; print("installed pubrio", pubrio.__version__, "on libpubrio", pubrio.version())')
# The README's command, as written: the tests find build/ on their own.
(cd bindings/python && python3 -m unittest discover -s tests)
# Issue 17 item 12: a redeem() iterator that outlives its client, over a
# libpubrio built with AddressSanitizer (a use-after-free fails the run).
cmake -S . -B build-pyasan -DCMAKE_BUILD_TYPE=Debug -DPUBRIO_SANITIZE=address >/dev/null
cmake --build build-pyasan -j"$jobs" --target pubrio >/dev/null
(cd bindings/python && PUBRIO_LIBRARY=$OLDPWD/build-pyasan/libpubrio.so.0 \
  LD_PRELOAD=$(gcc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0 \
  python3 -m unittest discover -s tests -p 'test_r*.py')

stages=$((stages + 1))
echo "== Rust crates on an installed libpubrio (pkg-config): layout probe, cargo test against the fake server, the README example"
scripts/rust_test.sh

stages=$((stages + 1))
echo "== Go module (cgo, pkg-config): gofmt, go vet, go test and -race against the fake server, the README example"
scripts/go_test.sh

stages=$((stages + 1))
echo "== contract: Stoplight Prism on the OpenAPI spec"
scripts/contract_test.sh

stages=$((stages + 1))
echo "== Node package: npm ci, tsc, node:test against the fake server, the README example"
scripts/node_test.sh

stages=$((stages + 1))
echo "== ASan + UBSan (clang)"
cmake -S . -B build-asan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DPUBRIO_SANITIZE=address,undefined >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs")

stages=$((stages + 1))
echo "== ThreadSanitizer (clang): the threaded tests (parallel clients, cancel from another thread, the bulk engine)"
cmake -S . -B build-tsan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DPUBRIO_SANITIZE=thread >/dev/null
cmake --build build-tsan -j"$jobs" --target test_threads test_credit_safety \
  test_bulk test_bulk_safety >/dev/null
(cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure \
  -R "^(test_threads|test_credit_safety|test_bulk|test_bulk_safety)$")

stages=$((stages + 1))
echo "== libFuzzer: each response parser for ${PUBRIO_FUZZ_SECONDS:=20} s"
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DPUBRIO_FUZZ=ON -DPUBRIO_SANITIZE=address,undefined >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_parse_job fuzz_parse_query \
  fuzz_parse_error fuzz_parse_account >/dev/null
for harness in parse_job parse_query parse_error parse_account; do
  work=$(mktemp -d)
  build-fuzz/fuzz/fuzz_$harness -max_total_time="$PUBRIO_FUZZ_SECONDS" \
    -dict=fuzz/pubrio.dict -rss_limit_mb=2048 -print_final_stats=1 \
    "$work" "fuzz/corpus/$harness" >"$scratch/fuzz-$harness.log" 2>&1 ||
    { tail -40 "$scratch/fuzz-$harness.log"; exit 1; }
  echo "fuzz_$harness: $(grep -E 'stat::number_of_executed_units' "$scratch/fuzz-$harness.log" | awk '{print $2}') runs, no crash"
  rm -rf "$work"
done

stages=$((stages + 1))
echo "== valgrind memcheck (any error or leak fails)"
export PUBRIO_TEST_CERT_DIR=$PWD/build/tests/certs # made by the first ctest run
export PUBRIO_FAKE_SERVER=$PWD/build/tests/pubrio-fake-server # test_torture
memcheck() {
  local name=$1; shift
  if valgrind -q --error-exitcode=99 --leak-check=full \
      --errors-for-leak-kinds=definite,indirect \
      --show-leak-kinds=definite,indirect "$@" >"$scratch/memcheck-$name.log" 2>&1; then
    echo "memcheck clean: $name"
  else
    cat "$scratch/memcheck-$name.log"; echo "memcheck FAILED: $name"; exit 1
  fi
}
for t in build/tests/test_*; do
  case "$(basename "$t")" in
    # test_contract needs Prism running (the contract stage runs it);
    # test_key_wipe reads freed blocks' spare bytes on purpose (ASan runs it).
    test_contract | test_key_wipe) ;;
    *) memcheck "$(basename "$t")" "$t" ;;
  esac
done
seq 1 250 | awk '{printf "00000000-0000-4000-8000-%012d\n", $1}' >"$scratch/ids.txt"
memcheck pubrio_cli scripts/with_fake_server.sh build --estimated-time 0 -- \
  valgrind -q --error-exitcode=99 --leak-check=full \
  --errors-for-leak-kinds=definite,indirect build/tools/pubrio redeem \
  --types phone --wait -q --input "$scratch/ids.txt"
for harness in parse_job parse_query parse_error; do
  memcheck "replay_$harness" "build/fuzz/fuzz_$harness" "fuzz/corpus/$harness"
done
stages=$((stages + 1))
echo "stages: $stages passed, 0 failed"
