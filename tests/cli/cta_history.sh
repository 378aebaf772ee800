#!/usr/bin/env bash
# `docket cta sync --history DIR`: trigger lists and prev()/changed() in CTA
# rules, a sync a week later with history, a transition CTA fired by an owner
# change seen in history, idempotency, and bad history folders.
#
#   bash tests/cli/cta_history.sh <path-to-docket> <source-dir>
set -uo pipefail

docket=$1
src=$2
source "$src/tests/cli/lib/expect.sh"
tmp_root=${TMPDIR:-/tmp}
[[ -d /dev/shm && -w /dev/shm ]] && tmp_root=/dev/shm
work=$(mktemp -d "$tmp_root/docket_cta_history.XXXXXX")
trap 'rm -rf "$work" "$out" "$err"' EXIT
py=/usr/bin/python3

book=$work/book.yaml
cat > "$book" <<'YAML'
docket: 1
name: CTA history test
time_zone: UTC
on_owner_change: move_open
lists:
  - id: usage_dropped
    table: accounts
    when: pct_change(usage) < -0.3
    show: [name, usage]
  - id: handovers
    table: accounts
    when: changed(csm) AND prev(csm) IS NOT NULL
    show: [name, csm, prev(csm)]
  - id: feature_first_used
    table: accounts
    when: feature_used
    trigger: entered
  - id: went_quiet
    table: accounts
    when: usage > 0
    trigger: exited
ctas:
  - id: usage_drop
    list: usage_dropped
    type: risk
    reason: Usage dropped
    name: "Usage down at {name} ({usage})"
    owner: owner
    close: when_exits
  - id: handover
    list: handovers
    type: transition
    reason: Owner changed
    name: "Take over {name} from {prev(csm)}"
    owner: owner
    close: manual
  - id: handover_out          # The outgoing CSM: the owner in the previous snapshot.
    list: handovers
    type: transition
    reason: Owner changed (outgoing)
    name: "Hand {name} over to {csm}"
    owner: {column: prev(csm)}
    close: manual
  - id: feature
    list: feature_first_used
    type: opportunity
    reason: First use of the key feature
    name: "Expand {name}"
    owner: {owner_or: pool}
    close: manual
  - id: quiet
    list: went_quiet
    type: risk
    reason: Went quiet
    name: "{name} went quiet"
    owner: pool
    close: manual
tables:
  accounts:
    key: id
    owner: csm
    columns: {id: string, name: string, csm: string, usage: int, feature_used: bool}
YAML

h=$work/hist
mkdir -p "$h/2026-11-08" "$h/2026-11-15" "$h/2026-11-22" "$h/2026-11-29"
printf 'id,name,csm,usage,feature_used\nA1,Acme,alice,100,false\nA2,Beta,bob,50,false\nA3,Core,carol,10,false\n' \
  > "$h/2026-11-08/accounts.csv"
# Week 2: Acme's usage halves; Core starts using the key feature.
printf 'id,name,csm,usage,feature_used\nA1,Acme,alice,50,false\nA2,Beta,bob,50,false\nA3,Core,carol,10,true\n' \
  > "$h/2026-11-15/accounts.csv"
# Week 3: Beta moves from bob to dana; Acme recovers; Core goes quiet; Beta starts the feature.
printf 'id,name,csm,usage,feature_used\nA1,Acme,alice,80,false\nA2,Beta,dana,50,true\nA3,Core,carol,0,true\n' \
  > "$h/2026-11-22/accounts.csv"
# After every as_of used below: never read.
printf 'id,name,csm,usage,feature_used\nA1,Acme,zed,1,true\n' > "$h/2026-11-29/accounts.csv"

count_of() {  # count_of FILE KEY: a count from sync --format json
  "$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}
ctas_of() {  # ctas_of FILE: "rule key change" lines of the CTAs a sync changed
  "$py" -c '
import json, sys
for c in json.load(open(sys.argv[1]))["ctas"]:
    print(c["rule"], c["key"], c["change"], c["owner"] or "queue:" + c["queue"])' "$1" | sort
}

s=$work/s.db
# ------------------------------------------------- week 2 with history --
expect 0 "$docket" cta sync "$book" --history "$h" --store "$s" --as-of 2026-11-15 --format json
cp "$out" "$work/w2.json"
[[ $(ctas_of "$work/w2.json") == $'feature A3 created carol\nusage_drop A1 created alice' ]] ||
  fail "week 2: $(ctas_of "$work/w2.json")"
# Same data and as_of again: nothing changes.
before=$("$py" -c 'import sqlite3,sys; print(list(sqlite3.connect(sys.argv[1]).execute("SELECT * FROM ctas")))' "$s")
expect 0 "$docket" cta sync "$book" --history "$h" --store "$s" --as-of 2026-11-15 --format json
[[ $(count_of "$out" created) == 0 && $(count_of "$out" updated) == 0 && $(count_of "$out" closed) == 0 ]] ||
  fail "a second sync of week 2 changed something: $(cat "$out")"
[[ $(count_of "$out" unchanged) == 2 ]] || fail "second sync: unchanged $(count_of "$out" unchanged), want 2"
after=$("$py" -c 'import sqlite3,sys; print(list(sqlite3.connect(sys.argv[1]).execute("SELECT * FROM ctas")))' "$s")
[[ "$before" == "$after" ]] || fail "a second sync of week 2 rewrote the store"

# ------------------------------------------- a week later, with history --
expect 0 "$docket" cta sync "$book" --history "$h" --store "$s" --as-of 2026-11-22 --format json
cp "$out" "$work/w3.json"
# Acme recovered (closed by itself); Beta changed hands (transition CTA for the
# incoming CSM, seen only in history) and started using the feature; Core went
# quiet (trigger: exited) and its usage dropped to 0; Core's feature CTA is
# manual and stays open.
[[ $(ctas_of "$work/w3.json") == $'feature A2 created dana\nhandover A2 created dana\nhandover_out A2 created bob\nquiet A3 created queue:pool\nusage_drop A1 closed alice\nusage_drop A3 created carol' ]] ||
  fail "week 3: $(ctas_of "$work/w3.json")"
[[ $(count_of "$work/w3.json" open) == 6 ]] || fail "week 3: open $(count_of "$work/w3.json" open), want 6"
expect 0 "$docket" cta list --store "$s" --owner dana --format csv
contains "$out" "Take over Beta from bob"
expect 0 "$docket" cta list --store "$s" --owner bob --format csv
contains "$out" "Hand Beta over to dana"
# ... and again: idempotent with history too.
expect 0 "$docket" cta sync "$book" --history "$h" --store "$s" --as-of 2026-11-22 --format json
[[ $(count_of "$out" created) == 0 && $(count_of "$out" updated) == 0 && $(count_of "$out" closed) == 0 ]] ||
  fail "a second sync of week 3 changed something: $(cat "$out")"

# --data with --history reads the current snapshot from --data (same as run).
expect 0 "$docket" cta sync "$book" --data "$h/2026-11-22" --history "$h" --store "$work/d.db" --as-of 2026-11-22 --format json
[[ $(count_of "$out" created) == 5 ]] || fail "--data + --history: created $(count_of "$out" created), want 5"

# ------------------------------- owner changes: the store's record decides --
# A CTA created in week 2 follows Acme's owner when it changes, and the move
# happens once even though history keeps showing the change.
o=$work/owner
mkdir -p "$o"
cp -r "$h/2026-11-08" "$h/2026-11-15" "$o/"
mkdir -p "$o/2026-11-22"
printf 'id,name,csm,usage,feature_used\nA1,Acme,erin,30,false\nA2,Beta,bob,50,false\nA3,Core,carol,10,true\n' \
  > "$o/2026-11-22/accounts.csv"
expect 0 "$docket" cta sync "$book" --history "$o" --store "$work/o.db" --as-of 2026-11-15
expect 0 "$docket" cta sync "$book" --history "$o" --store "$work/o.db" --as-of 2026-11-22 --format json
cp "$out" "$work/o3.json"
[[ $(ctas_of "$work/o3.json") == $'handover A1 created erin\nhandover_out A1 created alice\nusage_drop A1 updated erin' ]] ||
  fail "owner change: $(ctas_of "$work/o3.json")"
expect 0 "$docket" cta show 1 --store "$work/o.db"
contains "$out" "reassigned by docket"
contains "$out" "alice → erin"
expect 0 "$docket" cta sync "$book" --history "$o" --store "$work/o.db" --as-of 2026-11-22 --format json
[[ $(count_of "$out" updated) == 0 ]] || fail "the owner change was applied twice: $(cat "$out")"

# ------------------------------------------------------- without history --
expect 0 "$docket" cta sync "$book" --data "$h/2026-11-15" --store "$work/n.db" --as-of 2026-11-15 --format json
contains "$err" "no history was given"
[[ $(count_of "$out" created) == 0 ]] || fail "without history a history rule raised CTAs: $(cat "$out")"

# ------------------------------------------------------- bad history input --
expect 2 "$docket" cta sync "$book" --history "$h" --store "$work/b.db" --as-of 2026-11-16
contains "$err" "no snapshot folder"
[[ -e "$work/b.db" ]] && fail "a refused sync created a store"
expect 2 "$docket" cta sync "$book" --store "$work/b.db" --as-of 2026-11-16
contains "$err" "--data is required"
expect 1 "$docket" cta sync "$book" --data "$h/2026-11-22" --history "$work/nope" --store "$work/b.db" --as-of 2026-11-22
contains "$err" "the history directory does not exist"
bad=$work/bad
cp -r "$h" "$bad"
mkdir "$bad/latest"
expect 1 "$docket" cta sync "$book" --history "$bad" --store "$work/b.db" --as-of 2026-11-22
contains "$err" "history folder 'latest' is not named by a date"
rmdir "$bad/latest"
# A duplicate key in an older snapshot: file and line.
printf 'id,name,csm,usage,feature_used\nA1,Acme,alice,50,false\nA1,Acme,alice,50,false\n' > "$bad/2026-11-15/accounts.csv"
expect 1 "$docket" cta sync "$book" --history "$bad" --store "$work/b.db" --as-of 2026-11-22
contains "$err" "2026-11-15/accounts.csv:3"
contains "$err" "duplicate"
# A value of the wrong type in an older snapshot: file, line and column.
printf 'id,name,csm,usage,feature_used\nA1,Acme,alice,lots,false\n' > "$bad/2026-11-15/accounts.csv"
expect 1 "$docket" cta sync "$book" --history "$bad" --store "$work/b.db" --as-of 2026-11-22
contains "$err" "2026-11-15/accounts.csv:2:"
[[ -e "$work/b.db" ]] && fail "a sync with bad history created a store"
finish
