"""docket on Dask: one rulebook over data partitioned by account, the same
answers as one machine.

::

    import dask.dataframe as dd
    from distributed import Client
    import docket, docket.dask

    client = Client("tcp://scheduler:8786")          # or a LocalCluster
    book = docket.Rulebook.load("examples/rulebooks/csm_hub.yaml")
    tables = {"accounts": dd.read_parquet("s3://…/accounts"), "contacts": …, "tasks": …}
    res = docket.dask.run(book, tables, as_of="2026-11-22", owner="Alice Chen")
    res.counts(); res["tasks_due"]; res.kpis(); res.to_dask("outdated_pulse")

How it works: every table is co-partitioned by account — a table without a
parent by a hash of its key, a child by its parent key through its relation,
a grandchild through its parent — so an account's related rows share its
partition.  Each partition runs :meth:`docket.Rulebook.run` in the C++ engine
(the rulebook travels as its YAML text), and the client merges the partial
results exactly: counts add up; kept rows are a top-k merge with the same
order and ties as one machine (every row carries its position in the whole
table); KPIs merge from partials (sums and value counts, distinct sets, the
partitions' minima and maxima).  See docs/scale-out.md.

Importing ``docket`` does not import Dask; this module does.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import threading
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

import dask
import dask.dataframe as dd

from . import _docket
from ._options import as_of_date
from .errors import DataError, Error
from .results import _ResultViews, _series_from_parts
from .rulebook import Rulebook

__all__ = ["run", "DaskResult", "DaskListResult", "ClusterError", "NotSupportedError"]

POS = "__docket_pos__"      # A row's position in its whole table (ties break by it, as on one machine).
ROUTE = "__docket_route__"  # A hash of the row's account key: decides its partition.
UNASSIGNED = "(unassigned)"
_INT64_MAX = 2 ** 63 - 1


class ClusterError(Error, RuntimeError):
    """The run on the cluster failed (a worker lost more often than Dask
    retries, a partition's result missing): no partial result is returned."""


class NotSupportedError(Error, NotImplementedError):
    """An argument docket.dask does not support yet (``history=``)."""


# -- the public entry point ------------------------------------------------------------------------------------------


def run(book: Rulebook, tables: Mapping[str, Any], *, as_of: Any, owner: Optional[str] = None,
        params: Optional[Mapping[str, Any]] = None, history: Any = None, lists: Optional[Sequence[str]] = None,
        max_rows: Optional[int] = None) -> "DaskResult":
    """Runs `book` over `tables` partitioned by account on the active Dask
    scheduler (a ``distributed.Client`` when one exists, else Dask's local
    scheduler) and merges the partitions' results exactly.

    Args:
        book: a :class:`docket.Rulebook` that declares its tables (keys and
            relations decide the partitions).
        tables: {declared table name: Dask DataFrame | pandas DataFrame}.
            The number of partitions is the largest ``npartitions`` of the
            Dask frames given, else ``dask.config.get("docket.partitions")``,
            else the cluster's worker threads.  Declared tables not given are
            empty, as in :meth:`Rulebook.run`.
        as_of: the date of ``today`` (str, date, Timestamp); None means today
            in the rulebook's time zone, fixed once on the client.
        owner, params, lists, max_rows: as in :meth:`Rulebook.run`.
        history: not supported yet (raises :class:`NotSupportedError`).

    Returns:
        a :class:`DaskResult` with the API of :class:`docket.Result`.

    Raises:
        DataError / CompileError: bad input, before any work is sent — an
        undeclared table (with did-you-mean), a missing key, parent key or
        declared column, a duplicate or NULL key, unknown lists or params.
        ClusterError: the cluster lost a partition (a worker killed more often
        than Dask retries it); never a partial result.
    """
    return _run(book, tables, as_of=as_of, owner=owner, params=params, history=history, lists=lists,
                max_rows=max_rows)


def _run(book: Rulebook, tables: Mapping[str, Any], *, as_of: Any, owner: Optional[str] = None,
         params: Optional[Mapping[str, Any]] = None, history: Any = None, lists: Optional[Sequence[str]] = None,
         max_rows: Optional[int] = None, npartitions: Optional[int] = None,
         hook: Optional[Callable[[int], None]] = None) -> "DaskResult":
    """run() with the partition count and a per-partition hook (tests)."""
    if not isinstance(book, Rulebook):
        raise TypeError(f"book must be a docket.Rulebook, not {type(book).__name__}")
    if history is not None:
        raise _error(NotSupportedError,
            "docket.dask.run: history= is not supported yet",
            "run history functions (prev, changed, trigger: entered) with Rulebook.run on one machine")
    if not isinstance(tables, Mapping):
        raise TypeError(f"tables must map table names to DataFrames, not {type(tables).__name__}")
    if max_rows is not None and (not isinstance(max_rows, (int, np.integer)) or max_rows < 0):
        raise ValueError(f"max_rows must be a non-negative int, not {max_rows!r}")
    lists = None if lists is None else [str(l) for l in ([lists] if isinstance(lists, str) else lists)]
    day = as_of_date(as_of, book.time_zone)
    clock = [time.perf_counter()]
    timings: Dict[str, float] = {}

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = now - clock[0]
        clock[0] = now

    layout = _Layout(book, tables)
    # Everything that can be checked on the shape alone — the rulebook against
    # the columns' dtypes, params, lists, owner — by a run over empty frames.
    skeleton = book.run(layout.empty_frames(), as_of=day, owner=owner, params=params, lists=lists,
                        max_rows=max_rows, threads=1)
    n = layout.partition_count(npartitions)
    spec = _Spec(day, owner, dict(params or {}), lists, max_rows, hook)
    lap("checks")
    inputs, client = layout.partition(n)
    if client is not None:
        # Kept on the workers while the result lives (to_dask() reads them again); a worker's
        # loss recomputes them from the graph.
        inputs = list(client.persist(inputs))
    lap("partition")
    results = _compute(inputs, book, spec, client)
    _check_complete(results, n, layout.rows)
    lap("compute")
    out = DaskResult(book, skeleton, results, layout, inputs, spec, client)
    lap("merge")
    out.timings = timings
    return out


# -- layout: tables, relations, partitions ---------------------------------------------------------------------------


class _Spec:
    """The run's options, shipped to every partition."""

    def __init__(self, day: _dt.date, owner: Optional[str], params: Dict[str, Any], lists: Optional[List[str]],
                 max_rows: Optional[int], hook: Optional[Callable[[int], None]]) -> None:
        self.day = day
        self.owner = owner
        self.params = params
        self.lists = lists
        self.max_rows = max_rows
        self.hook = hook


def _did_you_mean(name: str, options: Sequence[str]) -> Optional[str]:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


class _Layout:
    """The given tables, their declarations and how each reaches its account."""

    def __init__(self, book: Rulebook, tables: Mapping[str, Any]) -> None:
        declared = book.tables
        if not declared:
            raise _error(DataError,
                f"rulebook '{book.name}' declares no tables: docket.dask partitions the data by the declared keys "
                "and relations",
                "add a tables: section (key, owner, parent) to the rulebook")
        self.book = book
        self.declared = declared
        self.frames: Dict[str, Any] = {}
        for name, frame in tables.items():
            name = str(name)
            if name not in declared:
                hint = _did_you_mean(name, declared) or f"the rulebook declares: {', '.join(declared)}"
                raise _error(DataError, f"table '{name}' is not declared by rulebook '{book.name}'", hint)
            if not isinstance(frame, (pd.DataFrame, dd.DataFrame)):
                raise TypeError(f"table '{name}': docket.dask takes a Dask or pandas DataFrame, "
                                f"not {type(frame).__name__}")
            self.frames[name] = frame
        for name, frame in self.frames.items():
            self._check_columns(name, frame)
        self.rows: Dict[str, int] = {}
        self._check_keys()

    # The columns a table needs: its parent key first (it decides the partition), its key, then the rest.
    def _check_columns(self, name: str, frame: Any) -> None:
        decl = self.declared[name]
        have = [str(c) for c in frame.columns]
        parent = decl.get("parent")
        if parent is not None and parent[1] not in have:
            raise _error(DataError,
                f"table '{name}': column '{parent[1]}' (its parent key: the relation to {parent[0]}) is not in the "
                "data; docket.dask partitions a child table by it",
                _did_you_mean(parent[1], have) or f"the data's columns are: {', '.join(have)}")
        key = decl.get("key")
        if key and key not in have:
            raise _error(DataError, f"table '{name}': key column '{key}' is not in the data",
                            _did_you_mean(key, have) or f"the data's columns are: {', '.join(have)}")
        for col, typ in decl["columns"]:
            if col not in have:
                raise _error(DataError,
                    f"table '{name}': column '{col}' ({typ}) is declared but not in the data",
                    f"the data's columns are: {', '.join(have)}")
        for reserved in (POS, ROUTE):
            if reserved in have:
                raise _error(DataError, f"table '{name}': column '{reserved}' is reserved by docket.dask")

    def _check_keys(self) -> None:
        """Row counts, and every key unique and not NULL across all
        partitions (a partition sees only its own rows): one pass, before any
        run is sent."""
        lazy: Dict[str, Any] = {}
        for name, frame in self.frames.items():
            key = self.declared[name].get("key")
            if isinstance(frame, pd.DataFrame):
                self.rows[name] = len(frame)
                if key:
                    _check_key_values(name, key, frame[key])
            else:
                parts: Dict[str, Any] = {"lengths": frame.map_partitions(len, meta=(None, "int64"))}
                if key:
                    counts = frame[key].value_counts(dropna=False)
                    parts["dups"] = counts[counts > 1].head(3, npartitions=-1, compute=False)
                    parts["nulls"] = frame[key].isna().sum()
                lazy[name] = parts
        if not lazy:
            return
        (computed,) = dask.compute(lazy)
        for name, parts in computed.items():
            lengths = [int(x) for x in parts["lengths"]]
            self.frames[name] = _with_positions(self.frames[name], lengths)
            self.rows[name] = sum(lengths)
            key = self.declared[name].get("key")
            if key and int(parts["nulls"]):
                raise _error(DataError, f"table '{name}': {int(parts['nulls'])} NULL keys in column '{key}'",
                                "every row needs a key")
            if key and len(parts["dups"]):
                value, times = next(iter(parts["dups"].items()))
                raise _error(DataError,
                    f"table '{name}': duplicate key '{value}' in column '{key}' ({int(times)} rows): keys must be "
                    "unique across all partitions",
                    "drop or merge the duplicate rows before running")

    def empty_frames(self) -> Dict[str, pd.DataFrame]:
        out = {}
        for name, frame in self.frames.items():
            out[name] = frame.iloc[:0] if isinstance(frame, pd.DataFrame) else frame._meta
        return out

    def partition_count(self, requested: Optional[int]) -> int:
        if requested is not None:
            return max(1, int(requested))
        dasks = [f.npartitions for f in self.frames.values() if isinstance(f, dd.DataFrame)]
        if dasks:
            return max(dasks)
        configured = dask.config.get("docket.partitions", None)
        if configured:
            return max(1, int(configured))
        client = _client()
        if client is not None:
            threads = sum(client.nthreads().values())
            if threads:
                return threads
        import os

        return os.cpu_count() or 1

    def _order(self) -> List[str]:
        """Given tables, parents before their children."""
        done: List[str] = []
        for name in self.frames:
            # The given tables above it, up to the first not given (storage/relations.h walks them).
            chain = [name]
            for up in _docket.ancestors(self.book._native, name):
                if up not in self.frames:
                    break
                chain.append(up)
            done.extend(t for t in reversed(chain) if t not in done)
        return done

    def _hashed_by_key(self, name: str) -> bool:
        """Whether a table's route is the hash of its own key (no given parent)."""
        parent = self.declared[name].get("parent")
        return parent is None or parent[0] not in self.frames

    def partition(self, n: int) -> Tuple[List[Any], Any]:
        """The inputs of the n partitions ({table: frame} each, as futures or
        delayed objects) and the distributed client (or None)."""
        client = _client()
        if all(isinstance(f, pd.DataFrame) for f in self.frames.values()):
            return self._partition_pandas(n, client), client
        return self._partition_dask(n), client

    def _route_plan(self, name: str) -> Tuple[str, Optional[str], str]:
        """(how, column, type): 'key' — hash of the table's key; 'via' — hash
        of its parent key (the parent is hashed by its key); 'join' — the
        parent's route through the relation; 'position' — no key, no parent."""
        decl = self.declared[name]
        parent = decl.get("parent")
        types = dict(decl["columns"])
        if parent is None or parent[0] not in self.frames:
            if parent is not None:
                return "via", parent[1], types.get(parent[1], "string")
            if decl.get("key"):
                return "key", decl["key"], types.get(decl["key"], "string")
            return "position", None, ""
        if self._hashed_by_key(parent[0]) and self.declared[parent[0]].get("key"):
            return "via", parent[1], types.get(parent[1], "string")
        return "join", parent[1], types.get(parent[1], "string")

    def _partition_pandas(self, n: int, client: Any) -> List[Any]:
        routes: Dict[str, np.ndarray] = {}
        split: List[Dict[str, pd.DataFrame]] = [dict() for _ in range(n)]
        for name in self._order():
            frame = self.frames[name]
            how, col, typ = self._route_plan(name)
            pos = np.arange(len(frame), dtype=np.int64)
            if how == "position":
                route = pos.astype(np.uint64)
            elif how in ("key", "via"):
                route = _route_of(frame[col], typ, pos)
            else:
                parent = self.declared[name]["parent"][0]
                pdecl = self.declared[parent]
                ptypes = dict(pdecl["columns"])
                pkeys = _normalized(self.frames[parent][pdecl["key"]], ptypes.get(pdecl["key"], "string"))[0]
                cvals, cnull = _normalized(frame[col], typ)
                at = pd.Index(pkeys).get_indexer(cvals)
                fallback = _route_of(frame[col], typ, pos)
                route = np.where((at >= 0) & ~cnull, routes[parent][np.maximum(at, 0)], fallback)
            routes[name] = route
            part = (route % np.uint64(n)).astype(np.int64)
            order = np.argsort(part, kind="stable")
            bounds = np.searchsorted(part[order], np.arange(n + 1))
            with_pos = frame.assign(**{POS: pos})
            for i in range(n):
                split[i][name] = with_pos.take(order[bounds[i]:bounds[i + 1]])
        # Literals in the graph, not scattered: a partition whose worker dies is sent again.
        return [dask.delayed(s, pure=False) for s in split]

    def _partition_dask(self, n: int) -> List[Any]:
        routed: Dict[str, dd.DataFrame] = {}
        for name in self._order():
            frame = self.frames[name]
            if isinstance(frame, pd.DataFrame):
                frame = _with_positions(dd.from_pandas(frame, npartitions=1, sort=False), [len(frame)])
            how, col, typ = self._route_plan(name)
            if how == "position":
                frame = frame.assign(**{ROUTE: frame[POS].astype("uint64")})
            elif how in ("key", "via"):
                frame = frame.map_partitions(_assign_route, col, typ)
            else:
                parent = self.declared[name]["parent"][0]
                pdecl = self.declared[parent]
                lookup = routed[parent][[pdecl["key"], ROUTE]].rename(
                    columns={pdecl["key"]: "__docket_parent_key__", ROUTE: "__docket_parent_route__"})
                lookup = lookup.map_partitions(_normalize_key_column, "__docket_parent_key__",
                                               dict(pdecl["columns"]).get(pdecl["key"], "string"))
                frame = frame.map_partitions(_assign_route, col, typ)
                keyed = frame.map_partitions(_with_join_key, col, typ)
                joined = keyed.merge(lookup, how="left", left_on="__docket_join__",
                                     right_on="__docket_parent_key__", shuffle="tasks")
                frame = joined.map_partitions(_take_parent_route, frame._meta.index.name)
            routed[name] = frame
        out = {}
        for name, frame in routed.items():
            shuffled = frame.shuffle(ROUTE, npartitions=n, shuffle="tasks")
            if shuffled.npartitions != n:
                shuffled = shuffled.repartition(npartitions=n)
            out[name] = shuffled.to_delayed()
        return [dask.delayed(dict)({name: parts[i] for name, parts in out.items()}) for i in range(n)]


def _error(cls: type, message: str, hint: Optional[str] = None) -> Error:
    """A docket error whose text is the message and its hint (as the engine's read)."""
    return cls(f"{message} — {hint}" if hint else message, detail=message, hint=hint)


def _check_key_values(name: str, key: str, values: pd.Series) -> None:
    nulls = int(values.isna().sum())
    if nulls:
        raise _error(DataError, f"table '{name}': {nulls} NULL keys in column '{key}'", "every row needs a key")
    dup = values.duplicated(keep=False).to_numpy()
    if dup.any():
        where = np.flatnonzero(dup)
        first = values.iloc[where[0]]
        again = where[1:][values.iloc[where[1:]].to_numpy() == first]
        rows = f"rows {where[0]} and {again[0]}" if len(again) else f"row {where[0]}"
        raise _error(DataError,
            f"table '{name}': duplicate key '{first}' in column '{key}' ({rows}): keys must be unique across all "
            "partitions",
            "drop or merge the duplicate rows before running")


def _with_positions(frame: dd.DataFrame, lengths: List[int]) -> dd.DataFrame:
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)

    def add(part: pd.DataFrame, partition_info: Optional[dict] = None) -> pd.DataFrame:
        i = partition_info["number"] if partition_info else 0
        return part.assign(**{POS: np.arange(offsets[i], offsets[i] + len(part), dtype=np.int64)})

    meta = frame._meta.assign(**{POS: np.zeros(0, dtype=np.int64)})
    return frame.map_partitions(add, meta=meta)


def _normalized(values: pd.Series, typ: str) -> Tuple[np.ndarray, np.ndarray]:
    """A key column as comparable values (the same for a parent's key and
    its children's parent key) and its NULL mask."""
    null = values.isna().to_numpy()
    if typ == "int":
        out = pd.to_numeric(values, errors="coerce").fillna(0).to_numpy().astype(np.int64)
    elif typ == "string":
        out = values.astype(object).to_numpy()
        out = np.where(null, "", out).astype(object)
        if out.size and not all(isinstance(v, str) for v in out[:1]):
            out = out.astype(str).astype(object)
    else:
        out = values.astype(str).to_numpy().astype(object)
    return out, null


def _route_of(values: pd.Series, typ: str, pos: np.ndarray) -> np.ndarray:
    """The hash of each key (deterministic in every process); NULL keys spread by position."""
    keys, null = _normalized(values, typ)
    h = pd.util.hash_array(keys, categorize=True) if len(keys) else np.zeros(0, dtype=np.uint64)
    return np.where(null, pos.astype(np.uint64), h).astype(np.uint64)


def _assign_route(part: pd.DataFrame, col: str, typ: str) -> pd.DataFrame:
    return part.assign(**{ROUTE: _route_of(part[col], typ, part[POS].to_numpy())})


def _normalize_key_column(part: pd.DataFrame, col: str, typ: str) -> pd.DataFrame:
    return part.assign(**{col: _normalized(part[col], typ)[0]})


def _with_join_key(part: pd.DataFrame, col: str, typ: str) -> pd.DataFrame:
    values, null = _normalized(part[col], typ)
    keys = pd.Series(values, index=part.index, dtype=object).where(~null, None)
    # A merge does not keep the index: carry it as a column.
    return part.assign(__docket_join__=keys, __docket_index__=part.index)


def _take_parent_route(part: pd.DataFrame, index_name: Any) -> pd.DataFrame:
    parent = part["__docket_parent_route__"]
    route = np.where(parent.isna().to_numpy(), part[ROUTE].to_numpy(),
                     parent.fillna(0).to_numpy().astype(np.uint64)).astype(np.uint64)
    out = part.drop(columns=["__docket_join__", "__docket_parent_key__", "__docket_parent_route__",
                             "__docket_index__"])
    out.index = pd.Index(part["__docket_index__"].to_numpy(), name=index_name)
    return out.assign(**{ROUTE: route})


def _client() -> Any:
    try:
        from distributed import get_client
    except ImportError:  # pragma: no cover - python3-distributed is a dependency
        return None
    try:
        return get_client()
    except ValueError:
        return None


# -- one partition (runs on a worker) --------------------------------------------------------------------------------

_BOOKS: Dict[Tuple[str, str], Rulebook] = {}
_BOOKS_LOCK = threading.Lock()


def _cached(book: Rulebook) -> Rulebook:
    """One Rulebook per text in each worker process, so its compiled forms are reused by every partition."""
    key = (book._text or "", book.file)
    with _BOOKS_LOCK:
        if len(_BOOKS) > 32:
            _BOOKS.clear()
        return _BOOKS.setdefault(key, book)


def _order_columns(spec_list: Dict[str, Any]) -> List[Tuple[str, bool, bool]]:
    """(column, descending, nulls_first) of a list's order_by."""
    out = []
    for text in spec_list["order_by"]:
        words = text.split(" ")
        out.append((words[0], "DESC" in words[1:], "FIRST" in words[1:]))
    return out


def _run_partition(book: Rulebook, frames: Dict[str, pd.DataFrame], part: int, spec: _Spec) -> Dict[str, Any]:
    if spec.hook is not None:
        spec.hook(part)
    book = _cached(book)
    positions: Dict[str, np.ndarray] = {}
    ready: Dict[str, pd.DataFrame] = {}
    rows: Dict[str, int] = {}
    for name, frame in frames.items():
        pos = frame[POS].to_numpy()
        if len(pos) > 1 and not (pos[1:] > pos[:-1]).all():
            frame = frame.take(np.argsort(pos, kind="stable"))
            pos = frame[POS].to_numpy()
        positions[name] = pos.astype(np.int64)
        ready[name] = frame
        rows[name] = len(frame)
    res = book.run(ready, as_of=spec.day, owner=spec.owner, params=spec.params, lists=spec.lists,
                   max_rows=spec.max_rows, threads=1)
    specs = {l["id"]: l for l in book.lists}
    keyed = {name: bool(d.get("key")) for name, d in book.tables.items()}
    out_lists = []
    for i, l in enumerate(res.lists):
        order = _order_columns(specs[l.id])
        local = l.rows
        pos = positions.get(l.table, np.zeros(0, dtype=np.int64))[local] if len(local) else np.zeros(0, np.int64)
        keys = l.keys if keyed.get(l.table) else [str(p) for p in pos]
        columns = list(dict.fromkeys(list(l.show) + [c for c, _, _ in order]))
        frame = l.frame(columns) if len(local) else None
        sort = [_sortable(res._native.column(i, c)) for c, _, _ in order] if len(local) else []
        # The shown columns as C++ holds them: the command center renders the merged rows from these.
        shown = {c: res._native.column(i, c) for c in l.show} if len(local) else {}
        out_lists.append({"id": l.id, "count": l.count, "diagnostics": dict(l.diagnostics), "pos": pos,
                          "keys": list(keys), "frame": frame, "sort": sort, "shown": shown})
    index = {l.id: i for i, l in enumerate(res.lists)}
    out_kpis = []
    for k in res._kpis:
        kind, column = _measure(k["measure"])
        entry: Dict[str, Any] = {"id": k["id"], "value": k["value"], "groups": list(k["groups"])}
        if kind in ("sum", "avg", "count_distinct"):
            _, values, owners = _docket._list_matches(res._native, res._snapshot._native, index[k["list"]], column,
                                                      bool(k["by_owner"]))
            entry["partial"] = _partial(kind, values, owners if k["by_owner"] else None)
        out_kpis.append(entry)
    return {"part": part, "rows": rows, "lists": out_lists, "kpis": out_kpis, "relations": list(res._relations)}


def _measure(text: str) -> Tuple[str, str]:
    if "(" not in text:
        return text, ""
    kind, rest = text.split("(", 1)
    column = rest[:-1].strip()
    return kind.strip(), "" if column == "*" else column


def _sortable(parts: Any) -> Tuple[np.ndarray, np.ndarray]:
    """(values, nulls) of an order key at the kept rows: strings as str
    objects (code-point order is UTF-8's byte order), numbers, days and
    timestamps as numbers."""
    kind, values, nulls, categories, _unit = parts
    null = nulls if nulls is not None else np.zeros(len(values), dtype=bool)
    if kind == "string":
        lookup = np.empty(len(categories) + 1, dtype=object)
        lookup[: len(categories)] = categories
        lookup[-1] = ""
        return lookup[values], null
    if kind == "bool":
        return values.astype(np.int8), null
    return np.asarray(values), null


def _valid_values(values: Any) -> Tuple[str, np.ndarray, np.ndarray]:
    """(kind, values, valid mask) of a measure column's parts."""
    kind, vals, nulls, categories, _unit = values
    valid = ~nulls if nulls is not None else np.ones(len(vals), dtype=bool)
    if kind == "string":
        lookup = np.empty(len(categories), dtype=object)
        lookup[:] = categories
        valid = valid & (vals >= 0)
        out = lookup[np.maximum(vals, 0)] if len(categories) else np.empty(len(vals), dtype=object)
        return kind, out, valid
    if kind == "float":
        return kind, np.asarray(vals, dtype=np.float64) + 0.0, valid  # -0.0 and 0.0 are one value.
    return kind, np.asarray(vals), valid


def _exact_sum(kind: str, v: np.ndarray) -> Any:
    if kind != "int":
        return float(np.sum(v, dtype=np.float64))
    if len(v) == 0:
        return 0
    big = float(np.max(np.abs(v.astype(np.float64))))
    if big * len(v) < 2.0 ** 62:
        return int(np.sum(v, dtype=np.int64))
    return sum(int(x) for x in v.tolist())


def _one_partial(kind: str, measure: str, v: np.ndarray) -> Any:
    if measure == "count_distinct":
        return set(np.unique(v).tolist()) if len(v) else set()
    return (len(v), _exact_sum(kind, v))


def _partial(measure: str, values: Any, owners: Any) -> Dict[str, Any]:
    """A KPI's partial over one partition's matching rows: (value count,
    exact sum) for sum and avg, the distinct values for count_distinct;
    overall and per owner (None: no owner)."""
    kind, v, valid = _valid_values(values)
    out: Dict[str, Any] = {"kind": kind, "all": _one_partial(kind, measure, v[valid])}
    if owners is not None:
        _, codes, _, names, _ = owners
        groups: Dict[Optional[str], Any] = {}
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]
        present = np.unique(sorted_codes)
        bounds = np.searchsorted(sorted_codes, present)
        bounds = np.append(bounds, len(sorted_codes))
        for j, code in enumerate(present):
            rows = order[bounds[j]:bounds[j + 1]]
            rows = rows[valid[rows]]
            groups[names[code] if code >= 0 else None] = _one_partial(kind, measure, v[rows])
        out["groups"] = groups
    return out


# -- running and checking --------------------------------------------------------------------------------------------


def _compute(inputs: List[Any], book: Rulebook, spec: _Spec, client: Any) -> List[Dict[str, Any]]:
    tasks = [dask.delayed(_run_partition, pure=False)(book, frames, i, spec) for i, frames in enumerate(inputs)]
    try:
        return list(dask.compute(*tasks))
    except _cluster_errors() as e:
        name = type(e).__name__
        raise ClusterError(
            f"docket.dask.run failed on the cluster ({name}: {e}); no partial result is returned",
            detail=f"docket.dask.run failed on the cluster ({name})",
            hint="a worker died while running a partition more often than Dask retries it "
                 "(distributed.scheduler.allowed-failures): check the workers' memory (docs/scale-out.md)"
            if name == "KilledWorker" else "check the scheduler and the workers") from e


def _cluster_errors() -> Tuple[type, ...]:
    """The exceptions that mean the cluster, not the data, failed."""
    out: List[type] = [OSError, TimeoutError]
    for module, name in (("distributed.scheduler", "KilledWorker"), ("distributed.comm.core", "CommClosedError"),
                         ("distributed.client", "FutureCancelledError")):
        try:
            out.append(getattr(__import__(module, fromlist=[name]), name))
        except (ImportError, AttributeError):  # Not in every version of distributed.
            pass
    import concurrent.futures

    out.append(concurrent.futures.CancelledError)
    return tuple(out)


def _check_complete(results: List[Dict[str, Any]], n: int, rows: Dict[str, int]) -> None:
    """Every partition answered once and together they read every row."""
    parts = sorted(r["part"] for r in results)
    if parts != list(range(n)):
        missing = sorted(set(range(n)) - set(parts))
        raise ClusterError(f"docket.dask.run: partitions {missing} returned no result (got {len(parts)} of {n}); "
                           "no partial result is returned")
    for name, total in rows.items():
        seen = sum(r["rows"].get(name, 0) for r in results)
        if seen != total:
            raise ClusterError(f"docket.dask.run: the partitions read {seen} rows of table '{name}', not {total}; "
                               "no partial result is returned")


# -- the merged result -----------------------------------------------------------------------------------------------


def _rank(values: np.ndarray, null: np.ndarray) -> np.ndarray:
    """Dense ranks of the non-NULL values (0 for NULL): equal values share a rank, NaN after every number."""
    out = np.zeros(len(values), dtype=np.int64)
    ok = ~null
    if ok.any():
        _, inverse = np.unique(values[ok], return_inverse=True)
        out[ok] = inverse
    return out


def _merge_rows(book_list: Dict[str, Any], parts: List[Dict[str, Any]], keep: Optional[int],
                empty: pd.DataFrame) -> Tuple[np.ndarray, List[str], pd.DataFrame, Dict[str, Any]]:
    """The top `keep` rows of the partitions' kept rows, ordered as one machine
    orders them: (positions, keys, frame, shown) where shown is what the
    command center renders from ({count, order, columns}: see
    _docket.render_merged_command_center)."""
    chosen = [p for p in parts if len(p["pos"])]
    count = int(sum(p["count"] for p in parts))
    if not chosen:
        return np.zeros(0, dtype=np.int64), [], empty, {"count": count, "order": [], "columns": {}}
    pos = np.concatenate([p["pos"] for p in chosen])
    keys = [k for p in chosen for k in p["keys"]]
    order_by = _order_columns(book_list)
    sort_keys: List[np.ndarray] = [pos]
    for j in reversed(range(len(order_by))):
        _, descending, nulls_first = order_by[j]
        values = np.concatenate([np.asarray(p["sort"][j][0]) for p in chosen])
        null = np.concatenate([p["sort"][j][1] for p in chosen])
        rank = _rank(values, null)
        sort_keys.append(-rank if descending else rank)
        sort_keys.append((~null).astype(np.int8) if nulls_first else null.astype(np.int8))
    order = np.lexsort(sort_keys)
    if keep is not None:
        order = order[:keep]
    frames = [p["frame"] for p in chosen]
    frame = pd.concat(frames, axis=0) if len(frames) > 1 else frames[0]
    frame = frame.iloc[order]
    frame = _match_dtypes(frame, empty)
    shown = {"count": count, "order": order.astype(np.int64).tolist(),
             "columns": {c: [p["shown"][c] for p in chosen] for c in chosen[0]["shown"]}}
    return pos[order], [keys[i] for i in order], frame, shown


def _match_dtypes(frame: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """A nullable column a partition needed (Int64 for a NULL parent field)
    goes back to numpy's dtype when no kept row is NULL, as on one machine."""
    out = frame
    for c in frame.columns:
        if c not in like.columns:
            continue
        want = like[c].dtype
        have = frame[c].dtype
        if have != want and isinstance(have, pd.api.extensions.ExtensionDtype) and isinstance(want, np.dtype):
            if not frame[c].isna().any():
                if out is frame:
                    out = frame.copy()
                out[c] = frame[c].to_numpy(dtype=want)
    return out


def _merge_kpi(kpi: Dict[str, Any], parts: List[Dict[str, Any]]) -> Tuple[Any, List[Tuple[str, Any]]]:
    kind, _column = _measure(kpi["measure"])
    if kind in ("sum", "avg", "count_distinct"):
        partials = [p["partial"] for p in parts]
        value = _finish(kind, partials[0]["kind"] if partials else "float", [p["all"] for p in partials])
        groups: List[Tuple[str, Any]] = []
        if kpi["by_owner"]:
            names: Dict[Optional[str], List[Any]] = {}
            for p in partials:
                for owner, g in p.get("groups", {}).items():
                    names.setdefault(owner, []).append(g)
            for owner in sorted(o for o in names if o is not None):
                groups.append((owner, _finish(kind, partials[0]["kind"], names[owner])))
            if None in names:
                groups.append((UNASSIGNED, _finish(kind, partials[0]["kind"], names[None])))
        return value, groups
    value = _combine(kind, [p["value"] for p in parts])
    by: Dict[str, List[Any]] = {}
    for p in parts:
        for owner, v in p["groups"]:
            by.setdefault(owner, []).append(v)
    owners = sorted(o for o in by if o != UNASSIGNED)
    if UNASSIGNED in by:
        owners.append(UNASSIGNED)
    return value, [(o, _combine(kind, by[o])) for o in owners]


def _combine(kind: str, values: List[Any]) -> Any:
    if kind in ("count",):
        return int(sum(v for v in values if v is not None))
    present = [v for v in values if v is not None]
    if not present:
        return None
    return min(present) if kind == "min" else max(present)


def _finish(kind: str, value_kind: str, partials: List[Any]) -> Any:
    if kind == "count_distinct":
        merged: set = set()
        for s in partials:
            merged |= s
        return len(merged)
    n = sum(p[0] for p in partials)
    if n == 0:
        return None
    total = sum(p[1] for p in partials) if value_kind == "int" else float(np.sum([p[1] for p in partials]))
    if kind == "avg":
        return float(total) / n
    if value_kind == "int":
        return int(total) if -_INT64_MAX - 1 <= total <= _INT64_MAX else None  # Overflow: NULL, as one machine.
    return float(total)


class DaskListResult:
    """One list of a :func:`run`: the API of :class:`docket.ListResult`
    (``count``, ``rows``, ``keys``, ``frame()``, ``diagnostics``, …) over
    the whole data.  ``rows`` are positions in the whole table (the
    concatenation of the table's partitions, as given); :meth:`to_dask` is
    the full row set (every match, unlimited) as a Dask DataFrame."""

    def __init__(self, result: "DaskResult", info: Any, count: int, diagnostics: Dict[str, int], rows: np.ndarray,
                 keys: List[str], frame: pd.DataFrame, index: int = 0) -> None:
        self._result = result
        self._index = index
        self.id: str = info.id
        self.title: str = info.title
        self.horizon: str = info.horizon
        self.table: str = info.table
        self.action: str = info.action
        self.resources: List[tuple] = list(info.resources)
        self.show: List[str] = list(info.show)
        self.count: int = count
        self.diagnostics: Dict[str, int] = diagnostics
        self._rows = rows
        self._keys = keys
        self._frame = frame
        self.types: Dict[str, str] = info.types
        self.parent_fields: List[str] = info.parent_fields

    @property
    def rows(self) -> np.ndarray:
        """Positions (0-based) of the list's rows in the whole table, after order_by and limit."""
        return self._rows

    @property
    def keys(self) -> List[str]:
        """The key of each of :attr:`rows` (the row position when the table has no key)."""
        return list(self._keys)

    def frame(self, columns: Optional[List[str]] = None) -> pd.DataFrame:
        """The list's rows (ordered and limited) with its shown columns (or
        `columns`: shown ones and those it orders by), indexed as in the table's frame."""
        cols = list(columns) if columns is not None else list(self.show)
        unknown = [c for c in cols if c not in self._frame.columns]
        if unknown:
            raise KeyError(f"list '{self.id}': column(s) {unknown} were not brought back from the partitions; "
                           f"available: {', '.join(self._frame.columns)} (to_dask() has every matching row)")
        return self._frame[cols]

    def mask(self) -> pd.Series:
        raise _error(NotSupportedError,
            f"list '{self.id}': mask() over partitioned data is not supported",
            f"res.to_dask('{self.id}') is every matching row as a Dask DataFrame")

    def to_dask(self, columns: Optional[List[str]] = None) -> dd.DataFrame:
        """Every matching row in scope (not limited), with the shown columns
        (or `columns`, parent fields included), as a Dask DataFrame with one
        partition per run partition, in row order within each partition (not
        in the list's order_by).  It runs the list again on the partitions."""
        return self._result.to_dask(self.id, columns)

    def _display_rows(self, top: int) -> List[List[str]]:
        """The shown cells of the first `top` rows as the command center shows them (C++, from the merged rows)."""
        r = self._result
        return _docket.merged_display_rows(r._skeleton._native, self._index, r._shown[self._index], top)

    def __len__(self) -> int:
        return self.count

    def __repr__(self) -> str:
        return f"<docket.dask.DaskListResult '{self.id}' ({self.horizon}): {self.count} rows>"

    def _repr_html_(self) -> str:
        from ._html import list_html

        return list_html(self, top=None)


class DaskResult(_ResultViews):
    """What :func:`run` produced, merged from every partition: the API of
    :class:`docket.Result` — ``counts()``, ``res[list_id]``, ``keys()``,
    ``list()``, ``kpis()``, ``kpi()``, ``kpi_value()``, ``relations()``,
    ``orphans``, ``command_center()``, ``to_dict()`` — plus
    :meth:`to_dask` and ``partitions`` (how many ran).

    Equal to :meth:`Rulebook.run` over the same data: the same lists, counts
    and keys in the same order; KPI counts, integer sums, minima, maxima and
    distinct counts exactly; float sums and averages within 1e-9 relative
    (the partitions add in a different order).
    """

    def __init__(self, book: Rulebook, skeleton: Any, parts: List[Dict[str, Any]], layout: _Layout,
                 inputs: List[Any], spec: _Spec, client: Any) -> None:
        self._book = book
        self._inputs = inputs
        self._spec = spec
        self._client = client
        self._skeleton = skeleton
        self.partitions = len(parts)
        self.name: str = skeleton.name
        self.as_of: _dt.date = skeleton.as_of
        self.time_zone: str = skeleton.time_zone
        self.owner: Optional[str] = skeleton.owner
        self.missing_tables: List[str] = list(skeleton.missing_tables)
        self.warnings: List[str] = []
        # Seconds on the client per phase: checks (input checks, the empty run), partition (splitting, or
        # building the shuffle, and shipping), compute (the partitions' runs), merge.
        self.timings: Dict[str, float] = {}
        book_lists = {l["id"]: l for l in book.lists}
        self.lists: List[DaskListResult] = []
        self._shown: List[Dict[str, Any]] = []  # Per list: what the command center renders from.
        for i, sl in enumerate(skeleton.lists):
            info = _ListInfo(sl)
            per = [p["lists"][i] for p in parts]
            count = int(sum(p["count"] for p in per))
            diag = {k: int(sum(p["diagnostics"][k] for p in per)) for k in sl.diagnostics}
            keep = book_lists[sl.id]["limit"]
            if spec.max_rows is not None:
                keep = spec.max_rows if keep is None else min(keep, spec.max_rows)
            empty = sl.frame(list(dict.fromkeys(list(sl.show) + [c for c, _, _ in _order_columns(book_lists[sl.id])])))
            rows, keys, frame, shown = _merge_rows(book_lists[sl.id], per, keep, empty)
            self.lists.append(DaskListResult(self, info, count, diag, rows, keys, frame, index=i))
            self._shown.append(shown)
        self._by_id = {l.id: l for l in self.lists}
        self._kpis: List[Dict[str, Any]] = []
        for j, k in enumerate(skeleton._kpis):
            value, groups = _merge_kpi(k, [p["kpis"][j] for p in parts])
            self._kpis.append({**k, "value": value, "groups": groups})
        self._relations = _merge_relations(skeleton._relations, [p["relations"] for p in parts])

    # -- as docket.Result (lookups, counts, KPIs, relations, to_dict: _ResultViews) --------

    def list(self, list_id: str) -> DaskListResult:
        """The :class:`DaskListResult` of `list_id` (KeyError naming the lists when unknown)."""
        return super().list(list_id)

    def _render_command_center(self, top: int, width: int) -> str:
        """C++'s command center over the merged counts, rows, KPIs and relations."""
        kpis = [(k["value"], list(k["groups"])) for k in self._kpis]
        return _docket.render_merged_command_center(self._skeleton._native, self._shown, kpis, self._relations,
                                                    top, width)

    def to_dask(self, list_id: str, columns: Optional[List[str]] = None) -> dd.DataFrame:
        """Every matching row of `list_id` in scope (not limited) with its
        shown columns (or `columns`), as a Dask DataFrame, one partition per
        run partition.  The partitioned data stays on the cluster while this
        result is alive."""
        l = self.list(list_id)
        cols = list(columns) if columns is not None else list(l.show)
        meta = _full_rows_meta(self._skeleton, list_id, cols)
        parts = [dask.delayed(_full_rows, pure=False)(self._book, frames, list_id, cols, self._spec)
                 for frames in self._inputs]
        return dd.from_delayed(parts, meta=meta, verify_meta=False)

    def __repr__(self) -> str:
        who = self.owner if self.owner is not None else "everyone"
        return (f"<docket.dask.DaskResult '{self.name}' for {who} as of {self.as_of}: {len(self.lists)} lists, "
                f"{sum(l.count for l in self.lists)} rows, {self.partitions} partitions>")


class _ListInfo:
    def __init__(self, sl: Any) -> None:
        self.id, self.title, self.horizon, self.table = sl.id, sl.title, sl.horizon, sl.table
        self.action, self.resources, self.show = sl.action, sl.resources, sl.show
        self.types = sl.types
        self.parent_fields = sl.parent_fields


def _merge_relations(skeleton: List[Dict[str, Any]], parts: List[List[Dict[str, Any]]]) -> List[Dict[str, Any]]:
    merged: Dict[Tuple[str, str], Dict[str, Any]] = {}
    for rels in [skeleton] + parts:
        for r in rels:
            key = (r["table"], r["parent"])
            if key not in merged:
                merged[key] = {"table": r["table"], "parent": r["parent"], "null_keys": 0, "missing_keys": 0}
    for rels in parts:
        for r in rels:
            m = merged[(r["table"], r["parent"])]
            m["null_keys"] += int(r["null_keys"])
            m["missing_keys"] += int(r["missing_keys"])
    return list(merged.values())


def _full_rows_meta(skeleton: Any, list_id: str, columns: List[str]) -> pd.DataFrame:
    sl = skeleton.list(list_id)
    own = [c for c in columns if c not in sl.parent_fields]
    frame = skeleton._snapshot.tables[sl.table].frame
    out = frame.iloc[:0][own].copy()
    for c in columns:
        if c not in own:
            out[c] = pd.Series(dtype=object)
    return out[columns]


def _full_rows(book: Rulebook, frames: Dict[str, pd.DataFrame], list_id: str, columns: List[str],
               spec: _Spec) -> pd.DataFrame:
    book = _cached(book)
    ready = {}
    for name, frame in frames.items():
        pos = frame[POS].to_numpy()
        if len(pos) > 1 and not (pos[1:] > pos[:-1]).all():
            frame = frame.take(np.argsort(pos, kind="stable"))
        ready[name] = frame
    res = book.run(ready, as_of=spec.day, owner=spec.owner, params=spec.params, lists=[list_id], max_rows=0,
                   threads=1)
    l = res.list(list_id)
    table = res._snapshot.tables[l.table]
    frame = table.frame
    parents = set(l.parent_fields) | {c for c in columns if "." in c and c not in frame.columns}
    own = [c for c in columns if c not in parents]
    matches = np.flatnonzero(res._native.matches(0))
    out = frame.iloc[matches][own].copy()
    from .results import _parent_dtype

    for c in columns:
        if c in parents:
            _, values, _ = _docket._list_matches(res._native, res._snapshot._native, 0, c, False)
            out[c] = _series_from_parts(values, out.index, c, _parent_dtype(res._snapshot, l.table, c)).array
    return out[columns]
