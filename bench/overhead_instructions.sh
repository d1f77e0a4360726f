#!/usr/bin/env bash
# Client-side instructions per call (callgrind counts instructions, so the
# figure repeats exactly on a noisy machine): libpubrio's submit and query
# against the raw libcurl + cJSON baseline's, both inclusive of libcurl and
# cJSON, on the calling thread only (the in-process fake server runs on its
# own threads).
#   bench/overhead_instructions.sh BUILD_DIR [CALLS] [PEOPLE] [canned|live]
# Set KEEP=FILE to keep the callgrind output (for callgrind_annotate).
set -euo pipefail
build=${1:-build} calls=${2:-200} people=${3:-10} server=${4:-canned}
out=${KEEP:-$(mktemp)}
[ -n "${KEEP:-}" ] || trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" \
  "$build/bench/bench_overhead" "$calls" "$people" both "$server" >/dev/null 2>&1
callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
  awk -v calls="$calls" '
    /bench_overhead.c:pubrio_submit /   { gsub(",", "", $1); lib_s = $1 }
    /bench_overhead.c:baseline_submit / { gsub(",", "", $1); raw_s = $1 }
    /bench_overhead.c:pubrio_query /    { gsub(",", "", $1); lib_q = $1 }
    /bench_overhead.c:baseline_query /  { gsub(",", "", $1); raw_q = $1 }
    END {
      if (!lib_s || !raw_s || !lib_q || !raw_q) {
        print "no per-function counts: build with debug info (RelWithDebInfo)" > "/dev/stderr"
        exit 1
      }
      n = calls + 1  # plus the warm-up call
      printf "submit instructions per call: libpubrio %.0f, raw libcurl + cJSON %.0f, ratio %.3f\n", lib_s / n, raw_s / n, lib_s / raw_s
      printf "query instructions per call: libpubrio %.0f, raw libcurl + cJSON %.0f, ratio %.3f\n", lib_q / n, raw_q / n, lib_q / raw_q
    }'
