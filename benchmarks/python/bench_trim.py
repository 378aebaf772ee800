#!/usr/bin/env python3
"""trim / ltrim / rtrim, with and without a set of characters, against the
plain comparison and one-argument trim measured in the same run.

Data: N rows (default 1,000,000) of one string column, every value distinct
(so no dictionary shortcut: the kernel runs once per row), half of them padded
with spaces and 'x' on both ends.  Each rule is evaluated with threads=1; the
time is the best of --repeat runs of `Predicate.count`.

  PYTHONPATH=build/python /usr/bin/python3 benchmarks/python/bench_trim.py [--rows N] [--repeat R]
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

import docket

RULES = [
    "s = 'name7'",
    "trim(s) = 'name7'",
    "ltrim(s) = 'name7'",
    "rtrim(s) = 'name7'",
    "trim(s, ' x') = 'name7'",
    "rtrim(s, 'x ') = 'name7'",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    values = [(f" xx name{i} xx " if i % 2 else f"name{i}") for i in range(a.rows)]
    df = pd.DataFrame({"s": pd.Series(values, dtype=object)})
    table = docket.Table(df) if hasattr(docket, "Table") else df
    times = {}
    for rule in RULES:
        p = docket.compile(rule, table)
        best = float("inf")
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            n = p.count(table, as_of="2026-01-01", threads=1)
            best = min(best, time.perf_counter() - t0)
        times[rule] = (best, n)
    base = times["trim(s) = 'name7'"][0]
    print(f"{a.rows:,} rows, best of {a.repeat}, threads=1")
    print(f"{'rule':32} {'ms':>8} {'ns/row':>8} {'vs trim(s)':>10} {'count':>6}")
    for rule, (t, n) in times.items():
        print(f"{rule:32} {t * 1e3:8.2f} {t * 1e9 / a.rows:8.1f} {t / base:10.2f} {n:6d}")


if __name__ == "__main__":
    main()
