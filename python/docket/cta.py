"""Calls-to-action (CTAs) kept in an SQLite store: raise them from a
rulebook's ``ctas:`` rules, then work the queue.

Example::

    book = docket.Rulebook.load("examples/rulebooks/pooled_csm.yaml")
    store = docket.CtaStore("ctas.db")                 # created on first use
    report = store.sync(book, {"accounts": accounts_df}, as_of="2026-11-22",
                        history=weekly)   # optional: {"2026-10-18": {"accounts": df}, ...}; pooled_csm's
                                          # usage and transition lists need a snapshot 30+ days old
    report["created"], report["ctas"]                  # counts; a DataFrame of what changed
    queue = store.list(queue="pool")                   # DataFrame, open CTAs by priority and due date
    store.claim(int(queue.id[0]), owner="Dana Iyer")
    store.snooze(cta_id, until="2026-12-15", reason="customer on holiday")
    store.close(cta_id, outcome="back on track")
    store.show(cta_id)["events"]                       # the CTA's event log

The store refuses files that are not docket's (and never writes to them),
stores of a newer schema, an ``as_of`` older than its latest sync, and a sync
that would create more than ``max_ctas_per_sync`` CTAs — each a
:class:`docket.DataError`.  A CTA someone else claimed first raises
:class:`docket.DataError` naming them.  See docs/rulebooks.md ("ctas").
"""

from __future__ import annotations

import getpass
import os
from typing import Any, Dict, List, Mapping, Optional, Union

import pandas as pd

from . import _docket
from ._history import build_history
from ._options import AsOf, as_of_date, as_of_tuple
from .rulebook import Rulebook
from .table import Snapshot, _warn

__all__ = ["CtaStore"]

_COLUMNS = ["id", "type", "reason", "name", "key", "owner", "queue", "status", "priority", "created", "due",
            "closed", "outcome", "snoozed_until", "rule", "list", "action"]


def _frame(rows: List[Dict[str, Any]], extra: Optional[List[str]] = None) -> pd.DataFrame:
    columns = _COLUMNS + (extra or [])
    frame = pd.DataFrame(rows, columns=columns)
    frame["id"] = frame["id"].astype("int64")
    return frame


def _who(by: Optional[str]) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except Exception:  # No user name in this environment.
        return "unknown"


class CtaStore:
    """A CTA store (one SQLite file); see the module's docstring.

    Args:
        path: the store's file; a missing or empty file becomes a new store.
        create: False to raise instead of creating a missing store.
    """

    def __init__(self, path: Union[str, "os.PathLike[str]"], *, create: bool = True) -> None:
        self._native = _docket.CtaStore(os.fspath(path), create)

    @property
    def path(self) -> str:
        return self._native.path

    def latest_sync(self):
        """The as_of of the latest sync (a date), or None."""
        return self._native.latest_sync()

    def sync(
        self,
        book: Rulebook,
        tables: Union[Snapshot, Mapping[str, Any]],
        *,
        as_of: AsOf = None,
        history: Any = None,
        by: str = "docket.CtaStore.sync",
        threads: int = 0,
        max_ctas_per_sync: Optional[int] = None,
    ) -> Dict[str, Any]:
        """Evaluates the rulebook's trigger lists over `tables` and applies
        them to the store in one transaction (the GIL is released meanwhile).

        Returns {as_of, created, updated, closed, unchanged, open, ctas, …}
        where ``ctas`` is a DataFrame of the CTAs this sync created, updated
        or closed (column ``change``).

        ``history``: older snapshots, ``{date: tables}`` as for
        :meth:`docket.Rulebook.run` — the trigger lists' prev(), changed(),
        pct_change(), is_new() and ``trigger: entered | exited`` read them.
        Owner changes are still decided against the owner recorded on each
        CTA (docs/rulebooks.md, "Owner changes").  ``report["notes"]`` says
        what the history functions could not read.
        """
        snapshot = tables if isinstance(tables, Snapshot) else book.prepare(tables)
        compiled = book._compile(snapshot)
        day = as_of_date(as_of, book.time_zone)
        older = build_history(history, day, snapshot.tables)
        report = dict(self._native.sync(compiled, snapshot._native, as_of_tuple(day), by, threads, max_ctas_per_sync,
                                        older))
        for n in report.get("notes", []):
            _warn(n)
        report["ctas"] = _frame(report["ctas"], ["change"])
        return report

    def list(self, *, owner: Optional[str] = None, queue: Optional[str] = None, status: str = "open") -> pd.DataFrame:
        """CTAs as a DataFrame (status: open, snoozed, closed or all), by
        priority, due date and id."""
        if owner is not None and queue is not None:
            raise ValueError("give owner or queue, not both")
        return _frame(list(self._native.list(owner, queue, status)))

    def show(self, cta_id: int) -> Dict[str, Any]:
        """One CTA with its resources, tasks and event log."""
        return dict(self._native.show(int(cta_id)))

    def claim(self, cta_id: int, owner: str, *, by: Optional[str] = None) -> Dict[str, Any]:
        """Takes a CTA waiting in a queue (DataError naming the owner when taken)."""
        return dict(self._native.claim(int(cta_id), owner, by or owner))

    def close(self, cta_id: int, outcome: str, *, by: Optional[str] = None) -> Dict[str, Any]:
        return dict(self._native.close(int(cta_id), outcome, _who(by)))

    def snooze(self, cta_id: int, until: AsOf, reason: str, *, by: Optional[str] = None) -> Dict[str, Any]:
        """Snoozes until a date: the first sync on or after it reopens the CTA."""
        day = as_of_date(until, None)
        return dict(self._native.snooze(int(cta_id), as_of_tuple(day), reason, _who(by)))

    def reassign(self, cta_id: int, owner: str, *, by: Optional[str] = None) -> Dict[str, Any]:
        return dict(self._native.reassign(int(cta_id), owner, _who(by)))

    def __repr__(self) -> str:
        return f"<docket.CtaStore {self.path!r}>"
