#!/usr/bin/env python3
"""Workload A through Python: docket vs pandas, numexpr and SQLite.

The eight rules of issue 3 over N generated accounts (default 5,000,000,
numpy, seed 42), the data already loaded in each system in its natural form:

  docket   a docket.Table prepared from the DataFrame (dates declared `date`,
           strings Categorical -> dictionary columns); rules compiled once
  pandas   the DataFrame (datetime64[ns], Categorical); boolean indexing
           (`mask.sum()`) and DataFrame.query (numexpr engine where it can,
           python engine for the regex rule)
  numexpr  numpy arrays (dates as int days, categories as codes, NULL masks)
  sqlite3  an in-memory table (dates as int days), `SELECT count(*) ... WHERE`

Every system computes the eight counts; the script checks they agree before
printing times.  Times are the best of several runs.  It also prints the
memory-bandwidth floor (bytes the rules must read once / streaming-sum
bandwidth measured here) and what the binding adds over docket's own C++ loop.

Then issue 13's comparison: `Rulebook.run` of the eight rules as the eight
lists of a rulebook (on the prepared docket.Table; max_rows left at its
default and max_rows=0) against the same eight predicates compiled as one
`Program` (`_docket.Program`, one pass), both through Python, on 1 and 2
threads, runs interleaved so that a busy machine slows both alike; it prints
Rulebook.run / Program and the 2-vs-1-thread speedups (targets: <= 1.3x and
>= 1.7x).

  PYTHONPATH=build/python /usr/bin/python3 benchmarks/python/bench_workload.py
  ... --rows 500000 --no-sqlite
  ... --only-rulebook          # just the Rulebook.run vs Program comparison
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import sys
import time

import numpy as np
import pandas as pd

try:
    import numexpr as ne
except ImportError:  # pragma: no cover
    ne = None

import docket
from docket import _docket

AS_OF = dt.date(2026, 11, 22)
TODAY = np.datetime64(AS_OF, "D")
EPOCH_TODAY = int((AS_OF - dt.date(1970, 1, 1)).days)
MINUS_4_MONTHS = np.datetime64("2026-07-22", "D")

RULES = [
    "pulse IS NULL OR days_since(pulse_changed_at) > 90",
    "last_value_review IS NULL OR last_value_review < today - INTERVAL 4 MONTH",
    "renewal_date BETWEEN today AND today + 120 AND forecast IS NULL",
    "usage_30d < 0.7 * usage_prev_30d",
    "arr > 100000 AND pulse IN ('red', 'yellow')",
    "segment MATCHES '(?i)^ent' AND arr > 50000",
    "forecast_sentiment IN ('at risk', 'likely churn') AND days_until(renewal_date) <= 180",
    "days_since(subscription_start) % 91 BETWEEN 77 AND 90",
]
DATE_COLUMNS = ["pulse_changed_at", "last_value_review", "renewal_date", "subscription_start"]


def generate(n: int, seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    def dates(lo: int, hi: int, null_share: float) -> np.ndarray:
        d = TODAY + rng.integers(lo, hi, n).astype("timedelta64[D]")
        d[rng.random(n) < null_share] = np.datetime64("NaT")
        return d

    def cat(values, p, null_share=0.0):
        codes = rng.choice(len(values), n, p=p).astype(np.int8)
        if null_share:
            codes[rng.random(n) < null_share] = -1
        return pd.Categorical.from_codes(codes, categories=values)

    usage_prev = rng.gamma(2.0, 3000.0, n)
    usage = usage_prev * rng.normal(1.0, 0.3, n)
    usage[rng.random(n) < 0.03] = np.nan
    return pd.DataFrame({
        "arr": rng.integers(1_000, 500_000, n).astype(np.float64),
        "pulse": cat(["green", "yellow", "red"], [0.6, 0.25, 0.15], 0.1),
        "pulse_changed_at": dates(-400, 1, 0.05),
        "last_value_review": dates(-365, 1, 0.2),
        "renewal_date": dates(-180, 540, 0.0),
        "forecast": cat(["commit", "best case", "pipeline", "omitted"], [0.25, 0.15, 0.15, 0.45], 0.4),
        "usage_30d": usage,
        "usage_prev_30d": usage_prev,
        "segment": cat(["Enterprise", "Mid-Market", "SMB"], [0.2, 0.3, 0.5]),
        "forecast_sentiment": cat(["likely renew", "neutral", "at risk", "likely churn"], [0.5, 0.3, 0.15, 0.05]),
        "subscription_start": dates(-2000, 1, 0.0),
    })


def best(fn, runs: int) -> tuple:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


# -- pandas ---------------------------------------------------------------------


def pandas_masks(df: pd.DataFrame) -> list:
    today = pd.Timestamp(AS_OF)
    c90 = today - pd.Timedelta(days=90)
    c4m = pd.Timestamp(MINUS_4_MONTHS)
    return [
        lambda: df["pulse"].isna() | (df["pulse_changed_at"] < c90),
        lambda: df["last_value_review"].isna() | (df["last_value_review"] < c4m),
        lambda: df["renewal_date"].between(today, today + pd.Timedelta(days=120)) & df["forecast"].isna(),
        lambda: df["usage_30d"] < 0.7 * df["usage_prev_30d"],
        lambda: (df["arr"] > 100000) & df["pulse"].isin(["red", "yellow"]),
        lambda: df["segment"].str.match("(?i)ent").fillna(False).astype(bool) & (df["arr"] > 50000),
        lambda: df["forecast_sentiment"].isin(["at risk", "likely churn"]) & ((df["renewal_date"] - today).dt.days <= 180),
        lambda: ((today - df["subscription_start"]).dt.days % 91).between(77, 90),
    ]


def pandas_queries(df: pd.DataFrame) -> list:
    today = pd.Timestamp(AS_OF)
    env = {"c90": today - pd.Timedelta(days=90), "c4m": pd.Timestamp(MINUS_4_MONTHS), "today": today,
           "t120": today + pd.Timedelta(days=120), "t180": today + pd.Timedelta(days=180),
           "days_since": lambda s: (today - s).dt.days}
    return [
        ("pulse != pulse or pulse_changed_at < @c90", "numexpr"),
        ("last_value_review != last_value_review or last_value_review < @c4m", "numexpr"),
        ("renewal_date >= @today and renewal_date <= @t120 and forecast != forecast", "numexpr"),
        ("usage_30d < 0.7 * usage_prev_30d", "numexpr"),
        ("arr > 100000 and pulse in ['red', 'yellow']", "numexpr"),
        ("segment.str.match('(?i)ent') and arr > 50000", "python"),
        ("forecast_sentiment in ['at risk', 'likely churn'] and renewal_date <= @t180", "numexpr"),
        ("(@days_since(subscription_start) % 91 >= 77) and (@days_since(subscription_start) % 91 <= 90)", "python"),
    ], env


# -- numexpr --------------------------------------------------------------------


def numexpr_arrays(df: pd.DataFrame) -> dict:
    a = {}
    for c in DATE_COLUMNS:
        v = df[c].to_numpy().astype("datetime64[D]")
        a[c + "_valid"] = ~np.isnat(v)
        a[c] = v.astype(np.int64)
    for c in ["pulse", "forecast", "segment", "forecast_sentiment"]:
        a[c] = df[c].cat.codes.to_numpy()
        a[c + "_categories"] = list(df[c].cat.categories)
    for c in ["arr", "usage_30d", "usage_prev_30d"]:
        a[c] = df[c].to_numpy()
    return a


def numexpr_rules(a: dict) -> list:
    t = EPOCH_TODAY
    red, yellow = a["pulse_categories"].index("red"), a["pulse_categories"].index("yellow")
    risk = a["forecast_sentiment_categories"].index("at risk")
    churn = a["forecast_sentiment_categories"].index("likely churn")
    m4 = int((MINUS_4_MONTHS - np.datetime64("1970-01-01", "D")).astype(int))
    seg_lut = np.array([c.lower().startswith("ent") for c in a["segment_categories"]])
    env = dict(a)
    env.update(t=t, m4=m4, red=red, yellow=yellow, risk=risk, churn=churn)

    def ev(expr, **extra):
        return ne.evaluate(expr, local_dict={**env, **extra})

    return [
        lambda: ev("(pulse == -1) | (pulse_changed_at_valid & (pulse_changed_at < t - 90))"),
        lambda: ev("(~last_value_review_valid) | (last_value_review_valid & (last_value_review < m4))"),
        lambda: ev("renewal_date_valid & (renewal_date >= t) & (renewal_date <= t + 120) & (forecast == -1)"),
        lambda: ev("usage_30d < 0.7 * usage_prev_30d"),
        lambda: ev("(arr > 100000) & ((pulse == red) | (pulse == yellow))"),
        lambda: ev("seg & (arr > 50000)", seg=seg_lut[a["segment"]]),
        lambda: ev("((forecast_sentiment == risk) | (forecast_sentiment == churn)) & renewal_date_valid & "
                   "(renewal_date - t <= 180)"),
        lambda: ev("subscription_start_valid & ((t - subscription_start) % 91 >= 77) & "
                   "((t - subscription_start) % 91 <= 90)"),
    ]


# -- sqlite3 --------------------------------------------------------------------

SQL = [
    "pulse IS NULL OR pulse_changed_at < {t} - 90",
    "last_value_review IS NULL OR last_value_review < {m4}",
    "renewal_date BETWEEN {t} AND {t} + 120 AND forecast IS NULL",
    "usage_30d < 0.7 * usage_prev_30d",
    "arr > 100000 AND pulse IN ('red', 'yellow')",
    "segment LIKE 'ent%' AND arr > 50000",  # LIKE is case-insensitive for ASCII: (?i)^ent.
    "forecast_sentiment IN ('at risk', 'likely churn') AND renewal_date - {t} <= 180",
    "({t} - subscription_start) % 91 BETWEEN 77 AND 90",
]


def sqlite_load(df: pd.DataFrame) -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    cols = list(df.columns)
    con.execute(f"CREATE TABLE accounts ({', '.join(cols)})")
    data = {}
    for c in cols:
        s = df[c]
        if c in DATE_COLUMNS:
            v = s.to_numpy().astype("datetime64[D]")
            days = v.astype(np.int64).astype(object)
            days[np.isnat(v)] = None
            data[c] = days
        elif isinstance(s.dtype, pd.CategoricalDtype):
            data[c] = s.astype(object).where(s.notna(), None).to_numpy()
        else:
            v = s.to_numpy().astype(object)
            v[pd.isna(s).to_numpy()] = None
            data[c] = v
    con.executemany(f"INSERT INTO accounts VALUES ({', '.join('?' * len(cols))})", zip(*(data[c] for c in cols)))
    con.commit()
    return con


def rulebook_vs_program(table, book, program, snap, runs: int) -> dict:
    """Issue 13's comparison through Python: `Rulebook.run` of the eight lists
    against one `Program` of the eight predicates, on 1 and 2 threads.  Each
    round times every variant once (interleaved); the best round counts."""
    as_of = (AS_OF.year, AS_OF.month, AS_OF.day)
    variants = {}
    for t in (1, 2):
        variants[("program", t)] = lambda t=t: program.counts(snap._native, as_of, t)
        variants[("run", t, "default")] = lambda t=t: [
            l.count for l in book.run({"accounts": table}, as_of=AS_OF, threads=t).lists]
        variants[("run", t, "0")] = lambda t=t: [
            l.count for l in book.run({"accounts": table}, as_of=AS_OF, threads=t, max_rows=0).lists]
    best_s = {k: float("inf") for k in variants}
    counts = {}
    for fn in variants.values():
        fn()  # Warm: compile, first touch.
    for _ in range(runs):
        for k, fn in variants.items():
            t0 = time.perf_counter()
            counts[k] = fn()
            best_s[k] = min(best_s[k], time.perf_counter() - t0)
    ref = counts[("program", 1)]
    for k, c in counts.items():
        if c != ref:
            print(f"MISMATCH {k}: {c} != Program {ref}", file=sys.stderr)
            sys.exit(1)
    return best_s


def print_rulebook_vs_program(best_s: dict, n: int) -> None:
    p1, p2 = best_s[("program", 1)], best_s[("program", 2)]
    print()
    print(f"Rulebook.run vs Program through Python: workload A's eight rules, {n:,} accounts "
          f"(best of interleaved rounds)")
    print()
    print("| call | 1 thread (ms) | 2 threads (ms) | 2 vs 1 | / Program, 1 thread | / Program, 2 threads |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| `Program` (8 predicates, one pass) | {p1 * 1e3:.1f} | {p2 * 1e3:.1f} | {p1 / p2:.2f}x | 1.00x | 1.00x |")
    for mode, label in (("default", "`Rulebook.run` (8 lists)"), ("0", "`Rulebook.run` (8 lists, `max_rows=0`)")):
        r1, r2 = best_s[("run", 1, mode)], best_s[("run", 2, mode)]
        print(f"| {label} | {r1 * 1e3:.1f} | {r2 * 1e3:.1f} | {r1 / r2:.2f}x | {r1 / p1:.2f}x | {r2 / p2:.2f}x |")
    print("targets (issue 13): Rulebook.run <= 1.3x Program; 2 threads >= 1.7x faster than 1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--threads", type=int, default=0, help="docket threads (0: one per core)")
    ap.add_argument("--only-rulebook", action="store_true", help="only Rulebook.run vs Program")
    args = ap.parse_args()
    n = args.rows

    print(f"generating {n:,} accounts (numpy, seed 42)...", flush=True)
    df = generate(n)

    # docket: prepared once (dates as `date`), rules compiled once.
    t0 = time.perf_counter()
    table = docket.Table(df, name="accounts", types={c: "date" for c in DATE_COLUMNS})
    prep = time.perf_counter() - t0
    preds = [docket.compile(r, table) for r in RULES]
    book = docket.Rulebook.from_yaml("docket: 1\nname: workload A\nlists:\n" + "".join(
        f"  - id: rule{i + 1}\n    table: accounts\n    when: \"{r}\"\n" for i, r in enumerate(RULES)))
    snap = docket.Snapshot({"accounts": table})
    compiled = book._compile(snap)
    program = _docket.Program.compile(snap._native.schema(), "accounts", RULES)
    as_of = (AS_OF.year, AS_OF.month, AS_OF.day)

    print("timing Rulebook.run against the Program...", flush=True)
    versus = rulebook_vs_program(table, book, program, snap, args.runs)
    if args.only_rulebook:
        print_rulebook_vs_program(versus, n)
        return

    results = {}  # system -> (seconds for all eight, per-rule seconds, counts)

    def measure(name, fns, runs):
        per, counts = [], []
        for fn in fns:
            s, out = best(fn, runs)
            per.append(s)
            counts.append(int(out) if np.isscalar(out) else int(np.count_nonzero(out)))
        results[name] = (sum(per), per, counts)
        print(f"  {name}: {sum(per) * 1e3:.1f} ms", flush=True)

    print("timing...", flush=True)
    thr = args.threads
    measure("docket count (8 predicates)", [lambda p=p: p.count(table, as_of=AS_OF, threads=thr) for p in preds],
            args.runs)
    s, out = best(lambda: program.counts(snap._native, as_of, thr), args.runs)
    results["docket Program (8 predicates, one pass)"] = (s, None, list(out))
    print(f"  docket Program (8 predicates, one pass): {s * 1e3:.1f} ms", flush=True)
    measure("docket evaluate -> boolean Series", [lambda p=p: p.evaluate(table, as_of=AS_OF, threads=thr).sum()
                                                  for p in preds], args.runs)
    s, res = best(lambda: book.run(snap, as_of=AS_OF, threads=thr), args.runs)
    results["docket Rulebook.run (8 lists, one pass)"] = (s, None, [l.count for l in res.lists])
    print(f"  docket Rulebook.run (8 lists, one pass): {s * 1e3:.1f} ms", flush=True)
    s, res = best(lambda: book.run(snap, as_of=AS_OF, max_rows=0, threads=thr), args.runs)
    results["docket Rulebook.run (max_rows=0)"] = (s, None, [l.count for l in res.lists])
    print(f"  docket Rulebook.run (max_rows=0): {s * 1e3:.1f} ms", flush=True)
    cpp_each = [_docket._evaluate_seconds(p._native, table._native, as_of, thr, args.runs) for p in preds]
    results["docket C++ loop (no Python; 8 predicates)"] = (sum(cpp_each), cpp_each, results[
        "docket count (8 predicates)"][2])
    cpp_program = program._evaluate_seconds(snap._native, as_of, thr, args.runs)
    results["docket C++ loop (no Python; Program)"] = (cpp_program, None, results[
        "docket count (8 predicates)"][2])
    cpp_book = compiled._run_seconds(snap._native, as_of, thr, None, args.runs)
    results["docket C++ loop (no Python; rulebook)"] = (cpp_book, None, results[
        "docket Rulebook.run (8 lists, one pass)"][2])

    measure("pandas boolean indexing", [lambda f=f: f().sum() for f in pandas_masks(df)], max(1, args.runs // 2))
    queries, env = pandas_queries(df)

    def q(expr, engine):
        return len(df.query(expr, engine=engine, local_dict=env))

    # numexpr cannot read Categorical or datetime64 columns: such queries use
    # the python engine (decided once, untimed).
    engines = []
    for e, g in queries:
        try:
            q(e, g)
        except (ValueError, TypeError, NotImplementedError):
            g = "python"
        engines.append((e, g))
    measure("pandas DataFrame.query", [lambda e=e, g=g: q(e, g) for e, g in engines], max(1, args.runs // 2))
    if ne is not None:
        arrays = numexpr_arrays(df)
        measure("numexpr", [lambda f=f: f().sum() for f in numexpr_rules(arrays)], args.runs)
    if not args.no_sqlite:
        print("  loading sqlite3 (in memory)...", flush=True)
        con = sqlite_load(df)
        m4 = int((MINUS_4_MONTHS - np.datetime64("1970-01-01", "D")).astype(int))
        sqls = [f"SELECT count(*) FROM accounts WHERE {w.format(t=EPOCH_TODAY, m4=m4)}" for w in SQL]
        measure("sqlite3 (in memory)", [lambda s=s: con.execute(s).fetchone()[0] for s in sqls], 1)

    # Every system must have found the same rows.
    ref = results["docket count (8 predicates)"][2]
    for name, (_, _, counts) in results.items():
        if counts != ref:
            print(f"MISMATCH {name}: {counts} != docket {ref}", file=sys.stderr)
            sys.exit(1)

    # The floor: bytes the eight rules read (each needed column once) / read bandwidth.
    needed = ["arr", "pulse", "pulse_changed_at", "last_value_review", "renewal_date", "forecast", "usage_30d",
              "usage_prev_30d", "segment", "forecast_sentiment", "subscription_start"]
    nbytes = sum(_docket._column_info(table._native, c)["byte_size"] for c in needed)
    big = np.ones(max(n, 50_000_000) // 1, dtype=np.float64)
    bw_s, _ = best(lambda: big.sum(), 5)
    bandwidth = big.nbytes / bw_s
    floor = nbytes / bandwidth

    base = results["docket count (8 predicates)"][0]
    print()
    print(f"Workload A through Python: eight rules, {n:,} rows, as_of {AS_OF}, {os.cpu_count()} cores, "
          f"docket threads={thr or 'all'}")
    print(f"counts: {ref}")
    print(f"docket.Table prepare (not timed below): {prep * 1e3:.1f} ms; bytes the rules read: {nbytes / 1e6:.1f} MB; "
          f"streaming-sum bandwidth {bandwidth / 1e9:.1f} GB/s (1 thread) -> floor {floor * 1e3:.1f} ms")
    print()
    print(f"| {'system':<44} | {'time (ms)':>10} | {'vs docket count':>15} |")
    print(f"|{'-' * 46}|{'-' * 12}:|{'-' * 16}:|")
    for name, (s, _, _) in results.items():
        print(f"| {name:<44} | {s * 1e3:>10.1f} | {s / base:>14.2f}x |")
    print_rulebook_vs_program(versus, n)
    print()
    print("per rule (ms):")
    header = ["rule"] + [k for k, v in results.items() if v[1] is not None]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] * len(header)) + "|")
    for i, r in enumerate(RULES):
        cells = [f"{i + 1}. `{r}`"] + [f"{v[1][i] * 1e3:.2f}" for k, v in results.items() if v[1] is not None]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
