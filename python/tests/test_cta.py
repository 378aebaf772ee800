"""docket.CtaStore: sync from DataFrames (the same CTAs as `docket cta sync`),
work the queue, and the store's refusals."""

import datetime as dt
import json
import subprocess
import threading

import pandas as pd
import pytest

import docket
from conftest import CLI, DATA, RULEBOOKS, needs_engine

pytestmark = needs_engine
BOOK = RULEBOOKS / "pooled_csm.yaml"
HISTORY = DATA.parent / "history"


def read_history() -> dict:
    """examples/history as ``history=``: {date: {"accounts": DataFrame}}, dates parsed by pandas."""
    dates = ["renewal_date", "key_feature_first_used", "churned_at"]
    return {d.name: {"accounts": pd.read_csv(d / "accounts.csv", parse_dates=dates, keep_default_na=False,
                                             na_values=[""], float_precision="round_trip")}
            for d in sorted(HISTORY.iterdir()) if d.is_dir()}


@pytest.fixture()
def book():
    return docket.Rulebook.load(BOOK)


def test_sync_from_dataframes_matches_the_cli(tmp_path, book, accounts_df):
    # The usage and transition CTAs read the past: the weekly snapshots of examples/history.
    history = read_history()
    store = docket.CtaStore(tmp_path / "py.db")
    report = store.sync(book, {"accounts": accounts_df}, as_of="2026-11-22", history=history)
    assert report["as_of"] == dt.date(2026, 11, 22)
    assert report["created"] == report["open"] == len(report["ctas"]) > 0
    assert set(report["ctas"]["change"]) == {"created"}
    reasons = set(report["ctas"]["reason"])
    assert {"Usage habits decreased", "Transition (incoming CSM)", "Transition (outgoing CSM)"} <= reasons, reasons

    cli = subprocess.run([str(CLI), "cta", "sync", str(BOOK), "--data", str(DATA), "--history", str(HISTORY),
                          "--store", str(tmp_path / "cli.db"), "--as-of", "2026-11-22", "--format", "json"],
                         capture_output=True, text=True, check=True)
    expected = json.loads(cli.stdout)
    assert report["created"] == expected["created"]
    got = report["ctas"].sort_values("id")
    want = pd.DataFrame(expected["ctas"]).sort_values("id")
    assert list(got["key"]) == list(want["key"])
    assert list(got["name"]) == list(want["name"])
    assert list(got["queue"].fillna("")) == list(want["queue"].fillna(""))
    assert list(got["owner"].fillna("")) == list(want["owner"].fillna(""))

    again = store.sync(book, {"accounts": accounts_df}, as_of="2026-11-22", history=history)
    assert (again["created"], again["updated"], again["closed"]) == (0, 0, 0)
    assert again["unchanged"] == report["open"]
    assert again["ctas"].empty


def test_work_the_queue(tmp_path, book, accounts_df):
    history = read_history()
    store = docket.CtaStore(tmp_path / "q.db")
    store.sync(book, {"accounts": accounts_df}, as_of="2026-11-22", history=history)
    queue = store.list(queue="pool")
    assert list(queue.columns[:13]) == ["id", "type", "reason", "name", "key", "owner", "queue", "status", "priority",
                                        "created", "due", "closed", "outcome"]
    assert (queue["queue"] == "pool").all() and queue["owner"].isna().all()
    first, second = int(queue.id.iloc[0]), int(queue.id.iloc[1])
    assert store.claim(first, "Dana Iyer")["owner"] == "Dana Iyer"
    with pytest.raises(docket.DataError, match="already claimed by Dana Iyer"):
        store.claim(first, "Sam Okafor")
    store.snooze(second, until="2026-12-15", reason="customer on holiday", by="Sam Okafor")
    assert list(store.list(status="snoozed").id) == [second]
    shown = store.show(second)
    assert [e["event"] for e in shown["events"]] == ["created", "snoozed"]
    assert shown["events"][1]["by"] == "Sam Okafor" and shown["events"][1]["detail"] == "customer on holiday"
    assert store.list(owner="Dana Iyer").id.tolist() == [first]
    assert store.reassign(first, "Sam Okafor", by="Dana Iyer")["owner"] == "Sam Okafor"
    assert store.close(first, "back on track", by="Sam Okafor")["status"] == "closed"
    assert store.latest_sync() == dt.date(2026, 11, 22)

    later = store.sync(book, {"accounts": accounts_df}, as_of="2026-11-29", history=history)
    assert later["closed"] > 0
    # A week on, "30 days before" is a later weekly snapshot: the usage CTAs' names move, nothing is duplicated.
    assert set(later["ctas"]["change"]) <= {"created", "updated", "closed"}
    live = store.list(status="all")
    live = live[live.status != "closed"]
    plain = live[live.reason.isin(["Post go-live check-in", "Usage habits decreased"])]  # identity: key + type + reason
    assert len(plain) > 0 and not plain.duplicated(["key", "type", "reason"]).any()
    assert second not in set(later["ctas"].id)
    assert list(store.list(status="snoozed").id) == [second]
    with pytest.raises(docket.DataError, match="older than the store's latest sync"):
        store.sync(book, {"accounts": accounts_df}, as_of="2026-11-28", history=history)


def test_concurrent_claims_from_threads(tmp_path, book, accounts_df):
    path = tmp_path / "c.db"
    docket.CtaStore(path).sync(book, {"accounts": accounts_df}, as_of="2026-11-22")
    target = int(docket.CtaStore(path).list(queue="pool").id.iloc[0])
    results = []

    def claim(name):
        try:
            docket.CtaStore(path).claim(target, name)
            results.append(("won", name))
        except docket.DataError as e:
            results.append(("lost", str(e)))

    threads = [threading.Thread(target=claim, args=(f"csm{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [name for kind, name in results if kind == "won"]
    assert len(winners) == 1
    assert all(f"already claimed by {winners[0]}" in msg for kind, msg in results if kind == "lost")


def test_refusals(tmp_path, book, accounts_df):
    text = tmp_path / "notes.txt"
    text.write_text("not a store\n")
    with pytest.raises(docket.DataError, match="not a docket CTA store"):
        docket.CtaStore(text)
    assert text.read_text() == "not a store\n"
    with pytest.raises(docket.Error, match="no CTA store here"):
        docket.CtaStore(tmp_path / "missing.db", create=False)
    store = docket.CtaStore(tmp_path / "s.db")
    with pytest.raises(ValueError, match="history key 'yesterday' is not a date"):
        store.sync(book, {"accounts": accounts_df}, as_of="2026-11-22", history={"yesterday": {}})
    with pytest.raises(docket.DataError, match="max_ctas_per_sync"):
        store.sync(book, {"accounts": accounts_df}, as_of="2026-11-22", max_ctas_per_sync=5)
    assert store.list(status="all").empty
    assert store.latest_sync() is None
