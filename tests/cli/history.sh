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
  elif [[ -n $needle ]] && ! cat "$work/out" "$work/err" | grep -qF -- "$needle"; then
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

if [[ $failures -ne 0 ]]; then
  echo "history: $failures failure(s)" >&2
  exit 1
fi
echo "history: ok"
