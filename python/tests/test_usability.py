"""Issue 14, Python side: no silent wrong answers.  One test per case; each
asserts that the message says where and what."""

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

import docket
from conftest import RULEBOOKS, DATA, needs_engine

pytestmark = needs_engine

AS_OF = "2026-11-22"


# -- one meaning per value: every Python date/time type as a param means what it means in a column --

DAY = dt.date(2026, 11, 21)
DATE_PARAMS = [
    dt.date(2026, 11, 21),
    dt.datetime(2026, 11, 21),
    dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc),
    pd.Timestamp("2026-11-21"),
    pd.Timestamp("2026-11-21", tz="UTC"),
    pd.Timestamp("2026-11-20 19:00", tz="America/New_York"),  # The same instant as 2026-11-21 00:00 UTC.
    np.datetime64("2026-11-21", "D"),
    np.datetime64("2026-11-21T00", "h"),
    np.datetime64("2026-11-21T00:00", "m"),
    np.datetime64("2026-11-21T00:00:00", "s"),
    np.datetime64("2026-11-21T00:00:00.000", "ms"),
    np.datetime64("2026-11-21T00:00:00.000000", "us"),
    np.datetime64("2026-11-21T00:00:00.000000000", "ns"),
]


@pytest.fixture(scope="module")
def dated():
    days = pd.to_datetime(["2026-11-20", "2026-11-21", "2026-11-23"])
    return pd.DataFrame({"id": [1, 2, 3], "d": days.date, "t": days, "tz": days.tz_localize("UTC")})


@pytest.mark.parametrize("p", DATE_PARAMS, ids=lambda p: f"{type(p).__name__}:{p!r}"[:60])
@pytest.mark.parametrize("col", ["d", "t", "tz"])
def test_date_params_mean_what_columns_mean(dated, p, col):
    # Each value is the start of 2026-11-21 (UTC): exactly one row (2026-11-23) is after it, and
    # the param equals the column's value on row 2 under the same comparison.
    assert docket.count(dated, f"{col} > $p", params={"p": p}, as_of=AS_OF) == 1
    assert docket.count(dated, f"{col} >= $p", params={"p": p}, as_of=AS_OF) == 2
    assert docket.count(dated, "year($p) = 2026", params={"p": p}, as_of=AS_OF) == 3


def test_nat_param_is_null(dated):
    pred = docket.compile("t > $p", dated, params={"p": pd.Timestamp("2026-01-01")})
    assert pred.count(dated, params={"p": pd.NaT}, as_of=AS_OF) == 0
    assert pred.evaluate(dated, params={"p": None}, as_of=AS_OF).isna().all()


def test_none_param_without_a_type_is_an_error(dated):
    with pytest.raises(TypeError, match=r"param 'm' is None at compile time, so it has no type"):
        docket.count(dated, "$m IS NULL", params={"m": None}, as_of=AS_OF)


# -- names: tables, owners, lists --


@pytest.fixture(scope="module")
def book():
    return docket.Rulebook.load(RULEBOOKS / "csm_hub.yaml")


@pytest.fixture(scope="module")
def frames():
    return {t: pd.read_csv(DATA / f"{t}.csv", keep_default_na=False, na_values=[""]) for t in ("accounts", "contacts")}


def test_misspelled_table_is_an_error(book, frames):
    with pytest.raises(docket.DataError, match=r"table 'acounts' is not declared — did you mean 'accounts'\?"):
        book.run({"acounts": frames["accounts"], "contacts": frames["contacts"]}, as_of=AS_OF)


def test_declared_table_without_data_warns(book, frames):
    with pytest.warns(docket.DocketWarning, match=r"declared table.* 'contacts'.*given no data"):
        res = book.run({"accounts": frames["accounts"]}, as_of=AS_OF)
    assert any("'contacts'" in w and "treated as empty" in w for w in res.warnings)
    assert "contacts" in res.missing_tables


def test_owner_who_owns_nothing_warns(book, frames):
    with pytest.warns(docket.DocketWarning, match=r"owner 'Alicee' owns no row"):
        res = book.run(frames, as_of=AS_OF, owner="Alicee")
    assert any("owner 'Alicee' owns no row" in w for w in res.warnings)


def test_owner_without_owner_column_is_an_error():
    df = pd.DataFrame({"arr": [1, 2, 3]})
    with pytest.raises(docket.DataError, match=r"owner 'Alice' was given, but table 'data' has no owner column"):
        docket.count(df, "arr > 0", owner="Alice")


def test_owner_on_a_predicate_warns():
    t = docket.Table(pd.DataFrame({"id": [1, 2], "csm": ["Ann", "Bo"]}), name="accounts", owner="csm")
    with pytest.warns(docket.DocketWarning, match=r"owner 'Anne' owns no row.*did you mean 'Ann'"):
        s = docket.evaluate(t, "id > 0", owner="Anne", as_of=AS_OF)
    assert s.attrs["warnings"] and "Anne" in s.attrs["warnings"][0]


def test_lists_as_a_str_is_one_list(book, frames):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", docket.DocketWarning)
        res = book.run(frames, as_of=AS_OF, lists="outdated_pulse")
    assert [l.id for l in res.lists] == ["outdated_pulse"]


def test_run_with_a_dataframe_says_what_it_wants(book, frames):
    with pytest.raises(TypeError, match=r"expected a dict of tables \{table name: DataFrame\}, not DataFrame "
                                        r"\(e.g. \{'accounts': df\}\)"):
        book.run(frames["accounts"], as_of=AS_OF)


# -- data rules --


def test_dict_of_series_aligns_by_label():
    a = pd.Series([1, 2, 3], index=[0, 1, 2])
    b = pd.Series([30, 20, 10], index=[2, 1, 0])  # b[0] = 10.
    rows = docket.query({"a": a, "b": b}, "a = 1 AND b = 10", as_of=AS_OF)
    assert list(rows.index) == [0]


def test_int_data_for_a_float_predicate():
    pred = docket.compile("arr > 1.5", pd.DataFrame({"arr": [1.0, 2.5]}))
    assert pred.count(pd.DataFrame({"arr": [1, 2, 3]}), as_of=AS_OF) == 2
    with pytest.raises(docket.DataError, match=r"column 'arr'.*'a'"):
        pred.count(pd.DataFrame({"arr": ["a"]}), as_of=AS_OF)


# -- untrusted text stays text --


def test_html_links_only_safe_schemes():
    from docket._html import _link

    assert "<a " not in _link("x", "javascript:alert(1)")
    assert "<a " not in _link("x", " JavaScript:alert(1)")
    assert "<a " not in _link("x", "data:text/html,<script>")
    assert "&lt;script&gt;" in _link("x", "data:text/html,<script>")
    assert "<a href='https://example.com/a?b=1&amp;c=2'" in _link("doc", "https://example.com/a?b=1&c=2")
    assert "<a href='mailto:cs@example.com'" in _link("mail", "mailto:cs@example.com")


# -- Unicode case, round, hints --


def test_unicode_case():
    df = pd.DataFrame({"name": ["MotörHead", "Ünal GmbH", "MÜHLEISEN", "plain"]})
    assert list(docket.query(df, "upper(name) = 'MOTÖRHEAD'").index) == [0]
    assert list(docket.query(df, "name ILIKE 'mühleisen'").index) == [2]
    assert list(docket.query(df, "lower(name) LIKE '%ünal%'").index) == [1]
    assert list(docket.query(df, "name MATCHES '(?i)ünal'").index) == [1]


def test_round_extremes():
    df = pd.DataFrame({"x": [42.0, -42.0, 0.5]})
    assert docket.count(df, "round(x, -1000) = 0 AND round(x, -324) = 0 AND round(x, 400) = x") == 3


def test_hints_say_what_is_wrong():
    df = pd.DataFrame({"arr": [1], "d": [dt.date(2026, 1, 1)]})
    with pytest.raises(docket.CompileError) as e:
        docket.compile("arr > 'big'", df)
    assert "'big' is text, not a number" in str(e.value) and "remove the quotes" not in str(e.value)
    assert e.value.line == 1 and e.value.column == 1
    with pytest.raises(docket.CompileError, match=r"the month 13 is out of range"):
        docket.compile("d > '2026-13-01'", df)
