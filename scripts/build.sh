#!/usr/bin/env bash
# The scripts' own builds, one folder per configuration under build-test/
# (never ./build, which is the README's install recipe's):
#   scripts/build.sh CONFIG        configure and build CONFIG, print its folder
#   scripts/build.sh --dir CONFIG  print the folder a script should use: that
#                                  of PUBRIO_BUILD_DIR when set, else CONFIG's;
#                                  fails unless it is configured
# Configurations: default (RelWithDebInfo, gcc: the suite, the consumers,
# the bindings, valgrind), asan (ASan + UBSan, clang), tsan (ThreadSanitizer,
# clang: the threaded tests only), fuzz (libFuzzer harnesses, clang), pyasan
# (the shared library alone under gcc's ASan, for Python), deb (configured
# for /usr without tests or examples: what the Debian packages hold).
# PUBRIO_JOBS sets the parallel jobs (default: nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
configs="default asan tsan fuzz pyasan deb"

folder() { # CONFIG: its folder, absolute
  case " $configs " in
    *" $1 "*) echo "$PWD/build-test/$1" ;;
    *) echo "unknown configuration '$1' (one of: $configs)" >&2; return 2 ;;
  esac
}

if [ "${1:-}" = --dir ]; then
  [ $# -eq 2 ] || { echo "usage: scripts/build.sh --dir CONFIG" >&2; exit 2; }
  if [ -n "${PUBRIO_BUILD_DIR:-}" ]; then
    dir=$(cd "$PUBRIO_BUILD_DIR" 2>/dev/null && pwd) ||
      { echo "PUBRIO_BUILD_DIR=$PUBRIO_BUILD_DIR does not exist" >&2; exit 1; }
  else
    dir=$(folder "$2")
  fi
  [ -f "$dir/CMakeCache.txt" ] || {
    echo "no configured build in $dir: run scripts/build.sh $2 (scripts/test.sh does)" >&2
    exit 1
  }
  echo "$dir"
  exit 0
fi
[ $# -eq 1 ] || { echo "usage: scripts/build.sh CONFIG | --dir CONFIG (CONFIG: $configs)" >&2; exit 2; }
config=$1
dir=$(folder "$config")

options=(-DCMAKE_BUILD_TYPE=Debug)
targets=()
case $config in
  default) options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan) options+=(-DCMAKE_C_COMPILER=clang "-DPUBRIO_SANITIZE=address,undefined") ;;
  tsan)
    options+=(-DCMAKE_C_COMPILER=clang -DPUBRIO_SANITIZE=thread)
    targets=(test_threads test_credit_safety test_bulk test_bulk_safety) ;;
  fuzz)
    options+=(-DCMAKE_C_COMPILER=clang -DPUBRIO_FUZZ=ON "-DPUBRIO_SANITIZE=address,undefined")
    targets=(fuzz_parse_job fuzz_parse_query fuzz_parse_error fuzz_parse_account fuzz_parse_lookup fuzz_journal) ;;
  pyasan)
    options+=(-DPUBRIO_SANITIZE=address)
    targets=(pubrio) ;;
  deb)
    # /usr: GNUInstallDirs then picks the multiarch library directory. No
    # tests, as in the README's install recipe: the fake server that
    # libpubrio-dev ships must be built without them.
    options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr
      -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON -DPUBRIO_BUILD_TESTS=OFF
      -DPUBRIO_BUILD_EXAMPLES=OFF) ;;
esac
cmake -S . -B "$dir" "${options[@]}" >/dev/null
cmake --build "$dir" -j"${PUBRIO_JOBS:-$(nproc)}" ${targets[@]+--target "${targets[@]}"} >/dev/null
echo "$dir"
