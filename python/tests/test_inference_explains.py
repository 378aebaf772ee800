"""Issue 14, "inference explains itself" (Python side) and row wording.

A str column whose values look typed but for one (`2026-02-30`, `NULL`,
`N/A`, a number past int64, `yes`) stays a string; the compile error that
follows names the column, the row (0-based position and index label), the
value and how to convert the column.  The CLI side is
tests/usability/inference_explains.sh; the classifier is one C++ function
(lib/io/infer.h) for both."""

import numpy as np
import pandas as pd
import pytest

import docket
from conftest import RULEBOOKS, DATA, needs_engine

pytestmark = needs_engine

AS_OF = "2026-11-22"
INDEX = ["acme-1", "acme-17", "acme-3"]

CASES = [
    # (bad value, the two good values, rule, the type the others have, the conversion named)
    ("2026-02-30", ("2026-01-01", "2026-03-01"), "v > DATE '2026-01-15'", "date", "types={'v': 'date'}"),
    ("NULL", ("2026-01-01", "2026-03-01"), "v > DATE '2026-01-15'", "date", "types={'v': 'date'}"),
    ("N/A", ("10", "20"), "v > 15", "int", "pd.to_numeric(df['v'])"),
    ("99999999999999999999", ("10", "20"), "v + 1 > 15", "int", "pd.to_numeric(df['v'])"),
    ("yes", ("true", "false"), "v", "bool", "df['v'].str.lower()"),
]


@pytest.mark.parametrize("bad,good,rule,type_,fix", CASES, ids=[c[0] for c in CASES])
def test_string_fallback_names_row_value_and_fix(bad, good, rule, type_, fix):
    df = pd.DataFrame({"v": [good[0], bad, good[1]]}, index=INDEX)
    with pytest.raises(docket.CompileError) as e:
        docket.evaluate(df, rule, as_of=AS_OF)
    msg = str(e.value)
    assert f"column 'v' was read as string because of the value '{bad}' at row 1 (index 'acme-17')" in msg
    assert f"its other values are {type_}s" in msg
    assert fix in msg


def test_bad_value_first_is_found_too():
    df = pd.DataFrame({"v": ["N/A", "2026-01-01", "2026-03-01"]})
    with pytest.raises(docket.CompileError, match=r"value 'N/A' at row 0 \(index 0\)"):
        docket.compile("v > DATE '2026-01-15'", df)


def test_text_column_has_no_note():
    df = pd.DataFrame({"name": ["Acme", "Beta"]})
    with pytest.raises(docket.CompileError) as e:
        docket.compile("name > 1", df)
    assert "was read as string" not in str(e.value)


def test_declaring_the_type_names_the_value_and_row():
    df = pd.DataFrame({"v": ["2026-01-01", "2026-02-30"]}, index=["a", "acme-17"])
    with pytest.raises(docket.DataError) as e:
        docket.Table(df, types={"v": "date"})
    assert "row 1 (index 'acme-17')" in str(e.value) and "2026-02-30" in str(e.value)


def test_row_wording_is_position_and_label():
    # One wording everywhere a conversion error names a row: "row <0-based position> (index <label>)".
    df = pd.DataFrame({"n": [1, "x", 3]}, index=[10, 20, 30])
    with pytest.raises(docket.DataError, match=r"column 'n': row 1 \(index 20\) holds str 'x'"):
        docket.Table(df)
    # A dict of arrays has no index: the position alone.
    with pytest.raises(docket.DataError, match=r"column 'n': row 1 holds str 'x'"):
        docket.Table({"n": np.array([1, "x", 3], dtype=object)})


def test_owner_full_name_did_you_mean():
    book = docket.Rulebook.load(RULEBOOKS / "csm_hub.yaml")
    frames = {t: pd.read_csv(DATA / f"{t}.csv", keep_default_na=False, na_values=[""])
              for t in ("accounts", "contacts")}
    for typed in ("Alicee", "alice"):
        with pytest.warns(docket.DocketWarning, match=r"did you mean 'Alice Chen'\?"):
            book.run(frames, as_of=AS_OF, owner=typed)
