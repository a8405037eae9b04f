#!/usr/bin/env bash
# Runs every fuzz test of every module for FUZZTIME each (default 3s):
# `make test` gives each a few seconds, `make fuzz` a minute. Findings are
# written by the go command to the package's testdata/fuzz folder, where
# they become regression seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-3s}
status=0
while read -r file; do
  dir=$(dirname "$file")
  for name in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
    echo "== fuzz $dir $name ($fuzztime)"
    if ! (cd "$dir" && go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" -fuzzminimizetime=5s . 2>&1 | tail -3); then
      status=1
    fi
  done
done < <(git ls-files '*_test.go' | xargs grep -l '^func Fuzz' | sort)
exit $status
