#!/usr/bin/env bash
# `--history DIR`: the history functions on the command line, and bad history
# input (one clear message, never a silent NULL).
#
#   tests/cli/history.sh <path-to-docket-binary> <source-dir>
set -uo pipefail

docket=$1
src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/docket_history.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect <status> <substring of stdout+stderr> -- <docket args...>
expect() {
  local want=$1 needle=$2
  shift 3
  "$docket" "$@" > "$work/out" 2> "$work/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    fail "docket $* exited $got, want $want"; cat "$work/err" >&2
  elif [[ -n $needle ]] && ! grep -qF -- "$needle" "$work/out" "$work/err"; then
    fail "docket $*: output lacks '$needle'"; cat "$work/out" "$work/err" >&2
  fi
}

h=$work/hist
mkdir -p "$h/2026-11-01" "$h/2026-11-15" "$h/2026-11-22" "$h/2026-11-29"
printf 'id,csm,usage\nA,alice,10\nB,bob,0\nC,carol,5\n' > "$h/2026-11-01/accounts.csv"
printf 'id,csm,usage\nA,alice,12\nB,bob,0\nC,bob,\n' > "$h/2026-11-15/accounts.csv"
printf 'id,csm,usage\nA,alice,6\nB,bob,3\nD,dan,1\nC,carol,5\n' > "$h/2026-11-22/accounts.csv"
printf 'id,csm,usage\nA,zed,600\n' > "$h/2026-11-29/accounts.csv"   # after as_of: never read

ev() { eval_args=(eval --history "$h" --as-of 2026-11-22 --table accounts --format ids --where "$1"); }
ev "changed(csm)";                 expect 0 "C" -- "${eval_args[@]}"
ev "is_new()";                     expect 0 "D" -- "${eval_args[@]}"
ev "pct_change(usage) < -0.4";     expect 0 "division(s) by zero" -- "${eval_args[@]}"
[[ $(cat "$work/out") == "A" ]] || fail "pct_change(usage) < -0.4 gave '$(cat "$work/out")', want A"
ev "prev(usage, INTERVAL 3 WEEK) = 10"; expect 0 "A" -- "${eval_args[@]}"
ev "prev(csm) = 'zed'";            expect 0 "" -- "${eval_args[@]}"
[[ -s $work/out ]] && fail "a snapshot dated after as_of was read"
ev "prev(usage, INTERVAL 60 DAY) > 0"; expect 0 "no snapshot is dated on or before 2026-09-23" -- "${eval_args[@]}"
# Without --history: NULL, and one note says why.
expect 0 "no history was given" -- eval --data "$h/2026-11-22" --as-of 2026-11-22 --table accounts --where "changed(csm)"
# Without --data the current snapshot is the folder dated as_of.
expect 2 "no snapshot folder" -- eval --history "$h" --as-of 2026-11-23 --table accounts --where "changed(csm)"

# Compile errors.
ev "prev(usage + 1) > 0";          expect 2 "prev() takes a column" -- "${eval_args[@]}"
ev "prev(usgae) > 0";              expect 2 "did you mean 'usage'" -- "${eval_args[@]}"
ev "changed(csm, INTERVAL 0 DAY)"; expect 2 "must be a positive constant" -- "${eval_args[@]}"
ev "pct_change(csm) > 0";          expect 2 "pct_change() needs a number" -- "${eval_args[@]}"
printf 'n,v\n1,2\n' > "$work/nokey.csv"
expect 2 "needs a key" -- eval --data "$work/nokey.csv" --history "$h" --as-of 2026-11-22 --format csv --where "changed(v)"

# Bad history input.
mkdir "$h/latest"
ev "changed(csm)"; expect 1 "history folder 'latest' is not named by a date" -- "${eval_args[@]}"
rmdir "$h/latest"
printf 'id,csm,usage\nA,alice,1\nA,bob,2\n' > "$h/2026-11-01/accounts.csv"
ev "prev(usage, INTERVAL 14 DAY) > 0"; expect 1 "2026-11-01/accounts.csv:3:1: duplicate key 'A'" -- "${eval_args[@]}"
printf 'id,csm,usage\nA,alice,1\n' > "$h/2026-11-01/accounts.csv"
printf 'id,csm\nA,alice\n' > "$h/2026-11-15/accounts.csv"
ev "prev(usage) > 0"; expect 0 "column 'usage' is not in table 'accounts' of snapshot 2026-11-15" -- "${eval_args[@]}"
printf 'id,csm,usage\nA,alice,x\n' > "$h/2026-11-15/accounts.csv"
ev "prev(usage) > 0"; expect 1 "is string in snapshot 2026-11-15 ($h/2026-11-15) but int in $h/2026-11-22" -- "${eval_args[@]}"

# Trigger lists: entered / exited (a key gone from the current snapshot is
# shown with its last values), KPIs over them; without history one note.
t=$work/trig
mkdir -p "$t/h/2026-11-15" "$t/h/2026-11-22"
printf 'id,csm,usage,key_feature\nA,alice,12,false\nB,bob,0,true\nC,bob,4,false\nE,erin,9,true\n' > "$t/h/2026-11-15/accounts.csv"
printf 'id,csm,usage,key_feature\nA,alice,6,true\nB,bob,3,true\nD,dan,1,true\nC,carol,5,false\n' > "$t/h/2026-11-22/accounts.csv"
cat > "$t/rb.yaml" <<'YAML'
docket: 1
name: triggers
tables:
  accounts:
    key: id
    owner: csm
    columns: {id: string, csm: string, usage: int, key_feature: bool}
lists:
  - {id: first_key_feature, table: accounts, when: key_feature, trigger: entered}
  - {id: lost_key_feature, table: accounts, when: key_feature, trigger: exited}
  - {id: since_month, table: accounts, when: key_feature, trigger: entered, since: INTERVAL 1 MONTH}
  - {id: owner_changed, table: accounts, when: changed(csm), show: [id, csm]}
kpis:
  - {id: n_exited, list: lost_key_feature, measure: count}
YAML
expect 0 '"keys":["A","D"]' -- run "$t/rb.yaml" --history "$t/h" --as-of 2026-11-22 --format json
grep -qF '"id":"lost_key_feature","title":"lost_key_feature","horizon":"today","table":"accounts","count":1,"keys":["E"]' "$work/out" \
  || fail "exited: want E (gone from the current snapshot)"
grep -qF '"id":"owner_changed","title":"owner_changed","horizon":"today","table":"accounts","count":1,"keys":["C"]' "$work/out" \
  || fail "owner_changed: want C"
grep -qF 'trigger list' "$work/err" || fail "since: 1 month has no snapshot old enough: want a note"
expect 0 "no history was given" -- run "$t/rb.yaml" --data "$t/h/2026-11-22" --as-of 2026-11-22 --format json
grep -qF '"id":"first_key_feature","title":"first_key_feature","horizon":"today","table":"accounts","count":0' "$work/out" \
  || fail "without history a trigger list is empty"
sed 's/trigger: entered}/trigger: entred}/' "$t/rb.yaml" > "$t/bad.yaml"
expect 2 "did you mean 'entered'" -- run "$t/bad.yaml" --history "$t/h" --as-of 2026-11-22
# diff: each side at its own date (the --before folder's date).
expect 0 "owner_changed" -- diff "$t/rb.yaml" --before "$t/h/2026-11-15" --after "$t/h/2026-11-22" --history "$t/h" --as-of 2026-11-22

if [[ $failures -ne 0 ]]; then
  echo "history: $failures failure(s)" >&2
  exit 1
fi
echo "history: ok"
