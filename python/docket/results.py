"""The results of a rulebook run: counts, list rows, KPIs, the command center."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional

import numpy as np
import pandas as pd

from . import _docket

if TYPE_CHECKING:
    from .rulebook import Rulebook
    from .table import Snapshot

__all__ = ["Result", "ListResult", "CommandCenter", "HORIZONS"]

HORIZONS = ("today", "upcoming", "past")


class ListResult:
    """One list of a run.

    Attributes:
        id, title, horizon ("today" | "upcoming" | "past"), table, action,
        resources ([(title, url)]), show (the shown columns, parent fields
        such as ``account.name`` included), count (every matching row in
        scope), diagnostics ({division_by_zero, int_overflow, orphan_rows}:
        ``orphan_rows`` counts the rows of the tables the rule reads through a
        relation — an aggregate's child table, a parent field's own table —
        that have no parent).
    """

    def __init__(self, result: "Result", index: int, info: Dict[str, Any]) -> None:
        self._result = result
        self._index = index
        self.id: str = info["id"]
        self.title: str = info["title"]
        self.horizon: str = info["horizon"]
        self.table: str = info["table"]
        self.action: str = info["action"]
        self.resources: List[tuple] = list(info["resources"])
        self.show: List[str] = list(info["show"])
        self.count: int = info["count"]
        self.diagnostics: Dict[str, int] = dict(info["diagnostics"])
        # `trigger: exited` lists hold rows of an older snapshot (shown with their last values).
        self.trigger: Optional[str] = result._triggers.get(self.id)

    @property
    def rows(self) -> np.ndarray:
        """Positions (0-based) of the list's rows in its table, after order_by and limit."""
        return self._result._native.rows(self._index)

    @property
    def keys(self) -> List[str]:
        """The key of each of :attr:`rows` (the row position when the table has no key)."""
        return self._result._native.keys(self._index)  # A new list, made in C++ (one str per row).

    def mask(self) -> pd.Series:
        """Every matching row in scope (not limited), as a bool Series aligned
        with the table's frame."""
        if self.trigger == "exited":
            raise ValueError(f"list '{self.id}' is 'trigger: exited': its rows are rows of an older snapshot, "
                             "not of the current frame; use .frame() or .keys")
        table = self._result._snapshot.tables[self.table]
        return pd.Series(self._result._native.matches(self._index), index=table.index, copy=False)

    @property
    def types(self) -> Dict[str, str]:
        """{column: docket type} of the columns :meth:`frame` can return: the
        table's own columns, then the parent fields the list shows or orders by."""
        return dict(self._result._native.data_columns(self._index))

    @property
    def parent_fields(self) -> List[str]:
        """The parent fields (``account.name``, ``success_plan.account.name``)
        the list shows or orders by: columns of :meth:`frame` that docket
        read through the table's parents."""
        if self.trigger == "exited":
            own = set(self._result._snapshot.tables[self.table].types)
            return [n for n, _ in self._result._native.data_columns(self._index) if n not in own and "." in n]
        own = set(self._result._snapshot.tables[self.table].types)
        return [n for n, _ in self._result._native.data_columns(self._index) if n not in own]

    def frame(self, columns: Optional[List[str]] = None) -> pd.DataFrame:
        """The list's rows (ordered and limited) with its shown columns (or
        `columns`), indexed as in the table's frame.

        The table's own columns come from its frame (pandas' dtypes).  Parent
        fields (``account.name``) come from docket's result, gathered in C++
        for the list's rows; NULL where a row has no parent.  Their dtype is
        the parent frame column's where it fits (object strings, float64,
        datetime64 with its unit and time zone, category, nullable dtypes);
        an int or bool field with NULLs becomes ``Int64`` / ``boolean``.
        `columns` may name the table's columns and the parent fields the list
        shows or orders by (:attr:`parent_fields`).
        """
        result = self._result
        table = result._snapshot.tables[self.table]
        cols = list(columns) if columns is not None else list(self.show)
        frame = table.frame
        parents = set(self.parent_fields)
        rows = self.rows
        if self.trigger == "exited":
            # Rows of the older snapshot: every column from docket's result, indexed by key.
            out = pd.DataFrame(index=pd.Index(self.keys, name=table.key))
            from_frame = []
        else:
            from_frame = [c for c in cols if c not in parents and c in frame.columns]
            # Column-wise: only the columns asked for are gathered at `rows`
            # (frame.iloc[rows] would take every column of the frame first).
            out = frame.iloc[rows, frame.columns.get_indexer(list(dict.fromkeys(from_frame)))]
        computed = [c for c in dict.fromkeys(cols) if c not in from_frame]
        if computed:
            out = out.copy()
            for c in computed:
                parts = result._native.column(self._index, c)
                if parts is None:
                    raise KeyError(
                        f"list '{self.id}' has no column '{c}': use a column of table '{self.table}' or a parent "
                        f"field the list shows or orders by ({', '.join(sorted(parents)) or 'none'})")
                series = _series_from_parts(parts, out.index, c, _parent_dtype(result._snapshot, self.table, c))
                out[c] = series.array  # Positional (the frame's index may repeat labels).
        return out[cols]

    def _display_rows(self, top: int) -> List[List[str]]:
        """The shown cells of the first `top` rows as the command center shows them (C++)."""
        return _docket.display_rows(self._result._native, self._index, top)

    def __len__(self) -> int:
        return self.count

    def __repr__(self) -> str:
        return f"<docket.ListResult '{self.id}' ({self.horizon}): {self.count} rows>"

    def _repr_html_(self) -> str:
        from ._html import list_html

        return list_html(self, top=None)


def _parent_dtype(snapshot: "Snapshot", table: str, dotted: str) -> Any:
    """The dtype of the frame column a parent field (``success_plan.account.name``)
    reads, or None when the path does not resolve to a frame column (the
    relations are walked in C++: storage/relations.h)."""
    source = _docket.parent_field_source(snapshot._native.schema(), table, dotted)
    if source is None or source[0] not in snapshot.tables:
        return None
    frame = snapshot.tables[source[0]].frame
    if source[1] not in frame.columns:
        return None
    return frame[source[1]].dtype


def _series_from_parts(parts: tuple, index: pd.Index, name: str, like: Any = None) -> pd.Series:
    """A Series from docket's column parts (see ``RulebookResult.column``):
    numpy arrays, no Python work per row.  `like` is the dtype to match when
    it fits (the parent frame column's)."""
    kind, values, nulls, categories, unit = parts
    mask = nulls if nulls is not None else np.zeros(len(values), dtype=bool)
    data: Any
    if kind == "string":
        if isinstance(like, pd.CategoricalDtype):
            data = pd.Categorical.from_codes(values, categories=pd.Index(categories, dtype=object)).astype(like)
        else:
            lookup = np.empty(len(categories) + 1, dtype=object)
            lookup[: len(categories)] = categories
            lookup[-1] = None  # Code -1 (NULL).
            data = lookup[values]
            if isinstance(like, pd.StringDtype):
                data = pd.array(data, dtype=like)
    elif kind == "bool":
        if nulls is not None or isinstance(like, pd.BooleanDtype):
            data = pd.arrays.BooleanArray(values, mask)
        else:
            data = values
    elif kind == "int":
        if nulls is not None or _is_nullable_int(like):
            data = pd.arrays.IntegerArray(values, mask)
            if _is_nullable_int(like):
                data = data.astype(like)
        else:
            data = values
    elif kind == "float":
        if isinstance(like, pd.api.extensions.ExtensionDtype) and getattr(like, "kind", "") == "f":
            data = pd.arrays.FloatingArray(values, mask).astype(like)
        else:
            data = values
    else:  # date, timestamp
        stamps = values.view(f"datetime64[{unit or 'D'}]")
        if kind == "date" and like is not None and not _is_datetime(like):
            data = stamps.astype(object)  # datetime.date objects (None for NULL), as the parent frame holds.
        else:
            naive = isinstance(like, np.dtype) and like.kind == "M"
            try:
                index_ = pd.DatetimeIndex(stamps)
                if kind == "timestamp" and isinstance(like, pd.DatetimeTZDtype):
                    index_ = index_.tz_localize("UTC").tz_convert(like.tz)
                elif kind == "timestamp" and not naive:
                    index_ = index_.tz_localize("UTC")  # An instant, as docket's scalars are.
                elif naive and index_.dtype != like:
                    index_ = index_.astype(like)  # The parent frame's unit.
                data = index_
            except (pd.errors.OutOfBoundsDatetime, OverflowError, ValueError, TypeError):
                data = stamps.astype(object)  # Beyond pandas' range: dates / datetimes.
    return pd.Series(data, index=index, name=name, copy=False)


def _is_nullable_int(dtype: Any) -> bool:
    return isinstance(dtype, pd.api.extensions.ExtensionDtype) and getattr(dtype, "kind", "") in ("i", "u")


def _is_datetime(dtype: Any) -> bool:
    return isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype) and dtype.kind == "M")


class _ResultViews:
    """What :class:`Result` and ``docket.dask.DaskResult`` share: lookups,
    counts, KPIs, relations and the command center over ``self.lists``,
    ``self._kpis`` and ``self._relations``.  Rendering is C++'s
    (``_render_command_center``), as ``docket run`` prints it."""

    name: str
    as_of: _dt.date
    time_zone: str
    owner: Optional[str]
    lists: List[Any]
    _by_id: Dict[str, Any]
    _kpis: List[Dict[str, Any]]
    _relations: List[Dict[str, Any]]

    # -- lists ------------------------------------------------------------------

    def list(self, list_id: str) -> Any:
        """The list result of `list_id` (KeyError naming the lists when unknown)."""
        try:
            return self._by_id[list_id]
        except KeyError:
            raise KeyError(f"no list '{list_id}' in this result; the lists are: {', '.join(self._by_id)}") from None

    def __getitem__(self, list_id: str) -> pd.DataFrame:
        """The rows of list `list_id` with its shown columns, in the list's order."""
        return self.list(list_id).frame()

    def __contains__(self, list_id: object) -> bool:
        return list_id in self._by_id

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self.lists)

    def keys(self, list_id: str) -> List[str]:
        """The keys of list `list_id`'s rows (ordered and limited)."""
        return self.list(list_id).keys

    def relations(self) -> pd.DataFrame:
        """The relations (child table → parent table) the run read through,
        one row each: ``table``, ``parent``, ``null_keys`` (child rows whose
        parent key is NULL) and ``missing_keys`` (child rows whose parent key
        is not in the parent table).  Such rows have no parent: no aggregate
        counts them and their parent fields are NULL.  See also
        :attr:`orphans` and each list's ``diagnostics["orphan_rows"]``."""
        return _relations_frame(self._relations)

    @property
    def orphans(self) -> int:
        """Child rows without a parent, over every relation read (0 when the data is consistent)."""
        return sum(r["null_keys"] + r["missing_keys"] for r in self._relations)

    @property
    def relation_notes(self) -> List[str]:
        """One sentence per relation with child rows that have no parent, as
        the command center (and ``docket run``) prints them after ``note:``."""
        return list(_docket.orphan_notes(self._relations))

    def counts(self) -> pd.DataFrame:
        """One row per list: list, title, horizon, count (in rulebook order)."""
        return pd.DataFrame(
            {
                "list": [l.id for l in self.lists],
                "title": [l.title for l in self.lists],
                "horizon": [l.horizon for l in self.lists],
                "count": np.array([l.count for l in self.lists], dtype=np.int64),
            }
        )

    # -- KPIs -------------------------------------------------------------------

    def kpis(self) -> pd.DataFrame:
        """One row per KPI: kpi, title, list, measure, value (over every row in scope)."""
        return pd.DataFrame(
            {
                "kpi": [k["id"] for k in self._kpis],
                "title": [k["title"] for k in self._kpis],
                "list": [k["list"] for k in self._kpis],
                "measure": [k["measure"] for k in self._kpis],
                "value": pd.Series([k["value"] for k in self._kpis], dtype=object),
            }
        )

    def kpi(self, kpi_id: str) -> pd.DataFrame:
        """The values of one KPI: per owner (columns owner, value) for
        ``by: owner`` KPIs, otherwise one row with the overall value."""
        for k in self._kpis:
            if k["id"] == kpi_id:
                if k["by_owner"]:
                    return pd.DataFrame(k["groups"], columns=["owner", "value"])
                return pd.DataFrame({"value": [k["value"]]})
        raise KeyError(f"no KPI '{kpi_id}' in this result; the KPIs are: {', '.join(k['id'] for k in self._kpis)}")

    def kpi_value(self, kpi_id: str) -> Any:
        """The overall value of one KPI (a Python scalar, None for NULL)."""
        for k in self._kpis:
            if k["id"] == kpi_id:
                return k["value"]
        raise KeyError(f"no KPI '{kpi_id}'")

    # -- views ------------------------------------------------------------------

    def command_center(self, top: int = 5, width: int = 100) -> "CommandCenter":
        """The command center: every list's count and top rows, grouped by
        horizon; ``str()`` of it is what ``docket run`` prints."""
        return CommandCenter(self, top=top, width=width)

    def _render_command_center(self, top: int, width: int) -> str:
        raise NotImplementedError

    def to_dict(self) -> Dict[str, Any]:
        """The run as plain data, shaped like ``docket run --format json``."""
        return {
            "rulebook": self.name,
            "as_of": self.as_of.isoformat(),
            "time_zone": self.time_zone,
            "owner": self.owner,
            "lists": [
                {"id": l.id, "title": l.title, "horizon": l.horizon, "count": l.count, "keys": l.keys}
                for l in self.lists
            ],
            "kpis": [
                {"id": k["id"], "value": _jsonable(k["value"]),
                 **({"by_owner": {o: _jsonable(v) for o, v in k["groups"]}} if k["by_owner"] else {})}
                for k in self._kpis
            ],
            "relations": [dict(r) for r in self._relations],
        }

    def _repr_html_(self) -> str:
        return self.command_center()._repr_html_()


class Result(_ResultViews):
    """What one rulebook run produced.

    ``res.counts()`` is a DataFrame of every list's count; ``res[list_id]``
    the list's rows (shown columns, parent fields included, ordered and
    limited); ``res.kpis()`` the KPI values; ``res.relations()`` the child
    rows without a parent per relation read; ``res.command_center()`` the
    CSM's view grouped by horizon (also what a notebook displays for
    ``res``).

    Attributes:
        name: the rulebook's name.  as_of: the date used.  time_zone: the zone
        used.  owner: the owner scope (None: everyone).  missing_tables:
        declared tables that were not given (treated as empty).  warnings:
        legal but suspicious inputs (also issued as docket.DocketWarning).
    """

    def __init__(self, native: "_docket.RulebookResult", snapshot: "Snapshot", rulebook: "Rulebook") -> None:
        self._native = native
        self._snapshot = snapshot
        self._rulebook = rulebook
        self.name: str = native.name
        self.as_of: _dt.date = native.as_of
        self.time_zone: str = native.time_zone
        self.owner: Optional[str] = native.owner
        self.missing_tables: List[str] = list(snapshot.missing_tables)
        # Legal but suspicious inputs (a declared table given no data, an owner who owns no row);
        # each was also issued as a docket.DocketWarning (stderr).
        self.warnings: List[str] = list(getattr(snapshot, "warnings", []))
        self._triggers: Dict[str, Any] = {l["id"]: l.get("trigger") for l in rulebook.lists}
        self.lists: List[ListResult] = [ListResult(self, i, info) for i, info in enumerate(native.lists())]
        self._by_id = {l.id: l for l in self.lists}
        self._kpis: List[Dict[str, Any]] = list(native.kpis())
        self._relations: List[Dict[str, Any]] = list(native.relations())
        # What the history functions could not read (no history, no snapshot old enough, a missing
        # column in an older snapshot), one line each; also issued as DocketWarnings.
        self.notes: List[str] = list(native.notes)

    def list(self, list_id: str) -> ListResult:
        """The :class:`ListResult` of `list_id` (KeyError naming the lists when unknown)."""
        return super().list(list_id)

    def _render_command_center(self, top: int, width: int) -> str:
        return _docket.render_command_center(self._native, top, width)

    def __repr__(self) -> str:
        who = self.owner if self.owner is not None else "everyone"
        return (f"<docket.Result '{self.name}' for {who} as of {self.as_of}: {len(self.lists)} lists, "
                f"{sum(l.count for l in self.lists)} rows>")


def _relations_frame(relations: List[Dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "table": [r["table"] for r in relations],
            "parent": [r["parent"] for r in relations],
            "null_keys": np.array([r["null_keys"] for r in relations], dtype=np.int64),
            "missing_keys": np.array([r["missing_keys"] for r in relations], dtype=np.int64),
        }
    )


def _jsonable(v: Any) -> Any:
    if isinstance(v, (_dt.date, pd.Timestamp)):
        return v.isoformat()
    return v


class CommandCenter:
    """For one owner (or everyone): every list's count and top rows, grouped
    by horizon (Today, Upcoming, Past), the KPIs and the notes.  ``str()`` is
    the text ``docket run`` prints (rendered in C++, `width` columns, `top`
    rows per list); HTML in Jupyter."""

    def __init__(self, result: _ResultViews, top: int = 5, width: int = 100) -> None:
        self.result = result
        self.top = top
        self.width = width

    def horizon(self, horizon: str) -> List[Any]:
        """The lists of one horizon, in rulebook order."""
        if horizon not in HORIZONS:
            raise ValueError(f"horizon must be one of {HORIZONS}")
        return [l for l in self.result.lists if l.horizon == horizon]

    def to_frame(self) -> pd.DataFrame:
        """One row per list: horizon, list, title, count, action (grouped by horizon)."""
        rows = [(h, l.id, l.title, l.count, l.action) for h in HORIZONS for l in self.horizon(h)]
        return pd.DataFrame(rows, columns=["horizon", "list", "title", "count", "action"])

    def __str__(self) -> str:
        return self.result._render_command_center(self.top, self.width)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        from ._html import command_center_html

        return command_center_html(self)
