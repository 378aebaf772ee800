"""One Table, one Predicate, one Rulebook used from many threads at once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import docket
from conftest import needs_engine, runnable_rulebooks

pytestmark = needs_engine


@pytest.fixture(scope="module")
def big():
    rng = np.random.default_rng(7)
    n = 400_000
    return pd.DataFrame({
        "arr": rng.integers(0, 300_000, n).astype(np.float64),
        "pulse": pd.Categorical(rng.choice(["green", "yellow", "red", None], n)),
        "changed": np.datetime64("2026-01-01") + rng.integers(0, 330, n).astype("timedelta64[D]"),
        "name": rng.choice(["acme", "beta", "core", "delta"], n).astype(object),
    })


def test_shared_predicate_from_threads(big):
    t = docket.Table(big, name="accounts")
    pred = docket.compile("arr > 100000 AND (pulse IN ('red', 'yellow') OR days_since(changed) > 90) "
                          "AND name LIKE '%e%'", t)
    expected = pred.evaluate(t, as_of="2026-11-22")
    barrier = threading.Barrier(8)

    def work(i):
        barrier.wait()
        out = []
        for _ in range(5):
            out.append(pred.evaluate(t, as_of="2026-11-22"))
            out.append(pred.count(t, as_of="2026-11-22"))
        return out

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(8)))
    for out in results:
        for r in out:
            if isinstance(r, int):
                assert r == expected.attrs["count"]
            else:
                assert r.equals(expected)


def test_shared_rulebook_from_threads(example_frames):
    books = runnable_rulebooks(example_frames)
    if not books:
        pytest.skip("no example rulebook compiles in this build")
    book = max(books, key=lambda b: len(b.lists))
    snap = book.prepare(example_frames)
    owners = ["Alice Chen", None, "Alice Chen", None]
    expected = {o: book.run(snap, as_of="2026-11-22", owner=o).to_dict() for o in set(owners)}

    def work(i):
        o = owners[i % len(owners)]
        return o, book.run(snap, as_of="2026-11-22", owner=o).to_dict()

    with ThreadPoolExecutor(8) as pool:
        for o, d in pool.map(work, range(16)):
            assert d == expected[o]


def test_evaluation_releases_the_gil(big):
    # With a huge switch interval Python never preempts a thread: another
    # thread only runs when the running one releases the GIL itself.  A
    # thread waiting to run therefore gets in before count() returns only if
    # docket released the GIL while evaluating.
    import sys

    t = docket.Table(pd.concat([big] * 5, ignore_index=True))
    pred = docket.compile("days_since(changed) % 7 = 3 AND arr * 2 > 1000", t)
    pred.count(t, as_of="2026-11-22")  # Warm up.
    ticks = []
    go = threading.Event()

    def ticker():
        go.wait()
        ticks.append(1)

    old = sys.getswitchinterval()
    th = threading.Thread(target=ticker)
    th.start()
    try:
        sys.setswitchinterval(1000.0)
        go.set()
        pred.count(t, as_of="2026-11-22", threads=1)
        ran_during_evaluation = len(ticks) > 0
    finally:
        sys.setswitchinterval(old)
        th.join()
    assert ran_during_evaluation
