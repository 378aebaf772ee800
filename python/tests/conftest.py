"""Shared fixtures: where the repository, the build and the example data are."""

import json
import os
import pathlib
import subprocess

import pandas as pd
import pytest

import docket

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("DOCKET_BUILD", "build"))
if not BUILD.is_absolute():
    BUILD = REPO / BUILD
DATA = REPO / "examples" / "data"
RULEBOOKS = REPO / "examples" / "rulebooks"
CLI = BUILD / "docket"

HAVE_ENGINE = hasattr(docket._docket, "Predicate")
needs_engine = pytest.mark.skipif(not HAVE_ENGINE, reason="built without the engine (DOCKET_PYTHON_ENGINE=OFF)")


def read_example(table: str) -> pd.DataFrame:
    """An example CSV as a data scientist reads it: dates parsed by pandas."""
    schema = docket.Schema.load(str(REPO / "examples" / "schema.yaml")).tables[table]
    dates = [c for c, t in schema["columns"] if t in ("date",) or t.startswith("timestamp")]
    # Only an empty field is NULL, as in docket's CSV reader (pandas would also read "NA", "null", ...).
    return pd.read_csv(DATA / f"{table}.csv", parse_dates=dates, keep_default_na=False, na_values=[""],
                       float_precision="round_trip")


@pytest.fixture(scope="session")
def accounts_df() -> pd.DataFrame:
    return read_example("accounts")


@pytest.fixture(scope="session")
def example_frames() -> dict:
    return {p.stem: read_example(p.stem) for p in sorted(DATA.glob("*.csv"))}


def not_yet_supported(err: Exception) -> bool:
    """True for a compile error about a language feature this build lacks
    (related-record functions come with their own issue)."""
    return "not supported yet" in str(err)


def runnable_rulebooks(frames) -> list:
    """The example rulebooks this build can compile, loaded."""
    out = []
    for path in sorted(RULEBOOKS.glob("*.yaml")):
        book = docket.Rulebook.load(path)
        try:
            book.compile(frames)
        except docket.CompileError as e:
            if not_yet_supported(e):
                continue
            raise
        out.append(book)
    return out


def cli_command(book, data=DATA, as_of="2026-11-22", owner=None, fmt="json") -> subprocess.CompletedProcess:
    """`build/docket run BOOK --data DATA --as-of AS_OF --format FMT [--owner OWNER]`, run."""
    if not CLI.exists():
        pytest.skip(f"{CLI} is not built (set DOCKET_BUILD)")
    cmd = [str(CLI), "run", str(book), "--data", str(data), "--as-of", as_of, "--format", fmt]
    if owner is not None:
        cmd += ["--owner", owner]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def cli_run(book, data=DATA, as_of="2026-11-22", owner=None):
    """`build/docket run BOOK --data DATA --format json` parsed, or the error
    text when the rulebook does not compile (exit status 2)."""
    out = cli_command(book, data, as_of, owner)
    if out.returncode == 2:
        return out.stderr
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _is_null(v) -> bool:
    return v is None or (not isinstance(v, str) and bool(pd.isna(v)))


def cell_matches(got, want, typ: str) -> bool:
    """Whether a value of a Python list frame equals the CLI's JSON cell of docket type `typ`."""
    if want is None or _is_null(got):
        return want is None and _is_null(got)
    if typ == "date":
        return pd.Timestamp(got).strftime("%Y-%m-%d") == want
    if typ.startswith("timestamp"):
        g = pd.Timestamp(got)
        return (g.tz_localize("UTC") if g.tzinfo is None else g) == pd.Timestamp(want)
    if typ == "float":
        return float(got) == pytest.approx(float(want))
    if typ == "int":
        return int(got) == want
    if typ == "bool":
        return bool(got) == want
    return str(got) == want


def assert_same_as_cli(res, expected, label: str = "") -> None:
    """A Python run equals the CLI's JSON: every list's count, keys (after
    order_by and limit) and shown values — parent fields included — and the
    relations read with their rows without a parent."""
    got = {l.id: (l.count, l.keys) for l in res.lists}
    want = {l["id"]: (l["count"], [str(k) for k in l["keys"]]) for l in expected["lists"]}
    assert got.keys() == want.keys(), label
    for lj in expected["lists"]:
        list_id = lj["id"]
        assert got[list_id][0] == want[list_id][0], f"{label}/{list_id}: count"
        assert got[list_id][1] == want[list_id][1], f"{label}/{list_id}: keys"
        l = res.list(list_id)
        assert l.show == lj["columns"], f"{label}/{list_id}: columns"
        frame = res[list_id]
        assert list(frame.columns) == lj["columns"]
        assert len(frame) == len(lj["rows"]), f"{label}/{list_id}: rows"
        types = l.types
        for i, row in enumerate(lj["rows"]):
            for col in lj["columns"]:
                value = frame[col].iloc[i]
                assert cell_matches(value, row[col], types[col]), (
                    f"{label}/{list_id} row {i} ({l.keys[i]}) column {col}: python {value!r}, cli {row[col]!r}")
        assert l.diagnostics["orphan_rows"] == lj.get("diagnostics", {}).get("orphan_rows", 0), list_id
    rel = res.relations()
    assert rel.to_dict("records") == expected["relations"], f"{label}: relations"
