#!/usr/bin/env bash
# `docket eval` exit statuses and one-line error messages.
#
#   tests/cli/eval_errors.sh <path-to-docket-binary> <source-dir>
#
# Exit 0 success, 1 data or evaluation error, 2 usage or compile error; every
# error is one line on stderr starting with "docket: ".
set -uo pipefail

docket=$1
src=$2
data=$src/tests/data/io
work=$(mktemp -d "${TMPDIR:-/tmp}/docket_eval_errors.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

# expect <status> <substring of stderr> -- <docket args...>
expect() {
  local want=$1 needle=$2
  shift 3
  "$docket" "$@" > "$work/out" 2> "$work/err"
  local got=$?
  local lines
  # main.cc follows a flag-parsing error with a "  hint: see 'docket eval --help'" line.
  lines=$(grep -v '^docket: as_of ' "$work/err" | grep -vc '^  hint: see ')
  if [[ $got -ne $want ]]; then
    echo "FAIL: docket $* exited $got, want $want; stderr:" >&2
    cat "$work/err" >&2
    failures=$((failures + 1))
  elif ! grep -qF -- "$needle" "$work/err"; then
    echo "FAIL: docket $*: stderr lacks '$needle':" >&2
    cat "$work/err" >&2
    failures=$((failures + 1))
  elif [[ $want -ne 0 && $lines -ne 1 ]]; then
    echo "FAIL: docket $*: want one line on stderr, got $lines:" >&2
    cat "$work/err" >&2
    failures=$((failures + 1))
  elif [[ $want -ne 0 ]] && ! grep -q '^docket: ' "$work/err"; then
    echo "FAIL: docket $*: the message does not start with 'docket: '" >&2
    failures=$((failures + 1))
  fi
}

# A bad CSV value: exit 1 naming the file, the line, the column and the text.
expect 1 "bad/accounts.csv:3:14: column seats: 'x7' is not an int" -- eval --data "$data/bad" --schema "$data/schema.yaml" \
  --table accounts --where "arr > 0" --as-of 2026-11-22
expect 1 "column seats: 'x7' is not an int" -- eval --data "$data/bad/accounts.csv" \
  --schema "$data/schema.yaml" --where "arr > 0" --as-of 2026-11-22

# Malformed CSV files.
printf 'id,x\n1,"open\n' > "$work/open.csv"
expect 1 "open.csv:2:3: unterminated quoted field" -- eval --data "$work/open.csv" --where "x IS NULL" --as-of 2026-11-22
printf 'id,x\n1,a\n2,b,c\n' > "$work/ragged.csv"
expect 1 "ragged.csv:3:1: record has 3 fields, expected 2" -- eval --data "$work/ragged.csv" --where "x IS NULL" --as-of 2026-11-22
printf 'id,x\n1,\xff\n' > "$work/latin1.csv"
expect 1 "latin1.csv:2:3: invalid UTF-8" -- eval --data "$work/latin1.csv" --where "x IS NULL" --as-of 2026-11-22
: > "$work/empty.csv"
expect 1 "empty.csv:1:1: empty file" -- eval --data "$work/empty.csv" --where "x IS NULL" --as-of 2026-11-22
printf 'id,account_id,is_champion\nc1,a1,true\nc1,a2,false\n' > "$work/dup.csv"
expect 1 "dup.csv:3:1: duplicate key 'c1' in column id of table contacts (first on line 2)" -- eval --data "$work/dup.csv" \
  --schema "$data/schema.yaml" --table contacts --where "x IS NULL" --as-of 2026-11-22
expect 1 "no such file or directory" -- eval --data "$work/nope.csv" --where "x > 1" --as-of 2026-11-22

# Usage errors: exit 2.
expect 2 "--format" -- eval --data "$data/eval" --table accounts --where "arr > 0" --format xml
expect 2 "--where" -- eval --data "$data/eval" --table accounts
expect 2 "--bogus" -- eval --data "$data/eval" --table accounts --where "arr > 0" --bogus
expect 2 "--as-of 'tomorrow' is not a date" -- eval --data "$data/eval" --table accounts --where "arr > 0" --as-of tomorrow
expect 2 "--table is required" -- eval --data "$data/eval" --where "arr > 0" --as-of 2026-11-22
expect 2 "no table 'acounts'" -- eval --data "$data/eval" --table acounts --where "arr > 0" --as-of 2026-11-22
expect 2 "did you mean 'accounts'?" -- eval --data "$data/eval" --table acounts --where "arr > 0" --as-of 2026-11-22
expect 2 "bad_schema.yaml:4:32: unknown type 'flaot' for column 'arr' — did you mean 'float'?" -- \
  eval --data "$data/eval" --schema "$data/bad_schema.yaml" --table accounts --where "arr > 0" --as-of 2026-11-22
expect 2 "check the --schema path" -- eval --data "$data/eval" --schema "$work/none.yaml" --table accounts --where "arr > 0"
expect 2 "unknown time zone 'Mars/Olympus'" -- eval --data "$data/eval" --table accounts --where "arr > 0" --time-zone Mars/Olympus
expect 2 "--param 'stale' is not name=value" -- eval --data "$data/eval" --table accounts --where "arr > 0" --param stale
expect 2 "has no column 'nmae' — did you mean 'name'?" -- eval --data "$data/eval" --table accounts \
  --where "arr > 0" --format csv --columns id,nmae --as-of 2026-11-22
printf 'name,n\nx,1\n' > "$work/nokey.csv"
expect 2 "has no key column for --format ids" -- eval --data "$work/nokey.csv" --where "n > 0" --as-of 2026-11-22

# A compile error in --where: exit 2, the message names the column (the
# caret lines that follow are part of the one message).
"$docket" eval --data "$data/eval" --table accounts --where "pluse = 'red'" --as-of 2026-11-22 > /dev/null 2> "$work/err"
status=$?
if [[ $status -ne 2 ]] || ! grep -q "pluse" "$work/err"; then
  echo "FAIL: compile error: exit $status, stderr:" >&2
  cat "$work/err" >&2
  failures=$((failures + 1))
fi

if [[ $failures -ne 0 ]]; then
  echo "eval_errors: $failures failure(s)" >&2
  exit 1
fi
echo "eval_errors: ok"
