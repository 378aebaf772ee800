"""Filtering DataFrames with docket expressions: evaluate, query, count, compile."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Mapping, Optional, Union

import numpy as np
import pandas as pd

from . import _docket
from ._history import build_history
from ._options import AsOf, as_of_date, as_of_tuple
from .errors import DataError
from .table import Schema, Snapshot, Table, _warn, as_table

__all__ = ["Predicate", "compile", "evaluate", "query", "count"]

Data = Union[pd.DataFrame, Mapping[str, Any], Table]


class Predicate:
    """A compiled docket expression: compile once, evaluate many times.

    Immutable and thread-safe: evaluate it from many threads at once (the
    GIL is released while docket works).  Create with :func:`docket.compile`.

    A predicate over related records (``exists(contacts WHERE …)``,
    ``count(tasks)``, ``account.arr``) is compiled against a
    :class:`docket.Schema`, a :class:`docket.Rulebook` or a
    :class:`docket.Snapshot` and evaluated over a dict of frames (prepared
    with the schema's declared tables on each call) or, better when
    evaluating repeatedly, a Snapshot prepared once.

    Attributes:
        expression: the source text.
        table: the name of the table it ranges over.
    """

    def __init__(self, native: "_docket.Predicate", table: Optional[Table] = None, *, schema: Any = None,
                 snapshot: Optional[Snapshot] = None) -> None:
        self._native = native
        self._table = table
        self._schema = schema  # Declared tables, to prepare a dict of frames the way compile saw them.
        self._snapshot = snapshot  # The data compiled against, when it was a Snapshot.
        self._needs_zone: Optional[bool] = None  # Whether the plan takes dates of timestamps (lazily).

    @property
    def expression(self) -> str:
        """The expression's source text."""
        return self._native.source

    @property
    def table(self) -> str:
        """The table the predicate ranges over."""
        return self._native.table

    @property
    def plan(self) -> str:
        """The optimized plan (folded constants, shared subexpressions)."""
        return self._native.plan

    def _target(self, data: Optional[Any]) -> tuple:
        """(native table or snapshot, Table whose rows the result describes)."""
        native, table, _ = self._target_tables(data)
        return native, table

    def _history(self, history: Any, tables: Any, day: _dt.date) -> Any:
        """The native History of `history=` (None without), prepared like the current `tables`."""
        return build_history(history, day, tables)

    def _target_tables(self, data: Optional[Any]) -> tuple:
        """(native table or snapshot, Table whose rows the result describes, {name: Table} of the data)."""
        if data is None:
            if self._table is not None:
                return self._table._native, self._table, {self.table: self._table}
            if self._snapshot is not None:
                return self._snapshot._native, self._snapshot.tables[self.table], self._snapshot.tables
            raise TypeError("this predicate was compiled against a schema: pass the data to evaluate "
                            "(a dict of frames or a docket.Snapshot)")
        if isinstance(data, Snapshot) or _is_tables(data):
            snap = data if isinstance(data, Snapshot) else Snapshot(data, schema=self._schema)
            if self.table not in snap.tables:
                raise DataError(f"the data has no table '{self.table}' (it has: {', '.join(snap.tables) or 'none'})",
                                detail=f"the data has no table '{self.table}'")
            return snap._native, snap.tables[self.table], snap.tables
        table = as_table(data, name=self.table)
        if table.name != self.table:
            table = Table(table, name=self.table)
        if self._table is not None:
            # The data as the compiled types, as the language converts (an int column where the
            # predicate was compiled over floats: read_csv gives int64 when a day's values are whole).
            # A conversion that cannot be made is a DataError naming the column.
            want = self._table.types
            have = table.types
            convert = {c: ("timestamp" if t.startswith("timestamp") else t)
                       for c, t in want.items() if c in have and have[c] != t
                       and not (t.startswith("timestamp") and have[c].startswith("timestamp"))}
            if convert:
                table = Table(table, name=self.table, types=convert)
        return table._native, table, {self.table: table}

    def evaluate(
        self,
        data: Optional[Data] = None,
        *,
        as_of: AsOf = None,
        time_zone: Optional[str] = None,
        params: Optional[Mapping[str, Any]] = None,
        owner: Optional[str] = None,
        threads: int = 0,
        history: Optional[Mapping[Any, Any]] = None,
    ) -> pd.Series:
        """Evaluates over `data` (default: the table compiled against).

        Returns a pandas Series of dtype ``boolean`` aligned with the frame's
        index: True where the predicate is TRUE, False where FALSE and <NA>
        where it is NULL (SQL's three-valued logic).  ``series.attrs`` holds
        ``as_of``, ``count`` (TRUE rows), ``diagnostics`` (division by zero,
        int overflow, orphan rows) and ``relations`` (over several tables:
        ``[{table, parent, null_keys, missing_keys}]`` for each relation the
        rule read, counting the child rows without a parent).

        Args:
            data: a DataFrame, a dict of arrays, a docket.Table, or (for rules
                over related records) a dict of tables / a docket.Snapshot.
            as_of: the date of ``today`` ("YYYY-MM-DD", date, Timestamp);
                None means today in `time_zone` (as the CLI does).
            time_zone: IANA zone where timestamps meet dates (default UTC).
            params: ``{name: value}`` for ``$name`` in the expression.
            owner: limit to rows of this owner (tables with an owner column).
            threads: evaluation threads (0: one per core); never changes results.
            history: older snapshots for prev(), changed(), pct_change() and
                is_new(): ``{date: data}`` with keys 'YYYY-MM-DD',
                datetime.date or pandas.Timestamp, values as `data` (a
                DataFrame for a one-table predicate).  Never read when dated
                on or after `as_of`.  ``series.attrs["notes"]`` says what
                they could not read (also issued as DocketWarnings).
        """
        native, table, tables = self._target_tables(data)
        warnings = self._owner_warnings(native, owner) + self._zone_warnings(tables, time_zone)
        day = as_of_date(as_of, time_zone)
        older = self._history(history, tables, day)
        rows, nulls, n, diagnostics, relations, notes = self._native.evaluate(
            native, as_of_tuple(day), time_zone, dict(params or {}), owner, True, threads, older)
        _note(notes)
        if nulls is None:
            nulls = np.zeros(len(rows), dtype=bool)
        series = pd.Series(pd.arrays.BooleanArray(rows, nulls), index=table.index, copy=False)
        series.attrs.update(as_of=day, count=n, diagnostics=diagnostics, relations=relations, warnings=warnings,
                            notes=list(notes))
        return series

    def mask(
        self,
        data: Optional[Data] = None,
        *,
        as_of: AsOf = None,
        time_zone: Optional[str] = None,
        params: Optional[Mapping[str, Any]] = None,
        owner: Optional[str] = None,
        threads: int = 0,
        history: Optional[Mapping[Any, Any]] = None,
    ) -> np.ndarray:
        """Like :meth:`evaluate` but a plain numpy bool array (NULL is False)."""
        native, _, tables = self._target_tables(data)
        return self._rows(native, as_of, time_zone, params, owner, threads, history, tables)

    def _owner_warnings(self, native: Any, owner: Optional[str]) -> list:
        """The shared owner rule (rulebook/data_rules.h): DataError when the table has no owner
        column (the owner would be ignored), a DocketWarning when the owner owns no row."""
        if owner is None:
            return []
        snap = native if isinstance(native, _docket.Snapshot) else _docket.Snapshot([native])
        w = _docket.check_owner(snap, [self.table], owner)
        if not w:
            return []
        _warn(w)
        return [w]

    def _zone_warnings(self, tables: Optional[Mapping[str, Table]], time_zone: Optional[str]) -> list:
        """A DocketWarning per tz-aware column in a zone other than UTC when `time_zone` was not
        given and the predicate takes dates of timestamps (``date(t)``, ``t >= today``,
        ``days_since(t)``, a TIMESTAMP literal without offset): the column's instants are kept,
        but its dates are taken in UTC, not in the column's own zone as pandas' ``.dt.date`` does."""
        if time_zone is not None or not tables:
            return []
        zoned = [(tname, col, zone) for tname, t in tables.items() for col, zone in t.zones.items()]
        if not zoned:
            return []
        if self._needs_zone is None:
            # The plan's ops that take a civil date or time in the evaluation zone (plan/expr.cc).
            plan = self._native.plan
            self._needs_zone = any(op in plan for op in ("(ts_to_date ", "(day_start ", "(civil_to_ts "))
        if not self._needs_zone:
            return []
        out = []
        for tname, col, zone in zoned:
            where = f"'{col}'" if len(tables) == 1 else f"'{tname}.{col}'"
            out.append(f"column {where} is in {zone}, but this rule takes its dates in UTC (the default "
                       f"time_zone), not in {zone} as pandas' .dt.date does — pass time_zone='{zone}' "
                       f"to take dates there (the column's instants are kept either way)")
        for w in out:
            _warn(w)
        return out

    def _rows(self, native: Any, as_of: AsOf, time_zone: Optional[str], params: Optional[Mapping[str, Any]],
              owner: Optional[str], threads: int, history: Any = None, tables: Any = None) -> np.ndarray:
        self._owner_warnings(native, owner)
        self._zone_warnings(tables, time_zone)
        day = as_of_date(as_of, time_zone)
        older = self._history(history, tables, day)
        rows, _, _, _, _, notes = self._native.evaluate(native, as_of_tuple(day), time_zone,
                                                        dict(params or {}), owner, False, threads, older)
        _note(notes)
        return rows

    def query(
        self,
        data: Optional[Data] = None,
        *,
        as_of: AsOf = None,
        time_zone: Optional[str] = None,
        params: Optional[Mapping[str, Any]] = None,
        owner: Optional[str] = None,
        threads: int = 0,
        history: Optional[Mapping[Any, Any]] = None,
    ) -> pd.DataFrame:
        """The rows of `data` where the predicate is TRUE, as a DataFrame (same
        columns and index labels as the frame).  Arguments as :meth:`evaluate`."""
        native, table, tables = self._target_tables(data)
        return table.frame[self._rows(native, as_of, time_zone, params, owner, threads, history, tables)]

    def count(
        self,
        data: Optional[Data] = None,
        *,
        as_of: AsOf = None,
        time_zone: Optional[str] = None,
        params: Optional[Mapping[str, Any]] = None,
        owner: Optional[str] = None,
        threads: int = 0,
        history: Optional[Mapping[Any, Any]] = None,
    ) -> int:
        """The number of rows where the predicate is TRUE (nothing per row
        crosses into Python)."""
        native, _, tables = self._target_tables(data)
        self._owner_warnings(native, owner)
        self._zone_warnings(tables, time_zone)
        day = as_of_date(as_of, time_zone)
        older = self._history(history, tables, day)
        n, _, _, notes = self._native.count(native, as_of_tuple(day), time_zone, dict(params or {}), owner, threads,
                                            older)
        _note(notes)
        return n

    def __call__(self, data: Optional[Data] = None, **kwargs: Any) -> pd.Series:
        return self.evaluate(data, **kwargs)

    def __repr__(self) -> str:
        return f"<docket.Predicate over '{self.table}': {self.expression}>"


def compile(
    expression: str,
    table_or_schema: Union[Data, Schema, Snapshot, Any],
    *,
    table: Optional[str] = None,
    params: Optional[Mapping[str, Any]] = None,
) -> Predicate:
    """Compiles `expression` against the columns of a table (or a schema).

    Type checking is complete here: a mistake raises :class:`docket.CompileError`
    with ``line``, ``column``, a caret message and a hint; evaluation never
    meets a type error.

    Args:
        expression: a docket expression (SQL WHERE syntax), e.g.
            ``"pulse IS NULL OR days_since(pulse_changed_at) > 90"``.
        table_or_schema: a DataFrame / dict of arrays / docket.Table (compile
            against its column types), or — for rules over related records —
            a docket.Schema, docket.Rulebook, docket.Snapshot or a dict of
            docket.Tables with their keys and parents (then name the `table`).
        table: the table of a schema the expression ranges over.
        params: default values of ``$name`` parameters (their types count).

    Example::

        stale = docket.compile("days_since(pulse_changed_at) > $days", accounts, params={"days": 90})
        stale.evaluate(accounts, as_of="2026-11-22", params={"days": 60})

        schema = docket.Schema.load("examples/schema.yaml")
        no_dm = docket.compile("NOT exists(contacts WHERE persona = 'decision maker')", schema, table="accounts")
        snap = schema.prepare({"accounts": accounts_df, "contacts": contacts_df})
        no_dm.count(snap, as_of="2026-11-22")
    """
    params = dict(params or {})
    if not isinstance(table_or_schema, Snapshot) and _is_tables(table_or_schema):
        table_or_schema = Snapshot(table_or_schema)
    if isinstance(table_or_schema, (Schema, Snapshot)) or hasattr(table_or_schema, "_declared_tables"):
        native_schema = _schema_of(table_or_schema)
        if table is None:
            names = native_schema.table_names
            if len(names) != 1:
                raise TypeError(f"name the table the expression ranges over: table= one of {names}")
            table = names[0]
        native = _docket.compile_for_schema(expression, native_schema, table, params)
        if isinstance(table_or_schema, Snapshot):
            return Predicate(native, schema=Schema(native_schema), snapshot=table_or_schema)
        return Predicate(native, schema=table_or_schema)
    t = as_table(table_or_schema, name=table or "data")
    return Predicate(_docket.compile_for_table(expression, t._native, params), t)


def _schema_of(obj: Any) -> "_docket.Schema":
    if isinstance(obj, Schema):
        return obj._native
    if isinstance(obj, Snapshot):
        return obj._native.schema()
    return obj._native_schema()


def _is_tables(data: Any) -> bool:
    """True for {name: DataFrame | docket.Table | dict of arrays}: several tables, not one."""
    return (isinstance(data, Mapping) and not isinstance(data, pd.DataFrame) and bool(data)
            and all(isinstance(v, (pd.DataFrame, Table, Mapping)) for v in data.values()))


def _prepared(data: Any, expression: str, params: Optional[Mapping[str, Any]], table: Optional[str]) -> tuple:
    """(Predicate, the data to evaluate it over) for the one-shot functions."""
    if isinstance(data, Snapshot) or _is_tables(data):
        snap = data if isinstance(data, Snapshot) else Snapshot(data)
        return compile(expression, snap, table=table, params=params), snap
    t = as_table(data, name=table or "data")
    return compile(expression, t, params=params), t


def evaluate(
    data: Data,
    expression: str,
    *,
    as_of: AsOf = None,
    time_zone: Optional[str] = None,
    params: Optional[Mapping[str, Any]] = None,
    owner: Optional[str] = None,
    threads: int = 0,
    table: Optional[str] = None,
    history: Optional[Mapping[Any, Any]] = None,
) -> pd.Series:
    """Evaluates `expression` over each row of `data`.

    Returns a pandas Series of dtype ``boolean`` aligned with the frame's
    index, ``<NA>`` where the expression is NULL.  Prepare the frame once with
    :class:`docket.Table` (or compile once with :func:`docket.compile`) when
    evaluating repeatedly.

    `data` may also hold several tables — a :class:`docket.Snapshot` or a dict
    of docket.Tables with keys and parents — for rules over related records;
    `table` then names the table the rule ranges over.

    Example::

        mask = docket.evaluate(df, "pulse IS NULL OR days_since(pulse_changed_at) > 90",
                               as_of="2026-11-22")
        df[mask.fillna(False)]

        snap = docket.Schema.load("examples/schema.yaml").prepare(frames)
        docket.evaluate(snap, "count(contacts WHERE is_champion) = 0", table="accounts", as_of="2026-11-22")
    """
    pred, target = _prepared(data, expression, params, table)
    return pred.evaluate(target, as_of=as_of, time_zone=time_zone, owner=owner, threads=threads, history=history)


def query(
    data: Data,
    expression: str,
    *,
    as_of: AsOf = None,
    time_zone: Optional[str] = None,
    params: Optional[Mapping[str, Any]] = None,
    owner: Optional[str] = None,
    threads: int = 0,
    table: Optional[str] = None,
    history: Optional[Mapping[Any, Any]] = None,
) -> pd.DataFrame:
    """The rows of `data` where `expression` is TRUE, as a DataFrame.

    Example::

        docket.query(df, "arr > 100000 AND pulse IN ('red', 'yellow')", as_of="2026-11-22")
    """
    pred, target = _prepared(data, expression, params, table)
    return pred.query(target, as_of=as_of, time_zone=time_zone, owner=owner, threads=threads, history=history)


def count(
    data: Data,
    expression: str,
    *,
    as_of: AsOf = None,
    time_zone: Optional[str] = None,
    params: Optional[Mapping[str, Any]] = None,
    owner: Optional[str] = None,
    threads: int = 0,
    table: Optional[str] = None,
    history: Optional[Mapping[Any, Any]] = None,
) -> int:
    """The number of rows of `data` where `expression` is TRUE (arguments as :func:`evaluate`)."""
    pred, target = _prepared(data, expression, params, table)
    return pred.count(target, as_of=as_of, time_zone=time_zone, owner=owner, threads=threads, history=history)


def _note(notes: Any) -> None:
    """What the history functions could not read: a DocketWarning each (never a silent NULL)."""
    for n in notes:
        _warn(n)


_ = _dt  # datetime is part of the AsOf type.
