"""history= through Python: what preparing the older snapshot costs against a run (not a test).

    PYTHONPATH=build/python /usr/bin/python3 python/tests/history_bench.py   # DOCKET_BENCH_ROWS=1000000
"""
import time, warnings, numpy as np, pandas as pd, docket
warnings.simplefilter("ignore", docket.DocketWarning)
import os
n = int(os.environ.get("DOCKET_BENCH_ROWS", "1000000"))
rng = np.random.default_rng(1)
ids = np.array([f"A{i:07d}" for i in range(n)], dtype=object)
def frame(seed):
    r = np.random.default_rng(seed)
    return pd.DataFrame({"id": ids, "csm": r.choice(np.array(["ann", "bo", "cy", "di"], dtype=object), n),
                         "usage": r.integers(0, 1000, n).astype(np.int64)})
now, prev = frame(1), frame(2)
book = docket.Rulebook.from_yaml("""
docket: 1
name: b
lists:
  - id: moved
    table: accounts
    when: changed(csm) AND usage > 10
  - id: dropped
    table: accounts
    when: pct_change(usage) < -0.5
  - id: plain
    table: accounts
    when: usage > 10 AND csm <> 'ann'
tables:
  accounts: {key: id, owner: csm, columns: {id: string, csm: string, usage: int}}
""")
snap = book.prepare({"accounts": now})
prev_t = book.prepare({"accounts": prev})
def best(f, k=3):
    out = []
    for _ in range(k):
        t = time.perf_counter(); f(); out.append(time.perf_counter() - t)
    return min(out)
t_plain = best(lambda: book.run(snap, as_of="2026-11-22", lists=["plain"]))
t_hist_prepared = best(lambda: book.run(snap, as_of="2026-11-22", lists=["moved"], history={"2026-11-15": prev_t}))
t_hist_raw = best(lambda: book.run(snap, as_of="2026-11-22", lists=["moved"], history={"2026-11-15": {"accounts": prev}}))
t_prepare = best(lambda: book.prepare({"accounts": prev}))
print(f"{n:,} accounts, one previous snapshot: 'usage > 10 AND csm <> ann' {t_plain*1e3:.0f} ms; "
      f"'changed(csm) AND usage > 10' with a prepared history (key join built in the call) {t_hist_prepared*1e3:.0f} ms; "
      f"with raw DataFrames as history {t_hist_raw*1e3:.0f} ms; book.prepare of the older frame alone {t_prepare*1e3:.0f} ms")
print(f"ratios: history run / plain run {t_hist_prepared / t_plain:.1f}x; raw / prepared history {t_hist_raw / t_hist_prepared:.1f}x")
