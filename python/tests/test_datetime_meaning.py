"""Issue 14, "one meaning per value": every date/time type Python has means the
same as a param as it does in a column (docs/python.md, "One meaning per value").

Each KIND below is one Python representation of a day: a date kind holds the
civil day, an instant kind holds the instant 00:00 UTC of that day (the aware
kinds spell that instant in their own zone).  The test enumerates every kind
as a column and every kind as a param, and checks, in three evaluation zones,
that ``c <op> $p`` is row for row what ``c <op> q`` is when the same value is
a column ``q`` of the param's kind.  NULLs: NaT / None in a column and as a
param.
"""

import datetime as dt
import warnings
from typing import Any, Callable, List, Optional

import numpy as np
import pandas as pd
import pytest

import docket
from conftest import needs_engine

pytestmark = needs_engine

AS_OF = "2026-11-22"
DAYS: List[Optional[str]] = ["2026-11-20", "2026-11-21", "2026-11-23", None]  # The column; None is NULL.
PARAM_DAY = "2026-11-21"
PLUS1 = dt.timezone(dt.timedelta(hours=1))


def _day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _midnight_utc(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz="UTC")


def _np(unit: str) -> Callable[[List[Optional[str]]], Any]:
    return lambda days: np.array([d if d else "NaT" for d in days], dtype=f"datetime64[{unit}]")


# kind -> (column from DAYS, scalar from one day, NULL scalar of the kind).
KINDS = {
    "date": (lambda days: pd.Series([_day(d) if d else None for d in days], dtype=object),
             _day, None),
    "datetime64[D]": (_np("D"), lambda d: np.datetime64(d, "D"), np.datetime64("NaT", "D")),
    "datetime64[h]": (_np("h"), lambda d: np.datetime64(d, "h"), np.datetime64("NaT", "h")),
    "datetime64[m]": (_np("m"), lambda d: np.datetime64(d, "m"), np.datetime64("NaT", "m")),
    "datetime64[s]": (_np("s"), lambda d: np.datetime64(d, "s"), np.datetime64("NaT", "s")),
    "datetime64[ms]": (_np("ms"), lambda d: np.datetime64(d, "ms"), np.datetime64("NaT", "ms")),
    "datetime64[us]": (_np("us"), lambda d: np.datetime64(d, "us"), np.datetime64("NaT", "us")),
    "datetime64[ns]": (_np("ns"), lambda d: np.datetime64(d, "ns"), np.datetime64("NaT", "ns")),
    "datetime (naive)": (lambda days: pd.Series([dt.datetime.fromisoformat(d) if d else None for d in days],
                                                dtype=object),
                         dt.datetime.fromisoformat, None),
    "datetime (+01:00)": (lambda days: pd.Series([_midnight_utc(d).astimezone(PLUS1).to_pydatetime() if d else None
                                                  for d in days], dtype=object),
                          lambda d: _midnight_utc(d).astimezone(PLUS1).to_pydatetime(), None),
    "Timestamp (naive)": (lambda days: pd.Series(pd.to_datetime(days)),
                          pd.Timestamp, pd.NaT),
    "Timestamp (UTC)": (lambda days: pd.Series(pd.to_datetime(days)).dt.tz_localize("UTC"),
                        _midnight_utc, pd.NaT),
    "Timestamp (Europe/Berlin)": (lambda days: pd.Series(pd.to_datetime(days)).dt.tz_localize("UTC")
                                  .dt.tz_convert("Europe/Berlin"),
                                  lambda d: _midnight_utc(d).tz_convert("Europe/Berlin"), pd.NaT),
    "Timestamp (America/New_York)": (lambda days: pd.Series(pd.to_datetime(days)).dt.tz_localize("UTC")
                                     .dt.tz_convert("America/New_York"),
                                     lambda d: _midnight_utc(d).tz_convert("America/New_York"), pd.NaT),
    "Timestamp objects (mixed zones)": (
        lambda days: pd.Series([_midnight_utc(d).tz_convert("Asia/Tokyo" if i % 2 else "America/Chicago")
                                if d else None for i, d in enumerate(days)], dtype=object),
        lambda d: _midnight_utc(d).tz_convert("Asia/Tokyo"), pd.NaT),
}
DATE_KINDS = {"date", "datetime64[D]"}
ZONES = ["UTC", "America/New_York", "Asia/Tokyo"]
OPS = [">", ">=", "=", "<>", "<"]


def _frame(col_kind: str, param_kind: str) -> dict:
    column, scalar, _ = KINDS[col_kind]
    q_column = KINDS[param_kind][0]
    return {"c": column(DAYS), "q": q_column([PARAM_DAY] * 3 + [None])}


def _rows(series: pd.Series) -> list:
    return [None if v is pd.NA else bool(v) for v in series]


@pytest.mark.parametrize("param_kind", list(KINDS))
@pytest.mark.parametrize("col_kind", list(KINDS))
def test_param_means_what_the_column_means(col_kind, param_kind):
    data = docket.Table(_frame(col_kind, param_kind))
    p = KINDS[param_kind][1](PARAM_DAY)
    for zone in ZONES:
        for op in OPS:
            as_param = docket.evaluate(data, f"c {op} $p", params={"p": p}, as_of=AS_OF, time_zone=zone)
            as_column = docket.evaluate(data, f"c {op} q", as_of=AS_OF, time_zone=zone)
            assert _rows(as_param)[:3] == _rows(as_column)[:3], (zone, op)
            assert _rows(as_param)[3] is None  # The NULL row.


@pytest.mark.parametrize("param_kind", list(KINDS))
@pytest.mark.parametrize("col_kind", list(KINDS))
def test_every_pair_agrees_in_utc(col_kind, param_kind):
    # In UTC every kind is the same day: 2026-11-21 (00:00 UTC for instants).  One row is after
    # it, two are at or after it, one equals it and one is NULL, whatever the two kinds.
    data = docket.Table(_frame(col_kind, param_kind))
    p = KINDS[param_kind][1](PARAM_DAY)
    got = [docket.count(data, f"c {op} $p", params={"p": p}, as_of=AS_OF, time_zone="UTC")
           for op in (">", ">=", "=", "<")]
    assert got == [1, 2, 1, 1]
    assert docket.count(data, "c IS NULL", as_of=AS_OF, time_zone="UTC") == 1
    assert docket.count(data, "year($p) = 2026 AND month($p) = 11", params={"p": p}, as_of=AS_OF,
                        time_zone="UTC") == 4


@pytest.mark.parametrize("kind", list(KINDS))
def test_types_of_columns_and_params(kind):
    # The docket type each kind becomes: dates for date kinds, timestamps for every other one.
    t = docket.Table({"c": KINDS[kind][0](DAYS)})
    want = "date" if kind in DATE_KINDS else "timestamp"
    assert t.types["c"].split("[")[0] == want
    pred = docket.compile("$p IS NOT NULL AND c = $p", t, params={"p": KINDS[kind][1](PARAM_DAY)})
    assert pred.count(t, as_of=AS_OF, time_zone="UTC") == 1


@pytest.mark.parametrize("kind", list(KINDS))
def test_null_params(kind):
    t = docket.Table({"c": KINDS[kind][0](DAYS)})
    null = KINDS[kind][2]
    if null is not None:
        # NaT is a NULL of its kind's type, even at compile time.
        s = docket.evaluate(t, "c > $p", params={"p": null}, as_of=AS_OF, time_zone="UTC")
        assert s.isna().all()
        assert docket.count(t, "$p IS NULL", params={"p": null}, as_of=AS_OF) == 4
    # None (and NaT) when evaluating a predicate compiled with a value: a NULL of that type.
    pred = docket.compile("c > $p", t, params={"p": KINDS[kind][1](PARAM_DAY)})
    for none in (None, pd.NaT, pd.NA):
        assert pred.evaluate(t, params={"p": none}, as_of=AS_OF, time_zone="UTC").isna().all()
    # None at compile time has no type: an error that says so (it used to become a bool).
    with pytest.raises(TypeError, match=r"param 'p' is None at compile time, so it has no type"):
        docket.compile("c > $p", t, params={"p": None})


def test_strings_are_strings_as_params_and_columns():
    data = docket.Table({"s": pd.Series(DAYS, dtype=object), "d": KINDS["date"][0](DAYS)})
    assert docket.count(data, "s = $p", params={"p": PARAM_DAY}) == 1
    assert docket.count(data, "s > $p", params={"p": PARAM_DAY}) == 1  # Text order.
    # A str param does not become a date (a literal in the rule does): the error says where and what.
    with pytest.raises(docket.CompileError) as e:
        docket.compile("d > $p", data, params={"p": PARAM_DAY})
    assert "cannot compare date with string" in str(e.value) and e.value.column == 1
    assert docket.count(data, f"d > '{PARAM_DAY}'", as_of=AS_OF) == 1


# -- tz-aware columns: the instant is kept, dates are taken in the evaluation zone --

BERLIN = pd.DataFrame({"t": pd.to_datetime(["2026-11-21 23:30", "2026-11-22 00:30", "2026-11-22 12:00"])
                       .tz_localize("Europe/Berlin")})


def test_aware_column_keeps_its_instants():
    # 2026-11-22 00:30 Berlin is 2026-11-21 23:30 UTC: instant comparisons never depend on a zone.
    for zone in (None, "UTC", "Europe/Berlin", "America/New_York"):
        assert docket.count(BERLIN, "t >= TIMESTAMP '2026-11-21T23:00:00Z'", as_of=AS_OF, time_zone=zone) == 2
        assert docket.count(BERLIN, "t >= $p", params={"p": pd.Timestamp("2026-11-22 00:00", tz="Europe/Berlin")},
                            as_of=AS_OF, time_zone=zone) == 2


def test_aware_column_dates_in_the_evaluation_zone():
    today = dt.date(2026, 11, 22)
    for zone in ("Europe/Berlin", "UTC", "America/New_York"):
        want = list(BERLIN.t.dt.tz_convert(zone).dt.date == today)
        for rule in ("date(t) = today", "days_since(t) = 0", "t = DATE '2026-11-22'"):
            got = docket.evaluate(BERLIN, rule, as_of=AS_OF, time_zone=zone)
            assert list(got) == want, (zone, rule)
    # In the column's own zone, docket's dates are pandas' .dt.date.
    got = docket.evaluate(BERLIN, "date(t) = today", as_of=AS_OF, time_zone="Europe/Berlin")
    assert list(got) == list(BERLIN.t.dt.date == today) == [False, True, True]


def test_aware_column_without_time_zone_warns():
    with pytest.warns(docket.DocketWarning, match=r"column 't' is in Europe/Berlin, but this rule takes its dates "
                                                  r"in UTC.*pass time_zone='Europe/Berlin'"):
        s = docket.evaluate(BERLIN, "date(t) = today", as_of=AS_OF)
    assert list(s) == [False, False, True]  # UTC dates, as the warning says.
    assert any("Europe/Berlin" in w for w in s.attrs["warnings"])
    # Every way a rule takes a civil date or time of a timestamp (plan ops ts_to_date, day_start,
    # civil_to_ts) warns.
    for rule in ("days_since(t) < 1", "year(t) = 2026", "t > today", "t > TIMESTAMP '2026-11-22 00:00'"):
        with pytest.warns(docket.DocketWarning, match=r"column 't' is in Europe/Berlin"):
            docket.count(BERLIN, rule, as_of=AS_OF)
    with warnings.catch_warnings():
        warnings.simplefilter("error", docket.DocketWarning)
        # No warning when the zone is given, nor when the rule takes no dates of timestamps.
        docket.count(BERLIN, "date(t) = today", as_of=AS_OF, time_zone="Europe/Berlin")
        docket.count(BERLIN, "t > TIMESTAMP '2026-11-22T00:00:00Z'", as_of=AS_OF)
        docket.count(BERLIN.assign(t=BERLIN.t.dt.tz_convert("UTC")), "date(t) = today", as_of=AS_OF)
