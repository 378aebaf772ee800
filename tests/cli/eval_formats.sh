#!/usr/bin/env bash
# `docket eval` output formats over tests/data/io/eval, with and without a schema.
#
#   tests/cli/eval_formats.sh <path-to-docket-binary> <source-dir>
set -uo pipefail

docket=$1
src=$2
data=$src/tests/data/io
work=$(mktemp -d "${TMPDIR:-/tmp}/docket_eval_formats.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

# check <name> <expected stdout> -- <docket args...>
check() {
  local name=$1 want=$2
  shift 3
  local got
  got=$("$docket" "$@" 2> "$work/err")
  local status=$?
  if [[ $status -ne 0 ]]; then
    echo "FAIL $name: exit $status:" >&2
    cat "$work/err" >&2
    failures=$((failures + 1))
  elif [[ "$got" != "$want" ]]; then
    echo "FAIL $name: got" >&2
    printf '%s\n' "$got" >&2
    echo "want" >&2
    printf '%s\n' "$want" >&2
    failures=$((failures + 1))
  fi
}

with_schema=(eval --data "$data/eval" --schema "$data/schema.yaml" --table accounts --as-of 2026-11-22)
inferred=(eval --data "$data/eval/accounts.csv" --as-of 2026-11-22)

for args in with_schema inferred; do
  declare -n base=$args
  check "$args ids" $'a1\na2\na4' -- "${base[@]}" --where "arr > 5000"
  check "$args default format is ids" $'a3' -- "${base[@]}" --where "arr IS NULL"
  check "$args count" "3" -- "${base[@]}" --where "arr > 5000" --format count
  check "$args count none" "0" -- "${base[@]}" --where "arr > 1e9" --format count
  check "$args csv" $'id,name,arr\na1,Acme,120000.5\na2,"Globex, Inc",8000\na4,Zoë 日本,450000' -- \
    "${base[@]}" --where "arr > 5000" --format csv --columns id,name,arr
  check "$args csv quoting" $'id,name,active\na3,"Initech ""IT""",true\na5,"Multi\nline",' -- \
    "${base[@]}" --where "arr IS NULL OR arr = 0" --format csv --columns id,name,active
  check "$args jsonl" '{"id":"a1","renewal_date":"2026-12-01","active":true,"updated_at":"2026-11-20T09:30:00Z"}
{"id":"a2","renewal_date":"2027-03-15","active":false,"updated_at":"2026-10-01T12:00:00Z"}
{"id":"a4","renewal_date":"2026-11-30","active":true,"updated_at":null}' -- \
    "${base[@]}" --where "arr > 5000" --format jsonl --columns id,renewal_date,active,updated_at
  check "$args jsonl strings" '{"id":"a3","name":"Initech \"IT\"","seats":12}
{"id":"a5","name":"Multi\nline","seats":1}' -- \
    "${base[@]}" --where "arr IS NULL OR arr = 0" --format jsonl --columns id,name,seats
  check "$args table" 'id  name              arr
──  ───────────  ────────
a1  Acme         120000.5
a2  Globex, Inc      8000
a4  Zoë 日本       450000
(3 rows)' -- "${base[@]}" --where "arr > 5000" --format table --columns id,name,arr
  unset -n base
done

# A predicate over a date column and a parameter.
check "param" $'a1\na4' -- "${with_schema[@]}" --where 'seats >= $min_seats' --param min_seats=40
check "timestamp offset" $'a3' -- "${with_schema[@]}" \
  --where "updated_at = TIMESTAMP '2026-11-21 21:59:59'"

# Without --as-of, the date used is printed on stderr (today in UTC).
"$docket" eval --data "$data/eval" --table accounts --where "arr > 5000" --format count > "$work/out" 2> "$work/err"
if ! grep -qx "docket: as_of $(date -u +%F)" "$work/err"; then
  echo "FAIL: as_of not printed; stderr:" >&2
  cat "$work/err" >&2
  failures=$((failures + 1))
fi

# More than 50 rows in table format: capped with a "more rows" line.
{
  echo "id,n"
  for i in $(seq 1 120); do echo "k$i,$i"; done
} > "$work/many.csv"
"$docket" eval --data "$work/many.csv" --where "n > 0" --format table --as-of 2026-11-22 > "$work/out" 2> "$work/err"
if [[ $(grep -c '^k' "$work/out") -ne 50 ]] || ! grep -qx '… 70 more rows' "$work/out" || ! grep -qx '(120 rows)' "$work/out"; then
  echo "FAIL: table cap; got:" >&2
  tail -3 "$work/out" >&2
  failures=$((failures + 1))
fi

if [[ $failures -ne 0 ]]; then
  echo "eval_formats: $failures failure(s)" >&2
  exit 1
fi
echo "eval_formats: ok"
