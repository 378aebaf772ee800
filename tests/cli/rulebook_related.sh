#!/usr/bin/env bash
# Related records through the command: aggregates, parent fields shown and
# ordered by, orphans reported, owner scope through parents, explain and eval,
# over the fixture in tests/data/related/.
#
#   bash tests/cli/rulebook_related.sh <path-to-docket> <source-dir>
set -uo pipefail

docket=$1
src=$2
R="$src/tests/data/related"
source "$src/tests/cli/lib/expect.sh"

# The command center: the account's name beside each task, ordered by it, and
# a note for the contacts without an account.
expect 0 "$docket" run "$R/related.yaml" --data "$R/data" --as-of 2026-11-22
contains "$out" "No champion"
contains "$out" "T4  Core          Alice"
contains "$out" "note: 2 rows of contacts have no parent (1 with a key not in accounts, 1 with no key)"
contains "$out" "note: 1 row of tasks has no parent (1 with a key not in accounts)"

# JSON: keys in the list's order, parent fields in the rows, relations.
expect 0 "$docket" run "$R/related.yaml" --data "$R/data" --as-of 2026-11-22 --format json
/usr/bin/python3 - "$out" <<'PY' || fail "run json"
import json, sys
d = json.load(open(sys.argv[1]))
l = {x["id"]: x for x in d["lists"]}
assert l["no_champion"]["keys"] == ["A1"], l["no_champion"]
assert l["no_champion"]["diagnostics"]["orphan_rows"] == 2
assert l["open_tasks"]["keys"] == ["T4", "T2", "T1", "T5"]  # T5's account is missing: NULL sorts last.
assert [r["account.name"] for r in l["open_tasks"]["rows"]] == ["Core", "Beta", "Acme", None]
rel = {r["table"]: r for r in d["relations"]}
assert rel["contacts"] == {"table": "contacts", "parent": "accounts", "null_keys": 1, "missing_keys": 1}, rel
assert rel["tasks"] == {"table": "tasks", "parent": "accounts", "null_keys": 0, "missing_keys": 1}, rel
PY

# Owner scope: tasks by their own owner (T2 on Bob's account is Alice's).
expect 0 "$docket" run "$R/related.yaml" --data "$R/data" --as-of 2026-11-22 --owner Alice --format json
/usr/bin/python3 - "$out" <<'PY' || fail "run owner json"
import json, sys
d = json.load(open(sys.argv[1]))
l = {x["id"]: x for x in d["lists"]}
assert l["open_tasks"]["keys"] == ["T4", "T2"], l["open_tasks"]["keys"]
assert l["no_champion"]["keys"] == ["A1"]
PY

expect 0 "$docket" run "$R/related.yaml" --data "$R/data" --as-of 2026-11-22 --owner Bob --format json
/usr/bin/python3 - "$out" <<'PY' || fail "run owner Bob json"
import json, sys
d = json.load(open(sys.argv[1]))
l = {x["id"]: x for x in d["lists"]}
assert l["open_tasks"]["keys"] == ["T1", "T5"], l["open_tasks"]["keys"]  # T5 is Bob's by its own owner.
assert l["no_champion"]["keys"] == [], l["no_champion"]["keys"]
PY

# explain: an aggregate term and a parent field for one row.
expect 0 "$docket" explain "$R/related.yaml" --data "$R/data" --as-of 2026-11-22 --list no_champion --key A2
contains "$out" "accounts A2 is NOT in list 'no_champion'"
contains "$out" "FALSE  NOT exists(contacts WHERE is_champion)"
expect 0 "$docket" explain "$R/related.yaml" --data "$R/data" --as-of 2026-11-22 --list open_tasks --key T1
contains "$out" "account.name  Acme"

# eval with the rulebook's tables as the schema.
expect 0 "$docket" eval --data "$R/data" --schema "$R/related.yaml" --table accounts \
  --where "count(contacts) >= 1 AND NOT exists(contacts WHERE is_champion)" --format ids --as-of 2026-11-22
[[ "$(cat "$out")" == "A1" ]] || fail "eval ids"
expect 0 "$docket" eval --data "$R/data" --schema "$R/related.yaml" --table contacts \
  --where "account.csm = 'Alice'" --format ids --as-of 2026-11-22
[[ "$(tr '\n' ' ' < "$out")" == "C1 C2 " ]] || fail "eval parent field"

# Mistakes: one line each, exit 2, the position in the file or the rule.
expect 2 "$docket" eval --data "$R/data" --schema "$R/related.yaml" --table accounts \
  --where "exists(contactz WHERE is_champion)" --as-of 2026-11-22
contains "$err" "1:8: unknown table 'contactz' — did you mean 'contacts'?"
sed 's/show: \[id, account.name, owner\]/show: [id, account.nme, owner]/' "$R/related.yaml" > "$out.yaml"
expect 2 "$docket" check "$out.yaml"
contains "$err" "unknown parent field 'account.nme' in 'show' of list 'open_tasks'"
contains "$err" ".yaml:17:16:"
rm -f "$out.yaml"

finish
