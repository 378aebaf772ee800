"""CompileError / DataError: line, column, caret message, hint, hierarchy."""

import pickle

import numpy as np
import pandas as pd
import pytest

import docket
from conftest import RULEBOOKS, needs_engine

DF = pd.DataFrame({"pulse": ["red", None], "arr": [1.0, 2.0], "d": pd.to_datetime(["2026-01-01", None])})


def test_hierarchy():
    assert issubclass(docket.CompileError, docket.Error)
    assert issubclass(docket.DataError, docket.Error)
    assert issubclass(docket.Error, Exception)


@needs_engine
def test_unknown_column_has_position_hint_and_caret():
    with pytest.raises(docket.CompileError) as e:
        docket.evaluate(DF, "arr > 1 AND pluse IS NULL", as_of="2026-11-22")
    err = e.value
    assert (err.line, err.column) == (1, 13)
    assert "pluse" in err.message
    assert err.hint and "pulse" in err.hint
    text = str(err)
    assert "^" in text and "arr > 1 AND pluse IS NULL" in text
    caret_line = text.splitlines()[-1]
    source_line = text.splitlines()[-2]
    assert caret_line.index("^") == source_line.index("pluse")


@needs_engine
def test_multiline_expression_positions():
    with pytest.raises(docket.CompileError) as e:
        docket.compile("arr > 1\n  AND d > 'soon'", DF)
    assert e.value.line == 2
    assert e.value.column is not None and e.value.column >= 9


@needs_engine
def test_type_error_and_syntax_error():
    with pytest.raises(docket.CompileError):
        docket.compile("arr + ", DF)
    with pytest.raises(docket.CompileError) as e:
        docket.compile("pulse > 3", DF)
    assert e.value.line == 1


@needs_engine
def test_missing_column_at_evaluation_is_a_data_error():
    pred = docket.compile("arr > 1", DF)
    with pytest.raises(docket.DataError):
        pred.evaluate(pd.DataFrame({"other": [1.0]}), as_of="2026-11-22")


def test_data_error_from_ingest():
    with pytest.raises(docket.DataError) as e:
        docket.Table(pd.DataFrame({"when": pd.to_timedelta([1], unit="s")}))
    assert "when" in e.value.message and e.value.line is None


@needs_engine
def test_rulebook_errors_point_into_the_file():
    text = "docket: 1\nname: t\nlists:\n  - id: a\n    table: accounts\n    when: pluse IS NULL\n"
    book = docket.Rulebook.from_yaml(text, "book.yaml")
    with pytest.raises(docket.CompileError) as e:
        book.run({"accounts": DF}, as_of="2026-11-22")
    assert e.value.line == 6 and e.value.file == "book.yaml"
    assert "book.yaml:6:" in str(e.value)


@needs_engine
def test_yaml_error_and_missing_file():
    with pytest.raises(docket.CompileError) as e:
        docket.Rulebook.from_yaml("docket: 1\nlists: [", "bad.yaml")
    assert e.value.file == "bad.yaml" and e.value.line is not None
    with pytest.raises(docket.Error):
        docket.Rulebook.load(RULEBOOKS / "no_such_rulebook.yaml")


def test_errors_pickle():
    err = docket.CompileError("1:3: oops — try this", detail="oops", hint="try this", line=1, column=3)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is docket.CompileError
    assert (back.line, back.column, back.hint, back.message, str(back)) == (1, 3, "try this", "oops", str(err))


def test_numpy_only_input_error():
    with pytest.raises(TypeError):
        docket.Table(np.arange(3))
