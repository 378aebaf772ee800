#!/usr/bin/env bash
# Issue 14, CLI side: every input a user can get wrong gets an error or a
# warning that says where and what (one check per case).
#
#   tests/usability/cli_usability.sh <path-to-docket-binary> <source-dir>
set -uo pipefail

docket=$1
src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/docket_usability.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

# check <name> <want status> <substring of stdout+stderr> -- <docket args...>
check() {
  local name=$1 want=$2 needle=$3
  shift 4
  "$docket" "$@" > "$work/out" 2> "$work/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    echo "FAIL $name: exit $got, want $want" >&2; cat "$work/err" >&2; failures=$((failures + 1))
  elif ! grep -qF -- "$needle" "$work/out" "$work/err"; then
    echo "FAIL $name: output lacks '$needle'" >&2; cat "$work/out" "$work/err" >&2; failures=$((failures + 1))
  fi
}

# same <name> <exact stdout> -- <docket args...>: exit 0 and stdout is exactly the given lines.
same() {
  local name=$1 want=$2
  shift 3
  local got
  got=$("$docket" "$@" 2> "$work/err" | tr '\n' ' ')
  if [[ "$got" != "$want" ]]; then
    echo "FAIL $name: stdout '$got', want '$want'" >&2; cat "$work/err" >&2; failures=$((failures + 1))
  fi
}

book=$src/examples/rulebooks/csm_hub.yaml
data=$src/examples/data

# An owner who owns nothing: a warning naming the owner on stderr, exit 0.
check owner_owns_nothing 0 "warning: owner 'Alicee' owns no row" -- \
  run "$book" --data "$data" --as-of 2026-11-22 --owner Alicee

# explain --owner: the terms keep the row's own truth, and a note says the row is outside the scope.
check explain_owner_scope 0 "outside Dev Patel's scope" -- \
  explain "$book" --data "$data" --list outdated_pulse --key A0000002 --as-of 2026-11-22 --owner "Dev Patel"
check explain_owner_terms 0 "TRUE   customer" -- \
  explain "$book" --data "$data" --list outdated_pulse --key A0000002 --as-of 2026-11-22 --owner "Dev Patel"

# eval --data DIR --table T (no schema) reads only T.csv: an unrelated bad file does not abort.
mkdir -p "$work/dir"
printf 'id,zip,name\n1,02134,MotörHead\n2,10001,Ünal GmbH\n3,2134,MÜHLEISEN\n' > "$work/dir/accounts.csv"
printf 'a,b\n1,"unterminated\n' > "$work/dir/broken.csv"
same dir_reads_only_its_table "2 " -- eval --data "$work/dir" --table accounts --where "id > 1" --format count
check dir_table_did_you_mean 2 "did you mean 'accounts'" -- eval --data "$work/dir" --table acounts --where "id > 1"

# --param text: 02134 is a code (a string), quoted text is a string without its quotes.
same param_leading_zero "1 " -- eval --data "$work/dir/accounts.csv" --where "zip = \$z" --param z=02134 --format ids
same param_quoted "2 " -- eval --data "$work/dir/accounts.csv" --where "zip = \$z" --param "z='10001'" --format ids

# Unicode case mapping (utf8proc).
same unicode_upper "1 " -- eval --data "$work/dir/accounts.csv" --where "upper(name) = 'MOTÖRHEAD'" --format ids
same unicode_ilike "3 " -- eval --data "$work/dir/accounts.csv" --where "name ILIKE 'mühleisen'" --format ids
same unicode_lower_like "2 " -- eval --data "$work/dir/accounts.csv" --where "lower(name) LIKE '%ünal%'" --format ids

# round(x, n) at both extremes.
same round_extremes "3 " -- eval --data "$work/dir/accounts.csv" \
  --where "round(42.0, -1000) = 0 AND round(42.0, -400) = 0 AND round(42.5, 1000) = 42.5" --format count

# Hints that say what is wrong.
check hint_text_not_number 2 "'big' is text, not a number" -- eval --data "$work/dir/accounts.csv" --where "id > 'big'"
check hint_month_range 2 "month 13 is out of range" -- eval --data "$work/dir/accounts.csv" \
  --where "DATE '2026-01-01' > '2026-13-01'"
check hint_day_range 2 "2026-02 has 28 days" -- eval --data "$work/dir/accounts.csv" \
  --where "DATE '2026-01-01' > '2026-02-30'"

if [[ $failures -ne 0 ]]; then
  echo "$failures usability check(s) failed" >&2
  exit 1
fi
echo "all usability checks passed"
