"""history= in Python: prev(), changed(), pct_change(), is_new() and trigger
lists agree with `docket run|eval --history DIR` on the same CSV history;
CtaStore.sync(history=...); every bad input gets one clear error."""

import datetime as dt
import json
import subprocess
import warnings

import numpy as np
import pandas as pd
import pytest

import docket
from conftest import CLI, needs_engine

pytestmark = needs_engine

AS_OF = "2026-11-22"
DATES = ["2026-10-18", "2026-11-01", "2026-11-08", "2026-11-15", AS_OF]
FUTURE = "2026-11-29"

BOOK = """\
docket: 1
name: history parity
time_zone: UTC
params:
  drop: -0.3
lists:
  - id: usage_dropped
    table: accounts
    when: pct_change(usage) < $drop
    show: [name, usage]
  - id: usage_dropped_month
    table: accounts
    when: pct_change(usage, INTERVAL 30 DAY) < $drop
  - id: handovers
    table: accounts
    when: changed(csm) AND prev(csm) IS NOT NULL
    show: [name, csm]
  - id: new_accounts
    table: accounts
    when: is_new()
  - id: new_this_month
    table: accounts
    when: is_new(INTERVAL 1 MONTH)
  - id: health_declined
    table: accounts
    when: health <= prev(health, INTERVAL 2 WEEK) - 10
  - id: segment_changed
    table: accounts
    when: changed(segment, INTERVAL 3 WEEK)
  - id: feature_entered
    table: accounts
    when: feature_used
    trigger: entered
  - id: went_quiet
    table: accounts
    when: usage > 0
    trigger: exited
    show: [name, usage]
  - id: big_entered_since
    table: accounts
    when: usage >= 50
    trigger: entered
    since: INTERVAL 14 DAY
ctas:
  - id: usage_drop
    list: usage_dropped
    type: risk
    reason: Usage dropped
    owner: owner
  - id: handover
    list: handovers
    type: transition
    reason: Owner changed
    owner: owner
    close: manual
tables:
  accounts:
    key: id
    owner: csm
    columns: {id: string, name: string, csm: string, segment: string, usage: int, health: float,
              feature_used: bool}
"""


def _snapshots() -> dict:
    """Deterministic weekly snapshots with drift: usage, owner changes, NULLs,
    zeros (pct_change's division by zero), new and deleted keys."""
    rng = np.random.default_rng(7)
    ids = [f"A{i:03d}" for i in range(60)]
    csms = ["alice", "bob", "carol", "dana", None]
    segs = ["smb", "mid", "ent"]
    out = {}
    usage = rng.integers(0, 100, len(ids)).astype(float)
    health = rng.uniform(20, 90, len(ids))
    csm = [csms[i % 5] for i in range(len(ids))]
    seg = [segs[i % 3] for i in range(len(ids))]
    feature = rng.random(len(ids)) < 0.2
    for n, d in enumerate(DATES + [FUTURE]):
        usage = np.where(rng.random(len(ids)) < 0.3, np.round(usage * rng.uniform(0.2, 1.6, len(ids))), usage)
        usage = np.where(rng.random(len(ids)) < 0.05, 0, usage)
        health = health + rng.normal(0, 8, len(ids))
        feature = feature | (rng.random(len(ids)) < 0.1)
        for i in range(len(ids)):
            if rng.random() < 0.1:
                csm[i] = csms[rng.integers(0, 5)]
            if rng.random() < 0.05:
                seg[i] = segs[rng.integers(0, 3)]
        present = [i for i in range(len(ids)) if (i + n) % 11 != 0 and i < 45 + 3 * n]
        u = [None if (i * 7 + n) % 13 == 0 else int(usage[i]) for i in present]
        out[d] = pd.DataFrame({
            "id": [ids[i] for i in present],
            "name": [f"Account {ids[i]}" for i in present],
            "csm": [csm[i] for i in present],
            "segment": [seg[i] for i in present],
            "usage": pd.array(u, dtype="Int64"),
            "health": [None if (i + n) % 17 == 0 else round(float(health[i]), 2) for i in present],
            "feature_used": [bool(feature[i]) for i in present],
        })
    return out


@pytest.fixture(scope="module")
def hist(tmp_path_factory):
    """(directory of DIR/YYYY-MM-DD/accounts.csv, {date: frame}, rulebook path)."""
    root = tmp_path_factory.mktemp("history")
    frames = _snapshots()
    for d, df in frames.items():
        (root / "hist" / d).mkdir(parents=True)
        df.to_csv(root / "hist" / d / "accounts.csv", index=False)
    book = root / "book.yaml"
    book.write_text(BOOK)
    return root / "hist", frames, book


def _read(path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"usage": "Int64"})


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, timeout=60)


def _history(frames, keys=str):
    return {keys(d): {"accounts": f} for d, f in frames.items() if d != AS_OF}


def _cli_lists(hist_dir, book) -> dict:
    p = _cli("run", book, "--history", hist_dir, "--as-of", AS_OF, "--format", "json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    return {l["id"]: (l["count"], sorted(l["keys"])) for l in out["lists"]}


def test_rulebook_run_agrees_with_the_cli(hist):
    hist_dir, frames, book_path = hist
    want = _cli_lists(hist_dir, book_path)
    book = docket.Rulebook.load(book_path)
    read = {d: _read(hist_dir / d / "accounts.csv") for d in frames}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", docket.DocketWarning)
        res = book.run({"accounts": read[AS_OF]}, as_of=AS_OF, history=_history(read), max_rows=None)
    got = {l.id: (l.count, sorted(l.keys)) for l in res.lists}
    assert got == want
    # The lists are not trivially empty: the data exercises each function.
    assert all(count > 0 for count, _ in want.values()), want
    # An exited list shows its rows with their last values, indexed by key.
    quiet = res["went_quiet"]
    assert list(quiet.columns) == ["name", "usage"]
    assert (quiet["usage"].fillna(1) > 0).all()


def test_keys_as_dates_timestamps_and_strings_agree(hist):
    _, frames, book_path = hist
    book = docket.Rulebook.load(book_path)
    current = {"accounts": frames[AS_OF]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", docket.DocketWarning)
        by_str = book.run(current, as_of=AS_OF, history=_history(frames)).counts()
        by_date = book.run(current, as_of=AS_OF, history=_history(frames, dt.date.fromisoformat)).counts()
        by_ts = book.run(current, as_of=AS_OF, history=_history(frames, pd.Timestamp)).counts()
        by_dt = book.run(current, as_of=AS_OF,
                         history=_history(frames, lambda d: dt.datetime.fromisoformat(d))).counts()
    pd.testing.assert_frame_equal(by_str, by_date)
    pd.testing.assert_frame_equal(by_str, by_ts)
    pd.testing.assert_frame_equal(by_str, by_dt)


def test_snapshots_after_as_of_are_never_read(hist):
    _, frames, book_path = hist
    book = docket.Rulebook.load(book_path)
    current = {"accounts": frames[AS_OF]}
    history = _history(frames)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", docket.DocketWarning)
        base = book.run(current, as_of=AS_OF, history=history).counts()
        # A future snapshot, even one that would not even prepare, changes nothing.
        broken = pd.DataFrame({"id": ["X", "X"], "usage": ["a", "b"]})
        more = dict(history, **{FUTURE: {"accounts": frames[FUTURE]}, "2027-01-01": {"accounts": broken}})
        pd.testing.assert_frame_equal(base, book.run(current, as_of=AS_OF, history=more).counts())


PREDICATES = [
    "changed(csm)",
    "changed(csm, INTERVAL 2 WEEK)",
    "prev(csm) IS NULL",
    "pct_change(usage) < -0.3",
    "pct_change(usage, INTERVAL 1 MONTH) > 0.5",
    "is_new()",
    "is_new(INTERVAL 5 WEEK)",
    "prev(usage, INTERVAL 9 DAY) > usage",
    "prev(health) - health > 5",
]


@pytest.mark.parametrize("expr", PREDICATES)
def test_predicates_agree_with_docket_eval(hist, expr):
    hist_dir, frames, _ = hist
    p = _cli("eval", "--history", hist_dir, "--as-of", AS_OF, "--table", "accounts", "--format", "ids",
             "--where", expr)
    assert p.returncode == 0, p.stderr
    want = sorted(p.stdout.split())
    read = {d: _read(hist_dir / d / "accounts.csv") for d in frames}
    current = docket.Table(read[AS_OF], name="accounts", key="id", owner="csm")
    history = {d: f for d, f in read.items() if d != AS_OF}  # One-table predicate: DataFrames as values.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", docket.DocketWarning)
        mask = docket.evaluate(current, expr, as_of=AS_OF, history=history)
        pred = docket.compile(expr, current)
        n = pred.count(current, as_of=AS_OF, history=history)
        rows = docket.query(current, expr, as_of=AS_OF, history=history)
    got = sorted(read[AS_OF]["id"][mask.fillna(False).to_numpy()])
    assert got == want
    assert n == len(want) == len(rows)
    assert sorted(rows["id"]) == want


def test_notes_say_why_a_value_is_null(hist):
    _, frames, _ = hist
    current = docket.Table(frames[AS_OF], name="accounts", key="id")
    with pytest.warns(docket.DocketWarning, match="no history was given"):
        s = docket.evaluate(current, "changed(csm)", as_of=AS_OF)
    assert s.isna().all() and s.attrs["notes"]
    # A column missing from an older snapshot: NULL, and a note naming the snapshot.
    old = frames["2026-11-15"].drop(columns=["csm"])
    with pytest.warns(docket.DocketWarning, match="2026-11-15"):
        s = docket.evaluate(current, "prev(csm) IS NULL", as_of=AS_OF, history={"2026-11-15": old})
    assert s.all() and "column 'csm' is not in table 'accounts' of snapshot 2026-11-15" in s.attrs["notes"][0]
    # A table missing from an older snapshot is allowed too (NULL with a note) ...
    book = docket.Rulebook.from_yaml(BOOK)
    plain = [l["id"] for l in book.lists if l["trigger"] is None]
    with pytest.warns(docket.DocketWarning, match="2026-11-15"):
        res = book.run({"accounts": frames[AS_OF]}, as_of=AS_OF, history={"2026-11-15": {}}, lists=plain)
    assert res.list("handovers").count == 0 and res.notes
    # ... except for a trigger list, which must evaluate its rule there (as the CLI does).
    with pytest.raises(docket.DataError, match="trigger lists on snapshot 2026-11-15"):
        book.run({"accounts": frames[AS_OF]}, as_of=AS_OF, history={"2026-11-15": {}}, lists=["feature_entered"])


def test_trigger_lists_in_python(hist):
    _, frames, book_path = hist
    book = docket.Rulebook.load(book_path)
    prev_df, now_df = frames["2026-11-15"], frames[AS_OF]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", docket.DocketWarning)
        res = book.run({"accounts": now_df}, as_of=AS_OF, history={"2026-11-15": {"accounts": prev_df}},
                       lists=["feature_entered", "went_quiet"], max_rows=None)
    was = set(prev_df.id[prev_df.feature_used])
    entered = set(now_df.id[now_df.feature_used]) - was
    assert set(res.list("feature_entered").keys) == entered
    active_then = set(prev_df.id[prev_df.usage.fillna(0) > 0])
    active_now = set(now_df.id[now_df.usage.fillna(0) > 0])
    assert set(res.list("went_quiet").keys) == active_then - active_now
    gone = set(prev_df.id) - set(now_df.id)
    assert gone & (active_then - active_now), "the data should have a key gone from the current snapshot"
    with pytest.raises(ValueError, match="trigger: exited"):
        res.list("went_quiet").mask()
    # Without history: empty, and a note says why.
    with pytest.warns(docket.DocketWarning, match="no history was given"):
        res = book.run({"accounts": now_df}, as_of=AS_OF, lists=["feature_entered"])
    assert res.list("feature_entered").count == 0 and res.notes


def test_cta_sync_with_history(hist, tmp_path):
    _, frames, book_path = hist
    book = docket.Rulebook.load(book_path)
    store = docket.CtaStore(tmp_path / "ctas.db")
    history = _history(frames)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", docket.DocketWarning)
        first = store.sync(book, {"accounts": frames[AS_OF]}, as_of=AS_OF, history=history)
        again = store.sync(book, {"accounts": frames[AS_OF]}, as_of=AS_OF, history=history)
        res = book.run({"accounts": frames[AS_OF]}, as_of=AS_OF, history=history, max_rows=None)
    assert first["created"] == res.list("usage_dropped").count + res.list("handovers").count > 0
    assert set(first["ctas"].query("rule == 'handover'").key) == set(res.list("handovers").keys)
    assert (again["created"], again["updated"], again["closed"]) == (0, 0, 0)
    assert again["unchanged"] == first["created"]


# ---------------------------------------------------------------- bad input --

def _run(history, frames=None):
    frames = frames or _snapshots()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", docket.DocketWarning)
        return docket.Rulebook.from_yaml(BOOK).run({"accounts": frames[AS_OF]}, as_of=AS_OF, history=history)


def test_bad_keys_name_the_key(hist):
    _, frames, _ = hist
    old = {"accounts": frames["2026-11-15"]}
    with pytest.raises(ValueError, match=r"history key '2026-11-31' is not a date written YYYY-MM-DD"):
        _run({"2026-11-31": old}, frames)
    with pytest.raises(ValueError, match=r"history key '15/11/2026' is not a date"):
        _run({"15/11/2026": old}, frames)
    with pytest.raises(TypeError, match=r"history key 20261115 \(int\) is not a date"):
        _run({20261115: old}, frames)
    with pytest.raises(ValueError, match="is not at midnight"):
        _run({pd.Timestamp("2026-11-15 09:30"): old}, frames)
    with pytest.raises(ValueError, match="NaT"):
        _run({pd.NaT: old}, frames)
    with pytest.raises(ValueError, match=r"two snapshots dated 2026-11-15: keys '2026-11-15' and "
                                         r"datetime.date\(2026, 11, 15\)"):
        _run({"2026-11-15": old, dt.date(2026, 11, 15): old}, frames)


def test_bad_values(hist):
    _, frames, _ = hist
    with pytest.raises(TypeError, match=r"history= must be a dict \{date: tables\}"):
        _run([("2026-11-15", frames["2026-11-15"])], frames)
    with pytest.raises(TypeError, match=r"history= must be a dict"):
        _run(frames["2026-11-15"], frames)
    with pytest.raises(TypeError, match=r"history\[2026-11-15\] must be \{table name: DataFrame\}"):
        _run({"2026-11-15": 42}, frames)
    with pytest.raises(docket.DataError, match=r"history snapshot 2026-11-15: table 'acounts' is not in the "
                                               r"current data \(it has: accounts\)"):
        _run({"2026-11-15": {"acounts": frames["2026-11-15"]}}, frames)
    try:
        _run({"2026-11-15": {"acounts": frames["2026-11-15"]}}, frames)
    except docket.DataError as e:
        assert e.hint == "did you mean 'accounts'?"
    # A Rulebook's tables are a dict: one DataFrame alone is for one-table predicates.
    two = docket.Snapshot({"accounts": docket.Table(frames[AS_OF], name="accounts", key="id"),
                           "other": pd.DataFrame({"x": [1]})})
    with pytest.raises(TypeError, match="is one table, but the current data has 2 tables"):
        docket.evaluate(two, "changed(csm)", table="accounts", as_of=AS_OF,
                        history={"2026-11-15": frames["2026-11-15"]})


def test_duplicate_key_in_an_older_snapshot_names_date_and_label(hist):
    _, frames, _ = hist
    old = frames["2026-11-15"].copy()
    old.index = [f"r{i}" for i in range(len(old))]
    old.loc["r5", "id"] = old.loc["r2", "id"]
    with pytest.raises(docket.DataError, match=r"history snapshot 2026-11-15: duplicate key .* at row 5 "
                                               r"\(index 'r5'\) \(first on row 2 \(index 'r2'\)\)"):
        _run({"2026-11-15": {"accounts": old}}, frames)
    current = docket.Table(frames[AS_OF], name="accounts", key="id")
    with pytest.raises(docket.DataError, match=r"history snapshot 2026-11-15: NULL key .* at row 3 \(index 'r3'\)"):
        nulls = old.copy()
        nulls.loc["r5", "id"] = "unique"
        nulls.loc["r3", "id"] = None
        docket.evaluate(current, "changed(csm)", as_of=AS_OF, history={"2026-11-15": nulls})


def test_a_value_that_cannot_convert_names_the_snapshot(hist):
    _, frames, _ = hist
    old = frames["2026-11-15"].astype({"usage": object})
    old.loc[3, "usage"] = "lots"
    with pytest.raises(docket.DataError, match=r"history snapshot 2026-11-15: .*usage"):
        _run({"2026-11-15": {"accounts": old}}, frames)


def test_dask_still_refuses_history():
    pytest.importorskip("dask")
    import docket.dask as ddk

    assert issubclass(ddk.NotSupportedError, NotImplementedError)


def test_the_docs_example_runs():
    import pathlib
    import re

    text = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "python.md").read_text()
    section = text[text.index("## History"):]
    section = section[: section.index("\n## ", 3)]
    code = re.findall(r"```python\n(.*?)```", section, re.S)
    assert code, "docs/python.md: the History section has no python example"
    namespace = {}
    exec(compile("\n".join(code), "docs/python.md", "exec"), namespace)
    assert namespace["res"].notes == []


def test_prepared_older_tables_are_used_as_they_are(hist):
    _, frames, _ = hist
    current = docket.Table(frames[AS_OF], name="accounts", key="id", owner="csm")
    older = {d: docket.Table(f, name="accounts", key="id", owner="csm") for d, f in frames.items() if d < AS_OF}
    raw = {d: f for d, f in frames.items() if d < AS_OF}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", docket.DocketWarning)
        a = docket.evaluate(current, "changed(csm) OR pct_change(usage) < -0.2", as_of=AS_OF, history=older)
        b = docket.evaluate(current, "changed(csm) OR pct_change(usage) < -0.2", as_of=AS_OF, history=raw)
    pd.testing.assert_series_equal(a, b)
    from docket._history import _older_table
    assert _older_table(dt.date(2026, 11, 15), "accounts", older["2026-11-15"], current) is older["2026-11-15"]


def test_related_records_in_history():
    schema = docket.Schema.from_yaml("""
tables:
  accounts: {key: id, owner: csm, columns: {id: string, csm: string}}
  contacts: {key: id, parent: {table: accounts, via: account_id, as: account},
             columns: {id: string, account_id: string, role: string}}
""")
    now = {"accounts": pd.DataFrame({"id": ["A1", "A2"], "csm": ["ann", "bo"]}),
           "contacts": pd.DataFrame({"id": ["C1", "C2", "C3"], "account_id": ["A1", "A2", "A2"],
                                     "role": ["x", "y", "z"]})}
    old = {"accounts": pd.DataFrame({"id": ["A1", "A2"], "csm": ["ann", "cy"]}),
           "contacts": pd.DataFrame({"id": ["C1", "C2"], "account_id": ["A1", "A2"], "role": ["x", "q"]})}
    snap = schema.prepare(now)
    p = docket.compile("prev(account.csm) <> account.csm", schema, table="contacts")
    # prev(account.csm): the csm of the account the contact belonged to then; C3 is new.
    assert p.evaluate(snap, as_of=AS_OF, history={"2026-11-15": old}).tolist() == [False, True, pd.NA]
    assert docket.evaluate(snap, "changed(role) OR is_new()", table="contacts", as_of=AS_OF,
                           history={"2026-11-15": old}).tolist() == [False, True, True]
    # The parent table missing from an older snapshot: NULL, with a note naming it.
    with pytest.warns(docket.DocketWarning, match="table 'accounts' is not in snapshot 2026-11-15"):
        s = p.evaluate(snap, as_of=AS_OF, history={"2026-11-15": {"contacts": old["contacts"]}})
    assert s.isna().all()
