#!/usr/bin/env bash
# `docket cta …`: the interface fixed by the CTA issue (commands, flags, JSON
# keys, statuses, exit codes), concurrent claims, refused stores, and a sync
# killed with SIGKILL at random moments leaving the store as it was.
#
#   bash tests/cli/cta.sh <path-to-docket> <source-dir>
set -uo pipefail

docket=$1
src=$2
source "$src/tests/cli/lib/expect.sh"
book="$src/examples/rulebooks/pooled_csm.yaml"
data="$src/examples/data"
# The usage and transition lists read the past: every sync of the example
# rulebook gets its weekly snapshots.
hist="$src/examples/history"
# In memory when the machine has /dev/shm: the stores fsync on every commit,
# and what is tested here (transactions, locks, a killed process) does not
# depend on the disk.
tmp_root=${TMPDIR:-/tmp}
[[ -d /dev/shm && -w /dev/shm ]] && tmp_root=/dev/shm
work=$(mktemp -d "$tmp_root/docket_cta.XXXXXX")
trap 'rm -rf "$work" "$out" "$err"' EXIT
store="$work/ctas.db"
py=/usr/bin/python3

# The store's state: every row of every table, the wall-clock column left out
# (it differs between otherwise identical runs).
dump() {
  "$py" - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
for t in ("docket_meta", "ctas", "cta_tasks", "cta_events"):
    cols = [r[1] for r in db.execute(f"PRAGMA table_info({t})") if r[1] != "wall_time"]
    for row in db.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY 1, 2"):
        print(t, row)
PY
}

# ---------------------------------------------------------------- sync --
expect 0 "$docket" cta sync "$book" --data "$data" --history "$hist" --store "$store" --as-of 2026-11-22 --format json
cp "$out" "$work/day1.json"
"$py" - "$work/day1.json" <<'PY' || fail "sync json"
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["as_of", "created", "updated", "closed", "unchanged", "open", "ctas"], list(d)
assert d["as_of"] == "2026-11-22"
for k in ("created", "updated", "closed", "unchanged", "open"):
    assert type(d[k]) is int, (k, d[k])
assert d["created"] == len(d["ctas"]) == d["open"] > 0 and d["updated"] == d["closed"] == d["unchanged"] == 0, d
need = {"id", "type", "reason", "name", "key", "owner", "queue", "status", "priority", "created", "due", "closed", "outcome"}
for c in d["ctas"]:
    assert need <= set(c), set(c)
    assert c["status"] == "open" and c["closed"] is None and c["outcome"] is None
    assert (c["owner"] is None) != (c["queue"] is None) or (c["owner"] is None and c["queue"] is None)
kinds = {c["reason"] for c in d["ctas"] if c["queue"] == "pool" and c["type"] != "transition"}
assert kinds == {"Post go-live check-in", "NPS response", "Usage habits decreased", "Important event occurred"}, kinds
assert {c["type"] for c in d["ctas"]} >= {"transition"}
out = [c for c in d["ctas"] if c["reason"] == "Transition (outgoing CSM)"]
inc = [c for c in d["ctas"] if c["reason"] == "Transition (incoming CSM)"]
assert out and len(out) == len(inc) and all(c["owner"] or c["queue"] == "pool" for c in inc)
assert any(c["name"].endswith("over to (none)") for c in out)
assert len({c["id"] for c in d["ctas"]}) == len(d["ctas"])
PY
# The same day again changes nothing.
before=$(dump "$store")
expect 0 "$docket" cta sync "$book" --data "$data" --history "$hist" --store "$store" --as-of 2026-11-22 --format json
"$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["created"]==d["updated"]==d["closed"]==0 and d["unchanged"]==d["open"] and d["ctas"]==[], d' "$out" ||
  fail "second sync of the same day"
[[ "$(dump "$store")" == "$before" ]] || fail "the second sync of the same day changed the store"
expect 0 "$docket" cta sync "$book" --data "$data" --history "$hist" --store "$store" --as-of 2026-11-22
contains "$out" "0 created, 0 updated, 0 closed"

# ---------------------------------------------------------------- list --
expect 0 "$docket" cta list --store "$store" --queue pool --format json
pool_ids=$("$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d and all(c["queue"]=="pool" and c["owner"] is None and c["status"]=="open" for c in d); print(" ".join(str(c["id"]) for c in d))' "$out") ||
  fail "list --queue pool json"
read -r first second third _ <<< "$pool_ids"
expect 0 "$docket" cta list --store "$store" --format csv
[[ $(head -1 "$out") == id,type,reason,name,key,owner,queue,status,priority,created,due,closed,outcome* ]] || fail "csv header: $(head -1 "$out")"
expect 0 "$docket" cta list --store "$store" --queue pool
contains "$out" "queue:pool"
expect 2 "$docket" cta list --store "$store" --owner A --queue pool
expect 2 "$docket" cta list --store "$store" --status pending
expect 1 "$docket" cta list --store "$work/missing.db"
contains "$err" "no CTA store here"
[[ -e "$work/missing.db" ]] && fail "list created a store"

# ------------------------------------------------------ work the queue --
expect 0 "$docket" cta claim "$first" --owner "Dana Iyer" --store "$store"
contains "$out" "claimed by Dana Iyer"
expect 1 "$docket" cta claim "$first" --owner "Sam Okafor" --store "$store" --by "Sam Okafor"
contains "$err" "already claimed by Dana Iyer"
# Two people claim one CTA at once: exactly one wins, the other is told who.
for i in 1 2 3; do
  "$docket" cta claim "$second" --owner "P$i" --store "$store" > "$work/claim$i.out" 2> "$work/claim$i.err" &
done
wait
wins=0
for i in 1 2 3; do [[ -s "$work/claim$i.out" ]] && wins=$((wins + 1)) && winner="P$i"; done
[[ $wins == 1 ]] || fail "concurrent claims: $wins winners"
for i in 1 2 3; do
  [[ -s "$work/claim$i.err" ]] && { grep -qF "already claimed by $winner" "$work/claim$i.err" || fail "loser not told the winner: $(cat "$work/claim$i.err")"; }
done
expect 0 "$docket" cta snooze "$third" --until 2026-12-15 --reason "customer on holiday" --store "$store" --by "Dana Iyer"
contains "$out" "snoozed until 2026-12-15"
expect 2 "$docket" cta snooze "$third" --until 15/12/2026 --reason x --store "$store"
contains "$err" "is not a date"
expect 2 "$docket" cta claim abc --owner X --store "$store"
expect 1 "$docket" cta close 999999 --outcome done --store "$store"
contains "$err" "no CTA 999999"
expect 0 "$docket" cta show "$first" --store "$store" --format json
"$py" -c '
import json,sys
d=json.load(open(sys.argv[1]))
assert d["owner"]=="Dana Iyer" and d["queue"] is None, d
ev=[e["event"] for e in d["events"]]
assert ev==["created","claimed"], ev
assert d["events"][1]["by"]=="Dana Iyer" and d["events"][1]["from"]=="queue pool" and d["events"][1]["to"]=="Dana Iyer"
assert d["tasks"] and d["events"][0]["wall_time"].endswith("Z")' "$out" || fail "show json"
expect 0 "$docket" cta show "$third" --store "$store"
contains "$out" "snoozed until 2026-12-15"
contains "$out" "customer on holiday"

# ------------------------------------------------------- a week later --
expect 0 "$docket" cta sync "$book" --data "$data" --history "$hist" --store "$store" --as-of 2026-11-29 --format json
"$py" - "$out" "$first" "$third" <<'PY' || fail "sync a week later"
import json, sys
d = json.load(open(sys.argv[1]))
first, third = int(sys.argv[2]), int(sys.argv[3])
assert d["closed"] > 0 and d["created"] < 10, d
closed = {c["id"]: c for c in d["ctas"] if c["change"] == "closed"}
assert all(c["status"] == "closed" and c["outcome"] == "resolved" and c["closed"] == "2026-11-29" for c in closed.values())
assert third not in closed  # Snoozed: not touched.
PY
expect 0 "$docket" cta list --store "$store" --status snoozed --format json
"$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [c["id"] for c in d]==[int(sys.argv[2])], d' "$out" "$third" ||
  fail "the snoozed CTA is still snoozed"
expect 0 "$docket" cta list --store "$store" --status all --format json
"$py" -c '
import json,sys,collections
d=json.load(open(sys.argv[1]))
live=collections.Counter((c["key"],c["type"],c["reason"],c["name"] if c["type"]=="transition" or c["reason"] in ("NPS response","Important event occurred") else "") for c in d if c["status"]!="closed")
assert max(live.values())==1, [k for k,v in live.items() if v>1][:3]' "$out" || fail "a live CTA was duplicated"
# Going back in time is refused, and changes nothing.
before=$(dump "$store")
expect 1 "$docket" cta sync "$book" --data "$data" --history "$hist" --store "$store" --as-of 2026-11-28
contains "$err" "older than the store's latest sync (2026-11-29)"
[[ "$(dump "$store")" == "$before" ]] || fail "a refused sync changed the store"

# ------------------------------------------------------ refusals, usage --
echo "id,name" > "$work/notes.csv"
cp "$work/notes.csv" "$work/notes.orig"
expect 1 "$docket" cta sync "$book" --data "$data" --store "$work/notes.csv" --as-of 2026-11-22
contains "$err" "not a docket CTA store"
cmp -s "$work/notes.csv" "$work/notes.orig" || fail "a text file given as --store was changed"
"$py" -c 'import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); db.execute("CREATE TABLE x(a)"); db.commit()' "$work/other.db"
cp "$work/other.db" "$work/other.orig"
expect 1 "$docket" cta list --store "$work/other.db"
contains "$err" "not a docket CTA store"
cmp -s "$work/other.db" "$work/other.orig" || fail "another SQLite database was changed"
expect 2 "$docket" cta sync "$src/examples/rulebooks/csm_hub.yaml" --data "$data" --store "$work/h.db"
contains "$err" "has no 'ctas:' section"
[[ -e "$work/h.db" ]] && fail "a refused sync created a store"
sed 's/list: cta_nps_response$/list: cta_nps_respons/' "$book" > "$work/typo.yaml"
expect 2 "$docket" cta sync "$work/typo.yaml" --data "$data" --store "$work/h.db"
contains "$err" "typo.yaml:"
contains "$err" "did you mean 'cta_nps_response'?"
expect 2 "$docket" cta sync "$book" --data "$data" --store "$work/h.db" --as-of 2026-13-01

# ------------------------------------- examples/README.md's walkthrough --
w="$work/walk.db"
expect 0 "$docket" cta sync "$book" --data "$data" --history "$hist" --store "$w" --as-of 2026-11-22
contains "$out" "274 created, 0 updated, 0 closed, 0 unchanged; 274 open in the store"
expect 0 "$docket" cta claim 2 --owner "Dana Iyer" --store "$w"
expect 0 "$docket" cta claim 21 --owner "Sam Okafor" --store "$w"
expect 1 "$docket" cta claim 2 --owner "Sam Okafor" --store "$w"
contains "$err" "CTA 2 was already claimed by Dana Iyer"
expect 0 "$docket" cta snooze 21 --until 2026-12-15 --reason "customer on holiday" --store "$w" --by "Sam Okafor"
expect 0 "$docket" cta sync "$book" --data "$data" --history "$hist" --store "$w" --as-of 2026-11-29
contains "$out" "5 created, 37 updated, 11 closed, 199 unchanged; 267 open in the store"
contains "$out" "1 held by a snooze"
expect 0 "$docket" cta show 2 --store "$w"
contains "$out" "closed on 2026-11-29: resolved"
expect 0 "$docket" cta list --store "$w" --status snoozed
contains "$out" "21  snoozed until 2026-12-15"
# The usage and transition CTAs come from history: without it, none (and a note).
expect 0 "$docket" cta sync "$book" --data "$data" --store "$work/nohist.db" --as-of 2026-11-22 --format json
contains "$err" "no history was given"
"$py" -c '
import json,sys
d=json.load(open(sys.argv[1]))
reasons={c["reason"] for c in d["ctas"]}
assert d["created"]>0 and not reasons & {"Usage habits decreased","Transition (incoming CSM)","Transition (outgoing CSM)"}, reasons' "$out" ||
  fail "a sync without history raised usage or transition CTAs"

# ------------------------------------------------ kill -9 during a sync --
# A bigger snapshot so that a sync takes a while; the store holds day 1.
gen="$(dirname "$docket")/docket_gen"
if [[ -x "$gen" ]]; then
  "$gen" --accounts 20000 --tables accounts --out "$work/big" > /dev/null 2>&1 || fail "docket_gen"
  "$docket" cta sync "$book" --data "$work/big" --store "$work/base.db" --as-of 2026-11-15 > /dev/null || fail "base sync"
  base=$(dump "$work/base.db")
  # The uninterrupted result of the next sync, for kills that land after the commit.
  cp "$work/base.db" "$work/full.db"
  start=$(date +%s%N)
  "$docket" cta sync "$book" --data "$work/big" --store "$work/full.db" --as-of 2026-11-22 > /dev/null || fail "full sync"
  took_ms=$((($(date +%s%N) - start) / 1000000))
  full=$(dump "$work/full.db")
  [[ "$full" != "$base" ]] || fail "the killed sync would change nothing"
  interrupted=0
  for i in 1 2 3 4; do
    rm -f "$work/k.db" "$work/k.db-wal" "$work/k.db-shm"
    cp "$work/base.db" "$work/k.db"
    "$docket" cta sync "$book" --data "$work/big" --store "$work/k.db" --as-of 2026-11-22 > /dev/null 2>&1 &
    pid=$!
    sleep "$("$py" -c "import random; print(random.uniform(0.05, max(0.1, 0.8 * $took_ms / 1000.0)))")"
    kill -9 "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    state=$(dump "$work/k.db")
    if [[ "$state" == "$base" ]]; then
      interrupted=$((interrupted + 1))
    elif [[ "$state" != "$full" ]]; then
      fail "kill -9 of a sync (iteration $i) left a state that is neither before nor after it"
    fi
  done
  echo "kill -9: $interrupted of 4 syncs interrupted (sync took ${took_ms} ms)"
  # Two syncs of the same day at once: one waits for the other (busy
  # timeout); the second finds nothing to do; the store is as after one.
  cp "$work/base.db" "$work/two.db"
  "$docket" cta sync "$book" --data "$work/big" --store "$work/two.db" --as-of 2026-11-22 --format json > "$work/two1.json" 2> "$work/two1.err" &
  p1=$!
  "$docket" cta sync "$book" --data "$work/big" --store "$work/two.db" --as-of 2026-11-22 --format json > "$work/two2.json" 2> "$work/two2.err" &
  p2=$!
  wait "$p1" || fail "concurrent sync 1: $(cat "$work/two1.err")"
  wait "$p2" || fail "concurrent sync 2: $(cat "$work/two2.err")"
  "$py" -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); assert sorted([a["created"]+a["closed"]>0, b["created"]+b["closed"]>0])==[False,True], (a["created"],b["created"])' \
    "$work/two1.json" "$work/two2.json" || fail "two syncs at once both wrote"
  [[ "$(dump "$work/two.db")" == "$full" ]] || fail "two syncs at once left a different store than one"
else
  echo "skipping the kill -9 test: $gen not built"
fi

finish
