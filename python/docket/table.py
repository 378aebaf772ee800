"""Tables, snapshots and schemas: DataFrames prepared once for docket."""

from __future__ import annotations

import threading
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

import numpy as np
import pandas as pd

from . import _docket
from ._frames import column_parts, column_zone, frame_columns
from .errors import DataError

__all__ = ["Table", "Snapshot", "Schema"]

# A declared table: {"name", "key", "owner", "parent": (table, via, as) | None, "columns": [(name, type)]}.
TableDecl = Dict[str, Any]


class Table:
    """A DataFrame (or a dict of numpy arrays) prepared once for docket.

    Preparing converts each column to docket's columnar layout, without
    copying wherever the layout allows: int64, float64, bool and
    datetime64 columns are *viewed* (docket reads pandas' own memory);
    nullable Int64/Float64/boolean columns view their values and pack their
    NA mask into a validity bitmap (one bit per row); Categorical columns of
    str become dictionary columns from their codes and categories; object
    columns of str are dictionary-encoded in C++.  NaN in float columns and
    NaT in datetime columns are NULL.

    The frame's memory stays alive as long as the Table (or anything docket
    computed from it) needs it, even after ``del df``.  Don't modify the
    frame in place while a Table views it: docket would see the new values.

    Args:
        data: a pandas DataFrame, a dict of numpy arrays / Series / lists, or
            another Table (renamed or re-keyed).
        name: the table's name in rules and error messages.
        key: the column that identifies a row (no NULLs, no duplicates).
        owner: the column naming a row's owner (for ``owner=`` scoping).
        parent: ``(parent_table, via_column, alias)`` for related-record rules.
        types: ``{column: docket type}`` to convert on the way in, e.g.
            ``{"renewal_date": "date"}`` for a datetime64 column of dates.

    Example::

        accounts = docket.Table(df, name="accounts", key="id", owner="csm")
        docket.evaluate(accounts, "arr > 100000", as_of="2026-11-22")
    """

    def __init__(
        self,
        data: Union[pd.DataFrame, Mapping[str, Any], "Table"],
        name: str = "data",
        *,
        key: Optional[str] = None,
        owner: Optional[str] = None,
        parent: Optional[Tuple[str, str, str]] = None,
        types: Optional[Mapping[str, str]] = None,
    ) -> None:
        if isinstance(data, Table):
            source = data._source
            key = data.key if key is None else key
            owner = data.owner if owner is None else owner
            parent = data.parent if parent is None else parent
        else:
            source = data
        names, columns, frame = frame_columns(source)
        types = dict(types or {})
        unknown = set(types) - set(names)
        if unknown:
            raise DataError(f"types= names columns the data does not have: {sorted(unknown)}")
        parts = [column_parts(n, columns[n], types.get(n, "")) for n in names]
        self._source = source
        self._frame = frame
        self._names = names
        self._columns = columns
        self._native = _docket.Table(name, parts, key or "", owner or "", parent, _row_labels(frame))
        self._derived: Dict[Any, "_docket.Table"] = {}
        self._lock = threading.Lock()

    @classmethod
    def _declared(cls, data: Union[pd.DataFrame, Mapping[str, Any], "Table"], decl: TableDecl) -> "Table":
        """A Table with the declared name, key, owner, parent and column types
        (undeclared columns are left out, declared ones must be present)."""
        if isinstance(data, Table):
            cached = data._derived.get(_decl_key(decl))
            if cached is not None:
                return cached
            source = data._source
        else:
            source = data
        names, columns, frame = frame_columns(source)
        # The one rule for a table's columns (io/data_columns.h, as the CLI applies it to a CSV
        # header): a declared column the frame lacks is a DataError; a column the schema does not
        # declare is ignored, with a warning, and a rule naming it says it is not declared.
        undeclared, warning = _docket.match_declared_columns(decl["name"], [tuple(c) for c in decl["columns"]],
                                                             [str(n) for n in names])
        parts = []
        for col, typ in decl["columns"]:
            # A declared timestamp takes the data's unit (numpy carries its own), so it stays a view.
            parts.append(column_parts(col, columns[col], "timestamp" if typ.startswith("timestamp") else typ))
        t = cls.__new__(cls)
        t._source = source
        t._frame = frame
        t._names = names
        t._columns = columns
        t._native = _docket.Table(decl["name"], parts, decl.get("key") or "", decl.get("owner") or "",
                                  decl.get("parent"), _row_labels(frame), undeclared)
        t._undeclared_warning = warning
        t._derived = {}
        t._lock = threading.Lock()
        if isinstance(data, Table):
            with data._lock:
                data._derived[_decl_key(decl)] = t
        return t

    # -- properties --------------------------------------------------------------

    @property
    def name(self) -> str:
        """The table's name."""
        return self._native.name

    @property
    def key(self) -> Optional[str]:
        """The key column, or None."""
        return self._native.schema_dict()["key"]

    @property
    def owner(self) -> Optional[str]:
        """The owner column, or None."""
        return self._native.schema_dict()["owner"]

    @property
    def parent(self) -> Optional[Tuple[str, str, str]]:
        """(parent table, via column, alias), or None."""
        return self._native.schema_dict()["parent"]

    @property
    def num_rows(self) -> int:
        """Number of rows."""
        return self._native.num_rows

    def __len__(self) -> int:
        return self._native.num_rows

    @property
    def types(self) -> Dict[str, str]:
        """{column: docket type} in column order."""
        return dict(self._native.columns)

    @property
    def zones(self) -> Dict[str, str]:
        """{column: zone} of the tz-aware datetime columns in a zone other than
        UTC (their instants are kept; dates are taken in the evaluation zone)."""
        zones = getattr(self, "_zones", None)
        if zones is None:  # Once per Table: a dtype check per column.
            zones = {}
            for n in self._native_names():
                z = column_zone(self._columns.get(n))
                if z is not None:
                    zones[n] = z
            self._zones = zones
        return dict(zones)

    def _native_names(self) -> List[str]:
        return [n for n, _ in self._native.columns]

    @property
    def nbytes(self) -> int:
        """Bytes of the columns as docket reads them (views included)."""
        return self._native.byte_size

    @property
    def index(self) -> pd.Index:
        """The row labels results are aligned with (the frame's index)."""
        if self._frame is not None:
            return self._frame.index
        return pd.RangeIndex(self.num_rows)

    @property
    def frame(self) -> pd.DataFrame:
        """The data as a DataFrame (the original frame when built from one)."""
        if self._frame is None:
            self._frame = pd.DataFrame({n: self._columns[n] for n in self._names}, copy=False)
        return self._frame

    def column_info(self, column: str) -> Dict[str, Any]:
        """How docket holds `column`: type, NULL count, whether its values are a
        zero-copy view of the frame's memory, dictionary size."""
        return dict(_docket._column_info(self._native, column))

    def __repr__(self) -> str:
        views = sum(1 for n, _ in self._native.columns if _docket._column_info(self._native, n)["zero_copy"])
        return (f"<docket.Table '{self.name}': {self.num_rows} rows, {len(self._native.columns)} columns "
                f"({views} zero-copy)>")

    def _repr_html_(self) -> str:
        from ._html import table_html

        return table_html(self)


def _decl_key(decl: TableDecl) -> Any:
    return (decl["name"], decl.get("key"), decl.get("owner"), decl.get("parent"), tuple(map(tuple, decl["columns"])))


class Schema:
    """A data contract: tables, typed columns, keys, owners and relations
    (the ``tables:`` section of a rulebook, or a schema YAML file).

    Example::

        schema = docket.Schema.load("examples/schema.yaml")
        pred = docket.compile("exists(contacts WHERE is_champion)", schema, table="accounts")
    """

    def __init__(self, native: "_docket.Schema") -> None:
        self._native = native

    @classmethod
    def load(cls, path: str) -> "Schema":
        """Reads a schema YAML file (a ``tables:`` section)."""
        return cls(_docket.Schema.load(str(path)))

    @classmethod
    def from_yaml(cls, text: str, filename: str = "<schema>") -> "Schema":
        """Parses schema YAML text; `filename` labels error positions."""
        return cls(_docket.Schema.from_yaml(text, filename))

    @property
    def tables(self) -> Dict[str, TableDecl]:
        """{table: {name, key, owner, parent, columns: [(name, type)]}}."""
        return dict(self._native.to_dict())

    def prepare(self, tables: Mapping[str, Any]) -> "Snapshot":
        """Prepares DataFrames as the declared tables (types converted)."""
        return Snapshot(tables, schema=self)

    def __repr__(self) -> str:
        return f"<docket.Schema: {', '.join(self._native.table_names)}>"


class Snapshot:
    """Named tables taken at one point in time, prepared once.

    With a schema (a :class:`Schema`, a :class:`Rulebook` that declares
    tables, or a declared-tables dict), each frame is prepared as its declared
    table: the declared columns with the declared types, key, owner and
    parent.  A declared table missing from `tables` is an empty table (its
    lists simply match nothing; :attr:`missing_tables` names them).

    Args:
        tables: {name: DataFrame | dict of arrays | docket.Table}.
        schema: optional declared schema.
    """

    def __init__(self, tables: Mapping[str, Any], schema: Any = None) -> None:
        declared = _declared_tables(schema)
        if not isinstance(tables, Mapping) or isinstance(tables, pd.DataFrame):
            raise TypeError(f"expected a dict of tables {{table name: DataFrame}}, not {type(tables).__name__}"
                            + (f" (e.g. {{'{next(iter(declared))}': df}})" if declared else ""))
        self.warnings: List[str] = []
        if declared is not None:
            # The shared data rule (rulebook/data_rules.h): an undeclared name is an error, a declared
            # table not given is a warning.
            _, warns = _docket.check_table_names(list(declared), [str(n) for n in tables])
            for w in warns:
                _warn(w)
            self.warnings.extend(warns)
        prepared: Dict[str, Table] = {}
        for name, data in tables.items():
            name = str(name)
            if declared is not None and name in declared:
                prepared[name] = Table._declared(data, declared[name])
                w = prepared[name]._undeclared_warning
                if w:
                    _warn(w)
                    self.warnings.append(w)
            elif isinstance(data, Table):
                prepared[name] = data if data.name == name else Table(data, name=name)
            else:
                prepared[name] = Table(data, name=name)
        self.missing_tables: List[str] = []
        if declared is not None:
            for name, decl in declared.items():
                if name not in prepared:
                    self.missing_tables.append(name)
                    prepared[name] = Table._declared(_empty_frame(decl), decl)
        self.tables: Dict[str, Table] = prepared
        self._native = _docket.Snapshot([t._native for t in prepared.values()])

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    def _signature(self) -> Any:
        return tuple(sorted((n, _decl_key(t._native.schema_dict())) for n, t in self.tables.items()))

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}: {len(t)} rows" for n, t in self.tables.items())
        return f"<docket.Snapshot {parts}>"


_EMPTY_DTYPES = {"bool": np.bool_, "int": np.int64, "float": np.float64, "date": "datetime64[D]"}


def _empty_frame(decl: TableDecl) -> Dict[str, np.ndarray]:
    out: Dict[str, np.ndarray] = {}
    for col, typ in decl["columns"]:
        if typ.startswith("timestamp"):
            unit = typ[len("timestamp["):-1] if "[" in typ else "us"
            out[col] = np.zeros(0, dtype=f"datetime64[{unit}]")
        else:
            out[col] = np.zeros(0, dtype=_EMPTY_DTYPES.get(typ, object))
    return out


def _declared_tables(schema: Any) -> Optional[Dict[str, TableDecl]]:
    if schema is None:
        return None
    if isinstance(schema, Schema):
        d = schema.tables
    elif hasattr(schema, "tables") and callable(getattr(schema, "_declared_tables", None)):
        d = schema._declared_tables()
    elif isinstance(schema, Mapping):
        d = dict(schema)
    else:
        raise TypeError(f"schema must be a docket.Schema, a docket.Rulebook or a dict, not {type(schema).__name__}")
    return d or None


def _warn(message: str) -> None:
    """A legal but suspicious input: a DocketWarning (stderr) and Result.warnings."""
    import warnings

    from .errors import DocketWarning

    warnings.warn(message, DocketWarning, stacklevel=4)


def as_table(data: Any, name: str = "data") -> Table:
    """`data` as a Table (prepared now unless it already is one)."""
    if isinstance(data, Table):
        return data
    return Table(data, name=name)


def _row_labels(frame: Optional[pd.DataFrame]) -> Any:
    """The index errors name rows by ("row 3 (index 'acme-17')"), None for a dict of arrays."""
    return None if frame is None else frame.index
