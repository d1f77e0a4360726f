#!/usr/bin/env bash
# The main job: build, start the bundled fake Pubrio server, and redeem
# against it (no real API key needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
# The scripts' own build (./build is left to the README's install recipe).
build=$(scripts/build.sh default)
export build
demo() {
  echo "== fake Pubrio API at $PUBRIO_BASE_URL"
  echo "== pubrio redeem --wait: a file of ids (with a duplicate, a comment, a blank line)"
  printf '%s\n' "# people to unlock" 540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 "" \
    0a9b7c6d-1e2f-4a5b-8c7d-6e5f4a3b2c1d 540574D1-5A4B-4C8E-9B0A-8F3E2F1D7C11 \
    11111111-2222-4333-8444-555555555555 > "$build/demo-ids.txt"
  "$build/tools/pubrio" redeem --types email-work,phone --wait --input "$build/demo-ids.txt"
  echo "== pubrio redeem --wait --format csv: a spreadsheet naming people by id or LinkedIn URL"
  printf '%s\r\n' 'name,company,people_search_id,linkedin_url' \
    '"Doe, Jane",Acme,540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11,' \
    'Ada,Analytical,,https://uk.linkedin.com/in/Ada-Lovelace/?trk=x' \
    'Ada again,Analytical,,linkedin.com/in/ada-lovelace' \
    'Bob,Nowhere,not-an-id,' > "$build/demo-leads.csv"
  "$build/tools/pubrio" redeem --types email-work,phone --wait --format csv \
    --input "$build/demo-leads.csv" --output "$build/demo-enriched.csv"
  cat "$build/demo-enriched.csv"
  echo "== examples/redeem_batch: submit one batch"
  "$build/examples/redeem_batch"
  echo "== examples/redeem_and_wait: submit, wait, print the contacts"
  "$build/examples/redeem_and_wait" 540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 \
    0a9b7c6d-1e2f-4a5b-8c7d-6e5f4a3b2c1d deadbeef-0000-4000-8000-000000000011
  echo "== examples/bulk_redeem: 250 people with the bulk engine (last lines)"
  # shellcheck disable=SC2046
  "$build/examples/bulk_redeem" $(seq 1 250 | awk '{printf "10000000-0000-4000-8000-%012d\n", $1}') | tail -4
}
export -f demo
scripts/with_fake_server.sh "$build" --complete-after-polls 1 --estimated-time 1 -- bash -c demo
