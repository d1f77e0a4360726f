#!/usr/bin/env bash
# Every test, or the stages named: scripts/test.sh [STAGE...]; --help lists
# them. Each configuration is built once per run, in a folder of the
# scripts' own (build-test/CONFIG, by scripts/build.sh), and every stage that
# needs it reuses it; ./build is left to the README's install recipe. Any
# failure stops the run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Name, then what it checks: the order is the order of a full run.
stages=(
  format "clang-format: src/ include/ tools/ tests/ match .clang-format (scripts/format.sh fixes)"
  ctest "build (gcc, -Werror, RelWithDebInfo) and the whole suite with ctest"
  postgresql "the store on PostgreSQL: a throwaway cluster by pg_virtualenv, the store and CLI suites against it"
  consumer "install, exported symbols, outside consumers (find_package, pkg-config)"
  abi "ABI against the last release (abi/*.abi, libabigail's abidiff, members and enumerators in place)"
  package "Debian packages (CPack): contents, unpacked into a throwaway root, a consumer via pkg-config"
  python "Python package: pip install offline into a venv, import, unittest (mypy --strict, the README's examples, asyncio), the bulk iterator under ASan"
  rust "Rust crates on an installed libpubrio (pkg-config): layout probe, cargo test against the fake server, the README example"
  go "Go module (cgo, pkg-config): gofmt, go vet, go test and -race against the fake server, the README example"
  contract "contract: Stoplight Prism on the OpenAPI spec"
  node "Node package: npm ci, tsc, node:test against the fake server, the README example"
  leaving "leaving a bulk run in C, the CLI, Python, Rust, Go and Node side by side: paid = handed out + kept + named"
  asan "ASan + UBSan (clang): the whole suite"
  tsan "ThreadSanitizer (clang): the threaded tests (parallel clients, cancel from another thread, the bulk engine)"
  fuzz "libFuzzer: each response parser and the journal reader for PUBRIO_FUZZ_SECONDS (default 20) s"
  valgrind "valgrind memcheck: every test, the CLI, the fuzz corpus replays (any error or leak fails)"
)
names=()
for ((i = 0; i < ${#stages[@]}; i += 2)); do names+=("${stages[i]}"); done

usage() {
  echo "usage: scripts/test.sh [STAGE...]   (no stage: all, in this order)"
  echo
  for ((i = 0; i < ${#stages[@]}; i += 2)); do
    printf '  %-9s %s\n' "${stages[i]}" "${stages[i + 1]}"
  done
  echo
  echo "Builds: build-test/CONFIG (scripts/build.sh). PUBRIO_JOBS: parallel jobs (default: nproc)."
}

# Every name is checked before anything runs.
selected=()
for arg in "$@"; do
  case $arg in
    -h | --help) usage; exit 0 ;;
  esac
  if [[ " ${names[*]} " != *" $arg "* ]]; then
    echo "scripts/test.sh: unknown stage '$arg'; stages: ${names[*]}" >&2
    exit 2
  fi
  [[ " ${selected[*]-} " == *" $arg "* ]] || selected+=("$arg")
done
[ ${#selected[@]} -gt 0 ] || selected=("${names[@]}")

scripts/deps.sh
export PUBRIO_JOBS=${PUBRIO_JOBS:-$(nproc)}
jobs=$PUBRIO_JOBS
scratch=$(mktemp -d) # logs and inputs of this run only: two runs never collide

# Each configuration is configured and built at most once per run.
declare -A built=()
build() { # CONFIG: its folder, built
  [ -n "${built[$1]-}" ] || built[$1]=$(scripts/build.sh "$1")
  dir=${built[$1]}
}

on_build() { # CONFIG SCRIPT: run SCRIPT on that configuration's build
  build "$1"
  PUBRIO_BUILD_DIR=$dir "$2"
}

stage_format() {
  scripts/format.sh --check
}

stage_ctest() {
  build default
  (cd "$dir" && ctest --output-on-failure -j"$jobs")
}

# ctest -L postgresql (test_store_postgresql, the _postgresql variants of the
# journal tests, test_cli_postgresql) with PUBRIO_TEST_PG_URI naming the
# cluster pg_virtualenv (postgresql-common) makes for the command and drops
# after it (-t: in a temporary folder even as root, so runs never share one);
# every test must run, none skipped.
stage_postgresql() {
  build default
  local log=$scratch/postgresql.log
  # shellcheck disable=SC2016 # expanded by the shell pg_virtualenv starts
  (cd "$dir" && pg_virtualenv -t sh -c 'PUBRIO_TEST_PG_URI="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE" exec ctest --output-on-failure --no-tests=error -L postgresql -j"$1"' sh "$jobs") 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
  if grep -q '\*\*\*Skipped' "$log"; then
    echo "postgresql: a test was skipped: PUBRIO_TEST_PG_URI did not reach it" >&2
    return 1
  fi
}

stage_consumer() { on_build default scripts/consumer_test.sh; }

stage_abi() {
  build default
  local baseline
  baseline=$(ls abi/libpubrio.so.*.abi | sort -V | tail -n 1) # the last release
  python3 scripts/abi_check.py "$baseline" "$dir/libpubrio.so.0" include/pubrio
}

stage_package() { on_build deb scripts/package_test.sh; }

stage_python() {
  build default
  local default=$dir
  python3 -m venv "$scratch/venv"
  "$scratch/venv/bin/pip" install -q --no-index ./bindings/python
  (cd "$scratch" && PUBRIO_LIBRARY=$default/libpubrio.so \
    "$scratch/venv/bin/python" -c 'import pubrio; print("installed pubrio", pubrio.__version__, "on libpubrio", pubrio.version())')
  # The README's command, as written (test_docs checks it is here): the
  # tests find the build on their own, PUBRIO_BUILD_DIR instead of ./build.
  (export PUBRIO_BUILD_DIR=$default
    (cd bindings/python && python3 -m unittest discover -s tests))
  # Issue 17 item 12: a redeem() iterator that outlives its client, over a
  # libpubrio built with AddressSanitizer (a use-after-free fails the run).
  build pyasan
  (cd bindings/python && PUBRIO_BUILD_DIR=$default \
    PUBRIO_LIBRARY=$dir/libpubrio.so.0 \
    LD_PRELOAD=$(gcc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0 \
    python3 -m unittest discover -s tests -p 'test_[lr][eu]*.py') # runs, leaving
}

stage_rust() { on_build default scripts/rust_test.sh; }

stage_go() { on_build default scripts/go_test.sh; }

stage_contract() { on_build default scripts/contract_test.sh; }

stage_node() { on_build default scripts/node_test.sh; }

stage_leaving() { on_build default scripts/leaving_test.sh; }

stage_asan() {
  build asan
  (cd "$dir" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --output-on-failure -j"$jobs")
}

stage_tsan() {
  build tsan # the four tests below only
  (cd "$dir" && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure \
    -R "^(test_threads|test_credit_safety|test_bulk|test_bulk_safety)$")
}

stage_fuzz() {
  build fuzz # the five harnesses only
  local harness work dict
  for harness in parse_job parse_query parse_error parse_account parse_lookup journal; do
    work=$(mktemp -d)
    # The JSON words help the parsers; a journal is a database file.
    dict=-dict=fuzz/pubrio.dict
    [ "$harness" = journal ] && dict=-max_len=65536
    "$dir/fuzz/fuzz_$harness" -max_total_time="${PUBRIO_FUZZ_SECONDS:-20}" \
      "$dict" -rss_limit_mb=2048 -print_final_stats=1 \
      "$work" "fuzz/corpus/$harness" >"$scratch/fuzz-$harness.log" 2>&1 ||
      { tail -40 "$scratch/fuzz-$harness.log"; rm -rf "$work"; return 1; }
    echo "fuzz_$harness: $(grep -E 'stat::number_of_executed_units' "$scratch/fuzz-$harness.log" | awk '{print $2}') runs, no crash"
    rm -rf "$work"
  done
}

memcheck() {
  local name=$1; shift
  if valgrind -q --error-exitcode=99 --leak-check=full \
      --errors-for-leak-kinds=definite,indirect \
      --show-leak-kinds=definite,indirect "$@" >"$scratch/memcheck-$name.log" 2>&1; then
    echo "memcheck clean: $name"
  else
    cat "$scratch/memcheck-$name.log"; echo "memcheck FAILED: $name"; return 1
  fi
}

stage_valgrind() {
  build default
  local t harness
  # test_faults' certificate: a ctest fixture (run alone, make it here).
  (cd "$dir" && ctest -R '^make_test_cert$' >/dev/null)
  export PUBRIO_TEST_CERT_DIR=$dir/tests/certs
  export PUBRIO_FAKE_SERVER=$dir/tests/pubrio-fake-server # test_torture
  for t in "$dir"/tests/test_*; do
    case "$(basename "$t")" in
      # test_contract needs Prism running (the contract stage runs it);
      # test_key_wipe reads freed blocks' spare bytes on purpose (ASan runs it);
      # the PostgreSQL ones need a cluster (the postgresql stage runs them).
      test_contract | test_key_wipe | *postgresql*) ;;
      *) memcheck "$(basename "$t")" "$t" ;;
    esac
  done
  seq 1 250 | awk '{printf "00000000-0000-4000-8000-%012d\n", $1}' >"$scratch/ids.txt"
  memcheck pubrio_cli scripts/with_fake_server.sh "$dir" --estimated-time 0 -- \
    valgrind -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect "$dir/tools/pubrio" redeem \
    --types phone --wait -q --input "$scratch/ids.txt"
  for harness in parse_job parse_query parse_error parse_lookup journal; do
    memcheck "replay_$harness" "$dir/fuzz/fuzz_$harness" "fuzz/corpus/$harness"
  done
}

# The summary, also when a stage fails (set -e stops the run there).
passed=0
current=
timings=()
summary() {
  local rc=$? times='' t
  rm -rf "$scratch"
  for t in "${timings[@]}"; do times+="${times:+, }$t"; done
  if [ -n "$current" ]; then
    echo "== $current: FAILED after $((SECONDS - started)) s"
    echo "stages: $passed passed, 1 failed ($current)${times:+; passed: $times}"
  elif [ "$rc" -eq 0 ]; then
    echo "stages: $passed passed, 0 failed ($times)"
  fi
}
trap summary EXIT

for name in "${selected[@]}"; do
  for ((i = 0; i < ${#stages[@]}; i += 2)); do
    if [ "${stages[i]}" = "$name" ]; then echo "== $name: ${stages[i + 1]}"; fi
  done
  current=$name
  started=$SECONDS
  "stage_$name"
  current=
  passed=$((passed + 1))
  timings+=("$name $((SECONDS - started)) s")
done
