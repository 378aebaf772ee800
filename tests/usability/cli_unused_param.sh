#!/usr/bin/env bash
# Issue 14, "every name a user passes is checked": a --param that the --where
# expression never reads is a misspelling, refused (exit 2) with a did-you-mean.
#
#   tests/usability/cli_unused_param.sh <path-to-docket-binary> <source-dir>
set -uo pipefail

docket=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/docket_unused_param.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
printf 'id,zip,arr\n1,02134,10\n2,10001,20\n' > "$work/a.csv"

# check <name> <want status> <stderr substring> -- <eval args...>
check() {
  local name=$1 want=$2 needle=$3
  shift 4
  "$docket" eval --data "$work/a.csv" --as-of 2026-11-22 "$@" > "$work/out" 2> "$work/err"
  local got=$?
  if [[ $got -ne $want ]] || ! grep -qF -- "$needle" "$work/err" "$work/out"; then
    echo "FAIL $name: exit $got (want $want), output lacks '$needle'" >&2; cat "$work/out" "$work/err" >&2
    failures=$((failures + 1))
  fi
}

check misspelled 2 "--param 'zp' is not used by the expression (it has no \$zp) — did you mean 'zip'?" -- \
  --where "zip = \$zip" --param zp=02134
check none_read 2 "--param 'typo' is not used by the expression (it has no \$typo) — the expression reads no params" -- \
  --where "arr > 0" --param typo=1
check used 0 "1" -- --where "zip = \$zip AND arr > \$min" --param zip=02134 --param min=5 --format count

if [[ $failures -ne 0 ]]; then
  echo "$failures unused-param check(s) failed" >&2
  exit 1
fi
echo "all unused-param checks passed"
