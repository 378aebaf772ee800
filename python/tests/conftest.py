"""Shared fixtures: where the repository, the build and the example data are."""

import os
import pathlib

import pandas as pd
import pytest

import docket

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("DOCKET_BUILD", "build"))
if not BUILD.is_absolute():
    BUILD = REPO / BUILD
DATA = REPO / "examples" / "data"
RULEBOOKS = REPO / "examples" / "rulebooks"

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
