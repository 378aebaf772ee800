"""The Python package gives the same lists as the C++ command on the example rulebooks.

Each example rulebook is run by `build/docket run ... --format json` over
examples/data and by docket.Rulebook.run over the same CSVs read with
pandas.read_csv: counts, keys (after order_by and limit), the shown values
(parent fields such as account.name included), KPI values and the relations
read must be equal.  The command center's text must be the very text
`docket run --format table` prints: Python renders nothing itself (C++'s
RenderCommandCenter through the binding), so these are regression tests that
keep it so.
"""

import textwrap

import pandas as pd
import pytest

import docket
from conftest import DATA, RULEBOOKS, assert_same_as_cli, cli_command, cli_run, needs_engine, not_yet_supported

pytestmark = needs_engine

AS_OF = "2026-11-22"
BOOKS = sorted(RULEBOOKS.glob("*.yaml"))


@pytest.mark.parametrize("book_path", BOOKS, ids=[b.stem for b in BOOKS])
@pytest.mark.parametrize("owner", [None, "Alice Chen"])
def test_same_lists_as_the_cli(book_path, owner, example_frames):
    expected = cli_run(book_path, as_of=AS_OF, owner=owner)
    book = docket.Rulebook.load(book_path)
    if isinstance(expected, str):
        with pytest.raises(docket.CompileError) as e:
            book.run(example_frames, as_of=AS_OF, owner=owner)
        assert f"{e.value.file}:{e.value.line}:{e.value.column}" in expected
        if not_yet_supported(e.value):
            pytest.skip(f"{book_path.name}: {e.value.message} (both the CLI and Python say so)")
        return
    res = book.run(example_frames, as_of=AS_OF, owner=owner)
    assert res.as_of.isoformat() == expected["as_of"]
    assert res.owner == expected["owner"]
    # Counts, keys, every shown value (parent fields such as account.name
    # included) and the relations read.
    assert_same_as_cli(res, expected, book_path.stem)
    # KPI values (overall) agree too.
    cli_kpis = {k["id"]: k for k in expected.get("kpis", [])}
    for _, k in res.kpis().iterrows():
        if k["kpi"] in cli_kpis and "value" in cli_kpis[k["kpi"]]:
            want_v = cli_kpis[k["kpi"]]["value"]
            got_v = k["value"]
            if isinstance(want_v, float) or isinstance(got_v, float):
                assert got_v == pytest.approx(want_v), k["kpi"]
            elif want_v is not None and not isinstance(want_v, (int, bool)):
                assert str(got_v) == str(want_v), k["kpi"]
            else:
                assert got_v == want_v, k["kpi"]
        want_groups = cli_kpis.get(k["kpi"], {}).get("values")
        if isinstance(want_groups, dict):
            got_groups = res.kpi(k["kpi"])
            got = dict(zip(got_groups["owner"], got_groups["value"]))
            assert got.keys() == want_groups.keys(), k["kpi"]
            for o, v in want_groups.items():
                assert got[o] == (pytest.approx(v) if isinstance(v, float) else v), (k["kpi"], o)


# -- the command center's text --------------------------------------------------------------------------------------
# Python renders nothing itself: str(res.command_center()) is C++'s RenderCommandCenter, the function
# `docket run --format table` prints with.  These tests keep it that way (a Python re-implementation
# would drift: it did once, which is why they exist).

METRICS_HEADING = "\n━━ PAST · METRICS AND ALERTS"


def cli_table(book_path, data, as_of=AS_OF, owner=None) -> str:
    """`docket run --format table` to a pipe (100 columns, no colour)."""
    out = cli_command(book_path, data, as_of, owner, fmt="table")
    assert out.returncode == 0, out.stderr
    # The metrics section (rulebooks with metrics:) follows the command center.
    return out.stdout.split(METRICS_HEADING)[0]


@pytest.mark.parametrize("book_path", BOOKS, ids=[b.stem for b in BOOKS])
@pytest.mark.parametrize("owner", [None, "Alice Chen"])
def test_same_command_center_text_as_the_cli(book_path, owner, example_frames):
    book = docket.Rulebook.load(book_path)
    try:
        res = book.run(example_frames, as_of=AS_OF, owner=owner)
    except docket.CompileError as e:
        pytest.skip(f"{book_path.name}: {e.message}")
    assert str(res.command_center(top=5, width=100)) == cli_table(book_path, DATA, owner=owner)


# Every kind of value the command center shows, orphan notes, and names that
# are not ASCII: the CLI reads the CSVs, Python the same data as frames.
TYPES_BOOK = textwrap.dedent("""\
    docket: 1
    name: Every type — ünïcode
    time_zone: Asia/Tokyo
    tables:
      accounts:
        key: id
        owner: csm
        columns: {id: string, name: string, csm: string, arr: float, seats: int, renews: date,
                  touched: timestamp, active: bool}
      tasks:
        key: tid
        parent: {table: accounts, via: account_id, as: account}
        columns: {tid: string, account_id: string, title: string, due: date}
    lists:
      - id: all_accounts
        title: Every account, every type
        horizon: today
        table: accounts
        when: id IS NOT NULL
        show: [name, csm, arr, seats, renews, touched, active]
        order_by: id
        action: Look at each one — twice.
      - id: fractions
        title: Accounts with a fractional ARR
        horizon: upcoming
        table: accounts
        when: arr <> round(arr)
        show: [name, arr]
        order_by: id
      - id: tasks_of_accounts
        title: Tasks with their account
        horizon: past
        table: tasks
        when: due IS NOT NULL OR due IS NULL
        show: [title, account.name, account.touched, due]
        order_by: tid
    kpis:
      - {id: n, title: Accounts, list: all_accounts, measure: count, by: owner}
      - {id: arr, title: ARR, list: all_accounts, measure: sum(arr)}
      - {id: avg_arr, title: Average ARR, list: all_accounts, measure: avg(arr)}
      - {id: first_renewal, title: First renewal, list: all_accounts, measure: min(renews)}
      - {id: last_touch, title: Last touch, list: all_accounts, measure: max(touched)}
      - {id: frac_seats, title: Seats with fractions, list: fractions, measure: sum(seats)}
    """)

ACCOUNTS_CSV = textwrap.dedent("""\
    id,name,csm,arr,seats,renews,touched,active
    a1,Bruno Díaz,Zoë Ångström,1234567.5,12,2026-12-01,2026-11-20T15:30:00Z,true
    a2,東京 Trading 株式会社,Zoë Ångström,2000,,2027-01-15,2026-11-21T23:59:00Z,false
    a3,Émile & Sons,Li Wei,,3000000,,,
    a4,"Comma, Inc.",,0.25,-7,1999-02-28,1970-01-01T00:00:00Z,true
    """)

TASKS_CSV = textwrap.dedent("""\
    tid,account_id,title,due
    t1,a1,Call — the ☎ way,2026-11-22
    t2,zz,Orphan with a key not in accounts,
    t3,,Orphan with no key,2026-11-30
    t4,a2,Ship 東京 order,2026-12-24
    """)


def test_every_value_type_and_the_notes_render_as_the_cli(tmp_path):
    (tmp_path / "book.yaml").write_text(TYPES_BOOK, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "accounts.csv").write_text(ACCOUNTS_CSV, encoding="utf-8")
    (data / "tasks.csv").write_text(TASKS_CSV, encoding="utf-8")
    frames = {
        "accounts": pd.DataFrame({
            "id": ["a1", "a2", "a3", "a4"],
            "name": ["Bruno Díaz", "東京 Trading 株式会社", "Émile & Sons", "Comma, Inc."],
            "csm": ["Zoë Ångström", "Zoë Ångström", "Li Wei", None],
            "arr": [1234567.5, 2000.0, float("nan"), 0.25],
            "seats": pd.array([12, None, 3000000, -7], dtype="Int64"),
            "renews": pd.to_datetime(["2026-12-01", "2027-01-15", None, "1999-02-28"]).values.astype("datetime64[D]"),
            "touched": pd.to_datetime(["2026-11-20T15:30:00Z", "2026-11-21T23:59:00Z", None, "1970-01-01T00:00:00Z"]),
            "active": pd.array([True, False, None, True], dtype="boolean"),
        }),
        "tasks": pd.DataFrame({
            "tid": ["t1", "t2", "t3", "t4"],
            "account_id": ["a1", "zz", None, "a2"],
            "title": ["Call — the ☎ way", "Orphan with a key not in accounts", "Orphan with no key", "Ship 東京 order"],
            "due": pd.to_datetime(["2026-11-22", None, "2026-11-30", "2026-12-24"]).values.astype("datetime64[D]"),
        }),
    }
    book = docket.Rulebook.load(tmp_path / "book.yaml")
    for owner in (None, "Zoë Ångström"):
        res = book.run(frames, as_of=AS_OF, owner=owner)
        text = str(res.command_center(top=5, width=100))
        assert text == cli_table(tmp_path / "book.yaml", data, owner=owner), owner
    res = book.run(frames, as_of=AS_OF)
    text = str(res.command_center(top=5, width=100))
    # What the CLI and Python now print alike (read by a person, checked once here).
    assert "Bruno Díaz" in text and "東京 Trading 株式会社" in text
    assert "1,234,567.50" in text and "0.25" in text and "—" in text        # floats share decimals; NULL
    assert "2026-12-01" in text and "2026-11-21 00:30" in text            # a date; 15:30Z is 00:30 in Tokyo
    assert "1999-02-28" in text and "1970-01-01 09:00" in text and "(unassigned)" in text
    assert "yes" in text and "no" in text                                 # bools
    assert res.relation_notes == ["2 rows of tasks have no parent (1 with a key not in accounts, 1 with no key): "
                         "no aggregate counts them and their parent fields are NULL"]
    assert f"note: {res.relation_notes[0]}" in text
    html = res._repr_html_()
    assert res.relation_notes[0] in html.replace("&amp;", "&")
    # Values shown one by one (HTML KPI cards) use the same C++ display.
    assert [docket._docket.display_value(v) for v in (None, 1234567, 0.5, True, "x")] == \
        ["—", "1,234,567", "0.50", "yes", "x"]
