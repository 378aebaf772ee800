"""Related records through Python: child aggregates, parent fields, owner scope
through parents, orphans, parent-field columns in list frames, errors, threads.

Every expectation is computed with pandas on small frames with NULLs, orphan
child rows (a parent key not in the parent table), NULL parent keys and
parents without children; the rulebook over the same frames is also run by
the C++ command (`build/docket run --format json` over CSVs written here).
"""

import datetime as dt
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import docket
from conftest import REPO, RULEBOOKS, assert_same_as_cli, cli_run, needs_engine, not_yet_supported

pytestmark = needs_engine

AS_OF = "2026-11-22"
TODAY = pd.Timestamp(AS_OF)

TABLES = """
tables:
  accounts:
    key: id
    owner: csm
    columns: {id: string, name: string, csm: string, arr: float, seats: int, vip: bool,
              renewal_date: date, last_touch_at: timestamp, segment: string}
  contacts:
    key: id
    parent: {table: accounts, via: account_id, as: account}
    columns: {id: string, account_id: string, persona: string, score: int, is_champion: bool, touched: date}
  tasks:
    key: id
    owner: owner
    parent: {table: accounts, via: account_id, as: account}
    columns: {id: string, account_id: string, owner: string, status: string, due_date: date}
  success_plans:
    key: id
    parent: {table: accounts, via: account_id, as: account}
    columns: {id: string, account_id: string, name: string, status: string}
  objectives:
    key: id
    owner: owner
    parent: {table: success_plans, via: success_plan_id, as: success_plan}
    columns: {id: string, success_plan_id: string, owner: string, priority: string}
"""

BOOK = """docket: 1
name: Related
time_zone: UTC
lists:
  - id: contacts_by_arr
    table: contacts
    when: coalesce(account.arr, 0) >= 0
    show: [id, account.name, account.arr, account.seats, account.vip, account.renewal_date,
           account.last_touch_at, account.segment]
    order_by: account.arr DESC, id
  - id: open_tasks
    horizon: upcoming
    table: tasks
    when: status = 'open'
    show: [id, account.name, owner]
    order_by: account.name, id
  - id: seated_tasks
    table: tasks
    when: account.seats >= 10
    show: [id, account.seats, account.vip, account.renewal_date]
    order_by: id DESC
  - id: high_objectives
    table: objectives
    when: priority = 'High'
    show: [id, success_plan.account.name, success_plan.name]
    order_by: success_plan.account.name DESC NULLS FIRST, id
  - id: no_dm
    title: No decision maker
    table: accounts
    when: NOT exists(contacts WHERE persona = 'dm')
    show: [name, csm]
    order_by: name
  - id: champion_score
    horizon: past
    table: accounts
    when: sum(contacts.score WHERE is_champion) >= 5
    show: [name]
kpis:
  - id: contacts_by_owner
    list: contacts_by_arr
    measure: count
    by: owner
""" + TABLES


def make_frames():
    accounts = pd.DataFrame({
        "id": ["A1", "A2", "A3", "A4", "A5"],  # A4: no contacts; A5: no children at all.
        "name": ["Acme", "Beta", "Core", "Delta", "Echo"],
        "csm": ["alice", "bob", "alice", None, "carol"],
        "arr": [100.0, 200.0, np.nan, 50.0, 300.0],
        "seats": np.array([10, 20, 30, 40, 50], dtype=np.int64),
        "vip": [True, False, True, False, False],
        "renewal_date": pd.to_datetime(["2027-01-10", "2026-12-01", None, "2027-03-01", "2026-12-15"]),
        "last_touch_at": pd.to_datetime(["2026-11-01T10:00Z", None, "2026-10-01T12:00Z", "2026-06-01T00:00Z",
                                         "2026-11-20T08:30Z"]),
        "segment": pd.Categorical(["Ent", "SMB", None, "SMB", "Ent"]),
    }, index=[10, 11, 12, 13, 14])
    contacts = pd.DataFrame({
        "id": ["C1", "C2", "C3", "C4", "C5", "C6", "C7"],
        "account_id": ["A1", "A1", "A2", "A9", None, "A3", "A2"],  # C4: orphan; C5: NULL key.
        "persona": ["dm", "user", "dm", "dm", "user", "user", "user"],
        "score": pd.array([5, None, 7, 3, 1, None, 2], dtype="Int64"),
        "is_champion": pd.array([True, False, None, True, True, False, True], dtype="boolean"),
        "touched": pd.to_datetime(["2026-11-01", None, "2026-10-01", "2026-09-01", "2026-08-01", "2026-11-20",
                                   "2026-11-21"]),
    }, index=[100, 101, 102, 103, 104, 105, 106])
    tasks = pd.DataFrame({
        "id": ["T1", "T2", "T3", "T4", "T5", "T6"],
        "account_id": ["A1", "A2", "A1", "A9", None, "A3"],
        "owner": ["bob", "alice", "alice", "alice", "bob", None],
        "status": ["open", "open", "done", "open", "open", "open"],
        "due_date": pd.to_datetime(["2026-11-20", "2026-11-25", "2026-11-01", "2026-11-02", "2026-11-03",
                                    "2026-11-10"]),
    })
    success_plans = pd.DataFrame({
        "id": ["SP1", "SP2", "SP3", "SP4"],
        "account_id": ["A1", "A1", "A2", "A9"],  # SP4: orphan.
        "name": ["Plan A", "Plan B", "Plan C", "Plan D"],
        "status": ["Active", "Draft", "Completed", "Active"],
    })
    objectives = pd.DataFrame({
        "id": ["O1", "O2", "O3", "O4", "O5"],
        "success_plan_id": ["SP1", "SP1", "SP3", "SPX", "SP4"],  # O4: orphan; O5: its plan is an orphan.
        "owner": ["alice", "bob", "bob", "alice", "carol"],
        "priority": ["High", "Low", "High", "High", "High"],
    })
    return {"accounts": accounts, "contacts": contacts, "tasks": tasks, "success_plans": success_plans,
            "objectives": objectives}


@pytest.fixture(scope="module")
def frames():
    return make_frames()


@pytest.fixture(scope="module")
def schema():
    return docket.Schema.from_yaml(TABLES, "related.yaml")


@pytest.fixture(scope="module")
def snap(schema, frames):
    return schema.prepare(frames)


# -- pandas expectations -------------------------------------------------------


def boolean(values, null=None) -> pd.arrays.BooleanArray:
    """A nullable boolean array: `values`, <NA> where `null`."""
    out = pd.array(np.asarray(values, dtype=bool), dtype="boolean")
    if null is not None:
        out[np.asarray(null, dtype=bool)] = pd.NA
    return out


def compare(value: pd.Series, op, other) -> pd.arrays.BooleanArray:
    """`value op other` in SQL's logic: NULL where `value` is missing."""
    missing = value.isna().to_numpy()
    filled = value.where(~value.isna(), value.dropna().iloc[0] if value.notna().any() else 0)
    return boolean(op(filled, other).to_numpy(), missing)


def field(frames, child: str, via: str, parent: str, column: str) -> pd.Series:
    """A parent's column beside each child row (missing where the row has no parent)."""
    p = frames[parent].set_index("id", drop=False)[column]
    return frames[child][via].map(p)


def related(frames, child: str, via: str, parent: str = "accounts") -> pd.DataFrame:
    """Child rows that have a parent (orphans and NULL keys never count)."""
    c = frames[child]
    return c[c[via].isin(frames[parent]["id"])]


def per_account(frames, grouped: pd.Series) -> pd.Series:
    return frames["accounts"]["id"].map(grouped)


def evaluate(schema, snap, table, expr, **kw) -> pd.Series:
    return docket.compile(expr, schema, table=table).evaluate(snap, as_of=AS_OF, **kw)


def assert_rule(schema, snap, frames, table, expr, expected, **kw):
    got = evaluate(schema, snap, table, expr, **kw)
    want = pd.Series(expected if isinstance(expected, pd.api.extensions.ExtensionArray)
                     else pd.array(np.asarray(expected, dtype=bool), dtype="boolean"),
                     index=frames[table].index)
    pd.testing.assert_series_equal(got, want, check_names=False, obj=expr)


# -- aggregates ------------------------------------------------------------------


def test_the_engine_compiles_related_records(schema):
    # Related records have landed: nothing here may be skipped as "not supported yet".
    pred = docket.compile("exists(contacts WHERE persona = 'dm')", schema, table="accounts")
    assert pred.table == "accounts"
    for path in (RULEBOOKS / "csm_hub.yaml", RULEBOOKS / "kpi_cards.yaml"):
        book = docket.Rulebook.load(path)
        assert any(l.get("show") and any("." in c for c in l["show"]) for l in book.lists), path.name


def test_exists_and_count(schema, snap, frames):
    c = related(frames, "contacts", "account_id")
    ids = frames["accounts"]["id"]
    n = per_account(frames, c.groupby("account_id").size()).fillna(0)
    assert_rule(schema, snap, frames, "accounts", "exists(contacts WHERE persona = 'dm')",
                ids.isin(c[c["persona"] == "dm"]["account_id"]))
    assert_rule(schema, snap, frames, "accounts", "NOT exists(contacts)", n == 0)
    assert_rule(schema, snap, frames, "accounts", "count(contacts) = 2", n == 2)
    assert_rule(schema, snap, frames, "accounts", "count(contacts) = 0", n == 0)  # Never NULL.
    # WHERE keeps TRUE rows: a NULL is_champion counts for nobody.
    champions = c[c["is_champion"].fillna(False).astype(bool)]
    nc = per_account(frames, champions.groupby("account_id").size()).fillna(0)
    assert_rule(schema, snap, frames, "accounts", "count(contacts WHERE is_champion) >= 1", nc >= 1)
    not_champions = c[(~c["is_champion"]).fillna(False).astype(bool)]
    nn = per_account(frames, not_champions.groupby("account_id").size()).fillna(0)
    assert_rule(schema, snap, frames, "accounts", "count(contacts WHERE NOT is_champion) = 1", nn == 1)
    # count(child.col) counts non-NULL values.
    ns = per_account(frames, c.groupby("account_id")["score"].count()).fillna(0)
    assert_rule(schema, snap, frames, "accounts", "count(contacts.score) = 1", ns == 1)
    # Through an intermediate table: tasks, and objectives of success plans.
    t = related(frames, "tasks", "account_id")
    nt = per_account(frames, t[t["status"] == "open"].groupby("account_id").size()).fillna(0)
    assert_rule(schema, snap, frames, "accounts", "count(tasks WHERE status = 'open') = 1", nt == 1)


def test_sum_avg_min_max_with_nulls(schema, snap, frames):
    c = related(frames, "contacts", "account_id")
    g = c.groupby("account_id")
    total = per_account(frames, g["score"].sum(min_count=1)).astype("Float64")  # Sum of nothing is NULL.
    assert_rule(schema, snap, frames, "accounts", "sum(contacts.score) > 4", compare(total, np.greater, 4))
    assert_rule(schema, snap, frames, "accounts", "sum(contacts.score) IS NULL", total.isna())
    mean = per_account(frames, g["score"].mean()).astype("Float64")
    assert_rule(schema, snap, frames, "accounts", "avg(contacts.score) >= 4.5", compare(mean, np.greater_equal, 4.5))
    first = per_account(frames, g["touched"].min())
    assert_rule(schema, snap, frames, "accounts", "min(contacts.touched) < DATE '2026-10-15'",
                compare(first, np.less, pd.Timestamp("2026-10-15")))
    last = per_account(frames, g["touched"].max())
    assert_rule(schema, snap, frames, "accounts", "max(contacts.touched) = DATE '2026-11-01'",
                compare(last, np.equal, pd.Timestamp("2026-11-01")))
    assert_rule(schema, snap, frames, "accounts", "days_since(max(contacts.touched)) <= 30",
                compare((TODAY - last).dt.days.astype("Float64"), np.less_equal, 30))
    users = c[c["persona"] == "user"].groupby("account_id")["score"].sum(min_count=1)
    assert_rule(schema, snap, frames, "accounts", "sum(contacts.score WHERE persona = 'user') IS NULL",
                per_account(frames, users).isna())
    # An aggregate beside the parent's own columns (NULL arr: NULL).
    arr = frames["accounts"]["arr"]
    ratio = total.astype(float) - arr / 25
    assert_rule(schema, snap, frames, "accounts", "sum(contacts.score) > arr / 25",
                compare(ratio.astype("Float64"), np.greater, 0))


def test_nested_aggregates(schema, snap, frames):
    sp = related(frames, "success_plans", "account_id")
    ob = related(frames, "objectives", "success_plan_id", "success_plans")
    high = ob[ob["priority"] == "High"]["success_plan_id"]
    good = sp[sp["status"].isin(["Active", "Draft"]) & sp["id"].isin(high)]
    assert_rule(schema, snap, frames, "accounts",
                "exists(success_plans WHERE status IN ('Active', 'Draft')"
                " AND exists(objectives WHERE priority = 'High'))",
                frames["accounts"]["id"].isin(good["account_id"]))
    assert_rule(schema, snap, frames, "accounts", "NOT exists(success_plans WHERE exists(objectives))",
                ~frames["accounts"]["id"].isin(sp[sp["id"].isin(ob["success_plan_id"])]["account_id"]))


# -- parent fields -----------------------------------------------------------------


def test_parent_fields(schema, snap, frames):
    def acc(col):
        return field(frames, "contacts", "account_id", "accounts", col)

    persona = frames["contacts"]["persona"]
    assert_rule(schema, snap, frames, "contacts", "account.arr > 150", compare(acc("arr"), np.greater, 150))
    # Kleene AND: FALSE AND NULL is FALSE.
    alice = compare(acc("csm"), np.equal, "alice")
    assert_rule(schema, snap, frames, "contacts", "account.csm = 'alice' AND persona = 'dm'",
                alice & boolean(persona == "dm"))
    assert_rule(schema, snap, frames, "contacts", "account.vip", compare(acc("vip"), np.equal, True))
    assert_rule(schema, snap, frames, "contacts", "account.renewal_date < DATE '2027-01-01'",
                compare(acc("renewal_date"), np.less, pd.Timestamp("2027-01-01")))
    seats_plus = (acc("seats").astype("Float64") + frames["contacts"]["score"].astype("Float64"))
    assert_rule(schema, snap, frames, "contacts", "account.seats + score > 12", compare(seats_plus, np.greater, 12))
    assert_rule(schema, snap, frames, "contacts", "account.name LIKE 'A%'",
                compare(acc("name"), lambda s, p: s.str.startswith(p), "A"))
    # Exactly the rows with a parent have account.id = account_id.
    assert_rule(schema, snap, frames, "contacts", "account.id = account_id",
                boolean(acc("id").notna(), acc("id").isna()))


def test_grandparent_fields(schema, snap, frames):
    plan = frames["objectives"]["success_plan_id"].map(frames["success_plans"].set_index("id")["account_id"])
    csm = plan.map(frames["accounts"].set_index("id")["csm"])
    arr = plan.map(frames["accounts"].set_index("id")["arr"])
    status = field(frames, "objectives", "success_plan_id", "success_plans", "status")
    assert_rule(schema, snap, frames, "objectives", "success_plan.account.csm = 'alice'",
                compare(csm, np.equal, "alice"))
    assert_rule(schema, snap, frames, "objectives",
                "success_plan.status = 'Active' AND success_plan.account.arr >= 100",
                compare(status, np.equal, "Active") & compare(arr, np.greater_equal, 100))


def test_query_count_and_diagnostics(schema, snap, frames):
    pred = docket.compile("account.arr > 150 OR persona = 'user'", schema, table="contacts")
    s = pred.evaluate(snap, as_of=AS_OF)
    rows = pred.query(snap, as_of=AS_OF)
    assert rows.index.tolist() == s[s.fillna(False)].index.tolist()
    assert rows.columns.tolist() == frames["contacts"].columns.tolist()
    assert pred.count(snap, as_of=AS_OF) == len(rows) == s.attrs["count"]
    # The orphan (A9) and the NULL key are reported, per rule and per relation.
    assert s.attrs["diagnostics"]["orphan_rows"] == 2
    assert s.attrs["relations"] == [{"table": "contacts", "parent": "accounts", "null_keys": 1, "missing_keys": 1}]
    # A rule that reads no relation reports none.
    plain = docket.compile("persona = 'dm'", schema, table="contacts").evaluate(snap, as_of=AS_OF)
    assert plain.attrs["diagnostics"]["orphan_rows"] == 0 and plain.attrs["relations"] == []


def test_every_way_to_pass_the_tables(schema, snap, frames):
    expr = "NOT exists(contacts WHERE persona = 'dm') AND count(tasks) >= 1"
    pred = docket.compile(expr, schema, table="accounts")
    want = pred.evaluate(snap, as_of=AS_OF)
    # A dict of frames is prepared with the schema compiled against (types, keys, parents).
    assert pred.evaluate(frames, as_of=AS_OF).equals(want)
    # Compiled against a rulebook's declared tables.
    book = docket.Rulebook.from_yaml(BOOK, "related.yaml")
    assert docket.compile(expr, book, table="accounts").evaluate(frames, as_of=AS_OF).equals(want)
    # Compiled against the prepared snapshot itself: it is the default data.
    on_snap = docket.compile(expr, snap, table="accounts")
    assert on_snap.evaluate(as_of=AS_OF).equals(want)
    assert on_snap.evaluate(frames, as_of=AS_OF).equals(want)
    # A dict of docket.Tables that carry their keys and parents.
    decl = schema.tables
    tables = {n: docket.Table(f, name=n, key=decl[n]["key"], owner=decl[n]["owner"], parent=decl[n]["parent"])
              for n, f in frames.items() if n in ("accounts", "contacts", "tasks")}
    assert docket.compile(expr, tables, table="accounts").evaluate(tables, as_of=AS_OF).equals(want)
    # The one-shot functions take the tables and the table's name.
    assert docket.evaluate(snap, expr, table="accounts", as_of=AS_OF).equals(want)
    assert docket.count(snap, expr, table="accounts", as_of=AS_OF) == want.sum()
    assert docket.query(tables, expr, table="accounts", as_of=AS_OF).index.tolist() == want[want].index.tolist()
    # A single frame cannot hold related records: a DataError names the missing table.
    with pytest.raises(docket.DataError, match="contacts"):
        pred.evaluate(frames["accounts"], as_of=AS_OF)
    with pytest.raises(docket.DataError, match="no table 'accounts'"):
        pred.evaluate(docket.Snapshot({"contacts": frames["contacts"]}), as_of=AS_OF)
    with pytest.raises(TypeError, match="table="):
        docket.count(snap, expr, as_of=AS_OF)


# -- owner scope ---------------------------------------------------------------------


def scoped(scope, rule):
    """Out of scope: never TRUE and never NULL."""
    out = pd.array(rule, dtype="boolean").copy()
    out[~np.asarray(scope, dtype=bool)] = False
    return out


def test_owner_scope_through_parents(schema, snap, frames):
    csm = field(frames, "contacts", "account_id", "accounts", "csm")
    in_scope = (csm == "alice").to_numpy()
    # Contacts have no owner column: they are their account's CSM's.
    assert_rule(schema, snap, frames, "contacts", "id IS NOT NULL", in_scope, owner="alice")
    rule = compare(field(frames, "contacts", "account_id", "accounts", "arr"), np.greater, 150) | boolean(
        frames["contacts"]["persona"] == "user")
    assert_rule(schema, snap, frames, "contacts", "account.arr > 150 OR persona = 'user'", scoped(in_scope, rule),
                owner="alice")
    # Tasks and objectives have their own owner, which wins (an orphan task of Alice's is hers).
    t = frames["tasks"]
    assert_rule(schema, snap, frames, "tasks", "status = 'open'", (t["owner"] == "alice") & (t["status"] == "open"),
                owner="alice")
    # T4 is Alice's but an orphan: in scope, and its account.csm is NULL.
    assert_rule(schema, snap, frames, "tasks", "account.csm = 'bob'",
                scoped(t["owner"] == "alice",
                       compare(field(frames, "tasks", "account_id", "accounts", "csm"), np.equal, "bob")),
                owner="alice")
    assert_rule(schema, snap, frames, "objectives", "priority = 'High'",
                (frames["objectives"]["owner"] == "alice") & (frames["objectives"]["priority"] == "High"),
                owner="alice")
    # Success plans: through their account.
    sp_csm = field(frames, "success_plans", "account_id", "accounts", "csm")
    assert_rule(schema, snap, frames, "success_plans", "status IS NOT NULL", sp_csm == "alice", owner="alice")
    # Aggregates see every related row, whoever owns it (T1 is Bob's, on Alice's A1).
    nt = per_account(frames, related(frames, "tasks", "account_id").groupby("account_id").size()).fillna(0)
    assert_rule(schema, snap, frames, "accounts", "count(tasks) = 2",
                (frames["accounts"]["csm"] == "alice") & (nt == 2), owner="alice")
    pred = docket.compile("id IS NOT NULL", schema, table="contacts")
    assert pred.count(snap, as_of=AS_OF, owner="alice") == in_scope.sum()
    assert pred.count(snap, as_of=AS_OF, owner="nobody") == 0


# -- rulebooks: parent-field columns, relations, diagnostics ---------------------------


@pytest.fixture(scope="module")
def book():
    return docket.Rulebook.from_yaml(BOOK, "related.yaml")


def expected_contacts_by_arr(frames):
    c = frames["contacts"]

    def acc(col):
        return field(frames, "contacts", "account_id", "accounts", col)

    want = pd.DataFrame({
        "id": c["id"],
        "account.name": acc("name").astype(object),
        "account.arr": acc("arr").astype(float),
        "account.seats": acc("seats").astype("Int64"),
        "account.vip": acc("vip").astype("boolean"),
        "account.renewal_date": acc("renewal_date"),
        "account.last_touch_at": acc("last_touch_at"),
        "account.segment": acc("segment").astype(frames["accounts"]["segment"].dtype),
    }, index=c.index)
    # order_by: account.arr DESC (NULLs last), id.
    return want.sort_values(["account.arr", "id"], ascending=[False, True], na_position="last", kind="stable")


def test_list_frames_show_parent_fields(book, frames):
    res = book.run(frames, as_of=AS_OF)
    got = res["contacts_by_arr"]
    want = expected_contacts_by_arr(frames)
    assert got.index.tolist() == want.index.tolist()  # The list's order, the frame's labels.
    pd.testing.assert_frame_equal(got, want)
    l = res.list("contacts_by_arr")
    assert l.parent_fields == ["account.name", "account.arr", "account.seats", "account.vip",
                               "account.renewal_date", "account.last_touch_at", "account.segment"]
    assert l.types["account.seats"] == "int" and l.types["id"] == "string"
    # Without NULLs, ints and bools keep numpy's dtypes.
    seated = res["seated_tasks"]
    assert res.keys("seated_tasks") == ["T6", "T3", "T2", "T1"]
    assert seated["account.seats"].dtype == np.int64 and seated["account.vip"].dtype == bool
    assert seated["account.seats"].tolist() == [30, 10, 20, 10]
    assert seated["account.renewal_date"].dtype == "datetime64[ns]"
    assert seated["account.renewal_date"].isna().tolist() == [True, False, False, False]
    # Ordered by a parent field (NULLs last), the own owner column beside it.
    open_tasks = res["open_tasks"]
    assert res.keys("open_tasks") == ["T1", "T2", "T6", "T4", "T5"]
    assert open_tasks["account.name"].tolist() == ["Acme", "Beta", "Core", None, None]
    assert open_tasks["owner"].tolist()[:2] == ["bob", "alice"]
    # Two levels up, NULLS FIRST: the orphan objective and the objective of an orphan plan.
    hi = res["high_objectives"]
    assert res.keys("high_objectives") == ["O4", "O5", "O3", "O1"]
    assert hi["success_plan.account.name"].tolist() == [None, None, "Beta", "Acme"]
    assert hi["success_plan.name"].tolist() == [None, "Plan D", "Plan C", "Plan A"]
    # frame(columns) takes own columns and the list's parent fields; anything else is a KeyError.
    assert res.list("open_tasks").frame(["status", "account.name"])["account.name"].tolist()[0] == "Acme"
    with pytest.raises(KeyError, match="account.arr"):
        res.list("open_tasks").frame(["account.arr"])


def test_parent_field_dtypes_follow_the_parent_frame(book, frames):
    f = dict(frames)
    a = frames["accounts"].copy()
    a["name"] = a["name"].astype("string")
    a["arr"] = a["arr"].astype("Float64")
    a["seats"] = a["seats"].astype("Int32")
    a["vip"] = a["vip"].astype("boolean")
    a["last_touch_at"] = a["last_touch_at"].dt.tz_convert("America/New_York")
    # Dates as datetime.date objects, one beyond pandas' datetime64[ns] range.
    a["renewal_date"] = [dt.date(2027, 1, 10), dt.date(2026, 12, 1), None, dt.date(9999, 12, 31), None]
    f["accounts"] = a
    got = book.run(f, as_of=AS_OF)["contacts_by_arr"]
    dtypes = got.dtypes.to_dict()
    assert dtypes["account.name"] == "string" and dtypes["account.arr"] == "Float64"
    assert dtypes["account.seats"] == "Int32" and dtypes["account.vip"] == "boolean"
    assert str(dtypes["account.last_touch_at"]) == "datetime64[ns, America/New_York]"
    assert dtypes["account.renewal_date"] == object
    want = expected_contacts_by_arr(frames)
    assert got.index.tolist() == want.index.tolist()
    assert got["account.name"].tolist() == [v if isinstance(v, str) else pd.NA for v in want["account.name"]]
    assert (got["account.last_touch_at"].dt.tz_convert("UTC").equals(want["account.last_touch_at"]))
    renewal = dict(zip(a["id"], a["renewal_date"]))
    ids = field(frames, "contacts", "account_id", "accounts", "id").loc[got.index]
    assert got["account.renewal_date"].tolist() == [renewal.get(i) if isinstance(i, str) else None for i in ids]
    # A task on A4, whose renewal is 9999-12-31.
    f["tasks"] = pd.concat([frames["tasks"], pd.DataFrame({
        "id": ["T7"], "account_id": ["A4"], "owner": ["bob"], "status": ["open"],
        "due_date": [pd.Timestamp("2026-12-01")]})], ignore_index=True)
    seated = book.run(f, as_of=AS_OF, lists=["seated_tasks"])["seated_tasks"]
    assert seated["id"].tolist()[0] == "T7"
    assert seated["account.renewal_date"].tolist() == [dt.date(9999, 12, 31), None, dt.date(2027, 1, 10),
                                                       dt.date(2026, 12, 1), dt.date(2027, 1, 10)]


def test_parent_field_columns_are_positional(book, frames):
    # A frame index with repeated labels: values are placed by position, not label.
    f = dict(frames)
    f["tasks"] = frames["tasks"].set_index(pd.Index([1, 1, 2, 2, 3, 3]))
    res = book.run(f, as_of=AS_OF)
    assert res["open_tasks"]["account.name"].tolist() == ["Acme", "Beta", "Core", None, None]
    assert res["open_tasks"].index.tolist() == [1, 1, 3, 2, 3]


def test_aggregate_lists_and_kpis(book, frames):
    res = book.run(frames, as_of=AS_OF)
    c = related(frames, "contacts", "account_id")
    a = frames["accounts"]
    no_dm = a[~a["id"].isin(c[c["persona"] == "dm"]["account_id"])].sort_values("name")
    assert res.keys("no_dm") == no_dm["id"].tolist()
    assert res["no_dm"]["csm"].tolist() == no_dm["csm"].tolist()
    champ = c[c["is_champion"].fillna(False).astype(bool)].groupby("account_id")["score"].sum(min_count=1)
    assert res.keys("champion_score") == [i for i in a["id"] if champ.get(i, 0) >= 5]
    # A KPI by owner over contacts: the owner comes from the account; the orphans are unassigned.
    csm = field(frames, "contacts", "account_id", "accounts", "csm").fillna("(unassigned)")
    by = res.kpi("contacts_by_owner")
    assert dict(zip(by["owner"], by["value"])) == csm.value_counts().to_dict()


def test_relations_and_orphan_diagnostics(book, frames):
    res = book.run(frames, as_of=AS_OF)
    rel = res.relations()
    assert list(rel.columns) == ["table", "parent", "null_keys", "missing_keys"]
    assert rel["null_keys"].dtype == np.int64
    want = {}
    for child, via, parent in [("contacts", "account_id", "accounts"), ("tasks", "account_id", "accounts"),
                               ("objectives", "success_plan_id", "success_plans"),
                               ("success_plans", "account_id", "accounts")]:
        keys = frames[child][via]
        want[(child, parent)] = (int(keys.isna().sum()), int((keys.notna() & ~keys.isin(frames[parent]["id"])).sum()))
    got = {(r.table, r.parent): (r.null_keys, r.missing_keys) for r in rel.itertuples()}
    assert got.items() <= want.items() and ("contacts", "accounts") in got and ("tasks", "accounts") in got
    assert res.orphans == sum(sum(v) for v in got.values()) > 0
    # Per list: the orphans of the relations its rule reads.
    d = {l.id: l.diagnostics["orphan_rows"] for l in res.lists}
    assert d["no_dm"] == 2 and d["contacts_by_arr"] == 2 and d["seated_tasks"] == 2 and d["champion_score"] == 2
    assert d["open_tasks"] == 0
    # Said in the command center (text and HTML) and in to_dict(), as the CLI does.
    text = str(res.command_center())
    assert "note: 2 rows of contacts have no parent (1 with a key not in accounts, 1 with no key)" in text
    html = res._repr_html_()
    assert "rows of contacts have no parent" in html and "Notes" in html
    assert res.to_dict()["relations"] == rel.to_dict("records")


def test_clean_data_has_no_notes(book, frames):
    f = {n: df.copy() for n, df in frames.items()}
    f["contacts"] = related(frames, "contacts", "account_id")
    f["tasks"] = related(frames, "tasks", "account_id")
    f["success_plans"] = related(frames, "success_plans", "account_id")
    f["objectives"] = related(f, "objectives", "success_plan_id", "success_plans")
    res = book.run(f, as_of=AS_OF)
    assert res.orphans == 0 and (res.relations()[["null_keys", "missing_keys"]] == 0).all().all()
    assert "no parent" not in str(res.command_center()) and "no parent" not in res._repr_html_()
    # Every parent exists: ints keep int64.
    assert res["contacts_by_arr"]["account.seats"].dtype == np.int64


def test_owner_scope_in_a_run(book, frames):
    res = book.run(frames, as_of=AS_OF, owner="alice")
    csm = field(frames, "contacts", "account_id", "accounts", "csm")
    want = expected_contacts_by_arr(frames).loc[lambda f: csm.loc[f.index] == "alice"]
    # Every contact in Alice's scope has an account: no NULL, so numpy's int and bool.
    want = want.astype({"account.seats": np.int64, "account.vip": bool})
    pd.testing.assert_frame_equal(res["contacts_by_arr"], want)
    assert res.keys("open_tasks") == ["T2", "T4"]  # Their own owner: Alice's, orphan or not.
    assert res.keys("high_objectives") == ["O4", "O1"]


def write_csvs(frames, directory):
    def text(v):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return ""
        if isinstance(v, pd.Timestamp):
            if v.tzinfo is not None:
                return v.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
            return v.strftime("%Y-%m-%d")
        if isinstance(v, (bool, np.bool_)):
            return "true" if v else "false"
        return str(v)

    for name, f in frames.items():
        out = pd.DataFrame({c: [text(v) for v in f[c].astype(object)] for c in f.columns})
        out.to_csv(directory / f"{name}.csv", index=False)


@pytest.mark.parametrize("owner", [None, "alice"])
def test_same_as_the_cli(book, frames, tmp_path, owner):
    (tmp_path / "related.yaml").write_text(BOOK)
    data = tmp_path / "data"
    data.mkdir()
    write_csvs(frames, data)
    expected = cli_run(tmp_path / "related.yaml", data=data, as_of=AS_OF, owner=owner)
    assert not isinstance(expected, str), expected
    res = book.run(frames, as_of=AS_OF, owner=owner)
    assert_same_as_cli(res, expected, "related")
    assert any(r["missing_keys"] for r in expected["relations"])


# -- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("table, expr, line, column, message, hint", [
    ("accounts", "exists(contactz WHERE persona = 'dm')", 1, 8, "unknown table 'contactz'", "did you mean 'contacts'?"),
    ("accounts", "count(contacts WHERE persna = 'dm') > 0", 1, 22, "unknown column 'persna' in contacts",
     "did you mean 'persona'?"),
    ("accounts", "sum(contacts.persona) > 1", 1, 5, "sum() needs a number, but contacts.persona is string", None),
    ("contacts", "acount.arr > 1", 1, 1, "unknown parent 'acount' of contacts", None),
    ("contacts", "account.ar > 1", 1, 1, "unknown column 'ar' in accounts", "did you mean 'arr'?"),
    ("tasks", "exists(contacts)", 1, 8, "'contacts' is not a child table of tasks", None),
    ("accounts", "arr > 1 AND\n  count(contacts) > 'x'", 2, None, None, None),
])
def test_compile_errors_point_at_the_mistake(schema, table, expr, line, column, message, hint):
    with pytest.raises(docket.CompileError) as e:
        docket.compile(expr, schema, table=table)
    err = e.value
    assert err.line == line
    if column is not None:
        assert err.column == column
        assert str(err).startswith(f"{line}:{column}: ")
        # The caret sits under the offending text.
        caret = str(err).splitlines()[-1]
        assert caret.index("^") - 2 == column - 1
    if message is not None:
        assert err.message == message
    if hint is not None:
        assert err.hint == hint


def test_rulebook_errors_point_into_the_file(frames):
    bad = BOOK.replace("show: [id, account.name, owner]", "show: [id, account.nme, owner]")
    with pytest.raises(docket.CompileError) as e:
        docket.Rulebook.from_yaml(bad, "related.yaml").run(frames, as_of=AS_OF)
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if "account.nme" in text)
    assert (e.value.file, e.value.line) == ("related.yaml", line)
    assert "account.nme" in e.value.message and "nme" in str(e.value)
    bad = BOOK.replace("NOT exists(contacts WHERE persona = 'dm')", "NOT exists(contactz WHERE persona = 'dm')")
    with pytest.raises(docket.CompileError) as e:
        docket.Rulebook.from_yaml(bad, "related.yaml").run(frames, as_of=AS_OF)
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if "contactz" in text)
    col = bad.splitlines()[line - 1].index("contactz") + 1
    assert (e.value.file, e.value.line, e.value.column) == ("related.yaml", line, col)
    assert e.value.hint == "did you mean 'contacts'?"


# -- threads -----------------------------------------------------------------------------


def big_frames(n_accounts=20_000, n_contacts=120_000, seed=3):
    rng = np.random.default_rng(seed)
    ids = np.array([f"A{i}" for i in range(n_accounts)], dtype=object)
    accounts = pd.DataFrame({
        "id": ids,
        "name": ids,
        "csm": rng.choice(np.array(["alice", "bob", "carol", None], dtype=object), n_accounts),
        "arr": np.where(rng.random(n_accounts) < 0.05, np.nan, rng.integers(0, 500_000, n_accounts).astype(float)),
        "seats": rng.integers(1, 100, n_accounts),
        "vip": rng.random(n_accounts) < 0.2,
        "renewal_date": pd.Timestamp("2026-06-01") + pd.to_timedelta(rng.integers(0, 500, n_accounts), unit="D"),
        "last_touch_at": pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 3e7, n_accounts),
                                                                                  unit="s"),
        "segment": pd.Categorical(rng.choice(["Ent", "SMB", "MM"], n_accounts)),
    })
    # 2% orphans (A-1…), 1% NULL keys.
    parent = rng.integers(0, n_accounts, n_contacts)
    account_id = ids[parent].copy()
    r = rng.random(n_contacts)
    account_id[r < 0.02] = "A-1"
    account_id[(r >= 0.02) & (r < 0.03)] = None
    contacts = pd.DataFrame({
        "id": [f"C{i}" for i in range(n_contacts)],
        "account_id": account_id,
        "persona": rng.choice(["dm", "user", "admin"], n_contacts),
        "score": pd.array(np.where(rng.random(n_contacts) < 0.1, None, rng.integers(0, 10, n_contacts)),
                          dtype="Int64"),
        "is_champion": rng.random(n_contacts) < 0.1,
        "touched": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 330, n_contacts), unit="D"),
    })
    return {"accounts": accounts, "contacts": contacts}


def test_one_snapshot_from_many_threads(schema):
    frames = big_frames()
    snap = schema.prepare(frames)
    rules = [
        ("accounts", "NOT exists(contacts WHERE persona = 'dm')"),
        ("accounts", "count(contacts WHERE is_champion) >= 2 AND sum(contacts.score) > 20"),
        ("accounts", "avg(contacts.score) > 5 OR max(contacts.touched) < DATE '2026-03-01'"),
        ("contacts", "account.arr > 250000 AND persona = 'user'"),
        ("contacts", "account.segment = 'Ent' OR days_since(account.renewal_date) > 0"),
    ]
    preds = [(t, docket.compile(e, schema, table=t)) for t, e in rules]
    expected = [p.evaluate(snap, as_of=AS_OF, threads=1) for _, p in preds]
    expected_alice = [p.count(snap, as_of=AS_OF, owner="alice", threads=1) for _, p in preds]
    # The first two against pandas, at this size too.
    c = related(frames, "contacts", "account_id")
    want_dm = ~frames["accounts"]["id"].isin(c[c["persona"] == "dm"]["account_id"])
    assert expected[0].to_numpy(dtype=bool).tolist() == want_dm.tolist()
    arr = field(frames, "contacts", "account_id", "accounts", "arr")
    want_big = (arr > 250000) & (frames["contacts"]["persona"] == "user")
    assert expected[3].fillna(False).to_numpy(dtype=bool).tolist() == want_big.tolist()
    assert expected[3].attrs["relations"][0]["missing_keys"] == (frames["contacts"]["account_id"] == "A-1").sum()

    barrier = threading.Barrier(8)

    def work(i):
        barrier.wait()
        out = []
        for k in range(3):
            for j, (_, p) in enumerate(preds):
                threads = (0, 1, 2)[(i + k + j) % 3]
                out.append((j, "eval", p.evaluate(snap, as_of=AS_OF, threads=threads)))
                out.append((j, "alice", p.count(snap, as_of=AS_OF, owner="alice", threads=threads)))
        return out

    with ThreadPoolExecutor(8) as pool:
        for out in pool.map(work, range(8)):
            for j, kind, r in out:
                if kind == "eval":
                    assert r.equals(expected[j]) and r.attrs["relations"] == expected[j].attrs["relations"]
                else:
                    assert r == expected_alice[j]


def test_one_rulebook_run_from_many_threads(book, frames):
    snap = book.prepare(frames)
    owners = [None, "alice", "bob"]
    expected = {o: book.run(snap, as_of=AS_OF, owner=o) for o in owners}

    def work(i):
        o = owners[i % len(owners)]
        r = book.run(snap, as_of=AS_OF, owner=o, threads=i % 3)
        return o, r.to_dict(), {l: r[l] for l in r}

    with ThreadPoolExecutor(8) as pool:
        for o, d, lists in pool.map(work, range(24)):
            assert d == expected[o].to_dict()
            for l, f in lists.items():
                pd.testing.assert_frame_equal(f, expected[o][l])


# -- docs ---------------------------------------------------------------------------------


def test_the_docs_example_runs(monkeypatch):
    text = (REPO / "docs" / "python.md").read_text()
    section = text[text.index("## Related records"):]
    section = section[: section.index("\n## ", 3)]
    code = re.findall(r"```python\n(.*?)```", section, re.S)
    assert code, "docs/python.md: the Related records section has no python example"
    monkeypatch.chdir(REPO)
    namespace = {}
    exec(compile("\n".join(code), "docs/python.md", "exec"), namespace)
