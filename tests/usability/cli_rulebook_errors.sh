#!/usr/bin/env bash
# Issue 14, "inconsistent details" and the suspicious-but-legal warnings, CLI
# side: every rulebook error points at file:line:column with the source line
# and a caret (multi-line quoted `when:`, `order_by`), and a
# declared table given no data or an owner who owns nothing is a warning.
#
#   tests/usability/cli_rulebook_errors.sh <path-to-docket-binary> <source-dir>
set -uo pipefail

docket=$1
src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/docket_rb_errors.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
data=$src/examples/data

# book <name> <list body lines...>: a one-list rulebook over accounts in $work/<name>.yaml.
book() {
  local name=$1
  shift
  {
    printf 'docket: 1\nname: t\nlists:\n  - id: a\n    title: A\n    table: accounts\n'
    printf '%s\n' "$@"
  } > "$work/$name.yaml"
}

# expect <name> <want status> <lines...>: stderr holds each line (fixed strings, in order of the args).
expect() {
  local name=$1 want=$2
  shift 2
  "$docket" run "$work/$name.yaml" --data "$data" --as-of 2026-11-22 > /dev/null 2> "$work/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    echo "FAIL $name: exit $got, want $want" >&2; cat "$work/err" >&2; failures=$((failures + 1)); return
  fi
  local needle
  for needle in "$@"; do
    if ! grep -qF -- "$needle" "$work/err"; then
      echo "FAIL $name: stderr lacks '$needle'" >&2; cat "$work/err" >&2; failures=$((failures + 1)); return
    fi
  done
}

# A double-quoted `when:` folded over two lines: the error is on the second line, at its column.
book dq_multiline '    when: "arr > 0 AND' "      nmae = 'x'\""
expect dq_multiline 2 "dq_multiline.yaml:8:7: unknown column 'nmae' in accounts — did you mean 'name'?" \
  "        nmae = 'x'" "        ^~~~"
# The same single-quoted ('' is a quote).
book sq_multiline "    when: 'arr > 0 AND" "      nmae = ''x'''"
expect sq_multiline 2 "sq_multiline.yaml:8:7: unknown column 'nmae'" "        ^~~~"
# A blank line inside the quotes.
book dq_blank '    when: "arr > 0 AND' '' "      nmae = 'x'\""
expect dq_blank 2 "dq_blank.yaml:9:7: unknown column 'nmae'"

# order_by (show:, measure: and table: are in carets.sh): file:line:column, the line and a caret.
book order '    when: arr > 0' '    order_by: ar DESC'
expect order 2 "order.yaml:8:15: unknown column 'ar' in 'order_by' of list 'a'" "did you mean 'arr'?" \
  "      order_by: ar DESC" "                ^~"

# A declared table given no data: a warning naming it, exit 0 (the lists over it match nothing).
mkdir -p "$work/part"
cp "$data/accounts.csv" "$work/part/"
"$docket" run "$src/examples/rulebooks/csm_hub.yaml" --data "$work/part" --as-of 2026-11-22 > /dev/null 2> "$work/err"
status=$?
if [[ $status -ne 0 ]] || ! grep -qF "warning: declared tables 'contacts', 'tasks'" "$work/err" \
   || ! grep -qF "were given no data and are treated as empty" "$work/err"; then
  echo "FAIL missing_table_warns: exit $status" >&2; cat "$work/err" >&2; failures=$((failures + 1))
fi

# An owner who owns no row: a warning with a did-you-mean, exit 0.
"$docket" run "$src/examples/rulebooks/csm_hub.yaml" --data "$data" --as-of 2026-11-22 --owner "Alice Chn" \
  > /dev/null 2> "$work/err"
status=$?
if [[ $status -ne 0 ]] || ! grep -qF "warning: owner 'Alice Chn' owns no row in any table with an owner column" "$work/err" \
   || ! grep -qF "did you mean 'Alice Chen'?" "$work/err"; then
  echo "FAIL owner_warns: exit $status" >&2; cat "$work/err" >&2; failures=$((failures + 1))
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures rulebook error check(s) failed" >&2
  exit 1
fi
echo "all rulebook error checks passed"
