#!/usr/bin/env bash
# `docket check`: the summary line and exit codes (0 ok, 2 compile error,
# 1 data error), with and without --data.
#
#   bash tests/cli/rulebook_check.sh <path-to-docket> <source-dir>
set -uo pipefail

docket=$1
src=$2
T="$src/tests/data/rulebook"
source "$src/tests/cli/lib/expect.sh"

expect 0 "$docket" check "$T/hub.yaml"
contains "$out" "hub.yaml: ok — Test Hub: 3 lists (1 today, 1 upcoming, 1 past), 1 segment, 2 KPIs, 1 param"
[[ -s "$err" ]] && fail "stderr not empty on success"

expect 0 "$docket" check "$T/hub.yaml" --data "$T/data"
contains "$out" "data in $T/data matches (1 tables, 6 rows)"

expect 2 "$docket" check "$T/bad_when.yaml"
contains "$err" "docket: $T/bad_when.yaml:5:11: unknown column 'pluse'"
[[ $(wc -l < "$err") -ge 1 ]] || fail "no message"

expect 2 "$docket" check "$T/bad_key.yaml"
contains "$err" "bad_key.yaml:2:1: unknown key 'lits' at the top of a rulebook — did you mean 'lists'?"

expect 1 "$docket" check "$T/hub.yaml" --data "$T/bad_data"
contains "$err" "'lots' is not a float"

# A compile error wins over a data error.
expect 2 "$docket" check "$T/bad_when.yaml" --data "$T/bad_data"

expect 2 "$docket" check "$T/missing.yaml"
expect 2 "$docket" check

finish
