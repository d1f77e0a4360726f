#!/usr/bin/env bash
# The contract test: Stoplight Prism (pinned in contract/package.json) mocks
# spec/pubrio-redeem.yaml on 127.0.0.1 with --errors, so every request is
# validated against the contract. The library's test_contract and the CLI run
# against it; any request violation Prism reports fails the test. Uses the
# build in PUBRIO_BUILD_DIR (default: build-test/default, made by
# scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(scripts/build.sh --dir default)
(cd contract && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
contract/node_modules/.bin/prism mock --errors -h 127.0.0.1 -p "$port" \
  spec/pubrio-redeem.yaml >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT
url=http://127.0.0.1:$port
for _ in $(seq 150); do
  curl -s -o /dev/null "$url" && break
  sleep 0.2
done
export PUBRIO_PRISM_URL=$url
(cd "$build" && ctest --output-on-failure -L contract)
PUBRIO_API_KEY=contract-key "$build"/tools/pubrio redeem --base-url "$url" \
  --types email-work,phone --profile-id 7 --wait --max-wait 30 -q \
  540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 >"$log.out"
grep -q '"people_search_id":"540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11"' "$log.out"
PUBRIO_API_KEY=contract-key "$build"/tools/pubrio query --base-url "$url" \
  a046c1da-b3d4-4ca1-aca6-1dd8c8055701 >/dev/null
rm -f "$log.out"
if grep -iE "violation|request did not pass the validation" "$log"; then
  echo "Prism reported contract violations"; exit 1
fi
checked=$(grep -c "The request passed the validation rules" "$log" || true)
echo "contract: $checked requests validated by Prism, no violations"
