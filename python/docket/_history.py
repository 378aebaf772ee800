"""``history={date: tables}``: older snapshots for prev(), changed(),
pct_change(), is_new() and ``trigger: entered | exited``.

Python only normalises the argument and prepares each older snapshot's
frames the way the current ones were prepared (same table names, key,
owner, parent and column types); the C++ ``History`` (docket/history.h)
does the rest — the as-of pick, the key joins, the notes.  Rules:

* keys: ``'YYYY-MM-DD'``, ``datetime.date``, ``pandas.Timestamp`` /
  ``datetime.datetime`` at midnight (or ``numpy.datetime64``); anything else
  is an error naming the key, and two keys for one day are an error;
* values: as for ``tables`` — ``{table: DataFrame | dict of arrays |
  docket.Table}`` or a ``docket.Snapshot``; when the current data is one
  table (a predicate over a DataFrame) a DataFrame / docket.Table alone;
* a snapshot dated on or after ``as_of`` is never read (not even prepared);
* an older snapshot may lack a table or a column (the history functions
  are then NULL with a note naming the snapshot); a table the current data
  does not have is an error; a duplicate or NULL key is an error naming the
  snapshot's date and the row's index label.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Dict, List, Mapping, Optional

import numpy as np
import pandas as pd

from . import _docket
from ._options import parse_day
from .errors import DataError

__all__ = ["history_date", "build_history"]


def history_date(key: Any) -> _dt.date:
    """A history key as a date (see the module's docstring)."""
    key = parse_day(key, f"history key {key!r} is not a date written YYYY-MM-DD", "history key NaT is not a date")
    if isinstance(key, _dt.datetime):  # Includes pandas.Timestamp.
        if key.time() != _dt.time(0, 0):
            raise ValueError(f"history key {key!r} is not at midnight: a snapshot is dated by a day "
                             f"(use {key.date().isoformat()!r})")
        return key.date()
    if isinstance(key, _dt.date):
        return key
    raise TypeError(f"history key {key!r} ({type(key).__name__}) is not a date: use 'YYYY-MM-DD', "
                    "a datetime.date or a pandas.Timestamp")


def _did_you_mean(name: str, names: List[str]) -> Optional[str]:
    import difflib

    close = difflib.get_close_matches(name, names, n=1)
    return f"did you mean '{close[0]}'?" if close else None


def _is_one_table(value: Any) -> bool:
    from .table import Table

    if isinstance(value, (pd.DataFrame, Table)):
        return True
    return isinstance(value, Mapping) and bool(value) and not all(
        isinstance(v, (pd.DataFrame, Table, Mapping)) for v in value.values())


def _columns_of(data: Any) -> List[str]:
    from .table import Table

    if isinstance(data, Table):
        return list(data._names)
    if isinstance(data, pd.DataFrame):
        return [str(c) for c in data.columns]
    if isinstance(data, Mapping):
        return [str(c) for c in data]
    raise TypeError(f"expected a DataFrame, a dict of arrays or a docket.Table, not {type(data).__name__}")


def _select(data: Any, columns: List[str]) -> Any:
    """`data` restricted to `columns` (in that order), rows untouched."""
    from .table import Table

    if isinstance(data, Table):
        data = data._source
    if isinstance(data, pd.DataFrame):
        if [str(c) for c in data.columns] == columns:
            return data
        by_name = {str(c): c for c in data.columns}
        return data[[by_name[c] for c in columns]]
    return {c: data[c] for c in columns}


def _row_label(data: Any, row: int) -> str:
    from .table import Table

    if isinstance(data, Table):
        data = data._source
    if isinstance(data, pd.DataFrame) and 0 <= row < len(data.index):
        return f"index label {data.index[row]!r}"
    return f"position {row}"


def _older_table(day: _dt.date, name: str, data: Any, current: Any, tables: Any = None) -> Any:
    """The older snapshot's `name` prepared like the current table `current`
    (`tables`: the names of the older snapshot's tables, for its parent)."""
    from .table import Table

    current_types = current.types
    parent = current.parent
    if parent is not None and tables is not None and parent[0] not in tables:
        parent = None  # The parent table is not in this snapshot: its fields read NULL there (with a note).
    if (isinstance(data, Table) and data.name == name and data.key == current.key and data.owner == current.owner
            and data.parent == parent
            and all(data.types.get(c, want) == want for c, want in current_types.items())):
        return data  # Prepared already, like the current table: used as it is (prepare once, run often).
    have = set(_columns_of(data))
    columns = [c for c in current_types if c in have]
    source = _select(data, columns)
    key = current.key if current.key in have else None
    owner = current.owner if current.owner in have else None
    parent = parent if parent is not None and parent[1] in have else None
    try:
        t = Table(source, name=name, key=key, owner=owner, parent=parent)
        convert = {c: ("timestamp" if want.startswith("timestamp") else want)
                   for c, want in current_types.items()
                   if c in t.types and t.types[c] != want
                   and not (want.startswith("timestamp") and t.types[c].startswith("timestamp"))}
        if convert:
            t = Table(source, name=name, key=key, owner=owner, parent=parent, types=convert)
        return t
    except DataError as e:
        text = str(e)
        m = re.search(r"\(row (\d+)\)|at row (\d+)", text)
        if m and "(index " not in text:  # Rows are 0-based positions; most messages name the label already.
            row = int(m.group(1) or m.group(2))
            text = f"{text} [{_row_label(data, row)}]"
        raise DataError(f"history snapshot {day.isoformat()}: {text}",
                        detail=f"history snapshot {day.isoformat()}: {e.message}", hint=e.hint) from None


def _older_snapshot(day: _dt.date, value: Any, current: Mapping[str, Any]) -> "_docket.Snapshot":
    from .table import Snapshot

    if isinstance(value, Snapshot):
        # Declared tables it was not given are missing from that snapshot (a note at use), not empty.
        value = {n: t for n, t in value.tables.items() if n not in value.missing_tables}
    if _is_one_table(value):
        if len(current) != 1:
            raise TypeError(f"history[{day.isoformat()}] is one table, but the current data has "
                            f"{len(current)} tables: give {{table name: DataFrame}}")
        value = {next(iter(current)): value}
    if not isinstance(value, Mapping):
        raise TypeError(f"history[{day.isoformat()}] must be {{table name: DataFrame}} (as tables=), "
                        f"not {type(value).__name__}")
    tables = []
    names = {str(n) for n in value}
    for name, data in value.items():
        name = str(name)
        if name not in current:
            raise DataError(f"history snapshot {day.isoformat()}: table '{name}' is not in the current data "
                            f"(it has: {', '.join(current) or 'none'})",
                            detail=f"history snapshot {day.isoformat()}: table '{name}' is not in the current data",
                            hint=_did_you_mean(name, list(current))
                            or "an older snapshot holds the same tables as the current one (or fewer)")
        tables.append(_older_table(day, name, data, current[name], names)._native)
    return _docket.Snapshot(tables)


def build_history(history: Any, as_of: _dt.date, current: Mapping[str, Any]) -> Optional["_docket.History"]:
    """The native History for `history=` (None when None); `current` maps the
    current data's table names to their prepared docket.Tables."""
    if history is None:
        return None
    if not isinstance(history, Mapping) or isinstance(history, pd.DataFrame):
        raise TypeError(f"history= must be a dict {{date: tables}}, e.g. {{'2026-11-15': {{'accounts': df}}}}, "
                        f"not {type(history).__name__}")
    days: Dict[_dt.date, Any] = {}
    keys: Dict[_dt.date, Any] = {}
    for key, value in history.items():
        day = history_date(key)
        if day in days:
            raise ValueError(f"history has two snapshots dated {day.isoformat()}: keys {keys[day]!r} and {key!r}")
        days[day] = value
        keys[day] = key
    native = _docket.History()
    for day in sorted(days):
        if day >= as_of:
            continue  # No look-ahead: never read, so never prepared.
        native.add((day.year, day.month, day.day), _older_snapshot(day, days[day], current), "")
    native.current_source = "the current tables"
    return native
