"""The on-change path from Python: Rulebook.evaluate_one with a kept
docket.EvalContext (issue 13, item 4).

What is proved here: evaluate_one gives run()'s counts and matches; a warm
context is not set up again (``setups`` stays put, so the C++ side reuses its
frames, constants, stage buffers, joins and result bitmaps); and the Python
side allocates a bounded amount per call (one counts array), measured with
tracemalloc.  That the C++ side then allocates nothing at all is proved by
tests/rulebook/onchange_alloc_test.cc with a counting operator new (a Python
process cannot replace it).
"""

import tracemalloc

import numpy as np
import pytest

import docket

from conftest import RULEBOOKS, needs_engine

AS_OF = "2026-11-22"


def one_account(frames, account_id):
    """One account and its related rows (children by account_id, objectives by success plan)."""
    out = {}
    for name, df in frames.items():
        if name == "accounts":
            out[name] = df[df["id"] == account_id].reset_index(drop=True)
        elif "account_id" in df.columns:
            out[name] = df[df["account_id"] == account_id].reset_index(drop=True)
        else:
            out[name] = df
    plans = set(out["success_plans"]["id"])
    objectives = frames["objectives"]
    out["objectives"] = objectives[objectives["success_plan_id"].isin(plans)].reset_index(drop=True)
    return out


@pytest.fixture(scope="module")
def hub():
    return docket.Rulebook.load(str(RULEBOOKS / "csm_hub.yaml"))


@needs_engine
def test_evaluate_one_matches_run(hub, example_frames):
    ctx = docket.EvalContext()
    for account in ["A0000001", "A0000002", "A0000007"]:
        snap = hub.prepare(one_account(example_frames, account))
        counts = hub.evaluate_one(snap, as_of=AS_OF, context=ctx)
        res = hub.run(snap, as_of=AS_OF, threads=1)
        assert counts.dtype == np.int64
        assert counts.tolist() == [l.count for l in res.lists], account
        for i, l in enumerate(res.lists):
            assert ctx.matches(i).tolist() == np.flatnonzero(l.mask().to_numpy()).tolist(), (account, l.id)
    assert ctx.evaluations == 3


@needs_engine
def test_evaluate_one_is_the_command_center(hub, example_frames):
    # Kept rows (order_by, limit, max_rows) and KPI values are run()'s, account by account.
    ctx = docket.EvalContext()
    kept_total = 0
    for account in ["A0000001", "A0000002", "A0000005", "A0000007", "A0000011"]:
        snap = hub.prepare(one_account(example_frames, account))
        for max_rows in [None, 2]:
            hub.evaluate_one(snap, as_of=AS_OF, context=ctx, max_rows=max_rows)
            res = hub.run(snap, as_of=AS_OF, threads=1, max_rows=max_rows)
            for i, l in enumerate(res.lists):
                assert ctx.kept(i).tolist() == l.rows.tolist(), (account, max_rows, l.id)
                kept_total += len(l.rows)
            kpis = ctx.kpis()
            assert list(kpis) == [k["id"] for k in res._kpis]
            for kid, value in kpis.items():
                want = res.kpi_value(kid)
                assert value == want or (value != value and want != want), (account, kid)
    assert kept_total > 0


@needs_engine
def test_warm_context_is_not_set_up_again(hub, example_frames):
    snap = hub.prepare(one_account(example_frames, "A0000002"))
    ctx = docket.EvalContext()
    first = hub.evaluate_one(snap, as_of=AS_OF, context=ctx)
    setups = ctx.setups
    assert setups == 1
    for day in range(1, 29):
        hub.evaluate_one(snap, as_of=f"2026-11-{day:02d}", context=ctx)
    assert ctx.setups == setups, "a warm context rebuilt its state"
    assert hub.evaluate_one(snap, as_of=AS_OF, context=ctx).tolist() == first.tolist()
    # Another snapshot: its joins are resolved once, then warm again.
    other = hub.prepare(one_account(example_frames, "A0000003"))
    hub.evaluate_one(other, as_of=AS_OF, context=ctx)
    hub.evaluate_one(other, as_of=AS_OF, context=ctx)
    assert ctx.setups == setups + 1


@needs_engine
def test_python_side_allocates_only_the_counts(hub, example_frames):
    snap = hub.prepare(one_account(example_frames, "A0000002"))
    ctx = docket.EvalContext()
    for _ in range(20):
        hub.evaluate_one(snap, as_of=AS_OF, context=ctx)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for _ in range(500):
            hub.evaluate_one(snap, as_of=AS_OF, context=ctx)
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 500 calls: under 33 bytes kept per call (interpreter free lists), and no
    # call holds more than its arguments and one counts array.
    assert after - before < 16384, "memory kept across calls"
    assert peak - before < 32768, "one call holds more than its counts array and arguments"


@needs_engine
def test_errors(hub, example_frames):
    ctx = docket.EvalContext()
    with pytest.raises(TypeError, match="Snapshot"):
        hub.evaluate_one(one_account(example_frames, "A0000002"), as_of=AS_OF, context=ctx)
    with pytest.raises(ValueError, match="not evaluated"):
        ctx.counts()
    snap = hub.prepare(one_account(example_frames, "A0000002"))
    hub.evaluate_one(snap, as_of=AS_OF, context=ctx)
    with pytest.raises(IndexError, match="out of range"):
        ctx.matches(10_000)
