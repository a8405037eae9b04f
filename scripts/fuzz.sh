#!/usr/bin/env bash
# Runs every fuzz test of every module for FUZZTIME each (default 3s):
# `make test` gives each a few seconds, `make fuzz` a minute. An input that
# fails is written by the go command to the package's testdata/fuzz folder,
# where it becomes a regression case; a run that fails without writing one
# (the fuzzing engine itself stalled on a loaded machine) is tried again once.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-3s}
status=0

run() { # dir name
  (cd "$1" && go test -run='^$' -fuzz="^${2}\$" -fuzztime="$fuzztime" -fuzzminimizetime=5s . 2>&1 | tail -4)
}

# inputs counts a fuzz test's saved inputs; a test with none has no folder.
inputs() { # corpus
  if [ -d "$1" ]; then ls "$1" | wc -l; else echo 0; fi
}

while read -r file; do
  dir=$(dirname "$file")
  for name in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
    echo "== fuzz $dir $name ($fuzztime)"
    corpus="$dir/testdata/fuzz/$name"
    before=$(inputs "$corpus")
    if run "$dir" "$name"; then
      continue
    fi
    if [ "$(inputs "$corpus")" -gt "$before" ]; then
      echo "!! $name found a failing input: see $corpus"
      status=1
    elif ! run "$dir" "$name"; then
      status=1
    fi
  done
done < <(git ls-files '*_test.go' | xargs grep -l '^func Fuzz' | sort)
exit $status
