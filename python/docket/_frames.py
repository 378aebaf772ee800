"""pandas and numpy columns taken apart for the native converter.

Each column becomes a ``(name, values, mask, categories, target)`` tuple that
``_docket.Table`` turns into a docket column (see bindings/python/ingest.h):

=============================  ===============================================
pandas / numpy dtype           what is handed over
=============================  ===============================================
int64, float64, bool           the numpy array itself (viewed, no copy)
datetime64[s|ms|us|ns]         the numpy array (viewed; NaT is NULL)
datetime64[D] (numpy)          the numpy array (converted to dates in C++)
datetime64[h|m|W|M|Y] (numpy)  copied to datetime64[s] (instants, as a param)
datetime64[ns, tz]             the UTC int64 values of the array (viewed)
Int64/Float64/boolean          the values array (viewed) and the NA mask
string                         the object array of str / NA
category (of str)              the codes (viewed when int32 without NaN) and
                               the categories; rows are never visited here
object                         the object array: str, bool, int, float and
                               datetime.date handled natively; datetime
                               objects go through ``pandas.to_datetime``
=============================  ===============================================
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, List, Mapping, Optional, Tuple

import numpy as np
import pandas as pd

from .errors import DataError

Parts = Tuple[str, np.ndarray, Optional[np.ndarray], Optional[np.ndarray], str]

_SUPPORTED = ("int, float, bool, datetime64 (naive or tz-aware), str/object, category of str, "
              "datetime.date objects and pandas' nullable Int64/Float64/boolean/string dtypes")


def _unsupported(name: str, dtype: Any) -> DataError:
    return DataError(f"column '{name}' has dtype {dtype}, which docket cannot read (docket reads {_SUPPORTED})",
                     detail=f"column '{name}' has dtype {dtype}, which docket cannot read",
                     hint=f"docket reads {_SUPPORTED}")


def _first_non_null(values: np.ndarray) -> Any:
    """The first value of an object array that is not None/NaN/NA/NaT."""
    for i, v in enumerate(values):
        if i >= 64:
            break
        if not _is_null(v):
            return v
    mask = pd.isna(values)
    idx = np.flatnonzero(~mask)
    return values[idx[0]] if len(idx) else None


def _is_null(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and v != v


def column_parts(name: str, data: Any, target: str = "") -> Parts:
    """Takes one column (Series, Index, numpy array, extension array or list)
    apart for ``_docket.Table``."""
    if isinstance(data, (pd.Series, pd.Index)):
        array = data.array
        dtype = data.dtype
    elif isinstance(data, (np.ndarray, pd.api.extensions.ExtensionArray)):
        array = data
        dtype = data.dtype
    else:
        array = np.asarray(data)
        dtype = array.dtype

    if isinstance(dtype, pd.CategoricalDtype):
        cat = pd.Categorical(array) if not isinstance(array, pd.Categorical) else array
        categories = cat.categories
        if categories.dtype == object and (len(categories) == 0 or pd.api.types.infer_dtype(categories) == "string"):
            return (name, np.asarray(cat.codes), None, np.asarray(categories, dtype=object), target)
        # Categories of another type: materialize (one take, no per-row Python).
        codes = np.asarray(cat.codes)
        taken = np.asarray(categories)[np.maximum(codes, 0)] if len(categories) else np.zeros(len(codes))
        return _with_mask(column_parts(name, taken, target), codes < 0)

    if isinstance(dtype, pd.DatetimeTZDtype):
        unit = getattr(array, "unit", "ns")
        return (name, array.asi8.view(f"datetime64[{unit}]"), None, None, target)

    if isinstance(dtype, pd.StringDtype):
        ndarray = getattr(array, "_ndarray", None)
        if ndarray is None:  # pyarrow storage: one copy to objects.
            ndarray = np.asarray(array, dtype=object)
        return (name, ndarray, None, None, target or "string")

    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and hasattr(array, "_mask") and hasattr(array, "_data"):
        # Int*/UInt*/Float*/boolean: values and the NA mask (True = NA).
        return (name, array._data, array._mask, None, target)

    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        if isinstance(dtype, pd.PeriodDtype) or isinstance(dtype, pd.IntervalDtype) or isinstance(dtype, pd.SparseDtype):
            raise _unsupported(name, dtype)
        try:
            array = np.asarray(array)
        except Exception:
            raise _unsupported(name, dtype) from None
        dtype = array.dtype

    values = array.to_numpy() if hasattr(array, "to_numpy") and not isinstance(array, np.ndarray) else array
    values = np.asarray(values)
    kind = values.dtype.kind
    if kind == "M" and np.datetime_data(values.dtype)[0] not in ("D", "s", "ms", "us", "ns"):
        # Hours, minutes, weeks, months, years: instants at that precision, copied to seconds — what
        # the same numpy.datetime64 means as a param (bindings/python/values.cc).
        values = values.astype("datetime64[s]")
    if kind in "iufbM":
        return (name, values, None, None, target)
    if kind == "O":
        first = _first_non_null(values)
        if isinstance(first, _dt.datetime) or (target.startswith("timestamp") and isinstance(first, str)):
            try:
                converted = pd.to_datetime(pd.Series(values, copy=False), utc=True)
            except (ValueError, TypeError) as e:
                raise DataError(f"column '{name}': cannot read its datetime values ({e})") from None
            return column_parts(name, converted, target)
        return (name, values, None, None, target)
    if kind == "U":  # Fixed-width numpy strings: to objects (a copy).
        return (name, values.astype(object), None, None, target)
    raise _unsupported(name, values.dtype)


_UTC_NAMES = {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"}


def column_zone(data: Any) -> Optional[str]:
    """The zone of a tz-aware datetime column other than UTC (its name), else None.

    The instants of a tz-aware column are kept exactly (docket views the UTC
    values pandas stores); its zone is what pandas uses for ``.dt.date``, and
    docket takes dates in the *evaluation* zone instead, so a caller warns
    when the two can differ (see predicate.py)."""
    dtype = getattr(data, "dtype", None)
    if not isinstance(dtype, pd.DatetimeTZDtype):
        return None
    tz = dtype.tz
    name = str(tz)
    if name in _UTC_NAMES or (isinstance(tz, _dt.timezone) and tz.utcoffset(None) == _dt.timedelta(0)):
        return None
    return name


def _with_mask(parts: Parts, extra: np.ndarray) -> Parts:
    name, values, mask, categories, target = parts
    if extra.any():
        mask = extra if mask is None else (mask | extra)
    return (name, values, mask, categories, target)


def frame_columns(data: Any) -> Tuple[List[str], Mapping[str, Any], Optional[pd.DataFrame]]:
    """The column names, a name -> column mapping and the DataFrame (None for
    a dict of arrays) of `data`."""
    if isinstance(data, pd.DataFrame):
        names = [str(c) for c in data.columns]
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise DataError(f"the DataFrame has two columns named '{dup}'")
        return names, {str(c): data.iloc[:, i] for i, c in enumerate(data.columns)}, data
    if isinstance(data, Mapping):
        series = [v for v in data.values() if isinstance(v, pd.Series)]
        if len(series) > 1 and any(not s.index.equals(series[0].index) for s in series[1:]):
            # Series with different indexes: aligned by label, as pandas.DataFrame(dict) does (never
            # by position); labels one Series lacks are NULL there.
            if len(series) != len(data):
                raise DataError("a dict mixes pandas Series with different indexes and arrays/lists: docket "
                                "cannot tell which label each array value belongs to",
                                hint="build the DataFrame yourself (pd.DataFrame(...)) or pass only Series")
            return frame_columns(pd.DataFrame({str(k): v for k, v in data.items()}))
        names = [str(c) for c in data.keys()]
        columns = {str(k): v for k, v in data.items()}
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            raise DataError(f"the columns have different lengths: {sorted(lengths)}")
        return names, columns, None
    raise TypeError(f"expected a pandas DataFrame, a dict of arrays or a docket.Table, not {type(data).__name__}")
