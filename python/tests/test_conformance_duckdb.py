"""An independent conformance suite: DuckDB's own sqllogictest cases
(../shared/conformance/duckdb-slt/cases.jsonl, beside the clone, never copied
in).  Every case docket can express (its expression compiles) must give
DuckDB's answer, unless docs/language.md lists the case id under
"Conformance: differences from DuckDB" with the reason.  A case docket cannot
express (a compile error: a function or syntax docket does not have) is
counted, not failed.

The folder missing is a failure; set DOCKET_SKIP_CONFORMANCE=1 to skip with
the reason printed.
"""

import json
import math
import os
import re

import pandas as pd
import pytest

import docket
from conftest import REPO, needs_engine

pytestmark = needs_engine

CASES = REPO.parent / "shared" / "conformance" / "duckdb-slt" / "cases.jsonl"
DOC = REPO / "docs" / "language.md"
DTYPES = {"int": "Int64", "float": "Float64", "bool": "boolean", "string": object}


def documented_differences():
    """Case ids docs/language.md lists (with a reason) as differences from DuckDB."""
    text = DOC.read_text(encoding="utf-8")
    start = text.find("### Conformance: differences from DuckDB")
    assert start >= 0, "docs/language.md lost its 'Conformance: differences from DuckDB' section"
    section = text[start:text.find("\n## ", start) if text.find("\n## ", start) >= 0 else len(text)]
    out = {}
    for m in re.finditer(r"^\| `([^`]+)` \| (.+?) \|$", section, re.M):
        out[m.group(1)] = m.group(2)
    return out


def load_cases():
    if not CASES.exists():
        if os.environ.get("DOCKET_SKIP_CONFORMANCE") == "1":
            pytest.skip(f"DOCKET_SKIP_CONFORMANCE=1 and {CASES} is absent", allow_module_level=True)
        raise AssertionError(f"the conformance cases are missing: {CASES} (shared/ belongs beside the clone; "
                             "set DOCKET_SKIP_CONFORMANCE=1 to skip on purpose)")
    with open(CASES, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def frame(case):
    cols = case.get("cols") or []
    rows = case.get("rows") or ([case["row"]] if case.get("row") is not None and cols else [])
    if not cols:
        return pd.DataFrame({"_one": [1]})
    data = {}
    for j, (name, typ) in enumerate(cols):
        values = [None if r[j] in (None, "NULL") else r[j] for r in rows]
        if typ == "int":
            data[name] = pd.array([None if v is None else int(v) for v in values], dtype="Int64")
        elif typ == "float":
            data[name] = pd.array([None if v is None else float(v) for v in values], dtype="Float64")
        elif typ == "bool":
            data[name] = pd.array([None if v is None else v.lower() == "true" for v in values], dtype="boolean")
        elif typ == "date":
            data[name] = pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[s]").dt.date
        elif typ == "timestamp":
            data[name] = pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[us]")
        else:
            data[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


def unqualified(case):
    expr = case["expr"]
    for q in case.get("quals") or []:
        expr = re.sub(rf"\b{re.escape(q)}\.", "", expr)
    return expr


def expected_predicate(expr, expected):
    """A docket predicate TRUE exactly when `expr` prints as DuckDB's `expected`."""
    if expected == "NULL":
        return f"({expr}) IS NULL"
    if expected == "(empty)":  # sqllogictest prints the empty string so.
        return f"({expr}) = ''"
    if expected in ("true", "false"):
        return f"({expr}) IS NOT DISTINCT FROM {expected.upper()}"
    if re.fullmatch(r"-?\d+", expected):
        return f"({expr}) = {expected}"
    if re.fullmatch(r"-?(\d+\.\d*|\d*\.\d+)(e[-+]?\d+)?|-?\d+e[-+]?\d+|-?inf|nan", expected, re.I):
        v = float(expected)
        if math.isnan(v) or math.isinf(v):
            return None
        return f"abs(({expr}) - {expected}) <= {max(abs(v), 1.0) * 1e-9!r}"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", expected):
        return f"({expr}) = DATE '{expected}'"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?", expected):
        return f"({expr}) = TIMESTAMP '{expected}Z'"
    return "({}) = '{}'".format(expr, expected.replace("'", "''"))


def run_case(case):
    """'skip' when docket cannot express the case, else (ok, what docket said)."""
    try:
        df = frame(case)
    except (TypeError, ValueError, OverflowError, AttributeError):
        return "skip", None  # Input values docket's types cannot hold (infinity dates, years past 9999).
    expr = unqualified(case)
    kind = case["kind"]
    try:
        if kind == "scalar":
            pred = expected_predicate(expr, case["expected"])
            if pred is None:
                return "skip", None
            try:
                compiled = docket.compile(pred, df)
            except docket.CompileError:
                return "skip", None
            got = compiled.count(df, as_of="2026-01-01")
            return got == 1, got
        try:
            pred = docket.compile(expr, df)
        except docket.CompileError:
            return "skip", None
        mask = pred.evaluate(df, as_of="2026-01-01").fillna(False)
        if kind == "count":
            return int(mask.sum()) == int(case["expected"]), int(mask.sum())
        rows = [int(i) for i in mask[mask].index]
        if "disp" in case:
            # DuckDB printed the selected rows' shown values; rows that print alike are alike.
            shown = lambda idx: sorted(map(str, (case["disp"][i] for i in idx)))  # noqa: E731
            return shown(rows) == shown(case["expected_rows"]), rows
        return rows == list(case["expected_rows"]), rows
    except docket.CompileError:
        return "skip", None
    except (docket.DataError, TypeError, ValueError, OverflowError) as e:
        return "skip", f"{type(e).__name__}: {e}"


def test_duckdb_conformance(capsys):
    cases = load_cases()
    documented = documented_differences()
    ran = skipped = 0
    failures = []
    for case in cases:
        ok, got = run_case(case)
        if ok == "skip":
            skipped += 1
            continue
        ran += 1
        if not ok and case["id"] not in documented:
            failures.append(f"{case['id']}: {case['expr']!r} — DuckDB {case.get('expected', case.get('expected_rows'))}, "
                            f"docket {got}")
    stale = [i for i in documented if i not in {c["id"] for c in cases}]
    with capsys.disabled():
        print(f"\nDuckDB conformance: {ran} cases run, {skipped} not expressible in docket, "
              f"{len(documented)} documented differences, {len(failures)} undocumented disagreements")
    assert not stale, f"docs/language.md lists cases the suite does not have: {stale}"
    assert not failures, "undocumented disagreements with DuckDB:\n" + "\n".join(failures[:80])
