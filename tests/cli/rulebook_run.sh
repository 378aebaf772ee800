#!/usr/bin/env bash
# `docket run` and `docket diff` / `docket explain`: formats and exit codes
# over the fixture in tests/data/rulebook/.
#
#   bash tests/cli/rulebook_run.sh <path-to-docket> <source-dir>
set -uo pipefail

docket=$1
src=$2
T="$src/tests/data/rulebook"
source "$src/tests/cli/lib/expect.sh"

# The human command center.
expect 0 "$docket" run "$T/hub.yaml" --data "$T/data" --as-of 2028-02-29
contains "$out" "Test Hub — command center for everyone"
contains "$out" "as of 2028-02-29 (America/New_York)"
contains "$out" "━━ TODAY"
contains "$out" "━━ UPCOMING"
contains "$out" "━━ PAST"
contains "$out" "→ Update the pulse after your next conversation with the customer."
contains "$out" "Pulse guide <https://kb.example.com/pulse>"
contains "$out" "ARR with a stale pulse  10,000"
grep -q $'\x1b' "$out" && fail "color codes written to a pipe"
# Rows are ordered arr DESC with NULLs last: Beta, Echo, Core.
[[ $(grep -E '^    (Beta|Echo|Core) ' "$out" | head -3 | awk '{print $1}' | tr '\n' ' ') == "Beta Echo Core " ]] ||
  fail "rows of outdated_pulse out of order"

# Owner scope.
expect 0 "$docket" run "$T/hub.yaml" --data "$T/data" --as-of 2028-02-29 --owner Alice
contains "$out" "command center for Alice"
grep -q "Beta" "$out" && fail "Bob's account shown in Alice's command center"

# --limit caps the rows shown.
expect 0 "$docket" run "$T/hub.yaml" --data "$T/data" --as-of 2028-02-29 --limit 1
contains "$out" "… 2 more rows"

# JSON: one object with as_of, owner, lists (count, keys after order) and kpis.
expect 0 "$docket" run "$T/hub.yaml" --data "$T/data" --as-of 2028-02-29 --format json
python3 - "$out" <<'PY' || fail "json output"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["as_of"] == "2028-02-29" and d["owner"] is None and d["rulebook"] == "Test Hub", d
lists = {l["id"]: l for l in d["lists"]}
assert lists["outdated_pulse"]["count"] == 3
assert lists["outdated_pulse"]["keys"] == ["A2", "A5", "A3"], lists["outdated_pulse"]["keys"]
assert lists["outdated_pulse"]["rows"][0] == {"name": "Beta", "csm": "Bob", "arr": 5000}
assert lists["outdated_pulse"]["horizon"] == "today"
kpis = {k["id"]: k for k in d["kpis"]}
assert kpis["stale_arr"]["values"] == {"Alice": 5000, "Bob": 5000}, kpis["stale_arr"]
assert kpis["renewals"]["values"] == 2
PY
expect 0 "$docket" run "$T/hub.yaml" --data "$T/data" --as-of 2028-02-29 --format json --owner Bob --list outdated_pulse
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["owner"]=="Bob" and [l["id"] for l in d["lists"]]==["outdated_pulse"] and d["lists"][0]["keys"]==["A2"], d' "$out" ||
  fail "json with --owner and --list"

# CSV: one row per (list, key).
expect 0 "$docket" run "$T/hub.yaml" --data "$T/data" --as-of 2028-02-29 --format csv
[[ $(head -1 "$out") == "list,horizon,rank,key,name,csm,arr,renewal_date,id" ]] || fail "csv header: $(head -1 "$out")"
contains "$out" "outdated_pulse,today,1,A2,Beta,Bob,5000,,"
[[ $(wc -l < "$out") == 8 ]] || fail "csv rows"
contains "$err" "as of 2028-02-29"

# Params at run time.
expect 0 "$docket" run "$T/hub.yaml" --data "$T/data" --as-of 2028-02-29 --format json --param stale_days=89
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["lists"][0]["count"]==4, d' "$out" || fail "--param"
expect 2 "$docket" run "$T/hub.yaml" --data "$T/data" --param stale_dayz=1
contains "$err" "unknown param 'stale_dayz' — did you mean 'stale_days'?"
expect 2 "$docket" run "$T/hub.yaml" --data "$T/data" --param stale_days=soon
expect 2 "$docket" run "$T/hub.yaml" --data "$T/data" --list nope
contains "$err" "unknown list 'nope'"
expect 2 "$docket" run "$T/hub.yaml" --data "$T/data" --as-of 2028-02-30
expect 2 "$docket" run "$T/hub.yaml" --data "$T/data" --format xml

# as_of defaults to today in the rulebook's time zone, and is printed.
expect 0 "$docket" run "$T/hub.yaml" --data "$T/data"
grep -qE "as of [0-9]{4}-[0-9]{2}-[0-9]{2} \(America/New_York\)" "$out" || fail "default as_of not printed"

# Errors: compile (2), data (1), missing files.
expect 2 "$docket" run "$T/bad_when.yaml" --data "$T/data"
contains "$err" "bad_when.yaml:5:11:"
expect 1 "$docket" run "$T/hub.yaml" --data "$T/bad_data"
contains "$err" "accounts.csv:2:"
expect 1 "$docket" run "$T/hub.yaml" --data "$T/no_such_dir"
expect 2 "$docket" run "$T/no_such.yaml" --data "$T/data"

# diff: keys that entered and left, and count changes.
expect 0 "$docket" diff "$T/hub.yaml" --before "$T/data" --after "$T/data_after" --as-of 2028-02-29
contains "$out" "+ A1, A7"
contains "$out" "- A2"
expect 0 "$docket" diff "$T/hub.yaml" --before "$T/data" --after "$T/data_after" --as-of 2028-02-29 --format json
python3 - "$out" <<'PY' || fail "diff json"
import json, sys
d = json.load(open(sys.argv[1]))
l = {x["id"]: x for x in d["lists"]}
assert l["outdated_pulse"]["entered"] == ["A1", "A7"] and l["outdated_pulse"]["left"] == ["A2"]
assert l["outdated_pulse"]["before"] == 3 and l["outdated_pulse"]["after"] == 4
assert l["big_healthy"]["change"] == 0
PY

# explain: each top-level term's value for one row.
expect 0 "$docket" explain "$T/hub.yaml" --data "$T/data" --as-of 2028-02-29 --list big_healthy --key A3
contains "$out" "accounts A3 is NOT in list 'big_healthy'"
contains "$out" "NULL   health >= 70"
contains "$out" "NULL   arr >= 1000"   # A3's arr is NULL too.
expect 0 "$docket" explain "$T/hub.yaml" --data "$T/data" --as-of 2028-02-29 --list big_healthy --key A4
contains "$out" "FALSE  health >= 70"
contains "$out" "FALSE  arr >= 1000"
expect 0 "$docket" explain "$T/hub.yaml" --data "$T/data" --as-of 2028-02-29 --list outdated_pulse --key A2
contains "$out" "is IN list 'outdated_pulse'"
expect 2 "$docket" explain "$T/hub.yaml" --data "$T/data" --list outdated_pulse --key ZZ

finish
