"""An independent conformance suite: DuckDB's own sqllogictest cases
(../shared/conformance/duckdb-slt/cases.jsonl, beside the clone, never copied
in).  conformance_translate.py translates each DuckDB expression into docket's
language where the meaning is exactly the same (casts, IS DISTINCT FROM,
function aliases, date parts, ESCAPE, DuckDB's implicit casts of literals);
every case it can translate and docket compiles must give DuckDB's answer,
unless docs/language.md lists the case id under "Conformance: differences from
DuckDB" with the reason.  A case docket cannot express is counted by reason
(the table printed with the result), not failed.

The folder missing is a failure; set DOCKET_SKIP_CONFORMANCE=1 to skip with
the reason printed.
"""

import json
import math
import os
import re

import struct
from collections import Counter

import pandas as pd
import pytest

import docket
from conftest import REPO, needs_engine
from conformance_translate import Untranslatable, translate

pytestmark = needs_engine

CASES = REPO.parent / "shared" / "conformance" / "duckdb-slt" / "cases.jsonl"
DOC = REPO / "docs" / "language.md"


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


class NotExpressible(Exception):
    """A case docket cannot express, with the reason's category and detail."""

    def __init__(self, category, detail=""):
        super().__init__(f"{category}: {detail}")
        self.category = category
        self.detail = detail


def cell(v):
    """A row value as text (None for NULL); {"unrep": …} marks a value DuckDB's
    type prints another way (a FLOAT, a TIMESTAMP_MS…), its text is the value."""
    if isinstance(v, dict):
        v = v.get("unrep")
    return None if v in (None, "NULL") else v


def column(name, typ, values):
    bad = [v for v in values if v is not None and re.search(r"infinity|\(BC\)|^nan$|^-?inf$", str(v), re.I)]
    if bad:
        raise NotExpressible("value docket's types cannot hold", f"{bad[0]!r} in a {typ} column")
    if typ in ("int", "decimal:0"):  # DECIMAL(p, 0): whole numbers.
        return pd.array([None if v is None else int(v) for v in values], dtype="Int64")
    if typ in ("float", "x:float"):
        out = [None if v is None else float(v) for v in values]
        if typ == "x:float" and any(v is not None and struct.unpack("f", struct.pack("f", v))[0] != v for v in out):
            raise NotExpressible("type docket lacks", "FLOAT/REAL (float32) column values")
        return pd.array(out, dtype="Float64")
    if typ == "bool":
        return pd.array([None if v is None else v.lower() == "true" for v in values], dtype="boolean")
    if typ == "date":
        try:
            return pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[s]").dt.date
        except (ValueError, OverflowError) as e:
            raise NotExpressible("value docket's types cannot hold", f"date {e}") from None
    if typ == "timestamp" or typ.startswith("x:timestamp"):
        try:
            return pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[us]")
        except (ValueError, OverflowError) as e:
            raise NotExpressible("value docket's types cannot hold", f"timestamp {e}") from None
    if typ == "string":
        return pd.Series(values, dtype=object)
    raise NotExpressible("type docket lacks", f"column type {typ}")


def frame(case, used):
    """The case's table with the columns the expression reads (and its row count)."""
    cols = case.get("cols") or []
    rows = case.get("rows") or ([case["row"]] if case.get("row") is not None and cols else [])
    data = {"_one": [1] * (len(rows) if cols else 1)}
    for j, (name, typ) in enumerate(cols):
        if name in used:
            data[name] = column(name, typ, [cell(r[j]) for r in rows])
    return pd.DataFrame(data)


FLOAT_TEXT = re.compile(r"-?(\d+\.\d*|\d*\.\d+)(e[-+]?\d+)?|-?\d+e[-+]?\d+", re.I)


def expected_predicate(expr, ty, expected):
    """A docket predicate TRUE exactly when `expr` (of docket type `ty`) prints
    as DuckDB's `expected`; NotExpressible when docket's types cannot hold it."""
    if expected == "NULL":
        if ty == "string":  # sqllogictest prints the string 'NULL' as NULL too.
            return f"(({expr}) IS NULL OR ({expr}) = 'NULL')"
        return f"({expr}) IS NULL"
    if ty == "null":
        return "FALSE"  # DuckDB printed a value where docket's expression is NULL.
    if ty == "bool":
        if expected in ("true", "1"):
            return f"coalesce({expr}, FALSE)"
        if expected in ("false", "0"):
            return f"coalesce(NOT {expr}, FALSE)"
        return "FALSE"
    if ty in ("int", "float"):
        if re.fullmatch(r"-?\d+", expected):
            if not -2**63 <= int(expected) < 2**63:
                raise NotExpressible("value docket's types cannot hold", "a result past int64 (HUGEINT)")
            if ty == "int":
                return f"({expr}) = {expected}"
            v = float(expected)
            return f"abs(({expr}) - ({expected}.0)) <= {max(abs(v), 1.0) * 1e-9!r}"
        if FLOAT_TEXT.fullmatch(expected):
            v = float(expected)
            # sqllogictest prints some floats with six decimals (42.000000): half a unit of the last.
            digits = len(expected.split(".")[1]) if "." in expected and "e" not in expected.lower() else 0
            tol = max(max(abs(v), 1.0) * 1e-9, 0.5 * 10.0 ** -digits if digits == 6 else 0.0)
            return f"abs(({expr}) - ({expected})) <= {tol!r}"
        if re.fullmatch(r"-?(inf|infinity|nan)", expected, re.I):
            raise NotExpressible("value docket's types cannot hold", "a NaN or infinite result (docket: NaN is NULL)")
        return "FALSE"
    if ty == "string":
        text = "" if expected == "(empty)" else expected
        return "({}) = '{}'".format(expr, text.replace("'", "''"))
    if ty in ("date", "timestamp"):
        m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})( (\d{2}:\d{2}:\d{2}(\.\d+)?))?", expected)
        if not m:
            if re.search(r"infinity|\(BC\)", expected):
                raise NotExpressible("value docket's types cannot hold", f"the result {expected}")
            return "FALSE"
        if ty == "date":
            # DuckDB returns a TIMESTAMP where docket returns a date (date_trunc, date + INTERVAL): midnight.
            if m.group(3) and not re.fullmatch(r"00:00:00(\.0*)?", m.group(3)):
                return "FALSE"
            return f"({expr}) = DATE '{m.group(1)}'"
        return f"({expr}) = TIMESTAMP '{m.group(1)} {m.group(3) or '00:00:00'}Z'"
    raise NotExpressible("type docket lacks", f"an {ty} result" if ty[0] in "aeiou" else f"a {ty} result")


def run_case(case):
    """(ok, what docket said); NotExpressible when docket cannot express the case."""
    try:
        text, ty, used = translate(case)
    except Untranslatable as e:
        raise NotExpressible(e.category, e.detail) from None
    df = frame(case, used)
    kind = case["kind"]
    if kind == "scalar":
        pred = expected_predicate(text, ty, case["expected"])
    else:
        if ty not in ("bool", "null"):
            raise NotExpressible("implicit cast docket lacks", f"{ty} as a WHERE clause")
        pred = text
    try:
        compiled = docket.compile(pred, df)
    except docket.CompileError as e:
        msg = re.sub(r"^\S*:\d+:\d+: ", "", str(e).split("\n")[0])
        raise NotExpressible("docket refuses the translation", re.sub(r"'[^']*'", "…", msg)[:70]) from None
    try:
        mask = compiled.evaluate(df, as_of="2026-01-01", time_zone="UTC").fillna(False)
    except docket.DataError as e:
        return False, f"{type(e).__name__}: {e}"
    if kind == "scalar":
        got = int(mask.sum())
        return got == 1, f"{text} -> predicate {pred} TRUE on {got} rows"
    if kind == "count":
        return int(mask.sum()) == int(case["expected"]), int(mask.sum())
    rows = [int(i) for i in mask[mask].index]
    if "disp" in case:
        # DuckDB printed the selected rows' shown values; rows that print alike are alike.
        shown = lambda idx: sorted(map(str, (case["disp"][i] for i in idx)))  # noqa: E731
        return shown(rows) == shown(case["expected_rows"]), rows
    return rows == list(case["expected_rows"]), rows


def summary(ran, agreed, documented_hits, skipped):
    """The table a reader sees: what ran, and what is not covered and why."""
    lines = [f"DuckDB conformance: {ran + sum(skipped.values())} cases; {ran} run: {agreed} agree, "
             f"{documented_hits} documented differences; {sum(skipped.values())} not expressible in docket:"]
    by_cat = Counter()
    for (cat, _), n in skipped.items():
        by_cat[cat] += n
    for cat, n in by_cat.most_common():
        details = sorted(((n2, d) for (c, d), n2 in skipped.items() if c == cat), reverse=True)
        top = ", ".join(f"{d} {n2}" for n2, d in details[:6])
        more = f", … {len(details) - 6} more" if len(details) > 6 else ""
        lines.append(f"  {n:5d}  {cat}: {top}{more}")
    return "\n".join(lines)


def test_duckdb_conformance(capsys):
    cases = load_cases()
    documented = documented_differences()
    ran = agreed = documented_hits = 0
    skipped = Counter()
    failures, agreeing_documented = [], []
    for case in cases:
        try:
            ok, got = run_case(case)
        except NotExpressible as e:
            skipped[(e.category, e.detail.split(" (")[0] if e.category != "docket refuses the translation" else e.detail)] += 1
            continue
        ran += 1
        if ok:
            agreed += 1
            if case["id"] in documented:
                agreeing_documented.append(case["id"])
        elif case["id"] in documented:
            documented_hits += 1
        else:
            failures.append(f"{case['id']}: {case['expr']!r} — DuckDB {case.get('expected', case.get('expected_rows'))}, "
                            f"docket {got}")
    stale = [i for i in documented if i not in {c["id"] for c in cases}]
    with capsys.disabled():
        print("\n" + summary(ran, agreed, documented_hits, skipped))
        print(f"  {len(failures)} undocumented disagreements")
    assert not stale, f"docs/language.md lists cases the suite does not have: {stale}"
    assert not agreeing_documented, f"docs/language.md lists cases that now agree with DuckDB: {agreeing_documented}"
    assert not failures, "undocumented disagreements with DuckDB:\n" + "\n".join(failures[:80])
