"""A run's results reach Python column-wise (issue 13): a list's positions as
a numpy array, its keys written straight into one Python list, its frame
gathered only for the columns asked for; and `_docket.Program`, the
eight-predicates-in-one-pass baseline of benchmarks/python/bench_workload.py."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import docket
from docket import _docket

from conftest import needs_engine

pytestmark = needs_engine

N = 1000
AS_OF = "2026-11-22"


def _book(order: bool) -> docket.Rulebook:
    extra = "    order_by: [score DESC]\n    limit: 40\n" if order else ""
    return docket.Rulebook.from_yaml(
        "docket: 1\nname: t\nlists:\n"
        "  - id: odd\n    table: a\n    when: \"x % 2 = 1\"\n    show: [x, score]\n" + extra)


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    x = np.arange(N)
    return pd.DataFrame({"x": x, "score": rng.permutation(N).astype(np.float64)},
                        index=pd.Index([f"r{i % 97}" for i in range(N)], name="label"))  # Labels repeat.


KEYS = {
    "object str": (lambda: np.array([f"acct-{i:04d}-Zürich-✓" for i in range(N)], dtype=object), str),
    "categorical": (lambda: pd.Categorical([f"k{(i * 7919) % 100003}" for i in range(N)],
                                            categories=["unused"] + [f"k{(i * 7919) % 100003}" for i in range(N)]),
                    str),
    "string dtype": (lambda: pd.array([f"s{i}" for i in range(N)], dtype="string"), str),
    "int64": (lambda: np.arange(N, dtype=np.int64) * -37 + 5, str),
    "date": (lambda: np.array([dt.date(2020, 1, 1) + dt.timedelta(days=i) for i in range(N)], dtype=object),
             lambda d: d.isoformat()),
}


@pytest.mark.parametrize("order", [False, True], ids=["every match (bitmap)", "order_by + limit (rows)"])
@pytest.mark.parametrize("kind", list(KEYS))
def test_keys_are_the_key_columns_text(kind, order):
    make, text = KEYS[kind]
    df = _frame()
    df["id"] = make()
    table = docket.Table(df, name="a", key="id")
    res = _book(order).run({"a": table}, as_of=AS_OF)
    l = res.list("odd")
    rows = l.rows
    assert len(rows) == (40 if order else N // 2)
    expected = [text(v) for v in df["id"].iloc[rows]]
    assert l.keys == expected
    assert all(type(k) is str for k in l.keys)
    assert res.to_dict()["lists"][0]["keys"] == expected


def test_keys_without_a_key_are_row_positions():
    df = _frame()
    for order in (False, True):
        res = _book(order).run({"a": docket.Table(df, name="a")}, as_of=AS_OF)
        l = res.list("odd")
        assert l.keys == [str(int(r)) for r in l.rows]


def test_keys_respect_max_rows_and_are_a_new_list_each_time():
    df = _frame()
    df["id"] = [f"a{i}" for i in range(N)]
    table = docket.Table(df, name="a", key="id")
    book = _book(False)
    assert book.run({"a": table}, as_of=AS_OF, max_rows=0).list("odd").keys == []
    three = book.run({"a": table}, as_of=AS_OF, max_rows=3).list("odd")
    assert three.keys == ["a1", "a3", "a5"] and three.count == N // 2
    k = three.keys
    k.append("mine")
    assert three.keys == ["a1", "a3", "a5"]


def test_frame_matches_pandas_row_selection():
    df = _frame()
    df["when"] = pd.date_range("2026-01-01", periods=N, freq="h", tz="Europe/Paris")
    df["n"] = pd.array([None if i % 5 == 0 else i for i in range(N)], dtype="Int64")
    df["cat"] = pd.Categorical([["red", "green", None][i % 3] for i in range(N)])
    df["flag"] = np.arange(N) % 3 == 0
    df["name"] = [f"n{i}" if i % 4 else None for i in range(N)]
    table = docket.Table(df, name="a")
    for order in (False, True):
        l = _book(order).run({"a": table}, as_of=AS_OF).list("odd")
        rows = l.rows
        for cols in (None, ["when", "n"], ["cat", "flag", "name", "x"], ["score", "x", "score"]):
            want = df.iloc[rows][list(l.show) if cols is None else cols]
            pd.testing.assert_frame_equal(l.frame(cols), want)


def _program_table():
    df = _frame()
    df["d"] = [dt.date(2026, 1, 1) + dt.timedelta(days=i % 400) for i in range(N)]
    return docket.Table(df, name="a", types={"d": "date"})


RULES = ["x % 2 = 1", "score > 500 AND days_since(d) < 100", "d IS NULL OR x < 10"]


def test_program_counts_are_each_predicates_count():
    table = _program_table()
    snap = docket.Snapshot({"a": table})
    program = _docket.Program.compile(snap._native.schema(), "a", RULES)
    assert program.num_predicates == 3
    want = [docket.compile(r, table).count(table, as_of=AS_OF) for r in RULES]
    for threads in (1, 2):
        assert program.counts(snap._native, (2026, 11, 22), threads) == want
    assert program._evaluate_seconds(snap._native, (2026, 11, 22), 1, 1) > 0


def test_program_compile_errors_point_at_the_rule():
    snap = docket.Snapshot({"a": _program_table()})
    with pytest.raises(docket.CompileError, match="scor"):
        _docket.Program.compile(snap._native.schema(), "a", ["x > 1", "scor > 3"])
