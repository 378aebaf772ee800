#!/usr/bin/env python3
"""docket.dask.run against one process: scaling and per-partition overhead.

Data: build/docket_gen accounts with contacts and tasks (default 5,000,000
accounts, 2 contacts and 1 task per account, seed 42), read with pandas once
(the rulebook's declared columns; low-cardinality strings as Categorical).
Rulebook: examples/rulebooks/csm_hub.yaml (its other declared tables are
empty).  Every configuration computes the whole run — every list's count and
kept rows, every KPI — and the script checks that the answers equal one
process's before printing times (best of --repeat).

  one process   book.run(frames, threads=1) and threads=0 (every core)
  dask 1 worker LocalCluster(n_workers=1, threads_per_worker=1), pandas frames split into P partitions
  dask 2 workers LocalCluster(n_workers=2, threads_per_worker=1), P partitions

The Dask times are end to end as a user sees them: splitting on the client,
shipping the partitions to the workers (in the task graph), the partition
runs, the merge.  Per-partition overhead is measured separately on the
2,000-account sample: (time with 64 partitions - time with 1) / 63.

  PYTHONPATH=build/python /usr/bin/python3 benchmarks/python/bench_dask.py
  ... --accounts 1000000 --partitions 8 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import pandas as pd

import docket

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AS_OF = "2026-11-22"
TABLES = ["accounts", "contacts", "tasks"]


def load(book: docket.Rulebook, directory: str) -> dict:
    frames = {}
    for name in TABLES:
        decl = book.tables[name]
        types = dict(decl["columns"])
        dates = [c for c, t in types.items() if t == "date" or t.startswith("timestamp")]
        unique = {decl.get("key"), "name", "email", "title"}
        parent = decl.get("parent")
        if parent:
            unique.add(parent[1])
        dtype = {c: ("category" if c not in unique else object) for c, t in types.items() if t == "string"}
        frames[name] = pd.read_csv(os.path.join(directory, f"{name}.csv"), usecols=list(types), dtype=dtype,
                                   parse_dates=dates, keep_default_na=False, na_values=[""])
    return frames


def best(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def same(a, b) -> bool:
    for la, lb in zip(a.lists, b.lists):
        if la.count != lb.count or la.keys != lb.keys:
            print(f"  MISMATCH in list {la.id}: {la.count} vs {lb.count}", file=sys.stderr)
            return False
    for ka, kb in zip(a._kpis, b._kpis):
        va, vb = ka["value"], kb["value"]
        if isinstance(vb, float):
            if abs(va - vb) > 1e-9 * max(1.0, abs(vb)):
                return False
        elif va != vb:
            return False
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=5_000_000)
    ap.add_argument("--data", help="a docket_gen output directory (default: generate into a temporary one)")
    ap.add_argument("--partitions", type=int, default=8, help="partitions of the Dask runs (default 8)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--rulebook", default=os.path.join(REPO, "examples", "rulebooks", "csm_hub.yaml"))
    args = ap.parse_args()

    import dask
    import distributed

    import docket.dask as ddk

    book = docket.Rulebook.load(args.rulebook)
    tmp = None
    directory = args.data
    if directory is None:
        tmp = tempfile.TemporaryDirectory(prefix="docket_bench_dask_")
        directory = tmp.name
        gen = os.path.join(os.environ.get("DOCKET_BUILD", os.path.join(REPO, "build")), "docket_gen")
        start = time.perf_counter()
        subprocess.run([gen, "--accounts", str(args.accounts), "--contacts-per-account", "2",
                        "--tasks-per-account", "1", "--tables", ",".join(TABLES), "--out", directory, "--quiet"],
                       check=True)
        print(f"generated in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    frames = load(book, directory)
    rows = {t: len(f) for t, f in frames.items()}
    print(f"loaded {rows} in {time.perf_counter() - start:.1f} s "
          f"({sum(f.memory_usage(deep=True).sum() for f in frames.values()) / 1e9:.2f} GB in pandas)")

    results = []
    t1, want = best(lambda: book.run(frames, as_of=AS_OF, threads=1), args.repeat)
    results.append(("one process, 1 thread", t1, None))
    print(f"  one process, 1 thread: {t1:.2f} s", flush=True)
    t0, _ = best(lambda: book.run(frames, as_of=AS_OF, threads=0), args.repeat)
    results.append((f"one process, {os.cpu_count()} threads", t0, None))
    print(f"  one process, {os.cpu_count()} threads: {t0:.2f} s", flush=True)

    for workers in (1, 2):
        with dask.config.set({"distributed.worker.memory.target": False, "distributed.worker.memory.spill": False,
                              "distributed.worker.memory.pause": False,
                              "distributed.admin.large-graph-warning-threshold": "100GB"}):
            cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                               host="127.0.0.1", dashboard_address=None, silence_logs=40,
                                               memory_limit=0)
            client = distributed.Client(cluster)
            try:
                t, got = best(lambda: ddk._run(book, frames, as_of=AS_OF, npartitions=args.partitions), args.repeat)
                if not same(got, want):
                    print(f"dask with {workers} workers differs from one process", file=sys.stderr)
                    return 1
                results.append((f"dask, {workers} worker{'s' if workers > 1 else ''}, {args.partitions} partitions",
                                t, got.partitions))
                phases = ", ".join(f"{k} {v:.2f} s" for k, v in got.timings.items())
                print(f"  {results[-1][0]}: {t:.2f} s (answers equal one process's; last run: {phases})", flush=True)
                del got
            finally:
                client.close()
                cluster.close()

    print()
    print(f"{'configuration':<40} {'seconds':>8} {'vs 1 thread':>12}")
    for label, t, _ in results:
        print(f"{label:<40} {t:>8.2f} {t1 / t:>11.2f}x")
    d1 = next(t for label, t, _ in results if label.startswith("dask, 1 worker"))
    d2 = next(t for label, t, _ in results if label.startswith("dask, 2 workers"))
    print(f"scaling 1 -> 2 workers: {d1 / d2:.2f}x")

    # Per-partition overhead on the 2,000-account sample.
    sample = load(book, os.path.join(REPO, "examples", "data"))
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=40)
    client = distributed.Client(cluster)
    try:
        ddk._run(book, sample, as_of=AS_OF, npartitions=2)  # Warm the workers.
        one, _ = best(lambda: ddk._run(book, sample, as_of=AS_OF, npartitions=1), 3)
        many, _ = best(lambda: ddk._run(book, sample, as_of=AS_OF, npartitions=64), 3)
    finally:
        client.close()
        cluster.close()
    print(f"per-partition overhead (2,000 accounts, 2 workers): 1 partition {one * 1e3:.0f} ms, "
          f"64 partitions {many * 1e3:.0f} ms -> {(many - one) / 63 * 1e3:.1f} ms per partition")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
