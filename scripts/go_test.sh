#!/usr/bin/env bash
# The Go module bindings/go as a user builds it, offline: libpubrio installed
# into a temporary prefix and found through pkg-config, then gofmt, go vet,
# go test and go test -race against the fake server, the README's example
# (checked to be bindings/go/example/main.go) run with the README's command,
# and the same program built as a module of its own that requires this one.
# Installs the build in PUBRIO_BUILD_DIR (default: build-test/default, made
# by scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$(scripts/build.sh --dir default)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
pc=$(find "$work/prefix" -name libpubrio.pc -print -quit)
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
CGO_LDFLAGS="-Wl,-rpath,$(pkg-config --variable=libdir libpubrio)"
export CGO_LDFLAGS
export GOCACHE=$work/gocache GOPATH=$work/gopath GOPROXY=off GOFLAGS=-buildvcs=false
export PUBRIO_FAKE_SERVER=$build/tests/pubrio-fake-server
go version

cd bindings/go
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || { echo "not gofmt-formatted: $unformatted"; exit 1; }
go vet ./...
go test -count=1 ./...
go test -race -count=1 ./...

# The README's Go code is the code that runs: its first block is the
# example program, its second the body of ExampleClient_StartBulk, its
# third ExampleClient_Submit's, its fourth ExampleClient_Lookup's.
readme_block() { # N: the Nth ```go block of the README's Go section
  awk -v want="$1" '/^## / {in_go = ($0 == "## Go")}
    in_go && /^```go$/ {n++; if (n == want) {block = 1; next}}
    block && /^```$/ {block = 0}
    block' "$root/README.md"
}
readme_block 1 >"$work/readme_1.go"
diff -u example/main.go "$work/readme_1.go" ||
  { echo "README's Go example differs from bindings/go/example/main.go"; exit 1; }
readme_block 2 >"$work/readme_2.go"
sed -n '/^func ExampleClient_StartBulk/,/^}/p' pubrio/example_test.go |
  sed -n '/run, err := client.StartBulk/,/^\t\/\/ Unordered output:/p' |
  sed '$d; s/^\t//' >"$work/example_bulk.go"
if [ ! -s "$work/readme_2.go" ] || ! diff -u "$work/example_bulk.go" "$work/readme_2.go"; then
  echo "README's bulk run differs from ExampleClient_StartBulk"; exit 1
fi
readme_block 3 >"$work/readme_3.go"
sed -n '/^func ExampleClient_Submit/,/^}/p' pubrio/account_test.go |
  sed -n '/req := pubrio.Request{/,/^\t\/\/ Output:/p' |
  sed '$d; s/^\t//' >"$work/example_submit.go"
if [ ! -s "$work/readme_3.go" ] || ! diff -u "$work/example_submit.go" "$work/readme_3.go"; then
  echo "README's Submit differs from ExampleClient_Submit"; exit 1
fi
readme_block 4 >"$work/readme_4.go"
sed -n '/^func ExampleClient_Lookup/,/^}/p' pubrio/lookup_test.go |
  sed -n '/req := pubrio.LookupRequest{/,/^\t\/\/ Output:/p' |
  sed '$d; s/^\t//' >"$work/example_lookup.go"
if [ ! -s "$work/readme_4.go" ] || ! diff -u "$work/example_lookup.go" "$work/readme_4.go"; then
  echo "README's Lookup differs from ExampleClient_Lookup"; exit 1
fi
lines=$(wc -l <example/main.go)
echo "go example: $lines lines in all, $(sed -n '/^func main/,/^}/p' example/main.go | wc -l) in main"

# Run as the README says (from the repository's root, the fake server as
# PUBRIO_BASE_URL).
command=$(grep -m1 '^cd bindings/go && go run ./example ' "$root/README.md")
[ -n "$command" ] || { echo "README shows no 'cd bindings/go && go run ./example' line"; exit 1; }
cd "$root"
export command
scripts/with_fake_server.sh "$build" --estimated-time 0 -- bash -c "$command" >"$work/example.out"
grep -q '^540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 \[w.540574d1@work.example\] \[+1555[0-9]*\]$' \
  "$work/example.out" || { cat "$work/example.out"; echo "example: unexpected output"; exit 1; }
echo "go example (README command): ok"

# A module of the user's own that requires this one (a replace directive
# points at the checkout: nothing is downloaded).
mkdir "$work/app"
cp bindings/go/example/main.go "$work/app/"
(cd "$work/app" && go mod init example.com/app >/dev/null 2>&1 &&
  go mod edit -require=github.com/libpubrio/libpubrio/bindings/go@v0.0.0 \
    -replace=github.com/libpubrio/libpubrio/bindings/go="$root/bindings/go" &&
  go build -o app .)
scripts/with_fake_server.sh "$build" --estimated-time 0 -- "$work/app/app" \
  540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 | grep -q '^540574d1'
echo "go module of one's own: ok"
