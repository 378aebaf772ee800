"""Rulebooks: load once, run over DataFrames, read the command center."""

from __future__ import annotations

import os
import threading
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import _docket
from ._history import build_history
from ._options import AsOf, as_of_date, as_of_tuple
from .results import Result
from .metrics import MetricsResult
from .table import Snapshot, Table, TableDecl, _warn

__all__ = ["Rulebook"]


class Rulebook:
    """A CS team's lists, segments, params and KPI cards (a rulebook YAML file).

    Load it once, then :meth:`run` it over DataFrames as often as needed; it
    compiles once per shape of data (column types) and the compiled form is
    shared by every run and every thread.

    Example::

        book = docket.Rulebook.load("examples/rulebooks/csm_hub.yaml")
        res = book.run({"accounts": accounts, "contacts": contacts},
                       as_of="2026-11-22", owner="Alice Chen")
        res.counts()              # list, title, horizon, count
        res["outdated_pulse"]     # the list's rows, shown columns, in order
        res.kpis()                # KPI values

    Errors in the file raise :class:`docket.CompileError` pointing at the
    file, line and column.
    """

    def __init__(self, native: "_docket.Rulebook", text: Optional[str] = None) -> None:
        self._native = native
        self._text = text  # The YAML it was parsed from: a Rulebook pickles as its text (docket.dask).
        self._compiled: Dict[Any, "_docket.CompiledRulebook"] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> "Rulebook":
        """Reads and parses a rulebook file."""
        native = _docket.Rulebook.load(os.fspath(path))
        with open(os.fspath(path), encoding="utf-8") as f:
            text = f.read()
        return cls(native, text)

    @classmethod
    def from_yaml(cls, text: str, filename: str = "<rulebook>") -> "Rulebook":
        """Parses rulebook text; `filename` labels error positions."""
        return cls(_docket.Rulebook.from_yaml(text, filename), text)

    def __reduce__(self) -> Any:
        """Pickles as the YAML text and the file name it came from (so errors
        on a Dask worker still name the original file); parsed again on load."""
        text = self._text
        if text is None:
            with open(self.file, encoding="utf-8") as f:
                text = f.read()
        return (Rulebook.from_yaml, (text, self.file))

    # -- what the rulebook says -------------------------------------------------

    @property
    def name(self) -> str:
        """The rulebook's name."""
        return self._native.name

    @property
    def file(self) -> str:
        """The file it was loaded from (or the from_yaml filename)."""
        return self._native.file

    @property
    def time_zone(self) -> str:
        """The rulebook's IANA time zone (runs default to it)."""
        return self._native.time_zone

    @property
    def params(self) -> Dict[str, Any]:
        """{name: default value} of the ``$params``."""
        return dict(self._native.params())

    @property
    def tables(self) -> Dict[str, TableDecl]:
        """The declared tables (the data contract), possibly empty."""
        return dict(self._native.tables())

    @property
    def lists(self) -> List[Dict[str, Any]]:
        """Every list: id, title, horizon, table, when, show, order_by, limit, action, resources,
        trigger (None, "entered" or "exited")."""
        return list(self._native.lists())

    @property
    def kpis(self) -> List[Dict[str, Any]]:
        """Every KPI: id, title, list, measure, by_owner."""
        return list(self._native.kpis())

    @property
    def segments(self) -> Dict[str, str]:
        """{name: expression} of the segments."""
        return dict(self._native.segments())

    def _declared_tables(self) -> Dict[str, TableDecl]:
        return self.tables

    def _native_schema(self) -> "_docket.Schema":
        """The declared schema (for docket.compile(expr, rulebook, table=...))."""
        tables = self.tables
        if not tables:
            raise TypeError("this rulebook declares no tables")
        return _docket.Snapshot([Table._declared(_empty(t), t)._native for t in tables.values()]).schema()

    # -- running ----------------------------------------------------------------

    def prepare(self, tables: Mapping[str, Any]) -> Snapshot:
        """Prepares DataFrames as the rulebook's declared tables once (types
        converted where the frame's dtype differs, e.g. datetime64 -> date),
        for repeated runs."""
        return Snapshot(tables, schema=self)

    def _compile(self, snapshot: Snapshot) -> "_docket.CompiledRulebook":
        key = snapshot._signature()
        with self._lock:
            compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._native.compile(snapshot._native)
            with self._lock:
                self._compiled[key] = compiled
        return compiled

    def compile(self, tables: Union[Snapshot, Mapping[str, Any]]) -> None:
        """Compiles against the data's shape now (run() does it on first use);
        raises CompileError / DataError for any mistake."""
        snapshot = tables if isinstance(tables, Snapshot) else self.prepare(tables)
        self._compile(snapshot)

    def run(
        self,
        tables: Union[Snapshot, Mapping[str, Any]],
        *,
        as_of: AsOf = None,
        owner: Optional[str] = None,
        params: Optional[Mapping[str, Any]] = None,
        time_zone: Optional[str] = None,
        lists: Optional[Sequence[str]] = None,
        max_rows: Optional[int] = None,
        threads: int = 0,
        history: Optional[Mapping[Any, Any]] = None,
    ) -> Result:
        """Evaluates every list and KPI in one pass over the data.

        Args:
            tables: {table name: DataFrame | dict of arrays | docket.Table},
                or a Snapshot from :meth:`prepare`.  Declared tables not given
                are empty (``result.missing_tables`` names them).
            as_of: the date of ``today`` ("YYYY-MM-DD", date, Timestamp); None
                means today in the rulebook's time zone (as the CLI does).
            owner: run for one owner: every list over a table with an owner
                column (directly or through its parent) sees only their rows.
            params: overrides of the rulebook's params; a str is parsed as the
                param's declared type.
            time_zone: overrides the rulebook's time zone.
            lists: only these lists (and KPIs over them); a str is one list id.
            max_rows: caps the rows kept per list (counts are never capped).
            threads: evaluation threads (0: one per core); never changes results.
            history: older snapshots for prev(), changed(), pct_change(),
                is_new() and ``trigger: entered | exited`` lists:
                ``{date: tables}`` with keys 'YYYY-MM-DD', datetime.date or
                pandas.Timestamp and values as for `tables`.  Snapshots dated
                on or after `as_of` are never read (docs/python.md#history).

        Returns:
            a :class:`docket.Result`.  ``result.notes`` says what the history
            functions could not read (also issued as DocketWarnings).
        """
        if isinstance(lists, str):
            lists = [lists]  # One list id, not its letters.
        snapshot = tables if isinstance(tables, Snapshot) else self.prepare(tables)
        compiled = self._compile(snapshot)
        warnings = list(getattr(snapshot, "warnings", []))
        if owner is not None:
            w = _docket.check_owner(snapshot._native, [], owner)
            if w:
                _warn(w)
                warnings.append(w)
        zone = time_zone or self.time_zone
        day = as_of_date(as_of, zone)
        older = build_history(history, day, snapshot.tables)
        native = compiled.run(snapshot._native, as_of_tuple(day), time_zone, owner, dict(params or {}), threads,
                              list(lists or []), max_rows, older)
        result = Result(native, snapshot, self)
        for n in result.notes:
            _warn(n)
        result.warnings = warnings
        return result

    def evaluate_one(
        self,
        snapshot: Snapshot,
        *,
        as_of: AsOf = None,
        context: "_docket.EvalContext",
        time_zone: Optional[str] = None,
        max_rows: Optional[int] = None,
    ) -> "np.ndarray":
        """The on-change path: the command center (every list, its ordered
        top rows and the KPIs) on a small prepared snapshot (one account and
        its related rows) on the calling thread, reusing ``context`` (a
        :class:`docket.EvalContext`, one per thread), so that the C++ side
        allocates nothing once the context has seen the snapshot.  Returns
        each list's count (int64, in list order); ``context.matches(i)`` gives
        list i's row positions, ``context.kept(i)`` the rows it keeps after
        ``order_by``, ``limit`` and ``max_rows``, ``context.kpis()`` the KPI
        values.  Uses the rulebook's params; for owner scope or params use
        :meth:`run`.
        """
        if not isinstance(snapshot, Snapshot):
            raise TypeError("evaluate_one takes a Snapshot from Rulebook.prepare() (prepared once, reused)")
        # The compiled rulebook for this snapshot, remembered on it: no schema
        # signature is computed per call.
        cached = getattr(snapshot, "_evaluate_one", None)
        if cached is not None and cached[0] is self:
            compiled = cached[1]
        else:
            compiled = self._compile(snapshot)
            snapshot._evaluate_one = (self, compiled)
        zone = time_zone or self.time_zone
        day = as_of_date(as_of, zone)
        _docket.evaluate_one(compiled, snapshot._native, as_of_tuple(day), time_zone, context=context,
                             max_rows=max_rows)
        return context.counts()

    def metrics(
        self,
        tables: Union[Snapshot, Mapping[str, Any]],
        *,
        as_of: AsOf = None,
        owner: Optional[str] = None,
        params: Optional[Mapping[str, Any]] = None,
        time_zone: Optional[str] = None,
        threads: int = 0,
    ) -> MetricsResult:
        """Evaluates the rulebook's metrics, goals and alerts (docs/python.md).

        Arguments as for :meth:`run`; returns a :class:`docket.MetricsResult`
        with ``values()``, ``series()``, ``goals()``, ``alerts()`` and ``plot()``.
        """
        snapshot = tables if isinstance(tables, Snapshot) else self.prepare(tables)
        compiled = self._compile(snapshot)
        zone = time_zone or self.time_zone
        day = as_of_date(as_of, zone)
        text, warnings = _docket.compute_metrics(compiled, snapshot._native, as_of_tuple(day), time_zone, owner,
                                                 dict(params or {}), threads)
        return MetricsResult(text, warnings)

    def __repr__(self) -> str:
        return (f"<docket.Rulebook '{self.name}': {len(self.lists)} lists, {len(self.kpis)} KPIs, "
                f"tables {', '.join(self.tables) or '(from the data)'}>")

    def _repr_html_(self) -> str:
        from ._html import rulebook_html

        return rulebook_html(self)


def _empty(decl: TableDecl) -> Any:
    from .table import _empty_frame

    return _empty_frame(decl)
