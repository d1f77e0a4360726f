#!/usr/bin/env bash
# Run a command with a fake Pubrio server on 127.0.0.1 (any free port):
#   scripts/with_fake_server.sh BUILD_DIR [server options --] COMMAND...
# The command sees PUBRIO_BASE_URL and PUBRIO_API_KEY=test-key.
set -euo pipefail
build=$1; shift
server_args=()
if [[ " $* " == *" -- "* ]]; then
  while [ "$1" != "--" ]; do server_args+=("$1"); shift; done
  shift
fi
url_file=$(mktemp)
"$build/tests/pubrio-fake-server" --url-file "$url_file" "${server_args[@]}" >/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; rm -f "$url_file"' EXIT
for _ in $(seq 100); do [ -s "$url_file" ] && break; sleep 0.05; done
[ -s "$url_file" ] || { echo "fake server did not start" >&2; exit 1; }
export PUBRIO_BASE_URL; PUBRIO_BASE_URL=$(cat "$url_file")
export PUBRIO_API_KEY=test-key
"$@"
