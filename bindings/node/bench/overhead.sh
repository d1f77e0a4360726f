#!/usr/bin/env bash
# Per-call overhead of the Node package over C, against the fake server
# (a separate process on 127.0.0.1): the same query of a one-person batch,
# N times in a row on one client, from C, from Node (await client.query()),
# and from Node calling the C function synchronously through koffi.
#   bindings/node/bench/overhead.sh [N]      (needs a built ./build)
set -euo pipefail
cd "$(dirname "$0")/../../.."
n=${1:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L bindings/node/bench/query_loop.c \
  -Iinclude -Lbuild -lpubrio -Wl,-rpath,"$PWD/build" -o "$work/query_loop"
export PUBRIO_LIBRARY=$PWD/build/libpubrio.so.0
run() {
  id=$(node -e "
    const { Client } = require('./bindings/node');
    const client = new Client();
    client.submitAndWait(['540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11'], ['email-work', 'phone'])
      .then((r) => console.log(r.query.redeemQueryId)).finally(() => client.close());")
  c1=$("$work/query_loop" "$id" "$n")
  js=$(node bindings/node/bench/overhead.js "$id" "$n")
  c2=$("$work/query_loop" "$id" "$n")
  read -r c1_med c1_p99 <<<"$c1"
  read -r c2_med c2_p99 <<<"$c2"
  read -r js_med js_p99 sync_med sync_p99 <<<"$js"
  printf '%-34s %10s %10s\n' "$n queries, one client" "median us" "p99 us"
  printf '%-34s %10s %10s\n' "C (before Node)" "$c1_med" "$c1_p99"
  printf '%-34s %10s %10s\n' "Node: await client.query()" "$js_med" "$js_p99"
  printf '%-34s %10s %10s\n' "Node: C call synchronously (koffi)" "$sync_med" "$sync_p99"
  printf '%-34s %10s %10s\n' "C (after Node)" "$c2_med" "$c2_p99"
  awk -v js="$js_med" -v sy="$sync_med" -v a="$c1_med" -v b="$c2_med" 'BEGIN {
    c = (a + b) / 2
    printf "ratio Node/C (medians): %.2f; overhead %.1f us a call, of which the worker thread and promise %.1f us\n", js / c, js - c, js - sy }'
}
export -f run
export work n
scripts/with_fake_server.sh build --estimated-time 0 -- bash -c run
