#!/usr/bin/env bash
# Issue 14 item 3, "one set of data rules", CLI side: extra columns, key
# checks, and the shared table rule in `docket eval --schema`, `docket
# metrics` and `docket cta sync` (python/tests/test_data_rules_parity.py runs
# the same inputs through Python and compares the messages).
#
#   tests/usability/data_rules.sh <path-to-docket-binary> <source-dir>
set -uo pipefail

docket=$1
src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/docket_data_rules.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

# check <name> <want status> <substring of stderr> -- <docket args...>
check() {
  local name=$1 want=$2 needle=$3
  shift 4
  "$docket" "$@" > "$work/out" 2> "$work/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    echo "FAIL $name: exit $got, want $want" >&2; cat "$work/err" >&2; failures=$((failures + 1))
  elif ! grep -qF -- "$needle" "$work/err"; then
    echo "FAIL $name: stderr lacks '$needle'" >&2; cat "$work/out" "$work/err" >&2; failures=$((failures + 1))
  fi
}

data=$src/examples/data
schema=$src/examples/schema.yaml
book=$src/examples/rulebooks/csm_hub.yaml
pooled=$src/examples/rulebooks/pooled_csm.yaml
metrics=$src/examples/rulebooks/activity_metrics.yaml
A=2026-11-22

# A copy of the example data with one change.
copy() { rm -rf "$work/d"; mkdir "$work/d"; cp "$data"/*.csv "$work/d/"; }

# 1. Extra columns: accepted and ignored with a warning naming the file and the column; a rule
#    naming one is a compile error saying it is in the data but not declared.
copy
awk -F, 'BEGIN{OFS=","} NR==1{print $0, "scratch"; next} {print $0, NR}' "$data/accounts.csv" > "$work/d/accounts.csv"
check extra_run 0 "docket: warning: $work/d/accounts.csv: column 'scratch' of table 'accounts' is not declared in the schema and is ignored" -- \
  run "$book" --data "$work/d" --as-of $A --format json
check extra_eval_file 0 "$work/d/accounts.csv: column 'scratch' of table 'accounts' is not declared" -- \
  eval --data "$work/d/accounts.csv" --schema "$schema" --table accounts --where "arr > 0" --format count --as-of $A
check extra_eval_rule 2 "column 'scratch' is in the data of accounts but not declared in its schema" -- \
  eval --data "$work/d" --schema "$schema" --table accounts --where "scratch > 3" --as-of $A
check extra_eval_rule_typo 2 "did you mean 'scratch'? it is in the data but not declared" -- \
  eval --data "$work/d" --schema "$schema" --table accounts --where "scrach > 3" --as-of $A
sed 's/    when: customer AND usage_dropped$/    when: customer AND usage_dropped AND scratch > 3/' "$book" > "$work/book.yaml"
if grep -q "scratch > 3" "$work/book.yaml"; then
  check extra_run_rule 2 "column 'scratch' is in the data of accounts but not declared in its schema" -- \
    run "$work/book.yaml" --data "$work/d" --as-of $A
else
  echo "FAIL extra_run_rule: could not write the rule" >&2; failures=$((failures + 1))
fi
# A misspelled header: the declared column is missing, the data's close name offered.
copy
sed '1s/,pulse,/,plse,/' "$data/accounts.csv" > "$work/d/accounts.csv"
check misspelled_header 1 "accounts.csv:1:1: missing column 'pulse' (string): the schema of table 'accounts' declares it, but the data has no such column — the data has a column 'plse': did you mean 'pulse'?" -- \
  run "$book" --data "$work/d" --as-of $A

# 2. Key checks: duplicate, NULL and empty keys name file:line (the shared rule, storage/keys.h).
copy
awk 'NR==5{sub(/^[^,]*/, "A0000002")} {print}' "$data/accounts.csv" > "$work/d/accounts.csv"
check dup_key 1 "accounts.csv:5:1: duplicate key 'A0000002' in column id of table accounts (first on line 3)" -- \
  run "$book" --data "$work/d" --as-of $A
awk 'NR==4{sub(/^[^,]*/, "")} {print}' "$data/accounts.csv" > "$work/d/accounts.csv"
check null_key 1 "accounts.csv:4:1: NULL key in column id of table accounts" -- \
  run "$book" --data "$work/d" --as-of $A
awk 'NR==4{sub(/^[^,]*/, "\"\"")} {print}' "$data/accounts.csv" > "$work/d/accounts.csv"
check empty_key 1 "accounts.csv:4:1: empty key '' in column id of table accounts" -- \
  run "$book" --data "$work/d" --as-of $A

# 3. docket eval --schema reads only the tables the predicate reads: a bad unrelated file does
#    not stop it; a bad file it needs does.
copy
{ head -1 "$data/tasks.csv"; echo broken; } > "$work/d/tasks.csv"
"$docket" eval --data "$work/d" --schema "$schema" --table accounts --where "arr > 100000" --format count --as-of $A > "$work/out" 2> "$work/err"
want=$("$docket" eval --data "$data" --schema "$schema" --table accounts --where "arr > 100000" --format count --as-of $A 2>/dev/null)
if [[ $? -ne 0 || "$(cat "$work/out")" != "$want" ]]; then
  echo "FAIL eval_unrelated_bad_file: got '$(cat "$work/out")', want '$want'" >&2; cat "$work/err" >&2; failures=$((failures + 1))
fi
check eval_needed_bad_file 1 "tasks.csv:2:1: record has 1 fields, expected" -- \
  eval --data "$work/d" --schema "$schema" --table accounts --where "exists(tasks)" --as-of $A
# ... a misspelled file of a table it reads is an error with did-you-mean; a missing one a warning.
copy
mv "$work/d/contacts.csv" "$work/d/contcts.csv"
check eval_misspelled 1 "contcts.csv: table 'contcts' is not declared — did you mean 'contacts'?" -- \
  eval --data "$work/d" --schema "$schema" --table accounts --where "exists(contacts)" --as-of $A
rm "$work/d/contcts.csv"
check eval_missing 0 "docket: warning: declared table 'contacts' was given no data" -- \
  eval --data "$work/d" --schema "$schema" --table accounts --where "exists(contacts)" --format count --as-of $A
check eval_unknown_table 2 "table 'acounts' is not in the schema" -- \
  eval --data "$work/d" --schema "$schema" --table acounts --where "arr > 0" --as-of $A

# ... and docket metrics and docket cta sync read the directory by the same rule.
copy
mv "$work/d/activities.csv" "$work/d/activites.csv"
check metrics_misspelled 1 "table 'activites' is not declared — did you mean 'activities'?" -- \
  metrics "$metrics" --data "$work/d" --as-of $A
rm "$work/d/activites.csv"
mv "$work/d/accounts.csv" "$work/d/acounts.csv"
check cta_misspelled 1 "acounts.csv: table 'acounts' is not declared — did you mean 'accounts'?" -- \
  cta sync "$pooled" --data "$work/d" --store "$work/s.db" --as-of $A
mv "$work/d/acounts.csv" "$work/d/accounts.csv"
check metrics_missing 0 "docket: warning: declared table 'activities' was given no data" -- \
  metrics "$metrics" --data "$work/d" --as-of $A

if [[ $failures -ne 0 ]]; then
  echo "$failures data rule check(s) failed" >&2
  exit 1
fi
echo "all data rule checks passed"
