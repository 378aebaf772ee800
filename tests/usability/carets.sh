#!/usr/bin/env bash
# Issue 14, "carets": errors in a list's `show:`, a KPI's `measure:` and a
# list's `table:` point at file:line:column and underline the name, as `when:`
# errors do.
#
#   tests/usability/carets.sh <path-to-docket-binary> <source-dir>
set -uo pipefail

docket=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/docket_carets.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

# expect <name> <line> <column> <length> <rulebook text>: docket check exits 2, the first line
# names file:line:column, the second is the YAML line and the third underlines <length> bytes.
expect() {
  local name=$1 line=$2 column=$3 length=$4 text=$5
  printf '%s' "$text" > "$work/$name.yaml"
  "$docket" check "$work/$name.yaml" > "$work/out" 2> "$work/err"
  local got=$?
  if [[ $got -ne 2 ]]; then
    echo "FAIL $name: exit $got, want 2" >&2; cat "$work/err" >&2; failures=$((failures + 1)); return
  fi
  if ! head -1 "$work/err" | grep -qF -- "$work/$name.yaml:$line:$column: "; then
    echo "FAIL $name: first line lacks $line:$column" >&2; cat "$work/err" >&2; failures=$((failures + 1)); return
  fi
  local want_src want_caret
  want_src="  $(sed -n "${line}p" "$work/$name.yaml")"
  want_caret="  $(printf '%*s' $((column - 1)) '')^$(printf '%*s' $((length - 1)) '' | tr ' ' '~')"
  if [[ "$(sed -n 2p "$work/err")" != "$want_src" || "$(sed -n 3p "$work/err")" != "$want_caret" ]]; then
    echo "FAIL $name: want the YAML line and '$want_caret' under it" >&2; cat "$work/err" >&2
    failures=$((failures + 1))
  fi
}

# expect_folded: as expect, for an error inside a quoted scalar folded over lines; the source line
# shown is the YAML line up to the closing quote (the expression's own text).
expect_folded() {
  local name=$1 line=$2 column=$3 length=$4 text=$5
  printf '%s' "$text" > "$work/$name.yaml"
  "$docket" check "$work/$name.yaml" > "$work/out" 2> "$work/err"
  local got=$?
  if [[ $got -ne 2 ]]; then
    echo "FAIL $name: exit $got, want 2" >&2; cat "$work/err" >&2; failures=$((failures + 1)); return
  fi
  if ! head -1 "$work/err" | grep -qF -- "$work/$name.yaml:$line:$column: "; then
    echo "FAIL $name: first line lacks $line:$column" >&2; cat "$work/err" >&2; failures=$((failures + 1)); return
  fi
  local yaml_line shown want_caret
  yaml_line="  $(sed -n "${line}p" "$work/$name.yaml")"
  shown="$(sed -n 2p "$work/err")"
  want_caret="  $(printf '%*s' $((column - 1)) '')^$(printf '%*s' $((length - 1)) '' | tr ' ' '~')"
  if [[ -z "$shown" || "$yaml_line" != "$shown"* || "$(sed -n 3p "$work/err")" != "$want_caret" ]]; then
    echo "FAIL $name: want a prefix of the YAML line and '$want_caret' under it" >&2; cat "$work/err" >&2
    failures=$((failures + 1))
  fi
}

head='docket: 1
name: t
tables:
  accounts:
    key: id
    columns: {id: string, arr: float}
lists:
  - id: a
    title: A
'

expect show 12 16 2 "${head}    table: accounts
    when: arr > 0
    show: [id, ar]
"
expect measure 15 18 2 "${head}    table: accounts
    when: arr > 0
kpis:
  - id: k
    list: a
    measure: sum(ar)
"
expect table 10 12 7 "${head}    table: acounts
    when: arr > 0
"
# A double-quoted (and a single-quoted) `when:` folded by YAML over lines: the caret on the line
# and column of the YAML file where the mistake is, not past the end of the first line.
expect_folded when_double 12 7 2 "${head}    table: accounts
    when: \"arr > 0 AND
      ar < 2\"
"
expect_folded when_double_middle 12 13 3 "${head}    table: accounts
    when: \"arr > 0
        AND arx < 2
        AND arr < 9\"
"
expect_folded when_single 12 7 2 "${head}    table: accounts
    when: 'arr > 0 AND
      ar < 2'
"

if [[ $failures -ne 0 ]]; then
  echo "$failures caret check(s) failed" >&2
  exit 1
fi
echo "all caret checks passed"
