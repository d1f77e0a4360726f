#!/usr/bin/env bash
# Client-side instructions per submit (callgrind counts instructions, so the
# figure repeats exactly on a noisy machine): libpubrio's call against the
# raw libcurl + cJSON baseline, both inclusive of libcurl and cJSON, on the
# calling thread only (the in-process fake server runs on its own threads).
#   bench/overhead_instructions.sh BUILD_DIR [CALLS] [PEOPLE]
set -euo pipefail
build=${1:-build} calls=${2:-200} people=${3:-10}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" \
  "$build/bench/bench_overhead" "$calls" "$people" >/dev/null 2>&1
callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
  awk -v calls="$calls" '
    /bench_overhead.c:pubrio_call /   { gsub(",", "", $1); lib = $1 }
    /bench_overhead.c:baseline_call / { gsub(",", "", $1); raw = $1 }
    /transport.c:pri_transport_post / { gsub(",", "", $1); tr = $1 }
    END {
      if (!lib || !raw) {
        print "no per-function counts: build with debug info (RelWithDebInfo)" > "/dev/stderr"
        exit 1
      }
      n = calls + 1  # plus the warm-up call
      printf "instructions per call: libpubrio %.0f, raw libcurl + cJSON %.0f, ratio %.3f\n", lib / n, raw / n, lib / raw
      printf "  of which libpubrio transport (curl_easy_perform and options): %.0f\n", tr / n
    }'
