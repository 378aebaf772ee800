"""docket.evaluate / query / count / compile over DataFrames."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import docket
from conftest import needs_engine

pytestmark = needs_engine

AS_OF = "2026-11-22"


@pytest.fixture
def df():
    return pd.DataFrame(
        {
            "name": ["a", "b", "c", "d", "e"],
            "arr": [150000.0, 50000.0, np.nan, 200000.0, 120000.0],
            "pulse": pd.Categorical(["red", "green", None, "yellow", "red"], categories=["green", "yellow", "red", "gray"]),
            "pulse_changed_at": pd.to_datetime(["2026-01-01", "2026-11-01", None, "2026-08-01", "2026-11-20"]),
            "seats": pd.array([10, None, 3, 4, 5], dtype="Int64"),
        },
        index=pd.Index([10, 20, 30, 40, 50], name="row"),
    )


def test_evaluate_returns_boolean_series_aligned_with_index(df):
    s = docket.evaluate(df, "arr > 100000", as_of=AS_OF)
    assert str(s.dtype) == "boolean"
    assert list(s.index) == [10, 20, 30, 40, 50]
    assert s.tolist() == [True, False, pd.NA, True, True]
    assert s.attrs["count"] == 3 and s.attrs["as_of"] == dt.date(2026, 11, 22)


def test_kleene_logic_and_nulls(df):
    s = docket.evaluate(df, "arr > 100000 OR pulse = 'red'", as_of=AS_OF)
    assert s.tolist() == [True, False, pd.NA, True, True]
    s = docket.evaluate(df, "pulse IS NULL", as_of=AS_OF)
    assert s.tolist() == [False, False, True, False, False]


def test_dates_relative_to_as_of(df):
    s = docket.evaluate(df, "pulse IS NULL OR days_since(pulse_changed_at) > 90", as_of=AS_OF)
    # pulse_changed_at is a timestamp column here: it meets dates as its civil date in UTC.
    assert s.tolist() == [True, False, True, True, False]
    for as_of in ("2026-11-22", dt.date(2026, 11, 22), pd.Timestamp("2026-11-22 18:00"), np.datetime64("2026-11-22")):
        assert docket.evaluate(df, "days_since(pulse_changed_at) > 90", as_of=as_of).tolist() == \
            [True, False, pd.NA, True, False]


def test_query_returns_matching_rows(df):
    rows = docket.query(df, "arr > 100000 AND pulse IN ('red', 'yellow')", as_of=AS_OF)
    assert list(rows.index) == [10, 40, 50]
    assert list(rows.columns) == list(df.columns)
    assert rows["name"].tolist() == ["a", "d", "e"]


def test_count(df):
    assert docket.count(df, "seats >= 4", as_of=AS_OF) == 3


def test_params(df):
    assert docket.count(df, "arr > $min", params={"min": 140000}) == 2
    p = docket.compile("arr > $min", df, params={"min": 100000})
    assert p.count(df, as_of=AS_OF) == 3
    assert p.count(df, as_of=AS_OF, params={"min": 180000}) == 1


def test_compile_once_evaluate_many(df):
    t = docket.Table(df, name="accounts")
    pred = docket.compile("days_since(pulse_changed_at) > $days", t, params={"days": 90})
    assert pred.table == "accounts" and "days_since" in pred.expression
    a = pred.evaluate(as_of=AS_OF)
    b = pred.evaluate(t, as_of="2027-03-01")
    assert a.tolist() == [True, False, pd.NA, True, False]
    assert b.tolist() == [True, True, pd.NA, True, True]
    assert pred.query(df, as_of=AS_OF)["name"].tolist() == ["a", "d"]
    assert isinstance(pred.plan, str)


def test_dict_of_numpy_arrays():
    data = {"x": np.arange(10, dtype=np.int64), "y": np.linspace(0, 1, 10)}
    s = docket.evaluate(data, "x % 3 = 0 AND y < 0.9")
    assert s.tolist() == [True, False, False, True, False, False, True, False, False, False]
    assert docket.query(data, "x > 7")["x"].tolist() == [8, 9]


def test_time_zone_decides_the_civil_date():
    df = pd.DataFrame({"ts": pd.to_datetime(["2026-11-22 03:00"]).tz_localize("UTC")})
    assert docket.evaluate(df, "date(ts) = DATE '2026-11-22'", as_of=AS_OF).tolist() == [True]
    assert docket.evaluate(df, "date(ts) = DATE '2026-11-21'", as_of=AS_OF,
                           time_zone="America/New_York").tolist() == [True]
    with pytest.raises(ValueError, match="Mars/Olympus"):
        docket.evaluate(df, "ts IS NULL", as_of=AS_OF, time_zone="Mars/Olympus")


def test_bad_as_of():
    df = pd.DataFrame({"x": [1]})
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        docket.evaluate(df, "x = 1", as_of="22/11/2026")
    with pytest.raises(TypeError):
        docket.evaluate(df, "x = 1", as_of=20261122)


def test_empty_frame():
    df = pd.DataFrame({"x": np.zeros(0, np.int64), "s": pd.Series([], dtype=object)})
    s = docket.evaluate(df, "x > 1 AND s = 'a'", as_of=AS_OF)
    assert len(s) == 0 and str(s.dtype) == "boolean"
    assert len(docket.query(df, "x > 1", as_of=AS_OF)) == 0


def test_owner_scope():
    df = pd.DataFrame({"id": ["a", "b", "c"], "csm": ["x", "y", "x"], "v": [1, 2, 3]})
    t = docket.Table(df, name="accounts", key="id", owner="csm")
    assert docket.evaluate(t, "v > 0", as_of=AS_OF, owner="x").tolist() == [True, False, True]


def test_every_dtype_path_in_rules():
    df = pd.DataFrame({
        "i": np.array([1, 2, 3], dtype=np.int64),
        "f": [1.5, np.nan, 3.5],
        "b": [True, False, True],
        "ni": pd.Series([1, None, 3], dtype="Int64"),
        "nf": pd.Series([None, 2.0, 3.0], dtype="Float64"),
        "nb": pd.Series([True, None, False], dtype="boolean"),
        "s": pd.Series(["x", None, "z"], dtype="string"),
        "c": pd.Categorical(["x", "y", None], categories=["x", "y", "unused"]),
        "o": ["x", "y", None],
        "d": [dt.date(2026, 1, 1), None, dt.date(2026, 12, 31)],
        "t": pd.to_datetime(["2026-01-01", None, "2026-12-31 23:00"]),
        "tz": pd.to_datetime(["2026-01-01", None, "2026-12-31 23:00"]).tz_localize("America/New_York"),
        "d64": np.array(["2026-01-01", "NaT", "2026-12-31"], dtype="datetime64[D]"),
        "ms": np.array(["2026-01-01", "NaT", "2026-12-31"], dtype="datetime64[ms]"),
    })
    cases = {
        "i > 1": [False, True, True],
        "f > 2": [False, pd.NA, True],
        "b": [True, False, True],
        "ni > 1": [False, pd.NA, True],
        "nf > 2.5": [pd.NA, False, True],
        "nb": [True, pd.NA, False],
        "s = 'x'": [True, pd.NA, False],
        "c = 'y'": [False, True, pd.NA],
        "c = 'unused'": [False, False, pd.NA],
        "o IN ('x', 'y')": [True, True, pd.NA],
        "d < DATE '2026-06-01'": [True, pd.NA, False],
        "t < TIMESTAMP '2026-06-01 00:00:00'": [True, pd.NA, False],
        "tz > TIMESTAMP '2026-01-01 04:00:00'": [True, pd.NA, True],
        "d64 = DATE '2026-12-31'": [False, pd.NA, True],
        "ms IS NULL": [False, True, False],
    }
    t = docket.Table(df)
    for expr, expected in cases.items():
        assert docket.evaluate(t, expr, as_of=AS_OF).tolist() == expected, expr


def test_mask_call_repr_and_html(df):
    t = docket.Table(df, name="accounts")
    p = docket.compile("arr > 100000", t)
    assert p.mask(as_of=AS_OF).tolist() == [True, False, False, True, True]
    assert p(df, as_of=AS_OF).tolist() == [True, False, pd.NA, True, True]
    assert "accounts" in repr(p) and "arr > 100000" in repr(p)
    assert "zero-copy" in repr(t) and "<table>" in t._repr_html_()
    assert t.column_info("arr")["zero_copy"]
    assert t.frame is df and list(t.index) == list(df.index) and t.nbytes > 0


def test_schema_compile_requires_table_name():
    schema = docket.Schema.from_yaml("tables:\n  a: {columns: {x: int}}\n  b: {columns: {y: int}}\n")
    with pytest.raises(TypeError, match="table="):
        docket.compile("x > 1", schema)
    p = docket.compile("x > 1", schema, table="a")
    assert p.table == "a"
    assert p.evaluate({"a": pd.DataFrame({"x": [1, 2]}), "b": pd.DataFrame({"y": [0]})}).tolist() == [False, True]
    assert "a" in repr(schema)
