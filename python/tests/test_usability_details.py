"""Issue 14, "inconsistent details", Python side: rows in errors are named one
way (0-based position and index label), rulebook errors in a multi-line quoted
`when:` point at their true line and column, and the suspicious-but-legal
inputs warn (DocketWarning) and land in Result.warnings."""

import warnings

import pandas as pd
import pytest

import docket
from conftest import RULEBOOKS, DATA, needs_engine

pytestmark = needs_engine

AS_OF = "2026-11-22"


@pytest.mark.parametrize("frame, match", [
    (pd.DataFrame({"id": [1, 1]}, index=["a", "b"]),
     r"duplicate key 1 in column id of table data at row 1 \(index 'b'\) \(first on row 0 \(index 'a'\)\)"),
    (pd.DataFrame({"id": ["x", "y", "x"]}, index=[10, 20, 30]),
     r"duplicate key 'x' in column id of table data at row 2 \(index 30\) \(first on row 0 \(index 10\)\)"),
    (pd.DataFrame({"id": pd.array([1, None], dtype="Int64")}, index=["a", "b"]),
     r"NULL key in column id of table data at row 1 \(index 'b'\)"),
    (pd.DataFrame({"id": pd.Series([1, "a"], dtype=object, index=["a", "b"])}),
     r"column 'id': row 1 \(index 'b'\) holds str 'a'"),
])
def test_rows_are_named_by_position_and_label(frame, match):
    with pytest.raises(docket.DataError, match=match):
        docket.Table(frame, key="id")


@pytest.mark.parametrize("when, line, column", [
    ('"arr > 0 AND\n      nmae = \'x\'"', 8, 7),
    ("'arr > 0 AND\n      nmae = ''x'''", 8, 7),
    ('"arr > 0 AND\n\n      nmae = \'x\'"', 9, 7),
    ('"arr > 0 AND nmae = \'x\'"', 7, 24),
])
def test_quoted_when_errors_point_into_the_file(tmp_path, when, line, column):
    path = tmp_path / "book.yaml"
    path.write_text("docket: 1\nname: t\nlists:\n  - id: a\n    title: A\n    table: accounts\n"
                    f"    when: {when}\n")
    book = docket.Rulebook.load(path)
    accounts = pd.read_csv(DATA / "accounts.csv", keep_default_na=False, na_values=[""])
    with pytest.raises(docket.CompileError) as e:
        book.run({"accounts": accounts}, as_of=AS_OF)
    assert (e.value.line, e.value.column) == (line, column)
    assert "unknown column 'nmae' in accounts — did you mean 'name'?" in str(e.value)
    assert f"{path}:{line}:{column}:" in str(e.value)


def test_suspicious_inputs_warn_and_are_kept():
    book = docket.Rulebook.load(RULEBOOKS / "csm_hub.yaml")
    accounts = pd.read_csv(DATA / "accounts.csv", keep_default_na=False, na_values=[""])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = book.run({"accounts": accounts}, as_of=AS_OF, owner="Alice Chn")
    shown = [str(w.message) for w in caught if issubclass(w.category, docket.DocketWarning)]
    missing = ("declared tables 'contacts', 'tasks', 'success_plans', 'objectives', 'playbooks', 'activities', "
               "'conversations', 'requests' were given no data and are treated as empty")
    owner = "owner 'Alice Chn' owns no row in any table with an owner column, so every list is empty — " \
            "did you mean 'Alice Chen'?"
    for want in (missing, owner):
        assert any(want in w for w in shown), want
        assert any(want in w for w in res.warnings), want
    assert all(len(l.rows) == 0 for l in res.lists)


def test_a_wrong_list_name_as_a_str_says_which():
    book = docket.Rulebook.load(RULEBOOKS / "csm_hub.yaml")
    accounts = pd.read_csv(DATA / "accounts.csv", keep_default_na=False, na_values=[""])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", docket.DocketWarning)
        with pytest.raises(docket.CompileError, match=r"^unknown list 'outdated_puls' — did you mean 'outdated_pulse'\?"):
            book.run({"accounts": accounts}, as_of=AS_OF, lists="outdated_puls")


def test_a_param_the_expression_never_reads_is_an_error():
    df = pd.DataFrame({"arr": [1, 2]})
    with pytest.raises(docket.CompileError, match=r"^param 'mn' is not used by the expression \(it has no \$mn\) — "
                                                  r"did you mean 'min'\?"):
        docket.compile("arr > $min", df, params={"min": 1, "mn": 1})
    with pytest.raises(docket.CompileError, match=r"param 'typo' is not used.*the expression reads no params"):
        docket.count(df, "arr > 0", params={"typo": 1})
    assert docket.count(df, "arr > $min", params={"min": 1}) == 1
