#!/usr/bin/env bash
# The shell completions of contrib/ parse and offer the options of the
# command, new ones included. Exit 77 (skipped) when zsh or fish is missing.
set -euo pipefail
contrib=$1
fail() { echo "FAIL: $*" >&2; exit 1; }

# bash: complete a few words and look at what is offered.
offered() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
           _pubrio; echo "${COMPREPLY[*]}"' _ "$contrib/pubrio.bash-completion" "$@"
}
[[ $(offered pubrio "") == *help* ]] || fail "bash: no help command"
[[ $(offered pubrio redeem --input-f) == --input-format ]] || fail "bash: --input-format"
[[ $(offered pubrio redeem --input-format "") == "ids csv" ]] || fail "bash: ids csv"
for opt in --id-column --url-column --delimiter --strict --output; do
  [[ $(offered pubrio redeem "$opt") == *"$opt"* ]] || fail "bash: $opt"
done
[[ $(offered pubrio help "") == "redeem query lookup export status forget" ]] || fail "bash: help COMMAND"

missing=0
if command -v zsh >/dev/null; then
  zsh -n "$contrib/pubrio.zsh-completion" || fail "zsh: syntax"
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  cp "$contrib/pubrio.zsh-completion" "$dir/_pubrio"
  [[ $(zsh -fc "fpath=($dir \$fpath); autoload -U compinit; compinit -u -d $dir/dump; print \${_comps[pubrio]}") == _pubrio ]] ||
    fail "zsh: _pubrio not registered"
else
  missing=1
fi
if command -v fish >/dev/null; then
  fish -n "$contrib/pubrio.fish" || fail "fish: syntax"
  got=$(fish -c "source $contrib/pubrio.fish; complete -C 'pubrio redeem --'")
  for opt in --input-format --id-column --url-column --delimiter --strict --output --types; do
    grep -q -- "^$opt" <<<"$got" || fail "fish: $opt"
  done
  [[ $(fish -c "source $contrib/pubrio.fish; complete -C 'pubrio redeem --format '" | cut -f1 | tr '\n' ' ') == "csv json " ]] ||
    fail "fish: --format values"
else
  missing=1
fi
[ "$missing" = 0 ] || { echo "zsh or fish missing: partly skipped" >&2; exit 77; }
echo "completions: ok"
