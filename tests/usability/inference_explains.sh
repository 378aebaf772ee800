#!/usr/bin/env bash
# Issue 14, "inference explains itself" (CLI): one bad value turns an
# inferred CSV column into strings; the type error that follows names the
# column, file:line, the value, and how to declare the type.  Also the owner
# did-you-mean over full names.
#
#   tests/usability/inference_explains.sh <path-to-docket-binary> <source-dir>
set -uo pipefail

docket=$1
src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/docket_inference.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

# check <name> <want status> <needle>... -- <docket args...>: every needle in stdout+stderr.
check() {
  local name=$1 want=$2
  shift 2
  local needles=()
  while [[ $1 != "--" ]]; do needles+=("$1"); shift; done
  shift
  "$docket" "$@" > "$work/out" 2> "$work/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    echo "FAIL $name: exit $got, want $want" >&2; cat "$work/err" >&2; failures=$((failures + 1)); return
  fi
  for needle in "${needles[@]}"; do
    if ! grep -qF -- "$needle" "$work/out" "$work/err"; then
      echo "FAIL $name: output lacks '$needle'" >&2; cat "$work/out" "$work/err" >&2; failures=$((failures + 1))
      return
    fi
  done
}

# bad <name> <good1> <bad> <good2> <rule> <type>: the bad value on line 3 of t.csv.
bad() {
  local name=$1 good1=$2 value=$3 good2=$4 rule=$5 type=$6
  mkdir -p "$work/$name"
  printf 'id,v\na,%s\nb,%s\nc,%s\n' "$good1" "$value" "$good2" > "$work/$name/t.csv"
  (cd "$work/$name" && check "$name" 2 "column 'v' was read as string because of the value '$value' at t.csv:3" \
    "its other values are ${type}s" "tables: {t: {columns: {v: $type}}}" -- eval --data t.csv --where "$rule")
}

bad impossible_date 2026-01-01 2026-02-30 2026-03-01 "v > DATE '2026-01-15'" date
bad null_word 2026-01-01 NULL 2026-03-01 "v > DATE '2026-01-15'" date
bad na_word 10 N/A 20 "v > 15" int
bad past_int64 10 99999999999999999999 20 "v + 1 > 15" int
bad yes_word true yes false "v AND id = 'a'" bool

# A NULL word gets the CSV's own NULL spelling as a hint.
mkdir -p "$work/nullhint"
printf 'id,v\na,1\nb,NULL\n' > "$work/nullhint/t.csv"
(cd "$work/nullhint" && check null_hint 2 "an empty field is NULL" -- eval --data t.csv --where "v > 0")

# Declaring the type, as the hint says, turns the compile error into a data error naming the value.
printf 'tables:\n  t: {columns: {id: string, v: date}}\n' > "$work/impossible_date/schema.yaml"
(cd "$work/impossible_date" && check declared_date 1 "t.csv:3" "2026-02-30" -- \
  eval --data t.csv --schema schema.yaml --where "v > DATE '2026-01-15'")

# A column of names is text: no inference note.
printf 'id,name\na,Acme\nb,Beta\n' > "$work/names.csv"
check names_no_note 2 "cannot compare string with int" -- eval --data "$work/names.csv" --where "name > 1"
if grep -qF "was read as string" "$work/err"; then
  echo "FAIL names_no_note: a text column got an inference note" >&2; failures=$((failures + 1))
fi

# Owners are full names: a misspelled or first name gets the full name.
book=$src/examples/rulebooks/csm_hub.yaml
data=$src/examples/data
check owner_misspelled 0 "did you mean 'Alice Chen'?" -- run "$book" --data "$data" --as-of 2026-11-22 --owner Alicee
check owner_first_name 0 "did you mean 'Alice Chen'?" -- run "$book" --data "$data" --as-of 2026-11-22 --owner alice

if [[ $failures -ne 0 ]]; then
  echo "$failures inference check(s) failed" >&2
  exit 1
fi
echo "all inference checks passed"
