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
_HORIZON_TITLES = {"today": "Today", "upcoming": "Upcoming", "past": "Past"}


class ListResult:
    """One list of a run.

    Attributes:
        id, title, horizon ("today" | "upcoming" | "past"), table, action,
        resources ([(title, url)]), show (the shown columns), count (every
        matching row in scope), diagnostics ({division_by_zero, int_overflow,
        orphan_rows}).
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

    @property
    def rows(self) -> np.ndarray:
        """Positions (0-based) of the list's rows in its table, after order_by and limit."""
        return self._result._native.rows(self._index)

    @property
    def keys(self) -> List[str]:
        """The key of each of :attr:`rows` (the row position when the table has no key)."""
        return list(self._result._native.keys(self._index))

    def mask(self) -> pd.Series:
        """Every matching row in scope (not limited), as a bool Series aligned
        with the table's frame."""
        table = self._result._snapshot.tables[self.table]
        return pd.Series(self._result._native.matches(self._index), index=table.index, copy=False)

    def frame(self, columns: Optional[List[str]] = None) -> pd.DataFrame:
        """The list's rows (ordered and limited) with its shown columns (or
        `columns`), indexed as in the table's frame."""
        table = self._result._snapshot.tables[self.table]
        cols = list(columns) if columns is not None else self.show
        frame = table.frame
        present = [c for c in cols if c in frame.columns]
        out = frame.iloc[self.rows][present]
        missing = [c for c in cols if c not in frame.columns]
        if missing:  # Not in the frame (e.g. undeclared): docket's own values.
            out = out.copy()
            for c in missing:
                out[c] = self._result._native.cells(self._index, c)
        return out[cols]

    def __len__(self) -> int:
        return self.count

    def __repr__(self) -> str:
        return f"<docket.ListResult '{self.id}' ({self.horizon}): {self.count} rows>"

    def _repr_html_(self) -> str:
        from ._html import list_html

        return list_html(self, top=None)


class Result:
    """What one rulebook run produced.

    ``res.counts()`` is a DataFrame of every list's count; ``res[list_id]``
    the list's rows (shown columns, ordered and limited); ``res.kpis()`` the
    KPI values; ``res.command_center()`` the CSM's view grouped by horizon
    (also what a notebook displays for ``res``).

    Attributes:
        name: the rulebook's name.  as_of: the date used.  time_zone: the zone
        used.  owner: the owner scope (None: everyone).  missing_tables:
        declared tables that were not given (treated as empty).
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
        self.lists: List[ListResult] = [ListResult(self, i, info) for i, info in enumerate(native.lists())]
        self._by_id = {l.id: l for l in self.lists}
        self._kpis: List[Dict[str, Any]] = list(native.kpis())

    # -- lists ------------------------------------------------------------------

    def list(self, list_id: str) -> ListResult:
        """The :class:`ListResult` of `list_id` (KeyError naming the lists when unknown)."""
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

    def command_center(self, top: int = 5) -> "CommandCenter":
        """The command center: every list's count and top rows, grouped by horizon."""
        return CommandCenter(self, top=top)

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
        }

    def __repr__(self) -> str:
        who = self.owner if self.owner is not None else "everyone"
        return (f"<docket.Result '{self.name}' for {who} as of {self.as_of}: {len(self.lists)} lists, "
                f"{sum(l.count for l in self.lists)} rows>")

    def _repr_html_(self) -> str:
        return self.command_center()._repr_html_()


def _jsonable(v: Any) -> Any:
    if isinstance(v, (_dt.date, pd.Timestamp)):
        return v.isoformat()
    return v


class CommandCenter:
    """For one owner (or everyone): every list's count and top rows, grouped
    by horizon (Today, Upcoming, Past), and the KPI cards.  Renders as HTML in
    Jupyter and as text with ``print``."""

    def __init__(self, result: Result, top: int = 5) -> None:
        self.result = result
        self.top = top

    def horizon(self, horizon: str) -> List[ListResult]:
        """The lists of one horizon, in rulebook order."""
        if horizon not in HORIZONS:
            raise ValueError(f"horizon must be one of {HORIZONS}")
        return [l for l in self.result.lists if l.horizon == horizon]

    def to_frame(self) -> pd.DataFrame:
        """One row per list: horizon, list, title, count, action (grouped by horizon)."""
        rows = [(h, l.id, l.title, l.count, l.action) for h in HORIZONS for l in self.horizon(h)]
        return pd.DataFrame(rows, columns=["horizon", "list", "title", "count", "action"])

    def __str__(self) -> str:
        r = self.result
        who = r.owner if r.owner is not None else "everyone"
        lines = [f"{r.name} — command center for {who}, as of {r.as_of}"]
        for h in HORIZONS:
            lists = self.horizon(h)
            if not lists:
                continue
            lines.append("")
            lines.append(f"{_HORIZON_TITLES[h]} ({sum(l.count for l in lists)})")
            for l in lists:
                lines.append(f"  {l.count:>6}  {l.title}")
                if self.top and l.count:
                    keys = l.keys[: self.top]
                    more = f" (+{l.count - len(keys)})" if l.count > len(keys) else ""
                    lines.append(f"          {', '.join(keys)}{more}")
        if r._kpis:
            lines.append("")
            lines.append("KPIs")
            for k in r._kpis:
                lines.append(f"  {k['title']}: {_format_value(k['value'])}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        from ._html import command_center_html

        return command_center_html(self)


def _format_value(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.2f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return str(v)
