"""docket — customer-success rules over pandas DataFrames.

Filter a DataFrame with a rule written in SQL WHERE syntax::

    import docket
    mask = docket.evaluate(df, "pulse IS NULL OR days_since(pulse_changed_at) > 90",
                           as_of="2026-11-22")          # pandas 'boolean' Series, <NA> for NULL
    rows = docket.query(df, "arr > 100000 AND pulse IN ('red', 'yellow')", as_of="2026-11-22")

Prepare a frame once and compile a rule once when you use them repeatedly::

    accounts = docket.Table(df, name="accounts", key="id", owner="csm")
    stale = docket.compile("days_since(pulse_changed_at) > $days", accounts, params={"days": 90})
    stale.evaluate(accounts, as_of="2026-11-22")

Run a rulebook and read the command center::

    book = docket.Rulebook.load("examples/rulebooks/csm_hub.yaml")
    res = book.run({"accounts": accounts_df, "contacts": contacts_df},
                   as_of="2026-11-22", owner="Alice Chen")
    res.counts()                # list, title, horizon, count
    res["outdated_pulse"]       # the list's rows and shown columns, in order
    res.kpis()                  # KPI values
    res.command_center()        # grouped by horizon (HTML in Jupyter)

Rules over related records aggregate children (``exists(contacts WHERE …)``,
``count(tasks)``, ``sum(opportunities.amount)``) or read parents
(``account.arr``); they need every table, with its key and parent::

    schema = docket.Schema.load("examples/schema.yaml")
    snap = schema.prepare({"accounts": accounts_df, "contacts": contacts_df, "tasks": tasks_df})
    no_dm = docket.compile("NOT exists(contacts WHERE persona = 'decision maker')", schema, table="accounts")
    no_dm.query(snap, as_of="2026-11-22")
    res = book.run(snap, as_of="2026-11-22")
    res["tasks_due"]["account.name"]      # a parent field the list shows
    res.relations()                       # child rows without a parent, per relation

Columns are read without copying wherever the layout allows (int64,
float64, bool, datetime64, the values of nullable dtypes, Categorical codes);
evaluation releases the GIL, and tables, predicates and rulebooks may be
used from many threads at once.  Errors: :class:`CompileError` (with
``line``, ``column``, ``hint`` and a caret message) and :class:`DataError`,
both :class:`Error`.  See docs/python.md.
"""

from __future__ import annotations

from .errors import CompileError, DataError, DocketWarning, Error  # First: the native module raises these.
from . import _docket  # noqa: E402,F401  (loads the native module after the exceptions)
from .predicate import Predicate, compile, count, evaluate, query  # noqa: E402
from .results import CommandCenter, ListResult, Result  # noqa: E402
from .metrics import MetricsResult  # noqa: E402
from .rulebook import Rulebook  # noqa: E402
from .cta import CtaStore  # noqa: E402
from ._docket import EvalContext  # noqa: E402  (the on-change path: Rulebook.evaluate_one)
from .table import Schema, Snapshot, Table  # noqa: E402

__version__ = "0.1.0"


def __getattr__(name: str):  # noqa: ANN201
    """``docket.dask`` (scale-out on Dask) is imported on first use, so that
    ``import docket`` does not import Dask."""
    if name == "dask":
        import importlib

        return importlib.import_module(".dask", __name__)
    raise AttributeError(f"module 'docket' has no attribute '{name}'")


__all__ = [
    "Table",
    "Snapshot",
    "Schema",
    "Predicate",
    "compile",
    "evaluate",
    "query",
    "count",
    "Rulebook",
    "CtaStore",
    "EvalContext",
    "Result",
    "ListResult",
    "CommandCenter",
    "MetricsResult",
    "Error",
    "CompileError",
    "DataError",
    "DocketWarning",
    "__version__",
]
