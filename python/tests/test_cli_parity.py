"""The Python package gives the same lists as the C++ command on the example rulebooks.

Each example rulebook is run by `build/docket run ... --format json` over
examples/data and by docket.Rulebook.run over the same CSVs read with
pandas.read_csv: counts, keys (after order_by and limit), the shown values
(parent fields such as account.name included), KPI values and the relations
read must be equal.
"""

import pytest

import docket
from conftest import RULEBOOKS, assert_same_as_cli, cli_run, needs_engine, not_yet_supported

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
