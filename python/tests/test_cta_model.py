"""CtaStore.sync against a reference model written in plain Python: random
accounts over many days (owners come and go, scores and events change),
random claims and closes between syncs; after every sync the store's CTAs
and the sync's counts must equal the model's."""

import datetime as dt
import random

import pandas as pd
import pytest

import docket
from conftest import needs_engine

pytestmark = needs_engine

BOOK = """docket: 1
name: model
tables:
  accounts:
    key: id
    owner: csm
    columns: {id: string, csm: string, score: int, event_at: date}
lists:
  - {id: low, table: accounts, when: "score < 3", limit: 2}
  - {id: ev, table: accounts, when: "event_at IS NOT NULL AND days_since(event_at) <= 3"}
on_owner_change: move_open
ctas:
  - {id: low, list: low, type: risk, reason: Low, name: "Low {score}", owner: {owner_or: pool}, cooldown: 4 days}
  - {id: ev, list: ev, type: activity, reason: Event, owner: owner, identity: [event_at], close: manual}
"""
OWNERS = [None, "Ann", "Bob", "Cy"]


class Model:
    def __init__(self):
        self.ctas = []  # dicts: id rule key ident owner queue status name closed row_owner
        self.latest = None

    def live(self):
        return {c["ident"]: c for c in self.ctas if c["status"] != "closed"}

    def sync(self, rows, day):
        counts = dict(created=0, updated=0, closed=0, unchanged=0)
        live = self.live()
        owner_of = {r["id"]: r["csm"] for r in rows}
        changed = set()
        for c in live.values():
            if c["key"] not in owner_of:
                continue
            now = owner_of[c["key"]]
            if now == c["row_owner"]:
                continue
            c["row_owner"] = now
            owner, queue = (now, None) if (now is not None or c["rule"] == "ev") else (None, "pool")
            if (owner, queue) != (c["owner"], c["queue"]):  # move_open
                changed.add(c["id"])
                c["owner"], c["queue"] = owner, queue
        triggered = set()
        for rule in ("low", "ev"):
            for r in rows:
                if rule == "low" and not (r["score"] is not None and r["score"] < 3):
                    continue
                if rule == "ev" and not (r["event_at"] is not None and (day - r["event_at"]).days <= 3):
                    continue
                ident = (r["id"], rule) if rule == "low" else (r["id"], rule, r["event_at"])
                name = f"Low {r['score']}" if rule == "low" else f"Event: {r['id']}"
                triggered.add(ident)
                if ident in live:
                    c = live[ident]
                    if c["name"] != name:
                        c["name"] = name
                        changed.add(c["id"])
                    continue
                if rule == "low":
                    closed = [c["closed"] for c in self.ctas if c["ident"] == ident and c["status"] == "closed"]
                    if closed and day < max(closed) + dt.timedelta(days=4):
                        continue
                owner, queue = (r["csm"], None) if (r["csm"] is not None or rule == "ev") else (None, "pool")
                self.ctas.append(dict(id=len(self.ctas) + 1, rule=rule, key=r["id"], ident=ident, owner=owner,
                                      queue=queue, status="open", name=name, closed=None, row_owner=r["csm"]))
                counts["created"] += 1
        for ident, c in live.items():
            if c["rule"] == "low" and ident not in triggered:
                c["status"], c["closed"] = "closed", day
                counts["closed"] += 1
                changed.discard(c["id"])
        for ident, c in live.items():
            if c["status"] == "closed":
                continue
            if c["id"] in changed:
                counts["updated"] += 1
            elif ident in triggered:
                counts["unchanged"] += 1
        self.latest = day
        counts["open"] = sum(1 for c in self.ctas if c["status"] == "open")
        return counts

    def rows(self):
        return sorted((c["id"], c["key"], c["rule"], c["owner"], c["queue"], c["status"], c["name"], c["closed"])
                      for c in self.ctas)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sync_matches_the_model(tmp_path, seed):
    rnd = random.Random(seed)
    book = docket.Rulebook.from_yaml(BOOK, "model.yaml")
    store = docket.CtaStore(tmp_path / "m.db")
    model = Model()
    accounts = [dict(id=f"A{i:02d}", csm=rnd.choice(OWNERS), score=rnd.randint(0, 5), event_at=None)
                for i in range(25)]
    day = dt.date(2026, 11, 1)
    for step in range(25):
        day += dt.timedelta(days=rnd.choice([0, 1, 1, 2]))
        for a in accounts:
            if rnd.random() < 0.2:
                a["csm"] = rnd.choice(OWNERS)
            if rnd.random() < 0.3:
                a["score"] = rnd.choice([None, 0, 1, 2, 3, 4, 5])
            if rnd.random() < 0.15:
                a["event_at"] = day - dt.timedelta(days=rnd.randint(0, 5))
        present = [dict(a) for a in accounts if rnd.random() < 0.95]  # Some rows vanish for a day.
        frame = pd.DataFrame({
            "id": [a["id"] for a in present],
            "csm": pd.array([a["csm"] for a in present], dtype="string"),
            "score": pd.array([a["score"] for a in present], dtype="Int64"),
            "event_at": pd.to_datetime(pd.Series([a["event_at"] for a in present], dtype="object")),
        })
        report = store.sync(book, {"accounts": frame}, as_of=day)
        expected = model.sync(present, day)
        got = {k: report[k] for k in ("created", "updated", "closed", "unchanged", "open")}
        assert got == expected, (seed, step, day)
        listed = store.list(status="all")
        rows = sorted(
            (int(r.id), r.key, r.rule, None if pd.isna(r.owner) else r.owner, None if pd.isna(r.queue) else r.queue,
             r.status, r.name, None if pd.isna(r.closed) else r.closed)
            for r in listed.itertuples())
        assert rows == model.rows(), (seed, step, day)
        # People work the queue between syncs.
        for c in model.ctas:
            if c["status"] != "closed" and c["queue"] is not None and rnd.random() < 0.2:
                store.claim(c["id"], "Pool Pat")
                c["owner"], c["queue"] = "Pool Pat", None
            elif c["status"] == "open" and rnd.random() < 0.1:
                store.close(c["id"], "done", by="test")
                c["status"], c["closed"] = "closed", model.latest
