#!/usr/bin/env bash
# `docket metrics`: the JSON shape fixed by issue 17, worked-out values over
# tests/data/metrics/ (time-zone edges, NULL group, zero denominator, goals
# with ramping, the alert feed's order), the other formats and exit codes.
#
#   bash tests/cli/metrics.sh <path-to-docket> <source-dir>
set -uo pipefail

docket=$1
src=$2
T="$src/tests/data/metrics"
source "$src/tests/cli/lib/expect.sh"

expect 0 "$docket" metrics "$T/team.yaml" --data "$T/data" --as-of 2026-11-22 --format json
contains "$err" "'Zed' has a target in reps.meeting_goal but is not a group of the metric"
/usr/bin/python3 - "$out" <<'PY' || fail "json output"
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["as_of", "metrics", "goals", "alerts"], list(d)
assert d["as_of"] == "2026-11-22"
m = {x["id"]: x for x in d["metrics"]}
t30 = m["meetings_t30"]
assert list(t30) == ["id", "title", "interval", "grain", "total", "values", "series"], list(t30)
assert t30["title"] == "Meetings (trailing 30 days)"
assert t30["interval"] == {"start": "2026-10-24", "end": "2026-11-22"}, t30["interval"]
assert t30["grain"] == "week"
assert t30["total"] == 4
# Groups: every owner of the table, NULL last; Bo has no meeting (0); Cy's
# only meeting is in the previous window.
assert t30["values"] == [
    {"by": "Ann", "value": 3, "previous": 0},
    {"by": "Bo", "value": 0, "previous": 0},
    {"by": "Cy", "value": 0, "previous": 1},
    {"by": None, "value": 1, "previous": 0}], t30["values"]
# Weeks start on Monday; the first is clipped by the interval but starts on
# its own first day.  a2 (2026-11-09T04:30Z) is Sunday evening in New York.
starts = [s["start"] for s in t30["series"]]
assert starts == ["2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"], starts
ann = [[v["value"] for v in s["values"] if v["by"] == "Ann"][0] for s in t30["series"]]
assert ann == [0, 0, 2, 0, 1], ann
assert list(t30["series"][0]["values"][0]) == ["by", "value"]
lw = m["minutes_last_week"]
assert lw["interval"] == {"start": "2026-11-09", "end": "2026-11-15"}
assert lw["series"] == [] and lw["grain"] is None
assert {v["by"]: (v["value"], v["previous"]) for v in lw["values"]} == {
    "Ann": (0, 90), "Bo": (0, 0), "Cy": (0, 0), None: (45, 0)}, lw["values"]
r = {v["by"]: v["value"] for v in m["minutes_per_meeting"]["values"]}
assert r == {"Ann": 40.0, "Bo": None, "Cy": None, None: 45.0}, r
assert m["minutes_per_meeting"]["total"] == 165 / 4
g = {x["by"]: x for x in d["goals"]}
assert list(d["goals"][0]) == ["metric", "by", "target", "value", "attainment", "ramping"]
assert set(g) == {"Ann", "Bo", "Cy"}, g
assert g["Ann"]["target"] == 2 and g["Ann"]["attainment"] == 1.5 and not g["Ann"]["ramping"]
assert abs(g["Bo"]["target"] - 4 * 30 / 90) < 1e-9 and g["Bo"]["ramping"] and g["Bo"]["attainment"] == 0
assert g["Cy"]["attainment"] == 0
a = [(x["id"], x["by"], x["valence"]) for x in d["alerts"]]
assert a == [("meetings_drop", "Cy", "warning"), ("below_goal", "Cy", "warning"), ("above_goal", "Ann", "positive")], a
assert d["alerts"][0]["message"] == "Cy: 0 meetings (-100% against 1)", d["alerts"][0]["message"]
assert d["alerts"][1]["audience"] == "Tom"
assert list(d["alerts"][0])[:7] == ["id", "kind", "valence", "metric", "by", "value", "message"]
PY

# Owner scope: only that owner's group; the total is over their rows.
expect 0 "$docket" metrics "$T/team.yaml" --data "$T/data" --as-of 2026-11-22 --owner Ann --format json
/usr/bin/python3 - "$out" <<'PY' || fail "owner scope"
import json, sys
d = json.load(open(sys.argv[1]))
t30 = d["metrics"][0]
assert [v["by"] for v in t30["values"]] == ["Ann"] and t30["total"] == 3, t30
PY

# Text and CSV.
expect 0 "$docket" metrics "$T/team.yaml" --data "$T/data" --as-of 2026-11-22
contains "$out" "Meetings (trailing 30 days) (2026-10-24 … 2026-11-22, by week)  total 4"
contains "$out" "[warning] Cy: 0 meetings (-100% against 1)"
contains "$out" "note: 5 values divided by zero (NULL)"  # Bo and Cy now, Ann, Bo and the NULL group before
contains "$out" "1h30m"
expect 0 "$docket" metrics "$T/team.yaml" --data "$T/data" --as-of 2026-11-22 --format csv
contains "$out" "metric,by,period,start,end,value,previous,target,attainment"
contains "$out" "meetings_t30,Ann,week,2026-11-02,2026-11-08,2,"

# Mistakes: an unknown metric in a ratio (did-you-mean), exit 2.
bad=$(mktemp)
sed 's/denominator: meetings_t30/denominator: meeting_t30/' "$T/team.yaml" > "$bad"
expect 2 "$docket" metrics "$bad" --data "$T/data" --as-of 2026-11-22
contains "$err" "unknown metric 'meeting_t30' in the ratio 'minutes_per_meeting'"
contains "$err" "did you mean 'meetings_t30'?"
contains "$err" ":40:50:"
sed 's/    time: occurred_at/    time: ocurred_at/' "$T/team.yaml" > "$bad"
expect 2 "$docket" metrics "$bad" --data "$T/data" --as-of 2026-11-22
contains "$err" "unknown column 'ocurred_at' in 'time' of metric 'meetings_t30'"
contains "$err" "did you mean 'occurred_at'?"
sed 's/interval: last_week/interval: lst_week/' "$T/team.yaml" > "$bad"
expect 2 "$docket" metrics "$bad" --data "$T/data" --as-of 2026-11-22
contains "$err" "unknown interval 'lst_week'"
sed 's/metric: meetings_t30$/metric: meetings_30/' "$T/team.yaml" > "$bad"
expect 2 "$docket" metrics "$bad" --data "$T/data" --as-of 2026-11-22
contains "$err" "unknown metric 'meetings_30' in a goal"
rm -f "$bad"
expect 2 "$docket" metrics "$T/team.yaml" --data "$T/data" --as-of 2026-13-01
finish
