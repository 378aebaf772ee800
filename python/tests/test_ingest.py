"""DataFrame / numpy -> docket columns: every dtype path, NULLs, zero-copy, lifetime."""

import datetime as dt
import gc
import weakref

import numpy as np
import pandas as pd
import pytest

import docket
from docket import _docket


def info(t, col):
    return _docket._column_info(t._native, col)


def values(t, col):
    return _docket._column_values(t._native, col)


def days(y, m, d):
    return (dt.date(y, m, d) - dt.date(1970, 1, 1)).days


# -- numpy dtypes: viewed ---------------------------------------------------------


def test_int64_is_viewed():
    a = np.array([3, -1, 7], dtype=np.int64)
    t = docket.Table({"x": a})
    assert t.types == {"x": "int"}
    assert _docket._buffer_address(t._native, "x") == a.ctypes.data
    assert info(t, "x")["zero_copy"]
    assert values(t, "x") == [3, -1, 7]


def test_dataframe_columns_are_viewed():
    df = pd.DataFrame({"i": np.arange(5, dtype=np.int64), "f": np.linspace(0, 1, 5), "b": np.arange(5) % 2 == 0,
                       "t": pd.date_range("2026-01-01", periods=5, freq="H")})
    t = docket.Table(df)
    for col in df.columns:
        assert info(t, col)["zero_copy"], col
        assert _docket._buffer_address(t._native, col) == df[col].to_numpy().ctypes.data, col
    assert t.types == {"i": "int", "f": "float", "b": "bool", "t": "timestamp[ns]"}


def test_float_nan_is_null_and_still_viewed():
    a = np.array([1.5, np.nan, 3.0, np.nan])
    t = docket.Table({"x": a})
    i = info(t, "x")
    assert i["null_count"] == 2 and i["zero_copy"]
    assert i["values_address"] == a.ctypes.data
    assert values(t, "x") == [1.5, None, 3.0, None]


def test_bool_is_viewed():
    a = np.array([True, False, True])
    t = docket.Table({"x": a})
    assert t.types == {"x": "bool"} and info(t, "x")["zero_copy"]
    assert values(t, "x") == [True, False, True]


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_datetime64_units_are_viewed(unit):
    a = np.array(["2026-11-22T13:05:00", "NaT", "1969-12-31T23:59:59"], dtype=f"datetime64[{unit}]")
    t = docket.Table({"ts": a})
    expected = "timestamp" if unit == "us" else f"timestamp[{unit}]"
    assert t.types == {"ts": expected}
    i = info(t, "ts")
    assert i["zero_copy"] and i["values_address"] == a.ctypes.data and i["null_count"] == 1
    assert values(t, "ts") == [a[0].astype(np.int64), None, a[2].astype(np.int64)]


def test_datetime64_day_is_date():
    a = np.array(["2026-11-22", "NaT", "1960-01-01"], dtype="datetime64[D]")
    t = docket.Table({"d": a})
    assert t.types == {"d": "date"}
    assert values(t, "d") == [days(2026, 11, 22), None, days(1960, 1, 1)]


def test_tz_aware_timestamps_view_utc_values():
    s = pd.Series(pd.date_range("2026-03-08 00:30", periods=4, freq="H", tz="America/New_York"))
    s[2] = pd.NaT
    df = pd.DataFrame({"ts": s})
    t = docket.Table(df)
    assert t.types == {"ts": "timestamp[ns]"}
    i = info(t, "ts")
    assert i["zero_copy"] and i["null_count"] == 1
    assert i["values_address"] == df["ts"].array.asi8.ctypes.data
    utc = df["ts"].dt.tz_convert("UTC")
    assert values(t, "ts") == [utc[0].value, utc[1].value, None, utc[3].value]


def test_narrow_ints_and_float32_are_widened():
    t = docket.Table({"i8": np.array([1, -2], dtype=np.int8), "u32": np.array([7, 8], dtype=np.uint32),
                      "f32": np.array([0.5, np.nan], dtype=np.float32)})
    assert t.types == {"i8": "int", "u32": "int", "f32": "float"}
    assert values(t, "i8") == [1, -2] and values(t, "u32") == [7, 8] and values(t, "f32") == [0.5, None]
    assert not info(t, "i8")["zero_copy"]


def test_uint64_overflow_is_a_data_error():
    with pytest.raises(docket.DataError, match="'big'"):
        docket.Table({"big": np.array([2**63], dtype=np.uint64)})


def test_strided_columns_are_copied_correctly():
    a = np.arange(10, dtype=np.int64)[::2]
    t = docket.Table({"x": a})
    assert values(t, "x") == [0, 2, 4, 6, 8]
    assert info(t, "x")["values_address"] != a.ctypes.data  # A contiguous copy, made once.


# -- pandas nullable dtypes: values viewed, mask packed ----------------------------


def test_nullable_int64_views_values_and_uses_mask():
    s = pd.Series([1, None, 3], dtype="Int64")
    t = docket.Table(pd.DataFrame({"x": s}))
    i = info(t, "x")
    assert t.types == {"x": "int"} and i["null_count"] == 1 and i["zero_copy"]
    assert i["values_address"] == s.array._data.ctypes.data
    assert values(t, "x") == [1, None, 3]


def test_nullable_float64_and_boolean():
    df = pd.DataFrame({"f": pd.Series([1.5, None, 2.5], dtype="Float64"),
                       "b": pd.Series([True, None, False], dtype="boolean")})
    t = docket.Table(df)
    assert t.types == {"f": "float", "b": "bool"}
    assert values(t, "f") == [1.5, None, 2.5]
    assert values(t, "b") == [True, None, False]
    assert info(t, "f")["zero_copy"] and info(t, "b")["zero_copy"]


def test_string_dtype():
    t = docket.Table(pd.DataFrame({"s": pd.Series(["red", None, "green", "red"], dtype="string")}))
    assert t.types == {"s": "string"}
    assert values(t, "s") == ["red", None, "green", "red"]


# -- Categorical --------------------------------------------------------------------


def test_categorical_with_unused_categories_and_nan():
    cat = pd.Categorical(["red", None, "green", "red"], categories=["green", "red", "yellow", "unused"])
    t = docket.Table(pd.DataFrame({"pulse": cat}))
    i = info(t, "pulse")
    assert t.types == {"pulse": "string"}
    assert i["dictionary"] and i["dictionary_size"] == 4 and i["null_count"] == 1
    assert values(t, "pulse") == ["red", None, "green", "red"]


def test_categorical_int32_codes_without_nan_are_viewed():
    n = 40000  # More than 32767 categories: pandas uses int32 codes.
    cats = [f"c{i}" for i in range(n)]
    df = pd.DataFrame({"c": pd.Categorical.from_codes(np.arange(n, dtype=np.int32)[::-1].copy(), categories=cats)})
    codes = df["c"].array.codes
    assert codes.dtype == np.int32
    t = docket.Table(df)
    i = info(t, "c")
    assert i["zero_copy"] and i["values_address"] == codes.ctypes.data
    assert values(t, "c")[:2] == [f"c{n - 1}", f"c{n - 2}"]


def test_categorical_all_null_and_empty_categories():
    cat = pd.Categorical([None, None], categories=pd.Index([], dtype=object))
    t = docket.Table(pd.DataFrame({"c": cat}))
    assert values(t, "c") == [None, None]


def test_categorical_of_ints_materializes():
    cat = pd.Categorical([10, None, 30], categories=[10, 20, 30])
    t = docket.Table(pd.DataFrame({"c": cat}))
    assert t.types == {"c": "int"}
    assert values(t, "c") == [10, None, 30]


# -- object columns -----------------------------------------------------------------


def test_object_strings_dictionary_encoded_in_cpp():
    s = pd.Series(["red", "green", None, np.nan, "red", "red", "green", "red"], dtype=object)
    t = docket.Table(pd.DataFrame({"s": s}))
    i = info(t, "s")
    assert t.types == {"s": "string"} and i["dictionary"] and i["dictionary_size"] == 2 and i["null_count"] == 2
    assert values(t, "s") == ["red", "green", None, None, "red", "red", "green", "red"]


def test_object_unique_strings_and_unicode():
    words = ["café", "naïve", "日本", "", "x" * 100]
    t = docket.Table({"s": np.array(words, dtype=object)})
    assert values(t, "s") == words


def test_object_dates_bools_ints_floats():
    df = pd.DataFrame({
        "d": [dt.date(2026, 11, 22), None, dt.date(2024, 2, 29)],
        "b": [True, None, False],
        "i": pd.Series([1, None, 3], dtype=object),
    })
    t = docket.Table(df)
    assert t.types == {"d": "date", "b": "bool", "i": "int"}
    assert values(t, "d") == [days(2026, 11, 22), None, days(2024, 2, 29)]
    assert values(t, "b") == [True, None, False]
    assert values(t, "i") == [1, None, 3]


def test_object_datetimes_become_utc_timestamps():
    s = pd.Series([dt.datetime(2026, 11, 22, 13, 5), None], dtype=object)
    t = docket.Table(pd.DataFrame({"ts": s}))
    assert t.types["ts"].startswith("timestamp")
    assert values(t, "ts")[0] == pd.Timestamp("2026-11-22 13:05", tz="UTC").value
    assert values(t, "ts")[1] is None


def test_numpy_unicode_strings():
    t = docket.Table({"s": np.array(["a", "bb"])})
    assert values(t, "s") == ["a", "bb"]


def test_mixed_object_column_is_a_data_error_naming_the_column():
    with pytest.raises(docket.DataError) as e:
        docket.Table(pd.DataFrame({"mixed": ["a", 3, "b"]}))
    assert "mixed" in str(e.value) and "row 1" in str(e.value)


@pytest.mark.parametrize("series,dtype_text", [
    (pd.Series(pd.to_timedelta([1, 2], unit="D")), "timedelta64"),
    (pd.Series([1 + 2j, 3j]), "complex128"),
    (pd.Series(pd.period_range("2026-01", periods=2, freq="M")), "period"),
    (pd.Series([{"a": 1}, {"b": 2}]), "dict"),
])
def test_unsupported_dtypes_name_column_and_dtype(series, dtype_text):
    with pytest.raises(docket.DataError) as e:
        docket.Table(pd.DataFrame({"weird": series}))
    assert "weird" in str(e.value) and dtype_text in str(e.value).lower()
    assert isinstance(e.value, docket.Error)


# -- empty frames, keys, declared types ----------------------------------------------


def test_empty_frame_every_dtype():
    df = pd.DataFrame({
        "i": np.zeros(0, np.int64), "f": np.zeros(0), "b": np.zeros(0, bool),
        "t": np.zeros(0, "datetime64[ns]"), "s": pd.Series([], dtype=object),
        "n": pd.Series([], dtype="Int64"), "c": pd.Categorical([], categories=["a"]),
    })
    t = docket.Table(df)
    assert len(t) == 0
    assert t.types == {"i": "int", "f": "float", "b": "bool", "t": "timestamp[ns]", "s": "string", "n": "int",
                       "c": "string"}


def test_frame_without_columns():
    t = docket.Table(pd.DataFrame(index=range(3)))
    assert len(t) == 0 and t.types == {}


def test_key_owner_parent():
    df = pd.DataFrame({"id": ["a", "b"], "csm": ["x", None], "acc": ["p", "q"]})
    t = docket.Table(df, name="contacts", key="id", owner="csm", parent=("accounts", "acc", "account"))
    assert (t.name, t.key, t.owner, t.parent) == ("contacts", "id", "csm", ("accounts", "acc", "account"))


def test_duplicate_and_null_keys_are_data_errors():
    with pytest.raises(docket.DataError, match="duplicate key 'a'"):
        docket.Table(pd.DataFrame({"id": ["a", "b", "a"]}), key="id")
    with pytest.raises(docket.DataError, match="NULL"):
        docket.Table(pd.DataFrame({"id": ["a", None]}), key="id")
    with pytest.raises(docket.DataError, match="'nope'"):
        docket.Table(pd.DataFrame({"id": ["a"]}), key="nope")


def test_declared_types_convert():
    df = pd.DataFrame({"d": pd.to_datetime(["2026-11-22", None]), "n": [1.0, np.nan], "s": [np.nan, np.nan]})
    t = docket.Table(df, types={"d": "date", "n": "int", "s": "string"})
    assert t.types == {"d": "date", "n": "int", "s": "string"}
    assert values(t, "d") == [days(2026, 11, 22), None]
    assert values(t, "n") == [1, None]
    assert values(t, "s") == [None, None]
    with pytest.raises(docket.DataError, match="'n'"):
        docket.Table(pd.DataFrame({"n": [1.5]}), types={"n": "int"})
    with pytest.raises(docket.DataError, match="'x'"):
        docket.Table(pd.DataFrame({"x": [1.5]}), types={"x": "date"})


def test_string_dates_with_declared_date_type():
    t = docket.Table(pd.DataFrame({"d": ["2026-11-22", None]}), types={"d": "date"})
    assert values(t, "d") == [days(2026, 11, 22), None]


def test_duplicate_column_names_are_an_error():
    df = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(docket.DataError, match="'a'"):
        docket.Table(df)


def test_example_accounts_frame(accounts_df):
    t = docket.Table(accounts_df, name="accounts", key="id", owner="csm")
    assert len(t) == len(accounts_df)
    assert t.types["arr"] in ("int", "float") and t.types["renewal_date"] == "timestamp[ns]"
    assert info(t, "arr")["zero_copy"] and info(t, "renewal_date")["zero_copy"]
    assert info(t, "pulse")["dictionary"]


# -- lifetime -----------------------------------------------------------------------


def test_table_keeps_numpy_array_alive_and_releases_it():
    a = np.arange(1000, dtype=np.int64)
    ref = weakref.ref(a)
    native = _docket.Table("t", [("x", a, None, None, "")])
    del a
    gc.collect()
    assert ref() is not None
    assert _docket._column_values(native, "x")[999] == 999
    del native
    gc.collect()
    assert ref() is None


def test_table_outlives_the_dataframe():
    df = pd.DataFrame({"x": np.arange(100_000, dtype=np.int64) * 3, "s": ["a", "b"] * 50_000})
    t = docket.Table(df)
    del df
    gc.collect()
    vals = values(t, "x")
    assert vals[-1] == 299_997 and values(t, "s")[:3] == ["a", "b", "a"]
