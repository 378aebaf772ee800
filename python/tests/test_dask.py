"""docket.dask.run on a real distributed cluster (two worker processes on
loopback): the same answers as Rulebook.run on one machine, a worker killed
mid-run, and bad input refused before any work is sent."""

import os
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import docket

from conftest import RULEBOOKS, needs_engine, read_example

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
import dask.dataframe as dd  # noqa: E402

import docket.dask as ddk  # noqa: E402

pytestmark = [needs_engine, pytest.mark.filterwarnings("ignore:Large object of size")]
AS_OF = "2026-11-22"


@pytest.fixture(scope="module")
def client():
    # One retry of a partition whose worker died; a second death fails the run (kept short for the tests).
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                           dashboard_address=None, silence_logs=40)
        c = distributed.Client(cluster)
        try:
            yield c
        finally:
            c.close()
            cluster.close()


@pytest.fixture(scope="module")
def frames():
    from conftest import DATA

    return {p.stem: read_example(p.stem) for p in sorted(DATA.glob("*.csv"))}


def given(book, frames):
    return {t: frames[t] for t in book.tables if t in frames}


def as_dask(tables, npartitions):
    return {t: dd.from_pandas(f, npartitions=npartitions, sort=False) for t, f in tables.items()}


def assert_same(got, want, label=""):
    """A docket.dask result equals Rulebook.run's: lists, counts, keys in
    order, row positions, shown frames (values, dtypes, index), diagnostics,
    KPIs (floats within 1e-9 relative) overall and per owner, relations."""
    assert [l.id for l in got.lists] == [l.id for l in want.lists], label
    pd.testing.assert_frame_equal(got.counts(), want.counts())
    for g, w in zip(got.lists, want.lists):
        where = f"{label}/{g.id}"
        assert g.count == w.count, where
        assert g.keys == w.keys, where
        assert list(g.rows) == list(w.rows), where
        assert g.diagnostics == w.diagnostics, where
        pd.testing.assert_frame_equal(got[g.id], want[w.id], obj=where)
    assert len(got._kpis) == len(want._kpis)
    for g, w in zip(got._kpis, want._kpis):
        where = f"{label}/kpi {g['id']}"
        assert same_value(g["value"], w["value"]), (where, g["value"], w["value"])
        assert [o for o, _ in g["groups"]] == [o for o, _ in w["groups"]], where
        for (o, gv), (_, wv) in zip(g["groups"], w["groups"]):
            assert same_value(gv, wv), (where, o, gv, wv)
    assert got.relations().equals(want.relations()), label
    assert got.to_dict()["lists"] == want.to_dict()["lists"]
    # The command center (text and notebook HTML) of the merged rows, rendered by C++ as one machine's.
    assert str(got.command_center(top=10)) == str(want.command_center(top=10)), label
    assert got._repr_html_() == want._repr_html_(), label


def same_value(a, b):
    if isinstance(b, float) and isinstance(a, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(b))
    return type(a) is type(b) and a == b


# -- packaging ---------------------------------------------------------------------------------------------------------


def test_import_docket_does_not_import_dask():
    code = ("import sys, docket; assert 'dask' not in sys.modules, 'import docket imported dask'; "
            "docket.Rulebook; run = docket.dask.run; assert 'dask' in sys.modules; print(run.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "docket.dask"


def test_run_signature_is_fixed():
    import inspect

    sig = inspect.signature(ddk.run)
    plain = sig.replace(parameters=[p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()],
                        return_annotation=inspect.Signature.empty)
    assert str(plain) == "(book, tables, *, as_of, owner=None, params=None, history=None, lists=None, max_rows=None)"


def test_rulebook_pickles_as_its_text():
    path = RULEBOOKS / "csm_hub.yaml"
    book = docket.Rulebook.load(path)
    again = pickle.loads(pickle.dumps(book))
    assert again.file == book.file == str(path)
    assert again.lists == book.lists and again.kpis == book.kpis and again.tables == book.tables
    bad = docket.Rulebook.from_yaml(path.read_text(), str(path))
    clone = pickle.loads(pickle.dumps(bad))
    with pytest.raises(docket.CompileError) as e:
        clone.run({}, as_of=AS_OF, params={"pulse_stale_dayz": 3})
    assert "pulse_stale_days" in str(e.value)


# -- the same answers as one machine -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(RULEBOOKS.glob("*.yaml")), ids=lambda p: p.stem)
def test_same_as_one_machine(client, frames, path):
    book = docket.Rulebook.load(path)
    tables = given(book, frames)
    want = book.run(tables, as_of=AS_OF)
    # Dask frames (the partition count is theirs) for the rulebooks with grandchildren and the most lists;
    # the others through pandas only (the Dask path's shuffles cost seconds on a small cluster).
    if path.stem in ("csm_hub", "kpi_cards"):
        got = ddk.run(book, as_dask(tables, 2), as_of=AS_OF)
        assert got.partitions == 2
        assert_same(got, want, f"{path.stem}/dask x2")
    if path.stem == "kpi_cards":  # objectives -> success_plans -> accounts: grandchildren follow their account.
        assert want.list("my_high_priority_objectives").count > 0
    # pandas frames, split: one partition and several.
    for n in (1, 5):
        assert_same(ddk._run(book, tables, as_of=AS_OF, npartitions=n), want, f"{path.stem}/pandas x{n}")


@pytest.mark.parametrize("name", ["pooled_csm"])
def test_owner_scope(client, frames, name):
    book = docket.Rulebook.load(RULEBOOKS / f"{name}.yaml")
    tables = given(book, frames)
    for owner in ("Alice Chen", "Chloé Martin"):
        want = book.run(tables, as_of=AS_OF, owner=owner)
        got = ddk._run(book, tables, as_of=AS_OF, owner=owner, npartitions=4)
        assert got.owner == owner
        assert_same(got, want, f"{name}/{owner}")


def test_more_partitions_than_accounts(client, frames):
    """A slice of 40 accounts (a few per owner) with their related rows over
    16 partitions: many partitions are empty, the answers do not change."""
    book = docket.Rulebook.load(RULEBOOKS / "csm_hub.yaml")
    accounts = frames["accounts"].iloc[:40]
    ids = set(accounts["id"])
    tables = {"accounts": accounts}
    for t in ("contacts", "tasks", "activities", "opportunities", "conversations", "requests"):
        if t in book.tables and t in frames:
            tables[t] = frames[t][frames[t]["account_id"].isin(ids)]
    owner = accounts["csm"].value_counts().index[0]
    assert (accounts["csm"] == owner).sum() < 16
    for who in (None, owner):
        want = book.run(tables, as_of=AS_OF, owner=who)
        got = ddk._run(book, tables, as_of=AS_OF, owner=who, npartitions=16)
        assert got.partitions == 16
        assert_same(got, want, f"16 partitions/{who}")


def test_lists_max_rows_and_params(client, frames):
    book = docket.Rulebook.load(RULEBOOKS / "csm_hub.yaml")
    tables = as_dask(given(book, frames), 4)
    local = given(book, frames)
    kw = dict(as_of=AS_OF, lists=["tasks_due", "outdated_pulse"], max_rows=7, params={"pulse_stale_days": 30})
    want = book.run(local, **kw)
    got = ddk.run(book, tables, **kw)
    assert [l.id for l in got.lists] == ["tasks_due", "outdated_pulse"]
    assert all(len(l.keys) <= 7 for l in got.lists)
    assert_same(got, want, "lists+max_rows")
    # The full row set: every match, unlimited, as a Dask DataFrame.
    full = got.to_dask("outdated_pulse")
    assert isinstance(full, dd.DataFrame)
    rows = full.compute()
    mask = want.list("outdated_pulse").mask()
    expect = local["accounts"][mask.to_numpy()][got.list("outdated_pulse").show]
    pd.testing.assert_frame_equal(rows.sort_index(), expect.sort_index(), check_dtype=False)
    tasks = got.list("tasks_due").to_dask(["name", "account.name"]).compute()
    assert len(tasks) == want.list("tasks_due").count
    names = dict(zip(local["accounts"]["id"], local["accounts"]["name"]))
    expect_names = local["tasks"].loc[tasks.index, "account_id"].map(names)
    assert (tasks["account.name"].fillna("") == expect_names.fillna("")).all()


EDGE_BOOK = """\
docket: 1
name: Edge cases
time_zone: UTC
lists:
  - id: ties
    title: Ties on a coarse key, NULLs first, a descending parent field
    table: tasks
    when: TRUE
    order_by: status NULLS FIRST, account.arr DESC, flagged DESC
    limit: 40
    show: [id, status, flagged, account.arr, account.name]
  - id: float_order
    title: Floats descending, no limit
    table: accounts
    when: arr IS NOT NULL OR health_score IS NULL
    order_by: arr DESC, name
    show: [id, arr, health_score]
  - id: plain
    title: Row order only
    table: contacts
    when: persona IS NOT NULL
    limit: 25
    show: [id, persona, account.csm]
kpis:
  - {id: n, list: float_order, measure: count, by: owner}
  - {id: n_health, list: float_order, measure: count(health_score), by: owner}
  - {id: arr_sum, list: float_order, measure: sum(arr), by: owner}
  - {id: arr_avg, list: float_order, measure: avg(arr), by: owner}
  - {id: health_sum, list: float_order, measure: sum(health_score), by: owner}
  - {id: health_avg, list: float_order, measure: avg(health_score)}
  - {id: arr_min, list: float_order, measure: min(arr), by: owner}
  - {id: name_max, list: float_order, measure: max(name), by: owner}
  - {id: renewal_min, list: float_order, measure: min(renewal_date), by: owner}
  - {id: touch_max, list: float_order, measure: max(last_touch_at)}
  - {id: segments, list: float_order, measure: count_distinct(segment), by: owner}
  - {id: healths, list: float_order, measure: count_distinct(health_score)}
  - {id: personas, list: plain, measure: count_distinct(persona), by: owner}
  - {id: renewals, list: float_order, measure: count_distinct(renewal_date)}
tables:
  accounts:
    key: id
    owner: csm
    columns: {id: string, name: string, csm: string, segment: string, arr: float, health_score: int,
              renewal_date: date, last_touch_at: timestamp}
  contacts:
    key: id
    parent: {table: accounts, via: account_id, as: account}
    columns: {id: string, account_id: string, persona: string}
  tasks:
    key: id
    owner: owner
    parent: {table: accounts, via: account_id, as: account}
    columns: {id: string, account_id: string, owner: string, status: string, flagged: bool}
"""


def test_order_ties_and_every_measure(client, frames):
    """Every KPI measure (overall and per owner, NULL owners included) and
    ordering with ties, NULLS FIRST, DESC and parent fields, on data with
    NULLs, -0.0, orphans and a NULL owner."""
    book = docket.Rulebook.from_yaml(EDGE_BOOK, "edge.yaml")
    accounts = frames["accounts"].copy()
    accounts.loc[accounts.index[::7], "arr"] = np.nan
    accounts.loc[accounts.index[1::11], "arr"] = -0.0
    accounts.loc[accounts.index[2::13], "csm"] = None
    accounts.loc[accounts.index[3::5], "arr"] = 50000.0  # Many ties.
    tasks = frames["tasks"].copy()
    tasks.loc[tasks.index[::9], "status"] = None
    tasks.loc[tasks.index[::17], "account_id"] = "no-such-account"  # Orphans.
    tables = {"accounts": accounts, "contacts": frames["contacts"], "tasks": tasks}
    want = book.run(tables, as_of=AS_OF)
    assert want.list("ties").count > 40 and want.orphans > 0
    for n in (1, 5):
        assert_same(ddk._run(book, tables, as_of=AS_OF, npartitions=n), want, f"edge/{n}")
    assert_same(ddk.run(book, as_dask(tables, 3), as_of=AS_OF), want, "edge dask")
    mine = book.run(tables, as_of=AS_OF, owner="Alice Chen")
    assert_same(ddk._run(book, tables, as_of=AS_OF, owner="Alice Chen", npartitions=4), mine, "edge/Alice")


def test_result_api(client, frames):
    book = docket.Rulebook.load(RULEBOOKS / "csm_hub.yaml")
    tables = given(book, frames)
    got = ddk._run(book, tables, as_of=AS_OF, owner="Alice Chen", npartitions=3)
    want = book.run(tables, as_of=AS_OF, owner="Alice Chen")
    assert set(got) == set(want) and len(got) == len(want) and "tasks_due" in got
    pd.testing.assert_frame_equal(got.kpis().drop(columns="value"), want.kpis().drop(columns="value"))
    kpi = next(k["id"] for k in want._kpis if k["by_owner"])
    assert list(got.kpi(kpi)["owner"]) == list(want.kpi(kpi)["owner"])
    assert got.kpi_value(kpi) == want.kpi_value(kpi)
    assert str(got.command_center()) == str(want.command_center())
    assert "<" in got._repr_html_()
    assert got.keys("tasks_due") == want.keys("tasks_due")
    assert got.warnings == [] and got.missing_tables == want.missing_tables
    assert list(got.timings) == ["checks", "partition", "compute", "merge"]
    assert all(t >= 0 for t in got.timings.values())
    with pytest.raises(KeyError, match="the lists are"):
        got.list("nope")
    with pytest.raises(docket.dask.NotSupportedError, match="to_dask"):
        got.list("tasks_due").mask()


# -- a worker killed in the middle of a run ----------------------------------------------------------------------------


def test_killed_worker_is_retried(client, frames, tmp_path):
    marker = str(tmp_path / "killed")

    def kill_once(part):
        if part == 1 and not os.path.exists(marker):
            open(marker, "w").close()
            os._exit(1)  # The worker process dies mid-run; its nanny starts a new one.

    book = docket.Rulebook.load(RULEBOOKS / "csm_hub.yaml")
    tables = given(book, frames)
    got = ddk._run(book, tables, as_of=AS_OF, npartitions=4, hook=kill_once)
    assert os.path.exists(marker)
    assert_same(got, book.run(tables, as_of=AS_OF), "after a retry")
    client.wait_for_workers(2, timeout=60)


def test_worker_killed_every_time_fails_clearly(client, frames, tmp_path):
    def always(part):
        if part == 0:
            os._exit(1)

    book = docket.Rulebook.load(RULEBOOKS / "portfolio_lists.yaml")
    tables = given(book, frames)
    with pytest.raises(ddk.ClusterError) as e:
        ddk._run(book, tables, as_of=AS_OF, npartitions=2, hook=always)
    assert "KilledWorker" in str(e.value) and "no partial result" in str(e.value)
    assert "allowed-failures" in e.value.hint
    client.wait_for_workers(2, timeout=60)


def test_missing_partition_is_not_a_result():
    with pytest.raises(ddk.ClusterError, match=r"partitions \[2\] returned no result"):
        ddk._check_complete([{"part": 0, "rows": {}}, {"part": 1, "rows": {}}], 3, {})
    with pytest.raises(ddk.ClusterError, match="read 9 rows of table 'accounts', not 10"):
        ddk._check_complete([{"part": 0, "rows": {"accounts": 9}}], 1, {"accounts": 10})


# -- bad input, refused before any work is sent --------------------------------------------------------------------------


@pytest.fixture()
def no_work(tmp_path):
    """A hook that records any partition run; the test asserts none ran."""
    marker = tmp_path / "ran"

    def hook(part):
        open(str(marker), "a").write(f"{part}\n")

    yield hook
    assert not marker.exists(), "a partition ran although the input was refused"


def test_child_without_its_parent_key(client, frames, no_work):
    book = docket.Rulebook.load(RULEBOOKS / "csm_hub.yaml")
    tables = given(book, frames)
    tables["contacts"] = tables["contacts"].drop(columns=["account_id"])
    for data in (tables, as_dask(tables, 2)):
        with pytest.raises(docket.DataError) as e:
            ddk._run(book, data, as_of=AS_OF, npartitions=2, hook=no_work)
        assert "table 'contacts': column 'account_id' (its parent key: the relation to accounts)" in str(e.value)


def test_duplicate_keys_across_partitions(client, frames, no_work):
    book = docket.Rulebook.load(RULEBOOKS / "csm_hub.yaml")
    tables = given(book, frames)
    tasks = tables["tasks"].copy()
    # The same task id on two accounts: the rows would land in different partitions.
    tasks.loc[tasks.index[10], "id"] = tasks.loc[tasks.index[500], "id"]
    assert tasks.loc[tasks.index[10], "account_id"] != tasks.loc[tasks.index[500], "account_id"]
    tables["tasks"] = tasks
    dup = tasks.loc[tasks.index[500], "id"]
    with pytest.raises(docket.DataError, match=f"table 'tasks': duplicate key '{dup}' in column 'id' \\(rows 10 and 500\\)"):
        ddk._run(book, tables, as_of=AS_OF, npartitions=4, hook=no_work)
    with pytest.raises(docket.DataError, match=f"table 'tasks': duplicate key '{dup}' in column 'id'"):
        ddk._run(book, as_dask(tables, 3), as_of=AS_OF, hook=no_work)
    accounts = tables["accounts"].copy()
    accounts.loc[accounts.index[3], "id"] = None
    with pytest.raises(docket.DataError, match="table 'accounts': 1 NULL keys in column 'id'"):
        ddk._run(book, {**tables, "accounts": accounts}, as_of=AS_OF, hook=no_work)


def test_undeclared_table_and_other_mistakes(client, frames, no_work):
    book = docket.Rulebook.load(RULEBOOKS / "csm_hub.yaml")
    tables = given(book, frames)
    with pytest.raises(docket.DataError) as e:
        ddk._run(book, {**tables, "contact": tables["contacts"]}, as_of=AS_OF, hook=no_work)
    assert "table 'contact' is not declared by rulebook 'CSM Hub'" in str(e.value)
    assert e.value.hint == "did you mean 'contacts'?"
    with pytest.raises(docket.Error) as e:
        ddk._run(book, tables, as_of=AS_OF, lists=["tasks_dew"], hook=no_work)
    assert "tasks_due" in str(e.value)
    with pytest.raises(docket.CompileError, match="pulse_stale_days"):
        ddk._run(book, tables, as_of=AS_OF, params={"pulse_stale_dayz": 1}, hook=no_work)
    with pytest.raises(ddk.NotSupportedError, match="history= is not supported yet"):
        ddk.run(book, tables, as_of=AS_OF, history={"2026-11-01": tables})
    assert issubclass(ddk.NotSupportedError, NotImplementedError)
    with pytest.raises(TypeError, match="Dask or pandas DataFrame"):
        ddk.run(book, {"accounts": docket.Table(tables["accounts"])}, as_of=AS_OF)
    with pytest.raises(docket.DataError, match="declared but not in the data"):
        ddk._run(book, {"accounts": tables["accounts"].drop(columns=["pulse"])}, as_of=AS_OF, hook=no_work)
    nodecl = docket.Rulebook.from_yaml("docket: 1\nname: bare\nlists:\n  - {id: a, title: A, table: t, when: 'x > 1'}\n")
    with pytest.raises(docket.DataError, match="declares no tables"):
        ddk.run(nodecl, {"t": pd.DataFrame({"x": [1, 2]})}, as_of=AS_OF)
